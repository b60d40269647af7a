"""A sandboxed Jupyter kernel: the only place student code ever runs during grading.

The kernel is a real ipykernel, started by us (not by jupyter_client's launcher, which leaks the
grader's file descriptors into the child) with:

- its own working directory, holding only the submission and a copy of the student library;
- the sandbox environment's interpreter (numpy, matplotlib, ipykernel: no grader, no solutions);
- a clean environment: none of the grader's variables cross;
- resource limits: address space, CPU seconds, processes, open files, file size, no core files;
- a new session, so a deadline kills the whole process group;
- as root, the isolation of autograder/isolation.py (own uid, tmpfs directory, an allow-listed
  filesystem, its own PID, IPC and network namespaces) and a cgroup of its own
  (autograder/cgroup.py: about one core, one memory limit for all its processes, a process limit).

ZeroMQ talks over unix sockets (ipc transport) in the working directory, which needs no network,
refuses any message over MAX_MESSAGE bytes and queues at most QUEUED_MESSAGES of them in the
grader. The hidden suite's calls take a shorter way: a socketpair made here, one end inherited by
the kernel (`call`), so a call costs a few bytes of framing instead of a Jupyter execution.
Everything the kernel sends is untrusted: a frame that is not a well-formed Jupyter message (or
a reply to another call) is dropped and counted. `Sandbox.protections` records what was in force.
"""
import functools
import glob
import json
import os
import queue
import resource
import secrets
import select
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import zmq
from jupyter_client import BlockingKernelClient

from autograder import isolation, machine_cache
from autograder.cgroup import Cgroup, available_controllers
from autograder.course import STUDENT_LIBRARY

MAX_MESSAGE = 64 * 2**20
QUEUED_MESSAGES = 2     # per channel: what a kernel floods beyond this waits in its own memory
MALFORMED = (ValueError, KeyError, TypeError, AttributeError, IndexError)   # from a bad frame


@dataclass
class Policy:
    memory_bytes: int = 3 * 2**30  # per process (address space) and, with a cgroup, the whole sandbox
    cpu_seconds: int = 600         # per process
    cpu_cores: float = 1.0         # the whole sandbox's CPU share, with a cgroup
    processes: int = 256           # per uid and, with a cgroup, per sandbox; threads included
    open_files: int = 256
    file_bytes: int = 64 * 2**20
    disk_bytes: int = 256 * 2**20
    output_bytes: int = 256 * 2**10
    cell_timeout: float = 60.0
    call_timeout: float = 30.0
    submission_timeout: float = 600.0
    startup_timeout: float = 60.0


class KernelGone(Exception):
    """The kernel died, was killed for a deadline, or never started."""

    def __init__(self, reason):
        super().__init__(reason)
        self.reason = reason


@dataclass
class Execution:
    status: str                      # ok | error | timeout | dead
    stdout: str = ""
    error: dict = field(default_factory=dict)   # ename, evalue, traceback (student's own)
    result: bytes = None               # a call's reply message (wire.py)
    seconds: float = 0.0


def sandbox_python():
    """The interpreter of the sandbox environment (made by `make setup`; see the Makefile)."""
    if os.environ.get("COURSE_SANDBOX_PYTHON"):
        return os.environ["COURSE_SANDBOX_PYTHON"]
    marker = Path(sys.prefix) / "sandbox-python"
    return marker.read_text().strip() if marker.is_file() else sys.executable


@functools.lru_cache(maxsize=4)
def font_cache(python):
    """(file name, bytes) of matplotlib's font list as `python` builds it, or None. Made with no
    student code, kept in the machine cache until matplotlib or the system's fonts change, and
    copied into every kernel's new MPLCONFIGDIR: else each kernel spends a fifth of a CPU second
    building its own when the notebook imports pyplot."""
    packages = sorted(glob.glob(str(Path(python).parent.parent / "lib" / "python3*" / "site-packages" / "matplotlib*")))
    fonts = [os.path.join(d, f) for d, _, files in os.walk(isolation.FONTS) for f in files]
    found = machine_cache.cached("fontlist", machine_cache.stamp([python, *packages, *sorted(fonts)]),
                                 lambda: _build_font_list(python))
    return (found[0], found[1].encode()) if found else None


