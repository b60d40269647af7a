"""Every assignment's hidden suite grades right (in-process, no kernel): the checks that are the
same for every assignment.

- the reference passes every hidden test and gets every item's points;
- the points per item are those of the notebook's grade cells, and add up to the total;
- every item called through the interface has mutants and alternatives, and the demo's mistakes are mutants of three items;
- every known mutant fails a test of its own item, with its hint in the feedback, and costs no
  other item any points;
- every known alternative passes every test;
- the reference run stays within its budget of calls into the sandbox.
What only one assignment needs (PyTorch cross-checks, finite differences, false-failure checks,
visible checks, ...) is in tests/test_<assignment>_suite.py; the helpers are in
tests/hidden_suite.py.
"""
import pytest

from autograder.diagnosis import MISTAKES
from autograder.suite import submitted_files, suite_items
from conftest import assignments
from hidden_suite import (alternatives, demo_mistakes, describe_failures, mutants, namespace_with,
                          points, points_by_item, results_for, run, variants)

TOTALS = {"activations": 27, "backprop": 24, "initialization": 15, "normalization": 17,
          "regularization": 14, "optimization": 21,
          "capstone": 14}
# Each call into a sandboxed kernel costs ~10-15 ms: these keep a whole submission near 2 s.
CALL_BUDGETS = {"activations": 160, "backprop": 150, "initialization": 100, "normalization": 80,
                "regularization": 150, "optimization": 50,
                "capstone": 40}

MUTANTS = [pytest.param(a, v, id=f"{a}:{v.name}") for a in assignments() for v in mutants(a)]
ALTERNATIVES = [pytest.param(a, v, id=f"{a}:{v.name}")
                for a in assignments() for v in alternatives(a)]


@pytest.mark.parametrize("assignment", assignments())
def test_reference_passes_every_hidden_test(assignment):
    results, _ = results_for(assignment, None)
    assert results and all(r.passed for r in results), describe_failures(results)
    assert points_by_item(assignment, results) == points(assignment)


@pytest.mark.parametrize("assignment", assignments())
def test_points_per_item(assignment):
    assert suite_items(assignment) == points(assignment)
    assert sum(points(assignment).values()) == TOTALS[assignment]


@pytest.mark.parametrize("assignment", assignments())
def test_every_item_has_mutants_and_alternatives(assignment):
    # an item graded from a submitted file (the capstone's model) has no code to mutate: its
    # wrong files are tested in tests/test_<assignment>_suite.py
    V = variants(assignment)
    called = set(points(assignment)) - set(submitted_files(assignment))
    for item in called:
        assert len(V.mutants_of(item)) >= 3, item
        assert len(V.alternatives_of(item)) >= 1, item
    assert {v.target for v in V.all} == called
    names = [v.name for v in V.all]
    assert len(names) == len(set(names))


@pytest.mark.parametrize("assignment", assignments())
def test_demo_mistakes_are_three_mutants_of_three_items(assignment):
    # every assignment needs them: `course demo` (and tests/test_lifecycle.py) submit them
    by_name = {v.name: v for v in variants(assignment).all}
    mistakes = demo_mistakes(assignment)
    assert set(mistakes) <= set(by_name), set(mistakes) - set(by_name)
    assert len(mistakes) == 3 and all(by_name[m].kind == "mutant" for m in mistakes)
    assert len({by_name[m].target for m in mistakes}) == 3


@pytest.mark.parametrize("assignment", assignments())
def test_the_reference_run_stays_within_the_call_budget(assignment):
    results, calls = results_for(assignment, None)
    assert results and all(r.passed for r in results), describe_failures(results)
    assert calls <= CALL_BUDGETS[assignment], f"the suite makes {calls} calls into the sandbox"


@pytest.mark.parametrize("assignment,mutant", MUTANTS)
def test_mutant_is_caught_with_its_hint(assignment, mutant):
    results, _ = results_for(assignment, mutant.name)
    own = [r for r in results if r.item == mutant.target]
    assert any(not r.passed for r in own), f"{mutant.name} passed every test of {mutant.target}"
    # its own hint, or the general one of the kind of mistake it makes (an input changed in place
    # is caught, with its hint, before any value is compared)
    named = [mutant.hint] + ([MISTAKES[mutant.mistake]] if mutant.mistake else [])
    assert any(h in r.hint or h in r.message for r in own if not r.passed for h in named), \
        f"{mutant.name}'s hint is not in the feedback:\n{describe_failures(own)}"
    others = [r for r in results if r.item != mutant.target]
    assert all(r.passed for r in others), \
        f"{mutant.name} cost points elsewhere:\n{describe_failures(others)}"


@pytest.mark.parametrize("assignment,alternative", ALTERNATIVES)
def test_alternative_passes_every_test(assignment, alternative):
    results, _ = results_for(assignment, alternative.name)
    assert all(r.passed for r in results), describe_failures(results)


def _named(mutant, results):
    """Whether a failed test of the mutant's item shows its own hint or its kind's general one."""
    named = [mutant.hint] + ([MISTAKES[mutant.mistake]] if mutant.mistake else [])
    return any(h in r.hint or h in r.message for r in results
               if r.item == mutant.target and not r.passed for h in named)


@pytest.mark.parametrize("assignment,mutant", [p for p in MUTANTS if p.values[1].mistake])
def test_general_diagnosis_alone_names_a_labelled_mistake(assignment, mutant):
    # with no known mutant to match, the words come from diagnosis.py (or the engine's contract
    # checks): the same mistake written another way gets them too
    V = variants(assignment)
    V.mutants_of = lambda target: []
    try:
        results = run(assignment, namespace_with(assignment, mutant))[0]
    finally:
        del V.mutants_of
    lead = MISTAKES[mutant.mistake]
    assert any(lead in r.hint or lead in r.message for r in results
               if r.item == mutant.target and not r.passed), describe_failures(results)


@pytest.mark.parametrize("assignment", assignments())
def test_report_mutants_and_their_hints(assignment, report_figure):
    ms = mutants(assignment)
    named = sum(_named(m, results_for(assignment, m.name)[0]) for m in ms)
    labelled = sum(bool(m.mistake) for m in ms)
    report_figure(assignment, f"{len(ms)} mutants, {named} failed with a hint naming their mistake; "
                              f"{labelled} labelled with a kind the general diagnosis names alone; "
                              f"{len(alternatives(assignment))} alternatives")
    assert named == len(ms)
