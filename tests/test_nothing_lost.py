"""Nothing a student submitted is lost, and no grade is written twice or overwritten:
collecting keeps the latest submission untouched, manual grades survive regrading, a batch killed
with SIGKILL resumes without regrading finished submissions, and late work is marked late."""
import hashlib
import json
import os
import signal
import subprocess
import sys
import time
import zipfile
from datetime import datetime, timedelta, timezone

import nbformat
import pytest
from nbgrader.api import Gradebook

from autograder import commands, isolation
from autograder.autograde import submission_digest
from conftest import REPO, results_without_timings, submit_directly

A = "regularization"


def _zip(path, entries):
    with zipfile.ZipFile(path, "w") as zf:
        for name, stamp, nb in entries:
            info = zipfile.ZipInfo(name, date_time=stamp)
            zf.writestr(info, nbformat.writes(nb))
    return path


def test_a_later_submission_is_never_replaced_by_an_earlier_one(released, notebooks, tmp_path):
    course, _ = released
    later, earlier = (2026, 3, 2, 12, 0, 0), (2026, 3, 1, 12, 0, 0)
    _zip(tmp_path / "lms1.zip", [("zed_1_regularization.ipynb", earlier, notebooks["wrong"]),
                                 ("zed_2_regularization.ipynb", later, notebooks["right"])])
    assert commands.collect(course, A, tmp_path / "lms1.zip") == ["zed"]
    kept = course.path("submitted", "zed", A, f"{A}.ipynb").read_bytes()
    assert kept == nbformat.writes(notebooks["right"]).encode()
    _zip(tmp_path / "lms2.zip", [("zed/regularization.ipynb", earlier, notebooks["wrong"])])
    assert commands.collect(course, A, tmp_path / "lms2.zip") == []
    assert course.path("submitted", "zed", A, f"{A}.ipynb").read_bytes() == kept
    assert "2026-03-02 12:00:00" in course.path("submitted", "zed", A, "timestamp.txt").read_text()


def test_grading_leaves_submissions_unmodified(released, notebooks):
    course, _ = released
    submit_directly(course, A, "untouched", notebooks["right"])
    folder = course.path("submitted", "untouched", A)
    before = submission_digest(folder), os.stat(folder / f"{A}.ipynb").st_mtime_ns
    commands.autograde(course, A, ["untouched"], progress=False)
    assert (submission_digest(folder), os.stat(folder / f"{A}.ipynb").st_mtime_ns) == before


def test_manual_grades_survive_regrading(released, notebooks):
    course, _ = released
    submit_directly(course, A, "handgraded", notebooks["right"])
    commands.autograde(course, A, ["handgraded"], progress=False)
    with Gradebook(course.gradebook_url) as gb:
        grades = {g.name: g for nb in gb.find_submission(A, "handgraded").notebooks for g in nb.grades}
        answer = next(n for n in grades if n.startswith("q_"))
        grades[answer].manual_score = 1.5
        grades["test_max_norm"].manual_score = 0.25      # an instructor's override of an autograded cell
        gb.db.commit()
    commands.autograde(course, A, ["handgraded"], force=True, progress=False)
    with Gradebook(course.gradebook_url) as gb:
        grades = {g.name: g for nb in gb.find_submission(A, "handgraded").notebooks for g in nb.grades}
        assert grades[answer].manual_score == 1.5
        assert grades["test_max_norm"].manual_score == 0.25 and grades["test_max_norm"].auto_score == 1
        assert grades["test_l2_penalty"].auto_score == 1


def test_late_submissions_are_marked_late(released, notebooks):
    course, _ = released
    due = datetime(2026, 2, 1, 12, 0, tzinfo=timezone.utc)
    with Gradebook(course.gradebook_url) as gb:
        gb.update_or_create_assignment(A, duedate=due.replace(tzinfo=None))
    late = (due + timedelta(hours=5)).strftime("%Y-%m-%d %H:%M:%S.%f UTC")
    submit_directly(course, A, "latecomer", notebooks["right"], stamp=late)
    commands.autograde(course, A, ["latecomer"], progress=False)
    with Gradebook(course.gradebook_url) as gb:
        assert gb.find_submission(A, "latecomer").total_seconds_late == pytest.approx(5 * 3600)
        assert gb.find_submission(A, "handgraded").total_seconds_late == 0


def test_a_batch_killed_mid_way_resumes_without_redoing_work(released, notebooks, tmp_path):
    course, _ = released
    students = [f"resume-{i}" for i in range(6)]
    for i, s in enumerate(students):
        submit_directly(course, A, s, notebooks["right" if i % 2 else "wrong"])
    cmd = [sys.executable, "-m", "autograder.cli", "autograde", A, "--course", str(course.root),
           "--workers", "1", *sum((["--student", s] for s in students), [])]
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    done = lambda: [s for s in students if course.result_path(A, s).exists()]  # noqa: E731
    deadline = time.monotonic() + 300
    while len(done()) < 2 and time.monotonic() < deadline and proc.poll() is None:
        time.sleep(0.05)
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()
    first = {s: course.result_path(A, s).read_bytes() for s in done()}
    assert 2 <= len(first) < len(students), "the kill must land mid-batch"
    for s in first:
        json.loads(first[s])                      # complete, never half-written

    again = subprocess.run(cmd, capture_output=True, text=True)
    assert again.returncode == 0, again.stderr
    assert {s: course.result_path(A, s).read_bytes() for s in first} == first   # not graded again
    assert isolation.orphans() == [], "kernels of the killed batch were not swept"

    # The same submissions graded in one uninterrupted run give identical results.
    fresh = tmp_path / "fresh"
    from autograder.course import Course
    other = Course(fresh).init(exchange=tmp_path / "fresh-exchange")
    commands.release(other, A)
    for s in students:
        folder = course.path("submitted", s, A)
        dest = other.path("submitted", s, A)
        dest.mkdir(parents=True)
        for f in folder.iterdir():
            (dest / f.name).write_bytes(f.read_bytes())
    commands.autograde(other, A, students, workers=2, progress=False)
    assert results_without_timings(course, A, students) == results_without_timings(other, A, students)
    with Gradebook(course.gradebook_url) as gb:
        assert sorted(s.student_id for s in gb.find_assignment(A).submissions if s.student_id in students) == students


def test_a_grader_failure_records_nothing_and_the_next_run_grades_it(released, notebooks, monkeypatch, capsys):
    from autograder import cli

    course, _ = released
    submit_directly(course, A, "unlucky", notebooks["right"])
    args = ["autograde", A, "--student", "unlucky", "--course", str(course.root)]
    monkeypatch.setenv("COURSE_SANDBOX_PYTHON", "/bin/false")   # no kernel can start
    assert cli.main(args) == 1
    assert "the grader failed on 1 submission(s) (unlucky)" in capsys.readouterr().err
    failed = course.read_result(A, "unlucky")
    assert failed["status"] == "error" and "could not start a kernel" in failed["reason"]
    assert not course.path("autograded", "unlucky", A).exists()
    with Gradebook(course.gradebook_url) as gb:
        assert "unlucky" not in [s.student.id for s in gb.assignment_submissions(A)]
    monkeypatch.delenv("COURSE_SANDBOX_PYTHON")
    assert cli.main(args) == 0
    graded = course.read_result(A, "unlucky")
    assert graded["status"] == "graded" and graded["score"] == graded["max_score"] > 0
