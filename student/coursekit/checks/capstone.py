"""Visible checks for the capstone.

The three functions are checked on small inputs worked out by hand (the arithmetic is in the
comments). Your model is checked the way the grader checks it: the saved file is read with
coursekit.capstone.load_model (no pickle, size cap, the allowed layers only), then scored on the
validation digits; the grader does the same on the test digits, which you never see.

These checks help you find mistakes; your grade comes from separate hidden tests.
"""
import numpy as np

from coursekit.capstone import MODEL_FILE, THRESHOLDS, ModelRejected, load_model, points_fraction
from coursekit.checks._report import Checker
from coursekit.data import load_mnist20

__all__ = ["check_fold_batchnorm", "check_confusion_matrix", "check_warmup_cosine_lr", "check_train_model"]


def check_fold_batchnorm(fold_batchnorm):
    """Check fold_batchnorm(W, b, gamma, beta, running_mean, running_var, eps) -> (W_f, b_f)."""
    with Checker("check_fold_batchnorm") as c:
        # eps = 0 keeps the arithmetic exact: running_var = [4, 1] -> std [2, 1];
        # scale = gamma / std = [3 / 2, -1 / 1] = [1.5, -1]
        # W_f = W * scale (per column) = [[1.5, -2], [0, 1]]
        # b_f = (b - running_mean) * scale + beta = ([1, 0] - [3, -1]) * [1.5, -1] + [0.5, 2]
        #     = [-2 * 1.5, 1 * -1] + [0.5, 2] = [-2.5, 1]
        W, b = np.array([[1.0, 2.0], [0.0, -1.0]]), np.array([1.0, 0.0])
        bn = dict(gamma=np.array([3.0, -1.0]), beta=np.array([0.5, 2.0]),
                  running_mean=np.array([3.0, -1.0]), running_var=np.array([4.0, 1.0]))
        given = "W = [[1, 2], [0, -1]], b = [1, 0], gamma = [3, -1], beta = [0.5, 2], " \
                "running_mean = [3, -1], running_var = [4, 1], eps = 0"
        out = c.call_pure(fold_batchnorm, W, b, eps=0.0, **bn)
        W_f, b_f = c.expect_tuple(out, 2, "the result of fold_batchnorm")
        c.expect_close(W_f, [[1.5, -2.0], [0.0, 1.0]], "W_folded", given,
                       hint="Each column j of W is scaled by gamma[j] / sqrt(running_var[j] + eps).")
        c.expect_close(b_f, [-2.5, 1.0], "b_folded", given,
                       hint="The bias goes through the whole batch norm: subtract the running mean, "
                            "scale, then add beta.")
        # a property: the folded layer gives what affine-then-batchnorm gives, with eps = 1e-5
        rng = np.random.default_rng(0)
        x, W, b = rng.normal(size=(5, 3)), rng.normal(size=(3, 4)), rng.normal(size=4)
        g, be, m, v = rng.normal(size=4), rng.normal(size=4), rng.normal(size=4), rng.uniform(0.5, 2, 4)
        W_f, b_f = c.expect_tuple(c.call(fold_batchnorm, W, b, g, be, m, v), 2, "the result of fold_batchnorm")
        expected = g * (x @ W + b - m) / np.sqrt(v + 1e-5) + be
        c.expect_close(x @ W_f + b_f, expected, "x @ W_folded + b_folded",
                       "random x (5, 3), W (3, 4) and batch norm statistics, with the default eps")


def check_confusion_matrix(confusion_matrix):
    """Check confusion_matrix(y_true, y_pred, num_classes) -> counts (C, C)."""
    with Checker("check_confusion_matrix") as c:
        # true 0 0 1 2 2 2, predicted 0 1 1 2 0 2: row 0 = [1, 1, 0], row 1 = [0, 1, 0], row 2 = [1, 0, 2]
        y_true, y_pred = np.array([0, 0, 1, 2, 2, 2]), np.array([0, 1, 1, 2, 0, 2])
        given = "y_true = [0, 0, 1, 2, 2, 2], y_pred = [0, 1, 1, 2, 0, 2], num_classes = 3"
        counts = c.expect_array(c.call_pure(confusion_matrix, y_true, y_pred, 3), "counts", (3, 3),
                                dtype=np.int64, given=given)
        c.expect_close(counts, [[1, 1, 0], [0, 1, 0], [1, 0, 2]], "counts", given,
                       hint="Rows are the TRUE classes and columns the predictions."
                       if np.array_equal(counts, [[1, 0, 1], [1, 1, 0], [0, 0, 2]]) else None)
        # a class that never occurs still has its row and column
        counts = c.expect_array(c.call(confusion_matrix, np.array([1, 1]), np.array([1, 0]), 4), "counts",
                                (4, 4), dtype=None, given="y_true = [1, 1], y_pred = [1, 0], num_classes = 4")
        c.expect_close(counts, [[0, 0, 0, 0], [1, 1, 0, 0], [0, 0, 0, 0], [0, 0, 0, 0]], "counts",
                       "y_true = [1, 1], y_pred = [1, 0], num_classes = 4")


def check_warmup_cosine_lr(warmup_cosine_lr):
    """Check warmup_cosine_lr(step, total_steps, lr_max, warmup_steps, lr_min) -> float."""
    with Checker("check_warmup_cosine_lr") as c:
        # total 12, warm-up 4, lr_max 1: steps 0-3 give 1/4, 2/4, 3/4, 1; then t = (step - 4) / 8:
        # step 4 -> t = 0 -> 1; step 8 -> t = 1/2 -> (1 + cos(pi / 2)) / 2 = 0.5; step 12 -> 0
        for step, expected in [(0, 0.25), (1, 0.5), (3, 1.0), (4, 1.0), (8, 0.5), (12, 0.0)]:
            got = c.expect_number(c.call(warmup_cosine_lr, step, 12, 1.0, 4),
                                  f"warmup_cosine_lr({step}, 12, 1.0, 4)")
            c.expect_close(got, expected, f"the learning rate at step {step}",
                           "total_steps = 12, lr_max = 1, warmup_steps = 4")
        # no warm-up, lr_min = 0.1: step 5 of 10 is half way: 0.1 + 0.9 * 0.5 = 0.55
        got = c.expect_number(c.call(warmup_cosine_lr, 5, 10, 1.0, 0, lr_min=0.1),
                              "warmup_cosine_lr(5, 10, 1.0, 0, lr_min=0.1)")
        c.expect_close(got, 0.55, "the learning rate half way", "total_steps = 10, no warm-up, lr_min = 0.1")


def check_train_model(model_scores, path=MODEL_FILE, points=10):
    """Score the saved model file on the validation digits, as the grader scores it on the test
    digits: read with load_model, then the accuracy's points by the notebook's thresholds."""
    with Checker("check_train_model") as c:
        layers, why = None, ""
        try:
            layers = load_model(path)
        except ModelRejected as exc:
            why = str(exc)
        c.expect(layers is not None, f"the grader would give 0 points for the model: {why}.")
        X_val, y_val = load_mnist20("val")
        scores = c.expect_array(c.call(model_scores, layers, X_val), "model_scores(layers, X_val)",
                                (len(X_val), 10), given="your saved model")
        accuracy = float(np.mean(np.argmax(scores, axis=1) == y_val))
        (low, _), (high, _) = THRESHOLDS[0], THRESHOLDS[-1]
        print(f"check_train_model: validation accuracy {accuracy:.3f}: {points * points_fraction(accuracy):.1f} "
              f"of {points} points if the test digits behave like these ({low:.0%} or less gives 0, "
              f"{high:.0%} or more gives all {points}).")
