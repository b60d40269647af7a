"""Hidden tests of the backprop assignment (run in the grader's process; see grading.py).

An item earns its POINTS (equal to the notebook's grade cells test_<item>) when all its tests pass.
Nothing in this assignment is random: every function is compared with the reference on fixed
inputs, and every gradient is also checked against centered finite differences of the student's
own forward computation, along random directions and away from kinks.

Functions and objects cannot cross the call interface, so two items are reached through helpers
that the notebook provides in locked cells (their source is PROGRAM_HELPERS and
GRADIENT_CHECK_HELPERS below, and the project's tests check that the notebook holds exactly this
text):
- the Value and Dual classes, through `evaluate_program(program, inputs, backward_calls)` and
  `evaluate_dual_program(program, inputs, direction)`: a program is plain data (a list of
  operations), built into a graph with the student's class in the sandbox. Here the same helper
  source runs with the reference classes (or a known mutant's, to name a mistake), never with the
  student's.
- check_gradient, through `run_check(case, x, h)`: the functions it is tried on are chosen by name
  among those the notebook defines.
"""
import functools
import math

import numpy as np

from autograder.grading import (describe, diagnose, expect_reference, fail, graded,
                                mismatch)
from autograder.suites.backprop.variants import V
from solutions import backprop as ref

POINTS = {"fc_jacobian": 2, "relu_jacobian": 1, "Value": 5, "Dual": 2, "check_gradient": 2,
          "affine_forward": 1, "affine_backward": 2, "relu_forward": 1, "relu_backward": 1,
          "softmax_cross_entropy": 2, "two_layer_net_loss": 3, "logistic_regression_loss": 2}

# The notebook's locked cell `provided_programs`, verbatim.
PROGRAM_HELPERS = '''\
# Programs: computation graphs written as plain data, so that the checks (and the hidden tests,
# which cannot send a function or an object to your notebook) can build a graph with your Value or
# Dual class. A program is a list of operations on numbered nodes: the inputs are x0, x1, ..., and
# each operation makes the next node. With two inputs, [["mul", 0, 1], ["sin", 1], ["add", 2, 3]]
# makes x2 = x0 * x1, x3 = sin(x1), x4 = x2 + x3. An operation whose name ends in "c" takes a
# number instead of a second node (["pow", 2, 3] is x2 ** 3, ["addc", 2, 1.5] is x2 + 1.5), and
# one whose name starts with "r" puts that number on the left (["rsub", 2, 1.5] is 1.5 - x2).
UNARY_OPS = {"neg": lambda a: -a, "exp": lambda a: a.exp(), "log": lambda a: a.log(),
             "sin": lambda a: a.sin(), "tanh": lambda a: a.tanh(), "relu": lambda a: a.relu()}
BINARY_OPS = {"add": lambda a, b: a + b, "sub": lambda a, b: a - b, "mul": lambda a, b: a * b,
              "div": lambda a, b: a / b, "max": lambda a, b: a.max(b)}
CONSTANT_OPS = {"addc": lambda a, c: a + c, "radd": lambda a, c: c + a,
                "subc": lambda a, c: a - c, "rsub": lambda a, c: c - a,
                "mulc": lambda a, c: a * c, "rmul": lambda a, c: c * a,
                "divc": lambda a, c: a / c, "rdiv": lambda a, c: c / a,
                "pow": lambda a, c: a ** c, "maxc": lambda a, c: a.max(c)}
SYMBOLS = {"add": "+", "sub": "-", "mul": "*", "div": "/", "pow": "**"}


def run_program(program, inputs):
    """Apply the operations of `program` to `inputs`, a list of nodes (Value or Dual objects).
    Returns the list of all the nodes: the inputs, then one new node per operation."""
    nodes = list(inputs)
    for op in program:
        a = nodes[op[1]]
        if op[0] in UNARY_OPS:
            nodes.append(UNARY_OPS[op[0]](a))
        elif op[0] in BINARY_OPS:
            nodes.append(BINARY_OPS[op[0]](a, nodes[op[2]]))
        else:
            nodes.append(CONSTANT_OPS[op[0]](a, op[2]))
    return nodes


def evaluate_program(program, inputs, backward_calls=1):
    """Build the graph of `program` with your Value class on the numbers `inputs`, call backward()
    on its last node `backward_calls` times, and return (data, grad): two lists with one number
    per node, the inputs first."""
    nodes = run_program(program, [Value(x) for x in inputs])
    for _ in range(backward_calls):
        nodes[-1].backward()
    return [float(v.data) for v in nodes], [float(v.grad) for v in nodes]


def evaluate_dual_program(program, inputs, direction):
    """Run `program` with your Dual class, input i carrying dot = direction[i]. Returns
    (val, dot): two lists with one number per node, the inputs first."""
    nodes = run_program(program, [Dual(x, d) for x, d in zip(inputs, direction)])
    return [float(v.val) for v in nodes], [float(v.dot) for v in nodes]


def program_text(program, n_inputs):
    """A program in words, e.g. 'x2 = x0 * x1; x3 = sin(x1); x4 = x2 + x3'."""
    lines = []
    for k, op in enumerate(program):
        name, a = op[0], f"x{op[1]}"
        if name == "neg":
            rhs = f"-{a}"
        elif name in UNARY_OPS:
            rhs = f"{name}({a})"
        elif name == "max":
            rhs = f"max({a}, x{op[2]})"
        elif name == "maxc":
            rhs = f"max({a}, {op[2]})"
        elif name in BINARY_OPS:
            rhs = f"{a} {SYMBOLS[name]} x{op[2]}"
        elif name.startswith("r"):
            rhs = f"{op[2]} {SYMBOLS[name[1:4]]} {a}"
        else:
            rhs = f"{a} {SYMBOLS[name[:3]]} {op[2]}"
        lines.append(f"x{n_inputs + k} = {rhs}")
    return "; ".join(lines)
'''

