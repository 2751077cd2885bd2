"""prometheus/alerts.yml: valid for promtool, and its unit tests (alerts_test.yml) pass."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

from .conftest import REPO

RULES = REPO / "prometheus" / "alerts.yml"
TESTS = REPO / "prometheus" / "alerts_test.yml"
REQUIRED = {"MailrouteSourceDown", "MailrouteSourceNotPolled", "MailrouteAuthFailures",
            "MailrouteHighExceptionRate", "MailrouteErrors", "MailrouteLlmBudgetExhausted",
            "MailrouteLlmCircuitOpen", "MailrouteBacklogGrowing",
            "MailrouteNoMailDuringBusinessHours"}


def _promtool(promtool: str, *args: str, cwd: Path = REPO) -> subprocess.CompletedProcess:
    return subprocess.run([promtool, *args], cwd=cwd, capture_output=True, text=True,
                          timeout=60)


def test_rules_check(promtool: str):
    result = _promtool(promtool, "check", "rules", str(RULES))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "SUCCESS" in result.stdout


def test_rules_unit_tests_pass(promtool: str):
    result = _promtool(promtool, "test", "rules", str(TESTS))
    assert result.returncode == 0, result.stdout + result.stderr


def test_every_alert_is_documented_and_unit_tested():
    rules = RULES.read_text(encoding="utf-8")
    names = set(re.findall(r"^\s*- alert: (\w+)$", rules, re.M))
    assert names >= REQUIRED
    assert len(re.findall(r"severity: (warning|critical)", rules)) == len(names)
    assert len(re.findall(r"^\s+summary: ", rules, re.M)) == len(names)
    tested = set(re.findall(r"alertname: (\w+)", TESTS.read_text(encoding="utf-8")))
    assert names <= tested, names - tested
    ops = (REPO / "docs" / "operations.md").read_text(encoding="utf-8")
    for name in names:
        assert name in ops, f"{name} is not explained in docs/operations.md"


def test_a_broken_expectation_fails(promtool: str, tmp_path: Path):
    """The unit tests can fail: a wrong expected label set is reported."""
    shutil.copy(RULES, tmp_path / "alerts.yml")
    text = TESTS.read_text().replace("exp_labels: {severity: critical, mailbox: hr}",
                                     "exp_labels: {severity: critical, mailbox: claims}")
    (tmp_path / "alerts_test.yml").write_text(text)
    result = _promtool(promtool, "test", "rules", "alerts_test.yml", cwd=tmp_path)
    assert result.returncode != 0
    assert "MailrouteAuthFailures" in result.stdout + result.stderr
