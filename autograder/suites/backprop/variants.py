"""Known-wrong (mutants) and known-correct (alternatives) answers for the backprop assignment.

Most mutants are one edit of the reference (autograder/variants.py): the Value and Dual mutants
are the reference class with one method changed, so they stay in step with it. Whole functions
and classes remain for answers with a structure of their own. Each variant's source is pasted into
a notebook under the graded name, so a whole one may use `np` and nothing else; inside a class,
`Value` and `Dual` name the class itself once it is pasted (the hidden suite runs them here the
same way: their source, executed under the graded name). Layer mutants keep the documented cache
layouts, so that a wrong forward pass costs only its own points.
"""
import numpy as np

from autograder.variants import Variants
from solutions import backprop as ref

V = Variants(reference=ref)

# ---------------------------------------------------------------- fc_jacobian


V.edit_mutant("fc_jacobian", "fc_jacobian_x_not_transposed",
              hint="J_x came out as W itself, of shape (D, M). The Jacobian has one ROW per "
                   "output: J_x[i, j] = dy[i]/dx[j] = W[j, i], so it has shape (M, D).",
              mistake="transpose",
              replace={"J_x = W.T.copy()": "J_x = W.copy()"})


V.edit_mutant("fc_jacobian", "fc_jacobian_W_column_major",
              hint="The columns of J_W follow the wrong flattening of W. W.ravel() is row-major: "
                   "entry W[j, k] is number j * M + k.",
              replace={"J_W[i, j * M + i] = x[j]": "J_W[i, i * D + j] = x[j]"})


V.edit_mutant("fc_jacobian", "fc_jacobian_W_ones",
              hint="dy[i]/dW[j, i] is x[j], not 1: in y[i] = sum_j x[j] W[j, i] + b[i] the weight "
                   "W[j, i] is multiplied by the input x[j].",
              replace={"J_W[i, j * M + i] = x[j]": "J_W[i, j * M + i] = 1.0"})


V.edit_mutant("fc_jacobian", "fc_jacobian_W_every_column",
              hint="y[i] depends only on column i of W: dy[i]/dW[j, k] = 0 when k != i, so each "
                   "row of J_W has only D nonzero entries.",
              replace={"J_W[i, j * M + i] = x[j]": "J_W[i, j * M:(j + 1) * M] = x[j]"})


V.edit_mutant("fc_jacobian", "fc_jacobian_W_float32",
              hint="J_W is a float32 array: np.zeros(..., dtype=np.float32) keeps only about 7 "
                   "digits. Leave the dtype out, and numpy makes float64.",
              mistake="dtype",
              replace={"J_W = np.zeros((M, D * M))": "J_W = np.zeros((M, D * M), dtype=np.float32)"})


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

V.edit_mutant("relu_jacobian", "relu_jacobian_at_zero_is_one",
              hint="At exactly x = 0 the derivative of relu is taken as 0 (as in PyTorch): a "
                   "diagonal entry is 1 only where x > 0.",
              mistake="kink",
              replace={"(x > 0)": "(x >= 0)"})


V.edit_mutant("relu_jacobian", "relu_jacobian_of_values",
              hint="The diagonal holds relu(x) itself. The Jacobian holds derivatives: 1 where x >"
                   " 0 and 0 elsewhere.",
              replace={"(x > 0).astype(np.float64)": "np.maximum(0.0, x)"})


V.edit_mutant("relu_jacobian", "relu_jacobian_vector",
              hint="The Jacobian is a (D, D) matrix, not a vector of D derivatives: relu acts "
                   "entry by entry, so the derivatives sit on the diagonal and every other entry "
                   "is 0.",
              replace={"np.diag((x > 0).astype(np.float64))": "(x > 0).astype(np.float64)"})


V.edit_mutant("relu_jacobian", "relu_jacobian_rows",
              hint="Every entry off the diagonal must be 0: y[i] = max(0, x[i]) depends on x[i] "
                   "only, so dy[i]/dx[j] = 0 for j != i.",
              replace={"np.diag((x > 0).astype(np.float64))":
                       "np.tile((x > 0).astype(np.float64), (len(x), 1))"})


