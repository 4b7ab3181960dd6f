"""`neucomback evolve`: learn the prompt's guideline sections from the agent's own traces."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Optional

import typer
from rich.table import Table

from .bench_cmd import require_model
from .common import (EXIT_ERROR, AddressOpt, ExecutorOpt, ModelOptionOpt, NoCheckOpt, RpmOpt, TagOpt, TaskOpt, console, handle_errors,
                     executor_settings, model_settings, print_json, say_to_stderr, selection)


def evolve(
    model: Optional[str] = typer.Option(None, "--model", "-m", envvar="NEUCOMBACK_MODEL",
                                        help="provider:model, e.g. openai:gpt-4o."),
    suite: str = typer.Option("builtin", "--suite", "-s", help="`builtin` or a suite directory with splits."),
    target_name: str = typer.Option("x86_64", "--target", "-T"),
    level: Optional[int] = typer.Option(None, "--level", help="Only tasks of this level (1 or 2)."),
    task: Optional[list[str]] = TaskOpt,
    tag: Optional[list[str]] = TagOpt,
    analysis_model: Optional[str] = typer.Option(None, "--analysis-model",
                                                 help="provider:model for analysing traces, merging and reviewing "
                                                      "guidelines (default: --model)."),
    analysis_base_url: Optional[str] = typer.Option(None, "--analysis-base-url",
                                                    help="Endpoint of --analysis-model (default: --base-url)."),
    epochs: int = typer.Option(1, "--epochs", "-E", min=1, help="Passes over the train split."),
    batch_size: int = typer.Option(8, "--batch-size", "-B", min=1, help="Train tasks per evolution step."),
    debug_rounds: int = typer.Option(3, "--debug-rounds", "-D", min=0),
    opt_rounds: int = typer.Option(0, "--opt-rounds", "-O", min=0),
    run_dir: Optional[Path] = typer.Option(None, "--run-dir",
                                           help="Default: $NEUCOMBACK_LOG_DIR (or runs)/evolve-<model>-<target>."),
    seed: int = typer.Option(0, "--seed", help="Seeds the per-epoch shuffle of the train split."),
    budget_usd: Optional[float] = typer.Option(None, "--budget-usd", help="Stop cleanly at a step boundary once spent."),
    base_url: Optional[str] = typer.Option(None, "--base-url", envvar="NEUCOMBACK_BASE_URL",
                                           help="OpenAI-compatible endpoint."),
    max_retries: int = typer.Option(4, "--max-retries", min=0, help="Retries of a failed model request."),
    model_option: Optional[list[str]] = ModelOptionOpt,
    rpm: Optional[float] = RpmOpt,
    no_check: bool = NoCheckOpt,
    api_key_env: Optional[str] = typer.Option(None, "--api-key-env", help="Env var holding the API key."),
    jobs: int = typer.Option(2, "--jobs", "-j", min=1, help="Verification worker processes."),
    executor: str = ExecutorOpt,
    address: Optional[str] = AddressOpt,
    concurrency: int = typer.Option(8, "--max-connections", "--concurrency", min=1, help="Model calls in flight."),
    temperature: float = typer.Option(0.0, "--temperature"),
    max_tokens: int = typer.Option(8192, "--max-tokens"),
    timeout: float = typer.Option(600.0, "--timeout", help="Seconds per model request."),
    prices: Optional[Path] = typer.Option(None, "--prices", help="JSON/TOML price table overriding ours."),
    no_cache: bool = typer.Option(False, "--no-cache", help="Do not use the response cache."),
    final_test: bool = typer.Option(False, "--final-test", help="Compare initial and selected prompt on test."),
    json_out: bool = typer.Option(False, "--json", help="Print evolve.json instead of tables."),
    unsafe: bool = typer.Option(False, "--unsafe-no-sandbox"),
) -> None:
    """Self-evolving prompt optimization: learn correctness and performance guidelines on the train
    split, select on valid (rolling back when worse), optionally compare on test (--final-test)."""
    require_model(model)
    _evolve(**locals())


@handle_errors
def _evolve(**a: Any) -> None:
    from ..api import EvolveOptions, GenParams, evolve

    analysis = None
    if a["analysis_model"]:
        a["analysis_base_url"] = a["analysis_base_url"] or a["base_url"]
        analysis = model_settings(a, "analysis_model", "analysis_base_url")
    options = EvolveOptions(
        model=model_settings(a), selection=selection(a), analysis=analysis,
        params=GenParams(temperature=a["temperature"], max_tokens=a["max_tokens"]), target=a["target_name"],
        epochs=a["epochs"], batch_size=a["batch_size"], debug_rounds=a["debug_rounds"], opt_rounds=a["opt_rounds"],
        seed=a["seed"], run_dir=a["run_dir"], jobs=a["jobs"], executor=executor_settings(a), budget_usd=a["budget_usd"],
        final_test=a["final_test"], unsafe=a["unsafe"])
    out = evolve(options, say=say_to_stderr(a["json_out"]))
    if a["json_out"]:
        print_json(out.doc)
    else:
        _print_report(out.doc, out.run_dir)
    if out.stopped:
        raise typer.Exit(EXIT_ERROR)


def _print_report(doc: dict[str, Any], run_dir: Path) -> None:
    from ..evolve.final import distribution_text

    if doc["epochs"]:  # a run stopped before its baseline has no curve and no best prompt yet
        console.print(curve_table(doc))
        console.print(f"best prompt: {run_dir / doc['best']['file']} ({doc['best']['prompt']})", highlight=False)
    if doc.get("final"):
        console.print(final_table(doc))
        _print_speedups(doc["final"], distribution_text)
    console.print(f"log: {run_dir / 'log'}; spent ${doc['spent_usd']:.4f}", highlight=False)
    if doc["stopped"]:
        console.print(f"stopped early: {doc['stopped']}. Rerun the same command to resume.", style="yellow",
                      highlight=False, markup=False, emoji=False)


def _print_speedups(final: dict[str, Any], text: Any) -> None:
    """The speedup distributions of the final comparison (one line when nothing was timed)."""
    rows = [(role, which, final[role]) for role in ("initial", "best") for which in ("first", "best")]
    if not any(row["speedups"][which]["n"] for _, which, row in rows):
        console.print("speedups vs clang -O3: no timed correct tasks (timing needs Level 2 tasks on a native "
                      "target)", highlight=False)
        return
    for role, which, row in rows:
        title = "first correct version" if which == "first" else "after optimization"
        console.print(f"speedups vs clang -O3, {role} prompt ({row['prompt']}), {title}:", highlight=False)
        console.print(text(row["speedups"][which]), highlight=False, markup=False)


def curve_table(doc: dict[str, Any]) -> Table:
    """Epoch -> valid ACC, ACC@first, ACC+Perf and whether the epoch's prompt was kept."""
    from ..record.metrics import pct

    title = "validation curve" + ("  [SCRIPTED replies: not a model's output]" if doc.get("scripted") else "")
    table = Table(title=title)
    for col in ("epoch", "prompt", "valid ACC", "ACC@first", "ACC+Perf", "decision", "best"):
        table.add_column(col, justify="right" if col.startswith(("valid", "ACC")) else "left")
    for e in doc["epochs"]:
        v = e["valid"]
        table.add_row(str(e["epoch"]), e["prompt"], pct(v.get("acc")), pct(v.get("acc_first")),
                      pct(v.get("acc_perf")), e["decision"], e["best"])
    return table


def final_table(doc: dict[str, Any]) -> Table:
    """Initial vs selected prompt on the test split."""
    from ..record.metrics import pct

    table = Table(title="test split: initial vs selected prompt"
                  + ("  [SCRIPTED replies: not a model's output]" if doc.get("scripted") else ""))
    cols = ("prompt", "tasks", "ACC", "ACC@first", "ACC+Perf (first correct)", "ACC+Perf (after opt)",
            "geomean speedup")
    for col in cols:
        table.add_column(col, justify="left" if col == "prompt" else "right")
    for role in ("initial", "best"):
        r = doc["final"][role]
        gm = f"{r['geomean_speedup']:.3f}x" if r.get("geomean_speedup") else "-"
        table.add_row("initial" if role == "initial" else f"selected: {r['prompt']}", str(r["tasks"]), pct(r["acc"]), pct(r["acc_first"]),
                      pct(r["acc_perf_first"]), pct(r["acc_perf"]), gm)
    return table
