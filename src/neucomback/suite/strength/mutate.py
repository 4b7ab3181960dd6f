"""Single-edit mutants of assembly: the mistakes a model plausibly makes, one per mutant.

A mutant is the reference assembly with exactly one instruction changed (or dropped). The
operators, on x86_64 (AT&T), aarch64 and riscv64 alike:

- `cond-flip`: a condition negated (`jl`->`jge`, `b.eq`->`b.ne`, `bltu`->`bgeu`, and the
  conditions of setcc/cmovcc, cset/csel/csinc/ccmp, cbz/cbnz, tbz/tbnz).
- `signedness`: a signed operation swapped for its unsigned twin or back (`jl`<->`jb`,
  `sar`<->`shr`, `movsbl`<->`movzbl`, `idiv`<->`div`; `lt`<->`lo`, `asr`<->`lsr`,
  `sxtw`<->`uxtw`, `sdiv`<->`udiv`; `blt`<->`bltu`, `sra`<->`srl`, `lw`<->`lwu`, ...).
- `add-sub`: addition swapped with subtraction (integer and floating point; `inc`<->`dec`).
- `shift-kind`: a left shift made a right shift and back (`shl`<->`shr`, `lsl`<->`lsr`, `sll`<->`srl`).
- `imm`: an immediate off by one (+1 or -1).
- `disp`: a memory displacement off by one element (the access width).
- `reg-swap`: one register operand replaced by another register of the same kind that the
  function also uses.
- `drop`: an instruction deleted (never `ret`, so that a mutant still returns).

Mutants are deterministic given (seed, task id, target) and spread over the operators; ones
identical to the original or to each other are left out. Some mutants do not assemble (an
operand the new mnemonic refuses): the strength analysis counts those as invalid, not killed.
"""

from __future__ import annotations

import random
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass

OPERATORS = ("cond-flip", "signedness", "add-sub", "shift-kind", "imm", "disp", "reg-swap", "drop")


@dataclass(frozen=True)
class Mutant:
    """One edit: `operator` changed line `line` (0-based) from `before` to `after` ("" = dropped)."""

    operator: str
    line: int
    before: str
    after: str
    asm: str

    @property
    def label(self) -> str:
        after = self.after.strip() or "(dropped)"
        return f"{self.operator} at line {self.line + 1}: {self.before.strip()} -> {after}"


def _pairs(*pairs: tuple[str, str]) -> dict[str, str]:
    """A symmetric swap table."""
    out: dict[str, str] = {}
    for a, b in pairs:
        out[a], out[b] = b, a
    return out


# -- per-ISA tables -----------------------------------------------------------------------------

X86_NEG = _pairs(("e", "ne"), ("z", "nz"), ("l", "ge"), ("le", "g"), ("b", "ae"), ("be", "a"), ("s", "ns"),
                 ("p", "np"), ("o", "no"), ("nge", "nl"), ("ng", "nle"), ("c", "nc"), ("nae", "nb"), ("na", "nbe"))
X86_SIGN = _pairs(("l", "b"), ("le", "be"), ("g", "a"), ("ge", "ae"))
ARM_NEG = _pairs(("eq", "ne"), ("lt", "ge"), ("gt", "le"), ("lo", "hs"), ("cc", "cs"), ("hi", "ls"), ("mi", "pl"),
                 ("vs", "vc"))
ARM_SIGN = _pairs(("lt", "lo"), ("ge", "hs"), ("gt", "hi"), ("le", "ls"))
RV_NEG = _pairs(("beq", "bne"), ("blt", "bge"), ("bltu", "bgeu"), ("bgt", "ble"), ("bgtu", "bleu"),
                ("beqz", "bnez"), ("bltz", "bgez"), ("blez", "bgtz"), ("seqz", "snez"))
RV_SIGN = _pairs(("blt", "bltu"), ("bge", "bgeu"), ("bgt", "bgtu"), ("ble", "bleu"), ("slt", "sltu"),
                 ("slti", "sltiu"), ("sra", "srl"), ("srai", "srli"), ("sraw", "srlw"), ("sraiw", "srliw"),
                 ("div", "divu"), ("rem", "remu"), ("divw", "divuw"), ("remw", "remuw"), ("mulh", "mulhu"),
                 ("lw", "lwu"), ("lb", "lbu"), ("lh", "lhu"), ("fcvt.w.d", "fcvt.wu.d"), ("fcvt.l.d", "fcvt.lu.d"),
                 ("fcvt.d.w", "fcvt.d.wu"), ("fcvt.d.l", "fcvt.d.lu"), ("fcvt.w.s", "fcvt.wu.s"),
                 ("fcvt.s.w", "fcvt.s.wu"), ("sext.w", "zext.w"))
