"""What the LLM tier costs in throughput, and whether slow LLM calls stall a mailbox.

    python bench/llm_overhead.py [--messages 300] [--slow-messages 40] [--concurrency 4]

Runs the real pipeline (store, Maildir, rules, the ``openai`` client) against the loopback
OpenAI-compatible test server. The cheap tier is a fixed classifier, so the share of mail
sent to the LLM is exact: messages whose subject is marked get a low confidence.

1. Instant server: messages/second with 0 %, 20 % and 100 % of mail sent to the LLM.
2. 1-second simulated LLM latency, 20 % of mail to the LLM: concurrency 1 (everything on
   the mailbox thread) against the configured default (LLM-bound messages in the pool).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from mailroute.adapters.sources.maildir import deliver  # noqa: E402
from mailroute.runner import process_all  # noqa: E402
from tests.conftest import make_mail  # noqa: E402
from tests.llm_helpers import make_world  # noqa: E402
from tests.openai_server import FakeOpenAI  # noqa: E402

MARK = "[needs-llm]"


def run(messages: int, llm_share: float, latency: float, concurrency: int) -> dict:
    server = FakeOpenAI().start()
    server.label, server.latency = "complaint", latency
    with tempfile.TemporaryDirectory(prefix="mailroute-bench-") as tmp:
        world = make_world(Path(tmp), server, confidence=0.95)
        world.classifier.by_subject = {MARK: ("general_question", 0.3)}
        every = round(1 / llm_share) if llm_share else 0
        n_llm = 0
        for i in range(messages):
            slow = bool(every) and i % every == 0
            n_llm += slow
            subject = f"{MARK} vraag {i}" if slow else f"Schademelding {i}"
            deliver(world.source.root, make_mail(subject=subject, body=f"Bericht nummer {i}."))
        pool = ThreadPoolExecutor(concurrency) if concurrency > 1 else None
        started = time.perf_counter()
        done = process_all(world.pipeline, world.source, pool)
        elapsed = time.perf_counter() - started
        if pool:
            pool.shutdown()
        tiers = dict(world.store.db.execute(
            "SELECT tier, COUNT(*) FROM messages GROUP BY tier").fetchall())
        world.close()
    server.stop()
    assert done == messages, (done, messages)
    return {"messages": messages, "llm": n_llm, "latency": latency,
            "concurrency": concurrency, "seconds": elapsed, "rate": messages / elapsed,
            "tiers": tiers}


def show(title: str, rows: list[dict]) -> None:
    print(f"\n{title}")
    print(f"{'messages':>8} {'to LLM':>7} {'LLM latency':>11} {'concurrency':>11} "
          f"{'seconds':>8} {'msg/s':>8}  tiers")
    for r in rows:
        print(f"{r['messages']:>8} {r['llm']:>7} {r['latency']:>10.1f}s {r['concurrency']:>11} "
              f"{r['seconds']:>8.2f} {r['rate']:>8.1f}  {r['tiers']}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--messages", type=int, default=300)
    parser.add_argument("--slow-messages", type=int, default=40)
    parser.add_argument("--concurrency", type=int, default=4,
                        help="the pool size to compare with 1 ([llm] concurrency default: 4)")
    args = parser.parse_args()
    show("Instant LLM server (mailbox thread only)",
         [run(args.messages, share, 0.0, 1) for share in (0.0, 0.2, 1.0)])
    show(f"Instant LLM server, concurrency {args.concurrency}",
         [run(args.messages, share, 0.0, args.concurrency) for share in (0.2, 1.0)])
    show("1 s simulated LLM latency, 20 % of mail to the LLM",
         [run(args.slow_messages, 0.2, 1.0, c) for c in (1, args.concurrency)])


if __name__ == "__main__":
    main()
