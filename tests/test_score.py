"""symbolic.score: the formal integrals, Gaussian moments, closed forms, Monte Carlo."""
import math

import mpmath
import numpy as np
import pytest
import sympy as sp

from symbolic.check import verify
from symbolic.score import (A, C, DIM, EPS, MNIST_PARAMS, MU, S, SIGMA, FormalIntegral,
                            GaussianMoment, compact_form, elbo, gaussian_expectation, grad_mu,
                            grad_sigma, h_coordinate, mnist_offset, moment_form, monte_carlo,
                            optimal_baseline_mu, quadrature_moments, reparam_estimators,
                            score_estimators, var_reparam_mu, var_reparam_sigma, var_score_mu,
                            var_score_mu_baseline, var_score_sigma, variance_curves,
                            variance_ratio, variance_table)
from conftest import close

MC_BAND = 5.0                                    # standard errors allowed for Monte Carlo
# an arbitrary point away from every special case (q != posterior, sigma != s)
POINT = {MU: sp.Rational(3, 10), SIGMA: sp.Rational(7, 10), A: sp.Rational(-1, 5),
         S: sp.Rational(13, 10)}

z, t = sp.symbols("z t", real=True)
g = sp.Function("g")(z)
LIM = (z, -sp.oo, sp.oo)


# --------------------------------------------------------------------------- formal integrals

def test_formal_integral_splits_sums_and_pulls_out_constants_only():
    split = FormalIntegral(t * g + 2 * g**2, LIM).doit()
    assert split == t * FormalIntegral(g, LIM) + 2 * FormalIntegral(g**2, LIM)


def test_formal_integral_does_not_factor_a_product_of_z_dependent_terms():
    # regression: int g h dz must never become (int g)(int h)
    h = sp.Function("h")(z)
    product = FormalIntegral(g * h, LIM)
    assert verify(product, FormalIntegral(g, LIM) * FormalIntegral(h, LIM)).status != "proved"


def test_normalisation_is_not_provable_for_an_undefined_q():
    # without the r / int r representation the checker must not claim int q = 1
    q = sp.Function("q")(z, t)
    assert verify(FormalIntegral(q, LIM), 1).status != "proved"
    assert verify(sp.Derivative(FormalIntegral(q, LIM), t), 0).status != "proved"


def test_normalised_representation_integrates_to_one():
    r = sp.Function("r")(z, t)
    q = r / FormalIntegral(r, LIM)
    assert verify(FormalIntegral(q, LIM), 1).status == "proved"


# --------------------------------------------------------------------------- moments

def test_gaussian_moment_values_match_sympy_integration():
    e = EPS[0]
    for k in range(7):
        integral = sp.integrate(e**k * sp.exp(-e**2 / 2) / sp.sqrt(2 * sp.pi), (e, -sp.oo, sp.oo))
        assert GaussianMoment(e, k).doit() == integral


def test_gaussian_moment_rejects_a_non_integer_order():
    with pytest.raises(ValueError, match="non-negative integer order"):
        GaussianMoment(EPS[0], sp.Rational(1, 2))


def test_moment_form_rejects_non_polynomials():
    with pytest.raises(ValueError, match="polynomial"):
        moment_form(sp.exp(EPS[0]), [EPS[0]])
    with pytest.raises(ValueError, match="polynomial"):
        moment_form(1 / EPS[0], [EPS[0]])


def test_gaussian_expectation_agrees_with_naive_poly_route():
    # an independent implementation: sympy Poly + double factorials
    expr = score_estimators(2)["mu"]**2 * EPS[1]**2
    poly = sp.Poly(sp.expand(expr), *EPS[:2])
    naive = sum(coeff * sp.Mul(*[0 if k % 2 else sp.factorial2(k - 1) for k in monom])
                for monom, coeff in poly.terms())
    assert sp.expand(gaussian_expectation(expr, EPS[:2]) - naive) == 0


# --------------------------------------------------------------------------- closed forms

def test_compact_forms_equal_the_expanded_ones():
    pairs = {"elbo": elbo(DIM), "grad_mu": grad_mu(), "grad_sigma": grad_sigma(),
             "var_score_mu": var_score_mu(DIM), "var_score_sigma": var_score_sigma(DIM),
             "var_reparam_mu": var_reparam_mu(), "var_reparam_sigma": var_reparam_sigma(),
             "optimal_baseline_mu": optimal_baseline_mu(DIM),
             "var_score_mu_baseline": var_score_mu_baseline(DIM)}
    for name, expanded in pairs.items():
        assert sp.expand(sp.expand_log(compact_form(name) - expanded)) == 0, name


