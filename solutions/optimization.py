"""Reference implementations for the optimization assignment.

Each function is the body of one solution cell of assignments/optimization/optimization.ipynb.
They never call each other, so that one wrong function costs only its own points. numpy only,
float64. The update rules follow torch.optim and the schedules torch.optim.lr_scheduler
(tests/test_optimization_suite.py checks both against PyTorch).

train_loop uses the student library's minibatches (released with the first assignment): the
shuffling is given, the loop that drives an update rule and a schedule is what is graded.
"""
import math

import numpy as np

from coursekit.training import minibatches

# Never in any student-visible file, feedback or output (tests/test_adversarial.py checks).
CANARY = "course-canary-5b0c7e41d9a2f368"


def train_loop(params, loss_and_grads, X, y, update, lr_at, epochs, batch_size, rng):
    """
    Minibatch training driven by an update rule and a learning-rate schedule.

    Every epoch visits every example exactly once, in a new random order drawn from rng, in
    batches of batch_size rows; when N is not a multiple of batch_size the last batch of each
    epoch is smaller (N % batch_size rows): no example is dropped. Use
    coursekit.training.minibatches(X, y, batch_size, rng), which does exactly this.

    At the start of epoch e (e = 0, 1, ..., epochs - 1) the learning rate is lr = lr_at(e); every
    step of that epoch uses it (as PyTorch's scheduler.step() called once after each epoch). A
    step: (loss, grads) = loss_and_grads(params, X_batch, y_batch), then for every parameter
    name, (params[name], state[name]) = update(params[name], grads[name], state[name], lr=lr).
    Each parameter has its own optimizer state, starting from an empty dict {} and carried from
    step to step (and from epoch to epoch).

    Inputs:
    - params: dict name -> numpy array, the starting parameters. Not modified.
    - loss_and_grads: function (params, X_batch, y_batch) -> (loss, grads), where loss is a
      number and grads a dict with the keys of params
    - X: array of shape (N, D); y: array of shape (N,)
    - update: an update rule, update(param, grad, state, lr=lr) -> (new_param, new_state)
    - lr_at: a schedule, lr_at(epoch) -> the learning rate of that epoch
    - epochs: number of passes over the data, an int >= 1
    - batch_size: rows per batch, an int >= 1
    - rng: a numpy.random.Generator, the only source of randomness (the shuffling)

    Returns a tuple of:
    - params: dict name -> array, the parameters after the last step (a new dict)
    - losses: list of Python floats, the loss of every step in order:
      epochs * ceil(N / batch_size) of them
    """
    params = dict(params)
    states = {name: {} for name in params}
    losses = []
    for epoch in range(epochs):
        lr = lr_at(epoch)
        for X_batch, y_batch in minibatches(X, y, batch_size, rng):
            loss, grads = loss_and_grads(params, X_batch, y_batch)
            losses.append(float(loss))
            for name in params:
                params[name], states[name] = update(params[name], grads[name], states[name], lr=lr)
    return params, losses


def sgd_step(param, grad, state, lr=1e-3, momentum=0.0, dampening=0.0, weight_decay=0.0,
             nesterov=False):
    """
    One step of stochastic gradient descent, with PyTorch's options (torch.optim.SGD).

    With g = grad + weight_decay * param (the L2 penalty's gradient is added first):
    - momentum = 0: new_param = param - lr * g.
    - momentum > 0: the buffer is b = g on the first step, and afterwards
      b = momentum * b + (1 - dampening) * g (dampening is not applied on the first step). Then
      new_param = param - lr * d, with d = b, or with Nesterov momentum d = g + momentum * b.
      nesterov=True needs momentum > 0 and dampening = 0, as in PyTorch.

    Inputs:
    - param: array of any shape, the parameter
    - grad: array of the shape of param, the gradient of the loss at param
    - state: dict, the optimizer state returned by the previous step, {} before the first step
    - lr: learning rate; momentum: momentum factor mu; dampening: dampening of the gradient in
      the buffer; weight_decay: L2 penalty strength; nesterov: use Nesterov momentum

    Returns a tuple of:
    - new_param: a new array of the shape of param
    - new_state: a new dict: {} when momentum = 0, else {"momentum_buffer": b} (an array of the
      shape of param)
    The arrays param and grad and the dict state are not modified.
    """
    g = grad + weight_decay * param
    if momentum == 0:
        return param - lr * g, {}
    if "momentum_buffer" in state:
        buf = momentum * state["momentum_buffer"] + (1 - dampening) * g
    else:
        buf = g.copy()
    direction = g + momentum * buf if nesterov else buf
    return param - lr * direction, {"momentum_buffer": buf}


