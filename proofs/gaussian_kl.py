"""LV-1: KL divergence between two Gaussians, derived for dimension d and verified.

Declared as one :class:`~proofs.spec.Spec`: the parameters (:class:`Params`), and the sections
in reading order.  The main part is the derivation the homework asks for (the log-density
ratio, the mean of a quadratic form, the divergence, ending in the boxed formula); the
appendix holds the 1-D integration, the fully symbolic check in dimension ``dim``, the special
cases, non-negativity and the independent numeric checks.  The mathematics (every expression
of every step) comes from :mod:`symbolic.gaussian`; the words from
``proofs/text/gaussian_kl.{en,ru}.toml``.

>>> from proofs.problem import options_for
>>> import proofs.gaussian_kl as m
>>> m.build(options_for(m, dim=1)).id
'gaussian-kl'
>>> [s.part for s in m.build(options_for(m, dim=1)).sections].count("main")
3
>>> m.build(options_for(m, dim=9))
Traceback (most recent call last):
...
ValueError: --dim must be from 1 to 4 for gaussian-kl, got 9 (--kl-dim sets gaussian-kl's alone)
"""
from __future__ import annotations

from dataclasses import dataclass

import mpmath
import sympy as sp

from symbolic import gaussian as g
from symbolic.derivation import Assumption, CrossCheck, Exhibit, Goal, Section, Step

from .problem import MAX_SEED, Option, dim_option, int_in, pick_dim, seed_option
from .spec import Spec, assemble, catalogue, in_range

ID = "gaussian-kl"
DEFAULT_DIM = 2
T = catalogue("gaussian_kl")
QUESTION = T("question")          # the homework's question, restated

OPTIONS = (
    Option(("--kl-dim",), dict(type=int_in(1, g.MAX_EXPLICIT_DIM), default=None, metavar="D",
                               help=f"dimension of the fully symbolic explicit verification "
                                    f"(default {DEFAULT_DIM}; d = 5 would take minutes)")),
    dim_option("--kl-dim", 1, g.MAX_EXPLICIT_DIM),
    seed_option,
)


@dataclass(frozen=True)
class Params:
    """``dim``: the dimension of the fully symbolic check; ``seed``: of every random check;
    ``random_dims``: the dimensions of the exact random-point checks (each up to 32)."""

    dim: int = DEFAULT_DIM
    seed: int = 0
    random_dims: tuple = (2, 3, 5, 8, 16, 32)

    def __post_init__(self):
        in_range("dim", self.dim, 1, g.MAX_EXPLICIT_DIM)
        in_range("seed", self.seed, 0, MAX_SEED)
        for k in self.random_dims:
            in_range("a random-check dimension", k, 1, 32)


def _dims(dims=g.DIMS) -> str:
    return ", ".join(map(str, dims))


ONE_TO_THREE = _dims()            # the explicit instances named in the reasons: "1, 2, 3"

# printed forms of the general-d expressions (the checked ones are explicit instances)
KL_LHS = r"\mathrm{KL}(p_1\|p_2)"
LOGDET = r"\tfrac12\ln\frac{|\Sigma_2|}{|\Sigma_1|}"
TRACE, MAHALANOBIS = r"\mathrm{tr}(\Sigma_2^{-1}\Sigma_1)", r"(\mu_2-\mu_1)^T\Sigma_2^{-1}(\mu_2-\mu_1)"
ONE_DIM = r"\ln\frac{\sigma_2}{\sigma_1} + \frac{\sigma_1^2 + (\mu_1-\mu_2)^2}{2\sigma_2^2} - \frac12"
CLOSED = (r"\tfrac12\Big[" + TRACE + " + " + MAHALANOBIS + r" - d + \ln\frac{|\Sigma_2|}{|\Sigma_1|}\Big]")


# --------------------------------------------------------------------------- main part

