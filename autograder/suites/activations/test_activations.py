"""Hidden tests of the activations assignment (run in the grader's process; see grading.py).

An item earns its POINTS (equal to the notebook's grade cells test_<item>) when all its tests pass.

Nothing here is random: every function of this assignment is deterministic, so each is compared
with the reference on fixed inputs (several shapes, exact zeros where a function has a kink,
saturating inputs such as +-1000). No statistical check, hence no false-failure probability.

Forward and backward are graded separately:
- a forward test compares `out` only; the cache is the student's business;
- a backward test first runs the student's OWN forward on the same input and hands its cache
  (kept in the sandbox, never looked at) to the student's backward, so any cache layout that the
  student uses consistently is right, and equivalent formulas (1 - out**2 or 1 - tanh(x)**2) both
  pass. Only when that forward gives a wrong `out` does the test build the documented cache
  ((x, out), ...) here and send it instead, so that one wrong forward costs only its own points.
The references' gradients are checked against centred finite differences (away from kinks) and
against PyTorch's autograd in the project's tests (tests/test_activations_suite.py).
"""
import numpy as np

from autograder.grading import (ATOL, RTOL, GradingFailure, Handle, StudentError, copied, describe, fail,
                                graded, mismatch)
from autograder.suites.activations.variants import V
from solutions import activations as ref

POINTS = {
    "collapse_linear_stack": 1,
    "sigmoid_forward": 1, "sigmoid_backward": 1,
    "tanh_forward": 1, "tanh_backward": 1,
    "relu_forward": 1, "relu_backward": 1,
    "leaky_relu_forward": 1, "leaky_relu_backward": 1,
    "prelu_forward": 1, "prelu_backward": 2,
    "elu_forward": 1, "elu_backward": 1,
    "selu_forward": 1, "selu_backward": 1,
    "maxout_forward": 2, "maxout_backward": 3,
    "softmax_forward": 2, "softmax_backward": 2,
    "sigmoid_chain_grads": 2,
}

# The cache each forward function documents (what the grader builds when a forward is wrong).
LAYOUT = {
    "sigmoid_forward": "(x, out)", "tanh_forward": "(x, out)", "relu_forward": "(x, out)",
    "leaky_relu_forward": "(x, negative_slope)", "prelu_forward": "(x, a)",
    "elu_forward": "(x, out, alpha)", "selu_forward": "(x, out)", "maxout_forward": "(x, W, z)",
    "softmax_forward": "(x, out)",
}

# Functions applied entry by entry: a wrong entry of the result is reported with its x.
ELEMENTWISE = {"sigmoid_forward", "tanh_forward", "relu_forward", "leaky_relu_forward",
               "prelu_forward", "elu_forward", "selu_forward"}

OVERFLOW_HINT = ("The result holds nan or inf where a finite number was expected: np.exp "
                 "overflows to inf for arguments above about 709, and inf / inf or inf - inf is "
                 "nan. Arrange the formula so that np.exp only ever sees numbers <= 0.")


# ------------------------------------------------------------------------------ inputs

def _inputs(seed):
    """A Generator for deterministic test inputs."""
    return np.random.default_rng(1000 + seed)


def _values(seed, shape, scale=2.5, zeros=0.0):
    """Normal values; a fraction `zeros` of the entries set to exactly 0."""
    g = _inputs(seed)
    x = g.normal(scale=scale, size=shape)
    x[g.random(shape) < zeros] = 0.0
    return x


def _off_kink(seed, shape, low=0.05, high=5.0):
    """Values at least `low` away from 0 (the kink of the ReLU family), with random signs."""
    g = _inputs(seed)
    return g.uniform(low, high, size=shape) * g.choice([-1.0, 1.0], size=shape)


def _dout(seed, shape):
    return _inputs(500 + seed).normal(size=shape)


# saturating and overflowing inputs (exp(710) is inf in float64)
EXTREME = np.array([[-1000.0, -710.0, -100.0, -40.0, 0.0, 40.0, 100.0, 710.0, 1000.0]])
EXTREME_GIVEN = "x = [[-1000, -710, -100, -40, 0, 40, 100, 710, 1000]]"
FORWARD_CASES = [(1, (4, 6), 0.25), (2, (7,), 0.0), (3, (2, 3, 4), 0.1)]   # (seed, shape, zeros)
BACKWARD_CASES = [(11, (5, 6)), (12, (2, 3, 4))]                           # off the kinks


