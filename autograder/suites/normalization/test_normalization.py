"""Hidden tests of the normalization assignment (run in the grader's process; see grading.py).

An item earns its POINTS (equal to the notebook's grade cells test_<item>) when all its tests pass.

Every graded function here is deterministic, so answers are compared with the reference on fixed
inputs (random gamma != 1 and beta != 0, features of very different scales, a feature of tiny
variance where eps matters). Two things are graded by properties rather than by one exact answer:
- fit_pca: the sign of an eigenvector is arbitrary, so U is checked by what defines it (orthonormal
  columns that diagonalize the training covariance, in the order of S), never by one sign;
- the backward passes receive a cache built here by the reference forward pass, in the layout
  the notebook documents (x, x_hat, mu, var, gamma, eps). So a wrong forward pass never costs the
  backward passes their points. Their gradients are compared with the reference's and with
  centred finite differences of the batch-norm / layer-norm function, computed here.

The var -> mu path of the batch-norm backward pass contributes exactly zero (sum(x - mu) = 0): no
test can see whether an answer includes it, and none pretends to.
"""
import numpy as np

from autograder import diagnosis
from autograder.grading import (copied, diagnose, expect_close, expect_reference, fail,
                                first_difference, graded, mismatch)
from autograder.suites.normalization.variants import V
from solutions import normalization as ref

POINTS = {"zero_center": 1, "standardize": 1, "fit_pca": 2, "apply_whitening": 2,
          "batchnorm_forward": 3, "batchnorm_backward": 3, "batchnorm_backward_alt": 2,
          "layernorm_forward": 1, "layernorm_backward": 2}

# The inputs are drawn from Generators seeded with INPUT_OFFSET + a constant. The project's tests
# vary it to confirm that correct answers pass on other inputs too (tolerances, conditioning).
INPUT_OFFSET = 0


def _inputs(seed):
    return np.random.default_rng(1000 + INPUT_OFFSET + seed)


def _kwargs_text(kwargs):
    return "".join(f", {k}={v!r}" for k, v in kwargs.items())


def _tuple_result(result, n, call, names):
    if isinstance(result, (tuple, list)) and len(result) == n:
        return result
    size = f" of {len(result)} items" if isinstance(result, (tuple, list)) else ""
    fail(f"{call} should return a tuple of {n} items ({', '.join(names)}), but returned "
         f"{type(result).__name__}{size}.")


def _data(g, N, D, spread=3.0):
    """N rows of D features with different means and scales."""
    return g.normal(size=(N, D)) * g.uniform(0.3, spread, size=D) + g.uniform(-3, 3, size=D)


# ------------------------------------------------------------------------------ zero_center

def _expect_part(result, item, i, args, kwargs, what):
    """Part i of a tuple `result` of `item` must be the reference's: a known mutant's hint, or the
    general diagnosis, says what is wrong."""
    reference = getattr(ref, item)
    found = first_difference(result[i], reference(*copied(args), **kwargs)[i], path=what)
    if found:
        fail(found[3], diagnose(result[i], V.mutants_of(item), args, kwargs, part=lambda r: r[i])
             or diagnosis.explain(found[1], found[2], reference=reference, args=args,
                                  kwargs=kwargs, where=(i,) + found[0]))


def _expect_pair(student, item, args, kwargs, what):
    expect_reference(student, item, getattr(ref, item), *args, mutants=V.mutants_of(item),
                     what=what, **kwargs)


@graded("zero_center")
def test_zero_center_per_feature(student):
    # X_other comes from a shifted distribution: centring it with its own mean, or with a mean
    # computed from both splits, gives a different answer from the training mean's.
    for seed, (N, M, D), kwargs in [(10, (30, 12, 6), {}), (11, (25, 40, 4), {"per": "feature"})]:
        g = _inputs(seed)
        X_train = _data(g, N, D)
        X_other = 1.5 * _data(g, M, D) + 2.0
        _expect_pair(student, "zero_center", (X_train, X_other), kwargs,
                     f"(train_centered, other_centered) = zero_center(X_train of shape "
                     f"{X_train.shape}, X_other of shape {X_other.shape}{_kwargs_text(kwargs)})")


