"""Process isolation for grading: a pool of warm workers, one fresh sandbox per submission.

::

    grader (parent)  ──tasks──▶  worker 1 … worker N   (in bubblewrap, or forked from the grader)
         ▲                          │ fork, per submission
         └──── raw result lines ────┤
                                    ▼
                                 sandbox: own session, limits, unprivileged uid,
                                 private temp cwd with a copy, stdout/stderr captured,
                                 results on a private pipe (fd 3)

Each worker starts inside bubblewrap (:mod:`faultlab.grader._bwrap`) and warms itself
up (:mod:`faultlab.grader._warm`): faultlab, every lesson's checks, the instructor's extra
checks (their source arrives on the socket), the integrity fingerprint. Without
bubblewrap the grader warms up and forks the workers. Either way they are *warm* (nothing
left to import) and have never seen a submission. The grader reads each notebook and
hands the worker its bytes; the worker makes a fresh folder and forks the sandbox, which
sets its limits, drops to the worker's own unprivileged uid when the grader runs as root,
installs the audit hook and runs :func:`faultlab.grader._submission.run_submission`. The
worker enforces the wall-clock timeout, caps captured output and the result channel, kills
the sandbox's whole process tree (it is the tree's child subreaper, or PID 1 of the
namespace), deletes the folder and hands the raw lines to the grader,
which parses, checks and judges them.
"""

from __future__ import annotations

import base64
import contextlib
import dataclasses
import errno
import faulthandler
import json
import os
import resource
import selectors
import shutil
import signal
import socket
import stat
import struct
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import IO, Any

from faultlab.grader._submission import CHANNEL_FD, MAX_NOTEBOOK_BYTES, run_submission
from faultlab.grader._warm import Warm

__all__ = [
    "IsolationError",
    "Limits",
    "SandboxContext",
    "Unreadable",
    "WorkerPool",
    "count_user_tasks",
    "read_submission",
    "remove_tree",
    "sandbox_ids",
]

_PR_SET_PDEATHSIG = 1
_PR_SET_CHILD_SUBREAPER = 36
_M_ARENA_MAX = -8
_SETUP_FAILED = 71
_UNCAUGHT = 70
_HEADER = struct.Struct("!I")
_MAX_FRAME = 256 * 1024 * 1024
_UID_BASE = 2_000_000_000

_WORKER_CODE = "import sys; from faultlab.grader._sandbox import worker_main; worker_main(int(sys.argv[1]))"


class IsolationError(Exception):
    """Bubblewrap could not start the workers; the message says why."""


@dataclass(frozen=True)
class Limits:
    """What one submission may use.

    Attributes:
        timeout: Wall-clock seconds for each step: running the definitions, and each check.
        memory_mb: Address-space limit of the sandbox (``RLIMIT_AS``), in MiB.
        processes: Processes and threads the sandbox user may have (``RLIMIT_NPROC``).
        file_size_mb: Largest file the sandbox may write (``RLIMIT_FSIZE``), in MiB.
        open_files: File descriptors the sandbox may hold (``RLIMIT_NOFILE``).
        output_kept: Bytes of captured stdout/stderr kept for the feedback.
        output_limit: Bytes of output after which the sandbox is stopped.
        channel_limit: Bytes of results after which the sandbox is stopped.
    """

    timeout: float = 10.0
    memory_mb: int = 1024
    processes: int = 32
    file_size_mb: int = 16
    open_files: int = 256
    output_kept: int = 16 * 1024
    output_limit: int = 4 * 1024 * 1024
    channel_limit: int = 32 * 1024 * 1024


@dataclass(frozen=True)
class SandboxContext:
    """Everything a worker needs besides its warm state.

    Attributes:
        limits: Resource limits.
        ids: Per worker slot, the ``(uid, gid)`` the sandbox drops to; empty when not root.
        nproc: The ``RLIMIT_NPROC`` value to set.
        blocked_paths: Import-path entries the sandbox removes (cwd, submission folders).
        scratch: The run's folder, in which each sandbox gets its own (removed by the grader);
            ``/tmp`` inside bubblewrap.
        warm: The warm state (fork mode: taken in the grader; bubblewrap: taken in the worker).
        bwrap: Whether the workers run inside bubblewrap.
        extra_source: The extra-checks file's ``(path, source)``, handed to bubblewrap workers.
    """

    limits: Limits
    ids: tuple[tuple[int, int], ...] = ()
    nproc: int = 32
    blocked_paths: frozenset[str] = field(default_factory=frozenset)
    scratch: str | None = None
    warm: Warm | None = None
    bwrap: bool = False
    extra_source: tuple[str, str] | None = None


