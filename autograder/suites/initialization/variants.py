"""Known-wrong (mutants) and known-correct (alternatives) answers for the initialization assignment.

Most mistakes are one edit of the reference (solutions/initialization.py), declared as such; whole
functions are kept for mistakes and alternatives that change the structure (another formula,
another way of drawing). Each variant's source is pasted into a notebook under the graded name
(see autograder/variants.py), so a variant may use `np` and nothing else. `mistake=` names the
kind of mistake that the general diagnosis (autograder/diagnosis.py) must name by itself.

The random initializers' alternatives draw their numbers in other ways and other orders than the
reference: the hidden suite checks distributions, never one sequence of draws.
"""
import numpy as np

from autograder.variants import Variants
from solutions import initialization as ref

V = Variants(reference=ref)

_TRANSPOSED = ("The shape is reversed: weights in this course have shape (fan_in, fan_out). "
               "(PyTorch's nn.Linear.weight is the transpose.)")
_FAN_OUT = ("fan_in and fan_out are swapped: for weights of shape (fan_in, fan_out), fan_in = "
            "shape[0]. (PyTorch stores nn.Linear.weight as (fan_out, fan_in), where fan_in is its "
            "size(1).)")
_IGNORES_MODE = ("mode is ignored: with mode='fan_out' the fan is fan_out = shape[1], which keeps "
                 "the size of the gradients in the backward pass instead of the activations in "
                 "the forward pass.")
_UNIFORM_INSTEAD = ("The variance is right; the shape of the distribution is not: its kurtosis is "
                    "1.8 instead of 3.)")


# ---------------------------------------------------------------- two_layer_grads

V.edit_mutant("two_layer_grads", "two_layer_sum_not_mean",
              hint="The loss is summed over the examples instead of averaged: the loss is the MEAN "
                   "cross-entropy over the N examples, so it and every gradient carry a factor 1/N.",
              replace={"loss = -float(np.mean(": "loss = -float(np.sum(", "    dscores /= n\n": ""})

V.edit_mutant("two_layer_grads", "two_layer_relu_grad_at_zero_is_one",
              hint="A hidden unit whose pre-activation is exactly 0 passes gradient back: relu'(0) "
                   "is taken as 0 here (as in PyTorch), so it should pass none. This matters right "
                   "at initialization: with zero weights and biases every pre-activation is "
                   "exactly 0.",
              replace={"* (pre > 0)": "* (pre >= 0)"})

V.edit_mutant("two_layer_grads", "two_layer_no_relu_mask",
              hint="The gradient goes back through the ReLU unchanged: it must be multiplied by "
                   "relu'(pre), i.e. set to 0 wherever the pre-activation is not positive.",
              replace={"dpre = (dscores @ W2.T) * (pre > 0)": "dpre = dscores @ W2.T"})

V.edit_mutant("two_layer_grads", "two_layer_dW2_from_pre",
              hint="dW2 is computed from the pre-activations: the second layer multiplies the ReLU "
                   "outputs hidden = relu(pre), so dW2 = hidden.T @ dscores.",
              replace={'"W2": hidden.T @ dscores': '"W2": pre.T @ dscores'})

V.edit_mutant("two_layer_grads", "two_layer_no_minus_one",
              hint="The gradient of the cross-entropy with respect to the scores is "
                   "softmax(scores) minus the one-hot label: the -1 at the true class is missing.",
              replace={"    dscores[np.arange(n), y] -= 1.0\n": ""})

V.edit_mutant("two_layer_grads", "two_layer_bias_grad_mean",
              hint="The bias gradients are averaged over the batch a second time: dscores already "
                   "carries the 1/N of the mean loss, so a bias gradient is the SUM over the "
                   "examples.",
              replace={'"b1": dpre.sum(axis=0)': '"b1": dpre.mean(axis=0)',
                       '"b2": dscores.sum(axis=0)': '"b2": dscores.mean(axis=0)'})


@V.mutant("two_layer_grads", hint="The softmax overflows when scores are large (np.exp(1000) is inf "
                                  "in float64, and inf / inf is nan): subtract each row's maximum "
                                  "score before exponentiating.")
