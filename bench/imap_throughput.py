"""Messages per second reading an IMAP folder: raw fetch+parse vs mailroute end to end.

    python bench/imap_throughput.py [--messages 5000] [--batch 100] [--tls] [--profile]

Starts a private Dovecot on loopback (tests/dovecot.py; needs the dovecot-imapd package),
appends N realistic 5-20 KB messages (the sample corpus cycled, each with a fresh
Message-ID, padded with quoted history and a disclaimer) to INBOX, then measures on that
same folder:

  (a) raw:  UID FETCH BODY.PEEK[] in batches + mailparser.parse_from_bytes per message
  (b) e2e:  mailroute processing it (fetch, parse, classify, rules, tag/move, record),
            with the shipped rules and a model trained from the corpus

and prints both rates and (b)/(a). ``--profile`` runs (b) under cProfile and prints the top
functions by cumulative and by own time, to show where the time goes.
"""

from __future__ import annotations

import argparse
import cProfile
import email
import email.policy
import io
import os
import pstats
import random
import shutil
import ssl
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

import mailparser  # noqa: E402
from imapclient import IMAPClient  # noqa: E402
from prometheus_client import CollectorRegistry  # noqa: E402

from mailroute.adapters.corpus import load_labelled  # noqa: E402
from mailroute.adapters.model_files import data_hash, save_model  # noqa: E402
from mailroute.config import load_config  # noqa: E402
from mailroute.core.classify import train  # noqa: E402
from mailroute.core.message import RawMail  # noqa: E402
from mailroute.core.parse import parse  # noqa: E402
from mailroute.daemon import process_available  # noqa: E402
from mailroute.wiring import build_app  # noqa: E402
from tests.dovecot import PASSWORD_ENV, Dovecot  # noqa: E402

DISCLAIMER = (
    "Dit bericht is uitsluitend bestemd voor de geadresseerde. Indien u dit bericht "
    "onterecht ontvangt, wordt u verzocht de inhoud niet te gebruiken en de afzender direct "
    "te informeren door het bericht te retourneren. This e-mail is intended only for the "
    "addressee. If you received it in error, please notify the sender and delete it. "
)


def realistic(data: bytes, n: int, rng: random.Random) -> bytes:
    """A fresh Message-ID and padding to 5-20 KB: quoted earlier mail plus a disclaimer."""
    msg = email.message_from_bytes(data, policy=email.policy.default)
    del msg["Message-ID"]
    msg["Message-ID"] = f"<bench-{n}@bench.example>"
    target = rng.randint(5_000, 20_000)
    body = msg.get_body(("plain",))
    if body is not None and len(data) < target:
        text = body.get_content()
        quoted = "\n".join("> " + line for line in text.splitlines())
        pad = []
        while len(text) + sum(map(len, pad)) < target - 600:
            pad.append(f"\n\nOp {rng.randint(1, 28)}-{rng.randint(1, 12)}-2026 schreef "
                       f"klantenservice:\n{quoted}\n\n{DISCLAIMER}")
        body.set_content(text + "".join(pad))
    return msg.as_bytes(policy=email.policy.SMTP)


def raw_rate(server: Dovecot, user: str, password: str, batch: int,
             tls: bool) -> tuple[int, float]:
    if tls:
        context = ssl.create_default_context(cafile=str(server.cert))
        client = IMAPClient(server.host, server.ssl_port, ssl=True, ssl_context=context)
        client.login(user, password)
    else:
        client = server.client(user, password)
    client.select_folder("INBOX", readonly=True)
    started = time.perf_counter()
    uids = client.search(["ALL"])
    count = 0
    for start in range(0, len(uids), batch):
        items = client.fetch(uids[start:start + batch], ["BODY.PEEK[]", "INTERNALDATE"])
        for item in items.values():
            mailparser.parse_from_bytes(item[b"BODY[]"])
            count += 1
    elapsed = time.perf_counter() - started
    client.logout()
    return count, elapsed


def instrument(source) -> dict[str, float]:
    """Time spent inside the source's fetches and actions (wall clock, no profiler)."""
    spent: dict[str, float] = {"fetch": 0.0, "apply": 0.0, "actions": 0, "commands": 0}
    fetch_batches, apply_batch = source.fetch_batches, source.apply_batch

    def timed_fetch_batches():
        iterator = iter(fetch_batches())
        while True:
            started = time.perf_counter()
            try:
                batch = next(iterator)
            except StopIteration:
                spent["fetch"] += time.perf_counter() - started
                return
            spent["fetch"] += time.perf_counter() - started
            yield batch

    def timed_apply_batch(items):
        started = time.perf_counter()
        try:
            return apply_batch(items)
        finally:
            took = time.perf_counter() - started
            spent["apply"] += took
            spent["actions"] += len(items)
            spent["commands"] += 1
            for kind in {action.kind for _, action in items}:
                share = took * sum(a.kind == kind for _, a in items) / len(items)
                spent[kind] = spent.get(kind, 0.0) + share
                spent[f"n_{kind}"] = spent.get(f"n_{kind}", 0) + sum(
                    a.kind == kind for _, a in items)

    source.fetch_batches, source.apply_batch = timed_fetch_batches, timed_apply_batch
    return spent


