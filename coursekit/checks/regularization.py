"""Visible checks for the regularization assignment.

Each `check_<item>(fn)` tries your function on small inputs whose answers were worked out by hand
(the arithmetic is in the comments below), plus a few properties that any correct answer has.
Random functions (dropout, MC dropout) are checked through properties with generous bounds: a
correct answer fails them with a probability far below one in a billion.

These checks help you find mistakes; your grade comes from separate hidden tests.
"""
import math

import numpy as np

from coursekit.checks._report import Checker, show

__all__ = [
    "check_l2_penalty", "check_l1_penalty", "check_elastic_net_penalty", "check_dropout_forward",
    "check_dropout_backward", "check_mc_dropout_predict", "check_max_norm", "check_clip_grad_value",
    "check_clip_grad_norm", "check_EarlyStopping",
]

# Two small weight matrices used by the penalty checks.
#   W1 = [[1, -2],      sum(W1**2) = 1 + 4 + 9 + 0 = 14      sum(|W1|) = 1 + 2 + 3 + 0 = 6
#         [3,  0]]
#   W2 = [[ 0.5],       sum(W2**2) = 0.25 + 1 = 1.25         sum(|W2|) = 0.5 + 1 = 1.5
#         [-1.0]]
_W1 = np.array([[1.0, -2.0], [3.0, 0.0]])
_W2 = np.array([[0.5], [-1.0]])
_GIVEN_W = "weights = [W1, W2] with W1 = [[1, -2], [3, 0]] and W2 = [[0.5], [-1]]"


def _penalty_result(c, out, fname, n, given):
    """Unpack (penalty, grads) and check their types and shapes."""
    penalty, grads = c.expect_tuple(out, 2, f"the result of {fname}")
    penalty = c.expect_number(penalty, "the penalty (first item of the result)", given)
    c.expect(isinstance(grads, (list, tuple)) and len(grads) == n,
             f"the gradients (second item of the result) should be a list of {n} arrays, one per "
             f"weight matrix, for {given}; got {show(grads)}.")
    return penalty, grads


def check_l2_penalty(l2_penalty):
    """Check l2_penalty(weights, lam) -> (penalty, grads)."""
    with Checker("check_l2_penalty") as c:
        # lam = 0.5: penalty = 0.5 / 2 * (14 + 1.25) = 0.25 * 15.25 = 3.8125
        #            grads = [0.5 * W1, 0.5 * W2] = [[[0.5, -1], [1.5, 0]], [[0.25], [-0.5]]]
        given = _GIVEN_W + " and lam = 0.5"
        out = c.call_pure(l2_penalty, [_W1, _W2], 0.5)
        penalty, grads = _penalty_result(c, out, "l2_penalty", 2, given)
        c.expect_close(penalty, 3.8125, "the penalty", given,
                       hint="The L2 penalty is lam / 2 times the sum of the squares of all entries "
                            "of all the weight matrices." if math.isclose(penalty, 7.625) else None)
        c.expect_close(grads[0], [[0.5, -1.0], [1.5, 0.0]], "the gradient for W1", given,
                       hint="d/dW (lam / 2 * W**2) = lam * W.")
        c.expect_close(grads[1], [[0.25], [-0.5]], "the gradient for W2", given)
        # lam = 0: no penalty at all.
        penalty0, _ = _penalty_result(c, c.call(l2_penalty, [_W1, _W2], 0.0), "l2_penalty", 2,
                                      _GIVEN_W + " and lam = 0")
        c.expect_close(penalty0, 0.0, "the penalty", _GIVEN_W + " and lam = 0")


