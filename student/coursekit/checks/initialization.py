"""Visible checks for the initialization assignment.

Each `check_<item>(fn)` tries your function on small inputs whose answers were worked out by hand
(the arithmetic is in the comments below), plus properties that any correct answer has. The
random initializers are checked through statistics of large draws (120,000 weights or more): the
standard deviation within 3% of its target, the mean within 3% of a standard deviation of 0, the
shape of the distribution (uniform or normal). With that many draws a correct answer lands outside
these bounds with a probability far below one in a billion (each bound is more than 10 standard
errors wide).

These checks help you find mistakes; your grade comes from separate hidden tests.
"""
import math

import numpy as np

from coursekit.checks._report import Checker, show

__all__ = [
    "check_two_layer_grads", "check_zeros_init", "check_constant_init", "check_small_random_init",
    "check_calculate_gain", "check_xavier_uniform", "check_xavier_normal", "check_kaiming_uniform",
    "check_kaiming_normal", "check_lecun_normal",
]


# ------------------------------------------------------------------------------ two_layer_grads

# One example worked by hand: N = 1, D = 2, H = 3, C = 2.
#   X = [[1, 2]], W1 = [[1, -1, -1], [0.5, 0.5, -1]], b1 = 0
#   pre = X @ W1 = [1 + 1, -1 + 1, -1 - 2] = [2, 0, -3]   (unit 1 sits exactly at the kink: pre = 0)
#   hidden = relu(pre) = [2, 0, 0]
#   W2 = [[log(3) / 2, 0], [1, -1], [0, 2]], b2 = 0
#   scores = hidden @ W2 = [log 3, 0]  ->  softmax = [3, 1] / 4 = [0.75, 0.25]
#   y = [0]: loss = -log(0.75) = log(4/3) = 0.287682
#   dscores = softmax - one_hot(y) = [-0.25, 0.25]            (divided by N = 1)
#   dW2 = hidden.T @ dscores = [[2 * -0.25, 2 * 0.25], [0, 0], [0, 0]]
#   db2 = [-0.25, 0.25]
#   dhidden = dscores @ W2.T = [-0.25 * log(3) / 2, -0.25 - 0.25, 0.25 * 2] = [-log(3) / 8, -0.5, 0.5]
#   dpre = dhidden * relu'(pre) = [-log(3) / 8, -0.5 * 0, 0.5 * 0] = [-0.137327, 0, 0]
#          (relu'(0) = 0 for unit 1, and relu' = 0 where pre < 0 for unit 2)
#   dW1 = X.T @ dpre = [[-log(3) / 8, 0, 0], [-log(3) / 4, 0, 0]],  db1 = [-log(3) / 8, 0, 0]
_L3 = math.log(3)
_HAND_PARAMS = {"W1": np.array([[1.0, -1.0, -1.0], [0.5, 0.5, -1.0]]), "b1": np.zeros(3),
                "W2": np.array([[_L3 / 2, 0.0], [1.0, -1.0], [0.0, 2.0]]), "b2": np.zeros(2)}
_HAND_X = np.array([[1.0, 2.0]])
_HAND_Y = np.array([0])
_HAND_LOSS = math.log(4 / 3)
_HAND_GRADS = {"W1": np.array([[-_L3 / 8, 0.0, 0.0], [-_L3 / 4, 0.0, 0.0]]),
               "b1": np.array([-_L3 / 8, 0.0, 0.0]),
               "W2": np.array([[-0.5, 0.5], [0.0, 0.0], [0.0, 0.0]]), "b2": np.array([-0.25, 0.25])}
_HAND_GIVEN = ("X = [[1, 2]], y = [0], W1 = [[1, -1, -1], [0.5, 0.5, -1]], b1 = 0, "
               "W2 = [[log(3)/2, 0], [1, -1], [0, 2]], b2 = 0 (pre-activations [2, 0, -3])")


