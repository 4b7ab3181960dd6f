"""Level 2 (TSVC loop kernels, `Level2/task_c`) of the public NeuComBack dataset -> our task format.

For kernel NAME (`task_c/NAME_inner.c`, `NAME_main.c`, `task_c/common_files/`) we write

* `ref.c`: `NAME_inner.c` with its outer repetition loop (`for (int nl = 0; nl < ...; nl++)`)
  scaled down so that one -O0 check run takes about half a second here (the count comes from
  the upstream -O0 time per repetition in standard_params_e2e.json, so it is the same on every
  machine; it is halved only while a measured run still takes more than MAX_CHECK_CPU_S CPU);
* `tsvc_main.c`: upstream `NAME_main.c` with `main` renamed, its `time_function(&NAME, ARG)`
  call replaced by a capture of the kernel wrapper and its argument, the wrapper's
  `initialise_arrays` call removed (the harness initialises) and its final `calc_checksum`
  left to the harness; `tsvc_common.c` (upstream common.c without its progress printf),
  `common.h`, `array_defs.h`;
* `harness.c` (NB_L2_MAIN, run plan on stdin): check variants 0 1 2, time variant 3, where the
  "size" selects a variant, not a length (TSVC arrays have fixed sizes):
    0: the upstream initialisation and one call; reports what upstream compares (the
       checksum or return value, and the dummy() call count): `meta.upstream_cases = [0]`;
    1, 2: randomly perturbed initial arrays, and dummy() (called by the kernel after every
       repetition) changes one element of each array it is given, so a kernel that does the
       work once and skips later repetitions gives different results; three calls with
       further perturbation in between; every array is reported (sums, samples, hashes);
    3 (timing): perturbed arrays, dummy() only counts (like upstream), calls timed.
"""

from __future__ import annotations

import ast
import hashlib
import json
import operator
import re
import shutil
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

from ...harness.build import HARNESS_FLAGS, REFERENCE_FLAGS, RUNTIME_DIR, compile_command, executable_command
from ...harness.check import compare, parse_output
from ...harness.reference import CHECK_CALLS, level2_plan
from ...targets import get_target
from ._common import TaskFailed, compile_or_fail, run, run_cpu, to_toml

CHECK_BUDGET_S = 0.2      # kernel time of an -O0 check run (7 calls), estimated from upstream's -O0 times
MAX_CHECK_CPU_S = 0.6     # a measured -O0 check run (kernel, set-up, reports) above this halves the count
CALLS_PER_CHECK = 7       # variant 0: 1 call; variants 1 and 2: 3 calls each
UPSTREAM_VERIFY_S = 2.0   # re-run the unscaled kernel against upstream's checksum if its O3 time is below this
SIZES = [0, 1, 2]
TIME_VARIANT = 3

_NL_LOOP = re.compile(r"for\s*\(\s*int\s+nl\s*=\s*0\s*;\s*nl\s*<\s*([^;]+?)\s*;\s*nl\s*\+\+\s*\)")
_TIME_CALL = re.compile(r"time_function\s*\(\s*&\s*(\w+)\s*,\s*(.*?)\)\s*;\s*;?[ \t]*$", re.M)

_ARRAYS_1D = ("a", "b", "c", "d", "e", "x")
_ARRAYS_2D = ("aa", "bb", "cc", "tt")
_DUMMY_ARRAYS = ("a", "b", "c", "d", "e", "aa", "bb", "cc")

_OPS = {ast.Add: operator.add, ast.Sub: operator.sub, ast.Mult: operator.mul, ast.Div: operator.floordiv,
        ast.FloorDiv: operator.floordiv}


def c_int_expr(text: str) -> int:
    """Value of a positive integer C constant expression like `4*((100000)/(256))`."""
    def ev(n: ast.AST) -> int:
        if isinstance(n, ast.Expression):
            return ev(n.body)
        if isinstance(n, ast.Constant) and isinstance(n.value, int):
            return n.value
        if isinstance(n, ast.BinOp) and type(n.op) in _OPS:
            return _OPS[type(n.op)](ev(n.left), ev(n.right))
        raise ValueError(text)
    try:
        return ev(ast.parse(text.strip(), mode="eval"))
    except (SyntaxError, ValueError, ZeroDivisionError):
        raise TaskFailed(f"cannot evaluate the repetition count {text!r}") from None


