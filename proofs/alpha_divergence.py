"""LV-3. α-divergence: D_alpha -> KL(p||q) as alpha -> 1 and -> KL(q||p) as alpha -> -1.

Declared as one :class:`~proofs.spec.Spec`: the parameters (:class:`Params`) and the sections in
reading order.  The main part is what the homework asks: the notation, the limit alpha -> 1 by
the series t^eps = 1 + eps ln t + eps^2 R_eps(t) (two-sided: eps is any small non-zero real),
and the limit alpha -> -1 by the symmetry D_alpha(p||q) = D_-alpha(q||p), each ending in a boxed
answer.  The appendix holds the mirror chain, the remainder bound behind the interchange of
limit and integral, L'Hôpital's rule, the special values alpha = 0, +-3, non-negativity, the
Gaussian (univariate and multivariate) and categorical forms, a numeric example and the
independent numeric checks.  Every expression comes from :mod:`symbolic.alpha`; every sentence
from ``proofs/text/alpha_divergence.{en,ru}.toml``.

>>> from proofs.problem import options_for
>>> import proofs.alpha_divergence as problem
>>> problem.rational('-3/2')
-3/2
>>> [s.part for s in problem.build(options_for(problem, dim=1)).sections].count("main")
3
>>> problem.build(options_for(problem, dim=7))
Traceback (most recent call last):
...
ValueError: --dim must be 1 or 2 for alpha-divergence, got 7 (--alpha-dim sets alpha-divergence's alone)
"""
from __future__ import annotations

import argparse
from dataclasses import dataclass, field
from fractions import Fraction

import mpmath
import sympy as sp

from symbolic import alpha as al
from symbolic.derivation import Assumption, CrossCheck, Exhibit, Goal, Section, Step
from symbolic.gaussian import kl_normal
from symbolic.latex import expr_latex
from symbolic.text import say

from .problem import MAX_SEED, Figure, Option, dim_option, int_in, pick_dim, seed_option
from .spec import Spec, assemble, catalogue, in_range

ID = "alpha-divergence"
T = catalogue("alpha_divergence")

DEFAULT_DIM = 2
DEFAULT_ALPHA = "1/2"
MAX_ALPHA = 10             # |alpha| at most this ...
MAX_DENOMINATOR = 1000     # ... and its denominator at most this: the example stays exact and quick
# the two Gaussians of the figure and of the numeric example: N(0, 1) and N(1, (3/2)^2)
FIGURE_GAUSSIANS = (0, 1, 1, sp.Rational(3, 2))


# --------------------------------------------------------------------------- parameters

def rational(text) -> sp.Rational:
    """argparse type: a rational number such as ``1/2``, ``-3`` or ``0.25``."""
    text = str(text).strip()
    if len(text) > 40:
        raise argparse.ArgumentTypeError(f"expected a rational number such as 1/2, got a "
                                         f"{len(text)}-character text")
    try:
        return sp.Rational(Fraction(text))
    except (ValueError, ZeroDivisionError, OverflowError):
        raise argparse.ArgumentTypeError(f"expected a rational number such as 1/2, got {text!r}") from None


def alpha_value(text) -> sp.Rational:
    """argparse type: a rational alpha with ``|alpha| <= 10`` and denominator at most 1000.

    >>> alpha_value("-3/2")
    -3/2
    >>> alpha_value("1e400")
    Traceback (most recent call last):
    ...
    argparse.ArgumentTypeError: expected a rational alpha from -10 to 10 with a denominator of at most 1000, got 1e400
    """
    value = rational(text)
    if abs(value) > MAX_ALPHA or value.q > MAX_DENOMINATOR:
        raise argparse.ArgumentTypeError(
            f"expected a rational alpha from -{MAX_ALPHA} to {MAX_ALPHA} with a denominator of at most "
            f"{MAX_DENOMINATOR}, got {str(text).strip()}")
    return value


alpha_value.range = (f"a rational from -{MAX_ALPHA} to {MAX_ALPHA}, denominator at most {MAX_DENOMINATOR}")


OPTIONS = (
    Option(("--alpha-dim",), dict(type=int_in(1, 2), default=None, metavar="D",
                                  help=f"dimension of the explicit multivariate-Gaussian part "
                                       f"(default {DEFAULT_DIM})")),
    dim_option("--alpha-dim", 1, 2),
    Option(("--alpha",), dict(type=alpha_value, default=DEFAULT_ALPHA, metavar="A",
                              help="alpha of the numeric example (default 1/2)")),
    seed_option,
)


@dataclass(frozen=True)
class Params:
    """``dim``: the dimension of the multivariate-Gaussian part (1 or 2); ``alpha``: the alpha of
    the numeric example (a rational, |alpha| <= 10, denominator <= 1000); ``seed``: of the
    example's categorical laws and of the cross-checks' random laws."""

    dim: int = DEFAULT_DIM
    alpha: Fraction = Fraction(1, 2)
    seed: int = 0

    def __post_init__(self):
        in_range("dim", self.dim, 1, 2)
        in_range("alpha", self.alpha, -MAX_ALPHA, MAX_ALPHA, kind=Fraction)
        if Fraction(self.alpha).denominator > MAX_DENOMINATOR:
            raise ValueError(f"alpha must have a denominator of at most {MAX_DENOMINATOR}, got {self.alpha}")
        in_range("seed", self.seed, 0, MAX_SEED)