def _build_font_list(python):
    """[file name, text] of the font list `python`'s matplotlib builds in an empty MPLCONFIGDIR."""
    with tempfile.TemporaryDirectory() as tmp:
        try:
            proc = subprocess.run([python, "-I", "-c", "import matplotlib.font_manager"], capture_output=True,
                                  env={"PATH": "/usr/bin:/bin", "HOME": tmp, "MPLCONFIGDIR": tmp, "MPLBACKEND": "Agg"})
        except OSError:   # no such interpreter: the kernel's own start says so
            return None
        found = sorted(Path(tmp).glob("fontlist-*.json"))
        return [found[0].name, found[0].read_bytes().decode()] if proc.returncode == 0 and found else None


CGROUP_WORDS = {"cpu_cores": "CPU share", "memory_bytes": "total memory", "processes": "process count"}
CGROUP_MISSING = {"cpu_cores": "every core", "memory_bytes": "the memory limit once per process",
                  "processes": "up to the per-uid process limit"}


def protections(policy, controllers=None):
    """What this machine lets us enforce, as recorded in every result (`controllers`: the cgroup
    controllers of one sandbox; by default, those this machine would give one)."""
    root = isolation.is_root()
    allowlist = isolation.allowlist_available()
    isolated = root and (allowlist or isolation.namespaces_available())
    controllers = available_controllers(policy) if controllers is None else controllers
    return {
        "separate_process": True,
        "own_directory": True,
        "clean_environment": True,
        "own_unprivileged_uid": root,
        "filesystem_allow_list": allowlist,
        "own_process_namespace": allowlist,
        "own_ipc_namespace": allowlist,
        "network_isolated": isolated,
        "private_tmp": isolated,
        "disk_limit_bytes": policy.disk_bytes if root else None,
        "cgroup": {"cpu_cores": policy.cpu_cores if "cpu" in controllers else None,
                   "memory_bytes": policy.memory_bytes if "memory" in controllers else None,
                   "processes": policy.processes if "pids" in controllers else None},
        "limits": {"memory_bytes": policy.memory_bytes, "cpu_seconds": policy.cpu_seconds,
                   "processes": policy.processes if root else None, "open_files": policy.open_files,
                   "file_bytes": policy.file_bytes, "output_bytes": policy.output_bytes,
                   "message_bytes": MAX_MESSAGE, "queued_messages": QUEUED_MESSAGES},
        "deadlines": {"cell": policy.cell_timeout, "call": policy.call_timeout,
                      "submission": policy.submission_timeout},
    }


def describe(active):
    """(one summary line, warnings) on what a sandbox enforces here, for the person grading."""
    view = "an allow-listed filesystem and its own processes" if active["filesystem_allow_list"] else "the whole filesystem"
    summary = (f"sandbox: {'an unprivileged uid per sandbox' if active['own_unprivileged_uid'] else 'YOUR uid'}, {view}, "
               f"network {'isolated' if active['network_isolated'] else 'NOT isolated'}, "
               f"a cgroup capping {', '.join(CGROUP_WORDS[k] for k, v in active['cgroup'].items() if v) or 'nothing'}, "
               f"limits on memory, CPU time, files and output, deadlines per cell "
               f"({active['deadlines']['cell']:g} s) and per call ({active['deadlines']['call']:g} s)")
    warnings = []
    if not active["own_unprivileged_uid"]:
        warnings.append("not running as root, so student code runs as YOUR user: it can read and change "
                        "any file you can (the solutions, the gradebook, other submissions) and signal your "
                        "processes. Limits and deadlines still apply, and scores are still computed outside "
                        "its process. Grade as root (a container will do) for the full sandbox.")
    elif not active["filesystem_allow_list"]:
        warnings.append("bubblewrap (bwrap) is missing or cannot make user namespaces here: student code sees "
                        "every file any local user may read (another checkout of the course, a backup, an "
                        "installed copy with its solutions), every process, and leaves System V and POSIX IPC "
                        "objects for the next submission. Install Debian's `bubblewrap` (`make setup` as root does).")
    if not active["network_isolated"]:
        warnings.append("no network namespace: student code can reach the network, and /tmp is shared.")
    missing = [k for k, v in active["cgroup"].items() if v is None]
    if missing:
        warnings.append(f"no cgroup for its {' and '.join(CGROUP_WORDS[k] for k in missing)} (needs root and a "
                        f"writable cgroup v1 or v2 controller): one submission's many processes can take "
                        + " and ".join(CGROUP_MISSING[k] for k in missing)
                        + ", and slow the grading of every other submission.")
    return summary, warnings


