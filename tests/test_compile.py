"""`neucomback compile`: a user's module through the agent, verified or refused, composed
into one assembly file. Real toolchain, real sandbox, the CLI as a user runs it."""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path

import pytest

from neucomback.compile.compose import Part, blamed_part, compose, localize
from neucomback.compile.module import functions
from neucomback.compile.run import Verified, compose_output, prepare
from neucomback.compile.signature import NeedsSpec
from neucomback.errors import UsageError
from neucomback.harness.build import ir_for
from neucomback.harness.evaluate import Evaluator
from neucomback.targets import get_target

from test_cli import ncb

MODULE_C = """
static const int table[4] = {1, 2, 3, 5};
__attribute__((noinline)) static int helper(int x) { return table[x & 3] * x; }
int counter;
int f(int a, int b) { counter++; return helper(a) - helper(b); }
unsigned short g(unsigned short *p, int n) { unsigned short s = 0; for (int i = 0; i < n; i++) s += p[i] ^ i; return s; }
long h(signed char c, _Bool z) { return z ? c : -c; }
void bump(int *cell) { cell[0] += 3; cell[2] -= cell[1]; }
"""
SPEC = """[g]
params = [{ name = "p", type = "u16[]", len = "n < 0 ? 0 : n" }, { name = "n", type = "i32", range = [-2, 40] }]
"""


def _module(tmp: Path) -> tuple[Path, Path]:
    (tmp / "m.c").write_text(MODULE_C)
    (tmp / "spec.toml").write_text(SPEC)
    return tmp / "m.c", tmp / "spec.toml"


def test_compile_with_llc_writes_verified_functions_and_keeps_internals_local(tmp_path: Path) -> None:
    src, spec = _module(tmp_path)
    out = tmp_path / "m.s"
    args = ["compile", str(src), "-o", str(out), "--model", "llc:O3", "--arg-spec", str(spec), "--run-dir",
            str(tmp_path / "run"), "--json"]
    r = ncb(*args)
    assert r.returncode == 0, r.stderr
    s = json.loads(r.stdout)
    by = {f["name"]: f for f in s["functions"]}
    assert s["model_written"] == 5 and set(by) == {"helper", "f", "g", "h", "bump"}
    # llc gave the static helper fastcc: no C harness can call it, so it is translated with its
    # caller f, in f's task, and tested by f's tests
    assert by["helper"]["outcome"] == "model-written" and by["helper"]["translated_with"] == "f"
    assert all(by[n]["outcome"] == "model-written" and by[n]["composed_check"] for n in ("f", "g", "h", "bump"))
    f_ir = (tmp_path / "run" / "compile-tasks" / "functions" / "c_f" / "ref.ll").read_text()
    assert re.search(r"^define [^\n]*fastcc[^\n]*@helper\(", f_ir, re.M) and not (tmp_path / "run" / "compile-tasks"
                                                                                / "functions" / "c_helper").exists()
    text = out.read_text()
    assert "f: model-written (llc:O3), verified on 128 test cases" in text
    assert "helper (static helper, translated and tested with f): model-written" in text
    g_toml = (tmp_path / "run" / "compile-tasks" / "functions" / "c_g" / "task.toml").read_text()
    assert "range = [-2, 40]" in g_toml and 'len = "n < 0 ? 0 : n"' in g_toml  # the spec, as given
    # the module's internal symbols stay local; what it exports is global
    assert "\t.globl\ttable" not in text and "\t.globl\thelper" not in text and "\t.globl\tf" in text
    assert subprocess.run(["as", str(out), "-o", str(tmp_path / "m.o")]).returncode == 0
    # the output links with a C caller and computes what the C source computes
    (tmp_path / "main.c").write_text('#include <stdio.h>\nint f(int,int); long h(signed char, _Bool); void bump(int*);\n'
                                     'extern int counter;\nint main(void){int c[3]={1,2,3}; bump(c);\n'
                                     'printf("%d %ld %d %d %d\\n", f(7,-3), h(-5,0), c[0], c[2], counter); return 0;}\n')
    for name, objs in (("ours", [str(out)]), ("clang", [str(src)])):
        subprocess.run(["clang-19", "-O1", "-no-pie", str(tmp_path / "main.c"), *objs, "-o", str(tmp_path / name)],
                       check=True)  # like the benchmark, compile makes non-PIC code
    ours, clang = (subprocess.run([str(tmp_path / n)], capture_output=True, text=True).stdout for n in ("ours", "clang"))
    assert ours == clang and ours.strip()
    # a rerun resumes the run (nothing new is asked) and writes the same file
    again = ncb(*args)
    assert again.returncode == 0 and out.read_text() == text