# The notebook's locked cell `provided_gradient_checks`, verbatim.
GRADIENT_CHECK_HELPERS = '''\
# A layer with a bug planted in its backward pass: Swish with a learnable slope per feature,
# y = x * sigmoid(beta * x) (Ramachandran et al., 2017). One of its two gradients is wrong.
def swish_forward(x, beta):
    """x: (N, D) inputs, beta: (D,) slopes. Returns y = x * sigmoid(beta * x), of shape (N, D)."""
    return x / (1.0 + np.exp(-beta * x))


def swish_backward(dout, x, beta):
    """Given dout = dL/dy of shape (N, D), returns (dx, dbeta) of shapes (N, D) and (D,)."""
    s = 1.0 / (1.0 + np.exp(-beta * x))
    dx = dout * (s + x * s * (1.0 - s))
    dbeta = np.sum(dout * x * x * s * (1.0 - s), axis=0)
    return dx, dbeta


SWISH_X = 2.0 * np.sin(1.3 * np.arange(20.0).reshape(5, 4) + 0.4)   # a batch of 5 inputs
SWISH_BETA = np.array([0.5, 1.0, 2.0, -1.5])                          # one slope per feature
SWISH_DOUT = np.cos(0.7 * np.arange(20.0).reshape(5, 4))              # a fixed upstream gradient

# Functions to try a gradient checker on: name -> (f, gradient of f). Each takes one float64
# array. To check a layer's backward pass, the trick is to turn its output into a number with a
# fixed upstream gradient: f(x) = sum(layer(x) * dout) has gradient backward(dout).
GRADIENT_CHECK_CASES = {
    "x2_sin_x": (lambda x: np.sum(x ** 2 * np.sin(x)),
                 lambda x: 2 * x * np.sin(x) + x ** 2 * np.cos(x)),
    "exp_2x": (lambda x: np.sum(np.exp(2 * x)),
               lambda x: 2 * np.exp(2 * x)),
    "ignores_first_column": (lambda x: np.sum(x[:, 1:] ** 2),
                             lambda x: np.concatenate([0 * x[:, :1], 2 * x[:, 1:]], axis=1)),
    "big_scale_one_wrong_entry": (lambda x: 5e3 * np.sum(x ** 2),
                                  lambda x: 1e4 * x + (np.arange(x.size).reshape(x.shape) == 5)),
    "swish_x": (lambda x: np.sum(swish_forward(x, SWISH_BETA) * SWISH_DOUT),
                lambda x: swish_backward(SWISH_DOUT, x, SWISH_BETA)[0]),
    "swish_beta": (lambda beta: np.sum(swish_forward(SWISH_X, beta) * SWISH_DOUT),
                   lambda beta: swish_backward(SWISH_DOUT, SWISH_X, beta)[1]),
}


def run_check(case, x, h=1e-5):
    """Run your check_gradient on GRADIENT_CHECK_CASES[case] at the point x (a float64 array)."""
    f, grad = GRADIENT_CHECK_CASES[case]
    x = np.asarray(x, dtype=np.float64)   # no copy: check_gradient must leave x as it was
    return check_gradient(f, x, grad(x.copy()), h)
'''


def _inputs(seed):
    """A Generator for deterministic test inputs (made here; the values are sent as data)."""
    return np.random.default_rng(1000 + seed)


# ------------------------------------------------------------------------------ grader-side helpers

@functools.lru_cache(maxsize=None)
def _provided(variant=None):
    """The notebook's provided helpers, run HERE with the reference's classes and functions, or
    with one known variant's (by name) to recognise a mistake. Never with the student's code."""
    namespace = {"np": np, "Value": ref.Value, "Dual": ref.Dual, "check_gradient": ref.check_gradient}
    if variant is not None:
        v = next(v for v in V.all if v.name == variant)
        exec(compile(v.source(), f"<variant {variant}>", "exec"), namespace)
    exec(compile(PROGRAM_HELPERS, "<provided_programs>", "exec"), namespace)
    exec(compile(GRADIENT_CHECK_HELPERS, "<provided_gradient_checks>", "exec"), namespace)
    return namespace


def _diagnose_provided(got, target, helper, args, rtol, atol):
    """The hint of the first known mutant of `target` whose result of helper(*args), run here,
    equals `got`."""
    for m in V.mutants_of(target):
        try:
            with np.errstate(all="ignore"):
                theirs = _provided(m.name)[helper](*args)
        except Exception:
            continue
        if mismatch(got, theirs, rtol, atol) is None:
            return m.hint
    return None


def _text(program, inputs):
    return _provided()["program_text"](program, len(inputs))


def _numbers(values):
    return ", ".join(f"x{i} = {v:g}" for i, v in enumerate(values))


# ------------------------------------------------------------------------------ random programs

# (name, kind): kind 1 = one node, 2 = two nodes, "c" = a node and a constant
OPS = {"neg": 1, "exp": 1, "log": 1, "sin": 1, "tanh": 1, "relu": 1,
       "add": 2, "sub": 2, "mul": 2, "div": 2, "max": 2,
       "addc": "c", "radd": "c", "subc": "c", "rsub": "c", "mulc": "c", "rmul": "c",
       "divc": "c", "rdiv": "c", "pow": "c", "maxc": "c"}
CONSTANTS = {"addc": (-2.5, -1.0, 0.5, 1.5, 3.0), "radd": (-2.5, -1.0, 0.5, 1.5, 3.0),
             "subc": (-2.5, -1.0, 0.5, 1.5, 3.0), "rsub": (-2.5, -1.0, 0.5, 1.5, 3.0),
             "mulc": (-2.0, -0.5, 0.5, 1.5, 3.0), "rmul": (-2.0, -0.5, 0.5, 1.5, 3.0),
             "divc": (-2.0, 0.5, 4.0), "rdiv": (-1.5, 1.0, 2.0),
             "pow": (2, 3, -1, -2, 0.5, 1.5), "maxc": (-0.5, 0.0, 1.0)}
FLOAT_OPS = {"neg": lambda a: -a, "exp": math.exp, "log": math.log, "sin": math.sin,
             "tanh": math.tanh, "relu": lambda a: max(a, 0.0),
             "add": lambda a, b: a + b, "sub": lambda a, b: a - b, "mul": lambda a, b: a * b,
             "div": lambda a, b: a / b, "max": max,
             "addc": lambda a, c: a + c, "radd": lambda a, c: c + a, "subc": lambda a, c: a - c,
             "rsub": lambda a, c: c - a, "mulc": lambda a, c: a * c, "rmul": lambda a, c: c * a,
             "divc": lambda a, c: a / c, "rdiv": lambda a, c: c / a, "pow": lambda a, c: a ** c,
             "maxc": max}
KINK_MARGIN = 0.05   # relu and max inputs stay this far from their kinks
MAX_MAGNITUDE = 30.0  # every node's value stays within +-30