V.edit_mutant("relu_jacobian", "relu_jacobian_float32",
              hint="The Jacobian is a float32 array: make the 0/1 entries float64 "
                   "(.astype(np.float64)), the dtype of every array in this notebook.",
              mistake="dtype",
              replace={"astype(np.float64)": "astype(np.float32)"})


@V.alternative("relu_jacobian")
def relu_jacobian_eye_mask(x):
    return np.eye(len(x)) * np.where(x > 0, 1.0, 0.0)[:, None]


# ---------------------------------------------------------------- Value
# The mutants are the reference class with one mistake each.


V.edit_mutant("Value", "value_overwrites_grad",
              hint="A node that feeds several paths gets the SUM of the gradients from all of "
                   "them, so each _backward must add to grad (+=), not overwrite it (=): with b = "
                   "a + a, db/da is 2, not 1.",
              replace={old: old.replace("+=", "=") for old in (
    "self.grad += out.grad\n", "other.grad += out.grad\n", "self.grad += other.data",
    "other.grad += self.data", "self.grad += out.grad / other.data", "other.grad += -self.data",
    "self.grad += exponent", "self.grad += out.data", "self.grad += out.grad / self.data",
    "self.grad += np.cos", "self.grad += (1.0 - t", "self.grad += (1.0 if",
    "self.grad += share", "other.grad += (1.0 - share)")})


V.edit_mutant("Value", "value_no_topological_order",
              hint="backward runs the nodes' _backward in an order where a node can pass its "
                   "gradient on before every node that uses it has added its share (as happens "
                   "with a reused intermediate). Run them in reverse topological order.",
              # each node listed BEFORE the nodes it was computed from, and the list run in that order
              replace={
    "                for child in v._prev:\n                    build(child)\n                topo.append(v)":
    "                topo.append(v)\n                for child in v._prev:\n                    build(child)",
    "for v in reversed(topo):": "for v in topo:"})


V.edit_mutant("Value", "value_backward_accumulates",
              hint="Calling backward() a second time added to the old gradients (they doubled): in"
                   " this notebook backward() first resets the grad of every node of the graph to "
                   "0.",
              replace={"        for v in topo:\n            v.grad = 0.0\n": ""})


V.edit_mutant("Value", "value_div_no_denominator_grad",
              hint="a / b depends on b too: d(a/b)/db = -a / b**2. The denominator got no "
                   "gradient.",
              replace={"            other.grad += -self.data / other.data ** 2 * out.grad\n": ""})


V.edit_mutant("Value", "value_pow_wrong_power",
              hint="The derivative of x**n is n * x**(n-1): the power drops by one.",
              replace={"self.data ** (exponent - 1) * out.grad": "self.data ** exponent * out.grad"})


V.edit_mutant("Value", "value_tanh_uses_input",
              hint="d tanh(x)/dx = 1 - tanh(x)**2: square the OUTPUT t = tanh(x), not the input x.",
              replace={"(1.0 - t * t) * out.grad": "(1.0 - self.data * self.data) * out.grad"})


V.edit_mutant("Value", "value_relu_grad_at_zero",
              hint="At exactly 0 the derivative of relu is taken as 0 (as in PyTorch): the "
                   "gradient flows only where the input is strictly positive.",
              replace={"(1.0 if self.data > 0 else 0.0)": "(1.0 if self.data >= 0 else 0.0)"})


V.edit_mutant("Value", "value_max_grad_to_both",
              hint="max(a, b) passes the gradient only to the larger input (the smaller one does "
                   "not change the result); here both inputs received it.",
              replace={"self.grad += share * out.grad": "self.grad += out.grad",
                       "other.grad += (1.0 - share) * out.grad": "other.grad += out.grad"})


