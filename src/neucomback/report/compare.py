"""Comparing runs: metrics side by side, tasks whose correctness flipped, speedup ratios.

The first run is the baseline: deltas and speedup ratios are relative to it. Tasks are the
union over all runs; a task missing from a run (other split, --limit, unfinished) is None
there and never counts as a flip.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .fmt import METRICS, fmt_delta
from .load import RunData


@dataclass
class TaskComparison:
    """One task across runs: its result per run (None if absent) and derived facts."""

    task_id: str
    cells: list[dict[str, Any] | None]

    @property
    def correct(self) -> list[bool | None]:
        return [None if c is None else bool(c.get("correct")) for c in self.cells]

    @property
    def flipped(self) -> bool:
        """Correct in at least one run and wrong in another (absent runs ignored)."""
        known = {c for c in self.correct if c is not None}
        return len(known) == 2

    @property
    def speedups(self) -> list[float | None]:
        return [None if c is None or not c.get("correct") else c.get("speedup") for c in self.cells]

    @property
    def speedup_ratios(self) -> list[float | None]:
        """Each run's speedup divided by the first run's (None when either is missing)."""
        base = self.speedups[0]
        return [None if (s is None or not base) else s / base for s in self.speedups]


@dataclass
class Comparison:
    """Runs (first = baseline), their display names, and the per-task comparison."""

    runs: list[RunData]
    names: list[str]
    tasks: list[TaskComparison]


def display_names(runs: list[RunData]) -> list[str]:
    """Short distinct names: the model when models differ, else the directory name (made
    unique with a suffix when two runs share it)."""
    models = [str(r.config.get("model", r.name)) for r in runs]
    names = models if len(set(models)) == len(models) else [r.name for r in runs]
    seen: dict[str, int] = {}
    out = []
    for n in names:
        seen[n] = seen.get(n, 0) + 1
        out.append(n if seen[n] == 1 else f"{n} ({seen[n]})")
    return out


def compare_runs(runs: list[RunData]) -> Comparison:
    """Build the comparison of `runs` (at least one) in the given order."""
    by_run = [{t.task_id: t.result for t in r.tasks if t.result is not None} for r in runs]
    ids = sorted(set().union(*by_run))
    return Comparison(runs, display_names(runs), [TaskComparison(i, [m.get(i) for m in by_run]) for i in ids])


def comparison_json(cmp: Comparison) -> dict[str, Any]:
    """The `compare --json` document (schema in docs/json-schemas.md)."""
    metrics = []
    for m in METRICS:
        vals = [r.summary.get(m.key) for r in cmp.runs]
        metrics.append({"metric": m.key, "label": m.label, "values": vals,
                        "deltas": [None, *[fmt_delta(m.kind, vals[0], v) or None for v in vals[1:]]]})
    return {
        "runs": [{"name": n, "run_dir": str(r.home), "model": r.config.get("model"), "target": r.config.get("target"),
                  "split": r.config.get("split"), "summary": r.summary} for n, r in zip(cmp.names, cmp.runs)],
        "metrics": metrics,
        "flipped": [t.task_id for t in cmp.tasks if t.flipped],
        "tasks": [{"task_id": t.task_id, "correct": t.correct, "outcome": [None if c is None else c.get("outcome") for c in t.cells],
                   "speedup": t.speedups, "speedup_ratio": t.speedup_ratios, "flipped": t.flipped}
                  for t in cmp.tasks],
    }
