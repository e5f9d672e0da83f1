"""Score-function (log-derivative) vs reparameterisation gradient estimators (LV-2).

Part (a) derives the score-function estimator of the ELBO gradient for an
arbitrary density ``q(z, phi)`` and log-joint ``ln p(x, z)`` (SymPy undefined
functions).  Integrals of undefined functions are kept as
:class:`FormalIntegral` objects: SymPy never tries to integrate them, and the
only rules applied to them are linearity (pulling out what does not depend on
the integration variable, splitting sums) and SymPy's own differentiation
under the integral sign.  Both rules need integrability / domination
conditions, which the derivation states as assumptions.  This module holds only the
mathematics (the expressions of the steps among it); the sentences and the printed forms are
the problem's spec, :mod:`proofs.score_function`.

Part (b) works in a model where everything is closed-form:

* ``q(z) = N(mu, diag sigma^2)`` in ``D`` latent dimensions, the same ``mu``
  and ``sigma`` in every coordinate, ``z = mu + sigma * eps``;
* ``ln p(x, z) = ln p(x) + sum_d ln N(z_d; a, tau^2)``, i.e. a quadratic
  log-joint whose constant offset is ``-c`` with ``c = -ln p(x)`` (exact when
  the posterior is Gaussian, e.g. for a linear-Gaussian decoder).

Then ``f = ln p - ln q = sum_d h(eps_d) - c`` with ``h`` below, and every
expectation is a polynomial in Gaussian moments (:class:`GaussianMoment`,
whose values are themselves proved by integration in the derivation).

Examples
--------
>>> import sympy as sp
>>> gaussian_expectation(EPS[0]**4, [EPS[0]])
3
>>> var_reparam_mu()
sigma**2/tau**4
>>> sp.factor(var_score_mu(1).subs({MU: A, SIGMA: S}))
c**2/tau**2
"""
from __future__ import annotations

import functools
import math
from typing import Sequence

import numpy as np
import sympy as sp

from .formal import FormalIntegral

__all__ = ["FormalIntegral", "GaussianMoment", "moment_form", "gaussian_expectation",
           "MU", "SIGMA", "A", "S", "TAU", "C", "DIM", "B", "EPS", "Z", "PHI", "X", "SAMPLES", "INDEX",
           "log_normal", "h_coordinate", "score_estimators", "reparam_estimators",
           "elbo", "grad_mu", "grad_sigma", "var_score_mu", "var_score_sigma",
           "var_reparam_mu", "var_reparam_sigma", "optimal_baseline_mu",
           "var_score_mu_baseline", "variance_pieces", "MNIST_PIXELS", "MNIST_PARAMS",
           "mnist_offset", "variance_ratio", "variance_table", "variance_curves", "monte_carlo",
           "estimator_expression", "compact_form", "unabbreviate",
           "KAPPA", "DELTA", "W_", "V_H", "KL_COORD", "quadrature_moments",
           "elbo_gradient_forms", "derivative_at", "coordinate_forms", "SCORES", "expectation_form",
           "variance_form", "variance_any_dim_form", "offset_forms", "baseline_forms", "moment_order",
           "moment_table", "example_values", "ratio_form", "offset_sum", "quadrature_agreement",
           "within_band", "QUADRATURE_TOLERANCE"]

# --------------------------------------------------------------------------- symbols

MU, A = sp.symbols("mu a", real=True)          # q's mean, the posterior's mean (per coordinate)
SIGMA = sp.Symbol("sigma", positive=True)       # q's standard deviation
S = TAU = sp.Symbol("tau", positive=True)      # the posterior's standard deviation
C = sp.Symbol("c", real=True)                  # offset: c = -ln p(x)
B = sp.Symbol("b", real=True)                  # a constant baseline
DIM = sp.Symbol("D", positive=True, integer=True)  # latent dimension
EPS = sp.symbols("epsilon_1:4", real=True)     # standard normal noise, coordinates 1..3

MNIST_PIXELS = 784
_MAX_NORMALS = 10_000_000       # Monte Carlo memory: a few arrays of this many float64
# posterior N(0, 1) per coordinate, q off by half a posterior standard deviation in the mean
MNIST_PARAMS = {A: sp.Integer(0), S: sp.Integer(1), MU: sp.Rational(1, 2), SIGMA: sp.Integer(1)}


# --------------------------------------------------------------------------- formal integrals

class GaussianMoment(sp.Function):
    """``E[v^k]`` for ``v ~ N(0, 1)``, kept unevaluated until ``doit``.

    ``doit`` returns ``(k-1)!!`` for even ``k`` and 0 for odd ``k``; the
    derivation proves these values by SymPy integration (its moment-table step).

    Examples
    --------
    >>> import sympy as sp
    >>> v = sp.Symbol('v', real=True)
    >>> GaussianMoment(v, 6).doit(), GaussianMoment(v, 3).doit()
    (15, 0)
    """

    @classmethod
    def eval(cls, v, k):
        if not (k.is_Integer and k >= 0):
            raise ValueError(f"a Gaussian moment needs a non-negative integer order, got {k}")
        return None

    def doit(self, **hints):
        k = int(self.args[1])
        return sp.Integer(0) if k % 2 else sp.factorial2(k - 1)

    def _eval_derivative(self, s):
        return sp.S.Zero

    def _latex(self, printer):
        return rf"\mathbb{{E}}\left[{printer._print(self.args[0])}^{{{self.args[1]}}}\right]"


