"""`course gradescope A`: the autograder zip, run in a folder laid out as Gradescope's /autograder.

The zip is unzipped into <tmp>/autograder/source, a submission put in submission/, and its
run_autograder run as Gradescope would, except that setup.sh's installation is skipped: the
grader's interpreter is this machine's environment without the project installed in it, so that
grading can only use what the zip holds.
"""
import json
import os
import subprocess
import sys
import venv
import zipfile
from pathlib import Path

import nbformat
import numpy as np
import pytest

from autograder import cli, commands, sandbox
from autograder.course import Course
from autograder.simulate import fill, reference_sources, student_sources
from autograder.suite import suite_items
from conftest import REPO, submit_directly
from coursekit.capstone import MODEL_FILE, model_bytes, points_fraction
from coursekit.data import load_mnist20, load_mnist20_test

A = "regularization"
WRONG = "dropout_no_rescale"
VISIBILITY = {"hidden", "after_due_date", "after_published", "visible"}
TOP_KEYS = {"score", "execution_time", "output", "output_format", "visibility", "stdout_visibility",
            "extra_data", "tests", "leaderboard"}
TEST_KEYS = {"score", "max_score", "status", "name", "number", "output", "output_format", "tags",
             "visibility", "extra_data"}


def check_spec(data):
    """results.json as Gradescope's specification defines it (the fields this grader writes)."""
    assert set(data) <= TOP_KEYS and isinstance(data["score"], (int, float))
    assert data["visibility"] in VISIBILITY and data["stdout_visibility"] in VISIBILITY
    assert isinstance(data["output"], str) and data["output"]
    for t in data["tests"]:
        assert set(t) <= TEST_KEYS and {"name", "score", "max_score", "output", "visibility"} <= set(t)
        assert 0 <= t["score"] <= t["max_score"] and t["visibility"] in VISIBILITY
        assert t["status"] == ("passed" if t["score"] == t["max_score"] else "failed")
    assert data["score"] == pytest.approx(sum(t["score"] for t in data["tests"]))
    for entry in data.get("leaderboard", []):
        assert set(entry) <= {"name", "value", "order"} and entry.get("order", "desc") in ("asc", "desc")


@pytest.fixture(scope="module")
def grader_python(tmp_path_factory):
    """This environment's packages, but not the project's editable install (its import hook would
    supply whatever the zip left out); with setup.sh's marker naming the sandbox interpreter."""
    env = tmp_path_factory.mktemp("grader-env")
    venv.create(env, with_pip=False)
    site = next(env.glob("lib/python3*/site-packages"))
    (site / "grader.pth").write_text("\n".join(p for p in sys.path if p.endswith("site-packages")) + "\n")
    (env / "sandbox-python").write_text(sandbox.sandbox_python())
    return env / "bin" / "python"


def build(released, tmp_path, assignment):
    course, releases = released
    releases[assignment]
    target = tmp_path / f"{assignment}.zip"
    assert cli.main(["gradescope", assignment, "--course", str(course.root), "--to", str(target)]) == 0
    return course, target


def run_autograder(zip_path, root, grader_python, assignment, notebook=None, files=()):
    """Gradescope's /autograder under `root`: source/ (the zip), submission/; returns results.json."""
    with zipfile.ZipFile(zip_path) as zf:
        zf.extractall(root / "source")
    (root / "submission").mkdir(parents=True)
    if notebook is not None:
        nbformat.write(notebook, root / "submission" / f"{assignment}.ipynb")
    for name, data in dict(files).items():
        (root / "submission" / name).write_bytes(data)
    proc = subprocess.run(["bash", str(root / "source" / "run_autograder"), str(root)], capture_output=True,
                          text=True, timeout=600, env={**os.environ, "COURSE_GRADER_PYTHON": str(grader_python)})
    assert proc.returncode == 0, proc.stdout + proc.stderr
    text = (root / "results" / "results.json").read_text()
    assert "course-canary-" not in text   # nothing of the references, suites or hidden data
    if os.geteuid() == 0:                  # the sandbox's uids cannot enter the unzipped autograder
        assert not (root / "source").stat().st_mode & 0o007
    data = json.loads(text)
    check_spec(data)
    return data


