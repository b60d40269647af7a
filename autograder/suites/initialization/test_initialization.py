"""Hidden tests of the initialization assignment (run in the grader's process; see grading.py).

An item earns its POINTS (equal to the notebook's grade cells test_<item>) when all its tests pass.

Deterministic functions (two_layer_grads, zeros_init, constant_init, calculate_gain) are compared
with the reference on fixed inputs. The random initializers are checked by statistics of one
large draw per setting (N_DRAWS = 250,000 weights), never by one sequence of random numbers: any
order of drawing passes. Each statistical check has a false-failure probability (the chance that
it fails a correct answer) given by a bound that holds exactly at this sample size (no normal
approximation is involved):

- uniform U(-b, b): every value within [-b, b] (up to 1e-6 of rounding: never fails a correct
  answer); the mean and the mean square, FALSE_FAILURE = 1e-9 each (Hoeffding's inequality, the
  values being bounded); the largest value above b (1 - 1e-3) and the smallest below -b (1 - 1e-3)
  (a correct answer misses with probability 2 (1 - 5e-4)^n, about 1e-54);
- normal N(0, s^2): the mean, 1e-9 (it is exactly normal); the mean square, 1e-9 (a chi-square
  with n degrees of freedom, Laurent and Massart's tail bounds); the kurtosis
  mean(W^4) / mean(W^2)^2 >= 2.4, which tells a normal (kurtosis 3) from a uniform (1.8), below
  3e-47 (Maurer's bound for the mean of the non-negative W^4 and Laurent-Massart for W^2);
- both: the Kolmogorov-Smirnov fit of the whole sample to the documented distribution
  (grading.expect_distribution at FALSE_FAILURE), at most 1.02e-9: its p-value is Kolmogorov's
  limit law, and Massart's Dvoretzky-Kiefer-Wolfowitz inequality P(D > d) <= 2 exp(-2 n d^2),
  exact for every n, bounds the chance of reaching its threshold (ks_false_failure).

The suite draws 10 uniform samples (2 Xavier uniform, 8 Kaiming uniform settings) and 14 normal
ones (2 small random, 2 Xavier normal, 8 Kaiming normal, 2 LeCun), so it makes 48 checks of a
mean or a mean square (1e-9 each), 24 Kolmogorov-Smirnov fits (1.02e-9 each) and 24 checks of
the extremes or the kurtosis (below 3e-47 each): a correct answer fails any of them with
probability below TOTAL_FALSE_FAILURE = 7.3e-8 (tests/test_initialization_suite.py recounts it
from the checks a reference run makes). The checks that the seed is used (check_uses_rng) compare
draws for equality: a correct answer fails them only if two different seeds drew the same 600
weights.
"""
import math
from statistics import NormalDist

import numpy as np

from autograder.diagnosis import MISTAKES
from autograder.grading import (GradingFailure, Seed, StudentError, describe, diagnose, expect_close,
                                expect_distribution, expect_reference, fail, graded, mismatch,
                                normal_cdf, uniform_cdf)
from autograder.suites.initialization.variants import V
from solutions import initialization as ref

POINTS = {"two_layer_grads": 3, "zeros_init": 1, "constant_init": 1, "small_random_init": 1,
          "calculate_gain": 1, "xavier_uniform": 2, "xavier_normal": 1, "kaiming_uniform": 2,
          "kaiming_normal": 2, "lecun_normal": 1}

# Seeds of everything drawn at random and checked statistically are SEED_OFFSET + a constant. The
# project's tests vary it to confirm that a correct answer passes under other draws too.
SEED_OFFSET = 0

FALSE_FAILURE = 1e-9   # per check of a mean, a mean square or a fit (see ks_false_failure)
TOTAL_FALSE_FAILURE = 7.3e-8   # of the whole suite (the module's docstring counts the checks)
NEAR_BOUND = 1e-3      # the extremes of a uniform draw must come this close (relatively) to the bound
KURTOSIS_MIN = 2.4     # a normal draw's sample kurtosis is about 3, a uniform one's about 1.8


def _inputs(seed):
    """A Generator for deterministic test inputs (fixed: not moved by SEED_OFFSET)."""
    return np.random.default_rng(1000 + seed)


