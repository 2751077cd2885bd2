"""`mailroute train --from-imap`: learn how a team files its mail, on a real Dovecot."""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest
from click.testing import CliRunner

from mailroute.cli import main
from mailroute.config import load_config
from mailroute.errors import SourceError

from .classifier_fixtures import labelled_mail
from .dovecot import PASSWORD_ENV, Dovecot, write_imap_project

FOLDERS = {"Finance/Invoices": "invoice", "Claims": "claim", "HR/Applications": "job_application"}


@pytest.fixture(autouse=True)
def _password(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(PASSWORD_ENV, "secret")


@pytest.fixture
def filed(dovecot: Dovecot, imap_user: tuple[str, str], tmp_path: Path) -> Path:
    """A mailbox whose team filed 5 messages in each of three folders (and 2 left in INBOX)."""
    user, password = imap_user
    client = dovecot.client(user, password)
    rng = random.Random(3)
    try:
        for i, (folder, label) in enumerate(FOLDERS.items()):
            name = folder.replace("/", ".")  # Dovecot's Maildir++ delimiter
            client.create_folder(name)
            for j in range(5):
                client.append(name, labelled_mail(label, i * 10 + j, rng)[0])
        for j in range(2):
            client.append("INBOX", labelled_mail("general_question", 90 + j, rng)[0])
    finally:
        client.logout()
    return write_imap_project(tmp_path, dovecot, user)


def test_train_from_imap_folders(filed: Path, dovecot: Dovecot, imap_user) -> None:
    result = CliRunner().invoke(
        main, ["-c", str(filed), "train", "--from-imap", "shared",
               "--folders", "Finance/*, HR/*,Claims"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    models = filed.parent / "models"
    version = (models / "current").read_text().strip()
    meta = json.loads((models / version / "metadata.json").read_text())
    assert meta["labels"] == sorted(FOLDERS)  # folder paths with "/", INBOX not matched
    assert meta["n_train"] == 15
    assert meta["source"] == "imap:shared:Finance/*, HR/*,Claims"
    # reading was read-only: nothing got \\Seen
    client = dovecot.client(*imap_user)
    try:
        client.select_folder("Claims", readonly=True)
        assert client.search("UNSEEN") and len(client.search("UNSEEN")) == 5
    finally:
        client.logout()


def test_no_matching_folder_names_what_exists(filed: Path) -> None:
    from mailroute.adapters.imap_corpus import load_from_imap

    cfg = load_config(filed).mailbox("shared")
    with pytest.raises(SourceError, match=r"no folder matches 'Sales/\*'; folders are: .*"
                                          r"Finance/Invoices"):
        load_from_imap(cfg, ["Sales/*"])


def test_from_imap_needs_an_imap_mailbox(filed: Path) -> None:
    result = CliRunner().invoke(main, ["-c", str(filed), "train", "--from-imap", "nope"])
    assert result.exit_code == 2
    assert "no mailbox named 'nope'" in result.stderr
