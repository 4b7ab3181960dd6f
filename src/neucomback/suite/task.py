"""The task format (see docs/task-format.md).

A task is a directory with `task.toml` (metadata and signature), `ref.c` (the reference C
function) and optionally `harness.c` (a hand-written harness; otherwise one is generated
from the signature by `neucomback.suite.harnessgen`).
"""

from __future__ import annotations

import hashlib
import re
import tomllib
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from ..errors import UsageError

SCALARS: dict[str, tuple[str, str]] = {
    # name: (C type, kind) where kind is i (signed), u (unsigned) or f (floating)
    "i8": ("int8_t", "i"), "u8": ("uint8_t", "u"), "i16": ("int16_t", "i"), "u16": ("uint16_t", "u"),
    "i32": ("int32_t", "i"), "u32": ("uint32_t", "u"), "i64": ("int64_t", "i"), "u64": ("uint64_t", "u"),
    "f32": ("float", "f"), "f64": ("double", "f"), "char": ("char", "c"),
}
SPLITS = ("train", "valid", "test")
ELEM_BYTES = {"i8": 1, "u8": 1, "char": 1, "i16": 2, "u16": 2, "i32": 4, "u32": 4, "f32": 4, "i64": 8, "u64": 8,
              "f64": 8}
# The widest stretch of elements one iteration of a vectorised loop covers: 16-byte vectors
# (SSE2, NEON) and up to 4 of them interleaved (llc's vectoriser). Checks run every size up
# to twice that, so each vector body, remainder loop and their hand-off is exercised.
VECTOR_BYTES, INTERLEAVE = 16, 4
# Level 1 cases per task unless task.toml says otherwise. 128, not 32: re-verifying the
# mutants that 32 cases let through (docs/test-strength.md), 64 cases killed 20 of 35
# demonstrable gaps and 128 killed 26, for a run that stays dominated by process start-up.
DEFAULT_CASES = 128


@dataclass(frozen=True)
class Param:
    """One function parameter as declared in task.toml.

    `type` is a scalar name (`i32`), an array (`f64[]`, pointer plus `len` C expression) or
    `str` (NUL-terminated char buffer). `dir` is in/inout/out for pointers. `range` bounds the
    generated values (numbers, or C expressions for Level 2). `value` fixes a scalar to a C
    expression (Level 2 sizes). `role = "len"` draws a scalar as a length (empty, 1, max).
    """

    name: str
    type: str
    dir: str = "in"
    len: str | None = None
    range: tuple[Any, Any] | None = None
    value: str | None = None
    role: str | None = None
    special: bool = False
    min_len: int = 0
    max_len: int = 32
    alphabet: str | None = None

    @property
    def is_array(self) -> bool:
        return self.type.endswith("[]")

    @property
    def is_str(self) -> bool:
        return self.type == "str"

    @property
    def elem(self) -> str:
        """Scalar element type name (for arrays) or the type itself."""
        return self.type[:-2] if self.is_array else ("char" if self.is_str else self.type)

    @property
    def ctype(self) -> str:
        base = SCALARS[self.elem][0]
        return f"{base} *" if (self.is_array or self.is_str) else base


