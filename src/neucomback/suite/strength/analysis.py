"""Test strength as a measured property: mutants of the reference assembly through the real
verifier, and a probe that separates demonstrated test gaps from likely-equivalent mutants.

For one task on one target:
1. the reference is llc -O3 of the task's IR (the code every candidate is compared with);
2. each mutant (see mutate.py) is verified exactly as a model's answer would be (timing off):
   `killed` if the verdict is wrong for the candidate's reasons after it built, `invalid` if it
   does not assemble or link (never a test's merit), `infrastructure` if our side failed;
3. each survivor is verified again against a *probe*: the same task with many more inputs
   (Level 1: `probe` cases from another seed; Level 2: every size from 1 to 128, capped at
   the task's largest, and the task's own, from another seed). A survivor the probe rejects is a `gap`: the task's tests pass code that is
   demonstrably wrong. One the probe also passes is `equivalent?` (probably equivalent).

With the proof tier (`--prove`, evaluator with prove limits), every survivor is also compared
symbolically with the reference: `proved` equivalent mutants are known, not guessed, to be
outside the killable denominator; a confirmed counterexample the probe missed is a gap too
(`gap_by = "proof"`, its input kept for --augment); `bounded`/`unknown` ones stay `equivalent?`.

Kill rate over killable mutants = killed / (killed + gaps): how much of what can be shown
wrong the task's tests show wrong.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any

from ...cache import atomic_write_json
from ...harness.build import reference_asm
from ...harness.evaluate import Evaluator
from ...harness.verdict import Verdict
from ..task import Task
from ...targets import Target
from .mutate import OPERATORS, Mutant, mutants

BUILD_STAGES = ("assemble", "link")
PROBE_DENSE = 128  # Level 2 probe: every size up to this (or the task's largest), another seed
PROBE_SEED = 7919
PROBE_VARIANTS = 16  # imported Level 2: perturbed runs of the kernel, each under a seed of its own
SCHEMA = 2


@dataclass(frozen=True)
class StrengthSettings:
    """What a strength run does; part of every result's key (a rerun with other settings redoes)."""

    mutants: int = 8
    probe: int = 300
    seed: int = 1
    prove: bool = False       # survivors also go through the proof tier
    prove_seconds: float = 30.0

    def to_json(self) -> dict[str, Any]:
        """The settings as recorded: `prove` (its time budget) only when the proof tier ran."""
        return {"mutants": self.mutants, "probe": self.probe, "seed": self.seed,
                **({"prove_seconds": self.prove_seconds} if self.prove else {})}

    def key(self, task: Task, ref: str) -> str:
        kind = probe_kind(task)  # only when not the default, so that older results of other tasks stay valid
        extra = ([kind] if kind else []) + (["prove"] if self.prove else [])
        blob = json.dumps([SCHEMA, self.mutants, self.probe, self.seed, task.fingerprint(), ref, *extra])
        return hashlib.sha256(blob.encode()).hexdigest()[:16]


@dataclass
class MutantResult:
    operator: str
    label: str
    status: str               # killed | survived | invalid | infrastructure
    stage: str = ""           # the failing stage (killed/invalid/infrastructure)
    probe: str = ""           # survivors: gap | equivalent? | unavailable | infrastructure
    upstream: str = ""        # imported tasks: the upstream I/O pair alone "killed" or "passed" it
    feedback: str = ""        # the first line of what rejected it (the probe's, for gaps)
    proof: str = ""           # survivors, with --prove: proved | bounded | refuted | unknown
    gap_by: str = ""          # gaps: "probe", or "proof" (a confirmed counterexample the probe missed)
    proof_case: list[Any] = field(default_factory=list)  # refuted: [seed, [draws]] (nbh.h: nb_take)


@dataclass
class TaskStrength:
    task: str
    level: int
    target: str
    key: str
    error: str = ""           # the reference itself failed: nothing measured
    probe_note: str = ""
    mutants: list[MutantResult] = field(default_factory=list)

    def count(self, **match: str) -> int:
        return sum(all(getattr(m, k) == v for k, v in match.items()) for m in self.mutants)

    def to_json(self) -> dict[str, Any]:
        return {**asdict(self), **tally(self.mutants)}

    @classmethod
    def from_json(cls, d: dict[str, Any]) -> TaskStrength:
        fields = {k: d[k] for k in ("task", "level", "target", "key", "error", "probe_note")}
        known = set(MutantResult.__dataclass_fields__)
        return cls(**fields, mutants=[MutantResult(**{k: v for k, v in m.items() if k in known}) for m in d["mutants"]])