def _given(x, extra=""):
    zeros = int(np.sum(x == 0))
    text = f"x of shape {x.shape}" + (f" ({zeros} entries exactly 0)" if zeros else "")
    return text + extra


# ------------------------------------------------------------------------------ comparing

def _run_here(fn, *args):
    """Run a reference or a known mutant here, silently (mutants may overflow)."""
    with np.errstate(all="ignore"):
        return fn(*copied(args))


def _same(got, expected):
    """Whether got equals expected up to rounding, nan matching nan (to recognise a mutant)."""
    if isinstance(expected, (tuple, list)):
        return (isinstance(got, (tuple, list)) and len(got) == len(expected)
                and all(_same(g, e) for g, e in zip(got, expected)))
    if isinstance(got, (Handle, str, tuple, list, dict)) or got is None:
        return False
    try:
        g, e = np.asarray(got, dtype=np.float64), np.asarray(expected, dtype=np.float64)
    except (TypeError, ValueError):
        return False
    return g.shape == e.shape and bool(np.all(np.isclose(g, e, rtol=RTOL, atol=ATOL, equal_nan=True)))


def _known_mistake(got, item, args, pick=lambda result: result):
    """The hint of the first known mutant of `item` that gives `got` on these inputs, if any."""
    for m in V.mutants_of(item):
        try:
            theirs = pick(_run_here(m.fn, *args))
        except Exception:  # a mutant that cannot run on these inputs does not match
            continue
        if _same(got, theirs):
            return m.hint
    return None


def _where(x, got, expected):
    """' (there x = ...)' for the entry that grading.mismatch reports, when it is elementwise."""
    if not (isinstance(got, np.ndarray) and got.shape == expected.shape == x.shape) or got.dtype.kind not in "biuf":
        return ""
    g, e = got.astype(np.float64), expected
    if not np.all(np.isfinite(g) | ~np.isfinite(e)):
        i = np.unravel_index(np.argmax(~np.isfinite(g)), g.shape)
    else:
        err = np.abs(g - e)
        bad = ~(err <= ATOL + RTOL * np.abs(e)) & ~((g == e) & ~np.isfinite(e))
        i = np.unravel_index(np.argmax(np.where(bad, err, -1.0)), g.shape)
    return f" (there x = {x[i]:.6g})"


def _nonfinite_hint(got, expected):
    got_values = [got] if not isinstance(got, (tuple, list)) else list(got)
    expected_values = [expected] if not isinstance(expected, (tuple, list)) else list(expected)
    for g, e in zip(got_values, expected_values):
        if isinstance(g, np.ndarray) and g.dtype.kind == "f" and np.all(np.isfinite(e)) \
                and g.shape == np.shape(e) and not np.all(np.isfinite(g)):
            return OVERFLOW_HINT
    return None


def _forward(student, name, args):
    """Call the student's forward; returns (out, cache) with the cache kept in the sandbox."""
    result = student.call(name, *args, keep=[1])
    if type(result) is not tuple or len(result) != 2:
        fail(f"{name} should return a tuple (out, cache), but returned {describe(result)}.")
    return result


def _expect_forward(student, name, args, given):
    """Compare the student's out with the reference's on one input."""
    out, _ = _forward(student, name, args)
    expected = _run_here(getattr(ref, name), *args)[0]
    why = mismatch(out, expected, path="out")
    if why:
        hint = _known_mistake(out, name, args, pick=lambda r: r[0]) or _nonfinite_hint(out, expected)
        at = _where(args[0], out, expected) if name in ELEMENTWISE else ""
        fail(f"{name}({given}) returned a wrong out: {why}{at}.", hint)


