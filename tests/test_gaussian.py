"""symbolic.gaussian: closed forms, validation, the moment route, and independent numeric checks."""
import random

import mpmath
import pytest
import sympy as sp
from conftest import close

from symbolic.gaussian import (GaussianExpectation, SymbolicGaussian, asymmetry_example, check_spd,
                               cholesky_symbols, exact_random_check, expect, kl_1d_formula, kl_by_moments,
                               kl_chain, kl_general_formula, kl_monte_carlo, kl_mvn, kl_normal,
                               kl_quadrature_1d, kl_quadrature_2d, kl_vae_prior_formula,
                               log_ratio_general, monte_carlo_check, quadratic_form_chain,
                               quadrature_checks, random_spd, special_covariances)


def _rational(rng, lo, hi, den=4):
    return sp.Rational(rng.randint(lo, hi), rng.randint(1, den))


def _random_pair(d, rng):
    return ([_rational(rng, -5, 5) for _ in range(d)], random_spd(d, rng),
            [_rational(rng, -5, 5) for _ in range(d)], random_spd(d, rng))


# --------------------------------------------------------------------------- closed forms

def test_kl_normal_of_identical_distributions_is_zero():
    mu, s = sp.Symbol("mu", real=True), sp.Symbol("s", positive=True)
    assert sp.simplify(kl_normal(mu, s, mu, s)) == 0


def test_kl_normal_is_asymmetric_on_a_concrete_pair():
    assert kl_normal(0, 1, 1, 2) == sp.log(2) - sp.Rational(1, 4)
    assert kl_normal(1, 2, 0, 1) == 2 - sp.log(2)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_kl_normal_matches_quadrature_of_the_defining_integral(seed):
    rng = random.Random(seed)
    m1, s1, m2, s2 = _rational(rng, -6, 6), _rational(rng, 1, 6), _rational(rng, -6, 6), _rational(rng, 1, 6)
    with mpmath.workdps(40):
        quad = kl_quadrature_1d(m1, s1, m2, s2, dps=30)
        assert close(quad, sp.N(kl_normal(m1, s1, m2, s2), 40), digits=25)


def test_kl_mvn_in_one_dimension_is_kl_normal():
    mu1, mu2 = sp.symbols("mu1 mu2", real=True)
    s1, s2 = sp.symbols("sigma1 sigma2", positive=True)
    got = kl_mvn([mu1], [[s1**2]], [mu2], [[s2**2]])
    assert sp.simplify(sp.expand_log(got - kl_normal(mu1, s1, mu2, s2))) == 0


@pytest.mark.parametrize("seed", [0, 1])
def test_kl_mvn_matches_2d_quadrature_of_the_defining_integral(seed):
    mu1, S1, mu2, S2 = _random_pair(2, random.Random(100 + seed))
    with mpmath.workdps(40):
        quad = kl_quadrature_2d(mu1, S1, mu2, S2, dps=25)
        assert close(quad, sp.N(kl_mvn(mu1, S1, mu2, S2), 40), digits=20)


def test_2d_quadrature_detects_a_wrong_covariance():
    # the numeric route must be able to fail: swap S2 for S1 and the values differ
    mu1, S1, mu2, S2 = _random_pair(2, random.Random(7))
    with mpmath.workdps(40):
        quad = kl_quadrature_2d(mu1, S1, mu2, S2, dps=25)
        assert not close(quad, sp.N(kl_mvn(mu1, S2, mu2, S1), 40), digits=5)


def test_kl_mvn_matches_seeded_monte_carlo_in_five_dimensions():
    rng = random.Random(5)
    mu1, S1, mu2, S2 = _random_pair(5, rng)
    closed = float(kl_mvn(mu1, S1, mu2, S2))
    mean, stderr = kl_monte_carlo(mu1, S1, mu2, S2, n=200_000, seed=5)
    assert abs(mean - closed) < 4 * stderr
    assert stderr < 0.05 * closed            # the test is sharp enough to catch a wrong formula


def test_monte_carlo_cross_check_passes_for_kl_mvn_and_fails_for_a_wrong_closed_form():
    right = monte_carlo_check(d=5, seed=0, n=100_000)
    assert right.passed is True and right.errors < 4 and right.value > 0
    # covariances exchanged in the closed form: the check must notice
    swapped = monte_carlo_check(d=5, seed=0, n=100_000,
                                closed_form=lambda m1, S1, m2, S2: kl_mvn(m1, S2, m2, S1))
    assert swapped.passed is False
    assert swapped.errors > 4 and swapped.estimate == right.estimate
    # "- d" off by one (1/2 too large): also caught, at about 14 standard errors
    off_by_one = monte_carlo_check(d=5, seed=0, n=100_000,
                                   closed_form=lambda *a: kl_mvn(*a) + sp.Rational(1, 2))
    assert off_by_one.passed is False


