"""Helpers shared by the importers: per-task failures, subprocess runs, TOML writing,
hard-linked copies of shared files, and parsing split lists out of upstream Python files.
"""

from __future__ import annotations

import ast
import os
import random
import shutil
import subprocess
import time
from pathlib import Path
from typing import Any

from ...errors import UsageError


class TaskFailed(Exception):
    """One upstream task could not be converted (the import goes on with the others)."""


def run(cmd: list[str], *, timeout: float = 300, env: dict[str, str] | None = None, stdin: bytes = b"",
        cwd: Path | None = None) -> tuple[int | None, str, str, float]:
    """Run a trusted command: (returncode or None on timeout, stdout, stderr, seconds)."""
    t0 = time.perf_counter()
    full_env = None
    if env:
        full_env = dict(os.environ)
        full_env.update(env)
    try:
        p = subprocess.run(cmd, capture_output=True, timeout=timeout, env=full_env, cwd=cwd, input=stdin)
    except subprocess.TimeoutExpired as e:
        return None, _text(e.stdout), _text(e.stderr), time.perf_counter() - t0
    return p.returncode, _text(p.stdout), _text(p.stderr), time.perf_counter() - t0


def run_cpu(cmd: list[str], *, timeout: float = 300, stdin: bytes = b"") -> tuple[int | None, str, str, float]:
    """Like `run`, but the last value is the child's CPU time (user + system), which a busy
    machine does not inflate the way it inflates wall time."""
    import signal
    import tempfile
    import threading
    with tempfile.TemporaryFile() as inp, tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        inp.write(stdin)
        inp.seek(0)
        proc = subprocess.Popen(cmd, stdin=inp, stdout=out, stderr=err, start_new_session=True)
        killed = threading.Event()

        def kill() -> None:
            killed.set()
            try:
                os.killpg(proc.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass

        timer = threading.Timer(timeout, kill)
        timer.start()
        try:
            _, status, usage = os.wait4(proc.pid, 0)
        finally:
            timer.cancel()
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        code = None if killed.is_set() else proc.returncode
        return code, _text(out.read()), _text(err.read()), usage.ru_utime + usage.ru_stime


def _text(b: bytes | str | None) -> str:
    if b is None:
        return ""
    return b if isinstance(b, str) else b.decode("utf-8", errors="replace")


def compile_or_fail(cmd: list[str], what: str, timeout: float = 300) -> float:
    """Run a compiler command; raise TaskFailed with the tail of its diagnostics on failure."""
    code, out, err, secs = run(cmd, timeout=timeout)
    if code != 0:
        tail = (out + err).strip()[-1500:]
        raise TaskFailed(f"{what} failed" + (" (timeout)" if code is None else "") + f": {tail}")
    return secs


def link_or_copy(src: Path, dst: Path) -> None:
    """Hard-link src to dst (same file system: no extra space), else copy it."""
    dst.parent.mkdir(parents=True, exist_ok=True)
    if dst.exists():
        dst.unlink()
    try:
        os.link(src, dst)
    except OSError:
        shutil.copy2(src, dst)


def link_tree(src: Path, dst: Path) -> None:
    """Recreate the directory tree `src` at `dst` with hard links (or copies)."""
    for p in sorted(src.rglob("*")):
        if p.is_file():
            link_or_copy(p, dst / p.relative_to(src))


# ---- TOML -----------------------------------------------------------------------------

def _toml_value(v: Any) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, int):
        return str(v)
    if isinstance(v, float):
        return repr(v)
    if isinstance(v, str):
        # JSON string escapes (\" \\ \n \uXXXX ...) are valid TOML basic-string escapes, but
        # not its surrogate pairs for characters past U+FFFF: those stay literal (TOML is UTF-8)
        import json
        return json.dumps(v, ensure_ascii=False)
    if isinstance(v, (list, tuple)):
        return "[" + ", ".join(_toml_value(x) for x in v) + "]"
    if isinstance(v, dict):
        if not v:
            return "{}"
        return "{ " + ", ".join(f"{_toml_key(k)} = {_toml_value(x)}" for k, x in v.items()) + " }"
    raise TypeError(f"cannot write {type(v).__name__} to TOML")


def _toml_key(k: str) -> str:
    import re
    return k if re.fullmatch(r"[A-Za-z0-9_-]+", k) else _toml_value(k)


def to_toml(top: dict[str, Any], tables: dict[str, dict[str, Any]] | None = None) -> str:
    """A small TOML writer: top-level keys, then one [table] per entry of `tables`."""
    lines = [f"{_toml_key(k)} = {_toml_value(v)}" for k, v in top.items() if v is not None]
    for name, tab in (tables or {}).items():
        lines.append("")
        lines.append(f"[{name}]")
        lines.extend(f"{_toml_key(k)} = {_toml_value(v)}" for k, v in tab.items() if v is not None)
    return "\n".join(lines) + "\n"