ARM_SIGN_OPS = _pairs(("asr", "lsr"), ("sxtw", "uxtw"), ("sxtb", "uxtb"), ("sxth", "uxth"), ("sdiv", "udiv"),
                      ("smull", "umull"), ("smulh", "umulh"), ("scvtf", "ucvtf"), ("fcvtzs", "fcvtzu"),
                      ("ldrsb", "ldrb"), ("ldrsh", "ldrh"), ("sbfx", "ubfx"), ("smaddl", "umaddl"))
ARM_ADDSUB = _pairs(("add", "sub"), ("adds", "subs"), ("fadd", "fsub"), ("cbz", "cbnz"), ("tbz", "tbnz"),
                    ("madd", "msub"))
RV_ADDSUB = _pairs(("add", "sub"), ("addw", "subw"), ("fadd.d", "fsub.d"), ("fadd.s", "fsub.s"))
X86_WIDTH = {"b": 1, "w": 2, "l": 4, "q": 8}
RV_WIDTH = {"b": 1, "h": 2, "w": 4, "d": 8}

_COMMENT = {"x86_64": "#", "aarch64": "//", "riscv64": "#"}
_REG = {
    "x86_64": re.compile(r"%(?:r[0-9]+[dwb]?|[re]?[abcd]x|[abcd]l|[re]?(?:si|di|bp|sp)|(?:si|di|bp|sp)l|xmm[0-9]+)\b"),
    "aarch64": re.compile(r"\b(?:[wx](?:[12]?[0-9]|30)|[dsq](?:[12]?[0-9]|3[01]))\b"),
    "riscv64": re.compile(r"\b(?:a[0-7]|t[0-6]|s(?:[0-9]|1[01])|f(?:a[0-7]|t(?:[0-9]|1[01])|s(?:[0-9]|1[01])))\b"),
}


def _reg_kind(isa: str, reg: str) -> str:
    """Registers that can stand in for each other: same ISA, same width/bank."""
    if isa == "x86_64":
        r = reg[1:]
        if r.startswith("xmm"):
            return "xmm"
        if re.fullmatch(r"r[0-9]+", r) or (len(r) == 3 and r[0] == "r"):
            return "64"
        if r.endswith("d") or (len(r) == 3 and r[0] == "e"):
            return "32"
        return "other"  # 8/16-bit names: kept to their own kind by exact width below
    if isa == "aarch64":
        return reg[0]
    return "f" if reg.startswith("f") else "x"


# -- parsing ------------------------------------------------------------------------------------

_LINE = re.compile(r"^(\s*)([A-Za-z][\w.]*)(\s*)(.*?)(\s*)$")


def _instruction(line: str, isa: str) -> tuple[str, str, str] | None:
    """(indent + mnemonic + space, mnemonic, operands) of an instruction line, else None
    (labels, directives, comments, blank lines)."""
    code = line.split(_COMMENT[isa], 1)[0].rstrip()
    s = code.strip()
    if not s or s.startswith(".") or s.endswith(":") or ":" in s.split()[0]:
        return None
    m = _LINE.match(code)
    if m is None:
        return None
    return m.group(1), m.group(2), m.group(4)


def _join(indent: str, mnemonic: str, operands: str) -> str:
    return f"{indent}{mnemonic}\t{operands}" if operands else f"{indent}{mnemonic}"


# -- operators: each yields replacement lines for one instruction -------------------------------

Edit = Iterator[tuple[str, str]]  # (new mnemonic, new operands)


def _x86_cc(mn: str) -> tuple[str, str, str] | None:
    """(prefix, condition, suffix) of jcc / setcc / cmovcc, else None."""
    for prefix in ("cmov", "set", "j"):
        if mn.startswith(prefix) and mn != "jmp":
            rest = mn[len(prefix):]
            for cut in (0, 1) if prefix == "cmov" else (0,):
                cc, suffix = (rest[:-cut], rest[-cut:]) if cut else (rest, "")
                if cc in X86_NEG and (not suffix or suffix in "wlq"):
                    return prefix, cc, suffix
    return None


