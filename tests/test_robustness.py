"""One bad submission never stops the batch: each gets a result with a reason a student can read."""
import nbformat
import pytest

from autograder import commands
from autograder.sandbox import Policy
from autograder.simulate import fill, reference_sources
from conftest import submit_directly

BAD = {
    "raises": ("raise RuntimeError('my notebook breaks here')", "RuntimeError"),
    "loops": ("while True:\n    pass", "timeout"),
    "exits": ("import os\nos._exit(3)", "dead"),
}


@pytest.fixture(scope="module")
def batch(released):
    # The engine's behaviour, not an assignment's: one assignment shows it (the adversarial
    # corpus covers many more ways to break a notebook).
    course, releases = released
    assignment = "regularization"
    releases[assignment]
    release_nb = course.release_notebooks(assignment)[f"{assignment}.ipynb"]
    good = fill(release_nb, reference_sources(assignment))
    submit_directly(course, assignment, "good-before", good)
    for student, (code, _) in BAD.items():
        # the bad cell comes after the graded functions are defined: they must still be graded
        nb = fill(release_nb, reference_sources(assignment))
        nb.cells.append(nbformat.v4.new_code_cell(code))
        submit_directly(course, assignment, student, nb)
    submit_directly(course, assignment, "corrupt", b'{"cells": [ this is not json')
    # correct code that prints warnings, to stderr and from numpy, while it is being graded
    noisy = fill(release_nb, reference_sources(assignment), first_cells=[
        "import numpy as np, sys, warnings\n"
        "np.seterr(all='warn')\n"
        "def _noise(*args, **kwargs):\n"
        "    warnings.warn('this is only a warning')\n"
        "    print('debug output', file=sys.stderr)\n"
        "    np.log(np.zeros(1))\n"
        "get_ipython().events.register('pre_run_cell', _noise)"])
    submit_directly(course, assignment, "warns", noisy)
    submit_directly(course, assignment, "good-after", good)
    results = commands.autograde(course, assignment, workers=2, progress=False,
                                 policy=Policy(cell_timeout=10, call_timeout=10))
    return course, assignment, results


def test_every_submission_has_a_result(batch):
    course, assignment, results = batch
    assert {"good-before", "good-after", "warns", "corrupt", *BAD} <= set(results)
    for student in results:
        assert course.result_path(assignment, student).is_file()


def test_good_submissions_are_unaffected(batch):
    _, _, results = batch
    for student in ("good-before", "good-after", "warns"):
        assert results[student]["score"] == results[student]["max_score"] > 0


@pytest.mark.parametrize("student", sorted(BAD))
def test_a_broken_cell_is_reported_and_the_functions_are_still_graded(batch, student):
    _, _, results = batch
    r = results[student]
    assert r["status"] == "graded" and r["score"] == r["max_score"]
    (cell,) = r["cells"]
    assert BAD[student][1] in (cell["status"], cell["error"].split(":")[0])


def test_a_corrupt_notebook_gets_a_reason(batch):
    _, _, results = batch
    r = results["corrupt"]
    assert r["status"] == "rejected" and "invalid JSON" in r["reason"] and r["score"] == 0


def test_regrading_is_idempotent_and_does_no_work_twice(batch):
    course, assignment, results = batch
    again = commands.autograde(course, assignment, workers=2, progress=False)
    assert again == results
