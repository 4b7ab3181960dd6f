"""The evaluator end to end: verdict stages, feedback, bad input, all three targets."""

from __future__ import annotations

import pytest

from neucomback.harness.build import reference_asm
from neucomback.harness.verdict import Stage
from neucomback.targets import get_target

GCD = "l1_gcd_u32"


@pytest.mark.parametrize("target", ["x86_64", "aarch64", "riscv64"])
def test_llc_o3_output_is_correct_on_every_target(suite, evaluator, target) -> None:  # type: ignore[no-untyped-def]
    task = suite.get(GCD)
    t = get_target(target)
    v = evaluator.verify(task, t, reference_asm(task, t).read_text())
    assert v.correct, v.feedback
    assert v.stage == Stage.CORRECT and v.cases_total >= 20 and v.cases_passed == v.cases_total


def test_assembler_error_names_the_offending_line(suite, evaluator, to_asm) -> None:  # type: ignore[no-untyped-def]
    task = suite.get(GCD)
    asm = to_asm("unsigned gcd_u32(unsigned a, unsigned b){return a;}")
    broken = asm.replace("movl", "movq_bogus", 1)
    v = evaluator.verify(task, get_target("x86_64"), broken)
    assert not v.correct and v.failure_kind == "candidate" and v.failure_stage == "assemble"
    assert v.stage == Stage.NONE
    assert "movq_bogus" in v.feedback and "line " in v.feedback


def test_missing_symbol_is_a_link_failure_with_hint(suite, evaluator, to_asm) -> None:  # type: ignore[no-untyped-def]
    task = suite.get(GCD)
    v = evaluator.verify(task, get_target("x86_64"), to_asm("unsigned not_gcd(unsigned a){return a;}"))
    assert v.failure_stage == "link" and v.stage == Stage.ASSEMBLED
    assert "gcd_u32" in v.feedback and ".globl" in v.feedback


def test_wrong_answer_feedback_names_input(suite, evaluator, to_asm) -> None:  # type: ignore[no-untyped-def]
    task = suite.get(GCD)
    v = evaluator.verify(task, get_target("x86_64"), to_asm("unsigned gcd_u32(unsigned a, unsigned b){return a+b;}"))
    assert v.failure_stage == "check" and v.stage == Stage.RAN and not v.correct
    assert "expected" in v.feedback and "Inputs of case" in v.feedback and "a=" in v.feedback


def test_differential_tests_catch_what_one_test_misses(suite, evaluator, to_asm) -> None:  # type: ignore[no-untyped-def]
    """Right on the first input (0, 0) and on inputs with b == 0, wrong elsewhere: rejected."""
    task = suite.get(GCD)
    v = evaluator.verify(task, get_target("x86_64"),
                         to_asm("unsigned gcd_u32(unsigned a, unsigned b){ return b == 0 ? a : 1; }"))
    assert not v.correct
    assert 1 <= v.cases_passed < v.cases_total


def test_crash_reports_signal_and_case(suite, evaluator, to_asm) -> None:  # type: ignore[no-untyped-def]
    task = suite.get(GCD)
    src = "unsigned gcd_u32(unsigned a, unsigned b){ if (a == 0xffffffffu) *(volatile int*)0 = 1; return 0; }"
    v = evaluator.verify(task, get_target("x86_64"), to_asm(src))
    assert v.failure_stage == "run" and "SIGSEGV" in v.feedback and "case #" in v.feedback


@pytest.mark.parametrize("data,needle", [
    (b"", "empty"),
    (b"   \n\t\n", "empty"),
    (b"\x7fELF\x02\x01\x01\x00\x00\x00" + bytes(range(256)), "binary"),
    (b"\xff\xfe garbage \xc3\x28", "UTF-8"),
    (b"a" * (50 << 20), "MB"),
])
def test_bad_input_is_a_candidate_failure(suite, evaluator, data, needle) -> None:  # type: ignore[no-untyped-def]
    v = evaluator.verify(suite.get(GCD), get_target("x86_64"), data)
    assert not v.correct and v.failure_kind == "candidate" and needle in v.feedback