def moment_form(expr, variables: Sequence[sp.Symbol]):
    """``E[expr]`` for independent standard normal ``variables``, written by linearity as a
    combination of :class:`GaussianMoment` objects (unevaluated).

    ``expr`` must be a polynomial in ``variables``.

    Examples
    --------
    >>> import sympy as sp
    >>> x = sp.Symbol('x', real=True)
    >>> moment_form((x + 1)**2, [x])
    2*GaussianMoment(x, 1) + GaussianMoment(x, 2) + 1
    """
    variables = list(variables)
    terms = []
    for monomial, coeff in _polynomial_terms(sp.sympify(expr), variables):
        moments = sp.Mul(*[GaussianMoment(v, k) for v, k in zip(variables, monomial) if k])
        terms.append(coeff * moments)
    return sp.Add(*terms)


def _polynomial_terms(expr, variables):
    """``[(monomial, coefficient)]`` of ``expr`` as a polynomial in ``variables``, sorted.

    The coefficients may hold logarithms and negative powers of the parameters: those are
    renamed to fresh symbols so that the expansion runs in SymPy's fast polynomial
    arithmetic over the rationals, then renamed back.
    """
    renamed = {}

    def rename(atom):
        if atom not in renamed:
            renamed[atom] = sp.Dummy(f"g{len(renamed)}")
        return renamed[atom]

    # logarithms (and any other function of the parameters) become plain generators
    for atom in sorted(expr.atoms(sp.Function), key=sp.default_sort_key):
        if any(v in atom.free_symbols for v in variables):
            raise ValueError(f"expected a polynomial in {variables}, got {expr}")
        expr = expr.xreplace({atom: rename(atom)})
    # negative powers of symbols: 1/sigma**k -> u**k
    if any(isinstance(p, sp.Pow) and p.base in variables and not (p.exp.is_Integer and p.exp >= 0)
           for p in expr.atoms(sp.Pow)):
        raise ValueError(f"expected a polynomial in {variables}, got {expr}")
    expr = expr.replace(
        lambda e: e.is_Pow and e.exp.is_Integer and e.exp < 0 and e.base.is_Symbol
        and e.base not in variables,
        lambda e: rename(sp.Pow(e.base, -1)) ** (-e.exp))
    others = sorted(expr.free_symbols - set(variables), key=sp.default_sort_key)
    gens = list(variables) + others
    ring, *ring_gens = sp.ring(gens, sp.QQ)
    lookup = dict(zip(gens, ring_gens))

    def convert(e):                      # bottom-up, so products are multiplied, not expanded as trees
        if e.is_Add:
            return sum((convert(a) for a in e.args), ring.zero)
        if e.is_Mul:
            out = ring.one
            for a in e.args:
                out *= convert(a)
            return out
        if e.is_Pow and e.exp.is_Integer and e.exp >= 0:
            return convert(e.base) ** int(e.exp)
        if e in lookup:
            return lookup[e]
        if e.is_Rational:
            return ring(sp.QQ(int(e.p), int(e.q)))
        raise ValueError(f"expected a polynomial in {variables}, got {e}")

    poly = convert(expr)
    back = {v: k for k, v in renamed.items()}
    n = len(variables)
    grouped: dict = {}
    for monomial, coeff in poly.terms():
        rest = sp.Mul(sp.Rational(int(coeff.numerator), int(coeff.denominator)),
                      *[g**k for g, k in zip(others, monomial[n:]) if k])
        grouped.setdefault(monomial[:n], []).append(rest)
    return [(m, sp.Add(*parts).xreplace(back)) for m, parts in sorted(grouped.items())]


def _expand(expr):
    """``sp.expand`` for polynomials in the parameters (with logs and inverse powers), fast."""
    terms = _polynomial_terms(sp.sympify(expr), [])
    return terms[0][1] if terms else sp.S.Zero


def gaussian_expectation(expr, variables: Sequence[sp.Symbol]):
    """Exact ``E[expr]`` for independent standard normal ``variables`` (expanded).

    Examples
    --------
    >>> import sympy as sp
    >>> x, y = sp.symbols('x y', real=True)
    >>> gaussian_expectation(x**2 * y**2 + x, [x, y])
    1
    """
    return _expand(moment_form(expr, variables).doit())


# --------------------------------------------------------------------------- the model

def log_normal(z, mean, sd):
    """``ln N(z; mean, sd^2)``.

    >>> import sympy as sp
    >>> log_normal(0, 0, 1) == -sp.log(2 * sp.pi) / 2
    True
    """
    return -(z - mean)**2 / (2 * sd**2) - sp.log(sd) - sp.log(2 * sp.pi) / 2


def h_coordinate(e):
    """One coordinate of ``ln p - ln q`` at ``z = mu + sigma e`` (without the offset ``-c``).

    >>> h_coordinate(EPS[0]).subs({MU: A, SIGMA: S})
    0
    """
    z = MU + SIGMA * e
    return sp.expand(-(z - A)**2 / (2 * S**2) + e**2 / 2 + sp.log(SIGMA) - sp.log(S))


def _check_dim(dim):
    if not isinstance(dim, (int, np.integer)) or isinstance(dim, bool) or dim < 1:
        raise ValueError(f"the latent dimension must be a positive integer, got {dim!r}")
    if dim > len(EPS):
        raise ValueError(f"explicit estimators are built for at most {len(EPS)} dimensions, got {dim}")
    return int(dim)


