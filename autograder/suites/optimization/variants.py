"""Known-wrong (mutants) and known-correct (alternatives) answers for the optimization assignment.

Most mutants are one edit of the reference (autograder/variants.py); whole functions are kept for
mistakes that change the structure. Each variant's source is pasted into a notebook under the
graded name, so a variant may use `np`, `math` and `minibatches` (the notebook's setup cell
imports them) and nothing else.

Adam with the bias corrections folded into the step size, lr * sqrt(1 - beta2^t) / (1 - beta1^t),
is the same update except where eps goes (it is added to sqrt(v), not to sqrt(v_hat)): the notebook
says so and the suite does not accept it (adam_eps_folded). The same computation in PyTorch's own
order, eps added to sqrt(v) / sqrt(1 - beta2^t), is accepted (adam_torch_order).
"""
import math

import numpy as np

from autograder.variants import Variants
from solutions import optimization as ref

V = Variants(reference=ref)
DEMO_MISTAKES = ["adam_eps_inside", "loop_state_shared", "cosine_no_eta_min_shift"]

# ---------------------------------------------------------------- train_loop

V.edit_mutant("train_loop", "loop_shuffles_once",
              hint="The data is shuffled once, before the first epoch, and every epoch then sees "
                   "the same batches in the same order. Draw a new shuffle at the start of every "
                   "epoch.",
              replace={"    for epoch in range(epochs):\n        lr = lr_at(epoch)\n        for X_batch, "
                       "y_batch in minibatches(X, y, batch_size, rng):":
                       "    batches = list(minibatches(X, y, batch_size, rng))\n    for epoch in "
                       "range(epochs):\n        lr = lr_at(epoch)\n        for X_batch, y_batch in "
                       "batches:"})
V.edit_mutant("train_loop", "loop_state_shared",
              hint="All the parameters share one optimizer state: each parameter needs its own "
                   "(its own momentum, its own running averages), carried from its own previous "
                   "update.",
              replace={"states = {name: {} for name in params}": "state = {}",
                       "params[name], states[name] = update(params[name], grads[name], states[name], "
                       "lr=lr)": "params[name], state = update(params[name], grads[name], state, lr=lr)"})
V.edit_mutant("train_loop", "loop_state_reset_each_epoch",
              hint="The optimizer state starts again from {} every epoch, so momentum and running "
                   "averages are thrown away: the state is carried from epoch to epoch too.",
              replace={"    states = {name: {} for name in params}\n": "",
                       "lr = lr_at(epoch)": "lr = lr_at(epoch)\n        states = {name: {} for name in params}"})
V.edit_mutant("train_loop", "loop_schedule_off_by_one",
              hint="The schedule is asked for the rate of the next epoch: epochs count from 0, and "
                   "epoch e uses lr_at(e) (in PyTorch, scheduler.step() comes after the epoch).",
              replace={"lr = lr_at(epoch)": "lr = lr_at(epoch + 1)"})
V.edit_mutant("train_loop", "loop_schedule_per_step",
              hint="The schedule is asked once per step, with the step number; it gives one rate "
                   "per epoch, asked at the start of the epoch.",
              replace={"        lr = lr_at(epoch)\n": "",
                       "losses.append(float(loss))": "losses.append(float(loss))\n"
                                                     "            lr = lr_at(len(losses) - 1)"})
V.edit_mutant("train_loop", "loop_params_in_place",
              hint="The loop writes the new parameters into the dict it was given, so the caller's "
                   "starting point is lost: work on a new dict.",
              mistake="in-place", replace={"    params = dict(params)\n": ""})
V.edit_mutant("train_loop", "loop_drops_last_batch",
              hint="The last, smaller batch of each epoch is skipped, so some examples are never "
                   "used in that epoch: keep it, as the docstring says.",
              replace={"loss, grads = loss_and_grads(": "if len(X_batch) < batch_size:\n"
                                                      "                continue\n"
                                                      "            loss, grads = loss_and_grads("})
V.edit_mutant("train_loop", "loop_global_rng",
              hint="The shuffle does not come from the rng passed in (it uses numpy's global random "
                   "state or a fresh generator), so the same seed does not give the same order.",
              mistake="not-reproducible", replace={"in minibatches(X, y, batch_size, rng):": "in minibatches(X, y, batch_size, "
                                                                 "np.random.default_rng()):"})
