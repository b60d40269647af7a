"""Known-wrong (mutants) and known-correct (alternatives) answers for the activations assignment.

Most mistakes are one edit of the reference (solutions/activations.py), declared as such; whole
functions are kept for mistakes and alternatives that change the structure (another formula,
another loop). Each variant's source is pasted into a notebook under the graded name (see
autograder/variants.py), so a variant may use `np` and nothing else. `mistake=` names the kind
of mistake that the general diagnosis (autograder/diagnosis.py) must name by itself.

Every variant keeps the cache layout the notebook documents ((x, out) for most functions),
because it is submitted next to the reference versions of the other functions: a forward
variant's cache goes to the reference backward, and a backward variant receives the reference
forward's cache. (The hidden suite itself hands each backward the cache of the student's own
forward whenever that forward is right, so a student's own consistent cache layout is graded
right too.)
"""
import numpy as np

from autograder.variants import Variants
from solutions import activations as ref

V = Variants(reference=ref)

_DOUT_IN_PLACE = ("dout is multiplied in place (dout *= ...), which changes the caller's upstream "
                  "gradient: return a new array.")
_OVERFLOW_CHAIN = ("exp(z) / (1 + exp(z)) overflows to inf / inf = nan once z is above about 709 "
                   "(large weights): only ever exponentiate numbers <= 0.")


# ---------------------------------------------------------------- collapse_linear_stack

V.edit_mutant("collapse_linear_stack", "collapse_reversed_product",
              hint="The weights are multiplied in the reverse order. With row vectors "
                   "(x @ W_1 @ W_2 ...) the first layer's weight comes first: "
                   "W = W_1 @ W_2 @ ... @ W_L.",
              replace={"W = W @ W_l": "W = W_l @ W"})

V.edit_mutant("collapse_linear_stack", "collapse_sum_of_biases",
              hint="The biases are simply added up, but each bias also goes through every later "
                   "layer: b_1 becomes b_1 @ W_2 @ ... @ W_L in the output.",
              replace={"b = b @ W_l + b_l": "b = b + b_l"})

V.edit_mutant("collapse_linear_stack", "collapse_last_bias_only",
              hint="Only the last layer's bias is kept; the earlier biases reach the output too, "
                   "each multiplied by the weights of the layers after it.",
              replace={"b = b @ W_l + b_l": "b = b_l"})

V.edit_mutant("collapse_linear_stack", "collapse_first_bias_only",
              hint="Only the first layer's bias is carried through; every layer adds its own bias "
                   "b_l after multiplying by W_l.",
              replace={"b = b @ W_l + b_l": "b = b @ W_l"})


@V.alternative("collapse_linear_stack")
def collapse_by_probing(weights, biases):
    # run the stack on the zero input (gives b) and on the identity matrix (gives W + b)
    def stack(h):
        for W_l, b_l in zip(weights, biases):
            h = h @ W_l + b_l
        return h
    D = weights[0].shape[0]
    b = stack(np.zeros((1, D)))[0]
    W = stack(np.eye(D)) - b
    return W, b


# ---------------------------------------------------------------- sigmoid_forward

_SIGMOID = "out = np.where(x >= 0, 1.0 / (1.0 + e), e / (1.0 + e))"

V.edit_mutant("sigmoid_forward", "sigmoid_exp_ratio", mistake="overflow",
              hint="np.exp(x) overflows to inf for x above about 709, and inf / (1 + inf) is nan. "
                   "Only ever exponentiate numbers <= 0: 1 / (1 + exp(-x)) for x >= 0 and "
                   "exp(x) / (1 + exp(x)) for x < 0.",
              replace={"e = np.exp(-np.abs(x))": "e = np.exp(x)", _SIGMOID: "out = e / (1.0 + e)"})

V.edit_mutant("sigmoid_forward", "sigmoid_sign_flipped",
              hint="This is sigma(-x) = 1 - sigma(x): the sign in the exponent is wrong. "
                   "sigma(x) = 1 / (1 + exp(-x)) goes to 1 as x grows.",
              replace={_SIGMOID: "out = np.where(x >= 0, e / (1.0 + e), 1.0 / (1.0 + e))"})

V.edit_mutant("sigmoid_forward", "sigmoid_clipped",
              hint="The output is clipped away from 0 and 1, which changes it wherever |x| is "
                   "larger than about 16: return sigma(x) exactly (clipping, if ever needed, "
                   "belongs in a loss that takes a log).",
              replace={"cache = (x, out)": "out = np.clip(out, 1e-7, 1 - 1e-7)\n    cache = (x, out)"})

V.edit_mutant("sigmoid_forward", "sigmoid_float32", mistake="dtype",
              hint="The output is converted to float32, which keeps only about 7 digits: keep "
                   "numpy's float64.",
              replace={_SIGMOID: _SIGMOID + ".astype(np.float32)"})