def _allowed(name, a, b):
    """Whether an operation is well away from where it is undefined or has a kink."""
    if name == "log":
        return a > 0.2
    if name == "exp":
        return a < 2.5
    if name == "div":
        return abs(b) > 0.3
    if name == "rdiv":
        return abs(a) > 0.3
    if name == "pow":
        return (a > 0.2) if not float(b).is_integer() else (b > 0 or abs(a) > 0.3)
    if name == "relu":
        return abs(a) > KINK_MARGIN
    if name in ("max", "maxc"):
        return abs(a - b) > KINK_MARGIN
    return True


def random_program(seed, n_inputs, n_ops, ops=tuple(OPS)):
    """A random program (and its inputs) whose every operation is defined, smooth and well away
    from kinks at those inputs, with every node on a path to the output (the last node).

    Deterministic: the same seed always gives the same program."""
    g = np.random.default_rng(seed)
    inputs = [float(v) + 0.0 for v in np.round(g.uniform(-2.0, 2.0, n_inputs), 2)]
    values, unused, program = list(inputs), set(range(n_inputs)), []

    def pick():
        if unused and g.random() < 0.6:
            return int(g.choice(sorted(unused)))
        return int(g.integers(len(values)))

    while len(program) < n_ops:
        name = str(g.choice(ops))
        a = pick()
        kind = OPS[name]
        if kind == 1:
            op, b = [name, a], None
        elif kind == 2:
            b_index = pick()
            op, b = [name, a, b_index], values[b_index]
        else:
            choices = CONSTANTS[name]
            b = choices[int(g.integers(len(choices)))]
            op = [name, a, b]
        if not _allowed(name, values[a], b):
            continue
        result = FLOAT_OPS[name](values[a]) if kind == 1 else FLOAT_OPS[name](values[a], b)
        if not abs(result) <= MAX_MAGNITUDE:
            continue
        program.append(op)
        values.append(result)
        unused.discard(a)
        if kind == 2:
            unused.discard(op[2])
        unused.add(len(values) - 1)
    for k in sorted(unused - {len(values) - 1}):  # fold the loose ends into the output
        program.append(["add", len(values) - 1, k])
        values.append(values[-1] + values[k])
    return program, inputs


# ------------------------------------------------------------------------------ fc_jacobian

@graded("fc_jacobian")
def test_fc_jacobian(student):
    for seed, D, M in [(1, 4, 3), (2, 2, 5), (3, 3, 3)]:
        g = _inputs(seed)
        x, W, b = g.normal(size=D), g.normal(size=(D, M)), g.normal(size=M)
        expect_reference(student, "fc_jacobian", ref.fc_jacobian, x, W, b,
                         mutants=V.mutants_of("fc_jacobian"),
                         what=f"(J_x, J_W) = fc_jacobian(x of shape ({D},), W of shape ({D}, {M}), "
                              f"b of shape ({M},))")


# ------------------------------------------------------------------------------ relu_jacobian

@graded("relu_jacobian")
def test_relu_jacobian(student):
    for seed, D in [(4, 5), (5, 8), (6, 1)]:
        x = _inputs(seed).normal(size=D)
        x[::3] = 0.0  # exact zeros: relu's derivative there is 0
        expect_reference(student, "relu_jacobian", ref.relu_jacobian, x,
                         mutants=V.mutants_of("relu_jacobian"),
                         special={"on the diagonal where x is exactly 0": np.diag(x == 0)},
                         what=f"relu_jacobian(x = {np.round(x, 3).tolist()})")


# ------------------------------------------------------------------------------ Value

def _tolerances(expected):
    scale = max([1.0] + [abs(v) for part in expected for v in part])
    return 1e-7, 1e-10 * scale


def _check_shape(got, n, setting, call):
    if not (isinstance(got, (list, tuple)) and len(got) == 2
            and all(isinstance(part, (list, tuple)) and len(part) == n for part in got)):
        fail(f"{setting}: {call} should return two lists of {n} numbers (one per node), but "
             f"returned {describe(got)}" + (f" of {len(got)} items" if isinstance(got, (list, tuple)) else "")
             + ". Did one of your operations return something other than a Value?")


def _users(program, n_inputs, node):
    return [f"x{n_inputs + k}" for k, op in enumerate(program)
            if op[1] == node or (OPS[op[0]] == 2 and op[2] == node)]


def _zeros_unsigned(result):
    """(values, grads) with -0.0 written as 0.0, so that messages never show '-0'."""
    return tuple([v + 0.0 for v in part] for part in result)


def _well_formed(got, n):
    return (isinstance(got, (list, tuple)) and len(got) == 2
            and all(isinstance(part, (list, tuple)) and len(part) == n
                    and all(type(v) is float for v in part) for part in got))


def _expect_program(student, program, inputs, backward_calls=1, hint=None, got=None):
    """evaluate_program in the sandbox (the student's Value; `got` if already called) against the
    same helper run here with the reference Value; on a mismatch, names the first wrong node.
    `hint` is used when no known mutant gives the student's answer."""
    n = len(inputs) + len(program)
    setting = f"For the program {_text(program, inputs)}, with {_numbers(inputs)}"
    if backward_calls > 1:
        setting += f", after calling backward() {backward_calls} times on the output x{n - 1}"
    if got is None:
        got = student.call("evaluate_program", program, inputs, backward_calls)
    _check_shape(got, n, setting, "evaluate_program")
    expected = _zeros_unsigned(_provided()["evaluate_program"](program, inputs, backward_calls))
    rtol, atol = _tolerances(expected)
    wrong = {(part, k): why for part, name in ((0, "data"), (1, "grad")) for k in range(n)
             if (why := mismatch(got[part][k], expected[part][k], rtol, atol, f"x{k}.{name}"))}
    if not wrong:
        return got
    found = _diagnose_provided(got, "Value", "evaluate_program",
                               (program, inputs, backward_calls), rtol, atol) or hint
    values = sorted(k for part, k in wrong if part == 0)
    if values:  # the forward pass: the first wrong node is where it went wrong
        fail(f"{setting}: {wrong[(0, values[0])]}.", found)
    k = max(k for part, k in wrong)  # the backward pass: the last wrong node's users are suspect
    if k == n - 1:
        fail(f"{setting}: the output's own grad should be d x{k} / d x{k} = 1: "
             f"{wrong[(1, k)]}.", found)
    users = _users(program, len(inputs), k)
    fail(f"{setting}: x{k}.grad, the gradient of the output x{n - 1} with respect to x{k}, is "
         f"wrong ({wrong[(1, k)].split(' is wrong: ')[-1]}). x{k} is used by {', '.join(users)}: "
         + ("look at the backward pass of that operation." if len(users) == 1 else
            "look at the backward passes of those operations, and at how the gradients from "
            "several uses of one node are combined."), found)