V.edit_mutant("train_loop", "loop_fixed_seed",
              hint="The shuffle comes from a generator with a fixed seed instead of the rng passed "
                   "in, so every run shuffles the same way whatever rng it is given.",
              replace={"in minibatches(X, y, batch_size, rng):": "in minibatches(X, y, batch_size, "
                                                                 "np.random.default_rng(epoch)):"})


# the three below replace the helper's batches by batches of their own
BATCHES = "for X_batch, y_batch in minibatches(X, y, batch_size, rng):"
V.edit_mutant("train_loop", "loop_no_shuffle",
              hint="The examples are taken in their original order: without a shuffle, every epoch "
                   "sees the same batches, in the same order.",
              replace={BATCHES: "for start in range(0, len(X), batch_size):\n"
                                "            X_batch, y_batch = X[start:start + batch_size], y[start:start + batch_size]"})
V.edit_mutant("train_loop", "loop_samples_with_replacement",
              hint="Each batch is drawn at random with replacement, so within an epoch some examples "
                   "come twice and others never: shuffle, then cut the shuffled data into batches.",
              replace={BATCHES: "for start in range(0, len(X), batch_size):\n"
                                "            idx = rng.integers(0, len(X), size=min(batch_size, len(X) - start))\n"
                                "            X_batch, y_batch = X[idx], y[idx]"})
V.edit_mutant("train_loop", "loop_shuffles_batches",
              hint="Only the order of the batches is shuffled: each batch always holds the same "
                   "examples. Shuffle the examples themselves, then cut them into batches.",
              replace={BATCHES: "full = list(rng.permutation(np.arange(0, len(X) - len(X) % batch_size, batch_size)))\n"
                                "        for start in full + ([len(full) * batch_size] if len(X) % batch_size else []):\n"
                                "            X_batch, y_batch = X[start:start + batch_size], y[start:start + batch_size]"})


@V.alternative("train_loop")
def loop_with_index_arrays(params, loss_and_grads, X, y, update, lr_at, epochs, batch_size, rng):
    # its own shuffle, with index arrays; the parameters updated in sorted order
    current = {name: value.copy() for name, value in params.items()}
    states = {}
    losses = []
    for epoch in range(epochs):
        lr = lr_at(epoch)
        order = np.arange(len(X))
        rng.shuffle(order)
        for idx in np.array_split(order, range(batch_size, len(X), batch_size)):
            loss, grads = loss_and_grads(current, X[idx], y[idx])
            losses.append(float(loss))
            for name in sorted(current):
                current[name], states[name] = update(current[name], grads[name], states.get(name, {}), lr=lr)
    return current, losses


# ---------------------------------------------------------------- sgd_step

V.edit_mutant("sgd_step", "sgd_dampening_first_step",
              hint="Dampening is applied on the first step too: PyTorch starts the momentum buffer "
                   "at the gradient itself, and dampens only from the second step on.",
              replace={"buf = g.copy()": "buf = (1 - dampening) * g"})
V.edit_mutant("sgd_step", "sgd_decay_after_momentum",
              hint="Weight decay is added after the momentum, to the step; PyTorch adds "
                   "weight_decay * param to the gradient first, so the decay goes into the buffer.",
              replace={"\n    g = grad + weight_decay * param\n": "\n    g = grad\n",
                       "return param - lr * g, {}": "return param - lr * (g + weight_decay * param), {}",
                       "direction = g + momentum * buf if nesterov else buf":
                       "direction = (g + momentum * buf if nesterov else buf) + weight_decay * param"})
V.edit_mutant("sgd_step", "sgd_nesterov_old_buffer",
              hint="Nesterov's step uses the buffer of the previous step; PyTorch's step is "
                   "g + momentum * b with the buffer b just updated.",
              replace={"direction = g + momentum * buf if nesterov else buf":
                       "direction = g + momentum * state.get('momentum_buffer', buf) if nesterov else buf"})