def two_layer_unstable_softmax(params, X, y):
    W1, b1, W2, b2 = params["W1"], params["b1"], params["W2"], params["b2"]
    n = X.shape[0]
    pre = X @ W1 + b1
    hidden = np.maximum(0.0, pre)
    scores = hidden @ W2 + b2
    probs = np.exp(scores) / np.sum(np.exp(scores), axis=1, keepdims=True)
    loss = -float(np.mean(np.log(probs[np.arange(n), y])))
    dscores = probs.copy()
    dscores[np.arange(n), y] -= 1.0
    dscores /= n
    dpre = (dscores @ W2.T) * (pre > 0)
    return loss, {"W1": X.T @ dpre, "b1": dpre.sum(axis=0), "W2": hidden.T @ dscores,
                  "b2": dscores.sum(axis=0)}


@V.alternative("two_layer_grads")
def two_layer_one_hot_logsumexp(params, X, y):
    n, C = X.shape[0], params["W2"].shape[1]
    one_hot = np.zeros((n, C))
    one_hot[np.arange(n), y] = 1.0
    pre = X @ params["W1"] + params["b1"]
    hidden = np.where(pre > 0, pre, 0.0)
    scores = hidden @ params["W2"] + params["b2"]
    top = np.max(scores, axis=1, keepdims=True)
    lse = top[:, 0] + np.log(np.exp(scores - top).sum(axis=1))
    loss = float(np.mean(lse - np.sum(scores * one_hot, axis=1)))
    probs = np.exp(scores - lse[:, None])
    dscores = (probs - one_hot) / n
    dhidden = dscores @ params["W2"].T
    dpre = np.where(pre > 0, dhidden, 0.0)
    return loss, {"W2": np.einsum("nh,nc->hc", hidden, dscores), "b2": np.sum(dscores, axis=0),
                  "W1": np.einsum("nd,nh->dh", X, dpre), "b1": np.sum(dpre, axis=0)}


V.edit_mutant("two_layer_grads", "two_layer_caches_in_params",
              hint="The intermediate values are stored in the params dict that was passed in: "
                   "the caller's dict then holds extra entries. Keep them in local variables.",
              replace={"    n = X.shape[0]\n": "    n = X.shape[0]\n    params[\"X\"] = X\n"},
              mistake="in-place")

V.edit_mutant("two_layer_grads", "two_layer_centres_X_in_place",
              hint="X is centred in place (X -= X.mean(axis=0)): the caller's data changes, and "
                   "the network is documented on X as given.",
              replace={"    n = X.shape[0]\n": "    X -= X.mean(axis=0)\n    n = X.shape[0]\n"},
              mistake="in-place")

V.edit_mutant("two_layer_grads", "two_layer_mean_loss_summed_grads",
              hint="The loss is the mean over the N examples, but the gradients are of the SUM: "
                   "dscores must carry the same 1/N as the loss.",
              replace={"    dscores /= n\n": ""}, mistake="factor")


# ---------------------------------------------------------------- zeros_init

V.edit_mutant("zeros_init", "zeros_int_dtype",
              hint="The array holds integers: weights are float64. (An integer array also breaks "
                   "training: W -= lr * dW cannot store floats in it.)",
              replace={"dtype=np.float64": "dtype=int"})

V.edit_mutant("zeros_init", "zeros_transposed",
              hint="The shape is reversed: weights in this course have shape (fan_in, fan_out), so "
                   "that W[i, j] connects input i to unit j. (PyTorch's nn.Linear.weight is the "
                   "transpose, (fan_out, fan_in).)",
              replace={"np.zeros(shape,": "np.zeros((shape[1], shape[0]),"})

V.edit_mutant("zeros_init", "zeros_like_the_tuple",
              hint="np.zeros_like(shape) makes an array shaped like the tuple `shape` itself (a "
                   "vector of 2 numbers); np.zeros(shape) makes an array OF that shape.",
              replace={"np.zeros(shape, dtype=np.float64)": "np.zeros_like(shape)"})

V.edit_mutant("zeros_init", "zeros_nested_list",
              hint="A nested Python list was returned: return a numpy array of float64 (np.zeros).",
              replace={"np.zeros(shape, dtype=np.float64)": "[[0.0] * shape[1] for _ in range(shape[0])]"})