V.edit_mutant("Value", "value_max_tie_to_self",
              hint="At a tie, max(a, b) splits the gradient equally between a and b (half each, as "
                   "torch.maximum does); here all of it went to the first operand.",
              replace={"share = 1.0 if self.data > other.data else 0.0 if self.data < other.data else 0.5":
                       "share = 1.0 if self.data >= other.data else 0.0"})


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
        # (a + b) / 2 + |a - b| / 2, with |d| = relu(d) + relu(-d): at a tie (d = 0) both relus
        # pass nothing back, so a and b get half the gradient each, as the docstring says
        other = other if isinstance(other, Value) else Value(other)
        d = self - other
        return (self + other) * 0.5 + (d.relu() + (-d).relu()) * 0.5

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


V.edit_mutant("Dual", "dual_product_rule_one_term",
              hint="The product rule has two terms: (a b)' = a' b + a b'. The second one is "
                   "missing.",
              replace={"self.dot * other.val + self.val * other.dot": "self.dot * other.val"})


V.edit_mutant("Dual", "dual_quotient_rule_sign",
              hint="The quotient rule is (a/b)' = (a' b - a b') / b**2, with a MINUS.",
              replace={"(self.dot * other.val - self.val * other.dot)":
                       "(self.dot * other.val + self.val * other.dot)"})


V.edit_mutant("Dual", "dual_no_chain_rule",
              hint="The chain rule is missing: the dot of f(u) is f'(u) times the dot of u, not "
                   "f'(u) alone, so a composition such as sin(x * y) comes out wrong.",
              replace={"(exponent - 1) * self.dot": "(exponent - 1)", "Dual(e, e * self.dot)": "Dual(e, e)",
                       "self.dot / self.val": "1.0 / self.val", "np.cos(self.val) * self.dot": "np.cos(self.val)",
                       "(1.0 - t * t) * self.dot": "1.0 - t * t"})


V.edit_mutant("Dual", "dual_tanh_uses_input",
              hint="The dot of tanh(u) is (1 - tanh(u)**2) times the dot of u: square the output "
                   "tanh(u), not the input u.",
              replace={"(1.0 - t * t) * self.dot": "(1.0 - self.val * self.val) * self.dot"})


V.edit_mutant("Dual", "dual_max_tie_first",
              hint="At a tie, the dot of max(a, b) is the AVERAGE of the two dots (the docstring's "
                   "convention); here it is the first operand's dot alone.",
              replace={"return Dual(self.val, 0.5 * (self.dot + other.dot))": "return Dual(self.val, self.dot)"})


V.edit_mutant("Dual", "dual_relu_grad_at_zero",
              hint="At exactly 0 the derivative of relu is taken as 0: relu(u) keeps the dot of u "
                   "only where u > 0, strictly.",
              replace={"if self.val > 0:": "if self.val >= 0:"})


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

V.edit_mutant("affine_forward", "affine_forward_no_bias",
              hint="The bias is missing: out = x @ W + b.",
              replace={"    out = x @ W + b\n": "    out = x @ W\n"})


V.edit_mutant("affine_forward", "affine_forward_bias_per_example",
              hint="b has one entry per OUTPUT unit (shape (M,)) and is added to every row of the "
                   "batch. Reshaped into a column, b[n] is added to row n instead (and the shapes "
                   "only fit when N = M).",
              replace={"    out = x @ W + b\n": "    out = x @ W + b.reshape(-1, 1)\n"})


V.edit_mutant("affine_forward", "affine_forward_cache_holds_out",
              hint="The cache should be (x, W, b), with the layer's INPUT x: the gradient with "
                   "respect to W depends on x, which cannot be recovered from out.",
              replace={"return out, (x, W, b)": "return out, (out, W, b)"})


@V.alternative("affine_forward")
def affine_forward_einsum(x, W, b):
    out = np.einsum("nd,dm->nm", x, W) + b[None, :]
    return out, (x, W, b)


# ---------------------------------------------------------------- affine_backward

V.edit_mutant("affine_backward", "affine_backward_db_no_sum",
              hint="db must have the shape of b, (M,): b is added to every row of the batch, so "
                   "its gradient is the SUM of dout over the rows.",
              replace={"db = dout.sum(axis=0)": "db = dout"})


