"""Verification in a process pool, awaitable from asyncio.

Each worker process holds its own Evaluator (and so its own sandbox uid range). Timing
sections are serialized across workers with one shared lock, so two timings never run at
the same time on a 2-core machine.
"""

from __future__ import annotations

import asyncio
import multiprocessing as mp
import platform
from concurrent.futures import ProcessPoolExecutor
from typing import Any

from ..suite.task import Task
from ..targets import get_target
from .verdict import Verdict

_evaluator: Any = None


def _die_with_parent() -> None:
    """Linux: the kernel SIGKILLs this worker when its parent (the main process) dies,
    whatever killed it; its sandboxes die with it (bwrap --die-with-parent).
    Ctrl-C reaches the whole process group: the main process handles it (and kills the
    workers), so a worker ignores SIGINT rather than printing a traceback."""
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        import ctypes

        ctypes.CDLL(None, use_errno=True).prctl(1, int(signal.SIGKILL))  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass


def _init(unsafe: bool, pairs: int, lock: Any, prove: Any) -> None:
    global _evaluator
    from . import evaluate

    _die_with_parent()
    evaluate.TIMING_LOCK = lock  # share one lock between all workers
    _evaluator = evaluate.Evaluator(unsafe=unsafe, pairs=pairs, prove=prove)


def _verify(task: Task, target_name: str, asm: str | bytes, timing: bool) -> dict[str, Any]:
    v = _evaluator.verify(task, get_target(target_name), asm, timing=timing)
    v.placement = {"executor": "local", "host": platform.node()}
    return v.to_json()


class VerifierPool:
    """`await pool.verify(task, target_name, asm, timing)` -> Verdict, run in a worker process
    (the local executor, see executors/)."""

    name = "local"

    def __init__(self, jobs: int = 2, *, unsafe: bool = False, pairs: int = 8, prove: Any = None) -> None:
        # spawn, not forkserver: workers are then children of this process, so the kernel
        # kills them when it dies (PR_SET_PDEATHSIG), even by SIGKILL; a forkserver outlives it
        ctx = mp.get_context("spawn")
        self._lock = ctx.Lock()
        self._pool = ProcessPoolExecutor(max_workers=max(1, jobs), mp_context=ctx, initializer=_init,
                                         initargs=(unsafe, pairs, self._lock, prove))

    async def verify(self, task: Task, target_name: str, asm: str | bytes, timing: bool) -> Verdict:
        loop = asyncio.get_running_loop()
        d = await loop.run_in_executor(self._pool, _verify, task, target_name, asm, timing)
        return Verdict.from_json(d)

    def close(self, kill: bool = False) -> None:
        """Shut the pool down; with `kill` (an interrupted run) at once: workers are killed
        (their sandboxes die with them) instead of finishing their current verification."""
        if kill:
            for proc in list(getattr(self._pool, "_processes", {}).values()):
                proc.kill()
            self._pool.shutdown(wait=False, cancel_futures=True)
            return
        self._pool.shutdown(wait=True, cancel_futures=True)

    def __enter__(self) -> "VerifierPool":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