LECTURE_PROGRAM = [["mul", 0, 1], ["sin", 1], ["add", 2, 3]]   # f(x0, x1) = x0 * x1 + sin(x1)


@graded("Value")
def test_value_lecture_example(student):
    for inputs in ([2.0, 3.0], [-1.5, 0.5]):
        _expect_program(student, LECTURE_PROGRAM, inputs)


@graded("Value")
def test_value_add_sub_neg(student):
    _expect_program(student, [["add", 0, 1], ["sub", 2, 0], ["neg", 3]], [1.5, -0.7])
    _expect_program(student, [["addc", 0, 2.5], ["radd", 1, -1.0], ["subc", 2, 0.5],
                              ["rsub", 3, 3.0]], [0.8])


@graded("Value")
def test_value_mul_div(student):
    _expect_program(student, [["mul", 0, 1], ["mulc", 2, -2.0], ["rmul", 3, 0.5]], [1.25, -0.6])
    _expect_program(student, [["div", 0, 1]], [1.8, -0.75])
    _expect_program(student, [["divc", 0, 4.0], ["rdiv", 1, 2.0], ["div", 2, 0]], [-1.4])


@graded("Value")
def test_value_pow(student):
    _expect_program(student, [["pow", 0, 3], ["pow", 0, -2], ["add", 1, 2]], [-1.3])
    _expect_program(student, [["pow", 0, 0.5], ["pow", 0, 1.5], ["mul", 1, 2]], [2.3])


@graded("Value")
def test_value_exp_log(student):
    _expect_program(student, [["exp", 0], ["log", 1], ["mul", 2, 3]], [0.7, 1.9])
    _expect_program(student, [["mul", 0, 0], ["exp", 1], ["log", 2]], [-1.1])


@graded("Value")
def test_value_sin_tanh(student):
    _expect_program(student, [["sin", 0], ["tanh", 1], ["mul", 2, 3]], [2.2, -0.9])
    _expect_program(student, [["tanh", 0], ["sin", 1]], [1.7])


@graded("Value")
def test_value_relu(student):
    _expect_program(student, [["relu", 0], ["relu", 1], ["mul", 2, 3], ["add", 4, 1]], [1.3, -0.8])
    # exactly at the kink: relu's derivative at 0 is taken as 0 (the docstring's convention)
    _expect_program(student, [["relu", 0], ["addc", 1, 1.0], ["add", 2, 0]], [0.0])


@graded("Value")
def test_value_max(student):
    _expect_program(student, [["max", 0, 1], ["mul", 2, 0]], [0.4, -1.2])
    _expect_program(student, [["max", 0, 1], ["maxc", 2, 1.0], ["mul", 3, 1]], [-2.0, 1.6])
    # ties (kinks of max): the docstring splits the gradient equally between the two operands
    _expect_program(student, [["max", 0, 1], ["mul", 2, 0]], [0.7, 0.7])
    _expect_program(student, [["maxc", 0, 1.0], ["mul", 1, 0]], [1.0])


@graded("Value")
def test_value_node_used_twice(student):
    for program, inputs in [([["add", 0, 0]], [1.5]), ([["mul", 0, 0]], [-1.5]),
                            ([["div", 0, 0]], [0.8]), ([["add", 0, 0], ["mul", 1, 1]], [0.6])]:
        a = inputs[0]
        # with grads overwritten, a's grad is what its last use alone gives: 1, a, -1/a
        overwritten = {"add": 1.0, "mul": a, "div": -1.0 / a}.get(program[0][0]) if len(program) == 1 else None
        got = student.call("evaluate_program", program, inputs, 1)
        hint = None
        if _well_formed(got, 1 + len(program)) and overwritten is not None \
                and mismatch(got[1][0], overwritten) is None:
            hint = V.hint("value_overwrites_grad")
        _expect_program(student, program, inputs, hint=hint, got=got)


REUSED = [([["mul", 0, 1], ["sin", 2], ["mul", 2, 3]], [0.7, 1.3]),       # x4 = x2 * sin(x2)
          ([["mul", 0, 1], ["sin", 2], ["mul", 3, 2]], [0.7, 1.3]),       # the same, other order
          ([["tanh", 0], ["mul", 1, 0], ["add", 1, 2], ["exp", 3]], [0.9]),
          ([["mul", 0, 0], ["exp", 1], ["mul", 1, 2], ["add", 3, 1], ["sin", 4]], [0.6])]


@graded("Value")
def test_value_reused_intermediate(student):
    # an intermediate node that feeds several later nodes: its gradient is complete only after
    # all of them have passed theirs back, which is what the topological order guarantees
    for program, inputs in REUSED:
        _expect_program(student, program, inputs, hint=V.hint("value_no_topological_order"))


@graded("Value")
def test_value_backward_twice(student):
    for program, inputs, repeats in [(*REUSED[0], (2, 3)), (*REUSED[2], (2,))]:
        n = len(inputs) + len(program)
        once = student.call("evaluate_program", program, inputs, 1)
        for calls in repeats:
            got = student.call("evaluate_program", program, inputs, calls)
            if (_well_formed(once, n) and _well_formed(got, n) and mismatch(got, once) is not None
                    and mismatch(list(got[1][:-1]), [calls * v for v in once[1][:-1]]) is None):
                fail(f"For the program {_text(program, inputs)}, with {_numbers(inputs)}: after "
                     f"calling backward() {calls} times on the output x{n - 1}, the grads are "
                     f"{calls} times those after one call.", V.hint("value_backward_accumulates"))
            _expect_program(student, program, inputs, calls, got=got)


RANDOM_PROGRAM_SEEDS = range(12)


def _random_case(seed):
    return random_program(500 + seed, n_inputs=2 + seed % 3, n_ops=5 + seed % 9)


@graded("Value")
def test_value_random_programs(student):
    for seed in RANDOM_PROGRAM_SEEDS:
        program, inputs = _random_case(seed)
        _expect_program(student, program, inputs)


FD_STEP = 1e-5