def _expect_backward(student, forward, backward, args, dout, given, names=("dx",)):
    """Run the student's forward on args, then their backward on (dout, their cache); compare with
    the reference. `names` names the items of the result (a tuple when there are several)."""
    ref_out, ref_cache = _run_here(getattr(ref, forward), *args)
    try:
        out, cache = _forward(student, forward, args)
    except (GradingFailure, StudentError):   # the forward's failure is the forward's item only
        out = None
    if out is not None and mismatch(out, ref_out) is None:
        setting = (f"{backward}(dout, cache), with dout of shape {dout.shape} and the cache that "
                   f"your {forward}({given}) returned")
    else:
        cache = ref_cache
        setting = (f"{backward}(dout, cache), with dout of shape {dout.shape} and the cache that a "
                   f"correct {forward}({given}) returns, {LAYOUT[forward]} (your {forward} gives a "
                   f"wrong out for this input, so the grader built the cache: fix {forward} first)")
    got = student.call(backward, dout, cache)
    expected = _run_here(getattr(ref, backward), dout, ref_cache)
    if len(names) == 1:
        why = mismatch(got, expected, path=names[0])
        at = _where(args[0], got, expected) if forward in ELEMENTWISE else ""
    else:
        if not isinstance(got, (tuple, list)) or len(got) != len(names):
            fail(f"{backward} should return a tuple ({', '.join(names)}), but returned "
                 f"{describe(got)}" + (f" of {len(got)} items" if isinstance(got, (tuple, list)) else "")
                 + ".")
        why, at = None, ""
        for name, g, e in zip(names, got, expected):
            why = mismatch(g, e, path=name)
            if why:
                at = _where(args[0], g, e) if name == "dx" and forward in ELEMENTWISE else ""
                break
    if why:
        hint = _known_mistake(got, backward, (dout, ref_cache)) or _nonfinite_hint(got, expected)
        fail(f"{setting}: {why}{at}.", hint)


def _forward_values(student, name, *extra):
    for seed, shape, zeros in FORWARD_CASES:
        x = _values(seed, shape, zeros=zeros)
        _expect_forward(student, name, (x, *extra), _given(x, _extra_words(name, extra)))


def _forward_extreme(student, name, *extra):
    _expect_forward(student, name, (EXTREME.copy(), *extra), EXTREME_GIVEN + _extra_words(name, extra))


def _backward_values(student, forward, backward, *extra, names=("dx",)):
    for seed, shape in BACKWARD_CASES:
        x = _off_kink(seed, shape)
        _expect_backward(student, forward, backward, (x, *extra), _dout(seed, shape),
                         _given(x, " (no entry within 0.05 of 0)" + _extra_words(forward, extra)), names)


def _backward_at_zero(student, forward, backward, *extra, names=("dx",)):
    x = _values(21, (4, 5), scale=1.0, zeros=0.4)
    _expect_backward(student, forward, backward, (x, *extra), _dout(21, x.shape),
                     _given(x, _extra_words(forward, extra)), names)


def _backward_extreme(student, forward, backward, *extra, names=("dx",)):
    _expect_backward(student, forward, backward, (EXTREME.copy(), *extra), _dout(31, EXTREME.shape),
                     EXTREME_GIVEN + _extra_words(forward, extra), names)


# the name of the second argument of a forward function, for messages
PARAMETER = {"leaky_relu_forward": "negative_slope", "prelu_forward": "a", "elu_forward": "alpha"}


def _extra_words(forward, extra):
    return "".join(f", {PARAMETER[forward]}={e!r}" for e in extra)


# ------------------------------------------------------------------------------ why a nonlinearity

def _expect_items(student, target, args, names, what):
    """Compare a tuple result item by item with the reference's, naming the items."""
    got = student.call(target, *args)
    expected = _run_here(getattr(ref, target), *args)
    if not isinstance(got, (tuple, list)) or len(got) != len(names):
        fail(f"{target} should return a tuple ({', '.join(names)}), but returned {describe(got)}"
             + (f" of {len(got)} items" if isinstance(got, (tuple, list)) else "") + ".")
    for name, g, e in zip(names, got, expected):
        why = mismatch(g, e, path=name)
        if why:
            fail(f"{what}: {why}.", _known_mistake(got, target, args))


def _stack(seed, dims):
    g = _inputs(seed)
    weights = [g.normal(size=(a, b)) / np.sqrt(a) for a, b in zip(dims[:-1], dims[1:])]
    biases = [g.normal(size=b) for b in dims[1:]]
    return weights, biases


