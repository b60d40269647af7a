"""Visible checks for the optimization assignment.

Each update rule is tried for two steps on a small parameter, from the state {}, and the second
step starts from the state your first step returned; the expected numbers were worked out from the
formulas in the docstrings (the first steps are in the comments). The schedules are checked at a
few epochs, and train_loop on a tiny problem with a recording update rule.

These checks help you find mistakes; your grade comes from separate hidden tests, which run every
rule for many more steps and settings.
"""
import numpy as np

from coursekit.checks._report import Checker, show

__all__ = ["check_train_loop", "check_sgd_step", "check_adagrad_step", "check_rmsprop_step",
           "check_adam_step", "check_adamw_step", "check_nadam_step", "check_step_lr",
           "check_exponential_lr", "check_cosine_annealing_lr", "check_linear_lr"]

# Every rule: param = [1, -2], gradient [0.5, 4] at the first step and [-0.5, 2] at the second.
_PARAM = np.array([1.0, -2.0])
_GRADS = [np.array([0.5, 4.0]), np.array([-0.5, 2.0])]
_GIVEN = "param = [1, -2] and gradients [0.5, 4], then [-0.5, 2]"


def _two_steps(c, rule, options, expected, hints=()):
    """Two steps of `rule`; expected = [(param, state), (param, state)] after each step."""
    given = f"{_GIVEN}, {', '.join(f'{k}={v}' for k, v in options.items()) or 'the defaults'}"
    name = getattr(rule, "__name__", "the rule")
    param, state = _PARAM, {}
    for k, (grad, (want_param, want_state)) in enumerate(zip(_GRADS, expected)):
        out = c.call_pure(rule, param, grad, state, **options)
        param, state = c.expect_tuple(out, 2, f"the result of {name}")
        c.expect_array(param, f"new_param after step {k + 1}", shape=(2,), given=given)
        c.expect(isinstance(state, dict), f"new_state after step {k + 1} should be a dict, but it "
                                          f"is {show(state)}.")
        c.expect(set(state) == set(want_state), f"new_state after step {k + 1} should have the keys "
                 f"{sorted(want_state)}, but has {sorted(state)} ({given}).")
        for key, value in want_state.items():
            c.expect_close(state[key], value, f"new_state[{key!r}] after step {k + 1}", given)
        c.expect_close(param, want_param, f"new_param after step {k + 1}", given,
                       hint=hints[k] if k < len(hints) else None)


def check_sgd_step(sgd_step):
    """Check sgd_step(param, grad, state, ...) -> (new_param, new_state)."""
    with Checker("check_sgd_step") as c:
        # plain: [1, -2] - 0.1 * [0.5, 4] = [0.95, -2.4]
        _two_steps(c, sgd_step, {"lr": 0.1}, [([0.95, -2.4], {}), ([1.0, -2.6], {})])
        # g = [0.5, 4] + 0.1 * [1, -2] = [0.6, 3.8]; first step: b = g (no dampening yet),
        # new_param = [1, -2] - 0.1 * [0.6, 3.8] = [0.94, -2.38]
        _two_steps(c, sgd_step, {"lr": 0.1, "momentum": 0.9, "dampening": 0.5, "weight_decay": 0.1},
                   [([0.94, -2.38], {"momentum_buffer": [0.6, 3.8]}),
                    ([0.9063, -2.8101], {"momentum_buffer": [0.337, 4.301]})],
                   hints=["On the first step the buffer is the gradient itself: dampening starts "
                          "with the second step."])
        # Nesterov: b = g = [0.5, 4]; step along g + 0.9 b = [0.95, 7.6]: [0.905, -2.76]
        _two_steps(c, sgd_step, {"lr": 0.1, "momentum": 0.9, "nesterov": True},
                   [([0.905, -2.76], {"momentum_buffer": [0.5, 4.0]}),
                    ([0.9595, -3.464], {"momentum_buffer": [-0.05, 5.6]})])


def check_adagrad_step(adagrad_step):
    """Check adagrad_step(param, grad, state, ...) -> (new_param, new_state)."""
    with Checker("check_adagrad_step") as c:
        # s = [0.25, 16]; step 1: lr / (1 + 0 * lr_decay) = 0.1; [1, -2] - 0.1 * [0.5, 4] /
        # ([0.5, 4] + 1e-10) = [0.9, -2.1] (up to eps)
        _two_steps(c, adagrad_step, {"lr": 0.1, "lr_decay": 0.5},
                   [([0.90000000002, -2.099999999997], {"step": 1, "sum": [0.25, 16.0]}),
                    ([0.947140452092, -2.129814239697], {"step": 2, "sum": [0.5, 20.0]})],
                   hints=["", "At step t the rate is lr / (1 + (t - 1) * lr_decay): the first step "
                              "uses lr itself."])
        # a tiny gradient: eps is added outside the square root, sqrt(1e-22) + 1e-10 = 1.1e-10
        out = c.call_pure(adagrad_step, np.array([0.0]), np.array([1e-11]), {})
        c.expect_close(out[0], [-0.01 * 1e-11 / 1.1e-10], "new_param", "param = [0], grad = [1e-11]",
                       hint="eps goes outside the square root: sqrt(sum) + eps.")


