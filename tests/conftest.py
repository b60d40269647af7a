"""Shared fixtures, and a summary of timings that some tests report (printed after the run)."""
import json
import os
from pathlib import Path

import pytest

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
os.environ.setdefault("MPLBACKEND", "Agg")

REPO = Path(__file__).resolve().parent.parent
TIMINGS = []


def assignments():
    """Every assignment with a source notebook: tests over this list guard the ones added later."""
    return sorted(p.name for p in (REPO / "assignments").iterdir() if (p / f"{p.name}.ipynb").is_file())


def pytest_configure(config):
    config.addinivalue_line("markers", "graded(item, points): a graded hidden test")


class _Releases(dict):
    """{assignment: release dir}, each assignment released by the real nbgrader when first asked for."""

    def __init__(self, course):
        super().__init__()
        self.course = course

    def __missing__(self, assignment):
        from autograder import commands

        self[assignment] = commands.release(self.course, assignment)
        return self[assignment]


@pytest.fixture(scope="session")
def released(tmp_path_factory):
    """(course, releases): one course directory shared by the tests that need released assignments."""
    from autograder.course import Course

    course = Course(tmp_path_factory.mktemp("released") / "course").init()
    return course, _Releases(course)


def submit_directly(course, assignment, student, notebook_or_bytes, stamp="2026-01-01 00:00:00.000000 UTC"):
    """Put a submission where `collect` would (submitted/<student>/<assignment>/)."""
    import nbformat

    folder = course.path("submitted", student, assignment)
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / f"{assignment}.ipynb"
    if isinstance(notebook_or_bytes, bytes):
        target.write_bytes(notebook_or_bytes)
    else:
        nbformat.write(notebook_or_bytes, target)
    (folder / "timestamp.txt").write_text(stamp)


@pytest.fixture(scope="session")
def report_time():
    """Call with (label, seconds): printed in the run's summary."""
    return lambda label, seconds: TIMINGS.append((label, seconds))


def pytest_sessionfinish(session):
    # Under pytest-xdist, a worker hands its timings to the controller, which prints them all.
    if hasattr(session.config, "workeroutput"):
        session.config.workeroutput["timings"] = json.dumps(TIMINGS)


@pytest.hookimpl(optionalhook=True)
def pytest_testnodedown(node, error):
    TIMINGS.extend(json.loads(getattr(node, "workeroutput", {}).get("timings", "[]")))


def pytest_terminal_summary(terminalreporter):
    if TIMINGS:
        terminalreporter.section("timings")
        for label, seconds in sorted(TIMINGS):
            terminalreporter.write_line(f"{label}: {seconds:.1f} s")
