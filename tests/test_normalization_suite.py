"""The normalization assignment's hidden suite grades right (in-process, no kernel): what only
this assignment needs. The checks every assignment gets (reference, points, mutants, alternatives,
demo mistakes, the budget of calls) are in tests/test_hidden_suites.py.

- the reference and every alternative pass every hidden test on other inputs too;
- the references agree with PyTorch (BatchNorm1d in training and eval mode, its running
  statistics over several steps, autograd gradients, LayerNorm) and with finite differences;
- the visible checks pass the reference and every alternative, and fail every mutant, with a
  message; no hint quotes the hidden suite.
"""
import numpy as np
import pytest
import torch

from coursekit.gradcheck import numerical_gradient_array
from hidden_suite import (alternatives, hidden_module, mutants, namespace_with, points,
                          reference_namespace, run_directly)
from solutions import normalization as ref

MUTANTS = mutants("normalization")
ALTERNATIVES = alternatives("normalization")


@pytest.mark.parametrize("offset", range(1, 13))
def test_correct_answers_pass_on_other_inputs(offset, monkeypatch):
    # Every input is drawn from a Generator seeded with INPUT_OFFSET + a constant: other inputs
    # must not make a correct answer fail (tolerances, conditioning of the eigenvectors, ...).
    monkeypatch.setattr(hidden_module("normalization"), "INPUT_OFFSET", 1000 * offset)
    for namespace in [reference_namespace("normalization")] + [
            namespace_with("normalization", v) for v in ALTERNATIVES]:
        run_directly("normalization", namespace)


# ------------------------------------------------------------------------------ PyTorch

def _bn_torch(D, momentum):
    bn = torch.nn.BatchNorm1d(D, eps=1e-5, momentum=momentum, dtype=torch.float64)
    return bn


