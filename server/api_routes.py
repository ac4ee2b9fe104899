"""The REST routes next to ``/rag``: retrieval, ingestion (admin), sessions and feedback."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Depends, HTTPException, Request, UploadFile
from fastapi.concurrency import run_in_threadpool
from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from core.settings import Settings
from graph.sessions import validate_session_id
from knowledge.ingest import ingest
from knowledge.loaders import LOADERS
from server.auth import Principal, require_admin, require_client
from server.request_checks import (
    check_question,
    check_rate_limits,
    check_session_id,
    control_character,
)
from server.state import AppStateDep

router = APIRouter()

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


@router.post("/retrieve", tags=["knowledge"])
async def retrieve(
    body: RetrieveIn,
    request: Request,
    state: AppStateDep,
    _: Annotated[Principal, Depends(require_client)],
) -> dict[str, Any]:
    """Ranked chunks for a query, as `rag search` prints them."""
    await check_rate_limits(state, request)
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


@router.post("/ingest", tags=["knowledge"])
async def ingest_files(
    files: list[UploadFile],
    state: AppStateDep,
    _: Annotated[Principal, Depends(require_admin)],
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
        path.write_bytes(content)
        paths.append(path)
    embeddings = state.services.retriever.embeddings
    report = await run_in_threadpool(ingest, paths, settings, embeddings)
    return report.to_dict()


@router.delete("/sessions/{session_id}", status_code=204, tags=["sessions"])
async def delete_session(
    session_id: str,
    state: AppStateDep,
    _: Annotated[Principal, Depends(require_client)],
) -> None:
    """Forget a conversation (its whole history)."""
    await state.answerer.forget(check_session_id(session_id))


@router.post("/feedback", status_code=201, tags=["feedback"])
async def add_feedback(
    body: FeedbackIn,
    state: AppStateDep,
    principal: Annotated[Principal, Depends(require_client)],
) -> dict[str, Any]:
    """Score an answer (1 = helpful, 0 = not) by its run id and/or session."""
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