def _libc() -> Any:
    """The C library through ctypes, loaded only where bubblewrap does not isolate the workers.

    In a bubblewrap worker ctypes is never imported, so a sandbox forked from it finds no
    foreign-function interface already loaded (and the audit hook refuses importing one).
    """
    import ctypes

    try:
        return ctypes.CDLL(None, use_errno=True)
    except OSError:  # pragma: no cover - every Linux libc loads
        return None


def _prctl(option: int, value: int) -> bool:
    libc = _libc()
    if libc is None:
        return False
    return int(libc.prctl(option, value, 0, 0, 0)) == 0


# -- choosing the unprivileged identity --------------------------------------------------


def sandbox_ids(jobs: int) -> tuple[tuple[tuple[int, int], ...], list[str]]:
    """Choose the identity each worker slot's sandboxes drop to, and warnings for the user.

    As root, each slot gets its own otherwise unused uid, so the process limit of one
    submission never starves another and nothing a sandbox creates is writable by the
    next. If the kernel refuses such uids (a user namespace that maps only a few), every
    slot uses ``nobody``. When not root there is nothing to drop to: the empty tuple.

    Raises:
        Nothing: problems become warnings.
    """
    if os.geteuid() != 0:
        return (), []
    base = _UID_BASE + (os.getpid() % 100_000) * 64
    candidates = [tuple((base + slot, base + slot) for slot in range(jobs))]
    try:
        import pwd

        nobody = pwd.getpwnam("nobody")
        candidates.append(tuple((nobody.pw_uid, nobody.pw_gid) for _ in range(jobs)))
    except (ImportError, KeyError):
        candidates.append(tuple((65534, 65534) for _ in range(jobs)))
    for ids in candidates:
        readable = _probe_identity(*ids[0])
        if readable is None:
            continue
        warnings = []
        if ids[0][0] < _UID_BASE:
            warnings.append("sandboxes share the user 'nobody' (the kernel refused private uids)")
        if not readable:
            stdlib = os.path.dirname(os.__file__)
            warnings.append(
                f"the sandbox user cannot read Python's standard library ({stdlib}); submissions can "
                "import only modules the grader has already imported (install Python in a world-readable "
                "place, or grade in a container)"
            )
        return ids, warnings
    return (), ["could not switch to an unprivileged user: submissions run as root (grade in a container)"]


def _probe_identity(uid: int, gid: int) -> bool | None:
    """Fork, drop to ``uid``: ``None`` if impossible, else whether the stdlib is readable."""
    pid = os.fork()
    if pid == 0:  # pragma: no cover - runs in the forked probe
        code = 2
        try:
            os.setgroups([])
            os.setgid(gid)
            os.setuid(uid)
            try:
                os.listdir(os.path.dirname(os.__file__))
                code = 0
            except OSError:
                code = 1
        finally:
            os._exit(code)
    _, status = os.waitpid(pid, 0)
    code = os.waitstatus_to_exitcode(status)
    return None if code not in (0, 1) else code == 0


def count_user_tasks(uid: int) -> int:
    """Processes and threads that ``uid`` has now (what ``RLIMIT_NPROC`` counts).

    Raises:
        Nothing: unreadable entries are skipped.
    """
    total = 0
    with contextlib.suppress(OSError), os.scandir("/proc") as entries:
        for entry in entries:
            if entry.name.isdigit():
                with contextlib.suppress(OSError):
                    if entry.stat().st_uid == uid:
                        total += len(os.listdir(f"/proc/{entry.name}/task"))
    return total


# -- framing between the grader and its workers -----------------------------------------


def _send_frame(sock: socket.socket, obj: Any) -> None:
    data = json.dumps(obj, ensure_ascii=True, separators=(",", ":")).encode("ascii")
    sock.sendall(_HEADER.pack(len(data)) + data)


def _recv_exact(sock: socket.socket, size: int) -> bytes | None:
    chunks = bytearray()
    while len(chunks) < size:
        data = sock.recv(min(size - len(chunks), 1 << 20))
        if not data:
            return None
        chunks += data
    return bytes(chunks)


def _recv_frame(sock: socket.socket) -> Any:
    header = _recv_exact(sock, _HEADER.size)
    if header is None:
        return None
    (size,) = _HEADER.unpack(header)
    body = _recv_exact(sock, size)
    return None if body is None else json.loads(body)