@dataclass
class Task:
    """A benchmark task: one C function, its signature and how to test it."""

    id: str
    level: int
    path: Path
    function: str
    returns: str = "void"
    params: list[Param] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)
    split: str | None = None
    description: str = ""
    cases: int = DEFAULT_CASES
    seed: int = 0
    rel_tol: float = 0.0           # floats compare bit-exactly unless the task opts in
    abs_tol: float = 0.0
    ulps: int = 0
    sizes: list[int] = field(default_factory=lambda: [1, 7, 1003])
    time_size: int = 100000
    extra_sources: list[str] = field(default_factory=list)
    source: str = "builtin"
    meta: dict[str, Any] = field(default_factory=dict)
    # the function the candidate writes, when it is not `function` itself: a piece of a
    # decomposed function, tested through its caller `function` (compile --decompose)
    translates: str | None = None
    # module globals whose bytes the harness prints after every call (compile tasks: a
    # function's effect on global state is part of what it computes): (symbol, bytes)
    observe: list[tuple[str, int]] = field(default_factory=list)

    @property
    def writes(self) -> str:
        """The function a candidate for this task must define."""
        return self.translates or self.function
    # Inputs added by `suite strength --augment` (augment.toml), run after the task's own:
    # Level 1 cases as (seed, case index) of the harness generator; Level 2 runs as (seed,
    # plan entry, size), entry K of a run plan under that seed.
    added_cases: tuple[tuple[int, int], ...] = ()
    added_runs: tuple[tuple[int, int, int], ...] = ()
    # Level 1 cases given value by value (counterexamples of the proof tier, `--prove`): (seed
    # of the run's register and canary values, the draws in the harness's order as 64-bit raw
    # values; see nb_take in nbh.h).
    added_values: tuple[tuple[int, tuple[int, ...]], ...] = ()
    # The root of the suite it was loaded from (its strength record lives there); not part
    # of the task's behaviour or fingerprint.
    suite_root: Path | None = None

    @property
    def check_sizes(self) -> list[int]:
        """The sizes a Level 2 check runs: every size from 1 to twice the vectorised span of
        its narrowest array element, capped at its largest own size (kernels quadratic or cubic
        in n keep their small sizes) and its own sizes (added runs come after them)."""
        elems = [ELEM_BYTES[p.elem] for p in self.params if p.is_array and p.elem in ELEM_BYTES]
        span = 2 * INTERLEAVE * VECTOR_BYTES // min(elems, default=8)
        dense = range(1, min(span, max(self.sizes, default=1)) + 1)
        return sorted(set(dense) | set(self.sizes))

    @property
    def added_count(self) -> int:
        """How many inputs `suite strength --augment` added (cases or sizes)."""
        return len(self.added_cases) + len(self.added_runs) + len(self.added_values)

    @property
    def ref_c(self) -> Path:
        return self.path / "ref.c"

    @property
    def ref_ll(self) -> Path | None:
        """The task's reference as LLVM IR (tasks made by `compile` from a user's module: the
        IR is the oracle, for one target), or None for a task with a C reference."""
        p = self.path / "ref.ll"
        return p if p.exists() and not self.ref_c.exists() else None

    @property
    def ref_source(self) -> Path:
        """The reference source file: ref.c, or ref.ll for IR tasks."""
        return self.ref_ll or self.ref_c

    @property
    def support_ll(self) -> Path | None:
        """Trusted IR linked into every build of the task, reference and candidate alike (the
        rest of a user's module: its other functions and its globals), or None."""
        p = self.path / "support.ll"
        return p if p.exists() else None

    @property
    def custom_harness(self) -> Path | None:
        """The task's own harness source (C, or C++ for imported tasks), if it has one."""
        for name in ("harness.c", "harness.cpp"):
            p = self.path / name
            if p.exists():
                return p
        return None

    def fingerprint(self) -> str:
        """Hash of everything that defines the task's behaviour (for cache keys)."""
        h = hashlib.sha256()
        for p in sorted(self.path.rglob("*")):
            if p.is_file() and "__pycache__" not in p.parts:
                h.update(p.relative_to(self.path).as_posix().encode())
                h.update(p.read_bytes())
        return h.hexdigest()[:20]


def _param(d: dict[str, Any], where: str) -> Param:
    try:
        p = Param(
            name=d["name"], type=d["type"], dir=d.get("dir", "in"), len=_opt_str(d.get("len")),
            range=tuple(d["range"]) if "range" in d else None,  # type: ignore[arg-type]
            value=_opt_str(d.get("value")), role=d.get("role"), special=bool(d.get("special", False)),
            min_len=int(d.get("min_len", 0)), max_len=int(d.get("max_len", 32)), alphabet=d.get("alphabet"),
        )
    except KeyError as e:
        raise UsageError(f"{where}: parameter is missing {e.args[0]!r}") from None
    if p.name.startswith("nb_") or not p.name.isidentifier():
        raise UsageError(f"{where}: parameter name {p.name!r} is invalid (names starting with nb_ are reserved)")
    if p.elem not in SCALARS:
        raise UsageError(f"{where}: parameter {p.name!r} has unknown type {p.type!r}")
    if p.is_array and p.len is None:
        raise UsageError(f"{where}: array parameter {p.name!r} needs a `len` expression")
    if p.dir not in ("in", "inout", "out"):
        raise UsageError(f"{where}: parameter {p.name!r} has bad dir {p.dir!r}")
    return p


def parse_param(d: dict[str, Any], where: str) -> Param:
    """One [[params]] entry (a dict as read from TOML); UsageError naming `where` if bad."""
    if not isinstance(d, dict):
        raise UsageError(f"{where}: each parameter must be a table, got {d!r}")
    return _param(d, where)


def _opt_str(v: Any) -> str | None:
    return None if v is None else str(v)