V.edit_alternative("zeros_init", "zeros_full", replace={"np.zeros(shape, dtype=np.float64)": "np.full(shape, 0.0)"})


@V.alternative("zeros_init")
def zeros_filled_empty(shape):
    W = np.empty(shape)
    W[...] = 0
    return W


V.edit_mutant("zeros_init", "zeros_float32",
              hint="The weights are float32: the course computes in float64.",
              replace={"dtype=np.float64": "dtype=np.float32"}, mistake="dtype")


# ---------------------------------------------------------------- constant_init

_FULL = "np.full(shape, value, dtype=np.float64)"

V.edit_mutant("constant_init", "constant_int_dtype",
              hint="With an integer value (e.g. 3) the array holds integers: np.full takes its "
                   "dtype from the value unless you ask for float64. Weights are float64.",
              replace={_FULL: "np.full(shape, value)"})

V.edit_mutant("constant_init", "constant_fill_returns_none",
              hint="Nothing (None) was returned: ndarray.fill works in place and returns None, so "
                   "fill the array first and then return it.",
              replace={_FULL: "np.empty(shape).fill(value)"})

V.edit_mutant("constant_init", "constant_transposed", hint=_TRANSPOSED,
              replace={"np.full(shape,": "np.full((shape[1], shape[0]),"})

V.edit_mutant("constant_init", "constant_ones_plus_value",
              hint="np.ones(shape) + value is 1 + value everywhere: every entry must equal value "
                   "itself.",
              replace={_FULL: "np.ones(shape) + value"})

V.edit_alternative("constant_init", "constant_times_ones", replace={_FULL: "value * np.ones(shape)"})


@V.alternative("constant_init")
def constant_float_value(shape, value):
    W = np.zeros(shape)
    W.fill(float(value))
    return W


V.edit_mutant("constant_init", "constant_float32",
              hint="The weights are float32: the course computes in float64.",
              replace={"dtype=np.float64": "dtype=np.float32"}, mistake="dtype")

V.edit_mutant("constant_init", "constant_bool_dtype",
              hint="The array holds True/False: a dtype of bool turns every nonzero value into "
                   "True. Weights are float64.",
              replace={"dtype=np.float64": "dtype=bool"}, mistake="dtype")


# ---------------------------------------------------------------- small_random_init

_DRAW = "std * rng.standard_normal(shape)"

V.edit_mutant("small_random_init", "small_std_squared",
              hint="The weights' standard deviation is std**2: N(0, std**2) has VARIANCE std**2, "
                   "i.e. standard deviation std, so the standard normal draws are multiplied by "
                   "std itself.",
              replace={_DRAW: "std ** 2 * rng.standard_normal(shape)"})

V.edit_mutant("small_random_init", "small_rand_not_randn",
              hint="rng.random draws uniformly from [0, 1), so every weight is positive (their mean "
                   "is std / 2): draw from a normal distribution with mean 0 "
                   "(rng.standard_normal, numpy's randn, not rand).",
              replace={_DRAW: "std * rng.random(shape)"})

V.edit_mutant("small_random_init", "small_uniform",
              hint="The weights are uniform on [-std, std]; they should be normal (Gaussian) with "
                   "standard deviation std.",
              replace={_DRAW: "rng.uniform(-std, std, size=shape)"})

V.edit_mutant("small_random_init", "small_global_rng", mistake="global-rng",
              hint="The numbers come from numpy's global random generator (np.random.randn ...), "
                   "not from rng: the same rng seed gives different weights, so no experiment can "
                   "be repeated. Draw from rng only.",
              replace={_DRAW: "np.random.randn(*shape) * std"})

V.edit_mutant("small_random_init", "small_ignores_std",
              hint="The std argument is ignored: the standard deviation is always 0.01.",
              replace={_DRAW: "0.01 * rng.standard_normal(shape)"})

V.edit_alternative("small_random_init", "small_transposed_draws",
                   replace={_DRAW: "rng.normal(0.0, std, size=(shape[1], shape[0])).T"})

V.edit_alternative("small_random_init", "small_flat_then_reshape",
                   replace={_DRAW: "rng.normal(scale=std, size=shape[0] * shape[1]).reshape(shape)"})

