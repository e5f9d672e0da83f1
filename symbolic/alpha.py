"""Amari alpha-divergences and their limits alpha -> +-1 (LV-3).

    D_alpha(p || q) = 4 / (1 - alpha^2) * (1 - integral p^((1+alpha)/2) q^((1-alpha)/2) dx)

tends to KL(p || q) as alpha -> 1 and to KL(q || p) as alpha -> -1.  This module
holds the closed forms (two univariate Gaussians, two multivariate Gaussians,
two categorical laws, the defining integral for densities given as SymPy
expressions) and builds the derivation of the homework problem: the limits
for arbitrary densities by the series route (alpha = 1 - 2 eps, t^eps = 1 +
eps ln t + eps^2 R_eps(t) with an explicit remainder) and by L'Hopital's rule,
the Gaussian and categorical limits, and the special values alpha = 0, +-3.

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

from .derivation import Assumption, CrossCheck, Derivation, Exhibit, Goal, Step
from .formal import FormalIntegral
from .gaussian import kl_mvn, kl_normal
from .latex import expr_latex

__all__ = ["LinearIntegral", "TaylorRemainder", "alpha_exponents", "alpha_divergence",
           "alpha_integral_normal", "alpha_divergence_normal", "alpha_integral_mvn",
           "alpha_divergence_mvn", "alpha_divergence_categorical", "alpha_derivation",
           "cholesky_covariance", "divergence_of_integral", "QUAD_DIGITS", "AGREE_DIGITS", "mp_number",
           "normal_pdf_mp", "alpha_integral_quadrature", "alpha_divergence_categorical_sum",
           "agree_to_digits", "quadrature_check", "categorical_sum_check", "limit_gaps",
           "linear_approach_check", "bhattacharyya_check", "random_normal_pair", "alpha_cross_checks"]


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
        return mpmath.nstr(abs(mp_number(a) - mp_number(b)), 2)


def random_normal_pair(rng):
    """Two seeded univariate Gaussians ``(mu1, sigma1, mu2, sigma2)`` (rationals, sigma in [1/2, 5/2]).

    >>> mu1, sigma1, mu2, sigma2 = random_normal_pair(random.Random(1))
    >>> sigma1 > 0 and sigma2 > 0
    True
    """
    draw = lambda: (sp.Rational(rng.randint(-200, 200), 100), sp.Rational(rng.randint(50, 250), 100))  # noqa: E731
    (mu1, sigma1), (mu2, sigma2) = draw(), draw()
    return mu1, sigma1, mu2, sigma2


def quadrature_check(params, alphas, closed_form=None, digits=AGREE_DIGITS) -> CrossCheck:
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
    worst, ok = [], True
    for alpha in alphas:
        with mpmath.workdps(QUAD_DIGITS):
            integral = alpha_integral_quadrature(normal_pdf_mp(mu1, sigma1), normal_pdf_mp(mu2, sigma2),
                                                 alpha, centre=(mu1 + mu2) / 2)
            numeric = 4 / (1 - mp_number(alpha) ** 2) * (1 - integral)
        closed = closed_form(mu1, sigma1, mu2, sigma2, alpha)
        ok = ok and agree_to_digits(closed, numeric, digits)
        worst.append(f"{_difference(closed, numeric)} at $\\alpha = {sp.latex(alpha)}$")
    return CrossCheck(
        f"$D_\\alpha$ of $p = N({mu1}, ({sigma1})^2)$, $q = N({mu2}, ({sigma2})^2)$ "
        "by mpmath quadrature of the defining integral",
        "the Gaussian closed form (g)",
        "differences " + ", ".join(worst) + (f", below $10^{{-{digits}}}$" if ok else ": DISAGREE"), ok)


def categorical_sum_check(p, q, alphas, closed_form=None, digits=AGREE_DIGITS) -> CrossCheck:
    """The categorical closed form against the direct mpmath sum, at each of ``alphas``.

    ``closed_form(p, q, alpha)`` defaults to :func:`alpha_divergence_categorical`.

    >>> half = sp.Rational(1, 2)
    >>> categorical_sum_check([half, half], [sp.Rational(1, 4), sp.Rational(3, 4)], [0, 3]).passed
    True
    """
    closed_form = alpha_divergence_categorical if closed_form is None else closed_form
    ok = True
    for alpha in alphas:
        with mpmath.workdps(QUAD_DIGITS):
            direct = alpha_divergence_categorical_sum(p, q, alpha)
        ok = ok and agree_to_digits(closed_form(p, q, alpha), direct, digits)
    shown = ", ".join(f"${sp.latex(a)}$" for a in alphas)
    return CrossCheck(f"categorical $D_\\alpha(p\\|q)$, $p = {tuple(p)}$, $q = {tuple(q)}$, at alpha = {shown}",
                      "the direct sum $\\frac{4}{1-\\alpha^2}(1 - \\sum_i p_i^a q_i^b)$",
                      f"equal to ${digits}$ digits" if ok else "DISAGREE", ok)


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


def linear_approach_check(params, closed_form=None, target=None) -> CrossCheck:
    """D_alpha at alpha = 1 - 10^-6 and 1 - 10^-7 against KL(p||q): the gap must shrink linearly.

    Passed when the gap at 1 - 10^-6 is below 10^-3 and ten times the one at
    1 - 10^-7 (to 10^-4 relative).

    >>> linear_approach_check((0, 1, 1, sp.Rational(3, 2))).passed
    True
    """
    g6, g7 = limit_gaps(params, 1, [6, 7], closed_form, target)
    # a wrong target leaves a constant gap (ratio near 1), a wrong rate another ratio
    ok = bool(g7 != 0 and abs(g6) < 1e-3 and abs(g6 / g7 / 10 - 1) < 1e-4)
    ratio = f"{float(g6 / g7):.7f}" if g7 != 0 else "undefined"
    return CrossCheck("$D_\\alpha$ of the same Gaussians at $\\alpha = 1 - 10^{-6}$ and $1 - 10^{-7}$",
                      "$\\mathrm{KL}(p\\|q)$ of LV-1",
                      f"gap {float(g6):.3g} at $1 - 10^{{-6}}$, ratio of the gaps {ratio}"
                      + (" (linear)" if ok else ": NOT a linear approach"), ok)


def bhattacharyya_check(params, closed_form=None, digits=AGREE_DIGITS) -> CrossCheck:
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
    ok = agree_to_digits(closed, hellinger, digits)
    return CrossCheck("$D_0$ of the same Gaussians (closed form at $\\alpha = 0$)",
                      "$4(1 - \\mathrm{BC})$, $\\mathrm{BC} = \\int\\sqrt{pq}\\,dx$ by quadrature",
                      f"difference {_difference(closed, hellinger)}"
                      + (f", below $10^{{-{digits}}}$" if ok else ": DISAGREE"), ok)


def alpha_cross_checks(seed: int = 0, closed_form=None, categorical=None, laws=None) -> tuple:
    """The independent checks of the derivation (quadrature, direct sums, the approach to KL).

    Parameters
    ----------
    seed : seed of the two random Gaussians (redrawn until the alpha = -2 integral exists).
    closed_form : ``f(mu1, sigma1, mu2, sigma2, alpha)``, the Gaussian closed form checked.
    categorical : ``f(p, q, alpha)``, the categorical closed form checked.
    laws : the two categorical laws ``(p, q)`` (default: seeded laws on three categories).

    >>> [c.passed for c in alpha_cross_checks(0)]
    [True, True, True, True]
    """
    rng = random.Random(f"alpha-divergence/cross-checks/{seed}")
    while True:
        params = random_normal_pair(rng)
        a, b = alpha_exponents(-2)
        if a * params[3]**2 + b * params[1]**2 > 0:    # the alpha = -2 integral exists
            break
    if laws is None:
        weights = [[rng.randint(1, 9) for _ in range(3)] for _ in range(2)]
        laws = tuple([sp.Rational(w, sum(ws)) for w in ws] for ws in weights)
    return (quadrature_check(params, [sp.Rational(1, 2), sp.Integer(-2)], closed_form),
            categorical_sum_check(laws[0], laws[1], [sp.Rational(1, 2), sp.Integer(-2), sp.Integer(3)],
                                  categorical),
            linear_approach_check(params, closed_form),
            bhattacharyya_check(params, closed_form))


# --------------------------------------------------------------------------- the derivation

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


def _definition(p, q, x, alpha, integral=None):
    """4/(1-alpha^2)(1 - integral p^a q^b) with the integral a LinearIntegral over R."""
    alpha = _alpha(alpha)
    a, b = alpha_exponents(alpha)
    integral = integral or (lambda f: LinearIntegral(f, (x, -sp.oo, sp.oo)))
    return 4 / (1 - alpha**2) * (1 - integral(p**a * q**b))



def _series_steps(start, first, second, eps, label, integral, names):
    """From D at alpha = +-(1 - 2 eps) to K/(1-eps) - eps r(eps)/(1-eps), K = int first ln(first/second)."""
    f_name, g_name = names
    ratio = second / first
    R = TaylorRemainder(ratio, eps)
    K = integral(first * sp.log(first / second))
    r = integral(first * R)
    pre = 1 / (eps * (1 - eps))
    s1 = pre * (1 - integral(first**(1 - eps) * second**eps))
    s2 = pre * (1 - integral(first * ratio**eps))
    s3 = pre * (1 - integral(first * (1 + eps * sp.log(ratio) + eps**2 * R)))
    s4 = pre * (1 - (integral(first) + eps * integral(first * sp.log(ratio)) + eps**2 * r))
    s5 = pre * (1 - (1 - eps * K + eps**2 * r))
    s6 = K / (1 - eps) - eps * r / (1 - eps)
    steps = [
        Step(start, s1, "the definition at this alpha: $1 - \\alpha^2 = 4\\varepsilon(1-\\varepsilon)$, "
             "and the exponents become $1-\\varepsilon$ and $\\varepsilon$", heading=label),
        Step(s1, s2, f"pointwise ${f_name}^{{1-\\varepsilon}} {g_name}^{{\\varepsilon}} = "
             f"{f_name}\\,({g_name}/{f_name})^{{\\varepsilon}}$, valid because both densities are "
             "positive on the common support (Assumption 2)"),
        Step(s2, s3, "exact expansion $t^{\\varepsilon} = 1 + \\varepsilon\\ln t + "
             "\\varepsilon^2 R_{\\varepsilon}(t)$, where the remainder "
             "$R_{\\varepsilon}(t) = (t^{\\varepsilon} - 1 - \\varepsilon\\ln t)/\\varepsilon^2$ "
             "is kept (an identity: nothing is dropped)"),
        Step(s3, s4, "linearity of the integral; every term is integrable (Assumptions 3 and 4)"),
        Step(s4, s5, f"normalisation $\\int {f_name}\\,dx = 1$ (Assumption 1: the only case) and "
             f"$\\ln({g_name}/{f_name}) = -\\ln({f_name}/{g_name})$", cases=[{integral(first): 1}]),
        Step(s5, s6, "algebra"),
    ]
    return steps, s6, K, r


def _lhopital_steps(p, q, alpha, point, label, integral):
    """N(alpha)/M(alpha) with N = 4(1 - int p^a q^b), M = 1 - alpha^2: N(point) = 0, N'/M' -> KL."""
    a, b = alpha_exponents(alpha)
    N = 4 * (1 - integral(p**a * q**b))
    M = 1 - alpha**2
    first, second = (p, q) if point == 1 else (q, p)
    f_name = "p" if point == 1 else "q"
    K = integral(first * sp.log(first / second))
    quotient = (sp.Derivative(N, alpha) / sp.Derivative(M, alpha)).subs(alpha, point)
    steps = [
        Step(N.subs(alpha, point), 0, f"the numerator $N(\\alpha) = 4(1 - \\int p^a q^b\\,dx)$ at "
             f"$\\alpha = {point}$ vanishes by the normalisation $\\int {f_name}\\,dx = 1$ "
             "(Assumption 1); so does $M(\\alpha) = 1 - \\alpha^2$", cases=[{integral(first): 1}],
             heading=label),
        Step(sp.Derivative(N, alpha), -2 * integral(p**a * q**b * sp.log(p / q)),
             "differentiation under the integral sign (Leibniz rule; Assumption 5 dominates "
             "$\\partial_\\alpha$ of the integrand)"),
        Step(quotient, K, "L'Hopital's rule: $N$ and $M$ vanish at the point, are differentiable, "
             f"and $M'({point}) = {-2 * point} \\ne 0$, so $\\lim D_\\alpha = N'/M'$ there; "
             "then the normalisation-free algebra $p^1 q^0 = p$"),
    ]
    return steps, quotient, K


def _normal_symbols():
    mu1, mu2 = sp.symbols("mu1 mu2", real=True)
    sigma1, sigma2 = sp.symbols("sigma1 sigma2", positive=True)
    return mu1, sigma1, mu2, sigma2


def _mvn_integral_formula(mu1, S1, mu2, S2, alpha):
    a, b = alpha_exponents(alpha)
    C = a * S2 + b * S1
    dmu = mu1 - mu2
    quad = (dmu.T * C.inv() * dmu)[0, 0]
    return sp.sqrt(S1.det())**b * sp.sqrt(S2.det())**a / sp.sqrt(C.det()) * sp.exp(-a * b * quad / 2)


class _Setting:
    """The symbols shared by the parts of the derivation."""

    def __init__(self):
        self.x = sp.Symbol("x", real=True)
        self.eps = sp.Symbol("varepsilon", positive=True)
        self.alpha = sp.Symbol("alpha", real=True)
        self.p = sp.Function("p", positive=True)(self.x)
        self.q = sp.Function("q", positive=True)(self.x)

    def integral(self, f):
        return LinearIntegral(f, (self.x, -sp.oo, sp.oo))


def _general_part(c):
    """(a)-(f): both limits for arbitrary densities (two routes), special values, D >= 0."""
    x, eps, alpha, p, q, integral = c.x, c.eps, c.alpha, c.p, c.q, c.integral
    a, b = alpha_exponents(alpha)
    steps, goals = [], []

    # ---- (a) series route, both limits
    start_plus = _definition(p, q, x, 1 - 2 * eps)
    start_minus = _definition(p, q, x, -1 + 2 * eps)
    plus, end_plus, K_plus, _ = _series_steps(
        start_plus, p, q, eps,
        "(a) The limit $\\alpha \\to 1$ by the series $t^\\varepsilon = 1 + \\varepsilon\\ln t + "
        "\\varepsilon^2 R_\\varepsilon(t)$: put $\\alpha = 1 - 2\\varepsilon$, $\\varepsilon \\to 0^+$",
        integral, ("p", "q"))
    minus, end_minus, K_minus, _ = _series_steps(
        start_minus, q, p, eps,
        "(b) The limit $\\alpha \\to -1$: put $\\alpha = -1 + 2\\varepsilon$, $\\varepsilon \\to 0^+$ "
        "(the same steps with p and q exchanged)", integral, ("q", "p"))
    steps += plus + minus
    goals += [Goal(start_plus, end_plus), Goal(start_minus, end_minus)]

    # ---- (c) the remainder and the limit
    t = sp.Symbol("t", positive=True)
    u = sp.Symbol("u", real=True, nonzero=True)
    s = sp.Symbol("s", real=True)
    rho_plus = sp.Symbol("rho_+", nonnegative=True)
    rho_minus = sp.Symbol("rho_-", nonnegative=True)
    steps += [
        Step(sp.Limit(TaylorRemainder(t, eps).doit(), eps, 0, "+"), sp.log(t)**2 / 2,
             "the remainder stays bounded: $t^{\\varepsilon} = 1 + \\varepsilon\\ln t + "
             "O(\\varepsilon^2)$ with $R_\\varepsilon(t) \\to (1/2)\\ln^2 t$ for every $t > 0$",
             heading="(c) The remainder, and the interchange of limit and integral"),
        Step((sp.exp(u) - 1 - u) / u**2, sp.Integral((1 - s) * sp.exp(s * u), (s, 0, 1)),
             "Taylor's remainder in integral form, $u = \\varepsilon\\ln t \\ne 0$: hence "
             "$0 \\le R_\\varepsilon(t) \\le (1/2) \\ln^2 t\\,\\max(1, t^{\\varepsilon})$, "
             "the bound behind the dominating function of Assumption 3"),
        Step(sp.exp(u) - 1 - u, 0, "the numerator is non-negative, so $R_\\varepsilon \\ge 0$",
             relation=">="),
        Step(K_plus * sp.Limit(1 / (1 - eps), eps, 0, "+")
             - rho_plus * sp.Limit(eps / (1 - eps), eps, 0, "+"),
             K_plus, "by (a), $D_{1-2\\varepsilon} = K/(1-\\varepsilon) - \\varepsilon r(\\varepsilon)"
             "/(1-\\varepsilon)$ with $r(\\varepsilon) = \\int p R_\\varepsilon(q/p)\\,dx$; dominated "
             "convergence (Assumption 3) gives $r(\\varepsilon) \\to \\rho_+ = (1/2)\\int p \\ln^2(q/p)"
             "\\,dx < \\infty$, so the sum and product rules for limits give "
             "$\\lim_{\\varepsilon\\to0+} D_{1-2\\varepsilon}(p||q)$ = this = KL$(p||q)$"),
        Step(K_minus * sp.Limit(1 / (1 - eps), eps, 0, "+")
             - rho_minus * sp.Limit(eps / (1 - eps), eps, 0, "+"),
             K_minus, "the same for $\\alpha = -1 + 2\\varepsilon$ by (b), "
             "$\\rho_- = (1/2)\\int q \\ln^2(p/q)\\,dx$: "
             "$\\lim_{\\varepsilon\\to0+} D_{-1+2\\varepsilon}(p||q)$ = KL$(q||p)$"),
    ]

    limit_plus, limit_minus = steps[-2], steps[-1]
    goals += [Goal(limit_plus.lhs, K_plus), Goal(limit_minus.lhs, K_minus)]

    # ---- (d) second route: L'Hopital
    h_plus, quotient_plus, _ = _lhopital_steps(
        p, q, alpha, 1, "(d) Second route: L'Hopital's rule at $\\alpha = 1$, "
        "$D_\\alpha = N(\\alpha)/M(\\alpha)$", integral)
    h_minus, quotient_minus, _ = _lhopital_steps(
        p, q, alpha, -1, "(d') L'Hopital's rule at $\\alpha = -1$", integral)
    steps += h_plus + h_minus
    goals += [Goal(quotient_plus, K_plus), Goal(quotient_minus, K_minus)]

    # ---- (e) special values and symmetry
    d0 = _definition(p, q, x, 0)
    d3 = _definition(p, q, x, 3)
    dm3 = _definition(p, q, x, -3)
    both = [{integral(p): 1, integral(q): 1}]
    hellinger = 2 * integral((sp.sqrt(p) - sp.sqrt(q))**2)
    chi_pq = integral((p - q)**2 / q) / 2
    chi_qp = integral((q - p)**2 / p) / 2
    steps += [
        Step(d0, 2 * (integral(p) + integral(q)) - 4 * integral(sp.sqrt(p) * sp.sqrt(q)),
             "$\\alpha = 0$; normalisation of both densities (Assumption 1)", cases=both,
             heading="(e) Special values ($\\alpha = 0$: Hellinger; $\\alpha = \\pm 3$: chi-square) "
                     "and symmetry"),
        Step(2 * (integral(p) + integral(q)) - 4 * integral(sp.sqrt(p) * sp.sqrt(q)), hellinger,
             "linearity: $2\\int(\\sqrt p - \\sqrt q)^2 = 4(1 - BC)$, twice the squared Hellinger "
             "distance up to its convention, $BC = \\int\\sqrt{pq}$ the Bhattacharyya coefficient"),
        Step(d3, (integral(p**2 / q) - 2 * integral(p) + integral(q)) / 2,
             "$\\alpha = 3$: exponents 2 and -1; normalisation (Assumption 1)", cases=both),
        Step((integral(p**2 / q) - 2 * integral(p) + integral(q)) / 2, chi_pq,
             "linearity: $\\chi^2(p||q)/2$"),
        Step(dm3, (integral(q**2 / p) - 2 * integral(q) + integral(p)) / 2,
             "$\\alpha = -3$: exponents -1 and 2; normalisation (Assumption 1)", cases=both),
        Step((integral(q**2 / p) - 2 * integral(q) + integral(p)) / 2, chi_qp,
             "linearity: $\\chi^2(q||p)/2$"),
        Step(_definition(p, q, x, alpha), _definition(q, p, x, -alpha),
             "symmetry $D_\\alpha(p||q) = D_{-\\alpha}(q||p)$: exchanging p and q and the sign "
             "of alpha exchanges the two exponents", rhs_tex=r"D_{-\alpha}(q\,\|\,p)"),
    ]
    goals += [Goal(d0, hellinger), Goal(d3, chi_pq), Goal(dm3, chi_qp)]

    # ---- (f) non-negativity
    tt = sp.Symbol("t", positive=True)
    phi = (a * tt + b - tt**a) / (a * b)
    integrand = (a * p + b * q - p**a * q**b)
    steps += [
        Step(_definition(p, q, x, alpha),
             4 / (1 - alpha**2) * (a * integral(p) + b * integral(q) - integral(p**a * q**b)),
             "normalisation: $a\\int p\\,dx + b\\int q\\,dx = a + b = 1$ (Assumption 1), "
             "$a = (1+\\alpha)/2$, $b = (1-\\alpha)/2$, $\\alpha \\ne \\pm 1$", cases=both,
             heading="(f) Non-negativity: $D_\\alpha = \\int q\\,\\varphi_\\alpha(p/q)\\,dx$ with "
             "$\\varphi_\\alpha$ convex, $\\varphi_\\alpha(1) = \\varphi_\\alpha'(1) = 0$"),
        Step(4 / (1 - alpha**2) * (a * integral(p) + b * integral(q) - integral(p**a * q**b)),
             4 / (1 - alpha**2) * integral(integrand), "linearity"),
        Step(4 / (1 - alpha**2) * integral(integrand), integral(q * phi.subs(tt, p / q)),
             "pointwise algebra with $\\varphi_\\alpha(t) = (a t + b - t^a)/(ab)$, "
             "$4/(1-\\alpha^2) = 1/(ab)$", rhs_tex=r"\int q\,\varphi_\alpha(p/q)\,dx"),
        Step(sp.Subs(phi, tt, 1), 0, "$\\varphi_\\alpha(1) = 0$",
             lhs_tex=r"\varphi_\alpha(1)"),
        Step(sp.Subs(sp.Derivative(phi, tt), tt, 1), 0, "$\\varphi_\\alpha'(1) = 0$",
             lhs_tex=r"\varphi_\alpha'(1)"),
        Step(sp.diff(phi, tt, 2), tt**(a - 2), "differentiate twice, use $a - 1 = -b$",
             lhs_tex=r"\varphi_\alpha''(t)", rhs_tex="t^{a-2}"),
        Step(tt**(a - 2), 0, "$t > 0$: so $\\varphi_\\alpha$ is "
             "strictly convex, $\\varphi_\\alpha \\ge \\varphi_\\alpha(1) = 0$ with equality only at "
             "$t = 1$; hence $D_\\alpha(p||q) \\ge 0$, with equality iff $p = q$ almost everywhere "
             "(for every $\\alpha \\ne \\pm 1$, the Gaussian closed forms included; at $\\pm 1$ it is KL)",
             relation=">"),
    ]

    # the general part is printed with p, q for p(x), q(x) (the same expressions, shorter)
    short_p, short_q = sp.Symbol("p", positive=True), sp.Symbol("q", positive=True)

    def short(expr):
        return expr_latex(expr.xreplace({p: short_p, q: short_q}))

    def starts_chain(k):
        # a printed left side starts a new chain, so only chain heads get one
        return k == 0 or steps[k].heading is not None or steps[k].lhs != steps[k - 1].rhs

    steps = [dataclasses.replace(s, lhs_tex=s.lhs_tex or (short(s.lhs) if starts_chain(k) else None),
                                 rhs_tex=s.rhs_tex or short(s.rhs))
             for k, s in enumerate(steps)]

    return steps, goals, dict(K_plus=K_plus, K_minus=K_minus, hellinger=hellinger, chi_pq=chi_pq,
                              chi_qp=chi_qp)


def _gaussian_part(c):
    """(g): two univariate Gaussians, closed form by completing the square, SymPy's limits."""
    x, alpha = c.x, c.alpha
    a, b = alpha_exponents(alpha)
    steps, goals = [], []

    # ---- (g) two univariate Gaussians
    mu1, sigma1, mu2, sigma2 = _normal_symbols()
    lam = sp.Symbol("lambda", positive=True)
    m = sp.Symbol("m", real=True)

    def normal(mu, sigma):
        return sp.exp(-(x - mu)**2 / (2 * sigma**2)) / (sp.sqrt(2 * sp.pi) * sigma)

    def gaussian_sides(a, b, s=None):
        """The sides of the steps of (g) as functions of the exponents (display: a, b, s symbols)."""
        ss = a * sigma2**2 + b * sigma1**2 if s is None else s
        centre = (a * mu1 * sigma2**2 + b * mu2 * sigma1**2) / ss
        quadratic = a * (x - mu1)**2 / sigma1**2 + b * (x - mu2)**2 / sigma2**2
        residual = a * b * (mu1 - mu2)**2 / ss
        constant = sp.exp(-residual / 2) / (sp.sqrt(2 * sp.pi) * sigma1**a * sigma2**b)
        integral_ab = sigma1**b * sigma2**a / sp.sqrt(ss) * sp.exp(-a * b * (mu1 - mu2)**2 / (2 * ss))
        return [
            (normal(mu1, sigma1)**a * normal(mu2, sigma2)**b,
             sp.exp(-quadratic / 2) / (sp.sqrt(2 * sp.pi) * sigma1**a * sigma2**b)),
            (quadratic, ss * (x - centre)**2 / (sigma1**2 * sigma2**2) + residual),
            (constant * (sp.sqrt(2 * sp.pi) / sp.sqrt(lam)).subs(lam, ss / (sigma1**2 * sigma2**2)),
             integral_ab),
        ]

    A, B, S = sp.symbols("a b s")
    checked_sides = gaussian_sides(a, b)
    shown_sides = gaussian_sides(A, B, S)
    shown_closed = 4 / (1 - alpha**2) * (1 - shown_sides[2][1])
    ss = a * sigma2**2 + b * sigma1**2
    closed_integral = alpha_integral_normal(mu1, sigma1, mu2, sigma2, alpha)
    closed = alpha_divergence_normal(mu1, sigma1, mu2, sigma2, alpha)
    kl_plus = kl_normal(mu1, sigma1, mu2, sigma2)
    kl_minus = kl_normal(mu2, sigma2, mu1, sigma1)

    def shown(k):
        return dict(lhs_tex=expr_latex(shown_sides[k][0]), rhs_tex=expr_latex(shown_sides[k][1]))

    steps += [
        Step(*checked_sides[0],
             "the integrand for $p = N(\\mu_1, \\sigma_1^2)$, $q = N(\\mu_2, \\sigma_2^2)$; "
             "$a = (1+\\alpha)/2$, $b = (1-\\alpha)/2$, $a + b = 1$",
             heading="(g) Two univariate Gaussians: complete the square", **shown(0)),
        Step(*checked_sides[1],
             "completing the square, $s = a\\sigma_2^2 + b\\sigma_1^2$ (the existence condition "
             "is $s > 0$, Assumption 6)", **shown(1)),
        Step(sp.Integral(sp.exp(-lam * (x - m)**2 / 2), (x, -sp.oo, sp.oo)),
             sp.sqrt(2 * sp.pi) / sp.sqrt(lam),
             "the Gaussian integral for a precision $\\lambda > 0$"),
        Step(checked_sides[2][0], closed_integral,
             "the two steps above with $\\lambda = s/(\\sigma_1^2\\sigma_2^2) > 0$ and $m$ the "
             "centre of the square: this is $\\int p^a q^b\\,dx$", **shown(2)),
        Step(closed, divergence_of_integral(closed_integral, alpha),
             "the closed form $D_\\alpha = 4(1 - \\int p^a q^b\\,dx)/(1-\\alpha^2)$",
             lhs_tex=r"D_\alpha\bigl(N(\mu_1,\sigma_1^2)\,\|\,N(\mu_2,\sigma_2^2)\bigr)",
             rhs_tex=expr_latex(shown_closed)),
        Step(sp.Limit(closed, alpha, 1, "-"), kl_plus,
             "SymPy's limit of the closed form as $\\alpha \\to 1$ equals LV-1's KL$(p||q)$ exactly",
             lhs_tex=r"\lim_{\alpha \to 1^-} D_\alpha"),
        Step(sp.Limit(closed, alpha, -1, "+"), kl_minus,
             "SymPy's limit of the closed form as $\\alpha \\to -1$ equals LV-1's KL$(q||p)$ exactly",
             lhs_tex=r"\lim_{\alpha \to -1^+} D_\alpha"),
        Step(sp.Subs(closed, alpha, 0),
             4 * (1 - sp.sqrt(2 * sigma1 * sigma2 / (sigma1**2 + sigma2**2))
                  * sp.exp(-(mu1 - mu2)**2 / (4 * (sigma1**2 + sigma2**2)))),
             "$\\alpha = 0$: four times one minus the Bhattacharyya coefficient of the two Gaussians",
             lhs_tex=r"D_0\bigl(N(\mu_1,\sigma_1^2)\,\|\,N(\mu_2,\sigma_2^2)\bigr)"),
    ]
    goals += [Goal(sp.Limit(closed, alpha, 1, "-"), kl_plus),
              Goal(sp.Limit(closed, alpha, -1, "+"), kl_minus)]

    return steps, goals, dict(closed=closed, closed_integral=closed_integral, kl_plus=kl_plus,
                              kl_minus=kl_minus, existence=ss > 0,
                              normal_symbols=(mu1, sigma1, mu2, sigma2))


