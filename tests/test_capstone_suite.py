"""The capstone's hidden suite grades right (in-process, no kernel): what only it needs. The
checks every assignment gets are in tests/test_hidden_suites.py.

- the reference model (train_model with seed 0) trains in well under a minute and reaches the top
  threshold with room to spare: validation accuracy 0.963, test accuracy 0.968 when it was
  written (the test asserts at least 0.955 on both, against a top threshold of 0.94);
- every broken model file (wrong architecture, a pickle, over the cap, NaN weights, missing) gets
  its reason and 0 for the model item, and costs no other item anything;
- a model trained on a tenth of the digits scores between the thresholds, as interpolated;
- the notebook's model_scores (what the visible check uses) is the grader's forward pass, and the
  notebook states the thresholds the grader uses;
- the instructor's test-set command checks shape, dtype and labels; grading uses the new set.
"""
import re
import subprocess
import sys
import time
import zipfile

import numpy as np
import pytest

from autograder.simulate import reference_run
from autograder.suites.capstone import models
from autograder.suites.capstone.test_capstone import reference_scores
from coursekit.capstone import (MODEL_FILE, THRESHOLDS, ModelRejected, check_model, load_model,
                                model_bytes, points_fraction)
from coursekit.data import load_mnist20, load_mnist20_test
from hidden_suite import (describe_failures, notebook, points, points_by_item, reference_folder,
                          reference_namespace, run)
from conftest import REPO

A = "capstone"
HIDDEN = REPO / "data" / "hidden" / "mnist20_test.npz"


def _accuracy(layers, X, y):
    return float(np.mean(np.argmax(reference_scores(layers, X), axis=1) == y))


def test_reference_trains_within_a_minute_to_the_top_threshold_with_room_to_spare(report_time):
    namespace = reference_run(A)[0]   # the notebook's names: train_model uses its provided cells
    X, y = load_mnist20("train")
    X_val, y_val = load_mnist20("val")
    start = time.monotonic()
    layers = namespace["train_model"](X, y, X_val, y_val, np.random.default_rng(0))
    seconds = time.monotonic() - start
    report_time("capstone reference training (train_model, seed 0)", seconds)
    assert seconds < 60
    check_model(layers)
    X_test, y_test = load_mnist20_test(HIDDEN)
    val, test = _accuracy(layers, X_val, y_val), _accuracy(layers, X_test, y_test)
    assert val >= 0.955 and test >= 0.955, (val, test)      # top threshold 0.94
    # the file the demo and the suite use is this same model
    assert _accuracy(load_model(reference_folder(A) / MODEL_FILE), X_test, y_test) == test


@pytest.fixture(scope="module")
def broken(tmp_path_factory):
    """{student: folder with that student's files} for the demo's broken and weak models."""
    files = models.demo_files(reference_folder(A) / MODEL_FILE, reference_run(A)[0])
    out = {}
    for student, own in files.items():
        folder = tmp_path_factory.mktemp(student)
        for name, data in own.items():
            (folder / name).write_bytes(data)
        out[student] = folder
    return out


@pytest.mark.parametrize("student", [s for s, why in models.EXPECTED.items() if why])
def test_a_broken_model_gets_its_reason_and_zero_and_costs_nothing_else(broken, student):
    results, _ = run(A, reference_namespace(A), files=broken[student])
    scores = points_by_item(A, results)
    assert scores["train_model"] == 0
    assert all(scores[i] == p for i, p in points(A).items() if i != "train_model")
    (model,) = [r for r in results if r.item == "train_model"]
    assert not model.passed and model.kind == "failed" and models.EXPECTED[student] in model.message


def test_a_model_trained_on_a_tenth_of_the_digits_scores_between_the_thresholds(broken):
    results, _ = run(A, reference_namespace(A), files=broken["tenth-of-the-data"])
    (model,) = [r for r in results if r.item == "train_model"]
    assert model.passed, describe_failures(results)
    layers = load_model(broken["tenth-of-the-data"] / MODEL_FILE)
    accuracy = _accuracy(layers, *load_mnist20_test(HIDDEN))
    (low, _), (high, _) = THRESHOLDS
    assert low < accuracy < high
    expected = (accuracy - low) / (high - low)
    assert model.fraction == pytest.approx(expected) and 0 < expected < 1
    assert points_by_item(A, results)["train_model"] == pytest.approx(10 * expected)
    assert model.details == {"leaderboard": accuracy}
    assert f"{accuracy:.1%}" in model.message


def test_points_fraction_follows_the_notebook_table():
    assert [points_fraction(a) for a in (0.0, 0.80, 0.87, 0.94, 1.0)] == pytest.approx([0, 0, 0.5, 1, 1])
    intro = notebook(A).cells[0].source
    for accuracy, _ in THRESHOLDS:
        assert f"{accuracy:.0%}" in intro


