"""Known-wrong (mutants) and known-correct (alternatives) answers for the regularization assignment.

Each function's source is pasted into a notebook under the graded name (see
autograder/variants.py), so a variant may use `np` and nothing else. The mutants of the
EarlyStopping item are classes. Dropout mutants keep the documented cache layout
(mask, p, train), so that a wrong forward pass costs only dropout_forward's points.
"""
import numpy as np

from autograder.variants import Variants
from solutions import regularization as ref

V = Variants(reference=ref)


# ---------------------------------------------------------------- l2_penalty

@V.mutant("l2_penalty", hint="The penalty is missing the factor 1/2: with gradient lam * W, the "
                             "penalty whose derivative that is is lam/2 * sum(W**2).")
def l2_no_half(weights, lam):
    penalty = sum(lam * float(np.sum(W ** 2)) for W in weights)
    return penalty, [lam * W for W in weights]


@V.mutant("l2_penalty", hint="The gradient is twice too large: the derivative of lam/2 * W**2 is "
                             "lam * W, the 1/2 cancels the 2 from the square.")
def l2_grad_times_two(weights, lam):
    penalty = sum(lam / 2 * float(np.sum(W ** 2)) for W in weights)
    return penalty, [2 * lam * W for W in weights]


@V.mutant("l2_penalty", hint="The penalty averages W**2 over the entries instead of summing, so it "
                             "depends on the layer sizes and does not match its gradient lam * W.")
def l2_mean_not_sum(weights, lam):
    penalty = sum(lam / 2 * float(np.mean(W ** 2)) for W in weights)
    return penalty, [lam * W for W in weights]


@V.mutant("l2_penalty", hint="Only one weight array counts towards the penalty: the total is "
                             "overwritten in the loop instead of accumulated over all arrays.")
def l2_last_array_only(weights, lam):
    penalty = 0.0
    grads = []
    for W in weights:
        penalty = lam / 2 * float(np.sum(W ** 2))
        grads.append(lam * W)
    return penalty, grads


@V.alternative("l2_penalty")
def l2_via_flat_dot(weights, lam):
    flat = [W.ravel() for W in weights]
    penalty = 0.5 * lam * float(sum(np.dot(w, w) for w in flat))
    return penalty, [W * lam for W in weights]


# ---------------------------------------------------------------- l1_penalty

@V.mutant("l1_penalty", hint="The gradient of |w| is sign(w), which is -1 for negative weights; "
                             "a 0/1 mask (w > 0) pushes negative weights the wrong way.")
def l1_grad_positive_mask(weights, lam):
    penalty = sum(lam * float(np.sum(np.abs(W))) for W in weights)
    return penalty, [lam * (W > 0) for W in weights]


@V.mutant("l1_penalty", hint="At w = 0 the subgradient used here is sign(0) = 0 (as np.sign and "
                             "PyTorch give); treating zero as positive pushes weights that are "
                             "already zero away from zero.")
def l1_sign_zero_is_one(weights, lam):
    penalty = sum(lam * float(np.sum(np.abs(W))) for W in weights)
    return penalty, [lam * np.where(W >= 0, 1.0, -1.0) for W in weights]


@V.mutant("l1_penalty", hint="The penalty sums the weights themselves instead of their absolute "
                             "values, so positive and negative weights cancel out.")
def l1_no_abs(weights, lam):
    penalty = sum(lam * float(np.sum(W)) for W in weights)
    return penalty, [lam * np.sign(W) for W in weights]


@V.mutant("l1_penalty", hint="The gradient used is the L2 one (lam * W); the gradient of "
                             "lam * |w| is lam * sign(w), the same size for every nonzero weight.")
def l1_grad_like_l2(weights, lam):
    penalty = sum(lam * float(np.sum(np.abs(W))) for W in weights)
    return penalty, [lam * W for W in weights]


@V.alternative("l1_penalty")
def l1_with_masks(weights, lam):
    penalty = 0.0
    grads = []
    for W in weights:
        penalty += lam * float(np.abs(W).sum())
        grads.append(lam * ((W > 0).astype(np.float64) - (W < 0).astype(np.float64)))
    return penalty, grads