V.edit_mutant("affine_backward", "affine_backward_db_mean",
              hint="db is the SUM of dout over the batch, not its mean: any average over the batch"
                   " is already inside dout (it comes from the loss).",
              mistake="factor",
              replace={"db = dout.sum(axis=0)": "db = dout.mean(axis=0)"})


V.edit_mutant("affine_backward", "affine_backward_dW_transposed",
              hint="dW has come out transposed: it must have the shape of W, (D, M), with dW[j, k]"
                   " = sum over the batch of x[n, j] * dout[n, k].",
              mistake="transpose",
              replace={"dW = x.T @ dout": "dW = dout.T @ x"})


V.edit_mutant("affine_backward", "affine_backward_dW_mean",
              hint="dW is divided by the batch size: the 1/N of a mean loss is already inside "
                   "dout, and the layer's backward pass only sums over the batch.",
              mistake="factor",
              replace={"dW = x.T @ dout": "dW = x.T @ dout / x.shape[0]"})


V.edit_mutant("affine_backward", "affine_backward_db_wrong_axis",
              hint="db sums dout over the wrong axis: b has one entry per output unit, so db sums "
                   "over the batch (axis 0) and has shape (M,).",
              mistake="axis",
              replace={"db = dout.sum(axis=0)": "db = dout.sum(axis=1)"})


@V.alternative("affine_backward")
def affine_backward_einsum(dout, cache):
    x, W, _ = cache
    dx = np.einsum("nm,dm->nd", dout, W)
    dW = np.einsum("nd,nm->dm", x, dout)
    db = np.ones(dout.shape[0]) @ dout
    return dx, dW, db


# ---------------------------------------------------------------- relu_forward

V.edit_mutant("relu_forward", "relu_forward_max_reduces",
              hint="np.max(x, 0) is a reduction (the largest entry along axis 0), not the "
                   "elementwise maximum of x and 0, which is np.maximum(x, 0).",
              replace={"np.maximum(0.0, x)": "np.max(x, 0)"})


V.edit_mutant("relu_forward", "relu_forward_returns_mask",
              hint="relu_forward returns the mask (x > 0) instead of max(0, x): the mask is what "
                   "the BACKWARD pass multiplies by.",
              replace={"np.maximum(0.0, x)": "(x > 0).astype(np.float64)"})


V.edit_mutant("relu_forward", "relu_forward_in_place",
              hint="relu_forward changed its input x in place (its negative entries were set to "
                   "0). Return a new array: the caller may still need x, and a cache of the "
                   "changed x no longer holds the layer's input.",
              mistake="in-place",
              replace={"    return np.maximum(0.0, x), x": "    x[x < 0] = 0.0\n    return x, x"})


@V.alternative("relu_forward")
def relu_forward_where(x):
    return np.where(x > 0, x, 0.0), x.copy()


@V.alternative("relu_forward")
def relu_forward_clip(x):
    return np.clip(x, 0.0, None), x


# ---------------------------------------------------------------- relu_backward

V.edit_mutant("relu_backward", "relu_backward_at_zero",
              hint="At exactly 0 the derivative of relu is taken as 0 (as in PyTorch): the "
                   "gradient flows only where x > 0.",
              mistake="kink",
              replace={"(x > 0)": "(x >= 0)"})


V.edit_mutant("relu_backward", "relu_backward_times_relu",
              hint="dx = dout * relu'(x), and relu'(x) is 1 or 0: multiplying by relu(x) itself "
                   "scales the gradient by the input.",
              replace={"dout * (x > 0)": "dout * np.maximum(0.0, x)"})


V.edit_mutant("relu_backward", "relu_backward_mask_only",
              hint="The upstream gradient dout is missing: by the chain rule dx is dout times the "
                   "local derivative, so dx = dout where x > 0 and 0 elsewhere.",
              replace={"dout * (x > 0)": "(x > 0).astype(np.float64)"})


