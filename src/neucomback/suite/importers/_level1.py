"""Level 1 (ExeBench functions) of the public NeuComBack dataset -> our task format.

For upstream task N (`exebench/kernelN.c`, `mainN.cpp`, `testN.in`, `testN.ref`) we write a
task folder with

* `ref.c`: `kernelN.c` unchanged (the IR is regenerated from it per target by our build);
* `harness.cpp`: upstream `mainN.cpp` with `main` renamed and its file I/O replaced (input
  JSON text from memory, output JSON printed as nbh.h records by `nb_json.hpp`), followed by
  the embedded inputs and `nb_case(k)` / `NB_L1_MAIN`. Case 0 is the upstream `testN.in`;
  cases 1.. are derived inputs of the same shape with perturbed values (seeded by the task
  id), kept only when the reference runs them cleanly: no AddressSanitizer or UBSan report in
  ref.c, no crash or timeout, and the same output from -O0 and -O3 builds running the exact
  case sequence of the final harness (see `Prober`). An upstream input that itself trips a
  sanitizer is kept (it defines the task) and flagged in `meta.upstream_input_flags`;
* `nb_json.hpp`, `nlohmann/` and `clib/synthesizer.h`: what the harness includes (the build
  passes `-I <task dir>`); hard links to one copy per suite when possible.
"""

from __future__ import annotations

import json
import random
import re
import shutil
import tempfile
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

from ...harness.build import REFERENCE_FLAGS, RUNTIME_DIR, compile_command, executable_command
from ...harness.check import Output, compare, parse_output
from ...targets import get_target
from ._common import TaskFailed, compile_or_fail, link_or_copy, run, to_toml
from ._fit import TAIL
from ..harnessgen import int_literals
from ._jsonrec import GLUE_HPP, finite, records

DERIVED_CASES = 127           # derived inputs per task (so 128 cases with the upstream one)
PROBE_INPUTS = 128            # further clean inputs kept in the harness for `suite strength` only
MIN_DERIVED = 20              # fewer valid derived inputs than this: imported, marked weak_tests
CANDIDATES = 384              # derived inputs tried per batch
CASE_ALARM_S = 3              # per-case limit inside probe runs (sanitized builds are slow)
SLOW_CASE_NS = 100_000_000    # a derived case slower than this at -O0 natively is dropped
REAL_HARNESS_ROUNDS = 4       # real-harness checks of one task (see import_task)
REPEAT_RUNS = 8               # more -O0 runs of the final case list, which must print the same
INPUT_SEED = "neucomback-import-v2"
PCH_HEADERS = ("vector", "nlohmann/json.hpp", "fstream", "iomanip", "time.h", "math.h", "iostream")

SAN_ENV = {  # UBSan recovers (its reports are attributed to cases); ASan stops at the first error
    "ASAN_OPTIONS": "detect_leaks=0:symbolize=0:print_summary=0:detect_stack_use_after_return=0:exitcode=86",
    "UBSAN_OPTIONS": "halt_on_error=0:print_stacktrace=0:symbolize=0",
}
# UB that the upstream input itself may exhibit and that derived inputs may then repeat at the
# same place (source location, or instruction for ASan): the hardware result is well defined,
# and -O0/-O3 must still agree. An access past a heap buffer reads or writes memory the harness
# allocated, which is laid out the same way for the reference and for a candidate (same harness,
# same allocations); accesses past stack arrays or globals (ASan stack/global-buffer-overflow,
# UBSan index out of bounds) depend on the kernel's own frame or data layout and never pass.
ACCEPTABLE_UB = ("ubsan shift exponent", "ubsan left shift", "ubsan signed integer overflow",
                 "ubsan negation", "ubsan load of misaligned address", "ubsan store to misaligned address",
                 "ubsan member access within misaligned address", "asan heap-buffer-overflow")


# ---- upstream harness -> ours ---------------------------------------------------------

_EXTERN_C = re.compile(r'extern\s+"C"\s*\{(.*?)\}', re.S)
_DECL_NAME = re.compile(r"([A-Za-z_]\w*)\s*\([^()]*\)\s*;\s*$", re.S)


def kernel_signature(main_src: str) -> tuple[str, str]:
    """(function name, C declaration) from the `extern "C" { ... }` block of mainN.cpp."""
    blocks = _EXTERN_C.findall(main_src)
    if len(blocks) != 1:
        raise TaskFailed(f'expected one extern "C" block in the upstream harness, found {len(blocks)}')
    decl = " ".join(blocks[0].split())
    m = _DECL_NAME.search(decl)
    if not m:
        raise TaskFailed(f"cannot find the kernel's name in {decl[:200]!r}")
    return m.group(1), decl.rstrip(";").strip()


def _sub_once(pattern: str, repl: str, text: str, what: str, flags: int = 0, count_all: bool = False) -> str:
    new, n = re.subn(pattern, repl, text, flags=flags)
    if n == 0 or (n != 1 and not count_all):
        raise TaskFailed(f"upstream harness: expected {what} once, found it {n} times")
    return new


