"""The hidden test digits the capstone is graded on, and an instructor's own replacement.

The course ships data/hidden/mnist20_test.npz, derived from public MNIST (so a determined student
could rebuild it). `course test-set FILE` puts an instructor's own set in the course directory,
<course>/hidden/mnist20_test.npz, after checking it; grading then uses it, with no code changed.
Results graded on another set are graded again (the set is part of the suite's version).
"""
import io
import os
import zipfile
from pathlib import Path

import numpy as np

from autograder.course import CourseError
from autograder.suite import HIDDEN_DATA

TEST_SET = "mnist20_test.npz"
MAX_BYTES = 256 * 2**20
PIXELS, CLASSES = 400, 10


def folder(course):
    """The hidden-data folder grading uses for `course`: its own, if an instructor installed one."""
    own = course.path("hidden")
    return own if (own / TEST_SET).is_file() else HIDDEN_DATA


def check_test_set(path):
    """(X_test uint8 (N, 400), y_test int64 (N,)) of an .npz, or CourseError saying what is wrong."""
    path = Path(path)
    if not path.is_file():
        raise CourseError(f"no such file: {path}")
    if path.stat().st_size > MAX_BYTES:
        raise CourseError(f"{path} is over {MAX_BYTES // 2**20} MB")
    try:
        with np.load(io.BytesIO(path.read_bytes()), allow_pickle=False) as f:
            arrays = {k: f[k] for k in f.files}
    except (ValueError, OSError, zipfile.BadZipFile, EOFError) as exc:
        raise CourseError(f"{path} is not an .npz of arrays ({type(exc).__name__})") from None
    if sorted(arrays) != ["X_test", "y_test"]:
        raise CourseError(f"{path} must hold exactly X_test and y_test, not {sorted(arrays)}")
    X, y = arrays["X_test"], arrays["y_test"]
    if X.dtype != np.uint8 or X.ndim != 2 or X.shape[1] != PIXELS:
        raise CourseError(f"X_test must be uint8 of shape (N, {PIXELS}) (20x20 digits, 0-255), "
                          f"not {X.dtype} {X.shape}")
    if y.dtype != np.int64 or y.shape != (len(X),):
        raise CourseError(f"y_test must be int64 of shape ({len(X)},), not {y.dtype} {y.shape}")
    if len(X) < 100 or y.min() < 0 or y.max() >= CLASSES or len(np.unique(y)) != CLASSES:
        raise CourseError(f"y_test must label at least 100 digits with every class 0-{CLASSES - 1}")
    return X, y


def install(course, path):
    """Check the instructor's test set and make it the course's (atomically); returns its path."""
    course.require()
    X, _ = check_test_set(path)
    own = course.path("hidden")
    own.mkdir(exist_ok=True)
    os.chmod(own, 0o700)
    tmp = own / (TEST_SET + ".tmp")
    tmp.write_bytes(Path(path).read_bytes())
    os.replace(tmp, own / TEST_SET)
    return own / TEST_SET, len(X)
