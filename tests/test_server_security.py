"""Security headers on real responses (API, /docs, /redoc, LangServe playground) and CORS."""

import re
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from fastapi import FastAPI
from fastapi.responses import HTMLResponse
from fastapi.testclient import TestClient
from langchain_core.runnables import RunnableLambda
from langserve import add_routes

from core.settings import Settings
from server.security import API_CSP, SecurityHeadersMiddleware, add_cors

ORIGIN = "https://notes.example.com"


def make_app(*, hsts: bool = False, settings: Settings | None = None) -> FastAPI:
    app = FastAPI()

    @app.get("/health")
    def health() -> dict[str, str]:
        return {"status": "ok"}

    @app.post("/feedback")
    def feedback() -> dict[str, str]:
        return {"status": "ok"}

    @app.get("/own-policy", response_class=HTMLResponse)
    def own_policy() -> HTMLResponse:
        return HTMLResponse("<p>hi</p>", headers={"Content-Security-Policy": "default-src 'self'"})

    add_routes(app, RunnableLambda(lambda x: x), path="/rag")
    app.add_middleware(SecurityHeadersMiddleware, hsts=hsts, langserve_paths=["/rag"])
    if settings is not None:
        add_cors(app, settings)
    return app


def csp(response: Any) -> dict[str, list[str]]:
    policy: dict[str, list[str]] = {}
    for directive in response.headers["Content-Security-Policy"].split(";"):
        name, *sources = directive.split()
        policy[name] = sources
    return policy


def allows(policy: dict[str, list[str]], directive: str, url: str) -> bool:
    sources = policy.get(directive, policy.get("default-src", []))
    parts = urlsplit(url)
    if not parts.scheme:
        return "'self'" in sources  # a same-origin path
    return f"{parts.scheme}://{parts.netloc}" in sources


def assert_page_works_under_its_policy(response: Any) -> None:
    """Every script, stylesheet and icon the page loads, and its inline scripts, are allowed."""
    assert response.status_code == 200
    html, policy = response.text, csp(response)
    scripts = re.findall(r"<script[^>]*\bsrc=\"([^\"]+)\"", html)
    styles = re.findall(r"<link[^>]*rel=\"stylesheet\"[^>]*href=\"([^\"]+)\"", html)
    styles += re.findall(r"<link[^>]*href=\"([^\"]+)\"[^>]*rel=\"stylesheet\"", html)
    icons = re.findall(r"<link[^>]*rel=\"(?:shortcut )?icon\"[^>]*href=\"([^\"]+)\"", html)
    assert scripts and styles
    assert all(allows(policy, "script-src", url) for url in scripts), (scripts, policy)
    assert all(allows(policy, "style-src", url) for url in styles), (styles, policy)
    assert all(allows(policy, "img-src", url) for url in icons), (icons, policy)
    if re.search(r"<script>\s*\S", html):
        assert "'unsafe-inline'" in policy["script-src"]
    assert policy["frame-ancestors"] == ["'none'"]


def test_api_responses_get_the_strict_headers() -> None:
    response = TestClient(make_app()).get("/health")
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert response.headers["Content-Security-Policy"] == API_CSP
    assert "Strict-Transport-Security" not in response.headers
    for path in ("/openapi.json", "/nowhere", "/rag/input_schema"):
        assert TestClient(make_app()).get(path).headers["Content-Security-Policy"] == API_CSP


def test_hsts_only_when_enabled() -> None:
    response = TestClient(make_app(hsts=True)).get("/health")
    assert response.headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"


def test_a_policy_the_app_sets_itself_is_kept() -> None:
    response = TestClient(make_app()).get("/own-policy")
    assert response.headers["Content-Security-Policy"] == "default-src 'self'"
    assert response.headers["X-Frame-Options"] == "DENY"


@pytest.mark.parametrize("path", ["/docs", "/redoc", "/rag/playground/"])
def test_html_pages_get_a_policy_that_lets_them_load(path: str) -> None:
    assert_page_works_under_its_policy(TestClient(make_app()).get(path))


def test_playground_policy_covers_its_assets_and_configured_playgrounds() -> None:
    client = TestClient(make_app())
    page = client.get("/rag/playground/")
    policy = csp(page)
    assert "'unsafe-eval'" in policy["script-src"]  # its JSON-schema forms compile validators
    assert policy["connect-src"] == ["'self'"]  # it calls /rag/stream on the same origin
    stylesheet = re.findall(r"<link rel=\"stylesheet\" href=\"([^\"]+)\"", page.text)[0]
    asset = client.get(stylesheet)
    assert asset.status_code == 200
    assert asset.headers["Content-Security-Policy"] == page.headers["Content-Security-Policy"]
    configured = client.get("/rag/c/abc/playground/")
    assert configured.headers["Content-Security-Policy"] == page.headers["Content-Security-Policy"]
    assert client.get("/ragx/playground/").headers["Content-Security-Policy"] == API_CSP


# --- CORS -------------------------------------------------------------------------------------


def cors_app(tmp_path: Path, origins: tuple[str, ...]) -> TestClient:
    settings = Settings.from_env({}, data_dir=tmp_path, cors_origins=origins)
    return TestClient(make_app(settings=settings))


def preflight(client: TestClient, origin: str) -> Any:
    return client.options(
        "/feedback",
        headers={
            "Origin": origin,
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "content-type,x-api-key,authorization,x-request-id",
        },
    )


def test_cors_preflight_is_allowed_for_a_configured_origin_only(tmp_path: Path) -> None:
    client = cors_app(tmp_path, (ORIGIN,))
    allowed = preflight(client, ORIGIN)
    assert allowed.status_code == 200
    assert allowed.headers["Access-Control-Allow-Origin"] == ORIGIN
    assert set(allowed.headers["Access-Control-Allow-Methods"].split(", ")) == {
        "GET",
        "POST",
        "DELETE",
        "OPTIONS",
    }
    assert "Access-Control-Allow-Credentials" not in allowed.headers

    refused = preflight(client, "https://evil.example.net")
    assert refused.status_code == 400
    assert "Access-Control-Allow-Origin" not in refused.headers

    simple = client.get("/health", headers={"Origin": ORIGIN})
    assert simple.headers["Access-Control-Allow-Origin"] == ORIGIN
    assert "X-Request-ID" in simple.headers["Access-Control-Expose-Headers"]
    other = client.get("/health", headers={"Origin": "https://evil.example.net"})
    assert "Access-Control-Allow-Origin" not in other.headers


def test_cors_refuses_other_headers_and_methods(tmp_path: Path) -> None:
    client = cors_app(tmp_path, (ORIGIN,))
    response = client.options(
        "/feedback",
        headers={
            "Origin": ORIGIN,
            "Access-Control-Request-Method": "PUT",
            "Access-Control-Request-Headers": "x-secret-header",
        },
    )
    assert response.status_code == 400


def test_no_origins_means_no_cors_and_a_wildcard_is_refused(tmp_path: Path) -> None:
    response = preflight(cors_app(tmp_path, ()), ORIGIN)
    assert "Access-Control-Allow-Origin" not in response.headers
    with pytest.raises(ValueError, match="explicitly"):
        cors_app(tmp_path, ("*",))