def test_inferred_pointer_length_and_signedness(tmp_path: Path) -> None:
    src, _ = _module(tmp_path)
    from neucomback.compile.module import load_module
    from neucomback.compile.signature import signature

    fns = {f.name: f for f in functions(load_module(src, get_target("x86_64")))}
    bump = signature(fns["bump"], None)
    assert [(p.type, p.len, p.dir) for p in bump.params] == [("u8[]", "12", "inout")]
    h = signature(fns["h"], None)
    assert [p.type for p in h.params] == ["i8", "u8"] and h.params[1].range == (0, 1) and h.returns == "i64"
    with pytest.raises(NeedsSpec, match="argument 1"):
        signature(fns["g"], None)  # p is indexed by a variable: its length is not evident


def test_faulty_model_never_puts_a_wrong_function_in_the_output(tmp_path: Path) -> None:
    """Every reply carries a mistake and there is no debug round: what the tests reject falls
    back to llc; what they pass (an equivalent or undetected mutant) is counted, and the
    output still passes every function's tests."""
    src, spec = _module(tmp_path)
    out = tmp_path / "m.s"
    r = ncb("compile", str(src), "-o", str(out), "--model", "faulty:llc-O3?rate=1&seed=2", "-D", "0", "--arg-spec",
            str(spec), "--run-dir", str(tmp_path / "run"), "--json")
    assert r.returncode in (0, 3), r.stderr
    s = json.loads(r.stdout)
    assert s["scripted"] and s["fell_back"] >= 1
    assert all(f["composed_check"] is not False for f in s["functions"])
    written = [f for f in s["functions"] if f["outcome"] == "model-written"]
    assert s["undetected_mutants"] == sum(f["differs_from_llc"] for f in written)
    assert r.returncode == 3 and "llc -O3 fallback" in out.read_text()
    refused = ncb("compile", str(src), "-o", str(tmp_path / "none.s"), "--model", "faulty:llc-O3?rate=1&seed=2",
                  "-D", "0", "--arg-spec", str(spec), "--run-dir", str(tmp_path / "run2"), "--fallback", "none")
    assert refused.returncode == 1 and "refused" in refused.stderr and not (tmp_path / "none.s").exists()


def test_a_part_that_breaks_the_composition_falls_back_alone(tmp_path: Path) -> None:
    src, spec = _module(tmp_path)
    target = get_target("x86_64")
    prep = prepare(src, target, None, spec, tmp_path / "tasks")
    from neucomback.harness.build import reference_asm

    good = {fn: Verified(fn, reference_asm(t, target).read_text(), t.cases, 0) for fn, t in prep.tasks.items()}
    # h's translation also defines `counter`, which the rest of the module defines: a clash
    good["h"] = Verified("h", good["h"].asm + "\n\t.data\n\t.globl counter\ncounter:\n\t.long 0\n", 128, 0)
    composed = compose_output(prep, target, good, "test", Evaluator(), src)
    assert "h" in composed.fell_back and "did not compose" in composed.fell_back["h"]
    assert set(composed.model_written) == {"f", "helper", "g", "bump"} and all(composed.final_checks.values())


