"""Admin: the corpus as an admin sees it. Documents with their chunk counts, a chunk search over
text and headings, removing a document and ingesting it again. Uploads stay ``POST /ingest``."""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Query
from fastapi.concurrency import run_in_threadpool
from pydantic import BaseModel, ConfigDict

from knowledge.ingest import ingest
from knowledge.remove import remove_documents
from server.auth import Principal, require_admin
from server.errors import error_responses
from server.passages import admin_passage
from server.request_checks import rate_limited
from server.state import AppStateDep

router = APIRouter(
    prefix="/admin",
    tags=["admin"],
    dependencies=[Depends(rate_limited), Depends(require_admin)],
    responses=error_responses(401, 403, 413, 422, 429),
)

AdminDep = Annotated[Principal, Depends(require_admin)]
MAX_QUERY_CHARS = 200


class DocumentIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    source: str  # as listed by GET /admin/documents


@router.get("/documents")
async def list_documents(state: AppStateDep) -> dict[str, Any]:
    """Every document of the published corpus with its number of chunks and flagged chunks."""
    corpus = state.services.retriever.corpus
    names = {c.source: c.document for c in corpus.chunks}
    chunks = Counter(c.source for c in corpus.chunks)
    flagged = Counter(c.source for c in corpus.chunks if c.metadata.get("flagged"))
    documents = [
        {"source": s, "document": names[s], "chunks": n, "flagged": flagged[s]}
        for s, n in sorted(chunks.items(), key=lambda item: names[item[0]].lower())
    ]
    return {"corpus_version": corpus.version, "documents": documents}


@router.get("/chunks")
async def search_chunks(
    state: AppStateDep,
    q: Annotated[str, Query(max_length=MAX_QUERY_CHARS)] = "",
    source: str | None = None,
    flagged: bool = False,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
) -> dict[str, Any]:
    """Chunks whose text or heading contains ``q`` (case-insensitive; every chunk when empty),
    optionally of one document or only flagged ones, in corpus order. A plain substring match
    on purpose: an admin looking for a passage wants exactly that text, not a ranking."""
    needle = q.strip().casefold()
    matches = [
        c
        for c in state.services.retriever.corpus.chunks
        if (source is None or c.source == source)
        and (not flagged or c.metadata.get("flagged"))
        and (needle in c.text.casefold() or needle in c.heading.casefold())
    ]
    return {"total": len(matches), "chunks": [admin_passage(c) for c in matches[:limit]]}


@router.post("/documents/remove", responses=error_responses(404))
async def remove_document(body: DocumentIn, state: AppStateDep, admin: AdminDep) -> dict[str, Any]:
    """Take a document out of the corpus (new snapshot, vectors and records cleaned). A copy the
    service keeps of an uploaded file goes too; files elsewhere are the owner's and stay."""
    embeddings = state.services.retriever.embeddings
    report = await run_in_threadpool(remove_documents, [body.source], state.settings, embeddings)
    if not report.removed:
        raise HTTPException(404, f"no document {body.source!r} in the corpus")
    uploaded = Path(body.source)
    if uploaded.parent == (state.settings.data_dir / "uploads").resolve():
        uploaded.unlink(missing_ok=True)
    detail = f"{report.chunks_removed} passages"
    await run_in_threadpool(state.audit.record, admin.name, "document.remove", body.source, detail)
    return report.to_dict()


@router.post("/documents/reingest", responses=error_responses(404))
async def reingest_document(
    body: DocumentIn, state: AppStateDep, admin: AdminDep
) -> dict[str, Any]:
    """Read the document's file again through the incremental pipeline (a file that is gone
    loses its chunks)."""
    corpus = state.services.retriever.corpus
    if not any(c.source == body.source for c in corpus.chunks):
        raise HTTPException(404, f"no document {body.source!r} in the corpus")
    embeddings = state.services.retriever.embeddings
    report = await run_in_threadpool(ingest, [Path(body.source)], state.settings, embeddings)
    state.metrics.count_ingest(report)
    detail = f"{report.files_indexed} indexed, {len(report.skipped)} skipped"
    await run_in_threadpool(state.audit.record, admin.name, "ingest", body.source, detail)
    return report.to_dict()
