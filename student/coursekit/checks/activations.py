"""Visible checks for the activations assignment.

Each `check_<item>` tries your function on small inputs whose answers were worked out by hand
(the arithmetic is in the comments below), on inputs such as 1000 and -1000 that make a careless
formula overflow, and, for a backward pass, against a numerical derivative of YOUR forward pass.
A backward check therefore takes both functions, forward first:

    checks.check_sigmoid_backward(sigmoid_forward, sigmoid_backward)

and uses your forward pass to make the cache, so run it after the forward check passes.

These checks help you find mistakes; your grade comes from separate hidden tests.
"""
import math

import numpy as np

from coursekit.checks._report import Checker, describe
from coursekit.gradcheck import numerical_gradient, numerical_gradient_array, relative_error

__all__ = [
    "check_collapse_linear_stack",
    "check_sigmoid_forward", "check_sigmoid_backward", "check_tanh_forward", "check_tanh_backward",
    "check_relu_forward", "check_relu_backward", "check_leaky_relu_forward",
    "check_leaky_relu_backward", "check_prelu_forward", "check_prelu_backward",
    "check_elu_forward", "check_elu_backward", "check_selu_forward", "check_selu_backward",
    "check_maxout_forward", "check_maxout_backward", "check_softmax_forward",
    "check_softmax_backward", "check_sigmoid_chain_grads",
]

LN2, LN3, LN5 = math.log(2.0), math.log(3.0), math.log(5.0)
SELU_ALPHA = 1.6732632423543772848
SELU_SCALE = 1.0507009873554804934

OVERFLOW = ("It contains nan or inf: np.exp overflows to inf for arguments above about 709, and "
            "inf / inf (or inf - inf) is nan. Rearrange the formula so that np.exp only ever sees "
            "numbers <= 0.")


def _matches(got, values):
    """Whether got is an array equal (up to rounding) to `values`: used to recognise a mistake."""
    values = np.asarray(values, dtype=np.float64)
    return (isinstance(got, np.ndarray) and got.shape == values.shape and got.dtype.kind in "biuf"
            and bool(np.allclose(got, values, rtol=1e-6, atol=1e-9)))


def _nonfinite(got):
    return isinstance(got, np.ndarray) and got.dtype.kind == "f" and not np.all(np.isfinite(got))


def _forward(c, forward, x, *extra, pure=True, name=None):
    """Call a forward function; check that it returns (out, cache) with out a float64 array of the
    expected shape. Returns (out, cache)."""
    name = name or getattr(forward, "__name__", "the forward function")
    call = c.call_pure if pure else c.call
    result = call(forward, x, *extra)
    out, cache = c.expect_tuple(result, 2, f"the result of {name} (out, cache)")
    return out, cache


def _backward(c, backward, dout, cache):
    """Call backward(dout, cache) and check that it leaves dout, the caller's array, unchanged."""
    mine = dout.copy()
    result = c.call_as_is(backward, mine, cache)
    name = getattr(backward, "__name__", "the backward function")
    c.expect(np.array_equal(mine, dout),
             f"{name} changed dout in place (with something like dout *= ... or dout[...] = ...). "
             "dout is the upstream gradient: it belongs to the caller, which may still need it "
             "(in a network, other layers do). Compute dx as a new array instead, e.g. "
             "dx = dout * (the local derivative).")
    return result


def _out(c, out, shape, given):
    c.expect_array(out, "out", shape=shape, given=given)
    return out


def _fd_check(c, forward, backward, x, extra=(), name="dx", pick=lambda r: r):
    """The backward pass against centred differences of YOUR forward pass (x away from kinks)."""
    g = np.random.default_rng(0)
    dout = g.normal(size=np.shape(forward(x.copy(), *extra)[0]))
    _, cache = c.call(forward, x, *extra)
    got = pick(c.call(backward, dout, cache))
    num = numerical_gradient_array(lambda v: forward(v.copy(), *extra)[0], x.copy(), dout)
    comparable = isinstance(got, np.ndarray) and got.shape == num.shape
    error = relative_error(got, num) if comparable else None
    c.expect(comparable and error < 1e-6,
             f"{name} does not match the numerical derivative of your forward pass (centred "
             f"differences, on a random x of shape {x.shape} with no entry near a kink): "
             + (f"the relative error is {error:.1e}; below 1e-6 is expected." if comparable else
                f"{name} should be an array of shape {num.shape}, but it is {describe(got)}."))


def _random_x(shape, low=0.1, high=3.0, seed=1):
    g = np.random.default_rng(seed)
    return g.uniform(low, high, size=shape) * g.choice([-1.0, 1.0], size=shape)


# ------------------------------------------------------------------------------ a linear stack

def check_collapse_linear_stack(collapse_linear_stack):
    """Check collapse_linear_stack(weights, biases) -> (W, b)."""
    with Checker("check_collapse_linear_stack") as c:
        # Three 2x2 layers:
        #   W1 = [[1, 1], [0, 1]], W2 = [[1, 0], [2, 1]], W3 = [[0, 1], [1, 0]]
        #   W = W1 @ W2 @ W3 = [[3, 1], [2, 1]] @ W3 = [[1, 3], [1, 2]]
        #   b1 = [0, 1], b2 = [0, 1], b3 = [-1, 2]
        #   b = ((b1 @ W2 + b2) @ W3) + b3 = (([2, 1] + [0, 1]) @ W3) + b3 = [2, 2] + [-1, 2] = [1, 4]
        weights = [np.array([[1.0, 1.0], [0.0, 1.0]]), np.array([[1.0, 0.0], [2.0, 1.0]]),
                   np.array([[0.0, 1.0], [1.0, 0.0]])]
        biases = [np.array([0.0, 1.0]), np.array([0.0, 1.0]), np.array([-1.0, 2.0])]
        given = ("W1 = [[1, 1], [0, 1]], W2 = [[1, 0], [2, 1]], W3 = [[0, 1], [1, 0]], b1 = [0, 1], "
                 "b2 = [0, 1], b3 = [-1, 2]")
        W, b = c.expect_tuple(c.call_pure(collapse_linear_stack, weights, biases), 2,
                              "the result of collapse_linear_stack (W, b)")
        c.expect_close(W, [[1.0, 3.0], [1.0, 2.0]], "W", given,
                       hint="The first layer's weight comes first: x @ W1 @ W2 @ W3."
                       if _matches(W, [[2.0, 3.0], [1.0, 1.0]]) else None)
        hint = None
        if _matches(b, [-1.0, 4.0]):
            hint = "The biases cannot simply be added: b1 and b2 also go through the later layers' weights."
        elif _matches(b, [-1.0, 2.0]):
            hint = "The earlier biases reach the output too, multiplied by the later layers' weights."
        elif _matches(b, [1.0, 2.0]):
            hint = "Each layer adds its own bias after multiplying by its weight."
        c.expect_close(b, [1.0, 4.0], "b", given, hint=hint)

        # Any shapes: the collapsed layer gives the same output as the stack, for every input.
        g = np.random.default_rng(2)
        dims = [5, 3, 6, 2]
        weights = [g.normal(size=(m, n)) for m, n in zip(dims[:-1], dims[1:])]
        biases = [g.normal(size=n) for n in dims[1:]]
        W, b = c.call(collapse_linear_stack, weights, biases)
        given = "weights of shapes (5, 3), (3, 6), (6, 2)"
        c.expect_array(W, "W", shape=(5, 2), given=given)
        c.expect_array(b, "b", shape=(2,), given=given)
        X = g.normal(size=(4, 5))
        h = X
        for W_l, b_l in zip(weights, biases):
            h = h @ W_l + b_l
        c.expect_close(X @ W + b, h, "X @ W + b", f"{given} and a random X of shape (4, 5) (it "
                       "should equal the output of the stack of layers)")


