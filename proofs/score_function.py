"""LV-2: the score-function (log-derivative) estimator, and why its variance is large.

The problem is declared once, as :data:`SPEC`: its parameters (:class:`Params`), its sections
in reading order (two ``main`` sections answering (a) and (b), then the ``appendix``), and its
sentences, all taken from the catalogue ``proofs/text/score_function.{en,ru}.toml``.  The
mathematics, including every step's expressions, is :mod:`symbolic.score`; this module adds
the words and the printed forms a person would write (``lhs_tex`` / ``rhs_tex``).

>>> from proofs.problem import options_for
>>> import proofs.score_function as m
>>> d = build(options_for(m, samples=2000))
>>> [(s.part, len(s.steps)) for s in d.sections][:2]
[('main', 6), ('main', 8)]
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from types import SimpleNamespace

import numpy as np
import sympy as sp

from symbolic import score as sc
from symbolic.derivation import Assumption, CrossCheck, Exhibit, Goal, Section, Step
from symbolic.latex import expr_latex
from symbolic.text import say

from .problem import MAX_SEED, Figure, Option, dim_option, int_in, pick_dim, seed_option
from .spec import Spec, assemble, catalogue, in_range

T = catalogue("score_function")
ID = "score-function"
TITLE = T("title")
DEFAULT_DIM = 2
DEFAULT_SAMPLES = 200_000
MAX_DIM = 10_000
MAX_SAMPLES = 10_000_000      # samples x dimension at most this too: the Monte Carlo's memory
MAX_NORMALS = 10_000_000
OPTIONS = (
    Option(("--score-dim",), dict(type=int_in(1, MAX_DIM), default=None, metavar="D",
                                  help=f"latent dimension of the MNIST-sized example and the Monte Carlo "
                                       f"(default {DEFAULT_DIM}; samples x dimension at most {MAX_NORMALS:.0e})")),
    dim_option("--score-dim", 1, MAX_DIM),
    Option(("--samples",), dict(type=int_in(1000, MAX_SAMPLES), default=DEFAULT_SAMPLES, metavar="S",
                                help=f"Monte Carlo samples (default {DEFAULT_SAMPLES})")),
    seed_option,
)


@dataclass(frozen=True)
class Params:
    """The parameters of LV-2, validated in one place.

    >>> Params(dim=3).samples
    200000
    >>> Params(dim=1000, samples=100_000)
    Traceback (most recent call last):
    ...
    ValueError: --samples x the dimension = 100000000 is too large for score-function (at most 1e+07)
    """

    dim: int = DEFAULT_DIM
    samples: int = DEFAULT_SAMPLES
    seed: int = 0

    def __post_init__(self):
        in_range("--score-dim", self.dim, 1, MAX_DIM)
        in_range("--samples", self.samples, 1000, MAX_SAMPLES)
        in_range("--seed", self.seed, 0, MAX_SEED)
        if self.samples * self.dim > MAX_NORMALS:
            raise ValueError(f"--samples x the dimension = {self.samples * self.dim} is too large for "
                             f"score-function (at most {MAX_NORMALS:.0e})")


def _parameters(options):
    """``(dim, samples, seed)`` as the options give them (the dimension from ``--score-dim``,
    else ``--dim``), before validation."""
    dim = pick_dim(options, "--score-dim", ID, 1, MAX_DIM, DEFAULT_DIM)
    samples = getattr(options, "samples", None)
    seed = getattr(options, "seed", 0)
    return dim, DEFAULT_SAMPLES if samples is None else samples, 0 if seed is None else seed


def params_from(options) -> Params:
    """The :class:`Params` of ``options``; ``ValueError`` with a one-line message on bad input."""
    dim, samples, seed = _parameters(options)
    return Params(dim=dim, samples=samples, seed=seed)


def validate(options):
    """The dimension, the sample size and their product, before anything is built."""
    params_from(options)


# --------------------------------------------------------------------------- printed forms

SF, RP = r"\hat g^{\mathrm{SF}}", r"\hat g^{\mathrm{RP}}"
VAR = r"\operatorname{Var}"
TEX = {
    "gradient": r"\partial_\phi \mathcal{L}(\phi) = \partial_\phi \int q\,(\ln p - \ln q)\,dz",
    "under": r"\int \partial_\phi\big[q\,(\ln p - \ln q)\big]\,dz",
    "product": r"\int \big[\partial_\phi q\,(\ln p - \ln q) - \partial_\phi q\big]\,dz",
    "split": r"\mathbb{E}_q\big[\partial_\phi \ln q\,(\ln p - \ln q)\big] - \mathbb{E}_q\big[\partial_\phi \ln q\big]",
    "expectation": r"\mathbb{E}_q\big[\partial_\phi \ln q\,(\ln p - \ln q)\big]",
    "mean_score": r"\mathbb{E}_q\big[\partial_\phi \ln q\big] = \int q\,\partial_\phi \ln q\,dz",
    "d_integral_q": r"\partial_\phi \int q\,dz",
    "sample_mean": r"\mathbb{E}\Big[\frac{1}{L}\sum_{l=1}^{L}\partial_\phi \ln q(z_l)\,"
                   r"\big(\ln p(x,z_l) - \ln q(z_l)\big)\Big]",
    "f_one": r"f\big|_{D=1} = \big[\ln\mathcal{N}(z; a, \tau^2) - \ln\mathcal{N}(z; \mu, \sigma^2)\big]_{z=\mu+\sigma\varepsilon} - c",
    "h_minus_c": r"\underbrace{\frac{\varepsilon^2}{2} - \frac{(\mu + \sigma\varepsilon - a)^2}{2\tau^2}"
                 r" + \ln\frac{\sigma}{\tau}}_{h(\varepsilon)} - c",
    "estimators": r"\Big(\partial_{\mu_1} \ln\mathcal{N}(z_1; \mu_1, \sigma^2)\big|_{z_1=\mu_1+\sigma\varepsilon_1},\ "
                  + RP + r" = \partial_{\mu_1} f\Big)",
    "estimators_rhs": r"\Big(\frac{\varepsilon_1}{\sigma},\ -\frac{\mu + \sigma\varepsilon_1 - a}{\tau^2}\Big)",
    "var_sf": r"\frac{(c + D\kappa - w)^2 + w^2 + Dv}{\sigma^2} + \frac{\delta^2}{\tau^4}",
    "var_rp": r"\frac{\sigma^2}{\tau^4}",
    "var_baseline": r"\frac{w^2 + Dv}{\sigma^2} + \frac{\delta^2}{\tau^4}",
}
ANSWER_A = (
    r"\nabla_\phi \mathcal{L} = \mathbb{E}_{q(z|x,\phi)}\big[\nabla_\phi \ln q(z|x,\phi)\,"
    r"\big(\ln p(x,z|\theta) - \ln q(z|x,\phi)\big)\big], \qquad \mathbb{E}_q[\nabla_\phi \ln q] = 0",
    r"\nabla_\phi \mathcal{L} \approx \frac{1}{L}\sum_{l=1}^{L}"
    r"\nabla_\phi \ln q(z_l|x,\phi)\,\big(\ln p(x,z_l|\theta) - \ln q(z_l|x,\phi)\big),"
    r"\quad z_l \sim q(z|x,\phi)",
)
# the estimators of the tables and checks, named by their symbols (the same in every language)
ESTIMATOR_TEX = {"score_mu": SF + r"_{\mu_1}", "score_sigma": SF + r"_{\sigma_1}",
                 "reparam_mu": RP + r"_{\mu_1}", "reparam_sigma": RP + r"_{\sigma_1}",
                 "baseline_mu": r"\hat g^{\mathrm{SF},b^*}_{\mu_1}"}

# column heads of the tables: symbols only, defined in the captions (the same in every language)
TABLE_LABEL = (r"\big(c,\ \operatorname{Var}\hat g^{\mathrm{SF}},\ \operatorname{Var}\hat g^{\mathrm{RP}},\ "
               r"\rho,\ \operatorname{Var}\hat g^{\mathrm{SF}, b^*}\big)")
MC_LABELS = {"var": r"\big(\operatorname{Var},\ \widehat{\operatorname{Var}},\ e,\ z\big)",
             "mean": r"\big(\mathbb{E},\ \widehat{\mathbb{E}},\ e,\ z\big)"}


def _var(name: str) -> str:
    return rf"{VAR}{ESTIMATOR_TEX[name]}"


# --------------------------------------------------------------------------- main: (a)

def estimator_section(ctx) -> Section:
    """(a): the gradient of the ELBO as an expectation under q, the score's zero mean, and the
    Monte Carlo estimate."""
    F = ctx.forms
    steps = [
        Step(F["gradient"], F["under"], T("a_leibniz"), lhs_tex=TEX["gradient"], rhs_tex=TEX["under"]),
        Step(F["under"], F["split"], T("a_product"), rhs_tex=TEX["split"]),
        Step(F["split"], F["expectation"], T("a_zero"), rhs_tex=TEX["expectation"]),
        Step(F["mean_score"], F["d_integral_q"], T("a_mean_score"),
             lhs_tex=TEX["mean_score"], rhs_tex=TEX["d_integral_q"]),
        Step(F["d_integral_q"], sp.Integer(0), T("a_normalised")),
        Step(F["sample_mean"], F["expectation"], T("a_monte_carlo"),
             lhs_tex=TEX["sample_mean"], rhs_tex=TEX["expectation"]),
    ]
    return Section(T("sec_a"), steps=steps, answers=ANSWER_A,
                   goals=[Goal(F["gradient"], F["expectation"]), Goal(F["mean_score"], sp.Integer(0))],
                   results={"estimator": sc.estimator_expression()})


# --------------------------------------------------------------------------- main: (b)

def _model_steps(ctx) -> list:
    """The model's log-ratio, the score of mu_1 and the two estimators."""
    cf = ctx.coordinate
    pair = lambda a, b: sp.ImmutableMatrix([[a, b]])                     # noqa: E731
    return [
        Step(*cf["log_ratio"], T("b_model"), lhs_tex=TEX["f_one"], rhs_tex=TEX["h_minus_c"]),
        Step(pair(cf["score_mu"][0], cf["reparam_mu"][0]), pair(cf["score_mu"][1], cf["reparam_mu"][1]),
             T("b_estimators"), lhs_tex=TEX["estimators"], rhs_tex=TEX["estimators_rhs"]),
    ]


