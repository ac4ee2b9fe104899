"""LangServe's playground at /rag/playground/ opens without an error, with a fresh session id
filled in, and answers."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Browser, expect

from tests.webapp import API_KEY, WebApp, screenshot

pytestmark = pytest.mark.integration


def test_the_playground_opens_clean_with_a_session_id_and_answers(
    browser: Browser, web_app: WebApp
) -> None:
    # The playground sends no credentials of its own: a developer's proxy or dev mode adds them.
    context = browser.new_context(base_url=web_app.base, extra_http_headers={"X-API-Key": API_KEY})
    page = context.new_page()
    page.goto("/rag/playground/")
    session = page.get_by_label("Session id")
    expect(session).to_have_value(re.compile(r"^playground-[0-9a-f]{24}$"))
    screenshot(page, "playground")
    expect(page.get_by_text("must be string")).to_have_count(0)
    expect(page.get_by_text("Validation Errors")).to_have_count(0)

    web_app.answers("Your CKA expires on 2027-08-14 [1].")
    page.get_by_label("Question").fill("When does my Kubernetes certification expire?")
    page.get_by_role("button", name="Start").click()
    expect(page.get_by_text("Your CKA expires on 2027-08-14 [1].").first).to_be_visible()
    screenshot(page, "playground-answered")
    context.close()
