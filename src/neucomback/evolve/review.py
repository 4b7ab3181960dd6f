"""Stage 3: the model reviews the line diff of a proposal; only the changes it names apply.

The diff (difflib, line based) is shown with every changed line numbered:

    [1] - an old guideline the proposal removes
    [2] + a guideline the proposal adds

and the answer must contain exactly one line `APPLY: 1, 2` or `APPLY: none`. Anything else
(no such line, two of them, a number that is not in the diff) applies nothing, and says so.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

from ..models.base import Message
from ..record.store import RunStore
from .ask import Asker
from .merge import SYSTEM, TITLES

_APPLY = re.compile(r"^[\s*`]*APPLY\s*:\s*(.*?)[\s*`]*$", re.I | re.M)  # markdown bold/code tolerated
_NUMBERS = re.compile(r"^\d+(\s*[, ]\s*\d+)*$")

REVIEW_ASK = """Review a proposed change to the {title}.

Current section:
```text
{current}
```

Proposed changes (- removes a line, + adds a line):
{diff}

Accept a change only if it is correct, general (not about one task) and not redundant. Removing a line \
and adding its replacement are separate changes. Answer with exactly one line, in this format:
APPLY: <numbers of the changes to apply, comma-separated>
or
APPLY: none"""


@dataclass(frozen=True)
class Change:
    """One numbered changed line: `op` "-" removes old line `text`, "+" adds it."""

    number: int
    op: str
    text: str


@dataclass
class Review:
    """The outcome of a review: which changes applied, the resulting section, and notes."""

    changes: list[Change]
    reply: str = ""
    applied: list[int] = field(default_factory=list)
    note: str = ""
    result: str = ""

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


def _opcodes(old: list[str], new: list[str]) -> Sequence[tuple[str, int, int, int, int]]:
    return difflib.SequenceMatcher(None, old, new, autojunk=False).get_opcodes()


def line_diff(old: str, new: str) -> list[Change]:
    """The changed lines from `old` to `new`, numbered from 1 in reading order."""
    a, b = _lines(old), _lines(new)
    changes: list[Change] = []
    for tag, i1, i2, j1, j2 in _opcodes(a, b):
        if tag == "equal":
            continue
        for op, line in [*(("-", l) for l in a[i1:i2]), *(("+", l) for l in b[j1:j2])]:
            changes.append(Change(len(changes) + 1, op, line))
    return changes


def apply_changes(old: str, new: str, chosen: set[int]) -> str:
    """`old` with only the chosen changes of line_diff(old, new) applied.

    Contract: choosing all gives `new` (up to trailing blank lines), choosing none gives
    `old`; a kept old line stays where it was, an added line goes where `new` has it.
    """
    a, b = _lines(old), _lines(new)
    out: list[str] = []
    n = 0
    for tag, i1, i2, j1, j2 in _opcodes(a, b):
        if tag == "equal":
            out += a[i1:i2]
            continue
        for line in a[i1:i2]:
            n += 1
            if n not in chosen:
                out.append(line)
        for line in b[j1:j2]:
            n += 1
            if n in chosen:
                out.append(line)
    return "\n".join(out)


def diff_text(changes: list[Change]) -> str:
    return "\n".join(f"[{c.number}] {c.op} {c.text}" for c in changes)


def parse_review(text: str, count: int) -> tuple[set[int] | None, str]:
    """(chosen change numbers, note). None means the answer was not in the required format."""
    found = _APPLY.findall(text)
    if len(found) != 1:
        what = "no `APPLY:` line" if not found else f"{len(found)} `APPLY:` lines"
        return None, f"review answer in the wrong format ({what}): nothing applied"
    value = found[0].strip()
    if value.lower() == "none":
        return set(), "the reviewer applied none of the changes"
    if not _NUMBERS.match(value):
        return None, f"review answer in the wrong format (`APPLY: {value[:80]}`): nothing applied"
    chosen = {int(x) for x in re.findall(r"\d+", value)}
    bad = sorted(i for i in chosen if not 1 <= i <= count)
    if bad:
        return None, f"review answer names changes that do not exist ({bad}; there are {count}): nothing applied"
    return chosen, ""


def review_messages(section: str, current: str, changes: list[Change]) -> list[Message]:
    ask = REVIEW_ASK.format(title=TITLES[section], current=current.strip() or "(empty)", diff=diff_text(changes))
    return [{"role": "system", "content": SYSTEM}, {"role": "user", "content": ask}]


async def review(asker: Asker, store: RunStore, section: str, current: str, proposed: str) -> Review:
    """Show the numbered diff, apply what the reviewer names (recorded under `review/<section>`)."""
    changes = line_diff(current, proposed)
    if not changes:
        return Review(changes, note="the proposal changes nothing", result=current)
    reply = await asker.ask(store, f"review/{section}", review_messages(section, current, changes))
    chosen, note = parse_review(reply.text, len(changes))
    if chosen is None:
        return Review(changes, reply.text, [], note, current)
    return Review(changes, reply.text, sorted(chosen), note, apply_changes(current, proposed, chosen))


def _lines(text: str) -> list[str]:
    """The non-blank lines of a section, right-stripped (blank lines carry no guideline)."""
    return [l.rstrip() for l in text.splitlines() if l.strip()]
