"""thresholds.yaml parsing, the gate's rules, and baseline comparison."""

import math
from pathlib import Path

import pytest

from evals import baseline
from evals.aggregate import Summary
from evals.dataset import DATASETS
from evals.gate import check, check_rule, passed
from evals.thresholds import THRESHOLDS, Rule, ThresholdsError, load, parse, rules_for


def summary(value: float, nan: int = 0, values: int = 10) -> Summary:
    return Summary(value=value, cases=values, values=values, nan=nan, per_run=[value])


@pytest.mark.parametrize("dataset", list(DATASETS))
def test_the_committed_thresholds_parse(dataset: str) -> None:
    rules = load(THRESHOLDS, dataset)
    assert rules["retrieval_only"] and rules["full"]
    names = [r.metric for r in rules_for(rules, "full", judged=True)]
    assert any(n.startswith("judge.") for n in names)
    assert not any(
        n.startswith("judge.") for n in [r.metric for r in rules_for(rules, "full", False)]
    )


def test_a_rule_reads_limits_and_direction() -> None:
    rules = parse(
        {
            "full": {
                "answer.fact_recall": {"min": 0.6, "tolerance": 0.05},
                "answer.violation_rate": {"max": 0, "tolerance": 0.02},
                "judge.faithfulness": {"min": 0.5, "max_nan_rate": 0.2},
            }
        }
    )
    recall, leak, faith = rules["full"]
    assert (recall.min, recall.tolerance, recall.higher_is_better) == (0.6, 0.05, True)
    assert (leak.max, leak.higher_is_better) == (0.0, False)
    assert faith.max_nan_rate == 0.2 and rules["retrieval_only"] == []


@pytest.mark.parametrize(
    "document",
    [
        {"full": {"m": {"minimum": 0.5}}},  # unknown key
        {"full": {"m": {"min": 0.5, "max": 0.9}}},  # both directions
        {"full": {"m": {"min": "high"}}},  # not a number
        {"full": {"m": {"min": True}}},  # a bool is not a number
        {"full": {"m": {"tolerance": -0.1}}},
        {"full": {"m": 0.5}},  # not a mapping
        {"nightly": {}},  # unknown section
        ["full"],
    ],
)
def test_malformed_thresholds_are_refused(document: object) -> None:
    with pytest.raises(ThresholdsError):
        parse(document)


def test_a_yaml_syntax_error_names_the_file(tmp_path: Path) -> None:
    bad = tmp_path / "t.yaml"
    bad.write_text("sample: {full: {m: [", encoding="utf-8")
    with pytest.raises(ThresholdsError, match=r"t\.yaml"):
        load(bad, "sample")


def test_a_dataset_without_thresholds_is_named(tmp_path: Path) -> None:
    path = tmp_path / "t.yaml"
    path.write_text("sample: {full: {m: {min: 0.5}}}", encoding="utf-8")
    assert load(path, "sample")["full"][0].metric == "m"
    with pytest.raises(ThresholdsError, match="other"):
        load(path, "other")


def test_gate_limits_regressions_and_nan() -> None:
    rule = Rule("m", min=0.8, tolerance=0.05)
    assert check_rule(rule, summary(0.9), baseline=0.92)[0].status == "pass"
    (low,) = check_rule(rule, summary(0.7), baseline=None)
    assert low.status == "fail" and "0.7000 < min 0.8" in low.message
    (regressed,) = check_rule(rule, summary(0.85), baseline=0.95)
    assert "regressed 0.1000 from baseline 0.9500 (tolerance 0.05)" in regressed.message
    # Exactly at the limits passes, despite float noise and the baseline's 4 decimals.
    assert check_rule(rule, summary(0.8 - 1e-12), baseline=0.85)[0].status == "pass"
    assert check_rule(Rule("m", tolerance=0.0), summary(2 / 3), 0.6667)[0].status == "pass"
    (nan,) = check_rule(rule, summary(math.nan, nan=4, values=0), baseline=0.9)
    assert nan.status == "fail" and "NaN" in nan.message
    assert check_rule(rule, None, baseline=0.9)[0].status == "skip"


def test_gate_lower_is_better_and_nan_rate() -> None:
    leak = Rule("leaks", max=0.0, tolerance=0.0)
    assert check_rule(leak, summary(0.0), baseline=0.0)[0].status == "pass"
    assert [f.status for f in check_rule(leak, summary(0.1), baseline=0.0)] == ["fail", "fail"]
    judged = Rule("j", min=0.1, max_nan_rate=0.2)
    (too_many,) = check_rule(judged, summary(0.9, nan=3, values=7), baseline=None)
    assert "3 NaN of 10 values (30%) > max_nan_rate 20%" in too_many.message


def test_gate_without_baseline_checks_limits_only() -> None:
    rules = [Rule("m", min=0.5, tolerance=0.0)]
    assert passed(check(rules, {"m": summary(0.6)}, baseline=None))
    assert not passed(check(rules, {"m": summary(0.6)}, baseline={"m": 0.7}))


def test_baseline_deltas_and_comparability(tmp_path: Path) -> None:
    ids = ["a", "b"]
    entry = baseline.section("full", ids, "local/qwen", None, {"m": 0.8, "n": math.nan})
    assert entry["metrics"] == {"m": 0.8}  # NaN is not recorded
    path = tmp_path / "baseline.json"
    baseline.save(path, "sample", "full", entry, note="test")
    baseline.save(
        path, "sample", "retrieval_only", baseline.section("retrieval_only", ids, "", None, {}), "x"
    )
    baseline.save(path, "other", "full", baseline.section("full", ["c"], "x", None, {}), "y")
    recorded = baseline.load(path)["sample"]
    assert recorded["full"]["note"] == "test" and "retrieval_only" in recorded  # all kept
    assert baseline.recorded(path, "other", "full")["cases"] == 1  # datasets kept apart
    assert baseline.recorded(path, "unknown", "full") == {}

    (delta,) = baseline.deltas(recorded["full"]["metrics"], {"m": 0.75, "new": 1.0})
    assert (delta.metric, delta.baseline, delta.current) == ("m", 0.8, 0.75)
    assert delta.change == pytest.approx(-0.05)

    same = baseline.section("full", ["b", "a"], "local/qwen", None, {})
    assert baseline.incomparable(recorded["full"], same) is None  # order does not matter
    other_cases = baseline.section("full", ["a"], "local/qwen", None, {})
    assert "different case set" in str(baseline.incomparable(recorded["full"], other_cases))
    other_llm = baseline.section("full", ids, "groq/llama", None, {})
    assert "groq/llama" in str(baseline.incomparable(recorded["full"], other_llm))
    assert "no baseline" in str(baseline.incomparable({}, same))
