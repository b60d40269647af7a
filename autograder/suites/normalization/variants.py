"""Known-wrong (mutants) and known-correct (alternatives) answers for the normalization assignment.

Most mistakes are one edit of the reference (solutions/normalization.py), declared as such; whole
functions are kept for mistakes that change the structure. Each variant's source is pasted into a
notebook under the graded name (see autograder/variants.py), so a variant may use `np` and nothing
else. `mistake=` names the kind of mistake that the general diagnosis (autograder/diagnosis.py)
must name by itself, so that the same mistake written another way still gets a hint. An input
changed in place is caught by the engine before any value is compared: its hint is the engine's.

Batch-norm and layer-norm forward mutants that get the output wrong keep the documented cache
layout (x, x_hat, mu, var, gamma, eps); those that get the cache wrong are failed by the forward
pass's own cache test. The suite grades the backward passes on caches it builds itself with the
reference forward pass, so a wrong forward pass costs only its own points.

One classic slip has no mutant here on purpose: dropping the path from var to mu in the batch-norm
backward pass. Its contribution is dvar * (-2 / N) * sum(x - mu) = 0 exactly, so an answer that
drops it computes the same gradient, and no test on outputs can (or should) tell them apart.
"""
import numpy as np

from autograder.boundary import IN_PLACE
from autograder.variants import Variants
from solutions import normalization as ref

V = Variants(reference=ref)

_FLOAT32 = ("The result was computed in float32. Work in float64, numpy's default, as the "
            "notebook's conventions say: float32 keeps only about 7 significant digits.")


# ---------------------------------------------------------------- zero_center

V.edit_mutant("zero_center", "zc_other_own_mean",
              hint="X_other was centred with its own mean. Every split must be transformed with "
                   "the statistics of the TRAINING set, exactly as the training data was: at "
                   "test time there may be a single example, and its own mean says nothing "
                   "about the data the network was trained on.",
              replace={"return X_train - mean, X_other - mean":
                       "return X_train - mean, X_other - X_other.mean(axis=0)"})

V.edit_mutant("zero_center", "zc_fit_on_both",
              hint="The mean was computed from the training AND the other data together. "
                   "Preprocessing statistics come from the training split only; using "
                   "validation or test data to compute them leaks information about the data "
                   "you evaluate on.",
              replace={"mean = X_train.mean(axis=0)":
                       "mean = np.concatenate([X_train, X_other]).mean(axis=0)"})


@V.mutant("zero_center", hint="The two kinds of centring are swapped: per='feature' subtracts "
                              "each feature's mean over the training examples (axis 0, a vector "
                              "of D means), per='image' subtracts each row's mean over its own "
                              "features (axis 1).")
def zc_axes_swapped(X_train, X_other, per="feature"):
    if per == "feature":
        return (X_train - X_train.mean(axis=1, keepdims=True),
                X_other - X_other.mean(axis=1, keepdims=True))
    mean = X_train.mean(axis=0)
    return X_train - mean, X_other - mean


V.edit_mutant("zero_center", "zc_global_mean",
              hint="per='feature' subtracted one number, the mean of all the values, from "
                   "everything; per-feature centring subtracts each feature's own mean (a "
                   "vector of D means), so that every column of the centred training data has "
                   "mean 0.",
              replace={"mean = X_train.mean(axis=0)": "mean = X_train.mean()"})

V.edit_mutant("zero_center", "zc_in_place", hint=IN_PLACE, mistake="in-place",
              replace={"return X_train - mean, X_other - mean":
                       "X_train -= mean\n        X_other -= mean\n        return X_train, X_other"})

V.edit_mutant("zero_center", "zc_image_in_place", hint=IN_PLACE, mistake="in-place",
              replace={"return (X_train - X_train.mean(axis=1, keepdims=True),\n"
                       "                X_other - X_other.mean(axis=1, keepdims=True))":
                       "X_train -= X_train.mean(axis=1, keepdims=True)\n"
                       "        X_other -= X_other.mean(axis=1, keepdims=True)\n"
                       "        return X_train, X_other"})

V.edit_mutant("zero_center", "zc_mean_minus_x", mistake="sign",
              hint="The difference was taken the wrong way round: centring subtracts the mean "
                   "from the data, x - mean.",
              replace={"return X_train - mean, X_other - mean":
                       "return mean - X_train, mean - X_other"})


