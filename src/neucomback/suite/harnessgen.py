"""Generate a C test harness from a task's declared signature.

Level 1 harnesses draw every parameter from the seeded stream in nbh.h (edge values first),
print inputs as `in` records, call the function once and print the return value and every
written buffer as `out` records. Level 2 harnesses allocate arrays of the requested size,
perturb inputs between calls (anti-skip) and print every output element after each call.
Every buffer is guarded (nbh.h: nb_alloc) and every `in` buffer is sealed: a write out of
bounds or into an input is a fault record, i.e. a failure.
"""

from __future__ import annotations

import dataclasses
import re

from .task import SCALARS, Param, Task

_INT_LIMITS = {
    "i8": ("INT8_MIN", "INT8_MAX"), "u8": ("0", "UINT8_MAX"), "i16": ("INT16_MIN", "INT16_MAX"),
    "u16": ("0", "UINT16_MAX"), "i32": ("INT32_MIN", "INT32_MAX"), "u32": ("0", "UINT32_MAX"),
    "i64": ("INT64_MIN", "INT64_MAX"), "u64": ("0", "UINT64_MAX"), "char": ("CHAR_MIN", "CHAR_MAX"),
}
DEFAULT_ALPHABET = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 ,.-_!?"


def _lit(v: object, elem: str) -> str:
    """A C literal (or expression) for a range bound of element type `elem`."""
    if isinstance(v, str):
        return f"({v})"
    kind = SCALARS[elem][1]
    if kind == "f":
        return repr(float(v))
    iv = int(v)  # type: ignore[call-overload]
    if iv == -(2**63):
        return "INT64_MIN"
    return f"UINT64_C({iv})" if kind == "u" else f"INT64_C({iv})"


def _draw(elem: str, rng: tuple[object, object] | None, special: bool, length: bool = False) -> str:
    """C expression drawing one value of scalar type `elem` from the seeded stream."""
    ctype, kind = SCALARS[elem]
    if kind == "f":
        lo, hi = (_lit(rng[0], elem), _lit(rng[1], elem)) if rng else ("-1000.0", "1000.0")
        return f"({ctype})nb_real({lo}, {hi}, {int(special)})"
    if rng:
        lo, hi = _lit(rng[0], elem), _lit(rng[1], elem)
    else:
        lo, hi = _INT_LIMITS[elem]
    if length:
        return f"({ctype})nb_len({lo}, {hi})"
    if kind == "u":
        return f"({ctype})nb_uint({lo}, {hi})"
    return f"({ctype})nb_int({lo}, {hi})"


_C_COMMENT = re.compile(r"/\*.*?\*/|//[^\n]*|\"(?:\\.|[^\"\\])*\"|'(?:\\.|[^'\\])*'", re.S)
_C_INT = re.compile(r"(?<![\w.])(0[xX][0-9a-fA-F]+|[0-9]+)(?:[uU]?[lL]{0,2}|[lL]{1,2}[uU])(?![\w.])")
MAX_CONSTANTS = 48
OBSERVE_IN_FULL = 256  # bytes of an observed global printed as they are; larger ones are hashed


def source_constants(task: Task) -> list[int]:
    """The integer literals of the task's C source (comments, strings and preprocessor lines
    left out), at most MAX_CONSTANTS of them: inputs near them cross the task's own thresholds
    (a year divisible by 100, a bound of 255), where a flipped or off-by-one comparison shows."""
    try:
        return int_literals(task.ref_source.read_text())
    except OSError:
        return []


def int_literals(text: str) -> list[int]:
    """The distinct integer literals of C source `text` except 0 and 1, in order of value, at
    most MAX_CONSTANTS (comments, strings and preprocessor lines left out)."""
    code = "\n".join(l for l in _C_COMMENT.sub(" ", text).splitlines() if not l.lstrip().startswith("#"))
    seen: dict[int, None] = {}
    for m in _C_INT.finditer(code):
        v = _c_int(m.group(1))
        if v is not None and v <= 2**63 - 1 and v not in (0, 1):
            seen.setdefault(v, None)
    return sorted(seen)[:MAX_CONSTANTS]


def _c_int(text: str) -> int | None:
    """The value of a C integer literal (hex, octal with a leading 0, decimal), None if invalid."""
    try:
        if text[:2] in ("0x", "0X"):
            return int(text, 16)
        return int(text, 8) if len(text) > 1 and text[0] == "0" else int(text)
    except ValueError:
        return None  # e.g. 09: not a C literal


def _constants_define(task: Task) -> str:
    """`#define NB_CONSTS_LIST ...` for nbh.h, or "" when the source has no constants."""
    consts = source_constants(task)
    return f"#define NB_CONSTS_LIST {', '.join(f'INT64_C({c})' for c in consts)}\n" if consts else ""


