"""The evaluator: candidate assembly in, Verdict out.

Contract: `Evaluator.verify(task, target, asm)` never raises. Candidate problems (bad asm,
link errors, crashes, wrong answers, timeouts) give a Verdict with `failure_kind="candidate"`
and feedback a model can act on; toolchain or sandbox problems give
`failure_kind="infrastructure"`.
"""

from __future__ import annotations

import functools
import math
import re
import shutil
import statistics
import threading
import tempfile
import time
import traceback
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

from .. import prove as prover
from ..errors import InfrastructureError
from ..suite.task import Task
from ..targets import Target
from . import mca
from .build import assemble, harness_objs, link, reference_asm, reference_obj, timing_reference_exe
from .check import Output, compare, describe_inputs, fault_feedback, parse_output, protocol_feedback, subset
from .reference import RunSpec, calibration, check_spec, expected_output, time_spec
from .sandbox import ExecResult, Limits, Sandbox, make_sandbox
from .symbols import object_policy
from .timing import RULE, decided, interleave, is_faster, speedup_stats
from .verdict import Proof, Stage, Timing, Verdict

MAX_ASM_BYTES = 4 << 20
# One timing section at a time per process: concurrent timings on a 2-core machine would
# measure each other. Correctness runs of other tasks may still overlap (both sides of a
# pair see the same load because runs are interleaved).
TIMING_LOCK = threading.Lock()
# Beyond this, over clang -O3 on a 128-bit-vector baseline, the work is probably not being done.
SUSPICIOUS_SPEEDUP = 8.0
# The candidate's own in-process clock may disagree with the kernel's account by this factor
# (harness work per call dilutes the external ratio towards 1, never past the in-process one).
CLOCK_DISAGREEMENT = 1.25


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

    def __init__(self, sandbox: Sandbox | None = None, *, unsafe: bool = False, pairs: int = 8,
                 warmup: int = 0, use_mca: bool = True, callgrind: bool = False,
                 prove: "prover.ProveLimits | None" = None) -> None:
        self.sandbox = sandbox if sandbox is not None else make_sandbox(unsafe)
        self.prove = prove  # the proof tier after `correct` (None: off)
        self.pairs = max(pairs, 8)  # fewer pairs: [min, max] is below a 99% interval
        self.warmup = warmup
        self.use_mca = use_mca
        self.callgrind = callgrind

    def verify(self, task: Task, target: Target, asm: str | bytes, *, timing: bool | None = None,
               workdir: Path | None = None, prove: bool = True) -> Verdict:
        """Judge one candidate. `timing` defaults to True for Level 2 tasks; the proof tier runs
        after `correct` if the evaluator has it on and `prove` is not False.

        Artifacts (candidate.s, .o, exe) go to `workdir` if given (kept), else a temp dir.
        """
        v = Verdict(task.id, target.name, sandbox=self.sandbox.name)
        own_dir = workdir is None
        work = Path(tempfile.mkdtemp(prefix="ncb-")) if own_dir else workdir
        work.mkdir(parents=True, exist_ok=True)
        t0 = time.perf_counter()
        try:
            self._verify(v, task, target, asm, task.level == 2 if timing is None else timing, work,
                         prove and self.prove is not None)
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
    def proof(self, task: Task, target: Target, asm: str | bytes) -> Proof:
        """The proof tier alone, whatever the tests say (test-strength analysis: which mutants
        are equivalent, which wrong ones the tests miss). Needs the evaluator's `prove` limits."""
        text, why = asm_text(asm)
        if text is None:
            return Proof("unknown", why)
        with tempfile.TemporaryDirectory(prefix="ncb-prove-") as d:
            work = Path(d)
            (work / "candidate.s").write_text(text if text.endswith("\n") else text + "\n")
            try:
                if not assemble(work / "candidate.s", target, work / "candidate.o").ok:
                    return Proof("unknown", "the candidate does not assemble")
                refused = object_policy(work / "candidate.o", reference_obj(task, target))
                if refused:
                    return Proof("unknown", f"the candidate's object is refused: {refused}")
                if not link([work / "candidate.o", *harness_objs(task, target)], target, work / "candidate.exe",
                            task).ok:
                    return Proof("unknown", "the candidate does not link")
                return self._proof(task, target, work)[0]
            except InfrastructureError as e:  # e.g. the sandbox could not run the confirmation
                return Proof("unknown", f"infrastructure: {e}")

    def _verify(self, v: Verdict, task: Task, target: Target, asm: str | bytes, timing: bool, work: Path,
                prove: bool = False) -> None:
        text, why = asm_text(asm)
        if text is None:
            v.fail("candidate", "assemble", why)
            return
        src = work / "candidate.s"
        src.write_text(text if text.endswith("\n") else text + "\n")
        ref = expected_output(task, target)
        hobjs = harness_objs(task, target)
        step = assemble(src, target, work / "candidate.o")
        v.seconds["assemble"] = step.seconds
        if not step.ok:
            v.fail("candidate", "assemble", step.feedback)
            return
        v.stage = Stage.ASSEMBLED
        why = object_policy(work / "candidate.o", reference_obj(task, target))
        if why:
            v.fail("candidate", "link", why)
            return
        step = link([work / "candidate.o", *hobjs], target, work / "candidate.exe", task)
        v.seconds["link"] = step.seconds
        if not step.ok:
            v.fail("candidate", "link", step.feedback)
            return
        v.stage = Stage.LINKED
        self._check(v, task, target, work / "candidate.exe", ref.output, ref.seconds)
        if v.correct and prove:
            self._prove(v, task, target, work)
        if not v.correct or not timing or task.level != 2:
            return
        self._time(v, task, target, work / "candidate.exe", src)

    def _run(self, target: Target, exe_dir: Path, exe: str, spec: RunSpec, wall: float,
             limits: Limits | None = None) -> ExecResult:
        res = self.sandbox.exec([*target.run_prefix(), f"/w/{exe}", *spec.args], exe_dir,
                                limits or Limits.for_check(wall, not target.native), stdin=spec.stdin)
        if res.setup_error:
            raise InfrastructureError(f"sandbox setup failed: {res.setup_error}")
        return res

    def _check(self, v: Verdict, task: Task, target: Target, exe: Path, expected: Output, ref_secs: float) -> None:
        stage_dir = self.sandbox.stage([exe])
        try:
            wall = min(max(2.0 + 20 * ref_secs, 5.0), 120.0)
            res = self._run(target, stage_dir, exe.name, check_spec(task), wall)
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
            fault = fault_feedback(got, expected)
            v.failing_case = min(got.faults) if got.faults else case
            v.fail("candidate", "run", (f"{fault}\nThen the program {res.describe()}." if fault else
                                        f"{what}\nInputs of case #{case}: {describe_inputs(expected, case)}")
                   + (f"\nstderr: {res.stderr.strip()[-500:]}" if res.stderr.strip() else ""))
            v.cases_passed = len(done)
            return
        v.stage = Stage.RAN
        broken = protocol_feedback(got) or fault_feedback(got, expected)
        if broken:
            v.failing_case = None if got.malformed else min(got.faults)
            v.fail("candidate", "check", broken)
            return
        upstream = task.meta.get("upstream_cases")
        if upstream:  # imported tasks: also report the verdict of the original single test
            v.upstream_correct = compare(subset(expected, set(upstream)), subset(got, set(upstream)),
                                         task.rel_tol, task.abs_tol, task.ulps).ok
        result = compare(expected, got, task.rel_tol, task.abs_tol, task.ulps)
        v.cases_passed = result.cases_passed
        if not result.ok:
            v.failing_case = result.first_bad_case
            v.fail("candidate", "check", result.feedback)
            return
        v.stage, v.correct, v.feedback = Stage.CORRECT, True, result.feedback

    def _prove(self, v: Verdict, task: Task, target: Target, work: Path) -> None:
        """The proof tier: symbolic search for an input on which the candidate and the clang -O3
        code differ. A counterexample counts only once the ordinary harness, run on it, shows
        the candidate wrong; then the verdict is a candidate failure with that input as
        feedback. Proved, bounded and unknown leave a correct verdict correct."""
        p, why = self._proof(task, target, work)
        v.proof = p
        v.seconds["prove"] = p.seconds
        if p.tier == "refuted":
            v.stage = Stage.RAN
            v.fail("candidate", "prove", "Your function passed the tests, but a symbolic search over all inputs "
                   f"found one where it differs from the reference ({why}); running it confirms it:\n"
                   f"{p.counterexample}")

    def _proof(self, task: Task, target: Target, work: Path) -> tuple[Proof, str]:
        """Search (work/candidate.o), then confirm a counterexample on work/candidate.exe:
        (the Proof, what the solver said differs)."""
        assert self.prove is not None
        try:
            found = prover.search(task, target, work / "candidate.o", self.prove, work)
        except Exception as e:  # a failure of the tier is its `unknown`, never the candidate's
            found = prover.Finding("unknown", f"the proof tier failed: {type(e).__name__}: {str(e)[:300]}")
        p = Proof(found.tier, found.reason, round(found.seconds, 3), self.prove.describe(),
                  paths={k: int(x) for k, x in found.stats.items() if type(x) is int})
        if found.tier != "differs":
            return p, ""
        for draws in (found.draws, *found.alternatives):  # the first input that reproduces
            wrong = self._confirm(task, target, work / "candidate.exe", draws)
            if wrong:
                p.tier, p.counterexample, p.seed, p.draws = "refuted", wrong, task.seed, draws
                return p, found.reason
        p.tier = "unknown"
        p.reason = (f"the solver reported a difference ({found.reason}) that running its inputs through the harness "
                    f"did not reproduce ({1 + len(found.alternatives)} tried: the difference may depend on state the "
                    "harness sets otherwise, or the symbolic model and the machine disagree)")
        return p, ""

    def _confirm(self, task: Task, target: Target, exe: Path, draws: list[int]) -> str:
        """Feedback if the candidate is wrong on the case given by `draws` (run through the
        sandboxed harness, expected output from the trusted reference), else ""."""
        case = replace(task, cases=0, added_cases=(), added_values=((task.seed, tuple(draws)),))
        try:
            ref = expected_output(case, target)
        except InfrastructureError:
            return ""  # the reference itself cannot run that input: not a counterexample
        stage_dir = self.sandbox.stage([exe])
        try:
            res = self._run(target, stage_dir, exe.name, check_spec(case), min(max(5.0, 20 * ref.seconds), 60.0))
        finally:
            shutil.rmtree(stage_dir, ignore_errors=True)
        got = parse_output(res.stdout)
        if not res.ok:
            return f"The program {res.describe()} on the inputs {describe_inputs(ref.output, 0)}."
        broken = protocol_feedback(got) or fault_feedback(got, ref.output)
        if broken:
            return broken
        result = compare(ref.output, got, task.rel_tol, task.abs_tol, task.ulps)
        return "" if result.ok else result.feedback

    def _time(self, v: Verdict, task: Task, target: Target, exe: Path, src: Path) -> None:
        t = Timing(size=task.time_size, rule=RULE)
        v.timing = t
        if self.use_mca:
            self._mca(t, task, target, src)
        if not target.native:
            t.wall_clock_valid = False
            t.note = "emulated (qemu): no speedup is reported; see the llvm-mca estimate"
            return
        cal = calibration(task, target)
        ref_exe = timing_reference_exe(task, target)
        meter = _Meter(self, task, target, cal.reps, cal.reference_ns)
        # same name, same folder depth: the two programs start from identical process images
        cand_dir, ref_dir = self.sandbox.stage([exe], ["prog"]), self.sandbox.stage([ref_exe], ["prog"])
        try:
            with TIMING_LOCK:
                got = self._measure(meter.runner("candidate", cand_dir, "prog"),
                                    meter.runner("reference", ref_dir, "prog"), meter.overhead(ref_dir, "prog"))
        finally:
            shutil.rmtree(cand_dir, ignore_errors=True)
            shutil.rmtree(ref_dir, ignore_errors=True)
        wrong = meter.failure or meter.mismatch()
        if got is None or wrong:
            v.stage = Stage.RAN
            v.fail("candidate", "time", wrong or "timing failed")
            return
        t.reps = meter.reps
        t.overhead_ns = [int(x) for x in meter.overheads]
        t.candidate_ns, t.reference_ns = [int(x) for x in got[0]], [int(x) for x in got[1]]
        t.pairs = len(got[0])
        t.speedup, t.ci_low, t.ci_high = speedup_stats(*got)
        t.inprocess_ratio = meter.inprocess_ratio()
        if self.callgrind and target.name == "x86_64":
            t.callgrind_candidate = self._instructions(task, target, exe)
            t.callgrind_reference = self._instructions(task, target, ref_exe)
        t.suspicious = _suspicion(t)
        t.faster = is_faster(t.speedup, t.ci_low) and not t.suspicious
        v.stage = Stage.TIMED

    def _measure(self, cand: "Callable[[int], float | None]", ref: "Callable[[int], float | None]",
                 overhead: "Callable[[int], float] | None" = None) -> tuple[list[float], list[float]] | None:
        """Interleaved pairs; while the decision is open (the interval reaches both below
        1 + MIN_EFFECT and above 1.0: a noisy machine), add pairs, up to three times the
        requested number. (Process start and setup cancel in the two-count difference, so
        no warm-up pair is needed.)"""
        got = interleave(cand, ref, pairs=self.pairs, warmup=self.warmup, overhead=overhead)
        while got is not None and len(got[0]) < 3 * self.pairs:
            med, lo, hi = speedup_stats(*got)
            if decided(lo, hi):
                break
            more = interleave(cand, ref, pairs=4, warmup=0, overhead=overhead)
            if more is None:
                return None
            got = (got[0] + more[0], got[1] + more[1])
        return got

    def _instructions(self, task: Task, target: Target, exe: Path) -> int | None:
        """Instructions executed inside the kernel for one timed call (callgrind: deterministic)."""
        stage = self.sandbox.stage([exe])
        try:
            res = self.sandbox.exec(["valgrind", "--tool=callgrind", "--callgrind-out-file=/tmp/cg.out",
                                     f"--toggle-collect={task.function}",
                                     f"/w/{exe.name}"], stage,
                                    Limits(wall_seconds=300, cpu_seconds=300, address_space=8 << 30),
                                    stdin=time_spec(task, 1, task.seed).stdin)
        finally:
            shutil.rmtree(stage, ignore_errors=True)
        m = re.search(r"Collected\s*:\s*(\d+)", res.stderr)
        return int(m.group(1)) if m else None

    def _mca(self, t: Timing, task: Task, target: Target, src: Path) -> None:
        cand = mca.estimate(src, target)
        ref = _reference_mca(reference_asm(task, target), target)
        if cand:
            t.mca_candidate_cycles, t.mca_summary = cand.total_cycles, cand.summary
        if ref:
            t.mca_reference_cycles = ref.total_cycles