@graded("zero_center")
def test_zero_center_per_image(student):
    # a square X_train as well: there a mean that does not broadcast along the rows goes unnoticed
    # by numpy, but not here
    for seed, (N, M, D) in [(12, (20, 9, 7)), (13, (6, 3, 6))]:
        g = _inputs(seed)
        X_train = _data(g, N, D)
        X_other = 1.5 * _data(g, M, D) + 2.0
        _expect_pair(student, "zero_center", (X_train, X_other), {"per": "image"},
                     f"(train_centered, other_centered) = zero_center(X_train of shape "
                     f"{X_train.shape}, X_other of shape {X_other.shape}, per='image')")


# ------------------------------------------------------------------------------ standardize

@graded("standardize")
def test_standardize(student):
    for seed, (N, M, D), kwargs in [(20, (30, 10, 5), {}), (21, (50, 20, 3), {"eps": 1e-3})]:
        g = _inputs(seed)
        X_train = _data(g, N, D)
        X_other = 1.5 * _data(g, M, D) + 2.0
        _expect_pair(student, "standardize", (X_train, X_other), kwargs,
                     f"(train_standardized, other_standardized) = standardize(X_train of shape "
                     f"{X_train.shape}, X_other of shape {X_other.shape}{_kwargs_text(kwargs)})")


@graded("standardize")
def test_standardize_constant_feature(student):
    # feature 1 is constant (2.5) in the training set but not in X_other: eps decides the answer
    g = _inputs(22)
    X_train = _data(g, 12, 4)
    X_train[:, 1] = 2.5
    X_other = _data(g, 5, 4)
    X_other[:, 1] = 2.5 + np.array([0.0, 1e-4, -2e-4, 3e-4, 0.0])
    _expect_pair(student, "standardize", (X_train, X_other), {},
                 f"standardize(X_train of shape {X_train.shape} whose feature 1 is constant (2.5), "
                 f"X_other of shape {X_other.shape} with feature 1 within 3e-4 of 2.5)")


# ------------------------------------------------------------------------------ fit_pca

def _pca_data(seed, N, D, offset=4.0):
    """Data with distinct, well separated variances along random orthogonal directions."""
    g = _inputs(seed)
    Q, _ = np.linalg.qr(g.normal(size=(D, D)))
    variances = 3.0 * 0.6 ** np.arange(D)
    return (g.normal(size=(N, D)) * np.sqrt(variances)) @ Q.T + offset * g.normal(size=D)


def _pca_dict(result, call, D):
    if not isinstance(result, dict) or not {"mean", "U", "S"} <= set(result):
        keys = f" with keys {sorted(result)}" if isinstance(result, dict) else ""
        fail(f"{call} should return a dict with the keys 'mean', 'U' and 'S', but returned "
             f"{type(result).__name__}{keys}.")
    for key, shape in [("mean", (D,)), ("U", (D, D)), ("S", (D,))]:
        v = result[key]
        if not isinstance(v, np.ndarray) or v.shape != shape or v.dtype.kind not in "biuf" or not \
                np.all(np.isfinite(v)):
            fail(f"{call}['{key}'] should be a finite array of numbers of shape {shape}, but is "
                 + (f"an array of shape {v.shape} and dtype {v.dtype}" if isinstance(v, np.ndarray)
                    else type(v).__name__) + ".")
    return result


def _diagonalizes(U, X, S):
    """Whether U (orthonormal) turns the covariance of X into diag(S): U.T @ C @ U = diag(S)."""
    Xc = X - X.mean(axis=0)
    C = Xc.T @ Xc / len(X)
    return np.max(np.abs(U.T @ C @ U - np.diag(S))) <= 1e-9 * max(1.0, np.max(np.abs(S)))


