"""Expected outputs and timing calibration, from trusted builds run outside the sandbox.

Level 1 and Level 2 check outputs come from the C source at -O0 (-ffp-contract=off).
Level 2 timing uses the clang -O3 build: its repetition count is calibrated on this machine
so one timed run takes about 100 ms, and its time-mode checksums are the expected values.
Everything is cached in the private cache folder, keyed by task, target and toolchain.
"""

from __future__ import annotations

import json
import platform
import threading
from dataclasses import dataclass
from pathlib import Path

from .. import toolchain
from ..cache import atomic_write_json, cache_root, key
from ..errors import InfrastructureError
from ..suite.task import Task
from ..targets import Target
from .build import build_fingerprint, reference_exe
from .check import Output, parse_output
from .sandbox import ExecResult, Limits, TrustedRunner

TARGET_TIME_NS = 100_000_000
_lock = threading.Lock()
_runner = TrustedRunner()


def check_argv(task: Task, exe: str) -> list[str]:
    """Arguments for a correctness run of a harness executable."""
    if task.level == 1:
        return [exe, str(task.seed), str(task.cases)]
    return [exe, "check", str(task.seed), *map(str, task.sizes)]


def time_argv(task: Task, exe: str, reps: int) -> list[str]:
    return [exe, "time", str(task.seed), str(task.time_size), str(reps)]


def run_trusted(target: Target, exe: Path, argv_tail: list[str], timeout: float = 300) -> ExecResult:
    res = _runner.exec([*target.run_prefix(), str(exe), *argv_tail], exe.parent, Limits(wall_seconds=timeout))
    if not res.ok:
        raise InfrastructureError(f"reference run of {exe.name} failed: {res.describe()}\n{res.stderr[-2000:]}")
    return res


@dataclass
class Reference:
    """Expected check-mode output, plus its run time (for relative timeouts)."""

    output: Output
    seconds: float


def _machine_id() -> str:
    cpu = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return f"{platform.node()}|{cpu}"


def expected_output(task: Task, target: Target) -> Reference:
    """The reference output of the -O0 build in check mode (cached)."""
    path = cache_root() / "refout" / (key("out", build_fingerprint(task), target.name, target.clang_flags,
                                          toolchain.version_fingerprint(), task.seed, task.cases, task.sizes) + ".json")
    if path.exists():
        d = json.loads(path.read_text())
        return Reference(Output.from_json(d["output"]), d["seconds"])
    with _lock:
        exe = reference_exe(task, target, "-O0")
        res = run_trusted(target, exe, check_argv(task, "")[1:])
        out = parse_output(res.stdout)
        if out.end is None or not out.outs or out.malformed:
            raise InfrastructureError(f"reference output of {task.id} on {target.name} is malformed "
                                      f"(end={out.end}, {len(out.malformed)} bad lines)")
        atomic_write_json(path, {"output": out.to_json(), "seconds": res.seconds})
        return Reference(out, res.seconds)


@dataclass
class Calibration:
    """How to time a Level 2 task on this machine: reps, the O3 reference's time-mode output."""

    reps: int
    reference_ns: int
    output: Output


def calibration(task: Task, target: Target) -> Calibration:
    """Repetitions so that the clang -O3 reference takes ~100 ms here (cached per machine)."""
    path = cache_root() / "calib" / (key("calib", build_fingerprint(task), target.name, target.clang_flags,
                                         toolchain.version_fingerprint(), _machine_id()) + ".json")
    if path.exists():
        d = json.loads(path.read_text())
        return Calibration(d["reps"], d["reference_ns"], Output.from_json(d["output"]))
    exe = reference_exe(task, target, "-O3")
    reps = 1
    for _ in range(4):  # the first call of a process is slow (cold caches, page faults): probe up
        probe = parse_output(run_trusted(target, exe, time_argv(task, "", reps)[1:]).stdout)
        per_rep = max((probe.time_ns or 1) / reps, 1.0)
        reps = int(min(max(TARGET_TIME_NS / per_rep, 1), 10_000_000))
        if (probe.time_ns or 0) >= TARGET_TIME_NS // 5:
            break
    res = run_trusted(target, exe, time_argv(task, "", reps)[1:])
    out = parse_output(res.stdout)
    if out.time_ns is None or out.end is None:
        raise InfrastructureError(f"timing calibration of {task.id} produced no time record")
    atomic_write_json(path, {"reps": reps, "reference_ns": out.time_ns, "output": out.to_json()})
    return Calibration(reps, out.time_ns, out)
