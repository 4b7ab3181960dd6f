"""Reward-hacking candidates: each one tries to be judged correct (or faster) without doing
the work, or to reach the host. Every test asserts the safe outcome. They are written as C
and compiled to assembly, which is exactly what a model could hand us.
"""

from __future__ import annotations

import subprocess
import time
from pathlib import Path

import pytest

from neucomback.harness.check import compare, parse_output
from neucomback.harness.sandbox import Limits
from neucomback.harness.symbols import object_policy
from neucomback.targets import get_target

X86 = get_target("x86_64")
GCD = "unsigned gcd_u32(unsigned a, unsigned b) { while (b) { unsigned t = a % b; a = b; b = t; } return a; }\n"
SAXPY_SIG = "void saxpy_f64(long n, double a, const double *x, double *y)"
SAXPY = SAXPY_SIG + " { for (long i = 0; i < n; i++) y[i] = a * x[i] + y[i]; }\n"
INC = "#include <stdio.h>\n#include <stdlib.h>\n#include <string.h>\n#include <unistd.h>\n#include <time.h>\n"


def judge(suite, evaluator, to_asm, task: str, src: str, target: str = "x86_64", timing: bool = False):  # type: ignore[no-untyped-def]
    return evaluator.verify(suite.get(task), get_target(target), to_asm(INC + src, target), timing=timing)


# ---- what the candidate object may define ------------------------------------------------

@pytest.mark.parametrize("extra, why", [
    ("int clock_gettime(int c, struct timespec *t) { t->tv_sec = 0; t->tv_nsec = 0; return 0; }", "clock_gettime"),
    ('__attribute__((destructor)) static void forge(void) { printf("time 1\\nend 1\\n"); }', ".fini_array"),
    ("static volatile int z;\n__attribute__((constructor)) static void early(void) { z = 1; }", ".init_array"),
    ("int helper_visible(int x) { return x + 1; }", "helper_visible"),
    ("static int impl(void) { return 1; }\nstatic void *resolve(void) { return (void *)impl; }\n"
     "int chosen(void) __attribute__((ifunc(\"resolve\")));", "ifunc"),
    ("int printf(const char *f, ...) { return 0; }", "printf"),
    ("int nb_abi_fault;", "nb_abi_fault"),
])
def test_objects_that_define_more_than_the_ir_are_refused(suite, evaluator, to_asm, extra, why) -> None:  # type: ignore[no-untyped-def]
    v = judge(suite, evaluator, to_asm, "l1_gcd_u32", GCD + extra)
    assert not v.correct and v.failure_kind == "candidate" and v.failure_stage == "link"
    assert why in v.feedback and "gcd_u32" in v.feedback


def test_weak_or_versioned_definitions_are_refused(suite, evaluator, to_asm) -> None:  # type: ignore[no-untyped-def]
    weak = judge(suite, evaluator, to_asm, "l1_gcd_u32", "__attribute__((weak)) " + GCD)
    assert not weak.correct and "weak" in weak.feedback
    symver = judge(suite, evaluator, to_asm, "l1_gcd_u32",
                   GCD + 'int old_impl(void) { return 0; }\n__asm__(".symver old_impl, old_impl@VERS_1");')
    assert not symver.correct and symver.failure_stage == "link"


def test_local_helpers_and_data_are_allowed(suite, evaluator, to_asm) -> None:  # type: ignore[no-untyped-def]
    src = ("static unsigned table[4] = {0, 1, 2, 3};\nstatic unsigned mod(unsigned a, unsigned b) "
           "{ return a % b + table[0]; }\nunsigned gcd_u32(unsigned a, unsigned b) "
           "{ while (b) { unsigned t = mod(a, b); a = b; b = t; } return a; }\n")
    assert judge(suite, evaluator, to_asm, "l1_gcd_u32", src).correct


def test_unreadable_object_is_a_candidate_verdict(tmp_path: Path) -> None:
    bad = tmp_path / "bad.o"
    bad.write_bytes(b"\x7fELF\x02\x01" + b"\0" * 10)
    good = tmp_path / "good.o"
    subprocess.run(["clang-19", "-c", "-x", "c", "-", "-o", str(good)], input=b"int f(void){return 0;}", check=True)
    assert "could not be read" in object_policy(bad, good)


# ---- the output protocol -------------------------------------------------------------------