def test_monte_carlo_is_seeded():
    args = ([0, 0], sp.eye(2), [1, 0], 2 * sp.eye(2))
    assert kl_monte_carlo(*args, n=1000, seed=3) == kl_monte_carlo(*args, n=1000, seed=3)
    assert kl_monte_carlo(*args, n=1000, seed=3) != kl_monte_carlo(*args, n=1000, seed=4)
    with pytest.raises(ValueError, match="number of samples"):
        kl_monte_carlo(*args, n=1)


def test_kl_mvn_is_nonnegative_and_zero_only_on_the_diagonal_pair():
    rng = random.Random(11)
    for d in (1, 3, 4):
        mu1, S1, mu2, S2 = _random_pair(d, rng)
        assert float(kl_mvn(mu1, S1, mu2, S2)) > 0
        assert kl_mvn(mu1, S1, mu1, S1) == 0


# --------------------------------------------------------------------------- validation

def test_non_symmetric_covariance_is_rejected():
    with pytest.raises(ValueError, match="S1 is not symmetric"):
        kl_mvn([0, 0], [[2, 1], [0, 2]], [0, 0], sp.eye(2))


def test_indefinite_covariance_is_rejected_exactly():
    # leading minors 1 and 1 - (1 + 1e-30)^2 < 0: a float check could miss it, an exact one cannot
    eps = sp.Rational(1, 10**30)
    with pytest.raises(ValueError, match="S2 is not positive-definite"):
        kl_mvn([0, 0], sp.eye(2), [0, 0], [[1, 1 + eps], [1 + eps, 1]])


def test_singular_covariance_is_rejected():
    with pytest.raises(ValueError, match="leading 2 x 2 minor is 0"):
        check_spd([[1, 1], [1, 1]])


def test_symbolic_covariance_with_negative_variance_is_rejected():
    s = sp.Symbol("s", positive=True)
    with pytest.raises(ValueError, match="diagonal entry 1"):
        check_spd([[-s, 0], [0, s]])


def test_shape_mismatches_are_rejected():
    with pytest.raises(ValueError, match="mu1 has 3 entries"):
        kl_mvn([0, 0, 0], sp.eye(2), [0, 0], sp.eye(2))
    with pytest.raises(ValueError, match="S1 is 2 x 2 but S2 is 3 x 3"):
        kl_mvn([0, 0], sp.eye(2), [0, 0, 0], sp.eye(3))
    with pytest.raises(ValueError, match="square"):
        check_spd([[1, 2, 3]])


def test_non_positive_standard_deviation_is_rejected():
    with pytest.raises(ValueError, match="sigma2 must be a positive"):
        kl_normal(0, 1, 0, 0)
    with pytest.raises(ValueError, match="sigma1 must be a positive"):
        kl_normal(0, sp.Symbol("t", negative=True), 0, 1)


# --------------------------------------------------------------------------- the moment route

def test_expectation_uses_only_the_first_two_moments():
    x = sp.symbols("x1 x2", real=True)
    m1, m2, s12 = sp.symbols("m1 m2 s12", real=True)
    S = sp.Matrix([[2, s12], [s12, 3]])
    assert sp.expand(expect(x[0] * x[1] + 3 * x[1]**2 - x[0] + 5, x, (m1, m2), S)) == \
        sp.expand(s12 + m1 * m2 + 3 * (3 + m2**2) - m1 + 5)


def test_expectation_of_a_cubic_is_left_unevaluated():
    x = sp.symbols("x1", real=True)
    E = GaussianExpectation(x**3, [x], [0], [[1]])
    assert E.doit() == E
    with pytest.raises(ValueError, match="degree <= 2"):
        expect(x**3, [x], [0], [[1]])


def test_expectation_variables_are_bound():
    x, m = sp.symbols("x m", real=True)
    assert GaussianExpectation(x**2, [x], [m], [[1]]).free_symbols == {m}


def test_moment_route_equals_closed_form_symbolically_in_two_dimensions():
    p1 = SymbolicGaussian.symbolic(2, "l", "mu", "1")
    p2 = SymbolicGaussian.symbolic(2, "r", "mu", "2")
    moments = kl_by_moments(p1, p2)
    closed = kl_mvn(p1.mean, p1.cov, p2.mean, p2.cov)
    assert sp.cancel(sp.expand(sp.expand_log(moments - closed))) == 0


def test_cholesky_parametrisation_makes_the_determinant_positive():
    g = SymbolicGaussian(sp.zeros(3, 1), cholesky_symbols(3, "l"))
    assert g.det.is_positive
    assert sp.expand(g.cov.det() - g.det) == 0


@pytest.mark.parametrize("d", [1, 4, 32])
def test_exact_random_check_agrees_up_to_dimension_32(d):
    result = exact_random_check(d, seed=3)
    assert result["agree"]
    assert result["moments"] == result["closed"]


def test_exact_random_check_is_deterministic_and_seeded():
    assert exact_random_check(3, seed=1) == exact_random_check(3, seed=1)
    assert exact_random_check(3, seed=1)["moments"] != exact_random_check(3, seed=2)["moments"]


