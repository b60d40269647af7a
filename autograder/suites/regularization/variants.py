"""Known-wrong (mutants) and known-correct (alternatives) answers for the regularization assignment.

Most mistakes are one edit of the reference (solutions/regularization.py), declared as such; whole
functions (and classes, for EarlyStopping) are kept for mistakes that change the structure. Each
variant's source is pasted into a notebook under the graded name (see autograder/variants.py), so a
variant may use `np` and nothing else. `mistake=` names the kind of mistake that the general
diagnosis (autograder/diagnosis.py) or the engine's contract checks must name by themselves, so
that the same mistake written another way still gets a hint.

Dropout mutants keep the documented cache layout (mask, p, train), so that a wrong forward pass
costs only dropout_forward's points; the suite grades dropout_backward on the documented cache
whenever the student's forward pass fails or is wrong.
"""
import numpy as np

from autograder.variants import Variants
from solutions import regularization as ref

V = Variants(reference=ref)

_FLOAT32 = ("The result was computed in float32 (single precision, about 7 significant digits); "
            "the documented dtype is float64, numpy's default: look for an astype(np.float32).")


# ---------------------------------------------------------------- l2_penalty

V.edit_mutant("l2_penalty", "l2_no_half", mistake="factor",
              hint="The penalty is missing the factor 1/2: with gradient lam * W, the penalty whose "
                   "derivative that is is lam/2 * sum(W**2).",
              replace={"0.5 * lam * float": "lam * float"})
V.edit_mutant("l2_penalty", "l2_grad_times_two", mistake="factor",
              hint="The gradient is twice too large: the derivative of lam/2 * W**2 is lam * W, the "
                   "1/2 cancels the 2 from the square.",
              replace={"grads.append(lam * W)": "grads.append(2 * lam * W)"})
V.edit_mutant("l2_penalty", "l2_mean_not_sum",
              hint="The penalty averages W**2 over the entries instead of summing, so it depends on "
                   "the layer sizes and does not match its gradient lam * W.",
              replace={"float(np.sum(W * W))": "float(np.mean(W * W))"})
V.edit_mutant("l2_penalty", "l2_last_array_only",
              hint="Only one weight array counts towards the penalty: the total is overwritten in "
                   "the loop instead of accumulated over all arrays.",
              replace={"penalty += 0.5": "penalty = 0.5"})
V.edit_mutant("l2_penalty", "l2_grads_float32", hint=_FLOAT32, mistake="dtype",
              replace={"grads.append(lam * W)": "grads.append((lam * W).astype(np.float32))"})


@V.alternative("l2_penalty")
def l2_via_flat_dot(weights, lam):
    flat = [W.ravel() for W in weights]
    penalty = 0.5 * lam * float(sum(np.dot(w, w) for w in flat))
    return penalty, [W * lam for W in weights]


# ---------------------------------------------------------------- l1_penalty

V.edit_mutant("l1_penalty", "l1_grad_positive_mask",
              hint="The gradient of |w| is sign(w), which is -1 for negative weights; a 0/1 mask "
                   "(w > 0) pushes negative weights the wrong way.",
              replace={"lam * np.sign(W)": "lam * (W > 0)"})
V.edit_mutant("l1_penalty", "l1_sign_zero_is_one",
              hint="At w = 0 the subgradient used here is sign(0) = 0 (as np.sign and PyTorch give); "
                   "treating zero as positive pushes weights that are already zero away from zero.",
              replace={"lam * np.sign(W)": "lam * np.where(W >= 0, 1.0, -1.0)"})
V.edit_mutant("l1_penalty", "l1_no_abs",
              hint="The penalty sums the weights themselves instead of their absolute values, so "
                   "positive and negative weights cancel out.",
              replace={"float(np.sum(np.abs(W)))": "float(np.sum(W))"})
