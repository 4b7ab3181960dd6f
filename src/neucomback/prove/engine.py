"""Bounded symbolic equivalence of two functions with angr, x86_64 or aarch64 (runs in a
worker process).

Both programs start from one symbolic state built from the task's input domain (inputs.py):
the argument registers of the ISA's calling convention (ABIS) carry the scalar inputs and
buffer addresses (upper bits of narrow arguments are left arbitrary, as the ABI leaves them),
every other register and the flags are arbitrary too (shared by both programs, so a candidate
that reads an uninitialised register depends on a value the reference ignores), buffers sit
at fixed addresses with 64 arbitrary bytes on each side (the harness's guard zones), and the
return address is a sentinel. The reference is explored up to a block budget per path and a
state budget; then the candidate, and as each of its paths ends the solver is asked whether
some input on it makes the observable result differ from a finished reference path's: the
return value (bits, all NaNs one value), every byte of every buffer and its guard zones, the
callee-saved registers, the stack pointer and the machine state the harness checks.

Only `engine.compare` needs angr; it is imported by the worker alone, so the rest of the
project works without the `prove` extra.
"""

from __future__ import annotations

import ast
import logging
import struct
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import angr
import claripy

SENTINEL = 0x0DEAD000
STACK_TOP = 0x7FFF0000
BUF_BASE = 0x50000000
BUF_STRIDE = 0x00100000
GUARD = 64


@dataclass(frozen=True)
class Abi:
    """A calling convention as the engine needs it (VEX register names)."""

    int_args: tuple[str, ...]
    float_args: tuple[str, ...]        # 128-bit vector registers; a float sits in the low bits
    ret_int: str
    ret_float: str
    callee_saved: tuple[str, ...]      # 64-bit registers that must come back unchanged
    callee_saved_low: tuple[str, ...]  # vector registers whose low 64 bits must come back unchanged
    other: tuple[str, ...]             # the other general registers (arbitrary at entry)
    vectors: tuple[str, ...]           # every vector register (arbitrary at entry)
    sp: str
    link: str | None                   # the register holding the return address (None: on the stack)
    extend_to_32: bool                 # narrow integer arguments arrive extended to 32 bits
    state: tuple[tuple[str, str], ...]  # (what, register) of machine state the harness checks


ABIS = {
    # SysV AMD64: clang's callers extend i8/i16 arguments to 32 bits, and its callees rely on it
    "x86_64": Abi(("rdi", "rsi", "rdx", "rcx", "r8", "r9"), tuple(f"xmm{i}" for i in range(8)), "rax", "xmm0",
                  ("rbx", "rbp", "r12", "r13", "r14", "r15"), (), ("rax", "r10", "r11"),
                  tuple(f"xmm{i}" for i in range(16)), "rsp", None, True,
                  # VEX keeps only these parts of MXCSR and the x87 control word
                  (("direction flag", "dflag"), ("SSE rounding mode (MXCSR)", "sseround"),
                   ("x87 rounding mode", "fpround"), ("x87 stack top", "ftop"))),
    # AAPCS64: the unused bits of a narrow argument are unspecified
    "aarch64": Abi(tuple(f"x{i}" for i in range(8)), tuple(f"q{i}" for i in range(8)), "x0", "q0",
                   tuple(f"x{i}" for i in range(19, 30)), tuple(f"q{i}" for i in range(8, 16)),
                   tuple(f"x{i}" for i in range(8, 19)), tuple(f"q{i}" for i in range(32)), "sp", "x30", False,
                   (("FPCR (rounding mode and traps)", "fpcr"),)),
}

for _name in ("angr", "cle", "pyvex", "claripy"):
    logging.getLogger(_name).setLevel(logging.CRITICAL)


@dataclass
class Inputs:
    """The shared symbolic inputs and the domain's constraints."""

    constraints: list[Any] = field(default_factory=list)
    # (kind, value, buffer, element) in the harness's draw order; buffer -1 for scalars/lengths
    draws: list[tuple[str, Any, int, int]] = field(default_factory=list)
    scalars: list[Any] = field(default_factory=list)
    lengths: list[Any] = field(default_factory=list)
    elems: list[list[Any]] = field(default_factory=list)
    caps: list[int] = field(default_factory=list)
    junk: list[Any] = field(default_factory=list)          # upper bits of narrow argument registers
    regs: dict[str, Any] = field(default_factory=dict)
    guards: list[tuple[Any, Any]] = field(default_factory=list)
    reduced: list[str] = field(default_factory=list)       # where the domain is smaller than the task's


