"""A control group per sandbox: its whole share of the CPU, its memory and its process count.

Resource limits (RLIMIT_*) count per process or per uid, so a submission that starts a hundred
busy processes would hold every core of the machine and slow every other submission graded
meanwhile. A cgroup counts the sandbox as one: a CPU quota of about one core, one memory limit
for all its processes (tmpfs pages included), one process limit.

cgroup v2 is used where the machine mounts it with the controller enabled, v1 otherwise (a v1
controller mounted at /sys/fs/cgroup/<controller>). Each group is made inside the grader's own
group for that controller, so it never escapes a limit the machine puts on the grader.
`Cgroup.active` lists the controllers in force; `close()` kills what is left and removes it.
"""
import os
import signal
import time
from pathlib import Path

ROOT = Path("/sys/fs/cgroup")
CONTROLLERS = ("cpu", "memory", "pids")
PERIOD_US = 100_000


def _own_paths():
    """{controller or '' (v2): the grader's own cgroup path}, from /proc/self/cgroup."""
    paths = {}
    for line in Path("/proc/self/cgroup").read_text().splitlines():
        _, names, path = line.split(":", 2)
        for name in names.split(",") if names else [""]:
            paths[name] = path.lstrip("/")
    return paths


def _v2_controllers():
    try:
        return set((ROOT / "cgroup.controllers").read_text().split())
    except OSError:
        return set()


def _settings(controller, version, policy):
    """(file, value) pairs that set one controller's limit."""
    if controller == "cpu":
        quota = int(policy.cpu_cores * PERIOD_US)
        return [("cpu.max", f"{quota} {PERIOD_US}")] if version == 2 else \
            [("cpu.cfs_period_us", PERIOD_US), ("cpu.cfs_quota_us", quota)]
    if controller == "memory":
        if version == 2:
            return [("memory.max", policy.memory_bytes), ("memory.swap.max", 0)]
        return [("memory.limit_in_bytes", policy.memory_bytes),
                ("memory.memsw.limit_in_bytes", policy.memory_bytes)]
    return [("pids.max", policy.processes)]


class Cgroup:
    """One sandbox's group in every available controller (as root; empty otherwise)."""

    def __init__(self, name, policy):
        self.dirs = {}        # controller -> its directory for this sandbox
        if os.geteuid() != 0 or policy is None:
            return
        own, v2 = _own_paths(), _v2_controllers()
        for controller in CONTROLLERS:
            if controller in v2:
                self._make(controller, ROOT / own.get("", ""), 2, name, policy)
            elif (ROOT / controller / "cgroup.procs").is_file():
                self._make(controller, ROOT / controller / own.get(controller, ""), 1, name, policy)

    def _make(self, controller, parent, version, name, policy):
        path = parent / name
        try:
            if version == 2:   # a v2 child gets a controller only if its parent hands it down
                (parent / "cgroup.subtree_control").write_text(f"+{controller}")
            path.mkdir(exist_ok=True)
            for file, value in _settings(controller, version, policy):
                if (path / file).exists():
                    (path / file).write_text(str(value))
                elif not file.startswith("memory.memsw"):   # memsw exists only where swap is accounted
                    raise OSError(f"{path / file} is missing")
        except OSError:
            _remove(path)
            return
        self.dirs[controller] = path

    @property
    def active(self):
        return sorted(self.dirs)

    def join(self):
        """Move the calling process (a child about to exec the sandbox) into every group."""
        for path in set(self.dirs.values()):
            (path / "cgroup.procs").write_text(str(os.getpid()))

    def pids(self):
        found = set()
        for path in self.dirs.values():
            try:
                found.update(int(p) for p in (path / "cgroup.procs").read_text().split())
            except OSError:
                pass
        return found

    def kill(self):
        """SIGKILL every process in the group, again until none is left (a fork bomb forks on)."""
        for _ in range(100):
            pids = self.pids()
            if not pids:
                return
            for pid in pids:
                try:
                    os.kill(pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
            time.sleep(0.01)

    def close(self):
        self.kill()
        for path in self.dirs.values():
            _remove(path)
        self.dirs = {}


def _remove(path):
    for _ in range(50):   # a killed process leaves its group a moment after it dies
        try:
            path.rmdir()
            return
        except FileNotFoundError:
            return
        except OSError:
            time.sleep(0.02)


def remove_stale(name):
    """Kill and remove the groups called `name` (of a grading worker that died) wherever they are."""
    stale = Cgroup(name, policy=None)
    stale.dirs = {str(path): path for path in ROOT.glob(f"**/{name}")}
    stale.close()


def available_controllers(policy):
    """The controllers a sandbox would get on this machine (made and removed to find out)."""
    probe = Cgroup(f"course-probe-{os.getpid()}", policy)
    try:
        return probe.active
    finally:
        probe.close()
