"""Known-wrong (mutants) and known-correct (alternatives) answers for the backprop assignment.

Each function's (or class's) source is pasted into a notebook under the graded name (see
autograder/variants.py), so a variant may use `np` and nothing else. The variants of the Value and
Dual items are whole classes; inside them, `Value` and `Dual` name the class itself once it is
pasted (the hidden suite runs them here the same way: their source, executed under the graded
name). Layer mutants keep the documented cache layouts, so that a wrong forward pass costs only
its own points.
"""
import numpy as np

from autograder.variants import Variants

V = Variants()

# ---------------------------------------------------------------- fc_jacobian


@V.mutant("fc_jacobian", hint="J_x came out as W itself, of shape (D, M). The Jacobian has one ROW "
                              "per output: J_x[i, j] = dy[i]/dx[j] = W[j, i], so it has shape "
                              "(M, D).")
def fc_jacobian_x_not_transposed(x, W, b):
    D, M = W.shape
    J_W = np.zeros((M, D * M))
    for i in range(M):
        for j in range(D):
            J_W[i, j * M + i] = x[j]
    return W.copy(), J_W


@V.mutant("fc_jacobian", hint="The columns of J_W follow the wrong flattening of W. W.ravel() is "
                              "row-major: entry W[j, k] is number j * M + k.")
def fc_jacobian_W_column_major(x, W, b):
    D, M = W.shape
    J_W = np.zeros((M, D * M))
    for i in range(M):
        for j in range(D):
            J_W[i, i * D + j] = x[j]
    return W.T.copy(), J_W


@V.mutant("fc_jacobian", hint="dy[i]/dW[j, i] is x[j], not 1: in y[i] = sum_j x[j] W[j, i] + b[i] "
                              "the weight W[j, i] is multiplied by the input x[j].")
def fc_jacobian_W_ones(x, W, b):
    D, M = W.shape
    J_W = np.zeros((M, D * M))
    for i in range(M):
        for j in range(D):
            J_W[i, j * M + i] = 1.0
    return W.T.copy(), J_W


@V.mutant("fc_jacobian", hint="y[i] depends only on column i of W: dy[i]/dW[j, k] = 0 when k != i, "
                              "so each row of J_W has only D nonzero entries.")
def fc_jacobian_W_every_column(x, W, b):
    D, M = W.shape
    J_W = np.zeros((M, D * M))
    for i in range(M):
        for j in range(D):
            J_W[i, j * M:(j + 1) * M] = x[j]
    return W.T.copy(), J_W


@V.alternative("fc_jacobian")
def fc_jacobian_kron(x, W, b):
    # row i of kron(x, I) is x[j] at column j * M + i, for every j
    M = W.shape[1]
    return np.array(W.T), np.kron(x[None, :], np.eye(M))


@V.alternative("fc_jacobian")
def fc_jacobian_by_unit_changes(x, W, b):
    # y is linear in x and in W: the change of y when one entry moves by 1 is a column of the Jacobian
    D, M = W.shape
    J_x = np.stack([np.eye(D)[j] @ W for j in range(D)], axis=1)
    J_W = np.zeros((M, D * M))
    for col in range(D * M):
        E = np.zeros(D * M)
        E[col] = 1.0
        J_W[:, col] = x @ E.reshape(D, M)
    return J_x, J_W


# ---------------------------------------------------------------- relu_jacobian

@V.mutant("relu_jacobian", hint="At exactly x = 0 the derivative of relu is taken as 0 (as in "
                                "PyTorch): a diagonal entry is 1 only where x > 0.")
def relu_jacobian_at_zero_is_one(x):
    return np.diag((x >= 0).astype(np.float64))


@V.mutant("relu_jacobian", hint="The diagonal holds relu(x) itself. The Jacobian holds "
                                "derivatives: 1 where x > 0 and 0 elsewhere.")
def relu_jacobian_of_values(x):
    return np.diag(np.maximum(0.0, x))


@V.mutant("relu_jacobian", hint="The Jacobian is a (D, D) matrix, not a vector of D derivatives: "
                                "relu acts entry by entry, so the derivatives sit on the diagonal "
                                "and every other entry is 0.")
def relu_jacobian_vector(x):
    return (x > 0).astype(np.float64)


@V.mutant("relu_jacobian", hint="Every entry off the diagonal must be 0: y[i] = max(0, x[i]) "
                                "depends on x[i] only, so dy[i]/dx[j] = 0 for j != i.")
def relu_jacobian_rows(x):
    return np.tile((x > 0).astype(np.float64), (len(x), 1))


@V.alternative("relu_jacobian")
def relu_jacobian_eye_mask(x):
    return np.eye(len(x)) * np.where(x > 0, 1.0, 0.0)[:, None]


# ---------------------------------------------------------------- Value
# The mutants are the reference class with one mistake each.


@V.mutant("Value", hint="A node that feeds several paths gets the SUM of the gradients from "
                        "all of them, so each _backward must add to grad (+=), not "
                        "overwrite it (=): with b = a + a, db/da is 2, not 1.")
class value_overwrites_grad:
    def __init__(self, data, _children=(), _op=""):
        self.data = float(data)
        self.grad = 0.0
        self._prev = tuple(_children)
        self._backward = lambda: None
        self._op = _op

    def __repr__(self):
        return f"Value(data={self.data:.6g}, grad={self.grad:.6g})"

    def __add__(self, other):
        other = other if isinstance(other, Value) else Value(other)
        out = Value(self.data + other.data, (self, other), "+")

        def _backward():
            self.grad = out.grad
            other.grad = out.grad
        out._backward = _backward
        return out

    def __mul__(self, other):
        other = other if isinstance(other, Value) else Value(other)
        out = Value(self.data * other.data, (self, other), "*")

        def _backward():
            self.grad = other.data * out.grad
            other.grad = self.data * out.grad
        out._backward = _backward
        return out

    def __truediv__(self, other):
        other = other if isinstance(other, Value) else Value(other)
        out = Value(self.data / other.data, (self, other), "/")

        def _backward():
            self.grad = out.grad / other.data
            other.grad = -self.data / other.data ** 2 * out.grad
        out._backward = _backward
        return out

    def __pow__(self, exponent):
        out = Value(self.data ** exponent, (self,), f"**{exponent}")

        def _backward():
            self.grad = exponent * self.data ** (exponent - 1) * out.grad
        out._backward = _backward
        return out

    def exp(self):
        out = Value(np.exp(self.data), (self,), "exp")

        def _backward():
            self.grad = out.data * out.grad
        out._backward = _backward
        return out

    def log(self):
        out = Value(np.log(self.data), (self,), "log")

        def _backward():
            self.grad = out.grad / self.data
        out._backward = _backward
        return out

    def sin(self):
        out = Value(np.sin(self.data), (self,), "sin")

        def _backward():
            self.grad = np.cos(self.data) * out.grad
        out._backward = _backward
        return out

    def tanh(self):
        t = np.tanh(self.data)
        out = Value(t, (self,), "tanh")

        def _backward():
            self.grad = (1.0 - t * t) * out.grad
        out._backward = _backward
        return out

    def relu(self):
        out = Value(self.data if self.data > 0 else 0.0, (self,), "relu")

        def _backward():
            self.grad = (1.0 if self.data > 0 else 0.0) * out.grad
        out._backward = _backward
        return out

    def max(self, other):
        other = other if isinstance(other, Value) else Value(other)
        out = Value(self.data if self.data >= other.data else other.data, (self, other), "max")

        def _backward():
            share = 1.0 if self.data > other.data else 0.0 if self.data < other.data else 0.5
            self.grad = share * out.grad
            other.grad = (1.0 - share) * out.grad
        out._backward = _backward
        return out

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
        return Value(other) / self

    def backward(self):
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


@V.mutant("Value", hint="backward runs the nodes' _backward in an order where a node can "
                        "pass its gradient on before every node that uses it has added its "
                        "share (as happens with a reused intermediate). Run them in reverse "
                        "topological order.")
