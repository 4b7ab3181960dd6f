"""Self-evolving prompt optimization against a real local OpenAI-protocol server.

The server's replies are SCRIPTED (a Python responder reacting to the prompt's content):
they test that evolve learns what the traces teach, selects, rolls back, logs and resumes.
They say nothing about any model's ability, and every report marks them as scripted.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
import sys
import threading
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from agent_support import drop_globl, fenced, ir_of, is_feedback, last_user, llc_asm
from neucomback.agent.prompts import Prompt
from neucomback.evolve.analyze import parse_analysis
from neucomback.evolve.review import apply_changes, line_diff, parse_review
from neucomback.evolve.traces import collect_traces, kind_of
from neucomback.models.mockserver import MockServer, Response
from neucomback.record.store import RunStore
from neucomback.suite import load_suite
from neucomback.suite.loader import write_split

SPLITS = {"train": ["l1_days_in_month", "l1_gcd_u32", "l1_sum_i32", "l1_collatz_steps"],
          "valid": ["l1_isqrt_u64", "l1_next_pow2_u32"],
          "test": ["l1_parity_u64_fold", "l1_clz_u32_loop"]}
RULE = "- Make every function the IR defines global with `.globl NAME` before its label."
HARM = "- Keep every symbol file-local: never export labels."
ANALYSIS = """ROUND 0: the function label was never made global, so the link failed with an undefined reference.
FIX: the corrected file declares the function with `.globl`.
INSIGHTS:
1. Make every function the IR defines global with `.globl NAME` before its label."""
EXE = Path(sys.executable).parent / "neucomback"


class Tutor:
    """SCRIPTED stand-in for a model (NOT a model): its answers depend on what the prompt says.

    Compiling: unless the prompt's learned correctness guidelines mention `globl`, the first
    answer lacks the `.globl` line (a link error) and the answer to feedback is llc's correct
    asm; a guideline saying "file-local" makes every answer lack it. Analysing, merging and
    reviewing: it names the rule, adds `merge_adds` to the section, applies every change
    (or answers `review_answer` verbatim).
    """

    def __init__(self, merge_adds: tuple[str, ...] = (RULE,), review_answer: str | None = None) -> None:
        self.merge_adds, self.review_answer = merge_adds, review_answer
        self.kinds: Counter[str] = Counter()
        self._lock = threading.Lock()

    def __call__(self, request: dict[str, Any]) -> Response:
        kind, text = self.answer(request)
        with self._lock:
            self.kinds[kind] += 1
        return Response(text=text)

    def answer(self, request: dict[str, Any]) -> tuple[str, str]:
        ask = last_user(request)
        if ask.startswith("Analyse this"):
            return "analyze", ANALYSIS
        if ask.startswith("Merge these"):
            current = re.search(r"```text\n(.*?)```", ask, re.S).group(1).strip()  # type: ignore[union-attr]
            lines = [] if current == "(empty)" else current.splitlines()
            return "merge", "```text\n" + "\n".join(lines + [a for a in self.merge_adds if a not in lines]) + "\n```"
        if ask.startswith("Review a proposed"):
            numbers = re.findall(r"^\[(\d+)\]", ask, re.M)
            return "review", self.review_answer or f"APPLY: {', '.join(numbers)}"
        learned = request["messages"][0]["content"].partition("Correctness guidelines")[2]
        asm = llc_asm(ir_of(request))
        if "file-local" in learned:
            return "compile", fenced(drop_globl(asm))
        return "compile", fenced(asm if "globl" in learned or is_feedback(request) else drop_globl(asm))


@pytest.fixture(scope="module")
def mini_suite(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Eight small Level 1 tasks copied from the built-in suite, with train/valid/test splits."""
    root = tmp_path_factory.mktemp("suite")
    builtin = load_suite("builtin")
    for ids in SPLITS.values():
        for tid in ids:
            shutil.copytree(builtin.get(tid).path, root / builtin.get(tid).path.name)
    suite = load_suite(root)
    for split, ids in SPLITS.items():
        for tid in ids:
            write_split(suite.get(tid), split)
    return root


