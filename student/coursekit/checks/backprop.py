"""Visible checks for the backprop assignment.

Each `check_<item>(fn)` tries your function (or class) on small inputs whose answers were worked
out by hand (the arithmetic is in the comments below), plus a few properties that any correct
answer has. Values such as sin(3) are computed with the math module, never with code like yours.

These checks help you find mistakes; your grade comes from separate hidden tests.
"""
import math

import numpy as np

from coursekit.checks._report import Checker, show

__all__ = [
    "check_fc_jacobian", "check_relu_jacobian", "check_Value", "check_Dual", "check_check_gradient",
    "check_affine_forward", "check_affine_backward", "check_relu_forward", "check_relu_backward",
    "check_softmax_cross_entropy", "check_two_layer_net_loss", "check_logistic_regression_loss",
]


def _run(c, what, build):
    """build() makes a small graph with your class; an error raised by your code gets a note
    saying which computation raised it."""
    try:
        return build()
    except NotImplementedError as e:
        e.add_note(f"{c.name}: a method used to compute {what} is not implemented yet (replace "
                   "`raise NotImplementedError()` with your code, run that cell, then this check again).")
        raise
    except Exception as e:
        e.add_note(f"{c.name}: this was raised by your code while computing {what}.")
        raise


def _close(a, b, rtol=1e-7, atol=1e-10):
    try:
        return bool(np.isclose(float(a), b, rtol=rtol, atol=atol))
    except (TypeError, ValueError):
        return False


# ------------------------------------------------------------------------------ Jacobians

def check_fc_jacobian(fc_jacobian):
    """Check fc_jacobian(x, W, b) -> (J_x, J_W)."""
    with Checker("check_fc_jacobian") as c:
        # x = [1, 2] (D = 2), W = [[1, 2, 3], [4, 5, 6]] (M = 3), b = [0.1, 0.2, 0.3].
        # y[i] = x[0] W[0, i] + x[1] W[1, i] + b[i], so dy[i]/dx[j] = W[j, i]:
        #   J_x = [[1, 4], [2, 5], [3, 6]]  (one row per output)
        # y[i] depends on W[0, i] (times x[0] = 1) and W[1, i] (times x[1] = 2) only. W[j, k] is
        # entry j * 3 + k of W.ravel(), so row i of J_W has 1 at column i and 2 at column 3 + i:
        #   J_W = [[1, 0, 0, 2, 0, 0], [0, 1, 0, 0, 2, 0], [0, 0, 1, 0, 0, 2]]
        x = np.array([1.0, 2.0])
        W = np.array([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])
        b = np.array([0.1, 0.2, 0.3])
        given = "x = [1, 2], W = [[1, 2, 3], [4, 5, 6]], b = [0.1, 0.2, 0.3]"
        J_x, J_W = c.expect_tuple(c.call_pure(fc_jacobian, x, W, b), 2, "the result of fc_jacobian")
        c.expect_array(J_x, "J_x", shape=(3, 2), given=given)
        c.expect_close(J_x, [[1.0, 4.0], [2.0, 5.0], [3.0, 6.0]], "J_x", given,
                       hint="Row i of a Jacobian is the gradient of output i: J_x[i, j] = dy[i]/dx[j] = W[j, i].")
        c.expect_array(J_W, "J_W", shape=(3, 6), given=given)
        expected = np.array([[1.0, 0, 0, 2, 0, 0], [0, 1, 0, 0, 2, 0], [0, 0, 1, 0, 0, 2]])
        hint = None
        if np.allclose(J_W, [[1.0, 2, 0, 0, 0, 0], [0, 0, 1, 2, 0, 0], [0, 0, 0, 0, 1, 2]]):
            hint = "The columns follow the wrong flattening: W.ravel() is row-major, W[j, k] is entry j * M + k."
        elif np.allclose(J_W, (expected != 0).astype(float)):
            hint = "dy[i]/dW[j, i] is x[j], not 1: the weight is multiplied by the input."
        c.expect_close(J_W, expected, "J_W", given, hint=hint)


def check_relu_jacobian(relu_jacobian):
    """Check relu_jacobian(x) -> J."""
    with Checker("check_relu_jacobian") as c:
        # relu(x) = max(0, x) entry by entry: dy[i]/dx[i] = 1 where x[i] > 0, 0 where x[i] <= 0
        # (0 also at exactly x = 0), and dy[i]/dx[j] = 0 for j != i.
        x = np.array([1.5, -2.0, 0.0, 3.0])
        given = "x = [1.5, -2, 0, 3]"
        J = c.expect_array(c.call_pure(relu_jacobian, x), "J", shape=(4, 4), given=given)
        hint = None
        if J[2, 2] != 0:
            hint = "At exactly x = 0 the derivative of relu is taken as 0 (as in PyTorch)."
        elif np.any(J - np.diag(np.diag(J))):
            hint = "Every entry off the diagonal is 0: y[i] depends on x[i] only."
        c.expect_close(J, np.diag([1.0, 0.0, 0.0, 1.0]), "J", given, hint=hint)


