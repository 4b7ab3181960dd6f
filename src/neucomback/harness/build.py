"""Turning sources into executables: IR for the model, cached harness objects, trusted
reference builds, and candidate assembly -> object -> executable with readable errors.

Trusted builds (IR, harness, references) raise InfrastructureError on failure. Candidate
builds never raise for a bad candidate: they return a StepResult with the diagnostics.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from .. import toolchain
from ..cache import atomic_write_text, cache_root, key
from ..errors import InfrastructureError, ToolMissingError, UsageError
from ..suite.harnessgen import harness_source
from ..suite.task import Task
from ..targets import Target

RUNTIME_DIR = Path(__file__).parent / "runtime"
COMPILE_TIMEOUT = 120
_locks: dict[str, threading.Lock] = {}
_locks_guard = threading.Lock()


@dataclass
class StepResult:
    """Outcome of one build step on candidate input. `ok` False means the candidate failed."""

    ok: bool
    command: list[str]
    seconds: float
    output: str = ""
    feedback: str = ""
    commands: list[list[str]] = field(default_factory=list)


def _lock(name: str) -> threading.Lock:
    with _locks_guard:
        return _locks.setdefault(name, threading.Lock())


def _run(cmd: list[str], timeout: float = COMPILE_TIMEOUT, cwd: Path | None = None) -> tuple[int, str, float]:
    t0 = time.perf_counter()
    try:
        proc = subprocess.run(cmd, capture_output=True, text=True, errors="replace", timeout=timeout, cwd=cwd)
    except subprocess.TimeoutExpired:
        return 124, f"timed out after {timeout}s: {' '.join(cmd)}", time.perf_counter() - t0
    except FileNotFoundError as e:
        raise InfrastructureError(f"cannot execute {cmd[0]}: {e}") from None
    return proc.returncode, proc.stdout + proc.stderr, time.perf_counter() - t0


def _trusted(cmd: list[str], what: str, cwd: Path | None = None) -> None:
    code, out, _ = _run(cmd, cwd=cwd)
    if code != 0:
        raise InfrastructureError(f"{what} failed ({' '.join(cmd)}):\n{out[-4000:]}")


def _cached(subdir: str, k: str, suffix: str, build: "callable[[Path], None]") -> Path:  # type: ignore[valid-type]
    """Return cache/subdir/k+suffix, building it (once, under a lock) if missing."""
    out = cache_root() / subdir / f"{k}{suffix}"
    if out.exists():
        return out
    with _lock(str(out)):
        if out.exists():
            return out
        out.parent.mkdir(parents=True, exist_ok=True)
        tmp = out.with_name(f".{out.name}.{threading.get_ident()}.tmp")
        build(tmp)
        tmp.replace(out)
    return out


RUNTIME_HASH = key(*(p.read_bytes() for p in sorted(RUNTIME_DIR.glob("*.h"))))


def build_fingerprint(task: Task) -> str:
    """Everything a trusted build of the task depends on: its files, the generated harness
    source and the harness runtime (a change to any of them invalidates cached results)."""
    return key(task.fingerprint(), harness_source(task), RUNTIME_HASH)


def _sources(task: Task) -> list[Path]:
    return [task.ref_source, *(task.path / s for s in task.extra_sources)]


def ir_triple_arch(ir: str) -> str | None:
    """The architecture of an IR module's `target triple` (x86_64, aarch64, riscv64), or None."""
    m = re.search(r'^\s*target\s+triple\s*=\s*"([^"-]+)', ir, re.M)
    return m.group(1) if m else None


def check_ir_target(ir: str, target: Target, what: str) -> None:
    """UsageError unless the IR is for `target` (IR is target-specific: its data layout, ABI
    lowering and intrinsics were chosen for one triple)."""
    arch = ir_triple_arch(ir)
    if arch is None:
        raise UsageError(f"{what}: the IR has no `target triple`, so it is not known to be for {target.name}")
    if arch != target.triple.split("-", 1)[0]:
        raise UsageError(f"{what}: the IR is for {arch}, not {target.name} (IR is target-specific; "
                         f"compile the C source for {target.name}, or give IR made for it)")


def ir_command(target: Target, src: str | Path, out: str | Path, *extra: str) -> list[str]:
    """How IR is made from C: what the model is given, and what `compile` makes of a .c file."""
    return [toolchain.tool("clang"), *target.clang_flags, "-O3", "-ffp-contract=off", "-S", "-emit-llvm", "-fno-ident",
            *extra, str(src), "-o", str(out)]


