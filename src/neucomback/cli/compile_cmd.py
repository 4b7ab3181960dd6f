"""`neucomback compile`: a user's module through the agent, verified function by function,
written as one assembly file (model-written where verified, llc -O3 elsewhere)."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any, Optional

import typer
from rich.markup import escape

from .common import (EXIT_WRONG, NoCheckOpt, ProveOpt, ProveSecondsOpt, console, err_console, fail, handle_errors,
                     log_dir, print_json, prove_limits)

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
    from ..agent.prompts import Prompt
    from ..agent.workflow import AgentConfig
    from ..compile.run import FALLBACKS, MISSING_SPEC, Verified, bundled_with, compose_output, prepare
    from ..harness.evaluate import Evaluator
    from ..models.base import GenParams
    from ..store import sample_key
    from ..targets import get_target
    from .bench_cmd import _slug
    from .session import make_model, open_session, run_session

    if a["fallback"] not in FALLBACKS:
        fail(f"--fallback must be one of {', '.join(FALLBACKS)}, got {a['fallback']!r}")
    from ..compile.decompose import DECOMPOSE

    if a["decompose"] not in DECOMPOSE:
        fail(f"--decompose must be one of {', '.join(DECOMPOSE)}, got {a['decompose']!r}")
    if a["missing_spec"] not in MISSING_SPEC:
        fail(f"--missing-spec must be one of {', '.join(MISSING_SPEC)}, got {a['missing_spec']!r}")
    target = get_target(a["target_name"])
    source: Path = a["source"]
    provider = make_model(a)
    run_dir = a["run_dir"] or log_dir() / _slug(f"compile-{source.stem}-{a['model']}-{target.name}")
    prep = prepare(source, target, a["function"], a["arg_spec"], run_dir / "compile-tasks", a["missing_spec"],
                   a["decompose"], a["decompose_above"])
    tasks = list(prep.tasks.values())
    cfg = AgentConfig(a["debug_rounds"], 0, GenParams(temperature=a["temperature"], max_tokens=a["max_tokens"]))
    verified: dict[str, Verified] = {}
    why_not: dict[str, str] = {}
    if tasks:
        prompt = Prompt()
        config = {"command": "compile", "model": a["model"], "suite": str(run_dir / "compile-tasks" / "functions"),
                  "split": "all", "level": 1, "limit": None, "tasks": sorted(t.id for t in tasks),
                  "target": target.name, "debug_rounds": a["debug_rounds"], "opt_rounds": 0,
                  "params": cfg.params.to_json(), "base_url": a["base_url"], "prompt": prompt.name,
                  "prompt_sha": hashlib.sha256(prompt.to_toml().encode()).hexdigest()[:16], "model_options": None,
                  "decompose": a["decompose"], "source": str(source), "source_sha": hashlib.sha256(prep.ir.encode()).hexdigest()[:16],
                  "jobs": a["jobs"], "concurrency": a["concurrency"],
                  "prove": a["prove_seconds"] if a["prove"] else None}
        session = open_session(run_dir, config, a, provider, tasks)
        run_session(session, tasks, target, prompt, cfg, quiet=a["json_out"], label=f"compile {source.name}")
        for fn, task in prep.tasks.items():
            res = session.store.result(sample_key(task.id, 1))
            if res and res.get("status") == "infrastructure":  # e.g. the reference crashes on the inputs
                why_not[fn] = f"infrastructure failure, not the model's: {str(res.get('error', '')).splitlines()[0][:200]}"
            if res and res.get("correct") and res.get("best_round") is not None:
                att = session.store.attempt(sample_key(task.id, 1), res["best_round"])
                if att and att.get("asm"):
                    verified[fn] = Verified(fn, att["asm"], task.cases + task.added_count, res["best_round"],
                                            res.get("proof"))
    composed = compose_output(prep, target, verified, a["model"],
                              Evaluator(unsafe=a["unsafe"], prove=prove_limits(a["prove"], a["prove_seconds"])),
                              source, why_not)
    out = a["output"] or source.with_suffix(".s")
    refused = a["fallback"] == "none" and bool(composed.fell_back)
    if not refused:
        from ..cache import atomic_write_text

        atomic_write_text(out, composed.text)
    faulty = a["model"].startswith("faulty:")
    differs = _differs_from_llc(prep, target, verified, [w for w in composed.model_written if w in prep.tasks]) \
        if faulty else {}
    bundled = bundled_with(prep)
    summary = {"source": str(source), "output": None if refused else str(out), "target": target.name,
               "model": a["model"], "scripted": bool(getattr(provider, "scripted", False)), "run_dir": str(run_dir),
               "functions": [{"name": f.name, **({"piece_of": prep.piece_of[f.name]} if f.name in prep.piece_of else {}),
                              "outcome": "model-written" if f.name in composed.model_written else "fallback",
                              "why": composed.fell_back.get(f.name, ""),
                              "round": verified[f.name].round if f.name in composed.model_written
                              and f.name in verified else None,
                              **({"translated_with": bundled[f.name]} if f.name in bundled else {}),
                              "cases": prep.tasks[f.name].cases if f.name in prep.tasks else 0,
                              **({"proof": verified[f.name].proof} if f.name in verified and verified[f.name].proof
                                 else {}),
                              "composed_check": composed.final_checks.get(f.name),
                              **({"differs_from_llc": differs[f.name]} if f.name in differs else {})}
                             for f in prep.selected],
               **({"undetected_mutants": sum(differs.values())} if faulty else {}),
               "observed_globals": [n for n, _ in prep.observed], "unobserved_globals": prep.unobserved,
               "model_written": len(composed.model_written), "fell_back": len(composed.fell_back),
               "refused": refused}
    _print(summary, a["json_out"])
    if refused:
        raise typer.Exit(EXIT_WRONG)
    if composed.fell_back:
        raise typer.Exit(EXIT_FELL_BACK)


def _differs_from_llc(prep: Any, target: Any, verified: dict[str, Any], written: list[str]) -> dict[str, bool]:
    """For a fault-injecting model: is each model-written function's verified assembly other
    than llc's own? Then a mistake passed its tests (an equivalent mutant, or a test gap)."""
    from ..harness.build import reference_asm

    def norm(text: str) -> list[str]:
        return [l.split("#")[0].rstrip() for l in text.splitlines() if l.strip() and not l.lstrip().startswith((".file", "#"))]

    return {fn: norm(verified[fn].asm) != norm(reference_asm(prep.tasks[fn], target).read_text()) for fn in written}


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
