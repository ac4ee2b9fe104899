"""Shared fixtures: a fresh data folder per test and the real offline embedding model."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from core.settings import Settings

# tests.webapp: the web app under uvicorn and Debian's Chromium, for the browser tests;
# tests.reliability: the Reliability table `make adversity` prints.
pytest_plugins = ["tests.pg", "tests.webapp", "tests.reliability"]

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


# Every log line the suite produces is checked for the secrets the tests use: a test module's
# constants named like a secret (KEY, SECRET, PASSWORD, TOKEN), and any JWT. A test whose
# captured output (the service's JSON log lines) holds one fails at teardown, whatever it
# asserted itself; the teardown report carries the output of every phase.
_SECRET_NAME = re.compile(r"KEY|SECRET|PASSWORD|TOKEN")
_JWT = re.compile(r"eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}")


def _module_secrets(item: pytest.Item) -> list[str]:
    module = getattr(item, "module", None)
    return [
        value
        for name, value in vars(module).items()
        if _SECRET_NAME.search(name) and isinstance(value, str) and len(value) >= 8
    ]


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Iterator[None]:
    outcome = yield
    report: pytest.TestReport = outcome.get_result()  # type: ignore[attr-defined]
    if report.when != "teardown" or report.failed:
        return
    logged = report.capstdout + report.capstderr
    leaked = [s for s in _module_secrets(item) if s in logged] + _JWT.findall(logged)
    if leaked:
        report.outcome = "failed"
        report.longrepr = f"a secret reached the log output: {[s[:6] + '…' for s in leaked]}"
