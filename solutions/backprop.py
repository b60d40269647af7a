"""Reference implementations for the backprop assignment.

Each function (and each class) is the code of one solution cell of
assignments/backprop/backprop.ipynb. They never call each other, so that one wrong function costs
only its own points. numpy only, float64.
"""
import numpy as np

from coursekit.gradcheck import numerical_gradient


def fc_jacobian(x, W, b):
    """
    Explicit Jacobians of a fully connected layer y = x @ W + b, for ONE example.

    The Jacobian of a function from R^n to R^m is the (m, n) matrix of all its partial
    derivatives: row i is the gradient of output i. Here y has M entries, x has D and W has D * M.

    Inputs:
    - x: the input, an array of shape (D,)
    - W: the weights, an array of shape (D, M)
    - b: the biases, an array of shape (M,)

    Returns a tuple of:
    - J_x: array of shape (M, D), the Jacobian of y with respect to x: J_x[i, j] = dy[i] / dx[j]
    - J_W: array of shape (M, D * M), the Jacobian of y with respect to W flattened in row-major
      order (as W.ravel() or W.reshape(-1) flattens it): entry W[j, k] is number j * M + k, so
      J_W[i, j * M + k] = dy[i] / dW[j, k]
    """
    D, M = W.shape
    J_x = W.T.copy()
    J_W = np.zeros((M, D * M))
    for i in range(M):
        for j in range(D):
            J_W[i, j * M + i] = x[j]  # y[i] = sum_j x[j] W[j, i] + b[i] depends only on column i
    return J_x, J_W


def relu_jacobian(x):
    """
    Explicit Jacobian of the elementwise ReLU y = max(0, x), for ONE example.

    The derivative of relu at exactly 0 is taken as 0 (as in PyTorch).

    Inputs:
    - x: the input, an array of shape (D,)

    Returns:
    - J: array of shape (D, D), J[i, j] = dy[i] / dx[j]
    """
    return np.diag((x > 0).astype(np.float64))


