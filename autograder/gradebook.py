"""nbgrader's gradebook: autograded scores go in; hand grades, comments and totals come out.

Only the coordinator process writes here (never a grading worker, never student code). Each graded
item's points go to the auto_score of its grade cell `test_<item>`. Manual scores, the formgrader's
comments and hand-graded answer cells are never touched: the TA writes them in the formgrader, and
`hand_grades` and `scores` read them back for feedback and exports.
"""
import warnings
from dataclasses import dataclass

from nbgrader.api import BaseCell, Grade, Gradebook, MissingEntry, SubmittedNotebook
from nbgrader.utils import parse_utc
from sqlalchemy.exc import SAWarning

from autograder import notebook


class Recorder:
    """Scores into the gradebook, one result after another, for a batch: the gradebook is opened
    once (and only if something is recorded), and each result is committed on its own, so that
    one recorded is one kept. No transaction stays open between results: the formgrader may
    write at any time."""

    def __init__(self, course):
        self.course = course
        self.gb = None
        self.students = set()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        if self.gb is not None:
            self.gb.close()

    def _open(self):
        if self.gb is None:
            self.gb = Gradebook(self.course.gradebook_url)
            self.students = {s.id for s in self.gb.students}
            self.gb.db.commit()
        return self.gb

    def record(self, result, timestamp=None):
        gb = self._open()
        scores = {entry["cell"]: entry["score"] for entry in result["items"].values()}
        try:
            with warnings.catch_warnings():
                # nbgrader 0.9.6's add_submission trips SQLAlchemy 2's autoflush warning; the rows are written
                warnings.simplefilter("ignore", SAWarning)
                if result["student"] not in self.students:
                    gb.update_or_create_student(result["student"])
                    self.students.add(result["student"])
                try:
                    submission = gb.find_submission(result["assignment"], result["student"])
                except MissingEntry:
                    submission = gb.add_submission(result["assignment"], result["student"])
                if timestamp:
                    submission.timestamp = parse_utc(timestamp)
                # every grade of the submission with its cell's name, in one query (not one per grade)
                grades = (gb.db.query(Grade, BaseCell.name).join(Grade.cell).join(Grade.notebook)
                          .filter(SubmittedNotebook.assignment_id == submission.id))
                for grade, cell in grades:
                    if cell in scores:
                        grade.auto_score = scores[cell]
                        grade.needs_manual_grade = False
                    elif grade.manual_score is None:
                        grade.needs_manual_grade = True   # a free-response answer: the formgrader's job
                gb.db.commit()
        except BaseException:
            gb.db.rollback()
            raise


def record(course, result, timestamp=None):
    """One result into the gradebook (a batch uses one Recorder for all of its results)."""
    with Recorder(course) as recorder:
        recorder.record(result, timestamp)


def add_students(course, students):
    with Gradebook(course.gradebook_url) as gb:
        for s in students:
            gb.update_or_create_student(s)


def known_students(course):
    with Gradebook(course.gradebook_url) as gb:
        return {s.id for s in gb.students}


@dataclass(frozen=True)
class HandGrade:
    """One answer a TA grades by hand (an nbgrader cell that is both a solution and a grade cell)."""
    cell: str
    max_score: float
    score: float | None   # None: waiting for hand grading
    comment: str          # the TA's comment in the formgrader, "" if none


def hand_graded_cells(course, assignment):
    """{cell name: points} of the assignment's hand-graded answers, in notebook order."""
    cells = {}
    for nb in course.release_notebooks(assignment).values():
        cells.update(notebook.hand_graded_cells(nb))
    return cells


def hand_grades(course, assignment, students):
    """{student: [HandGrade in notebook order]}: what the formgrader holds for each student's
    hand-graded answers (all waiting for a student with no recorded submission)."""
    cells = hand_graded_cells(course, assignment)
    out = {}
    with Gradebook(course.gradebook_url) as gb:
        for student in students:
            try:
                notebooks = gb.find_submission(assignment, student).notebooks
            except MissingEntry:
                notebooks = []
            grades = {g.name: g for nb in notebooks for g in nb.grades}
            comments = {c.name: c for nb in notebooks for c in nb.comments}
            out[student] = [HandGrade(name, points,
                                      grades[name].score if name in grades and grades[name].manual_score is not None
                                      else None,
                                      (comments[name].manual_comment or "").strip() if name in comments else "")
                            for name, points in cells.items()]
    return out


def assignments(course):
    """Names of the assignments in the gradebook (released ones), in the course's order."""
    from autograder.course import COURSE_ORDER
    with Gradebook(course.gradebook_url) as gb:
        names = [a.name for a in gb.assignments]
    return sorted(names, key=lambda a: (COURSE_ORDER.index(a) if a in COURSE_ORDER else len(COURSE_ORDER), a))


@dataclass(frozen=True)
class Score:
    """A student's total on one assignment, autograded and hand-graded points together."""
    score: float | None   # None: nothing submitted
    waiting: bool         # some hand-graded answers are not graded yet (their points are not in score)


def scores(course, names):
    """({student id: (first name, last name)}, {assignment: max score}, {assignment: {student: Score}})
    for every student in the gradebook: the totals nbgrader's own export gives, and which of them
    wait for hand grading."""
    with Gradebook(course.gradebook_url) as gb:
        students = {s.id: (s.first_name or "", s.last_name or "") for s in gb.students}
        maxima, table = {}, {}
        for name in names:
            maxima[name] = gb.find_assignment(name).max_score
            row = {}
            for student in students:
                try:
                    sub = gb.find_submission(name, student)
                except MissingEntry:
                    row[student] = Score(None, False)
                    continue
                # a hand-graded answer is a grade cell that is also a solution cell (it has a comment)
                waiting = any(g.manual_score is None for nb in sub.notebooks for g in nb.grades
                              if g.name in {c.name for c in nb.comments})
                row[student] = Score(sub.score, waiting)
            table[name] = row
    return students, maxima, table