# ------------------------------------------------------------------------------ sigmoid and tanh

def check_sigmoid_forward(sigmoid_forward):
    """Check sigmoid_forward(x) -> (out, cache)."""
    with Checker("check_sigmoid_forward") as c:
        # sigma(0) = 1/2; sigma(ln 3) = 1 / (1 + 1/3) = 3/4; sigma(-ln 3) = 1 / (1 + 3) = 1/4;
        # sigma(ln 9) = 9/10; sigma(1000) = 1 and sigma(-1000) = 0 (to float64 precision)
        x = np.array([[0.0, LN3, -LN3], [2 * LN3, 1000.0, -1000.0]])
        expected = [[0.5, 0.75, 0.25], [0.9, 1.0, 0.0]]
        given = "x = [[0, ln 3, -ln 3], [ln 9, 1000, -1000]]"
        out, _ = _forward(c, sigmoid_forward, x)
        out = _out(c, out, x.shape, given)
        hint = OVERFLOW if _nonfinite(out) else None
        if _matches(out, 1 - np.array(expected)):
            hint = "This is sigma(-x): sigma(x) = 1 / (1 + exp(-x)) goes to 1 as x grows."
        elif _matches(out[0], expected[0]) and math.isclose(out[1, 0], 0.9):
            hint = ("Right for moderate x but not at +-1000: sigmoid must return its exact value "
                    "there (1 and 0), with no clipping and no nan.")
        c.expect_close(out, expected, "out", given, hint=hint)


def check_sigmoid_backward(sigmoid_forward, sigmoid_backward):
    """Check sigmoid_backward(dout, cache) -> dx, with the cache of your sigmoid_forward."""
    with Checker("check_sigmoid_backward") as c:
        # sigma' = sigma (1 - sigma): at 0: 1/2 * 1/2 = 1/4; at +-ln 3: 3/4 * 1/4 = 3/16.
        # dout = [1, 2, -4] -> dx = [1/4, 2 * 3/16, -4 * 3/16] = [0.25, 0.375, -0.75]
        x = np.array([[0.0, LN3, -LN3]])
        dout = np.array([[1.0, 2.0, -4.0]])
        given = "x = [[0, ln 3, -ln 3]] (the cache from your sigmoid_forward) and dout = [[1, 2, -4]]"
        _, cache = _forward(c, sigmoid_forward, x, pure=False)
        dx = _backward(c, sigmoid_backward, dout, cache)
        c.expect_array(dx, "dx", shape=x.shape, given=given)
        hint = None
        if _matches(dx, [[0.75, 2 * 0.75 * 1.75, -4 * 0.25 * 1.25]]):
            hint = "sigma'(x) = sigma(x) * (1 - sigma(x)), with a minus sign."
        elif _matches(dx, [[0.25, 0.1875, 0.1875]]):
            hint = "Multiply the local derivative by the upstream gradient: dx = dout * sigma'(x)."
        elif isinstance(dx, np.ndarray) and dx.shape == x.shape and np.isclose(dx[0, 0], 0.0):
            hint = "s * (1 - s) must use s = sigma(x), the output of the forward pass, not x."
        c.expect_close(dx, [[0.25, 0.375, -0.75]], "dx", given, hint=hint)
        # Saturation: the gradient vanishes (it is 0, not nan) at +-1000.
        x = np.array([[-1000.0, 1000.0]])
        _, cache = _forward(c, sigmoid_forward, x, pure=False)
        dx = c.call(sigmoid_backward, np.ones((1, 2)), cache)
        c.expect_close(dx, [[0.0, 0.0]], "dx", "x = [[-1000, 1000]] and dout = [[1, 1]]",
                       hint=OVERFLOW if _nonfinite(dx) else None)
        _fd_check(c, sigmoid_forward, sigmoid_backward, _random_x((3, 4)))


def check_tanh_forward(tanh_forward):
    """Check tanh_forward(x) -> (out, cache)."""
    with Checker("check_tanh_forward") as c:
        # tanh(ln 2) = (2 - 1/2) / (2 + 1/2) = 0.6; tanh(ln 3) = (3 - 1/3) / (3 + 1/3) = 0.8;
        # tanh is odd: tanh(-ln 2) = -0.6; tanh(0) = 0; tanh(+-1000) = +-1
        x = np.array([0.0, LN2, -LN2, LN3, 1000.0, -1000.0])
        expected = [0.0, 0.6, -0.6, 0.8, 1.0, -1.0]
        given = "x = [0, ln 2, -ln 2, ln 3, 1000, -1000]"
        out, _ = _forward(c, tanh_forward, x)
        out = _out(c, out, x.shape, given)
        hint = OVERFLOW if _nonfinite(out) else None
        if isinstance(out, np.ndarray) and out.shape == x.shape and np.isclose(out[0], 0.5):
            hint = "tanh(0) = 0: this looks like the sigmoid, whose values lie between 0 and 1."
        elif _matches(out[:4], [0.0, 1 / 3, -1 / 3, 0.5]):
            hint = "tanh(x) = 2 sigma(2x) - 1: the argument of sigma is 2x."
        c.expect_close(out, expected, "out", given, hint=hint)