def ir_for(task: Task, target: Target) -> Path:
    """The LLVM IR the model is given: the -O3 IR of the C source for this target, or the
    task's own ref.ll (IR tasks, made for one target)."""
    k = key("ir2", task.fingerprint(), target.name, target.clang_flags, toolchain.version_fingerprint())
    if task.ref_ll is not None:
        text = task.ref_ll.read_text()
        check_ir_target(text, target, f"task {task.id}")
        return _cached("ir", k, ".ll", lambda tmp: atomic_write_text(tmp, text))

    def build(tmp: Path) -> None:
        # run in the task's folder on a relative name: the IR's ModuleID and source_filename
        # (shown to the model, part of cache keys) then carry no path of this machine
        _trusted(ir_command(target, task.ref_c.name, tmp.resolve(), "-I", str(RUNTIME_DIR)),
                 f"IR generation for {task.id}", cwd=task.path)

    return _cached("ir", k, ".ll", build)


# The flags of trusted C builds, named once: the harness (no builtins, so that its checks
# call real functions; no FP contraction, so that its double arithmetic matches the spec)
# and the C reference (no FP contraction, like the IR the model is given).
HARNESS_FLAGS = ("-ffp-contract=off", "-fno-builtin", "-w")
REFERENCE_FLAGS = ("-ffp-contract=off", "-w")


def compile_command(target: Target, src: str | Path, out: str | Path, *, opt: str | None = "-O2", cpp: bool = False,
                    includes: tuple[str | Path, ...] | list[str | Path] = (), flags: tuple[str, ...] = (),
                    compile_only: bool = True) -> list[str]:
    """clang (clang++ with `cpp`) for `target` at `opt`: `src` to an object in `out` (with
    `compile_only` off, whatever the driver makes of it: an executable, a PCH). The one place
    C/C++ compile command lines are made: harness, reference, trampoline, support code, and
    the importers' probe builds."""
    driver = toolchain.tool("clang++" if cpp else "clang")
    inc = [x for d in includes for x in ("-I", str(d))]
    return [driver, *target.clang_flags, *([opt] if opt else []), *flags, *inc, *(["-c"] if compile_only else []),
            str(src), "-o", str(out)]


def executable_command(target: Target, objs: list[str], out: Path | str, *, cpp: bool = False,
                       wrap: str | None = None, flags: tuple[str, ...] = ()) -> list[str]:
    """Link objects into an executable: non-PIE (position-dependent model asm links), no exec
    stack, libm; with `wrap`, that function is wrapped by the calling-convention trampoline."""
    driver = toolchain.tool("clang++" if cpp else "clang")
    return [driver, *target.clang_flags, *flags, "-no-pie", "-fuse-ld=bfd", "-Wl,-z,noexecstack",
            *([f"-Wl,--wrap={wrap}"] if wrap else []), *objs, "-lm", "-o", str(out)]


def gcc_command(target: Target, src: str | Path, out: str | Path, opt: str = "-O3") -> list[str]:
    """gcc (the cross gcc off x86_64) for `target`'s ISA baseline: C to assembly (the gcc-O3 baseline)."""
    gcc = "gcc" if target.name == "x86_64" else f"{target.triple}-gcc"
    if shutil.which(gcc) is None:
        raise ToolMissingError(f"{gcc} not found (needed for the gcc-O3 baseline)")
    isa = {"x86_64": ["-march=x86-64"], "aarch64": [], "riscv64": ["-march=rv64gc", "-mabi=lp64d"]}[target.name]
    return [gcc, *isa, opt, "-ffp-contract=off", "-fno-pie", "-S", str(src), "-o", str(out)]


def run_compiler(cmd: list[str], timeout: float = COMPILE_TIMEOUT) -> str | None:
    """Run a trusted compiler command with a time limit: None on success, else the tail of its
    diagnostics (or the timeout) as text."""
    code, output, _ = _run(cmd, timeout=timeout)
    return None if code == 0 else output[-2000:]


def harness_obj(task: Task, target: Target) -> Path:
    """The harness object for (task, target), compiled once and cached."""
    src = harness_source(task)
    is_cpp = task.custom_harness is not None and task.custom_harness.suffix == ".cpp"
    k = key("harness", build_fingerprint(task), target.name, target.clang_flags, toolchain.version_fingerprint())

    def build(tmp: Path) -> None:
        src_path = tmp.with_suffix(".cpp" if is_cpp else ".c")
        atomic_write_text(src_path, src)
        _trusted(compile_command(target, src_path, tmp, cpp=is_cpp, flags=HARNESS_FLAGS,
                                 includes=(RUNTIME_DIR, task.path)), f"harness build for {task.id}")

    return _cached("harness", k, ".o", build)


def abi_obj(task: Task, target: Target) -> Path:
    """The calling-convention trampoline for the task's function (runtime/nb_abi_<arch>.S)."""
    src = RUNTIME_DIR / f"nb_abi_{target.name}.S"
    k = key("abi", src.read_bytes(), (RUNTIME_DIR / "nb_abi_data.inc").read_bytes(), task.function, target.name,
            target.clang_flags, toolchain.version_fingerprint())

    def build(tmp: Path) -> None:
        _trusted(compile_command(target, src, tmp, opt=None, flags=(f"-DNB_FUNC={task.function}",)),
                 f"calling-convention trampoline for {task.id}")

    return _cached("abi", k, ".o", build)


