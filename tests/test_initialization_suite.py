"""The initialization assignment's hidden suite grades right (in-process, no kernel): what only
this assignment needs. The checks every assignment gets (reference, points, mutants, alternatives,
demo mistakes, the budget of calls) are in tests/test_hidden_suites.py.

- the demo's first mistake (the one its attacker makes) is kaiming_normal_fan_out;
- the references agree with PyTorch (calculate_gain over every name, the initializers' bounds and
  standard deviations in PyTorch's weight layout, the two-layer net's gradients by autograd) and
  with finite differences;
- the statistical tests pass a correct answer under other random draws (SEED_OFFSET varied), their
  bounds keep the false-failure probabilities they state, and the suite's stated total counts
  every statistical check it makes.
"""
import math
import re
from collections import Counter

import numpy as np
import pytest
import torch

from coursekit.gradcheck import numerical_gradient, relative_error
from hidden_suite import (alternatives, demo_mistakes, hidden_module, hidden_tests, namespace_with,
                          reference_namespace, results_for, run_directly)
from solutions import initialization as ref

RANDOM_ITEMS = ("small_random_init", "xavier_uniform", "xavier_normal", "kaiming_uniform",
                "kaiming_normal", "lecun_normal")
ALTERNATIVES = alternatives("initialization")


def test_the_demos_first_mistake_is_kaiming_normal_fan_out():
    assert demo_mistakes("initialization")[0] == "kaiming_normal_fan_out"


# ------------------------------------------------------------------------------ PyTorch

GAIN_NAMES = ["linear", "conv1d", "conv2d", "conv3d", "conv_transpose1d", "conv_transpose2d",
              "conv_transpose3d", "sigmoid", "tanh", "relu", "leaky_relu", "selu"]


@pytest.mark.parametrize("name", GAIN_NAMES)
def test_calculate_gain_matches_torch(name):
    got = ref.calculate_gain(name)
    assert isinstance(got, float)
    assert got == pytest.approx(torch.nn.init.calculate_gain(name), rel=1e-15)


@pytest.mark.parametrize("param", [None, 0, 0.2, 1, math.sqrt(5), 3.5])
def test_calculate_gain_leaky_relu_matches_torch(param):
    assert ref.calculate_gain("leaky_relu", param) == pytest.approx(
        torch.nn.init.calculate_gain("leaky_relu", param), rel=1e-15)


@pytest.mark.parametrize("name", ["softplus", "Relu", "gelu"])
def test_calculate_gain_refuses_unknown_names_like_torch(name):
    with pytest.raises(ValueError):
        torch.nn.init.calculate_gain(name)
    with pytest.raises(ValueError):
        ref.calculate_gain(name)


def _torch_draw(fn, fan_in, fan_out, **kwargs):
    """A torch initializer applied in torch's layout: nn.Linear.weight is (fan_out, fan_in); the
    transpose is our (fan_in, fan_out) weight."""
    w = torch.empty(fan_out, fan_in, dtype=torch.float64)
    with torch.random.fork_rng():
        torch.manual_seed(0)
        fn(w, **kwargs)
    return w.numpy().T


UNIFORM_CASES = [  # (our function, torch's, kwargs, our extra kwargs)
    ("xavier_uniform", torch.nn.init.xavier_uniform_, {}, {}),
    ("xavier_uniform", torch.nn.init.xavier_uniform_, {"gain": 5 / 3}, {"gain": 5 / 3}),
    ("kaiming_uniform", torch.nn.init.kaiming_uniform_, {}, {}),
    ("kaiming_uniform", torch.nn.init.kaiming_uniform_, {"a": math.sqrt(5)}, {"a": math.sqrt(5)}),
    ("kaiming_uniform", torch.nn.init.kaiming_uniform_, {"mode": "fan_out", "nonlinearity": "relu"},
     {"mode": "fan_out", "nonlinearity": "relu"}),
    ("kaiming_uniform", torch.nn.init.kaiming_uniform_, {"nonlinearity": "tanh"},
     {"nonlinearity": "tanh"}),
    ("kaiming_uniform", torch.nn.init.kaiming_uniform_, {"nonlinearity": "selu"},
     {"nonlinearity": "selu"}),
]


