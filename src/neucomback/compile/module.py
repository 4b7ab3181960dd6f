"""A user's LLVM module: loading it (from .ll or .c), reading its function signatures, and
splitting it into one function and the rest with LLVM's own llvm-extract.

Signatures are read from `define` lines as LLVM prints them (one line per definition).
Types the harness cannot synthesise inputs for (aggregates, vectors, wide integers) are
reported, not guessed.
"""

from __future__ import annotations

import re
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

from .. import toolchain
from ..errors import UsageError
from ..harness.build import check_ir_target, ir_command, llc_command
from ..targets import Target

TOOL_TIMEOUT_S = 300
SCALAR_IR = ("i1", "i8", "i16", "i32", "i64", "float", "double", "ptr")
IR_BYTES = {"i1": 1, "i8": 1, "i16": 2, "i32": 4, "i64": 8, "float": 4, "double": 8, "ptr": 8}


@dataclass(frozen=True)
class IrParam:
    """One parameter of a `define`: its IR type, attributes and SSA name (e.g. %0)."""

    type: str
    attrs: tuple[str, ...]
    name: str

    @property
    def signed(self) -> bool | None:
        """True for signext, False for zeroext, None when the IR does not say."""
        return True if "signext" in self.attrs else False if "zeroext" in self.attrs else None


@dataclass(frozen=True)
class IrFunction:
    """A function defined in the module."""

    name: str
    returns: str
    ret_attrs: tuple[str, ...]
    params: tuple[IrParam, ...]
    linkage: str
    body: str = field(repr=False)

    @property
    def lines(self) -> int:
        return self.body.count("\n")

    @property
    def calling_convention(self) -> str | None:
        """`fastcc` and friends, or None for the C calling convention (what a harness calls)."""
        return next((a for a in self.ret_attrs if a.endswith("cc") or a.startswith("cc")), None)


def _run(cmd: list[str], what: str, stdin: str | None = None) -> str:
    try:
        p = subprocess.run(cmd, input=stdin, capture_output=True, text=True, errors="replace", timeout=TOOL_TIMEOUT_S)
    except subprocess.TimeoutExpired:
        raise UsageError(f"{what}: timed out after {TOOL_TIMEOUT_S}s") from None
    if p.returncode != 0:
        lines = p.stderr.strip().splitlines()
        first = next((l for l in lines if "error" in l), lines[0] if lines else f"exit status {p.returncode}")
        raise UsageError(f"{what}: {first.strip()[:300]}")
    return p.stdout


def load_module(path: Path, target: Target) -> str:
    """The IR of `path` (.ll as given; .c compiled the way task IR is made, -O3 for `target`),
    checked to be for `target` and accepted by llc. UsageError on any problem, one line."""
    if not path.exists():
        raise UsageError(f"{path}: no such file")
    if path.suffix == ".c":
        ir = _run(ir_command(target, path, "-"), f"{path}: clang rejects the C source")
    elif path.suffix in (".ll", ".bc"):
        ir = path.read_text(errors="replace") if path.suffix == ".ll" else _run(
            [toolchain.tool("llvm-dis"), str(path), "-o", "-"], f"{path}: not LLVM bitcode")
    else:
        raise UsageError(f"{path}: give LLVM IR (.ll) or C (.c)")
    check_ir_target(ir, target, str(path))
    _run(llc_command(target, "-O0", filetype="null"), f"{path}: llc rejects the IR", ir)
    return ir


_DEFINE = re.compile(r"^define\s+(?P<pre>[^@]*)@(?P<name>[A-Za-z_.$][\w.$]*)\(", re.M)
_GROUP = re.compile(r"\w+\([^()]*\)")
_LINKAGES = ("private", "internal", "weak", "weak_odr", "linkonce", "linkonce_odr", "available_externally",
             "external", "common")


def _matching(text: str, start: int, open_ch: str = "(", close_ch: str = ")") -> int:
    """Index of the bracket closing the one at `start` (nested brackets of any kind counted)."""
    depth = 0
    for i in range(start, len(text)):
        c = text[i]
        if c in "([{<":
            depth += 1
        elif c in ")]}>":
            depth -= 1
            if depth == 0:
                return i
    raise UsageError("malformed IR: unbalanced brackets in a define line")


def _split_top(s: str) -> list[str]:
    """Split at commas outside any brackets."""
    out, depth, cur = [], 0, []
    for c in s:
        if c in "([{<":
            depth += 1
        elif c in ")]}>":
            depth -= 1
        if c == "," and depth == 0:
            out.append("".join(cur))
            cur = []
        else:
            cur.append(c)
    if "".join(cur).strip():
        out.append("".join(cur))
    return [x.strip() for x in out]


def _param(text: str) -> IrParam:
    name = text.split()[-1] if text.split() and text.split()[-1].startswith("%") else ""
    head = text[: len(text) - len(name)].strip()
    if head[:1] in "{<[":
        return IrParam(head[: _matching(head, 0) + 1], (), name)
    tokens = _GROUP.sub(lambda m: m.group(0).split("(")[0], head).split()
    return IrParam(tokens[0] if tokens else "", tuple(tokens[1:]), name)