@V.alternative("sigmoid_forward")
def sigmoid_naive(x):
    # overflows (with a harmless RuntimeWarning) for x < -709, where 1 / (1 + inf) = 0 is right
    out = 1.0 / (1.0 + np.exp(-x))
    return out, (x, out)


@V.alternative("sigmoid_forward")
def sigmoid_via_tanh(x):
    out = 0.5 * (1.0 + np.tanh(0.5 * x))
    return out, (x, out)


@V.alternative("sigmoid_forward")
def sigmoid_masks(x):
    out = np.zeros_like(x)
    pos = x >= 0
    out[pos] = 1 / (1 + np.exp(-x[pos]))
    e = np.exp(x[~pos])
    out[~pos] = e / (1 + e)
    return out, (x, out)


# ---------------------------------------------------------------- sigmoid_backward

V.edit_mutant("sigmoid_backward", "sigmoid_backward_plus",
              hint="sigma'(x) = sigma(x) * (1 - sigma(x)), with a minus sign: "
                   "sigma(x) * (1 + sigma(x)) is not the derivative.",
              replace={"out * (1.0 - out)": "out * (1.0 + out)"})

V.edit_mutant("sigmoid_backward", "sigmoid_backward_no_dout",
              hint="The local derivative sigma'(x) is returned without the upstream gradient: by "
                   "the chain rule dx = dout * sigma'(x).",
              replace={"dx = dout * out * (1.0 - out)": "dx = out * (1.0 - out)"})

V.edit_mutant("sigmoid_backward", "sigmoid_backward_uses_x",
              hint="The formula s * (1 - s) is applied to the input x; s must be sigma(x), the "
                   "OUTPUT of the forward pass.",
              replace={"out * (1.0 - out)": "x * (1.0 - x)"})

V.edit_mutant("sigmoid_backward", "sigmoid_backward_in_place", mistake="in-place",
              hint=_DOUT_IN_PLACE,
              replace={"dx = dout * out * (1.0 - out)": "dout *= out * (1.0 - out)\n    dx = dout"})


@V.alternative("sigmoid_backward")
def sigmoid_backward_from_x(dout, cache):
    # sigma'(x) = e^{-|x|} / (1 + e^{-|x|})^2 (it is symmetric in x), recomputed from x
    x, out = cache
    e = np.exp(-np.abs(x))
    return dout * e / (1 + e) ** 2


V.edit_alternative("sigmoid_backward", "sigmoid_backward_expanded",
                   replace={"out * (1.0 - out)": "(out - out * out)"})


# ---------------------------------------------------------------- tanh_forward

V.edit_mutant("tanh_forward", "tanh_exp_formula", mistake="overflow",
              hint="np.exp overflows to inf for |x| above about 709, and inf / inf is nan: use "
                   "np.tanh, or a formula that only exponentiates numbers <= 0.",
              replace={"out = np.tanh(x)":
                       "out = (np.exp(x) - np.exp(-x)) / (np.exp(x) + np.exp(-x))"})

V.edit_mutant("tanh_forward", "tanh_identity_missing_2",
              hint="tanh(x) = 2 * sigma(2x) - 1: the argument of sigma is 2x, not x "
                   "(2 * sigma(x) - 1 is tanh(x / 2)).",
              replace={"out = np.tanh(x)": "out = 2 / (1 + np.exp(-x)) - 1"})

V.edit_mutant("tanh_forward", "tanh_is_sigmoid",
              hint="This is the sigmoid, whose values lie between 0 and 1; tanh has values "
                   "between -1 and 1, and tanh(0) = 0.",
              replace={"out = np.tanh(x)": "out = 1 / (1 + np.exp(-x))"})


@V.alternative("tanh_forward")
def tanh_via_sigmoid(x):
    z = 2 * x
    e = np.exp(-np.abs(z))
    s = np.where(z >= 0, 1 / (1 + e), e / (1 + e))
    out = 2 * s - 1
    return out, (x, out)


@V.alternative("tanh_forward")
def tanh_stable_exp(x):
    e = np.exp(-2 * np.abs(x))
    out = np.sign(x) * (1 - e) / (1 + e)
    return out, (x, out)


# ---------------------------------------------------------------- tanh_backward

V.edit_mutant("tanh_backward", "tanh_backward_no_square",
              hint="tanh'(x) = 1 - tanh(x)**2: the output is squared.",
              replace={"(1.0 - out ** 2)": "(1.0 - out)"})

V.edit_mutant("tanh_backward", "tanh_backward_sigmoid_formula",
              hint="out * (1 - out) is the sigmoid's derivative; tanh's is 1 - tanh(x)**2.",
              replace={"(1.0 - out ** 2)": "out * (1.0 - out)"})


