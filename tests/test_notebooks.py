"""Source notebooks: reviewable in git, well-formed for nbgrader, and runnable top to bottom."""
import time

import nbformat
import pytest
from nbclient import NotebookClient

from conftest import REPO, assignments


def _read(assignment):
    return nbformat.read(REPO / "assignments" / assignment / f"{assignment}.ipynb", as_version=4)


@pytest.mark.parametrize("assignment", assignments())
def test_outputs_are_stripped(assignment):
    nb = _read(assignment)
    nbformat.validate(nb)
    for cell in nb.cells:
        if cell.cell_type == "code":
            assert cell.outputs == [] and cell.execution_count is None


@pytest.mark.parametrize("assignment", assignments())
def test_every_graded_function_has_its_check_cell_right_after(assignment):
    cells = _read(assignment).cells
    for i, cell in enumerate(cells):
        meta = cell.metadata.get("nbgrader", {})
        if cell.cell_type == "code" and meta.get("solution"):
            nxt = cells[i + 1].metadata.get("nbgrader", {})
            assert nxt.get("grade_id") == f"test_{meta['grade_id']}" and nxt.get("locked") and nxt.get("points")


@pytest.mark.parametrize("assignment", assignments())
def test_solution_notebook_runs_top_to_bottom(assignment, report_time, tmp_path):
    # in a scratch folder: what a notebook writes (the capstone's model file) never lands in the
    # source folder, which a release copies
    nb = _read(assignment)
    start = time.monotonic()
    NotebookClient(nb, timeout=300, kernel_name="python3",
                   resources={"metadata": {"path": str(tmp_path)}}).execute()
    report_time(f"solution notebook {assignment} (top to bottom, experiments included)", time.monotonic() - start)
    for cell in nb.cells:
        assert not [o for o in cell.get("outputs", []) if o.output_type == "error"]
