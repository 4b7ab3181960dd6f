"""The entry points: bench, baseline, evolve, verify. The CLI parses options into settings,
calls one of these and prints what it returns; a script does the same without the CLI.

None of them prints. Notices (resuming, SCRIPTED replies, no sandbox) go to `say`; long
stages report to `progress` (see hooks.py). Errors a user can fix raise NeuComBackError
subclasses with a one-line message; a bad candidate is never an exception (it is a verdict).
"""

from __future__ import annotations

import asyncio
import hashlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..baseline import BaselineResult, run_baseline, summarize_baseline
from ..errors import UsageError
from ..harness.verdict import Verdict
from ..record import log_dir, slug
from .hooks import Progress, Say, _silent, no_progress
from .session import SCRIPTED_NOTE, UNSAFE_NOTE, open_model, open_session, prove_limits, run_session
from .settings import BaselineSettings, BenchSettings, EvolveOptions, Selection

EXIT_STOPPED = 2   # a run that stopped early (model error, budget) without a signal


@dataclass
class BenchOutcome:
    """What a bench run produced: its summary (the metrics table's numbers), the stored
    result of every finished sample, and why it stopped early ("" when it did not).
    `exit_code` is 0 for a run that was not stopped, 130/143 after SIGINT/SIGTERM, else 2."""

    summary: dict[str, Any]
    results: list[dict[str, Any]]
    run_dir: Path
    stopped: str = ""
    exit_code: int = 0
    scripted: bool = False


@dataclass
class BaselineOutcome:
    """Every (task, compiler) verdict in task order per compiler, the per-compiler summary
    and the strength of the tests behind the verdicts."""

    target: str
    results: list[BaselineResult]
    summary: dict[str, Any]
    test_strength: dict[str, Any] = field(default_factory=dict)

    @property
    def infrastructure_failure(self) -> bool:
        return any(r.verdict.infrastructure_failure for r in self.results)

    def to_json(self) -> dict[str, Any]:
        return {"target": self.target, "results": [{"task": r.task.id, "compiler": r.compiler, **r.verdict.to_json()}
                                                   for r in self.results],
                "summary": self.summary, "test_strength": self.test_strength}


@dataclass
class EvolveOutcome:
    """The evolve.json document the run wrote (curve, best prompt, final comparison)."""

    doc: dict[str, Any]
    run_dir: Path

    @property
    def stopped(self) -> str:
        return str(self.doc.get("stopped") or "")


def _no_tasks(sel: Selection, split: str | None) -> UsageError:
    return UsageError(f"no tasks in suite {sel.suite!r} for split={split} level={sel.level} "
                      f"tags={list(sel.tags) or None}")