@graded("fit_pca")
def test_fit_pca(student):
    for seed, N, D in [(30, 200, 5), (31, 150, 8), (32, 40, 3)]:
        X = _pca_data(seed, N, D)
        call = f"fit_pca(X_train of shape {X.shape})"
        got = _pca_dict(student.call("fit_pca", X), call, D)
        expected = ref.fit_pca(X)
        expect_close(got["mean"], expected["mean"], f"{call}['mean']")
        expect_close(got["S"], expected["S"], f"{call}['S'] (the eigenvalues, in decreasing order)",
                     hint=diagnose(got["S"], V.mutants_of("fit_pca"), (X,), {}, part=lambda r: r["S"]))
        U = got["U"]
        # any sign of each eigenvector is right: check what defines them, not one sign
        if np.max(np.abs(U.T @ U - np.eye(D))) > 1e-8:
            fail(f"The columns of {call}['U'] should be orthonormal (U.T @ U = identity): they are "
                 f"not (largest deviation {np.max(np.abs(U.T @ U - np.eye(D))):.2g}).")
        if not _diagonalizes(U, X, expected["S"]):
            S = expected["S"]
            hint = (V.hint("pca_rows") if _diagonalizes(U.T, X, S) else
                    V.hint("pca_ascending") if _diagonalizes(U[:, ::-1], X, S) else None)
            fail(f"The columns of {call}['U'] are not the eigenvectors of the training covariance "
                 f"C = Xc.T @ Xc / N in the order of S: U[:, i] should satisfy C @ U[:, i] = "
                 f"S[i] * U[:, i], i.e. U.T @ C @ U should be diag(S) (the data expressed in the "
                 f"principal directions has uncorrelated coordinates of variances S). (Any sign of "
                 f"each eigenvector is accepted.)", hint)


# ------------------------------------------------------------------------------ apply_whitening

def _whitening_case():
    """Stats fitted (by the reference) on training data with one direction of almost no variance,
    with the signs of two eigenvectors flipped; other data from a shifted distribution."""
    g = _inputs(40)
    D = 5
    Q, _ = np.linalg.qr(g.normal(size=(D, D)))
    variances = np.array([4.0, 2.0, 1.0, 0.5, 1e-6])
    X_train = (g.normal(size=(300, D)) * np.sqrt(variances)) @ Q.T + g.normal(size=D)
    X_other = (1.3 * g.normal(size=(20, D)) * np.sqrt(variances)) @ Q.T + g.normal(size=D)
    stats = ref.fit_pca(X_train)
    stats["U"] = stats["U"] * np.array([-1.0, 1.0, -1.0, 1.0, 1.0])
    return X_train, X_other, stats


_STATS_TEXT = ("stats fitted on a training set of shape (300, 5) whose smallest eigenvalue is "
               "about 1e-6")


@graded("apply_whitening")
def test_apply_whitening_pca(student):
    X_train, X_other, stats = _whitening_case()
    for X, name, kwargs in [(X_other, "validation data", {}),
                            (X_train, "the training data", {"kind": "pca", "eps": 0.1})]:
        expect_reference(student, "apply_whitening", ref.apply_whitening, X, stats,
                         mutants=V.mutants_of("apply_whitening"),
                         what=f"apply_whitening(X = {name} of shape {X.shape}, {_STATS_TEXT}"
                              f"{_kwargs_text(kwargs)})", **kwargs)


@graded("apply_whitening")
def test_apply_whitening_zca(student):
    X_train, X_other, stats = _whitening_case()
    for X, name, kwargs in [(X_other, "validation data", {"kind": "zca"}),
                            (X_train, "the training data", {"kind": "zca", "eps": 1e-3})]:
        expect_reference(student, "apply_whitening", ref.apply_whitening, X, stats,
                         mutants=V.mutants_of("apply_whitening"),
                         what=f"apply_whitening(X = {name} of shape {X.shape}, {_STATS_TEXT}"
                              f"{_kwargs_text(kwargs)})", **kwargs)


