"""Pseudonymise personal data before a text leaves for the LLM; restore it in the answer.

E-mail addresses, IBANs, Dutch BSNs (only numbers passing the 11-check), phone numbers and
Dutch postcodes become placeholders such as ``[EMAIL_1]``. The same value gets the same
placeholder within one text, so the answer can refer to it and be restored exactly.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field


def bsn_ok(digits: str) -> bool:
    """The Dutch BSN 11-check (weights 9..2 and -1) on 9 digits."""
    if not re.fullmatch(r"\d{9}", digits) or digits == "000000000":
        return False
    total = sum(int(d) * w for d, w in zip(digits[:8], range(9, 1, -1), strict=True))
    return (total - int(digits[8])) % 11 == 0


def _always(_: str) -> bool:
    return True


# Order matters: IBANs and e-mail addresses before the number patterns inside them.
_PATTERNS: tuple[tuple[str, re.Pattern[str], Callable[[str], bool]], ...] = (
    ("EMAIL", re.compile(r"[\w.+\-]+@[\w\-]+(?:\.[\w\-]+)+"), _always),
    ("IBAN", re.compile(r"\b[A-Z]{2}\d{2}(?: ?[A-Z0-9]{4}){2,7}(?: ?[A-Z0-9]{1,3})?\b"), _always),
    ("BSN", re.compile(r"(?<![\d\-+])\d{9}(?![\d\-])|(?<!\d)\d{4}\.\d{2}\.\d{3}(?!\d)"),
     lambda s: bsn_ok(s.replace(".", ""))),
    ("PHONE", re.compile(
        r"(?<![\w+])(?:\+|00)\d{2}[\s\-]?(?:\(0\))?[\s\-]?\d(?:[\s\-]?\d){7,9}(?!\d)"
        r"|(?<![\w+])0\d{1,3}[\s\-]?\d(?:[\s\-]?\d){5,7}(?!\d)"), _always),
    ("POSTCODE", re.compile(r"\b[1-9]\d{3} ?(?!SA|SD|SS)[A-Z]{2}\b"), _always),
)


@dataclass
class Pseudonyms:
    """Placeholder -> original value, built while pseudonymising one or more texts."""

    mapping: dict[str, str] = field(default_factory=dict)
    _reverse: dict[str, str] = field(default_factory=dict)

    def placeholder(self, kind: str, value: str) -> str:
        if value in self._reverse:
            return self._reverse[value]
        n = sum(1 for k in self.mapping if k.startswith(f"[{kind}_")) + 1
        token = f"[{kind}_{n}]"
        self.mapping[token] = value
        self._reverse[value] = token
        return token


def pseudonymize(text: str, names: Pseudonyms | None = None) -> tuple[str, Pseudonyms]:
    """Replace personal data in ``text``; returns the new text and the mapping to restore it."""
    names = names or Pseudonyms()
    for kind, pattern, valid in _PATTERNS:
        def swap(m: re.Match[str], kind: str = kind,
                 valid: Callable[[str], bool] = valid) -> str:
            return names.placeholder(kind, m.group(0)) if valid(m.group(0)) else m.group(0)

        text = pattern.sub(swap, text)
    return text, names


def restore(text: str, mapping: Mapping[str, str]) -> str:
    """Put the original values back where the answer kept a placeholder."""
    if not mapping:
        return text
    pattern = re.compile("|".join(re.escape(k) for k in sorted(mapping, key=len, reverse=True)))
    return pattern.sub(lambda m: mapping[m.group(0)], text)
