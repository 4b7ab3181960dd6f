"""`neucomback suite ...`: browse suites, assign splits, import the public dataset."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Optional

import typer

from ..errors import UsageError
from .common import ProveSecondsOpt, TagOpt, TaskOpt, console, err_console, handle_errors, print_json

suite_app = typer.Typer(no_args_is_help=True, help="Browse and import benchmark suites.")


@suite_app.command("list")
@handle_errors
def list_tasks(
    suite: str = typer.Option("builtin", "--suite", "-s"),
    level: Optional[int] = typer.Option(None, "--level"),
    split: Optional[str] = typer.Option(None, "--split"),
    tag: Optional[str] = typer.Option(None, "--tag"),
    json_out: bool = typer.Option(False, "--json"),
) -> None:
    """List tasks with level, split and tags."""
    from rich.table import Table

    from ..suite import load_suite

    tasks = load_suite(suite).select(level=level, split=split)
    if tag:
        tasks = [t for t in tasks if tag in t.tags]
    if json_out:
        print_json([{"id": t.id, "level": t.level, "split": t.split, "tags": t.tags, "function": t.function,
                     "source": t.source} for t in tasks])
        return
    table = Table(title=f"{len(tasks)} tasks")
    for col in ("id", "level", "split", "tags"):
        table.add_column(col)
    for t in tasks:
        table.add_row(t.id, str(t.level), t.split or "-", ", ".join(t.tags))
    console.print(table)


def _spans(sizes: list[int]) -> str:
    """'1..32, 1003' for [1, 2, ..., 32, 1003]."""
    out: list[str] = []
    for n in sizes:
        if out and out[-1].split("..")[-1] == str(n - 1):
            out[-1] = f"{out[-1].split('..')[0]}..{n}"
        else:
            out.append(str(n))
    return ", ".join(out)


def _strength_line(e: dict | None, state: str, target: str) -> str:  # type: ignore[type-arg]
    """What the suite's strength record says of one task, in words."""
    if e is None:
        how = f"`neucomback suite strength --task ID --target {target}`"
        return (f"changed since it was measured; measure again with {how}" if state == "stale"
                else f"not measured; {how} measures it")
    if e.get("error"):
        return f"not measured: {e['error']}"
    k, g, cfg = e["killed"], e["gaps"], e.get("settings", {})
    rate = f"{100 * k / (k + g):.0f}%" if k + g else "-"
    gaps = "no probe, so gaps are unknown" if not e.get("probe", True) else f"{g} gap(s)"
    up = (f"; the upstream I/O pair alone rejects {e['upstream_killed']}/{e['upstream_killable']}"
          if e.get("upstream_killable") else "")
    return (f"rejects {k} of {e['valid']} valid mutants, {rate} of the demonstrably wrong ones ({gaps}, "
            f"{e['equivalent']} probably equivalent){up}; seed {cfg.get('seed')}, {cfg.get('mutants')} mutants, "
            f"probe {cfg.get('probe')}, measured {e.get('measured_at', '?')}")


@suite_app.command("show")
@handle_errors
def show(
    task_id: str = typer.Argument(...),
    suite: str = typer.Option("builtin", "--suite", "-s"),
    target: list[str] = typer.Option(["x86_64"], "--target", "-T", help="Show IR for these targets."),
    json_out: bool = typer.Option(False, "--json"),
) -> None:
    """Show a task: C source, signature, tests, tags, and the IR given to the model per target."""
    from rich.syntax import Syntax

    from ..harness.build import ir_for
    from ..suite import load_suite
    from ..suite.harnessgen import prototype
    from ..suite.strength.record import task_entry
    from ..targets import get_target

    task = load_suite(suite).get(task_id)
    tests = (f"{task.cases} differential cases" if task.level == 1 else
             f"sizes {_spans(task.check_sizes)} x 3 repetitions (anti-skip), timing at n={task.time_size}")
    if task.added_count:
        tests += f" (+{task.added_count} added by `suite strength --augment`, augment.toml)"
    irs = {name: ir_for(task, get_target(name)).read_text() for name in target}
    sig = prototype(task) if task.params or task.returns != "void" else task.function
    strength = {name: task_entry(task, name) for name in target}
    if json_out:
        print_json({"id": task.id, "level": task.level, "split": task.split, "tags": task.tags,
                    "signature": sig, "tests": tests, "added_inputs": task.added_count,
                    "strength": {n: {"state": st, **(e or {})} for n, (e, st) in strength.items()},
                    "c_source": task.ref_c.read_text() if task.ref_ll is None else None, "ir": irs, "description": task.description})
        return
    console.print(f"[bold]{task.id}[/]  level {task.level}  split {task.split}  tags: {', '.join(task.tags)}")
    if task.description:
        console.print(task.description, highlight=False)
    console.print(f"signature: {sig}", highlight=False)
    console.print(f"tests: {tests}", highlight=False)
    for name, (e, st) in strength.items():
        console.print(f"test strength on {name}: {_strength_line(e, st, name)}", highlight=False)
    console.print(Syntax(task.ref_source.read_text(), "c" if task.ref_ll is None else "llvm", line_numbers=False))
    for name, ir in irs.items():
        console.print(f"[bold]IR for {name}[/] ({len(ir.splitlines())} lines)")
        console.print(Syntax(ir, "llvm", line_numbers=False))


