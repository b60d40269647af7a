"""The adversarial corpus (tests/adversarial/corpus.py): no submission raises its own grade, reads
what it must not, or stops the batch, and the grader's files, gradebook and process are untouched.
One test per case; the count is printed in the run's summary."""
import hashlib
import json
import os
import re
import secrets
import shutil
import sys
import time
from contextlib import contextmanager
from pathlib import Path

import nbformat
import pytest
from nbgrader.api import Gradebook

from adversarial.corpus import CASES, GRADER_SECRET
from autograder import commands, isolation, release_guard
from autograder.course import REPO
from autograder.pipeline import MAX_LISTED
from autograder.sandbox import Policy, protections
from autograder.simulate import fill, student_sources
from conftest import submit_directly

A = "regularization"
INSTRUCTOR_FILES = [REPO / "solutions" / f"{A}.py", REPO / "autograder" / "suites" / A,
                    REPO / "data" / "hidden", REPO / "assignments" / A]
CANARY = re.compile(rb"course-canary-[0-9a-f]{16}")
# A grading server holds other readable copies of the course: a second checkout, a TA's clone,
# an installed package whose data holds the solutions and suites. Planted while a batch is graded.
COPIED = ("solutions", "autograder", "data/hidden", "assignments")
COPY_PLACES = ("/srv/course-copy-{tag}", "/home/course-copy-{tag}",
               f"/usr/local/lib/python{sys.version_info.major}.{sys.version_info.minor}/dist-packages")


@contextmanager
def readable_copies():
    """World-readable copies of the instructor's files outside the course, removed afterwards."""
    if not isolation.is_root():
        yield []
        return
    tag, made = secrets.token_hex(4), []
    try:
        for place in COPY_PLACES:
            root = Path(place.format(tag=tag))
            for part in COPIED:
                top = root / part.split("/")[0]
                if top.exists():
                    continue   # never touch what the machine already holds
                shutil.copytree(REPO / part, root / part, ignore=shutil.ignore_patterns("__pycache__"))
                made.append(top)
            for d, _, files in os.walk(root):
                os.chmod(d, 0o755)
                for f in files:
                    os.chmod(os.path.join(d, f), 0o644)
        yield made
    finally:
        for path in made:
            shutil.rmtree(path, ignore_errors=True)
        for place in COPY_PLACES[:2]:
            shutil.rmtree(place.format(tag=tag), ignore_errors=True)


def _digest(paths):
    h = hashlib.sha256()
    for root in paths:
        for p in sorted(root.rglob("*")) if root.is_dir() else [root]:
            if p.is_file() and "__pycache__" not in p.parts:
                h.update(str(p).encode() + p.read_bytes())
    return h.hexdigest()


def _notebook(release_nb, case):
    nb = fill(release_nb, {**student_sources(A, case.wrong), **case.replace}, first_cells=case.first)
    nb.cells += [nbformat.v4.new_code_cell(src) for src in case.last]
    if case.raw is None:
        return nb
    return case.raw(json.loads(nbformat.writes(nb))) if callable(case.raw) else case.raw


POLICY = Policy(cell_timeout=10, call_timeout=3, submission_timeout=90)
# Two batches, one per pytest-xdist worker (the first part of a test's id: see tests/conftest.py).
BATCHES = 2
_GRADED = {}
EACH_BATCH = pytest.mark.parametrize("k", range(BATCHES), ids=lambda k: f"batch{k}")


def batch_of(case):
    return CASES.index(case) % BATCHES


CASE_IDS = [f"batch{batch_of(c)}:{c.category}:{c.name}" for c in CASES]


def graded(released, report_time, k):
    """(course, results, digest of instructor files before, cwd, environment) of batch k, graded once."""
    if k in _GRADED:
        return _GRADED[k]
    course, releases = released
    releases[A]
    release_nb = course.release_notebooks(A)[f"{A}.ipynb"]
    cases = [c for c in CASES if batch_of(c) == k]
    for case in cases:
        submit_directly(course, A, f"adv-{case.name}", _notebook(release_nb, case))
    before = _digest(INSTRUCTOR_FILES)
    cwd, env = os.getcwd(), dict(os.environ)
    os.environ.update(GRADER_SECRET)
    start = time.monotonic()
    try:
        with readable_copies():
            # Deadlines short enough that the looping cases end soon, long enough that an honest
            # cell (the imports) finishes on a loaded machine.
            results = commands.autograde(course, A, [f"adv-{c.name}" for c in cases], workers=2, progress=False,
                                         policy=POLICY)
    finally:
        for key in GRADER_SECRET:
            os.environ.pop(key)
    commands.feedback(course, A)
    report_time(f"adversarial corpus, batch {k + 1} of {BATCHES}: {len(cases)} cases graded (one test each)",
                time.monotonic() - start)
    _GRADED[k] = course, results, before, cwd, env
    return _GRADED[k]


