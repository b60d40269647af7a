"""A sandboxed Jupyter kernel: the only place student code ever runs during grading.

The kernel is a real ipykernel, started by us (not by jupyter_client's launcher, which leaks the
grader's file descriptors into the child) with:

- its own working directory, holding only the submission and a copy of the student library;
- the sandbox environment's interpreter (numpy, matplotlib, ipykernel: no grader, no solutions);
- a clean environment: none of the grader's variables cross;
- resource limits: address space, CPU seconds, processes, open files, file size, no core files;
- a new session, so a deadline kills the whole process group;
- as root, the isolation of autograder/isolation.py (own uid, tmpfs directory, no network,
  private /tmp).

ZeroMQ talks over unix sockets (ipc transport) in the working directory, which needs no network,
and refuses any message over MAX_MESSAGE bytes. `Sandbox.protections` records what was in force.
"""
import json
import os
import queue
import resource
import secrets
import shutil
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import zmq
from jupyter_client import BlockingKernelClient

from autograder import isolation
from autograder.agent.agent import RESULT_MIME

STUDENT_LIBRARY = Path(__file__).resolve().parent.parent / "coursekit"
MAX_MESSAGE = 64 * 2**20


@dataclass
class Policy:
    memory_bytes: int = 3 * 2**30
    cpu_seconds: int = 600
    processes: int = 256          # per uid, threads included
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
    result: str = None                 # the agent's reply text, if any
    seconds: float = 0.0


def sandbox_python():
    """The interpreter of the sandbox environment (made by `make setup`; see the Makefile)."""
    if os.environ.get("COURSE_SANDBOX_PYTHON"):
        return os.environ["COURSE_SANDBOX_PYTHON"]
    marker = Path(sys.prefix) / "sandbox-python"
    return marker.read_text().strip() if marker.is_file() else sys.executable


def protections(policy):
    """What this machine lets us enforce, as recorded in every result."""
    root = isolation.is_root()
    isolated = root and isolation.namespaces_available()
    return {
        "separate_process": True,
        "own_directory": True,
        "clean_environment": True,
        "own_unprivileged_uid": root,
        "network_isolated": isolated,
        "private_tmp": isolated,
        "disk_limit_bytes": policy.disk_bytes if root else None,
        "limits": {"memory_bytes": policy.memory_bytes, "cpu_seconds": policy.cpu_seconds,
                   "processes": policy.processes if root else None, "open_files": policy.open_files,
                   "file_bytes": policy.file_bytes, "output_bytes": policy.output_bytes,
                   "message_bytes": MAX_MESSAGE},
        "deadlines": {"cell": policy.cell_timeout, "call": policy.call_timeout,
                      "submission": policy.submission_timeout},
    }


