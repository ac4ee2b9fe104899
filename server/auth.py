"""Who is calling: API keys, JWTs from the password login, and the dev-mode escape hatch.

- ``X-API-Key``: any of ``settings.api_keys`` (several, so keys rotate without downtime).
  API keys are service credentials and get the ``user`` role: enough to ask and give feedback,
  never admin. Admin routes need a JWT of an admin user, so every admin action has a named,
  individually revocable person behind it.
- ``Authorization: Bearer <api key>``: the same, for clients that can only send a bearer token
  (Prometheus 2's scrape config: ``authorization.credentials_file``).
- ``Authorization: Bearer <jwt>``: HS256 with ``settings.jwt_secret``, from ``POST /auth/token``
  (OAuth2 password flow) for a user of ``server.users.UserStore``. Tokens are stateless: a role
  change or a deleted user takes effect when the token expires (``jwt_ttl_minutes``).
- Dev mode (``RAG_DEV_MODE``) with neither keys nor a JWT secret: every request is the
  anonymous ``dev`` principal with the admin role, so a local single-user run can ingest.
  Once any credential is configured, dev mode no longer opens anything.

The dependencies take the settings and, for the login route, the user store from the application
state (``server.state``).
"""

from __future__ import annotations

import hashlib
import hmac
import logging
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Annotated, Literal

import jwt
from fastapi import APIRouter, Depends, HTTPException, Request, Security, status
from fastapi.security import APIKeyHeader, OAuth2PasswordBearer, OAuth2PasswordRequestForm
from pydantic import BaseModel

from core.settings import Settings
from server.errors import error_responses
from server.state import app_settings, user_store
from server.users import ROLES, Role, UserStore

log = logging.getLogger(__name__)

JWT_ALGORITHM = "HS256"
MIN_JWT_SECRET_BYTES = 32  # RFC 7518: an HS256 key at least as long as the hash output
MIN_API_KEY_CHARS = 16

PrincipalKind = Literal["api_key", "user", "dev"]


@dataclass(frozen=True)
class Principal:
    kind: PrincipalKind
    name: str  # username, masked API key ("key:ab…ef") or "dev": safe to log and store
    role: Role

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"


DEV_PRINCIPAL = Principal("dev", "dev", "admin")

api_key_header = APIKeyHeader(name="X-API-Key", auto_error=False)
bearer_token = OAuth2PasswordBearer(tokenUrl="/auth/token", auto_error=False)


def check_startup_security(settings: Settings) -> None:
    """Refuse to serve without credentials unless this is explicitly a local development run."""
    if settings.jwt_secret and len(settings.jwt_secret.encode("utf-8")) < MIN_JWT_SECRET_BYTES:
        raise RuntimeError(
            f"RAG_JWT_SECRET must be at least {MIN_JWT_SECRET_BYTES} bytes "
            "(e.g. `python -c 'import secrets; print(secrets.token_urlsafe(48))'`)"
        )
    if any(len(key) < MIN_API_KEY_CHARS for key in settings.api_keys):
        raise RuntimeError(f"every key in RAG_API_KEYS must be at least {MIN_API_KEY_CHARS} chars")
    if settings.api_keys or settings.jwt_secret:
        return
    if not settings.dev_mode:
        raise RuntimeError(
            "refusing to start without credentials: set RAG_API_KEYS (or RAG_API_KEYS_FILE) "
            "and/or RAG_JWT_SECRET (or RAG_JWT_SECRET_FILE), or set RAG_DEV_MODE=true for a "
            "local development run (no authentication; bind to 127.0.0.1 only)"
        )
    log.warning("dev mode without credentials: every request is an anonymous admin")


def mask_key(key: str) -> str:
    """Enough of a key to tell which one it was in a log, never enough to use it."""
    return f"{key[:2]}…{key[-2:]}" if len(key) >= 8 else "…"


def match_api_key(presented: str, keys: tuple[str, ...]) -> str | None:
    """The configured key equal to ``presented``, compared in constant time against every key.

    Comparing SHA-256 digests makes every comparison the same length, so timing reveals
    neither the matching prefix nor the key lengths; no early exit reveals which key matched.
    """
    digest = hashlib.sha256(presented.encode("utf-8")).digest()
    found: str | None = None
    for key in keys:
        if hmac.compare_digest(digest, hashlib.sha256(key.encode("utf-8")).digest()):
            found = key
    return found