def support_obj(task: Task, target: Target) -> Path | None:
    """The task's support.ll compiled by the trusted toolchain, its symbols made weak
    (cached), or None. Weak, so that a file defining everything (the composed output of
    `compile`) links with it too: its own, strong definitions win."""
    if task.support_ll is None:
        return None
    src = task.support_ll
    check_ir_target(src.read_text(), target, f"task {task.id} (support.ll)")
    k = key("support", src.read_bytes(), target.name, target.clang_flags, toolchain.version_fingerprint())

    def build(tmp: Path) -> None:
        _trusted(compile_command(target, src, tmp, flags=("-w",)), f"support code of {task.id}")
        _trusted([toolchain.tool("llvm-objcopy"), "--weaken", str(tmp)], f"weakening the support code of {task.id}")

    return _cached("support", k, ".o", build)


def harness_objs(task: Task, target: Target) -> list[Path]:
    """Everything a candidate (or a reference) object is linked with."""
    support = support_obj(task, target)
    return [harness_obj(task, target), abi_obj(task, target), *([support] if support else [])]


def reference_exe(task: Task, target: Target, opt: str) -> Path:
    """A trusted executable of the C reference at `opt` (e.g. "-O0"), same ISA flags, linked
    with the same harness and trampoline as a candidate."""
    hobjs = harness_objs(task, target)
    k = key("ref", build_fingerprint(task), target.name, opt, target.clang_flags, toolchain.version_fingerprint(),
            *(h.name for h in hobjs))

    def build(tmp: Path) -> None:
        objs = []
        for i, src in enumerate(_sources(task)):
            obj = tmp.with_name(f"{tmp.name}.{i}.o")
            _trusted(compile_command(target, src, obj, opt=opt, flags=REFERENCE_FLAGS, includes=(RUNTIME_DIR,)),
                     f"reference build of {task.id}")
            objs.append(str(obj))
        _trusted(link_command(task, target, [*objs, *map(str, hobjs)], tmp), f"reference link of {task.id}")

    return _cached("ref", k, ".exe", build)


def reference_obj(task: Task, target: Target) -> Path:
    """llc -O3's assembly for the task's IR, assembled exactly as a candidate is."""
    asm = reference_asm(task, target)
    k = key("refobj", asm.name, target.name, target.clang_flags, toolchain.version_fingerprint())

    def build(tmp: Path) -> None:
        _trusted(assemble_command(asm, target, tmp), f"assembling llc -O3 code of {task.id}")

    return _cached("refobj", k, ".o", build)


def timing_reference_exe(task: Task, target: Target) -> Path:
    """The clang -O3 code a candidate is timed against: llc -O3 of the same IR, assembled and
    linked exactly as a candidate (same objects, same order, same command), so that the
    reference compiler's own output given as a candidate is the identical program."""
    obj = reference_obj(task, target)
    hobjs = harness_objs(task, target)
    k = key("timeref", obj.name, *(h.name for h in hobjs), target.name)

    def build(tmp: Path) -> None:
        _trusted(link_command(task, target, [str(obj), *map(str, hobjs)], tmp), f"timing reference link of {task.id}")

    return _cached("timeref", k, ".exe", build)


def reference_asm(task: Task, target: Target, opt: str = "-O3") -> Path:
    """llc's assembly for the task's IR (the clang -O3 code the candidate is compared with)."""
    ir = ir_for(task, target)
    k = key("refasm", ir.name, opt, target.llc_flags)

    def build(tmp: Path) -> None:
        _trusted(llc_command(target, opt, ir, tmp),
                 f"llc {opt} for {task.id}")

    return _cached("refasm", k, ".s", build)


def is_cpp_harness(task: Task) -> bool:
    return task.custom_harness is not None and task.custom_harness.suffix == ".cpp"


def link_command(task: Task, target: Target, objs: list[str], out: Path) -> list[str]:
    """Link objects into an executable: non-PIE (position-dependent model asm links), no exec
    stack, and the task's function wrapped by the calling-convention trampoline."""
    return executable_command(target, objs, out, cpp=is_cpp_harness(task), wrap=task.function)


def image_command(target: Target, objs: list[str], entry: str, out: Path | str) -> list[str]:
    """A freestanding static image of a function (the proof tier's input: no libc, no harness,
    entry at the function), from its object and the libc model."""
    return [toolchain.tool("clang"), *target.clang_flags, "-nostdlib", "-static", "-no-pie", "-fuse-ld=bfd",
            f"-Wl,-e,{entry}", "-Wl,-z,noexecstack", *objs, "-o", str(out)]


