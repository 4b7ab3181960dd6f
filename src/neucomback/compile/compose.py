"""One assembly file from the trusted rest of a module and the model-written functions.

The rest (globals, constants, declarations, every function not model-written) is llc's
output for the module with the model-written functions deleted. Each model-written part is
the verified assembly of one function, with its local labels renamed apart (two parts may
both use .LBB0_1) and its file-level directives (.file, .ident, the stack note) dropped.
`spans` maps output lines back to parts, so an assembler error names the part that caused it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_LOCAL = re.compile(r"(?<![\w.$])\.L([A-Za-z_$][\w.$]*)")
_FILE_LEVEL = re.compile(r"^\s*(\.file\b|\.ident\b|\.addrsig\b|\.addrsig_sym\b|"
                         r"\.section\s+\"?\.note\.GNU-stack\b)")


@dataclass(frozen=True)
class Part:
    """A model-written function: its name, verified assembly and the comment put above it."""

    function: str
    asm: str
    comment: str


def localize(asm: str, tag: str) -> str:
    """`asm` with every .L local label renamed to .L<tag>_..., so that parts never collide."""
    return _LOCAL.sub(lambda m: f".L{tag}_{m.group(1)}", asm)


def part_body(asm: str, tag: str) -> str:
    """The lines of a part that belong in the combined file."""
    lines = [l for l in localize(asm, tag).splitlines() if not _FILE_LEVEL.match(l)]
    return "\n".join(lines).strip("\n")


def compose(header: list[str], rest_asm: str, parts: list[Part], comment: str = "#") -> tuple[str, dict[str, range]]:
    """(the combined file, line span of each part, 1-based like assembler diagnostics)."""
    out = [f"{comment} {h}" if h else comment for h in header]
    out.append("")
    out.extend(rest_asm.rstrip("\n").splitlines())
    spans: dict[str, range] = {}
    for i, part in enumerate(parts):
        out += ["", *(f"{comment} {c}" for c in part.comment.splitlines()), "\t.text"]
        start = len(out) + 1
        out.extend(part_body(part.asm, f"nbc{i}").splitlines())
        spans[part.function] = range(start, len(out) + 1)
    return "\n".join(out) + "\n", spans


def relocalize(text: str, names: set[str]) -> str:
    """`text` without the `.globl` of `names`: the module's internal symbols, made hidden so
    that its halves could link while testing, are local again in the output, as llc makes
    them (nothing outside the file can call or overwrite them)."""
    if not names:
        return text
    pat = re.compile(r"^\s*\.globl\s+(\S+)\s*$")
    # blank, not removed: line numbers (and so `spans`) stay as they were
    return "\n".join("" if (m := pat.match(l)) and m.group(1) in names else l for l in text.split("\n"))


_DIAG_LINE = re.compile(r":(\d+):\d+: error")


def blamed_part(diagnostics: str, spans: dict[str, range]) -> str | None:
    """The part whose lines the first assembler error points into, if any."""
    for m in _DIAG_LINE.finditer(diagnostics):
        line = int(m.group(1))
        for fn, span in spans.items():
            if line in span:
                return fn
    return None