class _FrameReader:
    """Non-blocking reassembly of frames on the grader's side."""

    def __init__(self) -> None:
        self.buffer = bytearray()

    def feed(self, data: bytes) -> list[Any]:
        """Add bytes from a worker; return the complete frames.

        Raises:
            ValueError: A frame larger than any worker sends (a corrupted stream).
        """
        self.buffer += data
        frames = []
        while len(self.buffer) >= _HEADER.size:
            (size,) = _HEADER.unpack_from(self.buffer)
            if size > _MAX_FRAME:
                msg = "oversized frame from a worker"
                raise ValueError(msg)
            if len(self.buffer) < _HEADER.size + size:
                break
            body = bytes(self.buffer[_HEADER.size : _HEADER.size + size])
            del self.buffer[: _HEADER.size + size]
            frames.append(json.loads(body))
        return frames


# -- the worker ----------------------------------------------------------------------------


class Unreadable(Exception):
    """The submission file cannot be read; the message is for the learner."""


def read_submission(path: str) -> bytes:
    """The bytes of a handed-in notebook: a regular file, not through a symbolic link, at most 32 MiB.

    The grader reads the file and hands the bytes to a worker: no path of the grading
    machine reaches a sandbox.

    Raises:
        Unreadable: A symbolic link, not a regular file, too large, gone, or unreadable.
    """
    flags = os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC
    try:
        fd = os.open(path, flags)
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            msg = "is a symbolic link; hand in the notebook file itself"
            raise Unreadable(msg) from None
        if exc.errno == errno.ENOENT:
            msg = "disappeared before it could be graded"
            raise Unreadable(msg) from None
        msg = f"cannot be read ({exc.strerror})"
        raise Unreadable(msg) from None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            msg = "is not a regular file"
            raise Unreadable(msg)
        if info.st_size > MAX_NOTEBOOK_BYTES:
            msg = f"is {info.st_size // (1024 * 1024)} MB, too large to be a course notebook"
            raise Unreadable(msg)
        with os.fdopen(fd, "rb", closefd=False) as src:
            data = src.read(MAX_NOTEBOOK_BYTES + 1)
    except OSError as exc:
        msg = f"cannot be read ({exc.strerror})"
        raise Unreadable(msg) from None
    finally:
        os.close(fd)
    if len(data) > MAX_NOTEBOOK_BYTES:
        msg = "grew past 32 MB while it was read, too large to be a course notebook"
        raise Unreadable(msg)
    return data


@dataclass
class _Capture:
    lines: list[str] = field(default_factory=list)
    marks: list[int] = field(default_factory=list)
    partial: bytearray = field(default_factory=bytearray)
    channel_bytes: int = 0
    output: bytearray = field(default_factory=bytearray)
    output_bytes: int = 0


