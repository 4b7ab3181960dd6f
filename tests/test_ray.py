"""The Ray executor on a real local cluster (ray.cluster_utils.Cluster: several raylets on this
machine, with different labels): same verdicts as the local pool, placement by ISA label,
timing under the per-node slot, nothing lost when a worker or a node dies mid-run."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

import psutil
import pytest
import ray
from ray.cluster_utils import Cluster

from neucomback.api import BaselineSettings, BenchSettings, ModelSettings, Selection, baseline, bench
from neucomback.executors import ExecutorSettings
from neucomback.executors.ray_cluster import TIMING_SLOT
from neucomback.record.view import read_run
from test_evolve import mini_suite  # noqa: F401 - the fixture: eight small tasks with train/valid/test splits

os.environ.setdefault("RAY_worker_niceness", "0")  # raylets started below inherit it (see executors/ray_cluster.py)

L1 = ("l1_gcd_u32", "l1_sum_i32", "l1_days_in_month", "l1_collatz_steps")
STORE = 128 * 1024 * 1024
EXE = Path(sys.executable).parent / "neucomback"


def _node(isa: str) -> dict[str, Any]:
    return {"num_cpus": 1, "resources": {TIMING_SLOT: 1}, "labels": {"isa": isa}, "object_store_memory": STORE}


@pytest.fixture(scope="module")
def cluster():  # type: ignore[no-untyped-def]
    """Three nodes: two labelled x86_64 (this machine's ISA), one labelled aarch64 (simulated:
    its candidates run under qemu, as on a cluster without real aarch64 machines)."""
    c = Cluster(initialize_head=True, head_node_args={**_node("x86_64"), "include_dashboard": False})
    c.x86_worker = c.add_node(**_node("x86_64"))  # type: ignore[attr-defined]
    c.add_node(**_node("aarch64"))
    c.wait_for_nodes()
    yield c
    if ray.is_initialized():
        ray.shutdown()
    c.shutdown()


def _ray(c: Cluster) -> ExecutorSettings:
    return ExecutorSettings("ray", c.address)


def _outcomes(out: Any) -> list[tuple[str, str, bool, str]]:
    return [(r.task.id, r.compiler, r.verdict.correct, r.verdict.stage.label()) for r in out.results]


def test_baseline_gives_the_local_verdicts_and_places_by_label(cluster) -> None:  # type: ignore[no-untyped-def]
    sel = Selection(tasks=(*L1, "l2_axpby_f32", "l2_absdiff_u8"))  # timed in parallel on the two x86_64 nodes
    local = baseline(BaselineSettings(sel, compilers=("llc-O0", "llc-O3")))
    on_ray = baseline(BaselineSettings(sel, compilers=("llc-O0", "llc-O3"), executor=_ray(cluster)))
    assert _outcomes(on_ray) == _outcomes(local) and all(r.verdict.correct for r in local.results)
    places = [r.verdict.placement for r in on_ray.results]
    assert all(p and p["executor"] == "ray" and p["labels"]["isa"] == "x86_64" and p["native"] for p in places)
    timed = [r.verdict for r in on_ray.results if r.task.level == 2]
    assert timed and all(v.timing and v.timing.pairs > 0 for v in timed)  # the timing slot was granted
    windows = sorted(v.placement["timing_window"] for v in timed)
    # never two timings at once: per node by its slot, and on this host (simulated nodes) by its lock
    assert len(windows) == 4 and all(a[1] <= b[0] for a, b in zip(windows, windows[1:]))
    assert all(r.verdict.placement["executor"] == "local" for r in local.results)
    arm = baseline(BaselineSettings(sel, target="aarch64", executor=_ray(cluster)))
    assert all(r.verdict.correct for r in arm.results)
    assert {r.verdict.placement["labels"]["isa"] for r in arm.results} == {"aarch64"}
    assert not any(r.verdict.placement["native"] for r in arm.results)  # simulated: qemu, never speed
    assert all(r.verdict.timing is None or r.verdict.timing.speedup is None for r in arm.results)


def test_bench_records_where_each_attempt_ran(cluster, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    sel = Selection(tasks=L1[:3])
    local = bench(BenchSettings(ModelSettings("llc:O3"), sel, run_dir=tmp_path / "local"))
    on_ray = bench(BenchSettings(ModelSettings("llc:O3"), sel, run_dir=tmp_path / "ray", executor=_ray(cluster)))
    assert on_ray.summary["acc"] == local.summary["acc"] == 1.0
    assert [(r["task_id"], r["correct"]) for r in sorted(on_ray.results, key=lambda r: r["task_id"])] == \
        [(r["task_id"], r["correct"]) for r in sorted(local.results, key=lambda r: r["task_id"])]
    run = read_run(on_ray.run_dir)
    places = [r.verdict["placement"] for t in run.tasks for r in t.rounds]
    assert places and all(p["executor"] == "ray" and p["labels"] == {"isa": "x86_64"} for p in places)
    assert json.loads((on_ray.run_dir / "config.json").read_text())["executor"] == "ray"


def test_evolve_gives_the_same_curve_on_ray(cluster, mini_suite: Path, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from test_evolve import Tutor, evolve_cmd, ok_json  # the scripted tutor (NOT a model)

    from neucomback.models.mockserver import MockServer

    root = mini_suite
    docs = {}
    for name, extra in (("local", []), ("ray", ["--executor", "ray", "--address", cluster.address])):
        with MockServer(Tutor()) as srv:
            docs[name] = ok_json(evolve_cmd(root, srv.base_url, tmp_path / name, "--epochs", "1", "--batch-size", "2",
                                            *extra), env={**os.environ, "NEUCOMBACK_CACHE": str(tmp_path / f"c-{name}")})
    strip = lambda doc: [(e["epoch"], e["decision"], e["valid"]) for e in doc["epochs"]]  # noqa: E731
    assert strip(docs["ray"]) == strip(docs["local"]) and docs["ray"]["epochs"]


def _kill_when_verifying(stop: threading.Event, killed: list[int]) -> None:
    """SIGKILL the first Ray worker process found running a verification. (Only the attributes
    process_iter read: a process that ended meanwhile must not kill this thread.)"""
    while not stop.is_set() and not killed:
        for p in psutil.process_iter(["pid", "name", "cmdline"]):
            title = " ".join(p.info["cmdline"] or []) + " " + (p.info["name"] or "")
            if "verify_on_node" in title:
                try:
                    os.kill(p.info["pid"], signal.SIGKILL)
                except ProcessLookupError:
                    continue
                killed.append(p.info["pid"])
                return
        time.sleep(0.005)


def test_a_worker_killed_mid_run_loses_nothing(cluster) -> None:  # type: ignore[no-untyped-def]
    sel = Selection(split="all", level=1, limit=24)
    stop, killed = threading.Event(), []
    killer = threading.Thread(target=_kill_when_verifying, args=(stop, killed))
    killer.start()
    try:
        out = baseline(BaselineSettings(sel, executor=_ray(cluster)))
    finally:
        stop.set()
        killer.join()
    assert killed, "no verification was caught running"
    assert len(out.results) == 24 and all(r.verdict.correct for r in out.results), \
        [(r.task.id, r.verdict.feedback[:200]) for r in out.results if not r.verdict.correct]


def test_a_node_lost_mid_run_loses_nothing(cluster) -> None:  # type: ignore[no-untyped-def]
    """Removes the second x86_64 node mid-run (later tests use the nodes left), as soon as it
    runs a verification or, if Ray keeps it idle, after the first results: whatever it held
    is retried on the head; every result arrives, correct. (A worker process killed while it
    verifies is the test above.)"""
    import asyncio

    from neucomback.executors.ray_cluster import RayExecutor
    from neucomback.harness.build import reference_asm
    from neucomback.targets import get_target

    target = get_target("x86_64")
    tasks = Selection(split="all", level=1, limit=16).select()
    asms = [reference_asm(t, target).read_text() for t in tasks]
    raylet = psutil.Process(cluster.x86_worker.all_processes["raylet"][0].process.pid)
    removed, done, at_removal = threading.Event(), [], []

    def remove_when_busy() -> None:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and not removed.is_set():
            busy = any("verify_on_node" in " ".join(_cmdline(p)) for p in raylet.children(recursive=True))
            if busy or len(done) >= 3:
                at_removal.append(len(done))
                cluster.remove_node(cluster.x86_worker, allow_graceful=False)
                removed.set()
                return
            time.sleep(0.005)

    async def one(t: Any, a: str) -> Any:
        v = await ex.verify(t, target.name, a, False)
        done.append(v)
        return v

    async def verify_all() -> list[Any]:
        return await asyncio.gather(*(one(t, a) for t, a in zip(tasks, asms)))

    remover = threading.Thread(target=remove_when_busy)
    ex = RayExecutor(cluster.address)
    remover.start()
    try:
        verdicts = asyncio.run(verify_all())
    finally:
        remover.join()
        ex.close()
    assert removed.is_set() and at_removal[0] < len(tasks), "the node was not removed during the run"
    assert len(verdicts) == 16 and all(v.correct for v in verdicts), \
        [(v.task_id, v.feedback[:200]) for v in verdicts if not v.correct]


def _cmdline(p: psutil.Process) -> list[str]:
    try:
        return p.cmdline()
    except psutil.Error:  # the process ended meanwhile
        return []


def test_cli_runs_baseline_on_ray_and_refuses_address_without_it(cluster) -> None:  # type: ignore[no-untyped-def]
    r = subprocess.run([str(EXE), "baseline", "--task", "l1_gcd_u32", "--executor", "ray", "--address",
                        cluster.address, "--json"], capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stderr[-2000:]
    assert json.loads(r.stdout)["results"][0]["placement"]["executor"] == "ray"
    r = subprocess.run([str(EXE), "baseline", "--task", "l1_gcd_u32", "--address", cluster.address],
                       capture_output=True, text=True, timeout=120)
    assert r.returncode == 2 and "--address needs --executor ray" in r.stderr