def tally(ms: Iterable[MutantResult]) -> dict[str, Any]:
    """Counts and the two kill rates (None when there is nothing to divide by)."""
    ms = list(ms)
    killed = sum(m.status == "killed" for m in ms)
    gaps = sum(m.probe == "gap" for m in ms)
    valid = sum(m.status in ("killed", "survived") for m in ms)
    killable = [m for m in ms if (m.status == "killed" or m.probe == "gap") and m.upstream]
    up_killed = sum(m.upstream == "killed" for m in killable)
    return {"total": len(ms), "valid": valid, "killed": killed, "survived": valid - killed, "gaps": gaps,
            "equivalent": sum(m.probe == "equivalent?" for m in ms),
            "proved_equivalent": sum(m.proof == "proved" for m in ms),
            "refuted_survivors": sum(m.proof == "refuted" for m in ms),
            "gaps_found_by_proof": sum(m.gap_by == "proof" for m in ms),
            "survivors_unproved": sum(m.status == "survived" and m.proof in ("bounded", "unknown") for m in ms),
            "invalid": sum(m.status == "invalid" for m in ms),
            "infrastructure": sum(m.status == "infrastructure" or m.probe == "infrastructure" for m in ms),
            "kill_rate": killed / valid if valid else None,
            "killable_kill_rate": killed / (killed + gaps) if killed + gaps else None,
            "upstream_killable": len(killable),
            "upstream_killable_kill_rate": up_killed / len(killable) if killable else None}


def probe_kind(task: Task) -> str:
    """"variants" for a harness of its own whose Level 2 sizes are variants (imported TSVC),
    else "" (the probe of its level)."""
    return "variants" if task.custom_harness is not None and task.level == 2 and \
        task.meta.get("sizes_are_variants") else ""


def probe_task(task: Task, cases: int) -> Task | None:
    """The task with many more inputs, or None when there are none to be had. A harness of its
    own has fixed inputs, except: imported Level 1 tasks hold `meta.probe_inputs` more clean
    inputs after the task's own, which the probe runs too; imported Level 2 kernels (sizes
    are variants: 1 and 2 perturb the arrays from the run's seed) get PROBE_VARIANTS more
    perturbed runs, each under another seed, replayed as added runs are."""
    if probe_kind(task) == "variants":
        runs = tuple((task.seed + PROBE_SEED + i, i, 1 + i % 2) for i in range(PROBE_VARIANTS))
        return replace(task, added_runs=task.added_runs + runs)
    if task.custom_harness is not None:
        extra = int(task.meta.get("probe_inputs", 0)) if task.level == 1 else 0
        return replace(task, cases=task.cases + extra) if extra else None
    if task.level == 1:
        return replace(task, cases=max(cases, task.cases), seed=task.seed + PROBE_SEED)
    dense = range(1, min(PROBE_DENSE, max(task.sizes)) + 1)
    return replace(task, sizes=sorted(set(dense) | set(task.sizes)), seed=task.seed + PROBE_SEED)


def _first_line(v: Verdict) -> str:
    return (v.feedback or "").strip().splitlines()[0][:300] if v.feedback else ""


def judge(v: Verdict) -> tuple[str, str]:
    if v.correct:
        return "survived", ""
    if v.infrastructure_failure:
        return "infrastructure", v.failure_stage or ""
    if v.failure_stage in BUILD_STAGES:
        return "invalid", v.failure_stage or ""
    return "killed", v.failure_stage or ""


def measure_task(task: Task, target: Target, evaluator: Evaluator, settings: StrengthSettings) -> TaskStrength:
    """Mutants of the task's reference, verified and probed. Never raises on a bad mutant."""
    ref = reference_asm(task, target).read_text()
    out = TaskStrength(task.id, task.level, target.name, settings.key(task, ref))
    base = evaluator.verify(task, target, ref, timing=False, prove=False)
    if not base.correct:
        out.error = f"the reference itself fails its tests: {_first_line(base)}"
        return out
    probe = probe_task(task, settings.probe)
    if probe is None:
        out.probe_note = "no probe: the task's harness is its own file (fixed inputs)"
    for m in mutants(ref, target.name, settings.mutants, f"{settings.seed}:{task.id}:{target.name}"):
        out.mutants.append(_one(task, target, evaluator, m, probe))
    return out


