"""The monitoring configuration as the tests read it: alert rules, their promtool unit tests, the
Grafana dashboards and their panels' queries, and a real Prometheus (Debian's binary) on
127.0.0.1."""

from __future__ import annotations

import json
import shutil
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import yaml

from tests.conftest import REPO
from tests.servers import ServerProcess

PROMETHEUS_DIR = REPO / "infra" / "prometheus"
GRAFANA_DIR = REPO / "infra" / "grafana"
DASHBOARDS = sorted((GRAFANA_DIR / "dashboards").glob("*.json"))
# Grafana's own variables, as Grafana would fill them for a short time range.
GRAFANA_VARIABLES = {"$__rate_interval": "1m"}


def binary(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        raise RuntimeError(f"{name} not installed: run infra/dev/system-packages.sh")
    return found


def alert_rules() -> list[dict[str, Any]]:
    groups = yaml.safe_load((PROMETHEUS_DIR / "alerts.yml").read_text())["groups"]
    return [rule for group in groups for rule in group["rules"]]


@dataclass(frozen=True)
class PanelQuery:
    dashboard: str
    panel: str
    expr: str  # with Grafana's variables filled in

    def __str__(self) -> str:
        return f"{self.dashboard} / {self.panel}: {self.expr}"


def load_dashboard(path: Path) -> dict[str, Any]:
    dashboard: dict[str, Any] = json.loads(path.read_text())
    return dashboard


def panel_queries() -> list[PanelQuery]:
    queries = []
    for path in DASHBOARDS:
        dashboard = load_dashboard(path)
        for panel in dashboard["panels"]:
            for target in panel["targets"]:
                expr = target["expr"]
                for variable, value in GRAFANA_VARIABLES.items():
                    expr = expr.replace(variable, value)
                queries.append(PanelQuery(dashboard["title"], panel["title"], expr))
    return queries


class PrometheusServer(ServerProcess):
    """Prometheus with ``config`` (a parsed prometheus.yml), its data in ``workdir``."""

    def __init__(self, workdir: Path, config: dict[str, Any]) -> None:
        super().__init__(workdir)
        self.config = config

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> PrometheusServer:
        self.workdir.mkdir(parents=True, exist_ok=True)
        config_file = self.workdir / "prometheus.yml"
        config_file.write_text(yaml.safe_dump(self.config))
        log = (self.workdir / "server.log").open("ab")
        args = [binary("prometheus"), f"--config.file={config_file}"]
        args += [f"--storage.tsdb.path={self.workdir / 'data'}"]
        args += [f"--web.listen-address=127.0.0.1:{self.port}"]
        self.proc = subprocess.Popen(args, stdout=log, stderr=subprocess.STDOUT)
        deadline = time.time() + 30
        while time.time() < deadline:
            try:
                if httpx.get(f"{self.url}/-/ready").is_success:
                    return self
            except httpx.HTTPError:
                if self.proc.poll() is not None:
                    break
            time.sleep(0.1)
        raise RuntimeError(f"prometheus did not start: {(self.workdir / 'server.log').read_text()}")

    def query(self, expr: str) -> dict[str, Any]:
        """``/api/v1/query``'s whole reply: ``status`` "success" and ``data``, or the error."""
        reply: dict[str, Any] = httpx.get(
            f"{self.url}/api/v1/query", params={"query": expr}, timeout=10
        ).json()
        return reply

    def api(self, path: str) -> Any:
        reply = httpx.get(f"{self.url}/api/v1/{path}", timeout=10).json()
        assert reply["status"] == "success", reply
        return reply["data"]
