"""Reference implementations for the regularization assignment.

Each function (and the class) is the body of one solution cell of
assignments/regularization/regularization.ipynb. They never call each other, so that one wrong
function costs only its own points. numpy only, float64.
"""
import numpy as np

# Never in any student-visible file, feedback or output (tests/test_adversarial.py checks).
CANARY = "course-canary-4e0908708e83c501"


def l2_penalty(weights, lam):
    """
    L2 penalty (weight decay) on a list of weight matrices.

    penalty = lam / 2 * sum over the arrays W of sum(W ** 2). Only weight matrices are passed
    in: biases are not penalised. The penalty is NOT divided by the batch size: add it as is to
    the mean data loss of a minibatch.

    Inputs:
    - weights: list of numpy arrays of any shapes, e.g. [W1 of shape (D, H), W2 of shape (H, C)]
    - lam: regularization strength, a float >= 0

    Returns a tuple of:
    - penalty: a Python float, the penalty
    - grads: list of arrays, grads[i] = d penalty / d weights[i] (same shape as weights[i])
    """
    penalty = 0.0
    grads = []
    for W in weights:
        penalty += 0.5 * lam * float(np.sum(W * W))
        grads.append(lam * W)
    return penalty, grads


def l1_penalty(weights, lam):
    """
    L1 penalty on a list of weight matrices.

    penalty = lam * sum over the arrays W of sum(|W|). |w| has no derivative at w = 0; use the
    subgradient sign(w), with sign(0) = 0 (as np.sign and PyTorch do). Not divided by the batch
    size; biases are not penalised.

    Inputs:
    - weights: list of numpy arrays of any shapes
    - lam: regularization strength, a float >= 0

    Returns a tuple of:
    - penalty: a Python float, the penalty
    - grads: list of arrays, grads[i] = lam * sign(weights[i]) (same shape as weights[i])
    """
    penalty = 0.0
    grads = []
    for W in weights:
        penalty += lam * float(np.sum(np.abs(W)))
        grads.append(lam * np.sign(W))
    return penalty, grads


def elastic_net_penalty(weights, l1, l2):
    """
    Elastic net penalty: the sum of an L1 and an L2 penalty on a list of weight matrices.

    penalty = l1 * sum(|W|) + l2 / 2 * sum(W ** 2), summed over the arrays W. The gradient of
    |w| at w = 0 is taken as sign(0) = 0. Not divided by the batch size; biases are not penalised.

    Inputs:
    - weights: list of numpy arrays of any shapes
    - l1: strength of the L1 part, a float >= 0
    - l2: strength of the L2 part, a float >= 0

    Returns a tuple of:
    - penalty: a Python float, the penalty
    - grads: list of arrays, grads[i] = l1 * sign(weights[i]) + l2 * weights[i]
    """
    penalty = 0.0
    grads = []
    for W in weights:
        penalty += l1 * float(np.sum(np.abs(W))) + 0.5 * l2 * float(np.sum(W * W))
        grads.append(l1 * np.sign(W) + l2 * W)
    return penalty, grads


def dropout_forward(x, p, rng, train=True):
    """
    Forward pass of inverted dropout.

    At training time each entry of x is dropped (set to 0) independently with probability p, and
    the kept entries are scaled by 1 / (1 - p), so that the expected value of each output equals
    its input. At test time (train=False) dropout does nothing: out = x, and no random numbers
    are drawn.

    Inputs:
    - x: numpy array of any shape, e.g. (N, D) activations
    - p: probability of DROPPING a unit, 0 <= p < 1 (PyTorch's convention; keep_prob = 1 - p)
    - rng: a numpy.random.Generator, the only source of randomness
    - train: True for training mode, False for evaluation (test) mode

    Returns a tuple of:
    - out: array of the same shape as x
    - cache: what dropout_backward needs: (mask, p, train), where mask is a boolean array of the
      shape of x that is True for the kept units (None in evaluation mode)
    """
    if not train:
        return x, (None, p, train)
    mask = rng.random(x.shape) >= p
    out = x * mask / (1 - p)
    return out, (mask, p, train)


def dropout_backward(dout, cache):
    """
    Backward pass of inverted dropout.

    Inputs:
    - dout: upstream gradient, an array of the shape of x
    - cache: the cache returned by dropout_forward, (mask, p, train)

    Returns:
    - dx: gradient with respect to x, of the shape of x. In training mode the gradient flows only
      through the kept units, with the same 1 / (1 - p) scale as the forward pass; in evaluation
      mode dx = dout.
    """
    mask, p, train = cache
    if not train:
        return dout
    return dout * mask / (1 - p)