def upstream_task(task: Task) -> Task | None:
    """An imported task judged on its single upstream I/O pair (case 0) alone, or None."""
    if task.level == 1 and task.meta.get("upstream_cases") == [0]:
        return replace(task, cases=1, added_cases=())
    return None


def _one(task: Task, target: Target, evaluator: Evaluator, m: Mutant, probe: Task | None) -> MutantResult:
    v = evaluator.verify(task, target, m.asm, timing=False, prove=False)
    status, stage = judge(v)
    r = MutantResult(m.operator, m.label, status, stage, feedback=_first_line(v) if status != "survived" else "")
    single = upstream_task(task) if status in ("killed", "survived") else None
    if single is not None:  # the upstream benchmark's own check, beside ours, on the same mutant
        verdict = judge(v if status == "survived" else evaluator.verify(single, target, m.asm, timing=False, prove=False))[0]
        r.upstream = {"killed": "killed", "survived": "passed"}.get(verdict, "")
    if status != "survived":
        return r
    if probe is None:
        r.probe = "unavailable"
    else:
        pv = evaluator.verify(probe, target, m.asm, timing=False, prove=False)
        pstatus, _ = judge(pv)
        r.probe = {"killed": "gap", "survived": "equivalent?"}.get(pstatus, "infrastructure")
        r.feedback = _first_line(pv) if r.probe == "gap" else ""
        r.gap_by = "probe" if r.probe == "gap" else ""
    if evaluator.prove is not None:
        _prove_survivor(task, target, evaluator, m, r)
    return r


def _prove_survivor(task: Task, target: Target, evaluator: Evaluator, m: Mutant, r: MutantResult) -> None:
    """The proof tier on a mutant the tests passed: a confirmed counterexample is a gap (kept
    with its input); a proof of equivalence settles an `equivalent?`."""
    p = evaluator.proof(task, target, m.asm)
    r.proof = p.tier
    if p.tier == "refuted":
        r.proof_case = [p.seed, list(p.draws)]
        if r.probe != "gap":
            r.probe, r.gap_by = "gap", "proof"
            r.feedback = " ".join(p.counterexample.split())[:300]


def run_strength(tasks: list[Task], target: Target, evaluator: Evaluator, settings: StrengthSettings,
                 out_dir: Path, *, jobs: int = 2,
                 on_result: Callable[[TaskStrength], None] | None = None) -> list[TaskStrength]:
    """Measure every task (in parallel), resuming from `out_dir/<task>.json` files written
    by an earlier run with the same settings and task contents; results keep task order."""
    out_dir.mkdir(parents=True, exist_ok=True)

    def one(task: Task) -> TaskStrength:
        path = out_dir / f"{task.id}.json"
        done = _load(path)
        if done is not None and done.key == settings.key(task, reference_asm(task, target).read_text()):
            res = done
        else:
            res = measure_task(task, target, evaluator, settings)
            atomic_write_json(path, res.to_json())
        if on_result:
            on_result(res)
        return res

    with ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
        return list(pool.map(one, tasks))


def _load(path: Path) -> TaskStrength | None:
    try:
        return TaskStrength.from_json(json.loads(path.read_text()))
    except (OSError, ValueError, KeyError, TypeError):
        return None  # missing or damaged: measured again


def summarize_strength(results: list[TaskStrength]) -> dict[str, Any]:
    """Overall and per-operator tallies, per-task rows and the list of demonstrated gaps."""
    every = [m for r in results for m in r.mutants]
    return {
        "tasks": len(results), "measured": sum(not r.error for r in results),
        "reference_failures": [{"task": r.task, "error": r.error} for r in results if r.error],
        "overall": tally(every),
        "per_operator": {op: tally(m for m in every if m.operator == op) for op in OPERATORS},
        "per_level": {str(lv): tally(m for r in results if r.level == lv for m in r.mutants) for lv in (1, 2)},
        "gaps": [{"task": r.task, "mutant": m.label, "probe_feedback": m.feedback}
                 for r in results for m in r.mutants if m.probe == "gap"],
        "no_probe": [r.task for r in results if r.probe_note],
    }