V.edit_mutant("l1_penalty", "l1_grad_like_l2",
              hint="The gradient used is the L2 one (lam * W); the gradient of lam * |w| is "
                   "lam * sign(w), the same size for every nonzero weight.",
              replace={"lam * np.sign(W)": "lam * W"})


@V.alternative("l1_penalty")
def l1_with_masks(weights, lam):
    penalty = 0.0
    grads = []
    for W in weights:
        penalty += lam * float(np.abs(W).sum())
        grads.append(lam * ((W > 0).astype(np.float64) - (W < 0).astype(np.float64)))
    return penalty, grads


# ---------------------------------------------------------------- elastic_net_penalty

V.edit_mutant("elastic_net_penalty", "elastic_no_half",
              hint="The L2 part of the penalty is missing its factor 1/2: the penalty with gradient "
                   "l2 * W is l2/2 * sum(W**2).",
              replace={"0.5 * l2 * ": "l2 * "})
V.edit_mutant("elastic_net_penalty", "elastic_swapped",
              hint="The two strengths are swapped: l1 multiplies the absolute values and l2 the "
                   "squares.",
              replace={"l1 * float(np.sum(np.abs(W))) + 0.5 * l2": "l2 * float(np.sum(np.abs(W))) + 0.5 * l1",
                       "l1 * np.sign(W) + l2 * W": "l2 * np.sign(W) + l1 * W"})
V.edit_mutant("elastic_net_penalty", "elastic_grad_l1_only",
              hint="The gradient has only the L1 part; the penalty is a sum, so its gradient is the "
                   "sum of both parts' gradients.",
              replace={"l1 * np.sign(W) + l2 * W": "l1 * np.sign(W)"})
V.edit_mutant("elastic_net_penalty", "elastic_sign_zero_is_one",
              hint="At w = 0 the L1 subgradient used here is sign(0) = 0; treating zero as positive "
                   "pushes zero weights away from zero.",
              replace={"np.sign(W)": "np.where(W >= 0, 1.0, -1.0)"})


@V.alternative("elastic_net_penalty")
def elastic_one_vector(weights, l1, l2):
    # everything on one long vector, then cut the gradient back into the arrays' shapes
    w = np.concatenate([W.ravel() for W in weights])
    penalty = float(l1 * np.linalg.norm(w, 1) + l2 / 2 * np.dot(w, w))
    g = l1 * np.sign(w) + l2 * w
    grads, start = [], 0
    for W in weights:
        grads.append(g[start:start + W.size].reshape(W.shape))
        start += W.size
    return penalty, grads


# ---------------------------------------------------------------- dropout_forward

_MASK = "mask = rng.random(x.shape) >= p"
_OUT = "    out = x * mask / (1 - p)\n"

V.edit_mutant("dropout_forward", "dropout_no_rescale",
              hint="The kept units are not rescaled by 1/(1-p), so the expected activation at "
                   "training time differs from test time.",
              replace={_OUT: "    out = x * mask\n"})
V.edit_mutant("dropout_forward", "dropout_p_is_keep",
              hint="p is the probability of DROPPING a unit (PyTorch's convention), not of keeping "
                   "it: keep each unit with probability 1 - p.",
              replace={_MASK: "mask = rng.random(x.shape) < p", _OUT: "    out = x * mask / p\n"})
V.edit_mutant("dropout_forward", "dropout_in_eval",
              hint="Units are also dropped in evaluation mode (train=False); with inverted dropout "
                   "the test-time pass is the identity.",
              replace={"    if not train:\n        return x, (None, p, train)\n": ""})
V.edit_mutant("dropout_forward", "dropout_eval_scaled",
              hint="In evaluation mode the output is scaled by (1-p): that is the old, non-inverted "
                   "dropout. Inverted dropout already scales at training time, so at test time the "
                   "output is x unchanged.",
              replace={"return x, (None, p, train)": "return x * (1 - p), (None, p, train)"})