def scale_inner(src: str, count: int) -> tuple[str, int]:
    """(inner source with its outer loop bound set to `count`, the original bound)."""
    loops = list(_NL_LOOP.finditer(src))
    if len(loops) != 1:
        raise TaskFailed(f"expected one `for (int nl = 0; nl < N; nl++)` loop, found {len(loops)}")
    m = loops[0]
    original = c_int_expr(m.group(1))
    out = src[:m.start(1)] + str(count) + src[m.end(1):]
    return out, original


def adapt_main(src: str, name: str) -> tuple[str, bool]:
    """Upstream NAME_main.c for our harness; also whether the wrapper returns calc_checksum."""
    s, n = re.subn(r"\bint\s+main\s*\(", "int nb_tsvc_main(", src)
    if n != 1:
        raise TaskFailed(f"{name}_main.c: expected one main(), found {n}")
    calls = list(_TIME_CALL.finditer(s))
    calls = [m for m in calls if m.group(1) == name]
    if len(calls) != 1:
        raise TaskFailed(f"{name}_main.c: expected one `time_function(&{name}, ...)` call, found {len(calls)}")
    m = calls[0]
    arg = m.group(2).strip()
    size = "0" if arg == "NULL" or not arg.startswith("&") else f"sizeof *({arg})"
    s = s[:m.start()] + f"nb_tsvc_capture(&{name}, (void *)({arg}), {size}); /* neucomback */" + s[m.end():]
    wrapper = re.search(rf"^float\s+{re.escape(name)}\s*\(\s*struct\s+args_t\s*\*\s*\w+\s*\)", s, re.M)
    if not wrapper:
        raise TaskFailed(f"{name}_main.c: no `float {name}(struct args_t *)` wrapper")
    body_start = s.index("{", wrapper.end())
    body_end = _close_brace(s, body_start)
    body = s[body_start:body_end]
    body, n_init = re.subn(r"\binitialise_arrays\s*\(\s*__func__\s*\)\s*;",
                           "/* neucomback: arrays are initialised by the harness */", body)
    if n_init != 1:
        raise TaskFailed(f"{name}: expected one initialise_arrays(__func__) in the wrapper, found {n_init}")
    body, n_sum = re.subn(r"return\s+calc_checksum\s*\(\s*__func__\s*\)\s*;",
                          "return 0.0f; /* neucomback: the harness computes calc_checksum */", body)
    s = s[:body_start] + body + s[body_end:]
    return s, n_sum == 1


def _close_brace(s: str, open_at: int) -> int:
    depth = 0
    for i in range(open_at, len(s)):
        if s[i] == "{":
            depth += 1
        elif s[i] == "}":
            depth -= 1
            if depth == 0:
                return i
    raise TaskFailed("unbalanced braces in the upstream wrapper")


def adapt_common(src: str) -> str:
    """Upstream common.c without the progress printf of initialise_arrays."""
    s, n = re.subn(r'^\s*printf\s*\(\s*"%5s\\t"\s*,\s*name\s*\)\s*;', "    /* neucomback: no progress output */",
                   src, flags=re.M)
    if n != 1:
        raise TaskFailed(f"common.c: expected one progress printf in initialise_arrays, found {n}")
    if re.search(r"\bprintf\s*\(", s):
        raise TaskFailed("common.c prints more than the progress line")
    return s


