"""Score-function (log-derivative) vs reparameterisation gradient estimators (LV-2).

Part (a) derives the score-function estimator of the ELBO gradient for an
arbitrary density ``q(z, phi)`` and log-joint ``ln p(x, z)`` (SymPy undefined
functions).  Integrals of undefined functions are kept as
:class:`FormalIntegral` objects: SymPy never tries to integrate them, and the
only rules applied to them are linearity (pulling out what does not depend on
the integration variable, splitting sums) and SymPy's own differentiation
under the integral sign.  Both rules need integrability / domination
conditions, which the derivation states as assumptions.

Part (b) works in a model where everything is closed-form:

* ``q(z) = N(mu, diag sigma^2)`` in ``D`` latent dimensions, the same ``mu``
  and ``sigma`` in every coordinate, ``z = mu + sigma * eps``;
* ``ln p(x, z) = ln p(x) + sum_d ln N(z_d; a, s^2)``, i.e. a quadratic
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
sigma**2/s**4
>>> sp.factor(var_score_mu(1).subs({MU: A, SIGMA: S}))
c**2/s**2
"""
from __future__ import annotations

import functools
import math
from typing import Sequence

import numpy as np
import sympy as sp

from .derivation import Assumption, CrossCheck, Derivation, Exhibit, Goal, Step
from .formal import FormalIntegral
from .latex import expr_latex

__all__ = ["FormalIntegral", "GaussianMoment", "moment_form", "gaussian_expectation",
           "MU", "SIGMA", "A", "S", "C", "DIM", "B", "EPS",
           "log_normal", "h_coordinate", "score_estimators", "reparam_estimators",
           "elbo", "grad_mu", "grad_sigma", "var_score_mu", "var_score_sigma",
           "var_reparam_mu", "var_reparam_sigma", "optimal_baseline_mu",
           "var_score_mu_baseline", "variance_pieces", "MNIST_PIXELS", "MNIST_PARAMS",
           "mnist_offset", "variance_ratio", "variance_table", "variance_curves", "monte_carlo",
           "estimator_expression", "score_function_derivation", "compact_form", "unabbreviate",
           "KAPPA", "DELTA", "W_", "V_H", "KL_COORD", "quadrature_moments"]

# --------------------------------------------------------------------------- symbols

MU, A = sp.symbols("mu a", real=True)          # q's mean, the posterior's mean (per coordinate)
SIGMA, S = sp.symbols("sigma s", positive=True)  # q's and the posterior's standard deviations
C = sp.Symbol("c", real=True)                  # offset: c = -ln p(x)
B = sp.Symbol("b", real=True)                  # a constant baseline
DIM = sp.Symbol("D", positive=True, integer=True)  # latent dimension
EPS = sp.symbols("epsilon_1:4", real=True)     # standard normal noise, coordinates 1..3

MNIST_PIXELS = 784
_MAX_NORMALS = 10_000_000       # Monte Carlo memory: a few arrays of this many float64
# posterior N(0, 1) per coordinate, q off by half a posterior standard deviation in the mean
MNIST_PARAMS = {A: sp.Integer(0), S: sp.Integer(1), MU: sp.Rational(1, 2), SIGMA: sp.Integer(1)}


def _density(v):
    return sp.exp(-v**2 / 2) / sp.sqrt(2 * sp.pi)


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
    -c*epsilon_1/s
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
    a/s**2 - epsilon_1*sigma/s**2 - mu/s**2
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
    ``w = 1 - sigma^2/s^2`` and ``v = Var h`` by what they stand for.

    >>> unabbreviate(DELTA * W_)
    (1 - sigma**2/s**2)*(-a + mu)
    """
    for symbol, value in ABBREVIATIONS:
        expr = sp.sympify(expr).xreplace({symbol: value})
    return expr


def compact_form(name: str, abbreviated: bool = False):
    """A closed form in short factored shape: with the abbreviations ``kappa``, ``delta``,
    ``w``, ``v`` (``abbreviated=True``, for printing) or with them substituted (the default;
    equal to the expanded forms such as :func:`var_score_mu`).

    >>> compact_form('var_reparam_sigma', abbreviated=True)
    (delta**2 + 2*sigma**2)/s**4
    >>> sp.expand(compact_form('grad_sigma') - grad_sigma())
    0
    """
    if name not in _COMPACT:
        raise ValueError(f"unknown closed form {name!r}; known: {', '.join(sorted(_COMPACT))}")
    return _COMPACT[name] if abbreviated else unabbreviate(_COMPACT[name])


@functools.lru_cache(maxsize=None)
def elbo(dim=DIM):
    """The exact ELBO ``E_q[ln p(x,z) - ln q(z)] = -D KL(N(mu, sigma^2) || N(a, s^2)) - c``.

    >>> elbo(1).subs({MU: A, SIGMA: S})
    -c
    """
    return sp.expand(dim * gaussian_expectation(h_coordinate(EPS[0]), [EPS[0]]) - C)


@functools.lru_cache(maxsize=None)
def grad_mu():
    """``dL/dmu_1 = -(mu - a)/s^2``.

    >>> grad_mu()
    a/s**2 - mu/s**2
    """
    return sp.expand(sp.diff(gaussian_expectation(h_coordinate(EPS[0]), [EPS[0]]), MU))


@functools.lru_cache(maxsize=None)
def grad_sigma():
    """``dL/dsigma_1 = 1/sigma - sigma/s^2``.

    >>> grad_sigma()
    1/sigma - sigma/s**2
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
    2*sigma**2/s**4
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
    if not isinstance(dim, (int, np.integer)) or isinstance(dim, bool) or dim < 1:
        raise ValueError(f"the latent dimension must be a positive integer, got {dim!r}")
    if not isinstance(samples, (int, np.integer)) or samples < 2:
        raise ValueError(f"samples must be an integer >= 2, got {samples!r}")
    if not isinstance(seed, (int, np.integer)) or seed < 0:
        raise ValueError(f"seed must be a non-negative integer, got {seed!r}")
    if samples * dim > _MAX_NORMALS:
        raise ValueError(f"samples x dim = {samples * dim} is too large (at most {_MAX_NORMALS:.0e} normals)")
    params = MNIST_PARAMS if params is None else params
    p = _float_params(params)
    mu, sigma, a, s, c = p["mu"], p["sigma"], p["a"], p["s"], float(c_value)
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
    out = {}
    for name in sorted(draws):
        x = draws[name]
        mean = float(np.mean(x))
        centred = x - mean
        var = float(np.mean(centred**2)) * samples / (samples - 1)
        m4 = float(np.mean(centred**4))
        se_mean = math.sqrt(var / samples)
        # standard error of the sample variance: sqrt((mu_4 - sigma^4 (n-3)/(n-1)) / n)
        se_var = math.sqrt(max(m4 - var**2 * (samples - 3) / (samples - 1), 0.0) / samples)
        mean_exact = float(exact_mean[name].subs(values))
        var_exact = float(exact_var[name].subs(values))
        out[name] = {"mean": mean, "se_mean": se_mean, "mean_exact": mean_exact,
                     "z_mean": (mean - mean_exact) / se_mean if se_mean > 0 else 0.0,
                     "var": var, "se_var": se_var, "var_exact": var_exact,
                     "z_var": (var - var_exact) / se_var if se_var > 0 else 0.0}
    return out