def test_closed_forms_agree_with_mpmath_quadrature_in_one_dimension():
    # independent route: numerical integration against the normal density
    c_value = sp.Rational(37, 10)
    values = {**POINT, C: c_value}
    cases = {"score_sigma": (score_estimators(1)["sigma"], var_score_sigma(1), grad_sigma()),
             "reparam_sigma": (reparam_estimators(1)["sigma"], var_reparam_sigma(), grad_sigma())}
    with mpmath.workdps(25):
        for name, (estimator, variance, mean) in cases.items():
            fn = sp.lambdify(EPS[0], estimator.subs(values), "mpmath")
            density = lambda x: mpmath.exp(-x * x / 2) / mpmath.sqrt(2 * mpmath.pi)
            m1 = mpmath.quad(lambda x: fn(x) * density(x), [-mpmath.inf, 0, mpmath.inf])
            m2 = mpmath.quad(lambda x: fn(x)**2 * density(x), [-mpmath.inf, 0, mpmath.inf])
            assert close(m1, sp.N(mean.subs(values), 40), digits=15), name
            assert close(m2 - m1**2, sp.N(variance.subs(values), 40), digits=15), name


def test_closed_forms_agree_with_gauss_hermite_in_three_dimensions():
    c_value = 5
    for which, closed in (("score_mu", var_score_mu(DIM)), ("score_sigma", var_score_sigma(DIM)),
                          ("reparam_mu", var_reparam_mu())):
        mean, var = quadrature_moments(3, which, c_value, POINT)
        exact = float(closed.subs({**POINT, C: c_value, DIM: 3}))
        assert math.isclose(var, exact, rel_tol=1e-10), which


def test_estimators_at_the_exact_posterior():
    # q = posterior: f = -c is constant, the gradient is zero, the score-function variance c^2/sigma^2
    at_posterior = {MU: A, SIGMA: S}
    assert sp.simplify(var_score_mu(DIM).subs(at_posterior) - C**2 / S**2) == 0
    assert grad_mu().subs(at_posterior) == 0
    assert var_score_mu_baseline(DIM).subs(at_posterior) == 0


def test_offset_adds_the_stated_terms():
    # Var_c - Var_0 = -2c E[s^2 f_0] + c^2 E[s^2], s = eps_1 / sigma, at D = 2 explicitly
    e1 = EPS[0]
    f0 = h_coordinate(EPS[0]) + h_coordinate(EPS[1])
    s2f0 = gaussian_expectation(e1**2 / SIGMA**2 * f0, EPS[:2])
    gap = var_score_mu(2) - var_score_mu(2).subs(C, 0)
    assert verify(gap, -2 * C * s2f0 + C**2 / SIGMA**2).status == "proved"


def test_reparam_variance_is_independent_of_offset_and_dimension():
    for v in (var_reparam_mu(), var_reparam_sigma()):
        assert C not in v.free_symbols and DIM not in v.free_symbols


def test_optimal_baseline_minimises_the_variance():
    # brute force: the variance over a grid of baselines is smallest at b*
    values = {**POINT, C: 3, DIM: 4}
    b_star = float(optimal_baseline_mu(DIM).subs(values))
    shift = sp.Symbol("b", real=True)
    var_b = sp.lambdify(shift, var_score_mu(DIM).subs(C, C + shift).subs(values))
    grid = np.linspace(b_star - 3, b_star + 3, 61)
    best = grid[int(np.argmin([var_b(b) for b in grid]))]
    assert abs(best - b_star) <= 0.05 + 1e-12
    assert math.isclose(var_b(b_star), float(var_score_mu_baseline(DIM).subs(values)), rel_tol=1e-12)


def test_dimension_growth_is_quadratic_without_baseline_and_linear_with():
    v = var_score_mu(DIM).subs(POINT).subs(C, 0)
    vb = var_score_mu_baseline(DIM).subs(POINT)
    assert sp.degree(sp.expand(v), DIM) == 2
    assert sp.degree(sp.expand(vb), DIM) == 1


def test_mnist_ratio_regression():
    # pins the configuration: 784 ln 2 offset, D = 2, posterior N(0,1), q = N(1/2, 1)
    ratio = float(variance_ratio(2, mnist_offset()))
    c = 784 * math.log(2)
    assert ratio > c**2                          # the offset term alone gives c^2
    assert math.isclose(ratio, 295585.8539176855, rel_tol=1e-12)


