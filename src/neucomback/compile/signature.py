"""Test inputs for a user's function, from its IR signature (or the user's --arg-spec).

Integers take the harness's full-range draws with signed/unsigned boundaries; the IR's
signext/zeroext says how a narrow integer is passed. A pointer needs a length: it is inferred
when the IR makes it evident (the function touches the pointee only at constant offsets, so
the bytes it can reach are known), and otherwise must come from the spec, with the same keys
as a task's [[params]] (docs/task-format.md):

    [my_function]
    returns = "i32"                       # optional: the signature's own type otherwise
    params = [{ name = "a", type = "i32[]", len = "n" }, { name = "n", type = "i32", range = [0, 64] }]
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..errors import UsageError
from ..suite.task import Param, parse_param
from .module import IR_BYTES, IrFunction, IrParam

MAX_INFERRED_BYTES = 4096


@dataclass(frozen=True)
class Signature:
    """How to test one function: its return type and parameters in task terms."""

    returns: str
    params: tuple[Param, ...]
    how: str  # "inferred from the IR" or "from --arg-spec"


class Untestable(Exception):
    """The function's inputs cannot be synthesised (an aggregate or vector type, ...): it is
    compiled by the trusted toolchain instead, and the output says why."""


class NeedsSpec(UsageError):
    """A pointer argument has no inferable length and the spec does not give one."""


def load_spec(path: Path | None) -> dict[str, dict[str, Any]]:
    """The --arg-spec file: {function: {"returns": ..., "params": [...]}}."""
    if path is None:
        return {}
    try:
        data = tomllib.loads(path.read_text())
    except FileNotFoundError:
        raise UsageError(f"{path}: no such file") from None
    except tomllib.TOMLDecodeError as e:
        raise UsageError(f"{path}: {e}") from None
    for name, entry in data.items():
        if not isinstance(entry, dict) or not isinstance(entry.get("params", []), list):
            raise UsageError(f"{path}: [{name}] must be a table with a `params` list")
    return data


def signature(fn: IrFunction, spec: dict[str, Any] | None, where: str = "--arg-spec") -> Signature:
    """The test signature of `fn`: from its spec entry if there is one, else from the IR.
    Raises NeedsSpec (naming the argument) or Untestable."""
    if fn.calling_convention:  # fastcc and friends: not the C calling convention a harness can call with
        raise Untestable(f"{fn.name} uses the {fn.calling_convention} calling convention, so it is tested only "
                         "through its callers")
    if spec is not None:
        params = tuple(parse_param(p, f"{where} [{fn.name}]") for p in spec.get("params", []))
        fixed = [p.name for p in params if p.value is not None]
        if fixed:  # Level 2 tasks fix sizes with `value`; a compile's tests draw every scalar
            raise UsageError(f"{where} [{fn.name}]: `value` (parameter {fixed[0]}) is for Level 2 tasks; give a "
                             "`range` (and `role = \"len\"` for a length) instead")
        if len(params) != len(fn.params):
            raise UsageError(f"{where} [{fn.name}]: {len(params)} parameter(s) given, the IR has {len(fn.params)}")
        returns = str(spec.get("returns") or ("void" if fn.returns == "void" else
                                              _scalar(fn.returns, _ret_signed(fn), f"the return value of {fn.name}")))
        return Signature(returns, params, "from --arg-spec")
    returns = _scalar(fn.returns, _ret_signed(fn), f"the return value of {fn.name}") if fn.returns != "void" else "void"
    params = []
    for i, p in enumerate(fn.params):
        name = f"a{i}"
        if p.type == "ptr":
            params.append(_pointer(fn, i, p, name))
        else:
            params.append(Param(name=name, type=_scalar(p.type, p.signed, f"argument {i + 1} ({p.name}) of {fn.name}"),
                                range=(0, 1) if p.type == "i1" else None))
    return Signature(returns, tuple(params), "inferred from the IR")


def _ret_signed(fn: IrFunction) -> bool | None:
    return True if "signext" in fn.ret_attrs else False if "zeroext" in fn.ret_attrs else None


def _scalar(ir_type: str, signed: bool | None, what: str) -> str:
    if ir_type == "float":
        return "f32"
    if ir_type == "double":
        return "f64"
    if ir_type == "i1":
        return "u8"
    m = re.fullmatch(r"i(8|16|32|64)", ir_type)
    if m:
        return ("u" if signed is False else "i") + m.group(1)
    raise Untestable(f"{what} has type {ir_type}, for which no inputs can be generated")


def _pointer(fn: IrFunction, index: int, p: IrParam, name: str) -> Param:
    """A byte buffer covering every constant offset the function reaches through `p`."""
    if any(a in p.attrs for a in ("byval", "sret", "inalloca", "preallocated")):
        raise Untestable(f"argument {index + 1} ({p.name}) of {fn.name} passes an aggregate ({'/'.join(p.attrs)})")
    reach = _constant_reach(fn.body, p.name)
    if reach is None:
        raise NeedsSpec(f"argument {index + 1} ({p.name}) of {fn.name} is a pointer whose length the IR does not make "
                        f"evident: give it in --arg-spec, e.g. [{fn.name}] params = [...] with "
                        f"{{ name = \"{name}\", type = \"i32[]\", len = \"...\" }}")
    extent, writes = reach
    return Param(name=name, type="u8[]", len=str(max(extent, 1)), dir="inout" if writes else "in")


_USE = r"(?<![\w.$]){}(?![\w.$])"
_TYPE = r"(<\d+\s+x\s+\w+>|\w+)"  # a scalar or a fixed vector (SLP-vectorised loads and stores)
_GEP = re.compile(r"=\s*getelementptr\s+(?:inbounds\s+|nuw\s+|nusw\s+)*(\w+),\s*ptr\s+(%[\w.$]+),\s*i64\s+(-?\d+)\s*$")
_LOAD = re.compile(r"=\s*load\s+(?:atomic\s+)?(?:volatile\s+)?" + _TYPE + r",\s*ptr\s+(%[\w.$]+)(?:,|$)")
_STORE = re.compile(r"^\s*store\s+(?:atomic\s+)?(?:volatile\s+)?" + _TYPE + r"\s+(.+),\s*ptr\s+(%[\w.$]+)"
                    r"(?:,\s*align\s+\d+)?(?:,\s*![\w.]+\s+!\d+)*\s*$")


def _bytes(ir_type: str) -> int | None:
    """Size in bytes of a scalar or `<N x T>` IR type; None for what is not plain data."""
    m = re.fullmatch(r"<(\d+)\s+x\s+(\w+)>", ir_type)
    if m:
        elem = IR_BYTES.get(m.group(2))
        return None if elem is None or m.group(2) in ("ptr", "i1") else int(m.group(1)) * elem
    return IR_BYTES.get(ir_type)


def _constant_reach(body: str, ptr: str) -> tuple[int, bool] | None:
    """(bytes reachable, stores through it) when every use of `ptr` in `body` is a load, a
    store to it, or a constant-offset GEP whose result is only loaded or stored; else None."""
    lines = body.splitlines()[1:]
    bases = {ptr: 0}
    extent, writes = 0, False
    for line in lines:  # GEPs first: their results are the other names to follow
        m = _GEP.search(line)
        if m and m.group(2) == ptr and m.group(1) in IR_BYTES:
            bases[line.split("=")[0].strip()] = int(m.group(3)) * IR_BYTES[m.group(1)]
    for name, off in bases.items():
        if off < 0:
            return None
        for line in lines:
            if not re.search(_USE.format(re.escape(name)), line):
                continue
            if name != ptr and line.split("=")[0].strip() == name:
                continue  # the GEP that defines it
            g = _GEP.search(line)
            if name == ptr and g and g.group(2) == ptr and g.group(1) in IR_BYTES:
                continue
            ld, st = _LOAD.search(line), _STORE.search(line)
            if ld and ld.group(2) == name and ld.group(1) != "ptr" and _bytes(ld.group(1)):
                extent = max(extent, off + (_bytes(ld.group(1)) or 0))
            elif (st and st.group(3) == name and _bytes(st.group(1))
                  and not re.search(_USE.format(re.escape(name)), st.group(2))):
                extent, writes = max(extent, off + (_bytes(st.group(1)) or 0)), True
            else:
                return None
    if extent == 0 or extent > MAX_INFERRED_BYTES:
        return None
    return extent, writes