# ---------------------------------------------------------------- elastic_net_penalty

@V.mutant("elastic_net_penalty", hint="The L2 part of the penalty is missing its factor 1/2: "
                                      "the penalty with gradient l2 * W is l2/2 * sum(W**2).")
def elastic_no_half(weights, l1, l2):
    penalty = sum(l1 * float(np.sum(np.abs(W))) + l2 * float(np.sum(W ** 2)) for W in weights)
    return penalty, [l1 * np.sign(W) + l2 * W for W in weights]


@V.mutant("elastic_net_penalty", hint="The two strengths are swapped: l1 multiplies the absolute "
                                      "values and l2 the squares.")
def elastic_swapped(weights, l1, l2):
    penalty = sum(l2 * float(np.sum(np.abs(W))) + l1 / 2 * float(np.sum(W ** 2)) for W in weights)
    return penalty, [l2 * np.sign(W) + l1 * W for W in weights]


@V.mutant("elastic_net_penalty", hint="The gradient has only the L1 part; the penalty is a sum, "
                                      "so its gradient is the sum of both parts' gradients.")
def elastic_grad_l1_only(weights, l1, l2):
    penalty = sum(l1 * float(np.sum(np.abs(W))) + l2 / 2 * float(np.sum(W ** 2)) for W in weights)
    return penalty, [l1 * np.sign(W) for W in weights]


@V.mutant("elastic_net_penalty", hint="At w = 0 the L1 subgradient used here is sign(0) = 0; "
                                      "treating zero as positive pushes zero weights away from "
                                      "zero.")
def elastic_sign_zero_is_one(weights, l1, l2):
    penalty = sum(l1 * float(np.sum(np.abs(W))) + l2 / 2 * float(np.sum(W ** 2)) for W in weights)
    return penalty, [l1 * np.where(W >= 0, 1.0, -1.0) + l2 * W for W in weights]


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

@V.mutant("dropout_forward", hint="The kept units are not rescaled by 1/(1-p), so the expected "
                                  "activation at training time differs from test time.")
def dropout_no_rescale(x, p, rng, train=True):
    if not train:
        return x, (None, p, train)
    mask = rng.random(x.shape) >= p
    return x * mask, (mask, p, train)


@V.mutant("dropout_forward", hint="p is the probability of DROPPING a unit (PyTorch's convention), "
                                  "not of keeping it: keep each unit with probability 1 - p.")
def dropout_p_is_keep(x, p, rng, train=True):
    if not train:
        return x, (None, p, train)
    mask = rng.random(x.shape) < p
    return x * mask / p, (mask, p, train)


@V.mutant("dropout_forward", hint="Units are also dropped in evaluation mode (train=False); with "
                                  "inverted dropout the test-time pass is the identity.")
def dropout_in_eval(x, p, rng, train=True):
    mask = rng.random(x.shape) >= p
    return x * mask / (1 - p), (mask, p, train)


@V.mutant("dropout_forward", hint="In evaluation mode the output is scaled by (1-p): that is the "
                                  "old, non-inverted dropout. Inverted dropout already scales at "
                                  "training time, so at test time the output is x unchanged.")
def dropout_eval_scaled(x, p, rng, train=True):
    if not train:
        return x * (1 - p), (None, p, train)
    mask = rng.random(x.shape) >= p
    return x * mask / (1 - p), (mask, p, train)


@V.mutant("dropout_forward", hint="One mask is drawn per feature and shared by every example of "
                                  "the batch; each entry of x must be dropped independently.")
def dropout_one_mask_for_batch(x, p, rng, train=True):
    if not train:
        return x, (None, p, train)
    mask = np.broadcast_to(rng.random(x.shape[1:]) >= p, x.shape)
    return x * mask / (1 - p), (mask, p, train)


@V.mutant("dropout_forward", hint="Exactly round((1 - p) * D) units are kept in every row, so the "
                                  "rows never differ in how many they keep: each unit must be kept "
                                  "on its own, independently, with probability 1 - p.")
