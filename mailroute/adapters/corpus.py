"""Labelled corpora on disk: a folder per label of ``.eml`` files, or a Maildir++ tree."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from ..core.message import RawMail
from ..errors import MailrouteError

_SKIP_DIRS = {"tmp"}


def _is_maildir(path: Path) -> bool:
    return (path / "cur").is_dir() and (path / "new").is_dir()


def iter_labelled(root: Path) -> Iterator[tuple[str, Path]]:
    """Yield ``(label, file)`` pairs in a stable order.

    Folder-per-label: ``root/<label>/*.eml`` (nested folders join with ``/``).
    Maildir++: ``root/.<Label>/{cur,new}/*`` (``.A.B`` becomes ``A/B``); the inbox is skipped.
    """
    root = Path(root)
    if not root.is_dir():
        raise MailrouteError(f"{root}: corpus folder not found")
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


def load_labelled(root: Path) -> list[tuple[str, RawMail]]:
    out = []
    for label, path in iter_labelled(root):
        out.append((label, RawMail("corpus", label, str(path), path.read_bytes())))
    if not out:
        raise MailrouteError(f"{root}: no labelled messages (expected <label>/*.eml or Maildir++)")
    return out