V.edit_mutant("dropout_forward", "dropout_eval_no_cache",
              hint="In evaluation mode only out is returned: dropout_forward returns the tuple "
                   "(out, cache) in both modes (the cache is (None, p, train) at test time), because "
                   "dropout_backward unpacks it.",
              replace={"return x, (None, p, train)": "return x"})
V.edit_mutant("dropout_forward", "dropout_one_mask_for_batch",
              hint="One mask is drawn per feature and shared by every example of the batch; each "
                   "entry of x must be dropped independently.",
              replace={_MASK: "mask = np.broadcast_to(rng.random(x.shape[1:]) >= p, x.shape)"})
V.edit_mutant("dropout_forward", "dropout_one_mask_per_example",
              hint="One keep-or-drop decision is drawn per example and shared by all its features, "
                   "so whole rows are kept or dropped: each entry of x must be dropped "
                   "independently.",
              replace={_MASK: "mask = np.broadcast_to(rng.random((x.shape[0], 1)) >= p, x.shape)"})
V.edit_mutant("dropout_forward", "dropout_exact_count_per_row",
              hint="Exactly round((1 - p) * D) units are kept in every row, so the rows never differ "
                   "in how many they keep: each unit must be kept on its own, independently, with "
                   "probability 1 - p.",
              replace={_MASK: "k = int(round((1 - p) * x.shape[-1]))\n"
                              "    order = np.argsort(rng.random(x.shape), axis=-1)\n"
                              "    mask = np.argsort(order, axis=-1) < k"})
V.edit_mutant("dropout_forward", "dropout_exact_count",
              hint="Exactly round((1 - p) * x.size) units are kept at every call, so the number kept "
                   "never varies: each unit must be kept on its own, independently, with probability "
                   "1 - p.",
              replace={_MASK: "keep = rng.permutation(x.size)[:int(round((1 - p) * x.size))]\n"
                              "    mask = np.zeros(x.size, dtype=bool)\n"
                              "    mask[keep] = True\n"
                              "    mask = mask.reshape(x.shape)"})
V.edit_mutant("dropout_forward", "dropout_gaussian",
              hint="Every unit is multiplied by Gaussian noise of mean 1 (Gaussian dropout): that has "
                   "the mean and variance of inverted dropout, but not its distribution. Inverted "
                   "dropout sets each unit to 0 with probability p and multiplies the others by "
                   "exactly 1/(1-p).",
              replace={_MASK: "mask = rng.normal(1.0, np.sqrt(p / (1 - p)), size=x.shape)",
                       _OUT: "    out = x * mask\n"})
V.edit_mutant("dropout_forward", "dropout_normal_draws",
              hint="The mask compares normal draws (rng.normal, np.random.randn) with p, so a unit is "
                   "kept with probability P(Z >= p), not 1 - p: the draws must be uniform on [0, 1) "
                   "(rng.random).",
              replace={_MASK: "mask = rng.standard_normal(x.shape) >= p"})
V.edit_mutant("dropout_forward", "dropout_unpacks_2d",
              hint="dropout_forward only works for a 2-D x (N, D): the docstring promises an x of any "
                   "shape, e.g. (N, T, D) or (D,), so draw the mask with the shape of x itself.",
              replace={_MASK: "N, D = x.shape\n    mask = rng.random((N, D)) >= p"})
V.edit_mutant("dropout_forward", "dropout_flattens",
              hint="out has the right number of entries but not the shape of x: x was flattened to "
                   "(N, D) and never reshaped back. The docstring promises an x of any shape, and "
                   "out has the shape of x.",
              replace={"    " + _MASK + "\n" + _OUT:
                       "    flat = x.reshape(x.shape[0], -1)\n"
                       "    mask = rng.random(flat.shape) >= p\n"
                       "    out = flat * mask / (1 - p)\n"})
V.edit_mutant("dropout_forward", "dropout_fixed_seed",
              hint="The mask is the same at every call whatever generator is passed in (a generator "
                   "made from a fixed seed): draw the mask from the `rng` argument.",
              replace={_MASK: "mask = np.random.default_rng(0).random(x.shape) >= p"})