class value_no_topological_order:
    def __init__(self, data, _children=(), _op=""):
        self.data = float(data)
        self.grad = 0.0
        self._prev = tuple(_children)
        self._backward = lambda: None
        self._op = _op

    def __repr__(self):
        return f"Value(data={self.data:.6g}, grad={self.grad:.6g})"

    def __add__(self, other):
        other = other if isinstance(other, Value) else Value(other)
        out = Value(self.data + other.data, (self, other), "+")

        def _backward():
            self.grad += out.grad
            other.grad += out.grad
        out._backward = _backward
        return out

    def __mul__(self, other):
        other = other if isinstance(other, Value) else Value(other)
        out = Value(self.data * other.data, (self, other), "*")

        def _backward():
            self.grad += other.data * out.grad
            other.grad += self.data * out.grad
        out._backward = _backward
        return out

    def __truediv__(self, other):
        other = other if isinstance(other, Value) else Value(other)
        out = Value(self.data / other.data, (self, other), "/")

        def _backward():
            self.grad += out.grad / other.data
            other.grad += -self.data / other.data ** 2 * out.grad
        out._backward = _backward
        return out

    def __pow__(self, exponent):
        out = Value(self.data ** exponent, (self,), f"**{exponent}")

        def _backward():
            self.grad += exponent * self.data ** (exponent - 1) * out.grad
        out._backward = _backward
        return out

    def exp(self):
        out = Value(np.exp(self.data), (self,), "exp")

        def _backward():
            self.grad += out.data * out.grad
        out._backward = _backward
        return out

    def log(self):
        out = Value(np.log(self.data), (self,), "log")

        def _backward():
            self.grad += out.grad / self.data
        out._backward = _backward
        return out

    def sin(self):
        out = Value(np.sin(self.data), (self,), "sin")

        def _backward():
            self.grad += np.cos(self.data) * out.grad
        out._backward = _backward
        return out

    def tanh(self):
        t = np.tanh(self.data)
        out = Value(t, (self,), "tanh")

        def _backward():
            self.grad += (1.0 - t * t) * out.grad
        out._backward = _backward
        return out

    def relu(self):
        out = Value(self.data if self.data > 0 else 0.0, (self,), "relu")

        def _backward():
            self.grad += (1.0 if self.data > 0 else 0.0) * out.grad
        out._backward = _backward
        return out

    def max(self, other):
        other = other if isinstance(other, Value) else Value(other)
        out = Value(self.data if self.data >= other.data else other.data, (self, other), "max")

        def _backward():
            share = 1.0 if self.data > other.data else 0.0 if self.data < other.data else 0.5
            self.grad += share * out.grad
            other.grad += (1.0 - share) * out.grad
        out._backward = _backward
        return out

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
        return Value(other) / self

    def backward(self):
        # every node runs its _backward once, in the order a depth-first walk from the output
        # reaches it (not a topological order)
        nodes = []
        seen = set()

        def collect(v):
            if v not in seen:
                seen.add(v)
                nodes.append(v)
                for child in v._prev:
                    collect(child)
        collect(self)
        for v in nodes:
            v.grad = 0.0
        self.grad = 1.0
        for v in nodes:
            v._backward()


@V.mutant("Value", hint="Calling backward() a second time added to the old gradients (they "
                        "doubled): in this notebook backward() first resets the grad of "
                        "every node of the graph to 0.")
class value_backward_accumulates:
    def __init__(self, data, _children=(), _op=""):
        self.data = float(data)
        self.grad = 0.0
        self._prev = tuple(_children)
        self._backward = lambda: None
        self._op = _op

    def __repr__(self):
        return f"Value(data={self.data:.6g}, grad={self.grad:.6g})"

    def __add__(self, other):
        other = other if isinstance(other, Value) else Value(other)
        out = Value(self.data + other.data, (self, other), "+")

        def _backward():
            self.grad += out.grad
            other.grad += out.grad
        out._backward = _backward
        return out

    def __mul__(self, other):
        other = other if isinstance(other, Value) else Value(other)
        out = Value(self.data * other.data, (self, other), "*")

        def _backward():
            self.grad += other.data * out.grad
            other.grad += self.data * out.grad
        out._backward = _backward
        return out

    def __truediv__(self, other):
        other = other if isinstance(other, Value) else Value(other)
        out = Value(self.data / other.data, (self, other), "/")

        def _backward():
            self.grad += out.grad / other.data
            other.grad += -self.data / other.data ** 2 * out.grad
        out._backward = _backward
        return out

    def __pow__(self, exponent):
        out = Value(self.data ** exponent, (self,), f"**{exponent}")

        def _backward():
            self.grad += exponent * self.data ** (exponent - 1) * out.grad
        out._backward = _backward
        return out

    def exp(self):
        out = Value(np.exp(self.data), (self,), "exp")

        def _backward():
            self.grad += out.data * out.grad
        out._backward = _backward
        return out

    def log(self):
        out = Value(np.log(self.data), (self,), "log")

        def _backward():
            self.grad += out.grad / self.data
        out._backward = _backward
        return out

    def sin(self):
        out = Value(np.sin(self.data), (self,), "sin")

        def _backward():
            self.grad += np.cos(self.data) * out.grad
        out._backward = _backward
        return out

    def tanh(self):
        t = np.tanh(self.data)
        out = Value(t, (self,), "tanh")

        def _backward():
            self.grad += (1.0 - t * t) * out.grad
        out._backward = _backward
        return out

    def relu(self):
        out = Value(self.data if self.data > 0 else 0.0, (self,), "relu")

        def _backward():
            self.grad += (1.0 if self.data > 0 else 0.0) * out.grad
        out._backward = _backward
        return out

    def max(self, other):
        other = other if isinstance(other, Value) else Value(other)
        out = Value(self.data if self.data >= other.data else other.data, (self, other), "max")

        def _backward():
            share = 1.0 if self.data > other.data else 0.0 if self.data < other.data else 0.5
            self.grad += share * out.grad
            other.grad += (1.0 - share) * out.grad
        out._backward = _backward
        return out

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
        return Value(other) / self

    def backward(self):
        topo = []
        visited = set()

        def build(v):
            if v not in visited:
                visited.add(v)
                for child in v._prev:
                    build(child)
                topo.append(v)
        build(self)
        self.grad = 1.0
        for v in reversed(topo):
            v._backward()


@V.mutant("Value", hint="a / b depends on b too: d(a/b)/db = -a / b**2. The denominator got "
                        "no gradient.")
class value_div_no_denominator_grad:
    def __init__(self, data, _children=(), _op=""):
        self.data = float(data)
        self.grad = 0.0
        self._prev = tuple(_children)
        self._backward = lambda: None
        self._op = _op

    def __repr__(self):
        return f"Value(data={self.data:.6g}, grad={self.grad:.6g})"

    def __add__(self, other):
        other = other if isinstance(other, Value) else Value(other)
        out = Value(self.data + other.data, (self, other), "+")

        def _backward():
            self.grad += out.grad
            other.grad += out.grad
        out._backward = _backward
        return out

    def __mul__(self, other):
        other = other if isinstance(other, Value) else Value(other)
        out = Value(self.data * other.data, (self, other), "*")

        def _backward():
            self.grad += other.data * out.grad
            other.grad += self.data * out.grad
        out._backward = _backward
        return out

    def __truediv__(self, other):
        other = other if isinstance(other, Value) else Value(other)
        out = Value(self.data / other.data, (self, other), "/")

        def _backward():
            self.grad += out.grad / other.data
        out._backward = _backward
        return out

    def __pow__(self, exponent):
        out = Value(self.data ** exponent, (self,), f"**{exponent}")

        def _backward():
            self.grad += exponent * self.data ** (exponent - 1) * out.grad
        out._backward = _backward
        return out

    def exp(self):
        out = Value(np.exp(self.data), (self,), "exp")

        def _backward():
            self.grad += out.data * out.grad
        out._backward = _backward
        return out

    def log(self):
        out = Value(np.log(self.data), (self,), "log")

        def _backward():
            self.grad += out.grad / self.data
        out._backward = _backward
        return out

    def sin(self):
        out = Value(np.sin(self.data), (self,), "sin")

        def _backward():
            self.grad += np.cos(self.data) * out.grad
        out._backward = _backward
        return out

    def tanh(self):
        t = np.tanh(self.data)
        out = Value(t, (self,), "tanh")

        def _backward():
            self.grad += (1.0 - t * t) * out.grad
        out._backward = _backward
        return out

    def relu(self):
        out = Value(self.data if self.data > 0 else 0.0, (self,), "relu")

        def _backward():
            self.grad += (1.0 if self.data > 0 else 0.0) * out.grad
        out._backward = _backward
        return out

    def max(self, other):
        other = other if isinstance(other, Value) else Value(other)
        out = Value(self.data if self.data >= other.data else other.data, (self, other), "max")

        def _backward():
            share = 1.0 if self.data > other.data else 0.0 if self.data < other.data else 0.5
            self.grad += share * out.grad
            other.grad += (1.0 - share) * out.grad
        out._backward = _backward
        return out

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
        return Value(other) / self

    def backward(self):
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