# ------------------------------------------------------------------------------ Value

def check_Value(Value):
    """Check the Value class: each operation's data and gradient, and the traps of backward()."""
    with Checker("check_Value") as c:
        # 1. The lecture's example f(x1, x2) = x1 * x2 + sin(x2) at x1 = 2, x2 = 3:
        #    f = 6 + sin(3); df/dx1 = x2 = 3; df/dx2 = x1 + cos(x2) = 2 + cos(3) (two paths, summed)
        given = "f = x1 * x2 + x2.sin() with x1 = Value(2.0), x2 = Value(3.0), then f.backward()"

        def lecture():
            x1, x2 = Value(2.0), Value(3.0)
            f = x1 * x2 + x2.sin()
            f.backward()
            return x1, x2, f
        x1, x2, f = _run(c, given, lecture)
        c.expect(isinstance(f, Value), f"for {given}, f should be a Value, but it is {show(f)}.")
        c.expect_close(f.data, 6.0 + math.sin(3.0), "f.data", given)
        c.expect_close(f.grad, 1.0, "f.grad", given, hint="backward() starts from d f / d f = 1.")
        c.expect_close(x1.grad, 3.0, "x1.grad", given)
        c.expect_close(x2.grad, 2.0 + math.cos(3.0), "x2.grad", given,
                       hint="x2 feeds two paths (x1 * x2 and sin(x2)): its gradient is the SUM of "
                            "what the two paths send back, so every _backward must ADD to grad (+=)."
                       if _close(x2.grad, 2.0) or _close(x2.grad, math.cos(3.0)) else None)

        # 2. A node used twice: b = a + a = 2a, so db/da = 2 (and a * a: d(a^2)/da = 2a).
        for start, op, build, expected in [(3.0, "+", lambda a: a + a, 2.0),
                                           (-1.5, "*", lambda a: a * a, -3.0)]:
            text = f"b = a {op} a with a = Value({start})"
            a = Value(start)
            _run(c, text, lambda: build(a).backward())
            c.expect_close(a.grad, expected, "a.grad", text + ", then b.backward()",
                           hint="a is used twice, so its gradient is the sum of both uses: add to grad "
                                "(+=) in _backward instead of overwriting it (=)."
                           if _close(a.grad, expected / 2) else None)

        # 3. Each operation on its own, at a = 1.5 and b = -0.5 (d = the gradient of the output
        #    with respect to a, then b):
        #    a * b = -0.75: d = (b, a) = (-0.5, 1.5)
        #    a / b = -3: d = (1/b, -a/b**2) = (-2, -6)
        #    a ** 3 = 3.375: d = 3 a**2 = 6.75
        #    exp, log, sin, tanh: d = exp(1.5), 1/1.5, cos(1.5), 1 - tanh(1.5)**2
        #    relu: of a: 1.5, d = 1; of b: 0, d = 0; of 0: 0, d = 0 (relu's derivative at 0 is 0)
        #    a.max(b) = 1.5: d = (1, 0); numbers: 2 + a, a - 1, 3 * a, 1 / a, 2 - a, -a
        t = math.tanh(1.5)
        cases = [
            ("a * b", lambda a, b: a * b, -0.75, (-0.5, 1.5), None),
            ("a / b", lambda a, b: a / b, -3.0, (-2.0, -6.0),
             "d(a/b)/db = -a / b**2: the denominator gets a gradient too."),
            ("a ** 3", lambda a, b: a ** 3, 3.375, (6.75, 0.0), "d(x**n)/dx = n * x**(n-1)."),
            ("a.exp()", lambda a, b: a.exp(), math.exp(1.5), (math.exp(1.5), 0.0), None),
            ("a.log()", lambda a, b: a.log(), math.log(1.5), (1 / 1.5, 0.0), None),
            ("a.sin()", lambda a, b: a.sin(), math.sin(1.5), (math.cos(1.5), 0.0), None),
            ("a.tanh()", lambda a, b: a.tanh(), t, (1 - t * t, 0.0),
             "d tanh(x)/dx = 1 - tanh(x)**2: square the output, not the input."),
            ("a.relu() * b.relu() + a.relu()", lambda a, b: a.relu() * b.relu() + a.relu(), 1.5,
             (1.0, 0.0), None),
            ("a.max(b)", lambda a, b: a.max(b), 1.5, (1.0, 0.0),
             "The gradient of max goes to the larger input only."),
            ("2 + a", lambda a, b: 2 + a, 3.5, (1.0, 0.0), None),
            ("a - 1 + (2 - b)", lambda a, b: a - 1 + (2 - b), 3.0, (1.0, -1.0), None),
            ("3 * a / 2", lambda a, b: 3 * a / 2, 2.25, (1.5, 0.0), None),
            ("1 / a - b", lambda a, b: 1 / a - b, 1 / 1.5 + 0.5, (-1 / 2.25, -1.0), None),
        ]
        for text, build, value, (da, db), hint in cases:
            given = f"out = {text} with a = Value(1.5), b = Value(-0.5), then out.backward()"
            a, b = Value(1.5), Value(-0.5)

            def run():
                out = build(a, b)
                out.backward()
                return out
            out = _run(c, given, run)
            c.expect(isinstance(out, Value), f"for {given}, out should be a Value, but it is {show(out)}.")
            c.expect_close(out.data, value, "out.data", given)
            c.expect_close(a.grad, da, "a.grad", given, hint=hint)
            c.expect_close(b.grad, db, "b.grad", given, hint=hint)
        z = Value(0.0)
        _run(c, "Value(0.0).relu()", lambda: z.relu().backward())
        c.expect_close(z.grad, 0.0, "z.grad", "z = Value(0.0), then z.relu().backward()",
                       hint="At exactly 0 the derivative of relu is taken as 0 (as in PyTorch).")

        # 4. A reused intermediate: c = a * b, d = c.sin(), e = c * d, with a = 0.7, b = 1.3.
        #    de/dc = d + c cos(c) (c feeds d and e), de/da = de/dc * b, de/db = de/dc * a.
        #    c's gradient is complete only once BOTH d and e have sent theirs back: that is what
        #    the reverse topological order guarantees.
        given = "c = a * b; d = c.sin(); e = c * d with a = Value(0.7), b = Value(1.3), then e.backward()"
        cv = 0.7 * 1.3
        de_dc = math.sin(cv) + cv * math.cos(cv)

        def reused():
            a, b = Value(0.7), Value(1.3)
            cc = a * b
            e = cc * cc.sin()
            e.backward()
            return a, b, e
        a, b, e = _run(c, given, reused)
        order_hint = ("c is used by d and by e: call the _backward functions in reverse topological "
                      "order, so that c passes its gradient on only once it is complete.")
        c.expect_close(a.grad, de_dc * 1.3, "a.grad", given, hint=order_hint)
        c.expect_close(b.grad, de_dc * 0.7, "b.grad", given, hint=order_hint)

        # 5. backward() twice gives the same grads (it resets the graph's grads first).
        _run(c, "e.backward() a second time", e.backward)
        c.expect(_close(a.grad, de_dc * 1.3) and _close(b.grad, de_dc * 0.7),
                 f"after calling e.backward() a second time (for {given}), a.grad and b.grad should "
                 f"be the same as after the first call ({show(de_dc * 1.3)} and {show(de_dc * 0.7)}), "
                 f"but they are {show(a.grad)} and {show(b.grad)}. backward() must first reset the "
                 f"grad of every node of the graph to 0.")


