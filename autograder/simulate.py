"""Simulated students: released notebooks filled in with chosen implementations.

Used by `course demo` and by the project's tests. A student is a mapping from graded item to the
source that goes into its solution cell: the reference, a mutant, an alternative, or nothing
(the cell keeps its release stub). Extra cells (an attack, say) can be put before everything.
"""
import ast
import contextlib
import copy
import functools
import importlib
import io
import tempfile
from pathlib import Path

import nbformat

from autograder.course import REPO
from autograder.notebook import EXPERIMENT_TAG
from autograder.suite import submitted_files


def reference_sources(assignment):
    """{item: source} of every top-level function and class in solutions/<assignment>.py."""
    text = (REPO / "solutions" / f"{assignment}.py").read_text()
    return {node.name: ast.get_source_segment(text, node) + "\n"
            for node in ast.parse(text).body if isinstance(node, (ast.FunctionDef, ast.ClassDef))}


def variants(assignment):
    """The assignment's Variants registry (autograder/suites/<assignment>/variants.py)."""
    return importlib.import_module(f"autograder.suites.{assignment}.variants").V


def variant_source(assignment, name):
    v = next(v for v in variants(assignment).all if v.name == name)
    return v.target, v.source()


def fill(release_nb, sources, first_cells=(), answer=None):
    """A copy of `release_nb` with solution cells replaced by `sources` ({grade_id: code}), and
    every free-response answer cell by `answer` (if given)."""
    nb = copy.deepcopy(release_nb)
    for cell in nb.cells:
        meta = cell.metadata.get("nbgrader", {})
        gid = meta.get("grade_id")
        if meta.get("solution") and cell.cell_type == "code" and gid in sources:
            cell.source = sources[gid]
        elif meta.get("solution") and cell.cell_type == "markdown" and answer is not None:
            cell.source = answer
    nb.cells[0:0] = [nbformat.v4.new_code_cell(src) for src in first_cells]
    return nb


def student_sources(assignment, implementation):
    """Sources for one simulated student: the reference, with named variants swapped in."""
    sources = reference_sources(assignment)
    for name in implementation:
        target, src = variant_source(assignment, name)
        sources[target] = src
    return sources


@functools.lru_cache(maxsize=None)
def reference_run(assignment):
    """(namespace, {file name: bytes}) of the source notebook run with the reference answers,
    experiments skipped, in a scratch folder: the names it defines, and the files it wrote that
    the suite grades (its SUBMITTED_FILES; the capstone's check cell trains and saves the model)."""
    nb = nbformat.read(REPO / "assignments" / assignment / f"{assignment}.ipynb", as_version=4)
    sources = reference_sources(assignment)
    namespace = {"__name__": "__main__"}
    with tempfile.TemporaryDirectory() as tmp, contextlib.chdir(tmp), \
            contextlib.redirect_stdout(io.StringIO()):
        for cell in nb.cells:
            if cell.cell_type != "code" or EXPERIMENT_TAG in cell.metadata.get("tags", []):
                continue
            gid = cell.metadata.get("nbgrader", {}).get("grade_id")
            exec(compile(sources.get(gid, cell.source), f"<{gid or 'cell'}>", "exec"), namespace)
        names = sorted(set(submitted_files(assignment).values()))
        return namespace, {name: (Path(tmp) / name).read_bytes() for name in names}


def reference_files(assignment):
    """{file name: bytes} a reference student submits beside the notebook ({} for most)."""
    return reference_run(assignment)[1] if submitted_files(assignment) else {}
