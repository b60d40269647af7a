"""The activations assignment's hidden suite grades right (in-process, no kernel): what only this
assignment needs. The checks every assignment gets (reference, points, mutants, alternatives,
demo mistakes, the budget of calls) are in tests/test_hidden_suites.py.

- a wrong forward does not cost its backward (see the suite's docstring), and a student's own
  consistent cache layout is graded right;
- the references agree with PyTorch (values and autograd gradients, derivative conventions at 0),
  and their backward passes with centred finite differences away from kinks;
- the references print no warning, even on inputs of +-1000;
- the visible checks pass the reference and every alternative, and fail every mutant, with a
  message.
There is no false-failure check over other seeds: nothing in this assignment is random.
"""
import contextlib
import io
import warnings

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from coursekit.checks import activations as checks
from coursekit.gradcheck import numerical_gradient, numerical_gradient_array
from hidden_suite import (alternatives, describe_failures, mutants, namespace_with, points,
                          reference_namespace, results_for, run)
from solutions import activations as ref

MUTANTS = mutants("activations")
ALTERNATIVES = alternatives("activations")


# ------------------------------------------------------------------------------ caches

def test_a_wrong_forward_hands_its_backward_the_documented_cache():
    # the wrong-axis softmax makes every out wrong: softmax_backward is still graded, on the cache
    # built by the grader, and passes
    results, _ = results_for("activations", "softmax_wrong_axis")
    assert all(r.passed for r in results if r.item == "softmax_backward")


def test_a_consistent_cache_of_the_students_own_is_graded_right():
    # a student who caches only what they need, in their own layout, passes everything
    namespace = reference_namespace("activations")
    exec(
        "def tanh_forward(x):\n"
        "    out = np.tanh(x)\n"
        "    return out, {'t': out}\n"
        "def tanh_backward(dout, cache):\n"
        "    return dout * (1 - cache['t'] ** 2)\n"
        "def maxout_forward(x, W, b):\n"
        "    z = np.stack([x @ W[j] + b[j] for j in range(len(W))])\n"
        "    return z.max(0), [z.argmax(0), x, W]\n"
        "def maxout_backward(dout, cache):\n"
        "    idx, x, W = cache\n"
        "    dz = np.stack([dout * (idx == j) for j in range(len(W))])\n"
        "    return (sum(dz[j] @ W[j].T for j in range(len(W))),\n"
        "            np.stack([x.T @ dz[j] for j in range(len(W))]), dz.sum(1))\n", namespace)
    results, _ = run("activations", namespace)
    assert all(r.passed for r in results), describe_failures(results)


# ------------------------------------------------------------------------------ PyTorch

def _torch_grad(fn, x, dout, *params):
    t = torch.tensor(x, requires_grad=True)
    ps = [torch.tensor(p, requires_grad=True) for p in params]
    out = fn(t, *ps)
    out.backward(torch.tensor(dout))
    return out.detach().numpy(), t.grad.numpy(), [p.grad.numpy() for p in ps]


def _test_array(seed, shape=(6, 7)):
    g = np.random.default_rng(seed)
    x = g.normal(scale=3.0, size=shape)
    x.flat[:5] = [0.0, -1000.0, 1000.0, -40.0, 40.0]  # the kink, overflow, saturation
    return x, g.normal(size=shape)


ELEMENTWISE = [
    ("sigmoid", (), torch.sigmoid),
    ("tanh", (), torch.tanh),
    ("relu", (), F.relu),
    ("leaky_relu", (), F.leaky_relu),                  # default slope 0.01 in both
    ("leaky_relu", (0.2,), lambda t: F.leaky_relu(t, 0.2)),
    ("elu", (), F.elu),                                # default alpha 1.0 in both
    ("elu", (1.7,), lambda t: F.elu(t, alpha=1.7)),
    ("selu", (), F.selu),
]


@pytest.mark.parametrize("name,extra,torch_fn", ELEMENTWISE,
                         ids=[f"{n}{e}" for n, e, _ in ELEMENTWISE])
