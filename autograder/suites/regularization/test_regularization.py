"""Hidden tests of the regularization assignment (run in the grader's process; see grading.py).

An item earns its POINTS (equal to the notebook's grade cells test_<item>) when all its tests pass.

Deterministic functions are compared with the reference on fixed inputs. Random ones are checked
by properties and statistics; each such check states its false-failure probability (the chance
that a correct answer, drawing its random numbers in any order, fails it). Together the random
checks of this file fail a correct answer with probability below 1.1e-6 (1e-6 for MC dropout,
9e-8 for dropout_forward: 1e-8 for each of its nine checks).

Documented edge cases have inputs of their own: exact zeros for sign(0), a column whose norm is
exactly c (left unchanged by max_norm), gradients whose total norm is exactly max_norm (still
scaled by max_norm / (max_norm + 1e-6)), and dropout on a 3-D and a 1-D x (any shape).
"""
import functools
from statistics import NormalDist

import numpy as np

from autograder.diagnosis import MISTAKES
from autograder.grading import (ContractError, GradingFailure, Handle, Seed, StudentError,
                                binomial_bounds,
                                diagnose, dispersion_bounds, expect_close, expect_reference, fail,
                                graded, mismatch)
from autograder.suites.regularization.variants import V
from solutions import regularization as ref

# Never in any student-visible file, feedback or output (tests/test_adversarial.py checks).
CANARY = "course-canary-ac213da6fff97e87"

POINTS = {"l2_penalty": 1, "l1_penalty": 1, "elastic_net_penalty": 1, "dropout_forward": 2,
          "dropout_backward": 1, "mc_dropout_predict": 2, "max_norm": 1, "clip_grad_value": 1,
          "clip_grad_norm": 2, "EarlyStopping": 2}

# Seeds of everything drawn at random and checked statistically are SEED_OFFSET + a constant. The
# project's tests vary it to confirm that a correct answer passes under other draws too.
SEED_OFFSET = 0


def _inputs(seed):
    """A Generator for deterministic test inputs (fixed: not moved by SEED_OFFSET)."""
    return np.random.default_rng(1000 + seed)


def _nonzero(g, shape):
    """Entries of size 0.5 to 2 with random signs: never 0, so out != 0 tells a kept unit."""
    return g.uniform(0.5, 2.0, size=shape) * g.choice([-1.0, 1.0], size=shape)


def _shapes(arrays):
    return ", ".join(str(a.shape) for a in arrays)


def _close(a, b):
    return isinstance(a, np.ndarray) and a.shape == np.shape(b) and mismatch(a, b) is None


# ------------------------------------------------------------------------------ penalties

def _weights(seed, shapes, zero_fraction=0.0):
    g = _inputs(seed)
    weights = [g.normal(size=s) for s in shapes]
    for W in weights:
        W[g.random(W.shape) < zero_fraction] = 0.0
    return weights


# (seed, shapes, fraction of exact zeros): one array, then several (the total runs over all arrays)
PENALTY_CASES = [
    (1, [(4, 3)], 0.25),
    (2, [(5, 4), (4, 3)], 0.25),
    (3, [(1, 7), (6, 2), (3, 3)], 0.3),
]


@graded("l2_penalty")
def test_l2_penalty(student):
    for (seed, shapes, zeros), lam in zip(PENALTY_CASES, [0.1, 0.5, 2.0]):
        weights = _weights(seed, shapes, zeros)
        expect_reference(student, "l2_penalty", ref.l2_penalty, weights, lam,
                         mutants=V.mutants_of("l2_penalty"),
                         what=f"(penalty, grads) = l2_penalty(weights of shapes "
                              f"{_shapes(weights)}, lam={lam})")


@graded("l1_penalty")
def test_l1_penalty(student):
    # the inputs hold exact zeros: the gradient there is lam * sign(0) = 0
    for (seed, shapes, zeros), lam in zip(PENALTY_CASES, [0.1, 0.5, 2.0]):
        weights = _weights(seed, shapes, zeros)
        expect_reference(student, "l1_penalty", ref.l1_penalty, weights, lam,
                         mutants=V.mutants_of("l1_penalty"),
                         what=f"(penalty, grads) = l1_penalty(weights of shapes {_shapes(weights)} "
                              f"with some entries exactly 0, lam={lam})")