def dropout_exact_count_per_row(x, p, rng, train=True):
    if not train:
        return x, (None, p, train)
    k = int(round((1 - p) * x.shape[-1]))
    order = np.argsort(rng.random(x.shape), axis=-1)
    mask = np.argsort(order, axis=-1) < k
    return x * mask / (1 - p), (mask, p, train)


@V.mutant("dropout_forward", hint="Exactly round((1 - p) * x.size) units are kept at every call, so "
                                  "the number kept never varies: each unit must be kept on its own, "
                                  "independently, with probability 1 - p.")
def dropout_exact_count(x, p, rng, train=True):
    if not train:
        return x, (None, p, train)
    keep = rng.permutation(x.size)[:int(round((1 - p) * x.size))]
    mask = np.zeros(x.size, dtype=bool)
    mask[keep] = True
    mask = mask.reshape(x.shape)
    return x * mask / (1 - p), (mask, p, train)


@V.mutant("dropout_forward", hint="One keep-or-drop decision is drawn per example and shared by all "
                                  "its features, so whole rows are kept or dropped: each entry of x "
                                  "must be dropped independently.")
def dropout_one_mask_per_example(x, p, rng, train=True):
    if not train:
        return x, (None, p, train)
    mask = np.broadcast_to(rng.random((x.shape[0], 1)) >= p, x.shape)
    return x * mask / (1 - p), (mask, p, train)


V.edit_mutant("dropout_forward", "dropout_fixed_seed",
              hint="The mask is the same at every call whatever generator is passed in (a generator "
                   "made from a fixed seed): draw the mask from the `rng` argument.",
              replace={"mask = rng.random(x.shape) >= p": "mask = np.random.default_rng(0).random(x.shape) >= p"})
V.edit_mutant("dropout_forward", "dropout_global_rng", mistake="global-rng",
              hint="The mask is drawn with np.random.rand, numpy's global random state, instead of "
                   "the generator passed in.",
              replace={"mask = rng.random(x.shape) >= p": "mask = np.random.rand(*x.shape) >= p"})
V.edit_mutant("dropout_forward", "dropout_fresh_generator", mistake="not-reproducible",
              hint="The mask comes from a new generator made at each call instead of the `rng` "
                   "argument, so the same seed does not give the same mask.",
              replace={"mask = rng.random(x.shape) >= p": "mask = np.random.default_rng().random(x.shape) >= p"})
V.edit_mutant("dropout_forward", "dropout_in_place", mistake="in-place",
              hint="The dropout is applied to x itself (in place), so the caller's activations are "
                   "changed: return a new array.",
              replace={"    out = x * mask / (1 - p)\n": "    x *= mask / (1 - p)\n    out = x\n"})
V.edit_mutant("dropout_forward", "dropout_float32", mistake="dtype",
              hint="out is single precision (float32): the documented dtype is float64.",
              replace={"    out = x * mask / (1 - p)\n":
                       "    out = np.zeros(x.shape, dtype=np.float32)\n    out[mask] = x[mask] / (1 - p)\n"})


@V.alternative("dropout_forward")
def dropout_binomial(x, p, rng, train=True):
    if not train:
        return x.copy(), (None, p, train)
    mask = rng.binomial(1, 1 - p, size=x.shape)  # 1 = keep
    return x * mask / (1 - p), (mask, p, train)


@V.alternative("dropout_forward")
def dropout_transposed_draws(x, p, rng, train=True):
    # draws in another order (the transposed layout) and compares with 1 - p the other way round
    if train:
        mask = rng.uniform(size=x.shape[::-1]).T < 1 - p
        return np.where(mask, x / (1 - p), 0.0), (mask, p, train)
    return x, (None, p, train)


# ---------------------------------------------------------------- dropout_backward

@V.mutant("dropout_backward", hint="The gradient is not scaled by 1/(1-p): the forward pass "
                                   "multiplies the kept units by 1/(1-p), so the backward pass "
                                   "must too.")
def backward_no_scale(dout, cache):
    mask, p, train = cache
    if not train:
        return dout
    return dout * mask


@V.mutant("dropout_backward", hint="The gradient flows through the dropped units too: a unit that "
                                   "was set to 0 in the forward pass does not affect the loss, so "
                                   "its gradient is 0.")
