"""Fetching flashrank's cross-encoder once, at build or deploy time, checksum verified.

flashrank publishes each model as ``<model>.zip`` on its hub and, left alone, downloads it into
``/tmp`` on first use, inside a request. The service never lets it (``rerank.py``); this module does
the download ahead of time: stream the zip, check its sha256 — pinned by the caller, or the one the
hub declares for the file (``X-Linked-Etag``, the LFS object's sha256) — unpack it into the folder
layout flashrank expects and move that into place only when complete, so a torn or tampered
download is never loaded. Offline it fails with a clear message and reranking stays off.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import tempfile
import zipfile
from pathlib import Path

import httpx

from knowledge.rerank import REQUIRED_FILES

HUB_URL = "https://huggingface.co/prithivida/flashrank/resolve/main/{model}.zip"
_SHA256 = re.compile(r"^[0-9a-f]{64}$")


class RerankFetchError(RuntimeError):
    """The reranker model could not be downloaded, verified or unpacked."""


def is_complete(folder: Path) -> bool:
    return any(folder.glob("*.onnx")) and all((folder / n).is_file() for n in REQUIRED_FILES)


def declared_sha256(response: httpx.Response) -> str | None:
    """The sha256 the hub declares for an LFS file, on the redirect or the final response."""
    for hop in [*response.history, response]:
        value = str(hop.headers.get("x-linked-etag", "")).strip().strip('"').lower()
        if _SHA256.match(value):
            return value
    return None


def download(url: str, target: Path, timeout_s: float) -> tuple[str, str | None]:
    """Stream ``url`` into ``target``; returns (sha256 of the bytes, sha256 the server declared)."""
    digest = hashlib.sha256()
    try:
        with httpx.stream("GET", url, follow_redirects=True, timeout=timeout_s) as response:
            response.raise_for_status()
            with target.open("wb") as out:
                for block in response.iter_bytes(1 << 20):
                    digest.update(block)
                    out.write(block)
            return digest.hexdigest(), declared_sha256(response)
    except httpx.HTTPError as exc:
        raise RerankFetchError(f"download of {url} failed: {exc}") from exc


def unpack(archive: Path, model: str, staging: Path) -> Path:
    """Extract safely; the model folder is the zip's ``<model>/`` folder, or its root."""
    try:
        with zipfile.ZipFile(archive) as zf:
            for name in zf.namelist():
                if name.startswith("/") or ".." in Path(name).parts:
                    raise RerankFetchError(f"unsafe path in archive: {name!r}")
            zf.extractall(staging)
    except zipfile.BadZipFile as exc:
        raise RerankFetchError(f"not a zip archive: {exc}") from exc
    folder = staging / model if (staging / model).is_dir() else staging
    if not is_complete(folder):
        raise RerankFetchError(
            f"archive lacks the flashrank layout (an .onnx file and {', '.join(REQUIRED_FILES)})"
        )
    return folder


def fetch_reranker(
    model: str,
    dest: Path,
    *,
    url: str | None = None,
    sha256: str | None = None,
    timeout_s: float = 120.0,
) -> Path:
    """``dest/<model>/`` ready for flashrank, downloading it once. ``sha256`` pins the zip."""
    target = dest / model
    if is_complete(target):
        return target
    url = url or HUB_URL.format(model=model)
    dest.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=dest, prefix=".fetch-") as tmp:
        archive = Path(tmp) / f"{model}.zip"
        actual, declared = download(url, archive, timeout_s)
        expected = (sha256 or declared or "").lower()
        if not expected:
            raise RerankFetchError(f"{url} declares no sha256 and none was given: not trusted")
        if actual != expected:
            raise RerankFetchError(f"{model}.zip sha256 {actual} does not match {expected}")
        folder = unpack(archive, model, Path(tmp) / "unpacked")
        if target.exists():
            shutil.rmtree(target)  # an incomplete earlier attempt
        os.replace(folder, target)
    return target
