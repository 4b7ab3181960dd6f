"""Running untrusted executables.

Contract: `Sandbox.exec(argv, workdir, limits)` runs argv with `workdir` visible (read-only)
at /w, and always returns an ExecResult; it raises InfrastructureError only when the sandbox
itself cannot be set up. The candidate never sees expected outputs: only /usr and its own
folder are mounted, it runs under a uid of its own, and the cache is private to root.
"""

from __future__ import annotations

import collections
import os
import shutil
import signal
import subprocess
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from .. import toolchain
from ..errors import InfrastructureError, ToolMissingError


@dataclass(frozen=True)
class Limits:
    """Resource limits for one run. AS must stay >= 256 MiB or qemu cannot start."""

    wall_seconds: float = 10.0
    cpu_seconds: int = 20
    address_space: int = 1 << 30
    file_size: int = 16 << 20
    open_files: int = 64
    processes: int = 64
    output_bytes: int = 8 << 20


@dataclass
class ExecResult:
    """What happened to one sandboxed process."""

    returncode: int | None
    stdout: str
    stderr: str
    seconds: float
    timed_out: bool = False
    output_truncated: bool = False
    signal: int | None = None
    setup_error: str | None = None

    @property
    def ok(self) -> bool:
        return self.returncode == 0 and not self.timed_out

    def describe(self) -> str:
        """One line for feedback: exit code, signal name, timeout."""
        if self.timed_out:
            return f"timed out (killed after {self.seconds:.1f}s wall clock)"
        if self.signal is not None:
            name = signal.Signals(self.signal).name if self.signal in signal.valid_signals() else str(self.signal)
            return f"was killed by signal {name}" + _SIGNAL_HINTS.get(name, "")
        return f"exited with status {self.returncode}"


_SIGNAL_HINTS = {
    "SIGSEGV": " (segmentation fault: invalid memory access, bad stack handling or a wrong pointer)",
    "SIGBUS": " (bus error: misaligned or invalid memory access)",
    "SIGILL": " (illegal instruction: an instruction the CPU does not support, or jumping into data)",
    "SIGFPE": " (arithmetic exception, e.g. integer division by zero or overflow in idiv)",
    "SIGXCPU": " (CPU time limit exceeded)",
    "SIGXFSZ": " (output size limit exceeded)",
    "SIGABRT": " (aborted)",
}


class Sandbox(Protocol):
    name: str

    def exec(self, argv: list[str], workdir: Path, limits: Limits) -> ExecResult: ...


def _prlimit_prefix(limits: Limits) -> list[str]:
    return [toolchain.tool("prlimit"), f"--cpu={limits.cpu_seconds}", f"--as={limits.address_space}",
            f"--fsize={limits.file_size}", f"--nofile={limits.open_files}", f"--nproc={limits.processes}",
            "--core=0", "--"]


class _UidPool:
    """Distinct unprivileged uids for concurrent runs, so RLIMIT_NPROC of one fork bomb
    never starves a neighbour (the limit is counted per uid). Handed out FIFO, and a uid
    goes back to the pool only once none of its processes is left."""

    def __init__(self, base: int, size: int = 16) -> None:
        start = base + (os.getpid() % 4096) * size
        self.uids = range(start, start + size)
        self._free = collections.deque(self.uids)
        self._cv = threading.Condition()

    def acquire(self) -> int:
        with self._cv:
            while not self._free:
                self._cv.wait()
            return self._free.popleft()

    def release(self, uid: int, clean_exit: bool) -> None:
        # After a clean exit the pid namespace is gone with its init; only killed runs
        # (timeouts, signals) are checked for stragglers, which costs a /proc scan.
        if not clean_exit and _uid_processes(uid):  # a killed sandbox still dying: recycle the uid in the background
            threading.Thread(target=self._release_later, args=(uid,), daemon=True).start()
        else:
            self._put(uid)

    def _release_later(self, uid: int) -> None:
        _wait_uid_gone(uid)
        self._put(uid)

    def _put(self, uid: int) -> None:
        with self._cv:
            self._free.append(uid)
            self._cv.notify()


def _uid_processes(uid: int) -> int:
    n = 0
    for pid in os.listdir("/proc"):
        if not pid.isdigit():
            continue
        try:
            with open(f"/proc/{pid}/status") as f:
                for line in f:
                    if line.startswith("Uid:"):
                        n += int(line.split()[1]) == uid
                        break
        except OSError:
            continue
    return n


def _wait_uid_gone(uid: int, timeout: float = 30.0) -> None:
    """Killed sandboxes take a moment to die; reusing their uid before then hits RLIMIT_NPROC."""
    deadline = time.monotonic() + timeout
    while _uid_processes(uid) and time.monotonic() < deadline:
        time.sleep(0.02)


