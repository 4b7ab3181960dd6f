"""The model layer, against a real local OpenAI-compatible server through the real openai SDK.

The mock server's replies are scripted: these tests check the client path (retries, timeouts,
errors, cache, budget, concurrency), never a model's ability.
"""

from __future__ import annotations

import asyncio
import difflib
import json
import subprocess
import sys
import threading
import time
import types
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import openai
import pytest

from neucomback.errors import UsageError
from neucomback.models import (Budget, BudgetExceeded, CachedProvider, GenParams, ModelAuthError, ModelError,
                               ModelNotFoundError, ModelUnavailableError, Provider, Reply, ResponseCache,
                               RetryPolicy, cost, load_prices, make_provider, price_for)
from neucomback.models.anthropic_provider import AnthropicProvider, to_anthropic
from neucomback.models.faulty import FaultyProvider
from neucomback.models.llc_provider import LlcProvider, extract_ir
from neucomback.models.mockserver import MockServer, Response
from neucomback.models.openai_provider import OpenAIProvider
from neucomback.models.retry import parse_retry_after
from neucomback.models.scripted import Script, ScriptedProvider
from neucomback.targets import get_target

FAST = RetryPolicy(max_retries=3, base_delay_s=0.01, max_delay_s=0.05)
USER = [{"role": "system", "content": "You are a compiler."}, {"role": "user", "content": "compile add3 please"}]


@pytest.fixture(autouse=True)
def _clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    # The developer's real keys or endpoint must not leak into (or change) these tests.
    for var in ("OPENAI_API_KEY", "OPENAI_BASE_URL", "ANTHROPIC_API_KEY", "ANTHROPIC_BASE_URL"):
        monkeypatch.delenv(var, raising=False)


def run(coro: Any) -> Any:
    return asyncio.run(coro)


def fast_provider(srv: MockServer, model: str = "mock", **kw: Any) -> OpenAIProvider:
    kw.setdefault("retry", FAST)
    return OpenAIProvider(model, base_url=srv.base_url, **kw)


def write_json(path: Path, data: Any) -> Path:
    path.write_text(json.dumps(data))
    return path


# -- openai provider against the mock server ----------------------------------------------------

def test_success_records_text_usage_latency_and_request() -> None:
    text = "```asm\nadd3:\n\tret\n```"
    with MockServer(lambda req: Response(text=text, delay_s=0.15)) as srv:
        p = make_provider("openai:mock", base_url=srv.base_url)
        feedback = USER + [{"role": "assistant", "content": "attempt 1"},
                           {"role": "user", "content": "FEEDBACK: wrong result for case 3"}]
        reply = run(p.generate(feedback, GenParams(temperature=0.2, max_tokens=100, seed=7, stop=("END",))))
        assert reply.text == text
        assert reply.finish_reason == "stop"
        assert (reply.provider, reply.model, p.name) == ("openai", "mock", "openai:mock")
        prompt_chars = sum(len(m["content"]) for m in feedback)
        assert reply.prompt_tokens == prompt_chars // 4 and reply.completion_tokens == len(text) // 4
        assert 0.15 <= reply.latency_s < 5
        assert reply.scripted and not reply.cached  # the mock server's replies are flagged as scripted
        [body] = srv.requests
        assert body["messages"][-1]["content"] == "FEEDBACK: wrong result for case 3"
        assert body["model"] == "mock" and body["seed"] == 7 and body["stop"] == ["END"]
        assert body["temperature"] == 0.2 and body["max_tokens"] == 100
        assert srv.request_headers[0]["authorization"] == "Bearer EMPTY"  # local server, no key set


def test_priced_model_reports_cost() -> None:
    with MockServer(lambda req: "x" * 400) as srv:
        reply = run(make_provider("openai:gpt-4o", base_url=srv.base_url).generate(USER, GenParams()))
    assert reply.completion_tokens == 100
    assert reply.cost_usd == pytest.approx(cost("openai:gpt-4o", reply.prompt_tokens, 100))
    assert reply.cost_usd > 0


