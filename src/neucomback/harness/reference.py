"""Expected outputs and timing calibration, from trusted builds run outside the sandbox.

Level 1 and Level 2 check outputs come from the C source at -O0 (-ffp-contract=off).
Level 2 timing uses the clang -O3 code (llc -O3 of the task's IR, linked exactly as a
candidate is): its repetition count is calibrated on this machine so that one timed run
takes about 50 ms of kernel time. Everything is cached in the private cache folder, keyed
by task, target and toolchain.

A run is described by a RunSpec: argv after the executable, and a plan on stdin. Level 2
plans (sizes, calls, hash or full output) travel on stdin only, so a candidate cannot
tell a timing run from a check run by its arguments or environment.
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
from .build import build_fingerprint, reference_exe, timing_reference_exe
from .check import Output, parse_output
from .sandbox import ExecResult, Limits, TrustedRunner

TARGET_TIME_NS = 50_000_000
_lock = threading.Lock()
_runner = TrustedRunner()


CHECK_CALLS = 3  # Level 2: calls per check size, inputs perturbed before each call but the first


@dataclass(frozen=True)
class RunSpec:
    """How to run a harness executable: arguments after the program, and its stdin."""

    args: tuple[str, ...] = ()
    stdin: bytes = b""


def level2_plan(seed: int, sizes: list[int], calls: int, hashed: bool,
                added: tuple[tuple[int, int, int], ...] = ()) -> bytes:
    """The stdin plan of NB_L2_MAIN (nbh.h): every size with `calls` calls, inputs from `seed`;
    then each added run (seed S, entry K, size n): entry K of a plan under seed S, replayed."""
    c = max(0, calls)
    entries = [f"{n} {c} 0 0" for n in sizes] + [f"{n} {c} {s} {k}" for s, k, n in added]
    return f"{seed} {int(hashed)} {len(entries)} {' '.join(entries)}\n".encode()


def check_spec(task: Task) -> RunSpec:
    """A correctness run: Level 1 cases by seed; Level 2 every size, every call printed."""
    if task.level == 1:
        return RunSpec((str(task.seed), str(task.cases), *(f"{s}:{k}" for s, k in task.added_cases),
                        *(values_arg(s, d) for s, d in task.added_values)))
    return RunSpec((), level2_plan(task.seed, task.check_sizes, CHECK_CALLS, False, task.added_runs))


def values_arg(seed: int, draws: tuple[int, ...] | list[int]) -> str:
    """The harness argument of a Level 1 case given value by value (nbh.h: nb_take)."""
    return f"{seed}:V:" + ",".join(f"{d & (2**64 - 1):x}" for d in draws)


def time_spec(task: Task, reps: int, seed: int) -> RunSpec:
    """A timing run: `reps` calls at the timing size, inputs perturbed before every call but the
    first (from `seed`, fresh per measurement), every call's outputs folded into one hash.
    With reps = 0 (only ever given to the trusted reference) it measures start-up and setup."""
    return RunSpec((), level2_plan(seed, [task.time_size], reps, True))


def run_trusted(target: Target, exe: Path, spec: RunSpec, timeout: float = 300, *, check: bool = True) -> ExecResult:
    """Run a reference executable (ours: no sandbox); with `check`, a failed run raises."""
    res = _runner.exec([*target.run_prefix(), str(exe), *spec.args], exe.parent, Limits(wall_seconds=timeout),
                       stdin=spec.stdin)
    if check and not res.ok:
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
                                          toolchain.version_fingerprint(), task.seed, task.cases, task.added_cases, task.added_values, task.check_sizes, task.added_runs) + ".json")
    if path.exists():
        d = json.loads(path.read_text())
        return Reference(Output.from_json(d["output"]), d["seconds"])
    with _lock:
        exe = reference_exe(task, target, "-O0")
        res = run_trusted(target, exe, check_spec(task))
        out = parse_output(res.stdout)
        if out.end is None or not out.outs or out.malformed or out.faults:
            raise InfrastructureError(f"reference output of {task.id} on {target.name} is malformed "
                                      f"(end={out.end}, {len(out.malformed)} bad lines, faults: "
                                      f"{list(out.faults.values())[:1]})")
        atomic_write_json(path, {"output": out.to_json(), "seconds": res.seconds})
        return Reference(out, res.seconds)


@dataclass
class Calibration:
    """How to time a Level 2 task on this machine: repetitions, and the clang -O3 code's
    in-process kernel time for them (ns)."""

    reps: int
    reference_ns: int


def calibration(task: Task, target: Target) -> Calibration:
    """Repetitions so that the clang -O3 code's kernel takes ~50 ms here (cached per machine)."""
    k = key("calib2", TARGET_TIME_NS, build_fingerprint(task), target.name, target.clang_flags,
            toolchain.version_fingerprint(), _machine_id())
    path = cache_root() / "calib" / f"{k}.json"
    if path.exists():
        d = json.loads(path.read_text())
        return Calibration(d["reps"], d["reference_ns"])
    exe = timing_reference_exe(task, target)
    reps = 1
    for _ in range(5):  # the first call of a process is slow (cold caches, page faults): probe up
        out = parse_output(run_trusted(target, exe, time_spec(task, reps, task.seed)).stdout)
        if out.time_ns is None or out.end is None or out.malformed or out.faults:
            raise InfrastructureError(f"timing calibration of {task.id} gave no clean time record")
        per_rep = max(out.time_ns / reps, 1.0)
        if out.time_ns >= TARGET_TIME_NS // 2:  # long enough to trust the per-call figure
            break
        reps = int(min(max(TARGET_TIME_NS / per_rep, 1), 10_000_000))
    reps = int(min(max(TARGET_TIME_NS / per_rep, 1), 10_000_000))
    atomic_write_json(path, {"reps": reps, "reference_ns": int(per_rep * reps)})
    return Calibration(reps, int(per_rep * reps))