def test_local_labels_are_renamed_apart_and_errors_are_blamed_on_their_part() -> None:
    a = "f:\n.LBB0_1:\n\tjmp .LBB0_1\n\t.section .rodata\n.LCPI0_0:\n\t.quad 1\n"
    assert ".Lx_BB0_1:" in localize(a, "x") and "jmp .Lx_BB0_1" in localize(a, "x") and ".LBB0_1" not in localize(a, "x")
    text, spans = compose(["head"], "\t.text\nrest:\n\tret\n", [Part("f", a, "f"), Part("g", a.replace("f:", "g:"), "g")])
    assert text.count(".LBB0_1:") == 0 and ".Lnbc0_BB0_1:" in text and ".Lnbc1_BB0_1:" in text
    line = next(i for i, l in enumerate(text.splitlines(), 1) if l.startswith("g:"))
    assert blamed_part(f"out.s:{line}:1: error: boom", spans) == "g"


@pytest.mark.parametrize("case,needle", [
    ("rejected", "llc rejects the IR"),
    ("pointer", "argument 1"),
    ("empty", "defines no functions"),
    ("target", "unknown target"),
    ("function", "no function nosuch"),
    ("wrong-isa", "is for aarch64"),
])
def test_bad_input_is_a_one_line_error(tmp_path: Path, case: str, needle: str) -> None:
    good = tmp_path / "ok.c"
    good.write_text("int add(int a, int b) { return a + b; }\n")
    args = {"rejected": [], "pointer": [], "empty": [], "target": ["--target", "sparc"], "function": ["--function", "nosuch"],
            "wrong-isa": []}[case]
    src = good
    if case == "rejected":
        src = tmp_path / "bad.ll"
        src.write_text('target triple = "x86_64-pc-linux-gnu"\ndefine i32 @f(i32 %a) {\n  ret i64 %a\n}\n')
    elif case == "pointer":
        src = tmp_path / "p.c"
        src.write_text("int sum(const int *a, int n) { int s = 0; for (int i = 0; i < n; i++) s += a[i]; return s; }\n")
    elif case == "empty":
        src = tmp_path / "e.c"
        src.write_text("int x = 3;\nextern int y(void);\n")
    elif case == "wrong-isa":
        src = tmp_path / "arm.ll"
        subprocess.run(["clang-19", "--target=aarch64-linux-gnu", "-S", "-emit-llvm", "-O1", str(good), "-o", str(src)],
                       check=True)
    r = ncb("compile", str(src), "--model", "llc:O3", "--run-dir", str(tmp_path / "run"), *args)
    assert r.returncode == 2, (r.stdout, r.stderr)
    assert needle in r.stderr and len(r.stderr.strip().splitlines()) <= 2, r.stderr
    assert "Traceback" not in r.stderr


def test_compile_of_a_builtin_tasks_ir_passes_that_tasks_tests(tmp_path: Path, suite) -> None:  # type: ignore[no-untyped-def]
    task = suite.get("l1_bsearch_count_hits")  # calls qsort/bsearch with a static comparator
    target = get_target("x86_64")
    ir = tmp_path / "in.ll"
    ir.write_text(ir_for(task, target).read_text())
    (tmp_path / "spec.toml").write_text(
        "[bsearch_count_hits]\nparams = [{ name = \"table\", type = \"i32[]\", len = \"n\" }, "
        "{ name = \"n\", type = \"i32\", range = [0, 32] }, { name = \"queries\", type = \"i32[]\", len = \"q\" }, "
        "{ name = \"q\", type = \"i32\", range = [0, 16] }]\n")
    out = tmp_path / "out.s"
    r = ncb("compile", str(ir), "-o", str(out), "--model", "llc:O3", "--arg-spec", str(tmp_path / "spec.toml"),
            "--run-dir", str(tmp_path / "run"))
    assert r.returncode == 0, r.stdout + r.stderr
    v = ncb("verify", "--task", task.id, str(out), "--json")
    assert v.returncode == 0, v.stdout


