"""Running the agent over many tasks: concurrency, resume, budget, progress.

Model calls run concurrently on one asyncio loop (up to `concurrency` tasks in flight);
verification runs in a process pool. Wall time therefore approaches
max(model latency x rounds / concurrency, CPU time of verification).
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass

from ..harness.build import ir_for
from ..models.base import BudgetExceeded, ModelError, Provider
from ..models.accounting import Budget
from ..record.store import RunStore, sample_key
from ..suite.task import Task
from ..targets import Target
from .prompts import Prompt
from .workflow import AgentConfig, TaskResult, TaskSolver, VerifyFn


@dataclass
class RunOutcome:
    results: list[dict]
    stopped: str = ""          # why the run stopped early ("" when complete)


async def run_tasks(tasks: list[Task], target: Target, provider: Provider, verify: VerifyFn, store: RunStore,
                    prompt: Prompt, cfg: AgentConfig, *, concurrency: int = 8, budget: Budget | None = None,
                    on_done: Callable[[str], None] | None = None, epochs: int = 1) -> RunOutcome:
    """Solve every task (`epochs` independent samples of each: --epochs, for pass@k) not
    already finished in the store; return all finished results of these tasks and epochs.

    A BudgetExceeded stops new work cleanly: tasks in flight end at their next model call
    and stay unfinished, so a rerun with a larger budget resumes them. Any other exception
    while solving one task (a reply that breaks something of ours) is recorded as that task's
    failure (status "infrastructure", outcome "error", the message in `error`) and the run
    goes on.
    """
    solver = TaskSolver(provider, verify, store, prompt, cfg, budget)
    sem = asyncio.Semaphore(max(1, concurrency))
    stop: list[str] = []

    async def one(task: Task, epoch: int) -> None:
        key = sample_key(task.id, epoch)
        if store.result(key) is not None:
            if on_done:
                on_done(key)
            return
        async with sem:
            if stop:
                return
            try:
                ir = await asyncio.to_thread(lambda: ir_for(task, target).read_text())
                res = await solver.solve(task, target, ir, epoch)
            except BudgetExceeded as e:
                stop.append(f"budget: {e}")
                return
            except ModelError as e:
                # auth, unknown model, retries exhausted: the whole run cannot go on
                stop.append(f"model error: {e}")
                return
            except Exception as e:  # anything else breaks this task only: record it, go on
                res = TaskResult(key, task.level, list(task.tags), status="infrastructure", outcome="error",
                                 error=f"{type(e).__name__}: {e}"[:2000],
                                 scripted=bool(getattr(provider, "scripted", False)), epoch=epoch)
            store.record_result(key, res.to_json())
            if on_done:
                on_done(key)

    # epoch-major order: with a limited budget or an interrupt, every task gets its first
    # sample before any task gets its second
    await asyncio.gather(*(one(t, e) for e in range(1, epochs + 1) for t in tasks))
    wanted = {sample_key(t.id, e) for t in tasks for e in range(1, epochs + 1)}
    results = [r for r in store.results() if r["task_id"] in wanted]
    return RunOutcome(results, stop[0] if stop else "")


__all__ = ["run_tasks", "RunOutcome", "TaskResult"]