V.edit_mutant("dropout_forward", "dropout_global_rng", mistake="global-rng",
              hint="The mask is drawn with np.random.rand, numpy's global random state, instead of "
                   "the generator passed in.",
              replace={_MASK: "mask = np.random.rand(*x.shape) >= p"})
V.edit_mutant("dropout_forward", "dropout_fresh_generator", mistake="not-reproducible",
              hint="The mask comes from a new generator made at each call instead of the `rng` "
                   "argument, so the same seed does not give the same mask.",
              replace={_MASK: "mask = np.random.default_rng().random(x.shape) >= p"})
V.edit_mutant("dropout_forward", "dropout_in_place", mistake="in-place",
              hint="The dropout is applied to x itself (in place), so the caller's activations are "
                   "changed: return a new array.",
              replace={_OUT: "    x *= mask / (1 - p)\n    out = x\n"})
V.edit_mutant("dropout_forward", "dropout_float32", mistake="dtype",
              hint="out is single precision (float32): the documented dtype is float64.",
              replace={_OUT: "    out = np.zeros(x.shape, dtype=np.float32)\n"
                             "    out[mask] = x[mask] / (1 - p)\n"})

V.edit_alternative("dropout_forward", "dropout_binomial",
                   replace={"return x, (None, p, train)": "return x.copy(), (None, p, train)",
                            _MASK: "mask = rng.binomial(1, 1 - p, size=x.shape)  # 1 = keep"})


@V.alternative("dropout_forward")
def dropout_transposed_draws(x, p, rng, train=True):
    # draws in another order (the transposed layout) and compares with 1 - p the other way round
    if train:
        mask = rng.uniform(size=x.shape[::-1]).T < 1 - p
        return np.where(mask, x / (1 - p), 0.0), (mask, p, train)
    return x, (None, p, train)


# ---------------------------------------------------------------- dropout_backward

_DX = "return dout * mask / (1 - p)"

V.edit_mutant("dropout_backward", "backward_no_scale", mistake="factor",
              hint="The gradient is not scaled by 1/(1-p): the forward pass multiplies the kept "
                   "units by 1/(1-p), so the backward pass must too.",
              replace={_DX: "return dout * mask"})


@V.mutant("dropout_backward", hint="The gradient flows through the dropped units too: a unit that "
                                   "was set to 0 in the forward pass does not affect the loss, so "
                                   "its gradient is 0.")
def backward_passes_through(dout, cache):
    return dout


V.edit_mutant("dropout_backward", "backward_new_mask",
              hint="A new random mask is drawn in the backward pass; the gradient must go through "
                   "exactly the units kept in the forward pass, i.e. the mask stored in the cache.",
              replace={_DX: "return dout * (np.random.default_rng().random(dout.shape) >= p) / (1 - p)"})
V.edit_mutant("dropout_backward", "backward_times_keep", mistake="factor",
              hint="The gradient is multiplied by (1-p) instead of divided by it: the derivative of "
                   "x * mask / (1-p) with respect to x is mask / (1-p).",
              replace={_DX: "return dout * mask * (1 - p)"})
V.edit_mutant("dropout_backward", "backward_in_place", mistake="in-place",
              hint="The upstream gradient dout is changed in place: return a new array for dx.",
              replace={"    " + _DX + "\n": "    dout *= mask / (1 - p)\n    return dout\n"})


@V.alternative("dropout_backward")
def backward_where(dout, cache):
    mask, p, train = cache
    if train:
        return np.where(mask, dout / (1 - p), 0.0)
    return dout.copy()


# ---------------------------------------------------------------- mc_dropout_predict

_MC_MASK = "mask = rng.random(hidden.shape) >= p"

