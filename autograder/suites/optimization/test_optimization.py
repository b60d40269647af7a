"""Hidden tests of the optimization assignment (run in the grader's process; see grading.py).

An item earns its POINTS (equal to the notebook's grade cells test_<item>) when all its tests pass.

Functions cannot cross the call interface, so the graded functions are reached through helpers
that the notebook provides in a locked cell (their source is HELPERS below; the project's tests
check that the notebook holds exactly this text). Here the same helper source runs with the
reference (or a known mutant, to name a mistake), never with the student's code.

- Update rules, through `run_rule`: each rule runs for STEPS steps on two parameters at once,
  interleaved, each step from the state the student's own rule returned the step before, with
  default and other hyper-parameters, and once with a learning rate that changes from step to
  step (as a schedule makes it). The new parameter and the new state are compared with the
  reference at every step; the gradient, the parameter and the state given to each call must
  come back unchanged. The gradients have coordinates of very different sizes, down to far below
  eps and exact zeros, so that where eps goes (inside or outside the square root) shows.
- Schedules, through `run_schedule`: the rate of every epoch 0..EPOCHS-1, default and other
  options.
- train_loop, through `run_loop`: a least-squares problem whose rows carry their index, and a
  recording update rule that is the notebook's, not the student's (so that a wrong update rule
  never costs the loop its points). The loop's batches are read back; the parameters, the losses
  and every update call are compared with the reference loop replayed on the student's own batch
  order. The shuffling itself is random: a correct loop fails its checks with probability below
  1e-12 (see _check_shuffles).
"""
import copy
import math
import types

import numpy as np

from autograder.boundary import IN_PLACE
from autograder.grading import Seed, StudentError, describe, fail, graded, mismatch
from autograder.suites.optimization.variants import V
from solutions import optimization as ref

# Never in any student-visible file, feedback or output (tests/test_adversarial.py checks).
CANARY = "course-canary-c47a19e0b3d5f826"

POINTS = {"train_loop": 3, "sgd_step": 3, "adagrad_step": 2, "rmsprop_step": 2, "adam_step": 3,
          "adamw_step": 2, "nadam_step": 2, "step_lr": 1, "exponential_lr": 1,
          "cosine_annealing_lr": 1, "linear_lr": 1}

# Seeds of the loop's shuffles are SEED_OFFSET + a constant. The project's tests vary it to
# confirm that a correct answer passes under other draws too.
SEED_OFFSET = 0

# The notebook's locked cell `provided_runners`, verbatim.
HELPERS = '''\
import copy

UPDATE_RULES = ("sgd_step", "adagrad_step", "rmsprop_step", "adam_step", "adamw_step", "nadam_step")
SCHEDULES = ("step_lr", "exponential_lr", "cosine_annealing_lr", "linear_lr")


def run_rule(rule, params, grads, options, lrs=None):
    """Run the update rule named `rule` on several parameters, interleaved: at step k, parameter i
    takes grads[k][i], starting from the state {} and then from the state the rule returned.
    lrs, if given, is the learning rate of each step (else options say).

    Returns, for every step and parameter, (new_param, new_state, param, grad, state): what the
    rule returned, and the three arguments it was given as they were after the call.
    """
    update = globals()[rule] if rule in UPDATE_RULES else None
    states = [{} for _ in params]
    params = list(params)
    trace = []
    for k, step_grads in enumerate(grads):
        kwargs = dict(options) if lrs is None else dict(options, lr=lrs[k])
        row = []
        for i, grad in enumerate(step_grads):
            given_param, given_state = params[i], states[i]
            params[i], states[i] = update(given_param, grad, given_state, **kwargs)
            row.append(copy.deepcopy((params[i], states[i], given_param, grad, given_state)))
        trace.append(row)
    return trace


def run_schedule(schedule, epochs, lr0, options):
    """The learning rate that the schedule named `schedule` gives at epochs 0, 1, ..., epochs - 1."""
    lr_at = globals()[schedule] if schedule in SCHEDULES else None
    return [lr_at(epoch, lr0, **options) for epoch in range(epochs)]


def run_loop(X, y, params, epochs, batch_size, rng, rates):
    """Run train_loop on least squares (column 0 of X holds each row's index, the rest are
    features) with a recording update rule, and the schedule lr_at(e) = rates[e].

    Returns (params, losses, params given, batches, calls, epochs asked): the two results of
    train_loop; its params argument after the call; the row indices of every batch
    loss_and_grads saw, in order; every update call as [shape of param, lr, steps in its state];
    the epochs train_loop asked the schedule for.
    """
    batches, calls, asked = [], [], []

    def loss_and_grads(params, X_batch, y_batch):
        batches.append([int(i) for i in X_batch[:, 0]])
        features = X_batch[:, 1:]
        err = features @ params["w"] + params["b"][0] - y_batch
        grads = {"w": 2 * features.T @ err / len(err), "b": np.array([2 * np.mean(err)])}
        return float(np.mean(err ** 2)), grads

    def update(param, grad, state, lr):
        steps = state.get("steps", 0)
        calls.append([list(np.shape(param)), lr, steps])
        return param - lr * grad / (1 + steps), {"steps": steps + 1}

    def lr_at(epoch):
        asked.append(epoch)
        return rates[epoch] if epoch in range(len(rates)) else 0.0

    new_params, losses = train_loop(params, loss_and_grads, X, y, update, lr_at, epochs, batch_size, rng)
    return new_params, losses, params, batches, calls, asked
'''