def _variance_steps(ctx) -> list:
    """Both variances for any D and any offset."""
    rp = sc.reparam_estimators(1)["mu"]
    return [
        Step(sc.variance_any_dim_form("mu"), sc.compact_form("var_score_mu"), T("b_var_sf"),
             lhs_tex=f"{VAR}{SF}", rhs_tex=TEX["var_sf"]),
        Step(sc.variance_form(rp), sc.compact_form("var_reparam_mu"), T("b_var_rp"),
             lhs_tex=f"{VAR}{RP}", rhs_tex=TEX["var_rp"]),
    ]


def _comparison_steps(ctx) -> list:
    """Where the score-function estimator wins (no offset, D = 2), the bound that shows what
    reverses it, and the MNIST-sized ratio."""
    at = sc.example_values(2, 0)
    var_sf, var_rp = sc.compact_form("var_score_mu"), sc.compact_form("var_reparam_mu")
    below = sp.nsimplify(var_sf.subs(at))
    held = lambda e: sp.Subs(e, tuple(at), tuple(at.values()))          # noqa: E731
    where = r"\big|_{c=0,\,D=2}"
    mean_part = (sc.C + sc.DIM * sc.KL_COORD - sc.unabbreviate(sc.W_))**2 / sc.SIGMA**2
    ratio_held, ratio = sc.ratio_form(ctx.params.dim)
    power = int(math.floor(math.log10(float(ratio))))
    return [
        Step(held(var_sf), below, T("b_below_value"), lhs_tex=f"{VAR}{SF}{where}"),
        Step(below, held(var_rp), T("b_below"), relation="<", rhs_tex=f"1 = {VAR}{RP}{where}"),
        Step(var_sf, mean_part, T("b_bound"), relation=">=", lhs_tex=f"{VAR}{SF}",
             rhs_tex=r"\frac{(c + D\kappa - w)^2}{\sigma^2}"),
        Step(ratio_held, sp.Integer(10) ** power, T("b_mnist", dim=ctx.params.dim, power=power),
             relation=">", lhs_tex=rf"\frac{{{VAR}{SF}}}{{{VAR}{RP}}}\Big|_{{c = 784\ln 2,\ D = {ctx.params.dim}}}",
             rhs_tex=f"10^{{{power}}}"),
    ]