# ---- splits from an upstream data_tools.py --------------------------------------------

def _literal(node: ast.AST, where: str) -> Any:
    try:
        return ast.literal_eval(node)
    except ValueError:
        raise UsageError(f"{where}: expected a literal, found {ast.dump(node)[:120]}") from None


def _slice_bounds(node: ast.AST, var: str, where: str) -> tuple[int | None, int | None]:
    """`var[a:b]` or `[i for i in var[a:b]]` -> (a, b)."""
    if isinstance(node, ast.ListComp) and len(node.generators) == 1:
        node = node.generators[0].iter
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "list" and node.args:
        node = node.args[0]
    if not (isinstance(node, ast.Subscript) and isinstance(node.value, ast.Name) and node.value.id == var
            and isinstance(node.slice, ast.Slice)):
        raise UsageError(f"{where}: cannot read a split slice from {ast.unparse(node)[:120]}")
    lo = _literal(node.slice.lower, where) if node.slice.lower is not None else None
    hi = _literal(node.slice.upper, where) if node.slice.upper is not None else None
    return lo, hi


def parse_splits(path: Path) -> dict[str, list[Any]]:
    """Reproduce `get_func_names`'s train/test/valid lists from an upstream data_tools.py
    without executing it.

    Two shapes are understood: `split_data` holding literal lists (Level 2), or a literal id
    list shuffled with `random.Random(SEED)`, cut to `selected = ids[:N]` and split by slices
    of `selected` (Level 1). Returns {"train": [...], "valid": [...], "test": [...]}.
    """
    where = str(path)
    try:
        tree = ast.parse(path.read_text(errors="replace"), filename=where)
    except (OSError, SyntaxError) as e:
        raise UsageError(f"{where}: cannot parse: {e}") from None
    fn = next((n for n in ast.walk(tree) if isinstance(n, ast.FunctionDef) and n.name == "get_func_names"), None)
    if fn is None:
        raise UsageError(f"{where}: no get_func_names() function")
    assigns: dict[str, ast.AST] = {}
    seed: Any = None
    shuffled: set[str] = set()
    for node in ast.walk(fn):
        if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
            name = node.targets[0].id
            assigns.setdefault(name, node.value)
            v = node.value
            if (isinstance(v, ast.Call) and isinstance(v.func, ast.Attribute) and v.func.attr == "Random"
                    and v.args):
                seed = _literal(v.args[0], where)
                assigns[name] = v
        if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "shuffle"
                and node.args and isinstance(node.args[0], ast.Name)):
            shuffled.add(node.args[0].id)
    split_node = assigns.get("split_data")
    if not isinstance(split_node, ast.Dict):
        raise UsageError(f"{where}: no `split_data = {{...}}` dict in get_func_names()")
    keys = [_literal(k, where) for k in split_node.keys if k is not None]
    if sorted(keys) != ["test", "train", "valid"]:
        raise UsageError(f"{where}: split_data keys are {keys}, expected train/test/valid")
    values = dict(zip(keys, split_node.values))
    if all(isinstance(v, ast.List) for v in values.values()):
        out = {k: list(_literal(v, where)) for k, v in values.items()}
    else:
        # ids -> shuffled with Random(seed) -> selected = ids[:N] -> slices of `selected`
        sel_node = assigns.get("selected")
        if sel_node is None:
            raise UsageError(f"{where}: split_data slices a list, but no `selected = ...` assignment")
        first = next(iter(values.values()))
        inner = first.generators[0].iter if isinstance(first, ast.ListComp) else first
        sel_var = inner.value.id if isinstance(inner, ast.Subscript) and isinstance(inner.value, ast.Name) else ""
        if not isinstance(sel_node, ast.Subscript) or not isinstance(sel_node.value, ast.Name):
            raise UsageError(f"{where}: cannot read `selected = ...` ({ast.unparse(sel_node)[:80]})")
        ids_var = sel_node.value.id
        ids_node = assigns.get(ids_var)
        if not isinstance(ids_node, ast.List):
            raise UsageError(f"{where}: `{ids_var}` is not a literal list")
        ids = list(_literal(ids_node, where))
        if ids_var in shuffled:
            if seed is None:
                raise UsageError(f"{where}: `{ids_var}` is shuffled but no random.Random(SEED) was found")
            random.Random(seed).shuffle(ids)
        lo, hi = _slice_bounds(sel_node, ids_var, where)
        selected = ids[lo:hi]
        out = {}
        for k, v in values.items():
            a, b = _slice_bounds(v, sel_var, where)
            out[k] = selected[a:b]
    seen: dict[Any, str] = {}
    for k, lst in out.items():
        for i in lst:
            if i in seen:
                raise UsageError(f"{where}: id {i!r} is in both {seen[i]} and {k}")
            seen[i] = k
    return {"train": out["train"], "valid": out["valid"], "test": out["test"]}
