"""Getting assembly out of a model's reply, the way models really answer.

Handles ```asm / ```assembly / ```s / ```gas (and other) fences, several blocks, prose
around the code, a missing fence and a truncated reply (an opening fence never closed).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

ASM_LANGS = {"asm", "assembly", "s", "gas", "nasm", "x86asm", "x86", "x86-64", "armasm", "arm", "aarch64",
             "arm64", "riscv", "riscv64", "riscvasm", "as", "att", "S"}
_FENCE = re.compile(r"^[ \t]*(`{3,}|~{3,})[ \t]*([\w.+#-]*)[^\n]*$", re.M)
_DIRECTIVE_OR_LABEL = re.compile(r"^\s*(\.[A-Za-z_][\w.]*\b|[A-Za-z_.$][\w.$]*:|#|//|;|@)")
_INSN = re.compile(r"^\s*[a-z][a-z0-9.]*(\s+(?P<ops>\S.*))?$")


def _is_asm_line(line: str) -> bool:
    """A directive, label or comment, or a mnemonic whose operands look like operands
    (registers, immediates, commas, brackets) rather than English words."""
    if _DIRECTIVE_OR_LABEL.match(line):
        return True
    m = _INSN.match(line)
    if not m:
        return False
    ops = m.group("ops")
    return ops is None or bool(re.search(r"[%$,\[\]()#0-9]", ops)) or len(ops.split()) == 1


@dataclass
class Extraction:
    """The assembly found (None if nothing usable) and how it was found."""

    asm: str | None
    how: str
    truncated: bool = False


def _blocks(text: str) -> list[tuple[str, str, bool]]:
    """(language, body, closed) for each fenced block, in order."""
    out = []
    pos = 0
    while True:
        m = _FENCE.search(text, pos)
        if not m:
            return out
        fence, lang = m.group(1), m.group(2).lower()
        close = re.compile(rf"^[ \t]*{re.escape(fence[0])}{{{len(fence)},}}[ \t]*$", re.M)
        end = close.search(text, m.end())
        if end is None:
            out.append((lang, text[m.end() + 1:], False))
            return out
        out.append((lang, text[m.end() + 1:end.start()], True))
        pos = end.end()


def _looks_like_asm(body: str) -> float:
    """Fraction of non-empty lines that look like assembly (directives, labels, mnemonics)."""
    lines = [l for l in body.splitlines() if l.strip()]
    if not lines:
        return 0.0
    return sum(_is_asm_line(l) for l in lines) / len(lines)


def extract_asm(reply: str, function: str | None = None) -> Extraction:
    """Pick the assembly in a reply.

    Preference: fenced blocks tagged as assembly, then untagged blocks that look like asm;
    among several, the one that defines `function` (a `name:` label), else the longest.
    Without fences, the reply itself if most of its lines look like assembly.
    """
    blocks = _blocks(reply)
    tagged = [b for b in blocks if b[0] in ASM_LANGS or b[0].lower() in ASM_LANGS]
    untagged = [b for b in blocks if not b[0] and _looks_like_asm(b[1]) > 0.6]
    for group, how in ((tagged, "fenced"), (untagged, "untagged fence")):
        if not group:
            continue
        best = _choose(group, function)
        body = best[1].rstrip() + "\n"
        return Extraction(body, how + ("" if best[2] else ", truncated (no closing fence)"), not best[2])
    if not blocks and _looks_like_asm(reply) > 0.95:
        return Extraction(reply.strip() + "\n", "no fence (whole reply)")
    if not blocks:
        # prose followed by bare asm: keep the longest run of asm-looking lines
        run = _longest_asm_run(reply)
        if run:
            return Extraction(run, "no fence (asm lines inside prose)")
    return Extraction(None, "no assembly found in the reply")


def _choose(group: list[tuple[str, str, bool]], function: str | None) -> tuple[str, str, bool]:
    if function:
        defines = [b for b in group if re.search(rf"^\s*{re.escape(function)}:", b[1], re.M)]
        if defines:
            return max(defines, key=lambda b: len(b[1]))
    return max(group, key=lambda b: len(b[1]))


def _longest_asm_run(text: str) -> str | None:
    best: list[str] = []
    cur: list[str] = []
    for line in text.splitlines():
        if line.strip() and _is_asm_line(line):
            cur.append(line)
        elif line.strip():
            best, cur = (cur, []) if len(cur) > len(best) else (best, [])
    if len(cur) > len(best):
        best = cur
    has_label = any(re.match(r"^\s*[A-Za-z_.$][\w.$]*:", l) for l in best)
    return "\n".join(best) + "\n" if len(best) >= 3 and has_label else None
