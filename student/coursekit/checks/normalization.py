"""Visible checks for the normalization assignment.

Each `check_<item>(fn)` tries your function on small inputs whose answers were worked out by hand
(the arithmetic is in the comments below), plus a few properties that any correct answer has.
Most examples use eps = 0 so that the numbers come out round; one example of each function that
takes eps uses a tiny variance, where the place of eps matters.

These checks help you find mistakes; your grade comes from separate hidden tests.
"""
import math

import numpy as np

from coursekit.checks._report import Checker, show

__all__ = [
    "check_zero_center", "check_standardize", "check_fit_pca", "check_apply_whitening",
    "check_batchnorm_forward", "check_batchnorm_backward", "check_batchnorm_backward_alt",
    "check_layernorm_forward", "check_layernorm_backward",
]

# A tiny training set and another split from a shifted distribution, used by the centring and
# standardizing checks.
#   X_train = [[1, 2],      feature means [2, 4]        image (row) means 1.5 and 4.5
#              [3, 6]]      feature variances [1, 4]
#   X_other = [[0, 0],      its own feature means [1, 2] (NOT to be used)
#              [2, 4]]
_X_TRAIN = np.array([[1.0, 2.0], [3.0, 6.0]])
_X_OTHER = np.array([[0.0, 0.0], [2.0, 4.0]])
_GIVEN_X = "X_train = [[1, 2], [3, 6]] and X_other = [[0, 0], [2, 4]]"


def _pair(c, out, fname, given, shapes):
    first, second = c.expect_tuple(out, 2, f"the result of {fname}")
    c.expect_array(first, "the first returned array (the training data)", shape=shapes[0], given=given)
    c.expect_array(second, "the second returned array (the other data)", shape=shapes[1], given=given)
    return first, second


def check_zero_center(zero_center):
    """Check zero_center(X_train, X_other, per) -> (train_centered, other_centered)."""
    with Checker("check_zero_center") as c:
        # per="feature": subtract the training means [2, 4] from both arrays:
        #   train -> [[-1, -2], [1, 2]],   other -> [[-2, -4], [0, 0]]
        given = _GIVEN_X + " and per='feature'"
        train, other = _pair(c, c.call_pure(zero_center, _X_TRAIN, _X_OTHER, per="feature"),
                             "zero_center", given, [(2, 2), (2, 2)])
        c.expect_close(train, [[-1.0, -2.0], [1.0, 2.0]], "the centred training data", given)
        hint = None
        if np.allclose(other, [[-1.0, -2.0], [1.0, 2.0]]):
            hint = ("X_other was centred with its OWN mean. Subtract the TRAINING mean from every "
                    "split: other data must be transformed exactly like the training data.")
        c.expect_close(other, [[-2.0, -4.0], [0.0, 0.0]], "the centred other data", given, hint=hint)
        # the default is per="feature"
        train, other = c.call(zero_center, _X_TRAIN, _X_OTHER)
        c.expect_close(other, [[-2.0, -4.0], [0.0, 0.0]], "the centred other data",
                       _GIVEN_X + " and per left at its default ('feature')")

        # per="image": every row minus its own mean: [1, 2] -> [-0.5, 0.5], [3, 6] -> [-1.5, 1.5],
        # [0, 0] -> [0, 0], [2, 4] -> [-1, 1]
        given = _GIVEN_X + " and per='image'"
        train, other = _pair(c, c.call_pure(zero_center, _X_TRAIN, _X_OTHER, per="image"),
                             "zero_center", given, [(2, 2), (2, 2)])
        c.expect_close(train, [[-0.5, 0.5], [-1.5, 1.5]], "the centred training data", given,
                       hint="per='image' subtracts from each row the mean of that row (axis 1).")
        c.expect_close(other, [[0.0, 0.0], [-1.0, 1.0]], "the centred other data", given)

        # shapes that are not square: 3 training rows, 1 other row, 2 features
        X_train = np.array([[0.0, 1.0], [2.0, 3.0], [4.0, 8.0]])   # feature means [2, 4]
        X_other = np.array([[2.0, 2.0]])
        given = "X_train = [[0, 1], [2, 3], [4, 8]] and X_other = [[2, 2]]"
        _, other = _pair(c, c.call(zero_center, X_train, X_other, per="feature"), "zero_center",
                         given + " and per='feature'", [(3, 2), (1, 2)])
        c.expect_close(other, [[0.0, -2.0]], "the centred other data", given + " and per='feature'")
        train, _ = _pair(c, c.call(zero_center, X_train, X_other, per="image"), "zero_center",
                         given + " and per='image'", [(3, 2), (1, 2)])
        c.expect_close(train, [[-0.5, 0.5], [-0.5, 0.5], [-2.0, 2.0]], "the centred training data",
                       given + " and per='image'")


