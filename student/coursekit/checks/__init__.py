"""Visible checks: one module per assignment, one `check_<item>(fn)` per graded item.

In a notebook:

    from coursekit.checks import regularization as checks
    checks.check_l2_penalty(l2_penalty)

A check prints one line when everything it tried passed, and raises an AssertionError that says
which input it used, what it expected and what came back when something did not. These checks are
here to help you: your grade comes from a separate, hidden set of tests, run outside your notebook.
Passing every visible check is a good sign, not a guarantee.
"""
