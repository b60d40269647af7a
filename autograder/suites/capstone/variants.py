"""Known-wrong (mutants) and known-correct (alternatives) answers for the capstone's functions.

train_model has none: the grader never calls it, it scores the model file (tests/test_capstone_suite.py
submits wrong and weak files). DEMO_FILES names the model files of the demo's extra students.
"""
import numpy as np

from autograder.variants import Variants
from solutions import capstone as ref

V = Variants(reference=ref)

# ---------------------------------------------------------------- fold_batchnorm

V.edit_mutant("fold_batchnorm", "fold_std_without_sqrt",
              hint="The scale divides by the running variance itself; batch norm divides by the "
                   "standard deviation, the square root of (running_var + eps).",
              replace={"np.sqrt(running_var + eps)": "(running_var + eps)"})
V.edit_mutant("fold_batchnorm", "fold_bias_not_scaled",
              hint="The bias is shifted by the running mean but not scaled: b goes through the "
                   "whole batch norm, like every pre-activation.",
              replace={"(b - running_mean) * scale + beta": "b - running_mean * scale + beta"})
V.edit_mutant("fold_batchnorm", "fold_rows_scaled",
              hint="The scale is applied to the rows of W; each output unit j is a column of "
                   "W (fan_in, fan_out), so column j is the one scaled by scale[j].",
              replace={"W * scale,": "W * scale[:, None],"})
V.edit_mutant("fold_batchnorm", "fold_without_beta",
              hint="beta, the batch norm's shift, is missing from the folded bias.",
              replace={"* scale + beta": "* scale"})


@V.alternative("fold_batchnorm")
def fold_with_diag(W, b, gamma, beta, running_mean, running_var, eps=1e-5):
    std = np.sqrt(running_var + eps)
    D = np.diag(gamma / std)
    return W @ D, beta + gamma * (b - running_mean) / std


# ---------------------------------------------------------------- confusion_matrix

V.edit_mutant("confusion_matrix", "confusion_transposed",
              hint="Rows and columns are swapped: rows are the TRUE classes, columns the predictions.",
              replace={"(y_true, y_pred)": "(y_pred, y_true)"})


@V.mutant("confusion_matrix", hint="Repeated pairs are counted once: fancy-index assignment "
                                   "(counts[i, j] += 1 on arrays) does not accumulate duplicates.")
def confusion_no_duplicates(y_true, y_pred, num_classes=10):
    counts = np.zeros((num_classes, num_classes), dtype=np.int64)
    counts[y_true, y_pred] += 1
    return counts


@V.mutant("confusion_matrix", hint="The matrix only has as many classes as appear in the labels; "
                                   "it should be num_classes x num_classes even when a class is absent.")
def confusion_size_from_data(y_true, y_pred, num_classes=10):
    n = int(max(y_true.max(), y_pred.max())) + 1
    counts = np.zeros((n, n), dtype=np.int64)
    np.add.at(counts, (y_true, y_pred), 1)
    return counts


@V.alternative("confusion_matrix")
def confusion_by_bincount(y_true, y_pred, num_classes=10):
    flat = np.bincount(y_true * num_classes + y_pred, minlength=num_classes * num_classes)
    return flat.reshape(num_classes, num_classes).astype(np.int64)


# ---------------------------------------------------------------- warmup_cosine_lr

V.edit_mutant("warmup_cosine_lr", "warmup_starts_at_zero",
              hint="The warm-up starts at 0: at step 0 the rate is lr_max / warmup_steps, so that "
                   "the first update already moves (it reaches lr_max at step warmup_steps - 1).",
              replace={"float(lr_max * (step + 1) / warmup_steps)": "float(lr_max * step / warmup_steps)"})
V.edit_mutant("warmup_cosine_lr", "cosine_over_all_steps",
              hint="The cosine runs over all the steps instead of those after the warm-up: t should "
                   "go from 0 at step warmup_steps to 1 at step total_steps.",
              replace={"\n    t = (step - warmup_steps) / (total_steps - warmup_steps)": "\n    t = step / total_steps"})
V.edit_mutant("warmup_cosine_lr", "cosine_without_half",
              hint="The cosine factor (1 + cos(pi t)) goes from 2 to 0: divide it by 2, so that the "
                   "rate starts the decay at lr_max.",
              replace={"(1 + np.cos(np.pi * t)) / 2": "(1 + np.cos(np.pi * t))"})
V.edit_mutant("warmup_cosine_lr", "cosine_ignores_lr_min",
              hint="lr_min is ignored: the decay should end at lr_min, not at 0.",
              replace={"float(lr_min + (lr_max - lr_min) *": "float(lr_max *"})


@V.alternative("warmup_cosine_lr")
def warmup_cosine_with_sin(step, total_steps, lr_max, warmup_steps, lr_min=0.0):
    if step < warmup_steps:
        return lr_max * (step + 1) / warmup_steps
    t = (step - warmup_steps) / (total_steps - warmup_steps)
    return lr_min + (lr_max - lr_min) * np.cos(np.pi * t / 2) ** 2   # (1 + cos x) / 2 = cos^2(x / 2)


DEMO_MISTAKES = ("fold_bias_not_scaled", "confusion_transposed", "cosine_over_all_steps")

from autograder.suites.capstone.models import demo_files  # noqa: E402,F401 - the demo's extra students
