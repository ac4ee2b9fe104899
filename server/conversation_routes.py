"""The chat's own routes: a person's conversations (started here, listed, read back, deleted)
and the cited passages they open. Asking still goes through ``/rag``."""

from __future__ import annotations

from dataclasses import asdict
from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException
from fastapi.concurrency import run_in_threadpool

from server.auth import Principal, require_client
from server.conversations import turns
from server.data_rights import forget_session
from server.errors import error_responses
from server.passages import passage
from server.request_checks import check_session_id, rate_limited
from server.state import AppState, AppStateDep

# Every route counts against the per-IP rate limit, like the other REST routes.
router = APIRouter(
    tags=["conversations"],
    dependencies=[Depends(rate_limited)],
    responses=error_responses(401, 413, 422, 429),
)

ClientDep = Annotated[Principal, Depends(require_client)]


async def _owned(state: AppState, session_id: str, principal: Principal) -> str:
    """The checked session id when ``principal`` may read it (its owner, or an admin); 404
    otherwise, so a stranger cannot tell a conversation exists."""
    session_id = check_session_id(session_id)
    owner = await run_in_threadpool(state.conversations.owner, session_id)
    if owner is None or (owner != principal.name and not principal.is_admin):
        raise HTTPException(404, "no such conversation")
    return session_id


@router.post("/conversations", status_code=201)
async def start_conversation(state: AppStateDep, principal: ClientDep) -> dict[str, str]:
    """A new conversation: its session id is made here, never chosen by the client."""
    session_id = await run_in_threadpool(state.conversations.start, principal.name)
    return {"id": session_id}


@router.get("/conversations")
async def list_conversations(state: AppStateDep, principal: ClientDep) -> list[dict[str, Any]]:
    """The caller's conversations, newest first, titled by their first question."""
    owned = await run_in_threadpool(state.conversations.owned_by, principal.name)
    listed = []
    for conversation in owned:
        title = conversation.title
        if title is None:
            # Read once from the session store (every turn, refused ones too), then kept.
            asked = await turns(state.answerer, conversation.session_id)
            if asked:
                title = asked[0].question
                await run_in_threadpool(
                    state.conversations.set_title, conversation.session_id, title
                )
        listed.append(
            {
                "id": conversation.session_id,
                "title": title or "",
                "created_at": conversation.created_at.isoformat(),
            }
        )
    return listed


@router.get("/conversations/{session_id}", responses=error_responses(404))
async def read_conversation(
    session_id: str, state: AppStateDep, principal: ClientDep
) -> dict[str, Any]:
    """Every turn of a conversation with its citations and outcome, oldest first."""
    session_id = await _owned(state, session_id, principal)
    found = await turns(state.answerer, session_id)
    return {"id": session_id, "turns": [asdict(t) for t in found]}


@router.delete("/conversations/{session_id}", status_code=204, responses=error_responses(404))
async def delete_conversation(session_id: str, state: AppStateDep, principal: ClientDep) -> None:
    """Forget the conversation as ``DELETE /sessions/{id}`` does (history, cached answers,
    audit entry), then its listing."""
    session_id = await _owned(state, session_id, principal)
    await forget_session(
        session_id,
        sessions=state.answerer.sessions,
        cache=state.cache,
        audit=state.audit,
        principal=principal.name,
    )
    await run_in_threadpool(state.conversations.remove, session_id)


@router.get("/passages/{chunk_id}", tags=["knowledge"], responses=error_responses(404))
async def read_passage(chunk_id: str, state: AppStateDep, _: ClientDep) -> dict[str, Any]:
    """A passage of the published corpus by its chunk id: what a citation points at."""
    chunk = state.services.retriever.corpus.by_id.get(chunk_id)
    if chunk is None:
        raise HTTPException(404, "no such passage in the current corpus (removed or re-ingested)")
    return passage(chunk)