# ------------------------------------------------------------------------------ Dual

def check_Dual(Dual):
    """Check the Dual class: the value and the derivative (dot) of each operation."""
    with Checker("check_Dual") as c:
        # 1. The lecture's example f = x1 * x2 + sin(x2) at x1 = 2, x2 = 3, one pass per input:
        #    x1 seeded (dot 1, x2's dot 0): f.dot = df/dx1 = x2 = 3
        #    x2 seeded: f.dot = df/dx2 = x1 + cos(x2) = 2 + cos(3)
        for dots, expected, name in [((1.0, 0.0), 3.0, "df/dx1"), ((0.0, 1.0), 2.0 + math.cos(3.0), "df/dx2")]:
            given = f"f = x1 * x2 + x2.sin() with x1 = Dual(2.0, {dots[0]:g}), x2 = Dual(3.0, {dots[1]:g})"
            f = _run(c, given, lambda: Dual(2.0, dots[0]) * Dual(3.0, dots[1]) + Dual(3.0, dots[1]).sin())
            c.expect(isinstance(f, Dual), f"for {given}, f should be a Dual, but it is {show(f)}.")
            c.expect_close(f.val, 6.0 + math.sin(3.0), "f.val", given)
            c.expect_close(f.dot, expected, f"f.dot (= {name})", given)

        # 2. Each operation, with a = Dual(1.5, 2.0) and b = Dual(-0.5, 1.0) (dots that are not 1,
        #    so that the chain rule shows):
        #    a * b: dot = 2 * (-0.5) + 1.5 * 1 = 0.5              (product rule)
        #    a / b: dot = (2 * (-0.5) - 1.5 * 1) / 0.25 = -10     (quotient rule)
        #    a ** 3: dot = 3 * 1.5**2 * 2 = 13.5
        #    exp, log, sin, tanh of a: dot = f'(1.5) * 2
        #    relu: of a, dot 2; of b, dot 0.  a.max(b): dot 2.  2 - a: dot -2.  1 / a: dot -2 / 2.25
        t = math.tanh(1.5)
        chain = "Chain rule: the dot of f(u) is f'(u) times the dot of u."
        cases = [("a * b", lambda a, b: a * b, -0.75, 0.5, "Product rule: (a b)' = a' b + a b'."),
                 ("a / b", lambda a, b: a / b, -3.0, -10.0, "Quotient rule: (a / b)' = (a' b - a b') / b**2."),
                 ("a ** 3", lambda a, b: a ** 3, 3.375, 13.5, chain),
                 ("a.exp()", lambda a, b: a.exp(), math.exp(1.5), 2 * math.exp(1.5), chain),
                 ("a.log()", lambda a, b: a.log(), math.log(1.5), 2 / 1.5, chain),
                 ("a.sin()", lambda a, b: a.sin(), math.sin(1.5), 2 * math.cos(1.5), chain),
                 ("a.tanh()", lambda a, b: a.tanh(), t, 2 * (1 - t * t), chain),
                 ("a.relu() + b.relu()", lambda a, b: a.relu() + b.relu(), 1.5, 2.0, None),
                 ("a.max(b)", lambda a, b: a.max(b), 1.5, 2.0, None),
                 ("2 - a", lambda a, b: 2 - a, 0.5, -2.0, None),
                 ("1 / a", lambda a, b: 1 / a, 1 / 1.5, -2 / 2.25, None),
                 ("(a * b).sin()", lambda a, b: (a * b).sin(), math.sin(-0.75), 0.5 * math.cos(-0.75), chain)]
        for text, build, val, dot, hint in cases:
            given = f"out = {text} with a = Dual(1.5, 2.0), b = Dual(-0.5, 1.0)"
            out = _run(c, given, lambda: build(Dual(1.5, 2.0), Dual(-0.5, 1.0)))
            c.expect(isinstance(out, Dual), f"for {given}, out should be a Dual, but it is {show(out)}.")
            c.expect_close(out.val, val, "out.val", given)
            c.expect_close(out.dot, dot, "out.dot", given, hint=hint)


