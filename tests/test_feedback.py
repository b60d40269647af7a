"""Feedback reads in the notebook's order, says each thing once, and names a result's parts."""
import numpy as np

from autograder.boundary import LocalTransport, Student
from autograder.feedback import render_html, render_text
from autograder.grading import GradingFailure, expect_reference
from autograder.suite import suite_items
from hidden_suite import reference_namespace
from solutions import normalization as ref


def _result(assignment):
    not_written = {"passed": False, "message": "f is not written yet (it raised NotImplementedError)",
                   "hint": ""}
    items = {item: {"cell": f"test_{item}", "score": 0.0, "max_score": p,
                    "tests": [dict(not_written), dict(not_written)]}
             for item, p in sorted(suite_items(assignment).items())}   # a result file sorts them
    return {"assignment": assignment, "student": "s", "status": "graded", "reason": "", "items": items,
            "score": 0.0, "max_score": sum(suite_items(assignment).values()), "notes": [], "cells": []}


def test_items_in_notebook_order_and_each_message_once():
    result = _result("regularization")
    text = render_text(result)
    order = list(suite_items("regularization"))
    positions = [text.index(f"\n{item}: ") for item in order]
    assert positions == sorted(positions)
    assert text.count("not written yet") == len(order)       # once per item, not once per test
    assert render_html(result).count("not written yet") == len(order)


def test_parts_of_a_tuple_are_named_as_the_docstring_names_them():
    def wrong_backward(dout, cache):
        dx, dgamma, dbeta = ref.batchnorm_backward(dout, cache)
        return dx, dgamma * 2, dbeta
    namespace = dict(reference_namespace("normalization"), batchnorm_backward=wrong_backward)
    g = np.random.default_rng(0)
    x, gamma, beta = g.normal(size=(6, 3)), g.normal(size=3), g.normal(size=3)
    _, _, _, cache = ref.batchnorm_forward(x, gamma, beta, np.zeros(3), np.ones(3))
    try:
        expect_reference(Student(LocalTransport(namespace)), "batchnorm_backward",
                         ref.batchnorm_backward, g.normal(size=(6, 3)), cache)
    except GradingFailure as exc:
        assert exc.message.startswith("dgamma in the result of batchnorm_backward"), exc.message
        assert "factor of 2" in exc.hint, exc.hint
    else:
        raise AssertionError("a wrong dgamma passed")
