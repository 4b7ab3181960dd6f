"""Side-by-side HTML diffs of assembly (reference on the left, candidate on the right).

Own renderer over difflib.SequenceMatcher rather than difflib.HtmlDiff: HtmlDiff emits
navigation links to anchors it does not always define and fixed ids that collide when a
page holds many diffs; this one emits no links or ids, and folds long unchanged runs.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from html import escape

MAX_LINES = 6000  # beyond this a diff is more noise than help, and it bloats the page


@dataclass(frozen=True)
class DiffStats:
    """Line counts of a diff: lines only on the left, only on the right, and unchanged."""

    removed: int
    added: int
    same: int


def _row(cls: str, ln: int | None, left: str | None, rn: int | None, right: str | None) -> str:
    def cell(n: int | None, text: str | None, side: str) -> str:
        num = "" if n is None else str(n)
        body = "" if text is None else escape(text.expandtabs(8))
        return f'<td class="ln">{num}</td><td class="{side}">{body}</td>'

    return f'<tr class="{cls}">{cell(ln, left, "l")}{cell(rn, right, "r")}</tr>'


def stats(a: list[str], b: list[str]) -> DiffStats:
    sm = difflib.SequenceMatcher(None, a, b, autojunk=False)
    same = sum(i2 - i1 for tag, i1, i2, _, _ in sm.get_opcodes() if tag == "equal")
    return DiffStats(len(a) - same, len(b) - same, same)


def side_by_side(a: str, b: str, a_title: str, b_title: str, context: int = 3) -> str:
    """An HTML table diffing text `a` (left) against `b` (right), or a sentence when the texts
    are identical or too long. Unchanged runs longer than 2*context lines are folded."""
    al, bl = a.splitlines(), b.splitlines()
    if al == bl:
        return f'<p class="note">{escape(b_title)} is identical to {escape(a_title)} ({len(al)} lines).</p>'
    if len(al) + len(bl) > MAX_LINES:
        return f'<p class="note">diff omitted: {len(al)} + {len(bl)} lines is too long to show.</p>'
    sm = difflib.SequenceMatcher(None, al, bl, autojunk=False)
    rows = [f'<tr><th colspan="2">{escape(a_title)}</th><th colspan="2">{escape(b_title)}</th></tr>']
    last_a = 0
    for group in sm.get_grouped_opcodes(context):
        first_a = group[0][1]
        if first_a > last_a:
            rows.append(f'<tr class="fold"><td colspan="4">\u22ef {first_a - last_a} unchanged lines \u22ef</td></tr>')
        for tag, i1, i2, j1, j2 in group:
            rows.extend(_op_rows(tag, al, bl, i1, i2, j1, j2))
        last_a = group[-1][2]
    if last_a < len(al):
        rows.append(f'<tr class="fold"><td colspan="4">\u22ef {len(al) - last_a} unchanged lines \u22ef</td></tr>')
    st = stats(al, bl)
    head = (f'<p class="diffstat"><span class="del">\u2212{st.removed}</span> lines only in {escape(a_title)}, '
            f'<span class="add">+{st.added}</span> only in {escape(b_title)}, {st.same} shared</p>')
    return head + f'<div class="scroll"><table class="sbs">{"".join(rows)}</table></div>'


def _op_rows(tag: str, al: list[str], bl: list[str], i1: int, i2: int, j1: int, j2: int) -> list[str]:
    """Rows for one opcode; a replace pairs lines up and pads the shorter side."""
    if tag == "equal":
        return [_row("eq", i1 + k + 1, al[i1 + k], j1 + k + 1, bl[j1 + k]) for k in range(i2 - i1)]
    out = []
    for k in range(max(i2 - i1, j2 - j1)):
        li, rj = i1 + k, j1 + k
        left = (li + 1, al[li]) if li < i2 else (None, None)
        right = (rj + 1, bl[rj]) if rj < j2 else (None, None)
        cls = "chg" if left[1] is not None and right[1] is not None else ("del" if left[1] is not None else "add")
        out.append(_row(cls, left[0], left[1], right[0], right[1]))
    return out