@pytest.mark.parametrize("name,torch_fn,kwargs,ours", UNIFORM_CASES,
                         ids=[f"{c[0]}-{c[2]}" for c in UNIFORM_CASES])
def test_uniform_initializers_match_torch_bounds(name, torch_fn, kwargs, ours):
    # the extremes of 250,000 uniform draws lie within 1e-3 of the bound (exact tail 1e-54), so
    # torch's and ours agree on the bound to that accuracy, in our (fan_in, fan_out) layout
    fan_in, fan_out = 200, 1250
    theirs = _torch_draw(torch_fn, fan_in, fan_out, **kwargs)
    mine = getattr(ref, name)((fan_in, fan_out), np.random.default_rng(0), **ours)
    assert theirs.shape == mine.shape == (fan_in, fan_out)
    b_theirs, b_mine = np.abs(theirs).max(), np.abs(mine).max()
    assert b_mine == pytest.approx(b_theirs, rel=2e-3)
    assert mine.dtype == np.float64


NORMAL_CASES = [
    ("xavier_normal", torch.nn.init.xavier_normal_, {}, {}),
    ("xavier_normal", torch.nn.init.xavier_normal_, {"gain": math.sqrt(2)}, {"gain": math.sqrt(2)}),
    ("kaiming_normal", torch.nn.init.kaiming_normal_, {}, {}),
    ("kaiming_normal", torch.nn.init.kaiming_normal_, {"a": 0.5}, {"a": 0.5}),
    ("kaiming_normal", torch.nn.init.kaiming_normal_, {"mode": "fan_out", "nonlinearity": "relu"},
     {"mode": "fan_out", "nonlinearity": "relu"}),
    ("kaiming_normal", torch.nn.init.kaiming_normal_, {"nonlinearity": "tanh"},
     {"nonlinearity": "tanh"}),
    ("lecun_normal", torch.nn.init.kaiming_normal_, {"nonlinearity": "linear"}, {}),
]


@pytest.mark.parametrize("name,torch_fn,kwargs,ours", NORMAL_CASES,
                         ids=[f"{c[0]}-{c[2]}" for c in NORMAL_CASES])
def test_normal_initializers_match_torch_std(name, torch_fn, kwargs, ours):
    # each sample standard deviation is within 1% of its target except with probability ~1e-12
    fan_in, fan_out = 200, 1250
    theirs = _torch_draw(torch_fn, fan_in, fan_out, **kwargs)
    mine = getattr(ref, name)((fan_in, fan_out), np.random.default_rng(0), **ours)
    assert mine.shape == (fan_in, fan_out) and mine.dtype == np.float64
    assert np.sqrt(np.mean(mine ** 2)) == pytest.approx(np.sqrt(np.mean(theirs ** 2)), rel=0.02)
    for w in (mine, theirs):    # both normal: kurtosis 3 (a uniform's is 1.8)
        assert np.mean(w ** 4) / np.mean(w ** 2) ** 2 == pytest.approx(3.0, abs=0.1)


def test_zeros_and_constant_match_torch():
    w = torch.empty(4, 3, dtype=torch.float64)
    torch.nn.init.zeros_(w)
    np.testing.assert_array_equal(ref.zeros_init((3, 4)), w.numpy().T)
    torch.nn.init.constant_(w, 3)
    got = ref.constant_init((3, 4), 3)
    assert got.dtype == np.float64
    np.testing.assert_array_equal(got, w.numpy().T)


def _two_layer_case(seed, N=7, D=5, H=6, C=4):
    g = np.random.default_rng(seed)
    params = {"W1": g.normal(size=(D, H)), "b1": g.normal(size=H),
              "W2": g.normal(size=(H, C)), "b2": g.normal(size=C)}
    return params, g.normal(size=(N, D)), g.integers(0, C, size=N)