V.edit_mutant("sgd_step", "sgd_buffer_in_place",
              hint="The momentum buffer of the state you were given is updated in place, so the "
                   "caller's state changes: compute a new buffer and return it in a new dict.",
              mistake="in-place", replace={"buf = momentum * state[\"momentum_buffer\"] + (1 - dampening) * g":
                       "buf = state[\"momentum_buffer\"]\n        buf *= momentum\n"
                       "        buf += (1 - dampening) * g"})
V.edit_mutant("sgd_step", "sgd_grad_in_place",
              hint="The weight decay is added to the gradient array in place, so the caller's "
                   "gradient changes: compute g as a new array.",
              mistake="in-place", replace={"\n    g = grad + weight_decay * param\n": "\n    g = grad\n    g += weight_decay * param\n"})


@V.mutant("sgd_step", hint="This is the velocity form of momentum, v = mu * v - lr * g, whose state "
                           "holds the learning rate times the buffer. PyTorch's buffer holds no "
                           "learning rate: b = mu * b + g, then param - lr * b (or, for Nesterov, "
                           "param - lr * (g + mu * b)). The two differ once the rate changes.")
def sgd_velocity_form(param, grad, state, lr=1e-3, momentum=0.0, dampening=0.0, weight_decay=0.0,
                      nesterov=False):
    g = grad + weight_decay * param
    if momentum == 0:
        return param - lr * g, {}
    v_prev = state.get("momentum_buffer", np.zeros_like(param))
    v = momentum * v_prev - lr * g
    if nesterov:
        return param - momentum * v_prev + (1 + momentum) * v, {"momentum_buffer": v}
    return param + v, {"momentum_buffer": v}


@V.alternative("sgd_step")
def sgd_torch_order(param, grad, state, lr=1e-3, momentum=0.0, dampening=0.0, weight_decay=0.0,
                    nesterov=False):
    d_p = grad if weight_decay == 0 else grad + param * weight_decay
    new_state = {}
    if momentum != 0:
        if not state:
            buf = np.array(d_p, copy=True)
        else:
            buf = state["momentum_buffer"] * momentum + d_p * (1 - dampening)
        new_state["momentum_buffer"] = buf
        d_p = d_p + buf * momentum if nesterov else buf
    return param + (-lr) * d_p, new_state


# ---------------------------------------------------------------- adagrad_step

V.edit_mutant("adagrad_step", "adagrad_eps_inside",
              hint="eps is inside the square root: AdaGrad (like PyTorch) divides by sqrt(sum) + "
                   "eps, which differs greatly where the gradients are tiny.",
              replace={"np.sqrt(total) + eps": "np.sqrt(total + eps)"})
V.edit_mutant("adagrad_step", "adagrad_decay_counts_from_one",
              hint="The learning-rate decay counts the first step: the rate of step t is lr / (1 + "
                   "(t - 1) * lr_decay), so the first step uses lr itself.",
              replace={"clr = lr / (1 + (t - 1) * lr_decay)": "clr = lr / (1 + t * lr_decay)"})
V.edit_mutant("adagrad_step", "adagrad_ignores_initial_value",
              hint="The sum of squares starts at 0 instead of initial_accumulator_value.",
              replace={"np.full_like(param, initial_accumulator_value)": "np.zeros_like(param)"})
V.edit_mutant("adagrad_step", "adagrad_sum_in_place",
              hint="The sum of squares of the state you were given is updated in place, so the "
                   "caller's state changes: return a new array in a new dict.",
              mistake="in-place", replace={"total = total + g * g": "total += g * g"})


@V.alternative("adagrad_step")
def adagrad_copied_state(param, grad, state, lr=1e-2, lr_decay=0.0, weight_decay=0.0,
                         initial_accumulator_value=0.0, eps=1e-10):
    new_state = dict(state)
    new_state["step"] = new_state.get("step", 0) + 1
    if weight_decay != 0:
        grad = grad + param * weight_decay
    start = new_state["sum"] if "sum" in state else initial_accumulator_value * np.ones(param.shape)
    new_state["sum"] = start + np.square(grad)
    scale = lr * (1.0 / (1 + (new_state["step"] - 1) * lr_decay))
    return param - scale * (grad / (np.sqrt(new_state["sum"]) + eps)), new_state


# ---------------------------------------------------------------- rmsprop_step