@V.alternative("zero_center")
def zc_with_sums(X_train, X_other, per="feature"):
    if per == "image":
        D = X_train.shape[1]
        ones = np.ones((D, D)) / D
        return X_train - X_train @ ones, X_other - X_other @ ones
    mean = np.sum(X_train, axis=0, keepdims=True) / X_train.shape[0]
    return X_train - mean, X_other - mean


# ---------------------------------------------------------------- standardize

@V.mutant("standardize", hint="X_other was standardized with its own mean and variance. Use the "
                              "training set's statistics for every split, so that the other "
                              "data goes through exactly the transformation the training data "
                              "went through.")
def std_other_own_stats(X_train, X_other, eps=1e-8):
    def z(X):
        return (X - X.mean(axis=0)) / np.sqrt(X.var(axis=0) + eps)
    return z(X_train), z(X_other)


V.edit_mutant("standardize", "std_ddof1",
              hint="The variance divides by N - 1 (ddof=1); this notebook uses the biased "
                   "variance, dividing by N (np.var's default), as batch norm does when it "
                   "normalizes.",
              replace={"X_train.var(axis=0)": "X_train.var(axis=0, ddof=1)"})

V.edit_mutant("standardize", "std_eps_outside_sqrt",
              hint="eps must be added to the variance, inside the square root: sqrt(var + eps), "
                   "not sqrt(var) + eps. The two differ a lot for a feature that (almost) never "
                   "changes in the training set.",
              replace={"np.sqrt(X_train.var(axis=0) + eps)": "X_train.std(axis=0) + eps"})

V.edit_mutant("standardize", "std_not_centred",
              hint="The data was divided by the standard deviation but not centred first: "
                   "subtract the training mean, then divide.",
              replace={"return (X_train - mean) / std, (X_other - mean) / std":
                       "return X_train / std, X_other / std"})

V.edit_mutant("standardize", "std_fixed_eps", mistake="default-only",
              hint="eps is fixed at its default value: use the eps the caller passes.",
              replace={"X_train.var(axis=0) + eps": "X_train.var(axis=0) + 1e-8"})

V.edit_mutant("standardize", "std_float32", hint=_FLOAT32, mistake="dtype",
              replace={"mean = X_train.mean(axis=0)":
                       "X_train, X_other = X_train.astype(np.float32), X_other.astype(np.float32)\n"
                       "    mean = X_train.mean(axis=0)"})

V.edit_mutant("standardize", "std_in_place", hint=IN_PLACE, mistake="in-place",
              replace={"return (X_train - mean) / std, (X_other - mean) / std":
                       "X_train -= mean\n    X_train /= std\n"
                       "    return X_train, (X_other - mean) / std"})


@V.alternative("standardize")
def std_two_passes(X_train, X_other, eps=1e-8):
    mean = np.mean(X_train, axis=0)
    sd = np.std(X_train, axis=0)
    scale = 1.0 / np.sqrt(sd ** 2 + eps)
    out = [(X - mean[None, :]) * scale[None, :] for X in (X_train, X_other)]
    return out[0], out[1]


# ---------------------------------------------------------------- fit_pca

V.edit_mutant("fit_pca", "pca_ddof1",
              hint="The covariance divides by N - 1 (np.cov's default, ddof=1); this notebook's "
                   "covariance is Xc.T @ Xc / N (np.cov(..., bias=True)).",
              replace={"Xc.T @ Xc / X_train.shape[0]": "np.cov(X_train, rowvar=False)"})

V.edit_mutant("fit_pca", "pca_not_centred",
              hint="The covariance was computed without centring the data first: subtract the "
                   "mean, then compute Xc.T @ Xc / N.",
              replace={"Xc = X_train - mean\n": "Xc = X_train\n"})

V.edit_mutant("fit_pca", "pca_ascending",
              hint="The eigenvalues are in increasing order (np.linalg.eigh's order); sort them "
                   "in DECREASING order, and the columns of U with them, so that U[:, 0] is the "
                   "direction of largest variance.",
              replace={'{"mean": mean, "U": U[:, order], "S": S[order]}':
                       '{"mean": mean, "U": U, "S": S}'})

