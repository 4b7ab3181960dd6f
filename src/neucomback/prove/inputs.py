"""The input domain of a proof, from a task's signature (pure Python: no angr here).

A proof holds for the inputs the task's generated Level 1 harness can produce (nbh.h): each
scalar in its `range` (or its type's limits), each array of the length its `len` expression
gives, each element in its range, each string of `min_len`..`max_len` characters of its
alphabet. The harness draws them in a fixed order (scalars in parameter order, then each
buffer's length and elements); a counterexample is reported in that order, so that it can be
replayed through the ordinary harness (an added case `S:V:...`, see nbh.h: nb_take).

`domain(task)` gives a JSON-able description the symbolic engine builds its start state
from, or raises Unsupported with the reason (reported as tier `unknown`).
"""

from __future__ import annotations

import ast
from typing import Any

from ..suite.harnessgen import DEFAULT_ALPHABET
from ..suite.task import ELEM_BYTES, SCALARS, Task

# Longest array or string a proof covers. Longer ones are cut to this, and the proof is then
# `bounded`, never `proved` (its domain is smaller than the task's).
MAX_ELEMS = 64

_LIMITS = {"i8": (-(2**7), 2**7 - 1), "u8": (0, 2**8 - 1), "i16": (-(2**15), 2**15 - 1), "u16": (0, 2**16 - 1),
           "i32": (-(2**31), 2**31 - 1), "u32": (0, 2**32 - 1), "i64": (-(2**63), 2**63 - 1),
           "u64": (0, 2**64 - 1), "char": (-(2**7), 2**7 - 1)}


class Unsupported(Exception):
    """The task (or target) is outside what the proof tier models; the message says why."""


def _kind(elem: str, isa: str) -> str:
    """i, u or f; plain `char` is signed on x86_64 and unsigned on aarch64 and riscv64."""
    kind = SCALARS[elem][1]
    return ("i" if isa == "x86_64" else "u") if kind == "c" else kind


def _limits(elem: str, isa: str) -> tuple[int, int]:
    return (0, 255) if elem == "char" and _kind(elem, isa) == "u" else _LIMITS[elem]


def _bounds(elem: str, rng: tuple[Any, Any] | None, isa: str) -> tuple[Any, Any]:
    kind = _kind(elem, isa)
    if rng is None:
        return (-1000.0, 1000.0) if kind == "f" else _limits(elem, isa)
    if any(isinstance(v, str) for v in rng):
        raise Unsupported(f"a range given as a C expression ({rng}) is not modelled")
    if kind == "f":
        return float(rng[0]), float(rng[1])
    lo, hi = _limits(elem, isa)
    return max(int(rng[0]), lo), min(int(rng[1]), hi)


_LEN_NODES = (ast.Expression, ast.BinOp, ast.UnaryOp, ast.Name, ast.Constant, ast.Load, ast.Add, ast.Sub,
              ast.Mult, ast.FloorDiv, ast.Div, ast.USub, ast.Mod)


def _len_expr(text: str, scalars: set[str]) -> str:
    """A buffer's `len` C expression if it is integer arithmetic over scalar parameters (the
    engine evaluates it over its symbolic values), else Unsupported."""
    try:
        tree = ast.parse(text.strip(), mode="eval")
    except SyntaxError:
        raise Unsupported(f"length expression {text!r} is not modelled") from None
    for node in ast.walk(tree):
        if not isinstance(node, _LEN_NODES) or (isinstance(node, ast.Name) and node.id not in scalars) or \
                (isinstance(node, ast.Constant) and not isinstance(node.value, int)):
            raise Unsupported(f"length expression {text!r} is not modelled")
    return text.strip()


def domain(task: Task, isa: str = "x86_64") -> dict[str, Any]:
    """The proof's input domain for `task` on `isa` (see the module docstring)."""
    if task.level != 1:
        raise Unsupported("Level 2 kernels are not modelled (their sizes are large); Level 1 only")
    if task.custom_harness is not None:
        raise Unsupported("the task has a hand-written harness, whose inputs the proof cannot model")
    if task.observe or task.extra_sources:
        # the rest of a module (support.ll) is linked into both programs; globals the function
        # writes (`observe`) are state the harness carries from call to call: not modelled
        raise Unsupported("the function writes module globals (or the task has extra sources), which are not modelled")
    if task.rel_tol or task.abs_tol or task.ulps:
        raise Unsupported("the task compares floats with a tolerance; the proof compares bits")
    scalars, buffers, args = [], [], []
    names = {p.name for p in task.params if not (p.is_array or p.is_str)}
    for p in task.params:
        bits = 8 * ELEM_BYTES[p.elem]
        kind = _kind(p.elem, isa)
        if p.is_array or p.is_str:
            lo, hi = _bounds(p.elem, p.range, isa)
            b: dict[str, Any] = {"name": p.name, "elem": p.elem, "bits": bits, "kind": kind, "dir": p.dir,
                                 "lo": lo, "hi": hi, "special": p.special}
            if p.is_str:
                alphabet = p.alphabet or DEFAULT_ALPHABET
                b.update(str=True, min_len=p.min_len, max_len=p.max_len, alphabet=sorted({ord(c) for c in alphabet}))
            else:
                b.update(str=False, len=_len_expr(p.len or "0", names))
            args.append(("buffer", len(buffers)))
            buffers.append(b)
        else:
            lo, hi = _bounds(p.elem, p.range, isa)
            args.append(("scalar", len(scalars)))
            scalars.append({"name": p.name, "elem": p.elem, "bits": bits, "kind": kind, "lo": lo, "hi": hi,
                            "special": p.special})
    ret = None
    if task.returns != "void":
        ret = {"elem": task.returns, "bits": 8 * ELEM_BYTES[task.returns], "kind": _kind(task.returns, isa)}
    return {"isa": isa, "function": task.function, "scalars": scalars, "buffers": buffers, "args": args, "returns": ret,
            "max_elems": MAX_ELEMS}