def test_garbage_text_is_rejected_by_the_assembler(suite, evaluator) -> None:  # type: ignore[no-untyped-def]
    v = evaluator.verify(suite.get(GCD), get_target("x86_64"), "Sure! Here is the assembly you asked for.\n")
    assert v.failure_stage == "assemble" and v.failure_kind == "candidate"


def test_missing_tool_is_an_infrastructure_failure(suite, evaluator, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from neucomback import toolchain
    from neucomback.errors import ToolMissingError

    def missing(key: str) -> str:
        raise ToolMissingError(f"{key} not found; install it with: apt-get install -y binutils")

    monkeypatch.setattr("neucomback.harness.build.toolchain.tool", missing)
    v = evaluator.verify(suite.get(GCD), get_target("x86_64"), "nop\n")
    assert v.failure_kind == "infrastructure" and "apt-get install" in v.feedback
    assert toolchain  # the real module is untouched outside this test


def test_level2_timing_reports_ci_natively(suite, evaluator) -> None:  # type: ignore[no-untyped-def]
    task = suite.get("l2_saxpy_f64")
    t = get_target("x86_64")
    v = evaluator.verify(task, t, reference_asm(task, t).read_text())
    assert v.correct and v.stage == Stage.TIMED, v.feedback
    tm = v.timing
    assert tm is not None and tm.pairs >= 5 and tm.reps >= 1
    assert tm.ci_low <= tm.speedup <= tm.ci_high
    assert 0.5 < tm.speedup < 2.0  # the same code as the reference: a ratio near 1
    assert tm.mca_candidate_cycles and tm.mca_reference_cycles


def test_level2_under_qemu_reports_no_wall_clock_speedup(suite, evaluator) -> None:  # type: ignore[no-untyped-def]
    task = suite.get("l2_saxpy_f64")
    t = get_target("aarch64")
    v = evaluator.verify(task, t, reference_asm(task, t).read_text())
    assert v.correct and v.timing is not None
    assert v.timing.speedup is None and not v.timing.wall_clock_valid and "qemu" in v.timing.note


SKIP_SAXPY = """
#include <stdint.h>
static int done;
void saxpy_f64(int64_t n, double a, const double *restrict x, double *restrict y) {
    if (done) return;          /* does the work once, returns early on repeats */
    done = 1;
    for (int64_t i = 0; i < n; i++) y[i] = a * x[i] + y[i];
}
"""


def test_anti_skip_rejects_a_kernel_that_skips_repeated_work(suite, evaluator, to_asm) -> None:  # type: ignore[no-untyped-def]
    v = evaluator.verify(suite.get("l2_saxpy_f64"), get_target("x86_64"), to_asm(SKIP_SAXPY, opt="-O2"))
    assert not v.correct and v.failure_stage == "check"
    # caught on a later call (the very first call, case 0 r0, does the work)
    assert ".r1" in v.feedback or ".r2" in v.feedback or "case #0:" not in v.feedback


def test_callgrind_counts_are_deterministic_and_reflect_the_code(suite) -> None:  # type: ignore[no-untyped-def]
    from neucomback.harness.evaluate import Evaluator

    task = suite.get("l2_saxpy_f64")
    t = get_target("x86_64")
    ev = Evaluator(pairs=5, callgrind=True)
    o3 = [ev.verify(task, t, reference_asm(task, t, "-O3").read_text()).timing for _ in range(2)]
    o0 = ev.verify(task, t, reference_asm(task, t, "-O0").read_text()).timing
    assert o3[0].callgrind_candidate == o3[1].callgrind_candidate == o3[0].callgrind_reference
    assert o0.callgrind_candidate > o0.callgrind_reference > 0
