"""Reference implementations for the initialization assignment.

Each function is the body of one solution cell of assignments/initialization/initialization.ipynb.
They never call each other, so that one wrong function costs only its own points. numpy only,
float64. Weights have shape (fan_in, fan_out), so fan_in = shape[0] and fan_out = shape[1]; the
gains and formulas are those of torch.nn.init.
"""
import numpy as np


def two_layer_grads(params, X, y):
    """
    Loss and gradients of a two-layer ReLU network with a softmax cross-entropy loss.

    The network is

        pre = X @ W1 + b1          (N, H)   pre-activations of the hidden units
        hidden = relu(pre)         (N, H)   relu(z) = max(0, z)
        scores = hidden @ W2 + b2  (N, C)

    and the loss is the mean over the N examples of -log(softmax(scores)[i, y[i]]), with the
    softmax computed stably (subtract each row's maximum score before exponentiating). At a
    kink, relu'(0) = 0 (as in PyTorch): a hidden unit whose pre-activation is exactly 0 passes
    no gradient back.

    Hidden unit j is column j of W1 (its incoming weights), entry j of b1, and row j of W2 (its
    outgoing weights).

    Inputs:
    - params: dict with W1 of shape (D, H), b1 of shape (H,), W2 of shape (H, C), b2 of shape (C,)
    - X: input data, array of shape (N, D)
    - y: labels, int array of shape (N,) with values in 0 .. C-1

    Returns a tuple of:
    - loss: a Python float, the mean cross-entropy over the N examples
    - grads: dict with the same keys and shapes as params, grads[name] = d loss / d params[name]
    """
    W1, b1, W2, b2 = params["W1"], params["b1"], params["W2"], params["b2"]
    n = X.shape[0]
    pre = X @ W1 + b1
    hidden = np.maximum(0.0, pre)
    scores = hidden @ W2 + b2
    shifted = scores - scores.max(axis=1, keepdims=True)
    log_probs = shifted - np.log(np.sum(np.exp(shifted), axis=1, keepdims=True))
    loss = -float(np.mean(log_probs[np.arange(n), y]))
    dscores = np.exp(log_probs)
    dscores[np.arange(n), y] -= 1.0
    dscores /= n
    dpre = (dscores @ W2.T) * (pre > 0)
    grads = {"W1": X.T @ dpre, "b1": dpre.sum(axis=0),
             "W2": hidden.T @ dscores, "b2": dscores.sum(axis=0)}
    return loss, grads


def zeros_init(shape):
    """
    All-zero weights (like torch.nn.init.zeros_).

    Inputs:
    - shape: a tuple (fan_in, fan_out)

    Returns:
    - W: a float64 array of that shape, filled with 0.0
    """
    return np.zeros(shape, dtype=np.float64)


def constant_init(shape, value):
    """
    Weights that all have the same value (like torch.nn.init.constant_).

    Inputs:
    - shape: a tuple (fan_in, fan_out)
    - value: a number (an int or a float)

    Returns:
    - W: a float64 array of that shape, every entry equal to value (float64 even if value is an
      int)
    """
    return np.full(shape, value, dtype=np.float64)


def small_random_init(shape, rng, std=0.01):
    """
    Small random weights: independent draws from the normal distribution N(0, std**2).

    N(0, std**2) has mean 0 and standard deviation std (its variance is std**2).

    Inputs:
    - shape: a tuple (fan_in, fan_out)
    - rng: a numpy.random.Generator, the only source of randomness
    - std: the standard deviation of the weights, a float > 0

    Returns:
    - W: a float64 array of that shape
    """
    return std * rng.standard_normal(shape)


def calculate_gain(nonlinearity, param=None):
    """
    The recommended gain of a nonlinearity (like torch.nn.init.calculate_gain).

    Initializers multiply the standard deviation (or the bound) of the weights by this gain, to
    make up for how much the nonlinearity shrinks the signal:

    - 'linear', 'conv1d', 'conv2d', 'conv3d', 'conv_transpose1d', 'conv_transpose2d',
      'conv_transpose3d' and 'sigmoid': 1
    - 'tanh': 5/3
    - 'relu': sqrt(2)
    - 'leaky_relu': sqrt(2 / (1 + a**2)), where a = param is the negative slope; when param is
      None, a = 0.01 (the default slope of leaky ReLU)
    - 'selu': 3/4

    Inputs:
    - nonlinearity: the name of the nonlinearity, one of the strings above
    - param: the negative slope a of 'leaky_relu' (a number, or None for 0.01); not used by the
      other nonlinearities

    Returns:
    - gain: a Python float

    Raises a ValueError for any other name.
    """
    linear = ("linear", "conv1d", "conv2d", "conv3d", "conv_transpose1d", "conv_transpose2d",
              "conv_transpose3d")
    if nonlinearity in linear or nonlinearity == "sigmoid":
        return 1.0
    if nonlinearity == "tanh":
        return 5.0 / 3
    if nonlinearity == "relu":
        return float(np.sqrt(2.0))
    if nonlinearity == "leaky_relu":
        slope = 0.01 if param is None else param
        return float(np.sqrt(2.0 / (1 + slope ** 2)))
    if nonlinearity == "selu":
        return 3.0 / 4
    raise ValueError(f"unsupported nonlinearity {nonlinearity!r}")