def test_variance_table_and_curves_agree():
    rows = variance_table(3, [0, 10])
    curves = variance_curves(3, [0.0, 10.0], [3])
    assert [r["var_score"] for r in rows] == pytest.approx(curves["against_c"]["score"].tolist(), rel=1e-12)
    assert rows[1]["ratio"] == pytest.approx(rows[1]["var_score"] / rows[1]["var_reparam"])


@pytest.mark.parametrize("bad", [0, -1, 2.5, True])
def test_bad_dimension_is_rejected(bad):
    with pytest.raises(ValueError, match="positive integer"):
        variance_table(bad, [0])


def test_too_many_explicit_dimensions_are_rejected():
    with pytest.raises(ValueError, match="at most 3"):
        score_estimators(4)


# --------------------------------------------------------------------------- Monte Carlo

@pytest.mark.parametrize("dim, c_value, params", [
    (2, 784 * math.log(2), MNIST_PARAMS),
    (3, 4.0, POINT),
    (1, 0.0, POINT),
])
def test_monte_carlo_agrees_with_closed_forms(dim, c_value, params):
    result = monte_carlo(dim, c_value, 100_000, seed=7, params=params)
    for name, r in result.items():
        assert abs(r["z_mean"]) < MC_BAND, (name, r)
        assert abs(r["z_var"]) < MC_BAND, (name, r)


def test_monte_carlo_detects_a_wrong_closed_form():
    # the band is not vacuous: the variance without the c^2 term is many standard errors off
    r = monte_carlo(2, 50.0, 100_000, seed=3, params=POINT)["score_mu"]
    wrong = float((var_score_mu(DIM) - C**2 / SIGMA**2).subs({**POINT, C: 50, DIM: 2}))
    assert abs(r["var"] - wrong) / r["se_var"] > 20


def test_monte_carlo_is_deterministic_for_a_seed():
    a = monte_carlo(2, 1.0, 5000, seed=11)
    b = monte_carlo(2, 1.0, 5000, seed=11)
    assert a == b
    assert a != monte_carlo(2, 1.0, 5000, seed=12)


@pytest.mark.parametrize("kwargs, message", [
    (dict(samples=1), "samples"), (dict(seed=-1), "seed"), (dict(dim=0), "positive integer")])
def test_monte_carlo_rejects_bad_input(kwargs, message):
    args = dict(dim=2, c_value=0.0, samples=1000, seed=0)
    args.update(kwargs)
    with pytest.raises(ValueError, match=message):
        monte_carlo(**args)


# --------------------------------------------------------------------------- the steps' expressions

from symbolic.score import (baseline_forms, coordinate_forms, elbo_gradient_forms,  # noqa: E402
                            offset_forms, ratio_form, variance_any_dim_form)


def test_elbo_gradient_chain_holds_link_by_link():
    forms = elbo_gradient_forms()
    for a, b in (("gradient", "under"), ("under", "split"), ("split", "expectation"),
                 ("mean_score", "d_integral_q")):
        assert verify(forms[a], forms[b]).status == "proved", (a, b)
    assert verify(forms["d_integral_q"], 0).status == "proved"


def test_coordinate_forms_are_pairs_of_equal_expressions():
    for name, (lhs, rhs) in coordinate_forms().items():
        assert verify(lhs, rhs).status == "proved", name


def test_variance_any_dimension_form_matches_the_closed_forms():
    for which, closed in (("mu", var_score_mu(DIM)), ("sigma", var_score_sigma(DIM))):
        assert sp.expand(variance_any_dim_form(which).doit() - closed) == 0, which


def test_offset_and_baseline_forms_equal_their_right_sides_at_a_point():
    values = {**POINT, C: sp.Rational(7, 3), DIM: 4, sp.Symbol("b", real=True): sp.Rational(-5, 2)}
    for name, (lhs, rhs) in {**offset_forms(), **baseline_forms()}.items():
        gap = sp.sympify(lhs - rhs)
        gap = gap.xreplace({m: m.doit() for m in gap.atoms(GaussianMoment)}).doit()
        assert abs(sp.N(gap.subs(values), 50)) < 1e-40, name


def test_ratio_form_holds_the_mnist_ratio():
    held, value = ratio_form(2)
    assert math.isclose(float(value), 295585.8539176855, rel_tol=1e-12)
    assert sp.simplify(held.doit() - value) == 0
