"""What /metrics reads at each scrape, through the real app: dependencies up and down (real
Redis and PostgreSQL), the data disk, the newest complete backup and the published corpus."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from prometheus_client.parser import text_string_to_metric_families

from core.settings import Settings
from server.app import create_app
from server.scrape import newest_backup_time
from tests.answering import fake_services
from tests.fakes import queued
from tests.pg import PostgresServer
from tests.servers import RedisServer

pytestmark = pytest.mark.integration

KEY = "scrape-key-0123456789abcdef"
HEADERS = {"Authorization": f"Bearer {KEY}"}  # as Prometheus sends it


@pytest.fixture
def client(
    sample_settings: Settings,
    tmp_path: Path,
    redis_server: RedisServer,
    postgres_server: PostgresServer,
    postgres_url: str,
) -> Iterator[TestClient]:
    data = tmp_path / "data"
    subprocess.run(["cp", "-r", str(sample_settings.data_dir), str(data)], check=True)
    settings = Settings.from_env(
        {}, data_dir=data, api_keys=(KEY,), redis_url=redis_server.url, database_url=postgres_url
    )
    with TestClient(create_app(settings, fake_services(settings, queued()))) as test_client:
        yield test_client


def scrape(client: TestClient) -> dict[str, float]:
    """Every sample of /metrics, named with its labels as Prometheus would print them."""
    response = client.get("/metrics", headers=HEADERS)
    assert response.status_code == 200, response.text
    samples = {}
    for family in text_string_to_metric_families(response.text):
        for s in family.samples:
            labels = ",".join(f'{k}="{v}"' for k, v in sorted(s.labels.items()))
            samples[f"{s.name}{{{labels}}}" if labels else s.name] = s.value
    return samples


def test_dependencies_are_reported_up_and_down(
    client: TestClient, redis_server: RedisServer, postgres_server: PostgresServer
) -> None:
    up = scrape(client)
    assert up['rag_dependency_up{dependency="redis"}'] == 1
    assert up['rag_dependency_up{dependency="postgres"}'] == 1
    assert 'rag_dependency_up{dependency="chroma"}' not in up  # embedded: nothing to reach
    redis_server.kill()
    postgres_server.stop()
    try:
        down = scrape(client)
        assert down['rag_dependency_up{dependency="redis"}'] == 0
        assert down['rag_dependency_up{dependency="postgres"}'] == 0
    finally:
        redis_server.start()
        postgres_server.start()
    assert scrape(client)['rag_dependency_up{dependency="redis"}'] == 1


def test_disk_corpus_and_breakers_are_read_at_each_scrape(client: TestClient) -> None:
    samples = scrape(client)
    assert 0 < samples["rag_data_disk_free_bytes"] <= samples["rag_data_disk_size_bytes"]
    assert samples["rag_corpus_chunks"] > samples["rag_corpus_documents"] > 0
    assert samples["rag_corpus_flagged_chunks"] >= 0
    assert samples['rag_breaker_state{provider="fake"}'] == 0
    assert samples["rag_last_backup_timestamp_seconds"] == 0  # no backup yet


def test_the_newest_complete_backup_counts(tmp_path: Path) -> None:
    backups = tmp_path / "backups"
    for name, mtime in (("old", 1_000), ("new", 2_000)):
        manifest = backups / name / "manifest.json"
        manifest.parent.mkdir(parents=True)
        manifest.write_text("{}")
        os.utime(manifest, (mtime, mtime))
    (backups / "unfinished").mkdir()  # no manifest yet: not a backup
    os.utime(backups / "unfinished", (3_000, 3_000))
    assert newest_backup_time(backups) == 2_000
    assert newest_backup_time(tmp_path / "elsewhere") == 0