def variance_section(ctx) -> Section:
    """(b): an exactly solvable model; both variances; when the score-function estimator wins
    and why the offset and the dimension reverse that; the one-sentence answer."""
    steps = _model_steps(ctx) + _variance_steps(ctx) + _comparison_steps(ctx)
    goal = Goal(sc.variance_any_dim_form("mu"), sc.compact_form("var_score_mu"))
    return Section(T("sec_b"), steps=steps, goals=[goal], answers=(T("answer_b"),),
                   results={name: sc.compact_form(name) for name in (
                       "elbo", "grad_mu", "grad_sigma", "var_score_mu", "var_reparam_mu", "var_score_sigma",
                       "var_reparam_sigma", "optimal_baseline_mu", "var_score_mu_baseline")})


# --------------------------------------------------------------------------- appendix

def details_section(ctx) -> Section:
    """(a) in detail: the identity for any q, the normalisation, the variance of the average."""
    F = ctx.forms
    steps = [
        Step(*F["identity"], T("ad_identity")),
        Step(F["integral_q"], sp.Integer(1), T("ad_normalised"), lhs_tex=r"\int q(z \mid x, \phi)\,dz"),
        Step(*F["sample_variance"], T("ad_sample_variance"),
             lhs_tex=rf"{VAR}\Big[\frac{{1}}{{L}}\sum_{{l=1}}^{{L}}\hat g(z_l)\Big] = \frac{{1}}{{L^2}}\sum_{{l=1}}^{{L}} V"),
    ]
    assumptions = [Assumption(T(key)) for key in ("assume_a1", "assume_a2", "assume_a3", "assume_a4", "assume_b")]
    return Section(T("sec_a_details"), part="appendix", steps=steps, notes=(T("note_formal"),),
                   assumptions=assumptions)


