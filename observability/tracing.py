"""Langfuse tracing: one trace per request (CLI or HTTP), a span per graph node, LLM generations
with token usage; off cleanly when the keys are absent.

Spans are exported in the background in batches, so a Langfuse host that is down never slows a
request; we never flush per request, only on shutdown, and then with a bounded wait.
"""

from __future__ import annotations

import logging
import threading
from typing import Any

from core.settings import Settings

log = logging.getLogger(__name__)

EXPORT_TIMEOUT_S = 2
SHUTDOWN_WAIT_S = 3.0


class Tracing:
    def __init__(self, client: Any, public_key: str) -> None:
        self.client = client
        self.public_key = public_key

    @classmethod
    def from_settings(cls, settings: Settings) -> Tracing | None:
        if not (settings.langfuse_public_key and settings.langfuse_secret_key):
            return None
        from langfuse import Langfuse

        client = Langfuse(
            public_key=settings.langfuse_public_key,
            secret_key=settings.langfuse_secret_key,
            base_url=settings.langfuse_host,  # None → LANGFUSE_BASE_URL/LANGFUSE_HOST/cloud
            timeout=EXPORT_TIMEOUT_S,
        )
        return cls(client, settings.langfuse_public_key)

    def handler(self, trace_id: str | None = None) -> Any:
        """A callback handler for one root run; ``trace_id`` (32 hex) lets feedback find it."""
        from langfuse.langchain import CallbackHandler

        context = {"trace_id": trace_id} if trace_id else None
        return CallbackHandler(public_key=self.public_key, trace_context=context)  # type: ignore[arg-type]

    @staticmethod
    def metadata(session_id: str, user_id: str | None, prompt_version: str) -> dict[str, Any]:
        """Run metadata Langfuse turns into the trace's session, user and tags."""
        meta: dict[str, Any] = {
            "langfuse_session_id": session_id,
            "langfuse_tags": [f"prompt:{prompt_version}"],
            "prompt_version": prompt_version,
        }
        if user_id:
            meta["langfuse_user_id"] = user_id
        return meta

    def score(self, trace_id: str, value: float, comment: str | None) -> None:
        """User feedback as a score on the answer's trace."""
        try:
            self.client.create_score(
                name="user-feedback", value=value, trace_id=trace_id, comment=comment
            )
        except Exception as exc:  # feedback is stored in our database either way
            log.warning("langfuse score failed: %s", exc)

    def shutdown(self, wait_s: float = SHUTDOWN_WAIT_S) -> None:
        """Flush what is queued, but never hold up the exit for longer than ``wait_s``."""
        worker = threading.Thread(target=self.client.shutdown, daemon=True)
        worker.start()
        worker.join(wait_s)
        if worker.is_alive():
            log.warning("langfuse flush did not finish in %.1f s; dropping queued spans", wait_s)
