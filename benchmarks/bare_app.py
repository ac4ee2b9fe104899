"""The floor for the serving benchmark: a bare FastAPI route under the same uvicorn, returning an
answer-shaped JSON body. `python -m benchmarks.bare_app` (port from BENCH_PORT)."""

from __future__ import annotations

import os
from typing import Any

import uvicorn
from fastapi import FastAPI

app = FastAPI()


@app.post("/rag/invoke")
async def invoke(body: dict[str, Any]) -> dict[str, Any]:
    answer = {
        "answer": "Your CKA expires on 2027-08-14 [1].",
        "citations": [],
        "outcome": "answered",
    }
    return {"output": {**answer, "reason": ""}, "metadata": {}}


if __name__ == "__main__":
    port = int(os.environ.get("BENCH_PORT", "8766"))
    uvicorn.run(app, host="127.0.0.1", port=port, log_level="warning")
