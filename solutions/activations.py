"""Reference implementations for the activations assignment.

Each function is the body of one solution cell of assignments/activations/activations.ipynb.
They never call each other, so that one wrong function costs only its own points. numpy only,
float64.

Every forward function returns (out, cache) and every backward function takes (dout, cache), in
the style of CS231n. The caches hold what the notebook documents ((x, out) for most functions),
but the hidden tests give each backward function the cache of the student's OWN forward function,
so a student who stores something else (and uses it consistently) is graded right.
"""
import numpy as np


def collapse_linear_stack(weights, biases):
    """
    Collapse a stack of linear layers into ONE equivalent linear layer.

    The stack maps a batch x of shape (N, D_0) through L linear layers with no activation
    function in between:
        h_1 = x @ W_1 + b_1,  h_2 = h_1 @ W_2 + b_2,  ...,  out = h_{L-1} @ W_L + b_L.
    Find W and b such that x @ W + b equals out for EVERY x.

    Inputs:
    - weights: list of L arrays [W_1, ..., W_L], W_l of shape (D_{l-1}, D_l)
    - biases: list of L arrays [b_1, ..., b_L], b_l of shape (D_l,)

    Returns a tuple of:
    - W: array of shape (D_0, D_L)
    - b: array of shape (D_L,)
    """
    W = weights[0]
    b = biases[0]
    for W_l, b_l in zip(weights[1:], biases[1:]):
        # (x @ W + b) @ W_l + b_l = x @ (W @ W_l) + (b @ W_l + b_l)
        W = W @ W_l
        b = b @ W_l + b_l
    return W, b


def sigmoid_forward(x):
    """
    Forward pass of the logistic sigmoid, sigma(x) = 1 / (1 + exp(-x)), elementwise.

    It must give the right answer for every x, including x = 1000 and x = -1000, without
    producing nan: np.exp(1000) overflows to inf, so choose your formula with care.

    Input:
    - x: numpy array of any shape

    Returns a tuple of:
    - out: array of the same shape as x, out = sigma(x)
    - cache: (x, out), for sigmoid_backward
    """
    e = np.exp(-np.abs(x))  # in (0, 1]: never overflows
    # for x >= 0: 1 / (1 + e^-x); for x < 0 multiply top and bottom by e^x: e^x / (1 + e^x)
    out = np.where(x >= 0, 1.0 / (1.0 + e), e / (1.0 + e))
    cache = (x, out)
    return out, cache


def sigmoid_backward(dout, cache):
    """
    Backward pass of the sigmoid.

    Inputs:
    - dout: upstream gradient dL/dout, an array of the shape of x
    - cache: the cache returned by sigmoid_forward, (x, out)

    Returns:
    - dx: gradient dL/dx, of the shape of x: dout * sigma'(x), with sigma' = sigma * (1 - sigma)
    """
    x, out = cache
    dx = dout * out * (1.0 - out)
    return dx


def tanh_forward(x):
    """
    Forward pass of the hyperbolic tangent, tanh(x) = (e^x - e^-x) / (e^x + e^-x), elementwise.

    Like sigmoid_forward, it must work for every x, including x = 1000 and x = -1000 (no nan).
    You may use np.tanh.

    Input:
    - x: numpy array of any shape

    Returns a tuple of:
    - out: array of the same shape as x, out = tanh(x)
    - cache: (x, out), for tanh_backward
    """
    out = np.tanh(x)
    cache = (x, out)
    return out, cache


def tanh_backward(dout, cache):
    """
    Backward pass of tanh.

    Inputs:
    - dout: upstream gradient, an array of the shape of x
    - cache: the cache returned by tanh_forward, (x, out)

    Returns:
    - dx: gradient with respect to x: dout * tanh'(x), with tanh' = 1 - tanh^2
    """
    x, out = cache
    dx = dout * (1.0 - out ** 2)
    return dx


def relu_forward(x):
    """
    Forward pass of the rectified linear unit, relu(x) = max(0, x), elementwise.

    The input x must not be changed: return a new array.

    Input:
    - x: numpy array of any shape

    Returns a tuple of:
    - out: array of the same shape as x
    - cache: (x, out), for relu_backward
    """
    out = np.maximum(0.0, x)
    cache = (x, out)
    return out, cache