def functions(ir: str) -> list[IrFunction]:
    """Every function the module defines, in order."""
    out = []
    for m in _DEFINE.finditer(ir):
        close = _matching(ir, m.end() - 1)
        params = tuple(_param(p) for p in _split_top(ir[m.end():close]) if p != "...")
        pre = m.group("pre").strip()
        bare = _GROUP.sub("", pre).split()
        ret = bare[-1] if bare else "void"
        if pre.endswith(("}", ">", "]")):  # an aggregate or vector return type
            ret = pre[pre.rfind({"}": "{", ">": "<", "]": "["}[pre[-1]]):]
        linkage = next((t for t in bare if t in _LINKAGES), "external")
        end = ir.find("\n}", close)
        body = ir[m.start(): end + 2 if end >= 0 else len(ir)]
        out.append(IrFunction(m.group("name"), ret, tuple(bare[:-1]), params, linkage, body))
    return out


def extract(ir: str, names: list[str], *, delete: bool, what: str) -> str:
    """llvm-extract: the module with only `names` defined (delete=False; everything else
    declared), or with `names` deleted (delete=True; kept definitions intact). Internal
    symbols that the two halves share become hidden, so the halves link with each other."""
    cmd = [toolchain.tool("llvm-extract"), "-S", *(["--delete"] if delete else []), *(a for n in names for a in ("-func", n)), "-"]
    return _run(cmd, f"llvm-extract ({what})", ir)


def has_definitions(ir: str) -> bool:
    """Does the module define any function or global variable?"""
    return bool(re.search(r"^define\s", ir, re.M) or re.search(r"^@[\w.$\"]+\s*=\s*(?!external\b)", ir, re.M))


def externalize(ir: str) -> str:
    """The module with every internal or private symbol made hidden (llvm-extract of all of
    it): the per-function halves then link with each other and the composed output defines,
    as global symbols, exactly what this module defines."""
    has_globals = any(" alias " not in l and " ifunc " not in l
                      for l in re.findall(r"^@[\w.$]+\s*=\s*(?!external\b).*$", ir, re.M))
    has_aliases = bool(re.search(r"^@[\w.$\"]+\s*=\s*[\w ]*\balias\b", ir, re.M))
    if not functions(ir):
        return ir
    cmd = [toolchain.tool("llvm-extract"), "-S", "--rfunc", ".*", *(["--rglob", ".*"] if has_globals else []),
           *(["--ralias", ".*"] if has_aliases else []), "-"]  # aliases are symbols the module defines too
    return _run(cmd, "llvm-extract (the whole module)", ir)


_ALIAS = re.compile(r"^@([\w.$]+)\s*=\s*[\w ]*\balias\b[^@\n]*@([\w.$]+)", re.M)


def aliased(ir: str) -> dict[str, list[str]]:
    """{function: the aliases that name it}. An alias must point to a definition, so a function
    with aliases stays in the trusted part of the module, together with them."""
    out: dict[str, list[str]] = {}
    for alias, target in _ALIAS.findall(ir):
        out.setdefault(target, []).append(alias)
    return out


_GLOBAL_VAR = re.compile(r"^@([\w.$]+)\s*=\s*([^\n]*?)\bglobal\s+([^\n]*)$", re.M)


def observable_globals(ir: str, target: Target) -> tuple[list[tuple[str, int]], dict[str, str]]:
    """The module's writable globals whose bytes a test can compare between two processes:
    ([(symbol, size in bytes)], {skipped symbol: why}). Sizes are the symbol sizes in llc's
    object for the module. A global holding a pointer is skipped (addresses differ from one
    process to the next), as is a thread-local one."""
    wanted: list[str] = []
    skipped: dict[str, str] = {}
    named = dict(re.findall(r"^(%[\w.$\"]+)\s*=\s*type\s+(.*)$", ir, re.M))
    for name, pre, rest in _GLOBAL_VAR.findall(ir):
        if "alias" in pre or "external" in pre.split():
            continue
        if "thread_local" in pre:
            skipped[name] = "thread-local"
        elif _holds_pointer(_leading_type(rest), named):
            skipped[name] = "holds a pointer"
        else:
            wanted.append(name)
    if not wanted:
        return [], skipped
    from ..harness.symbols import read_elf

    import tempfile
    with tempfile.TemporaryDirectory() as tmp:
        obj = Path(tmp) / "m.o"
        _run(llc_command(target, "-O0", out=obj, filetype="obj"),
             "llc (sizes of the module's globals)", ir)
        sizes = {s.name: s.size for s in read_elf(obj).symbols if s.defined}
    return [(n, sizes[n]) for n in wanted if sizes.get(n)], skipped


def _leading_type(text: str) -> str:
    """The IR type at the start of `text` (a bracketed aggregate or one token)."""
    text = text.strip()
    if text[:1] in "[{<":
        return text[: _matching(text, 0) + 1]
    return text.split()[0] if text.split() else ""


def _holds_pointer(ir_type: str, named: dict[str, str], depth: int = 0) -> bool:
    """Does `ir_type` contain a pointer, looking through named struct types?"""
    if re.search(r"\bptr\b", ir_type):
        return True
    if depth > 16:
        return True  # a type this deep is not worth the risk: treat it as holding one
    return any(_holds_pointer(named.get(t, ""), named, depth + 1) for t in re.findall(r"%[\w.$\"]+", ir_type))


def internal_names(ir: str) -> set[str]:
    """The module's internal and private symbols (functions and globals)."""
    names = {f.name for f in functions(ir) if f.linkage in ("internal", "private")}
    names |= set(re.findall(r"^@([\w.$]+)\s*=\s*(?:internal|private)\b", ir, re.M))
    return names
