"""The eval gate on the real pipeline (retrieval-only: no LLM, under a minute per set) passes on
every eval set with the committed thresholds and baselines, and fails when retrieval is degraded."""

import json
import random
from dataclasses import replace
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from cli.eval import eval_command
from core.settings import Settings
from evals.pipeline import EvalConfig, run_eval
from evals.result import EvalResult
from graph.services import Services
from knowledge.retriever import HybridRetriever, RetrievedChunk

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def eval_data(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One data folder per dataset for the module: the first eval ingests, later ones re-embed
    nothing."""
    return tmp_path_factory.mktemp("eval")


def cli() -> typer.Typer:
    app = typer.Typer()
    app.command()(eval_command)
    return app


@pytest.mark.parametrize(
    ("dataset", "cases"),
    [
        ("sample", 82),
        ("ottilie-brandqvist", 121),
        ("elowen-marsh-adebayo", 60),
        ("nerea-azcarate", 56),
    ],
)
def test_gate_passes_on_the_real_pipeline(
    tmp_path: Path, eval_data: Path, dataset: str, cases: int
) -> None:
    out = tmp_path / "out"
    data = eval_data / dataset
    args = ["--dataset", dataset, "--retrieval-only", "--gate", "--out", str(out)]
    result = CliRunner().invoke(cli(), [*args, "--data-dir", str(data)])
    assert result.exit_code == 0, result.output
    assert "gate: PASSED" in result.output

    report = json.loads((out / "results.json").read_text())
    assert report["mode"] == "retrieval_only" and report["cases"] == cases
    assert report["dataset"] == dataset
    assert report["baseline"]["gated"], report["baseline"]["note"]  # compared with baseline.json
    statuses = {f["metric"]: f["status"] for f in report["gate"]["findings"]}
    assert statuses and set(statuses.values()) == {"pass"}  # every rule measured, none skipped
    assert report["seconds"]["total"] < 120  # about a minute at load 2; the machine is shared
    assert (out / "report.md").read_text().startswith("# Eval report (retrieval-only)")
    assert (out / "categories.png").read_bytes()[:4] == b"\x89PNG"


def test_an_unknown_dataset_is_refused_with_the_known_names(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli(), ["--dataset", "nope", "--retrieval-only"])
    assert result.exit_code == 2
    assert "unknown dataset 'nope'" in result.output and "ottilie-brandqvist" in result.output


class NothingRetriever(HybridRetriever):
    """Retrieval disabled: every question finds nothing."""

    def retrieve(self, query: str, k: int) -> list[RetrievedChunk]:
        return []


class ShuffledRetriever(HybridRetriever):
    """The real candidates in a random order: as if ranking had stopped working."""

    random = random.Random(7)

    def retrieve(self, query: str, k: int) -> list[RetrievedChunk]:
        results = super().retrieve(query, 100)
        self.random.shuffle(results)
        return results[:k]

    def rerank(self, query: str, results: list[RetrievedChunk]) -> list[RetrievedChunk]:
        return results


def degraded(kind: str, settings: Settings) -> Services:
    real = Services.from_settings(settings)
    kinds = {"nothing": NothingRetriever, "shuffled": ShuffledRetriever}
    bad = kinds[kind](settings, embeddings=real.retriever.embeddings)
    return replace(real, retriever=bad)


@pytest.mark.parametrize("kind", ["nothing", "shuffled"])
def test_gate_fails_on_degraded_retrieval(tmp_path: Path, eval_data: Path, kind: str) -> None:
    config = EvalConfig(mode="retrieval_only", out_dir=tmp_path, data_dir=eval_data / "sample")
    result: EvalResult = run_eval(config, make_services=lambda s: degraded(kind, s))
    assert not result.passed
    failed = [f.message for f in result.findings if f.status == "fail"]
    assert any(m.startswith("retrieval.recall@5 = ") and "< min 0.85" in m for m in failed)
    assert any(m.startswith("retrieval.recall@5 = ") and "regressed" in m for m in failed)
    if kind == "nothing":
        # Nothing retrieved: answerable questions end as no_answer, the gate says so.
        assert any(m.startswith("outcome.accuracy[factual] = 0.0000") for m in failed)
    assert "FAILED" in (tmp_path / "report.md").read_text()