def check_standardize(standardize):
    """Check standardize(X_train, X_other, eps) -> (train_standardized, other_standardized)."""
    with Checker("check_standardize") as c:
        # training means [2, 4], biased variances [1, 4] -> standard deviations [1, 2] (eps = 0):
        #   train -> [[(1-2)/1, (2-4)/2], [(3-2)/1, (6-4)/2]] = [[-1, -1], [1, 1]]
        #   other -> [[(0-2)/1, (0-4)/2], [(2-2)/1, (4-4)/2]] = [[-2, -2], [0, 0]]
        given = _GIVEN_X + " and eps = 0"
        train, other = _pair(c, c.call_pure(standardize, _X_TRAIN, _X_OTHER, eps=0.0),
                             "standardize", given, [(2, 2), (2, 2)])
        hint = None
        if np.allclose(train, [[-1 / math.sqrt(2), -1 / math.sqrt(2)], [1 / math.sqrt(2), 1 / math.sqrt(2)]]):
            hint = ("The variance was divided by N - 1 (ddof=1); use the biased variance, dividing "
                    "by N (np.var's default).")
        c.expect_close(train, [[-1.0, -1.0], [1.0, 1.0]], "the standardized training data", given,
                       hint=hint)
        hint = None
        if np.allclose(other, [[-1.0, -1.0], [1.0, 1.0]]):
            hint = ("X_other was standardized with its OWN mean and variance; use the training "
                    "set's statistics for every split.")
        c.expect_close(other, [[-2.0, -2.0], [0.0, 0.0]], "the standardized other data", given,
                       hint=hint)
        # eps = 1: the standard deviations become sqrt([1, 4] + 1) = [sqrt(2), sqrt(5)]
        given = _GIVEN_X + " and eps = 1"
        train, _ = _pair(c, c.call(standardize, _X_TRAIN, _X_OTHER, eps=1.0), "standardize",
                         given, [(2, 2), (2, 2)])
        c.expect_close(train, [[-1 / math.sqrt(2), -2 / math.sqrt(5)], [1 / math.sqrt(2), 2 / math.sqrt(5)]],
                       "the standardized training data", given, hint="Use the eps you are given.")

        # A feature that is constant (5) in the training set: its variance is 0, and eps
        # (default 1e-8) keeps us from dividing by zero: (x - 5) / sqrt(0 + 1e-8) = (x - 5) * 1e4.
        # Feature 0 has mean 1 and variance 1 (sqrt(1 + 1e-8) is 1 to within 1e-8).
        X_train = np.array([[0.0, 5.0], [2.0, 5.0]])
        X_other = np.array([[1.0, 5.0001]])
        given = "X_train = [[0, 5], [2, 5]], X_other = [[1, 5.0001]] and the default eps = 1e-8"
        train, other = _pair(c, c.call(standardize, X_train, X_other), "standardize", given,
                             [(2, 2), (1, 2)])
        c.expect_close(train, [[-1.0, 0.0], [1.0, 0.0]], "the standardized training data", given,
                       rtol=1e-6)
        hint = None
        if np.isclose(other[0, 1], 1e4, rtol=1e-3):
            hint = "eps goes inside the square root: sqrt(var + eps), not sqrt(var) + eps."
        c.expect_close(other, [[0.0, 1.0]], "the standardized other data", given, rtol=1e-6,
                       atol=1e-6, hint=hint)


