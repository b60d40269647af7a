"""Source notebooks: reviewable in git, well-formed for nbgrader, and runnable top to bottom."""
import os
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


BLAS_THREADS = ("import threadpoolctl\n"
                "print([i['num_threads'] for i in threadpoolctl.threadpool_info() if i['user_api'] == 'blas'])")


@pytest.mark.parametrize("assignment", assignments())
def test_solution_notebook_runs_top_to_bottom(assignment, report_time, tmp_path):
    # As in a student's own Jupyter: no thread variables in the kernel's environment (the library
    # pins one BLAS thread itself; the last cell, added here, says how many the kernel ended with).
    # In a scratch folder: what a notebook writes (the capstone's model file) never lands in the
    # source folder, which a release copies.
    nb = _read(assignment)
    nb.cells.append(nbformat.v4.new_code_cell(BLAS_THREADS))
    student_env = {k: v for k, v in os.environ.items() if not k.endswith("_NUM_THREADS")}
    start = time.monotonic()
    NotebookClient(nb, timeout=300, kernel_name="python3",
                   resources={"metadata": {"path": str(tmp_path)}}).execute(env=student_env)
    report_time(f"solution notebook {assignment} (top to bottom, experiments included, threads not "
                f"pinned by the environment)", time.monotonic() - start)
    for cell in nb.cells:
        assert not [o for o in cell.get("outputs", []) if o.output_type == "error"]
    assert nb.cells[-1].outputs[0].text.strip() == "[1]", nb.cells[-1].outputs