def params_from(options) -> Params:
    """The :class:`Params` of a command line's options (``--alpha-dim`` or ``--dim``, ``--alpha``,
    ``--seed``); ``ValueError`` with a one-line message naming the option."""
    dim = pick_dim(options, "--alpha-dim", ID, 1, 2, DEFAULT_DIM)
    try:
        alpha = alpha_value(getattr(options, "alpha", DEFAULT_ALPHA))
    except argparse.ArgumentTypeError as exc:
        raise ValueError(f"--alpha: {exc}") from None
    try:
        return Params(dim=dim, alpha=Fraction(int(alpha.p), int(alpha.q)), seed=getattr(options, "seed", 0))
    except ValueError as exc:                 # the fields are named as the options
        raise ValueError(f"--{exc}") from None


# --------------------------------------------------------------------------- shared context

@dataclass
class Context:
    """What every section shares: the parameters, the symbols, and the Gaussian and categorical
    closed forms (the example and the cross-checks evaluate the derivation's own)."""

    params: Params
    c: al.Densities = field(default_factory=al.Densities)

    def __post_init__(self):
        alpha = self.c.alpha
        self.example_alpha = sp.Rational(self.params.alpha.numerator, self.params.alpha.denominator)
        self.normal = al.normal_symbols()
        self.closed = al.alpha_divergence_normal(*self.normal, alpha)
        self.categorical = al.categorical_forms(alpha)


def setup(params: Params) -> Context:
    return Context(params)


def tex(value) -> str:
    """A number or expression as LaTeX (``3/2`` as ``\\frac{3}{2}``), ``ln`` for ``log``."""
    return expr_latex(sp.sympify(value))


def short_tex(expr, c) -> str:
    """LaTeX of an expression of the densities with ``p``, ``q`` for ``p(x)``, ``q(x)``."""
    shorter = {c.p: sp.Symbol("p", positive=True), c.q: sp.Symbol("q", positive=True)}
    return expr_latex(expr.xreplace(shorter))


def short_steps(steps, c):
    """``steps`` printed with ``p``, ``q`` for ``p(x)``, ``q(x)`` wherever they have no printed
    form yet (the left side only on the first step of a chain: a printed left side starts one)."""
    import dataclasses
    out = []
    for k, s in enumerate(steps):
        head = k == 0 or s.lhs != steps[k - 1].rhs
        out.append(dataclasses.replace(
            s, lhs_tex=s.lhs_tex or (short_tex(s.lhs, c) if head else None),
            rhs_tex=s.rhs_tex or short_tex(s.rhs, c)))
    return out


# --------------------------------------------------------------------------- main part

KL_PQ, KL_QP = r"\mathrm{KL}(p\,\|\,q)", r"\mathrm{KL}(q\,\|\,p)"
ANSWER_PLUS = r"\lim_{\alpha\to 1} D_\alpha(p\,\|\,q) = \mathrm{KL}(p\,\|\,q) = \int p\ln\frac{p}{q}\,dx"
ANSWER_MINUS = r"\lim_{\alpha\to -1} D_\alpha(p\,\|\,q) = \mathrm{KL}(q\,\|\,p) = \int q\ln\frac{q}{p}\,dx"


def series_tex(f: str, g: str, r: str):
    """The printed sides of the series route for the pair (f, g): the left side, then each right side."""
    pre = r"\frac{1}{\epsilon(1-\epsilon)}\Bigl(1 - "
    kl = rf"\mathrm{{KL}}({f}\,\|\,{g})"
    return (rf"D_{{1-2\epsilon}}({f}\,\|\,{g})",
            pre + rf"\int {f}^{{1-\epsilon}} {g}^{{\epsilon}}\,dx\Bigr)",
            pre + rf"\int {f}\,({g}/{f})^{{\epsilon}}\,dx\Bigr)",
            pre + rf"\int {f}\,\bigl(1 + \epsilon\ln\tfrac{{{g}}}{{{f}}} + \epsilon^2 "
                  rf"R_\epsilon(\tfrac{{{g}}}{{{f}}})\bigr)\,dx\Bigr)",
            pre + rf"\int {f}\,dx - \epsilon\int {f}\ln\tfrac{{{g}}}{{{f}}}\,dx - \epsilon^2 {r}\Bigr)",
            r"\frac{1}{\epsilon(1-\epsilon)}\bigl(\epsilon\," + kl + rf" - \epsilon^2 {r}\bigr)",
            r"\frac{" + kl + rf" - \epsilon\,{r}}}{{1-\epsilon}}")


def series_steps(c, first, second, names):
    """The six steps from D_{1-2 eps}(first||second) to (KL - eps r(eps))/(1 - eps), with the
    reasons of the pair ``names`` (``('p', 'q')`` or ``('q', 'p')``)."""
    f, g = names
    r_name = r"r(\epsilon)" if f == "p" else r"\tilde r(\epsilon)"
    sides, kl, r = al.series_chain(c, first, second)
    printed = series_tex(f, g, r_name)
    values = dict(f=f, g=g, r=r_name)
    reasons = [T("series_definition"), T("series_pointwise", **values), T("series_taylor", **values),
               T("series_linearity", **values), T("series_normalisation", **values), T("series_cancel")]
    cases = {4: [{c.integral(first): 1}]}
    steps = [Step(sides[k], sides[k + 1], reasons[k], cases=cases.get(k),
                  lhs_tex=printed[0] if k == 0 else None, rhs_tex=printed[k + 1]) for k in range(6)]
    return steps, sides, kl


