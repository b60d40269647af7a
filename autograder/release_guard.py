"""Prove that a release holds no solution line, no hidden test and no hidden data.

`course release` refuses to publish a release this finds anything in, and the project's tests run
it over every assignment. The student library (student/coursekit/) ships whole with every release, so it is
held to the same rule: none of its modules may hold a line of the answers of the assignment being
released or of a later one. There, only lines that compute something count (a call, an operator,
an index), of any length: a loop header or `return out, cache` is not an answer, and library code
that shares those with a reference is no leak.
"""
import ast
import hashlib
import json
import re
from pathlib import Path

from autograder.course import COURSE_ORDER, STUDENT_LIBRARY
from autograder.suite import SUITES, submitted_files

REPO = Path(__file__).resolve().parent.parent
HIDDEN_DATA = REPO / "data" / "hidden"
MARKERS = re.compile(r"BEGIN SOLUTION|END SOLUTION|BEGIN HIDDEN TESTS|END HIDDEN TESTS")
MIN_LINE = 16   # shorter lines ("return out", "x = x.copy()") are too common to call a leak
MIN_CROSS_LINE = 24


def _solution_blocks_removed(text):
    return re.sub(r"### BEGIN SOLUTION.*?### END SOLUTION", "", text, flags=re.S)


def _lines(text):
    return {ln.strip() for ln in text.splitlines() if len(ln.strip()) >= MIN_LINE and not ln.strip().startswith("#")}


def public_lines(source_notebook):
    """Lines of the source notebook outside its solution blocks: the instructor publishes these."""
    return _lines(_solution_blocks_removed(_readable_text(source_notebook, source_notebook.read_bytes())))


def solution_lines(assignment, source_notebook):
    """Body lines of the reference that the instructor's released material does not itself contain."""
    ref = REPO / "solutions" / f"{assignment}.py"
    if not ref.is_file():
        return set()
    text = ref.read_text()
    body = set()
    for node in ast.walk(ast.parse(text)):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            stmts = node.body[1:] if ast.get_docstring(node) is not None else node.body
            for stmt in stmts:
                if not isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef)):
                    body |= _lines(ast.get_source_segment(text, stmt) or "")
    return body - public_lines(source_notebook)


def _later(assignment):
    return COURSE_ORDER[COURSE_ORDER.index(assignment) + 1:] if assignment in COURSE_ORDER else []


def later_assignments_secrets(assignment):
    """Solution lines of the assignments that come later in the course: a release may build on
    the answers of earlier assignments (they are past their deadline), never give away a later
    one's. Only long lines count here: short ones ("for W in weights:") recur everywhere."""
    secrets = set()
    for other in _later(assignment):
        source = REPO / "assignments" / other / f"{other}.ipynb"
        if source.is_file():
            secrets |= {ln for ln in solution_lines(other, source) if len(ln) >= MIN_CROSS_LINE}
    return secrets


def _computes(line):
    """Whether a line is a statement on its own that computes something (not a header of a loop or
    a branch, not a bare name, tuple or constant)."""
    try:
        tree = ast.parse(line)
    except SyntaxError:
        return False
    return any(isinstance(n, (ast.Call, ast.BinOp, ast.UnaryOp, ast.Compare, ast.BoolOp, ast.Subscript))
               for n in ast.walk(tree))


def library_problems(assignment, source_notebook, library=STUDENT_LIBRARY):
    """Sentences naming every line of the student library's modules that is a line of the answers
    of `assignment` or of a later assignment (empty when there is none)."""
    secrets = set(solution_lines(assignment, source_notebook))
    for other in _later(assignment):
        source = REPO / "assignments" / other / f"{other}.ipynb"
        if source.is_file():
            secrets |= solution_lines(other, source)
    secrets = {ln for ln in secrets if _computes(ln)}
    found = []
    for path in sorted(Path(library).rglob("*.py")):
        for leak in sorted(_lines(path.read_text()) & secrets)[:5]:
            found.append(f"the student library's {path.relative_to(Path(library).parent)} contains a "
                         f"line of the reference solution: {leak!r}")
    return found


def suite_lines(assignment, source_notebook):
    """Lines of the hidden suite and its variants that the released material does not contain."""
    folder = SUITES / assignment
    lines = set().union(*(_lines(p.read_text()) for p in folder.glob("*.py"))) if folder.is_dir() else set()
    return lines - public_lines(source_notebook)


def hidden_digests():
    return {hashlib.sha256(p.read_bytes()).hexdigest(): p.name
            for p in HIDDEN_DATA.rglob("*") if p.is_file()} if HIDDEN_DATA.is_dir() else {}


def _readable_text(path, data):
    """A file's text as a person reads it: a notebook's cell sources and outputs, not its JSON."""
    text = data.decode("utf-8", errors="replace")
    if path.suffix == ".ipynb":
        try:
            nb = json.loads(text)
            text += "\n" + "\n".join("".join(c.get("source", "")) + "\n" + json.dumps(c.get("outputs", []))
                                     for c in nb.get("cells", []))
        except (ValueError, AttributeError):
            pass
    return text


def problems(release_dir, assignment, source_notebook, library=STUDENT_LIBRARY):
    """Sentences describing every leak found in `release_dir` and in the student library that goes
    with it (empty when the release is clean)."""
    found = library_problems(assignment, source_notebook, library)
    secret_lines = solution_lines(assignment, source_notebook) | later_assignments_secrets(assignment)
    test_lines = suite_lines(assignment, source_notebook)
    digests = hidden_digests()
    answers = set(submitted_files(assignment).values()) if (SUITES / assignment).is_dir() else set()
    for path in sorted(Path(release_dir).rglob("*")):
        if not path.is_file():
            continue
        rel = path.relative_to(release_dir)
        data = path.read_bytes()
        if path.name in answers:   # e.g. a trained capstone model: an answer, not a solution line
            found.append(f"{rel} is a file students submit as their answer")
        if hashlib.sha256(data).hexdigest() in digests:
            found.append(f"{rel} is the hidden data file {digests[hashlib.sha256(data).hexdigest()]}")
        if path.name.startswith("test_") and path.suffix == ".py":
            found.append(f"{rel} looks like a hidden test file")
        text = _readable_text(path, data)
        if MARKERS.search(text):
            found.append(f"{rel} contains a solution or hidden-test marker")
        lines = _lines(text)
        for leak in sorted(lines & secret_lines)[:5]:
            found.append(f"{rel} contains a line of the reference solution: {leak!r}")
        for leak in sorted(lines & test_lines)[:5]:
            found.append(f"{rel} contains a line of the hidden suite: {leak!r}")
    return found
