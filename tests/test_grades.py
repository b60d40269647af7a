"""A TA's hand grades reach the autograde summary, the feedback and every export; one export holds
every assignment; feedback goes back through the exchange or through the LMS, each submission the
way it came. (Bad input to `course export`: tests/test_cli_errors.py.)

The autograded part is a result file as `course autograde` writes it (grading itself is tested
elsewhere); everything after it runs for real: the gradebook, nbgrader's export and release_feedback."""
import csv
import json
import os
import subprocess
import sys

import pytest

from autograder import commands, gradebook, hidden_data
from autograder.autograde import submission_digest
from autograder.course import Course
from autograder.feedback import score_line
from autograder.pipeline import suite_version
from autograder.suite import suite_items
from conftest import hand_grade, submit_directly

A, B = "regularization", "activations"
STAMP = "2026-01-01 00:00:00.000000 UTC"
# ann submitted through the exchange (she has its secret), bob's came in an LMS zip
STUDENTS = {"ann": True, "bob": False}
COMMENT = "Right: the expected activation stays the same."


def _result(course, assignment, student, lost=()):
    """A result as `course autograde` writes it: full marks but for the items in `lost`."""
    points = suite_items(assignment)
    items = {item: {"cell": f"test_{item}", "score": 0.0 if item in lost else p, "max_score": p,
                    "tests": [{"passed": item not in lost, "hint": "",
                               "message": f"{item} gives the wrong result" if item in lost else ""}]}
             for item, p in points.items()}
    folder = course.path("submitted", student, assignment)
    return {"assignment": assignment, "student": student, "status": "graded", "reason": "", "items": items,
            "score": sum(e["score"] for e in items.values()), "max_score": sum(points.values()),
            "notes": [], "cells": [], "timestamp": STAMP, "submission_sha256": submission_digest(folder),
            "suite_version": suite_version(assignment, hidden_data.folder(course))}


def _course(*args):
    return subprocess.run([sys.executable, "-m", "autograder.cli", *args], capture_output=True, text=True)


@pytest.fixture(scope="module")
def course(tmp_path_factory):
    root = tmp_path_factory.mktemp("grades")
    course = Course(root / "course").init(exchange=root / "exchange")
    for assignment in (A, B):
        commands.release(course, assignment)
        release = course.path("release", assignment, f"{assignment}.ipynb").read_bytes()
        for student, via_exchange in STUDENTS.items():
            submit_directly(course, assignment, student, release, STAMP)
            if via_exchange:
                course.path("submitted", student, assignment, "submission_secret.txt").write_text(f"{student}-secret")
            lost = [next(iter(suite_items(assignment)))] if student == "bob" else []
            result = _result(course, assignment, student, lost)
            course.write_result(assignment, student, result)
            gradebook.record(course, result, STAMP)
    return course


def test_hand_grades_reach_the_autograde_summary_and_the_feedback(course):
    auto = sum(suite_items(A).values())
    manual = gradebook.hand_graded_cells(course, A)
    assert list(manual) == ["q_dropout_scaling", "q_early_stopping_l2", "q_mc_dropout"]   # notebook order
    full = auto + sum(manual.values())
    bob = json.loads(course.result_path(A, "bob").read_text())["score"]
    hand_grade(course, A, "ann", "q_dropout_scaling", 1.5, COMMENT)
    proc = _course("autograde", A, "--course", str(course.root))   # nothing changed: nothing regraded
    assert proc.returncode == 0, proc.stderr
    assert f"ann                  {auto:g} / {auto:g} autograded + 1.5 / 2 graded by hand; 3 more points wait " \
           f"for hand grading ({full:g} in all)" in proc.stdout, proc.stdout
    assert f"bob                  {bob:g} / {auto:g} autograded; 5 more points wait " \
           f"for hand grading ({full:g} in all)" in proc.stdout, proc.stdout

    commands.feedback(course, A)
    text = course.path("feedback", "ann", A, f"{A}.txt").read_text()
    assert f"q_dropout_scaling: 1.5 / 2\n    Comment: {COMMENT}" in text
    assert "q_early_stopping_l2: waiting for hand grading" in text
    assert COMMENT in course.path("feedback", "ann", A, f"{A}.html").read_text()
    assert "waiting for hand grading" in course.path("feedback", "bob", A, f"{A}.html").read_text()

    hand_grade(course, A, "ann", "q_early_stopping_l2", 2, "")
    hand_grade(course, A, "ann", "q_mc_dropout", 0, "MC dropout averages several stochastic passes.")
    hand = gradebook.hand_grades(course, A, ["ann"])["ann"]
    assert score_line(course.read_result(A, "ann"), hand) == \
        f"{auto:g} / {auto:g} autograded + 3.5 / 5 graded by hand = {auto + 3.5:g} / {full:g}"


def test_feedback_goes_back_the_way_each_submission_came(course):
    folders, exchange, upload = commands.feedback(course, B)
    assert len(folders) == 2 and exchange == ["ann"]
    assert sorted(os.listdir(upload)) == ["bob.html"]
    assert f"{B}: feedback for bob" in (upload / "bob.html").read_text()
    released = list((course.exchange / "deepnets" / "feedback").glob("*.html"))   # named by nbgrader's hash
    texts = [p.read_text() for p in released]
    assert any(f"{B}: feedback for ann" in t for t in texts)
    assert not any("feedback for bob" in t for t in texts)


def test_every_export_holds_every_assignment_with_the_hand_grades(course, tmp_path):
    hand_grade(course, B, "bob", "q_vanishing", 2, "Good.")
    totals = {(a, s): course.read_result(a, s)["score"] for a in (A, B) for s in STUDENTS}
    totals[A, "ann"] += 3.5      # the three hand grades of the first test
    totals[B, "bob"] += 2
    maxima = {a: sum(suite_items(a).values()) + sum(gradebook.hand_graded_cells(course, a).values()) for a in (A, B)}

    target, waiting = commands.export(course)
    assert waiting == 3          # bob's two (one answer graded of three) and ann's activations
    rows = list(csv.DictReader(target.open()))
    assert {(r["assignment"], r["student_id"]): float(r["score"]) for r in rows} == pytest.approx(totals)
    assert {r["assignment"]: float(r["max_score"]) for r in rows} == maxima

    target = tmp_path / "canvas.csv"
    proc = _course("export", B, A, "--format", "canvas", "--to", str(target), "--course", str(course.root))
    assert proc.returncode == 0, proc.stderr
    assert "3 submission(s) still wait for hand grading" in proc.stdout, proc.stdout
    header, points, *students = list(csv.reader(target.open()))
    assert header == ["Student", "ID", "SIS User ID", "SIS Login ID", "Section", B, A]
    assert points[0] == "Points Possible" and [float(p) for p in points[5:]] == [maxima[B], maxima[A]]
    got = {row[3]: [float(v) for v in row[5:]] for row in students}
    assert got == {s: pytest.approx([totals[B, s], totals[A, s]]) for s in STUDENTS}