V.edit_mutant("relu_backward", "relu_backward_mask_from_dout",
              hint="The mask must come from the forward INPUT x (where the unit was active), not "
                   "from the sign of dout.",
              replace={"dout * (x > 0)": "dout * (dout > 0)"})


V.edit_mutant("relu_backward", "relu_backward_in_place",
              hint="relu_backward zeroed entries of dout in place: the caller's upstream gradient "
                   "changed. Return a new array, dout * (x > 0).",
              mistake="in-place",
              replace={"    return dout * (x > 0)": "    dout[x <= 0] = 0.0\n    return dout"})


@V.alternative("relu_backward")
def relu_backward_where(dout, cache):
    return np.where(cache > 0, dout, 0.0)


# ---------------------------------------------------------------- softmax_cross_entropy

V.edit_mutant("softmax_cross_entropy", "softmax_ce_not_divided_by_n",
              hint="dscores is N times too large: the loss is the MEAN over the N rows, so every "
                   "row of its gradient carries a factor 1/N.",
              mistake="factor",
              replace={"    dscores /= N\n": ""})


V.edit_mutant("softmax_cross_entropy", "softmax_ce_unstable",
              hint="The softmax overflows for large scores (np.exp(1000) is inf): subtract each "
                   "row's maximum from its scores before exponentiating.",
              mistake="overflow",
              replace={"shifted = scores - scores.max(axis=1, keepdims=True)": "shifted = scores"})


V.edit_mutant("softmax_cross_entropy", "softmax_ce_no_one_hot",
              hint="dscores is missing the -1 at the true class: the derivative of -log(p_y) with "
                   "respect to score c is p_c - 1 when c = y, and p_c otherwise.",
              replace={"    dscores[np.arange(N), y] -= 1.0\n": ""})


V.edit_mutant("softmax_cross_entropy", "softmax_ce_sum_not_mean",
              hint="The loss is summed over the batch; it should be the mean over the N rows (and "
                   "its gradient carries the same 1/N).",
              mistake="factor",
              replace={"-np.mean(log_probs": "-np.sum(log_probs", "    dscores /= N\n": ""})


V.edit_mutant("softmax_cross_entropy", "softmax_ce_shifts_in_place",
              hint="softmax_cross_entropy subtracted the row maxima from scores in place "
                   "(scores -= ...): the caller's scores changed. Write shifted = scores - ... .",
              mistake="in-place",
              replace={"shifted = scores - scores.max(axis=1, keepdims=True)":
                       "scores -= scores.max(axis=1, keepdims=True)\n    shifted = scores"})


V.edit_mutant("softmax_cross_entropy", "softmax_ce_global_max",
              hint="Subtracting ONE maximum over the whole batch does not keep every row's "
                   "exponentials in range: a row far below the top one underflows to 0 and its "
                   "log to -inf. Subtract each row's own maximum (axis=1, keepdims=True).",
              mistake="overflow",
              replace={"scores - scores.max(axis=1, keepdims=True)": "scores - scores.max()"})


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

V.edit_mutant("two_layer_net_loss", "net_no_relu_mask",
              hint="The gradient flows back through the ReLU everywhere: it must be 0 where the "
                   "hidden pre-activation X @ W1 + b1 is not positive.",
              replace={"dpre = (dscores @ W2.T) * (pre > 0)": "dpre = dscores @ W2.T"})


V.edit_mutant("two_layer_net_loss", "net_dW2_uses_pre_activation",
              hint="dW2 uses the hidden layer BEFORE the ReLU. W2 multiplies relu(X @ W1 + b1), so"
                   " that is what its gradient needs.",
              replace={"hidden.T @ dscores": "pre.T @ dscores"})


V.edit_mutant("two_layer_net_loss", "net_penalizes_biases",
              hint="The biases are penalised too: the L2 penalty is on the weights W1 and W2 only.",
              replace={"(np.sum(W1 * W1) + np.sum(W2 * W2))":
                       "(np.sum(W1 * W1) + np.sum(b1 * b1) + np.sum(W2 * W2) + np.sum(b2 * b2))",
                       '"b2": dscores.sum(axis=0)': '"b2": dscores.sum(axis=0) + reg * b2',
                       'grads["b1"] = dpre.sum(axis=0)': 'grads["b1"] = dpre.sum(axis=0) + reg * b1'})