# ------------------------------------------------------------------------------ statistics

def uniform_mean_halfwidth(bound, n, delta=FALSE_FAILURE):
    """Hoeffding: values in [-b, b] give P(|mean| >= t) <= 2 exp(-n t^2 / (2 b^2)) = delta."""
    return bound * math.sqrt(2 * math.log(2 / delta) / n)


def uniform_square_range(bound, n, delta=FALSE_FAILURE):
    """Hoeffding on W^2 in [0, b^2], whose mean is b^2 / 3: the range of mean(W^2)."""
    t = bound ** 2 * math.sqrt(math.log(2 / delta) / (2 * n))
    return bound ** 2 / 3 - t, bound ** 2 / 3 + t


def normal_mean_halfwidth(std, n, delta=FALSE_FAILURE):
    """The mean of n draws of N(0, s^2) is exactly N(0, s^2 / n)."""
    return NormalDist().inv_cdf(1 - delta / 2) * std / math.sqrt(n)


def normal_square_range(std, n, delta=FALSE_FAILURE):
    """n mean(W^2) / s^2 is chi-square with n degrees of freedom; Laurent and Massart (2000):
    P(X - n >= 2 sqrt(n x) + 2x) <= e^-x and P(n - X >= 2 sqrt(n x)) <= e^-x, with e^-x = delta/2."""
    x = math.log(2 / delta)
    return std ** 2 * (1 - 2 * math.sqrt(x / n)), std ** 2 * (1 + 2 * math.sqrt(x / n) + 2 * x / n)


def kurtosis_false_failure(n, threshold=KURTOSIS_MIN):
    """A bound on P(mean(W^4) / mean(W^2)^2 < threshold) for n draws of a normal distribution.

    With s = 1: the kurtosis is below the threshold only if mean(W^4) < 2.7 or mean(W^2) >
    sqrt(2.7 / threshold). W^4 >= 0 has mean 3 and E[W^8] = 105, so Maurer (2003) gives
    P(mean(W^4) <= 3 - t) <= exp(-n t^2 / 210); Laurent-Massart bounds the chi-square tail.
    """
    low4 = 2.7
    first = math.exp(-n * (3 - low4) ** 2 / (2 * 105))
    excess = n * (math.sqrt(low4 / threshold) - 1)        # solve 2 sqrt(n x) + 2 x = excess for x
    u = (-2 * math.sqrt(n) + math.sqrt(4 * n + 8 * excess)) / 4
    return first + math.exp(-u * u)


def near_bound_false_failure(n, eps=NEAR_BOUND):
    """P(max < b (1 - eps) or min > -b (1 - eps)) for n draws of U(-b, b)."""
    return 2 * math.exp(n * math.log1p(-eps / 2))


def ks_false_failure(n, threshold=FALSE_FAILURE):
    """A bound on the chance that expect_distribution fails n correct draws at `threshold`.

    It fails when Kolmogorov's limit law, evaluated at Stephens' lam = (sqrt(n) + 0.12 +
    0.11 / sqrt(n)) D, gives a p-value below the threshold, i.e. when D exceeds the d at which
    that p-value equals the threshold; Massart (1990): P(D > d) <= 2 exp(-2 n d^2) for every n."""
    def p_value(lam):
        return 2 * sum((-1) ** (k - 1) * math.exp(-2 * k * k * lam * lam) for k in range(1, 101))
    lo, hi = 0.5, 10.0
    for _ in range(100):   # bisection: the p-value decreases with lam
        lo, hi = ((lo + hi) / 2, hi) if p_value((lo + hi) / 2) > threshold else (lo, (lo + hi) / 2)
    d = hi / (math.sqrt(n) + 0.12 + 0.11 / math.sqrt(n))
    return 2 * math.exp(-2 * n * d * d)


def uniform_false_failure(n):
    """check_uniform on n draws: the mean, the mean square, the fit and the extremes."""
    return 2 * FALSE_FAILURE + ks_false_failure(n) + near_bound_false_failure(n)


def normal_false_failure(n):
    """check_normal on n draws: the mean, the mean square, the fit and the kurtosis."""
    return 2 * FALSE_FAILURE + ks_false_failure(n) + kurtosis_false_failure(n)