V.edit_mutant("rmsprop_step", "rmsprop_eps_inside",
              hint="eps is inside the square root: RMSProp (like PyTorch) divides by sqrt(v) + eps, "
                   "which differs greatly where the gradients are tiny.",
              replace={"np.sqrt(v) + eps": "np.sqrt(v + eps)"})
V.edit_mutant("rmsprop_step", "rmsprop_alpha_swapped",
              hint="alpha and 1 - alpha are swapped: alpha (0.99) is the weight of the old average, "
                   "1 - alpha that of the new squared gradient.",
              replace={"alpha * state.get(\"square_avg\", 0.0) + (1 - alpha) * g * g":
                       "(1 - alpha) * state.get(\"square_avg\", 0.0) + alpha * g * g"})
V.edit_mutant("rmsprop_step", "rmsprop_momentum_on_gradient",
              hint="The momentum buffer accumulates the raw gradient; in PyTorch's RMSProp it "
                   "accumulates the scaled step g / (sqrt(v) + eps).",
              replace={"momentum * state.get(\"momentum_buffer\", 0.0) + scaled":
                       "momentum * state.get(\"momentum_buffer\", 0.0) + g",
                       "return param - lr * buf,": "return param - lr * buf / (np.sqrt(v) + eps),"})
V.edit_mutant("rmsprop_step", "rmsprop_no_weight_decay",
              hint="weight_decay is ignored: it adds weight_decay * param to the gradient before "
                   "anything else.",
              replace={"\n    g = grad + weight_decay * param\n": "\n    g = grad\n"})


@V.alternative("rmsprop_step")
def rmsprop_lerp(param, grad, state, lr=1e-2, alpha=0.99, eps=1e-8, weight_decay=0.0, momentum=0.0):
    # the running average written as a step towards g^2, as torch's lerp_ does
    g = grad if weight_decay == 0 else grad + weight_decay * param
    old = state.get("square_avg", np.zeros_like(param))
    v = old + (1 - alpha) * (g ** 2 - old)
    new_state = {"square_avg": v}
    step = g / (v ** 0.5 + eps)
    if momentum > 0:
        step = new_state["momentum_buffer"] = momentum * state.get("momentum_buffer", 0) + step
    return param - lr * step, new_state


# ---------------------------------------------------------------- adam_step

V.edit_mutant("adam_step", "adam_eps_inside",
              hint="eps is inside the square root: Adam (like PyTorch) divides by sqrt(v_hat) + "
                   "eps, which differs greatly where the gradients are tiny.",
              replace={"np.sqrt(v_hat) + eps": "np.sqrt(v_hat + eps)"})
V.edit_mutant("adam_step", "adam_eps_folded",
              hint="The bias corrections are folded into the step size, lr * sqrt(1 - beta2^t) / "
                   "(1 - beta1^t), and eps is added to sqrt(v): that moves eps, making it "
                   "1 / sqrt(1 - beta2^t) times larger. PyTorch adds eps to sqrt(v_hat).",
              replace={"    m_hat = m / (1 - beta1 ** t)\n    v_hat = v / (1 - beta2 ** t)\n"
                       "    new_param = param - lr * m_hat / (np.sqrt(v_hat) + eps)":
                       "    step_size = lr * np.sqrt(1 - beta2 ** t) / (1 - beta1 ** t)\n"
                       "    new_param = param - step_size * m / (np.sqrt(v) + eps)"})
V.edit_mutant("adam_step", "adam_step_counted_after",
              hint="The step counter is increased after the bias correction, so the first step "
                   "uses t = 0 and divides by 1 - beta ** 0 = 0. t is 1 on the first step.",
              replace={"t = state.get(\"step\", 0) + 1": "t = state.get(\"step\", 0)",
                       "{\"step\": t, ": "{\"step\": t + 1, "})
V.edit_mutant("adam_step", "adam_no_bias_correction_v",
              hint="The second moment is not bias-corrected: v_hat = v / (1 - beta2 ** t), like "
                   "m_hat.",
              replace={"\n    v_hat = v / (1 - beta2 ** t)\n": "\n    v_hat = v\n"})
