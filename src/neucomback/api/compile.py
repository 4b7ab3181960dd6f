"""`compile_module`: a user's module through the agent, verified function by function,
written as one assembly file (model-written where verified, llc -O3 elsewhere)."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..errors import UsageError
from ..executors import ExecutorSettings
from ..models.base import GenParams
from .hooks import Progress, Say, _silent, no_progress
from .settings import ModelSettings


@dataclass(frozen=True)
class CompileSettings:
    """`neucomback compile`. `functions` empty: every function; `fallback` llc-O3 or none;
    `missing_spec` error or fallback; `decompose` never, auto (above `decompose_above` IR
    instructions) or always. Default output: SOURCE with .s; default run directory:
    $NEUCOMBACK_LOG_DIR (or runs)/compile-<source>-<model>-<target>."""

    source: Path
    model: ModelSettings
    output: Path | None = None
    target: str = "x86_64"
    functions: tuple[str, ...] = ()
    fallback: str = "llc-O3"
    arg_spec: Path | None = None
    missing_spec: str = "error"
    decompose: str = "never"
    decompose_above: int = 250
    debug_rounds: int = 3
    params: GenParams = GenParams()
    run_dir: Path | None = None
    jobs: int = 2
    executor: ExecutorSettings = ExecutorSettings()
    prove_seconds: float | None = None
    unsafe: bool = False

    def check(self) -> None:
        from ..compile.decompose import DECOMPOSE
        from ..compile.run import FALLBACKS, MISSING_SPEC

        for flag, value, allowed in (("--fallback", self.fallback, FALLBACKS), ("--decompose", self.decompose, DECOMPOSE),
                                     ("--missing-spec", self.missing_spec, MISSING_SPEC)):
            if value not in allowed:
                raise UsageError(f"{flag} must be one of {', '.join(allowed)}, got {value!r}")


@dataclass
class CompileOutcome:
    """The summary `compile --json` prints: per function, model-written or fallback and why."""

    summary: dict[str, Any]

    @property
    def refused(self) -> bool:
        return bool(self.summary["refused"])

    @property
    def fell_back(self) -> int:
        return int(self.summary["fell_back"])


def compile_module(s: CompileSettings, *, say: Say = _silent, progress: Progress = no_progress) -> CompileOutcome:
    """Translate every selected function of the module with the model, verify each on tests
    synthesised from its IR signature against llc's code for the same IR, and write one
    assembly file: model-written where verified, llc -O3 elsewhere (with fallback "none",
    nothing is written unless every function is verified)."""
    from ..agent.prompts import Prompt
    from ..agent.workflow import AgentConfig
    from ..cache import atomic_write_text
    from ..compile.run import Verified, bundled_with, compose_output, prepare
    from ..harness.evaluate import Evaluator
    from ..record import log_dir, slug
    from ..record.store import sample_key
    from ..targets import get_target
    from .session import open_model, open_session, prove_limits, run_session

    s.check()
    target = get_target(s.target)
    provider = open_model(s.model)
    model = s.model.model
    run_dir = s.run_dir or log_dir() / slug(f"compile-{s.source.stem}-{model}-{target.name}")
    prep = prepare(s.source, target, list(s.functions) or None, s.arg_spec, run_dir / "compile-tasks", s.missing_spec,
                   s.decompose, s.decompose_above)
    tasks = list(prep.tasks.values())
    cfg = AgentConfig(s.debug_rounds, 0, s.params)
    verified: dict[str, Verified] = {}
    why_not: dict[str, str] = {}
    if tasks:
        prompt = Prompt()
        config = {"command": "compile", "model": model, "suite": str(run_dir / "compile-tasks" / "functions"),
                  "split": "all", "level": 1, "limit": None, "tasks": sorted(t.id for t in tasks),
                  "target": target.name, "debug_rounds": s.debug_rounds, "opt_rounds": 0,
                  "params": cfg.params.to_json(), "base_url": s.model.base_url, "prompt": prompt.name,
                  "prompt_sha": hashlib.sha256(prompt.to_toml().encode()).hexdigest()[:16], "model_options": None,
                  "decompose": s.decompose, "source": str(s.source),
                  "source_sha": hashlib.sha256(prep.ir.encode()).hexdigest()[:16],
                  "jobs": s.jobs, "concurrency": s.model.concurrency, "prove": s.prove_seconds,
                  "executor": s.executor.kind}
        session = open_session(run_dir, config, provider, tasks, jobs=s.jobs, concurrency=s.model.concurrency,
                               unsafe=s.unsafe, prove_seconds=s.prove_seconds, executor=s.executor, say=say)
        run_session(session, tasks, target, prompt, cfg, progress, label=f"compile {s.source.name}")
        for fn, task in prep.tasks.items():
            res = session.store.result(sample_key(task.id, 1))
            if res and res.get("status") == "infrastructure":  # e.g. the reference crashes on the inputs
                why_not[fn] = f"infrastructure failure, not the model's: {str(res.get('error', '')).splitlines()[0][:200]}"
            if res and res.get("correct") and res.get("best_round") is not None:
                att = session.store.attempt(sample_key(task.id, 1), res["best_round"])
                if att and att.get("asm"):
                    verified[fn] = Verified(fn, att["asm"], task.cases + task.added_count, res["best_round"],
                                            res.get("proof"))
    composed = compose_output(prep, target, verified, model,
                              Evaluator(unsafe=s.unsafe, prove=prove_limits(s.prove_seconds)), s.source, why_not)
    out = s.output or s.source.with_suffix(".s")
    refused = s.fallback == "none" and bool(composed.fell_back)
    if not refused:
        atomic_write_text(out, composed.text)
    faulty = model.startswith("faulty:")
    differs = _differs_from_llc(prep, target, verified, [w for w in composed.model_written if w in prep.tasks]) \
        if faulty else {}
    bundled = bundled_with(prep)
    summary = {"source": str(s.source), "output": None if refused else str(out), "target": target.name,
               "model": model, "scripted": bool(getattr(provider, "scripted", False)), "run_dir": str(run_dir),
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
    return CompileOutcome(summary)


def _differs_from_llc(prep: Any, target: Any, verified: dict[str, Any], written: list[str]) -> dict[str, bool]:
    """For a fault-injecting model: is each model-written function's verified assembly other
    than llc's own? Then a mistake passed its tests (an equivalent mutant, or a test gap)."""
    from ..harness.build import reference_asm

    def norm(text: str) -> list[str]:
        return [l.split("#")[0].rstrip() for l in text.splitlines() if l.strip() and not l.lstrip().startswith((".file", "#"))]

    return {fn: norm(verified[fn].asm) != norm(reference_asm(prep.tasks[fn], target).read_text()) for fn in written}