V.edit_mutant("fit_pca", "pca_rows",
              hint="U holds the eigenvectors as ROWS; np.linalg.eigh (and this notebook) put "
                   "eigenvector i in the COLUMN U[:, i].",
              replace={'"U": U[:, order]': '"U": U[:, order].T'})

V.edit_mutant("fit_pca", "pca_centres_in_place", hint=IN_PLACE, mistake="in-place",
              replace={"Xc = X_train - mean\n": "X_train -= mean\n    Xc = X_train\n"})


@V.alternative("fit_pca")
def pca_by_svd(X_train):
    # the right singular vectors of the centred data are the eigenvectors of its covariance;
    # their signs differ from eigh's, which must not matter
    mean = X_train.mean(axis=0)
    _, s, Vt = np.linalg.svd(X_train - mean, full_matrices=False)
    return {"mean": mean, "U": Vt.T, "S": s ** 2 / X_train.shape[0]}


@V.alternative("fit_pca")
def pca_cov_bias_flipped(X_train):
    mean = np.mean(X_train, axis=0)
    S, U = np.linalg.eigh(np.cov(X_train.T, bias=True))
    order = np.argsort(-S)
    return {"mean": mean, "U": -U[:, order], "S": S[order]}


# ---------------------------------------------------------------- apply_whitening

@V.mutant("apply_whitening", hint="The mean, eigenvectors and eigenvalues were recomputed from "
                                  "X itself instead of using `stats`. PCA statistics are fitted "
                                  "on the training set only and then applied unchanged to "
                                  "validation and test data.")
def whiten_refits_on_X(X, stats, kind="pca", eps=1e-5):
    mean = X.mean(axis=0)
    Xc = X - mean
    S, U = np.linalg.eigh(Xc.T @ Xc / X.shape[0])
    S, U = S[::-1], U[:, ::-1]
    X_white = (Xc @ U) / np.sqrt(S + eps)
    return X_white if kind == "pca" else X_white @ U.T


V.edit_mutant("apply_whitening", "whiten_own_mean",
              hint="X was centred with its own mean instead of stats['mean'], the training "
                   "mean: every split must be transformed exactly as the training data was.",
              replace={'(X - stats["mean"])': "(X - X.mean(axis=0))"})

V.edit_mutant("apply_whitening", "whiten_divide_by_variance",
              hint="Each coordinate was divided by its variance S; whitening divides by the "
                   "standard deviation sqrt(S + eps), so that every coordinate ends up with "
                   "variance (about) 1.",
              replace={'np.sqrt(stats["S"] + eps)': '(stats["S"] + eps)'})

V.edit_mutant("apply_whitening", "whiten_zca_no_rotate_back",
              hint="For kind='zca' the PCA-whitened data must be rotated back to the original "
                   "axes (multiplied by U.T); without it ZCA is just PCA whitening, and a "
                   "whitened image no longer looks like an image.",
              replace={'return X_white @ stats["U"].T': "return X_white"})

V.edit_mutant("apply_whitening", "whiten_eps_outside_sqrt",
              hint="eps must be added to the eigenvalues inside the square root: sqrt(S + eps), "
                   "not sqrt(S) + eps. They differ a lot in directions of (almost) zero "
                   "variance.",
              replace={'np.sqrt(stats["S"] + eps)': '(np.sqrt(stats["S"]) + eps)'})

V.edit_mutant("apply_whitening", "whiten_uses_rows",
              hint="X was multiplied by U.T where it needs U: the eigenvectors are the COLUMNS "
                   "of U, so the coordinates of x along them are x @ U.",
              replace={'(X - stats["mean"]) @ stats["U"]': '(X - stats["mean"]) @ stats["U"].T',
                       'return X_white @ stats["U"].T': 'return X_white @ stats["U"]'})

V.edit_mutant("apply_whitening", "whiten_fixed_eps", mistake="default-only",
              hint="eps is fixed at its default value: use the eps the caller passes.",
              replace={'np.sqrt(stats["S"] + eps)': 'np.sqrt(stats["S"] + 1e-5)'})

V.edit_mutant("apply_whitening", "whiten_centres_in_place", hint=IN_PLACE, mistake="in-place",
              replace={'X_rot = (X - stats["mean"]) @ stats["U"]':
                       'X -= stats["mean"]\n    X_rot = X @ stats["U"]'})