@graded("collapse_linear_stack")
def test_collapse_linear_stack(student):
    # square layers first (so that mistakes which only fail on shapes still show their hint)
    for seed, dims in [(60, [4, 4, 4, 4]), (61, [5, 3, 6, 2, 4]), (62, [3, 2])]:
        weights, biases = _stack(seed, dims)
        shapes = ", ".join(str(W.shape) for W in weights)
        _expect_items(student, "collapse_linear_stack", (weights, biases), ("W", "b"),
                      f"(W, b) = collapse_linear_stack(weights of shapes {shapes}, biases of shapes "
                      f"{', '.join(str(b.shape) for b in biases)})")


# ------------------------------------------------------------------------------ sigmoid and tanh

@graded("sigmoid_forward")
def test_sigmoid_forward_values(student):
    _forward_values(student, "sigmoid_forward")


@graded("sigmoid_forward")
def test_sigmoid_forward_extreme_inputs(student):
    _forward_extreme(student, "sigmoid_forward")


@graded("sigmoid_backward")
def test_sigmoid_backward_values(student):
    _backward_values(student, "sigmoid_forward", "sigmoid_backward")


@graded("sigmoid_backward")
def test_sigmoid_backward_saturated(student):
    _backward_extreme(student, "sigmoid_forward", "sigmoid_backward")


@graded("tanh_forward")
def test_tanh_forward_values(student):
    _forward_values(student, "tanh_forward")


@graded("tanh_forward")
def test_tanh_forward_extreme_inputs(student):
    _forward_extreme(student, "tanh_forward")


@graded("tanh_backward")
def test_tanh_backward_values(student):
    _backward_values(student, "tanh_forward", "tanh_backward")


@graded("tanh_backward")
def test_tanh_backward_saturated(student):
    _backward_extreme(student, "tanh_forward", "tanh_backward")


# ------------------------------------------------------------------------------ ReLU

@graded("relu_forward")
def test_relu_forward_values(student):
    _forward_values(student, "relu_forward")


@graded("relu_forward")
def test_relu_forward_extreme_inputs(student):
    _forward_extreme(student, "relu_forward")


@graded("relu_forward")
def test_relu_forward_leaves_input_unchanged(student):
    # Through the wire every call gets a fresh copy of its inputs, so to see an in-place change
    # we make an array that lives in the sandbox (a Handle), pass it in and read it back.
    x = _values(4, (3, 5))
    first = student.call("relu_forward", x, keep=[0])
    if type(first) is not tuple or len(first) != 2 or not isinstance(first[0], Handle) \
            or first[0].type_name != "ndarray":
        fail(f"relu_forward({_given(x)}) should return a tuple (out, cache) with out an array.")
    in_sandbox = student.method(first[0], "__sub__", 1.0, keep=[0])  # relu(x) - 1: has negatives
    before = student.method(in_sandbox, "copy")
    student.call("relu_forward", in_sandbox)
    after = student.method(in_sandbox, "copy")
    if mismatch(after, before) is not None:
        fail("relu_forward(x) changed the array x it was given (in place): its negative entries "
             "became 0.", V.hint("relu_in_place"))


@graded("relu_backward")
def test_relu_backward_values(student):
    _backward_values(student, "relu_forward", "relu_backward")


@graded("relu_backward")
def test_relu_backward_at_zero(student):
    # relu'(0) = 0, as in PyTorch
    _backward_at_zero(student, "relu_forward", "relu_backward")


@graded("relu_backward")
def test_relu_backward_extreme_inputs(student):
    _backward_extreme(student, "relu_forward", "relu_backward")


# ------------------------------------------------------------------------------ leaky ReLU

@graded("leaky_relu_forward")
def test_leaky_relu_forward_default_slope(student):
    _forward_values(student, "leaky_relu_forward")


@graded("leaky_relu_forward")
def test_leaky_relu_forward_other_slopes(student):
    for seed, slope in [(5, 0.2), (6, 0.05)]:
        x = _values(seed, (4, 5), zeros=0.2)
        _expect_forward(student, "leaky_relu_forward", (x, slope), _given(x, f", negative_slope={slope}"))
    _forward_extreme(student, "leaky_relu_forward", 0.1)