def create_access_token(username: str, role: Role, secret: str, ttl: timedelta) -> str:
    issued = datetime.now(UTC)
    claims = {"sub": username, "role": role, "iat": issued, "exp": issued + ttl}
    return jwt.encode(claims, secret, algorithm=JWT_ALGORITHM)


class InvalidTokenError(ValueError):
    pass


def decode_access_token(token: str, secret: str) -> Principal:
    try:
        claims = jwt.decode(
            token,
            secret,
            algorithms=[JWT_ALGORITHM],  # never trust the token's own "alg"
            options={"require": ["exp", "sub", "role"]},
        )
    except jwt.ExpiredSignatureError as exc:
        raise InvalidTokenError("token expired") from exc
    except jwt.PyJWTError as exc:
        raise InvalidTokenError("invalid token") from exc
    role = claims["role"]
    if role not in ROLES or not isinstance(claims["sub"], str):
        raise InvalidTokenError("invalid token")
    return Principal("user", claims["sub"], role)


def dev_anonymous(settings: Settings) -> bool:
    return settings.dev_mode and not settings.api_keys and not settings.jwt_secret


# ``async``: nothing here blocks (no I/O, microseconds of hashing), so no thread-pool hop.
async def require_client(
    request: Request,
    settings: Annotated[Settings, Depends(app_settings)],
    api_key: Annotated[str | None, Security(api_key_header)],
    token: Annotated[str | None, Security(bearer_token)],
) -> Principal:
    """A valid API key or a valid JWT (the key wins when both are sent); 401 otherwise.

    The principal is also left on ``request.state`` for handlers that trace or log who asked.
    """
    principal = _authenticate(request, settings, api_key, token)
    request.state.principal = principal
    return principal


def _authenticate(
    request: Request, settings: Settings, api_key: str | None, token: str | None
) -> Principal:
    if dev_anonymous(settings):
        return DEV_PRINCIPAL
    if api_key is not None:
        key = match_api_key(api_key, settings.api_keys)
        if key is None:
            log.warning("rejected API key %s from %s", mask_key(api_key), _client_host(request))
            raise _unauthorized("invalid API key")
        return _key_principal(key)
    if token is not None:
        key = match_api_key(token, settings.api_keys)
        if key is not None:
            return _key_principal(key)
        if not settings.jwt_secret:
            raise _unauthorized("invalid bearer token: not an API key, and JWTs are not enabled")
        try:
            return decode_access_token(token, settings.jwt_secret)
        except InvalidTokenError as exc:
            raise _unauthorized(str(exc)) from exc
    raise _unauthorized("missing credentials: send X-API-Key or Authorization: Bearer <token>")


def _key_principal(key: str) -> Principal:
    return Principal("api_key", f"key:{mask_key(key)}", "user")


async def require_admin(principal: Annotated[Principal, Depends(require_client)]) -> Principal:
    if not principal.is_admin:
        raise HTTPException(status.HTTP_403_FORBIDDEN, "admin role required")
    return principal


class TokenOut(BaseModel):
    access_token: str
    token_type: Literal["bearer"] = "bearer"
    expires_in: int  # seconds


router = APIRouter(prefix="/auth", tags=["auth"])


# A plain ``def``: FastAPI runs it on the thread pool, so bcrypt and the database don't block
# the event loop.
@router.post("/token", responses=error_responses(401, 404, 413, 422, 429, 503))
def issue_token(
    request: Request,
    form: Annotated[OAuth2PasswordRequestForm, Depends()],
    settings: Annotated[Settings, Depends(app_settings)],
    users: Annotated[UserStore, Depends(user_store)],
) -> TokenOut:
    """OAuth2 password flow: form fields ``username`` and ``password`` -> a bearer JWT."""
    if not settings.jwt_secret:
        raise HTTPException(
            status.HTTP_404_NOT_FOUND, "password login is not enabled: RAG_JWT_SECRET is not set"
        )
    user = users.authenticate(form.username, form.password)
    if user is None:
        log.warning("failed login for %r from %s", form.username, _client_host(request))
        raise _unauthorized("wrong username or password")
    ttl = timedelta(minutes=settings.jwt_ttl_minutes)
    token = create_access_token(user.username, user.role, settings.jwt_secret, ttl)
    return TokenOut(access_token=token, expires_in=int(ttl.total_seconds()))


def _unauthorized(detail: str) -> HTTPException:
    return HTTPException(
        status.HTTP_401_UNAUTHORIZED, detail, headers={"WWW-Authenticate": "Bearer"}
    )


def _client_host(request: Request) -> str:
    return request.client.host if request.client else "unknown"
