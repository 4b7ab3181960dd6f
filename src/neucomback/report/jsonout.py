"""The machine-readable report of one run (`report --json`, schema in docs/json-schemas.md).

It carries what the HTML shows except bulky text (prompts, replies, assembly), which stays
in the run directory: per-round records point at their files instead.
"""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from ..record.store import _safe
from .evolve import EpochPoint, accepted_diffs, evolve_curve
from .load import RunData, TaskRecord, acc_by_tag, round_outcomes
from ..record.provenance import effective_provenance


def _task(t: TaskRecord) -> dict[str, Any]:
    d = _safe(t.task_id)  # the directory name the store uses for this task
    return {
        "task_id": t.task_id,
        "status": t.status,
        "result": t.result,
        "final_round": t.final.index if t.final else None,
        "rounds": [{"round": r.index, "kind": r.kind, "step": r.step, "outcome": r.outcome,
                    "stage": r.verdict.get("stage"), "failure_stage": r.verdict.get("failure_stage"),
                    "speedup": r.timing.get("speedup"), "ci_low": r.timing.get("ci_low"),
                    "ci_high": r.timing.get("ci_high"),
                    "prompt_tokens": r.reply.get("prompt_tokens", 0),
                    "completion_tokens": r.reply.get("completion_tokens", 0),
                    "files": {"prompt": f"tasks/{d}/round-{r.index}.prompt.md",
                              "reply": f"tasks/{d}/round-{r.index}.reply.md",
                              "asm": f"tasks/{d}/round-{r.index}.s" if r.asm is not None else None,
                              "verdict": f"tasks/{d}/round-{r.index}.verdict.json"}}
                   for r in t.rounds],
    }


def _curve(run: RunData) -> list[EpochPoint]:
    """The evolve curve with each accepted epoch's prompt diff filled in."""
    curve = evolve_curve(run.evolve)
    accepted_diffs(run.home, curve)  # fills EpochPoint.diff in place
    return curve


def report_json(run: RunData, outputs: dict[str, str | None]) -> dict[str, Any]:
    """The report as one JSON-able dict; `outputs` names the files written (html, markdown)."""
    prov, note = effective_provenance(run.provenance, run.config.get("target"))
    return {
        "run_dir": str(run.home),
        "rollout_dir": str(run.path) if run.root else None,
        "outputs": outputs,
        "config": run.config,
        "summary": run.summary,
        "created": run.created,
        "provenance": prov,
        "provenance_source": "report-time" if note else "run",
        "provenance_resumes": run.provenance_resumes,
        "acc_by_tag": [{"tag": tag, "correct": k, "tasks": n} for tag, k, n in acc_by_tag(run)],
        "round_outcomes": round_outcomes(run),
        "evolve": None if run.evolve is None else [asdict(e) for e in _curve(run)],
        "tasks": [_task(t) for t in run.tasks],
    }