BLUR_C = """
int blur(const unsigned char *img, unsigned char *out, int rows, int cols) {
  int changed = 0;
  for (int r = 0; r < rows; r++)
    for (int c = 0; c < cols; c++) {
      int s = 0, n = 0;
      for (int dr = -1; dr <= 1; dr++)
        for (int dc = -1; dc <= 1; dc++) {
          int rr = r + dr, cc = c + dc;
          if (rr >= 0 && rr < rows && cc >= 0 && cc < cols) { s += img[rr * cols + cc]; n++; }
        }
      out[r * cols + c] = (unsigned char)(s / n);
      changed += out[r * cols + c] != img[r * cols + c];
    }
  long h = 0;
  for (int i = 0; i < rows * cols; i++) h = h * 31 + out[i];
  return changed ^ (int)h;
}
int plain(int a, int b) { return a * b + 1; }
"""
BLUR_SPEC = """[blur]
params = [{ name = "img", type = "u8[]", len = "rows*cols" }, { name = "out", type = "u8[]", dir = "out", len = "rows*cols" },
          { name = "rows", type = "i32", role = "len", range = [0, 7] }, { name = "cols", type = "i32", role = "len", range = [0, 7] }]
"""


def _blur(tmp: Path) -> tuple[Path, Path]:
    (tmp / "blur.c").write_text(BLUR_C)
    (tmp / "spec.toml").write_text(BLUR_SPEC)
    return tmp / "blur.c", tmp / "spec.toml"


def test_decomposition_splits_loops_into_pieces_verified_through_their_caller(tmp_path: Path) -> None:
    src, spec = _blur(tmp_path)
    target = get_target("x86_64")
    prep = prepare(src, target, None, spec, tmp_path / "tasks", decompose="always")
    pieces = [u for u in prep.tasks if u in prep.piece_of]
    assert len(pieces) >= 2 and all(prep.piece_of[p] == "blur" for p in pieces) and "plain" not in prep.piece_of
    for p in pieces:  # the model writes the piece; the harness calls blur (from the trusted support code)
        t = prep.tasks[p]
        assert t.writes == p and t.function == "blur" and t.support_ll is not None
        assert re.search(rf"^define [^\n]*@{re.escape(p)}\(", ir_for(t, target).read_text(), re.M)
    # auto leaves a function at or under the threshold whole
    small = prepare(src, target, None, spec, tmp_path / "t2", decompose="auto", above=100000)
    assert not small.piece_of and set(small.tasks) == {"blur", "plain"}
    out = tmp_path / "blur.s"
    r = ncb("compile", str(src), "-o", str(out), "--model", "llc:O3", "--arg-spec", str(spec), "--decompose", "always",
            "--run-dir", str(tmp_path / "run"), "--json")
    assert r.returncode == 0, r.stderr
    s = json.loads(r.stdout)
    assert {f["name"] for f in s["functions"] if f.get("piece_of") == "blur"} == set(pieces)
    assert all(f["outcome"] == "model-written" and f["composed_check"] for f in s["functions"])
    assert subprocess.run(["as", str(out), "-o", str(tmp_path / "blur.o")]).returncode == 0
    syms = subprocess.run(["nm", str(tmp_path / "blur.o")], capture_output=True, text=True).stdout
    assert all(re.search(rf"^\w+ t {re.escape(p)}$", syms, re.M) for p in pieces), syms  # local, as llc makes them
    assert re.search(r"^\w+ T blur$", syms, re.M)