# ------------------------------------------------------------------------------ gradient checking

def _square_sum(x):
    return float(np.sum(x ** 2))


def _exp_sum(x):
    return float(np.sum(np.exp(2 * x)))


def check_check_gradient(check_gradient):
    """Check check_gradient(f, x, analytic_grad, h) -> (max_error, worst)."""
    with Checker("check_check_gradient") as c:
        # f(x) = sum(x**2), gradient 2x. Centered differences are exact for a quadratic (up to
        # rounding): (f(x + h) - f(x - h)) / (2h) = ((x + h)**2 - (x - h)**2) / (2h) = 2x.
        # A gradient with 0.5 added at (1, 2): analytic -2 + 0.5 = -1.5, numerical -2, so
        #   err = |-1.5 - (-2)| / (1.5 + 2) = 0.5 / 3.5 = 1/7, the largest error, at (1, 2).
        # The entry (1, 1) has x = 0: both gradients are exactly 0 there, and its error is 0.
        x = np.array([[1.0, -2.0, 0.5], [3.0, 0.0, -1.0]])
        planted = 2 * x
        planted[1, 2] += 0.5
        given = ("f(x) = sum(x**2), x = [[1, -2, 0.5], [3, 0, -1]], analytic_grad = 2x with 0.5 added "
                 "at (1, 2), h = 1e-5")
        x_in = x.copy()
        out = c.call_as_is(check_gradient, _square_sum, x_in, planted, 1e-5)
        err, worst = c.expect_tuple(out, 2, "the result of check_gradient")
        c.expect(np.array_equal(x_in, x),
                 f"for {given}, x should hold its original values again when check_gradient returns; "
                 f"it holds {show(x_in)}.")
        err = c.expect_number(err, "max_error", given)
        c.expect(not math.isnan(err), f"max_error is nan for {given}: where both gradients are 0, "
                                      "divide by max(|a| + |n|, 1e-8) (the docstring's formula).")
        c.expect_close(err, 1 / 7, "max_error", given, rtol=1e-6,
                       hint="The error is relative: |a - n| / max(|a| + |n|, 1e-8)."
                       if _close(err, 0.5, rtol=1e-6) else None)
        c.expect(isinstance(worst, (tuple, list)) and len(worst) == 2
                 and all(isinstance(i, (int, np.integer)) for i in worst) and tuple(worst) == (1, 2),
                 f"worst should be the tuple (1, 2) for {given} (an index of x, as np.unravel_index "
                 f"gives), but it is {show(worst)}.")

        # The right gradient: every error is rounding noise, far below 1e-8.
        err, _ = c.call(check_gradient, _square_sum, x, 2 * x, 1e-5)
        c.expect(_close(err, 0.0, atol=1e-8),
                 f"for f(x) = sum(x**2), x = [[1, -2, 0.5], [3, 0, -1]] and the right gradient 2x, "
                 f"max_error should be below 1e-8, but it is {show(err)}.")

        # f(x) = sum(exp(2x)), gradient 2 exp(2x), with the large step h = 0.01. Centered
        # differences give 2 exp(2x) * sinh(2h) / (2h): with r = sinh(0.02) / 0.02, every entry's
        # error is (r - 1) / (r + 1) = 3.33329e-5 (about h**2 / 3). Forward differences would be
        # off by about h = 0.01.
        r = math.sinh(0.02) / 0.02
        expected = (r - 1) / (r + 1)
        given = "f(x) = sum(exp(2x)), x = [0, 0.5], the right gradient 2 exp(2x), h = 0.01"
        x = np.array([0.0, 0.5])
        err, _ = c.call(check_gradient, _exp_sum, x, 2 * np.exp(2 * x), 0.01)
        hint = None
        if 1e-3 < float(err) < 0.1:
            hint = "Use centered differences (f(x + h) - f(x - h)) / (2h), not forward ones."
        elif float(err) < 1e-6:
            hint = "Use the step h that is passed in."
        c.expect_close(err, expected, "max_error", given, rtol=1e-4, hint=hint)