def _fp_sort(bits: int) -> Any:
    return claripy.FSORT_FLOAT if bits == 32 else claripy.FSORT_DOUBLE


def _in_range(v: Any, d: dict[str, Any]) -> Any:
    """Constraint: value `v` (bits) lies in d's range (floats: or special, if allowed)."""
    if d["kind"] == "f":
        fp = v.raw_to_fp()
        lo, hi = claripy.FPV(float(d["lo"]), _fp_sort(d["bits"])), claripy.FPV(float(d["hi"]), _fp_sort(d["bits"]))
        inside = claripy.And(claripy.fpGEQ(fp, lo), claripy.fpLEQ(fp, hi))
        return claripy.Or(inside, claripy.fpIsNaN(fp), claripy.fpIsInf(fp)) if d["special"] else inside
    if d["kind"] == "u":
        return claripy.And(v.UGE(d["lo"] & ((1 << d["bits"]) - 1)), v.ULE(d["hi"] & ((1 << d["bits"]) - 1)))
    return claripy.And(v.SGE(d["lo"]), v.SLE(d["hi"]))


def _widen(v: Any, kind: str, bits: int) -> Any:
    """A scalar as the harness converts it to int64_t."""
    if bits == 64:
        return v
    return v.zero_extend(64 - bits) if kind == "u" else v.sign_extend(64 - bits)


def _eval_len(text: str, env: dict[str, Any]) -> Any:
    def ev(node: ast.AST) -> Any:
        if isinstance(node, ast.Expression):
            return ev(node.body)
        if isinstance(node, ast.Constant):
            return claripy.BVV(int(node.value), 64)
        if isinstance(node, ast.Name):
            return env[node.id]
        if isinstance(node, ast.UnaryOp):
            return -ev(node.operand)
        if isinstance(node, ast.BinOp):
            a, b = ev(node.left), ev(node.right)
            if isinstance(node.op, ast.Add):
                return a + b
            if isinstance(node.op, ast.Sub):
                return a - b
            if isinstance(node.op, ast.Mult):
                return a * b
            if isinstance(node.op, (ast.Div, ast.FloorDiv)):
                return a.SDiv(b)
            if isinstance(node.op, ast.Mod):
                return a.SMod(b)
        raise ValueError(f"length expression {text!r}")

    return ev(ast.parse(text, mode="eval"))