@V.mutant("tanh_backward", hint="From tanh(x) = 2 sigma(2x) - 1 the chain rule gives "
                                "tanh'(x) = 2 * sigma'(2x) * 2: the inner 2x contributes a second "
                                "factor 2.", mistake="factor")
def tanh_backward_via_sigma_missing_chain(dout, cache):
    x, out = cache
    s = 1 / (1 + np.exp(-2 * x))
    return dout * 2 * s * (1 - s)


V.edit_mutant("tanh_backward", "tanh_backward_uses_x",
              hint="1 - t**2 must be applied to t = tanh(x), the output of the forward pass, not "
                   "to the input x.",
              replace={"(1.0 - out ** 2)": "(1.0 - x ** 2)"})

V.edit_mutant("tanh_backward", "tanh_backward_in_place", mistake="in-place", hint=_DOUT_IN_PLACE,
              replace={"dx = dout * (1.0 - out ** 2)": "dout *= 1.0 - out ** 2\n    dx = dout"})

V.edit_alternative("tanh_backward", "tanh_backward_from_x",
                   replace={"(1.0 - out ** 2)": "(1 - np.tanh(x) ** 2)"})


@V.alternative("tanh_backward")
def tanh_backward_via_sigma(dout, cache):
    x, out = cache
    z = 2 * x
    e = np.exp(-np.abs(z))
    s = np.where(z >= 0, 1 / (1 + e), e / (1 + e))
    return dout * 4 * s * (1 - s)


# 1 / cosh(x)^2; cosh overflows to inf for |x| > 710 (a warning), and 1 / inf = 0 is right
V.edit_alternative("tanh_backward", "tanh_backward_cosh",
                   replace={"dout * (1.0 - out ** 2)": "dout / np.cosh(x) ** 2"})


# ---------------------------------------------------------------- relu_forward

V.edit_mutant("relu_forward", "relu_max_reduces",
              hint="np.max(x, 0) is the largest entry along axis 0 (its second argument is an "
                   "axis), not max(x, 0) entry by entry: that is np.maximum(x, 0).",
              replace={"np.maximum(0.0, x)": "np.max(x, 0)"})

V.edit_mutant("relu_forward", "relu_returns_mask",
              hint="The output is the 0/1 step (x > 0), which is relu's DERIVATIVE; relu(x) itself "
                   "is x where x > 0 and 0 elsewhere.",
              replace={"np.maximum(0.0, x)": "(x > 0).astype(np.float64)"})

V.edit_mutant("relu_forward", "relu_in_place", mistake="in-place",
              hint="relu_forward sets the negative entries of its input x to 0 in place, so the "
                   "caller's array changes: in a network that array is the previous layer's "
                   "output, still needed by its backward pass. Return a new array.",
              replace={"out = np.maximum(0.0, x)": "x[x < 0] = 0.0\n    out = x"})

V.edit_alternative("relu_forward", "relu_times_mask", replace={"np.maximum(0.0, x)": "x * (x > 0)"})

V.edit_alternative("relu_forward", "relu_clip", replace={"np.maximum(0.0, x)": "np.clip(x, 0.0, None)"})


# ---------------------------------------------------------------- relu_backward

V.edit_mutant("relu_backward", "relu_backward_one_at_zero", mistake="kink",
              hint="At exactly x = 0 the derivative of relu is taken as 0 (as PyTorch does); your "
                   "dx passes dout through there.",
              replace={"(x > 0)": "(x >= 0)"})

V.edit_mutant("relu_backward", "relu_backward_no_mask",
              hint="The gradient passes through every unit; it must be 0 where x < 0, since there "
                   "relu is flat (its output does not change with x).",
              replace={"dx = dout * (x > 0)": "dx = dout.copy()"})

V.edit_mutant("relu_backward", "relu_backward_times_out",
              hint="dout is multiplied by the output relu(x); relu's derivative is the 0/1 step: 1 "
                   "where x > 0 and 0 elsewhere.",
              replace={"dx = dout * (x > 0)": "dx = dout * out"})

V.edit_mutant("relu_backward", "relu_backward_no_dout",
              hint="The local derivative (the 0/1 step) is returned without the upstream "
                   "gradient: dx = dout * relu'(x).",
              replace={"dx = dout * (x > 0)": "dx = (x > 0).astype(np.float64)"})

V.edit_mutant("relu_backward", "relu_backward_bool_mask", mistake="dtype",
              hint="The 0/1 step (x > 0) is returned as booleans and without the upstream "
                   "gradient: dx = dout * relu'(x), an array of floats.",
              replace={"dx = dout * (x > 0)": "dx = x > 0"})

V.edit_alternative("relu_backward", "relu_backward_from_out", replace={"(x > 0)": "(out > 0)"})