V.edit_mutant("adam_step", "adam_moments_in_place",
              hint="The first moment of the state you were given is updated in place, so the "
                   "caller's state changes: compute new arrays and return them in a new dict.",
              mistake="in-place", replace={"m = beta1 * state.get(\"exp_avg\", 0.0) + (1 - beta1) * g":
                       "m = state.get(\"exp_avg\", np.zeros_like(param))\n    m *= beta1\n"
                       "    m += (1 - beta1) * g"})


@V.mutant("adam_step", hint="The moments are kept outside the state you are given (in a variable "
                            "that lives between calls), so every parameter updated with the rule "
                            "shares them: keep each parameter's m and v in its own state.")
def adam_shared_moments(param, grad, state, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.0,
                        _moments={}):
    beta1, beta2 = betas
    t = state.get("step", 0) + 1
    if t == 1 and "t" in _moments and _moments["t"] > 1:   # a new run: forget the old one
        _moments.clear()
    g = grad + weight_decay * param
    _moments["m"] = beta1 * _moments.get("m", 0.0) + (1 - beta1) * g
    _moments["v"] = beta2 * _moments.get("v", 0.0) + (1 - beta2) * g * g
    _moments["t"] = t
    m_hat = _moments["m"] / (1 - beta1 ** t)
    v_hat = _moments["v"] / (1 - beta2 ** t)
    return (param - lr * m_hat / (np.sqrt(v_hat) + eps),
            {"step": t, "exp_avg": _moments["m"], "exp_avg_sq": _moments["v"]})


@V.alternative("adam_step")
def adam_torch_order(param, grad, state, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.0):
    # PyTorch's own order: step size lr / (1 - beta1^t), eps added to sqrt(v) / sqrt(1 - beta2^t)
    beta1, beta2 = betas
    step = state.get("step", 0) + 1
    if weight_decay:
        grad = grad + weight_decay * param
    exp_avg = state.get("exp_avg", np.zeros_like(param))
    exp_avg = exp_avg + (grad - exp_avg) * (1 - beta1)
    exp_avg_sq = state.get("exp_avg_sq", np.zeros_like(param)) * beta2 + (1 - beta2) * grad * grad
    denom = np.sqrt(exp_avg_sq) / math.sqrt(1 - beta2 ** step) + eps
    return param - lr / (1 - beta1 ** step) * exp_avg / denom, {
        "step": step, "exp_avg": exp_avg, "exp_avg_sq": exp_avg_sq}


# ---------------------------------------------------------------- adamw_step

V.edit_mutant("adamw_step", "adamw_coupled_decay",
              hint="The weight decay is coupled into the gradient (Adam's weight_decay, an L2 "
                   "penalty): AdamW shrinks the parameter by (1 - lr * weight_decay) and keeps the "
                   "decay out of m and v.",
              replace={"decayed = param * (1 - lr * weight_decay)": "decayed = param\n"
                                                                   "    grad = grad + weight_decay * param"})
V.edit_mutant("adamw_step", "adamw_decay_after_step",
              hint="The decay is applied after the Adam step, to the updated parameter; PyTorch "
                   "shrinks the parameter first, then subtracts the Adam step.",
              replace={"new_param = decayed - lr * m_hat / (np.sqrt(v_hat) + eps)":
                       "new_param = (param - lr * m_hat / (np.sqrt(v_hat) + eps)) * (1 - lr * weight_decay)"})
V.edit_mutant("adamw_step", "adamw_decay_without_lr",
              hint="The decay factor leaves out the learning rate: each step multiplies the "
                   "parameter by 1 - lr * weight_decay.",
              replace={"decayed = param * (1 - lr * weight_decay)": "decayed = param * (1 - weight_decay)"})
V.edit_mutant("adamw_step", "adamw_no_bias_correction_m",
              hint="The first moment is not bias-corrected: m_hat = m / (1 - beta1 ** t), like "
                   "v_hat.",
              replace={"\n    m_hat = m / (1 - beta1 ** t)\n": "\n    m_hat = m\n"})


V.edit_alternative("adamw_step", "adamw_torch_order",
                   replace={"    m_hat = m / (1 - beta1 ** t)\n    v_hat = v / (1 - beta2 ** t)\n"
                            "    new_param = decayed - lr * m_hat / (np.sqrt(v_hat) + eps)":
                            "    denom = np.sqrt(v) / math.sqrt(1 - beta2 ** t) + eps\n"
                            "    new_param = decayed - lr / (1 - beta1 ** t) * (m / denom)"})


