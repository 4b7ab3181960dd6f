"""Stage 2: the model merges a batch's insights into one guideline section.

It answers with the complete proposed section in one fenced block. No fenced block, an
empty one or an oversized one is not a proposal: it is logged and the section stays.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from ..agent.extract import _blocks as fenced_blocks  # the fence scanner the asm extractor uses
from ..models.base import Message
from ..record.store import RunStore
from .ask import Asker

MAX_SECTION_LINES = 40
MAX_SECTION_CHARS = 6000
TITLES = {"correctness": "correctness guidelines (how to produce assembly that assembles, links and computes "
                         "exactly what the IR does)",
          "performance": "performance guidelines (how to produce assembly that runs faster than clang -O3)"}

SYSTEM = ("You maintain the guidelines section of the system prompt of an LLM compiler backend that translates "
          "LLVM IR to assembly. Guidelines must be general (no task-specific names), correct, and short.")

MERGE_ASK = """Merge these new insights into the {title}.

Current section:
```text
{current}
```

New insights, distilled from {n} trace(s) of this batch:
{insights}

Rules: one guideline per line, each starting with "- "; keep the existing guidelines unless an insight \
shows one is wrong; merge duplicates; drop insights that are task-specific or doubtful; at most \
{max_lines} lines.
Reply with the complete new section inside one ```text fenced block."""


@dataclass
class Proposal:
    """The model's proposed section (`text` None: no usable proposal, `error` says why)."""

    section: str
    reply: str
    text: str | None
    error: str = ""

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


def merge_messages(section: str, current: str, insights: list[str], traces: int) -> list[Message]:
    """The chat that asks for the merged section."""
    listed = "\n".join(f"{i}. {s}" for i, s in enumerate(insights, 1))
    ask = MERGE_ASK.format(title=TITLES[section], current=current.strip() or "(empty)", n=traces, insights=listed,
                           max_lines=MAX_SECTION_LINES)
    return [{"role": "system", "content": SYSTEM}, {"role": "user", "content": ask}]


def parse_proposal(text: str) -> tuple[str | None, str]:
    """(section text, error) from a merge answer: the last closed fenced block, tidied."""
    blocks = [b for b in fenced_blocks(text) if b[2]]
    if not blocks:
        return None, "no closed fenced block in the answer"
    lines = [l.rstrip() for l in blocks[-1][1].strip("\n").splitlines()]
    body = "\n".join(lines).strip("\n")
    if not body.strip() or body.strip() == "(empty)":
        return None, "the proposed section is empty"
    if len(lines) > MAX_SECTION_LINES or len(body) > MAX_SECTION_CHARS:
        return None, f"the proposed section is too long ({len(lines)} lines, {len(body)} chars)"
    return body, ""


async def propose(asker: Asker, store: RunStore, section: str, current: str, insights: list[str],
                  traces: int) -> Proposal:
    """Ask for the merged section (recorded under `merge/<section>` for replay)."""
    reply = await asker.ask(store, f"merge/{section}", merge_messages(section, current, insights, traces))
    text, error = parse_proposal(reply.text)
    return Proposal(section, reply.text, text, error)
