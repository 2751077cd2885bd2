"""Extraction schemas and local validation of extracted fields (IBAN, dates, amounts).

An admin writes ``rules/schemas/<name>.toml``; the LLM fills the fields, and this module
decides, without trusting the LLM, whether each value is ``ok``, ``invalid`` or ``missing``.
Also the ``fields`` rule condition: ``fields = { amount = "> 10000", currency = "EUR" }``.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

FIELD_TYPES = ("text", "iban", "date", "amount", "currency", "number", "email")
OK, INVALID, MISSING = "ok", "invalid", "missing"

# IBAN lengths per country (SEPA and a few more); an unknown country only gets the checksum.
_IBAN_LENGTHS = {
    "NL": 18, "BE": 16, "DE": 22, "FR": 27, "GB": 22, "LU": 20, "ES": 24, "IT": 27, "AT": 20,
    "CH": 21, "IE": 22, "DK": 18, "SE": 24, "NO": 15, "FI": 18, "PL": 28, "PT": 25,
}
_CURRENCIES = {"EUR", "USD", "GBP", "CHF", "SEK", "NOK", "DKK", "PLN", "JPY", "CAD", "AUD"}
_CURRENCY_SIGNS = {"€": "EUR", "$": "USD", "£": "GBP"}


@dataclass(frozen=True, slots=True)
class FieldSpec:
    name: str
    type: str = "text"
    required: bool = False
    description: str = ""


@dataclass(frozen=True, slots=True)
class ExtractionSchema:
    """One ``rules/schemas/*.toml`` file: which categories, which fields."""

    name: str
    version: str
    categories: tuple[str, ...]
    fields: tuple[FieldSpec, ...]


@dataclass(frozen=True, slots=True)
class FieldValue:
    """A validated field: ``value`` is normalised (ISO date, decimal amount, compact IBAN)."""

    name: str
    value: str | None
    status: str
    detail: str = ""


def parse_schema(name: str, table: Mapping[str, Any], where: str) -> ExtractionSchema:
    """Compile a parsed schema file; raises ValueError naming ``where`` and the key."""
    unknown = set(table) - {"version", "categories", "description", "field"}
    if unknown:
        raise ValueError(f"{where}: {', '.join(sorted(unknown))}: unknown key")
    cats = table.get("categories")
    if not isinstance(cats, list) or not cats or not all(isinstance(c, str) for c in cats):
        raise ValueError(f"{where}: categories: needs a list of category names")
    specs, seen = [], set()
    for i, raw in enumerate(table.get("field") or [], start=1):
        at = f"{where}: field #{i}"
        if not isinstance(raw, dict):
            raise ValueError(f"{at}: must be a [[field]] table")
        bad = set(raw) - {"name", "type", "required", "description"}
        if bad:
            raise ValueError(f"{at}: {', '.join(sorted(bad))}: unknown key")
        fname = raw.get("name")
        if not isinstance(fname, str) or not re.fullmatch(r"[a-z][a-z0-9_]{0,40}", fname):
            raise ValueError(f"{at}: name: lower-case letters, digits and '_' (got {fname!r})")
        if fname in seen:
            raise ValueError(f"{at}: name: {fname!r} used twice")
        seen.add(fname)
        ftype = raw.get("type", "text")
        if ftype not in FIELD_TYPES:
            raise ValueError(f"{at} ({fname}): type: one of {', '.join(FIELD_TYPES)}, "
                             f"not {ftype!r}")
        specs.append(FieldSpec(fname, ftype, bool(raw.get("required", False)),
                               str(raw.get("description", ""))))
    if not specs:
        raise ValueError(f"{where}: field: at least one [[field]] is needed")
    return ExtractionSchema(name, str(table.get("version", "1")), tuple(cats), tuple(specs))


# ---- validators ------------------------------------------------------------------------

def iban_ok(value: str) -> tuple[str | None, str]:
    """Normalised IBAN or (None, why): country length and ISO 7064 mod-97 checksum."""
    iban = re.sub(r"[\s\-]", "", value).upper()
    if not re.fullmatch(r"[A-Z]{2}\d{2}[A-Z0-9]{10,30}", iban):
        return None, "not an IBAN"
    expected = _IBAN_LENGTHS.get(iban[:2])
    if expected and len(iban) != expected:
        return None, f"{iban[:2]} IBAN has {expected} characters, not {len(iban)}"
    digits = "".join(str(int(c, 36)) for c in iban[4:] + iban[:4])
    if int(digits) % 97 != 1:
        return None, "IBAN checksum fails"
    return iban, ""


def parse_date(value: str) -> tuple[str | None, str]:
    """ISO date from ``2026-11-30``, ``30-11-2026``, ``30/11/2026`` or ``30.11.2026``."""
    text = value.strip()
    m = re.fullmatch(r"(\d{4})-(\d{1,2})-(\d{1,2})", text)
    if m:
        y, mo, d = (int(g) for g in m.groups())
    else:
        m = re.fullmatch(r"(\d{1,2})[-/.](\d{1,2})[-/.](\d{4})", text)
        if not m:
            return None, "not a date (use YYYY-MM-DD or DD-MM-YYYY)"
        d, mo, y = (int(g) for g in m.groups())
    try:
        return date(y, mo, d).isoformat(), ""
    except ValueError as exc:
        return None, f"impossible date: {exc}"


def parse_amount(value: str) -> tuple[str | None, str]:
    """A decimal amount from ``1.234,56`` (Dutch), ``1,234.56`` (English) or ``€ 12.50``."""
    text = re.sub(r"[€$£\s]|EUR|USD|GBP", "", value.strip(), flags=re.IGNORECASE)
    text = text.replace("\u00a0", "")
    if not re.fullmatch(r"-?[\d.,]+", text) or not re.search(r"\d", text):
        return None, "not an amount"
    if "," in text and "." in text:
        decimal_sep = "," if text.rfind(",") > text.rfind(".") else "."
    elif "," in text:
        decimal_sep = "," if re.search(r",\d{1,2}$", text) else ""
    elif "." in text:
        # 12.500 is twelve thousand five hundred (Dutch); 12.50 and 12.5 are decimals
        decimal_sep = "" if re.search(r"\.\d{3}$", text) else "."
    else:
        decimal_sep = ""
    thousands = {",", "."} - {decimal_sep}
    for sep in thousands:
        text = text.replace(sep, "")
    if decimal_sep:
        text = text.replace(decimal_sep, ".")
    try:
        amount = Decimal(text)
    except InvalidOperation:
        return None, "not an amount"
    return format(amount.quantize(Decimal("0.01")), "f"), ""


def _validate(spec: FieldSpec, raw: str) -> tuple[str | None, str]:
    if spec.type == "iban":
        return iban_ok(raw)
    if spec.type == "date":
        return parse_date(raw)
    if spec.type == "amount":
        return parse_amount(raw)
    if spec.type == "number":
        try:
            return str(Decimal(raw.strip().replace(",", "."))), ""
        except InvalidOperation:
            return None, "not a number"
    if spec.type == "currency":
        code = _CURRENCY_SIGNS.get(raw.strip(), raw.strip().upper())
        return (code, "") if code in _CURRENCIES else (None, f"unknown currency {raw[:10]!r}")
    if spec.type == "email":
        ok = re.fullmatch(r"[^@\s]+@[^@\s]+\.[^@\s]+", raw.strip())
        return (raw.strip().lower(), "") if ok else (None, "not an e-mail address")
    text = " ".join(raw.split())
    return (text[:500], "") if text else (None, "empty")


def validate_fields(
    schema: ExtractionSchema, raw: Mapping[str, str | None]
) -> tuple[FieldValue, ...]:
    """Every field of ``schema`` with a status; the raw value is kept when invalid."""
    out = []
    for spec in schema.fields:
        value = raw.get(spec.name)
        if value is None or not str(value).strip():
            detail = "required field not found" if spec.required else "not found"
            out.append(FieldValue(spec.name, None, MISSING, detail))
            continue
        normal, problem = _validate(spec, str(value))
        if normal is None:
            out.append(FieldValue(spec.name, str(value)[:200], INVALID, problem))
        else:
            out.append(FieldValue(spec.name, normal, OK))
    return tuple(out)


# ---- the ``fields`` rule condition ------------------------------------------------------

_OPS = (">=", "<=", "!=", "==", ">", "<")
_STATUS = re.compile(r"^is\s+(ok|invalid|missing)$", re.IGNORECASE)


def check_condition(expr: str) -> str:
    """Raise ValueError when ``expr`` is not a valid field condition; return it."""
    text = expr.strip()
    if _STATUS.match(text):
        return expr
    for op in _OPS:
        if text.startswith(op):
            if not text[len(op):].strip():
                raise ValueError(f"{expr!r}: nothing to compare with after {op}")
            return expr
    if not text:
        raise ValueError("empty field condition")
    return expr


def _number(text: str) -> Decimal | None:
    try:
        return Decimal(text)
    except InvalidOperation:
        return None


def field_matches(expr: str, field: FieldValue | None) -> tuple[bool, str]:
    """``"is ok|invalid|missing"``, ``"> 10000"`` (numbers or ISO dates), or equality."""
    text = expr.strip()
    status = field.status if field else MISSING
    m = _STATUS.match(text)
    if m:
        return status == m.group(1).lower(), status
    if field is None or status != OK or field.value is None:
        return False, status
    value = field.value
    for op in _OPS:
        if text.startswith(op):
            other = text[len(op):].strip()
            left, right = _number(value), _number(other)
            if left is None or right is None:  # ISO dates and text compare as strings
                left, right = value.lower(), other.lower()  # type: ignore[assignment]
            ok = {">": left > right, "<": left < right, ">=": left >= right,
                  "<=": left <= right, "==": left == right, "!=": left != right}[op]
            return ok, value
    return value.lower() == text.lower(), value
