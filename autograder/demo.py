"""`course demo`: the whole lifecycle on a simulated class, in a fresh course directory.

release -> students fetch, fill in and submit through the nbgrader exchange -> collect ->
autograde -> feedback -> export, for every assignment that has a hidden suite. The class:

    reference  submits the reference solution
    blank      submits the release untouched
    mistakes   makes the common mistakes the assignment's variants.DEMO_MISTAKES name
    attacker   submits the first of those mistakes, after patching numpy.allclose and builtins.abs

Files the suite grades beside the notebook (the capstone's model file) are submitted with it: the
reference's by reference, mistakes and attacker; none by blank. An assignment whose variants
module has `demo_files(reference_path, namespace)` adds the students it names ({student: files}),
each submitting the reference notebook with those files (the capstone's broken model files).
"""
import importlib
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime
from pathlib import Path

import nbformat

from autograder import commands, gradebook
from autograder.course import REPO, Course
from autograder.simulate import fill, reference_files, reference_run, reference_sources, student_sources
from autograder.suite import SUITES

ATTACK = """\
# The attacker's first cell: make every comparison "pass" before any check runs.
import builtins
import numpy as np
np.allclose = lambda *a, **k: True
np.testing.assert_allclose = lambda *a, **k: None
builtins.abs = lambda v: 0
"""
MODEL_ANSWER = "A model answer, written by the reference student."
CLASS = ("reference", "blank", "mistakes", "attacker")


def demo_assignments():
    return sorted(p.name for p in SUITES.iterdir() if (p / f"test_{p.name}.py").is_file()
                  and (REPO / "assignments" / p.name / f"{p.name}.ipynb").is_file())


def classmates(assignment, release_nb):
    """{student: (notebook, {file name: bytes})} they submit, for one assignment."""
    module = importlib.import_module(f"autograder.suites.{assignment}.variants")
    mistakes, files = module.DEMO_MISTAKES, reference_files(assignment)
    reference = fill(release_nb, reference_sources(assignment), answer=MODEL_ANSWER)
    students = {   # in the order of CLASS
        "reference": (reference, files),
        "blank": (release_nb, {}),
        "mistakes": (fill(release_nb, student_sources(assignment, mistakes), answer="I am not sure."), files),
        "attacker": (fill(release_nb, student_sources(assignment, mistakes[:1]), first_cells=[ATTACK]), files),
    }
    if hasattr(module, "demo_files"):
        with tempfile.TemporaryDirectory() as tmp:
            (path := Path(tmp) / "reference").write_bytes(next(iter(files.values())))
            extra = module.demo_files(path, reference_run(assignment)[0])
        students.update({name: (reference, own) for name, own in extra.items()})
    return students


def submit(course, assignment, student, notebook, files=()):
    """What a student does: fetch from the exchange, edit, add files, submit (the real nbgrader
    commands)."""
    home = course.path("students", student)
    home.mkdir(parents=True, exist_ok=True)
    flags = ["--course", "deepnets", f"--Exchange.root={course.exchange}",
             "--Exchange.path_includes_course=False"]
    if not (home / assignment).exists():
        course.nbgrader("fetch_assignment", assignment, *flags, cwd=home)
    nbformat.write(notebook, home / assignment / f"{assignment}.ipynb")
    for name, data in dict(files).items():
        (home / assignment / name).write_bytes(data)
    course.nbgrader("submit", assignment, f"--student={student}", *flags, cwd=home)


def run(root=None, assignments=None, say=print):
    started = time.monotonic()
    root = root or REPO / ".demo" / datetime.now().strftime("course-%Y%m%d-%H%M%S")
    course = Course(root).init(exchange=f"{root}-exchange")   # outside the course, as on a server
    say(f"Course directory: {course.root}")
    table = {}
    for assignment in assignments or demo_assignments():
        say(f"\n== {assignment}")
        commands.release(course, assignment)
        say(f"released: {course.path('release', assignment)}")
        release_nb = course.release_notebooks(assignment)[f"{assignment}.ipynb"]
        students = classmates(assignment, release_nb)
        gradebook.add_students(course, students)
        with ThreadPoolExecutor(max_workers=len(students)) as pool:   # as a class does: at once
            list(pool.map(lambda s: submit(course, assignment, s, *students[s]), students))
        say(f"submitted through the exchange: {', '.join(students)}")
        say(f"collected: {', '.join(commands.collect(course, assignment))}")
        results = commands.autograde(course, assignment)
        commands.feedback(course, assignment)
        say(f"feedback: {course.path('feedback')}")
        table[assignment] = results
    csv, _ = commands.export(course)   # every assignment, in one file
    say("\n" + render_table(table))
    say(f"\ngrades.csv (nbgrader export): {csv}")
    say(f"demo finished in {time.monotonic() - started:.0f} s")
    return course, table


def render_table(table):
    lines = []
    for assignment, results in table.items():
        items = list(next(iter(results.values()))["items"])
        students = sorted(results, key=lambda s: (list(CLASS) + sorted(results)).index(s))
        width = max(len(i) for i in items + ["total"]) + 2
        cols = {s: max(11, len(s) + 2) for s in students}
        lines.append(f"{assignment}".ljust(width) + "".join(s.rjust(cols[s]) for s in students))
        for item in items + ["total"]:
            row = item.ljust(width)
            for s in students:
                r = results[s]
                got, top = (r["score"], r["max_score"]) if item == "total" else \
                    (r["items"][item]["score"], r["items"][item]["max_score"])
                row += f"{got:g}/{top:g}".rjust(cols[s])
            lines.append(row)
    return "\n".join(lines)