def notation(context) -> Section:
    """Notation, the plan, and the three assumptions the main part uses."""
    return Section(T("notation_heading"), notes=[T("notation_note"), T("plan_note")],
                   assumptions=[Assumption(T("assume_densities")), Assumption(T("assume_positive")),
                                Assumption(T("assume_interchange"))])


def limit_plus(context) -> Section:
    """alpha -> 1: the series chain at alpha = 1 - 2 eps, then eps -> 0 from either side."""
    c = context.c
    steps, sides, kl = series_steps(c, c.p, c.q, ("p", "q"))
    rho = sp.Symbol("rho", nonnegative=True)
    limit = al.series_limit(c, kl, rho)
    steps.append(Step(limit, kl, T("series_limit"),
                      lhs_tex=r"\lim_{\epsilon\to 0} D_{1-2\epsilon}(p\,\|\,q) = " + KL_PQ
                      + r"\lim_{\epsilon\to 0}\frac{1}{1-\epsilon} - "
                      r"\rho\lim_{\epsilon\to 0}\frac{\epsilon}{1-\epsilon}",
                      rhs_tex=KL_PQ + r" = \int p\ln\frac{p}{q}\,dx"))
    return Section(T("plus_heading"), steps=steps, goals=[Goal(sides[0], sides[-1]), Goal(limit, kl)],
                   answers=[ANSWER_PLUS],
                   results={"definition": al.json_friendly(c.definition(c.p, c.q, c.alpha), c),
                            "limit_plus_general": al.json_friendly(kl, c)})


def limit_minus(context) -> Section:
    """alpha -> -1: the symmetry turns it into the limit alpha -> 1 for the pair (q, p)."""
    c = context.c
    kl = c.kl(c.q, c.p)
    at_minus = c.definition(c.p, c.q, -1 + 2 * c.eps)
    exchanged = c.definition(c.q, c.p, 1 - 2 * c.eps)
    rho = sp.Symbol("rhotilde", nonnegative=True)      # printed as a tilde rho
    limit = al.series_limit(c, kl, rho)
    steps = [Step(at_minus, exchanged, T("minus_symmetry"), lhs_tex=r"D_{-1+2\epsilon}(p\,\|\,q)",
                  rhs_tex=r"D_{1-2\epsilon}(q\,\|\,p)"),
             Step(limit, kl, T("minus_limit"),
                  lhs_tex=r"\lim_{\epsilon\to 0} D_{1-2\epsilon}(q\,\|\,p) = " + KL_QP
                  + r"\lim_{\epsilon\to 0}\frac{1}{1-\epsilon} - "
                  r"\tilde\rho\lim_{\epsilon\to 0}\frac{\epsilon}{1-\epsilon}",
                  rhs_tex=KL_QP + r" = \int q\ln\frac{q}{p}\,dx")]
    return Section(T("minus_heading"), steps=steps, goals=[Goal(at_minus, exchanged), Goal(limit, kl)],
                   answers=[ANSWER_MINUS], results={"limit_minus_general": al.json_friendly(kl, c)})


# --------------------------------------------------------------------------- appendix: general densities

def mirror_chain(context) -> Section:
    """Appendix A: the series chain for the pair (q, p), which the limit alpha -> -1 cites."""
    c = context.c
    steps, sides, _ = series_steps(c, c.q, c.p, ("q", "p"))
    return Section(T("mirror_heading"), part="appendix", steps=steps, goals=[Goal(sides[0], sides[-1])])


def remainder(context) -> Section:
    """Appendix B: R_eps(t) -> (1/2) ln^2 t, and the bound that makes dominated convergence work."""
    (lim, half_log), (ratio, integral_form), (numerator, zero) = \
        [(lhs, rhs) for lhs, rhs, _ in al.remainder_facts()]
    steps = [Step(lim, half_log, T("remainder_limit"),
                  lhs_tex=r"\lim_{\epsilon\to 0} R_\epsilon(t)", rhs_tex=r"\tfrac12\ln^2 t"),
             Step(ratio, integral_form, T("remainder_integral_form"),
                  lhs_tex=r"\frac{e^u - 1 - u}{u^2}", rhs_tex=r"\int_0^1 (1-s)\,e^{su}\,ds"),
             Step(numerator, zero, T("remainder_sign"), relation=">=", lhs_tex="e^u - 1 - u")]
    return Section(T("remainder_heading"), part="appendix", steps=steps, notes=[T("remainder_note")])


NUMERATOR = r"4\Bigl(1 - \int p^{a} q^{b}\,dx\Bigr)"


def _lhopital_vanish(c, point):
    at_point, _, _, _, _, first = al.lhopital_forms(c, point)
    density = "p" if point == 1 else "q"
    return Step(at_point, 0, T("lhopital_vanish", point=point, density=density), cases=[{c.integral(first): 1}],
                lhs_tex=rf"N({point}) = 4\Bigl(1 - \int {density}\,dx\Bigr)")