V.edit_mutant("small_random_init", "small_float32_draws",
              hint="The draws are float32 (dtype=np.float32): weights are float64.",
              replace={"rng.standard_normal(shape)": "rng.standard_normal(shape, dtype=np.float32)"},
              mistake="dtype")


# ---------------------------------------------------------------- calculate_gain

V.edit_mutant("calculate_gain", "gain_relu_two",
              hint="The ReLU gain is sqrt(2), not 2: the ReLU halves the mean square of its input, "
                   "so the VARIANCE of the weights needs a factor 2, and the gain multiplies the "
                   "standard deviation.",
              replace={"return float(np.sqrt(2.0))": "return 2.0"})

V.edit_mutant("calculate_gain", "gain_tanh_four",
              hint="The tanh gain here is 4. Some lecture notes give a factor 4, but that factor "
                   "belongs to the sigmoid (whose slope at 0 is 1/4); PyTorch's gain for tanh is "
                   "5/3.",
              replace={"return 5.0 / 3": "return 4.0"})

V.edit_mutant("calculate_gain", "gain_tanh_one",
              hint="The tanh gain here is 1 (tanh's slope at 0). PyTorch uses 5/3: tanh squashes "
                   "everything away from 0, so a gain of 1 lets the activations shrink layer after "
                   "layer (the experiment in this notebook measures it).",
              replace={"return 5.0 / 3": "return 1.0"})

V.edit_mutant("calculate_gain", "gain_leaky_ignores_param",
              hint="The leaky ReLU gain ignores param: it is sqrt(2 / (1 + a**2)) with a = param, "
                   "the negative slope (0.01 only when param is None).",
              replace={"slope = 0.01 if param is None else param": "slope = 0.01"})

V.edit_mutant("calculate_gain", "gain_leaky_none_is_zero",
              hint="With param=None the leaky ReLU's slope is its default, 0.01 (as in PyTorch), "
                   "not 0: the gain is sqrt(2 / (1 + 0.01**2)), a little below sqrt(2).",
              replace={"slope = 0.01 if param": "slope = 0.0 if param"})

V.edit_mutant("calculate_gain", "gain_selu_one",
              hint="The SELU gain here is 1; PyTorch's calculate_gain('selu') is 3/4. (The SELU "
                   "paper initializes with LeCun normal, i.e. gain 1, but this course follows "
                   "PyTorch's table.)",
              replace={"return 3.0 / 4": "return 1.0"})

V.edit_mutant("calculate_gain", "gain_unknown_is_one",
              hint="An unknown name gives a number instead of an error: calculate_gain raises "
                   "ValueError for a name it does not know (as PyTorch does), so that a typo such "
                   "as 'Relu' cannot silently give the wrong initialization.",
              replace={'raise ValueError(f"unsupported nonlinearity {nonlinearity!r}")': "return 1.0"})


@V.alternative("calculate_gain")
def gain_table(nonlinearity, param=None):
    table = {"linear": 1, "sigmoid": 1, "tanh": 5 / 3, "relu": 2 ** 0.5, "selu": 3 / 4}
    for name in ("conv1d", "conv2d", "conv3d", "conv_transpose1d", "conv_transpose2d",
                 "conv_transpose3d"):
        table[name] = 1
    if nonlinearity == "leaky_relu":
        slope = param if param is not None else 0.01
        return (2 / (1 + slope * slope)) ** 0.5
    if nonlinearity not in table:
        raise ValueError("unknown nonlinearity: " + str(nonlinearity))
    return table[nonlinearity]


V.edit_mutant("calculate_gain", "gain_conv_is_unknown",
              hint="The convolution names ('conv1d', ..., 'conv_transpose3d') are in the table too, "
                   "with gain 1, like 'linear'.",
              replace={"linear = (\"linear\", \"conv1d\", \"conv2d\", \"conv3d\", \"conv_transpose1d\", "
                       "\"conv_transpose2d\",\n              \"conv_transpose3d\")": "linear = (\"linear\",)"})

V.edit_mutant("calculate_gain", "gain_relu_sqrt_half",
              hint="The ReLU gain is inverted: the ReLU halves the mean square of its input, so "
                   "the weights must be LARGER by sqrt(2), not smaller.",
              replace={"return float(np.sqrt(2.0))": "return float(np.sqrt(0.5))"}, mistake="factor")