def adapt_upstream_main(src: str) -> str:
    """Upstream mainN.cpp with main renamed, I/O from memory and our glue after its includes."""
    s = _sub_once(r"^[ \t]*std::ifstream\s+ifs\s*\(\s*inpname\s*\)\s*;[ \t]*$", "  (void)inpname;", src,
                  "`std::ifstream ifs(inpname);`", re.M)
    s = _sub_once(r"json::parse\s*\(\s*ifs\s*\)", "json::parse(nb_cur_input)", s, "`json::parse(ifs)`")
    s = _sub_once(r"std::ofstream\s+out_str\s*\(\s*output_file\s*\)\s*;\s*"
                  r"out_str\s*<<\s*std::setw\s*\(\s*\d+\s*\)\s*<<\s*output_json\s*<<\s*std::endl\s*;",
                  "nb_json_emit_output(output_json);", s, "the output file write")
    s = _sub_once(r"\bstd::cout\b", "nb_null_out", s, "std::cout", count_all=True)
    s = _sub_once(r"\bint\s+main\s*\(", "int nb_upstream_main(", s, "`int main(`")
    # main may fall off its end (implicitly returning 0); any other function may not
    close = _matching_brace(s, s.index("{", s.index("int nb_upstream_main(")))
    s = s[:close] + "  return 0; /* neucomback: main's implicit return */\n" + s[close:]
    includes = list(re.finditer(r"^[ \t]*#\s*include\b.*$", s, flags=re.M))
    if not includes:
        raise TaskFailed("upstream harness has no #include lines")
    at = includes[-1].end()
    return s[:at] + '\n#include "nb_json.hpp" /* neucomback: our glue */' + s[at:]


def _matching_brace(s: str, open_at: int) -> int:
    """Index of the `}` closing the `{` at open_at (skips comments, strings, char literals)."""
    depth, i, n = 0, open_at, len(s)
    while i < n:
        c = s[i]
        if s.startswith("//", i):
            i = s.find("\n", i)
            i = n if i < 0 else i
            continue
        if s.startswith("/*", i):
            j = s.find("*/", i + 2)
            i = n if j < 0 else j + 2
            continue
        if c in "\"'":
            j = i + 1
            while j < n and s[j] != c:
                j += 2 if s[j] == "\\" else 1
            i = j + 1
            continue
        if c == "{":
            depth += 1
        elif c == "}":
            depth -= 1
            if depth == 0:
                return i
        i += 1
    raise TaskFailed("upstream harness: unbalanced braces in main()")


def _cxx_string(text: str) -> str:
    """A C++ literal for `text`: a raw string when possible."""
    for delim in ("nbjson", "nbjs0n", "nb_json_input"):
        if f"){delim}\"" not in text:
            return f'R"{delim}({text}){delim}"'
    return json.dumps(text)  # JSON escapes are valid C++ escapes for ASCII text


def harness_source(upstream_id: str, adapted_main: str, inputs: list[str], *, probe: bool = False) -> str:
    """harness.cpp: the adapted upstream harness, the embedded inputs and our entry point."""
    lits = ",\n    ".join(_cxx_string(t) for t in inputs)
    head = (f"/* harness.cpp for NeuComBack Level1 task {upstream_id}, generated by the neucomback importer.\n"
            " * Below: the upstream mainN.cpp (main renamed to nb_upstream_main, JSON input read from memory,\n"
            " * output JSON printed as records by nb_json.hpp, console output silenced). After it: the inputs\n"
            " * (case 0 = upstream testN.in, then derived inputs) and the NB_L1_MAIN entry point.\n"
            " * The harness is not timed: it is compiled without optimisation (nlohmann/json builds faster). */\n"
            "#pragma clang optimize off\n")
    tail = f"""
/* ---- neucomback: inputs and entry point -------------------------------------------- */
static const char *const nb_inputs[] = {{
    {lits}
}};
static const int nb_ninputs = (int)(sizeof nb_inputs / sizeof nb_inputs[0]);

static void nb_case(int k) {{
    nb_cur_input = nb_inputs[k % nb_ninputs];
    nb_json_walk("in", nlohmann::json::parse(nb_cur_input), "");
    char a0[] = "harness", a1[] = "input.json", a2[] = "output.json";
    char *argv[] = {{a0, a1, a2, nullptr}};
    nb_upstream_main(3, argv);
    fflush(stdout);
}}
"""
    if not probe:
        return head + adapted_main + tail + "\nNB_L1_MAIN\n"
    return head + adapted_main + tail + r"""
/* import-time probe: `exe ALARM_S CASE...` runs the listed cases in order, one process.
 * alarm() is declared by hand: <signal.h>/<unistd.h> clash with names some upstream harnesses define. */
extern "C" unsigned int alarm(unsigned int) noexcept;
int main(int argc, char **argv) {
    unsigned limit = (unsigned)atoi(argv[1]);
    for (int i = 2; i < argc; i++) {
        int k = atoi(argv[i]);
        fprintf(stderr, "nb-start %d\n", k);
        nb_k = nb_rec = k;
        alarm(limit);
        int64_t t0 = nb_now_ns();
        nb_case(k);
        int64_t t1 = nb_now_ns();
        alarm(0);
        fflush(stdout);
        fprintf(stderr, "nb-done %d %lld\n", k, (long long)(t1 - t0));
    }
    printf("end %d\n", argc - 2);
    return 0;
}
"""


# ---- derived inputs -------------------------------------------------------------------

_EDGE_INTS = (0, 1, 2, 7, 8, 15, 16, 31, 32, 63, 64, 100, 127, 128, 255, 256, 1000, 1023, 4096, 65535)
_LETTERS = "abcdefghijklmnopqrstuvwxyz"


def _leaves(v: Any, out: list[tuple[str, Any]], path: str = "") -> None:
    if isinstance(v, dict):
        for k, x in v.items():
            _leaves(x, out, f"{path}.{k}")
    elif isinstance(v, list):
        for i, x in enumerate(v):
            _leaves(x, out, f"{path}[{i}]")
    else:
        out.append((path, v))