def _lhopital_rule(c, point):
    _, _, _, quotient, kl, _ = al.lhopital_forms(c, point)
    powers = "p^1 q^0 = p" if point == 1 else "p^0 q^1 = q"
    return Step(quotient, kl, T("lhopital_rule", point=point, slope=-2 * point, powers=powers),
                lhs_tex=rf"\frac{{N'({point})}}{{M'({point})}}",
                rhs_tex=KL_PQ if point == 1 else KL_QP), Goal(quotient, kl)


def lhopital(context) -> Section:
    """Appendix C: the second route, L'Hôpital's rule at alpha = 1 and alpha = -1."""
    c = context.c
    _, derivative, derivative_value, _, _, _ = al.lhopital_forms(c, 1)
    (plus, goal_plus), (minus, goal_minus) = _lhopital_rule(c, 1), _lhopital_rule(c, -1)
    steps = [_lhopital_vanish(c, 1), _lhopital_vanish(c, -1),
             Step(derivative, derivative_value, T("lhopital_leibniz"),
                  lhs_tex=r"N'(\alpha) = \frac{\partial}{\partial\alpha}\," + NUMERATOR,
                  rhs_tex=r"-2\int p^{a} q^{b}\ln\frac{p}{q}\,dx"),
             plus, minus]
    return Section(T("lhopital_heading"), part="appendix", steps=steps,
                   goals=[goal_plus, goal_minus], notes=[T("lhopital_note")],
                   assumptions=[Assumption(T("assume_leibniz"))])


def _special_tex(k: int, f: str, g: str):
    """Printed sides of D_{k}, k = 3 or -3: the definition, after normalisation, the chi-square."""
    ratio = rf"\int\frac{{{f}^2}}{{{g}}}\,dx"
    return (rf"D_{{{k}}}(p\,\|\,q) = \tfrac12\Bigl({ratio} - 1\Bigr)",
            rf"\tfrac12\Bigl({ratio} - 2\int {f}\,dx + \int {g}\,dx\Bigr)",
            rf"\tfrac12\int\frac{{({f}-{g})^2}}{{{g}}}\,dx = \tfrac12\chi^2({f}\,\|\,{g})")


def special_values(context) -> Section:
    """Appendix D: alpha = 0 (Hellinger), alpha = +-3 (chi-square), the symmetry."""
    c = context.c
    both = [{c.integral(c.p): 1, c.integral(c.q): 1}]
    (d0, n0, hellinger), (d3, n3, chi_pq), (dm3, nm3, chi_qp) = al.special_values(c)
    plus, minus = _special_tex(3, "p", "q"), _special_tex(-3, "q", "p")
    steps = [Step(d0, n0, T("special_zero"), cases=both,
                  lhs_tex=r"D_0(p\,\|\,q) = 4\Bigl(1 - \int\sqrt{pq}\,dx\Bigr)",
                  rhs_tex=r"2\int p\,dx + 2\int q\,dx - 4\int\sqrt{pq}\,dx"),
             Step(n0, hellinger, T("special_hellinger"), rhs_tex=r"2\int\bigl(\sqrt p - \sqrt q\bigr)^2\,dx"),
             Step(d3, n3, T("special_three"), cases=both, lhs_tex=plus[0], rhs_tex=plus[1]),
             Step(n3, chi_pq, T("special_chi", f="p", g="q"), rhs_tex=plus[2]),
             Step(dm3, nm3, T("special_minus_three"), cases=both, lhs_tex=minus[0], rhs_tex=minus[1]),
             Step(nm3, chi_qp, T("special_chi", f="q", g="p"), rhs_tex=minus[2]),
             Step(c.definition(c.p, c.q, c.alpha), c.definition(c.q, c.p, -c.alpha), T("special_symmetry"),
                  lhs_tex=r"D_\alpha(p\,\|\,q)", rhs_tex=r"D_{-\alpha}(q\,\|\,p)")]
    return Section(T("special_heading"), part="appendix", steps=short_steps(steps, c),
                   goals=[Goal(d0, hellinger), Goal(d3, chi_pq), Goal(dm3, chi_qp)],
                   results={"hellinger_general": al.json_friendly(hellinger, c),
                            "chi2_plus_general": al.json_friendly(chi_pq, c),
                            "chi2_minus_general": al.json_friendly(chi_qp, c)})


