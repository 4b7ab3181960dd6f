"""Running untrusted executables.

Contract: `Sandbox.exec(argv, workdir, limits, stdin=b"")` runs argv with `workdir` visible
(read-only) at /w and `stdin` on its standard input, and always returns an ExecResult; it
raises InfrastructureError only when the sandbox itself cannot be set up. The candidate never
sees expected outputs: only /usr and its own folder are mounted, it runs under a uid of its
own, and the cache is private to root. Nothing of the host's environment reaches any process
of the sandbox (bwrap itself is started with an empty environment, since its pid 1 keeps the
environment it was started with). `ExecResult.cpu_seconds` is the kernel's account of the CPU
time of the run (wait4), which the candidate cannot reach or forge; it covers all of the
candidate's work in single-process runs (`Limits.for_timing`), the only ones timed.
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
    tmpfs_bytes: int = 64 << 20
    # Timing runs: the program is the sandbox's pid 1 and may not start any process or thread,
    # so that the kernel's CPU account of the run (wait4) covers all of its work. (bwrap's own
    # init would reap it unseen, and a child left running at exit would escape the account.)
    single_process: bool = False

    @classmethod
    def for_check(cls, wall_seconds: float, emulated: bool) -> "Limits":
        """A candidate's check run. Processes and address space are per process, so their
        product bounds a fork-and-allocate bomb: 8 x 512 MiB natively; qemu needs more of
        both (its own threads count as processes, and it reserves guest memory)."""
        return cls(wall_seconds=wall_seconds, cpu_seconds=int(wall_seconds) + 2,
                   processes=16 if emulated else 8, address_space=(1 << 30) if emulated else (512 << 20))

    @classmethod
    def for_timing(cls, wall_seconds: float) -> "Limits":
        return cls(wall_seconds=wall_seconds, cpu_seconds=int(wall_seconds) + 2, processes=2, single_process=True,
                   address_space=512 << 20)


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
    cpu_seconds: float = 0.0               # user + system time (wait4); see Limits.single_process

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

    def exec(self, argv: list[str], workdir: Path, limits: Limits, stdin: bytes = b"") -> ExecResult: ...


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


# The only environment any sandboxed or trusted run gets (no API keys, no host paths).
CLEAN_ENV = {"PATH": "/usr/bin:/bin", "LANG": "C.UTF-8"}


def _run_process(cmd: list[str], cwd: str, limits: Limits, uid: int | None,
                 pass_fds: tuple[int, ...] = (), stdin: bytes = b"") -> ExecResult:
    """Run cmd in its own session with stdin from a file, stdout/stderr to capped temp files;
    kill the group on timeout. CPU time comes from wait4: the kernel's account of the child and
    of every descendant it (bwrap's init, transitively) reaped."""
    with tempfile.TemporaryFile() as inp, tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        inp.write(stdin)
        inp.seek(0)
        kwargs: dict = {"pass_fds": pass_fds}
        if uid is not None:
            kwargs.update(user=uid, group=uid, extra_groups=[])
        t0 = time.perf_counter()
        try:
            proc = subprocess.Popen(cmd, cwd=cwd, stdin=inp, stdout=out, stderr=err, env=CLEAN_ENV,
                                    start_new_session=True, close_fds=True, **kwargs)
        except OSError as e:
            return ExecResult(None, "", "", 0.0, setup_error=f"cannot start {cmd[0]}: {e}")
        # A timer kills the group; the blocking wait4() returns at once when the child exits
        # (Popen.wait(timeout=) polls with sleeps, which cost ~20 ms per run).
        fired = threading.Event()

        def on_timeout() -> None:
            fired.set()
            _kill_group(proc)

        timer = threading.Timer(limits.wall_seconds, on_timeout)
        timer.start()
        try:
            _, status, usage = os.wait4(proc.pid, 0)
            proc.returncode = os.waitstatus_to_exitcode(status)
        finally:
            timer.cancel()
        timed_out = fired.is_set()
        secs = time.perf_counter() - t0
        stdout, trunc_o = _read_capped(out, limits.output_bytes)
        stderr, _ = _read_capped(err, 64 << 10)
    rc = proc.returncode
    sig = -rc if rc is not None and rc < 0 else None
    return ExecResult(rc, stdout, stderr, secs, timed_out, trunc_o, sig,
                      cpu_seconds=usage.ru_utime + usage.ru_stime)


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

    def stage(self, files: list[Path], names: list[str] | None = None) -> Path:
        """Copy files into a fresh world-readable folder (the only host folder the run sees),
        under `names` if given (timed programs get one name: argv[0] moves the stack)."""
        d = Path(tempfile.mkdtemp(dir=self._stage_root))
        os.chmod(d, 0o755)
        for f, name in zip(files, names or [f.name for f in files]):
            dst = d / name
            shutil.copy2(f, dst)
            os.chmod(dst, 0o755)
        return d

    def argv(self, inner: list[str], workdir: Path, status_fd: int, limits: Limits = Limits()) -> list[str]:
        # The only writable mounts are size-capped tmpfs (/tmp, /dev/shm): bwrap's own root,
        # /dev and /usr/local tmpfs are remounted read-only (unbounded, they would let a
        # candidate fill the host's memory with files), and the program's folder is read-only.
        cap = str(limits.tmpfs_bytes)
        return [self.bwrap, "--json-status-fd", str(status_fd), "--ro-bind", "/usr", "/usr", "--tmpfs", "/usr/local",
                "--symlink", "usr/lib", "/lib", "--symlink", "usr/lib64", "/lib64",
                "--symlink", "usr/bin", "/bin", "--dev", "/dev", "--size", cap, "--tmpfs", "/dev/shm",
                "--proc", "/proc", "--size", cap, "--tmpfs", "/tmp",
                "--ro-bind", str(workdir), "/w", "--remount-ro", "/dev", "--remount-ro", "/usr/local",
                "--remount-ro", "/", "--chdir", "/w", "--unshare-all", "--die-with-parent",
                "--new-session", "--cap-drop", "ALL", *(["--as-pid-1"] if limits.single_process else []),
                "--clearenv", "--setenv", "PATH", "/usr/bin", *inner]

    def exec(self, argv: list[str], workdir: Path, limits: Limits, stdin: bytes = b"") -> ExecResult:
        uid = self._uids.acquire() if self._uids else None
        try:
            # bwrap reports on this fd whether the child started: the only trustworthy way to
            # tell a sandbox setup failure from a candidate that prints "bwrap:" and exits 1.
            with tempfile.TemporaryFile() as status:
                fd = status.fileno()
                cmd = [*_prlimit_prefix(limits), *self.argv(argv, workdir, fd, limits)]
                res = _run_process(cmd, "/", limits, uid, pass_fds=(fd,), stdin=stdin)
                status.seek(0)
                started = b"child-pid" in status.read()
                if not started and uid is not None and "Resource temporarily unavailable" in res.stderr:
                    # the uid's previous run was still exiting (single-process runs allow no
                    # second process): wait for it to be gone and start once more
                    _wait_uid_gone(uid)
                    status.seek(0)
                    status.truncate()
                    res = _run_process(cmd, "/", limits, uid, pass_fds=(fd,), stdin=stdin)
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

    def stage(self, files: list[Path], names: list[str] | None = None) -> Path:
        d = Path(tempfile.mkdtemp(prefix="neucomback-unsafe-"))
        for f, name in zip(files, names or [f.name for f in files]):
            shutil.copy2(f, d / name)
        return d

    def exec(self, argv: list[str], workdir: Path, limits: Limits, stdin: bytes = b"") -> ExecResult:
        inner = [a.replace("/w/", str(workdir) + "/") if a.startswith("/w/") else a for a in argv]
        return _run_process([*_prlimit_prefix(limits), *inner], str(workdir), limits, None, stdin=stdin)


class TrustedRunner:
    """Runs trusted reference builds directly (no sandbox, but still a timeout)."""

    name = "trusted"

    def stage(self, files: list[Path], names: list[str] | None = None) -> Path:
        return files[0].parent

    def exec(self, argv: list[str], workdir: Path, limits: Limits, stdin: bytes = b"") -> ExecResult:
        inner = [a.replace("/w/", str(workdir) + "/") if a.startswith("/w/") else a for a in argv]
        return _run_process(inner, str(workdir), limits, None, stdin=stdin)


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
