"""Formatting shared by every renderer (HTML, Markdown, terminal): one place defines how a
metric is named, explained and printed, so the report, `compare` and `runs` agree with `bench`.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

from ..harness.timing import MIN_EFFECT
from ..record.metrics import pct


@dataclass(frozen=True)
class Metric:
    """A headline metric: its key in `summarize()`'s dict, a label, a kind and a gloss."""

    key: str
    label: str
    kind: str           # pct | speedup | tokens | usd | count
    gloss: str
    higher_is_better: bool = True


# Same metrics, order and labels as `bench`'s table (cli/tables.py: bench_table).
METRICS: tuple[Metric, ...] = (
    Metric("acc", "ACC", "pct", "correct after self-debugging, over all tasks"),
    Metric("acc_first", "ACC@first", "pct", "correct on the first try"),
    Metric("acc_perf", "ACC+Perf", "pct", f"correct and faster than clang -O3 (99% CI above 1 and >= "
           f"{1 + MIN_EFFECT:.2f}x), over Level 2 tasks"),
    Metric("fast_1.0", "fast_1.0", "pct", "correct and the speedup's 99% CI above 1.0, over all tasks"),
    Metric("fast_1.1", "fast_1.1", "pct", "correct and the speedup's 99% CI above 1.1, over all tasks"),
    Metric("geomean_speedup", "geomean speedup", "speedup", "geometric mean over correct timed tasks"),
    Metric("prompt_tokens", "tokens in", "tokens", "prompt tokens, all rounds", False),
    Metric("completion_tokens", "tokens out", "tokens", "completion tokens, all rounds", False),
    Metric("cost_usd", "cost $", "usd", "approximate API cost", False),
)


def speedup(x: float | None) -> str:
    """1.2345 -> "1.234x"; None -> "-"."""
    return "-" if x is None else f"{x:.3f}x"


def speedup_ci(s: float | None, lo: float | None, hi: float | None) -> str:
    """"1.234x [1.100-1.300]" or "-" when there is no measurement."""
    if s is None:
        return "-"
    return speedup(s) + (f" [{lo:.3f}-{hi:.3f}]" if lo is not None and hi is not None else "")


def speed_cell(r: dict[str, Any]) -> str:
    """A result's speedup with its interval, pair count and decision: "1.234x [1.100-1.300] 12 pairs,
    faster" ("SUSPICIOUS" when the verdict does not trust it); "-" when untimed."""
    s = speedup_ci(r.get("speedup"), r.get("ci_low"), r.get("ci_high"))
    if s == "-":
        return s
    from ..record.metrics import faster_of

    pairs = r.get("pairs")
    return (s + (f" {pairs} pairs" if pairs else "")
            + (", SUSPICIOUS" if r.get("suspicious") else ", faster" if faster_of(r) else ""))


def fmt_value(kind: str, v: Any) -> str:
    """Format a metric value by kind; None is "-"."""
    if v is None:
        return "-"
    if kind == "pct":
        return pct(v)
    if kind == "speedup":
        return speedup(v)
    if kind == "usd":
        return f"{v:.4f}"
    if kind == "tokens":
        return f"{int(v):,}"
    return str(v)


def fmt_delta(kind: str, a: Any, b: Any) -> str:
    """How b differs from a: percentage points, a speedup ratio, or a difference; "" if unknown."""
    if a is None or b is None:
        return ""
    if kind == "pct":
        return f"{100 * (b - a):+.1f} pp"
    if kind == "speedup":
        return f"x{b / a:.3f}" if a else ""
    if kind == "usd":
        return f"{b - a:+.4f}"
    return f"{b - a:+,}" if isinstance(a, int) and isinstance(b, int) else f"{b - a:+.3g}"


def date(ts: float | None) -> str:
    """A UTC timestamp as "2025-01-31 12:00 UTC" ("-" when unknown)."""
    return "-" if ts is None else time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime(ts))


def tasks_cell(s: dict[str, Any]) -> str:
    """"finished/total", as bench shows it."""
    return f"{s.get('finished', 0)}/{s.get('tasks', 0)}"
