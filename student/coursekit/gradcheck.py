"""Gradient checking: compare an analytic gradient with a numerical one.

    from coursekit.gradcheck import numerical_gradient, relative_error

    f = lambda W: my_loss(W, X, y)                 # a function of one array, returning a number
    num = numerical_gradient(f, W)                 # centred differences, one entry at a time
    print(relative_error(my_grad(W, X, y), num))   # about 1e-7 or less: the gradient is right

A derivative is a limit: df/dx = lim (f(x + h) - f(x - h)) / (2h) as h -> 0. With a small h
(1e-5) and float64 numbers, this "centred difference" is accurate to about h**2, so it is a
reliable check of a gradient you derived by hand. Two caveats: it costs two evaluations of f per
entry of x (use small inputs), and it is wrong near a kink such as ReLU's at 0, where f has no
derivative (keep inputs away from kinks).
"""
import numpy as np

__all__ = ["numerical_gradient", "numerical_gradient_array", "relative_error"]


def numerical_gradient(f, x, h=1e-5):
    """Centred-difference gradient of a scalar function f at x.

    Parameters
    ----------
    f : callable
        f(x) -> a number. It is called with x itself, changed in place one entry at a time.
    x : numpy array of float64
        Where to take the gradient. Restored to its original values before returning.
    h : float
        Step size.

    Returns
    -------
    grad : array of the shape of x, grad[i] ~ (f(x + h e_i) - f(x - h e_i)) / (2 h).
    """
    x = _check_float(x)
    grad = np.zeros_like(x)
    for i in np.ndindex(x.shape):
        old = x[i]
        x[i] = old + h
        f_plus = float(f(x))
        x[i] = old - h
        f_minus = float(f(x))
        x[i] = old
        grad[i] = (f_plus - f_minus) / (2 * h)
    return grad


def numerical_gradient_array(f, x, dout, h=1e-5):
    """Centred-difference gradient of sum(f(x) * dout) for an array-valued f.

    This is what a backward pass computes: given the upstream gradient dout (the shape of f's
    output), the gradient with respect to x.

    Parameters
    ----------
    f : callable
        f(x) -> an array of the shape of dout. Called with x changed in place, one entry at a time.
    x : numpy array of float64
        Restored to its original values before returning.
    dout : array
        Upstream gradient.
    h : float
        Step size.

    Returns
    -------
    dx : array of the shape of x.
    """
    x = _check_float(x)
    grad = np.zeros_like(x)
    for i in np.ndindex(x.shape):
        old = x[i]
        x[i] = old + h
        plus = np.array(f(x), dtype=np.float64, copy=True)
        x[i] = old - h
        minus = np.array(f(x), dtype=np.float64, copy=True)
        x[i] = old
        grad[i] = np.sum((plus - minus) * dout) / (2 * h)
    return grad


def relative_error(a, b):
    """The largest relative difference between two arrays: max |a - b| / max(|a| + |b|, 1e-8).

    Relative, so that it means the same for large and small gradients. Rough guide in float64:
    below 1e-7 the gradients agree; around 1e-4 something is probably wrong (unless you are near a
    kink); above 1e-2 the gradient is wrong.
    """
    a, b = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    if a.shape != b.shape:
        raise ValueError(f"the arrays have different shapes: {a.shape} and {b.shape}")
    if a.size == 0:
        return 0.0
    return float(np.max(np.abs(a - b) / np.maximum(np.abs(a) + np.abs(b), 1e-8)))


def _check_float(x):
    if not isinstance(x, np.ndarray) or x.dtype != np.float64:
        raise TypeError("numerical gradients need x to be a float64 numpy array (it is changed in "
                        f"place, one entry at a time); got {type(x).__name__}"
                        + (f" of dtype {x.dtype}" if isinstance(x, np.ndarray) else ""))
    return x