# ---------------------------------------------------------------- xavier_uniform

_UNIFORM_DRAW = "rng.uniform(-bound, bound, size=shape)"

V.edit_mutant("xavier_uniform", "xavier_uniform_missing_six",
              hint="The bound is missing the 6: it is gain * sqrt(6 / (fan_in + fan_out)), because "
                   "U(-b, b) has variance b**2 / 3 and the target variance is 2 / (fan_in + "
                   "fan_out).",
              replace={"np.sqrt(6.0 /": "np.sqrt(1.0 /"})

V.edit_mutant("xavier_uniform", "xavier_uniform_normal_std_as_bound",
              hint="The bound used is gain * sqrt(2 / (fan_in + fan_out)), the standard deviation "
                   "of Xavier NORMAL. U(-b, b) has standard deviation b / sqrt(3), so the bound is "
                   "sqrt(3) times larger: gain * sqrt(6 / (fan_in + fan_out)).",
              replace={"np.sqrt(6.0 /": "np.sqrt(2.0 /"})

V.edit_mutant("xavier_uniform", "xavier_uniform_normal_instead",
              hint="The weights are normal (Gaussian): xavier_uniform draws from the UNIFORM "
                   "distribution U(-bound, bound), so no weight lies outside the bound.",
              replace={_UNIFORM_DRAW: "rng.normal(0.0, bound / np.sqrt(3.0), size=shape)"})

V.edit_mutant("xavier_uniform", "xavier_uniform_ignores_gain",
              hint="The gain argument is ignored: the bound is gain * sqrt(6 / (fan_in + "
                   "fan_out)).",
              replace={"bound = gain * np.sqrt": "bound = np.sqrt"})

V.edit_mutant("xavier_uniform", "xavier_uniform_half_range",
              hint="The weights cover only [-bound/2, bound/2]: rng.random() - 0.5 spans "
                   "[-0.5, 0.5), so it must be scaled by 2 * bound (or use rng.uniform(-bound, "
                   "bound, ...)).",
              replace={_UNIFORM_DRAW: "(rng.random(shape) - 0.5) * bound"})

V.edit_mutant("xavier_uniform", "xavier_uniform_transposed", hint=_TRANSPOSED,
              replace={"size=shape)": "size=(fan_out, fan_in))"})


@V.alternative("xavier_uniform")
def xavier_uniform_from_random(shape, rng, gain=1.0):
    bound = gain * np.sqrt(6.0) / np.sqrt(shape[0] + shape[1])
    return (2.0 * rng.random(shape) - 1.0) * bound


@V.alternative("xavier_uniform")
def xavier_uniform_transposed_draws(shape, rng, gain=1.0):
    std = gain * np.sqrt(2.0 / (shape[0] + shape[1]))
    bound = np.sqrt(3.0) * std
    return rng.uniform(low=-bound, high=bound, size=(shape[1], shape[0])).T


V.edit_mutant("xavier_uniform", "xavier_uniform_float32",
              hint="The weights are float32 (astype(np.float32)): weights are float64.",
              replace={"size=shape)": "size=shape).astype(np.float32)"}, mistake="dtype")

V.edit_mutant("xavier_uniform", "xavier_uniform_global_rng",
              hint="The numbers come from np.random.uniform, numpy's global generator, not from rng.",
              replace={"rng.uniform(": "np.random.uniform("}, mistake="global-rng")

V.edit_mutant("xavier_uniform", "xavier_uniform_sigmoid_four",
              hint="The bound is multiplied by 4 (Glorot's factor for the sigmoid) whatever the "
                   "gain: the gain argument alone scales the bound.",
              replace={"bound = gain * np.sqrt": "bound = 4 * gain * np.sqrt"})


# ---------------------------------------------------------------- xavier_normal

_NORMAL_DRAW = "rng.normal(0.0, std, size=shape)"
_STD_AS_BOUND = "rng.uniform(-np.sqrt(3.0) * std, np.sqrt(3.0) * std, size=shape)"

V.edit_mutant("xavier_normal", "xavier_normal_variance_as_std",
              hint="The standard deviation used is gain * 2 / (fan_in + fan_out), which is (for "
                   "gain 1) the target VARIANCE: the standard deviation is its square root, "
                   "gain * sqrt(2 / (fan_in + fan_out)).",
              replace={"gain * np.sqrt(2.0 / (fan_in + fan_out))": "gain * 2.0 / (fan_in + fan_out)"})