@graded("elastic_net_penalty")
def test_elastic_net_penalty(student):
    strengths = [(0.1, 0.3), (0.5, 0.05), (2.0, 1.0)]
    for (seed, shapes, zeros), (l1, l2) in zip(PENALTY_CASES, strengths):
        weights = _weights(seed, shapes, zeros)
        expect_reference(student, "elastic_net_penalty", ref.elastic_net_penalty, weights, l1, l2,
                         mutants=V.mutants_of("elastic_net_penalty"),
                         what=f"(penalty, grads) = elastic_net_penalty(weights of shapes "
                              f"{_shapes(weights)} with some entries exactly 0, l1={l1}, l2={l2})")


# ------------------------------------------------------------------------------ dropout

# Each statistical check below fails a correct answer with probability at most FALSE_FAILURE
# (split evenly, Bonferroni, when one check tests many counts).
FALSE_FAILURE = 1e-8


def _forward(student, x, p, seed, train=True, keep_cache=False):
    """Call the student's dropout_forward; return (out, cache) after checking out's shape."""
    kwargs = {} if train else {"train": False}
    result = student.call("dropout_forward", x, p, Seed(seed), keep=[1] if keep_cache else [],
                          **kwargs)
    if not isinstance(result, (tuple, list)) or len(result) != 2:
        mode = "training" if train else "evaluation"
        fail(f"dropout_forward should return a tuple (out, cache), but in {mode} mode returned "
             f"{type(result).__name__ if not isinstance(result, Handle) else result.type_name}.",
             V.hint("dropout_eval_no_cache") if isinstance(result, np.ndarray) and not train else None)
    out = result[0]
    if not isinstance(out, np.ndarray) or out.shape != x.shape:
        fail(f"out, the first item returned by dropout_forward(x of shape {x.shape}, p={p}), "
             f"should be an array of shape {x.shape}, but is "
             f"{f'of shape {out.shape}' if isinstance(out, np.ndarray) else type(out).__name__}.",
             V.hint("dropout_flattens") if isinstance(out, np.ndarray) and out.size == x.size else None)
    if not np.all(np.isfinite(out)):
        fail(f"out from dropout_forward(x of shape {x.shape}, p={p}) contains NaN or inf.")
    return out, result[1]


@graded("dropout_forward")
def test_dropout_forward_training(student):
    rows, cols = 200, 50
    x = _nonzero(_inputs(10), (rows, cols))
    for k, p in enumerate([0.2, 0.7]):
        out, _ = _forward(student, x, p, SEED_OFFSET + 10 + k)
        setting = f"With x of shape {x.shape} (no zeros) and p={p} in training mode"
        kept = out != 0

        # 1. every entry is dropped (0) or kept and scaled, out = x / (1 - p), in float64
        why = mismatch(out, np.where(kept, x / (1 - p), 0.0), path="out")
        if why:
            ratio = out[kept] / x[kept]
            hint = (V.hint("dropout_no_rescale") if np.allclose(ratio, 1.0) else
                    V.hint("dropout_p_is_keep") if np.allclose(ratio, 1 / p) else
                    V.hint("dropout_gaussian") if kept.all() else None)
            expect_close(out, np.where(kept, x / (1 - p), 0.0),
                         f"{setting}, each entry of out should be 0 (dropped) or x / (1 - p) = "
                         f"{1 / (1 - p):.4g} * x (kept); out", hint=hint)

        # 2. a mask shared by the whole batch makes every column all-kept or all-dropped; for a
        # correct answer that has probability below 0.8**200 per column.
        if np.all(kept.all(axis=0) | ~kept.any(axis=0)):
            fail(f"{setting}, every column of out is either entirely kept or entirely dropped: "
                 f"all {rows} examples got the same mask.", V.hint("dropout_one_mask_for_batch"))

        # 3. keep fraction: the number kept is Binomial(n, 1 - p).
        n, count = x.size, int(kept.sum())
        lo, hi = binomial_bounds(n, 1 - p, FALSE_FAILURE)
        if not lo <= count <= hi:
            # which wrong keep probability the count fits: p itself, or P(Z >= p) for normal draws
            lo_p, hi_p = binomial_bounds(n, p, FALSE_FAILURE)
            lo_z, hi_z = binomial_bounds(n, 1 - NormalDist().cdf(p), FALSE_FAILURE)
            fail(f"{setting}, {count} of {n} entries were kept (a fraction {count / n:.3f}); each "
                 f"unit should be kept with probability 1 - p = {1 - p:.2f}. A correct answer is "
                 f"this far off with probability below {FALSE_FAILURE:g}.",
                 V.hint("dropout_p_is_keep") if lo_p <= count <= hi_p else
                 V.hint("dropout_normal_draws") if lo_z <= count <= hi_z else None)

        # 4. independence: the kept counts of the rows are independent Binomial(cols, 1 - p)
        # draws, and so are those of the columns; an exact number kept in every row (or column)
        # varies too little, a mask shared along a row too much (dispersion_bounds).
        for axis, size, name in [(1, cols, "row"), (0, rows, "column")]:
            counts = kept.sum(axis=axis)
            stat, lo, hi = dispersion_bounds(counts, size, 1 - p, FALSE_FAILURE)
            if not lo <= stat <= hi:
                few = stat < lo
                fail(f"{setting}, the numbers of entries kept in each {name} of out vary "
                     f"{'less' if few else 'more'} than independent draws would (their dispersion "
                     f"is {stat:.3g}; a correct answer lies in [{lo:.3g}, {hi:.3g}] with "
                     f"probability above {1 - FALSE_FAILURE:g}): each entry must be kept on its own "
                     f"with probability {1 - p:.2f}.",
                     V.hint("dropout_exact_count_per_row") if few else
                     V.hint("dropout_one_mask_per_example") if name == "row" else None)