@V.mutant("Value", hint="The derivative of x**n is n * x**(n-1): the power drops by one.")
class value_pow_wrong_power:
    def __init__(self, data, _children=(), _op=""):
        self.data = float(data)
        self.grad = 0.0
        self._prev = tuple(_children)
        self._backward = lambda: None
        self._op = _op

    def __repr__(self):
        return f"Value(data={self.data:.6g}, grad={self.grad:.6g})"

    def __add__(self, other):
        other = other if isinstance(other, Value) else Value(other)
        out = Value(self.data + other.data, (self, other), "+")

        def _backward():
            self.grad += out.grad
            other.grad += out.grad
        out._backward = _backward
        return out

    def __mul__(self, other):
        other = other if isinstance(other, Value) else Value(other)
        out = Value(self.data * other.data, (self, other), "*")

        def _backward():
            self.grad += other.data * out.grad
            other.grad += self.data * out.grad
        out._backward = _backward
        return out

    def __truediv__(self, other):
        other = other if isinstance(other, Value) else Value(other)
        out = Value(self.data / other.data, (self, other), "/")

        def _backward():
            self.grad += out.grad / other.data
            other.grad += -self.data / other.data ** 2 * out.grad
        out._backward = _backward
        return out

    def __pow__(self, exponent):
        out = Value(self.data ** exponent, (self,), f"**{exponent}")

        def _backward():
            self.grad += exponent * self.data ** exponent * out.grad
        out._backward = _backward
        return out

    def exp(self):
        out = Value(np.exp(self.data), (self,), "exp")

        def _backward():
            self.grad += out.data * out.grad
        out._backward = _backward
        return out

    def log(self):
        out = Value(np.log(self.data), (self,), "log")

        def _backward():
            self.grad += out.grad / self.data
        out._backward = _backward
        return out

    def sin(self):
        out = Value(np.sin(self.data), (self,), "sin")

        def _backward():
            self.grad += np.cos(self.data) * out.grad
        out._backward = _backward
        return out

    def tanh(self):
        t = np.tanh(self.data)
        out = Value(t, (self,), "tanh")

        def _backward():
            self.grad += (1.0 - t * t) * out.grad
        out._backward = _backward
        return out

    def relu(self):
        out = Value(self.data if self.data > 0 else 0.0, (self,), "relu")

        def _backward():
            self.grad += (1.0 if self.data > 0 else 0.0) * out.grad
        out._backward = _backward
        return out

    def max(self, other):
        other = other if isinstance(other, Value) else Value(other)
        out = Value(self.data if self.data >= other.data else other.data, (self, other), "max")

        def _backward():
            share = 1.0 if self.data > other.data else 0.0 if self.data < other.data else 0.5
            self.grad += share * out.grad
            other.grad += (1.0 - share) * out.grad
        out._backward = _backward
        return out

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
        return Value(other) / self

    def backward(self):
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


@V.mutant("Value", hint="d tanh(x)/dx = 1 - tanh(x)**2: square the OUTPUT t = tanh(x), not "
                        "the input x.")
class value_tanh_uses_input:
    def __init__(self, data, _children=(), _op=""):
        self.data = float(data)
        self.grad = 0.0
        self._prev = tuple(_children)
        self._backward = lambda: None
        self._op = _op

    def __repr__(self):
        return f"Value(data={self.data:.6g}, grad={self.grad:.6g})"

    def __add__(self, other):
        other = other if isinstance(other, Value) else Value(other)
        out = Value(self.data + other.data, (self, other), "+")

        def _backward():
            self.grad += out.grad
            other.grad += out.grad
        out._backward = _backward
        return out

    def __mul__(self, other):
        other = other if isinstance(other, Value) else Value(other)
        out = Value(self.data * other.data, (self, other), "*")

        def _backward():
            self.grad += other.data * out.grad
            other.grad += self.data * out.grad
        out._backward = _backward
        return out

    def __truediv__(self, other):
        other = other if isinstance(other, Value) else Value(other)
        out = Value(self.data / other.data, (self, other), "/")

        def _backward():
            self.grad += out.grad / other.data
            other.grad += -self.data / other.data ** 2 * out.grad
        out._backward = _backward
        return out

    def __pow__(self, exponent):
        out = Value(self.data ** exponent, (self,), f"**{exponent}")

        def _backward():
            self.grad += exponent * self.data ** (exponent - 1) * out.grad
        out._backward = _backward
        return out

    def exp(self):
        out = Value(np.exp(self.data), (self,), "exp")

        def _backward():
            self.grad += out.data * out.grad
        out._backward = _backward
        return out

    def log(self):
        out = Value(np.log(self.data), (self,), "log")

        def _backward():
            self.grad += out.grad / self.data
        out._backward = _backward
        return out

    def sin(self):
        out = Value(np.sin(self.data), (self,), "sin")

        def _backward():
            self.grad += np.cos(self.data) * out.grad
        out._backward = _backward
        return out

    def tanh(self):
        t = np.tanh(self.data)
        out = Value(t, (self,), "tanh")

        def _backward():
            self.grad += (1.0 - self.data * self.data) * out.grad
        out._backward = _backward
        return out

    def relu(self):
        out = Value(self.data if self.data > 0 else 0.0, (self,), "relu")

        def _backward():
            self.grad += (1.0 if self.data > 0 else 0.0) * out.grad
        out._backward = _backward
        return out

    def max(self, other):
        other = other if isinstance(other, Value) else Value(other)
        out = Value(self.data if self.data >= other.data else other.data, (self, other), "max")

        def _backward():
            share = 1.0 if self.data > other.data else 0.0 if self.data < other.data else 0.5
            self.grad += share * out.grad
            other.grad += (1.0 - share) * out.grad
        out._backward = _backward
        return out

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
        return Value(other) / self

    def backward(self):
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


@V.mutant("Value", hint="At exactly 0 the derivative of relu is taken as 0 (as in PyTorch): "
                        "the gradient flows only where the input is strictly positive.")
class value_relu_grad_at_zero:
    def __init__(self, data, _children=(), _op=""):
        self.data = float(data)
        self.grad = 0.0
        self._prev = tuple(_children)
        self._backward = lambda: None
        self._op = _op

    def __repr__(self):
        return f"Value(data={self.data:.6g}, grad={self.grad:.6g})"

    def __add__(self, other):
        other = other if isinstance(other, Value) else Value(other)
        out = Value(self.data + other.data, (self, other), "+")

        def _backward():
            self.grad += out.grad
            other.grad += out.grad
        out._backward = _backward
        return out

    def __mul__(self, other):
        other = other if isinstance(other, Value) else Value(other)
        out = Value(self.data * other.data, (self, other), "*")

        def _backward():
            self.grad += other.data * out.grad
            other.grad += self.data * out.grad
        out._backward = _backward
        return out

    def __truediv__(self, other):
        other = other if isinstance(other, Value) else Value(other)
        out = Value(self.data / other.data, (self, other), "/")

        def _backward():
            self.grad += out.grad / other.data
            other.grad += -self.data / other.data ** 2 * out.grad
        out._backward = _backward
        return out

    def __pow__(self, exponent):
        out = Value(self.data ** exponent, (self,), f"**{exponent}")

        def _backward():
            self.grad += exponent * self.data ** (exponent - 1) * out.grad
        out._backward = _backward
        return out

    def exp(self):
        out = Value(np.exp(self.data), (self,), "exp")

        def _backward():
            self.grad += out.data * out.grad
        out._backward = _backward
        return out

    def log(self):
        out = Value(np.log(self.data), (self,), "log")

        def _backward():
            self.grad += out.grad / self.data
        out._backward = _backward
        return out

    def sin(self):
        out = Value(np.sin(self.data), (self,), "sin")

        def _backward():
            self.grad += np.cos(self.data) * out.grad
        out._backward = _backward
        return out

    def tanh(self):
        t = np.tanh(self.data)
        out = Value(t, (self,), "tanh")

        def _backward():
            self.grad += (1.0 - t * t) * out.grad
        out._backward = _backward
        return out

    def relu(self):
        out = Value(self.data if self.data > 0 else 0.0, (self,), "relu")

        def _backward():
            self.grad += (1.0 if self.data >= 0 else 0.0) * out.grad
        out._backward = _backward
        return out

    def max(self, other):
        other = other if isinstance(other, Value) else Value(other)
        out = Value(self.data if self.data >= other.data else other.data, (self, other), "max")

        def _backward():
            share = 1.0 if self.data > other.data else 0.0 if self.data < other.data else 0.5
            self.grad += share * out.grad
            other.grad += (1.0 - share) * out.grad
        out._backward = _backward
        return out

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
        return Value(other) / self

    def backward(self):
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


