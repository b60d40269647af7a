"""Reference implementations for the capstone.

Each function is the body of one solution cell of assignments/capstone/capstone.ipynb. The
hidden suite compares the first three with the student's; train_model is never called by the
grader: its item is scored from the model file it produced (see the suite). train_model uses the
notebook's provided cells (init_model, fit) and warmup_cosine_lr, so it runs in a notebook's
namespace (autograder.simulate.reference_namespace), not from this module alone.
"""
import numpy as np

# Never in any student-visible file, feedback or output (tests/test_capstone_suite.py checks).
CANARY = "course-canary-5b1e07c9a2d4f813"


def fold_batchnorm(W, b, gamma, beta, running_mean, running_var, eps=1e-5):
    """
    Fold an evaluation-mode batch norm into the affine layer before it.

    At test time batch norm is a fixed affine map of each feature,
        bn(z) = gamma * (z - running_mean) / sqrt(running_var + eps) + beta,
    so affine-then-batchnorm, bn(x @ W + b), is one affine layer x @ W_folded + b_folded.

    Inputs:
    - W: weights of shape (D, M); b: biases of shape (M,)
    - gamma, beta, running_mean, running_var: arrays of shape (M,), the batch norm's parameters
      and running statistics
    - eps: the float added to the variance (1e-5, as in PyTorch)

    Returns a tuple of:
    - W_folded: array of shape (D, M)
    - b_folded: array of shape (M,)
    The inputs are not changed.
    """
    scale = gamma / np.sqrt(running_var + eps)
    return W * scale, (b - running_mean) * scale + beta


def confusion_matrix(y_true, y_pred, num_classes=10):
    """
    Count how often each true class is predicted as each class.

    Inputs:
    - y_true: int array of shape (N,), the true labels, 0 <= y_true < num_classes
    - y_pred: int array of shape (N,), the predicted labels, 0 <= y_pred < num_classes
    - num_classes: C, the number of classes

    Returns:
    - counts: int64 array of shape (C, C); counts[i, j] is the number of examples of true class i
      predicted as class j. Rows are true classes, so the diagonal holds the correct predictions
      and every row sums to the number of examples of its class.
    """
    counts = np.zeros((num_classes, num_classes), dtype=np.int64)
    np.add.at(counts, (y_true, y_pred), 1)
    return counts


def warmup_cosine_lr(step, total_steps, lr_max, warmup_steps, lr_min=0.0):
    """
    The learning rate at update `step` (0, 1, 2, ...) of a linear warm-up then a cosine decay.

    - warm-up, step < warmup_steps:  lr = lr_max * (step + 1) / warmup_steps
      (it rises linearly and reaches lr_max at step warmup_steps - 1);
    - then, with t = (step - warmup_steps) / (total_steps - warmup_steps) going from 0 to 1:
      lr = lr_min + (lr_max - lr_min) * (1 + cos(pi * t)) / 2
      (lr_max at the first step after the warm-up, lr_min at step total_steps).

    Inputs:
    - step: int, 0 <= step <= total_steps
    - total_steps: int > warmup_steps, the number of updates of the whole run
    - lr_max: the peak learning rate, a float > 0
    - warmup_steps: int >= 0 (0: no warm-up)
    - lr_min: the final learning rate, a float >= 0

    Returns:
    - lr: a Python float
    """
    if step < warmup_steps:
        return float(lr_max * (step + 1) / warmup_steps)
    t = (step - warmup_steps) / (total_steps - warmup_steps)
    return float(lr_min + (lr_max - lr_min) * (1 + np.cos(np.pi * t)) / 2)


def train_model(X_train, y_train, X_val, y_val, rng):
    """
    Build and train your network; return it as a list of layers (the model file's format).

    Inputs:
    - X_train, y_train: the training digits, shapes (N, 400) and (N,)
    - X_val, y_val: the validation digits, to follow the training (never to train on)
    - rng: a numpy.random.Generator, the only source of randomness

    Returns:
    - layers: a list of layer dicts as init_model makes them (see coursekit.capstone), trained.
    It must run in about a minute.
    """
    layers = init_model([400, 256, 256, 10], rng, batchnorm=True, dropout=0.2)
    epochs, batch_size = 20, 64
    total = epochs * -(-len(X_train) // batch_size)   # the number of updates of the run
    fit(layers, X_train, y_train, X_val, y_val, epochs=epochs, batch_size=batch_size, rng=rng,
        lr_at=lambda step: warmup_cosine_lr(step, total, 2e-3, total // 20), max_shift=1)
    return layers
