"""The backprop assignment's hidden suite grades right (in-process, no kernel): what only this
assignment needs. The checks every assignment gets (reference, points, mutants, alternatives,
demo mistakes, the budget of calls) are in tests/test_hidden_suites.py.

- the notebook's provided cells are exactly the helpers the suite runs on its side;
- the references agree with PyTorch (autograd, forward-mode AD, functional Jacobians) and with
  centered finite differences, on the suite's cases and on random programs drawn by hypothesis;
- the suite's own assumptions hold: its random programs are deterministic and stay away from
  kinks and singularities, the planted bug's worst entry is unique by a wide margin, the network's
  finite-difference cases stay away from the ReLU's kink.
"""
import ast
import math

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from autograder.suites.backprop import test_backprop as suite
from conftest import REPO
from hidden_suite import alternatives, points, provided_cells
from solutions import backprop as ref

ALTERNATIVES = alternatives("backprop")


def test_notebook_provides_exactly_the_helpers_the_suite_runs():
    cells = provided_cells("backprop")
    assert cells == {"provided_programs": suite.PROGRAM_HELPERS.strip("\n"),
                     "provided_gradient_checks": suite.GRADIENT_CHECK_HELPERS.strip("\n")}


def test_grader_side_helpers_run_reference_code_only():
    namespace = suite._provided()
    assert namespace["Value"] is ref.Value and namespace["Dual"] is ref.Dual
    assert namespace["check_gradient"] is ref.check_gradient


# ------------------------------------------------------------------------------ random programs

def test_random_programs_are_deterministic_and_every_node_reaches_the_output():
    for seed in range(20):
        program, inputs = suite.random_program(seed, 3, 10)
        assert (program, inputs) == suite.random_program(seed, 3, 10)
        n = len(inputs) + len(program)
        used = {op[1] for op in program} | {op[2] for op in program if suite.OPS[op[0]] == 2}
        assert used >= set(range(n - 1)), "a node that does not reach the output"


def _program_floats(program, inputs):
    """Every node's value in plain float arithmetic, and the arguments of each operation."""
    values, calls = list(inputs), []
    for op in program:
        a = values[op[1]]
        b = values[op[2]] if suite.OPS[op[0]] == 2 else (op[2] if len(op) == 3 else None)
        calls.append((op[0], a, b))
        values.append(suite.FLOAT_OPS[op[0]](a) if b is None else suite.FLOAT_OPS[op[0]](a, b))
    return values, calls


def _suite_programs():
    """Every random program of the hidden suite, with its inputs."""
    cases = [suite._random_case(seed) for seed in suite.RANDOM_PROGRAM_SEEDS]
    cases += [suite.random_program(600 + seed, n_inputs=3, n_ops=8) for seed in (20, 21)]
    cases += [suite.random_program(700 + seed, n_inputs=2 + seed % 3, n_ops=5 + seed % 7) for seed in range(6)]
    cases += [suite.random_program(800 + seed, n_inputs=3, n_ops=8) for seed in (40, 41)]
    return cases


def test_suite_programs_stay_away_from_kinks_and_singularities():
    for program, inputs in _suite_programs():
        values, calls = _program_floats(program, inputs)
        assert all(abs(v) <= suite.MAX_MAGNITUDE for v in values)
        for name, a, b in calls:
            if name == "relu":
                assert abs(a) > suite.KINK_MARGIN
            if name in ("max", "maxc"):
                assert abs(a - b) > suite.KINK_MARGIN
            if name == "log":
                assert a > 0.2


def torch_program(program, inputs):
    """(values, grads) of every node, by PyTorch's autograd (float64)."""
    xs = [torch.tensor(float(v), dtype=torch.float64, requires_grad=True) for v in inputs]
    nodes = list(xs)
    for op in program:
        nodes.append(_torch_op(op, nodes))
        nodes[-1].retain_grad()
    nodes[-1].backward()
    return ([float(v.item()) for v in nodes],
            [float(v.grad.item()) if v.grad is not None else 0.0 for v in nodes])


def _torch_op(op, nodes):
    helpers = suite._provided()
    a = nodes[op[1]]
    if op[0] == "max":
        return torch.maximum(a, nodes[op[2]])
    if op[0] == "maxc":
        return torch.maximum(a, torch.tensor(float(op[2]), dtype=torch.float64))
    if op[0] in helpers["UNARY_OPS"]:
        return helpers["UNARY_OPS"][op[0]](a)
    if op[0] in helpers["BINARY_OPS"]:
        return helpers["BINARY_OPS"][op[0]](a, nodes[op[2]])
    return helpers["CONSTANT_OPS"][op[0]](a, op[2])


