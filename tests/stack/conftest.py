"""One real stack for the whole stack-test session: up from nothing, sample corpus in, torn down.

Needs the images from infra/test/images.sh (`make stack-test` builds them first) and rootful podman.
"""

from __future__ import annotations

import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.stack.harness import INFRA, SAMPLES, Stack, run, wait_for

IMAGES = (
    "localhost/personal-rag:test",
    "localhost/personal-rag-caddy:test",
    "localhost/personal-rag-chroma:test",
    "localhost/rag-test/redis:8",
    "localhost/rag-test/postgres:15",
    "localhost/rag-test/stub-llm",
)
CA_PATH = "/data/caddy/pki/authorities/local/root.crt"


def live(stack: Stack, service: str) -> bool:
    code = "import urllib.request as u; u.urlopen('http://127.0.0.1:8000/health/live', timeout=2)"
    stack.exec(service, "python3", "-c", code, timeout=10)
    return True


@pytest.fixture(scope="session")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    missing = [i for i in IMAGES if subprocess.run(["podman", "image", "exists", i]).returncode]
    if missing:
        pytest.fail(f"images missing (run infra/test/images.sh): {', '.join(missing)}")
    secrets = tmp_path_factory.mktemp("secrets")
    run(["bash", str(INFRA / "secrets.sh"), str(secrets)])
    # A Groq key turns on the Groq provider and the guard's Prompt Guard layer (both: the stub).
    (secrets / "groq_api_key").write_text("gsk_stub_key_for_the_stack_tests\n")
    stack = Stack(secrets)
    stack.down()  # leftovers of an interrupted run
    try:
        stack.up()
        for service in ("api-1", "api-2"):
            wait_for(f"{service} live", lambda s=service: live(stack, s), timeout=180)  # type: ignore[misc]
        ca = Path(secrets) / "caddy-root.crt"
        pem = wait_for("Caddy's local CA", lambda: stack.exec("caddy", "cat", CA_PATH), 60)
        ca.write_text(pem)
        stack.ca_file = ca
        stack.exec("api-1", "rag", "ingest", SAMPLES, "--json", timeout=600)
        with stack.client() as client:
            wait_for(
                "ready through Caddy",
                lambda: client.get("/health/ready").status_code == 200,
                timeout=60,
            )
        yield stack
    finally:
        stack.down()
