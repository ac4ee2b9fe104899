"""Turn a file on disk into a ``LoadedDocument`` of heading-scoped sections, or say why not."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import yaml
from pypdf import PdfReader

from knowledge.documents import BadFileError, LoadedDocument, Section
from knowledge.outline import Run, heading_levels, pdf_sections, text_sections

_HEADING = re.compile(r"^(#{1,6})\s+(.+?)\s*#*\s*$")
_FRONT_MATTER = re.compile(r"\A---\s*\n(.*?)\n(?:---|\.\.\.)\s*(?:\n|\Z)", re.DOTALL)


def title_from_path(path: Path) -> str:
    return path.stem.replace("_", " ").replace("-", " ").strip().title()


def read_text(path: Path) -> str:
    data = path.read_bytes()
    if b"\x00" in data[:8192]:
        raise BadFileError("binary file (NUL bytes), not text")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise BadFileError(f"not UTF-8 text (byte {exc.start})") from exc
    if not text.strip():
        raise BadFileError("empty file")
    return text


def _scalar(value: Any) -> str | int | float | bool:
    """Vector stores keep flat scalar metadata: dates become ISO text, lists comma-joined."""
    if isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return ", ".join(str(_scalar(v)) for v in value)
    return str(value)


def _flat_metadata(raw: dict[str, Any]) -> dict[str, Any]:
    return {str(k): _scalar(v) for k, v in raw.items() if v is not None}


# A document is data for people: nothing real nests deeper or holds more values than this, and
# a YAML alias bomb (each alias repeating the one before) would expand past it exponentially.
MAX_YAML_DEPTH = 40
MAX_YAML_VALUES = 100_000


def _safe_yaml(text: str, what: str) -> Any:
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}" if mark is not None else ""
        raise BadFileError(f"broken {what}{where}: {getattr(exc, 'problem', exc)}") from exc
    except RecursionError as exc:
        raise BadFileError(f"{what} nested too deeply") from exc
    _check_yaml_size(data, what)
    return data


def _check_yaml_size(data: Any, what: str) -> None:
    """Counts values as the loaders would walk them (aliases expanded), stopping at the limits."""
    pending: list[tuple[Any, int]] = [(data, 0)]
    values = 0
    while pending:
        node, depth = pending.pop()
        values += 1
        if values > MAX_YAML_VALUES:
            raise BadFileError(f"{what} too large: more than {MAX_YAML_VALUES} values")
        if depth > MAX_YAML_DEPTH:
            raise BadFileError(f"{what} nested too deeply: more than {MAX_YAML_DEPTH} levels")
        children = (
            node.values() if isinstance(node, dict) else node if isinstance(node, list) else ()
        )
        pending.extend((child, depth + 1) for child in children)


def load_markdown(path: Path) -> LoadedDocument:
    text = read_text(path)
    metadata: dict[str, Any] = {}
    match = _FRONT_MATTER.match(text)
    if match:
        front = _safe_yaml(match.group(1), "front-matter")
        if front is not None and not isinstance(front, dict):
            raise BadFileError("broken front-matter: expected key: value pairs")
        metadata = _flat_metadata(front or {})
        text = text[match.end() :]
    elif text.startswith("---\n"):
        raise BadFileError("broken front-matter: no closing '---'")
    if not text.strip():
        raise BadFileError("empty document (front-matter only)")
    title = str(metadata.get("title") or "") or _first_h1(text) or title_from_path(path)
    metadata.setdefault("title", title)
    sections = [*_front_matter_section(metadata, title), *_markdown_sections(text, title)]
    return LoadedDocument(str(path), sections, metadata)


def _front_matter_section(metadata: dict[str, Any], title: str) -> list[Section]:
    """Front-matter fields are content too ("reviewer: Imogen Faraday"): searchable and citable
    like the body, not only metadata. The title is already every chunk's identity."""
    lines = [f"{key}: {value}" for key, value in metadata.items() if key != "title"]
    return [Section((title,), "\n".join(lines))] if lines else []


def _first_h1(text: str) -> str | None:
    for line in text.splitlines():
        m = _HEADING.match(line)
        if m and len(m.group(1)) == 1:
            return m.group(2)
    return None


def _markdown_sections(text: str, title: str) -> Iterator[Section]:
    # The document's H1 (or its title) is the root of every heading path, so chunks from different
    # files that share a sub-heading ("Grades") still say which document they belong to.
    stack: list[tuple[int, str]] = []
    lines: list[str] = []
    in_fence = False

    def path() -> tuple[str, ...]:
        names = [name for _, name in stack]
        return tuple(names if stack and stack[0][0] == 1 else [title, *names])

    for line in text.splitlines():
        if line.lstrip().startswith(("```", "~~~")):
            in_fence = not in_fence
        heading = None if in_fence else _HEADING.match(line)
        if heading is None:
            lines.append(line)
            continue
        if "\n".join(lines).strip():
            yield Section(path(), "\n".join(lines).strip())
        lines = []
        level = len(heading.group(1))
        while stack and stack[-1][0] >= level:
            stack.pop()
        stack.append((level, heading.group(2)))
    if "\n".join(lines).strip():
        yield Section(path(), "\n".join(lines).strip())