def _inputs(seed):
    """A Generator for deterministic test inputs (fixed: not moved by SEED_OFFSET)."""
    return np.random.default_rng(1000 + seed)


_LOCAL = {}


def _helpers(variant=None):
    """The notebook's helpers, run HERE with the reference's functions, or with one known variant
    (by name) in place of its function. Never with the student's code."""
    if variant not in _LOCAL:
        namespace = {k: v for k, v in vars(ref).items() if not k.startswith("__")}
        namespace["np"] = np
        if variant is not None:
            v = next(v for v in V.all if v.name == variant)
            exec(compile(v.source(), f"<variant {variant}>", "exec"), namespace)
        exec(compile(HELPERS, "<provided_runners>", "exec"), namespace)
        _LOCAL[variant] = namespace
    return _LOCAL[variant]


def _diagnose(got, target, helper, args, kwargs=None):
    """The hint of the first known mutant of `target` whose helper(*args) run here equals `got`."""
    for m in V.mutants_of(target):
        try:
            with np.errstate(all="ignore"):
                theirs = _helpers(m.name)[helper](*copy.deepcopy(args), **(kwargs or {}))
        except Exception:
            continue
        if mismatch(got, theirs) is None:
            return m.hint
    return None


def _call(student, helper, graded_name, *args):
    """Call a provided helper in the sandbox; when the student's code raises, times out or crashes,
    say so under the name of the student's function, not the helper's."""
    try:
        return student.call(helper, *args)
    except StudentError as exc:
        raise StudentError(exc.kind, exc.message.replace(helper, graded_name, 1), exc.traceback,
                           exc.hint) from None


def _options_text(options):
    return ", ".join(f"{k}={v}" for k, v in options.items()) or "the default hyper-parameters"


# ------------------------------------------------------------------------------ update rules

STEPS = 25
# Two parameters of the same shape, so that a rule that keeps its moments anywhere but in the state
# it is given mixes them up (rather than failing to broadcast).
SHAPES = [(2, 7), (2, 7)]
# per-column sizes of the gradients of the first parameter: 1e-12 and 0 are far below every eps
# (AdaGrad's is 1e-10), so sqrt(v) + eps and sqrt(v + eps) differ there by orders of magnitude
SCALES = np.array([1e-12, 1e-9, 1e-4, 1.0, 30.0, 0.0, 1e-6])


def _rule_case(seed):
    """Start values, and STEPS steps of gradients for the two parameters."""
    g = _inputs(seed)
    params = [g.normal(size=s) for s in SHAPES]
    grads = [[g.normal(size=SHAPES[0]) * SCALES, g.normal(size=SHAPES[1]) * g.choice([0.01, 1, 5], SHAPES[1])]
             for _ in range(STEPS)]
    for k in range(STEPS):   # the second parameter's gradient is 0 at some steps: a flat spot
        if k % 6 == 5:
            grads[k][1] = np.zeros(SHAPES[1])
    return params, grads


