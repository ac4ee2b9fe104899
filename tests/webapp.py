"""The web app in a real browser: the real service under uvicorn on 127.0.0.1 (real retriever,
guard, SQLite sessions and service database; only the LLM is the queued fake) and Debian's
Chromium driven by Playwright. Nothing is downloaded: Playwright's Python package carries its
own driver, and the browser is /usr/bin/chromium (infra/dev/system-packages.sh installs it).

Fixtures for ``pytest_plugins = ["tests.webapp"]``: one server for the session, one browser per
test module.
Screenshots go to ``test-artifacts/screens/`` (git-ignored) for a person to look at.
"""

from __future__ import annotations

import json
import shutil
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import uvicorn
from playwright.sync_api import Browser, Page, expect, sync_playwright

from core.settings import Settings
from evals.aggregate import Summary
from evals.chart import write_chart
from server.app import create_app
from server.state import AppState, state_of
from tests.answering import fake_services
from tests.conftest import REPO
from tests.fakes import QueuedChatModel, queued
from tests.servers import free_port

CHROMIUM = Path("/usr/bin/chromium")
# Without the networking flags Chromium keeps trying to reach Google's hosts on a closed network.
CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SCREENS = REPO / "test-artifacts" / "screens"

API_KEY = "web-test-key-0123456789abcdef"
JWT_SECRET = "web-test-secret-" + "x" * 40
PASSWORD = "correct horse battery"


@dataclass
class WebApp:
    base: str
    app_state: AppState
    llm: QueuedChatModel
    data_dir: Path

    def answers(self, *outcomes: str | BaseException) -> None:
        """What the fake LLM says (or raises) next, in order (rewrites of follow-ups included)."""
        self.llm.outcomes[:] = list(outcomes)
        self.llm.calls.clear()


def write_eval_report(folder: Path) -> None:
    """A small report in the layout `rag eval --out` writes, with a real chart."""
    folder.mkdir(parents=True, exist_ok=True)
    table = {
        "outcome.accuracy": Summary(0.9, 10, 10, 0),
        "retrieval.recall@5": Summary(0.8, 10, 10, 0),
    }
    write_chart({"factual": table, "negative": table}, folder / "categories.png", "test run")
    results: dict[str, Any] = {
        "mode": "retrieval_only",
        "llm": None,
        "judge": None,
        "runs": 1,
        "cases": 20,
        "seconds": {"total": 12.0},
        "gate": {"passed": True, "findings": []},
        "aggregates": {k: s.to_dict() for k, s in table.items()},
        "per_case": [],
    }
    (folder / "results.json").write_text(json.dumps(results), encoding="utf-8")
    (folder / "report.md").write_text("# Eval report (retrieval-only)\n\n- gate: **PASSED**\n")


@pytest.fixture(scope="session")
def web_app(
    sample_settings: Settings, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[WebApp]:
    root = tmp_path_factory.mktemp("web")
    data = root / "data"
    shutil.copytree(sample_settings.data_dir, data)  # uploads and removals write to it
    write_eval_report(root / "eval")
    settings = Settings.from_env(
        {},
        data_dir=data,
        api_keys=(API_KEY,),
        jwt_secret=JWT_SECRET,
        eval_report_dir=root / "eval",
        ip_requests_per_minute=10_000,  # one browser asks a lot; limits have their own tests
        session_requests_per_minute=10_000,
    )
    llm = queued()
    app = create_app(settings, fake_services(settings, llm))
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 60
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("the web app did not start")
        time.sleep(0.05)
    state = state_of(app)
    state.users.create("alice", PASSWORD, "user")
    state.users.create("root", PASSWORD, "admin")
    yield WebApp(f"http://127.0.0.1:{port}", state, llm, data)
    server.should_exit = True
    thread.join(timeout=30)


# Per module, not per session: while Playwright's sync API is running it holds an asyncio loop
# on the main thread, and the suite's other tests call asyncio.run() there.
@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    if not CHROMIUM.exists():
        raise RuntimeError("chromium not installed: run infra/dev/system-packages.sh")
    SCREENS.mkdir(parents=True, exist_ok=True)
    # The first answer loads the embedding model and the guard's classifier; on two shared
    # cores that can take longer than Playwright's default 5 s wait.
    expect.set_options(timeout=20_000)
    with sync_playwright() as playwright:
        # Playwright gives every launch a fresh, empty profile (--user-data-dir) of its own.
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_FLAGS)
        yield launched
        launched.close()


@pytest.fixture
def page(browser: Browser, web_app: WebApp) -> Iterator[Page]:
    context = browser.new_context(base_url=web_app.base, viewport={"width": 1280, "height": 860})
    context.grant_permissions(["clipboard-read", "clipboard-write"])
    opened = context.new_page()
    errors: list[str] = []
    opened.on("pageerror", lambda error: errors.append(str(error)))
    opened.on(
        "console",
        lambda message: (
            errors.append(message.text)
            if message.type == "error" and "status of 4" not in message.text
            else None
        ),
    )
    yield opened
    context.close()
    # Refused requests (401/403/404 the test asks for) log "status of 4xx"; anything else, such
    # as a CSP violation or an exception in the app's scripts, fails the test.
    assert errors == []


def screenshot(page: Page, name: str) -> None:
    page.screenshot(path=str(SCREENS / f"{name}.png"), full_page=True)


def sign_in_with_key(page: Page, path: str = "/") -> None:
    page.goto(path)
    page.get_by_label("API key").fill(API_KEY)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_text("Signed in as key:")).to_be_visible()


def sign_in_as(page: Page, username: str, path: str = "/") -> None:
    page.goto(path)
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_text(f"Signed in as {username}")).to_be_visible()


def serious_accessibility_violations(page: Page) -> list[dict[str, Any]]:
    """axe-core's findings of serious or critical impact on the page as it is now."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    return [
        {"id": v["id"], "impact": v["impact"], "nodes": [n["target"] for n in v["nodes"]]}
        for v in results.response["violations"]
        if v["impact"] in ("serious", "critical")
    ]