def evolve_cmd(suite: Path, url: str, run_dir: Path, *extra: str) -> list[str]:
    return [str(EXE), "evolve", "--model", "openai:mock", "--base-url", url, "--suite", str(suite),
            "--target", "x86_64", "--run-dir", str(run_dir), "--jobs", "2", "--concurrency", "2", "--seed", "7",
            "--debug-rounds", "1", "--opt-rounds", "0", *extra]


def run(cmd: list[str], env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(cmd, capture_output=True, text=True, timeout=240, env=env)


def ok_json(cmd: list[str], env: dict[str, str] | None = None) -> dict[str, Any]:
    done = run([*cmd, "--json"], env)
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout)


def decisions(doc: dict[str, Any]) -> list[str]:
    return [e["decision"] for e in doc["epochs"]]


# -- the method, end to end -------------------------------------------------------------------

def test_evolve_learns_the_rule_and_raises_test_scores(mini_suite: Path, tmp_path: Path) -> None:
    run_dir = tmp_path / "run"
    tutor = Tutor()
    with MockServer(tutor) as srv:
        doc = ok_json(evolve_cmd(mini_suite, srv.base_url, run_dir, "--epochs", "1", "--batch-size", "2",
                                 "--final-test"))
        bench = {name: ok_json([str(EXE), "bench", "--model", "openai:mock", "--base-url", srv.base_url, "--suite",
                                str(mini_suite), "--split", "test", "--debug-rounds", "0", "--jobs", "2",
                                "--run-dir", str(tmp_path / f"bench-{name}"), *args])
                 for name, args in (("initial", []), ("learned", ["--prompt", str(run_dir / "best_prompt.toml")]))}
    assert doc["scripted"] and doc["complete"] and not doc["stopped"]
    initial, best = doc["final"]["initial"], doc["final"]["best"]
    # before: every first try fails to link, self-debugging rescues it; after: right at once
    assert (initial["acc"], initial["acc_first"]) == (1.0, 0.0)
    assert (best["acc"], best["acc_first"]) == (1.0, 1.0)
    assert best["prompt"] == "e1-b0" and initial["prompt"] == "initial"
    learned = Prompt.load(run_dir / "best_prompt.toml")
    assert "globl" in learned.correctness and learned.performance == "" and learned.parent == "initial"
    # the validation curve: the learned prompt is no worse (ACC) and better first-try
    assert decisions(doc) == ["baseline", "accepted"]
    assert [e["valid"]["acc_first"] for e in doc["epochs"]] == [0.0, 1.0]
    # transfer: the saved prompt drives `bench`; without self-debugging it raises ACC itself
    assert (bench["initial"]["acc"], bench["learned"]["acc"]) == (0.0, 1.0)
    # what was learned from what: two debug traces in the first batch, none after the lesson
    first, second = (json.loads((run_dir / "log" / f"e1-b{b}.json").read_text()) for b in (0, 1))
    assert [t["kind"] for t in first["traces"]] == ["debug", "debug"]
    assert first["sections"]["correctness"]["applied"] == [1] and first["changed"] == ["correctness"]
    assert second["traces"] == [] and second["sections"] == {}
    assert "## Section `correctness`" in (run_dir / "log" / "e1-b0.md").read_text()
    assert tutor.kinds["analyze"] == 2 and tutor.kinds["merge"] == tutor.kinds["review"] == 1
    versions = sorted(p.name for p in (run_dir / "prompts").iterdir())
    assert versions == ["e1-b0.toml", "initial.toml"]
    assert Prompt.load(run_dir / "prompts" / "e1-b0.toml").score["valid_acc_first"] == 1.0
    assert json.loads((run_dir / "evolve.json").read_text())["epochs"] == doc["epochs"]