def make_inputs(dom: dict[str, Any]) -> Inputs:
    """Symbolic inputs for the domain, in the harness's draw order."""
    inp = Inputs()
    env: dict[str, Any] = {}
    for i, s in enumerate(dom["scalars"]):
        v = claripy.BVS(f"arg_{s['name']}", s["bits"], explicit_name=True)
        inp.constraints.append(_in_range(v, s))
        inp.scalars.append(v)
        inp.draws.append((s["kind"] + str(s["bits"]), v, -1, -1))
        env[s["name"]] = _widen(v, s["kind"], s["bits"]) if s["kind"] != "f" else claripy.BVV(0, 64)
    cap_all = int(dom["max_elems"])
    for k, b in enumerate(dom["buffers"]):
        if b["str"]:
            length = claripy.BVS(f"len_{b['name']}", 64, explicit_name=True)
            hi = min(int(b["max_len"]), cap_all)
            if hi < int(b["max_len"]):
                inp.reduced.append(f"string {b['name']} up to {hi} characters")
            inp.constraints += [length.SGE(int(b["min_len"])), length.SLE(hi)]
            cap = int(b["max_len"]) + 1          # nb_alloc(max_len + 1): zeroed after the string
            inp.draws.append(("i64", length, -1, -1))
        else:
            length = _eval_len(b["len"], env)
            length = claripy.If(length.SLT(0), claripy.BVV(0, 64), length)
            solver = claripy.Solver(timeout=10_000)
            solver.add(inp.constraints)
            top = solver.max(length)
            if top > cap_all:
                inp.constraints.append(length.ULE(cap_all))
                inp.reduced.append(f"array {b['name']} up to {cap_all} elements")
                top = cap_all
            cap = max(int(top), 0)
        elems = []
        for j in range(cap):
            if b["str"]:
                c = claripy.BVS(f"{b['name']}_{j}", 8, explicit_name=True)
                present = claripy.BVV(j, 64).SLT(length)
                inp.constraints.append(claripy.Or(claripy.Not(present), claripy.Or(*(c == a for a in b["alphabet"]))))
                elems.append(claripy.If(present, c, claripy.BVV(0, 8)))
                inp.draws.append(("u8", c, k, j))
            else:
                e = claripy.BVS(f"{b['name']}_{j}", b["bits"], explicit_name=True)
                inp.constraints.append(claripy.Or(claripy.BVV(j, 64).SGE(length), _in_range(e, b)))
                elems.append(e)
                inp.draws.append((f"{b['kind']}{b['bits']}", e, k, j))
        inp.lengths.append(length)
        inp.elems.append(elems)
        inp.caps.append(cap)
        inp.guards.append((claripy.BVS(f"guard_pre_{k}", 8 * GUARD, explicit_name=True),
                           claripy.BVS(f"guard_post_{k}", 8 * GUARD, explicit_name=True)))
    abi = ABIS[dom["isa"]]
    for r in (*abi.int_args, *abi.other, *abi.callee_saved):
        inp.regs[r] = claripy.BVS(f"reg_{r}", 64, explicit_name=True)
    for r in abi.vectors:
        inp.regs[r] = claripy.BVS(f"reg_{r}", 128, explicit_name=True)
    inp.regs["flags"] = claripy.BVS("reg_flags", 64, explicit_name=True)
    return inp


def _buf_addr(k: int) -> int:
    return BUF_BASE + k * BUF_STRIDE + GUARD


def _elem_bytes(dom: dict[str, Any], k: int) -> int:
    b = dom["buffers"][k]
    return 1 if b["str"] else b["bits"] // 8


# How many values a symbolic address may stand for. Beyond them a path stops with an error
# (the tier says unknown): angr's own last resorts pick ONE value (reads: any; writes: the
# largest) and add "address == that value" to the path, which silently drops every other
# input; a wild jump-table index was proved equivalent that way.
READ_RANGE, READ_VALUES = 1024, 256
WRITE_RANGE, WRITE_VALUES = 128, 64


def sound_memory(st: Any) -> None:
    """Make every symbolic memory access stand for all of its addresses, or fail."""
    from angr import concretization_strategies as cs

    st.memory.read_strategies = [cs.SimConcretizationStrategyRange(READ_RANGE),
                                 cs.SimConcretizationStrategySolutions(READ_VALUES)]
    st.memory.write_strategies = [cs.SimConcretizationStrategyRange(WRITE_RANGE),
                                  cs.SimConcretizationStrategySolutions(WRITE_VALUES)]


