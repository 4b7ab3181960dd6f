"""Mutation analysis of the tests: the operators on three ISAs, and `suite strength` through the
real verifier (mutants of llc -O3's assembly, so every figure is measured, not assumed)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from neucomback.harness.build import reference_asm
from neucomback.suite.strength.analysis import MutantResult, tally
from neucomback.suite.strength.mutate import OPERATORS, mutants, sites
from neucomback.targets import get_target

EXE = str(Path(sys.executable).parent / "neucomback")
X86_SNIPPET = """\t.text
\t.globl\tf
f:
\tcmpl\t$10, %edi
\tjl\t.LBB0_2
\tsarl\t$2, %edi
\tmovsbl\t%dil, %eax
\taddl\t%esi, %eax
\tmovl\t4(%rdx), %ecx
\tshll\t%cl, %eax
\tretq
.LBB0_2:\t# a label with a comment
\tcmovgel\t%esi, %eax
\tretq
"""


def edits(asm: str, isa: str) -> set[tuple[str, str]]:
    return {(m.operator, m.after.strip()) for m in sites(asm, isa)}


def test_x86_operators_make_the_expected_single_edits() -> None:
    got = edits(X86_SNIPPET, "x86_64")
    for expected in [("cond-flip", "jge\t.LBB0_2"), ("signedness", "jb\t.LBB0_2"), ("signedness", "shrl\t$2, %edi"),
                     ("signedness", "movzbl\t%dil, %eax"), ("add-sub", "subl\t%esi, %eax"),
                     ("shift-kind", "shrl\t%cl, %eax"), ("imm", "cmpl\t$11, %edi"), ("imm", "cmpl\t$9, %edi"),
                     ("disp", "movl\t8(%rdx), %ecx"), ("disp", "movl\t0(%rdx), %ecx"),
                     ("cond-flip", "cmovll\t%esi, %eax"), ("drop", ""), ("reg-swap", "addl\t%ecx, %eax")]:
        assert expected in got, expected
    ms = sites(X86_SNIPPET, "x86_64")
    assert all(m.before.strip() not in ("retq", "") for m in ms if m.operator == "drop")  # never drops ret
    assert all(m.asm.count("\n") - X86_SNIPPET.count("\n") in (0, -1) for m in ms)  # one line changed
    assert all(m.asm != X86_SNIPPET for m in ms) and len({m.asm for m in ms}) == len(ms)
    assert not any(".globl" in m.before or m.before.endswith(":") for m in ms)  # directives, labels untouched


def test_aarch64_and_riscv64_operators() -> None:
    arm = "\tcmp\tw0, #5\n\tb.lt\t.LBB0_1\n\tcset\tw8, hi\n\tasr\tw1, w1, #3\n\tadd\tx0, x1, w2, sxtw\n" \
          "\tldr\tw3, [x4, #8]\n\tcbz\tw0, .LBB0_1\n\tret\n"
    got = edits(arm, "aarch64")
    for expected in [("cond-flip", "b.ge\t.LBB0_1"), ("signedness", "b.lo\t.LBB0_1"), ("cond-flip", "cset\tw8, ls"),
                     ("signedness", "lsr\tw1, w1, #3"), ("signedness", "add\tx0, x1, w2, uxtw"),
                     ("add-sub", "sub\tx0, x1, w2, sxtw"), ("imm", "cmp\tw0, #6"), ("disp", "ldr\tw3, [x4, #12]"),
                     ("cond-flip", "cbnz\tw0, .LBB0_1")]:
        assert expected in got, expected
    rv = "\tblt\ta0, a1, .LBB0_1\n\tsrai\ta2, a2, 3\n\tlw\ta3, 8(a4)\n\taddw\ta0, a0, a1\n\tslli\ta5, a5, 2\n\tret\n"
    got = edits(rv, "riscv64")
    for expected in [("cond-flip", "bge\ta0, a1, .LBB0_1"), ("signedness", "bltu\ta0, a1, .LBB0_1"),
                     ("signedness", "srli\ta2, a2, 3"), ("imm", "srai\ta2, a2, 4"), ("disp", "lw\ta3, 12(a4)"),
                     ("signedness", "lwu\ta3, 8(a4)"), ("add-sub", "subw\ta0, a0, a1"),
                     ("shift-kind", "srli\ta5, a5, 2")]:
        assert expected in got, expected


@pytest.mark.parametrize("target_name", ["x86_64", "aarch64", "riscv64"])
def test_mutants_are_deterministic_and_spread_over_operators(suite, target_name: str) -> None:  # type: ignore[no-untyped-def]
    asm = reference_asm(suite.get("l1_days_in_month"), get_target(target_name)).read_text()
    a, b = mutants(asm, target_name, 8, 1), mutants(asm, target_name, 8, 1)
    assert [m.asm for m in a] == [m.asm for m in b] and len(a) == 8
    assert [m.asm for m in mutants(asm, target_name, 8, 2)] != [m.asm for m in a]  # the seed matters
    present = {m.operator for m in sites(asm, target_name)}
    assert len({m.operator for m in a}) == min(8, len(present))  # each operator before any twice
    assert present <= set(OPERATORS) and len(present) >= 6


def test_tally_rates() -> None:
    ms = [MutantResult("drop", "", "killed"), MutantResult("drop", "", "killed"), MutantResult("imm", "", "invalid"),
          MutantResult("imm", "", "survived", probe="gap"), MutantResult("imm", "", "survived", probe="equivalent?")]
    t = tally(ms)
    assert (t["valid"], t["killed"], t["gaps"], t["equivalent"], t["invalid"]) == (4, 2, 1, 1, 1)
    assert t["kill_rate"] == 0.5 and t["killable_kill_rate"] == pytest.approx(2 / 3)
    assert tally([])["kill_rate"] is None


def test_strength_command_measures_resumes_and_finds_a_known_gap(tmp_path: Path) -> None:
    """l1_days_in_month's 32 cases miss a flipped leap-year branch that a 300-input probe
    catches (measured while building this): it must show up as a gap, with the probe's
    feedback. A rerun reads the per-task files instead of verifying again."""
    out = tmp_path / "strength"
    args = ["suite", "strength", "--task", "l1_days_in_month", "--task", "l1_gcd_u32", "--out", str(out), "--json"]
    r = subprocess.run([EXE, *args], capture_output=True, text=True, timeout=600)
    assert r.returncode == 0, r.stderr
    doc = json.loads(r.stdout)
    assert doc["measured"] == 2 and doc["overall"]["total"] == 16 and doc["overall"]["killed"] >= 8
    gaps = [g for g in doc["gaps"] if g["task"] == "l1_days_in_month"]
    assert gaps and all("expected" in g["probe_feedback"] for g in gaps)
    assert doc["overall"]["killable_kill_rate"] < 1.0
    files = sorted(p.name for p in out.iterdir())
    assert files == ["l1_days_in_month.json", "l1_gcd_u32.json"]
    stamp = {p.name: p.stat().st_mtime_ns for p in out.iterdir()}
    again = subprocess.run([EXE, *args], capture_output=True, text=True, timeout=600)
    assert json.loads(again.stdout)["overall"] == doc["overall"]
    assert {p.name: p.stat().st_mtime_ns for p in out.iterdir()} == stamp  # resumed, nothing redone
    other = subprocess.run([EXE, *args[:-1], "--mutants", "2", "--json"], capture_output=True, text=True, timeout=600)
    assert json.loads(other.stdout)["overall"]["total"] == 4  # other settings: measured again
    text = subprocess.run([EXE, *args[:-1]], capture_output=True, text=True, timeout=600)
    assert text.returncode == 0 and "overall" in text.stdout


def test_a_test_suite_that_checks_nothing_kills_nothing(tmp_path: Path, suite) -> None:  # type: ignore[no-untyped-def]
    """The measurement can fail: with the task's cases cut to one fixed input, the same
    mutants survive more (a weaker test suite must show a lower kill rate)."""
    import shutil

    from neucomback.harness.evaluate import Evaluator
    from neucomback.suite import load_suite
    from neucomback.suite.strength.analysis import StrengthSettings, measure_task

    src = suite.get("l1_days_in_month").path
    root = tmp_path / "weak"
    shutil.copytree(src, root / src.name)
    toml = root / src.name / "task.toml"
    toml.write_text("cases = 1\n" + toml.read_text())
    weak_task = load_suite(root).get("l1_days_in_month")
    x86 = get_target("x86_64")
    ev = Evaluator()
    settings = StrengthSettings(mutants=12, probe=300, seed=1)
    strong = tally(measure_task(suite.get("l1_days_in_month"), x86, ev, settings).mutants)
    weak = tally(measure_task(weak_task, x86, ev, settings).mutants)
    assert weak["kill_rate"] < strong["kill_rate"] and weak["gaps"] > strong["gaps"]