def check_l1_penalty(l1_penalty):
    """Check l1_penalty(weights, lam) -> (penalty, grads)."""
    with Checker("check_l1_penalty") as c:
        # lam = 0.1: penalty = 0.1 * (6 + 1.5) = 0.75
        #            grads = 0.1 * sign(W): [[0.1, -0.1], [0.1, 0]] (sign(0) = 0) and [[0.1], [-0.1]]
        given = _GIVEN_W + " and lam = 0.1"
        out = c.call_pure(l1_penalty, [_W1, _W2], 0.1)
        penalty, grads = _penalty_result(c, out, "l1_penalty", 2, given)
        c.expect_close(penalty, 0.75, "the penalty", given)
        c.expect_close(grads[0], [[0.1, -0.1], [0.1, 0.0]], "the gradient for W1", given,
                       hint="The gradient is lam * sign(W), and sign(0) = 0: the entry W1[1, 1] = 0 "
                            "gets gradient 0." if np.asarray(grads[0]).shape == (2, 2) and
                       not np.isclose(np.asarray(grads[0], dtype=float)[1, 1], 0.0) else None)
        c.expect_close(grads[1], [[0.1], [-0.1]], "the gradient for W2", given)


def check_elastic_net_penalty(elastic_net_penalty):
    """Check elastic_net_penalty(weights, l1, l2) -> (penalty, grads)."""
    with Checker("check_elastic_net_penalty") as c:
        # l1 = 0.1, l2 = 0.5: penalty = 0.1 * 7.5 + 0.5 / 2 * 15.25 = 0.75 + 3.8125 = 4.5625
        # grads[0] = 0.1 * sign(W1) + 0.5 * W1 = [[0.1 + 0.5, -0.1 - 1], [0.1 + 1.5, 0 + 0]]
        #          = [[0.6, -1.1], [1.6, 0]]
        # grads[1] = [[0.1 + 0.25], [-0.1 - 0.5]] = [[0.35], [-0.6]]
        given = _GIVEN_W + ", l1 = 0.1 and l2 = 0.5"
        out = c.call_pure(elastic_net_penalty, [_W1, _W2], 0.1, 0.5)
        penalty, grads = _penalty_result(c, out, "elastic_net_penalty", 2, given)
        c.expect_close(penalty, 4.5625, "the penalty", given)
        c.expect_close(grads[0], [[0.6, -1.1], [1.6, 0.0]], "the gradient for W1", given)
        c.expect_close(grads[1], [[0.35], [-0.6]], "the gradient for W2", given)
        # With l1 = 0 it is the L2 penalty alone: 0.5 / 2 * 15.25 = 3.8125 ...
        given = _GIVEN_W + ", l1 = 0 and l2 = 0.5"
        penalty, _ = _penalty_result(c, c.call(elastic_net_penalty, [_W1, _W2], 0.0, 0.5),
                                     "elastic_net_penalty", 2, given)
        c.expect_close(penalty, 3.8125, "the penalty", given)
        # ... and with l2 = 0 the L1 penalty alone: 0.1 * 7.5 = 0.75.
        given = _GIVEN_W + ", l1 = 0.1 and l2 = 0"
        penalty, _ = _penalty_result(c, c.call(elastic_net_penalty, [_W1, _W2], 0.1, 0.0),
                                     "elastic_net_penalty", 2, given)
        c.expect_close(penalty, 0.75, "the penalty", given)


def _dropout_x(n=200, d=50):
    # Entries 1, 2, ..., 7 repeating: no zeros, so a zero in the output always means "dropped".
    return 1.0 + (np.arange(n * d) % 7).reshape(n, d).astype(np.float64)