def _torch_two_layer(params, X, y):
    t = {k: torch.tensor(v, requires_grad=True) for k, v in params.items()}
    hidden = torch.relu(torch.tensor(X) @ t["W1"] + t["b1"])
    loss = torch.nn.functional.cross_entropy(hidden @ t["W2"] + t["b2"], torch.tensor(y))
    loss.backward()
    return loss.item(), {k: v.grad.numpy() for k, v in t.items()}


@pytest.mark.parametrize("case", ["random", "zeros", "W1 zero", "large scores"])
def test_two_layer_grads_match_torch_autograd(case):
    params, X, y = _two_layer_case(3)
    if case == "zeros":
        params = {k: np.zeros_like(v) for k, v in params.items()}
    if case == "W1 zero":   # every pre-activation exactly 0: torch's relu'(0) = 0, as ours
        params["W1"][:] = 0.0
        params["b1"][:] = 0.0
    if case == "large scores":
        params["W2"] *= 500.0
    loss, grads = ref.two_layer_grads(params, X, y)
    t_loss, t_grads = _torch_two_layer(params, X, y)
    assert isinstance(loss, float) and loss == pytest.approx(t_loss, rel=1e-12)
    assert set(grads) == set(t_grads)
    for k in grads:
        np.testing.assert_allclose(grads[k], t_grads[k], rtol=1e-10, atol=1e-12)


def test_two_layer_grads_match_finite_differences():
    params, X, y = _two_layer_case(4)
    _, grads = ref.two_layer_grads(params, X, y)
    for name in params:
        num = numerical_gradient(lambda _: ref.two_layer_grads(params, X, y)[0], params[name])
        assert relative_error(grads[name], num) < 1e-7, name


def test_symmetric_units_stay_identical_under_gradient_descent():
    # the lesson of the notebook: units that start identical get identical gradients forever
    g = np.random.default_rng(5)
    X, y = g.normal(size=(40, 6)), g.integers(0, 3, size=40)
    params = {"W1": ref.constant_init((6, 8), 0.3), "b1": np.zeros(8),
              "W2": np.tile(g.normal(size=3), (8, 1)), "b2": np.zeros(3)}
    for _ in range(50):
        _, grads = ref.two_layer_grads(params, X, y)
        for k in params:
            params[k] = params[k] - 0.5 * grads[k]
    assert np.ptp(params["W1"], axis=1).max() < 1e-12
    assert np.ptp(params["W2"], axis=0).max() < 1e-12


# ------------------------------------------------------------------------------ false failures

def test_false_failure_check_covers_every_random_test():
    assert {fn.__name__ for fn in hidden_tests("initialization", RANDOM_ITEMS)} == {
        r.test for r in results_for("initialization", None)[0] if r.item in RANDOM_ITEMS}


@pytest.mark.parametrize("offset", range(1, 13))
def test_statistical_tests_pass_correct_answers_under_other_draws(offset, monkeypatch):
    # The stated false-failure probabilities are at most 1e-9 per check, so 12 offsets x (reference
    # and every alternative) must all pass; a failure here means a bound is wrong.
    # (Each alternative answers its own item; the other items are the reference's.)
    monkeypatch.setattr(hidden_module("initialization"), "SEED_OFFSET", offset)
    runs = [(reference_namespace("initialization"), RANDOM_ITEMS)] + [
        (namespace_with("initialization", v), (v.target,))
        for v in ALTERNATIVES if v.target in RANDOM_ITEMS]
    for namespace, items in runs:
        run_directly("initialization", namespace, items)


def _chi2_cdf(x, n):
    """P(X <= x) for X chi-square with n degrees of freedom (the regularized incomplete gamma)."""
    return torch.special.gammainc(torch.tensor(n / 2, dtype=torch.float64),
                                  torch.tensor(x / 2, dtype=torch.float64)).item()


def _chi2_sf(x, n):
    return torch.special.gammaincc(torch.tensor(n / 2, dtype=torch.float64),
                                   torch.tensor(x / 2, dtype=torch.float64)).item()


def _bisect(f, lo, hi, target):
    """x in [lo, hi] with f(x) = target, for an increasing f."""
    for _ in range(200):
        mid = (lo + hi) / 2
        lo, hi = (mid, hi) if f(mid) < target else (lo, mid)
    return lo


