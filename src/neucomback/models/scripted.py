"""Scripted replies: canned answers chosen by regex, for tests and demos. NOT A MODEL.

A script file is JSON (a list of rules, or {"rules": [...], "default": "..."}) or JSONL
(one rule per line; a `.jsonl` suffix). A rule:

    {"match": "regex or null", "reply": "text", "times": 2,
     "status": 200, "delay_s": 0.0, "finish_reason": "stop", "headers": {"Retry-After": "1"}}

Rules are tried in order against the last user message (Python `re.search`, DOTALL);
`match` null matches anything; a rule with `times` applies only that many times and is then
skipped. When no rule applies, the default reply is used. `status`, `delay_s`, `headers`
matter to the mock server (and `status`/`delay_s` to the scripted provider, which maps
error statuses to the ModelError a real service would cause).

Every Reply of the scripted provider has `scripted=True` and provider name
"scripted:<file>", so no report can pass it off as a model's work.
"""

from __future__ import annotations

import asyncio
import json
import re
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import UsageError
from .base import (GenParams, Message, ModelAuthError, ModelError, ModelNotFoundError, ModelUnavailableError,
                   Reply, last_user_text)

DEFAULT_REPLY = "[scripted reply: no rule matched the last user message]"
RULE_KEYS = frozenset({"match", "reply", "times", "status", "delay_s", "finish_reason", "headers"})


@dataclass
class Rule:
    """One scripted behaviour; `uses` counts how often it was applied."""

    match: re.Pattern[str] | None
    reply: str = ""
    times: int | None = None
    status: int = 200
    delay_s: float | None = None
    finish_reason: str = "stop"
    headers: dict[str, str] = field(default_factory=dict)
    uses: int = 0

    def applies(self, text: str) -> bool:
        if self.times is not None and self.uses >= self.times:
            return False
        return self.match is None or self.match.search(text) is not None

    @classmethod
    def from_json(cls, d: Any, where: str) -> Rule:
        if not isinstance(d, dict):
            raise UsageError(f"{where}: a rule must be an object, got {d!r}")
        unknown = set(d) - RULE_KEYS
        if unknown:
            raise UsageError(f"{where}: unknown rule key(s) {sorted(unknown)}; allowed: {sorted(RULE_KEYS)}")
        pattern = d.get("match")
        try:
            rx = re.compile(pattern, re.DOTALL) if pattern is not None else None
        except (re.error, TypeError) as e:
            raise UsageError(f"{where}: bad regex {pattern!r}: {e}") from None
        times = d.get("times")
        if times is not None and (not isinstance(times, int) or times < 1):
            raise UsageError(f"{where}: times must be a positive integer, got {times!r}")
        headers = d.get("headers") or {}
        if not isinstance(headers, dict):
            raise UsageError(f"{where}: headers must be an object")
        try:
            return cls(match=rx, reply=str(d.get("reply", "")), times=times, status=int(d.get("status", 200)),
                       delay_s=float(d["delay_s"]) if d.get("delay_s") is not None else None,
                       finish_reason=str(d.get("finish_reason", "stop")),
                       headers={str(k): str(v) for k, v in headers.items()})
        except (TypeError, ValueError) as e:
            raise UsageError(f"{where}: {e}") from None


class Script:
    """An ordered list of rules plus a default reply. `pick` is thread-safe."""

    def __init__(self, rules: list[Rule], default: str = DEFAULT_REPLY, source: str = "<inline>") -> None:
        self.rules = rules
        self.default = default
        self.source = source
        self._lock = threading.Lock()

    @classmethod
    def from_json(cls, data: Any, source: str = "<inline>") -> Script:
        """From a parsed list of rules or {"rules": [...], "default": "..."}."""
        default = DEFAULT_REPLY
        if isinstance(data, dict):
            default = str(data.get("default", DEFAULT_REPLY))
            data = data.get("rules", [])
        if not isinstance(data, list):
            raise UsageError(f"{source}: a script is a list of rules or {{\"rules\": [...], \"default\": ...}}")
        rules = [Rule.from_json(d, f"{source}: rule {i + 1}") for i, d in enumerate(data)]
        return cls(rules, default, source)

    @classmethod
    def load(cls, path: str | Path) -> Script:
        p = Path(path)
        try:
            text = p.read_text()
        except OSError as e:
            raise UsageError(f"cannot read script {p}: {e}") from None
        try:
            if p.suffix.lower() == ".jsonl":
                data: Any = [json.loads(line) for line in text.splitlines() if line.strip()]
            else:
                data = json.loads(text)
        except json.JSONDecodeError as e:
            raise UsageError(f"script {p} is not valid {'JSONL' if p.suffix == '.jsonl' else 'JSON'}: {e}") from None
        return cls.from_json(data, str(p))

    def pick(self, text: str) -> Rule | None:
        """The first applicable rule (its use is counted), or None for the default."""
        with self._lock:
            for rule in self.rules:
                if rule.applies(text):
                    rule.uses += 1
                    return rule
        return None


def _estimate_tokens(text: str) -> int:
    return len(text) // 4


class ScriptedProvider:
    """Replies from a Script. Zero cost; token counts are estimates (len // 4)."""

    scripted = True

    def __init__(self, script: Script | str | Path) -> None:
        self.script = script if isinstance(script, Script) else Script.load(script)
        self.model = self.script.source
        self.name = f"scripted:{self.model}"

    async def generate(self, messages: list[Message], params: GenParams) -> Reply:
        loop = asyncio.get_running_loop()
        t0 = loop.time()
        rule = self.script.pick(last_user_text(messages))
        if rule is not None and rule.delay_s:
            await asyncio.sleep(rule.delay_s)
        if rule is not None and rule.status != 200:
            raise _status_error(rule.status, rule.reply, self.name)
        text = rule.reply if rule is not None else self.script.default
        return Reply(text=text, prompt_tokens=sum(_estimate_tokens(m.get("content") or "") for m in messages),
                     completion_tokens=_estimate_tokens(text), latency_s=loop.time() - t0, provider="scripted",
                     model=self.model, finish_reason=rule.finish_reason if rule else "stop", scripted=True)


def _status_error(status: int, message: str, name: str) -> ModelError:
    """The error a real service with this status would end in (after retries, for transient ones)."""
    detail = f"{name}: scripted HTTP {status}" + (f": {message}" if message else "")
    if status in (401, 403):
        return ModelAuthError(detail)
    if status == 404:
        return ModelNotFoundError(detail)
    if status in (408, 409, 429) or status >= 500:
        return ModelUnavailableError(detail)
    return ModelError(detail)