def load_text(path: Path) -> LoadedDocument:
    title = title_from_path(path)
    return LoadedDocument(str(path), text_sections(read_text(path), title), {"title": title})


def load_yaml(path: Path) -> LoadedDocument:
    data = _safe_yaml(read_text(path), "YAML")
    if data is None:
        raise BadFileError("empty YAML document")
    metadata: dict[str, Any] = {}
    if isinstance(data, dict):
        # Same convention as Markdown front-matter: scalar descriptive keys become metadata.
        for key in ("title", "doc_type", "tags", "date", "updated"):
            if key in data and not isinstance(data[key], dict):
                metadata[key] = data.pop(key)
    metadata = _flat_metadata(metadata)
    title = str(metadata.get("title") or title_from_path(path))
    metadata["title"] = title
    sections = [s for s in _yaml_sections(data, (title,)) if s.text.strip()]
    if not sections:
        raise BadFileError("YAML holds no text")
    return LoadedDocument(str(path), sections, metadata)


def _yaml_sections(node: Any, heading: tuple[str, ...]) -> Iterator[Section]:
    """Nested mappings become headings; scalars become ``key: value`` lines; each item of a list of
    mappings becomes one block, so an item's fields (name, issuer, expiry) stay together."""
    if isinstance(node, dict):
        scalars = {k: v for k, v in node.items() if not isinstance(v, dict | list)}
        if scalars:
            yield Section(heading, "\n".join(f"{k}: {_scalar(v)}" for k, v in scalars.items()))
        for key, value in node.items():
            if isinstance(value, dict | list):
                yield from _yaml_sections(value, (*heading, str(key)))
    elif isinstance(node, list) and all(isinstance(item, dict) for item in node):
        # Each record (a certificate, a job) is its own section named after it: its fields are
        # found together and never mixed with a neighbour's. Packing records side by side lost
        # on the second eval set (docs/BENCHMARKS.md, "What changed in retrieval").
        for item in node:
            yield Section((*heading, _item_title(item)), _yaml_item(item))
    elif isinstance(node, list):
        yield Section(heading, "\n".join(_yaml_item(item) for item in node))
    else:
        yield Section(heading, str(_scalar(node)))


def _item_title(item: dict[Any, Any]) -> str:
    for key in ("name", "title", "id"):
        if key in item and not isinstance(item[key], dict | list):
            return str(item[key])
    return str(next(iter(item.values()), "item"))


def _yaml_item(item: Any) -> str:
    if isinstance(item, dict):
        return "\n".join(f"{k}: {_yaml_inline(v)}" for k, v in item.items())
    return f"- {_yaml_inline(item)}"


def _yaml_inline(value: Any) -> str:
    if isinstance(value, dict):
        return "; ".join(f"{k}: {_yaml_inline(v)}" for k, v in value.items())
    if isinstance(value, list):
        return ", ".join(_yaml_inline(v) for v in value)
    return str(_scalar(value))


def load_pdf(path: Path) -> LoadedDocument:
    try:
        reader = PdfReader(path)
        if reader.is_encrypted and not reader.decrypt(""):
            raise BadFileError("encrypted PDF (password required)")
        runs: list[Run] = []

        def collect(text: str, _cm: Any, tm: Any, font: Any, size: float) -> None:
            name = str((font or {}).get("/BaseFont", ""))
            runs.append(Run(text, "Bold" in name or "Black" in name, abs(size * tm[0])))

        pages = [page.extract_text(visitor_text=collect) or "" for page in reader.pages]
        info = reader.metadata
    except BadFileError:
        raise
    except Exception as exc:  # pypdf raises assorted error types on corrupt or locked files
        kind = "encrypted" if "crypt" in str(exc).lower() else "unreadable"
        raise BadFileError(f"{kind} PDF: {exc}") from exc
    if not any(p.strip() for p in pages):
        raise BadFileError("PDF has no text layer (scanned image?)")
    title = str(info.title) if info is not None and info.title else title_from_path(path)
    sections = pdf_sections(pages, heading_levels(runs), title)
    return LoadedDocument(str(path), sections, {"title": title, "doc_type": "pdf"})


LOADERS: dict[str, Callable[[Path], LoadedDocument]] = {
    ".md": load_markdown,
    ".markdown": load_markdown,
    ".txt": load_text,
    ".text": load_text,
    ".yaml": load_yaml,
    ".yml": load_yaml,
    ".pdf": load_pdf,
}


def load(path: Path, max_bytes: int) -> LoadedDocument:
    """Load one file; every refusal is a ``BadFileError`` with a reason a user can act on."""
    loader = LOADERS.get(path.suffix.lower())
    if loader is None:
        raise BadFileError(f"unsupported file type {path.suffix or '(none)'!r}")
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise BadFileError(f"unreadable: {exc.strerror}") from exc
    if size == 0:
        raise BadFileError("empty file")
    if size > max_bytes:
        raise BadFileError(f"too large: {size} bytes > limit {max_bytes}")
    try:
        return loader(path)
    except OSError as exc:
        raise BadFileError(f"unreadable: {exc.strerror or exc}") from exc
