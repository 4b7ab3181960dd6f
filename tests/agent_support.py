"""Helpers for agent tests: compile IR found in a request, and scripted responders.

Everything here is SCRIPTED test machinery served by the local mock server: it is not a
model and no result of it is ever reported as one.
"""

from __future__ import annotations

import re
import sqlite3
import subprocess
import tempfile
from pathlib import Path
from typing import Any

from neucomback.targets import TARGETS

_IR = re.compile(r"```llvm\n(.*?)```", re.S)


def ir_of(request: dict[str, Any]) -> str:
    """The IR in the first user message of a chat request."""
    first = next(m["content"] for m in request["messages"] if m["role"] == "user")
    return _IR.search(first).group(1)  # type: ignore[union-attr]


def llc_asm(ir: str, opt: str = "-O3") -> str:
    """llc's assembly for IR (the target is read from the IR's triple)."""
    triple = re.search(r'target triple = "([^"]+)"', ir).group(1)  # type: ignore[union-attr]
    target = next(t for t in TARGETS.values() if triple.startswith(t.name))
    with tempfile.TemporaryDirectory() as d:
        (Path(d) / "in.ll").write_text(ir)
        subprocess.run(["llc-19", *target.llc_flags, opt, "in.ll", "-o", "out.s"], cwd=d, check=True)
        return (Path(d) / "out.s").read_text()


def fenced(asm: str) -> str:
    return f"Here is the assembly.\n\n```asm\n{asm}```\n"


def last_user(request: dict[str, Any]) -> str:
    return [m for m in request["messages"] if m["role"] == "user"][-1]["content"]


def is_feedback(request: dict[str, Any]) -> bool:
    return "did not pass verification" in last_user(request)


def drop_globl(asm: str) -> str:
    """The classic first-try mistake: the function symbol is not exported."""
    return "\n".join(l for l in asm.splitlines() if not l.strip().startswith(".globl")) + "\n"


def attempts_recorded(run_dir: Path) -> int:
    """Attempts committed in a run directory so far (0 while it has no database)."""
    try:
        with sqlite3.connect(run_dir / "run.sqlite") as db:
            return db.execute("SELECT COUNT(*) FROM attempts").fetchone()[0]
    except sqlite3.Error:
        return 0
