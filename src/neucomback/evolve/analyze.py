"""Stage 1: the model studies one trace and states what it teaches, in a fixed format.

Debug traces are answered as

    ROUND 0: <what was wrong>
    FIX: <what made it correct>
    INSIGHTS:
    1. <a general guideline that would have prevented the error>

optimization traces as BOTTLENECKS / TRANSFORMATIONS / SITUATIONAL / INSIGHTS. Parsing is
tolerant of markdown decoration (bold, headings, bullets, fences); an answer without an
INSIGHTS list is unparseable: it is logged and skipped, never guessed at.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field
from typing import Any

from ..models.base import Message
from ..record.store import RunStore
from ..targets import Target
from .ask import Asker
from .traces import Trace

MAX_INSIGHTS = 8
MAX_INSIGHT_CHARS = 400

SYSTEM = ("You are a senior compiler engineer. You study how an LLM compiler backend that translates LLVM IR to "
          "assembly worked through one task, and you distil lessons that help it on *other* tasks.")

DEBUG_INTRO = """Analyse this self-debugging trace: the model's first assembly for `{function}` ({target}) failed \
verification and a later round fixed it."""

OPT_INTRO = """Analyse this optimization trace: the model's assembly for `{function}` ({target}) was correct, and \
later rounds made it faster than that first correct version (speedups are vs clang -O3)."""

TRACE = """

LLVM IR (excerpt):
```llvm
{ir}
```

{rounds}

Answer in exactly this format, and nothing else:
"""

DEBUG_FORMAT = """ROUND <k>: <for every failed round k: what was wrong and why>
FIX: <what changed in the round that passed>
INSIGHTS:
1. <a general, reusable guideline that would have prevented the error on other functions>
2. <...> (at most {n}; each one line; no task-specific names)"""

OPT_FORMAT = """BOTTLENECKS: <what limited the speed of the first correct version>
TRANSFORMATIONS: <which changes made it faster>
SITUATIONAL: <which of those only pay off in particular situations, and which>
INSIGHTS:
1. <a general, reusable performance guideline, saying when it applies>
2. <...> (at most {n}; each one line; no task-specific names)"""

_HEADER = re.compile(r"^(ROUND\s+\d+|FIX|BOTTLENECKS?|TRANSFORMATIONS?|SITUATIONAL|INSIGHTS)\s*(?::\s*(.*))?$", re.I)
_ITEM = re.compile(r"^(?:\d+\s*[.)]|[-*\u2022])\s+(.*)$")
_NOTHING = {"none", "n/a", "na", "-", "nothing", "(none)"}


@dataclass
class Analysis:
    """The parsed answer for one trace. `error` non-empty: unparseable (insights empty)."""

    task_id: str
    section: str
    insights: list[str] = field(default_factory=list)
    fields: dict[str, str] = field(default_factory=dict)
    reply: str = ""
    error: str = ""

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


def rounds_text(trace: Trace) -> str:
    """Each round: its asm excerpt and what the harness said about it."""
    parts = []
    for r in trace.rounds:
        verdict = "passed" if r.correct else f"FAILED at stage {r.stage or '?'}"
        parts.append(f"ROUND {r.index} ({r.kind}, {verdict}):\n```asm\n{r.asm}\n```\nHarness feedback: {r.feedback}")
    return "\n\n".join(parts)


def analysis_messages(trace: Trace, target: Target) -> list[Message]:
    """The chat that asks for the analysis of one trace."""
    intro, answer = (DEBUG_INTRO, DEBUG_FORMAT) if trace.kind == "debug" else (OPT_INTRO, OPT_FORMAT)
    ask = (intro + TRACE + answer).format(function=trace.function, target=target.name, ir=trace.ir, rounds=rounds_text(trace),
                          n=MAX_INSIGHTS)
    return [{"role": "system", "content": SYSTEM}, {"role": "user", "content": ask}]


def _clean(line: str) -> str:
    """A line without markdown decoration: heading/quote marks in front, bold markers anywhere."""
    return re.sub(r"^[#>]+\s*", "", line.strip()).replace("**", "").strip()


def parse_analysis(text: str) -> tuple[list[str], dict[str, str], str]:
    """(insights, other named fields, error). `error` is "" iff an INSIGHTS list with items was found.

    Items are numbered (`1.`, `1)`) or bulleted (`-`, `*`); an unnumbered line under an item
    continues it (models wrap long lines). Text under other headers goes to `fields`.
    """
    fields: dict[str, str] = {}
    insights: list[str] = []
    current: str | None = None
    saw_insights = False
    for raw in text.splitlines():
        line = _clean(raw)
        if not line or line.startswith("```"):
            continue
        header = _HEADER.match(line)
        if header:
            current, rest = " ".join(header.group(1).upper().split()), (header.group(2) or "").strip()
            saw_insights = saw_insights or current == "INSIGHTS"
            if current != "INSIGHTS":
                fields[current] = rest
                continue
            line = rest  # "INSIGHTS: 1. ..." on one line
            if not line:
                continue
        if current == "INSIGHTS":
            item = _ITEM.match(line)
            if item:
                insights.append(item.group(1).strip())
            elif insights:
                insights[-1] += " " + line
        elif current is not None:
            fields[current] = (fields[current] + " " + line).strip()
    insights = [i[:MAX_INSIGHT_CHARS] for i in insights if i.strip().lower() not in _NOTHING]
    if not saw_insights:
        return [], fields, "no INSIGHTS: section in the answer"
    if not insights:
        return [], fields, "the INSIGHTS: section lists no numbered items"
    return insights[:MAX_INSIGHTS], fields, ""


async def analyze(asker: Asker, store: RunStore, trace: Trace, target: Target) -> Analysis:
    """Ask for and parse the analysis of one trace (recorded under `analyze/<task>` for replay)."""
    reply = await asker.ask(store, f"analyze/{trace.task_id}", analysis_messages(trace, target))
    insights, fields, error = parse_analysis(reply.text)
    return Analysis(trace.task_id, trace.section, insights, fields, reply.text, error)