@graded("leaky_relu_backward")
def test_leaky_relu_backward_values(student):
    _backward_values(student, "leaky_relu_forward", "leaky_relu_backward")
    _backward_values(student, "leaky_relu_forward", "leaky_relu_backward", 0.2)


@graded("leaky_relu_backward")
def test_leaky_relu_backward_at_zero(student):
    # the derivative at 0 is the slope, as in PyTorch
    _backward_at_zero(student, "leaky_relu_forward", "leaky_relu_backward")
    _backward_at_zero(student, "leaky_relu_forward", "leaky_relu_backward", 0.2)


# ------------------------------------------------------------------------------ PReLU

@graded("prelu_forward")
def test_prelu_forward(student):
    # a is learned, so it may be negative or above 1
    for seed, a in [(7, 0.25), (8, -0.3), (9, 1.5)]:
        x = _values(seed, (5, 4), zeros=0.2)
        _expect_forward(student, "prelu_forward", (x, a), _given(x, f", a={a}"))
    _forward_extreme(student, "prelu_forward", 0.25)


@graded("prelu_backward")
def test_prelu_backward_values(student):
    for seed, shape, a in [(13, (5, 6), 0.25), (14, (2, 3, 4), 1.5), (15, (6,), -0.3)]:
        x = _off_kink(seed, shape)
        _expect_backward(student, "prelu_forward", "prelu_backward", (x, a), _dout(seed, shape),
                         _given(x, f" (no entry within 0.05 of 0), a={a}"), names=("dx", "da"))


@graded("prelu_backward")
def test_prelu_backward_at_zero(student):
    # dx: the derivative at 0 is a; da: an entry x = 0 contributes dout * 0 = 0
    _backward_at_zero(student, "prelu_forward", "prelu_backward", 0.25, names=("dx", "da"))
    _backward_at_zero(student, "prelu_forward", "prelu_backward", -0.5, names=("dx", "da"))


# ------------------------------------------------------------------------------ ELU and SELU

@graded("elu_forward")
def test_elu_forward_values(student):
    _forward_values(student, "elu_forward")
    x = _values(10, (4, 5), zeros=0.2)
    _expect_forward(student, "elu_forward", (x, 1.7), _given(x, ", alpha=1.7"))


@graded("elu_forward")
def test_elu_forward_extreme_inputs(student):
    _forward_extreme(student, "elu_forward")
    _forward_extreme(student, "elu_forward", 0.5)


@graded("elu_backward")
def test_elu_backward_values(student):
    _backward_values(student, "elu_forward", "elu_backward")
    _backward_values(student, "elu_forward", "elu_backward", 1.7)


@graded("elu_backward")
def test_elu_backward_at_zero(student):
    # the derivative at 0 is alpha, as in PyTorch (tested with alpha != 1, where 1 and alpha differ)
    _backward_at_zero(student, "elu_forward", "elu_backward", 1.7)
    _backward_at_zero(student, "elu_forward", "elu_backward")


@graded("elu_backward")
def test_elu_backward_extreme_inputs(student):
    _backward_extreme(student, "elu_forward", "elu_backward", 0.5)


@graded("selu_forward")
def test_selu_forward_values(student):
    _forward_values(student, "selu_forward")


@graded("selu_forward")
def test_selu_forward_extreme_inputs(student):
    _forward_extreme(student, "selu_forward")


@graded("selu_backward")
def test_selu_backward_values(student):
    _backward_values(student, "selu_forward", "selu_backward")


@graded("selu_backward")
def test_selu_backward_at_zero(student):
    # the derivative at 0 is scale * alpha, as in PyTorch
    _backward_at_zero(student, "selu_forward", "selu_backward")


@graded("selu_backward")
def test_selu_backward_extreme_inputs(student):
    _backward_extreme(student, "selu_forward", "selu_backward")


# ------------------------------------------------------------------------------ maxout

def _maxout_case(seed, N, D, H, k, margin=0.01):
    """x, W, b whose winning piece beats the runner-up by at least `margin` everywhere (no ties)."""
    g = _inputs(seed)
    while True:
        x = g.normal(size=(N, D))
        W = g.normal(size=(k, D, H)) / np.sqrt(D)
        b = 0.5 * g.normal(size=(k, H))
        z = np.sort(np.stack([x @ W[j] + b[j] for j in range(k)]), axis=0)
        if k == 1 or np.all(z[-1] - z[-2] >= margin):
            return x, W, b