REPEATS = 20


@graded("dropout_forward")
def test_dropout_forward_counts_vary_between_calls(student):
    # Over REPEATS calls with different seeds, the total kept is an independent Binomial(n, 1 - p)
    # draw each time: an exact count, or one mask whatever the generator, varies too little.
    x = _nonzero(_inputs(13), (20, 25))
    p = 0.4
    outs = [_forward(student, x, p, SEED_OFFSET + 200 + k)[0] for k in range(REPEATS)]
    counts = [int(np.sum(o != 0)) for o in outs]
    # two correct masks of these 500 entries agree everywhere with probability 0.52 ** 500 < 1e-140
    if all(np.array_equal(o != 0, outs[0] != 0) for o in outs):
        fail(f"All {REPEATS} calls of dropout_forward(x of shape {x.shape}, p={p}) with generators "
             f"made from different seeds dropped exactly the same entries.", V.hint("dropout_fixed_seed"))
    stat, lo, hi = dispersion_bounds(counts, x.size, 1 - p, FALSE_FAILURE)
    if not lo <= stat <= hi:
        fail(f"Over {REPEATS} calls of dropout_forward(x of shape {x.shape}, p={p}) with generators "
             f"made from different seeds, the numbers of entries kept were {counts}: they vary "
             f"{'less' if stat < lo else 'more'} than independent draws would (dispersion "
             f"{stat:.3g}, outside [{lo:.3g}, {hi:.3g}], where a correct answer lies with "
             f"probability above {1 - FALSE_FAILURE:g}).",
             V.hint("dropout_exact_count") if stat < lo else None)


@graded("dropout_forward")
def test_dropout_forward_eval_is_identity(student):
    x = _nonzero(_inputs(11), (30, 20))
    p = 0.4
    for seed in (SEED_OFFSET + 20, SEED_OFFSET + 21):
        out, _ = _forward(student, x, p, seed, train=False)
        if not _close(out, x):
            hint = (V.hint("dropout_eval_scaled") if _close(out, x * (1 - p)) else
                    V.hint("dropout_in_eval") if (out == 0).any() else None)
            expect_close(out, x, f"With train=False (evaluation mode) and p={p}, out", hint=hint)