def xavier_uniform(shape, rng, gain=1.0):
    """
    Xavier (Glorot) uniform initialization (like torch.nn.init.xavier_uniform_).

    Draws from the uniform distribution U(-bound, bound) with
    bound = gain * sqrt(6 / (fan_in + fan_out)), which gives the weights the variance
    gain**2 * 2 / (fan_in + fan_out).

    Inputs:
    - shape: a tuple (fan_in, fan_out)
    - rng: a numpy.random.Generator, the only source of randomness
    - gain: the gain of the nonlinearity that follows (a float; see calculate_gain)

    Returns:
    - W: a float64 array of that shape
    """
    fan_in, fan_out = shape
    bound = gain * np.sqrt(6.0 / (fan_in + fan_out))
    return rng.uniform(-bound, bound, size=shape)


def xavier_normal(shape, rng, gain=1.0):
    """
    Xavier (Glorot) normal initialization (like torch.nn.init.xavier_normal_).

    Draws from the normal distribution N(0, std**2) with std = gain * sqrt(2 / (fan_in + fan_out)).

    Inputs:
    - shape: a tuple (fan_in, fan_out)
    - rng: a numpy.random.Generator, the only source of randomness
    - gain: the gain of the nonlinearity that follows (a float; see calculate_gain)

    Returns:
    - W: a float64 array of that shape
    """
    fan_in, fan_out = shape
    std = gain * np.sqrt(2.0 / (fan_in + fan_out))
    return rng.normal(0.0, std, size=shape)


def kaiming_uniform(shape, rng, a=0, mode="fan_in", nonlinearity="leaky_relu"):
    """
    Kaiming (He) uniform initialization (like torch.nn.init.kaiming_uniform_, same defaults).

    Draws from U(-bound, bound) with bound = gain * sqrt(3 / fan), which gives the weights the
    variance gain**2 / fan. fan is fan_in = shape[0] when mode is 'fan_in' (keeps the size of the
    activations in the forward pass) and fan_out = shape[1] when mode is 'fan_out' (keeps the
    size of the gradients in the backward pass). The gain is that of calculate_gain(nonlinearity,
    a); write it out here without calling calculate_gain, so that this function stands on its own.
    Note the defaults: 'leaky_relu' with a = 0 is the ReLU, gain sqrt(2).

    Inputs:
    - shape: a tuple (fan_in, fan_out)
    - rng: a numpy.random.Generator, the only source of randomness
    - a: the negative slope of the leaky ReLU (used only when nonlinearity is 'leaky_relu')
    - mode: 'fan_in' or 'fan_out'
    - nonlinearity: 'linear', 'sigmoid', 'tanh', 'relu', 'leaky_relu' or 'selu'

    Returns:
    - W: a float64 array of that shape
    """
    fan_in, fan_out = shape
    fan = fan_in if mode == "fan_in" else fan_out
    if nonlinearity == "leaky_relu":
        gain = np.sqrt(2.0 / (1 + a ** 2))
    else:
        gain = {"linear": 1.0, "sigmoid": 1.0, "tanh": 5.0 / 3, "relu": np.sqrt(2.0),
                "selu": 0.75}[nonlinearity]
    bound = gain * np.sqrt(3.0 / fan)
    return rng.uniform(-bound, bound, size=shape)


def kaiming_normal(shape, rng, a=0, mode="fan_in", nonlinearity="leaky_relu"):
    """
    Kaiming (He) normal initialization (like torch.nn.init.kaiming_normal_, same defaults).

    Draws from N(0, std**2) with std = gain / sqrt(fan). fan is fan_in = shape[0] when mode is
    'fan_in' and fan_out = shape[1] when mode is 'fan_out'. The gain is that of
    calculate_gain(nonlinearity, a); write it out here without calling calculate_gain, so that
    this function stands on its own. Note the defaults: 'leaky_relu' with a = 0 is the ReLU,
    gain sqrt(2).

    Inputs:
    - shape: a tuple (fan_in, fan_out)
    - rng: a numpy.random.Generator, the only source of randomness
    - a: the negative slope of the leaky ReLU (used only when nonlinearity is 'leaky_relu')
    - mode: 'fan_in' or 'fan_out'
    - nonlinearity: 'linear', 'sigmoid', 'tanh', 'relu', 'leaky_relu' or 'selu'

    Returns:
    - W: a float64 array of that shape
    """
    fan_in, fan_out = shape
    fan = fan_in if mode == "fan_in" else fan_out
    if nonlinearity == "leaky_relu":
        gain = np.sqrt(2.0 / (1 + a ** 2))
    else:
        gain = {"linear": 1.0, "sigmoid": 1.0, "tanh": 5.0 / 3, "relu": np.sqrt(2.0),
                "selu": 0.75}[nonlinearity]
    std = gain / np.sqrt(fan)
    return rng.normal(0.0, std, size=shape)


def lecun_normal(shape, rng):
    """
    LeCun normal initialization: N(0, std**2) with std = 1 / sqrt(fan_in).

    It is Kaiming normal with nonlinearity 'linear' (gain 1) and mode 'fan_in', i.e.
    torch.nn.init.kaiming_normal_(w, nonlinearity='linear'). (Keras' lecun_normal draws from a
    truncated normal instead; here it is the plain normal distribution.)

    Inputs:
    - shape: a tuple (fan_in, fan_out)
    - rng: a numpy.random.Generator, the only source of randomness

    Returns:
    - W: a float64 array of that shape
    """
    fan_in = shape[0]
    return rng.normal(0.0, 1.0 / np.sqrt(fan_in), size=shape)