def moments_section(ctx) -> Section:
    """The Gaussian moments every step of (b) uses, proved by integration."""
    order = sc.moment_order([sc.variance_any_dim_form("sigma"),
                             sc.variance_form(sc.score_estimators(2)["sigma"], sc.EPS[:2])])
    integrals, moments = sc.moment_table(order)
    values = ", ".join(str(m.doit()) for m in moments)
    step = Step(integrals, moments, T("moments_table", order=order),
                lhs_tex=rf"\Big(\int_{{-\infty}}^{{\infty}} \varepsilon^k\,"
                        rf"\tfrac{{e^{{-\varepsilon^2/2}}}}{{\sqrt{{2\pi}}}}\,d\varepsilon\Big)_{{k=0}}^{{{order}}}",
                rhs_tex=rf"\big(\mathbb{{E}}[\varepsilon^k]\big)_{{k=0}}^{{{order}}} = ({values})")
    return Section(T("sec_moments"), part="appendix", steps=[step])


def _closed_tex(name, dim=None):
    """A closed form printed with its abbreviations (kappa, delta, w, v)."""
    short = sc.compact_form(name, abbreviated=True)
    return expr_latex(short if dim is None else short.xreplace({sc.DIM: dim}))


def sigma_section(ctx) -> Section:
    """The score and reparameterised gradient for sigma_1, the exact ELBO and its gradients,
    and the unbiasedness of the four estimators."""
    cf, E = ctx.coordinate, sc.expectation_form
    sf, rp = sc.score_estimators(1), sc.reparam_estimators(1)
    kl, gm, gs = sc.KL_COORD, sc.compact_form("grad_mu"), sc.compact_form("grad_sigma")
    gm_tex, gs_tex = _closed_tex("grad_mu"), _closed_tex("grad_sigma")
    unbiased = [(sf["mu"], gm, gm_tex, "score_mu"), (sf["sigma"], gs, gs_tex, "score_sigma"),
                (rp["mu"], gm, gm_tex, "reparam_mu"), (rp["sigma"], gs, gs_tex, "reparam_sigma")]
    steps = [
        Step(*cf["score_sigma"], T("s_score_sigma"),
             lhs_tex=r"\partial_\sigma \ln\mathcal{N}(z; \mu, \sigma^2)\big|_{z=\mu+\sigma\varepsilon_1}"),
        Step(*cf["reparam_sigma"], T("s_reparam_sigma"), lhs_tex=RP + r"_{\sigma_1} = \partial_{\sigma_1} f",
             rhs_tex=r"\frac{1}{\sigma} - \frac{(\mu + \sigma\varepsilon_1 - a)\,\varepsilon_1}{\tau^2}"),
        Step(E(sc.h_coordinate(sc.EPS[0]) - sc.C), -kl - sc.C, T("s_elbo"),
             lhs_tex=r"\mathcal{L}\big|_{D=1} = \mathbb{E}\big[h(\varepsilon) - c\big]", rhs_tex=r"-\kappa - c"),
        Step(sc.derivative_at(-kl - sc.C, sc.MU), gm, T("s_differentiate"),
             lhs_tex=r"\partial_{\mu_1}\mathcal{L}", rhs_tex=gm_tex),
        Step(sc.derivative_at(-kl - sc.C, sc.SIGMA), gs, T("s_differentiate"),
             lhs_tex=r"\partial_{\sigma_1}\mathcal{L}", rhs_tex=gs_tex),
    ]
    steps += [Step(E(g), mean, T("s_unbiased"), lhs_tex=rf"\mathbb{{E}}\,{ESTIMATOR_TEX[name]}", rhs_tex=tex)
              for g, mean, tex, name in unbiased]
    steps.append(Step(E(sc.score_estimators(2)["mu"], sc.EPS[:2]), gm, T("s_unbiased_d2"),
                      lhs_tex=rf"\mathbb{{E}}\,{ESTIMATOR_TEX['score_mu']}\big|_{{D=2}}", rhs_tex=gm_tex))
    goals = [Goal(E(sf["mu"]), gm), Goal(E(rp["mu"]), gm)]
    return Section(T("sec_sigma"), part="appendix", steps=steps, goals=goals)


