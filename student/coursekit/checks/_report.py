"""Shared machinery for the visible checks of every assignment.

A check module writes each check as

    def check_l2_penalty(l2_penalty):
        with Checker("check_l2_penalty") as c:
            W = np.array([[1.0, -2.0], [3.0, 0.0]])
            out = c.call(l2_penalty, [W], lam=0.5)          # inputs are copied before the call
            penalty, grads = c.expect_tuple(out, 2, "the result of l2_penalty([W], lam=0.5)")
            c.expect_close(penalty, 3.5, "the penalty", given="W = [[1, -2], [3, 0]], lam = 0.5")

and gets, for free:
- on success, one printed line: "check_l2_penalty: all 2 checks passed."
- on failure, a CheckFailed (an AssertionError) whose message names the input, the expected value
  and what came back, in words for a student, the hint first; Jupyter shows that message alone,
  without the frames of the check's own code;
- `NotImplementedError` (an exercise not done yet) passes through unchanged with a short note;
  any other exception raised by the student's code passes through with a note saying which call
  of the check raised it, so the traceback still points into the student's code.

Checks count what they verified: each `expect_*` call is one check.
"""
import numpy as np

__all__ = ["Checker", "CheckFailed", "show", "describe"]

RTOL = 1e-7
ATOL = 1e-10


def show(value, max_items=12):
    """A short, readable rendering of a value (small arrays in full, big ones by shape)."""
    if isinstance(value, np.ndarray):
        if value.size <= max_items:
            text = np.array2string(value, precision=6, suppress_small=True, separator=", ",
                                   max_line_width=10**6)
            return " ".join(text.split())  # one line: rows of a matrix are not split
        return describe(value)
    if isinstance(value, (list, tuple)):
        inner = ", ".join(show(v, max_items) for v in value[:max_items])
        more = ", ..." if len(value) > max_items else ""
        return ("[%s%s]" if isinstance(value, list) else "(%s%s)") % (inner, more)
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k!r}: {show(v, max_items)}" for k, v in value.items()) + "}"
    if isinstance(value, (float, np.floating)):
        return f"{float(value):.6g}"
    return repr(value)


def describe(value):
    """What kind of thing a value is, in words: 'an array of shape (2, 3) and dtype float64'."""
    if isinstance(value, np.ndarray):
        return f"an array of shape {value.shape} and dtype {value.dtype}"
    if value is None:
        return "None"
    if isinstance(value, (list, tuple)):
        return f"a {type(value).__name__} of {len(value)} items"
    return f"a {type(value).__name__} ({show(value)})"


def _copy(value):
    if isinstance(value, np.ndarray):
        return value.copy()
    if isinstance(value, list):
        return [_copy(v) for v in value]
    if isinstance(value, tuple):
        return tuple(_copy(v) for v in value)
    if isinstance(value, dict):
        return {k: _copy(v) for k, v in value.items()}
    return value


def _is_number(value):
    return (isinstance(value, (int, float, np.integer, np.floating)) and not isinstance(value, bool)) or (
        isinstance(value, np.ndarray) and value.shape == () and value.dtype.kind in "iuf")


class CheckFailed(AssertionError):
    """A visible check that failed. IPython shows an exception with _render_traceback_ by what
    that returns: here the message alone, since the check's own code says nothing to a student."""

    def _render_traceback_(self):
        return [f"\x1b[0;31m{type(self).__name__}\x1b[0m: {self}"]