@V.mutant("Value", hint="max(a, b) passes the gradient only to the larger input (the "
                        "smaller one does not change the result); here both inputs received "
                        "it.")
class value_max_grad_to_both:
    def __init__(self, data, _children=(), _op=""):
        self.data = float(data)
        self.grad = 0.0
        self._prev = tuple(_children)
        self._backward = lambda: None
        self._op = _op

    def __repr__(self):
        return f"Value(data={self.data:.6g}, grad={self.grad:.6g})"

    def __add__(self, other):
        other = other if isinstance(other, Value) else Value(other)
        out = Value(self.data + other.data, (self, other), "+")

        def _backward():
            self.grad += out.grad
            other.grad += out.grad
        out._backward = _backward
        return out

    def __mul__(self, other):
        other = other if isinstance(other, Value) else Value(other)
        out = Value(self.data * other.data, (self, other), "*")

        def _backward():
            self.grad += other.data * out.grad
            other.grad += self.data * out.grad
        out._backward = _backward
        return out

    def __truediv__(self, other):
        other = other if isinstance(other, Value) else Value(other)
        out = Value(self.data / other.data, (self, other), "/")

        def _backward():
            self.grad += out.grad / other.data
            other.grad += -self.data / other.data ** 2 * out.grad
        out._backward = _backward
        return out

    def __pow__(self, exponent):
        out = Value(self.data ** exponent, (self,), f"**{exponent}")

        def _backward():
            self.grad += exponent * self.data ** (exponent - 1) * out.grad
        out._backward = _backward
        return out

    def exp(self):
        out = Value(np.exp(self.data), (self,), "exp")

        def _backward():
            self.grad += out.data * out.grad
        out._backward = _backward
        return out

    def log(self):
        out = Value(np.log(self.data), (self,), "log")

        def _backward():
            self.grad += out.grad / self.data
        out._backward = _backward
        return out

    def sin(self):
        out = Value(np.sin(self.data), (self,), "sin")

        def _backward():
            self.grad += np.cos(self.data) * out.grad
        out._backward = _backward
        return out

    def tanh(self):
        t = np.tanh(self.data)
        out = Value(t, (self,), "tanh")

        def _backward():
            self.grad += (1.0 - t * t) * out.grad
        out._backward = _backward
        return out

    def relu(self):
        out = Value(self.data if self.data > 0 else 0.0, (self,), "relu")

        def _backward():
            self.grad += (1.0 if self.data > 0 else 0.0) * out.grad
        out._backward = _backward
        return out

    def max(self, other):
        other = other if isinstance(other, Value) else Value(other)
        out = Value(self.data if self.data >= other.data else other.data, (self, other), "max")

        def _backward():
            self.grad += out.grad
            other.grad += out.grad
        out._backward = _backward
        return out

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
        return Value(other) / self

    def backward(self):
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


@V.alternative("Value")
class value_kahn_local_derivatives:
    # Each node stores the local derivative of its result with respect to each of its inputs (one
    # number per edge), and backward orders the nodes with Kahn's algorithm: a node passes its
    # gradient on once every node that uses it has been processed. No recursion, no closures.
    def __init__(self, data, _children=(), _op="", _local=()):
        self.data = float(data)
        self.grad = 0.0
        self._prev = tuple(_children)
        self._local = tuple(_local)
        self._op = _op

    def __repr__(self):
        return f"Value({self.data}, grad={self.grad})"

    @staticmethod
    def _lift(other):
        return other if isinstance(other, Value) else Value(other)

    def __add__(self, other):
        other = Value._lift(other)
        return Value(self.data + other.data, (self, other), "+", (1.0, 1.0))

    def __radd__(self, other):
        return self + other

    def __sub__(self, other):
        other = Value._lift(other)
        return Value(self.data - other.data, (self, other), "-", (1.0, -1.0))

    def __rsub__(self, other):
        return Value._lift(other) - self

    def __neg__(self):
        return Value(-self.data, (self,), "neg", (-1.0,))

    def __mul__(self, other):
        other = Value._lift(other)
        return Value(self.data * other.data, (self, other), "*", (other.data, self.data))

    def __rmul__(self, other):
        return self * other

    def __truediv__(self, other):
        other = Value._lift(other)
        return Value(self.data / other.data, (self, other), "/",
                     (1.0 / other.data, -self.data / other.data ** 2))

    def __rtruediv__(self, other):
        return Value._lift(other) / self

    def __pow__(self, exponent):
        return Value(self.data ** exponent, (self,), "**", (exponent * self.data ** (exponent - 1),))

    def exp(self):
        e = float(np.exp(self.data))
        return Value(e, (self,), "exp", (e,))

    def log(self):
        return Value(np.log(self.data), (self,), "log", (1.0 / self.data,))

    def sin(self):
        return Value(np.sin(self.data), (self,), "sin", (np.cos(self.data),))

    def tanh(self):
        t = float(np.tanh(self.data))
        return Value(t, (self,), "tanh", (1.0 - t ** 2,))

    def relu(self):
        on = self.data > 0
        return Value(self.data if on else 0.0, (self,), "relu", (1.0 if on else 0.0,))

    def max(self, other):
        other = Value._lift(other)
        w = 1.0 if self.data > other.data else 0.0 if self.data < other.data else 0.5
        return Value(max(self.data, other.data), (self, other), "max", (w, 1.0 - w))

    def backward(self):
        uses = {id(self): 0}  # how many edges lead into each node from the nodes that use it
        nodes = [self]
        stack = [self]
        while stack:
            v = stack.pop()
            for child in v._prev:
                if id(child) not in uses:
                    uses[id(child)] = 0
                    nodes.append(child)
                    stack.append(child)
                uses[id(child)] += 1
        for v in nodes:
            v.grad = 0.0
        self.grad = 1.0
        ready = [self]
        while ready:
            v = ready.pop()
            for child, local in zip(v._prev, v._local):
                child.grad += local * v.grad
                uses[id(child)] -= 1
                if uses[id(child)] == 0:
                    ready.append(child)


@V.alternative("Value")
class value_composed_ops:
    # Only +, *, ** and the functions of one variable have a backward of their own: -, /, tanh and
    # max are built from them (so they add hidden nodes to the graph). The topological order comes
    # from an iterative depth-first search.
    def __init__(self, data, _children=(), _op=""):
        self.data = float(data)
        self.grad = 0.0
        self._prev = tuple(_children)
        self._backward = lambda: None
        self._op = _op

    def __repr__(self):
        return f"Value(data={self.data}, grad={self.grad})"

    def _unary(self, data, local, op):
        out = Value(data, (self,), op)

        def _backward():
            self.grad += local * out.grad
        out._backward = _backward
        return out

    def __add__(self, other):
        other = other if isinstance(other, Value) else Value(other)
        out = Value(self.data + other.data, (self, other), "+")

        def _backward():
            self.grad += out.grad
            other.grad += out.grad
        out._backward = _backward
        return out

    def __mul__(self, other):
        other = other if isinstance(other, Value) else Value(other)
        out = Value(self.data * other.data, (self, other), "*")

        def _backward():
            self.grad += other.data * out.grad
            other.grad += self.data * out.grad
        out._backward = _backward
        return out

    def __pow__(self, exponent):
        return self._unary(self.data ** exponent, exponent * self.data ** (exponent - 1), "**")

    def exp(self):
        e = np.exp(self.data)
        return self._unary(e, e, "exp")

    def log(self):
        return self._unary(np.log(self.data), 1.0 / self.data, "log")

    def sin(self):
        return self._unary(np.sin(self.data), np.cos(self.data), "sin")

    def relu(self):
        return self._unary(max(self.data, 0.0), 1.0 if self.data > 0 else 0.0, "relu")

    def tanh(self):
        return 1 - 2 / ((2 * self).exp() + 1)

    def __truediv__(self, other):
        other = other if isinstance(other, Value) else Value(other)
        return self * other ** -1

    def max(self, other):
        other = other if isinstance(other, Value) else Value(other)
        return other + (self - other).relu()

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
        return Value(other) / self

    def backward(self):
        topo, visited = [], set()
        stack = [(self, False)]
        while stack:
            v, children_done = stack.pop()
            if children_done:
                topo.append(v)
            elif v not in visited:
                visited.add(v)
                stack.append((v, True))
                for child in v._prev:
                    stack.append((child, False))
        for v in topo:
            v.grad = 0.0
        self.grad = 1.0
        for v in reversed(topo):
            v._backward()