def _new_int(rng: random.Random, v: int, hi: int, wild: bool) -> int:
    r = rng.random()
    if r < 0.35:
        return rng.randint(0, max(127, hi))
    if r < 0.55:
        return rng.randint(0, 8)
    if r < 0.75:
        return max(0, v + rng.choice((-3, -2, -1, 1, 2, 3)))
    if r < 0.90 or not wild:
        return rng.choice(_EDGE_INTS[:13])
    return rng.choice((*_EDGE_INTS, -1, -2, 2**31 - 1, 2**15 - 1, 2**16 + 1))


def _new_float(rng: random.Random, v: float, hi: float) -> float:
    r = rng.random()
    if r < 0.4:
        return rng.uniform(0.0, max(hi, 1.0))
    if r < 0.6:
        return v * (1.0 + rng.uniform(-0.5, 0.5))
    if r < 0.7:
        return float(rng.randint(0, 8))
    if r < 0.8:
        return -v if v else -1.0
    if r < 0.9:
        return rng.choice((0.0, 0.5, 1.0, 2.0, 1e-3, 1e3))
    return rng.uniform(-max(hi, 1.0), max(hi, 1.0))


def _new_str(rng: random.Random, s: str) -> str:
    r = rng.random()
    if r < 0.6:
        pool = _LETTERS
    elif r < 0.8:
        pool = _LETTERS + "0123456789"
    else:
        pool = _LETTERS + _LETTERS.upper() + "0123456789 -+.,/_"
    return "".join(rng.choice(pool) for _ in s)


# Where signed and unsigned code part ways, and the limits of narrower widths: a signedness
# slip (jl for jb, sar for shr, movs for movz) shows only there.
_BOUNDARY_INTS = (-1, -2, -128, 127, 128, 255, 256, -32768, 32767, 32768, 65535, 65536,
                  -2**31, 2**31 - 1, 2**31, 2**32 - 1)


def _boundary_int(rng: random.Random, consts: tuple[int, ...]) -> int:
    if consts and rng.random() < 0.5:
        return rng.choice(consts) + rng.choice((-1, 0, 1))
    return rng.choice(_BOUNDARY_INTS)


def derive_input(original: Any, rng: random.Random, mode: int, consts: tuple[int, ...] = ()) -> Any:
    """Same shape, same array lengths and string lengths, perturbed values.

    mode 0: one to three leaves changed slightly; 1: a quarter of the leaves redrawn;
    2: three quarters; 3: every leaf redrawn (rarely also negative or large integers);
    4: one or two integer leaves set to a signed/unsigned boundary or to one of `consts`
    (the kernel's own constants) +-1.
    """
    leaves: list[tuple[str, Any]] = []
    _leaves(original, leaves)
    ints = [v for _, v in leaves if isinstance(v, int) and not isinstance(v, bool)]
    floats = [v for _, v in leaves if isinstance(v, float)]
    hi_i = max(ints, default=127)
    hi_f = max((abs(f) for f in floats), default=100.0)
    int_at = [i for i, (_, v) in enumerate(leaves) if isinstance(v, int) and not isinstance(v, bool)]
    if mode == 4 and not int_at:
        mode = 0
    if mode == 4:
        chosen = set(rng.sample(int_at, min(len(int_at), rng.randint(1, 2))))
        p = 0.0
    elif mode == 0:
        chosen = set(rng.sample(range(len(leaves)), min(len(leaves), rng.randint(1, 3)))) if leaves else set()
        p = 0.0
    else:
        chosen = set()
        p = (0.25, 0.75, 1.0)[min(mode, 3) - 1]

    counter = iter(range(len(leaves)))

    def new(v: Any) -> Any:
        i = next(counter)
        if not (i in chosen or rng.random() < p):
            return v
        if isinstance(v, bool):
            return not v
        if isinstance(v, int):
            if mode == 4:
                return _boundary_int(rng, consts)
            if mode == 0:
                return max(0, v + rng.choice((-2, -1, 1, 2)))
            return _new_int(rng, v, hi_i, wild=mode == 3)
        if isinstance(v, float):
            if mode == 0:
                return v * (1.0 + rng.uniform(-0.1, 0.1))
            return _new_float(rng, v, hi_f)
        if isinstance(v, str):
            return _new_str(rng, v)
        return v

    def rebuild(v: Any) -> Any:
        if isinstance(v, dict):
            return {k: rebuild(x) for k, x in v.items()}
        if isinstance(v, list):
            return [rebuild(x) for x in v]
        return new(v)

    return rebuild(original)


def derived_inputs(upstream_id: str, original: Any, n: int, start: int = 0, mode: int | None = None,
                   consts: tuple[int, ...] = ()) -> list[str]:
    """`n` derived input texts, seeded by the upstream id and the candidate index (stable);
    modes cycle through 0-4 unless `mode` is given."""
    out = []
    for j in range(start, start + n):
        rng = random.Random(f"{INPUT_SEED}:{upstream_id}:{j}")
        v = derive_input(original, rng, j % 5 if mode is None else mode, consts)
        out.append(json.dumps(v, separators=(",", ":")))
    return out


# ---- probing derived inputs against the reference -------------------------------------

@dataclass
class Run:
    """One probe run over a list of cases."""

    outs: Output
    done: dict[int, int]          # case -> ns
    failed_case: int | None       # the case that crashed, timed out or printed garbage
    reason: str
    reports: dict[int, list[tuple[str, str]]] = field(default_factory=dict)  # case -> (kind, site)