V.edit_alternative("relu_backward", "relu_backward_where",
                   replace={"dout * (x > 0)": "np.where(x > 0, dout, 0.0)"})

V.edit_alternative("relu_backward", "relu_backward_heaviside",
                   replace={"(x > 0)": "np.heaviside(x, 0.0)"})


# ---------------------------------------------------------------- leaky_relu_forward

_LEAKY = "np.where(x > 0, x, negative_slope * x)"

V.edit_mutant("leaky_relu_forward", "leaky_slope_on_positives",
              hint="The small slope is applied to the positive inputs; leaky ReLU is x for x > 0 "
                   "and negative_slope * x for x <= 0.",
              replace={_LEAKY: "np.where(x > 0, negative_slope * x, x)"})

V.edit_mutant("leaky_relu_forward", "leaky_default_0_2",
              hint="The default negative_slope is 0.01, as in PyTorch (TensorFlow's "
                   "tf.nn.leaky_relu uses 0.2, Keras 0.3).",
              replace={"negative_slope=0.01": "negative_slope=0.2"})

V.edit_mutant("leaky_relu_forward", "leaky_constant_for_negatives",
              hint="For x <= 0 the output is negative_slope * x, a line through 0, not the "
                   "constant negative_slope.",
              replace={_LEAKY: "np.where(x > 0, x, negative_slope)"})

# right because 0 <= negative_slope < 1
V.edit_alternative("leaky_relu_forward", "leaky_max",
                   replace={_LEAKY: "np.maximum(x, negative_slope * x)"})

V.edit_alternative("leaky_relu_forward", "leaky_two_parts",
                   replace={_LEAKY: "np.maximum(x, 0.0) + negative_slope * np.minimum(x, 0.0)"})


# ---------------------------------------------------------------- leaky_relu_backward

V.edit_mutant("leaky_relu_backward", "leaky_backward_slope_on_positives",
              hint="The slopes are swapped: the derivative is 1 for x > 0 and negative_slope for "
                   "x < 0.",
              replace={"np.where(x > 0, 1.0, negative_slope)": "np.where(x > 0, negative_slope, 1.0)"})

V.edit_mutant("leaky_relu_backward", "leaky_backward_one_at_zero", mistake="kink",
              hint="At exactly x = 0 the derivative is taken as negative_slope (as PyTorch does), "
                   "not 1.",
              replace={"np.where(x > 0, 1.0,": "np.where(x >= 0, 1.0,"})

V.edit_mutant("leaky_relu_backward", "leaky_backward_zero_for_negatives",
              hint="For x < 0 the derivative is negative_slope, not 0: that small slope is the "
                   "whole point of the leaky ReLU (the gradient never dies).",
              replace={"np.where(x > 0, 1.0, negative_slope)": "(x > 0)"})

V.edit_mutant("leaky_relu_backward", "leaky_backward_no_dout",
              hint="The local derivative is returned without the upstream gradient: "
                   "dx = dout * (derivative of leaky ReLU at x).",
              replace={"dx = dout * np.where": "dx = np.where"})

V.edit_alternative("leaky_relu_backward", "leaky_backward_masks",
                   replace={"dout * np.where(x > 0, 1.0, negative_slope)":
                            "dout * (x > 0) + negative_slope * dout * (x <= 0)"})


# ---------------------------------------------------------------- prelu_forward

# (first: at a = 1.5 it gives the same as prelu_slope_on_positives, which the cases with
# a < 1 tell apart before that)
V.edit_mutant("prelu_forward", "prelu_max_trick",
              hint="max(x, a * x) equals PReLU only while a <= 1; a is learned and can grow larger "
                   "than 1. Choose the branch by the sign of x.",
              replace={"np.where(x > 0, x, a * x)": "np.maximum(x, a * x)"})

V.edit_mutant("prelu_forward", "prelu_slope_on_positives",
              hint="The slope a is applied to the positive inputs; PReLU is x for x > 0 and a * x "
                   "for x <= 0.",
              replace={"np.where(x > 0, x, a * x)": "np.where(x > 0, a * x, x)"})

V.edit_mutant("prelu_forward", "prelu_fixed_slope", mistake="region",
              hint="The slope is fixed at 0.25, PyTorch's starting value; use the slope a passed "
                   "in, which changes as it is learned.",
              replace={"np.where(x > 0, x, a * x)": "np.where(x > 0, x, 0.25 * x)"})

V.edit_alternative("prelu_forward", "prelu_two_parts",
                   replace={"np.where(x > 0, x, a * x)": "np.maximum(x, 0.0) + a * np.minimum(x, 0.0)"})


# ---------------------------------------------------------------- prelu_backward

_DA = "np.sum(dout * x * (x <= 0))"

