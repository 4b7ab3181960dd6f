#!/usr/bin/env python3
"""Harness overhead: time `Evaluator.verify` spends beyond the raw commands it issues.

For each task (warm cache), the llc -O3 assembly is verified with `Evaluator.verify`, and
the same assemble, link and sandboxed-run command lines are replayed directly with
subprocess. overhead = (verify - raw) / raw, median over tasks and repetitions.

usage: .venv/bin/python bench/harness_overhead.py [--target x86_64] [--limit 20] [--reps 5]
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import tempfile
import time
from pathlib import Path

from neucomback.harness.build import assemble_command, harness_objs, link_command, reference_asm
from neucomback.harness.evaluate import Evaluator
from neucomback.harness.reference import check_spec, expected_output
from neucomback.harness.sandbox import BwrapSandbox, Limits, _prlimit_prefix
from neucomback.suite import load_suite
from neucomback.targets import get_target


def raw_commands(task, target, asm: Path, work: Path, sbx: BwrapSandbox) -> float:  # type: ignore[no-untyped-def]
    """Run the assemble, link and sandboxed run commands the evaluator issues; return seconds."""
    obj, exe = work / "candidate.o", work / "candidate.exe"
    hobjs = [str(h) for h in harness_objs(task, target)]
    stage = Path(tempfile.mkdtemp(dir=sbx._stage_root))
    stage.chmod(0o755)
    spec = check_spec(task)
    t0 = time.perf_counter()
    subprocess.run(assemble_command(asm, target, obj), check=True, capture_output=True)
    subprocess.run(link_command(task, target, [str(obj), *hobjs], exe), check=True, capture_output=True)
    shutil.copy2(exe, stage / exe.name)
    with tempfile.TemporaryFile() as status:
        cmd = [*_prlimit_prefix(Limits()), *sbx.argv([*target.run_prefix(), f"/w/{exe.name}", *spec.args],
                                                    stage, status.fileno())]
        subprocess.run(cmd, check=True, capture_output=True, pass_fds=(status.fileno(),), user=200000 + 1,
                       group=200000 + 1, extra_groups=[], input=spec.stdin)
    secs = time.perf_counter() - t0
    shutil.rmtree(stage)
    return secs


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--target", default="x86_64")
    ap.add_argument("--limit", type=int, default=20)
    ap.add_argument("--reps", type=int, default=5)
    a = ap.parse_args()
    target = get_target(a.target)
    tasks = load_suite().select(level=1, limit=a.limit)
    ev = Evaluator()
    sbx = BwrapSandbox()
    overheads, v_times, r_times = [], [], []
    for task in tasks:
        asm = reference_asm(task, target)
        expected_output(task, target)
        ev.verify(task, target, asm.read_text())  # warm every cache
        with tempfile.TemporaryDirectory() as d:
            for _ in range(a.reps):
                t0 = time.perf_counter()
                v = ev.verify(task, target, asm.read_text())
                tv = time.perf_counter() - t0
                assert v.correct, v.feedback
                tr = raw_commands(task, target, asm, Path(d), sbx)
                v_times.append(tv)
                r_times.append(tr)
                overheads.append((tv - tr) / tr)
    print(f"target {target.name}, {len(tasks)} Level 1 tasks x {a.reps} reps (warm cache)")
    print(f"verify median {statistics.median(v_times) * 1e3:.1f} ms, raw commands median "
          f"{statistics.median(r_times) * 1e3:.1f} ms")
    print(f"overhead median {100 * statistics.median(overheads):.1f}%  "
          f"(p90 {100 * sorted(overheads)[int(0.9 * len(overheads))]:.1f}%)")


if __name__ == "__main__":
    main()
