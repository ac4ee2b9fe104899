"""Driving the real stack: podman-compose up/down, each service's container, HTTPS through Caddy.

The stack is infra/compose.yaml + infra/compose.test.yaml (local images, stub LLM), published on
127.0.0.1 only, under its own project name so it never touches a user's stack. Every wait has a
deadline; every subprocess has a timeout.
"""

from __future__ import annotations

import json
import os
import socket
import ssl
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import httpx

ROOT = Path(__file__).resolve().parents[2]
INFRA = ROOT / "infra"
PROJECT = "ragstack"
SAMPLES = "/opt/personal-rag/samples/corpus"  # baked into the image
CA_PATH = "/data/caddy/pki/authorities/local/root.crt"  # Caddy's internal root, in its volume
T = TypeVar("T")

# Runs inside an API replica (its venv has httpx): one request to that replica on its own port, or
# to `host` on the back network, so a test can choose the replica.
# argv[1] = {"method", "path", "host"?, "headers"?, "json"?, "form"?, "files"?}.
DIRECT_CALL = """
import json, sys, httpx
req = json.loads(sys.argv[1])
files = [("files", (n, c.encode(), "text/markdown")) for n, c in req.get("files", [])] or None
url = "http://" + req.get("host", "127.0.0.1") + ":8000" + req["path"]
r = httpx.request(req["method"], url, headers=req.get("headers"),
                  json=req.get("json"), data=req.get("form"), files=files, timeout=60)
print(json.dumps({"status": r.status_code, "body": r.text}))
"""

SERVICES = ("redis", "postgres", "chroma", "stub-llm", "api-1", "api-2", "caddy")
RESOLVE = "import socket, sys; [socket.getaddrinfo(name, 0) for name in sys.argv[1:]]"
LIVE = "import urllib.request as u; u.urlopen('http://127.0.0.1:8000/health/live', timeout=2)"
IMAGES = (
    "localhost/personal-rag:test",
    "localhost/personal-rag-caddy:test",
    "localhost/personal-rag-chroma:test",
    "localhost/rag-test/redis:8",
    "localhost/rag-test/postgres:15",
    "localhost/rag-test/stub-llm",
)

# Runs inside a replica: the session's messages, read through the service's own session store.
HISTORY = """
import asyncio, json, sys
from core.settings import Settings
from graph.sessions import open_checkpointer
async def history():
    async with open_checkpointer(Settings.from_env()) as saver:
        return await saver.aget_tuple({"configurable": {"thread_id": sys.argv[1]}})
state = asyncio.run(history())
messages = state.checkpoint["channel_values"].get("messages", []) if state else []
print(json.dumps([str(m.content) for m in messages]))
"""


def run(args: list[str], timeout: float = 120, check: bool = True, **kw: Any) -> str:
    result = subprocess.run(args, capture_output=True, text=True, timeout=timeout, **kw)
    if check and result.returncode != 0:
        raise RuntimeError(f"{' '.join(args[:4])}… exited {result.returncode}: {result.stderr}")
    return str(result.stdout)


