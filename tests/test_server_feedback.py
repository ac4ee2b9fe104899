"""Feedback: validated at the door (422 with a message), stored in PostgreSQL or SQLite."""

import uuid
from collections.abc import Iterator
from typing import TYPE_CHECKING, Annotated, Any

import pytest
from fastapi import Body, FastAPI
from fastapi.testclient import TestClient

from server.api_routes import FeedbackIn
from server.db import Database, IntegrityError, PostgresDatabase
from server.feedback import FeedbackStore
from server.migrations import migrate

if TYPE_CHECKING:
    from tests.pg import PostgresServer  # imported by pytest_plugins, after assert rewriting

pytest_plugins = ["tests.pg"]

RUN_ID = "5f0c6d2e-8c1b-4a55-9d7e-2b1f0a9c3e41"


@pytest.fixture(scope="module")
def postgres_db(postgres_server: "PostgresServer") -> Iterator[Database]:
    db = PostgresDatabase(postgres_server.create_database())
    migrate(db)
    yield db
    db.close()


def make_app(store: FeedbackStore) -> FastAPI:
    app = FastAPI()

    @app.post("/feedback")
    def feedback(body: Annotated[FeedbackIn, Body()]) -> dict[str, int]:
        feedback_id = store.add(
            run_id=body.run_id,
            session_id=body.session_id,
            score=body.score,
            comment=body.comment,
            principal="user:alice",
        )
        return {"id": feedback_id}

    return app


def test_feedback_is_stored_and_read_back(service_db: Database) -> None:
    store = FeedbackStore(service_db)
    client = TestClient(make_app(store))
    response = client.post(
        "/feedback", json={"run_id": RUN_ID, "score": 1, "comment": "  Spot on, thanks.  "}
    )
    assert response.status_code == 200
    first = store.get(response.json()["id"])
    assert first is not None
    assert (first.run_id, first.session_id, first.score) == (RUN_ID, None, 1.0)
    assert (first.comment, first.principal) == ("Spot on, thanks.", "user:alice")
    assert first.created_at.tzinfo is not None

    # A Langfuse trace id (32 hex) is a UUID too; stored in the canonical form.
    trace = uuid.uuid4().hex
    second_id = store.add(
        run_id=trace, session_id="chat-42", score=0.25, comment=None, principal="key:ab…ef"
    )
    second = store.get(second_id)
    assert second is not None and second.run_id == trace
    assert client.post("/feedback", json={"session_id": "chat-42", "score": 0}).status_code == 200
    assert [f.score for f in store.recent()] == [0.0, 0.25, 1.0]
    assert store.get(10_000) is None


def errors(response: Any) -> list[str]:
    assert response.status_code == 422
    return [e["msg"] for e in response.json()["detail"]]


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({"score": 1}, "give run_id or session_id (or both)"),
        ({"run_id": RUN_ID, "score": 1.5}, "less than or equal to 1"),
        ({"run_id": RUN_ID, "score": -1}, "greater than or equal to 0"),
        ({"run_id": RUN_ID, "score": "NaN"}, "finite number"),
        ({"run_id": RUN_ID}, "Field required"),
        ({"run_id": "not-a-uuid", "score": 1}, "valid UUID"),
        ({"session_id": "../etc/passwd", "score": 1}, "session id must be 1-64 characters"),
        ({"run_id": RUN_ID, "score": 1, "comment": "x" * 2001}, "at most 2000 characters"),
        ({"run_id": RUN_ID, "score": 1, "comment": "nul \x00 byte"}, "control characters"),
        ({"run_id": RUN_ID, "score": 1, "rating": 5}, "Extra inputs are not permitted"),
    ],
)
def test_invalid_feedback_is_a_422_that_says_why(
    postgres_db: Database, body: dict[str, Any], message: str
) -> None:
    store = FeedbackStore(postgres_db)
    client = TestClient(make_app(store))
    assert any(message in m for m in errors(client.post("/feedback", json=body)))
    assert store.recent() == []


def test_the_database_enforces_the_rules_too(service_db: Database) -> None:
    store = FeedbackStore(service_db)
    with pytest.raises(IntegrityError):
        store.add(run_id=None, session_id=None, score=1.0, comment=None, principal="dev")
    with pytest.raises(IntegrityError):
        store.add(run_id=RUN_ID, session_id=None, score=2.0, comment=None, principal="dev")
    assert store.recent() == []