# ------------------------------------------------------------------------------ layers

# x: (N, D) = (3, 2), W: (D, M) = (2, 3), b: (3,)
_X = np.array([[1.0, 2.0], [3.0, 4.0], [-1.0, 0.0]])
_W = np.array([[1.0, 0.0, -1.0], [2.0, 1.0, 0.0]])
_B = np.array([0.5, -1.0, 2.0])
_GIVEN_AFFINE = "x = [[1, 2], [3, 4], [-1, 0]], W = [[1, 0, -1], [2, 1, 0]], b = [0.5, -1, 2]"


def check_affine_forward(affine_forward):
    """Check affine_forward(x, W, b) -> (out, cache)."""
    with Checker("check_affine_forward") as c:
        # x @ W: row 0 = 1 * [1, 0, -1] + 2 * [2, 1, 0] = [5, 2, -1]
        #        row 1 = 3 * [1, 0, -1] + 4 * [2, 1, 0] = [11, 4, -3]
        #        row 2 = -1 * [1, 0, -1] + 0            = [-1, 0, 1]
        # + b (added to every row): [[5.5, 1, 1], [11.5, 3, -1], [-0.5, -1, 3]]
        out, cache = c.expect_tuple(c.call_pure(affine_forward, _X, _W, _B), 2, "the result of affine_forward")
        c.expect_close(out, [[5.5, 1.0, 1.0], [11.5, 3.0, -1.0], [-0.5, -1.0, 3.0]], "out", _GIVEN_AFFINE,
                       hint="b has one entry per output unit and is added to every ROW (example).")
        c.expect(isinstance(cache, tuple) and len(cache) == 3
                 and all(isinstance(a, np.ndarray) and a.shape == e.shape and np.array_equal(a, e)
                         for a, e in zip(cache, (_X, _W, _B))),
                 f"the cache should be the tuple (x, W, b) for {_GIVEN_AFFINE}; it is {show(cache)}.")


