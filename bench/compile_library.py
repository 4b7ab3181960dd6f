#!/usr/bin/env python3
"""A real library no one here wrote, compiled by `neucomback compile`, then tested by its own test suite.

The library is libmd 1.0.4 (message digests: MD2, MD4, MD5, RIPEMD-160, SHA-1, SHA-2; BSD/ISC),
taken as Debian bookworm's source package (the orig tarball, checked against its sha256). It is
configured and built with its own build system (so the generated sources and config.h are its
own), its 14 sources are compiled to -O3 IR and linked into one module, and that module goes
through `neucomback compile` with the given model (default: the fault-injecting provider at rate
0.3, no self-debug rounds: 30% of the first replies carry a mistake, and only the verifier stands
between them and the library). The output is assembled with the system assembler, put in place of
the archive the build made (src/.libs/libmd.a), the test programs are relinked, and the library's
own `make check` runs.

A control run does the same with one known mistake planted in llc's code for MD5Transform (the
first mutant of `suite strength`'s operators that the tests catch): `make check` must fail then,
which shows that the tests run against the substituted archive and can see a wrong function.

Pointer arguments whose lengths the IR does not make evident get them from an --arg-spec written
here from the library's headers (the context structs' sizes, measured by compiling a probe with
them); the functions still without one (MD2's Update and Final, whose context holds an index a
random buffer would send out of bounds, and everything returning a pointer) are taken from llc
(`--missing-spec fallback`), and the output says so.

usage: .venv/bin/python bench/compile_library.py [--model 'faulty:llc-O3?rate=0.3&seed=1'] [--debug-rounds 0]
       [--work DIR] [--json OUT]
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tarfile
import time
import urllib.request
from pathlib import Path

from neucomback.targets import get_target

NCB = [sys.executable, "-m", "neucomback.cli.main"]
URL = "http://deb.debian.org/debian/pool/main/libm/libmd/libmd_1.0.4.orig.tar.xz"
SHA256 = "f51c921042e34beddeded4b75557656559cf5b1f2448033b4c1eec11c07e530f"  # bookworm's Sources index
SOURCES = ["md2", "md4", "md5", "rmd160", "sha1", "sha2", "md2hl", "md4hl", "md5hl", "rmd160hl", "sha1hl",
           "sha256hl", "sha384hl", "sha512hl"]
# digest -> (context type, digest bytes); SHA-384's Update/Pad/Transform are aliases of SHA-512's
DIGESTS = {"MD4": ("MD4_CTX", 16), "MD5": ("MD5_CTX", 16), "RMD160": ("RMD160_CTX", 20), "SHA1": ("SHA1_CTX", 20),
           "SHA256": ("SHA2_CTX", 32), "SHA384": ("SHA2_CTX", 48), "SHA512": ("SHA2_CTX", 64)}


def sh(cmd: list[str], cwd: Path, **kw: object) -> subprocess.CompletedProcess[str]:
    return subprocess.run(cmd, cwd=cwd, text=True, capture_output=True, **kw)  # type: ignore[call-overload]


def fetch(work: Path) -> Path:
    """The orig tarball (cached under `work`), verified, unpacked fresh."""
    tar = work / Path(URL).name
    if not tar.exists() or hashlib.sha256(tar.read_bytes()).hexdigest() != SHA256:
        with urllib.request.urlopen(URL, timeout=120) as r:
            tar.write_bytes(r.read())
    digest = hashlib.sha256(tar.read_bytes()).hexdigest()
    if digest != SHA256:
        raise SystemExit(f"{URL}: sha256 {digest}, expected {SHA256}")
    src = work / "libmd-1.0.4"
    shutil.rmtree(src, ignore_errors=True)
    with tarfile.open(tar) as t:
        t.extractall(work, filter="data")
    return src


def build(src: Path) -> None:
    """The library's own configure and make (static only: the tests then link the archive)."""
    for cmd in (["./configure", "--disable-shared", "CC=clang-19"], ["make", "-j2"]):
        p = sh(cmd, src)
        if p.returncode != 0:
            raise SystemExit(f"{' '.join(cmd)} failed:\n{p.stdout[-2000:]}{p.stderr[-2000:]}")


