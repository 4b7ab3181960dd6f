"""The tasks of a compile: one Level 1 task per function, written into the run directory.

Each task folder holds the function alone (`ref.ll`, what the model translates and the
oracle: the same IR compiled by the trusted toolchain), the rest of the module
(`support.ll`: the other functions and the globals, linked into every build of the task,
weak) and a task.toml with the test signature. The files are a pure function of the module
and the spec, so a resumed compile finds the same tasks (same fingerprints, same cache).
"""

from __future__ import annotations

import re
from dataclasses import fields
from pathlib import Path
from typing import Any

from ..cache import atomic_write_text
from ..suite.importers._common import to_toml
from ..suite.task import Param
from .module import IrFunction, extract, has_definitions
from .signature import Signature


def task_id(function: str) -> str:
    return "c_" + re.sub(r"[^\w]", "_", function)


def param_table(p: Param) -> dict[str, Any]:
    """A parameter as a [[params]] table: every field that is not at its default."""
    out: dict[str, Any] = {}
    for f in fields(Param):
        v = getattr(p, f.name)
        if f.name in ("name", "type") or (v != f.default and v is not None):
            out[f.name] = list(v) if isinstance(v, tuple) else v
    return out


def write_task(root: Path, ir: str, fn: IrFunction, sig: Signature, source: Path, *, whole: bool = False,
               unit: str | None = None, observe: list[tuple[str, int]] | None = None,
               helpers: list[str] | None = None) -> Path:
    """Write (or rewrite identically) the task folder of `fn`; return it. With `whole`, the
    task's reference is the whole module (no support.ll): the check of the composed output,
    which defines everything itself. With `unit` (a piece of `fn` after decomposition), the
    candidate writes that piece and the harness calls `fn`, whose code comes from support.ll.
    `observe`: the module's globals the harness prints after every call. `helpers`: static
    functions the candidate writes together with the unit (defined in ref.ll, not in support.ll)."""
    unit = unit or fn.name
    d = root / task_id(unit)
    d.mkdir(parents=True, exist_ok=True)
    own = [unit, *(helpers or [])]
    files = {"ref.ll": ir if whole else extract(ir, own, delete=False, what=unit)}
    rest = "" if whole else extract(ir, own, delete=True, what=f"the module without {unit}")
    if has_definitions(rest):
        files["support.ll"] = rest
    params = [param_table(p) for p in sig.params]
    top = {"id": task_id(unit), "level": 1, "function": fn.name, "returns": sig.returns, "split": "test",
           "source": "compile", "tags": ["compile"],
           "description": f"function {fn.name} of {source.name}, tests {sig.how}", "params": params}
    if observe:  # printed after every call: a function's writes to module globals are results too
        top["observe"] = [{"symbol": sym, "bytes": n} for sym, n in observe]
    if unit != fn.name:
        top |= {"translates": unit, "tags": ["compile", "piece"],
                "description": f"{unit}, a piece of {fn.name} of {source.name}, tested through {fn.name} "
                               f"(tests {sig.how})"}
    files["task.toml"] = to_toml(top)
    for name, text in files.items():
        path = d / name
        if not path.exists() or path.read_bytes() != text.encode():
            atomic_write_text(path, text)
    for stale in ("support.ll",):
        if stale not in files and (d / stale).exists():
            (d / stale).unlink()
    return d