def check_affine_backward(affine_backward):
    """Check affine_backward(dout, cache) -> (dx, dW, db)."""
    with Checker("check_affine_backward") as c:
        # dout = [[1, 0, 2], [0, -1, 1], [1, 1, 0]], cache = (x, W, b) as in check_affine_forward.
        # dx = dout @ W.T (W.T = [[1, 2], [0, 1], [-1, 0]]):
        #   row 0: 1 * [1, 2] + 2 * [-1, 0] = [-1, 2];  row 1: -[0, 1] + [-1, 0] = [-1, -1];
        #   row 2: [1, 2] + [0, 1] = [1, 3]
        # dW = x.T @ dout: dW[0] = 1 * [1, 0, 2] + 3 * [0, -1, 1] - [1, 1, 0] = [0, -4, 5]
        #                  dW[1] = 2 * [1, 0, 2] + 4 * [0, -1, 1] + 0 = [2, -4, 8]
        # db = the sum of dout's rows = [2, 0, 3]
        dout = np.array([[1.0, 0.0, 2.0], [0.0, -1.0, 1.0], [1.0, 1.0, 0.0]])
        given = "dout = [[1, 0, 2], [0, -1, 1], [1, 1, 0]] and cache = (x, W, b) with " + _GIVEN_AFFINE
        out = c.call_pure(affine_backward, dout, (_X, _W, _B))
        dx, dW, db = c.expect_tuple(out, 3, "the result of affine_backward")
        c.expect_array(dx, "dx", shape=(3, 2), given=given)
        c.expect_close(dx, [[-1.0, 2.0], [-1.0, -1.0], [1.0, 3.0]], "dx", given)
        c.expect_array(dW, "dW (it has the shape of W)", shape=(2, 3), given=given)
        c.expect_close(dW, [[0.0, -4.0, 5.0], [2.0, -4.0, 8.0]], "dW", given,
                       hint="The layer's backward pass SUMS over the batch; any 1/N belongs to the loss."
                       if np.allclose(dW, np.array([[0.0, -4.0, 5.0], [2.0, -4.0, 8.0]]) / 3) else None)
        c.expect_array(db, "db (it has the shape of b)", shape=(3,), given=given)
        c.expect_close(db, [2.0, 0.0, 3.0], "db", given,
                       hint="b is added to every row, so db is the SUM of dout over the rows.")


def check_relu_forward(relu_forward):
    """Check relu_forward(x) -> (out, cache)."""
    with Checker("check_relu_forward") as c:
        x = np.array([[-1.0, 0.0, 2.0], [3.0, -0.5, 0.25]])
        given = "x = [[-1, 0, 2], [3, -0.5, 0.25]]"
        out, _ = c.expect_tuple(c.call_pure(relu_forward, x), 2, "the result of relu_forward")
        c.expect_array(out, "out", shape=(2, 3), given=given)
        c.expect_close(out, [[0.0, 0.0, 2.0], [3.0, 0.0, 0.25]], "out", given)


def check_relu_backward(relu_backward):
    """Check relu_backward(dout, cache) -> dx."""
    with Checker("check_relu_backward") as c:
        # the gradient passes where x > 0 (not at x = 0): dx = [[0, 0, 3], [4, 0, 6]]
        x = np.array([[-1.0, 0.0, 2.0], [3.0, -0.5, 0.25]])
        dout = np.array([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])
        given = "dout = [[1, 2, 3], [4, 5, 6]] and cache = x = [[-1, 0, 2], [3, -0.5, 0.25]]"
        dx = c.expect_array(c.call_pure(relu_backward, dout, x), "dx", shape=(2, 3), given=given)
        c.expect_close(dx, [[0.0, 0.0, 3.0], [4.0, 0.0, 6.0]], "dx", given,
                       hint="At exactly x = 0 the derivative of relu is taken as 0." if dx[0, 1] == 2 else None)


# ------------------------------------------------------------------------------ losses

def check_softmax_cross_entropy(softmax_cross_entropy):
    """Check softmax_cross_entropy(scores, y) -> (loss, dscores)."""
    with Checker("check_softmax_cross_entropy") as c:
        # scores = [[0, 0], [log 3, 0]], y = [0, 1]:
        #   row 0: probs [1/2, 1/2], -log p_0 = log 2;  row 1: probs [3/4, 1/4], -log p_1 = log 4
        #   loss = (log 2 + log 4) / 2 = 1.5 log 2
        #   dscores = (probs - one_hot(y)) / N = [[-1/2, 1/2], [3/4, -3/4]] / 2
        scores = np.array([[0.0, 0.0], [math.log(3.0), 0.0]])
        y = np.array([0, 1])
        expected_d = np.array([[-0.25, 0.25], [0.375, -0.375]])
        for shift, text in [(0.0, ""), (1000.0, " + 1000 (softmax does not change when a row is shifted)")]:
            given = f"scores = [[0, 0], [log 3, 0]]{text}, y = [0, 1]"
            out = c.call_pure(softmax_cross_entropy, scores + shift, y)
            loss, dscores = c.expect_tuple(out, 2, "the result of softmax_cross_entropy")
            loss = c.expect_number(loss, "the loss", given)
            c.expect(math.isfinite(loss),
                     f"the loss is {loss} for {given}: subtract each row's maximum before np.exp.")
            c.expect_close(loss, 1.5 * math.log(2.0), "the loss", given,
                           hint="The loss is the MEAN over the rows." if _close(loss, 3 * math.log(2.0)) else None)
            c.expect_array(dscores, "dscores", shape=(2, 2), given=given)
            hint = None
            if np.allclose(dscores, 2 * expected_d):
                hint = "The loss is a mean over the N rows, so dscores carries a factor 1/N."
            elif np.allclose(dscores, [[0.25, 0.25], [0.375, 0.125]]):
                hint = "d(-log p_y)/d score_c = p_c - 1 for the true class c = y, and p_c for the others."
            c.expect_close(dscores, expected_d, "dscores", given, hint=hint)


