#!/usr/bin/env python3
"""Ray's overhead over the local process pool, and placement by ISA label.

1. `neucomback.baseline` (llc-O3, timing on) over a suite with the local pool and with Ray at
   the same number of workers, alternating, ROUNDS times each. Ray runs on a one-node cluster
   started once by this script (as `ray start --head --labels isa=x86_64 --resources
   '{"timing_slot": 1}'` would), so its start-up is reported apart: wall time of the runs,
   the overhead ratio, and whether both gave the same verdicts (task, correct, stage).
2. A simulated two-node cluster (ray.cluster_utils.Cluster): one node labelled isa=x86_64,
   one labelled isa=aarch64. Baselines for both targets; where every verdict says it ran.

usage: .venv/bin/python bench/executor_overhead.py [--suite builtin] [--level N] [--jobs 2] [--rounds 1]
       [--no-warmup] [--parts overhead,placement]
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import time
from collections import Counter
from typing import Any

import ray
from ray.cluster_utils import Cluster

from neucomback.api import BaselineSettings, Selection, baseline
from neucomback.executors import ExecutorSettings
from neucomback.executors.ray_cluster import ISA_LABEL, NICENESS_ENV, OBJECT_STORE_BYTES, TIMING_SLOT, host_isa

os.environ.setdefault(NICENESS_ENV, "0")  # as `RAY_worker_niceness=0 ray start ...`: workers not niced


def outcomes(out: Any) -> list[tuple[str, bool, str]]:
    return [(r.task.id, r.verdict.correct, r.verdict.stage.label()) for r in out.results]


def timed_run(settings: BaselineSettings) -> tuple[float, Any]:
    t0 = time.perf_counter()
    out = baseline(settings)
    return time.perf_counter() - t0, out


def overhead(sel: Selection, jobs: int, rounds: int, warmup: bool = True) -> dict[str, Any]:
    t0 = time.perf_counter()
    ray.init(num_cpus=jobs, resources={TIMING_SLOT: 1}, labels={ISA_LABEL: host_isa()}, include_dashboard=False,
             log_to_driver=False, logging_level=logging.WARNING, object_store_memory=OBJECT_STORE_BYTES)
    startup = time.perf_counter() - t0
    walls: dict[str, list[float]] = {"local": [], "ray": []}
    same = True
    if warmup:
        warm_s, _ = timed_run(BaselineSettings(sel, jobs=jobs))  # builds the caches both executors then share
        print(f"warm-up (local, builds caches): {warm_s:.1f}s", flush=True)
    try:
        for i in range(rounds):  # alternate which goes first: drift of the machine hits both alike
            order = ("local", "ray") if i % 2 == 0 else ("ray", "local")
            runs = {}
            for name in order:
                ex = ExecutorSettings(name)
                runs[name] = timed_run(BaselineSettings(sel, jobs=jobs, executor=ex))
            (local_s, local), (ray_s, on_ray) = runs["local"], runs["ray"]
            walls["local"].append(local_s)
            walls["ray"].append(ray_s)
            same = same and outcomes(local) == outcomes(on_ray)
            print(f"round: local {local_s:.1f}s, ray {ray_s:.1f}s ({len(local.results)} tasks)", flush=True)
    finally:
        ray.shutdown()
    lo, ry = sum(walls["local"]), sum(walls["ray"])
    return {"tasks": len(local.results), "jobs": jobs, "rounds": rounds, "local_s": walls["local"],
            "ray_s": walls["ray"], "ray_overhead": round(ry / lo - 1, 4), "ray_startup_s": round(startup, 1),
            "ray_overhead_with_startup": round((ry + startup * rounds) / lo - 1, 4), "same_verdicts": same,
            "correct": sum(c for _, c, _ in outcomes(local))}


def placement(sel: Selection) -> dict[str, Any]:
    node = {"num_cpus": 1, "resources": {TIMING_SLOT: 1}, "object_store_memory": OBJECT_STORE_BYTES}
    c = Cluster(initialize_head=True, head_node_args={**node, "labels": {ISA_LABEL: "x86_64"},
                                                      "include_dashboard": False})
    c.add_node(**node, labels={ISA_LABEL: "aarch64"})
    c.wait_for_nodes()
    out: dict[str, Any] = {}
    try:
        for target in ("x86_64", "aarch64"):
            res = baseline(BaselineSettings(sel, target=target, executor=ExecutorSettings("ray", c.address)))
            where = Counter((r.verdict.placement or {}).get("labels", {}).get(ISA_LABEL, "?") for r in res.results)
            native = Counter(bool((r.verdict.placement or {}).get("native")) for r in res.results)
            out[target] = {"tasks": len(res.results), "correct": sum(r.verdict.correct for r in res.results),
                           "ran_on_nodes_labelled": dict(where), "native": dict(native),
                           "nodes": len({(r.verdict.placement or {}).get("node") for r in res.results})}
    finally:
        if ray.is_initialized():
            ray.shutdown()
        c.shutdown()
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--suite", default="builtin")
    ap.add_argument("--level", type=int, default=None)
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--rounds", type=int, default=1)
    ap.add_argument("--placement-tasks", type=int, default=12)
    ap.add_argument("--parts", default="overhead,placement")
    ap.add_argument("--no-warmup", action="store_true", help="the caches are warm already")
    a = ap.parse_args()
    doc: dict[str, Any] = {}
    if "overhead" in a.parts:
        doc["overhead"] = overhead(Selection(suite=a.suite, split="all", level=a.level), a.jobs, a.rounds,
                                   not a.no_warmup)
    if "placement" in a.parts:
        doc["placement"] = placement(Selection(suite=a.suite, split="all", limit=a.placement_tasks))
    print(json.dumps(doc, indent=1))


if __name__ == "__main__":
    main()
