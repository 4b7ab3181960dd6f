"""Parsing harness output and comparing it with the reference, both ways.

Contract: `compare(expected, actual, ...)` never raises on candidate output; it returns a
CheckResult whose `feedback` names the first differing value and the inputs of that case.
"""

from __future__ import annotations

import math
import struct
from dataclasses import dataclass, field

Value = tuple[str, list]  # (kind, values); kind i/f/s


@dataclass
class Output:
    """Parsed harness output: `out` records to compare, `in` records for feedback, `fault`
    records (broken contracts the harness caught) and `problems` (protocol violations)."""

    outs: dict[tuple[int, str], Value] = field(default_factory=dict)
    ins: dict[int, dict[str, Value]] = field(default_factory=dict)
    end: int | None = None
    time_ns: int | None = None
    malformed: list[str] = field(default_factory=list)
    last_case: int | None = None
    faults: dict[int, list[str]] = field(default_factory=dict)

    def to_json(self) -> dict:
        return {"outs": [[c, n, k, v] for (c, n), (k, v) in self.outs.items()],
                "ins": {str(c): {n: [k, v] for n, (k, v) in d.items()} for c, d in self.ins.items()},
                "end": self.end, "time_ns": self.time_ns}

    @classmethod
    def from_json(cls, d: dict) -> "Output":
        o = cls(end=d.get("end"), time_ns=d.get("time_ns"))
        for c, n, k, v in d["outs"]:
            o.outs[(int(c), n)] = (k, v)
        for c, rec in d["ins"].items():
            o.ins[int(c)] = {n: (k, v) for n, (k, v) in rec.items()}
        return o


def _parse_values(kind: str, toks: list[str]) -> list:
    if kind == "i":
        return [int(t) for t in toks]
    if kind == "f":
        return [_parse_float(t) for t in toks]
    if kind == "s":
        return [bytes.fromhex(t).decode("latin-1") if t != "-" else "" for t in toks]
    raise ValueError(kind)


def _parse_float(t: str) -> float:
    low = t.lower()
    if "nan" in low:
        return math.nan
    if "inf" in low:
        return -math.inf if low.startswith("-") else math.inf
    return float.fromhex(t)


def parse_output(text: str) -> Output:
    """Parse the line protocol of nbh.h strictly. Anything off protocol (an unknown or broken
    line, a record repeated, a second `time` or `end`, anything after `end`) is collected in
    `malformed`, which makes the run a candidate failure: the candidate shares the harness's
    process and stdout, so a lenient parser would let it print or override records."""
    out = Output()
    for line in text.splitlines():
        toks = line.split()
        if not toks:
            continue
        if out.end is not None:
            out.malformed.append(f"after the end record: {line[:200]}")
            continue
        try:
            if toks[0] in ("in", "out") and len(toks) >= 4:
                case, name, kind = int(toks[1]), toks[2], toks[3]
                val = (kind, _parse_values(kind, toks[4:]))
                table = out.outs if toks[0] == "out" else out.ins.setdefault(case, {})
                k = (case, name) if toks[0] == "out" else name
                if k in table:  # type: ignore[operator]
                    out.malformed.append(f"repeated record: {line[:200]}")
                    continue
                table[k] = val  # type: ignore[index]
                out.last_case = case
            elif toks[0] == "fault" and len(toks) >= 3:
                out.faults.setdefault(int(toks[1]), []).append(line.split(None, 2)[2][:300])
            elif toks[0] == "time" and len(toks) == 2 and out.time_ns is None:
                out.time_ns = int(toks[1])
            elif toks[0] == "end" and len(toks) == 2:
                out.end = int(toks[1])
            else:
                out.malformed.append(line[:200])
        except (ValueError, UnicodeDecodeError, OverflowError):  # e.g. float.fromhex("0x1p+99999")
            out.malformed.append(line[:200])
    return out


def protocol_feedback(out: Output) -> str | None:
    """Feedback for output that broke the protocol, or None."""
    if not out.malformed:
        return None
    shown = "\n".join(f"    {m!r}" for m in out.malformed[:3])
    return (f"The program's output does not follow the harness protocol ({len(out.malformed)} bad lines), "
            f"e.g.:\n{shown}\nYour code must not write to standard output.")


def fault_feedback(out: Output, expected: Output) -> str | None:
    """Feedback for the first broken contract the harness caught, or None."""
    if not out.faults:
        return None
    case = min(out.faults)
    more = sum(len(v) for v in out.faults.values()) - 1
    return (f"Test case #{case}: {out.faults[case][0]}."
            + (f" ({more} more such reports.)" if more else "")
            + f"\nInputs of case #{case}: {describe_inputs(expected, case)}")


@dataclass
class CheckResult:
    ok: bool
    feedback: str
    cases_total: int
    cases_passed: int
    first_bad_case: int | None = None


