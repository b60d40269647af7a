"""Students with Unix accounts of their own, on a shared server: they fetch, submit and fetch
feedback through the exchange as themselves, before and after an autograde, and can read neither
the course's sources, its gradebook, nor each other's submissions. A TA's hand grade and comment
(written to the gradebook as the formgrader writes them) reach the student's fetched feedback and
every export.

The accounts are made and removed here (useradd/userdel), so this needs root. Students run the
real nbgrader with the system interpreter and a world-readable hard-linked copy of this
environment's packages (the grader's own environment is closed to them, as on a server)."""
import csv
import os
import secrets
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from autograder import commands, gradebook
from conftest import hand_grade
from autograder.course import Course
from autograder.simulate import fill, reference_sources, student_sources

A = "regularization"
SYSTEM_PYTHON = Path(f"/usr/bin/python{sys.version_info.major}.{sys.version_info.minor}")
NEEDED = ("useradd", "userdel", "runuser")
pytestmark = pytest.mark.skipif(
    os.geteuid() != 0 or not SYSTEM_PYTHON.exists() or not all(shutil.which(t) for t in NEEDED),
    reason="real student accounts need root, useradd/userdel/runuser and a system Python of this version")

COMMENT = "Right: rescaling keeps the expected activation the same."
# Run as the student: try to read each path given, print one word each.
PROBE = ("import os, sys\nfor p in sys.argv[1:]:\n    try:\n"
         "        os.listdir(p) if os.path.isdir(p) else open(p, 'rb').read(1)\n        print('read')\n"
         "    except OSError:\n        print('denied')")


class Server:
    def __init__(self, root):
        self.root = root
        self.exchange = root / "exchange"
        self.libs = root / "site-packages"
        self.course = Course(root / "course").init(exchange=self.exchange)
        self.students = []

    def add_student(self, name):
        subprocess.run(["useradd", "--create-home", "--shell", "/bin/sh", name], check=True, capture_output=True)
        self.students.append(name)
        return Path(os.path.expanduser(f"~{name}"))

    def as_student(self, name, *argv, check=True):
        home = Path(os.path.expanduser(f"~{name}"))
        env = ["env", "-i", f"HOME={home}", f"USER={name}", "PATH=/usr/bin:/bin", f"PYTHONPATH={self.libs}"]
        proc = subprocess.run(["runuser", "-u", name, "--", *env, str(SYSTEM_PYTHON), *argv],
                              cwd=home, capture_output=True, text=True, timeout=120)
        if check:
            assert proc.returncode == 0, proc.stderr[-2000:]
        return proc

    def nbgrader(self, name, *args):
        return self.as_student(name, "-c", "from nbgrader.apps.nbgraderapp import main; main()", *args,
                               "--course", "deepnets", f"--Exchange.root={self.exchange}",
                               "--Exchange.path_includes_course=False")

    def can_read(self, name, *paths):
        out = self.as_student(name, "-c", PROBE, *map(str, paths)).stdout.split()
        return dict(zip(map(str, paths), (w == "read" for w in out)))

    def remove(self):
        for name in self.students:
            subprocess.run(["userdel", "--remove", name], capture_output=True)
        shutil.rmtree(self.root, ignore_errors=True)


@pytest.fixture(scope="module")
def server():
    root = Path(f"/srv/course-accounts-{secrets.token_hex(3)}")
    root.mkdir(parents=True)
    os.chmod(root, 0o755)
    srv = Server(root)
    try:
        site = Path(nbformat.__file__).resolve().parent.parent
        subprocess.run(["cp", "-al", str(site), str(srv.libs)], check=True)   # hard links: instant
        for d, _, _ in os.walk(srv.libs):
            os.chmod(d, 0o755)
        yield srv
    finally:
        srv.remove()


def test_two_students_with_their_own_accounts_through_a_whole_lifecycle(server):
    course, tag = server.course, server.root.name.rsplit("-", 1)[1]
    names = [f"cst{tag}a", f"cst{tag}b"]
    homes = [server.add_student(n) for n in names]
    commands.release(course, A)
    release_nb = course.release_notebooks(A)[f"{A}.ipynb"]
    answers = {names[0]: fill(release_nb, reference_sources(A), answer="The kept units are scaled by 1/(1-p)."),
               names[1]: fill(release_nb, student_sources(A, ("dropout_no_rescale",)))}
    gradebook.add_students(course, names)
    for name, home in zip(names, homes):
        server.nbgrader(name, "fetch_assignment", A)
        nbformat.write(answers[name], home / A / f"{A}.ipynb")
        shutil.chown(home / A / f"{A}.ipynb", name, name)
        server.nbgrader(name, "submit", A)

    def closed_to_students():
        private = [course.path("source", A, f"{A}.ipynb"), course.path("gradebook.db"), course.path("source"),
                   course.path("submitted"), server.exchange / "deepnets" / "inbound"]
        for name, other, home in zip(names, reversed(names), homes):
            seen = server.can_read(name, *private, course.path("submitted", other, A, f"{A}.ipynb"))
            assert not any(seen.values()), (name, seen)
            own = home / A / f"{A}.ipynb"
            assert server.can_read(name, own) == {str(own): True}   # the probe does see what it may

    closed_to_students()
    assert sorted(commands.collect(course, A)) == sorted(names)
    for name in names:   # collected submissions: the grader's alone
        for path in [course.path("submitted", name), *course.path("submitted", name).rglob("*")]:
            assert path.stat().st_mode & 0o022 == 0, path
    results = commands.autograde(course, A, workers=2, progress=False)
    assert results[names[0]]["score"] == results[names[0]]["max_score"] > results[names[1]]["score"]
    hand_grade(course, A, names[0], "q_dropout_scaling", 2, COMMENT)   # the TA, in the formgrader
    commands.feedback(course, A)
    closed_to_students()
    for name, home in zip(names, homes):   # the exchange still works for them after an autograde
        listed = server.nbgrader(name, "list")
        assert A in listed.stdout + listed.stderr
        server.nbgrader(name, "fetch_feedback", A)
        feedback = list((home / A / "feedback").rglob(f"{A}.html"))
        assert len(feedback) == 1 and name in feedback[0].read_text()
        if name == names[0]:
            assert COMMENT in feedback[0].read_text() and "<td>2 / 2</td>" in feedback[0].read_text()
        else:
            assert "waiting for hand grading" in feedback[0].read_text()
        assert feedback[0].stat().st_uid == int(subprocess.run(["id", "-u", name], capture_output=True,
                                                              text=True).stdout)
    assert oct(course.root.stat().st_mode & 0o777) == "0o750"
    totals = {names[0]: results[names[0]]["score"] + 2, names[1]: results[names[1]]["score"]}
    nbgrader_csv, _ = commands.export(course)
    assert {r["student_id"]: float(r["score"]) for r in csv.DictReader(nbgrader_csv.open())} == totals
    canvas_csv, _ = commands.export(course, format="canvas")
    assert {r["SIS Login ID"]: float(r[A]) for r in csv.DictReader(canvas_csv.open())
            if r["Student"] != "Points Possible"} == totals