def _loss_and_grads(c, out, given, shapes):
    loss, grads = c.expect_tuple(out, 2, "the result of two_layer_grads")
    loss = c.expect_number(loss, "the loss (first item of the result)", given)
    c.expect(isinstance(grads, dict) and set(grads) == {"W1", "b1", "W2", "b2"},
             f"grads (second item of the result) should be a dict with keys 'W1', 'b1', 'W2', 'b2' "
             f"for {given}; got {show(grads)}.")
    for name, shape in shapes.items():
        c.expect_array(grads[name], f"grads[{name!r}]", shape=shape, given=given)
    return loss, grads


def check_two_layer_grads(two_layer_grads):
    """Check two_layer_grads(params, X, y) -> (loss, grads)."""
    with Checker("check_two_layer_grads") as c:
        shapes = {k: v.shape for k, v in _HAND_PARAMS.items()}
        out = c.call_pure(two_layer_grads, _HAND_PARAMS, _HAND_X, _HAND_Y)
        loss, grads = _loss_and_grads(c, out, _HAND_GIVEN, shapes)
        c.expect_close(loss, _HAND_LOSS, "the loss", _HAND_GIVEN,
                       hint="The loss is -log of the softmax probability of the true class, "
                            "averaged over the examples.")
        c.expect_close(grads["b2"], _HAND_GRADS["b2"], "grads['b2']", _HAND_GIVEN,
                       hint="d loss / d scores = softmax(scores) - one_hot(y), divided by N.")
        c.expect_close(grads["W2"], _HAND_GRADS["W2"], "grads['W2']", _HAND_GIVEN,
                       hint="dW2 = hidden.T @ dscores, with hidden = relu(pre), not pre.")
        hint = None
        if np.isclose(grads["b1"][2], 0.5):
            hint = ("Hidden unit 2 has a negative pre-activation (-3): the ReLU outputs 0 there and "
                    "passes no gradient back. Multiply the gradient by relu'(pre).")
        elif np.isclose(grads["b1"][1], -0.5):
            hint = ("Hidden unit 1 has pre-activation exactly 0, and relu'(0) = 0 here (as in "
                    "PyTorch): its gradient must be 0. Use (pre > 0), not (pre >= 0).")
        c.expect_close(grads["b1"], _HAND_GRADS["b1"], "grads['b1']", _HAND_GIVEN, hint=hint)
        c.expect_close(grads["W1"], _HAND_GRADS["W1"], "grads['W1']", _HAND_GIVEN, hint=hint)

        # The same example twice: the loss is a MEAN, so nothing changes.
        given = "the same example twice (X = [[1, 2], [1, 2]], y = [0, 0]) and the same weights"
        out = c.call(two_layer_grads, _HAND_PARAMS, np.vstack([_HAND_X, _HAND_X]), np.array([0, 0]))
        loss2, grads2 = _loss_and_grads(c, out, given, shapes)
        hint = ("The loss and the gradients doubled: average over the examples (divide by N)."
                if np.isclose(loss2, 2 * _HAND_LOSS) else None)
        c.expect_close(loss2, _HAND_LOSS, "the loss", given, hint=hint)
        c.expect_close(grads2["W1"], _HAND_GRADS["W1"], "grads['W1']", given, hint=hint)
        c.expect_close(grads2["b2"], _HAND_GRADS["b2"], "grads['b2']", given,
                       hint="dscores already carries the 1/N of the mean: sum it over the examples "
                            "for the bias gradient.")

        # Huge scores: [1000 log 3, 0] = [1098.6, 0]. np.exp(1098.6) overflows to inf, so the
        # softmax must be computed stably; the loss is log(1 + exp(-1098.6)), about 0.
        big = dict(_HAND_PARAMS, W2=_HAND_PARAMS["W2"] * 1000)
        given = "the same example with W2 multiplied by 1000 (scores [1098.6, 0])"
        loss3, grads3 = _loss_and_grads(c, c.call(two_layer_grads, big, _HAND_X, _HAND_Y), given,
                                        shapes)
        finite = np.isfinite(loss3) and all(np.all(np.isfinite(g)) for g in grads3.values())
        c.expect(finite, f"for {given} the loss or a gradient is NaN or inf: compute the softmax "
                         f"stably, subtracting each row's largest score before np.exp.")
        c.expect_close(loss3, 0.0, "the loss", given, atol=1e-9)

        # Symmetry: hidden units that start identical (same column of W1, same bias, same row of
        # W2) compute the same thing, so they must get the same gradient.
        g = np.random.default_rng(0)
        X, y = g.normal(size=(6, 3)), np.array([0, 1, 2, 0, 1, 2])
        sym = {"W1": np.full((3, 4), 0.3), "b1": np.full(4, 0.1),
               "W2": np.tile(g.normal(size=3), (4, 1)), "b2": np.zeros(3)}
        given = ("6 random examples and 4 hidden units that start identical (W1 full of 0.3, b1 "
                 "full of 0.1, every row of W2 the same)")
        _, grads4 = _loss_and_grads(c, c.call(two_layer_grads, sym, X, y), given,
                                    {k: v.shape for k, v in sym.items()})
        same = (np.ptp(grads4["W1"], axis=1).max() < 1e-10 and np.ptp(grads4["b1"]) < 1e-10
                and np.ptp(grads4["W2"], axis=0).max() < 1e-10)
        c.expect(same, f"for {given}, every hidden unit should get the same gradient (equal "
                       f"columns of grads['W1'], equal entries of grads['b1'], equal rows of "
                       f"grads['W2']); they differ: grads['b1'] = {show(grads4['b1'])}.")


