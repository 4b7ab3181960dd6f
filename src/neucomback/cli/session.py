"""Wiring a run together for bench/evolve: store, provider (+cache, budget), verifier pool."""

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
from ..harness.pool import VerifierPool
from ..models.accounting import Budget
from ..models.base import ModelUnavailableError, Provider
from ..report.provenance import record_provenance
from ..store import RunStore
from ..suite.task import Task
from ..targets import Target
from .common import console
from .progress import progress_bar

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


def make_model(a: dict[str, Any], spec_key: str = "model", url_key: str = "base_url") -> Provider:
    """The provider for --model (or another role's option), behind the response cache unless
    --no-cache (llc is never cached). Unless --no-check, one cheap request first checks that
    the service is reachable, takes the key and offers the model, so that a wrong URL, key or
    model name is a one-line error before a run directory exists."""
    from ..cache import cache_root
    from ..models.cache import CachedProvider, ResponseCache
    from ..models.preflight import SKIP_HINT, check_service
    from ..models.registry import make_provider, parse_model_options

    spec = a[spec_key]
    provider = make_provider(spec, base_url=a.get(url_key), api_key_env=a.get("api_key_env"),
                             timeout_s=a.get("timeout", 600.0), concurrency=a.get("concurrency", 8),
                             max_retries=a.get("max_retries", 4), prices_path=a.get("prices"),
                             options=parse_model_options(a.get("model_option")), rpm=a.get("rpm"))
    if not a.get("no_check"):
        try:
            asyncio.run(check_service(provider))
        except ModelUnavailableError as e:
            raise ModelUnavailableError(f"{e}. Is the server running, and is --base-url right? ({SKIP_HINT}, "
                                        "e.g. when every reply is in the cache)") from None
    if a.get("no_cache") or spec.startswith("llc:"):
        return provider
    return CachedProvider(provider, ResponseCache(cache_root() / "responses.sqlite"))


def open_session(run_dir: Path, config: dict[str, Any], a: dict[str, Any], provider: Provider,
                 tasks: list[Task] | None = None) -> Session:
    store = RunStore(run_dir)
    resumed = store.bind_config(config, RESUME_KEYS)
    record_provenance(store, config, resumed, tasks)
    if resumed and not a.get("json_out"):
        done = len(store.results())
        console.print(f"resuming {run_dir}: {done} task(s) already finished", highlight=False)
    if getattr(provider, "scripted", False) and not a.get("json_out"):
        console.print("[bold yellow]SCRIPTED replies: these results are not a model's output.[/]")
    if a.get("unsafe"):
        console.print("[bold yellow]warning:[/] running model code WITHOUT a sandbox")
    budget = Budget(a.get("budget_usd"))
    budget_spent = store.get_meta("spent_usd") or 0.0
    if budget_spent and a.get("budget_usd") is not None:
        budget = Budget(max(a["budget_usd"] - budget_spent, 0.0))
    from .common import prove_limits

    return Session(store, provider, budget, a.get("jobs", 2), a.get("concurrency", 8), bool(a.get("unsafe")),
                   prove_limits(bool(a.get("prove")), a.get("prove_seconds", 30.0)))


def run_session(s: Session, tasks: list[Task], target: Target, prompt: Prompt, cfg: AgentConfig,
                quiet: bool = False, label: str = "", epochs: int = 1) -> RunOutcome:
    """Run the agent over tasks with a progress bar; record spending in the store.

    SIGINT or SIGTERM stops the run at once: model calls in flight are cancelled, verifier
    workers are killed, and KeyboardInterrupt (Terminated for SIGTERM) reaches the caller,
    which records the run as incomplete. What was committed stays; a rerun resumes."""
    pool = VerifierPool(s.jobs, unsafe=s.unsafe, prove=s.prove)
    previous = _on_sigterm(_raise_terminated)
    interrupted = False
    try:
        with progress_bar(label or f"{s.provider.name} on {target.name}", len(tasks) * epochs, quiet) as advance:
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
