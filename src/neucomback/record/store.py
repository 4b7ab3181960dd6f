"""The run store: a run directory backed by SQLite plus human-readable files.

Layout of RUN_DIR:
    run.sqlite                 attempts, results and run metadata (the source of truth)
    config.json                the command's settings (a rerun must match them to resume)
    tasks/<task>/round-K.prompt.md, round-K.reply.md, round-K.s, round-K.verdict.json
    tasks/<task>/result.json   the task's final result
    summary.json               metrics of the run (rewritten at the end)

Every attempt is committed in one SQLite transaction *before* its files are written, so a
`kill -9` loses at most the attempt in flight; a rerun replays recorded attempts instead of
repeating them (no paid call is made twice).
"""

from __future__ import annotations

import json
import sqlite3
import threading
import time
from pathlib import Path
from typing import Any

from ..cache import atomic_write_json, atomic_write_text
from ..errors import UsageError

DB_FILE = "run.sqlite"   # the one name of a run's database; only record/ opens it
SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS attempts (
    task_id TEXT NOT NULL, round INTEGER NOT NULL, kind TEXT NOT NULL,
    messages TEXT NOT NULL, reply TEXT NOT NULL, asm TEXT, extraction TEXT NOT NULL,
    verdict TEXT NOT NULL, created REAL NOT NULL,
    PRIMARY KEY (task_id, round));
CREATE TABLE IF NOT EXISTS results (task_id TEXT PRIMARY KEY, result TEXT NOT NULL, created REAL NOT NULL);
"""


def connect_read_only(db: Path, probe: str = "SELECT 1 FROM sqlite_master LIMIT 1") -> sqlite3.Connection:
    """A connection that reads a run database without writing anything when it can.

    A WAL database cannot be opened `mode=ro` while its -shm file is missing (after a clean
    close) and the directory is not writable; with no WAL content left, `immutable=1` reads it
    without locks or side files. Only a WAL that still holds commits (a killed run) in a
    writable directory is opened read-write, so that SQLite can replay it."""
    wal = db.with_name(db.name + "-wal")
    try:
        con = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
        con.execute(probe)
        return con
    except sqlite3.OperationalError as e:
        if "readonly" not in str(e) and "unable to open" not in str(e):
            raise
    if not wal.exists() or wal.stat().st_size == 0:
        con = sqlite3.connect(f"file:{db}?immutable=1", uri=True)
        con.execute(probe)
        return con
    return sqlite3.connect(db)


def check_run_db(run_dir: Path) -> None:
    """Raise UsageError if `run_dir` holds a run whose run.sqlite is missing, empty or fails
    SQLite's quick_check; a directory without a run passes."""
    db = run_dir / DB_FILE
    advice = ("the run cannot be resumed safely. Its readable files (config.json, tasks/) stay as they are: "
              "move the directory away and start again with another --run-dir")
    if not db.exists():
        if (run_dir / "config.json").exists() or (run_dir / "tasks").is_dir():
            raise UsageError(f"{run_dir} holds a run but its run.sqlite is missing: {advice}")
        return
    if db.stat().st_size == 0:
        raise UsageError(f"{db} is empty (truncated): {advice}")
    try:
        con = connect_read_only(db)
        try:
            rows = con.execute("PRAGMA quick_check").fetchall()
        finally:
            con.close()
    except sqlite3.Error as e:
        raise UsageError(f"{db} is not a readable database ({e}): {advice}") from None
    if rows != [("ok",)]:
        raise UsageError(f"{db} is corrupt (quick_check: {rows[0][0] if rows else '?'}): {advice}")