def _expect_trace(student, rule, options, seed=0, lrs=None):
    params, grads = _rule_case(seed)
    args = (rule, params, grads, options, lrs)
    setting = (f"Running {rule} for {STEPS} steps on two parameters of shape {SHAPES[0]}, "
               f"updated in turn, with {_options_text(options)}"
               + (f" and a learning rate changing at every step ({lrs[0]:g}, {lrs[1]:g}, ...)"
                  if lrs is not None else ""))
    got = _call(student, "run_rule", rule, *args)
    expected = _helpers()["run_rule"](*copy.deepcopy(args))
    if not (isinstance(got, list) and len(got) == STEPS and all(isinstance(r, list) and len(r) == 2 for r in got)):
        fail(f"{setting}: run_rule returned {describe(got)}, not a trace of {STEPS} steps.")
    for k in range(STEPS):
        for i in range(2):
            entry = got[k][i]
            if not (isinstance(entry, (list, tuple)) and len(entry) == 5):
                fail(f"{setting}: step {k + 1} of parameter {i} gave {describe(entry)}.")
            new_param, new_state, given_param, given_grad, given_state = entry
            before_param = params[i] if k == 0 else got[k - 1][i][0]
            before_state = {} if k == 0 else got[k - 1][i][1]
            where = f"at step {k + 1} (parameter {i})"
            for name, after, before in [("grad", given_grad, grads[k][i]),
                                        ("param", given_param, before_param),
                                        ("state", given_state, before_state)]:
                if mismatch(after, before, rtol=0, atol=0) is not None:
                    fail(f"{setting}: {rule} changed its argument {name} {where} (in place). An "
                         f"update rule returns new arrays and a new dict and leaves what it was "
                         f"given as it was: the caller may still need it.",
                         _diagnose(got, rule, "run_rule", args) or IN_PLACE)
            for what, g_value, e_value in [("new_param", new_param, expected[k][i][0]),
                                           ("new_state", new_state, expected[k][i][1])]:
                why = mismatch(g_value, e_value, path=what)
                if why:
                    fail(f"{setting}: {where}, {why}. (Each step started from the parameter and the "
                         f"state your {rule} returned the step before.)",
                         _diagnose(got, rule, "run_rule", args))


def _schedule_lrs():
    # a step-wise decay with a warm restart, as a schedule with momentum state would see it
    return [0.05 * 0.9 ** k if k < 15 else 0.08 * 0.9 ** (k - 15) for k in range(STEPS)]


@graded("sgd_step")
def test_sgd_defaults_and_plain(student):
    _expect_trace(student, "sgd_step", {}, 1)
    _expect_trace(student, "sgd_step", {"lr": 0.1, "weight_decay": 0.05}, 2)


@graded("sgd_step")
def test_sgd_momentum_and_dampening(student):
    _expect_trace(student, "sgd_step", {"lr": 0.02, "momentum": 0.9}, 3)
    _expect_trace(student, "sgd_step", {"lr": 0.02, "momentum": 0.8, "dampening": 0.3,
                                        "weight_decay": 0.1}, 4)


@graded("sgd_step")
def test_sgd_nesterov(student):
    _expect_trace(student, "sgd_step", {"lr": 0.02, "momentum": 0.9, "nesterov": True,
                                        "weight_decay": 0.05}, 5)
    _expect_trace(student, "sgd_step", {"momentum": 0.7, "nesterov": True}, 6, lrs=_schedule_lrs())


@graded("adagrad_step")
def test_adagrad_defaults(student):
    _expect_trace(student, "adagrad_step", {}, 7)


@graded("adagrad_step")
def test_adagrad_options(student):
    _expect_trace(student, "adagrad_step", {"lr": 0.1, "lr_decay": 0.05, "weight_decay": 0.1,
                                            "initial_accumulator_value": 0.2, "eps": 1e-6}, 8)


@graded("rmsprop_step")
def test_rmsprop_defaults(student):
    _expect_trace(student, "rmsprop_step", {}, 9)


@graded("rmsprop_step")
def test_rmsprop_options(student):
    _expect_trace(student, "rmsprop_step", {"lr": 0.003, "alpha": 0.9, "eps": 1e-6,
                                            "weight_decay": 0.1}, 10)
    _expect_trace(student, "rmsprop_step", {"alpha": 0.95, "momentum": 0.8}, 11, lrs=_schedule_lrs())


