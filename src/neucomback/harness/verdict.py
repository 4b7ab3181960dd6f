"""The Verdict: a staged record of how far a candidate got.

Stages are ordered: none -> assembled -> linked -> ran -> correct -> timed. A failure is
either the candidate's (`kind="candidate"`: the model can fix it, feedback says how) or
the infrastructure's (`kind="infrastructure"`: missing tool, sandbox setup; not the
model's fault and never counted against it).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from enum import IntEnum
from typing import Any


class Stage(IntEnum):
    NONE = 0
    ASSEMBLED = 1
    LINKED = 2
    RAN = 3
    CORRECT = 4
    TIMED = 5

    def label(self) -> str:
        return self.name.lower()


@dataclass
class Timing:
    """Interleaved wall-clock timing of candidate vs reference (native targets only)."""

    speedup: float | None = None           # median of reference_time / candidate_time
    ci_low: float | None = None
    ci_high: float | None = None
    pairs: int = 0
    candidate_ns: list[int] = field(default_factory=list)
    reference_ns: list[int] = field(default_factory=list)
    reps: int = 0
    size: int = 0
    wall_clock_valid: bool = True          # False under emulation: speedup is then None
    note: str = ""
    mca_candidate_cycles: float | None = None
    mca_reference_cycles: float | None = None
    mca_summary: str = ""
    callgrind_candidate: int | None = None
    callgrind_reference: int | None = None
    suspicious: str = ""


@dataclass
class Verdict:
    """Everything known about one candidate for one (task, target)."""

    task_id: str
    target: str
    stage: Stage = Stage.NONE
    correct: bool = False
    failure_kind: str | None = None        # None, "candidate" or "infrastructure"
    failure_stage: str | None = None       # the stage that was being attempted
    feedback: str = ""
    cases_total: int = 0
    cases_passed: int = 0
    timing: Timing | None = None
    seconds: dict[str, float] = field(default_factory=dict)
    sandbox: str = ""
    upstream_correct: bool | None = None   # imported tasks: verdict on the upstream test(s) alone

    @property
    def infrastructure_failure(self) -> bool:
        return self.failure_kind == "infrastructure"

    def fail(self, kind: str, stage: str, feedback: str) -> "Verdict":
        self.failure_kind, self.failure_stage, self.feedback = kind, stage, feedback
        self.correct = False
        return self

    def to_json(self) -> dict[str, Any]:
        d = asdict(self)
        d["stage"] = self.stage.label()
        return d

    @classmethod
    def from_json(cls, d: dict[str, Any]) -> "Verdict":
        d = dict(d)
        d["stage"] = Stage[d["stage"].upper()]
        t = d.get("timing")
        d["timing"] = Timing(**t) if t else None
        return cls(**d)

    def summary(self) -> str:
        """A one-line human summary."""
        if self.correct:
            s = f"CORRECT ({self.cases_passed}/{self.cases_total} cases)"
            t = self.timing
            if t and t.speedup is not None:
                s += f", speedup vs clang -O3 {t.speedup:.3f}x [95% CI {t.ci_low:.3f}-{t.ci_high:.3f}]"
            elif t and t.note:
                s += f", {t.note}"
            return s
        kind = "INFRASTRUCTURE ERROR" if self.infrastructure_failure else "WRONG"
        return f"{kind} at stage {self.failure_stage}: {self.feedback.splitlines()[0] if self.feedback else ''}"
