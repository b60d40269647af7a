"""Hidden tests of the activations assignment (run in the grader's process; see grading.py).

An item earns its POINTS (equal to the notebook's grade cells test_<item>) when all its tests pass.

Nothing here is random: every function of this assignment is deterministic, so each is compared
with the reference on fixed inputs (several shapes, exact zeros where a function has a kink,
exact ties between maxout pieces, saturating inputs such as +-1000, sigmoid chains whose z passes
709). No statistical check, hence no false-failure probability. Inputs changed in place and
float32 results are caught by the engine for every call (boundary.py, grading.py); a wrong answer
that no known mutant explains gets the general diagnosis (diagnosis.py), told where x is 0 and
where pieces tie.

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

from autograder import diagnosis
from autograder.grading import (ATOL, RTOL, GradingFailure, StudentError, copied, describe, diagnose,
                                expect_reference, fail, first_difference, graded, mismatch)
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
    """Run a reference here, silently (as the mutants, which may overflow, are run)."""
    with np.errstate(all="ignore"):
        return fn(*copied(args))


def _hint(got, found, item, args, part=None, where=(), special=None):
    """The hint for a wrong answer: a known mutant's, else the general diagnosis (grading.py)."""
    with np.errstate(all="ignore"):
        return diagnose(got, V.mutants_of(item), args, {}, part=part) or diagnosis.explain(
            found[1], found[2], reference=getattr(ref, item), args=args, where=where + found[0],
            special=special)


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
    found = first_difference(out, expected, path="out")
    if found:
        at = _where(args[0], out, expected) if name in ELEMENTWISE else ""
        fail(f"{name}({given}) returned a wrong out: {found[3]}{at}.",
             _hint(out, found, name, args, part=lambda r: r[0], where=(0,)))


def _expect_backward(student, forward, backward, args, dout, given, names=("dx",), special=None):
    """Run the student's forward on args, then their backward on (dout, their cache); compare with
    the reference. `names` names the items of the result (a tuple when there are several);
    `special` ({words: mask per item name}) marks the entries where the docstring says what
    happens (a kink, a tie), for the diagnosis."""
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
        found, name = first_difference(got, expected, path=names[0]), names[0]
    else:
        if not isinstance(got, (tuple, list)) or len(got) != len(names):
            fail(f"{backward} should return a tuple ({', '.join(names)}), but returned "
                 f"{describe(got)}" + (f" of {len(got)} items" if isinstance(got, (tuple, list)) else "")
                 + ".")
        found, name = next(((first_difference(g, e, path=n, where=(i,)), n)
                            for i, (n, g, e) in enumerate(zip(names, got, expected))
                            if mismatch(g, e) is not None), (None, None))
    if found:
        at = _where(args[0], found[1], found[2]) if name == "dx" and forward in ELEMENTWISE else ""
        masks = {words: by_name[name] for words, by_name in (special or {}).items() if name in by_name}
        fail(f"{setting}: {found[3]}{at}.", _hint(got, found, backward, (dout, ref_cache), special=masks))


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
                     _given(x, _extra_words(forward, extra)), names,
                     special={"where x is exactly 0 (the kink)": {"dx": x == 0}})


def _backward_extreme(student, forward, backward, *extra, names=("dx",)):
    _expect_backward(student, forward, backward, (EXTREME.copy(), *extra), _dout(31, EXTREME.shape),
                     EXTREME_GIVEN + _extra_words(forward, extra), names)


# the name of the second argument of a forward function, for messages
PARAMETER = {"leaky_relu_forward": "negative_slope", "prelu_forward": "a", "elu_forward": "alpha"}


def _extra_words(forward, extra):
    return "".join(f", {PARAMETER[forward]}={e!r}" for e in extra)


# ------------------------------------------------------------------------------ why a nonlinearity

def _expect_items(student, target, args, what):
    """Compare a tuple result with the reference's, its items named as the docstring names them."""
    with np.errstate(all="ignore"):   # known mutants, run here to diagnose, may overflow
        expect_reference(student, target, getattr(ref, target), *args, mutants=V.mutants_of(target),
                         what=what)


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
        _expect_items(student, "collapse_linear_stack", (weights, biases),
                      f"the result of collapse_linear_stack(weights of shapes {shapes}, biases of shapes "
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


def _maxout_tie_case(seed, N=4, D=3, H=3, k=3):
    """x, W, b where pieces 0 and 2 of unit 1 are the same linear function: an exact tie, which
    wins in some rows (the docstring gives it to the first, piece 0)."""
    x, W, b = _maxout_case(seed, N, D, H, k)
    W[2][:, 1], b[2, 1] = W[0][:, 1], b[0, 1]
    return x, W, b


@graded("maxout_backward")
def test_maxout_backward_ties(student):
    x, W, b = _maxout_tie_case(78)
    won = np.stack([x @ W[j] + b[j] for j in range(3)]).argmax(axis=0)[:, 1] == 0   # rows 0 and 2
    tie = np.zeros(W.shape, dtype=bool)
    tie[[0, 2], :, 1] = True
    _expect_backward(student, "maxout_forward", "maxout_backward", (x, W, b), _dout(78, (4, 3)),
                     _maxout_given(x, W) + " (pieces 0 and 2 of unit 1 are equal, and win in "
                     f"{int(won.sum())} of the 4 rows)", names=("dx", "dW", "db"),
                     special={"where two pieces tie": {"dx": np.repeat(won[:, None], 3, axis=1),
                                                       "dW": tie, "db": tie[:, 0, :]}})


# ------------------------------------------------------------------------------ softmax

SOFTMAX_CASES = [(80, (5, 4)), (82, (2, 3, 5)), (81, (6,))]
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
    # weights of a few hundred: |z| > 709, where np.exp overflows (the docstring asks for stability)
    for seed, N, L, w_scale in [(40, 4, 3, 1.5), (41, 1, 1, 1.0), (42, 6, 6, 4.0), (43, 5, 3, 1000.0)]:
        x, y, w, b = _chain_case(seed, N, L, w_scale)
        _expect_items(student, "sigmoid_chain_grads", (x, y, w, b),
                      f"the result of sigmoid_chain_grads(x and y of shape {x.shape}, "
                      f"w = {np.round(w, 3).tolist()}, b = {np.round(b, 3).tolist()})")