def backward_passes_through(dout, cache):
    return dout


@V.mutant("dropout_backward", hint="A new random mask is drawn in the backward pass; the gradient "
                                   "must go through exactly the units kept in the forward pass, "
                                   "i.e. the mask stored in the cache.")
def backward_new_mask(dout, cache):
    mask, p, train = cache
    if not train:
        return dout
    new_mask = np.random.default_rng().random(dout.shape) >= p
    return dout * new_mask / (1 - p)


@V.mutant("dropout_backward", hint="The gradient is multiplied by (1-p) instead of divided by it: "
                                   "the derivative of x * mask / (1-p) with respect to x is "
                                   "mask / (1-p).")
def backward_times_keep(dout, cache):
    mask, p, train = cache
    if not train:
        return dout
    return dout * mask * (1 - p)


V.edit_mutant("dropout_backward", "backward_in_place", mistake="in-place",
              hint="The upstream gradient dout is changed in place: return a new array for dx.",
              replace={"    return dout * mask / (1 - p)\n": "    dout *= mask / (1 - p)\n    return dout\n"})


@V.alternative("dropout_backward")
def backward_where(dout, cache):
    mask, p, train = cache
    if train:
        return np.where(mask, dout / (1 - p), 0.0)
    return dout.copy()


# ---------------------------------------------------------------- mc_dropout_predict

@V.mutant("mc_dropout_predict", hint="Dropout is switched off in the Monte Carlo passes, so all T "
                                     "passes give the same prediction and the spread is 0: MC "
                                     "dropout keeps dropout ON at test time.")
def mc_no_dropout(X, params, p, T, rng):
    scores = np.maximum(0, X @ params["W1"] + params["b1"]) @ params["W2"] + params["b2"]
    scores = scores - scores.max(axis=1, keepdims=True)
    probs = np.exp(scores) / np.exp(scores).sum(axis=1, keepdims=True)
    all_probs = np.stack([probs] * T)
    return all_probs.mean(axis=0), all_probs.std(axis=0)


@V.mutant("mc_dropout_predict", hint="The same dropout mask is used in every pass, so the passes "
                                     "agree and the spread is 0: draw a fresh mask in each pass.")
def mc_same_mask(X, params, p, T, rng):
    hidden = np.maximum(0, X @ params["W1"] + params["b1"])
    mask = rng.random(hidden.shape) >= p
    all_probs = []
    for _ in range(T):
        scores = (hidden * mask / (1 - p)) @ params["W2"] + params["b2"]
        scores = scores - scores.max(axis=1, keepdims=True)
        all_probs.append(np.exp(scores) / np.exp(scores).sum(axis=1, keepdims=True))
    all_probs = np.stack(all_probs)
    return all_probs.mean(axis=0), all_probs.std(axis=0)


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


@V.mutant("mc_dropout_predict", hint="The kept hidden units are not rescaled by 1/(1-p) in the "
                                     "stochastic passes, so every pass sees smaller activations "
                                     "than the net was trained with.")
def mc_no_rescale(X, params, p, T, rng):
    hidden = np.maximum(0, X @ params["W1"] + params["b1"])
    all_probs = []
    for _ in range(T):
        mask = rng.random(hidden.shape) >= p
        scores = (hidden * mask) @ params["W2"] + params["b2"]
        scores = scores - scores.max(axis=1, keepdims=True)
        all_probs.append(np.exp(scores) / np.exp(scores).sum(axis=1, keepdims=True))
    all_probs = np.stack(all_probs)
    return all_probs.mean(axis=0), all_probs.std(axis=0)


@V.mutant("mc_dropout_predict", hint="std uses the sample formula (ddof=1), which divides by T - 1 "
                                     "and is undefined for T = 1; use the population std over the "
                                     "T passes (ddof=0, np.std's default).")
