"""Labelled corpora on disk, in three layouts.

- folder per label: ``root/<label>/*.eml`` (nested folders join with ``/``);
- Maildir++: ``root/.<Label>/{cur,new}/*`` (``.A.B`` becomes ``A/B``; the inbox is skipped);
- a folder of messages plus ``labels.csv``: a ``path`` column (relative to the CSV's folder),
  a label column (``label`` unless told otherwise) and optionally a date column.

Every message comes back as ``(label, RawMail)``; a date from the CSV is the RawMail's
``received_at`` (the date a time-ordered split uses).
"""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path

from ..core.message import RawMail
from ..errors import MailrouteError

_SKIP_DIRS = {"tmp"}
LABELS_CSV = "labels.csv"


class CorpusError(MailrouteError):
    """A labelled corpus is missing, empty or its labels file is invalid."""


def _is_maildir(path: Path) -> bool:
    return (path / "cur").is_dir() and (path / "new").is_dir()


def iter_labelled(root: Path) -> Iterator[tuple[str, Path]]:
    """Yield ``(label, file)`` pairs of a folder-per-label or Maildir++ tree, in stable order."""
    root = Path(root)
    if not root.is_dir():
        raise CorpusError(f"{root}: corpus folder not found")
    if _is_maildir(root) or any(p.name.startswith(".") and _is_maildir(p) for p in root.iterdir()):
        for folder in sorted(p for p in root.iterdir() if p.name.startswith(".") and p.is_dir()):
            label = folder.name[1:].replace(".", "/")
            for sub in ("cur", "new"):
                for path in sorted((folder / sub).glob("*")):
                    if path.is_file():
                        yield label, path
        return
    for path in sorted(root.rglob("*.eml")):
        rel = path.relative_to(root)
        if len(rel.parts) < 2 or any(p in _SKIP_DIRS for p in rel.parts):
            continue
        yield "/".join(rel.parts[:-1]), path


def parse_date(value: str) -> datetime | None:
    """An ISO date/time (``2001-03-05T16:23:00Z``, ``2001-03-05``) as aware UTC; else None."""
    value = value.strip()
    if not value:
        return None
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def iter_csv(
    labels_file: Path, *, label_column: str = "label", date_column: str | None = None,
    path_column: str = "path", warnings: list[str] | None = None,
) -> Iterator[tuple[str, Path, datetime | None]]:
    """Yield ``(label, file, date)`` from a labels CSV; errors name the file, line and column.

    A date that is not ISO (real corpora hold forged ones such as year 102) counts as
    missing; a note naming file, line and value goes to ``warnings`` when given.
    """
    labels_file = Path(labels_file)
    try:
        handle = labels_file.open(newline="", encoding="utf-8")
    except OSError as exc:
        raise CorpusError(f"{labels_file}: cannot read labels file: {exc.strerror}") from None
    with handle:
        reader = csv.DictReader(handle)
        columns = reader.fieldnames or []
        for wanted, option in ((path_column, "path"), (label_column, "--label-column"),
                               (date_column, "--date-column")):
            if wanted and wanted not in columns:
                raise CorpusError(
                    f"{labels_file}: no column {wanted!r} ({option}); "
                    f"columns are: {', '.join(columns) or '(none)'}"
                )
        for line, row in enumerate(reader, start=2):
            rel, label = (row.get(path_column) or "").strip(), (row.get(label_column) or "").strip()
            if not rel or not label:
                raise CorpusError(f"{labels_file}:{line}: empty {path_column!r} or "
                                  f"{label_column!r}")
            path = labels_file.parent / rel
            if not path.is_file():
                raise CorpusError(f"{labels_file}:{line}: message file not found: {rel}")
            date = None
            if date_column:
                raw_date = row.get(date_column) or ""
                date = parse_date(raw_date)
                if raw_date.strip() and date is None and warnings is not None:
                    warnings.append(f"{labels_file}:{line}: {date_column} {raw_date!r} is not "
                                    "an ISO date (e.g. 2001-03-05T16:23:00Z); treated as missing")
            yield label, path, date


def load_labelled(
    root: Path, *, label_column: str | None = None, date_column: str | None = None,
    labels_file: Path | None = None, progress: Callable[[int], None] | None = None,
    warnings: list[str] | None = None,
) -> list[tuple[str, RawMail]]:
    """Read a labelled corpus. ``root/labels.csv`` (or ``labels_file``) selects the CSV layout.

    ``label_column``/``date_column`` only apply to the CSV layout and are refused otherwise,
    so a misspelt option is not silently ignored.
    """
    root = Path(root)
    labels_file = labels_file or (root / LABELS_CSV if (root / LABELS_CSV).is_file() else None)
    if labels_file is None and (label_column or date_column):
        raise CorpusError(f"{root}: --label-column/--date-column need a {LABELS_CSV} "
                          "(none in this folder)")
    out = []
    if labels_file is not None:
        entries = iter_csv(labels_file, label_column=label_column or "label",
                           date_column=date_column, warnings=warnings)
    else:
        entries = ((label, path, None) for label, path in iter_labelled(root))
    for label, path, date in entries:
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise CorpusError(f"{path}: cannot read: {exc.strerror}") from None
        out.append((label, RawMail("corpus", label, str(path), data, received_at=date)))
        if progress:
            progress(len(out))
    if not out:
        raise CorpusError(
            f"{root}: no labelled messages (expected <label>/*.eml, Maildir++ or {LABELS_CSV})"
        )
    return out


def count_labelled(root: Path, labels_file: Path | None = None) -> int:
    """How many messages :func:`load_labelled` will read (for a progress bar's total)."""
    root = Path(root)
    labels_file = labels_file or (root / LABELS_CSV if (root / LABELS_CSV).is_file() else None)
    try:
        if labels_file is not None:
            with Path(labels_file).open(newline="", encoding="utf-8") as handle:
                return max(0, sum(1 for _ in csv.reader(handle)) - 1)
        return sum(1 for _ in iter_labelled(root))
    except (OSError, csv.Error, MailrouteError):
        return 0  # load_labelled reports the problem properly