def libc_model_obj(target: Target) -> Path:
    """The proof tier's plain C libc (prove/libc_model.c), compiled once and cached."""
    src = Path(__file__).parent.parent / "prove" / "libc_model.c"
    k = key("libcmodel", src.read_bytes(), target.name, target.clang_flags, toolchain.version_fingerprint())

    def build(tmp: Path) -> None:
        _trusted(compile_command(target, src, tmp, opt="-O1", flags=("-ffreestanding", "-fno-builtin",
                                 "-fno-math-errno", "-fno-stack-protector", "-w")), "the proof tier's libc model")

    return _cached("libcmodel", k, ".o", build)


def image(objs: list[Path], target: Target, entry: str, out: Path) -> StepResult:
    """Link a function's object(s) with the libc model into a proof image (image_command)."""
    cmd = image_command(target, [*map(str, objs), str(libc_model_obj(target))], entry, out)
    code, output, secs = _run(cmd, timeout=60)
    undefined = sorted(set(_UNDEF.findall(output)))
    return StepResult(code == 0, cmd, secs, output,
                      "" if code == 0 else (f"calls {', '.join(undefined)}, which the proof tier has no model for"
                                            if undefined else f"linking the proof image failed: {output[-500:]}"))


def llc_command(target: Target, opt: str = "-O3", src: str | Path = "-", out: str | Path = "-",
                filetype: str | None = None) -> list[str]:
    """llc for `target` (its triple and ISA flags) at `opt` ("-O3", "-O0", ...): IR from `src`
    to assembly (or `filetype` "obj"/"null") in `out`; "-" is stdin/stdout. The one place
    llc command lines are made: the reference, baselines, the llc provider and compile."""
    return [toolchain.tool("llc"), *target.llc_flags, opt, *([f"-filetype={filetype}"] if filetype else []),
            str(src), "-o", str(out)]


def assemble_command(asm_path: Path, target: Target, obj_path: Path) -> list[str]:
    """LLVM's assembler (clang -c): GNU syntax and every directive llc emits, on all targets."""
    return [toolchain.tool("clang"), *target.clang_flags, "-c", "-x", "assembler", str(asm_path), "-o", str(obj_path)]


_AS_LINE = re.compile(r"^[^:\n]*?:(\d+):(?:\d+:)? (error|warning|Error|Warning|Fatal error): (.*)$", re.M)


def _annotate(diagnostics: str, source_lines: list[str], limit: int = 12) -> str:
    """Attach the offending source line to each `file:LINE[:COL]: error: ...` diagnostic."""
    out: list[str] = []
    for m in _AS_LINE.finditer(diagnostics):
        if m.group(2).lower().startswith("warning"):
            continue
        line_no = int(m.group(1))
        src = source_lines[line_no - 1].rstrip() if 0 < line_no <= len(source_lines) else "<beyond end of file>"
        out.append(f"line {line_no}: {m.group(3).strip()}\n    {line_no:5d} | {src}")
        if len(out) >= limit:
            out.append("(further errors omitted)")
            break
    return "\n".join(out) if out else diagnostics.strip()[-3000:]


def assemble(asm_path: Path, target: Target, obj_path: Path) -> StepResult:
    """Assemble candidate asm (see assemble_command); diagnostics quote the offending lines."""
    cmd = assemble_command(asm_path, target, obj_path)
    code, out, secs = _run(cmd, timeout=60)
    if code == 0:
        return StepResult(True, cmd, secs, out)
    lines = asm_path.read_text(errors="replace").splitlines()
    return StepResult(False, cmd, secs, out, "The assembler rejected the code:\n" + _annotate(out, lines))


_UNDEF = re.compile(r"undefined reference to [`'](\S+?)'")
_MULTI = re.compile(r"multiple definition of [`'](\S+?)'")


def link(objs: list[Path], target: Target, exe_path: Path, task: Task) -> StepResult:
    """Link candidate object(s) with the task harness; explain missing/duplicate symbols."""
    cmd = link_command(task, target, [str(o) for o in objs], exe_path)
    code, out, secs = _run(cmd, timeout=60)
    if code == 0:
        return StepResult(True, cmd, secs, out)
    hints = []
    for sym in sorted(set(_UNDEF.findall(out))):
        hints.append(f"- symbol `{sym}` is used but not defined: the assembly must define it "
                     f"(with `.globl {sym}` if it is the function the harness calls).")
    for sym in sorted(set(_MULTI.findall(out))):
        hints.append(f"- symbol `{sym}` is defined twice (once in your assembly and once elsewhere).")
    body = "\n".join(hints) if hints else ""
    tail = "\n".join(l for l in out.splitlines() if "collect2" not in l)[-2000:]
    return StepResult(False, cmd, secs, out, f"Linking failed:\n{body}\nLinker output:\n{tail}".strip())
