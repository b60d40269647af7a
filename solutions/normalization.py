"""Reference implementations for the normalization assignment.

Each function is the body of one solution cell of assignments/normalization/normalization.ipynb.
They never call each other, so that one wrong function costs only its own points. numpy only,
float64. Batch norm and layer norm follow torch.nn.BatchNorm1d and torch.nn.LayerNorm.
"""
import numpy as np


def zero_center(X_train, X_other, per="feature"):
    """
    Zero-centre a training set and another split (validation or test data).

    - per="feature": subtract from every row the mean of each feature over the TRAINING set
      (the "mean image", an array of shape (D,)). The same training mean is subtracted from
      X_other: the other split is never used to compute anything.
    - per="image": subtract from every row (every image) the mean of its own D values. This
      needs no statistics from the training set; both arrays are treated the same way.

    Inputs:
    - X_train: training data, array of shape (N, D)
    - X_other: other data, array of shape (M, D)
    - per: "feature" or "image"

    Returns a tuple of:
    - train_centered: array of shape (N, D)
    - other_centered: array of shape (M, D)
    """
    if per == "feature":
        mean = X_train.mean(axis=0)
        return X_train - mean, X_other - mean
    if per == "image":
        return (X_train - X_train.mean(axis=1, keepdims=True),
                X_other - X_other.mean(axis=1, keepdims=True))
    raise ValueError(f"per must be 'feature' or 'image', not {per!r}")


def standardize(X_train, X_other, eps=1e-8):
    """
    Standardize every feature with the mean and variance of the TRAINING set.

    For each feature j, with mean[j] and var[j] the mean and the variance (the biased one,
    dividing by N, as np.var does by default) of column j of X_train:

        out[:, j] = (X[:, j] - mean[j]) / sqrt(var[j] + eps)

    for X = X_train and for X = X_other, with the same training statistics for both. eps keeps
    a feature that is constant in the training set from dividing by zero.

    Inputs:
    - X_train: training data, array of shape (N, D)
    - X_other: other data, array of shape (M, D)
    - eps: a small float added to the variance

    Returns a tuple of:
    - train_standardized: array of shape (N, D)
    - other_standardized: array of shape (M, D)
    """
    mean = X_train.mean(axis=0)
    std = np.sqrt(X_train.var(axis=0) + eps)
    return (X_train - mean) / std, (X_other - mean) / std


def fit_pca(X_train):
    """
    Principal component analysis of a training set: its mean, and the eigenvectors and
    eigenvalues of its covariance matrix.

    The covariance matrix is C = Xc.T @ Xc / N, where Xc = X_train - mean is the centred data
    (divide by N, not N - 1). C is symmetric, so it has D orthonormal eigenvectors, the principal
    directions; eigenvalue S[i] is the variance of the data along direction U[:, i].

    Inputs:
    - X_train: training data, array of shape (N, D)

    Returns a dict with:
    - "mean": array of shape (D,), the mean of each feature
    - "U": array of shape (D, D) whose COLUMNS are orthonormal eigenvectors of C, in the order of
      S. The sign of each eigenvector is arbitrary (if u is an eigenvector, so is -u): any sign
      is accepted.
    - "S": array of shape (D,), the eigenvalues of C in DECREASING order
    """
    mean = X_train.mean(axis=0)
    Xc = X_train - mean
    C = Xc.T @ Xc / X_train.shape[0]
    S, U = np.linalg.eigh(C)          # ascending order
    order = np.argsort(S)[::-1]
    return {"mean": mean, "U": U[:, order], "S": S[order]}