def _f(dim):
    return sum(h_coordinate(EPS[d]) for d in range(dim)) - C


def score_estimators(dim: int = 1) -> dict:
    """Single-sample score-function estimators of ``dL/dmu_1`` and ``dL/dsigma_1``,
    as polynomials in ``epsilon_1 .. epsilon_dim`` (explicit ``dim`` <= 3).

    >>> score_estimators(1)['mu'].subs({MU: A, SIGMA: S})
    -c*epsilon_1/tau
    """
    dim = _check_dim(dim)
    e = EPS[0]
    f = _f(dim)
    return {"mu": sp.expand(e / SIGMA * f), "sigma": sp.expand((e**2 - 1) / SIGMA * f)}


def reparam_estimators(dim: int = 1) -> dict:
    """Single-sample reparameterisation estimators of ``dL/dmu_1`` and ``dL/dsigma_1``.

    Only coordinate 1 of ``ln p(z(eps)) - ln q(z(eps))`` depends on ``mu_1``, ``sigma_1``,
    so the estimators involve ``epsilon_1`` alone, whatever ``dim``.

    >>> reparam_estimators(2)['mu']
    a/tau**2 - epsilon_1*sigma/tau**2 - mu/tau**2
    """
    _check_dim(dim)
    first = h_coordinate(EPS[0])
    return {"mu": sp.expand(sp.diff(first, MU)), "sigma": sp.expand(sp.diff(first, SIGMA))}


def _pieces(score):
    """Per-coordinate expectations entering the variance of ``score(e_1) * f``."""
    e = EPS[0]
    h = h_coordinate(e)
    E = lambda x: gaussian_expectation(x, [e])
    m = E(h)
    return {"A": E(score**2 * (h - C)**2), "B": E(score**2 * (h - C)), "S2": E(score**2),
            "m": m, "v": sp.expand(E(h**2) - m**2), "G": E(score * h)}


def variance_pieces(which: str = "mu") -> dict:
    """The per-coordinate expectations ``A = E[s^2 (h-c)^2]``, ``B = E[s^2 (h-c)]``,
    ``S2 = E[s^2]``, ``m = E[h]``, ``v = Var h`` and ``G = E[s h]`` for the score ``s``
    of ``mu`` or ``sigma``.

    >>> variance_pieces('mu')['S2']
    sigma**(-2)
    """
    if which not in ("mu", "sigma"):
        raise ValueError(f"which must be 'mu' or 'sigma', got {which!r}")
    return dict(_cached_pieces(which))


@functools.lru_cache(maxsize=None)
def _cached_pieces(which):
    e = EPS[0]
    score = e / SIGMA if which == "mu" else (e**2 - 1) / SIGMA
    return tuple(sorted(_pieces(score).items()))


def _var_from_pieces(p, dim, baseline=0):
    # score(e_1) * (h_1 - c - b + R), R the sum of the other D-1 coordinates, independent of e_1
    k = dim - 1
    shift = C + baseline
    A_ = p["A"] if baseline == 0 else p["A"].subs(C, shift)
    B_ = p["B"] if baseline == 0 else p["B"].subs(C, shift)
    return _expand(A_ + 2 * k * p["m"] * B_ + p["S2"] * (k * p["v"] + k**2 * p["m"]**2) - p["G"]**2)


# abbreviations used to print the closed forms (``compact_form`` substitutes them back)
KAPPA, DELTA, W_, V_H = sp.symbols("kappa delta w v", real=True)
KL_COORD = sp.log(S / SIGMA) + (SIGMA**2 + (MU - A)**2) / (2 * S**2) - sp.Rational(1, 2)
ABBREVIATIONS = (   # in the order of substitution: v uses delta and w
    (V_H, DELTA**2 * SIGMA**2 / S**4 + W_**2 / 2),
    (KAPPA, KL_COORD),
    (DELTA, MU - A),
    (W_, 1 - SIGMA**2 / S**2),
)
_COMPACT = {
    "elbo": -DIM * KAPPA - C,
    "grad_mu": -DELTA / S**2,
    "grad_sigma": W_ / SIGMA,
    "var_score_mu": ((C + DIM * KAPPA - W_)**2 + W_**2 + DIM * V_H) / SIGMA**2 + DELTA**2 / S**4,
    "var_score_sigma": (2 * (C + DIM * KAPPA - 2 * W_)**2 + 5 * W_**2 + 2 * DIM * V_H) / SIGMA**2
                       + 8 * DELTA**2 / S**4,
    "var_reparam_mu": SIGMA**2 / S**4,
    "var_reparam_sigma": (DELTA**2 + 2 * SIGMA**2) / S**4,
    "optimal_baseline_mu": W_ - C - DIM * KAPPA,
    "var_score_mu_baseline": (W_**2 + DIM * V_H) / SIGMA**2 + DELTA**2 / S**4,
    "var_h": V_H,
}


def unabbreviate(expr):
    """Replace the printing abbreviations ``kappa`` (the per-coordinate KL), ``delta = mu - a``,
    ``w = 1 - sigma^2/tau^2`` and ``v = Var h`` by what they stand for.

    >>> unabbreviate(DELTA * W_)
    (-a + mu)*(-sigma**2/tau**2 + 1)
    """
    for symbol, value in ABBREVIATIONS:
        expr = sp.sympify(expr).xreplace({symbol: value})
    return expr


