"""Every known mutant fails its item, with its hint, and every known-correct alternative passes:
each submitted as a notebook and graded in one batch by the real sandboxed pipeline."""
import pytest

from autograder import commands
from autograder.simulate import fill, student_sources, variants
from conftest import assignments, submit_directly

CASES = [(a, v) for a in assignments() for v in variants(a).all]


_GRADED = {}


def graded(released, assignment):
    """All of an assignment's variants, submitted and graded in one batch (once per run)."""
    course, releases = released
    if assignment not in _GRADED:
        releases[assignment]
        release_nb = course.release_notebooks(assignment)[f"{assignment}.ipynb"]
        for v in variants(assignment).all:
            submit_directly(course, assignment, f"{v.kind}-{v.name}",
                            fill(release_nb, student_sources(assignment, [v.name])))
        _GRADED[assignment] = commands.autograde(course, assignment, workers=2, progress=False)
    return _GRADED[assignment]


@pytest.mark.parametrize("assignment, variant", CASES, ids=[f"{a}:{v.kind}:{v.name}" for a, v in CASES])
def test_variant_is_graded_as_it_should_be(released, assignment, variant):
    r = graded(released, assignment)[f"{variant.kind}-{variant.name}"]
    assert r["status"] == "graded"
    for item, entry in r["items"].items():
        if item == variant.target and variant.kind == "mutant":
            assert entry["score"] == 0, "the suite passed a known-wrong version"
            shown = [t["message"] + " " + t["hint"] for t in entry["tests"] if not t["passed"]]
            assert any(variant.hint in s for s in shown), f"hint missing; feedback was {shown}"
        else:
            assert entry["score"] == entry["max_score"], (item, [t["message"] for t in entry["tests"] if not t["passed"]])