def harness_source(name: str, checksum_wrapper: bool) -> str:
    """harness.c of one TSVC kernel (see the module docstring)."""
    result_expr = f'(double)calc_checksum("{name}")' if checksum_wrapper else "(double)nb_tsvc_ret"
    scramble = " ".join([*(f"nb_tsvc_scramble({a}, LEN_1D);" for a in _ARRAYS_1D),
                         *(f"nb_tsvc_scramble(&{a}[0][0], NB_LEN2);" for a in _ARRAYS_2D)])
    nudge = " ".join([*(f"nb_tsvc_nudge({a}, LEN_1D);" for a in _ARRAYS_1D),
                      *(f"nb_tsvc_nudge(&{a}[0][0], NB_LEN2);" for a in _ARRAYS_2D)])
    checks = "\n    ".join([*(f'nb_check_f32("{a}", tag, {a}, LEN_1D);' for a in _ARRAYS_1D),
                            *(f'nb_check_f32("{a}", tag, &{a}[0][0], NB_LEN2);' for a in _ARRAYS_2D)])
    return f"""/* harness.c for NeuComBack Level2 TSVC kernel {name}, generated by the neucomback importer.
 * tsvc_main.c and tsvc_common.c are the upstream {name}_main.c and common.c, adapted (see
 * neucomback/suite/importers/_level2.py). "size" n selects a variant: 0 = upstream
 * initialisation, one call, upstream's checksum and dummy() count; 1, 2 = perturbed arrays and a
 * dummy() that changes inputs between the kernel's repetitions; 3 = timing (perturbed arrays). */
#include "nbh.h"
#include "common.h"
static void nb_tsvc_capture(float (*f)(struct args_t *), void *arg, size_t size);
#include "tsvc_main.c"
#include "tsvc_common.c"

#define NB_LEN2 (LEN_2D * LEN_2D)
static float (*nb_tsvc_func)(struct args_t *);
static void *nb_tsvc_arg;
static _Alignas(64) unsigned char nb_tsvc_argbuf[256];
static int nb_tsvc_variant, nb_tsvc_calls, nb_tsvc_mix, nb_tsvc_started;
static float nb_tsvc_ret;
static real_t *nb_tsvc_xx;   /* the buffer init() allocated for xx */

static void nb_tsvc_capture(float (*f)(struct args_t *), void *arg, size_t size) {{
    nb_tsvc_func = f;
    if (size > sizeof nb_tsvc_argbuf) {{ fprintf(stderr, "harness: argument too large\\n"); exit(98); }}
    if (size) {{ memcpy(nb_tsvc_argbuf, arg, size); nb_tsvc_arg = nb_tsvc_argbuf; }}
    else nb_tsvc_arg = arg;
}}

/* one element of an array scaled by a factor in [1 - 2^-5, 1 + 2^-5] */
static void nb_tsvc_nudge(real_t *p, int64_t n) {{
    int64_t i = (int64_t)(nb_next() % (uint64_t)n);
    p[i] *= (real_t)(1.0 + ((double)(nb_next() >> 11) * 0x1.0p-53 - 0.5) * 0x1.0p-4);
}}

/* called by the kernel after every repetition (upstream: counts calls and nothing else) */
int dummy(real_t a[LEN_1D], real_t b[LEN_1D], real_t c[LEN_1D], real_t d[LEN_1D], real_t e[LEN_1D],
          real_t aa[LEN_2D][LEN_2D], real_t bb[LEN_2D][LEN_2D], real_t cc[LEN_2D][LEN_2D], real_t s) {{
    (void)s;
    loop_count++;
    if (nb_tsvc_mix) {{
        nb_tsvc_nudge(a, LEN_1D); nb_tsvc_nudge(b, LEN_1D); nb_tsvc_nudge(c, LEN_1D);
        nb_tsvc_nudge(d, LEN_1D); nb_tsvc_nudge(e, LEN_1D);
        nb_tsvc_nudge(&aa[0][0], NB_LEN2); nb_tsvc_nudge(&bb[0][0], NB_LEN2); nb_tsvc_nudge(&cc[0][0], NB_LEN2);
    }}
    return 0;
}}

static void nb_tsvc_scramble(real_t *p, int64_t n) {{
    for (int64_t i = 0; i < n; i++)
        if ((nb_next() & 3) == 0) p[i] *= (real_t)(0.5 + (double)(nb_next() >> 11) * 0x1.0p-53);
}}

static void nb_setup(int64_t n) {{
    nb_tsvc_variant = (int)n;
    if (nb_tsvc_started && nb_tsvc_xx) free(nb_tsvc_xx);
    nb_tsvc_started = 1;
    char arg0[] = "harness";
    char *argv[] = {{arg0, NULL}};
    nb_tsvc_main(1, argv);          /* init() + capture of the wrapper and its argument */
    nb_tsvc_xx = xx;
    initialise_arrays("{name}");
    loop_count = 0;
    nb_tsvc_calls = 0;
    if (n != 0) {{
        {scramble}
        nb_tsvc_scramble(flat_2d_array, NB_LEN2);
        nb_tsvc_scramble(nb_tsvc_xx, LEN_1D);
    }}
    nb_tsvc_mix = (n == 1 || n == 2);
}}

static void nb_call(int64_t n) {{
    (void)n;
    if (nb_tsvc_variant == 0 && nb_tsvc_calls > 0) return;   /* upstream: one run */
    nb_tsvc_calls++;
    struct args_t fa;
    memset(&fa, 0, sizeof fa);
    fa.arg_info = nb_tsvc_arg;
    nb_tsvc_ret = nb_tsvc_func(&fa);
}}

static void nb_perturb(int64_t n) {{
    (void)n;
    if (nb_tsvc_variant == 0) return;
    for (int k = 0; k < 4; k++) {{
        {nudge}
    }}
}}

static void nb_put_tagged_f(const char *name, const char *tag, double v) {{
    char key[64];
    snprintf(key, sizeof key, "%s.%s", name, tag);
    nb_put_f("out", key, v);
}}

static void nb_put_tagged_i(const char *name, const char *tag, int64_t v) {{
    char key[64];
    snprintf(key, sizeof key, "%s.%s", name, tag);
    nb_put_i("out", key, v);
}}

static void nb_report(const char *tag) {{
    double result = {result_expr};
    if (nb_tsvc_variant == 0) {{
        if (strcmp(tag, "r0") != 0) return;   /* what upstream checks: one result, the call count */
        nb_put_tagged_f("result", tag, result);
        nb_put_tagged_i("loop_count", tag, loop_count);
        return;
    }}
    nb_put_tagged_f("result", tag, result);
    nb_put_tagged_i("loop_count", tag, loop_count);
    {checks}
    nb_check_f32("flat_2d_array", tag, flat_2d_array, NB_LEN2);
    nb_check_f32("xx_buffer", tag, nb_tsvc_xx, LEN_1D);
    nb_check_i32("indx", tag, indx, LEN_1D);
}}

static void nb_teardown(void) {{}}

NB_L2_MAIN
"""


