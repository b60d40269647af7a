"""The sandboxed kernel: what student code can and cannot do, and how the grader recovers."""
import os
import time
from pathlib import Path

import nbformat
import pytest

from autograder.boundary import Student, StudentError
from autograder.sandbox import Policy, Sandbox
from autograder.session import Session

ROOT = os.geteuid() == 0


def _nb(*sources):
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(s) for s in sources]
    return nb


# A child process that sleeps (the sandbox holds no `sleep` binary: only its interpreter).
SLEEPER = "import time; time.sleep(300)  # course-test-sleeper"


def _sleepers(uid):
    """Pids of SLEEPER processes (of `uid`, as root; of anyone otherwise)."""
    found = []
    for entry in Path("/proc").glob("[0-9]*"):
        try:
            if b"course-test-sleeper" in (entry / "cmdline").read_bytes() and (uid is None or entry.stat().st_uid == uid):
                found.append(int(entry.name))
        except OSError:
            pass
    return found


def _eventually(condition, seconds=5):
    """Whether `condition()` comes true within `seconds` (what a killed process leaves takes a moment)."""
    end = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > end:
            return False
        time.sleep(0.1)
    return True


def _in_new_sandbox(code, timeout=20):
    with Sandbox("s.ipynb", "{}") as sb:
        sb.start()
        return _run(sb, code, timeout)


def _run(sandbox, code, timeout=20):
    ex = sandbox.execute(code, timeout)
    assert ex.status == "ok", ex.error
    return ex.stdout


def test_kernel_sees_only_its_directory_and_a_clean_environment(monkeypatch):
    monkeypatch.setenv("COURSE_GRADER_SECRET", "do-not-leak")
    with Sandbox("s.ipynb", "{}") as sb:
        sb.start()
        out = _run(sb, "import os, sys\nprint(sorted(os.listdir('.')))\n"
                       "print('COURSE_GRADER_SECRET' in os.environ)\n"
                       "import importlib.util as u\nprint(u.find_spec('solutions'), u.find_spec('autograder'))")
    assert out.splitlines() == ["['.kernel', 'coursekit', 's.ipynb']", "False", "None None"]


@pytest.mark.skipif(not ROOT, reason="user, network and mount isolation need root")
def test_as_root_the_kernel_has_its_own_uid_no_network_and_a_private_tmp(tmp_path):
    secret = tmp_path / "instructor-only.txt"
    secret.write_text("hidden")
    os.chmod(tmp_path, 0o700)
    outside = Path("/tmp") / "course-test-visible-from-host"
    outside.write_text("host tmp")
    try:
        with Sandbox("s.ipynb", "{}") as sb:
            sb.start()
            p = sb.protections
            assert p["own_unprivileged_uid"] and p["network_isolated"] and p["private_tmp"]
            out = _run(sb, f"""
import os, socket
print(os.getuid())
for target in [('127.0.0.1', 22), ('10.0.0.1', 80)]:
    try:
        socket.create_connection(target, timeout=2); print('connected')
    except OSError as e:
        print('blocked')
for path in [{str(secret)!r}, '/root/.bashrc']:
    try:
        open(path).read(); print('read')
    except OSError:
        print('denied')
print(os.listdir('/tmp'))
print(os.path.exists('/var/lib/course-sandbox'))
""")
    finally:
        outside.unlink()
    uid, net1, net2, f1, f2, tmp, sandboxes = out.splitlines()
    assert int(uid) == sb.uid != 0
    assert (net1, net2) == ("blocked", "blocked")
    assert (f1, f2) == ("denied", "denied")
    assert "course-test-visible-from-host" not in tmp
    assert sandboxes == "False", "no sandbox's folder is in sight but its own (as /home/student)"


@pytest.mark.skipif(not ROOT, reason="per-sandbox uids need root")
def test_processes_that_escape_the_process_group_die_with_the_sandbox():
    with Sandbox("s.ipynb", "{}") as sb:
        sb.start()
        _run(sb, f"import subprocess, sys\n"
                 f"p = subprocess.Popen([sys.executable, '-c', {SLEEPER!r}], start_new_session=True)")
        assert _sleepers(sb.uid)  # alive, in its own session
    assert _eventually(lambda: not _sleepers(sb.uid)), "a process started by the kernel outlived the sandbox"