V.edit_mutant("xavier_normal", "xavier_normal_uniform_bound_as_std",
              hint="The standard deviation used is gain * sqrt(6 / (fan_in + fan_out)), the BOUND "
                   "of Xavier uniform; the normal version's standard deviation is "
                   "gain * sqrt(2 / (fan_in + fan_out)).",
              replace={"np.sqrt(2.0 /": "np.sqrt(6.0 /"})

V.edit_mutant("xavier_normal", "xavier_normal_uniform_instead",
              hint="The weights are uniform: xavier_normal draws from the NORMAL distribution. ("
                   + _UNIFORM_INSTEAD,
              replace={_NORMAL_DRAW: _STD_AS_BOUND})

V.edit_mutant("xavier_normal", "xavier_normal_ignores_gain",
              hint="The gain argument is ignored: the standard deviation is "
                   "gain * sqrt(2 / (fan_in + fan_out)).",
              replace={"std = gain * np.sqrt": "std = np.sqrt"})

V.edit_mutant("xavier_normal", "xavier_normal_fan_in_only",
              hint="Only fan_in is used (that is LeCun's initialization): Xavier averages the "
                   "forward and the backward requirement, 2 / (fan_in + fan_out).",
              replace={"np.sqrt(2.0 / (fan_in + fan_out))": "1.0 / np.sqrt(fan_in)"})

V.edit_alternative("xavier_normal", "xavier_normal_standard_transposed",
                   replace={_NORMAL_DRAW: "std * rng.standard_normal((fan_out, fan_in)).T"})

V.edit_mutant("xavier_normal", "xavier_normal_global_rng",
              hint="The numbers come from np.random.normal, numpy's global generator, not from rng.",
              replace={"rng.normal(": "np.random.normal("}, mistake="global-rng")


@V.mutant("xavier_normal", hint="The weights are the sum of two uniform draws, a triangular "
                                "distribution: its variance can be right, but its shape is not "
                                "the normal distribution's. Draw from rng.normal.")
def xavier_normal_sum_of_uniforms(shape, rng, gain=1.0):
    fan_in, fan_out = shape
    std = gain * np.sqrt(2.0 / (fan_in + fan_out))
    half = np.sqrt(3.0) * std / np.sqrt(2.0)   # two U(-h, h) sum to variance 2 h**2 / 3 = std**2
    return rng.uniform(-half, half, size=shape) + rng.uniform(-half, half, size=shape)


# ---------------------------------------------------------------- kaiming_uniform and kaiming_normal
# The two share their fan and gain code, so most mistakes there are the same edit of either.

_SWAP_FANS = {"fan_in, fan_out = shape": "fan_out, fan_in = shape"}
_NO_MODE = {'fan = fan_in if mode == "fan_in" else fan_out': "fan = fan_in"}
_NO_SLOPE = {"gain = np.sqrt(2.0 / (1 + a ** 2))": "gain = np.sqrt(2.0)"}

V.edit_mutant("kaiming_uniform", "kaiming_uniform_fan_out", hint=_FAN_OUT, replace=_SWAP_FANS)

V.edit_mutant("kaiming_uniform", "kaiming_uniform_normal_formula",
              hint="The bound used is gain / sqrt(fan), the standard deviation of Kaiming NORMAL; "
                   "U(-b, b) has standard deviation b / sqrt(3), so the bound is "
                   "gain * sqrt(3 / fan).",
              replace={"bound = gain * np.sqrt(3.0 / fan)": "bound = gain / np.sqrt(fan)"})

V.edit_mutant("kaiming_uniform", "kaiming_uniform_double_gain",
              hint="The bound gain * sqrt(6 / fan) counts the ReLU's factor twice: sqrt(6 / fan) = "
                   "sqrt(2) * sqrt(3 / fan) is already He uniform for the ReLU. The bound is "
                   "gain * sqrt(3 / fan).",
              replace={"np.sqrt(3.0 / fan)": "np.sqrt(6.0 / fan)"})