class Value:
    """
    A scalar node of a computation graph, for reverse-mode automatic differentiation.

    A Value holds a number, data. Every operation on Values (+, *, exp, ...) returns a new Value
    that remembers the Values it was computed from (_prev) and how to pass a gradient back to
    them (_backward). out.backward() then fills in v.grad = d out / d v for every node v of the
    graph that ends at out.

    Attributes:
    - data: the number, a Python float
    - grad: d out / d (this node), set by out.backward(); 0.0 until then
    - _prev: tuple of the Values this one was computed from (empty for an input)
    - _backward: a function of no arguments that ADDS this node's contribution to the grad of each
      node in _prev: (local derivative) * self.grad. For an input it does nothing.
    - _op: a short name of the operation, for printing

    The other operand of +, -, *, / and max may be a Value or a plain number (int or float): a
    number is first wrapped in a Value (a constant, whose grad nobody reads). The exponent of **
    is always a plain number.
    """

    def __init__(self, data, _children=(), _op=""):
        self.data = float(data)
        self.grad = 0.0
        self._prev = tuple(_children)
        self._backward = lambda: None
        self._op = _op

    def __repr__(self):
        return f"Value(data={self.data:.6g}, grad={self.grad:.6g})"

    def __add__(self, other):
        """self + other."""
        other = other if isinstance(other, Value) else Value(other)
        out = Value(self.data + other.data, (self, other), "+")

        def _backward():
            self.grad += out.grad
            other.grad += out.grad
        out._backward = _backward
        return out

    def __mul__(self, other):
        """self * other."""
        other = other if isinstance(other, Value) else Value(other)
        out = Value(self.data * other.data, (self, other), "*")

        def _backward():
            self.grad += other.data * out.grad
            other.grad += self.data * out.grad
        out._backward = _backward
        return out

    def __truediv__(self, other):
        """self / other (other is not 0)."""
        other = other if isinstance(other, Value) else Value(other)
        out = Value(self.data / other.data, (self, other), "/")

        def _backward():
            self.grad += out.grad / other.data
            other.grad += -self.data / other.data ** 2 * out.grad
        out._backward = _backward
        return out

    def __pow__(self, exponent):
        """self ** exponent, for a constant exponent: an int or a float (not a Value)."""
        out = Value(self.data ** exponent, (self,), f"**{exponent}")

        def _backward():
            self.grad += exponent * self.data ** (exponent - 1) * out.grad
        out._backward = _backward
        return out

    def exp(self):
        """e ** self."""
        out = Value(np.exp(self.data), (self,), "exp")

        def _backward():
            self.grad += out.data * out.grad
        out._backward = _backward
        return out

    def log(self):
        """The natural logarithm of self (self.data > 0)."""
        out = Value(np.log(self.data), (self,), "log")

        def _backward():
            self.grad += out.grad / self.data
        out._backward = _backward
        return out

    def sin(self):
        """sin(self)."""
        out = Value(np.sin(self.data), (self,), "sin")

        def _backward():
            self.grad += np.cos(self.data) * out.grad
        out._backward = _backward
        return out

    def tanh(self):
        """tanh(self)."""
        t = np.tanh(self.data)
        out = Value(t, (self,), "tanh")

        def _backward():
            self.grad += (1.0 - t * t) * out.grad
        out._backward = _backward
        return out

    def relu(self):
        """max(0, self). Its derivative at exactly 0 is taken as 0, as in PyTorch."""
        out = Value(self.data if self.data > 0 else 0.0, (self,), "relu")

        def _backward():
            self.grad += (1.0 if self.data > 0 else 0.0) * out.grad
        out._backward = _backward
        return out

    def max(self, other):
        """
        The larger of self and other. The gradient goes to the larger one. At a tie (a kink, where
        max has no derivative) it is split equally between the two, as torch.maximum does.
        """
        other = other if isinstance(other, Value) else Value(other)
        out = Value(self.data if self.data >= other.data else other.data, (self, other), "max")

        def _backward():
            share = 1.0 if self.data > other.data else 0.0 if self.data < other.data else 0.5
            self.grad += share * out.grad
            other.grad += (1.0 - share) * out.grad
        out._backward = _backward
        return out

    # Given: the other operators, written with the ones above.
    def __neg__(self):
        return self * -1

    def __radd__(self, other):  # other + self, when other is a number
        return self + other

    def __sub__(self, other):
        return self + (-other)

    def __rsub__(self, other):  # other - self
        return (-self) + other

    def __rmul__(self, other):  # other * self
        return self * other

    def __rtruediv__(self, other):  # other / self
        return Value(other) / self

    def backward(self):
        """
        Reverse-mode differentiation: set v.grad = d self / d v for every node v of the graph
        that ends at self.

        1. List the graph's nodes in topological order: every node after all the nodes it was
           computed from.
        2. Reset the grad of every one of them to 0, so that calling backward again gives the
           same grads (rather than adding to the old ones).
        3. Set self.grad = 1 and call each node's _backward in REVERSE topological order: a node
           passes its gradient on only once every node that uses it has added its share.
        """
        topo = []
        visited = set()

        def build(v):
            if v not in visited:
                visited.add(v)
                for child in v._prev:
                    build(child)
                topo.append(v)
        build(self)
        for v in topo:
            v.grad = 0.0
        self.grad = 1.0
        for v in reversed(topo):
            v._backward()


class Dual:
    """
    A dual number val + dot * eps, where eps * eps = 0: forward-mode automatic differentiation.

    If every input x_i is a Dual carrying dot = v_i, then every Dual computed from them carries
    val = f(x) and dot = the derivative of f along the direction v: sum_i df/dx_i * v_i. Giving
    one input dot = 1 and the others dot = 0 makes dot the partial derivative with respect to it.

    Attributes:
    - val: the value, a Python float
    - dot: its derivative along the chosen direction, a Python float

    As for Value, the other operand of +, -, *, / and max may be a Dual or a plain number (a
    number is a constant: dot = 0), and the exponent of ** is always a plain number.
    """

    def __init__(self, val, dot=0.0):
        self.val = float(val)
        self.dot = float(dot)

    def __repr__(self):
        return f"Dual(val={self.val:.6g}, dot={self.dot:.6g})"

    def __add__(self, other):
        """self + other."""
        other = other if isinstance(other, Dual) else Dual(other)
        return Dual(self.val + other.val, self.dot + other.dot)

    def __mul__(self, other):
        """self * other."""
        other = other if isinstance(other, Dual) else Dual(other)
        return Dual(self.val * other.val, self.dot * other.val + self.val * other.dot)

    def __truediv__(self, other):
        """self / other (other is not 0)."""
        other = other if isinstance(other, Dual) else Dual(other)
        return Dual(self.val / other.val,
                    (self.dot * other.val - self.val * other.dot) / other.val ** 2)

    def __pow__(self, exponent):
        """self ** exponent, for a constant exponent: an int or a float (not a Dual)."""
        return Dual(self.val ** exponent, exponent * self.val ** (exponent - 1) * self.dot)

    def exp(self):
        """e ** self."""
        e = np.exp(self.val)
        return Dual(e, e * self.dot)

    def log(self):
        """The natural logarithm of self (self.val > 0)."""
        return Dual(np.log(self.val), self.dot / self.val)

    def sin(self):
        """sin(self)."""
        return Dual(np.sin(self.val), np.cos(self.val) * self.dot)

    def tanh(self):
        """tanh(self)."""
        t = np.tanh(self.val)
        return Dual(t, (1.0 - t * t) * self.dot)

    def relu(self):
        """max(0, self), with derivative 0 at exactly 0."""
        if self.val > 0:
            return Dual(self.val, self.dot)
        return Dual(0.0, 0.0)

    def max(self, other):
        """The larger of self and other; at a tie, dot is the average of the two dots."""
        other = other if isinstance(other, Dual) else Dual(other)
        if self.val > other.val:
            return Dual(self.val, self.dot)
        if self.val < other.val:
            return Dual(other.val, other.dot)
        return Dual(self.val, 0.5 * (self.dot + other.dot))

    # Given: the other operators, written with the ones above.
    def __neg__(self):
        return self * -1

    def __radd__(self, other):
        return self + other

    def __sub__(self, other):
        return self + (-other)

    def __rsub__(self, other):
        return (-self) + other

    def __rmul__(self, other):
        return self * other

    def __rtruediv__(self, other):
        return Dual(other) / self


