"""The web app: the chat at ``/`` and the admin console at ``/admin``, plain HTML, CSS and ES
modules from the ``web/`` folder, with no build step and nothing loaded from elsewhere.

Every file is served under ``/static/<version>/``, where the version is a hash of the whole
folder: a release changes every URL at once, so the files can be cached for a year, and the
modules' relative imports stay on the same version. The two pages are small and revalidated on
every load, so they always point at the current version. ``GET /me`` tells a page who its
credentials belong to (the admin console shows nothing to anyone but an admin).
"""

from __future__ import annotations

import hashlib
from functools import cache
from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException
from fastapi.responses import FileResponse, HTMLResponse

from server.auth import Principal, require_client
from server.errors import error_responses

WEB_DIR = Path(__file__).resolve().parent.parent / "web"
PAGES = {"/": "chat.html", "/admin": "admin.html"}
STATIC_TYPES = {
    ".js": "text/javascript",
    ".css": "text/css",
    ".svg": "image/svg+xml",
    ".png": "image/png",
    ".ico": "image/x-icon",
}
LONG_CACHE = "public, max-age=31536000, immutable"
REVALIDATE = "no-cache"

router = APIRouter()


@cache
def web_version(folder: Path = WEB_DIR) -> str:
    """A hash of every file's name and content: changes whenever anything in the folder does."""
    digest = hashlib.sha256()
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        digest.update(path.relative_to(folder).as_posix().encode() + b"\0")
        digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


@cache
def _page(name: str) -> str:
    html = (WEB_DIR / name).read_text(encoding="utf-8")
    return html.replace("{{static}}", f"/static/{web_version()}")


def _serve_page(name: str) -> HTMLResponse:
    return HTMLResponse(_page(name), headers={"Cache-Control": REVALIDATE})


@router.get("/", include_in_schema=False)
async def chat_page() -> HTMLResponse:
    return _serve_page(PAGES["/"])


@router.get("/admin", include_in_schema=False)
async def admin_page() -> HTMLResponse:
    return _serve_page(PAGES["/admin"])


@router.get("/static/{version}/{path:path}", include_in_schema=False)
async def static_file(version: str, path: str) -> FileResponse:
    file = (WEB_DIR / path).resolve()
    if (
        WEB_DIR not in file.parents
        or not file.is_file()
        or file.suffix not in STATIC_TYPES
        or any(part.startswith(".") for part in Path(path).parts)
    ):
        raise HTTPException(404, "not found")
    # An old page asking for an old version gets today's file, but must not keep it.
    cache_control = LONG_CACHE if version == web_version() else REVALIDATE
    return FileResponse(
        file, media_type=STATIC_TYPES[file.suffix], headers={"Cache-Control": cache_control}
    )


@router.get("/me", tags=["auth"], responses=error_responses(401))
async def whoami(principal: Annotated[Principal, Depends(require_client)]) -> dict[str, str]:
    """Who these credentials belong to and their role (what the pages show depends on it)."""
    return {"name": principal.name, "kind": principal.kind, "role": principal.role}