def log_ratio(params) -> Section:
    """Notation, and ln p1 - ln p2 for a symbolic d."""
    lhs, rhs = g.log_ratio_general()
    return Section(
        T("ratio_heading"),
        assumptions=(Assumption(T("assume_gaussians")), Assumption(T("assume_expectation")),
                     Assumption(T("assume_instances", dims=ONE_TO_THREE))),
        steps=[Step(lhs, rhs, T("ratio_reason"), lhs_tex=r"\ln p_1(x) - \ln p_2(x)",
                    rhs_tex=LOGDET + r" - \tfrac12 Q_1(x) + \tfrac12 Q_2(x)")])


def quadratic_form_lemma(params) -> Section:
    """E[(x-a)^T A (x-a)] = tr(A Sigma1) + (mu1-a)^T A (mu1-a) for x ~ p1."""
    L = g.quadratic_form_chain()
    texts = [(r"\mathbb{E}\big[\mathrm{tr}\big(A (x-a)(x-a)^T\big)\big]", "lemma_trace"),
             (r"\mathrm{tr}\big(A\, \mathbb{E}\big[(x-a)(x-a)^T\big]\big)", "lemma_linearity"),
             (r"\mathrm{tr}\big(A \big(\Sigma_1 + (\mu_1-a)(\mu_1-a)^T\big)\big)", "lemma_moments"),
             (r"\mathrm{tr}(A\Sigma_1) + (\mu_1-a)^T A (\mu_1-a)", "lemma_collect")]
    steps = [Step(L[k], L[k + 1], T(key, dims=ONE_TO_THREE), rhs_tex=tex,
                  lhs_tex=r"\mathbb{E}\big[(x-a)^T A (x-a)\big]" if k == 0 else None)
             for k, (tex, key) in enumerate(texts)]
    return Section(T("lemma_heading"), steps=steps)


def divergence(params) -> Section:
    """The KL chain, ending in the boxed closed form."""
    K = g.kl_chain()
    texts = [(r"\mathbb{E}\Big[" + LOGDET + r" - \tfrac12 Q_1(x) + \tfrac12 Q_2(x)\Big]", "kl_definition"),
             (LOGDET + r" - \tfrac12\,\mathbb{E}\,Q_1(x) + \tfrac12\,\mathbb{E}\,Q_2(x)", "kl_linearity"),
             (r"\tfrac12\Big[\ln\frac{|\Sigma_2|}{|\Sigma_1|} - \mathrm{tr}(\Sigma_1^{-1}\Sigma_1) + " + TRACE
              + r" + (\mu_1-\mu_2)^T\Sigma_2^{-1}(\mu_1-\mu_2)\Big]", "kl_lemma"),
             (CLOSED, "kl_collect")]
    steps = [Step(K[k], K[k + 1], T(key, dims=ONE_TO_THREE), rhs_tex=tex,
                  lhs_tex=KL_LHS if k == 0 else None)
             for k, (tex, key) in enumerate(texts)]
    return Section(T("kl_heading"), steps=steps, goals=[Goal(K[0], K[-1])],
                   answers=[KL_LHS + " = " + CLOSED],
                   results={"kl_general": g.kl_general_formula()})


# --------------------------------------------------------------------------- appendix

def one_dimension(params) -> Section:
    """d = 1 by integrating over the real line."""
    one = g.one_dim_integration()
    powers = r"c_0 + c_1 (x-\mu_1) + c_2 (x-\mu_1)^2"
    # the coefficients as a person writes them (one.coefficients are the checked ones)
    c0 = r"\ln\frac{\sigma_2}{\sigma_1} + \frac{(\mu_1-\mu_2)^2}{2\sigma_2^2}"
    c1, c2 = r"\frac{\mu_1-\mu_2}{\sigma_2^2}", r"\frac{1}{2\sigma_2^2} - \frac{1}{2\sigma_1^2}"
    steps = [
        Step(one.integrand, one.expanded, T("one_logs"),
             lhs_tex=r"p_1(x)\big(\ln p_1(x) - \ln p_2(x)\big)",
             rhs_tex=r"p_1(x)\Big(\ln\frac{\sigma_2}{\sigma_1} - \frac{(x-\mu_1)^2}{2\sigma_1^2}"
                     r" + \frac{(x-\mu_2)^2}{2\sigma_2^2}\Big)"),
        Step(one.expanded, one.split, T("one_powers", c0=c0, c1=c1, c2=c2),
             rhs_tex=r"\big(" + powers + r"\big)\, p_1(x)"),
        Step(one.integrals, one.target, T("one_integrate"),
             lhs_tex=KL_LHS + r" = \int_{-\infty}^{\infty} \big(" + powers + r"\big)\, p_1(x)\, dx",
             rhs_tex=ONE_DIM),
    ]
    return Section(T("one_heading"), part="appendix", steps=steps,
                   goals=[Goal(one.integrals, one.target)], results={"kl_1d": g.kl_1d_formula()})