def check_two_layer_net_loss(two_layer_net_loss):
    """Check two_layer_net_loss(X, y, params, reg) -> (loss, grads)."""
    with Checker("check_two_layer_net_loss") as c:
        # One example X = [[1, -1]], y = [0]; W1 = I, b1 = 0: hidden pre-activation [1, -1],
        # hidden = relu = [1, 0]; W2 = [[log 3, 0], [5, 7]], b2 = 0: scores = [log 3, 0],
        # probs = [3/4, 1/4], loss = -log(3/4).
        # dscores = probs - [1, 0] = [-1/4, 1/4]   (N = 1)
        # dW2 = hidden.T @ dscores = [[-1/4, 1/4], [0, 0]],  db2 = [-1/4, 1/4]
        # dhidden = dscores @ W2.T = [-log(3)/4, -5/4 + 7/4] = [-log(3)/4, 1/2]
        # dpre = dhidden * [1, 0] (the ReLU was off for the second unit) = [-log(3)/4, 0]
        # dW1 = X.T @ dpre = [[-log(3)/4, 0], [log(3)/4, 0]],  db1 = [-log(3)/4, 0]
        q = math.log(3.0) / 4
        X, y = np.array([[1.0, -1.0]]), np.array([0])
        params = {"W1": np.eye(2), "b1": np.zeros(2), "W2": np.array([[math.log(3.0), 0.0], [5.0, 7.0]]),
                  "b2": np.zeros(2)}
        expected = {"W1": np.array([[-q, 0.0], [q, 0.0]]), "b1": np.array([-q, 0.0]),
                    "W2": np.array([[-0.25, 0.25], [0.0, 0.0]]), "b2": np.array([-0.25, 0.25])}
        # With reg = 0.1 the loss grows by 0.1 / 2 * (sum(W1**2) + sum(W2**2)) = 0.05 * (2 + log(3)**2 + 74)
        # and dW1, dW2 by 0.1 * W1, 0.1 * W2 (the biases are not penalised).
        for reg in (0.0, 0.1):
            given = ("X = [[1, -1]], y = [0], W1 = I, b1 = 0, W2 = [[log 3, 0], [5, 7]], b2 = 0 "
                     f"and reg = {reg:g}")
            out = c.call_pure(two_layer_net_loss, X, y, params, reg)
            loss, grads = c.expect_tuple(out, 2, "the result of two_layer_net_loss")
            loss = c.expect_number(loss, "the loss", given)
            c.expect_close(loss, -math.log(0.75) + reg / 2 * (76 + math.log(3.0) ** 2), "the loss", given,
                           hint="The penalty is reg / 2 * (sum(W1**2) + sum(W2**2)), on the weights only."
                           if reg else None)
            c.expect(isinstance(grads, dict) and set(grads) == set(params),
                     f"grads should be a dict with keys W1, b1, W2, b2 for {given}; it is {show(grads)}.")
            for name in ("W2", "b2", "W1", "b1"):
                want = expected[name] + (reg * params[name] if name.startswith("W") else 0.0)
                hint = None
                if name == "W1" and np.allclose(grads[name], [[-q, 0.5], [q, -0.5]] + reg * params[name]):
                    hint = "The gradient must not pass back through the ReLU where it was off (pre-activation <= 0)."
                c.expect_close(grads[name], want, f"grads['{name}']", given, hint=hint)

        # Whatever the parameters, the penalty adds exactly reg / 2 * (sum(W1**2) + sum(W2**2)) to
        # the loss and changes only dW1 and dW2: here with nonzero biases b1 = [0.5, -2], b2 = [1, -1].
        params = dict(params, b1=np.array([0.5, -2.0]), b2=np.array([1.0, -1.0]))
        given = ("X = [[1, -1]], y = [0], W1 = I, b1 = [0.5, -2], W2 = [[log 3, 0], [5, 7]], b2 = [1, -1], "
                 "with reg = 0 and with reg = 0.1")
        loss0, grads0 = c.call(two_layer_net_loss, X, y, params, 0.0)
        loss1, grads1 = c.call(two_layer_net_loss, X, y, params, 0.1)
        c.expect_close(float(loss1) - float(loss0), 0.05 * (76 + math.log(3.0) ** 2),
                       "the difference between the two losses", given,
                       hint="Only the weights W1 and W2 are penalised, not the biases.")
        for name in ("b1", "b2"):
            c.expect_close(grads1[name], grads0[name], f"grads['{name}'] with reg = 0.1 (it should not depend on reg)",
                           given, hint="The biases are not penalised: reg must not change their gradients.")