@graded("apply_whitening")
def test_apply_whitening_zca_is_symmetric(student):
    # ZCA is x -> W (x - mean) with W = U diag(1 / sqrt(S + eps)) U.T, a symmetric matrix. Rows
    # mean + e_i give the rows of W.
    _, _, stats = _whitening_case()
    X = stats["mean"] + np.eye(5)
    W = student.call("apply_whitening", X, stats, kind="zca")
    if not isinstance(W, np.ndarray) or W.shape != (5, 5):
        fail("apply_whitening(X of shape (5, 5), stats, kind='zca') should return an array of "
             "shape (5, 5).")
    if mismatch(W, W.T, atol=1e-8) is not None:
        fail("ZCA whitening is the linear map x -> W @ (x - mean) with a SYMMETRIC matrix "
             "W = U @ diag(1 / sqrt(S + eps)) @ U.T (it rotates into the principal directions, "
             "scales, and rotates back). Applied to the rows mean + e_i (which give the rows of "
             "W), your kind='zca' gave a matrix that is not symmetric.",
             diagnose(W, V.mutants_of("apply_whitening"), (X, stats), {"kind": "zca"}))


# ------------------------------------------------------------------------------ batchnorm_forward

def _bn_inputs(seed, N, D, tiny=True):
    """x with features of different means and scales, one of them tiny (std 1e-3, so that where
    eps goes matters) unless tiny=False, random gamma (some negative) and beta, and random running
    statistics."""
    g = _inputs(seed)
    scales = g.uniform(0.3, 3.0, size=D)
    if tiny:
        scales[0] = 1e-3
    x = g.normal(size=(N, D)) * scales + g.uniform(-2, 2, size=D)
    gamma = g.uniform(0.5, 2.0, size=D) * g.choice([-1.0, 1.0], size=D)
    beta = g.normal(size=D)
    return x, gamma, beta, g.normal(size=D), g.uniform(0.5, 2.0, size=D)


_BN_NAMES = ("out", "running_mean", "running_var", "cache")


def _bn_call(student, args, kwargs):
    x = args[0]
    call = (f"batchnorm_forward(x of shape {x.shape}, gamma, beta, running_mean, running_var"
            f"{_kwargs_text(kwargs)})")
    result = student.call("batchnorm_forward", *args, **kwargs)
    return _tuple_result(result, 4, call, _BN_NAMES), call


def _expect_bn_part(student_result, call, i, args, kwargs, what=None):
    _expect_part(student_result, "batchnorm_forward", i, args, kwargs,
                 what or f"{_BN_NAMES[i]} from {call}")


@graded("batchnorm_forward")
def test_batchnorm_forward_train_output(student):
    for seed, N, D, kwargs in [(50, 8, 5, {}), (51, 20, 3, {"mode": "train", "momentum": 0.3}),
                               (52, 2, 4, {"mode": "train"}), (57, 7, 3, {"eps": 1e-3})]:
        args = _bn_inputs(seed, N, D)
        result, call = _bn_call(student, args, kwargs)
        _expect_bn_part(result, call, 0, args, kwargs)


@graded("batchnorm_forward")
def test_batchnorm_forward_train_cache(student):
    # the backward passes receive exactly this layout
    args = _bn_inputs(53, 6, 4)
    result, call = _bn_call(student, args, {"mode": "train"})
    _expect_bn_part(result, call, 3, args, {"mode": "train"},
                    what=f"the cache (x, x_hat, mu, var, gamma, eps) from {call}")