def bench(settings: BenchSettings, *, say: Say = _silent, progress: Progress = no_progress) -> BenchOutcome:
    """Run the agent over the selected tasks; record every attempt in the run directory
    (resuming what an earlier, interrupted run with the same settings left); summarize.

    SIGINT/SIGTERM stop the run at once; what was committed stays, and the outcome says it
    was interrupted (exit_code 130/143). A rerun with the same settings resumes."""
    from ..agent.prompts import Prompt
    from ..agent.runner import RunOutcome
    from ..agent.workflow import AgentConfig
    from ..record.store import sample_key
    from ..record.summary import finish_run
    from ..targets import get_target

    provider = open_model(settings.model)  # a bad model fails before anything is created on disk
    sel = settings.selection
    split = sel.split or ("all" if sel.tasks else "test")
    target = get_target(settings.target)
    suite = sel.load()
    tasks = sel.select(suite, split)
    if not tasks:
        raise _no_tasks(sel, split)
    prompt = Prompt.load(settings.prompt_file) if settings.prompt_file else Prompt()
    cfg = AgentConfig(settings.debug_rounds, settings.opt_rounds, settings.params)
    run_dir = settings.run_dir or log_dir() / slug(f"{settings.model.model}-{target.name}-{split}")
    m = settings.model
    config = {"command": "bench", "model": m.model, "suite": str(suite.root), "split": split,
              "level": sel.level, "limit": sel.limit, "tasks": sorted(t.id for t in tasks),
              "target": target.name, "epochs": settings.epochs, "debug_rounds": settings.debug_rounds,
              "opt_rounds": settings.opt_rounds, "params": cfg.params.to_json(), "base_url": m.base_url,
              "prompt": prompt.name, "prompt_sha": hashlib.sha256(prompt.to_toml().encode()).hexdigest()[:16],
              "model_options": dict(m.options) or None, "jobs": settings.jobs, "concurrency": m.concurrency,
              "rpm": m.rpm, "budget_usd": settings.budget_usd, "prove": settings.prove_seconds,
              "executor": settings.executor.kind, "executor_address": settings.executor.address}
    session = open_session(run_dir, config, provider, tasks, jobs=settings.jobs, concurrency=m.concurrency,
                           unsafe=settings.unsafe, budget_usd=settings.budget_usd,
                           prove_seconds=settings.prove_seconds, executor=settings.executor, say=say)
    code = 0
    try:
        outcome = run_session(session, tasks, target, prompt, cfg, progress, epochs=settings.epochs)
    except KeyboardInterrupt as e:  # what is recorded stays; the summary says the run is incomplete
        code = getattr(e, "exit_code", 130)
        wanted = {sample_key(t.id, k) for t in tasks for k in range(1, settings.epochs + 1)}
        outcome = RunOutcome([r for r in session.store.results() if r["task_id"] in wanted],
                             f"interrupted ({'SIGTERM' if code == 143 else 'SIGINT'})")
    summary = finish_run(session.store, run_dir, outcome.results, model=m.model, target=target.name, split=split,
                         stopped=outcome.stopped, expected=len(tasks) * settings.epochs)
    return BenchOutcome(summary, outcome.results, run_dir, outcome.stopped,
                        code or (EXIT_STOPPED if outcome.stopped else 0), bool(getattr(provider, "scripted", False)))


def baseline(settings: BaselineSettings, *, say: Say = _silent, progress: Progress = no_progress) -> BaselineOutcome:
    """Compile every selected task with each reference compiler and verify (and for native
    Level 2, time) it like a candidate. Nothing is recorded on disk but the build caches."""
    from ..executors import open_executor
    from ..suite.strength.record import summarize_record
    from ..targets import get_target

    target = get_target(settings.target)
    sel = settings.selection
    tasks = sel.select()
    if not tasks:
        raise _no_tasks(sel, sel.split)
    if settings.unsafe:
        say(UNSAFE_NOTE)
    results: list[BaselineResult] = []
    executor = open_executor(settings.executor, settings.jobs, unsafe=settings.unsafe,
                             prove=prove_limits(settings.prove_seconds))
    try:
        for comp in settings.compilers:
            with progress(f"{comp} on {target.name}", len(tasks)) as advance:
                results += run_baseline(tasks, target, comp, executor, jobs=settings.jobs, timing=settings.timing,
                                        on_result=lambda r: advance(r.task.id))
    except BaseException:
        executor.close(kill=True)
        raise
    executor.close()
    return BaselineOutcome(target.name, results, summarize_baseline(results), summarize_record(tasks, target.name))


def verify(asm: bytes | str, task: str, *, target: str = "x86_64", suite: str = "builtin", timing: bool = True,
           callgrind: bool = False, prove_seconds: float | None = None, unsafe: bool = False) -> Verdict:
    """Build, run, check (and for native Level 2, time) one candidate for one task. Never
    raises for a bad candidate: the verdict says which stage failed and why."""
    from ..harness.evaluate import Evaluator
    from ..suite import load_suite
    from ..targets import get_target

    tgt = get_target(target)
    the_task = load_suite(suite).get(task)
    evaluator = Evaluator(unsafe=unsafe, callgrind=callgrind, prove=prove_limits(prove_seconds))
    return evaluator.verify(the_task, tgt, asm, timing=timing)