def test_forged_records_and_early_end_are_candidate_failures(suite, evaluator, to_asm) -> None:  # type: ignore[no-untyped-def]
    forged = ('static int once; unsigned gcd_u32(unsigned a, unsigned b) { if (!once++) { '
              'printf("out 0 ret i 1\\nend 32\\n"); fflush(stdout); } while (b) { unsigned t = a % b; a = b; b = t; } '
              'return a; }')
    v = judge(suite, evaluator, to_asm, "l1_gcd_u32", forged)
    assert not v.correct and v.failure_kind == "candidate" and "protocol" in v.feedback


def test_parser_is_strict() -> None:
    out = parse_output("out 0 x i 1\nout 0 x i 2\ntime 5\ntime 1\nend 1\nout 1 y i 3\n")
    assert len(out.malformed) == 3 and out.time_ns == 5 and out.outs[(0, "x")] == ("i", [1])
    odd = parse_output("out 0 x f 0x1p+99999\nout 0 y q 1\nfault x y\nout 0 z s 4g\nend 1\n")
    assert len(odd.malformed) == 4  # never an exception: every bad line is the candidate's


# ---- correct means correct -----------------------------------------------------------------

def test_floats_compare_bit_exactly_by_default() -> None:
    exp = parse_output("out 0 r f 0x1p+0\nout 0 z f -0x0p+0\nout 0 n f nan\nend 1\n")
    near = parse_output("out 0 r f 0x1.0000000000001p+0\nout 0 z f -0x0p+0\nout 0 n f -nan\nend 1\n")
    sign = parse_output("out 0 r f 0x1p+0\nout 0 z f 0x0p+0\nout 0 n f nan\nend 1\n")
    same = parse_output("out 0 r f 0x1p+0\nout 0 z f -0x0p+0\nout 0 n f -nan\nend 1\n")
    assert not compare(exp, near).ok and not compare(exp, sign).ok and compare(exp, same).ok
    assert compare(exp, near, ulps=1).ok and compare(exp, sign, ulps=1).ok  # an opted-in tolerance


@pytest.mark.parametrize("body, words", [
    ("for (long i = 0; i <= n; i++) y[i] = a * x[i] + y[i];", "past the end of `y`"),
    ("for (long i = 0; i < n; i++) y[i] = a * x[i] + y[i]; y[-1] = 0;", "before `y`"),
    ("for (long i = 0; i < n; i++) y[i] = a * x[i] + y[i]; if (n) ((double *)x)[0] = 1;", "input `x` was modified"),
])
def test_out_of_bounds_and_input_writes_fail(suite, evaluator, to_asm, body, words) -> None:  # type: ignore[no-untyped-def]
    v = judge(suite, evaluator, to_asm, "l2_saxpy_f64", SAXPY_SIG + " {" + body + "}")
    assert not v.correct and v.failure_kind == "candidate" and words in v.feedback


@pytest.mark.parametrize("target", ["x86_64", "aarch64", "riscv64"])
def test_callee_saved_register_clobber_fails_on_every_target(suite, evaluator, to_asm, target) -> None:  # type: ignore[no-untyped-def]
    reg = {"x86_64": "xorl %ebx, %ebx", "aarch64": "mov x19, #0", "riscv64": "li s1, 0"}[target]
    src = GCD.replace("{ while", '{ __asm__ volatile("' + reg + '"); while')
    v = judge(suite, evaluator, to_asm, "l1_gcd_u32", src, target)
    assert not v.correct and "calling convention" in v.feedback
    name = {"x86_64": "rbx", "aarch64": "x19", "riscv64": "s1"}[target]
    assert name in v.feedback


@pytest.mark.parametrize("asm, what", [
    ('unsigned m = 0x7F80; __asm__ volatile("ldmxcsr %0" :: "m"(m));', "MXCSR"),
    ('unsigned short cw = 0x0C7F; __asm__ volatile("fldcw %0" :: "m"(cw));', "x87 control word"),
    ('__asm__ volatile("std");', "direction flag"),
])
def test_x86_floating_point_and_flag_state_must_be_restored(suite, evaluator, to_asm, asm, what) -> None:  # type: ignore[no-untyped-def]
    v = judge(suite, evaluator, to_asm, "l1_gcd_u32", GCD.replace("{ while", "{ " + asm + " while"))
    assert not v.correct and what in v.feedback