def start_state(proj: Any, func: int, dom: dict[str, Any], inp: Inputs) -> Any:
    """The shared start state, for one program."""
    st = proj.factory.blank_state(addr=func, add_options={angr.options.SYMBOL_FILL_UNCONSTRAINED_MEMORY,
                                                           angr.options.SYMBOL_FILL_UNCONSTRAINED_REGISTERS,
                                                           angr.options.SYMBOLIC_WRITE_ADDRESSES})
    sound_memory(st)
    abi = ABIS[dom["isa"]]
    for r, v in inp.regs.items():
        if r == "flags":
            continue
        setattr(st.regs, r, v)
    # flags: arbitrary (VEX's COPY thunk, cc_op 0 on both ISAs, takes them from cc_dep1)
    st.regs.cc_op = 0
    st.regs.cc_dep1 = inp.regs["flags"]
    st.regs.cc_dep2 = 0
    st.regs.cc_ndep = 0
    le = "Iend_LE"
    if abi.link is None:  # x86_64: the return address on the stack, the direction flag clear
        st.regs.dflag = 1
        sp = STACK_TOP - 8
        st.memory.store(sp, claripy.BVV(SENTINEL, 64), endness=le)
        first_stack_arg = sp + 8
    else:
        sp = STACK_TOP
        setattr(st.regs, abi.link, SENTINEL)
        first_stack_arg = sp
    setattr(st.regs, abi.sp, sp)
    for k, elems in enumerate(inp.elems):
        addr, eb = _buf_addr(k), _elem_bytes(dom, k)
        pre, post = inp.guards[k]
        st.memory.store(addr - GUARD, pre)
        for j, e in enumerate(elems):
            st.memory.store(addr + j * eb, e, endness=le)
        st.memory.store(addr + inp.caps[k] * eb, post)
    ints, floats, stack = [], [], []
    for kind, idx in dom["args"]:
        if kind == "buffer":
            ints.append(claripy.BVV(_buf_addr(idx), 64))
            continue
        s, v = dom["scalars"][idx], inp.scalars[idx]
        if s["kind"] == "f":
            floats.append((v, idx))
            continue
        ints.append(v)
    n_junk = 0
    for i, v in enumerate(ints):
        if v.size() < 64:
            if abi.extend_to_32 and v.size() < 32:
                kind = next(dom["scalars"][j]["kind"] for j, x in enumerate(inp.scalars) if x is v)
                v = v.zero_extend(32 - v.size()) if kind == "u" else v.sign_extend(32 - v.size())
            junk = claripy.BVS(f"junk_{n_junk}", 64 - v.size(), explicit_name=True)
            n_junk += 1
            inp.junk.append(junk)
            v = claripy.Concat(junk, v)
        if i < len(abi.int_args):
            setattr(st.regs, abi.int_args[i], v)
        else:
            stack.append(v)
    for i, (v, _) in enumerate(floats):
        if i >= len(abi.float_args):
            raise ValueError(f"more than {len(abi.float_args)} floating-point arguments are not modelled")
        junk = claripy.BVS(f"junk_x{i}", 128 - v.size(), explicit_name=True)
        inp.junk.append(junk)
        setattr(st.regs, abi.float_args[i], claripy.Concat(junk, v))
    for i, v in enumerate(stack):  # 8-byte slots on both ISAs
        st.memory.store(first_stack_arg + 8 * i, v, endness=le)
    st.solver.add(*inp.constraints)
    return st


@dataclass
class Explored:
    finished: list[Any] = field(default_factory=list)
    crashed: list[Any] = field(default_factory=list)   # unconstrained jumps, memory errors
    cut: int = 0                                        # paths stopped at the bound
    errors: list[str] = field(default_factory=list)     # the engine could not go on (unsupported)
    blocks: int = 0


def explore(proj: Any, st: Any, max_blocks: int, max_states: int, deadline: float,
            on_end: "Callable[[Any, bool], bool] | None" = None, probes: list[str] | None = None) -> Explored:
    """Run one program from `st` to the sentinel, path by path, within the budgets. Each path
    that ends (returns, or jumps wild / faults: `crashed`) is passed to `on_end` as it ends;
    when that returns True, exploration stops (a difference was found: no need to go on).
    Exploration also stops, with an error, once `probes` (see _project) is not empty."""
    sm = proj.factory.simulation_manager(st, save_unconstrained=True)
    out = Explored()
    seen_done = seen_wild = 0

    def report() -> bool:
        nonlocal seen_done, seen_wild
        if on_end is None:
            return False
        done, wild = sm.stashes.get("done", []), sm.unconstrained
        new = [(x, False) for x in done[seen_done:]] + [(x, True) for x in wild[seen_wild:]]
        seen_done, seen_wild = len(done), len(wild)
        return any(on_end(x, crashed) for x, crashed in new)

    stopped = False
    while sm.active:
        if time.monotonic() > deadline:
            out.cut += len(sm.active)
            break
        sm.move("active", "done", filter_func=lambda s: s.addr == SENTINEL)
        if report():
            stopped = True
            break
        if any(s.history.block_count > max_blocks for s in sm.active):
            sm.move("active", "cut", filter_func=lambda s: s.history.block_count > max_blocks)
        if len(sm.active) > max_states:
            sm.split(from_stash="active", to_stash="cut", limit=max_states)
        if not sm.active:
            break
        sm.step()
        out.blocks += len(sm.active)
        if probes:
            out.errors.append(f"the code uses machine-dependent state ({probes[0]}), which the symbolic model "
                              "cannot stand for")
            return out
    if not stopped:
        report()
    out.finished = list(sm.stashes.get("done", []))
    out.crashed = list(sm.unconstrained)
    out.cut += len(sm.stashes.get("cut", []))
    for rec in sm.errored:
        msg = f"{type(rec.error).__name__}: {rec.error}"
        # a fault, or a jump to where there is no code (a clobbered return address): the
        # program crashes on this path, which is a result like any other
        if "SimSegfault" in msg or "SimMemoryError" in msg or "No bytes in memory" in msg:
            out.crashed.append(rec.state)
            if on_end is not None and not stopped:
                stopped = on_end(rec.state, True)
        else:
            out.errors.append(msg[:300])
    return out


