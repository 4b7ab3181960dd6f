"""Tests that grow: the inputs that showed a mutant wrong, added to the task's own tests.

`suite strength --augment` takes each demonstrated gap of a task (a mutant its tests passed and
the probe rejected), finds the probe input that rejected it (the verdict's `failing_case`) and
adds that input to the task, in `augment.toml` beside its task.toml:

- Level 1: the case as `[seed, index]` of the task's own input generator (nbh.h draws case
  `index` of `seed` exactly as the probe did, with that run's register values), run after
  the task's regular cases;
- Level 2: the run as `[seed, entry, size]`: entry `entry` of the probe's run plan under
  `seed`, replayed after the task's own sizes;
- a gap only the proof tier found (`--prove`): its confirmed counterexample as
  `values = [seed, "h1,h2,..."]`, the harness's draws given value by value (nbh.h: nb_take).

An input is kept only if the reference passes it (llc -O3 agrees with the -O0 oracle there)
and the task with it rejects the mutant. It stops when the kill rate over killable mutants
reaches `target_rate` or the task holds `cap` added inputs. The file is data, not code: the
same file gives the same tests on every machine, and it changes the task's fingerprint, so
every cached reference output and strength result of the task is recomputed.
"""

from __future__ import annotations

import json
import tomllib
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from ...harness.build import reference_asm
from ...harness.evaluate import Evaluator
from ...targets import Target
from ..task import AUGMENT_FILE, Task
from .analysis import StrengthSettings, TaskStrength, judge, probe_task
from .mutate import mutants

CAP = 16            # added inputs a task may hold (all augment runs together)
TARGET_RATE = 1.0   # stop once every demonstrated gap of the task is closed


@dataclass
class Added:
    """One added input and why: the mutant it rejects."""

    case: tuple[int, int] | None = None   # Level 1: (seed, index)
    run: tuple[int, int, int] | None = None   # Level 2: (seed, plan entry, size)
    values: tuple[int, tuple[int, ...]] | None = None  # Level 1, from a proof: (seed, draws)
    target: str = ""
    kills: str = ""
    settings: str = ""


@dataclass
class TaskAugment:
    task: str
    gaps: int = 0                # demonstrated gaps before
    closed: int = 0              # of those, rejected by the task's tests once the inputs are added
    killed: int = 0              # mutants the tests rejected before
    added: list[Added] = field(default_factory=list)
    note: str = ""               # why some gaps stay open

    def to_json(self) -> dict[str, Any]:
        k = self.killed
        return {"task": self.task, "gaps": self.gaps, "closed": self.closed, "note": self.note,
                "added": [{k2: v for k2, v in vars(a).items() if v not in (None, "")} for a in self.added],
                "killable_rate_before": k / (k + self.gaps) if k + self.gaps else None,
                "killable_rate_after": (k + self.closed) / (k + self.gaps) if k + self.gaps else None}


def augment_task(task: Task, target: Target, evaluator: Evaluator, result: TaskStrength,
                 settings: StrengthSettings, *, cap: int = CAP, target_rate: float = TARGET_RATE) -> TaskAugment:
    """Add inputs that close `result`'s gaps (see the module doc); write augment.toml if any
    were added. `result` must be a measurement of this very task (same key). Never raises on a
    mutant; raises OSError if the task's folder cannot be written."""
    out = TaskAugment(task.id, killed=result.count(status="killed"))
    ref = reference_asm(task, target).read_text()
    pool = mutants(ref, target.name, settings.mutants, f"{settings.seed}:{task.id}:{target.name}")
    pairs = [(m, r) for m, r in zip(pool, result.mutants) if r.probe == "gap" and m.label == r.label]
    gaps = [m for m, _ in pairs]
    proof_cases = {m.label: r.proof_case for m, r in pairs if r.proof_case}
    out.gaps = len(gaps)
    probe = probe_task(task, settings.probe)
    if not gaps or (probe is None and not proof_cases):
        out.note = "" if not gaps else "no probe: the task's harness is its own file"
        return out
    grown = task
    for m in gaps:
        if (out.killed + out.closed) / (out.killed + out.gaps) >= target_rate:
            break
        if _rejects(evaluator, grown, target, m.asm):   # an input added for another gap does it
            out.closed += 1
            continue
        if grown.added_count >= cap:
            out.note = f"stopped at the cap of {cap} added inputs"
            break
        new = _found_input(evaluator, probe, target, m.asm) if probe is not None else None
        if new is None and m.label in proof_cases:
            seed, draws = proof_cases[m.label]
            new = (None, None, (int(seed), tuple(int(d) for d in draws)))
        if new is None:
            continue
        trial = _with(grown, new)
        if trial is grown or not evaluator.verify(trial, target, ref, timing=False, prove=False).correct:
            continue  # the reference fails there: an input the task does not define (UB), not a test
        if _rejects(evaluator, trial, target, m.asm):
            grown = trial
            out.closed += 1
            out.added.append(Added(*new, target=target.name, kills=m.label, settings=_settings_text(settings)))
    if out.closed < out.gaps and not out.note:
        out.note = f"{out.gaps - out.closed} gap(s) not closed: the probe's input did not reproduce in the task"
    if out.added:
        write_augment(task, _entries(task) + out.added)
    return out