def test_analysis_model_answers_analysis_merge_and_review(mini_suite: Path, tmp_path: Path) -> None:
    """--analysis-model sends the evolver's own questions to another model (here another
    server); the compiling model is asked only to compile."""
    compiler, analyst = Tutor(), Tutor()
    with MockServer(compiler) as srv, MockServer(analyst, models=["analyst"]) as other:
        doc = ok_json(evolve_cmd(mini_suite, srv.base_url, tmp_path / "run", "--epochs", "1", "--batch-size", "2",
                                 "--analysis-model", "openai:analyst", "--analysis-base-url", other.base_url))
        assert {r["model"] for r in other.requests} == {"analyst"}
    assert doc["complete"] and set(compiler.kinds) == {"compile"}
    assert analyst.kinds["analyze"] == 2 and analyst.kinds["merge"] == analyst.kinds["review"] == 1
    assert "compile" not in analyst.kinds
    config = json.loads((tmp_path / "run" / "evolve_state.json").read_text())["config"]
    assert config["analysis_model"] == "openai:analyst" and config["analysis_base_url"] == other.base_url


def test_a_harmful_merge_is_rolled_back(mini_suite: Path, tmp_path: Path) -> None:
    run_dir = tmp_path / "run"
    with MockServer(Tutor(merge_adds=(RULE, HARM))) as srv:
        doc = ok_json(evolve_cmd(mini_suite, srv.base_url, run_dir, "--epochs", "2", "--batch-size", "4"))
    assert decisions(doc) == ["baseline", "rolled back", "rolled back"]
    assert [e["valid"]["acc"] for e in doc["epochs"]] == [1.0, 0.0, 0.0]
    assert HARM in Prompt.load(run_dir / "prompts" / "e1-b0.toml").correctness  # it was learned...
    assert doc["best"]["prompt"] == "initial"                                   # ...and not kept
    assert Prompt.load(run_dir / "best_prompt.toml").correctness == ""
    second = json.loads((run_dir / "log" / "e2-b0.json").read_text())
    assert second["prompt_before"] == "initial"  # epoch 2 started again from the best prompt


def test_review_in_the_wrong_format_applies_nothing(mini_suite: Path, tmp_path: Path) -> None:
    run_dir = tmp_path / "run"
    args = ("--epochs", "1", "--batch-size", "4", "--level", "1")
    with MockServer(Tutor(review_answer="These all look great, go ahead with every change.")) as srv:
        doc = ok_json(evolve_cmd(mini_suite, srv.base_url, run_dir, *args))
        log = json.loads((run_dir / "log" / "e1-b0.json").read_text())
        sec = log["sections"]["correctness"]
        assert sec["proposal"] and sec["diff"] and sec["applied"] == [] and not sec["changed"]
        assert "wrong format" in sec["note"] and any("wrong format" in n for n in log["notes"])
        assert "wrong format" in (run_dir / "log" / "e1-b0.md").read_text()
        assert doc["epochs"][-1]["prompt"] == "initial" and Prompt.load(run_dir / "best_prompt.toml").correctness == ""
        # a rerun with other settings is refused before any work
        changed = run(evolve_cmd(mini_suite, srv.base_url, run_dir, "--epochs", "1", "--batch-size", "3",
                                 "--level", "1"))
    assert changed.returncode == 2 and "different settings (batch_size" in changed.stderr


# -- resume and budget -------------------------------------------------------------------------

def _fresh_cache(tmp: Path) -> dict[str, str]:
    """An environment with its own response cache (spending must not see other tests' replies)
    but the session's built IR, harnesses and references (no rebuild)."""
    src = Path(os.environ["NEUCOMBACK_CACHE"])
    dst = tmp / "cache"
    shutil.copytree(src, dst, ignore=shutil.ignore_patterns("responses*"))
    return {**os.environ, "NEUCOMBACK_CACHE": str(dst)}


def _steps_done(run_dir: Path) -> int:
    try:
        return len(json.loads((run_dir / "evolve_state.json").read_text())["steps"])
    except (OSError, ValueError):
        return 0


