"""The read-only view of a run directory: the one reader of run.sqlite outside the store.

The SQLite store is the source of truth (see record/store.py); files in the run directory are
only used where the store has nothing (summary.json's `stopped`, evolve.json of evolve runs).
Metrics are recomputed with `summarize` so a report always matches `bench` for the same
results, even for a run that was killed before writing summary.json. Nothing here writes.
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import UsageError
from .metrics import summarize
from .store import DB_FILE, connect_read_only

STEP_FIRST = "first try"


@dataclass
class RoundRecord:
    """One recorded attempt of a task, with the messages it added to the conversation."""

    index: int
    kind: str                   # first | debug | opt (as the workflow recorded it)
    step: str                   # "first try", "debug 1", "opt 2": the k-th round of its kind
    new_messages: list[dict[str, str]]
    reply: dict[str, Any]
    asm: str | None
    verdict: dict[str, Any]

    @property
    def correct(self) -> bool:
        return bool(self.verdict.get("correct"))

    @property
    def infrastructure(self) -> bool:
        return self.verdict.get("failure_kind") == "infrastructure"

    @property
    def timing(self) -> dict[str, Any]:
        return self.verdict.get("timing") or {}

    @property
    def outcome(self) -> str:
        """faster | correct | wrong | infrastructure: faster by the timing rule (record.metrics.faster_of)."""
        from .metrics import faster_of

        if self.infrastructure:
            return "infrastructure"
        if not self.correct:
            return "wrong"
        return "faster" if faster_of(self.timing) else "correct"


@dataclass
class TaskRecord:
    """A task of the run: its stored result (None while unfinished) and its rounds."""

    task_id: str
    result: dict[str, Any] | None
    rounds: list[RoundRecord]
    reference_asm: str | None = None
    reference_note: str = ""

    @property
    def final(self) -> RoundRecord | None:
        """The round whose asm the task ends with: the best verified one, else the last."""
        best = (self.result or {}).get("best_round")
        for r in self.rounds:
            if r.index == best:
                return r
        return self.rounds[-1] if self.rounds else None

    @property
    def status(self) -> str:
        return "unfinished" if self.result is None else self.result.get("status", "done")


@dataclass
class RunData:
    """Everything a report shows about one run directory."""

    path: Path
    config: dict[str, Any]
    summary: dict[str, Any]
    tasks: list[TaskRecord]
    provenance: dict[str, Any] | None
    provenance_resumes: list[dict[str, Any]] = field(default_factory=list)
    created: float | None = None
    evolve: Any = None
    meta: dict[str, Any] = field(default_factory=dict)
    root: Path | None = None    # an evolve run's directory; `path` is then its featured rollout

    @property
    def home(self) -> Path:
        """The directory the user named (the run, or the evolve run holding it)."""
        return self.root or self.path

    @property
    def name(self) -> str:
        return self.home.name or str(self.home)

    @property
    def label(self) -> str:
        """"llc:O3 on x86_64, test split": what the run is, in words."""
        c = self.config
        base = f"{c.get('model', '?')} on {c.get('target', '?')}, {c.get('split', '?')} split"
        return f"evolve: {base}, prompt {c.get('prompt', '?')}" if self.root else base


def is_run_dir(path: Path) -> bool:
    """Whether `path` holds a run's database (a bench run, or one rollout of an evolve run)."""
    return (Path(path) / DB_FILE).is_file()


def _connect(path: Path) -> sqlite3.Connection:
    """A read-only connection to a run's database (see store.connect_read_only)."""
    return connect_read_only(path / DB_FILE, probe="SELECT 1 FROM meta LIMIT 1")


def _meta(con: sqlite3.Connection) -> dict[str, Any]:
    return {k: json.loads(v) for k, v in con.execute("SELECT key, value FROM meta")}


def _new_messages(messages: list[dict[str, str]]) -> list[dict[str, str]]:
    """The messages a round added: all of round 0's, else those after the last assistant turn
    (each later round re-sends the whole conversation, which would repeat it in the report)."""
    last = max((i for i, m in enumerate(messages) if m.get("role") == "assistant"), default=-1)
    return messages[last + 1:]


def _rounds(con: sqlite3.Connection) -> dict[str, list[RoundRecord]]:
    """All attempts, grouped by task, in round order, labelled with their step."""
    out: dict[str, list[RoundRecord]] = {}
    counters: dict[tuple[str, str], int] = {}
    rows = con.execute("SELECT task_id, round, kind, messages, reply, asm, verdict FROM attempts "
                       "ORDER BY task_id, round")
    for tid, rnd, kind, messages, reply, asm, verdict in rows:
        k = counters[(tid, kind)] = counters.get((tid, kind), 0) + 1
        step = STEP_FIRST if kind == "first" else f"{kind} {k}"
        stored = json.loads(messages)  # a later round may hold only what it added (RunStore)
        new = stored["new"] if isinstance(stored, dict) else _new_messages(stored)
        out.setdefault(tid, []).append(RoundRecord(rnd, kind, step, new, json.loads(reply), asm, json.loads(verdict)))
    return out


def _evolve(path: Path) -> Any:
    """evolve.json's content when the run is an evolve run (None otherwise or if unreadable)."""
    p = path / "evolve.json"
    try:
        return json.loads(p.read_text()) if p.is_file() else None
    except (OSError, json.JSONDecodeError):
        return None


def stored_summary(path: Path) -> dict[str, Any]:
    """summary.json as bench last wrote it ({} when absent or unreadable)."""
    try:
        return json.loads((path / "summary.json").read_text())
    except (OSError, json.JSONDecodeError):
        return {}


def read_run(path: Path | str, with_rounds: bool = True) -> RunData:
    """Read one run directory (a bench run or an evolve rollout; evolve runs as a whole are
    read by report/load.py). UsageError if it holds no run database. Without rounds (for
    listings) the attempts, which hold every prompt and reply, are not read."""
    path = Path(path)
    if not is_run_dir(path):
        raise UsageError(f"{path} is not a run directory (no run.sqlite); make one with `neucomback bench`")
    try:
        con = _connect(path)
        try:
            meta = _meta(con)
            results = {tid: json.loads(r) for tid, r in con.execute("SELECT task_id, result FROM results")}
            rounds = _rounds(con) if with_rounds else {}
        finally:
            con.close()
    except (sqlite3.Error, json.JSONDecodeError, OSError) as e:
        raise UsageError(f"{path}/run.sqlite cannot be read ({type(e).__name__}: {e})") from None
    config = meta.get("config") or _read_json(path / "config.json")
    tasks = [TaskRecord(tid, results.get(tid), rounds.get(tid, [])) for tid in sorted(set(results) | set(rounds))]
    return RunData(path, config, run_summary(config, list(results.values()), stored_summary(path)), tasks,
                   meta.get("provenance"), meta.get("provenance_resumes") or [], meta.get("created"), _evolve(path),
                   {k: v for k, v in meta.items() if k not in ("config", "summary", "provenance")})


def _read_json(p: Path) -> dict[str, Any]:
    try:
        return json.loads(p.read_text())
    except (OSError, json.JSONDecodeError):
        return {}


def run_summary(config: dict[str, Any], results: list[dict[str, Any]], stored: dict[str, Any]) -> dict[str, Any]:
    """`summarize(results)` plus what bench adds (model, target, split, stopped, complete)."""
    s = summarize(sorted(results, key=lambda r: r["task_id"]))
    s.update(model=config.get("model"), target=config.get("target"), split=config.get("split"),
             stopped=stored.get("stopped", ""), complete=stored.get("complete"))
    return s


