"""What a hidden suite is written with.

A hidden suite is a pytest file, autograder/suites/<assignment>/test_<assignment>.py. Each test
takes the `student` fixture (a boundary.Student), is marked with the graded item and its points,
and fails through `fail(...)` or the `expect_*` helpers so that the student reads a clear message:

    POINTS = {"l2_penalty": 1, ...}          # points of each graded item

    @graded("l2_penalty")
    def test_l2_penalty_value(student):
        weights = [rng.normal(size=(4, 3))]
        expect_reference(student, "l2_penalty", ref.l2_penalty, weights, lam=0.1,
                         mutants=variants.mutants_of("l2_penalty"))

An item earns its points when every one of its tests passes, and nothing otherwise, as an nbgrader
grade cell does. POINTS must equal the points of each item's grade cell, `test_<item>`, in the
source notebook (checked by the project's tests). Failure messages and hints are all the student
sees: never the test's code.
"""
import inspect
import math
import re

import numpy as np
import pytest

from autograder import diagnosis
from autograder.boundary import (ContractError, Handle, Seed,  # noqa: F401 - re-exported for suites
                                 StudentError)

# Tolerances, from float64 error analysis. A correct float64 computation of anything these
# assignments compute (sums of at most ~10^4 well-scaled terms, elementwise functions, small
# matrix products) agrees with the reference to about n * eps ~ 1e-12 relative, whatever the order
# of its operations. float32 keeps 24 bits: its rounding alone is ~6e-8 relative. RTOL = 1e-9 sits
# between them, 1000 times above float64's error and 60 times below float32's, so a float32
# computation never passes and a valid float64 one always does. ATOL covers entries that should
# be 0 (or nearly): float64 leaves ~1e-16 * (size of the terms) there. A suite that compares
# with something less exact (finite differences) passes its own, stated tolerances.
RTOL = 1e-9
ATOL = 1e-12


def graded(item):
    """Mark a hidden test as one of the tests of graded item `item` (grade cell `test_<item>`)."""
    return pytest.mark.graded(item=item)


class GradingFailure(AssertionError):
    """A failed check, with a message (and maybe a hint) written for the student."""

    def __init__(self, message, hint=None):
        super().__init__(message)
        self.message, self.hint = message, hint


def fail(message, hint=None):
    raise GradingFailure(message, hint)


def _is_number(v):
    return (type(v) in (int, float) or isinstance(v, np.generic) and v.dtype.kind in "biuf"
            or isinstance(v, np.ndarray) and v.shape == () and v.dtype.kind in "biuf")


def describe(v):
    if isinstance(v, np.ndarray):
        return f"an array of shape {v.shape} and dtype {v.dtype}"
    if isinstance(v, np.generic):
        return f"a numpy {v.dtype} number"
    if isinstance(v, Handle):
        return f"an object of type {v.type_name}"
    return f"a {type(v).__name__}"


def mismatch(got, expected, rtol=RTOL, atol=ATOL, path="the result"):
    """Return None if `got` matches `expected` (plain data), else a sentence saying how it differs."""
    found = first_difference(got, expected, rtol, atol, path)
    return found[3] if found else None


