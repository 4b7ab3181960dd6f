"""A local OpenAI-compatible HTTP server whose replies are SCRIPTED. It is NOT a model.

It exists so the whole client path (the openai SDK, our retries, timeouts, concurrency
limits, cache, budgets, the agent loop) runs for real on a machine without any LLM service.
Every completion it returns carries `system_fingerprint: "neucomback-mockserver (scripted)"`;
the openai provider turns that into `Reply.scripted=True`, so reports show that no model
was involved.

Speaks: POST /v1/chat/completions (non-streaming) and GET /v1/models. Behaviour comes from
a responder callable `responder(request_json) -> Response | str`, or from a script file of
rules (see scripted.py; here `status`, `delay_s`, `finish_reason` and `headers` apply too),
e.g. a 429 once and then success:

    [{"match": null, "status": 429, "times": 1, "headers": {"Retry-After": "0"}},
     {"match": "saxpy", "reply": "```asm\\n...\\n```"}]

Every request body is recorded (`requests`), with its headers (`request_headers`) and arrival
time (`arrivals`), and the peak number of requests in flight (`max_in_flight`), so tests can check what reached it.

    with MockServer(lambda req: Response(text="hi")) as srv:
        make_provider("openai:mock", base_url=srv.base_url)

    python -m neucomback.models.mockserver --script FILE [--port N] [--latency 1.0]
"""

from __future__ import annotations

import argparse
import itertools
import json
import socket
import sys
import threading
import time
import traceback
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from .scripted import Script

FINGERPRINT = "neucomback-mockserver (scripted)"
DEFAULT_TEXT = "[mock server: scripted reply]"
MAX_BODY = 64 << 20


@dataclass
class Response:
    """What the server does with one request.

    `text` is the reply on status 200 and the error message otherwise (wrapped in OpenAI's
    error JSON with `error_code`). `delay_s` None means the server's default latency.
    """

    status: int = 200
    text: str = DEFAULT_TEXT
    delay_s: float | None = None
    finish_reason: str = "stop"
    headers: dict[str, str] = field(default_factory=dict)
    error_code: str | None = None


Responder = Callable[[dict[str, Any]], "Response | str"]


def script_responder(script: Script) -> Responder:
    """A responder that applies a script's rules to the last user message."""

    def respond(request: dict[str, Any]) -> Response:
        rule = script.pick(_last_user(request))
        if rule is None:
            return Response(text=script.default)
        return Response(status=rule.status, text=rule.reply, delay_s=rule.delay_s, finish_reason=rule.finish_reason,
                        headers=dict(rule.headers))

    return respond


def _last_user(request: dict[str, Any]) -> str:
    for m in reversed(request.get("messages") or []):
        if isinstance(m, dict) and m.get("role") == "user":
            content = m.get("content")
            if isinstance(content, list):  # content parts: keep the text ones
                return "".join(p.get("text", "") for p in content if isinstance(p, dict))
            return content if isinstance(content, str) else ""
    return ""


def _content_len(request: dict[str, Any]) -> int:
    total = 0
    for m in request.get("messages") or []:
        if isinstance(m, dict):
            c = m.get("content")
            total += len(c) if isinstance(c, str) else len(json.dumps(c))
    return total


def _error_type(status: int) -> str:
    return {401: "invalid_request_error", 404: "invalid_request_error", 429: "rate_limit_error"}.get(
        status, "server_error" if status >= 500 else "invalid_request_error")


