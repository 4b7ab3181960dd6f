"""The settings of an evolve run, and which of them a resumed run must share."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import Any

from ..agent.prompts import Prompt
from ..errors import UsageError
from ..models.base import GenParams

SECTIONS = ("correctness", "performance")
# A rerun resumes only if these match: they decide which calls are made and what is learned.
# --jobs, --concurrency, --budget-usd, --no-cache, --final-test and --base-url may change
# (a local server's port is often new after a restart; bench treats it the same way).
RESUME_KEYS = ["command", "model", "suite", "level", "target", "epochs", "batch_size", "debug_rounds",
               "opt_rounds", "seed", "params", "tasks", "analysis_model"]


class Stopped(Exception):
    """The run must stop at the current step boundary (budget reached, model service failed)."""


@dataclass(frozen=True)
class EvolveSettings:
    """What an evolve run does. `suite` is the resolved suite root (a path string)."""

    model: str
    suite: str
    target: str
    epochs: int
    batch_size: int
    debug_rounds: int
    opt_rounds: int
    seed: int = 0
    params: GenParams = GenParams()
    base_url: str | None = None
    level: int | None = None
    analysis_model: str | None = None  # the model of analyse/merge/review (None: `model`)
    analysis_base_url: str | None = None  # its endpoint (recorded, not a resume key, like base_url)

    def check(self) -> None:
        """Raise UsageError for settings that cannot run."""
        if self.epochs < 1 or self.batch_size < 1:
            raise UsageError("--epochs and --batch-size must be at least 1")
        if self.debug_rounds < 0 or self.opt_rounds < 0:
            raise UsageError("--debug-rounds and --opt-rounds must be >= 0")

    def config(self, tasks: dict[str, list[str]]) -> dict[str, Any]:
        """The JSON recorded in the state file; `tasks` maps split -> task ids."""
        return {"command": "evolve", "model": self.model, "suite": self.suite, "level": self.level,
                "target": self.target,
                "epochs": self.epochs, "batch_size": self.batch_size, "debug_rounds": self.debug_rounds,
                "opt_rounds": self.opt_rounds, "seed": self.seed, "params": self.params.to_json(),
                "base_url": self.base_url, "tasks": tasks, "analysis_model": self.analysis_model,
                "analysis_base_url": self.analysis_base_url}


def content_key(prompt: Prompt) -> str:
    """A digest of what a prompt says to the model (its guideline sections), not its name or score:
    two versions with the same guidelines behave the same and share evaluations."""
    blob = json.dumps({s: getattr(prompt, s).strip() for s in SECTIONS}, sort_keys=True)
    return hashlib.sha256(blob.encode()).hexdigest()[:16]