def write_config(project: Path, server: Dovecot, user: str, batch: int, tls: bool) -> Path:
    port, mode = (server.ssl_port, "implicit") if tls else (server.port, "plain")
    text = f"""
[daemon]
log_level = "WARNING"
[store]
path = "var/mailroute.db"
[classifier]
models_dir = "models"
[rules]
dir = "rules"
reload_interval_seconds = 0
[metrics]
enabled = false
[[mailboxes]]
type = "imap"
name = "bench"
host = "127.0.0.1"
port = {port}
tls = "{mode}"
ca_file = "{server.cert}"
username = "{user}"
password = {{ env = "{PASSWORD_ENV}" }}
idle = false
batch_size = {batch}
"""
    (project / "config.toml").write_text(text)
    return project / "config.toml"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--messages", type=int, default=5000)
    parser.add_argument("--batch", type=int, default=100, help="UID FETCH batch size")
    parser.add_argument("--corpus", type=Path, default=REPO / "samples" / "corpus")
    parser.add_argument("--tls", action="store_true", help="implicit TLS instead of plain")
    parser.add_argument("--profile", action="store_true", help="cProfile the end-to-end run")
    args = parser.parse_args()

    items = load_labelled(args.corpus)
    rng = random.Random(4)
    mails = [realistic(items[i % len(items)][1].data, i, rng) for i in range(args.messages)]
    size_mb = sum(map(len, mails)) / 1e6
    base = Path(tempfile.mkdtemp(prefix="mailroute-bench-dovecot-"))
    server = Dovecot.create(base)
    server.start()
    try:
        user, password = server.add_user("bench")
        os.environ[PASSWORD_ENV] = password
        client = server.client(user)
        started = time.perf_counter()
        for start in range(0, len(mails), 100):
            client.multiappend("INBOX", mails[start:start + 100])
        append_s = time.perf_counter() - started
        client.logout()

        raw_n, raw_s = raw_rate(server, user, password, args.batch, args.tls)
        started = time.perf_counter()
        for i, data in enumerate(mails):
            parse(RawMail("bench", "INBOX", str(i), data))
        core_parse_s = time.perf_counter() - started

        project = base / "project"
        project.mkdir()
        shutil.copytree(REPO / "rules", project / "rules")
        model, report = train([parse(raw) for _, raw in items], [lbl for lbl, _ in items])
        save_model(model, report, project / "models", source=str(args.corpus),
                   dataset_hash=data_hash([(lbl, raw.data) for lbl, raw in items]))
        app = build_app(load_config(write_config(project, server, user, args.batch, args.tls)),
                        CollectorRegistry())
        spent = instrument(app.sources[0])
        profiler = cProfile.Profile() if args.profile else None
        started = time.perf_counter()
        if profiler:
            profiler.enable()
        count = process_available(app)
        if profiler:
            profiler.disable()
        e2e_s = time.perf_counter() - started
        outcomes = app.store.counts()
        stages = {stage: (app.registry.get_sample_value(
            "mailroute_stage_seconds_sum", {"stage": stage}) or 0.0)
            for stage in ("parse", "classify", "decide", "act")}
        app.close()
    finally:
        server.kill()
        shutil.rmtree(base, ignore_errors=True)

    n = args.messages
    raw_rate_v, e2e_rate = raw_n / raw_s, count / e2e_s
    print(f"{n} messages, {size_mb:.1f} MB ({size_mb * 1e6 / n / 1e3:.1f} KB average), "
          f"batch {args.batch}, {'implicit TLS' if args.tls else 'plain'} loopback")
    print(f"append (MULTIAPPEND 100):                {n / append_s:8.0f} msg/s")
    print(f"(a) raw UID FETCH BODY.PEEK[] + parse:   {raw_rate_v:8.0f} msg/s "
          f"({raw_n} in {raw_s:.1f} s)")
    print(f"    mailroute's parse alone (no IMAP):   {n / core_parse_s:8.0f} msg/s")
    print(f"(b) mailroute end to end:                {e2e_rate:8.0f} msg/s "
          f"({count} in {e2e_s:.1f} s; outcomes {outcomes})")
    print(f"(b)/(a): {e2e_rate / raw_rate_v:.0%} (goal >= 70%)")
    rest = e2e_s - spent["fetch"] - spent["apply"]
    print(f"(b) per message: IMAP fetch {spent['fetch'] / count * 1e3:.2f} ms, IMAP actions "
          f"{spent['apply'] / count * 1e3:.2f} ms ({spent['actions']} actions in "
          f"{spent['commands']} batches), pipeline "
          f"(parse, classify, rules, store) {rest / count * 1e3:.2f} ms")
    print("    pipeline stages per message: " + ", ".join(
        f"{stage} {seconds / count * 1e3:.2f} ms" for stage, seconds in stages.items())
        + " (act includes the IMAP actions; the rest is claiming, recording and finishing)")
    kinds = sorted(k for k in spent if f"n_{k}" in spent)
    print("    per action: " + ", ".join(
        f"{k} {spent[k] / spent[f'n_{k}'] * 1e3:.2f} ms (x{spent[f'n_{k}']})" for k in kinds))
    if profiler:
        for key in ("cumulative", "tottime"):
            out = io.StringIO()
            pstats.Stats(profiler, stream=out).sort_stats(key).print_stats(25)
            print(out.getvalue())


if __name__ == "__main__":
    main()