# --------------------------------------------------------------------------- the derivation

_Z, _PHI, _X = sp.symbols("z phi x", real=True)
_SAMPLES = sp.Symbol("S", positive=True, integer=True)
_K = sp.Symbol("k", positive=True, integer=True)
_PIXEL = sp.Symbol("j", positive=True, integer=True)


def estimator_expression():
    """The single-sample score-function estimator
    ``d/dphi ln q(z, phi) * (ln p(x, z) - ln q(z, phi))`` with undefined ``p`` and ``q``.

    >>> estimator_expression()
    (log(p(x, z)) - log(q(z, phi)))*Derivative(log(q(z, phi)), phi)
    """
    q = sp.Function("q")(_Z, _PHI)
    p = sp.Function("p")(_X, _Z)
    return sp.Derivative(sp.log(q), _PHI) * (sp.log(p) - sp.log(q))


def _part_a() -> tuple[list, list]:
    """Steps and goals of (a): the estimator for an arbitrary normalised q."""
    z, phi = _Z, _PHI
    limits = (z, -sp.oo, sp.oo)
    integral = lambda e: FormalIntegral(e, limits)
    r = sp.Function("r")(z, phi)
    q = r / integral(r)                 # every normalised density is of this form (r = q)
    lp = sp.log(sp.Function("p")(_X, z))
    lq = sp.log(q)
    dq, dlq = sp.Derivative(q, phi), sp.Derivative(lq, phi)
    elbo_ = integral(q * (lp - lq))
    generic_q = sp.Function("q")(z, phi)
    T = {  # printed forms (q abbreviates r / int r dz, p abbreviates p(x, z))
        "dL": r"\partial_\phi \mathcal{L}(\phi) = \partial_\phi \int q\,(\ln p - \ln q)\,dz",
        "1": r"\int \partial_\phi\big[q\,(\ln p - \ln q)\big]\,dz",
        "2": r"\int \big[\partial_\phi q\,(\ln p - \ln q) - \partial_\phi q\big]\,dz",
        "3": r"\int \big[q\,\partial_\phi \ln q\,(\ln p - \ln q) - q\,\partial_\phi \ln q\big]\,dz",
        "4": r"\mathbb{E}_q\big[\partial_\phi \ln q\,(\ln p - \ln q)\big] - \mathbb{E}_q\big[\partial_\phi \ln q\big]",
        "5": r"\mathbb{E}_q\big[\partial_\phi \ln q\,(\ln p - \ln q)\big]",
        "Es": r"\mathbb{E}_q\big[\partial_\phi \ln q\big] = \int q\,\partial_\phi \ln q\,dz",
        "int_dq": r"\int \partial_\phi q\,dz",
        "d_int_q": r"\partial_\phi \int q\,dz",
    }
    steps = [
        Step(sp.Derivative(elbo_, phi), integral(sp.Derivative(q * (lp - lq), phi)),
             "differentiation under the integral sign (assumption A1); SymPy applies the Leibniz rule",
             heading="(a) The gradient of the ELBO as an expectation under q",
             lhs_tex=T["dL"], rhs_tex=T["1"]),
        Step(integral(sp.Derivative(q * (lp - lq), phi)), integral(dq * (lp - lq) - dq),
             "product rule, pointwise in z: $\\partial_\\phi \\ln q = \\partial_\\phi q / q$, and "
             "$\\ln p(x,z)$ does not depend on $\\phi$", rhs_tex=T["2"]),
        Step(integral(dq * (lp - lq) - dq), integral(q * dlq * (lp - lq) - q * dlq),
             "log-derivative identity $\\partial_\\phi q = q\\,\\partial_\\phi \\ln q$, pointwise in z",
             rhs_tex=T["3"]),
        Step(integral(q * dlq * (lp - lq) - q * dlq),
             integral(q * dlq * (lp - lq)) - integral(q * dlq),
             "linearity of the integral, both parts integrable (assumption A2)",
             rhs_tex=T["4"]),
        Step(integral(q * dlq * (lp - lq)) - integral(q * dlq), integral(q * dlq * (lp - lq)),
             "the second term is zero (next block: it is the derivative of the constant "
             "$\\int q\\,dz = 1$); SymPy shows it directly from $q = r/\\int r\\,dz$",
             rhs_tex=T["5"]),
        Step(integral(q * dlq), integral(dq),
             "$q\\,\\partial_\\phi \\ln q = \\partial_\\phi q$ pointwise",
             heading="(a) The extra term $\\mathbb{E}_q[\\partial_\\phi \\ln q]$ vanishes", lhs_tex=T["Es"], rhs_tex=T["int_dq"]),
        Step(integral(dq), sp.Derivative(integral(q), phi),
             "differentiation under the integral sign, read backwards (assumption A1)",
             rhs_tex=T["d_int_q"]),
        Step(sp.Derivative(integral(q), phi), sp.Integer(0),
             "$\\int q\\,dz = 1$ for every $\\phi$ (normalisation, assumption A3 and the next step): "
             "the derivative of a constant"),
        Step(integral(q), sp.Integer(1),
             "$q = r/\\int r\\,dz$ is normalised for every $\\phi$ (assumption A3)",
             heading="(a) Normalisation", lhs_tex=r"\int q(z,\phi)\,dz"),
        Step(sp.Derivative(sp.log(generic_q), phi) * generic_q, sp.Derivative(generic_q, phi),
             "the log-derivative identity for an arbitrary differentiable $q > 0$ "
             "(undefined function; chain rule)",
             heading="(a) The identity behind the trick, for an arbitrary q"),
        Step(sp.Sum(integral(q * dlq * (lp - lq)), (_K, 1, _SAMPLES)) / _SAMPLES,
             integral(q * dlq * (lp - lq)),
             "linearity of expectation: each $z_k \\sim q$ contributes the same expectation, so "
             "the average of $S$ single-sample estimates is unbiased for $\\partial_\\phi \\mathcal{L}$",
             heading="(a) The Monte Carlo estimate $\\frac{1}{S}\\sum_k \\partial_\\phi \\ln q(z_k,\\phi)"
                     "\\,(\\ln p(x,z_k) - \\ln q(z_k,\\phi))$, $z_k \\sim q$",
             lhs_tex=r"\mathbb{E}\Big[\frac{1}{S}\sum_{k=1}^{S}\partial_\phi \ln q(z_k,\phi)\,"
                     r"\big(\ln p(x,z_k) - \ln q(z_k,\phi)\big)\Big]",
             rhs_tex=T["5"]),
        Step(sp.Sum(sp.Symbol("V", nonnegative=True), (_K, 1, _SAMPLES)) / _SAMPLES**2,
             sp.Symbol("V", nonnegative=True) / _SAMPLES,
             "the $S$ samples are independent, so the variances of the terms add; "
             "$V$ is the variance of one single-sample estimate",
             lhs_tex=r"\operatorname{Var}\Big[\frac{1}{S}\sum_{k=1}^{S}\hat g(z_k)\Big] = "
                     r"\frac{1}{S^2}\sum_{k=1}^{S} V"),
    ]
    goals = [Goal(sp.Derivative(elbo_, phi), integral(q * dlq * (lp - lq))),
             Goal(integral(q * dlq), sp.Integer(0))]
    return steps, goals