class Gate:
    """Wraps a responder: once the watched run has finished a step, requests are held unanswered
    (the test kills the client while they wait), so every answered request is known."""

    def __init__(self, inner: Tutor, run_dir: Path) -> None:
        self.inner, self.run_dir = inner, run_dir
        self.closed = True
        self.held = threading.Event()
        self.release = threading.Event()
        self.answered: list[str] = []

    def __call__(self, request: dict[str, Any]) -> Response:
        if self.closed and _steps_done(self.run_dir) >= 1:
            self.held.set()
            self.release.wait(60)
            return Response(503, "held by the test")
        reply = self.inner(request)
        self.answered.append(_body(request))
        return reply


def _body(request: dict[str, Any]) -> str:
    return json.dumps(request["messages"], sort_keys=True)


def test_resume_after_kill_repeats_no_request(mini_suite: Path, tmp_path: Path) -> None:
    """SIGKILL after the first step is recorded; the rerun asks nothing already answered. With
    --no-cache: the run directory alone (state, step stores) must make the rerun free."""
    args = ("--epochs", "1", "--batch-size", "2", "--no-cache")
    run_dir = tmp_path / "run"
    gate = Gate(Tutor(), run_dir)
    with MockServer(gate) as srv:
        cmd = evolve_cmd(mini_suite, srv.base_url, run_dir, *args)
        proc = subprocess.Popen([*cmd, "--json"], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                                start_new_session=True)
        try:
            assert gate.held.wait(180), proc.stderr.read().decode()[-3000:]  # type: ignore[union-attr]
        finally:
            os.killpg(proc.pid, signal.SIGKILL)  # the run and its verifier workers, at once
            proc.wait()
            gate.release.set()
        assert _steps_done(run_dir) == 1
        before = list(gate.answered)
        gate.closed = False
        resumed = ok_json(cmd)
        after = gate.answered[len(before):]
    with MockServer(Tutor()) as srv2:  # the same run, never killed
        whole_dir = tmp_path / "whole"
        whole = ok_json(evolve_cmd(mini_suite, srv2.base_url, whole_dir, *args))
        uninterrupted = [_body(r) for r in srv2.requests]
    assert not set(before) & set(after)  # nothing answered before the kill was asked again
    assert Counter(before + after) == Counter(uninterrupted)  # and together: exactly one clean run's calls
    for key in ("epochs", "best", "complete", "scripted"):
        assert resumed[key] == whole[key]
    assert Prompt.load(run_dir / "best_prompt.toml").correctness == Prompt.load(
        whole_dir / "best_prompt.toml").correctness
    for step in ("e1-b0", "e1-b1"):
        a, b = (json.loads((d / "log" / f"{step}.json").read_text()) for d in (run_dir, whole_dir))
        assert a == b


def test_budget_stops_cleanly_and_a_larger_budget_resumes(mini_suite: Path, tmp_path: Path) -> None:
    env = _fresh_cache(tmp_path)
    run_dir = tmp_path / "run"
    tutor = Tutor()
    with MockServer(tutor, models=["gpt-4o"]) as srv:
        base = evolve_cmd(mini_suite, srv.base_url, run_dir, "--epochs", "1", "--batch-size", "4")
        base[base.index("openai:mock")] = "openai:gpt-4o"  # a priced name, so calls cost something
        stopped = run([*base, "--budget-usd", "0.01", "--json"], env)
        assert stopped.returncode == 2
        doc = json.loads(stopped.stdout)
        assert ": budget: budget of $0.0100 reached" in doc["stopped"] and not doc["complete"]
        spent, calls = doc["spent_usd"], srv.request_count
        assert 0.01 <= spent < 0.05 and calls > 0  # the call that crosses the limit may finish, no more
        # stopped at a step boundary: only finished steps are in the state, each with its log
        finished_steps = json.loads((run_dir / "evolve_state.json").read_text())["steps"]
        assert all((run_dir / "log" / f"{s}.json").exists() for s in finished_steps)
        finished = ok_json([*base, "--budget-usd", "1.0"], env)
        bodies = [_body(r) for r in srv.requests]
    assert finished["complete"] and finished["spent_usd"] > spent
    assert len(bodies) == len(set(bodies))  # the stopped run's calls were not made again