def test_429_then_success_honours_retry_after(tmp_path: Path) -> None:
    script = write_json(tmp_path / "rl.json", [
        {"match": None, "status": 429, "reply": "slow down", "times": 1, "headers": {"retry-after-ms": "300"}},
        {"match": "add3", "reply": "ok after retry"},
    ])
    with MockServer(str(script)) as srv:
        reply = run(fast_provider(srv).generate(USER, GenParams()))
        assert reply.text == "ok after retry"
        assert srv.request_count == 2
        first, second = srv.arrivals
        assert second - first >= 0.3  # waited as told, not the 10 ms backoff


def test_500_then_success() -> None:
    calls = iter([Response(500, "boom"), Response(502, "bad gateway")])
    with MockServer(lambda req: next(calls, Response(text="fine"))) as srv:
        reply = run(fast_provider(srv).generate(USER, GenParams()))
        assert reply.text == "fine"
        assert srv.request_count == 3


def test_persistent_5xx_gives_up_with_unavailable() -> None:
    with MockServer(lambda req: Response(503, "overloaded")) as srv:
        with pytest.raises(ModelUnavailableError, match=r"2 attempt.*HTTP 503.*overloaded"):
            run(fast_provider(srv, retry=RetryPolicy(max_retries=1, base_delay_s=0.01)).generate(USER, GenParams()))
        assert srv.request_count == 2


def test_timeout_is_retried_then_succeeds(tmp_path: Path) -> None:
    script = write_json(tmp_path / "slow.json", [{"match": None, "reply": "late", "delay_s": 2.0, "times": 1},
                                                 {"match": None, "reply": "prompt"}])
    with MockServer(str(script)) as srv:
        reply = run(fast_provider(srv, timeout_s=0.3).generate(USER, GenParams()))
        assert reply.text == "prompt"
        assert srv.request_count == 2


def test_timeouts_exhausted_raise_unavailable() -> None:
    with MockServer(lambda req: Response(text="never seen", delay_s=2.0)) as srv:
        p = fast_provider(srv, timeout_s=0.3, retry=RetryPolicy(max_retries=2, base_delay_s=0.01))
        t0 = time.perf_counter()
        with pytest.raises(ModelUnavailableError, match="timed out"):
            run(p.generate(USER, GenParams()))
        assert time.perf_counter() - t0 < 3  # three 0.3 s timeouts, not three 2 s replies
        assert srv.request_count == 3


def test_401_is_an_auth_error_naming_the_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NCB_TEST_KEY", "wrong-key")
    with MockServer(api_key="right-key") as srv:
        p = make_provider("openai:mock", base_url=srv.base_url, api_key_env="NCB_TEST_KEY")
        with pytest.raises(ModelAuthError, match="NCB_TEST_KEY"):
            run(p.generate(USER, GenParams()))
        assert srv.request_count == 1  # never retried
        assert srv.request_headers[0]["authorization"] == "Bearer wrong-key"
        monkeypatch.setenv("NCB_TEST_KEY", "right-key")
        assert run(make_provider("openai:mock", base_url=srv.base_url, api_key_env="NCB_TEST_KEY")
                   .generate(USER, GenParams())).text