def _derivative_at(expr, var):
    """``d expr / d var`` written as a derivative in a bound copy of ``var``, evaluated at ``var``.

    The checker samples free symbols numerically; a derivative *with respect to* a free
    symbol cannot be sampled, a derivative in a bound variable can.
    """
    bound = sp.Symbol(f"{var.name}_0", **{k: v for k, v in var.assumptions0.items() if v is not None})
    return sp.Subs(sp.Derivative(sp.sympify(expr).xreplace({var: bound}), bound), bound, var)


def _closed(name, subs=None):
    """A compact closed form for a step: the checked expression and its abbreviated LaTeX."""
    short = _COMPACT[name].xreplace(subs or {})
    return unabbreviate(short), expr_latex(short)


def _moment_orders(expr) -> int:
    return max([int(m.args[1]) for m in sp.sympify(expr).atoms(GaussianMoment)] or [0])


def _mf(expr, variables=(EPS[0],)):
    return moment_form(expr, variables)


def _e_tex(body: str) -> str:
    return rf"\mathbb{{E}}\big[{body}\big]"


def _part_b(dim: int) -> tuple[list, list]:
    """Steps of (b): closed forms in the Gaussian model."""
    e, e2, e3 = EPS
    z = MU + SIGMA * e
    zz = _Z
    kl = KL_COORD
    h = h_coordinate(e)
    score = {"mu": e / SIGMA, "sigma": (e**2 - 1) / SIGMA}
    sf = score_estimators(1)
    rp = reparam_estimators(1)
    gm, gm_tex = _closed("grad_mu")
    gs, gs_tex = _closed("grad_sigma")
    f1 = h - C
    steps: list[Step] = []
    add = steps.append

    # --- scores and the reparameterised integrand
    add(Step(sp.Subs(_derivative_at(log_normal(zz, MU, SIGMA), MU), zz, z), score["mu"],
             "score of $\\mu$: $\\partial_\\mu \\ln N(z;\\mu,\\sigma^2)$ at $z = \\mu + \\sigma\\varepsilon_1$",
             lhs_tex=r"s_\mu = \partial_\mu \ln N(z;\mu,\sigma^2)\big|_{z=\mu+\sigma\varepsilon_1}",
             heading="(b) Closed-form model: scores, log-ratio and reparameterised gradients "
                     "(one coordinate)"))
    add(Step(sp.Subs(_derivative_at(log_normal(zz, MU, SIGMA), SIGMA), zz, z), score["sigma"],
             "score of $\\sigma$ at $z = \\mu + \\sigma\\varepsilon_1$",
             lhs_tex=r"s_\sigma = \partial_\sigma \ln N(z;\mu,\sigma^2)\big|_{z=\mu+\sigma\varepsilon_1}"))
    add(Step(log_normal(z, A, S) - log_normal(z, MU, SIGMA) - C, f1,
             "one coordinate of $f = \\ln p(x,z) - \\ln q(z)$ at $z = \\mu + \\sigma\\varepsilon_1$; "
             "$\\ln p(x,z) = -c + \\ln N(z; a, s^2)$, and $\\ln 2\\pi$ cancels",
             lhs_tex=r"\big[\ln N(z;a,s^2) - \ln N(z;\mu,\sigma^2) - c\big]_{z=\mu+\sigma\varepsilon_1}"))
    add(Step(_derivative_at(log_normal(z, A, S) - log_normal(z, MU, SIGMA), MU), rp["mu"],
             "reparameterisation: differentiate through $z = \\mu + \\sigma\\varepsilon_1$ at fixed "
             "$\\varepsilon_1$ (the dependence of $\\ln q(z(\\varepsilon))$ on $\\mu$ cancels)",
             lhs_tex=r"\hat g^{\mathrm{RP}}_\mu = \partial_\mu\big[\ln N(z;a,s^2) - \ln N(z;\mu,\sigma^2)\big]_{z=\mu+\sigma\varepsilon_1}"))
    add(Step(_derivative_at(log_normal(z, A, S) - log_normal(z, MU, SIGMA), SIGMA), rp["sigma"],
             "reparameterisation, gradient with respect to $\\sigma$",
             lhs_tex=r"\hat g^{\mathrm{RP}}_\sigma = \partial_\sigma\big[\ln N(z;a,s^2) - \ln N(z;\mu,\sigma^2)\big]_{z=\mu+\sigma\varepsilon_1}"))

    # --- ELBO and its gradient
    add(Step(_mf(f1), -kl - C, rhs_tex=_closed("elbo", {DIM: 1})[1], reason=
             "Gaussian moments (table above): $\\mathcal{L} = -\\mathrm{KL}(N(\\mu,\\sigma^2)\\,\\|\\,"
             "N(a,s^2)) - c$ per coordinate",
             heading="(b) The exact ELBO and its gradient (one coordinate; D coordinates add)",
             lhs_tex=r"\mathcal{L} = " + _e_tex(r"\ln p(x,z) - \ln q(z)")))
    add(Step(_derivative_at(-kl - C, MU), gm, "differentiate the closed form", rhs_tex=gm_tex,
             lhs_tex=r"\partial_{\mu_1}\mathcal{L}"))
    add(Step(_derivative_at(-kl - C, SIGMA), gs, "differentiate the closed form", rhs_tex=gs_tex,
             lhs_tex=r"\partial_{\sigma_1}\mathcal{L}"))

    # --- unbiasedness
    add(Step(_mf(sf["mu"]), gm, "Gaussian moments: the score-function estimator is unbiased",
             rhs_tex=gm_tex,
             heading="(b) Both estimators are unbiased",
             lhs_tex=_e_tex(r"\hat g^{\mathrm{SF}}_{\mu}") + r" = " +
             _e_tex(r"\tfrac{\varepsilon_1}{\sigma}\,(h(\varepsilon_1) - c)")))
    add(Step(_mf(sf["sigma"]), gs, "Gaussian moments", rhs_tex=gs_tex,
             lhs_tex=_e_tex(r"\hat g^{\mathrm{SF}}_{\sigma}") + r" = " +
             _e_tex(r"\tfrac{\varepsilon_1^2 - 1}{\sigma}\,(h(\varepsilon_1) - c)")))
    add(Step(_mf(rp["mu"]), gm, "Gaussian moments: the reparameterisation estimator is unbiased",
             rhs_tex=gm_tex,
             lhs_tex=_e_tex(r"\hat g^{\mathrm{RP}}_{\mu}")))
    add(Step(_mf(rp["sigma"]), gs, "Gaussian moments", rhs_tex=gs_tex, lhs_tex=_e_tex(r"\hat g^{\mathrm{RP}}_{\sigma}")))
    sf2 = score_estimators(2)
    add(Step(_mf(sf2["mu"], EPS[:2]), gm, rhs_tex=gm_tex, reason=
             "Gaussian moments of two independent coordinates: unbiased for $D = 2$ too",
             lhs_tex=_e_tex(r"\hat g^{\mathrm{SF}}_{\mu_1}") + r"\big|_{D=2}"))

    # --- variances, D = 1
    names = {("SF", "mu"): sf["mu"], ("SF", "sigma"): sf["sigma"],
             ("RP", "mu"): rp["mu"], ("RP", "sigma"): rp["sigma"]}
    closed = {("SF", "mu"): _closed("var_score_mu", {DIM: 1}),
              ("SF", "sigma"): _closed("var_score_sigma", {DIM: 1}),
              ("RP", "mu"): _closed("var_reparam_mu"), ("RP", "sigma"): _closed("var_reparam_sigma")}
    first = True
    for key in (("SF", "mu"), ("RP", "mu"), ("SF", "sigma"), ("RP", "sigma")):
        g = names[key]
        add(Step(_mf(g**2) - _mf(g)**2, closed[key][0], rhs_tex=closed[key][1], reason=
                 "$\\operatorname{Var} = \\mathbb{E}[\\hat g^2] - (\\mathbb{E}\\hat g)^2$ from Gaussian moments",
                 heading="(b) Exact variances of the single-sample estimators, D = 1" if first else None,
                 lhs_tex=rf"\operatorname{{Var}}\hat g^{{\mathrm{{{key[0]}}}}}_{{\{key[1]}}}"))
        first = False

    # --- any D
    for which in ("mu", "sigma"):
        closed_d, closed_tex = _closed(f"var_score_{which}")
        s_ = score[which]
        k = DIM - 1
        mean_h = _mf(h)
        lhs = (_mf(s_**2 * (h - C)**2) + 2 * k * mean_h * _mf(s_**2 * (h - C))
               + _mf(s_**2) * (k * (_mf(h**2) - mean_h**2) + k**2 * mean_h**2) - _mf(s_ * h)**2)
        add(Step(lhs, closed_d, rhs_tex=closed_tex, reason=
                 "$\\hat g = s(\\varepsilon_1)\\,(h(\\varepsilon_1) - c + R)$ with "
                 "$R = \\sum_{d \\ge 2} h(\\varepsilon_d)$ independent of $\\varepsilon_1$, "
                 "$\\mathbb{E}R = (D-1)\\,\\mathbb{E}h$, $\\operatorname{Var}R = (D-1)\\operatorname{Var}h$ "
                 "(independent, identically distributed coordinates); Gaussian moments",
                 heading="(b) Exact variances in any latent dimension D" if which == "mu" else None,
                 lhs_tex=rf"\operatorname{{Var}}\hat g^{{\mathrm{{SF}}}}_{{\{which}_1}}"))
    for d_explicit, which in ((2, "mu"), (3, "mu"), (2, "sigma")):
        g = score_estimators(d_explicit)[which]
        closed_d, closed_tex = _closed(f"var_score_{which}", {DIM: d_explicit})
        add(Step(_mf(g**2, EPS[:d_explicit]) - _mf(g, EPS[:d_explicit])**2, closed_d, rhs_tex=closed_tex,
                 reason=
                 f"direct check of the general-D formula at D = {d_explicit}: all {d_explicit} "
                 "coordinates explicit, moments of independent normals",
                 lhs_tex=rf"\operatorname{{Var}}\hat g^{{\mathrm{{SF}}}}_{{\{which}_1}}\big|_{{D={d_explicit}}}"))

    # --- (i) offset
    k = DIM - 1
    # the closed forms proved above (moment forms = compact forms) are the ones used from here on
    var_mu_d, var_sigma_d = _closed("var_score_mu")[0], _closed("var_score_sigma")[0]
    e_s2f0 = _mf(score["mu"]**2 * h) + k * _mf(h) * _mf(score["mu"]**2)
    add(Step(var_mu_d - var_mu_d.subs(C, 0),
             -2 * C * e_s2f0 + C**2 * _mf(score["mu"]**2),
             "$f = f_0 - c$; $\\mathbb{E}[s f]$ does not change because $\\mathbb{E}[s] = 0$, "
             "so $\\operatorname{Var}$ gains $-2c\\,\\mathbb{E}[s^2 f_0] + c^2\\,\\mathbb{E}[s^2]$",
             heading="(b)(i) The offset $c = -\\ln p(x)$",
             lhs_tex=r"\operatorname{Var}_c\hat g^{\mathrm{SF}}_{\mu_1} - \operatorname{Var}_0\hat g^{\mathrm{SF}}_{\mu_1}",
             rhs_tex=r"-2c\," + _e_tex(r"s^2 f_0") + r" + c^2\," + _e_tex("s^2")))
    add(Step(_mf(score["mu"]**2), 1 / SIGMA**2, "Gaussian moments",
             lhs_tex=_e_tex(r"s_{\mu}^2")))
    add(Step(sp.Limit(var_mu_d / C**2, C, sp.oo), 1 / SIGMA**2,
             "the score-function variance grows like $c^2/\\sigma^2$",
             lhs_tex=r"\lim_{c\to\infty} \operatorname{Var}\hat g^{\mathrm{SF}}_{\mu_1} / c^2"))
    add(Step(sp.Limit(var_sigma_d / C**2, C, sp.oo), 2 / SIGMA**2,
             "likewise for $\\sigma$: $\\mathbb{E}[s_\\sigma^2] = 2/\\sigma^2$",
             lhs_tex=r"\lim_{c\to\infty} \operatorname{Var}\hat g^{\mathrm{SF}}_{\sigma_1} / c^2"))
    add(Step(_derivative_at(var_reparam_mu(), C) + _derivative_at(var_reparam_sigma(), C), 0,
             "the reparameterisation estimators differentiate $\\ln p$, so the offset never enters",
             lhs_tex=r"\partial_c \operatorname{Var}\hat g^{\mathrm{RP}}_{\mu_1} + "
                     r"\partial_c \operatorname{Var}\hat g^{\mathrm{RP}}_{\sigma_1}"))

    # --- (ii) MNIST-sized numbers
    c_mnist = mnist_offset()
    values = {**MNIST_PARAMS, C: c_mnist, DIM: dim}
    ratio_expr = _closed("var_score_mu")[0] / _closed("var_reparam_mu")[0]
    ratio = sp.expand(ratio_expr.subs(values))
    keys = (DIM, C, MU, SIGMA, A, S)
    add(Step(-sp.Sum(sp.log(sp.Rational(1, 2)), (_PIXEL, 1, MNIST_PIXELS)), c_mnist,
             "$c = -\\ln p(x)$ is a sum over the 784 pixels, large and of one sign; at $\\ln 2$ nats "
             "per pixel (a decoder that outputs 1/2 everywhere, where training starts) $c \\approx 543$",
             heading=f"(b)(ii) An MNIST-sized case: 784 pixels, D = {dim} latent dimensions, "
                     "posterior $N(0, 1)$ and $q = N(1/2, 1)$ per coordinate",
             lhs_tex=r"c = -\sum_{j=1}^{784} \ln \tfrac12"))
    add(Step(sp.Subs(ratio_expr, keys, tuple(values[k_] for k_ in keys)), ratio,
             "the closed forms at these values",
             lhs_tex=r"\frac{\operatorname{Var}\hat g^{\mathrm{SF}}_{\mu_1}}"
                     r"{\operatorname{Var}\hat g^{\mathrm{RP}}_{\mu_1}}\Big|_{\mathrm{MNIST}}"))
    bound = 10 ** int(math.floor(math.log10(float(ratio))))
    add(Step(ratio, sp.Integer(bound), f"so the score-function estimator needs over {bound:,} times "
             "as many samples for the same standard error".replace(",", " "), relation=">"))

    # --- (iii) dimension
    v_h, v_tex = _closed("var_h")
    add(Step(sp.Limit(var_mu_d / DIM**2, DIM, sp.oo), kl**2 / SIGMA**2,
             rhs_tex=expr_latex(KAPPA**2 / SIGMA**2), reason=
             "the mean of $f$ grows like $-D\\,\\mathrm{KL}$ per coordinate, so without a baseline "
             "the variance grows like $D^2$ (unless $q$ matches the posterior coordinate-wise)",
             heading="(b)(iii) The latent dimension D",
             lhs_tex=r"\lim_{D\to\infty} \operatorname{Var}\hat g^{\mathrm{SF}}_{\mu_1} / D^2"))
    add(Step(sp.Limit(_closed("var_score_mu_baseline")[0] / DIM, DIM, sp.oo), v_h / SIGMA**2,
             rhs_tex=expr_latex(V_H / SIGMA**2), reason=
             "with the optimal baseline the growth is linear: the other coordinates add "
             "$\\operatorname{Var} h$ each, times $\\mathbb{E}[s^2] = 1/\\sigma^2$",
             lhs_tex=r"\lim_{D\to\infty} \operatorname{Var}\hat g^{\mathrm{SF},b^*}_{\mu_1} / D"))
    add(Step(_mf(h**2) - _mf(h)**2, v_h, "Gaussian moments", rhs_tex=expr_latex(
        _COMPACT["var_h"].xreplace({V_H: ABBREVIATIONS[0][1]})),
             lhs_tex=r"\operatorname{Var} h(\varepsilon_1)"))

    # --- (iv) baseline
    var_b = var_mu_d.subs(C, C + B)            # f - b = sum h - (c + b): b enters like the offset
    var_b_star = _closed("var_score_mu_baseline")[0]
    b_star, b_star_tex = _closed("optimal_baseline_mu")
    s2 = _mf(score["mu"]**2)
    e_s2f = _mf(score["mu"]**2 * (h - C)) + k * _mf(h) * s2
    add(Step(var_b - var_b_star, (B - b_star)**2 / SIGMA**2,
             "$f - b = \\sum_d h - (c + b)$, so $\\operatorname{Var}_b$ is the variance above with $c$ "
             "replaced by $c + b$; completing the square: it is quadratic in $b$ with leading "
             "coefficient $\\mathbb{E}[s^2] = 1/\\sigma^2 > 0$, so "
             "$b^* = \\mathbb{E}[s^2 f]/\\mathbb{E}[s^2]$ is the unique minimiser",
             heading="(b)(iv) The optimal constant baseline: estimator $s\\,(f - b)$, unbiased since $\\mathbb{E}[s] = 0$",
             lhs_tex=r"\operatorname{Var}_b - \operatorname{Var}_{b^*}",
             rhs_tex=r"\frac{(b - b^*)^2}{\sigma^2}"))
    add(Step(e_s2f / s2, b_star, "$b^* = \\mathbb{E}[s^2 f]/\\mathbb{E}[s^2]$ in closed form",
             rhs_tex=b_star_tex,
             lhs_tex=r"b^* = " + _e_tex("s^2 f") + r" / " + _e_tex("s^2")))
    add(Step(var_mu_d - var_b_star, e_s2f**2 / s2,
             "the variance the optimal baseline removes: $\\mathbb{E}[s^2 f]^2/\\mathbb{E}[s^2]$",
             lhs_tex=r"\operatorname{Var}_0 - \operatorname{Var}_{b^*}",
             rhs_tex=r"\frac{" + _e_tex("s^2 f") + r"^2}{" + _e_tex("s^2") + "}"))
    add(Step(var_b.subs(B, b_star), var_b.subs(B, b_star).subs(C, 0),
             "with the optimal baseline the offset $c$ drops out entirely",
             lhs_tex=r"\operatorname{Var}_{b^*}(c)", rhs_tex=r"\operatorname{Var}_{b^*}(0)"))

    # --- the moment table: every Gaussian moment used above, proved by integration
    order = max(_moment_orders(s_.lhs) for s_ in steps if not isinstance(s_.lhs, sp.MatrixBase))
    order = max(order, max(_moment_orders(s_.rhs) for s_ in steps))
    order += order % 2
    table_lhs = sp.ImmutableMatrix([sp.Integral(e**j * _density(e), (e, -sp.oo, sp.oo))
                                    for j in range(order + 1)])
    table_rhs = sp.ImmutableMatrix([GaussianMoment(e, j) for j in range(order + 1)])
    values_tex = ", ".join(str(GaussianMoment(e, j).doit()) for j in range(order + 1))
    table = Step(table_lhs, table_rhs,
                 f"SymPy integrates each moment; these values of $\\mathbb{{E}}[\\varepsilon^k]$, "
                 f"$k \\le {order}$, are the only facts about the normal distribution used below "
                 "(moments of independent coordinates multiply)",
                 heading="(b) Gaussian moments, $\\varepsilon \\sim N(0, 1)$",
                 lhs_tex=rf"\Big(\int_{{-\infty}}^{{\infty}} \varepsilon^k\,"
                         rf"\tfrac{{e^{{-\varepsilon^2/2}}}}{{\sqrt{{2\pi}}}}\,d\varepsilon\Big)_{{k=0}}^{{{order}}}",
                 rhs_tex=rf"\big(\mathbb{{E}}[\varepsilon^k]\big)_{{k=0}}^{{{order}}} = ({values_tex})")
    steps.insert(0, table)
    goals = [Goal(_mf(sf["mu"]), gm), Goal(_mf(rp["mu"]), gm),
             Goal(_mf(sf["mu"]**2) - _mf(sf["mu"])**2, closed[("SF", "mu")][0])]
    return steps, goals