@graded("dropout_forward")
def test_dropout_forward_any_shape(student):
    # the docstring promises an x of any shape: a 3-D batch (N, T, D), and a single 1-D vector
    p = 0.3
    for k, shape in enumerate([(40, 6, 5), (300,)]):
        x = _nonzero(_inputs(14 + k), shape)
        try:
            out, _ = _forward(student, x, p, SEED_OFFSET + 70 + k)
        except ContractError:
            raise
        except StudentError as exc:
            written = "not written yet" not in exc.message
            fail(f"dropout_forward(x of shape {shape}, p={p}) failed: {exc.message}",
                 V.hint("dropout_unpacks_2d") if written else None)
        kept = out != 0
        expect_close(out, np.where(kept, x / (1 - p), 0.0),
                     f"With x of shape {shape} and p={p} in training mode, each entry of out should "
                     f"be 0 (dropped) or x / (1 - p) (kept); out")
        lo, hi = binomial_bounds(x.size, 1 - p, FALSE_FAILURE)
        if not lo <= kept.sum() <= hi:
            fail(f"With x of shape {shape} and p={p} in training mode, {int(kept.sum())} of {x.size} "
                 f"entries were kept; each should be kept with probability {1 - p:.2f}, whatever "
                 f"the shape of x. A correct answer is this far off with probability below "
                 f"{FALSE_FAILURE:g}.")


@graded("dropout_forward")
def test_dropout_forward_p_zero(student):
    x = _nonzero(_inputs(12), (10, 8))
    out, _ = _forward(student, x, 0.0, SEED_OFFSET + 30)
    expect_close(out, x, "With p=0 in training mode nothing is dropped, so out should equal x; out")


def _backward_caches(student, x, p, seed, train=True):
    """[(cache, kept mask or None, where it came from)] to run dropout_backward with: the student's
    own forward's cache when that forward works (its out is 0 or x / (1 - p), entry by entry), then
    always the reference forward's cache, whose layout (mask, p, train) the docstring documents. A
    wrong or failing dropout_forward therefore never costs dropout_backward its points."""
    mask, _, _ = ref.dropout_forward(x, p, np.random.default_rng(seed), train=train)[1]
    reference = ((mask, p, train), mask, "a cache (mask, p, train) as documented")
    try:
        out, cache = _forward(student, x, p, seed, train=train, keep_cache=True)
    except (GradingFailure, StudentError):
        return [reference]
    kept = out != 0 if train else None
    expected = np.where(kept, x / (1 - p), 0.0) if train else x
    if mismatch(np.asarray(out, dtype=np.float64), expected, rtol=1e-7) is not None:
        return [reference]
    return [(cache, kept, "the cache of your dropout_forward"), reference]


def _expect_backward(student, x, dout, p, seed, train=True):
    """dx must be dout / (1 - p) where the unit was kept and 0 elsewhere (dout in evaluation mode),
    with the student's own cache or, failing that, with the documented one."""
    setting = f"With p={p} in training mode" if train else "In evaluation mode (train=False)"
    attempts = _backward_caches(student, x, p, seed, train)
    for k, (cache, kept, source) in enumerate(attempts):
        last = k == len(attempts) - 1
        try:
            dx = student.call("dropout_backward", dout, cache)
        except StudentError:
            if last:
                raise
            continue
        expected = dout * kept / (1 - p) if train else dout
        if mismatch(dx, expected, path="dx") is None:
            return
        if last:
            plain = (kept, p, train)
            hint = diagnose(dx, V.mutants_of("dropout_backward"), (dout, plain), {})
            if hint is None and train and isinstance(dx, np.ndarray) and dx.shape == x.shape \
                    and ((dx != 0) != kept).any():
                hint = V.hint("backward_new_mask")
            expect_close(dx, expected, f"{setting}, dropout_backward(dout, cache) with {source} "
                                       f"gave a wrong dx (it should be dout / (1 - p) where the unit "
                                       f"was kept and 0 where it was dropped; dout in evaluation "
                                       f"mode): dx", hint=hint)


@graded("dropout_backward")
def test_dropout_backward_training(student):
    x = _nonzero(_inputs(20), (60, 40))
    dout = _nonzero(_inputs(21), x.shape)
    for k, p in enumerate([0.3, 0.75]):
        _expect_backward(student, x, dout, p, SEED_OFFSET + 40 + k)


@graded("dropout_backward")
def test_dropout_backward_eval(student):
    x = _nonzero(_inputs(22), (12, 9))
    dout = _nonzero(_inputs(23), x.shape)
    _expect_backward(student, x, dout, 0.5, SEED_OFFSET + 50, train=False)


# ------------------------------------------------------------------------------ MC dropout

def _mc_net(seed=30):
    g = _inputs(seed)
    N, D, H, C = 6, 4, 16, 3
    X = g.normal(size=(N, D))
    params = {"W1": g.normal(size=(D, H)), "b1": 0.1 * g.normal(size=H),
              "W2": 0.7 * g.normal(size=(H, C)), "b2": 0.1 * g.normal(size=C)}
    return X, params