def _cond_flip(isa: str, mn: str, ops: str) -> Edit:
    if isa == "x86_64":
        cc = _x86_cc(mn)
        if cc:
            yield cc[0] + X86_NEG[cc[1]] + cc[2], ops
    elif isa == "aarch64":
        if mn.startswith("b.") and mn[2:] in ARM_NEG:
            yield "b." + ARM_NEG[mn[2:]], ops
        elif mn in ("cset", "csetm", "csel", "csinc", "csinv", "csneg", "ccmp", "ccmn", "fcsel", "cinc"):
            head, _, last = ops.rpartition(",")
            if last.strip() in ARM_NEG:
                yield mn, f"{head}, {ARM_NEG[last.strip()]}"
        elif mn in ("cbz", "cbnz", "tbz", "tbnz"):
            yield ARM_ADDSUB[mn], ops
    elif mn in RV_NEG:
        yield RV_NEG[mn], ops


def _signedness(isa: str, mn: str, ops: str) -> Edit:
    if isa == "x86_64":
        cc = _x86_cc(mn)
        if cc and cc[1] in X86_SIGN:
            yield cc[0] + X86_SIGN[cc[1]] + cc[2], ops
        m = re.fullmatch(r"(sar|shr)([bwlq]?)", mn)
        if m:
            yield ("shr" if m.group(1) == "sar" else "sar") + m.group(2), ops
        m = re.fullmatch(r"mov([sz])(b[wlq]|w[lq])", mn)
        if m:
            yield "mov" + ("z" if m.group(1) == "s" else "s") + m.group(2), ops
        m = re.fullmatch(r"(i?)div([bwlq]?)", mn)
        if m:
            yield ("div" if m.group(1) else "idiv") + m.group(2), ops
    elif isa == "aarch64":
        if mn.startswith("b.") and mn[2:] in ARM_SIGN:
            yield "b." + ARM_SIGN[mn[2:]], ops
        elif mn in ARM_SIGN_OPS:
            yield ARM_SIGN_OPS[mn], ops
        else:
            head, _, last = ops.rpartition(",")
            if mn in ("cset", "csetm", "csel", "csinc", "ccmp", "cinc") and last.strip() in ARM_SIGN:
                yield mn, f"{head}, {ARM_SIGN[last.strip()]}"
            for ext in ("sxtw", "uxtw", "sxtb", "uxtb", "sxth", "uxth"):  # extended-register operands
                if re.search(rf"\b{ext}\b", ops):
                    yield mn, re.sub(rf"\b{ext}\b", ARM_SIGN_OPS[ext], ops, count=1)
    elif mn in RV_SIGN:
        yield RV_SIGN[mn], ops


def _add_sub(isa: str, mn: str, ops: str) -> Edit:
    if isa == "x86_64":
        m = re.fullmatch(r"(add|sub|inc|dec)([bwlq]?)", mn) or re.fullmatch(r"(add|sub)(s[sd]|p[sd])", mn)
        if m:
            twin = {"add": "sub", "sub": "add", "inc": "dec", "dec": "inc"}[m.group(1)]
            yield twin + m.group(2), ops
    elif isa == "aarch64":
        if mn in ARM_ADDSUB and mn not in ("cbz", "cbnz", "tbz", "tbnz"):
            yield ARM_ADDSUB[mn], ops
    elif mn in RV_ADDSUB:
        yield RV_ADDSUB[mn], ops


def _shift_kind(isa: str, mn: str, ops: str) -> Edit:
    if isa == "x86_64":
        m = re.fullmatch(r"(shl|shr|sal)([bwlq]?)", mn)
        if m:
            yield ("shr" if m.group(1) in ("shl", "sal") else "shl") + m.group(2), ops
    elif isa == "aarch64":
        twins = {"lsl": "lsr", "lsr": "lsl"}
        if mn in twins:
            yield twins[mn], ops
        m = re.search(r"\b(lsl|lsr)\b", ops)
        if m and mn not in twins:
            yield mn, ops[:m.start()] + twins[m.group(1)] + ops[m.end():]
    else:
        twins = _pairs(("sll", "srl"), ("slli", "srli"), ("sllw", "srlw"), ("slliw", "srliw"))
        if mn in twins:
            yield twins[mn], ops


_X86_IMM = re.compile(r"\$(-?(?:0x[0-9a-fA-F]+|[0-9]+))\b")
_ARM_IMM = re.compile(r"#(-?(?:0x[0-9a-fA-F]+|[0-9]+))\b")
_RV_IMM = re.compile(r"(?<=,)\s*(-?[0-9]+)\s*$")


def _imm(isa: str, mn: str, ops: str) -> Edit:
    if isa == "riscv64" and not (mn.endswith("i") or mn.endswith("iw") or mn == "li"):
        return
    if isa == "aarch64" and mn.startswith(("ld", "st")):
        return  # offsets of loads and stores are `disp`
    pattern = {"x86_64": _X86_IMM, "aarch64": _ARM_IMM, "riscv64": _RV_IMM}[isa]
    m = pattern.search(ops)
    if m is None:
        return
    value = int(m.group(1), 0)
    for delta in (1, -1):
        yield mn, ops[:m.start(1)] + str(value + delta) + ops[m.end(1):]