@pytest.mark.parametrize("N,D,momentum", [(8, 5, 0.1), (3, 4, 0.3), (2, 3, 0.1), (50, 6, 0.05)])
def test_batchnorm_matches_torch_over_several_steps_and_in_eval(N, D, momentum):
    g = np.random.default_rng(N * 100 + D)
    gamma = g.uniform(0.5, 2.0, size=D) * g.choice([-1.0, 1.0], size=D)
    beta = g.normal(size=D)
    bn = _bn_torch(D, momentum)
    with torch.no_grad():
        bn.weight.copy_(torch.tensor(gamma))
        bn.bias.copy_(torch.tensor(beta))
    bn.train()
    running_mean, running_var = np.zeros(D), np.ones(D)
    np.testing.assert_array_equal(bn.running_mean.numpy(), running_mean)
    np.testing.assert_array_equal(bn.running_var.numpy(), running_var)
    scales, shifts = g.uniform(0.01, 3.0, size=D), g.normal(0, 3, size=D)
    for _ in range(5):
        x = g.normal(size=(N, D)) * scales + shifts
        out, running_mean, running_var, cache = ref.batchnorm_forward(
            x, gamma, beta, running_mean, running_var, mode="train", momentum=momentum)
        out_t = bn(torch.tensor(x))
        np.testing.assert_allclose(out, out_t.detach().numpy(), rtol=1e-10, atol=1e-12)
        np.testing.assert_allclose(running_mean, bn.running_mean.numpy(), rtol=1e-12, atol=1e-14)
        np.testing.assert_allclose(running_var, bn.running_var.numpy(), rtol=1e-12, atol=1e-14)
    bn.eval()
    for rows in (1, 7):
        x = g.normal(size=(rows, D)) * scales + shifts
        out, rm, rv, cache = ref.batchnorm_forward(x, gamma, beta, running_mean, running_var,
                                                   mode="test")
        assert cache is None
        np.testing.assert_array_equal(rm, running_mean)
        np.testing.assert_array_equal(rv, running_var)
        out_t = bn(torch.tensor(x)).detach().numpy()
        np.testing.assert_allclose(out, out_t, rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize("N,D", [(10, 4), (3, 6), (64, 20)])
@pytest.mark.parametrize("backward", ["batchnorm_backward", "batchnorm_backward_alt"])
def test_batchnorm_backward_matches_torch_autograd(N, D, backward):
    g = np.random.default_rng(N + D)
    x = g.normal(size=(N, D)) * g.uniform(0.001, 3.0, size=D) + g.normal(size=D)
    gamma = g.uniform(0.5, 2.0, size=D) * g.choice([-1.0, 1.0], size=D)
    beta = g.normal(size=D)
    dout = g.normal(size=(N, D))
    _, _, _, cache = ref.batchnorm_forward(x, gamma, beta, np.zeros(D), np.ones(D))
    dx, dgamma, dbeta = getattr(ref, backward)(dout, cache)
    xt, gt, bt = (torch.tensor(a, requires_grad=True) for a in (x, gamma, beta))
    out = torch.nn.functional.batch_norm(xt, None, None, gt, bt, training=True, eps=1e-5)
    out.backward(torch.tensor(dout))
    np.testing.assert_allclose(dx, xt.grad.numpy(), rtol=1e-8, atol=1e-10)
    np.testing.assert_allclose(dgamma, gt.grad.numpy(), rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(dbeta, bt.grad.numpy(), rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("N,D,eps", [(6, 5, 1e-5), (3, 8, 1e-3), (20, 16, 1e-5)])
def test_layernorm_matches_torch(N, D, eps):
    g = np.random.default_rng(N * D)
    x = g.normal(size=(N, D)) * g.uniform(0.01, 3.0, size=(N, 1)) + g.normal(size=(N, 1))
    gamma = g.uniform(0.5, 2.0, size=D) * g.choice([-1.0, 1.0], size=D)
    beta = g.normal(size=D)
    dout = g.normal(size=(N, D))
    out, cache = ref.layernorm_forward(x, gamma, beta, eps=eps)
    xt, gt, bt = (torch.tensor(a, requires_grad=True) for a in (x, gamma, beta))
    out_t = torch.nn.functional.layer_norm(xt, (D,), gt, bt, eps=eps)
    np.testing.assert_allclose(out, out_t.detach().numpy(), rtol=1e-10, atol=1e-12)
    out_t.backward(torch.tensor(dout))
    dx, dgamma, dbeta = ref.layernorm_backward(dout, cache)
    np.testing.assert_allclose(dx, xt.grad.numpy(), rtol=1e-8, atol=1e-10)
    np.testing.assert_allclose(dgamma, gt.grad.numpy(), rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(dbeta, bt.grad.numpy(), rtol=1e-12, atol=1e-12)
    # the module form (what students meet in PyTorch) agrees too
    ln = torch.nn.LayerNorm(D, eps=eps, dtype=torch.float64)
    with torch.no_grad():
        ln.weight.copy_(gt)
        ln.bias.copy_(bt)
    np.testing.assert_allclose(out, ln(torch.tensor(x)).detach().numpy(), rtol=1e-10, atol=1e-12)


# ------------------------------------------------------------------------------ finite differences

@pytest.mark.parametrize("backward,forward", [
    ("batchnorm_backward", "batchnorm"), ("batchnorm_backward_alt", "batchnorm"),
    ("layernorm_backward", "layernorm")])
def test_reference_backward_matches_finite_differences(backward, forward):
    g = np.random.default_rng(7)
    N, D = 5, 4
    x = g.normal(size=(N, D)) * g.uniform(0.5, 2.0, size=D) + g.normal(size=D)
    gamma = g.uniform(0.5, 2.0, size=D) * g.choice([-1.0, 1.0], size=D)
    beta = g.normal(size=D)
    dout = g.normal(size=(N, D))
    if forward == "batchnorm":
        def f(x_, gamma_, beta_):
            return ref.batchnorm_forward(x_, gamma_, beta_, np.zeros(D), np.ones(D))[0]
        cache = ref.batchnorm_forward(x, gamma, beta, np.zeros(D), np.ones(D))[3]
    else:
        def f(x_, gamma_, beta_):
            return ref.layernorm_forward(x_, gamma_, beta_)[0]
        cache = ref.layernorm_forward(x, gamma, beta)[1]
    analytic = getattr(ref, backward)(dout, cache)
    numerical = (numerical_gradient_array(lambda v: f(v, gamma, beta), x.copy(), dout),
                 numerical_gradient_array(lambda v: f(x, v, beta), gamma.copy(), dout),
                 numerical_gradient_array(lambda v: f(x, gamma, v), beta.copy(), dout))
    for a, n in zip(analytic, numerical):
        np.testing.assert_allclose(a, n, rtol=1e-6, atol=1e-8)


def test_var_to_mu_path_is_exactly_zero():
    # Why no mutant drops it: the contribution of var to dmu is dvar * mean(-2 (x - mu)) = 0.
    g = np.random.default_rng(8)
    x = g.normal(size=(9, 4)) * 3 + 1
    assert np.max(np.abs(np.mean(-2 * (x - x.mean(axis=0)), axis=0))) < 1e-14


# ------------------------------------------------------------------------------ preprocessing

def test_pca_whitening_properties():
    g = np.random.default_rng(9)
    D = 6
    Q, _ = np.linalg.qr(g.normal(size=(D, D)))
    X = (g.normal(size=(500, D)) * np.sqrt(3.0 * 0.5 ** np.arange(D))) @ Q.T + g.normal(size=D)
    stats = ref.fit_pca(X)
    U, S = stats["U"], stats["S"]
    np.testing.assert_allclose(U.T @ U, np.eye(D), atol=1e-12)
    assert np.all(np.diff(S) < 0)
    # agrees with torch's eigendecomposition of the biased covariance (up to the eigenvectors'
    # signs)
    C = torch.cov(torch.tensor(X.T), correction=0)
    S_t, U_t = torch.linalg.eigh(C)
    np.testing.assert_allclose(S, S_t.numpy()[::-1], rtol=1e-10)
    np.testing.assert_allclose(np.abs(U.T @ U_t.numpy()[:, ::-1]), np.eye(D), atol=1e-8)
    eps = 1e-9
    for kind in ("pca", "zca"):
        white = ref.apply_whitening(X, stats, kind=kind, eps=eps)
        cov = white.T @ white / len(X)
        np.testing.assert_allclose(white.mean(axis=0), 0, atol=1e-12)
        np.testing.assert_allclose(cov, np.eye(D), atol=1e-7)    # whitened: identity covariance
    # ZCA is symmetric and, of all whitening transforms, the closest to the input
    W = ref.apply_whitening(stats["mean"] + np.eye(D), stats, kind="zca")
    np.testing.assert_allclose(W, W.T, atol=1e-12)
    Xc = X - stats["mean"]
    zca = ref.apply_whitening(X, stats, kind="zca", eps=eps)
    pca = ref.apply_whitening(X, stats, kind="pca", eps=eps)
    R, _ = np.linalg.qr(g.normal(size=(D, D)))                  # any other whitening: rotate PCA's
    for other in (pca, pca @ R):
        assert np.sum((zca - Xc) ** 2) < np.sum((other - Xc) ** 2)


def test_standardize_matches_sklearn_if_available():
    preprocessing = pytest.importorskip("sklearn.preprocessing")
    g = np.random.default_rng(10)
    X_train, X_other = g.normal(size=(40, 5)) * 3 + 1, g.normal(size=(10, 5))
    scaler = preprocessing.StandardScaler().fit(X_train)
    a, b = ref.standardize(X_train, X_other, eps=0.0)
    np.testing.assert_allclose(a, scaler.transform(X_train), rtol=1e-12)
    np.testing.assert_allclose(b, scaler.transform(X_other), rtol=1e-12)


# ------------------------------------------------------------------------------ visible checks

def _visible_check(item):
    from coursekit.checks import normalization as checks
    return getattr(checks, f"check_{item}")


@pytest.mark.parametrize("item", sorted(points("normalization")))
def test_visible_check_passes_the_reference(item, capsys):
    _visible_check(item)(getattr(ref, item))
    assert "passed" in capsys.readouterr().out


@pytest.mark.parametrize("alternative", ALTERNATIVES, ids=[v.name for v in ALTERNATIVES])
def test_visible_check_passes_every_alternative(alternative):
    namespace = namespace_with("normalization", alternative)
    _visible_check(alternative.target)(namespace[alternative.target])


@pytest.mark.parametrize("mutant", MUTANTS, ids=[v.name for v in MUTANTS])
def test_visible_check_fails_every_mutant(mutant):
    # every known mistake (the demo's among them) is caught already in the notebook, with a message
    with pytest.raises(AssertionError, match=f"check_{mutant.target}: .+"):
        _visible_check(mutant.target)(namespace_with("normalization", mutant)[mutant.target])


def test_visible_checks_use_nothing_instructors_keep():
    from pathlib import Path
    text = (Path(__file__).parent.parent / "student" / "coursekit" / "checks" / "normalization.py").read_text()
    assert "solutions" not in text and "autograder" not in text


def test_no_hint_quotes_a_line_of_the_hidden_suite():
    # Feedback shows hints; the lifecycle test checks that no line of the hidden suite (or of its
    # variants) appears in any feedback, so no hint may contain one.
    from pathlib import Path
    from autograder import release_guard
    source = Path(__file__).parent.parent / "assignments" / "normalization" / "normalization.ipynb"
    suite = release_guard.suite_lines("normalization", source)
    assert not [(line, v.name) for v in MUTANTS for line in suite if line in v.hint]