@graded("adam_step")
def test_adam_defaults(student):
    _expect_trace(student, "adam_step", {}, 12)


@graded("adam_step")
def test_adam_options(student):
    _expect_trace(student, "adam_step", {"lr": 0.01, "betas": (0.8, 0.99), "eps": 1e-6,
                                         "weight_decay": 0.1}, 13)
    _expect_trace(student, "adam_step", {"betas": (0.5, 0.9)}, 14, lrs=_schedule_lrs())


@graded("adamw_step")
def test_adamw_defaults(student):
    _expect_trace(student, "adamw_step", {}, 15)


@graded("adamw_step")
def test_adamw_options(student):
    _expect_trace(student, "adamw_step", {"lr": 0.01, "betas": (0.5, 0.9), "eps": 1e-6,
                                          "weight_decay": 0.3}, 16)


@graded("nadam_step")
def test_nadam_defaults(student):
    _expect_trace(student, "nadam_step", {}, 17)


@graded("nadam_step")
def test_nadam_options(student):
    _expect_trace(student, "nadam_step", {"lr": 0.01, "betas": (0.8, 0.99), "eps": 1e-6,
                                          "weight_decay": 0.1, "momentum_decay": 0.02}, 18)


# ------------------------------------------------------------------------------ schedules

EPOCHS = 30


def _expect_schedule(student, schedule, lr0, options):
    args = (schedule, EPOCHS, lr0, options)
    got = _call(student, "run_schedule", schedule, *args)
    expected = _helpers()["run_schedule"](*args)
    setting = f"{schedule}(epoch, lr0={lr0}, {_options_text(options)}) for epochs 0 to {EPOCHS - 1}"
    if not (isinstance(got, list) and len(got) == EPOCHS):
        fail(f"{setting}: expected {EPOCHS} rates, got {describe(got)}.")
    for epoch, (g, e) in enumerate(zip(got, expected)):
        if type(g) is not float:
            fail(f"{setting}: at epoch {epoch} it returned {describe(g)}; a learning rate is a "
                 f"Python float (float(...) makes one).")
        why = mismatch(g, e, path=f"the rate at epoch {epoch}")
        if why:
            fail(f"{setting}: {why}.", _diagnose(got, schedule, "run_schedule", args))


@graded("step_lr")
def test_step_lr(student):
    _expect_schedule(student, "step_lr", 0.5, {"step_size": 3})
    _expect_schedule(student, "step_lr", 0.1, {"step_size": 7, "gamma": 0.5})
    _expect_schedule(student, "step_lr", 2.0, {"step_size": 1, "gamma": 0.8})


@graded("exponential_lr")
def test_exponential_lr(student):
    _expect_schedule(student, "exponential_lr", 0.5, {"gamma": 0.9})
    _expect_schedule(student, "exponential_lr", 3e-3, {"gamma": 0.75})


@graded("cosine_annealing_lr")
def test_cosine_annealing_lr(student):
    # epochs beyond T_max are included: the cosine goes on and the rate rises again
    _expect_schedule(student, "cosine_annealing_lr", 0.5, {"T_max": 10})
    _expect_schedule(student, "cosine_annealing_lr", 0.1, {"T_max": 17, "eta_min": 0.01})


@graded("linear_lr")
def test_linear_lr(student):
    _expect_schedule(student, "linear_lr", 0.5, {})
    _expect_schedule(student, "linear_lr", 0.1, {"start_factor": 0.1, "end_factor": 0.8,
                                                 "total_iters": 12})


# ------------------------------------------------------------------------------ train_loop

def _loop_data(n, seed=30):
    g = _inputs(seed)
    X = np.column_stack([np.arange(n, dtype=np.float64), g.normal(size=(n, 2))])
    y = X[:, 1:] @ np.array([1.5, -2.0]) + 0.3 + 0.1 * g.normal(size=n)
    params = {"w": np.array([0.1, -0.2]), "b": np.array([0.05])}
    return X, y, params


