#!/usr/bin/env python3
"""Developer check for suite authors: every task's llc -O3 (and -O0) code must pass its own
differential tests on every target, and Level 2 -O3 timing runs must calibrate.

usage: python scripts/validate_tasks.py [--suite builtin] [--ids ID ...] [--prefix P]
       [--targets x86_64,aarch64,riscv64] [--jobs 2] [--opt=-O3,-O0]   (note the `=`: -O3 looks like a flag)
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from neucomback import toolchain
from neucomback.harness.build import ir_for
from neucomback.harness.evaluate import Evaluator
from neucomback.suite import load_suite
from neucomback.targets import get_target


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--suite", default="builtin")
    ap.add_argument("--ids", nargs="*")
    ap.add_argument("--prefix", default="")
    ap.add_argument("--targets", default="x86_64,aarch64,riscv64")
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--opt", default="-O3,-O0")
    ap.add_argument("--timing", action="store_true", help="also time Level 2 tasks on x86_64")
    a = ap.parse_args()
    suite = load_suite(a.suite)
    tasks = [t for t in suite.select(ids=a.ids) if t.id.startswith(a.prefix)]
    ev = Evaluator(pairs=5)
    jobs = [(t, get_target(n), o) for t in tasks for n in a.targets.split(",") for o in a.opt.split(",")]

    def one(job):  # type: ignore[no-untyped-def]
        task, target, opt = job
        with tempfile.TemporaryDirectory() as d:
            asm = Path(d) / "c.s"
            ir = ir_for(task, target)
            subprocess.run([toolchain.tool("llc"), *target.llc_flags, opt, str(ir), "-o", str(asm)], check=True)
            t0 = time.time()
            v = ev.verify(task, target, asm.read_text(), timing=a.timing and target.native and opt == "-O3")
            return job, v, time.time() - t0

    bad = 0
    with ThreadPoolExecutor(a.jobs) as pool:
        for (task, target, opt), v, secs in pool.map(one, jobs):
            flag = "ok " if v.correct else "BAD"
            bad += not v.correct
            extra = ""
            if v.timing and v.timing.reps:
                extra = f" reps={v.timing.reps} ref_ms={sum(v.timing.reference_ns) / len(v.timing.reference_ns) / 1e6:.1f}"
            print(f"{flag} {task.id:40s} {target.name:8s} {opt} {secs:5.2f}s {v.summary()[:150]}{extra}", flush=True)
            if not v.correct:
                print("    " + v.feedback.replace("\n", "\n    ")[:1500])
    print(f"{len(jobs) - bad} passed, {bad} failed")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