def variances_section(ctx) -> Section:
    """The four variances at D = 1, the sigma variance for any D, and direct checks at D = 2, 3."""
    sf, rp = sc.score_estimators(1), sc.reparam_estimators(1)
    one = [(sf["mu"], "var_score_mu", "score_mu"), (rp["mu"], "var_reparam_mu", "reparam_mu"),
           (sf["sigma"], "var_score_sigma", "score_sigma"), (rp["sigma"], "var_reparam_sigma", "reparam_sigma")]
    steps = [Step(sc.variance_form(g), sc.compact_form(name).subs(sc.DIM, 1), T("v_one_dim"),
                  lhs_tex=_var(label), rhs_tex=_closed_tex(name, 1)) for g, name, label in one]
    steps.append(Step(sc.variance_any_dim_form("sigma"), sc.compact_form("var_score_sigma"), T("v_any_dim"),
                      lhs_tex=_var("score_sigma"), rhs_tex=_closed_tex("var_score_sigma")))
    for dim, which in ((2, "mu"), (3, "mu"), (2, "sigma")):
        g = sc.score_estimators(dim)[which]
        name = f"var_score_{which}"
        steps.append(Step(sc.variance_form(g, sc.EPS[:dim]), sc.compact_form(name).subs(sc.DIM, dim),
                          T("v_explicit", dim=dim), lhs_tex=_var(f"score_{which}") + rf"\big|_{{D={dim}}}",
                          rhs_tex=_closed_tex(name, dim)))
    h = sc.h_coordinate(sc.EPS[0])
    steps.append(Step(sc.variance_form(h), sc.unabbreviate(sc.V_H), T("v_var_h"),
                      lhs_tex=rf"v = {VAR}\,h(\varepsilon)", rhs_tex=expr_latex(sc.ABBREVIATIONS[0][1])))
    return Section(T("sec_variances"), part="appendix", steps=steps)


