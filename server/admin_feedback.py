"""Admin: feedback with the turn it is about (question, answer, citations, outcome), read back
from the session store. A turn is found by the run id the chat sends with its feedback; feedback
without one, or on a conversation since deleted or expired, is shown without its turn."""

from __future__ import annotations

from dataclasses import asdict
from typing import Annotated, Any, Literal
from uuid import UUID

from fastapi import APIRouter, Depends, Query
from fastapi.concurrency import run_in_threadpool

from server.auth import require_admin
from server.conversations import Turn, turns
from server.errors import error_responses
from server.request_checks import rate_limited
from server.state import AppStateDep

router = APIRouter(
    prefix="/admin",
    tags=["admin"],
    dependencies=[Depends(rate_limited), Depends(require_admin)],
    responses=error_responses(401, 403, 413, 422, 429),
)


def _run_hex(run_id: str | None) -> str | None:
    """Feedback keeps the run id as the client sent it; checkpoints keep its hex form."""
    try:
        return UUID(run_id).hex if run_id else None
    except ValueError:
        return None


@router.get("/feedback")
async def list_feedback(
    state: AppStateDep,
    rating: Literal["all", "up", "down"] = "all",
    q: Annotated[str, Query(max_length=200)] = "",
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
) -> list[dict[str, Any]]:
    """Newest first; ``rating`` up (score ≥ 0.5) or down, ``q`` searches the comments."""
    rows = await run_in_threadpool(state.feedback.recent, limit, rating, q.strip() or None)
    sessions: dict[str, list[Turn]] = {}
    listed = []
    for row in rows:
        turn = None
        run = _run_hex(row.run_id)
        if row.session_id and run:
            if row.session_id not in sessions:
                sessions[row.session_id] = await turns(state.answerer, row.session_id)
            turn = next((t for t in sessions[row.session_id] if t.run_id == run), None)
        listed.append(
            {
                **asdict(row),
                "created_at": row.created_at.isoformat(),
                "turn": asdict(turn) if turn else None,
            }
        )
    return listed