def compact_form(name: str, abbreviated: bool = False):
    """A closed form in short factored shape: with the abbreviations ``kappa``, ``delta``,
    ``w``, ``v`` (``abbreviated=True``, for printing) or with them substituted (the default;
    equal to the expanded forms such as :func:`var_score_mu`).

    >>> compact_form('var_reparam_sigma', abbreviated=True)
    (delta**2 + 2*sigma**2)/tau**4
    >>> sp.expand(compact_form('grad_sigma') - grad_sigma())
    0
    """
    if name not in _COMPACT:
        raise ValueError(f"unknown closed form {name!r}; known: {', '.join(sorted(_COMPACT))}")
    return _COMPACT[name] if abbreviated else unabbreviate(_COMPACT[name])


@functools.lru_cache(maxsize=None)
def elbo(dim=DIM):
    """The exact ELBO ``E_q[ln p(x,z) - ln q(z)] = -D KL(N(mu, sigma^2) || N(a, tau^2)) - c``.

    >>> elbo(1).subs({MU: A, SIGMA: S})
    -c
    """
    return sp.expand(dim * gaussian_expectation(h_coordinate(EPS[0]), [EPS[0]]) - C)


@functools.lru_cache(maxsize=None)
def grad_mu():
    """``dL/dmu_1 = -(mu - a)/tau^2``.

    >>> grad_mu()
    a/tau**2 - mu/tau**2
    """
    return sp.expand(sp.diff(gaussian_expectation(h_coordinate(EPS[0]), [EPS[0]]), MU))


@functools.lru_cache(maxsize=None)
def grad_sigma():
    """``dL/dsigma_1 = 1/sigma - sigma/tau^2``.

    >>> grad_sigma()
    -sigma/tau**2 + 1/sigma
    """
    return sp.expand(sp.diff(gaussian_expectation(h_coordinate(EPS[0]), [EPS[0]]), SIGMA))


@functools.lru_cache(maxsize=None)
def var_score_mu(dim=DIM):
    """Exact variance of the single-sample score-function estimator of ``dL/dmu_1``.

    >>> sp.limit(var_score_mu(1) / C**2, C, sp.oo)
    sigma**(-2)
    """
    return _var_from_pieces(variance_pieces("mu"), dim)


@functools.lru_cache(maxsize=None)
def var_score_sigma(dim=DIM):
    """Exact variance of the single-sample score-function estimator of ``dL/dsigma_1``.

    >>> sp.limit(var_score_sigma(1) / C**2, C, sp.oo)
    2/sigma**2
    """
    return _var_from_pieces(variance_pieces("sigma"), dim)


@functools.lru_cache(maxsize=None)
def var_reparam_mu():
    """Exact variance of the reparameterisation estimator of ``dL/dmu_1`` (any ``D``, any ``c``)."""
    g = reparam_estimators(1)["mu"]
    return sp.expand(gaussian_expectation(g**2, [EPS[0]]) - gaussian_expectation(g, [EPS[0]])**2)


@functools.lru_cache(maxsize=None)
def var_reparam_sigma():
    """Exact variance of the reparameterisation estimator of ``dL/dsigma_1``.

    >>> sp.factor(var_reparam_sigma().subs({MU: A}))
    2*sigma**2/tau**4
    """
    g = reparam_estimators(1)["sigma"]
    return sp.expand(gaussian_expectation(g**2, [EPS[0]]) - gaussian_expectation(g, [EPS[0]])**2)


@functools.lru_cache(maxsize=None)
def optimal_baseline_mu(dim=DIM):
    """The constant ``b*`` minimising ``Var[s (f - b)]`` for ``s`` the score of ``mu_1``:
    ``b* = E[s^2 f] / E[s^2]``.

    >>> optimal_baseline_mu(1).subs({MU: A, SIGMA: S})
    -c
    """
    p = variance_pieces("mu")
    return sp.expand((p["B"] + (dim - 1) * p["m"] * p["S2"]) / p["S2"])


@functools.lru_cache(maxsize=None)
def var_score_mu_baseline(dim=DIM):
    """Variance of the score-function estimator of ``dL/dmu_1`` with the optimal constant baseline.

    >>> var_score_mu_baseline(1).subs({MU: A, SIGMA: S})
    0
    """
    return _var_from_pieces(variance_pieces("mu"), dim, baseline=optimal_baseline_mu(dim))


# --------------------------------------------------------------------------- numbers

def mnist_offset(pixels: int = MNIST_PIXELS, nats_per_pixel=sp.log(2)):
    """``c = -ln p(x)``, a sum over pixels: ``pixels * nats_per_pixel`` (default ``784 ln 2``,
    a binarised image under a decoder that outputs 1/2 at every pixel, where training starts).

    >>> mnist_offset()
    784*log(2)
    """
    if not isinstance(pixels, (int, np.integer)) or isinstance(pixels, bool) or pixels < 1:
        raise ValueError(f"pixels must be a positive integer, got {pixels!r}")
    return pixels * sp.sympify(nats_per_pixel)