def _width(isa: str, mn: str) -> int:
    """The access width of an x86_64 or riscv64 load/store mnemonic (4 when unknown)."""
    if isa == "x86_64":
        if mn.endswith(("sd", "pd")):
            return 8
        if mn.endswith(("ss", "ps")):
            return 4
        return X86_WIDTH.get(mn[-1], 4)
    core = mn[2:] if mn.startswith("f") else mn[1:]  # riscv64: fld / fsw, ld / sw / lbu
    return RV_WIDTH.get(core[:1], 4)


def _disp(isa: str, mn: str, ops: str) -> Edit:
    if isa == "aarch64":
        m = re.search(r"\[(\w+), #(-?[0-9]+)\]", ops)
        if not m or not mn.startswith(("ld", "st")):
            return
        first = ops.split(",", 1)[0].strip()
        size = {"x": 8, "d": 8, "w": 4, "s": 4, "q": 16}.get(first[:1], 4)
        size = 1 if mn.endswith("b") else 2 if mn.endswith("h") else size
        spans = (m.start(2), m.end(2))
    else:
        m = re.search(r"(-?[0-9]+)\((%?\w+)", ops)
        if not m:
            return
        size = _width(isa, mn)
        spans = (m.start(1), m.end(1))
    value = int(ops[spans[0]:spans[1]])
    for delta in (size, -size):
        yield mn, ops[:spans[0]] + str(value + delta) + ops[spans[1]:]


def _reg_swap(isa: str, mn: str, ops: str, regs: dict[str, list[str]]) -> Edit:
    for m in _REG[isa].finditer(ops):
        reg = m.group(0)
        kind = _reg_kind(isa, reg)
        if kind == "other":
            continue
        for other in regs.get(kind, []):
            if other != reg and other not in ("%rsp", "%esp", "sp") and reg not in ("%rsp", "%esp"):
                yield mn, ops[:m.start()] + other + ops[m.end():]
        return  # one operand per instruction: the first register


def _drop(isa: str, mn: str, ops: str) -> Edit:
    if mn not in ("ret", "retq"):
        yield "", ""


SIMPLE: dict[str, Callable[[str, str, str], Edit]] = {
    "cond-flip": _cond_flip, "signedness": _signedness, "add-sub": _add_sub, "shift-kind": _shift_kind,
    "imm": _imm, "disp": _disp, "drop": _drop,
}


def sites(asm: str, isa: str) -> list[Mutant]:
    """Every single-edit mutant of `asm` (identical results left out), in line order."""
    lines = asm.splitlines()
    parsed = [(_instruction(l, isa), l) for l in lines]
    regs: dict[str, list[str]] = {}
    for ins, _ in parsed:
        if ins:
            for r in _REG[isa].findall(ins[2]):
                kinds = regs.setdefault(_reg_kind(isa, r), [])
                if r not in kinds:
                    kinds.append(r)
    out: list[Mutant] = []
    seen = {asm}
    for i, (ins, line) in enumerate(parsed):
        if ins is None:
            continue
        indent, mn, ops = ins
        edits = [(name, e) for name, op in SIMPLE.items() for e in op(isa, mn, ops)]
        edits += [("reg-swap", e) for e in _reg_swap(isa, mn, ops, regs)]
        for name, (new_mn, new_ops) in edits:
            after = _join(indent, new_mn, new_ops) if new_mn else ""
            text = "\n".join(lines[:i] + ([after] if after else []) + lines[i + 1:]) + "\n"
            if text not in seen:
                seen.add(text)
                out.append(Mutant(name, i, line, after, text))
    return out


def mutants(asm: str, isa: str, k: int, seed: int | str) -> list[Mutant]:
    """Up to `k` mutants, the same for the same (asm, isa, k, seed): operators are taken in
    turn (in an order drawn from the seed), each its sites in a seeded random order, so that
    every operator with sites is represented before any has two."""
    rng = random.Random(f"{seed}")
    by_op: dict[str, list[Mutant]] = {}
    for m in sites(asm, isa):
        by_op.setdefault(m.operator, []).append(m)
    order = sorted(by_op)
    rng.shuffle(order)
    for name in order:
        rng.shuffle(by_op[name])
    picked: list[Mutant] = []
    while len(picked) < k and any(by_op.values()):
        for name in order:
            if by_op[name] and len(picked) < k:
                picked.append(by_op[name].pop())
    return picked
