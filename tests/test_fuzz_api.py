"""Schemathesis over the service's own OpenAPI schema: every route, authenticated as an admin,
against the real app under uvicorn (real retriever, guard, sessions and users; the fake LLM).
No case may get a server error, an undocumented status code or a response that breaks the
published schema."""

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.schemas import APIOperation
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from core.settings import Settings
from server.app import create_app
from server.state import state_of
from tests.answering import fake_services
from tests.fakes import queued
from tests.servers import serving

pytestmark = pytest.mark.integration

CASES_PER_ROUTE = 200
SECRET = "fuzz-secret-" + "x" * 40
PASSWORD = "correct horse battery"
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]


@pytest.fixture(scope="module")
def api(sample_settings: Settings, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple]:
    data = tmp_path_factory.mktemp("fuzz") / "data"
    data.parent.mkdir(exist_ok=True)
    import shutil

    shutil.copytree(sample_settings.data_dir, data)  # /ingest writes to it
    app_settings = Settings.from_env(
        {}, data_dir=Path(data), jwt_secret=SECRET, ip_requests_per_minute=0,
        session_requests_per_minute=0, max_sessions_per_ip=0, max_sessions_total=0,
        login_attempts_per_minute=0,
    )  # fmt: skip
    llm = queued(*["Your CKA expires on 2027-08-14 [1]."] * 10_000)
    app = create_app(app_settings, fake_services(app_settings, llm))
    with serving(app) as base:
        state_of(app).users.create("fuzzer", PASSWORD, "admin")
        yield app, base


@pytest.fixture(scope="module")
def admin_headers(api: tuple) -> dict[str, str]:
    _, base = api
    token = httpx.post(f"{base}/auth/token", data={"username": "fuzzer", "password": PASSWORD})
    return {"Authorization": f"Bearer {token.json()['access_token']}"}


def fuzz(operation: APIOperation, headers: dict[str, str]) -> None:
    @given(case=operation.as_strategy())
    @settings(
        max_examples=CASES_PER_ROUTE,
        deadline=None,
        suppress_health_check=list(HealthCheck),
        derandomize=True,  # the same cases on every run: a failure is reproducible
        database=None,
    )
    def check(case: schemathesis.Case) -> None:
        case.call_and_validate(headers=headers, checks=CHECKS, timeout=30)

    check()


def test_no_server_error_and_every_response_as_documented(
    api: tuple, admin_headers: dict[str, str]
) -> None:
    _, base = api
    schema = schemathesis.openapi.from_url(f"{base}/openapi.json")
    operations = [result.ok() for result in schema.get_all_operations()]  # type: ignore[union-attr]
    assert len(operations) >= 15
    failures = []
    for operation in operations:
        try:
            fuzz(operation, admin_headers)
        except (Exception, BaseExceptionGroup) as exc:  # report every route's failure
            failures.append(f"{operation.label}: {exc}")
    assert not failures, "\n\n".join(failures)