_UBSAN = re.compile(r"^(\S+?):(\d+):(\d+): runtime error: (.*)$")
_ASAN = re.compile(r"ERROR: AddressSanitizer: ([\w-]+)")
_ASAN_ACCESS = re.compile(r"^(READ|WRITE) of size \d+ at ")
_ASAN_FRAME0 = re.compile(r"^\s*#0 0x[0-9a-f]+\s.*?\+(0x[0-9a-f]+)\)")


def _probe_run(exe: Path, cases: list[int], env: dict[str, str] | None) -> Run:
    code, out, err, _ = run([str(exe), str(CASE_ALARM_S), *map(str, cases)],
                            timeout=CASE_ALARM_S * len(cases) + 30, env=env)
    done: dict[int, int] = {}
    started: list[int] = []
    reports: dict[int, list[tuple[str, str]]] = {}
    current: int | None = None
    for line in err.splitlines():
        t = line.split()
        if len(t) >= 2 and t[0] == "nb-start":
            current = int(t[1])
            started.append(current)
        elif len(t) == 3 and t[0] == "nb-done":
            done[int(t[1])] = int(t[2])
        elif current is not None:
            m = _UBSAN.match(line.strip())
            if m:
                site = f"{Path(m.group(1)).name}:{m.group(2)}:{m.group(3)}"
                reports.setdefault(current, []).append((reason_key("ubsan " + m.group(4)), site))
                continue
            m = _ASAN.search(line)
            if m:
                reports.setdefault(current, []).append(("asan " + m.group(1), ""))
                continue
            m = _ASAN_FRAME0.search(line)
            if m and reports.get(current) and reports[current][-1][0].startswith("asan") \
                    and not reports[current][-1][1]:
                kind, _ = reports[current][-1]
                reports[current][-1] = (kind, f"pc +{m.group(1)}")  # the faulting instruction
                continue
            m = _ASAN_ACCESS.search(line)
            if m and reports.get(current) and reports[current][-1][0].startswith("asan") \
                    and not reports[current][-1][1]:
                kind, _ = reports[current][-1]
                reports[current][-1] = (f"{kind} {m.group(1).lower()}", "")
    outs = parse_output(out)
    if code in (0, 86) and len(done) == len(cases) and not outs.malformed:
        return Run(outs, done, None, "", reports)
    failed = next((c for c in started if c not in done), None)
    if failed is None:
        failed = next((c for c in cases if c not in done), cases[-1] if cases else None)
    if failed in reports:
        reason = reports[failed][0][0]
    elif code is None or code == -14:
        reason = "timeout"
    elif code is not None and code < 0:
        reason = f"signal {-code}"
    elif outs.malformed:
        reason = "malformed output"
        bad = outs.malformed[0].split()
        if len(bad) > 1 and bad[1].isdigit():
            failed = int(bad[1])
    else:
        reason = f"exit {code}"
    return Run(outs, done, failed, reason, reports)


def reason_key(reason: str) -> str:
    """A short category for a probe failure: "ubsan shift exponent", "asan heap-buffer-overflow"."""
    words = reason.split(":")[0].split()
    if "ubsan" in words:
        # UBSan messages carry values ("left shift of 7 by 31 places"): keep the words before them
        i = words.index("ubsan")
        kept = words[:i + 1]
        for w in words[i + 1:]:
            if any(ch.isdigit() for ch in w) or w.startswith("'"):
                break
            kept.append(w)
        while kept and kept[-1] in ("of", "by", "is", "to", "for", "type"):
            kept.pop()
        words = kept
    return " ".join(words)[:48]


def _case_outs(o: Output, case: int) -> Output:
    return Output(outs={k: v for k, v in o.outs.items() if k[0] == case}, end=0)


@dataclass
class ProbeResult:
    cases: list[int]                   # candidate indices kept, in order (0 first)
    dropped: dict[str, int] = field(default_factory=dict)
    upstream_flags: list[str] = field(default_factory=list)
    reference: Output | None = None    # the -O0 output of the kept cases


class _UpstreamFails(Exception):
    """The upstream input (case 0) fails in a plain reference build: the task is unusable."""