def evolve(options: EvolveOptions, *, say: Say = _silent) -> EvolveOutcome:
    """Self-evolving prompt optimization over RUN_DIR (resumable): learn guidelines on the
    train split, select on valid (rolling back when worse), and with `final_test` compare
    the initial and the selected prompt on test."""
    from ..evolve.loop import Evolver, EvolveEnv
    from ..evolve.settings import RESUME_KEYS
    from ..evolve.state import EvolveState
    from ..executors import open_executor
    from ..models.accounting import Budget

    settings, splits, target = _evolve_plan(options)
    provider = open_model(options.model)  # a bad model fails before anything is created on disk
    analyst = open_model(options.analysis) if options.analysis else None
    run_dir = options.run_dir or log_dir() / slug(f"evolve-{options.model.model}-{target.name}")
    state, resumed = EvolveState.open(run_dir, settings.config(splits.ids()), RESUME_KEYS)
    if resumed:
        say(f"resuming {run_dir}: {len(state.data['steps'])} step(s) already finished")
    if getattr(provider, "scripted", False) or getattr(analyst, "scripted", False):
        say(SCRIPTED_NOTE)
    if options.unsafe:
        say(UNSAFE_NOTE)
    limit = options.budget_usd
    budget = Budget(None if limit is None else max(limit - state.spent_usd, 0.0))
    pool = open_executor(options.executor, options.jobs, unsafe=options.unsafe)
    try:
        env = EvolveEnv(provider, pool.verify, budget, options.model.concurrency, say, analyst)
        doc = asyncio.run(Evolver(settings, splits, target, env, run_dir, state).run(options.final_test))
    except BaseException:
        pool.close(kill=True)
        raise
    pool.close()
    return EvolveOutcome(doc, run_dir)


def _evolve_plan(o: EvolveOptions) -> tuple[Any, Any, Any]:
    """(settings, splits, target); UsageError for what cannot run (an empty split)."""
    from ..evolve.loop import Splits
    from ..evolve.settings import EvolveSettings
    from ..targets import get_target

    target = get_target(o.target)
    sel = o.selection
    suite = sel.load()
    only = Selection(suite=sel.suite, level=sel.level, tasks=sel.tasks, tags=sel.tags)  # no limit, no shuffle
    splits = Splits(*(only.select(suite, s) for s in ("train", "valid", "test")))
    for name in ("train", "valid") + (("test",) if o.final_test else ()):
        if not getattr(splits, name):
            at = f" at level {sel.level}" if sel.level is not None else ""
            raise UsageError(f"suite {sel.suite!r} has no tasks{at} in the {name} split; record splits with "
                             f"`neucomback suite assign-splits --suite {sel.suite}`")
    analysis = o.analysis
    settings = EvolveSettings(model=o.model.model, suite=str(suite.root.resolve()), target=target.name,
                              epochs=o.epochs, batch_size=o.batch_size, debug_rounds=o.debug_rounds,
                              opt_rounds=o.opt_rounds, seed=o.seed, base_url=o.model.base_url, level=sel.level,
                              params=o.params, analysis_model=analysis.model if analysis else None,
                              analysis_base_url=analysis.base_url if analysis else None)
    settings.check()
    return settings, splits, target


def list_models(provider: str = "openai", *, base_url: str | None = None,
                api_key_env: str | None = None) -> tuple[str, list[str]]:
    """(where, sorted model names) that a service offers: the names to use as provider:NAME.
    `provider` is openai (any OpenAI-compatible server) or anthropic."""
    from ..models.preflight import service_of
    from ..models.registry import make_provider

    if provider not in ("openai", "anthropic"):
        raise UsageError(f"--provider is openai or anthropic, not {provider!r}")
    service = service_of(make_provider(f"{provider}:-", base_url=base_url, api_key_env=api_key_env))
    return service.where, sorted(asyncio.run(service.list_models()))
