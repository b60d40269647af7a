"""What the operating system lets the grader enforce on a student kernel, and how.

As root (a grading server, a container, CI), every kernel gets:
- its own uid (from the grading worker's pid and a counter, no account needed: see sandbox_uid),
  so it can signal no process but its own and a fork bomb meets RLIMIT_NPROC, which counts per
  uid; when the sandbox closes, every process of that uid is killed, whatever it did to leave its
  process group; the next sandbox of the same worker has another uid, so nothing kept by uid (a
  key not yet collected by the kernel) is in its sight;
- a working directory that is a size-limited tmpfs (a disk-filling loop fills only that);
- with bubblewrap (`bwrap`, Debian's `bubblewrap`), an allow-listed view of the filesystem: the
  sandbox interpreter, its standard library and the exact shared libraries they load (read-only),
  the working directory (as /home/student, whatever the host calls it), private /tmp, /var/tmp
  and /dev/shm, a minimal /dev and a /proc of its own; nothing else the machine holds exists for
  it, and / is read-only. Its own PID, IPC, UTS, network, mount and user namespaces: it sees
  and signals only its own processes, has no network interface, and its System V and POSIX IPC
  objects and keyrings die with it (closing the sandbox ends the PID namespace); it joins a new
  session keyring of its own;
- without bubblewrap, new network and mount namespaces only (no network; private /tmp, /var/tmp
  and /dev/shm), and the rest of the filesystem as any local user sees it.
As an ordinary user none of this is possible; what remains (a separate process, its own
directory, a clean environment, resource limits, deadlines) is recorded, and `course autograde`
says plainly what that permits.
"""
import ctypes
import functools
import os
import platform
import re
import resource
import shutil
import signal
import stat
import subprocess
import tempfile
import time
from pathlib import Path

from autograder import cgroup, machine_cache

CLONE_NEWNS, CLONE_NEWNET = 0x00020000, 0x40000000
MS_NOSUID, MS_NODEV, MS_REC, MS_PRIVATE = 2, 4, 0x4000, 0x40000
MNT_DETACH = 2
UID_BASE = 200_000
ROOT_SANDBOXES = Path("/var/lib/course-sandbox")
PRIVATE_TMP = ("/tmp", "/var/tmp", "/dev/shm")
FONTS = "/usr/share/fonts"
PRIVATE_TMP_BYTES = 64 * 2**20
WORKDIR_INODES = 65536   # files the grader may have to walk or remove, bounded as the bytes are
SANDBOX_HOME = Path("/home/student")   # where a kernel sees its working directory (with bubblewrap)
KEYCTL = {"x86_64": 250, "aarch64": 219}.get(platform.machine())   # the keyctl syscall's number
KEYCTL_JOIN_SESSION_KEYRING = 1
PR_SET_PDEATHSIG = 1

_libc = ctypes.CDLL(None, use_errno=True)


def is_root():
    return os.geteuid() == 0


@functools.lru_cache(maxsize=1)
def namespaces_available():
    """Whether this process may create network and mount namespaces (probed in a throwaway child)."""
    pid = os.fork()
    if pid == 0:
        os._exit(0 if _libc.unshare(CLONE_NEWNET | CLONE_NEWNS) == 0 else 1)
    return os.waitpid(pid, 0)[1] == 0


UIDS_PER_WORKER = 16
_uids_used = 0


def sandbox_uid():
    """A uid for the next sandbox of this grading worker (None when we cannot switch users):
    UID_BASE + pid * UIDS_PER_WORKER + a counter, so the worker is known from the uid."""
    global _uids_used
    if not is_root():
        return None
    _uids_used += 1
    return UID_BASE + os.getpid() * UIDS_PER_WORKER + _uids_used % UIDS_PER_WORKER


def worker_of(uid):
    return (uid - UID_BASE) // UIDS_PER_WORKER


def _mount(source, target, fstype, flags, options):
    if _libc.mount(source, str(target).encode(), fstype, flags, options) != 0:
        raise OSError(ctypes.get_errno(), f"mount {target}: {os.strerror(ctypes.get_errno())}")


def make_workdir(disk_bytes):
    """A fresh working directory: a size-limited tmpfs as root, a temp dir otherwise."""
    if not is_root():
        return Path(tempfile.mkdtemp(prefix="course-sandbox-"))
    ROOT_SANDBOXES.mkdir(mode=0o711, parents=True, exist_ok=True)
    os.chmod(ROOT_SANDBOXES, 0o711)   # others may enter a sandbox they own, never list them
    path = Path(tempfile.mkdtemp(prefix=f"{os.getpid()}-", dir=ROOT_SANDBOXES))
    options = f"size={disk_bytes},nr_inodes={WORKDIR_INODES},mode=0700"
    _mount(b"tmpfs", path, b"tmpfs", MS_NOSUID | MS_NODEV, options.encode())
    return path


