"""Run an assignment's hidden pytest suite against one submission, in the grader's process.

The suite reaches the submission only through the `student` fixture (boundary.Student). What a
test's failure shows the student is its GradingFailure message and hint, or the student's own
error; pytest's report (which quotes the test's source) is never kept.

Two more fixtures serve suites that grade files rather than calls (the capstone's model file):
`submitted_files` is a SubmittedFiles, read access in the grader's process to the files submitted
with the notebook (never to the sandbox, which never gets them), and `hidden_data` is the folder
of the hidden data. A passing test may award a fraction of its item's points, with a message for
the student, through the `credit` fixture: credit(0.5, "accuracy 87%: half the points").
"""
import contextlib
import functools
import importlib
import io
import os
from dataclasses import asdict, dataclass, field
from pathlib import Path

import pytest

from autograder.boundary import Student, StudentError
from autograder.grading import GradingFailure

SUITES = Path(__file__).parent / "suites"
HIDDEN_DATA = Path(__file__).resolve().parent.parent / "data" / "hidden"


class SuiteError(Exception):
    """The hidden suite itself is missing or broken (an instructor's problem, not a student's)."""


@dataclass
class TestResult:
    test: str
    item: str
    passed: bool
    message: str = ""
    hint: str = ""
    kind: str = "passed"   # passed | failed | student-error | suite-error
    fraction: float = 1.0  # of its item's points, when it passed (see `credit`)
    details: dict = field(default_factory=dict)   # what the test recorded (a leaderboard value)

    def as_dict(self):
        return asdict(self)


class SubmittedFiles:
    """The files that came with a notebook, read in the grader's process only."""

    def __init__(self, folder=None):
        self.folder = Path(folder) if folder is not None else None

    def path(self, name):
        """The path of submitted file `name` (a plain file name), or None if it was not submitted."""
        if self.folder is None or Path(name).name != name:
            return None
        path = self.folder / name
        return path if path.is_file() and not path.is_symlink() else None


def suite_path(assignment):
    path = SUITES / assignment / f"test_{assignment}.py"
    if not path.is_file():
        raise SuiteError(f"assignment '{assignment}' has no hidden suite (expected {path})")
    return path


class _Collector:
    """pytest plugin: provides `student` and turns each test outcome into a TestResult."""

    def __init__(self, student, files=None, hidden_data=None):
        self._student = student
        self._files = SubmittedFiles(files)
        self._hidden_data = Path(hidden_data) if hidden_data else HIDDEN_DATA
        self._credit = {}
        self.results = []
        self.items = []

    def pytest_configure(self, config):
        config.addinivalue_line("markers", "graded(item, points): a graded hidden test")

    @pytest.fixture
    def student(self):
        return self._student

    @pytest.fixture
    def submitted_files(self):
        return self._files

    @pytest.fixture
    def hidden_data(self):
        return self._hidden_data

    @pytest.fixture
    def credit(self, request):
        def award(fraction, message="", **details):
            self._credit[request.node.name] = (min(max(float(fraction), 0.0), 1.0), message, details)
        return award

    def pytest_collection_modifyitems(self, items):
        for it in items:
            mark = it.get_closest_marker("graded")
            if mark is None:
                raise SuiteError(f"hidden test {it.name} is not marked @graded(item)")
            self.items.append((it.name, mark.kwargs["item"]))

    @pytest.hookimpl(hookwrapper=True)
    def pytest_runtest_makereport(self, item, call):
        outcome = yield
        report = outcome.get_result()
        if report.when == "call" or (report.when == "setup" and report.failed):
            mark = item.get_closest_marker("graded")
            result = _result(item.name, mark.kwargs["item"], call.excinfo)
            if result.passed and item.name in self._credit:
                result.fraction, result.message, result.details = self._credit[item.name]
            self.results.append(result)

    def pytest_collectreport(self, report):
        if report.failed:
            raise SuiteError(f"the hidden suite failed to load: {report.longreprtext[-2000:]}")


def _result(name, item, excinfo):
    if excinfo is None:
        return TestResult(name, item, True)
    exc = excinfo.value
    if isinstance(exc, GradingFailure):
        return TestResult(name, item, False, exc.message, exc.hint or "", "failed")
    if isinstance(exc, StudentError):
        text = exc.message + (f"\n{exc.traceback}" if exc.traceback else "")
        return TestResult(name, item, False, text, exc.hint or "", "student-error")
    return TestResult(name, item, False,
                      f"your answer could not be checked ({type(exc).__name__}: {str(exc)[:300]})",
                      "", "suite-error")


def _pytest(assignment, collector, *extra):
    """pytest on one hidden suite, with no third-party plugins, none of the project's pytest
    options and no assertion rewriting (suites fail through grading.fail), its output swallowed."""
    # no:unraisableexception: its clean-up runs gc.collect() over the grader's whole heap, twice,
    # once per submission
    args = [str(suite_path(assignment)), "-p", "no:cacheprovider", "-p", "no:unraisableexception",
            "-p", "no:threadexception", "--assert=plain", "-q",
            "-o", "addopts=", "--rootdir", str(SUITES.parent.parent), *extra]   # not the project's own options
    saved = os.environ.get("PYTEST_DISABLE_PLUGIN_AUTOLOAD")
    os.environ["PYTEST_DISABLE_PLUGIN_AUTOLOAD"] = "1"
    try:
        with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
            return pytest.main(args, plugins=[collector])
    finally:
        if saved is None:
            del os.environ["PYTEST_DISABLE_PLUGIN_AUTOLOAD"]
        else:
            os.environ["PYTEST_DISABLE_PLUGIN_AUTOLOAD"] = saved


def run_suite(assignment, transport, select=None, files=None, hidden_data=None):
    """Run the hidden suite of `assignment` through `transport`; returns a list of TestResult.

    `select` is an optional pytest -k expression (used by the project's tests); `files` the folder
    of the submission's files, `hidden_data` the folder of the hidden data (default data/hidden).
    """
    collector = _Collector(Student(transport), files, hidden_data)
    code = _pytest(assignment, collector, *(["-k", select] if select else []))
    if code not in (pytest.ExitCode.OK, pytest.ExitCode.TESTS_FAILED):
        raise SuiteError(f"the hidden suite for '{assignment}' did not run (pytest exit {int(code)})")
    return collector.results


def suite_module(assignment):
    return importlib.import_module(f"autograder.suites.{assignment}.test_{assignment}")


def submitted_files(assignment):
    """{item: file name} of the files a suite grades besides the notebook (its SUBMITTED_FILES)."""
    return dict(getattr(suite_module(assignment), "SUBMITTED_FILES", {}))


@functools.lru_cache(maxsize=None)
def suite_items(assignment):
    """{item: points} of the hidden suite (its POINTS), checked against the tests it collects."""
    points = getattr(suite_module(assignment), "POINTS", None)
    if not isinstance(points, dict) or not points:
        raise SuiteError(f"the hidden suite of '{assignment}' declares no POINTS")
    collector = _Collector(None)
    _pytest(assignment, collector, "--collect-only")
    tested = {item for _, item in collector.items}
    if tested != set(points):
        raise SuiteError(f"the hidden suite of '{assignment}' tests {sorted(tested)} but gives "
                         f"points to {sorted(points)}")
    return {item: float(p) for item, p in points.items()}
