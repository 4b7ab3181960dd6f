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


def _weakened(suite, tmp: Path, ids: list[str], cases: int) -> Path:  # type: ignore[no-untyped-def]
    """A copy of built-in tasks with only `cases` test cases each (and no added inputs)."""
    import shutil

    root = tmp / "weak"
    for tid in ids:
        src = suite.get(tid).path
        shutil.copytree(src, root / src.name)
        toml = root / src.name / "task.toml"
        toml.write_text(f"cases = {cases}\n" + toml.read_text())
        (root / src.name / "augment.toml").unlink(missing_ok=True)  # the built-in task's own added inputs
    return root


def test_strength_command_measures_resumes_and_finds_gaps(tmp_path: Path, suite) -> None:  # type: ignore[no-untyped-def]
    """With 4 test cases, days_in_month's tests pass mutants that a 300-input probe rejects:
    they must show up as gaps, with the probe's feedback. A rerun reads the per-task files
    instead of verifying again."""
    out = tmp_path / "strength"
    root = _weakened(suite, tmp_path, ["l1_days_in_month", "l1_gcd_u32"], 4)
    args = ["suite", "strength", "--suite", str(root), "--out", str(out), "--json"]
    r = subprocess.run([EXE, *args], capture_output=True, text=True, timeout=600)
    assert r.returncode == 0, r.stderr
    doc = json.loads(r.stdout)
    assert doc["measured"] == 2 and doc["overall"]["total"] == 16 and doc["overall"]["killed"] >= 4
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


def test_a_weaker_test_suite_kills_less(tmp_path: Path, suite) -> None:  # type: ignore[no-untyped-def]
    """The measurement can fail: with the task's cases cut to one input, the same mutants
    survive more (a weaker test suite must show a lower kill rate and more gaps)."""
    from neucomback.harness.evaluate import Evaluator
    from neucomback.suite import load_suite
    from neucomback.suite.strength.analysis import StrengthSettings, measure_task

    weak_task = load_suite(_weakened(suite, tmp_path, ["l1_days_in_month"], 1)).get("l1_days_in_month")
    x86 = get_target("x86_64")
    ev = Evaluator()
    settings = StrengthSettings(mutants=12, probe=300, seed=1)
    strong = tally(measure_task(suite.get("l1_days_in_month"), x86, ev, settings).mutants)
    weak = tally(measure_task(weak_task, x86, ev, settings).mutants)
    assert weak["kill_rate"] < strong["kill_rate"] and weak["gaps"] > strong["gaps"]


# -- stronger inputs by construction ------------------------------------------------------------

def _one_task_suite(root: Path, c_source: str, toml: str) -> Path:
    d = root / "t"
    d.mkdir(parents=True)
    (d / "ref.c").write_text(c_source)
    (d / "task.toml").write_text(toml)
    return root


def test_source_constants_skip_comments_strings_and_floats(tmp_path: Path) -> None:
    from neucomback.suite import load_suite
    from neucomback.suite.harnessgen import source_constants

    src = ('#include <stdint.h>\n#define N 77\n/* 12345 */ // 999\nconst char *s = "4242";\n'
           "unsigned f(unsigned y) { double d = 1.5e3; return y % 1000u == 0x3e7 ? 400UL : (y > 65535 ? 2 : 1); }\n")
    root = _one_task_suite(tmp_path, src, 'id = "l1_t"\nlevel = 1\nfunction = "f"\nreturns = "u32"\n'
                                          '[[params]]\nname = "y"\ntype = "u32"\n')
    assert source_constants(load_suite(root).get("l1_t")) == [2, 400, 999, 1000, 65535]
    from neucomback.suite.harnessgen import int_literals

    assert int_literals("x = 01 + 017 + 09 + 0x1F;") == [15, 31]  # C octal; 09 is no literal (01 is 1)


def test_a_threshold_known_only_from_the_source_is_tested(tmp_path: Path, to_asm) -> None:  # type: ignore[no-untyped-def]
    """y % 1000 == 999 holds for one input in a thousand: random draws over [0, 10^6] rarely
    reach it, the task's constants +-1 do, so a candidate that never returns 1 is caught."""
    from neucomback.harness.evaluate import Evaluator
    from neucomback.suite import load_suite

    root = _one_task_suite(tmp_path, "unsigned f(unsigned y) { return y % 1000u == 999u; }\n",
                           'id = "l1_t"\nlevel = 1\nfunction = "f"\nreturns = "u32"\ncases = 64\n'
                           '[[params]]\nname = "y"\ntype = "u32"\nrange = [2, 1000500]\n')
    task = load_suite(root).get("l1_t")
    v = Evaluator().verify(task, get_target("x86_64"), to_asm("unsigned f(unsigned y) { return 0; }"))
    assert not v.correct and v.failure_kind == "candidate" and "expected 1" in v.feedback


