"""The agent workflow against a real local OpenAI-protocol server serving SCRIPTED replies."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path


from agent_support import attempts_recorded, drop_globl, fenced, ir_of, is_feedback, last_user, llc_asm
from neucomback.agent.prompts import Prompt
from neucomback.agent.runner import run_tasks
from neucomback.agent.workflow import AgentConfig
from neucomback.models.base import GenParams
from neucomback.models.cache import CachedProvider, ResponseCache
from neucomback.models.mockserver import MockServer, Response
from neucomback.models.openai_provider import OpenAIProvider
from neucomback.models.retry import RetryPolicy
from neucomback.record.store import RunStore
from neucomback.targets import get_target

X86 = get_target("x86_64")
FAST_RETRY = RetryPolicy(max_retries=2, base_delay_s=0.01, max_delay_s=0.05)


def provider(srv: MockServer, **kw):  # type: ignore[no-untyped-def]
    kw.setdefault("retry", FAST_RETRY)
    return OpenAIProvider("mock", base_url=srv.base_url, timeout_s=kw.pop("timeout_s", 30), **kw)


def run(tasks, prov, store_dir: Path, evaluator, debug: int = 2, opt: int = 0):  # type: ignore[no-untyped-def]
    async def verify(task, target_name, asm, timing):  # type: ignore[no-untyped-def]
        return await asyncio.to_thread(evaluator.verify, task, get_target(target_name), asm, timing=timing)

    store = RunStore(store_dir)
    out = asyncio.run(run_tasks(tasks, X86, prov, verify, store, Prompt(), AgentConfig(debug, opt, GenParams()),
                                concurrency=4))
    return out, store


def test_right_on_first_try(suite, evaluator, tmp_path) -> None:  # type: ignore[no-untyped-def]
    with MockServer(lambda req: Response(text=fenced(llc_asm(ir_of(req))))) as srv:
        out, store = run([suite.get("l1_gcd_u32")], provider(srv), tmp_path / "run", evaluator)
        assert srv.request_count == 1
    r = out.results[0]
    assert r["correct"] and r["first_correct"] and r["rounds"] == 1 and r["outcome"] == "first-try"
    assert r["scripted"]  # the mock server marks its replies: never reported as a model's
    files = {p.name for p in (tmp_path / "run" / "tasks" / "l1_gcd_u32").iterdir()}
    assert {"round-0.prompt.md", "round-0.reply.md", "round-0.s", "round-0.verdict.json", "result.json"} <= files


def test_wrong_then_fixed_after_feedback(suite, evaluator, tmp_path) -> None:  # type: ignore[no-untyped-def]
    def respond(req):  # type: ignore[no-untyped-def]
        asm = llc_asm(ir_of(req))
        return Response(text=fenced(asm if is_feedback(req) else drop_globl(asm)))

    with MockServer(respond) as srv:
        out, _ = run([suite.get("l1_gcd_u32")], provider(srv), tmp_path / "run", evaluator)
        second = last_user(srv.requests[1])
    r = out.results[0]
    assert r["correct"] and not r["first_correct"] and r["outcome"] == "debug-1"
    # the verdict's feedback reached the server, with the linker's complaint and the fix hint
    assert "Linking failed" in second and "gcd_u32" in second and ".globl" in second


def test_wrong_answer_feedback_names_the_input(suite, evaluator, tmp_path, to_asm) -> None:  # type: ignore[no-untyped-def]
    wrong = to_asm("unsigned gcd_u32(unsigned a, unsigned b) { return a + b; }")

    def respond(req):  # type: ignore[no-untyped-def]
        return Response(text=fenced(llc_asm(ir_of(req)) if is_feedback(req) else wrong))

    with MockServer(respond) as srv:
        out, _ = run([suite.get("l1_gcd_u32")], provider(srv), tmp_path / "run", evaluator)
        second = last_user(srv.requests[1])
    assert out.results[0]["correct"]
    assert "Wrong result" in second and "Inputs of case" in second and "expected" in second


def test_garbage_reply_is_a_candidate_failure(suite, evaluator, tmp_path) -> None:  # type: ignore[no-untyped-def]
    with MockServer(lambda req: Response(text="I'm sorry, I can't help with that.")) as srv:
        out, store = run([suite.get("l1_gcd_u32")], provider(srv), tmp_path / "run", evaluator, debug=1)
        assert srv.request_count == 2
        assert "contained no assembly" in last_user(srv.requests[1])
    r = out.results[0]
    assert not r["correct"] and r["status"] == "done" and r["failure_stage"] == "extract"


def test_replies_with_invalid_unicode_and_nul_bytes_are_stored_and_judged(suite, evaluator, tmp_path) -> None:  # type: ignore[no-untyped-def]
    def respond(req):  # type: ignore[no-untyped-def]
        return Response(text="Note \ud800 lone surrogate, NUL \x00, escape \x1b[31m.\n" + fenced(llc_asm(ir_of(req))))

    with MockServer(respond) as srv:
        out, store = run([suite.get("l1_gcd_u32"), suite.get("l1_sum_i32")], provider(srv), tmp_path / "run", evaluator)
    assert [r["correct"] for r in out.results] == [True, True]
    text = store.attempt("l1_gcd_u32", 0)["reply"]["text"]
    assert "\ufffd" in text and "\x00" not in text and "\x1b" not in text
    text.encode("utf-8")  # storable, sendable


def test_a_10mb_reply_is_cut_and_each_round_stores_only_what_is_new(suite, evaluator, tmp_path) -> None:  # type: ignore[no-untyped-def]
    from neucomback.models.base import MAX_REPLY_CHARS

    big = "x" * 10_000_000

    def respond(req):  # type: ignore[no-untyped-def]
        return Response(text=big)  # no assembly: every round fails at extraction, and is re-sent

    with MockServer(respond) as srv:
        out, store = run([suite.get("l1_gcd_u32")], provider(srv), tmp_path / "run", evaluator, debug=2)
        sent = [len(json.dumps(r["messages"])) for r in srv.requests]
    assert out.results[0]["rounds"] == 3
    rec = store.attempt("l1_gcd_u32", 2)
    assert len(rec["reply"]["text"]) < MAX_REPLY_CHARS + 100 and "reply cut here" in rec["reply"]["text"]
    assert [m["role"] for m in rec["messages"]].count("assistant") == 2  # the whole conversation, rebuilt
    assert max(sent) < 2.2 * MAX_REPLY_CHARS + 100_000  # what is re-sent is bounded too
    store.close()
    disk = sum(f.stat().st_size for f in (tmp_path / "run").rglob("*") if f.is_file())
    assert disk < 3 * 2.5 * MAX_REPLY_CHARS  # about the reply twice per round (database + reply.md)


def test_an_error_while_handling_one_task_is_that_tasks_failure(suite, evaluator, tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from neucomback.agent import workflow

    real = workflow.extract_asm

    def explode(text, function):  # type: ignore[no-untyped-def]
        if function == "gcd_u32":
            raise RuntimeError("extractor bug")
        return real(text, function)

    monkeypatch.setattr(workflow, "extract_asm", explode)
    with MockServer(lambda req: Response(text=fenced(llc_asm(ir_of(req))))) as srv:
        out, _ = run([suite.get("l1_gcd_u32"), suite.get("l1_sum_i32")], provider(srv), tmp_path / "run", evaluator)
    by = {r["task_id"]: r for r in out.results}
    assert by["l1_sum_i32"]["correct"]
    assert by["l1_gcd_u32"]["status"] == "infrastructure" and "extractor bug" in by["l1_gcd_u32"]["error"]


def test_truncated_reply_is_reported_and_fixed(suite, evaluator, tmp_path) -> None:  # type: ignore[no-untyped-def]
    def respond(req):  # type: ignore[no-untyped-def]
        asm = llc_asm(ir_of(req))
        if is_feedback(req):
            return Response(text=fenced(asm))
        return Response(text="```asm\n" + asm[: len(asm) // 3], finish_reason="length")

    with MockServer(respond) as srv:
        out, store = run([suite.get("l1_gcd_u32")], provider(srv), tmp_path / "run", evaluator)
        assert "truncated" in last_user(srv.requests[1])
    assert out.results[0]["correct"] and out.results[0]["outcome"] == "debug-1"
    assert store.attempt("l1_gcd_u32", 0)["extraction"]["truncated"]


def test_429_then_success(suite, evaluator, tmp_path) -> None:  # type: ignore[no-untyped-def]
    calls = []

    def respond(req):  # type: ignore[no-untyped-def]
        calls.append(1)
        if len(calls) == 1:
            return Response(status=429, text="rate limited", headers={"Retry-After": "0"})
        return Response(text=fenced(llc_asm(ir_of(req))))

    with MockServer(respond) as srv:
        out, _ = run([suite.get("l1_gcd_u32")], provider(srv), tmp_path / "run", evaluator)
        assert srv.request_count == 2
    assert out.results[0]["correct"] and out.results[0]["first_correct"]


def test_timeout_stops_cleanly_and_rerun_finishes(suite, evaluator, tmp_path) -> None:  # type: ignore[no-untyped-def]
    task = suite.get("l1_gcd_u32")
    with MockServer(lambda req: Response(text="late", delay_s=3.0)) as srv:
        out, store = run([task], provider(srv, timeout_s=0.3), tmp_path / "run", evaluator)
    assert out.stopped.startswith("model error") and out.results == []
    assert store.attempts() == []  # nothing half-recorded
    with MockServer(lambda req: Response(text=fenced(llc_asm(ir_of(req))))) as srv:
        out, _ = run([task], provider(srv), tmp_path / "run", evaluator)
    assert out.results[0]["correct"] and not out.stopped


def test_cache_hit_on_rerun_makes_no_server_calls(suite, evaluator, tmp_path) -> None:  # type: ignore[no-untyped-def]
    tasks = [suite.get("l1_gcd_u32"), suite.get("l1_sum_i32")]
    cache = ResponseCache(tmp_path / "responses.sqlite")
    with MockServer(lambda req: Response(text=fenced(llc_asm(ir_of(req))))) as srv:
        first, _ = run(tasks, CachedProvider(provider(srv), cache), tmp_path / "a", evaluator)
        n = srv.request_count
        second, _ = run(tasks, CachedProvider(provider(srv), cache), tmp_path / "b", evaluator)
        assert n == 2 and srv.request_count == n  # zero new calls
    assert [r["correct"] for r in first.results] == [r["correct"] for r in second.results] == [True, True]


def test_level2_optimization_round_gets_measured_timing(suite, evaluator, tmp_path) -> None:  # type: ignore[no-untyped-def]
    with MockServer(lambda req: Response(text=fenced(llc_asm(ir_of(req))))) as srv:
        out, store = run([suite.get("l2_saxpy_f64")], provider(srv), tmp_path / "run", evaluator, debug=0, opt=1)
        opt_prompt = last_user(srv.requests[1])
    r = out.results[0]
    assert r["correct"] and r["rounds"] == 2 and r["speedup"] is not None
    assert "speedup" in opt_prompt and "99% CI" in opt_prompt and "clang -O3" in opt_prompt
    assert store.attempt("l2_saxpy_f64", 1)["kind"] == "opt"


_attempts = attempts_recorded


def test_resume_after_sigkill_repeats_nothing(tmp_path) -> None:
    """kill -9 a real `neucomback bench` mid-run; rerunning the same command finishes the run
    without any request reaching the server twice and without losing recorded attempts."""
    def respond(req):  # type: ignore[no-untyped-def]
        asm = llc_asm(ir_of(req))
        return Response(text=fenced(asm if is_feedback(req) else drop_globl(asm)), delay_s=0.4)

    run_dir = tmp_path / "run"
    exe = Path(sys.executable).parent / "neucomback"
    with MockServer(respond) as srv:
        cmd = [str(exe), "bench", "--model", "openai:mock", "--base-url", srv.base_url, "--split", "all",
               "--level", "1", "--limit", "6", "--debug-rounds", "1", "--run-dir", str(run_dir),
               "--concurrency", "2", "--jobs", "2", "--json"]
        proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        deadline = time.monotonic() + 120
        while _attempts(run_dir) < 3 and time.monotonic() < deadline and proc.poll() is None:
            time.sleep(0.05)
        assert proc.poll() is None, proc.stderr.read().decode()[-2000:]  # type: ignore[union-attr]
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
        recorded_before = _attempts(run_dir)
        assert 3 <= recorded_before < 12
        with sqlite3.connect(run_dir / "run.sqlite") as db:
            keys = db.execute("SELECT task_id, round FROM attempts").fetchall()
        store = RunStore(run_dir)  # later rounds are stored as what they added: rebuild each conversation
        answered = {json.dumps(store.attempt(t, r)["messages"], sort_keys=True) for t, r in keys}
        store.close()
        done = subprocess.run(cmd, capture_output=True, text=True, timeout=300)
        assert done.returncode == 0, done.stderr[-2000:]
        bodies = [json.dumps(r["messages"], sort_keys=True) for r in srv.requests]
    summary = json.loads(done.stdout)
    assert summary["tasks"] == 6 and summary["finished"] == 6 and summary["acc"] == 1.0
    assert _attempts(run_dir) == 12  # every task: a failed first try, then the fix
    # no request answered before the kill reached the server again; only calls that were in
    # flight at the kill (their reply never arrived) may have been made again
    assert all(bodies.count(b) == 1 for b in answered)
    assert len(bodies) - len(set(bodies)) <= 2  # at most --concurrency calls were in flight


def test_budget_stops_the_run_cleanly_and_a_rerun_resumes(suite, evaluator, tmp_path) -> None:  # type: ignore[no-untyped-def]
    """Each call costs money (price table); a budget worth about two calls stops new work,
    nothing half-done is recorded as a result, and a rerun with a larger budget finishes."""
    from neucomback.models.accounting import Budget, Price

    tasks = [suite.get("l1_gcd_u32"), suite.get("l1_sum_i32"), suite.get("l2_saxpy_f64")]
    prices = {"openai:mock": Price(1000.0, 1000.0)}  # absurd prices make every call visible in $

    def go(budget: Budget, run_dir: Path):  # type: ignore[no-untyped-def]
        async def verify(task, target_name, asm, timing):  # type: ignore[no-untyped-def]
            return await asyncio.to_thread(evaluator.verify, task, get_target(target_name), asm, timing=False)

        with MockServer(lambda req: Response(text=fenced(llc_asm(ir_of(req))))) as srv:
            prov = OpenAIProvider("mock", base_url=srv.base_url, retry=FAST_RETRY, prices=prices)
            out = asyncio.run(run_tasks(tasks, X86, prov, verify, RunStore(run_dir), Prompt(), AgentConfig(0, 0),
                                        concurrency=1, budget=budget))
            return out, srv.request_count

    first_cost = None
    out, calls = go(Budget(0.0), tmp_path / "zero")
    assert calls == 0 and out.stopped.startswith("budget") and out.results == []
    out, calls = go(Budget(None), tmp_path / "probe")
    first_cost = out.results[0]["cost_usd"]
    assert first_cost > 0
    out, calls = go(Budget(first_cost * 1.5), tmp_path / "run")
    assert out.stopped.startswith("budget") and calls == 2 and len(out.results) == 2
    out, calls = go(Budget(None), tmp_path / "run")
    assert not out.stopped and calls == 1 and len(out.results) == 3