@pytest.mark.skipif(not ROOT, reason="the per-uid process limit and the tmpfs need root")
def test_a_fork_bomb_and_a_disk_filler_hit_their_limits():
    with Sandbox("s.ipynb", "{}", Policy(processes=64, disk_bytes=32 * 2**20)) as sb:
        sb.start()
        ex = sb.execute("import os\nn = 0\ntry:\n    while True:\n        if os.fork() == 0:\n"
                        "            import time; time.sleep(30); os._exit(0)\n        n += 1\n"
                        "except OSError as e:\n    print(n, type(e).__name__)", 20)
        assert ex.status == "ok" and int(ex.stdout.split()[0]) < 64
        ex = sb.execute("i = 0\ntry:\n    while True:\n        open(f'f{i}', 'wb').write(b'0' * 2**20); i += 1\n"
                        "except OSError as e:\n    print(i, e.errno)", 20)
        assert ex.status == "ok" and int(ex.stdout.split()[0]) <= 32


def test_a_cell_past_its_deadline_is_killed_with_its_process_group():
    with Sandbox("s.ipynb", "{}", Policy(cell_timeout=2)) as sb:
        sb.start()
        _run(sb, f"import subprocess, sys\np = subprocess.Popen([sys.executable, '-c', {SLEEPER!r}])")
        assert _sleepers(sb.uid)
        ex = sb.execute("while True: pass", 2)
        assert ex.status == "timeout" and not sb.alive()
        assert _eventually(lambda: not _sleepers(sb.uid)), "a child of the kernel outlived its deadline"


def test_limits_stop_a_memory_bomb_and_a_huge_file():
    with Sandbox("s.ipynb", "{}", Policy(memory_bytes=2 * 2**30, file_bytes=2**20)) as sb:
        sb.start()
        ex = sb.execute("x = bytearray(4 * 2**30)", 20)
        assert ex.status == "error" and ex.error["ename"] == "MemoryError"
        ex = sb.execute("open('big', 'wb').write(b'0' * 2**21)", 20)
        assert ex.status in ("error", "dead")


def test_output_is_capped():
    with Sandbox("s.ipynb", "{}", Policy(output_bytes=1000)) as sb:
        sb.start()
        ex = sb.execute("for i in range(10000): print('spam' * 10)", 20)
    assert ex.status == "ok" and len(ex.stdout) == 1000


def test_session_skips_a_looping_cell_and_still_grades_the_rest():
    nb = _nb("def f(x):\n    return x + 1", "while True: pass", "def g(x):\n    return 2 * x")
    with Session(nb, "s.ipynb", Policy(cell_timeout=2, call_timeout=2)) as session:
        session.run_notebook()
        student = Student(session)
        assert student.f(1) == 2 and student.g(3) == 6
        assert [c["status"] for c in session.cell_report()] == ["timeout"]


def test_a_student_cannot_rebind_a_provided_helper():
    nb = _nb("def helper():\n    return 'instructor'", "helper = lambda: 'student'")
    nb.cells[0].metadata["nbgrader"] = {"grade_id": "provided", "locked": True, "solution": False,
                                        "grade": False, "schema_version": 3}
    with Session(nb, "s.ipynb") as session:
        session.run_notebook()
        assert Student(session).helper() == "instructor"


def test_a_call_that_kills_the_kernel_fails_alone():
    nb = _nb("import os\ndef die():\n    os._exit(0)\ndef ok():\n    return 'fine'")
    with Session(nb, "s.ipynb", Policy(call_timeout=5)) as session:
        session.run_notebook()
        student = Student(session)
        with pytest.raises(StudentError, match="ended the notebook's kernel"):
            student.die()
        assert student.ok() == "fine" and session.restarts == 1


def test_a_call_that_loops_times_out_and_the_next_call_works():
    nb = _nb("def spin():\n    while True:\n        pass\ndef ok():\n    return 1")
    with Session(nb, "s.ipynb", Policy(call_timeout=2)) as session:
        session.run_notebook()
        student = Student(session)
        with pytest.raises(StudentError, match="did not return within 2 seconds"):
            student.spin()
        assert student.ok() == 1


def test_grading_without_root_is_announced_plainly(monkeypatch):
    from autograder import isolation
    from autograder.sandbox import describe, protections

    monkeypatch.setattr(isolation, "is_root", lambda: False)
    active = protections(Policy())
    assert not active["own_unprivileged_uid"] and not active["network_isolated"]
    summary, warnings = describe(active)
    assert "YOUR uid" in summary and "NOT isolated" in summary
    assert any("runs as YOUR user" in w for w in warnings) and any("network" in w for w in warnings)