def module_ir(src: Path, out: Path) -> Path:
    """Every source of the library at -O3 as IR, linked into one module."""
    flags = ["-DHAVE_CONFIG_H", "-I..", "-I.", "-I../include", "-O3"]
    lls = []
    for name in SOURCES:
        ll = out / f"{name}.ll"
        p = sh(["clang-19", *flags, "-S", "-emit-llvm", f"{name}.c", "-o", str(ll)], src / "src")
        if p.returncode != 0:
            raise SystemExit(f"clang on {name}.c failed: {p.stderr[-1000:]}")
        lls.append(str(ll))
    module = out / "libmd.ll"
    p = sh(["llvm-link-19", "-S", *lls, "-o", str(module)], out)
    if p.returncode != 0:
        raise SystemExit(f"llvm-link failed: {p.stderr[-1000:]}")
    return module


def struct_sizes(src: Path, out: Path) -> dict[str, int]:
    """sizeof of each context struct, from the library's own headers."""
    types = sorted({t for t, _ in DIGESTS.values()} | {"MD2_CTX"})
    probe = out / "sizes.c"
    headers = "".join(f"#include <{h}.h>\n" for h in ("md2", "md4", "md5", "rmd160", "sha1", "sha2"))
    probe.write_text("#include <stdio.h>\n" + headers + "int main(void) {\n"
                     + "".join(f'    printf("{t} %zu\\n", sizeof({t}));\n' for t in types) + "}\n")
    exe = out / "sizes"
    p = sh(["clang-19", f"-I{src}", f"-I{src / 'include'}", "-include", "config.h", str(probe), "-o", str(exe)], out)
    if p.returncode != 0:
        raise SystemExit(f"size probe failed: {p.stderr[-1000:]}")
    return {k: int(v) for k, v in (line.split() for line in sh([str(exe)], out).stdout.splitlines())}


def arg_spec(sizes: dict[str, int]) -> str:
    """Lengths for the context and data pointers of the functions the IR leaves open."""
    def ctx(t: str, d: str = "inout") -> str:
        return f'{{ name = "ctx", type = "u8[]", len = "{sizes[t]}", dir = "{d}" }}'
    data = '{ name = "data", type = "u8[]", len = "n" }, { name = "n", type = "u64", range = [0, 300], role = "len" }'
    out = [f"[MD2Init]\nparams = [{ctx('MD2_CTX')}]\n", f"[MD2Transform]\nparams = [{ctx('MD2_CTX')}]\n"]
    for h, (t, dlen) in DIGESTS.items():
        out.append(f"[{h}Init]\nparams = [{ctx(t)}]\n")
        out.append(f'[{h}Final]\nparams = [{{ name = "digest", type = "u8[]", len = "{dlen}", dir = "out" }}, {ctx(t)}]\n')
        if h != "SHA384":
            out.append(f"[{h}Update]\nparams = [{ctx(t)}, {data}]\n")
            out.append(f"[{h}Pad]\nparams = [{ctx(t)}]\n")
    block = {"SHA256": (32, 64), "SHA512": (64, 128)}
    for h, (state, blk) in block.items():
        out.append(f'[{h}Transform]\nparams = [{{ name = "state", type = "u8[]", len = "{state}", dir = "inout" }}, '
                   f'{{ name = "data", type = "u8[]", len = "{blk}" }}]\n')
    return "\n".join(out)


