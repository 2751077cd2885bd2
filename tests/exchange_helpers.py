"""What the EWS and Graph tests share: a project without a model, config, restart, and the
check that a sync state waits for its batch."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

from mailroute.adapters.checkpoints import get_checkpoint
from mailroute.daemon import process_available
from mailroute.runner import fetch_in_batches
from mailroute.wiring import App, build_source

from .conftest import REPO


def model_free_project(tmp_path: Path, rules: str) -> Path:
    """The shipped rules and config plus subject rules, without a model: these tests are
    about the mailbox, and loading the sample model would only cost seconds per App."""
    shutil.copytree(REPO / "rules", tmp_path / "rules")
    (tmp_path / "rules" / "05-exchange.toml").write_text(rules, encoding="utf-8")
    config = (REPO / "config.toml").read_text(encoding="utf-8").replace("port = 9464", "port = 0")
    (tmp_path / "config.toml").write_text(config, encoding="utf-8")
    return tmp_path


def write_config(project: Path, mailbox: str, name: str) -> Path:
    """The project's config with its mailboxes replaced by ``mailbox`` and retries due at once."""
    text = (project / "config.toml").read_text(encoding="utf-8")
    head = re.sub(r"(?m)^retry_backoff_seconds\s*=\s*[\d.]+", "retry_backoff_seconds = 0",
                  text.split("[[mailboxes]]")[0])
    path = project / name
    path.write_text(head + mailbox, encoding="utf-8")
    return path


def restart(app: App) -> App:
    """A fresh source over the same store, as after a process restart (the store and the
    server are all that survive). Building a whole new App would only add a model load."""
    for source in app.sources:
        source.close()
    app.sources = [build_source(m, app.config, app.store, app.registry)
                   for m in app.config.mailboxes]
    app.connected.clear()
    return app


def mailbox_statuses(app: App, mailbox: str) -> list[str]:
    return sorted(r["status"] for r in app.store.decisions(mailbox=mailbox, limit=None))


def check_sync_state_waits_for_the_batch(app: App, mailbox: str) -> None:
    """With two messages waiting on the server: the runner holds the whole batch before
    claiming any of it, so the folder's sync state must not move on until it asks for more,
    or a crash here would lose the batch."""
    source = app.sources[0]
    source.connect()
    batches = fetch_in_batches(source)
    assert len(next(batches)) == 2
    assert get_checkpoint(app.store, mailbox, "inbox").state == ""  # not moved on yet

    restarted = restart(app)  # the process dies holding the batch
    assert process_available(restarted) == 2
    assert mailbox_statuses(restarted, mailbox) == ["done", "done"]
    assert get_checkpoint(restarted.store, mailbox, "inbox").state != ""
