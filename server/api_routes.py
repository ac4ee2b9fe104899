"""The REST routes next to ``/rag``: retrieval, ingestion (admin), sessions and feedback."""

from __future__ import annotations

import errno
import re
from dataclasses import asdict
from pathlib import Path
from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Depends, HTTPException, Query, UploadFile
from fastapi.concurrency import run_in_threadpool
from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from core.settings import Settings
from graph.sessions import validate_session_id
from knowledge.ingest import StorageFullError, ingest
from knowledge.loaders import LOADERS
from server.auth import Principal, require_admin, require_client
from server.data_rights import forget_session
from server.errors import error_responses
from server.request_checks import (
    check_question,
    check_session_id,
    control_character,
    rate_limited,
)
from server.state import AppStateDep

# Every route here counts against the per-IP rate limit; /rag adds the per-session ones.
router = APIRouter(
    dependencies=[Depends(rate_limited)], responses=error_responses(401, 413, 422, 429)
)

UPLOAD_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._ -]{0,127}$")


MAX_COMMENT_CHARS = 2000


class RetrieveIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    query: str
    k: int = Field(default=5, ge=1, le=50)
    rerank: bool = True


class FeedbackIn(BaseModel):
    """Request body of the feedback route; FastAPI turns a violation into a 422 with the message."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    run_id: UUID | None = Field(default=None, description="Run (trace) id of the answer.")
    session_id: str | None = Field(default=None, description="Session the answer belongs to.")
    score: float = Field(ge=0, le=1, allow_inf_nan=False, description="1 = helpful, 0 = not.")
    comment: str | None = Field(default=None, max_length=MAX_COMMENT_CHARS)

    @field_validator("session_id")
    @classmethod
    def _session_id(cls, value: str | None) -> str | None:
        return None if value is None else validate_session_id(value)

    @field_validator("comment")
    @classmethod
    def _comment(cls, value: str | None) -> str | None:
        if value and control_character(value):
            raise ValueError("comment contains control characters")
        return value or None

    @model_validator(mode="after")
    def _target(self) -> FeedbackIn:
        if self.run_id is None and self.session_id is None:
            raise ValueError("give run_id or session_id (or both): what is the feedback about?")
        return self


@router.post("/retrieve", tags=["knowledge"], responses=error_responses(503))
async def retrieve(
    body: RetrieveIn,
    state: AppStateDep,
    _: Annotated[Principal, Depends(require_client)],
) -> dict[str, Any]:
    """Ranked chunks for a query, as `rag search` prints them."""
    query = check_question(body.query, state.settings, name="query")
    results = await run_in_threadpool(state.services.retriever.search, query, body.k, body.rerank)
    return {"query": query, "results": [r.to_dict() for r in results]}


def _check_upload(upload: UploadFile, content: bytes, settings: Settings) -> str:
    name = Path(upload.filename or "").name
    if not name or not UPLOAD_NAME.fullmatch(name) or name.startswith("."):
        raise HTTPException(422, f"bad file name {upload.filename!r}: letters, digits, . _ - only")
    suffix = Path(name).suffix.lower()
    if suffix not in LOADERS:
        raise HTTPException(415, f"unsupported file type {suffix!r}: {', '.join(sorted(LOADERS))}")
    if len(content) > settings.max_file_bytes:
        raise HTTPException(413, f"{name} is larger than {settings.max_file_bytes} bytes")
    if suffix == ".pdf" and not content.startswith(b"%PDF-"):
        raise HTTPException(415, f"{name} is not a PDF")
    return name


@router.post("/ingest", tags=["knowledge"], responses=error_responses(403, 415, 507))
async def ingest_files(
    files: list[UploadFile],
    state: AppStateDep,
    admin: Annotated[Principal, Depends(require_admin)],
) -> dict[str, Any]:
    """Upload documents (admin): the same incremental pipeline as `rag ingest`."""
    settings = state.settings
    uploads = settings.data_dir / "uploads"
    uploads.mkdir(parents=True, exist_ok=True)
    checked = []
    for upload in files:
        content = await upload.read()
        checked.append((_check_upload(upload, content, settings), content))
    paths = []
    for name, content in checked:  # only once every file passed its checks
        path = uploads / name
        try:
            path.write_bytes(content)
        except OSError as exc:
            if exc.errno != errno.ENOSPC:
                raise
            path.unlink(missing_ok=True)  # no half-written upload for a later ingest to pick up
            raise StorageFullError(f"no space to store the upload {name}") from exc
        paths.append(path)
    embeddings = state.services.retriever.embeddings
    report = await run_in_threadpool(ingest, paths, settings, embeddings)
    state.metrics.count_ingest(report)
    detail = f"{report.files_indexed} indexed, {len(report.skipped)} skipped"
    names = ", ".join(name for name, _ in checked)
    await run_in_threadpool(state.audit.record, admin.name, "ingest", names, detail)
    return report.to_dict()


@router.delete(
    "/sessions/{session_id}", status_code=204, tags=["sessions"], responses=error_responses(503)
)
async def delete_session(
    session_id: str,
    state: AppStateDep,
    principal: Annotated[Principal, Depends(require_client)],
) -> None:
    """Forget a conversation: its whole history, and its answers in the cache."""
    await forget_session(
        check_session_id(session_id),
        sessions=state.answerer.sessions,
        cache=state.cache,
        audit=state.audit,
        principal=principal.name,
    )


@router.post("/feedback", status_code=201, tags=["feedback"], responses=error_responses(503))
async def add_feedback(
    body: FeedbackIn,
    state: AppStateDep,
    principal: Annotated[Principal, Depends(require_client)],
) -> dict[str, Any]:
    """Score an answer (1 = helpful, 0 = not) by its run id and/or session. 201 means it is
    stored; 503 (database down) means it is not: send it again after Retry-After."""
    feedback_id = await run_in_threadpool(
        lambda: state.feedback.add(
            run_id=body.run_id,
            session_id=body.session_id,
            score=body.score,
            comment=body.comment,
            principal=principal.name,
        )
    )
    if state.tracing is not None and body.run_id is not None:
        state.tracing.score(body.run_id.hex, body.score, body.comment)
    return {"id": feedback_id}


@router.get("/audit", tags=["admin"], responses=error_responses(403))
async def audit_log(
    state: AppStateDep,
    _: Annotated[Principal, Depends(require_admin)],
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
) -> list[dict[str, Any]]:
    """Who changed what the service holds (ingests, users, deletions), newest first."""
    entries = await run_in_threadpool(state.audit.recent, limit)
    return [asdict(entry) for entry in entries]