@pytest.mark.parametrize("case", CASES, ids=CASE_IDS)
def test_case_meets_the_pass_bar(released, report_time, case):
    course, results, *_ = graded(released, report_time, batch_of(case))
    r = results[f"adv-{case.name}"]
    if case.rejected:
        assert r["status"] == "rejected" and r["reason"] and r["score"] == 0
        return
    assert r["status"] == "graded", r["reason"]
    for item, entry in r["items"].items():
        if item in case.zero:
            assert entry["score"] == 0, f"{item} scored {entry['score']}: the attack worked"
        elif case.others == "full":
            assert entry["score"] == entry["max_score"], (item, [t["message"] for t in entry["tests"]])
        else:
            assert entry["score"] <= entry["max_score"]


def test_the_corpus_is_large_and_covers_every_kind_of_attack():
    assert len(CASES) >= 40
    assert {c.category for c in CASES} == {"patch", "lie", "read", "leftover", "forge", "dos", "tamper", "network"}


def test_a_batch_is_graded_with_every_protection():
    if not isolation.is_root():
        pytest.skip("the full sandbox needs root")
    active = protections(POLICY)
    assert active["filesystem_allow_list"] and active["own_process_namespace"] and active["own_ipc_namespace"]
    assert None not in active["cgroup"].values(), "a cgroup per sandbox (cpu, memory, pids)"


def test_a_submission_bounds_what_it_puts_in_its_result(released, report_time):
    k = batch_of(next(c for c in CASES if c.name == "thousands_of_failing_cells"))
    course, results, *_ = graded(released, report_time, k)
    r = results["adv-thousands_of_failing_cells"]
    assert len(r["cells"]) == MAX_LISTED and any("more cells did not finish" in n for n in r["notes"])
    assert course.result_path(A, "adv-thousands_of_failing_cells").stat().st_size < 100_000
    assert course.path("feedback", "adv-thousands_of_failing_cells", A, f"{A}.html").stat().st_size < 100_000


@EACH_BATCH
def test_a_rerun_finds_nothing_to_grade_and_no_grader_error(released, report_time, k):
    course, results, *_ = graded(released, report_time, k)
    assert not [s for s, r in results.items() if r["status"] == "error"]
    assert commands.autograde(course, A, list(results), workers=2, progress=False, policy=POLICY) == results


@EACH_BATCH
def test_instructor_files_are_untouched(released, report_time, k):
    _, _, before, _, _ = graded(released, report_time, k)
    assert _digest(INSTRUCTOR_FILES) == before


@EACH_BATCH
def test_the_gradebook_holds_exactly_the_grader_s_scores(released, report_time, k):
    course, results, *_ = graded(released, report_time, k)
    with Gradebook(course.gradebook_url) as gb:
        for student, r in results.items():
            if r["status"] != "graded":
                continue
            sub = gb.find_submission(A, student)
            auto = {g.name: g.auto_score for nb in sub.notebooks for g in nb.grades if g.name.startswith("test_")}
            assert auto == {e["cell"]: e["score"] for e in r["items"].values()}
        assert not [s.id for s in gb.students if "forged" in s.id or "extra" in s.id]


@EACH_BATCH
def test_the_grader_process_is_unchanged(released, report_time, k):
    _, _, _, cwd, env = graded(released, report_time, k)
    assert os.getcwd() == cwd
    changed = {k for k, v in os.environ.items() if env.get(k) != v} - {"PYTEST_CURRENT_TEST"}
    assert changed == set()
    assert [k for k in env if k not in os.environ] == []


@EACH_BATCH
def test_no_sandbox_process_outlives_the_batch(released, report_time, k):
    if not isolation.is_root():
        pytest.skip("processes run as the grader's own user without root")
    assert isolation.orphans() == []
    mine = [p for p in isolation.ROOT_SANDBOXES.glob(f"{os.getpid()}-*")]
    assert mine == [], "the coordinator's own sandboxes are all removed"


@EACH_BATCH
def test_canaries_never_reach_anything_a_student_sees(released, report_time, k):
    course, _, *_ = graded(released, report_time, k)
    planted = [REPO / "solutions" / f"{A}.py", REPO / "autograder" / "suites" / A / f"test_{A}.py",
               REPO / "data" / "hidden" / "CANARY.txt"]
    assert all(CANARY.search(p.read_bytes()) for p in planted), "every instructor-only place holds a canary"
    visible = [course.path(d) for d in ("release", "feedback", "autograded")] + [course.exchange]
    for root in visible:
        for p in root.rglob("*"):
            if p.is_file():
                assert not CANARY.search(p.read_bytes()), p


@EACH_BATCH
def test_feedback_shows_no_hidden_test_or_reference(released, report_time, k):
    course, results, *_ = graded(released, report_time, k)
    source = REPO / "assignments" / A / f"{A}.ipynb"
    secret = release_guard.suite_lines(A, source) | release_guard.solution_lines(A, source)
    for student in results:
        html = course.path("feedback", student, A, f"{A}.html").read_text()
        assert not [line for line in secret if line in html], student