def mc_dropout_predict(X, params, p, T, rng):
    """
    Monte Carlo dropout: predictive mean and spread of a two-layer net with dropout kept ON.

    The net is scores = relu(X @ W1 + b1) -> inverted dropout (drop probability p, training
    mode) -> @ W2 + b2, and probs = softmax(scores), computed stably (subtract each row's max
    before exponentiating). Each of the T forward passes draws a fresh dropout mask.

    Inputs:
    - X: input data, array of shape (N, D)
    - params: dict with W1 of shape (D, H), b1 of shape (H,), W2 of shape (H, C), b2 of shape (C,)
    - p: probability of dropping a hidden unit, 0 <= p < 1
    - T: number of stochastic forward passes, an int >= 1
    - rng: a numpy.random.Generator

    Returns a tuple of:
    - mean: array of shape (N, C), the average of the T softmax probabilities
    - std: array of shape (N, C), their standard deviation over the T passes (population std,
      ddof=0, as np.std computes by default)
    """
    W1, b1, W2, b2 = params["W1"], params["b1"], params["W2"], params["b2"]
    hidden = np.maximum(0, X @ W1 + b1)
    all_probs = []
    for _ in range(T):
        mask = rng.random(hidden.shape) >= p
        scores = (hidden * mask / (1 - p)) @ W2 + b2
        scores = scores - scores.max(axis=1, keepdims=True)
        exp = np.exp(scores)
        all_probs.append(exp / exp.sum(axis=1, keepdims=True))
    all_probs = np.stack(all_probs)  # (T, N, C)
    return all_probs.mean(axis=0), all_probs.std(axis=0)


def max_norm(W, c):
    """
    Max-norm constraint on the incoming weights of each unit.

    W has shape (fan_in, fan_out), so column j holds the incoming weights of unit j. Every column
    whose L2 norm exceeds c is scaled by c / (norm + 1e-7), bringing its norm to (just under) c;
    the other columns, a column whose norm is exactly c included, are left unchanged. Apply
    it after each update step.

    Inputs:
    - W: weight array of shape (fan_in, fan_out); it is not modified
    - c: the maximum allowed norm, a float > 0

    Returns:
    - W_new: a new array of shape (fan_in, fan_out)
    """
    norms = np.sqrt(np.sum(W * W, axis=0, keepdims=True))  # (1, fan_out)
    scale = np.where(norms > c, c / (norms + 1e-7), 1.0)
    return W * scale


def clip_grad_value(grads, clip_value):
    """
    Gradient clipping by value: clamp every entry of every gradient to [-clip_value, clip_value].

    Inputs:
    - grads: list of gradient arrays of any shapes
    - clip_value: a float > 0

    Returns:
    - clipped: list of new arrays, of the same shapes as grads
    """
    return [np.clip(g, -clip_value, clip_value) for g in grads]


def clip_grad_norm(grads, max_norm):
    """
    Gradient clipping by the total norm (like torch.nn.utils.clip_grad_norm_).

    The total norm is the L2 norm of all gradients together, as if they were concatenated into
    one long vector: total_norm = sqrt(sum over arrays g of sum(g ** 2)). Every gradient is then
    multiplied by the same scale = min(max_norm / (total_norm + 1e-6), 1), so the direction of the
    full gradient is kept and only its length shrinks (never grows). A total norm exactly
    max_norm is still scaled, by max_norm / (max_norm + 1e-6), just under 1 (as in PyTorch).

    Inputs:
    - grads: list of gradient arrays of any shapes
    - max_norm: the largest allowed total norm, a float > 0

    Returns a tuple of:
    - clipped: list of new arrays, of the same shapes as grads
    - total_norm: a Python float, the total norm BEFORE clipping
    """
    total_norm = float(np.sqrt(sum(np.sum(g * g) for g in grads)))
    scale = min(max_norm / (total_norm + 1e-6), 1.0)
    return [g * scale for g in grads], total_norm


class EarlyStopping:
    """
    Early stopping on the validation loss, keeping the best weights seen.

    Call step(val_loss, params) once per epoch; the calls are epochs 0, 1, 2, ... A loss counts as
    an improvement only if it is strictly lower than the best so far. On an improvement, remember
    the loss, the epoch and a copy of the weights; otherwise count one more epoch without
    improvement. step returns True once `patience` epochs in a row have brought no improvement:
    then stop training and restore best_params.

    Attributes:
    - patience: the number of epochs without improvement to wait before stopping
    - best_loss: the lowest validation loss so far (float('inf') before the first step)
    - best_epoch: the epoch number of best_loss (None before the first step)
    - best_params: dict name -> array, a copy of the weights at best_epoch (None before the
      first step). It must be a copy of the arrays: the training loop updates its weights in
      place, and that must not change best_params.
    - epoch: the number of step calls made so far
    """

    def __init__(self, patience=5):
        self.patience = patience
        self.best_loss = float("inf")
        self.best_epoch = None
        self.best_params = None
        self.epoch = 0
        self.bad_epochs = 0

    def step(self, val_loss, params):
        """
        Record one epoch.

        Inputs:
        - val_loss: the validation loss of this epoch, a float
        - params: dict name -> numpy array, the current weights

        Returns:
        - stop: True if training should stop now, else False
        """
        if val_loss < self.best_loss:
            self.best_loss = val_loss
            self.best_epoch = self.epoch
            self.best_params = {name: np.array(value, copy=True) for name, value in params.items()}
            self.bad_epochs = 0
        else:
            self.bad_epochs += 1
        self.epoch += 1
        return self.bad_epochs >= self.patience
