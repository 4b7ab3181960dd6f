"""Verification on a Ray cluster (`--executor ray [--address ADDR]`; `pip install -e '.[ray]'`).

Placement. A node says what it is with labels (`ray start --labels isa=aarch64`). A
candidate for target T runs on a node labelled isa=T when the cluster has one (an aarch64
candidate is then run and timed natively there); otherwise on any node, under qemu-user,
where timing is never reported as speed (the evaluator's rule, decided on the node).

Timing. A node that times offers the custom resource `timing_slot` of 1 (`ray start
--resources '{"timing_slot": 1}'`); a timed verification (native Level 2) runs only on such
a node. Its timing section, and only that, holds the node's exclusive slot: a lock in the
node's own temp directory (flock; released by the kernel if the worker dies), so two timings
never share a node (nor a host, for clusters simulated on one machine), while builds and
correctness runs of other tasks go on, as with the local pool. The candidate and its clang
-O3 reference are timed in the same section, on the same node; the verdict records the
section's window. Two designs were measured and dropped (docs/executors.md): the task holding
a whole `timing_slot` serializes every timed verification (44% slower than the local pool on
the built-in suite), and a lease from a per-node actor makes the task block in ray.get, for
which Ray releases its CPU and starts extra workers (4 at --jobs 2; 17% slower).

Failures. A worker or node lost mid-task is Ray's system failure: the task is retried
elsewhere (max_retries), so nothing is lost; the evaluator itself never raises for a
candidate. What Ray cannot do after its retries is an infrastructure verdict.

Caches. Harness objects, reference outputs and calibrations are built on each node, in that
node's cache directory, keyed exactly as locally. Every node needs the same neucomback,
Python and Ray, and the suite at the same path (a shared file system, or the same checkout).
"""

from __future__ import annotations

import asyncio
import fcntl
import logging
import os
import platform
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

from ..errors import ToolMissingError, UsageError
from ..harness.verdict import Verdict
from ..suite.task import Task

ISA_LABEL = "isa"
TIMING_SLOT = "timing_slot"
MAX_RETRIES = 5          # system failures (worker or node lost) before a verdict says infrastructure
NICENESS_ENV = "RAY_worker_niceness"   # read by the raylet a node starts with
SLOT_SHARE = 0.001       # what a timed task asks of `timing_slot`: only nodes that time, no limit on them
OBJECT_STORE_BYTES = 256 * 1024 * 1024   # verdicts and asm are small; do not claim 30% of RAM


def host_isa() -> str:
    """This machine's ISA in our target names (x86_64, aarch64, riscv64)."""
    m = platform.machine().lower()
    return {"amd64": "x86_64", "arm64": "aarch64"}.get(m, m)


class HostTimingLock:
    """The evaluator's TIMING_LOCK on a Ray node: one timing section at a time on this host,
    across processes (flock on a file in the temp directory; the kernel drops it when its
    holder dies) and across threads of one process. `window` is the last section held."""

    PATH = Path(tempfile.gettempdir()) / "neucomback-timing.lock"

    def __init__(self) -> None:
        self._thread_lock = threading.Lock()
        self._file: Any = None
        self._entered = 0.0
        self.window: tuple[float, float] | None = None   # epoch seconds

    def __enter__(self) -> "HostTimingLock":
        self._thread_lock.acquire()
        self._file = open(self.PATH, "a+")  # noqa: SIM115 - held until __exit__
        fcntl.flock(self._file, fcntl.LOCK_EX)
        self._entered = time.time()
        return self

    def __exit__(self, *exc: object) -> None:
        self.window = (self._entered, time.time())
        try:
            fcntl.flock(self._file, fcntl.LOCK_UN)
            self._file.close()
        finally:
            self._thread_lock.release()


_evaluators: dict[tuple[bool, int, str], Any] = {}


def _normal_priority() -> None:
    """Ray starts workers at niceness 15 (RAY_worker_niceness), where any other load on the
    node starves verification and adds noise to timing; go back to 0 where allowed (root, or
    nodes started with RAY_worker_niceness=0). The verdict records the niceness it ran at."""
    try:
        os.setpriority(os.PRIO_PROCESS, 0, 0)
    except OSError:
        pass


def verify_on_node(task: Task, target_name: str, asm: str | bytes, timing: bool, unsafe: bool, pairs: int,
                   prove: Any) -> dict[str, Any]:
    """The Ray task: verify on this node (one evaluator per worker process and settings) and
    record where it ran."""
    import ray

    from ..harness import evaluate
    from ..targets import get_target

    k = (unsafe, pairs, repr(prove))
    if k not in _evaluators:
        _normal_priority()
        evaluate.TIMING_LOCK = HostTimingLock()
        _evaluators[k] = evaluate.Evaluator(unsafe=unsafe, pairs=pairs, prove=prove)
    target = get_target(target_name)
    lock = evaluate.TIMING_LOCK
    lock.window = None
    v = _evaluators[k].verify(task, target, asm, timing=timing)
    ctx = ray.get_runtime_context()
    labels = {a: b for a, b in (ctx.get_node_labels() or {}).items() if not a.startswith("ray.io/")}
    v.placement = {"executor": "ray", "node": ctx.get_node_id(), "labels": labels, "host": platform.node(),
                   "native": target.native, "niceness": os.getpriority(os.PRIO_PROCESS, 0),
                   **({"timing_window": list(lock.window)} if lock.window else {})}
    return v.to_json()