class _Worker:
    """One warm worker: runs each task in a fresh sandbox and reports raw results."""

    def __init__(self, sock: socket.socket, slot: int, ctx: SandboxContext, warm: Warm) -> None:
        self.sock = sock
        self.ctx = ctx
        self.warm = warm
        self.ids = ctx.ids[slot] if ctx.ids else None
        self.subreaper = True if ctx.bwrap else _prctl(_PR_SET_CHILD_SUBREAPER, 1)

    def serve(self) -> None:
        """Run tasks from the grader until its socket closes.

        Raises:
            OSError: The socket to the grader failed.
        """
        while True:
            task = _recv_frame(self.sock)
            if task is None:
                return
            _send_frame(self.sock, self.run(task))

    def run(self, task: dict[str, Any]) -> dict[str, Any]:
        """Run one task in a fresh sandbox and return the raw result for the grader.

        Raises:
            OSError: The worker's own temporary folder could not be made.
        """
        result: dict[str, Any] = {"task": task["task"], "lines": [], "marks": [], "output": "", "output_bytes": 0}
        raw = base64.b64decode(task.pop("notebook"))
        folder = tempfile.mkdtemp(prefix="sandbox-", dir=self.ctx.scratch)
        try:
            if self.ids is not None:
                os.chown(folder, *self.ids)
            steps = self.warm.plans[task["stem"]]
            cpu = int(self.ctx.limits.timeout * (len(steps) - task["start"] + 1)) + 2
            capture, end = self._sandbox(task, raw, folder, steps, cpu)
            result.update(end=end, lines=capture.lines, marks=capture.marks, output_bytes=capture.output_bytes)
            result["output"] = bytes(capture.output).decode("utf-8", "replace")
            return result
        finally:
            del raw
            remove_tree(folder)

    def _sandbox(
        self, task: dict[str, Any], raw: bytes, folder: str, steps: Sequence[Any], cpu: int
    ) -> tuple[_Capture, dict[str, Any]]:
        chan_r, chan_w = os.pipe()
        out_r, out_w = os.pipe()
        pid = os.fork()
        if pid == 0:  # pragma: no cover - the sandbox; coverage cannot follow it
            code = _SETUP_FAILED
            try:
                _enter_sandbox(self.ctx, self.ids, folder, chan_w, out_w, cpu)
                from faultlab.grader._audit import install

                warm = self.warm
                refusals = install(folder, warm.roots, warm.guarded, warm.pinned)
                warm.fingerprint.hooked = True
                warm.fingerprint.settle()
                code = _UNCAUGHT
                run_submission(raw, steps, task["start"], task["token"], warm.fingerprint, refusals=refusals)
                code = 0
            except BaseException as exc:  # noqa: BLE001 - whatever happens, exit without unwinding
                with contextlib.suppress(BaseException):
                    os.write(2, f"\nfaultlab sandbox: {type(exc).__name__}: {exc}\n".encode(errors="replace"))
            finally:
                os._exit(code)
        os.close(chan_w)
        os.close(out_w)
        try:
            return self._supervise(pid, chan_r, out_r, len(steps) - task["start"])
        finally:
            os.close(chan_r)
            os.close(out_r)

    def _supervise(self, pid: int, chan_r: int, out_r: int, steps: int) -> tuple[_Capture, dict[str, Any]]:
        limits = self.ctx.limits
        capture = _Capture()
        try:
            pidfd: int | None = os.pidfd_open(pid)
        except (AttributeError, OSError):
            pidfd = None
        sel = selectors.DefaultSelector()
        for fd in (chan_r, out_r):
            os.set_blocking(fd, False)
            sel.register(fd, selectors.EVENT_READ)
        if pidfd is not None:
            sel.register(pidfd, selectors.EVENT_READ)
        sel.register(self.sock, selectors.EVENT_READ)
        start = time.monotonic()
        step_deadline = start + limits.timeout
        hard_deadline = start + limits.timeout * (steps + 1) + 1
        reason: str | None = None
        status: int | None = None
        try:
            while status is None:
                now = time.monotonic()
                if reason is None and now >= min(step_deadline, hard_deadline):
                    reason = "timeout"
                    _kill(pid)
                wait = 0.05 if pidfd is None or reason else max(0.0, min(step_deadline, hard_deadline) - now)
                for key, _ in sel.select(wait):
                    if key.fd == chan_r:
                        if out_r in sel.get_map():
                            self._slurp_output(out_r, capture, sel)
                        if self._read_channel(chan_r, capture, sel) and reason is None:
                            step_deadline = time.monotonic() + limits.timeout
                        if capture.channel_bytes > limits.channel_limit and reason is None:
                            reason = "channel"
                            _kill(pid)
                    elif key.fd == out_r and out_r in sel.get_map():
                        self._read_output(out_r, capture, sel)
                        if capture.output_bytes > limits.output_limit and reason is None:
                            reason = "output"
                            _kill(pid)
                    elif key.fileobj is self.sock and not self.sock.recv(1, socket.MSG_PEEK):
                        _kill(pid)
                        self._sweep(pid)
                        os._exit(0)  # the grader is gone
                status = self._poll(pid)
        finally:
            sel.close()
            if pidfd is not None:
                os.close(pidfd)
        self._sweep(pid)
        self._drain(chan_r, out_r, capture)
        return capture, _describe_end(reason, status)

    def _read_channel(self, fd: int, capture: _Capture, sel: selectors.BaseSelector) -> bool:
        """Read what is there; return whether a complete line arrived."""
        try:
            data = os.read(fd, 1 << 16)
        except BlockingIOError:
            return False
        if not data:
            sel.unregister(fd)
            return False
        capture.channel_bytes += len(data)
        if capture.channel_bytes > self.ctx.limits.channel_limit:
            return False
        capture.partial += data
        if b"\n" not in data:
            return False
        *complete, rest = bytes(capture.partial).split(b"\n")
        capture.partial = bytearray(rest)
        capture.lines += [line.decode("utf-8", "replace") for line in complete]
        capture.marks += [len(capture.output)] * len(complete)
        return True

    def _slurp_output(self, fd: int, capture: _Capture, sel: selectors.BaseSelector) -> None:
        """Read the output the sandbox wrote before its latest result line, so it counts for that step."""
        for _ in range(64):
            before = capture.output_bytes
            self._read_output(fd, capture, sel)
            if capture.output_bytes == before or fd not in sel.get_map():
                return

    def _read_output(self, fd: int, capture: _Capture, sel: selectors.BaseSelector) -> None:
        try:
            data = os.read(fd, 1 << 16)
        except BlockingIOError:
            return
        if not data:
            if fd in sel.get_map():
                sel.unregister(fd)
            return
        capture.output_bytes += len(data)
        room = self.ctx.limits.output_kept - len(capture.output)
        if room > 0:
            capture.output += data[:room]

    def _drain(self, chan_r: int, out_r: int, capture: _Capture) -> None:
        """Collect what the (now dead) sandbox left in the pipes, within the caps."""
        dummy = selectors.DefaultSelector()
        with contextlib.suppress(OSError):
            for fd in (out_r, chan_r):
                dummy.register(fd, selectors.EVENT_READ)
                for _ in range(4096):
                    if fd not in dummy.get_map():
                        break
                    before = (capture.channel_bytes, capture.output_bytes)
                    if fd == chan_r:
                        self._read_channel(fd, capture, dummy)
                    else:
                        self._read_output(fd, capture, dummy)
                    if (capture.channel_bytes, capture.output_bytes) == before:
                        break
        dummy.close()

    @staticmethod
    def _poll(pid: int) -> int | None:
        try:
            done, status = os.waitpid(pid, os.WNOHANG)
        except ChildProcessError:
            return 0
        return status if done else None

    def _sweep(self, pid: int) -> None:
        """Kill and reap everything the sandbox left behind (this worker is their subreaper)."""
        _kill(pid)
        me = os.getpid()
        give_up = time.monotonic() + 10  # a process stuck in the kernel cannot be reaped; do not wait forever
        while time.monotonic() < give_up:
            try:
                done, _ = os.waitpid(-1, os.WNOHANG)
            except ChildProcessError:
                return
            if done:
                continue
            killed = 0
            for child in _children_of(me):
                with contextlib.suppress(OSError):
                    os.kill(child, signal.SIGKILL)
                    killed += 1
            if killed:
                with contextlib.suppress(ChildProcessError):
                    os.waitpid(-1, 0)
            else:
                time.sleep(0.002)