def test_level2_checks_run_every_size_across_the_vector_span(suite, evaluator) -> None:  # type: ignore[no-untyped-def]
    from neucomback.suite.task import ELEM_BYTES, INTERLEAVE, VECTOR_BYTES

    for task in suite.select(level=2):
        sizes = task.check_sizes
        narrow = min(ELEM_BYTES[p.elem] for p in task.params if p.is_array)
        dense = min(2 * INTERLEAVE * VECTOR_BYTES // narrow, max(task.sizes))
        assert sizes[:dense] == list(range(1, dense + 1)) and set(task.sizes) <= set(sizes), task.id
    saxpy = suite.get("l2_saxpy_f64")
    assert saxpy.check_sizes == [*range(1, 17), 1003]  # f64: 16 bytes x 4 / 8 bytes, twice
    sad = suite.get("l2_sad_u8")  # u8: 129 sizes, more than the run plan took before
    assert len(sad.check_sizes) == 129
    v = evaluator.verify(sad, get_target("x86_64"), reference_asm(sad, get_target("x86_64")).read_text(),
                         timing=False)
    assert v.correct, v.feedback


def test_an_added_case_replays_the_generator_exactly(suite) -> None:  # type: ignore[no-untyped-def]
    """`S:K` after the case count runs case K of seed S: its input records equal those of case
    K in a plain run under seed S, renumbered after the regular cases."""
    from neucomback.harness.build import reference_exe
    from neucomback.harness.check import parse_output
    from neucomback.harness.reference import RunSpec, run_trusted

    x86 = get_target("x86_64")
    exe = reference_exe(suite.get("l1_days_in_month"), x86, "-O0")
    plain = parse_output(run_trusted(x86, exe, RunSpec(("777", "60"))).stdout)
    added = parse_output(run_trusted(x86, exe, RunSpec(("5", "3", "777:41", "777:59"))).stdout)
    assert added.end == 5 and not added.malformed
    assert added.ins[3] == plain.ins[41] and added.ins[4] == plain.ins[59]
    assert added.ins[3] != plain.ins[42]
    assert {n: v for (c, n), v in added.outs.items() if c == 4} == {n: v for (c, n), v in plain.outs.items() if c == 59}


def test_augment_closes_gaps_with_recorded_inputs(tmp_path: Path, suite) -> None:  # type: ignore[no-untyped-def]
    """--augment on a task cut to 4 cases: the added inputs (augment.toml) make the tests reject
    every gap mutant; a new measurement finds no gap under the same seed; `suite show` counts
    them; the file is data the loader reads back, and the reference still passes."""
    import tomllib

    from neucomback.harness.evaluate import Evaluator
    from neucomback.suite import load_suite

    root = _weakened(suite, tmp_path, ["l1_days_in_month"], 4)
    out = tmp_path / "strength"
    args = ["suite", "strength", "--suite", str(root), "--out", str(out), "--json"]
    r = subprocess.run([EXE, *args, "--augment"], capture_output=True, text=True, timeout=600)
    assert r.returncode == 0, r.stderr
    doc = json.loads(r.stdout)
    gaps = doc["overall"]["gaps"]
    grown = doc["augment"]
    assert gaps >= 2 and grown["gaps"] == gaps and grown["closed"] == gaps and 1 <= grown["added"] <= gaps
    row = grown["per_task"][0]
    assert row["killable_rate_before"] < 1.0 and row["killable_rate_after"] == 1.0
    written = tomllib.loads((root / "days_in_month" / "augment.toml").read_text())["added"]
    assert len(written) == grown["added"] and all(len(a["case"]) == 2 and a["kills"] for a in written)
    task = load_suite(root).get("l1_days_in_month")
    assert task.added_cases == tuple(tuple(a["case"]) for a in written)
    ref = reference_asm(task, get_target("x86_64")).read_text()
    assert Evaluator().verify(task, get_target("x86_64"), ref, timing=False).cases_total == 4 + len(written)
    again = json.loads(subprocess.run([EXE, *args], capture_output=True, text=True, timeout=600).stdout)
    assert again["overall"]["gaps"] == 0 and again["overall"]["killed"] == doc["overall"]["killed"] + gaps
    show = subprocess.run([EXE, "suite", "show", "l1_days_in_month", "--suite", str(root), "--json"],
                          capture_output=True, text=True, timeout=120)
    shown = json.loads(show.stdout)
    assert shown["added_inputs"] == len(written)
    # the suite's record was measured again after the inputs were added: it describes the task as it is
    rec = shown["strength"]["x86_64"]
    assert rec["state"] == "current" and rec["gaps"] == 0 and rec["killed"] == doc["overall"]["killed"] + gaps


def test_strength_record_reaches_show_baseline_and_the_run_report(tmp_path: Path, suite) -> None:  # type: ignore[no-untyped-def]
    """`suite strength` keeps its figures in the suite (STRENGTH.<target>.json, outside every
    task folder, so no fingerprint changes); `suite show` and `baseline` print them, a run
    records them in its provenance at the start and the report shows them. A task edited
    since it was measured is reported as changed, and not counted."""
    root = _weakened(suite, tmp_path, ["l1_days_in_month", "l1_gcd_u32"], 4)
    show = [EXE, "suite", "show", "l1_gcd_u32", "--suite", str(root), "--json"]
    before = json.loads(subprocess.run(show, capture_output=True, text=True, timeout=120).stdout)
    assert before["strength"]["x86_64"] == {"state": "missing"}
    r = subprocess.run([EXE, "suite", "strength", "--suite", str(root), "--out", str(tmp_path / "s"), "--json"],
                       capture_output=True, text=True, timeout=600)
    assert r.returncode == 0, r.stderr
    doc = json.loads(r.stdout)
    assert doc["record"] == str(root / "STRENGTH.x86_64.json")
    per = {t["task"]: t for t in doc["per_task"]}
    shown = json.loads(subprocess.run(show, capture_output=True, text=True, timeout=120).stdout)["strength"]["x86_64"]
    assert shown["state"] == "current" and shown["killed"] == per["l1_gcd_u32"]["killed"]
    assert shown["gaps"] == per["l1_gcd_u32"]["gaps"] and shown["settings"] == {"mutants": 8, "probe": 300, "seed": 1}
    text = subprocess.run(show[:-1], capture_output=True, text=True, timeout=120).stdout
    assert "test strength on x86_64: rejects" in text

    toml = root / "days_in_month" / "task.toml"  # an edit after measuring: that entry no longer counts
    toml.write_text(toml.read_text().replace("cases = 4", "cases = 5"))
    bl = subprocess.run([EXE, "baseline", "--suite", str(root), "--no-timing", "--json"],
                        capture_output=True, text=True, timeout=600)
    st = json.loads(bl.stdout)["test_strength"]
    assert (st["measured"], st["stale"], st["missing"]) == (1, 1, 0)
    assert st["killed"] == per["l1_gcd_u32"]["killed"] and st["gaps"] == per["l1_gcd_u32"]["gaps"]

    run = tmp_path / "run"
    b = subprocess.run([EXE, "bench", "-m", "llc:O3", "--suite", str(root), "--split", "all", "--run-dir", str(run),
                        "--json"], capture_output=True, text=True, timeout=600)
    assert b.returncode == 0, b.stderr
    rep = subprocess.run([EXE, "report", str(run), "--markdown", str(tmp_path / "r.md")],
                         capture_output=True, text=True, timeout=300)
    assert rep.returncode == 0, rep.stderr
    row = next(line for line in (tmp_path / "r.md").read_text().splitlines() if line.startswith("| test strength"))
    assert "1/2 tasks measured on x86_64" in row and "1 changed since" in row
    assert "test strength" in (run / "report.html").read_text()


def test_a_broken_augment_file_is_a_one_line_error(tmp_path: Path, suite) -> None:  # type: ignore[no-untyped-def]
    root = _weakened(suite, tmp_path, ["l1_days_in_month"], 4)
    (root / "days_in_month" / "augment.toml").write_text("[[added]]\ncase = [1]\n")
    r = subprocess.run([EXE, "suite", "show", "l1_days_in_month", "--suite", str(root)],
                       capture_output=True, text=True, timeout=120)
    assert r.returncode != 0 and "augment.toml" in r.stderr and "Traceback" not in r.stderr


def test_an_added_level2_run_replays_the_probe_entry(suite) -> None:  # type: ignore[no-untyped-def]
    """A plan entry `n calls S K` draws its inputs as entry K of a plan under seed S."""
    from neucomback.harness.build import reference_exe
    from neucomback.harness.check import parse_output
    from neucomback.harness.reference import RunSpec, level2_plan, run_trusted

    x86 = get_target("x86_64")
    exe = reference_exe(suite.get("l2_saxpy_f64"), x86, "-O0")
    plain = parse_output(run_trusted(x86, exe, RunSpec((), level2_plan(99, [3, 5, 9], 3, False))).stdout)
    added = parse_output(run_trusted(x86, exe, RunSpec((), level2_plan(4, [9], 3, False, ((99, 2, 9), (99, 1, 5))))).stdout)
    assert added.end == 3 and not added.malformed
    recs = lambda o, c: {n: v for (k, n), v in o.outs.items() if k == c}  # noqa: E731
    assert recs(added, 1) == recs(plain, 2) and recs(added, 2) == recs(plain, 1)
    assert recs(added, 0) != recs(plain, 2)  # same size, other seed: other values
