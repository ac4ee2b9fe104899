"""Shared fixtures: a fresh data folder per test and the real offline embedding model."""

from __future__ import annotations

from pathlib import Path

import pytest

from core.settings import Settings

pytest_plugins = ["tests.pg", "tests.reliability"]

REPO = Path(__file__).resolve().parent.parent
SAMPLE_CORPUS = REPO / "samples" / "corpus"


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings.from_env({}, data_dir=tmp_path / "data")


@pytest.fixture(scope="session")
def sample_settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    """The bundled sample corpus, ingested once for the whole run (read-only for tests)."""
    from knowledge.ingest import ingest

    settings = Settings.from_env({}, data_dir=tmp_path_factory.mktemp("sample") / "data")
    report = ingest([SAMPLE_CORPUS], settings)
    assert not report.skipped, report.skipped
    return settings


@pytest.fixture
def redis_server(tmp_path: Path):  # type: ignore[no-untyped-def]
    from tests.servers import RedisServer

    server = RedisServer(tmp_path / "redis").start()
    yield server
    server.kill()