def test_a_missing_allow_list_or_cgroup_is_announced_with_what_it_permits(monkeypatch):
    from autograder import isolation
    from autograder.sandbox import describe, protections

    monkeypatch.setattr(isolation, "is_root", lambda: True)
    monkeypatch.setattr(isolation, "allowlist_available", lambda: False)
    active = protections(Policy(), controllers=["memory"])
    assert not active["filesystem_allow_list"] and active["cgroup"]["memory_bytes"] and active["cgroup"]["cpu_cores"] is None
    summary, warnings = describe(active)
    assert "the whole filesystem" in summary and "a cgroup capping total memory" in summary
    assert any("bubblewrap" in w and "another checkout" in w for w in warnings)
    assert any("no cgroup for its CPU share and process count" in w and "every core" in w for w in warnings)


def test_a_kernel_that_cannot_start_says_why_and_is_the_grader_s_fault(monkeypatch):
    from autograder.sandbox import KernelGone
    from autograder.session import START_ATTEMPTS, SandboxUnavailable

    monkeypatch.setenv("COURSE_SANDBOX_PYTHON", "/bin/false")
    with Sandbox("s.ipynb", "{}") as sb:
        with pytest.raises(KernelGone, match="did not start: .*exited with code 1"):
            sb.start()
    with Session(_nb("x = 1"), "s.ipynb") as session:
        with pytest.raises(SandboxUnavailable, match=f"exited with code 1 \\({START_ATTEMPTS} attempts\\)"):
            session.run_notebook()


def test_a_kernel_the_student_stops_from_restarting_fails_only_the_calls():
    # sitecustomize.py in the working directory runs at every interpreter start: here it ends it.
    nb = _nb("import os\ndef ok():\n    return 1\ndef die():\n    os._exit(0)",
             "open('sitecustomize.py', 'w').write('import os\\nos._exit(5)\\n')")
    with Session(nb, "s.ipynb", Policy(call_timeout=5)) as session:
        session.run_notebook()
        student = Student(session)
        assert student.ok() == 1
        with pytest.raises(StudentError, match="ended the notebook's kernel"):
            student.die()
        with pytest.raises(StudentError, match="could not be restarted"):
            student.ok()


def test_a_slow_kernel_start_costs_the_submission_none_of_its_time(monkeypatch):
    start = Sandbox.start

    def slow_start(self):   # a loaded machine: the kernel takes longer to start than the whole budget
        start(self)
        time.sleep(2.5)

    monkeypatch.setattr(Sandbox, "start", slow_start)
    with Session(_nb("def f(x):\n    return x + 1"), "s.ipynb", Policy(submission_timeout=2)) as session:
        session.run_notebook()
        assert session.cell_report() == [] and Student(session).f(1) == 2


# -- the full sandbox on a shared machine (root, bubblewrap, cgroups) ------------------------------
def _full():
    from autograder import isolation
    return ROOT and isolation.allowlist_available()


FULL = pytest.mark.skipif(not _full(), reason="the allow-listed sandbox needs root and bubblewrap")


@FULL
def test_the_kernel_sees_only_its_allow_list(tmp_path):
    import shutil
    import secrets
    tag = secrets.token_hex(4)
    planted = [Path(f"/srv/course-copy-{tag}"), Path(f"/home/course-copy-{tag}")]
    for root in planted:   # world-readable copies of the course, as a shared server may hold
        (root / "solutions").mkdir(parents=True)
        shutil.copy(Path(__file__).parent.parent / "solutions" / "regularization.py", root / "solutions")
        os.chmod(root, 0o755)
    try:
        out = _in_new_sandbox("import glob, os, sys\n"
                              "print(sorted(os.listdir('/')))\n"
                              "print(glob.glob('/*/*/solutions') + glob.glob('/work/*') + glob.glob('/root/*'))\n"
                              "print(sorted(os.listdir('/usr/bin')))\n"
                              "import numpy, matplotlib.pyplot, ipykernel\nprint('imports fine')", 60)
    finally:
        for root in planted:
            shutil.rmtree(root)
    top, found, usr_bin, imports = out.splitlines()
    assert set(eval(top)) <= {"bin", "dev", "home", "lib", "lib32", "lib64", "libx32", "opt", "proc", "sbin", "tmp", "usr", "var"}
    assert found == "[]", "a readable copy outside the sandbox is in sight"
    assert all(name.startswith("python") for name in eval(usr_bin)), "only the interpreter of /usr/bin"
    assert imports == "imports fine"