class Checker:
    """Collects the checks of one `check_<item>` function; use it as a context manager."""

    def __init__(self, name):
        self.name = name
        self.count = 0

    # -- context manager: print the success line only if nothing went wrong ---------------------
    def __enter__(self):
        return self

    def __exit__(self, exc_type, exc, tb):
        if exc_type is None:
            noun = "check" if self.count == 1 else "checks"
            print(f"{self.name}: all {self.count} {noun} passed.")
        return False

    # -- calling the student's code ---------------------------------------------------------------
    def call(self, fn, *args, **kwargs):
        """Call fn(*args, **kwargs) on copies of the inputs (so that a function that modifies its
        inputs cannot change what the check compares against). An exception raised inside fn
        propagates with a note naming the call."""
        return self._call(fn, _copy(args), _copy(kwargs))

    def call_as_is(self, fn, *args, **kwargs):
        """Call fn(*args, **kwargs) on the inputs themselves, not copies (for checks about what a
        function keeps a reference to)."""
        return self._call(fn, args, kwargs)

    def call_pure(self, fn, *args, **kwargs):
        """Like `call`, and one more check: fn must leave its inputs unchanged."""
        args_in, kwargs_in = _copy(args), _copy(kwargs)
        out = self._call(fn, args_in, kwargs_in)
        changed = [f"argument {i + 1}" for i, (a, b) in enumerate(zip(args, args_in)) if not _same(a, b)]
        changed += [f"argument {k}" for k in kwargs if not _same(kwargs[k], kwargs_in[k])]
        self.expect(not changed, f"{_name(fn)} changed its input in place: {', '.join(changed)} was modified. "
                                 "It should leave its inputs unchanged and return new arrays.")
        return out

    def _call(self, fn, args, kwargs):
        try:
            return fn(*args, **kwargs)
        except NotImplementedError as e:
            e.add_note(f"{self.name}: {_name(fn)} is not implemented yet (replace `raise NotImplementedError()` "
                       "with your code, run that cell, then run this check again).")
            raise
        except Exception as e:
            shown = ", ".join([show(a) for a in args] + [f"{k}={show(v)}" for k, v in kwargs.items()])
            e.add_note(f"{self.name}: this was raised by your code, called as {_name(fn)}({shown}).")
            raise

    # -- expectations: each one is one check ------------------------------------------------------
    def fail(self, message):
        raise CheckFailed(f"{self.name}: {message}")

    def expect(self, condition, message):
        """Pass if `condition` is true; otherwise fail with `message` (a full sentence)."""
        self.count += 1
        if not condition:
            self.fail(message)

    def expect_tuple(self, value, n, what):
        """`value` must be a tuple (or list) of n items; returns it, for unpacking."""
        self.count += 1
        if not isinstance(value, (tuple, list)) or len(value) != n:
            self.fail(f"{what} should be a tuple of {n} items, but it is {describe(value)}.")
        return value

    def expect_number(self, value, what, given=None):
        """`value` must be a single number (a Python or numpy scalar, or a 0-d array)."""
        self.count += 1
        if not _is_number(value):
            self.fail(f"{what} should be a single number{_given(given)}, but it is {describe(value)}.")
        return float(value)

    def expect_array(self, value, what, shape=None, dtype=np.float64, given=None):
        """`value` must be a numpy array, of `shape` (if given) and of `dtype` (if not None)."""
        self.count += 1
        if not isinstance(value, np.ndarray):
            self.fail(f"{what} should be a numpy array{_shape_words(shape)}{_given(given)}, "
                      f"but it is {describe(value)}.")
        if shape is not None and value.shape != tuple(shape):
            self.fail(f"{what} should have shape {tuple(shape)}{_given(given)}, but it has shape {value.shape}.")
        if dtype is not None and value.dtype != np.dtype(dtype):
            self.fail(f"{what} should have dtype {np.dtype(dtype)}{_given(given)}, but it has dtype "
                      f"{value.dtype}.")
        return value

    def expect_close(self, got, expected, what, given=None, rtol=RTOL, atol=ATOL, hint=None):
        """`got` must equal `expected` (a number or an array) up to float64 rounding.

        `what` names the value ("the penalty"), `given` the input ("W = [[1, -2], [3, 0]]"), and
        `hint` an optional sentence about the likely mistake."""
        self.count += 1
        expected_arr = np.asarray(expected, dtype=np.float64)
        if expected_arr.shape == ():
            if not _is_number(got):
                self.fail(f"{what} should be a number{_given(given)}, but it is {describe(got)}.")
        else:
            if not isinstance(got, np.ndarray):
                self.fail(f"{what} should be an array of shape {expected_arr.shape}{_given(given)}, "
                          f"but it is {describe(got)}.")
            if got.shape != expected_arr.shape:
                self.fail(f"{what} should have shape {expected_arr.shape}{_given(given)}, "
                          f"but it has shape {got.shape}.")
            if got.dtype.kind not in "biuf":
                self.fail(f"{what} should hold numbers, but it has dtype {got.dtype}.")
        got_arr = np.asarray(got, dtype=np.float64)
        ok = np.isclose(got_arr, expected_arr, rtol=rtol, atol=atol, equal_nan=True)
        if not np.all(ok):
            if expected_arr.shape == ():
                detail = f"expected {show(float(expected_arr))}, got {show(float(got_arr))}"
            else:
                i = tuple(int(j) for j in np.argwhere(~ok)[0])
                first = (f"at index {i}: expected {show(expected_arr[i])}, got {show(got_arr[i])}; "
                         f"{int((~ok).sum())} of {ok.size} values differ")
                if expected_arr.size <= 12:
                    detail = f"expected {show(expected_arr)}, got {show(got_arr)} (first difference {first})"
                else:
                    detail = f"the first difference is {first}"
            self.fail((f"{hint} " if hint else "") + f"{what} is wrong{_given(given)}: {detail}.")
        return got


def _name(fn):
    return getattr(fn, "__qualname__", getattr(fn, "__name__", repr(fn)))


def _same(a, b):
    """Whether two plain-data values are identical (arrays: same shape, dtype and bits)."""
    if isinstance(a, np.ndarray) or isinstance(b, np.ndarray):
        return (isinstance(a, np.ndarray) and isinstance(b, np.ndarray) and a.shape == b.shape
                and a.dtype == b.dtype and np.array_equal(a, b, equal_nan=True))
    if isinstance(a, (list, tuple)):
        return type(a) is type(b) and len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b))
    if isinstance(a, dict):
        return isinstance(b, dict) and a.keys() == b.keys() and all(_same(a[k], b[k]) for k in a)
    return True  # numbers, strings, generators...: not inspected


def _given(given):
    return f" for {given}" if given else ""


def _shape_words(shape):
    return f" of shape {tuple(shape)}" if shape is not None else ""