def apply_whitening(X, stats, kind="pca", eps=1e-5):
    """
    Whiten data with PCA statistics fitted on the training set (the output of fit_pca).

    With Xc = X - stats["mean"], U = stats["U"] and S = stats["S"]:
    - kind="pca": rotate into the principal directions and divide each coordinate by its
      standard deviation:  out = (Xc @ U) / sqrt(S + eps)        (shape (M, D))
    - kind="zca": PCA-whiten, then rotate back to the original axes:
                         out = ((Xc @ U) / sqrt(S + eps)) @ U.T   (shape (M, D))

    Use the statistics you are given: X may be validation or test data, and it must be
    transformed exactly as the training data was. eps keeps the directions of (almost) zero
    variance from blowing up.

    Inputs:
    - X: data, array of shape (M, D)
    - stats: dict with "mean" (D,), "U" (D, D) and "S" (D,), as returned by fit_pca
    - kind: "pca" or "zca"
    - eps: a small float added to the eigenvalues

    Returns:
    - out: array of shape (M, D)
    """
    X_rot = (X - stats["mean"]) @ stats["U"]
    X_white = X_rot / np.sqrt(stats["S"] + eps)
    if kind == "pca":
        return X_white
    if kind == "zca":
        return X_white @ stats["U"].T
    raise ValueError(f"kind must be 'pca' or 'zca', not {kind!r}")


def batchnorm_forward(x, gamma, beta, running_mean, running_var, mode="train", momentum=0.1,
                      eps=1e-5):
    """
    Forward pass of batch normalization (like torch.nn.BatchNorm1d).

    Training mode (mode="train"): normalize each feature with the statistics of this batch,
        mu = mean of x over the batch (axis 0), var = its BIASED variance (divide by N),
        x_hat = (x - mu) / sqrt(var + eps),   out = gamma * x_hat + beta,
    and update the running statistics, an exponential moving average over the batches:
        running_mean = (1 - momentum) * running_mean + momentum * mu
        running_var  = (1 - momentum) * running_var  + momentum * var * N / (N - 1)
    (the running variance takes the UNBIASED batch variance, as PyTorch's does). N >= 2.

    Test mode (mode="test"): normalize with the running statistics instead of the batch's,
        out = gamma * (x - running_mean) / sqrt(running_var + eps) + beta,
    and leave the running statistics unchanged.

    Inputs:
    - x: data, array of shape (N, D)
    - gamma: scale, array of shape (D,)
    - beta: shift, array of shape (D,)
    - running_mean: array of shape (D,)
    - running_var: array of shape (D,)
    - mode: "train" or "test"
    - momentum: weight of the current batch in the running averages (PyTorch's convention)
    - eps: small float added to the variance

    Returns a tuple of:
    - out: array of shape (N, D)
    - running_mean: array of shape (D,), the updated running mean (unchanged in test mode)
    - running_var: array of shape (D,), the updated running variance (unchanged in test mode)
    - cache: in training mode, the tuple (x, x_hat, mu, var, gamma, eps) that batchnorm_backward
      and batchnorm_backward_alt receive, with mu and var of shape (D,) and var the biased
      batch variance; None in test mode
    """
    if mode == "train":
        N = x.shape[0]
        mu = x.mean(axis=0)
        var = x.var(axis=0)
        x_hat = (x - mu) / np.sqrt(var + eps)
        out = gamma * x_hat + beta
        new_mean = (1 - momentum) * running_mean + momentum * mu
        new_var = (1 - momentum) * running_var + momentum * var * N / (N - 1)
        return out, new_mean, new_var, (x, x_hat, mu, var, gamma, eps)
    if mode == "test":
        x_hat = (x - running_mean) / np.sqrt(running_var + eps)
        return gamma * x_hat + beta, running_mean.copy(), running_var.copy(), None
    raise ValueError(f"mode must be 'train' or 'test', not {mode!r}")


def batchnorm_backward(dout, cache):
    """
    Backward pass of batch normalization (training mode), one stage of the computational
    graph at a time.

    Go backwards through the stages of the forward pass,
        xmu = x - mu,  var = mean(xmu ** 2, axis 0),  std = sqrt(var + eps),
        x_hat = xmu / std,  out = gamma * x_hat + beta,
    remembering that mu and var both depend on every row of x.

    Inputs:
    - dout: upstream gradient, array of shape (N, D)
    - cache: (x, x_hat, mu, var, gamma, eps), as returned by batchnorm_forward in training mode

    Returns a tuple of:
    - dx: gradient with respect to x, array of shape (N, D)
    - dgamma: gradient with respect to gamma, array of shape (D,)
    - dbeta: gradient with respect to beta, array of shape (D,)
    """
    x, x_hat, mu, var, gamma, eps = cache
    N = x.shape[0]
    xmu = x - mu
    std = np.sqrt(var + eps)
    # out = gamma * x_hat + beta
    dbeta = dout.sum(axis=0)
    dgamma = (dout * x_hat).sum(axis=0)
    dx_hat = dout * gamma
    # x_hat = xmu * (1 / std): two paths, through xmu directly and through std
    dxmu = dx_hat / std
    dinv_std = (dx_hat * xmu).sum(axis=0)
    dstd = -dinv_std / std ** 2
    dvar = 0.5 * dstd / std
    # var = mean(xmu ** 2): a second path into xmu
    dxmu = dxmu + 2.0 * xmu * dvar / N
    # xmu = x - mu with mu = mean(x): the direct path and the path through mu
    dmu = -dxmu.sum(axis=0)
    dx = dxmu + dmu / N
    return dx, dgamma, dbeta


