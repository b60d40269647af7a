"""What kind of mistake a wrong answer shows, in words a student can act on.

When a result differs from the reference and no known mutant explains it, `explain` looks at the
difference itself: a wrong dtype, an overflow, a transposed or reshaped result, a reduction over the
wrong axis, a flipped sign, a constant factor (naming it: 2, 1/N, 1/(1 - p), ...), a constant
offset, a result right everywhere except where an input is 0 (a kink) or negative, a result that
ignores a hyper-parameter, a computation over the wrong axis. Each kind has a fixed opening
(MISTAKES), so that the project's tests can check which kind was named.

Everything here runs in the grader's process on plain data (the student's decoded answer, the
test's inputs) and on the reference; it never calls student code, and it never decides a grade:
it only picks the words of a hint, so it may guess, but never says more than the numbers show.
"""
import inspect
import math

import numpy as np

from autograder.boundary import GLOBAL_RNG, IN_PLACE, NOT_REPRODUCIBLE

MISTAKES = {
    "dtype": "has the wrong dtype",   # also in grading.mismatch's own sentence
    "overflow": "The result has inf or NaN where the answer is a finite number:",
    "transpose": "The result is transposed:",
    "shape": "The values are right, but the shape is not:",
    "axis": "The computation runs over the wrong axis:",
    "sign": "The sign is wrong:",
    "factor": "The result is off by a constant factor:",
    "offset": "The result is off by a constant amount:",
    "kink": "The result is right except at a kink:",
    "region": "The result is right for part of the input only:",
    "default-only": "A parameter is ignored:",
    "in-place": IN_PLACE,
    "global-rng": GLOBAL_RNG,
    "not-reproducible": NOT_REPRODUCIBLE,
}


def explain(got, expected, reference=None, args=(), kwargs=None, where=(), special=None,
            rtol=1e-9, atol=1e-12):
    """A hint naming the kind of mistake that turns `expected` into `got` (the first part of the
    result that differs), or None. With `reference`, `args`, `kwargs` and `where` (the path of that
    part in the whole result), it also tries the reference on changed inputs."""
    kwargs = kwargs or {}
    g, e = _numbers(got), _numbers(expected)
    if g is None or e is None:
        return None
    close = _matcher(rtol, atol)
    arrays = _array_inputs(reference, args, kwargs)
    for check in (_dtype, _overflow):
        hint = check(g, e)
        if hint:
            return hint
    if g.shape != e.shape:
        return _shape(g, e, close, arrays)
    if not np.all(np.isfinite(g)):
        return None
    # the most specific first: the exact answer to another question (a parameter at its default)
    # says more than a pattern in the numbers (a factor, or wrong where x < 0)
    if reference is not None:
        hint = _ignored_parameter(g, close, reference, args, kwargs, where)
        if hint:
            return hint
    for check in (_sign, _factor, _offset):
        hint = check(g, e, close, reference, args, kwargs)
        if hint:
            return hint
    hint = _where_wrong(g, e, close, arrays, special)
    if hint:
        return hint
    if g.ndim == 2 and g.shape[0] == g.shape[1] and g.shape[0] > 1 and close(g.T, e):
        return f"{MISTAKES['transpose']} it equals the right answer with rows and columns swapped."
    if reference is not None:
        return _wrong_axis(g, close, reference, args, kwargs, where)
    return None


def _numbers(v):
    if isinstance(v, (bool, int, float, np.generic, np.ndarray)) and np.asarray(v).dtype.kind in "biuf":
        return np.asarray(v)
    return None


def _matcher(rtol, atol):
    def close(a, b):
        a, b = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
        return a.shape == b.shape and bool(np.all(np.isclose(a, b, rtol=max(rtol, 1e-7),
                                                             atol=max(atol, 1e-10), equal_nan=True)))
    return close


def _array_inputs(reference, args, kwargs):
    """[(name, array)] of the test's array arguments, named as the reference names them."""
    names = _parameter_names(reference, len(args))
    found = [(names[i], a) for i, a in enumerate(args) if isinstance(a, np.ndarray)]
    return found + [(k, a) for k, a in kwargs.items() if isinstance(a, np.ndarray)]


def _parameter_names(reference, n):
    try:
        names = list(inspect.signature(reference).parameters)
    except (TypeError, ValueError):
        names = []
    return [f"`{names[i]}`" if i < len(names) else f"argument {i + 1}" for i in range(n)]


# ------------------------------------------------------------------------------ kinds of mistake