def test_a_piece_that_fails_its_tests_falls_back_alone(tmp_path: Path) -> None:
    """Scripted replies: llc's code for every part, except one piece whose reply carries a
    mistake the tests catch (through the caller). Only that piece falls back."""
    from neucomback.harness.build import reference_asm
    from neucomback.suite.strength.mutate import mutants

    src, spec = _blur(tmp_path)
    target = get_target("x86_64")
    prep = prepare(src, target, None, spec, tmp_path / "tasks", decompose="always")
    pieces = [u for u in prep.tasks if u in prep.piece_of]
    victim = pieces[-1]
    ev = Evaluator()
    llc = {u: reference_asm(t, target).read_text() for u, t in prep.tasks.items()}
    wrong = next(m.asm for m in mutants(llc[victim], "x86_64", 16, 3)
                 if not ev.verify(prep.tasks[victim], target, m.asm, timing=False).correct)
    rules = [{"match": rf"define [^\n]*@{re.escape(u)}\(", "reply": f"```asm\n{wrong if u == victim else asm}```"}
             for u, asm in llc.items()]
    (tmp_path / "script.json").write_text(json.dumps(rules))
    out = tmp_path / "blur.s"
    r = ncb("compile", str(src), "-o", str(out), "--model", f"scripted:{tmp_path / 'script.json'}", "-D", "0",
            "--arg-spec", str(spec), "--decompose", "always", "--run-dir", str(tmp_path / "run"), "--json")
    assert r.returncode == 3, r.stderr
    s = json.loads(r.stdout)
    outcome = {f["name"]: f["outcome"] for f in s["functions"]}
    assert outcome.pop(victim) == "fallback" and set(outcome.values()) == {"model-written"}, outcome
    assert f"{victim} (piece" in out.read_text() and "llc -O3 fallback" in out.read_text()
    assert all(f["composed_check"] for f in s["functions"] if f["composed_check"] is not None)


LIB_C = """
typedef struct { unsigned st[4]; unsigned long long n; unsigned char buf[8]; } ctx_t;
void init(ctx_t *c) { c->st[0] = 1; c->st[1] = 2; c->st[2] = 3; c->st[3] = 4; c->n = 0; }
void feed(ctx_t *c, const unsigned char *p, unsigned long len) {
  for (unsigned long i = 0; i < len; i++) { c->buf[c->n & 7] = p[i]; c->st[c->n & 3] = c->st[c->n & 3] * 33 + p[i]; c->n++; }
}
void feed_too(ctx_t *c, const unsigned char *p, unsigned long len) __attribute__((alias("feed")));
unsigned sum(const unsigned *v, int n) { unsigned s = 0; for (int i = 0; i < n; i++) s += v[i]; return s; }
"""


def test_a_library_module_aliases_vector_stores_and_missing_specs(tmp_path: Path) -> None:
    """init's SLP-vectorised stores still make its pointer's length evident; feed is named by
    an alias, so it stays in the trusted part; sum has no spec: an error by default, a
    fallback with --missing-spec fallback; a spec entry for a void function works."""
    (tmp_path / "lib.c").write_text(LIB_C)
    target = get_target("x86_64")
    ir = functions(prepare(tmp_path / "lib.c", target, ["init"], None, tmp_path / "t0").ir)
    assert "<4 x i32>" in next(f.body for f in ir if f.name == "init")  # the case this test is about
    with pytest.raises(UsageError, match="of sum is a pointer"):
        prepare(tmp_path / "lib.c", target, None, None, tmp_path / "t1")
    (tmp_path / "spec.toml").write_text('[init]\nparams = [{ name = "c", type = "u8[]", len = "32", dir = "inout" }]\n')
    prep = prepare(tmp_path / "lib.c", target, None, tmp_path / "spec.toml", tmp_path / "t2", missing_spec="fallback")
    assert set(prep.tasks) == {"init"} and prep.tasks["init"].returns == "void"
    assert "alias" in prep.untestable["feed"] and "feed_too" in prep.untestable["feed"]
    assert "--arg-spec" in prep.untestable["sum"]
    inferred = prepare(tmp_path / "lib.c", target, ["init"], None, tmp_path / "t3")
    assert [(p.type, p.len, p.dir) for p in inferred.tasks["init"].params] == [("u8[]", "24", "inout")]
    out = tmp_path / "lib.s"
    r = ncb("compile", str(tmp_path / "lib.c"), "-o", str(out), "--model", "llc:O3", "--missing-spec", "fallback",
            "--run-dir", str(tmp_path / "run"), "--json")
    assert r.returncode == 3, r.stderr
    s = json.loads(r.stdout)
    assert {f["name"]: f["outcome"] for f in s["functions"]} == {
        "init": "model-written", "feed": "fallback", "sum": "fallback"}
    assert subprocess.run(["as", str(out), "-o", str(tmp_path / "lib.o")]).returncode == 0
    syms = subprocess.run(["nm", str(tmp_path / "lib.o")], capture_output=True, text=True).stdout
    assert re.search(r"^\w+ T feed_too$", syms, re.M)  # the alias is in the output, from the trusted part
    bad = ncb("compile", str(tmp_path / "lib.c"), "--model", "llc:O3", "--missing-spec", "maybe")
    assert bad.returncode == 2 and "--missing-spec must be one of" in bad.stderr