def check_tanh_backward(tanh_forward, tanh_backward):
    """Check tanh_backward(dout, cache) -> dx, with the cache of your tanh_forward."""
    with Checker("check_tanh_backward") as c:
        # tanh' = 1 - tanh^2: at 0: 1; at ln 2: 1 - 0.36 = 0.64; at ln 3: 1 - 0.64 = 0.36.
        # dout = [1, 2, -1] -> dx = [1, 1.28, -0.36]
        x = np.array([0.0, LN2, LN3])
        dout = np.array([1.0, 2.0, -1.0])
        given = "x = [0, ln 2, ln 3] (the cache from your tanh_forward) and dout = [1, 2, -1]"
        _, cache = _forward(c, tanh_forward, x, pure=False)
        dx = _backward(c, tanh_backward, dout, cache)
        c.expect_array(dx, "dx", shape=x.shape, given=given)
        hint = None
        if _matches(dx, [1.0, 0.8, -0.2]):
            hint = "tanh'(x) = 1 - tanh(x)**2: the output is squared."
        elif _matches(dx, [0.0, 0.48, -0.16]):
            hint = "out * (1 - out) is the sigmoid's derivative; tanh's is 1 - tanh(x)**2."
        elif isinstance(dx, np.ndarray) and dx.shape == x.shape and np.isclose(dx[0], 0.5):
            hint = ("From tanh(x) = 2 sigma(2x) - 1, tanh'(x) = 2 * sigma'(2x) * 2: the chain rule "
                    "adds the factor 2 of the inner 2x.")
        elif isinstance(dx, np.ndarray) and dx.shape == x.shape and np.isclose(dx[1], 2 * (1 - LN2 ** 2)):
            hint = "1 - t**2 must use t = tanh(x), the output of the forward pass, not x."
        c.expect_close(dx, [1.0, 1.28, -0.36], "dx", given, hint=hint)
        x = np.array([-1000.0, 1000.0])
        _, cache = _forward(c, tanh_forward, x, pure=False)
        dx = c.call(tanh_backward, np.ones(2), cache)
        c.expect_close(dx, [0.0, 0.0], "dx", "x = [-1000, 1000] and dout = [1, 1]",
                       hint=OVERFLOW if _nonfinite(dx) else None)
        _fd_check(c, tanh_forward, tanh_backward, _random_x((3, 4)))


# ------------------------------------------------------------------------------ the ReLU family

def check_relu_forward(relu_forward):
    """Check relu_forward(x) -> (out, cache)."""
    with Checker("check_relu_forward") as c:
        x = np.array([[-2.0, 0.0, 3.0], [0.5, -0.1, 0.0]])
        given = "x = [[-2, 0, 3], [0.5, -0.1, 0]]"
        out, _ = _forward(c, relu_forward, x)
        c.expect(isinstance(out, np.ndarray) and out.shape == x.shape,
                 f"out should be an array of shape {x.shape} for {given}, but it is "
                 f"{describe(out)}."
                 + (" np.max(x, 0) takes the largest entry along axis 0 (its second argument is an "
                    "axis); max(x, 0) entry by entry is np.maximum(x, 0)."
                    if isinstance(out, np.ndarray) and out.shape == (3,) else ""))
        c.expect_close(out, [[0.0, 0.0, 3.0], [0.5, 0.0, 0.0]], "out", given,
                       hint="This is the 0/1 step (x > 0), relu's derivative; relu(x) is x where "
                            "x > 0." if _matches(out, [[0, 0, 1], [1, 0, 0]]) else None)


def check_relu_backward(relu_forward, relu_backward):
    """Check relu_backward(dout, cache) -> dx, with the cache of your relu_forward."""
    with Checker("check_relu_backward") as c:
        # relu' = 1 where x > 0, 0 where x < 0, and 0 at exactly x = 0 (as PyTorch).
        x = np.array([[-2.0, 0.0, 3.0], [0.5, -0.1, 0.0]])
        dout = np.array([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])
        given = ("x = [[-2, 0, 3], [0.5, -0.1, 0]] (the cache from your relu_forward) and "
                 "dout = [[1, 2, 3], [4, 5, 6]]")
        _, cache = _forward(c, relu_forward, x, pure=False)
        dx = _backward(c, relu_backward, dout, cache)
        c.expect_array(dx, "dx", shape=x.shape, given=given)
        hint = None
        if _matches(dx, [[0, 2, 3], [4, 0, 6]]):
            hint = "At exactly x = 0 relu'(0) is taken as 0 (as PyTorch does), so dx is 0 there."
        elif _matches(dx, dout):
            hint = "The gradient must be 0 where x <= 0: there relu's output does not change with x."
        elif _matches(dx, [[0, 0, 9], [2, 0, 0]]):
            hint = "relu's derivative is the 0/1 step (x > 0), not relu(x) itself."
        elif _matches(dx, [[0, 0, 1], [1, 0, 0]]):
            hint = "Multiply the local derivative by the upstream gradient: dx = dout * relu'(x)."
        c.expect_close(dx, [[0.0, 0.0, 3.0], [4.0, 0.0, 0.0]], "dx", given, hint=hint)
        _fd_check(c, relu_forward, relu_backward, _random_x((3, 4)))


def check_leaky_relu_forward(leaky_relu_forward):
    """Check leaky_relu_forward(x, negative_slope=0.01) -> (out, cache)."""
    with Checker("check_leaky_relu_forward") as c:
        # default slope 0.01: [-2, 0, 3, -100] -> [-0.02, 0, 3, -1]; slope 0.2: [-0.4, 0, 3, -20]
        x = np.array([-2.0, 0.0, 3.0, -100.0])
        out, _ = _forward(c, leaky_relu_forward, x)
        given = "x = [-2, 0, 3, -100] and the default negative_slope"
        out = _out(c, out, x.shape, given)
        hint = None
        if _matches(out, [-0.4, 0.0, 3.0, -20.0]):
            hint = "The default negative_slope is 0.01, as in PyTorch."
        elif _matches(out, [-2.0, 0.0, 0.03, -100.0]):
            hint = "The slope applies to the NEGATIVE inputs: x for x > 0, negative_slope * x for x <= 0."
        elif _matches(out, [0.01, 0.01, 3.0, 0.01]):
            hint = "For x <= 0 the output is negative_slope * x, not the constant negative_slope."
        c.expect_close(out, [-0.02, 0.0, 3.0, -1.0], "out", given, hint=hint)
        out, _ = _forward(c, leaky_relu_forward, x, 0.2)
        c.expect_close(out, [-0.4, 0.0, 3.0, -20.0], "out", "x = [-2, 0, 3, -100] and negative_slope = 0.2")


