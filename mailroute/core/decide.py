"""The decision: (message, classification, rules, policy) -> Decision. Pure and total."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from .classify import Classification
from .fields import FieldValue
from .message import Message
from .rules import Action, Check, Context, Rule, evaluate

ROUTED = "routed"
EXCEPTION = "exception"


@dataclass(frozen=True, slots=True)
class Policy:
    """Thresholds and the exceptions route: the part of config the decision needs."""

    threshold: float = 0.6
    label_thresholds: Mapping[str, float] = field(default_factory=dict)
    exceptions_folder: str = "Exceptions"

    def threshold_for(self, label: str | None) -> float:
        if label is None:
            return self.threshold
        return self.label_thresholds.get(label, self.threshold)


@dataclass(frozen=True, slots=True)
class RuleTrace:
    """How one rule fared, for ``rules test`` and the audit trail."""

    rule: str
    matched: bool
    checks: tuple[Check, ...]
    skipped: str = ""


@dataclass(frozen=True, slots=True)
class Decision:
    """What to do with a message, which rule said so, and why."""

    actions: tuple[Action, ...]
    rule: str
    reason: str
    outcome: str
    tier: str
    trace: tuple[RuleTrace, ...] = ()
    code: str = ""
    """Why a message is an exception, from a fixed set (a bounded metric label)."""

    @property
    def exception(self) -> bool:
        return self.outcome == EXCEPTION





def _ordered(actions: list[Action], notes: list[str]) -> tuple[Action, ...]:
    """Side actions in rule order, then the single terminal action (the first one wins)."""
    side = [a for a in actions if not a.terminal]
    terminal = [a for a in actions if a.terminal]
    for dropped in terminal[1:]:
        notes.append(f"ignored {dropped.describe()} from rule {dropped.rule!r}: already routed")
    unique = list(dict.fromkeys(side))
    return tuple(unique + terminal[:1])


def decide(
    message: Message,
    classification: Classification | None,
    rules: Sequence[Rule],
    policy: Policy,
    *,
    classify_error: str = "",
    fields: Mapping[str, FieldValue] | None = None,
    unsure: tuple[str, str] | None = None,
) -> Decision:
    """Run ``rules`` in order; first match wins unless it says ``continue``.

    Rules that test ``category`` only match a confident classification. When no
    final rule matched and the classification is missing or below its threshold,
    the message goes to the exceptions route; otherwise the default rule applies.
    ``fields`` are extracted fields for ``fields`` conditions; ``unsure`` is an exception
    (code, reason) from the LLM tier that replaces the plain low-confidence reason.
    """
    label = classification.label if classification else None
    threshold = policy.threshold_for(label)
    ctx = Context(message, classification, threshold, dict(fields or {}))
    confident = classification is not None and classification.confidence >= threshold
    collected: list[Action] = []
    trace: list[RuleTrace] = []
    reasons: list[str] = []
    final: Rule | None = None
    for rule in rules:
        if rule.default or rule.context_only:  # context rules only feed the LLM's prompts
            continue
        checks = tuple(evaluate(rule.when, ctx))
        matched = all(c.ok for c in checks)
        trace.append(RuleTrace(rule.name, matched, checks))
        if not matched:
            continue
        collected.extend(rule.actions)
        reasons.append(_why(rule, checks))
        if not rule.continue_:
            final = rule
            break

    if final is not None:
        tier = "rule"
        if final.uses_category() and classification is not None:
            tier = classification.tier
        return _decision(collected, final.name, "; ".join(reasons), tier, trace)

    if not confident:
        if message.unparseable:
            code, why = "unparseable", f"unparseable message ({'; '.join(message.defects[:2])})"
        elif unsure is not None:
            code, why = unsure
        elif classification is None:
            code, why = "not_classified", f"not classified: {classify_error or 'no model'}"
        else:
            code = "low_confidence"
            why = (f"low confidence: {classification.label} {classification.confidence:.2f} "
                   f"< {threshold:.2f}")
        collected.append(Action("exceptions", target=why, rule=""))
        reason = "; ".join([*reasons, why])
        return _decision(collected, "", reason, "rule", trace, code)

    default = next((r for r in rules if r.default), None)
    if default is None:  # compile_rules forbids this; kept total for direct callers
        collected.append(Action("exceptions", target="no default rule", rule=""))
        return _decision(collected, "", "no rule matched", "rule", trace, "no_rule")
    trace.append(RuleTrace(default.name, True, ()))
    collected.extend(default.actions)
    reasons.append(f"{default.name}: default rule")
    tier = classification.tier if classification else "rule"
    return _decision(collected, default.name, "; ".join(reasons), tier, trace)


def _why(rule: Rule, checks: Sequence[Check]) -> str:
    details = ", ".join(f"{c.condition} {c.detail}" for c in checks) or "no conditions"
    return f"{rule.name}: {details}"


def _decision(
    actions: list[Action],
    rule: str,
    reason: str,
    tier: str,
    trace: list[RuleTrace],
    code: str = "",
) -> Decision:
    notes: list[str] = []
    ordered = _ordered(actions, notes)
    outcome = EXCEPTION if any(a.kind == "exceptions" for a in ordered) else ROUTED
    if outcome == EXCEPTION and not code:
        code = "rule"
    if notes:
        reason = f"{reason}; {'; '.join(notes)}"
    return Decision(ordered, rule, reason, outcome, tier, tuple(trace), code)
