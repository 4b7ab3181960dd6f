"""Entry point: `neucomback COMMAND ...`. Commands are thin: parse, call the library, print."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Optional

import typer

from .common import (EXIT_ERROR, EXIT_OK, EXIT_WRONG, AddressOpt, ExecutorOpt, ProveOpt, ProveSecondsOpt, ShuffleOpt, TagOpt, TaskOpt, console,
                     executor_settings, fail, handle_errors, print_json, progress, selection)
from .common import prove_seconds as prove_seconds_of

app = typer.Typer(add_completion=False, no_args_is_help=True, pretty_exceptions_enable=False,
                  help="Neural compilation workbench: LLVM IR -> assembly by LLMs, verified and timed "
                       "against clang -O3.")



def _version(value: bool) -> None:
    if value:
        from importlib.metadata import PackageNotFoundError, version

        try:
            console.print(f"neucomback {version('neucomback')}", highlight=False)
        except PackageNotFoundError:
            console.print("neucomback (not installed as a package)", highlight=False)
        raise typer.Exit(EXIT_OK)


@app.callback()
def _main(ctx: typer.Context,
          version: bool = typer.Option(False, "--version", callback=_version, is_eager=True,
                                       help="Print the version and exit.")) -> None:
    """Neural compilation workbench: LLVM IR -> assembly by LLMs, verified and timed against clang -O3.

    Defaults for any option can come from neucomback.toml (or [tool.neucomback] in pyproject.toml)
    and from a .env file; flags win (see docs/configuration.md)."""
    from ..errors import NeuComBackError
    from .defaults import default_map, find_config, load_dotenv_file

    try:
        load_dotenv_file(Path.cwd())  # before the subcommand reads its environment variables
        found = find_config(Path.cwd())
        if found is not None:
            ctx.default_map = default_map(ctx.command, found[1], found[0])  # type: ignore[arg-type]
    except NeuComBackError as e:
        fail(str(e))


from .suite_cmd import suite_app  # noqa: E402

app.add_typer(suite_app, name="suite")

from .bench_cmd import bench  # noqa: E402

app.command()(bench)

from .compile_cmd import compile_  # noqa: E402

app.command(name="compile")(compile_)

from .evolve_cmd import evolve  # noqa: E402

app.command()(evolve)

from .report_cmd import compare, report, runs_app  # noqa: E402

app.command()(report)
app.command()(compare)
app.add_typer(runs_app, name="runs")

@app.command()
@handle_errors
def models(
    provider: str = typer.Option("openai", "--provider", "-p", help="openai (any OpenAI-compatible server) or "
                                 "anthropic."),
    base_url: Optional[str] = typer.Option(None, "--base-url", envvar="NEUCOMBACK_BASE_URL",
                                           help="The server, e.g. http://localhost:8000/v1."),
    api_key_env: Optional[str] = typer.Option(None, "--api-key-env", help="Env var holding the API key."),
    json_out: bool = typer.Option(False, "--json"),
) -> None:
    """List the models a server offers (the names to use as --model PROVIDER:NAME)."""
    from ..api import list_models

    where, names = list_models(provider, base_url=base_url, api_key_env=api_key_env)
    if json_out:
        print_json({"provider": provider, "base_url": where, "models": names})
        raise typer.Exit(EXIT_OK)
    console.print(f"{len(names)} model(s) at {where}:", highlight=False, markup=False)
    for n in names:
        console.print(f"  {provider}:{n}", highlight=False, markup=False)
    raise typer.Exit(EXIT_OK)


SuiteOpt = typer.Option("builtin", "--suite", "-s", help="`builtin` or a suite directory.")
UnsafeOpt = typer.Option(False, "--unsafe-no-sandbox", help="Run model code without bubblewrap (dangerous).")


@app.command()
@handle_errors
def doctor(json_out: bool = typer.Option(False, "--json", help="Machine-readable output.")) -> None:
    """Show every external tool with its version, what is missing and how to install it."""
    from rich.table import Table

    from ..toolchain import APT_COMMAND, doctor_report, hardware_counters

    report = doctor_report()
    missing = [s for s in report if not s.found]
    counters = hardware_counters()
    if json_out:
        print_json({"tools": [{"tool": s.spec.key, "path": s.path, "version": s.version, "package": s.spec.package,
                               "purpose": s.spec.purpose} for s in report], "hardware_counters": counters,
                    "missing": [s.spec.key for s in missing], "fix": APT_COMMAND if missing else None})
    else:
        table = Table(title="neucomback toolchain")
        for col in ("tool", "status", "version / path", "package", "needed for"):
            table.add_column(col)
        for s in report:
            status = "[green]ok[/]" if s.found else "[red]missing[/]"
            table.add_row(s.spec.key, status, s.version or s.path or "-", s.spec.package, s.spec.purpose)
        console.print(table)
        console.print(f"hardware performance counters: {counters}", highlight=False)
        if missing:
            console.print(f"[yellow]missing:[/] {', '.join(s.spec.key for s in missing)}")
            pkgs = " ".join(sorted({s.spec.package for s in missing}))
            console.print(f"fix: apt-get update && apt-get install -y --no-install-recommends {pkgs}")
        else:
            console.print("[green]all tools found[/]")
    raise typer.Exit(EXIT_OK if not missing else EXIT_ERROR)


def _read_asm(path: Path) -> bytes:
    from ..errors import UsageError
    from ..harness.evaluate import MAX_ASM_BYTES

    if str(path) == "-":
        return sys.stdin.buffer.read(MAX_ASM_BYTES + 1)
    if not path.is_file():
        raise UsageError(f"no such file: {path}")
    with path.open("rb") as f:
        return f.read(MAX_ASM_BYTES + 1)  # never read a huge file whole; the evaluator rejects it


@app.command()
@handle_errors
def verify(
    file: Path = typer.Argument(..., help="Candidate assembly (.s), or - for standard input."),
    task_id: str = typer.Option(..., "--task", "-t", help="Task id (see `neucomback suite list`)."),
    target_name: str = typer.Option("x86_64", "--target", "-T", help="x86_64, aarch64 or riscv64."),
    suite: str = SuiteOpt,
    json_out: bool = typer.Option(False, "--json", help="Print the verdict as JSON."),
    no_timing: bool = typer.Option(False, "--no-timing", help="Skip timing of Level 2 tasks."),
    callgrind: bool = typer.Option(False, "--callgrind", help="Also count kernel instructions (x86_64, valgrind)."),
    prove: bool = ProveOpt,
    prove_seconds: float = ProveSecondsOpt,
    unsafe: bool = UnsafeOpt,
) -> None:
    """Build, run, check (and for Level 2, time) one assembly file. Exit 0 correct, 1 wrong, 2 error."""
    from ..api import verify as verify_asm
    from ..suite import load_suite
    from ..targets import get_target

    target = get_target(target_name)
    task = load_suite(suite).get(task_id)  # a wrong id is a one-line error before the file is read
    data = _read_asm(file)
    if unsafe:
        console.print("[bold yellow]warning:[/] running model code WITHOUT a sandbox", style="yellow")
    timed = task.level == 2 and not no_timing and target.native
    with _spinner(f"verifying {task.id} on {target.name}" + (", then timing it against clang -O3" if timed else ""),
                  quiet=json_out):
        verdict = verify_asm(data, task.id, target=target.name, suite=suite, timing=not no_timing,
                             callgrind=callgrind, prove_seconds=prove_seconds_of(prove, prove_seconds), unsafe=unsafe)
    if json_out:
        print_json(verdict.to_json())
    else:
        _print_verdict(verdict)
    if verdict.infrastructure_failure:
        raise typer.Exit(EXIT_ERROR)
    raise typer.Exit(EXIT_OK if verdict.correct else EXIT_WRONG)


@contextmanager
def _spinner(text: str, quiet: bool) -> Iterator[None]:
    """A spinner on stderr while `text` is going on (only on a terminal: logs stay clean)."""
    from .common import err_console

    if quiet or not sys.stderr.isatty():
        yield
        return
    with err_console.status(text):
        yield


def _print_verdict(v) -> None:  # type: ignore[no-untyped-def]
    color = "green" if v.correct else ("magenta" if v.infrastructure_failure else "red")
    console.print(f"[bold {color}]{v.summary()}[/]", highlight=False)
    console.print(f"stage reached: {v.stage.label()}   sandbox: {v.sandbox}", highlight=False)
    if not v.correct and v.feedback:
        console.print(v.feedback, highlight=False, markup=False)
    if v.proof is not None:
        console.print(f"proof: {v.proof.tier} ({v.proof.reason}; {v.proof.seconds:.1f} s; limits: {v.proof.limits})",
                      highlight=False, markup=False)
    t = v.timing
    if t is not None:
        if t.speedup is not None:
            console.print(f"timing: {t.pairs} interleaved pairs, {t.reps} reps at n={t.size}; "
                          f"candidate median {sorted(t.candidate_ns)[len(t.candidate_ns)//2]/1e6:.2f} ms, "
                          f"clang -O3 median {sorted(t.reference_ns)[len(t.reference_ns)//2]/1e6:.2f} ms", highlight=False)
        if t.mca_candidate_cycles is not None:
            console.print(f"llvm-mca estimate (100 iterations of the whole asm): candidate "
                          f"{t.mca_candidate_cycles:.0f} cycles, clang -O3 {t.mca_reference_cycles or float('nan'):.0f}",
                          highlight=False)
        if t.callgrind_candidate is not None:
            console.print(f"callgrind (one call, deterministic): candidate {t.callgrind_candidate:,} instructions, "
                          f"clang -O3 {t.callgrind_reference or 0:,}", highlight=False)
        if t.suspicious:
            console.print(f"[yellow]suspicious:[/] {t.suspicious}", highlight=False)


@app.command()
@handle_errors
def baseline(
    target_name: str = typer.Option("x86_64", "--target", "-T"),
    suite: str = SuiteOpt,
    split: Optional[str] = typer.Option(None, "--split", help="train, valid, test or all."),
    level: Optional[int] = typer.Option(None, "--level", help="1 or 2."),
    limit: Optional[int] = typer.Option(None, "--limit", min=1, help="At most N tasks, spread over the levels."),
    task: Optional[list[str]] = TaskOpt,
    tag: Optional[list[str]] = TagOpt,
    shuffle: bool = ShuffleOpt,
    seed: int = typer.Option(0, "--seed", help="Seeds --shuffle."),
    compiler: list[str] = typer.Option(["llc-O3"], "--compiler", "-c",
                                       help="llc-O0, llc-O1, llc-O2, llc-O3 or gcc-O3 (repeatable)."),
    jobs: int = typer.Option(2, "--jobs", "-j", min=1, help="Tasks verified in parallel."),
    executor: str = ExecutorOpt,
    address: Optional[str] = AddressOpt,
    no_timing: bool = typer.Option(False, "--no-timing", help="Skip timing of Level 2 tasks."),
    prove: bool = ProveOpt,
    prove_seconds: float = ProveSecondsOpt,
    json_out: bool = typer.Option(False, "--json"),
    unsafe: bool = UnsafeOpt,
) -> None:
    """Compile every task with the reference compiler and verify it (no model needed)."""
    from ..api import BaselineSettings
    from ..api import baseline as run_baseline
    from ..suite.strength.record import describe
    from .tables import baseline_table

    settings = BaselineSettings(selection(locals(), seed=seed), target=target_name, compilers=tuple(compiler),
                                jobs=jobs, executor=executor_settings(locals()), timing=not no_timing, prove_seconds=prove_seconds_of(prove, prove_seconds),
                                unsafe=unsafe)
    out = run_baseline(settings, progress=progress(json_out))
    if json_out:
        print_json(out.to_json())
    else:
        console.print(baseline_table(out.results, out.target))
        console.print(f"test strength: {describe(out.test_strength)}", highlight=False)
    raise typer.Exit(EXIT_ERROR if out.infrastructure_failure else EXIT_OK)


@app.command()
@handle_errors
def calibrate(
    target_name: str = typer.Option("x86_64", "--target", "-T"),
    suite: str = SuiteOpt,
    limit: Optional[int] = typer.Option(None, "--limit", min=1, help="At most N Level 2 kernels."),
    json_out: bool = typer.Option(False, "--json"),
) -> None:
    """A/A check of the speed decision on this machine: identical code must not be called
    faster, a known 1.3x difference should be; prints the smallest speedup resolved here."""
    from ..errors import UsageError
    from ..harness.calibrate import run_calibration
    from ..harness.evaluate import Evaluator
    from ..suite import load_suite
    from ..targets import get_target
    from .progress import progress_bar

    target = get_target(target_name)
    if not target.native:
        raise UsageError(f"{target.name} runs under emulation here: no speed is measured, nothing to calibrate")
    tasks = load_suite(suite).select(level=2, limit=limit)
    with progress_bar(f"calibrating on {target.name}", len(tasks), quiet=json_out) as advance:
        summary = run_calibration(tasks, target, Evaluator(), on_result=lambda r: advance(r.task))
    if json_out:
        print_json({"target": target.name, **summary})
        raise typer.Exit(EXIT_OK)
    pct = lambda x: f"{100 * x:.1f}%"  # noqa: E731
    console.print(f"{summary['kernels']} kernels on {target.name}: identical code's interval contains 1.0 for "
                  f"{pct(summary['aa_interval_contains_1'])}, called faster for {pct(summary['aa_called_faster'])}; "
                  f"a known {summary['known_effect']}x difference detected for {pct(summary['known_effect_detected'])} "
                  f"(median measured {summary['known_effect_median_measured']:.3f}x). Smallest speedup resolved "
                  f"here: about {summary['resolvable_speedup']:.3f}x.", markup=False)
    raise typer.Exit(EXIT_OK)


if __name__ == "__main__":
    app()
