"""Amari alpha-divergences and their limits alpha -> +-1 (LV-3).

    D_alpha(p || q) = 4 / (1 - alpha^2) * (1 - integral p^((1+alpha)/2) q^((1-alpha)/2) dx)

tends to KL(p || q) as alpha -> 1 and to KL(q || p) as alpha -> -1.  This module
holds the closed forms (two univariate Gaussians, two multivariate Gaussians,
two categorical laws, the defining integral for densities given as SymPy
expressions), the independent numeric checks (numbers only), and the
expressions the derivation of the homework states: the series route (alpha = 1 -
2 eps, t^eps = 1 + eps ln t + eps^2 R_eps(t) with an explicit remainder),
L'Hopital's rule, the special values alpha = 0, +-3, non-negativity, and the
Gaussian and categorical forms.  The words of the derivation are not here: the
spec in ``proofs/alpha_divergence.py`` composes these expressions into steps.

Two SymPy objects make integrals of *undefined* densities p(x), q(x) checkable:
:class:`LinearIntegral` (an integral over the real line that is never evaluated
and that ``expand`` splits by linearity; SymPy's own ``Integral`` does not split
integrals of undefined functions and its evaluation attempts run for tens of
seconds) and :class:`TaylorRemainder` (the exact second-order remainder of
t^eps, kept as a name until ``doit``).

Examples
--------
>>> import sympy as sp
>>> alpha_divergence_normal(0, 1, 0, 1, sp.Rational(1, 2))
0
>>> alpha_divergence_normal(0, 1, 1, 1, 1)        # the limit: KL(N(0,1) || N(1,1))
1/2
>>> alpha_divergence_categorical([sp.Rational(1, 2), sp.Rational(1, 2)], [1, 0], 0)
4 - 2*sqrt(2)
"""
from __future__ import annotations

import dataclasses
import random

import mpmath
import sympy as sp

from .formal import FormalIntegral
from .gaussian import kl_mvn, kl_normal

__all__ = ["LinearIntegral", "TaylorRemainder", "alpha_exponents", "alpha_divergence",
           "alpha_integral_normal", "alpha_divergence_normal", "alpha_integral_mvn",
           "alpha_divergence_mvn", "alpha_divergence_categorical",
           "cholesky_covariance", "divergence_of_integral", "QUAD_DIGITS", "AGREE_DIGITS", "mp_number",
           "normal_pdf_mp", "alpha_integral_quadrature", "alpha_divergence_categorical_sum",
           "agree_to_digits", "Comparison", "quadrature_check", "categorical_sum_check", "limit_gaps",
           "linear_approach_check", "bhattacharyya_check", "random_normal_pair", "cross_check_laws",
           "CROSS_CHECK_ALPHAS", "alpha_cross_checks",
           "Densities", "series_chain", "series_limit", "remainder_facts", "lhopital_forms",
           "special_values", "convex_generator", "nonnegativity_chain", "normal_symbols",
           "normal_density", "gaussian_square", "gaussian_integral", "bhattacharyya_normal",
           "mvn_square", "mvn_means", "mvn_forms", "categorical_forms", "example_laws", "json_friendly"]


# --------------------------------------------------------------------------- SymPy objects

class LinearIntegral(FormalIntegral):
    """:class:`~symbolic.formal.FormalIntegral` printed as ``\\int f\\, dx`` (the range is
    the common support of the densities, stated once in the assumptions).

    Examples
    --------
    >>> import sympy as sp
    >>> x, c = sp.Symbol('x', real=True), sp.Symbol('c')
    >>> f, g = sp.Function('f')(x), sp.Function('g')(x)
    >>> sp.expand(LinearIntegral(c*f + g, (x, -sp.oo, sp.oo)))
    c*Integral(f(x), (x, -oo, oo)) + Integral(g(x), (x, -oo, oo))
    """

    def _latex(self, printer):
        (var,) = self.variables
        return r"\int %s\, d%s" % (printer._print(self.function), printer._print(var))


class TaylorRemainder(sp.Function):
    """R_eps(t) = (t^eps - 1 - eps ln t) / eps^2, the exact remainder of t^eps = 1 + eps ln t + ...

    Arguments ``(t, eps)``.  Kept as a name (so ``1 + eps ln t + eps^2 R`` does
    not collapse back to ``t^eps``) until ``doit``.

    >>> import sympy as sp
    >>> t, e = sp.symbols('t epsilon', positive=True)
    >>> TaylorRemainder(t, e).doit()
    (-epsilon*log(t) + t**epsilon - 1)/epsilon**2
    """

    nargs = 2

    def doit(self, **hints):
        t, eps = ([a.doit(**hints) for a in self.args] if hints.get("deep", True) else self.args)
        return (t**eps - 1 - eps * sp.log(t)) / eps**2

    def _latex(self, printer):
        t, eps = self.args
        return r"R_{%s}\!\left(%s\right)" % (printer._print(eps), printer._print(t))


# --------------------------------------------------------------------------- closed forms

def alpha_exponents(alpha):
    """The exponents ``((1+alpha)/2, (1-alpha)/2)`` of p and q (they sum to one).

    >>> alpha_exponents(3)
    (2, -1)
    """
    alpha = _alpha(alpha)
    return (1 + alpha) / 2, (1 - alpha) / 2


def _alpha(alpha):
    try:
        value = sp.sympify(alpha)
    except (sp.SympifyError, TypeError):
        raise ValueError(f"alpha must be a real number or symbol, got {alpha!r}") from None
    if value.is_real is False or value.has(sp.oo, -sp.oo, sp.zoo, sp.nan):
        raise ValueError(f"alpha must be a finite real number, got {alpha!r}")
    return value


