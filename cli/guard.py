"""``rag guard --batch FILE``: run the input guard over JSON lines.

In: ``{"id"?: any, "text": str}`` per line ("-" reads stdin; blank lines are skipped).
Out (stdout): ``{"id", "blocked", "score", "reason"}`` per line, in order; ``id`` is echoed
(null when absent). A malformed line stops the run with a message on stderr and exit code 2.
The reason is printed because this is an operator's tool; the service never shows it to users.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, TextIO

import typer

from core.settings import Settings, SettingsError

if TYPE_CHECKING:
    from safety.guard import InputGuard


def guard_command(
    batch: Annotated[
        Path,
        typer.Option(
            "--batch",
            help='JSON lines {"id"?, "text"} in ("-" = stdin); '
            'JSON lines {"id", "blocked", "score", "reason"} out.',
        ),
    ],
) -> None:
    """Check texts with the input guard (rules, local classifier, Prompt Guard if GROQ_API_KEY)."""
    from safety.guard import InputGuard  # loads the model stack only when the command runs

    try:
        guard = InputGuard.from_settings(Settings.from_env())
    except SettingsError as exc:
        typer.echo(f"settings: {exc}", err=True)
        raise typer.Exit(2) from exc
    if str(batch) == "-":
        _guard_batch(guard, sys.stdin)
        return
    try:
        stream = batch.open(encoding="utf-8")
    except OSError as exc:
        typer.echo(f"{batch}: {exc.strerror or exc}", err=True)
        raise typer.Exit(2) from exc
    with stream:
        _guard_batch(guard, stream)


def _parse(line: str) -> tuple[Any, str]:
    item = json.loads(line)
    if not isinstance(item, dict):
        raise ValueError("expected a JSON object")
    if "text" not in item:
        raise ValueError('missing "text"')
    text = item["text"]
    if not isinstance(text, str):
        raise ValueError('"text" must be a string')
    return item.get("id"), text


def _guard_batch(guard: InputGuard, lines: TextIO) -> None:
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            item_id, text = _parse(line)
        except ValueError as exc:  # json.JSONDecodeError is a ValueError
            typer.echo(f"line {number}: {exc}", err=True)
            raise typer.Exit(2) from exc
        verdict = guard.check(text)
        out = {
            "id": item_id,
            "blocked": verdict.blocked,
            "score": round(verdict.score, 4),
            "reason": verdict.reason,
        }
        sys.stdout.write(json.dumps(out, ensure_ascii=False) + "\n")
        sys.stdout.flush()
