"""Reading run directories for the renderers: a bench run through record/view.py (the
read-only view of the run store), an evolve run as its featured rollout. Never writes.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from ..errors import UsageError
from ..record.view import (STEP_FIRST, RoundRecord, RunData, TaskRecord, is_run_dir, read_run, run_summary,
                           stored_summary)
from . import evolve

__all__ = ["RoundRecord", "RunData", "TaskRecord", "is_run_dir", "find_runs", "load_run", "run_summary",
           "attach_reference_asm", "acc_by_tag", "round_outcomes", "speedup_points", "OUTCOMES"]


def find_runs(root: Path, depth: int = 3) -> list[Path]:
    """Run directories at or below `root` (at most `depth` levels down), sorted by path.
    Does not descend into a run directory (its tasks/ hold no runs)."""
    found: list[Path] = []

    def walk(d: Path, left: int) -> None:
        if is_run_dir(d) or evolve.is_evolve_dir(d):
            found.append(d)
            return
        if left == 0:
            return
        try:
            subs = sorted(p for p in d.iterdir() if p.is_dir() and not p.name.startswith("."))
        except OSError:
            return
        for p in subs:
            walk(p, left - 1)

    walk(Path(root), depth)
    return found


def load_run(path: Path | str, with_rounds: bool = True) -> RunData:
    """Read a run directory (bench, or evolve: see report/evolve.py). UsageError if it is
    neither. Without rounds (for listings) the attempts, which hold every prompt and reply,
    are not read."""
    path = Path(path)
    if not is_run_dir(path) and evolve.is_evolve_dir(path):
        return _load_evolve(path, with_rounds)
    return read_run(path, with_rounds)


def _load_evolve(root: Path, with_rounds: bool) -> RunData:
    """An evolve run as its featured rollout, with the evolve settings as its config."""
    doc = evolve.read_doc(root)
    best = evolve.best_prompt(doc)
    featured = evolve.featured_rollout(root, best)
    if featured is None:
        raise UsageError(f"{root} is an evolve run without a finished evaluation yet; report it later")
    run = load_run(featured, with_rounds)
    run.config = {**evolve.settings(root, doc), "command": "evolve", "split": featured.parent.name,
                  "prompt": run.config.get("prompt") or best, "rollout": str(featured.relative_to(root))}
    run.summary = run_summary(run.config, [t.result for t in run.tasks if t.result], stored_summary(featured))
    run.root, run.evolve = root, doc or None
    run.summary["scripted"] = bool(run.summary.get("scripted") or doc.get("scripted"))  # the loop's own flag
    return run


def attach_reference_asm(run: RunData, on_task: Callable[[str], None] | None = None) -> str:
    """Fill each task's `reference_asm` with llc -O3's assembly for its IR (as the diff baseline).

    Returns "" on success, else why the reference is unavailable (suite moved, toolchain
    missing): the report then shows the note instead of diffs; it never fails for this.
    """
    from ..harness.build import reference_asm
    from ..suite import load_suite
    from ..targets import get_target

    try:
        suite = load_suite(run.config.get("suite") or "builtin")
        target = get_target(run.config.get("target") or "x86_64")
    except Exception as e:  # noqa: BLE001 - any reason to have no reference is only a note
        return f"reference assembly unavailable: {e}"
    note = ""
    for t in run.tasks:
        try:
            t.reference_asm = reference_asm(suite.get(t.task_id), target).read_text()
        except Exception as e:  # noqa: BLE001
            t.reference_note = note = f"reference assembly unavailable: {str(e).splitlines()[0][:300]}"
        if on_task:
            on_task(t.task_id)
    return note


def acc_by_tag(run: RunData) -> list[tuple[str, int, int]]:
    """[(tag, correct, total)] over finished tasks, most common tags first."""
    counts: dict[str, list[int]] = {}
    for t in run.tasks:
        if t.result is None:
            continue
        for tag in t.result.get("tags") or ["(untagged)"]:
            c = counts.setdefault(tag, [0, 0])
            c[0] += bool(t.result.get("correct"))
            c[1] += 1
    return sorted(((k, v[0], v[1]) for k, v in counts.items()), key=lambda x: (-x[2], x[0]))


OUTCOMES = ("faster", "correct", "wrong", "infrastructure")


def round_outcomes(run: RunData) -> dict[str, dict[str, int]]:
    """{step: {outcome: attempts}} over all attempts, steps ordered first try, debug k, opt k."""
    out: dict[str, dict[str, int]] = {}
    for t in run.tasks:
        for r in t.rounds:
            d = out.setdefault(r.step, dict.fromkeys(OUTCOMES, 0))
            d[r.outcome] += 1
    return dict(sorted(out.items(), key=lambda kv: _step_key(kv[0])))


def _step_key(step: str) -> tuple[int, int]:
    if step == STEP_FIRST:
        return (0, 0)
    kind, _, k = step.partition(" ")
    return (1 if kind == "debug" else 2, int(k) if k.isdigit() else 0)


def speedup_points(run: RunData) -> list[tuple[str, float, float | None, float | None]]:
    """[(task, speedup, ci_low, ci_high)] for correct tasks timed against clang -O3."""
    pts = []
    for t in run.tasks:
        r = t.result or {}
        if r.get("correct") and r.get("speedup") is not None:
            pts.append((t.task_id, r["speedup"], r.get("ci_low"), r.get("ci_high")))
    return pts