def nonnegativity(context) -> Section:
    """Appendix E: D_alpha = integral q phi_alpha(p/q) dx with phi_alpha strictly convex, phi(1) = phi'(1) = 0."""
    c = context.c
    sides, phi, t = al.nonnegativity_chain(c)
    a, _ = al.alpha_exponents(c.alpha)
    pre = r"\frac{4}{1-\alpha^2}"
    steps = [Step(sides[0], sides[1], T("nonneg_normalisation"),
                  cases=[{c.integral(c.p): 1, c.integral(c.q): 1}], lhs_tex=r"D_\alpha(p\,\|\,q)",
                  rhs_tex=pre + r"\Bigl(a\int p\,dx + b\int q\,dx - \int p^{a}q^{b}\,dx\Bigr)"),
             Step(sides[1], sides[2], T("nonneg_linearity"),
                  rhs_tex=pre + r"\int\bigl(ap + bq - p^{a}q^{b}\bigr)\,dx"),
             Step(sides[2], sides[3], T("nonneg_pointwise"), rhs_tex=r"\int q\,\varphi_\alpha(p/q)\,dx"),
             Step(sp.Subs(phi, t, 1), 0, T("nonneg_at_one"), lhs_tex=r"\varphi_\alpha(1)"),
             Step(sp.Subs(sp.Derivative(phi, t), t, 1), 0, T("nonneg_slope"), lhs_tex=r"\varphi_\alpha'(1)"),
             Step(sp.diff(phi, t, 2), t**(a - 2), T("nonneg_second"), lhs_tex=r"\varphi_\alpha''(t)",
                  rhs_tex="t^{a-2}"),
             Step(t**(a - 2), 0, T("nonneg_conclusion"), relation=">")]
    return Section(T("nonneg_heading"), part="appendix", steps=short_steps(steps, c))


# --------------------------------------------------------------------------- appendix: closed forms

EXPONENT = r"e^{-ab(\mu_1-\mu_2)^2/(2s)}"
GAUSSIAN_TEX = (   # the printed sides of the Gaussian steps, as a person writes them
    (r"\mathcal N(x;\mu_1,\sigma_1^2)^{a}\,\mathcal N(x;\mu_2,\sigma_2^2)^{b}",
     r"\frac{1}{\sqrt{2\pi}\,\sigma_1^{a}\sigma_2^{b}}\exp\Bigl(-\frac12\Bigl[\frac{a(x-\mu_1)^2}{\sigma_1^2}"
     r" + \frac{b(x-\mu_2)^2}{\sigma_2^2}\Bigr]\Bigr)"),
    (r"\frac{a(x-\mu_1)^2}{\sigma_1^2} + \frac{b(x-\mu_2)^2}{\sigma_2^2}",
     r"\frac{s\,(x-m)^2}{\sigma_1^2\sigma_2^2} + \frac{ab(\mu_1-\mu_2)^2}{s}"),
    (r"\int_{-\infty}^{\infty} e^{-\lambda(x-m)^2/2}\,dx", r"\sqrt{2\pi/\lambda}"),
    (r"\frac{" + EXPONENT + r"}{\sqrt{2\pi}\,\sigma_1^{a}\sigma_2^{b}}\sqrt{\frac{2\pi\sigma_1^2\sigma_2^2}{s}}",
     r"\frac{\sigma_1^{b}\sigma_2^{a}}{\sqrt{s}}\," + EXPONENT))
NORMAL_PAIR = r"D_{%s}\bigl(\mathcal N(\mu_1,\sigma_1^2)\,\|\,\mathcal N(\mu_2,\sigma_2^2)\bigr)"
KL_NORMAL = r"\ln\frac{%s}{%s} + \frac{%s^2 + (\mu_1-\mu_2)^2}{2%s^2} - \frac12"
CLOSED_TEX = r"\frac{4}{1-\alpha^2}\Bigl(1 - \frac{\sigma_1^{b}\sigma_2^{a}}{\sqrt{s}}\," + EXPONENT + r"\Bigr)"


def _gaussian_square_steps(context):
    c, (mu1, sigma1, mu2, sigma2) = context.c, context.normal
    a, b = al.alpha_exponents(c.alpha)
    checked = al.gaussian_square(c.x, a, b)
    integral, value = al.gaussian_integral(c.x)
    closed_integral = al.alpha_integral_normal(mu1, sigma1, mu2, sigma2, c.alpha)

    def printed(k):
        return dict(lhs_tex=GAUSSIAN_TEX[k][0], rhs_tex=GAUSSIAN_TEX[k][1])
    return [Step(*checked[0], T("gauss_integrand"), **printed(0)),
            Step(*checked[1], T("gauss_square"), **printed(1)),
            Step(integral, value, T("gauss_integral"), **printed(2)),
            Step(checked[2][0], closed_integral, T("gauss_combine"), **printed(3))], closed_integral


