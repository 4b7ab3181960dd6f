"""`neucomback bench`: run the agent over a suite split and print the metrics table."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any, Optional

import typer
from rich.markup import escape

from .common import (EXIT_ERROR, ModelOptionOpt, NoCheckOpt, ProveOpt, ProveSecondsOpt, RpmOpt, ShuffleOpt, TagOpt,
                     TaskOpt, console, err_console, fail, handle_errors, log_dir, print_json)

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
    from ..agent.prompts import Prompt
    from ..agent.workflow import AgentConfig
    from ..models.base import GenParams
    from ..models.registry import parse_model_options
    from ..suite import load_suite
    from ..targets import get_target
    from .session import make_model, open_session, run_session

    provider = make_model(a)  # a bad --model fails before anything is created on disk
    a["split"] = a["split"] or ("all" if a["task"] else "test")
    target = get_target(a["target_name"])
    suite = load_suite(a["suite"])
    tasks = suite.select(level=a["level"], split=a["split"], limit=a["limit"], ids=a["task"], tags=a["tag"],
                         shuffle=a["shuffle"], seed=a["seed"] or 0)
    if not tasks:
        fail(f"no tasks in suite {a['suite']!r} for split={a['split']} level={a['level']} tags={a['tag']}")
    prompt = Prompt.load(a["prompt_file"]) if a["prompt_file"] else Prompt()
    cfg = AgentConfig(a["debug_rounds"], a["opt_rounds"],
                      GenParams(temperature=a["temperature"], max_tokens=a["max_tokens"], top_p=a["top_p"],
                                seed=a["seed"]))
    run_dir = a["run_dir"] or log_dir() / _slug(f"{a['model']}-{target.name}-{a['split']}")
    config = {"command": "bench", "model": a["model"], "suite": str(suite.root), "split": a["split"],
              "level": a["level"], "limit": a["limit"], "tasks": sorted(t.id for t in tasks),
              "target": target.name, "epochs": a["epochs"], "debug_rounds": a["debug_rounds"],
              "opt_rounds": a["opt_rounds"], "params": cfg.params.to_json(), "base_url": a["base_url"],
              "prompt": prompt.name, "prompt_sha": hashlib.sha256(prompt.to_toml().encode()).hexdigest()[:16],
              "model_options": parse_model_options(a["model_option"]) or None, "jobs": a["jobs"],
              "concurrency": a["concurrency"], "rpm": a["rpm"], "budget_usd": a["budget_usd"],
              "prove": a["prove_seconds"] if a["prove"] else None}
    session = open_session(run_dir, config, a, provider, tasks)
    stop_code = EXIT_ERROR
    try:
        outcome = run_session(session, tasks, target, prompt, cfg, quiet=a["json_out"], epochs=a["epochs"])
    except KeyboardInterrupt as e:  # what is recorded stays; the summary says the run is incomplete
        from ..agent.runner import RunOutcome

        stop_code = getattr(e, "exit_code", 130)
        from ..store import sample_key

        wanted = {sample_key(t.id, e) for t in tasks for e in range(1, a["epochs"] + 1)}
        outcome = RunOutcome([r for r in session.store.results() if r["task_id"] in wanted],
                             f"interrupted ({'SIGTERM' if stop_code == 143 else 'SIGINT'})")
    from ..report.metrics import summarize
    from .tables import bench_table

    summary = summarize(outcome.results)
    summary.update(model=a["model"], target=target.name, split=a["split"], run_dir=str(run_dir),
                   stopped=outcome.stopped, complete=not outcome.stopped and len(outcome.results) == len(tasks) * a["epochs"])
    session.store.set_meta("summary", summary)
    from ..cache import atomic_write_json

    atomic_write_json(run_dir / "summary.json", summary)
    if a["json_out"]:
        print_json(summary)
    else:
        console.print(bench_table(summary))
        if outcome.stopped:
            advice = ("fix the cause, then rerun the same command: finished tasks are kept"
                      if outcome.stopped.startswith("model error") else "rerun the same command to resume")
            console.print(f"[yellow]stopped early:[/] {escape(outcome.stopped)}; {advice}.", highlight=False)
    if outcome.stopped:
        raise typer.Exit(stop_code)


def _slug(s: str) -> str:
    return "".join(c if c.isalnum() or c in "-_." else "_" for c in s)