def _canon(bits: Any, fbits: int) -> Any:
    fp = bits.raw_to_fp()
    nan = claripy.BVV((0x7FC00000 if fbits == 32 else 0x7FF8000000000000), fbits)
    return claripy.If(claripy.fpIsNaN(fp), nan, bits)


def observe(st: Any, dom: dict[str, Any], inp: Inputs) -> list[tuple[str, Any]]:
    """What the harness (and its calling-convention check) sees of a finished path."""
    abi = ABIS[dom["isa"]]
    obs: list[tuple[str, Any]] = []
    ret = dom["returns"]
    if ret is not None:
        if ret["kind"] == "f":
            obs.append(("return value", _canon(getattr(st.regs, abi.ret_float)[ret["bits"] - 1:0], ret["bits"])))
        else:
            obs.append(("return value", getattr(st.regs, abi.ret_int)[ret["bits"] - 1:0]))
    for r in abi.callee_saved:
        obs.append((f"register {r} (callee-saved)", getattr(st.regs, r)))
    for r in abi.callee_saved_low:
        obs.append((f"register d{r[1:]} (callee-saved)", getattr(st.regs, r)[63:0]))
    obs.append(("stack pointer", getattr(st.regs, abi.sp)))
    # the machine state the harness's trampoline checks besides registers
    obs += [(what, getattr(st.regs, reg)) for what, reg in abi.state]
    for k, b in enumerate(dom["buffers"]):
        addr, eb = _buf_addr(k), _elem_bytes(dom, k)
        obs.append((f"memory before `{b['name']}`", st.memory.load(addr - GUARD, GUARD)))
        for j in range(inp.caps[k]):
            e = st.memory.load(addr + j * eb, eb, endness="Iend_LE")
            if b["kind"] == "f" and b["dir"] != "in":
                e = _canon(e, b["bits"])
            obs.append((f"`{b['name']}`[{j}]", e))
        obs.append((f"memory after `{b['name']}`", st.memory.load(addr + inp.caps[k] * eb, GUARD)))
    return obs


def _draw_values(model: Any, inp: Inputs) -> list[int]:
    """The counterexample as the harness's draws (raw 64-bit values, see nbh.h: nb_take);
    elements past a buffer's drawn length are guard bytes, not draws."""
    lengths = [model.eval(L, 1)[0] for L in inp.lengths]
    return [_raw(kind, model.eval(v, 1)[0], v.size()) for kind, v, k, j in inp.draws if k < 0 or j < lengths[k]]


def _raw(kind: str, val: int, bits: int) -> int:
    """A draw's value as nb_take reads it: int64 bits for integers, a double's bits for reals."""
    if kind == "f32":
        f = struct.unpack("<f", struct.pack("<I", val))[0]
        return struct.unpack("<Q", struct.pack("<d", f))[0]
    if kind[0] in "ic" and val >= 1 << (bits - 1):  # signed: sign-extend to 64 bits
        val -= 1 << bits
    return val & (2**64 - 1)


