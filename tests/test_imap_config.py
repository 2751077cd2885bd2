"""IMAP mailbox config and the pure name mappings (no server needed)."""

from __future__ import annotations

import pytest

from mailroute.adapters.sources.imap import ImapSource
from mailroute.adapters.sources.imap_names import (
    keyword_for,
    parse_source_id,
    server_folder,
    tag_for,
)
from mailroute.adapters.store import Store
from mailroute.config.imap import ImapMailbox, is_loopback
from mailroute.config.load import parse_config
from mailroute.errors import ConfigError
from mailroute.wiring import build_source

PASSWORD = {"env": "IMAP_PASSWORD"}


def _config(**box: object):
    mailbox = {"type": "imap", "name": "shared", "host": "imap.example.nl",
               "username": "triage", "password": PASSWORD, **box}
    return parse_config({"mailboxes": [mailbox]}, "config.toml")


def test_defaults_and_ports() -> None:
    box = _config().mailboxes[0]
    assert isinstance(box, ImapMailbox)
    assert (box.tls, box.server_port, box.folders, box.mark_seen, box.idle) == (
        "implicit", 993, ["INBOX"], False, True)
    assert box.create_folders and box.batch_size == 100
    assert box.timeouts.idle_renew < 29 * 60
    assert _config(tls="starttls").mailboxes[0].server_port == 143
    assert _config(tls="starttls", port=1143).mailboxes[0].server_port == 1143


def test_plain_is_refused_for_a_remote_host() -> None:
    with pytest.raises(ConfigError) as err:
        _config(tls="plain")
    text = str(err.value)
    assert text.startswith("config.toml: mailboxes[0]: ")
    assert "only allowed for a loopback host" in text and "'imap.example.nl'" in text
    for host in ("127.0.0.1", "localhost", "::1", "127.0.0.2"):
        assert _config(tls="plain", host=host).mailboxes[0].tls == "plain"


@pytest.mark.parametrize(("host", "loopback"), [
    ("127.0.0.1", True), ("[::1]", True), ("LOCALHOST", True), ("10.0.0.1", False),
    ("imap.example.nl", False), ("localhost.evil.example", False),
])
def test_is_loopback(host: str, loopback: bool) -> None:
    assert is_loopback(host) is loopback


def test_login_needs_exactly_one_method() -> None:
    with pytest.raises(ConfigError, match="exactly one of password"):
        _config(password=None)
    with pytest.raises(ConfigError, match="exactly one of password"):
        _config(oauth2={"token_file": "/run/token"})
    with pytest.raises(ConfigError, match=r"mailboxes\[0\]\.oauth2: .*exactly one of token_comm"):
        _config(password=None, oauth2={})
    box = _config(password=None, oauth2={"token_command": ["get-token", "--for", "imap"]})
    assert box.mailboxes[0].oauth2.token_command == ["get-token", "--for", "imap"]


def test_errors_name_the_key() -> None:
    with pytest.raises(ConfigError, match=r"mailboxes\[0\]\.idle_seconds: unknown key"):
        _config(idle_seconds=5)
    with pytest.raises(ConfigError, match=r"mailboxes\[0\]\.timeouts\.idle_renew: .*1740"):
        _config(timeouts={"idle_renew": 3600})
    with pytest.raises(ConfigError, match=r"mailboxes\[0\]\.password: secrets may not"):
        _config(password="hunter2")
    with pytest.raises(ConfigError, match="listed twice"):
        _config(folders=["INBOX", "INBOX"])


def test_wiring_builds_an_imap_source(tmp_path) -> None:
    config = _config(exceptions_folder="Human")
    store = Store(tmp_path / "store.db")
    try:
        source = build_source(config.mailboxes[0], config, store)
        assert isinstance(source, ImapSource)
        assert (source.name, source.exceptions_folder) == ("shared", "Human")
        source.close()  # never connected: closing is harmless
    finally:
        store.close()


@pytest.mark.parametrize(("tag", "keyword"), [
    ("invoice", "$Invoice"), ("policy-change", "$Policy-change"), ("hr", "$Hr"),
    ("$Junk", "$Junk"), ("v1.2", "$V1.2"), ("naïef", None), ("", None), ("$", None),
])
def test_tag_keyword_mapping(tag: str, keyword: str | None) -> None:
    assert keyword_for(tag) == keyword
    if keyword and not tag.startswith("$"):
        assert tag_for(keyword) == tag


def test_server_folder_names() -> None:
    assert server_folder("Finance/Invoices") == "Finance.Invoices"
    assert server_folder("Finance/Invoices", "INBOX", "/") == "INBOX/Finance/Invoices"
    assert server_folder("Claims", "inbox/", ".") == "INBOX.Claims"
    assert server_folder("Claims", "", None) == "Claims"


def test_source_ids() -> None:
    assert parse_source_id("1796406348:17") == (1796406348, 17)
    for bad in ("17", "a:1", "1:", ":1", "1:2:3"):
        assert parse_source_id(bad) is None


def test_token_command_failures_are_auth_errors(tmp_path) -> None:
    from mailroute.adapters.sources.imap_connect import read_token
    from mailroute.config.imap import ImapOAuth2
    from mailroute.errors import AuthError

    ok = ImapOAuth2(token_command=["sh", "-c", "echo ' tok3n '"])
    assert read_token("m", ok, 5) == "tok3n"
    failing = ImapOAuth2(token_command=["sh", "-c", "echo refresh token expired >&2; exit 3"])
    with pytest.raises(AuthError, match=r"mailbox m: oauth2\.token_command 'sh' exited with 3: "
                                        r"refresh token expired"):
        read_token("m", failing, 5)
    with pytest.raises(AuthError, match="empty token"):
        read_token("m", ImapOAuth2(token_command=["true"]), 5)
    with pytest.raises(AuthError, match=r"cannot read oauth2.token_file .*missing"):
        read_token("m", ImapOAuth2(token_file=tmp_path / "missing"), 5)