def _mvn_part(c, dim):
    """(h): two d-variate Gaussians, completing the square; the limits by L'Hopital's rule."""
    alpha = c.alpha
    a, b = alpha_exponents(alpha)
    steps, goals = [], []

    # ---- (h) two multivariate Gaussians, explicit dimension
    S1, S2 = cholesky_covariance("l", dim), cholesky_covariance("k", dim)
    m1 = sp.Matrix([sp.Symbol(f"m_{i + 1}", real=True) for i in range(dim)])
    m2 = sp.Matrix([sp.Symbol(f"n_{i + 1}", real=True) for i in range(dim)])
    I_mvn = _mvn_integral_formula(m1, S1, m2, S2, alpha)
    N_mvn = 4 * (1 - I_mvn)
    quotient_p = (sp.Derivative(N_mvn, alpha) / sp.Derivative(1 - alpha**2, alpha)).subs(alpha, 1)
    quotient_m = (sp.Derivative(N_mvn, alpha) / sp.Derivative(1 - alpha**2, alpha)).subs(alpha, -1)
    kl_mvn_plus = kl_mvn(m1, S1, m2, S2)
    kl_mvn_minus = kl_mvn(m2, S2, m1, S1)
    big = r"\frac{N'(%s)}{M'(%s)}"
    # completing the square in d dimensions, for any symmetric precisions and any a, b
    L1, L2 = (sp.Matrix(dim, dim, lambda i, j, n=n: sp.Symbol(f"{n}_{min(i, j) + 1}{max(i, j) + 1}",
                                                                real=True)) for n in ("u", "w"))
    ga, gb = sp.symbols("a b", real=True)
    xs = sp.Matrix([sp.Symbol(f"x_{i + 1}", real=True) for i in range(dim)])
    A_gen = ga * L1 + gb * L2
    A_inv = A_gen.adjugate() / A_gen.det()
    centre_d = A_inv * (ga * L1 * m1 + gb * L2 * m2)
    delta = m1 - m2
    quad_lhs = (ga * (xs - m1).T * L1 * (xs - m1) + gb * (xs - m2).T * L2 * (xs - m2))[0, 0]
    quad_rhs = ((xs - centre_d).T * A_gen * (xs - centre_d))[0, 0] \
        + ga * gb * (delta.T * L2 * A_inv * L1 * delta)[0, 0]
    steps += [
        Step(quad_lhs, quad_rhs,
             f"completing the square in $d = {dim}$ for any symmetric $\\Lambda_i = \\Sigma_i^{{-1}}$ and "
             "any $a$, $b$ with $A = a\\Lambda_1 + b\\Lambda_2$ invertible, $m = A^{-1}(a\\Lambda_1\\mu_1 + "
             "b\\Lambda_2\\mu_2)$, $\\Delta = \\mu_1 - \\mu_2$; the exponent of $p^a q^b$ is $-1/2$ times this. "
             "Its integral is $(2\\pi)^{d/2}\\det(A)^{-1/2}$ (the normalisation of $N(m, A^{-1})$) when $A$ "
             "is positive-definite, and $+\\infty$ otherwise (Assumption 6)",
             heading=f"(h) Two multivariate Gaussians, $d = {dim}$: complete the square; the limits "
                     "by L'Hopital's rule",
             lhs_tex=r"a(x-\mu_1)^T\Lambda_1(x-\mu_1) + b(x-\mu_2)^T\Lambda_2(x-\mu_2)",
             rhs_tex=r"(x-m)^T A\,(x-m) + ab\,\Delta^T\Lambda_2 A^{-1}\Lambda_1\Delta"),
        Step(a * S1.inv() + b * S2.inv(), S1.inv() * (a * S2 + b * S1) * S2.inv(),
             "covariances $L L^T$ in Cholesky form (every covariance has one): $A = \\Sigma_1^{-1} C "
             "\\Sigma_2^{-1}$ with $C = a\\Sigma_2 + b\\Sigma_1$, so $\\Lambda_2 A^{-1}\\Lambda_1 = C^{-1}$",
             lhs_tex=r"a\Sigma_1^{-1} + b\Sigma_2^{-1}",
             rhs_tex=r"\Sigma_1^{-1}(a\Sigma_2 + b\Sigma_1)\Sigma_2^{-1}"),
        Step((a * S1.inv() + b * S2.inv()).det(), (a * S2 + b * S1).det() / (S1.det() * S2.det()),
             "hence with the normalising constants $|2\\pi\\Sigma_1|^{-a/2}|2\\pi\\Sigma_2|^{-b/2}$: "
             "$\\int p^a q^b\\,dx$ is $|\\Sigma_1|^{b/2}|\\Sigma_2|^{a/2}|C|^{-1/2}$ times "
             "$\\exp(-(ab/2)\\Delta^T C^{-1}\\Delta)$, which exists iff $a\\Sigma_1^{-1} + "
             "b\\Sigma_2^{-1}$ is positive-definite (Assumption 6)",
             lhs_tex=r"\det(a\Sigma_1^{-1} + b\Sigma_2^{-1})",
             rhs_tex=r"\frac{\det(a\Sigma_2 + b\Sigma_1)}{\det\Sigma_1\det\Sigma_2}"),
        Step(sp.Subs(I_mvn, alpha, 1), 1, "the integral at $\\alpha = 1$ is one (and so at $\\alpha = -1$), "
             "so $N = 4(1 - \\int p^a q^b)$ and $M = 1 - \\alpha^2$ vanish at $\\pm 1$",
             lhs_tex=r"\left.\int p^a q^b\,dx\right|_{\alpha=1}"),
        Step(sp.Subs(I_mvn, alpha, -1), 1, "likewise at $\\alpha = -1$",
             lhs_tex=r"\left.\int p^a q^b\,dx\right|_{\alpha=-1}"),
        Step(quotient_p, kl_mvn_plus, "L'Hopital's rule ($M'(1) = -2 \\ne 0$): the limit as "
             "$\\alpha \\to 1$ is this quotient, equal to LV-1's KL$(p||q)$ exactly",
             lhs_tex=big % (1, 1), rhs_tex=r"\mathrm{KL}(p\,\|\,q)"),
        Step(quotient_m, kl_mvn_minus, "L'Hopital's rule ($M'(-1) = 2$): the limit as $\\alpha \\to -1$, "
             "equal to LV-1's KL$(q||p)$ exactly",
             lhs_tex=big % (-1, -1), rhs_tex=r"\mathrm{KL}(q\,\|\,p)"),
    ]
    goals += [Goal(quotient_p, kl_mvn_plus), Goal(quotient_m, kl_mvn_minus)]

    return steps, goals