def remove_tree(folder: str) -> None:
    """Delete the sandbox's folder, even where it removed its own permissions.

    Raises:
        Nothing.
    """
    shutil.rmtree(folder, ignore_errors=True)
    if os.path.lexists(folder):
        for dirpath, dirnames, _ in os.walk(folder):
            for name in dirnames:
                path = os.path.join(dirpath, name)
                if not os.path.islink(path):
                    with contextlib.suppress(OSError):
                        os.chmod(path, 0o700)
        with contextlib.suppress(OSError):
            os.chmod(folder, 0o700)
        shutil.rmtree(folder, ignore_errors=True)


def _reaped(entry: _Slot) -> bool:
    if entry.proc is not None:
        return entry.proc.poll() is not None
    try:
        done, _ = os.waitpid(entry.pid, os.WNOHANG)
    except ChildProcessError:
        return True
    return bool(done)


def _kill(pid: int) -> None:
    with contextlib.suppress(OSError):
        os.killpg(pid, signal.SIGKILL)
    with contextlib.suppress(OSError):
        os.kill(pid, signal.SIGKILL)


def _children_of(parent: int) -> list[int]:
    found = []
    with contextlib.suppress(OSError), os.scandir("/proc") as entries:
        for entry in entries:
            if not entry.name.isdigit():
                continue
            try:
                with open(f"/proc/{entry.name}/stat", "rb") as handle:
                    fields = handle.read().rsplit(b")", 1)[1].split()
            except (OSError, IndexError):
                continue
            if len(fields) > 1 and int(fields[1]) == parent:
                found.append(int(entry.name))
    return found


def _describe_end(reason: str | None, status: int | None) -> dict[str, Any]:
    if reason is not None:
        return {"reason": reason}
    if status is None:
        return {"reason": "exit", "code": None}
    if os.WIFSIGNALED(status):
        return {"reason": "signal", "signal": os.WTERMSIG(status)}
    return {"reason": "exit", "code": os.WEXITSTATUS(status) if os.WIFEXITED(status) else None}


