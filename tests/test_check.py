"""`course check NOTEBOOK`: a student's own run of the visible checks, headless."""
import subprocess
import sys

import nbformat
import pytest

from autograder.simulate import fill, reference_sources
from conftest import assignments


def _check(path):
    return subprocess.run([sys.executable, "-m", "autograder.cli", "check", str(path)],
                          capture_output=True, text=True, timeout=300)


def _notebooks(released, assignment, tmp_path):
    course, releases = released
    releases[assignment]
    release_nb = course.release_notebooks(assignment)[f"{assignment}.ipynb"]
    checks = [c for c in release_nb.cells if c.metadata.get("nbgrader", {}).get("grade")
              and not c.metadata["nbgrader"].get("solution")]
    done, blank = tmp_path / "done.ipynb", tmp_path / "blank.ipynb"
    nbformat.write(fill(release_nb, reference_sources(assignment)), done)
    nbformat.write(release_nb, blank)
    return done, blank, len(checks)


@pytest.mark.parametrize("assignment", assignments())
def test_check_passes_a_complete_notebook_and_leaves_it_unchanged(released, assignment, tmp_path):
    done, _, n = _notebooks(released, assignment, tmp_path)
    before = done.read_bytes()
    ok = _check(done)
    assert ok.returncode == 0, ok.stdout + ok.stderr
    assert f"{n} of {n} visible checks passed" in ok.stdout
    assert done.read_bytes() == before, "course check must not change the student's notebook"


def test_check_lists_every_failing_check_of_a_blank_notebook(released, tmp_path):
    _, blank, n = _notebooks(released, "regularization", tmp_path)
    bad = _check(blank)
    assert bad.returncode == 1
    assert f"0 of {n} visible checks passed" in bad.stdout
    assert bad.stdout.count("FAIL") == n and "NotImplementedError" in bad.stdout


def test_check_names_checks_as_the_notebook_does(released, tmp_path):
    _, blank, n = _notebooks(released, "regularization", tmp_path)
    out = _check(blank).stdout
    assert "FAIL  check_l2_penalty" in out and "FAIL  test_" not in out
    assert "not written yet" in out


def test_a_failed_visible_check_shows_its_message_alone():
    # what IPython prints for it: the message, hint first, and no frame of the check's own code
    import numpy as np

    from coursekit.checks._report import CheckFailed, Checker

    try:
        with Checker("check_f") as c:
            c.expect_close(np.array([2.0, 4.0]), np.array([1.0, 2.0]), "out", hint="Twice too big.")
    except CheckFailed as exc:
        shown = "\n".join(exc._render_traceback_())
    assert "check_f: Twice too big. out is wrong" in shown and "File" not in shown