def mc_std_ddof1(X, params, p, T, rng):
    hidden = np.maximum(0, X @ params["W1"] + params["b1"])
    all_probs = []
    for _ in range(T):
        mask = rng.random(hidden.shape) >= p
        scores = (hidden * mask / (1 - p)) @ params["W2"] + params["b2"]
        scores = scores - scores.max(axis=1, keepdims=True)
        all_probs.append(np.exp(scores) / np.exp(scores).sum(axis=1, keepdims=True))
    all_probs = np.stack(all_probs)
    return all_probs.mean(axis=0), all_probs.std(axis=0, ddof=1)


V.edit_mutant("mc_dropout_predict", "mc_global_rng", mistake="global-rng",
              hint="The masks are drawn from numpy's global random state instead of the generator "
                   "passed in.",
              replace={"mask = rng.random(hidden.shape) >= p": "mask = np.random.random(hidden.shape) >= p"})
V.edit_mutant("mc_dropout_predict", "mc_fresh_generator", mistake="not-reproducible",
              hint="The masks come from a new generator made at each call instead of the `rng` "
                   "argument, so the same seed does not give the same prediction.",
              replace={"mask = rng.random(hidden.shape) >= p":
                       "mask = np.random.default_rng().random(hidden.shape) >= p"})


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

@V.mutant("max_norm", hint="The norms are taken over the rows; with W of shape (fan_in, fan_out) "
                           "a unit's incoming weights are a COLUMN of W.")
def max_norm_rows(W, c):
    norms = np.linalg.norm(W, axis=1, keepdims=True)
    return W * np.where(norms > c, c / (norms + 1e-7), 1.0)


@V.mutant("max_norm", hint="Every column is rescaled to norm c, including those already within "
                           "the limit; max-norm only shrinks columns whose norm exceeds c.")
def max_norm_every_column(W, c):
    norms = np.linalg.norm(W, axis=0, keepdims=True)
    return W * c / (norms + 1e-7)


@V.mutant("max_norm", hint="The norm of the whole matrix is constrained; max-norm constrains each "
                           "unit's incoming weight vector (each column) separately.")
def max_norm_whole_matrix(W, c):
    norm = np.linalg.norm(W)
    return W * c / (norm + 1e-7) if norm > c else W.copy()


@V.mutant("max_norm", hint="The scale factor is upside down: a column with norm above c must be "
                           "multiplied by c / norm (less than 1), which brings its norm down to c.")
def max_norm_inverted_ratio(W, c):
    norms = np.linalg.norm(W, axis=0, keepdims=True)
    return W * np.where(norms > c, norms / c, 1.0)


@V.mutant("max_norm", hint="max_norm changes the array it was given (in place) instead of "
                           "returning a new one, so any code still holding the old weights sees "
                           "them change.", mistake="in-place")
def max_norm_in_place(W, c):
    norms = np.linalg.norm(W, axis=0)
    too_big = norms > c
    W[:, too_big] *= c / (norms[too_big] + 1e-7)
    return W


@V.alternative("max_norm")
def max_norm_column_loop(W, c):
    W_new = W.copy()
    for j in range(W.shape[1]):
        norm = np.linalg.norm(W[:, j])
        if norm > c:
            W_new[:, j] = W[:, j] * (c / (norm + 1e-7))
    return W_new


# ---------------------------------------------------------------- clip_grad_value

@V.mutant("clip_grad_value", hint="Only the upper end is clamped: entries below -clip_value must "
                                  "be raised to -clip_value as well.")
def clip_value_top_only(grads, clip_value):
    return [np.minimum(g, clip_value) for g in grads]


@V.mutant("clip_grad_value", hint="Entries beyond the limit are set to 0; clipping by value keeps "
                                  "them at the limit (-clip_value or clip_value), in the same "
                                  "direction.")
def clip_value_zero_out(grads, clip_value):
    return [np.where(np.abs(g) > clip_value, 0.0, g) for g in grads]


@V.mutant("clip_grad_value", hint="The whole array is rescaled so that its largest entry is "
                                  "clip_value; clipping by value clamps each entry on its own and "
                                  "leaves entries within the limit unchanged.")
def clip_value_rescale(grads, clip_value):
    out = []
    for g in grads:
        biggest = np.max(np.abs(g))
        out.append(g * clip_value / biggest if biggest > clip_value else g.copy())
    return out


