"""The NeuComBack importer on a small fixture in the upstream layout (tests/fixtures/upstream_mini,
written for this project): splits, the generated harnesses (Level 1: C++ around the upstream-style
JSON harness; Level 2: TSVC-style kernels), derived inputs, anti-skip, and verdicts.

Needs nlohmann/json (Debian: nlohmann-json3-dev, /usr/include/nlohmann/json.hpp): the fixture
does not ship it, like a checkout without its include folder, so the importer uses the system one.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from neucomback.errors import UsageError
from neucomback.suite import load_suite
from neucomback.suite.importers import count_tasks, format_summary, import_neucomback
from neucomback.suite.importers._common import parse_splits
from neucomback.suite.importers._jsonrec import records

FIXTURE = Path(__file__).parent / "fixtures" / "upstream_mini"
LEVEL1 = FIXTURE / "NeuComBackDataset" / "Level1"
LEVEL2 = FIXTURE / "NeuComBackDataset" / "Level2"

pytestmark = pytest.mark.skipif(
    not Path("/usr/include/nlohmann/json.hpp").is_file() or shutil.which("clang++-19") is None,
    reason="needs clang++-19 and nlohmann/json (apt-get install clang-19 nlohmann-json3-dev)")


@pytest.fixture(scope="module")
def imported(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    out = tmp_path_factory.mktemp("imported") / "suite"
    labels: list[str] = []
    summary = import_neucomback(FIXTURE, out, progress=labels.append)
    return out, summary, labels


def test_splits_are_read_from_data_tools_without_running_it() -> None:
    # random.Random(4242).shuffle([11, 22, 33, 44]) == [22, 33, 11, 44]; cut 2/1/1
    assert parse_splits(LEVEL1 / "data_tools.py") == {"train": [22, 33], "valid": [44], "test": [11]}
    assert parse_splits(LEVEL2 / "data_tools.py") == {"train": ["vadd"], "valid": [], "test": ["vsum"]}


def test_summary_lists_imported_and_failed_tasks(imported) -> None:  # type: ignore[no-untyped-def]
    out, summary, labels = imported
    assert sorted(o.upstream_id for o in summary.imported) == ["11", "22", "33", "vadd", "vsum"]
    (bad,) = summary.failed
    assert bad.upstream_id == "44" and "test44.in" in bad.reason
    assert len(labels) == 6 == count_tasks(FIXTURE) and count_tasks(FIXTURE, levels=(1,)) == 4
    text = format_summary(summary)
    assert "5 of 6" in text and "Level 1: 3/4" in text and "Level 2: 2/2" in text and "test44.in" in text
    manifest = json.loads((out / "IMPORT.json").read_text())
    assert len(manifest["outcomes"]) == 6


def test_imported_suite_loads_with_splits_and_upstream_case(imported) -> None:  # type: ignore[no-untyped-def]
    out, _, _ = imported
    suite = load_suite(out)
    assert sorted(suite.tasks) == ["l1_nb11_count_above", "l1_nb22_scale_add", "l1_nb33_vowels",
                                   "l2_tsvc_vadd", "l2_tsvc_vsum"]
    splits = {t.meta["upstream_id"]: t.split for t in suite.tasks.values()}
    assert splits == {22: "train", 33: "train", 11: "test", "vadd": "train", "vsum": "test"}
    for task in suite.select(level=1):
        assert task.level == 1 and task.custom_harness is not None and task.custom_harness.suffix == ".cpp"
        assert task.meta["upstream_cases"] == [0]
        assert task.cases >= 21 and task.meta["derived_inputs"] == task.cases - 1
        # our -O0 reference reproduces the upstream .ref file on case 0
        assert task.meta["upstream_ref_match"] is True
        assert (task.path / "nlohmann" / "json.hpp").is_file() and (task.path / "nb_json.hpp").is_file()
        # case 0 is the upstream input, verbatim
        up = (LEVEL1 / "exebench" / f"test{task.meta['upstream_id']}.in").read_text().strip()
        harness = task.custom_harness.read_text()
        assert f'nb_inputs[] = {{\n    R"nbjson({up})nbjson"' in harness
        assert "int main(" not in harness.replace("int main(int argc, char **argv) {", "")


def test_derived_inputs_that_break_the_reference_are_dropped(imported) -> None:  # type: ignore[no-untyped-def]
    out, summary, _ = imported
    (o,) = [o for o in summary.imported if o.upstream_id == "11"]
    # count_above divides by the input `d`: derived inputs with d == 0 must be rejected
    assert sum(o.dropped.values()) >= 1, o.dropped
    task = load_suite(out).get("l1_nb11_count_above")
    harness = task.custom_harness.read_text()
    assert '"d":0' not in harness


def test_llc_o3_code_of_an_imported_task_is_correct(imported, evaluator) -> None:  # type: ignore[no-untyped-def]
    from neucomback.harness.build import reference_asm
    from neucomback.targets import get_target

    out, _, _ = imported
    task = load_suite(out).get("l1_nb11_count_above")
    t = get_target("x86_64")
    v = evaluator.verify(task, t, reference_asm(task, t).read_text())
    assert v.correct, v.feedback
    assert v.upstream_correct is True
    assert v.cases_total == task.cases >= 21 and v.cases_passed == v.cases_total


def test_right_on_the_upstream_input_only_is_not_correct(imported, evaluator, to_asm) -> None:  # type: ignore[no-untyped-def]
    from neucomback.targets import get_target

    out, _, _ = imported
    task = load_suite(out).get("l1_nb11_count_above")
    # does the work only for the upstream test input (v[0] == 3, limit == 50, d == 3)
    cand = """
    int count_above(int *v, int limit, int d) {
        if (!(v[0] == 3 && v[1] == 91 && limit == 50 && d == 3)) return 0;
        int c = 0;
        for (int i = 0; i < 16; i++) if (v[i] > limit) { c++; v[i] = limit; }
        return c * 100 / d;
    }"""
    v = evaluator.verify(task, get_target("x86_64"), to_asm(cand))
    assert v.upstream_correct is True
    assert not v.correct and v.failure_stage == "check"
    assert 1 <= v.cases_passed < v.cases_total


def test_output_records_compare_structure_and_number_kinds() -> None:
    assert records({"a": 1})["a"] == ("i", [1])
    assert records({"a": 1.0})["a"] == ("f", [1.0])
    assert records({"p": [1, 2, 3]})["p"] == ("i", [1, 2, 3])
    assert records({"p": [{"x": 1}, {"x": 2}]})["p[1].x"] == ("i", [2])
    # what upstream's diff_io let through: an empty object matched anything
    assert records({})["$shape"] != records({"x": 1})["$shape"]
    assert records({"x": {}})["$shape"] != records({"x": []})["$shape"]
    assert records({"b": True})["$shape"] != records({"b": 1})["$shape"]


def test_output_folder_must_be_new_or_an_earlier_import(tmp_path: Path) -> None:
    (tmp_path / "mine.txt").write_text("not an import")
    with pytest.raises(UsageError):
        import_neucomback(FIXTURE, tmp_path, levels=(1,))
    with pytest.raises(UsageError):
        import_neucomback(tmp_path / "nothing-here", tmp_path / "out")


def test_level2_tasks_scale_repetitions_and_match_upstream(imported) -> None:  # type: ignore[no-untyped-def]
    out, _, _ = imported
    suite = load_suite(out)
    for task in suite.select(level=2):
        assert task.custom_harness is not None and task.custom_harness.name == "harness.c"
        assert task.sizes == [0, 1, 2] and task.time_size == 3 and task.meta["upstream_cases"] == [0]
        # the unscaled kernel in our harness prints upstream's checksum and dummy() count
        assert task.meta["upstream_ref_match"] is True
        assert 2 <= task.meta["repetitions"] <= task.meta["upstream_repetitions"]
        assert f"nl < {task.meta['repetitions']};" in task.ref_c.read_text()
    assert suite.get("l2_tsvc_vadd").meta["repetitions"] < 2000  # scaled down


def test_level2_llc_o3_code_is_correct(imported, evaluator) -> None:  # type: ignore[no-untyped-def]
    from neucomback.harness.build import reference_asm
    from neucomback.targets import get_target

    out, _, _ = imported
    t = get_target("x86_64")
    for tid in ("l2_tsvc_vadd", "l2_tsvc_vsum"):
        task = load_suite(out).get(tid)
        v = evaluator.verify(task, t, reference_asm(task, t).read_text(), timing=False)
        assert v.correct, v.feedback
        assert v.upstream_correct is True


def test_level2_kernel_that_skips_repetitions_is_caught(imported, evaluator, to_asm) -> None:  # type: ignore[no-untyped-def]
    """Does the work on the first repetition only: upstream's checksum cannot tell, ours can."""
    from neucomback.targets import get_target

    out, _, _ = imported
    task = load_suite(out).get("l2_tsvc_vadd")
    reps = task.meta["repetitions"]
    cheat = f"""
    extern float a[1000], b[1000], c[1000], d[1000], e[1000], aa[16][16], bb[16][16], cc[16][16];
    extern int dummy(float *, float *, float *, float *, float *, float (*)[16], float (*)[16], float (*)[16], float);
    void vadd_inner(int k) {{
        for (int nl = 0; nl < {reps}; nl++) {{
            if (nl == 0)
                for (int i = 0; i < 1000; i++) a[i] = b[i] * k + c[i];
            dummy(a, b, c, d, e, aa, bb, cc, 0.);
        }}
    }}"""
    v = evaluator.verify(task, get_target("x86_64"), to_asm(cheat), timing=False)
    assert v.upstream_correct is True
    assert not v.correct and v.failure_stage == "check"