def divergence_of_integral(integral, alpha):
    """``4/(1 - alpha^2) (1 - integral)``: D_alpha from its integral (alpha != +-1)."""
    alpha = _alpha(alpha)
    return 4 / (1 - alpha**2) * (1 - integral)


def _is_plus_one(alpha):
    return bool(alpha.is_number and (alpha - 1).is_zero)        # also the float 1.0


def _is_minus_one(alpha):
    return bool(alpha.is_number and (alpha + 1).is_zero)


def alpha_divergence(p, q, x, alpha, interval=(-sp.oo, sp.oo)):
    """The defining integral of D_alpha(p||q) for densities given as SymPy expressions in ``x``.

    At ``alpha = 1`` (``-1``) it returns KL(p||q) (KL(q||p)), the limit.  A
    ``ValueError`` when the integral does not exist (SymPy finds it infinite).

    Parameters
    ----------
    p, q : SymPy expressions in ``x``, normalised densities on ``interval``.
    x : the SymPy symbol of integration.
    alpha : real number or symbol.
    interval : ``(low, high)``, the common support (default the real line).

    Examples
    --------
    >>> import sympy as sp
    >>> x = sp.Symbol('x', positive=True)
    >>> alpha_divergence(sp.exp(-x), 2*sp.exp(-2*x), x, 0, interval=(0, sp.oo))
    4 - 8*sqrt(2)/3
    >>> alpha_divergence(sp.exp(-x), 2*sp.exp(-2*x), x, 1, interval=(0, sp.oo))
    1 - log(2)
    """
    if not isinstance(x, sp.Symbol):
        raise ValueError(f"x must be a SymPy symbol, got {x!r}")
    p, q, alpha = sp.sympify(p), sp.sympify(q), _alpha(alpha)
    low, high = interval
    if _is_plus_one(alpha):
        value = sp.integrate(sp.expand_log(p * sp.log(p / q), force=False), (x, low, high))
    elif _is_minus_one(alpha):
        value = sp.integrate(sp.expand_log(q * sp.log(q / p), force=False), (x, low, high))
    else:
        a, b = alpha_exponents(alpha)
        value = divergence_of_integral(sp.integrate(sp.powsimp(p**a * q**b), (x, low, high)), alpha)
    value = sp.simplify(value)
    if value.has(sp.oo, -sp.oo, sp.zoo, sp.nan):
        raise ValueError(f"the alpha-divergence integral does not exist for alpha = {alpha}")
    return value


def _positive_scale(value, name):
    value = sp.sympify(value)
    if value.is_positive is False or value.is_real is False:
        raise ValueError(f"{name} must be positive, got {value}")
    return value


def alpha_integral_normal(mu1, sigma1, mu2, sigma2, alpha):
    """integral N(x; mu1, sigma1^2)^a N(x; mu2, sigma2^2)^b dx, a = (1+alpha)/2, b = (1-alpha)/2.

    Equal to sigma1^b sigma2^a / sqrt(s) exp(-a b (mu1-mu2)^2 / (2 s)),
    s = a sigma2^2 + b sigma1^2; it exists iff s > 0 (``ValueError`` when s <= 0
    is decided).

    >>> alpha_integral_normal(0, 1, 0, 2, 3)
    4*sqrt(7)/7
    """
    mu1, mu2 = sp.sympify(mu1), sp.sympify(mu2)
    sigma1, sigma2 = _positive_scale(sigma1, "sigma1"), _positive_scale(sigma2, "sigma2")
    a, b = alpha_exponents(alpha)
    s = a * sigma2**2 + b * sigma1**2
    if s.is_positive is False:
        raise ValueError("the alpha-integral of the two Gaussians diverges: "
                         f"(1+alpha)/2 sigma2^2 + (1-alpha)/2 sigma1^2 = {s} is not positive")
    return sigma1**b * sigma2**a / sp.sqrt(s) * sp.exp(-a * b * (mu1 - mu2)**2 / (2 * s))


def alpha_divergence_normal(mu1, sigma1, mu2, sigma2, alpha):
    """D_alpha(N(mu1, sigma1^2) || N(mu2, sigma2^2)), sigma the standard deviations.

    At alpha = 1 (-1) exactly: ``kl_normal`` (in the reverse direction), the limit.

    Examples
    --------
    >>> import sympy as sp
    >>> alpha_divergence_normal(0, 1, 1, 1, 0)
    4 - 4*exp(-1/8)
    >>> alpha_divergence_normal(0, 1, 0, 2, -1)
    3/2 - log(2)
    >>> alpha_divergence_normal(0, 2, 0, 1, 5)
    Traceback (most recent call last):
    ...
    ValueError: the alpha-integral of the two Gaussians diverges: ...
    """
    alpha = _alpha(alpha)
    mu1, mu2 = sp.sympify(mu1), sp.sympify(mu2)
    sigma1, sigma2 = _positive_scale(sigma1, "sigma1"), _positive_scale(sigma2, "sigma2")
    if _is_plus_one(alpha):
        return kl_normal(mu1, sigma1, mu2, sigma2)
    if _is_minus_one(alpha):
        return kl_normal(mu2, sigma2, mu1, sigma1)
    return divergence_of_integral(alpha_integral_normal(mu1, sigma1, mu2, sigma2, alpha), alpha)