V.edit_mutant("mc_dropout_predict", "mc_no_dropout",
              hint="Dropout is switched off in the Monte Carlo passes, so all T passes give the same "
                   "prediction and the spread is 0: MC dropout keeps dropout ON at test time.",
              replace={"        " + _MC_MASK + "\n": "", "(hidden * mask / (1 - p))": "hidden"})
V.edit_mutant("mc_dropout_predict", "mc_same_mask",
              hint="The same dropout mask is used in every pass, so the passes agree and the spread "
                   "is 0: draw a fresh mask in each pass.",
              replace={"    for _ in range(T):\n        " + _MC_MASK + "\n":
                       "    " + _MC_MASK + "\n    for _ in range(T):\n"})


@V.mutant("mc_dropout_predict", hint="The scores (logits) are averaged before the softmax; the "
                                     "predictive mean is the average of the T softmax "
                                     "probabilities, and softmax of an average is not the average "
                                     "of softmaxes.")
def mc_average_logits(X, params, p, T, rng):
    hidden = np.maximum(0, X @ params["W1"] + params["b1"])
    all_scores, all_probs = [], []
    for _ in range(T):
        mask = rng.random(hidden.shape) >= p
        scores = (hidden * mask / (1 - p)) @ params["W2"] + params["b2"]
        all_scores.append(scores)
        s = scores - scores.max(axis=1, keepdims=True)
        all_probs.append(np.exp(s) / np.exp(s).sum(axis=1, keepdims=True))
    mean_scores = np.mean(all_scores, axis=0)
    mean_scores = mean_scores - mean_scores.max(axis=1, keepdims=True)
    mean = np.exp(mean_scores) / np.exp(mean_scores).sum(axis=1, keepdims=True)
    return mean, np.std(all_probs, axis=0)


V.edit_mutant("mc_dropout_predict", "mc_no_rescale",
              hint="The kept hidden units are not rescaled by 1/(1-p) in the stochastic passes, so "
                   "every pass sees smaller activations than the net was trained with.",
              replace={"(hidden * mask / (1 - p))": "(hidden * mask)"})
V.edit_mutant("mc_dropout_predict", "mc_std_ddof1",
              hint="std uses the sample formula (ddof=1), which divides by T - 1 and is undefined "
                   "for T = 1; use the population std over the T passes (ddof=0, np.std's default).",
              replace={"all_probs.std(axis=0)": "all_probs.std(axis=0, ddof=1)"})
V.edit_mutant("mc_dropout_predict", "mc_gaussian",
              hint="The hidden units are multiplied by Gaussian noise of mean 1 (Gaussian dropout), "
                   "which has the mean and variance of inverted dropout but another distribution, so "
                   "the spread of the predictions differs: MC dropout uses the same dropout as "
                   "training, each unit set to 0 with probability p, the others scaled by 1/(1-p).",
              replace={_MC_MASK: "mask = rng.normal(1.0, np.sqrt(p / (1 - p)), size=hidden.shape)",
                       "(hidden * mask / (1 - p))": "(hidden * mask)"})
V.edit_mutant("mc_dropout_predict", "mc_global_rng", mistake="global-rng",
              hint="The masks are drawn from numpy's global random state instead of the generator "
                   "passed in.",
              replace={_MC_MASK: "mask = np.random.random(hidden.shape) >= p"})
V.edit_mutant("mc_dropout_predict", "mc_fresh_generator", mistake="not-reproducible",
              hint="The masks come from a new generator made at each call instead of the `rng` "
                   "argument, so the same seed does not give the same prediction.",
              replace={_MC_MASK: "mask = np.random.default_rng().random(hidden.shape) >= p"})