V.edit_mutant("prelu_backward", "prelu_da_without_x",
              hint="d out / d a = x for x <= 0, so each entry contributes dout * x to da, not "
                   "dout alone.",
              replace={_DA: "np.sum(dout * (x <= 0))"})

V.edit_mutant("prelu_backward", "prelu_da_over_positives",
              hint="da sums over the positive inputs; a only acts where x <= 0 (for x > 0 the "
                   "output is x, whatever a is).",
              replace={_DA: "np.sum(dout * x * (x > 0))"})

V.edit_mutant("prelu_backward", "prelu_da_not_summed",
              hint="da should be ONE number: a single slope a is shared by all entries, so its "
                   "gradient is the SUM of every entry's contribution dout * x * [x <= 0].",
              replace={f"da = float({_DA})": "da = dout * x * (x <= 0)"})

V.edit_mutant("prelu_backward", "prelu_dx_one_at_zero", mistake="kink",
              hint="At exactly x = 0 the derivative with respect to x is taken as a (as PyTorch "
                   "does), not 1.",
              replace={"np.where(x > 0, 1.0, a)": "np.where(x >= 0, 1.0, a)"})

# min(x, 0) = x * [x <= 0]; a numpy float is fine for da
V.edit_alternative("prelu_backward", "prelu_backward_minimum",
                   replace={"dout * np.where(x > 0, 1.0, a)": "np.where(x > 0, dout, a * dout)",
                            f"float({_DA})": "np.sum(np.minimum(x, 0.0) * dout)"})


# ---------------------------------------------------------------- elu_forward

_ELU_NEG = "alpha * np.expm1(np.minimum(x, 0.0))"

V.edit_mutant("elu_forward", "elu_no_minus_one",
              hint="For x <= 0 ELU is alpha * (exp(x) - 1), which is 0 at x = 0 and joins the line "
                   "x smoothly; alpha * exp(x) jumps to alpha at 0.",
              replace={_ELU_NEG: "alpha * np.exp(np.minimum(x, 0.0))"})

V.edit_mutant("elu_forward", "elu_alpha_misplaced",
              hint="alpha multiplies the whole of (exp(x) - 1): alpha * (exp(x) - 1), not "
                   "alpha * exp(x) - 1 (the two agree only for alpha = 1).",
              replace={_ELU_NEG: "alpha * np.exp(np.minimum(x, 0.0)) - 1"})

V.edit_mutant("elu_forward", "elu_for_all", mistake="region",
              hint="The exponential branch is used for every x; ELU is the identity for x > 0 and "
                   "alpha * (exp(x) - 1) only for x <= 0.",
              replace={f"np.where(x > 0, x, {_ELU_NEG})": "alpha * (np.exp(x) - 1)"})

# exp of a large positive x overflows (a harmless warning): np.where discards that branch
V.edit_alternative("elu_forward", "elu_exp_minus_one",
                   replace={_ELU_NEG: "alpha * (np.exp(x) - 1)"})


@V.alternative("elu_forward")
def elu_masks(x, alpha=1.0):
    out = x.copy()
    neg = x <= 0
    out[neg] = alpha * (np.exp(x[neg]) - 1)
    return out, (x, out, alpha)


# ---------------------------------------------------------------- elu_backward

_ELU_SLOPE = "alpha * np.exp(np.minimum(x, 0.0))"

V.edit_mutant("elu_backward", "elu_backward_exp_minus_one",
              hint="The derivative of alpha * (exp(x) - 1) is alpha * exp(x): the constant -1 "
                   "disappears when you differentiate.",
              replace={_ELU_SLOPE: _ELU_SLOPE + " - 1"})

V.edit_mutant("elu_backward", "elu_backward_one_at_zero", mistake="kink",
              hint="At exactly x = 0 the derivative is taken as alpha (the slope of the "
                   "exponential branch, as PyTorch does), not 1.",
              replace={"np.where(x > 0,": "np.where(x >= 0,"})

V.edit_mutant("elu_backward", "elu_backward_no_alpha",
              hint="alpha is missing: for x <= 0 the derivative of alpha * (exp(x) - 1) is "
                   "alpha * exp(x).",
              replace={_ELU_SLOPE: "np.exp(np.minimum(x, 0.0))"})

# for x <= 0: alpha * exp(x) = alpha * (exp(x) - 1) + alpha = out + alpha
V.edit_alternative("elu_backward", "elu_backward_from_out", replace={_ELU_SLOPE: "out + alpha"})


# ---------------------------------------------------------------- selu_forward

_SELU_OUT = "    out = scale * np.where(x > 0, x, alpha"

V.edit_mutant("selu_forward", "selu_scale_only_positive",
              hint="scale multiplies BOTH branches: selu(x) = scale * x for x > 0 and "
                   "scale * alpha * (exp(x) - 1) for x <= 0.",
              replace={_SELU_OUT: "    out = np.where(x > 0, scale * x, alpha"})

