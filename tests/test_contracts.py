"""The contract every graded call has is checked by the engine, for every item of every assignment,
with no code in the suites: each check fails an answer that breaks it, with its hint.

Each answer below is the reference, right in every value, with one contract broken around it:
- in place: after computing, it changes one of the arrays it was given;
- dtype: it returns its float64 arrays as float32 (right to 7 digits);
- global RNG: it draws from numpy's global random state before computing;
- not reproducible: it ignores the generator it is given and makes a new one from fresh entropy.
An item to which a contract does not apply (no array argument, no float result, no `rng`) is
checked to have been spared: the broken answer then changed nothing. Alternatives, which keep
every contract, pass every test (tests/test_hidden_suites.py).
"""
import inspect
import importlib

import numpy as np
import pytest

from autograder.diagnosis import MISTAKES
from conftest import assignments
from hidden_suite import describe_failures, points, reference_namespace, run


def _functions(assignment):
    """The graded items that are functions (classes are reached through their methods)."""
    ref = importlib.import_module(f"solutions.{assignment}")
    return [item for item in points(assignment) if inspect.isfunction(getattr(ref, item, None))]


CASES = [(a, f) for a in assignments() for f in _functions(a)]


def _first_array(values):
    for v in values:
        if isinstance(v, np.ndarray) and v.size:
            return v
        if isinstance(v, (list, tuple)):
            found = _first_array(v)
            if found is not None:
                return found
        if isinstance(v, dict):
            found = _first_array(v.values())
            if found is not None:
                return found
    return None


def _float32(value):
    if isinstance(value, np.ndarray) and value.dtype == np.float64:
        return value.astype(np.float32)
    if isinstance(value, (list, tuple)):
        return type(value)(_float32(v) for v in value)
    if isinstance(value, dict):
        return {k: _float32(v) for k, v in value.items()}
    return value


def in_place(reference, touched):
    def answer(*args, **kwargs):
        out = reference(*args, **kwargs)
        a = _first_array([*args, *kwargs.values()])
        if a is not None:
            touched.append(True)
            a.flat[0] = not a.flat[0] if a.dtype == bool else a.flat[0] + 1
        return out
    return answer


def float32(reference, touched):
    def answer(*args, **kwargs):
        out = reference(*args, **kwargs)
        if _first_array([out]) is not None and _first_array([out]).dtype == np.float64:
            touched.append(True)
        return _float32(out)
    return answer


def global_rng(reference, touched):
    def answer(*args, **kwargs):
        touched.append(True)
        np.random.random()
        return reference(*args, **kwargs)
    return answer


def fresh_generator(reference, touched):
    names = list(inspect.signature(reference).parameters)

    def answer(*args, **kwargs):
        args = [np.random.default_rng() if isinstance(a, np.random.Generator) else a for a in args]
        kwargs = {k: np.random.default_rng() if isinstance(v, np.random.Generator) else v
                  for k, v in kwargs.items()}
        touched.append(True)
        return reference(*args, **kwargs)
    return answer if "rng" in names else None


BREAKS = {"in-place": in_place, "dtype": float32, "global-rng": global_rng,
          "not-reproducible": fresh_generator}


@pytest.mark.parametrize("mistake", list(BREAKS))
@pytest.mark.parametrize("assignment,item", [pytest.param(a, f, id=f"{a}:{f}") for a, f in CASES])
def test_a_broken_contract_fails_its_item_with_its_hint(assignment, item, mistake):
    namespace = reference_namespace(assignment)
    touched = []
    answer = BREAKS[mistake](namespace[item], touched)
    if answer is None:
        pytest.skip(f"{item} takes no generator")
    namespace[item] = answer
    results, _ = run(assignment, namespace)
    own = [r for r in results if r.item == item]
    others = [r for r in results if r.item != item]
    assert all(r.passed for r in others), describe_failures(others)
    if not touched:   # the contract does not apply here: the answer was the reference's
        assert all(r.passed for r in own), describe_failures(own)
        return
    failed = [r for r in own if not r.passed]
    assert failed, f"{item} broke the {mistake} contract and passed every test"
    lead = MISTAKES[mistake]
    assert all(lead in r.hint or lead in r.message for r in failed), describe_failures(failed)
