"""Fair timing and the speed decision.

What is measured: the kernel's account of the CPU time of the whole sandboxed run (wait4,
user + system), never a clock inside the candidate's process. In every pair, candidate and
reference each run R calls once, and the trusted reference also runs with zero calls (in the
first pairs; then their median): that time (process start, loading, input setup) is
subtracted from both. The candidate is
only ever run with one count, so it cannot tell a short run from a long one and inflate the
part that is subtracted. What is left is R calls plus the harness's per-call perturbation
and result hashing, the same work for both programs.

How it is decided (RULE, shown in reports): candidate and reference are measured in
interleaved pairs (A B, B A, ...), each pair with fresh inputs; the speedup is the median
of the per-pair ratios reference / candidate, and its interval is the distribution-free
99% confidence interval of that median (order statistics of the ratios; exact for any
distribution). A candidate is called faster only when the whole interval lies above 1 and
the median is at least 1 + MIN_EFFECT: differences smaller than that are within what code
placement and this machine's drift produce for identical code.
"""

from __future__ import annotations

import math
import random
import statistics
from collections.abc import Callable

CONFIDENCE = 0.99
MIN_EFFECT = 0.05  # code placement and drift move identical code by a few % here
RULE = (f"speedup = median over interleaved pairs of (clang -O3 CPU time / candidate CPU time), measured by the "
        f"kernel outside the candidate's process, less start-up and setup (the reference run with zero calls); "
        f"interval = "
        f"distribution-free {CONFIDENCE:.0%} CI of the median; 'faster' needs the interval above 1.0 and a median "
        f"of at least {1 + MIN_EFFECT:.2f}x")


def median_ci(ratios: list[float], level: float = CONFIDENCE) -> tuple[float, float]:
    """Distribution-free CI of the median: order statistics (k, n+1-k) with the largest k such
    that P(Binomial(n, 1/2) < k) <= (1 - level) / 2. With few values it is [min, max]."""
    xs = sorted(ratios)
    n = len(xs)
    if n == 0:
        return math.nan, math.nan
    alpha, k, tail = (1 - level) / 2, 0, 0.0
    while k < n // 2:
        nxt = tail + math.comb(n, k) / 2 ** n
        if nxt > alpha:
            break
        tail, k = nxt, k + 1
    k = max(k, 1)
    return xs[k - 1], xs[n - k]


def speedup_stats(cand: list[float], ref: list[float]) -> tuple[float, float, float]:
    """Median speedup (reference / candidate per pair) and its CI."""
    ratios = [r / c if c > 0 else math.inf for c, r in zip(cand, ref)]
    lo, hi = median_ci(ratios)
    return statistics.median(ratios), lo, hi


def is_faster(speedup: float | None, ci_low: float | None) -> bool:
    """The decision: interval above 1.0 and an effect of at least MIN_EFFECT."""
    return speedup is not None and ci_low is not None and ci_low > 1.0 and speedup >= 1.0 + MIN_EFFECT


def fresh_seed() -> int:
    """Inputs of a measurement pair: unpredictable, so nothing can be precomputed for them."""
    return random.SystemRandom().getrandbits(62)


def decided(ci_low: float, ci_high: float) -> bool:
    """Whether more pairs could change the decision: not when the interval is already above
    1 + MIN_EFFECT (faster whatever comes) or entirely below it (never faster)."""
    return ci_low > 1.0 + MIN_EFFECT or ci_high < 1.0 + MIN_EFFECT


def interleave(run_candidate: Callable[[int], float | None], run_reference: Callable[[int], float | None],
               pairs: int = 8, warmup: int = 0, seeds: Callable[[], int] = fresh_seed,
               overhead: Callable[[int], float] | None = None) -> tuple[list[float], list[float]] | None:
    """Run A B, B A, ... with one fresh input seed per pair (both sides get the same one);
    return (candidate, reference) measurements, each less the pair's `overhead(seed)` when
    given, or None if any run failed.

    The order inside a pair alternates so neither side always runs on a cache or frequency
    state left by the other.
    """
    cand: list[float] = []
    ref: list[float] = []
    for i in range(warmup + pairs):
        seed = seeds()
        order = (run_candidate, run_reference) if i % 2 == 0 else (run_reference, run_candidate)
        results = {}
        for fn in order:
            t = fn(seed)
            if t is None:
                return None
            results[fn] = t
        base = overhead(seed) if overhead else 0.0
        if i >= warmup:
            cand.append(max(results[run_candidate] - base, 1.0))
            ref.append(max(results[run_reference] - base, 1.0))
    return cand, ref


def fast_p(speedups: list[float | None], correct: list[bool], p: float) -> float:
    """KernelBench's fast_p: fraction of all tasks that are correct and faster than p x."""
    if not correct:
        return 0.0
    hits = sum(1 for s, ok in zip(speedups, correct) if ok and s is not None and s > p)
    return hits / len(correct)