def test_missing_key_is_an_auth_error(monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(ModelAuthError, match="OPENAI_API_KEY"):
        make_provider("openai:gpt-4o")
    with pytest.raises(ModelAuthError, match="MY_UNSET_KEY"):  # named explicitly: required even locally
        make_provider("openai:x", base_url="http://127.0.0.1:9/v1", api_key_env="MY_UNSET_KEY")
    monkeypatch.setenv("OPENAI_API_KEY", "sk-test")
    assert make_provider("openai:gpt-4o").name == "openai:gpt-4o"


def test_official_api_gets_max_completion_tokens_and_no_sampling_for_reasoning_models(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", "sk-test")
    reasoning = OpenAIProvider("gpt-5-mini").request_args(USER, GenParams(temperature=0.3, max_tokens=99))
    assert reasoning["max_completion_tokens"] == 99 and "max_tokens" not in reasoning
    assert "temperature" not in reasoning and "top_p" not in reasoning
    classic = OpenAIProvider("gpt-4o").request_args(USER, GenParams(temperature=0.3, top_p=0.5))
    assert (classic["temperature"], classic["top_p"]) == (0.3, 0.5)


def test_unknown_model_is_not_found() -> None:
    with MockServer(models=["known"]) as srv:
        with pytest.raises(ModelNotFoundError, match="'unknown'"):
            run(fast_provider(srv, "unknown").generate(USER, GenParams()))
        assert srv.request_count == 1
        assert run(fast_provider(srv, "known").generate(USER, GenParams())).text
        listed = run(_list_models(srv.base_url))
        assert listed == ["known"]


async def _list_models(base_url: str) -> list[str]:
    async with openai.AsyncOpenAI(api_key="EMPTY", base_url=base_url, max_retries=0) as client:
        page = await client.models.list()
        return [m.id for m in page.data]


def test_connection_refused_is_unavailable() -> None:
    with MockServer() as srv:
        url = srv.base_url
    p = OpenAIProvider("mock", base_url=url, retry=RetryPolicy(max_retries=1, base_delay_s=0.01))
    with pytest.raises(ModelUnavailableError, match="cannot connect"):
        run(p.generate(USER, GenParams()))


def test_concurrency_limit_is_respected() -> None:
    with MockServer(lambda req: Response(text="ok", delay_s=0.2)) as srv:
        p = make_provider("openai:mock", base_url=srv.base_url, concurrency=3)

        async def many() -> list[Reply]:
            return await asyncio.gather(*(p.generate(USER, GenParams(seed=i)) for i in range(9)))

        replies = run(many())
        assert len(replies) == 9 and all(r.text == "ok" for r in replies)
        assert srv.request_count == 9
        assert srv.max_in_flight == 3  # never more, and the limit was actually reached


def test_provider_survives_several_event_loops() -> None:
    with MockServer(lambda req: "again") as srv:
        p = make_provider("openai:mock", base_url=srv.base_url)
        assert run(p.generate(USER, GenParams())).text == "again"
        assert run(p.generate(USER, GenParams())).text == "again"  # new loop, new client and semaphore
        assert srv.request_count == 2


# -- cache ---------------------------------------------------------------------------------------

def test_cache_hit_makes_no_new_call(tmp_path: Path) -> None:
    with MockServer(lambda req: Response(text="cached text", delay_s=0.05)) as srv:
        inner = make_provider("openai:gpt-4o", base_url=srv.base_url)
        cache = ResponseCache(tmp_path / "r.sqlite3")
        p = CachedProvider(inner, cache)
        assert isinstance(p, Provider) and p.name == "openai:gpt-4o"
        first = run(p.generate(USER, GenParams()))
        assert srv.request_count == 1 and not first.cached and first.cost_usd > 0
        second = run(p.generate(USER, GenParams()))
        assert srv.request_count == 1  # no call at all
        assert second.cached and second.cost_usd == 0 and second.latency_s == 0
        assert second.text == first.text and second.prompt_tokens == first.prompt_tokens and second.scripted
        run(p.generate(USER, GenParams(seed=1)))  # different params: a miss
        assert srv.request_count == 2
        cache.close()
        reopened = CachedProvider(inner, ResponseCache(tmp_path / "r.sqlite3"))
        assert run(reopened.generate(USER, GenParams())).cached  # persisted
        assert srv.request_count == 2


def test_cache_key_depends_on_endpoint(tmp_path: Path) -> None:
    cache = ResponseCache(tmp_path / "r.sqlite3")
    with MockServer(lambda req: "A") as a, MockServer(lambda req: "B") as b:
        ra = run(CachedProvider(fast_provider(a), cache).generate(USER, GenParams()))
        rb = run(CachedProvider(fast_provider(b), cache).generate(USER, GenParams()))
    assert (ra.text, rb.text, rb.cached) == ("A", "B", False)


def test_cache_is_thread_safe(tmp_path: Path) -> None:
    cache = ResponseCache(tmp_path / "r.sqlite3")

    def work(t: int) -> None:
        for i in range(50):
            cache.put(f"{t}-{i}", Reply(text=f"{t}/{i}", provider="p", model="m"))
            got = cache.get(f"{t}-{i}")
            assert got is not None and got.text == f"{t}/{i}"

    with ThreadPoolExecutor(8) as ex:
        list(ex.map(work, range(8)))
    assert len(cache) == 400
    assert cache.get("missing") is None
    mode = cache._conn.execute("PRAGMA journal_mode").fetchone()[0]
    assert mode == "wal"


# -- budget and prices ----------------------------------------------------------------------------

def test_budget_stops_after_the_limit(tmp_path: Path) -> None:
    prices = write_json(tmp_path / "prices.json", {"openai:priced": {"input": 0, "output": 1_000_000}})
    with MockServer(lambda req: "12345678") as srv:  # 8 chars = 2 completion tokens = $2 per call
        p = make_provider("openai:priced", base_url=srv.base_url, prices_path=prices)
        budget = Budget(5.0)

        async def loop() -> None:
            for _ in range(10):  # bounded: a budget that never stops must fail the test, not hang it
                budget.check()
                budget.charge(await p.generate(USER, GenParams()))

        with pytest.raises(BudgetExceeded, match=r"\$5\.0000"):
            run(loop())
        assert srv.request_count == 3  # $2, $4, $6: the third crosses the limit, no fourth starts
        assert budget.spent == pytest.approx(6.0) and budget.remaining == 0 and budget.exceeded


def test_budget_is_thread_safe_and_unlimited_never_stops() -> None:
    b = Budget(None)
    one_cent = Reply(text="", cost_usd=0.01)
    with ThreadPoolExecutor(8) as ex:
        list(ex.map(lambda _: b.charge(one_cent), range(1000)))
    assert b.spent == pytest.approx(10.0) and b.calls == 1000
    assert not b.exceeded and b.remaining is None
    b.check()
    assert Budget(0.0).exceeded
    with pytest.raises(UsageError):
        Budget(-1)


def test_prices_prefix_match_and_override(tmp_path: Path) -> None:
    assert cost("openai:gpt-4o-2024-08-06", 1_000_000, 1_000_000) == pytest.approx(2.5 + 10.0)
    assert price_for("openai:gpt-4o-mini-2024-07-18") == price_for("openai:gpt-4o-mini")
    assert cost("openai:llama-local", 10**6, 10**6) == 0.0
    toml = tmp_path / "p.toml"
    toml.write_text('["openai:gpt-4o"]\ninput = 1.0\noutput = 2.0\n')
    assert cost("openai:gpt-4o", 10**6, 10**6, load_prices(toml)) == pytest.approx(3.0)
    bad = write_json(tmp_path / "bad.json", {"openai:x": {"input": 1}})
    with pytest.raises(UsageError, match="openai:x"):
        load_prices(bad)


# -- llc provider ---------------------------------------------------------------------------------

C_SRC = "int add3(int a, int b, int c) { return a + b + c; }\n"


def _ir(target_name: str, tmp: Path) -> str:
    target = get_target(target_name)
    (tmp / "f.c").write_text(C_SRC)
    subprocess.run(["clang-19", *target.clang_flags, "-O3", "-S", "-emit-llvm", str(tmp / "f.c"),
                    "-o", str(tmp / "f.ll")], check=True)
    return (tmp / "f.ll").read_text()


@pytest.mark.parametrize("target_name,marker", [("x86_64", "%eax"), ("aarch64", "w0")])
def test_llc_provider_compiles_ir_for_the_ir_target(tmp_path: Path, target_name: str, marker: str) -> None:
    ir = _ir(target_name, tmp_path)
    p = make_provider("llc:O3")
    assert p.name == "llc:O3" and not p.scripted
    prompt = f"Translate this:\n```llvm\n{ir}```\nAnswer with assembly."
    reply = run(p.generate([{"role": "user", "content": prompt}], GenParams()))
    assert reply.text.startswith("```asm\n") and reply.text.rstrip().endswith("```")
    asm = reply.text.strip().removeprefix("```asm").removesuffix("```")
    assert "add3:" in asm and marker in asm
    assert (reply.prompt_tokens, reply.completion_tokens, reply.cost_usd) == (0, 0, 0.0)
    target = get_target(target_name)  # it is real assembly for that ISA: an assembler for it accepts it
    (tmp_path / "c.s").write_text(asm)
    res = subprocess.run(["clang-19", *target.clang_flags, "-c", str(tmp_path / "c.s"), "-o", str(tmp_path / "c.o")],
                         capture_output=True, text=True)
    assert res.returncode == 0, res.stderr


def test_llc_provider_without_ir_explains(tmp_path: Path) -> None:
    p = LlcProvider("O0")
    reply = run(p.generate([{"role": "user", "content": "please write fast code"}], GenParams()))
    assert "no LLVM IR" in reply.text and "```asm" not in reply.text
    bad = run(p.generate([{"role": "user", "content": "```llvm\ntarget triple = \"x86_64-pc-linux\"\n"
                                                       "define i32 @f( {\n```"}], GenParams()))
    assert "llc rejected the IR" in bad.text and bad.finish_reason == "error"
    raw = _ir("x86_64", tmp_path)  # whole message is IR, no fence
    assert extract_ir(raw) == raw
    assert "add3:" in run(p.generate([{"role": "user", "content": raw}], GenParams())).text
    with pytest.raises(UsageError, match="llc:O3"):
        make_provider("llc:O9")


def test_llc_provider_runs_concurrently(tmp_path: Path) -> None:
    msg = [{"role": "user", "content": f"```llvm\n{_ir('x86_64', tmp_path)}```"}]
    p = make_provider("llc:O2", concurrency=4)

    async def many() -> list[Reply]:
        return await asyncio.gather(*(p.generate(msg, GenParams()) for _ in range(4)))

    assert all("add3:" in r.text for r in run(many()))


# -- scripted provider ----------------------------------------------------------------------------

def test_scripted_rules_times_and_default(tmp_path: Path) -> None:
    script = write_json(tmp_path / "s.json", {
        "default": "no idea",
        "rules": [{"match": "gcd", "reply": "first gcd", "times": 1},
                  {"match": "gcd", "reply": "later gcd"},
                  {"match": "^fail", "status": 429, "reply": "rate limited"}],
    })
    p = make_provider(f"scripted:{script}")
    assert p.scripted and p.name == f"scripted:{script}"

    def ask(text: str) -> Reply:
        return run(p.generate([{"role": "user", "content": "old gcd"}, {"role": "assistant", "content": "x"},
                               {"role": "user", "content": text}], GenParams()))

    first, second, other = ask("compile gcd_u32"), ask("gcd again"), ask("sum_i32")
    assert (first.text, second.text, other.text) == ("first gcd", "later gcd", "no idea")
    assert all(r.scripted and r.provider == "scripted" and r.cost_usd == 0 for r in (first, second, other))
    with pytest.raises(ModelUnavailableError, match="429"):
        ask("fail now")


def test_scripted_jsonl_and_script_kwarg(tmp_path: Path) -> None:
    path = tmp_path / "s.jsonl"
    path.write_text('{"match": null, "reply": "one", "times": 1}\n\n{"match": null, "reply": "two"}\n')
    p = make_provider("scripted", script=str(path))
    assert isinstance(p, ScriptedProvider) and p.name == f"scripted:{path}"
    texts = [run(p.generate(USER, GenParams())).text for _ in range(3)]
    assert texts == ["one", "two", "two"]


def test_bad_scripts_are_usage_errors(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="unknown rule key"):
        Script.from_json([{"match": None, "reply": "x", "time": 2}])
    with pytest.raises(UsageError, match="bad regex"):
        Script.from_json([{"match": "(", "reply": "x"}])
    broken = tmp_path / "broken.json"
    broken.write_text("[{")
    with pytest.raises(UsageError, match="not valid JSON"):
        Script.load(broken)
    with pytest.raises(UsageError, match="cannot read script"):
        make_provider(f"scripted:{tmp_path / 'missing.json'}")


# -- registry, anthropic, value types --------------------------------------------------------------

@pytest.mark.parametrize("spec", ["gpt-4o", "", "openai:", ":gpt-4o"])
def test_malformed_spec_explains_the_form(spec: str) -> None:
    with pytest.raises(UsageError) as e:
        make_provider(spec)
    msg = str(e.value)
    assert "provider:model" in msg and "--base-url" in msg and "OPENAI_API_KEY" in msg
    if spec == "gpt-4o":
        assert "openai:gpt-4o" in msg


def test_unknown_provider_is_a_usage_error() -> None:
    with pytest.raises(UsageError, match=r"unknown model provider 'vllm'.*--base-url"):
        make_provider("vllm:llama-3")


def test_anthropic_missing_extra_is_a_usage_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "anthropic", None)  # makes `import anthropic` fail
    monkeypatch.setenv("ANTHROPIC_API_KEY", "x")
    with pytest.raises(UsageError, match=r"pip install 'neucomback\[anthropic\]'"):
        make_provider("anthropic:claude-sonnet-4-5")


def test_anthropic_request_conversion() -> None:
    msgs = [{"role": "system", "content": "S1"}, {"role": "user", "content": "U"},
            {"role": "assistant", "content": "A"}, {"role": "system", "content": "S2"}]
    args = to_anthropic(msgs, GenParams(temperature=0.5, max_tokens=10, stop=("X",)))
    assert args == {"system": "S1\n\nS2", "messages": [{"role": "user", "content": "U"},
                                                       {"role": "assistant", "content": "A"}],
                    "max_tokens": 10, "stop_sequences": ["X"]}  # sampling params: deprecated by Anthropic


def _fake_anthropic(responses: list[Any]) -> types.ModuleType:
    """A stand-in for the anthropic SDK (not installed here): same exception layout, canned messages."""
    sdk = types.ModuleType("anthropic")

    class APIConnectionError(Exception):
        pass

    class APITimeoutError(APIConnectionError):
        pass

    class APIStatusError(Exception):
        def __init__(self, status: int) -> None:
            super().__init__(f"HTTP {status}")
            self.status_code, self.body, self.response = status, {"error": {"message": "overloaded"}}, None

    class AsyncAnthropic:
        def __init__(self, **kw: Any) -> None:
            sdk.client_kwargs = kw  # type: ignore[attr-defined]
            self.messages = types.SimpleNamespace(create=self.create)

        async def create(self, **kw: Any) -> Any:
            sdk.sent.append(kw)  # type: ignore[attr-defined]
            r = responses.pop(0)
            if isinstance(r, int):
                raise APIStatusError(r)
            return r

        async def close(self) -> None:
            pass

    sdk.APIConnectionError, sdk.APITimeoutError = APIConnectionError, APITimeoutError  # type: ignore[attr-defined]
    sdk.APIStatusError, sdk.AsyncAnthropic, sdk.sent = APIStatusError, AsyncAnthropic, []  # type: ignore[attr-defined]
    return sdk


def test_anthropic_provider_retries_and_reads_the_message(monkeypatch: pytest.MonkeyPatch) -> None:
    msg = types.SimpleNamespace(content=[types.SimpleNamespace(type="text", text="```asm\nret\n```")],
                                usage=types.SimpleNamespace(input_tokens=1000, output_tokens=200),
                                stop_reason="end_turn")
    sdk = _fake_anthropic([529, msg])
    monkeypatch.setitem(sys.modules, "anthropic", sdk)
    monkeypatch.setenv("ANTHROPIC_API_KEY", "k")
    p = AnthropicProvider("claude-sonnet-4-5", retry=FAST)
    reply = run(p.generate(USER, GenParams(max_tokens=64)))
    assert (reply.text, reply.prompt_tokens, reply.completion_tokens) == ("```asm\nret\n```", 1000, 200)
    assert reply.finish_reason == "end_turn" and reply.cost_usd > 0
    assert reply.cost_usd == pytest.approx(cost(p.name, 1000, 200))
    assert len(sdk.sent) == 2 and sdk.sent[1]["system"] == "You are a compiler."  # 529 retried
    assert sdk.client_kwargs["max_retries"] == 0 and sdk.client_kwargs["api_key"] == "k"
    with pytest.raises(ModelAuthError, match="ANTHROPIC_API_KEY"):
        monkeypatch.delenv("ANTHROPIC_API_KEY")
        make_provider("anthropic:claude-sonnet-4-5")


def test_reply_and_params_round_trip() -> None:
    r = Reply(text="t", prompt_tokens=1, completion_tokens=2, latency_s=0.5, provider="openai", model="m",
              finish_reason="length", cached=True, scripted=True, cost_usd=0.25)
    assert Reply.from_json(json.loads(json.dumps(r.to_json()))) == r
    assert Reply.from_json({**r.to_json(), "new_field": 1}) == r
    g = GenParams(temperature=0.7, seed=3, stop=("a", "b"))
    assert g.to_json() == {"temperature": 0.7, "max_tokens": 8192, "top_p": 1.0, "seed": 3, "stop": ["a", "b"]}
    assert GenParams.from_json(g.to_json()) == g


def test_retry_policy_caps_retry_after_and_backs_off() -> None:
    policy = RetryPolicy(base_delay_s=1.0, max_delay_s=8.0, max_retry_after_s=60.0)
    assert policy.delay(0, 3600.0) == 60.0
    assert policy.delay(0, 2.5) == 2.5
    assert all(0.5 <= policy.delay(0, None) <= 1.0 for _ in range(50))
    assert all(4.0 <= policy.delay(10, None) <= 8.0 for _ in range(50))
    assert parse_retry_after({"retry-after-ms": "250"}) == 0.25
    assert parse_retry_after({"retry-after": "7"}) == 7.0
    assert parse_retry_after({"retry-after": "Wed, 21 Oct 2015 07:28:00 GMT"}) == 0.0
    assert parse_retry_after({}) is None


def test_other_4xx_is_a_model_error_without_retry() -> None:
    with MockServer(lambda req: Response(400, "context length exceeded", error_code="context_length_exceeded")) as srv:
        with pytest.raises(ModelError, match="context length exceeded") as e:
            run(fast_provider(srv).generate(USER, GenParams()))
        assert type(e.value) is ModelError
        assert srv.request_count == 1


def test_mockserver_cli_serves_a_script(tmp_path: Path) -> None:
    script = write_json(tmp_path / "cli.json", [{"match": None, "reply": "from the cli"}])
    with subprocess.Popen([sys.executable, "-m", "neucomback.models.mockserver", "--script", str(script)],
                          stdout=subprocess.PIPE, text=True) as proc:
        try:
            line = proc.stdout.readline() if proc.stdout else ""  # EOF ("") if the server died
            assert "SCRIPTED" in line
            url = line.split("Listening on ")[1].strip()
            reply = run(make_provider("openai:anything", base_url=url).generate(USER, GenParams()))
            assert reply.text == "from the cli" and reply.scripted
        finally:
            proc.terminate()
            proc.wait(timeout=10)


def test_mockserver_records_requests_from_threads() -> None:
    hits = threading.Event()

    def responder(req: dict[str, Any]) -> Response:
        hits.set()
        return Response(text=req["messages"][-1]["content"].upper())

    with MockServer(responder) as srv:
        p = make_provider("openai:mock", base_url=srv.base_url)

        async def many() -> list[Reply]:
            return await asyncio.gather(*(p.generate([{"role": "user", "content": f"m{i}"}], GenParams())
                                          for i in range(20)))

        replies = run(many())
    assert hits.is_set()
    assert sorted(r.text for r in replies) == sorted(f"M{i}" for i in range(20))
    assert sorted(b["messages"][-1]["content"] for b in srv.requests) == sorted(f"m{i}" for i in range(20))


# -- faulty provider ------------------------------------------------------------------------------

BRANCHY_C = """int clampsum(int *a, int n, int lo, int hi) {
    int s = 0;
    for (int i = 0; i < n; i++) { int v = a[i] < lo ? lo : a[i] > hi ? hi : a[i]; s += v >> 1; }
    return s;
}
"""


def _branchy_ir(target_name: str, tmp: Path) -> str:
    (tmp / "b.c").write_text(BRANCHY_C)
    # relative names: the IR (its ModuleID) must not depend on tmp's path, or the faulty
    # provider's draws (seeded by the IR) would differ from one pytest run to the next
    subprocess.run(["clang-19", *get_target(target_name).clang_flags, "-O1", "-S", "-emit-llvm", "b.c",
                    "-o", "b.ll"], check=True, cwd=tmp)
    return (tmp / "b.ll").read_text()


@pytest.mark.parametrize("target_name", ["x86_64", "aarch64", "riscv64"])
def test_faulty_provider_makes_one_plausible_mistake(tmp_path: Path, target_name: str) -> None:
    ir = _branchy_ir(target_name, tmp_path)
    chat = [{"role": "user", "content": f"```llvm\n{ir}```"}]
    clean = run(make_provider("llc:O3").generate(chat, GenParams())).text
    always = make_provider("faulty:llc-O3?rate=1&seed=7")
    assert always.scripted and always.name == "faulty:llc-O3?rate=1&seed=7"
    reply = run(always.generate(chat, GenParams()))
    assert reply.scripted and reply.provider == "faulty"
    assert reply.text != clean and reply.text.startswith("```asm\n")
    old, new = clean.splitlines(), reply.text.splitlines()
    changed = [l for l in difflib.ndiff(old, new) if l[:1] in "+-"]
    assert 1 <= len(changed) <= 2, changed  # one line edited (or dropped), nothing else
    assert run(always.generate(chat, GenParams())).text == reply.text  # reproducible
    never = run(make_provider("faulty:llc:O3?rate=0&seed=7").generate(chat, GenParams()))
    assert never.text == clean and never.scripted


def test_faulty_provider_draws_anew_each_round_at_the_given_rate(tmp_path: Path) -> None:
    ir = _branchy_ir("x86_64", tmp_path)
    msg = f"```llvm\n{ir}```"
    clean = run(make_provider("llc:O3").generate([{"role": "user", "content": msg}], GenParams())).text
    p = FaultyProvider("llc-O3?rate=0.3&seed=1")
    faulty = [p.inject(msg, clean, r) != clean for r in range(400)]
    assert 0.22 < sum(faulty) / len(faulty) < 0.38
    # a debug round (one assistant reply in the chat) is a new draw
    chat = [{"role": "user", "content": msg}]
    seen = set()
    for r in range(30):  # 0.7**30: all-clean by chance is < 1e-4, whatever the IR
        seen.add(run(p.generate(chat, GenParams())).text)
        chat = chat + [{"role": "assistant", "content": "..."}, {"role": "user", "content": "fix it"}]
    assert clean in seen and len(seen) > 1


@pytest.mark.parametrize("spec,why", [("faulty:gcc-O3", "no base compiler"), ("faulty:llc-O3?rate=2", "between 0 and 1"),
                                      ("faulty:llc-O3?rate=x", "must be a number"), ("faulty:llc-O3?temp=1", "unknown option"),
                                      ("faulty:llc-O7", "llc:O3")])
def test_faulty_provider_spec_errors_explain(spec: str, why: str) -> None:
    with pytest.raises(UsageError, match=why):
        make_provider(spec)