def check_rmsprop_step(rmsprop_step):
    """Check rmsprop_step(param, grad, state, ...) -> (new_param, new_state)."""
    with Checker("check_rmsprop_step") as c:
        # v = 0.01 * [0.25, 16] = [0.0025, 0.16]; sqrt(v) = [0.05, 0.4];
        # [1, -2] - 0.1 * [0.5 / 0.05, 4 / 0.4] = [0, -3] (up to eps)
        _two_steps(c, rmsprop_step, {"lr": 0.1},
                   [([1.999999605928e-07, -2.999999975], {"square_avg": [0.0025, 0.16]}),
                    ([0.708881304506, -3.449013219986], {"square_avg": [0.004975, 0.1984]})])


_ADAM_STATES = [{"step": 1, "exp_avg": [0.05, 0.4], "exp_avg_sq": [0.00025, 0.016]},
                {"step": 2, "exp_avg": [-0.005, 0.56], "exp_avg_sq": [0.00049975, 0.019984]}]


def check_adam_step(adam_step):
    """Check adam_step(param, grad, state, ...) -> (new_param, new_state)."""
    with Checker("check_adam_step") as c:
        # m = 0.1 g, v = 0.001 g^2; m_hat = g, v_hat = g^2: the first step is lr * sign(g) (up to eps)
        _two_steps(c, adam_step, {"lr": 0.1},
                   [([0.900000002, -2.09999999975], _ADAM_STATES[0]),
                    ([0.905263159789, -2.193217963336], _ADAM_STATES[1])],
                   hints=["The first step of Adam has size about lr in every coordinate: check the "
                          "bias corrections 1 - beta ** t with t = 1."])
        # a tiny gradient: sqrt(v_hat) = 1e-9, so the step is 1e-3 * 1e-9 / (1e-9 + 1e-8)
        out = c.call_pure(adam_step, np.array([0.0]), np.array([1e-9]), {})
        c.expect_close(out[0], [-1e-3 / 11], "new_param", "param = [0], grad = [1e-9], the defaults",
                       hint="eps is added to sqrt(v_hat), after the bias correction, outside the "
                            "square root.")


def check_adamw_step(adamw_step):
    """Check adamw_step(param, grad, state, ...) -> (new_param, new_state)."""
    with Checker("check_adamw_step") as c:
        # decay first: [1, -2] * (1 - 0.1 * 0.5) = [0.95, -1.9]; then Adam's first step, -0.1 * sign(g)
        _two_steps(c, adamw_step, {"lr": 0.1, "weight_decay": 0.5},
                   [([0.850000002, -1.99999999975], _ADAM_STATES[0]),
                    ([0.812763159689, -1.993217963349], _ADAM_STATES[1])],
                   hints=["AdamW shrinks the parameter by (1 - lr * weight_decay) and takes an "
                          "Adam step on the gradient alone: the decay never enters m or v."])


def check_nadam_step(nadam_step):
    """Check nadam_step(param, grad, state, ...) -> (new_param, new_state)."""
    with Checker("check_nadam_step") as c:
        # mu_1 = 0.9 * (1 - 0.5 * 0.96 ** 0.004) = 0.450073..., P_1 = mu_1
        states = [dict(_ADAM_STATES[0], mu_product=0.45007347359129607),
                  dict(_ADAM_STATES[1], mu_product=0.20259919474573693)]
        _two_steps(c, nadam_step, {"lr": 0.1},
                   [([0.894354824277, -2.105645177571], states[0]),
                    ([0.963805901248, -2.158037507443], states[1])],
                   hints=["PyTorch's NAdam uses the momentum schedule mu_t = beta1 * (1 - 0.5 * "
                          "0.96 ** (t * momentum_decay)), with t = 1 on the first step."])


def _check_rates(c, schedule, cases):
    name = getattr(schedule, "__name__", "the schedule")
    for args, kwargs, expected in cases:
        given = ", ".join([str(a) for a in args] + [f"{k}={v}" for k, v in kwargs.items()])
        for epoch, want in enumerate(expected):
            got = c.call(schedule, epoch, *args, **kwargs)
            c.expect(type(got) is float, f"{name}({epoch}, {given}) should return a Python float, "
                                         f"but returned {show(got)}.")
            c.expect_close(got, want, f"the rate at epoch {epoch}", f"{name}(epoch, {given})")


def check_step_lr(step_lr):
    """Check step_lr(epoch, lr0, step_size, gamma=0.1)."""
    with Checker("check_step_lr") as c:
        _check_rates(c, step_lr, [((1.0, 3, 0.5), {}, [1, 1, 1, 0.5, 0.5, 0.5, 0.25]),
                                  ((2.0, 2), {}, [2, 2, 0.2, 0.2, 0.02])])


