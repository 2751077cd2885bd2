"""Slow LLM calls run in a bounded pool and do not stall the mailbox; exactly once holds."""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
from prometheus_client import CollectorRegistry

from mailroute.adapters.sources.maildir import deliver
from mailroute.config.load import parse_config
from mailroute.errors import ConfigError
from mailroute.runner import LockedSource, process_all
from mailroute.wiring import build_app
from tests.conftest import make_mail, wait_for
from tests.llm_helpers import make_world


def test_slow_llm_messages_run_concurrently_and_each_is_handled_once(tmp_path, openai_server):
    w = make_world(tmp_path, openai_server, confidence=0.95)
    try:
        w.classifier.by_subject = {"unsure": ("claim", 0.3)}
        openai_server.label, openai_server.latency = "complaint", 0.5
        for i in range(8):
            deliver(w.source.root, make_mail(subject=f"{'unsure' if i % 2 else 'clear'} {i}"))
        cheap_first: list[bool] = []

        def cheap_finished() -> bool:
            return w.store.db.execute(
                "SELECT COUNT(*) FROM messages WHERE tier='classifier' AND status='done'"
            ).fetchone()[0] == 4

        # Each LLM answer is held until the cheap messages are finished. Had they waited
        # for the LLM ones (as in one-at-a-time processing), this would time out.
        openai_server.gate = lambda: cheap_first.append(bool(wait_for(cheap_finished)))
        with ThreadPoolExecutor(4) as pool:
            assert process_all(w.pipeline, w.source, pool) == 8
        assert cheap_first == [True] * 4
        # the 4 LLM-bound messages were answered side by side, not one after the other
        assert openai_server.max_in_flight == 4
        rows = list(w.store.db.query("SELECT status, tier, label FROM messages"))
        assert len(rows) == 8 and {r["status"] for r in rows} == {"done"}
        assert sorted(r["tier"] for r in rows) == ["classifier"] * 4 + ["llm"] * 4
        # exactly once: one journal entry per action, every message moved out once
        dupes = list(w.store.db.query(
            "SELECT message, kind, COUNT(*) n FROM actions GROUP BY message, kind HAVING n > 1"))
        assert dupes == []
        assert len(openai_server.requests) == 4
        assert list(w.source.fetch()) == []  # nothing left in the inbox
    finally:
        w.close()


def test_locked_source_serialises_calls(tmp_path):
    class Probe:
        name = "probe"

        def __init__(self):
            self.inside = 0
            self.overlap = False

        def apply(self, raw, action):
            self.inside += 1
            self.overlap |= self.inside > 1
            time.sleep(0.01)  # widen the window an unlocked call would overlap in
            self.inside -= 1
            return "ok"

    probe = Probe()
    locked = LockedSource(probe)  # type: ignore[arg-type]
    threads = [threading.Thread(target=locked.apply, args=(None, None)) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=5)
    assert not probe.overlap and locked.name == "probe"


def test_wiring_builds_the_tier_and_config_errors_name_the_key(tmp_path, openai_server):
    data = {"store": {"path": str(tmp_path / "s.db")},
            "rules": {"dir": str(tmp_path / "rules")},
            "classifier": {"models_dir": str(tmp_path / "models")},
            "llm": {"enabled": True, "base_url": openai_server.base_url, "model": "m",
                    "concurrency": 3}}
    import shutil

    from tests.llm_helpers import REPO
    shutil.copytree(REPO / "rules", tmp_path / "rules")
    app = build_app(parse_config(data, "cfg.toml", tmp_path), CollectorRegistry())
    try:
        assert app.llm is not None and app.pipeline.llm is app.llm
        assert app.llm_pool is not None and app.llm_pool._max_workers == 3
    finally:
        app.close()
    with pytest.raises(ConfigError, match=r"cfg.toml: llm: .*model: required"):
        parse_config({"llm": {"enabled": True}}, "cfg.toml", tmp_path)
    with pytest.raises(ConfigError, match=r"cfg.toml: llm.on_unavailable"):
        parse_config({"llm": {"on_unavailable": "drop"}}, "cfg.toml", tmp_path)
    with pytest.raises(ConfigError, match=r"llm.api_key: secrets may not be written"):
        parse_config({"llm": {"api_key": "sk-123"}}, "cfg.toml", tmp_path)
    assert parse_config({}, "cfg.toml", tmp_path).llm.enabled is False