# ---- building and probing --------------------------------------------------------------

class Builder:
    """Host (x86_64) builds of a Level 2 task folder, with the flags our build uses (the
    command lines come from harness/build.py)."""

    def __init__(self) -> None:
        self.target = get_target("x86_64")

    def harness(self, task_dir: Path, work: Path) -> Path:
        hobj = work / "harness.o"
        compile_or_fail(compile_command(self.target, task_dir / "harness.c", hobj, flags=HARNESS_FLAGS,
                                        includes=(RUNTIME_DIR, task_dir)), "harness build")
        return hobj

    def exe(self, task_dir: Path, work: Path, hobj: Path, opt: str, tag: str) -> Path:
        robj = work / f"ref_{tag}.o"
        compile_or_fail(compile_command(self.target, task_dir / "ref.c", robj, opt=opt, flags=REFERENCE_FLAGS,
                                        includes=(RUNTIME_DIR,)), f"reference build {opt}")
        exe = work / f"probe_{tag}"
        compile_or_fail(executable_command(self.target, [str(hobj), str(robj)], exe), "link")
        return exe


def _check(exe: Path, seed: int, sizes: list[int] = SIZES, timeout: float = 300) -> tuple[Any, float, str]:
    """(parsed output or None, CPU seconds, why it failed)."""
    code, out, err, cpu = run_cpu([str(exe)], stdin=level2_plan(seed, sizes, CHECK_CALLS, False), timeout=timeout)
    parsed = parse_output(out)
    if code != 0 or parsed.end is None or parsed.malformed or not parsed.outs:
        why = "timeout" if code is None else f"exit {code}" if code else f"malformed output {parsed.malformed[:1]}"
        return None, cpu, f"{why}: {err.strip()[-300:]}"
    return parsed, cpu, ""


@dataclass
class L2Result:
    task_id: str
    count: int
    original_count: int
    seconds_o0: float
    flags: list[str]
    upstream_match: bool | None


def task_id_for(name: str) -> str:
    return f"l2_tsvc_{name}"