MAXOUT_CASES = [(70, 6, 4, 3, 3), (71, 5, 3, 5, 2), (72, 4, 5, 2, 4), (73, 3, 2, 3, 1)]


def _maxout_given(x, W):
    return (f"x of shape {x.shape}, W of shape {W.shape} ({W.shape[0]} pieces) and b of shape "
            f"{(W.shape[0], W.shape[2])}")


@graded("maxout_forward")
def test_maxout_forward(student):
    for seed, N, D, H, k in MAXOUT_CASES:
        x, W, b = _maxout_case(seed, N, D, H, k)
        _expect_forward(student, "maxout_forward", (x, W, b), _maxout_given(x, W))


@graded("maxout_backward")
def test_maxout_backward(student):
    # no ties: every winning piece beats the others by at least 0.01
    for seed, N, D, H, k in MAXOUT_CASES:
        x, W, b = _maxout_case(seed, N, D, H, k)
        _expect_backward(student, "maxout_forward", "maxout_backward", (x, W, b),
                         _dout(seed, (N, H)), _maxout_given(x, W), names=("dx", "dW", "db"))


# ------------------------------------------------------------------------------ softmax

SOFTMAX_CASES = [(80, (5, 4)), (81, (6,)), (82, (2, 3, 5))]
SOFTMAX_EXTREME = np.array([[1000.0, 999.0, 0.0, -1000.0],
                            [-1000.0, -999.0, -1001.0, -1000.0],
                            [0.0, 0.0, 0.0, 0.0],
                            [710.0, 710.0, -710.0, 5.0]])
SOFTMAX_EXTREME_GIVEN = ("x = [[1000, 999, 0, -1000], [-1000, -999, -1001, -1000], [0, 0, 0, 0], "
                         "[710, 710, -710, 5]]")


@graded("softmax_forward")
def test_softmax_forward_values(student):
    # the last axis: rows of an (N, C) batch, a single (C,) vector, and a (2, 3, C) array
    for seed, shape in SOFTMAX_CASES:
        x = _values(seed, shape, scale=3.0)
        _expect_forward(student, "softmax_forward", (x,), f"x of shape {shape}")


@graded("softmax_forward")
def test_softmax_forward_large_scores(student):
    _expect_forward(student, "softmax_forward", (SOFTMAX_EXTREME.copy(),), SOFTMAX_EXTREME_GIVEN)


@graded("softmax_backward")
def test_softmax_backward_values(student):
    for seed, shape in SOFTMAX_CASES:
        x = _values(seed + 10, shape, scale=2.0)
        _expect_backward(student, "softmax_forward", "softmax_backward", (x,), _dout(seed, shape),
                         f"x of shape {shape}")


@graded("softmax_backward")
def test_softmax_backward_large_scores(student):
    _expect_backward(student, "softmax_forward", "softmax_backward", (SOFTMAX_EXTREME.copy(),),
                     _dout(90, SOFTMAX_EXTREME.shape), SOFTMAX_EXTREME_GIVEN)


# ------------------------------------------------------------------------------ vanishing gradients

def _chain_case(seed, N, L, w_scale):
    g = _inputs(seed)
    return (g.normal(size=N), g.uniform(0.0, 1.0, size=N), w_scale * g.normal(size=L),
            0.5 * g.normal(size=L))


@graded("sigmoid_chain_grads")
def test_sigmoid_chain_grads(student):
    # the lectures' 3 layers; a single layer and example; a deeper chain with large weights (some
    # units saturate)
    for seed, N, L, w_scale in [(40, 4, 3, 1.5), (41, 1, 1, 1.0), (42, 6, 6, 4.0)]:
        x, y, w, b = _chain_case(seed, N, L, w_scale)
        _expect_items(student, "sigmoid_chain_grads", (x, y, w, b), ("loss", "dw", "db"),
                      f"(loss, dw, db) = sigmoid_chain_grads(x and y of shape {x.shape}, "
                      f"w = {np.round(w, 3).tolist()}, b = {np.round(b, 3).tolist()})")