# ------------------------------------------------------------------------------ zeros, constant

_LAYOUT = (" Weights have shape (fan_in, fan_out): W[i, j] connects input i to unit j (PyTorch's "
           "nn.Linear.weight is the transpose).")


def _expect_weights(c, W, shape, given):
    hint = ""
    if isinstance(W, np.ndarray) and W.shape == tuple(shape)[::-1]:
        hint = " The shape is reversed." + _LAYOUT
    if isinstance(W, np.ndarray) and W.shape != tuple(shape):
        c.fail(f"the weights should have shape {tuple(shape)} for {given}, but they have shape "
               f"{W.shape}.{hint}")
    return c.expect_array(W, "W", shape=shape, given=given)


def check_zeros_init(zeros_init):
    """Check zeros_init(shape) -> W."""
    with Checker("check_zeros_init") as c:
        for shape in [(3, 4), (1, 5)]:
            given = f"shape = {shape}"
            W = _expect_weights(c, c.call(zeros_init, shape), shape, given)
            c.expect_close(W, np.zeros(shape), "W", given)


def check_constant_init(constant_init):
    """Check constant_init(shape, value) -> W."""
    with Checker("check_constant_init") as c:
        given = "shape = (2, 3) and value = 0.5"
        W = c.call(constant_init, (2, 3), 0.5)
        c.expect(W is not None, f"constant_init returned None for {given}: if you used W.fill(value), "
                                f"note that fill works in place and returns None; return W.")
        W = _expect_weights(c, W, (2, 3), given)
        c.expect_close(W, np.full((2, 3), 0.5), "W", given)
        given = "shape = (2, 3) and value = 3 (an int)"
        W = c.call(constant_init, (2, 3), 3)
        if isinstance(W, np.ndarray) and W.dtype.kind in "iu":
            c.fail(f"the weights have dtype {W.dtype} for {given}: np.full takes its dtype from the "
                   f"value, so ask for dtype=np.float64. Weights are float64.")
        W = _expect_weights(c, W, (2, 3), given)
        c.expect_close(W, np.full((2, 3), 3.0), "W", given)


# ------------------------------------------------------------------------------ statistics

