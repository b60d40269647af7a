"""The sandboxed kernel: what student code can and cannot do, and how the grader recovers."""
import os

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


@pytest.mark.skipif(not ROOT, reason="user and network isolation need root")
def test_as_root_the_kernel_is_unprivileged_and_offline():
    with Sandbox("s.ipynb", "{}") as sb:
        sb.start()
        assert sb.protections["unprivileged_user"] and sb.protections["network_isolated"]
        out = _run(sb, "import os, socket\nprint(os.getuid())\n"
                       "try:\n    socket.create_connection(('127.0.0.1', 22), timeout=2)\n"
                       "except OSError as e:\n    print(type(e).__name__)\n"
                       "try:\n    open('/root/x', 'w')\nexcept OSError as e:\n    print(type(e).__name__)")
    uid, net, write = out.split()
    assert uid != "0" and net in ("OSError", "ConnectionRefusedError") and write == "PermissionError"


def test_a_cell_past_its_deadline_is_killed_with_its_process_group():
    with Sandbox("s.ipynb", "{}", Policy(cell_timeout=2)) as sb:
        sb.start()
        pid = int(_run(sb, "import subprocess, os\n"
                           "p = subprocess.Popen(['sleep', '300'])\nprint(p.pid)"))
        ex = sb.execute("while True: pass", 2)
        assert ex.status == "timeout" and not sb.alive()
        with pytest.raises(ProcessLookupError):
            for _ in range(50):
                os.kill(pid, 0)
                import time
                time.sleep(0.1)


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