class RunStore:
    """One run directory. Safe to use from several threads (one connection, one lock)."""

    def __init__(self, run_dir: Path) -> None:
        """Open (or create) the run. UsageError, with what to do, when the directory holds a
        run whose database is missing, emptied or corrupt (never a silent fresh start: a
        paid model would be called again and the run's provenance lost), or cannot be written."""
        self.dir = Path(run_dir)
        db = self.dir / DB_FILE
        check_run_db(self.dir)
        try:
            self.dir.mkdir(parents=True, exist_ok=True)
            self._db = sqlite3.connect(db, check_same_thread=False, isolation_level=None)
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA synchronous=FULL")
            self._db.executescript(SCHEMA)
        except (OSError, sqlite3.Error) as e:
            raise UsageError(f"{self.dir}: cannot open the run for writing ({e}); check the directory's "
                             "permissions and free space, or pass another --run-dir") from None
        self._lock = threading.Lock()

    # -- run metadata -----------------------------------------------------------------
    def bind_config(self, config: dict[str, Any], resume_keys: list[str]) -> bool:
        """Record the run's config, or check that a rerun matches it. True if resuming.

        Only `resume_keys` must match (e.g. model, suite, target, rounds); others such as
        --jobs may change between a killed run and its rerun.
        """
        old = self.get_meta("config")
        if old is None:
            self.set_meta("config", config)
            self.set_meta("created", time.time())
            atomic_write_json(self.dir / "config.json", config)
            return False
        diff = [k for k in resume_keys if old.get(k) != config.get(k)]
        if diff:
            raise UsageError(f"{self.dir} holds a run with different settings ({', '.join(diff)}: "
                             f"{', '.join(f'{old.get(k)!r} vs {config.get(k)!r}' for k in diff)}); "
                             "use another --run-dir")
        return True

    def set_meta(self, key: str, value: Any) -> None:
        with self._lock:
            self._db.execute("INSERT OR REPLACE INTO meta VALUES (?, ?)", (key, json.dumps(value, default=str)))

    def get_meta(self, key: str) -> Any:
        with self._lock:
            row = self._db.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return json.loads(row[0]) if row else None

    # -- attempts ---------------------------------------------------------------------
    def record_attempt(self, task_id: str, rnd: int, kind: str, messages: list[dict], reply: dict,
                       asm: str | None, extraction: dict, verdict: dict) -> None:
        """Commit one attempt atomically, then write its readable files. A round that continues
        the previous round's conversation (its messages, that round's reply, then new ones) is
        stored as only the new messages: a long conversation is not written again every round."""
        stored: Any = messages
        prev = self.attempt(task_id, rnd - 1) if rnd > 0 else None
        if prev is not None:
            head = [*prev["messages"], {"role": "assistant", "content": prev["reply"].get("text", "")}]
            if messages[:len(head)] == head:
                stored = {"continues": rnd - 1, "new": messages[len(head):]}
        row = (task_id, rnd, kind, json.dumps(stored), json.dumps(reply), asm, json.dumps(extraction),
               json.dumps(verdict, default=str), time.time())
        with self._lock:
            self._db.execute("INSERT OR REPLACE INTO attempts VALUES (?,?,?,?,?,?,?,?,?)", row)
        self._write_attempt_files(task_id, rnd, kind, stored, reply, asm, verdict)

    def attempt(self, task_id: str, rnd: int) -> dict[str, Any] | None:
        """One attempt, with the whole conversation that was sent in its round."""
        with self._lock:
            row = self._db.execute("SELECT kind, messages, reply, asm, extraction, verdict FROM attempts "
                                   "WHERE task_id = ? AND round = ?", (task_id, rnd)).fetchone()
        if row is None:
            return None
        messages = json.loads(row[1])
        if isinstance(messages, dict):  # only what this round added to the previous round's
            prev = self.attempt(task_id, int(messages["continues"]))
            if prev is None:
                raise UsageError(f"{self.dir}: round {rnd} of {task_id} continues a round that is missing")
            messages = [*prev["messages"], {"role": "assistant", "content": prev["reply"].get("text", "")},
                        *messages["new"]]
        return {"kind": row[0], "messages": messages, "reply": json.loads(row[2]), "asm": row[3],
                "extraction": json.loads(row[4]), "verdict": json.loads(row[5])}

    def attempts(self, task_id: str | None = None) -> list[dict[str, Any]]:
        q = "SELECT task_id, round, kind, reply, verdict, extraction FROM attempts"
        args: tuple = ()
        if task_id is not None:
            q += " WHERE task_id = ?"
            args = (task_id,)
        with self._lock:
            rows = self._db.execute(q + " ORDER BY task_id, round", args).fetchall()
        return [{"task_id": r[0], "round": r[1], "kind": r[2], "reply": json.loads(r[3]),
                 "verdict": json.loads(r[4]), "extraction": json.loads(r[5])} for r in rows]

    # -- results ----------------------------------------------------------------------
    def record_result(self, task_id: str, result: dict[str, Any]) -> None:
        with self._lock:
            self._db.execute("INSERT OR REPLACE INTO results VALUES (?, ?, ?)",
                             (task_id, json.dumps(result, default=str), time.time()))
        atomic_write_json(self.dir / "tasks" / _safe(task_id) / "result.json", result)

    def result(self, task_id: str) -> dict[str, Any] | None:
        with self._lock:
            row = self._db.execute("SELECT result FROM results WHERE task_id = ?", (task_id,)).fetchone()
        return json.loads(row[0]) if row else None

    def results(self) -> list[dict[str, Any]]:
        with self._lock:
            rows = self._db.execute("SELECT result FROM results ORDER BY task_id").fetchall()
        return [json.loads(r[0]) for r in rows]

    def close(self) -> None:
        with self._lock:
            self._db.close()

    # -- readable files ---------------------------------------------------------------
    def _write_attempt_files(self, task_id: str, rnd: int, kind: str, messages: Any, reply: dict,
                             asm: str | None, verdict: dict) -> None:
        d = self.dir / "tasks" / _safe(task_id)
        head = f"# {task_id}, round {rnd} ({kind})\n\n"
        if isinstance(messages, dict):
            head += (f"(continues round {messages['continues']}: its prompt, then its reply "
                     f"round-{messages['continues']}.reply.md, then:)\n\n")
            messages = messages["new"]
        prompt = "\n\n".join(f"## {m['role']}\n\n{m['content']}" for m in messages)
        atomic_write_text(d / f"round-{rnd}.prompt.md", f"{head}{prompt}\n")
        label = " (SCRIPTED: not a model's output)" if reply.get("scripted") else ""
        atomic_write_text(d / f"round-{rnd}.reply.md",
                          f"# reply from {reply.get('provider', '?')}{label}\n\n{reply.get('text', '')}\n")
        if asm is not None:
            atomic_write_text(d / f"round-{rnd}.s", asm)
        atomic_write_json(d / f"round-{rnd}.verdict.json", verdict)


def sample_key(task_id: str, epoch: int) -> str:
    """The key of one sample of a task (epoch 1, 2, ...): the task id for epoch 1, so that a
    run with one epoch is keyed by task ids, and `task@K` for the others."""
    return task_id if epoch <= 1 else f"{task_id}@{epoch}"


def task_of(key: str) -> tuple[str, int]:
    """(task id, epoch) of a sample key; inverse of sample_key."""
    base, at, k = key.rpartition("@")
    return (base, int(k)) if at and k.isdigit() and base else (key, 1)


def _safe(task_id: str) -> str:
    return "".join(c if c.isalnum() or c in "._-@" else "_" for c in task_id)