def _fans_hint(ratio, shape):
    """A sentence about the likely mistake when the spread is `ratio` times the target."""
    fan_in, fan_out = shape
    known = [
        (math.sqrt(fan_in / fan_out), "It looks like fan_out (shape[1]) was used where fan_in "
                                      "(shape[0]) should be."),
        (math.sqrt(fan_out / fan_in), "It looks like fan_in (shape[0]) was used where fan_out "
                                      "(shape[1]) should be."),
        (math.sqrt(2), "That is a factor sqrt(2): check the gain."),
        (1 / math.sqrt(6), "That is a factor 1/sqrt(6): is the 6 missing from the bound?"),
        (1 / math.sqrt(2), "That is a factor 1/sqrt(2): check the gain."),
        (math.sqrt(3), "That is a factor sqrt(3): a uniform U(-b, b) has standard deviation "
                       "b / sqrt(3); check whether a bound was used as a standard deviation."),
        (1 / math.sqrt(3), "That is a factor 1/sqrt(3): a uniform U(-b, b) has standard deviation "
                           "b / sqrt(3), so the bound is sqrt(3) times the standard deviation."),
    ]
    for value, sentence in known:
        if abs(ratio / value - 1) < 0.03:
            return " " + sentence
    return ""


def _check_draws(c, W, shape, given, kind, target):
    """W must look like 150,000-ish independent draws of U(-target, target) (kind 'uniform') or of
    N(0, target**2) (kind 'normal')."""
    W = _expect_weights(c, W, shape, given)
    c.expect(np.all(np.isfinite(W)), f"the weights contain NaN or inf for {given}.")
    std = target / math.sqrt(3) if kind == "uniform" else target
    measured = float(np.sqrt(np.mean(W ** 2)))
    if np.all(W >= 0):
        c.fail(f"every weight is >= 0 for {given}: the weights should be centred on 0. (rng.random "
               f"draws from [0, 1); a symmetric distribution around 0 is needed.)")
    c.expect(abs(W.mean()) < 0.03 * std,
             f"the mean of the weights should be about 0 for {given}, but it is {W.mean():.4g} "
             f"(their standard deviation should be {std:.4g}).")
    ratio = measured / std
    hint = _fans_hint(ratio, shape)
    if abs(measured / std ** 2 - 1) < 0.03:
        hint = " Their standard deviation equals the target VARIANCE: take its square root."
    c.expect(abs(ratio - 1) < 0.03,
             f"the standard deviation of the weights should be {std:.5g} for {given}, but it is "
             f"{measured:.5g} ({ratio:.3g} times too {'large' if ratio > 1 else 'small'}).{hint}")
    kurtosis = float(np.mean(W ** 4) / np.mean(W ** 2) ** 2)
    if kind == "uniform":
        c.expect(np.abs(W).max() <= target * (1 + 1e-6),
                 f"every weight should lie in [-b, b] with b = {target:.5g} for {given}, but the "
                 f"largest in size is {np.abs(W).max():.5g}."
                 + (" The weights look normal (Gaussian); this initializer is uniform."
                    if kurtosis > 2.5 else ""))
        c.expect(W.max() > 0.99 * target and W.min() < -0.99 * target,
                 f"the weights should fill [-b, b] with b = {target:.5g} for {given}, but they "
                 f"range only from {W.min():.5g} to {W.max():.5g}.")
    else:
        c.expect(2.7 < kurtosis < 3.3,
                 f"the weights should be normal (Gaussian) for {given}, but their kurtosis "
                 f"mean(W**4) / mean(W**2)**2 is {kurtosis:.3f} (a normal distribution has 3, a "
                 f"uniform one 1.8)."
                 + (" They look uniform: draw from a normal distribution." if kurtosis < 2.2 else ""))
    return W