def wait_for(what: str, probe: Callable[[], T | None], timeout: float, every: float = 1) -> T:
    """Poll ``probe`` until it returns something truthy; fail with ``what`` after ``timeout``."""
    deadline = time.monotonic() + timeout
    last: BaseException | None = None
    while time.monotonic() < deadline:
        try:
            value = probe()
            if value:
                return value
        except Exception as exc:
            last = exc
        time.sleep(every)
    raise TimeoutError(f"{what}: not within {timeout:.0f} s (last error: {last})")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Stack:
    secrets_dir: Path
    https_port: int = field(default_factory=free_port)
    http_port: int = field(default_factory=free_port)
    ca_file: Path | None = None

    # ---- compose -----------------------------------------------------------------------------
    @property
    def env(self) -> dict[str, str]:
        return {
            **os.environ,
            "RAG_SECRETS_DIR": str(self.secrets_dir),
            "RAG_BIND": "127.0.0.1",
            "RAG_HTTPS_PORT": str(self.https_port),
            "RAG_HTTP_PORT": str(self.http_port),
            "RAG_DOMAIN": "localhost",
        }

    def compose(self, *args: str, timeout: float = 300) -> str:
        command = [str(Path(sys.executable).parent / "podman-compose"), "-p", PROJECT]
        command += ["-f", str(INFRA / "compose.yaml"), "-f", str(INFRA / "compose.test.yaml")]
        return run([*command, *args], timeout=timeout, env=self.env)

    def up(self) -> None:
        self.compose("up", "-d", "--no-build")

    def down(self) -> None:
        self.compose("down", "-v", "-t", "10", timeout=300)

    def start(self) -> dict[str, float]:
        """From nothing to serving the sample corpus through Caddy; seconds for each step."""
        self.down()  # leftovers of an interrupted run
        started = time.monotonic()
        self.up()
        timings = {"compose_up_s": time.monotonic() - started}
        for service in ("api-1", "api-2"):
            wait_for(f"{service} live", lambda s=service: self.live(s), timeout=180)  # type: ignore[misc]
        timings["replicas_live_s"] = time.monotonic() - started
        pem = wait_for("Caddy's local CA", lambda: self.exec("caddy", "cat", CA_PATH), 60)
        self.ca_file = self.secrets_dir / "caddy-root.crt"
        self.ca_file.write_text(pem)
        with self.client() as client:
            wait_for("live through Caddy", lambda: client.get("/health/live").is_success, 60)
            timings["https_live_s"] = time.monotonic() - started
            ingest_started = time.monotonic()
            self.exec("api-1", "rag", "ingest", SAMPLES, "--json", timeout=600)
            timings["ingest_samples_s"] = time.monotonic() - ingest_started
            wait_for("ready through Caddy", lambda: client.get("/health/ready").is_success, 60)
        timings["ready_s"] = time.monotonic() - started
        return timings

    # ---- containers --------------------------------------------------------------------------
    def container(self, service: str) -> str:
        names = run(
            [
                "podman", "ps", "-a", "--format", "{{.Names}}",
                "--filter", f"label=com.docker.compose.project={PROJECT}",
                "--filter", f"label=com.docker.compose.service={service}",
            ]
        ).split()  # fmt: skip
        if len(names) != 1:
            raise LookupError(f"service {service}: containers {names}")
        return names[0]

    def containers(self) -> list[str]:
        return run(
            ["podman", "ps", "-a", "--format", "{{.Names}}", "--filter",
             f"label=com.docker.compose.project={PROJECT}"]
        ).split()  # fmt: skip

    def inspect(self, service: str) -> dict[str, Any]:
        data: list[dict[str, Any]] = json.loads(run(["podman", "inspect", self.container(service)]))
        return data[0]

    def exec(self, service: str, *argv: str, timeout: float = 120) -> str:
        return run(["podman", "exec", self.container(service), *argv], timeout=timeout)

    def live(self, service: str) -> bool:
        self.exec(service, "python3", "-c", LIVE, timeout=10)
        return True

    def crash(self, service: str) -> float:
        """SIGKILL the container's PID 1 from the host, as a crash would; returns when (monotonic).
        (`podman kill` counts as a deliberate stop: podman 4.3 then does not restart it.)"""
        os.kill(int(self.inspect(service)["State"]["Pid"]), 9)
        return time.monotonic()

    def settle(self) -> None:
        """Wait until every service name resolves on `back` again. With podman 4.3, starting a
        container makes aardvark-dns reload, and for a second or two (longer under load) other
        names fail to resolve: not what these tests are about (docs/deploy.md, podman notes)."""

        def resolves() -> bool:
            for replica in ("api-1", "api-2"):
                self.exec(replica, "python3", "-c", RESOLVE, *SERVICES, timeout=20)
            return True

        for _ in range(2):  # twice in a row, a second apart
            wait_for("service names resolving on back", resolves, timeout=60)
            time.sleep(1)

    def restarted(self, service: str, before: int) -> bool:
        state = self.inspect(service)
        return bool(state["State"]["Running"]) and int(state["RestartCount"]) > before

    # ---- talking to the service --------------------------------------------------------------
    def secret(self, name: str) -> str:
        return (self.secrets_dir / name).read_text().strip()

    @property
    def api_key(self) -> str:
        return self.secret("rag_api_keys").split(",")[0]

    @property
    def url(self) -> str:
        return f"https://localhost:{self.https_port}"

    def client(self, **kw: Any) -> httpx.Client:
        """HTTPS through Caddy, trusting only Caddy's internal CA."""
        assert self.ca_file is not None, "stack not ready"
        context = ssl.create_default_context(cafile=str(self.ca_file))
        headers = {"X-API-Key": self.api_key, **kw.pop("headers", {})}
        kw.setdefault("timeout", 60)
        return httpx.Client(base_url=self.url, verify=context, headers=headers, **kw)

    def direct(self, service: str, method: str, path: str, **request: Any) -> tuple[int, Any]:
        """One request straight to one replica (from inside it), bypassing Caddy."""
        request.setdefault("headers", {"X-API-Key": self.api_key})
        payload = json.dumps({"method": method, "path": path, **request})
        out = json.loads(self.exec(service, "python3", "-c", DIRECT_CALL, payload))
        try:
            return out["status"], json.loads(out["body"])
        except json.JSONDecodeError:
            return out["status"], out["body"]

    def history(self, service: str, session: str) -> list[str]:
        messages: list[str] = json.loads(self.exec(service, "python3", "-c", HISTORY, session))
        return messages


def new_stack(secrets_dir: Path) -> Stack:
    """A stack with fresh secrets; a Groq key turns on the Groq provider and the guard's Prompt
    Guard layer, both answered by the stub LLM."""
    missing = [i for i in IMAGES if subprocess.run(["podman", "image", "exists", i]).returncode]
    if missing:
        raise RuntimeError(f"images missing (run infra/test/images.sh): {', '.join(missing)}")
    run(["bash", str(INFRA / "secrets.sh"), str(secrets_dir)])
    (secrets_dir / "groq_api_key").write_text("gsk_stub_key_for_the_stack_tests\n")
    return Stack(secrets_dir)


def ask(question: str, session: str) -> dict[str, Any]:
    return {"input": {"question": question}, "config": {"configurable": {"thread_id": session}}}