def check_exponential_lr(exponential_lr):
    """Check exponential_lr(epoch, lr0, gamma)."""
    with Checker("check_exponential_lr") as c:
        _check_rates(c, exponential_lr, [((0.5, 0.9), {}, [0.5, 0.45, 0.405, 0.3645])])


def check_cosine_annealing_lr(cosine_annealing_lr):
    """Check cosine_annealing_lr(epoch, lr0, T_max, eta_min=0)."""
    with Checker("check_cosine_annealing_lr") as c:
        # T_max = 4: (1 + cos(pi e / 4)) / 2 = 1, 0.853553, 0.5, 0.146447, 0, then up again
        _check_rates(c, cosine_annealing_lr,
                     [((1.0, 4), {}, [1.0, 0.8535533905932737, 0.5, 0.14644660940672627, 0.0,
                                      0.14644660940672616]),
                      ((1.0, 10, 0.01), {}, [1.0, 0.9757729755661011, 0.9054634122155991])])


def check_linear_lr(linear_lr):
    """Check linear_lr(epoch, lr0, start_factor=1/3, end_factor=1, total_iters=5)."""
    with Checker("check_linear_lr") as c:
        # 0.3 * (1/3 + (2/3) * min(e, 5) / 5): 0.1, 0.14, 0.18, 0.22, 0.26, 0.3, then 0.3
        _check_rates(c, linear_lr, [((0.3,), {}, [0.1, 0.14, 0.18, 0.22, 0.26, 0.3, 0.3]),
                                    ((1.0,), {"start_factor": 0.5, "end_factor": 0.0,
                                              "total_iters": 2}, [0.5, 0.25, 0.0, 0.0])])


def check_train_loop(train_loop):
    """Check train_loop on 7 examples in batches of 3 (the last batch of an epoch has 1) for 3
    epochs, with a recording update rule (not one of yours) and the schedule 0.1, 0.2, 0.3."""
    with Checker("check_train_loop") as c:
        X = np.arange(7.0).reshape(7, 1)   # each row holds its own index
        y = np.zeros(7)
        params = {"a": np.zeros(1), "b": np.zeros(2)}
        seen, calls = [], []

        def loss_and_grads(params, X_batch, y_batch):
            seen.append([int(i) for i in X_batch[:, 0]])
            return float(len(seen)), {"a": np.ones(1), "b": np.ones(2)}

        def update(param, grad, state, lr):
            calls.append((param.shape, lr, state.get("steps", 0)))
            return param + lr * grad, {"steps": state.get("steps", 0) + 1}

        given = "7 examples, batch_size=3, 3 epochs"
        out = c.call_pure(train_loop, params, loss_and_grads, X, y, update,
                          lambda epoch: [0.1, 0.2, 0.3][epoch], 3, 3, np.random.default_rng(0))
        new_params, losses = c.expect_tuple(out, 2, "the result of train_loop")
        c.expect([len(b) for b in seen] == [3, 3, 1] * 3,
                 f"With {given}, the batches loss_and_grads saw had sizes {[len(b) for b in seen]}; "
                 f"every epoch should have batches of 3, 3 and 1 (the last one smaller).")
        epochs = [sorted(sum(seen[3 * e:3 * e + 3], [])) for e in range(3)]
        c.expect(all(e == list(range(7)) for e in epochs),
                 f"With {given}, every epoch should use every example exactly once, but the epochs "
                 f"used the rows {epochs}.")
        orders = [sum(seen[3 * e:3 * e + 3], []) for e in range(3)]
        c.expect(len({tuple(o) for o in orders}) > 1,
                 f"With {given}, all three epochs took the rows in the same order {orders[0]}: "
                 f"shuffle the data anew every epoch.")
        c.expect(isinstance(losses, list) and len(losses) == 9,
                 f"With {given}, losses should be a list of the 9 steps' losses, but it is "
                 f"{show(losses)}.")
        c.expect_close(np.array(losses, dtype=np.float64), [float(k) for k in range(1, 10)],
                       "the losses (this loss_and_grads returns 1, 2, 3, ... at its calls)", given)
        steps_a = [s for shape, _, s in calls if shape == (1,)]
        c.expect(steps_a == list(range(9)),
                 f"With {given}, the states given to the updates of params['a'] had seen "
                 f"{steps_a} steps; each parameter's state should be carried on from its own "
                 f"previous update: 0, 1, ..., 8.")
        lrs = [lr for shape, lr, _ in calls if shape == (2,)]
        c.expect_close(np.array(lrs), [0.1] * 3 + [0.2] * 3 + [0.3] * 3, "the learning rates of the 9 steps",
                       given + " and lr_at(e) = [0.1, 0.2, 0.3][e]")
        # the recording rule adds lr * 1 at every step: 3 * 0.1 + 3 * 0.2 + 3 * 0.3 = 1.8
        c.expect_close(new_params["a"], [1.8], "the returned params['a']", given)