def _dtype(g, e):
    if e.dtype.kind == "f" and g.dtype.kind == "f" and g.dtype.itemsize < e.dtype.itemsize:
        return (f"The result {MISTAKES['dtype']}: it is {g.dtype} (single precision keeps about 7 significant "
                f"digits), where {e.dtype} is documented. Compute in float64, numpy's default: look "
                f"for an astype(np.float32) or an array created with dtype=np.float32.")
    if e.dtype.kind == "f" and g.dtype.kind in "biu":
        what = "True/False values" if g.dtype.kind == "b" else "integers"
        return (f"The result {MISTAKES['dtype']}: it holds {what}, where floating-point numbers are documented. "
                f"A comparison such as (x > 0) gives booleans: multiply by 1.0 or use .astype(float).")
    if e.dtype.kind in "biu" and g.dtype.kind != e.dtype.kind:
        want = "True/False values" if e.dtype.kind == "b" else "integers"
        return f"The result {MISTAKES['dtype']}: it holds {g.dtype} values, where {want} are documented."
    return None


def _overflow(g, e):
    if g.dtype.kind == "f" and np.all(np.isfinite(e)) and not np.all(np.isfinite(g)):
        return (f"{MISTAKES['overflow']} something overflowed or divided by zero for some inputs "
                f"(np.exp of a large number is inf, inf / inf is NaN). Rewrite the formula so that it "
                f"stays finite over the whole range the docstring promises, e.g. by subtracting a "
                f"maximum before an exponential, or by using another form for large inputs.")
    return None


def _shape(g, e, close, arrays):
    if g.shape == e.shape[::-1] and close(g.T, e):
        return (f"{MISTAKES['transpose']} it has shape {g.shape} and equals the right answer with "
                f"rows and columns swapped; the documented shape is {e.shape}.")
    if g.size == e.size and close(g.reshape(e.shape), e):
        extra = (" (it has an extra axis of length 1: a keepdims=True, or a column where a flat "
                 "array is documented)" if g.ndim > e.ndim else "")
        return (f"{MISTAKES['shape']} the result has shape {g.shape}, where {e.shape} is "
                f"documented{extra}.")
    for name, x in arrays:
        reduced = {a: x.shape[:a] + x.shape[a + 1:] for a in range(x.ndim)}
        right = [a for a, s in reduced.items() if s == e.shape]
        wrong = [a for a, s in reduced.items() if s == g.shape and a not in right]
        if right and wrong:
            return (f"{MISTAKES['axis']} the result has shape {g.shape}, the shape of a sum or mean "
                    f"of {name} (shape {x.shape}) over axis {wrong[0]}, but the documented shape "
                    f"{e.shape} comes from one over axis {right[0]}"
                    + (" (axis 0 runs over the examples of the batch)." if right[0] == 0 else "."))
        if right and g.size == 1 and x.ndim > 1:
            return (f"{MISTAKES['axis']} the result is a single number, as if {name} were reduced "
                    f"over all its axes; the documented shape {e.shape} comes from a reduction "
                    f"over axis {right[0]} only (pass axis={right[0]}).")
    return None


def _sign(g, e, close, *_):
    if np.any(e != 0) and close(g, -e):
        return (f"{MISTAKES['sign']} every value has the opposite sign of the right one. Check the "
                f"direction of a subtraction, or a minus sign in a derivative.")
    wrong = ~_elementwise_close(g, e) & _elementwise_close(g, -e) & (e != 0)
    if wrong.any() and close(np.abs(g), np.abs(e)):
        return (f"{MISTAKES['sign']} the sizes of the values are right, but {int(wrong.sum())} of "
                f"{wrong.size} have the wrong sign.")
    return None


def _elementwise_close(a, b):
    return np.isclose(np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64),
                      rtol=1e-7, atol=1e-10)


def _factor(g, e, close, reference, args, kwargs):
    nonzero = np.abs(e) > 1e-12
    if not nonzero.any() or not close(g[~nonzero], e[~nonzero]):
        return None
    ratios = g[nonzero] / e[nonzero]
    r = float(np.median(ratios))
    if r == 0 or abs(r - 1) < 1e-6 or not close(g, r * e):
        return None
    name = _name_of(r, _candidates(reference, args, kwargs))
    return (f"{MISTAKES['factor']} every value is {r:.6g} times the right one"
            + (f", that is {name}." if name else ".")
            + " Look for a factor in the formula that is missing, extra or inverted.")


def _offset(g, e, close, reference, args, kwargs):
    d = float(np.median(g - e))
    if g.size < 2 or abs(d) < 1e-9 or not close(g, e + d):
        return None
    name = _name_of(abs(d), [(v, n) for v, n in _candidates(reference, args, kwargs) if "/" not in n])
    return (f"{MISTAKES['offset']} every value is the right one {'plus' if d > 0 else 'minus'} "
            f"{abs(d):.6g}" + (f" ({name})." if name else ".")
            + " A term is added, or left out, that should not be.")