def _categorical_part(c):
    """(i): two categorical laws on three categories."""
    alpha = c.alpha
    a, b = alpha_exponents(alpha)
    steps, goals = [], []

    # ---- (i) categorical laws, three categories
    ps = sp.symbols("p_1:4", positive=True)
    qs = sp.symbols("q_1:4", positive=True)
    simplex = [{ps[2]: 1 - ps[0] - ps[1], qs[2]: 1 - qs[0] - qs[1]}]
    cat = 4 / (1 - alpha**2) * (1 - sum(pi**a * qi**b for pi, qi in zip(ps, qs)))
    cat_terms = 4 / (1 - alpha**2) * sum(a * pi + b * qi - pi**a * qi**b for pi, qi in zip(ps, qs))
    lim_p = sum(pi * sp.log(pi / qi) - pi + qi for pi, qi in zip(ps, qs))
    lim_m = sum(qi * sp.log(qi / pi) - qi + pi for pi, qi in zip(ps, qs))
    kl_cat_p = sum(pi * sp.log(pi / qi) for pi, qi in zip(ps, qs))
    kl_cat_m = sum(qi * sp.log(qi / pi) for pi, qi in zip(ps, qs))
    steps += [
        Step(cat, cat_terms, "normalisation $\\sum p_i = \\sum q_i = 1$ (the simplex: the only cases), "
             "$a + b = 1$", cases=simplex,
             heading="(i) Two categorical laws, three categories",
             lhs_tex=r"\frac{4}{1-\alpha^2}\Bigl(1 - \sum_{i=1}^{3} p_i^{a} q_i^{b}\Bigr)",
             rhs_tex=r"\frac{4}{1-\alpha^2}\sum_{i=1}^{3}\bigl(a p_i + b q_i - p_i^{a} q_i^{b}\bigr)"),
        Step(sp.Limit(cat_terms, alpha, 1, "-"), lim_p,
             "SymPy's limit as $\\alpha \\to 1$ (of the sum above)",
             lhs_tex=r"\lim_{\alpha\to 1^-}\frac{4}{1-\alpha^2}\sum_{i=1}^{3}\bigl(a p_i + b q_i - "
                     r"p_i^{a} q_i^{b}\bigr)",
             rhs_tex=r"\sum_{i=1}^{3}\Bigl(p_i \ln\frac{p_i}{q_i} - p_i + q_i\Bigr)"),
        Step(lim_p, kl_cat_p, "normalisation: KL$(p||q)$", cases=simplex,
             rhs_tex=r"\sum_{i=1}^{3} p_i \ln\frac{p_i}{q_i}"),
        Step(sp.Limit(cat_terms, alpha, -1, "+"), lim_m, "SymPy's limit as $\\alpha \\to -1$",
             lhs_tex=r"\lim_{\alpha\to -1^+}\frac{4}{1-\alpha^2}\sum_{i=1}^{3}\bigl(a p_i + b q_i - "
                     r"p_i^{a} q_i^{b}\bigr)",
             rhs_tex=r"\sum_{i=1}^{3}\Bigl(q_i \ln\frac{q_i}{p_i} - q_i + p_i\Bigr)"),
        Step(lim_m, kl_cat_m, "normalisation: KL$(q||p)$", cases=simplex,
             rhs_tex=r"\sum_{i=1}^{3} q_i \ln\frac{q_i}{p_i}"),
    ]
    goals += [Goal(sp.Limit(cat_terms, alpha, 1, "-"), kl_cat_p),
              Goal(sp.Limit(cat_terms, alpha, -1, "+"), kl_cat_m)]

    return steps, goals, dict(cat=cat, ps=ps, qs=qs, kl_cat_p=kl_cat_p, kl_cat_m=kl_cat_m)


