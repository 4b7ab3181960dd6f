"""The reference compiler as a "model": `llc:O3` answers every prompt with llc's assembly.

It is the baseline (and a smoke test of the whole agent loop): it finds the LLVM IR in the
last user message (the last ```llvm fence, or the whole text if it starts like IR), picks
our target from the IR's `target triple`, and runs llc-19 with that target's flags. No IR,
an unknown triple or IR that llc rejects give an explanatory Reply, not an exception, exactly
like a model that answered without assembly. Zero tokens, zero cost.
"""

from __future__ import annotations

import asyncio
import re
import subprocess
import threading
import time

from .. import toolchain
from ..errors import InfrastructureError, UsageError
from ..harness.build import llc_command
from ..targets import TARGETS, Target
from .base import GenParams, Message, Reply, last_user_text

LLC_TIMEOUT_S = 120
LEVELS = ("O0", "O1", "O2", "O3")
_FENCE = re.compile(r"```[ \t]*(?:llvm|ll|llvm-ir|llvmir)[ \t]*\r?\n(.*?)```", re.DOTALL | re.IGNORECASE)
_IR_START = ("; ModuleID", "source_filename", "target datalayout", "target triple", "define ", "declare ")
_TRIPLE = re.compile(r'^\s*target\s+triple\s*=\s*"([^"]+)"', re.MULTILINE)
_ARCH_ALIASES = {"arm64": "aarch64", "amd64": "x86_64"}


def asm_reply(asm: str) -> str:
    """A reply that holds `asm` the way the prompt asks for it (one ```asm block)."""
    return f"```asm\n{asm.rstrip()}\n```\n"


def reply_asm(text: str) -> str | None:
    """The assembly of a reply made by `asm_reply`, or None for any other text."""
    m = _ASM_REPLY.match(text)
    return m.group(1) + "\n" if m else None


_ASM_REPLY = re.compile(r"\A```asm\n(.*)\n```\n\Z", re.DOTALL)


def parse_level(model: str) -> str:
    """"O3", "o3", "3", "-O3" -> "O3"; UsageError otherwise."""
    m = re.fullmatch(r"-?[Oo]?([0-3])", model.strip())
    if not m:
        raise UsageError(f"llc provider: unknown optimization level {model!r}; use one of "
                         f"{', '.join('llc:' + lv for lv in LEVELS)}")
    return f"O{m.group(1)}"


def extract_ir(text: str) -> str | None:
    """The IR in a message: the last ```llvm block (preferring one with a `define`), or the
    whole text when it starts like an IR module; None if there is none."""
    blocks: list[str] = _FENCE.findall(text)
    if blocks:
        with_define = [b for b in blocks if re.search(r"^\s*define\b", b, re.MULTILINE)]
        return (with_define or blocks)[-1]
    if text.lstrip().startswith(_IR_START):
        return text
    return None


def target_for_triple(triple: str) -> Target | None:
    """Our target with the same architecture as an IR triple (x86_64-unknown-linux-gnu -> x86_64)."""
    arch = triple.split("-", 1)[0].lower()
    arch = _ARCH_ALIASES.get(arch, arch)
    for t in TARGETS.values():
        if t.triple.split("-", 1)[0] == arch:
            return t
    return None


def ir_triple(ir: str) -> str | None:
    """The `target triple` of an IR module, or None when it has none."""
    m = _TRIPLE.search(ir)
    return m.group(1) if m else None


def ir_message(messages: list[Message]) -> str:
    """The latest user message that holds IR: in debug and optimization rounds the IR is in
    the first request, and llc simply answers it again (a compiler does not learn)."""
    for m in reversed(messages):
        if m.get("role") == "user" and extract_ir(m.get("content") or "") is not None:
            return m.get("content") or ""
    return last_user_text(messages)


class LlcProvider:
    """`llc:O<level>`; thread pool subprocesses, at most `concurrency` llc runs at a time."""

    scripted = False

    def __init__(self, level: str = "O3", *, concurrency: int = 8) -> None:
        self.model = parse_level(level)
        self.name = f"llc:{self.model}"
        self.cache_scope = toolchain.version_fingerprint()  # a new llc must not hit old entries
        self._slots = threading.BoundedSemaphore(max(1, concurrency))

    async def generate(self, messages: list[Message], params: GenParams) -> Reply:
        t0 = time.perf_counter()
        text, finish = await asyncio.to_thread(self.answer, ir_message(messages))
        return Reply(text=text, latency_s=time.perf_counter() - t0, provider="llc", model=self.model,
                     finish_reason=finish)

    def answer(self, message: str) -> tuple[str, str]:
        """(reply text, finish reason) for one user message."""
        ir = extract_ir(message)
        if ir is None:
            return ("llc provider: no LLVM IR found in the last user message (expected a ```llvm fenced "
                    "block or a message that starts with the IR module).", "no_input")
        triple = ir_triple(ir)
        if triple is None:
            return "llc provider: the IR has no `target triple` line, so the target is unknown.", "no_input"
        target = target_for_triple(triple)
        if target is None:
            return (f"llc provider: target triple {triple!r} matches none of our targets "
                    f"({', '.join(t.triple for t in TARGETS.values())}).", "no_input")
        cmd = llc_command(target, f"-{self.model}")
        with self._slots:
            try:
                proc = subprocess.run(cmd, input=ir, capture_output=True, text=True, errors="replace",
                                      timeout=LLC_TIMEOUT_S)
            except subprocess.TimeoutExpired:
                return f"llc provider: llc timed out after {LLC_TIMEOUT_S}s.", "error"
            except OSError as e:
                raise InfrastructureError(f"cannot run {cmd[0]}: {e}") from None
        if proc.returncode != 0:
            return f"llc provider: llc rejected the IR:\n{proc.stderr.strip()[-4000:]}", "error"
        return asm_reply(proc.stdout), "stop"
