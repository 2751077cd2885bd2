"""Config loading: every mistake stops start-up with one message naming file and key."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from mailroute.cli import main
from mailroute.config import Secret, load_config
from mailroute.errors import ConfigError

REPO = Path(__file__).resolve().parent.parent


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "config.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_shipped_config_is_valid_and_resolves_paths_against_its_folder():
    config = load_config(REPO / "config.toml")
    assert config.mailboxes[0].type == "maildir"
    assert config.store.path == REPO / "var" / "mailroute.db"
    assert config.rules.dir == REPO / "rules"
    assert config.metrics.host == "127.0.0.1"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("[metrics]\nprot = 9000\n", "config.toml: metrics.prot: unknown key"),
        ("[metrics]\nport = 'abc'\n", "metrics.port: Input should be a valid integer"),
        ("[classifier]\nthreshold = 1.5\n", "classifier.threshold: Input should be less than"),
        ("[[mailboxes]]\ntype = 'maildir'\nname = 'x'\n", "mailboxes[0].path: required key"),
        ("[[mailboxes]]\ntype = 'pop3'\nname = 'x'\n", "mailboxes[0]: Input tag 'pop3'"),
        ("[daemon]\nlog_format = 'xml'\n", "daemon.log_format: Input should be 'text' or 'json'"),
        ("[colour]\nx = 1\n", "colour: unknown key"),
        ("[metrics\n", "not valid TOML"),
        (
            "[[mailboxes]]\ntype='maildir'\nname='a'\npath='a'\n"
            "[[mailboxes]]\ntype='maildir'\nname='a'\npath='b'\n",
            "duplicate name(s): a",
        ),
    ],
)
def test_config_errors_name_file_and_key(tmp_path: Path, text: str, expected: str):
    path = write(tmp_path, text)
    with pytest.raises(ConfigError) as info:
        load_config(path)
    assert expected in str(info.value)
    assert str(path) in str(info.value)


def test_missing_file(tmp_path: Path):
    with pytest.raises(ConfigError, match="config file not found"):
        load_config(tmp_path / "nope.toml")


def test_inline_secret_is_refused_without_echoing_it(tmp_path: Path):
    path = write(tmp_path, "[smtp]\npassword = 'hunter2'\n")
    with pytest.raises(ConfigError) as info:
        load_config(path)
    assert "smtp.password: secrets may not be written in the config file" in str(info.value)
    assert "hunter2" not in str(info.value)


def test_secret_from_env_and_file_never_shows_its_value(tmp_path, monkeypatch):
    monkeypatch.setenv("MR_TEST_SECRET", "s3cret-env")
    secret = Secret(env="MR_TEST_SECRET")
    assert secret.reveal().get_secret_value() == "s3cret-env"
    assert "s3cret" not in repr(secret.reveal()) and "s3cret" not in repr(secret)
    (tmp_path / "pw").write_text("s3cret-file\n")
    assert Secret(file=tmp_path / "pw").reveal().get_secret_value() == "s3cret-file"
    with pytest.raises(ValueError, match="MR_TEST_MISSING is not set"):
        Secret(env="MR_TEST_MISSING").reveal()
    with pytest.raises(ValueError, match="exactly one of"):
        Secret()


def test_cli_reports_config_error_and_exits_nonzero(tmp_path: Path):
    path = write(tmp_path, "[metrics]\nprot = 9000\n")
    result = CliRunner().invoke(main, ["-c", str(path), "config", "check"])
    assert result.exit_code == 2
    assert "metrics.prot: unknown key" in result.output


def test_cli_config_check_ok():
    result = CliRunner().invoke(main, ["-c", str(REPO / "config.toml"), "config", "check"])
    assert result.exit_code == 0, result.output
    assert '"threshold": 0.6' in result.output
