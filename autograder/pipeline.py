"""Grade one submission: restore and validate -> execute in the sandbox -> hidden suite -> score.

`grade_submission` always returns a result dict, whatever the submission does: a notebook that
cannot be read, a kernel that dies or loops, a suite call that raises. Its shape:

    {"assignment", "student", "status": "graded" | "rejected" | "error",  "reason": str,
     "score", "max_score", "items": {item: {"cell", "score", "max_score", "tests": [...]}},
     "notes": [...], "cells": [...], "protections": {...}, "timings": {...}, "suite_version": str}

"timings" holds seconds per stage: restore, the kernel's (session.STAGES), the whole suite
(its calls included, and the grader's own work between them), and the total.
"""
import hashlib
import time
from pathlib import Path

from autograder import isolation, suite
from autograder.notebook import NotebookRejected, read_untrusted, restore
from autograder.sandbox import font_cache, sandbox_python
from autograder.session import SandboxUnavailable, Session

ENGINE_FILES = ("boundary.py", "grading.py", "diagnosis.py", "suite.py", "agent/wire.py", "agent/agent.py")
# What one submission may put into its result (and so its feedback): a notebook of thousands of
# failing cells gets the first MAX_LISTED of them and a count of the rest.
MAX_LISTED = 20
MAX_TEXT = 2000
SOLUTIONS = Path(__file__).resolve().parent.parent / "solutions"


def suite_version(assignment, hidden_data=None):
    """A digest of everything that decides a grade: the suite, its variants, the reference, the
    engine, and the hidden data files the suite names (its HIDDEN_DATA), from `hidden_data`."""
    h = hashlib.sha256()
    files = sorted((suite.SUITES / assignment).glob("*.py")) + [SOLUTIONS / f"{assignment}.py"]
    files += [Path(suite.__file__).parent / f for f in ENGINE_FILES]
    folder = Path(hidden_data) if hidden_data else suite.HIDDEN_DATA
    files += [folder / name for name in getattr(suite.suite_module(assignment), "HIDDEN_DATA", ())]
    for path in files:
        if path.is_file():
            h.update(path.name.encode() + b"\0" + path.read_bytes())
    return h.hexdigest()[:16]


def prepare(assignment):
    """What every submission of `assignment` needs and no submission changes, computed once: a
    batch calls this before its workers fork, so that they inherit it instead of each making it.
    Whatever fails here fails again in each submission, which reports it as its own result."""
    try:
        suite.suite_items(assignment)
        python = sandbox_python()
        font_cache(python)
        if isolation.allowlist_available():
            isolation.runtime(python)
    except Exception:   # reported by each submission, as without this step
        pass


def item_cell(item):
    """The nbgrader grade cell that carries an item's autograded points."""
    return f"test_{item}"


def grade_submission(assignment, student, notebook_path, release_nb, policy=None, hidden_data=None):
    """Grade one notebook; returns (result, restored notebook or None if it was rejected).

    The files beside the notebook reach the suite (read here, never in the sandbox), and so does
    the folder of the hidden data (`hidden_data`, default data/hidden)."""
    started = time.monotonic()
    totals = suite.suite_items(assignment)
    result = {"assignment": assignment, "student": student, "status": "graded", "reason": "",
              "items": {item: {"cell": item_cell(item), "score": 0.0, "max_score": pts, "tests": []}
                        for item, pts in totals.items()},
              "notes": [], "cells": [], "protections": {}, "timings": {},
              "suite_version": suite_version(assignment, hidden_data)}
    try:
        submitted = read_untrusted(Path(notebook_path))
        nb, result["notes"] = restore(submitted, release_nb)
    except (NotebookRejected, OSError) as exc:
        return _finish(result, started, rejected=str(exc)), None
    result["timings"]["restore_seconds"] = round(time.monotonic() - started, 3)
    with Session(nb, Path(notebook_path).name, policy) as session:
        result["protections"] = session.sandbox.protections
        try:
            session.run_notebook()
        except SandboxUnavailable as exc:
            return _finish(result, started, error=f"the grader could not start a kernel: {exc}"), None
        suite_started = time.monotonic()
        tests = suite.run_suite(assignment, session, files=Path(notebook_path).parent,
                                hidden_data=hidden_data)
        result["timings"]["suite_seconds"] = round(time.monotonic() - suite_started, 3)
        result["cells"] = session.cell_report()
        result["notes"] += session.notes()
        result["timings"].update(session.timings())
    for t in tests:
        result["items"][t.item]["tests"].append(t.as_dict())
    for entry in result["items"].values():
        entry["score"] = item_score(entry["max_score"], entry["tests"])
    return _finish(result, started), nb


def item_score(max_score, tests):
    """All or nothing, like an nbgrader grade cell: 0 unless every test passed; then the full
    points, or the smallest fraction a passing test awarded (suite.py's `credit`)."""
    if not tests or not all(t["passed"] for t in tests):
        return 0.0
    return max_score * min(t.get("fraction", 1.0) for t in tests)


def _finish(result, started, rejected=None, error=None):
    if rejected:
        result["status"], result["reason"] = "rejected", rejected
    if error:   # the grader's fault: no score is recorded, and the next run grades it again
        result["status"], result["reason"] = "error", error
    _bound(result)
    for entry in result["items"].values():
        entry["score"] = round(entry["score"], 6)
    result["score"] = round(sum(e["score"] for e in result["items"].values()), 6)
    result["max_score"] = round(sum(e["max_score"] for e in result["items"].values()), 6)
    result["timings"]["total_seconds"] = round(time.monotonic() - started, 3)
    return result


def _bound(result):
    """Cap what the submission controls: how many cells and notes are listed, how long a text is."""
    cells, notes = result["cells"], result["notes"]
    if len(cells) > MAX_LISTED:
        notes.append(f"{len(cells) - MAX_LISTED} more cells did not finish; only the first {MAX_LISTED} are listed.")
    if len(notes) > MAX_LISTED:
        notes[MAX_LISTED - 1:] = [f"{len(notes) - MAX_LISTED + 1} more notes like these are left out."]
    result["cells"] = [{**c, "error": c["error"][:MAX_TEXT]} for c in cells[:MAX_LISTED]]
    result["notes"] = [n[:MAX_TEXT] for n in notes]
    result["reason"] = result["reason"][:MAX_TEXT]
    for entry in result["items"].values():
        for test in entry["tests"]:
            test["message"] = test["message"][:MAX_TEXT]