# Four 2-d points with mean [1, 2] and covariance C = [[2, 1], [1, 2]]:
#   mean +- sqrt(6) * u1 and mean +- sqrt(2) * u2, with u1 = [1, 1] / sqrt(2), u2 = [1, -1] / sqrt(2)
#   C = (2 * 6 * u1 u1^T + 2 * 2 * u2 u2^T) / 4 = 3 u1 u1^T + 1 u2 u2^T
# so the eigenvalues are 3 (direction u1) and 1 (direction u2).
_R3 = math.sqrt(3.0)
_X_PCA = np.array([[1 + _R3, 2 + _R3], [1 - _R3, 2 - _R3], [2.0, 1.0], [0.0, 3.0]])
_GIVEN_PCA = ("X_train = [[1 + sqrt(3), 2 + sqrt(3)], [1 - sqrt(3), 2 - sqrt(3)], [2, 1], [0, 3]] "
              "(mean [1, 2], covariance [[2, 1], [1, 2]])")
_U1 = np.array([1.0, 1.0]) / math.sqrt(2.0)
_U2 = np.array([1.0, -1.0]) / math.sqrt(2.0)


def check_fit_pca(fit_pca):
    """Check fit_pca(X_train) -> {"mean", "U", "S"}."""
    with Checker("check_fit_pca") as c:
        stats = c.call_pure(fit_pca, _X_PCA)
        c.expect(isinstance(stats, dict) and {"mean", "U", "S"} <= set(stats),
                 f"fit_pca should return a dict with keys 'mean', 'U' and 'S'; it returned {show(stats)}.")
        c.expect_close(c.expect_array(stats["mean"], "stats['mean']", shape=(2,), given=_GIVEN_PCA),
                       [1.0, 2.0], "stats['mean']", _GIVEN_PCA)
        S = c.expect_array(stats["S"], "stats['S']", shape=(2,), given=_GIVEN_PCA)
        hint = None
        if np.allclose(S, [4.0, 4.0 / 3.0]):
            hint = ("These are the eigenvalues of the covariance divided by N - 1 (np.cov's "
                    "default); divide by N.")
        elif np.allclose(S, [1.0, 3.0]):
            hint = "Sort the eigenvalues in DECREASING order (np.linalg.eigh gives them increasing)."
        c.expect_close(S, [3.0, 1.0], "stats['S'], the eigenvalues in decreasing order",
                       _GIVEN_PCA, hint=hint)
        U = c.expect_array(stats["U"], "stats['U']", shape=(2, 2), given=_GIVEN_PCA)
        # Each column may come with either sign: compare |u . u_expected| with 1.
        for i, (u, name) in enumerate([(_U1, "[1, 1] / sqrt(2)"), (_U2, "[1, -1] / sqrt(2)")]):
            c.expect(np.isclose(abs(float(U[:, i] @ u)), 1.0, atol=1e-8),
                     f"the column U[:, {i}] should be the eigenvector {name} (or its negative) for "
                     f"{_GIVEN_PCA}; it is {show(U[:, i])}. The eigenvectors are the COLUMNS of U, "
                     f"in the order of S.")


def _pca_stats():
    # the statistics of _X_PCA, with the second eigenvector's sign flipped on purpose: whatever
    # the sign, apply_whitening must use the U it is given
    return {"mean": np.array([1.0, 2.0]), "U": np.column_stack([_U1, -_U2]), "S": np.array([3.0, 1.0])}