GLOBALS_C = """
int counter; static long hist[100]; char *cursor; static _Thread_local int tl;
int f(int a) { counter += a; hist[a & 63]++; tl++; return a * 2; }
"""


@pytest.mark.parametrize("drop", ["counter(%rip)", "hist(", None])
def test_a_functions_writes_to_module_globals_are_compared(tmp_path: Path, drop: str | None) -> None:
    """The tests print the module's writable globals after every call (in full, or hashed when
    large), so a translation that forgets a global update is wrong even with the right return
    value; globals the tests cannot compare (pointers, thread-local) are named in the output."""
    from neucomback.harness.build import reference_asm

    (tmp_path / "g.c").write_text(GLOBALS_C)
    target = get_target("x86_64")
    prep = prepare(tmp_path / "g.c", target, None, None, tmp_path / "tasks")
    assert prep.observed == [("counter", 4), ("hist", 800)]
    assert prep.unobserved == {"cursor": "holds a pointer", "tl": "thread-local"}
    task = prep.tasks["f"]
    asm = reference_asm(task, target).read_text()
    if drop:
        assert drop in asm
        asm = "\n".join(l for l in asm.splitlines() if drop not in l) + "\n"
    v = Evaluator().verify(task, target, asm, timing=False)
    assert v.correct is (drop is None), v.feedback
    if drop:
        assert "global:" + drop.split("(")[0] in v.feedback
        composed = compose_output(prep, target, {"f": Verified("f", asm, 128, 0)}, "test", Evaluator(), tmp_path / "g.c")
        assert composed.model_written == [] and "its tests failed" in composed.fell_back["f"]
        assert "globals NOT compared (writes to them are not checked): cursor (holds a pointer), tl (thread-local)" \
            in composed.text


@pytest.mark.parametrize("entry", ['[{ symbol = "x" }]', '[{ symbol = "a b", bytes = 4 }]', '[{ symbol = "x", bytes = 0 }]',
                                   '"x"'])
def test_a_bad_observe_entry_is_a_one_line_task_error(tmp_path: Path, entry: str) -> None:
    from neucomback.suite.task import load_task

    (tmp_path / "ref.c").write_text("int f(int a) { return a; }\n")
    (tmp_path / "task.toml").write_text(f'id = "t"\nlevel = 1\nfunction = "f"\nreturns = "i32"\nobserve = {entry}\n'
                                        '[[params]]\nname = "a"\ntype = "i32"\n')
    with pytest.raises(UsageError, match="observe"):
        load_task(tmp_path)


def test_a_mistake_in_a_static_helper_fails_its_callers_tests(tmp_path: Path) -> None:
    from neucomback.harness.build import reference_asm

    src, spec = _module(tmp_path)
    target = get_target("x86_64")
    prep = prepare(src, target, None, spec, tmp_path / "tasks")
    assert prep.bundle == {"f": ["helper"]}
    task = prep.tasks["f"]
    asm = reference_asm(task, target).read_text()
    start = re.search(r"^helper:", asm, re.M).start()  # type: ignore[union-attr]
    body = asm[start:]
    wrong = asm[:start] + re.sub(r"\bimull\b", "addl", body, count=1)
    assert wrong != asm
    ev = Evaluator()
    assert ev.verify(task, target, asm, timing=False).correct
    assert not ev.verify(task, target, wrong, timing=False).correct
    composed = compose_output(prep, target, {"f": Verified("f", wrong, 128, 0)}, "test", ev, src)
    assert composed.fell_back["helper"] == "translated with f, which fell back" and "f" in composed.fell_back


