"""`neucomback report`, `compare` and `runs`: reading run directories back as reports."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any, Optional

import typer
from rich.markup import escape
from rich.table import Table
from typer.core import TyperGroup

from ..errors import UsageError
from .common import console, err_console, fail, handle_errors, print_json

JsonOpt = typer.Option(False, "--json", help="Machine-readable output (see docs/json-schemas.md).")


# -- report -----------------------------------------------------------------------------------

@handle_errors
def report(
    run_dir: Path = typer.Argument(..., help="A run directory (made by `neucomback bench`)."),
    output: Optional[Path] = typer.Option(None, "--output", "-o", help="HTML file. Default: RUN_DIR/report.html."),
    markdown: Optional[Path] = typer.Option(None, "--markdown", help="Also write a Markdown report here."),
    json_out: bool = JsonOpt,
) -> None:
    """Write a self-contained HTML report of a run: metrics, plots, per-task transcripts and diffs."""
    from ..report.build import write_report
    from ..report.load import load_run
    from .progress import progress_bar

    run = load_run(run_dir)
    html_path = output or run_dir / "report.html"
    with progress_bar("report: clang -O3 asm for diffs", len(run.tasks), quiet=json_out) as advance:
        out = write_report(run, html_path, markdown, advance)
    if json_out:
        print_json(out.doc)
        return
    from .tables import bench_table

    console.print(bench_table(run.summary))
    if out.reference_note:
        console.print(f"[yellow]note:[/] {out.reference_note}", highlight=False)
    console.print(f"wrote {html_path}" + (f" and {markdown}" if markdown else ""), highlight=False)


# -- compare ----------------------------------------------------------------------------------

@handle_errors
def compare(
    run_dirs: list[Path] = typer.Argument(..., help="Two or more run directories; the first is the baseline."),
    html: Optional[Path] = typer.Option(None, "--html", help="Write a self-contained HTML comparison here."),
    markdown: Optional[Path] = typer.Option(None, "--markdown", help="Write a Markdown comparison here."),
    json_out: bool = JsonOpt,
) -> None:
    """Compare runs: metrics side by side, tasks that flipped, per-task speedup ratios."""
    from ..report.build import write_comparison

    if len(run_dirs) < 2:
        fail("compare needs at least two run directories")
    cmp, doc = write_comparison(run_dirs, html, markdown)
    sets = [{t.task_id for t in r.tasks} for r in cmp.runs]
    if any(s != sets[0] for s in sets[1:]):  # metrics over different tasks are not comparable
        only = [f"{n}: {len(s - sets[0])} task(s) not in {cmp.names[0]}, {len(sets[0] - s)} missing"
                for n, s in zip(cmp.names[1:], sets[1:]) if s != sets[0]]
        err_console.print(f"warning: the runs cover different tasks ({'; '.join(only)}); metrics are over "
                          "different sets", highlight=False, markup=False)
    if json_out:
        print_json(doc)
        return
    console.print(_metrics_table(cmp))
    console.print(_compare_tasks_table(cmp))
    for p in (html, markdown):
        if p:
            console.print(f"wrote {p}", highlight=False)


def _metrics_table(cmp: Any) -> Table:
    from ..report.fmt import METRICS, fmt_delta, fmt_value, tasks_cell

    t = Table(title="metrics (deltas vs " + cmp.names[0] + ")")
    t.add_column("metric")
    for n in cmp.names:
        t.add_column(n, justify="right")
    for n in cmp.names[1:]:
        t.add_column(f"Δ {n}", justify="right")
    t.add_row("tasks", *[tasks_cell(r.summary) for r in cmp.runs], *[""] * (len(cmp.runs) - 1))
    for m in METRICS:
        vals = [r.summary.get(m.key) for r in cmp.runs]
        t.add_row(m.label, *[fmt_value(m.kind, v) for v in vals], *[fmt_delta(m.kind, vals[0], v) for v in vals[1:]])
    if any(r.summary.get("scripted") for r in cmp.runs):
        t.caption = "[bold yellow]SCRIPTED run(s) included: not a model's output[/]"
    return t


def _compare_tasks_table(cmp: Any) -> Table:
    from ..report.fmt import speedup_ci

    flips = sum(t.flipped for t in cmp.tasks)
    t = Table(title=f"per task ({flips} flipped)")
    t.add_column("task")
    for n in cmp.names:
        t.add_column(n)
    for n in cmp.names[1:]:
        t.add_column(f"ratio {n}/{cmp.names[0]}", justify="right")
    for tc in cmp.tasks:
        cells = ["-" if c is None else f"{c.get('outcome') or c.get('status')} "
                 f"{speedup_ci(c.get('speedup'), c.get('ci_low'), c.get('ci_high'))}".replace(" -", "")
                 for c in tc.cells]
        ratios = ["-" if x is None else f"{x:.3f}" for x in tc.speedup_ratios[1:]]
        t.add_row(("[bold yellow]FLIP[/] " if tc.flipped else "") + tc.task_id, *cells, *ratios)
    return t


# -- runs -------------------------------------------------------------------------------------

class DefaultToList(TyperGroup):
    """`runs [DIR]` means `runs list [DIR]`: any first argument that is not a subcommand
    (a directory, an option such as --json, or nothing) is routed to `list`."""

    def parse_args(self, ctx: typer.Context, args: list[str]) -> list[str]:  # type: ignore[override]
        if not args or (args[0] not in self.commands and args[0] not in ("--help", "-h")):
            args = ["list", *args]
        return super().parse_args(ctx, args)


runs_app = typer.Typer(cls=DefaultToList, help="List run directories with their headline numbers, or show one. "
                                                "`runs [DIR]` is `runs list [DIR]`.")


@runs_app.command("list")
@handle_errors
def runs_list(
    root: Path = typer.Argument(Path("runs"), help="Directory holding run directories (searched 3 levels deep)."),
    json_out: bool = JsonOpt,
) -> None:
    """List runs under DIR (default ./runs) with model, split, ACC, ACC+Perf, speedup and cost."""
    from ..report.load import find_runs, load_run

    if not root.is_dir():
        fail(f"{root} is not a directory (runs are listed from ./runs by default; give DIR)")
    runs, skipped = [], []
    for p in find_runs(root):
        try:  # one unreadable run must not hide the others
            runs.append(load_run(p, with_rounds=False))
        except UsageError as e:
            skipped.append(str(e))
    for why in skipped:
        err_console.print(f"skipped: {escape(why)}", highlight=False, soft_wrap=True)
    if json_out:
        print_json([_run_entry(r) for r in runs])
        return
    if not runs:
        console.print(f"no runs under {root} (a run directory holds run.sqlite; make one with `neucomback bench`)",
                      highlight=False)
        return
    console.print(_runs_table(runs, root))


def _run_entry(r: Any) -> dict[str, Any]:
    c = r.config
    return {"run_dir": str(r.home), "command": c.get("command"), "model": c.get("model"), "target": c.get("target"),
            "split": c.get("split"), "created": r.created, "complete": r.summary.get("complete"),
            "scripted": r.summary.get("scripted"), "evolve": r.evolve is not None, "summary": r.summary}


def _runs_table(runs: list[Any], root: Path) -> Table:
    from ..report.fmt import fmt_value, speedup, tasks_cell

    t = Table(title=f"{len(runs)} run(s) under {root}")
    t.add_column("run", no_wrap=True)
    t.add_column("model")
    t.add_column("target/split")
    for col in ("tasks", "ACC", "ACC+Perf", "geomean", "cost $"):
        t.add_column(col, justify="right")
    t.add_column("started")
    for r in runs:
        s, c = r.summary, r.config
        flags = [f for f, on in (("[bold yellow]SCRIPTED[/]", s.get("scripted")), ("evolve", r.evolve is not None),
                                 ("[yellow]incomplete[/]", s.get("finished", 0) < s.get("tasks", 0)
                                  or bool(s.get("stopped")))) if on]
        rel = str(r.home.relative_to(root)) if r.home != root else str(r.home)
        started = time.strftime("%Y-%m-%d %H:%M", time.gmtime(r.created)) if r.created else "-"
        t.add_row(" ".join([rel, *flags]), str(c.get("model", "?")), f"{c.get('target', '?')}/{c.get('split', '?')}",
                  tasks_cell(s), fmt_value("pct", s.get("acc")), fmt_value("pct", s.get("acc_perf")),
                  speedup(s.get("geomean_speedup")), f"{s.get('cost_usd', 0.0):.4f}", started)
    t.caption = "started in UTC; ACC+Perf over Level 2 tasks; geomean speedup vs clang -O3"
    return t


@runs_app.command("show")
@handle_errors
def runs_show(run_dir: Path = typer.Argument(..., help="A run directory."), json_out: bool = JsonOpt) -> None:
    """Show one run: the bench summary table and one line per task."""
    from ..report.jsonout import report_json
    from ..report.load import load_run
    from .tables import bench_table

    run = load_run(run_dir)
    if json_out:
        print_json(report_json(run, {"html": None, "markdown": None}))
        return
    console.print(bench_table(run.summary))
    console.print(_task_lines(run))


def _task_lines(run: Any) -> Table:
    from ..report.fmt import speed_cell

    t = Table(title=f"{len(run.tasks)} task(s) in {run.path}")  # an evolve run's: its featured rollout
    for col, right in (("task", False), ("level", True), ("outcome", False), ("rounds", True),
                       ("speedup [99% CI]", True), ("tokens", True), ("cost $", True), ("failed at", False)):
        t.add_column(col, justify="right" if right else "left")
    for task in run.tasks:
        r = task.result or {}
        color = "green" if r.get("correct") else ("yellow" if task.result is None else "red")
        t.add_row(task.task_id, str(r.get("level", "-")), f"[{color}]{r.get('outcome') or task.status}[/]",
                  str(len(task.rounds)), speed_cell(r),
                  f"{r.get('prompt_tokens', 0) + r.get('completion_tokens', 0):,}", f"{r.get('cost_usd', 0.0):.4f}",
                  "" if r.get("correct") else str(r.get("failure_stage") or ""))
    return t
