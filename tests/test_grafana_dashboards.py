"""The Grafana provisioning: four dashboards of valid JSON, every panel and query on the one
provisioned Prometheus data source, and the folders compose mounts where the provisioning reads.
(What the queries return is test_monitoring_live.py's concern.)"""

from __future__ import annotations

import yaml

from tests.conftest import REPO
from tests.monitoring import DASHBOARDS, GRAFANA_DIR, load_dashboard


def provisioned(kind: str) -> dict:  # type: ignore[type-arg]
    (path,) = (GRAFANA_DIR / "provisioning" / kind).glob("*.yaml")
    return yaml.safe_load(path.read_text())  # type: ignore[no-any-return]


def test_one_prometheus_data_source_is_provisioned() -> None:
    (source,) = provisioned("datasources")["datasources"]
    assert source["type"] == "prometheus" and source["url"] == "http://prometheus:9090"


def test_every_panel_queries_the_provisioned_data_source() -> None:
    (source,) = provisioned("datasources")["datasources"]
    expected = {"type": "prometheus", "uid": source["uid"]}
    dashboards = [load_dashboard(path) for path in DASHBOARDS]
    assert {d["uid"] for d in dashboards} == {
        "rag-overview",
        "rag-answer-graph",
        "rag-llm",
        "rag-ingestion",
    }
    for dashboard in dashboards:
        ids = [panel["id"] for panel in dashboard["panels"]]
        assert len(ids) == len(set(ids)), dashboard["title"]
        for panel in dashboard["panels"]:
            where = f"{dashboard['title']} / {panel['title']}"
            assert panel["datasource"] == expected, where
            assert panel["targets"], where
            for target in panel["targets"]:
                assert target["datasource"] == expected and target["expr"].strip(), where


def test_compose_mounts_the_provisioning_where_grafana_reads_it() -> None:
    compose = yaml.safe_load((REPO / "infra" / "compose.yaml").read_text())
    grafana = compose["services"]["grafana"]
    assert grafana["profiles"] == ["monitoring"]
    assert ":-grafana/grafana:" in grafana["image"]  # the official image, unless overridden
    mounts = {volume.split(":")[1]: volume.split(":")[0] for volume in grafana["volumes"]}
    assert mounts["/etc/grafana/provisioning"] == "./grafana/provisioning"
    (provider,) = provisioned("dashboards")["providers"]
    assert mounts[provider["options"]["path"]] == "./grafana/dashboards"
