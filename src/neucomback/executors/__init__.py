"""Where verification runs: an `Executor` verifies one candidate at a time, awaitably.

Two implementations:
    local   harness/pool.py's VerifierPool: worker processes on this machine (the default)
    ray     executors/ray_cluster.py: tasks on a Ray cluster, placed by the ISA label of the
            nodes (`ray start --labels isa=aarch64`), timing under a per-node exclusive slot

Model calls, the run store and the reply cache stay with the caller (the driver); only
verification (build, sandboxed runs, checks, timing, the proof tier) moves. An executor
never raises for a bad candidate: `verify` returns its verdict, and where it ran is in
`verdict.placement`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol

from ..errors import UsageError
from ..harness.verdict import Verdict
from ..suite.task import Task

KINDS = ("local", "ray")


class Executor(Protocol):
    name: str

    async def verify(self, task: Task, target_name: str, asm: str | bytes, timing: bool) -> Verdict:
        """Judge one candidate (timing: time native Level 2 tasks against clang -O3)."""
        ...

    def close(self, kill: bool = False) -> None:
        """Release the workers; with `kill` (an interrupted run) at once."""
        ...


@dataclass(frozen=True)
class ExecutorSettings:
    """`--executor local|ray [--address ADDR]`. Without an address, Ray starts a one-node
    cluster on this machine for the run (labelled with this machine's ISA)."""

    kind: str = "local"
    address: str | None = None

    def check(self) -> None:
        if self.kind not in KINDS:
            raise UsageError(f"--executor is one of {', '.join(KINDS)}, not {self.kind!r}")
        if self.address and self.kind != "ray":
            raise UsageError("--address needs --executor ray")


def open_executor(settings: ExecutorSettings, jobs: int = 2, *, unsafe: bool = False, prove: Any = None,
                  pairs: int = 8) -> Executor:
    """The executor `settings` name, with `jobs` workers (local: processes; ray: the CPUs of
    the cluster it starts; an existing cluster keeps its own size)."""
    settings.check()
    if settings.kind == "ray":
        from .ray_cluster import RayExecutor

        return RayExecutor(settings.address, jobs, unsafe=unsafe, prove=prove, pairs=pairs)
    from ..harness.pool import VerifierPool

    return VerifierPool(jobs, unsafe=unsafe, prove=prove, pairs=pairs)
