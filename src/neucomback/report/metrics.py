"""Headline metrics of a run, computed from stored task results.

ACC        correct after self-debugging, over all tasks
ACC@first  correct on the first try
ACC+Perf   correct and faster than clang -O3 by harness.timing.RULE (the 99% interval above
           1.0 and at least MIN_EFFECT; native Level 2 tasks; tasks without a measurement, and
           suspicious ones, count as not faster)
fast_p     KernelBench's fast_p, made noise-proof: correct and the speedup's 99% interval above p
           (a bare median > 1.0 would count half of all identical-code measurements), over all tasks
geomean    geometric-mean speedup over correct tasks that have a measurement (suspicious ones excluded)
"""

from __future__ import annotations

import math
from typing import Any

from ..harness.timing import is_faster


def _geomean(xs: list[float]) -> float | None:
    xs = [x for x in xs if x and x > 0]
    return math.exp(sum(map(math.log, xs)) / len(xs)) if xs else None


def summarize(results: list[dict[str, Any]]) -> dict[str, Any]:
    """Metrics over task results (dicts of TaskResult.to_json())."""
    n = len(results)
    done = [r for r in results if r["status"] in ("done", "infrastructure")]
    correct = [r for r in results if r["correct"]]
    perf = [r for r in results if r.get("level") == 2]
    timed = [r for r in correct if r.get("speedup") is not None and not r.get("suspicious")]
    acc_perf = [r for r in timed if faster_of(r)]
    acc_perf_first = [r for r in timed if faster_of(r, "first_")]

    def frac(k: int, d: int) -> float | None:
        return k / d if d else None

    return {
        "tasks": n, "finished": len(done), "correct": len(correct),
        "acc": frac(len(correct), n), "acc_first": frac(sum(r["first_correct"] for r in results), n),
        "acc_perf": frac(len(acc_perf), len(perf)) if perf else None,
        "acc_perf_first": frac(len(acc_perf_first), len(perf)) if perf else None,
        "level2_tasks": len(perf), "timed": len(timed),
        "fast_1.0": frac(sum(1 for r in timed if _above(r, 1.0)), n),
        "fast_1.1": frac(sum(1 for r in timed if _above(r, 1.1)), n),
        "geomean_speedup": _geomean([r["speedup"] for r in timed]),
        "prompt_tokens": sum(r.get("prompt_tokens", 0) for r in results),
        "completion_tokens": sum(r.get("completion_tokens", 0) for r in results),
        "cost_usd": sum(r.get("cost_usd", 0.0) for r in results),
        "infrastructure_failures": sum(r["status"] == "infrastructure" for r in results),
        "suspicious": sum(1 for r in correct if r.get("suspicious")),
        "scripted": any(r.get("scripted") for r in results),
        "outcomes": _count(r.get("outcome") or r["status"] for r in results),
    }


def _above(r: dict[str, Any], p: float) -> bool:
    lo = r.get("ci_low")
    return lo is not None and lo > p


def faster_of(r: dict[str, Any], prefix: str = "") -> bool:
    """Whether a task result (or a verdict's timing dict) counts as faster than clang -O3: the
    verdict's own decision when recorded (records before it was: the same rule on their
    numbers); never when the speedup is suspicious. The one place reports decide this."""
    if r.get("suspicious") and not prefix:
        return False
    recorded = r.get(f"{prefix}faster")
    return bool(recorded) if recorded is not None else is_faster(r.get(f"{prefix}speedup"), r.get(f"{prefix}ci_low"))


def _count(items: Any) -> dict[str, int]:
    out: dict[str, int] = {}
    for i in items:
        out[i] = out.get(i, 0) + 1
    return dict(sorted(out.items()))


def pct(x: float | None) -> str:
    return "-" if x is None else f"{100 * x:.1f}%"