def describe(active):
    """(one summary line, warnings) on what a sandbox enforces here, for the person grading."""
    summary = (f"sandbox: {'an unprivileged uid per worker' if active['own_unprivileged_uid'] else 'YOUR uid'}, network "
               f"{'isolated' if active['network_isolated'] else 'NOT isolated'}, limits on memory, CPU "
               f"time, files and output, deadlines per cell ({active['deadlines']['cell']:g} s) and per call "
               f"({active['deadlines']['call']:g} s)")
    warnings = []
    if not active["own_unprivileged_uid"]:
        warnings.append("not running as root, so student code runs as YOUR user: it can read and change "
                        "any file you can (the solutions, the gradebook, other submissions) and signal your "
                        "processes. Limits and deadlines still apply, and scores are still computed outside "
                        "its process. Grade as root (a container will do) for the full sandbox.")
    if not active["network_isolated"]:
        warnings.append("no network namespace: student code can reach the network, and /tmp is shared.")
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

    def __init__(self, notebook_name, notebook_text, policy=None):
        self.policy = policy or Policy()
        self.protections = protections(self.policy)
        self.uid = isolation.sandbox_uid()
        self.dir = isolation.make_workdir(self.policy.disk_bytes)
        (self.dir / notebook_name).write_text(notebook_text, encoding="utf-8")
        shutil.copytree(STUDENT_LIBRARY, self.dir / "coursekit",
                        ignore=shutil.ignore_patterns("__pycache__"))
        self.proc = None
        self.client = None
        self.stderr = None

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    # -- kernel lifecycle -------------------------------------------------------------------
    def start(self):
        self.stop()
        isolation.kill_uid(self.uid)   # nothing of an earlier kernel may race what we write next
        run = self._fresh_run_dir()
        conn_file = run / "connection.json"
        info = {"transport": "ipc", "ip": str(run / "ipc"), "key": secrets.token_hex(32),
                "signature_scheme": "hmac-sha256", "kernel_name": "python3",
                "shell_port": 1, "iopub_port": 2, "stdin_port": 3, "control_port": 4, "hb_port": 5}
        conn_file.write_text(json.dumps(info))
        if self.uid is not None:
            isolation.give_to(self.dir, self.uid)
        os.chmod(self.dir, 0o700)
        env = {"PATH": "/usr/bin:/bin", "HOME": str(self.dir), "LANG": "C.UTF-8", "USER": "student",
               "PYTHONPATH": str(self.dir), "PYTHONNOUSERSITE": "1", "PYTHONDONTWRITEBYTECODE": "1",
               "MPLBACKEND": "Agg", "MPLCONFIGDIR": str(run / "mpl"), "IPYTHONDIR": str(run / "ipython"),
               "JUPYTER_RUNTIME_DIR": str(run), "JUPYTER_PLATFORM_DIRS": "1",
               "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}
        self.stderr = open(run / "kernel.stderr", "w+b")   # capped by RLIMIT_FSIZE and the tmpfs
        self.proc = subprocess.Popen(
            [sandbox_python(), "-m", "ipykernel_launcher", "-f", str(conn_file), "--HistoryManager.enabled=False"],
            cwd=self.dir, env=env, stdin=subprocess.DEVNULL, stdout=self.stderr, stderr=self.stderr,
            close_fds=True, start_new_session=True,
            preexec_fn=isolation.child_setup(_limits(self.policy, self.uid is not None), self.uid,
                                             self.protections["network_isolated"]))
        context = zmq.Context()
        context.setsockopt(zmq.MAXMSGSIZE, MAX_MESSAGE)   # a huge message drops the link, not us
        self.client = BlockingKernelClient(context=context)
        self.client.load_connection_info(info)
        # No heartbeat channel: jupyter_client declares a kernel dead when one heartbeat takes over
        # a second, which a busy machine does to a healthy kernel. Life is judged by the process.
        self.client.start_channels(hb=False)
        why = self._wait_until_ready(time.monotonic() + self.policy.startup_timeout)
        if why:
            self.kill()
            raise KernelGone(f"the kernel did not start: {why}")

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
        """None once the kernel answers on shell and publishes on iopub; else why it did not."""
        while time.monotonic() < deadline:
            if not self.alive():
                return _death(self.proc.returncode) + self._stderr_tail()
            self.client.kernel_info()
            try:
                reply = self.client.get_shell_msg(timeout=1)
            except queue.Empty:
                continue
            if reply["msg_type"] != "kernel_info_reply":   # to any of our requests: a slow kernel
                continue                                     # answers each a second late
            try:   # iopub subscriptions connect late: without one, an execution's output is lost
                self.client.get_iopub_msg(timeout=0.5)
            except queue.Empty:
                continue
            while time.monotonic() < deadline:   # a kernel may print forever (a planted sitecustomize)
                try:
                    self.client.get_iopub_msg(timeout=0.05)
                except queue.Empty:
                    break
            return None
        return f"no answer within {self.policy.startup_timeout:.0f} seconds"

    def _stderr_tail(self):
        """The end of what the kernel printed, read through our own descriptor (never by its path,
        which the kernel's uid may have replaced)."""
        fd = self.stderr.fileno()
        size = os.fstat(fd).st_size
        tail = os.pread(fd, 300, max(0, size - 300)).decode("utf-8", "replace").strip()
        return f"; it printed: {tail}" if tail else ""

    def alive(self):
        return self.proc is not None and self.proc.poll() is None

    def kill(self):
        """Kill the kernel's process group and, as root, every process of the sandbox uid."""
        if self.proc is not None:
            try:
                os.killpg(self.proc.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            isolation.kill_uid(self.uid)
            self.proc.wait()
        self.stop()

    def stop(self):
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
        isolation.remove_workdir(self.dir)

    # -- running code -----------------------------------------------------------------------
    def execute(self, code, timeout):
        """Run `code` in the kernel; never waits past `timeout` seconds, then kills the kernel."""
        if not self.alive():
            return Execution("dead", error={"ename": "KernelDied", "evalue": "the kernel is not running"})
        start = time.monotonic()
        msg_id = self.client.execute(code, store_history=False, allow_stdin=False, stop_on_error=False)
        out, result, error, budget = [], None, {}, self.policy.output_bytes
        while True:
            remaining = start + timeout - time.monotonic()
            if remaining <= 0:
                self.kill()
                return Execution("timeout", "".join(out), {"ename": "Timeout", "evalue":
                                 f"still running after {timeout:.0f} s"}, None, time.monotonic() - start)
            try:
                msg = self.client.get_iopub_msg(timeout=min(remaining, 0.5))
            except queue.Empty:
                if not self.alive():
                    code = self.proc.returncode
                    self.kill()
                    return Execution("dead", "".join(out), {"ename": "KernelDied", "evalue": _death(code)},
                                     None, time.monotonic() - start)
                continue
            if msg["parent_header"].get("msg_id") != msg_id:
                continue
            kind, content = msg["msg_type"], msg["content"]
            if kind == "stream" and budget > 0:
                text = str(content.get("text", ""))[:budget]
                budget -= len(text)
                out.append(text)
            elif kind == "display_data" and RESULT_MIME in content.get("data", {}):
                result = content["data"][RESULT_MIME]
            elif kind == "error":
                error = {"ename": str(content.get("ename", ""))[:200], "evalue": str(content.get("evalue", ""))[:2000],
                         "traceback": [str(t)[:2000] for t in content.get("traceback", [])[-20:]]}
            elif kind == "status" and content.get("execution_state") == "idle":
                return Execution("error" if error else "ok", "".join(out), error, result,
                                 time.monotonic() - start)


def _death(code):
    if code is not None and code < 0:
        name = signal.Signals(-code).name
        why = {"SIGKILL": " (often the memory or CPU-time limit)", "SIGXCPU": " (CPU-time limit)",
               "SIGXFSZ": " (file-size limit)", "SIGSEGV": ""}.get(name, "")
        return f"the kernel was killed by {name}{why}"
    if code == 97:
        return "the sandbox could not create its namespaces"
    return f"the kernel exited with code {code}"
