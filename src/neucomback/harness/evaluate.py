"""The evaluator: candidate assembly in, Verdict out.

Contract: `Evaluator.verify(task, target, asm)` never raises. Candidate problems (bad asm,
link errors, crashes, wrong answers, timeouts) give a Verdict with `failure_kind="candidate"`
and feedback a model can act on; toolchain or sandbox problems give
`failure_kind="infrastructure"`.
"""

from __future__ import annotations

import re
import shutil
import threading
import tempfile
import time
import traceback
from collections.abc import Callable
from pathlib import Path

from ..errors import InfrastructureError
from ..suite.task import Task
from ..targets import Target
from . import mca
from .build import assemble, harness_obj, link, reference_asm, reference_exe
from .check import Output, compare, describe_inputs, parse_output, subset
from .reference import calibration, check_argv, expected_output, time_argv
from .sandbox import ExecResult, Limits, Sandbox, make_sandbox
from .timing import interleave, speedup_stats
from .verdict import Stage, Timing, Verdict

MAX_ASM_BYTES = 4 << 20
# One timing section at a time per process: concurrent timings on a 2-core machine would
# measure each other. Correctness runs of other tasks may still overlap (both sides of a
# pair see the same load because runs are interleaved).
TIMING_LOCK = threading.Lock()
SUSPICIOUS_SPEEDUP = 10.0


def asm_text(asm: str | bytes) -> tuple[str | None, str]:
    """Validate candidate assembly: (text, "") or (None, reason) for empty/binary/huge input."""
    raw = asm.encode("utf-8", errors="surrogateescape") if isinstance(asm, str) else asm
    if len(raw) > MAX_ASM_BYTES:
        return None, f"The assembly is {len(raw) / 1e6:.1f} MB; the limit is {MAX_ASM_BYTES >> 20} MiB."
    if b"\0" in raw:
        return None, "The assembly contains NUL bytes: it is binary data, not assembly text."
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as e:
        return None, f"The assembly is not valid UTF-8 text (byte {e.start}): it looks like binary data."
    if not text.strip():
        return None, "The assembly is empty."
    return text, ""