def check_apply_whitening(apply_whitening):
    """Check apply_whitening(X, stats, kind, eps) -> whitened X."""
    with Checker("check_apply_whitening") as c:
        # Two NEW points (their own mean is not [1, 2]):
        #   a = [1 + sqrt(3), 2 + sqrt(3)] = mean + sqrt(6) u1 -> coordinates (Xc @ U) = [sqrt(6), 0]
        #   b = [0, 3]                     = mean - sqrt(2) u2 -> coordinates [0, sqrt(2)] (U[:, 1] = -u2)
        # PCA whitening with eps = 0 divides by sqrt(S) = [sqrt(3), 1]:  a -> [sqrt(2), 0],
        # b -> [0, sqrt(2)]. ZCA rotates back: a -> sqrt(2) u1 = [1, 1], b -> sqrt(2) (-u2) = [-1, 1].
        X = np.array([[1 + _R3, 2 + _R3], [0.0, 3.0]])
        stats = _pca_stats()
        given = ("X = [[1 + sqrt(3), 2 + sqrt(3)], [0, 3]], stats = {'mean': [1, 2], "
                 "'U': [[1, -1], [1, 1]] / sqrt(2), 'S': [3, 1]}, eps = 0")
        out = c.expect_array(c.call_pure(apply_whitening, X, stats, kind="pca", eps=0.0),
                             "the PCA-whitened X", shape=(2, 2), given=given + ", kind='pca'")
        hint = None
        if np.allclose(out, [[math.sqrt(6) / 3, 0.0], [0.0, math.sqrt(2)]]):
            hint = "Divide by the standard deviations sqrt(S + eps), not by the variances S."
        elif np.allclose(out.mean(axis=0), 0.0):
            hint = ("The output has mean 0: did you subtract X's own mean? Use stats['mean'], the "
                    "training mean.")
        c.expect_close(out, [[math.sqrt(2), 0.0], [0.0, math.sqrt(2)]], "the PCA-whitened X",
                       given + ", kind='pca'", hint=hint)
        out = c.expect_array(c.call(apply_whitening, X, stats, kind="zca", eps=0.0),
                             "the ZCA-whitened X", shape=(2, 2), given=given + ", kind='zca'")
        hint = None
        if np.allclose(out, [[math.sqrt(2), 0.0], [0.0, math.sqrt(2)]]):
            hint = "ZCA rotates the PCA-whitened data back to the original axes: multiply by U.T."
        c.expect_close(out, [[1.0, 1.0], [-1.0, 1.0]], "the ZCA-whitened X", given + ", kind='zca'",
                       hint=hint)
        # eps: a = mean + sqrt(6) u1 with eps = 1 -> sqrt(6) / sqrt(3 + 1) = sqrt(6) / 2
        out = c.call(apply_whitening, X[:1], stats, kind="pca", eps=1.0)
        c.expect_close(out, [[math.sqrt(6) / 2, 0.0]], "the PCA-whitened X",
                       "X = [[1 + sqrt(3), 2 + sqrt(3)]], the same stats, kind='pca' and eps = 1",
                       hint="eps is added to the eigenvalues inside the square root: sqrt(S + eps).")
        # Whitening the training data itself gives identity covariance (eps = 0).
        white = c.call(apply_whitening, _X_PCA, stats, kind="zca", eps=0.0)
        c.expect_close(white.T @ white / len(white), np.eye(2),
                       "the covariance of the ZCA-whitened training data", _GIVEN_PCA + " and eps = 0")


# The batch-norm example: a batch of N = 4 rows and D = 2 features, eps = 0.
#   feature 0: [0, 2, 0, 2] -> mean 1, biased variance 1, x_hat = [-1, 1, -1, 1]
#   feature 1: [1, 1, 5, 5] -> mean 3, biased variance 4, x_hat = [-1, -1, 1, 1]
# gamma = [2, 0.5], beta = [1, -1]:
#   out = gamma * x_hat + beta = [[-1, -1.5], [3, -1.5], [-1, -0.5], [3, -0.5]]
_X_BN = np.array([[0.0, 1.0], [2.0, 1.0], [0.0, 5.0], [2.0, 5.0]])
_XHAT_BN = np.array([[-1.0, -1.0], [1.0, -1.0], [-1.0, 1.0], [1.0, 1.0]])
_GAMMA_BN = np.array([2.0, 0.5])
_BETA_BN = np.array([1.0, -1.0])
_GIVEN_BN = ("x = [[0, 1], [2, 1], [0, 5], [2, 5]], gamma = [2, 0.5], beta = [1, -1], "
             "running_mean = [0, 0], running_var = [1, 1], momentum = 0.1, eps = 0")