def test_aarch64_rounding_mode_change_fails(suite, evaluator, to_asm) -> None:  # type: ignore[no-untyped-def]
    src = GCD.replace("{ while", '{ __asm__ volatile("msr fpcr, %0" :: "r"(3UL << 22)); while')
    v = judge(suite, evaluator, to_asm, "l1_gcd_u32", src, "aarch64")
    assert not v.correct and "FPCR" in v.feedback


# ---- memoisation and skipped work ----------------------------------------------------------

# Passes the check runs (three calls per size), then starts reusing results for inputs it has
# "seen" (same pointers, same sampled elements) - the shape of a cheat that knows our checks.
MEMO = SAXPY_SIG + """ {
    static const double *lx; static double *ly; static long ln, calls; static double l0, lm;
    if (x == lx && y == ly && n == ln && n > 0 && x[0] == l0 && x[n / 2] == lm && ++calls > 3) return;
    if (x != lx) calls = 0;
    lx = x; ly = y; ln = n; if (n > 0) { l0 = x[0]; lm = x[n / 2]; }
    for (long i = 0; i < n; i++) y[i] = a * x[i] + y[i];
}"""


def test_memoising_across_timed_calls_is_caught(suite, evaluator, to_asm) -> None:  # type: ignore[no-untyped-def]
    v = judge(suite, evaluator, to_asm, "l2_saxpy_f64", MEMO, timing=True)
    assert not v.correct and v.failure_kind == "candidate"
    assert v.failure_stage in ("check", "time")


def test_timing_run_offload_to_a_child_process_is_impossible(suite, evaluator, to_asm, tmp_path) -> None:  # type: ignore[no-untyped-def]
    prog = tmp_path / "fork.c"
    prog.write_text('#include <stdio.h>\n#include <unistd.h>\nint main(void){ pid_t p = fork(); '
                    'if (p == 0) return 0; printf("%d\\n", (int)p); return 0; }\n')
    exe = tmp_path / "fork"
    subprocess.run(["clang-19", str(prog), "-o", str(exe)], check=True)
    d = evaluator.sandbox.stage([exe])
    res = evaluator.sandbox.exec(["/w/fork"], d, Limits.for_timing(10))
    assert res.ok and res.stdout.strip() == "-1"  # fork failed: all work is in the accounted process


def test_cpu_time_of_the_sandboxed_program_is_accounted(evaluator, tmp_path) -> None:  # type: ignore[no-untyped-def]
    prog = tmp_path / "busy.c"
    prog.write_text("int main(void){ volatile unsigned long x = 0; for (unsigned long i = 0; i < 200000000UL; i++)"
                    " x += i; return 0; }\n")
    exe = tmp_path / "busy"
    subprocess.run(["clang-19", "-O1", str(prog), "-o", str(exe)], check=True)
    d = evaluator.sandbox.stage([exe])
    res = evaluator.sandbox.exec(["/w/busy"], d, Limits.for_timing(20))
    assert res.ok and res.cpu_seconds > 0.5 * res.seconds > 0.02


# ---- nothing of the host reaches the candidate or the model ---------------------------------

SNOOP = """
static void dump(const char *path) { FILE *f = fopen(path, "r"); if (!f) return; char b[4096];
    size_t n = fread(b, 1, sizeof b, f); for (size_t i = 0; i < n; i++) if (!b[i]) b[i] = ' ';
    fwrite(b, 1, n, stderr); fclose(f); }
unsigned gcd_u32(unsigned a, unsigned b) { dump("/proc/1/environ"); dump("/proc/self/environ");
    dump("/proc/2/environ"); const char *k = getenv("OPENAI_API_KEY"); if (k) fputs(k, stderr);
    fputs("sk-abcdefghijklmnopqrstuvwx", stderr); abort(); return a + b; }
"""