def _directional_fd_failure(fd, analytic, scale):
    """Whether a centered difference and the analytic directional derivative disagree. With
    h = 1e-5, in float64, both agree to ~1e-9 of `scale` (the sum of |gradient entry| * |direction
    entry|): the truncation error is ~h**2 and the rounding error ~1e-16 / h."""
    return not abs(fd - analytic) <= 1e-6 * scale + 1e-8


@graded("Value")
def test_value_gradients_match_finite_differences(student):
    # The engine's gradients against centered differences of its OWN forward values, along a
    # random direction v: (f(x + h v) - f(x - h v)) / (2 h) ~ sum_i df/dx_i v_i.
    for seed in (20, 21):
        program, inputs = random_program(600 + seed, n_inputs=3, n_ops=8)
        n = len(inputs) + len(program)
        setting = f"For the program {_text(program, inputs)}, with {_numbers(inputs)}"
        got = student.call("evaluate_program", program, inputs, 1)
        _check_shape(got, n, setting, "evaluate_program")
        v = _inputs(seed).normal(size=len(inputs))
        ends = []
        for sign in (1, -1):
            moved = [x + sign * FD_STEP * d for x, d in zip(inputs, v)]
            out = student.call("evaluate_program", program, moved, 1)
            _check_shape(out, n, setting, "evaluate_program")
            ends.append(out[0][-1])
        if not all(isinstance(e, float) and math.isfinite(e) for e in ends + list(got[1][:len(inputs)])):
            fail(f"{setting}: the output or the input gradients are not finite numbers.")
        fd = (ends[0] - ends[1]) / (2 * FD_STEP)
        analytic = sum(g * d for g, d in zip(got[1][:len(inputs)], v))
        scale = sum(abs(g * d) for g, d in zip(got[1][:len(inputs)], v))
        if _directional_fd_failure(fd, analytic, scale):
            expected = _provided()["evaluate_program"](program, inputs, 1)
            fail(f"{setting}: your gradients do not match your own forward values. Along the "
                 f"direction v = {np.round(v, 3).tolist()}, the centered difference "
                 f"(f(x + h v) - f(x - h v)) / (2h) with h = {FD_STEP:g} is {fd:.8g}, but "
                 f"sum_i x_i.grad * v_i is {analytic:.8g}.",
                 _diagnose_provided(got, "Value", "evaluate_program", (program, inputs, 1),
                                    *_tolerances(expected)))


# ------------------------------------------------------------------------------ Dual

def _expect_dual(student, program, inputs, direction):
    n = len(inputs) + len(program)
    setting = (f"For the program {_text(program, inputs)}, with {_numbers(inputs)} and the inputs' "
               f"dots {[float(d) for d in direction]}")
    got = student.call("evaluate_dual_program", program, inputs, direction)
    _check_shape(got, n, setting, "evaluate_dual_program")
    expected = _zeros_unsigned(_provided()["evaluate_dual_program"](program, inputs, direction))
    rtol, atol = _tolerances(expected)
    for part, name in ((0, "val"), (1, "dot")):
        for k in range(n):
            why = mismatch(got[part][k], expected[part][k], rtol, atol, "x")
            if why:
                fail(f"{setting}: the {name} of x{k} is wrong: {why.replace('x is wrong: ', '')}.",
                     _diagnose_provided(got, "Dual", "evaluate_dual_program",
                                        (program, inputs, direction), rtol, atol))
    return got


@graded("Dual")
def test_dual_lecture_example(student):
    # seeding one input with dot 1 gives one partial derivative per forward pass
    for direction in ([1.0, 0.0], [0.0, 1.0], [0.5, -2.0]):
        _expect_dual(student, LECTURE_PROGRAM, [2.0, 3.0], direction)


@graded("Dual")
def test_dual_arithmetic(student):
    _expect_dual(student, [["add", 0, 1], ["sub", 2, 0], ["neg", 3], ["rsub", 4, 2.0],
                           ["addc", 5, -1.0], ["radd", 6, 0.5], ["subc", 7, 1.5]], [1.5, -0.7], [0.3, -1.2])
    _expect_dual(student, [["mul", 0, 1], ["mulc", 2, -2.0], ["rmul", 3, 0.5]], [1.25, -0.6], [0.7, 1.1])
    _expect_dual(student, [["div", 0, 1], ["divc", 2, 4.0], ["rdiv", 3, 2.0]], [1.8, -0.75], [-0.4, 0.9])


@graded("Dual")
def test_dual_functions(student):
    _expect_dual(student, [["mul", 0, 1], ["sin", 2], ["exp", 2], ["log", 4], ["tanh", 3],
                           ["add", 5, 6]], [0.8, 1.1], [0.6, -1.3])
    _expect_dual(student, [["pow", 0, 3], ["pow", 0, 0.5], ["mul", 1, 2]], [1.7], [-0.8])
    _expect_dual(student, [["relu", 0], ["relu", 1], ["max", 2, 3], ["maxc", 1, 1.0],
                           ["mul", 4, 5]], [1.3, -0.8], [1.4, 0.7])


@graded("Dual")
def test_dual_kinks(student):
    # exactly at the kinks: relu's dot at 0 is 0, and at a tie of max the two dots are averaged
    _expect_dual(student, [["relu", 0], ["mul", 1, 0]], [0.0], [1.5])
    _expect_dual(student, [["max", 0, 1], ["mul", 2, 0]], [0.7, 0.7], [1.0, -0.4])
    _expect_dual(student, [["maxc", 0, 1.0]], [1.0], [2.0])


@graded("Dual")
def test_dual_random_programs(student):
    for seed in range(6):
        program, inputs = random_program(700 + seed, n_inputs=2 + seed % 3, n_ops=5 + seed % 7)
        direction = [float(d) for d in np.round(_inputs(30 + seed).normal(size=len(inputs)), 2)]
        _expect_dual(student, program, inputs, direction)