def _example_part(c, alpha_example, seed, gaussian, categorical):
    """(j): the closed forms at the example's alpha (numbers, and their exhibits)."""
    alpha = c.alpha
    steps = []

    exhibits = []
    closed, (mu1, sigma1, mu2, sigma2) = gaussian["closed"], gaussian["normal_symbols"]
    cat, ps, qs = categorical["cat"], categorical["ps"], categorical["qs"]
    example = dict(mu1=sp.Integer(0), sigma1=sp.Integer(1), mu2=sp.Integer(1), sigma2=sp.Rational(3, 2))
    rng = random.Random(seed)
    weights_p = [rng.randint(1, 9) for _ in range(3)]
    weights_q = [rng.randint(1, 9) for _ in range(3)]
    pe = [sp.Rational(w, sum(weights_p)) for w in weights_p]
    qe = [sp.Rational(w, sum(weights_q)) for w in weights_q]
    sub = {mu1: example["mu1"], sigma1: example["sigma1"], mu2: example["mu2"], sigma2: example["sigma2"]}
    steps_example = []
    notes_example = ""
    try:
        value = alpha_divergence_normal(example["mu1"], example["sigma1"], example["mu2"],
                                        example["sigma2"], alpha_example)
        if alpha_example not in (1, -1):
            at = sp.Subs(closed, tuple(sub) + (alpha,), tuple(sub.values()) + (alpha_example,))
            steps_example.append(Step(at, value,
                                      f"the closed form at $\\alpha = {sp.latex(alpha_example)}$ "
                                      "for N(0, 1) and N(1, 9/4)",
                                      heading=f"(j) Example: $\\alpha = {sp.latex(alpha_example)}$",
                                      lhs_tex=r"D_{%s}\bigl(N(0,1)\,\|\,N(1,9/4)\bigr)"
                                      % sp.latex(alpha_example)))
    except ValueError as exc:
        notes_example = (f"For alpha = {alpha_example} the Gaussian example N(0, 1), N(1, 9/4) has no "
                         f"alpha-integral: {exc}.")
        value = None
    cat_value = alpha_divergence_categorical(pe, qe, alpha_example)
    if alpha_example not in (1, -1):
        steps_example.append(Step(sp.Subs(cat, ps + qs + (alpha,), tuple(pe + qe) + (alpha_example,)),
                                  cat_value, f"the categorical laws p = {tuple(pe)}, q = {tuple(qe)} "
                                  f"(seed {seed})", lhs_tex=r"D_{%s}(p\,\|\,q)" % sp.latex(alpha_example),
                                  heading=None if steps_example else
                                  f"(j) Example: $\\alpha = {sp.latex(alpha_example)}$"))
    steps += steps_example
    if value is not None:
        exhibits.append(Exhibit(r"D_{%s}(N(0,1)\,||\,N(1,9/4))" % sp.latex(alpha_example),
                                sp.N(value, 20), "Numeric value of the Gaussian example:"))
    exhibits.append(Exhibit(r"D_{%s}(p\,||\,q)" % sp.latex(alpha_example), sp.N(cat_value, 20),
                            f"Numeric value of the categorical example "
                            f"(p = {tuple(pe)}, q = {tuple(qe)}):"))

    return steps, exhibits, value, cat_value, notes_example