def variance_ratio(dim: int, c_value, params=None):
    """Exact ``Var_score / Var_reparam`` for ``dL/dmu_1`` at numeric parameters.

    >>> float(variance_ratio(1, 0, {A: 0, S: 1, MU: 0, SIGMA: 1}))
    0.0
    """
    if not isinstance(dim, (int, np.integer)) or isinstance(dim, bool) or dim < 1:
        raise ValueError(f"the latent dimension must be a positive integer, got {dim!r}")
    params = {**(MNIST_PARAMS if params is None else params)}
    values = {**params, C: sp.sympify(c_value), DIM: dim}
    return sp.nsimplify(var_score_mu(DIM).subs(values)) / var_reparam_mu().subs(values)


def variance_table(dim: int, offsets, params=None) -> list[dict]:
    """Rows ``{c, var_score, var_reparam, ratio, var_baseline}`` (floats) for ``dL/dmu_1``.

    >>> row = variance_table(1, [0], {A: 0, S: 1, MU: 0, SIGMA: 1})[0]
    >>> row['var_score'], row['var_reparam'], row['ratio']
    (0.0, 1.0, 0.0)
    """
    if not isinstance(dim, (int, np.integer)) or isinstance(dim, bool) or dim < 1:
        raise ValueError(f"the latent dimension must be a positive integer, got {dim!r}")
    params = MNIST_PARAMS if params is None else params
    vs, vr, vb = var_score_mu(DIM), var_reparam_mu(), var_score_mu_baseline(DIM)
    rows = []
    for c_value in offsets:
        values = {**params, C: sp.sympify(c_value), DIM: dim}
        score, reparam = float(vs.subs(values)), float(vr.subs(values))
        rows.append({"c": float(sp.sympify(c_value)), "var_score": score, "var_reparam": reparam,
                     "ratio": score / reparam, "var_baseline": float(vb.subs(values))})
    return rows


def variance_curves(dim: int, offsets, dims, c_fixed=None, params=None) -> dict:
    """Exact variances of the estimators of ``dL/dmu_1`` as NumPy arrays, for plotting.

    ``against_c``: over ``offsets`` at latent dimension ``dim``; ``against_d``: over ``dims``
    at offset ``c_fixed`` (default ``784 ln 2``).  Keys ``score``, ``baseline``, ``reparam``,
    plus ``score_c0`` (offset 0) in ``against_d``.

    >>> curves = variance_curves(2, [0.0, 10.0], [1, 2])
    >>> curves['against_c']['reparam'].tolist(), curves['against_d']['reparam'].tolist()
    ([1.0, 1.0], [1.0, 1.0])
    """
    if not isinstance(dim, (int, np.integer)) or isinstance(dim, bool) or dim < 1:
        raise ValueError(f"the latent dimension must be a positive integer, got {dim!r}")
    params = MNIST_PARAMS if params is None else params
    c_fixed = float(mnist_offset()) if c_fixed is None else float(c_fixed)
    offsets = np.asarray(offsets, dtype=float)
    dims = np.asarray(dims, dtype=float)
    if dims.size and dims.min() < 1:
        raise ValueError("dimensions must be >= 1")
    forms = {"score": var_score_mu(DIM), "baseline": var_score_mu_baseline(DIM),
             "reparam": var_reparam_mu()}
    fns = {k: sp.lambdify((C, DIM), v.subs(params), "numpy") for k, v in forms.items()}
    ones_c, ones_d = np.ones_like(offsets), np.ones_like(dims)
    return {"against_c": {k: f(offsets, dim) * ones_c for k, f in fns.items()},
            "against_d": {**{k: f(c_fixed, dims) * ones_d for k, f in fns.items()},
                          "score_c0": fns["score"](0.0, dims) * ones_d},
            "c_fixed": c_fixed, "dim": dim}


def _float_params(params):
    return {str(k): float(v) for k, v in params.items()}


def monte_carlo(dim: int, c_value, samples: int, seed: int, params=None) -> dict:
    """Seeded, vectorised simulation of the single-sample estimators of ``dL/dmu_1`` and
    ``dL/dsigma_1``, compared with the closed forms.

    Returns a dict keyed by estimator (``score_mu``, ``reparam_mu``, ``score_sigma``,
    ``reparam_sigma``, ``baseline_mu``), each with the sample ``mean``, its standard error
    ``se_mean``, the sample ``var``, its standard error ``se_var`` (from the fourth central
    moment), the exact ``mean_exact`` / ``var_exact``, and the deviations in standard errors
    ``z_mean`` / ``z_var``.

    Examples
    --------
    >>> r = monte_carlo(2, 0.0, 100000, seed=1)
    >>> abs(r['score_mu']['z_mean']) < 5 and abs(r['reparam_mu']['z_var']) < 5
    True
    """
    _check_simulation(dim, samples, seed)
    params = MNIST_PARAMS if params is None else params
    p = _float_params(params)
    mu, sigma, a, s, c = p["mu"], p["sigma"], p["a"], p["tau"], float(c_value)
    rng = np.random.default_rng(seed)
    eps = rng.standard_normal((samples, dim))
    z = mu + sigma * eps
    # ln p - ln q per sample; ln(2 pi) cancels between the two normal densities
    f = np.sum(-(z - a)**2 / (2 * s**2) + eps**2 / 2 + math.log(sigma / s), axis=1) - c
    e1 = eps[:, 0]
    values = {C: sp.Float(c, 30), DIM: dim, **params}
    b_star = float(optimal_baseline_mu(DIM).subs(values))
    draws = {
        "score_mu": e1 / sigma * f,
        "reparam_mu": -(z[:, 0] - a) / s**2,
        "score_sigma": (e1**2 - 1) / sigma * f,
        "reparam_sigma": -(z[:, 0] - a) * e1 / s**2 + 1 / sigma,
        "baseline_mu": e1 / sigma * (f - b_star),
    }
    exact_mean = {"score_mu": grad_mu(), "reparam_mu": grad_mu(), "baseline_mu": grad_mu(),
                  "score_sigma": grad_sigma(), "reparam_sigma": grad_sigma()}
    exact_var = {"score_mu": var_score_mu(DIM), "reparam_mu": var_reparam_mu(),
                 "score_sigma": var_score_sigma(DIM), "reparam_sigma": var_reparam_sigma(),
                 "baseline_mu": var_score_mu_baseline(DIM)}
    return {name: _summary(draws[name], float(exact_mean[name].subs(values)),
                           float(exact_var[name].subs(values))) for name in sorted(draws)}