def relu_backward(dout, cache):
    """
    Backward pass of the ReLU.

    relu'(x) is 1 for x > 0 and 0 for x < 0. At exactly x = 0 relu has a kink and no derivative;
    use 0 there, as PyTorch does.

    Inputs:
    - dout: upstream gradient, an array of the shape of x
    - cache: the cache returned by relu_forward, (x, out)

    Returns:
    - dx: gradient with respect to x, of the shape of x
    """
    x, out = cache
    dx = dout * (x > 0)
    return dx


def leaky_relu_forward(x, negative_slope=0.01):
    """
    Forward pass of the leaky ReLU: x for x > 0 and negative_slope * x for x <= 0, elementwise.

    Input:
    - x: numpy array of any shape
    - negative_slope: the slope for negative inputs, a small float 0 <= negative_slope < 1;
      PyTorch's default 0.01

    Returns a tuple of:
    - out: array of the same shape as x
    - cache: (x, negative_slope), for leaky_relu_backward
    """
    out = np.where(x > 0, x, negative_slope * x)
    cache = (x, negative_slope)
    return out, cache


def leaky_relu_backward(dout, cache):
    """
    Backward pass of the leaky ReLU.

    The derivative is 1 for x > 0 and negative_slope for x < 0; at exactly x = 0 use
    negative_slope, as PyTorch does.

    Inputs:
    - dout: upstream gradient, an array of the shape of x
    - cache: the cache returned by leaky_relu_forward, (x, negative_slope)

    Returns:
    - dx: gradient with respect to x, of the shape of x
    """
    x, negative_slope = cache
    dx = dout * np.where(x > 0, 1.0, negative_slope)
    return dx


def prelu_forward(x, a):
    """
    Forward pass of the parametric ReLU (PReLU): x for x > 0 and a * x for x <= 0.

    PReLU is a leaky ReLU whose slope a is a parameter learned by gradient descent, like a
    weight. Here one slope is shared by every entry of x (like torch.nn.PReLU(), which starts
    with a = 0.25). Since a is learned, it can be any number: negative, or larger than 1.

    Inputs:
    - x: numpy array of any shape
    - a: the slope for x <= 0, a float

    Returns a tuple of:
    - out: array of the same shape as x
    - cache: (x, a), for prelu_backward
    """
    out = np.where(x > 0, x, a * x)
    cache = (x, a)
    return out, cache


def prelu_backward(dout, cache):
    """
    Backward pass of PReLU: the gradients with respect to the input AND to the slope a.

    dx: the derivative is 1 for x > 0 and a for x <= 0 (at exactly x = 0: a, as PyTorch).
    da: a is used by every entry of x, so its gradient is the sum over all entries of
        dout * d out / d a, where d out / d a = x for x <= 0 and 0 for x > 0:
        da = sum(dout * x * [x <= 0]).

    Inputs:
    - dout: upstream gradient, an array of the shape of x
    - cache: the cache returned by prelu_forward, (x, a)

    Returns a tuple of:
    - dx: gradient with respect to x, of the shape of x
    - da: gradient with respect to a, a Python float
    """
    x, a = cache
    dx = dout * np.where(x > 0, 1.0, a)
    da = float(np.sum(dout * x * (x <= 0)))
    return dx, da


def elu_forward(x, alpha=1.0):
    """
    Forward pass of the exponential linear unit (ELU), elementwise:
        elu(x) = x                       for x > 0
        elu(x) = alpha * (exp(x) - 1)    for x <= 0

    Input:
    - x: numpy array of any shape
    - alpha: a float > 0, the value -alpha that elu(x) approaches for very negative x;
      PyTorch's default 1.0

    Returns a tuple of:
    - out: array of the same shape as x
    - cache: (x, out, alpha), for elu_backward
    """
    # np.expm1(v) = exp(v) - 1, computed accurately even for tiny v; np.minimum(x, 0): exp is
    # only needed for x <= 0, and exp of a large positive x would overflow (harmlessly, since
    # np.where discards it, but with a warning)
    out = np.where(x > 0, x, alpha * np.expm1(np.minimum(x, 0.0)))
    cache = (x, out, alpha)
    return out, cache