def first_difference(got, expected, rtol=RTOL, atol=ATOL, path="the result", where=(), names=()):
    """None if `got` matches `expected`, else (where, got part, expected part, sentence) for the first
    part that differs; `where` is the path of keys and indices to it, e.g. (1, 0). `names` names
    the items of a tuple result, as its docstring does ("dx", "dgamma", "dbeta")."""
    def differs(why):
        return where, got, expected, why
    if isinstance(expected, (tuple, list)):
        if not isinstance(got, (tuple, list)) or len(got) != len(expected):
            return differs(f"{path} should be a {type(expected).__name__} of {len(expected)} items, "
                           f"but is {describe(got)}" + (f" of {len(got)} items"
                                                        if isinstance(got, (tuple, list)) else ""))
        for i, (g, e) in enumerate(zip(got, expected)):
            part = (f"{names[i]} in {path}" if len(names) == len(expected) and not where
                    else f"item {i} of {path}")
            found = first_difference(g, e, rtol, atol, part, where + (i,))
            if found:
                return found
        return None
    if isinstance(expected, dict):
        if not isinstance(got, dict) or set(got) != set(expected):
            return differs(f"{path} should be a dict with keys {sorted(expected)}, but is "
                           f"{describe(got)}" + (f" with keys {sorted(got)}" if isinstance(got, dict) else ""))
        for k in expected:
            found = first_difference(got[k], expected[k], rtol, atol, f"{path}[{k!r}]", where + (k,))
            if found:
                return found
        return None
    if isinstance(expected, (bool, np.bool_)) or expected is None or isinstance(expected, str):
        same = (type(got) is type(expected) or isinstance(expected, (bool, np.bool_))
                and isinstance(got, (bool, np.bool_))) and got == expected
        return None if same else differs(f"{path} should be {expected!r}, but is {got!r}")
    if isinstance(expected, np.ndarray) and expected.shape != ():
        if not isinstance(got, np.ndarray):
            return differs(f"{path} should be an array of shape {expected.shape}, but is {describe(got)}")
        if got.shape != expected.shape:
            return differs(f"{path} should have shape {expected.shape}, but has shape {got.shape}")
    elif not _is_number(got):   # a scalar: a Python number, a numpy scalar or a 0-d array
        return differs(f"{path} should be a number, but is {describe(got)}")
    why = _dtype_mismatch(got, expected, path) or _values_mismatch(
        np.asarray(got, dtype=np.float64), np.asarray(expected, dtype=np.float64), rtol, atol, path)
    return differs(why) if why else None


def _kind(v):
    """'b', 'i' or 'f' (and the float's bits) for a number or an array of numbers."""
    if type(v) is bool:
        return "b", 0
    if type(v) is int:
        return "i", 0
    if type(v) is float:
        return "f", 64
    dtype = np.asarray(v).dtype
    return {"u": "i"}.get(dtype.kind, dtype.kind), dtype.itemsize * 8


def _dtype_mismatch(got, expected, path):
    """The result's kind must be the reference's: float64 where it is float64 (a Python int is fine
    for a float scalar), an integer where it is an integer, a bool where it is a bool."""
    (gk, gbits), (ek, ebits) = _kind(got), _kind(expected)
    if ek == "f" and (gk == "f" and gbits >= ebits or gk == "i" and np.ndim(got) == 0 and type(got) is int):
        return None
    if ek == gk and ek in "bi":
        return None
    have = f"float{gbits}" if gk == "f" else {"i": "integers", "b": "booleans (True/False)"}.get(gk, gk)
    want = f"float{ebits}" if ek == "f" else {"i": "integers", "b": "booleans (True/False)"}[ek]
    return f"{path} has the wrong dtype: it holds {have}, but should hold {want}"


def _values_mismatch(got, expected, rtol, atol, path):
    got, expected = np.atleast_1d(got), np.atleast_1d(expected)
    if not np.all(np.isfinite(got) | ~np.isfinite(expected)):
        i = np.unravel_index(np.argmax(~np.isfinite(got)), got.shape)
        return f"{path} contains {got[i]} (at index {tuple(int(j) for j in i)}), where a finite number was expected"
    err = np.abs(got - expected)
    # an infinity (or NaN, a mutant's overflow) expected matches only the same infinity (or NaN)
    same = (got == expected) | (np.isnan(got) & np.isnan(expected))
    with np.errstate(invalid="ignore"):
        close = np.isfinite(expected) & (err <= atol + rtol * np.abs(expected))
    bad = ~(close | same)
    if not bad.any():
        return None
    i = np.unravel_index(np.argmax(np.where(bad, np.nan_to_num(err, nan=np.inf), -1.0)), got.shape)
    where = "" if got.size == 1 else f" at index {tuple(int(j) for j in i)}"
    size = ("" if not np.isfinite(expected[i]) else f"absolute error {err[i]:.1e}; " if expected[i] == 0
            else f"relative error {err[i] / abs(expected[i]):.1e}; ")
    return (f"{path} is wrong{where}: got {got[i]:.6g}, expected {expected[i]:.6g} "
            f"({size}{int(bad.sum())} of {bad.size} values differ)")