class Prober:
    """Filters candidate inputs of one task with its probe executables.

    * "san": ref.c with AddressSanitizer and UBSan, UBSan in recover mode (the harness is not
      instrumented: its reads past a buffer read the same bytes for the reference and for a
      candidate). It runs the derived cases only; each report is attributed to the case that
      was running. A derived case with a report is dropped, unless it repeats UB that the
      upstream input itself shows at the same source location and that hardware defines
      (ACCEPTABLE_UB: shifts, signed overflow, misalignment); memory errors always drop it.
    * "O0" and "O3": plain builds of ref.c; they run the exact case sequence of the final
      harness and must agree on every case (output that depends on undefined behaviour
      usually differs between them), without crash or timeout.
    """

    def __init__(self, make_exe: Callable[[str], Path], sanitizers: bool) -> None:
        self.make_exe = make_exe
        self.exes: dict[str, Path] = {}
        self.sanitizers = sanitizers
        self.upstream_checked = False
        self.accepted: set[tuple[str, str]] = set()

    def exe(self, name: str) -> Path:
        if name not in self.exes:
            self.exes[name] = self.make_exe(name)
        return self.exes[name]

    def check_upstream(self, result: ProbeResult) -> None:
        """Flag (not drop) an upstream input that the sanitizers report on; remember which of
        its reports derived inputs may repeat (ACCEPTABLE_UB at the same source location)."""
        if self.sanitizers and not self.upstream_checked:
            r = _probe_run(self.exe("san"), [0], SAN_ENV)
            for kind, site in r.reports.get(0, []):
                result.upstream_flags.append(f"upstream input: {kind}" + (f" at {site}" if site else ""))
                if kind.startswith(ACCEPTABLE_UB):
                    self.accepted.add((kind, site))
            if r.failed_case == 0 and not r.reports.get(0):
                result.upstream_flags.append(f"upstream input fails in the sanitized build: {r.reason}")
        self.upstream_checked = True

    def _san_clean(self, cases: list[int], result: ProbeResult, *, exact: bool) -> list[int]:
        """The derived cases without sanitizer reports (other than accepted ones), crashes or
        timeouts. Runs continue after a report; cases after the first bad one are re-run in
        a new process (UBSan reports each source location once per process). With `exact`,
        only the first bad case is dropped and the whole list is re-run."""
        clean: list[int] = []
        todo = [c for c in cases if c]
        while todo:
            r = _probe_run(self.exe("san"), todo, SAN_ENV)
            first_bad, why, resume = None, "", len(todo)
            for i, c in enumerate(todo):
                bad = [k for k in r.reports.get(c, []) if k not in self.accepted]
                if bad:
                    first_bad, why = c, bad[0][0]
                    break
                if c == r.failed_case:
                    if r.reports.get(c):  # stopped at an accepted ASan report: clean, go on after it
                        resume = i + 1
                    else:
                        first_bad, why = c, r.reason
                    break
                if c not in r.done:  # did not finish, yet no failure was seen: count it as one
                    first_bad, why = c, r.reason or "incomplete run"
                    break
            if first_bad is None:
                clean += todo[:resume]
                todo = todo[resume:]
                continue
            self._count(why, result)
            i = todo.index(first_bad)
            if exact:
                todo = clean + todo[:i] + todo[i + 1:]
                clean = []
            else:
                clean += todo[:i]
                todo = todo[i + 1:]
        return clean

    def _screen_one(self, exe: Path, cases: list[int], result: ProbeResult,
                    tag: str = "") -> tuple[list[int], Output, dict[int, int]]:
        """Run `cases`; on a failure drop that case and go on with the rest in a new process.
        Returns the cases that ran cleanly, their output and times."""
        ok: list[int] = []
        outs = Output()
        times: dict[int, int] = {}
        remaining = list(cases)
        while remaining:
            r = _probe_run(exe, remaining, SAN_ENV)
            stop = remaining.index(r.failed_case) if r.failed_case in remaining else len(remaining)
            for c in remaining[:stop]:
                ok.append(c)
                times[c] = r.done.get(c, 0)
            outs.outs.update({k: v for k, v in r.outs.outs.items() if k[0] in remaining[:stop]})
            if r.failed_case is None or stop == len(remaining):
                break
            if r.failed_case == 0:
                raise _UpstreamFails(tag + r.reason)
            self._count(tag + r.reason, result)
            remaining = remaining[stop + 1:]
        return ok, outs, times

    def _agree(self, cases: list[int], out0: Output, t0: dict[int, int], out3: Output,
               result: ProbeResult) -> tuple[int, str] | None:
        """The first derived case that is too slow or differs between -O0 and -O3."""
        for c in cases:
            if c and t0.get(c, 0) > SLOW_CASE_NS:
                return c, "slow"
            if not compare(_case_outs(out0, c), _case_outs(out3, c), 1e-9, 1e-12).ok:
                if c == 0:
                    if "upstream input: -O0 and -O3 outputs differ" not in result.upstream_flags:
                        result.upstream_flags.append("upstream input: -O0 and -O3 outputs differ")
                    continue
                return c, "-O0/-O3 differ"
        return None

    def _repeatable(self, cases: list[int], first: Run, result: ProbeResult) -> tuple[int, str] | None:
        """The first derived case whose output differs in one of REPEAT_RUNS more runs of the
        -O0 build. Each process has its own address-space layout and its own random tcache
        key (glibc writes it into every freed chunk), so a case that reads memory it does not
        own (as some upstream inputs do) can print different values in every run: the
        reference would disagree with itself. A case that flips with probability 1/2 (the
        sign of a random word) survives REPEAT_RUNS runs with probability 2^-REPEAT_RUNS."""
        for _ in range(REPEAT_RUNS):
            again = _probe_run(self.exe("O0"), cases, SAN_ENV)
            if again.failed_case is not None:
                if again.failed_case == 0:
                    raise TaskFailed(f"the reference fails on the upstream input in a repeated run: {again.reason}")
                return again.failed_case, "not reproducible"
            for c in cases:
                if not compare(_case_outs(first.outs, c), _case_outs(again.outs, c), 0.0, 0.0).ok:
                    if c == 0:
                        flag = "upstream input: output not reproducible between runs"
                        if flag not in result.upstream_flags:
                            result.upstream_flags.append(flag)
                        continue
                    return c, "not reproducible"
        return None

    def screen(self, cases: list[int], result: ProbeResult) -> list[int]:
        """A first, cheap pass over many candidates: each failure only restarts the run
        after the failing case (state is not exact here; `stabilize` re-checks the final list)."""
        self.check_upstream(result)
        try:
            todo = [c for c in cases if c]
            if self.sanitizers:
                todo = self._san_clean(todo, result, exact=False)
            ok0, out0, t0 = self._screen_one(self.exe("O0"), [0, *todo], result)
            ok3, out3, _ = self._screen_one(self.exe("O3"), ok0, result, "-O3 ")
        except _UpstreamFails as e:
            raise TaskFailed(f"the reference fails on the upstream input: {e}") from None
        kept = []
        for c in ok3:
            bad = self._agree([c], out0, t0, out3, result)
            if bad:
                self._count(bad[1], result)
            else:
                kept.append(c)
        return kept

    def stabilize(self, cases: list[int], result: ProbeResult) -> list[int]:
        """Drop cases until a sanitized run of the derived cases, and an -O0 and an -O3 run
        of exactly this list succeed and agree (state can carry over between cases, so every
        drop re-runs the whole list). Case 0, the upstream input, is never dropped."""
        todo = list(cases)
        for _ in range(4 * len(todo) + 8):
            if self.sanitizers:
                clean = self._san_clean(todo, result, exact=True)
                todo = [0, *clean]
            failed = None
            outs: list[Run] = []
            for tag, exe in (("", self.exe("O0")), ("-O3 ", self.exe("O3"))):
                r = _probe_run(exe, todo, SAN_ENV)
                if r.failed_case == 0:
                    raise TaskFailed(f"the reference fails on the upstream input: {tag}{r.reason}")
                if r.failed_case is not None:
                    failed = (r.failed_case, tag + r.reason)
                    break
                outs.append(r)
            if failed is None:
                r0, r3 = outs
                failed = self._agree(todo, r0.outs, r0.done, r3.outs, result) or self._repeatable(todo, r0, result)
                if failed is None:
                    result.reference = r0.outs
                    return todo
            self._drop(todo, failed[0], failed[1], result)
        raise TaskFailed("probing did not converge")

    @classmethod
    def _drop(cls, cases: list[int], c: int, reason: str, result: ProbeResult) -> None:
        if c not in cases or c == 0:
            raise TaskFailed(f"probe failure on case {c} that cannot be dropped: {reason}")
        cases.remove(c)
        cls._count(reason, result)

    @staticmethod
    def _count(reason: str, result: ProbeResult) -> None:
        key = reason_key(reason)
        result.dropped[key] = result.dropped.get(key, 0) + 1