def check_leaky_relu_backward(leaky_relu_forward, leaky_relu_backward):
    """Check leaky_relu_backward(dout, cache) -> dx, with the cache of your leaky_relu_forward."""
    with Checker("check_leaky_relu_backward") as c:
        # derivative: 1 for x > 0, the slope for x < 0, and the slope at exactly 0 (as PyTorch).
        # default 0.01, dout = [1, 2, 3, 4]: dx = [0.01, 0.02, 3, 0.04]
        x = np.array([-2.0, 0.0, 3.0, -100.0])
        dout = np.array([1.0, 2.0, 3.0, 4.0])
        for slope, expected in [(None, [0.01, 0.02, 3.0, 0.04]), (0.2, [0.2, 0.4, 3.0, 0.8])]:
            extra = () if slope is None else (slope,)
            given = (f"x = [-2, 0, 3, -100], {'the default slope' if slope is None else 'negative_slope = 0.2'} "
                     "and dout = [1, 2, 3, 4]")
            _, cache = _forward(c, leaky_relu_forward, x, *extra, pure=False)
            dx = _backward(c, leaky_relu_backward, dout, cache)
            c.expect_array(dx, "dx", shape=x.shape, given=given)
            s = 0.01 if slope is None else slope
            hint = None
            if _matches(dx, [1.0, 2.0, 3 * s, 4.0]):
                hint = "The derivative is 1 for x > 0 and the slope for x < 0."
            elif _matches(dx, [s, 2.0, 3.0, 4 * s]):
                hint = "At exactly x = 0 the derivative is taken as the slope (as PyTorch does)."
            elif _matches(dx, [0.0, 0.0, 3.0, 0.0]):
                hint = "For x < 0 the derivative is the slope, not 0: the gradient never dies."
            elif _matches(dx, [s, s, 1.0, s]):
                hint = "Multiply the local derivative by the upstream gradient dout."
            c.expect_close(dx, expected, "dx", given, hint=hint)
        _fd_check(c, leaky_relu_forward, leaky_relu_backward, _random_x((3, 4)), (0.1,))


def check_prelu_forward(prelu_forward):
    """Check prelu_forward(x, a) -> (out, cache)."""
    with Checker("check_prelu_forward") as c:
        # x = [-2, 0, 3, -4]: a = 0.25 -> [-0.5, 0, 3, -1]; a = -0.5 -> [1, 0, 3, 2];
        # a = 1.5 -> [-3, 0, 3, -6] (a is learned: it may leave [0, 1])
        x = np.array([-2.0, 0.0, 3.0, -4.0])
        for a, expected in [(0.25, [-0.5, 0.0, 3.0, -1.0]), (-0.5, [1.0, 0.0, 3.0, 2.0]),
                            (1.5, [-3.0, 0.0, 3.0, -6.0])]:
            given = f"x = [-2, 0, 3, -4] and a = {a}"
            out, _ = _forward(c, prelu_forward, x, a)
            out = _out(c, out, x.shape, given)
            hint = None
            if a == 1.5 and _matches(out, [-2.0, 0.0, 4.5, -4.0]):  # (a = 0.25 passed)
                hint = "max(x, a * x) equals PReLU only while a <= 1; choose the branch by the sign of x."
            elif _matches(out, [-2.0, 0.0, 3 * a, -4.0]):
                hint = "The slope a applies to the NEGATIVE inputs."
            elif a != 0.25 and _matches(out, [-0.5, 0.0, 3.0, -1.0]):
                hint = "Use the slope a passed in (0.25 is only PyTorch's starting value)."
            c.expect_close(out, expected, "out", given, hint=hint)


def check_prelu_backward(prelu_forward, prelu_backward):
    """Check prelu_backward(dout, cache) -> (dx, da), with the cache of your prelu_forward."""
    with Checker("check_prelu_backward") as c:
        # x = [-2, 0, 3, -4], a = 0.25, dout = [1, 2, 3, 4]:
        #   dx = dout * [a, a, 1, a] = [0.25, 0.5, 3, 1]      (at x = 0 the slope a, as PyTorch)
        #   da = sum(dout * x * [x <= 0]) = 1 * (-2) + 2 * 0 + 4 * (-4) = -18
        x = np.array([-2.0, 0.0, 3.0, -4.0])
        dout = np.array([1.0, 2.0, 3.0, 4.0])
        given = "x = [-2, 0, 3, -4], a = 0.25 (the cache from your prelu_forward) and dout = [1, 2, 3, 4]"
        _, cache = _forward(c, prelu_forward, x, 0.25, pure=False)
        dx, da = c.expect_tuple(_backward(c, prelu_backward, dout, cache), 2, "the result of prelu_backward (dx, da)")
        c.expect_close(dx, [0.25, 0.5, 3.0, 1.0], "dx", given,
                       hint="At exactly x = 0 the derivative is taken as a (as PyTorch does)."
                       if _matches(dx, [0.25, 2.0, 3.0, 1.0]) else None)
        c.expect(isinstance(da, (int, float, np.floating)) or (isinstance(da, np.ndarray) and da.shape == ()),
                 f"da should be a single number for {given}, but it is {describe(da)}. One slope a is "
                 "shared by all entries, so its gradient is ONE number: the sum of every entry's "
                 "contribution dout * x * [x <= 0].")
        hint = None
        if math.isclose(float(da), 7.0):
            hint = "d out / d a = x for x <= 0: each entry contributes dout * x, not dout alone."
        elif math.isclose(float(da), 9.0):
            hint = "a only acts where x <= 0; for x > 0 the output is x, whatever a is."
        c.expect_close(da, -18.0, "da", given, hint=hint)
        # numerical derivatives of YOUR prelu_forward, with respect to x and to a
        x = _random_x((3, 4))
        _fd_check(c, prelu_forward, prelu_backward, x, (0.3,), pick=lambda r: r[0])
        g = np.random.default_rng(3)
        dout = g.normal(size=x.shape)
        _, cache = c.call(prelu_forward, x, 0.3)
        da = c.call(prelu_backward, dout, cache)[1]
        num = numerical_gradient(lambda a: np.sum(prelu_forward(x.copy(), float(a[0]))[0] * dout), np.array([0.3]))
        c.expect_close(da, num[0], "da", "a random x of shape (3, 4), a = 0.3 (compared with the "
                       "numerical derivative of your prelu_forward)", rtol=1e-6, atol=1e-8)