def _enter_sandbox(
    ctx: SandboxContext, ids: tuple[int, int] | None, folder: str, chan_w: int, out_w: int, cpu: int
) -> None:  # pragma: no cover - runs only in the forked sandbox
    """Become the sandbox: session, signals, descriptors, cwd, environment, limits, identity."""
    os.setsid()
    signal.signal(signal.SIGINT, signal.default_int_handler)
    for sig in (signal.SIGTERM, signal.SIGHUP, signal.SIGQUIT, signal.SIGUSR1, signal.SIGUSR2, signal.SIGALRM):
        signal.signal(sig, signal.SIG_DFL)
    signal.signal(signal.SIGCHLD, signal.SIG_DFL)
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # an oversized write fails with EFBIG instead
    null = os.open(os.devnull, os.O_RDONLY)
    chan = _dup_high(chan_w)
    out = _dup_high(out_w)
    os.dup2(null, 0)
    os.dup2(out, 1)
    os.dup2(out, 2)
    os.dup2(chan, CHANNEL_FD)
    for name in os.listdir("/proc/self/fd"):
        fd = int(name)
        if fd > CHANNEL_FD:
            with contextlib.suppress(OSError):
                os.close(fd)
    sys.stdin = open(0, closefd=False)  # noqa: SIM115 - lives as long as the process
    sys.stdout = open(1, "w", buffering=1, closefd=False, encoding="utf-8", errors="backslashreplace")  # noqa: SIM115
    sys.stderr = open(2, "w", buffering=1, closefd=False, encoding="utf-8", errors="backslashreplace")  # noqa: SIM115
    faulthandler.enable(file=sys.stderr)
    os.chdir(folder)
    os.environ.clear()
    # FAULTLAB_SANDBOX tells a check that the audit hook is there (lesson 05's observer then
    # leaves frame use to the hook instead of profiling for it, which the hook refuses).
    os.environ.update(
        {
            "PATH": "/usr/local/bin:/usr/bin:/bin",
            "HOME": folder,
            "TMPDIR": folder,
            "LANG": "C.UTF-8",
            "FAULTLAB_SANDBOX": "1",
        }
    )
    tempfile.tempdir = folder
    mib = 1024 * 1024
    limits = ctx.limits
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu + 1))
    resource.setrlimit(resource.RLIMIT_FSIZE, (limits.file_size_mb * mib, limits.file_size_mb * mib))
    resource.setrlimit(resource.RLIMIT_NOFILE, (limits.open_files, limits.open_files))
    resource.setrlimit(resource.RLIMIT_AS, (limits.memory_mb * mib, limits.memory_mb * mib))
    resource.setrlimit(resource.RLIMIT_NPROC, (ctx.nproc, ctx.nproc))
    if ids is not None:
        uid, gid = ids
        os.setgroups([])
        os.setgid(gid)
        os.setuid(uid)
        if os.getresuid() != (uid, uid, uid) or os.getresgid() != (gid, gid, gid):
            msg = "could not drop privileges"
            raise PermissionError(msg)
    if not ctx.bwrap:
        # In bubblewrap the worker is PID 1 of the sandbox's namespace (its death ends every
        # process in it) and MALLOC_ARENA_MAX is set in the environment; elsewhere, ctypes.
        _prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)  # after setuid, which clears it
        libc = _libc()
        if libc is not None:
            libc.mallopt(_M_ARENA_MAX, 2)  # threads must not reserve 64 MiB arenas under RLIMIT_AS
    blocked = ctx.blocked_paths | {folder}
    sys.path[:] = [p for p in sys.path if p not in ("", ".") and os.path.abspath(p) not in blocked]


def _dup_high(fd: int) -> int:  # pragma: no cover - runs only in the forked sandbox
    import fcntl

    return fcntl.fcntl(fd, fcntl.F_DUPFD, 10)


# -- the pool, on the grader's side -------------------------------------------------------


@dataclass
class _Slot:
    pid: int
    sock: socket.socket
    proc: subprocess.Popen[bytes] | None = None
    errors: IO[bytes] | None = None
    reader: _FrameReader = field(default_factory=_FrameReader)
    task: dict[str, Any] | None = None
    sent_at: float = 0.0