# VEX helpers that only move floating-point control state around; every other helper reads or
# changes machine-dependent state (cpuid, rdtsc, rdrand, msr, ports, system registers)
_PURE_HELPERS = ("mxcsr", "fldcw", "fpucw", "F80le", "FINIT", "FLDENV", "FSTENV", "XSAVE", "XRSTOR", "FXSAVE",
                 "FXRSTOR", "fpround", "FPCR")


def _project(path: str, dom: dict[str, Any], inp: Inputs, probes: list[str]) -> tuple[Any, Any] | str:
    """The program's angr project and start state. Machine-dependent instructions and system
    calls are noted in `probes`: the symbolic model gives them some fixed answer, the machine
    another, so code that consults them could be correct here and wrong there (a candidate
    that detects being analysed): such a comparison proves nothing."""
    proj = angr.Project(path, auto_load_libs=False)
    sym = proj.loader.find_symbol(dom["function"])
    if sym is None:
        return f"no symbol {dom['function']}"
    st = start_state(proj, sym.rebased_addr, dom, inp)

    def dirty(s: Any) -> None:
        name = str(s.inspect.dirty_name)
        if not any(p in name for p in _PURE_HELPERS):
            probes.append(name)

    st.inspect.b("dirty", when=angr.BP_BEFORE, action=dirty)
    st.inspect.b("syscall", when=angr.BP_BEFORE, action=lambda s: probes.append("a system call"))
    return proj, st


def compare(cand_path: str, ref_path: str, dom: dict[str, Any], limits: dict[str, Any]) -> dict[str, Any]:
    """Explore both programs and decide. Returns a JSON-able result: tier (proved, bounded,
    differs, unknown), reason, and for `differs` the draws of a counterexample and what
    differed.

    The reference is explored first (half the time budget); then the candidate, each of its
    paths compared with the reference's as soon as it ends, so that a wrong candidate stops
    at its first confirmed-possible difference (the other half, and as much again for the
    solver)."""
    inp = make_inputs(dom)
    max_blocks, max_states, half = int(limits["max_blocks"]), int(limits["max_states"]), float(limits["seconds"]) / 2
    probes: list[str] = []
    got = _project(ref_path, dom, inp, probes)
    if isinstance(got, str):
        return {"tier": "unknown", "reason": f"reference: {got}"}
    ref = explore(*got, max_blocks, max_states, time.monotonic() + half, probes=probes)
    if ref.errors:
        return {"tier": "unknown", "reason": "the symbolic engine stopped on the reference: " + ref.errors[0]}
    if not ref.finished:
        return {"tier": "unknown", "reason": "no path of the reference finished within the bound", "cut_paths": ref.cut}
    solver_ms = int(limits["solver_ms"])
    ref_obs = [(claripy.And(*r.solver.constraints), observe(r, dom, inp)) for r in ref.finished]
    start = time.monotonic()
    verdict: dict[str, Any] = {}

    def check(s: Any, crashed: bool) -> bool:
        """Compare one ended candidate path with every reference path; True to stop."""
        obs = None if crashed else observe(s, dom, inp)
        mine = list(s.solver.constraints)
        for rc, robs in ref_obs:
            if time.monotonic() > start + 2 * half:
                verdict.update(tier="unknown", reason="out of time while comparing paths")
                return True
            try:
                # one-shot solvers, not push/pop on one: z3's incremental mode skips the
                # bit-vector preprocessing that decides these queries (measured: a query it
                # proves in 10 s timed out incrementally)
                if not _fresh(solver_ms, mine, [rc]).satisfiable():
                    continue  # no input takes both paths
                differs = claripy.BoolV(True) if crashed else claripy.Or(*(a != b for (_, a), (_, b) in zip(obs, robs)))
                found = _solve(_fresh(solver_ms, mine, [rc, differs]), [], inp)
            except claripy.errors.ClaripyError:
                verdict.update(tier="unknown", reason=f"the solver timed out ({solver_ms} ms)")
                return True
            if found is not None:
                what = ("the candidate jumps to an arbitrary address or faults" if crashed else
                        ", ".join(name for (name, a), (_, b) in zip(obs, robs)
                                  if found.eval(a != b, 1)[0]) or "the result")
                draws = _draw_values(found, inp)
                verdict.update(tier="differs", reason=f"differs in {what}", draws=draws, junk_zero=found.junk_zero,
                               alternatives=_alternatives(mine, [rc, differs], inp, draws, solver_ms))
                return True
        return False

    got = _project(cand_path, dom, inp, probes)
    if isinstance(got, str):
        return {"tier": "unknown", "reason": f"candidate: {got}"}
    cand = explore(*got, max_blocks, max_states, start + half, on_end=check, probes=probes)
    stats = {"reference_paths": len(ref.finished), "candidate_paths": len(cand.finished),
             "cut_paths": ref.cut + cand.cut, "blocks": ref.blocks + cand.blocks}
    if verdict:
        return {**verdict, **stats}
    if cand.errors:
        return {"tier": "unknown", "reason": "the symbolic engine stopped on the candidate: " + cand.errors[0], **stats}
    if cand.cut or ref.cut or inp.reduced:
        why = []
        if cand.cut and not ref.cut:
            why.append(f"{cand.cut} candidate path(s) still running at the bound where every reference path "
                       "returned (a possible hang)")
        elif cand.cut or ref.cut:
            why.append(f"{cand.cut + ref.cut} path(s) cut at {max_blocks} blocks or {max_states} states")
        why += [f"domain cut to {r}" for r in inp.reduced]
        return {"tier": "bounded", "reason": "; ".join(why), **stats}
    return {"tier": "proved", "reason": f"all {len(cand.finished)} candidate and {len(ref.finished)} reference "
            "paths finished; no input makes them differ", **stats}


