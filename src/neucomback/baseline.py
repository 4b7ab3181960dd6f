"""Baselines without any model: compile each task's IR with llc (or its C with gcc) and verify.

The reference compiler is the first candidate source, so the whole pipeline can be
exercised, and its numbers reported, with no model at all.
"""

from __future__ import annotations

import asyncio
import tempfile
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .errors import UsageError
from .executors import Executor
from .harness.build import gcc_command, ir_for, llc_command, run_compiler
from .harness.verdict import Verdict
from .suite.task import Task
from .targets import Target

COMPILERS = ("llc-O0", "llc-O1", "llc-O2", "llc-O3", "gcc-O3")


@dataclass
class BaselineResult:
    task: Task
    compiler: str
    verdict: Verdict


def compile_baseline(task: Task, target: Target, compiler: str, out: Path) -> str | None:
    """Write the baseline compiler's asm for the task to `out`; return an error text on
    failure (a compiler that fails or exceeds its time limit)."""
    if compiler.startswith("llc-"):
        cmd = llc_command(target, f"-{compiler[4:]}", ir_for(task, target), out)
    elif compiler == "gcc-O3":
        cmd = gcc_command(target, task.ref_c, out)
    else:
        raise UsageError(f"unknown baseline compiler {compiler!r}; choose from {', '.join(COMPILERS)}")
    return run_compiler(cmd)


def run_baseline(tasks: Iterable[Task], target: Target, compiler: str, executor: Executor, *,
                 jobs: int = 2, timing: bool = True,
                 on_result: Callable[[BaselineResult], None] | None = None) -> list[BaselineResult]:
    """Compile every task here (at most `jobs` compilers at once) and verify it on `executor`
    (local workers or a Ray cluster); results keep the task order."""
    return asyncio.run(_run(list(tasks), target, compiler, executor, jobs, timing, on_result))


async def _run(tasks: list[Task], target: Target, compiler: str, executor: Executor, jobs: int, timing: bool,
               on_result: Callable[[BaselineResult], None] | None) -> list[BaselineResult]:
    compilers = asyncio.Semaphore(max(1, jobs))

    async def one(task: Task) -> BaselineResult:
        with tempfile.TemporaryDirectory(prefix="ncb-base-") as d:
            asm = Path(d) / "baseline.s"
            async with compilers:
                err = await asyncio.to_thread(compile_baseline, task, target, compiler, asm)
            if err is not None:
                v = Verdict(task.id, target.name).fail("infrastructure", "compile", f"{compiler} failed: {err}")
            else:
                v = await executor.verify(task, target.name, asm.read_text(), timing and task.level == 2)
        res = BaselineResult(task, compiler, v)
        if on_result:
            on_result(res)
        return res

    return list(await asyncio.gather(*(one(t) for t in tasks)))


def summarize_baseline(results: list[BaselineResult]) -> dict[str, Any]:
    """Per compiler: tasks, correct, infrastructure failures, and over the timed (native L2)
    ones: how many the timing rule calls faster, how many intervals contain 1.0 (for llc-O3,
    the reference's own code, that is the A/A check), suspicious ones, geometric-mean speedup
    (suspicious excluded)."""
    import math

    out: dict[str, Any] = {}
    by: dict[str, list[BaselineResult]] = defaultdict(list)
    for r in results:
        by[r.compiler].append(r)
    for comp, rs in by.items():
        ts = [r.verdict.timing for r in rs if r.verdict.correct and r.verdict.timing and r.verdict.timing.speedup]
        sp = [t.speedup for t in ts if not t.suspicious]
        out[comp] = {"tasks": len(rs), "correct": sum(r.verdict.correct for r in rs),
                     "infrastructure_failures": sum(r.verdict.infrastructure_failure for r in rs),
                     "timed": len(ts), "faster": sum(t.faster for t in ts),
                     "interval_contains_1": sum(t.ci_low <= 1.0 <= t.ci_high for t in ts),
                     "suspicious": sum(bool(t.suspicious) for t in ts),
                     "geomean_speedup": math.exp(sum(map(math.log, sp)) / len(sp)) if sp else None}
        tiers = [r.verdict.proof.tier for r in rs if r.verdict.proof is not None]
        if tiers:  # --prove
            out[comp]["proof_tiers"] = {k: tiers.count(k) for k in sorted(set(tiers))}
    return out
