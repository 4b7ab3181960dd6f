"""Headline metrics of a run, computed from stored task results.

ACC        correct after self-debugging, over all tasks
ACC@first  correct on the first try
ACC+Perf   correct and faster than clang -O3 by harness.timing.RULE (the 99% interval above
           1.0 and at least MIN_EFFECT; native Level 2 tasks; tasks without a measurement, and
           suspicious ones, count as not faster)
fast_p     KernelBench's fast_p, made noise-proof: correct and the speedup's 99% interval above p
           (a bare median > 1.0 would count half of all identical-code measurements), over all tasks
geomean    geometric-mean speedup over correct tasks that have a measurement (suspicious ones excluded)
pass@k     with --epochs K (K samples per task): the chance that at least one of k samples is
           correct, by the unbiased estimator of Chen et al. (2021), 1 - C(n-c, k) / C(n, k) for a
           task with n samples of which c are correct, averaged over tasks. With several epochs,
           every other metric is over samples (so ACC is the mean pass@1).
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
        **_proofs(correct),
        **_samples(results),
    }


def _proofs(correct: list[dict[str, Any]]) -> dict[str, Any]:
    """--prove runs: the proof tiers of the correct results, and the shares proved / bounded."""
    tiers = [r["proof"] for r in correct if r.get("proof")]
    if not tiers:
        return {}
    n = len(correct)
    return {"proof_tiers": _count(tiers), "proved_share": sum(t == "proved" for t in tiers) / n,
            "bounded_share": sum(t == "bounded" for t in tiers) / n}


def pass_at_k(n: int, c: int, k: int) -> float:
    """Unbiased pass@k of one task with n samples, c of them correct (needs k <= n)."""
    if not 0 < k <= n or not 0 <= c <= n:
        raise ValueError(f"pass@k needs 0 < k <= n and 0 <= c <= n (n={n}, c={c}, k={k})")
    if n - c < k:
        return 1.0
    return 1.0 - math.comb(n - c, k) / math.comb(n, k)


def _samples(results: list[dict[str, Any]]) -> dict[str, Any]:
    """Distinct tasks, samples per task (epochs) and pass@k for every k up to the fewest
    samples any task has (a mean over tasks needs every task to have k samples)."""
    by_task: dict[str, list[bool]] = {}
    for r in results:
        by_task.setdefault(r.get("task") or r["task_id"], []).append(bool(r["correct"]))
    if not by_task:
        return {"distinct_tasks": 0, "epochs": 0, "pass_at": {}}
    k_max = min(len(v) for v in by_task.values())
    pass_at = {str(k): sum(pass_at_k(len(v), sum(v), k) for v in by_task.values()) / len(by_task)
               for k in range(1, k_max + 1)}
    return {"distinct_tasks": len(by_task), "epochs": max(len(v) for v in by_task.values()), "pass_at": pass_at}


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


def samples_note(s: dict[str, Any]) -> str:
    """'N tasks x K epochs, metrics over samples; pass@1 ..., pass@K ...' for a summary of
    repeated samples, "" for one sample per task. The one wording every view uses."""
    if (s.get("epochs") or 1) <= 1:
        return ""
    return (f"{s['distinct_tasks']} tasks x {s['epochs']} epochs, metrics over samples; "
            + ", ".join(f"pass@{k} {pct(v)}" for k, v in s.get("pass_at", {}).items()))
