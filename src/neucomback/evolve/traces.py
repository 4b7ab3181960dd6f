"""The traces worth learning from, read back from a rollout's RunStore.

    debug: the task failed at first and was then solved by self-debugging (rounds 0..fix)
    opt:   optimization ended faster than the first correct version (first correct..best)

Everything else (first-try successes, unsolved tasks, infrastructure failures) teaches
nothing the model could turn into a guideline, so it is not sent.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ..models.base import last_user_text
from ..models.llc_provider import extract_ir
from ..record.store import RunStore

IR_LINES = 80
ASM_LINES = 80
FEEDBACK_CHARS = 1500


@dataclass
class TraceRound:
    """One round as the analysis sees it: an excerpt of the asm and what the harness said."""

    index: int
    kind: str
    correct: bool
    asm: str
    feedback: str
    stage: str | None = None
    speedup: float | None = None


@dataclass
class Trace:
    """A task's rounds that matter, with an excerpt of its IR."""

    task_id: str
    function: str
    kind: str                      # "debug" | "opt"
    ir: str
    rounds: list[TraceRound] = field(default_factory=list)

    @property
    def section(self) -> str:
        """The guideline section this trace can teach."""
        return "correctness" if self.kind == "debug" else "performance"

    def summary(self) -> dict[str, Any]:
        """A short description for logs."""
        return {"task_id": self.task_id, "kind": self.kind, "section": self.section,
                "rounds": [r.index for r in self.rounds],
                "stages": [r.stage for r in self.rounds if not r.correct],
                "speedups": [r.speedup for r in self.rounds if r.speedup is not None]}


def excerpt(text: str, max_lines: int) -> str:
    """The first `max_lines` lines of text, saying how many were left out."""
    lines = text.rstrip("\n").splitlines()
    if len(lines) <= max_lines:
        return "\n".join(lines)
    return "\n".join(lines[:max_lines]) + f"\n... ({len(lines) - max_lines} more lines)"


def kind_of(result: dict[str, Any]) -> str | None:
    """"debug", "opt" or None (not worth analysing) for a stored TaskResult."""
    if result.get("status") != "done" or not result.get("correct"):
        return None
    if (result.get("correct_round") or 0) > 0:
        return "debug"
    first, best = result.get("first_speedup"), result.get("speedup")
    if result.get("opt_improved") and first is not None and best is not None and best > first:
        return "opt"
    return None


def collect_traces(store: RunStore, results: list[dict[str, Any]], functions: dict[str, str]) -> list[Trace]:
    """The traces of a finished rollout, in task-id order (so prompts and logs are reproducible).

    A task solved by debugging that then also optimized yields its debug trace only: the
    fix is the rarer lesson, and one trace per task keeps the analysis calls bounded.
    """
    out = []
    for res in sorted(results, key=lambda r: r["task_id"]):
        kind = kind_of(res)
        if kind is None:
            continue
        tid = res["task_id"]
        lo, hi = (0, res["correct_round"]) if kind == "debug" else (res["correct_round"], res["best_round"])
        rounds = [_round(store.attempt(tid, i), i) for i in range(lo, hi + 1)]
        first = store.attempt(tid, 0)
        ir = extract_ir(last_user_text(first["messages"])) if first else None
        out.append(Trace(tid, functions.get(tid, "?"), kind, excerpt(ir or "(IR not recorded)", IR_LINES),
                         [r for r in rounds if r is not None]))
    return out


def _round(rec: dict[str, Any] | None, index: int) -> TraceRound | None:
    """A TraceRound from a stored attempt (None if the attempt is missing)."""
    if rec is None:
        return None
    v = rec["verdict"]
    t = v.get("timing") or {}
    speedup = t.get("speedup")
    if v.get("correct"):
        feedback = (f"correct; speedup vs clang -O3 {speedup:.3f}x (99% CI {t.get('ci_low') or 0:.3f}-"
                    f"{t.get('ci_high') or 0:.3f}, {'faster' if t.get('faster') else 'not significantly faster'})"
                    + (f"; NOT TRUSTED: {t['suspicious']}" if t.get("suspicious") else "")
                    if speedup is not None else "correct")
    else:
        feedback = (v.get("feedback") or "")[:FEEDBACK_CHARS]
    return TraceRound(index, rec["kind"], bool(v.get("correct")), excerpt(rec.get("asm") or "(no assembly)", ASM_LINES),
                      feedback, v.get("failure_stage"), speedup)