def elu_backward(dout, cache):
    """
    Backward pass of the ELU.

    The derivative is 1 for x > 0 and alpha * exp(x) for x <= 0; at exactly x = 0 use
    alpha (the left derivative), as PyTorch does.

    Inputs:
    - dout: upstream gradient, an array of the shape of x
    - cache: the cache returned by elu_forward, (x, out, alpha)

    Returns:
    - dx: gradient with respect to x, of the shape of x
    """
    x, out, alpha = cache
    dx = dout * np.where(x > 0, 1.0, alpha * np.exp(np.minimum(x, 0.0)))
    return dx


def selu_forward(x):
    """
    Forward pass of the scaled exponential linear unit (SELU), elementwise:
        selu(x) = scale * x                       for x > 0
        selu(x) = scale * alpha * (exp(x) - 1)    for x <= 0
    with the constants (use them to full precision):
        alpha = 1.6732632423543772848
        scale = 1.0507009873554804934

    Input:
    - x: numpy array of any shape

    Returns a tuple of:
    - out: array of the same shape as x
    - cache: (x, out), for selu_backward
    """
    alpha = 1.6732632423543772848
    scale = 1.0507009873554804934
    out = scale * np.where(x > 0, x, alpha * np.expm1(np.minimum(x, 0.0)))  # expm1: see elu_forward
    cache = (x, out)
    return out, cache


def selu_backward(dout, cache):
    """
    Backward pass of SELU.

    The derivative is scale for x > 0 and scale * alpha * exp(x) for x <= 0; at exactly x = 0
    use scale * alpha (the left derivative), as PyTorch does. The constants are those of
    selu_forward.

    Inputs:
    - dout: upstream gradient, an array of the shape of x
    - cache: the cache returned by selu_forward, (x, out)

    Returns:
    - dx: gradient with respect to x, of the shape of x
    """
    alpha = 1.6732632423543772848
    scale = 1.0507009873554804934
    x, out = cache
    dx = dout * scale * np.where(x > 0, 1.0, alpha * np.exp(np.minimum(x, 0.0)))
    return dx


def maxout_forward(x, W, b):
    """
    Forward pass of a maxout layer with k linear pieces.

    Each of the H output units computes k linear functions of the input (its "pieces") and
    outputs the largest:
        z[j] = x @ W[j] + b[j]            for j = 0, ..., k-1, each of shape (N, H)
        out[n, h] = max over j of z[j][n, h]

    Inputs:
    - x: input batch, array of shape (N, D)
    - W: weights, array of shape (k, D, H): W[j] is the (fan_in, fan_out) weight of piece j
    - b: biases, array of shape (k, H): b[j] is the bias of piece j

    Returns a tuple of:
    - out: array of shape (N, H)
    - cache: (x, W, z), where z is the array of shape (k, N, H) of all the pieces' values
    """
    z = np.stack([x @ W[j] + b[j] for j in range(W.shape[0])])  # (k, N, H)
    out = z.max(axis=0)
    cache = (x, W, z)
    return out, cache


def maxout_backward(dout, cache):
    """
    Backward pass of a maxout layer.

    The max passes the gradient to the piece that won (had the largest value) and to no other:
    for each (n, h), the gradient dout[n, h] goes to piece j = argmax over j of z[j][n, h]. If
    two pieces tie exactly, the first of them (the smaller j, as np.argmax picks) gets it all.
    Through the winning piece z[j] = x @ W[j] + b[j], the gradient reaches x, W[j] and b[j] as
    in any linear layer.

    Inputs:
    - dout: upstream gradient, array of shape (N, H)
    - cache: the cache returned by maxout_forward, (x, W, z)

    Returns a tuple of:
    - dx: gradient with respect to x, shape (N, D)
    - dW: gradient with respect to W, shape (k, D, H)
    - db: gradient with respect to b, shape (k, H)
    """
    x, W, z = cache
    k = W.shape[0]
    winner = z.argmax(axis=0)  # (N, H): the index of the winning piece of each output
    dx = np.zeros(x.shape)
    dW = np.zeros(W.shape)
    db = np.zeros((k, W.shape[2]))
    for j in range(k):
        dz = dout * (winner == j)  # piece j gets the gradient only where it won
        dx += dz @ W[j].T
        dW[j] = x.T @ dz
        db[j] = dz.sum(axis=0)
    return dx, dW, db