def worker_main(fd: int) -> None:  # pragma: no cover - runs inside bubblewrap
    """The entry point of a worker started inside bubblewrap: warm up, say so, serve.

    Raises:
        Nothing: a failure to warm up is reported to the grader, then the worker exits.
    """
    from faultlab.grader._extra import load_extra_source
    from faultlab.grader._warm import address_space_mb, prepare

    signal.signal(signal.SIGINT, signal.SIG_IGN)
    sock = socket.socket(fileno=fd)
    init = _recv_frame(sock)
    if not isinstance(init, dict):
        return
    try:
        extra = init.get("extra")
        extras = load_extra_source(extra[0], extra[1]) if extra else ()
        warm = prepare(extras)
        ctx = SandboxContext(
            limits=Limits(**init["limits"]),
            ids=tuple((int(u), int(g)) for u, g in init["ids"]),
            nproc=int(init["nproc"]),
            scratch="/tmp",  # noqa: S108 - bubblewrap's private, empty tmpfs
            bwrap=True,
        )
    except BaseException as exc:  # noqa: BLE001 - reported to the grader, which stops with it
        _send_frame(sock, {"error": f"{type(exc).__name__}: {exc}"[:2000]})
        return
    _send_frame(sock, {"ready": True, "vmsize": address_space_mb()})
    try:
        _Worker(sock, int(init["slot"]), ctx, warm).serve()
    except OSError:
        return