def test_elementwise_references_match_torch(name, extra, torch_fn):
    x, dout = _test_array(1)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # the references never warn, even at +-1000
        out, cache = getattr(ref, f"{name}_forward")(x, *extra)
        dx = getattr(ref, f"{name}_backward")(dout, cache)
    t_out, t_dx, _ = _torch_grad(torch_fn, x, dout)
    np.testing.assert_allclose(out, t_out, rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(dx, t_dx, rtol=1e-12, atol=1e-15)


@pytest.mark.parametrize("name,extra,torch_fn", ELEMENTWISE,
                         ids=[f"{n}{e}" for n, e, _ in ELEMENTWISE])
def test_derivatives_at_exactly_zero_follow_torch(name, extra, torch_fn):
    # relu'(0) = 0, leaky'(0) = slope, elu'(0) = alpha, selu'(0) = scale * alpha
    x = np.zeros(1)
    _, cache = getattr(ref, f"{name}_forward")(x, *extra)
    _, t_dx, _ = _torch_grad(torch_fn, x, np.ones(1))
    assert getattr(ref, f"{name}_backward")(np.ones(1), cache)[0] == pytest.approx(t_dx[0], rel=1e-15)


def test_prelu_at_zero_and_its_starting_slope_follow_torch():
    _, cache = ref.prelu_forward(np.zeros(1), 0.25)
    assert ref.prelu_backward(np.ones(1), cache)[0][0] == 0.25
    assert torch.nn.PReLU().weight.item() == 0.25  # the notebook's stated starting value


@pytest.mark.parametrize("a", [0.25, -0.3, 1.5])
def test_prelu_matches_torch_including_the_slope_gradient(a):
    x, dout = _test_array(2)
    out, cache = ref.prelu_forward(x, a)
    dx, da = ref.prelu_backward(dout, cache)
    t_out, t_dx, (t_da,) = _torch_grad(F.prelu, x, dout, np.array([a]))
    np.testing.assert_allclose(out, t_out, rtol=1e-12)
    np.testing.assert_allclose(dx, t_dx, rtol=1e-12)
    assert isinstance(da, float)
    np.testing.assert_allclose(da, t_da[0], rtol=1e-12)


@pytest.mark.parametrize("shape", [(5, 4), (7,), (2, 3, 5)])
def test_softmax_matches_torch(shape):
    g = np.random.default_rng(3)
    x = g.normal(scale=3.0, size=shape)
    if len(shape) == 2:
        x[0] = [1000.0, 999.0, 0.0, -1000.0]
        x[1] = [-1000.0, -999.0, -1001.0, -1000.0]
    dout = g.normal(size=shape)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        out, cache = ref.softmax_forward(x)
        dx = ref.softmax_backward(dout, cache)
    t_out, t_dx, _ = _torch_grad(lambda t: F.softmax(t, dim=-1), x, dout)
    np.testing.assert_allclose(out, t_out, rtol=1e-12, atol=1e-300)
    np.testing.assert_allclose(dx, t_dx, rtol=1e-10, atol=1e-15)


def _maxout_no_ties(seed, N=6, D=4, H=3, k=3):
    g = np.random.default_rng(seed)
    while True:
        x, W, b = g.normal(size=(N, D)), g.normal(size=(k, D, H)), g.normal(size=(k, H))
        z = np.sort(np.stack([x @ W[j] + b[j] for j in range(k)]), axis=0)
        if np.all(z[-1] - z[-2] > 1e-2):
            return x, W, b


def test_maxout_matches_torch():
    x, W, b = _maxout_no_ties(4)
    dout = np.random.default_rng(5).normal(size=(6, 3))
    out, cache = ref.maxout_forward(x, W, b)
    dx, dW, db = ref.maxout_backward(dout, cache)
    tx, tW, tb = (torch.tensor(a, requires_grad=True) for a in (x, W, b))
    t_out = (torch.einsum("nd,kdh->knh", tx, tW) + tb[:, None, :]).max(dim=0).values
    t_out.backward(torch.tensor(dout))
    np.testing.assert_allclose(out, t_out.detach().numpy(), rtol=1e-12)
    for ours, theirs in [(dx, tx), (dW, tW), (db, tb)]:
        np.testing.assert_allclose(ours, theirs.grad.numpy(), rtol=1e-12, atol=1e-15)


def test_maxout_gives_a_tie_to_the_first_piece():
    x = np.array([[1.0]])
    W = np.array([[[1.0]], [[1.0]]])  # two identical pieces: a tie everywhere
    _, cache = ref.maxout_forward(x, W, np.zeros((2, 1)))
    _, dW, db = ref.maxout_backward(np.ones((1, 1)), cache)
    assert db.tolist() == [[1.0], [0.0]] and dW.ravel().tolist() == [1.0, 0.0]


@pytest.mark.parametrize("seed,N,L", [(6, 4, 3), (7, 1, 1), (8, 5, 8)])
def test_sigmoid_chain_grads_match_torch_autograd(seed, N, L):
    g = np.random.default_rng(seed)
    x, y, w, b = g.normal(size=N), g.uniform(size=N), 2 * g.normal(size=L), g.normal(size=L)
    loss, dw, db = ref.sigmoid_chain_grads(x, y, w, b)
    tw, tb = torch.tensor(w, requires_grad=True), torch.tensor(b, requires_grad=True)
    a = torch.tensor(x)
    for layer in range(L):
        a = torch.sigmoid(tw[layer] * a + tb[layer])
    t_loss = torch.nn.functional.mse_loss(a, torch.tensor(y)) / 2  # the lectures' 1/2 MSE
    t_loss.backward()
    assert isinstance(loss, float)
    np.testing.assert_allclose(loss, t_loss.item(), rtol=1e-12)
    np.testing.assert_allclose(dw, tw.grad.numpy(), rtol=1e-10, atol=1e-300)
    np.testing.assert_allclose(db, tb.grad.numpy(), rtol=1e-10, atol=1e-300)


def test_the_first_layer_gradient_is_a_product_of_small_factors():
    # the lectures' point: with |w| <= 1, |dL/db_1| <= |dL/da_L| * (1/4)^L
    g = np.random.default_rng(9)
    for L in range(1, 12):
        x, y = g.normal(size=3), g.uniform(size=3)
        w, b = g.uniform(-1, 1, size=L), g.normal(size=L)
        loss, dw, db = ref.sigmoid_chain_grads(x, y, w, b)
        assert abs(db[0]) <= np.sqrt(2 * loss) * 0.25 ** L + 1e-15


@pytest.mark.parametrize("dims", [[4, 4, 4], [5, 3, 6, 2], [3, 2]])
def test_collapse_linear_stack_matches_a_torch_sequential(dims):
    g = np.random.default_rng(10)
    layers = [torch.nn.Linear(a, b, dtype=torch.float64) for a, b in zip(dims[:-1], dims[1:])]
    weights = [layer.weight.detach().numpy().T.copy() for layer in layers]  # (fan_in, fan_out)
    biases = [layer.bias.detach().numpy().copy() for layer in layers]
    W, b = ref.collapse_linear_stack(weights, biases)
    X = g.normal(size=(7, dims[0]))
    expected = torch.nn.Sequential(*layers)(torch.tensor(X)).detach().numpy()
    np.testing.assert_allclose(X @ W + b, expected, rtol=1e-10, atol=1e-12)


# ------------------------------------------------------------------------------ finite differences

def _off_kink(seed, shape):
    g = np.random.default_rng(seed)
    return g.uniform(0.05, 4.0, size=shape) * g.choice([-1.0, 1.0], size=shape)


FD_CASES = [("sigmoid", ()), ("tanh", ()), ("relu", ()), ("leaky_relu", ()), ("leaky_relu", (0.2,)),
            ("prelu", (0.25,)), ("prelu", (1.5,)), ("elu", ()), ("elu", (1.7,)), ("selu", ()),
            ("softmax", ())]


@pytest.mark.parametrize("name,extra", FD_CASES, ids=[f"{n}{e}" for n, e in FD_CASES])
def test_reference_backward_matches_finite_differences(name, extra):
    x = _off_kink(11, (3, 5))
    dout = np.random.default_rng(12).normal(size=x.shape)
    forward, backward = getattr(ref, f"{name}_forward"), getattr(ref, f"{name}_backward")
    _, cache = forward(x, *extra)
    dx = backward(dout, cache)
    dx = dx[0] if isinstance(dx, tuple) else dx
    num = numerical_gradient_array(lambda v: forward(v, *extra)[0], x.copy(), dout, h=1e-6)
    np.testing.assert_allclose(dx, num, rtol=1e-6, atol=1e-8)
    if name == "prelu":
        (a,) = extra
        da = backward(dout, cache)[1]
        num_a = (np.sum(forward(x, a + 1e-6)[0] * dout) - np.sum(forward(x, a - 1e-6)[0] * dout)) / 2e-6
        np.testing.assert_allclose(da, num_a, rtol=1e-6)


def test_maxout_backward_matches_finite_differences():
    x, W, b = _maxout_no_ties(13, N=4, D=3, H=2, k=3)
    dout = np.random.default_rng(14).normal(size=(4, 2))
    _, cache = ref.maxout_forward(x, W, b)
    dx, dW, db = ref.maxout_backward(dout, cache)
    for ours, num in [
            (dx, numerical_gradient_array(lambda v: ref.maxout_forward(v, W, b)[0], x.copy(), dout)),
            (dW, numerical_gradient_array(lambda v: ref.maxout_forward(x, v, b)[0], W.copy(), dout)),
            (db, numerical_gradient_array(lambda v: ref.maxout_forward(x, W, v)[0], b.copy(), dout))]:
        np.testing.assert_allclose(ours, num, rtol=1e-6, atol=1e-10)


def test_sigmoid_chain_grads_match_finite_differences():
    g = np.random.default_rng(15)
    x, y, w, b = g.normal(size=5), g.uniform(size=5), 1.5 * g.normal(size=4), g.normal(size=4)
    _, dw, db = ref.sigmoid_chain_grads(x, y, w, b)
    num_w = numerical_gradient(lambda v: ref.sigmoid_chain_grads(x, y, v, b)[0], w.copy())
    num_b = numerical_gradient(lambda v: ref.sigmoid_chain_grads(x, y, w, v)[0], b.copy())
    np.testing.assert_allclose(dw, num_w, rtol=1e-6)
    np.testing.assert_allclose(db, num_b, rtol=1e-6)


@settings(derandomize=True, database=None, max_examples=60, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(arrays(np.float64, st.tuples(st.integers(1, 4), st.integers(1, 5)),
              elements=st.floats(-800, 800, allow_nan=False, allow_subnormal=False)))
def test_references_agree_with_torch_on_any_input(x):
    # any finite values, zeros and saturating ones included; hypothesis shrinks a failure
    dout = np.ones_like(x)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        for name, extra, torch_fn in ELEMENTWISE + [("softmax", (), lambda t: F.softmax(t, dim=-1))]:
            out, cache = getattr(ref, f"{name}_forward")(x, *extra)
            dx = getattr(ref, f"{name}_backward")(dout, cache)
            t_out, t_dx, _ = _torch_grad(torch_fn, x, dout)
            np.testing.assert_allclose(out, t_out, rtol=1e-10, atol=1e-300)
            np.testing.assert_allclose(dx, t_dx, rtol=1e-8, atol=1e-15)


# ------------------------------------------------------------------------------ visible checks

CHECKED = {item: getattr(checks, f"check_{item}") for item in points("activations")}


def _check_args(item, ns):
    """A backward check also takes the forward function (it makes the cache): (forward, backward)."""
    if item.endswith("_backward"):
        return ns[item.replace("_backward", "_forward")], ns[item]
    return (ns[item],)


def _run(item, ns):
    """Run the visible check of `item` on the functions of namespace `ns`: (passed, message)."""
    with contextlib.redirect_stdout(io.StringIO()), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            CHECKED[item](*_check_args(item, ns))
        except AssertionError as exc:
            return False, str(exc)
    return True, ""


def test_visible_checks_pass_the_reference():
    for item in CHECKED:
        ok, message = _run(item, reference_namespace("activations"))
        assert ok, message


@pytest.mark.parametrize("alternative", ALTERNATIVES, ids=[v.name for v in ALTERNATIVES])
def test_visible_checks_pass_the_alternatives(alternative):
    ok, message = _run(alternative.target, namespace_with("activations", alternative))
    assert ok, message


@pytest.mark.parametrize("mutant", MUTANTS, ids=[v.name for v in MUTANTS])
def test_visible_checks_catch_the_mutants(mutant):
    # every mutant, in-place, tie and overflow-range ones included: each is a case the notebook's
    # docstrings state, so a student can be told about it before submitting
    ok, message = _run(mutant.target, namespace_with("activations", mutant))
    assert not ok, f"the visible check passed {mutant.name}"
    assert message.startswith(f"check_{mutant.target}:"), message