def _mc_call(student, X, params, p, T, seed):
    result = student.call("mc_dropout_predict", X, params, p, T, Seed(seed))
    shape = (X.shape[0], params["W2"].shape[1])
    if not isinstance(result, (tuple, list)) or len(result) != 2 or not all(
            isinstance(a, np.ndarray) and a.shape == shape for a in result):
        fail(f"mc_dropout_predict(X of shape {X.shape}, params with C={shape[1]} classes, p={p}, "
             f"T={T}) should return a tuple (mean, std) of two arrays of shape {shape}.")
    return result


@graded("mc_dropout_predict")
def test_mc_dropout_p_zero(student):
    # with p = 0 nothing is dropped: every pass is the deterministic net
    X, params = _mc_net()
    mean, std = _mc_call(student, X, params, 0.0, 5, SEED_OFFSET + 60)
    probs = ref.mc_dropout_predict(X, params, 0.0, 1, np.random.default_rng(0))[0]
    expect_close(mean, probs, "With p=0 (no unit dropped) and T=5, mean should be the softmax "
                              "probabilities of the network without dropout; mean")
    # sqrt of a variance computed as E[x^2] - E[x]^2 may leave ~1e-9 of rounding: still no spread
    expect_close(std, np.zeros_like(std), "With p=0 all T=5 passes are identical, so std should be "
                                          "0; std", atol=1e-7)


@graded("mc_dropout_predict")
def test_mc_dropout_single_pass(student):
    X, params = _mc_net()
    mean, std = _mc_call(student, X, params, 0.5, 1, SEED_OFFSET + 61)
    hint = V.hint("mc_std_ddof1") if np.isnan(std).all() else None
    expect_close(std, np.zeros_like(std), "With T=1 there is one pass, so its spread std (the "
                                          "population std over the passes) should be 0; std",
                 hint=hint, atol=1e-7)
    if not (np.all(mean >= 0) and np.allclose(mean.sum(axis=1), 1.0, rtol=0, atol=1e-9)):
        fail("With T=1, mean should be the softmax probabilities of that pass: every row should be "
             "non-negative and sum to 1, but it is not.")


MC_P, MC_T, MC_T_REF = 0.5, 4000, 50_000
MC_FALSE_FAILURE = 1e-6  # for the mean and the std check together, Bonferroni over their entries