@suite_app.command("assign-splits")
@handle_errors
def assign(suite: str = typer.Option(..., "--suite", "-s", help="The suite to rewrite (no default: this edits "
                                                                  "every task.toml in it)."),
           seed: int = typer.Option(20251101, "--seed"),
           dry_run: bool = typer.Option(False, "--dry-run", help="Print what would change; write nothing.")) -> None:
    """(Re)assign the fixed 60/20/20 train/valid/test splits per level and record them in task.toml."""
    from ..suite import load_suite
    from ..suite.loader import assign_splits, write_split

    s = load_suite(suite)
    for level in (1, 2):
        tasks = s.select(level=level)
        changed = 0
        for tid, split in assign_splits([t.id for t in tasks], seed).items():
            if s.get(tid).split != split:
                changed += 1
                if dry_run:
                    console.print(f"{tid}: {s.get(tid).split} -> {split}", highlight=False)
            if not dry_run:
                write_split(s.get(tid), split)
        console.print(f"level {level}: {len(tasks)} tasks, {changed} split(s) "
                      f"{'would change' if dry_run else 'changed'}", highlight=False)


@suite_app.command("import-neucomback")
@handle_errors
def import_neucomback_cmd(
    src: str = typer.Argument(..., help="A local checkout of the public NeuComBack repository."),
    out: str = typer.Option(..., "--out", "-o", help="Folder for the converted suite (use it with --suite)."),
    level: list[int] = typer.Option([1, 2], "--level", help="Levels to import (repeatable)."),
    limit: Optional[int] = typer.Option(None, "--limit", min=1, help="Only the first N tasks of each level."),
    jobs: Optional[int] = typer.Option(None, "--jobs", "-j", min=1, help="Tasks converted in parallel."),
    ids: Optional[list[str]] = typer.Option(None, "--id", help="Re-import only this upstream task (repeatable) "
                                            "into an earlier import at --out; the other tasks stay."),
    strength: bool = typer.Option(True, "--strength/--no-strength", help="Measure the imported tests' strength "
                                  "at the end (`suite strength` with its defaults) and print it."),
    target_name: str = typer.Option("x86_64", "--target", "-T", help="Target of the strength measurement."),
    json_out: bool = typer.Option(False, "--json"),
) -> None:
    """Convert the paper's public dataset into our task format (upstream files are never modified);
    then measure how strong the imported tests are, with mutants of llc -O3's assembly."""
    from ..suite import load_suite
    from ..suite.importers import count_tasks, format_summary, import_neucomback
    from ..suite.strength.analysis import StrengthSettings
    from .progress import progress_bar

    total = count_tasks(Path(src), levels=level, limit=limit, ids=ids)
    with progress_bar("importing NeuComBack", total, quiet=json_out) as advance:
        summary = import_neucomback(Path(src), Path(out), levels=level, limit=limit, progress=advance, jobs=jobs,
                                    ids=ids)
    measured = None
    if strength and summary.imported:
        loaded = load_suite(out)
        mine = {o.task_id for o in summary.imported}
        measured = _measure(loaded.root, [t for t in loaded.tasks.values() if t.id in mine], target_name,
                            StrengthSettings(),
                            Path(out) / ".strength", jobs or 2, False, json_out)
    if json_out:
        print_json({**summary.to_json(), **({"strength": measured[0]} if measured else {})})
        return
    console.print(format_summary(summary), highlight=False, markup=False)
    if measured:
        from .tables import strength_table

        console.print(strength_table(*measured))