def same_as_autograde(data, result, assignment):
    """The scores of results.json are those of `course autograde`, one test per item in notebook order."""
    assert [t["name"] for t in data["tests"]] == list(suite_items(assignment))
    assert [(t["score"], t["max_score"]) for t in data["tests"]] == [
        (result["items"][t["name"]]["score"], result["items"][t["name"]]["max_score"]) for t in data["tests"]]
    assert data["score"] == result["score"]


@pytest.fixture(scope="module")
def regularization(released, tmp_path_factory, grader_python):
    tmp = tmp_path_factory.mktemp("gradescope")
    course, zip_path = build(released, tmp, A)
    release_nb = course.release_notebooks(A)[f"{A}.ipynb"]
    notebooks = {"gs-reference": fill(release_nb, reference_sources(A)),
                 "gs-wrong": fill(release_nb, student_sources(A, [WRONG]))}
    for student, nb in notebooks.items():
        submit_directly(course, A, student, nb)
    expected = commands.autograde(course, A, list(notebooks), workers=1, progress=False)
    got = {s: run_autograder(zip_path, tmp / s / "autograder", grader_python, A, nb) for s, nb in notebooks.items()}
    got["nothing"] = run_autograder(zip_path, tmp / "nothing" / "autograder", grader_python, A,
                                    files={"notes.txt": b"I forgot the notebook"})
    return zip_path, expected, got


def test_zip_holds_what_grading_needs_and_no_other_assignment(regularization):
    zip_path, _, _ = regularization
    with zipfile.ZipFile(zip_path) as zf:
        names = set(zf.namelist())
        modes = {i.filename: i.external_attr >> 16 for i in zf.infolist()}
        zf.extractall(zip_path.parent / "unzipped")
    assert {"setup.sh", "run_autograder", "requirements.txt", f"release/{A}.ipynb",
            "autograder/pipeline.py", "coursekit/data/mnist20_trainval.npz"} <= names
    assert modes["setup.sh"] & 0o111 and modes["run_autograder"] & 0o111
    assert {n for n in names if n.startswith("solutions/")} == {"solutions/__init__.py", f"solutions/{A}.py"}
    assert {n.split("/")[2] for n in names if n.startswith("autograder/suites/") and n.count("/") > 2} == {A}
    assert not [n for n in names if n.startswith(("assignments/", "data/", "tests/"))]   # no hidden data here
    for script in ("setup.sh", "run_autograder"):
        proc = subprocess.run(["bash", "-n", str(zip_path.parent / "unzipped" / script)], capture_output=True, text=True)
        assert proc.returncode == 0, proc.stderr


def test_results_match_course_autograde(regularization):
    _, expected, got = regularization
    for student in ("gs-reference", "gs-wrong"):
        same_as_autograde(got[student], expected[student], A)
    ref = got["gs-reference"]
    assert ref["score"] == expected["gs-reference"]["max_score"] > 0
    assert "graded by hand" in ref["output"] and "leaderboard" not in ref


def test_a_wrong_answer_fails_its_item_with_the_hint(regularization):
    _, _, got = regularization
    failed = [t for t in got["gs-wrong"]["tests"] if t["status"] == "failed"]
    assert [t["name"] for t in failed] == ["dropout_forward"]
    assert "not rescaled by 1/(1-p)" in failed[0]["output"] and "Hint:" in failed[0]["output"]


def test_a_submission_without_a_notebook_gets_a_result_that_says_so(regularization):
    data = regularization[2]["nothing"]
    assert data["score"] == 0 and len(data["tests"]) == len(suite_items(A))
    assert f"No notebook was submitted: upload {A}.ipynb" in data["output"]


