"""The regularization assignment's hidden suite grades right (in-process, no kernel): what only
this assignment needs. The checks every assignment gets (reference, points, mutants, alternatives)
are in tests/test_hidden_suites.py.

- the variants other tests name exist;
- the references agree with PyTorch where PyTorch has the concept;
- the statistical tests pass a correct answer under other random draws (SEED_OFFSET varied).
"""
import math

import numpy as np
import pytest
import torch
import torch.nn.functional as F

from autograder.grading import binomial_bounds
from hidden_suite import (alternatives, hidden_module, hidden_tests, namespace_with,
                          reference_namespace, results_for, run_directly, variants)
from solutions import regularization as ref

RANDOM_ITEMS = ("dropout_forward", "dropout_backward", "mc_dropout_predict")
ALTERNATIVES = alternatives("regularization")


def test_the_variants_other_tests_name_exist():
    # named outside this file: all three by the demo (DEMO_MISTAKES), dropout_no_rescale also by
    # tests/adversarial and tests/test_nothing_lost
    names = {v.name for v in variants("regularization").all}
    assert {"dropout_no_rescale", "clip_norm_per_array", "early_stopping_keeps_last"} <= names


# ------------------------------------------------------------------------------ (e) PyTorch

def _grads_case(seed, shapes, scale):
    g = np.random.default_rng(seed)
    return [scale * g.normal(size=s) for s in shapes]


CLIP_CASES = [(1, [(5, 4), (4,), (3, 3)], 2.0, 1.0),   # total norm above max_norm
              (2, [(6,)], 0.05, 1.0),                     # below: untouched
              (3, [(2, 2), (3,)], 0.0, 0.5)]              # all zero


@pytest.mark.parametrize("seed,shapes,scale,max_norm", CLIP_CASES)
def test_clip_grad_norm_matches_torch(seed, shapes, scale, max_norm):
    grads = _grads_case(seed, shapes, scale)
    tensors = [torch.zeros(g.shape, dtype=torch.float64, requires_grad=True) for g in grads]
    for t, g in zip(tensors, grads):
        t.grad = torch.tensor(g)
    total = torch.nn.utils.clip_grad_norm_(tensors, max_norm)
    clipped, total_norm = ref.clip_grad_norm(grads, max_norm)
    assert isinstance(total_norm, float)
    np.testing.assert_allclose(total_norm, total.item(), rtol=1e-12)
    for c, t in zip(clipped, tensors):
        np.testing.assert_allclose(c, t.grad.numpy(), rtol=1e-12, atol=1e-15)


@pytest.mark.parametrize("seed,shapes,scale,clip_value", CLIP_CASES)
def test_clip_grad_value_matches_torch(seed, shapes, scale, clip_value):
    grads = _grads_case(seed, shapes, scale)
    tensors = [torch.zeros(g.shape, dtype=torch.float64, requires_grad=True) for g in grads]
    for t, g in zip(tensors, grads):
        t.grad = torch.tensor(g)
    torch.nn.utils.clip_grad_value_(tensors, clip_value)
    for c, t in zip(ref.clip_grad_value(grads, clip_value), tensors):
        np.testing.assert_array_equal(c, t.grad.numpy())


@pytest.mark.parametrize("shape,c", [((5, 4), 1.0), ((3, 7), 0.5), ((8, 2), 3.0)])
def test_max_norm_matches_torch_renorm(shape, c):
    g = np.random.default_rng(4)
    W = g.normal(size=shape) * g.choice([0.1, 1.0, 3.0], size=shape[1])
    W[:, 0] = 0.0
    # torch.renorm(dim=1) bounds each W[:, j] (a unit's incoming weights), scaling by
    # maxnorm / (norm + 1e-7)
    expected = torch.renorm(torch.tensor(W), p=2, dim=1, maxnorm=c).numpy()
    np.testing.assert_allclose(ref.max_norm(W, c), expected, rtol=1e-12, atol=1e-15)


def test_edge_cases_are_exact_and_match_torch():
    # The suite's edge-case inputs are what they claim, however the norm is computed, and the
    # reference does there what PyTorch does: a column of norm exactly c is left unchanged by
    # renorm, and a total norm exactly max_norm is still scaled by max_norm / (max_norm + 1e-6).
    suite = hidden_module("regularization")
    for seed, shape, c, at_c in suite.MAX_NORM_CASES:
        W = suite._max_norm_case(seed, shape, c, at_c)
        for norms in (np.sqrt(np.sum(W * W, axis=0)), np.linalg.norm(W, axis=0),
                      torch.linalg.vector_norm(torch.tensor(W), dim=0).numpy()):
            assert set(np.flatnonzero(norms == c)) == set(at_c)
        expected = torch.renorm(torch.tensor(W), p=2, dim=1, maxnorm=c).numpy()
        np.testing.assert_allclose(ref.max_norm(W, c), expected, rtol=1e-12, atol=1e-15)
        np.testing.assert_array_equal(ref.max_norm(W, c)[:, list(at_c)], W[:, list(at_c)])
    grads = [np.array([[3.0, 0.0], [-4.0, 12.0]])]
    tensors = [torch.zeros(g.shape, dtype=torch.float64, requires_grad=True) for g in grads]
    for t, g in zip(tensors, grads):
        t.grad = torch.tensor(g)
    assert torch.nn.utils.clip_grad_norm_(tensors, 13.0).item() == 13.0
    clipped, total_norm = ref.clip_grad_norm(grads, 13.0)
    assert total_norm == 13.0
    for c, t, g in zip(clipped, tensors, grads):
        np.testing.assert_allclose(c, t.grad.numpy(), rtol=1e-12)
        np.testing.assert_allclose(c, g * 13.0 / (13.0 + 1e-6), rtol=1e-12)