V.edit_mutant("selu_forward", "selu_rounded_constants",
              hint="The constants are rounded; use alpha = 1.6732632423543772848 and "
                   "scale = 1.0507009873554804934 to full precision (they were derived so that "
                   "SELU keeps mean 0 and variance 1).",
              replace={_SELU_OUT: "    alpha, scale = 1.6733, 1.0507\n" + _SELU_OUT})

V.edit_mutant("selu_forward", "selu_constants_swapped",
              hint="alpha and scale are swapped: scale = 1.0507... multiplies the whole function, "
                   "alpha = 1.6733... the exponential branch.",
              replace={_SELU_OUT: "    alpha, scale = scale, alpha\n" + _SELU_OUT})

V.edit_alternative("selu_forward", "selu_exp_minus_one",
                   replace={"np.expm1(np.minimum(x, 0.0))": "(np.exp(x) - 1)"})


# ---------------------------------------------------------------- selu_backward

V.edit_mutant("selu_backward", "selu_backward_missing_scale", mistake="factor",
              hint="The factor scale is missing from the derivative: SELU is scale times an ELU, "
                   "so its derivative is scale times the ELU's.",
              replace={"dx = dout * scale * np.where": "dx = dout * np.where"})

V.edit_mutant("selu_backward", "selu_backward_scale_only_positive",
              hint="scale multiplies both branches, so the derivative for x <= 0 is "
                   "scale * alpha * exp(x), not alpha * exp(x).",
              replace={"dout * scale * np.where(x > 0, 1.0,": "dout * np.where(x > 0, scale,"})

V.edit_mutant("selu_backward", "selu_backward_scale_at_zero", mistake="kink",
              hint="At exactly x = 0 the derivative is taken as scale * alpha (the slope of the "
                   "exponential branch, as PyTorch does), not scale.",
              replace={"np.where(x > 0,": "np.where(x >= 0,"})

# for x <= 0: scale * alpha * exp(x) = out + scale * alpha
V.edit_alternative("selu_backward", "selu_backward_from_out",
                   replace={"dout * scale * np.where(x > 0, 1.0, alpha * np.exp(np.minimum(x, 0.0)))":
                            "np.where(x > 0, scale * dout, (out + scale * alpha) * dout)"})


# ---------------------------------------------------------------- maxout_forward

V.edit_mutant("maxout_forward", "maxout_max_wrong_axis",
              hint="The max is taken over the wrong axis: each output unit takes the largest of "
                   "ITS k pieces (the axis of j), not the largest over units or examples.",
              replace={"out = z.max(axis=0)": "out = z.max(axis=-1)"})

V.edit_mutant("maxout_forward", "maxout_bias_after_max",
              hint="Each bias belongs to its own piece: take the max over j of x @ W[j] + b[j], not "
                   "the max of x @ W[j] plus the largest bias.",
              replace={"out = z.max(axis=0)": "out = np.stack([x @ W[j] for j in range(W.shape[0])])"
                                              ".max(axis=0) + b.max(axis=0)"})

V.edit_mutant("maxout_forward", "maxout_mean_of_pieces",
              hint="The pieces are averaged; maxout outputs the LARGEST of the k pieces (an "
                   "average of linear functions is just another linear function).",
              replace={"out = z.max(axis=0)": "out = z.mean(axis=0)"})


@V.alternative("maxout_forward")
def maxout_einsum(x, W, b):
    z = np.einsum("nd,kdh->knh", x, W) + b[:, None, :]
    return z.max(axis=0), (x, W, z)


@V.alternative("maxout_forward")
def maxout_running_max(x, W, b):
    pieces = []
    out = None
    for j in range(W.shape[0]):
        z_j = x @ W[j] + b[j]
        pieces.append(z_j)
        out = z_j if out is None else np.maximum(out, z_j)
    return out, (x, W, np.array(pieces))


# ---------------------------------------------------------------- maxout_backward

V.edit_mutant("maxout_backward", "maxout_grad_all_pieces",
              hint="The gradient goes to every piece; only the winning piece (the largest) "
                   "affected the output, so the others get 0.",
              replace={"dz = dout * (winner == j)": "dz = dout"})

V.edit_mutant("maxout_backward", "maxout_db_mean", mistake="factor",
              hint="db is averaged over the batch; like any bias gradient it is the SUM over the N "
                   "examples (each example's loss term adds its own contribution).",
              replace={"db[j] = dz.sum(axis=0)": "db[j] = dz.mean(axis=0)"})

V.edit_mutant("maxout_backward", "maxout_dx_all_pieces",
              hint="dW and db are masked, but dx is not: the gradient with respect to x also flows "
                   "only through the winning piece of each output.",
              replace={"dx += dz @ W[j].T": "dx += dout @ W[j].T"})

