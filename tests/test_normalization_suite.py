"""The normalization assignment's hidden suite grades right (in-process, no kernel).

- the reference passes every hidden test, on the suite's inputs and on other inputs;
- every known mutant fails a test of its own item, with its hint in the feedback, and costs no
  other item any points;
- every known alternative passes every test;
- the points per item are those of the notebook's grade cells;
- the references agree with PyTorch (BatchNorm1d in training and eval mode, its running
  statistics over several steps, autograd gradients, LayerNorm) and with finite differences;
- the suite stays within its budget of calls into the sandbox.
"""
import functools

import numpy as np
import pytest
import torch

from autograder.boundary import LocalTransport, Student
from autograder.suite import run_suite, suite_items
from autograder.suites.normalization.variants import DEMO_MISTAKES, V
from coursekit.gradcheck import numerical_gradient_array
from solutions import normalization as ref

POINTS = {"zero_center": 1, "standardize": 1, "fit_pca": 2, "apply_whitening": 2,
          "batchnorm_forward": 3, "batchnorm_backward": 3, "batchnorm_backward_alt": 2,
          "layernorm_forward": 1, "layernorm_backward": 2}


def reference_namespace():
    """What a notebook with every reference answer defines (plus np)."""
    namespace = {k: v for k, v in vars(ref).items() if not k.startswith("__")}
    namespace["np"] = np
    return namespace


def namespace_with(variant):
    """The reference notebook with one answer replaced by `variant`, pasted as notebook code."""
    namespace = reference_namespace()
    exec(compile(variant.source(), f"<{variant.name}>", "exec"), namespace)
    return namespace


@functools.lru_cache(maxsize=None)
def results_for(name):
    """Hidden-suite results for the reference (name None) or the variant called `name`."""
    if name is None:
        namespace = reference_namespace()
    else:
        namespace = namespace_with(next(v for v in V.all if v.name == name))
    return run_suite("normalization", LocalTransport(namespace))


def points_by_item(results):
    items = {r.item for r in results}
    return {i: POINTS[i] if all(r.passed for r in results if r.item == i) else 0 for i in items}


def describe_failures(results):
    return "\n".join(f"{r.test} [{r.kind}]: {r.message} | hint: {r.hint}"
                     for r in results if not r.passed)


# ------------------------------------------------------------------------------ grading

def test_reference_passes_every_hidden_test():
    results = results_for(None)
    assert results and all(r.passed for r in results), describe_failures(results)
    assert points_by_item(results) == POINTS


def test_points_per_item():
    assert suite_items("normalization") == POINTS
    assert sum(POINTS.values()) == 17


def test_every_item_has_mutants_and_alternatives():
    for item in POINTS:
        assert len(V.mutants_of(item)) >= 3, item
        assert len(V.alternatives_of(item)) >= 1, item
    assert {v.target for v in V.all} == set(POINTS)
    names = [v.name for v in V.all]
    assert len(names) == len(set(names))
    assert set(DEMO_MISTAKES) <= set(names)
    assert len({next(v.target for v in V.all if v.name == n) for n in DEMO_MISTAKES}) == 3


MUTANTS = [v for v in V.all if v.kind == "mutant"]
ALTERNATIVES = [v for v in V.all if v.kind == "alternative"]


@pytest.mark.parametrize("mutant", MUTANTS, ids=[v.name for v in MUTANTS])
def test_mutant_is_caught_with_its_hint(mutant):
    results = results_for(mutant.name)
    own = [r for r in results if r.item == mutant.target]
    assert any(not r.passed for r in own), f"{mutant.name} passed every test of {mutant.target}"
    assert any(mutant.hint in r.hint or mutant.hint in r.message for r in own if not r.passed), \
        f"{mutant.name}'s hint is not in the feedback:\n{describe_failures(own)}"
    others = [r for r in results if r.item != mutant.target]
    assert all(r.passed for r in others), \
        f"{mutant.name} cost points elsewhere:\n{describe_failures(others)}"


@pytest.mark.parametrize("alternative", ALTERNATIVES, ids=[v.name for v in ALTERNATIVES])
def test_alternative_passes_every_test(alternative):
    results = results_for(alternative.name)
    assert all(r.passed for r in results), describe_failures(results)


def _hidden_module():
    from autograder.suites.normalization import test_normalization
    return test_normalization


def _all_tests(module):
    return [fn for name, fn in vars(module).items() if name.startswith("test_") and callable(fn)]


@pytest.mark.parametrize("offset", range(1, 13))
def test_correct_answers_pass_on_other_inputs(offset, monkeypatch):
    # Every input is drawn from a Generator seeded with INPUT_OFFSET + a constant: other inputs
    # must not make a correct answer fail (tolerances, conditioning of the eigenvectors, ...).
    module = _hidden_module()
    monkeypatch.setattr(module, "INPUT_OFFSET", 1000 * offset)
    for namespace in [reference_namespace()] + [namespace_with(v) for v in ALTERNATIVES]:
        student = Student(LocalTransport(namespace))
        for test in _all_tests(module):
            test(student)  # raises GradingFailure on a false failure


class _Counting:
    def __init__(self, namespace):
        self.inner, self.calls = LocalTransport(namespace), 0

    def request(self, text, what):
        self.calls += 1
        return self.inner.request(text, what)


def test_call_budget():
    # each sandbox call costs ~10-15 ms: the suite must stay well under ~150 calls
    transport = _Counting(reference_namespace())
    results = run_suite("normalization", transport)
    assert all(r.passed for r in results)
    assert transport.calls <= 80, transport.calls


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


@pytest.mark.parametrize("item", sorted(POINTS))
def test_visible_check_passes_the_reference(item, capsys):
    _visible_check(item)(getattr(ref, item))
    assert "passed" in capsys.readouterr().out


@pytest.mark.parametrize("alternative", ALTERNATIVES, ids=[v.name for v in ALTERNATIVES])
def test_visible_check_passes_every_alternative(alternative):
    _visible_check(alternative.target)(namespace_with(alternative)[alternative.target])


@pytest.mark.parametrize("mutant", MUTANTS, ids=[v.name for v in MUTANTS])
def test_visible_check_fails_every_mutant(mutant):
    # every known mistake (the demo's among them) is caught already in the notebook, with a message
    with pytest.raises(AssertionError, match=f"check_{mutant.target}: .+"):
        _visible_check(mutant.target)(namespace_with(mutant)[mutant.target])


def test_visible_checks_use_nothing_instructors_keep():
    from pathlib import Path
    text = (Path(__file__).parent.parent / "coursekit" / "checks" / "normalization.py").read_text()
    assert "solutions" not in text and "autograder" not in text


def test_no_hint_quotes_a_line_of_the_hidden_suite():
    # Feedback shows hints; the lifecycle test checks that no line of the hidden suite (or of its
    # variants) appears in any feedback, so no hint may contain one.
    from pathlib import Path
    from autograder import release_guard
    source = Path(__file__).parent.parent / "assignments" / "normalization" / "normalization.ipynb"
    suite = release_guard.suite_lines("normalization", source)
    assert not [(line, v.name) for v in MUTANTS for line in suite if line in v.hint]