class _Meter:
    """One timing session. A program runs `reps` calls with the pair's seed; its measurement is
    the kernel's CPU account of the run. `overhead` runs the trusted reference with zero calls
    (start-up and setup only), which the pair subtracts from both sides. Every run's result
    hash is kept for the comparison of candidate with reference (every timed call's outputs
    are in the hash)."""

    def __init__(self, ev: Evaluator, task: Task, target: Target, reps: int, reference_ns: int) -> None:
        self.ev, self.task, self.target, self.reps = ev, task, target, max(1, reps)
        self.wall = min(max(10.0, 40 * reference_ns / 1e9), 120.0)
        self.hashes: dict[tuple[str, int], object] = {}
        self.inprocess: dict[str, int] = {"candidate": 0, "reference": 0}
        self.overheads: list[float] = []
        self.failure = ""

    def _exec(self, stage_dir: Path, exe: str, reps: int, seed: int) -> tuple[ExecResult, Output]:
        res = self.ev._run(self.target, stage_dir, exe, time_spec(self.task, reps, seed), self.wall,
                           Limits.for_timing(self.wall))
        return res, parse_output(res.stdout)

    def runner(self, who: str, stage_dir: Path, exe: str) -> "Callable[[int], float | None]":
        def measure(seed: int) -> float | None:
            res, out = self._exec(stage_dir, exe, self.reps, seed)
            bad = (f"The program {res.describe()}" if not res.ok else
                   protocol_feedback(out) or fault_feedback(out, Output()) or
                   (None if out.end is not None and (0, "hash") in out.outs else "The timing run gave no result."))
            if bad:
                if who == "reference":
                    raise InfrastructureError(f"clang -O3 reference failed its timing run: {bad}")
                self.failure = (f"In a timing run ({self.reps} calls at size {self.task.time_size}, inputs changed "
                                f"before every call): {bad}")
                return None
            self.hashes[(who, seed)] = out.outs[(0, "hash")]
            self.inprocess[who] += out.time_ns or 0
            return res.cpu_seconds * 1e9

        return measure

    OVERHEAD_RUNS = 3

    def overhead(self, stage_dir: Path, exe: str) -> "Callable[[int], float]":
        """Start-up and setup of the trusted reference (zero calls): measured in the first
        OVERHEAD_RUNS pairs, then their median (setup is the same deterministic work every
        time, and the same value is subtracted from both sides of a pair)."""
        def measure(seed: int) -> float:
            if len(self.overheads) >= self.OVERHEAD_RUNS:
                return statistics.median(self.overheads)
            res, out = self._exec(stage_dir, exe, 0, seed)
            if not res.ok or out.end is None:
                raise InfrastructureError(f"clang -O3 reference failed its set-up run: {res.describe()}")
            self.overheads.append(res.cpu_seconds * 1e9)
            return res.cpu_seconds * 1e9

        return measure

    def mismatch(self) -> str:
        """Feedback if any timed run's results differ from the reference's, else ""."""
        for (who, seed), h in self.hashes.items():
            if who == "candidate" and self.hashes.get(("reference", seed), h) != h:
                return (f"Wrong result in a timing run: over {self.reps} calls at size {self.task.time_size}, with the "
                        "inputs changed before every call, your results differ from the reference's (the check "
                        "runs at small sizes passed). Results must not depend on earlier calls: no caching of "
                        "results or skipping of work between calls.")
        return ""

    def inprocess_ratio(self) -> float | None:
        c, r = self.inprocess["candidate"], self.inprocess["reference"]
        return r / c if c > 0 and r > 0 else None