def adagrad_step(param, grad, state, lr=1e-2, lr_decay=0.0, weight_decay=0.0,
                 initial_accumulator_value=0.0, eps=1e-10):
    """
    One step of AdaGrad, as torch.optim.Adagrad computes it.

    With t the number of this step (1 for the first), g = grad + weight_decay * param, and the
    running sum of squared gradients s (initial_accumulator_value in every entry before the first
    step):
        s = s + g ** 2
        new_param = param - lr / (1 + (t - 1) * lr_decay) * g / (sqrt(s) + eps)
    eps is added OUTSIDE the square root.

    Inputs:
    - param, grad: arrays of the same shape
    - state: dict returned by the previous step, {} before the first step
    - lr: learning rate; lr_decay: decay of the learning rate with the step count;
      weight_decay: L2 penalty strength; initial_accumulator_value: the starting value of s;
      eps: added to sqrt(s) for numerical stability

    Returns a tuple of:
    - new_param: a new array of the shape of param
    - new_state: a new dict {"step": t (an int), "sum": s (an array of the shape of param)}
    The inputs are not modified.
    """
    t = state.get("step", 0) + 1
    total = state.get("sum", np.full_like(param, initial_accumulator_value))
    g = grad + weight_decay * param
    total = total + g * g
    clr = lr / (1 + (t - 1) * lr_decay)
    return param - clr * g / (np.sqrt(total) + eps), {"step": t, "sum": total}


def rmsprop_step(param, grad, state, lr=1e-2, alpha=0.99, eps=1e-8, weight_decay=0.0,
                 momentum=0.0):
    """
    One step of RMSProp, as torch.optim.RMSprop computes it (centered=False).

    With g = grad + weight_decay * param and the running average of squared gradients v
    (0 before the first step):
        v = alpha * v + (1 - alpha) * g ** 2
        new_param = param - lr * g / (sqrt(v) + eps)                     (momentum = 0)
    With momentum > 0, a buffer b (0 before the first step) takes the step instead:
        b = momentum * b + g / (sqrt(v) + eps),  new_param = param - lr * b

    Inputs:
    - param, grad: arrays of the same shape
    - state: dict returned by the previous step, {} before the first step
    - lr: learning rate; alpha: smoothing constant of v; eps: added to sqrt(v) (outside the
      square root); weight_decay: L2 penalty strength; momentum: momentum factor

    Returns a tuple of:
    - new_param: a new array of the shape of param
    - new_state: a new dict {"square_avg": v}, plus "momentum_buffer": b when momentum > 0
      (arrays of the shape of param)
    The inputs are not modified.
    """
    g = grad + weight_decay * param
    v = alpha * state.get("square_avg", 0.0) + (1 - alpha) * g * g
    scaled = g / (np.sqrt(v) + eps)
    if momentum == 0:
        return param - lr * scaled, {"square_avg": v}
    buf = momentum * state.get("momentum_buffer", 0.0) + scaled
    return param - lr * buf, {"square_avg": v, "momentum_buffer": buf}