@graded("Dual")
def test_dual_matches_finite_differences(student):
    for seed in (40, 41):
        program, inputs = random_program(800 + seed, n_inputs=3, n_ops=8)
        direction = [float(d) for d in _inputs(seed).normal(size=3)]
        n = len(inputs) + len(program)
        setting = f"For the program {_text(program, inputs)}, with {_numbers(inputs)}"
        got = student.call("evaluate_dual_program", program, inputs, direction)
        _check_shape(got, n, setting, "evaluate_dual_program")
        ends = []
        for sign in (1, -1):
            moved = [x + sign * FD_STEP * d for x, d in zip(inputs, direction)]
            out = student.call("evaluate_dual_program", program, moved, [0.0] * 3)
            _check_shape(out, n, setting, "evaluate_dual_program")
            ends.append(out[0][-1])
        fd = (ends[0] - ends[1]) / (2 * FD_STEP)
        dot = got[1][-1]
        expected = _provided()["evaluate_dual_program"](program, inputs, direction)
        scale = sum(abs(g * d) for g, d in zip(_provided()["evaluate_program"](program, inputs)[1], direction))
        if not (isinstance(dot, float) and math.isfinite(dot)) or _directional_fd_failure(fd, dot, scale):
            fail(f"{setting} and the inputs' dots v = {np.round(direction, 3).tolist()}: the "
                 f"output's dot should be the derivative along v, which the centered difference "
                 f"(f(x + h v) - f(x - h v)) / (2h) with h = {FD_STEP:g} puts at {fd:.8g}; your "
                 f"Dual gave {dot!r}.",
                 _diagnose_provided(got, "Dual", "evaluate_dual_program", (program, inputs, direction),
                                    *_tolerances(expected)))


# ------------------------------------------------------------------------------ check_gradient
# The student library hands out the numerical gradient (coursekit.gradcheck.numerical_gradient)
# from the first assignment on, and the notebook says to use it: this item grades what the library
# does not give, the comparison (each entry's relative error with its guard, the largest one and
# where it is) and passing h through. A student who writes the centered differences themselves is
# graded on them too (forward differences, a fixed h: known mutants).

def _run_check(student, case, x, h, setting):
    got = student.call("run_check", case, x, h)
    if not (isinstance(got, (list, tuple)) and len(got) == 2):
        fail(f"{setting}: check_gradient should return a tuple (max_error, worst), but returned "
             f"{describe(got)}.")
    return got


def _check_expected(case, x, h):
    return _provided()["run_check"](case, x, h)


def _check_hint(got, case, x, h):
    return _diagnose_provided(got, "check_gradient", "run_check", (case, x, h), 1e-4, 1e-12)


def _expect_worst_index(got, expected, x, setting, case, h):
    worst = got[1]
    if isinstance(worst, int) and not isinstance(worst, bool) and x.ndim > 1:
        fail(f"{setting}: worst should be an index of x, a tuple of {x.ndim} ints, but is the "
             f"single int {worst}.", V.hint("check_flat_index"))
    why = mismatch(worst, expected[1], path="worst (the index of the largest error)")
    if why:
        fail(f"{setting}: {why}.", _check_hint(got, case, x, h))


def _swish_point():
    """A point where the buggy and the right dx have the same sign everywhere (-0.45 < x < 0.6 for
    these slopes), so that no relative error is exactly 1 and the largest one is unique, 2.3 times
    the next (the project's tests check the margin)."""
    return np.round(_inputs(50).uniform(-0.45, 0.6, size=(5, 4)), 3)


@graded("check_gradient")
def test_check_gradient_finds_the_planted_bug(student):
    # The provided swish_backward has a bug in dx (the slope beta is missing from the chain rule);
    # its dbeta is right.
    x = _swish_point()
    setting = ("For run_check('swish_x', x of shape (5, 4)), which checks the provided "
               "swish_backward's dx (it has a planted bug)")
    got = _run_check(student, "swish_x", x, 1e-5, setting)
    expected = _check_expected("swish_x", x, 1e-5)
    why = mismatch(got[0], expected[0], rtol=1e-6, path="max_error")
    if why:
        fail(f"{setting}: {why}.", _check_hint(got, "swish_x", x, 1e-5))
    _expect_worst_index(got, expected, x, setting, "swish_x", 1e-5)


@graded("check_gradient")
def test_check_gradient_one_wrong_entry_at_a_large_scale(student):
    # f = 5000 * sum(x**2): gradients around 1e4, with 1 added to the entry (1, 1). Its relative
    # error is about 1e-4, far above every other entry's; its absolute error is 1.
    x = np.round(_inputs(51).uniform(0.5, 2.0, size=(3, 4)), 3)
    setting = ("For run_check('big_scale_one_wrong_entry', x of shape (3, 4)), a gradient of "
               "about 1e4 with 1 added to one entry")
    got = _run_check(student, "big_scale_one_wrong_entry", x, 1e-5, setting)
    expected = _check_expected("big_scale_one_wrong_entry", x, 1e-5)
    why = mismatch(got[0], expected[0], rtol=1e-3, path="max_error")
    if why:
        hint = _check_hint(got, "big_scale_one_wrong_entry", x, 1e-5)
        if hint is None and isinstance(got[0], float) and 0.5 < got[0] < 2.0:
            hint = V.hint("check_absolute_error")
        fail(f"{setting}: {why}.", hint)
    _expect_worst_index(got, expected, x, setting, "big_scale_one_wrong_entry", 1e-5)


@graded("check_gradient")
def test_check_gradient_uses_centered_differences_with_h(student):
    # f = sum(exp(2x)) has the same relative truncation error at every entry: about h**2 / 3 with
    # centered differences, about h with forward ones. Rounding adds only ~1e-12 here.
    x = np.round(_inputs(52).uniform(-1.0, 1.0, size=(2, 3)), 3)
    for h in (1e-3, 1e-2):
        setting = f"For run_check('exp_2x', x of shape (2, 3), h={h:g}), f(x) = sum(exp(2 x))"
        got = _run_check(student, "exp_2x", x, h, setting)
        expected = _check_expected("exp_2x", x, h)
        why = mismatch(got[0], expected[0], rtol=1e-3, path="max_error")
        if why:
            hint = _check_hint(got, "exp_2x", x, h)
            if hint is None and isinstance(got[0], float):
                hint = (V.hint("check_forward_differences") if 0.2 * h < got[0] < 5 * h else
                        V.hint("check_ignores_h") if got[0] < 1e-3 * expected[0] else None)
            fail(f"{setting}: {why}.", hint)