def _suspicion(t: Timing) -> str:
    """Why a measured speedup cannot be taken at face value, or ""."""
    if t.speedup is None:
        return ""
    if t.speedup > SUSPICIOUS_SPEEDUP:
        return (f"speedup {t.speedup:.1f}x exceeds {SUSPICIOUS_SPEEDUP:.0f}x over clang -O3: more than this "
                "target's vector width explains; check that the candidate does the work")
    ext, inp = math.log(t.speedup), math.log(t.inprocess_ratio) if t.inprocess_ratio else None
    if inp is None:
        return "the in-process timer gave no usable time: the candidate may have tampered with it"
    if abs(ext) > math.log(1.1) and (ext * inp < 0 or abs(ext) > abs(inp) + math.log(CLOCK_DISAGREEMENT)):
        return (f"the kernel's CPU accounting ({t.speedup:.2f}x) and the in-process timer "
                f"({t.inprocess_ratio:.2f}x) disagree")
    if t.callgrind_candidate and t.callgrind_reference:
        ratio = t.callgrind_reference / t.callgrind_candidate
        if t.speedup > 1.5 * max(ratio, 1.0) * 2:
            return f"speedup {t.speedup:.2f}x with {ratio:.2f}x fewer instructions: more than the instruction count explains"
    return ""


@functools.lru_cache(maxsize=512)
def _reference_mca(asm: Path, target: Target) -> "mca.McaEstimate | None":
    """llvm-mca of the (cached, immutable) clang -O3 assembly: the same for every candidate."""
    return mca.estimate(asm, target)


def _next_stage(v: Verdict) -> str:
    return {Stage.NONE: "assemble", Stage.ASSEMBLED: "link", Stage.LINKED: "run", Stage.RAN: "check",
            Stage.CORRECT: "time"}.get(v.stage, "time")
