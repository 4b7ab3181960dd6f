"""The final comparison on the test split: initial vs selected prompt, same settings.

For each: ACC, ACC@first, ACC+Perf after the first correct version (acc_perf_first), ACC+Perf
after the optimization rounds (acc_perf), and the distribution of speedups vs clang -O3 over
the correct tasks that were timed (quantiles and a histogram), for the first correct
version and for the best one.
"""

from __future__ import annotations

import math
import statistics
from typing import Any

BINS = ((0.0, 0.5), (0.5, 0.9), (0.9, 1.1), (1.1, 1.5), (1.5, 2.0), (2.0, math.inf))
COLUMNS = ("tasks", "acc", "acc_first", "acc_perf_first", "acc_perf", "geomean_speedup", "cost_usd", "scripted")


def distribution(speedups: list[float]) -> dict[str, Any]:
    """n, quantiles (min, p25, median, p75, max) and a histogram over BINS of the given speedups."""
    xs = sorted(s for s in speedups if s is not None and s > 0)
    out: dict[str, Any] = {"n": len(xs), "histogram": [[_bin_label(lo, hi), sum(lo <= x < hi for x in xs)]
                                                       for lo, hi in BINS]}
    if xs:
        q = statistics.quantiles(xs, n=4, method="inclusive") if len(xs) > 1 else [xs[0]] * 3
        out.update(min=xs[0], p25=q[0], median=q[1], p75=q[2], max=xs[-1])
    return out


def speedups(results: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """Distributions of the first correct version's and the best version's speedups."""
    correct = [r for r in results if r.get("correct")]
    return {"first": distribution([r["first_speedup"] for r in correct if r.get("first_speedup") is not None]),
            "best": distribution([r["speedup"] for r in correct if r.get("speedup") is not None])}


def prompt_report(name: str, summary: dict[str, Any], results: list[dict[str, Any]]) -> dict[str, Any]:
    """One row of the final comparison: the prompt, its metrics and speedup distributions."""
    row = {"prompt": name, **{k: summary.get(k) for k in COLUMNS}}
    row["speedups"] = speedups(results)
    return row


def distribution_text(d: dict[str, Any], width: int = 30) -> str:
    """Quantiles on one line, then a text histogram (one bar per bin)."""
    if not d["n"]:
        return "no timed correct tasks"
    head = (f"n={d['n']}  min {d['min']:.3f}x  p25 {d['p25']:.3f}x  median {d['median']:.3f}x  "
            f"p75 {d['p75']:.3f}x  max {d['max']:.3f}x")
    top = max(c for _, c in d["histogram"]) or 1
    bars = [f"  {label:>9}  {'#' * round(width * c / top):<{width}} {c}" for label, c in d["histogram"]]
    return "\n".join([head, *bars])


def _bin_label(lo: float, hi: float) -> str:
    return f">={lo:g}x" if math.isinf(hi) else f"{lo:g}-{hi:g}x"
