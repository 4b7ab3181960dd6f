"""The steps of `neucomback compile` around the agent run: preparing one task per function,
then composing the output from what was verified and checking the composed file as a whole.

Nothing unverified reaches the output: a model-written function enters it only with a
correct verdict of its own, and the composed file is verified again, function by function,
with each function's tests (a part that breaks assembly or another function falls back).
"""

from __future__ import annotations

import re
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import UsageError
from ..harness.build import assemble_command, llc_command
from ..harness.evaluate import Evaluator
from ..suite import load_suite
from ..suite.task import Task
from ..targets import Target
from .compose import Part, blamed_part, compose, relocalize
from .decompose import DEFAULT_ABOVE, piece_label, split, wants_split
from .module import (IrFunction, aliased, externalize, extract, functions, internal_names, load_module,
                     observable_globals)
from .signature import NeedsSpec, Untestable, load_spec, signature
from .tasks import task_id, write_task

FALLBACKS = ("llc-O3", "none")
MISSING_SPEC = ("error", "fallback")


@dataclass
class Prepared:
    """The module, its selected functions, and a task for each one that can be tested."""

    ir: str
    selected: list[IrFunction]
    tasks: dict[str, Task]                     # function -> task (the function alone)
    whole: dict[str, Task] = field(default_factory=dict)  # function -> task checking the composed file
    untestable: dict[str, str] = field(default_factory=dict)  # function -> why
    local: set[str] = field(default_factory=set)                # internal symbols of the user's module
    piece_of: dict[str, str] = field(default_factory=dict)     # piece of a decomposed function -> that function
    observed: list[tuple[str, int]] = field(default_factory=list)  # globals every test compares after a call
    bundle: dict[str, list[str]] = field(default_factory=dict)     # unit -> helpers translated with it
    unobserved: dict[str, str] = field(default_factory=dict)       # writable globals it cannot compare -> why


def prepare(source: Path, target: Target, names: list[str] | None, spec_path: Path | None, root: Path,
            missing_spec: str = "error", decompose: str = "never", above: int = DEFAULT_ABOVE) -> Prepared:
    """Load and split the module; write the tasks under `root`. UsageError for bad input
    (one line, naming what to fix): IR llc rejects, no defined function, an unknown
    --function, pointer arguments without a length (unless `missing_spec` is "fallback":
    then such a function is not tested, so it is taken from llc, and the output says why).
    With `decompose` ("auto": functions above `above` IR instructions; "always"), a testable
    function's loops become pieces, each a unit of its own, tested through the function."""
    original = load_module(source, target)
    if not functions(original):
        raise UsageError(f"{source}: the module defines no functions")
    ir = externalize(original)
    fns = functions(ir)
    if names:
        known = {f.name for f in fns}
        unknown = [n for n in names if n not in known]
        if unknown:
            raise UsageError(f"{source}: no function {', '.join(unknown)} (defined: {', '.join(sorted(known))})")
        fns = [f for f in fns if f.name in names]
    spec = load_spec(spec_path)
    extra = sorted(set(spec) - {f.name for f in functions(ir)})
    if extra:
        raise UsageError(f"{spec_path}: no function {', '.join(extra)} in {source}")
    prep = Prepared(ir, fns, {}, local=internal_names(original))
    needs: list[str] = []
    written = []
    aliases = aliased(ir)
    for fn in fns:
        if fn.name in aliases:
            prep.untestable[fn.name] = (f"{', '.join(aliases[fn.name])} {'is an alias' if len(aliases[fn.name]) == 1 else 'are aliases'}"
                                        " of it, and an alias must point to a definition of the trusted part")
            continue
        try:
            sig = signature(fn, spec.get(fn.name))
        except Untestable as e:
            prep.untestable[fn.name] = str(e)
            continue
        except NeedsSpec as e:
            if missing_spec == "fallback":  # a whole library: untestable here is not an error
                prep.untestable[fn.name] = str(e)
            else:
                needs.append(str(e))
            continue
        units = [fn.name]
        if wants_split(fn, decompose, above):
            parts = split(prep.ir, fn.name)
            if parts.pieces:
                prep.ir = parts.ir
                prep.local |= set(parts.pieces)
                prep.piece_of.update({p: fn.name for p in parts.pieces})
                units += list(parts.pieces)
        written.append((fn, units, sig))
    if needs:
        raise UsageError(needs[0] + (f" (and {len(needs) - 1} more argument(s) like it)" if len(needs) > 1 else ""))
    by_name = {f.name: f for f in functions(prep.ir)}
    _bundle_helpers(prep, [u for _, units, _ in written for u in units], by_name)
    if written:
        prep.observed, prep.unobserved = observable_globals(prep.ir, target)
    for fn, units, sig in written:  # after every split: each task sees the final module
        write_task(root / "whole", prep.ir, by_name[fn.name], sig, source, whole=True, observe=prep.observed)
        for unit in units:
            write_task(root / "functions", prep.ir, by_name[fn.name], sig, source, unit=unit, observe=prep.observed,
                       helpers=prep.bundle.get(unit, []))
    if written:
        alone, whole = load_suite(root / "functions"), load_suite(root / "whole")
        for fn, units, _ in written:
            for unit in units:
                prep.tasks[unit] = alone.get(task_id(unit))
                prep.whole[unit] = whole.get(task_id(fn.name))
    prep.selected = [u for f in prep.selected for u in [by_name.get(f.name, f)] +
                     [by_name[p] for p, of in prep.piece_of.items() if of == f.name]]
    return prep