def affine_forward(x, W, b):
    """
    Forward pass of a fully connected (affine) layer on a batch.

    Inputs:
    - x: input batch, array of shape (N, D)
    - W: weights, array of shape (D, M)
    - b: biases, array of shape (M,)

    Returns a tuple of:
    - out: array of shape (N, M), out = x @ W + b
    - cache: the tuple (x, W, b), what affine_backward needs
    """
    out = x @ W + b
    return out, (x, W, b)


def affine_backward(dout, cache):
    """
    Backward pass of a fully connected (affine) layer.

    Inputs:
    - dout: upstream gradient dL/dout, array of shape (N, M)
    - cache: the tuple (x, W, b) returned by affine_forward: x of shape (N, D), W of shape
      (D, M), b of shape (M,)

    Returns a tuple of:
    - dx: dL/dx, array of shape (N, D)
    - dW: dL/dW, array of shape (D, M)
    - db: dL/db, array of shape (M,)
    """
    x, W, b = cache
    dx = dout @ W.T
    dW = x.T @ dout
    db = dout.sum(axis=0)
    return dx, dW, db


def relu_forward(x):
    """
    Forward pass of the elementwise ReLU, max(0, x).

    Inputs:
    - x: array of any shape; it is not modified

    Returns a tuple of:
    - out: a new array of the shape of x
    - cache: x, what relu_backward needs
    """
    return np.maximum(0.0, x), x


def relu_backward(dout, cache):
    """
    Backward pass of the elementwise ReLU.

    The gradient flows only where the input was strictly positive: the derivative of relu at
    exactly 0 is taken as 0 (as in PyTorch).

    Inputs:
    - dout: upstream gradient, array of the shape of x
    - cache: x, the input of relu_forward

    Returns:
    - dx: dL/dx, array of the shape of x
    """
    x = cache
    return dout * (x > 0)


def softmax_cross_entropy(scores, y):
    """
    Softmax cross-entropy loss, averaged over the batch, and its gradient.

    probs = softmax(scores) row by row, computed stably: subtract each row's maximum before
    exponentiating (this changes nothing mathematically, but keeps np.exp from overflowing).
    loss = mean over the N rows of -log(probs[i, y[i]]).

    Inputs:
    - scores: class scores, array of shape (N, C)
    - y: the true classes, int array of shape (N,) with 0 <= y[i] < C

    Returns a tuple of:
    - loss: a Python float
    - dscores: dloss/dscores, array of shape (N, C)
    """
    N = scores.shape[0]
    shifted = scores - scores.max(axis=1, keepdims=True)
    log_probs = shifted - np.log(np.sum(np.exp(shifted), axis=1, keepdims=True))
    loss = -np.mean(log_probs[np.arange(N), y])
    dscores = np.exp(log_probs)
    dscores[np.arange(N), y] -= 1.0
    dscores /= N
    return float(loss), dscores


