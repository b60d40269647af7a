"""Helpers for checking in-process (no kernel) that an assignment's hidden suite grades right.

Used by tests/test_hidden_suites.py (the checks every assignment gets) and by the
tests/test_<assignment>_suite.py files (the checks only one assignment needs). Not a test module:
pytest does not collect it.

A namespace here is what a notebook defines after running: the reference answers (or one answer
replaced by a variant), np, and the notebook's provided cells. The suite reaches it through
LocalTransport, as it reaches a kernel through the sandbox.
"""
import functools
import importlib
import tempfile
import warnings
from pathlib import Path

import nbformat
import numpy as np

from autograder.boundary import LocalTransport, Student
from autograder.pipeline import item_score
from autograder.simulate import reference_files, variants
from autograder.suite import run_suite
from conftest import REPO


def demo_mistakes(assignment):
    """The names of the mutants the demo's `mistakes` student makes (its `attacker` the first)."""
    return importlib.import_module(f"autograder.suites.{assignment}.variants").DEMO_MISTAKES


def mutants(assignment):
    return [v for v in variants(assignment).all if v.kind == "mutant"]


def alternatives(assignment):
    return [v for v in variants(assignment).all if v.kind == "alternative"]


def hidden_module(assignment):
    """The hidden suite's module, the one pytest imports in run_suite."""
    return importlib.import_module(f"autograder.suites.{assignment}.test_{assignment}")


def hidden_tests(assignment, items=None):
    """The hidden suite's test functions: those graded for one of `items`, or all of them."""
    tests = []
    for name, fn in vars(hidden_module(assignment)).items():
        if not name.startswith("test_") or not callable(fn):
            continue
        marks = getattr(fn, "pytestmark", [])
        if items is None or any(m.name == "graded" and m.kwargs["item"] in items for m in marks):
            tests.append(fn)
    return tests


@functools.lru_cache(maxsize=None)
def notebook(assignment):
    """The assignment's source notebook (read once; do not change it)."""
    return nbformat.read(REPO / "assignments" / assignment / f"{assignment}.ipynb", as_version=4)


def points(assignment):
    """{item: points} of the notebook's grade cells (`test_<item>`): what the suite must give."""
    cells = [c for c in notebook(assignment).cells
             if c.cell_type == "code" and c.metadata.get("nbgrader", {}).get("grade")]
    return {c.metadata["nbgrader"]["grade_id"].removeprefix("test_"): c.metadata["nbgrader"]["points"]
            for c in cells}


def provided_cells(assignment):
    """{grade_id: source} of the notebook's provided cells (locked, grade_id `provided_*`)."""
    return {c.metadata["nbgrader"]["grade_id"]: c.source for c in notebook(assignment).cells
            if c.metadata.get("nbgrader", {}).get("grade_id", "").startswith("provided_")}


@functools.lru_cache(maxsize=None)
def _provided_code(assignment):
    return [compile(source, f"<{grade_id}>", "exec")
            for grade_id, source in provided_cells(assignment).items()]


def reference_namespace(assignment):
    """What a notebook with every reference answer defines: the references, np, and the notebook's
    provided cells (taken from the notebook itself), as in a student's kernel."""
    ref = importlib.import_module(f"solutions.{assignment}")
    namespace = {k: v for k, v in vars(ref).items() if not k.startswith("__")}
    namespace["np"] = np
    for code in _provided_code(assignment):
        exec(code, namespace)
    return namespace


def namespace_with(assignment, variant):
    """The reference notebook with one answer replaced by `variant`, pasted as notebook code."""
    namespace = reference_namespace(assignment)
    exec(compile(variant.source(), f"<{variant.name}>", "exec"), namespace)
    return namespace


class CountingTransport(LocalTransport):
    """LocalTransport that counts the calls, each of which would cost ~10-15 ms in the sandbox."""

    def __init__(self, namespace):
        super().__init__(namespace)
        self.calls = 0

    def request(self, message, what):
        self.calls += 1
        return super().request(message, what)


@functools.lru_cache(maxsize=None)
def reference_folder(assignment):
    """A folder holding the files a reference student submits beside the notebook (the capstone's
    trained model; made once per process), or None when the suite grades no file."""
    files = reference_files(assignment)
    if not files:
        return None
    folder = Path(tempfile.mkdtemp(prefix=f"{assignment}-reference-"))
    for name, data in files.items():
        (folder / name).write_bytes(data)
    return folder


def run(assignment, namespace, files=None):
    """(results, number of calls) of the hidden suite on `namespace`, with the submitted files in
    `files` (a folder; default: the reference's)."""
    transport = CountingTransport(namespace)
    with warnings.catch_warnings():
        # Some variants overflow on purpose; no hidden test looks at warnings (numpy's or Python's).
        warnings.simplefilter("ignore")
        return run_suite(assignment, transport, files=files or reference_folder(assignment)), transport.calls


def run_directly(assignment, namespace, items=None):
    """Call the hidden tests of `items` (all if None) on `namespace` as plain functions, not through
    run_suite: the first failure raises its GradingFailure (with the student's message) in the
    calling test, and module globals patched by that test (SEED_OFFSET, ...) apply."""
    student = Student(LocalTransport(namespace))
    for test in hidden_tests(assignment, items):
        test(student)


@functools.lru_cache(maxsize=None)
def results_for(assignment, name):
    """(results, calls) of the hidden suite for the reference (name None) or the variant `name`."""
    if name is None:
        return run(assignment, reference_namespace(assignment))
    variant = next(v for v in variants(assignment).all if v.name == name)
    return run(assignment, namespace_with(assignment, variant))


def points_by_item(assignment, results):
    """Points per item, as the pipeline scores them (all or nothing, or a test's fraction)."""
    items = {r.item for r in results}
    return {i: item_score(points(assignment)[i], [r.as_dict() for r in results if r.item == i])
            for i in items}


def describe_failures(results):
    return "\n".join(f"{r.test} [{r.kind}]: {r.message} | hint: {r.hint}"
                     for r in results if not r.passed)