def _limits(policy, root):
    limits = {resource.RLIMIT_AS: policy.memory_bytes, resource.RLIMIT_CPU: policy.cpu_seconds,
              resource.RLIMIT_NOFILE: policy.open_files, resource.RLIMIT_FSIZE: policy.file_bytes,
              resource.RLIMIT_CORE: 0}
    if root:   # RLIMIT_NPROC counts per uid: meaningful only with a uid of the sandbox's own
        limits[resource.RLIMIT_NPROC] = policy.processes
    return limits


class Sandbox:
    """One kernel in one fresh directory. Use as a context manager; `close()` removes everything."""

    def __init__(self, notebook_name=None, notebook_text=None, policy=None):
        self.policy = policy or Policy()
        self.uid = isolation.sandbox_uid()
        self.dir = isolation.make_workdir(self.policy.disk_bytes)
        self.cgroup = Cgroup(f"course-sandbox-{self.dir.name}", self.policy)
        self.protections = protections(self.policy, self.cgroup.active)
        shutil.copytree(STUDENT_LIBRARY, self.dir / "coursekit",
                        ignore=shutil.ignore_patterns("__pycache__"))
        self.proc = None
        self.client = None
        self.stderr = None
        self.channel = None      # our end of the call socketpair
        self.channel_fd = None   # the kernel's end, as numbered in the kernel
        self.calls = 0
        self.given = False       # is the working directory the sandbox uid's yet?
        self.malformed = 0       # frames from the kernel that were not well-formed messages
        self.ahead = False       # launched before it was needed: the next start() only waits for it
        if notebook_name is not None:
            self.add_notebook(notebook_name, notebook_text)

    def add_notebook(self, name, text):
        """Put the submission in the working directory (before its cells run; the kernel may
        already be up, since it never reads the notebook itself)."""
        path = self.dir / name
        path.write_text(text, encoding="utf-8")
        if self.given:
            os.chown(path, self.uid, self.uid)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    # -- kernel lifecycle -------------------------------------------------------------------
    def start(self):
        """A fresh kernel, answering (or the one launched ahead, once it answers)."""
        if not self.ahead:
            self._launch()
        self.ahead = False
        why = self._wait_until_ready(time.monotonic() + self.policy.startup_timeout)
        if why:
            self.kill()
            raise KernelGone(f"the kernel did not start: {why}")

    def launch_ahead(self):
        """Start the kernel's process without waiting for it: it gets ready while the caller does
        other work, and the next start() waits only for what is left."""
        self._launch()
        self.ahead = True

    def _launch(self):
        self.stop()
        isolation.kill_uid(self.uid)   # nothing of an earlier kernel may race what we write next
        self.cgroup.kill()
        allowlist = self.protections["filesystem_allow_list"]
        home = isolation.SANDBOX_HOME if allowlist else self.dir   # where the kernel sees its folder
        try:
            info, env = self._prepare(home)
        except OSError as exc:   # after a first start, the kernel's doing: a full disk, a broken folder
            raise KernelGone(f"the kernel's folder could not be prepared ({exc.strerror or exc})") from None
        python = sandbox_python()
        command = [python, "-m", "ipykernel_launcher", "-f", str(home / ".kernel" / "connection.json"),
                   "--HistoryManager.enabled=False"]
        try:
            view = isolation.view(python, self.dir) if allowlist else []
        except OSError as exc:
            raise KernelGone(f"the kernel did not start: {exc}") from None
        self.channel, theirs = socket.socketpair()
        self.channel_fd = theirs.fileno()
        self.proc = subprocess.Popen(
            view + command,
            cwd=self.dir, env=env, stdin=subprocess.DEVNULL, stdout=self.stderr, stderr=self.stderr,
            close_fds=True, pass_fds=(self.channel_fd,), start_new_session=True,
            preexec_fn=isolation.child_setup(_limits(self.policy, self.uid is not None), self.uid,
                                             self.protections["network_isolated"] and not allowlist, self.cgroup))
        theirs.close()
        context = zmq.Context()
        context.setsockopt(zmq.MAXMSGSIZE, MAX_MESSAGE)   # a huge message drops the link, not us
        context.setsockopt(zmq.RCVHWM, QUEUED_MESSAGES)   # a flood waits in the kernel, not in us
        self.client = BlockingKernelClient(context=context)
        self.client.load_connection_info(info)
        # No heartbeat channel: jupyter_client declares a kernel dead when one heartbeat takes over
        # a second, which a busy machine does to a healthy kernel. Life is judged by the process.
        self.client.start_channels(hb=False)

    def _prepare(self, home):
        """The kernel's connection file and log in a fresh .kernel folder, for a kernel that sees
        its folder at `home`; returns (our connection info, the kernel's environment)."""
        run, inside = self._fresh_run_dir(), home / ".kernel"
        info = {"transport": "ipc", "ip": str(run / "ipc"), "key": secrets.token_hex(32),
                "signature_scheme": "hmac-sha256", "kernel_name": "python3",
                "shell_port": 1, "iopub_port": 2, "stdin_port": 3, "control_port": 4, "hb_port": 5}
        (run / "connection.json").write_text(json.dumps({**info, "ip": str(inside / "ipc")}))
        fonts = font_cache(sandbox_python())
        if fonts:
            (run / "mpl").mkdir()
            (run / "mpl" / fonts[0]).write_bytes(fonts[1])
        if self.uid is not None:   # the whole folder once; later only what was made anew
            isolation.give_to(run if self.given else self.dir, self.uid)
            self.given = True
        os.chmod(self.dir, 0o700)
        env = {"PATH": "/usr/bin:/bin", "HOME": str(home), "LANG": "C.UTF-8", "USER": "student",
               "PYTHONPATH": str(home), "PYTHONNOUSERSITE": "1", "PYTHONDONTWRITEBYTECODE": "1",
               "MPLBACKEND": "Agg", "MPLCONFIGDIR": str(inside / "mpl"), "IPYTHONDIR": str(inside / "ipython"),
               "JUPYTER_RUNTIME_DIR": str(inside), "JUPYTER_PLATFORM_DIRS": "1",
               "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}
        self.stderr = open(run / "kernel.stderr", "w+b")   # capped by RLIMIT_FSIZE and the tmpfs
        return info, env

    def _fresh_run_dir(self):
        """.kernel, made anew: an earlier kernel owned it, and we write there as root, so a symlink
        it left (connection.json -> an instructor file) must never be followed."""
        run = self.dir / ".kernel"
        if run.is_symlink() or run.is_file():
            run.unlink()
        elif run.exists():
            shutil.rmtree(run)
        run.mkdir()
        return run

    def _wait_until_ready(self, deadline):
        """None once iopub brings the idle status that follows one of our kernel_info requests;
        else why it did not come.

        iopub's subscription connects late, and a status published before it is lost (and with it
        an execution's output): the status shows that it is connected, and the shell's reply alone
        would not. So requests go out again, ever less often, until one's status comes through."""
        asked, interval, last = set(), 0.05, 0.0
        while time.monotonic() < deadline:   # a kernel may print forever (a planted sitecustomize)
            if not self.alive():
                return _death(self.proc.returncode) + self._stderr_tail()
            if time.monotonic() - last >= interval:
                asked.add(self.client.kernel_info())
                last, interval = time.monotonic(), min(2 * interval, 1.0)
            msg = self._receive(self.client.get_iopub_msg, 0.02)
            if msg and msg[0] in asked and msg[1] == "status" and msg[2].get("execution_state") == "idle":
                return None
        return f"no answer within {self.policy.startup_timeout:.0f} seconds"

    def _stderr_tail(self):
        """The end of what the kernel printed, read through our own descriptor (never by its path,
        which the kernel's uid may have replaced)."""
        fd = self.stderr.fileno()
        size = os.fstat(fd).st_size
        tail = os.pread(fd, 300, max(0, size - 300)).decode("utf-8", "replace").strip()
        return f"; it printed: {tail}" if tail else ""

    def _receive(self, get, timeout):
        """(parent msg_id, msg_type, content) of the next message, or None if none came in time.
        A frame that is not a well-formed message (the kernel may write anything to its sockets)
        is dropped and counted."""
        try:
            msg = get(timeout=timeout)
            parent, kind, content = msg["parent_header"], msg["msg_type"], msg["content"]
            if isinstance(parent, dict) and isinstance(kind, str) and isinstance(content, dict):
                return parent.get("msg_id"), kind, content
        except queue.Empty:
            return None
        except MALFORMED:
            pass
        self.malformed += 1
        return "", "malformed", {}

    def alive(self):
        return self.proc is not None and self.proc.poll() is None

    def kill(self):
        """Kill the kernel's process group and, as root, every process of the sandbox uid."""
        if self.proc is not None:
            try:
                os.killpg(self.proc.pid, signal.SIGKILL)   # with bwrap: its PID namespace ends too
            except ProcessLookupError:
                pass
            self.cgroup.kill()
            isolation.kill_uid(self.uid)
            self.proc.wait()
        self.stop()

    def stop(self):
        if self.channel is not None:
            self.channel.close()
            self.channel = None
        if self.client is not None:
            self.client.stop_channels()
            self.client.context.destroy(linger=0)
            self.client = None
        if self.stderr is not None:
            self.stderr.close()
            self.stderr = None
        if self.proc is not None and self.proc.poll() is None:
            self.kill()
        self.proc = None

    def close(self):
        self.kill()
        isolation.kill_uid(self.uid)   # children that outlived a kernel which exited by itself
        self.cgroup.close()
        isolation.remove_workdir(self.dir)

    # -- running code -----------------------------------------------------------------------
    def execute(self, code, timeout):
        """Run `code` in the kernel; never waits past `timeout` seconds, then kills the kernel."""
        if not self.alive():
            return Execution("dead", error={"ename": "KernelDied", "evalue": "the kernel is not running"})
        start = time.monotonic()
        msg_id = self.client.execute(code, store_history=False, allow_stdin=False, stop_on_error=False)
        out, error, budget = [], {}, self.policy.output_bytes
        while True:
            remaining = start + timeout - time.monotonic()
            if remaining <= 0:
                self.kill()
                return Execution("timeout", "".join(out), {"ename": "Timeout", "evalue":
                                 f"still running after {timeout:.0f} s"}, None, time.monotonic() - start)
            msg = self._receive(self.client.get_iopub_msg, min(remaining, 0.5))
            if msg is None:
                if not self.alive():
                    code = self.proc.returncode
                    self.kill()
                    return Execution("dead", "".join(out), {"ename": "KernelDied", "evalue": _death(code)},
                                     None, time.monotonic() - start)
                continue
            parent, kind, content = msg
            if parent != msg_id:
                continue
            if kind == "stream" and budget > 0:
                text = str(content.get("text", ""))[:budget]
                budget -= len(text)
                out.append(text)
            elif kind == "error":
                tb = content.get("traceback")
                error = {"ename": str(content.get("ename", ""))[:200], "evalue": str(content.get("evalue", ""))[:2000],
                         "traceback": [str(t)[:2000] for t in tb[-20:]] if isinstance(tb, list) else []}
            elif kind == "status" and content.get("execution_state") == "idle":
                return Execution("error" if error else "ok", "".join(out), error, None,
                                 time.monotonic() - start)

    def serve(self, code):
        """Start `code` (the agent's serve loop) without waiting for it: it runs until `call`'s
        socket is closed."""
        self.client.execute(code, store_history=False, allow_stdin=False, stop_on_error=False)

    def call(self, message, timeout):
        """One request message (bytes) to the agent's serve loop, its reply the result; never waits
        past `timeout` seconds, then kills the kernel. Status "error": the loop is gone (the kernel
        lives, but something ended it)."""
        start = time.monotonic()
        deadline = start + timeout
        self.calls += 1
        number = self.calls.to_bytes(8, "big")
        try:
            self._send(len(message).to_bytes(8, "big") + number + message, deadline)
            while True:
                header = self._read(16, deadline)
                size = int.from_bytes(header[:8], "big")
                if size > MAX_MESSAGE:
                    raise _ChannelClosed(f"a reply of {size} bytes (over {MAX_MESSAGE})")
                body = self._read(size, deadline)
                if header[8:] == number:
                    return Execution("ok", result=body, seconds=time.monotonic() - start)
                self.malformed += 1   # a frame the kernel wrote itself, or a late reply
        except TimeoutError:
            self.kill()
            return Execution("timeout", error={"ename": "Timeout", "evalue": f"still running after {timeout:.0f} s"},
                             seconds=time.monotonic() - start)
        except _ChannelClosed as closed:
            if not self._still_alive_after(0.2):
                code = self.proc.returncode if self.proc else None
                self.kill()
                return Execution("dead", error={"ename": "KernelDied", "evalue": _death(code)},
                                 seconds=time.monotonic() - start)
            return Execution("error", error={"ename": "NoReply", "evalue": str(closed)}, seconds=time.monotonic() - start)

    def _still_alive_after(self, seconds):
        """Whether the kernel still runs `seconds` from now (a socket closing often means it is dying)."""
        end = time.monotonic() + seconds
        while time.monotonic() < end:
            if not self.alive():
                return False
            time.sleep(0.01)
        return True

    def _wait(self, writing, deadline):
        """Until the channel is ready, the kernel dies (_ChannelClosed) or `deadline` (TimeoutError)."""
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise TimeoutError
            ready = select.select([], [self.channel], [], min(remaining, 0.5)) if writing else \
                select.select([self.channel], [], [], min(remaining, 0.5))
            if ready[0] or ready[1]:
                return
            if not self.alive():
                raise _ChannelClosed("the kernel ended")

    def _send(self, data, deadline):
        view = memoryview(data)
        while view:
            self._wait(True, deadline)
            try:
                view = view[self.channel.send(view[:1 << 20], socket.MSG_DONTWAIT):]
            except BlockingIOError:
                continue
            except OSError as exc:
                raise _ChannelClosed(f"the call socket failed ({exc.strerror})") from None

    def _read(self, size, deadline):
        chunks, left = [], size
        while left:
            self._wait(False, deadline)
            try:
                chunk = self.channel.recv(min(left, 1 << 20), socket.MSG_DONTWAIT)
            except BlockingIOError:
                continue
            except OSError as exc:
                raise _ChannelClosed(f"the call socket failed ({exc.strerror})") from None
            if not chunk:
                raise _ChannelClosed("the kernel closed the call socket")
            chunks.append(chunk)
            left -= len(chunk)
        return b"".join(chunks)


class _ChannelClosed(Exception):
    """The call socket ended or broke: the kernel died, or something in it closed its end."""


def _death(code):
    if code is not None and code < 0:
        name = signal.Signals(-code).name
        why = {"SIGKILL": " (often the memory or CPU-time limit)", "SIGXCPU": " (CPU-time limit)",
               "SIGXFSZ": " (file-size limit)", "SIGSEGV": ""}.get(name, "")
        return f"the kernel was killed by {name}{why}"
    if code == 97:
        return "the sandbox could not create its namespaces"
    return f"the kernel exited with code {code}"