def _rejects(evaluator: Evaluator, task: Task, target: Target, asm: str) -> bool:
    return judge(evaluator.verify(task, target, asm, timing=False, prove=False))[0] == "killed"


Found = tuple[tuple[int, int] | None, tuple[int, int, int] | None, tuple[int, tuple[int, ...]] | None]


def _found_input(evaluator: Evaluator, probe: Task, target: Target, asm: str) -> Found | None:
    """The probe input that rejects `asm`, as (case, run), or None if the probe passes it now."""
    v = evaluator.verify(probe, target, asm, timing=False, prove=False)
    c = v.failing_case
    if judge(v)[0] != "killed" or c is None or c < 0:
        return None
    if probe.level == 2:
        sizes = probe.check_sizes
        if c < len(sizes):
            return None, (probe.seed, c, sizes[c]), None
        extra = c - len(sizes)  # a run the probe added (imported kernels: a perturbed variant)
        return (None, probe.added_runs[extra], None) if extra < len(probe.added_runs) else None
    if c < probe.cases:
        return ((probe.seed, c), None, None)
    return None  # one of the task's added cases: already there


def _with(task: Task, new: Found) -> Task:
    case, run, values = new
    if case is not None and case not in task.added_cases:
        return replace(task, added_cases=(*task.added_cases, case))
    if run is not None and run not in task.added_runs:
        return replace(task, added_runs=(*task.added_runs, run))
    if values is not None and values not in task.added_values:
        return replace(task, added_values=(*task.added_values, values))
    return task


def _settings_text(s: StrengthSettings) -> str:
    return f"mutants {s.mutants}, seed {s.seed}, probe {s.probe}"


def _entries(task: Task) -> list[Added]:
    """The entries already in the task's augment.toml (their provenance kept)."""
    path = task.path / AUGMENT_FILE
    if not path.exists():
        return []
    data = tomllib.loads(path.read_text())
    return [Added(case=tuple(a["case"]) if "case" in a else None,  # type: ignore[arg-type]
                  run=tuple(a["run"]) if "run" in a else None,  # type: ignore[arg-type]
                  values=(int(a["values"][0]), tuple(int(x, 16) for x in str(a["values"][1]).split(",") if x))
                  if "values" in a else None,
                  target=a.get("target", ""), kills=a.get("kills", ""), settings=a.get("settings", ""))
            for a in data.get("added", [])]


def write_augment(task: Task, entries: list[Added]) -> Path:
    """Write `entries` as the task's augment.toml (atomically)."""
    lines = ["# Inputs added by `neucomback suite strength --augment`: each makes the task's tests reject",
             "# a mutant of the reference assembly that they used to pass (`kills`). Level 1 entries are",
             "# [seed, index] of the task's input generator, Level 2 entries [seed, plan entry, size] of a run",
             "# plan, `values` entries [seed, draws] a proof's counterexample given value by value.",
             "# Regenerate, don't edit.",
             ""]
    for a in entries:
        lines.append("[[added]]")
        if a.values is not None:
            lines.append(f"values = [{a.values[0]}, \"{','.join(f'{d:x}' for d in a.values[1])}\"]")
        else:
            what = ("case", a.case) if a.case is not None else ("run", a.run)
            lines.append(f"{what[0]} = [{', '.join(map(str, what[1] or ()))}]")
        for name in ("target", "kills", "settings"):
            value = " ".join(str(getattr(a, name)).split())
            if value:
                lines.append(f"{name} = {json.dumps(value)}")
        lines.append("")
    path = task.path / AUGMENT_FILE
    tmp = path.with_suffix(".toml.tmp")
    tmp.write_text("\n".join(lines))
    tmp.replace(path)
    return path


def run_augment(tasks: list[Task], results: list[TaskStrength], target: Target, evaluator: Evaluator,
                settings: StrengthSettings, *, jobs: int = 2, cap: int = CAP,
                target_rate: float = TARGET_RATE) -> list[TaskAugment]:
    """augment_task for every task with a demonstrated gap (in parallel), in task order."""
    from concurrent.futures import ThreadPoolExecutor

    todo = [(t, r) for t, r in zip(tasks, results) if not r.error and r.count(probe="gap")]
    with ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
        return list(pool.map(lambda tr: augment_task(tr[0], target, evaluator, tr[1], settings, cap=cap,
                                                     target_rate=target_rate), todo))


def summarize_augment(done: list[TaskAugment]) -> dict[str, Any]:
    return {"tasks": len(done), "gaps": sum(a.gaps for a in done), "closed": sum(a.closed for a in done),
            "added": sum(len(a.added) for a in done), "per_task": [a.to_json() for a in done]}