# -- the stages' parsers, without a server -----------------------------------------------------

def test_analysis_parser_tolerates_markdown_and_rejects_no_insights() -> None:
    insights, fields, error = parse_analysis("**ROUND 0:** bad\n**FIX:** good\n### Insights\n1. one\n   wrapped\n"
                                             "2) two\n- three")
    assert (insights, error) == (["one wrapped", "two", "three"], "")
    assert fields == {"ROUND 0": "bad", "FIX": "good"}
    assert parse_analysis("It looked fine to me.")[2] == "no INSIGHTS: section in the answer"
    assert parse_analysis("INSIGHTS:\nnone")[2].startswith("the INSIGHTS: section lists no")


def test_review_parser_and_partial_application() -> None:
    old, new = "- a\n- b\n- c", "- a\n- B\n- c\n- d"
    changes = line_diff(old, new)
    assert [(c.number, c.op, c.text) for c in changes] == [(1, "-", "- b"), (2, "+", "- B"), (3, "+", "- d")]
    assert apply_changes(old, new, {1, 2, 3}) == new and apply_changes(old, new, set()) == old
    assert apply_changes(old, new, {3}) == "- a\n- b\n- c\n- d"
    two = line_diff("", "- x\n- y")  # a block of several added lines: each its own number
    assert [(c.number, c.op) for c in two] == [(1, "+"), (2, "+")] and apply_changes("", "- x\n- y", {2}) == "- y"
    assert parse_review("Reasoning...\nAPPLY: 1, 3", 3) == ({1, 3}, "")
    assert parse_review("APPLY: none", 3)[0] == set()
    for bad in ("apply them all", "APPLY: all", "APPLY: 4", "APPLY: 1\nAPPLY: 2"):
        assert parse_review(bad, 3)[0] is None


def test_trace_kinds_and_optimization_traces(tmp_path: Path) -> None:
    done = {"status": "done", "correct": True}
    assert kind_of({**done, "correct_round": 2}) == "debug"
    assert kind_of({**done, "correct_round": 0, "opt_improved": True, "first_speedup": 0.9, "speedup": 1.3}) == "opt"
    assert kind_of({**done, "correct_round": 0, "opt_improved": False, "first_speedup": 0.9, "speedup": 0.9}) is None
    assert kind_of({"status": "done", "correct": False, "correct_round": None}) is None
    store = RunStore(tmp_path / "s")
    msgs = [{"role": "user", "content": "Translate\n```llvm\ndefine void @k() {\n  ret void\n}\n```"}]
    for rnd, speedup in enumerate((0.8, 1.4)):
        verdict = {"correct": True, "failure_stage": None, "feedback": "", "timing": {"speedup": speedup,
                                                                                     "ci_low": speedup - 0.1,
                                                                                     "ci_high": speedup + 0.1}}
        store.record_attempt("l2_k", rnd, "first" if rnd == 0 else "opt", msgs, {"text": ""}, f"k:\n  # v{rnd}\n  ret\n",
                             {"asm": None, "how": ""}, verdict)
    result = {**done, "task_id": "l2_k", "correct_round": 0, "best_round": 1, "opt_improved": True,
              "first_speedup": 0.8, "speedup": 1.4}
    [trace] = collect_traces(store, [result], {"l2_k": "k"})
    assert (trace.kind, trace.section, trace.function) == ("opt", "performance", "k")
    assert "define void @k()" in trace.ir and [r.speedup for r in trace.rounds] == [0.8, 1.4]
    assert "# v1" in trace.rounds[1].asm and "1.400x" in trace.rounds[1].feedback