def _call_loop(student, n, epochs, batch_size, seed, rates):
    X, y, params = _loop_data(n)
    got = _call(student, "run_loop", "train_loop", X, y, params, epochs, batch_size, Seed(seed), rates)
    if not (isinstance(got, (list, tuple)) and len(got) == 6):
        fail(f"train_loop could not be run: run_loop returned {describe(got)}.")
    new_params, losses, given, batches, calls, asked = got
    setting = f"train_loop on N={n} examples, batch_size={batch_size}, epochs={epochs}"
    if mismatch(given, params, rtol=0, atol=0) is not None:
        fail(f"{setting}: the params dict passed to train_loop was changed (in place). Build a new "
             f"dict of parameters: the caller's starting point must stay as it was.",
             V.hint("loop_params_in_place"))
    return (X, y, params), (new_params, losses, batches, calls, asked), setting


def _check_shuffles(batches, n, epochs, batch_size, setting):
    """Every epoch sees every example once, in batches of batch_size with a smaller last one; and
    epochs are shuffled anew. For a correct loop, epoch e has the same batches as epoch 0 with
    probability (b!)^(n // b) (n % b)! / n! (below 5e-14 for every case here), the same order
    with probability 1 / n! (below 3e-15), and so does epoch 0 with the original order: below
    1e-12 summed over every check of every test of the loop."""
    per_epoch = math.ceil(n / batch_size)
    sizes = [batch_size] * (n // batch_size) + ([n % batch_size] if n % batch_size else [])
    if len(batches) != epochs * per_epoch:
        fail(f"{setting}: loss_and_grads was called {len(batches)} times; with every example once "
             f"per epoch in batches of {batch_size} (the last one smaller), that is "
             f"{per_epoch} batches per epoch, {epochs * per_epoch} in all.",
             V.hint("loop_drops_last_batch") if len(batches) == epochs * (n // batch_size) else None)
    epoch_batches = [batches[e * per_epoch:(e + 1) * per_epoch] for e in range(epochs)]
    for e, bs in enumerate(epoch_batches):
        got_sizes = [len(b) for b in bs]
        if got_sizes != sizes:
            fail(f"{setting}: the batches of epoch {e} had sizes {got_sizes}; they should be "
                 f"{sizes}: full batches, and what is left over in the last one.")
        seen = sorted(i for b in bs for i in b)
        if seen != list(range(n)):
            fail(f"{setting}: epoch {e} did not use every example exactly once (some rows came "
                 f"twice, some never): each epoch is one pass over a shuffled copy of the data.",
                 V.hint("loop_samples_with_replacement"))
    orders = [[i for b in bs for i in b] for bs in epoch_batches]
    unshuffled = orders[0] == list(range(n))
    partitions = [sorted(tuple(sorted(b)) for b in bs) for bs in epoch_batches]
    fixed_partition = batch_size == 1 or batch_size >= n   # only the order can change
    for e in range(1, epochs):
        if orders[e] == orders[0]:
            fail(f"{setting}: epochs 0 and {e} took the examples in the same order"
                 + (", their original one" if unshuffled else "") + ": draw a new shuffle at the "
                 f"start of every epoch, with rng.",
                 V.hint("loop_no_shuffle") if unshuffled else V.hint("loop_shuffles_once"))
        if partitions[e] == partitions[0] and not fixed_partition:
            fail(f"{setting}: epochs 0 and {e} had the same batches (in another order): shuffle "
                 f"the examples, not only the order of fixed batches.", V.hint("loop_shuffles_batches"))
    if unshuffled:
        fail(f"{setting}: epoch 0 took the examples in their original order: the data should be "
             f"shuffled every epoch, with rng.", V.hint("loop_no_shuffle"))


def _replay(X, y, params, epochs, batch_size, rates, batches):
    """What the reference train_loop gives on the student's own batch order (the shuffling is the
    student's; everything else is compared)."""
    order = iter(batches)

    def replayed(X, y, batch_size, rng):
        for _ in range(math.ceil(len(X) / batch_size)):
            idx = np.array(next(order))
            yield X[idx], y[idx]

    loop = types.FunctionType(ref.train_loop.__code__, {**vars(ref), "minibatches": replayed})
    namespace = dict(_helpers(), train_loop=loop)
    exec(compile(HELPERS, "<provided_runners>", "exec"), namespace)
    result = namespace["run_loop"](X, y, copy.deepcopy(params), epochs, batch_size, None, rates)
    new_params, losses, _, _, calls, asked = result
    return new_params, losses, calls, asked


def _by_shape(calls):
    """{shape of the parameter: [[lr, steps], ...] of its update calls, in order}."""
    return {shape: [c[1:] for c in calls if tuple(c[0]) == shape] for shape in ((2,), (1,))}


def _expect_loop(student, n, epochs, batch_size, seed, rates):
    (X, y, params), (new_params, losses, batches, calls, asked), setting = \
        _call_loop(student, n, epochs, batch_size, seed, rates)
    _check_shuffles(batches, n, epochs, batch_size, setting)
    e_params, e_losses, e_calls, e_asked = _replay(X, y, params, epochs, batch_size, rates, batches)
    if asked != e_asked:
        hint = (V.hint("loop_schedule_off_by_one") if asked == [e + 1 for e in e_asked] else
                V.hint("loop_schedule_per_step") if len(asked) == len(batches) else None)
        fail(f"{setting}: train_loop asked the schedule lr_at for the epochs {asked[:12]}"
             f"{' ...' if len(asked) > 12 else ''}; it should ask once at the start of every "
             f"epoch: {e_asked[:12]}{' ...' if len(e_asked) > 12 else ''}.", hint)
    got_calls, want_calls = _by_shape(calls), _by_shape(e_calls)
    for shape in want_calls:
        g, w = got_calls[shape], want_calls[shape]
        if len(g) != len(w):
            fail(f"{setting}: the update rule was called {len(g)} times for the parameter of shape "
                 f"{shape}; once per step is {len(w)}.")
        for k, (gc, wc) in enumerate(zip(g, w)):
            if gc[1] != wc[1]:
                hint = (V.hint("loop_state_shared") if gc[1] > wc[1] else
                        V.hint("loop_state_reset_each_epoch") if gc[1] < wc[1] else None)
                fail(f"{setting}: at step {k + 1}, the update of the parameter of shape "
                     f"{shape} was given a state that had seen {gc[1]} steps; "
                     f"it should be the state this parameter's own previous update returned "
                     f"({wc[1]} steps).", hint)
            why = mismatch(gc[0], wc[0], path="lr")
            if why:
                fail(f"{setting}: at step {k + 1} the update was given lr={gc[0]!r}; the epoch's "
                     f"rate lr_at(epoch) is {wc[0]!r}.")
    for what, g, w in [("the returned params", new_params, e_params), ("the losses", losses, e_losses)]:
        why = mismatch(g, w, path=what)
        if why:
            fail(f"{setting}: {why} (compared with the loop run on your own batch order).",
                 V.hint("loop_loss_per_epoch") if what == "the losses" and isinstance(losses, list)
                 and len(losses) == epochs else None)
    return batches


LOOP_RATES = [0.1, 0.1, 0.05, 0.02]


@graded("train_loop")
def test_train_loop_epochs_batches_and_updates(student):
    _expect_loop(student, 23, 4, 5, SEED_OFFSET + 1, LOOP_RATES)     # last batch of 3
    _expect_loop(student, 24, 3, 4, SEED_OFFSET + 2, LOOP_RATES[:3])  # batches divide N


@graded("train_loop")
def test_train_loop_one_batch_per_step_and_large_batches(student):
    _expect_loop(student, 17, 2, 1, SEED_OFFSET + 3, [0.2, 0.1])      # one example per step
    _expect_loop(student, 19, 3, 32, SEED_OFFSET + 4, [0.1, 0.05, 0.01])  # one batch per epoch


@graded("train_loop")
def test_train_loop_same_seed_same_order(student):
    first = _call_loop(student, 23, 2, 5, SEED_OFFSET + 5, [0.1, 0.1])[1][2]
    again = _call_loop(student, 23, 2, 5, SEED_OFFSET + 5, [0.1, 0.1])[1][2]
    other = _call_loop(student, 23, 2, 5, SEED_OFFSET + 6, [0.1, 0.1])[1][2]
    if first != again:
        fail("train_loop, run twice with generators made from the same seed, shuffled the data "
             "differently: all its randomness should come from the rng it is given.",
             V.hint("loop_global_rng"))
    if first == other:
        fail("train_loop, run with generators made from two different seeds, shuffled the data "
             "in the same order: the shuffle should be drawn from the rng it is given.",
             V.hint("loop_fixed_seed"))