# ---- building the probe executables ---------------------------------------------------

class ProbeToolchain:
    """Compiler commands for probe builds (x86_64, the host), with a shared precompiled
    header for nlohmann/json (built once per import; skipped if it does not work).

    Without the sanitizer runtimes (Debian: libclang-rt-19-dev) probes still check for
    crashes, timeouts and -O0/-O3 agreement, but not for AddressSanitizer/UBSan reports."""

    def __init__(self, shared_include: Path, work: Path) -> None:
        self.target = get_target("x86_64")
        self.shared_include = shared_include
        self.work = work
        self._pch: Path | None = None
        self._pch_tried = False
        self._lock = threading.Lock()
        self.sanitizers = self._sanitizers_work()

    FLAGS = ("-w", "-g0")  # probes: no warnings about upstream code, no debug info (faster builds)

    def _sanitizers_work(self) -> bool:
        src = self.work / "nb_san_check.cpp"
        src.write_text("#include <vector>\nint main() { std::vector<int> v(3); return v[1]; }\n")
        code, _, _, _ = run(compile_command(self.target, src, self.work / "nb_san_check", opt="-O0", cpp=True,
                                            flags=(*self.FLAGS, "-fsanitize=address,undefined"), compile_only=False))
        return code == 0

    def pch(self) -> Path | None:
        with self._lock:
            if not self._pch_tried:
                self._pch_tried = True
                hdr = self.work / "nb_pch.hpp"
                hdr.write_text("".join(f"#include <{h}>\n" for h in PCH_HEADERS) + '#include "nb_json.hpp"\n')
                out = self.work / "nb_pch.hpp.pch"
                code, _, _, _ = run(compile_command(self.target, hdr, out, opt="-O0", cpp=True,
                                                    flags=(*self.FLAGS, "-x", "c++-header"),
                                                    includes=(self.shared_include, RUNTIME_DIR), compile_only=False))
                self._pch = out if code == 0 else None
            return self._pch

    def harness_obj(self, task_dir: Path, harness: Path, work: Path) -> Path:
        hobj = work / "harness.o"
        if hobj.exists():
            return hobj
        base = compile_command(self.target, harness, hobj, opt="-O0", cpp=True, flags=self.FLAGS,
                               includes=(RUNTIME_DIR, task_dir))
        pch = self.pch()
        if pch is None or run(base[:1] + ["-include-pch", str(pch)] + base[1:])[0] != 0:
            compile_or_fail(base, "harness build (probe)")
        return hobj

    def exe(self, task_dir: Path, harness: Path, work: Path, name: str) -> Path:
        """One probe executable: "san" (ref.c with ASan and UBSan), "O0" or "O3"."""
        fl = {"O0": ["-O0"], "O3": ["-O3"],
              "san": ["-O0", "-fsanitize=address,undefined", "-fno-sanitize-recover=address",
                      "-fsanitize-recover=undefined"]}[name]
        hobj = self.harness_obj(task_dir, harness, work)
        obj = work / f"ref_{name}.o"
        compile_or_fail(compile_command(self.target, task_dir / "ref.c", obj, opt=fl[0],
                                        flags=(*self.FLAGS, *fl[1:], *REFERENCE_FLAGS), includes=(RUNTIME_DIR,)),
                        f"reference build ({name})")
        exe = work / f"probe_{name}"
        san = ("-fsanitize=address,undefined",) if name == "san" else ()
        compile_or_fail(executable_command(self.target, [str(hobj), str(obj)], exe, cpp=True, flags=(*self.FLAGS, *san)),
                        f"probe link ({name})")
        return exe