def check_batchnorm_forward(batchnorm_forward):
    """Check batchnorm_forward(x, gamma, beta, running_mean, running_var, mode, momentum, eps)."""
    with Checker("check_batchnorm_forward") as c:
        given = _GIVEN_BN + ", mode='train', momentum = 0.25"
        out = c.call_pure(batchnorm_forward, _X_BN, _GAMMA_BN, _BETA_BN, np.zeros(2), np.ones(2),
                          mode="train", momentum=0.25, eps=0.0)
        out, running_mean, running_var, cache = c.expect_tuple(
            out, 4, "the result of batchnorm_forward (out, running_mean, running_var, cache)")
        hint = None
        if isinstance(out, np.ndarray) and out.shape == (4, 2) and np.allclose(
                out[:, 0], 2 * np.sqrt(0.75) * _XHAT_BN[:, 0] + 1):
            hint = ("You normalized with the unbiased variance (divided by N - 1); batch norm "
                    "normalizes with the biased batch variance (divide by N).")
        c.expect_close(c.expect_array(out, "out", shape=(4, 2), given=given),
                       [[-1.0, -1.5], [3.0, -1.5], [-1.0, -0.5], [3.0, -0.5]], "out", given, hint=hint)
        # running_mean = 0.75 * 0 + 0.25 * [1, 3] = [0.25, 0.75]
        # running_var  = 0.75 * 1 + 0.25 * [1, 4] * 4 / 3 (the UNBIASED variance) = [1.0833.., 2.0833..]
        hint = None
        if np.allclose(running_mean, [0.75, 2.25]):
            hint = ("momentum is the weight of the NEW batch statistic: running = (1 - momentum) * "
                    "running + momentum * batch_stat.")
        elif np.allclose(running_mean, [0.1, 0.3]):
            hint = "Use the momentum you are given (here 0.25), not its default 0.1."
        c.expect_close(running_mean, [0.25, 0.75], "running_mean", given, hint=hint)
        hint = None
        if np.allclose(running_var, [1.0, 1.75]):
            hint = ("running_var takes the UNBIASED batch variance, var * N / (N - 1), as in "
                    "PyTorch (the normalization itself uses the biased one).")
        c.expect_close(running_var, [0.75 + 1 / 3, 0.75 + 4 / 3], "running_var", given, hint=hint)
        # the cache: (x, x_hat, mu, var, gamma, eps) with the BIASED variance
        cache = c.expect_tuple(cache, 6, "the cache (x, x_hat, mu, var, gamma, eps)")
        for value, expected, name in zip(cache[:5], [_X_BN, _XHAT_BN, [1.0, 3.0], [1.0, 4.0], _GAMMA_BN],
                                         ["x", "x_hat", "mu", "var", "gamma"]):
            c.expect_close(value, expected, f"{name} in the cache", given)
        c.expect_close(cache[5], 0.0, "eps in the cache", given)

        # Test mode uses the running statistics: running_mean = [1, 3], running_var = [1, 4]:
        #   x_test = [[1, 3], [3, 7]] -> x_hat = [[0, 0], [2, 2]] -> out = [[1, -1], [5, 0]]
        # (the batch's own statistics would give x_hat = [[-1, -1], [1, 1]] instead)
        given = ("x = [[1, 3], [3, 7]], gamma = [2, 0.5], beta = [1, -1], running_mean = [1, 3], "
                 "running_var = [1, 4], mode='test', eps = 0")
        out, running_mean, running_var, _ = c.expect_tuple(
            c.call_pure(batchnorm_forward, np.array([[1.0, 3.0], [3.0, 7.0]]), _GAMMA_BN, _BETA_BN,
                   np.array([1.0, 3.0]), np.array([1.0, 4.0]), mode="test", eps=0.0),
            4, "the result of batchnorm_forward in test mode")
        hint = None
        if np.allclose(out, [[-1.0, -1.5], [3.0, -0.5]]):
            hint = ("In test mode, normalize with the running statistics, not with the statistics "
                    "of the test batch.")
        c.expect_close(out, [[1.0, -1.0], [5.0, 0.0]], "out", given, hint=hint)
        c.expect_close(running_mean, [1.0, 3.0], "running_mean (unchanged in test mode)", given)
        c.expect_close(running_var, [1.0, 4.0], "running_var (unchanged in test mode)", given)

        # eps: a feature of variance 1e-6 (values 0 and 0.002), default eps = 1e-5:
        #   x_hat = +-0.001 / sqrt(1e-6 + 1e-5) = +-0.001 / sqrt(1.1e-5) (about +-0.3015)
        # (with sqrt(var) + eps it would be about +-0.990)
        x = np.array([[0.0], [0.002], [0.0], [0.002]])
        out = c.call(batchnorm_forward, x, np.ones(1), np.zeros(1), np.zeros(1), np.ones(1))[0]
        c.expect_close(out, 0.001 / math.sqrt(1.1e-5) * np.array([[-1.0], [1.0], [-1.0], [1.0]]),
                       "out", "x = [[0], [0.002], [0], [0.002]] (variance 1e-6), gamma = [1], "
                       "beta = [0] and the defaults (mode='train', eps = 1e-5)",
                       hint="eps goes inside the square root: sqrt(var + eps).")


