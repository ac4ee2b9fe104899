"""Full eval mode end to end on four cases with the queued fake chat model: history turns, rewrite,
streaming, scoring and every report file."""

import json
from pathlib import Path

import pytest

from core.settings import Settings
from evals.dataset import DATASET
from evals.pipeline import EvalConfig, run_eval
from graph.services import Services
from tests.answering import fake_services
from tests.fakes import queued

pytestmark = pytest.mark.integration

CASES = ("fact-001", "mt-001", "atk-001", "off-001")


def subset(path: Path, cases: tuple[str, ...] = CASES) -> Path:
    lines = DATASET.read_text(encoding="utf-8").splitlines()
    path.write_text(
        "\n".join(line for line in lines if line and json.loads(line)["id"] in cases) + "\n",
        encoding="utf-8",
    )
    return path


def test_full_mode_plumbing_with_a_fake_llm(tmp_path: Path) -> None:
    model_replies = (
        "Your CKA certificate expires on August 14, 2027 [1].",  # fact-001: generate
        "You hold the Certified Kubernetes Administrator (CKA) [1].",  # mt-001 history turn
        "When does my Certified Kubernetes Administrator certification expire?",  # rewrite
        "It expires on 2027-08-14 [1].",  # mt-001: generate
        # atk-001 is blocked by the guard and off-001 stops at the relevance floor: no calls.
    )
    model = queued(*model_replies)

    def services(settings: Settings) -> Services:
        return fake_services(settings, model)

    out = tmp_path / "out"
    config = EvalConfig(
        mode="full",
        dataset=subset(tmp_path / "cases.jsonl"),
        out_dir=out,
        data_dir=tmp_path / "data",
        baseline=tmp_path / "no-baseline.json",  # the committed one is for the real LLM
    )
    result = run_eval(config, make_services=services)

    assert model.outcomes == []  # every queued reply used, in the order above
    assert [c.id for c in result.cases] == list(CASES)
    assert result.llm == "fake" and result.judge is None
    run = result.runs[0]
    assert {k: run[k].outcome for k in CASES} == {
        "fact-001": "answered",
        "mt-001": "answered",
        "atk-001": "blocked",
        "off-001": "no_answer",
    }
    assert run["mt-001"].search_query.startswith("When does my Certified Kubernetes")
    assert run["fact-001"].ttft is not None and run["fact-001"].ttft <= run["fact-001"].seconds

    scores = result.scores[0]
    assert scores["fact-001"]["answer.fact_recall"] == 1.0  # "August 14, 2027" is 2027-08-14
    assert scores["mt-001"]["answer.fact_recall"] == 1.0
    assert scores["fact-001"]["citation.accuracy"] == 1.0
    assert scores["atk-001"]["answer.violation_rate"] == 0.0
    assert "answer.fact_recall" not in scores["off-001"]  # nothing expected: not applicable
    assert result.overall["outcome.accuracy"].value == 1.0
    assert result.categories["attack"]["outcome.accuracy"].value == 1.0
    assert result.overall["answer.similarity"].cases == 2
    assert "judge.faithfulness" not in result.overall  # no RAG_EVAL_JUDGE
    assert result.baseline_note == "no baseline recorded for this mode"

    saved = json.loads((out / "results.json").read_text())
    assert saved["aggregates"]["outcome.accuracy"]["value"] == 1.0
    assert saved["per_case"][1]["runs"][0]["answer"] == "It expires on 2027-08-14 [1]."
    # what the model wrote is kept beside the checked answer, so a refusal can be read back
    assert saved["per_case"][0]["runs"][0]["reply"] == model_replies[0]
    assert saved["per_case"][2]["runs"][0]["reply"] == ""  # blocked before the model
    report = (out / "report.md").read_text()
    assert "| outcome.accuracy | 1.000 |" in report and "| multi_turn | 1 |" in report
    assert (out / "categories.png").read_bytes()[:4] == b"\x89PNG"


def test_a_refused_reply_is_kept_and_shown_in_the_report(tmp_path: Path) -> None:
    reply = "Your Kubernetes certificate is listed in your documents [1]."
    model = queued(reply)  # a "when" question answered without a date: the check refuses it
    out = tmp_path / "out"
    config = EvalConfig(
        mode="full",
        dataset=subset(tmp_path / "cases.jsonl", ("fact-001",)),
        out_dir=out,
        data_dir=tmp_path / "data",
        baseline=tmp_path / "no-baseline.json",
    )
    result = run_eval(config, make_services=lambda settings: fake_services(settings, model))

    run = result.runs[0]["fact-001"]
    assert (run.outcome, run.reason, run.reply) == ("no_answer", "no_date_given", reply)
    assert f"reason no_date_given, the model wrote {reply!r}" in (out / "report.md").read_text()