def gaussians(context) -> Section:
    """Appendix F: two univariate Gaussians; the limits of the closed form reproduce LV-1 exactly."""
    c, (mu1, sigma1, mu2, sigma2), closed, alpha = context.c, context.normal, context.closed, context.c.alpha
    steps, closed_integral = _gaussian_square_steps(context)
    kl_plus, kl_minus = kl_normal(mu1, sigma1, mu2, sigma2), kl_normal(mu2, sigma2, mu1, sigma1)
    lim_plus, lim_minus = sp.Limit(closed, alpha, 1, "+-"), sp.Limit(closed, alpha, -1, "+-")
    steps += [Step(closed, al.divergence_of_integral(closed_integral, alpha), T("gauss_closed"),
                   lhs_tex=NORMAL_PAIR % r"\alpha", rhs_tex=CLOSED_TEX),
              Step(lim_plus, kl_plus, T("gauss_limit", point=1, direction=r"p\,\|\,q"),
                   lhs_tex=r"\lim_{\alpha \to 1} D_\alpha",
                   rhs_tex=KL_NORMAL % (r"\sigma_2", r"\sigma_1", r"\sigma_1", r"\sigma_2")),
              Step(lim_minus, kl_minus, T("gauss_limit", point=-1, direction=r"q\,\|\,p"),
                   lhs_tex=r"\lim_{\alpha \to -1} D_\alpha",
                   rhs_tex=KL_NORMAL % (r"\sigma_1", r"\sigma_2", r"\sigma_2", r"\sigma_1")),
              Step(sp.Subs(closed, alpha, 0), al.bhattacharyya_normal(mu1, sigma1, mu2, sigma2),
                   T("gauss_zero"), lhs_tex=NORMAL_PAIR % "0",
                   rhs_tex=r"4\Bigl(1 - \sqrt{\frac{2\sigma_1\sigma_2}{\sigma_1^2+\sigma_2^2}}\,"
                           r"e^{-(\mu_1-\mu_2)^2/(4(\sigma_1^2+\sigma_2^2))}\Bigr)")]
    a, b = al.alpha_exponents(alpha)
    return Section(T("gauss_heading"), part="appendix", steps=steps,
                   answers=[NORMAL_PAIR % r"\alpha" + " = " + CLOSED_TEX
                            + r",\quad s = a\sigma_2^2 + b\sigma_1^2 > 0"],
                   goals=[Goal(lim_plus, kl_plus), Goal(lim_minus, kl_minus)],
                   assumptions=[Assumption(T("assume_existence"))],
                   results={"alpha_normal": closed, "alpha_integral_normal": closed_integral,
                            "limit_plus_normal": kl_plus, "limit_minus_normal": kl_minus,
                            "existence_normal": a * sigma2**2 + b * sigma1**2 > 0})


def multivariate(context) -> Section:
    """Appendix G: two d-variate Gaussians; completing the square; the limits by L'Hôpital's rule."""
    c, dim = context.c, context.params.dim
    a, b = al.alpha_exponents(c.alpha)
    S1, S2, integral, quotient_p, quotient_m, kl_p, kl_m = al.mvn_forms(c.alpha, dim)
    square = al.mvn_square(dim)
    steps = [Step(*square, T("mvn_square", d=dim),
                  lhs_tex=r"a(x-\mu_1)^T\Lambda_1(x-\mu_1) + b(x-\mu_2)^T\Lambda_2(x-\mu_2)",
                  rhs_tex=r"(x-m)^T A\,(x-m) + ab\,\Delta^T\Lambda_2 A^{-1}\Lambda_1\Delta"),
             Step(a * S1.inv() + b * S2.inv(), S1.inv() * (a * S2 + b * S1) * S2.inv(), T("mvn_factor"),
                  lhs_tex=r"a\Sigma_1^{-1} + b\Sigma_2^{-1}",
                  rhs_tex=r"\Sigma_1^{-1}(a\Sigma_2 + b\Sigma_1)\Sigma_2^{-1}"),
             Step((a * S1.inv() + b * S2.inv()).det(), (a * S2 + b * S1).det() / (S1.det() * S2.det()),
                  T("mvn_determinant"), lhs_tex=r"\det(a\Sigma_1^{-1} + b\Sigma_2^{-1})",
                  rhs_tex=r"\frac{\det(a\Sigma_2 + b\Sigma_1)}{\det\Sigma_1\det\Sigma_2}"),
             Step(sp.Subs(integral, c.alpha, 1), 1, T("mvn_one", point=1),
                  lhs_tex=r"\left.\int p^a q^b\,dx\right|_{\alpha=1}"),
             Step(sp.Subs(integral, c.alpha, -1), 1, T("mvn_one", point=-1),
                  lhs_tex=r"\left.\int p^a q^b\,dx\right|_{\alpha=-1}"),
             Step(quotient_p, kl_p, T("mvn_lhopital", point=1, slope=-2, direction=r"p\,\|\,q"),
                  lhs_tex=r"\frac{N'(1)}{M'(1)}", rhs_tex=KL_PQ),
             Step(quotient_m, kl_m, T("mvn_lhopital", point=-1, slope=2, direction=r"q\,\|\,p"),
                  lhs_tex=r"\frac{N'(-1)}{M'(-1)}", rhs_tex=KL_QP)]
    return Section(T("mvn_heading", d=dim), part="appendix", steps=steps, notes=[T("mvn_note")],
                   goals=[Goal(quotient_p, kl_p), Goal(quotient_m, kl_m)],
                   results={"mvn_dim": dim, "alpha_integral_mvn": integral})