V.edit_mutant("kaiming_uniform", "kaiming_uniform_ignores_a",
              hint="The negative slope a is ignored: the leaky ReLU's gain is sqrt(2 / (1 + a**2)). "
                   "(With a = sqrt(5), nn.Linear's default, that gives the bound "
                   "1 / sqrt(fan_in).)",
              replace=_NO_SLOPE)

V.edit_mutant("kaiming_uniform", "kaiming_uniform_ignores_mode", hint=_IGNORES_MODE, replace=_NO_MODE)

V.edit_mutant("kaiming_uniform", "kaiming_uniform_normal_instead",
              hint="The weights are normal (Gaussian): kaiming_uniform draws from the UNIFORM "
                   "distribution U(-bound, bound), so no weight lies outside the bound.",
              replace={_UNIFORM_DRAW: "rng.normal(0.0, bound / np.sqrt(3.0), size=shape)"})


@V.alternative("kaiming_uniform")
def kaiming_uniform_from_variance(shape, rng, a=0, mode="fan_in", nonlinearity="leaky_relu"):
    fan = shape[0] if mode == "fan_in" else shape[1]
    if nonlinearity == "relu":
        gain2 = 2.0
    elif nonlinearity == "leaky_relu":
        gain2 = 2.0 / (1.0 + a * a)
    elif nonlinearity == "tanh":
        gain2 = 25.0 / 9.0
    elif nonlinearity == "selu":
        gain2 = 9.0 / 16.0
    else:
        gain2 = 1.0
    variance = gain2 / fan                      # U(-b, b) has variance b**2 / 3
    bound = np.sqrt(3.0 * variance)
    return (2.0 * rng.random((shape[1], shape[0])) - 1.0).T * bound


V.edit_mutant("kaiming_uniform", "kaiming_uniform_selu_gain_one",
              hint="The SELU gain here is 1; calculate_gain('selu') is 3/4.",
              replace={"\"selu\": 0.75}": "\"selu\": 1.0}"})

V.edit_mutant("kaiming_uniform", "kaiming_uniform_sigmoid_four",
              hint="The sigmoid's gain here is 4 (a factor some notes give for Glorot's sigmoid "
                   "networks); calculate_gain('sigmoid') is 1.",
              replace={"\"sigmoid\": 1.0": "\"sigmoid\": 4.0"})

V.edit_mutant("kaiming_uniform", "kaiming_uniform_global_rng",
              hint="The numbers come from np.random.uniform, numpy's global generator, not from rng.",
              replace={"rng.uniform(": "np.random.uniform("}, mistake="global-rng")


V.edit_mutant("kaiming_normal", "kaiming_normal_fan_out", hint=_FAN_OUT, replace=_SWAP_FANS)

V.edit_mutant("kaiming_normal", "kaiming_normal_variance_as_std",
              hint="The standard deviation used is gain**2 / fan, the target VARIANCE: the "
                   "standard deviation is its square root, gain / sqrt(fan).",
              replace={"std = gain / np.sqrt(fan)": "std = gain ** 2 / fan"})

V.edit_mutant("kaiming_normal", "kaiming_normal_ignores_a",
              hint="The negative slope a is ignored: the leaky ReLU's gain is sqrt(2 / (1 + a**2)).",
              replace=_NO_SLOPE)

V.edit_mutant("kaiming_normal", "kaiming_normal_uniform_instead",
              hint="The weights are uniform: kaiming_normal draws from the NORMAL distribution. ("
                   + _UNIFORM_INSTEAD,
              replace={_NORMAL_DRAW: _STD_AS_BOUND})

V.edit_mutant("kaiming_normal", "kaiming_normal_ignores_mode", hint=_IGNORES_MODE, replace=_NO_MODE)

V.edit_mutant("kaiming_normal", "kaiming_normal_gain_two",
              hint="The ReLU gain used is 2 instead of sqrt(2): the ReLU halves the mean square of "
                   "its input, so the VARIANCE of the weights needs the factor 2, and the standard "
                   "deviation sqrt(2).",
              replace={"gain = np.sqrt(2.0 / (1 + a ** 2))": "gain = 2.0 / (1 + a ** 2)",
                       '"relu": np.sqrt(2.0)': '"relu": 2.0'})


