"""The proof tier (`--prove`): bounded symbolic equivalence of a candidate with the clang -O3
code, after the tests passed (docs/prove.md).

`search(task, target, candidate_obj, limits, work)` links both functions into freestanding
images (with a plain C libc model), runs the symbolic comparison (engine.py, angr) in a worker
process under a hard time and memory limit, and returns a Finding: `proved`, `bounded`,
`differs` (with a counterexample as the harness's draws, still to be confirmed by running it:
harness/evaluate.py does that) or `unknown` with the reason. It never raises for a candidate.

Needs the `prove` extra (`pip install -e '.[prove]'`); without it every finding is `unknown`.
"""

from __future__ import annotations

import importlib.util
import json
import resource
import subprocess
import sys
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from ..harness.build import image, reference_obj, support_obj
from ..suite.task import Task
from ..targets import Target
from .inputs import Unsupported, domain

TIERS = ("proved", "bounded", "refuted", "unknown")
ISAS = ("x86_64", "aarch64")  # the calling conventions engine.ABIS models


@dataclass(frozen=True)
class ProveLimits:
    """The stated limits of one proof query (reported with every tier)."""

    seconds: float = 30.0      # symbolic exploration of both programs (half each)
    max_blocks: int = 3000     # basic blocks per path: the loop bound
    max_states: int = 64       # live paths per program
    solver_ms: int = 10_000    # per solver query
    memory: int = 6 << 30      # address space of the worker

    def describe(self) -> str:
        return (f"{self.max_blocks} blocks per path, {self.max_states} live paths, {self.seconds:g} s exploration, "
                f"{self.solver_ms / 1000:g} s per solver query")


@dataclass
class Finding:
    """What the symbolic search found, before any concrete confirmation."""

    tier: str                  # proved, bounded, differs, unknown
    reason: str
    draws: list[int] = field(default_factory=list)
    seconds: float = 0.0
    alternatives: list[list[int]] = field(default_factory=list)  # more counterexamples, other draws
    stats: dict[str, Any] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


def missing() -> str:
    """Why the proof tier cannot run here ("" if it can)."""
    if importlib.util.find_spec("angr") is None:
        return "the proof tier needs angr: pip install -e '.[prove]'"
    return ""


def supported(task: Task, target: Target) -> str:
    """Why (task, target) is outside the proof tier ("" if it is inside)."""
    if target.name not in ISAS:
        return (f"the proof tier models x86_64 and aarch64; {target.name} is not modelled (angr's lifter, VEX, has "
                "no RISC-V support)")
    try:
        domain(task, target.name)
    except Unsupported as e:
        return str(e)
    return missing()


def search(task: Task, target: Target, candidate_obj: Path, limits: ProveLimits, work: Path) -> Finding:
    """Compare the candidate's function with llc -O3's over the task's whole input domain."""
    t0 = time.perf_counter()
    why = supported(task, target)
    if why:
        return Finding("unknown", why, seconds=time.perf_counter() - t0)
    images = {}
    support = support_obj(task, target)  # the rest of the user's module (compile tasks), in both programs
    for who, obj in (("candidate", candidate_obj), ("reference", reference_obj(task, target))):
        step = image([obj, *([support] if support else [])], target, task.function, work / f"prove-{who}.elf")
        if not step.ok:
            return Finding("unknown", f"{who}: {step.feedback}", seconds=time.perf_counter() - t0)
        images[who] = str(work / f"prove-{who}.elf")
    job = {**images, "domain": domain(task, target.name), "limits": asdict(limits)}
    got = _run_worker(job, limits)
    return Finding(str(got.get("tier", "unknown")), str(got.get("reason", "")), [int(d) for d in got.get("draws", [])],
                   seconds=time.perf_counter() - t0,
                   alternatives=[[int(d) for d in ds] for ds in got.get("alternatives", [])],
                   stats={k: v for k, v in got.items() if k not in ("tier", "reason", "draws", "alternatives")})


def _run_worker(job: dict[str, Any], limits: ProveLimits) -> dict[str, Any]:
    # exploration stops itself at `seconds`; comparing the paths gets the same again, plus
    # start-up: past that the process is killed and the tier is unknown
    timeout = 2 * limits.seconds + 60

    def cap() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (limits.memory, limits.memory))

    try:
        proc = subprocess.run([sys.executable, "-m", "neucomback.prove.worker"], input=json.dumps(job),
                              capture_output=True, text=True, timeout=timeout, preexec_fn=cap)
    except subprocess.TimeoutExpired:
        return {"tier": "unknown", "reason": f"the proof query exceeded its hard limit of {timeout:g} s"}
    lines = [l for l in proc.stdout.splitlines() if l.startswith("{")]
    if proc.returncode != 0 or not lines:
        tail = (proc.stderr.strip().splitlines() or [""])[-1][:300]
        what = "ran out of memory" if "MemoryError" in proc.stderr else f"exited with {proc.returncode}"
        return {"tier": "unknown", "reason": f"the proof worker {what}: {tail}"}
    return json.loads(lines[-1])