def check_dropout_forward(dropout_forward):
    """Check dropout_forward(x, p, rng, train=True) -> (out, cache)."""
    with Checker("check_dropout_forward") as c:
        x = _dropout_x()
        p = 0.3
        given = f"x of shape {x.shape} (entries 1 to 7, no zeros), p = {p}, train=True"
        out, cache = c.expect_tuple(c.call_pure(dropout_forward, x, p, np.random.default_rng(0), train=True),
                                    2, "the result of dropout_forward")
        out = c.expect_array(out, "out", shape=x.shape, given=given)

        # Every entry is either dropped (0) or kept and scaled to x / (1 - p).
        kept = out != 0
        c.expect_close(out[kept], x[kept] / (1 - p), "out (its kept, nonzero entries)", given,
                       hint=("The kept entries equal x: inverted dropout divides them by (1 - p) at "
                             "training time, so that the expected output equals x."
                             if np.allclose(out[kept], x[kept]) else None))

        # The fraction kept is about 1 - p = 0.7. With 10000 entries a correct answer lands within
        # +-0.03 of 0.7 (more than 6 standard deviations) except with probability below 1e-9.
        frac = kept.mean()
        hint = (" It looks like you keep units with probability p: p is the probability of DROPPING "
                "a unit (PyTorch's convention), so a unit is kept with probability 1 - p."
                if abs(frac - p) < 0.03 else "")
        c.expect(abs(frac - (1 - p)) < 0.03,
                 f"with p = {p}, about {1 - p:.0%} of the entries should be kept (nonzero), but "
                 f"{frac:.1%} of them were, for {given}.{hint}")

        # rng is the only source of randomness: the same seed gives the same output, and two
        # calls with one generator give different masks.
        out_again, _ = c.call(dropout_forward, x, p, np.random.default_rng(0), train=True)
        c.expect(isinstance(out_again, np.ndarray) and np.array_equal(out_again, out),
                 "two calls with generators made from the same seed gave different outputs: draw "
                 "your random numbers from `rng` only (not from np.random.*).")
        rng = np.random.default_rng(1)
        first, _ = c.call(dropout_forward, x, p, rng, train=True)
        second, _ = c.call(dropout_forward, x, p, rng, train=True)
        c.expect(not np.array_equal(first != 0, second != 0),
                 "two calls with the same generator dropped exactly the same units: each call "
                 "should draw a fresh mask from rng.")

        # p = 0 drops nothing: out equals x.
        out0, _ = c.expect_tuple(c.call(dropout_forward, x, 0.0, np.random.default_rng(2), train=True),
                                 2, "the result of dropout_forward")
        c.expect_close(out0, x, "out", f"x of shape {x.shape}, p = 0, train=True")

        # Evaluation mode is the identity.
        small = np.array([[1.0, -2.0, 3.0], [0.5, 0.0, -4.0]])
        out_eval, _ = c.expect_tuple(c.call(dropout_forward, small, 0.5, np.random.default_rng(3), train=False),
                                     2, "the result of dropout_forward")
        c.expect_close(out_eval, small, "out in evaluation mode",
                       f"x = {show(small)}, p = 0.5, train=False",
                       hint="At test time dropout does nothing: out = x (no mask, no scaling).")

        # x may have any shape, e.g. (N, T, D): out has the shape of x, entry by entry 0 or x / (1 - p).
        x3 = _dropout_x(40, 30).reshape(40, 6, 5)
        given = f"x of shape {x3.shape} (entries 1 to 7, no zeros), p = {p}, train=True"
        out3, _ = c.expect_tuple(c.call(dropout_forward, x3, p, np.random.default_rng(4), train=True),
                                 2, "the result of dropout_forward")
        out3 = c.expect_array(out3, "out", shape=x3.shape, given=given)
        kept = out3 != 0
        c.expect_close(out3[kept], x3[kept] / (1 - p), "out (its kept, nonzero entries)", given)


def check_dropout_backward(dropout_backward):
    """Check dropout_backward(dout, cache) -> dx, with caches written by hand."""
    with Checker("check_dropout_backward") as c:
        # A training-mode cache (mask, p, train) as dropout_forward returns it.
        # p = 0.25, so kept units are scaled by 1 / 0.75 = 4 / 3:
        #   dout = [[1, 2, 3],      mask = [[T, F, T],      dx = [[4/3, 0, 4],
        #           [4, 5, 6]]              [F, T, T]]            [0, 20/3, 8]]
        dout = np.array([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])
        mask = np.array([[True, False, True], [False, True, True]])
        given = "dout = [[1, 2, 3], [4, 5, 6]] and cache = (mask, 0.25, True) with mask = [[T, F, T], [F, T, T]]"
        dx = c.call_pure(dropout_backward, dout, (mask, 0.25, True))
        dx = c.expect_array(dx, "dx", shape=dout.shape, given=given)
        hint = None
        if np.allclose(dx, dout * mask):
            hint = ("dx equals dout * mask: the forward pass scaled the kept units by 1 / (1 - p), so "
                    "the gradient gets the same scale.")
        elif np.any(dx[~mask] != 0):
            hint = "A dropped unit did not affect the output, so its gradient is 0."
        c.expect_close(dx, [[4 / 3, 0.0, 4.0], [0.0, 20 / 3, 8.0]], "dx", given, hint=hint)

        # An evaluation-mode cache: dropout was the identity, so dx = dout.
        given = "dout = [[1, 2, 3], [4, 5, 6]] and the evaluation-mode cache (None, 0.25, False)"
        dx = c.call(dropout_backward, dout, (None, 0.25, False))
        c.expect_close(dx, dout, "dx", given, hint="In evaluation mode dropout is the identity, so dx = dout.")