# ---------------------------------------------------------------- Dual


@V.mutant("Dual", hint="The product rule has two terms: (a b)' = a' b + a b'. The second "
                       "one is missing.")
class dual_product_rule_one_term:
    def __init__(self, val, dot=0.0):
        self.val = float(val)
        self.dot = float(dot)

    def __repr__(self):
        return f"Dual(val={self.val:.6g}, dot={self.dot:.6g})"

    def __add__(self, other):
        other = other if isinstance(other, Dual) else Dual(other)
        return Dual(self.val + other.val, self.dot + other.dot)

    def __mul__(self, other):
        other = other if isinstance(other, Dual) else Dual(other)
        return Dual(self.val * other.val, self.dot * other.val)

    def __truediv__(self, other):
        other = other if isinstance(other, Dual) else Dual(other)
        return Dual(self.val / other.val,
                    (self.dot * other.val - self.val * other.dot) / other.val ** 2)

    def __pow__(self, exponent):
        return Dual(self.val ** exponent, exponent * self.val ** (exponent - 1) * self.dot)

    def exp(self):
        e = np.exp(self.val)
        return Dual(e, e * self.dot)

    def log(self):
        return Dual(np.log(self.val), self.dot / self.val)

    def sin(self):
        return Dual(np.sin(self.val), np.cos(self.val) * self.dot)

    def tanh(self):
        t = np.tanh(self.val)
        return Dual(t, (1.0 - t * t) * self.dot)

    def relu(self):
        if self.val > 0:
            return Dual(self.val, self.dot)
        return Dual(0.0, 0.0)

    def max(self, other):
        other = other if isinstance(other, Dual) else Dual(other)
        if self.val > other.val:
            return Dual(self.val, self.dot)
        if self.val < other.val:
            return Dual(other.val, other.dot)
        return Dual(self.val, 0.5 * (self.dot + other.dot))

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


@V.mutant("Dual", hint="The quotient rule is (a/b)' = (a' b - a b') / b**2, with a MINUS.")
class dual_quotient_rule_sign:
    def __init__(self, val, dot=0.0):
        self.val = float(val)
        self.dot = float(dot)

    def __repr__(self):
        return f"Dual(val={self.val:.6g}, dot={self.dot:.6g})"

    def __add__(self, other):
        other = other if isinstance(other, Dual) else Dual(other)
        return Dual(self.val + other.val, self.dot + other.dot)

    def __mul__(self, other):
        other = other if isinstance(other, Dual) else Dual(other)
        return Dual(self.val * other.val, self.dot * other.val + self.val * other.dot)

    def __truediv__(self, other):
        other = other if isinstance(other, Dual) else Dual(other)
        return Dual(self.val / other.val,
                    (self.dot * other.val + self.val * other.dot) / other.val ** 2)

    def __pow__(self, exponent):
        return Dual(self.val ** exponent, exponent * self.val ** (exponent - 1) * self.dot)

    def exp(self):
        e = np.exp(self.val)
        return Dual(e, e * self.dot)

    def log(self):
        return Dual(np.log(self.val), self.dot / self.val)

    def sin(self):
        return Dual(np.sin(self.val), np.cos(self.val) * self.dot)

    def tanh(self):
        t = np.tanh(self.val)
        return Dual(t, (1.0 - t * t) * self.dot)

    def relu(self):
        if self.val > 0:
            return Dual(self.val, self.dot)
        return Dual(0.0, 0.0)

    def max(self, other):
        other = other if isinstance(other, Dual) else Dual(other)
        if self.val > other.val:
            return Dual(self.val, self.dot)
        if self.val < other.val:
            return Dual(other.val, other.dot)
        return Dual(self.val, 0.5 * (self.dot + other.dot))

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


@V.mutant("Dual", hint="The chain rule is missing: the dot of f(u) is f'(u) times the dot "
                       "of u, not f'(u) alone, so a composition such as sin(x * y) comes "
                       "out wrong.")
class dual_no_chain_rule:
    def __init__(self, val, dot=0.0):
        self.val = float(val)
        self.dot = float(dot)

    def __repr__(self):
        return f"Dual(val={self.val:.6g}, dot={self.dot:.6g})"

    def __add__(self, other):
        other = other if isinstance(other, Dual) else Dual(other)
        return Dual(self.val + other.val, self.dot + other.dot)

    def __mul__(self, other):
        other = other if isinstance(other, Dual) else Dual(other)
        return Dual(self.val * other.val, self.dot * other.val + self.val * other.dot)

    def __truediv__(self, other):
        other = other if isinstance(other, Dual) else Dual(other)
        return Dual(self.val / other.val,
                    (self.dot * other.val - self.val * other.dot) / other.val ** 2)

    def __pow__(self, exponent):
        return Dual(self.val ** exponent, exponent * self.val ** (exponent - 1))

    def exp(self):
        e = np.exp(self.val)
        return Dual(e, e)

    def log(self):
        return Dual(np.log(self.val), 1.0 / self.val)

    def sin(self):
        return Dual(np.sin(self.val), np.cos(self.val))

    def tanh(self):
        t = np.tanh(self.val)
        return Dual(t, 1.0 - t * t)

    def relu(self):
        if self.val > 0:
            return Dual(self.val, self.dot)
        return Dual(0.0, 0.0)

    def max(self, other):
        other = other if isinstance(other, Dual) else Dual(other)
        if self.val > other.val:
            return Dual(self.val, self.dot)
        if self.val < other.val:
            return Dual(other.val, other.dot)
        return Dual(self.val, 0.5 * (self.dot + other.dot))

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


@V.mutant("Dual", hint="The dot of tanh(u) is (1 - tanh(u)**2) times the dot of u: square "
                       "the output tanh(u), not the input u.")
class dual_tanh_uses_input:
    def __init__(self, val, dot=0.0):
        self.val = float(val)
        self.dot = float(dot)

    def __repr__(self):
        return f"Dual(val={self.val:.6g}, dot={self.dot:.6g})"

    def __add__(self, other):
        other = other if isinstance(other, Dual) else Dual(other)
        return Dual(self.val + other.val, self.dot + other.dot)

    def __mul__(self, other):
        other = other if isinstance(other, Dual) else Dual(other)
        return Dual(self.val * other.val, self.dot * other.val + self.val * other.dot)

    def __truediv__(self, other):
        other = other if isinstance(other, Dual) else Dual(other)
        return Dual(self.val / other.val,
                    (self.dot * other.val - self.val * other.dot) / other.val ** 2)

    def __pow__(self, exponent):
        return Dual(self.val ** exponent, exponent * self.val ** (exponent - 1) * self.dot)

    def exp(self):
        e = np.exp(self.val)
        return Dual(e, e * self.dot)

    def log(self):
        return Dual(np.log(self.val), self.dot / self.val)

    def sin(self):
        return Dual(np.sin(self.val), np.cos(self.val) * self.dot)

    def tanh(self):
        t = np.tanh(self.val)
        return Dual(t, (1.0 - self.val * self.val) * self.dot)

    def relu(self):
        if self.val > 0:
            return Dual(self.val, self.dot)
        return Dual(0.0, 0.0)

    def max(self, other):
        other = other if isinstance(other, Dual) else Dual(other)
        if self.val > other.val:
            return Dual(self.val, self.dot)
        if self.val < other.val:
            return Dual(other.val, other.dot)
        return Dual(self.val, 0.5 * (self.dot + other.dot))

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