def softmax_forward(x):
    """
    Forward pass of the softmax over the LAST axis (for a batch of shape (N, C): each row).

        softmax(x)_c = exp(x_c) / sum over k of exp(x_k)

    Compute it stably: subtracting the same number from every entry of a row does not change
    its softmax, so subtract the row's maximum first; then np.exp never overflows (every
    argument is <= 0) and the largest term of the sum is exactly 1. It must work for rows like
    [1000, 999, 0] and [-1000, -999, -1001].

    Input:
    - x: scores, array of any shape (..., C), e.g. (N, C)

    Returns a tuple of:
    - out: array of the shape of x; every row is positive and sums to 1
    - cache: (x, out), for softmax_backward
    """
    shifted = x - x.max(axis=-1, keepdims=True)
    e = np.exp(shifted)
    out = e / e.sum(axis=-1, keepdims=True)
    cache = (x, out)
    return out, cache


def softmax_backward(dout, cache):
    """
    Backward pass of the softmax (over the last axis).

    Each output s_c depends on every input of its row, so the derivative of one row is the
    C x C Jacobian J with J[c, k] = d s_c / d x_k = s_c * ([c == k] - s_k), that is
    J = diag(s) - s s^T. The backward pass multiplies it by the upstream gradient (J is
    symmetric, so the Jacobian-vector product J @ dout and the vector-Jacobian product
    dout @ J are the same):
        dx = J @ dout = s * (dout - sum over k of dout_k * s_k)      for each row.
    You do not need to build J.

    Inputs:
    - dout: upstream gradient, array of the shape of x
    - cache: the cache returned by softmax_forward, (x, out)

    Returns:
    - dx: gradient with respect to x, of the shape of x
    """
    x, s = cache
    dx = s * (dout - np.sum(dout * s, axis=-1, keepdims=True))
    return dx


def sigmoid_chain_grads(x, y, w, b):
    """
    Loss and gradients of a chain of L single-unit sigmoid layers (the lectures' 3-layer
    network has L = 3), for a batch of N scalar inputs.

    For each example (x, y), with a_0 = x:
        z_l = w[l-1] * a_{l-1} + b[l-1],   a_l = sigmoid(z_l)      for l = 1, ..., L
    (Python indexes from 0: layer l uses w[l-1] and b[l-1].) The loss is half the mean squared
    error over the batch:
        loss = mean over the N examples of 1/2 * (a_L - y) ** 2
    Compute sigmoid stably (no nan or overflow for large |z|).

    Inputs:
    - x: inputs, array of shape (N,)
    - y: targets, array of shape (N,)
    - w: weights, array of shape (L,), one per layer
    - b: biases, array of shape (L,), one per layer

    Returns a tuple of:
    - loss: a Python float
    - dw: array of shape (L,), dw[l] = d loss / d w[l]
    - db: array of shape (L,), db[l] = d loss / d b[l]
    """
    L, N = len(w), len(x)
    a = [x]
    for l in range(L):
        z = w[l] * a[l] + b[l]
        e = np.exp(-np.abs(z))
        a.append(np.where(z >= 0, 1.0 / (1.0 + e), e / (1.0 + e)))
    loss = float(np.mean(0.5 * (a[L] - y) ** 2))
    dw = np.zeros(L)
    db = np.zeros(L)
    da = (a[L] - y) / N  # d loss / d a_L, one entry per example
    for l in reversed(range(L)):
        dz = da * a[l + 1] * (1.0 - a[l + 1])  # times sigma'(z) = a (1 - a), at most 1/4
        dw[l] = np.sum(dz * a[l])
        db[l] = np.sum(dz)
        da = dz * w[l]  # on to the layer below
    return loss, dw, db