def test_penalty_gradients_match_torch_autograd_and_weight_decay():
    g = np.random.default_rng(5)
    weights = [g.normal(size=(4, 3)), g.normal(size=(3, 2))]
    weights[0][0, :] = 0.0  # torch's |w| has gradient 0 at 0, as sign(0) = 0
    lam, l1, l2 = 0.3, 0.2, 0.7
    tensors = [torch.tensor(W, requires_grad=True) for W in weights]
    for ours, torch_penalty in [
            (ref.l2_penalty(weights, lam), lambda w: lam / 2 * (w ** 2).sum()),
            (ref.l1_penalty(weights, lam), lambda w: lam * w.abs().sum()),
            (ref.elastic_net_penalty(weights, l1, l2),
             lambda w: l1 * w.abs().sum() + l2 / 2 * (w ** 2).sum())]:
        for t in tensors:
            t.grad = None
        total = sum(torch_penalty(t) for t in tensors)
        total.backward()
        penalty, grads = ours
        assert isinstance(penalty, float)
        np.testing.assert_allclose(penalty, total.item(), rtol=1e-12)
        for gr, t in zip(grads, tensors):
            np.testing.assert_allclose(gr, t.grad.numpy(), rtol=1e-12, atol=1e-15)
    # SGD's weight_decay adds lam * w to the gradient: the L2 gradient (lr = 1, no data loss)
    w = torch.tensor(weights[1], requires_grad=True)
    w.grad = torch.zeros_like(w)
    torch.optim.SGD([w], lr=1.0, weight_decay=lam).step()
    np.testing.assert_allclose(weights[1] - w.detach().numpy(),
                               ref.l2_penalty([weights[1]], lam)[1][0], rtol=1e-12)


@pytest.mark.parametrize("p", [0.2, 0.5, 0.8])
def test_dropout_matches_torch_statistics(p):
    g = np.random.default_rng(6)
    x = g.uniform(0.5, 2.0, size=(200, 100)) * g.choice([-1.0, 1.0], size=(200, 100))
    with torch.random.fork_rng():
        torch.manual_seed(0)
        xt = torch.tensor(x, requires_grad=True)
        out_t = F.dropout(xt, p, training=True)
    dout = g.normal(size=x.shape)
    out_t.backward(torch.tensor(dout))
    out_t = out_t.detach().numpy()
    out, cache = ref.dropout_forward(x, p, np.random.default_rng(0))
    lo, hi = binomial_bounds(x.size, 1 - p, 1e-9)
    for o in (out, out_t):
        kept = o != 0
        assert lo <= kept.sum() <= hi                                          # keep fraction 1 - p
        np.testing.assert_allclose(o[kept], x[kept] / (1 - p), rtol=1e-12)     # kept units scaled
    # backward: torch's gradient is the mask / (1 - p); ours, given torch's mask, is the same
    dx = ref.dropout_backward(dout, (out_t != 0, p, True))
    np.testing.assert_allclose(dx, xt.grad.numpy(), rtol=1e-12)
    # evaluation mode is the identity in both
    np.testing.assert_array_equal(F.dropout(torch.tensor(x), p, training=False).numpy(), x)
    eval_out, _ = ref.dropout_forward(x, p, np.random.default_rng(0), train=False)
    np.testing.assert_array_equal(eval_out, x)


# ------------------------------------------------------------------------------ (f) false failures

def test_false_failure_check_covers_every_random_test():
    # the tests run under other SEED_OFFSETs below are exactly the suite's tests of random items
    assert {fn.__name__ for fn in hidden_tests("regularization", RANDOM_ITEMS)} == {
        r.test for r in results_for("regularization", None)[0] if r.item in RANDOM_ITEMS}


@pytest.mark.parametrize("offset", range(1, 31))
def test_statistical_tests_pass_correct_answers_under_other_draws(offset, monkeypatch):
    # The stated false-failure probabilities are at most 1e-6 per test, so 30 offsets x (reference
    # and every alternative) must all pass; a failure here means a bound is too tight.
    monkeypatch.setattr(hidden_module("regularization"), "SEED_OFFSET", offset)
    for namespace in [reference_namespace("regularization")] + [
            namespace_with("regularization", v) for v in ALTERNATIVES if v.target in RANDOM_ITEMS]:
        run_directly("regularization", namespace, RANDOM_ITEMS)


def _binomial_tail_outside(n, q, lo, hi):
    """Exact P(X < lo) + P(X > hi) for X ~ Binomial(n, q)."""
    log_pmf = [math.lgamma(n + 1) - math.lgamma(k + 1) - math.lgamma(n - k + 1)
               + k * math.log(q) + (n - k) * math.log1p(-q) for k in range(n + 1)]
    return sum(math.exp(v) for k, v in enumerate(log_pmf) if k < lo or k > hi)


@pytest.mark.parametrize("n,q,false_failure", [
    (10_000, 0.8, 1e-8), (10_000, 0.3, 1e-8),            # keep count of the whole output
    (50, 0.8, 1e-8 / 250), (50, 0.3, 1e-8 / 250),        # per row (Bonferroni over 250 counts)
    (200, 0.8, 1e-8 / 250), (200, 0.3, 1e-8 / 250)])     # per column
def test_binomial_bounds_hold_at_the_suites_sizes(n, q, false_failure):
    # grading.binomial_bounds uses a normal approximation; check its promise exactly where the
    # dropout tests use it (keep probabilities 1 - p for p = 0.2 and 0.7).
    lo, hi = binomial_bounds(n, q, false_failure)
    assert _binomial_tail_outside(n, q, lo, hi) <= false_failure