def torch_jvp(program, inputs, direction):
    """(values, dots) of every node, by PyTorch's forward-mode AD (torch.func.jvp)."""
    def every_node(x):
        nodes = [x[i] for i in range(len(inputs))]
        for op in program:
            nodes.append(_torch_op(op, nodes))
        return torch.stack(nodes)
    values, dots = torch.func.jvp(every_node, (torch.tensor(inputs, dtype=torch.float64),),
                                  (torch.tensor(direction, dtype=torch.float64),))
    return values.tolist(), dots.tolist()


def _assert_engine_close(got, expected, what):
    rtol, atol = suite._tolerances(expected)
    for part in range(2):
        np.testing.assert_allclose(got[part], expected[part], rtol=rtol, atol=atol, err_msg=what)


def test_reference_engine_matches_torch_on_the_suites_programs():
    helpers = suite._provided()
    for program, inputs in _suite_programs() + [(suite.LECTURE_PROGRAM, [2.0, 3.0])] + suite.REUSED:
        _assert_engine_close(helpers["evaluate_program"](program, inputs), torch_program(program, inputs),
                             helpers["program_text"](program, len(inputs)))


SETTINGS = settings(derandomize=True, database=None, max_examples=80, deadline=None,
                    suppress_health_check=[HealthCheck.function_scoped_fixture])


@SETTINGS
@given(seed=st.integers(0, 2**32 - 1), n_inputs=st.integers(1, 4), n_ops=st.integers(1, 20))
def test_reference_engines_match_torch_on_random_programs(seed, n_inputs, n_ops):
    helpers = suite._provided()
    program, inputs = suite.random_program(seed, n_inputs, n_ops)
    what = helpers["program_text"](program, n_inputs)
    _assert_engine_close(helpers["evaluate_program"](program, inputs), torch_program(program, inputs), what)
    direction = list(np.random.default_rng(seed).normal(size=n_inputs))
    _assert_engine_close(helpers["evaluate_dual_program"](program, inputs, direction),
                         torch_jvp(program, inputs, direction), what)


@SETTINGS
@given(seed=st.integers(0, 2**32 - 1), n_inputs=st.integers(1, 4), n_ops=st.integers(1, 20))
def test_reference_engine_matches_finite_differences_on_random_programs(seed, n_inputs, n_ops):
    # away from kinks by 0.05 and with h = 1e-6, a centered difference never crosses a kink
    helpers = suite._provided()
    program, inputs = suite.random_program(seed, n_inputs, n_ops)
    values, grads = helpers["evaluate_program"](program, inputs)
    h = 1e-6
    for i in range(n_inputs):
        plus, minus = list(inputs), list(inputs)
        plus[i] += h
        minus[i] -= h
        fd = (_program_floats(program, plus)[0][-1] - _program_floats(program, minus)[0][-1]) / (2 * h)
        assert abs(fd - grads[i]) <= 1e-5 * max(1.0, abs(grads[i])), helpers["program_text"](program, n_inputs)


@SETTINGS
@given(seed=st.integers(0, 2**32 - 1), n_inputs=st.integers(1, 4), n_ops=st.integers(1, 20))
def test_engine_alternatives_agree_with_the_reference_within_the_suites_tolerance(seed, n_inputs, n_ops):
    # a correct engine built differently must never fail test_value_random_programs by rounding
    program, inputs = suite.random_program(seed, n_inputs, n_ops)
    expected = suite._provided()["evaluate_program"](program, inputs)
    direction = list(np.random.default_rng(seed).normal(size=n_inputs))
    expected_dual = suite._provided()["evaluate_dual_program"](program, inputs, direction)
    for v in ALTERNATIVES:
        if v.target == "Value":
            got = suite._provided(v.name)["evaluate_program"](program, inputs)
            assert suite.mismatch(got, expected, *suite._tolerances(expected)) is None, v.name
        if v.target == "Dual":
            got = suite._provided(v.name)["evaluate_dual_program"](program, inputs, direction)
            assert suite.mismatch(got, expected_dual, *suite._tolerances(expected_dual)) is None, v.name


