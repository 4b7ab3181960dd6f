"""The proof tier on the built-in Level 1 suite (x86_64): the figures of docs/prove.md.

1. llc -O0 vs the llc -O3 reference of the same IR, through the real pipeline (tests, then
   the proof tier): share proved / bounded / unknown; any `refuted` is a bug in the tier or a
   real miscompile, and is listed for investigation.
2. Single-edit mutants of the reference (8 per task, seed 1, the operators of `suite strength`),
   every one through the proof tier whatever the tests say: refuted (each one confirmed by
   running its counterexample through the harness), proved equivalent, bounded, unknown; and
   how many refuted mutants the task's tests had passed.
3. Hostile candidates (calling-convention and machine-state tampering, a hang, a forged
   output, a libc call with side effects): none may come out `proved`.

Resumable: every query's result is a line of OUT/results.jsonl; a rerun skips what is there.
Usage: .venv/bin/python bench/prove_builtin.py [--every N] [--seconds S] [--jobs J] [--out DIR]
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import tempfile
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from neucomback import toolchain
from neucomback.harness.build import ir_for, llc_command, reference_asm
from neucomback.harness.evaluate import Evaluator
from neucomback.prove import ProveLimits, supported
from neucomback.suite.loader import load_suite
from neucomback.suite.strength.mutate import mutants
from neucomback.targets import get_target

GCD = "unsigned gcd_u32(unsigned a, unsigned b) { while (b) { unsigned t = a % b; a = b; b = t; } return a; }\n"
HOSTILE = {
    "clobbers rbx": GCD.replace("{ while", '{ __asm__ volatile("xorl %ebx, %ebx"); while'),
    "changes MXCSR": GCD.replace("{ while", '{ unsigned m = 0x7F80; __asm__ volatile("ldmxcsr %0" :: "m"(m)); while'),
    "changes the x87 control word": GCD.replace(
        "{ while", '{ unsigned short cw = 0x0C7F; __asm__ volatile("fldcw %0" :: "m"(cw)); while'),
    "sets the direction flag": GCD.replace("{ while", '{ __asm__ volatile("std"); while'),
    "hangs on one input": GCD.replace("{ while", "{ if (a == 12345) for (;;) __asm__ volatile(\"\"); while"),
    "prints a forged answer": '#include <stdio.h>\nunsigned gcd_u32(unsigned a, unsigned b) '
                              '{ printf("out 0 ret u 1\\n"); return 1; }\n',
    "answers from a table": "unsigned gcd_u32(unsigned a, unsigned b) { if (a == 0) return b; if (b == 0) return a; "
                            "if (a == b) return a; return 1; }\n",
}


def c_to_asm(src: str, target: Any) -> str:
    with tempfile.TemporaryDirectory() as d:
        (Path(d) / "c.c").write_text(src)
        subprocess.run([toolchain.tool("clang"), *target.clang_flags, "-O2", "-S", "c.c", "-o", "c.s"], cwd=d,
                       check=True, capture_output=True)
        return (Path(d) / "c.s").read_text()


def o0_asm(task: Any, target: Any) -> str:
    with tempfile.TemporaryDirectory() as d:
        subprocess.run(llc_command(target, "-O0", ir_for(task, target), Path(d) / "o0.s"), check=True)
        return (Path(d) / "o0.s").read_text()


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--suite", default="builtin")
    ap.add_argument("--mutants", type=int, default=8)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--every", type=int, default=1, help="mutants of every N-th supported task only")
    ap.add_argument("--seconds", type=float, default=20.0)
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--out", type=Path, default=Path("runs/prove-builtin"))
    ap.add_argument("--parts", default="o0,mutants,hostile")
    ap.add_argument("--redo", action="append", default=[], help="run this query again (its id in results.jsonl)")
    args = ap.parse_args()
    target = get_target("x86_64")
    tasks = load_suite(args.suite).select(level=1)
    limits = ProveLimits(seconds=args.seconds)
    ev = Evaluator(prove=limits)
    args.out.mkdir(parents=True, exist_ok=True)
    log = args.out / "results.jsonl"
    if args.redo and log.exists():  # drop the old results of the queries to redo
        kept = [l for l in log.read_text().splitlines() if l.strip() and json.loads(l)["id"] not in args.redo]
        log.write_text("".join(l + "\n" for l in kept))
    done = {json.loads(l)["id"] for l in log.read_text().splitlines() if l.strip()} if log.exists() else set()
    lock = threading.Lock()

    def record(row: dict[str, Any]) -> None:
        with lock, log.open("a") as f:
            f.write(json.dumps(row) + "\n")
        print(f"{row['id']}: {row['tier']} ({row['seconds']:.1f} s) {row['reason'][:90]}", flush=True)

    jobs: list[tuple[str, Any]] = []
    parts = args.parts.split(",")
    inside = [t for t in tasks if not supported(t, target)]
    if "o0" in parts:
        jobs += [(f"o0:{t.id}", ("o0", t)) for t in tasks]
    if "mutants" in parts:
        for t in inside[::args.every]:
            ms = mutants(reference_asm(t, target).read_text(), target.name, args.mutants,
                         f"{args.seed}:{t.id}:{target.name}")
            jobs += [(f"mut:{t.id}:{i}", ("mutant", t, m)) for i, m in enumerate(ms)]
    if "hostile" in parts:
        gcd = load_suite(args.suite).get("l1_gcd_u32")
        jobs += [(f"hostile:{name}", ("hostile", gcd, src)) for name, src in HOSTILE.items()]

    def run(item: tuple[str, Any]) -> None:
        ident, job = item
        t0 = time.perf_counter()
        kind, task = job[0], job[1]
        row: dict[str, Any] = {"id": ident, "kind": kind, "task": task.id}
        if kind == "o0":
            v = ev.verify(task, target, o0_asm(task, target))
            row.update(tests=v.correct or v.failure_stage == "prove", correct=v.correct,
                       tier=v.proof.tier if v.proof else "no-proof", reason=(v.proof.reason if v.proof else v.summary()),
                       prove_seconds=v.proof.seconds if v.proof else 0.0)
        else:
            asm = job[2].asm if kind == "mutant" else c_to_asm(job[2], target)
            tests = ev.verify(task, target, asm, timing=False, prove=False)
            p = ev.proof(task, target, asm)
            row.update(tests=tests.correct, builds=tests.stage >= 2, tier=p.tier, reason=p.reason,
                       prove_seconds=p.seconds, counterexample=p.counterexample[:300],
                       **({"mutant": job[2].label, "operator": job[2].operator} if kind == "mutant" else {}))
        row["seconds"] = time.perf_counter() - t0
        record(row)

    todo = [j for j in jobs if j[0] not in done and (not args.redo or j[0] in args.redo)]
    print(f"{len(jobs)} queries, {len(todo)} to run, limits: {limits.describe()}", flush=True)
    with ThreadPoolExecutor(args.jobs) as pool:
        list(pool.map(run, todo))
    rows = [json.loads(l) for l in log.read_text().splitlines() if l.strip()]
    print(json.dumps(summarize(rows, limits), indent=1))


def _times(rows: list[dict[str, Any]]) -> dict[str, float]:
    xs = sorted(r["prove_seconds"] for r in rows if r["prove_seconds"] > 0.5)  # queries that ran the engine
    if not xs:
        return {}
    return {"median_s": round(statistics.median(xs), 1), "p90_s": round(xs[int(0.9 * (len(xs) - 1))], 1),
            "max_s": round(xs[-1], 1), "queries": len(xs)}


def summarize(rows: list[dict[str, Any]], limits: ProveLimits) -> dict[str, Any]:
    o0 = [r for r in rows if r["kind"] == "o0"]
    muts = [r for r in rows if r["kind"] == "mutant" and r.get("builds")]
    hostile = [r for r in rows if r["kind"] == "hostile"]
    unknown_why = Counter(r["reason"].split(":")[0][:60] for r in o0 if r["tier"] == "unknown")
    return {
        "limits": limits.describe(),
        "o0_vs_o3": {"tasks": len(o0), "tiers": dict(Counter(r["tier"] for r in o0)),
                     "refuted": [r["task"] for r in o0 if r["tier"] == "refuted"],
                     "unknown_reasons": dict(unknown_why.most_common(8)), "time": _times(o0)},
        "mutants": {"tasks": len({r["task"] for r in muts}), "built": len(muts),
                    "not_built": sum(1 for r in rows if r["kind"] == "mutant" and not r.get("builds")),
                    "tiers": dict(Counter(r["tier"] for r in muts)),
                    "refuted_that_tests_passed": [f"{r['task']}: {r['mutant']}" for r in muts
                                                  if r["tier"] == "refuted" and r["tests"]],
                    "proved_that_tests_rejected": [f"{r['task']}: {r['mutant']}" for r in muts
                                                   if r["tier"] == "proved" and not r["tests"]],
                    "tests_killed": sum(not r["tests"] for r in muts), "time": _times(muts)},
        "hostile": {r["id"]: r["tier"] for r in hostile},
    }


if __name__ == "__main__":
    main()