def adam_step(param, grad, state, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.0):
    """
    One step of Adam, as torch.optim.Adam computes it.

    With t the number of this step (1 for the first), g = grad + weight_decay * param (Adam's
    weight decay is an L2 penalty, coupled into the gradient), and the moments m, v (0 before
    the first step):
        m = beta1 * m + (1 - beta1) * g              v = beta2 * v + (1 - beta2) * g ** 2
        m_hat = m / (1 - beta1 ** t)                 v_hat = v / (1 - beta2 ** t)
        new_param = param - lr * m_hat / (sqrt(v_hat) + eps)
    eps is added to sqrt(v_hat), after the bias correction.

    Inputs:
    - param, grad: arrays of the same shape
    - state: dict returned by the previous step, {} before the first step
    - lr: learning rate; betas: (beta1, beta2), the decay rates of m and v; eps: added to
      sqrt(v_hat); weight_decay: L2 penalty strength

    Returns a tuple of:
    - new_param: a new array of the shape of param
    - new_state: a new dict {"step": t (an int), "exp_avg": m, "exp_avg_sq": v} (m and v are the
      moments before bias correction, arrays of the shape of param)
    The inputs are not modified.
    """
    beta1, beta2 = betas
    t = state.get("step", 0) + 1
    g = grad + weight_decay * param
    m = beta1 * state.get("exp_avg", 0.0) + (1 - beta1) * g
    v = beta2 * state.get("exp_avg_sq", 0.0) + (1 - beta2) * g * g
    m_hat = m / (1 - beta1 ** t)
    v_hat = v / (1 - beta2 ** t)
    new_param = param - lr * m_hat / (np.sqrt(v_hat) + eps)
    return new_param, {"step": t, "exp_avg": m, "exp_avg_sq": v}


def adamw_step(param, grad, state, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=1e-2):
    """
    One step of AdamW (Adam with decoupled weight decay), as torch.optim.AdamW computes it.

    First the decay, on the parameter alone: p = param * (1 - lr * weight_decay). Then an Adam
    step on the gradient alone (the decay never enters m or v), with t the number of this step:
        m = beta1 * m + (1 - beta1) * grad           v = beta2 * v + (1 - beta2) * grad ** 2
        m_hat = m / (1 - beta1 ** t)                 v_hat = v / (1 - beta2 ** t)
        new_param = p - lr * m_hat / (sqrt(v_hat) + eps)

    Inputs:
    - param, grad: arrays of the same shape
    - state: dict returned by the previous step, {} before the first step
    - lr: learning rate; betas: (beta1, beta2); eps: added to sqrt(v_hat); weight_decay: the
      decoupled decay rate (PyTorch's default 1e-2)

    Returns a tuple of:
    - new_param: a new array of the shape of param
    - new_state: a new dict {"step": t (an int), "exp_avg": m, "exp_avg_sq": v}
    The inputs are not modified.
    """
    beta1, beta2 = betas
    t = state.get("step", 0) + 1
    decayed = param * (1 - lr * weight_decay)
    m = beta1 * state.get("exp_avg", 0.0) + (1 - beta1) * grad
    v = beta2 * state.get("exp_avg_sq", 0.0) + (1 - beta2) * grad * grad
    m_hat = m / (1 - beta1 ** t)
    v_hat = v / (1 - beta2 ** t)
    new_param = decayed - lr * m_hat / (np.sqrt(v_hat) + eps)
    return new_param, {"step": t, "exp_avg": m, "exp_avg_sq": v}