class MockServer:
    """The server; start/stop it with `with`, or start()/stop().

    `models`: if given, requests for other models get OpenAI's 404 `model_not_found`.
    `api_key`: if given, requests without `Authorization: Bearer <api_key>` get 401.
    `latency_s`: delay of every reply whose Response/rule sets none.
    """

    def __init__(self, responder: Responder | Script | str | Path | None = None, *, host: str = "127.0.0.1",
                 port: int = 0, latency_s: float = 0.0, models: Sequence[str] | None = None,
                 api_key: str | None = None, verbose: bool = False) -> None:
        if responder is None:
            responder = lambda request: Response()  # noqa: E731
        elif isinstance(responder, (str, Path)):
            responder = script_responder(Script.load(responder))
        elif isinstance(responder, Script):
            responder = script_responder(responder)
        self.responder: Responder = responder
        self.host = host
        self.port = port
        self.latency_s = latency_s
        self.models = list(models) if models is not None else None
        self.api_key = api_key
        self.verbose = verbose
        self._lock = threading.Lock()
        self._requests: list[dict[str, Any]] = []
        self._headers: list[dict[str, str]] = []
        self._arrivals: list[float] = []
        self._in_flight = 0
        self._max_in_flight = 0
        self._ids = itertools.count(1)
        self._stopping = threading.Event()
        self._httpd: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # -- lifecycle --------------------------------------------------------------------------

    def start(self) -> MockServer:
        httpd = ThreadingHTTPServer((self.host, self.port), _handler_class(self))
        httpd.daemon_threads = True
        httpd.block_on_close = False  # a handler still "thinking" must not hold up stop()
        self._httpd = httpd
        self.port = httpd.server_address[1]
        # A short poll interval: shutdown() waits for the serve loop to notice, once per poll.
        self._thread = threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.05},
                                        name="mockserver", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stopping.set()  # wakes delayed handlers
        if self._httpd is not None:
            self._httpd.shutdown()
            self._httpd.server_close()
            self._httpd = None
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None

    def __enter__(self) -> MockServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def base_url(self) -> str:
        return f"http://{self.host}:{self.port}/v1"

    # -- what the tests look at ------------------------------------------------------------

    @property
    def requests(self) -> list[dict[str, Any]]:
        """Copies of the chat-completion request bodies received, in arrival order."""
        with self._lock:
            return list(self._requests)

    @property
    def request_headers(self) -> list[dict[str, str]]:
        with self._lock:
            return list(self._headers)

    @property
    def arrivals(self) -> list[float]:
        """time.monotonic() of each recorded request (e.g. to check a client's backoff)."""
        with self._lock:
            return list(self._arrivals)

    @property
    def request_count(self) -> int:
        with self._lock:
            return len(self._requests)

    @property
    def max_in_flight(self) -> int:
        with self._lock:
            return self._max_in_flight

    # -- request handling (called from handler threads) -----------------------------------

    def _record(self, body: dict[str, Any], headers: dict[str, str]) -> None:
        with self._lock:
            self._requests.append(body)
            self._headers.append(headers)
            self._arrivals.append(time.monotonic())
            self._in_flight += 1
            self._max_in_flight = max(self._max_in_flight, self._in_flight)

    def _done(self) -> None:
        with self._lock:
            self._in_flight -= 1

    def _respond(self, body: dict[str, Any],
                 headers: dict[str, str]) -> tuple[int, dict[str, Any], dict[str, str], float]:
        """(status, JSON body, extra headers, delay) for one chat-completions request."""
        model = str(body.get("model", ""))
        if self.api_key is not None and headers.get("authorization") != f"Bearer {self.api_key}":
            return 401, _error("Incorrect API key provided.", 401, "invalid_api_key"), {}, 0.0
        if self.models is not None and model not in self.models:
            return 404, _error(f"The model `{model}` does not exist or you do not have access to it.", 404,
                               "model_not_found"), {}, 0.0
        if body.get("stream"):
            return 400, _error("the mock server does not support stream=true", 400, "unsupported"), {}, 0.0
        try:
            r = self.responder(body)
        except Exception:  # a broken test responder shows up as a 500 with its traceback
            tb = traceback.format_exc()
            print(tb, file=sys.stderr)
            return 500, _error(f"responder raised: {tb.splitlines()[-1]}", 500, "responder_error"), {}, 0.0
        if isinstance(r, str):
            r = Response(text=r)
        delay = self.latency_s if r.delay_s is None else r.delay_s
        if r.status != 200:
            return r.status, _error(r.text, r.status, r.error_code), r.headers, delay
        return 200, self._completion(body, r), r.headers, delay

    def _completion(self, request: dict[str, Any], r: Response) -> dict[str, Any]:
        prompt_tokens = _content_len(request) // 4
        completion_tokens = len(r.text) // 4
        return {
            "id": f"chatcmpl-mock-{next(self._ids)}",
            "object": "chat.completion",
            "created": int(time.time()),
            "model": str(request.get("model", "")),
            "system_fingerprint": FINGERPRINT,
            "choices": [{"index": 0, "message": {"role": "assistant", "content": r.text},
                         "finish_reason": r.finish_reason, "logprobs": None}],
            "usage": {"prompt_tokens": prompt_tokens, "completion_tokens": completion_tokens,
                      "total_tokens": prompt_tokens + completion_tokens},
        }

    def _models(self) -> dict[str, Any]:
        names = self.models if self.models is not None else ["mock"]
        return {"object": "list", "data": [{"id": n, "object": "model", "created": 0,
                                            "owned_by": "neucomback-mockserver"} for n in names]}