def _build(dim, alpha_example, seed):
    c = _Setting()
    x, alpha, p, q = c.x, c.alpha, c.p, c.q
    general_steps, general_goals, general = _general_part(c)
    gauss_steps, gauss_goals, gaussian = _gaussian_part(c)
    mvn_steps, mvn_goals = _mvn_part(c, dim)
    cat_steps, cat_goals, categorical = _categorical_part(c)
    example_steps, exhibits, value, cat_value, notes_example = _example_part(
        c, alpha_example, seed, gaussian, categorical)
    steps = general_steps + gauss_steps + mvn_steps + cat_steps + example_steps
    goals = general_goals + gauss_goals + mvn_goals + cat_goals
    K_plus, K_minus = general["K_plus"], general["K_minus"]
    closed, closed_integral = gaussian["closed"], gaussian["closed_integral"]
    kl_plus, kl_minus = gaussian["kl_plus"], gaussian["kl_minus"]
    hellinger, chi_pq, chi_qp = general["hellinger"], general["chi_pq"], general["chi_qp"]
    kl_cat_p, kl_cat_m = categorical["kl_cat_p"], categorical["kl_cat_m"]

    assumptions = [
        Assumption("(1) $p$ and $q$ are probability densities: $\\int p\\,dx = \\int q\\,dx = 1$ "
                   "(written over the real line; any common support, or $d$-space, works alike)"),
        Assumption("(2) $p > 0$ and $q > 0$ on their common support, so $\\ln(q/p)$ and $(q/p)^"
                   "\\varepsilon$ are defined"),
        Assumption("(3) dominated convergence for the series route: for some $\\varepsilon_0 > 0$, "
                   "$g = (1/2) p\\ln^2(q/p)\\,(1 + (q/p)^{\\varepsilon_0})$ and its mirror "
                   "$(1/2) q\\ln^2(p/q)(1 + (p/q)^{\\varepsilon_0})$ are integrable; by (c), "
                   "$0 \\le p R_\\varepsilon(q/p) \\le g$ for $0 < \\varepsilon \\le \\varepsilon_0$"),
        Assumption("(4) $p\\ln(p/q)$ and $q\\ln(q/p)$ are integrable (both KL divergences are finite)"),
        Assumption("(5) for L'Hopital: $|\\partial_\\alpha p^a q^b| = (1/2) p^a q^b|\\ln(p/q)|$ "
                   "is dominated by an integrable function for alpha near $\\pm1$ (implied by (3))"),
        Assumption("(6) Gaussians: the alpha-integral exists iff $s = (1+\\alpha)/2\\,\\sigma_2^2 + "
                   "(1-\\alpha)/2\\,\\sigma_1^2 > 0$, in d dimensions iff "
                   "$(1+\\alpha)/2\\,\\Sigma_1^{-1} + (1-\\alpha)/2\\,\\Sigma_2^{-1}$ is "
                   "positive-definite (always for $|\\alpha| \\le 1$); otherwise it is $+\\infty$"),
    ]
    notes = [
        "Definition: $D_\\alpha(p||q) = 4/(1-\\alpha^2)\\,(1 - \\int p^{(1+\\alpha)/2} "
        "q^{(1-\\alpha)/2}\\,dx)$, $a = (1+\\alpha)/2$, $b = (1-\\alpha)/2$. Integrals of the "
        "undefined densities are never evaluated: the checker uses linearity and the pointwise "
        "algebra of the integrands only, and the normalisation enters as the single case "
        "$\\int p\\,dx = 1$.",
        "Result: $\\lim_{\\alpha\\to1} D_\\alpha(p||q) = \\mathrm{KL}(p||q)$ and "
        "$\\lim_{\\alpha\\to-1} D_\\alpha(p||q) = \\mathrm{KL}(q||p)$, by two independent routes "
        "(series with an explicit remainder; L'Hopital with differentiation under the integral "
        "sign), and for Gaussians and categorical laws by SymPy's limits of the closed forms.",
    ] + ([notes_example] if notes_example else [])

    def plain(expr):
        # SymPy's own Integral and p, q without assumptions: srepr drops the assumptions of
        # undefined functions, so this form survives the JSON round trip exactly
        expr = expr.replace(lambda e: isinstance(e, LinearIntegral),
                            lambda e: sp.Integral(e.function, *e.limits))
        return expr.xreplace({p: sp.Function("p")(x), q: sp.Function("q")(x)})

    results = {
        "definition": plain(_definition(p, q, x, alpha)),
        "limit_plus_general": plain(K_plus),
        "limit_minus_general": plain(K_minus),
        "alpha_normal": closed,
        "alpha_integral_normal": closed_integral,
        "limit_plus_normal": kl_plus,
        "limit_minus_normal": kl_minus,
        "existence_normal": gaussian["existence"],
        "alpha_integral_mvn": "det(S1)^(b/2) det(S2)^(a/2) det(C)^(-1/2) exp(-(a b/2) dmu^T C^-1 dmu), "
                              "C = a S2 + b S1, dmu = mu1 - mu2, a = (1+alpha)/2, b = (1-alpha)/2; "
                              "exists iff a S1^-1 + b S2^-1 is positive-definite",
        "hellinger_general": plain(hellinger),
        "chi2_plus_general": plain(chi_pq),
        "chi2_minus_general": plain(chi_qp),
        "categorical_limit_plus": kl_cat_p,
        "categorical_limit_minus": kl_cat_m,
        "mvn_dim": dim,
        "example_alpha": alpha_example,
        "example_normal": value if value is not None else "does not exist",
        "example_categorical": cat_value,
    }
    normal_symbols, cat_symbols = gaussian["normal_symbols"] + (alpha,), categorical["ps"] + categorical["qs"]

    # the derivation's own closed forms (its results), evaluated at the checked points
    def closed_form(*values):
        return closed.subs(dict(zip(normal_symbols, values)))

    def categorical_form(pv, qv, a):
        return categorical["cat"].subs(dict(zip(cat_symbols + (alpha,), tuple(pv) + tuple(qv) + (a,))))
    cross_checks = alpha_cross_checks(seed, closed_form=closed_form, categorical=categorical_form)
    answers = (
        r"\lim_{\alpha\to 1} D_\alpha(p\|q) = \mathrm{KL}(p\|q) = \int p\ln\frac{p}{q}\,dx",
        r"\lim_{\alpha\to -1} D_\alpha(p\|q) = \mathrm{KL}(q\|p) = \int q\ln\frac{q}{p}\,dx",
        r"D_\alpha\big(N(\mu_1,\sigma_1^2)\|N(\mu_2,\sigma_2^2)\big) = \frac{4}{1-\alpha^2}"
        r"\Big(1 - \frac{\sigma_1^b\sigma_2^a}{\sqrt{s}}\,e^{-\frac{ab(\mu_1-\mu_2)^2}{2s}}\Big)",
        r"a = \tfrac{1+\alpha}{2},\ b = \tfrac{1-\alpha}{2},\ s = a\sigma_2^2 + b\sigma_1^2 > 0",
    )
    return Derivation(
        title="LV-3. alpha-divergence: the limits $\\alpha \\to 1$ and $\\alpha \\to -1$ are "
              "the two KL divergences",
        answers=answers, cross_checks=cross_checks,
        steps=steps, assumptions=assumptions, goals=goals, results=results, notes=notes,
        exhibits=exhibits, id="alpha-divergence")