def two_layer_net_loss(X, y, params, reg=0.0):
    """
    Loss and gradients of a two-layer fully connected network with a ReLU.

    scores = relu(X @ W1 + b1) @ W2 + b2
    loss = mean softmax cross-entropy of scores (as in softmax_cross_entropy)
           + reg / 2 * (sum(W1 ** 2) + sum(W2 ** 2))
    The penalty is on the weights only (not the biases) and is not divided by the batch size.
    The derivative of relu at exactly 0 is taken as 0.

    Inputs:
    - X: input batch, array of shape (N, D)
    - y: the true classes, int array of shape (N,)
    - params: dict with W1 of shape (D, H), b1 of shape (H,), W2 of shape (H, C), b2 of shape (C,)
    - reg: the L2 regularization strength, a float >= 0

    Returns a tuple of:
    - loss: a Python float
    - grads: dict with the same keys and shapes as params, grads[name] = dloss/dparams[name]
    """
    W1, b1, W2, b2 = params["W1"], params["b1"], params["W2"], params["b2"]
    N = X.shape[0]
    pre = X @ W1 + b1
    hidden = np.maximum(0.0, pre)
    scores = hidden @ W2 + b2
    shifted = scores - scores.max(axis=1, keepdims=True)
    log_probs = shifted - np.log(np.sum(np.exp(shifted), axis=1, keepdims=True))
    loss = -np.mean(log_probs[np.arange(N), y]) + 0.5 * reg * (np.sum(W1 * W1) + np.sum(W2 * W2))

    dscores = np.exp(log_probs)
    dscores[np.arange(N), y] -= 1.0
    dscores /= N
    grads = {"W2": hidden.T @ dscores + reg * W2, "b2": dscores.sum(axis=0)}
    dpre = (dscores @ W2.T) * (pre > 0)
    grads["W1"] = X.T @ dpre + reg * W1
    grads["b1"] = dpre.sum(axis=0)
    return float(loss), grads


def logistic_regression_loss(w, X, y, lam):
    """
    The lecture's regularized logistic regression objective and its gradient.

    L(w) = 1/2 * ||w||^2 - lam * sum over the examples i of log p(y_i | x_i),
    where p(y = 1 | x) = sigmoid(x . w) and p(y = 0 | x) = 1 - sigmoid(x . w).
    The sum is over the examples (not a mean). Compute log p stably: the loss must stay finite
    even when |x . w| is in the thousands.

    Inputs:
    - w: the weights, array of shape (D,)
    - X: the examples, array of shape (N, D), one per row
    - y: the labels, int array of shape (N,) with values 0 or 1
    - lam: the weight of the data term, a float >= 0

    Returns a tuple of:
    - loss: a Python float
    - grad: dL/dw, array of shape (D,)
    """
    z = X @ w
    sign = 2.0 * y - 1.0                       # +1 where y = 1, -1 where y = 0
    log_p = -np.logaddexp(0.0, -sign * z)      # log sigmoid(sign * z) = log p(y | x)
    loss = 0.5 * np.dot(w, w) - lam * np.sum(log_p)
    p1 = np.exp(-np.logaddexp(0.0, -z))        # sigmoid(z) = p(y = 1 | x), without overflow
    grad = w - lam * (X.T @ (y - p1))
    return float(loss), grad


def check_gradient(f, x, analytic_grad, h=1e-5):
    """
    Compare an analytic gradient with a numerical one, entry by entry.

    The numerical gradient uses centered differences,
        num[i] = (f(x + h e_i) - f(x - h e_i)) / (2 h),
    where e_i is 1 at entry i and 0 elsewhere. The relative error of entry i is
        err[i] = |analytic_grad[i] - num[i]| / max(|analytic_grad[i]| + |num[i]|, 1e-8)
    (the 1e-8 keeps 0 / 0 away where both are 0). The student library computes num for you:
    numerical_gradient(f, x, h) from coursekit.gradcheck (imported in the setup cell). What you
    write is the comparison: every entry's error, and where the largest one is.

    Inputs:
    - f: a function of one float64 array (of the shape of x) returning a number
    - x: float64 array of any shape: where to check. It may be changed during the check but must
      hold its original values again when check_gradient returns.
    - analytic_grad: the gradient to check, an array of the shape of x
    - h: the step of the centered differences, a float > 0

    Returns a tuple of:
    - max_error: the largest err[i], a Python float
    - worst: the index of that entry, a tuple of ints (as np.unravel_index gives: (i, j) for a
      2-D x). The first such entry (in row-major order) if several are equal.
    """
    numeric = numerical_gradient(f, x, h)
    errors = np.abs(analytic_grad - numeric) / np.maximum(np.abs(analytic_grad) + np.abs(numeric), 1e-8)
    worst = np.unravel_index(np.argmax(errors), errors.shape)
    return float(errors[worst]), tuple(int(i) for i in worst)