@pytest.mark.parametrize("n", [250_000, 50_000])
def test_normal_bounds_are_exact_tail_bounds(n):
    module = hidden_module("initialization")
    delta = module.FALSE_FAILURE
    # the mean of n standard normals: exactly N(0, 1/n)
    half = module.normal_mean_halfwidth(1.0, n, delta)
    assert math.erfc(half * math.sqrt(n) / math.sqrt(2)) == pytest.approx(delta, rel=1e-6)
    # n * mean(W^2) is chi-square(n): each side of the range holds at least 1 - delta / 2
    lo, hi = module.normal_square_range(1.0, n, delta)
    assert _chi2_cdf(lo * n, n) <= delta / 2
    assert _chi2_sf(hi * n, n) <= delta / 2
    # and the range is not needlessly wide (within a factor 1.2 of the exact quantiles)
    exact_lo = _bisect(lambda x: _chi2_cdf(x * n, n), 0.5, 1.0, delta / 2)
    exact_hi = _bisect(lambda x: -_chi2_sf(x * n, n), 1.0, 1.5, -delta / 2)
    assert 1 - lo <= 1.2 * (1 - exact_lo) and hi - 1 <= 1.2 * (exact_hi - 1)


def test_uniform_and_shape_bounds():
    module = hidden_module("initialization")
    n = module.N_DRAWS
    assert module.near_bound_false_failure(n) == pytest.approx(2 * (1 - 5e-4) ** n, rel=1e-9)
    assert module.kurtosis_false_failure(n) < 1e-40
    # Hoeffding's half-widths, relative to the uniform's standard deviation b / sqrt(3)
    assert module.uniform_mean_halfwidth(1.0, n) * math.sqrt(3) < 0.03
    lo, hi = module.uniform_square_range(1.0, n)
    assert 3 * lo > 0.97 and 3 * hi < 1.03
    # a uniform sample's kurtosis (1.8) is far below the threshold, a normal one's (3) far above
    g = np.random.default_rng(0)
    u, z = g.uniform(-1, 1, n), g.standard_normal(n)
    assert np.mean(u ** 4) / np.mean(u ** 2) ** 2 < module.KURTOSIS_MIN - 0.5
    assert np.mean(z ** 4) / np.mean(z ** 2) ** 2 > module.KURTOSIS_MIN + 0.5


def test_kolmogorov_smirnov_bound():
    # Massart's bound on the fit's threshold: a little above the stated 1e-9 (Stephens' correction
    # moves the threshold by 0.12 / sqrt(n)), tending to it for large n
    module = hidden_module("initialization")
    assert 1e-9 < module.ks_false_failure(module.N_DRAWS) < 1.02e-9
    assert module.ks_false_failure(10 ** 10) == pytest.approx(1e-9, rel=1e-4)


def test_the_stated_total_counts_every_statistical_check(monkeypatch):
    # The random items' tests run with check_uniform and check_normal replaced by a recorder of the
    # samples they would check: the docstring's counts and total must be those of the suite.
    module = hidden_module("initialization")
    drawn = []
    for kind in ("uniform", "normal"):
        monkeypatch.setattr(module, f"check_{kind}",
                            lambda student, item, args, *rest, kind=kind: drawn.append((kind, math.prod(args[0]))))
    run_directly("initialization", reference_namespace("initialization"), RANDOM_ITEMS)
    counts = Counter(kind for kind, _ in drawn)
    assert f"{counts['uniform']} uniform samples" in module.__doc__
    assert f"{counts['normal']} normal" in module.__doc__
    total = sum(getattr(module, f"{kind}_false_failure")(n) for kind, n in drawn)
    assert module.TOTAL_FALSE_FAILURE / 1.02 <= total <= module.TOTAL_FALSE_FAILURE
    stated = re.search(r"TOTAL_FALSE_FAILURE = ([0-9.e-]+)", module.__doc__).group(1)
    assert float(stated) == module.TOTAL_FALSE_FAILURE
