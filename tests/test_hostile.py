"""The hostile-assembly corpus: each attack is contained, gets a not-correct verdict in
bounded time, leaves nothing on the host, and the batch goes on.

Each attack is written as C for the task's function and compiled to assembly, which is
exactly what a model could hand us.
"""

from __future__ import annotations

import os
import socket
import subprocess
import time
from pathlib import Path

import pytest

from neucomback.harness.sandbox import BwrapSandbox, Limits
from neucomback.harness.reference import expected_output
from neucomback.targets import get_target

GCD = "l1_gcd_u32"
HEAD = "#include <stdio.h>\n#include <stdlib.h>\n#include <string.h>\n#include <unistd.h>\n#include <fcntl.h>\n"


def verdict_for(suite, evaluator, to_asm, body: str, target: str = "x86_64"):  # type: ignore[no-untyped-def]
    src = HEAD + "unsigned gcd_u32(unsigned a, unsigned b) {\n" + body + "\n}\n"
    t0 = time.monotonic()
    v = evaluator.verify(suite.get(GCD), get_target(target), to_asm(src, target))
    return v, time.monotonic() - t0


def test_infinite_loop_is_killed_in_bounded_time(suite, evaluator, to_asm) -> None:  # type: ignore[no-untyped-def]
    v, secs = verdict_for(suite, evaluator, to_asm, "for (;;) { __asm__ volatile(\"\"); } return 0;")
    assert not v.correct and v.failure_kind == "candidate" and "timed out" in v.feedback
    assert secs < 15


def test_infinite_loop_under_qemu_is_killed(suite, evaluator, to_asm) -> None:  # type: ignore[no-untyped-def]
    v, secs = verdict_for(suite, evaluator, to_asm, "for (;;) { __asm__ volatile(\"\"); } return 0;", "aarch64")
    assert not v.correct and "timed out" in v.feedback and secs < 20


def test_fork_bomb_is_contained(suite, evaluator, to_asm) -> None:  # type: ignore[no-untyped-def]
    v, secs = verdict_for(suite, evaluator, to_asm, "for (;;) fork(); return 0;")
    assert not v.correct and secs < 15
    deadline = time.monotonic() + 20
    uids = evaluator.sandbox._uids.uids
    while _sandbox_processes(uids) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert _sandbox_processes(uids) == 0  # nothing survived the run


def test_memory_bomb_is_contained(suite, evaluator, to_asm) -> None:  # type: ignore[no-untyped-def]
    body = ("static char *volatile keep; for (;;) { char *p = malloc(64 << 20); if (!p) abort(); "
            "memset(p, 1, 64 << 20); keep = p; } return 0;")
    v, secs = verdict_for(suite, evaluator, to_asm, body)
    assert not v.correct and v.failure_kind == "candidate" and secs < 15
    assert "SIGABRT" in v.feedback  # malloc failed at the address-space limit: the host was never at risk


def test_writes_outside_its_folder_do_not_reach_the_host(suite, evaluator, to_asm, tmp_path) -> None:  # type: ignore[no-untyped-def]
    targets = [tmp_path / "pwned", Path("/tmp/neucomback-pwned"), Path.home() / "neucomback-pwned",
               Path("/usr/neucomback-pwned")]
    opens = "".join(f'{{ int fd = open("{p}", O_CREAT|O_WRONLY, 0666); if (fd >= 0) write(fd, "x", 1); }}\n'
                    for p in targets)
    v, _ = verdict_for(suite, evaluator, to_asm, opens + "return 1;")
    assert not v.correct
    for p in targets:
        assert not p.exists(), p


def test_network_connect_never_arrives(suite, evaluator, to_asm) -> None:  # type: ignore[no-untyped-def]
    srv = socket.socket()
    srv.bind(("127.0.0.1", 0))
    srv.listen(5)
    srv.settimeout(0.2)
    port = srv.getsockname()[1]
    body = ("#include <sys/socket.h>\n" if False else "") + f"""
    extern int socket(int, int, int);
    struct {{ unsigned short fam; unsigned short port; unsigned addr; char pad[8]; }} sa = {{2, __builtin_bswap16({port}), __builtin_bswap32(0x7f000001), {{0}}}};
    int s = socket(2, 1, 0);
    extern int connect(int, const void *, unsigned);
    if (s >= 0 && connect(s, &sa, 16) == 0) {{ write(s, "leak", 4); return 12345; }}
    return 0;"""
    v, _ = verdict_for(suite, evaluator, to_asm, body)
    assert not v.correct
    with pytest.raises(socket.timeout):
        srv.accept()
    srv.close()


