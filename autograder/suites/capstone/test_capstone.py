"""Hidden tests of the capstone (run in the grader's process; see grading.py and suite.py).

fold_batchnorm, confusion_matrix and warmup_cosine_lr are compared with the reference on fixed
inputs. train_model is never called: its item is scored from the model file submitted with the
notebook, read here (coursekit.capstone.load_model: size cap, no pickle, the layer vocabulary
only, checked shapes, finite float64, parameter and depth caps), and run here with the course's
reference layers on the hidden test digits, which never enter the sandbox. The accuracy earns a
fraction of the item's points by coursekit.capstone.THRESHOLDS (the table in the notebook).
"""
import numpy as np

from autograder.grading import expect_reference, fail, graded
from autograder.suites.capstone.variants import V
from coursekit.capstone import MODEL_FILE, ModelRejected, load_model, points_fraction
from coursekit.data import load_mnist20_test
from solutions import activations, backprop, normalization
from solutions import capstone as ref

# Never in any student-visible file, feedback or output (tests/test_capstone_suite.py checks).
CANARY = "course-canary-90d3c6e1f7a2b548"

POINTS = {"fold_batchnorm": 2, "confusion_matrix": 1, "warmup_cosine_lr": 1, "train_model": 10}
SUBMITTED_FILES = {"train_model": MODEL_FILE}   # graded from this file, not by a call
HIDDEN_DATA = ("mnist20_test.npz",)              # part of the suite's version

ACTIVATION_FORWARD = {"relu": activations.relu_forward, "leaky_relu": activations.leaky_relu_forward,
                      "elu": activations.elu_forward, "selu": activations.selu_forward,
                      "tanh": activations.tanh_forward, "sigmoid": activations.sigmoid_forward}


def _inputs(seed):
    return np.random.default_rng(2000 + seed)


# ------------------------------------------------------------------------------ fold_batchnorm

@graded("fold_batchnorm")
def test_fold_batchnorm(student):
    # a square W first (so that scaling rows instead of columns gives a wrong answer, not an error)
    for seed, (D, M), eps in [(1, (4, 4), 1e-5), (2, (5, 3), 1e-5), (3, (2, 6), 0.1)]:
        g = _inputs(seed)
        W, b = g.normal(size=(D, M)), g.normal(size=M)
        gamma, beta, mean = g.normal(size=M), g.normal(size=M), g.normal(size=M)
        var = g.uniform(0.2, 3.0, size=M)
        expect_reference(student, "fold_batchnorm", ref.fold_batchnorm, W, b, gamma, beta, mean, var,
                         eps=eps, mutants=V.mutants_of("fold_batchnorm"),
                         what=f"(W_folded, b_folded) = fold_batchnorm(W of shape {W.shape}, b, gamma, "
                              f"beta, running_mean, running_var, eps={eps})")


# ------------------------------------------------------------------------------ confusion_matrix

@graded("confusion_matrix")
def test_confusion_matrix(student):
    # repeated pairs, a class that never occurs (the last), more classes than labels seen
    for seed, n, classes in [(10, 40, 4), (11, 200, 10), (12, 7, 5)]:
        g = _inputs(seed)
        y_true = g.integers(0, classes - 1, size=n)
        y_pred = np.where(g.random(n) < 0.6, y_true, g.integers(0, classes - 1, size=n))
        expect_reference(student, "confusion_matrix", ref.confusion_matrix, y_true, y_pred, classes,
                         mutants=V.mutants_of("confusion_matrix"),
                         what=f"confusion_matrix(y_true, y_pred of {n} labels, num_classes={classes})")


# ------------------------------------------------------------------------------ warmup_cosine_lr

@graded("warmup_cosine_lr")
def test_warmup_cosine_lr(student):
    for total, lr_max, warmup, lr_min in [(100, 0.1, 10, 0.0), (50, 2e-3, 0, 1e-4), (30, 1.0, 7, 0.2)]:
        for step in sorted({0, 1, warmup - 1, warmup, warmup + 1, (warmup + total) // 2, total - 1, total}):
            if step < 0:
                continue
            expect_reference(student, "warmup_cosine_lr", ref.warmup_cosine_lr, step, total, lr_max,
                             warmup, lr_min=lr_min, mutants=V.mutants_of("warmup_cosine_lr"),
                             what=f"warmup_cosine_lr({step}, total_steps={total}, lr_max={lr_max}, "
                                  f"warmup_steps={warmup}, lr_min={lr_min})")


# ------------------------------------------------------------------------------ the model

def reference_scores(layers, X):
    """Class scores of a checked model in evaluation mode, with the course's reference layers."""
    out = X
    for layer in layers:
        kind = layer["type"]
        if kind == "affine":
            out, _ = backprop.affine_forward(out, layer["W"], layer["b"])
        elif kind == "batchnorm":
            out = normalization.batchnorm_forward(out, layer["gamma"], layer["beta"], layer["running_mean"],
                                                  layer["running_var"], mode="test")[0]
        elif kind != "dropout":   # dropout is the identity at test time
            out, _ = ACTIVATION_FORWARD[kind](out)
    return out


def hidden_accuracy(layers, hidden_data):
    X, y = load_mnist20_test(hidden_data / HIDDEN_DATA[0])
    with np.errstate(all="ignore"):
        scores = reference_scores(layers, X)
    if not np.all(np.isfinite(scores)):
        fail("Your model gives NaN or inf class scores on some test digits (its weights are finite, "
             "so some activation overflows: are the weights very large?).")
    return float(np.mean(np.argmax(scores, axis=1) == y)), len(y)


@graded("train_model")
def test_model_on_the_hidden_test_digits(submitted_files, hidden_data, credit):
    path = submitted_files.path(MODEL_FILE)
    if path is None:
        fail(f"No model file {MODEL_FILE} came with your notebook, so the model scores 0: run the "
             f"cell under train_model (it saves the file next to the notebook) and submit the file "
             f"with the notebook.")
    try:
        layers = load_model(path)
    except ModelRejected as exc:
        fail(f"Your model file was not accepted, so the model scores 0: {exc}.")
    accuracy, n = hidden_accuracy(layers, hidden_data)
    fraction = points_fraction(accuracy)
    credit(fraction, f"Your model's accuracy on the {n} hidden test digits is {accuracy:.1%}: "
                     f"{fraction:.0%} of the points (see the table in the notebook).", leaderboard=accuracy)
