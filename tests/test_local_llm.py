"""Integration: the real local model (llama.cpp, the GGUF `make test` pulls) answers from the
sample corpus with the fact and a citation of the right source."""

from pathlib import Path

import pytest

from core.settings import Settings
from graph.services import Services
from graph.sessions import new_session_id
from llm.local_model import MODELS, is_ready
from tests.answering import ask_turns

pytestmark = pytest.mark.integration


def test_local_model_answers_with_the_fact_and_cites_it(sample_settings: Settings) -> None:
    settings = Settings.from_env(data_dir=sample_settings.data_dir, llm="auto", groq_api_key=None)
    spec = MODELS[settings.local_model]
    assert is_ready(spec, settings.models_dir), "run `rag models pull` (make test does)"
    question = "When does my Kubernetes certification expire?"
    (out,), _ = ask_turns(settings, Services.from_settings(settings), new_session_id(), [question])
    assert out["outcome"] == "answered", out
    assert "2027-08-14" in out["answer"] or "August 14, 2027" in out["answer"], out["answer"]
    assert [Path(c["source"]).name for c in out["citations"]][:1] == ["certificates.yaml"]
