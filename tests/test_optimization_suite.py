"""The optimization assignment's hidden suite grades right (in-process, no kernel): what only this
assignment needs. The checks every assignment gets (reference, points, mutants, alternatives) are
in tests/test_hidden_suites.py.

- every update rule agrees with torch.optim, and every schedule with torch.optim.lr_scheduler, over
  50 steps in float64 (relative error below 1e-10), with default and other hyper-parameters;
- the notebook's provided helpers are the suite's own text;
- the loop's statistical checks pass a correct answer under other seeds (SEED_OFFSET varied).
"""
import math

import numpy as np
import pytest
import torch

from autograder.suites.optimization import test_optimization as suite
from autograder.suites.optimization import variants as variants_module
from hidden_suite import (alternatives, hidden_tests, namespace_with, provided_cells,
                          reference_namespace, results_for, run_directly, variants)
from solutions import optimization as ref

STEPS = 50
RTOL = 1e-10

# (reference rule, torch optimizer, {our option: value}, {torch option: value}); None = defaults
RULES = [
    (ref.sgd_step, torch.optim.SGD, {}, {}),
    (ref.sgd_step, torch.optim.SGD, dict(lr=0.05, momentum=0.9), None),
    (ref.sgd_step, torch.optim.SGD, dict(lr=0.05, momentum=0.8, dampening=0.3, weight_decay=0.1), None),
    (ref.sgd_step, torch.optim.SGD, dict(lr=0.05, momentum=0.9, nesterov=True, weight_decay=0.01), None),
    (ref.adagrad_step, torch.optim.Adagrad, {}, {}),
    (ref.adagrad_step, torch.optim.Adagrad, dict(lr=0.1, lr_decay=0.05, weight_decay=0.1,
                                                 initial_accumulator_value=0.2, eps=1e-3), None),
    (ref.rmsprop_step, torch.optim.RMSprop, {}, {}),
    (ref.rmsprop_step, torch.optim.RMSprop, dict(lr=0.003, alpha=0.9, eps=1e-4, weight_decay=0.1,
                                                 momentum=0.7), None),
    (ref.adam_step, torch.optim.Adam, {}, {}),
    (ref.adam_step, torch.optim.Adam, dict(lr=0.01, betas=(0.8, 0.99), eps=1e-6, weight_decay=0.1), None),
    (ref.adamw_step, torch.optim.AdamW, {}, {}),
    (ref.adamw_step, torch.optim.AdamW, dict(lr=0.01, betas=(0.5, 0.9), eps=1e-5, weight_decay=0.3), None),
    (ref.nadam_step, torch.optim.NAdam, {}, {}),
    (ref.nadam_step, torch.optim.NAdam, dict(lr=0.01, betas=(0.8, 0.99), eps=1e-6, weight_decay=0.1,
                                             momentum_decay=0.02), None),
]
# state keys of ours that torch keeps under the same name
STATE_KEYS = ("momentum_buffer", "sum", "square_avg", "exp_avg", "exp_avg_sq", "mu_product", "step")


@pytest.fixture(autouse=True)
def torch_float64():
    # torch keeps its step counters and NAdam's mu_product as tensors of the default dtype:
    # float32 unless told, which alone puts NAdam 2e-8 away from a float64 computation
    old = torch.get_default_dtype()
    torch.set_default_dtype(torch.float64)
    yield
    torch.set_default_dtype(old)


def _problem(seed):
    """A start and 50 gradients, of scales 1e-6 to 1e2 per coordinate (some below eps)."""
    g = np.random.default_rng(seed)
    scales = np.array([1e-6, 1e-3, 1.0, 1e2, 0.3, 10.0])
    return g.normal(size=6), [g.normal(size=6) * scales for _ in range(STEPS)]


@pytest.mark.parametrize("rule,optimizer,options,torch_options", RULES,
                         ids=[f"{r[0].__name__}-{i}" for i, r in enumerate(RULES)])
def test_update_rules_match_torch_optim(rule, optimizer, options, torch_options):
    param, grads = _problem(7)
    w = torch.tensor(param, dtype=torch.float64, requires_grad=True)
    opt = optimizer([w], **(options if torch_options is None else torch_options))
    state = {}
    for k, grad in enumerate(grads):
        w.grad = torch.tensor(grad, dtype=torch.float64)
        opt.step()
        param, state = rule(param, grad, state, **options)
        np.testing.assert_allclose(param, w.detach().numpy(), rtol=RTOL, atol=0,
                                   err_msg=f"parameter after step {k + 1}")
        theirs = opt.state[w]
        for key, value in state.items():
            assert key in STATE_KEYS, key
            expected = theirs[key]
            expected = expected.item() if expected.ndim == 0 else expected.numpy()
            np.testing.assert_allclose(value, expected, rtol=RTOL, atol=0,
                                       err_msg=f"state {key} after step {k + 1}")
        # torch keeps a step counter even where the rule has no use for one (SGD, RMSProp)
        assert set(state) <= set(theirs) | {"step"}