# The backward example, with the cache of the forward example above (eps = 0) and
#   dout = [[1, 0], [0, 1], [0, 2], [0, 0]]
# dbeta  = sum of dout over the batch = [1, 3]
# dgamma = sum of dout * x_hat = [1 * (-1), 1 * (-1) + 2 * 1] = [-1, 1]
# dx (worked out with the chain rule, and confirmed by finite differences):
#   feature 0: [1, 0, -1, 0]
#   feature 1: [-0.125, 0.125, 0.25, -0.25]
_CACHE_BN = (_X_BN, _XHAT_BN, np.array([1.0, 3.0]), np.array([1.0, 4.0]), _GAMMA_BN, 0.0)
_DOUT_BN = np.array([[1.0, 0.0], [0.0, 1.0], [0.0, 2.0], [0.0, 0.0]])
_DX_BN = np.array([[1.0, -0.125], [0.0, 0.125], [-1.0, 0.25], [0.0, -0.25]])
_GIVEN_BWD = ("dout = [[1, 0], [0, 1], [0, 2], [0, 0]] and the cache of x = [[0, 1], [2, 1], [0, 5], "
              "[2, 5]], gamma = [2, 0.5], eps = 0: (x, x_hat, mu, var, gamma, eps) with "
              "x_hat = [[-1, -1], [1, -1], [-1, 1], [1, 1]], mu = [1, 3], var = [1, 4]")


def _check_bn_backward(name, backward):
    with Checker(name) as c:
        out = c.call_pure(backward, _DOUT_BN, _CACHE_BN)
        dx, dgamma, dbeta = c.expect_tuple(out, 3, f"the result of {name[6:]} (dx, dgamma, dbeta)")
        c.expect_close(c.expect_array(dbeta, "dbeta", shape=(2,), given=_GIVEN_BWD), [1.0, 3.0],
                       "dbeta", _GIVEN_BWD, hint="dbeta is the sum of dout over the batch (axis 0).")
        c.expect_close(c.expect_array(dgamma, "dgamma", shape=(2,), given=_GIVEN_BWD), [-1.0, 1.0],
                       "dgamma", _GIVEN_BWD, hint="dgamma is the sum over the batch of dout * x_hat.")
        dx = c.expect_array(dx, "dx", shape=(4, 2), given=_GIVEN_BWD)
        hint = None
        if np.allclose(dx[:, 0], [0.5, 0.0, -0.5, 0.0]):
            hint = "gamma is missing from dx: the gradient reaching x_hat is dout * gamma."
        elif np.allclose(dx[:, 0], [1.5, -0.5, -0.5, -0.5]):
            hint = ("dx is missing the path through the variance: var depends on every x[i] "
                    "too.")
        c.expect_close(dx, _DX_BN, "dx", _GIVEN_BWD, hint=hint)
        # eps: one feature x = [0, 2, 0, 2] (var 1) with eps = 3, so sqrt(var + eps) = 2 and
        # x_hat = [-0.5, 0.5, -0.5, 0.5]; gamma = [2] and dout = [1, 0, 0, 0] give
        # dx = [0.6875, -0.1875, -0.3125, -0.1875] (by the chain rule, as above).
        cache = (np.array([[0.0], [2.0], [0.0], [2.0]]), np.array([[-0.5], [0.5], [-0.5], [0.5]]),
                 np.array([1.0]), np.array([1.0]), np.array([2.0]), 3.0)
        given = ("dout = [[1], [0], [0], [0]] and the cache of x = [[0], [2], [0], [2]], gamma = [2], "
                 "eps = 3: x_hat = [[-0.5], [0.5], [-0.5], [0.5]], mu = [1], var = [1]")
        dx = c.call(backward, np.array([[1.0], [0.0], [0.0], [0.0]]), cache)[0]
        c.expect_close(dx, [[0.6875], [-0.1875], [-0.3125], [-0.1875]], "dx", given,
                       hint="The forward pass divides by sqrt(var + eps): eps belongs in the "
                            "backward pass too.")
        # Two properties of every batch-norm gradient (with any dout): out does not change when
        # the same number is added to a whole column of x, nor when a column is scaled (up to
        # eps), so sum(dx) = 0 and sum(dx * x_hat) = 0 over each column.
        g = np.random.default_rng(0)
        x = g.normal(size=(6, 3)) * [1.0, 2.0, 0.5] + [0.0, 3.0, -1.0]
        mu, var = x.mean(axis=0), x.var(axis=0)
        x_hat = (x - mu) / np.sqrt(var)
        cache = (x, x_hat, mu, var, np.array([1.5, -0.5, 2.0]), 0.0)
        dx = c.call(backward, g.normal(size=(6, 3)), cache)[0]
        given = "a random x of shape (6, 3), random dout and eps = 0"
        c.expect_close(dx.sum(axis=0), np.zeros(3), "the sum of dx over the batch", given,
                       atol=1e-9)
        c.expect_close((dx * x_hat).sum(axis=0), np.zeros(3), "the sum of dx * x_hat over the batch",
                       given, atol=1e-9)


