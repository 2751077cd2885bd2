"""Models on disk: ``models/<version>/model.skops`` + ``metadata.json``, ``models/current``.

skops refuses to load any type that is not on its trusted list, unlike pickle; we accept
only scikit-learn, NumPy and SciPy types on top of that.
"""

from __future__ import annotations

import hashlib
import json
import platform
from dataclasses import asdict
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy
import scipy
import sklearn
import skops
import skops.io as sio

from ..core.classify import Classifier, TrainReport
from ..core.features import FEATURES_VERSION
from ..errors import ModelError

MODEL_FILE = "model.skops"
META_FILE = "metadata.json"
CURRENT = "current"
_TRUSTED_PREFIXES = ("sklearn.", "numpy.", "scipy.", "builtins.", "collections.")
_TOP_LEVEL = ("thresholds", "thresholds_by_target", "target_precision")


def data_hash(items: list[tuple[str, bytes]]) -> str:
    """A hash over (label, content) pairs in a stable order: names the training data."""
    digest = hashlib.sha256()
    for label, content in sorted((lbl, hashlib.sha256(c).hexdigest()) for lbl, c in items):
        digest.update(f"{label}\0{content}\n".encode())
    return digest.hexdigest()


def save_model(
    pipeline: Any, report: TrainReport, models_dir: Path, *, dataset_hash: str, source: str,
    make_current: bool = True, extra: dict[str, Any] | None = None,
) -> Path:
    """Write a new model version and (by default) point ``models/current`` at it."""
    created = datetime.now(UTC)
    version = f"{created:%Y%m%d-%H%M%S}-{dataset_hash[:8]}"
    target = Path(models_dir) / version
    target.mkdir(parents=True, exist_ok=False)
    sio.dump(pipeline, target / MODEL_FILE)
    figures = dict(report.extra)
    # thresholds live at the top level: ModelHolder and thresholds_for read them there
    kept = {key: figures.pop(key) for key in _TOP_LEVEL if key in figures}
    metadata = {
        "version": version,
        "created": created.isoformat(timespec="seconds"),
        "labels": list(report.labels),
        "n_train": report.n_train,
        "n_test": report.n_test,
        # n_test messages were predicted out-of-fold from within the n_train ones
        "n_total": report.n_train,
        "data_hash": dataset_hash,
        "source": source,
        "metrics": {"accuracy": report.accuracy, "macro_f1": report.macro_f1, **figures},
        **kept,
        "model_sha256": hashlib.sha256((target / MODEL_FILE).read_bytes()).hexdigest(),
        "features_version": FEATURES_VERSION,
        "versions": {
            "python": platform.python_version(), "scikit-learn": sklearn.__version__,
            "numpy": numpy.__version__, "scipy": scipy.__version__, "skops": skops.__version__,
        },
        **(extra or {}),
    }
    (target / META_FILE).write_text(json.dumps(metadata, indent=2) + "\n", encoding="utf-8")
    if make_current:
        set_current(models_dir, version)
    return target


def thresholds_for(
    metadata: dict[str, Any], target: float | None,
    label_targets: dict[str, float] | None = None,
) -> dict[str, float]:
    """Per-label thresholds that reached the precision target(s) in cross-validation.

    ``target`` is the global target (None: the thresholds the model was saved with, if any);
    ``label_targets`` overrides it per label. A target the model has no thresholds for uses
    the strictest stored one at or above it; none at or above it means 1.0 (the label is
    never routed without a human), as does a label the model could not make precise enough.
    """
    stored: dict[str, dict[str, float]] = metadata.get("thresholds_by_target") or {}
    if target is None and not label_targets:
        return dict(metadata.get("thresholds") or {})
    labels = list(metadata.get("labels") or [])

    def table(wanted: float) -> dict[str, float]:
        keys = sorted(float(k) for k in stored if float(k) >= wanted - 1e-9)
        return stored[f"{keys[0]:g}"] if keys else {}

    out = dict(metadata.get("thresholds") or {})
    if target is not None:
        chosen = table(target)
        out = {label: float(chosen.get(label, 1.0)) for label in labels}
    for label, wanted in (label_targets or {}).items():
        out[label] = float(table(wanted).get(label, 1.0))
    return out


def set_current(models_dir: Path, version: str) -> None:
    if not (Path(models_dir) / version / MODEL_FILE).is_file():
        raise ModelError(f"{models_dir}: no model version {version!r}")
    tmp = Path(models_dir) / (CURRENT + ".tmp")
    tmp.write_text(version + "\n", encoding="utf-8")
    tmp.replace(Path(models_dir) / CURRENT)


def current_version(models_dir: Path) -> str | None:
    pointer = Path(models_dir) / CURRENT
    if pointer.is_file():
        return pointer.read_text(encoding="utf-8").strip() or None
    return None


def list_versions(models_dir: Path) -> list[dict[str, Any]]:
    out = []
    for meta in sorted(Path(models_dir).glob(f"*/{META_FILE}")):
        try:
            out.append(json.loads(meta.read_text(encoding="utf-8")))
        except (OSError, ValueError):
            continue
    return out


def read_metadata(models_dir: Path, version: str) -> dict[str, Any]:
    path = Path(models_dir) / version / META_FILE
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ModelError(f"{path}: metadata file missing") from None
    except ValueError as exc:
        raise ModelError(f"{path}: invalid metadata: {exc}") from None


def load_model(models_dir: Path, version: str | None = None) -> tuple[Classifier, dict[str, Any]]:
    """Load ``version`` (default: the current one), refusing untrusted or altered files."""
    models_dir = Path(models_dir)
    version = version or current_version(models_dir)
    if not version:
        raise ModelError(
            f"{models_dir}: no model yet; train one with 'mailroute train SRC' "
            "(make run trains the sample model)"
        )
    path = models_dir / version / MODEL_FILE
    metadata = read_metadata(models_dir, version)
    try:
        blob = path.read_bytes()
    except OSError as exc:
        raise ModelError(f"{path}: cannot read model: {exc.strerror}") from None
    if hashlib.sha256(blob).hexdigest() != metadata.get("model_sha256"):
        raise ModelError(f"{path}: file does not match the hash in {META_FILE}; refusing to load")
    if metadata.get("features_version") != FEATURES_VERSION:
        raise ModelError(
            f"{path}: trained on features version {metadata.get('features_version') or '1-2'}, "
            f"this mailroute computes version {FEATURES_VERSION}; train it again "
            "('mailroute train SRC' or 'mailroute retrain')"
        )
    try:
        untrusted = sio.get_untrusted_types(data=blob)
        bad = [t for t in untrusted if not t.startswith(_TRUSTED_PREFIXES)]
        if bad:
            raise ModelError(f"{path}: refusing to load untrusted types: {', '.join(bad)}")
        pipeline = sio.loads(blob, trusted=untrusted)
    except ModelError:
        raise
    except Exception as exc:
        raise ModelError(f"{path}: cannot load model: {exc}") from exc
    return Classifier(pipeline, version), metadata


def report_dict(report: TrainReport) -> dict[str, Any]:
    return asdict(report)