def _bundle_helpers(prep: Prepared, units: list[str], by_name: dict[str, IrFunction]) -> None:
    """Static helpers that llc gives its own calling convention (fastcc) cannot be called by a
    harness; each joins the unit of its first caller that is tested (transitively: a helper's
    helpers join the same unit), so the model translates them together and the caller's tests
    cover them. A helper no tested unit calls stays with llc."""
    owner: dict[str, str] = {u: u for u in units}
    helpers = [f.name for f in prep.selected if f.name in prep.untestable and by_name.get(f.name, f).calling_convention]
    changed = True
    while changed:
        changed = False
        for h in helpers:
            if h in owner:
                continue
            caller = next((u for u in owner if re.search(rf"@{re.escape(h)}\(", by_name[u].body)), None)
            if caller is not None:
                owner[h] = owner[caller]
                prep.bundle.setdefault(owner[caller], []).append(h)
                del prep.untestable[h]
                changed = True


def bundled_with(prep: Prepared) -> dict[str, str]:
    """helper -> the unit it is translated with."""
    return {h: u for u, hs in prep.bundle.items() for h in hs}


@dataclass
class Verified:
    """A model-written function with a correct verdict, as the agent run recorded it."""

    function: str
    asm: str
    cases: int
    round: int
    proof: str | None = None   # --prove: the proof tier of this version

    def how(self) -> str:
        """How it was verified, as the output file says it."""
        return f"verified on {self.cases} test cases" + (f", proof: {self.proof}" if self.proof else "")


@dataclass
class Composed:
    text: str
    model_written: list[str]
    fell_back: dict[str, str]                  # function -> why (fallback to the trusted toolchain)
    final_checks: dict[str, bool]              # function -> its tests pass on the composed file