def check_elu_forward(elu_forward):
    """Check elu_forward(x, alpha=1.0) -> (out, cache)."""
    with Checker("check_elu_forward") as c:
        # alpha (exp(x) - 1): at -ln 2: alpha * (1/2 - 1) = -alpha/2; at -ln 4: -3 alpha/4;
        # at -1000: -alpha; x for x > 0
        x = np.array([0.0, 1.0, -LN2, -2 * LN2, -1000.0, 1000.0])
        for alpha in [None, 2.0]:
            a = 1.0 if alpha is None else alpha
            extra = () if alpha is None else (alpha,)
            given = ("x = [0, 1, -ln 2, -ln 4, -1000, 1000] and "
                     + ("the default alpha" if alpha is None else "alpha = 2"))
            out, _ = _forward(c, elu_forward, x, *extra)
            out = _out(c, out, x.shape, given)
            hint = OVERFLOW if _nonfinite(out) else None
            if isinstance(out, np.ndarray) and out.shape == x.shape and math.isclose(out[0], a):
                hint = "elu(0) = alpha * (exp(0) - 1) = 0: the -1 is missing."
            elif _matches(out[:4], [a - 1, 1.0, a / 2 - 1, a / 4 - 1]):
                hint = "alpha multiplies the whole of (exp(x) - 1)."
            elif isinstance(out, np.ndarray) and out.shape == x.shape and not math.isclose(out[1], 1.0):
                hint = "For x > 0 ELU is the identity: elu(x) = x."
            c.expect_close(out, [0.0, 1.0, -a / 2, -3 * a / 4, -a, 1000.0], "out", given, hint=hint)


def check_elu_backward(elu_forward, elu_backward):
    """Check elu_backward(dout, cache) -> dx, with the cache of your elu_forward."""
    with Checker("check_elu_backward") as c:
        # derivative: 1 for x > 0, alpha * exp(x) for x <= 0 (alpha at exactly 0, as PyTorch):
        # x = [0, 1, -ln 2, -ln 4] -> [alpha, 1, alpha/2, alpha/4]; times dout = [1, 2, 3, 4]
        x = np.array([0.0, 1.0, -LN2, -2 * LN2])
        dout = np.array([1.0, 2.0, 3.0, 4.0])
        for alpha in [None, 2.0]:
            a = 1.0 if alpha is None else alpha
            extra = () if alpha is None else (alpha,)
            given = (f"x = [0, 1, -ln 2, -ln 4], {'the default alpha' if alpha is None else 'alpha = 2'} "
                     "and dout = [1, 2, 3, 4]")
            _, cache = _forward(c, elu_forward, x, *extra, pure=False)
            dx = _backward(c, elu_backward, dout, cache)
            c.expect_array(dx, "dx", shape=x.shape, given=given)
            hint = None
            if _matches(dx, [a - 1, 2.0, 3 * (a / 2 - 1), 4 * (a / 4 - 1)]):
                hint = "The derivative of alpha * (exp(x) - 1) is alpha * exp(x): the -1 disappears."
            elif _matches(dx, [1.0, 2.0, 3 * a / 2, a]):
                hint = "At exactly x = 0 the derivative is taken as alpha (as PyTorch does)."
            elif _matches(dx, [1.0, 2.0, 1.5, 1.0]):
                hint = "alpha is missing: the derivative for x <= 0 is alpha * exp(x)."
            c.expect_close(dx, [a, 2.0, 3 * a / 2, a], "dx", given, hint=hint)
        _fd_check(c, elu_forward, elu_backward, _random_x((3, 4)), (1.5,))


def check_selu_forward(selu_forward):
    """Check selu_forward(x) -> (out, cache)."""
    with Checker("check_selu_forward") as c:
        s, a = SELU_SCALE, SELU_ALPHA
        # selu(1) = scale; selu(-ln 2) = scale * alpha * (1/2 - 1); selu(-1000) = -scale * alpha
        x = np.array([0.0, 1.0, -LN2, 1000.0, -1000.0])
        given = "x = [0, 1, -ln 2, 1000, -1000]"
        out, _ = _forward(c, selu_forward, x)
        out = _out(c, out, x.shape, given)
        hint = OVERFLOW if _nonfinite(out) else None
        if _matches(out[:3], [0.0, s, -a / 2]):
            hint = "scale multiplies BOTH branches."
        elif _matches(out[:3], [0.0, a, -a * s / 2]) and not _matches(out[:3], [0.0, s, -a * s / 2]):
            hint = "alpha and scale are swapped."
        elif np.allclose(out[:3], [0.0, s, -a * s / 2], rtol=1e-3):  # (out has the right shape here)
            hint = ("Close, but not exact: use the constants to full precision, alpha = "
                    "1.6732632423543772848 and scale = 1.0507009873554804934.")
        c.expect_close(out, [0.0, s, -s * a / 2, 1000 * s, -s * a], "out", given, hint=hint)


def check_selu_backward(selu_forward, selu_backward):
    """Check selu_backward(dout, cache) -> dx, with the cache of your selu_forward."""
    with Checker("check_selu_backward") as c:
        s, a = SELU_SCALE, SELU_ALPHA
        # derivative: scale for x > 0, scale * alpha * exp(x) for x <= 0 (scale * alpha at 0):
        # x = [0, 1, -ln 2] -> [s a, s, s a / 2]; dout = [1, 2, 3] -> [s a, 2 s, 1.5 s a]
        x = np.array([0.0, 1.0, -LN2])
        dout = np.array([1.0, 2.0, 3.0])
        given = "x = [0, 1, -ln 2] (the cache from your selu_forward) and dout = [1, 2, 3]"
        _, cache = _forward(c, selu_forward, x, pure=False)
        dx = _backward(c, selu_backward, dout, cache)
        c.expect_array(dx, "dx", shape=x.shape, given=given)
        hint = None
        if _matches(dx, [a, 2.0, 1.5 * a]):
            hint = "scale is missing: SELU is scale times an ELU, so its derivative is scale times the ELU's."
        elif _matches(dx, [a, 2 * s, 1.5 * a]):
            hint = "scale multiplies both branches: the derivative for x <= 0 is scale * alpha * exp(x)."
        elif _matches(dx, [s, 2 * s, 1.5 * s * a]):
            hint = "At exactly x = 0 the derivative is taken as scale * alpha (as PyTorch does)."
        c.expect_close(dx, [s * a, 2 * s, 1.5 * s * a], "dx", given, hint=hint)
        _fd_check(c, selu_forward, selu_backward, _random_x((3, 4)))