@graded("check_gradient")
def test_check_gradient_correct_gradients(student):
    # right gradients: every relative error is rounding noise, far below 1e-7; a zero gradient
    # (the first column of 'ignores_first_column', where both gradients are exactly 0) counts as
    # no error at all
    cases = [("x2_sin_x", np.round(_inputs(53).uniform(-2, 2, size=(3, 4)), 3)),
             ("ignores_first_column", np.round(_inputs(54).uniform(-2, 2, size=(4, 3)), 3)),
             ("swish_beta", np.array([0.5, 1.0, 2.0, -1.5]))]
    for case, x in cases:
        setting = f"For run_check('{case}', x of shape {x.shape}) with h=1e-5, a correct gradient"
        got = _run_check(student, case, x, 1e-5, setting)
        err, worst = got
        if not (isinstance(err, float) and math.isfinite(err)):
            fail(f"{setting}: max_error should be a finite float, but is {err!r}.",
                 V.hint("check_no_guard") if isinstance(err, float) and math.isnan(err) else None)
        if not 0.0 <= err < 1e-7:
            fail(f"{setting}: max_error should be tiny (rounding noise, below 1e-7), but is "
                 f"{err:.3g}.", _check_hint(got, case, x, 1e-5))
        if x.ndim > 1 and isinstance(worst, int) and not isinstance(worst, bool):
            fail(f"{setting}: worst should be an index of x, a tuple of {x.ndim} ints, but is the "
                 f"single int {worst}.", V.hint("check_flat_index"))
        if not (isinstance(worst, (list, tuple)) and len(worst) == x.ndim
                and all(type(i) is int and 0 <= i < s for i, s in zip(worst, x.shape))):
            fail(f"{setting}: worst should be an index of x (a tuple of {x.ndim} ints within "
                 f"x.shape = {x.shape}), but is {worst!r}.")


# ------------------------------------------------------------------------------ affine layer

@graded("affine_forward")
def test_affine_forward(student):
    # the first case has N = M, where a bias added per example instead of per unit still fits
    for seed, (N, D, M) in [(60, (3, 6, 3)), (61, (4, 3, 5)), (62, (1, 2, 4))]:
        g = _inputs(seed)
        x, W, b = g.normal(size=(N, D)), g.normal(size=(D, M)), g.normal(size=M)
        expect_reference(student, "affine_forward", ref.affine_forward, x, W, b,
                         mutants=V.mutants_of("affine_forward"),
                         what=f"(out, cache) = affine_forward(x of shape {x.shape}, W of shape "
                              f"{W.shape}, b of shape {b.shape})")


@graded("affine_backward")
def test_affine_backward(student):
    for seed, (N, D, M) in [(63, (4, 3, 5)), (64, (2, 6, 3)), (65, (5, 2, 2))]:
        g = _inputs(seed)
        x, W, b, dout = g.normal(size=(N, D)), g.normal(size=(D, M)), g.normal(size=M), g.normal(size=(N, M))
        expect_reference(student, "affine_backward", ref.affine_backward, dout, (x, W, b),
                         mutants=V.mutants_of("affine_backward"),
                         what=f"(dx, dW, db) = affine_backward(dout of shape {dout.shape}, cache = "
                              f"(x, W, b) with x of shape {x.shape}, W of shape {W.shape}, b of shape "
                              f"{b.shape})")


# ------------------------------------------------------------------------------ ReLU layer

def _with_zeros(g, shape):
    x = g.normal(size=shape)
    x.reshape(-1)[::4] = 0.0
    return x


@graded("relu_forward")
def test_relu_forward(student):
    for seed, shape in [(70, (4, 5)), (71, (7,)), (72, (2, 3, 4))]:
        x = _with_zeros(_inputs(seed), shape)
        got = student.call("relu_forward", x)
        what = f"out, the first item returned by relu_forward(x of shape {shape}, with some zeros)"
        if not (isinstance(got, (list, tuple)) and len(got) == 2):
            fail(f"relu_forward(x of shape {shape}) should return a tuple (out, cache), but "
                 f"returned {describe(got)}.")
        why = mismatch(got[0], ref.relu_forward(x.copy())[0], path=what)
        if why:
            hint = next((m.hint for m in V.mutants_of("relu_forward")
                         if mismatch(got[0], m.fn(x.copy())[0]) is None), None)
            fail(why + ".", hint)


@graded("relu_backward")
def test_relu_backward(student):
    for seed, shape in [(74, (4, 5)), (75, (6,)), (76, (2, 3, 2))]:
        g = _inputs(seed)
        x, dout = _with_zeros(g, shape), g.normal(size=shape)
        expect_reference(student, "relu_backward", ref.relu_backward, dout, x,
                         mutants=V.mutants_of("relu_backward"),
                         what=f"relu_backward(dout of shape {shape}, cache = x with some entries "
                              f"exactly 0)")


# ------------------------------------------------------------------------------ losses

def _scores_case(seed, N, C, scale=2.0):
    g = _inputs(seed)
    return scale * g.normal(size=(N, C)), g.integers(0, C, size=N)


@graded("softmax_cross_entropy")
def test_softmax_cross_entropy(student):
    for seed, N, C in [(80, 5, 4), (81, 1, 3), (82, 8, 10)]:
        scores, y = _scores_case(seed, N, C)
        expect_reference(student, "softmax_cross_entropy", ref.softmax_cross_entropy, scores, y,
                         mutants=V.mutants_of("softmax_cross_entropy"),
                         what=f"(loss, dscores) = softmax_cross_entropy(scores of shape {scores.shape}, "
                              f"y = {y.tolist()})")


@graded("softmax_cross_entropy")
def test_softmax_cross_entropy_large_scores(student):
    scores, y = _scores_case(83, 4, 5, scale=1.0)
    scores = scores + np.array([[1000.0], [-1000.0], [800.0], [0.0]])
    setting = ("For scores of shape (4, 5) whose rows are shifted by 1000, -1000, 800 and 0 "
               "(softmax does not change when a row is shifted)")
    expect_reference(student, "softmax_cross_entropy", ref.softmax_cross_entropy, scores, y,
                     mutants=V.mutants_of("softmax_cross_entropy"),
                     what=f"(loss, dscores) for {setting[4:]}")