N_DRAWS = 250_000
assert (kurtosis_false_failure(N_DRAWS) < 3e-47 and near_bound_false_failure(N_DRAWS) < 1.1e-54
        and ks_false_failure(N_DRAWS) < 1.02e-9)   # the figures the docstring states


def _stats(W):
    """(root mean square, mean, kurtosis about the mean, largest |value|) of an array."""
    W = W.astype(np.float64).ravel()
    centred = W - W.mean()
    squares = centred * centred   # (x * x) ** 2, not x ** 4: numpy's general power is 8x slower
    m2 = np.mean(squares)
    return (float(np.sqrt(np.mean(W * W))), float(W.mean()),
            float(np.mean(squares * squares) / m2 ** 2) if m2 > 0 else 0.0, float(np.abs(W).max()))


def _close_stats(a, b):
    """Whether two samples' statistics agree (loosely: this only picks a hint, never a grade)."""
    rms_a, mean_a, kurt_a, _ = a
    rms_b, mean_b, kurt_b, _ = b
    if rms_b == 0:
        return rms_a == 0
    return (abs(rms_a / rms_b - 1) < 0.05 and abs(mean_a - mean_b) < 0.05 * rms_b
            and abs(kurt_a - kurt_b) < 0.3)


def _local_args(args):
    """The test's arguments with each Seed replaced by a Generator made here."""
    return [np.random.default_rng(12345) if isinstance(a, Seed) else a for a in args]


def _signature(v):
    if isinstance(v, np.ndarray):
        return ("ndarray", v.shape, v.dtype.str)
    return (type(v).__name__,)


def _diagnose_structure(got, item, args, kwargs):
    """The hint of the first mutant whose result has the same type, shape and dtype as `got`."""
    for m in V.mutants_of(item):
        try:
            out = m.fn(*_local_args(args), **kwargs)
        except Exception:
            continue
        if _signature(out) == _signature(got):
            return m.hint
    return None


def _diagnose_draws(got, item, args, kwargs, target):
    """The hints of the mutants whose draws look like `got` (and not like a correct answer's).

    Two mistakes can give the same draws in one setting (ignoring mode and swapping the fans both
    use shape[0] with mode='fan_out'): then both hints are given."""
    mine, correct = _stats(got), _stats(target)
    hints = []
    for m in V.mutants_of(item):
        try:
            out = m.fn(*_local_args(args), **kwargs)
        except Exception:
            continue
        if not isinstance(out, np.ndarray) or out.shape != got.shape or out.dtype.kind != "f":
            continue
        theirs = _stats(out)
        if not _close_stats(theirs, correct) and _close_stats(mine, theirs):
            hints.append(m.hint)
    return " Or perhaps: ".join(hints) or None


def _call_shown(item, args, kwargs):
    shown = [repr(a) if not isinstance(a, Seed) else "rng" for a in args]
    shown += [f"{k}={v:.6g}" if isinstance(v, float) else f"{k}={v!r}" for k, v in kwargs.items()]
    return f"{item}({', '.join(shown)})"


def _expect_weights(got, shape, item, args, kwargs):
    """`got` must be a finite float64 array of `shape`; returns it."""
    call = _call_shown(item, args, kwargs)
    problem = None
    if not isinstance(got, np.ndarray):
        problem = f"{call} should return a numpy array of shape {shape}, but returned {describe(got)}."
    elif got.shape != shape:
        problem = (f"{call} should return an array of shape {shape} (fan_in, fan_out), but its shape "
                   f"is {got.shape}.")
    elif got.dtype != np.float64:
        problem = (f"{call}: the result {MISTAKES['dtype']}: it holds {got.dtype}, but weights are "
                   f"float64 (numpy's default; look for a dtype=np.float32 or an astype).")
    if problem:
        fail(problem, _diagnose_structure(got, item, args, kwargs))
    if not np.all(np.isfinite(got)):
        fail(f"{call} returned an array that contains NaN or inf.")
    return got


def _reference_draw(item, args, kwargs):
    return getattr(ref, item)(*_local_args(args), **kwargs)


