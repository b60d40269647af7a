"""Grades out of the gradebook, as CSV files an LMS or a spreadsheet reads: nbgrader's own export,
and Canvas's gradebook import. Both hold the autograded and the hand-graded points.

A file is written whole or not at all: it is made beside the course's gradebook first, then copied
to where it was asked for, so an unwritable target leaves any earlier file as it was.
"""
import contextlib
import csv
import os
import shutil
import tempfile

from autograder import gradebook
from autograder.course import CourseError

# Canvas's gradebook import: these columns first, then one column per assignment, matched to an
# existing Canvas assignment by name (a new name makes a new assignment, with the points of the
# "Points Possible" row). Students are matched by SIS Login ID: the nbgrader student id.
CANVAS_COLUMNS = ["Student", "ID", "SIS User ID", "SIS Login ID", "Section"]


def nbgrader_csv(course, assignments, target):
    """nbgrader's own CSV (`nbgrader export`): one row per student and assignment."""
    listed = "[" + ",".join(repr(a) for a in assignments) + "]"
    with _staged(course, target) as tmp:
        course.nbgrader("export", f"--ExportPlugin.assignment={listed}", f"--to={tmp}")


def canvas_csv(course, assignments, target):
    """Canvas's gradebook import CSV; a blank cell is an assignment not submitted."""
    students, maxima, table = gradebook.scores(course, assignments)
    with _staged(course, target) as tmp, open(tmp, "w", newline="") as fh:
        out = csv.writer(fh)
        out.writerow(CANVAS_COLUMNS + assignments)
        out.writerow(["Points Possible", "", "", "", ""] + [f"{maxima[a]:g}" for a in assignments])
        for student, (first, last) in sorted(students.items()):
            name = f"{last}, {first}" if first and last else student
            out.writerow([name, "", "", student, ""]
                         + ["" if table[a][student].score is None else f"{table[a][student].score:g}"
                            for a in assignments])


def waiting(course, assignments):
    """How many submissions of these assignments still wait for hand grading."""
    return sum(s.waiting for row in gradebook.scores(course, assignments)[2].values() for s in row.values())


@contextlib.contextmanager
def _staged(course, target):
    """A temporary file in the course directory, copied to `target` when the block succeeds."""
    fd, tmp = tempfile.mkstemp(suffix=".csv", dir=course.root)
    os.close(fd)
    try:
        yield tmp
        try:
            shutil.copyfile(tmp, target)
        except OSError as err:
            raise CourseError(f"cannot write {target}: {err.strerror}") from None
    finally:
        os.unlink(tmp)