def _run_process(cmd: list[str], cwd: str, limits: Limits, uid: int | None,
                 pass_fds: tuple[int, ...] = ()) -> ExecResult:
    """Run cmd in its own session with stdout/stderr to capped temp files; kill the group on timeout."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        kwargs: dict = {"pass_fds": pass_fds}
        if uid is not None:
            kwargs.update(user=uid, group=uid, extra_groups=[])
        t0 = time.perf_counter()
        try:
            proc = subprocess.Popen(cmd, cwd=cwd, stdin=subprocess.DEVNULL, stdout=out, stderr=err,
                                    start_new_session=True, close_fds=True, **kwargs)
        except OSError as e:
            return ExecResult(None, "", "", 0.0, setup_error=f"cannot start {cmd[0]}: {e}")
        # A timer kills the group; the blocking wait() returns at once when the child exits
        # (Popen.wait(timeout=) polls with sleeps, which cost ~20 ms per run).
        fired = threading.Event()

        def on_timeout() -> None:
            fired.set()
            _kill_group(proc)

        timer = threading.Timer(limits.wall_seconds, on_timeout)
        timer.start()
        try:
            proc.wait()
        finally:
            timer.cancel()
        timed_out = fired.is_set()
        secs = time.perf_counter() - t0
        stdout, trunc_o = _read_capped(out, limits.output_bytes)
        stderr, _ = _read_capped(err, 64 << 10)
    rc = proc.returncode
    sig = -rc if rc is not None and rc < 0 else None
    return ExecResult(rc, stdout, stderr, secs, timed_out, trunc_o, sig)


def _kill_group(proc: subprocess.Popen) -> None:  # type: ignore[type-arg]
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass


def _read_capped(f, cap: int) -> tuple[str, bool]:  # type: ignore[no-untyped-def]
    f.seek(0)
    data = f.read(cap + 1)
    return data[:cap].decode("utf-8", errors="replace"), len(data) > cap


class BwrapSandbox:
    """bubblewrap: read-only /usr, private /tmp, no network/IPC/PID sharing, unprivileged uid."""

    name = "bwrap"
    UID_BASE = 200000

    def __init__(self) -> None:
        self.bwrap = toolchain.tool("bwrap")
        # Only root can switch to a throwaway uid; a normal user runs bwrap as itself.
        self._uids = _UidPool(self.UID_BASE) if os.geteuid() == 0 else None
        self._stage_root = Path(tempfile.gettempdir()) / "neucomback-sandbox"
        self._stage_root.mkdir(mode=0o755, exist_ok=True)
        os.chmod(self._stage_root, 0o755)

    def stage(self, files: list[Path]) -> Path:
        """Copy files into a fresh world-readable folder (the only host folder the run sees)."""
        d = Path(tempfile.mkdtemp(dir=self._stage_root))
        os.chmod(d, 0o755)
        for f in files:
            dst = d / f.name
            shutil.copy2(f, dst)
            os.chmod(dst, 0o755)
        return d

    def argv(self, inner: list[str], workdir: Path, status_fd: int) -> list[str]:
        return [self.bwrap, "--json-status-fd", str(status_fd), "--ro-bind", "/usr", "/usr", "--tmpfs", "/usr/local",
                "--symlink", "usr/lib", "/lib", "--symlink", "usr/lib64", "/lib64",
                "--symlink", "usr/bin", "/bin", "--dev", "/dev", "--proc", "/proc", "--tmpfs", "/tmp",
                "--ro-bind", str(workdir), "/w", "--chdir", "/w", "--unshare-all", "--die-with-parent",
                "--new-session", "--clearenv", "--setenv", "PATH", "/usr/bin", *inner]

    def exec(self, argv: list[str], workdir: Path, limits: Limits) -> ExecResult:
        uid = self._uids.acquire() if self._uids else None
        try:
            # bwrap reports on this fd whether the child started: the only trustworthy way to
            # tell a sandbox setup failure from a candidate that prints "bwrap:" and exits 1.
            with tempfile.TemporaryFile() as status:
                fd = status.fileno()
                cmd = [*_prlimit_prefix(limits), *self.argv(argv, workdir, fd)]
                res = _run_process(cmd, "/", limits, uid, pass_fds=(fd,))
                status.seek(0)
                started = b"child-pid" in status.read()
        except BaseException:
            if self._uids and uid is not None:
                self._uids.release(uid, clean_exit=False)
            raise
        if self._uids and uid is not None:
            self._uids.release(uid, clean_exit=not res.timed_out and res.returncode is not None
                               and res.returncode < 128)
        if not started and not res.timed_out:
            res.setup_error = res.stderr.strip() or f"bwrap failed ({res.describe()})"
        elif res.signal is None and res.returncode is not None and 128 < res.returncode < 128 + 65:
            res.signal = res.returncode - 128  # bwrap (and qemu) report a fatal signal as 128+N
        return res


class UnsafeSandbox:
    """No isolation beyond rlimits and a timeout. Only with --unsafe-no-sandbox."""

    name = "unsafe-no-sandbox"

    def stage(self, files: list[Path]) -> Path:
        d = Path(tempfile.mkdtemp(prefix="neucomback-unsafe-"))
        for f in files:
            shutil.copy2(f, d / f.name)
        return d

    def exec(self, argv: list[str], workdir: Path, limits: Limits) -> ExecResult:
        inner = [a.replace("/w/", str(workdir) + "/") if a.startswith("/w/") else a for a in argv]
        return _run_process([*_prlimit_prefix(limits), *inner], str(workdir), limits, None)


class TrustedRunner:
    """Runs trusted reference builds directly (no sandbox, but still a timeout)."""

    name = "trusted"

    def stage(self, files: list[Path]) -> Path:
        return files[0].parent

    def exec(self, argv: list[str], workdir: Path, limits: Limits) -> ExecResult:
        inner = [a.replace("/w/", str(workdir) + "/") if a.startswith("/w/") else a for a in argv]
        return _run_process(inner, str(workdir), limits, None)


def make_sandbox(unsafe: bool = False) -> BwrapSandbox | UnsafeSandbox:
    """The default sandbox; without bwrap, refuse unless the user chose `unsafe`."""
    if unsafe:
        return UnsafeSandbox()
    try:
        return BwrapSandbox()
    except ToolMissingError as e:
        raise InfrastructureError(
            f"{e}. Refusing to run model code without a sandbox; pass --unsafe-no-sandbox to override."
        ) from None