def test_exact_random_check_value_is_the_closed_form_at_its_point():
    # the returned value is a real KL: positive, and equal to kl_mvn at the same matrices
    rng = random.Random("gaussian-kl/0/2")
    from symbolic.gaussian import _random_spd_fractions
    F1, F2 = _random_spd_fractions(2, rng), _random_spd_fractions(2, rng)
    from fractions import Fraction
    m1 = [Fraction(rng.randint(-9, 9), rng.randint(1, 5)) for _ in range(2)]
    m2 = [Fraction(rng.randint(-9, 9), rng.randint(1, 5)) for _ in range(2)]
    to = lambda F: sp.Matrix(F).applyfunc(lambda f: sp.Rational(f.numerator, f.denominator))  # noqa: E731
    expected = kl_mvn(to([[v] for v in m1]), to(F1), to([[v] for v in m2]), to(F2))
    got = exact_random_check(2, seed=0)["closed"]
    assert sp.simplify(sp.expand_log(got - expected)) == 0


# --------------------------------------------------------------------------- named formulas

def test_kl_1d_formula_uses_the_documented_symbols():
    names = {s.name: s for s in kl_1d_formula().free_symbols}
    assert set(names) == {"mu1", "mu2", "sigma1", "sigma2"}
    assert names["sigma1"].is_positive and names["sigma2"].is_positive


def test_vae_prior_formula_agrees_with_kl_mvn_in_three_dimensions():
    formula = kl_vae_prior_formula()
    d = next(s for s in formula.free_symbols if s.name == "d")
    mu, sigma = sp.IndexedBase("mu", real=True), sp.IndexedBase("sigma", positive=True)
    m = [sp.Rational(1, 2), -1, 2]
    s = [sp.Rational(3, 2), 1, sp.Rational(1, 3)]
    value = formula.subs(d, 3).doit().subs({**{mu[i + 1]: m[i] for i in range(3)},
                                            **{sigma[i + 1]: s[i] for i in range(3)}})
    expected = kl_mvn(m, sp.diag(*[v**2 for v in s]), [0, 0, 0], sp.eye(3))
    assert sp.simplify(sp.expand_log(value - expected, force=False)) == 0


def test_general_formula_round_trips_through_srepr():
    formula = kl_general_formula()
    back = sp.sympify(sp.srepr(formula), locals={"Str": sp.core.symbol.Str})
    assert back == formula


def test_random_spd_is_spd_and_reproducible():
    S = random_spd(6, random.Random(4))
    assert check_spd(S) == S
    assert random_spd(6, random.Random(4)) == S


# --------------------------------------------------------------------------- the derivation's expressions

def test_quadrature_checks_agree_with_the_closed_form_to_many_digits():
    one, two = quadrature_checks(0)
    assert (one.d, two.d) == (1, 2)
    assert one.passed and two.passed
    assert one.error < 1e-25 and two.error < 1e-20
    assert len(one.point) == 4 and one.point[1] > 0 and one.point[3] > 0


def test_log_ratio_general_holds_for_a_symbolic_dimension():
    lhs, rhs = log_ratio_general()
    assert any(s.name == "d" for s in lhs.free_symbols)
    assert sp.simplify(sp.expand_log(lhs - rhs)) == 0


def test_quadratic_form_chain_ends_in_trace_plus_quadratic_term():
    # the chain's first stage, evaluated from the moments, is its last stage, in every dimension
    first, *_, last = quadratic_form_chain((1, 2))
    assert first.shape == last.shape == (2, 1)
    for k in range(2):
        assert sp.expand(first[k].doit() - last[k]) == 0


def test_kl_chain_ends_in_kl_mvn_of_the_same_matrices():
    first, *_, last = kl_chain((1, 2))
    p1 = SymbolicGaussian.symbolic(2, "l", "mu", "1")
    p2 = SymbolicGaussian.symbolic(2, "r", "mu", "2")
    closed = kl_mvn(p1.mean, p1.cov, p2.mean, p2.cov)
    assert sp.simplify(sp.expand_log(last[1] - closed)) == 0
    assert isinstance(first[0], GaussianExpectation)


def test_special_covariances_are_the_familiar_forms_at_a_point():
    cases = special_covariances((2,))
    assert set(cases) == {"diagonal", "isotropic", "vae_prior"}
    for lhs, rhs in cases.values():
        point = {s: sp.Rational(3, 2) if s.is_positive else sp.Rational(-1, 3)
                 for s in lhs.free_symbols | rhs.free_symbols}
        assert sp.simplify(sp.expand_log((lhs[0] - rhs[0]).xreplace(point))) == 0


def test_asymmetry_example_values():
    pq, v_pq, qp, v_qp = asymmetry_example()
    assert (pq.doit(), qp.doit()) == (v_pq, v_qp)
    assert float(v_qp - v_pq) > 0
