"""A small, general training loop for the course's notebooks.

    from coursekit.training import minibatches, train

    history = train(params, loss_and_grads, X, y, X_val, y_val, epochs=20, lr=0.1,
                    batch_size=50, rng=np.random.default_rng(0), predict=predict, loss=loss)

`params` is a dict name -> numpy array (e.g. {"W1": ..., "b1": ..., "W2": ..., "b2": ...}). You
bring the model; this module only runs the loop and keeps the records:

- `loss_and_grads(params, X_batch, y_batch) -> (loss, grads)` computes the training objective on
  one minibatch (with dropout on, penalties added: whatever you train with) and `grads`, a dict
  with the same keys as `params`.
- `predict(params, X) -> scores` gives the model's class scores, shape (N, C), in evaluation mode
  (no dropout); the predicted class is the argmax of each row.
- `loss(scores, y) -> float` is the data loss of those scores (without any penalty).

The loop updates `params` IN PLACE (params[name] -= lr * grads[name] by default), so copy them
first (`{k: v.copy() for k, v in params.items()}`) if you want to keep the starting point.
Nothing here touches numpy's global random state: all shuffling uses the `rng` you pass in.
"""
import time

import numpy as np

__all__ = ["minibatches", "train", "accuracy", "copy_params"]


def minibatches(X, y, batch_size, rng):
    """Yield (X_batch, y_batch) pairs that cover the data once, in a random order.

    Parameters
    ----------
    X : array, shape (N, ...)
    y : array, shape (N, ...)
    batch_size : int
        Rows per batch; the last batch is smaller when N is not a multiple of it.
    rng : numpy.random.Generator
        Source of the shuffling (a new order on every call).
    """
    if len(X) != len(y):
        raise ValueError(f"X has {len(X)} rows but y has {len(y)}")
    order = rng.permutation(len(X))
    for start in range(0, len(X), batch_size):
        idx = order[start:start + batch_size]
        yield X[idx], y[idx]


def accuracy(scores, y):
    """Fraction of rows whose highest score is at the true class y."""
    return float(np.mean(np.argmax(scores, axis=1) == y))


def copy_params(params):
    """A copy of a dict of arrays (the arrays are copied too)."""
    return {name: np.array(value, copy=True) for name, value in params.items()}


def train(params, loss_and_grads, X, y, X_val, y_val, epochs, lr, batch_size, rng,
          predict=None, loss=None, update=None, on_epoch=None, verbose=False):
    """Train with minibatch gradient descent and record how it went, epoch by epoch.

    Parameters
    ----------
    params : dict name -> array
        The model's parameters. Updated in place.
    loss_and_grads : callable
        `loss_and_grads(params, X_batch, y_batch) -> (loss, grads)`, grads a dict like params.
    X, y : arrays
        Training data, shapes (N, D) and (N,).
    X_val, y_val : arrays
        Validation data, used only for the records (never for the updates).
    epochs : int
        Number of passes over the training data (fewer if `on_epoch` stops the run).
    lr : float
        Learning rate of the default update `params[name] -= lr * grads[name]`. Ignored when
        you pass your own `update`.
    batch_size : int
        Rows per minibatch.
    rng : numpy.random.Generator
        Shuffles the training data each epoch (and nothing else).
    predict : callable, optional
        `predict(params, X) -> scores` of shape (N, C), in evaluation mode. Needed for the
        accuracies and, with `loss`, for the train and validation losses.
    loss : callable, optional
        `loss(scores, y) -> float`, the data loss of predict's scores.
    update : callable, optional
        `update(params, grads)` changes params in place; replaces plain SGD (for momentum,
        Adam, clipping, constraints such as max-norm...).
    on_epoch : callable, optional
        `on_epoch(epoch, params, history)` is called after each epoch's records are made;
        if it returns True, training stops there (this is where early stopping plugs in).
    verbose : bool
        Print one line per epoch.

    Returns
    -------
    history : dict of lists, one entry per epoch completed:
        "epoch"       0, 1, 2, ...
        "batch_loss"  mean of loss_and_grads' losses over the epoch's minibatches (the
                      objective actually minimised: with dropout noise and penalties)
        "train_loss", "val_loss"  loss(predict(params, X), y) after the epoch (nan without
                      `predict` and `loss`)
        "train_acc", "val_acc"    accuracy after the epoch (nan without `predict`)
        "seconds"     wall time of the epoch's updates
    """
    history = {key: [] for key in
               ("epoch", "batch_loss", "train_loss", "val_loss", "train_acc", "val_acc", "seconds")}
    for epoch in range(epochs):
        start = time.perf_counter()
        batch_losses = []
        for X_batch, y_batch in minibatches(X, y, batch_size, rng):
            value, grads = loss_and_grads(params, X_batch, y_batch)
            batch_losses.append(float(value))
            if update is None:
                for name in params:
                    params[name] -= lr * grads[name]
            else:
                update(params, grads)
        seconds = time.perf_counter() - start

        history["epoch"].append(epoch)
        history["batch_loss"].append(float(np.mean(batch_losses)))
        history["seconds"].append(seconds)
        for split, (Xs, ys) in (("train", (X, y)), ("val", (X_val, y_val))):
            scores = predict(params, Xs) if predict is not None else None
            history[f"{split}_loss"].append(float(loss(scores, ys)) if scores is not None and loss is not None
                                            else float("nan"))
            history[f"{split}_acc"].append(accuracy(scores, ys) if scores is not None else float("nan"))
        if verbose:
            print(f"epoch {epoch:3d}  batch loss {history['batch_loss'][-1]:.4f}  "
                  f"train loss {history['train_loss'][-1]:.4f} acc {history['train_acc'][-1]:.3f}  "
                  f"val loss {history['val_loss'][-1]:.4f} acc {history['val_acc'][-1]:.3f}")
        if not np.isfinite(history["batch_loss"][-1]):
            print(f"epoch {epoch}: the training loss is {history['batch_loss'][-1]}; stopping "
                  "(try a smaller learning rate).")
            break
        if on_epoch is not None and on_epoch(epoch, params, history):
            break
    return history
