"""The manager's report: one self-contained HTML page, charts as inline SVG (matplotlib Agg).

No scripts, fonts, stylesheets or images are fetched: the page works offline and as a
mail attachment.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup

from .. import __version__
from .kpi import Day, Kpis, compute, daily
from .store import Store, utcnow

TEMPLATE = "report.html.j2"
_COLORS = ("#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f", "#edc948", "#b07aa1",
           "#ff9da7", "#9c755f", "#bab0ac")


def _pyplot():
    import matplotlib

    matplotlib.use("Agg", force=True)  # no display, no GUI toolkit
    import matplotlib.pyplot as plt

    plt.rcParams.update({"svg.fonttype": "none", "font.size": 9, "axes.spines.top": False,
                         "axes.spines.right": False})
    return plt


def _svg(fig) -> Markup:
    buf = io.StringIO()
    fig.savefig(buf, format="svg", bbox_inches="tight")
    _pyplot().close(fig)
    text = buf.getvalue()
    return Markup(text[text.index("<svg"):])  # drop the XML prolog and DOCTYPE


def _axes(title: str):
    plt = _pyplot()
    fig, ax = plt.subplots(figsize=(7.5, 2.8))
    ax.set_title(title, loc="left", fontsize=10)
    ax.grid(axis="y", alpha=0.3)
    return fig, ax


def _ticks(ax, days: list[Day]) -> None:
    step = max(1, len(days) // 10)
    ax.set_xticks(range(0, len(days), step))
    ax.set_xticklabels([d.day[5:] for d in days][::step])


def volume_chart(days: list[Day]) -> Markup:
    fig, ax = _axes("Messages per day by label")
    labels = sorted({label for d in days for label in d.by_label})
    bottom = [0] * len(days)
    for i, label in enumerate(labels):
        values = [d.by_label.get(label, 0) for d in days]
        ax.bar(range(len(days)), values, bottom=bottom, label=label,
               color=_COLORS[i % len(_COLORS)])
        bottom = [b + v for b, v in zip(bottom, values, strict=True)]
    _ticks(ax, days)
    if labels:
        ax.legend(fontsize=8, ncol=min(6, len(labels)), frameon=False, loc="upper left",
                  bbox_to_anchor=(0, -0.12))
    return _svg(fig)


def exception_chart(days: list[Day]) -> Markup:
    fig, ax = _axes("Exception rate per day (handed to a human)")
    rates = [d.exception_rate * 100 if d.exception_rate is not None else float("nan")
             for d in days]
    ax.plot(range(len(days)), rates, marker="o", color=_COLORS[2])
    ax.set_ylabel("%")
    ax.set_ylim(0, max([r for r in rates if r == r] + [10]) * 1.15)
    _ticks(ax, days)
    return _svg(fig)


def latency_chart(days: list[Day]) -> Markup:
    values = [v for d in days for v in (d.latency_median_seconds, d.latency_p90_seconds)
              if v is not None]
    scale, unit = (60.0, "min") if values and max(values) >= 300 else (1.0, "s")
    fig, ax = _axes(f"Intake to handled ({unit})")
    for name, attr, color in (("median", "latency_median_seconds", _COLORS[0]),
                              ("p90", "latency_p90_seconds", _COLORS[1])):
        series = [getattr(d, attr) / scale if getattr(d, attr) is not None else float("nan")
                  for d in days]
        ax.plot(range(len(days)), series, marker="o", label=name, color=color)
    ax.set_ylim(bottom=0)
    ax.legend(fontsize=8, frameon=False)
    _ticks(ax, days)
    return _svg(fig)


def hours_chart(days: list[Day]) -> Markup:
    fig, ax = _axes("Hours of manual work saved per day (bars) and in total (line)")
    hours = [d.hours_saved for d in days]
    ax.bar(range(len(days)), hours, color=_COLORS[4])
    total, running = [], 0.0
    for h in hours:
        running += h
        total.append(running)
    twin = ax.twinx()
    twin.plot(range(len(days)), total, color=_COLORS[0])
    twin.set_ylim(bottom=0)
    twin.spines["top"].set_visible(False)
    _ticks(ax, days)
    return _svg(fig)


def render_report(
    store: Store,
    since: datetime,
    until: datetime | None = None,
    *,
    minutes_for: Callable[[str | None], float] = lambda label: 0.0,
    mailbox: str | None = None,
) -> str:
    """The whole HTML page for messages finished in ``[since, until)``."""
    kpis: Kpis = compute(store, since, until, minutes_for=minutes_for, mailbox=mailbox)
    days = daily(store, since, until, minutes_for=minutes_for, mailbox=mailbox)
    charts = []
    if days:
        charts = [volume_chart(days), exception_chart(days), latency_chart(days),
                  hours_chart(days)]
    env = Environment(loader=FileSystemLoader(Path(__file__).parent),
                      autoescape=select_autoescape(["html", "j2"]))
    return env.get_template(TEMPLATE).render(
        kpis=kpis, days=days, charts=charts, mailbox=mailbox, version=__version__,
        generated=utcnow().strftime("%Y-%m-%d %H:%M UTC"),
    )
