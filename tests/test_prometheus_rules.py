"""The alert rules: valid, unit-tested firing and not firing (promtool, from Debian's prometheus
package), each with a severity and a runbook that exists; and a valid scrape config."""

from __future__ import annotations

import re
import subprocess
from collections import defaultdict

import yaml

from tests.conftest import REPO
from tests.monitoring import PROMETHEUS_DIR, alert_rules, binary

RULE_TESTS = sorted((PROMETHEUS_DIR / "tests").glob("*.test.yml"))
OPERATIONS = REPO / "docs" / "operations.md"


def promtool(*args: str) -> str:
    done = subprocess.run(
        [binary("promtool"), *args], cwd=PROMETHEUS_DIR, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


def test_rules_are_valid_and_their_unit_tests_pass() -> None:
    assert f"SUCCESS: {len(alert_rules())} rules found" in promtool("check", "rules", "alerts.yml")
    assert RULE_TESTS
    promtool("test", "rules", *map(str, RULE_TESTS))


def test_every_alert_is_tested_firing_and_not_firing() -> None:
    outcomes: dict[str, set[bool]] = defaultdict(set)
    for path in RULE_TESTS:
        for test in yaml.safe_load(path.read_text())["tests"]:
            for case in test["alert_rule_test"]:
                outcomes[case["alertname"]].add(bool(case.get("exp_alerts")))
    untested = {
        rule["alert"]: sorted(outcomes[rule["alert"]])
        for rule in alert_rules()
        if outcomes[rule["alert"]] != {True, False}
    }
    assert not untested, f"alerts without a firing and a not-firing case: {untested}"


def anchors(markdown: str) -> set[str]:
    """GitHub's heading anchors: lower case, punctuation dropped, spaces to hyphens."""
    headings = re.findall(r"^#+ (.+)$", markdown, flags=re.MULTILINE)
    return {re.sub(r"[^\w\- ]", "", h).strip().lower().replace(" ", "-") for h in headings}


def test_every_alert_has_a_severity_and_a_runbook_in_the_operations_doc() -> None:
    documented = anchors(OPERATIONS.read_text())
    for rule in alert_rules():
        assert rule["labels"]["severity"] in {"critical", "warning"}, rule["alert"]
        page, _, anchor = rule["annotations"]["runbook_url"].partition("#")
        assert page == "docs/operations.md" and anchor in documented, rule["alert"]


def test_scrape_config_is_valid() -> None:
    # Syntax only: the bearer-token file it names exists inside the container alone. The live
    # test (test_monitoring_live.py) runs this config for real, rules included.
    assert "SUCCESS" in promtool("check", "config", "--syntax-only", "prometheus.yml")