def make_check(src: Path, asm: Path, label: str) -> dict[str, object]:
    """Assemble `asm`, make it the library's archive, relink the tests, run `make check`."""
    obj = asm.with_suffix(".o")
    p = subprocess.run(["as", "--64", str(asm), "-o", str(obj)], capture_output=True, text=True)  # the system assembler
    if p.returncode != 0:
        return {"label": label, "assembled": False, "error": p.stderr[-2000:]}
    archive = src / "src" / ".libs" / "libmd.a"
    archive.unlink()
    sh(["ar", "rcs", str(archive), str(obj)], src, check=True)
    sh(["make", "-C", "test", "clean"], src, check=True)
    p = sh(["make", "check", "LDFLAGS=-no-pie"], src)
    summary = {k: int(v) for k, v in (l[2:].split(":") for l in p.stdout.splitlines()
                                      if l.startswith("# ") and ":" in l and l[2:].split(":")[1].strip().isdigit())}
    results = [l for l in p.stdout.splitlines() if l.startswith(("PASS:", "FAIL:", "ERROR:"))]
    # the archive the tests linked is ours: the one object we put in it
    members = sh(["ar", "t", str(archive)], src).stdout.split()
    return {"label": label, "assembled": True, "archive_members": members, "make_check_exit": p.returncode,
            "summary": summary, "results": results}


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--model", default="faulty:llc-O3?rate=0.3&seed=1")
    ap.add_argument("--debug-rounds", default="0")
    ap.add_argument("--work", type=Path, default=Path(os.environ.get("TMPDIR", "/tmp")) / "ncb-libmd")
    ap.add_argument("--json", type=Path)
    args = ap.parse_args()
    work = args.work.resolve()
    work.mkdir(parents=True, exist_ok=True)
    t0 = time.monotonic()
    src = fetch(work)
    build(src)
    ir_dir = work / "ir"
    ir_dir.mkdir(exist_ok=True)
    module = module_ir(src, ir_dir)
    spec = ir_dir / "spec.toml"
    spec.write_text(arg_spec(struct_sizes(src, ir_dir)))
    prepared = time.monotonic() - t0

    out = work / "libmd.s"
    run_dir = work / "run"
    shutil.rmtree(run_dir, ignore_errors=True)  # a fresh run: no resumed verdicts, no replayed replies
    t1 = time.monotonic()
    p = subprocess.run([*NCB, "compile", str(module), "-o", str(out), "--model", args.model, "--debug-rounds",
                        args.debug_rounds, "--arg-spec", str(spec), "--missing-spec", "fallback", "--run-dir",
                        str(run_dir), "--no-cache", "--json"], capture_output=True, text=True)
    compile_s = time.monotonic() - t1
    if p.returncode not in (0, 3):
        print(p.stdout[-3000:], p.stderr[-3000:], file=sys.stderr)
        raise SystemExit(f"compile exited {p.returncode}")
    summary = json.loads(p.stdout)
    fns = summary["functions"]
    written = [f["name"] for f in fns if f["outcome"] == "model-written"]
    rounds_failed = sum(1 for f in fns if f["outcome"] == "fallback" and f["cases"] and "infrastructure" not in f["why"])
    infra = sum(1 for f in fns if f["outcome"] == "fallback" and "infrastructure" in f["why"])
    checked = make_check(src, out, "compiled")

    control = control_run(src, work, ir_dir, module)
    report = {
        "library": "libmd 1.0.4 (Debian bookworm source)", "model": args.model,
        "debug_rounds": int(args.debug_rounds), "functions": len(fns), "model_written": len(written),
        "fell_back": summary["fell_back"], "fell_back_after_failing_tests": rounds_failed,
        "fell_back_infrastructure": infra, "fell_back_untestable": summary["fell_back"] - rounds_failed - infra,
        "undetected_mutants": summary.get("undetected_mutants"),
        "undetected": [f["name"] for f in fns if f.get("differs_from_llc")],
        "prepare_s": round(prepared, 1), "compile_s": round(compile_s, 1), "make_check": checked,
        "control_with_planted_mistake": control, "exit": p.returncode,
    }
    text = json.dumps(report, indent=2)
    print(text)
    if args.json:
        args.json.write_text(text + "\n")
    passed = checked.get("summary", {})
    ok = (checked.get("make_check_exit") == 0 and passed.get("TOTAL", 0) > 0 and passed.get("PASS") == passed["TOTAL"]
          and control.get("summary", {}).get("FAIL", 0) >= 1)
    return 0 if ok else 1


def control_run(src: Path, work: Path, ir_dir: Path, module: Path) -> dict[str, object]:
    """llc's code for the whole module with one mutant of MD5Transform that its own task's
    tests reject: the library's tests must fail on it too."""
    from neucomback.suite.strength.mutate import mutants

    target = get_target("x86_64")
    llc = sh(["llc-19", *target.llc_flags, "-O3", str(module), "-o", "-"], work, check=True).stdout
    import re

    start = re.search(r"^MD5Transform:", llc, re.M).start()  # type: ignore[union-attr]
    end = llc.index(".Lfunc_end", start)
    body = llc[start:end]
    for m in mutants(body, "x86_64", 8, "libmd-control"):
        if m.asm != body:
            planted = work / "libmd-planted.s"
            planted.write_text(llc[:start] + m.asm + llc[end:])
            res = make_check(src, planted, f"llc -O3 with one planted mistake in MD5Transform ({m.operator})")
            if res.get("summary", {}).get("FAIL", 0) >= 1:  # the tests ran, and one failed
                return res
    return {"label": "no planted mistake in MD5Transform made a test of make check fail", "summary": {}}


if __name__ == "__main__":
    raise SystemExit(main())