def offset_section(ctx) -> Section:
    """How the offset and the dimension enter, term by term."""
    forms = sc.offset_forms()
    var_sf = sc.compact_form("var_score_mu")
    steps = [
        Step(sp.Limit(var_sf / sc.C**2, sc.C, sp.oo), 1 / sc.SIGMA**2, T("o_limit_c"),
             lhs_tex=rf"\lim_{{c\to\infty}} {_var('score_mu')} / c^2"),
        Step(sp.Limit(var_sf / sc.DIM**2, sc.DIM, sp.oo), sc.KL_COORD**2 / sc.SIGMA**2, T("o_limit_d"),
             lhs_tex=rf"\lim_{{D\to\infty}} {_var('score_mu')} / D^2", rhs_tex=r"\frac{\kappa^2}{\sigma^2}"),
        Step(*forms["gap"], T("o_gap"), lhs_tex=rf"{VAR}_c{SF} - {VAR}_0{SF}",
             rhs_tex=r"-2c\,\mathbb{E}\big[s^2 f_0\big] + c^2\,\mathbb{E}\big[s^2\big]"),
        Step(*forms["mean_square_score"], T("o_mean_square"), lhs_tex=r"\mathbb{E}\big[s^2\big]"),
        Step(sp.Limit(sc.compact_form("var_score_sigma") / sc.C**2, sc.C, sp.oo), 2 / sc.SIGMA**2,
             T("o_limit_sigma"), lhs_tex=rf"\lim_{{c\to\infty}} {_var('score_sigma')} / c^2"),
        Step(sc.derivative_at(sc.var_reparam_mu(), sc.C) + sc.derivative_at(sc.var_reparam_sigma(), sc.C), 0,
             T("o_reparam_free"), lhs_tex=rf"\partial_c {_var('reparam_mu')} + \partial_c {_var('reparam_sigma')}"),
        Step(sp.Limit(sc.compact_form("var_score_mu_baseline") / sc.DIM, sc.DIM, sp.oo),
             sc.unabbreviate(sc.V_H) / sc.SIGMA**2, T("o_baseline_linear"),
             lhs_tex=rf"\lim_{{D\to\infty}} {_var('baseline_mu')} / D", rhs_tex=r"\frac{v}{\sigma^2}"),
    ]
    return Section(T("sec_offset"), part="appendix", steps=steps)


def _baseline_step(ctx) -> Step:
    """With its best constant baseline the score-function variance loses the offset."""
    lhs = sc.baseline_forms()["no_offset"][0]
    return Step(lhs, sc.compact_form("var_score_mu_baseline"), T("bl_best"),
                lhs_tex=rf"{VAR}\Big[\frac{{\varepsilon_1}}{{\sigma}}\,(f - b^*)\Big]", rhs_tex=TEX["var_baseline"])


def baseline_section(ctx) -> Section:
    """The optimal constant baseline: why b* minimises, its value, what it removes."""
    forms = sc.baseline_forms()
    steps = [
        Step(*forms["gap"], T("bl_gap"), lhs_tex=rf"{VAR}_b - {VAR}_{{b^*}}", rhs_tex=r"\frac{(b - b^*)^2}{\sigma^2}"),
        Step(*forms["optimum"], T("bl_optimum"), lhs_tex=r"b^* = \mathbb{E}[s^2 f] / \mathbb{E}[s^2]",
             rhs_tex=r"w - c - D\kappa"),
        _baseline_step(ctx),
        Step(*forms["removed"], T("bl_removed"), lhs_tex=rf"{VAR}_0 - {VAR}_{{b^*}}",
             rhs_tex=r"\frac{\mathbb{E}[s^2 f]^2}{\mathbb{E}[s^2]}"),
    ]
    return Section(T("sec_baseline"), part="appendix", steps=steps)


def _number(x: float):
    """A table entry: six significant digits, an integer printed as one (no ``295586.0``)."""
    rounded = float(f"{x:.6g}")
    return sp.Integer(int(rounded)) if rounded.is_integer() and abs(rounded) < 1e15 else sp.Float(rounded, 6)


def _log2_tex(expr) -> str:
    """LaTeX of a polynomial in ``ln 2`` as a person writes it: ``392 \\ln 2 + 614656 (\\ln 2)^2``.

    >>> print(_log2_tex(3 * sp.log(2)**2 + sp.log(2)))
    \\ln 2 + 3 (\\ln 2)^{2}
    """
    tex = expr_latex(expr).replace(r"\ln{\left(2 \right)}^{2}", r"(\ln 2)^{2}")
    return tex.replace(r"\ln{\left(2 \right)}", r"\ln 2")


def numbers_section(ctx) -> Section:
    """The MNIST-sized offset and ratio, and the table of exact variances."""
    dim = ctx.params.dim
    ratio_held, ratio = sc.ratio_form(dim)
    steps = [
        Step(*sc.offset_sum(), T("m_offset"), lhs_tex=r"c = -\sum_{j=1}^{784} \ln \tfrac12", rhs_tex=r"784 \ln 2"),
        Step(ratio_held, ratio, T("m_ratio", dim=dim), rhs_tex=_log2_tex(ratio),
             lhs_tex=rf"\frac{{{_var('score_mu')}}}{{{_var('reparam_mu')}}}\Big|_{{c = 784\ln 2,\ D = {dim}}}"),
    ]
    table = sp.ImmutableMatrix([[_number(r[k]) for k in ("c", "var_score", "var_reparam", "ratio", "var_baseline")]
                                for r in ctx.rows])
    exhibit = Exhibit(TABLE_LABEL, table, T("table_caption", dim=dim))
    results = {"variance_ratio_mnist": float(ratio), "variance_ratio_mnist_exact": ratio,
               "mnist": {"pixels": sc.MNIST_PIXELS, "latent_dim": dim, "c": float(sc.mnist_offset()),
                         **{str(k): float(v) for k, v in sc.MNIST_PARAMS.items()}},
               "variance_table": [dict(row) for row in ctx.rows]}
    return Section(T("sec_numbers"), part="appendix", steps=steps, exhibits=[exhibit], results=results)