@V.alternative("kaiming_normal")
def kaiming_normal_from_variance(shape, rng, a=0, mode="fan_in", nonlinearity="leaky_relu"):
    fan = shape[0] if mode == "fan_in" else shape[1]
    gains = {"linear": 1.0, "sigmoid": 1.0, "tanh": 5.0 / 3, "relu": 2.0 ** 0.5, "selu": 0.75,
             "leaky_relu": (2.0 / (1.0 + a ** 2)) ** 0.5}
    std = np.sqrt(gains[nonlinearity] ** 2 / fan)
    return std * rng.standard_normal((shape[1], shape[0])).T


V.edit_mutant("kaiming_normal", "kaiming_normal_float32",
              hint="The weights are float32 (astype(np.float32)): weights are float64.",
              replace={"size=shape)": "size=shape).astype(np.float32)"}, mistake="dtype")

V.edit_mutant("kaiming_normal", "kaiming_normal_linear_gain_relu",
              hint="'linear' gets the ReLU's gain sqrt(2) here; calculate_gain('linear') is 1.",
              replace={"{\"linear\": 1.0": "{\"linear\": np.sqrt(2.0)"})


# ---------------------------------------------------------------- lecun_normal

_LECUN_STD = "1.0 / np.sqrt(fan_in)"

V.edit_mutant("lecun_normal", "lecun_normal_he_gain",
              hint="The standard deviation is sqrt(2 / fan_in), He's (the ReLU gain sqrt(2)); LeCun "
                   "uses gain 1: std = 1 / sqrt(fan_in).",
              replace={_LECUN_STD: "np.sqrt(2.0 / fan_in)"})

V.edit_mutant("lecun_normal", "lecun_normal_fan_out",
              hint="fan_out (shape[1]) is used: LeCun scales by fan_in = shape[0] for weights of "
                   "shape (fan_in, fan_out).",
              replace={"fan_in = shape[0]": "fan_in = shape[1]"})

V.edit_mutant("lecun_normal", "lecun_normal_variance_as_std",
              hint="The standard deviation used is 1 / fan_in, the target VARIANCE: the standard "
                   "deviation is 1 / sqrt(fan_in).",
              replace={_LECUN_STD: "1.0 / fan_in"})

V.edit_mutant("lecun_normal", "lecun_normal_uniform",
              hint="The weights are uniform: lecun_normal draws from the NORMAL distribution. ("
                   + _UNIFORM_INSTEAD,
              replace={f"rng.normal(0.0, {_LECUN_STD}, size=shape)":
                       "rng.uniform(-np.sqrt(3.0 / fan_in), np.sqrt(3.0 / fan_in), size=shape)"})

V.edit_mutant("lecun_normal", "lecun_normal_xavier",
              hint="The standard deviation is Xavier's, sqrt(2 / (fan_in + fan_out)); LeCun uses "
                   "fan_in only: 1 / sqrt(fan_in).",
              replace={_LECUN_STD: "np.sqrt(2.0 / (shape[0] + shape[1]))"})

V.edit_alternative("lecun_normal", "lecun_normal_standard_transposed",
                   replace={f"rng.normal(0.0, {_LECUN_STD}, size=shape)":
                            "rng.standard_normal((shape[1], fan_in)).T / np.sqrt(fan_in)"})


@V.mutant("lecun_normal", hint="The weights are drawn from a normal distribution truncated at two "
                               "standard deviations (Keras' lecun_normal); here lecun_normal is "
                               "the plain normal distribution, which the docstring asks for.")
def lecun_normal_truncated(shape, rng):
    std = 1.0 / np.sqrt(shape[0]) / 0.87962566103423978   # Keras' correction of the std
    W = rng.normal(0.0, std, size=shape)
    outside = np.abs(W) > 2 * std
    while outside.any():
        W[outside] = rng.normal(0.0, std, size=int(outside.sum()))
        outside = np.abs(W) > 2 * std
    return W


# Three common mistakes of three different items, for `course demo` and the lifecycle tests; the
# first is the "attacker"'s (clearly wrong: the fans swapped, a std off by a factor 2.5 in the
# suite's shapes).
DEMO_MISTAKES = ("kaiming_normal_fan_out", "gain_relu_two", "xavier_uniform_missing_six")
