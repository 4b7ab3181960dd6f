"""The Verdict: a staged record of how far a candidate got.

Stages are ordered: none -> assembled -> linked -> ran -> correct -> timed. A failure is
either the candidate's (`kind="candidate"`: the model can fix it, feedback says how) or
the infrastructure's (`kind="infrastructure"`: missing tool, sandbox setup; not the
model's fault and never counted against it).
"""

from __future__ import annotations

import os
import re
from dataclasses import asdict, dataclass, field, fields
from enum import IntEnum
from typing import Any

# Secret-looking text never goes into feedback (stored, shown, or sent to a model): values of
# environment variables whose names say they are secret, and common key formats.
_SECRET_NAME = re.compile(r"KEY|TOKEN|SECRET|PASSW|CREDENTIAL|AUTH", re.I)
_SECRET_PATTERNS = re.compile(r"(sk-[A-Za-z0-9_\-]{16,}|sk-ant-[A-Za-z0-9_\-]{16,}|gh[pousr]_[A-Za-z0-9]{20,}|"
                              r"AKIA[0-9A-Z]{16}|xox[abpr]-[A-Za-z0-9-]{10,}|"
                              r"(?i:(?:api[_-]?key|token|secret|password|authorization)\s*[=:]\s*)\S{8,})")


def scrub_secrets(text: str) -> str:
    """`text` with secret values (from this process's environment, and common key formats)
    replaced by [REDACTED]."""
    for name, value in os.environ.items():
        if len(value) >= 8 and _SECRET_NAME.search(name) and value in text:
            text = text.replace(value, "[REDACTED]")
    return _SECRET_PATTERNS.sub("[REDACTED]", text)


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
    """Interleaved timing of candidate vs clang -O3 (native targets only): CPU time of the
    sandboxed process tree, taken by the kernel, at two repetition counts (see timing.RULE)."""

    speedup: float | None = None           # median of reference_time / candidate_time
    ci_low: float | None = None
    ci_high: float | None = None
    pairs: int = 0
    candidate_ns: list[int] = field(default_factory=list)   # CPU ns of `reps` calls less overhead, per pair
    reference_ns: list[int] = field(default_factory=list)
    reps: int = 0                          # calls per timed run
    overhead_ns: list[int] = field(default_factory=list)  # start-up + setup (reference, 0 calls), first pairs
    faster: bool = False                   # the decision of timing.RULE (never when suspicious)
    rule: str = ""
    inprocess_ratio: float | None = None   # the harness's in-process clock, as a cross-check
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
class Proof:
    """The proof tier's result for a correct candidate (`--prove`; neucomback.prove).

    `tier`: proved (every path of both programs finished within the limits, and no input of the
    task's domain makes them differ), bounded (no difference on the paths explored), refuted (a
    counterexample, confirmed by running it through the harness: the candidate is then wrong)
    or unknown (`reason` says why). A tier never turns a test failure into a pass."""

    tier: str
    reason: str = ""
    seconds: float = 0.0
    limits: str = ""
    counterexample: str = ""               # refuted: the confirmed input, expected and actual output
    seed: int = 0                          # refuted: the case as the harness replays it (seed, draws)
    draws: list[int] = field(default_factory=list)
    paths: dict[str, int] = field(default_factory=dict)


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
    failing_case: int | None = None        # the first test case the candidate got wrong (run/check)
    timing: Timing | None = None
    seconds: dict[str, float] = field(default_factory=dict)
    sandbox: str = ""
    upstream_correct: bool | None = None   # imported tasks: verdict on the upstream test(s) alone
    proof: Proof | None = None             # --prove: the proof tier's result
    placement: dict[str, Any] | None = None  # where it ran: executor, node, node labels (see executors/)

    @property
    def infrastructure_failure(self) -> bool:
        return self.failure_kind == "infrastructure"

    def fail(self, kind: str, stage: str, feedback: str) -> "Verdict":
        self.failure_kind, self.failure_stage, self.feedback = kind, stage, scrub_secrets(feedback)
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
        d["timing"] = Timing(**{k: v for k, v in t.items() if k in _TIMING_FIELDS}) if t else None
        p = d.get("proof")
        d["proof"] = Proof(**{k: v for k, v in p.items() if k in _PROOF_FIELDS}) if p else None
        return cls(**d)

    def summary(self) -> str:
        """A one-line human summary."""
        if self.correct:
            s = f"CORRECT ({self.cases_passed}/{self.cases_total} cases)"
            t = self.timing
            if t and t.speedup is not None:
                s += (f", speedup vs clang -O3 {t.speedup:.3f}x [99% CI {t.ci_low:.3f}-{t.ci_high:.3f}, "
                      f"{t.pairs} pairs]" + (" faster" if t.faster else "")
                      + (f" SUSPICIOUS: {t.suspicious}" if t.suspicious else ""))
            elif t and t.note:
                s += f", {t.note}"
            if self.proof:
                s += f", proof: {self.proof.tier}"
            return s
        kind = "INFRASTRUCTURE ERROR" if self.infrastructure_failure else "WRONG"
        return f"{kind} at stage {self.failure_stage}: {self.feedback.splitlines()[0] if self.feedback else ''}"


_TIMING_FIELDS = {f.name for f in fields(Timing)}
_PROOF_FIELDS = {f.name for f in fields(Proof)}