def _cross_checks(ctx) -> list:
    """Quadrature at D = 1 (and D = dim when explicit) and the Monte Carlo, estimator by estimator."""
    p, mc, out = ctx.params, ctx.mc, []
    for d in sorted({1, min(p.dim, len(sc.EPS))}):
        worst = sc.quadrature_agreement(d)
        out.append(CrossCheck(T("cc_quadrature_what", dim=d), T("cc_quadrature_against"),
                              T("cc_quadrature_outcome", **_scientific("worst", worst, 2)), worst < sc.QUADRATURE_TOLERANCE))
    for name in sorted(mc):
        r = mc[name]
        out.append(CrossCheck(T("cc_mc_what", estimator=f"${ESTIMATOR_TEX[name]}$", dim=p.dim),
                              T("cc_mc_against", samples=p.samples, seed=p.seed),
                              T("cc_mc_outcome", **_decimal("z_mean", r["z_mean"]), **_decimal("z_var", r["z_var"])),
                              sc.within_band(r)))
    return out


def checks_section(ctx) -> Section:
    """Independent routes to the closed forms: quadrature and the Monte Carlo tables."""
    p, mc = ctx.params, ctx.mc
    names = sorted(mc)
    rows = ", ".join(f"${ESTIMATOR_TEX[n]}$" for n in names)
    max_z = max(max(abs(mc[n]["z_mean"]), abs(mc[n]["z_var"])) for n in names)
    var_table = sp.ImmutableMatrix([[_number(mc[n][k]) for k in ("var_exact", "var", "se_var", "z_var")] for n in names])
    mean_table = sp.ImmutableMatrix([[_number(mc[n][k]) for k in ("mean_exact", "mean", "se_mean", "z_mean")]
                                     for n in names])
    exhibits = [Exhibit(MC_LABELS["var"], var_table,
                        T("mc_var_caption", samples=p.samples, seed=p.seed, dim=p.dim, rows=rows)),
                Exhibit(MC_LABELS["mean"], mean_table, T("mc_mean_caption", **_decimal("max_z", max_z)))]
    ratio = float(sc.variance_ratio(p.dim, sc.mnist_offset()))
    note = T("note_numbers", dim=p.dim, **_scientific("ratio", ratio), **_decimal("max_z", max_z))
    results = {"monte_carlo": {"samples": p.samples, "seed": p.seed, "estimators": mc, "max_abs_z": max_z}}
    return Section(T("sec_checks"), part="appendix", exhibits=exhibits, notes=(note,),
                   cross_checks=_cross_checks(ctx), results=results)


def _decimal(name: str, x: float, places: int = 2) -> dict:
    """A decimal number as two placeholder values, ``<name>_int`` and ``<name>_frac``, so that
    each language's template puts its own separator between them (``1.21``, ``1{,}21``).

    >>> _decimal("z", -0.5704)
    {'z_int': '-0', 'z_frac': '57'}
    """
    whole, fraction = f"{x:.{places}f}".split(".")
    return {f"{name}_int": whole, f"{name}_frac": fraction}


def _scientific(name: str, x: float, digits: int = 4) -> dict:
    """``x`` as a mantissa of ``digits`` significant digits (split as in :func:`_decimal`) and
    a power of ten, ``<name>_exp``.

    >>> _scientific("r", 295585.85)
    {'r_int': '2', 'r_frac': '956', 'r_exp': 5}
    """
    mantissa, exponent = f"{x:.{digits - 1}e}".split("e")
    return {**_decimal(name, float(mantissa), digits - 1), f"{name}_exp": int(exponent)}


# --------------------------------------------------------------------------- the spec

