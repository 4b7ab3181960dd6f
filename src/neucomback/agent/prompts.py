"""Prompts: a fixed per-target system prompt, two evolvable guideline sections, and the
templates for the first request, self-debug feedback and optimization feedback.

A Prompt is stored as a small readable TOML file (name, parent, score and the two
guideline sections), so a learned prompt can be diffed, edited and passed to `--prompt`.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from ..cache import atomic_write_text
from ..errors import UsageError
from ..models.base import Message
from ..targets import Target

_ABI = {
    "x86_64": ("System V AMD64: integer/pointer args in rdi, rsi, rdx, rcx, r8, r9; floating args in xmm0-xmm7; "
               "return in rax (or xmm0); callee-saved rbx, rbp, r12-r15; rsp must be 16-byte aligned at every call "
               "instruction (it is 8 mod 16 on entry); the red zone is 128 bytes below rsp. Use AT&T syntax."),
    "aarch64": ("AAPCS64: args in x0-x7 (w0-w7 for 32-bit), floating args in d0-d7/s0-s7; return in x0/w0 or d0/s0; "
                "callee-saved x19-x28, x29 (fp), x30 (lr) and the low 64 bits of v8-v15; sp must stay 16-byte "
                "aligned; save x29/x30 in functions that call others."),
    "riscv64": ("LP64D: args in a0-a7, floating args in fa0-fa7; return in a0 (or fa0); callee-saved s0-s11, "
                "fs0-fs11 and ra when calling; sp must stay 16-byte aligned; ISA rv64gc (M, A, F, D, C)."),
}

SYSTEM = """You are an expert compiler backend. You translate LLVM IR into {isa} assembly for GNU/Linux that is \
assembled with an LLVM/GNU-compatible assembler and linked against a C test harness.

Rules:
- Emit one complete assembly file inside a single ```asm fenced block.
- Define every function the IR defines with external linkage, with the exact same symbol name, made global \
with `.globl NAME` (and `.type NAME, {type_prefix}function`). Define any global data the IR defines.
- Follow the ABI exactly. {abi}
- End the file with `.section .note.GNU-stack,"",{type_prefix}progbits`.
- Preserve the IR's semantics exactly, including integer wrap-around, signedness and floating-point behaviour \
(no fused multiply-add unless the IR uses it, no reassociation of floating-point operations).
{guidelines}"""

FIRST = """Translate this LLVM IR for {target} into assembly. The harness calls `{function}`.

```llvm
{ir}
```"""

DEBUG = """Your assembly did not pass verification (stage: {stage}).

{feedback}

Fix the problem and reply with the complete corrected assembly file in one ```asm block."""

OPTIMIZE = """Your assembly is correct. Measured against clang -O3 on this machine: {timing}
{mca}
Make it faster while keeping exactly the same results (the harness changes the inputs between repetitions and \
checks every result). Reply with the complete assembly file in one ```asm block."""


@dataclass
class Prompt:
    """A compilation prompt: fixed scaffolding plus the two evolvable guideline sections."""

    name: str = "default"
    correctness: str = ""
    performance: str = ""
    parent: str = ""
    score: dict[str, float] = field(default_factory=dict)

    def guidelines_text(self) -> str:
        parts = []
        if self.correctness.strip():
            parts.append("Correctness guidelines (learned from earlier debugging):\n" + self.correctness.strip())
        if self.performance.strip():
            parts.append("Performance guidelines (learned from earlier optimization):\n" + self.performance.strip())
        return ("\n" + "\n\n".join(parts) + "\n") if parts else ""

    def system(self, target: Target) -> str:
        prefix = "%" if target.name == "aarch64" else "@"
        return SYSTEM.format(isa=target.isa_description, abi=_ABI[target.name], type_prefix=prefix,
                             guidelines=self.guidelines_text())

    def first_messages(self, target: Target, function: str, ir: str) -> list[Message]:
        return [{"role": "system", "content": self.system(target)},
                {"role": "user", "content": FIRST.format(target=target.name, function=function, ir=ir.strip())}]

    def to_toml(self) -> str:
        score = ", ".join(f"{k} = {v!r}" for k, v in sorted(self.score.items()))
        return (f"name = {_q(self.name)}\nparent = {_q(self.parent)}\nscore = {{ {score} }}\n\n"
                f"[guidelines]\ncorrectness = {_ml(self.correctness)}\nperformance = {_ml(self.performance)}\n")

    def save(self, path: Path) -> None:
        atomic_write_text(path, self.to_toml())

    @classmethod
    def load(cls, path: Path) -> "Prompt":
        try:
            d = tomllib.loads(path.read_text())
        except FileNotFoundError:
            raise UsageError(f"prompt file {path} not found") from None
        except tomllib.TOMLDecodeError as e:
            raise UsageError(f"prompt file {path}: {e}") from None
        g = d.get("guidelines", {})
        return cls(name=str(d.get("name", path.stem)), correctness=str(g.get("correctness", "")),
                   performance=str(g.get("performance", "")), parent=str(d.get("parent", "")),
                   score={k: float(v) for k, v in d.get("score", {}).items()})


def _q(s: str) -> str:
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _ml(s: str) -> str:
    """A TOML literal multi-line string (no escapes), falling back to a basic one if needed."""
    if "'''" not in s:
        return "'''\n" + s + "'''"
    return '"""\n' + s.replace("\\", "\\\\").replace('"""', '\\"\\"\\"') + '"""'


def debug_message(stage: str, feedback: str) -> Message:
    return {"role": "user", "content": DEBUG.format(stage=stage, feedback=feedback.strip())}


def optimize_message(timing: str, mca: str) -> Message:
    return {"role": "user", "content": OPTIMIZE.format(timing=timing, mca=mca)}