# ------------------------------------------------------------------------------ maxout

# The hand-worked maxout example, k = 2 pieces, D = 2 inputs, H = 2 units, N = 2 examples:
#   x = [[1, 2], [-1, 0.5]]
#   W[0] = [[1, -1], [0, 0]], b[0] = [0, 0]   -> z[0] = x @ W[0] + b[0] = [[1, -1], [-1, 1]]
#   W[1] = [[0, 0], [1, 1]],  b[1] = [0.5, -4] -> z[1] = x @ W[1] + b[1] = [[2.5, -2], [1, -3.5]]
#   out = the larger of the two, entry by entry = [[2.5, -1], [1, 1]]
#   (piece 1 wins in column 0, piece 0 in column 1)
_MX = np.array([[1.0, 2.0], [-1.0, 0.5]])
_MW = np.array([[[1.0, -1.0], [0.0, 0.0]], [[0.0, 0.0], [1.0, 1.0]]])
_MB = np.array([[0.0, 0.0], [0.5, -4.0]])
_MGIVEN = ("x = [[1, 2], [-1, 0.5]], W[0] = [[1, -1], [0, 0]], W[1] = [[0, 0], [1, 1]], "
           "b = [[0, 0], [0.5, -4]]")


def _maxout_random(seed=4, N=4, D=3, H=2, k=3):
    g = np.random.default_rng(seed)
    while True:  # no ties: the winner beats the runner-up by at least 0.01 everywhere
        x, W, b = g.normal(size=(N, D)), g.normal(size=(k, D, H)), g.normal(size=(k, H))
        z = np.sort(np.stack([x @ W[j] + b[j] for j in range(k)]), axis=0)
        if np.all(z[-1] - z[-2] > 0.01):
            return x, W, b


def check_maxout_forward(maxout_forward):
    """Check maxout_forward(x, W, b) -> (out, cache)."""
    with Checker("check_maxout_forward") as c:
        out, _ = c.expect_tuple(c.call_pure(maxout_forward, _MX, _MW, _MB), 2,
                                "the result of maxout_forward (out, cache)")
        out = _out(c, out, (2, 2), _MGIVEN)
        hint = None
        if _matches(out, [[1.0, 1.0], [2.5, 1.0]]):
            hint = "The max is over the k pieces of each unit, not over the units."
        elif _matches(out, [[2.5, 2.0], [1.0, 1.0]]):
            hint = "Each bias belongs to its piece: max over j of (x @ W[j] + b[j])."
        elif _matches(out, [[1.75, -1.5], [0.0, -1.25]]):
            hint = "maxout takes the LARGEST piece, not the average."
        c.expect_close(out, [[2.5, -1.0], [1.0, 1.0]], "out", _MGIVEN, hint=hint)
        # Bigger: 3 pieces, out of shape (N, H), at least as large as every piece.
        x, W, b = _maxout_random()
        out, _ = c.call(maxout_forward, x, W, b)
        given = "x of shape (4, 3), W of shape (3, 3, 2) and b of shape (3, 2)"
        c.expect_array(out, "out", shape=(4, 2), given=given)
        c.expect(all(np.all(out >= x @ W[j] + b[j] - 1e-12) for j in range(3))
                 and np.all(np.min([np.abs(out - (x @ W[j] + b[j])) for j in range(3)], axis=0) < 1e-12),
                 f"for {given}, each entry of out should equal the largest of the 3 pieces x @ W[j] + b[j].")


def check_maxout_backward(maxout_forward, maxout_backward):
    """Check maxout_backward(dout, cache) -> (dx, dW, db), with the cache of your maxout_forward."""
    with Checker("check_maxout_backward") as c:
        # dout = [[1, 2], [3, 4]]. Piece 1 won column 0, piece 0 column 1, so
        #   dz[0] = dout where piece 0 won = [[0, 2], [0, 4]],  dz[1] = [[1, 0], [3, 0]]
        #   dW[j] = x.T @ dz[j]: dW[0] = [[0, -2], [0, 6]], dW[1] = [[-2, 0], [3.5, 0]]
        #   db[j] = dz[j] summed over the batch: db = [[0, 6], [4, 0]]
        #   dx = dz[0] @ W[0].T + dz[1] @ W[1].T = [[-2, 0], [-4, 0]] + [[0, 1], [0, 3]] = [[-2, 1], [-4, 3]]
        dout = np.array([[1.0, 2.0], [3.0, 4.0]])
        given = _MGIVEN + " (the cache from your maxout_forward) and dout = [[1, 2], [3, 4]]"
        _, cache = c.expect_tuple(c.call(maxout_forward, _MX, _MW, _MB), 2,
                                  "the result of maxout_forward (out, cache)")
        dx, dW, db = c.expect_tuple(_backward(c, maxout_backward, dout, cache), 3,
                                    "the result of maxout_backward (dx, dW, db)")
        all_pieces = ("The gradient goes only to the winning piece of each output: the other pieces "
                      "did not affect it.")
        c.expect_close(dx, [[-2.0, 1.0], [-4.0, 3.0]], "dx", given,
                       hint=all_pieces if _matches(dx, [[-1.0, 3.0], [-1.0, 7.0]]) else None)
        c.expect_close(dW, [[[0.0, -2.0], [0.0, 6.0]], [[-2.0, 0.0], [3.5, 0.0]]], "dW", given,
                       hint=all_pieces if _matches(dW, [[[-2.0, -2.0], [3.5, 6.0]]] * 2) else None)
        c.expect_close(db, [[0.0, 6.0], [4.0, 0.0]], "db", given,
                       hint="db sums over the batch (it does not average)."
                       if _matches(db, [[0.0, 3.0], [2.0, 0.0]]) else all_pieces
                       if _matches(db, [[4.0, 6.0], [4.0, 6.0]]) else None)
        # A tie: x = [[1, 2]], W[0] = [[1], [1]], W[1] = [[2], [0.5]], b = 0, so both pieces are 3.
        # The docstring gives the whole gradient to the FIRST tied piece (np.argmax's choice): with
        # dout = [[2]], db = [[2], [0]], dW[0] = x.T @ dout = [[2], [4]], dW[1] = 0 and
        # dx = dout @ W[0].T = [[2, 2]]
        x, W, b = np.array([[1.0, 2.0]]), np.array([[[1.0], [1.0]], [[2.0], [0.5]]]), np.zeros((2, 1))
        given = ("x = [[1, 2]], W[0] = [[1], [1]], W[1] = [[2], [0.5]], b = [[0], [0]] (the two "
                 "pieces tie: both are 3) and dout = [[2]]")
        _, cache = c.expect_tuple(c.call(maxout_forward, x, W, b), 2,
                                  "the result of maxout_forward (out, cache)")
        dx, dW, db = c.expect_tuple(c.call(maxout_backward, np.array([[2.0]]), cache), 3,
                                    "the result of maxout_backward (dx, dW, db)")
        tie = None
        if _matches(db, [[0.0], [2.0]]):
            tie = ("When two pieces tie exactly, the docstring gives the whole gradient to the FIRST "
                   "of them (the smaller j, the one np.argmax picks), not to the last.")
        elif _matches(db, [[2.0], [2.0]]):
            tie = ("When two pieces tie exactly, only the first of them (the smaller j, the one "
                   "np.argmax picks) gets the gradient; here every tied piece got it, so the "
                   "gradient was passed on twice.")
        c.expect_close(db, [[2.0], [0.0]], "db", given, hint=tie)
        c.expect_close(dW, [[[2.0], [4.0]], [[0.0], [0.0]]], "dW", given, hint=tie)
        c.expect_close(dx, [[2.0, 2.0]], "dx", given, hint=tie)
        # numerical derivatives of YOUR maxout_forward with respect to x, W and b
        x, W, b = _maxout_random()
        g = np.random.default_rng(5)
        dout = g.normal(size=(4, 2))
        _, cache = c.call(maxout_forward, x, W, b)
        dx, dW, db = c.call(maxout_backward, dout, cache)
        given = "a random x of shape (4, 3), W (3, 3, 2) and b (3, 2) (no ties)"
        for name, got, num in [
                ("dx", dx, numerical_gradient_array(lambda v: maxout_forward(v.copy(), W, b)[0], x.copy(), dout)),
                ("dW", dW, numerical_gradient_array(lambda v: maxout_forward(x, v.copy(), b)[0], W.copy(), dout)),
                ("db", db, numerical_gradient_array(lambda v: maxout_forward(x, W, v.copy())[0], b.copy(), dout))]:
            c.expect_close(got, num, f"{name} (compared with the numerical derivative of your "
                           "maxout_forward)", given, rtol=1e-6, atol=1e-8)


