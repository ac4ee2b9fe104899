"""Admin: the last eval run, read-only, from the folder ``rag eval --out`` wrote
(``RAG_EVAL_REPORT_DIR``): its summary from results.json, report.md as written, and the chart."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from fastapi import APIRouter, Depends, HTTPException
from fastapi.responses import FileResponse

from server.auth import require_admin
from server.errors import error_responses
from server.request_checks import rate_limited
from server.state import AppStateDep

router = APIRouter(
    prefix="/admin/eval",
    tags=["admin"],
    dependencies=[Depends(rate_limited), Depends(require_admin)],
    responses=error_responses(401, 403, 413, 422, 429),
)

SUMMARY_KEYS = ("mode", "llm", "judge", "runs", "cases", "seconds", "gate", "aggregates")


def _report_dir(folder: Path | None) -> Path:
    if folder is None:
        raise HTTPException(404, "no eval report folder configured: set RAG_EVAL_REPORT_DIR")
    if not (folder / "results.json").is_file():
        raise HTTPException(404, f"no eval report in {folder} yet: run `rag eval --out {folder}`")
    return folder


@router.get("", responses=error_responses(404))
def eval_report(state: AppStateDep) -> dict[str, Any]:
    """The summary (everything in results.json but the per-case rows) and report.md."""
    folder = _report_dir(state.settings.eval_report_dir)
    results = json.loads((folder / "results.json").read_text(encoding="utf-8"))
    report = folder / "report.md"
    written = datetime.fromtimestamp((folder / "results.json").stat().st_mtime, UTC)
    return {
        **{k: results.get(k) for k in SUMMARY_KEYS},
        "written_at": written.isoformat(),
        "report_md": report.read_text(encoding="utf-8") if report.is_file() else None,
        "chart": (folder / "categories.png").is_file(),
    }


@router.get(
    "/chart.png",
    response_class=FileResponse,
    responses={200: {"content": {"image/png": {}}}, **error_responses(404)},
)
def eval_chart(state: AppStateDep) -> FileResponse:
    chart = _report_dir(state.settings.eval_report_dir) / "categories.png"
    if not chart.is_file():
        raise HTTPException(404, "the last eval run wrote no chart")
    return FileResponse(chart, media_type="image/png")