def _mvn_inputs(mu1, S1, mu2, S2):
    try:
        mu1, mu2, S1, S2 = sp.Matrix(mu1), sp.Matrix(mu2), sp.Matrix(S1), sp.Matrix(S2)
    except (TypeError, ValueError, sp.SympifyError):
        raise ValueError("means must be vectors and covariances square matrices") from None
    d = S1.rows
    if S1.shape != (d, d) or S2.shape != (d, d) or mu1.shape != (d, 1) or mu2.shape != (d, 1):
        raise ValueError(f"shapes do not match: mu1 {mu1.shape}, S1 {S1.shape}, "
                         f"mu2 {mu2.shape}, S2 {S2.shape}")
    for name, S in (("S1", S1), ("S2", S2)):
        if (S - S.T).is_zero_matrix is False:
            raise ValueError(f"{name} must be symmetric")
        if S.is_positive_definite is False:
            raise ValueError(f"{name} must be positive-definite")
    return mu1, S1, mu2, S2


def alpha_integral_mvn(mu1, S1, mu2, S2, alpha):
    """integral N(x; mu1, S1)^a N(x; mu2, S2)^b dx for explicit matrices.

    Equal to det(S1)^(b/2) det(S2)^(a/2) det(C)^(-1/2) exp(-a b/2 dmu^T C^-1 dmu),
    C = a S2 + b S1, dmu = mu1 - mu2.  It exists iff a S1^-1 + b S2^-1 is
    positive-definite (``ValueError`` when that is decided false).

    >>> import sympy as sp
    >>> alpha_integral_mvn([0, 0], sp.eye(2), [0, 0], 2*sp.eye(2), 3)
    4/3
    """
    mu1, S1, mu2, S2 = _mvn_inputs(mu1, S1, mu2, S2)
    a, b = alpha_exponents(alpha)
    precision = a * S1.inv() + b * S2.inv()
    if precision.is_positive_definite is False:
        raise ValueError("the alpha-integral of the two Gaussians diverges: "
                         "(1+alpha)/2 S1^-1 + (1-alpha)/2 S2^-1 is not positive-definite")
    C = a * S2 + b * S1
    dmu = mu1 - mu2
    quad = (dmu.T * C.inv() * dmu)[0, 0]
    return (sp.sqrt(S1.det())**b * sp.sqrt(S2.det())**a / sp.sqrt(C.det())
            * sp.exp(-a * b * quad / 2))


def alpha_divergence_mvn(mu1, S1, mu2, S2, alpha):
    """D_alpha(N(mu1, S1) || N(mu2, S2)); at alpha = +-1 exactly the KL limit (``kl_mvn``).

    Examples
    --------
    >>> import sympy as sp
    >>> alpha_divergence_mvn([0, 0], sp.eye(2), [1, 0], sp.eye(2), 1)
    1/2
    >>> alpha_divergence_mvn([0, 0], sp.eye(2), [1, 0], sp.eye(2), 0)
    4 - 4*exp(-1/8)
    """
    alpha = _alpha(alpha)
    mu1, S1, mu2, S2 = _mvn_inputs(mu1, S1, mu2, S2)
    if _is_plus_one(alpha):
        return kl_mvn(mu1, S1, mu2, S2)
    if _is_minus_one(alpha):
        return kl_mvn(mu2, S2, mu1, S1)
    return divergence_of_integral(alpha_integral_mvn(mu1, S1, mu2, S2, alpha), alpha)


def alpha_divergence_categorical(p, q, alpha):
    """D_alpha between two categorical laws given as equal-length probability vectors.

    At alpha = 1 (-1): KL(p||q) (KL(q||p)) with 0 ln 0 = 0.  ``ValueError`` for
    bad vectors and where the divergence is infinite (a zero probability
    raised to a negative power, or KL with q_i = 0 < p_i).

    Examples
    --------
    >>> import sympy as sp
    >>> half = sp.Rational(1, 2)
    >>> alpha_divergence_categorical([half, half], [sp.Rational(1, 4), sp.Rational(3, 4)], 3)
    1/6
    >>> alpha_divergence_categorical([half, half], [1, 0], 1)
    Traceback (most recent call last):
    ...
    ValueError: KL(p||q) is infinite: q_2 = 0 < p_2
    """
    alpha = _alpha(alpha)
    p, q = _probabilities(p, "p"), _probabilities(q, "q")
    if len(p) != len(q):
        raise ValueError(f"p and q must have the same length, got {len(p)} and {len(q)}")
    if _is_plus_one(alpha):
        return _kl_categorical(p, q, "p", "q")
    if _is_minus_one(alpha):
        return _kl_categorical(q, p, "q", "p")
    a, b = alpha_exponents(alpha)
    total = 0
    for i, (pi, qi) in enumerate(zip(p, q), start=1):
        for name, value, power in (("p", pi, a), ("q", qi, b)):
            if value == 0 and power.is_negative:
                raise ValueError(f"D_alpha is infinite: {name}_{i} = 0 is raised to the power {power}")
        total += pi**a * qi**b
    return divergence_of_integral(total, alpha)


def _kl_categorical(p, q, pn, qn):
    total = 0
    for i, (pi, qi) in enumerate(zip(p, q), start=1):
        if pi == 0:
            continue                              # 0 ln 0 = 0
        if qi == 0:
            raise ValueError(f"KL({pn}||{qn}) is infinite: {qn}_{i} = 0 < {pn}_{i}")
        total += pi * sp.log(pi / qi)
    return sp.expand_log(total)


def _probabilities(values, name):
    try:
        values = [sp.sympify(v) for v in values]
    except (TypeError, sp.SympifyError):
        raise ValueError(f"{name} must be a sequence of probabilities") from None
    if not values:
        raise ValueError(f"{name} must not be empty")
    for i, v in enumerate(values, start=1):
        if v.is_negative or v.is_real is False:
            raise ValueError(f"{name}_{i} = {v} is not a probability")
    total = sp.simplify(sum(values))
    if total.is_number and abs(sp.N(total) - 1) > 1e-12:
        raise ValueError(f"{name} must sum to 1, sums to {total}")
    return values