_MC_BAND = 5.0          # standard errors: a false alarm has probability about 6e-7 per quantity
_QUADRATURE_TOLERANCE = 1e-9


def _cross_checks(dim, mc, samples, seed) -> tuple:
    """Independent routes to the closed forms: Gauss-Hermite quadrature and the Monte Carlo."""
    c_mnist = mnist_offset()
    exact = {"score_mu": var_score_mu(DIM), "score_sigma": var_score_sigma(DIM),
             "reparam_mu": var_reparam_mu(), "reparam_sigma": var_reparam_sigma()}
    grads = {"mu": grad_mu(), "sigma": grad_sigma()}
    out = []
    for d in sorted({1, min(dim, len(EPS))}):
        values = {**MNIST_PARAMS, C: c_mnist, DIM: d}
        worst = 0.0
        for name in sorted(exact):
            mean, var = quadrature_moments(d, name, c_mnist)
            var_exact = float(exact[name].subs(values))
            mean_exact = float(grads[name.split("_")[1]].subs(values))
            worst = max(worst, abs(var - var_exact) / abs(var_exact),
                        abs(mean - mean_exact) / max(1.0, abs(mean_exact)))
        out.append(CrossCheck(
            f"means and variances of the four estimators, D = {d}, c = 784 ln 2 "
            f"(tensor-product rule, 12 nodes per axis, exact for these polynomial integrands)",
            "Gauss-Hermite quadrature",
            f"largest relative difference {worst:.1e}", worst < _QUADRATURE_TOLERANCE))
    for name in sorted(mc):
        r = mc[name]
        out.append(CrossCheck(
            f"{name.replace('_', ' ')}: mean and variance, D = {dim}, c = 784 ln 2, "
            f"{samples} samples",
            f"Monte Carlo, seed {seed}",
            f"z = {r['z_mean']:.2f} (mean), {r['z_var']:.2f} (variance)",
            bool(abs(r["z_mean"]) <= _MC_BAND and abs(r["z_var"]) <= _MC_BAND)))
    return tuple(out)


