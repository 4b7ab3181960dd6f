"""Wiring a run together for bench/evolve/compile: store, provider (+cache, budget), verifier pool."""

from __future__ import annotations

import asyncio
import signal
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..agent.prompts import Prompt
from ..agent.runner import RunOutcome, run_tasks
from ..agent.workflow import AgentConfig
from ..executors import ExecutorSettings, open_executor
from ..models.accounting import Budget
from ..models.base import ModelUnavailableError, Provider
from ..record.provenance import record_provenance
from ..record.store import RunStore
from ..suite.task import Task
from ..targets import Target
from .hooks import Progress, Say, _silent, no_progress
from .settings import ModelSettings

SCRIPTED_NOTE = "SCRIPTED replies: these results are not a model's output."
UNSAFE_NOTE = "warning: running model code WITHOUT a sandbox"

RESUME_KEYS = ["command", "model", "suite", "split", "level", "limit", "tasks", "target", "debug_rounds",
               "opt_rounds", "params", "model_options", "prompt_sha", "prove"]


@dataclass
class Session:
    store: RunStore
    provider: Provider
    budget: Budget
    jobs: int
    concurrency: int
    unsafe: bool
    prove: Any = None      # ProveLimits for --prove, else None
    executor: ExecutorSettings = ExecutorSettings()


def open_model(m: ModelSettings) -> Provider:
    """The provider for `m.model`, behind the response cache unless `m.cache` is off (llc is
    never cached). With `m.check`, one cheap request first checks that the service is
    reachable, takes the key and offers the model, so that a wrong URL, key or model name is a
    one-line error before a run directory exists."""
    from ..cache import cache_root
    from ..models.cache import CachedProvider, ResponseCache
    from ..models.preflight import SKIP_HINT, check_service
    from ..models.registry import make_provider

    provider = make_provider(m.model, base_url=m.base_url, api_key_env=m.api_key_env, timeout_s=m.timeout,
                             concurrency=m.concurrency, max_retries=m.max_retries, prices_path=m.prices,
                             options=dict(m.options), rpm=m.rpm)
    if m.check:
        try:
            asyncio.run(check_service(provider))
        except ModelUnavailableError as e:
            raise ModelUnavailableError(f"{e}. Is the server running, and is --base-url right? ({SKIP_HINT}, "
                                        "e.g. when every reply is in the cache)") from None
    if not m.cache or m.model.startswith("llc:"):
        return provider
    return CachedProvider(provider, ResponseCache(cache_root() / "responses.sqlite"))


def prove_limits(seconds: float | None) -> Any:
    """The proof tier's limits for a budget in seconds (None: no proof tier); UsageError if
    the tier cannot run here (the `prove` extra is missing)."""
    if seconds is None:
        return None
    from ..errors import UsageError
    from ..prove import ProveLimits, missing

    why = missing()
    if why:
        raise UsageError(f"--prove: {why}")
    return ProveLimits(seconds=seconds)


def open_session(run_dir: Path, config: dict[str, Any], provider: Provider, tasks: list[Task] | None = None, *,
                 jobs: int = 2, concurrency: int = 8, unsafe: bool = False, budget_usd: float | None = None,
                 prove_seconds: float | None = None, executor: ExecutorSettings = ExecutorSettings(),
                 say: Say = _silent) -> Session:
    """Open (or resume) the run in `run_dir` for `config`, record provenance, and bound the
    budget by what earlier sessions of the run spent."""
    store = RunStore(run_dir)
    resumed = store.bind_config(config, RESUME_KEYS)
    record_provenance(store, config, resumed, tasks)
    if resumed:
        say(f"resuming {run_dir}: {len(store.results())} task(s) already finished")
    if getattr(provider, "scripted", False):
        say(SCRIPTED_NOTE)
    if unsafe:
        say(UNSAFE_NOTE)
    budget = Budget(budget_usd)
    spent = store.get_meta("spent_usd") or 0.0
    if spent and budget_usd is not None:
        budget = Budget(max(budget_usd - spent, 0.0))
    executor.check()
    return Session(store, provider, budget, jobs, concurrency, unsafe, prove_limits(prove_seconds), executor)


def run_session(s: Session, tasks: list[Task], target: Target, prompt: Prompt, cfg: AgentConfig,
                progress: Progress = no_progress, label: str = "", epochs: int = 1) -> RunOutcome:
    """Run the agent over tasks with a progress bar; record spending in the store.

    SIGINT or SIGTERM stops the run at once: model calls in flight are cancelled, verifier
    workers are killed, and KeyboardInterrupt (Terminated for SIGTERM) reaches the caller,
    which records the run as incomplete. What was committed stays; a rerun resumes."""
    pool = open_executor(s.executor, s.jobs, unsafe=s.unsafe, prove=s.prove)
    previous = _on_sigterm(_raise_terminated)
    interrupted = False
    try:
        with progress(label or f"{s.provider.name} on {target.name}", len(tasks) * epochs) as advance:
            return asyncio.run(run_tasks(tasks, target, s.provider, pool.verify, s.store, prompt, cfg,
                                         concurrency=s.concurrency, budget=s.budget, on_done=advance,
                                         epochs=epochs))
    except KeyboardInterrupt:
        interrupted = True
        pool.close(kill=True)
        raise
    finally:
        _on_sigterm(previous)
        if not interrupted:
            pool.close()
        prev = s.store.get_meta("spent_usd") or 0.0
        s.store.set_meta("spent_usd", prev + s.budget.spent)


class Terminated(KeyboardInterrupt):
    """SIGTERM, turned into an interrupt so that a run stops as cleanly as on Ctrl-C."""

    exit_code = 143


def _raise_terminated(signum: int, frame: Any) -> None:
    raise Terminated()


def _on_sigterm(handler: Any) -> Any:
    """Install a SIGTERM handler (main thread only); return the previous one."""
    if threading.current_thread() is not threading.main_thread():
        return None
    return signal.signal(signal.SIGTERM, handler if handler is not None else signal.SIG_DFL)