@FULL
def test_a_kernel_sees_and_signals_only_its_own_processes():
    out = _in_new_sandbox("import os\nseen = {int(p) for p in os.listdir('/proc') if p.isdigit()}\n"
                          "print(len(seen), all(os.stat(f'/proc/{p}').st_uid == os.getuid() for p in seen))\n"
                          "def answers(pid):\n    try:\n        os.kill(pid, 0)\n        return True\n"
                          "    except ProcessLookupError:\n        return False\n    except PermissionError:\n"
                          "        return True\n"
                          "def stranger(pid):\n    try:\n        return os.stat(f'/proc/{pid}').st_uid != os.getuid()\n"
                          "    except OSError:\n        return True\n"
                          "print([p for p in range(1, 1 << 16) if answers(p) and stranger(p)])")   # threads answer too
    counted, strangers = out.splitlines()
    count, own = counted.split()
    assert int(count) == 2 and own == "True"   # bubblewrap's init and the kernel
    assert strangers == "[]"


def _host_leftovers(uid):
    """What of `uid` the host still holds: System V IPC objects, keyring users, lock files."""
    found = []
    for kind in ("shm", "msg", "sem"):
        rows = Path(f"/proc/sysvipc/{kind}").read_text().splitlines()[1:]
        header = Path(f"/proc/sysvipc/{kind}").read_text().split("\n", 1)[0].split()
        found += [kind for row in rows if int(row.split()[header.index("uid")]) == uid]
    found += ["keys" for line in Path("/proc/key-users").read_text().splitlines()
              if int(line.split(":")[0]) == uid]
    found += [str(p) for d in ("/run/lock", "/tmp", "/var/tmp", "/dev/shm") for p in Path(d).glob("course-leftover*")]
    return found


@FULL
def test_nothing_a_sandbox_makes_outlives_it_or_reaches_the_next():
    from adversarial.corpus import LOOK_AND_LEAVE

    with Sandbox("s.ipynb", "{}") as first:
        first.start()
        assert _run(first, LOOK_AND_LEAVE + "print(_found)") == "False\n"
        out = _run(first, "import os\nprint(open('/proc/keys').read().count('course-leftover'), "
                          "os.path.exists('/dev/shm/course-leftover'))")
        assert out == "3 True\n", "the attack really made its objects"
    # the kernel collects dead keyrings a moment later
    assert _eventually(lambda: not _host_leftovers(first.uid), 10), _host_leftovers(first.uid)
    with Sandbox("s.ipynb", "{}") as second:
        second.start()
        assert second.uid != first.uid
        assert _run(second, LOOK_AND_LEAVE + "print(_found)") == "False\n"


@FULL
def test_a_memory_bomb_over_many_processes_stops_at_the_sandbox_limit():
    limit = 2**30
    with Sandbox("s.ipynb", "{}", Policy(memory_bytes=limit)) as sb:
        assert "memory" in sb.cgroup.active
        sb.start()
        ex = sb.execute("import os, time\npids = []\nfor _ in range(6):\n    pid = os.fork()\n    if pid == 0:\n"
                        "        hog = bytearray(2**28)\n        hog[::4096] = b'1' * len(hog[::4096])\n"
                        "        time.sleep(5)\n        os._exit(0)\n    pids.append(pid)\n"
                        "print(sum(os.waitpid(p, 0)[1] == 0 for p in pids))", 30)
        peak = next(p for p in (sb.cgroup.dirs["memory"] / name for name in ("memory.max_usage_in_bytes", "memory.peak"))
                    if p.exists())   # cgroup v1, v2
        assert int(peak.read_text()) <= limit
    # 6 x 256 MiB with the kernel's own memory is more than 1 GiB: some were stopped
    assert ex.status == "dead" or int(ex.stdout) < 6


@FULL
def test_a_cpu_bomb_gets_about_one_core():
    with Sandbox("s.ipynb", "{}") as sb:
        assert "cpu" in sb.cgroup.active
        sb.start()
        out = _run(sb, "import os, resource, time\nstart = time.time()\nend = start + 3\npids = []\n"
                       "for _ in range(16):\n    pid = os.fork()\n    if pid == 0:\n"
                       "        while time.time() < end:\n            pass\n        os._exit(0)\n    pids.append(pid)\n"
                       "for pid in pids:\n    os.waitpid(pid, 0)\n"
                       "used = resource.getrusage(resource.RUSAGE_CHILDREN)\n"
                       "print(used.ru_utime + used.ru_stime, time.time() - start)")
    cpu, wall = map(float, out.split())
    # 16 busy processes on this machine's cores, held to one of them (a loaded machine gives less)
    assert cpu <= 1.15 * wall + 0.2, f"{cpu:.1f} CPU seconds in {wall:.1f} s"