@V.alternative("apply_whitening")
def whiten_with_matrix(X, stats, kind="pca", eps=1e-5):
    U, S = stats["U"], stats["S"]
    W = U * (1.0 / np.sqrt(S + eps))            # U @ diag(1 / sqrt(S + eps))
    if kind == "zca":
        W = W @ U.T
    elif kind != "pca":
        raise ValueError(kind)
    return X @ W - stats["mean"] @ W


# ---------------------------------------------------------------- batchnorm_forward

V.edit_mutant("batchnorm_forward", "bn_forward_biased_running_var",
              hint="running_var was updated with the biased batch variance (divided by N). "
                   "PyTorch's running variance takes the UNBIASED batch variance, var * N / (N "
                   "- 1), while the normalization itself uses the biased one.",
              replace={"new_var = (1 - momentum) * running_var + momentum * var * N / (N - 1)":
                       "new_var = (1 - momentum) * running_var + momentum * var"})

V.edit_mutant("batchnorm_forward", "bn_forward_momentum_reversed",
              hint="momentum is applied the wrong way round: in PyTorch's convention momentum "
                   "is the weight of the NEW batch statistic, running = (1 - momentum) * "
                   "running + momentum * batch_stat (so Keras' momentum=0.99 is PyTorch's "
                   "momentum=0.01).",
              replace={"new_mean = (1 - momentum) * running_mean + momentum * mu":
                       "new_mean = momentum * running_mean + (1 - momentum) * mu",
                       "new_var = (1 - momentum) * running_var + momentum * var * N / (N - 1)":
                       "new_var = momentum * running_var + (1 - momentum) * var * N / (N - 1)"})

V.edit_mutant("batchnorm_forward", "bn_forward_test_uses_batch_stats",
              hint="Test mode normalized with the statistics of the test batch. At test time "
                   "batch norm uses the running statistics gathered during training, so that a "
                   "prediction does not depend on which other examples are in the batch (and "
                   "works for a single example).",
              replace={"x_hat = (x - running_mean) / np.sqrt(running_var + eps)":
                       "x_hat = (x - x.mean(axis=0)) / np.sqrt(x.var(axis=0) + eps)"})

V.edit_mutant("batchnorm_forward", "bn_forward_unbiased_normalization",
              hint="The batch was normalized with the unbiased variance (divided by N - 1). "
                   "Batch norm normalizes with the biased batch variance (divide by N); only "
                   "the running variance uses the unbiased one.",
              replace={"var = x.var(axis=0)": "var = x.var(axis=0, ddof=1)",
                       "new_var = (1 - momentum) * running_var + momentum * var * N / (N - 1)":
                       "new_var = (1 - momentum) * running_var + momentum * var"})

V.edit_mutant("batchnorm_forward", "bn_forward_eps_outside_sqrt",
              hint="eps must be added to the variance inside the square root, sqrt(var + eps), "
                   "not sqrt(var) + eps; the difference shows for features of small variance.",
              replace={"np.sqrt(var + eps)": "(np.sqrt(var) + eps)",
                       "np.sqrt(running_var + eps)": "(np.sqrt(running_var) + eps)"})

V.edit_mutant("batchnorm_forward", "bn_forward_no_running_update",
              hint="The running statistics were not updated in training mode; each training "
                   "step moves them towards the batch statistics: running = (1 - momentum) * "
                   "running + momentum * batch_stat.",
              replace={"return out, new_mean, new_var,": "return out, running_mean, running_var,"})

V.edit_mutant("batchnorm_forward", "bn_forward_over_features",
              hint="Each example was normalized over its own features (axis 1): that is layer "
                   "norm. Batch norm normalizes each FEATURE over the examples of the batch "
                   "(axis 0).",
              replace={"x_hat = (x - mu) / np.sqrt(var + eps)":
                       "x_hat = (x - x.mean(axis=1, keepdims=True)) / np.sqrt(x.var(axis=1, "
                       "keepdims=True) + eps)"})

V.edit_mutant("batchnorm_forward", "bn_forward_running_stats_in_place", hint=IN_PLACE,
              mistake="in-place",
              replace={"new_mean = (1 - momentum) * running_mean + momentum * mu\n"
                       "        new_var = (1 - momentum) * running_var + momentum * var * N / (N - 1)":
                       "running_mean *= 1 - momentum\n"
                       "        running_mean += momentum * mu\n"
                       "        running_var *= 1 - momentum\n"
                       "        running_var += momentum * var * N / (N - 1)\n"
                       "        new_mean, new_var = running_mean, running_var"})