def _mc_net(b2=(0.0, 0.0, 0.0)):
    # X = [[1, -1]], W1 = identity, b1 = 0  ->  hidden = relu([1, -1]) = [1, 0]
    # W2 = [[log 2, 0, 0], [3, -3, 0]]     ->  scores = [log 2, 0, 0] + b2
    # softmax([log 2, 0, 0]) = [2, 1, 1] / 4 = [0.5, 0.25, 0.25]
    X = np.array([[1.0, -1.0]])
    params = {"W1": np.eye(2), "b1": np.zeros(2),
              "W2": np.array([[math.log(2), 0.0, 0.0], [3.0, -3.0, 0.0]]), "b2": np.array(b2)}
    return X, params


def check_mc_dropout_predict(mc_dropout_predict):
    """Check mc_dropout_predict(X, params, p, T, rng) -> (mean, std)."""
    with Checker("check_mc_dropout_predict") as c:
        # 1. p = 0 (no unit is ever dropped): every pass is the same, std = 0.
        X, params = _mc_net()
        given = ("X = [[1, -1]], W1 = identity, b1 = 0, W2 = [[log 2, 0, 0], [3, -3, 0]], b2 = 0, "
                 "p = 0, T = 5 (so hidden = relu([1, -1]) = [1, 0] and scores = [log 2, 0, 0])")
        out = c.call_pure(mc_dropout_predict, X, params, 0.0, 5, np.random.default_rng(0))
        mean, std = c.expect_tuple(out, 2, "the result of mc_dropout_predict")
        c.expect_array(mean, "mean", shape=(1, 3), given=given)
        c.expect_array(std, "std", shape=(1, 3), given=given)
        c.expect_close(mean, [[0.5, 0.25, 0.25]], "mean", given,
                       hint="Check the ReLU on the hidden layer and the softmax over each row.")
        c.expect_close(std, [[0.0, 0.0, 0.0]], "std", given)

        # 2. The same with every score shifted by 1000: softmax does not change, but exp(1000)
        # overflows unless you subtract each row's max first.
        X, params = _mc_net(b2=(1000.0, 1000.0, 1000.0))
        mean, _ = c.call(mc_dropout_predict, X, params, 0.0, 5, np.random.default_rng(0))
        c.expect_close(mean, [[0.5, 0.25, 0.25]], "mean", given.replace("b2 = 0", "b2 = [1000, 1000, 1000]"),
                       hint="Compute softmax stably: subtract each row's max from the scores before "
                            "exponentiating (softmax does not change, and exp cannot overflow).")

        # 3. Dropout is ON, with a fresh mask per pass, the 1 / (1 - p) scaling, the average of the
        # probabilities and the population std. 400 identical rows, each with ONE hidden unit:
        # X = ones((400, 1)), W1 = [[1]], b1 = 0 -> hidden = 1 in every row.
        # p = 0.25: a kept unit (probability 0.75) becomes 1 / 0.75 = 4/3, a dropped one 0.
        # W2 = [[0.75 * log 3, 0]], b2 = 0:
        #   kept    -> scores [log 3, 0] -> probs [0.75, 0.25]
        #   dropped -> scores [0, 0]     -> probs [0.5, 0.5]
        # With T = 2 passes, each row is in one of three cases:
        #   kept twice    (probability 0.75**2 = 0.5625): mean [0.75, 0.25],   std [0, 0]
        #   kept once     (2 * 0.75 * 0.25 = 0.375):      mean [0.625, 0.375], std [0.125, 0.125]
        #   dropped twice (0.25**2 = 0.0625):             mean [0.5, 0.5],     std [0, 0]
        # (std of two values a and b is |a - b| / 2 with np.std's default ddof=0.)
        # Counts out of 400 rows: about 225, 150 and 25; a correct answer lands within +-60, +-60
        # and +-30 of these (6 standard deviations or more) except with probability below 1e-8.
        n, T = 400, 2
        X = np.ones((n, 1))
        params = {"W1": np.array([[1.0]]), "b1": np.zeros(1),
                  "W2": np.array([[0.75 * math.log(3), 0.0]]), "b2": np.zeros(2)}
        given = (f"{n} identical rows X = [[1]], one hidden unit (equal to 1), W2 = [[0.75 * log 3, 0]], "
                 "b2 = 0, p = 0.25 and T = 2 (a pass gives probs [0.75, 0.25] when the unit is kept "
                 "and scaled to 4/3, [0.5, 0.5] when it is dropped)")
        mean, std = c.call(mc_dropout_predict, X, params, 0.25, T, np.random.default_rng(1))
        c.expect_array(mean, "mean", shape=(n, 2), given=given)
        c.expect_array(std, "std", shape=(n, 2), given=given)
        cases = {"kept twice": ([0.75, 0.25], [0.0, 0.0]), "kept once": ([0.625, 0.375], [0.125, 0.125]),
                 "dropped twice": ([0.5, 0.5], [0.0, 0.0])}
        which = np.full(n, "", dtype=object)
        for name, (m, sd) in cases.items():
            hit = np.all(np.isclose(mean, m, rtol=0, atol=1e-9), axis=1) & np.all(
                np.isclose(std, sd, rtol=0, atol=1e-9), axis=1)
            which[hit] = name
        bad = np.flatnonzero(which == "")
        hint = ""
        if bad.size:
            m0, s0 = mean[bad[0], 0], std[bad[0], 0]
            k = 3 ** 0.75  # without the rescaling, a kept pass gives scores [0.75 log 3, 0]
            if np.isclose(m0, math.sqrt(3) / (math.sqrt(3) + 1)):
                hint = (" This mean is softmax of the AVERAGE of the scores: average the probabilities "
                        "of the T passes instead (softmax of an average is not the average of softmaxes).")
            elif np.isclose(m0, 0.625) and np.isclose(s0, 0.25 / math.sqrt(2)):
                hint = (" std divides by T - 1 (ddof=1); use the population standard deviation over the "
                        "T passes (ddof=0, np.std's default).")
            elif np.any(np.isclose(mean[:, 0], k / (k + 1))):
                hint = " It looks like the kept hidden units are not scaled by 1 / (1 - p)."
            elif np.any(np.isclose(mean[:, 0], 27 / 28)):
                hint = " It looks like units are kept with probability p: p is the probability of DROPPING."
        c.expect(bad.size == 0,
                 f"for {given}, every row should end up in one of three cases: kept in both passes (mean "
                 f"[0.75, 0.25], std [0, 0]), kept in one (mean [0.625, 0.375], std [0.125, 0.125]) or "
                 f"dropped in both (mean [0.5, 0.5], std [0, 0]); but row {bad[0] if bad.size else 0} has "
                 f"mean {show(mean[bad[0] if bad.size else 0])} and std {show(std[bad[0] if bad.size else 0])}."
                 + hint)
        counts = {name: int(np.sum(which == name)) for name in cases}
        ok = abs(counts["kept twice"] - 225) <= 60 and abs(counts["kept once"] - 150) <= 60 and abs(
            counts["dropped twice"] - 25) <= 30
        hint = ""
        if counts["kept once"] == 0:
            hint = (" No row was kept in one pass and dropped in the other: draw a fresh mask in each "
                    "pass, with an independent draw for each entry of the hidden layer.")
        c.expect(ok, f"for {given}, about 225, 150 and 25 of the {n} rows should be kept twice, kept once "
                     f"and dropped twice (each unit is kept with probability 1 - p = 0.75 in each pass); "
                     f"got {counts['kept twice']}, {counts['kept once']} and {counts['dropped twice']}." + hint)

        # 4. Bigger shapes: each row of mean is a probability distribution, std >= 0, and rng is
        # the only source of randomness (same seed, same answer).
        g = np.random.default_rng(123)
        X = g.normal(size=(5, 4))
        params = {"W1": g.normal(size=(4, 6)), "b1": g.normal(size=6),
                  "W2": g.normal(size=(6, 3)), "b2": g.normal(size=3)}
        given = "X of shape (5, 4), W1 (4, 6), W2 (6, 3), p = 0.5, T = 20"
        mean, std = c.call(mc_dropout_predict, X, params, 0.5, 20, np.random.default_rng(7))
        c.expect_array(mean, "mean", shape=(5, 3), given=given)
        c.expect_array(std, "std", shape=(5, 3), given=given)
        c.expect_close(mean.sum(axis=1), np.ones(5), "the sum of each row of mean", given)
        c.expect(np.all(std >= 0) and np.any(std > 0),
                 f"std should be >= 0 everywhere and > 0 somewhere for {given}, but it is {show(std)}.")
        mean2, std2 = c.call(mc_dropout_predict, X, params, 0.5, 20, np.random.default_rng(7))
        c.expect(np.array_equal(mean, mean2) and np.array_equal(std, std2),
                 "two calls with generators made from the same seed gave different results: draw "
                 "your random numbers from `rng` only (not from np.random.*).")