def _error(message: str, status: int, code: str | None) -> dict[str, Any]:
    return {"error": {"message": message, "type": _error_type(status), "param": None, "code": code}}


def _handler_class(server: MockServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"  # keep-alive, as the SDK expects
        server_version = "neucomback-mockserver"

        def setup(self) -> None:
            super().setup()
            # Headers and body go out in two writes: without NODELAY, Nagle + delayed ACK add 40 ms.
            self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

        def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - stdlib signature
            if server.verbose:
                super().log_message(format, *args)

        def _send(self, status: int, payload: dict[str, Any], headers: dict[str, str] | None = None) -> None:
            data = json.dumps(payload).encode()
            try:
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                for k, v in (headers or {}).items():
                    self.send_header(k, v)
                self.end_headers()
                self.wfile.write(data)
            except (BrokenPipeError, ConnectionResetError):
                pass  # the client gave up (its timeout): nothing to tell it

        def do_GET(self) -> None:  # noqa: N802 - stdlib naming
            auth = {k.lower(): v for k, v in self.headers.items()}.get("authorization")
            if self.path.rstrip("/") == "/v1/models" and server.api_key is not None and \
                    auth != f"Bearer {server.api_key}":
                self._send(401, _error("Incorrect API key provided.", 401, "invalid_api_key"))
            elif self.path.rstrip("/") == "/v1/models":
                self._send(200, server._models())
            else:
                self._send(404, _error(f"no route GET {self.path}", 404, None))

        def do_POST(self) -> None:  # noqa: N802
            length = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(min(length, MAX_BODY)) if length > 0 else b""
            if self.path.rstrip("/") != "/v1/chat/completions":
                self._send(404, _error(f"no route POST {self.path}", 404, None))
                return
            try:
                body = json.loads(raw or b"null")
                if not isinstance(body, dict):
                    raise ValueError("body is not a JSON object")
            except ValueError as e:
                self._send(400, _error(f"invalid JSON body: {e}", 400, None))
                return
            headers = {k.lower(): v for k, v in self.headers.items()}
            server._record(body, headers)
            try:
                status, payload, extra, delay = server._respond(body, headers)
                if delay > 0 and server._stopping.wait(delay):
                    self.close_connection = True
                    return
                self._send(status, payload, extra)
            finally:
                server._done()

    return Handler


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m neucomback.models.mockserver",
                                 description="Local OpenAI-compatible server with SCRIPTED replies (not a model).")
    ap.add_argument("--script", help="JSON/JSONL rules file (see neucomback.models.scripted); default: a fixed reply")
    ap.add_argument("--host", default="127.0.0.1")
    ap.add_argument("--port", type=int, default=0, help="0 picks a free port")
    ap.add_argument("--latency", type=float, default=0.0, help="seconds before each reply whose rule sets no delay_s")
    ap.add_argument("--model", action="append", dest="models", help="accepted model name (repeatable; default: any)")
    ap.add_argument("--api-key", help="require this bearer key (default: accept any)")
    ap.add_argument("--verbose", action="store_true", help="log every request")
    args = ap.parse_args(argv)
    srv = MockServer(args.script, host=args.host, port=args.port, latency_s=args.latency, models=args.models,
                     api_key=args.api_key, verbose=args.verbose)
    srv.start()
    print(f"neucomback mock server: SCRIPTED replies, not a model. Listening on {srv.base_url}\n"
          f"  use: --model openai:<any-name> --base-url {srv.base_url}   (Ctrl-C stops)", flush=True)
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        pass
    finally:
        srv.stop()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