V.edit_mutant("batchnorm_forward", "bn_forward_centres_x_in_place", hint=IN_PLACE,
              mistake="in-place",
              replace={"x_hat = (x - mu) / np.sqrt(var + eps)":
                       "x -= mu\n        x_hat = x / np.sqrt(var + eps)"})

V.edit_mutant("batchnorm_forward", "bn_forward_fixed_momentum", mistake="default-only",
              hint="momentum is fixed at its default value 0.1: use the momentum the caller "
                   "passes.",
              replace={"new_mean = (1 - momentum) * running_mean + momentum * mu":
                       "new_mean = 0.9 * running_mean + 0.1 * mu",
                       "new_var = (1 - momentum) * running_var + momentum * var * N / (N - 1)":
                       "new_var = 0.9 * running_var + 0.1 * var * N / (N - 1)"})

V.edit_mutant("batchnorm_forward", "bn_forward_test_fixed_eps", mistake="default-only",
              hint="In test mode eps is fixed at its default value: use the eps the caller passes, "
                   "in both modes.",
              replace={"np.sqrt(running_var + eps)": "np.sqrt(running_var + 1e-5)"})

V.edit_mutant("batchnorm_forward", "bn_forward_float32", hint=_FLOAT32, mistake="dtype",
              replace={"N = x.shape[0]": "N = x.shape[0]\n"
                       "        x, gamma, beta = (a.astype(np.float32) for a in (x, gamma, beta))"})

V.edit_mutant("batchnorm_forward", "bn_forward_cache_holds_std",
              hint="The cache must hold var, the biased batch variance, as documented: "
                   "(x, x_hat, mu, var, gamma, eps). The backward passes receive exactly this "
                   "layout.",
              replace={"new_var, (x, x_hat, mu, var, gamma, eps)":
                       "new_var, (x, x_hat, mu, np.sqrt(var + eps), gamma, eps)"})

V.edit_mutant("batchnorm_forward", "bn_forward_cache_unbiased_var",
              hint="The cache holds the unbiased variance (times N / (N - 1)); the documented "
                   "cache holds var, the biased batch variance that x was normalized with.",
              replace={"new_var, (x, x_hat, mu, var, gamma, eps)":
                       "new_var, (x, x_hat, mu, var * N / (N - 1), gamma, eps)"})


@V.alternative("batchnorm_forward")
def bn_forward_explicit(x, gamma, beta, running_mean, running_var, mode="train", momentum=0.1,
                        eps=1e-5):
    if mode == "train":
        mu = np.sum(x, axis=0) / len(x)
        var = np.mean((x - mu) ** 2, axis=0)
        inv_std = 1.0 / np.sqrt(var + eps)
        x_hat = (x - mu) * inv_std
        running_mean = running_mean + momentum * (mu - running_mean)
        running_var = running_var + momentum * (np.var(x, axis=0, ddof=1) - running_var)
        return x_hat * gamma + beta, running_mean, running_var, (x, x_hat, mu, var, gamma, eps)
    elif mode == "test":
        scale = gamma / np.sqrt(running_var + eps)
        return x * scale + (beta - running_mean * scale), running_mean, running_var, None
    raise ValueError(mode)


# ---------------------------------------------------------------- batchnorm_backward

V.edit_mutant("batchnorm_backward", "bn_backward_no_gamma_in_dx",
              hint="gamma is missing from dx: out = gamma * x_hat + beta, so the gradient "
                   "reaching x_hat is dout * gamma, and everything upstream of x_hat is scaled "
                   "by gamma.",
              replace={"dx_hat = dout * gamma": "dx_hat = dout"})

V.edit_mutant("batchnorm_backward", "bn_backward_sums_without_axis",
              hint="dbeta and dgamma were summed over every entry, giving one number each: "
                   "gamma and beta have one value per feature, so sum over the batch only "
                   "(axis=0), giving arrays of shape (D,).",
              replace={"dbeta = dout.sum(axis=0)": "dbeta = np.sum(dout)",
                       "dgamma = (dout * x_hat).sum(axis=0)": "dgamma = np.sum(dout * x_hat)"})

