"""The proof tier (--prove): symbolic search against the clang -O3 code, counterexamples
confirmed by the real harness before they count, tiers that never pass a failing candidate.

Real angr, real toolchains, real sandbox; no mocks except where a test needs the symbolic
engine to say something specific (an unconfirmable difference)."""

from __future__ import annotations

import json
import shutil
import subprocess
import tomllib
from dataclasses import replace
from pathlib import Path

import pytest

from neucomback import prove as prover
from neucomback.errors import UsageError
from neucomback.harness.build import reference_asm
from neucomback.harness.check import describe_inputs
from neucomback.harness.evaluate import Evaluator
from neucomback.harness.reference import check_spec, expected_output
from neucomback.prove import Finding, ProveLimits
from neucomback.suite import load_suite
from neucomback.targets import get_target

pytest.importorskip("angr")

X86 = get_target("x86_64")
EXE = str(Path(__file__).resolve().parents[1] / ".venv" / "bin" / "neucomback")
TASK = "l1_checked_add_i32"
# a signed comparison made non-strict: wrong only where a == INT32_MAX - b exactly, which
# none of the task's 128 cases (nor a 300-input probe) hits
MUTANT = ("setl\t%r8b", "setle\t%r8b")
CHECKED_ADD = """#include <stdint.h>
int32_t checked_add_i32(int32_t a, int32_t b, int32_t *out) {
    BODY
    if (b > 0 && a > INT32_MAX - b) return 1;
    if (b < 0 && a < INT32_MIN - b) return -1;
    *out = a + b;
    return 0;
}
"""


@pytest.fixture(scope="module")
def prover_ev() -> Evaluator:
    return Evaluator(prove=ProveLimits(seconds=20))


def _ref(suite, task: str = TASK) -> str:  # type: ignore[no-untyped-def]
    return reference_asm(suite.get(task), X86).read_text()


def _mutant(suite) -> str:  # type: ignore[no-untyped-def]
    asm = _ref(suite)
    assert MUTANT[0] in asm
    return asm.replace(*MUTANT, 1)


def test_a_case_given_value_by_value_is_replayed_by_the_harness(suite) -> None:  # type: ignore[no-untyped-def]
    """nbh.h's `S:V:...` added case: each draw takes the given raw value (negative ints as
    64-bit two's complement), so a solver's input runs through the ordinary harness."""
    task = suite.get(TASK)
    draws = ((-4) & (2**64 - 1), (-2147483644) & (2**64 - 1), 0)
    case = replace(task, cases=0, added_cases=(), added_values=((task.seed, draws),))
    assert check_spec(case).args[-1] == f"{task.seed}:V:fffffffffffffffc,ffffffff80000004,0"
    ref = expected_output(case, X86)
    assert describe_inputs(ref.output, 0) == "a=-4, b=-2147483644"


def test_value_cases_load_from_augment_toml_and_bad_ones_are_refused(tmp_path: Path, suite) -> None:  # type: ignore[no-untyped-def]
    root = tmp_path / "s"
    shutil.copytree(suite.get(TASK).path, root / "t")
    (root / "t" / "augment.toml").write_text('[[added]]\nvalues = [7, "fffffffffffffffc,5,0"]\n')
    task = load_suite(root).get(TASK)
    assert task.added_values == ((7, (2**64 - 4, 5, 0)),) and task.added_count == 1
    (root / "t" / "augment.toml").write_text('[[added]]\nvalues = [7, "zz"]\n')
    with pytest.raises(UsageError, match="augment.toml"):
        load_suite(root).get(TASK)


def test_the_reference_compilers_code_is_proved(suite, prover_ev) -> None:  # type: ignore[no-untyped-def]
    v = prover_ev.verify(suite.get(TASK), X86, _ref(suite))
    assert v.correct and v.proof is not None and v.proof.tier == "proved", v.proof
    assert "blocks per path" in v.proof.limits and v.proof.paths["candidate_paths"] >= 1
    assert "proof: proved" in v.summary()


def test_a_wrong_candidate_the_tests_pass_is_refuted_and_its_input_becomes_a_test(suite, prover_ev) -> None:  # type: ignore[no-untyped-def]
    task = suite.get(TASK)
    assert prover_ev.verify(task, X86, _mutant(suite), prove=False).correct  # the tests alone miss it
    v = prover_ev.verify(task, X86, _mutant(suite))
    assert not v.correct and v.failure_kind == "candidate" and v.failure_stage == "prove"
    p = v.proof
    assert p is not None and p.tier == "refuted" and p.draws and "Inputs of case #0" in p.counterexample
    assert "passed the tests" in v.feedback and p.counterexample in v.feedback
    # the counterexample, as a case of the task, makes the ordinary tests reject the mutant
    grown = replace(task, added_values=((p.seed, tuple(p.draws)),))
    assert not prover_ev.verify(grown, X86, _mutant(suite), prove=False).correct
    assert prover_ev.verify(grown, X86, _ref(suite), prove=False).correct
    back = type(v).from_json(json.loads(json.dumps(v.to_json())))
    assert back.proof == p


