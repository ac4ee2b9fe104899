"""Shared fixtures: a fresh data folder per test and the real offline embedding model."""

from __future__ import annotations

from pathlib import Path

import pytest

from core.settings import Settings

REPO = Path(__file__).resolve().parent.parent
SAMPLE_CORPUS = REPO / "samples" / "corpus"


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings.from_env({}, data_dir=tmp_path / "data")