def test_a_piece_that_also_defines_its_caller_is_rejected(tmp_path: Path) -> None:
    """The harness calls the caller, taken (weak) from the trusted support code: a piece's
    candidate that defines the caller too would replace what tests it. The symbol policy
    refuses any symbol its IR does not define."""
    from neucomback.harness.build import reference_asm

    src, spec = _blur(tmp_path)
    target = get_target("x86_64")
    prep = prepare(src, target, None, spec, tmp_path / "tasks", decompose="always")
    piece = next(u for u in prep.tasks if u in prep.piece_of)
    # a correct blur that needs no pieces (llc's code for the undecomposed function), and a
    # piece that does nothing: without the policy, every test would pass
    whole = prepare(src, target, ["blur"], spec, tmp_path / "whole", decompose="never").tasks["blur"]
    stub = f"\t.text\n\t.globl\t{piece}\n\t.type\t{piece},@function\n{piece}:\n\tretq\n"
    asm = stub + reference_asm(whole, target).read_text()
    v = Evaluator().verify(prep.tasks[piece], target, asm, timing=False)
    assert not v.correct and "`blur` is defined as a global symbol, but the IR does not define it" in v.feedback
    bad = ncb("compile", str(src), "--model", "llc:O3", "--decompose", "sometimes")
    assert bad.returncode == 2 and "--decompose must be one of" in bad.stderr


MUTUAL_C = """
__attribute__((noinline)) int down_b(unsigned n);
__attribute__((noinline)) int down_a(unsigned n) { return n == 0 ? 7 : 3 * down_b(n - 1) + 1; }
__attribute__((noinline)) int down_b(unsigned n) { return n == 0 ? 5 : 2 * down_a(n - 1) - 1; }
unsigned ack(unsigned m, unsigned n) { if (m == 0) return n + 1; if (n == 0) return ack(m - 1, 1); return ack(m - 1, ack(m, n - 1)); }
"""
MUTUAL_SPEC = """[down_a]
params = [{ name = "n", type = "u32", range = [0, 40] }]
[down_b]
params = [{ name = "n", type = "u32", range = [0, 40] }]
[ack]
params = [{ name = "m", type = "u32", range = [0, 3] }, { name = "n", type = "u32", range = [0, 5] }]
"""


@pytest.mark.parametrize("target_name", ["x86_64", "aarch64", "riscv64"])
def test_calls_back_into_the_tested_function_from_trusted_code(tmp_path: Path, target_name: str) -> None:
    """down_a's tests call it through the calling-convention trampoline, and down_b (trusted
    support code) calls it again from inside; ack's loop piece calls ack, its caller. The
    trampoline holds one call: nested calls pass straight through (before, they overwrote
    its saved return address, and llc's own code failed or hung)."""
    from neucomback.harness.build import reference_asm

    (tmp_path / "m.c").write_text(MUTUAL_C)
    (tmp_path / "spec.toml").write_text(MUTUAL_SPEC)
    target = get_target(target_name)
    prep = prepare(tmp_path / "m.c", target, None, tmp_path / "spec.toml", tmp_path / "tasks", decompose="always")
    assert {"down_a", "down_b", "ack"} <= set(prep.tasks) and any(of == "ack" for of in prep.piece_of.values())
    ev = Evaluator()
    for unit, task in prep.tasks.items():
        v = ev.verify(task, target, reference_asm(task, target).read_text(), timing=False)
        assert v.correct, (unit, v.feedback[:500])
