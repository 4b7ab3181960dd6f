"""Selection: score a prompt on the valid split; keep the best, roll back from a worse one.

Ranking is by ACC, then ACC+Perf (after optimization), then ACC@first. The last key is a
tie-break we add: with self-debugging, a guideline that prevents first-try errors often
leaves ACC unchanged but saves rounds. A prompt that ties the best is accepted (it holds the
newer lessons); one that ranks below it is rolled back to the best before the next epoch.
An epoch that changed nothing (its prompt is the best itself) is recorded as "unchanged".
"""

from __future__ import annotations

from typing import Any

SCORE_KEYS = ("acc", "acc_first", "acc_perf", "acc_perf_first")


def score_of(summary: dict[str, Any]) -> dict[str, float]:
    """The scores kept for a prompt (metrics that do not apply, e.g. ACC+Perf without Level 2, are left out)."""
    out = {k: float(summary[k]) for k in SCORE_KEYS if summary.get(k) is not None}
    out["tasks"] = float(summary.get("tasks", 0))
    return out


def rank(score: dict[str, float]) -> tuple[float, float, float]:
    """The sort key: higher is better. A missing metric counts as 0."""
    return (score.get("acc", 0.0), score.get("acc_perf", 0.0), score.get("acc_first", 0.0))


def decide(candidate: dict[str, float], best: dict[str, float]) -> str:
    """"accepted" if the candidate ranks at least as high as the best so far, else "rolled back"."""
    return "accepted" if rank(candidate) >= rank(best) else "rolled back"
