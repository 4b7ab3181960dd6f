"""Loading suites (directories of task folders) and their fixed, seeded splits."""

from __future__ import annotations

import random
import re
from dataclasses import dataclass
from pathlib import Path

from ..errors import UsageError
from .task import SPLITS, Task, load_task

BUILTIN = Path(__file__).parent / "builtin"
SPLIT_FRACTIONS = (0.6, 0.2, 0.2)
SPLIT_SEED = 20251101


@dataclass
class Suite:
    """An ordered collection of tasks, addressable by id."""

    root: Path
    tasks: dict[str, Task]

    def get(self, task_id: str) -> Task:
        try:
            return self.tasks[task_id]
        except KeyError:
            close = [t for t in self.tasks if task_id in t][:5]
            hint = f" (did you mean: {', '.join(close)}?)" if close else ""
            raise UsageError(f"unknown task {task_id!r} in suite {self.root}{hint}") from None

    def select(self, *, level: int | None = None, split: str | None = None, ids: list[str] | None = None,
               limit: int | None = None, tags: list[str] | None = None, shuffle: bool = False,
               seed: int = 0) -> list[Task]:
        """Tasks filtered by level, split, ids and tags (any of them), in id order (or shuffled
        with `seed`); at most `limit`, spread over the levels in proportion to their sizes."""
        if split is not None and split not in (*SPLITS, "all"):
            raise UsageError(f"unknown split {split!r}; choose one of: {', '.join(SPLITS)}, all")
        out = [self.get(i) for i in dict.fromkeys(ids)] if ids else list(self.tasks.values())
        if level is not None:
            out = [t for t in out if t.level == level]
        if split not in (None, "all"):
            out = [t for t in out if t.split == split]
        if tags:
            out = [t for t in out if set(tags) & set(t.tags)]
        if shuffle:
            random.Random(seed).shuffle(out)
        return _spread(out, limit) if limit else out


def _spread(tasks: list[Task], limit: int) -> list[Task]:
    """The first `limit` tasks, taken from each level in proportion to its share (at least one
    of each level when the limit allows), keeping the given order within a level."""
    if limit >= len(tasks):
        return tasks
    by: dict[int, list[Task]] = {}
    for t in tasks:
        by.setdefault(t.level, []).append(t)
    quota = {lv: max(1 if limit >= len(by) else 0, round(limit * len(ts) / len(tasks))) for lv, ts in by.items()}
    while sum(quota.values()) > limit:  # rounding: trim the largest
        quota[max(quota, key=lambda lv: quota[lv])] -= 1
    while sum(quota.values()) < limit:
        lv = max((lv for lv in by if quota[lv] < len(by[lv])), key=lambda lv: len(by[lv]) - quota[lv])
        quota[lv] += 1
    keep = {id(t) for lv, ts in by.items() for t in ts[:quota[lv]]}
    return [t for t in tasks if id(t) in keep]


def resolve_suite_path(name: str | Path | None) -> Path:
    """`builtin` (or None) names the suite shipped with the package; anything else is a path."""
    if name in (None, "builtin"):
        return BUILTIN
    path = Path(name)
    if not path.is_dir():
        raise UsageError(f"suite {str(name)!r} is not a directory (use `builtin` or a path)")
    return path


def load_suite(name: str | Path | None = "builtin") -> Suite:
    """Load every task folder (a folder holding task.toml) below the suite root."""
    root = resolve_suite_path(name)
    tasks: dict[str, Task] = {}
    for toml in sorted(root.rglob("task.toml")):
        task = load_task(toml.parent)
        task.suite_root = root
        if task.id in tasks:
            raise UsageError(f"duplicate task id {task.id!r} in {toml.parent} and {tasks[task.id].path}")
        tasks[task.id] = task
    if not tasks:
        raise UsageError(f"suite {root} holds no tasks (no task.toml found)")
    return Suite(root, dict(sorted(tasks.items())))


def assign_splits(ids: list[str], seed: int = SPLIT_SEED,
                  fractions: tuple[float, float, float] = SPLIT_FRACTIONS) -> dict[str, str]:
    """Deterministic train/valid/test assignment: sort, seeded shuffle, cut by fractions."""
    order = sorted(ids)
    random.Random(seed).shuffle(order)
    n_train = round(len(order) * fractions[0])
    n_valid = round(len(order) * fractions[1])
    out = {}
    for i, tid in enumerate(order):
        out[tid] = "train" if i < n_train else "valid" if i < n_train + n_valid else "test"
    return out


def write_split(task: Task, split: str) -> None:
    """Record a split in the task's task.toml (replacing any existing `split = ...` line)."""
    toml_path = task.path / "task.toml"
    text = toml_path.read_text()
    line = f'split = "{split}"'
    if re.search(r'^split\s*=.*$', text, flags=re.M):
        text = re.sub(r'^split\s*=.*$', line, text, count=1, flags=re.M)
    else:
        # keep top-level keys before the first table so the line is not swallowed by one
        m = re.search(r'^\[', text, flags=re.M)
        text = text[:m.start()] + line + "\n" + text[m.start():] if m else text.rstrip("\n") + "\n" + line + "\n"
    toml_path.write_text(text)
