"""PNG charts of an evaluation (matplotlib, Agg backend: no display needed)."""

from __future__ import annotations

from pathlib import Path
from typing import Any


def write_plots(result: dict[str, Any], folder: Path) -> list[Path]:
    """Write ``risk_coverage.png`` and ``confusion_matrix.png``; return their paths."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    written = []

    curve = result["risk_coverage"]
    fig, ax = plt.subplots(figsize=(6, 4.5), dpi=100)
    ax.plot(curve["coverage"], curve["precision"], label="most confident first")
    for target, point in sorted(result["coverage_at_precision"].items()):
        if point["precision"] is not None:
            ax.scatter([point["coverage"]], [point["precision"]], zorder=3,
                       label=f"target {target}: {point['coverage']:.1%} routed")
    ax.set_xlabel("coverage (share routed without a human)")
    ax.set_ylabel("precision of what was routed")
    ax.set_xlim(0, 1)
    ax.set_ylim(max(0.0, min(curve["precision"] or [0.0]) - 0.02), 1.005)
    ax.grid(alpha=0.3)
    ax.legend(loc="lower left", fontsize=8)
    ax.set_title(f"Risk–coverage ({result['split']} split, {result['n_test']} test messages)")
    fig.tight_layout()
    path = folder / "risk_coverage.png"
    fig.savefig(path)
    plt.close(fig)
    written.append(path)

    labels, matrix = result["labels"], result["confusion"]
    size = max(4.0, 0.6 * len(labels) + 2)
    fig, ax = plt.subplots(figsize=(size, size), dpi=100)
    ax.imshow(matrix, cmap="Blues")
    ax.set_xticks(range(len(labels)), labels, rotation=45, ha="right", fontsize=8)
    ax.set_yticks(range(len(labels)), labels, fontsize=8)
    ax.set_xlabel("predicted")
    ax.set_ylabel("true")
    peak = max((max(row) for row in matrix), default=0)
    for i, row in enumerate(matrix):
        for j, value in enumerate(row):
            if value:
                ax.text(j, i, str(value), ha="center", va="center", fontsize=7,
                        color="white" if value > peak / 2 else "black")
    ax.set_title("Confusion matrix")
    fig.tight_layout()
    path = folder / "confusion_matrix.png"
    fig.savefig(path)
    plt.close(fig)
    written.append(path)
    return written