@V.mutant("clip_grad_value", hint="Entries are clamped to [0, clip_value], which wipes out every "
                                  "negative gradient; the range is [-clip_value, clip_value].")
def clip_value_zero_to_v(grads, clip_value):
    return [np.clip(g, 0, clip_value) for g in grads]


V.edit_mutant("clip_grad_value", "clip_value_in_place", mistake="in-place",
              hint="The gradients are clamped in place (np.clip with out=g), so the caller's "
                   "arrays change: return new arrays.",
              replace={"np.clip(g, -clip_value, clip_value)": "np.clip(g, -clip_value, clip_value, out=g)"})


@V.alternative("clip_grad_value")
def clip_value_min_max(grads, clip_value):
    return [np.maximum(np.minimum(g, clip_value), -clip_value) for g in grads]


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


@V.mutant("clip_grad_norm", hint="The norm returned is measured after clipping; return the total "
                                 "norm of the gradients as they came in, which is what you log to "
                                 "see how often clipping kicks in.")
def clip_norm_returns_after(grads, max_norm):
    total_norm = float(np.sqrt(sum(np.sum(g ** 2) for g in grads)))
    scale = min(max_norm / (total_norm + 1e-6), 1.0)
    clipped = [g * scale for g in grads]
    return clipped, float(np.sqrt(sum(np.sum(g ** 2) for g in clipped)))


@V.mutant("clip_grad_norm", hint="The scale is not capped at 1, so gradients that are already "
                                 "smaller than max_norm get blown up to it; clipping only ever "
                                 "shrinks.")
def clip_norm_uncapped(grads, max_norm):
    total_norm = float(np.sqrt(sum(np.sum(g ** 2) for g in grads)))
    scale = max_norm / (total_norm + 1e-6)
    return [g * scale for g in grads], total_norm


@V.mutant("clip_grad_norm", hint="The total norm is taken as the sum of the arrays' norms; it is "
                                 "the norm of all entries together: the square root of the sum of "
                                 "all squares.")
def clip_norm_sum_of_norms(grads, max_norm):
    total_norm = float(sum(np.linalg.norm(g) for g in grads))
    scale = min(max_norm / (total_norm + 1e-6), 1.0)
    return [g * scale for g in grads], total_norm


@V.mutant("clip_grad_norm", hint="The gradients are scaled in place, as torch's clip_grad_norm_ "
                                 "does, but this function must return new arrays and leave the "
                                 "caller's as they were.", mistake="in-place")
def clip_norm_in_place(grads, max_norm):
    total_norm = float(np.sqrt(sum(np.sum(g * g) for g in grads)))
    scale = min(max_norm / (total_norm + 1e-6), 1.0)
    for g in grads:
        g *= scale
    return grads, total_norm


@V.alternative("clip_grad_norm")
def clip_norm_concatenate(grads, max_norm):
    total_norm = float(np.linalg.norm(np.concatenate([g.ravel() for g in grads])))
    scale = max_norm / (total_norm + 1e-6)
    if scale < 1:
        return [g * scale for g in grads], total_norm
    return [g.copy() for g in grads], total_norm


# ---------------------------------------------------------------- EarlyStopping

@V.mutant("EarlyStopping", hint="best_params is overwritten at every epoch, so it holds the LAST "
                                "weights rather than those of the best epoch: restoring it would "
                                "undo nothing.")
class early_stopping_keeps_last:
    def __init__(self, patience=5):
        self.patience = patience
        self.best_loss = float("inf")
        self.best_epoch = None
        self.best_params = None
        self.epoch = 0
        self.bad_epochs = 0

    def step(self, val_loss, params):
        if val_loss < self.best_loss:
            self.best_loss = val_loss
            self.best_epoch = self.epoch
            self.bad_epochs = 0
        else:
            self.bad_epochs += 1
        self.best_params = {k: v.copy() for k, v in params.items()}
        self.epoch += 1
        return self.bad_epochs >= self.patience


@V.mutant("EarlyStopping", hint="Training stops one epoch too late: step must return True as soon "
                                "as `patience` epochs in a row have brought no improvement.")