# ------------------------------------------------------------------------------ softmax

def check_softmax_forward(softmax_forward):
    """Check softmax_forward(x) -> (out, cache)."""
    with Checker("check_softmax_forward") as c:
        # [0, ln 2, ln 5]: exp gives [1, 2, 5], whose sum is 8 -> [1/8, 2/8, 5/8].
        # Adding 1000 to a row does not change its softmax (but a careless exp overflows);
        # a row near -1000 must not underflow to 0 / 0.
        x = np.array([[0.0, LN2, LN5], [1000.0, 1000.0 + LN2, 1000.0 + LN5],
                      [-1000.0 + LN5, -1000.0 + LN2, -1000.0]])
        expected = [[0.125, 0.25, 0.625], [0.125, 0.25, 0.625], [0.625, 0.25, 0.125]]
        given = ("x = [[0, ln 2, ln 5], [1000, 1000 + ln 2, 1000 + ln 5], "
                 "[-1000 + ln 5, -1000 + ln 2, -1000]]")
        out, _ = _forward(c, softmax_forward, x)
        out = _out(c, out, x.shape, given)
        hint = None
        if _nonfinite(out):
            hint = ("It contains nan: subtract EACH ROW's own maximum before np.exp (then no exp "
                    "overflows, and the largest term of every row's sum is exactly 1).")
        elif isinstance(out, np.ndarray) and out.shape == x.shape and np.allclose(out.sum(axis=0), 1.0):
            hint = ("Each column sums to 1: the softmax must run over each ROW (the last axis, "
                    "axis=-1: the scores of one example).")
        c.expect_close(out, expected, "out", given, hint=hint)
        # The last axis of an array of any shape: x of shape (1, 2, 3) holds two rows of scores,
        # [0, ln 2, ln 5] -> [1/8, 2/8, 5/8] and [ln 3, 0, 0] -> [3/5, 1/5, 1/5]
        x = np.array([[[0.0, LN2, LN5], [LN3, 0.0, 0.0]]])
        given = "x of shape (1, 2, 3), x[0] = [[0, ln 2, ln 5], [ln 3, 0, 0]]"
        out, _ = _forward(c, softmax_forward, x)
        out = _out(c, out, x.shape, given)
        hint = None
        if not _nonfinite(out) and not np.allclose(out.sum(axis=-1), 1.0):
            hint = ("Along the LAST axis every row should sum to 1, whatever the number of axes: "
                    "take the max and the sum over axis=-1 (axis=1 is the last axis only of a 2-D "
                    "array).")
        c.expect_close(out, [[[0.125, 0.25, 0.625], [0.6, 0.2, 0.2]]], "out", given, hint=hint)
        out, _ = _forward(c, softmax_forward, np.array([0.0, LN3]))
        c.expect_close(out, [0.25, 0.75], "out", "a single vector x = [0, ln 3] (the last axis is its only axis)")


def check_softmax_backward(softmax_forward, softmax_backward):
    """Check softmax_backward(dout, cache) -> dx, with the cache of your softmax_forward."""
    with Checker("check_softmax_backward") as c:
        # dx = s * (dout - sum(dout * s)) row by row.
        # row 0: s = [1/8, 2/8, 5/8], dout = [1, 0, 0]: sum(dout * s) = 1/8,
        #        dx = s * ([1, 0, 0] - 1/8) = [7/64, -2/64, -5/64]
        # row 1: s = [3/5, 1/5, 1/5] (x = [ln 3, 0, 0]), dout = [0, 1, 0]: sum = 1/5,
        #        dx = s * ([0, 1, 0] - 1/5) = [-3/25, 4/25, -1/25]
        # row 2: dout = [1, 1, 1] (the same for every class): dx = 0, as softmax ignores shifts
        x = np.array([[0.0, LN2, LN5], [LN3, 0.0, 0.0], [0.0, LN2, LN5]])
        dout = np.array([[1.0, 0.0, 0.0], [0.0, 1.0, 0.0], [1.0, 1.0, 1.0]])
        expected = np.array([[7 / 64, -2 / 64, -5 / 64], [-3 / 25, 4 / 25, -1 / 25], [0.0, 0.0, 0.0]])
        given = ("x = [[0, ln 2, ln 5], [ln 3, 0, 0], [0, ln 2, ln 5]] (the cache from your "
                 "softmax_forward) and dout = [[1, 0, 0], [0, 1, 0], [1, 1, 1]]")
        _, cache = _forward(c, softmax_forward, x, pure=False)
        dx = _backward(c, softmax_backward, dout, cache)
        c.expect_array(dx, "dx", shape=x.shape, given=given)
        hint = None
        if _matches(dx[:2], [[7 / 64, 0.0, 0.0], [0.0, 4 / 25, 0.0]]):
            hint = ("Only the diagonal of the Jacobian was used; each s_c also depends on the other "
                    "scores of its row (d s_c / d x_k = -s_c s_k).")
        elif isinstance(dx, np.ndarray) and dx.shape == x.shape and not np.allclose(dx.sum(axis=-1), 0.0, atol=1e-9):
            hint = ("Each row of dx should sum to 0 (adding a constant to a row of scores does not "
                    "change the softmax). Check the axis of the sum and the factor s_c of each entry.")
        c.expect_close(dx, expected, "dx", given, hint=hint)
        g = np.random.default_rng(6)
        _fd_check(c, softmax_forward, softmax_backward, g.normal(size=(3, 4)))


