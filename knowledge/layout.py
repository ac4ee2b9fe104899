"""Where each piece of state lives under ``RAG_DATA_DIR`` (one folder = one backup)."""

from __future__ import annotations

from pathlib import Path


class DataLayout:
    def __init__(self, root: Path) -> None:
        self.root = root

    @property
    def chroma_dir(self) -> Path:
        return self.root / "chroma"

    @property
    def records_db(self) -> Path:
        return self.root / "records.sqlite"

    @property
    def index_dir(self) -> Path:
        return self.root / "index"

    @property
    def ingest_lock(self) -> Path:
        return self.root / "ingest.lock"

    def ensure(self) -> None:
        self.index_dir.mkdir(parents=True, exist_ok=True)