V.edit_mutant("batchnorm_backward", "bn_backward_no_var_term",
              hint="The path through the variance is missing from dx: var (and so the "
                   "denominator sqrt(var + eps)) depends on every x[i], so dx gets a term dvar "
                   "* 2 * (x - mu) / N.",
              replace={"    # var = mean(xmu ** 2): a second path into xmu\n"
                       "    dxmu = dxmu + 2.0 * xmu * dvar / N\n": ""})

V.edit_mutant("batchnorm_backward", "bn_backward_no_mu_term",
              hint="The path through the mean is missing from dx: mu is the mean of x over the "
                   "batch, so every x[i] also acts through mu, which adds -sum(dxmu) / N to "
                   "each row of dx.",
              replace={"dx = dxmu + dmu / N": "dx = dxmu"})

V.edit_mutant("batchnorm_backward", "bn_backward_dgamma_without_xhat",
              hint="dgamma is missing x_hat: out = gamma * x_hat + beta, so d out / d gamma = "
                   "x_hat and dgamma = sum over the batch of dout * x_hat.",
              replace={"dgamma = (dout * x_hat).sum(axis=0)": "dgamma = dout.sum(axis=0)"})

V.edit_mutant("batchnorm_backward", "bn_backward_scales_dout_in_place", hint=IN_PLACE,
              mistake="in-place",
              replace={"dx_hat = dout * gamma": "dout *= gamma\n    dx_hat = dout"})

V.edit_mutant("batchnorm_backward", "bn_backward_mu_path_sign",
              hint="The path through the mean has the wrong sign: xmu = x - mu, so the gradient "
                   "reaching mu is MINUS the sum over the batch of the gradient reaching xmu.",
              replace={"dmu = -dxmu.sum(axis=0)": "dmu = dxmu.sum(axis=0)"})


@V.alternative("batchnorm_backward")
def bn_backward_cs231n_stages(dout, cache):
    # the stages of the CS231n graph, recomputing the intermediates from x
    x, _, _, _, gamma, eps = cache
    N, D = x.shape
    mu = 1.0 / N * np.sum(x, axis=0)
    xmu = x - mu
    sq = xmu ** 2
    var = 1.0 / N * np.sum(sq, axis=0)
    sqrtvar = np.sqrt(var + eps)
    ivar = 1.0 / sqrtvar
    xhat = xmu * ivar
    dbeta = np.sum(dout, axis=0)
    dgammax = dout
    dgamma = np.sum(dgammax * xhat, axis=0)
    dxhat = dgammax * gamma
    divar = np.sum(dxhat * xmu, axis=0)
    dxmu1 = dxhat * ivar
    dsqrtvar = -1.0 / (sqrtvar ** 2) * divar
    dvar = 0.5 * 1.0 / np.sqrt(var + eps) * dsqrtvar
    dsq = 1.0 / N * np.ones((N, D)) * dvar
    dxmu2 = 2 * xmu * dsq
    dx1 = dxmu1 + dxmu2
    dmu = -1 * np.sum(dxmu1 + dxmu2, axis=0)
    dx2 = 1.0 / N * np.ones((N, D)) * dmu
    return dx1 + dx2, dgamma, dbeta


@V.alternative("batchnorm_backward")
def bn_backward_without_var_to_mu_path(dout, cache):
    # Drops the var -> mu path, which is exactly zero (sum(x - mu) = 0): still correct.
    x, x_hat, mu, var, gamma, eps = cache
    N = x.shape[0]
    xmu = x - mu
    std = np.sqrt(var + eps)
    dx_hat = dout * gamma
    dvar = np.sum(dx_hat * xmu, axis=0) * -0.5 * (var + eps) ** -1.5
    dmu = np.sum(-dx_hat / std, axis=0)          # + dvar * mean(-2 * xmu), which is 0
    dx = dx_hat / std + dvar * 2 * xmu / N + dmu / N
    return dx, np.sum(dout * x_hat, axis=0), np.sum(dout, axis=0)


# ---------------------------------------------------------------- batchnorm_backward_alt

V.edit_mutant("batchnorm_backward_alt", "bn_alt_no_gamma",
              hint="gamma is missing from dx: the gradient reaching x_hat is dout * gamma.",
              replace={"dx = gamma / (N *": "dx = 1 / (N *"})

