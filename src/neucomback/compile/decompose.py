"""Decomposition of long functions (LEGO-style): LLVM's own loop extraction splits a function
into a head and pieces that each fit one reply; each part is then translated and verified on
its own, and a part that is not verified falls back to llc alone.

A piece is an ordinary function of the rewritten module (its loop, with its live-in values as
arguments and its live-outs through pointers), so the parts compose through the standard
calling convention. Its arguments are pointers into its caller's frame and buffers, which no
input generator can synthesise meaningfully; so a piece is tested where it lives: through its
caller, on the whole function's tests, with every other part from the trusted toolchain
(the task's `translates` names the piece, `function` the caller the harness calls).
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from pathlib import Path

from .. import toolchain
from .module import IrFunction, _run, externalize, extract, functions

DECOMPOSE = ("auto", "never", "always")
DEFAULT_ABOVE = 250  # IR instructions; above this `auto` splits a function


@dataclass(frozen=True)
class Split:
    """The module with `function`'s loops extracted into `pieces` (names in the new module)."""

    ir: str
    function: str
    pieces: tuple[str, ...]


def instructions(fn: IrFunction) -> int:
    """The number of IR instructions in `fn` (lines of its body that are not labels or braces)."""
    return sum(1 for l in fn.body.splitlines()[1:] if l.startswith("  ") and l.strip())


def wants_split(fn: IrFunction, mode: str, above: int) -> bool:
    return mode == "always" or (mode == "auto" and instructions(fn) > above)


def split(ir: str, name: str) -> Split:
    """`ir` with the loops of `name` extracted (opt -passes=loop-extract, applied again to the
    pieces while they hold loops of their own, up to 3 levels). The pieces are internal to the
    module, made hidden like every internal symbol of a compile; a function without loops
    comes back unchanged, with no pieces."""
    alone = extract(ir, [name], delete=False, what=f"{name} for decomposition")
    before = {f.name for f in functions(alone)}
    out = alone
    for _ in range(3):
        nxt = _run([toolchain.tool("opt"), "-S", "-passes=function(loop-simplify,lcssa),loop-extract", "-"], f"opt loop-extract of {name}", out)
        if {f.name for f in functions(nxt)} == {f.name for f in functions(out)}:
            break
        out = nxt
    pieces = tuple(f.name for f in functions(out) if f.name not in before)
    if not pieces:
        return Split(ir, name, ())
    rest = extract(ir, [name], delete=True, what=f"the module without {name}")
    with tempfile.TemporaryDirectory() as tmp:
        a, b = Path(tmp) / "rest.ll", Path(tmp) / "split.ll"
        a.write_text(rest)
        b.write_text(out)
        joined = _run([toolchain.tool("llvm-link"), "-S", str(a), str(b), "-o", "-"], f"rejoining {name}")
    return Split(externalize(joined), name, pieces)


def piece_label(piece: str, piece_of: dict[str, str]) -> str:
    """How reports name a piece: "piece 2 of f" (in the order opt extracted them)."""
    function = piece_of[piece]
    siblings = [p for p, of in piece_of.items() if of == function]
    return f"piece {siblings.index(piece) + 1} of {function}"
