"""The task format (see docs/task-format.md).

A task is a directory with `task.toml` (metadata and signature), `ref.c` (the reference C
function) and optionally `harness.c` (a hand-written harness; otherwise one is generated
from the signature by `neucomback.suite.harnessgen`).
"""

from __future__ import annotations

import hashlib
import tomllib
from dataclasses import dataclass, field
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
    cases: int = 32
    seed: int = 0
    rel_tol: float = 0.0           # floats compare bit-exactly unless the task opts in
    abs_tol: float = 0.0
    ulps: int = 0
    sizes: list[int] = field(default_factory=lambda: [1, 7, 1003])
    time_size: int = 100000
    extra_sources: list[str] = field(default_factory=list)
    source: str = "builtin"
    meta: dict[str, Any] = field(default_factory=dict)

    @property
    def ref_c(self) -> Path:
        return self.path / "ref.c"

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
        description=str(data.get("description", "")), cases=int(data.get("cases", 32)),
        seed=int(data.get("seed", _default_seed(str(data["id"])))),
        rel_tol=float(tol.get("rel", 0.0)), abs_tol=float(tol.get("abs", 0.0)), ulps=int(tol.get("ulps", 0)),
        sizes=[int(s) for s in data.get("sizes", [1, 7, 1003])],
        time_size=int(data.get("time_size", 100000)),
        extra_sources=list(data.get("extra_sources", [])),
        source=str(data.get("source", "builtin")), meta=dict(data.get("meta", {})),
    )
    if (task.rel_tol or task.abs_tol or task.ulps) and not str(tol.get("reason", "")).strip():
        raise UsageError(f"{where}: a [tolerance] must say why the IR is not exact (`reason = ...`)")
    if task.level not in (1, 2):
        raise UsageError(f"{where}: level must be 1 or 2")
    if task.split is not None and task.split not in SPLITS:
        raise UsageError(f"{where}: split must be one of {SPLITS}")
    if task.returns != "void" and task.returns not in SCALARS:
        raise UsageError(f"{where}: unknown return type {task.returns!r}")
    if not task.ref_c.exists():
        raise UsageError(f"{path}: no ref.c")
    return task


def _default_seed(task_id: str) -> int:
    return int.from_bytes(hashlib.sha256(task_id.encode()).digest()[:4], "little")
