"""A local Maildir++ tree as a mailbox: the inbox is the root, folders are ``.A.B`` dirs.

Moves are atomic renames that keep the file name (so a journalled move can be found again
after a crash). Tags are recorded in the store only; Maildir has no portable keyword field.
"""

from __future__ import annotations

import os
import shutil
import socket
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from datetime import UTC, datetime
from pathlib import Path

from ...core.message import RawMail
from ...core.rules import Action
from ...errors import ActionError, SourceError
from .base import in_lists

INBOX = "INBOX"
BATCH = 50  # messages handled together (one transaction per stage)


def folder_dir(root: Path, folder: str) -> Path:
    """``INBOX`` is the root; ``Finance/Invoices`` is ``.Finance.Invoices`` (Maildir++)."""
    if folder in ("", INBOX):
        return root
    parts = [p for p in folder.replace(".", "_").split("/") if p]
    return root / ("." + ".".join(parts))


def ensure_maildir(path: Path) -> None:
    for sub in ("cur", "new", "tmp"):
        (path / sub).mkdir(parents=True, exist_ok=True)


def source_id_of(filename: str) -> str:
    """The unique part of a Maildir file name, without the ``:2,FLAGS`` info."""
    return filename.split(":", 1)[0]


_counter = 0
_counter_lock = threading.Lock()


def deliver(root: Path, data: bytes, folder: str = INBOX) -> Path:
    """Deliver ``data`` the Maildir way (write to tmp, rename into new). Returns the path."""
    global _counter
    target = folder_dir(root, folder)
    ensure_maildir(target)
    with _counter_lock:
        _counter += 1
        n = _counter
    name = f"{time.time_ns()}.M{n}P{os.getpid()}.{socket.gethostname().replace('/', '_')}"
    tmp = target / "tmp" / name
    tmp.write_bytes(data)
    final = target / "new" / name
    os.replace(tmp, final)
    return final


class MaildirSource:
    """Watches the inbox of one Maildir tree by polling its ``new`` and ``cur`` folders."""

    def __init__(
        self,
        name: str,
        root: Path,
        *,
        poll_interval: float = 1.0,
        create: bool = True,
        exceptions_folder: str = "Exceptions",
        finished_ids: Callable[[str, str], Iterable[str]] = lambda mailbox, folder: (),
    ):
        self.name = name
        self.root = Path(root)
        self.poll_interval = poll_interval
        self.create = create
        self.exceptions_folder = exceptions_folder
        self._finished_ids = finished_ids
        self._done: set[str] = set()
        self._paths: dict[str, Path] = {}

    def connect(self) -> None:
        if not self.root.is_dir():
            if not self.create:
                raise SourceError(f"mailbox {self.name}: {self.root} is not a Maildir")
            ensure_maildir(self.root)
        for sub in ("cur", "new"):
            if not (self.root / sub).is_dir():
                raise SourceError(f"mailbox {self.name}: {self.root} has no {sub}/ folder")
        self._done = set(self._finished_ids(self.name, INBOX))

    def _scan(self) -> list[tuple[str, Path]]:
        found = []
        for sub in ("new", "cur"):
            try:
                entries = list(os.scandir(self.root / sub))
            except FileNotFoundError:
                continue
            for entry in entries:
                if entry.name.startswith(".") or not entry.is_file():
                    continue
                found.append((source_id_of(entry.name), Path(entry.path)))
        found.sort(key=lambda item: item[0])
        return found

    def fetch(self) -> Iterator[RawMail]:
        for sid, path in self._scan():
            if sid in self._done:
                continue
            try:
                data = path.read_bytes()
                mtime = path.stat().st_mtime
            except FileNotFoundError:
                continue  # moved away by someone else between scan and read
            self._paths[sid] = path
            yield RawMail(
                mailbox=self.name, folder=INBOX, source_id=sid, data=data,
                received_at=datetime.fromtimestamp(mtime, UTC),
            )

    def fetch_batches(self) -> Iterator[list[RawMail]]:
        """``fetch`` in lists of ``BATCH``: safe, as a Maildir keeps no checkpoint (a
        message stays in ``new``/``cur`` until it is moved)."""
        return in_lists(self.fetch(), BATCH)

    def finished(self, raw: RawMail) -> None:
        self._done.add(raw.source_id)
        self._paths.pop(raw.source_id, None)

    def _current_path(self, source_id: str) -> Path:
        path = self._paths.get(source_id)
        if path is not None and path.exists():
            return path
        for sid, candidate in self._scan():
            if sid == source_id:
                return candidate
        raise ActionError(f"message {source_id} is no longer in {self.root}")

    def _target(self, folder: str) -> Path:
        target = folder_dir(self.root, folder)
        if not target.is_dir():
            if not self.create:
                raise ActionError(f"folder {folder!r} does not exist and create = false")
            ensure_maildir(target)
            (target / "maildirfolder").touch()
        return target

    def apply(self, raw: RawMail, action: Action) -> str:
        if action.kind in ("move", "exceptions"):
            folder = action.target if action.kind == "move" else self.exceptions_folder
            src = self._current_path(raw.source_id)
            dst = self._target(folder) / "cur" / _with_info(src.name)
            os.replace(src, dst)
            return f"moved to {folder}"
        if action.kind == "copy":
            src = self._current_path(raw.source_id)
            target = self._target(action.target)
            tmp = target / "tmp" / src.name
            shutil.copyfile(src, tmp)
            os.replace(tmp, target / "cur" / _with_info(src.name))
            return f"copied to {action.target}"
        if action.kind == "tag":
            return "recorded in store"
        raise ActionError(f"maildir mailbox cannot {action.kind}")

    def reconcile(self, folder: str, source_id: str, action: Action) -> bool:
        if action.kind in ("move", "copy", "exceptions"):
            target = action.target if action.kind != "exceptions" else self.exceptions_folder
            return self._in_folder(target, source_id)
        return False

    def _in_folder(self, folder: str, source_id: str) -> bool:
        base = folder_dir(self.root, folder)
        for sub in ("cur", "new"):
            try:
                if any(source_id_of(n) == source_id for n in os.listdir(base / sub)):
                    return True
            except FileNotFoundError:
                continue
        return False

    def contains(self, folder: str, source_id: str) -> bool:
        return self._in_folder(folder, source_id)

    def wait(self, stop: threading.Event) -> None:
        stop.wait(self.poll_interval)

    def close(self) -> None:
        self._paths.clear()


def _with_info(name: str) -> str:
    return name if ":2," in name else f"{name}:2,"