V.edit_mutant("maxout_backward", "maxout_dx_float32", mistake="dtype",
              hint="dx is accumulated in a float32 array, which keeps only about 7 digits: create "
                   "it as float64 (np.zeros' default).",
              replace={"dx = np.zeros(x.shape)": "dx = np.zeros(x.shape, dtype=np.float32)"})

V.edit_mutant("maxout_backward", "maxout_tie_to_last", mistake="kink",
              hint="When two pieces tie exactly, the gradient goes to the LAST of them; the "
                   "docstring gives it to the first (the smaller j), as np.argmax does.",
              replace={"winner = z.argmax(axis=0)": "winner = k - 1 - z[::-1].argmax(axis=0)"})

V.edit_mutant("maxout_backward", "maxout_tie_to_all", mistake="kink",
              hint="Every piece equal to the max gets the gradient, so a tie passes it twice; the "
                   "docstring gives it all to the first tied piece (np.argmax's choice).",
              replace={"dz = dout * (winner == j)": "dz = dout * (z[j] == z.max(axis=0))"})


@V.alternative("maxout_backward")
def maxout_backward_einsum(dout, cache):
    x, W, z = cache
    mask = np.arange(len(W))[:, None, None] == z.argmax(axis=0)  # (k, N, H): one winner each
    dz = mask * dout
    dW = np.einsum("nd,knh->kdh", x, dz)
    db = dz.sum(axis=1)
    dx = np.einsum("knh,kdh->nd", dz, W)
    return dx, dW, db


# ---------------------------------------------------------------- softmax_forward

_SHIFT = "x.max(axis=-1, keepdims=True)"

V.edit_mutant("softmax_forward", "softmax_no_max_shift", mistake="overflow",
              hint="Without subtracting the row's maximum, np.exp overflows to inf for scores "
                   "above about 709 and inf / inf is nan: subtract each row's max first (it does "
                   "not change the softmax).",
              replace={f"shifted = x - {_SHIFT}": "shifted = x"})

V.edit_mutant("softmax_forward", "softmax_wrong_axis", mistake="axis",
              hint="The softmax is taken over the wrong axis: each ROW (the last axis: the C "
                   "scores of one example) must become probabilities that sum to 1, not each "
                   "column.",
              replace={_SHIFT: "x.max(axis=0, keepdims=True)",
                       "e.sum(axis=-1, keepdims=True)": "e.sum(axis=0, keepdims=True)"})

V.edit_mutant("softmax_forward", "softmax_global_max", mistake="overflow",
              hint="Subtracting one maximum for the whole array is not enough: a row whose scores "
                   "are all far below it underflows to exp(...) = 0 everywhere and gives "
                   "0 / 0 = nan. Subtract EACH row's own max.",
              replace={_SHIFT: "x.max()"})

V.edit_mutant("softmax_forward", "softmax_shift_in_place", mistake="in-place",
              hint="The row maxima are subtracted from x in place (x -= ...), which changes the "
                   "caller's scores: subtract into a new array.",
              replace={f"shifted = x - {_SHIFT}": f"x -= {_SHIFT}\n    shifted = x"})

V.edit_mutant("softmax_forward", "softmax_float32", mistake="dtype",
              hint="The exponentials are computed in float32, which keeps only about 7 digits: "
                   "keep numpy's float64.",
              replace={"e = np.exp(shifted)": "e = np.exp(shifted.astype(np.float32))"})

V.edit_mutant("softmax_forward", "softmax_axis_1",
              hint="The softmax is taken over axis 1, which is the last axis only of a 2-D batch; "
                   "the docstring says the LAST axis (axis=-1), so that a single vector (C,) and "
                   "an array (..., C) work too.",
              replace={_SHIFT: "x.max(axis=1, keepdims=True)",
                       "e.sum(axis=-1, keepdims=True)": "e.sum(axis=1, keepdims=True)"})


@V.alternative("softmax_forward")
def softmax_logsumexp(x):
    m = x.max(axis=-1, keepdims=True)
    log_z = m + np.log(np.sum(np.exp(x - m), axis=-1, keepdims=True))
    out = np.exp(x - log_z)
    return out, (x, out)


@V.alternative("softmax_forward")
def softmax_row_by_row(x):
    rows = x.reshape(-1, x.shape[-1])
    out = np.empty_like(rows)
    for i, row in enumerate(rows):
        e = np.exp(row - np.max(row))
        out[i] = e / np.sum(e)
    out = out.reshape(x.shape)
    return out, (x, out)


# ---------------------------------------------------------------- softmax_backward

_DX = "s * (dout - np.sum(dout * s, axis=-1, keepdims=True))"

