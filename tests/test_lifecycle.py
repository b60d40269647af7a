"""The whole lifecycle through the real nbgrader CLI, on the demo's simulated class:
release -> fetch/submit through the exchange -> collect -> autograde -> feedback -> export."""
import csv
import importlib
import time

import pytest

from autograder import demo, release_guard
from autograder.simulate import variants
from autograder.suite import submitted_files


_RUNS = {}


@pytest.fixture
def lifecycle(tmp_path_factory, assignment, report_time):
    """The demo on one assignment, in its own course directory (run once per assignment)."""
    if assignment not in _RUNS:
        start = time.monotonic()
        course, table = demo.run(tmp_path_factory.mktemp("demo") / "course", [assignment], say=lambda *a: None)
        _RUNS[assignment] = (course, table, time.monotonic() - start)
        report_time(f"demo lifecycle of {assignment} ({len(table[assignment])} students)", _RUNS[assignment][2])
    return _RUNS[assignment]


def _mistakes(assignment):
    return importlib.import_module(f"autograder.suites.{assignment}.variants").DEMO_MISTAKES


def _targets(assignment, names):
    return {v.target for v in variants(assignment).all if v.name in names}


@pytest.mark.parametrize("assignment", demo.demo_assignments())
def test_reference_gets_full_marks(lifecycle, assignment):
    course, table, seconds = lifecycle
    r = table[assignment]["reference"]
    assert r["status"] == "graded" and r["score"] == r["max_score"] > 0
    assert all(t["passed"] for e in r["items"].values() for t in e["tests"])


@pytest.mark.parametrize("assignment", demo.demo_assignments())
def test_blank_gets_zero_without_grader_errors(lifecycle, assignment):
    r = lifecycle[1][assignment]["blank"]
    assert r["status"] == "graded" and r["score"] == 0
    # an item graded from a submitted file (the capstone's model) finds no file instead
    files = submitted_files(assignment)
    called = [t for item, e in r["items"].items() if item not in files for t in e["tests"]]
    assert {t["kind"] for t in called} == {"student-error"}
    assert all("is not written yet" in t["message"] for t in called)
    for item, name in files.items():
        assert all(t["kind"] == "failed" and name in t["message"] for t in r["items"][item]["tests"])


@pytest.mark.parametrize("assignment", [a for a in demo.demo_assignments() if submitted_files(a)])
def test_each_demo_model_file_gets_its_outcome(lifecycle, assignment):
    course, table, _ = lifecycle
    expected = importlib.import_module(f"autograder.suites.{assignment}.models").EXPECTED
    for student, words in expected.items():
        r = table[assignment][student]
        assert r["status"] == "graded"
        (item,) = submitted_files(assignment)
        entry = r["items"][item]
        assert all(e["score"] == e["max_score"] for i, e in r["items"].items() if i != item), student
        text = course.path("feedback", student, assignment, f"{assignment}.txt").read_text()
        if words:
            assert entry["score"] == 0 and words in text, (student, text)
        else:   # a weak model: between the thresholds
            assert 0 < entry["score"] < entry["max_score"] and "hidden test digits" in text


@pytest.mark.parametrize("assignment", demo.demo_assignments())
def test_mistakes_lose_exactly_their_items_and_feedback_names_each(lifecycle, assignment):
    course, table, _ = lifecycle
    r = table[assignment]["mistakes"]
    broken = _targets(assignment, _mistakes(assignment))
    for item, entry in r["items"].items():
        if item in broken:
            assert entry["score"] == 0, item
        else:
            assert entry["score"] == entry["max_score"], item
    text = course.path("feedback", "mistakes", assignment, f"{assignment}.txt").read_text()
    for v in variants(assignment).all:
        if v.name in _mistakes(assignment):
            assert v.hint in text, v.name


@pytest.mark.parametrize("assignment", demo.demo_assignments())
def test_attacker_gets_zero_for_its_wrong_function(lifecycle, assignment):
    r = lifecycle[1][assignment]["attacker"]
    (wrong,) = _targets(assignment, _mistakes(assignment)[:1])
    assert r["items"][wrong]["score"] == 0
    assert all(e["score"] == e["max_score"] for item, e in r["items"].items() if item != wrong)


@pytest.mark.parametrize("assignment", demo.demo_assignments())
def test_export_and_feedback(lifecycle, assignment):
    course, table, _ = lifecycle
    rows = list(csv.DictReader(course.path("grades.csv").open()))
    by_student = {row["student_id"]: row for row in rows if row["assignment"] == assignment}
    assert set(by_student) == set(table[assignment])
    for student, r in table[assignment].items():
        assert float(by_student[student]["raw_score"]) == pytest.approx(r["score"])
    suite = release_guard.suite_lines(assignment, course.path("source", assignment, f"{assignment}.ipynb"))
    for student in table[assignment]:
        html = course.path("feedback", student, assignment, f"{assignment}.html").read_text()
        assert not [line for line in suite if line in html]
        assert (course.path("results", assignment, f"{student}.json")).is_file()