def check_batchnorm_backward(batchnorm_backward):
    """Check batchnorm_backward(dout, cache) -> (dx, dgamma, dbeta)."""
    _check_bn_backward("check_batchnorm_backward", batchnorm_backward)


def check_batchnorm_backward_alt(batchnorm_backward_alt):
    """Check batchnorm_backward_alt(dout, cache) -> (dx, dgamma, dbeta)."""
    _check_bn_backward("check_batchnorm_backward_alt", batchnorm_backward_alt)


# The layer-norm example: the batch-norm example transposed. N = 2 rows, D = 4 features, eps = 0:
#   row 0: [0, 2, 0, 2] -> mean 1, variance 1, x_hat = [-1, 1, -1, 1]
#   row 1: [1, 1, 5, 5] -> mean 3, variance 4, x_hat = [-1, -1, 1, 1]
# gamma = [1, 2, 3, 4], beta = [0, 0, 1, 1]:  out = [[-1, 2, -2, 5], [-1, -2, 4, 5]]
_X_LN = np.array([[0.0, 2.0, 0.0, 2.0], [1.0, 1.0, 5.0, 5.0]])
_XHAT_LN = np.array([[-1.0, 1.0, -1.0, 1.0], [-1.0, -1.0, 1.0, 1.0]])
_GIVEN_LN = "x = [[0, 2, 0, 2], [1, 1, 5, 5]], gamma = [1, 2, 3, 4], beta = [0, 0, 1, 1], eps = 0"


def check_layernorm_forward(layernorm_forward):
    """Check layernorm_forward(x, gamma, beta, eps) -> (out, cache)."""
    with Checker("check_layernorm_forward") as c:
        gamma, beta = np.array([1.0, 2.0, 3.0, 4.0]), np.array([0.0, 0.0, 1.0, 1.0])
        out, cache = c.expect_tuple(c.call_pure(layernorm_forward, _X_LN, gamma, beta, eps=0.0), 2,
                                    "the result of layernorm_forward (out, cache)")
        out = c.expect_array(out, "out", shape=(2, 4), given=_GIVEN_LN)
        hint = None
        if np.allclose(out[:, 0], [-1.0, 1.0]):   # x[:, 0] = [0, 1] normalized over the batch
            hint = ("You normalized each feature over the batch (axis 0), as batch norm does; "
                    "layer norm normalizes each ROW over its features (axis 1).")
        c.expect_close(out, [[-1.0, 2.0, -2.0, 5.0], [-1.0, -2.0, 4.0, 5.0]], "out", _GIVEN_LN,
                       hint=hint)
        cache = c.expect_tuple(cache, 6, "the cache (x, x_hat, mu, var, gamma, eps)")
        for value, expected, name in zip(cache[:5], [_X_LN, _XHAT_LN, [[1.0], [3.0]], [[1.0], [4.0]], gamma],
                                         ["x", "x_hat", "mu", "var", "gamma"]):
            c.expect_close(value, expected, f"{name} in the cache", _GIVEN_LN +
                           (" (mu and var have shape (N, 1))" if name in ("mu", "var") else ""))
        # eps, with a row of variance 1e-6: x_hat = +-0.001 / sqrt(1.1e-5) with the default 1e-5
        x = np.array([[0.0, 0.002, 0.0, 0.002]])
        out, _ = c.call(layernorm_forward, x, np.ones(4), np.zeros(4))
        c.expect_close(out, 0.001 / math.sqrt(1.1e-5) * np.array([[-1.0, 1.0, -1.0, 1.0]]), "out",
                       "x = [[0, 0.002, 0, 0.002]], gamma = 1, beta = 0 and the default eps = 1e-5",
                       hint="eps goes inside the square root: sqrt(var + eps).")


