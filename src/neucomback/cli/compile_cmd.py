"""`neucomback compile`: a user's module through the agent, verified function by function,
written as one assembly file (model-written where verified, llc -O3 elsewhere)."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Optional

import typer
from rich.markup import escape

from .common import (EXIT_WRONG, AddressOpt, ExecutorOpt, NoCheckOpt, ProveOpt, ProveSecondsOpt, console, err_console,
                     executor_settings, handle_errors, model_settings, print_json, progress, prove_seconds,
                     say_to_stderr)

EXIT_FELL_BACK = 3


def compile_(
    source: Path = typer.Argument(..., help="LLVM IR (.ll, .bc) or C (.c) for the target."),
    output: Optional[Path] = typer.Option(None, "--output", "-o", help="Default: SOURCE with .s."),
    model: Optional[str] = typer.Option(None, "--model", "-m", envvar="NEUCOMBACK_MODEL",
                                        help="provider:model, e.g. openai:gpt-4o or llc:O3."),
    target_name: str = typer.Option("x86_64", "--target", "-T"),
    function: Optional[list[str]] = typer.Option(None, "--function", "-f",
                                                 help="Only this function (repeatable; default: every one)."),
    fallback: str = typer.Option("llc-O3", "--fallback", help="llc-O3: unverified functions come from llc; "
                                 "none: refuse (exit 1) unless every function is verified."),
    arg_spec: Optional[Path] = typer.Option(None, "--arg-spec", help="TOML with [FUNCTION] params = [...] for "
                                            "arguments whose lengths the IR does not make evident."),
    missing_spec: str = typer.Option("error", "--missing-spec", help="A pointer argument without an evident "
                                     "length or a spec: error (exit 2) or fallback (that function comes from llc)."),
    decompose: str = typer.Option("never", "--decompose", help="auto: split functions above --decompose-above IR "
                                  "instructions into loop pieces, each translated and verified on its own; "
                                  "always: every function with loops; never."),
    decompose_above: int = typer.Option(250, "--decompose-above", min=1, help="IR instructions (with --decompose auto)."),
    debug_rounds: int = typer.Option(3, "--debug-rounds", "-D", min=0),
    run_dir: Optional[Path] = typer.Option(None, "--run-dir", help="Default: $NEUCOMBACK_LOG_DIR (or runs)/compile-..."),
    jobs: int = typer.Option(2, "--jobs", "-j", min=1, help="Verification worker processes."),
    executor: str = ExecutorOpt,
    address: Optional[str] = AddressOpt,
    concurrency: int = typer.Option(8, "--max-connections", "--concurrency", min=1, help="Model calls in flight."),
    base_url: Optional[str] = typer.Option(None, "--base-url", envvar="NEUCOMBACK_BASE_URL"),
    api_key_env: Optional[str] = typer.Option(None, "--api-key-env", help="Env var holding the API key."),
    max_retries: int = typer.Option(4, "--max-retries", min=0),
    temperature: float = typer.Option(0.0, "--temperature"),
    max_tokens: int = typer.Option(8192, "--max-tokens"),
    timeout: float = typer.Option(600.0, "--timeout", help="Seconds per model request."),
    no_cache: bool = typer.Option(False, "--no-cache"),
    no_check: bool = NoCheckOpt,
    prove: bool = ProveOpt,
    prove_seconds: float = ProveSecondsOpt,
    json_out: bool = typer.Option(False, "--json"),
    unsafe: bool = typer.Option(False, "--unsafe-no-sandbox"),
) -> None:
    """Compile a module with a model: every function verified on synthesised tests against the
    same IR compiled by llc, or taken from llc. Exit 0: all model-written; 3: some fell back;
    1: refused (--fallback none); 2: error."""
    from .bench_cmd import require_model

    require_model(model)
    _compile(**locals())


@handle_errors
def _compile(**a: Any) -> None:
    from ..api.compile import CompileSettings, compile_module
    from ..models.base import GenParams

    settings = CompileSettings(
        source=a["source"], model=model_settings(a), output=a["output"], target=a["target_name"],
        functions=tuple(a["function"] or ()), fallback=a["fallback"], arg_spec=a["arg_spec"],
        missing_spec=a["missing_spec"], decompose=a["decompose"], decompose_above=a["decompose_above"],
        debug_rounds=a["debug_rounds"], params=GenParams(temperature=a["temperature"], max_tokens=a["max_tokens"]),
        run_dir=a["run_dir"], jobs=a["jobs"], executor=executor_settings(a),
        prove_seconds=prove_seconds(a["prove"], a["prove_seconds"]), unsafe=a["unsafe"])
    out = compile_module(settings, say=say_to_stderr(a["json_out"]), progress=progress(a["json_out"]))
    _print(out.summary, a["json_out"])
    if out.refused:
        raise typer.Exit(EXIT_WRONG)
    if out.fell_back:
        raise typer.Exit(EXIT_FELL_BACK)


def _print(summary: dict[str, Any], json_out: bool) -> None:
    if json_out:
        print_json(summary)
        return
    from rich.table import Table

    title = f"compile {summary['source']} ({summary['target']}, {summary['model']})"
    if summary["scripted"]:
        title += "  [SCRIPTED replies: not a model's output]"
    table = Table(title=title)
    for col in ("function", "outcome", "tests", "why"):
        table.add_column(col)
    for f in summary["functions"]:
        table.add_row(f["name"], f["outcome"] + (f" (round {f['round']})" if f["round"] is not None else ""),
                      str(f["cases"] or "-"), escape(f["why"]))
    console.print(table)
    n, k = len(summary["functions"]), summary["model_written"]
    if "undetected_mutants" in summary:
        console.print(f"injected mistakes that passed the tests (equivalent, or a test gap): "
                      f"{summary['undetected_mutants']} of {k} model-written function(s)", highlight=False)
    if summary["refused"]:
        err_console.print(f"[bold red]refused:[/] {n - k} of {n} function(s) not verified (--fallback none); "
                          "no output written", highlight=False)
    else:
        console.print(f"{k} of {n} function(s) model-written and verified; wrote {summary['output']}", highlight=False)