def explicit_dimension(params) -> Section:
    """The whole formula, once more, by moments in dimension ``params.dim`` with symbolic entries."""
    E, closed, L1, L2 = g.explicit_kl(params.dim)
    step = Step(E, closed, T("explicit_reason"),
                lhs_tex=r"\mathbb{E}\big[\ln p_1(x) - \ln p_2(x)\big]",
                rhs_tex=CLOSED.replace("- d", f"- {params.dim}"))
    return Section(T("explicit_heading", d=params.dim), part="appendix", steps=[step],
                   goals=[Goal(E, closed)],
                   assumptions=[Assumption(T("assume_cholesky"))],
                   exhibits=(Exhibit("L_1", L1, caption=T("explicit_caption", d=params.dim)),
                             Exhibit("L_2", L2)),
                   results={"explicit_dim": params.dim})


def special_cases(params) -> Section:
    """p = q, d = 1, diagonal, isotropic, and the VAE prior term."""
    (same, zeros), (same_d, zero) = g.same_distribution()
    cases = g.special_covariances()
    vae = r"\tfrac12\sum_{i=1}^d \big(\sigma_i^2 + \mu_i^2 - 1 - \ln\sigma_i^2\big)"
    steps = [
        Step(same, zeros, T("same_reason", dims=ONE_TO_THREE),
             lhs_tex=r"\mathrm{KL}\big(\mathcal{N}(\mu,\Sigma)\,\|\,\mathcal{N}(\mu,\Sigma)\big)", rhs_tex="0"),
        Step(same_d, zero, T("same_symbolic_reason"),
             lhs_tex=r"\tfrac12\Big[\mathrm{tr}(\Sigma^{-1}\Sigma) - d + \ln\frac{|\Sigma|}{|\Sigma|}\Big]"),
        Step(*g.one_dim_from_general(), T("one_from_general_reason"),
             lhs_tex=r"\tfrac12\Big[\frac{\sigma_1^2}{\sigma_2^2} + \frac{(\mu_2-\mu_1)^2}{\sigma_2^2}"
                     r" - 1 + \ln\frac{\sigma_2^2}{\sigma_1^2}\Big]", rhs_tex=ONE_DIM),
        Step(*cases["diagonal"], T("diagonal_reason", dims=ONE_TO_THREE),
             lhs_tex=r"\mathrm{KL}\big(\mathcal{N}(\mu_1, \mathrm{diag}\, s^2)\,\|\,"
                     r"\mathcal{N}(\mu_2, \mathrm{diag}\, t^2)\big)",
             rhs_tex=r"\sum_{i=1}^d \Big[\ln\frac{t_i}{s_i} + \frac{s_i^2 + (\mu_{1,i}-\mu_{2,i})^2}{2t_i^2}"
                     r" - \tfrac12\Big]"),
        Step(*cases["isotropic"], T("isotropic_reason", dims=ONE_TO_THREE),
             lhs_tex=r"\mathrm{KL}\big(\mathcal{N}(\mu_1, s^2 I)\,\|\,\mathcal{N}(\mu_2, t^2 I)\big)",
             rhs_tex=r"\tfrac12\Big[\frac{d s^2 + \|\mu_2-\mu_1\|^2}{t^2} - d + 2d\ln\frac{t}{s}\Big]"),
        Step(*cases["vae_prior"], T("vae_reason", dims=ONE_TO_THREE),
             lhs_tex=r"\mathrm{KL}\big(\mathcal{N}(\mu, \mathrm{diag}\,\sigma^2)\,\|\,\mathcal{N}(0, I)\big)",
             rhs_tex=vae),
    ]
    return Section(T("special_heading"), part="appendix", steps=steps,
                   answers=[r"\mathrm{KL}\big(\mathcal{N}(\mu,\mathrm{diag}\,\sigma^2)\,\|\,\mathcal{N}(0, I)\big) = "
                            + vae],
                   results={"kl_vae_prior": g.kl_vae_prior_formula()})


