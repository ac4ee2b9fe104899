"""``rag serve``: the HTTP service (FastAPI + LangServe) under uvicorn."""

from __future__ import annotations

from typing import Annotated

import typer


def serve_command(
    host: Annotated[
        str, typer.Option(help="Interface to bind (127.0.0.1 = this machine only).")
    ] = ("127.0.0.1"),
    port: Annotated[int, typer.Option(min=1, max=65535, help="TCP port.")] = 8000,
    workers: Annotated[
        int, typer.Option(min=1, help="Worker processes (share sessions/limits via REDIS_URL).")
    ] = 1,
) -> None:
    """Serve /rag (LangServe), /retrieve, /ingest, /feedback, /sessions, /health, /metrics."""
    import uvicorn

    uvicorn.run(
        "server.app:create_app",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        log_config=None,  # the app configures JSON logging itself
        timeout_graceful_shutdown=30,
        proxy_headers=True,
    )
