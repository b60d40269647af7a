"""Model files the demo's extra capstone students submit, each with the outcome it must get
(`course demo` shows them; tests/test_capstone_suite.py and tests/test_lifecycle.py check them).

Each is made from the reference model: a network of the wrong architecture, a pickle, a file over
the size cap, NaN weights, no file at all, and a model trained on a tenth of the training digits,
which scores between the thresholds.
"""
import io
import pickle

import numpy as np

from coursekit.capstone import MAX_FILE_BYTES, MODEL_FILE, load_model, model_bytes
from coursekit.data import load_mnist20

# student -> words its feedback must hold; None: the model is accepted and scored
EXPECTED = {"wrong-architecture": "gets inputs of width", "pickled": "is a pickle",
            "oversized": "over the 16 MB limit", "nan-weights": "contains NaN or inf",
            "no-model-file": "No model file", "tenth-of-the-data": None}


def tenth_model(namespace):
    """The reference train_model (from a notebook's `namespace`) on 300 of the 3000 digits."""
    X, y = load_mnist20("train")
    X_val, y_val = load_mnist20("val")
    return namespace["train_model"](X[:300], y[:300], X_val, y_val, np.random.default_rng(0))


def demo_files(reference_path, namespace):
    """{student: {file name: bytes}} for the students of EXPECTED."""
    layers = load_model(reference_path)
    wrong = [dict(layer) for layer in layers]
    wrong[0]["W"] = layers[0]["W"][:300]           # a first layer for 300 inputs, not 400
    nan = [dict(layer) for layer in layers]
    nan[0]["W"] = layers[0]["W"].copy()
    nan[0]["W"][5, 7] = np.nan
    huge = io.BytesIO()
    np.savez(huge, junk=np.zeros(MAX_FILE_BYTES // 8 + 1000))
    return {"wrong-architecture": {MODEL_FILE: model_bytes(wrong)},
            "pickled": {MODEL_FILE: pickle.dumps(layers)},
            "oversized": {MODEL_FILE: huge.getvalue()},
            "nan-weights": {MODEL_FILE: model_bytes(nan)},
            "no-model-file": {},
            "tenth-of-the-data": {MODEL_FILE: model_bytes(tenth_model(namespace))}}