def asymmetry(params) -> Section:
    """KL(p||q) != KL(q||p) on one pair of 1-D Gaussians."""
    pq, v_pq, qp, v_qp = g.asymmetry_example()
    steps = [Step(pq, v_pq, T("asymmetry_pq"), lhs_tex=r"\mathrm{KL}(p\|q)", rhs_tex=r"\ln 2 - \tfrac14"),
             Step(qp, v_qp, T("asymmetry_qp"), lhs_tex=r"\mathrm{KL}(q\|p)", rhs_tex=r"2 - \ln 2"),
             Step(qp - pq, sp.Integer(0), T("asymmetry_difference"), relation=">",
                  lhs_tex=r"\mathrm{KL}(q\|p) - \mathrm{KL}(p\|q) = \tfrac94 - 2\ln 2")]
    return Section(T("asymmetry_heading"), part="appendix", steps=steps)


def nonnegativity(params) -> Section:
    """tr - d - ln det >= 0 through the eigenvalues of Sigma2^-1 Sigma1."""
    similar = g.similarity_to_symmetric()
    invariants, sums = g.eigenvalue_identities()
    f, f2, at_one = g.log_gap()
    steps = [
        Step(*similar, T("similar_reason", dims=ONE_TO_THREE),
             lhs_tex=r"\Sigma_2^{-1}\Sigma_1", rhs_tex=r"L_2^{-T}\, C\, L_2^{T}"),
        Step(*invariants, T("invariants_reason", dims=ONE_TO_THREE),
             lhs_tex=r"\big(\mathrm{tr}(P\Lambda\, \mathrm{adj} P),\ |P\Lambda\, \mathrm{adj} P|\big)",
             rhs_tex=r"\big(|P| \textstyle\sum_i \lambda_i,\ |P|^d \prod_i \lambda_i\big)"),
        Step(*sums, T("eigen_sum_reason", dims=ONE_TO_THREE),
             lhs_tex=r"\mathrm{tr}(\Sigma_2^{-1}\Sigma_1) - d - \ln|\Sigma_2^{-1}\Sigma_1|",
             rhs_tex=r"\sum_{i=1}^d \big(\lambda_i - 1 - \ln\lambda_i\big)"),
        Step(f, sp.Integer(0), T("gap_reason"), relation=">=",
             lhs_tex=r"f(\lambda) = \lambda - 1 - \ln\lambda"),
        Step(f2, sp.Integer(0), T("convex_reason"), relation=">",
             lhs_tex=r"f''(\lambda) = \frac{1}{\lambda^2}"),
        Step(at_one, sp.ImmutableMatrix([[0], [0]]), T("minimum_reason"),
             lhs_tex=r"\big(f(1),\ f'(1)\big)", rhs_tex=r"(0,\ 0)"),
    ]
    return Section(T("nonnegative_heading"), part="appendix", steps=steps)


def mahalanobis(params) -> Section:
    """The Mahalanobis term is a sum of squares; with the previous section, KL >= 0."""
    (lhs, rhs), squares = g.mahalanobis_squares()
    steps = [Step(lhs, rhs, T("mahalanobis_reason", dims=ONE_TO_THREE),
                  lhs_tex=r"\delta^T\Sigma_2^{-1}\delta", rhs_tex=r"\|L_2^{-1}\delta\|^2 = \sum_{i=1}^d z_i^2"),
             Step(squares, sp.Integer(0), T("squares_reason"), relation=">=")]
    return Section(T("mahalanobis_heading"), part="appendix", steps=steps,
                   notes=[T("nonnegative_note")],
                   answers=[r"\mathrm{KL}(p_1\|p_2) \ge 0,\quad \mathrm{KL}(p_1\|p_2) = 0 \iff "
                            r"\mu_1 = \mu_2,\ \Sigma_1 = \Sigma_2"])


