#!/usr/bin/env python3
"""Agent concurrency: does wall time approach max(latency x rounds / concurrency, verify time)?

A local OpenAI-protocol server answers every request after a fixed latency with SCRIPTED
replies (two wrong tries, then llc's correct asm: 3 rounds per task). `neucomback.bench`
(the API, as the CLI calls it: its own store, verifier pool and provider) runs N tasks at
the given concurrency. The CPU-bound time is measured by running the same verifications
through a warm pool with no model at all.

usage: .venv/bin/python bench/agent_concurrency.py [--tasks 40] [--latency 1.0] [--concurrency 16] [--jobs 2]
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
from agent_support import drop_globl, fenced, ir_of, llc_asm  # noqa: E402

from neucomback import BenchSettings, ModelSettings, Selection, bench  # noqa: E402
from neucomback.harness.build import ir_for  # noqa: E402
from neucomback.harness.pool import VerifierPool  # noqa: E402
from neucomback.models.mockserver import MockServer, Response  # noqa: E402
from neucomback.targets import get_target  # noqa: E402


_asm: dict[str, str] = {}


def responder(req):  # type: ignore[no-untyped-def]
    ir = ir_of(req)
    asm = _asm[ir] if ir in _asm else _asm.setdefault(ir, llc_asm(ir))  # precomputed: the server costs no CPU
    tries = sum(1 for m in req["messages"] if m["role"] == "assistant")
    return Response(text=fenced(asm if tries >= 2 else drop_globl(asm)))


async def verify_only(pool: VerifierPool, tasks, target) -> float:  # type: ignore[no-untyped-def]
    """The same 3 verifications per task as the agent does, with no model: the CPU-bound time."""
    jobs = []
    for t in tasks:
        ir = ir_for(t, target).read_text()
        asm = _asm.setdefault(ir, llc_asm(ir))
        jobs += [pool.verify(t, target.name, a, False) for a in (drop_globl(asm), drop_globl(asm), asm)]
    t0 = time.perf_counter()
    await asyncio.gather(*jobs)
    return time.perf_counter() - t0


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--tasks", type=int, default=40)
    ap.add_argument("--latency", type=float, default=1.0)
    ap.add_argument("--concurrency", type=int, default=16)
    ap.add_argument("--jobs", type=int, default=2)
    a = ap.parse_args()
    target = get_target("x86_64")
    selection = Selection(split="all", level=1, limit=a.tasks)
    tasks = selection.select()
    for t in tasks:
        ir_for(t, target)  # warm the IR cache so both measurements see the same state
    with MockServer(responder, latency_s=a.latency) as srv, tempfile.TemporaryDirectory() as d:
        with VerifierPool(a.jobs) as pool:
            asyncio.run(verify_only(pool, tasks[:2], target))  # start workers, warm harness caches
            cpu = asyncio.run(verify_only(pool, tasks, target))
        model = ModelSettings("openai:mock", base_url=srv.base_url, concurrency=a.concurrency, check=False,
                              cache=False)
        t0 = time.perf_counter()  # includes starting bench's own verifier pool, as a user's run does
        out = bench(BenchSettings(model, selection, debug_rounds=2, jobs=a.jobs, run_dir=Path(d) / "run"))
        wall = time.perf_counter() - t0
        requests = srv.request_count
    model_bound = a.latency * 3 * len(tasks) / a.concurrency
    bound = max(model_bound, cpu)
    correct = sum(r["correct"] for r in out.results)
    print(f"{len(tasks)} tasks x 3 rounds ({requests} requests, {correct} correct) at concurrency "
          f"{a.concurrency}, {a.jobs} verify workers, server latency {a.latency:.1f}s (SCRIPTED replies)")
    print(f"model-bound time  latency x rounds / concurrency = {model_bound:.1f}s")
    print(f"CPU-bound time    the same verifications, no model = {cpu:.1f}s")
    print(f"agent wall time   {wall:.1f}s  ->  ratio to max(bounds) = {wall / bound:.2f}")


if __name__ == "__main__":
    main()
