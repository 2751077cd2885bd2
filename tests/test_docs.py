"""The docs stay true to the code: every config key is documented, no machine paths leak."""

from __future__ import annotations

import re
import subprocess
import typing

from pydantic import BaseModel

from mailroute.config.schema import Config

from .conftest import REPO


def models_in(annotation: object) -> list[type[BaseModel]]:
    """Every config model an annotation can hold: through lists, unions and Annotated."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return [annotation]
    return [m for arg in typing.get_args(annotation) for m in models_in(arg)]


def keys(model: type[BaseModel]) -> set[str]:
    out = set()
    for name, field in model.model_fields.items():
        if field.exclude:
            continue
        out.add(field.alias or name)
        for inner in models_in(field.annotation):
            out |= keys(inner)
    return out


def test_every_config_key_is_documented():
    doc = (REPO / "docs" / "config.md").read_text(encoding="utf-8")
    documented = {part for dotted in re.findall(r"`([a-z0-9_.]+)`", doc)
                  for part in dotted.split(".")}
    documented |= set(re.findall(r"\[+([a-z_]+)\]+", doc))
    missing = sorted(keys(Config) - documented)
    assert not missing, f"docs/config.md does not describe: {missing}"


def test_no_machine_paths_in_tracked_files():
    files = subprocess.run(["git", "ls-files"], cwd=REPO, capture_output=True, text=True,
                           check=True).stdout.split()
    bad = []
    for name in files:
        path = REPO / name
        if name.startswith("tests/") or not path.is_file() or path.suffix in (".eml",):
            continue
        text = path.read_text(encoding="utf-8", errors="ignore")
        if re.search(r"/work/|/root/|/home/\w+/", text):
            bad.append(name)
    assert not bad, bad