def test_max_ties_split_the_gradient_like_torch():
    helpers = suite._provided()
    for program, inputs in [([["max", 0, 1]], [1.5, 1.5]), ([["maxc", 0, 0.5]], [0.5]),
                            ([["relu", 0]], [0.0])]:
        _assert_engine_close(helpers["evaluate_program"](program, inputs), torch_program(program, inputs),
                             str(program))
        _assert_engine_close(helpers["evaluate_dual_program"](program, inputs, [1.0, -3.0][:len(inputs)]),
                             torch_jvp(program, inputs, [1.0, -3.0][:len(inputs)]), str(program))


# ------------------------------------------------------------------------------ layers vs torch

def test_jacobians_match_torch():
    g = np.random.default_rng(0)
    D, M = 4, 3
    x, W, b = g.normal(size=D), g.normal(size=(D, M)), g.normal(size=M)
    J_x, J_W = ref.fc_jacobian(x, W, b)
    tW, tb = torch.tensor(W), torch.tensor(b)
    expected_x = torch.autograd.functional.jacobian(lambda v: v @ tW + tb, torch.tensor(x))
    expected_W = torch.autograd.functional.jacobian(lambda w: torch.tensor(x) @ w.reshape(D, M) + tb,
                                                    tW.reshape(-1))
    np.testing.assert_allclose(J_x, expected_x.numpy(), rtol=1e-12)
    np.testing.assert_allclose(J_W, expected_W.numpy(), rtol=1e-12)
    z = np.array([1.5, -2.0, 0.0, 3.0, -0.1])
    np.testing.assert_array_equal(ref.relu_jacobian(z),
                                  torch.autograd.functional.jacobian(torch.relu, torch.tensor(z)).numpy())


def test_layers_match_torch_autograd():
    g = np.random.default_rng(1)
    x, W, b, dout = g.normal(size=(5, 4)), g.normal(size=(4, 3)), g.normal(size=3), g.normal(size=(5, 3))
    tx, tW, tb = (torch.tensor(a, requires_grad=True) for a in (x, W, b))
    (tx @ tW + tb).backward(torch.tensor(dout))
    out, cache = ref.affine_forward(x, W, b)
    np.testing.assert_allclose(out, x @ W + b)
    for got, t in zip(ref.affine_backward(dout, cache), (tx, tW, tb)):
        np.testing.assert_allclose(got, t.grad.numpy(), rtol=1e-12)
    z, dz = g.normal(size=(4, 5)), g.normal(size=(4, 5))
    z[::2, ::2] = 0.0                       # torch's relu has gradient 0 at 0, as ours
    tz = torch.tensor(z, requires_grad=True)
    torch.relu(tz).backward(torch.tensor(dz))
    out, cache = ref.relu_forward(z)
    np.testing.assert_array_equal(out, torch.relu(torch.tensor(z)).numpy())
    np.testing.assert_allclose(ref.relu_backward(dz, cache), tz.grad.numpy())


@pytest.mark.parametrize("shift", [0.0, 1000.0, -1000.0])
def test_softmax_cross_entropy_matches_torch(shift):
    scores, y = suite._scores_case(5, 6, 4)
    scores = scores + shift
    ts = torch.tensor(scores, requires_grad=True)
    loss = F.cross_entropy(ts, torch.tensor(y))
    loss.backward()
    got_loss, got_d = ref.softmax_cross_entropy(scores, y)
    assert isinstance(got_loss, float)
    np.testing.assert_allclose(got_loss, loss.item(), rtol=1e-12)
    np.testing.assert_allclose(got_d, ts.grad.numpy(), rtol=1e-10, atol=1e-15)


@pytest.mark.parametrize("seed,shape,reg", suite.NET_CASES + [(104, (5, 4, 6, 3), 0.3)])
def test_two_layer_net_matches_torch(seed, shape, reg):
    X, y, params = suite._net_case(seed, *shape)
    assert np.min(np.abs(X @ params["W1"] + params["b1"])) >= 0.05   # away from the ReLU's kink
    t = {k: torch.tensor(v, requires_grad=True) for k, v in params.items()}
    scores = torch.relu(torch.tensor(X) @ t["W1"] + t["b1"]) @ t["W2"] + t["b2"]
    loss = F.cross_entropy(scores, torch.tensor(y)) + reg / 2 * ((t["W1"] ** 2).sum() + (t["W2"] ** 2).sum())
    loss.backward()
    got_loss, grads = ref.two_layer_net_loss(X, y, params, reg)
    assert isinstance(got_loss, float)
    np.testing.assert_allclose(got_loss, loss.item(), rtol=1e-12)
    for k in params:
        np.testing.assert_allclose(grads[k], t[k].grad.numpy(), rtol=1e-10, atol=1e-14)