def remove_workdir(path):
    if is_root() and os.path.ismount(path):
        _libc.umount2(str(path).encode(), MNT_DETACH)
    for _ in range(3):
        try:
            if path.exists():
                shutil.rmtree(path)
            return
        except OSError:
            time.sleep(0.1)


def give_to(path, uid):
    """Hand the working directory to the sandbox uid (the kernel must write its sockets there)."""
    for p in [path, *path.rglob("*")]:
        os.chown(p, uid, uid, follow_symlinks=False)


def child_setup(limits, uid, unshare, cgroup):
    """The function run in the forked child before exec: its cgroup, namespaces (when bubblewrap
    does not make them), limits, then drop root and join a session keyring of its own."""
    parent = os.getpid()

    def setup():
        cgroup.join()
        if unshare:
            if _libc.unshare(CLONE_NEWNET | CLONE_NEWNS) != 0:
                os._exit(97)
            _mount(None, "/", None, MS_REC | MS_PRIVATE, None)
            for d in PRIVATE_TMP:
                if os.path.isdir(d):
                    _mount(b"tmpfs", d, b"tmpfs", MS_NOSUID | MS_NODEV, f"size={PRIVATE_TMP_BYTES},mode=1777".encode())
        for res, value in limits.items():
            resource.setrlimit(res, (value, value))
        if uid is not None:
            os.setgroups([])
            os.setgid(uid)
            os.setuid(uid)
            # the grader's session keyring would otherwise be inherited: a key added to it would
            # be there for the next sandbox of this worker
            if KEYCTL and _libc.syscall(KEYCTL, KEYCTL_JOIN_SESSION_KEYRING, None) < 0:
                os._exit(97)
        # Die with the worker starting us, from here until bubblewrap's own --die-with-parent: a
        # worker killed right now leaves no kernel behind. Set last, as a change of uid clears it.
        _libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
        if os.getppid() != parent:
            os._exit(97)
    return setup


# -- the allow-listed view (bubblewrap) ------------------------------------------------------------
def bwrap():
    """The bubblewrap binary, from the system's own directories only."""
    return shutil.which("bwrap", path="/usr/bin:/bin")


@functools.lru_cache(maxsize=1)
def allowlist_available():
    """Whether bubblewrap can build a sandbox here: as root, run as an unprivileged uid (it needs
    user namespaces), probed once in a throwaway sandbox."""
    if not is_root() or bwrap() is None:
        return False

    def as_nobody():
        os.setgroups([])
        os.setgid(UID_BASE - 1)
        os.setuid(UID_BASE - 1)

    probe = [bwrap(), *_NAMESPACES, "--ro-bind", "/usr", "/usr", *_top_level_links(), "true"]
    try:
        return subprocess.run(probe, preexec_fn=as_nobody, capture_output=True, timeout=30).returncode == 0
    except (OSError, subprocess.SubprocessError):
        return False


_NAMESPACES = ("--unshare-all", "--unshare-user", "--disable-userns", "--die-with-parent",
               "--new-session", "--hostname", "sandbox")


def _top_level_links():
    """/bin -> usr/bin and the like (a merged /usr): the same links in the sandbox."""
    args = []
    for entry in sorted(Path("/").iterdir()):
        if entry.is_symlink():
            args += ["--symlink", os.readlink(entry), str(entry)]
    return args


def _chain(path, inside=()):
    """bwrap arguments that make `path` exist read-only, with every symlink on the way to the
    file (those under the trees `inside`, bound whole already, are left as they are)."""
    args, seen = [], set()
    path = os.path.join(os.path.realpath(os.path.dirname(path)), os.path.basename(path))
    while path not in seen:
        seen.add(path)
        bound = any(path.startswith(tree + "/") for tree in inside)
        if not os.path.islink(path):
            return args if bound else args + ["--ro-bind", path, path]
        target = os.readlink(path)
        if not bound:
            args += ["--symlink", target, path]
        path = os.path.join(os.path.dirname(path), target)
        path = os.path.join(os.path.realpath(os.path.dirname(path)), os.path.basename(path))
    return args


@functools.lru_cache(maxsize=4)
def runtime(python):
    """bwrap arguments for everything `python` needs to run: its environment's prefix, the base
    interpreter's standard library, and the exact shared libraries they all load (from ldd, kept
    in the machine cache until a binary or the system's library index changes)."""
    probe = subprocess.run([python, "-I", "-c", "import sys, sysconfig; print(sys.prefix); "
                            "print(sysconfig.get_paths()['stdlib']); print(sys.executable)"],
                           capture_output=True, text=True, env={"PATH": "/usr/bin:/bin"})
    if probe.returncode != 0:
        raise OSError(f"the sandbox interpreter {python} exited with code {probe.returncode}")
    prefix, stdlib, executable = probe.stdout.split("\n")[:3]
    trees = [os.path.realpath(prefix), os.path.realpath(stdlib)]
    binaries = [os.path.realpath(executable)] + [
        os.path.join(d, f) for tree in trees for d, _, files in os.walk(tree) for f in files if ".so" in f]
    key = machine_cache.stamp(["/etc/ld.so.cache", *binaries])
    libraries = machine_cache.cached("runtime", key, lambda: _shared_libraries(binaries))
    args = []
    for tree in trees:
        args += ["--ro-bind", tree, tree]
    for path in [executable, *libraries]:
        args += _chain(path, trees)
    return tuple(args)


