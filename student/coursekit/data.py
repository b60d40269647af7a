"""The course's handwritten digits: 20x20 MNIST images, unrolled into 400 features.

    from coursekit.data import load_mnist20, show_digits

    X_train, y_train = load_mnist20("train")   # 3000 digits, 300 of each class 0-9
    X_val, y_val = load_mnist20("val")         # 1000 digits, 100 of each class
    show_digits(X_train, y_train)

Each row of X is one image read row by row: feature 20 * r + c is the pixel in row r, column c,
so `X[i].reshape(20, 20)` gives the picture back. Pixels are floats from 0.0 (background) to
1.0 (full ink). Where the data comes from and how it was made: data/README.md in the course repo.
"""

from pathlib import Path

import numpy as np

SIDE = 20  # images are SIDE x SIDE pixels
_TRAINVAL = Path(__file__).resolve().parent / "data" / "mnist20_trainval.npz"
_SPLITS = ("train", "val")


def _as_arrays(X, y):
    # Stored as uint8 0..255 to stay small; students work with float64 in [0, 1].
    return np.asarray(X, dtype=np.float64) / 255.0, np.asarray(y, dtype=np.int64)


def load_mnist20(split):
    """Load one split of the course's digits.

    Parameters
    ----------
    split : str
        "train" (3000 digits) to fit your model, or "val" (1000 digits) to choose
        hyperparameters and check for overfitting.

    Returns
    -------
    X : ndarray of float64, shape (N, 400)
        One image per row, pixels scaled to [0, 1].
    y : ndarray of int64, shape (N,)
        The digit shown in each row, 0 to 9.

    There is no "test" split here on purpose: the instructor keeps it and uses it only to
    grade the capstone, so your score measures how well your model does on digits it has
    never seen.
    """
    if split not in _SPLITS:
        raise ValueError(
            f"unknown split {split!r}: use 'train' or 'val'. The test split is held by the "
            "instructor and is used only to grade your capstone, so it is not included here; "
            "use 'val' to estimate how well your model generalises."
        )
    with np.load(_TRAINVAL) as f:
        return _as_arrays(f[f"X_{split}"], f[f"y_{split}"])


def load_mnist20_test(path):
    """Instructor side: the hidden test split, from the explicit `path` of mnist20_test.npz.

    Same conventions as load_mnist20: X float64 (1000, 400) in [0, 1], y int64 (1000,).
    """
    with np.load(path) as f:
        return _as_arrays(f["X_test"], f["y_test"])


def show_digits(X, y, n=16, ax=None):
    """Draw the first `n` digits of X in a grid, each with its label in the corner.

    Parameters
    ----------
    X : array, shape (N, 400)
        Images as returned by load_mnist20 (0..255 integers work too).
    y : array, shape (N,)
        Labels, true or predicted: whatever you want printed next to each digit.
    n : int
        How many digits to show (at most N).
    ax : matplotlib Axes, optional
        Where to draw; a new figure is made if omitted.

    Returns
    -------
    The matplotlib Axes drawn on.
    """
    import matplotlib.pyplot as plt  # imported here so loading data never needs matplotlib

    X, y = np.asarray(X)[:n], np.asarray(y)[:n]
    n = len(X)
    cols = int(np.ceil(np.sqrt(n)))
    rows = int(np.ceil(n / cols))
    # One mosaic image (a 1-pixel gap between digits) fits in a single Axes, so `ax` can be
    # any subplot of the student's own figure.
    pad = SIDE + 1
    mosaic = np.full((rows * pad - 1, cols * pad - 1), np.nan)
    for i, img in enumerate(X.reshape(n, SIDE, SIDE)):
        r, c = divmod(i, cols)
        mosaic[r * pad:r * pad + SIDE, c * pad:c * pad + SIDE] = img
    if ax is None:
        _, ax = plt.subplots(figsize=(1.2 * cols, 1.2 * rows))
    ax.imshow(mosaic, cmap="gray_r", interpolation="nearest")
    for i, label in enumerate(y):
        r, c = divmod(i, cols)
        ax.text(c * pad + 0.5, r * pad + 0.5, str(label), color="tab:red",
                fontsize=9, ha="left", va="top")
    ax.set_title(f"{n} digits with their labels")
    ax.set_axis_off()
    return ax
