"""Restore and validate a submitted notebook against the released one, before anything runs.

- The file must be a readable Jupyter notebook (size, UTF-8, JSON, nbformat schema).
- Locked cells (instructions, provided code, visible checks) get back their released source and
  metadata, wherever the student put them; a student cannot edit what the instructor locked.
- Solution cells keep the student's source, with the released metadata (grade_id, points).
- Any other cell is the student's own; nbgrader metadata on it is dropped, so it cannot pose as a
  graded cell. A grade_id seen twice counts only the first time.
- A notebook whose graded cells belong to none of this assignment's is refused.

Outputs are never kept from a submission: what the formgrader shows comes from our own run.
"""
import copy
import json

import nbformat

MAX_NOTEBOOK_BYTES = 20 * 2**20
EXPERIMENT_TAG = "experiment"


class NotebookRejected(Exception):
    """The submission cannot be graded; the message says why, for the student."""


def read_untrusted(path):
    """Parse a submitted file into a NotebookNode, or raise NotebookRejected with a reason."""
    size = path.stat().st_size
    if size > MAX_NOTEBOOK_BYTES:
        raise NotebookRejected(f"the notebook is {size / 2**20:.0f} MB, over the "
                               f"{MAX_NOTEBOOK_BYTES // 2**20} MB limit (large outputs? clear them and resubmit)")
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise NotebookRejected(f"the notebook is not UTF-8 text (byte {exc.start} is not valid)") from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise NotebookRejected(f"the notebook is corrupt: invalid JSON at line {exc.lineno}, "
                               f"column {exc.colno} ({exc.msg})") from None
    except RecursionError:
        raise NotebookRejected("the notebook is corrupt: JSON nested too deeply") from None
    if not isinstance(data, dict) or "cells" not in data:
        raise NotebookRejected("the file is not a Jupyter notebook (no cells)")
    if type(data.get("nbformat")) is not int:
        raise NotebookRejected("the file is not a valid Jupyter notebook (no format version)")
    if data["nbformat"] < 4:
        raise NotebookRejected("the notebook uses an old format (nbformat < 4); save it again in Jupyter")
    try:
        nb = nbformat.reads(text, as_version=4)   # also joins multi-line sources into strings
        nbformat.validate(nb)
    except Exception as exc:
        raise NotebookRejected(f"the file is not a valid Jupyter notebook ({type(exc).__name__})") from None
    return nb


def _nbgrader(cell):
    meta = cell.get("metadata", {}).get("nbgrader", {})
    return meta if isinstance(meta, dict) and isinstance(meta.get("grade_id"), str) else None


def restore(submission, release):
    """The notebook to grade: the submission with the release's locked cells and metadata.

    Returns (notebook, notes) where notes are sentences for the student's feedback.
    """
    released = {m["grade_id"]: c for c in release.cells if (m := _nbgrader(c))}
    solution_ids = {g for g, c in released.items() if c.metadata["nbgrader"].get("solution")}
    submitted_ids = {m["grade_id"] for c in submission.cells if (m := _nbgrader(c))}
    if submitted_ids and not submitted_ids & set(released):
        raise NotebookRejected("this notebook belongs to another assignment: none of its graded "
                               "cells are cells of this one")
    notes, seen, cells = [], set(), []
    for cell in submission.cells:
        meta = _nbgrader(cell)
        gid = meta["grade_id"] if meta else None
        if gid in released and gid not in seen:
            seen.add(gid)
            ref = released[gid]
            new = copy.deepcopy(ref) if not ref.metadata["nbgrader"].get("solution") else _student_cell(cell, ref)
            if new.source != cell.source and new is not cell and not ref.metadata["nbgrader"].get("solution"):
                notes.append(f"The locked cell '{gid}' was edited; the original was restored.")
            cells.append(new)
        else:
            if gid in seen:
                notes.append(f"The cell '{gid}' appears twice; only the first one is graded.")
            plain = copy.deepcopy(cell)
            plain.metadata.pop("nbgrader", None)
            cells.append(plain)
    for gid in sorted(solution_ids - seen):
        notes.append(f"The answer cell '{gid}' is missing from the notebook.")
    nb = copy.deepcopy(release)
    nb.cells = [_no_outputs(c) for c in cells]
    return nb, notes


def _student_cell(cell, ref):
    new = copy.deepcopy(ref)
    new.source = cell.source if ref.cell_type == cell.cell_type else ref.source
    return new


def _no_outputs(cell):
    if cell.cell_type == "code":
        cell.outputs, cell.execution_count = [], None
    cell.pop("attachments", None)
    return cell


def graded_code_cells(nb):
    """(index, cell) of the code cells the grader runs: not experiments, not visible checks."""
    for i, cell in enumerate(nb.cells):
        if cell.cell_type != "code" or EXPERIMENT_TAG in cell.metadata.get("tags", []):
            continue
        meta = _nbgrader(cell)
        if meta and meta.get("grade") and not meta.get("solution"):
            continue  # a visible-checks cell: for the student, never for the grade
        yield i, cell


def hand_graded_cells(nb):
    """{grade id: points} of the cells graded by hand (free-response answers: solution and grade
    cells), in notebook order."""
    return {m["grade_id"]: float(m.get("points", 0)) for c in nb.cells
            if (m := c.metadata.get("nbgrader", {})).get("grade") and m.get("solution")}


def locked_code_cells(nb):
    """The locked code cells the grader runs again after the notebook (provided helpers).

    A student cell may rebind a provided helper that the hidden suite calls (a program
    evaluator, a checker's driver); running these cells last restores the instructor's code.
    """
    for i, cell in graded_code_cells(nb):
        meta = _nbgrader(cell)
        if meta and meta.get("locked") and not meta.get("solution"):
            yield i, cell