def test_a_difference_the_harness_does_not_reproduce_is_unknown(suite, prover_ev, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """The solver's word alone never fails a candidate: an input on which the programs agree
    when run leaves the verdict correct and the tier unknown."""
    task = suite.get(TASK)
    monkeypatch.setattr(prover, "search", lambda *a, **k: Finding("differs", "differs in return value", [3, 4, 0]))
    v = prover_ev.verify(task, X86, _ref(suite))
    assert v.correct and v.proof is not None and v.proof.tier == "unknown" and "did not reproduce" in v.proof.reason


def test_a_candidate_that_fails_its_tests_is_not_proved_into_a_pass(suite, prover_ev, to_asm) -> None:  # type: ignore[no-untyped-def]
    v = prover_ev.verify(suite.get(TASK), X86, to_asm(CHECKED_ADD.replace("BODY", "if (a == 0) return 7;")))
    assert not v.correct and v.failure_stage == "check" and v.proof is None


@pytest.mark.parametrize("body, tier", [
    ('__asm__ volatile("xorl %ebx, %ebx");', "refuted"),                   # callee-saved register
    ('__asm__ volatile("std");', "refuted"),                                 # direction flag left set
    ('unsigned m = 0x7F80; __asm__ volatile("ldmxcsr %0" :: "m"(m));', "refuted"),  # rounding mode
    ("if (a == 12345 && b == 1) for (;;) __asm__ volatile(\"\");", "bounded"),     # a hang on one input
    # wrong only when the time stamp counter says so: detects being analysed, never proved
    ('unsigned lo, hi; __asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi)); if ((lo & 0xff) == 7) return 5;', "unknown"),
    ('unsigned r; __asm__ volatile("cpuid" : "=a"(r) : "a"(0) : "ebx", "ecx", "edx"); if (r == 99) return 5;',
     "unknown"),
])
def test_hostile_candidates_are_never_proved(suite, prover_ev, to_asm, body, tier) -> None:  # type: ignore[no-untyped-def]
    """The tier runs on them whatever their tests say (Evaluator.proof): each is refuted with
    a confirmed counterexample, or at most bounded (the hang: a path still running at the
    bound where the reference returned)."""
    src = CHECKED_ADD.replace("BODY", body)
    p = prover_ev.proof(suite.get(TASK), X86, to_asm(src))
    assert p.tier == tier, p
    if tier == "bounded":
        assert "possible hang" in p.reason
    if tier == "unknown":
        assert "machine-dependent" in p.reason


def test_a_wild_jump_table_index_is_found_not_proved(suite, prover_ev) -> None:  # type: ignore[no-untyped-def]
    """A signed bound check before a jump table (`ja` made `jg`): month 0 indexes the table at
    2^32 - 1 and the program crashes. angr's default memory model concretizes such a wide
    symbolic address to one value and adds that as a constraint, silently dropping every other
    input: the tier called this mutant proved. It must find the crash."""
    task = suite.get("l1_day_of_year_fallthrough")
    ref = reference_asm(task, X86).read_text()
    asm = ref.replace("cmpl\t$11, %esi\n\tja\t", "cmpl\t$11, %esi\n\tjg\t", 1)
    assert asm != ref
    assert not prover_ev.verify(task, X86, asm, prove=False).correct  # the tests catch it (m = 0)
    p = prover_ev.proof(task, X86, asm)
    assert p.tier == "refuted", p.reason


def test_aarch64_uses_its_own_calling_convention(suite, prover_ev, to_asm) -> None:  # type: ignore[no-untyped-def]
    """AAPCS64: arguments in x0.., the return address in x30, x19-x29 and d8-d15 callee-saved."""
    a64 = get_target("aarch64")
    v = prover_ev.verify(suite.get(TASK), a64, reference_asm(suite.get(TASK), a64).read_text())
    assert v.correct and v.proof.tier == "proved", v.proof
    clobber = to_asm(CHECKED_ADD.replace("BODY", '__asm__ volatile("mov x19, #0");'), "aarch64")
    p = prover_ev.proof(suite.get(TASK), a64, clobber)
    assert p.tier == "refuted" and "x19" in p.reason, p
    d8 = to_asm(CHECKED_ADD.replace("BODY", '__asm__ volatile("fmov d8, xzr");'), "aarch64")
    assert prover_ev.proof(suite.get(TASK), a64, d8).tier == "refuted"


def test_outside_the_model_the_tier_is_unknown_with_the_reason(suite, prover_ev, to_asm) -> None:  # type: ignore[no-untyped-def]
    rv = get_target("riscv64")
    v = prover_ev.verify(suite.get("l1_gcd_u32"), rv, reference_asm(suite.get("l1_gcd_u32"), rv).read_text())
    assert v.correct and v.proof.tier == "unknown" and "RISC-V" in v.proof.reason
    l2 = suite.select(level=2)[0]
    assert "Level 2" in prover.supported(l2, X86)
    printing = CHECKED_ADD.replace("BODY", 'extern int puts(const char *); puts("hi");')
    p = prover_ev.proof(suite.get(TASK), X86, to_asm(printing))
    assert p.tier == "unknown" and "puts" in p.reason


def test_prove_needs_its_extra(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from neucomback.api.session import prove_limits

    assert prove_limits(None) is None
    monkeypatch.setattr(prover.importlib.util, "find_spec", lambda name: None)
    with pytest.raises(UsageError, match=r"\[prove\]"):
        prove_limits(30)


def test_verify_baseline_and_bench_show_the_tier(tmp_path: Path, suite) -> None:  # type: ignore[no-untyped-def]
    mutant = tmp_path / "m.s"
    mutant.write_text(_mutant(suite))
    r = subprocess.run([EXE, "verify", str(mutant), "--task", TASK, "--prove", "--json"], capture_output=True,
                       text=True, timeout=300)
    d = json.loads(r.stdout)
    assert r.returncode == 1 and d["proof"]["tier"] == "refuted" and d["failure_stage"] == "prove"
    r = subprocess.run([EXE, "baseline", "--task", TASK, "--prove", "--json"], capture_output=True, text=True,
                       timeout=300)
    assert r.returncode == 0, r.stderr
    assert json.loads(r.stdout)["results"][0]["proof"]["tier"] == "proved"
    r = subprocess.run([EXE, "bench", "--model", "llc:O3", "--task", TASK, "--prove", "--json",
                        "--run-dir", str(tmp_path / "run")], capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stderr
    summary = json.loads(r.stdout)
    assert summary["proof_tiers"] == {"proved": 1} and summary["proved_share"] == 1.0
    # a rerun without --prove is another run, not a resume of this one
    r = subprocess.run([EXE, "bench", "--model", "llc:O3", "--task", TASK, "--json",
                        "--run-dir", str(tmp_path / "run")], capture_output=True, text=True, timeout=300)
    assert r.returncode == 2 and "prove" in r.stderr


def test_strength_uses_the_tier_and_augment_keeps_its_counterexample(tmp_path: Path, suite) -> None:  # type: ignore[no-untyped-def]
    """A mutant the tests and the probe both pass, refuted by the tier, is a gap found by the
    proof; --augment adds its counterexample as a value-by-value case, after which the task's
    own tests reject it."""
    root = tmp_path / "s"
    shutil.copytree(suite.get(TASK).path, root / "checked_add_i32")
    (root / "checked_add_i32" / "augment.toml").unlink(missing_ok=True)
    args = [EXE, "suite", "strength", "--suite", str(root), "--out", str(tmp_path / "o"), "--prove", "--json"]
    r = subprocess.run(args, capture_output=True, text=True, timeout=900)
    assert r.returncode == 0, r.stderr
    doc = json.loads(r.stdout)
    row = doc["per_task"][0]
    by_proof = [m for m in row["mutants"] if m["gap_by"] == "proof"]
    assert by_proof and all(m["proof"] == "refuted" and m["proof_case"] for m in by_proof)
    assert doc["overall"]["gaps_found_by_proof"] == len(by_proof)
    survivors = [m for m in row["mutants"] if m["status"] == "survived"]
    assert all(m["proof"] in prover.TIERS for m in survivors)
    r = subprocess.run([*args, "--augment"], capture_output=True, text=True, timeout=900)
    assert r.returncode == 0, r.stderr
    assert json.loads(r.stdout)["augment"]["closed"] >= len(by_proof)
    added = tomllib.loads((root / "checked_add_i32" / "augment.toml").read_text())["added"]
    assert any("values" in a for a in added)
    task = load_suite(root).get(TASK)
    assert task.added_values
    from neucomback.suite.strength.mutate import mutants

    pool = {m.label: m.asm for m in mutants(_ref(suite), "x86_64", 8, f"1:{TASK}:x86_64")}
    for m in by_proof:
        assert not Evaluator().verify(task, X86, pool[m["label"]], timing=False).correct


def test_compile_records_the_tier_of_every_function(tmp_path: Path) -> None:
    """`compile --prove`: the rest of the module is linked into both programs; the tier is in
    --json and in the output file's comments."""
    src = tmp_path / "m.c"
    src.write_text("#include <stdint.h>\nstatic const int32_t k = 7;\n"
                   "int32_t scale(int32_t a, int32_t b) { return a > b ? a * k : b - k; }\n"
                   "uint32_t mix(uint32_t x) { return (x ^ (x >> 7)) * 0x9E3779B9u; }\n")
    out = tmp_path / "m.s"
    r = subprocess.run([EXE, "compile", str(src), "-o", str(out), "--model", "llc:O3", "--prove", "--json",
                        "--run-dir", str(tmp_path / "run")], capture_output=True, text=True, timeout=600)
    assert r.returncode == 0, r.stderr
    tiers = {f["name"]: f.get("proof") for f in json.loads(r.stdout)["functions"]}
    assert tiers == {"scale": "proved", "mix": "proved"}
    assert "scale: model-written (llc:O3), verified on 128 test cases, proof: proved" in out.read_text()