def check_logistic_regression_loss(logistic_regression_loss):
    """Check logistic_regression_loss(w, X, y, lam) -> (loss, grad)."""
    with Checker("check_logistic_regression_loss") as c:
        # w = [0, log 3], X = [[5, 1], [2, 0]], y = [1, 0], lam = 2:
        #   z = X @ w = [log 3, 0]; sigmoid(z) = [3/4, 1/2]
        #   log p(y|x) = [log(3/4), log(1 - 1/2)] = [log 0.75, log 0.5]
        #   L = 1/2 * log(3)**2 - 2 * (log 0.75 + log 0.5)
        #   grad = w - lam * X.T @ (y - sigmoid(z)) = [0, log 3] - 2 * X.T @ [1/4, -1/2]
        #        = [0, log 3] - 2 * [5/4 - 1, 1/4] = [-1/2, log 3 - 1/2]
        w = np.array([0.0, math.log(3.0)])
        X = np.array([[5.0, 1.0], [2.0, 0.0]])
        y = np.array([1, 0])
        given = "w = [0, log 3], X = [[5, 1], [2, 0]], y = [1, 0], lam = 2"
        out = c.call_pure(logistic_regression_loss, w, X, y, 2.0)
        loss, grad = c.expect_tuple(out, 2, "the result of logistic_regression_loss")
        loss = c.expect_number(loss, "the loss", given)
        c.expect_close(loss, 0.5 * math.log(3.0) ** 2 - 2 * (math.log(0.75) + math.log(0.5)), "the loss", given,
                       hint="L = 1/2 ||w||^2 MINUS lam times the sum of log p(y_i|x_i)."
                       if _close(loss, 0.5 * math.log(3.0) ** 2 + 2 * (math.log(0.75) + math.log(0.5))) else None)
        c.expect_close(grad, [-0.5, math.log(3.0) - 0.5], "the gradient", given)

        # Large margins: X times 1000 and y = [0, 0], so z = [1000 log 3, 0] = [1098.6..., 0].
        # sigmoid(1098.6) is 1 in float64, and a naive log(1 - sigmoid(z)) is log(0) = -inf. Exactly,
        #   log p(y = 0 | x_0) = log sigmoid(-z_0) = -z_0 - log(1 + exp(-z_0)) = -1000 log 3 (to float64)
        #   L = 1/2 log(3)**2 - 2 * (-1000 log 3 + log 0.5) = 1/2 log(3)**2 + 2 * (1000 log 3 + log 2)
        given = "w = [0, log 3], X = 1000 * [[5, 1], [2, 0]], y = [0, 0], lam = 2"
        out = c.call_pure(logistic_regression_loss, w, 1000 * X, np.array([0, 0]), 2.0)
        loss, grad = c.expect_tuple(out, 2, "the result of logistic_regression_loss")
        loss = c.expect_number(loss, "the loss", given)
        c.expect(math.isfinite(loss),
                 f"the loss is {loss} for {given} (x . w = 1000 log 3 = 1098.6 for the first example): "
                 "compute log p(y|x) stably, e.g. log sigmoid(z) = -np.logaddexp(0, -z).")
        c.expect_close(loss, 0.5 * math.log(3.0) ** 2 + 2 * (1000 * math.log(3.0) + math.log(2.0)),
                       "the loss", given)
        #   grad = w - 2 * X.T @ (y - sigmoid(z)) = [0, log 3] - 2 * 1000 * X0.T @ [-1, -1/2]
        #        = [0, log 3] + 2000 * [5 + 1, 1] = [12000, log 3 + 2000]
        c.expect_close(grad, [12000.0, math.log(3.0) + 2000.0], "the gradient", given)
