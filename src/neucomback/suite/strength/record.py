"""The suite's strength record: what `suite strength` last measured, per task and target.

It lives beside the tasks, in `STRENGTH.<target>.json` at the suite root, so that `suite
show`, a run's provenance and its HTML report can say how strong the tests behind each
verdict are. The file is outside every task folder, so writing it changes no task's
fingerprint.

Each entry is keyed by the task's fingerprint: once a task changes (an added input, an edited
test), its entry is *stale*, and it is never counted as a measurement of the task as it is.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from ...cache import atomic_write_json
from ..task import Task
from .analysis import StrengthSettings, TaskStrength, tally

FORMAT = 1
COUNTS = ("valid", "killed", "gaps", "equivalent", "invalid", "infrastructure", "upstream_killable")
PROOF_COUNTS = ("proved_equivalent", "gaps_found_by_proof")  # measured with --prove only


def record_path(root: Path, target: str) -> Path:
    return root / f"STRENGTH.{target}.json"


def read_record(root: Path | None, target: str) -> dict[str, Any]:
    """{task id: entry} from the suite's record for `target`; {} when absent or unreadable."""
    if root is None:
        return {}
    try:
        data = json.loads(record_path(root, target).read_text())
    except (OSError, ValueError):
        return {}
    tasks = data.get("tasks") if isinstance(data, dict) and data.get("format") == FORMAT else None
    return tasks if isinstance(tasks, dict) else {}


def entry(task: Task, result: TaskStrength, settings: StrengthSettings) -> dict[str, Any]:
    """One task's measurement as recorded: counts, rates, the signedness mutants apart
    (the class the first measurement found weakest) and the upstream pair's own figure."""
    t = tally(result.mutants)
    sign = tally(m for m in result.mutants if m.operator == "signedness")
    up_killed = sum(m.upstream == "killed" for m in result.mutants if m.status == "killed" or m.probe == "gap")
    return {"fingerprint": task.fingerprint(), "measured_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
            "settings": settings.to_json(), "error": result.error, "probe": not result.probe_note,
            **{k: t[k] for k in COUNTS}, "upstream_killed": up_killed,
            "signedness_killed": sign["killed"], "signedness_gaps": sign["gaps"],
            **({k: t[k] for k in PROOF_COUNTS} if settings.prove else {})}


def write_record(root: Path, target: str, pairs: Iterable[tuple[Task, TaskStrength]],
                 settings: StrengthSettings) -> Path:
    """Merge these tasks' measurements into the suite's record (atomically); other tasks'
    entries are kept. Raises OSError when the suite folder cannot be written."""
    tasks = read_record(root, target)
    for task, result in pairs:
        tasks[task.id] = entry(task, result, settings)
    path = record_path(root, target)
    atomic_write_json(path, {"format": FORMAT, "target": target, "tasks": dict(sorted(tasks.items()))})
    return path


def task_entry(task: Task, target: str) -> tuple[dict[str, Any] | None, str]:
    """(entry, state) for one task: state is "current", "stale" (measured before the task
    last changed) or "missing"; the entry is None unless current."""
    e = read_record(task.suite_root, target).get(task.id)
    if not isinstance(e, dict):
        return None, "missing"
    if e.get("fingerprint") != task.fingerprint():
        return None, "stale"
    return e, "current"


def _rate(num: int, den: int) -> float | None:
    return num / den if den else None


def summarize_record(tasks: list[Task], target: str) -> dict[str, Any]:
    """Strength of the tests behind a set of tasks, from their suites' records: sums over the
    current entries, and how many tasks were not measured or changed since."""
    records: dict[Path | None, dict[str, Any]] = {}
    current: list[dict[str, Any]] = []
    stale = missing = 0
    for task in tasks:
        rec = records.setdefault(task.suite_root, read_record(task.suite_root, target))
        e = rec.get(task.id)
        if not isinstance(e, dict):
            missing += 1
        elif e.get("fingerprint") != task.fingerprint():
            stale += 1
        elif not e.get("error"):
            current.append(e)
    s = {k: sum(int(e.get(k, 0)) for e in current) for k in (*COUNTS, *PROOF_COUNTS, "upstream_killed",
                                                               "signedness_killed", "signedness_gaps")}
    settings = sorted({json.dumps(e.get("settings", {}), sort_keys=True) for e in current})
    return {"target": target, "tasks": len(tasks), "measured": len(current), "stale": stale, "missing": missing,
            **s, "kill_rate": _rate(s["killed"], s["valid"]),
            "killable_kill_rate": _rate(s["killed"], s["killed"] + s["gaps"]),
            "signedness_killable_kill_rate": _rate(s["signedness_killed"],
                                                   s["signedness_killed"] + s["signedness_gaps"]),
            "upstream_killable_kill_rate": _rate(s["upstream_killed"], s["upstream_killable"]),
            "without_probe": sum(not e.get("probe", True) for e in current),
            "settings": [json.loads(x) for x in settings]}


def _pct(x: float | None) -> str:
    return "-" if x is None else f"{100 * x:.1f}%"


def describe(s: dict[str, Any]) -> str:
    """One line for a reader: how much demonstrably wrong code the tests reject."""
    if not s.get("measured"):
        why = f"{s.get('stale', 0)} changed since measured, " if s.get("stale") else ""
        return (f"not measured on {s.get('target')} ({why}{s.get('missing', 0)} never measured; "
                f"`neucomback suite strength --target {s.get('target')}` measures it)")
    cfg = "; ".join(f"{c.get('mutants')} mutants/task, seed {c.get('seed')}, probe {c.get('probe')}"
                    for c in s["settings"])
    parts = [f"rejects {_pct(s['killable_kill_rate'])} of the demonstrably wrong mutants "
             f"({s['killed']} killed, {s['gaps']} gaps; {_pct(s['kill_rate'])} of all {s['valid']} valid)",
             ]
    if s.get("signedness_killable_kill_rate") is not None:
        parts.append(f"signedness mutants {_pct(s['signedness_killable_kill_rate'])}")
    if s.get("upstream_killable"):
        parts.append(f"the upstream single I/O pair alone {_pct(s['upstream_killable_kill_rate'])}")
    if s.get("proved_equivalent") or s.get("gaps_found_by_proof"):
        parts.append(f"{s['proved_equivalent']} survivors proved equivalent, {s['gaps_found_by_proof']} gaps found "
                     "only by the proof tier")
    line = f"{', '.join(parts)}; {s['measured']}/{s['tasks']} tasks measured on {s['target']} ({cfg})"
    if s.get("stale"):
        line += f", {s['stale']} changed since"
    if s.get("without_probe"):
        line += f", {s['without_probe']} without a probe (gaps unknown)"
    return line
