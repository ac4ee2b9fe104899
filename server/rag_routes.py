"""``/rag``: the answer graph through LangServe, every request checked before the graph runs."""

from __future__ import annotations

from fastapi import Depends, FastAPI
from langserve import add_routes
from langserve.server import EndpointName

from server.answering import AnswerRunnable
from server.auth import require_client
from server.request_checks import check_rag_request
from server.state import state_of

# stream_log is left out: it would stream the runnable's internal run tree.
ENDPOINTS: list[EndpointName] = [
    "invoke",
    "batch",
    "stream",
    "stream_events",
    "playground",
    "input_schema",
    "output_schema",
    "config_schema",
]


def mount_rag(app: FastAPI) -> None:
    runnable = AnswerRunnable(app_state=lambda: state_of(app))
    add_routes(
        app,
        runnable,
        path="/rag",
        enabled_endpoints=ENDPOINTS,
        per_req_config_modifier=check_rag_request,
        dependencies=[Depends(require_client)],
    )