def nadam_step(param, grad, state, lr=2e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.0,
               momentum_decay=4e-3):
    """
    One step of NAdam (Adam with Nesterov momentum), as torch.optim.NAdam computes it.

    PyTorch's NAdam warms the momentum up along a schedule: the momentum of step t is
        mu_t = beta1 * (1 - 0.5 * 0.96 ** (t * momentum_decay)),
    and P_t = mu_1 * mu_2 * ... * mu_t is their running product (1 before the first step). With
    g = grad + weight_decay * param and the moments m, v (0 before the first step):
        m = beta1 * m + (1 - beta1) * g              v = beta2 * v + (1 - beta2) * g ** 2
        denom = sqrt(v / (1 - beta2 ** t)) + eps
        new_param = param - lr * (1 - mu_t) / (1 - P_t) * g / denom
                          - lr * mu_{t+1} / (1 - P_t * mu_{t+1}) * m / denom
    This is not the constant-beta1 formula of Dozat's paper.

    Inputs:
    - param, grad: arrays of the same shape
    - state: dict returned by the previous step, {} before the first step
    - lr: learning rate (PyTorch's default 2e-3); betas: (beta1, beta2); eps: added to the
      square root; weight_decay: L2 penalty strength (coupled into g); momentum_decay: the
      speed of the momentum schedule

    Returns a tuple of:
    - new_param: a new array of the shape of param
    - new_state: a new dict {"step": t (an int), "mu_product": P_t (a Python float),
      "exp_avg": m, "exp_avg_sq": v}
    The inputs are not modified.
    """
    beta1, beta2 = betas
    t = state.get("step", 0) + 1
    g = grad + weight_decay * param
    mu = beta1 * (1 - 0.5 * 0.96 ** (t * momentum_decay))
    mu_next = beta1 * (1 - 0.5 * 0.96 ** ((t + 1) * momentum_decay))
    mu_product = state.get("mu_product", 1.0) * mu
    m = beta1 * state.get("exp_avg", 0.0) + (1 - beta1) * g
    v = beta2 * state.get("exp_avg_sq", 0.0) + (1 - beta2) * g * g
    denom = np.sqrt(v / (1 - beta2 ** t)) + eps
    new_param = (param - lr * (1 - mu) / (1 - mu_product) * g / denom
                 - lr * mu_next / (1 - mu_product * mu_next) * m / denom)
    return new_param, {"step": t, "mu_product": float(mu_product), "exp_avg": m, "exp_avg_sq": v}


def step_lr(epoch, lr0, step_size, gamma=0.1):
    """
    Step decay (torch.optim.lr_scheduler.StepLR): the rate is multiplied by gamma every
    step_size epochs.

        lr = lr0 * gamma ** (epoch // step_size)

    Inputs:
    - epoch: the epoch, an int >= 0 (the first epoch is 0)
    - lr0: the initial learning rate; step_size: epochs between decays, an int >= 1;
      gamma: the factor of each decay

    Returns:
    - lr: the learning rate of that epoch, a Python float
    """
    return float(lr0 * gamma ** (epoch // step_size))


def exponential_lr(epoch, lr0, gamma):
    """
    Exponential decay (torch.optim.lr_scheduler.ExponentialLR): lr = lr0 * gamma ** epoch.

    Inputs:
    - epoch: the epoch, an int >= 0; lr0: the initial learning rate; gamma: the factor per epoch

    Returns:
    - lr: the learning rate of that epoch, a Python float
    """
    return float(lr0 * gamma ** epoch)


def cosine_annealing_lr(epoch, lr0, T_max, eta_min=0.0):
    """
    Cosine annealing (torch.optim.lr_scheduler.CosineAnnealingLR), from lr0 at epoch 0 down to
    eta_min at epoch T_max along half a cosine:

        lr = eta_min + (lr0 - eta_min) * (1 + cos(pi * epoch / T_max)) / 2

    After T_max the same formula goes on, so the rate rises again (as PyTorch's does): to stay
    at eta_min, train for T_max epochs.

    Inputs:
    - epoch: the epoch, an int >= 0; lr0: the initial learning rate; T_max: the epoch at which
      the rate reaches eta_min, an int >= 1; eta_min: the lowest rate

    Returns:
    - lr: the learning rate of that epoch, a Python float
    """
    return float(eta_min + (lr0 - eta_min) * (1 + math.cos(math.pi * epoch / T_max)) / 2)


def linear_lr(epoch, lr0, start_factor=1 / 3, end_factor=1.0, total_iters=5):
    """
    Linear warm-up (torch.optim.lr_scheduler.LinearLR): the rate is lr0 times a factor that goes
    linearly from start_factor at epoch 0 to end_factor at epoch total_iters, and stays at
    end_factor afterwards:

        lr = lr0 * (start_factor + (end_factor - start_factor) * min(epoch, total_iters) / total_iters)

    Inputs:
    - epoch: the epoch, an int >= 0; lr0: the base learning rate; start_factor, end_factor: the
      factors at the start and the end of the warm-up; total_iters: its length in epochs (>= 1)

    Returns:
    - lr: the learning rate of that epoch, a Python float
    """
    progress = min(epoch, total_iters) / total_iters
    return float(lr0 * (start_factor + (end_factor - start_factor) * progress))