class _Model:
    """Values of expressions under the solver's constraints plus `extra` (one model)."""

    def __init__(self, solver: Any, extra: list[Any], junk_zero: bool) -> None:
        self.solver, self.extra, self.junk_zero = solver, extra, junk_zero

    def eval(self, e: Any, n: int) -> list[int]:
        return [int(v) for v in self.solver.eval(e, n, extra_constraints=self.extra)]


ALTERNATIVES = 2


def _alternatives(mine: list[Any], extra: list[Any], inp: Inputs, first: list[int], ms: int) -> list[list[int]]:
    """Up to ALTERNATIVES more counterexamples with other draws. A difference can also depend
    on what the start state leaves arbitrary (a register the function should not read): the
    harness has its own values there, so one input may not reproduce where another does."""
    out: list[list[int]] = []
    seen = [first]
    values = [v for _, v, _, _ in inp.draws]
    if not values:
        return out
    for _ in range(ALTERNATIVES):
        other = [claripy.Or(*(v != _unraw(d, v) for v, d in zip(values, ds))) for ds in seen if len(ds) == len(values)]
        try:
            found = _solve(_fresh(ms, mine, extra, other), [], inp)
        except claripy.errors.ClaripyError:
            break
        if found is None:
            break
        draws = _draw_values(found, inp)
        out.append(draws)
        seen.append(draws)
    return out


def _unraw(d: int, v: Any) -> Any:
    """The symbolic draw `v`'s value for raw draw `d` (the inverse of _raw, for integers; a
    float draw is compared by its low bits, which is enough to tell two models apart)."""
    return claripy.BVV(d & ((1 << v.size()) - 1), v.size())


def _fresh(ms: int, *constraints: list[Any]) -> Any:
    solver = claripy.Solver(timeout=ms)
    for c in constraints:
        solver.add(c)
    return solver


def _solve(solver: Any, extra: list[Any], inp: Inputs) -> "_Model | None":
    """A model of the solver's constraints and `extra`, or None if there is none. Zero junk bits
    (what the harness's caller leaves in the upper halves of narrow arguments) are preferred,
    so that the counterexample replays; the draws are pinned to one model."""
    if not solver.satisfiable(extra_constraints=extra):
        return None
    zero = [j == 0 for j in inp.junk]
    junk_zero = bool(zero) and solver.satisfiable(extra_constraints=extra + zero)
    extra = extra + zero if junk_zero else list(extra)
    for _, v, _, _ in inp.draws:  # fix each draw in turn: later evaluations see one consistent input
        value = solver.eval(v, 1, extra_constraints=extra)[0]
        extra.append(v == value)
    return _Model(solver, extra, junk_zero or not zero)