# --------------------------------------------------------------------------- independent numeric checks

QUAD_DIGITS = 30     # working digits of the quadratures and direct sums
AGREE_DIGITS = 20    # digits a closed form must agree to


def mp_number(value):
    """A real SymPy (or Python) number as an mpmath number at the current mpmath precision.

    >>> import sympy as sp
    >>> with mpmath.workdps(20):
    ...     print(mpmath.nstr(mp_number(sp.Rational(1, 3)), 20))
    0.33333333333333333333
    """
    if isinstance(value, sp.Basic):
        return mpmath.mpmathify(sp.N(value, mpmath.mp.dps + 5))
    return mpmath.mpmathify(value)


def normal_pdf_mp(mu, sigma):
    """The density of N(mu, sigma^2) as an mpmath function (parameters read at the current precision).

    >>> float(normal_pdf_mp(0, 1)(0))
    0.3989422804014327
    """
    mu, sigma = mp_number(mu), mp_number(sigma)
    return lambda x: mpmath.npdf(x, mu, sigma)


def alpha_integral_quadrature(p, q, alpha, centre=0):
    """integral p^a q^b dx over the real line by mpmath's tanh-sinh quadrature (split at ``centre``).

    ``p`` and ``q`` are mpmath functions (e.g. :func:`normal_pdf_mp`); the
    integrand is evaluated pointwise, never from a closed form.

    >>> with mpmath.workdps(20):
    ...     print(mpmath.nstr(alpha_integral_quadrature(normal_pdf_mp(0, 1), normal_pdf_mp(0, 1), 3), 15))
    1.0
    """
    a, b = (mp_number(e) for e in alpha_exponents(alpha))
    return mpmath.quad(lambda x: p(x) ** a * q(x) ** b, [-mpmath.inf, mp_number(centre), mpmath.inf])


def alpha_divergence_categorical_sum(p, q, alpha):
    """D_alpha(p||q) of two categorical laws by the direct mpmath sum 4/(1-alpha^2) (1 - sum p_i^a q_i^b).

    >>> import sympy as sp
    >>> half = sp.Rational(1, 2)
    >>> with mpmath.workdps(20):
    ...     print(mpmath.nstr(alpha_divergence_categorical_sum([half, half], [1, 0], 0), 10))
    1.171572875
    """
    a, b = (mp_number(e) for e in alpha_exponents(alpha))
    total = mpmath.fsum(mp_number(pi) ** a * mp_number(qi) ** b for pi, qi in zip(p, q))
    return 4 / (1 - mp_number(alpha) ** 2) * (1 - total)


def agree_to_digits(a, b, digits=AGREE_DIGITS):
    """|a - b| <= 10^-digits (1 + |b|), evaluated at :data:`QUAD_DIGITS` working digits.

    >>> agree_to_digits(1, 1 + 1e-25), agree_to_digits(1, 1 + 1e-15)
    (True, False)
    """
    with mpmath.workdps(QUAD_DIGITS):
        a, b = mp_number(a), mp_number(b)
        return bool(abs(a - b) <= mpmath.mpf(10) ** (-digits) * (1 + abs(b)))


def _difference(a, b):
    with mpmath.workdps(QUAD_DIGITS):
        return abs(mp_number(a) - mp_number(b))


def random_normal_pair(rng):
    """Two seeded univariate Gaussians ``(mu1, sigma1, mu2, sigma2)`` (rationals, sigma in [1/2, 5/2]).

    >>> mu1, sigma1, mu2, sigma2 = random_normal_pair(random.Random(1))
    >>> sigma1 > 0 and sigma2 > 0
    True
    """
    draw = lambda: (sp.Rational(rng.randint(-200, 200), 100), sp.Rational(rng.randint(50, 250), 100))  # noqa: E731
    (mu1, sigma1), (mu2, sigma2) = draw(), draw()
    return mu1, sigma1, mu2, sigma2


@dataclasses.dataclass(frozen=True)
class Comparison:
    """A closed form against an independent numeric route: numbers only (the words are the caller's).

    ``differences`` pairs each compared alpha with |closed form - independent value| (an mpmath
    number); ``passed`` says whether every one is within ``digits`` digits (:func:`agree_to_digits`).
    For the approach to a limit, ``gap`` is D_alpha - KL at alpha = 1 - 10^-6 and ``ratio`` the
    gap there over the gap at 1 - 10^-7 (10 for a linear approach).
    """

    passed: bool
    differences: tuple = ()
    digits: int = AGREE_DIGITS
    gap: object = None
    ratio: object = None


def quadrature_check(params, alphas, closed_form=None, digits=AGREE_DIGITS) -> Comparison:
    """The closed form D_alpha of two Gaussians against quadrature of the defining integral.

    Parameters
    ----------
    params : ``(mu1, sigma1, mu2, sigma2)``, rationals.
    alphas : the alphas compared (each with an existing alpha-integral).
    closed_form : ``f(mu1, sigma1, mu2, sigma2, alpha)``, a SymPy number
        (default :func:`alpha_divergence_normal`).
    digits : the agreement required.

    >>> quadrature_check((0, 1, 1, sp.Rational(3, 2)), [sp.Rational(1, 2)]).passed
    True
    """
    closed_form = alpha_divergence_normal if closed_form is None else closed_form
    mu1, sigma1, mu2, sigma2 = params
    differences, ok = [], True
    for alpha in alphas:
        with mpmath.workdps(QUAD_DIGITS):
            integral = alpha_integral_quadrature(normal_pdf_mp(mu1, sigma1), normal_pdf_mp(mu2, sigma2),
                                                 alpha, centre=(mu1 + mu2) / 2)
            numeric = 4 / (1 - mp_number(alpha) ** 2) * (1 - integral)
        closed = closed_form(mu1, sigma1, mu2, sigma2, alpha)
        ok = ok and agree_to_digits(closed, numeric, digits)
        differences.append((alpha, _difference(closed, numeric)))
    return Comparison(ok, tuple(differences), digits)