def check_layernorm_backward(layernorm_backward):
    """Check layernorm_backward(dout, cache) -> (dx, dgamma, dbeta)."""
    with Checker("check_layernorm_backward") as c:
        # The cache of the forward example with gamma = [2, 2, 2, 2], and
        #   dout = [[1, 0, 0, 0], [0, 1, 2, 0]]
        # dbeta = sum over the rows = [1, 1, 2, 0]
        # dgamma = sum over the rows of dout * x_hat = [-1, 0, 0, 0] + [0, -1, 2, 0] = [-1, -1, 2, 0]
        # dx (worked out with the chain rule, and confirmed by finite differences):
        #   row 0: [1, 0, -1, 0]
        #   row 1: [-0.5, 0.5, 1, -1]
        gamma = np.full(4, 2.0)
        cache = (_X_LN, _XHAT_LN, np.array([[1.0], [3.0]]), np.array([[1.0], [4.0]]), gamma, 0.0)
        dout = np.array([[1.0, 0.0, 0.0, 0.0], [0.0, 1.0, 2.0, 0.0]])
        given = ("dout = [[1, 0, 0, 0], [0, 1, 2, 0]] and the cache of x = [[0, 2, 0, 2], "
                 "[1, 1, 5, 5]], gamma = [2, 2, 2, 2], eps = 0: x_hat = [[-1, 1, -1, 1], "
                 "[-1, -1, 1, 1]], mu = [[1], [3]], var = [[1], [4]]")
        dx, dgamma, dbeta = c.expect_tuple(c.call_pure(layernorm_backward, dout, cache), 3,
                                           "the result of layernorm_backward (dx, dgamma, dbeta)")
        c.expect_close(c.expect_array(dbeta, "dbeta", shape=(4,), given=given), [1.0, 1.0, 2.0, 0.0],
                       "dbeta", given, hint="gamma and beta are per feature: sum over the batch (axis 0).")
        c.expect_close(c.expect_array(dgamma, "dgamma", shape=(4,), given=given), [-1.0, -1.0, 2.0, 0.0],
                       "dgamma", given)
        dx = c.expect_array(dx, "dx", shape=(2, 4), given=given)
        hint = None
        if np.allclose(dx[0], [0.5, 0.0, -0.5, 0.0]):
            hint = "gamma is missing from dx: the gradient reaching x_hat is dout * gamma."
        c.expect_close(dx, [[1.0, 0.0, -1.0, 0.0], [-0.5, 0.5, 1.0, -1.0]], "dx", given, hint=hint)
        # Every row of dx sums to 0 and is orthogonal to its row of x_hat (any dout, eps = 0).
        g = np.random.default_rng(1)
        x = g.normal(size=(3, 5)) * [[1.0], [2.0], [0.5]] + [[0.0], [3.0], [-1.0]]
        mu, var = x.mean(axis=1, keepdims=True), x.var(axis=1, keepdims=True)
        x_hat = (x - mu) / np.sqrt(var)
        dx = c.call(layernorm_backward, g.normal(size=(3, 5)),
                    (x, x_hat, mu, var, g.uniform(0.5, 2.0, size=5), 0.0))[0]
        given = "a random x of shape (3, 5), random gamma and dout, eps = 0"
        c.expect_close(dx.sum(axis=1), np.zeros(3), "the sum of each row of dx", given, atol=1e-9)
        c.expect_close((dx * x_hat).sum(axis=1), np.zeros(3), "the sum of each row of dx * x_hat",
                       given, atol=1e-9)