@pytest.mark.parametrize("scale", [1.0, 2000.0])
def test_logistic_regression_matches_torch(scale):
    w, X, y = suite._logreg_case(113, 6, 3, scale=scale)
    y = (X @ w < 0).astype(np.int64)
    y[::2] = 1 - y[::2]
    lam = 0.5
    tw = torch.tensor(w, requires_grad=True)
    z = torch.tensor(X) @ tw
    sign = torch.tensor(2.0 * y - 1.0)
    loss = 0.5 * (tw * tw).sum() - lam * F.logsigmoid(sign * z).sum()
    loss.backward()
    got_loss, grad = ref.logistic_regression_loss(w, X, y, lam)
    assert isinstance(got_loss, float) and math.isfinite(got_loss)
    np.testing.assert_allclose(got_loss, loss.item(), rtol=1e-12)
    np.testing.assert_allclose(grad, tw.grad.numpy(), rtol=1e-10, atol=1e-12)


def test_large_margin_case_reaches_the_documented_range():
    # the docstring promises a finite loss for |x . w| in the thousands: the suite's case has
    # examples on the wrong side beyond 710, where np.exp (and so log(1 + exp(.))) overflows
    w, X, y = suite._logreg_case(113, 6, 3, scale=2000.0)
    y = (X @ w < 0).astype(np.int64)
    y[::2] = 1 - y[::2]
    wrong_side = -(2.0 * y - 1.0) * (X @ w)
    assert np.max(np.abs(X @ w)) > 1000 and np.max(wrong_side) > 1000


# ------------------------------------------------------------------------------ check_gradient

def _errors(case, x, h):
    """Every entry's relative error, as check_gradient defines it (computed here independently)."""
    f, grad = suite._provided()["GRADIENT_CHECK_CASES"][case]
    a = grad(x.copy())
    numeric = np.zeros_like(x)
    for i in np.ndindex(x.shape):
        plus, minus = x.copy(), x.copy()
        plus[i] += h
        minus[i] -= h
        numeric[i] = (f(plus) - f(minus)) / (2 * h)
    return np.abs(a - numeric) / np.maximum(np.abs(a) + np.abs(numeric), 1e-8)


@pytest.mark.parametrize("case,point", [
    ("swish_x", suite._swish_point),
    ("big_scale_one_wrong_entry", lambda: np.round(suite._inputs(51).uniform(0.5, 2.0, size=(3, 4)), 3))])
def test_planted_errors_have_a_unique_worst_entry(case, point):
    # the suite compares the worst index exactly: the largest error must stand well clear of the
    # next, so that no correct checker can pick another entry by rounding
    x = point()
    errors = _errors(case, x, 1e-5)
    top = np.sort(errors.ravel())[::-1]
    assert (top[0] - top[1]) / top[0] > 0.5
    assert ref.check_gradient(suite._provided()["GRADIENT_CHECK_CASES"][case][0], x.copy(),
                              suite._provided()["GRADIENT_CHECK_CASES"][case][1](x.copy()), 1e-5)[1] == \
        tuple(int(i) for i in np.unravel_index(np.argmax(errors), x.shape))


def test_check_gradient_reference_uses_centered_differences():
    # for exp(2x) every entry's centered-difference error is (r - 1) / (r + 1), r = sinh(2h) / (2h)
    x = np.round(suite._inputs(52).uniform(-1.0, 1.0, size=(2, 3)), 3)
    for h in (1e-3, 1e-2):
        r = math.sinh(2 * h) / (2 * h)
        err, _ = suite._provided()["run_check"]("exp_2x", x, h)
        assert err == pytest.approx((r - 1) / (r + 1), rel=1e-5)


def test_check_gradient_reference_restores_x_and_handles_zero_gradients():
    x = np.round(suite._inputs(54).uniform(-2, 2, size=(4, 3)), 3)
    before = x.copy()
    f, grad = suite._provided()["GRADIENT_CHECK_CASES"]["ignores_first_column"]
    err, worst = ref.check_gradient(f, x, grad(x.copy()))
    assert np.array_equal(x, before) and 0.0 <= err < 1e-8 and len(worst) == 2


def test_reference_has_no_call_between_graded_functions():
    tree = ast.parse((REPO / "solutions" / "backprop.py").read_text())
    graded = set(points("backprop"))
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.ClassDef)):
            called = {n.id for n in ast.walk(node) if isinstance(n, ast.Name)} - {node.name}
            assert not called & graded, f"{node.name} uses {called & graded}"