def _check_simulation(dim, samples, seed):
    if not isinstance(dim, (int, np.integer)) or isinstance(dim, bool) or dim < 1:
        raise ValueError(f"the latent dimension must be a positive integer, got {dim!r}")
    if not isinstance(samples, (int, np.integer)) or samples < 2:
        raise ValueError(f"samples must be an integer >= 2, got {samples!r}")
    if not isinstance(seed, (int, np.integer)) or seed < 0:
        raise ValueError(f"seed must be a non-negative integer, got {seed!r}")
    if samples * dim > _MAX_NORMALS:
        raise ValueError(f"samples x dim = {samples * dim} is too large (at most {_MAX_NORMALS:.0e} normals)")


def _summary(x, mean_exact: float, var_exact: float) -> dict:
    """Sample mean and variance of the draws ``x``, their standard errors, and their distance
    from the exact values in standard errors."""
    samples = len(x)
    mean = float(np.mean(x))
    centred = x - mean
    var = float(np.mean(centred**2)) * samples / (samples - 1)
    m4 = float(np.mean(centred**4))
    se_mean = math.sqrt(var / samples)
    # standard error of the sample variance: sqrt((mu_4 - sigma^4 (n-3)/(n-1)) / n)
    se_var = math.sqrt(max(m4 - var**2 * (samples - 3) / (samples - 1), 0.0) / samples)
    return {"mean": mean, "se_mean": se_mean, "mean_exact": mean_exact,
            "z_mean": (mean - mean_exact) / se_mean if se_mean > 0 else 0.0,
            "var": var, "se_var": se_var, "var_exact": var_exact,
            "z_var": (var - var_exact) / se_var if se_var > 0 else 0.0}


# --------------------------------------------------------------------------- the steps' expressions

Z, PHI, X = sp.symbols("z phi x", real=True)
SAMPLES = sp.Symbol("L", positive=True, integer=True)      # Monte Carlo samples of (a)
INDEX = sp.Symbol("l", positive=True, integer=True)        # ... and their index
PIXEL = sp.Symbol("j", positive=True, integer=True)        # a pixel of the image
VAR_ONE = sp.Symbol("V", nonnegative=True)                 # the variance of one single-sample estimate


def estimator_expression():
    """The single-sample score-function estimator
    ``d/dphi ln q(z, phi) * (ln p(x, z) - ln q(z, phi))`` with undefined ``p`` and ``q``.

    >>> estimator_expression()
    (log(p(x, z)) - log(q(z, phi)))*Derivative(log(q(z, phi)), phi)
    """
    q = sp.Function("q")(Z, PHI)
    p = sp.Function("p")(X, Z)
    return sp.Derivative(sp.log(q), PHI) * (sp.log(p) - sp.log(q))


def elbo_gradient_forms() -> dict:
    """The expressions of part (a), for an arbitrary normalised ``q = r / int r dz`` (``r`` an
    undefined function, so the normalisation is a consequence, not an axiom) and an undefined
    ``p(x, z)``: the chain from ``d/dphi ELBO`` to the expectation of the estimator, the
    vanishing mean of the score, and the ``L``-sample average.

    >>> forms = elbo_gradient_forms()
    >>> forms['integral_q'].doit()
    1
    """
    limits = (Z, -sp.oo, sp.oo)
    integral = lambda e: FormalIntegral(e, limits)             # noqa: E731
    r = sp.Function("r")(Z, PHI)
    q = r / integral(r)
    f = sp.log(sp.Function("p")(X, Z)) - sp.log(q)
    dq, dlq = sp.Derivative(q, PHI), sp.Derivative(sp.log(q), PHI)
    generic_q = sp.Function("q")(Z, PHI)
    return {
        "gradient": sp.Derivative(integral(q * f), PHI),
        "under": integral(sp.Derivative(q * f, PHI)),
        "product": integral(dq * f - dq),
        "split": integral(q * dlq * f) - integral(q * dlq),
        "expectation": integral(q * dlq * f),
        "mean_score": integral(q * dlq),
        "d_integral_q": sp.Derivative(integral(q), PHI),
        "integral_q": integral(q),
        "identity": (sp.Derivative(sp.log(generic_q), PHI) * generic_q, sp.Derivative(generic_q, PHI)),
        "sample_mean": sp.Sum(integral(q * dlq * f), (INDEX, 1, SAMPLES)) / SAMPLES,
        "sample_variance": (sp.Sum(VAR_ONE, (INDEX, 1, SAMPLES)) / SAMPLES**2, VAR_ONE / SAMPLES),
    }