def categorical(context) -> Section:
    """Appendix H: two categorical laws on three categories."""
    alpha = context.c.alpha
    ps, qs, cat, terms, lim_p, kl_p, lim_m, kl_m = context.categorical
    simplex = [{ps[2]: 1 - ps[0] - ps[1], qs[2]: 1 - qs[0] - qs[1]}]
    summed = r"\frac{4}{1-\alpha^2}\sum_{i=1}^{3}\bigl(a p_i + b q_i - p_i^{a} q_i^{b}\bigr)"
    limit_p, limit_m = sp.Limit(terms, alpha, 1, "+-"), sp.Limit(terms, alpha, -1, "+-")
    steps = [Step(cat, terms, T("cat_normalisation"), cases=simplex,
                  lhs_tex=r"\frac{4}{1-\alpha^2}\Bigl(1 - \sum_{i=1}^{3} p_i^{a} q_i^{b}\Bigr)", rhs_tex=summed),
             Step(limit_p, lim_p, T("cat_limit", point=1), lhs_tex=r"\lim_{\alpha\to 1}" + summed,
                  rhs_tex=r"\sum_{i=1}^{3}\Bigl(p_i \ln\frac{p_i}{q_i} - p_i + q_i\Bigr)"),
             Step(lim_p, kl_p, T("cat_kl", direction=r"p\,\|\,q"), cases=simplex,
                  rhs_tex=r"\sum_{i=1}^{3} p_i \ln\frac{p_i}{q_i}"),
             Step(limit_m, lim_m, T("cat_limit", point=-1), lhs_tex=r"\lim_{\alpha\to -1}" + summed,
                  rhs_tex=r"\sum_{i=1}^{3}\Bigl(q_i \ln\frac{q_i}{p_i} - q_i + p_i\Bigr)"),
             Step(lim_m, kl_m, T("cat_kl", direction=r"q\,\|\,p"), cases=simplex,
                  rhs_tex=r"\sum_{i=1}^{3} q_i \ln\frac{q_i}{p_i}")]
    return Section(T("cat_heading"), part="appendix", steps=steps,
                   goals=[Goal(limit_p, kl_p), Goal(limit_m, kl_m)],
                   results={"categorical_limit_plus": kl_p, "categorical_limit_minus": kl_m})


# --------------------------------------------------------------------------- appendix: numbers

def _law_tex(law) -> str:
    return "(" + ", ".join(tex(v) for v in law) + ")"


def _gaussian_example(context):
    """The Gaussian example's step and value, or the note saying its alpha-integral diverges."""
    alpha, (mu1, sigma1, mu2, sigma2) = context.example_alpha, context.normal
    shown = tex(alpha)
    try:
        value = al.alpha_divergence_normal(*FIGURE_GAUSSIANS, alpha)
    except ValueError:
        return [], None, [T("example_diverges", alpha=shown)]
    if alpha in (1, -1):
        return [], value, []
    point = dict(zip((mu1, sigma1, mu2, sigma2), FIGURE_GAUSSIANS))
    at = sp.Subs(context.closed, tuple(point) + (context.c.alpha,), tuple(point.values()) + (alpha,))
    return [Step(at, value, T("example_gaussian", alpha=shown),
                 lhs_tex=r"D_{%s}\bigl(\mathcal N(0,1)\,\|\,\mathcal N(1,9/4)\bigr)" % shown)], value, []


def example(context) -> Section:
    """Appendix I: the closed forms at the example's alpha (``--alpha``), with their numbers."""
    alpha, seed, shown = context.example_alpha, context.params.seed, tex(context.example_alpha)
    steps, value, notes = _gaussian_example(context)
    ps, qs, cat = context.categorical[:3]
    pe, qe = al.example_laws(seed)
    cat_value = al.alpha_divergence_categorical(pe, qe, alpha)
    laws = dict(p=_law_tex(pe), q=_law_tex(qe), seed=seed)
    if alpha not in (1, -1):
        steps.append(Step(sp.Subs(cat, ps + qs + (context.c.alpha,), tuple(pe + qe) + (alpha,)), cat_value,
                          T("example_categorical", **laws), lhs_tex=r"D_{%s}(p\,\|\,q)" % shown))
    exhibits = [Exhibit(r"D_{%s}\bigl(\mathcal N(0,1)\,\|\,\mathcal N(1,9/4)\bigr)" % shown, sp.N(value, 20),
                        T("example_gaussian_value"))] if value is not None else []
    exhibits.append(Exhibit(r"D_{%s}(p\,\|\,q)" % shown, sp.N(cat_value, 20),
                            T("example_categorical_value", **laws)))
    return Section(T("example_heading", alpha=shown), part="appendix", steps=steps, notes=notes,
                   exhibits=exhibits,
                   results={"example_alpha": alpha, "example_categorical": cat_value,
                            "example_normal": value if value is not None else "does not exist"})


def _sci(value) -> str:
    """A small non-negative number as LaTeX: ``3.1\\cdot 10^{-32}``, or ``0``."""
    if value == 0:
        return "0"
    mantissa, exponent = mpmath.nstr(mpmath.mpf(value), 2, min_fixed=0, max_fixed=0).split("e")
    return rf"{mantissa}\cdot 10^{{{int(exponent)}}}"


def _outcome(comparison, key, **values):
    if not comparison.passed:
        return T("check_disagree")
    pairs = {f"d{k + 1}": _sci(d) for k, (_, d) in enumerate(comparison.differences)}
    alphas = {f"a{k + 1}": tex(a) for k, (a, _) in enumerate(comparison.differences)}
    return T(key, digits=comparison.digits, **pairs, **alphas, **values)


