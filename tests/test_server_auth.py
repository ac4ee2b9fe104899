"""API keys, JWT login and roles through a real FastAPI app; users in PostgreSQL and SQLite."""

import logging
from datetime import timedelta
from pathlib import Path
from typing import Annotated, Any

import jwt
import pytest
from fastapi import Depends, FastAPI
from fastapi.testclient import TestClient

from core.settings import Settings
from server import auth
from server.auth import Principal, create_access_token, require_admin, require_client
from server.db import Database
from server.state import app_settings, user_store
from server.users import UserError, UserStore

pytest_plugins = ["tests.pg"]

KEY_OLD = "old-key-0123456789abcdef"
KEY_NEW = "new-key-fedcba9876543210"
SECRET = "s" * 48
PASSWORD = "correct horse battery"


def make_app(settings: Settings, users: UserStore | None = None) -> FastAPI:
    app = FastAPI()
    # Only the two parts of the application state that auth uses.
    app.dependency_overrides[app_settings] = lambda: settings
    app.dependency_overrides[user_store] = lambda: users
    app.include_router(auth.router)

    @app.get("/ask")
    def ask(who: Annotated[Principal, Depends(require_client)]) -> dict[str, Any]:
        return {"kind": who.kind, "name": who.name, "role": who.role}

    @app.post("/ingest")
    def ingest(who: Annotated[Principal, Depends(require_admin)]) -> dict[str, Any]:
        return {"name": who.name}

    return app


def configured(tmp_path: Path, **overrides: Any) -> Settings:
    return Settings.from_env({}, data_dir=tmp_path / "data", **overrides)


@pytest.fixture
def users(service_db: Database) -> UserStore:
    store = UserStore(service_db, bcrypt_rounds=4)  # fast hashes: the tests are not the attacker
    store.create("alice", PASSWORD)
    store.create("Root", PASSWORD, role="admin")
    return store


def login(client: TestClient, username: str, password: str) -> Any:
    return client.post("/auth/token", data={"username": username, "password": password})


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


# --- API keys ---------------------------------------------------------------------------------