def derivative_at(expr, var):
    """``d expr / d var`` written as a derivative in a bound copy of ``var``, evaluated at ``var``.

    The checker samples free symbols numerically; a derivative *with respect to* a free
    symbol cannot be sampled, a derivative in a bound variable can.

    >>> derivative_at(MU**2, MU).doit()
    2*mu
    """
    bound = sp.Symbol(f"{var.name}_0", **{k: v for k, v in var.assumptions0.items() if v is not None})
    return sp.Subs(sp.Derivative(sp.sympify(expr).xreplace({var: bound}), bound), bound, var)


def coordinate_forms() -> dict:
    """One coordinate of the Gaussian model at ``z = mu + sigma epsilon_1``, as ``(lhs, rhs)``
    pairs: the scores of ``mu`` and ``sigma`` (``score_mu``, ``score_sigma``), the log-ratio
    ``ln p - ln q`` with its offset (``log_ratio``) and the reparameterised gradients
    (``reparam_mu``, ``reparam_sigma``).

    >>> lhs, rhs = coordinate_forms()['score_mu']
    >>> sp.simplify(lhs.doit() - rhs)
    0
    """
    e = EPS[0]
    z = MU + SIGMA * e
    log_q = log_normal(Z, MU, SIGMA)
    ratio = log_normal(z, A, S) - log_normal(z, MU, SIGMA)
    reparam = reparam_estimators(1)
    return {
        "score_mu": (sp.Subs(derivative_at(log_q, MU), Z, z), e / SIGMA),
        "score_sigma": (sp.Subs(derivative_at(log_q, SIGMA), Z, z), (e**2 - 1) / SIGMA),
        "log_ratio": (ratio - C, h_coordinate(e) - C),
        "reparam_mu": (derivative_at(ratio, MU), reparam["mu"]),
        "reparam_sigma": (derivative_at(ratio, SIGMA), reparam["sigma"]),
    }


SCORES = {"mu": EPS[0] / SIGMA, "sigma": (EPS[0]**2 - 1) / SIGMA}


def expectation_form(expr, variables=(EPS[0],)):
    """``E[expr]`` as unevaluated Gaussian moments (:func:`moment_form`)."""
    return moment_form(expr, variables)


def variance_form(estimator, variables=(EPS[0],)):
    """``Var[estimator] = E[g^2] - (E g)^2`` as unevaluated Gaussian moments."""
    return moment_form(estimator**2, variables) - moment_form(estimator, variables)**2


def variance_any_dim_form(which: str):
    """``Var[s(eps_1) (h(eps_1) - c + R)]`` with ``R`` the sum of the other ``D - 1``
    independent coordinates, ``E R = (D-1) E h``, ``Var R = (D-1) Var h``, in Gaussian moments
    of ``epsilon_1`` alone (``which`` is ``mu`` or ``sigma``).

    >>> sp.expand(variance_any_dim_form('mu').doit() - var_score_mu(DIM)) == 0
    True
    """
    s, h, k = SCORES[which], h_coordinate(EPS[0]), DIM - 1
    E = expectation_form
    mean_h = E(h)
    return (E(s**2 * (h - C)**2) + 2 * k * mean_h * E(s**2 * (h - C))
            + E(s**2) * (k * (E(h**2) - mean_h**2) + k**2 * mean_h**2) - E(s * h)**2)


def offset_forms() -> dict:
    """How the offset enters the variance for ``mu_1``: ``Var_c - Var_0`` and its split
    ``-2c E[s^2 f_0] + c^2 E[s^2]`` (``f_0`` the log-ratio without the offset)."""
    s, h, k = SCORES["mu"], h_coordinate(EPS[0]), DIM - 1
    var = compact_form("var_score_mu")
    e_s2f0 = expectation_form(s**2 * h) + k * expectation_form(h) * expectation_form(s**2)
    return {"gap": (var - var.subs(C, 0), -2 * C * e_s2f0 + C**2 * expectation_form(s**2)),
            "mean_square_score": (expectation_form(s**2), 1 / SIGMA**2)}


def baseline_forms() -> dict:
    """The constant baseline ``b`` for ``mu_1`` (estimator ``s (f - b)``): the variance gap
    ``Var_b - Var_b*``, ``b* = E[s^2 f]/E[s^2]``, the variance removed, and the offset dropping out."""
    s, h, k = SCORES["mu"], h_coordinate(EPS[0]), DIM - 1
    var = compact_form("var_score_mu")
    var_b = var.subs(C, C + B)                 # f - b = sum h - (c + b): b enters like the offset
    var_best = compact_form("var_score_mu_baseline")
    b_star = compact_form("optimal_baseline_mu")
    s2 = expectation_form(s**2)
    e_s2f = expectation_form(s**2 * (h - C)) + k * expectation_form(h) * s2
    return {"gap": (var_b - var_best, (B - b_star)**2 / SIGMA**2),
            "optimum": (e_s2f / s2, b_star),
            "removed": (var - var_best, e_s2f**2 / s2),
            "no_offset": (var_b.subs(B, b_star), var_b.subs(B, b_star).subs(C, 0))}


def moment_order(exprs) -> int:
    """The highest Gaussian moment order in ``exprs``, rounded up to even."""
    order = max([int(m.args[1]) for e in exprs if isinstance(e, sp.Basic)
                 for m in e.atoms(GaussianMoment)] or [0])
    return order + order % 2