SCHEDULES = [
    (ref.step_lr, dict(step_size=3), torch.optim.lr_scheduler.StepLR, dict(step_size=3)),
    (ref.step_lr, dict(step_size=7, gamma=0.5), torch.optim.lr_scheduler.StepLR, dict(step_size=7, gamma=0.5)),
    (ref.exponential_lr, dict(gamma=0.9), torch.optim.lr_scheduler.ExponentialLR, dict(gamma=0.9)),
    (ref.cosine_annealing_lr, dict(T_max=10), torch.optim.lr_scheduler.CosineAnnealingLR, dict(T_max=10)),
    (ref.cosine_annealing_lr, dict(T_max=17, eta_min=0.01), torch.optim.lr_scheduler.CosineAnnealingLR,
     dict(T_max=17, eta_min=0.01)),
    (ref.linear_lr, {}, torch.optim.lr_scheduler.LinearLR, {}),
    (ref.linear_lr, dict(start_factor=0.1, end_factor=0.8, total_iters=12), torch.optim.lr_scheduler.LinearLR,
     dict(start_factor=0.1, end_factor=0.8, total_iters=12)),
]


@pytest.mark.parametrize("schedule,options,scheduler,torch_options", SCHEDULES,
                         ids=[f"{s[0].__name__}-{i}" for i, s in enumerate(SCHEDULES)])
def test_schedules_match_torch_lr_scheduler(schedule, options, scheduler, torch_options):
    lr0 = 0.3
    opt = torch.optim.SGD([torch.zeros(1, dtype=torch.float64, requires_grad=True)], lr=lr0)
    sched = scheduler(opt, **torch_options)
    for epoch in range(STEPS):
        got = schedule(epoch, lr0, **options)
        assert type(got) is float
        assert math.isclose(got, opt.param_groups[0]["lr"], rel_tol=RTOL, abs_tol=1e-15), epoch
        opt.step()
        sched.step()


def test_conventions_examples():
    # CONVENTIONS.md: StepLR(3, 0.5) gives 1, 1, 1, 0.5, 0.5, 0.5; CosineAnnealingLR(10, 0.01)
    # gives 1, 0.975773, 0.905463
    assert [ref.step_lr(e, 1.0, 3, 0.5) for e in range(6)] == [1, 1, 1, 0.5, 0.5, 0.5]
    np.testing.assert_allclose([ref.cosine_annealing_lr(e, 1.0, 10, 0.01) for e in range(3)],
                               [1, 0.975773, 0.905463], atol=1e-6)


# ------------------------------------------------------------------------------ the suite itself

def test_the_notebook_holds_the_suites_helpers():
    assert provided_cells("optimization")["provided_runners"] == suite.HELPERS.strip("\n")


def test_the_variants_other_tests_name_exist():
    names = {v.name for v in variants("optimization").all}
    assert set(variants_module.DEMO_MISTAKES) <= names


LOOP_CASES = [(23, 5), (24, 4), (17, 1), (19, 32)]   # (N, batch_size) of the loop's tests


def test_loop_cases_are_those_the_false_failure_bound_covers(monkeypatch):
    # the sizes every test of the loop shuffles at (the same-seed test uses N=23 with batches of 5)
    calls = []
    monkeypatch.setattr(suite, "_expect_loop",
                        lambda student, n, epochs, batch_size, *rest: calls.append((n, batch_size)))
    suite.test_train_loop_epochs_batches_and_updates(None)
    suite.test_train_loop_one_batch_per_step_and_large_batches(None)
    assert sorted(calls) == sorted(LOOP_CASES)


@pytest.mark.parametrize("n,b", LOOP_CASES)
def test_shuffle_checks_false_failure_probability(n, b):
    # _check_shuffles' docstring: an epoch repeats epoch 0's batches with probability
    # (b!)^(n // b) (n % b)! / n! (below 5e-14), its order with probability 1 / n! (below 3e-15)
    same_order = 1 / math.factorial(n)
    assert same_order < 3e-15
    if 1 < b < n:
        same_batches = math.factorial(b) ** (n // b) * math.factorial(n % b) / math.factorial(n)
        assert same_batches < 5e-14


def test_false_failure_check_covers_every_random_test():
    assert {fn.__name__ for fn in hidden_tests("optimization", ["train_loop"])} == {
        r.test for r in results_for("optimization", None)[0] if r.item == "train_loop"}


@pytest.mark.parametrize("offset", range(1, 31))
def test_loop_checks_pass_correct_answers_under_other_draws(offset, monkeypatch):
    monkeypatch.setattr(suite, "SEED_OFFSET", offset)
    for namespace in [reference_namespace("optimization")] + [
            namespace_with("optimization", v) for v in alternatives("optimization")
            if v.target == "train_loop"]:
        run_directly("optimization", namespace, ["train_loop"])