V.edit_mutant("softmax_backward", "softmax_backward_diagonal",
              hint="Only the diagonal of the Jacobian (d s_c / d x_c = s_c (1 - s_c)) is used; "
                   "every s_c also depends on the other scores of its row (d s_c / d x_k = "
                   "-s_c s_k), so dx = s * (dout - sum(dout * s)) over each row.",
              replace={_DX: "dout * s * (1 - s)"})

V.edit_mutant("softmax_backward", "softmax_backward_wrong_axis",
              hint="The sum runs over the wrong axis: sum(dout * s) is taken over each ROW (the "
                   "last axis), the scores of one example.",
              replace={_DX: "s * (dout - np.sum(dout * s, axis=0, keepdims=True))"})

V.edit_mutant("softmax_backward", "softmax_backward_missing_s",
              hint="Each entry is missing its factor s_c: dx_c = s_c * (dout_c - sum over k of "
                   "dout_k s_k).",
              replace={_DX: "dout - np.sum(dout * s, axis=-1, keepdims=True)"})

V.edit_mutant("softmax_backward", "softmax_backward_unweighted_sum",
              hint="The sum must be weighted by the probabilities: sum over k of dout_k * s_k, not "
                   "the plain sum of dout.",
              replace={_DX: "s * (dout - np.sum(dout, axis=-1, keepdims=True))"})


@V.alternative("softmax_backward")
def softmax_backward_jacobian(dout, cache):
    # build J = diag(s) - s s^T for every row, then multiply
    x, s = cache
    C = s.shape[-1]
    rows, g = s.reshape(-1, C), dout.reshape(-1, C)
    J = np.einsum("nc,ck->nck", rows, np.eye(C)) - np.einsum("nc,nk->nck", rows, rows)
    return np.einsum("nck,nk->nc", J, g).reshape(s.shape)


# ---------------------------------------------------------------- sigmoid_chain_grads

V.edit_mutant("sigmoid_chain_grads", "chain_sum_not_mean", mistake="factor",
              hint="The loss is the MEAN over the batch of 1/2 (a_L - y)^2, so the loss and every "
                   "gradient carry a factor 1/N; here they are summed.",
              replace={"float(np.mean(0.5": "float(np.sum(0.5", "da = (a[L] - y) / N": "da = a[L] - y"})

V.edit_mutant("sigmoid_chain_grads", "chain_forgets_weight",
              hint="Going down a layer the weight is missing: d z_l / d a_{l-1} = w_l, so the "
                   "gradient reaching a_{l-1} is (gradient at z_l) * w_l.",
              replace={"da = dz * w[l]": "da = dz"})

V.edit_mutant("sigmoid_chain_grads", "chain_dw_uses_output",
              hint="d z_l / d w_l is the layer's INPUT a_{l-1} (the output of the layer below, x "
                   "for the first layer), not its own output a_l.",
              replace={"dw[l] = np.sum(dz * a[l])": "dw[l] = np.sum(dz * a[l + 1])"})

V.edit_mutant("sigmoid_chain_grads", "chain_sign_flipped", mistake="sign",
              hint="The gradients have the wrong sign: the derivative of 1/2 (a - y)^2 with "
                   "respect to a is (a - y), not (y - a).",
              replace={"da = (a[L] - y) / N": "da = (y - a[L]) / N"})

V.edit_mutant("sigmoid_chain_grads", "chain_exp_ratio", mistake="overflow", hint=_OVERFLOW_CHAIN,
              replace={"e = np.exp(-np.abs(z))\n        a.append(np.where(z >= 0, 1.0 / (1.0 + e), e / (1.0 + e)))":
                       "e = np.exp(z)\n        a.append(e / (1.0 + e))"})


@V.alternative("sigmoid_chain_grads")
def chain_product_formula(x, y, w, b):
    # the lectures' closed form: dL/dz_l = mean-error * product over the layers m >= l of
    # sigma'(z_m), times the weights w_m of the layers m > l
    L, N = len(w), len(x)
    a = [np.asarray(x, dtype=np.float64)]
    for l in range(L):
        a.append(0.5 * (1 + np.tanh(0.5 * (w[l] * a[l] + b[l]))))
    err = a[L] - y
    loss = float(np.dot(err, err) / (2 * N))
    dw, db = np.zeros(L), np.zeros(L)
    for l in range(L):
        factor = np.ones(N)
        for m in range(l, L):
            factor = factor * a[m + 1] * (1 - a[m + 1])
            if m > l:
                factor = factor * w[m]
        dz = err / N * factor
        dw[l] = np.dot(dz, a[l])
        db[l] = dz.sum()
    return loss, dw, db


# The mistakes of the demo's `mistakes` student (and, the first one, of its `attacker`).
DEMO_MISTAKES = ("softmax_wrong_axis", "relu_backward_one_at_zero", "prelu_da_without_x")