def check_uniform(student, item, args, kwargs, bound, formula):
    """Call `item` and check that its values are independent draws of U(-bound, bound)
    (`formula` says how the bound is computed, for the messages)."""
    shape = args[0]
    got = _expect_weights(student.call(item, *args, **kwargs), shape, item, args, kwargs)
    call = _call_shown(item, args, kwargs)
    n = got.size
    setting = f"{call} should draw from U(-b, b) with b = {formula} = {bound:.6g}"

    def hint():
        return _diagnose_draws(got, item, args, kwargs, _reference_draw(item, args, kwargs))

    outside = int(np.sum(np.abs(got) > bound * (1 + 1e-6)))  # room for rounding in the bound
    if outside:
        fail(f"{setting}, but {outside} of its {n} values lie outside [-b, b] (the largest in size "
             f"is {np.abs(got).max():.6g}).", hint())
    # exact: a correct answer misses either end with probability below 1e-50
    if got.max() < bound * (1 - NEAR_BOUND) or got.min() > -bound * (1 - NEAR_BOUND):
        fail(f"{setting}, but its {n} values range only from {got.min():.6g} to {got.max():.6g}: "
             f"with that many draws the extremes come within {NEAR_BOUND:.0e} of -b and b except "
             f"with probability below 1e-50.", hint())
    half = uniform_mean_halfwidth(bound, n)
    if abs(got.mean()) > half:
        fail(f"{setting}, whose mean is 0, but the mean of its {n} values is {got.mean():.4g}, "
             f"more than {half:.3g} from 0. (A correct answer is this far off with probability "
             f"below {FALSE_FAILURE:g}.)", hint())
    lo, hi = uniform_square_range(bound, n)
    square = float(np.mean(got ** 2))
    if not lo <= square <= hi:
        fail(f"{setting}, whose values have mean square (variance) b**2 / 3 = {bound ** 2 / 3:.4g}, "
             f"but the mean square of its {n} values is {square:.4g}, outside [{lo:.4g}, {hi:.4g}] "
             f"(standard deviation {math.sqrt(square):.4g} instead of {bound / math.sqrt(3):.4g}). "
             f"(A correct answer lands outside with probability below {FALSE_FAILURE:g}.)", hint())
    _expect_fit(got, uniform_cdf(-bound, bound), call, f"U(-b, b) with b = {formula}", hint)
    return got


def _expect_fit(got, cdf, call, described, hint):
    """Kolmogorov-Smirnov over the whole sample: its shape must be the documented distribution's,
    not only its moments (a correct answer fails with probability FALSE_FAILURE)."""
    try:
        expect_distribution(got, cdf, FALSE_FAILURE, call, described)
    except GradingFailure as failure:
        fail(failure.message, hint())


def check_normal(student, item, args, kwargs, std, formula):
    """Call `item` and check that its values are independent draws of N(0, std**2)
    (`formula` says how std is computed, for the messages)."""
    shape = args[0]
    got = _expect_weights(student.call(item, *args, **kwargs), shape, item, args, kwargs)
    call = _call_shown(item, args, kwargs)
    n = got.size
    setting = f"{call} should draw from the normal distribution N(0, s**2) with s = {formula} = {std:.6g}"

    def hint():
        return _diagnose_draws(got, item, args, kwargs, _reference_draw(item, args, kwargs))

    half = normal_mean_halfwidth(std, n)
    if abs(got.mean()) > half:
        fail(f"{setting}, but the mean of its {n} values is {got.mean():.4g}, more than "
             f"{half:.3g} from 0. (A correct answer is this far off with probability below "
             f"{FALSE_FAILURE:g}.)", hint())
    lo, hi = normal_square_range(std, n)
    squares = got * got
    square = float(np.mean(squares))
    if not lo <= square <= hi:
        fail(f"{setting}, but its {n} values have standard deviation {math.sqrt(square):.4g} "
             f"({math.sqrt(square) / std:.3g} times s): their mean square is {square:.4g}, outside "
             f"[{lo:.4g}, {hi:.4g}] around s**2 = {std ** 2:.4g}. (A correct answer lands outside "
             f"with probability below {FALSE_FAILURE:g}.)", hint())
    kurtosis = float(np.mean(squares * squares) / square ** 2)   # not got ** 4: see _stats
    if kurtosis < KURTOSIS_MIN:
        fail(f"{setting}, but its values do not look normal: their kurtosis mean(W**4) / "
             f"mean(W**2)**2 is {kurtosis:.3f} (a normal distribution has 3, a uniform one 1.8); "
             f"the largest value in size is {np.abs(got).max() / std:.2f} s, while in a normal "
             f"sample of this size some values lie beyond 4 s. (A correct answer has kurtosis "
             f"below {KURTOSIS_MIN} with probability below 1e-40.)", hint())
    _expect_fit(got, normal_cdf(0.0, std), call, f"N(0, s**2) with s = {formula}", hint)
    return got


