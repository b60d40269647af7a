"""The statistical checks hidden suites use fail a correct sampler no more often than they say, and
fail the usual wrong samplers."""
import math

import numpy as np

from autograder.grading import (binomial_bounds, dispersion_bounds, ks_pvalue, normal_cdf,
                                uniform_cdf)

RUNS = 4000


def test_ks_false_failure_rate_is_as_stated():
    # at a stated 1% the rejections of correct samples are Binomial(RUNS, 0.01): within its bounds
    rng = np.random.default_rng(1)
    rejected = sum(ks_pvalue(rng.uniform(-1, 1, 300), uniform_cdf(-1, 1))[1] < 0.01 for _ in range(RUNS))
    lo, hi = binomial_bounds(RUNS, 0.01, 1e-6)
    assert lo <= rejected <= hi, rejected


def test_the_normal_cdf_is_within_its_stated_error_of_math_erfc():
    z = np.concatenate([np.linspace(-12, 12, 200_001), [-np.inf, np.inf]])
    exact = np.array([0.5 * math.erfc(-v / math.sqrt(2)) for v in z])
    assert np.max(np.abs(normal_cdf(0, 1)(z) - exact)) <= 3.1e-8
    x = np.random.default_rng(4).normal(3, 2, 1000)
    exact = np.array([0.5 * math.erfc(-(v - 3) / (2 * math.sqrt(2))) for v in x])
    assert np.max(np.abs(normal_cdf(3, 2)(x) - exact)) <= 3.1e-8


def test_ks_rejects_wrong_distributions():
    # at 1e-9, 20000 draws tell apart a std 10% off, and a uniform of the right mean and variance
    rng = np.random.default_rng(2)
    x = rng.normal(0, 1, 20000)
    assert ks_pvalue(x, normal_cdf(0, 1))[1] > 1e-9
    assert ks_pvalue(x, normal_cdf(0, 1.1))[1] < 1e-9
    assert ks_pvalue(rng.uniform(-np.sqrt(3), np.sqrt(3), 20000), normal_cdf(0, 1))[1] < 1e-9


def test_dispersion_passes_independent_counts_and_fails_exact_ones():
    rng = np.random.default_rng(3)
    n, p, rows = 50, 0.3, 200
    failures = 0
    for _ in range(500):
        stat, lo, hi = dispersion_bounds(rng.binomial(n, p, rows), n, p, 1e-3)
        failures += not lo <= stat <= hi
    assert failures <= 5, failures   # stated 1e-3: about 0.5 expected in 500
    exact = np.full(rows, int(n * p))  # the same number kept in every row
    stat, lo, hi = dispersion_bounds(exact, n, p, 1e-9)
    assert stat < lo