def _candidates(reference, args, kwargs):
    """(value, words) of the factors students most often get wrong, for these inputs."""
    found = [(2.0, "a factor of 2"), (0.5, "a factor of 1/2"), (3.0, "a factor of 3"),
             (1 / 3, "a factor of 1/3"), (4.0, "a factor of 4"), (0.25, "a factor of 1/4")]
    names = _parameter_names(reference, len(args))
    scalars = [(n, float(v)) for n, v in zip(names, args) if _is_scalar(v)]
    scalars += [(f"`{k}`", float(v)) for k, v in kwargs.items() if _is_scalar(v)]
    for n, v in scalars:
        if v not in (0.0, 1.0):
            found += [(v, f"a factor of {n} = {v:g}"), (1 / v, f"a division by {n} = {v:g}")]
        if 0 < v < 1:
            found += [(1 / (1 - v), f"a factor of 1/(1 - {n}) with {n} = {v:g}"),
                      (1 - v, f"a factor of (1 - {n}) with {n} = {v:g}")]
        if v > 0 and v != 1:
            found += [(math.sqrt(v), f"a factor of sqrt({n})"), (1 / math.sqrt(v), f"a division by sqrt({n})")]
    for name, x in _array_inputs(reference, args, kwargs):
        for axis, n in enumerate(x.shape):
            if n > 1:
                what = "the batch size N" if axis == 0 else f"the size of axis {axis}"
                found += [(1 / n, f"a division by {n}, {what} of {name}"),
                          (float(n), f"a factor of {n}, {what} of {name}")]
        if x.size > 1 and x.ndim > 1:
            found += [(1 / x.size, f"a division by {x.size}, the number of entries of {name}")]
    return found


def _is_scalar(v):
    return type(v) in (int, float) or isinstance(v, np.floating)


def _name_of(value, candidates):
    for v, words in candidates:
        if math.isfinite(v) and abs(value - v) <= 1e-7 * abs(v):
            return words
    return None


def _where_wrong(g, e, close, arrays, special):
    """Right everywhere but at exact zeros of an input, at named special entries, or where an
    input is negative (or positive)."""
    wrong = ~_elementwise_close(g, e)
    if not wrong.any():
        return None
    same_shape = [(n, x) for n, x in arrays if x.shape == g.shape]
    for n, x in same_shape:
        if (x == 0).any() and not (wrong & (x != 0)).any():
            return (f"{MISTAKES['kink']} the values are right everywhere except where {n} is exactly "
                    f"0 ({int(wrong.sum())} entries). The docstring says which value (or derivative) "
                    f"to take there.")
    for words, mask in (special or {}).items():
        if np.shape(mask) == g.shape and np.asarray(mask).any() and not (wrong & ~np.asarray(mask)).any():
            return (f"{MISTAKES['kink']} the values are right everywhere except {words} "
                    f"({int(wrong.sum())} entries). The docstring says what happens there.")
    for n, x in same_shape:
        for part, mask in (("negative", x < 0), ("positive", x > 0)):
            if mask.any() and (~mask).any() and np.array_equal(wrong & (x != 0), mask & (x != 0)):
                other = "positive" if part == "negative" else "negative"
                return (f"{MISTAKES['region']} the values are right where {n} is {other}, but wrong "
                        f"wherever it is {part}.")
    return None


def _part(result, where):
    for key in where:
        result = result[key]
    return result


def _rerun(reference, args, kwargs, where):
    from autograder.grading import copied   # grading imports this module
    try:
        return _numbers(_part(reference(*copied(args), **copied(kwargs)), where))
    except Exception:   # the changed inputs do not suit the reference: no such diagnosis
        return None


def _ignored_parameter(g, close, reference, args, kwargs, where):
    """The answer is what the reference gives with one hyper-parameter at its default."""
    try:
        bound = inspect.signature(reference).bind(*args, **kwargs)
    except (TypeError, ValueError):
        return None
    for name, param in inspect.signature(reference).parameters.items():
        if name not in bound.arguments or param.default is inspect.Parameter.empty:
            continue
        value = bound.arguments[name]
        if not _is_scalar(value) and not isinstance(value, (str, bool)) or value == param.default:
            continue
        changed = dict(bound.arguments, **{name: param.default})
        theirs = _rerun(lambda **kw: reference(**kw), (), changed, where)
        if theirs is not None and close(g, theirs):
            return (f"{MISTAKES['default-only']} the result is the one for the default "
                    f"{name}={param.default!r}, though {name}={value!r} was passed. Use the "
                    f"argument, not a fixed value.")
    return None


def _wrong_axis(g, close, reference, args, kwargs, where):
    """The answer is the reference computed over the other axis of the 2-D inputs."""
    if g.ndim != 2:
        return None
    flipped = [a.T.copy() if isinstance(a, np.ndarray) and a.ndim == 2 else a for a in args]
    if all(f is a for f, a in zip(flipped, args)):
        return None
    theirs = _rerun(reference, flipped, kwargs, where)
    if theirs is not None and theirs.ndim == 2 and close(g, theirs.T):
        return (f"{MISTAKES['axis']} the result is what the right computation gives over axis 1 "
                f"(within each example) instead of axis 0 (over the batch, for each feature).")
    return None