def _expect_fd_consistency(student, target, setting, call, point, as_dict, reference_args):
    """Centered differences of the student's loss along random directions against the student's
    own gradient: the loss is differentiated at `point` ({name: array}) only.

    call(**arrays) -> the student's (loss, gradient); as_dict(gradient) -> {name: array};
    reference_args: the arguments of `target` at `point`, to recognise a known mutant."""
    def loss_and_grads(arrays):
        out = call(**arrays)
        if not (isinstance(out, (list, tuple)) and len(out) == 2 and isinstance(out[0], float)
                and math.isfinite(out[0])):
            fail(f"{setting}: {target} should return a tuple (loss, gradient) with a finite float "
                 f"loss, but returned {describe(out)}.")
        return out

    got = loss_and_grads(point)
    grads = as_dict(got[1])
    for name, a in point.items():
        g = grads.get(name) if isinstance(grads, dict) else None
        if not (isinstance(g, np.ndarray) and g.shape == a.shape and np.all(np.isfinite(g))):
            fail(f"{setting}: the gradient for {name} should be a finite array of shape {a.shape}, "
                 f"but is {describe(g)}.")
    for k in range(2):
        g = _inputs(90 + k)
        direction = {name: g.normal(size=a.shape) for name, a in point.items()}
        ends = [loss_and_grads({name: a + sign * FD_STEP * direction[name] for name, a in point.items()})[0]
                for sign in (1, -1)]
        fd = (ends[0] - ends[1]) / (2 * FD_STEP)
        analytic = sum(float(np.sum(grads[n] * direction[n])) for n in point)
        scale = sum(float(np.sum(np.abs(grads[n] * direction[n]))) for n in point)
        if _directional_fd_failure(fd, analytic, scale):
            fail(f"{setting}: your gradient does not match your own loss. Along a random direction "
                 f"v (of {', '.join(point)}), the centered difference (L(. + h v) - L(. - h v)) / (2h) "
                 f"with h = {FD_STEP:g} is {fd:.8g}, but the gradient gives sum(grad * v) = "
                 f"{analytic:.8g}.", diagnose(got, V.mutants_of(target), reference_args, {}))


@graded("softmax_cross_entropy")
def test_softmax_cross_entropy_gradient_matches_finite_differences(student):
    scores, y = _scores_case(84, 6, 4)
    _expect_fd_consistency(
        student, "softmax_cross_entropy", f"For softmax_cross_entropy(scores of shape (6, 4), y = {y.tolist()})",
        lambda scores: student.call("softmax_cross_entropy", scores, y),
        {"scores": scores}, lambda d: {"scores": d}, (scores, y))


def _net_case(seed, N, D, H, C):
    """A batch and a two-layer net whose hidden pre-activations are all at least 0.05 away from
    the ReLU's kink (so that the finite differences never cross it)."""
    g = _inputs(seed)
    X = g.normal(size=(N, D))
    params = {"W1": g.normal(size=(D, H)) / np.sqrt(D), "b1": 0.1 * g.normal(size=H),
              "W2": g.normal(size=(H, C)) / np.sqrt(H), "b2": 0.1 * g.normal(size=C)}
    while np.any(np.abs(X @ params["W1"] + params["b1"]) < 0.05):
        params["W1"] = params["W1"] + 0.01 * g.normal(size=(D, H))
    return X, g.integers(0, C, size=N), params


NET_CASES = [(100, (5, 4, 6, 3), 0.0), (101, (3, 7, 5, 4), 0.0), (102, (6, 3, 4, 5), 0.1),
             (103, (4, 5, 3, 2), 1.5)]


@graded("two_layer_net_loss")
def test_two_layer_net_loss(student):
    for seed, (N, D, H, C), reg in NET_CASES:
        X, y, params = _net_case(seed, N, D, H, C)
        expect_reference(student, "two_layer_net_loss", ref.two_layer_net_loss, X, y, params, reg,
                         mutants=V.mutants_of("two_layer_net_loss"),
                         what=f"(loss, grads) = two_layer_net_loss(X of shape {X.shape}, y, params "
                              f"with W1 {params['W1'].shape} and W2 {params['W2'].shape}, reg={reg})")


@graded("two_layer_net_loss")
def test_two_layer_net_loss_gradients_match_finite_differences(student):
    X, y, params = _net_case(104, 5, 4, 6, 3)
    reg = 0.3
    _expect_fd_consistency(
        student, "two_layer_net_loss",
        f"For two_layer_net_loss(X of shape {X.shape}, y, params with W1 (4, 6) and W2 (6, 3), reg={reg}), "
        f"with every hidden pre-activation away from 0",
        lambda **p: student.call("two_layer_net_loss", X, y, p, reg),
        params, lambda grads: grads, (X, y, params, reg))


def _logreg_case(seed, N, D, scale=1.0):
    g = _inputs(seed)
    return g.normal(size=D), scale * g.normal(size=(N, D)), g.integers(0, 2, size=N)


@graded("logistic_regression_loss")
def test_logistic_regression_loss(student):
    for seed, (N, D), lam in [(110, (6, 3), 1.0), (111, (10, 5), 0.3), (112, (1, 2), 4.0)]:
        w, X, y = _logreg_case(seed, N, D)
        expect_reference(student, "logistic_regression_loss", ref.logistic_regression_loss, w, X, y,
                         lam, mutants=V.mutants_of("logistic_regression_loss"),
                         what=f"(loss, grad) = logistic_regression_loss(w of shape {w.shape}, X of "
                              f"shape {X.shape}, y = {y.tolist()}, lam={lam})")


@graded("logistic_regression_loss")
def test_logistic_regression_loss_large_margins(student):
    w, X, y = _logreg_case(113, 6, 3, scale=2000.0)  # |x . w| from about 600 to over 3000
    y = (X @ w < 0).astype(np.int64)                  # half of them on the wrong side...
    y[::2] = 1 - y[::2]                               # ...and half on the right side
    expect_reference(student, "logistic_regression_loss", ref.logistic_regression_loss, w, X, y, 0.5,
                     mutants=V.mutants_of("logistic_regression_loss"),
                     what=f"(loss, grad) = logistic_regression_loss(w, X of shape {X.shape} with "
                          f"|x . w| up to {np.max(np.abs(X @ w)):.0f}, y = {y.tolist()}, lam=0.5)")


@graded("logistic_regression_loss")
def test_logistic_regression_gradient_matches_finite_differences(student):
    w, X, y = _logreg_case(114, 8, 4)
    _expect_fd_consistency(
        student, "logistic_regression_loss",
        f"For logistic_regression_loss(w of shape (4,), X of shape (8, 4), y = {y.tolist()}, lam=0.7)",
        lambda w: student.call("logistic_regression_loss", w, X, y, 0.7),
        {"w": w}, lambda d: {"w": d}, (w, X, y, 0.7))