def moment_table(order: int) -> tuple:
    """``(integrals, moments)``: the column of ``int eps^k phi(eps) d eps``, ``k = 0..order``,
    and the column of :class:`GaussianMoment` it equals.

    >>> integrals, moments = moment_table(2)
    >>> moments.doit().T
    Matrix([[1, 0, 1]])
    """
    e = EPS[0]
    density = sp.exp(-e**2 / 2) / sp.sqrt(2 * sp.pi)
    return (sp.ImmutableMatrix([sp.Integral(e**j * density, (e, -sp.oo, sp.oo)) for j in range(order + 1)]),
            sp.ImmutableMatrix([GaussianMoment(e, j) for j in range(order + 1)]))


def example_values(dim, c_value=None) -> dict:
    """The substitutions of the MNIST-sized example: posterior ``N(0, 1)``, ``q = N(1/2, 1)``
    per coordinate, latent dimension ``dim``, offset ``c_value`` (default ``784 ln 2``)."""
    return {**MNIST_PARAMS, C: mnist_offset() if c_value is None else sp.sympify(c_value), DIM: dim}


def ratio_form(dim, c_value=None):
    """``Var_SF / Var_RP`` for ``mu_1`` at the example's values, held unevaluated (``Subs``),
    and its exact value."""
    values = example_values(dim, c_value)
    keys = (DIM, C, MU, SIGMA, A, S)
    ratio = compact_form("var_score_mu") / compact_form("var_reparam_mu")
    return sp.Subs(ratio, keys, tuple(values[k] for k in keys)), sp.expand(ratio.subs(values))


def offset_sum():
    """``c = -sum_j ln(1/2)`` over the 784 pixels (held unevaluated) and its value ``784 ln 2``."""
    return -sp.Sum(sp.log(sp.Rational(1, 2)), (PIXEL, 1, MNIST_PIXELS)), mnist_offset()


_MC_BAND = 5.0          # standard errors: a false alarm has probability about 6e-7 per quantity
QUADRATURE_TOLERANCE = 1e-9


def quadrature_agreement(dim: int, c_value=None) -> float:
    """The largest relative difference between Gauss-Hermite quadrature and the closed forms
    (means and variances of the four estimators) at the example's values."""
    c_value = mnist_offset() if c_value is None else c_value
    exact = {"score_mu": var_score_mu(DIM), "score_sigma": var_score_sigma(DIM),
             "reparam_mu": var_reparam_mu(), "reparam_sigma": var_reparam_sigma()}
    grads = {"mu": grad_mu(), "sigma": grad_sigma()}
    values = example_values(dim, c_value)
    worst = 0.0
    for name in sorted(exact):
        mean, var = quadrature_moments(dim, name, c_value)
        var_exact = float(exact[name].subs(values))
        mean_exact = float(grads[name.split("_")[1]].subs(values))
        worst = max(worst, abs(var - var_exact) / abs(var_exact),
                    abs(mean - mean_exact) / max(1.0, abs(mean_exact)))
    return worst


def within_band(result: dict) -> bool:
    """Whether a Monte Carlo entry's mean and variance are within the band of standard errors."""
    return bool(abs(result["z_mean"]) <= _MC_BAND and abs(result["z_var"]) <= _MC_BAND)


def quadrature_moments(dim: int, which: str, c_value, params=None, nodes: int = 12) -> tuple:
    """``(mean, variance)`` of the single-sample estimator ``which`` (``score_mu``,
    ``score_sigma``, ``reparam_mu``, ``reparam_sigma``) by tensor-product Gauss-Hermite
    quadrature in ``dim`` <= 3 dimensions (floating point).  An independent route to the
    closed forms: no moment table and no algebra; with ``nodes`` points per axis the rule is
    exact for polynomials of degree ``2 nodes - 1``, and the integrands here have degree <= 8.

    >>> m, v = quadrature_moments(1, 'reparam_mu', 0, {A: 0, S: 1, MU: 0, SIGMA: 1})
    >>> abs(m) < 1e-12, round(v, 12)
    (True, 1.0)
    """
    dim = _check_dim(dim)
    kind, _, param = which.partition("_")
    if kind not in ("score", "reparam") or param not in ("mu", "sigma"):
        raise ValueError(f"unknown estimator {which!r}")
    if not isinstance(nodes, (int, np.integer)) or nodes < 5:
        raise ValueError(f"nodes must be an integer >= 5, got {nodes!r}")
    params = MNIST_PARAMS if params is None else params
    g = (score_estimators(dim) if kind == "score" else reparam_estimators(dim))[param]
    g = g.subs({**params, C: sp.sympify(c_value)})
    fn = sp.lambdify(EPS[:dim], g, "numpy")
    x, w = np.polynomial.hermite_e.hermegauss(nodes)
    w = w / math.sqrt(2 * math.pi)                  # weights of the standard normal density
    grids = np.meshgrid(*([x] * dim), indexing="ij")
    weight = np.ones_like(grids[0])
    for axis_weights in np.meshgrid(*([w] * dim), indexing="ij"):
        weight = weight * axis_weights
    values = np.asarray(fn(*grids), dtype=float) * np.ones_like(weight)
    mean = float(np.sum(weight * values))
    return mean, float(np.sum(weight * values**2) - mean**2)