def _put(direction: str, p: Param, size: str | None = None, var: str | None = None) -> str:
    """A print statement for parameter `p` (read from C variable `var`, default p.name)."""
    if var is not None:
        kind = SCALARS[p.elem][1]
        fn = {"f": "nb_put_f", "u": "nb_put_u"}.get(kind, "nb_put_i")
        return f'{fn}("{direction}", "{p.name}", {var});'
    if p.is_str:
        return f'nb_put_str("{direction}", "{p.name}", {p.name});'
    if p.is_array:
        if p.elem == "char":
            return f'nb_put_bytes("{direction}", "{p.name}", {p.name}, {size});'
        return f'nb_put_arr_{p.elem}("{direction}", "{p.name}", {p.name}, {size});'
    kind = SCALARS[p.elem][1]
    fn = {"f": "nb_put_f", "u": "nb_put_u"}.get(kind, "nb_put_i")
    return f'{fn}("{direction}", "{p.name}", {p.name});'


def _guard(p: Param, check_only: bool = False) -> str:
    """Name the buffer for fault messages; an input buffer is sealed (must not change).
    Level 2 timing runs skip the seal copy (check_only): a changed input shows in the hash."""
    seal = f" nb_seal({p.name});" if p.dir == "in" else ""
    if seal and check_only:
        seal = f" if (!nb_hash_mode) nb_seal({p.name});"
    return f'nb_label({p.name}, "{p.name}");{seal}'


def prototype(task: Task) -> str:
    """The C prototype of the task's function, as the harness declares it."""
    ret = "void" if task.returns == "void" else SCALARS[task.returns][0]
    args = ", ".join(f"{p.ctype}{'' if p.ctype.endswith('*') else ' '}{p.name}" for p in task.params) or "void"
    return f"{ret} {task.function}({args});"


def level1_harness(task: Task) -> str:
    """C source of a Level 1 differential-test harness for `task`."""
    scalars = [p for p in task.params if not (p.is_array or p.is_str)]
    buffers = [p for p in task.params if p.is_array or p.is_str]
    body: list[str] = []
    for p in scalars:
        body.append(f"{p.ctype} {p.name} = {_draw(p.elem, p.range, p.special, p.role == 'len')};")
    for p in buffers:
        if p.is_str:
            alphabet = (p.alphabet or DEFAULT_ALPHABET).replace("\\", "\\\\").replace('"', '\\"')
            body.append(f"char *{p.name} = (char *)nb_alloc({p.max_len} + 1, 1);")
            body.append(f'nb_str_fill({p.name}, nb_len({p.min_len}, {p.max_len}), "{alphabet}");')
            body.append(_guard(p))
            continue
        size = f"nb_{p.name}_len"
        body.append(f"int64_t {size} = (int64_t)({p.len});")
        body.append(f"if ({size} < 0) {size} = 0;")
        body.append(f"{p.ctype}{p.name} = ({p.ctype})nb_alloc((size_t){size}, sizeof *{p.name});")
        body.append(f"for (int64_t nb_i = 0; nb_i < {size}; nb_i++) {p.name}[nb_i] = {_draw(p.elem, p.range, p.special)};")
        body.append(_guard(p))
    for p in task.params:
        if p.dir != "out":
            body.append(_put("in", p, f"nb_{p.name}_len"))
    call = f"{task.function}({', '.join(p.name for p in task.params)})"
    if task.returns == "void":
        body.append(f"{call};")
    else:
        body.append(f"{SCALARS[task.returns][0]} nb_ret = {call};")
        body.append(_put("out", Param(name="ret", type=task.returns), var="nb_ret"))
    for p in buffers:
        if p.dir in ("inout", "out"):
            body.append(_put("out", p, f"nb_{p.name}_len"))
    for i, (sym, n) in enumerate(task.observe):  # global state after the call: every byte, or its hash
        if n <= OBSERVE_IN_FULL:
            body.append(f'nb_put_bytes("out", "global:{sym}", nb_obs_{i}, {n});')
        else:
            body.append(f'nb_put_u("out", "global:{sym}:fnv1a-of-{n}-bytes", nb_obs_hash(nb_obs_{i}, {n}));')
    for p in buffers:
        body.append(f"nb_free({p.name});")
    inner = "\n    ".join(body)
    # by assembler name: a module's symbol may clash with C names here or hold a `.`
    observed = "".join(f'extern unsigned char nb_obs_{i}[] __asm__("{sym}");\n' for i, (sym, _) in enumerate(task.observe))
    if any(n > OBSERVE_IN_FULL for _, n in task.observe):
        observed += ("static uint64_t nb_obs_hash(const unsigned char *p, int64_t n) {\n"
                     "    uint64_t h = UINT64_C(14695981039346656037);\n"
                     "    for (int64_t i = 0; i < n; i++) h = (h ^ p[i]) * UINT64_C(1099511628211);\n"
                     "    return h;\n}\n")
    return f"""/* Generated by neucomback.suite.harnessgen for task {task.id}. Do not edit. */
{_constants_define(task)}#include "nbh.h"

{prototype(task)}
{observed}
static void nb_case(int nb_case_k) {{
    (void)nb_case_k;
    {inner}
}}

NB_L1_MAIN
"""


