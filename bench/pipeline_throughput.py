"""Messages per second for mailroute processing a local Maildir end to end.

    python bench/pipeline_throughput.py [--messages 1000] [--corpus samples/corpus]

Builds a temporary project (shipped rules, a model trained from the corpus), delivers N
messages (the corpus cycled, each with a fresh Message-ID) into a Maildir, then times
``mailroute run --once`` in-process: fetch, parse, classify, rules, move/tag, record.
Also prints the parse-only and classify-only rates on the same messages for comparison.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
from pathlib import Path

from prometheus_client import CollectorRegistry

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from mailroute.adapters.corpus import load_labelled  # noqa: E402
from mailroute.adapters.model_files import data_hash, save_model  # noqa: E402
from mailroute.adapters.sources.maildir import deliver  # noqa: E402
from mailroute.config import load_config  # noqa: E402
from mailroute.core.classify import train  # noqa: E402
from mailroute.core.message import RawMail  # noqa: E402
from mailroute.core.parse import parse  # noqa: E402
from mailroute.daemon import process_available  # noqa: E402
from mailroute.wiring import build_app  # noqa: E402


def fresh_id(data: bytes, n: int) -> bytes:
    head, sep, body = data.partition(b"\n\n")
    lines = [ln for ln in head.split(b"\n") if not ln.lower().startswith(b"message-id:")]
    return b"\n".join([f"Message-ID: <bench-{n}@bench.example>".encode(), *lines]) + sep + body


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--messages", type=int, default=1000)
    parser.add_argument("--corpus", type=Path, default=REPO / "samples" / "corpus")
    args = parser.parse_args()

    items = load_labelled(args.corpus)
    with tempfile.TemporaryDirectory(prefix="mailroute-bench-") as tmp:
        project = Path(tmp)
        shutil.copytree(REPO / "rules", project / "rules")
        config = (REPO / "config.toml").read_text().replace("port = 9464", "port = 0")
        config = config.replace('log_level = "INFO"', 'log_level = "WARNING"')
        (project / "config.toml").write_text(config)

        started = time.perf_counter()
        pipeline, report = train([parse(raw) for _, raw in items], [lbl for lbl, _ in items])
        save_model(pipeline, report, project / "models", source=str(args.corpus),
                   dataset_hash=data_hash([(lbl, raw.data) for lbl, raw in items]))
        train_s = time.perf_counter() - started

        raws = [fresh_id(items[i % len(items)][1].data, i) for i in range(args.messages)]
        root = project / "var" / "maildir"
        for data in raws:
            deliver(root, data)
        size_mb = sum(map(len, raws)) / 1e6

        started = time.perf_counter()
        parsed = [parse(RawMail("b", "INBOX", str(i), d)) for i, d in enumerate(raws)]
        parse_s = time.perf_counter() - started

        app = build_app(load_config(project / "config.toml"), CollectorRegistry())
        model = app.model()
        started = time.perf_counter()
        model.classify_many(parsed)
        batch_s = time.perf_counter() - started
        started = time.perf_counter()
        for msg in parsed[:300]:
            model.classify(msg)
        single_s = (time.perf_counter() - started) / min(300, len(parsed)) * len(parsed)

        started = time.perf_counter()
        count = process_available(app)
        total_s = time.perf_counter() - started
        statuses = app.store.counts()
        app.close()

    n = args.messages
    print(f"corpus: {len(items)} labelled messages; bench set: {n} messages, {size_mb:.1f} MB")
    print(f"train (held-out split + final fit): {train_s:6.1f} s, "
          f"held-out accuracy {report.accuracy:.3f}, macro-F1 {report.macro_f1:.3f}")
    print(f"parse only (mail-parser):           {n / parse_s:8.0f} msg/s")
    print(f"classify, batch:                    {n / batch_s:8.0f} msg/s")
    print(f"classify, one at a time:            {n / single_s:8.0f} msg/s")
    print(f"end to end (run --once):            {count / total_s:8.0f} msg/s "
          f"({count} messages in {total_s:.1f} s; outcomes {statuses})")


if __name__ == "__main__":
    main()
