"""What a candidate object may define, read from the assembled ELF object itself.

Contract: `object_policy(candidate_obj, reference_obj)` returns "" when the candidate's
object defines, as global or weak symbols, only what the task's IR defines (its functions
and globals, read from llc's own object for that IR), and otherwise feedback naming every
violation. It never raises on a bad candidate object (an unreadable one is a violation).

Why: the candidate is linked into the harness's process. A global definition of anything
else (a libc function such as clock_gettime, a harness symbol), a constructor or destructor
section, an ifunc (its resolver runs at load time) or a versioned symbol would run candidate
code outside the call being judged, or replace code the harness relies on. Text rules would
miss what macros, `.set` or `.symver` produce, so the object file is read, not the source.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass
from pathlib import Path

# sections whose code or pointers run outside the judged call (by name prefix or by type)
FORBIDDEN_SECTION_PREFIXES = (".init_array", ".fini_array", ".preinit_array", ".ctors", ".dtors", ".init", ".fini",
                              ".gnu.version", ".gnu.ifunc")
FORBIDDEN_SECTION_TYPES = {14: "INIT_ARRAY", 15: "FINI_ARRAY", 16: "PREINIT_ARRAY",
                           0x6FFFFFFF: "GNU_versym", 0x6FFFFFFE: "GNU_verneed", 0x6FFFFFFD: "GNU_verdef"}
_BIND = {0: "local", 1: "global", 2: "weak", 10: "unique"}
STT_GNU_IFUNC = 10
SHN_UNDEF = 0


@dataclass(frozen=True)
class Symbol:
    name: str
    bind: str          # local | global | weak | unique | other
    type: int
    defined: bool
    size: int = 0


@dataclass(frozen=True)
class ElfObject:
    sections: list[tuple[str, int]]  # (name, sh_type)
    symbols: list[Symbol]


def read_elf(path: Path) -> ElfObject:
    """Sections and symbols of a 64-bit little-endian ELF relocatable; ValueError if malformed."""
    data = path.read_bytes()
    if data[:4] != b"\x7fELF" or data[4] != 2 or data[5] != 1:
        raise ValueError("not a 64-bit little-endian ELF file")
    try:
        shoff, = struct.unpack_from("<Q", data, 0x28)
        shentsize, shnum, shstrndx = struct.unpack_from("<HHH", data, 0x3A)
        headers = [struct.unpack_from("<IIQQQQIIQQ", data, shoff + i * shentsize) for i in range(shnum)]
        shstr = headers[shstrndx]

        def cstr(table_off: int, off: int) -> str:
            end = data.index(b"\0", table_off + off)
            return data[table_off + off:end].decode("utf-8", errors="replace")

        sections = [(cstr(shstr[4], h[0]), h[1]) for h in headers]
        symbols: list[Symbol] = []
        for h in headers:
            if h[1] != 2:  # SHT_SYMTAB
                continue
            strtab = headers[h[6]]
            for off in range(h[4], h[4] + h[5], 24):
                name, info, _other, shndx, _value, size = struct.unpack_from("<IBBHQQ", data, off)
                symbols.append(Symbol(cstr(strtab[4], name), _BIND.get(info >> 4, "other"), info & 0xF,
                                      shndx != SHN_UNDEF, size))
    except (struct.error, IndexError) as e:
        raise ValueError(f"truncated or malformed ELF file ({e})") from None
    return ElfObject(sections, symbols)


def exported(obj: ElfObject) -> dict[str, str]:
    """Defined non-local symbols: name -> binding."""
    return {s.name: s.bind for s in obj.symbols if s.defined and s.bind != "local" and s.name}


def object_policy(candidate: Path, reference: Path) -> str:
    """"" if the candidate object keeps to the symbols and sections of the IR, else feedback."""
    try:
        cand = read_elf(candidate)
    except (OSError, ValueError) as e:
        return f"The assembled object could not be read: {e}."
    allowed = exported(read_elf(reference))
    problems: list[str] = []
    for name, sh_type in cand.sections:
        kind = FORBIDDEN_SECTION_TYPES.get(sh_type)
        if kind or any(name == p or name.startswith(p + ".") for p in FORBIDDEN_SECTION_PREFIXES):
            problems.append(f"section `{name}`{f' ({kind})' if kind else ''}: constructor, destructor, "
                            "init/fini or symbol-versioning sections are not allowed")
    for s in cand.symbols:
        if s.type == STT_GNU_IFUNC:
            problems.append(f"symbol `{s.name}` is an ifunc (`@gnu_indirect_function`): not allowed")
        if "@" in s.name:
            problems.append(f"symbol `{s.name}` is versioned (`.symver`): not allowed")
    for name, bind in sorted(exported(cand).items()):
        if name not in allowed:
            problems.append(f"`{name}` is defined as a {bind} symbol, but the IR does not define it: make it "
                            "local (no `.globl`/`.weak`) or rename it")
        elif bind != allowed[name]:
            problems.append(f"`{name}` is {bind} here but {allowed[name]} in the IR")
    if not problems:
        return ""
    want = ", ".join(f"`{n}`" for n in sorted(allowed)) or "nothing"
    shown = "\n".join(f"- {p}" for p in dict.fromkeys(problems).keys())
    return (f"The object defines what the task does not allow:\n{shown}\n"
            f"Global symbols allowed (those the IR defines): {want}. Helpers and data of your own must be local.")
