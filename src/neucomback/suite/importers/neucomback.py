"""Import a local checkout of the public NeuComBack dataset (QiMeng-IPRC/QiMeng-NeuComBack)
as a suite in our task format.

    summary = import_neucomback(Path("QiMeng-NeuComBack"), Path("suites/neucomback"))
    print(format_summary(summary))
    suite = load_suite("suites/neucomback")

Level 1 (`NeuComBackDataset/Level1/exebench`): one task per upstream id of
`Level1/data_tools.py` (its 120/40/40 train/test/valid split is reproduced without running
the file), with the upstream harness logic, the upstream test as case 0
(`meta.upstream_cases = [0]`, so verdicts also report `upstream_correct`) and derived inputs
as further cases. See `_level1.py`.

Level 2 (`NeuComBackDataset/Level2/task_c`): one task per TSVC kernel of
`Level2/data_tools.py` (101/25/25), with scaled-down loop counts and perturbing harnesses.
See `_level2.py`.

Nothing of the upstream checkout is modified; everything is written below `out`, which must
be empty, absent, or an earlier import (it then holds IMPORT.json and is updated in place).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from ...errors import UsageError
from ...harness.evaluate import Evaluator
from . import _level1, _level2
from ._common import TaskFailed, parse_splits
from ._fit import first_failure

MANIFEST = "IMPORT.json"
LEVEL_DIRS = {1: "level1", 2: "level2"}


@dataclass
class TaskOutcome:
    """What happened to one upstream task."""

    level: int
    upstream_id: str
    split: str | None
    ok: bool
    task_id: str | None = None
    reason: str = ""                 # why it was not imported
    cases: int = 0                   # Level 1: test cases (1 upstream + derived); Level 2: checked sizes
    dropped: dict[str, int] = field(default_factory=dict)   # derived inputs rejected, by reason
    flags: list[str] = field(default_factory=list)          # notes about the upstream test itself
    upstream_ref_match: bool | None = None                   # our case 0 equals upstream's .ref / checksum
    weak_tests: str = ""             # imported with fewer derived inputs than wanted, and why
    seconds: float = 0.0


@dataclass
class ImportSummary:
    """The result of `import_neucomback`."""

    src: Path
    out: Path
    levels: tuple[int, ...]
    outcomes: list[TaskOutcome] = field(default_factory=list)
    seconds: float = 0.0
    notes: list[str] = field(default_factory=list)

    @property
    def imported(self) -> list[TaskOutcome]:
        return [o for o in self.outcomes if o.ok]

    @property
    def failed(self) -> list[TaskOutcome]:
        return [o for o in self.outcomes if not o.ok]

    def level(self, level: int) -> list[TaskOutcome]:
        return [o for o in self.outcomes if o.level == level]

    def to_json(self) -> dict[str, Any]:
        return {"src": str(self.src), "out": str(self.out), "levels": list(self.levels),
                "seconds": round(self.seconds, 1), "notes": self.notes,
                "outcomes": [asdict(o) for o in self.outcomes]}


def dataset_root(src: Path) -> Path:
    """The NeuComBackDataset folder of a checkout (the repository root or the folder itself)."""
    src = Path(src)
    for cand in (src / "NeuComBackDataset", src):
        if (cand / "Level1").is_dir() or (cand / "Level2").is_dir():
            return cand
    raise UsageError(f"{src} is not a NeuComBack checkout: no NeuComBackDataset/Level1 or Level2 folder "
                     "(clone https://github.com/QiMeng-IPRC/QiMeng-NeuComBack)")


def _plan(root: Path, levels: Iterable[int], limit: int | None,
          ids: Iterable[str] | None = None) -> list[tuple[int, str, str]]:
    """(level, upstream id, split) for every task to import, in upstream order (only the
    upstream ids in `ids`, when given)."""
    wanted = {str(i) for i in ids} if ids else None
    plan: list[tuple[int, str, str]] = []
    for level in levels:
        if level not in LEVEL_DIRS:
            raise UsageError(f"unknown level {level!r}: NeuComBack has levels 1 and 2")
        tools = root / f"Level{level}" / "data_tools.py"
        if not tools.is_file():
            raise UsageError(f"{tools} not found")
        splits = parse_splits(tools)
        items = [(level, str(i), s) for s in ("train", "test", "valid") for i in splits[s]
                 if wanted is None or str(i) in wanted]
        plan.extend(items[:limit] if limit else items)
    return plan


def count_tasks(src: Path, *, levels: Iterable[int] = (1, 2), limit: int | None = None,
                ids: Iterable[str] | None = None) -> int:
    """How many tasks `import_neucomback` will try (for a progress bar's total)."""
    return len(_plan(dataset_root(src), levels, limit, ids))


def _prepare_out(out: Path, levels: Iterable[int], partial: bool = False) -> None:
    if out.exists() and not out.is_dir():
        raise UsageError(f"{out} exists and is not a directory")
    if out.is_dir() and any(out.iterdir()) and not (out / MANIFEST).is_file():
        raise UsageError(f"{out} is not empty and holds no earlier import ({MANIFEST}): choose a new folder")
    out.mkdir(parents=True, exist_ok=True)
    if partial:
        if not (out / MANIFEST).is_file():
            raise UsageError(f"--id re-imports tasks into an earlier import; {out} holds none ({MANIFEST})")
        return  # only the named tasks' folders are replaced
    for level in levels:
        d = out / LEVEL_DIRS[level]
        if d.exists():
            shutil.rmtree(d)  # an earlier import of this level: replaced as a whole


def _upstream_commit(src: Path) -> str | None:
    try:
        p = subprocess.run(["git", "-C", str(src), "rev-parse", "HEAD"], capture_output=True, text=True, timeout=10)
    except (OSError, subprocess.TimeoutExpired):
        return None
    return p.stdout.strip() or None if p.returncode == 0 else None


def import_neucomback(src: Path, out: Path, *, levels: Iterable[int] = (1, 2), limit: int | None = None,
                      progress: Callable[[str], None] | None = None, jobs: int | None = None,
                      ids: Iterable[str] | None = None) -> ImportSummary:
    """Convert a NeuComBack checkout at `src` into a suite at `out` (see the module docstring).

    `limit` imports only the first N tasks of each level (upstream order: train, test, valid).
    `progress(label)` is called once per task when it is done (`count_tasks` gives the total).
    `jobs` tasks are converted in parallel (default: the number of CPUs).
    `ids` re-imports only those upstream tasks into an earlier import at `out`, replacing
    their folders and manifest entries and keeping every other task.
    Tasks that cannot be converted are listed in the summary, not raised; a bad `src` or
    `out` raises UsageError.
    """
    t0 = time.perf_counter()
    src, out = Path(src), Path(out)
    levels = tuple(sorted(set(levels)))
    root = dataset_root(src)
    ids = [str(i) for i in ids] if ids else None
    plan = _plan(root, levels, limit, ids)
    if ids and not plan:
        raise UsageError(f"no upstream task with id {', '.join(ids)} in level(s) {', '.join(map(str, levels))}")
    previous: list[dict[str, Any]] = []
    if (out / MANIFEST).is_file():
        try:
            previous = list(json.loads((out / MANIFEST).read_text()).get("outcomes", []))
        except (json.JSONDecodeError, AttributeError):
            previous = []
    _prepare_out(out, levels, partial=bool(ids))
    # written first, so that an interrupted import can be re-run into the same folder
    (out / MANIFEST).write_text(json.dumps({"incomplete": True, "outcomes": previous}, indent=1) + "\n")
    summary = ImportSummary(src, out, levels)
    lock = threading.Lock()

    def done(o: TaskOutcome) -> None:
        with lock:
            summary.outcomes.append(o)
        if progress:
            progress(f"L{o.level} {o.upstream_id}: " + ("ok" if o.ok else "failed"))

    with tempfile.TemporaryDirectory(prefix="nbimport-") as tmp:
        work = Path(tmp)
        workers = max(1, jobs or os.cpu_count() or 1)
        for level in levels:
            items = [p for p in plan if p[0] == level]
            if not items:
                continue
            if level == 1:
                _run_level1(root, out, items, work, workers, summary, done)
            else:
                _level2.import_level(root, out / LEVEL_DIRS[2], items, work, workers, summary, done)

    summary.outcomes.sort(key=lambda o: (o.level, _order_key(o.upstream_id)))
    summary.seconds = time.perf_counter() - t0
    manifest = summary.to_json()
    # an earlier import of the other level stays in the manifest
    redone = {(lv, up) for lv, up, _ in plan}
    kept = [o for o in previous if (o.get("level"), str(o.get("upstream_id"))) not in redone] if ids else \
        [o for o in previous if o.get("level") not in levels]
    manifest["outcomes"] = sorted(kept + manifest["outcomes"],
                                  key=lambda o: (o.get("level", 0), _order_key(str(o.get("upstream_id")))))
    manifest["levels"] = sorted({o["level"] for o in manifest["outcomes"]} | set(levels))
    manifest["upstream_commit"] = _upstream_commit(src)
    manifest["created"] = time.strftime("%Y-%m-%dT%H:%M:%S")
    (out / MANIFEST).write_text(json.dumps(manifest, indent=1) + "\n")
    return summary


def _order_key(i: str) -> tuple[int, str]:
    return (int(i), "") if i.isdigit() else (1 << 30, i)


def _run_level1(root: Path, out: Path, items: list[tuple[int, str, str]], work: Path, workers: int,
                summary: ImportSummary, done: Callable[[TaskOutcome], None]) -> None:
    exebench = root / "Level1" / "exebench"
    if not exebench.is_dir():
        raise UsageError(f"{exebench} not found")
    shared = work / "l1-include"
    try:
        origin = _level1.shared_includes(exebench, shared)
    except TaskFailed as e:
        raise UsageError(str(e)) from None
    summary.notes.append(f"Level 1: nlohmann/json from {origin}")
    tools = _level1.ProbeToolchain(shared, work)
    if not tools.sanitizers:
        summary.notes.append("Level 1: no sanitizer runtime (apt-get install libclang-rt-19-dev): derived inputs "
                             "were checked for crashes, timeouts and -O0/-O3 agreement only")
    dest = out / LEVEL_DIRS[1]
    dest.mkdir(parents=True, exist_ok=True)
    # one copy of the shared headers inside `out`, so task folders can hard-link to it
    suite_shared = dest / ".shared"
    shutil.copytree(shared, suite_shared)

    evaluator = Evaluator()

    def one(item: tuple[int, str, str]) -> TaskOutcome:
        _, uid, split = item
        t = time.perf_counter()
        try:
            r = _level1.import_task(_level1.L1Upstream(uid, exebench), split, split, suite_shared, tools, dest,
                                    check=lambda d: first_failure(d, evaluator))
            o = TaskOutcome(1, uid, split, True, r.task_id, cases=r.cases, dropped=r.dropped,
                            flags=r.upstream_flags, upstream_ref_match=r.upstream_ref_match, weak_tests=r.weak)
        except TaskFailed as e:
            o = TaskOutcome(1, uid, split, False, reason=str(e))
        except Exception as e:  # an importer bug must not lose the other tasks
            o = TaskOutcome(1, uid, split, False, reason=f"internal error: {type(e).__name__}: {e}")
        o.seconds = time.perf_counter() - t
        done(o)
        return o

    try:
        with ThreadPoolExecutor(workers) as pool:
            list(pool.map(one, items))
    finally:
        shutil.rmtree(suite_shared, ignore_errors=True)


def format_summary(summary: ImportSummary) -> str:
    """A human-readable report of an import (for the CLI)."""
    lines: list[str] = []
    total_ok = len(summary.imported)
    lines.append(f"Imported {total_ok} of {len(summary.outcomes)} NeuComBack tasks into {summary.out} "
                 f"in {summary.seconds:.0f} s.")
    for level in summary.levels:
        outs = summary.level(level)
        if not outs:
            continue
        ok = [o for o in outs if o.ok]
        per_split = []
        for s in ("train", "valid", "test"):
            n_all = sum(1 for o in outs if o.split == s)
            if n_all:
                per_split.append(f"{s} {sum(1 for o in ok if o.split == s)}/{n_all}")
        lines.append(f"Level {level}: {len(ok)}/{len(outs)} imported ({', '.join(per_split)}).")
        if ok and level == 1:
            cases = Counter(o.cases for o in ok)
            lines.append("  test cases per task: " + ", ".join(f"{c} ({n} tasks)" for c, n in sorted(cases.items())))
            dropped: Counter[str] = Counter()
            for o in ok:
                dropped.update(o.dropped)
            if dropped:
                lines.append("  derived inputs rejected: " + ", ".join(f"{k} {v}" for k, v in dropped.most_common()))
            weak = [o.upstream_id for o in ok if o.weak_tests]
            if weak:
                lines.append(f"  weak tests (tag weak-tests: fewer than {_level1.MIN_DERIVED} derived inputs run "
                             f"cleanly; kept, not dropped): {', '.join(weak)}")
        if ok and level == 2:
            lines.append(f"  sizes checked per task: {ok[0].cases} (case 0 = upstream initialisation)")
        checked = [o for o in ok if o.upstream_ref_match is not None]
        if checked:
            what = ("case 0 output equals the upstream testN.ref" if level == 1 else
                    "the unscaled kernel reproduces upstream's checksum and dummy() count")
            lines.append(f"  {what}: {sum(1 for o in checked if o.upstream_ref_match)} of {len(checked)} checked"
                         + ("" if level == 1 or len(checked) == len(ok) else
                            f" (the other {len(ok) - len(checked)} take over "
                            f"{_level2.UPSTREAM_VERIFY_S:g} s upstream at -O3 and are not re-run)"))
        mism = [o.upstream_id for o in ok if o.upstream_ref_match is False]
        if mism:
            lines.append(f"  differs on: {', '.join(mism)}")
        flagged = [o for o in ok if o.flags]
        if flagged:
            lines.append(f"  upstream test flagged in {len(flagged)} tasks:")
            for o in flagged[:20]:
                lines.append(f"    {o.task_id}: {'; '.join(o.flags)[:160]}")
        bad = [o for o in outs if not o.ok]
        if bad:
            lines.append(f"  not imported ({len(bad)}):")
            for o in bad:
                lines.append(f"    {o.upstream_id} [{o.split}]: {o.reason.splitlines()[0][:200] if o.reason else ''}")
    for n in summary.notes:
        lines.append(f"note: {n}")
    return "\n".join(lines)