V.edit_mutant("batchnorm_backward_alt", "bn_alt_no_xhat_term",
              hint="The term that comes from the variance, - x_hat * sum(dx_hat * x_hat), is "
                   "missing from dx.",
              replace={" - x_hat * dgamma)": ")"})

V.edit_mutant("batchnorm_backward_alt", "bn_alt_no_mean_term",
              hint="The term that comes from the mean, - sum(dx_hat), is missing from dx: every "
                   "x[i] also acts through mu.",
              replace={"N * dout - dbeta - x_hat": "N * dout - x_hat"})

V.edit_mutant("batchnorm_backward_alt", "bn_alt_no_eps",
              hint="eps is missing from the backward pass: the forward pass divided by sqrt(var "
                   "+ eps), so dx is divided by sqrt(var + eps) too, not by sqrt(var).",
              replace={"np.sqrt(var + eps)": "np.sqrt(var)"})

V.edit_mutant("batchnorm_backward_alt", "bn_alt_missing_one_over_n",
              hint="dx is N times too large: the whole bracket N * dx_hat - sum(dx_hat) - x_hat "
                   "* sum(dx_hat * x_hat) is divided by N * sqrt(var + eps).", mistake="factor",
              replace={"gamma / (N * np.sqrt(var + eps))": "gamma / np.sqrt(var + eps)"})

V.edit_mutant("batchnorm_backward_alt", "bn_alt_divides_by_n_squared", mistake="factor",
              hint="dx is N times too small: the bracket N * dx_hat - sum(dx_hat) - x_hat * "
                   "sum(dx_hat * x_hat) is divided by N * sqrt(var + eps), once.",
              replace={"gamma / (N * np.sqrt(var + eps))": "gamma / (N * N * np.sqrt(var + eps))"})

@V.alternative("batchnorm_backward_alt")
def bn_alt_with_means(dout, cache):
    # the same formula written with means and the centred x instead of x_hat
    x, _, mu, var, gamma, eps = cache
    inv_std = 1.0 / np.sqrt(var + eps)
    xmu = x - mu
    g = dout * gamma
    dx = inv_std * (g - g.mean(axis=0) - xmu * inv_std ** 2 * (g * xmu).mean(axis=0))
    return dx, np.sum(dout * xmu * inv_std, axis=0), np.sum(dout, axis=0)


# ---------------------------------------------------------------- layernorm_forward

V.edit_mutant("layernorm_forward", "ln_forward_over_batch",
              hint="The mean and variance were taken over the batch (axis 0): that is batch "
                   "norm. Layer norm normalizes each example (each ROW) over its own D "
                   "features, so that it does not depend on the other examples of the batch.",
              replace={"mu = x.mean(axis=1, keepdims=True)": "mu = x.mean(axis=0, keepdims=True)",
                       "var = x.var(axis=1, keepdims=True)": "var = x.var(axis=0, keepdims=True)"})

V.edit_mutant("layernorm_forward", "ln_forward_unbiased",
              hint="The variance divides by D - 1 (ddof=1); layer norm (like "
                   "torch.nn.LayerNorm) normalizes with the biased variance, dividing by D.",
              replace={"x.var(axis=1, keepdims=True)": "x.var(axis=1, keepdims=True, ddof=1)"})

V.edit_mutant("layernorm_forward", "ln_forward_eps_outside_sqrt",
              hint="eps must be added to the variance inside the square root, sqrt(var + eps), "
                   "not sqrt(var) + eps.",
              replace={"np.sqrt(var + eps)": "(np.sqrt(var) + eps)"})

V.edit_mutant("layernorm_forward", "ln_forward_no_affine",
              hint="gamma and beta were not applied: after normalizing, layer norm scales and "
                   "shifts each feature, out = gamma * x_hat + beta.",
              replace={"return gamma * x_hat + beta,": "return x_hat,"})

V.edit_mutant("layernorm_forward", "ln_forward_fixed_eps", mistake="default-only",
              hint="eps is fixed at its default value: use the eps the caller passes.",
              replace={"np.sqrt(var + eps)": "np.sqrt(var + 1e-5)"})

V.edit_mutant("layernorm_forward", "ln_forward_float32", hint=_FLOAT32, mistake="dtype",
              replace={"mu = x.mean(axis=1, keepdims=True)":
                       "x, gamma, beta = (a.astype(np.float32) for a in (x, gamma, beta))\n"
                       "    mu = x.mean(axis=1, keepdims=True)"})