class Evaluator:
    """Builds, runs, checks and times candidates for tasks. Thread-safe."""

    def __init__(self, sandbox: Sandbox | None = None, *, unsafe: bool = False, pairs: int = 7,
                 warmup: int = 1, use_mca: bool = True, callgrind: bool = False) -> None:
        self.sandbox = sandbox if sandbox is not None else make_sandbox(unsafe)
        self.pairs = max(pairs, 5)
        self.warmup = warmup
        self.use_mca = use_mca
        self.callgrind = callgrind

    def verify(self, task: Task, target: Target, asm: str | bytes, *, timing: bool | None = None,
               workdir: Path | None = None) -> Verdict:
        """Judge one candidate. `timing` defaults to True for Level 2 tasks.

        Artifacts (candidate.s, .o, exe) go to `workdir` if given (kept), else a temp dir.
        """
        v = Verdict(task.id, target.name, sandbox=self.sandbox.name)
        own_dir = workdir is None
        work = Path(tempfile.mkdtemp(prefix="ncb-")) if own_dir else workdir
        work.mkdir(parents=True, exist_ok=True)
        t0 = time.perf_counter()
        try:
            self._verify(v, task, target, asm, task.level == 2 if timing is None else timing, work)
        except InfrastructureError as e:
            v.fail("infrastructure", _next_stage(v), str(e))
        except Exception as e:  # our bug must not kill a batch: report it as infrastructure
            v.fail("infrastructure", _next_stage(v),
                   f"internal error: {type(e).__name__}: {e}\n{traceback.format_exc(limit=3)}")
        finally:
            v.seconds["total"] = time.perf_counter() - t0
            if own_dir:
                shutil.rmtree(work, ignore_errors=True)
        return v

    # -- stages ------------------------------------------------------------------------
    def _verify(self, v: Verdict, task: Task, target: Target, asm: str | bytes, timing: bool, work: Path) -> None:
        text, why = asm_text(asm)
        if text is None:
            v.fail("candidate", "assemble", why)
            return
        src = work / "candidate.s"
        src.write_text(text if text.endswith("\n") else text + "\n")
        ref = expected_output(task, target)
        hobj = harness_obj(task, target)
        step = assemble(src, target, work / "candidate.o")
        v.seconds["assemble"] = step.seconds
        if not step.ok:
            v.fail("candidate", "assemble", step.feedback)
            return
        v.stage = Stage.ASSEMBLED
        step = link([work / "candidate.o", hobj], target, work / "candidate.exe", task)
        v.seconds["link"] = step.seconds
        if not step.ok:
            v.fail("candidate", "link", step.feedback)
            return
        v.stage = Stage.LINKED
        self._check(v, task, target, work / "candidate.exe", ref.output, ref.seconds)
        if not v.correct or not timing or task.level != 2:
            return
        self._time(v, task, target, work / "candidate.exe", src)

    def _run(self, target: Target, exe_dir: Path, argv: list[str], wall: float) -> ExecResult:
        res = self.sandbox.exec([*target.run_prefix(), *argv], exe_dir,
                                Limits(wall_seconds=wall, cpu_seconds=int(wall) + 2))
        if res.setup_error:
            raise InfrastructureError(f"sandbox setup failed: {res.setup_error}")
        return res

    def _check(self, v: Verdict, task: Task, target: Target, exe: Path, expected: Output, ref_secs: float) -> None:
        stage_dir = self.sandbox.stage([exe])
        try:
            wall = min(max(2.0 + 20 * ref_secs, 5.0), 120.0)
            res = self._run(target, stage_dir, check_argv(task, f"/w/{exe.name}"), wall)
        finally:
            shutil.rmtree(stage_dir, ignore_errors=True)
        v.seconds["run"] = res.seconds
        got = parse_output(res.stdout)
        v.cases_total = len({c for c, _ in expected.outs})
        if not res.ok:
            done = {c for c, _ in got.outs}
            case = max(done) + 1 if done else 0
            what = f"The program {res.describe()} during test case #{case}."
            if res.output_truncated:
                what += " It printed more output than allowed."
            v.fail("candidate", "run", f"{what}\nInputs of case #{case}: {describe_inputs(expected, case)}"
                   + (f"\nstderr: {res.stderr.strip()[-500:]}" if res.stderr.strip() else ""))
            v.cases_passed = len(done)
            return
        v.stage = Stage.RAN
        upstream = task.meta.get("upstream_cases")
        if upstream:  # imported tasks: also report the verdict of the original single test
            v.upstream_correct = compare(subset(expected, set(upstream)), subset(got, set(upstream)),
                                         task.rel_tol, task.abs_tol).ok
        result = compare(expected, got, task.rel_tol, task.abs_tol)
        v.cases_passed = result.cases_passed
        if not result.ok:
            v.fail("candidate", "check", result.feedback)
            return
        v.stage, v.correct, v.feedback = Stage.CORRECT, True, result.feedback

    def _time(self, v: Verdict, task: Task, target: Target, exe: Path, src: Path) -> None:
        t = Timing(size=task.time_size)
        v.timing = t
        if self.use_mca:
            self._mca(t, task, target, src)
        if not target.native:
            t.wall_clock_valid = False
            t.note = "emulated (qemu): no wall-clock speedup is reported; see the llvm-mca estimate"
            return
        cal = calibration(task, target)
        t.reps = cal.reps
        ref_exe = reference_exe(task, target, "-O3")
        stage_dir = self.sandbox.stage([exe])
        ref_dir = self.sandbox.stage([ref_exe])
        wall = min(max(10.0, 30 * cal.reference_ns / 1e9), 120.0)
        wrong: list[str] = []

        def run(dir_: Path, name: str, check: bool) -> int | None:
            res = self._run(target, dir_, time_argv(task, f"/w/{name}", cal.reps), wall)
            out = parse_output(res.stdout)
            if not res.ok or out.time_ns is None:
                wrong.append(f"The program {res.describe()} in the timing run (size {task.time_size}, "
                             f"{cal.reps} repetitions).")
                return None
            if check:
                cmp = compare(cal.output, out, task.rel_tol, task.abs_tol)
                if not cmp.ok:
                    wrong.append(f"Wrong result in the timing run (size {task.time_size}, {cal.reps} "
                                 f"repetitions with inputs changed between them): {cmp.feedback}")
                    return None
            return out.time_ns

        try:
            with TIMING_LOCK:
                got = self._measure(lambda: run(stage_dir, exe.name, True), lambda: run(ref_dir, ref_exe.name, False))
        finally:
            shutil.rmtree(stage_dir, ignore_errors=True)
            shutil.rmtree(ref_dir, ignore_errors=True)
        if got is None:
            v.stage = Stage.RAN
            v.fail("candidate", "time", wrong[0] if wrong else "timing failed")
            return
        if self.callgrind and target.name == "x86_64":
            t.callgrind_candidate = self._instructions(task, target, exe)
            t.callgrind_reference = self._instructions(task, target, ref_exe)
        t.candidate_ns, t.reference_ns = got
        t.pairs = len(got[0])
        t.speedup, t.ci_low, t.ci_high = speedup_stats(*got)
        if t.speedup > SUSPICIOUS_SPEEDUP:
            t.suspicious = (f"speedup {t.speedup:.1f}x exceeds {SUSPICIOUS_SPEEDUP:.0f}x: check that the "
                            "candidate does the work (results matched the reference)")
        v.stage = Stage.TIMED

    def _measure(self, cand: "Callable[[], int | None]", ref: "Callable[[], int | None]") -> tuple[list[int], list[int]] | None:
        """Interleaved pairs; while the 95% CI is wider than +-5% of the median (a noisy
        machine), add pairs, up to three times the requested number."""
        got = interleave(cand, ref, pairs=self.pairs, warmup=self.warmup)
        while got is not None and len(got[0]) < 3 * self.pairs:
            med, lo, hi = speedup_stats(*got)
            if hi - lo <= 0.1 * med:
                break
            more = interleave(cand, ref, pairs=4, warmup=0)
            if more is None:
                return None
            got = (got[0] + more[0], got[1] + more[1])
        return got

    def _instructions(self, task: Task, target: Target, exe: Path) -> int | None:
        """Instructions executed inside the kernel for one timed call (callgrind: deterministic)."""
        stage = self.sandbox.stage([exe])
        try:
            res = self.sandbox.exec(["valgrind", "--tool=callgrind", "--callgrind-out-file=/tmp/cg.out",
                                     f"--toggle-collect={task.function}", *time_argv(task, f"/w/{exe.name}", 1)],
                                    stage, Limits(wall_seconds=300, cpu_seconds=300, address_space=8 << 30))
        finally:
            shutil.rmtree(stage, ignore_errors=True)
        m = re.search(r"Collected\s*:\s*(\d+)", res.stderr)
        return int(m.group(1)) if m else None

    def _mca(self, t: Timing, task: Task, target: Target, src: Path) -> None:
        cand = mca.estimate(src, target)
        ref = mca.estimate(reference_asm(task, target), target)
        if cand:
            t.mca_candidate_cycles, t.mca_summary = cand.total_cycles, cand.summary
        if ref:
            t.mca_reference_cycles = ref.total_cycles


def _next_stage(v: Verdict) -> str:
    return {Stage.NONE: "assemble", Stage.ASSEMBLED: "link", Stage.LINKED: "run", Stage.RAN: "check",
            Stage.CORRECT: "time"}.get(v.stage, "time")
