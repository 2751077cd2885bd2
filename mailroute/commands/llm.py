"""The LLM tier on the command line: ``mailroute llm check``, and the helpers with which
``rules test`` runs the daemon's LLM steps and ``replay`` reuses stored fields."""

from __future__ import annotations

import json
import logging
import sys
import time
from dataclasses import dataclass, field
from typing import Any

import click
from rich.console import Console
from rich.markup import escape

from ..config import Config
from ..core.classify import Classification
from ..core.fields import FieldValue
from ..core.llm_answer import Fallback
from ..core.message import Message

console = Console(soft_wrap=True, width=None if sys.stdout.isatty() else 200)


# -- rules test: the daemon's LLM steps, watched ---------------------------------------------

@dataclass
class WatchedLlm:
    """Wraps the LLM tier for ``rules test``: the pipeline calls it as in the daemon, and
    this keeps what each step gave so the command can show it."""

    tier: Any
    routed: tuple[Classification | None, Fallback] | None = None
    schema: str = ""
    fields: tuple[FieldValue, ...] = ()
    summary: str | None = None
    summary_asked: bool = False
    calls: list[str] = field(default_factory=list)

    def route(self, message: Message, classification: Classification | None,
              pk: int | None = None) -> Fallback:
        answer = self.tier.route(message, classification, pk)
        self.routed = (classification, answer)
        return answer

    def extract(self, message: Message, label: str, pk: int | None = None
                ) -> tuple[str, tuple[FieldValue, ...]] | None:
        result = self.tier.extract(message, label, pk)
        if result is not None:
            self.schema, self.fields = result
        return result

    def summarize(self, message: Message, pk: int | None = None,
                  label: str | None = None) -> str | None:
        self.summary_asked = True
        self.summary = self.tier.summarize(message, pk, label)
        return self.summary

    def has_schema(self, label: str) -> bool:
        return self.tier.has_schema(label)


def quiet_model_holder(models_dir):
    """A :class:`~mailroute.wiring.ModelHolder` without the daemon's log line when there is
    no model (the commands print ``holder.error`` themselves)."""
    from ..wiring import ModelHolder

    logger = logging.getLogger("mailroute")
    level = logger.level
    logger.setLevel(logging.CRITICAL)
    try:
        return ModelHolder(models_dir)
    finally:
        logger.setLevel(level)


def build_watched_llm(config: Config, store, registry, labels, rules=tuple) -> WatchedLlm:
    """The configured LLM tier (recording its calls in ``store`` like the daemon: they count
    against the budget and use the cache), wrapped for display."""
    from ..adapters.llm.build import build_llm

    tier = build_llm(config, store, registry, labels, rules)
    return WatchedLlm(tier)


def show_llm(watched: WatchedLlm | None, why_not: str, policy) -> None:
    """Print what the LLM steps did (or why there were none)."""
    if watched is None:
        console.print(f"LLM: not called ({escape(why_not)})", highlight=False)
        return
    if watched.routed is None:
        console.print("LLM fallback: not needed (classification confident)", highlight=False)
    else:
        before, answer = watched.routed
        if answer.classification is not None:
            console.print(f"LLM fallback: [bold]{answer.classification.label}[/]", end="")
            was = (f" (classifier: {before.label} {before.confidence:.2f} < "
                   f"{policy.threshold_for(before.label):.2f})" if before else "")
            console.print(was, highlight=False)
        else:
            wait = " (would wait and retry later)" if answer.wait else ""
            console.print(f"LLM fallback: {answer.code}{wait}: {escape(answer.reason)}",
                          highlight=False)
    if watched.schema:
        console.print(f"fields ({watched.schema}):", highlight=False)
        for f in watched.fields:
            value = f.value if f.value is not None else "-"  # printed without markup
            detail = f" ({f.detail})" if f.detail else ""
            console.print(f"  {f.name} = {value}  [{f.status}]{detail}", highlight=False,
                          markup=False)
    else:
        console.print("fields: none extracted", highlight=False)
    if watched.summary_asked:
        console.print(f"summary: {escape(watched.summary) if watched.summary else '(none)'}",
                      highlight=False)


# -- replay: fields as they were stored ------------------------------------------------------

def stored_fields(store, pk: int) -> dict[str, FieldValue]:
    """The fields extracted for message ``pk`` when it was processed (values may be pruned)."""
    rows = store.fields_of(pk)
    return {r["name"]: FieldValue(r["name"], r["value"], r["status"], r["detail"] or "")
            for r in rows}