@graded("batchnorm_forward")
def test_batchnorm_forward_running_stats(student):
    # Like training: start from running_mean = 0 and running_var = 1 (PyTorch's initial values)
    # and feed back the running statistics returned at each step.
    g = _inputs(54)
    D = 4
    gamma, beta = g.uniform(0.5, 2.0, size=D), g.normal(size=D)
    running_mean, running_var = np.zeros(D), np.ones(D)
    steps = [(6, {}), (6, {}), (6, {}), (3, {"momentum": 0.25}), (3, {"momentum": 0.25})]
    for step, (N, kwargs) in enumerate(steps, start=1):
        x = g.normal(size=(N, D)) * np.array([1.0, 2.0, 0.5, 3.0]) + np.array([1.0, -2.0, 0.0, 5.0])
        args = (x, gamma, beta, running_mean, running_var)
        result, call = _bn_call(student, args, dict(kwargs))
        for i in (1, 2):
            _expect_bn_part(result, call, i, args, kwargs,
                            what=f"{_BN_NAMES[i]} after training step {step} (batches of "
                                 f"{[n for n, _ in steps[:step]]} rows of {D} features, momentum "
                                 f"{[k.get('momentum', 0.1) for _, k in steps[:step]]}, starting "
                                 f"from running_mean = 0 and running_var = 1)")
        running_mean, running_var = result[1], result[2]


@graded("batchnorm_forward")
def test_batchnorm_forward_test_mode(student):
    # a non-default eps too: the running variance of the tiny feature is made comparable to it
    for seed, N, eps in [(55, 5, 1e-5), (56, 1, 1e-5), (58, 3, 1e-2)]:
        x, gamma, beta, running_mean, running_var = _bn_inputs(seed, N, 4)
        running_var[0] = 1e-2
        args = (x, gamma, beta, running_mean, running_var)
        kwargs = {"mode": "test"} if eps == 1e-5 else {"mode": "test", "eps": eps}
        result, call = _bn_call(student, args, kwargs)
        _expect_bn_part(result, call, 0, args, kwargs)
        for i in (1, 2):
            _expect_bn_part(result, call, i, args, kwargs,
                            what=f"{_BN_NAMES[i]} from {call} (test mode leaves the running "
                                 f"statistics unchanged)")


# ------------------------------------------------------------------------------ backward passes

def _bn_cache(seed, N, D, tiny=True):
    """dout and a training-mode cache (x, x_hat, mu, var, gamma, eps) made by the reference."""
    x, gamma, beta, _, _ = _bn_inputs(seed, N, D, tiny)   # no tiny feature for finite differences
    _, _, _, cache = ref.batchnorm_forward(x, gamma, beta, np.zeros(D), np.ones(D))
    dout = _inputs(seed + 500).normal(size=(N, D))
    return dout, cache, beta


def _ln_cache(seed, N, D, tiny=True):
    g = _inputs(seed)
    x = g.normal(size=(N, D)) * g.uniform(0.3, 3.0, size=(N, 1)) + g.uniform(-2, 2, size=(N, 1))
    if tiny:
        x[0] = 1e-3 * g.normal(size=D) + 1.0   # a row of tiny variance: eps matters there
    gamma = g.uniform(0.5, 2.0, size=D) * g.choice([-1.0, 1.0], size=D)
    beta = g.normal(size=D)
    _, cache = ref.layernorm_forward(x, gamma, beta)
    return _inputs(seed + 500).normal(size=(N, D)), cache, beta


_CACHE_TEXT = "(x, x_hat, mu, var, gamma, eps), made by a correct {}"


def _expect_backward(student, item, dout, cache, forward):
    x = cache[0]
    expect_reference(student, item, getattr(ref, item), dout, cache, mutants=V.mutants_of(item),
                     what=f"(dx, dgamma, dbeta) = {item}(dout of shape {dout.shape}, cache = "
                          f"{_CACHE_TEXT.format(forward)} from x of shape {x.shape} with random "
                          f"gamma)")


def _numerical_grads(f, x, gamma, beta, dout, h=1e-5):
    """Centred differences of sum(f(x, gamma, beta) * dout) with respect to x, gamma and beta."""
    grads = []
    for k, arr in enumerate((x, gamma, beta)):
        grad = np.zeros_like(arr)
        for i in np.ndindex(arr.shape):
            args = [x.copy(), gamma.copy(), beta.copy()]
            args[k][i] += h
            plus = np.sum(f(*args) * dout)
            args[k][i] -= 2 * h
            minus = np.sum(f(*args) * dout)
            grad[i] = (plus - minus) / (2 * h)
        grads.append(grad)
    return tuple(grads)