def check_uses_rng(student, item, shape, **kwargs):
    """The generator is the only source of randomness: same seed, same weights; other seed, other
    weights (small draws: this is about reproducibility, not statistics)."""
    call = _call_shown(item, [shape, Seed(0)], kwargs)
    first, again, other = (student.call(item, shape, Seed(SEED_OFFSET + s), **kwargs)
                           for s in (500, 500, 501))
    for W in (first, again, other):
        _expect_weights(W, shape, item, [shape, Seed(0)], kwargs)
    if not np.array_equal(first, again):
        hint = next((m.hint for m in V.mutants_of(item) if m.name.endswith("_global_rng")), None)
        fail(f"Two calls of {call} with generators made from the same seed gave different "
             f"weights: draw every random number from rng (not from np.random.*), so that an "
             f"experiment can be repeated.", hint)
    if np.array_equal(first, other):
        fail(f"Two calls of {call} with generators made from different seeds gave the same "
             f"weights: the weights should be drawn at random from rng.")


# ------------------------------------------------------------------------------ two_layer_grads

def _net(seed, N, D, H, C, scale=1.0):
    g = _inputs(seed)
    X = g.normal(size=(N, D))
    y = g.integers(0, C, size=N)
    y[:min(N, C)] = np.arange(min(N, C))  # every class appears (when N >= C)
    params = {"W1": g.normal(size=(D, H)) / np.sqrt(D), "b1": 0.1 * g.normal(size=H),
              "W2": scale * g.normal(size=(H, C)) / np.sqrt(H), "b2": 0.1 * g.normal(size=C)}
    return params, X, y


def _describe_net(params, X):
    return (f"X of shape {X.shape}, W1 {params['W1'].shape}, b1 {params['b1'].shape}, "
            f"W2 {params['W2'].shape}, b2 {params['b2'].shape}")


def _expect_grads(student, params, X, y, setting):
    expect_reference(student, "two_layer_grads", ref.two_layer_grads, params, X, y,
                     mutants=V.mutants_of("two_layer_grads"),
                     what=f"two_layer_grads(params, X, y) for {setting}")


@graded("two_layer_grads")
def test_two_layer_grads_random(student):
    for seed, sizes in [(1, (8, 6, 7, 4)), (2, (20, 12, 9, 5)), (3, (1, 5, 3, 3))]:
        params, X, y = _net(seed, *sizes)
        _expect_grads(student, params, X, y, f"random weights, {_describe_net(params, X)}")


@graded("two_layer_grads")
def test_two_layer_grads_large_scores(student):
    params, X, y = _net(4, 10, 6, 8, 4, scale=1500.0)   # scores up to 1507: np.exp overflows
    setting = f"weights giving scores of up to 1507 in size, {_describe_net(params, X)}"
    got = student.call("two_layer_grads", params, X, y)
    if isinstance(got, (tuple, list)) and len(got) == 2 and isinstance(got[1], dict):
        values = [got[0], *got[1].values()]
        if not all(np.all(np.isfinite(np.asarray(v, dtype=np.float64))) for v in values
                   if isinstance(v, (int, float, np.ndarray))):
            fail(f"two_layer_grads(params, X, y) for {setting} returned NaN or inf.",
                 V.hint("two_layer_unstable_softmax"))
    _expect_grads(student, params, X, y, setting)


