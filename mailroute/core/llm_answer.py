"""Validate what the LLM answered. Anything unexpected becomes a reason for a human.

The answer can only ever name a label from the configured list; it never carries an
action, an address, a folder or a template, so nothing in it can add one.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from .llm_prompt import UNSURE


@dataclass(frozen=True, slots=True)
class Verdict:
    """The LLM's routing answer after validation. ``label`` is set only when ``code == ok``."""

    code: str  # ok | unsure | invalid_label | malformed | refused | empty
    label: str | None = None
    detail: str = ""


def _object(text: str | None) -> tuple[dict[str, Any] | None, str]:
    if not text or not text.strip():
        return None, "empty answer"
    try:
        value = json.loads(text)
    except json.JSONDecodeError as exc:
        return None, f"not JSON: {exc.msg} at {exc.pos}"
    if not isinstance(value, dict):
        return None, f"not a JSON object but {type(value).__name__}"
    return value, ""


def check_label(text: str | None, labels: Sequence[str], refusal: str | None = None) -> Verdict:
    """Accept a label from ``labels`` only; everything else is an exception code.

    Details are fixed texts: model output never reaches a reason, folder or address.
    """
    if refusal:
        return Verdict("refused", detail="the model refused to answer")
    obj, problem = _object(text)
    if obj is None:
        return Verdict("empty" if problem == "empty answer" else "malformed", detail=problem)
    label = obj.get("label")
    if not isinstance(label, str):
        return Verdict("malformed", detail="no string 'label' in the answer")
    if label == UNSURE:
        return Verdict("unsure", detail="the model is not sure")
    if label not in labels:
        # not echoed: the answer may carry injected text (audit_full_text keeps it)
        return Verdict("invalid_label", detail="the label is not a configured category")
    return Verdict("ok", label=label)


def check_summary(text: str | None, max_chars: int = 2000) -> tuple[str | None, str]:
    """(summary, "") or (None, problem)."""
    obj, problem = _object(text)
    if obj is None:
        return None, problem
    summary = obj.get("summary")
    if not isinstance(summary, str) or not summary.strip():
        return None, "no 'summary' text in the answer"
    return summary.strip()[:max_chars], ""


def check_fields(
    text: str | None, names: Sequence[str]
) -> tuple[dict[str, str | None] | None, str]:
    """The raw field values by name (unknown keys dropped), or (None, problem)."""
    obj, problem = _object(text)
    if obj is None:
        return None, problem
    out: dict[str, str | None] = {}
    for name in names:
        value = obj.get(name)
        if value is None or isinstance(value, str):
            out[name] = value
        elif isinstance(value, int | float) and not isinstance(value, bool):
            out[name] = str(value)
        else:
            out[name] = None
    return out, ""


@dataclass(frozen=True, slots=True)
class Fallback:
    """What the LLM tier made of a message the classifier was unsure about.

    Either ``classification`` (tier ``llm``) or an exception ``code`` with ``reason``;
    ``wait`` asks the pipeline to retry later instead of deciding now (endpoint down and
    ``on_unavailable = "retry"``).
    """

    classification: Any = None
    code: str = ""
    reason: str = ""
    wait: bool = False