V.edit_mutant("layernorm_forward", "ln_forward_flat_stats_in_cache",
              hint="In the cache, mu and var must have shape (N, 1), one value per row kept as a "
                   "column, as documented: the backward pass receives exactly this layout.",
              replace={"beta, (x, x_hat, mu, var, gamma, eps)":
                       "beta, (x, x_hat, mu.ravel(), var.ravel(), gamma, eps)"})


@V.alternative("layernorm_forward")
def ln_forward_transposed(x, gamma, beta, eps=1e-5):
    # batch-norm code on x.T: the columns of x.T are the rows of x
    xt = x.T
    mu = xt.mean(axis=0)
    var = ((xt - mu) ** 2).mean(axis=0)
    x_hat = ((xt - mu) / np.sqrt(var + eps)).T
    return x_hat * gamma + beta, (x, x_hat, mu[:, None], var[:, None], gamma, eps)


# ---------------------------------------------------------------- layernorm_backward

V.edit_mutant("layernorm_backward", "ln_backward_batch_axes",
              hint="The sums inside dx run over the batch (axis 0), as in batch norm; in layer "
                   "norm the mean and variance of a row depend only on that row, so the sums "
                   "run over its D features (axis 1) and the count is D.",
              replace={"D = x.shape[1]": "D = x.shape[0]",
                       "dx_hat.sum(axis=1, keepdims=True)": "dx_hat.sum(axis=0)",
                       "(dx_hat * x_hat).sum(axis=1, keepdims=True)":
                       "(dx_hat * x_hat).sum(axis=0)"})

V.edit_mutant("layernorm_backward", "ln_backward_dgamma_over_features",
              hint="dgamma and dbeta were summed over the features (axis 1). gamma and beta "
                   "have one value per feature, shared by every example, so their gradients sum "
                   "over the batch (axis 0), as in batch norm.",
              replace={"dbeta = dout.sum(axis=0)": "dbeta = dout.sum(axis=1)",
                       "dgamma = (dout * x_hat).sum(axis=0)":
                       "dgamma = (dout * x_hat).sum(axis=1)"})

V.edit_mutant("layernorm_backward", "ln_backward_no_gamma",
              hint="gamma is missing from dx: the gradient reaching x_hat is dout * gamma.",
              replace={"dx_hat = dout * gamma": "dx_hat = dout"})

V.edit_mutant("layernorm_backward", "ln_backward_no_var_term",
              hint="The term that comes from the variance, - x_hat * sum(dx_hat * x_hat) over "
                   "each row, is missing from dx.",
              replace={"\n          - x_hat * (dx_hat * x_hat).sum(axis=1, keepdims=True))": ")"})

V.edit_mutant("layernorm_backward", "ln_backward_divides_by_n", mistake="factor",
              hint="dx is divided by the batch size N where the count is D, the number of "
                   "features each row is normalized over.",
              replace={"(D * np.sqrt(var + eps))": "(x.shape[0] * np.sqrt(var + eps))"})

V.edit_mutant("layernorm_backward", "ln_backward_scales_dout_in_place", hint=IN_PLACE,
              mistake="in-place",
              replace={"dx_hat = dout * gamma": "dout *= gamma\n    dx_hat = dout"})


@V.alternative("layernorm_backward")
def ln_backward_stages(dout, cache):
    # stage by stage, as in the batch-norm backward pass, along axis 1
    x, x_hat, mu, var, gamma, eps = cache
    D = x.shape[1]
    xmu = x - mu
    std = np.sqrt(var + eps)
    dx_hat = dout * gamma
    dvar = np.sum(dx_hat * xmu, axis=1, keepdims=True) * -0.5 / std ** 3
    dxmu = dx_hat / std + dvar * 2.0 * xmu / D
    dx = dxmu - np.mean(dxmu, axis=1, keepdims=True)
    return dx, np.sum(dout * x_hat, axis=0), np.sum(dout, axis=0)


# The mistakes of the demo's `mistakes` student (and, the first one, of its `attacker`).
DEMO_MISTAKES = ("bn_backward_no_gamma_in_dx", "bn_forward_biased_running_var",
                 "whiten_refits_on_X")