@V.alternative("Dual")
class dual_chain_helper:
    # Every function of one variable goes through one helper that applies the chain rule, and
    # division is multiplication by the reciprocal.
    def __init__(self, val, dot=0.0):
        self.val = float(val)
        self.dot = float(dot)

    def __repr__(self):
        return f"Dual({self.val}, {self.dot})"

    @staticmethod
    def _lift(other):
        return other if isinstance(other, Dual) else Dual(other)

    def _chain(self, value, derivative):
        # f(u): value f(u.val), and dot f'(u.val) * u.dot
        return Dual(value, derivative * self.dot)

    def __add__(self, other):
        other = Dual._lift(other)
        return Dual(self.val + other.val, self.dot + other.dot)

    __radd__ = __add__

    def __neg__(self):
        return Dual(-self.val, -self.dot)

    def __sub__(self, other):
        return self + (-Dual._lift(other))

    def __rsub__(self, other):
        return Dual._lift(other) - self

    def __mul__(self, other):
        other = Dual._lift(other)
        return Dual(self.val * other.val, self.val * other.dot + other.val * self.dot)

    __rmul__ = __mul__

    def reciprocal(self):
        return self._chain(1.0 / self.val, -1.0 / self.val ** 2)

    def __truediv__(self, other):
        return self * Dual._lift(other).reciprocal()

    def __rtruediv__(self, other):
        return Dual._lift(other) * self.reciprocal()

    def __pow__(self, exponent):
        return self._chain(self.val ** exponent, exponent * self.val ** (exponent - 1))

    def exp(self):
        e = np.exp(self.val)
        return self._chain(e, e)

    def log(self):
        return self._chain(np.log(self.val), 1.0 / self.val)

    def sin(self):
        return self._chain(np.sin(self.val), np.cos(self.val))

    def tanh(self):
        t = np.tanh(self.val)
        return self._chain(t, 1.0 - t * t)

    def relu(self):
        return self._chain(max(self.val, 0.0), 1.0 if self.val > 0 else 0.0)

    def max(self, other):
        other = Dual._lift(other)
        w = 1.0 if self.val > other.val else 0.0 if self.val < other.val else 0.5
        return Dual(max(self.val, other.val), w * self.dot + (1.0 - w) * other.dot)


# ---------------------------------------------------------------- affine_forward

@V.mutant("affine_forward", hint="The bias is missing: out = x @ W + b.")
def affine_forward_no_bias(x, W, b):
    return x @ W, (x, W, b)


@V.mutant("affine_forward", hint="b has one entry per OUTPUT unit (shape (M,)) and is added to "
                                 "every row of the batch. Reshaped into a column, b[n] is added "
                                 "to row n instead (and the shapes only fit when N = M).")
def affine_forward_bias_per_example(x, W, b):
    return x @ W + b.reshape(-1, 1), (x, W, b)


@V.mutant("affine_forward", hint="The cache should be (x, W, b), with the layer's INPUT x: the "
                                 "gradient with respect to W depends on x, which cannot be "
                                 "recovered from out.")
def affine_forward_cache_holds_out(x, W, b):
    out = x @ W + b
    return out, (out, W, b)


@V.alternative("affine_forward")
def affine_forward_einsum(x, W, b):
    out = np.einsum("nd,dm->nm", x, W) + b[None, :]
    return out, (x, W, b)


# ---------------------------------------------------------------- affine_backward

@V.mutant("affine_backward", hint="db must have the shape of b, (M,): b is added to every row of "
                                  "the batch, so its gradient is the SUM of dout over the rows.")
def affine_backward_db_no_sum(dout, cache):
    x, W, b = cache
    return dout @ W.T, x.T @ dout, dout


@V.mutant("affine_backward", hint="db is the SUM of dout over the batch, not its mean: any "
                                  "average over the batch is already inside dout (it comes from "
                                  "the loss).")
def affine_backward_db_mean(dout, cache):
    x, W, b = cache
    return dout @ W.T, x.T @ dout, dout.mean(axis=0)


@V.mutant("affine_backward", hint="dW has come out transposed: it must have the shape of W, "
                                  "(D, M), with dW[j, k] = sum over the batch of x[n, j] * "
                                  "dout[n, k].")
def affine_backward_dW_transposed(dout, cache):
    x, W, b = cache
    return dout @ W.T, dout.T @ x, dout.sum(axis=0)


@V.mutant("affine_backward", hint="dW is divided by the batch size: the 1/N of a mean loss is "
                                  "already inside dout, and the layer's backward pass only sums "
                                  "over the batch.")
def affine_backward_dW_mean(dout, cache):
    x, W, b = cache
    return dout @ W.T, x.T @ dout / x.shape[0], dout.sum(axis=0)


@V.alternative("affine_backward")
def affine_backward_einsum(dout, cache):
    x, W, _ = cache
    dx = np.einsum("nm,dm->nd", dout, W)
    dW = np.einsum("nd,nm->dm", x, dout)
    db = np.ones(dout.shape[0]) @ dout
    return dx, dW, db


# ---------------------------------------------------------------- relu_forward

@V.mutant("relu_forward", hint="np.max(x, 0) is a reduction (the largest entry along axis 0), not "
                               "the elementwise maximum of x and 0, which is np.maximum(x, 0).")
def relu_forward_max_reduces(x):
    return np.max(x, 0), x


@V.mutant("relu_forward", hint="relu_forward returns the mask (x > 0) instead of max(0, x): the "
                               "mask is what the BACKWARD pass multiplies by.")
def relu_forward_returns_mask(x):
    return (x > 0).astype(np.float64), x


@V.mutant("relu_forward", hint="relu_forward changed its input x in place (its negative entries "
                               "were set to 0). Return a new array: the caller may still need x, "
                               "and a cache of the changed x no longer holds the layer's input.")
def relu_forward_in_place(x):
    x[x < 0] = 0.0
    return x, x


@V.alternative("relu_forward")
def relu_forward_where(x):
    return np.where(x > 0, x, 0.0), x.copy()


@V.alternative("relu_forward")
def relu_forward_clip(x):
    return np.clip(x, 0.0, None), x


# ---------------------------------------------------------------- relu_backward

@V.mutant("relu_backward", hint="At exactly 0 the derivative of relu is taken as 0 (as in "
                                "PyTorch): the gradient flows only where x > 0.")
def relu_backward_at_zero(dout, cache):
    return dout * (cache >= 0)


@V.mutant("relu_backward", hint="dx = dout * relu'(x), and relu'(x) is 1 or 0: multiplying by "
                                "relu(x) itself scales the gradient by the input.")
def relu_backward_times_relu(dout, cache):
    return dout * np.maximum(0.0, cache)


@V.mutant("relu_backward", hint="The upstream gradient dout is missing: by the chain rule dx is "
                                "dout times the local derivative, so dx = dout where x > 0 and 0 "
                                "elsewhere.")
def relu_backward_mask_only(dout, cache):
    return (cache > 0).astype(np.float64)


@V.mutant("relu_backward", hint="The mask must come from the forward INPUT x (where the unit was "
                                "active), not from the sign of dout.")
def relu_backward_mask_from_dout(dout, cache):
    return dout * (dout > 0)


@V.alternative("relu_backward")
def relu_backward_where(dout, cache):
    return np.where(cache > 0, dout, 0.0)


# ---------------------------------------------------------------- softmax_cross_entropy

@V.mutant("softmax_cross_entropy", hint="dscores is N times too large: the loss is the MEAN over "
                                        "the N rows, so every row of its gradient carries a "
                                        "factor 1/N.")
def softmax_ce_not_divided_by_n(scores, y):
    N = scores.shape[0]
    shifted = scores - scores.max(axis=1, keepdims=True)
    probs = np.exp(shifted) / np.exp(shifted).sum(axis=1, keepdims=True)
    loss = -np.mean(np.log(probs[np.arange(N), y]))
    dscores = probs.copy()
    dscores[np.arange(N), y] -= 1.0
    return float(loss), dscores


@V.mutant("softmax_cross_entropy", hint="The softmax overflows for large scores (np.exp(1000) is "
                                        "inf): subtract each row's maximum from its scores before "
                                        "exponentiating.")
def softmax_ce_unstable(scores, y):
    N = scores.shape[0]
    probs = np.exp(scores) / np.exp(scores).sum(axis=1, keepdims=True)
    loss = -np.mean(np.log(probs[np.arange(N), y]))
    dscores = probs.copy()
    dscores[np.arange(N), y] -= 1.0
    return float(loss), dscores / N


@V.mutant("softmax_cross_entropy", hint="dscores is missing the -1 at the true class: the "
                                        "derivative of -log(p_y) with respect to score c is "
                                        "p_c - 1 when c = y, and p_c otherwise.")
def softmax_ce_no_one_hot(scores, y):
    N = scores.shape[0]
    shifted = scores - scores.max(axis=1, keepdims=True)
    probs = np.exp(shifted) / np.exp(shifted).sum(axis=1, keepdims=True)
    loss = -np.mean(np.log(probs[np.arange(N), y]))
    return float(loss), probs / N


@V.mutant("softmax_cross_entropy", hint="The loss is summed over the batch; it should be the mean "
                                        "over the N rows (and its gradient carries the same 1/N).")
