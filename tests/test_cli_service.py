"""The command line against a real local OpenAI-protocol server serving SCRIPTED replies:
the preflight check, `models`, -M, --rpm, --epochs with pass@k, project defaults, progress.

Nothing here is a model's result: the mock server marks its replies and the tests only look
at what the client sent and how the command line reacted."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from agent_support import drop_globl, fenced, ir_of, llc_asm
from neucomback.models.mockserver import MockServer, Response
from neucomback.record.metrics import pass_at_k

EXE = str(Path(sys.executable).parent / "neucomback")


# Defaults a developer's shell may set: each test sets what it needs.
_AMBIENT = ("NEUCOMBACK_MODEL", "NEUCOMBACK_BASE_URL", "NEUCOMBACK_LOG_DIR", "NEUCOMBACK_CONFIG")


def ncb(*args: str, env: dict[str, str] | None = None, cwd: Path | None = None,
        stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    full = {k: v for k, v in os.environ.items() if k not in _AMBIENT}
    full.update(env or {})
    return subprocess.run([EXE, *args], capture_output=True, text=True, timeout=300, env=full, cwd=cwd,
                          input=stdin)


def correct(req: dict[str, Any]) -> Response:
    return Response(text=fenced(llc_asm(ir_of(req))))


def bench(url: str, run_dir: Path, *extra: str, model: str = "openai:mock") -> list[str]:
    return ["bench", "--model", model, "--base-url", url, "--run-dir", str(run_dir), "--debug-rounds", "0",
            "--task", "l1_gcd_u32", *extra]


def one_line_error(r: subprocess.CompletedProcess[str]) -> str:
    assert r.returncode == 2, (r.stdout, r.stderr)
    assert "Traceback" not in r.stderr and len(r.stderr.strip().splitlines()) == 1, r.stderr
    return r.stderr


# -- the preflight check ----------------------------------------------------------------------

def test_unreachable_server_is_one_line_and_leaves_no_run_dir(tmp_path: Path) -> None:
    run_dir = tmp_path / "run"
    err = one_line_error(ncb(*bench("http://127.0.0.1:9/v1", run_dir)))
    assert "cannot reach the model service" in err and "--no-check" in err
    assert not run_dir.exists()


def test_unknown_model_names_the_closest_offered_one(tmp_path: Path) -> None:
    run_dir = tmp_path / "run"
    with MockServer(correct, models=["qwen2.5-coder-32b-instruct", "llama-3.1-8b"]) as srv:
        err = one_line_error(ncb(*bench(srv.base_url, run_dir, model="openai:qwen2.5-coder-32b")))
        assert srv.request_count == 0  # no chat request was made
    assert "Did you mean 'qwen2.5-coder-32b-instruct'" in err and "llama-3.1-8b" in err
    assert not run_dir.exists()


def test_rejected_key_names_the_variable(tmp_path: Path) -> None:
    with MockServer(correct, api_key="right") as srv:
        err = one_line_error(ncb(*bench(srv.base_url, tmp_path / "run", "--api-key-env", "MY_KEY"),
                                 env={"MY_KEY": "wrong"}))
        assert srv.request_count == 0
    assert "MY_KEY" in err and not (tmp_path / "run").exists()


def test_base_url_without_v1_gets_a_hint(tmp_path: Path) -> None:
    with MockServer(correct) as srv:
        err = one_line_error(ncb(*bench(srv.base_url.removesuffix("/v1"), tmp_path / "run")))
    assert "/v1" in err and "base URL" in err


def test_no_check_starts_without_asking(tmp_path: Path) -> None:
    """The service lists no such model, yet --no-check goes straight to the chat request (some
    servers do not implement /models, or list fewer models than they serve)."""
    with MockServer(correct, models=["other"]) as srv:
        checked = ncb(*bench(srv.base_url, tmp_path / "a"))
        assert checked.returncode == 2 and srv.request_count == 0
        ncb(*bench(srv.base_url, tmp_path / "b", "--no-check"))
        assert srv.request_count >= 1 and srv.requests[0]["model"] == "mock"


def test_models_command_lists_what_the_server_offers() -> None:
    with MockServer(correct, models=["b-model", "a-model"]) as srv:
        r = ncb("models", "--base-url", srv.base_url, "--json")
        text = ncb("models", "--base-url", srv.base_url)
    assert r.returncode == 0, r.stderr
    assert json.loads(r.stdout)["models"] == ["a-model", "b-model"]
    assert text.returncode == 0 and "openai:a-model" in text.stdout and "2 model(s)" in text.stdout
    one_line_error(ncb("models", "--base-url", "http://127.0.0.1:9/v1"))


# -- request options ----------------------------------------------------------------------------

def test_model_options_reach_the_request_and_the_cache_key(tmp_path: Path) -> None:
    with MockServer(correct) as srv:
        opts = ["-M", "top_k=20", "-M", 'chat_template_kwargs={"enable_thinking": false}', "-M", "note=plain text"]
        first = ncb(*bench(srv.base_url, tmp_path / "a", *opts, "--json"))
        assert first.returncode == 0, first.stderr
        body = srv.requests[0]
        assert body["top_k"] == 20 and body["chat_template_kwargs"] == {"enable_thinking": False}
        assert body["note"] == "plain text"
        assert ncb(*bench(srv.base_url, tmp_path / "b", *opts)).returncode == 0
        assert srv.request_count == 1  # same options: the cached reply
        assert ncb(*bench(srv.base_url, tmp_path / "c", "-M", "top_k=40")).returncode == 0
        assert srv.request_count == 2 and srv.requests[1]["top_k"] == 40  # other options: a new call
    config = json.loads((tmp_path / "a" / "config.json").read_text())
    assert config["model_options"]["top_k"] == 20
    err = one_line_error(ncb(*bench(srv.base_url, tmp_path / "d", "-M", "novalue")))
    assert "key=value" in err


def test_model_options_are_refused_for_providers_without_a_service(tmp_path: Path) -> None:
    err = one_line_error(ncb("bench", "--model", "llc:O3", "--task", "l1_gcd_u32", "-M", "top_k=1",
                             "--run-dir", str(tmp_path / "r")))
    assert "llc" in err


def test_rpm_spaces_the_requests(tmp_path: Path) -> None:
    tasks = ["--task", "l1_sum_i32", "--task", "l1_abs_labs_deviation"]
    with MockServer(correct) as srv:
        r = ncb(*bench(srv.base_url, tmp_path / "run", *tasks, "--rpm", "120", "--no-cache", "--max-connections", "4"))
        assert r.returncode == 0, r.stderr
        arrivals = srv.arrivals
    gaps = [b - a for a, b in zip(arrivals, arrivals[1:])]
    # 120/min: one start every 0.5 s, so the span is 1 s. Arrival times at the server carry
    # connection jitter: a slow first connect delays the first arrival and shortens both the first
    # gap and the span (CI saw gaps of 0.44 s and a span of 0.948 s). Without the limiter the three
    # requests arrive within milliseconds, so these bounds still fail if spacing breaks.
    assert len(arrivals) == 3 and min(gaps) >= 0.3 and arrivals[-1] - arrivals[0] >= 0.8, gaps


# -- repeated samples ---------------------------------------------------------------------------

def test_pass_at_k_estimator() -> None:
    assert pass_at_k(3, 1, 1) == pytest.approx(1 / 3)
    assert pass_at_k(3, 1, 2) == pytest.approx(2 / 3)
    assert pass_at_k(3, 1, 3) == 1.0 and pass_at_k(5, 0, 2) == 0.0 and pass_at_k(5, 5, 1) == 1.0
    assert pass_at_k(10, 3, 5) == pytest.approx(1 - 21 / 252)  # 1 - C(7,5)/C(10,5)
    with pytest.raises(ValueError):
        pass_at_k(2, 1, 3)


def test_epochs_sample_every_task_and_report_pass_at_k(tmp_path: Path) -> None:
    """With --seed 7 sample s is sent seed 7+s; the script answers right only to seed 7, so
    every task has n=3 samples with c=1 correct."""
    def respond(req: dict[str, Any]) -> Response:
        asm = llc_asm(ir_of(req))
        return Response(text=fenced(asm if req.get("seed") == 7 else drop_globl(asm)))

    run_dir = tmp_path / "run"
    tasks = ["--task", "l1_sum_i32"]
    with MockServer(respond) as srv:
        one = ncb(*bench(srv.base_url, run_dir, *tasks, "--seed", "7", "--json"))
        assert one.returncode == 0, one.stderr
        three = ncb(*bench(srv.base_url, run_dir, *tasks, "--seed", "7", "--epochs", "3", "--json"))
        assert three.returncode in (0, 1), three.stderr
        seeds = sorted(r["seed"] for r in srv.requests)
    assert seeds == [7, 7, 8, 8, 9, 9]  # two tasks, three samples each: epoch 1 was not asked again
    doc = json.loads(three.stdout)
    assert doc["distinct_tasks"] == 2 and doc["epochs"] == 3
    assert doc["pass_at"]["1"] == pytest.approx(1 / 3) and doc["pass_at"]["2"] == pytest.approx(2 / 3)
    assert doc["pass_at"]["3"] == pytest.approx(1.0)
    assert (run_dir / "tasks" / "l1_sum_i32@3").is_dir() and (run_dir / "tasks" / "l1_gcd_u32").is_dir()
    md = tmp_path / "r.md"
    assert ncb("report", str(run_dir), "--markdown", str(md)).returncode == 0
    assert "2 tasks x 3 epochs" in md.read_text() and "pass@2 66.7%" in md.read_text()
    assert "pass@3</div>" in (run_dir / "report.html").read_text()


# -- defaults from the project file and .env ----------------------------------------------------

def test_project_file_and_dotenv_give_defaults_and_flags_win(tmp_path: Path) -> None:
    project = tmp_path / "proj"
    (project / "sub").mkdir(parents=True)
    (project / "neucomback.toml").write_text('model = "llc:O0"\n[bench]\ndebug_rounds = 0\n')
    (project / ".env").write_text(f"NEUCOMBACK_LOG_DIR={tmp_path / 'logs'}\n")
    r = ncb("bench", "--task", "l1_gcd_u32", "--json", cwd=project / "sub")
    assert r.returncode == 0, r.stderr
    doc = json.loads(r.stdout)
    assert doc["model"] == "llc:O0" and Path(doc["run_dir"]).parent == tmp_path / "logs"
    assert json.loads((Path(doc["run_dir"]) / "config.json").read_text())["debug_rounds"] == 0
    flag = ncb("bench", "--task", "l1_gcd_u32", "--model", "llc:O3", "--json", cwd=project)
    assert flag.returncode == 0 and json.loads(flag.stdout)["model"] == "llc:O3"
    over = ncb("bench", "--task", "l1_gcd_u32", "--json", cwd=project, env={"NEUCOMBACK_MODEL": "llc:O1"})
    assert json.loads(over.stdout)["model"] == "llc:O1"  # the environment wins over the file


@pytest.mark.parametrize("text,needle", [
    ('debug_roundz = 1\n', "debug_roundz"),
    ('[bench]\nnot_an_option = 1\n', "not_an_option"),
    ('[benchh]\nmodel = "x"\n', "benchh"),
    ('model = \n', "neucomback.toml"),
])
def test_project_file_mistakes_are_one_line_errors(tmp_path: Path, text: str, needle: str) -> None:
    (tmp_path / "neucomback.toml").write_text(text)
    err = one_line_error(ncb("suite", "list", cwd=tmp_path))
    assert needle in err


def test_pyproject_table_and_the_config_variable(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text('[project]\nname = "x"\n[tool.neucomback.bench]\nsuite = "nowhere"\n')
    r = ncb("bench", "--model", "llc:O3", "--task", "l1_gcd_u32", cwd=tmp_path)
    assert r.returncode == 2 and "nowhere" in r.stderr  # the table's suite was used
    other = tmp_path / "elsewhere.toml"
    other.write_text('[bench]\nsuite = "builtin"\n')
    ok = ncb("bench", "--model", "llc:O3", "--task", "l1_gcd_u32", "--run-dir", str(tmp_path / "r"), cwd=tmp_path,
             env={"NEUCOMBACK_CONFIG": str(other)})
    assert ok.returncode == 0, ok.stderr


# -- progress without a terminal, verify from stdin ---------------------------------------------

def test_progress_lines_when_stderr_is_not_a_terminal(tmp_path: Path) -> None:
    r = ncb("bench", "--model", "llc:O3", "--limit", "4", "--run-dir", str(tmp_path / "r"),
            env={"NEUCOMBACK_PROGRESS_EVERY": "0.05"})
    assert r.returncode == 0, r.stderr
    lines = [l for l in r.stderr.splitlines() if " done, " in l and "elapsed" in l]
    assert lines and lines[-1].split(": ")[-1].startswith("4/4 done"), r.stderr
    assert "\x1b[" not in r.stderr  # no terminal control codes in a log file


def test_verify_reads_the_assembly_from_stdin(tmp_path: Path) -> None:
    from neucomback.harness.build import reference_asm
    from neucomback.suite import load_suite
    from neucomback.targets import get_target

    asm = reference_asm(load_suite("builtin").get("l1_gcd_u32"), get_target("x86_64")).read_text()
    r = ncb("verify", "--task", "l1_gcd_u32", "-", "--json", stdin=asm)
    assert r.returncode == 0 and json.loads(r.stdout)["correct"], r.stderr
    bad = ncb("verify", "--task", "l1_gcd_u32", "-", "--json", stdin=drop_globl(asm))
    assert bad.returncode == 1 and not json.loads(bad.stdout)["correct"]


def test_generation_settings_reach_the_request(tmp_path: Path) -> None:
    """--seed, --top-p and --temperature go into the chat-completions body as sent."""
    with MockServer(correct) as srv:
        r = ncb(*bench(srv.base_url, tmp_path / "run", "--seed", "7", "--top-p", "0.5", "--temperature", "0.3"))
        assert r.returncode == 0, r.stderr
        body = srv.requests[0]
    assert (body["seed"], body["top_p"], body["temperature"]) == (7, 0.5, 0.3)


def test_shuffle_with_seed_selects_reproducibly_through_the_cli() -> None:
    """`--shuffle --seed S --limit N`: the same S picks the same tasks, another S others."""
    def picked(seed: str) -> list[str]:
        r = ncb("baseline", "--level", "1", "--shuffle", "--seed", seed, "--limit", "3", "--json")
        assert r.returncode == 0, r.stderr
        return [t["task"] for t in json.loads(r.stdout)["results"]]

    a, b, c = picked("1"), picked("1"), picked("2")
    assert a == b and len(a) == 3 and set(a) != set(c)