def categorical_sum_check(p, q, alphas, closed_form=None, digits=AGREE_DIGITS) -> Comparison:
    """The categorical closed form against the direct mpmath sum, at each of ``alphas``.

    ``closed_form(p, q, alpha)`` defaults to :func:`alpha_divergence_categorical`.

    >>> half = sp.Rational(1, 2)
    >>> categorical_sum_check([half, half], [sp.Rational(1, 4), sp.Rational(3, 4)], [0, 3]).passed
    True
    """
    closed_form = alpha_divergence_categorical if closed_form is None else closed_form
    differences, ok = [], True
    for alpha in alphas:
        with mpmath.workdps(QUAD_DIGITS):
            direct = alpha_divergence_categorical_sum(p, q, alpha)
        closed = closed_form(p, q, alpha)
        ok = ok and agree_to_digits(closed, direct, digits)
        differences.append((alpha, _difference(closed, direct)))
    return Comparison(ok, tuple(differences), digits)


def limit_gaps(params, side, exponents, closed_form=None, target=None):
    """``D_alpha - target`` at ``alpha = side (1 - 10^-k)`` for k in ``exponents`` (40 digits).

    ``target`` defaults to the KL limit of that side (``kl_normal``, reversed for -1).

    >>> gaps = limit_gaps((0, 1, 1, sp.Rational(3, 2)), 1, [5, 6])
    >>> 9.99 < gaps[0] / gaps[1] < 10.01
    True
    """
    if side not in (1, -1):
        raise ValueError(f"side must be 1 or -1, got {side!r}")
    closed_form = alpha_divergence_normal if closed_form is None else closed_form
    mu1, sigma1, mu2, sigma2 = params
    if target is None:
        target = kl_normal(mu1, sigma1, mu2, sigma2) if side == 1 else kl_normal(mu2, sigma2, mu1, sigma1)
    return [sp.N(closed_form(mu1, sigma1, mu2, sigma2, side * (1 - sp.Rational(1, 10**k))) - target, 40)
            for k in exponents]


def linear_approach_check(params, closed_form=None, target=None) -> Comparison:
    """D_alpha at alpha = 1 - 10^-6 and 1 - 10^-7 against KL(p||q): the gap must shrink linearly.

    Passed when the gap at 1 - 10^-6 is below 10^-3 and ten times the one at
    1 - 10^-7 (to 10^-4 relative).

    >>> linear_approach_check((0, 1, 1, sp.Rational(3, 2))).passed
    True
    """
    g6, g7 = limit_gaps(params, 1, [6, 7], closed_form, target)
    # a wrong target leaves a constant gap (ratio near 1), a wrong rate another ratio
    ok = bool(g7 != 0 and abs(g6) < 1e-3 and abs(g6 / g7 / 10 - 1) < 1e-4)
    return Comparison(ok, gap=g6, ratio=g6 / g7 if g7 != 0 else None)


def bhattacharyya_check(params, closed_form=None, digits=AGREE_DIGITS) -> Comparison:
    """D_0 from the closed form against 4 (1 - BC), BC = integral sqrt(p q) dx by quadrature.

    >>> bhattacharyya_check((0, 1, 1, sp.Rational(3, 2))).passed
    True
    """
    closed_form = alpha_divergence_normal if closed_form is None else closed_form
    mu1, sigma1, mu2, sigma2 = params
    with mpmath.workdps(QUAD_DIGITS):
        p, q = normal_pdf_mp(mu1, sigma1), normal_pdf_mp(mu2, sigma2)
        bc = mpmath.quad(lambda x: mpmath.sqrt(p(x) * q(x)),
                         [-mpmath.inf, mp_number((mu1 + mu2) / 2), mpmath.inf])
        hellinger = 4 * (1 - bc)
    closed = closed_form(mu1, sigma1, mu2, sigma2, 0)
    return Comparison(agree_to_digits(closed, hellinger, digits),
                      ((sp.Integer(0), _difference(closed, hellinger)),), digits)


def cross_check_laws(seed: int = 0):
    """The laws the cross-checks use: seeded Gaussians ``(mu1, sigma1, mu2, sigma2)`` (redrawn
    until the alpha = -2 integral exists) and two categorical laws on three categories.

    >>> params, (p, q) = cross_check_laws(0)
    >>> len(params), sum(p), sum(q)
    (4, 1, 1)
    """
    rng = random.Random(f"alpha-divergence/cross-checks/{seed}")
    while True:
        params = random_normal_pair(rng)
        a, b = alpha_exponents(-2)
        if a * params[3]**2 + b * params[1]**2 > 0:    # the alpha = -2 integral exists
            break
    weights = [[rng.randint(1, 9) for _ in range(3)] for _ in range(2)]
    laws = tuple([sp.Rational(w, sum(ws)) for w in ws] for ws in weights)
    return params, laws


CROSS_CHECK_ALPHAS = {"quadrature": (sp.Rational(1, 2), sp.Integer(-2)),
                      "categorical": (sp.Rational(1, 2), sp.Integer(-2), sp.Integer(3))}