def softmax_ce_sum_not_mean(scores, y):
    N = scores.shape[0]
    shifted = scores - scores.max(axis=1, keepdims=True)
    probs = np.exp(shifted) / np.exp(shifted).sum(axis=1, keepdims=True)
    loss = -np.sum(np.log(probs[np.arange(N), y]))
    dscores = probs.copy()
    dscores[np.arange(N), y] -= 1.0
    return float(loss), dscores


@V.alternative("softmax_cross_entropy")
def softmax_ce_logsumexp_one_hot(scores, y):
    N, C = scores.shape
    top = scores.max(axis=1)
    lse = top + np.log(np.exp(scores - top[:, None]).sum(axis=1))   # log sum_c exp(scores)
    one_hot = np.eye(C)[y]
    loss = np.sum(lse - np.sum(scores * one_hot, axis=1)) / N
    probs = np.exp(scores - lse[:, None])
    return float(loss), (probs - one_hot) / N


# ---------------------------------------------------------------- two_layer_net_loss

@V.mutant("two_layer_net_loss", hint="The gradient flows back through the ReLU everywhere: it must "
                                     "be 0 where the hidden pre-activation X @ W1 + b1 is not "
                                     "positive.")
def net_no_relu_mask(X, y, params, reg=0.0):
    W1, b1, W2, b2 = params["W1"], params["b1"], params["W2"], params["b2"]
    N = X.shape[0]
    hidden = np.maximum(0.0, X @ W1 + b1)
    scores = hidden @ W2 + b2
    shifted = scores - scores.max(axis=1, keepdims=True)
    probs = np.exp(shifted) / np.exp(shifted).sum(axis=1, keepdims=True)
    loss = -np.mean(np.log(probs[np.arange(N), y])) + 0.5 * reg * (np.sum(W1 ** 2) + np.sum(W2 ** 2))
    dscores = probs.copy()
    dscores[np.arange(N), y] -= 1.0
    dscores /= N
    dhidden = dscores @ W2.T
    return float(loss), {"W1": X.T @ dhidden + reg * W1, "b1": dhidden.sum(axis=0),
                         "W2": hidden.T @ dscores + reg * W2, "b2": dscores.sum(axis=0)}


@V.mutant("two_layer_net_loss", hint="dW2 uses the hidden layer BEFORE the ReLU. W2 multiplies "
                                     "relu(X @ W1 + b1), so that is what its gradient needs.")
def net_dW2_uses_pre_activation(X, y, params, reg=0.0):
    W1, b1, W2, b2 = params["W1"], params["b1"], params["W2"], params["b2"]
    N = X.shape[0]
    pre = X @ W1 + b1
    hidden = np.maximum(0.0, pre)
    scores = hidden @ W2 + b2
    shifted = scores - scores.max(axis=1, keepdims=True)
    probs = np.exp(shifted) / np.exp(shifted).sum(axis=1, keepdims=True)
    loss = -np.mean(np.log(probs[np.arange(N), y])) + 0.5 * reg * (np.sum(W1 ** 2) + np.sum(W2 ** 2))
    dscores = probs.copy()
    dscores[np.arange(N), y] -= 1.0
    dscores /= N
    dpre = (dscores @ W2.T) * (pre > 0)
    return float(loss), {"W1": X.T @ dpre + reg * W1, "b1": dpre.sum(axis=0),
                         "W2": pre.T @ dscores + reg * W2, "b2": dscores.sum(axis=0)}


@V.mutant("two_layer_net_loss", hint="The biases are penalised too: the L2 penalty is on the "
                                     "weights W1 and W2 only.")
def net_penalizes_biases(X, y, params, reg=0.0):
    W1, b1, W2, b2 = params["W1"], params["b1"], params["W2"], params["b2"]
    N = X.shape[0]
    pre = X @ W1 + b1
    hidden = np.maximum(0.0, pre)
    scores = hidden @ W2 + b2
    shifted = scores - scores.max(axis=1, keepdims=True)
    probs = np.exp(shifted) / np.exp(shifted).sum(axis=1, keepdims=True)
    penalty = sum(np.sum(params[k] ** 2) for k in ("W1", "b1", "W2", "b2"))
    loss = -np.mean(np.log(probs[np.arange(N), y])) + 0.5 * reg * penalty
    dscores = probs.copy()
    dscores[np.arange(N), y] -= 1.0
    dscores /= N
    dpre = (dscores @ W2.T) * (pre > 0)
    return float(loss), {"W1": X.T @ dpre + reg * W1, "b1": dpre.sum(axis=0) + reg * b1,
                         "W2": hidden.T @ dscores + reg * W2, "b2": dscores.sum(axis=0) + reg * b2}


@V.mutant("two_layer_net_loss", hint="The penalty is in the loss but not in the gradients: its "
                                     "gradient, reg * W, must be added to dW1 and dW2.")
def net_penalty_grad_missing(X, y, params, reg=0.0):
    W1, b1, W2, b2 = params["W1"], params["b1"], params["W2"], params["b2"]
    N = X.shape[0]
    pre = X @ W1 + b1
    hidden = np.maximum(0.0, pre)
    scores = hidden @ W2 + b2
    shifted = scores - scores.max(axis=1, keepdims=True)
    probs = np.exp(shifted) / np.exp(shifted).sum(axis=1, keepdims=True)
    loss = -np.mean(np.log(probs[np.arange(N), y])) + 0.5 * reg * (np.sum(W1 ** 2) + np.sum(W2 ** 2))
    dscores = probs.copy()
    dscores[np.arange(N), y] -= 1.0
    dscores /= N
    dpre = (dscores @ W2.T) * (pre > 0)
    return float(loss), {"W1": X.T @ dpre, "b1": dpre.sum(axis=0),
                         "W2": hidden.T @ dscores, "b2": dscores.sum(axis=0)}


@V.mutant("two_layer_net_loss", hint="The penalty is reg * sum(W**2); this notebook's is "
                                     "reg / 2 * sum(W**2), whose gradient is reg * W.")
def net_penalty_no_half(X, y, params, reg=0.0):
    W1, b1, W2, b2 = params["W1"], params["b1"], params["W2"], params["b2"]
    N = X.shape[0]
    pre = X @ W1 + b1
    hidden = np.maximum(0.0, pre)
    scores = hidden @ W2 + b2
    shifted = scores - scores.max(axis=1, keepdims=True)
    probs = np.exp(shifted) / np.exp(shifted).sum(axis=1, keepdims=True)
    loss = -np.mean(np.log(probs[np.arange(N), y])) + reg * (np.sum(W1 ** 2) + np.sum(W2 ** 2))
    dscores = probs.copy()
    dscores[np.arange(N), y] -= 1.0
    dscores /= N
    dpre = (dscores @ W2.T) * (pre > 0)
    return float(loss), {"W1": X.T @ dpre + reg * W1, "b1": dpre.sum(axis=0),
                         "W2": hidden.T @ dscores + reg * W2, "b2": dscores.sum(axis=0)}


@V.alternative("two_layer_net_loss")
def net_one_hot_and_hidden_mask(X, y, params, reg=0.0):
    # the mask from the hidden activations (hidden > 0 exactly where pre > 0), a one-hot matrix,
    # and log-softmax through the log-sum-exp
    W1, b1, W2, b2 = params["W1"], params["b1"], params["W2"], params["b2"]
    N, C = X.shape[0], W2.shape[1]
    hidden = np.maximum(X @ W1 + b1, 0.0)
    scores = hidden @ W2 + b2
    top = scores.max(axis=1, keepdims=True)
    lse = top + np.log(np.exp(scores - top).sum(axis=1, keepdims=True))
    one_hot = np.eye(C)[y]
    data_loss = np.sum(one_hot * (lse - scores)) / N
    loss = data_loss + reg / 2 * (np.sum(np.square(W1)) + np.sum(np.square(W2)))
    dscores = (np.exp(scores - lse) - one_hot) / N
    dhidden = dscores @ W2.T
    dhidden[hidden <= 0] = 0.0
    return float(loss), {"W1": np.dot(X.T, dhidden) + reg * W1, "b1": np.sum(dhidden, axis=0),
                         "W2": np.dot(hidden.T, dscores) + reg * W2, "b2": np.sum(dscores, axis=0)}


# ---------------------------------------------------------------- logistic_regression_loss

@V.mutant("logistic_regression_loss", hint="The sign of the data term is flipped: the objective "
                                           "SUBTRACTS lam * sum log p(y|x), so that minimising it "
                                           "maximises the likelihood.")