def _random_model(rng):
    layers, width = [], 400
    for kind in ("relu", "leaky_relu", "elu", "selu", "tanh", "sigmoid"):
        layers.append({"type": "affine", "W": rng.normal(0, 1 / np.sqrt(width), (width, 12)), "b": rng.normal(size=12)})
        layers.append({"type": "batchnorm", "gamma": rng.normal(size=12), "beta": rng.normal(size=12),
                       "running_mean": rng.normal(size=12), "running_var": rng.uniform(0.1, 2, 12)})
        layers += [{"type": kind}, {"type": "dropout", "p": 0.3}]
        width = 12
    return layers + [{"type": "affine", "W": rng.normal(size=(12, 10)), "b": rng.normal(size=10)}]


def test_the_notebook_forward_pass_is_the_graders():
    namespace = reference_run(A)[0]
    X = load_mnist20("val")[0][:50]
    for layers in [_random_model(np.random.default_rng(s)) for s in range(3)] + [
            load_model(reference_folder(A) / MODEL_FILE)]:
        check_model(layers)
        np.testing.assert_allclose(namespace["model_scores"](layers, X), reference_scores(layers, X),
                                   rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize("make,reason", [
    (lambda layers: model_bytes(layers[:-1]), "must end with an affine layer"),
    (lambda layers: model_bytes(layers * 5), "layers; at most 40"),
    (lambda layers: model_bytes([{"type": "conv"}] + layers), "not one of the allowed"),
    (lambda layers: model_bytes([{"type": "affine", "W": np.zeros((400, 2600)), "b": np.zeros(2600)},
                                 {"type": "affine", "W": np.zeros((2600, 10)), "b": np.zeros(10)}]),
     "parameters"),
    (lambda layers: b"not a zip at all", "not an .npz"),
    (lambda layers: _npz_with(("architecture.npy", b"x" * 10)), "not a readable array"),
    (lambda layers: _object_array_npz(), "a pickle"),
])
def test_load_model_refuses_with_a_reason(tmp_path, make, reason):
    layers = load_model(reference_folder(A) / MODEL_FILE)
    (tmp_path / MODEL_FILE).write_bytes(make(layers))
    with pytest.raises(ModelRejected, match=re.escape(reason)):
        load_model(tmp_path / MODEL_FILE)


def _npz_with(*members):
    import io
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        for name, data in members:
            zf.writestr(name, data)
    return buf.getvalue()


def _object_array_npz():
    import io
    buf = io.BytesIO()
    np.save(buf, np.array([{"evil": 1}], dtype=object), allow_pickle=True)
    return _npz_with(("architecture.npy", buf.getvalue()))


def test_a_symlinked_model_file_is_not_read(tmp_path):
    (tmp_path / MODEL_FILE).symlink_to(reference_folder(A) / MODEL_FILE)
    results, _ = run(A, reference_namespace(A), files=tmp_path)
    assert points_by_item(A, results)["train_model"] == 0


def _cli(*args):
    return subprocess.run([sys.executable, "-m", "autograder.cli", *args], capture_output=True, text=True)


def test_the_instructor_test_set_command_checks_its_input(tmp_path):
    course = tmp_path / "course"
    assert _cli("init", str(course)).returncode == 0
    with np.load(HIDDEN) as f:
        X, y = f["X_test"], f["y_test"]
    bad = {"shape": dict(X_test=X[:, :399], y_test=y), "dtype": dict(X_test=X.astype(np.float64), y_test=y),
           "labels": dict(X_test=X, y_test=np.where(y == 3, 11, y)), "names": dict(X=X, y=y)}
    for name, arrays in bad.items():
        np.savez(tmp_path / f"{name}.npz", **arrays)
        out = _cli("test-set", str(tmp_path / f"{name}.npz"), "--course", str(course))
        assert out.returncode == 2 and len(out.stderr.strip().splitlines()) == 1, (name, out.stderr)
        assert not (course / "hidden").exists()
    np.savez(tmp_path / "own.npz", X_test=X[::-1], y_test=y[::-1])
    out = _cli("test-set", str(tmp_path / "own.npz"), "--course", str(course))
    assert out.returncode == 0, out.stderr
    assert (course / "hidden" / "mnist20_test.npz").read_bytes() == (tmp_path / "own.npz").read_bytes()


def test_collect_from_an_lms_zip_takes_the_model_file_with_the_notebook(released, tmp_path):
    from autograder import commands
    course, releases = released
    notebook_bytes = (releases[A] / f"{A}.ipynb").read_bytes()
    with zipfile.ZipFile(tmp_path / "lms.zip", "w") as zf:
        zf.writestr("amy/capstone.ipynb", notebook_bytes)
        zf.writestr("amy/capstone_model.npz", b"amy's model")
        zf.writestr("bob_4711_capstone.ipynb", notebook_bytes)
        zf.writestr("bob_4711_capstone_model.npz", b"bob's model")
        zf.writestr("cid/capstone.ipynb", notebook_bytes)
    assert commands.collect(course, A, tmp_path / "lms.zip") == ["amy", "bob", "cid"]
    for student, data in [("amy", b"amy's model"), ("bob", b"bob's model")]:
        assert course.path("submitted", student, A, MODEL_FILE).read_bytes() == data
    assert not course.path("submitted", "cid", A, MODEL_FILE).exists()