def test_secrets_reach_neither_the_sandbox_nor_the_feedback(suite, evaluator, to_asm, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("OPENAI_API_KEY", "test-secret-4f1c9e2b7a")
    monkeypatch.setenv("NEUCOMBACK_TEST_TOKEN", "tok-99887766554433")
    v = judge(suite, evaluator, to_asm, "l1_gcd_u32", SNOOP)
    assert not v.correct and "stderr" in v.feedback
    for secret in ("test-secret-4f1c9e2b7a", "tok-99887766554433", "sk-abcdefghijklmnopqrstuvwx"):
        assert secret not in v.feedback


def test_sandbox_sees_no_host_environment(evaluator, tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("OPENAI_API_KEY", "test-secret-4f1c9e2b7a")
    res = evaluator.sandbox.exec(["/usr/bin/sh", "-c", "cat /proc/1/environ /proc/self/environ; env; echo ran"],
                                 evaluator.sandbox.stage([]), Limits(wall_seconds=10))
    assert "ran" in res.stdout and "PATH=" in res.stdout  # it did run and read its environment
    assert "test-secret" not in res.stdout + res.stderr


def test_only_capped_tmpfs_is_writable(evaluator) -> None:  # type: ignore[no-untyped-def]
    script = ("head -c 100000000 /dev/zero > /tmp/f; echo tmp=$?; head -c 100000000 /dev/zero > /dev/shm/f; "
              "echo shm=$?; for p in / /dev /usr/local /w /usr; do echo x > $p/probe 2>/dev/null && echo RW $p; done; "
              "echo done")
    res = evaluator.sandbox.exec(["/usr/bin/sh", "-c", script], evaluator.sandbox.stage([]),
                                 Limits(wall_seconds=20, file_size=1 << 30))
    assert "tmp=1" in res.stdout and "shm=1" in res.stdout  # ENOSPC at the 64 MiB cap
    assert "done" in res.stdout and "RW" not in res.stdout  # bwrap's own tmpfs mounts are read-only


def test_sandbox_cannot_signal_host_processes(evaluator, tmp_path) -> None:  # type: ignore[no-untyped-def]
    victim = subprocess.Popen(["sleep", "30"])
    try:
        res = evaluator.sandbox.exec(["/usr/bin/sh", "-c", f"echo ran; kill -9 {victim.pid}; kill -9 -1"],
                                     evaluator.sandbox.stage([]), Limits(wall_seconds=10))
        time.sleep(0.2)
        assert "ran" in res.stdout
        assert victim.poll() is None
    finally:
        victim.kill()
        victim.wait()


# ---- identical code is never called faster -------------------------------------------------

def test_reference_compilers_own_code_is_not_faster(suite, evaluator, tmp_path) -> None:  # type: ignore[no-untyped-def]
    from neucomback.baseline import compile_baseline

    task = suite.get("l2_saxpy_f64")
    asm = tmp_path / "o3.s"
    assert compile_baseline(task, X86, "llc-O3", asm) is None
    v = evaluator.verify(task, X86, asm.read_text())
    t = v.timing
    assert v.correct and t is not None and t.speedup is not None and not t.faster and t.pairs >= 8
    assert "99%" in t.rule and not t.suspicious


def test_slower_code_is_measured_as_slower(suite, evaluator, tmp_path) -> None:  # type: ignore[no-untyped-def]
    """-O0 against -O3 on a compute-bound kernel (Horner, vectorised at -O3): clearly slower.
    Not saxpy: memory-bound, its -O0 code is within noise of -O3 on a busy machine."""
    from neucomback.baseline import compile_baseline

    task = suite.get("l2_horner5_f32")
    asm = tmp_path / "o0.s"
    assert compile_baseline(task, X86, "llc-O0", asm) is None
    # Never faster, and clearly slower by the point estimate, every time. The interval is a
    # statement of power over 8 pairs on a shared 2-core machine: it excluded 1.0 in most
    # runs but once reached 1.003 (speedup 0.71), so it must exclude 1.0 in one of two tries.
    tries = []
    for _ in range(2):
        t = evaluator.verify(task, X86, asm.read_text()).timing
        assert t is not None and t.speedup is not None and t.speedup < 0.9 and not t.faster
        tries.append(t)
        if t.ci_high < 1.0:
            break
    assert any(t.ci_high < 1.0 for t in tries), tries


def test_environment_secrets_are_not_in_bwrap_argv(evaluator, tmp_path) -> None:  # type: ignore[no-untyped-def]
    argv = evaluator.sandbox.argv(["/w/x"], tmp_path, 3)
    assert "--clearenv" in argv and "--cap-drop" in argv and all("KEY" not in a for a in argv)


def test_calibration_finds_identical_code_not_faster_and_a_known_effect(suite, evaluator) -> None:  # type: ignore[no-untyped-def]
    from neucomback.harness.calibrate import run_calibration

    summary = run_calibration([suite.get("l2_dot_f64")], X86, evaluator)
    row = summary["rows"][0]
    assert summary["aa_called_faster"] == 0 and not row["aa_faster"]
    assert summary["known_effect_detected"] == 1 and 1.2 < row["effect_speedup"] < 1.4


def test_reference_compilers_code_links_to_the_identical_program(suite, tmp_path) -> None:  # type: ignore[no-untyped-def]
    from neucomback.baseline import compile_baseline
    from neucomback.harness.build import assemble, harness_objs, link, timing_reference_exe

    task = suite.get("l2_saxpy_f64")
    assert compile_baseline(task, X86, "llc-O3", tmp_path / "c.s") is None
    assert assemble(tmp_path / "c.s", X86, tmp_path / "candidate.o").ok
    assert link([tmp_path / "candidate.o", *harness_objs(task, X86)], X86, tmp_path / "candidate.exe", task).ok
    assert (tmp_path / "candidate.exe").read_bytes() == timing_reference_exe(task, X86).read_bytes()


def test_candidate_is_timed_with_one_plan_shape_only(suite, evaluator, to_asm) -> None:  # type: ignore[no-untyped-def]
    """The candidate never sees a short and a long run it could tell apart (and inflate the short
    one, if a short run were subtracted): every timed run of it has the same call count, and it
    never gets the zero-call set-up run."""
    from neucomback.harness.build import timing_reference_exe

    ref_bytes = timing_reference_exe(suite.get("l2_saxpy_f64"), X86).read_bytes()
    real = evaluator.sandbox.exec
    plans: list[bytes] = []
    by_dir: dict[str, set[bytes]] = {}

    def spy(argv, workdir, limits, stdin=b""):  # type: ignore[no-untyped-def]
        if limits.single_process:
            plans.append(stdin)
            is_ref = (Path(workdir) / "prog").read_bytes() == ref_bytes
            by_dir.setdefault("reference" if is_ref else "candidate", set()).add(stdin.split()[-3])
        return real(argv, workdir, limits, stdin)

    evaluator.sandbox.exec = spy
    try:
        v = judge(suite, evaluator, to_asm, "l2_saxpy_f64", SAXPY, timing=True)
    finally:
        evaluator.sandbox.exec = real
    assert v.correct and v.timing is not None
    counts = {p.split()[-3] for p in plans}  # an entry is `n calls seed index`
    assert counts == {str(v.timing.reps).encode(), b"0"}  # the timed count, and the reference's set-up run
    assert len(plans) == 2 * v.timing.pairs + 3  # candidate and reference per pair, 3 set-up runs
    reps = str(v.timing.reps).encode()
    assert by_dir == {"candidate": {reps}, "reference": {reps, b"0"}}


def test_a_fork_and_allocate_bomb_is_bounded_in_memory() -> None:
    native, emulated = Limits.for_check(5, False), Limits.for_check(5, True)
    assert native.processes * native.address_space <= 4 << 30
    assert emulated.processes * emulated.address_space <= 16 << 30
    assert Limits.for_timing(5).processes == 2 and Limits.for_timing(5).single_process


def test_metrics_count_neither_noise_nor_suspicious_speedups() -> None:
    from neucomback.record.metrics import summarize

    def res(tid: str, s: float, lo: float, hi: float, **kw: object) -> dict:
        return {"task_id": tid, "level": 2, "status": "done", "correct": True, "first_correct": True,
                "speedup": s, "ci_low": lo, "ci_high": hi, "pairs": 8, **kw}

    noise = [res(f"n{i}", 1.0 + 0.01 * i, 0.97 + 0.01 * i, 1.04 + 0.01 * i) for i in range(4)]
    real = res("real", 1.5, 1.4, 1.6, faster=True)
    cheat = res("cheat", 3.0, 2.9, 3.1, faster=False, suspicious="in-process clock disagrees")
    s = summarize([*noise, real, cheat])
    assert s["acc_perf"] == 1 / 6 and s["fast_1.0"] == 1 / 6 and s["fast_1.1"] == 1 / 6
    assert s["suspicious"] == 1 and abs(s["geomean_speedup"] - (1.0 * 1.01 * 1.02 * 1.03 * 1.5) ** (1 / 5)) < 1e-9