@V.alternative("mc_dropout_predict")
def mc_all_masks_at_once(X, params, p, T, rng):
    hidden = np.maximum(0, X @ params["W1"] + params["b1"])               # (N, H)
    # all masks in one draw, in another order than pass by pass: (N, H, T) -> (T, N, H); 1 = keep
    masks = rng.binomial(1, 1 - p, size=hidden.shape + (T,)).transpose(2, 0, 1)
    scores = np.einsum("tnh,hc->tnc", hidden * masks / (1 - p), params["W2"]) + params["b2"]
    scores = scores - scores.max(axis=2, keepdims=True)
    probs = np.exp(scores)
    probs /= probs.sum(axis=2, keepdims=True)
    mean = probs.mean(axis=0)
    return mean, np.sqrt(np.mean((probs - mean) ** 2, axis=0))


# ---------------------------------------------------------------- max_norm

_SCALE = "np.where(norms > c, c / (norms + 1e-7), 1.0)"

V.edit_mutant("max_norm", "max_norm_rows", mistake="axis",
              hint="The norms are taken over the rows; with W of shape (fan_in, fan_out) a unit's "
                   "incoming weights are a COLUMN of W.",
              replace={"axis=0, keepdims=True": "axis=1, keepdims=True"})
V.edit_mutant("max_norm", "max_norm_every_column",
              hint="Every column is rescaled to norm c, including those already within the limit; "
                   "max-norm only shrinks columns whose norm exceeds c.",
              replace={_SCALE: "c / (norms + 1e-7)"})


@V.mutant("max_norm", hint="The norm of the whole matrix is constrained; max-norm constrains each "
                           "unit's incoming weight vector (each column) separately.")
def max_norm_whole_matrix(W, c):
    norm = np.linalg.norm(W)
    return W * c / (norm + 1e-7) if norm > c else W.copy()


V.edit_mutant("max_norm", "max_norm_inverted_ratio",
              hint="The scale factor is upside down: a column with norm above c must be multiplied "
                   "by c / norm (less than 1), which brings its norm down to c.",
              replace={_SCALE: "np.where(norms > c, norms / c, 1.0)"})
V.edit_mutant("max_norm", "max_norm_at_c", mistake="kink",
              hint="A column whose norm is exactly c is within the limit and must be left unchanged: "
                   "only columns whose norm EXCEEDS c are scaled (a strict comparison).",
              replace={"norms > c": "norms >= c"})
V.edit_mutant("max_norm", "max_norm_in_place", mistake="in-place",
              hint="max_norm changes the array it was given (in place) instead of returning a new "
                   "one, so any code still holding the old weights sees them change.",
              replace={"return W * scale": "W *= scale\n    return W"})
V.edit_mutant("max_norm", "max_norm_float32", hint=_FLOAT32, mistake="dtype",
              replace={"return W * scale": "return (W * scale).astype(np.float32)"})


@V.alternative("max_norm")
def max_norm_column_loop(W, c):
    W_new = W.copy()
    for j in range(W.shape[1]):
        norm = np.linalg.norm(W[:, j])
        if norm > c:
            W_new[:, j] = W[:, j] * (c / (norm + 1e-7))
    return W_new


# ---------------------------------------------------------------- clip_grad_value

_CLAMP = "np.clip(g, -clip_value, clip_value)"

V.edit_mutant("clip_grad_value", "clip_value_top_only",
              hint="Only the upper end is clamped: entries below -clip_value must be raised to "
                   "-clip_value as well.",
              replace={_CLAMP: "np.minimum(g, clip_value)"})
V.edit_mutant("clip_grad_value", "clip_value_zero_out",
              hint="Entries beyond the limit are set to 0; clipping by value keeps them at the limit "
                   "(-clip_value or clip_value), in the same direction.",
              replace={_CLAMP: "np.where(np.abs(g) > clip_value, 0.0, g)"})


@V.mutant("clip_grad_value", hint="The whole array is rescaled so that its largest entry is "
                                  "clip_value; clipping by value clamps each entry on its own and "
                                  "leaves entries within the limit unchanged.")
def clip_value_rescale(grads, clip_value):
    out = []
    for g in grads:
        biggest = np.max(np.abs(g))
        out.append(g * clip_value / biggest if biggest > clip_value else g.copy())
    return out