# ---- one task -------------------------------------------------------------------------

@dataclass
class L1Upstream:
    """Where the upstream files of one Level 1 task are."""

    upstream_id: str
    exebench: Path

    def file(self, pattern: str) -> Path:
        return self.exebench / pattern.format(self.upstream_id)


def shared_includes(exebench: Path, dest: Path) -> str:
    """Put what harnesses include (nlohmann/, clib/*.h, nb_json.hpp) in `dest`; return
    where nlohmann/json came from."""
    inc = exebench / "include"
    src_json = inc / "nlohmann" / "json.hpp"
    origin = "upstream exebench/include"
    if not src_json.is_file():
        sys_json = Path("/usr/include/nlohmann/json.hpp")
        if not sys_json.is_file():
            raise TaskFailed("nlohmann/json.hpp is neither in exebench/include nor in /usr/include "
                             "(apt-get install nlohmann-json3-dev)")
        src_json, origin = sys_json, "/usr/include (nlohmann-json3-dev)"
    if dest.exists():
        shutil.rmtree(dest)
    (dest / "nlohmann").mkdir(parents=True)
    # a single-header json.hpp stands alone; the Debian one includes its sibling folders
    for p in sorted(src_json.parent.rglob("*")):
        if p.is_file() and p.suffix in (".hpp", ".h", ""):
            t = dest / "nlohmann" / p.relative_to(src_json.parent)
            t.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(p, t)
    (dest / "clib").mkdir()
    for h in sorted((inc / "clib").glob("*.h")) if (inc / "clib").is_dir() else []:
        shutil.copy2(h, dest / "clib" / h.name)
    (dest / "nb_json.hpp").write_text(GLUE_HPP)
    return origin


def _install_includes(shared: Path, task_dir: Path) -> None:
    for p in sorted(shared.rglob("*")):
        if p.is_file():
            link_or_copy(p, task_dir / p.relative_to(shared))


def write_task_dir(dest_root: Path, task_id: str, files: dict[str, str],
                   extra: Callable[[Path], None] | None = None) -> Path:
    """Write a task folder atomically: into a hidden staging folder, then renamed into place."""
    out_dir = dest_root / task_id
    staging = dest_root / f".{task_id}.tmp"
    if staging.exists():
        shutil.rmtree(staging)
    staging.mkdir(parents=True)
    try:
        for name, text in files.items():
            (staging / name).write_text(text)
        if extra:
            extra(staging)
        if out_dir.exists():
            shutil.rmtree(out_dir)
        staging.rename(out_dir)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return out_dir


@dataclass
class L1Result:
    task_id: str
    function: str
    cases: int
    dropped: dict[str, int]
    upstream_flags: list[str]
    upstream_ref_match: bool | None
    seconds: float = 0.0
    weak: str = ""              # why the task's tests are weaker than the rest (kept, never dropped)


def task_id_for(upstream_id: str, function: str) -> str:
    return f"l1_nb{upstream_id}_{function}"