def setup(params: Params):
    """What the sections share: the parameters, the forms of (a) and of one coordinate, the
    table rows and the Monte Carlo (run once)."""
    offsets = [sp.Integer(0), sp.Integer(10), sp.Rational(784, 10), sc.mnist_offset()]
    return SimpleNamespace(
        params=params, forms=sc.elbo_gradient_forms(), coordinate=sc.coordinate_forms(),
        rows=sc.variance_table(params.dim, offsets),
        mc=sc.monte_carlo(params.dim, float(sc.mnist_offset()), params.samples, params.seed))


SPEC = Spec(ID, T, Params, (estimator_section, variance_section, details_section, moments_section,
                            sigma_section, variances_section, offset_section, baseline_section,
                            numbers_section, checks_section), setup=setup)


def build(options):
    """The LV-2 derivation for ``--score-dim`` (or ``--dim``), ``--samples``, ``--seed``;
    ``ValueError`` on bad input.

    >>> from proofs.problem import options_for
    >>> import proofs.score_function as m
    >>> build(options_for(m, samples=5)) # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    ValueError: --samples must be an integer from 1000 to 10000000, got 5
    """
    return assemble(SPEC, params_from(options))


# --------------------------------------------------------------------------- the figure

def figures(options, lang: str = "en"):
    """One figure: exact variances of both estimators against the offset c and the dimension D,
    its words (labels, titles, legend, caption) in ``lang``."""
    dim = params_from(options).dim
    offsets = np.logspace(-1, 4, 201)
    dims = np.unique(np.round(np.logspace(0, 3, 61)).astype(int))
    curves = sc.variance_curves(dim, offsets, dims)
    words = {key: say(T(key, dim=dim), lang) for key in (
        "fig_left_title", "fig_right_title", "fig_xlabel_c", "fig_xlabel_d", "fig_ylabel",
        "fig_score", "fig_score_c0", "fig_baseline", "fig_reparam")}
    return (Figure("score-function-variance", T("fig_caption", dim=dim),
                   lambda stem: _draw(stem, offsets, dims, curves, words)),)


FONT_PT = 9          # drawn at 6.2 in and printed at 0.92 of a 6.1 in text width: about 8.3 pt


def _draw(stem, offsets, dims, curves, words):
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.ticker import NullFormatter

    with matplotlib.rc_context({"font.size": FONT_PT, "axes.titlesize": FONT_PT, "axes.labelsize": FONT_PT,
                                "xtick.labelsize": FONT_PT, "ytick.labelsize": FONT_PT,
                                "legend.fontsize": FONT_PT}):
        fig, (left, right) = plt.subplots(1, 2, figsize=(6.2, 3.3))
        styles = {"score": ("C0", "-"), "score_c0": ("C0", "-."), "baseline": ("C1", "--"), "reparam": ("C2", "-")}
        labels = {"score": words["fig_score"], "score_c0": words["fig_score_c0"],
                  "baseline": words["fig_baseline"], "reparam": words["fig_reparam"]}
        for ax, x, data in ((left, offsets, curves["against_c"]), (right, dims, curves["against_d"])):
            for key in ("score", "score_c0", "baseline", "reparam"):
                if key in data:
                    colour, line = styles[key]
                    ax.loglog(x, data[key], line, color=colour, label=labels[key])
            ax.set_ylabel(words["fig_ylabel"])
            ax.grid(True, which="major", alpha=0.3)
            ax.xaxis.set_minor_formatter(NullFormatter())
            ax.yaxis.set_minor_formatter(NullFormatter())
        left.axvline(curves["c_fixed"], color="grey", linestyle=":", linewidth=1)
        left.set_xlabel(words["fig_xlabel_c"])
        left.set_title(words["fig_left_title"])
        right.set_xlabel(words["fig_xlabel_d"])
        right.set_title(words["fig_right_title"])
        handles, names = right.get_legend_handles_labels()
        fig.legend(handles, names, loc="lower center", ncol=2, frameon=False, columnspacing=1.2,
                   handlelength=2.2)
        # fixed margins instead of tight_layout, and no minor tick labels: measuring hundreds of
        # log-scale tick labels dominated the drawing time
        fig.subplots_adjust(left=0.1, right=0.98, bottom=0.31, top=0.91, wspace=0.36)
        fig.savefig(stem + ".pdf", metadata={"CreationDate": None, "ModDate": None})
        fig.savefig(stem + ".png", dpi=120, metadata={"Software": None})
        plt.close(fig)
