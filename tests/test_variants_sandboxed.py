"""Every known mutant fails its item, with its hint, and every known-correct alternative passes:
submitted as notebooks and graded by the real sandboxed pipeline.

A mutant costs only its own item (tests/test_<assignment>_suite.py proves it for each one alone,
in-process), so notebook k carries the k-th mutant of every item at once: a handful of
submissions per assignment instead of one per variant.
"""
import pytest

from autograder import commands
from autograder.simulate import fill, reference_files, student_sources, variants
from conftest import assignments, submit_directly

CASES = [(a, v) for a in assignments() for v in variants(a).all]
_GRADED = {}


def batches(assignment):
    """{student name: [variant names]}: the k-th mutant (or alternative) of every item together."""
    out = {}
    for kind in ("mutant", "alternative"):
        by_item = {}
        for v in variants(assignment).all:
            if v.kind == kind:
                by_item.setdefault(v.target, []).append(v.name)
        for k in range(max(map(len, by_item.values()), default=0)):
            out[f"{kind}s-{k}"] = [names[k] for names in by_item.values() if k < len(names)]
    return out


def graded(released, assignment):
    """{variant name: result of the notebook that carried it} (graded once per run)."""
    course, releases = released
    if assignment not in _GRADED:
        releases[assignment]
        release_nb = course.release_notebooks(assignment)[f"{assignment}.ipynb"]
        groups = batches(assignment)
        for student, names in groups.items():
            submit_directly(course, assignment, f"variants-{student}",
                            fill(release_nb, student_sources(assignment, names)), files=reference_files(assignment))
        results = commands.autograde(course, assignment, [f"variants-{s}" for s in groups],
                                     workers=2, progress=False)
        _GRADED[assignment] = {name: results[f"variants-{s}"] for s, names in groups.items() for name in names}
    return _GRADED[assignment]


@pytest.mark.parametrize("assignment, variant", CASES, ids=[f"{a}:{v.kind}:{v.name}" for a, v in CASES])
def test_variant_is_graded_as_it_should_be(released, assignment, variant):
    r = graded(released, assignment)[variant.name]
    assert r["status"] == "graded", r["reason"]
    entry = r["items"][variant.target]
    if variant.kind == "mutant":
        assert entry["score"] == 0, "the suite passed a known-wrong version"
        shown = [t["message"] + " " + t["hint"] for t in entry["tests"] if not t["passed"]]
        assert any(variant.hint in s for s in shown), f"hint missing; feedback was {shown}"
    else:
        assert entry["score"] == entry["max_score"], [t["message"] for t in entry["tests"] if not t["passed"]]


@pytest.mark.parametrize("assignment", assignments())
def test_items_without_a_variant_keep_full_marks(released, assignment):
    mutated = {v.name: v.target for v in variants(assignment).all if v.kind == "mutant"}
    for names, r in _by_notebook(graded(released, assignment)):
        hit = {mutated[n] for n in names if n in mutated}
        for item, entry in r["items"].items():
            if item not in hit:
                assert entry["score"] == entry["max_score"], (names, item)


def _by_notebook(results):
    seen = {}
    for name, r in results.items():
        seen.setdefault(id(r), ([], r))[0].append(name)
    return seen.values()