V.edit_mutant("two_layer_net_loss", "net_penalty_grad_missing",
              hint="The penalty is in the loss but not in the gradients: its gradient, reg * W, "
                   "must be added to dW1 and dW2.",
              mistake="default-only",
              replace={" + reg * W2": "", " + reg * W1": ""})


V.edit_mutant("two_layer_net_loss", "net_penalty_no_half",
              hint="The penalty is reg * sum(W**2); this notebook's is reg / 2 * sum(W**2), whose "
                   "gradient is reg * W.",
              replace={"0.5 * reg * (": "reg * ("})


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

V.edit_mutant("logistic_regression_loss", "logreg_plus_log_likelihood",
              hint="The sign of the data term is flipped: the objective SUBTRACTS lam * sum log "
                   "p(y|x), so that minimising it maximises the likelihood.",
              replace={"- lam * np.sum(log_p)": "+ lam * np.sum(log_p)", "w - lam * (X.T": "w + lam * (X.T"})


V.edit_mutant("logistic_regression_loss", "logreg_mean_not_sum",
              hint="The data term is averaged over the examples; the lecture's objective SUMS log "
                   "p(y_i|x_i) over them.",
              mistake="factor",
              replace={"lam * np.sum(log_p)": "lam * np.mean(log_p)",
                       "lam * (X.T @ (y - p1))": "lam * (X.T @ (y - p1)) / len(y)"})


@V.mutant("logistic_regression_loss", hint="log(sigmoid(z)) breaks down for large |z|: sigmoid "
                                           "rounds to 0 or 1 and the log gives -inf. Compute "
                                           "log p(y|x) stably, e.g. log sigmoid(z) = "
                                           "-np.logaddexp(0, -z).",
          mistake="overflow")
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


V.edit_mutant("logistic_regression_loss", "logreg_no_half",
              hint="The regularizer is 1/2 ||w||^2 (whose gradient is w); here the loss has "
                   "||w||^2.",
              replace={"0.5 * np.dot(w, w)": "np.dot(w, w)"})


V.edit_mutant("logistic_regression_loss", "logreg_log1p_exp",
              hint="log(1 + exp(t)) as np.log1p(np.exp(t)) overflows once t is above ~710 "
                   "(np.exp gives inf). np.logaddexp(0, t) computes the same number without "
                   "overflow.",
              mistake="overflow",
              replace={"log_p = -np.logaddexp(0.0, -sign * z)": "log_p = -np.log1p(np.exp(-sign * z))"})


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


V.edit_mutant("check_gradient", "check_no_guard",
              hint="Where both gradients are exactly 0 the relative error is 0 / 0 = nan: divide "
                   "by max(|a| + |n|, 1e-8), as the docstring says.",
              replace={"np.maximum(np.abs(analytic_grad) + np.abs(numeric), 1e-8)": "(np.abs(analytic_grad) + np.abs(numeric))"})


V.edit_mutant("check_gradient", "check_absolute_error",
              hint="The error is absolute, |a - n|. It must be relative (divided by |a| + |n|), so"
                   " that it means the same for large and small gradients.",
              replace={" / np.maximum(np.abs(analytic_grad) + np.abs(numeric), 1e-8)": ""})


V.edit_mutant("check_gradient", "check_flat_index",
              hint="The worst index is a position in the flattened array. Return an index of x "
                   "itself: a tuple such as (i, j) for a 2-D x, as np.unravel_index gives.",
              replace={"float(errors[worst]), tuple(int(i) for i in worst)": "float(errors.max()), int(np.argmax(errors))"})


V.edit_mutant("check_gradient", "check_ignores_h",
              hint="The step h passed in is not used: the numerical gradient must use the given h.",
              replace={"numeric = numerical_gradient(f, x, h)": "numeric = numerical_gradient(f, x, 1e-5)"})


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
