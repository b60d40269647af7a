"""`course autograde A --watch`: a submission that arrives through the exchange while it runs gets
its result and feedback within a minute; a bad one does not stop it; Ctrl-C stops it; started
again, it grades nothing twice."""
import signal
import subprocess
import sys
import time

import nbformat

from autograder import commands, demo
from autograder.course import Course
from autograder.simulate import fill, reference_sources

A = "regularization"
WITHIN = 60   # seconds from `nbgrader submit` to feedback a student can fetch


def _start(course, log):
    return subprocess.Popen([sys.executable, "-m", "autograder.cli", "autograde", A, "--watch", "--interval", "1",
                             "--workers", "2", "--course", str(course.root)],
                            stdout=log.open("a"), stderr=subprocess.STDOUT, start_new_session=True)


def _wait_for(condition, seconds, proc):
    deadline = time.monotonic() + seconds
    while not condition():
        assert proc.poll() is None, "the watcher stopped"
        assert time.monotonic() < deadline, f"not within {seconds} s"
        time.sleep(0.2)


def _stop(proc):
    proc.send_signal(signal.SIGINT)                   # what Ctrl-C sends
    assert proc.wait(timeout=60) == 0


def test_a_submission_arriving_while_watching_gets_its_result_and_feedback(tmp_path):
    course = Course(tmp_path / "course").init(exchange=tmp_path / "exchange")
    commands.release(course, A)
    release_nb = course.release_notebooks(A)[f"{A}.ipynb"]
    log = tmp_path / "watch.log"
    proc = _start(course, log)
    try:
        _wait_for(lambda: "up to date: 0 submission(s)" in log.read_text(), 60, proc)
        demo.submit(course, A, "mixup", _corrupt())
        demo.submit(course, A, "walk-in", fill(release_nb, reference_sources(A), answer="My answer."))
        submitted = time.monotonic()
        _wait_for(lambda: course.result_path(A, "walk-in").exists(), WITHIN, proc)
        fetched = course.path("students", "walk-in")
        _wait_for(lambda: _fetch_feedback(course, fetched), WITHIN - (time.monotonic() - submitted), proc)
        _stop(proc)
    finally:
        proc.kill()
        proc.wait()
    walk_in, mixup = course.read_result(A, "walk-in"), course.read_result(A, "mixup")
    assert walk_in["status"] == "graded" and walk_in["score"] == walk_in["max_score"] > 0
    assert mixup["status"] == "rejected" and mixup["reason"]
    html = fetched / A / "feedback" / walk_in["timestamp"] / f"{A}.html"   # under the submission's time
    assert f"Score: {walk_in['score']:g} / {walk_in['max_score']:g}" in html.read_text()
    assert "stopped watching" in log.read_text()

    graded = {s: course.result_path(A, s).read_bytes() for s in ("walk-in", "mixup")}
    again = _start(course, log)
    try:
        _wait_for(lambda: log.read_text().count("up to date: 2 submission(s)") == 1, 60, again)
        _stop(again)
    finally:
        again.kill()
        again.wait()
    assert {s: course.result_path(A, s).read_bytes() for s in graded} == graded   # nothing graded twice


def _corrupt():
    """A notebook Jupyter cannot open (a cell of no known type): rejected, with a reason."""
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("x = 1")])
    nb.cells[0]["cell_type"] = "spreadsheet"
    return nb


def _fetch_feedback(course, home):
    """What the student runs: whether `nbgrader fetch_feedback` brought their feedback."""
    course.nbgrader("fetch_feedback", A, "--student=walk-in", "--course", "deepnets",
                    f"--Exchange.root={course.exchange}", "--Exchange.path_includes_course=False", cwd=home, check=False)
    stamp = course.path("submitted", "walk-in", A, "timestamp.txt")
    return stamp.is_file() and (home / A / "feedback" / stamp.read_text().strip() / f"{A}.html").is_file()
