"""Baselines without any model: compile each task's IR with llc (or its C with gcc) and verify.

The reference compiler is the first candidate source, so the whole pipeline can be
exercised, and its numbers reported, with no model at all.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from .errors import ToolMissingError, UsageError
from .harness.build import ir_for, llc_command
from .harness.evaluate import Evaluator
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
    """Write the baseline compiler's asm for the task to `out`; return an error text on failure."""
    if compiler.startswith("llc-"):
        cmd = llc_command(target, f"-{compiler[4:]}", ir_for(task, target), out)
    elif compiler == "gcc-O3":
        gcc = "gcc" if target.name == "x86_64" else f"{target.triple}-gcc"
        if shutil.which(gcc) is None:
            raise ToolMissingError(f"{gcc} not found (needed for the gcc-O3 baseline)")
        flags = {"x86_64": ["-march=x86-64"], "aarch64": [], "riscv64": ["-march=rv64gc", "-mabi=lp64d"]}[target.name]
        cmd = [gcc, *flags, "-O3", "-ffp-contract=off", "-fno-pie", "-S", str(task.ref_c), "-o", str(out)]
    else:
        raise UsageError(f"unknown baseline compiler {compiler!r}; choose from {', '.join(COMPILERS)}")
    proc = subprocess.run(cmd, capture_output=True, text=True)
    return None if proc.returncode == 0 else proc.stderr[-2000:]


def run_baseline(tasks: Iterable[Task], target: Target, compiler: str, evaluator: Evaluator, *,
                 jobs: int = 2, timing: bool = True,
                 on_result: Callable[[BaselineResult], None] | None = None) -> list[BaselineResult]:
    """Compile and verify every task (in parallel); results keep the task order."""

    def one(task: Task) -> BaselineResult:
        with tempfile.TemporaryDirectory(prefix="ncb-base-") as d:
            asm = Path(d) / "baseline.s"
            err = compile_baseline(task, target, compiler, asm)
            if err is not None:
                v = Verdict(task.id, target.name).fail("infrastructure", "compile", f"{compiler} failed: {err}")
            else:
                v = evaluator.verify(task, target, asm.read_bytes(), timing=timing and task.level == 2)
        res = BaselineResult(task, compiler, v)
        if on_result:
            on_result(res)
        return res

    with ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
        return list(pool.map(one, list(tasks)))