def _shared_libraries(binaries):
    """Every shared library the dynamic linker loads for `binaries`, sorted."""
    libraries = set()
    for i in range(0, len(binaries), 200):
        out = subprocess.run(["ldd", *binaries[i:i + 200]], capture_output=True, text=True,
                             env={"PATH": "/usr/bin:/bin", "LC_ALL": "C"}).stdout
        libraries.update(re.findall(r"(?:=> |^\s+)(/\S+) \(0x", out, re.M))
    return sorted(libraries)


def view(python, workdir):
    """The whole bwrap command line before the kernel's own: namespaces and the allow-listed view."""
    tmp = []
    for d in PRIVATE_TMP:
        tmp += ["--size", str(PRIVATE_TMP_BYTES), "--perms", "1777", "--tmpfs", d]
    # the system's fonts (public files), so that matplotlib's font list, built once outside
    # (sandbox.font_cache), names files the kernel can open
    return [bwrap(), *_NAMESPACES, *_top_level_links(), *runtime(python), "--ro-bind-try", FONTS, FONTS,
            "--dev", "/dev", "--proc", "/proc", *tmp, "--bind", str(workdir), str(SANDBOX_HOME), "--remount-ro", "/", "--chdir", str(SANDBOX_HOME), "--"]


def kill_uid(uid):
    """Kill every process of `uid`: the kernel and anything it forked, daemonised or not."""
    if uid is None:
        return
    for _ in range(20):   # again and again: a fork bomb forks while it is being killed
        pid = os.fork()
        if pid == 0:
            try:
                os.setgid(uid)
                os.setuid(uid)
                os.kill(-1, signal.SIGKILL)   # every process this uid may signal: its own
                os._exit(0)
            except ProcessLookupError:
                os._exit(1)                   # nothing left
            except BaseException:
                os._exit(2)
        if os.waitpid(pid, 0)[1] != 0 or not _running(uid):
            return
        time.sleep(0.01)


def _living():
    """(pid, uid) of every process that is not a zombie (a zombie, dead but not yet reaped by its
    parent, can still be signalled, so kill() alone cannot tell; it holds nothing but its pid)."""
    for status in Path("/proc").glob("[0-9]*/status"):
        try:
            fields = dict(line.split(":", 1) for line in status.read_text().splitlines() if ":" in line)
        except OSError:
            continue
        if not fields.get("State", "").strip().startswith("Z"):
            yield int(status.parent.name), int(fields.get("Uid", "-1 0").split()[0])


def _running(uid):
    return any(owner == uid for _, owner in _living())


def sweep_stale():
    """Remove the sandboxes of grading workers that died without cleaning up (a killed batch)."""
    if not is_root() or not ROOT_SANDBOXES.is_dir():
        return []
    swept = []
    for path in ROOT_SANDBOXES.iterdir():
        m = re.match(r"(\d+)-", path.name)
        if not m or _alive(int(m.group(1))):
            continue
        first = UID_BASE + int(m.group(1)) * UIDS_PER_WORKER
        for uid in range(first, first + UIDS_PER_WORKER):
            kill_uid(uid)
        cgroup.remove_stale(f"course-sandbox-{path.name}")
        remove_workdir(path)
        swept.append(path.name)
    return swept


def orphans(grace=3.0):
    """Pids of sandbox processes whose grading worker is gone (there should never be any).

    A worker's kernels are killed as it exits (bubblewrap's --die-with-parent), which takes the
    kernel a moment: only a process still there after `grace` seconds is an orphan."""
    deadline = time.monotonic() + grace
    while True:
        found = [pid for pid, uid in _living() if uid >= UID_BASE and not _alive(worker_of(uid))]
        if not found or time.monotonic() >= deadline:
            return found
        time.sleep(0.1)


def _alive(pid):
    try:
        os.kill(pid, 0)
        return True
    except ProcessLookupError:
        return False
    except PermissionError:
        return True


def readable_by_others(path):
    """Whether a user with no relation to `path`'s owner can enter it."""
    return bool(os.stat(path).st_mode & stat.S_IXOTH)


def close_to_others(paths):
    """Make instructor directories (the course, the repository) closed to other users.

    A sandbox uid is such a user. Returns the paths that were changed."""
    changed = []
    for p in paths:
        if readable_by_others(p):
            os.chmod(p, os.stat(p).st_mode & ~0o007)
            changed.append(str(p))
    return changed
