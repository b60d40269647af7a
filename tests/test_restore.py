"""Restoring a submission against its release: locked cells come back, metadata cannot be forged."""
import json

import nbformat
import pytest

from autograder.notebook import NotebookRejected, graded_code_cells, read_untrusted, restore


def _cell(source, kind="code", **nbgrader):
    cell = nbformat.v4.new_code_cell(source) if kind == "code" else nbformat.v4.new_markdown_cell(source)
    if nbgrader:
        cell.metadata["nbgrader"] = {"schema_version": 3, **nbgrader}
    return cell


def _release():
    nb = nbformat.v4.new_notebook()
    nb.cells = [
        _cell("import numpy as np", grade_id="setup", locked=True, solution=False, grade=False),
        _cell("def f(x):\n    raise NotImplementedError()", grade_id="f", solution=True, grade=False, locked=False),
        _cell("checks.check_f(f)", grade_id="test_f", grade=True, solution=False, locked=True, points=2),
        _cell("YOUR ANSWER HERE", "markdown", grade_id="q_why", grade=True, solution=True, locked=False, points=1),
    ]
    return nb


def _submission():
    nb = _release()
    nb.cells[1].source = "def f(x):\n    return x + 1"
    return nb


def test_locked_cells_are_restored_and_answers_kept():
    sub = _submission()
    sub.cells[0].source = "import numpy as np\nnp.allclose = lambda *a, **k: True"
    sub.cells[2].metadata["nbgrader"]["points"] = 100
    nb, notes = restore(sub, _release())
    assert nb.cells[0].source == "import numpy as np"
    assert nb.cells[2].metadata["nbgrader"]["points"] == 2
    assert nb.cells[1].source == "def f(x):\n    return x + 1"
    assert any("setup" in n and "restored" in n for n in notes)


def test_a_student_cell_cannot_pose_as_a_graded_cell():
    sub = _submission()
    sub.cells.append(_cell("pass", grade_id="test_f", grade=True, solution=False, locked=True, points=50))
    sub.cells.append(_cell("pass", grade_id="bonus", grade=True, solution=False, locked=True, points=50))
    nb, notes = restore(sub, _release())
    assert [c.metadata.get("nbgrader", {}).get("grade_id") for c in nb.cells] == ["setup", "f", "test_f", "q_why", None, None]
    assert any("appears twice" in n for n in notes)


def test_outputs_from_the_submission_are_dropped():
    sub = _submission()
    sub.cells[1].outputs = [nbformat.v4.new_output("stream", text="forged: all tests passed")]
    nb, _ = restore(sub, _release())
    assert all(c.get("outputs", []) == [] for c in nb.cells)


def test_a_notebook_of_another_assignment_is_rejected():
    other = nbformat.v4.new_notebook()
    other.cells = [_cell("def g(): pass", grade_id="g", solution=True, grade=False, locked=False)]
    with pytest.raises(NotebookRejected, match="another assignment"):
        restore(other, _release())


def test_missing_answer_cells_are_noted():
    sub = _submission()
    del sub.cells[1]
    _, notes = restore(sub, _release())
    assert "The answer cell 'f' is missing from the notebook." in notes


def test_the_grader_runs_neither_visible_checks_nor_experiments():
    nb = _release()
    exp = _cell("train_for_minutes()")
    exp.metadata["tags"] = ["experiment"]
    nb.cells.append(exp)
    assert [i for i, _ in graded_code_cells(nb)] == [0, 1]


@pytest.mark.parametrize("content, why", [
    (b"{not json", "invalid JSON at line 1"),
    ("{}".encode("utf-16"), "not UTF-8"),
    (b'{"cells": 3}', "not a valid Jupyter notebook"),
    (b"[1, 2]", "not a Jupyter notebook"),
    (json.dumps({"cells": [], "metadata": {}, "nbformat": 3, "nbformat_minor": 0}).encode(), "old format"),
])
def test_unreadable_files_are_rejected_with_a_reason(tmp_path, content, why):
    path = tmp_path / "a.ipynb"
    path.write_bytes(content)
    with pytest.raises(NotebookRejected, match=why):
        read_untrusted(path)


def test_an_oversized_notebook_is_rejected_before_it_is_read(tmp_path):
    path = tmp_path / "a.ipynb"
    with open(path, "wb") as f:
        f.truncate(25 * 2**20)
    with pytest.raises(NotebookRejected, match="over the 20 MB limit"):
        read_untrusted(path)