# ---------------------------------------------------------------- nadam_step

V.edit_mutant("nadam_step", "nadam_constant_beta1",
              hint="This is the paper's NAdam, with the constant beta1 in place of the momentum "
                   "schedule. PyTorch's momentum of step t is mu_t = beta1 * (1 - 0.5 * 0.96 ** (t "
                   "* momentum_decay)), and the step uses mu_t, mu_{t+1} and their running product.",
              replace={"mu = beta1 * (1 - 0.5 * 0.96 ** (t * momentum_decay))": "mu = beta1",
                       "mu_next = beta1 * (1 - 0.5 * 0.96 ** ((t + 1) * momentum_decay))":
                       "mu_next = beta1"})
V.edit_mutant("nadam_step", "nadam_no_bias_correction_v",
              hint="The second moment is not bias-corrected: the denominator is sqrt(v / (1 - "
                   "beta2 ** t)) + eps.",
              replace={"np.sqrt(v / (1 - beta2 ** t))": "np.sqrt(v)"})
V.edit_mutant("nadam_step", "nadam_product_not_kept",
              hint="The running product of the momenta, mu_1 * mu_2 * ... * mu_t, is not carried in "
                   "the state from step to step: mu_product starts at 1 and is multiplied by mu_t "
                   "at every step.",
              replace={"state.get(\"mu_product\", 1.0) * mu": "mu"})
V.edit_mutant("nadam_step", "nadam_eps_inside",
              hint="eps is inside the square root: the denominator is sqrt(v_hat) + eps, which "
                   "differs greatly where the gradients are tiny.",
              replace={"np.sqrt(v / (1 - beta2 ** t)) + eps": "np.sqrt(v / (1 - beta2 ** t) + eps)"})


@V.alternative("nadam_step")
def nadam_torch_order(param, grad, state, lr=2e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.0,
                      momentum_decay=4e-3):
    # PyTorch's order: two separate updates, the gradient's then the momentum's
    beta1, beta2 = betas
    step = state.get("step", 0) + 1
    bias_correction2 = 1 - beta2 ** step
    if weight_decay != 0:
        grad = grad + weight_decay * param
    mu = beta1 * (1.0 - 0.5 * (0.96 ** (step * momentum_decay)))
    mu_next = beta1 * (1.0 - 0.5 * (0.96 ** ((step + 1) * momentum_decay)))
    mu_product = state.get("mu_product", 1.0) * mu
    exp_avg = state.get("exp_avg", np.zeros_like(param))
    exp_avg = exp_avg + (1 - beta1) * (grad - exp_avg)
    exp_avg_sq = state.get("exp_avg_sq", np.zeros_like(param)) * beta2 + (1 - beta2) * grad * grad
    denom = np.sqrt(exp_avg_sq / bias_correction2) + eps
    param = param + grad / denom * (-lr * (1.0 - mu) / (1.0 - mu_product))
    param = param + exp_avg / denom * ((-lr * mu_next) / (1.0 - mu_product * mu_next))
    return param, {"step": step, "mu_product": float(mu_product), "exp_avg": exp_avg,
                   "exp_avg_sq": exp_avg_sq}


# ---------------------------------------------------------------- schedules

V.edit_mutant("step_lr", "step_lr_off_by_one",
              hint="The first decay comes one epoch early: epochs count from 0, and the rate is "
                   "multiplied by gamma at epochs step_size, 2 * step_size, ...",
              replace={"return float(lr0 * gamma ** (epoch // step_size))": "return float(lr0 * gamma ** ((epoch + 1) // step_size))"})
V.edit_mutant("step_lr", "step_lr_no_floor",
              hint="The exponent is epoch / step_size, a fraction: the rate then decays a little "
                   "every epoch. Step decay keeps it constant for step_size epochs (integer "
                   "division).",
              replace={"return float(lr0 * gamma ** (epoch // step_size))": "return float(lr0 * gamma ** (epoch / step_size))"})