def _decimal(name: str, x: float, places: int) -> dict:
    """The placeholders of a decimal number, split so that each language writes its own
    separator (a point in English, a comma in Russian): ``name`` -> ``name_whole``, ``name_fraction``.

    >>> _decimal("v", -17.61862, 4)
    {'v_whole': '-17', 'v_fraction': '6186'}
    """
    whole, fraction = f"{x:.{places}f}".split(".")
    return {f"{name}_whole": whole, f"{name}_fraction": fraction}


def _scientific(name: str, x) -> dict:
    """``2.05e-42`` as the placeholders of ``2.1 \\cdot 10^{-42}``: mantissa (split, see
    :func:`_decimal`) and ``name_exponent``."""
    mantissa, exponent = f"{float(x):.1e}".split("e")
    return {**_decimal(name, float(mantissa), 1), f"{name}_exponent": str(int(exponent))}


def _quadrature_check(c) -> CrossCheck:
    what = (T("quadrature_1d", mu1=sp.latex(c.point[0]), sigma1=sp.latex(c.point[1]),
              mu2=sp.latex(c.point[2]), sigma2=sp.latex(c.point[3])) if c.d == 1 else T("quadrature_2d"))
    tolerance = int(round(mpmath.log10(c.tolerance)))
    if not c.error:
        outcome = T("difference_zero")
    else:
        key = "difference_below" if c.passed else "difference_disagrees"
        outcome = T(key, tolerance=tolerance, **_scientific("size", c.error))
    return CrossCheck(what, T("the_closed_form"), outcome, c.passed)


def _monte_carlo(c) -> CrossCheck:
    what = T("monte_carlo_what", d=c.d, n=f"{c.n:,}".replace(",", r"\,"), seed=c.seed)
    numbers = {**_decimal("estimate", c.estimate, 4), **_decimal("se", c.standard_error, 4),
               **_decimal("value", c.value, 4), **_decimal("errors", c.errors, 1)}
    outcome = T("monte_carlo_agrees" if c.passed else "monte_carlo_disagrees", **numbers)
    return CrossCheck(what, T("the_closed_form"), outcome, c.passed)


def numeric_checks(params) -> Section:
    """Exact random-point checks, quadrature and Monte Carlo: independent of the derivation."""
    checks = [g.exact_random_check(k, params.seed) for k in params.random_dims]
    agree = all(c["agree"] for c in checks)
    dims = _dims(c["d"] for c in checks)
    cross = [CrossCheck(T("random_what", dims=dims), T("random_against"),
                        T("random_equal" if agree else "random_unequal"), agree)]
    cross += [_quadrature_check(c) for c in g.quadrature_checks(params.seed)]
    cross.append(_monte_carlo(g.monte_carlo_check(d=5, seed=params.seed, n=100_000)))
    return Section(T("checks_heading"), part="appendix", cross_checks=cross,
                   notes=[T("random_note_agree" if agree else "random_note_disagree", dims=dims, seed=params.seed)],
                   results={"random_check": {"status": "checked" if agree else "failed", "seed": params.seed,
                                             "dims": [c["d"] for c in checks], "agree": agree}})


SPEC = Spec(ID, T, Params, sections=(
    log_ratio, quadratic_form_lemma, divergence,                                   # main
    one_dimension, explicit_dimension, special_cases, asymmetry, nonnegativity,    # appendix
    mahalanobis, numeric_checks))
TITLE = SPEC.heading()


def _dim(options) -> int:
    return pick_dim(options, "--kl-dim", ID, 1, g.MAX_EXPLICIT_DIM, DEFAULT_DIM)


def validate(options):
    """The dimension (``--kl-dim``, else ``--dim``) within 1 to 4, before anything is built."""
    _dim(options)


def params_from(options) -> Params:
    """The :class:`Params` of a command line's options (``--kl-dim`` or ``--dim``, ``--seed``)."""
    return Params(dim=_dim(options), seed=getattr(options, "seed", 0))


def build(options):
    """The LV-1 derivation for ``--kl-dim`` (or ``--dim``; default 2) and ``--seed``."""
    return assemble(SPEC, params_from(options))