V.edit_mutant("clip_grad_value", "clip_value_zero_to_v",
              hint="Entries are clamped to [0, clip_value], which wipes out every negative gradient; "
                   "the range is [-clip_value, clip_value].",
              replace={_CLAMP: "np.clip(g, 0, clip_value)"})
V.edit_mutant("clip_grad_value", "clip_value_in_place", mistake="in-place",
              hint="The gradients are clamped in place (np.clip with out=g), so the caller's arrays "
                   "change: return new arrays.",
              replace={_CLAMP: "np.clip(g, -clip_value, clip_value, out=g)"})

V.edit_alternative("clip_grad_value", "clip_value_min_max",
                   replace={_CLAMP: "np.maximum(np.minimum(g, clip_value), -clip_value)"})


# ---------------------------------------------------------------- clip_grad_norm

# ---------------------------------------------------------------- clip_grad_norm

@V.mutant("clip_grad_norm", hint="Each array is clipped by its own norm; clip-by-norm uses the "
                                 "total norm of all gradients together, so that every array is "
                                 "scaled by the same factor and the direction of the full gradient "
                                 "is kept.")
def clip_norm_per_array(grads, max_norm):
    clipped = []
    for g in grads:
        norm = np.sqrt(np.sum(g ** 2))
        clipped.append(g * min(max_norm / (norm + 1e-6), 1.0))
    total_norm = float(np.sqrt(sum(np.sum(g ** 2) for g in grads)))
    return clipped, total_norm


_CLIPPED = "return [g * scale for g in grads], total_norm"
_TOTAL = "float(np.sqrt(sum(np.sum(g * g) for g in grads)))"

V.edit_mutant("clip_grad_norm", "clip_norm_returns_after",
              hint="The norm returned is measured after clipping; return the total norm of the "
                   "gradients as they came in, which is what you log to see how often clipping "
                   "kicks in.",
              replace={_CLIPPED: "clipped = [g * scale for g in grads]\n"
                                 "    return clipped, float(np.sqrt(sum(np.sum(g * g) for g in clipped)))"})
V.edit_mutant("clip_grad_norm", "clip_norm_uncapped",
              hint="The scale is not capped at 1, so gradients that are already smaller than "
                   "max_norm get blown up to it; clipping only ever shrinks.",
              replace={"min(max_norm / (total_norm + 1e-6), 1.0)": "max_norm / (total_norm + 1e-6)"})
V.edit_mutant("clip_grad_norm", "clip_norm_sum_of_norms",
              hint="The total norm is taken as the sum of the arrays' norms; it is the norm of all "
                   "entries together: the square root of the sum of all squares.",
              replace={_TOTAL: "float(sum(np.linalg.norm(g) for g in grads))"})
V.edit_mutant("clip_grad_norm", "clip_norm_strict_at_max",
              hint="When the total norm is exactly max_norm, the documented scale "
                   "min(max_norm / (total_norm + 1e-6), 1) is still applied (it is just under 1); "
                   "here only a total norm above max_norm was scaled.",
              replace={"min(max_norm / (total_norm + 1e-6), 1.0)":
                       "max_norm / (total_norm + 1e-6) if total_norm > max_norm else 1.0"})
V.edit_mutant("clip_grad_norm", "clip_norm_in_place", mistake="in-place",
              hint="The gradients are scaled in place, as torch's clip_grad_norm_ does, but this "
                   "function must return new arrays and leave the caller's as they were.",
              replace={_CLIPPED: "for g in grads:\n        g *= scale\n    return grads, total_norm"})
V.edit_mutant("clip_grad_norm", "clip_norm_float32", hint=_FLOAT32, mistake="dtype",
              replace={_CLIPPED: "return [(g * scale).astype(np.float32) for g in grads], total_norm"})