@graded("two_layer_grads")
def test_two_layer_grads_zero_init(student):
    # every parameter 0: every pre-activation is exactly 0, the hidden layer outputs 0, and only b2
    # gets a gradient
    _, X, y = _net(5, 12, 6, 5, 4)
    params = {"W1": np.zeros((6, 5)), "b1": np.zeros(5), "W2": np.zeros((5, 4)), "b2": np.zeros(4)}
    _expect_grads(student, params, X, y, f"all parameters zero, {_describe_net(params, X)}")


@graded("two_layer_grads")
def test_two_layer_grads_relu_kink(student):
    # W1 = 0 and b1 = 0: every pre-activation is exactly 0, where relu'(0) = 0 passes no gradient
    params, X, y = _net(6, 12, 6, 5, 4)
    params["W1"] = np.zeros((6, 5))
    params["b1"] = np.zeros(5)
    _expect_grads(student, params, X, y,
                  f"W1 = 0 and b1 = 0 (every pre-activation exactly 0) and random W2, b2, "
                  f"{_describe_net(params, X)}")


@graded("two_layer_grads")
def test_two_layer_grads_symmetry(student):
    # Every hidden unit starts identical: the same incoming weights (all columns of W1 equal u),
    # the same bias and the same outgoing weights (all rows of W2 equal v). Then every unit must
    # get the same gradient, so they stay identical after any number of gradient steps.
    g = _inputs(7)
    D, H, C = 6, 5, 4
    _, X, y = _net(7, 15, D, H, C)
    u, v = g.normal(size=D) / np.sqrt(D), g.normal(size=C)
    params = {"W1": np.tile(u[:, None], (1, H)), "b1": np.full(H, 0.1),
              "W2": np.tile(v, (H, 1)), "b2": np.zeros(C)}
    setting = ("hidden units that all start identical (every column of W1 equal, every entry "
               f"of b1 equal to 0.1, every row of W2 equal), {_describe_net(params, X)}")
    got = student.call("two_layer_grads", params, X, y)
    if isinstance(got, (tuple, list)) and len(got) == 2 and isinstance(got[1], dict):
        grads = got[1]
        for name, axis, part in [("W1", 1, "column"), ("b1", 0, "entry"), ("W2", 0, "row")]:
            d = grads.get(name)
            if not isinstance(d, np.ndarray) or d.shape != params[name].shape:
                continue  # the comparison with the reference below reports it
            spread = np.ptp(d, axis=axis)
            if np.any(spread > 1e-9 * (1 + np.abs(d).max())):
                fail(f"two_layer_grads(params, X, y) for {setting}: the gradients of the hidden "
                     f"units differ (d{name} is not the same in every {part}), but units that start "
                     f"identical compute the same function and must get the same gradient.")
    _expect_grads(student, params, X, y, setting)


# ------------------------------------------------------------------------------ zeros, constant

@graded("zeros_init")
def test_zeros_init(student):
    for shape in [(3, 4), (1, 7), (6, 2)]:
        got = _expect_weights(student.call("zeros_init", shape), shape, "zeros_init", [shape], {})
        expect_close(got, np.zeros(shape), f"zeros_init({shape})")


@graded("constant_init")
def test_constant_init(student):
    # an int value (3) must still give float64 weights
    for shape, value in [((3, 4), 0.5), ((2, 5), 3), ((4, 1), -1.25)]:
        args = [shape, value]
        got = _expect_weights(student.call("constant_init", shape, value), shape, "constant_init",
                              args, {})
        why = mismatch(got, ref.constant_init(shape, value), path=f"constant_init({shape}, {value!r})")
        if why:
            fail(why, diagnose(got, V.mutants_of("constant_init"), args, {}))


# ------------------------------------------------------------------------------ small random

@graded("small_random_init")
def test_small_random_init_default_std(student):
    check_normal(student, "small_random_init", [(400, 625), Seed(SEED_OFFSET + 1)], {}, 0.01, "std")


@graded("small_random_init")
def test_small_random_init_std(student):
    check_normal(student, "small_random_init", [(625, 400), Seed(SEED_OFFSET + 2)], {"std": 0.05},
                 0.05, "std")


@graded("small_random_init")
def test_small_random_init_uses_rng(student):
    check_uses_rng(student, "small_random_init", (20, 30))