def check_max_norm(max_norm):
    """Check max_norm(W, c) -> W_new."""
    with Checker("check_max_norm") as c:
        # W has shape (fan_in, fan_out) = (2, 3); column j holds the incoming weights of unit j.
        #   W = [[3, 0.1, 0],     column norms: sqrt(9 + 16) = 5, sqrt(0.01 + 0.04) = 0.2236, 0
        #        [4, 0.2, 0]]
        # With c = 1 only column 0 is too long: it is scaled by 1 / (5 + 1e-7) -> about [0.6, 0.8].
        W = np.array([[3.0, 0.1, 0.0], [4.0, 0.2, 0.0]])
        given = "W = [[3, 0.1, 0], [4, 0.2, 0]] and c = 1"
        W_new = c.expect_array(c.call_pure(max_norm, W, 1.0), "W_new", shape=W.shape, given=given)
        s = 1.0 / (5.0 + 1e-7)
        expected = np.array([[3.0 * s, 0.1, 0.0], [4.0 * s, 0.2, 0.0]])
        hint = None
        row_norms = np.linalg.norm(W, axis=1, keepdims=True)
        if np.allclose(W_new, W * np.where(row_norms > 1, 1 / (row_norms + 1e-7), 1.0)):
            hint = ("You limited the norm of each row. W has shape (fan_in, fan_out): the incoming "
                    "weights of one unit are a COLUMN.")
        c.expect_close(W_new, expected, "W_new", given, hint=hint)
        # A large c changes nothing.
        W_new = c.call(max_norm, W, 10.0)
        c.expect_close(W_new, W, "W_new", "W = [[3, 0.1, 0], [4, 0.2, 0]] and c = 10 (all columns "
                       "are shorter than c)", hint="Columns with norm <= c must be left unchanged.")
        # A column whose norm is exactly c is within the limit: column 0 of [[0.5, 3], [0, 4]] has
        # norm 0.5 = c and stays as it is; column 1 (norm 5) is scaled by 0.5 / (5 + 1e-7).
        W = np.array([[0.5, 3.0], [0.0, 4.0]])
        s = 0.5 / (5.0 + 1e-7)
        c.expect_close(c.call(max_norm, W, 0.5), [[0.5, 3.0 * s], [0.0, 4.0 * s]], "W_new",
                       "W = [[0.5, 3], [0, 4]] and c = 0.5 (column 0 has norm exactly c)",
                       hint="Only columns whose norm EXCEEDS c are scaled: a column of norm exactly c "
                            "is left unchanged.")


