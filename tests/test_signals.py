"""Runs that survive signals: SIGINT or SIGTERM to a running `neucomback bench` (the main
process alone, or its whole process group) stops it within 5 s with no traceback and an
incomplete summary; after kill -9 nothing of it lives on; a rerun finishes the run."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from agent_support import attempts_recorded, drop_globl, fenced, ir_of, is_feedback, llc_asm
from neucomback.models.mockserver import MockServer, Response

EXE = str(Path(sys.executable).parent / "neucomback")


_attempts = attempts_recorded


def _group_alive(pgid: int) -> bool:
    try:
        os.killpg(pgid, 0)
        return True
    except ProcessLookupError:
        return False


def _respond(req):  # type: ignore[no-untyped-def]
    asm = llc_asm(ir_of(req))
    return Response(text=fenced(asm if is_feedback(req) else drop_globl(asm)), delay_s=0.5)


def _start(srv: MockServer, run_dir: Path) -> subprocess.Popen:  # type: ignore[type-arg]
    cmd = [EXE, "bench", "--model", "openai:mock", "--base-url", srv.base_url, "--split", "all", "--level", "1",
           "--limit", "8", "--debug-rounds", "1", "--run-dir", str(run_dir), "--concurrency", "2", "--jobs", "2"]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True)
    deadline = time.monotonic() + 120
    while _attempts(run_dir) < 2 and time.monotonic() < deadline and proc.poll() is None:
        time.sleep(0.05)
    assert proc.poll() is None, proc.stderr.read().decode()[-2000:]  # type: ignore[union-attr]
    time.sleep(0.3)  # model calls and verifications in flight
    return proc


def _wait_gone(pgid: int, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while _group_alive(pgid) and time.monotonic() < deadline:
        time.sleep(0.05)
    return not _group_alive(pgid)


@pytest.mark.parametrize("sig, whole_group, code", [
    (signal.SIGINT, False, 130), (signal.SIGTERM, False, 143), (signal.SIGINT, True, 130),
    (signal.SIGTERM, True, 143)])
def test_a_signal_stops_the_run_within_5s_cleanly(tmp_path, sig, whole_group, code) -> None:  # type: ignore[no-untyped-def]
    run_dir = tmp_path / "run"
    with MockServer(_respond) as srv:
        proc = _start(srv, run_dir)
        try:
            t0 = time.monotonic()
            (os.killpg if whole_group else os.kill)(proc.pid, sig)
            out, err = proc.communicate(timeout=20)
            took = time.monotonic() - t0
            assert _wait_gone(proc.pid, 5), "processes of the run are left"
        finally:
            if _group_alive(proc.pid):
                os.killpg(proc.pid, signal.SIGKILL)
    stderr = err.decode()
    assert took < 5, took
    assert proc.returncode == code, stderr[-2000:]
    assert "Traceback" not in stderr
    summary = json.loads((run_dir / "summary.json").read_text())
    assert summary["complete"] is False and "interrupted" in summary["stopped"]
    listing = subprocess.run([EXE, "runs", "list", str(tmp_path)], capture_output=True, text=True, timeout=60)
    assert "incomplete" in listing.stdout


def test_after_kill_9_nothing_lives_on_and_a_rerun_finishes(tmp_path) -> None:  # type: ignore[no-untyped-def]
    run_dir = tmp_path / "run"
    with MockServer(_respond) as srv:
        proc = _start(srv, run_dir)
        try:
            os.kill(proc.pid, signal.SIGKILL)
            proc.wait(timeout=10)
            assert _wait_gone(proc.pid, 5), "the pool's forkserver or workers outlived the main process"
        finally:
            if _group_alive(proc.pid):
                os.killpg(proc.pid, signal.SIGKILL)
        before = _attempts(run_dir)
        cmd = [EXE, "bench", "--model", "openai:mock", "--base-url", srv.base_url, "--split", "all", "--level",
               "1", "--limit", "8", "--debug-rounds", "1", "--run-dir", str(run_dir), "--concurrency", "2",
               "--jobs", "2", "--json"]
        done = subprocess.run(cmd, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    summary = json.loads(done.stdout)
    assert summary["complete"] and summary["finished"] == 8 and _attempts(run_dir) >= before