def test_api_keys_rotate_and_bad_keys_are_refused_and_logged_masked(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    client = TestClient(make_app(configured(tmp_path, api_keys=(KEY_OLD, KEY_NEW))))
    assert client.get("/ask").status_code == 401
    for key in (KEY_OLD, KEY_NEW):  # both keys valid during a rotation
        response = client.get("/ask", headers={"X-API-Key": key})
        assert response.status_code == 200
        assert response.json() == {
            "kind": "api_key",
            "name": f"key:{key[:2]}…{key[-2:]}",
            "role": "user",
        }

    wrong = "guessed-key-1234567890"
    with caplog.at_level(logging.WARNING, logger="server.auth"):
        response = client.get("/ask", headers={"X-API-Key": wrong})
    assert response.status_code == 401
    assert response.json() == {"detail": "invalid API key"}
    messages = [r.getMessage() for r in caplog.records if r.name == "server.auth"]
    assert messages == ["rejected API key gu…90 from testclient"]
    assert wrong not in caplog.text


def test_an_api_key_is_a_user_not_an_admin(tmp_path: Path) -> None:
    client = TestClient(make_app(configured(tmp_path, api_keys=(KEY_OLD,))))
    response = client.post("/ingest", headers={"X-API-Key": KEY_OLD})
    assert response.status_code == 403
    assert response.json() == {"detail": "admin role required"}


def test_an_api_key_also_works_as_a_bearer_token(tmp_path: Path) -> None:
    """What Prometheus 2 can send: ``Authorization: Bearer <api key>``, with or without JWTs."""
    for jwt_secret, refusal in ((None, "not an API key"), (SECRET, "invalid token")):
        client = TestClient(
            make_app(configured(tmp_path, api_keys=(KEY_OLD,), jwt_secret=jwt_secret))
        )
        response = client.get("/ask", headers={"Authorization": f"Bearer {KEY_OLD}"})
        assert response.json() == {"kind": "api_key", "name": "key:ol…ef", "role": "user"}
        refused = client.get("/ask", headers={"Authorization": f"Bearer {KEY_NEW}"})
        assert refused.status_code == 401 and refusal in refused.json()["detail"]


def test_match_api_key_checks_every_key() -> None:
    keys = (KEY_OLD, KEY_NEW)
    assert auth.match_api_key(KEY_NEW, keys) == KEY_NEW
    assert auth.match_api_key(KEY_NEW[:-1], keys) is None
    assert auth.match_api_key("", keys) is None
    assert auth.mask_key("short") == "…"


# --- JWT --------------------------------------------------------------------------------------


def test_login_then_roles_decide_admin_routes(tmp_path: Path, users: UserStore) -> None:
    client = TestClient(make_app(configured(tmp_path, jwt_secret=SECRET), users))
    response = login(client, "alice", PASSWORD)
    assert response.status_code == 200
    body = response.json()
    assert body["token_type"] == "bearer" and body["expires_in"] == 30 * 60
    claims = jwt.decode(body["access_token"], SECRET, algorithms=["HS256"])
    assert (claims["sub"], claims["role"]) == ("alice", "user")
    assert claims["exp"] - claims["iat"] == 30 * 60

    alice = bearer(body["access_token"])
    assert client.get("/ask", headers=alice).json() == {
        "kind": "user",
        "name": "alice",
        "role": "user",
    }
    assert client.post("/ingest", headers=alice).status_code == 403

    root = bearer(login(client, "ROOT", PASSWORD).json()["access_token"])  # case-insensitive
    response = client.post("/ingest", headers=root)
    assert response.status_code == 200
    assert response.json() == {"name": "root"}


def test_wrong_password_and_unknown_user_get_401(tmp_path: Path, users: UserStore) -> None:
    client = TestClient(make_app(configured(tmp_path, jwt_secret=SECRET), users))
    for username, password in [("alice", "wrong password!"), ("nobody", PASSWORD)]:
        response = login(client, username, password)
        assert response.status_code == 401
        assert response.json() == {"detail": "wrong username or password"}
        assert response.headers["WWW-Authenticate"] == "Bearer"


def test_expired_and_forged_tokens_get_401(tmp_path: Path, users: UserStore) -> None:
    client = TestClient(make_app(configured(tmp_path, jwt_secret=SECRET), users))
    expired = create_access_token("root", "admin", SECRET, timedelta(minutes=-1))
    response = client.get("/ask", headers=bearer(expired))
    assert response.status_code == 401
    assert response.json() == {"detail": "token expired"}

    forged = create_access_token("root", "admin", "another secret " * 4, timedelta(minutes=5))
    unsigned = jwt.encode(
        {"sub": "root", "role": "admin", "exp": 9_999_999_999}, key="", algorithm="none"
    )
    good = login(client, "alice", PASSWORD).json()["access_token"]
    header, _, signature = good.split(".")
    promoted = jwt.encode({"sub": "alice", "role": "admin", "exp": 9_999_999_999}, "x" * 32)
    tampered = ".".join([header, promoted.split(".")[1], signature])  # alice's signature, new role
    no_role = jwt.encode({"sub": "alice", "exp": 9_999_999_999}, SECRET)
    for token in (forged, unsigned, tampered, no_role, "not-a-jwt"):
        response = client.get("/ask", headers=bearer(token))
        assert response.status_code == 401, token
        assert response.json() == {"detail": "invalid token"}


def test_login_without_a_jwt_secret_is_unavailable(tmp_path: Path, users: UserStore) -> None:
    client = TestClient(make_app(configured(tmp_path, api_keys=(KEY_OLD,)), users))
    response = login(client, "alice", PASSWORD)
    assert response.status_code == 404 and "RAG_JWT_SECRET" in response.json()["detail"]
    token = create_access_token("alice", "user", SECRET, timedelta(minutes=5))
    assert client.get("/ask", headers=bearer(token)).status_code == 401


# --- users ------------------------------------------------------------------------------------


def test_user_store_rules(users: UserStore) -> None:
    user = users.get("ALICE")
    assert user is not None and (user.username, user.role) == ("alice", "user")
    assert user.created_at.tzinfo is not None
    assert users.authenticate("alice", PASSWORD) == user
    assert users.authenticate("alice", PASSWORD + "x") is None
    assert users.authenticate("alice", "é" * 40) is None  # over bcrypt's 72 bytes: no error
    with pytest.raises(UserError, match="already exists"):
        users.create("Alice", "another password")
    with pytest.raises(UserError, match="at least 12 characters"):
        users.create("bob", "short")
    with pytest.raises(UserError, match="at most 72 bytes"):
        users.create("bob", "é" * 40)
    with pytest.raises(UserError, match="username must be"):
        users.create("bob smith", PASSWORD)
    with pytest.raises(UserError, match="role must be"):
        users.create("bob", PASSWORD, role="root")  # type: ignore[arg-type]
    assert users.get("bob") is None


def test_a_disabled_user_cannot_log_in_until_enabled_again(users: UserStore) -> None:
    assert [(u.username, u.disabled) for u in users.all()] == [("alice", False), ("root", False)]
    assert users.set_disabled("ALICE", True).disabled
    assert users.authenticate("alice", PASSWORD) is None
    assert [u.username for u in users.all() if u.disabled] == ["alice"]
    users.set_disabled("alice", False)
    assert users.authenticate("alice", PASSWORD) is not None
    with pytest.raises(UserError, match="no user 'nobody'"):
        users.set_disabled("nobody", True)


# --- startup and dev mode ---------------------------------------------------------------------


def test_startup_refuses_to_run_without_credentials(tmp_path: Path) -> None:
    with pytest.raises(RuntimeError, match="RAG_DEV_MODE=true"):
        auth.check_startup_security(configured(tmp_path))
    with pytest.raises(RuntimeError, match="at least 32 bytes"):
        auth.check_startup_security(configured(tmp_path, jwt_secret="too short"))
    with pytest.raises(RuntimeError, match="at least 16 chars"):
        auth.check_startup_security(configured(tmp_path, api_keys=(KEY_OLD, "abc")))
    auth.check_startup_security(configured(tmp_path, api_keys=(KEY_OLD,)))
    auth.check_startup_security(configured(tmp_path, jwt_secret=SECRET))
    auth.check_startup_security(configured(tmp_path, dev_mode=True))


def test_dev_mode_without_credentials_is_an_anonymous_admin(tmp_path: Path) -> None:
    client = TestClient(make_app(configured(tmp_path, dev_mode=True)))
    assert client.get("/ask").json() == {"kind": "dev", "name": "dev", "role": "admin"}
    assert client.post("/ingest").status_code == 200


def test_dev_mode_opens_nothing_once_keys_are_configured(tmp_path: Path) -> None:
    client = TestClient(make_app(configured(tmp_path, dev_mode=True, api_keys=(KEY_OLD,))))
    assert client.get("/ask").status_code == 401
    assert client.get("/ask", headers={"X-API-Key": KEY_OLD}).status_code == 200
