"""The shipped service unit passes systemd-analyze verify, with no warnings."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import REPO

INSTALL_PATH = "/opt/mailroute/.venv/bin/mailroute"


@pytest.fixture
def unit(tmp_path: Path) -> Path:
    if shutil.which("systemd-analyze") is None:
        pytest.fail("systemd-analyze missing: run scripts/install-test-deps.sh (make test does)")
    text = (REPO / "systemd" / "mailroute.service").read_text(encoding="utf-8")
    assert INSTALL_PATH in text
    # The unit names the documented install path; point it at this venv's real executable
    # so verify can check it exists and is executable.
    mailroute = Path(sys.executable).with_name("mailroute")
    path = tmp_path / "mailroute.service"
    path.write_text(text.replace(INSTALL_PATH, str(mailroute)), encoding="utf-8")
    return path


def test_unit_verifies_cleanly(unit: Path):
    result = subprocess.run(["systemd-analyze", "verify", str(unit)],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert "mailroute.service" not in result.stderr, result.stderr


def test_unit_is_hardened(unit: Path):
    result = subprocess.run(["systemd-analyze", "security", "--offline=true", str(unit)],
                            capture_output=True, text=True, timeout=60)
    line = [ln for ln in result.stdout.splitlines() if "Overall exposure level" in ln]
    assert line, result.stdout + result.stderr
    score = float(line[0].split(":")[1].split()[0])
    assert score <= 2.5, line[0]
    text = unit.read_text()
    for key in ("User=mailroute", "Restart=on-failure", "NoNewPrivileges=yes",
                "ProtectSystem=strict"):
        assert key in text
