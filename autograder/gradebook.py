"""Write autograded scores into nbgrader's gradebook, so `nbgrader export` and the formgrader see them.

Only the coordinator process writes here (never a grading worker, never student code). Each graded
item's points go to the auto_score of its grade cell `test_<item>`. Manual scores, the formgrader's
comments and hand-graded answer cells are never touched.
"""
import warnings

from nbgrader.api import Gradebook, MissingEntry
from nbgrader.utils import parse_utc
from sqlalchemy.exc import SAWarning


def record(course, result, timestamp=None):
    scores = {entry["cell"]: entry["score"] for entry in result["items"].values()}
    with warnings.catch_warnings(), Gradebook(course.gradebook_url) as gb:
        # nbgrader 0.9.6's add_submission trips SQLAlchemy 2's autoflush warning; the rows are written
        warnings.simplefilter("ignore", SAWarning)
        gb.update_or_create_student(result["student"])
        try:
            submission = gb.find_submission(result["assignment"], result["student"])
        except MissingEntry:
            submission = gb.add_submission(result["assignment"], result["student"])
        if timestamp:
            submission.timestamp = parse_utc(timestamp)
        for notebook in submission.notebooks:
            for grade in notebook.grades:
                if grade.cell.name in scores:
                    grade.auto_score = scores[grade.cell.name]
                    grade.needs_manual_grade = False
                elif grade.manual_score is None:
                    grade.needs_manual_grade = True   # a free-response answer: the formgrader's job
        gb.db.commit()


def add_students(course, students):
    with Gradebook(course.gradebook_url) as gb:
        for s in students:
            gb.update_or_create_student(s)


def known_students(course):
    with Gradebook(course.gradebook_url) as gb:
        return {s.id for s in gb.students}