def alpha_cross_checks(seed: int = 0, closed_form=None, categorical=None) -> dict:
    """The independent checks of LV-3 (quadrature, direct sums, the approach to KL, D_0 against
    the Bhattacharyya coefficient) on the laws of :func:`cross_check_laws`, as :class:`Comparison`.

    ``closed_form(mu1, sigma1, mu2, sigma2, alpha)`` and ``categorical(p, q, alpha)`` are the closed
    forms checked (default this module's own).

    >>> {name: c.passed for name, c in alpha_cross_checks(0).items()}
    {'quadrature': True, 'categorical': True, 'approach': True, 'bhattacharyya': True}
    """
    params, (p, q) = cross_check_laws(seed)
    return {"quadrature": quadrature_check(params, CROSS_CHECK_ALPHAS["quadrature"], closed_form),
            "categorical": categorical_sum_check(p, q, CROSS_CHECK_ALPHAS["categorical"], categorical),
            "approach": linear_approach_check(params, closed_form),
            "bhattacharyya": bhattacharyya_check(params, closed_form)}


# --------------------------------------------------------------------------- the derivation's expressions
# What the LV-3 derivation states, as SymPy expressions (the spec in proofs/ adds the words).

def cholesky_covariance(name: str, d: int) -> sp.Matrix:
    """A general d x d covariance L L^T, L lower-triangular with positive diagonal (symbols).

    Every positive-definite matrix has exactly one such factorisation, so a
    statement proved for this matrix holds for all covariances of size d.

    >>> cholesky_covariance('l', 1)
    Matrix([[l_11**2]])
    """
    L = sp.zeros(d, d)
    for i in range(d):
        for j in range(i + 1):
            L[i, j] = sp.Symbol(f"{name}_{i + 1}{j + 1}", positive=True) if i == j \
                else sp.Symbol(f"{name}_{i + 1}{j + 1}", real=True)
    return L * L.T


class Densities:
    """Two positive densities p(x), q(x) on the real line, alpha, and the series variable
    epsilon (real and non-zero: the limits are two-sided); integrals are :class:`LinearIntegral`.

    >>> c = Densities()
    >>> c.definition(c.p, c.q, 0)
    4 - 4*Integral(sqrt(p(x))*sqrt(q(x)), (x, -oo, oo))
    """

    def __init__(self):
        self.x = sp.Symbol("x", real=True)
        self.eps = sp.Symbol("epsilon", real=True, nonzero=True)
        self.alpha = sp.Symbol("alpha", real=True)
        self.p = sp.Function("p", positive=True)(self.x)
        self.q = sp.Function("q", positive=True)(self.x)

    def integral(self, f):
        return LinearIntegral(f, (self.x, -sp.oo, sp.oo))

    def definition(self, p, q, alpha):
        """4/(1-alpha^2)(1 - integral p^a q^b dx)."""
        alpha = _alpha(alpha)                      # a Python 0 would make 4/(1 - 0) the float 4.0
        a, b = alpha_exponents(alpha)
        return 4 / (1 - alpha**2) * (1 - self.integral(p**a * q**b))

    def kl(self, first, second):
        """KL(first || second) = integral first ln(first/second) dx."""
        return self.integral(first * sp.log(first / second))


def series_chain(c: Densities, first, second):
    """The sides of the series route for D at alpha = 1 - 2 eps of ``(first, second)``:
    ``(s0, ..., s6)`` from the definition to KL/(1-eps) - eps r(eps)/(1-eps), with
    r(eps) = integral first R_eps(second/first) dx; returns ``(sides, kl, r)``.

    >>> c = Densities()
    >>> sides, kl, r = series_chain(c, c.p, c.q)
    >>> len(sides), sides[-1] == kl / (1 - c.eps) - c.eps * r / (1 - c.eps)
    (7, True)
    """
    eps, integral = c.eps, c.integral
    ratio = second / first
    R = TaylorRemainder(ratio, eps)
    kl, r = c.kl(first, second), integral(first * R)
    pre = 1 / (eps * (1 - eps))
    sides = (c.definition(first, second, 1 - 2 * eps),
             pre * (1 - integral(first**(1 - eps) * second**eps)),
             pre * (1 - integral(first * ratio**eps)),
             pre * (1 - integral(first * (1 + eps * sp.log(ratio) + eps**2 * R))),
             pre * (1 - (integral(first) + eps * integral(first * sp.log(ratio)) + eps**2 * r)),
             pre * (1 - (1 - eps * kl + eps**2 * r)),
             kl / (1 - eps) - eps * r / (1 - eps))
    return sides, kl, r


def series_limit(c: Densities, kl, rho):
    """The last line of the series route in the limit, by the sum and product rules:
    ``kl lim 1/(1-eps) - rho lim eps/(1-eps)`` (both limits two-sided), which equals ``kl``."""
    eps = c.eps
    return kl * sp.Limit(1 / (1 - eps), eps, 0, "+-") - rho * sp.Limit(eps / (1 - eps), eps, 0, "+-")


def remainder_facts():
    """The facts about R_eps(t) behind the interchange of limit and integral, as
    ``(lhs, rhs, relation)``: its limit (1/2) ln^2 t, Taylor's integral form of
    (e^u - 1 - u)/u^2, and e^u - 1 - u >= 0."""
    t = sp.Symbol("t", positive=True)
    eps = sp.Symbol("epsilon", real=True, nonzero=True)
    u = sp.Symbol("u", real=True, nonzero=True)
    s = sp.Symbol("s", real=True)
    return ((sp.Limit(TaylorRemainder(t, eps).doit(), eps, 0, "+-"), sp.log(t)**2 / 2, "=="),
            ((sp.exp(u) - 1 - u) / u**2, sp.Integral((1 - s) * sp.exp(s * u), (s, 0, 1)), "=="),
            (sp.exp(u) - 1 - u, sp.Integer(0), ">="))


