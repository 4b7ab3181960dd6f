"""Typed settings of the API's entry points (bench, baseline, evolve, verify).

One `Selection` (which tasks) and one `ModelSettings` (which model service, how to talk to
it) are shared by bench and evolve; sampling is `models.base.GenParams`. The CLI builds these
from its options and nothing else: every option of a command is a field here.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..executors import ExecutorSettings
from ..models.base import GenParams
from ..suite.loader import Suite, load_suite
from ..suite.task import Task


@dataclass(frozen=True)
class Selection:
    """Which tasks of which suite: the same filters on bench, baseline and evolve.

    `split` None means the command's default (bench: test, or all when `tasks` names them;
    evolve uses train/valid/test and ignores it). `limit` keeps at most N tasks, spread over
    the levels; `shuffle` with `seed` shuffles before the limit."""

    suite: str = "builtin"
    split: str | None = None
    level: int | None = None
    limit: int | None = None
    tasks: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    shuffle: bool = False
    seed: int = 0

    def load(self) -> Suite:
        return load_suite(self.suite)

    def select(self, suite: Suite | None = None, split: str | None = None) -> list[Task]:
        """The selected tasks (split overrides `self.split`, e.g. for evolve's three splits)."""
        suite = suite or self.load()
        return suite.select(level=self.level, split=split or self.split, limit=self.limit,
                            ids=list(self.tasks) or None, tags=list(self.tags) or None, shuffle=self.shuffle,
                            seed=self.seed)

    def describe(self) -> str:
        return f"split={self.split} level={self.level} tags={list(self.tags) or None}"


@dataclass(frozen=True)
class ModelSettings:
    """A model as provider:name, and how to reach it.

    `check` sends one cheap request first (wrong URL, key or model name fail before a run
    directory exists); `cache` puts the provider behind the response cache (llc never is)."""

    model: str
    base_url: str | None = None
    api_key_env: str | None = None
    timeout: float = 600.0
    concurrency: int = 8          # model calls in flight
    max_retries: int = 4
    rpm: float | None = None
    options: dict[str, Any] = field(default_factory=dict)   # extra request fields (-M key=value)
    prices: Path | None = None
    check: bool = True
    cache: bool = True


@dataclass(frozen=True)
class BenchSettings:
    """`neucomback bench`: the agent over a selection of tasks, recorded in `run_dir`
    (default: $NEUCOMBACK_LOG_DIR or runs, /<model>-<target>-<split>)."""

    model: ModelSettings
    selection: Selection = Selection()
    params: GenParams = GenParams()
    target: str = "x86_64"
    epochs: int = 1
    debug_rounds: int = 3
    opt_rounds: int = 0
    run_dir: Path | None = None
    jobs: int = 2                 # verification worker processes
    executor: ExecutorSettings = ExecutorSettings()   # where verification runs (local, ray)
    budget_usd: float | None = None
    prompt_file: Path | None = None
    prove_seconds: float | None = None   # the proof tier's budget per query; None: no proof tier
    unsafe: bool = False                 # run model code without the sandbox


@dataclass(frozen=True)
class BaselineSettings:
    """`neucomback baseline`: the reference compilers through the same verifier, no model."""

    selection: Selection = Selection()
    target: str = "x86_64"
    compilers: tuple[str, ...] = ("llc-O3",)
    jobs: int = 2
    executor: ExecutorSettings = ExecutorSettings()
    timing: bool = True
    prove_seconds: float | None = None
    unsafe: bool = False


@dataclass(frozen=True)
class EvolveOptions:
    """`neucomback evolve`: learn guidelines on train, select on valid, optionally compare on
    test. `analysis` is the model that analyses traces and merges/reviews guidelines
    (None: `model`). The selection's split and limit are not used (evolve uses all three
    splits)."""

    model: ModelSettings
    selection: Selection = Selection()
    params: GenParams = GenParams()
    analysis: ModelSettings | None = None
    target: str = "x86_64"
    epochs: int = 1
    batch_size: int = 8
    debug_rounds: int = 3
    opt_rounds: int = 0
    seed: int = 0
    run_dir: Path | None = None
    jobs: int = 2
    executor: ExecutorSettings = ExecutorSettings()
    budget_usd: float | None = None
    final_test: bool = False
    unsafe: bool = False
