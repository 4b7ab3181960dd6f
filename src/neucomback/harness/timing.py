"""Fair timing: interleaved A/B runs of candidate and reference, median ratio, bootstrap CI.

Both binaries run in the same sandbox with the same inputs and repetition count; each run
reports in-process kernel time (monotonic clock around the kernel calls only).
"""

from __future__ import annotations

import random
import statistics
from collections.abc import Callable


def bootstrap_ci(ratios: list[float], level: float = 0.95, resamples: int = 2000,
                 seed: int = 0) -> tuple[float, float]:
    """Percentile bootstrap CI of the median of `ratios` (seeded: reports are reproducible)."""
    if len(ratios) < 2:
        return (ratios[0], ratios[0]) if ratios else (float("nan"), float("nan"))
    rng = random.Random(seed)
    n = len(ratios)
    meds = sorted(statistics.median(rng.choices(ratios, k=n)) for _ in range(resamples))
    lo = meds[int((1 - level) / 2 * resamples)]
    hi = meds[min(resamples - 1, int((1 + level) / 2 * resamples))]
    return lo, hi


def interleave(run_candidate: Callable[[], int | None], run_reference: Callable[[], int | None],
               pairs: int = 7, warmup: int = 1) -> tuple[list[int], list[int]] | None:
    """Run A B A B ...; return (candidate_ns, reference_ns) or None if any run failed.

    The order inside a pair alternates (AB, BA, ...) so neither side always runs on a
    cache or frequency state left by the other.
    """
    cand: list[int] = []
    ref: list[int] = []
    for i in range(warmup + pairs):
        order = (run_candidate, run_reference) if i % 2 == 0 else (run_reference, run_candidate)
        results = {}
        for fn in order:
            t = fn()
            if t is None:
                return None
            results[fn] = t
        if i >= warmup:
            cand.append(results[run_candidate])
            ref.append(results[run_reference])
    return cand, ref


def speedup_stats(cand: list[int], ref: list[int]) -> tuple[float, float, float]:
    """Median speedup (reference / candidate per pair) and its 95% bootstrap CI."""
    ratios = [r / max(c, 1) for c, r in zip(cand, ref)]
    lo, hi = bootstrap_ci(ratios)
    return statistics.median(ratios), lo, hi


def fast_p(speedups: list[float | None], correct: list[bool], p: float) -> float:
    """KernelBench's fast_p: fraction of all tasks that are correct and faster than p x."""
    if not correct:
        return 0.0
    hits = sum(1 for s, ok in zip(speedups, correct) if ok and s is not None and s > p)
    return hits / len(correct)