# ------------------------------------------------------------------------------ calculate_gain

def _expect_gain(student, *args):
    what = f"calculate_gain({', '.join(repr(a) for a in args)})"
    try:
        expect_reference(student, "calculate_gain", ref.calculate_gain, *args,
                         mutants=V.mutants_of("calculate_gain"), what=what)
    except StudentError as exc:
        if exc.kind != "raised" or "NotImplementedError" in exc.message:
            raise
        fail(f"{what} raised an error ({exc.message}), but {args[0]!r} is one of the names the "
             f"docstring lists.", V.hint("gain_conv_is_unknown") if args[0].startswith("conv") else None)


@graded("calculate_gain")
def test_calculate_gain_table(student):
    for name in ["linear", "conv1d", "conv2d", "conv3d", "conv_transpose1d", "conv_transpose2d",
                 "conv_transpose3d", "sigmoid", "tanh", "relu", "selu"]:   # every documented name
        _expect_gain(student, name)


@graded("calculate_gain")
def test_calculate_gain_leaky_relu(student):
    _expect_gain(student, "leaky_relu")              # param None: the default slope 0.01
    for slope in [0.2, 1, math.sqrt(5), 0]:
        _expect_gain(student, "leaky_relu", slope)


@graded("calculate_gain")
def test_calculate_gain_unknown_name(student):
    # Any exception will do (PyTorch raises ValueError); what must not happen is a number.
    for name in ["softplus", "Relu"]:
        try:
            got = student.call("calculate_gain", name)
        except StudentError as exc:
            if exc.kind == "raised" and "NotImplementedError" not in exc.message:
                continue
            raise
        fail(f"calculate_gain({name!r}) returned {got!r}; for a name it does not know it should "
             f"raise a ValueError.", V.hint("gain_unknown_is_one"))


# ------------------------------------------------------------------------------ Xavier

XAVIER_BOUND = "gain * sqrt(6 / (fan_in + fan_out))"
XAVIER_STD = "gain * sqrt(2 / (fan_in + fan_out))"


def _xavier_bound(shape, gain):
    return gain * math.sqrt(6.0 / (shape[0] + shape[1]))


@graded("xavier_uniform")
def test_xavier_uniform_default_gain(student):
    shape = (400, 625)
    check_uniform(student, "xavier_uniform", [shape, Seed(SEED_OFFSET + 10)], {},
                  _xavier_bound(shape, 1.0), XAVIER_BOUND)


@graded("xavier_uniform")
def test_xavier_uniform_gain(student):
    shape = (1250, 200)
    check_uniform(student, "xavier_uniform", [shape, Seed(SEED_OFFSET + 11)], {"gain": 5.0 / 3},
                  _xavier_bound(shape, 5.0 / 3), XAVIER_BOUND)


@graded("xavier_uniform")
def test_xavier_uniform_uses_rng(student):
    check_uses_rng(student, "xavier_uniform", (20, 30))


@graded("xavier_normal")
def test_xavier_normal_default_gain(student):
    shape = (400, 625)
    check_normal(student, "xavier_normal", [shape, Seed(SEED_OFFSET + 20)], {},
                 math.sqrt(2.0 / (shape[0] + shape[1])), XAVIER_STD)


@graded("xavier_normal")
def test_xavier_normal_gain(student):
    shape = (1250, 200)
    check_normal(student, "xavier_normal", [shape, Seed(SEED_OFFSET + 21)], {"gain": math.sqrt(2)},
                 math.sqrt(2) * math.sqrt(2.0 / (shape[0] + shape[1])), XAVIER_STD)


@graded("xavier_normal")
def test_xavier_normal_uses_rng(student):
    check_uses_rng(student, "xavier_normal", (20, 30))


# ------------------------------------------------------------------------------ Kaiming, LeCun

GAINS = {"linear": 1.0, "sigmoid": 1.0, "tanh": 5.0 / 3, "relu": math.sqrt(2.0), "selu": 0.75}