def lhopital_forms(c: Densities, point):
    """L'Hopital's rule at alpha = ``point`` (1 or -1) for N(alpha)/M(alpha),
    N = 4(1 - integral p^a q^b dx), M = 1 - alpha^2: ``(N(point), N'(alpha), its closed
    form, N'(point)/M'(point), the KL it equals, the density whose normalisation makes N vanish)``."""
    alpha, p, q, integral = c.alpha, c.p, c.q, c.integral
    a, b = alpha_exponents(alpha)
    N = 4 * (1 - integral(p**a * q**b))
    M = 1 - alpha**2
    first, second = (p, q) if point == 1 else (q, p)
    quotient = (sp.Derivative(N, alpha) / sp.Derivative(M, alpha)).subs(alpha, point)
    return (N.subs(alpha, point), sp.Derivative(N, alpha), -2 * integral(p**a * q**b * sp.log(p / q)),
            quotient, c.kl(first, second), first)


def special_values(c: Densities):
    """D_alpha at alpha = 0, 3, -3 as chains ``(definition, after normalisation, named form)``:
    twice the squared Hellinger integral and half the two chi-square divergences."""
    p, q, integral = c.p, c.q, c.integral
    return ((c.definition(p, q, 0), 2 * (integral(p) + integral(q)) - 4 * integral(sp.sqrt(p) * sp.sqrt(q)),
             2 * integral((sp.sqrt(p) - sp.sqrt(q))**2)),
            (c.definition(p, q, 3), (integral(p**2 / q) - 2 * integral(p) + integral(q)) / 2,
             integral((p - q)**2 / q) / 2),
            (c.definition(p, q, -3), (integral(q**2 / p) - 2 * integral(q) + integral(p)) / 2,
             integral((q - p)**2 / p) / 2))


def convex_generator(alpha, t):
    """phi_alpha(t) = (a t + b - t^a)/(a b), with D_alpha(p||q) = integral q phi_alpha(p/q) dx.

    >>> t = sp.Symbol('t', positive=True)
    >>> convex_generator(sp.Integer(0), t)
    -4*sqrt(t) + 2*t + 2
    """
    a, b = alpha_exponents(alpha)
    return (a * t + b - t**a) / (a * b)


def nonnegativity_chain(c: Densities):
    """The sides of D_alpha = integral q phi_alpha(p/q) dx, and phi_alpha with its variable."""
    alpha, p, q, integral = c.alpha, c.p, c.q, c.integral
    a, b = alpha_exponents(alpha)
    t = sp.Symbol("t", positive=True)
    phi = convex_generator(alpha, t)
    pre = 4 / (1 - alpha**2)
    sides = (c.definition(p, q, alpha),
             pre * (a * integral(p) + b * integral(q) - integral(p**a * q**b)),
             pre * integral(a * p + b * q - p**a * q**b),
             integral(q * phi.subs(t, p / q)))
    return sides, phi, t


def normal_symbols():
    """``(mu1, sigma1, mu2, sigma2)``: two real means and two positive standard deviations."""
    mu1, mu2 = sp.symbols("mu1 mu2", real=True)
    sigma1, sigma2 = sp.symbols("sigma1 sigma2", positive=True)
    return mu1, sigma1, mu2, sigma2


def normal_density(x, mu, sigma):
    """N(x; mu, sigma^2) as a SymPy expression."""
    return sp.exp(-(x - mu)**2 / (2 * sigma**2)) / (sp.sqrt(2 * sp.pi) * sigma)


def gaussian_square(x, a, b, s=None):
    """Completing the square for p = N(mu1, sigma1^2), q = N(mu2, sigma2^2) (the symbols of
    :func:`normal_symbols`), as three pairs ``(lhs, rhs)``: the integrand p^a q^b, the exponent
    as a square plus a residual, and the integral.  ``s`` (default a sigma2^2 + b sigma1^2) may
    be a symbol, for display; ``lam`` stands for the precision s/(sigma1 sigma2)^2."""
    mu1, sigma1, mu2, sigma2 = normal_symbols()
    lam = sp.Symbol("lambda", positive=True)
    ss = a * sigma2**2 + b * sigma1**2 if s is None else s
    centre = (a * mu1 * sigma2**2 + b * mu2 * sigma1**2) / ss
    quadratic = a * (x - mu1)**2 / sigma1**2 + b * (x - mu2)**2 / sigma2**2
    residual = a * b * (mu1 - mu2)**2 / ss
    constant = sp.exp(-residual / 2) / (sp.sqrt(2 * sp.pi) * sigma1**a * sigma2**b)
    integral_ab = sigma1**b * sigma2**a / sp.sqrt(ss) * sp.exp(-a * b * (mu1 - mu2)**2 / (2 * ss))
    return ((normal_density(x, mu1, sigma1)**a * normal_density(x, mu2, sigma2)**b,
             sp.exp(-quadratic / 2) / (sp.sqrt(2 * sp.pi) * sigma1**a * sigma2**b)),
            (quadratic, ss * (x - centre)**2 / (sigma1**2 * sigma2**2) + residual),
            (constant * (sp.sqrt(2 * sp.pi) / sp.sqrt(lam)).subs(lam, ss / (sigma1**2 * sigma2**2)),
             integral_ab))


def gaussian_integral(x):
    """The Gaussian integral of precision lambda: ``(integral, sqrt(2 pi / lambda))``."""
    lam, m = sp.Symbol("lambda", positive=True), sp.Symbol("m", real=True)
    return sp.Integral(sp.exp(-lam * (x - m)**2 / 2), (x, -sp.oo, sp.oo)), sp.sqrt(2 * sp.pi) / sp.sqrt(lam)