class WorkerPool:
    """``jobs`` warm workers: inside bubblewrap (``ctx.bwrap``), or forked from this warm process.

    Args:
        ctx: The sandbox context, shared by every worker.
        jobs: How many submissions run at once.

    Raises:
        IsolationError: Bubblewrap workers did not start (the message says why).
    """

    def __init__(self, ctx: SandboxContext, jobs: int, ready_timeout: float = 300.0) -> None:
        self.ctx = ctx
        self.slots: list[_Slot] = []
        self.ready_timeout = ready_timeout
        self.vmsize = 0
        try:
            for slot in range(jobs):
                self.slots.append(self._spawn(slot))
            if ctx.bwrap:
                for entry in self.slots:
                    self._await_ready(entry)
        except BaseException:
            self.close(grace=0)
            raise

    def _spawn(self, slot: int) -> _Slot:
        ours, theirs = socket.socketpair()
        if self.ctx.bwrap:
            return self._spawn_bwrap(slot, ours, theirs)
        warm = self.ctx.warm
        if warm is None:
            msg = "a forked worker needs the grader's warm state"
            raise IsolationError(msg)
        pid = os.fork()
        if pid == 0:  # pragma: no cover - the worker; coverage cannot follow it
            try:
                ours.close()
                for other in self.slots:
                    other.sock.close()
                signal.signal(signal.SIGINT, signal.SIG_IGN)
                _prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
                _Worker(theirs, slot, self.ctx, warm).serve()
            finally:
                os._exit(0)
        theirs.close()
        return _Slot(pid, ours)

    def _spawn_bwrap(self, slot: int, ours: socket.socket, theirs: socket.socket) -> _Slot:
        from faultlab.grader._bwrap import bwrap_command

        errors = tempfile.TemporaryFile()  # noqa: SIM115 - lives as long as the worker
        try:
            proc = subprocess.Popen(  # noqa: S603 - our own command line
                bwrap_command(_WORKER_CODE, theirs.fileno()),
                pass_fds=(theirs.fileno(),),
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=errors,
                start_new_session=True,
            )
        except OSError as exc:
            errors.close()
            msg = f"bubblewrap could not start ({exc})"
            raise IsolationError(msg) from None
        finally:
            theirs.close()
        init = {
            "slot": slot,
            "limits": dataclasses.asdict(self.ctx.limits),
            "ids": [list(pair) for pair in self.ctx.ids],
            "nproc": self.ctx.nproc,
            "extra": list(self.ctx.extra_source) if self.ctx.extra_source else None,
        }
        entry = _Slot(proc.pid, ours, proc=proc, errors=errors)
        with contextlib.suppress(OSError):  # reported by _await_ready
            _send_frame(ours, init)
        return entry

    def _await_ready(self, entry: _Slot) -> None:
        entry.sock.settimeout(self.ready_timeout)
        try:
            reply = _recv_frame(entry.sock)
        except (OSError, ValueError):
            reply = None
        finally:
            entry.sock.settimeout(None)
        if isinstance(reply, dict) and reply.get("ready"):
            self.vmsize = max(self.vmsize, int(reply.get("vmsize") or 0))
            return
        if isinstance(reply, dict) and isinstance(reply.get("error"), str):
            msg = f"a bubblewrap worker could not warm up: {reply['error']}"
            raise IsolationError(msg)
        said = ""
        if entry.errors is not None:
            entry.errors.seek(0)
            lines = entry.errors.read().decode("utf-8", "replace").strip().splitlines()
            said = f" ({lines[-1][:300]})" if lines else ""
        msg = f"a bubblewrap worker did not start{said}"
        raise IsolationError(msg)

    @property
    def idle(self) -> list[int]:
        """Slots that can take a task.

        Raises:
            Nothing.
        """
        return [i for i, s in enumerate(self.slots) if s.task is None]

    @property
    def busy(self) -> bool:
        """Whether any task is running.

        Raises:
            Nothing.
        """
        return any(s.task is not None for s in self.slots)

    def submit(self, slot: int, task: dict[str, Any]) -> None:
        """Hand ``task`` to an idle slot.

        Raises:
            ValueError: The slot is busy.
        """
        entry = self.slots[slot]
        if entry.task is not None:
            msg = f"worker slot {slot} is busy"
            raise ValueError(msg)
        try:
            _send_frame(entry.sock, task)
        except OSError:  # the worker died while idle (OOM killer?): replace it, try once more
            self._replace(slot)
            entry = self.slots[slot]
            try:
                _send_frame(entry.sock, task)
            except OSError:
                entry.sock.close()  # wait() reports the task as lost to its worker
        entry.task = task
        entry.sent_at = time.monotonic()

    def wait(self, budget: float) -> Iterator[dict[str, Any]]:
        """Yield the results that are ready (blocking until at least one is).

        ``budget`` is how long a task may take in all before its worker is presumed
        stuck, killed and replaced; its task then ends with reason ``worker``.

        Raises:
            Nothing: a dead or stuck worker yields a result describing it.
        """
        busy = [s for s in self.slots if s.task is not None]
        if not busy:
            return
        now = time.monotonic()
        timeout = max(0.0, min(s.sent_at + budget for s in busy) - now)
        sel = selectors.DefaultSelector()
        try:
            for s in busy:
                if s.sock.fileno() >= 0:
                    sel.register(s.sock, selectors.EVENT_READ, s)
            ready = [key.data for key, _ in sel.select(timeout)] if sel.get_map() else []
        finally:
            sel.close()
        now = time.monotonic()
        for s in busy:
            if s not in ready and s.sock.fileno() >= 0 and now < s.sent_at + budget:
                continue
            yield from self._collect(s, stuck=s not in ready)

    def _collect(self, s: _Slot, *, stuck: bool) -> Iterator[dict[str, Any]]:
        task = s.task
        if task is None:
            return
        data = b""
        if not stuck:
            try:
                data = s.sock.recv(1 << 20)
            except OSError:
                data = b""
            if data:
                try:
                    frames = s.reader.feed(data)
                except ValueError:
                    frames = []
                    data = b""
                for frame in frames:
                    s.task = None
                    yield frame
                if data:
                    return
        index = self.slots.index(s)
        self._replace(index)
        yield {
            "task": task["task"],
            "lines": [],
            "output": "",
            "output_bytes": 0,
            "end": {"reason": "worker", "stuck": stuck},
        }

    def _replace(self, index: int) -> None:
        old = self.slots[index]
        self._stop(old)
        fresh = self._spawn(index)
        self.slots[index] = fresh
        if self.ctx.bwrap:
            try:
                self._await_ready(fresh)
            except IsolationError:
                with contextlib.suppress(OSError):
                    fresh.sock.close()  # the next task on this slot is reported as lost

    @staticmethod
    def _stop(entry: _Slot) -> None:
        _kill(entry.pid)
        with contextlib.suppress(OSError):
            entry.sock.close()
        if entry.proc is not None:
            entry.proc.wait()
        else:
            with contextlib.suppress(ChildProcessError):
                os.waitpid(entry.pid, 0)
        if entry.errors is not None:
            entry.errors.close()

    def close(self, grace: float = 5.0) -> None:
        """Stop every worker: each sees its socket close, kills its sandbox's tree, and exits.

        A worker that has not exited after ``grace`` seconds is killed.

        Raises:
            Nothing.
        """
        for s in self.slots:
            with contextlib.suppress(OSError):
                s.sock.close()
        deadline = time.monotonic() + grace
        for s in self.slots:
            while not _reaped(s):
                if time.monotonic() > deadline:
                    self._stop(s)
                    break
                time.sleep(0.005)
            if s.errors is not None:
                s.errors.close()
        self.slots = []

    def __enter__(self) -> WorkerPool:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
