"""Plots as inline SVG strings, made by hand: no plotting library, no script, no fonts to fetch.

Every function returns one `<svg>` element sized by its viewBox (it scales to the page width),
with a `<title>` for screen readers and `<title>` tooltips on the marks. Colours are the
Okabe-Ito palette, which stays distinguishable for colour-blind readers. Empty input gives
a small placeholder SVG saying there is nothing to plot, so callers need no special case.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from html import escape

PALETTE = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#000000", "#F0E442")
OUTCOME_COLORS = {"faster": "#009E73", "correct": "#56B4E9", "wrong": "#D55E00", "infrastructure": "#999999"}
WIDTH = 1100
FONT = "font-family:system-ui,-apple-system,'Segoe UI',Roboto,sans-serif"
CHAR_W = 6.4  # average glyph width at 11px, to size label margins without measuring text


@dataclass(frozen=True)
class Interval:
    """A point estimate with an optional confidence interval."""

    value: float
    low: float | None = None
    high: float | None = None


@dataclass(frozen=True)
class Series:
    """One named, coloured set of values keyed by row/category label."""

    name: str
    color: str
    values: dict[str, Interval]


def _svg(w: float, h: float, title: str, body: list[str]) -> str:
    return (f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {w:.0f} {h:.0f}" width="{w:.0f}" '
            f'class="plot" role="img" aria-label="{escape(title)}" style="{FONT};font-size:11px">'
            f"<title>{escape(title)}</title>{''.join(body)}</svg>")


def _text(x: float, y: float, s: str, anchor: str = "start", extra: str = "") -> str:
    return f'<text x="{x:.1f}" y="{y:.1f}" text-anchor="{anchor}" {extra}>{escape(s)}</text>'


def empty(title: str, message: str) -> str:
    """A small placeholder plot that states why there is nothing to show."""
    return _svg(WIDTH, 40, title, [_text(10, 24, message, extra='fill="#666"')])


def _legend(series: Sequence[tuple[str, str]], x: float, y: float) -> list[str]:
    """A one-line legend of (name, colour) swatches starting at (x, y)."""
    out = []
    for name, color in series:
        out.append(f'<rect x="{x:.1f}" y="{y - 9:.1f}" width="10" height="10" fill="{color}"/>')
        out.append(_text(x + 14, y, name))
        x += 24 + CHAR_W * len(name)
    return out


# -- log-scale forest plot -------------------------------------------------------------

_MANTISSAS = ((1,), (1, 2, 5), (1, 2, 3, 5, 7), (1, 1.5, 2, 3, 4, 5, 6, 7, 8, 9))


def log_ticks(lo: float, hi: float, max_ticks: int = 9) -> list[float]:
    """Readable tick values within [lo, hi] for a log axis, at most `max_ticks`.

    Wide ranges get whole-decade sets (1-2-5 style, the densest that fits); a range under a
    factor of 3 gets evenly stepped ticks (steps of 1, 2, 2.5 or 5 times a power of ten),
    since within it a log axis looks nearly linear and decade sets leave it bare.
    """
    if hi / lo < 3:
        return _even_ticks(lo, hi, min(max_ticks, 7))
    best: list[float] = []
    for ms in _MANTISSAS:
        ticks = sorted({round(m * 10 ** k, 6) for k in range(math.floor(math.log10(lo)), math.ceil(math.log10(hi)) + 1)
                        for m in ms if lo <= m * 10 ** k <= hi})
        if len(ticks) > max_ticks:
            break
        best = ticks
    return best or [lo, hi]


def _even_ticks(lo: float, hi: float, max_ticks: int) -> list[float]:
    """Multiples of the smallest nice step that gives at most `max_ticks` values in [lo, hi]."""
    for k in range(math.floor(math.log10(hi - lo)) - 2, math.floor(math.log10(hi - lo)) + 2):
        for m in (1, 2, 2.5, 5):
            step = m * 10 ** k
            first, last = math.ceil(lo / step - 1e-9), math.floor(hi / step + 1e-9)
            if 2 <= last - first + 1 <= max_ticks:
                return [round(i * step, 6) for i in range(first, last + 1)]
    return [lo, hi]


def _domain(vals: list[float]) -> tuple[float, float]:
    """A log domain around the values and 1.0, padded by 10% of its span (at least x1.1)."""
    lo, hi = min([*vals, 1.0]), max([*vals, 1.0])
    lo, hi = math.log10(lo), math.log10(hi)
    pad = max((hi - lo) * 0.1, math.log10(1.1))
    return 10 ** (lo - pad), 10 ** (hi + pad)


def forest_plot(rows: list[str], series: list[Series], title: str, axis_label: str) -> str:
    """Per-row points with CI bars on a log x axis, with a reference line at 1.0.

    Rows are drawn top to bottom in the given order; a series without a value for a row
    leaves that row empty. Values must be > 0.
    """
    vals = [v for s in series for iv in s.values.values() for v in (iv.value, iv.low, iv.high) if v and v > 0]
    if not rows or not vals:
        return empty(title, "no timed results to plot (only correct Level 2 tasks on a native target are timed)")
    lo, hi = _domain(vals)
    left = min(300.0, 16 + CHAR_W * max(len(r) for r in rows))
    right, top, lane = 24.0, 34.0, 7.0 * max(len(series) - 1, 0)
    row_h = 18.0 + lane
    h = top + row_h * len(rows) + 46
    x_of = lambda v: left + (WIDTH - left - right) * (math.log10(v) - math.log10(lo)) / (math.log10(hi) - math.log10(lo))  # noqa: E731
    body = _legend([(s.name, s.color) for s in series], left, 14) if len(series) > 1 else []
    bottom = top + row_h * len(rows)
    body.append(f'<rect x="{x_of(1.0):.1f}" y="{top}" width="{WIDTH - right - x_of(1.0):.1f}" '
                f'height="{bottom - top:.1f}" fill="#009E73" fill-opacity="0.06"/>')
    for i, row in enumerate(rows):
        y = top + row_h * i
        if i % 2:
            body.append(f'<rect x="0" y="{y:.1f}" width="{WIDTH - right}" height="{row_h:.1f}" fill="#000" fill-opacity="0.035"/>')
        body.append(_text(left - 8, y + row_h / 2 + 4, row, "end"))
        for j, s in enumerate(series):
            if row in s.values:
                body.extend(_interval(s, row, s.values[row], x_of, y + row_h / 2 - lane / 2 + 7.0 * j))
    for t in log_ticks(lo, hi):
        x = x_of(t)
        body.append(f'<line x1="{x:.1f}" x2="{x:.1f}" y1="{top}" y2="{bottom}" stroke="#ccc" stroke-width="0.6"/>')
        body.append(_text(x, bottom + 14, f"{t:g}x", "middle"))
    x1 = x_of(1.0)
    body.append(f'<line x1="{x1:.1f}" x2="{x1:.1f}" y1="{top - 6}" y2="{bottom}" stroke="#333" stroke-dasharray="4 3"/>')
    body.append(_text(x1 + 4, top - 8, "clang -O3 (1.0x)", extra='fill="#333"'))
    body.append(_text(left, bottom + 32, "\u2190 slower than clang -O3", extra='fill="#666"'))
    body.append(_text(WIDTH - right, bottom + 32, "faster \u2192", "end", 'fill="#666"'))
    body.append(_text((left + WIDTH - right) / 2, bottom + 32, axis_label, "middle", 'font-weight="600"'))
    return _svg(WIDTH, h, title, body)


def _interval(s: Series, row: str, iv: Interval, xf: Callable[[float], float], y: float) -> list[str]:
    """One CI bar with caps and a dot; its tooltip gives the numbers."""
    out = []
    ci = ""
    if iv.low and iv.high and iv.low > 0 and iv.high > 0:
        a, b = xf(iv.low), xf(iv.high)
        out.append(f'<line x1="{a:.1f}" x2="{b:.1f}" y1="{y:.1f}" y2="{y:.1f}" stroke="{s.color}" stroke-width="1.6"/>')
        out += [f'<line x1="{x:.1f}" x2="{x:.1f}" y1="{y - 4:.1f}" y2="{y + 4:.1f}" stroke="{s.color}" stroke-width="1.6"/>'
                for x in (a, b)]
        ci = f" [99% CI {iv.low:.3f}-{iv.high:.3f}]"
    out.append(f'<circle cx="{xf(iv.value):.1f}" cy="{y:.1f}" r="4" fill="{s.color}">'
               f"<title>{escape(f'{row} ({s.name}): {iv.value:.3f}x{ci}')}</title></circle>")
    return out


# -- bars ------------------------------------------------------------------------------

def percent_bars(categories: list[str], series: list[tuple[str, str, list[tuple[int, int]]]], title: str) -> str:
    """Horizontal bars of k/n as a percentage, one group per category, one bar per series
    (name, colour, [(k, n) per category]); each bar is labelled "k/n"."""
    if not categories or not series:
        return empty(title, "nothing to plot")
    left = min(260.0, 16 + CHAR_W * max(len(c) for c in categories))
    right, top, bar = 70.0, 30.0, 12.0
    group = bar * len(series) + 8
    h = top + group * len(categories) + 30
    span = WIDTH - left - right
    body = _legend([(n, c) for n, c, _ in series], left, 14) if len(series) > 1 else []
    for pct in (0, 25, 50, 75, 100):
        x = left + span * pct / 100
        body.append(f'<line x1="{x:.1f}" x2="{x:.1f}" y1="{top}" y2="{h - 26}" stroke="#ddd" stroke-width="0.6"/>')
        body.append(_text(x, h - 12, f"{pct}%", "middle"))
    for i, cat in enumerate(categories):
        y0 = top + group * i
        body.append(_text(left - 8, y0 + group / 2 + 2, cat, "end"))
        for j, (name, color, vals) in enumerate(series):
            k, n = vals[i]
            if n == 0:
                continue
            y, w = y0 + bar * j, span * k / n
            tip = escape(f"{cat} ({name}): {k}/{n} = {100 * k / n:.1f}%")
            body.append(f'<rect x="{left:.1f}" y="{y:.1f}" width="{max(w, 0.5):.1f}" height="{bar - 2}" '
                        f'fill="{color}"><title>{tip}</title></rect>')
            body.append(_text(left + w + 4, y + bar - 3, f"{k}/{n}", extra='fill="#333" font-size="10"'))
    return _svg(WIDTH, h, title, body)


def stacked_columns(categories: list[str], stacks: list[tuple[str, str, list[int]]], title: str,
                    y_label: str) -> str:
    """Vertical columns, one per category, each stacked from (name, colour, counts) layers;
    the column total is printed above it."""
    totals = [sum(s[2][i] for s in stacks) for i in range(len(categories))]
    if not categories or not any(totals):
        return empty(title, "no attempts recorded")
    left, top, bottom = 60.0, 34.0, 44.0
    h = 280.0
    plot_h = h - top - bottom
    col_w = min(90.0, (WIDTH - left - 20) / len(categories))
    ymax = max(totals)
    body = _legend([(n, c) for n, c, _ in stacks], left, 14)
    for t in _lin_ticks(ymax):
        y = top + plot_h * (1 - t / ymax)
        body.append(f'<line x1="{left}" x2="{WIDTH - 10}" y1="{y:.1f}" y2="{y:.1f}" stroke="#ddd" stroke-width="0.6"/>')
        body.append(_text(left - 6, y + 4, f"{t:g}", "end"))
    body.append(_text(14, top + plot_h / 2, y_label, "middle", f'transform="rotate(-90 14 {top + plot_h / 2:.1f})"'))
    for i, cat in enumerate(categories):
        x = left + 10 + col_w * i
        y = top + plot_h
        for name, color, counts in stacks:
            if counts[i]:
                hh = plot_h * counts[i] / ymax
                y -= hh
                body.append(f'<rect x="{x:.1f}" y="{y:.1f}" width="{col_w - 14:.1f}" height="{hh:.1f}" fill="{color}">'
                            f"<title>{escape(f'{cat}: {counts[i]} {name}')}</title></rect>")
        body.append(_text(x + (col_w - 14) / 2, y - 4, str(totals[i]), "middle"))
        body.append(_text(x + (col_w - 14) / 2, top + plot_h + 16, cat, "middle"))
    return _svg(WIDTH, h, title, body)


def _lin_ticks(ymax: float, n: int = 5) -> list[float]:
    """About n round tick values from 0 to ymax (steps of 1, 2 or 5 times a power of ten)."""
    raw = ymax / n
    mag = 10 ** math.floor(math.log10(raw)) if raw > 0 else 1
    step = next(m * mag for m in (1, 2, 5, 10) if m * mag >= raw)
    step = max(step, 1) if ymax >= 1 else step
    return [i * step for i in range(int(ymax // step) + 1)]


# -- line chart ------------------------------------------------------------------------

def line_chart(series: list[tuple[str, str, list[tuple[float, float]]]], filled: set[float], title: str,
               x_label: str, y_label: str) -> str:
    """Lines through (x, y) points, one per (name, colour, points) series; markers at x values
    in `filled` are solid (e.g. accepted epochs), the others hollow."""
    pts = [p for _, _, ps in series for p in ps]
    if not pts:
        return empty(title, "no points to plot")
    left, right, top, bottom, h = 60.0, 20.0, 34.0, 44.0, 260.0
    xs, ys = sorted({p[0] for p in pts}), [p[1] for p in pts]
    x0, x1 = xs[0], xs[-1] if xs[-1] > xs[0] else xs[0] + 1
    y0, y1 = min(ys), max(ys)
    if 0 <= y0 and y1 <= 1:  # fractions (ACC and friends): show the whole 0-100% scale
        y0, y1 = 0.0, 1.0
    else:
        pad = (y1 - y0) * 0.1 or 0.05
        y0, y1 = y0 - pad, y1 + pad
    px = lambda x: left + (WIDTH - left - right) * (x - x0) / (x1 - x0)  # noqa: E731
    py = lambda y: top + (h - top - bottom) * (1 - (y - y0) / (y1 - y0))  # noqa: E731
    body = _legend([(n, c) for n, c, _ in series], left, 14)
    for k in range(5):
        y = y0 + (y1 - y0) * k / 4
        body.append(f'<line x1="{left}" x2="{WIDTH - right}" y1="{py(y):.1f}" y2="{py(y):.1f}" stroke="#ddd" stroke-width="0.6"/>')
        body.append(_text(left - 6, py(y) + 4, f"{y:.3g}", "end"))
    for x in xs:
        body.append(_text(px(x), h - bottom + 16, f"{x:g}", "middle"))
    for name, color, ps in series:
        ps = sorted(ps)
        path = " ".join(f"{'M' if i == 0 else 'L'}{px(x):.1f},{py(y):.1f}" for i, (x, y) in enumerate(ps))
        body.append(f'<path d="{path}" fill="none" stroke="{color}" stroke-width="1.8"/>')
        for x, y in ps:
            fill = color if x in filled else "#fff"
            body.append(f'<circle cx="{px(x):.1f}" cy="{py(y):.1f}" r="4.5" fill="{fill}" stroke="{color}" '
                        f'stroke-width="1.5"><title>{escape(f"{name}, {x_label} {x:g}: {y:.4g}")}</title></circle>')
    body.append(_text((left + WIDTH - right) / 2, h - 10, x_label, "middle", 'font-weight="600"'))
    body.append(_text(14, top + (h - top - bottom) / 2, y_label, "middle",
                      f'transform="rotate(-90 14 {top + (h - top - bottom) / 2:.1f})"'))
    return _svg(WIDTH, h, title, body)