def test_task_files_and_expected_outputs_are_invisible(suite, evaluator, to_asm, tmp_path) -> None:  # type: ignore[no-untyped-def]
    """The candidate tries to read ref.c and the cached expected outputs and report what it saw."""
    task = suite.get(GCD)
    expected_output(task, get_target("x86_64"))  # make sure the reference cache exists
    cache = os.environ["NEUCOMBACK_CACHE"]
    probe = f'''
#include <stdio.h>
#include <dirent.h>
int main(void) {{
    const char *paths[] = {{"{task.ref_c}", "{cache}", "{cache}/refout", "{Path(__file__).resolve()}"}};
    for (int i = 0; i < 4; i++) {{
        int fd = open(paths[i], O_RDONLY);
        DIR *d = opendir(paths[i]);
        printf("%s fd=%d dir=%d\\n", paths[i], fd, d != 0);
    }}
    return 0;
}}'''
    exe = _build(HEAD + probe, tmp_path)
    sbx = BwrapSandbox()
    stage = sbx.stage([exe])
    res = sbx.exec([f"/w/{exe.name}"], stage, Limits(wall_seconds=5))
    assert res.ok, res.stderr
    lines = res.stdout.splitlines()
    assert len(lines) == 4
    for line in lines:
        assert line.endswith("fd=-1 dir=0"), line
    # and through the evaluator: reading its own task folder does not help a candidate
    v, _ = verdict_for(suite, evaluator, to_asm,
                       f'FILE *f = fopen("{task.ref_c}", "r"); return f ? 777 : 0;')
    assert not v.correct


def test_printing_a_plausible_answer_without_computing_it_fails(suite, evaluator, to_asm) -> None:  # type: ignore[no-untyped-def]
    """Prints well-formed records for every case (ret = 1, a common gcd) and exits 0."""
    body = ('for (int k = 0; k < 32; k++) printf("out %d ret i 1\\n", k);'
            'printf("end 32\\n"); fflush(stdout); _exit(0);')
    v, _ = verdict_for(suite, evaluator, to_asm, body)
    assert not v.correct and v.failure_kind == "candidate"


def test_output_flood_is_capped(suite, evaluator, to_asm) -> None:  # type: ignore[no-untyped-def]
    v, secs = verdict_for(suite, evaluator, to_asm, "for (;;) puts(\"out 0 ret i 1 1 1 1 1 1 1 1 1\"); return 0;")
    assert not v.correct and secs < 15


def test_batch_goes_on_after_hostile_candidates(suite, evaluator, to_asm) -> None:  # type: ignore[no-untyped-def]
    from concurrent.futures import ThreadPoolExecutor

    from neucomback.harness.build import reference_asm

    task = suite.get(GCD)
    t = get_target("x86_64")
    good = reference_asm(task, t).read_text()
    bomb = to_asm(HEAD + "unsigned gcd_u32(unsigned a, unsigned b){ for(;;) fork(); }")
    with ThreadPoolExecutor(2) as pool:
        verdicts = list(pool.map(lambda asm: evaluator.verify(task, t, asm), [bomb, good, bomb, good]))
    assert [v.correct for v in verdicts] == [False, True, False, True]


def test_a_candidate_cannot_fake_an_infrastructure_failure(suite, evaluator, to_asm) -> None:  # type: ignore[no-untyped-def]
    body = 'fputs("bwrap: Can\'t mount proc\\n", stderr); exit(1);'
    v, _ = verdict_for(suite, evaluator, to_asm, body)
    assert v.failure_kind == "candidate"


def _build(src: str, tmp: Path) -> Path:
    c = tmp / "probe.c"
    c.write_text(src)
    exe = tmp / "probe.exe"
    subprocess.run(["clang-19", "-O1", "-no-pie", str(c), "-o", str(exe)], check=True)
    return exe


def _sandbox_processes(uids: range) -> int:
    """Processes running under one of this test session's sandbox uids."""
    n = 0
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            uid = os.stat(f"/proc/{pid}").st_uid
        except OSError:
            continue
        n += uid in uids
    return n