@suite_app.command("strength")
@handle_errors
def strength_cmd(
    suite: str = typer.Option("builtin", "--suite", "-s"),
    target_name: str = typer.Option("x86_64", "--target", "-T"),
    split: Optional[str] = typer.Option(None, "--split", help="train, valid, test or all (default: all)."),
    level: Optional[int] = typer.Option(None, "--level", help="1 or 2."),
    limit: Optional[int] = typer.Option(None, "--limit", min=1, help="At most N tasks, spread over the levels."),
    task: Optional[list[str]] = TaskOpt,
    tag: Optional[list[str]] = TagOpt,
    mutants: int = typer.Option(8, "--mutants", "-k", min=1, help="Mutants per task."),
    probe: int = typer.Option(300, "--probe", min=1, help="Level 1 inputs of the probe that separates test gaps "
                              "from likely-equivalent survivors (Level 2: every size up to 128)."),
    seed: int = typer.Option(1, "--seed", help="Seeds the choice of mutants."),
    out: Optional[Path] = typer.Option(None, "--out", "-o", help="Per-task results (resumable). Default: "
                                       "$NEUCOMBACK_LOG_DIR (or runs)/strength-<suite>-<target>."),
    jobs: int = typer.Option(2, "--jobs", "-j", min=1, help="Tasks measured in parallel."),
    json_out: bool = typer.Option(False, "--json", help="Machine-readable output (see docs/test-strength.md)."),
    unsafe: bool = typer.Option(False, "--unsafe-no-sandbox", help="Run mutants without bubblewrap (dangerous)."),
    augment: bool = typer.Option(False, "--augment", help="Add the probe inputs that rejected gap mutants to "
                                 "the tasks (augment.toml in each task's folder)."),
    augment_cap: int = typer.Option(16, "--augment-cap", min=1, help="Added inputs a task may hold."),
    augment_target: float = typer.Option(1.0, "--augment-target", min=0.0, max=1.0,
                                         help="Stop adding once a task's killable kill rate reaches this."),
    prove: bool = typer.Option(False, "--prove", help="Also compare every survivor symbolically with the "
                               "reference (x86_64 Level 1, pip install -e '.[prove]'): proved-equivalent mutants "
                               "are known, confirmed counterexamples are gaps (and --augment adds them)."),
    prove_seconds: float = ProveSecondsOpt,
) -> None:
    """Mutation analysis of the tests: mutants of the reference assembly through the real
    verifier; survivors probed with many more inputs to find demonstrated test gaps; with
    --augment, the inputs that showed them wrong are added to the tasks."""
    from ..suite import load_suite
    from ..suite.strength.analysis import StrengthSettings
    from ..targets import get_target
    from .common import log_dir
    from .tables import augment_table, strength_table

    loaded = load_suite(suite)
    tasks = loaded.select(level=level, split=split, limit=limit, ids=task, tags=tag)
    if not tasks:
        raise UsageError(f"no tasks in suite {suite!r} for split={split} level={level} tags={tag}")
    out_dir = out or log_dir() / f"strength-{Path(suite).name}-{get_target(target_name).name}"
    settings = StrengthSettings(mutants=mutants, probe=probe, seed=seed, prove=prove, prove_seconds=prove_seconds)
    _evaluator(False, settings)  # a --prove that cannot run is an error before any work
    summary, results = _measure(loaded.root, tasks, target_name, settings, out_dir, jobs, unsafe, json_out,
                                record=not augment)
    grown = _augment(tasks, results, get_target(target_name), settings, augment_cap, augment_target, unsafe,
                     json_out) if augment else None
    if grown is not None:
        if grown["added"]:  # the record must describe the tasks as they now are
            tasks, results = _remeasure(suite, tasks, results, grown, get_target(target_name), settings, out_dir,
                                        jobs, unsafe, json_out)
        summary["record"] = _write_record(loaded.root, target_name, tasks, results, settings, json_out)
    if json_out:
        print_json({**summary, "per_task": [r.to_json() for r in results],
                    **({"augment": grown} if grown is not None else {})})
        return
    console.print(strength_table(summary, results))
    if grown is not None:
        console.print(augment_table(grown))


