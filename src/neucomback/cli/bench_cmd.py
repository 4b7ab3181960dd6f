"""`neucomback bench`: run the agent over a suite split and print the metrics table."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Optional

import typer
from rich.markup import escape

from .common import (EXIT_ERROR, AddressOpt, ExecutorOpt, ModelOptionOpt, NoCheckOpt, ProveOpt, ProveSecondsOpt, RpmOpt, ShuffleOpt, TagOpt,
                     TaskOpt, console, err_console, handle_errors, model_settings, print_json, progress, prove_seconds,
                     say_to_stderr, selection, executor_settings)

NO_MODEL_HELP = """no --model given. Name a model as provider:model, for example:
  --model llc:O3                         the reference compiler (no model needed; a baseline)
  --model openai:gpt-4o                  hosted OpenAI (key from OPENAI_API_KEY)
  --model openai:Qwen2.5-Coder-32B --base-url http://localhost:8000/v1
                                         any OpenAI-compatible server: vLLM, llama.cpp, Ollama, ...
  --model anthropic:claude-sonnet-4-5    needs `pip install neucomback[anthropic]` and ANTHROPIC_API_KEY
  --model 'faulty:llc-O3?rate=0.3&seed=1'  llc with injected mistakes in 30% of replies (labelled SCRIPTED)
  --model scripted:replies.json          canned replies for tests (always labelled SCRIPTED)"""


def bench(
    model: Optional[str] = typer.Option(None, "--model", "-m", envvar="NEUCOMBACK_MODEL",
                                        help="provider:model, e.g. openai:gpt-4o or llc:O3."),
    suite: str = typer.Option("builtin", "--suite", "-s"),
    split: Optional[str] = typer.Option(None, "--split", help="train, valid, test or all (default: test; all "
                                        "when --task names the tasks)."),
    target_name: str = typer.Option("x86_64", "--target", "-T"),
    level: Optional[int] = typer.Option(None, "--level"),
    limit: Optional[int] = typer.Option(None, "--limit", min=1, help="At most N tasks, spread over the levels."),
    task: Optional[list[str]] = TaskOpt,
    tag: Optional[list[str]] = TagOpt,
    shuffle: bool = ShuffleOpt,
    seed: Optional[int] = typer.Option(None, "--seed", help="Seeds --shuffle and is sent as the sampling seed."),
    top_p: float = typer.Option(1.0, "--top-p", min=0.0, max=1.0),
    epochs: int = typer.Option(1, "--epochs", min=1, help="Independent samples of every task; reports pass@k "
                               "for k <= epochs (unbiased estimator). More epochs resume a finished run."),
    debug_rounds: int = typer.Option(3, "--debug-rounds", "-D", min=0),
    opt_rounds: int = typer.Option(0, "--opt-rounds", "-O", min=0),
    run_dir: Optional[Path] = typer.Option(None, "--run-dir",
                                           help="Default: $NEUCOMBACK_LOG_DIR (or runs)/<model>-<target>-<split>."),
    jobs: int = typer.Option(2, "--jobs", "-j", min=1, help="Verification worker processes."),
    executor: str = ExecutorOpt,
    address: Optional[str] = AddressOpt,
    concurrency: int = typer.Option(8, "--max-connections", "--concurrency", min=1, help="Model calls in flight."),
    base_url: Optional[str] = typer.Option(None, "--base-url", envvar="NEUCOMBACK_BASE_URL",
                                           help="OpenAI-compatible endpoint."),
    max_retries: int = typer.Option(4, "--max-retries", min=0, help="Retries of a failed model request."),
    model_option: Optional[list[str]] = ModelOptionOpt,
    rpm: Optional[float] = RpmOpt,
    no_check: bool = NoCheckOpt,
    api_key_env: Optional[str] = typer.Option(None, "--api-key-env", help="Env var holding the API key."),
    temperature: float = typer.Option(0.0, "--temperature"),
    max_tokens: int = typer.Option(8192, "--max-tokens"),
    timeout: float = typer.Option(600.0, "--timeout", help="Seconds per model request."),
    budget_usd: Optional[float] = typer.Option(None, "--budget-usd", help="Stop cleanly once spent."),
    prices: Optional[Path] = typer.Option(None, "--prices", help="JSON/TOML price table overriding ours."),
    prompt_file: Optional[Path] = typer.Option(None, "--prompt", help="A prompt TOML (e.g. learned by evolve)."),
    no_cache: bool = typer.Option(False, "--no-cache", help="Do not use the response cache."),
    prove: bool = ProveOpt,
    prove_seconds: float = ProveSecondsOpt,
    json_out: bool = typer.Option(False, "--json"),
    unsafe: bool = typer.Option(False, "--unsafe-no-sandbox"),
) -> None:
    """Run the neural compilation agent on a suite split and report ACC, ACC+Perf, fast_p and cost."""
    require_model(model)
    _bench(**locals())


def require_model(model: str | None) -> None:
    """Without --model, explain how to name one and exit with status 2."""
    if not model:
        err_console.print("[bold red]error:[/] ", end="")
        err_console.print(NO_MODEL_HELP, highlight=False, markup=False)
        raise typer.Exit(EXIT_ERROR)


@handle_errors
def _bench(**a: Any) -> None:
    from ..api import BenchSettings, GenParams, bench
    from .tables import bench_table

    settings = BenchSettings(
        model=model_settings(a), selection=selection(a, seed=a["seed"] or 0),
        params=GenParams(temperature=a["temperature"], max_tokens=a["max_tokens"], top_p=a["top_p"], seed=a["seed"]),
        target=a["target_name"], epochs=a["epochs"], debug_rounds=a["debug_rounds"], opt_rounds=a["opt_rounds"],
        run_dir=a["run_dir"], jobs=a["jobs"], executor=executor_settings(a), budget_usd=a["budget_usd"], prompt_file=a["prompt_file"],
        prove_seconds=prove_seconds(a["prove"], a["prove_seconds"]), unsafe=a["unsafe"])
    out = bench(settings, say=say_to_stderr(a["json_out"]), progress=progress(a["json_out"]))
    if a["json_out"]:
        print_json(out.summary)
    else:
        console.print(bench_table(out.summary))
        if out.stopped:
            advice = ("fix the cause, then rerun the same command: finished tasks are kept"
                      if out.stopped.startswith("model error") else "rerun the same command to resume")
            console.print(f"[yellow]stopped early:[/] {escape(out.stopped)}; {advice}.", highlight=False)
    if out.exit_code:
        raise typer.Exit(out.exit_code)
