"""A release holds no solution line, no hidden test and no hidden data: for every assignment."""
import shutil

import nbformat
import pytest

from autograder import commands, release_guard
from autograder.course import STUDENT_LIBRARY, CourseError
from conftest import REPO, assignments


@pytest.mark.parametrize("assignment", assignments())
def test_release_is_clean(released, assignment):
    course, dirs = released
    release_dir = dirs[assignment]
    source_nb = REPO / "assignments" / assignment / f"{assignment}.ipynb"
    assert release_guard.problems(release_dir, assignment, source_nb) == []
    assert release_guard.solution_lines(assignment, source_nb), "the guard must have lines to look for"
    nb = nbformat.read(release_dir / f"{assignment}.ipynb", as_version=4)
    for cell in nb.cells:
        meta = cell.metadata.get("nbgrader", {})
        if meta.get("solution") and cell.cell_type == "code":
            assert "raise NotImplementedError()" in cell.source
        assert "BEGIN SOLUTION" not in cell.source and "HIDDEN" not in cell.source
    hidden = {p.read_bytes() for p in (REPO / "data" / "hidden").rglob("*") if p.is_file()}
    assert all(p.read_bytes() not in hidden for p in release_dir.rglob("*") if p.is_file())
    assert (course.exchange.joinpath("deepnets", "outbound", assignment) / f"{assignment}.ipynb").is_file()


@pytest.mark.parametrize("assignment", assignments())
def test_the_guard_catches_planted_leaks(released, assignment, tmp_path):
    _, dirs = released
    source_nb = REPO / "assignments" / assignment / f"{assignment}.ipynb"
    leak = tmp_path / "leaky"
    shutil.copytree(dirs[assignment], leak)
    nb = nbformat.read(leak / f"{assignment}.ipynb", as_version=4)
    nb.cells.append(nbformat.v4.new_code_cell(sorted(release_guard.solution_lines(assignment, source_nb))[0]))
    nbformat.write(nb, leak / f"{assignment}.ipynb")
    shutil.copy(next((REPO / "data" / "hidden").glob("*")), leak / "extra.npz")
    suite_line = sorted(release_guard.suite_lines(assignment, source_nb))[0]
    (leak / "notes.py").write_text(suite_line + "\n")
    found = " | ".join(release_guard.problems(leak, assignment, source_nb))
    assert "line of the reference solution" in found
    assert "hidden data file" in found
    assert "line of the hidden suite" in found


def test_release_of_an_unknown_assignment_is_refused(released):
    course, _ = released
    with pytest.raises(CourseError, match="unknown assignment 'nope'"):
        commands.release(course, "nope")


@pytest.mark.parametrize("assignment", [a for a in assignments() if release_guard.later_assignments_secrets(a)])
def test_a_release_never_answers_a_later_assignment(released, assignment, tmp_path):
    later = release_guard.later_assignments_secrets(assignment)
    _, dirs = released
    leak = tmp_path / "leaky"
    shutil.copytree(dirs[assignment], leak)
    nb = nbformat.read(leak / f"{assignment}.ipynb", as_version=4)
    nb.cells.append(nbformat.v4.new_code_cell(sorted(later)[0]))
    nbformat.write(nb, leak / f"{assignment}.ipynb")
    source_nb = REPO / "assignments" / assignment / f"{assignment}.ipynb"
    assert any("line of the reference solution" in p for p in release_guard.problems(leak, assignment, source_nb))


@pytest.mark.parametrize("assignment", assignments())
def test_the_student_library_holds_no_answer_of_this_or_a_later_assignment(assignment):
    # the library ships whole with every release: coursekit/gradcheck.py's numerical gradient, say,
    # is released with the first assignment, so no later one may grade it
    source_nb = REPO / "assignments" / assignment / f"{assignment}.ipynb"
    assert release_guard.library_problems(assignment, source_nb) == []


def _computing_lines(assignment):
    source_nb = REPO / "assignments" / assignment / f"{assignment}.ipynb"
    return sorted(ln for ln in release_guard.solution_lines(assignment, source_nb) if release_guard._computes(ln))


@pytest.mark.parametrize("assignment", assignments())
def test_the_guard_catches_an_answer_planted_in_the_student_library(assignment, tmp_path):
    source_nb = REPO / "assignments" / assignment / f"{assignment}.ipynb"
    later = [a for a in release_guard._later(assignment) if a in assignments()]
    planted = [_computing_lines(assignment)[0]] + [_computing_lines(a)[0] for a in later[:1]]
    library = tmp_path / "coursekit"
    shutil.copytree(STUDENT_LIBRARY, library, ignore=shutil.ignore_patterns("__pycache__", "data"))
    with (library / "training.py").open("a") as f:
        f.write("".join(f"\n\ndef helper(x):\n    {line}\n" for line in planted))
    found = " | ".join(release_guard.library_problems(assignment, source_nb, library))
    assert all(repr(line) in found for line in planted), found
    assert "coursekit/training.py" in found
    # a loop header or a bare return shared with a reference is not an answer
    assert not release_guard._computes("for epoch in range(epochs):")
    assert not release_guard._computes("return out, cache")