def _evaluator(unsafe: bool, settings: Any) -> Any:
    """The evaluator of a strength run: with the proof tier when settings.prove."""
    from ..harness.evaluate import Evaluator
    from ..api.session import prove_limits

    return Evaluator(unsafe=unsafe, prove=prove_limits(settings.prove_seconds if settings.prove else None))


def _measure(root: Path, tasks: list, target_name: str, settings: object, out_dir: Path, jobs: int,  # type: ignore[type-arg]
             unsafe: bool, quiet: bool, record: bool = True) -> tuple[dict, list]:  # type: ignore[type-arg]
    """Mutation analysis of `tasks` with a progress bar; (summary, per-task results). With
    `record`, the results go into the suite's strength record (summary["record"])."""
    from ..suite.strength.analysis import run_strength, summarize_strength
    from ..targets import get_target
    from .progress import progress_bar

    target = get_target(target_name)
    with progress_bar(f"mutation analysis on {target.name}", len(tasks), quiet=quiet) as advance:
        results = run_strength(tasks, target, _evaluator(unsafe, settings), settings, out_dir, jobs=jobs,  # type: ignore[arg-type]
                               on_result=lambda r: advance(r.task))
    summary = {"suite": str(root), "target": target.name, "settings": settings.to_json(), "out": str(out_dir),  # type: ignore[attr-defined]
               **summarize_strength(results)}
    if record:
        summary["record"] = _write_record(root, target.name, tasks, results, settings, quiet)
    return summary, results


def _augment(tasks: list, results: list, target: object, settings: object, cap: int, rate: float,  # type: ignore[type-arg]
             unsafe: bool, quiet: bool) -> dict:  # type: ignore[type-arg]
    """Run --augment; a suite folder that cannot be written is a usage error, not a traceback."""
    from ..suite.strength.augment import run_augment, summarize_augment

    if not quiet:
        err_console.print(f"adding inputs for {sum(r.count(probe='gap') > 0 for r in results)} task(s) with gaps ...")
    try:
        done = run_augment(tasks, results, target, _evaluator(unsafe, settings), settings,  # type: ignore[arg-type]
                           cap=cap, target_rate=rate)
    except OSError as e:
        raise UsageError(f"cannot write the added inputs into the suite: {e}") from None
    return summarize_augment(done)


def _remeasure(suite: str, tasks: list, results: list, grown: dict, target: object, settings: object,  # type: ignore[type-arg]
               out_dir: Path, jobs: int, unsafe: bool, quiet: bool) -> tuple[list, list]:  # type: ignore[type-arg]
    """Measure again the tasks that got added inputs (their fingerprint changed), so that the
    suite's strength record holds what their tests now do. Same seed: an in-sample figure."""
    from ..suite import load_suite
    from ..suite.strength.analysis import run_strength

    grew = {a["task"] for a in grown["per_task"] if a.get("added")}
    fresh = load_suite(suite)
    tasks = [fresh.get(t.id) for t in tasks]
    if not quiet:
        err_console.print(f"measuring the {len(grew)} task(s) with added inputs again ...")
    again = {r.task: r for r in run_strength([t for t in tasks if t.id in grew], target, _evaluator(unsafe, settings),  # type: ignore[arg-type]
                                              settings, out_dir, jobs=jobs)}  # type: ignore[arg-type]
    return tasks, [again.get(r.task, r) for r in results]


def _write_record(root: Path, target: str, tasks: list, results: list, settings: object,  # type: ignore[type-arg]
                  quiet: bool) -> str | None:
    """Merge the results into the suite's STRENGTH.<target>.json; a suite folder that cannot
    be written only loses the record (the per-task results are in --out)."""
    from ..suite.strength.record import write_record

    try:
        return str(write_record(root, target, zip(tasks, results), settings))  # type: ignore[arg-type]
    except OSError as e:
        if not quiet:
            err_console.print(f"[yellow]note:[/] strength record not written into the suite ({e})", highlight=False)
        return None
