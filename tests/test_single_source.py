"""One source of truth: a notebook's solution cells are the reference code, and the hidden suite
grades exactly the notebook's graded items with the notebook's points."""
import ast

import nbformat
import pytest

from autograder.suite import suite_items
from conftest import REPO, assignments


def _solution_cells(assignment):
    nb = nbformat.read(REPO / "assignments" / assignment / f"{assignment}.ipynb", as_version=4)
    return {c.metadata["nbgrader"]["grade_id"]: c for c in nb.cells
            if c.cell_type == "code" and c.metadata.get("nbgrader", {}).get("solution")}, nb


def _reference(assignment):
    text = (REPO / "solutions" / f"{assignment}.py").read_text()
    return {n.name: n for n in ast.parse(text).body if isinstance(n, (ast.FunctionDef, ast.ClassDef))}


@pytest.mark.parametrize("assignment", assignments())
def test_solution_cells_are_the_reference(assignment):
    cells, _ = _solution_cells(assignment)
    reference = _reference(assignment)
    assert set(cells) == set(reference), "every reference function has one solution cell, and no more"
    for name, cell in cells.items():
        in_notebook = ast.parse(cell.source).body
        assert len(in_notebook) == 1, f"solution cell {name} must hold exactly one definition"
        assert ast.dump(in_notebook[0]) == ast.dump(reference[name]), \
            f"solution cell {name} has drifted from solutions/{assignment}.py"


@pytest.mark.parametrize("assignment", assignments())
def test_suite_grades_the_notebooks_items_with_its_points(assignment):
    cells, nb = _solution_cells(assignment)
    points = {c.metadata["nbgrader"]["grade_id"]: c.metadata["nbgrader"]["points"] for c in nb.cells
              if c.metadata.get("nbgrader", {}).get("grade") and c.cell_type == "code"}
    totals = suite_items(assignment)
    assert set(totals) == set(cells)
    assert points == {f"test_{item}": pytest.approx(p) for item, p in totals.items()}