@functools.lru_cache(maxsize=4)
def _mc_expected(offset):
    """What a correct (mean, std) from MC_T passes looks like, by the CLT, estimated from MC_T_REF
    independent single passes of the reference.

    Returns (mean, half-width of the mean, E[std^2], half-width of std^2). The student's estimate
    and the reference's both vary, so their variances add. Bonferroni: each of the 2 * N * C
    entries gets MC_FALSE_FAILURE / (2 N C); z is widened by 1.25 to cover the normal
    approximation's error in the tails (the probabilities are skewed near 0 and 1).
    """
    X, params = _mc_net()
    rng = np.random.default_rng(7_000_000 + offset)
    # one call with T=1 on X stacked K times gives K passes at once: every row draws its own mask
    chunk = 25_000
    passes = np.concatenate([
        ref.mc_dropout_predict(np.tile(X, (chunk, 1)), params, MC_P, 1, rng)[0]
        .reshape(chunk, len(X), -1) for _ in range(MC_T_REF // chunk)])
    mu = passes.mean(axis=0)
    centred = passes - mu
    var = np.mean(centred ** 2, axis=0)
    m4 = np.mean(centred ** 4, axis=0)
    z = 1.25 * NormalDist().inv_cdf(1 - MC_FALSE_FAILURE / (2 * 2 * mu.size))
    both = 1 / MC_T + 1 / MC_T_REF
    mean_halfwidth = z * np.sqrt(var * both) + 1e-12
    # the population variance of T draws has expectation var * (T-1)/T and variance (m4 - var^2)/T
    var_halfwidth = z * np.sqrt((m4 - var ** 2) * both) + 1e-12
    return mu, mean_halfwidth, var * (MC_T - 1) / MC_T, var_halfwidth


@graded("mc_dropout_predict")
def test_mc_dropout_statistics(student):
    X, params = _mc_net()
    mean, std = _mc_call(student, X, params, MC_P, MC_T, SEED_OFFSET + 62)
    setting = f"With p={MC_P} and T={MC_T} passes"
    if not (np.all(np.isfinite(mean)) and np.all(np.isfinite(std))):
        fail(f"{setting}, mean or std contains NaN or inf.")
    mu, mean_hw, var, var_hw = _mc_expected(SEED_OFFSET)

    # the spread must be positive: dropout is on, so the passes differ (every entry's true std is
    # above 0.14 for this net)
    if np.all(std < 1e-6):
        deterministic = ref.mc_dropout_predict(X, params, 0.0, 1, np.random.default_rng(0))[0]
        fail(f"{setting}, std is 0 for every entry: all passes gave the same probabilities, though "
             f"dropout should make them differ.",
             V.hint("mc_no_dropout") if _close(mean, deterministic) else V.hint("mc_same_mask"))

    def first_outlier(got, centre, halfwidth):
        bad = np.abs(got - centre) > halfwidth
        return None if not bad.any() else tuple(int(i) for i in np.argwhere(bad)[0])

    def distance(centre_mean, centre_var):
        """How far (mean, std) is from a centre, in units of the bounds (<= 1: within them)."""
        return max(np.max(np.abs(mean - centre_mean) / mean_hw),
                   np.max(np.abs(std ** 2 - centre_var) / var_hw))

    def diagnose():
        # The hint of the known mutant whose own large-T estimate the answer is nearest to, if it is
        # nearer to it than to the correct one. Mutants that this test cannot tell from a correct
        # answer are left out. Loose on purpose: this only picks a hint, it never decides a grade.
        to_correct, best = distance(mu, var), (3.0, None)
        for m in V.mutants_of("mc_dropout_predict"):
            m_mean, m_std = m.fn(X, params, MC_P, 10_000, np.random.default_rng(11))
            if (np.all(np.abs(m_mean - mu) <= mean_hw)
                    and np.all(np.abs(m_std ** 2 - var) <= var_hw)):
                continue
            d = distance(m_mean, m_std ** 2)
            if d < min(best[0], to_correct):
                best = (d, m.hint)
        return best[1]

    at = first_outlier(mean, mu, mean_hw)
    if at is not None:
        fail(f"{setting}, mean[{at[0]}, {at[1]}] = {mean[at]:.4f} is too far from the predictive "
             f"mean: with {MC_T} passes it should lie within {mean_hw[at]:.4f} of it, but is off "
             f"by {abs(mean[at] - mu[at]):.4f}. (A correct answer is this far off with "
             f"probability below {MC_FALSE_FAILURE:g}.)", diagnose())
    at = first_outlier(std ** 2, var, var_hw)
    if at is not None:
        fail(f"{setting}, std[{at[0]}, {at[1]}] = {std[at]:.4f} is not the spread of the "
             f"probabilities over the passes: it is off by {abs(std[at] - np.sqrt(var[at])):.4f}, "
             f"which a correct answer is with probability below {MC_FALSE_FAILURE:g}.", diagnose())


# ------------------------------------------------------------------------------ max-norm

def _max_norm_case(seed, shape, c, at_c=()):
    """W whose columns have norms on both sides of c, one column exactly 0, and the columns `at_c`
    of norm exactly c (entries +-c/2 in 4 rows, or c in one row: their squares add up exactly)."""
    g = _inputs(seed)
    W = g.normal(size=shape)
    W /= np.linalg.norm(W, axis=0)
    W *= c * g.choice([0.3, 0.9, 1.5, 4.0], size=shape[1])
    W[:, shape[1] // 2] = 0.0
    for k, j in enumerate(at_c):
        W[:, j] = 0.0
        if k % 2:
            W[1, j] = -c
        else:
            W[:4, j] = c / 2 * g.choice([-1.0, 1.0], size=4)
    return W


# (seed, shape, c, columns of norm exactly c); with c = 0.5 a scale of c / (c + 1e-7) on a column
# of norm c is off by 2e-7, which the general diagnosis (tolerance 1e-7) can still see
MAX_NORM_CASES = [(40, (5, 4), 1.0, ()), (41, (3, 7), 0.5, ()), (42, (8, 2), 3.0, ()),
                  (43, (4, 4), 2.0, ()), (44, (6, 5), 0.5, (0, 3))]


@graded("max_norm")
def test_max_norm(student):
    for seed, shape, c, at_c in MAX_NORM_CASES:
        W = _max_norm_case(seed, shape, c, at_c)
        norms = np.sqrt(np.sum(W * W, axis=0))
        expect_reference(student, "max_norm", ref.max_norm, W, c, mutants=V.mutants_of("max_norm"),
                         special={"in the columns whose norm is exactly c":
                                  np.broadcast_to(norms == c, W.shape)},
                         what=f"max_norm(W of shape {shape}, c={c}) (column norms "
                              f"{np.round(norms, 3).tolist()}"
                              + (f"; columns {list(at_c)} of norm exactly c" if at_c else "") + ")")


# ------------------------------------------------------------------------------ gradient clipping

def _grads(seed, shapes, scale):
    g = _inputs(seed)
    return [scale * g.normal(size=s) for s in shapes]


@graded("clip_grad_value")
def test_clip_grad_value(student):
    # entries beyond both ends, and one case entirely within the limit
    for seed, shapes, scale, v in [(50, [(4, 3)], 2.0, 1.0), (51, [(6, 5), (5,), (2, 2)], 1.0, 0.5),
                                   (52, [(3, 3), (7,)], 0.1, 5.0)]:
        grads = _grads(seed, shapes, scale)
        expect_reference(student, "clip_grad_value", ref.clip_grad_value, grads, v,
                         mutants=V.mutants_of("clip_grad_value"),
                         what=f"clip_grad_value(grads of shapes {_shapes(grads)} with entries "
                              f"between {min(g.min() for g in grads):.3g} and "
                              f"{max(g.max() for g in grads):.3g}, clip_value={v})")


def _expect_clip_norm(student, grads, max_norm):
    total = float(np.sqrt(sum(np.sum(g ** 2) for g in grads)))
    expect_reference(student, "clip_grad_norm", ref.clip_grad_norm, grads, max_norm,
                     mutants=V.mutants_of("clip_grad_norm"),
                     what=f"(clipped, total_norm) = clip_grad_norm(grads of shapes "
                          f"{_shapes(grads)} with total norm {total:.4g}, max_norm={max_norm})")


@graded("clip_grad_norm")
def test_clip_grad_norm_clips(student):
    # total norm above max_norm: every array shrinks by the same factor
    for seed, shapes, scale, max_norm in [(60, [(5, 4), (4,), (4, 3), (3,)], 1.0, 1.0),
                                          (61, [(10,)], 3.0, 2.0),
                                          (62, [(3, 3), (6, 2)], 0.7, 0.5)]:
        _expect_clip_norm(student, _grads(seed, shapes, scale), max_norm)


@graded("clip_grad_norm")
def test_clip_grad_norm_small_gradients(student):
    # total norm below max_norm (nothing to clip), and all-zero gradients (total norm 0)
    _expect_clip_norm(student, _grads(63, [(4, 3), (3,)], 0.1), 5.0)
    _expect_clip_norm(student, [np.zeros((3, 2)), np.zeros(2)], 1.0)


@graded("clip_grad_norm")
def test_clip_grad_norm_at_max_norm(student):
    # total norm exactly max_norm: sqrt(3^2 + 4^2 + 12^2) = 13 with no rounding. The documented scale
    # min(max_norm / (total_norm + 1e-6), 1) is then just under 1, and is applied (as PyTorch does).
    # One array, so that clipping each array by its own norm is right here and tells nothing.
    _expect_clip_norm(student, [np.array([[3.0, 0.0], [-4.0, 12.0]])], 13.0)


# ------------------------------------------------------------------------------ early stopping

def _epoch_params(epoch):
    """The weights passed at epoch k: every entry of W is k and of b is -k (easy to read back)."""
    return {"W": np.full((2, 3), float(epoch)), "b": np.full(3, -float(epoch))}


def _new_stopper(student, **kwargs):
    stopper = student.EarlyStopping(**kwargs)
    if not isinstance(stopper, Handle):
        fail(f"EarlyStopping({', '.join(f'{k}={v}' for k, v in kwargs.items())}) should create an "
             f"EarlyStopping object, but gave {type(stopper).__name__}.")
    return stopper


STATE = ("best_loss", "best_epoch", "epoch", "best_params")


def _student_trace(student, patience, losses):
    stopper = _new_stopper(student, **({} if patience is None else {"patience": patience}))
    trace = []
    for epoch, loss in enumerate(losses):
        stop = student.method(stopper, "step", loss, _epoch_params(epoch))
        state = {a: student.attr(stopper, a) for a in STATE}
        trace.append({"the value step returned": stop, **state})
    return trace


def _local_trace(cls, patience, losses):
    """The same trace for a class run here (the reference or a known mutant)."""
    stopper = cls() if patience is None else cls(patience=patience)
    trace = []
    for epoch, loss in enumerate(losses):
        stop = stopper.step(loss, _epoch_params(epoch))
        trace.append({"the value step returned": stop, **{a: getattr(stopper, a) for a in STATE}})
    return trace


def _expect_trace(student, patience, losses):
    got = _student_trace(student, patience, losses)
    expected = _local_trace(ref.EarlyStopping, patience, losses)
    for epoch, (g, e) in enumerate(zip(got, expected)):
        for key in e:
            why = mismatch(g[key], e[key], path=key)
            if why:
                hint = next((m.hint for m in V.mutants_of("EarlyStopping")
                             if mismatch(got, _local_trace(m.fn, patience, losses)) is None), None)
                if patience is not None and mismatch(
                        got, _local_trace(ref.EarlyStopping, None, losses)) is None:
                    hint = (f"{MISTAKES['default-only']} every step behaves as with the default "
                            f"patience=5, though patience={patience} was passed. Use the argument.")
                setting = "the default patience" if patience is None else f"patience={patience}"
                fail(f"With {setting}, after step was called with the validation losses "
                     f"{losses[:epoch + 1]} (epochs 0 to {epoch}; the weights passed at epoch k "
                     f"are W filled with k and b filled with -k): {why}.", hint)


@graded("EarlyStopping")
def test_early_stopping_start_and_default(student):
    stopper = _new_stopper(student)
    for name, expected in [("best_loss", float("inf")), ("best_epoch", None), ("best_params", None),
                           ("epoch", 0)]:
        got = student.attr(stopper, name)
        hint = next((m.hint for m in V.mutants_of("EarlyStopping")
                     if mismatch(got, getattr(m.fn(), name)) is None), None)
        expect_close(got, expected, f"A new EarlyStopping(), before any step, should have "
                                    f"{name} = {expected}; {name}", hint=hint)
    # default patience 5: the 5th epoch in a row without improvement (epoch 5) stops
    _expect_trace(student, None, [1.0, 1.5, 1.4, 1.3, 1.2, 1.1])


@graded("EarlyStopping")
def test_early_stopping_sequence(student):
    # improvements, ties (not improvements), a reset of the count, and the stop at epoch 7
    _expect_trace(student, 3, [1.0, 0.9, 0.9, 0.95, 0.8, 0.85, 0.8, 0.9])


@graded("EarlyStopping")
def test_early_stopping_patience_one(student):
    _expect_trace(student, 1, [2.0, 1.0, 1.0])


@graded("EarlyStopping")
def test_early_stopping_copies_best_params(student):
    # A training loop updates its weight arrays in place (W -= lr * dW). Through the wire every call
    # gets fresh arrays, so to imitate that the test leaves its own dict of weights in the sandbox
    # (student.keep), passes it to step, then changes its W in place there (student.assign).
    W0, W1 = np.arange(6.0).reshape(2, 3), -np.arange(6.0).reshape(2, 3)
    stopper = _new_stopper(student, patience=3)
    for epoch, (loss, W) in enumerate([(1.0, W0), (0.5, W1)]):    # both epochs improve
        params = student.keep({"W": W.copy(), "b": np.full(3, float(epoch))})
        student.method(stopper, "step", loss, params)
        student.assign(params, ["W"], np.full((2, 3), 99.0))       # the loop updates W in place
        best = student.attr(stopper, "best_params")
        if isinstance(best, dict) and _close(best.get("W"), np.full((2, 3), 99.0)):
            fail(f"After epoch {epoch}, the best so far, the training loop changed its weight array W "
                 f"in place, and best_params['W'] changed with it.", V.hint("early_stopping_no_copy"))
        expect_close(best, {"W": W, "b": np.full(3, float(epoch))},
                     f"best_params after epoch {epoch} (the best so far, with W = {W.tolist()} and b "
                     f"filled with {epoch}), once the training loop had changed W in place,")
