"""The A/A check of the speed decision, on the user's own machine.

For each Level 2 kernel: (1) the reference compiler's own code is timed as a candidate
against itself (identical programs): its interval should contain 1.0 and it must never be
called faster; (2) the same program is timed against itself with 1.3x the calls on the
reference side, a known 1.3x difference in work, which should be detected. The result says
how often identical code was called faster and how small a speedup this machine resolves.
"""

from __future__ import annotations

import shutil
import statistics
import tempfile
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from ..suite.task import Task
from ..targets import Target
from .build import timing_reference_exe
from . import evaluate
from .evaluate import Evaluator, _Meter
from .reference import calibration
from .timing import MIN_EFFECT, is_faster, speedup_stats

KNOWN_EFFECT = 1.3


@dataclass
class KernelCalibration:
    task: str
    aa_speedup: float
    aa_ci: tuple[float, float]
    aa_pairs: int
    aa_faster: bool
    effect_speedup: float
    effect_ci: tuple[float, float]
    effect_detected: bool

    @property
    def aa_contains_one(self) -> bool:
        return self.aa_ci[0] <= 1.0 <= self.aa_ci[1]


def calibrate_kernel(ev: Evaluator, task: Task, target: Target) -> KernelCalibration:
    """A/A and known-effect measurements of one kernel (native targets only)."""
    from ..baseline import compile_baseline

    with tempfile.TemporaryDirectory(prefix="ncb-cal-") as d:
        asm = Path(d) / "o3.s"
        err = compile_baseline(task, target, "llc-O3", asm)
        if err:
            raise RuntimeError(err)
        v = ev.verify(task, target, asm.read_text())
    t = v.timing
    if not v.correct or t is None or t.speedup is None:
        raise RuntimeError(f"{task.id}: {v.summary()}")
    cal = calibration(task, target)
    exe = timing_reference_exe(task, target)
    base = _Meter(ev, task, target, cal.reps, cal.reference_ns)
    more = _Meter(ev, task, target, round(cal.reps * KNOWN_EFFECT), cal.reference_ns)
    a, b = ev.sandbox.stage([exe], ["prog"]), ev.sandbox.stage([exe], ["prog"])
    try:
        with evaluate.TIMING_LOCK:  # the module's lock: a pool may have replaced it with a shared one
            got = ev._measure(base.runner("candidate", a, "prog"), more.runner("reference", b, "prog"),
                              base.overhead(b, "prog"))
    finally:
        shutil.rmtree(a, ignore_errors=True)
        shutil.rmtree(b, ignore_errors=True)
    if got is None:
        raise RuntimeError(f"{task.id}: known-effect timing failed: {base.failure}")
    s, lo, hi = speedup_stats(*got)
    return KernelCalibration(task.id, t.speedup, (t.ci_low or 0, t.ci_high or 0), t.pairs, t.faster,
                             s, (lo, hi), is_faster(s, lo))


def summarize(rows: list[KernelCalibration]) -> dict[str, Any]:
    n = len(rows)
    half = [max(r.aa_ci[1] - 1, 1 - r.aa_ci[0]) for r in rows]
    return {
        "kernels": n,
        "aa_interval_contains_1": sum(r.aa_contains_one for r in rows) / n if n else None,
        "aa_called_faster": sum(r.aa_faster for r in rows) / n if n else None,
        "known_effect": KNOWN_EFFECT,
        "known_effect_detected": sum(r.effect_detected for r in rows) / n if n else None,
        "known_effect_median_measured": statistics.median(r.effect_speedup for r in rows) if n else None,
        "median_interval_half_width": statistics.median(half) if n else None,
        "resolvable_speedup": 1 + max(MIN_EFFECT, statistics.median(half)) if n else None,
        "rows": [asdict(r) | {"aa_contains_1": r.aa_contains_one} for r in rows],
    }


def run_calibration(tasks: list[Task], target: Target, ev: Evaluator,
                    on_result: Callable[[KernelCalibration], None] | None = None) -> dict[str, Any]:
    rows = []
    for task in tasks:
        row = calibrate_kernel(ev, task, target)
        rows.append(row)
        if on_result:
            on_result(row)
    return summarize(rows)
