"""Shared fixtures, and a summary of timings that some tests report (printed after the run)."""
import json
import os
from pathlib import Path

import pytest

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
os.environ.setdefault("MPLBACKEND", "Agg")

REPO = Path(__file__).resolve().parent.parent
TIMINGS = []
FIGURES = []   # (label, text): what the grading of the variants shows, printed after the run
ARTEFACTS = []  # (label, path): files a test keeps for people to look at (screenshots)
REPORTS = {"timings": TIMINGS, "figures": FIGURES, "artefacts": ARTEFACTS}


def assignments():
    """Every assignment with a source notebook: tests over this list guard the ones added later."""
    return sorted(p.name for p in (REPO / "assignments").iterdir() if (p / f"{p.name}.ipynb").is_file())


def pytest_configure(config):
    config.addinivalue_line("markers", "graded(item, points): a graded hidden test")


# Under pytest-xdist, a work unit (a "scope") runs on one worker. A module is one unit, since its
# tests share module-wide fixtures, except those split by the first part of their test id (an
# assignment, a batch): both workers then share the slow lifecycles and sandboxed batches.
SPLIT = ("test_lifecycle", "test_variants_sandboxed", "test_adversarial", "test_hidden_suites",
         "test_contracts")
# Started first, so that no worker is left alone with a long unit at the end.
SLOWEST_FIRST = ("test_adversarial", "test_lifecycle", "test_capstone_sandboxed", "test_variants_sandboxed", "test_hidden_suites",
                 "test_contracts",
                 "test_nothing_lost", "test_cluster", "test_watch", "test_robustness", "test_browser", "test_sandbox",
                 "test_check", "test_notebooks",
                 "test_cli_errors")


def work_unit(nodeid):
    """tests/test_lifecycle.py::test_x[backprop] -> test_lifecycle:backprop; else the module."""
    module = nodeid.split("::")[0].rsplit("/", 1)[-1].removesuffix(".py")
    if module in SPLIT and nodeid.endswith("]"):
        return f"{module}:{nodeid[nodeid.index('[') + 1:-1].split(':')[0]}"
    return module


@pytest.hookimpl(tryfirst=True, optionalhook=True)
def pytest_xdist_make_scheduler(config, log):
    if config.getvalue("dist") != "loadscope":
        return None
    from xdist.scheduler import LoadScopeScheduling

    class ByWorkUnit(LoadScopeScheduling):
        def _split_scope(self, nodeid):
            return work_unit(nodeid)

    return ByWorkUnit(config, log)


def pytest_collection_modifyitems(items):
    rank = {module: i for i, module in enumerate(SLOWEST_FIRST)}
    items.sort(key=lambda item: rank.get(item.module.__name__, len(rank)))


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

    root = tmp_path_factory.mktemp("released")
    course = Course(root / "course").init(exchange=root / "exchange")
    return course, _Releases(course)


@pytest.fixture(scope="session")
def notebooks(released):
    """Filled notebooks of regularization, released in the shared course: the reference ("right")
    and a common mistake ("wrong", dropout's kept units not rescaled)."""
    from autograder.simulate import fill, reference_sources, student_sources

    course, releases = released
    releases["regularization"]
    release_nb = course.release_notebooks("regularization")["regularization.ipynb"]
    return {"right": fill(release_nb, reference_sources("regularization"), answer="My answer."),
            "wrong": fill(release_nb, student_sources("regularization", ["dropout_no_rescale"]))}


def submit_directly(course, assignment, student, notebook_or_bytes, stamp="2026-01-01 00:00:00.000000 UTC",
                    files=()):
    """Put a submission where `collect` would (submitted/<student>/<assignment>/), with `files`
    ({name: bytes}) beside the notebook."""
    import nbformat

    folder = course.path("submitted", student, assignment)
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / f"{assignment}.ipynb"
    if isinstance(notebook_or_bytes, bytes):
        target.write_bytes(notebook_or_bytes)
    else:
        nbformat.write(notebook_or_bytes, target)
    (folder / "timestamp.txt").write_text(stamp)
    for name, data in dict(files).items():
        (folder / name).write_bytes(data)


def results_without_timings(course, assignment, students):
    """{student: result file} without what legitimately differs between runs (timings)."""
    out = {}
    for s in students:
        r = json.loads(course.result_path(assignment, s).read_text())
        r.pop("timings")
        out[s] = r
    return out


@pytest.fixture(scope="session")
def report_time():
    """Call with (label, seconds): printed in the run's summary."""
    return lambda label, seconds: TIMINGS.append((label, seconds))


@pytest.fixture(scope="session")
def report_figure():
    """Call with (label, text): printed in the run's summary."""
    return lambda label, text: FIGURES.append((label, text))


@pytest.fixture(scope="session")
def report_artefact():
    """Call with (label, path): where a test kept files, printed in the run's summary."""
    return lambda label, path: ARTEFACTS.append((label, path))


def pytest_sessionfinish(session):
    # Under pytest-xdist, a worker hands its reports to the controller, which prints them all.
    if hasattr(session.config, "workeroutput"):
        for key, items in REPORTS.items():
            session.config.workeroutput[key] = json.dumps(items)


@pytest.hookimpl(optionalhook=True)
def pytest_testnodedown(node, error):
    for key, items in REPORTS.items():
        items.extend(json.loads(getattr(node, "workeroutput", {}).get(key, "[]")))


def pytest_terminal_summary(terminalreporter):
    if FIGURES:
        terminalreporter.section("mutants and their hints")
        for label, text in sorted(FIGURES):
            terminalreporter.write_line(f"{label}: {text}")
    if ARTEFACTS:
        terminalreporter.section("test artefacts")
        for label, path in sorted(ARTEFACTS):
            terminalreporter.write_line(f"{label}: {path}")
    if TIMINGS:
        terminalreporter.section("timings")
        for label, seconds in sorted(TIMINGS):
            terminalreporter.write_line(f"{label}: {seconds:.1f} s")


def hand_grade(course, assignment, student, cell, score, comment):
    """What a TA's score and comment on a hand-graded answer in the formgrader write to the gradebook."""
    from nbgrader.api import Gradebook

    with Gradebook(course.gradebook_url) as gb:
        grade = gb.find_grade(cell, assignment, assignment, student)
        grade.manual_score = score
        grade.needs_manual_grade = False
        gb.find_comment(cell, assignment, assignment, student).manual_comment = comment
        gb.db.commit()