def test_a_flood_on_iopub_waits_in_the_kernel_not_in_the_grader():
    import subprocess
    import sys
    from adversarial.corpus import flood_iopub

    probe = ("import resource, sys\nfrom autograder.sandbox import Sandbox\n"
             "with Sandbox('s.ipynb', '{}') as sb:\n    sb.start()\n"
             "    base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss\n"
             f"    ex = sb.execute({flood_iopub(16, 40 * 2**20)!r}, 120)\n"
             "    print(ex.status, (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - base) // 1024)")
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=180,
                         cwd=Path(__file__).parent.parent, env={**os.environ, "PYTHONPATH": str(Path(__file__).parent.parent)})
    status, grew_mib = out.stdout.split()
    # 640 MiB were sent; the grader holds a few messages at a time (QUEUED_MESSAGES of 40 MiB each,
    # the one being read, and its decoded text)
    assert status == "ok" and int(grew_mib) < 320, out.stdout


def test_a_raw_frame_on_iopub_is_dropped_and_the_notebook_graded():
    from adversarial.corpus import RAW_FRAMES

    nb = _nb(RAW_FRAMES, "def f(x):\n    return x + 1")
    with Session(nb, "s.ipynb") as session:
        session.run_notebook()
        assert Student(session).f(1) == 2
        assert session.sandbox.malformed > 0 and "were ignored" in session.notes()[0]


@pytest.mark.skipif(not ROOT, reason="the size-limited tmpfs needs root")
def test_a_full_disk_then_exit_fails_the_calls_not_the_grader():
    from adversarial.corpus import FILL_DISK_THEN_EXIT as fill

    nb = _nb("def f(x):\n    return x + 1", fill)
    with Session(nb, "s.ipynb", Policy(disk_bytes=64 * 2**20)) as session:
        session.run_notebook()
        with pytest.raises(StudentError, match="could not be restarted"):
            Student(session).f(1)
        assert [c["status"] for c in session.cell_report()] == ["dead"]


# A student function that writes a frame of its own on the call socket (a student finds its number
# by trying; here it is told) before it returns: a forged reply to another call number, which
# must be dropped, with the true reply still read.
FORGED_FRAME = """\
import os
def f(x, fd):
    body = b'{"value": 1000}'
    os.write(fd, len(body).to_bytes(8, "big") + (2**40).to_bytes(8, "big") + body)
    return x + 1
"""


def test_a_forged_frame_on_the_call_socket_is_dropped_and_the_true_reply_read():
    with Session(_nb(FORGED_FRAME), "s.ipynb") as session:
        session.run_notebook()
        student, fd = Student(session), session.sandbox.channel_fd
        assert student.f(1, fd) == 2 and student.f(5, fd) == 6
        assert session.sandbox.malformed == 2 and "2 message(s)" in session.notes()[0]


def test_pyplot_loads_when_first_used_and_then_plots_as_usual():
    # Setup cells import pyplot (and run again as provided cells); graded cells seldom plot.
    setup = "import numpy as np\nimport matplotlib.pyplot as plt\nfrom coursekit.plotting import subplots"
    with Sandbox("s.ipynb", "{}") as sb:
        sb.start()
        _run(sb, setup)
        _run(sb, setup)
        assert _run(sb, "import sys\nprint('matplotlib.figure' in sys.modules)") == "False\n"
        shown = _run(sb, "fig, axes = subplots(1, 2)\naxes[0].plot(np.arange(3))\nfig.savefig('p.png')\n"
                         "plt.figure()\nimport os, sys\nprint(plt.get_backend(), len(plt.get_fignums()), "
                         "os.path.getsize('p.png') > 1000, type(sys.modules['matplotlib.pyplot']).__name__)")
        assert shown == "Agg 2 True module\n"


def test_pyplot_is_lazy_only_in_the_sandbox_environment():
    import importlib.util
    import subprocess

    from autograder.sandbox import sandbox_python

    probe = "import sys, matplotlib.pyplot; print(type(sys.modules['matplotlib.pyplot']).__name__)"
    assert subprocess.run([sandbox_python(), "-c", probe], capture_output=True, text=True).stdout == "_LazyModule\n"
    assert importlib.util.find_spec("course_lazy_imports") is None   # not in the grader's, nor a student's
