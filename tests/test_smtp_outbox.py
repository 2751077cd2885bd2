"""``mailroute outbox``: a person re-queues or resolves sends the sender left failed/uncertain."""

from __future__ import annotations

import json

from click.testing import CliRunner

from mailroute.cli import main
from tests.test_smtp_sender import CUSTOMER, Project


def cli(proj: Project, *args: str):
    return CliRunner().invoke(main, ["-c", str(proj.config_path), "outbox", *args])


def test_failed_send_requeued_by_hand_is_sent(tmp_path, smtpd):
    proj = Project(tmp_path, smtpd.port, "max_attempts = 1")
    smtpd.recorder.data_reply = "554 5.7.1 policy"
    try:
        proj.deliver(subject="Doorsturen bijlage: handwerk")
        proj.queue()
        assert proj.send() == {"failed": 1}
        [row] = proj.sends()
        listed = cli(proj, "list", "--json")
        assert listed.exit_code == 0, listed.output
        [item] = [json.loads(line) for line in listed.output.splitlines()]
        assert (item["id"], item["state"], item["mailbox"]) == (row["id"], "failed", "sample")
        assert "554 5.7.1 policy" in item["error"]

        refused = cli(proj, "requeue", str(row["id"]))
        assert refused.exit_code == 2 and "--reason" in refused.output
        smtpd.recorder.data_reply = ""  # the relay's policy was fixed
        done = cli(proj, "requeue", str(row["id"]), "--reason", "relay policy fixed")
        assert done.exit_code == 0, done.output
        [row] = proj.sends()
        assert (row["state"], row["attempts"]) == ("queued", 0)
        assert "re-queued by" in row["result"] and "relay policy fixed" in row["result"]
        assert proj.send() == {"sent": 1}
        again = cli(proj, "requeue", str(row["id"]), "--reason", "twice?")
        assert again.exit_code == 2
        assert "state is 'done'" in again.output
    finally:
        proj.app.close()


def test_uncertain_reply_resolved_as_delivered(tmp_path, smtpd):
    proj = Project(tmp_path, smtpd.port)
    try:
        proj.deliver(subject="Melding schade", sender=CUSTOMER)
        proj.queue()
        [row] = proj.sends()
        with proj.app.store.transaction() as db:  # as a crash mid-transaction leaves it
            db.execute("UPDATE actions SET state='sending' WHERE id=?", [row["id"]])
        assert proj.app.sender.recover() == 1
        out = cli(proj, "resolve", str(row["id"]), "--delivered",
                  "--reason", "customer confirmed by phone")
        assert out.exit_code == 0, out.output
        [row] = proj.sends()
        assert row["state"] == "done"
        assert "confirmed delivered by" in row["result"]
        assert cli(proj, "list").exit_code == 0
        missing = cli(proj, "resolve", "999", "--dropped", "--reason", "x")
        assert missing.exit_code == 2 and "no forward or reply with this id" in missing.output
    finally:
        proj.app.close()