class early_stopping_off_by_one:
    def __init__(self, patience=5):
        self.patience = patience
        self.best_loss = float("inf")
        self.best_epoch = None
        self.best_params = None
        self.epoch = 0
        self.bad_epochs = 0

    def step(self, val_loss, params):
        if val_loss < self.best_loss:
            self.best_loss = val_loss
            self.best_epoch = self.epoch
            self.best_params = {k: v.copy() for k, v in params.items()}
            self.bad_epochs = 0
        else:
            self.bad_epochs += 1
        self.epoch += 1
        return self.bad_epochs > self.patience


@V.mutant("EarlyStopping", hint="A loss EQUAL to the best so far is counted as an improvement; "
                                "only a strictly lower loss is, so a plateau counts towards "
                                "patience and best_epoch stays at the first epoch that reached "
                                "the best loss.")
class early_stopping_ties_improve:
    def __init__(self, patience=5):
        self.patience = patience
        self.best_loss = float("inf")
        self.best_epoch = None
        self.best_params = None
        self.epoch = 0
        self.bad_epochs = 0

    def step(self, val_loss, params):
        if val_loss <= self.best_loss:
            self.best_loss = val_loss
            self.best_epoch = self.epoch
            self.best_params = {k: v.copy() for k, v in params.items()}
            self.bad_epochs = 0
        else:
            self.bad_epochs += 1
        self.epoch += 1
        return self.bad_epochs >= self.patience


@V.mutant("EarlyStopping", hint="The count of epochs without improvement is not reset when the "
                                "loss improves, so training stops after `patience` bad epochs in "
                                "total instead of in a row.")
class early_stopping_no_reset:
    def __init__(self, patience=5):
        self.patience = patience
        self.best_loss = float("inf")
        self.best_epoch = None
        self.best_params = None
        self.epoch = 0
        self.bad_epochs = 0

    def step(self, val_loss, params):
        if val_loss < self.best_loss:
            self.best_loss = val_loss
            self.best_epoch = self.epoch
            self.best_params = {k: v.copy() for k, v in params.items()}
        else:
            self.bad_epochs += 1
        self.epoch += 1
        return self.bad_epochs >= self.patience


@V.mutant("EarlyStopping", hint="best_params holds the very arrays the training loop keeps "
                                "updating in place, so it changes with them: store a copy of each "
                                "array.")
class early_stopping_no_copy:
    def __init__(self, patience=5):
        self.patience = patience
        self.best_loss = float("inf")
        self.best_epoch = None
        self.best_params = None
        self.epoch = 0
        self.bad_epochs = 0

    def step(self, val_loss, params):
        if val_loss < self.best_loss:
            self.best_loss = val_loss
            self.best_epoch = self.epoch
            self.best_params = dict(params)  # a new dict, but the same arrays
            self.bad_epochs = 0
        else:
            self.bad_epochs += 1
        self.epoch += 1
        return self.bad_epochs >= self.patience


@V.mutant("EarlyStopping", hint="Epochs are numbered from 1; the first call of step is epoch 0.")
class early_stopping_epochs_from_one:
    def __init__(self, patience=5):
        self.patience = patience
        self.best_loss = float("inf")
        self.best_epoch = None
        self.best_params = None
        self.epoch = 0
        self.bad_epochs = 0

    def step(self, val_loss, params):
        self.epoch += 1
        if val_loss < self.best_loss:
            self.best_loss = val_loss
            self.best_epoch = self.epoch
            self.best_params = {k: v.copy() for k, v in params.items()}
            self.bad_epochs = 0
        else:
            self.bad_epochs += 1
        return self.bad_epochs >= self.patience


V.edit_mutant("EarlyStopping", "early_stopping_starts_at_zero",
              hint="best_loss starts at 0.0, which no loss can beat: before the first step it must "
                   "be float('inf'), so that the first epoch is always an improvement.",
              replace={'self.best_loss = float("inf")': "self.best_loss = 0.0",
                       "if val_loss < self.best_loss:": "if self.best_epoch is None or val_loss < self.best_loss:"})
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