def check_clip_grad_value(clip_grad_value):
    """Check clip_grad_value(grads, clip_value) -> clipped."""
    with Checker("check_clip_grad_value") as c:
        g1 = np.array([[-3.0, 0.5], [2.0, -0.2]])
        g2 = np.array([10.0, -10.0, 0.9])
        given = "grads = [[[-3, 0.5], [2, -0.2]], [10, -10, 0.9]] and clip_value = 1"
        out = c.call_pure(clip_grad_value, [g1, g2], 1.0)
        c.expect(isinstance(out, (list, tuple)) and len(out) == 2,
                 f"the result should be a list of 2 arrays, one per gradient, for {given}; got {show(out)}.")
        c.expect_close(out[0], [[-1.0, 0.5], [1.0, -0.2]], "the first clipped gradient", given)
        c.expect_close(out[1], [1.0, -1.0, 0.9], "the second clipped gradient", given)


def check_clip_grad_norm(clip_grad_norm):
    """Check clip_grad_norm(grads, max_norm) -> (clipped, total_norm)."""
    with Checker("check_clip_grad_norm") as c:
        # g1 = [[1, 2], [2, 0]] has norm 3 and g2 = [0, 4] norm 4: the total norm is
        # sqrt(9 + 16) = 5. With max_norm = 2.5, scale = 2.5 / (5 + 1e-6) (about 0.5) for BOTH:
        # g1 -> about [[0.5, 1], [1, 0]] and g2 -> about [0, 2].
        g1 = np.array([[1.0, 2.0], [2.0, 0.0]])
        g2 = np.array([0.0, 4.0])
        given = "grads = [g1, g2] with g1 = [[1, 2], [2, 0]], g2 = [0, 4] and max_norm = 2.5"
        out = c.call_pure(clip_grad_norm, [g1, g2], 2.5)
        clipped, total = c.expect_tuple(out, 2, "the result of clip_grad_norm")
        c.expect(isinstance(clipped, (list, tuple)) and len(clipped) == 2,
                 f"the clipped gradients (first item of the result) should be a list of 2 arrays for "
                 f"{given}; got {show(clipped)}.")
        total = c.expect_number(total, "total_norm (second item of the result)", given)
        c.expect_close(total, 5.0, "total_norm", given,
                       hint=("total_norm should be the norm BEFORE clipping." if math.isclose(total, 2.5, rel_tol=1e-4)
                             else "total_norm is the norm of all gradients together: sqrt of the sum "
                                  "of the squares of every entry of every array."))
        s = 2.5 / (5.0 + 1e-6)
        hint = None
        if isinstance(clipped[0], np.ndarray) and np.allclose(clipped[0], g1 * 2.5 / 3, rtol=1e-4):
            hint = ("Each array was clipped by its own norm. Clipping by the total norm scales ALL "
                    "arrays by the same factor, computed from the norm of all of them together, so "
                    "the direction of the whole gradient is kept.")
        c.expect_close(clipped[0], g1 * s, "the first clipped gradient", given, hint=hint)
        c.expect_close(clipped[1], g2 * s, "the second clipped gradient", given, hint=hint)

        # Clipping never makes a gradient longer: with max_norm = 10 > 5 nothing changes.
        given = "the same grads (total norm 5) and max_norm = 10"
        clipped, total = c.call(clip_grad_norm, [g1, g2], 10.0)
        c.expect_close(clipped[0], g1, "the first clipped gradient", given,
                       hint="The scale is min(max_norm / (total_norm + 1e-6), 1): it never exceeds 1.")
        c.expect_close(clipped[1], g2, "the second clipped gradient", given)
        c.expect_close(total, 5.0, "total_norm", given)

        # A total norm exactly max_norm is still scaled, by 5 / (5 + 1e-6), just under 1.
        given = "the same grads (total norm 5) and max_norm = 5"
        clipped, _ = c.call(clip_grad_norm, [g1, g2], 5.0)
        hint = ("With total_norm equal to max_norm the scale min(max_norm / (total_norm + 1e-6), 1) "
                "is just under 1, and it is applied: do not skip the scaling when the norms are equal.")
        c.expect_close(clipped[0], g1 * 5.0 / (5.0 + 1e-6), "the first clipped gradient", given, hint=hint)


