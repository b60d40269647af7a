"""Plots used across the course's notebooks.

    from coursekit.plotting import plot_curves
    plot_curves({"no penalty": h0, "L2, lam=0.01": h1}, "loss", title="L2 regularization")

Each function draws on the matplotlib Axes you pass as `ax` (or on a new figure) and returns that
Axes, so you can add to it. matplotlib is imported only when a function is called.
"""
import numpy as np

__all__ = ["plot_curves", "mark_epoch", "plot_histograms", "plot_image_rows", "subplots"]

_NAMES = {"loss": "loss", "acc": "accuracy", "batch_loss": "training objective (mean minibatch loss)"}


def subplots(ncols=1, nrows=1, width=5.0, height=3.6, **kwargs):
    """A figure with nrows x ncols Axes of a readable size; returns (fig, axes)."""
    import matplotlib.pyplot as plt
    fig, axes = plt.subplots(nrows, ncols, figsize=(width * ncols, height * nrows), **kwargs)
    fig.set_layout_engine("constrained")
    return fig, axes


def plot_curves(histories, metric="loss", ax=None, title=None, ylabel=None, splits=("train", "val"),
                logy=False, colours=None):
    """Learning curves of one or more training runs.

    Parameters
    ----------
    histories : dict label -> history
        Histories as returned by coursekit.training.train (dicts of per-epoch lists).
    metric : str
        "loss" or "acc" draws the training curve (dashed) and the validation curve (solid) of each
        run in one colour (the legend names each run once, and the two line styles); any other key
        of the history (e.g. "batch_loss", "val_acc") is drawn
        alone.
    ax : matplotlib Axes, optional
    title, ylabel : str, optional
        Defaults say what is plotted.
    splits : tuple
        Which of "train" and "val" to draw for "loss" and "acc".
    logy : bool
        Logarithmic y axis.
    colours : dict label -> matplotlib colour, optional
        Give the same dict to every plot of a figure so that each run keeps one colour in all its
        panels; by default the runs take the colours of matplotlib's cycle in order.
    """
    import matplotlib.pyplot as plt
    if ax is None:
        _, ax = plt.subplots(figsize=(6, 4))
    styles = {"train": ("--", "training"), "val": ("-", "validation")}
    for i, (label, history) in enumerate(histories.items()):
        colour = _colour(label, i, colours)
        if metric in ("loss", "acc"):
            for j, split in enumerate(splits):
                values = history[f"{split}_{metric}"]
                # one legend entry per run (its colour); the line styles get their own entries below
                ax.plot(_epochs(history, values), values, styles[split][0], color=colour,
                        label=label if j == len(splits) - 1 else None)
        else:
            values = history[metric]
            ax.plot(_epochs(history, values), values, "-", color=colour, label=label)
    if metric in ("loss", "acc"):
        for split in splits:
            style, word = styles[split]
            ax.plot([], [], style, color="gray", label=word)
    ax.set_xlabel("epoch")
    ax.set_ylabel(ylabel or _NAMES.get(metric, metric.replace("_", " ")))
    if logy:
        ax.set_yscale("log")
    ax.set_title(title or f"{_NAMES.get(metric, metric)} per epoch")
    ax.legend(fontsize="small")
    ax.grid(alpha=0.3)
    return ax


def _colour(label, i, colours):
    return (colours or {}).get(label, f"C{i % 10}")


def _epochs(history, values):
    return history.get("epoch", list(range(len(values))))[:len(values)]


def mark_epoch(ax, epoch, label=None, color="k"):
    """A dotted vertical line at `epoch` (e.g. the best epoch of early stopping), with a label
    for the legend."""
    ax.axvline(epoch, linestyle=":", color=color, label=label)
    if label:
        ax.legend(fontsize="small")
    return ax


def plot_histograms(arrays, ax=None, bins=60, title="histogram", xlabel="value", logy=False,
                    range=None, colours=None):
    """Overlaid histograms of the entries of several arrays.

    Parameters
    ----------
    arrays : dict label -> array
        Every entry of each array goes into its histogram.
    bins : int
        Number of bins, shared by all histograms (over their common range).
    logy : bool
        Logarithmic count axis (shows rare large values and big spikes together).
    range : (low, high), optional
        The range of the bins; by default that of all the values.
    colours : dict label -> matplotlib colour, optional
        As for plot_curves: one colour per label in every panel.
    """
    import matplotlib.pyplot as plt
    if ax is None:
        _, ax = plt.subplots(figsize=(6, 4))
    flat = {label: np.ravel(a) for label, a in arrays.items()}
    if range is None:
        everything = np.concatenate(list(flat.values()))
        range = (float(everything.min()), float(everything.max()))
    edges = np.linspace(range[0], range[1], bins + 1)
    for i, (label, values) in enumerate(flat.items()):
        ax.hist(values, bins=edges, histtype="step", linewidth=1.5, label=label, color=_colour(label, i, colours))
    ax.set_xlabel(xlabel)
    ax.set_ylabel("count" + (" (log scale)" if logy else ""))
    if logy:
        ax.set_yscale("log")
    ax.set_title(title)
    ax.legend(fontsize="small")
    return ax


def plot_image_rows(rows, row_labels, title, n=8, shape=(20, 20), clip=99.5, colorbar_label="value",
                    column_labels=None):
    """Rows of small images (e.g. digits, or the incoming weights of hidden units) on ONE colour
    scale shared by every row, blue < 0 (white) < red, with a colorbar: rows can be compared by
    their colours.

    Parameters
    ----------
    rows : list of arrays of shape (m, prod(shape)), m >= n
        Row r shows the first n entries of rows[r], each reshaped to `shape`.
    row_labels : list of str
        One label per row, shown on its left.
    title : str
    column_labels : list of n str, optional
        A small title above each image of the first row.
    clip : float
        The scale reaches the clip-th percentile of all |values| shown (100: the largest), so that
        a few extreme pixels do not wash out everything else; larger values show in the end colours.
    Returns the figure.
    """
    import matplotlib.pyplot as plt
    shown = [np.asarray(images)[:n] for images in rows]
    limit = float(np.percentile(np.abs(np.concatenate([s.ravel() for s in shown])), clip)) or 1.0
    fig, axes = plt.subplots(len(rows), n, figsize=(1.3 * n + 1.2, 1.45 * len(rows) + 0.4),
                             layout="constrained", squeeze=False)
    for r, (images, label) in enumerate(zip(shown, row_labels)):
        for k in range(n):
            ax = axes[r, k]
            image = ax.imshow(images[k].reshape(shape), cmap="RdBu_r", vmin=-limit, vmax=limit)
            ax.set_xticks([])
            ax.set_yticks([])
            if r == 0 and column_labels is not None:
                ax.set_title(column_labels[k], fontsize=8)
        axes[r, 0].set_ylabel(label, fontsize=8)
    extend = "both" if max(np.abs(s).max() for s in shown) > limit else "neither"
    fig.colorbar(image, ax=axes, shrink=0.9, extend=extend, label=colorbar_label)
    fig.suptitle(title)
    return fig
