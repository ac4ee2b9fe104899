"""Fetching flashrank's model zip: a local HTTP server plays the hub (redirect + LFS sha256)."""

import hashlib
import io
import threading
import zipfile
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cli.main import app
from knowledge.rerank import REQUIRED_FILES, Reranker
from knowledge.rerank_fetch import RerankFetchError, fetch_reranker

MODEL = "ms-marco-TinyBERT-L-2-v2"
FILES = (*REQUIRED_FILES, "flashrank-TinyBERT-L-2-v2.onnx")


def model_zip(files: tuple[str, ...] = FILES) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as zf:
        for name in files:
            zf.writestr(f"{MODEL}/{name}", "{}")
    return buffer.getvalue()


class Hub:
    """Serves /resolve/<model>.zip as a redirect carrying X-Linked-Etag, then the bytes."""

    def __init__(self, body: bytes, declared: str | None) -> None:
        self.body, self.declared = body, declared
        hub = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: object) -> None:
                pass

            def do_GET(self) -> None:
                if self.path.startswith("/resolve/"):
                    self.send_response(302)
                    self.send_header("Location", "/cdn/blob")
                    if hub.declared:
                        self.send_header("X-Linked-Etag", f'"{hub.declared}"')
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                self.send_response(200)
                self.send_header("Content-Length", str(len(hub.body)))
                self.end_headers()
                self.wfile.write(hub.body)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/resolve/{MODEL}.zip"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()


@pytest.fixture
def hub() -> Iterator[Hub]:
    body = model_zip()
    server = Hub(body, hashlib.sha256(body).hexdigest())
    yield server
    server.server.shutdown()


def test_a_verified_download_lands_in_the_layout_the_reranker_loads(hub: Hub, tmp_path: Path):
    folder = fetch_reranker(MODEL, tmp_path, url=hub.url)
    assert folder == tmp_path / MODEL
    assert Reranker(MODEL, tmp_path, 300)._missing() is None
    assert [p.name for p in tmp_path.iterdir()] == [MODEL]  # no staging left behind


def test_a_checksum_mismatch_leaves_nothing(hub: Hub, tmp_path: Path):
    hub.declared = "0" * 64
    with pytest.raises(RerankFetchError, match="does not match"):
        fetch_reranker(MODEL, tmp_path, url=hub.url)
    assert list(tmp_path.iterdir()) == []


def test_a_pinned_checksum_wins_over_the_declared_one(hub: Hub, tmp_path: Path):
    with pytest.raises(RerankFetchError, match="does not match"):
        fetch_reranker(MODEL, tmp_path, url=hub.url, sha256="f" * 64)
    pinned = hashlib.sha256(hub.body).hexdigest()
    hub.declared = None
    assert fetch_reranker(MODEL, tmp_path, url=hub.url, sha256=pinned).is_dir()


def test_no_checksum_at_all_is_refused(hub: Hub, tmp_path: Path):
    hub.declared = None
    with pytest.raises(RerankFetchError, match="declares no sha256"):
        fetch_reranker(MODEL, tmp_path, url=hub.url)


def test_an_archive_without_the_model_files_is_refused(tmp_path: Path):
    body = model_zip(("config.json",))
    server = Hub(body, hashlib.sha256(body).hexdigest())
    try:
        with pytest.raises(RerankFetchError, match="flashrank layout"):
            fetch_reranker(MODEL, tmp_path, url=server.url)
    finally:
        server.server.shutdown()


def test_offline_the_cli_fails_clearly(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setattr("knowledge.rerank_fetch.HUB_URL", "http://127.0.0.1:9/{model}.zip")
    result = CliRunner().invoke(app, ["models", "pull", "--reranker", "--dest", str(tmp_path)])
    assert result.exit_code == 1
    assert "download of" in result.output and "reranking stays off" in result.output