def compose_output(prep: Prepared, target: Target, verified: dict[str, Verified], model: str,
                   evaluator: Evaluator, source: Path, why_not: dict[str, str] | None = None) -> Composed:
    """The output file: llc -O3 for everything not model-written, plus the verified parts;
    a part that breaks assembly or any function's tests in the composed file falls back."""
    fell_back = {f.name: why for f, why in ((f, prep.untestable.get(f.name)) for f in prep.selected) if why}
    for f in prep.selected:
        if f.name in prep.tasks and f.name not in verified:
            fell_back[f.name] = (why_not or {}).get(f.name) or f"{model} did not produce a verified translation"
    with_unit = bundled_with(prep)
    keep = dict(verified)
    for _ in range(len(keep) + 1):
        text, spans = _compose(prep, target, keep, fell_back, model, source)
        err = _assemble_error(text, target)
        if err:
            blamed = blamed_part(err, spans)
            if blamed is None:
                raise UsageError(f"the composed output does not assemble, and not because of a model-written part: "
                                 f"{err.strip().splitlines()[0][:300]}")
            fell_back[blamed] = f"did not compose with the rest of the module: {err.strip().splitlines()[0][:200]}"
            del keep[blamed]
            continue
        # checked with every symbol global, as in the externalized module (the harness calls
        # internal functions by name); the output then makes the internal ones local again,
        # which changes symbol binding only, not code
        by_task = {task.id: task for task in prep.whole.values()}  # a function and its pieces share one
        passed = {tid: evaluator.verify(task, target, text, timing=False).correct for tid, task in by_task.items()}
        checks = {fn: passed[task.id] for fn, task in prep.whole.items()}
        broken = [fn for fn in keep if not checks[fn]]
        if not broken:
            for h, u in with_unit.items():  # a helper shares the outcome of the unit it came with
                if u not in keep:
                    fell_back[h] = f"translated with {u}, which fell back"
                checks[h] = checks[u]
            written = sorted([*keep, *(h for h, u in with_unit.items() if u in keep)])
            return Composed(relocalize(text, prep.local), written, fell_back, checks)
        for fn in broken:
            fell_back[fn] = "its tests failed on the composed file"
            del keep[fn]
    raise AssertionError("unreachable: every part fell back")


def _compose(prep: Prepared, target: Target, keep: dict[str, Verified], fell_back: dict[str, str], model: str,
             source: Path) -> tuple[str, dict[str, range]]:
    comment = "//" if target.name == "aarch64" else "#"
    with_unit = bundled_with(prep)
    deleted = sorted({*keep, *(h for h, u in with_unit.items() if u in keep)})
    rest_ir = extract(prep.ir, deleted, delete=True, what="the trusted rest") if keep else prep.ir
    rest = _llc(rest_ir, target)
    header = [f"neucomback compile of {source.name} for {target.name}: {len(keep)} function(s) written by {model} "
              "and verified, the rest by llc -O3."]
    for f in prep.selected:
        what = f" ({piece_label(f.name, prep.piece_of)}, tested through it)" if f.name in prep.piece_of else ""
        if f.name in with_unit:
            what = f" (static helper, translated and tested with {with_unit[f.name]})"
        if f.name in keep:
            v = keep[f.name]
            header.append(f"  {f.name}{what}: model-written ({model}), {v.how()} (round {v.round})")
        elif with_unit.get(f.name) in keep:
            header.append(f"  {f.name}{what}: model-written ({model})")
        elif f.name in fell_back:
            header.append(f"  {f.name}{what}: llc -O3 fallback: {fell_back[f.name]}")
    if prep.observed:
        header.append("  globals compared after every test call: " + ", ".join(n for n, _ in prep.observed))
    if prep.unobserved:
        header.append("  globals NOT compared (writes to them are not checked): "
                      + ", ".join(f"{n} ({why})" for n, why in sorted(prep.unobserved.items())))
    parts = [Part(fn, keep[fn].asm, f"{fn}: model-written by {model}, {keep[fn].how()}")
             for fn in sorted(keep)]
    return compose(header, rest, parts, comment)


def _llc(ir: str, target: Target) -> str:
    import subprocess

    p = subprocess.run(llc_command(target), input=ir,
                       capture_output=True, text=True, errors="replace", timeout=600)
    if p.returncode != 0:
        raise UsageError(f"llc rejects the rest of the module: {p.stderr.strip().splitlines()[:1]}")
    return p.stdout


def _assemble_error(text: str, target: Target) -> str | None:
    """The assembler's diagnostics for `text`, or None when it assembles."""
    import subprocess

    with tempfile.TemporaryDirectory() as tmp:
        asm, obj = Path(tmp) / "out.s", Path(tmp) / "out.o"
        asm.write_text(text)
        p = subprocess.run(assemble_command(asm, target, obj), capture_output=True, text=True, errors="replace",
                           timeout=300)
        return None if p.returncode == 0 else (p.stderr or p.stdout or "assembler failed")