def import_task(name: str, split: str, task_c: Path, params: dict[str, Any], builder: Builder,
                dest_root: Path) -> L2Result:
    inner_p, main_p = task_c / f"{name}_inner.c", task_c / f"{name}_main.c"
    common = task_c / "common_files"
    for p in (inner_p, main_p, common / "common.c", common / "common.h", common / "array_defs.h"):
        if not p.is_file():
            raise TaskFailed(f"missing {p.relative_to(task_c.parent)}")
    inner = inner_p.read_text(errors="replace")
    function = f"{name}_inner"
    if not re.search(rf"\b{re.escape(function)}\s*\(", inner):
        raise TaskFailed(f"{inner_p.name} does not define {function}")
    main_src, checksum_wrapper = adapt_main(main_p.read_text(errors="replace"), name)
    common_src = adapt_common((common / "common.c").read_text(errors="replace"))
    _, original = scale_inner(inner, 1)
    # the repetition count: from upstream's -O0 time per repetition (the same on every machine)
    count = original
    try:
        per_rep = float(params["O0"]) / max(int(params["count"]), 1)
        count = min(original, int(CHECK_BUDGET_S / CALLS_PER_CHECK / per_rep))
        # at least two repetitions (so dummy() perturbs between them), unless even two are far too slow
        count = max(count, 1 if 2 * per_rep * CALLS_PER_CHECK > MAX_CHECK_CPU_S else 2)
    except (KeyError, TypeError, ValueError):
        count = max(2, min(original, 100))
    task_id = task_id_for(name)
    flags: list[str] = []
    # the seed the evaluator will use (written to task.toml), so the probes run the real variants
    seed = int.from_bytes(hashlib.sha256(task_id.encode()).digest()[:4], "little")
    staging = dest_root / f".{task_id}.tmp"
    if staging.exists():
        shutil.rmtree(staging)
    staging.mkdir(parents=True)
    (staging / "tsvc_main.c").write_text(main_src)
    (staging / "tsvc_common.c").write_text(common_src)
    shutil.copy2(common / "common.h", staging / "common.h")
    shutil.copy2(common / "array_defs.h", staging / "array_defs.h")
    (staging / "harness.c").write_text(harness_source(name, checksum_wrapper))

    def write_ref(n: int) -> None:
        body, _ = scale_inner(inner, n)
        note = (f"/* NeuComBack Level2 TSVC kernel {name}: the outer repetition count is {n} "
                f"(upstream: {original}), scaled by the neucomback importer. */\n")
        (staging / "ref.c").write_text(note + body)

    with tempfile.TemporaryDirectory(prefix=f"nbimp2-{name}-") as tmp:
        work = Path(tmp)
        hobj = builder.harness(staging, work)
        ok = None
        for attempt in range(8):
            write_ref(count)
            exe0 = builder.exe(staging, work, hobj, "-O0", f"O0_{attempt}")
            ok, secs0, why = _check(exe0, seed)
            if ok is None:
                raise TaskFailed(f"the -O0 reference check run fails: {why}")
            # only a clearly too slow kernel is scaled further (CPU time: load barely inflates it)
            if secs0 <= MAX_CHECK_CPU_S or count <= 1:
                break
            count = max(1, count // 2)
        else:
            raise TaskFailed(f"the -O0 check run still takes {secs0:.1f} s CPU at {count} repetitions")
        assert ok is not None
        exe3 = builder.exe(staging, work, hobj, "-O3", "O3")
        ok3, _, why3 = _check(exe3, seed)
        if ok3 is None:
            raise TaskFailed(f"the -O3 reference check run fails: {why3}")
        cmp = compare(ok, ok3, 1e-9, 1e-12)
        if not cmp.ok:
            again0, _, _ = _check(exe0, seed)
            again3, _, _ = _check(exe3, seed)
            same = (again0 is not None and again3 is not None and compare(ok, again0).ok
                    and compare(ok3, again3).ok)
            flags.append(("" if same else "(not reproducible) ") +
                         f"-O0 and -O3 references differ: {cmp.feedback.splitlines()[0][:160]}")
        code, out, err, _ = run([str(exe3)], stdin=level2_plan(seed, [TIME_VARIANT], 1, True), timeout=120)
        tparsed = parse_output(out)
        if code != 0 or tparsed.time_ns is None or tparsed.malformed:
            raise TaskFailed(f"the timing run fails: exit {code} {err.strip()[-200:]}")
        upstream_match: bool | None = None
        try:
            up_o3 = float(params.get("O3", 1e9))
        except (TypeError, ValueError):
            up_o3 = 1e9
        if up_o3 <= UPSTREAM_VERIFY_S and "checksum" in params and "count" in params:
            # our harness with the unscaled kernel must print upstream's checksum and count
            write_ref(original)
            full = builder.exe(staging, work, hobj, "-O3", "full")
            p, _, _ = _check(full, seed, [0])
            write_ref(count)
            res = p.outs.get((0, "result.r0")) if p else None
            cnt = p.outs.get((0, "loop_count.r0")) if p else None
            if res and cnt:
                upstream_match = (f"{res[1][0]:f}" == str(params["checksum"]) and
                                  str(cnt[1][0]) == str(params["count"]))
            else:
                upstream_match = False
    meta = {
        "upstream_cases": [0],
        "upstream_dataset": "QiMeng-IPRC/QiMeng-NeuComBack",
        "upstream_level": 2,
        "upstream_id": name,
        "upstream_split": split,
        "repetitions": count,
        "upstream_repetitions": original,
        "check_cpu_seconds_O0": round(secs0, 3),
        "sizes_are_variants": "0 = upstream initialisation (one call); 1, 2 = perturbed, anti-skip dummy(); "
                              "3 = timing",
    }
    if upstream_match is not None:
        meta["upstream_ref_match"] = upstream_match
    if flags:
        meta["upstream_input_flags"] = flags
    toml = to_toml({
        "id": task_id, "level": 2, "function": function, "split": split,
        "tags": ["imported", "neucomback", "tsvc"],
        "source": "neucomback-upstream",
        "description": (f"NeuComBack Level2 TSVC kernel {name} (loops over the global arrays of common.h), "
                        f"outer repetitions scaled from {original} to {count}. Sizes select variants: 0 = upstream "
                        "initialisation and checksum, 1-2 = perturbed arrays with anti-skip dummy(), 3 = timing."),
        "sizes": SIZES,
        "time_size": TIME_VARIANT,
        "seed": seed,
    }, {"meta": meta})
    (staging / "task.toml").write_text(toml)
    out_dir = dest_root / task_id
    if out_dir.exists():
        shutil.rmtree(out_dir)
    staging.rename(out_dir)
    return L2Result(task_id, count, original, secs0, flags, upstream_match)


def import_level(root: Path, dest: Path, items: list[tuple[int, str, str]], work: Path, workers: int,
                 summary: Any, done: Callable[[Any], None]) -> None:
    from .neucomback import TaskOutcome

    task_c = root / "Level2" / "task_c"
    if not task_c.is_dir():
        from ...errors import UsageError
        raise UsageError(f"{task_c} not found")
    params_path = root / "Level2" / "standard_params_e2e.json"
    try:
        params = json.loads(params_path.read_text()) if params_path.is_file() else {}
    except json.JSONDecodeError:
        params = {}
    if not params:
        summary.notes.append("Level 2: no standard_params_e2e.json: repetition counts from measurement only")
    dest.mkdir(parents=True, exist_ok=True)
    builder = Builder()

    def one(item: tuple[int, str, str]) -> None:
        _, name, split = item
        t = time.perf_counter()
        try:
            r = import_task(name, split, task_c, params.get(name, {}), builder, dest)
            o = TaskOutcome(2, name, split, True, r.task_id, cases=len(SIZES), flags=r.flags,
                            upstream_ref_match=r.upstream_match)
            o.dropped = {}
        except TaskFailed as e:
            o = TaskOutcome(2, name, split, False, reason=str(e))
            shutil.rmtree(dest / f".{task_id_for(name)}.tmp", ignore_errors=True)
        except Exception as e:  # an importer bug must not lose the other tasks
            o = TaskOutcome(2, name, split, False, reason=f"internal error: {type(e).__name__}: {e}")
            shutil.rmtree(dest / f".{task_id_for(name)}.tmp", ignore_errors=True)
        o.seconds = time.perf_counter() - t
        done(o)

    with ThreadPoolExecutor(workers) as pool:
        list(pool.map(one, items))