def batchnorm_backward_alt(dout, cache):
    """
    Backward pass of batch normalization (training mode) in closed form.

    Work out dx on paper first (simplify until it is written with x_hat, dx_hat = dout * gamma
    and sums over the batch), then compute it in a few vectorized lines, without the
    intermediate stages of batchnorm_backward. It must give the same result.

    Inputs:
    - dout: upstream gradient, array of shape (N, D)
    - cache: (x, x_hat, mu, var, gamma, eps), as returned by batchnorm_forward in training mode

    Returns a tuple of:
    - dx: gradient with respect to x, array of shape (N, D)
    - dgamma: gradient with respect to gamma, array of shape (D,)
    - dbeta: gradient with respect to beta, array of shape (D,)
    """
    x, x_hat, mu, var, gamma, eps = cache
    N = dout.shape[0]
    dbeta = dout.sum(axis=0)
    dgamma = (dout * x_hat).sum(axis=0)
    # the sums over the batch of dx_hat = dout * gamma and of dx_hat * x_hat are gamma * dbeta
    # and gamma * dgamma: gamma (per feature) comes out in front
    dx = gamma / (N * np.sqrt(var + eps)) * (N * dout - dbeta - x_hat * dgamma)
    return dx, dgamma, dbeta


def layernorm_forward(x, gamma, beta, eps=1e-5):
    """
    Forward pass of layer normalization (like torch.nn.LayerNorm over the last axis).

    Each ROW of x (each example) is normalized over its own D features, with the mean mu and
    the biased variance var of that row:
        x_hat = (x - mu) / sqrt(var + eps),   out = gamma * x_hat + beta,
    gamma and beta being per-feature, as in batch norm. There are no running statistics:
    training and test time compute the same thing, whatever the batch size.

    Inputs:
    - x: data, array of shape (N, D)
    - gamma: scale, array of shape (D,)
    - beta: shift, array of shape (D,)
    - eps: small float added to the variance

    Returns a tuple of:
    - out: array of shape (N, D)
    - cache: the tuple (x, x_hat, mu, var, gamma, eps) that layernorm_backward receives, with
      mu and var of shape (N, 1) (one value per row, kept as a column so that they broadcast
      against x)
    """
    mu = x.mean(axis=1, keepdims=True)
    var = x.var(axis=1, keepdims=True)
    x_hat = (x - mu) / np.sqrt(var + eps)
    return gamma * x_hat + beta, (x, x_hat, mu, var, gamma, eps)


def layernorm_backward(dout, cache):
    """
    Backward pass of layer normalization.

    Inputs:
    - dout: upstream gradient, array of shape (N, D)
    - cache: (x, x_hat, mu, var, gamma, eps), as returned by layernorm_forward

    Returns a tuple of:
    - dx: gradient with respect to x, array of shape (N, D)
    - dgamma: gradient with respect to gamma, array of shape (D,)
    - dbeta: gradient with respect to beta, array of shape (D,)
    """
    x, x_hat, mu, var, gamma, eps = cache
    D = x.shape[1]
    dbeta = dout.sum(axis=0)
    dgamma = (dout * x_hat).sum(axis=0)
    dx_hat = dout * gamma
    dx = (D * dx_hat - dx_hat.sum(axis=1, keepdims=True)
          - x_hat * (dx_hat * x_hat).sum(axis=1, keepdims=True)) / (D * np.sqrt(var + eps))
    return dx, dgamma, dbeta