@V.alternative("clip_grad_norm")
def clip_norm_concatenate(grads, max_norm):
    total_norm = float(np.linalg.norm(np.concatenate([g.ravel() for g in grads])))
    scale = max_norm / (total_norm + 1e-6)
    if scale < 1:
        return [g * scale for g in grads], total_norm
    return [g.copy() for g in grads], total_norm


# ---------------------------------------------------------------- EarlyStopping

_COPY = "{name: np.array(value, copy=True) for name, value in params.items()}"
_IMPROVES = "if val_loss < self.best_loss:"

V.edit_mutant("EarlyStopping", "early_stopping_keeps_last",
              hint="best_params is overwritten at every epoch, so it holds the LAST weights rather "
                   "than those of the best epoch: restoring it would undo nothing.",
              replace={f"            self.best_params = {_COPY}\n": "",
                       "        self.epoch += 1\n": f"        self.best_params = {_COPY}\n"
                                                   f"        self.epoch += 1\n"})
V.edit_mutant("EarlyStopping", "early_stopping_off_by_one",
              hint="Training stops one epoch too late: step must return True as soon as `patience` "
                   "epochs in a row have brought no improvement.",
              replace={"self.bad_epochs >= self.patience": "self.bad_epochs > self.patience"})
V.edit_mutant("EarlyStopping", "early_stopping_ties_improve",
              hint="A loss EQUAL to the best so far is counted as an improvement; only a strictly "
                   "lower loss is, so a plateau counts towards patience and best_epoch stays at the "
                   "first epoch that reached the best loss.",
              replace={_IMPROVES: "if val_loss <= self.best_loss:"})
V.edit_mutant("EarlyStopping", "early_stopping_no_reset",
              hint="The count of epochs without improvement is not reset when the loss improves, so "
                   "training stops after `patience` bad epochs in total instead of in a row.",
              replace={"            self.bad_epochs = 0\n": ""})
V.edit_mutant("EarlyStopping", "early_stopping_no_copy",
              hint="best_params holds the very arrays the training loop keeps updating in place, so "
                   "it changes with them: store a copy of each array.",
              replace={_COPY: "dict(params)  # a new dict, but the same arrays"})
V.edit_mutant("EarlyStopping", "early_stopping_epochs_from_one",
              hint="Epochs are numbered from 1; the first call of step is epoch 0.",
              replace={"        self.epoch += 1\n": "",
                       "        " + _IMPROVES: "        self.epoch += 1\n        " + _IMPROVES})
V.edit_mutant("EarlyStopping", "early_stopping_starts_at_zero",
              hint="best_loss starts at 0.0, which no loss can beat: before the first step it must "
                   "be float('inf'), so that the first epoch is always an improvement.",
              replace={'self.best_loss = float("inf")': "self.best_loss = 0.0",
                       _IMPROVES: "if self.best_epoch is None or val_loss < self.best_loss:"})
V.edit_mutant("EarlyStopping", "early_stopping_fixed_patience", mistake="default-only",
              hint="The patience passed in is ignored: training always stops after 5 epochs without "
                   "improvement.",
              replace={"return self.bad_epochs >= self.patience": "return self.bad_epochs >= 5"})


@V.alternative("EarlyStopping")
class early_stopping_from_history:
    # keeps every loss and works out the rest from the history
    def __init__(self, patience=5):
        self.patience = patience
        self.losses = []
        self.best_loss = np.inf
        self.best_epoch = None
        self.best_params = None

    @property
    def epoch(self):
        return len(self.losses)

    def step(self, val_loss, params):
        self.losses.append(val_loss)
        if val_loss < self.best_loss:
            self.best_loss, self.best_epoch = val_loss, len(self.losses) - 1
            self.best_params = {name: np.copy(value) for name, value in params.items()}
        return (len(self.losses) - 1) - self.best_epoch >= self.patience


# The mistakes of the demo's `mistakes` student (and, the first one, of its `attacker`).
DEMO_MISTAKES = ("dropout_no_rescale", "clip_norm_per_array", "early_stopping_keeps_last")
