"""The command line: exit codes, one-line errors, JSON output."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from neucomback.harness.build import reference_asm
from neucomback.targets import get_target

EXE = str(Path(sys.executable).parent / "neucomback")


def ncb(*args: str, timeout: float = 300) -> subprocess.CompletedProcess:  # type: ignore[type-arg]
    return subprocess.run([EXE, *args], capture_output=True, text=True, timeout=timeout)


@pytest.fixture(scope="module")
def good_asm(tmp_path_factory, suite) -> Path:  # type: ignore[no-untyped-def]
    p = tmp_path_factory.mktemp("asm") / "gcd.s"
    p.write_text(reference_asm(suite.get("l1_gcd_u32"), get_target("x86_64")).read_text())
    return p


def test_verify_correct_exits_0_with_json(good_asm) -> None:  # type: ignore[no-untyped-def]
    r = ncb("verify", "--task", "l1_gcd_u32", "--target", "x86_64", str(good_asm), "--json")
    assert r.returncode == 0, r.stderr
    v = json.loads(r.stdout)
    assert v["correct"] is True and v["stage"] == "correct" and "feedback" in v


def test_verify_wrong_exits_1(tmp_path, to_asm) -> None:  # type: ignore[no-untyped-def]
    bad = tmp_path / "bad.s"
    bad.write_text(to_asm("unsigned gcd_u32(unsigned a, unsigned b){return 7;}"))
    r = ncb("verify", "--task", "l1_gcd_u32", str(bad), "--json")
    assert r.returncode == 1
    v = json.loads(r.stdout)
    assert v["correct"] is False and v["stage"] == "ran" and v["failure_kind"] == "candidate"


@pytest.mark.parametrize("args,needle", [
    (["--task", "no_such_task"], "unknown task"),
    (["--task", "l1_gcd_u32", "--target", "mips"], "unknown target"),
    (["--task", "l1_gcd_u32", "--suite", "/nonexistent"], "is not a directory"),
])
def test_verify_usage_errors_exit_2_with_one_line(good_asm, args, needle) -> None:  # type: ignore[no-untyped-def]
    r = ncb("verify", *args, str(good_asm))
    assert r.returncode == 2 and needle in r.stderr
    assert "Traceback" not in r.stderr and len(r.stderr.strip().splitlines()) <= 2


def test_verify_missing_file_exits_2() -> None:
    r = ncb("verify", "--task", "l1_gcd_u32", "/nonexistent.s")
    assert r.returncode == 2 and "no such file" in r.stderr


def test_verify_huge_file_is_a_wrong_candidate(tmp_path) -> None:  # type: ignore[no-untyped-def]
    big = tmp_path / "big.s"
    with big.open("wb") as f:
        f.write(b"nop\n" * (13 << 20))  # 52 MB
    r = ncb("verify", "--task", "l1_gcd_u32", str(big), "--json")
    assert r.returncode == 1 and "limit" in json.loads(r.stdout)["feedback"]


def test_bench_without_model_explains_and_exits_2() -> None:
    r = ncb("bench")
    assert r.returncode == 2 and "provider:model" in r.stderr and "--base-url" in r.stderr


def test_bench_with_unknown_provider_exits_2() -> None:
    r = ncb("bench", "--model", "nosuch:thing", "--split", "all", "--run-dir", "/tmp/ncb-should-not-exist")
    assert r.returncode == 2 and "provider:model" in r.stderr
    assert not Path("/tmp/ncb-should-not-exist").exists()


def test_bench_llc_end_to_end_on_all_targets(tmp_path) -> None:  # type: ignore[no-untyped-def]
    for target in ("x86_64", "aarch64", "riscv64"):
        r = ncb("bench", "--model", "llc:O3", "--split", "all", "--level", "1", "--limit", "3", "--target", target,
                "--run-dir", str(tmp_path / target), "--json")
        assert r.returncode == 0, r.stderr
        s = json.loads(r.stdout)
        assert s["tasks"] == 3 and s["acc"] == 1.0 and s["acc_first"] == 1.0


def test_bench_faulty_provider_is_labelled_and_needs_debug_rounds(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """llc with injected mistakes: some first replies fail, self-debug rounds fix them, and
    every output says the replies are synthetic."""
    args = ["bench", "--model", "faulty:llc-O3?rate=0.5&seed=1", "--split", "all", "--level", "1", "--limit", "12",
            "-D", "3", "--json"]
    r = ncb(*args, "--run-dir", str(tmp_path / "run"))
    assert r.returncode == 0, r.stderr
    s = json.loads(r.stdout)
    assert s["scripted"] and s["model"] == "faulty:llc-O3?rate=0.5&seed=1"
    assert s["acc_first"] < 1.0 and s["acc"] > s["acc_first"]
    again = json.loads(ncb(*args, "--run-dir", str(tmp_path / "again"), "--no-cache").stdout)
    assert (again["acc"], again["acc_first"]) == (s["acc"], s["acc_first"])  # reproducible from the seed
    table = ncb("bench", "--model", "faulty:llc-O3?rate=0.5&seed=1", "--task", "l1_gcd_u32", "--run-dir",
                str(tmp_path / "t"))
    assert table.returncode == 0 and "SCRIPTED" in table.stdout


def test_bench_scripted_provider_is_labelled(tmp_path, suite) -> None:  # type: ignore[no-untyped-def]
    script = tmp_path / "replies.json"
    asm = reference_asm(suite.get("l1_gcd_u32"), get_target("x86_64")).read_text()
    script.write_text(json.dumps([{"match": "gcd_u32", "reply": f"```asm\n{asm}```"}]))
    r = ncb("bench", "--model", f"scripted:{script}", "--split", "all", "--limit", "1", "--level", "1",
            "--run-dir", str(tmp_path / "run"))
    assert r.returncode == 0, r.stderr
    assert "SCRIPTED" in r.stdout


def test_rerun_with_other_settings_is_refused(tmp_path) -> None:  # type: ignore[no-untyped-def]
    base = ["bench", "--model", "llc:O3", "--split", "all", "--level", "1", "--limit", "1", "--run-dir",
            str(tmp_path / "run"), "--json"]
    assert ncb(*base).returncode == 0
    r = ncb(*base, "--debug-rounds", "5")
    assert r.returncode == 2 and "different settings" in r.stderr


def test_baseline_json(tmp_path) -> None:  # type: ignore[no-untyped-def]
    r = ncb("baseline", "--target", "riscv64", "--limit", "2", "--level", "1", "--json", "-c", "llc-O0")
    assert r.returncode == 0, r.stderr
    d = json.loads(r.stdout)
    assert d["summary"]["llc-O0"]["correct"] == 2


def test_doctor_and_suite_commands() -> None:
    d = json.loads(ncb("doctor", "--json").stdout)
    assert d["missing"] == [] and any(t["tool"] == "bwrap" for t in d["tools"])
    tasks = json.loads(ncb("suite", "list", "--json").stdout)
    assert len(tasks) >= 3 and {"id", "level", "split", "tags"} <= set(tasks[0])
    shown = json.loads(ncb("suite", "show", "l1_gcd_u32", "--target", "aarch64", "--json").stdout)
    assert "aarch64" in shown["ir"]["aarch64"] and "gcd_u32" in shown["c_source"]


@pytest.mark.parametrize("args", [("bench", "--model", "llc:O3", "--limit", "0"),
                                  ("bench", "--model", "llc:O3", "--limit", "-3"),
                                  ("bench", "--model", "llc:O3", "--jobs", "0"),
                                  ("bench", "--model", "llc:O3", "--debug-rounds", "-1"),
                                  ("baseline", "--limit", "0"), ("calibrate", "--limit", "0")])
def test_numbers_out_of_range_are_usage_errors(args, tmp_path) -> None:  # type: ignore[no-untyped-def]
    r = ncb(*args, "--json") if args[0] != "bench" else ncb(*args, "--run-dir", str(tmp_path / "r"))
    assert r.returncode == 2 and "Invalid value" in r.stderr
    assert not (tmp_path / "r").exists()  # nothing was created or run


def test_error_messages_keep_brackets_and_colons_as_text() -> None:
    code = ("import typer\nfrom neucomback.cli.common import fail\n"
            "try:\n    fail(\"install it: pip install -e '.[anthropic]' :x: [bold]not bold[/]\")\n"
            "except typer.Exit as e:\n    raise SystemExit(e.exit_code)")
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert r.returncode == 2
    assert "'.[anthropic]' :x: [bold]not bold[/]" in r.stderr


def test_calibrate_refuses_an_emulated_target() -> None:
    r = ncb("calibrate", "--target", "aarch64")
    assert r.returncode == 2 and "emulation" in r.stderr


def test_version() -> None:
    r = ncb("--version")
    assert r.returncode == 0 and r.stdout.startswith("neucomback ")


def test_the_ir_shown_to_the_model_carries_no_path_of_this_machine(suite) -> None:  # type: ignore[no-untyped-def]
    from neucomback.harness.build import ir_for

    task = suite.get("l1_struct_rect_overlap_byval")  # includes a header of its own
    for target in ("x86_64", "riscv64"):
        ir = ir_for(task, get_target(target)).read_text()
        assert "; ModuleID = 'ref.c'" in ir and str(task.path) not in ir and str(Path.home()) not in ir


def test_selection_limit_spreads_over_levels_and_shuffle_is_seeded(suite) -> None:  # type: ignore[no-untyped-def]
    picked = suite.select(split="test", limit=10)
    levels = [t.level for t in picked]
    assert len(picked) == 10 and 1 in levels and 2 in levels
    a = [t.id for t in suite.select(tags=["loops"], shuffle=True, seed=1, limit=5)]
    b = [t.id for t in suite.select(tags=["loops"], shuffle=True, seed=1, limit=5)]
    c = [t.id for t in suite.select(tags=["loops"], shuffle=True, seed=2, limit=5)]
    assert a == b and a != c and all("loops" in suite.get(i).tags for i in a)


def test_bench_and_baseline_take_task_and_tag_selections(tmp_path) -> None:  # type: ignore[no-untyped-def]
    r = ncb("bench", "--model", "llc:O3", "--task", "l1_gcd_u32", "--task", "l1_sum_i32", "--run-dir",
            str(tmp_path / "r"), "--json")
    assert r.returncode == 0, r.stderr
    assert json.loads(r.stdout)["tasks"] == 2
    b = ncb("baseline", "--tag", "structs", "--level", "1", "--limit", "2", "--no-timing", "--json")
    assert b.returncode == 0 and len(json.loads(b.stdout)["results"]) == 2
    bad = ncb("baseline", "--task", "l1_no_such_task", "--json")
    assert bad.returncode == 2 and "unknown task" in bad.stderr


def test_assign_splits_needs_a_suite_and_dry_run_writes_nothing(tmp_path, suite) -> None:  # type: ignore[no-untyped-def]
    import shutil

    assert ncb("suite", "assign-splits").returncode == 2  # no default suite: it rewrites task.toml files
    root = tmp_path / "s"
    for tid in ("l1_gcd_u32", "l1_sum_i32", "l1_isqrt_u64"):
        shutil.copytree(suite.get(tid).path, root / tid)
    toml = root / "l1_gcd_u32" / "task.toml"
    now = suite.get("l1_gcd_u32").split
    toml.write_text(toml.read_text().replace(f'split = "{now}"', f'split = "{"test" if now != "test" else "valid"}"'))
    before = {p: p.read_text() for p in root.rglob("task.toml")}
    r = ncb("suite", "assign-splits", "--suite", str(root), "--dry-run")
    assert r.returncode == 0 and "would change" in r.stdout and "l1_gcd_u32" in r.stdout
    assert {p: p.read_text() for p in root.rglob("task.toml")} == before


def test_compare_warns_when_the_runs_cover_different_tasks(tmp_path) -> None:  # type: ignore[no-untyped-def]
    a, b = tmp_path / "a", tmp_path / "b"
    assert ncb("bench", "--model", "llc:O3", "--task", "l1_gcd_u32", "--run-dir", str(a), "--json").returncode == 0
    assert ncb("bench", "--model", "llc:O0", "--task", "l1_gcd_u32", "--task", "l1_sum_i32", "--run-dir", str(b),
               "--json").returncode == 0
    r = ncb("compare", str(a), str(b))
    assert r.returncode == 0 and "cover different tasks" in r.stderr
    same = ncb("compare", str(a), str(a))
    assert "different tasks" not in same.stderr


def test_model_base_url_and_log_dir_come_from_the_environment(tmp_path) -> None:  # type: ignore[no-untyped-def]
    import os

    env = {**os.environ, "NEUCOMBACK_MODEL": "llc:O3", "NEUCOMBACK_LOG_DIR": str(tmp_path / "logs")}
    r = subprocess.run([EXE, "bench", "--task", "l1_gcd_u32", "--json", "--max-connections", "2", "--max-retries", "0"],
                       capture_output=True, text=True, timeout=300, env=env)
    assert r.returncode == 0, r.stderr
    summary = json.loads(r.stdout)
    assert summary["model"] == "llc:O3" and Path(summary["run_dir"]).parent == tmp_path / "logs"
    flag = subprocess.run([EXE, "bench", "--model", "llc:O0", "--task", "l1_gcd_u32", "--json"],
                          capture_output=True, text=True, timeout=300, env=env)
    assert flag.returncode == 0 and json.loads(flag.stdout)["model"] == "llc:O0"  # the flag wins