def _check_reachable(address: str, timeout: float = 5.0) -> None:
    """A one-line error for a HOST:PORT nobody listens on (ray.init would wait minutes for it).
    Other forms (auto, ray://...) are left to Ray."""
    import socket

    host, sep, port = address.rpartition(":")
    if not sep or not port.isdigit() or "/" in address:
        return
    try:
        socket.create_connection((host, int(port)), timeout=timeout).close()
    except OSError as e:
        raise UsageError(f"--address {address}: no Ray cluster answers there ({e.strerror or e}); start one with "
                         "`ray start --head ...` (docs/executors.md) or leave out --address") from None


class RayExecutor:
    """`await ex.verify(task, target_name, asm, timing)` -> Verdict, run as a Ray task."""

    name = "ray"

    def __init__(self, address: str | None = None, jobs: int = 2, *, unsafe: bool = False, prove: Any = None,
                 pairs: int = 8) -> None:
        try:
            import ray
        except ImportError:
            raise ToolMissingError("--executor ray needs Ray: pip install -e '.[ray]'") from None
        self._ray = ray
        self.unsafe, self.prove, self.pairs = unsafe, prove, pairs
        self._owns = False
        if not ray.is_initialized():
            self._owns = True
            if address:
                _check_reachable(address)
                ray.init(address=address, log_to_driver=False, logging_level=logging.WARNING)
            else:  # a one-node cluster for this run, labelled, with its timing slot, workers not niced
                os.environ.setdefault(NICENESS_ENV, "0")
                ray.init(num_cpus=jobs, resources={TIMING_SLOT: 1}, labels={ISA_LABEL: host_isa()},
                         include_dashboard=False, log_to_driver=False, logging_level=logging.WARNING,
                         object_store_memory=OBJECT_STORE_BYTES)
        self._remote = ray.remote(verify_on_node)
        self._inflight: set[Any] = set()
        self.refresh()

    def refresh(self) -> None:
        """Read the cluster's live nodes: which ISAs are labelled, whether timing slots exist."""
        alive = [n for n in self._ray.nodes() if n.get("Alive")]
        self.isas = {n.get("Labels", {}).get(ISA_LABEL) for n in alive} - {None}
        self.slots = sum(int(n.get("Resources", {}).get(TIMING_SLOT, 0)) for n in alive)

    def options(self, task: Task, target_name: str, timing: bool) -> dict[str, Any]:
        """Ray task options: a node of the target's ISA when the cluster has one; for a
        native timed verification, a node that offers a timing slot (the slot itself is taken
        on the node, for the timing section only: HostTimingLock)."""
        opts: dict[str, Any] = {"num_cpus": 1, "max_retries": MAX_RETRIES, "retry_exceptions": False}
        labelled = target_name in self.isas
        if labelled:
            opts["label_selector"] = {ISA_LABEL: target_name}
        native = labelled or (not self.isas and target_name == host_isa())
        if timing and task.level == 2 and native:
            if not self.slots:
                raise UsageError(f"the Ray cluster has no {TIMING_SLOT} resource: start its nodes with "
                                 f"--resources '{{\"{TIMING_SLOT}\": 1}}' (or verify with --no-timing)")
            opts["resources"] = {TIMING_SLOT: SLOT_SHARE}
        return opts

    async def verify(self, task: Task, target_name: str, asm: str | bytes, timing: bool) -> Verdict:
        try:
            opts = self.options(task, target_name, timing)
        except UsageError as e:
            return Verdict(task.id, target_name).fail("infrastructure", "time", str(e))
        ref = self._remote.options(**opts).remote(task, target_name, asm, timing, self.unsafe, self.pairs,
                                                  self.prove)
        self._inflight.add(ref)
        try:
            return Verdict.from_json(await ref)
        except asyncio.CancelledError:
            self._ray.cancel(ref, force=True)
            raise
        except self._ray.exceptions.RayError as e:  # retries exhausted: not the candidate's failure
            return Verdict(task.id, target_name).fail("infrastructure", "run",
                                                      f"Ray could not run the verification: {type(e).__name__}: "
                                                      f"{str(e).splitlines()[0][:300]}")
        finally:
            self._inflight.discard(ref)

    def close(self, kill: bool = False) -> None:
        """Cancel what is in flight when killed; shut down the cluster this executor started
        (one it only connected to keeps running)."""
        if kill:
            for ref in list(self._inflight):
                self._ray.cancel(ref, force=True)
        if self._owns and self._ray.is_initialized():
            self._ray.shutdown()

    def __enter__(self) -> "RayExecutor":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