def bhattacharyya_normal(mu1, sigma1, mu2, sigma2):
    """D_0 of two Gaussians, 4 (1 - BC): BC = sqrt(2 s1 s2/(s1^2 + s2^2)) exp(-(mu1-mu2)^2/(4(s1^2+s2^2)))."""
    return 4 * (1 - sp.sqrt(2 * sigma1 * sigma2 / (sigma1**2 + sigma2**2))
                * sp.exp(-(mu1 - mu2)**2 / (4 * (sigma1**2 + sigma2**2))))


def _mvn_integral_formula(mu1, S1, mu2, S2, alpha):
    a, b = alpha_exponents(alpha)
    C = a * S2 + b * S1
    dmu = mu1 - mu2
    quad = (dmu.T * C.inv() * dmu)[0, 0]
    return sp.sqrt(S1.det())**b * sp.sqrt(S2.det())**a / sp.sqrt(C.det()) * sp.exp(-a * b * quad / 2)


def mvn_square(dim: int):
    """Completing the square in ``dim`` dimensions for any symmetric precisions Lambda_1, Lambda_2
    and any a, b: ``(lhs, rhs)`` of a (x-mu1)^T L1 (x-mu1) + b (x-mu2)^T L2 (x-mu2)
    = (x-m)^T A (x-m) + a b Delta^T L2 A^-1 L1 Delta, A = a L1 + b L2."""
    L1, L2 = (sp.Matrix(dim, dim, lambda i, j, n=n: sp.Symbol(f"{n}_{min(i, j) + 1}{max(i, j) + 1}",
                                                                real=True)) for n in ("u", "w"))
    m1, m2 = mvn_means(dim)
    ga, gb = sp.symbols("a b", real=True)
    xs = sp.Matrix([sp.Symbol(f"x_{i + 1}", real=True) for i in range(dim)])
    A = ga * L1 + gb * L2
    A_inv = A.adjugate() / A.det()
    centre = A_inv * (ga * L1 * m1 + gb * L2 * m2)
    delta = m1 - m2
    lhs = (ga * (xs - m1).T * L1 * (xs - m1) + gb * (xs - m2).T * L2 * (xs - m2))[0, 0]
    rhs = ((xs - centre).T * A * (xs - centre))[0, 0] + ga * gb * (delta.T * L2 * A_inv * L1 * delta)[0, 0]
    return lhs, rhs


def mvn_means(dim: int):
    """Two symbolic mean vectors ``(m, n)`` of length ``dim``."""
    return (sp.Matrix([sp.Symbol(f"m_{i + 1}", real=True) for i in range(dim)]),
            sp.Matrix([sp.Symbol(f"n_{i + 1}", real=True) for i in range(dim)]))


def mvn_forms(alpha, dim: int):
    """The multivariate part for general covariances (Cholesky form) of size ``dim``:
    ``(S1, S2, integral, quotient at 1, quotient at -1, KL(p||q), KL(q||p))``, the quotients
    being N'(+-1)/M'(+-1) of L'Hopital's rule for N = 4(1 - integral), M = 1 - alpha^2."""
    S1, S2 = cholesky_covariance("l", dim), cholesky_covariance("k", dim)
    m1, m2 = mvn_means(dim)
    integral = _mvn_integral_formula(m1, S1, m2, S2, alpha)
    N = 4 * (1 - integral)
    quotient = sp.Derivative(N, alpha) / sp.Derivative(1 - alpha**2, alpha)
    return (S1, S2, integral, quotient.subs(alpha, 1), quotient.subs(alpha, -1),
            kl_mvn(m1, S1, m2, S2), kl_mvn(m2, S2, m1, S1))


def categorical_forms(alpha, k: int = 3):
    """Two categorical laws on ``k`` categories: ``(ps, qs, D_alpha, D_alpha as a sum of
    non-negative terms, its limit at 1 before normalisation, KL(p||q), the same at -1, KL(q||p))``."""
    a, b = alpha_exponents(alpha)
    ps = sp.symbols(f"p_1:{k + 1}", positive=True)
    qs = sp.symbols(f"q_1:{k + 1}", positive=True)
    pairs = list(zip(ps, qs))
    return (ps, qs,
            4 / (1 - alpha**2) * (1 - sum(pi**a * qi**b for pi, qi in pairs)),
            4 / (1 - alpha**2) * sum(a * pi + b * qi - pi**a * qi**b for pi, qi in pairs),
            sum(pi * sp.log(pi / qi) - pi + qi for pi, qi in pairs),
            sum(pi * sp.log(pi / qi) for pi, qi in pairs),
            sum(qi * sp.log(qi / pi) - qi + pi for pi, qi in pairs),
            sum(qi * sp.log(qi / pi) for pi, qi in pairs))


def example_laws(seed: int):
    """Two seeded categorical laws on three categories for the numeric example.

    >>> example_laws(0)
    ([7/15, 7/15, 1/15], [5/22, 9/22, 4/11])
    """
    rng = random.Random(seed)
    weights_p = [rng.randint(1, 9) for _ in range(3)]
    weights_q = [rng.randint(1, 9) for _ in range(3)]
    return ([sp.Rational(w, sum(weights_p)) for w in weights_p],
            [sp.Rational(w, sum(weights_q)) for w in weights_q])


def json_friendly(expr, c: Densities):
    """``expr`` with SymPy's own ``Integral`` and p, q without assumptions: ``srepr`` drops the
    assumptions of undefined functions, so this form survives a JSON round trip exactly."""
    expr = expr.replace(lambda e: isinstance(e, LinearIntegral), lambda e: sp.Integral(e.function, *e.limits))
    return expr.xreplace({c.p: sp.Function("p")(c.x), c.q: sp.Function("q")(c.x)})