def import_task(up: L1Upstream, split: str, upstream_split: str, shared: Path, tools: ProbeToolchain,
                dest_root: Path, *, derived: int = DERIVED_CASES, min_derived: int | None = None,
                candidates: int = CANDIDATES,
                check: Callable[[Path], tuple[int, str] | None] | None = None) -> L1Result:
    """Convert one upstream task into `dest_root/<task id>/`; raise TaskFailed if it cannot be.
    `check(task_dir)` judges the written task in its real harness: None, or (case, why) of the
    first case that fails there (that input is then dropped)."""
    kernel, main, t_in, t_ref = (up.file(p) for p in ("kernel{}.c", "main{}.cpp", "test{}.in", "test{}.ref"))
    for p in (kernel, main, t_in):
        if not p.is_file():
            raise TaskFailed(f"missing {p.name}")
    main_src = main.read_text(errors="replace")
    function, decl = kernel_signature(main_src)
    kernel_src = kernel.read_text(errors="replace")
    if not re.search(rf"\b{re.escape(function)}\s*\(", kernel_src):
        raise TaskFailed(f"kernel{up.upstream_id}.c does not define {function}")
    adapted = adapt_upstream_main(main_src)
    in_text = t_in.read_text(errors="replace").strip()
    try:
        original = json.loads(in_text)
    except json.JSONDecodeError as e:
        raise TaskFailed(f"test{up.upstream_id}.in is not JSON: {e}") from None
    if not finite(original):
        raise TaskFailed("upstream input holds non-finite numbers")
    task_id = task_id_for(up.upstream_id, function)
    consts = tuple(int_literals(kernel_src))
    want = derived + PROBE_INPUTS
    texts = [in_text]
    seen = {json.dumps(original, separators=(",", ":"))}
    result = ProbeResult(cases=[])
    survivors: list[int] = []
    tried = 0

    with tempfile.TemporaryDirectory(prefix=f"nbimp-{up.upstream_id}-") as tmp:
        work = Path(tmp)
        tdir = work / "task"
        tdir.mkdir()
        (tdir / "ref.c").write_text(kernel_src)
        _install_includes(shared, tdir)
        # batch 1: all perturbation modes; batch 2 (only if too few survive): small changes only
        for batch, (n, mode) in enumerate(((candidates, None), (candidates, 0))):
            if batch and len(survivors) >= want:
                break
            pool = derived_inputs(up.upstream_id, original, n, start=len(texts) - 1, mode=mode, consts=consts)
            fresh: list[int] = []
            for t in pool:  # derived inputs equal to the upstream one (or to each other) add nothing
                texts.append(t)
                if t not in seen:
                    seen.add(t)
                    fresh.append(len(texts) - 1)
            tried += len(fresh)
            bdir = work / f"b{batch}"
            bdir.mkdir()
            probe_src = bdir / "probe.cpp"
            probe_src.write_text(harness_source(up.upstream_id, adapted, texts, probe=True))
            previous = prober if batch else None
            prober = Prober(lambda name, d=bdir, src=probe_src: tools.exe(tdir, src, d, name), tools.sanitizers)
            if previous:  # the upstream input was checked with batch 1
                prober.upstream_checked, prober.accepted = True, previous.accepted
            kept = prober.screen([0, *fresh], result)
            survivors += [c for c in kept if c]
        # the final harness holds case 0 + the first `want` survivors, in that order: the
        # task's tests run the first 1 + `derived`, a strength probe runs them all. Re-check
        # exactly that sequence (a prefix of a clean run is clean), refilling if needed.
        final, rest = [0, *survivors[:want]], survivors[want:]
        while True:
            final = prober.stabilize(final, result)
            missing = want - (len(final) - 1)
            if missing <= 0 or not rest:
                break
            final, rest = final + rest[:missing], rest[missing:]
        ref_match: bool | None = None
        if t_ref.is_file() and result.reference is not None:
            try:
                expected = json.loads(t_ref.read_text(errors="replace"))
                exp = Output(outs={(0, k): v for k, v in records(expected).items()}, end=0)
                ref_match = compare(exp, _case_outs(result.reference, 0), 1e-9, 1e-12).ok
            except json.JSONDecodeError:
                ref_match = None
        flags = sorted(set(result.upstream_flags))
        min_derived = MIN_DERIVED if min_derived is None else min_derived

        def emit(seq: list[int]) -> tuple[int, str]:
            """Write the task folder for the input sequence `seq` (tests, then probe inputs)."""
            tests, probe = seq[:1 + derived], seq[1 + derived:]
            n_derived = len(tests) - 1
            weak = ""
            if n_derived < min_derived:  # kept with what runs cleanly: dropping it would change the benchmark
                why = ", ".join(f"{k}: {v}" for k, v in sorted(result.dropped.items())) or "none"
                weak = f"only {n_derived} derived inputs run cleanly (want {min_derived}); rejected: {why}"
            meta: dict[str, Any] = {
                "upstream_cases": [0],
                "upstream_dataset": "QiMeng-IPRC/QiMeng-NeuComBack",
                "upstream_level": 1,
                "upstream_id": int(up.upstream_id) if up.upstream_id.isdigit() else up.upstream_id,
                "upstream_split": upstream_split,
                "derived_inputs": n_derived,
                "probe_inputs": len(probe),
                "derived_candidates": tried,
                "derived_dropped": dict(sorted(result.dropped.items())),
                "input_seed": INPUT_SEED,
                "signature": decl,
            }
            if ref_match is not None:
                meta["upstream_ref_match"] = ref_match
            if flags:
                meta["upstream_input_flags"] = flags
            if weak:
                meta["weak_tests"] = weak
            toml = to_toml({
                "id": task_id, "level": 1, "function": function, "split": split,
                "tags": ["imported", "neucomback", "exebench", *(["weak-tests"] if weak else [])],
                "source": "neucomback-upstream",
                "description": (f"NeuComBack Level1 (ExeBench) task {up.upstream_id}: {decl}. Tested on the upstream "
                                f"input (case 0) and {n_derived} derived inputs of the same shape."),
                "cases": len(tests),
            }, {"meta": meta})
            harness = harness_source(up.upstream_id, adapted, [texts[c] for c in seq])
            files = {"ref.c": kernel_src, "harness.cpp": harness, "task.toml": toml}
            write_task_dir(dest_root, task_id, files, lambda d: _install_includes(shared, d))
            return len(tests), weak

        # last, the task as it will be judged (see _fit.py): an input that fails in the real
        # harness is dropped and the folder written again; after REAL_HARNESS_ROUNDS - 2 such
        # drops, everything from the failing input on goes (each round rebuilds the harness)
        seq = final
        for round_ in range(REAL_HARNESS_ROUNDS):
            n_cases, weak = emit(seq)
            bad = check(dest_root / task_id) if check else None
            if bad is None:
                break
            case, why = bad
            if case <= 0 or case >= len(seq) or round_ == REAL_HARNESS_ROUNDS - 1:
                shutil.rmtree(dest_root / task_id, ignore_errors=True)
                raise TaskFailed(f"the reference fails in the real harness at case {case}: {why}")
            tail = why.startswith(TAIL) or round_ >= REAL_HARNESS_ROUNDS - 2
            cut = seq[case:] if tail else [seq[case]]
            seq = [c for c in seq if c not in cut]
            label = "output budget" if why.startswith(TAIL) else "real harness"
            result.dropped[label] = result.dropped.get(label, 0) + len(cut)
    return L1Result(task_id, function, n_cases, dict(result.dropped), flags, ref_match, weak=weak)