def expect_close(got, expected, what, hint=None, rtol=RTOL, atol=ATOL):
    """Fail unless `got` matches `expected`; without a hint of the test's own, the general
    diagnosis says what kind of mistake the difference shows, when it can."""
    found = first_difference(got, expected, rtol, atol, what)
    if found:
        fail(found[3], hint or diagnosis.explain(found[1], found[2], rtol=rtol, atol=atol))


def expect_reference(student, target, reference, *args, mutants=(), rtol=RTOL, atol=ATOL,
                     what=None, special=None, **kwargs):
    """Call `target` in the sandbox and compare with `reference(*args, **kwargs)` run here.

    On a mismatch, each known mutant is run here on the same inputs; if the student's answer
    matches one, its hint goes into the feedback; otherwise the general diagnosis (diagnosis.py)
    says what kind of mistake the difference shows. `special` names masks of entries where the
    docstring says something particular happens ({"where two pieces tie": mask}), for that
    diagnosis. Returns the student's value.
    """
    got = student.call(target, *args, **kwargs)
    expected = reference(*copied(args), **copied(kwargs))
    found = first_difference(got, expected, rtol, atol, what or f"the result of {target}",
                             names=returned_names(reference))
    if found:
        hint = diagnose(got, mutants, args, kwargs, rtol, atol) or diagnosis.explain(
            found[1], found[2], reference=reference, args=args, kwargs=kwargs,
            where=found[0], special=special, rtol=rtol, atol=atol)
        fail(found[3], hint)
    return got


def returned_names(reference):
    """The names a CS231n-style docstring gives the items of a returned tuple:
    "Returns a tuple of:\n    - dx: ...\n    - dgamma: ..." -> ("dx", "dgamma")."""
    doc = inspect.getdoc(reference) or ""
    if "Returns a tuple of" not in doc:
        return ()
    names = []
    for line in doc.split("Returns a tuple of", 1)[1].splitlines()[1:]:
        m = re.match(r"\s*- (\w+)\s*:", line)
        if m:
            names.append(m.group(1))
        elif line.strip() and not line.startswith((" ", "\t")):
            break
    return tuple(names)


def diagnose(got, mutants, args, kwargs, rtol=RTOL, atol=ATOL, part=None):
    """The hint of the first known mutant whose output (or `part` of it, e.g. lambda r: r[0])
    equals `got` on these inputs, if any."""
    for m in mutants:
        try:
            out = m.fn(*copied(args), **copied(kwargs))
            if mismatch(got, part(out) if part else out, rtol, atol) is None:
                return m.hint
        except Exception:  # a mutant that cannot run on these inputs simply does not match
            continue
    return None


def copied(v):
    """`v` with every array in it (in lists, tuples and dicts too) copied: so that a reference or
    a mutant run here cannot change the inputs of the next call."""
    if isinstance(v, np.ndarray):
        return v.copy()
    if isinstance(v, (list, tuple)):
        return type(v)(copied(x) for x in v)
    if isinstance(v, dict):
        return {k: copied(x) for k, x in v.items()}
    return v


def binomial_bounds(n, p, false_failure=1e-9):
    """Bounds [lo, hi] on a Binomial(n, p) count that a correct sampler leaves with probability at
    most `false_failure` (normal approximation with a 1/2 continuity correction, widened by a
    factor of 1.1 to cover the approximation's error in the tails at these sizes)."""
    z = _normal_quantile(1 - false_failure / 2) * 1.1
    sd = math.sqrt(n * p * (1 - p))
    return n * p - z * sd - 0.5, n * p + z * sd + 0.5


