"""`faulty:llc-O3?rate=0.3&seed=1`: the reference compiler making plausible mistakes. NOT A MODEL.

For testing the agent loop, `compile` and reports without an LLM: every reply is llc's
assembly for the IR in the chat (as `llc:O3` answers), and with probability `rate` it carries
one single-edit mistake of the kinds a model makes (a flipped or signedness-swapped
condition, add/sub, shift kind, an off-by-one immediate or displacement, a swapped register,
a dropped instruction: the mutation operators of `suite strength`, suite/strength/mutate.py).

Whether a reply is faulty, and which mistake it carries, is drawn from (seed, IR, round,
sample), so a run is reproducible, and a self-debug round is a new draw: like a model asked
again, it may get it right. Replies are marked `scripted` (synthetic): every table and report
says so. The reply never names the mistake (a model does not announce its bugs).
"""

from __future__ import annotations

import hashlib
import random
import re
from urllib.parse import parse_qsl

from ..errors import UsageError
from ..suite.strength.mutate import mutants
from .base import GenParams, Message, Reply
from .llc_provider import (LlcProvider, asm_reply, extract_ir, ir_message, ir_triple, parse_level, reply_asm,
                           target_for_triple)

_KNOWN = ("rate", "seed")


def parse_spec(model: str) -> tuple[str, float, int]:
    """"llc-O3?rate=0.3&seed=1" (or "llc:O3?...") -> ("O3", 0.3, 1); UsageError otherwise."""
    base, _, query = model.partition("?")
    m = re.fullmatch(r"llc[-:]?(.*)", base.strip())
    if not m:
        raise UsageError(f"faulty provider: {model!r} names no base compiler; use e.g. faulty:llc-O3?rate=0.3&seed=1")
    level = parse_level(m.group(1) or "O3")
    try:
        opts = dict(parse_qsl(query, keep_blank_values=True, strict_parsing=bool(query)))
    except ValueError:
        raise UsageError(f"faulty provider: cannot parse the options {query!r}; use rate=R&seed=S") from None
    unknown = sorted(set(opts) - set(_KNOWN))
    if unknown:
        raise UsageError(f"faulty provider: unknown option(s) {', '.join(unknown)}; known: {', '.join(_KNOWN)}")
    try:
        rate = float(opts.get("rate", "0.3"))
        seed = int(opts.get("seed", "0"))
    except ValueError:
        raise UsageError(f"faulty provider: rate must be a number and seed an integer, got {query!r}") from None
    if not 0.0 <= rate <= 1.0:
        raise UsageError(f"faulty provider: rate must be between 0 and 1, got {rate}")
    return level, rate, seed


class FaultyProvider:
    """llc's answer, with one injected mistake in a share `rate` of the replies."""

    scripted = True  # synthetic: no model wrote these replies

    def __init__(self, model: str, *, concurrency: int = 8) -> None:
        level, self.rate, self.seed = parse_spec(model)
        self.inner = LlcProvider(level, concurrency=concurrency)
        self.model = f"llc-{level}?rate={self.rate:g}&seed={self.seed}"
        self.name = f"faulty:{self.model}"
        self.cache_scope = f"{self.inner.cache_scope}|faulty-1"

    async def generate(self, messages: list[Message], params: GenParams) -> Reply:
        reply = await self.inner.generate(messages, params)
        text = self.inject(ir_message(messages), reply.text, _round(messages), params.sample)
        return Reply(text=text, latency_s=reply.latency_s, provider="faulty", model=self.model,
                     finish_reason=reply.finish_reason, scripted=True)

    def inject(self, message: str, text: str, round_: int, sample: int = 0) -> str:
        """`text` (llc's reply to `message`) with a mistake, when this (IR, round, sample) draws one."""
        asm = reply_asm(text)
        ir = extract_ir(message)
        triple = ir_triple(ir) if ir else None
        target = target_for_triple(triple) if triple else None
        if asm is None or target is None:
            return text  # llc's own explanation (no IR, a rejected module): nothing to spoil
        digest = hashlib.sha256(ir.encode()).hexdigest()[:16]  # type: ignore[union-attr]
        draw = f"{self.seed}|{digest}|{round_}|{sample}"
        if random.Random(draw).random() >= self.rate:
            return text
        picked = mutants(asm, target.name, 1, draw)
        if not picked:
            return text
        return asm_reply(picked[0].asm)


def _round(messages: list[Message]) -> int:
    """0 for the first request of a conversation, 1 after one reply, ..."""
    return sum(1 for m in messages if m.get("role") == "assistant")