def _check_same_seed(c, fn, shape, **kwargs):
    first = c.call(fn, shape, np.random.default_rng(7), **kwargs)
    again = c.call(fn, shape, np.random.default_rng(7), **kwargs)
    c.expect(isinstance(first, np.ndarray) and isinstance(again, np.ndarray)
             and np.array_equal(first, again),
             "two calls with generators made from the same seed gave different weights: draw your "
             "random numbers from `rng` only (not from np.random.*), so that experiments can be "
             "repeated.")


def check_small_random_init(small_random_init):
    """Check small_random_init(shape, rng, std=0.01) -> W."""
    with Checker("check_small_random_init") as c:
        # default std 0.01; then std = 0.05. N(0, std**2) has standard deviation std.
        W = c.call(small_random_init, (300, 500), np.random.default_rng(0))
        _check_draws(c, W, (300, 500), "shape = (300, 500) and the default std = 0.01", "normal", 0.01)
        W = c.call(small_random_init, (500, 300), np.random.default_rng(1), std=0.05)
        _check_draws(c, W, (500, 300), "shape = (500, 300) and std = 0.05", "normal", 0.05)
        _check_same_seed(c, small_random_init, (20, 30))


def check_calculate_gain(calculate_gain):
    """Check calculate_gain(nonlinearity, param=None) -> gain."""
    with Checker("check_calculate_gain") as c:
        # leaky_relu: sqrt(2 / (1 + a**2)); a = 0.01 by default: sqrt(2 / 1.0001) = 1.4141428...
        #             a = 0.2: sqrt(2 / 1.04) = 1.3867505, a = 1: sqrt(2 / 2) = 1
        cases = [(("linear",), 1.0), (("conv2d",), 1.0), (("sigmoid",), 1.0), (("tanh",), 5 / 3),
                 (("relu",), math.sqrt(2)), (("selu",), 0.75), (("leaky_relu",), math.sqrt(2 / 1.0001)),
                 (("leaky_relu", 0.2), math.sqrt(2 / 1.04)), (("leaky_relu", 1), 1.0)]
        hints = {"relu": "The ReLU gain is sqrt(2): the gain multiplies the standard deviation, "
                         "and the ReLU halves the mean square (the variance needs the factor 2).",
                 "tanh": "PyTorch's gain for tanh is 5/3 (section 3 of the notebook lets you "
                         "measure why).",
                 "leaky_relu": "The leaky ReLU gain is sqrt(2 / (1 + a**2)), with a = param, or "
                               "a = 0.01 when param is None."}
        for args, expected in cases:
            got = c.call(calculate_gain, *args)
            c.expect_number(got, "the gain", f"calculate_gain{args!r}".replace(",)", ")"))
            c.expect_close(got, expected, "the gain", f"calculate_gain{args!r}".replace(",)", ")"),
                           hint=hints.get(args[0]))
        try:
            got = calculate_gain("softplus")
        except ValueError:
            got = None
        except NotImplementedError:
            raise
        except Exception as e:  # another error: fine for the grade, but PyTorch raises ValueError
            got = None
            print(f"note: calculate_gain('softplus') raised {type(e).__name__}; PyTorch raises "
                  f"ValueError for a name it does not know.")
        c.expect(got is None, f"calculate_gain('softplus') returned {show(got)}; it should raise a "
                              f"ValueError for a name it does not know (as PyTorch does).")


def check_xavier_uniform(xavier_uniform):
    """Check xavier_uniform(shape, rng, gain=1.0) -> W."""
    with Checker("check_xavier_uniform") as c:
        # (300, 500): b = sqrt(6 / 800) = 0.0866025; with gain 5/3: 0.1443376
        W = c.call(xavier_uniform, (300, 500), np.random.default_rng(0))
        _check_draws(c, W, (300, 500), "shape = (300, 500) and gain = 1", "uniform", math.sqrt(6 / 800))
        W = c.call(xavier_uniform, (500, 300), np.random.default_rng(1), gain=5 / 3)
        _check_draws(c, W, (500, 300), "shape = (500, 300) and gain = 5/3", "uniform",
                     5 / 3 * math.sqrt(6 / 800))
        _check_same_seed(c, xavier_uniform, (20, 30))