def test_reimporting_one_level_keeps_the_other(imported, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    out, _, _ = imported
    copy = tmp_path / "suite"
    shutil.copytree(out, copy)
    summary = import_neucomback(FIXTURE, copy, levels=(2,), limit=1)
    assert [o.upstream_id for o in summary.outcomes] == ["vadd"]
    suite = load_suite(copy)
    assert len(suite.select(level=1)) == 3 and [t.id for t in suite.select(level=2)] == ["l2_tsvc_vadd"]
    manifest = json.loads((copy / "IMPORT.json").read_text())
    assert sorted(o["upstream_id"] for o in manifest["outcomes"]) == ["11", "22", "33", "44", "vadd"]


def test_a_task_with_too_few_clean_inputs_is_kept_and_marked_weak(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """Never dropped: a task whose derived inputs fall short keeps the ones that run cleanly,
    is tagged weak-tests with the reason, and the summary names it."""
    from neucomback.suite.importers import _level1

    monkeypatch.setattr(_level1, "MIN_DERIVED", 10_000)
    out = tmp_path / "suite"
    summary = import_neucomback(FIXTURE, out, levels=(1,), limit=1)
    (o,) = summary.imported
    assert o.weak_tests.startswith(f"only {o.cases - 1} derived inputs run cleanly (want 10000)")
    (task,) = load_suite(out).tasks.values()
    assert "weak-tests" in task.tags and task.meta["weak_tests"] == o.weak_tests and task.cases == o.cases
    assert "weak tests" in format_summary(summary) and o.upstream_id in format_summary(summary)


def test_an_input_that_fails_in_the_real_harness_is_dropped(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """The written task is judged in its real harness; an input failing there (here: a check
    that reports case 3 once) is dropped, the folder written again and checked again."""
    from neucomback.suite.importers import neucomback as nb

    calls: list[Path] = []
    real = nb.first_failure

    def flaky(task_dir: Path, evaluator):  # type: ignore[no-untyped-def]
        calls.append(task_dir)
        return (3, "a crash in the real harness") if len(calls) == 1 else real(task_dir, evaluator)

    monkeypatch.setattr(nb, "first_failure", flaky)
    summary = import_neucomback(FIXTURE, tmp_path / "suite", levels=(1,), limit=1)
    (o,) = summary.imported
    assert len(calls) == 2 and o.dropped.get("real harness") == 1  # a third call: the second failed
    assert load_suite(tmp_path / "suite").get(o.task_id).cases == o.cases


def test_inputs_past_the_output_budget_are_cut_as_a_tail(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """A kernel whose records are long (upstream 230 prints ~70 KB a case) would overflow a
    check run's output limit over 256 inputs; the importer keeps the inputs that fit in
    OUTPUT_BUDGET and says so (here the budget is cut to a few KB to make the fixture hit it)."""
    from neucomback.suite.importers import _fit

    monkeypatch.setattr(_fit, "OUTPUT_BUDGET", 3000)
    summary = import_neucomback(FIXTURE, tmp_path / "suite", levels=(1,), limit=1)
    (o,) = summary.imported
    task = load_suite(tmp_path / "suite").get(o.task_id)
    total = task.cases + int(task.meta["probe_inputs"])
    assert o.dropped.get("output budget", 0) > 0 and 2 <= total < 129
    assert "output budget" in format_summary(summary)


def test_reimporting_one_task_keeps_the_others(tmp_path: Path, imported) -> None:  # type: ignore[no-untyped-def]
    """--id replaces one task's folder and manifest entry in an earlier import; every other
    task folder stays byte for byte, and the manifest still lists all tasks."""
    out, summary, _ = imported
    copy = tmp_path / "suite"
    shutil.copytree(out, copy)
    redo = next(o for o in summary.imported if o.upstream_id == "22")
    stamp = {p: p.stat().st_mtime_ns for p in copy.rglob("task.toml")}
    again = import_neucomback(FIXTURE, copy, levels=(1,), ids=["22"])
    assert [o.upstream_id for o in again.outcomes] == ["22"] and again.outcomes[0].ok
    changed = {p.parent.name for p in copy.rglob("task.toml") if p.stat().st_mtime_ns != stamp.get(p)}
    assert changed == {redo.task_id}
    manifest = json.loads((copy / "IMPORT.json").read_text())
    assert len(manifest["outcomes"]) == 6 and load_suite(copy).get(redo.task_id).cases == redo.cases
    with pytest.raises(UsageError):
        import_neucomback(FIXTURE, tmp_path / "fresh", levels=(1,), ids=["22"])  # nothing to re-import into


def test_imported_level2_kernels_get_a_probe_of_other_perturbations(imported, evaluator) -> None:  # type: ignore[no-untyped-def]
    """An imported TSVC kernel's sizes are variants, so the strength probe adds perturbed runs
    under other seeds: the reference passes them, and they are other inputs (other outputs)."""
    from neucomback.harness.build import reference_asm
    from neucomback.harness.reference import expected_output
    from neucomback.suite.strength.analysis import PROBE_VARIANTS, probe_task
    from neucomback.targets import get_target

    out, _, _ = imported
    task = load_suite(out).get("l2_tsvc_vadd")
    probe = probe_task(task, 300)
    assert probe is not None and len(probe.added_runs) == PROBE_VARIANTS
    x86 = get_target("x86_64")
    assert evaluator.verify(probe, x86, reference_asm(task, x86).read_text(), timing=False).correct
    outs = expected_output(probe, x86).output.outs
    n_own = len(task.check_sizes)
    per_case: dict[int, list[str]] = {}
    for (case, _), v in sorted(outs.items()):
        if case >= n_own and probe.added_runs[case - n_own][2] == 1:
            per_case.setdefault(case, []).append(repr(v))
    runs = {repr(vs) for vs in per_case.values()}
    assert len(per_case) == PROBE_VARIANTS // 2 and len(runs) == len(per_case)


def test_an_imported_kernel_takes_added_runs_of_its_variants(imported, evaluator, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """`suite strength --augment` closes an imported kernel's gap with a perturbed run
    (`run = [seed, entry, variant]`); the loader accepts it there and the reference passes it."""
    from neucomback.harness.build import reference_asm
    from neucomback.targets import get_target

    out, _, _ = imported
    copy = tmp_path / "suite"
    shutil.copytree(out, copy)
    (copy / "level2" / "l2_tsvc_vadd" / "augment.toml").write_text("[[added]]\nrun = [12345, 3, 1]\n")
    task = load_suite(copy).get("l2_tsvc_vadd")
    assert task.added_runs == ((12345, 3, 1),)
    x86 = get_target("x86_64")
    v = evaluator.verify(task, x86, reference_asm(task, x86).read_text(), timing=False)
    assert v.correct and v.cases_total == len(task.check_sizes) + 1


def test_an_input_whose_reference_output_does_not_reproduce_is_dropped(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """Some upstream inputs read memory they do not own; in a fresh process that memory can
    hold other bytes (a new address-space layout, glibc's random tcache key in freed chunks),
    so the reference would disagree with itself. The final case list runs REPEAT_RUNS more
    times at -O0; a derived case whose output changes (here: one run prints another value for
    it) is dropped, the upstream case only flagged."""
    from dataclasses import replace as dc_replace

    from neucomback.harness.check import Output
    from neucomback.suite.importers import _level1

    real = _level1._probe_run
    seen: dict[tuple[str, tuple[int, ...]], int] = {}
    flipped: list[int] = []

    def flaky(exe: Path, cases: list[int], env):  # type: ignore[no-untyped-def]
        r = real(exe, cases, env)
        key = (exe.name, tuple(cases))
        seen[key] = seen.get(key, 0) + 1
        if "O0" in exe.name and len(cases) > 8 and seen[key] == 3 and not flipped:
            victim = cases[5]
            outs = {k: (("i", 987654321) if k[0] == victim else v) for k, v in r.outs.outs.items()}
            flipped.append(victim)
            return dc_replace(r, outs=Output(outs=outs, end=r.outs.end))
        return r

    monkeypatch.setattr(_level1, "_probe_run", flaky)
    summary = import_neucomback(FIXTURE, tmp_path / "suite", levels=(1,), limit=1)
    (o,) = summary.imported
    assert flipped and o.dropped.get("not reproducible") == 1, (flipped, o.dropped)
