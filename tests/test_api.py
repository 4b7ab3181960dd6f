"""The Python API (neucomback.api): what the CLI calls, usable without it; the run record's
boundary (only record/ opens run.sqlite)."""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from pathlib import Path

import pytest

import neucomback
from neucomback.api import (BaselineSettings, BenchSettings, ModelSettings, Selection, baseline, bench, verify)
from neucomback.errors import UsageError

SRC = Path(neucomback.__file__).parent
EXE = str(Path(sys.executable).with_name("neucomback"))
TASKS = ("l1_gcd_u32", "l1_sum_i32")


def _cli(*args: str) -> dict:  # type: ignore[type-arg]
    r = subprocess.run([EXE, *args, "--json"], capture_output=True, text=True, timeout=600)
    assert r.returncode == 0, r.stderr
    return json.loads(r.stdout)


def test_package_exposes_the_api_lazily() -> None:
    assert neucomback.bench is bench and neucomback.BenchSettings is BenchSettings
    with pytest.raises(AttributeError):
        neucomback.no_such_thing  # noqa: B018
    # importing the package alone does not load the API (sandbox helpers import it)
    code = "import sys, neucomback; print('neucomback.api' in sys.modules)"
    assert subprocess.run([sys.executable, "-c", code], capture_output=True, text=True).stdout.strip() == "False"


def test_bench_through_the_api_matches_the_cli(tmp_path: Path) -> None:
    notices: list[str] = []
    ticks: list[str] = []

    from contextlib import contextmanager

    @contextmanager
    def progress(stage: str, total: int):  # type: ignore[no-untyped-def]
        assert total == len(TASKS)
        yield ticks.append

    settings = BenchSettings(ModelSettings("llc:O3"), Selection(tasks=TASKS), run_dir=tmp_path / "api")
    out = bench(settings, say=notices.append, progress=progress)
    assert out.exit_code == 0 and not out.stopped and out.summary["complete"]
    assert sorted(ticks) == sorted(TASKS)
    assert (out.run_dir / "summary.json").is_file() and out.summary["split"] == "all"
    cli = _cli("bench", "--model", "llc:O3", *[x for t in TASKS for x in ("--task", t)],
               "--run-dir", str(tmp_path / "cli"))
    skip = {"run_dir"}
    assert {k: v for k, v in cli.items() if k not in skip} == {k: v for k, v in out.summary.items() if k not in skip}
    again = bench(settings, say=notices.append)  # the same settings resume: nothing is redone
    assert any(n.startswith("resuming") for n in notices) and again.summary["acc"] == out.summary["acc"]


def test_a_bad_selection_is_a_usage_error_before_any_run_dir(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="no tasks"):
        bench(BenchSettings(ModelSettings("llc:O3"), Selection(tasks=("l1_gcd_u32",), tags=("no-such-tag",)),
                            run_dir=tmp_path / "r"))
    assert not (tmp_path / "r").exists()


def test_baseline_and_verify_through_the_api_match_the_cli() -> None:
    out = baseline(BaselineSettings(Selection(tasks=TASKS), compilers=("llc-O0", "llc-O3")))
    assert [(r.task.id, r.compiler) for r in out.results] == [(t, c) for c in ("llc-O0", "llc-O3") for t in TASKS]
    assert all(r.verdict.correct for r in out.results) and not out.infrastructure_failure
    cli = _cli("baseline", *[x for t in TASKS for x in ("--task", t)], "-c", "llc-O0", "-c", "llc-O3")
    key = lambda rs: [(r["task"], r["compiler"], r["correct"], r["stage"]) for r in rs]  # noqa: E731
    assert key(cli["results"]) == key(out.to_json()["results"])
    assert cli["summary"] == out.summary
    from neucomback.harness.build import reference_asm
    from neucomback.suite import load_suite
    from neucomback.targets import get_target

    asm = reference_asm(load_suite().get("l1_gcd_u32"), get_target("x86_64")).read_text()
    assert verify(asm, "l1_gcd_u32").correct
    broken = verify(asm.replace("gcd_u32", "gcd_u33"), "l1_gcd_u32")  # a bad candidate is a verdict, not a raise
    assert not broken.correct and not broken.infrastructure_failure


def _imports(tree: ast.AST) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


def test_only_the_record_package_opens_run_databases() -> None:
    """No module outside record/ imports sqlite3 (the response cache, its own database, aside)
    or names the run database's file: the schema and the file name live in record/store.py."""
    offenders = []
    for path in sorted(SRC.rglob("*.py")):
        rel = path.relative_to(SRC).as_posix()
        if rel.startswith("record/"):
            continue
        tree = ast.parse(path.read_text())
        if "sqlite3" in _imports(tree) and rel != "models/cache.py":
            offenders.append(f"{rel} imports sqlite3")
        for node in ast.walk(tree):
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and \
                    node.value.rstrip("/").endswith("run.sqlite") and len(node.value) < 40:
                offenders.append(f"{rel} names {node.value!r}")
    assert offenders == []


def test_the_cli_holds_no_run_wiring() -> None:
    """CLI modules parse and print: none of them builds a store, a verifier pool or a provider."""
    wiring = ("RunStore", "VerifierPool", "open_executor", "make_provider", "run_tasks", "Evolver", "record_provenance",
              "open_session", "run_session", "compose_output")
    found = [f"{p.name}: {w}" for p in sorted((SRC / "cli").glob("*.py")) for w in wiring if w in p.read_text()]
    assert found == []


def test_a_bad_executor_is_a_one_line_usage_error(tmp_path: Path) -> None:
    from neucomback.executors import ExecutorSettings

    with pytest.raises(UsageError, match="--executor is one of local, ray"):
        baseline(BaselineSettings(Selection(tasks=TASKS), executor=ExecutorSettings("slurm")))
    # nobody listens on port 9 of this machine: refused at once, not after Ray's minutes of retrying
    r = subprocess.run([EXE, "baseline", "--task", TASKS[0], "--executor", "ray", "--address", "127.0.0.1:9"],
                       capture_output=True, text=True, timeout=60)
    assert r.returncode == 2 and "no Ray cluster answers there" in r.stderr and "Traceback" not in r.stderr