def _sci_tex(x: float) -> str:
    """``2.956 \\times 10^{5}`` (four significant digits).

    >>> print(_sci_tex(295585.85))
    2.956 \\times 10^{5}
    """
    mantissa, exponent = f"{x:.3e}".split("e")
    return rf"{mantissa} \times 10^{{{int(exponent)}}}"


def _fmt(x: float) -> sp.Float:
    return sp.Float(float(f"{x:.6g}"), 6)


def score_function_derivation(dim: int = 2, samples: int = 200_000, seed: int = 0) -> Derivation:
    """The LV-2 derivation: (a) the estimator, (b) exact variances, with a Monte Carlo check.

    Parameters
    ----------
    dim : latent dimension of the MNIST-sized example and of the Monte Carlo (>= 1).
    samples : Monte Carlo sample size (>= 1000).
    seed : seed of the Monte Carlo.

    Examples
    --------
    >>> score_function_derivation(dim=0)
    Traceback (most recent call last):
    ...
    ValueError: --dim must be a positive integer, got 0
    """
    if not isinstance(dim, (int, np.integer)) or isinstance(dim, bool) or dim < 1:
        raise ValueError(f"--dim must be a positive integer, got {dim!r}")
    if dim > 10_000:
        raise ValueError(f"--dim must be at most 10000, got {dim}")
    if not isinstance(samples, (int, np.integer)) or isinstance(samples, bool) or samples < 1000:
        raise ValueError(f"--samples must be an integer >= 1000, got {samples!r}")
    if not isinstance(seed, (int, np.integer)) or isinstance(seed, bool) or seed < 0:
        raise ValueError(f"--seed must be a non-negative integer, got {seed!r}")
    if samples * dim > _MAX_NORMALS:
        raise ValueError(f"--samples x --dim = {samples * dim} is too large (at most {_MAX_NORMALS:.0e})")
    steps_a, goals_a = _part_a()
    steps_b, goals_b = _part_b(dim)
    c_mnist = mnist_offset()
    c_trained = sp.Rational(784, 10)
    offsets = [sp.Integer(0), sp.Integer(10), c_trained, c_mnist]
    rows = variance_table(dim, offsets)
    table = sp.ImmutableMatrix([[_fmt(r["c"]), _fmt(r["var_score"]), _fmt(r["var_reparam"]),
                                 _fmt(r["ratio"]), _fmt(r["var_baseline"])] for r in rows])
    mc = monte_carlo(dim, float(c_mnist), samples, seed)
    mc_var = sp.ImmutableMatrix([[_fmt(mc[n]["var_exact"]), _fmt(mc[n]["var"]), _fmt(mc[n]["se_var"]),
                                  _fmt(mc[n]["z_var"])] for n in sorted(mc)])
    mc_mean = sp.ImmutableMatrix([[_fmt(mc[n]["mean_exact"]), _fmt(mc[n]["mean"]), _fmt(mc[n]["se_mean"]),
                                   _fmt(mc[n]["z_mean"])] for n in sorted(mc)])
    ratio = variance_ratio(dim, c_mnist)
    max_z = max(max(abs(mc[n]["z_mean"]), abs(mc[n]["z_var"])) for n in mc)
    exhibits = (
        Exhibit(r"\big(c,\ \operatorname{Var}\hat g^{\mathrm{SF}}_{\mu_1},\ "
                r"\operatorname{Var}\hat g^{\mathrm{RP}}_{\mu_1},\ \text{ratio},\ "
                r"\operatorname{Var}\hat g^{\mathrm{SF},b^*}_{\mu_1}\big)", table,
                f"Variance table (exact closed forms, 6 digits), D = {dim} latent dimensions, posterior "
                "N(0, 1) and q = N(1/2, 1) per coordinate. Rows: c = 0, 10, 78.4 (about 0.1 nats per "
                "pixel, a trained model) and 784 ln 2 = 543.4 (an untrained decoder). Columns: offset, "
                "score-function variance, reparameterisation variance, their ratio, score-function "
                "variance with the optimal constant baseline."),
        Exhibit(r"\big(\operatorname{Var}_{\text{exact}},\ \operatorname{Var}_{\text{MC}},\ "
                r"\text{s.e.},\ z\big)", mc_var,
                f"Monte Carlo confirmation of the variances (numeric, not a proof): {samples} samples, "
                f"seed {seed}, D = {dim}, c = 784 ln 2. Rows: " + ", ".join(sorted(mc)).replace("_", " ") +
                ". z = (Monte Carlo - exact) / standard error; the standard error of a sample variance "
                "uses the fourth central moment."),
        Exhibit(r"\big(\mathbb{E}_{\text{exact}},\ \mathbb{E}_{\text{MC}},\ \text{s.e.},\ z\big)", mc_mean,
                f"Monte Carlo confirmation of the means (unbiasedness), same samples and rows. "
                f"Largest absolute z over both tables: {max_z:.2f}."),
    )
    notes = (
        "(a) holds for any normalised $q(z,\\phi)$ and any $\\ln p(x,z)$ not depending on $\\phi$. "
        "In the checked expressions $q$ is $r(z,\\phi)/\\int r\\,dz$ with $r$ an undefined function, "
        "so the normalisation is a consequence rather than an extra axiom; integrals of undefined "
        "functions are never evaluated, only split by linearity and differentiated under the integral "
        "sign (assumptions A1, A2).",
        "(b) Model: $q(z) = N(\\mu, \\sigma^2 I_D)$, $z = \\mu + \\sigma\\varepsilon$, and "
        "$\\ln p(x,z) = -c + \\sum_d \\ln N(z_d; a, s^2)$ with $c = -\\ln p(x)$, exact when the posterior "
        "is Gaussian (a linear-Gaussian decoder). Then $f = \\ln p - \\ln q = \\sum_d h(\\varepsilon_d) - c$ "
        "with $h(\\varepsilon) = -(\\mu + \\sigma\\varepsilon - a)^2/(2s^2) + \\varepsilon^2/2 + \\ln(\\sigma/s)$. "
        "The single-sample estimators of $\\partial\\mathcal{L}/\\partial\\mu_1$ are "
        "$\\hat g^{\\mathrm{SF}} = (\\varepsilon_1/\\sigma) f$ and $\\hat g^{\\mathrm{RP}} = -(z_1 - a)/s^2$; "
        "for $\\sigma_1$ they are $((\\varepsilon_1^2 - 1)/\\sigma) f$ and "
        "$-(z_1 - a)\\varepsilon_1/s^2 + 1/\\sigma$. The $S$-sample averages have these variances divided by $S$.",
        "Abbreviations in the printed closed forms (the checked expressions have them substituted): "
        "$\\delta = \\mu - a$, $w = 1 - \\sigma^2/s^2$, "
        "$\\kappa = \\mathrm{KL}(N(\\mu,\\sigma^2)\\,\\|\\,N(a,s^2)) = \\ln(s/\\sigma) + "
        "(\\sigma^2 + \\delta^2)/(2s^2) - 1/2$ per coordinate, and "
        "$v = \\operatorname{Var} h(\\varepsilon) = \\delta^2\\sigma^2/s^4 + w^2/2$. For example "
        "$\\operatorname{Var}\\hat g^{\\mathrm{SF}}_{\\mu_1} = ((c + D\\kappa - w)^2 + w^2 + Dv)/\\sigma^2 + "
        "\\delta^2/s^4$ against $\\operatorname{Var}\\hat g^{\\mathrm{RP}}_{\\mu_1} = \\sigma^2/s^4$.",
        "Why the score-function variance is large: $f$ contains $-c = \\ln p(x)$, a sum over all pixels, "
        "hundreds of nats and of one sign, while the score has mean zero and both signs; the products "
        "are huge with random signs, and only their tiny average is the gradient. The reparameterisation "
        "estimator differentiates $\\ln p$, so the offset never enters. A constant baseline removes the "
        "offset exactly, but the other latent coordinates still add noise growing linearly in $D$.",
        f"MNIST-sized numbers (D = {dim}): the ratio of variances is {float(ratio):.6g}; "
        f"Monte Carlo with {samples} samples agrees with every closed form within {max_z:.2f} standard errors.",
    )
    assumptions = (
        Assumption("(A1) differentiation under the integral sign is allowed: $\\partial_\\phi q$ and "
                   "$\\partial_\\phi[q\\,(\\ln p - \\ln q)]$ are dominated, locally uniformly in $\\phi$, "
                   "by integrable functions of $z$"),
        Assumption("(A2) the integrals split by linearity exist: "
                   "$\\int q\\,\\partial_\\phi \\ln q\\,(\\ln p - \\ln q)\\,dz$ and "
                   "$\\int \\partial_\\phi q\\,dz$ are finite"),
        Assumption("(A3) $q(\\cdot,\\phi) > 0$ is a normalised density for every $\\phi$, written "
                   "$q = r/\\int r\\,dz$ (any normalised density has this form, with $r = q$)"),
        Assumption("(A4) in (a) $z$ is one real variable and $\\phi$ one real parameter; for "
                   "$z \\in \\mathbb{R}^D$ the integrals are $D$-fold and the steps are the same, and a "
                   "gradient is taken one component of $\\phi$ at a time"),
        Assumption("(B) $\\varepsilon_1, \\ldots, \\varepsilon_D$ are independent standard normal; all "
                   "coordinates share $\\mu$, $\\sigma$, $a$, $s$; the gradients are those with "
                   "respect to coordinate 1's $\\mu_1$ and $\\sigma_1$"),
    )
    results = {
        "estimator": estimator_expression(),
        **{name: compact_form(name) for name in (
            "elbo", "grad_mu", "grad_sigma", "var_score_mu", "var_reparam_mu", "var_score_sigma",
            "var_reparam_sigma", "optimal_baseline_mu", "var_score_mu_baseline")},
        "variance_ratio_mnist": float(ratio),
        "variance_ratio_mnist_exact": sp.expand(ratio),
        "mnist": {"pixels": MNIST_PIXELS, "latent_dim": dim, "c": float(c_mnist),
                  **{str(k): float(v) for k, v in MNIST_PARAMS.items()}},
        "variance_table": [{k: v for k, v in row.items()} for row in rows],
        "monte_carlo": {"samples": samples, "seed": seed, "estimators": mc, "max_abs_z": max_z},
    }
    cross_checks = _cross_checks(dim, mc, samples, seed)
    answers = (
        r"\nabla_\phi \mathcal{L} = \mathbb{E}_{q}\big[\nabla_\phi \ln q(z|x,\phi)\,"
        r"(\ln p(x,z|\theta) - \ln q(z|x,\phi))\big]",
        r"\nabla_\phi \mathcal{L} \approx \frac{1}{S}\sum_{s=1}^{S}"
        r"\nabla_\phi \ln q(z_s|x,\phi)\,\big(\ln p(x,z_s|\theta) - \ln q(z_s|x,\phi)\big),"
        r"\quad z_s \sim q(z|x,\phi)",
        r"\mathbb{E}_q[\nabla_\phi \ln q] = \nabla_\phi \int q\,dz = 0",
        # written by hand without \frac so that it also reads correctly as plain text; the same
        # expression as compact_form("var_score_mu") (pinned by a test)
        r"\operatorname{Var}\hat g^{\mathrm{SF}}_{\mu_1} = \big((c + D\kappa - w)^2 + w^2 + D v\big)/\sigma^2"
        r" + \delta^2/s^4,\qquad \operatorname{Var}\hat g^{\mathrm{RP}}_{\mu_1} = \sigma^2/s^4",
        rf"\text{{MNIST-sized ($784$ pixels, $c = 784\ln 2$, $D = {dim}$)}}:\ "
        rf"\operatorname{{Var}}\hat g^{{\mathrm{{SF}}}}_{{\mu_1}} / \operatorname{{Var}}\hat g^{{\mathrm{{RP}}}}_{{\mu_1}}"
        rf" \approx {_sci_tex(float(ratio))}",
    )
    return Derivation(
        title="LV-2. The score-function (log-derivative) estimator and its variance",
        answers=answers, cross_checks=cross_checks,
        steps=steps_a + steps_b, assumptions=assumptions, goals=goals_a + goals_b,
        results=results, notes=notes, exhibits=exhibits, id="score-function")


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