def check_EarlyStopping(EarlyStopping):
    """Check the EarlyStopping class: step(val_loss, params) -> stop, best_loss, best_epoch, best_params."""
    with Checker("check_EarlyStopping") as c:
        es = c.call(EarlyStopping, patience=2)
        c.expect(getattr(es, "best_loss", None) == float("inf") and getattr(es, "best_epoch", 0) is None
                 and getattr(es, "best_params", 0) is None,
                 "a new EarlyStopping(patience=2) should have best_loss = inf, best_epoch = None and "
                 f"best_params = None; it has best_loss = {show(getattr(es, 'best_loss', 'missing'))}, "
                 f"best_epoch = {show(getattr(es, 'best_epoch', 'missing'))}, "
                 f"best_params = {show(getattr(es, 'best_params', 'missing'))}.")

        # Like a training loop: the weights are updated IN PLACE each epoch (W is filled with the
        # epoch number), then step is called with that epoch's validation loss.
        #   epoch 0: loss 1.0  improvement         -> best epoch 0, continue
        #   epoch 1: loss 0.8  improvement         -> best epoch 1, continue
        #   epoch 2: loss 0.9  1 epoch without     -> continue
        #   epoch 3: loss 0.8  not STRICTLY lower: 2 epochs without = patience -> stop
        params = {"W": np.zeros((2, 2)), "b": np.zeros(2)}
        losses = [1.0, 0.8, 0.9, 0.8]
        stops = []
        for epoch, loss in enumerate(losses):
            params["W"][...] = epoch
            params["b"][...] = epoch
            stops.append(c.call_as_is(es.step, loss, params))
        given = ("EarlyStopping(patience=2) and validation losses 1.0, 0.8, 0.9, 0.8 at epochs "
                 "0, 1, 2, 3 (the weights W and b are filled with the epoch number, in place, before each step)")
        c.expect(all(isinstance(s, (bool, np.bool_)) for s in stops),
                 f"step should return True or False; it returned {show(stops)} for {given}.")
        c.expect([bool(s) for s in stops] == [False, False, False, True],
                 f"step should return False, False, False, True for {given} (an equal loss is not an "
                 f"improvement); it returned {', '.join(show(s) for s in stops)}.")
        c.expect(es.best_epoch == 1 and es.best_loss == 0.8,
                 f"after {given}, best_epoch should be 1 and best_loss 0.8; they are "
                 f"{show(es.best_epoch)} and {show(es.best_loss)}.")
        best = es.best_params
        c.expect(isinstance(best, dict) and set(best) == {"W", "b"},
                 f"best_params should be a dict with the same keys as params ('W', 'b'); it is {show(best)}.")
        hint = ""
        if isinstance(best.get("W"), np.ndarray) and np.all(best["W"] == 3):
            hint = (" best_params holds the LAST weights: store a copy of the arrays (np.array(a, "
                    "copy=True) or a.copy()) when the loss improves, because the training loop keeps "
                    "changing its arrays in place.")
        c.expect(isinstance(best.get("W"), np.ndarray) and np.array_equal(best["W"], np.ones((2, 2)))
                 and isinstance(best.get("b"), np.ndarray) and np.array_equal(best["b"], np.ones(2)),
                 f"after {given}, best_params should hold the weights of epoch 1 (W full of 1.0); it "
                 f"holds W = {show(best.get('W'))}.{hint}")

        # An improvement resets the count of epochs without improvement.
        es = c.call(EarlyStopping, patience=2)
        losses = [1.0, 1.1, 0.9, 1.0, 1.0]
        stops = [bool(c.call(es.step, loss, params)) for loss in losses]
        c.expect(stops == [False, False, False, False, True] and es.best_epoch == 2,
                 "with EarlyStopping(patience=2) and losses 1.0, 1.1, 0.9, 1.0, 1.0, step should "
                 "return False, False, False, False, True (the improvement at epoch 2 resets the "
                 f"count) and best_epoch should be 2; got {show(stops)} and best_epoch = "
                 f"{show(es.best_epoch)}.")