def alpha_derivation(dim: int = 2, alpha_example=sp.Rational(1, 2), seed: int = 0) -> Derivation:
    """The LV-3 derivation: both KL limits for arbitrary densities (two routes), special values,
    non-negativity, Gaussian (univariate and ``dim``-variate) and categorical closed forms and
    their limits, and a numeric example at ``alpha_example`` (categorical laws drawn with ``seed``).

    Parameters
    ----------
    dim : dimension of the explicit multivariate-Gaussian part (1 or 2).
    alpha_example : rational alpha of the numeric example.
    seed : seed of the example's categorical laws.

    Examples
    --------
    >>> alpha_derivation(dim=0)
    Traceback (most recent call last):
    ...
    ValueError: dim must be 1 or 2 (the explicit multivariate part), got 0
    """
    if not isinstance(dim, int) or isinstance(dim, bool) or not 1 <= dim <= 2:
        raise ValueError(f"dim must be 1 or 2 (the explicit multivariate part), got {dim!r}")
    alpha_example = _alpha(alpha_example)
    if not alpha_example.is_Rational:
        raise ValueError(f"the example alpha must be a rational number, got {alpha_example}")
    if isinstance(seed, bool) or not isinstance(seed, int) or seed < 0:
        raise ValueError(f"seed must be a non-negative integer, got {seed!r}")
    return _build(dim, alpha_example, seed)