# (shape, kwargs): the defaults (leaky_relu with a = 0, i.e. the ReLU; fan_in) on a shape whose
# fans differ by a factor 6.25; nn.Linear's default a = sqrt(5); mode fan_out; tanh; then every
# other documented nonlinearity, and leaky_relu with fan_out (each shape's fans differ, so a mode
# mix-up shows)
KAIMING_CASES = [((200, 1250), {}),
                 ((625, 400), {"a": math.sqrt(5)}),
                 ((1250, 200), {"mode": "fan_out", "nonlinearity": "relu"}),
                 ((400, 625), {"nonlinearity": "tanh"}),
                 ((250, 1000), {"mode": "fan_out", "nonlinearity": "linear"}),
                 ((1000, 250), {"nonlinearity": "sigmoid"}),
                 ((400, 625), {"mode": "fan_out", "nonlinearity": "selu"}),
                 ((625, 400), {"mode": "fan_out", "a": 0.2})]


def _kaiming_std(shape, kwargs):
    """The standard deviation Kaiming aims at: gain / sqrt(fan)."""
    nonlinearity = kwargs.get("nonlinearity", "leaky_relu")
    a = kwargs.get("a", 0)
    gain = math.sqrt(2.0 / (1 + a ** 2)) if nonlinearity == "leaky_relu" else GAINS[nonlinearity]
    fan = shape[0] if kwargs.get("mode", "fan_in") == "fan_in" else shape[1]
    return gain / math.sqrt(fan)


def _kaiming_uniform_case(student, k):
    shape, kwargs = KAIMING_CASES[k]
    check_uniform(student, "kaiming_uniform", [shape, Seed(SEED_OFFSET + 30 + k)], kwargs,
                  math.sqrt(3) * _kaiming_std(shape, kwargs), "gain * sqrt(3 / fan)")


def _kaiming_normal_case(student, k):
    shape, kwargs = KAIMING_CASES[k]
    check_normal(student, "kaiming_normal", [shape, Seed(SEED_OFFSET + 40 + k)], kwargs,
                 _kaiming_std(shape, kwargs), "gain / sqrt(fan)")


@graded("kaiming_uniform")
def test_kaiming_uniform_defaults(student):
    _kaiming_uniform_case(student, 0)


@graded("kaiming_uniform")
def test_kaiming_uniform_leaky_slope(student):
    _kaiming_uniform_case(student, 1)


@graded("kaiming_uniform")
def test_kaiming_uniform_fan_out(student):
    _kaiming_uniform_case(student, 2)


@graded("kaiming_uniform")
def test_kaiming_uniform_tanh(student):
    _kaiming_uniform_case(student, 3)


@graded("kaiming_uniform")
def test_kaiming_uniform_other_nonlinearities(student):
    for k in range(4, len(KAIMING_CASES)):
        _kaiming_uniform_case(student, k)


@graded("kaiming_uniform")
def test_kaiming_uniform_uses_rng(student):
    check_uses_rng(student, "kaiming_uniform", (20, 30))


@graded("kaiming_normal")
def test_kaiming_normal_defaults(student):
    _kaiming_normal_case(student, 0)


@graded("kaiming_normal")
def test_kaiming_normal_leaky_slope(student):
    _kaiming_normal_case(student, 1)


@graded("kaiming_normal")
def test_kaiming_normal_fan_out(student):
    _kaiming_normal_case(student, 2)


@graded("kaiming_normal")
def test_kaiming_normal_tanh(student):
    _kaiming_normal_case(student, 3)


@graded("kaiming_normal")
def test_kaiming_normal_other_nonlinearities(student):
    for k in range(4, len(KAIMING_CASES)):
        _kaiming_normal_case(student, k)


@graded("kaiming_normal")
def test_kaiming_normal_uses_rng(student):
    check_uses_rng(student, "kaiming_normal", (20, 30))


@graded("lecun_normal")
def test_lecun_normal(student):
    for k, shape in enumerate([(200, 1250), (1250, 200)]):
        check_normal(student, "lecun_normal", [shape, Seed(SEED_OFFSET + 50 + k)], {},
                     1.0 / math.sqrt(shape[0]), "1 / sqrt(fan_in)")


@graded("lecun_normal")
def test_lecun_normal_uses_rng(student):
    check_uses_rng(student, "lecun_normal", (20, 30))