def check_xavier_normal(xavier_normal):
    """Check xavier_normal(shape, rng, gain=1.0) -> W."""
    with Checker("check_xavier_normal") as c:
        # (300, 500): std = sqrt(2 / 800) = 0.05; with gain 2: 0.1
        W = c.call(xavier_normal, (300, 500), np.random.default_rng(0))
        _check_draws(c, W, (300, 500), "shape = (300, 500) and gain = 1", "normal", 0.05)
        W = c.call(xavier_normal, (500, 300), np.random.default_rng(1), gain=2.0)
        _check_draws(c, W, (500, 300), "shape = (500, 300) and gain = 2", "normal", 0.1)
        _check_same_seed(c, xavier_normal, (20, 30))


# Kaiming cases, worked out: (shape, keyword arguments, target std = gain / sqrt(fan))
#   (200, 800), defaults (leaky_relu with a = 0: gain sqrt(2); fan_in = 200): sqrt(2 / 200) = 0.1
#   (800, 200), mode='fan_out', nonlinearity='relu' (fan_out = 200):            sqrt(2 / 200) = 0.1
#   (300, 400), a = sqrt(5) (gain sqrt(2 / 6); fan_in = 300):                   sqrt(1 / 900) = 1/30
#   (400, 300), nonlinearity='tanh' (gain 5/3; fan_in = 400):                   (5/3) / 20 = 1/12
_KAIMING = [((200, 800), {}, 0.1, "shape = (200, 800) and the defaults (a = 0, mode='fan_in', "
                                  "nonlinearity='leaky_relu')"),
            ((800, 200), {"mode": "fan_out", "nonlinearity": "relu"}, 0.1,
             "shape = (800, 200), mode='fan_out' and nonlinearity='relu'"),
            ((300, 400), {"a": math.sqrt(5)}, 1 / 30, "shape = (300, 400) and a = sqrt(5)"),
            ((400, 300), {"nonlinearity": "tanh"}, 1 / 12, "shape = (400, 300) and nonlinearity='tanh'")]


def check_kaiming_uniform(kaiming_uniform):
    """Check kaiming_uniform(shape, rng, a=0, mode='fan_in', nonlinearity='leaky_relu') -> W."""
    with Checker("check_kaiming_uniform") as c:
        # the bound is sqrt(3) times the target std
        for k, (shape, kwargs, std, given) in enumerate(_KAIMING):
            W = c.call(kaiming_uniform, shape, np.random.default_rng(k), **kwargs)
            _check_draws(c, W, shape, given, "uniform", math.sqrt(3) * std)
        _check_same_seed(c, kaiming_uniform, (20, 30))


def check_kaiming_normal(kaiming_normal):
    """Check kaiming_normal(shape, rng, a=0, mode='fan_in', nonlinearity='leaky_relu') -> W."""
    with Checker("check_kaiming_normal") as c:
        for k, (shape, kwargs, std, given) in enumerate(_KAIMING):
            W = c.call(kaiming_normal, shape, np.random.default_rng(k), **kwargs)
            _check_draws(c, W, shape, given, "normal", std)
        _check_same_seed(c, kaiming_normal, (20, 30))


def check_lecun_normal(lecun_normal):
    """Check lecun_normal(shape, rng) -> W."""
    with Checker("check_lecun_normal") as c:
        # std = 1 / sqrt(fan_in): (400, 300) -> 1/20 = 0.05; (100, 1200) -> 1/10 = 0.1
        W = c.call(lecun_normal, (400, 300), np.random.default_rng(0))
        _check_draws(c, W, (400, 300), "shape = (400, 300)", "normal", 0.05)
        W = c.call(lecun_normal, (100, 1200), np.random.default_rng(1))
        _check_draws(c, W, (100, 1200), "shape = (100, 1200)", "normal", 0.1)
        _check_same_seed(c, lecun_normal, (20, 30))