def numeric_checks(context) -> Section:
    """Appendix J: the closed forms of the derivation against independent numeric routes."""
    (mu1, sigma1, mu2, sigma2), normal = al.cross_check_laws(context.params.seed)[0], context.normal
    alpha, ps, qs, cat = context.c.alpha, *context.categorical[:3]

    def closed_form(*values):
        return context.closed.subs(dict(zip(normal + (alpha,), values)))

    def categorical_form(p, q, a):
        return cat.subs(dict(zip(ps + qs + (alpha,), tuple(p) + tuple(q) + (a,))))
    found = al.alpha_cross_checks(context.params.seed, closed_form, categorical_form)
    p, q = al.cross_check_laws(context.params.seed)[1]
    gaussians = dict(mu1=tex(mu1), s1=tex(sigma1), mu2=tex(mu2), s2=tex(sigma2))
    approach = found["approach"]
    checks = [
        CrossCheck(T("check_quadrature", **gaussians), T("check_quadrature_against"),
                   _outcome(found["quadrature"], "check_two_differences"), found["quadrature"].passed),
        CrossCheck(T("check_categorical", p=_law_tex(p), q=_law_tex(q)), T("check_categorical_against"),
                   _outcome(found["categorical"], "check_three_equal"), found["categorical"].passed),
        CrossCheck(T("check_approach"), T("check_approach_against"),
                   T("check_linear", gap=_sci(abs(approach.gap)), ratio=f"{float(approach.ratio):.6f}")
                   if approach.passed else T("check_not_linear"), approach.passed),
        CrossCheck(T("check_bhattacharyya"), T("check_bhattacharyya_against"),
                   _outcome(found["bhattacharyya"], "check_one_difference"), found["bhattacharyya"].passed)]
    return Section(T("checks_heading"), part="appendix", cross_checks=checks)


SPEC = Spec(ID, T, Params, setup=setup, sections=(
    notation, limit_plus, limit_minus,                                              # main
    mirror_chain, remainder, lhopital, special_values, nonnegativity,               # appendix
    gaussians, multivariate, categorical, example, numeric_checks))
TITLE = SPEC.heading()


def validate(options):
    """The dimension, alpha and the seed, before anything is built."""
    params_from(options)


def build(options):
    """The LV-3 derivation for these options (unchecked)."""
    return assemble(SPEC, params_from(options))


# --------------------------------------------------------------------------- the figure

def figure_data(points: int = 400):
    """(alphas, values, kl_plus, kl_minus) for the figure's two Gaussians, where D_alpha exists."""
    import numpy as np

    mu1, s1, mu2, s2 = FIGURE_GAUSSIANS
    alpha = sp.Symbol("alpha", real=True)
    f = sp.lambdify(alpha, al.alpha_divergence_normal(mu1, s1, mu2, s2, alpha), "numpy")
    low, high = -2.0, 3.0      # it exists for alpha > -13/5 here, and blows up towards -13/5
    grid = np.linspace(low, high, points + 1)
    # the removable singularities at +-1 are not sampled (there the values are the marked KLs)
    grid = grid[np.abs(np.abs(grid) - 1) > 1e-6]
    values = f(grid)
    return ([float(a) for a in grid], [float(v) for v in values],
            float(kl_normal(mu1, s1, mu2, s2)), float(kl_normal(mu2, s2, mu1, s1)))


FONT_PT = 10      # the 6-inch figure is printed at about 0.97 of its size: at least 8.7 pt on paper


def _decimal(value: float, lang: str) -> str:
    """``value`` to four decimals for inside ``$...$``, with the decimal comma in Russian."""
    text = f"{value:.4f}"
    return text.replace(".", "{,}") if lang == "ru" else text


def _draw(stem: str, lang: str) -> None:
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    alphas, values, kl_plus, kl_minus = figure_data()
    with plt.rc_context({"font.size": FONT_PT, "axes.titlesize": FONT_PT, "axes.labelsize": FONT_PT,
                         "legend.fontsize": FONT_PT - 1, "xtick.labelsize": FONT_PT - 1,
                         "ytick.labelsize": FONT_PT - 1}):
        fig, ax = plt.subplots(figsize=(6.0, 3.4))
        ax.plot(alphas, values, color="C0", label=say(T("figure_curve"), lang))
        ax.plot([1], [kl_plus], "o", color="C3",
                label=say(T("figure_kl_plus", value=_decimal(kl_plus, lang)), lang))
        ax.plot([-1], [kl_minus], "s", color="C2",
                label=say(T("figure_kl_minus", value=_decimal(kl_minus, lang)), lang))
        ax.axvline(1, color="C3", lw=0.6, ls=":")
        ax.axvline(-1, color="C2", lw=0.6, ls=":")
        ax.set_xlabel(r"$\alpha$")
        ax.set_ylabel(say(T("figure_ylabel"), lang))
        ax.set_title(say(T("figure_title"), lang))
        ax.legend(loc="upper right")
        fig.tight_layout()
        fig.savefig(stem + ".pdf", metadata={"CreationDate": None, "ModDate": None})
        fig.savefig(stem + ".png", dpi=150, metadata={"Software": None})
        plt.close(fig)


def figures(options, lang: str = "en"):
    """One figure: D_alpha(N(0,1) || N(1, 9/4)) against alpha, with the two KL limits marked;
    its labels, title, legend and caption in ``lang``."""
    params_from(options)
    T.table(lang)                 # an unknown language is refused before anything is drawn
    return (Figure("alpha-divergence-gaussians", T("figure_caption"), lambda stem: _draw(stem, lang)),)