# -- llm check -------------------------------------------------------------------------------

CHECK_SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {"ok": {"type": "boolean"}, "echo": {"type": "string"}},
    "required": ["ok", "echo"],
    "additionalProperties": False,
}


@dataclass(frozen=True, slots=True)
class CheckResult:
    """What one probe request showed."""

    model: str
    latency: float
    tokens_in: int
    tokens_out: int
    json_ok: bool
    detail: str


def schema_problem(text: str | None, refusal: str | None) -> str:
    """Empty when ``text`` follows :data:`CHECK_SCHEMA`, else what is wrong."""
    if refusal:
        return f"the model refused: {refusal[:100]}"
    if not text:
        return "empty answer"
    try:
        data = json.loads(text)
    except ValueError:
        return f"not JSON: {text[:80]!r}"
    if not isinstance(data, dict):
        return f"JSON, but not an object: {text[:80]!r}"
    missing = [k for k in CHECK_SCHEMA["required"] if k not in data]
    if missing:
        return f"JSON, but the schema is not followed: missing {', '.join(missing)}"
    extra = sorted(set(data) - set(CHECK_SCHEMA["properties"]))
    if extra:
        return f"JSON, but the schema is not followed: extra key(s) {', '.join(extra)}"
    if not isinstance(data["ok"], bool) or not isinstance(data["echo"], str):
        return "JSON, but the schema is not followed: wrong types"
    return ""


def probe(client) -> CheckResult:
    """Send one tiny structured-output request. Raises LlmError / LlmUnavailable."""
    from ..core.llm_prompt import Prompt

    prompt = Prompt(
        purpose="check", template_version="check-1",
        messages=({"role": "system", "content": "You answer with JSON only."},
                  {"role": "user", "content": 'Set ok to true and echo to "mailroute".'}),
        schema_name="check", schema=CHECK_SCHEMA)
    started = time.perf_counter()
    answer = client.complete(prompt)
    latency = time.perf_counter() - started
    problem = schema_problem(answer.text, answer.refusal)
    return CheckResult(answer.model, latency, answer.tokens_in, answer.tokens_out,
                       not problem, problem or "answer follows the JSON schema")


@click.group("llm")
def llm_group() -> None:
    """Try the configured LLM endpoint."""


@llm_group.command("check")
@click.pass_context
def llm_check(ctx: click.Context) -> None:
    """Send one tiny request to the [llm] endpoint; print the model, the latency and whether
    JSON-schema (structured) output works. Exit 0 when it does, 1 when the endpoint answers
    but not in the schema, 2 when it cannot be used."""
    from ..adapters.llm.client import LlmClient, LlmError
    from ..cli import _config, _fail
    from ..errors import ConfigError

    config = _config(ctx)
    cfg = config.llm
    where = config.source_path or ctx.obj["config"]
    if not cfg.model:
        _fail(ConfigError(f"{where}: llm.model: not set (e.g. model = \"qwen2.5:7b-instruct\")"))
    api_key = None
    if cfg.api_key is not None:
        try:
            api_key = cfg.api_key.reveal().get_secret_value()
        except ValueError as exc:
            _fail(ConfigError(f"{where}: llm.api_key: {exc}"))
    client = LlmClient(cfg.base_url, cfg.model, api_key, timeout=cfg.timeout_seconds,
                       max_retries=0, max_tokens=min(cfg.max_tokens, 256))
    console.print(f"endpoint: {cfg.base_url}", highlight=False)
    console.print(f"model: {cfg.model}" + ("" if cfg.enabled else
                                           "  ([llm] enabled = false: the daemon does not "
                                           "use it)"), highlight=False, markup=False)
    try:
        result = probe(client)
    except LlmError as exc:
        _fail(exc)
    finally:
        client.close()
    if result.model and result.model != cfg.model:
        console.print(f"answered by: {result.model}", highlight=False, markup=False)
    console.print(f"latency: {result.latency * 1000:.0f} ms "
                  f"(tokens in {result.tokens_in}, out {result.tokens_out})", highlight=False)
    mark = "[green]works[/]" if result.json_ok else "[red]does not work[/]"
    console.print(f"JSON-schema output: {mark} ({escape(result.detail)})", highlight=False)
    if not result.json_ok:
        sys.exit(1)