def _fmt(kind: str, v: object) -> str:
    if kind == "f" and isinstance(v, float):
        return repr(v) if math.isnan(v) or math.isinf(v) else f"{v!r} ({v.hex()})"
    if kind == "s":
        return repr(v)
    return str(v)


def _fmt_list(kind: str, vals: list, limit: int = 16) -> str:
    if len(vals) == 1:
        return _fmt(kind, vals[0])
    shown = ", ".join(_fmt(kind, v) for v in vals[:limit])
    return f"[{shown}{', ...' if len(vals) > limit else ''}] ({len(vals)} values)"


def describe_inputs(expected: Output, case: int) -> str:
    rec = expected.ins.get(case, {})
    if not rec:
        return "(inputs not recorded)"
    return ", ".join(f"{n}={_fmt_list(k, v, 8)}" for n, (k, v) in rec.items())


def close(a: object, b: object, rel: float, abs_tol: float, ulps: int = 0) -> bool:
    """Float equality: bit-exact by default (the reference is deterministic IR semantics),
    so -0.0 differs from 0.0; all NaNs are one value (the IR leaves NaN payloads open).
    A task may opt in to `ulps` (units in the last place) or rel/abs tolerances."""
    if isinstance(a, float) or isinstance(b, float):
        fa, fb = float(a), float(b)  # type: ignore[arg-type]
        if math.isnan(fa) or math.isnan(fb):
            return math.isnan(fa) and math.isnan(fb)
        if fa == fb:
            return math.copysign(1.0, fa) == math.copysign(1.0, fb) or bool(rel or abs_tol or ulps)
        if math.isinf(fa) or math.isinf(fb):
            return False
        if ulps and abs(_ordered(fa) - _ordered(fb)) <= ulps:
            return True
        return bool(rel or abs_tol) and abs(fa - fb) <= max(abs_tol, rel * max(abs(fa), abs(fb)))
    return a == b


def _ordered(x: float) -> int:
    """The double's bits as an integer that orders like the value (adjacent doubles differ by 1)."""
    i = struct.unpack("<q", struct.pack("<d", x))[0]
    return i if i >= 0 else -(i & 0x7FFFFFFFFFFFFFFF)


def _value_diff(name: str, exp: Value, got: Value, rel: float, abs_tol: float, ulps: int = 0) -> str | None:
    ek, ev = exp
    gk, gv = got
    if ek != gk:
        return f"`{name}` has the wrong kind of value ({gk} instead of {ek})"
    if len(ev) != len(gv):
        return f"`{name}` has {len(gv)} values, expected {len(ev)}"
    for i, (a, b) in enumerate(zip(ev, gv)):
        if not close(a, b, rel, abs_tol, ulps):
            where = f"`{name}`" if len(ev) == 1 else f"`{name}[{i}]`" if ".sample" not in name else f"`{name}` (sample {i})"
            return f"{where} is {_fmt(gk, b)}, expected {_fmt(ek, a)}"
    return None


def subset(o: Output, cases: set[int]) -> Output:
    """Only the records of the given cases (e.g. the single upstream test of an imported task)."""
    return Output(outs={k: v for k, v in o.outs.items() if k[0] in cases},
                  ins={c: r for c, r in o.ins.items() if c in cases}, end=o.end)


def compare(expected: Output, actual: Output, rel: float = 0.0, abs_tol: float = 0.0, ulps: int = 0) -> CheckResult:
    """Compare outputs record by record, in both directions. An empty output never passes."""
    cases = sorted({c for c, _ in expected.outs})
    total = len(cases)
    if not actual.outs:
        return CheckResult(False, "The program printed no results at all.", total, 0, cases[0] if cases else None)
    bad: dict[int, str] = {}
    for (c, name), exp in expected.outs.items():
        got = actual.outs.get((c, name))
        if got is None:
            bad.setdefault(c, f"output `{name}` is missing")
            continue
        diff = _value_diff(name, exp, got, rel, abs_tol, ulps)
        if diff:
            bad.setdefault(c, diff)
    for (c, name) in actual.outs:
        if (c, name) not in expected.outs:
            bad.setdefault(c, f"unexpected extra output `{name}`")
    passed = total - len([c for c in cases if c in bad])
    if not bad and actual.end != expected.end:
        return CheckResult(False, "The output is incomplete or has extra records (the harness end marker "
                           "does not match).", total, passed)
    if not bad:
        return CheckResult(True, f"All {total} test cases match the reference.", total, total)
    first = min(bad)
    fb = (f"Wrong result on {len(bad)} of {total} test cases. First failing case #{first}: {bad[first]}.\n"
          f"Inputs of case #{first}: {describe_inputs(expected, first)}")
    return CheckResult(False, fb, total, passed, first)
