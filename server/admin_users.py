"""Admin: the people who log in (``server.users``): list, create, disable and enable again.
API keys are service credentials set in ``RAG_API_KEYS``; the console only says how many."""

from __future__ import annotations

from dataclasses import asdict
from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException
from fastapi.concurrency import run_in_threadpool
from pydantic import BaseModel, ConfigDict

from server.auth import Principal, require_admin
from server.errors import error_responses
from server.request_checks import rate_limited
from server.state import AppState, AppStateDep
from server.users import Role, User, UserError

router = APIRouter(
    prefix="/admin",
    tags=["admin"],
    dependencies=[Depends(rate_limited)],
    responses=error_responses(401, 403, 413, 422, 429),
)

AdminDep = Annotated[Principal, Depends(require_admin)]


class UserIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    username: str
    password: str
    role: Role = "user"


def _shown(user: User) -> dict[str, Any]:
    return {**asdict(user), "created_at": user.created_at.isoformat()}


@router.get("/users")
async def list_users(state: AppStateDep, _: AdminDep) -> dict[str, Any]:
    users = await run_in_threadpool(state.users.all)
    return {"users": [_shown(u) for u in users], "api_keys": len(state.settings.api_keys)}


@router.post("/users", status_code=201)
def create_user(body: UserIn, state: AppStateDep, admin: AdminDep) -> dict[str, Any]:
    # A plain def: bcrypt and the database run on the thread pool.
    try:
        user = state.users.create(body.username, body.password, body.role)
    except UserError as exc:
        raise HTTPException(422, str(exc)) from exc
    state.audit.record(admin.name, "user.create", user.username, user.role)
    return _shown(user)


@router.post("/users/{username}/disable", responses=error_responses(404))
def disable_user(username: str, state: AppStateDep, admin: AdminDep) -> dict[str, Any]:
    """Refuses logins from now on; a token issued before runs out within RAG_JWT_TTL_MINUTES."""
    if username.strip().lower() == admin.name:
        raise HTTPException(422, "you cannot disable yourself: ask another admin")
    return _set_disabled(state, username, True, admin)


@router.post("/users/{username}/enable", responses=error_responses(404))
def enable_user(username: str, state: AppStateDep, admin: AdminDep) -> dict[str, Any]:
    return _set_disabled(state, username, False, admin)


def _set_disabled(
    state: AppState, username: str, disabled: bool, admin: Principal
) -> dict[str, Any]:
    try:
        user = state.users.set_disabled(username, disabled)
    except UserError as exc:
        raise HTTPException(404, str(exc)) from exc
    action = "user.disable" if disabled else "user.enable"
    state.audit.record(admin.name, action, user.username)
    return _shown(user)