def _expect_numerical(student, item, dout, cache, beta, f, name):
    x, gamma = cache[0], cache[4]
    got = student.call(item, dout, cache)
    numerical = _numerical_grads(f, x, gamma, beta, dout)
    why = mismatch(got, numerical, rtol=1e-6, atol=1e-8,
                   path=f"(dx, dgamma, dbeta) from {item}")
    if why:
        fail(f"{why}. Here the result was compared with centred finite differences "
             f"(f(v + h) - f(v - h)) / 2h, h = 1e-5, of sum({name}(x, gamma, beta) * dout) for x "
             f"of shape {x.shape}.", diagnose(got, V.mutants_of(item), (dout, cache), {}))


def _bn_train(x, gamma, beta):
    return ref.batchnorm_forward(x, gamma, beta, np.zeros(x.shape[1]), np.ones(x.shape[1]))[0]


def _ln(x, gamma, beta):
    return ref.layernorm_forward(x, gamma, beta)[0]


@graded("batchnorm_backward")
def test_batchnorm_backward(student):
    for seed, N, D in [(60, 10, 4), (61, 5, 7), (62, 3, 3)]:
        dout, cache, _ = _bn_cache(seed, N, D)
        _expect_backward(student, "batchnorm_backward", dout, cache,
                         "batchnorm_forward in training mode")


@graded("batchnorm_backward")
def test_batchnorm_backward_numerical_gradient(student):
    dout, cache, beta = _bn_cache(63, 6, 3, tiny=False)
    _expect_numerical(student, "batchnorm_backward", dout, cache, beta, _bn_train,
                      "batchnorm_forward")


@graded("batchnorm_backward_alt")
def test_batchnorm_backward_alt(student):
    for seed, N, D in [(70, 10, 4), (71, 5, 7), (72, 3, 3)]:
        dout, cache, _ = _bn_cache(seed, N, D)
        _expect_backward(student, "batchnorm_backward_alt", dout, cache,
                         "batchnorm_forward in training mode")


@graded("batchnorm_backward_alt")
def test_batchnorm_backward_alt_numerical_gradient(student):
    dout, cache, beta = _bn_cache(73, 6, 3, tiny=False)
    _expect_numerical(student, "batchnorm_backward_alt", dout, cache, beta, _bn_train,
                      "batchnorm_forward")


# ------------------------------------------------------------------------------ layer norm

@graded("layernorm_forward")
def test_layernorm_forward(student):
    for seed, N, D, kwargs in [(80, 6, 5, {}), (81, 3, 8, {"eps": 1e-3}), (82, 4, 4, {})]:
        dout, cache, beta = _ln_cache(seed, N, D)
        x, gamma = cache[0], cache[4]
        call = f"layernorm_forward(x of shape {x.shape}, gamma, beta{_kwargs_text(kwargs)})"
        result = _tuple_result(student.call("layernorm_forward", x, gamma, beta, **kwargs), 2,
                               call, ("out", "cache"))
        args = (x, gamma, beta)
        for i, what in [(0, f"out from {call}"),
                        (1, f"the cache (x, x_hat, mu, var, gamma, eps) from {call}, with mu and "
                            f"var of shape ({N}, 1)")]:
            _expect_part(result, "layernorm_forward", i, args, kwargs, what)


@graded("layernorm_backward")
def test_layernorm_backward(student):
    for seed, N, D in [(90, 6, 5), (91, 3, 8), (92, 7, 4)]:
        dout, cache, _ = _ln_cache(seed, N, D)
        _expect_backward(student, "layernorm_backward", dout, cache, "layernorm_forward")


@graded("layernorm_backward")
def test_layernorm_backward_numerical_gradient(student):
    dout, cache, beta = _ln_cache(93, 4, 5, tiny=False)
    _expect_numerical(student, "layernorm_backward", dout, cache, beta, _ln, "layernorm_forward")