def _normal_quantile(q):
    lo, hi = 0.0, 40.0  # bisection on the survival function; plenty for q near 1
    for _ in range(200):
        mid = (lo + hi) / 2
        if 0.5 * math.erfc(mid / math.sqrt(2)) > 1 - q:
            lo = mid
        else:
            hi = mid
    return lo


# ------------------------------------------------------------------------------ statistics
# Random functions are checked by the distribution of what they draw, never by one sequence of
# draws. Each check below takes the false-failure probability it may have (the chance that a
# correct sampler fails it) and is exact or conservative for it at the sample sizes the suites use.

def normal_cdf(mean=0.0, std=1.0):
    return lambda x: np.interp((np.asarray(x, dtype=np.float64) - mean) / std, _Z, _PHI)


def uniform_cdf(low, high):
    return lambda x: np.clip((np.asarray(x) - low) / (high - low), 0.0, 1.0)


# The standard normal CDF at a sample's every value: linear interpolation in a table of math.erfc
# (step h = 1e-3 on [-9, 9]; 0 and 1 beyond, within 1e-19), a hundred times faster than math.erf
# per value. Its error is at most h**2 / 8 * max|pdf'| = 3.1e-8, and so is the change it makes to
# a Kolmogorov-Smirnov statistic: nothing against the 1/sqrt(n) scale of the statistic.
_Z = np.linspace(-9.0, 9.0, 18001)
_PHI = np.array([0.5 * math.erfc(-z / math.sqrt(2)) for z in _Z])


def ks_pvalue(sample, cdf):
    """(D, p) of the Kolmogorov-Smirnov test of `sample` against the continuous `cdf`: D is the
    largest distance between the sample's empirical CDF and cdf, p the chance that a sample of the
    right distribution lies as far (Kolmogorov's limit law with Stephens' correction for finite n,
    accurate to a few percent of p for n >= 100, and in the tail that matters here)."""
    x = np.sort(np.asarray(sample, dtype=np.float64).ravel())
    n = x.size
    F = cdf(x)
    d = float(max(np.max(np.arange(1, n + 1) / n - F), np.max(F - np.arange(n) / n)))
    lam = (math.sqrt(n) + 0.12 + 0.11 / math.sqrt(n)) * d
    if lam < 0.2:
        return d, 1.0
    p = 2 * sum((-1) ** (k - 1) * math.exp(-2 * k * k * lam * lam) for k in range(1, 101))
    return d, min(1.0, max(0.0, p))


def expect_distribution(sample, cdf, false_failure, what, described, hint=None):
    """Fail unless `sample` fits the distribution with CDF `cdf` (Kolmogorov-Smirnov over the whole
    sample, failing a correct sampler with probability `false_failure`)."""
    d, p = ks_pvalue(sample, cdf)
    if p < false_failure:
        fail(f"{what}: the {np.size(sample)} values drawn do not follow {described}. The largest gap "
             f"between their cumulative distribution and that one is {d:.4f}; a correct sampler "
             f"leaves a gap that large with probability {p:.1e}, below {false_failure:g}.", hint)


def dispersion_bounds(counts, n, p, false_failure):
    """(statistic, lo, hi) for counts that should be independent Binomial(n, p) draws: the statistic
    sum((c - n p)^2) / (n p (1 - p)) is then about chi-square with len(counts) degrees of freedom.
    Too small means the counts vary too little (an exact number kept each time, not independent
    draws); too large, too much. Wilson-Hilferty's quantiles, widened by 10% each side, bound the
    statistic's tails for len(counts) >= 20 and n p (1 - p) >= 5."""
    c = np.asarray(counts, dtype=np.float64)
    k = c.size
    stat = float(np.sum((c - n * p) ** 2) / (n * p * (1 - p)))
    z = _normal_quantile(1 - false_failure / 2)
    quantile = lambda z: k * (1 - 2 / (9 * k) + z * math.sqrt(2 / (9 * k))) ** 3  # noqa: E731
    return stat, max(0.0, quantile(-z) / 1.1), quantile(z) * 1.1