# ------------------------------------------------------------------------------ vanishing gradients

def check_sigmoid_chain_grads(sigmoid_chain_grads):
    """Check sigmoid_chain_grads(x, y, w, b) -> (loss, dw, db)."""
    with Checker("check_sigmoid_chain_grads") as c:
        # Two layers, the same example twice: x = [ln 3, ln 3], y = [0, 0], w = [1, 2], b = [0, -1.5]
        #   a1 = sigma(ln 3) = 3/4;  z2 = 2 * 3/4 - 1.5 = 0, a2 = sigma(0) = 1/2
        #   loss = mean of 1/2 (1/2 - 0)^2 = 0.125
        #   per example, d loss / d a2 = (a2 - y) / N = 1/4; dz2 = 1/4 * sigma'(0) = 1/4 * 1/4 = 1/16
        #   dw2 = sum over the 2 examples of dz2 * a1 = 2 * 1/16 * 3/4 = 0.09375; db2 = 2/16 = 0.125
        #   d loss / d a1 = dz2 * w2 = 1/8; dz1 = 1/8 * sigma'(ln 3) = 1/8 * 3/16 = 3/128
        #   dw1 = 2 * 3/128 * ln 3 = 0.046875 * ln 3;  db1 = 2 * 3/128 = 0.046875
        # (the gradient of layer 1 is a product: (a2 - y) * sigma'(z2) * w2 * sigma'(z1) * ...)
        x = np.array([LN3, LN3])
        y = np.zeros(2)
        w = np.array([1.0, 2.0])
        b = np.array([0.0, -1.5])
        given = "x = [ln 3, ln 3], y = [0, 0], w = [1, 2], b = [0, -1.5]"
        loss, dw, db = c.expect_tuple(c.call_pure(sigmoid_chain_grads, x, y, w, b), 3,
                                      "the result of sigmoid_chain_grads (loss, dw, db)")
        loss = c.expect_number(loss, "loss", given)
        c.expect_close(loss, 0.125, "loss", given,
                       hint="The loss is the MEAN over the batch of 1/2 (a_L - y)^2."
                       if math.isclose(loss, 0.25) else None)
        hint = None
        if _matches(db, [0.0234375, 0.125]):
            hint = "Going down a layer, multiply by the weight: d z_2 / d a_1 = w_2."
        elif _matches(db, [-0.046875, -0.125]):
            hint = "The sign is wrong: d/da of 1/2 (a - y)^2 is (a - y)."
        elif _matches(db, [0.09375, 0.25]):
            hint = "The gradients carry the 1/N of the mean over the batch."
        c.expect_close(db, [0.046875, 0.125], "db", given, hint=hint)
        c.expect_close(dw, [0.046875 * LN3, 0.09375], "dw", given,
                       hint="d z_l / d w_l is the layer's INPUT a_{l-1} (x for layer 1)."
                       if _matches(dw, [0.046875 * 0.75, 0.0625]) else None)
        # Large weights: z_1 = 1000 x = +-1000 saturates layer 1 (a_1 = [1, 0] exactly, where
        # sigma' = 0), and must not give nan. x = [1, -1], y = [0, 0], w = [1000, ln 3], b = [0, 0]:
        #   z_2 = [ln 3, 0], a_2 = [3/4, 1/2];  loss = mean of 1/2 [9/16, 1/4] = 13/64
        #   dz_2 = (a_2 - y) / 2 * sigma'(z_2) = [3/8 * 3/16, 1/4 * 1/4] = [9/128, 8/128]
        #   dw_2 = sum(dz_2 * a_1) = 9/128, db_2 = 17/128;  dz_1 = dz_2 * w_2 * 0: dw_1 = db_1 = 0
        x, y, w, b = np.array([1.0, -1.0]), np.zeros(2), np.array([1000.0, LN3]), np.zeros(2)
        given = "x = [1, -1], y = [0, 0], w = [1000, ln 3], b = [0, 0] (so z_1 = 1000 and -1000)"
        loss, dw, db = c.expect_tuple(c.call(sigmoid_chain_grads, x, y, w, b), 3,
                                      "the result of sigmoid_chain_grads (loss, dw, db)")
        loss = c.expect_number(loss, "loss", given)
        hint = OVERFLOW if not math.isfinite(loss) or _nonfinite(dw) or _nonfinite(db) else None
        c.expect_close(loss, 13 / 64, "loss", given, hint=hint)
        c.expect_close(dw, [0.0, 9 / 128], "dw", given, hint=hint)
        c.expect_close(db, [0.0, 17 / 128], "db", given, hint=hint)
        # numerical derivatives of YOUR loss, on a random 4-layer chain
        g = np.random.default_rng(7)
        x, y, w, b = g.normal(size=5), g.uniform(size=5), 1.5 * g.normal(size=4), g.normal(size=4)
        _, dw, db = c.call(sigmoid_chain_grads, x, y, w, b)
        given = "a random chain of 4 layers and 5 examples"
        c.expect_close(dw, numerical_gradient(lambda v: sigmoid_chain_grads(x, y, v, b)[0], w.copy()),
                       "dw (compared with the numerical derivative of your loss)", given, rtol=1e-6, atol=1e-9)
        c.expect_close(db, numerical_gradient(lambda v: sigmoid_chain_grads(x, y, w, v)[0], b.copy()),
                       "db (compared with the numerical derivative of your loss)", given, rtol=1e-6, atol=1e-9)