def test_a_grader_that_cannot_start_still_writes_a_result(regularization, tmp_path):
    root = tmp_path / "autograder"
    with zipfile.ZipFile(regularization[0]) as zf:
        zf.extractall(root / "source")
    proc = subprocess.run(["bash", str(root / "source" / "run_autograder"), str(root)], capture_output=True,
                          env={**os.environ, "COURSE_GRADER_PYTHON": "/bin/false"})
    assert proc.returncode != 0   # Gradescope shows the instructor that the autograder failed
    data = json.loads((root / "results" / "results.json").read_text())
    check_spec(data)
    assert data["score"] == 0 and "not your fault" in data["output"]


def quick_model():
    """A valid capstone model made in a second: a random ReLU layer and a least-squares readout
    (about 90% on the test digits, so part of the points)."""
    X, y = load_mnist20("train")
    W1 = np.random.default_rng(0).normal(0, 1 / np.sqrt(X.shape[1]), (X.shape[1], 500))
    F = np.maximum(X @ W1, 0)
    W2 = np.linalg.solve(F.T @ F + 0.1 * np.eye(500), F.T @ np.eye(10)[y])
    layers = [{"type": "affine", "W": W1, "b": np.zeros(500)}, {"type": "relu"},
              {"type": "affine", "W": W2, "b": np.zeros(10)}]
    return layers, lambda X: np.maximum(X @ W1, 0) @ W2


def test_capstone_reports_the_test_accuracy_on_the_leaderboard(released, tmp_path, grader_python):
    course, zip_path = build(released, tmp_path, "capstone")
    with zipfile.ZipFile(zip_path) as zf:
        names = set(zf.namelist())
    assert "data/hidden/mnist20_test.npz" in names
    # the capstone scores models with the earlier assignments' layers: those references, no more
    assert {n for n in names if n.startswith("solutions/")} == {
        f"solutions/{m}.py" for m in ("__init__", "activations", "backprop", "normalization", "capstone")}
    release_nb = course.release_notebooks("capstone")["capstone.ipynb"]
    layers, scores = quick_model()
    data = run_autograder(zip_path, tmp_path / "autograder", grader_python, "capstone",
                          fill(release_nb, reference_sources("capstone")), {MODEL_FILE: model_bytes(layers)})
    X, y = load_mnist20_test(REPO / "data" / "hidden" / "mnist20_test.npz")
    accuracy = float(np.mean(np.argmax(scores(X), axis=1) == y))
    assert data["leaderboard"] == [{"name": "Test accuracy", "value": round(accuracy, 4), "order": "desc"}]
    model_test = next(t for t in data["tests"] if t["name"] == "train_model")
    assert model_test["score"] == pytest.approx(model_test["max_score"] * points_fraction(accuracy), abs=1e-6)
    assert 0 < model_test["score"] < model_test["max_score"] and f"{accuracy:.1%}" in model_test["output"]
    assert data["score"] == sum(t["max_score"] for t in data["tests"] if t["name"] != "train_model") + model_test["score"]


def test_bad_input_is_one_error_line_and_writes_nothing(released, tmp_path, capsys):
    released[1][A]
    fresh = Course(tmp_path / "course").init(exchange=tmp_path / "exchange")
    for course, args, words in ((fresh, ["nope"], "unknown assignment 'nope'"),
                                (fresh, [A], f"'{A}' has not been released"),
                                (released[0], [A, "--to", str(tmp_path / "missing" / "a.zip")], "cannot write")):
        assert cli.main(["gradescope", *args, "--course", str(course.root)]) == 2
        err = capsys.readouterr().err
        assert len(err.strip().splitlines()) == 1 and words in err, err
    assert sorted(p.name for p in fresh.root.iterdir()) == ["nbgrader_config.py"]
    assert not (tmp_path / "missing").exists()