def load_task(path: Path) -> Task:
    """Parse `path/task.toml`; raise UsageError with the file name on any format problem."""
    toml_path = path / "task.toml"
    try:
        data = tomllib.loads(toml_path.read_text())
    except FileNotFoundError:
        raise UsageError(f"{path}: no task.toml") from None
    except tomllib.TOMLDecodeError as e:
        raise UsageError(f"{toml_path}: {e}") from None
    where = str(toml_path)
    for key in ("id", "level", "function"):
        if key not in data:
            raise UsageError(f"{where}: missing required key {key!r}")
    tol = data.get("tolerance", {})
    task = Task(
        id=str(data["id"]), level=int(data["level"]), path=path, function=str(data["function"]),
        returns=str(data.get("returns", "void")),
        params=[_param(p, where) for p in data.get("params", [])],
        tags=list(data.get("tags", [])), split=data.get("split"),
        description=str(data.get("description", "")), cases=int(data.get("cases", DEFAULT_CASES)),
        seed=int(data.get("seed", _default_seed(str(data["id"])))),
        rel_tol=float(tol.get("rel", 0.0)), abs_tol=float(tol.get("abs", 0.0)), ulps=int(tol.get("ulps", 0)),
        sizes=[int(s) for s in data.get("sizes", [1, 7, 1003])],
        time_size=int(data.get("time_size", 100000)),
        extra_sources=list(data.get("extra_sources", [])),
        source=str(data.get("source", "builtin")), meta=dict(data.get("meta", {})),
        translates=str(data["translates"]) if data.get("translates") else None,
        observe=_observe(data.get("observe", []), where),
    )
    task = _with_augment(task)
    if (task.rel_tol or task.abs_tol or task.ulps) and not str(tol.get("reason", "")).strip():
        raise UsageError(f"{where}: a [tolerance] must say why the IR is not exact (`reason = ...`)")
    if task.level not in (1, 2):
        raise UsageError(f"{where}: level must be 1 or 2")
    if task.observe and (task.level != 1 or task.custom_harness is not None):
        raise UsageError(f"{where}: `observe` is for Level 1 tasks with a generated harness")
    if task.split is not None and task.split not in SPLITS:
        raise UsageError(f"{where}: split must be one of {SPLITS}")
    if task.returns != "void" and task.returns not in SCALARS:
        raise UsageError(f"{where}: unknown return type {task.returns!r}")
    if not task.ref_source.exists():
        raise UsageError(f"{path}: no ref.c (or ref.ll)")
    return task


def _observe(entries: Any, where: str) -> list[tuple[str, int]]:
    """`observe = [{ symbol = "counter", bytes = 4 }, ...]` -> [("counter", 4), ...]."""
    out = []
    if not isinstance(entries, list):
        raise UsageError(f"{where}: `observe` must be a list of {{ symbol = ..., bytes = ... }}")
    for e in entries:
        ok = isinstance(e, dict) and isinstance(e.get("symbol"), str) and isinstance(e.get("bytes"), int) \
            and not isinstance(e.get("bytes"), bool)
        if not ok or not re.fullmatch(r"[A-Za-z_.$][\w.$]*", e["symbol"]) or not 0 < e["bytes"] <= 1 << 26:
            raise UsageError(f"{where}: bad `observe` entry {e!r}: give a symbol name and its size in bytes (1..64 MiB)")
        out.append((e["symbol"], e["bytes"]))
    return out


def _default_seed(task_id: str) -> int:
    return int.from_bytes(hashlib.sha256(task_id.encode()).digest()[:4], "little")


AUGMENT_FILE = "augment.toml"


def _with_augment(task: Task) -> Task:
    """`task` with the inputs of its augment.toml (written by `suite strength --augment`)."""
    path = task.path / AUGMENT_FILE
    if not path.exists():
        return task
    try:
        added = tomllib.loads(path.read_text()).get("added", [])
        cases = tuple((int(a["case"][0]), int(a["case"][1])) for a in added if "case" in a)
        runs = tuple((int(a["run"][0]), int(a["run"][1]), int(a["run"][2])) for a in added if "run" in a)
        values = tuple((int(a["values"][0]), tuple(int(x, 16) for x in str(a["values"][1]).split(",") if x))
                       for a in added if "values" in a)
    except (tomllib.TOMLDecodeError, TypeError, ValueError, KeyError, IndexError) as e:
        raise UsageError(f"{path}: {e}") from None
    if any(k < 0 for _, k in cases) or any(s < 1 or k < 0 or n < 1 for s, k, n in runs) or \
            any(not 0 <= x < 1 << 64 for _, draws in values for x in draws):
        raise UsageError(f"{path}: seeds and sizes must be >= 1 and indices >= 0")
    # an own harness takes added runs only where its sizes are variants that draw their inputs
    # from the run's seed (imported TSVC kernels, nbh.h's run plan); elsewhere they mean nothing
    if task.custom_harness is not None and runs and not task.meta.get("sizes_are_variants"):
        raise UsageError(f"{path}: a Level 2 task with its own harness cannot take added runs")
    if values and (task.level != 1 or task.custom_harness is not None):
        raise UsageError(f"{path}: cases given value by value are for Level 1 tasks with a generated harness")
    return replace(task, added_cases=cases, added_runs=runs, added_values=values)