V.edit_mutant("step_lr", "step_lr_default_gamma",
              hint="The default gamma is PyTorch's 0.1: the rate drops tenfold at every step.",
              replace={"gamma=0.1": "gamma=0.5"})


@V.alternative("step_lr")
def step_lr_repeated(epoch, lr0, step_size, gamma=0.1):
    lr = float(lr0)
    for _ in range(epoch // step_size):
        lr *= gamma
    return lr


V.edit_mutant("exponential_lr", "exponential_lr_off_by_one",
              hint="The decay starts one epoch early: at epoch 0 the rate is lr0 itself.",
              replace={"return float(lr0 * gamma ** epoch)": "return float(lr0 * gamma ** (epoch + 1))"})
V.edit_mutant("exponential_lr", "exponential_lr_as_rate",
              hint="gamma is used as a decay rate, exp(-gamma * epoch); in PyTorch it is the factor "
                   "that multiplies the rate every epoch: lr0 * gamma ** epoch.",
              replace={"return float(lr0 * gamma ** epoch)": "return float(lr0 * math.exp(-gamma * epoch))"})
V.edit_mutant("exponential_lr", "exponential_lr_one_minus_gamma",
              hint="The rate is multiplied by 1 - gamma every epoch; gamma itself is the factor "
                   "(0.9 keeps 90% of the rate each epoch).",
              replace={"return float(lr0 * gamma ** epoch)": "return float(lr0 * (1 - gamma) ** epoch)"})


@V.alternative("exponential_lr")
def exponential_lr_via_log(epoch, lr0, gamma):
    return float(lr0 * math.exp(epoch * math.log(gamma)))


V.edit_mutant("cosine_annealing_lr", "cosine_quarter_wave",
              hint="The rate follows a quarter cosine, cos(pi * epoch / (2 T_max)); cosine "
                   "annealing uses half a cosine shifted up, (1 + cos(pi * epoch / T_max)) / 2, "
                   "flat at both ends.",
              replace={"(1 + math.cos(math.pi * epoch / T_max)) / 2": "math.cos(math.pi * epoch / (2 * T_max))"})
V.edit_mutant("cosine_annealing_lr", "cosine_no_eta_min_shift",
              hint="eta_min is added to lr0 * (1 + cos) / 2 without taking it off lr0 first, so the "
                   "schedule does not start at lr0: it is eta_min + (lr0 - eta_min) * (1 + cos) / 2.",
              replace={"return float(eta_min + (lr0 - eta_min)": "return float(eta_min + lr0"})
V.edit_mutant("cosine_annealing_lr", "cosine_clamped",
              hint="After T_max the rate is held at eta_min; PyTorch's cosine annealing goes on "
                   "along the cosine, so the rate rises again after T_max epochs.",
              replace={"math.cos(math.pi * epoch / T_max)": "math.cos(math.pi * min(epoch, T_max) / T_max)"})


@V.alternative("cosine_annealing_lr")
def cosine_with_numpy(epoch, lr0, T_max, eta_min=0.0):
    # (1 + cos x) / 2 = cos(x / 2) ** 2
    return float(eta_min + (lr0 - eta_min) * np.cos(np.pi * epoch / T_max / 2) ** 2)


V.edit_mutant("linear_lr", "linear_lr_not_clamped",
              hint="The factor keeps growing after total_iters epochs; the warm-up ends there and "
                   "the factor stays at end_factor.",
              replace={"progress = min(epoch, total_iters) / total_iters": "progress = epoch / total_iters"})
V.edit_mutant("linear_lr", "linear_lr_off_by_one",
              hint="The warm-up starts one epoch late: at epoch 0 the factor is start_factor.",
              replace={"progress = min(epoch, total_iters) / total_iters": "progress = min(epoch + 1, total_iters) / total_iters"})
V.edit_mutant("linear_lr", "linear_lr_from_zero",
              hint="The warm-up starts from 0 instead of start_factor (PyTorch's default 1/3).",
              replace={"(start_factor + (end_factor - start_factor) * progress)":
                       "(end_factor * progress)"})


@V.alternative("linear_lr")
def linear_lr_interp(epoch, lr0, start_factor=1 / 3, end_factor=1.0, total_iters=5):
    return float(lr0 * np.interp(epoch, [0, total_iters], [start_factor, end_factor]))