def logreg_plus_log_likelihood(w, X, y, lam):
    z = X @ w
    log_p = -np.logaddexp(0.0, -(2.0 * y - 1.0) * z)
    p1 = np.exp(-np.logaddexp(0.0, -z))
    return float(0.5 * w @ w + lam * np.sum(log_p)), w + lam * (X.T @ (y - p1))


@V.mutant("logistic_regression_loss", hint="The data term is averaged over the examples; the "
                                           "lecture's objective SUMS log p(y_i|x_i) over them.")
def logreg_mean_not_sum(w, X, y, lam):
    z = X @ w
    log_p = -np.logaddexp(0.0, -(2.0 * y - 1.0) * z)
    p1 = np.exp(-np.logaddexp(0.0, -z))
    return float(0.5 * w @ w - lam * np.mean(log_p)), w - lam * (X.T @ (y - p1)) / len(y)


@V.mutant("logistic_regression_loss", hint="log(sigmoid(z)) breaks down for large |z|: sigmoid "
                                           "rounds to 0 or 1 and the log gives -inf. Compute "
                                           "log p(y|x) stably, e.g. log sigmoid(z) = "
                                           "-np.logaddexp(0, -z).")
def logreg_unstable(w, X, y, lam):
    p1 = 1.0 / (1.0 + np.exp(-(X @ w)))
    log_p = y * np.log(p1) + (1 - y) * np.log(1.0 - p1)
    return float(0.5 * w @ w - lam * np.sum(log_p)), w - lam * (X.T @ (y - p1))


@V.mutant("logistic_regression_loss", hint="The labels are 0 and 1 here: log p(y|x) is "
                                           "log sigmoid(z) for y = 1 and log sigmoid(-z) for y = 0. "
                                           "The formula log sigmoid(y z) is for labels -1 and +1.")
def logreg_labels_pm1(w, X, y, lam):
    z = X @ w
    log_p = -np.logaddexp(0.0, -y * z)
    grad = w - lam * (X.T @ (y * np.exp(-np.logaddexp(0.0, y * z))))
    return float(0.5 * w @ w - lam * np.sum(log_p)), grad


@V.mutant("logistic_regression_loss", hint="The regularizer is 1/2 ||w||^2 (whose gradient is w); "
                                           "here the loss has ||w||^2.")
def logreg_no_half(w, X, y, lam):
    z = X @ w
    log_p = -np.logaddexp(0.0, -(2.0 * y - 1.0) * z)
    p1 = np.exp(-np.logaddexp(0.0, -z))
    return float(w @ w - lam * np.sum(log_p)), w - lam * (X.T @ (y - p1))


@V.alternative("logistic_regression_loss")
def logreg_branches(w, X, y, lam):
    z = X @ w
    # log sigmoid(t) = -log(1 + exp(-t)) = min(t, 0) - log1p(exp(-|t|)), fine for any t
    t = np.where(y == 1, z, -z)
    log_p = np.minimum(t, 0.0) - np.log1p(np.exp(-np.abs(t)))
    sigmoid = np.where(z >= 0, 1.0 / (1.0 + np.exp(-np.abs(z))), np.exp(-np.abs(z)) / (1.0 + np.exp(-np.abs(z))))
    loss = np.sum(w ** 2) / 2 - lam * log_p.sum()
    return float(loss), w + lam * X.T @ (sigmoid - y)


# ---------------------------------------------------------------- check_gradient

@V.mutant("check_gradient", hint="The numerical gradient uses forward differences "
                                 "(f(x + h) - f(x)) / h, whose error shrinks only like h. Centered "
                                 "differences (f(x + h) - f(x - h)) / (2h) are accurate to about "
                                 "h**2.")
def check_forward_differences(f, x, analytic_grad, h=1e-5):
    numeric = np.zeros(x.shape)
    f0 = float(f(x))
    for i in np.ndindex(x.shape):
        old = x[i]
        x[i] = old + h
        numeric[i] = (float(f(x)) - f0) / h
        x[i] = old
    errors = np.abs(analytic_grad - numeric) / np.maximum(np.abs(analytic_grad) + np.abs(numeric), 1e-8)
    worst = np.unravel_index(np.argmax(errors), errors.shape)
    return float(errors[worst]), tuple(int(i) for i in worst)


@V.mutant("check_gradient", hint="Where both gradients are exactly 0 the relative error is "
                                 "0 / 0 = nan: divide by max(|a| + |n|, 1e-8), as the docstring "
                                 "says.")
def check_no_guard(f, x, analytic_grad, h=1e-5):
    numeric = np.zeros(x.shape)
    for i in np.ndindex(x.shape):
        old = x[i]
        x[i] = old + h
        f_plus = float(f(x))
        x[i] = old - h
        f_minus = float(f(x))
        x[i] = old
        numeric[i] = (f_plus - f_minus) / (2 * h)
    with np.errstate(invalid="ignore"):
        errors = np.abs(analytic_grad - numeric) / (np.abs(analytic_grad) + np.abs(numeric))
    worst = np.unravel_index(np.argmax(errors), errors.shape)
    return float(errors[worst]), tuple(int(i) for i in worst)


@V.mutant("check_gradient", hint="The error is absolute, |a - n|. It must be relative (divided by "
                                 "|a| + |n|), so that it means the same for large and small "
                                 "gradients.")
def check_absolute_error(f, x, analytic_grad, h=1e-5):
    numeric = np.zeros(x.shape)
    for i in np.ndindex(x.shape):
        old = x[i]
        x[i] = old + h
        f_plus = float(f(x))
        x[i] = old - h
        f_minus = float(f(x))
        x[i] = old
        numeric[i] = (f_plus - f_minus) / (2 * h)
    errors = np.abs(analytic_grad - numeric)
    worst = np.unravel_index(np.argmax(errors), errors.shape)
    return float(errors[worst]), tuple(int(i) for i in worst)


@V.mutant("check_gradient", hint="The worst index is a position in the flattened array. Return an "
                                 "index of x itself: a tuple such as (i, j) for a 2-D x, as "
                                 "np.unravel_index gives.")
def check_flat_index(f, x, analytic_grad, h=1e-5):
    numeric = np.zeros(x.shape)
    for i in np.ndindex(x.shape):
        old = x[i]
        x[i] = old + h
        f_plus = float(f(x))
        x[i] = old - h
        f_minus = float(f(x))
        x[i] = old
        numeric[i] = (f_plus - f_minus) / (2 * h)
    errors = np.abs(analytic_grad - numeric) / np.maximum(np.abs(analytic_grad) + np.abs(numeric), 1e-8)
    return float(errors.max()), int(np.argmax(errors))


@V.mutant("check_gradient", hint="The step h passed in is not used: the numerical gradient must "
                                 "use the given h.")
def check_ignores_h(f, x, analytic_grad, h=1e-5):
    step = 1e-5
    numeric = np.zeros(x.shape)
    for i in np.ndindex(x.shape):
        old = x[i]
        x[i] = old + step
        f_plus = float(f(x))
        x[i] = old - step
        f_minus = float(f(x))
        x[i] = old
        numeric[i] = (f_plus - f_minus) / (2 * step)
    errors = np.abs(analytic_grad - numeric) / np.maximum(np.abs(analytic_grad) + np.abs(numeric), 1e-8)
    worst = np.unravel_index(np.argmax(errors), errors.shape)
    return float(errors[worst]), tuple(int(i) for i in worst)


@V.alternative("check_gradient")
def check_with_copies(f, x, analytic_grad, h=1e-5):
    # perturbs copies of x (x itself is never changed) and finds the worst entry by a loop
    numeric = np.empty_like(x)
    flat = x.reshape(-1)
    for k in range(flat.size):
        step = np.zeros(flat.size)
        step[k] = h
        plus = (flat + step).reshape(x.shape)
        minus = (flat - step).reshape(x.shape)
        numeric.reshape(-1)[k] = (f(plus) - f(minus)) / (2 * h)
    best, worst = -1.0, None
    for idx in np.ndindex(x.shape):
        a, n = analytic_grad[idx], numeric[idx]
        err = np.abs(a - n) / max(np.abs(a) + np.abs(n), 1e-8)
        if err > best:
            best, worst = err, idx
    return float(best), tuple(worst)


# The mistakes of the demo's `mistakes` student (and, the first one, of its `attacker`).
DEMO_MISTAKES = ("affine_backward_db_no_sum", "value_overwrites_grad", "softmax_ce_not_divided_by_n")
