"""Running a list of tasks with one prompt into its own RunStore directory.

Every rollout of an evolve run (a training batch, a validation or test evaluation) goes
through here, so all share one provider, one verifier pool and one budget, and all are
recorded attempt by attempt: a rerun replays them instead of calling the model again.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..agent.prompts import Prompt
from ..agent.runner import run_tasks
from ..agent.workflow import AgentConfig, VerifyFn
from ..models.accounting import Budget
from ..models.base import Provider
from ..record.metrics import summarize
from ..record.provenance import record_provenance
from ..record.store import RunStore
from ..suite.task import Task
from ..targets import Target
from .settings import Stopped, content_key

ROLLOUT_RESUME_KEYS = ["command", "label", "prompt_key", "tasks", "target", "debug_rounds", "opt_rounds", "params"]


@dataclass
class Rollout:
    """The finished rollout: its store (open), per-task results and their metrics."""

    store: RunStore
    results: list[dict[str, Any]]
    summary: dict[str, Any]


class Runner:
    """Runs tasks with a prompt; shared by every rollout of one evolve process."""

    def __init__(self, provider: Provider, verify: VerifyFn, target: Target, cfg: AgentConfig, budget: Budget,
                 concurrency: int = 8) -> None:
        self.provider, self.verify, self.target = provider, verify, target
        self.cfg, self.budget, self.concurrency = cfg, budget, concurrency

    async def run(self, tasks: list[Task], prompt: Prompt, run_dir: Path, label: str) -> Rollout:
        """Solve every task (replaying what `run_dir` already holds); raise Stopped if the run stopped.

        The store refuses to resume with another prompt or task list: a step directory always
        holds one rollout of one prompt.
        """
        store = RunStore(run_dir)
        config = {"command": "evolve-rollout", "label": label, "prompt": prompt.name,
                  "prompt_key": content_key(prompt), "tasks": [t.id for t in tasks], "model": self.provider.name,
                  "target": self.target.name, "debug_rounds": self.cfg.debug_rounds,
                  "opt_rounds": self.cfg.opt_rounds, "params": self.cfg.params.to_json()}
        resumed = store.bind_config(config, ROLLOUT_RESUME_KEYS)
        record_provenance(store, config, resumed, tasks)
        outcome = await run_tasks(tasks, self.target, self.provider, self.verify, store, prompt, self.cfg,
                                  concurrency=self.concurrency, budget=self.budget)
        if outcome.stopped:
            store.close()
            raise Stopped(f"{label}: {outcome.stopped}")
        return Rollout(store, outcome.results, summarize(outcome.results))