def _size_expr(expr: object) -> object:
    """Level 2 expressions name the problem size `n`; the harness keeps it in `nb_size` so a
    kernel parameter may itself be called `n` (or be a function of it)."""
    return re.sub(r"\bn\b", "nb_size", expr) if isinstance(expr, str) else expr


def _l2_param(p: Param) -> Param:
    rng = (tuple(_size_expr(x) for x in p.range) if p.range else None)
    return dataclasses.replace(p, len=_size_expr(p.len), value=_size_expr(p.value), range=rng)  # type: ignore[arg-type]


def level2_harness(task: Task) -> str:
    """C source of a Level 2 kernel harness (check and time modes) for `task`."""
    params = [_l2_param(p) for p in task.params]
    arrays = [p for p in params if p.is_array]
    scalars = [p for p in params if not p.is_array]
    decls = [f"static {p.ctype}{'' if p.ctype.endswith('*') else ' '}{p.name};" for p in params]
    decls += [f"static int64_t nb_{p.name}_len;" for p in arrays] + ["static int64_t nb_size;"]
    setup: list[str] = []
    for p in scalars:
        expr = f"({p.ctype})({p.value})" if p.value is not None else _draw(p.elem, p.range, p.special)
        setup.append(f"{p.name} = {expr};")
    for p in arrays:
        setup.append(f"nb_{p.name}_len = (int64_t)({p.len}); if (nb_{p.name}_len < 0) nb_{p.name}_len = 0;")
        setup.append(f"{p.name} = ({p.ctype})nb_alloc((size_t)nb_{p.name}_len, sizeof *{p.name});")
        setup.append(f"for (int64_t nb_i = 0; nb_i < nb_{p.name}_len; nb_i++) {p.name}[nb_i] = {_draw(p.elem, p.range, False)};")
        setup.append(_guard(p, check_only=True))
    perturb = []
    for p in arrays:
        if p.dir in ("in", "inout"):
            # Four random elements change, one of them to the top of its range, so repeats of
            # extremum kernels (argmax, min/max) see a different answer too, not only sums.
            lo_hi = _draw(p.elem, p.range, False).replace("nb_int(", "nb_hi(").replace("nb_uint(", "nb_hi_u(") \
                .replace("nb_real(", "nb_hi_f(")
            perturb.append(
                f"if (nb_{p.name}_len > 0) {{ for (int nb_j = 0; nb_j < 3; nb_j++) "
                f"{p.name}[nb_next() % (uint64_t)nb_{p.name}_len] = {_draw(p.elem, p.range, False)}; "
                f"{p.name}[nb_next() % (uint64_t)nb_{p.name}_len] = {lo_hi};"
                + (f" if (!nb_hash_mode) nb_seal({p.name});" if p.dir == "in" else "") + " }")
    report = [f'nb_check_{p.elem}("{p.name}", tag, {p.name}, nb_{p.name}_len);'
              for p in arrays if p.dir in ("inout", "out")]
    call = f"{task.function}({', '.join(p.name for p in params)})"
    if task.returns != "void":
        # keep the return value in its own kind: integers compare exactly, floats with tolerance
        kind = SCALARS[task.returns][1]
        acc_t, put = {"f": ("double", "nb_put_f"), "u": ("uint64_t", "nb_put_u")}.get(kind, ("int64_t", "nb_put_i"))
        decls.append(f"static {acc_t} nb_ret_acc;")
        call_stmt = f"nb_ret_acc = ({acc_t}){call};"
        report.append(f'{{ char key[64]; snprintf(key, sizeof key, "ret.%s", tag); {put}("out", key, nb_ret_acc); }}')
    else:
        call_stmt = f"{call};"
    free = [f"nb_free({p.name});" for p in arrays]
    j = "\n    ".join
    return f"""/* Generated by neucomback.suite.harnessgen for task {task.id}. Do not edit. */
{_constants_define(task)}#include "nbh.h"

{prototype(task)}

{chr(10).join(decls)}

static void nb_setup(int64_t nb_n) {{
    nb_size = nb_n;
    {j(setup)}
}}

static void nb_call(int64_t nb_n) {{
    (void)nb_n;
    {call_stmt}
}}

static void nb_perturb(int64_t nb_n) {{
    (void)nb_n;
    {j(perturb)}
}}

static void nb_report(const char *tag) {{
    (void)tag;
    {j(report)}
}}

static void nb_teardown(void) {{
    {j(free)}
}}

NB_L2_MAIN
"""


def harness_source(task: Task) -> str:
    """The harness C source for a task: its own harness.c if present, else a generated one."""
    custom = task.custom_harness
    if custom is not None:
        return custom.read_text()
    return level1_harness(task) if task.level == 1 else level2_harness(task)
