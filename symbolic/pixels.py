"""Output-tensor sizes of pixel models and the discretized logistic mixture (AR-2): mathematics only.

Model 1 outputs a categorical distribution over ``n`` values (256 for 8-bit images) for every
subpixel, i.e. every channel of every pixel; model 2 a mixture of ``K`` logistics per subpixel
(a weight, a mean and a scale per component), discretized with
``P(x) = F(x + 1/2) - F(x - 1/2)`` and the usual edge intervals.  The PixelCNN++ variant
shares one mixture across the ``C`` channels of a pixel and couples the channels linearly:
per component 1 weight, ``C`` means, ``C`` scales and ``C(C-1)/2`` coupling coefficients.

This module gives the closed forms, the expressions a derivation of them is made of (index
sums, the telescoping total, one component's interval mass), and independent numeric
routes (enumeration, search, mpmath sums).  The words around them live in
``proofs/output_size.py`` and its text catalogue.

Examples
--------
>>> numel_categorical(32, 32, 3)
786432
>>> numel_mixture(32, 32, 3, 10)
92160
>>> k_min(256), k_min_pixelcnnpp(3, 256)
(86, 77)
>>> shape_categorical(), shape_mixture()
((W, H, C, 256), (W, H, C, 3*K))

References
----------
T. Salimans et al., PixelCNN++: improving the PixelCNN with discretized
logistic mixture likelihood and other modifications, ICLR 2017.
"""
from __future__ import annotations

import itertools
import random

import sympy as sp

__all__ = ["W", "H", "C", "K", "n", "numel_categorical", "numel_mixture", "numel_pixelcnnpp",
           "params_per_pixel_pixelcnnpp", "k_min", "k_min_pixelcnnpp", "k_min_free_params",
           "shape_categorical", "shape_mixture", "index_count", "categorical_index_count",
           "mixture_index_count", "pixelcnnpp_index_count", "residue_cases",
           "logistic_cdf", "mixture_cdf", "discretized_pmf", "telescoped_total",
           "explicit_total", "sigmoid_gap", "enumerated_sizes", "first_k_exceeding",
           "random_mixture_masses"]

W, H, C, K = sp.symbols("W H C K", integer=True, positive=True)
n = sp.Symbol("n", integer=True, positive=True)         # number of values of a subpixel (256)

# the index letters of the output tensor: pixel column w, row h, channel c, value v, component k
_w, _h, _c, _v, _k, _c2 = sp.symbols("w h c v k c'", integer=True, positive=True)


def _positive_int(name, value):
    if isinstance(value, sp.Basic) and not value.is_number:
        if not (value.is_integer and value.is_positive):
            raise ValueError(f"{name} must be a positive integer symbol, got {value}")
        return value
    if isinstance(value, bool) or int(value) != value or value < 1:
        raise ValueError(f"{name} must be a positive integer, got {value!r}")
    return sp.Integer(int(value))


# --------------------------------------------------------------------------- closed forms

def numel_categorical(W=W, H=H, C=C, values=256):
    """Elements of model 1's output: one probability per value per subpixel, ``W H C values``."""
    return _positive_int("W", W) * _positive_int("H", H) * _positive_int("C", C) * _positive_int("values", values)


def numel_mixture(W=W, H=H, C=C, K=K):
    """Elements of model 2's output: K weights, K means, K scales per subpixel, ``3 K W H C``."""
    return 3 * _positive_int("K", K) * _positive_int("W", W) * _positive_int("H", H) * _positive_int("C", C)


def shape_categorical(values=256):
    """Model 1's output tensor shape ``(W, H, C, values)``: ``pi[w, h, c, v]``."""
    return (W, H, C, _positive_int("values", values))


def shape_mixture(K=K):
    """Model 2's output tensor shape ``(W, H, C, 3K)``: the K weights, means and scales stacked."""
    return (W, H, C, 3 * _positive_int("K", K))


def params_per_pixel_pixelcnnpp(C=C, K=K):
    """PixelCNN++ outputs per pixel: ``K (1 + 2C + C(C-1)/2)`` (10 K for RGB)."""
    C, K = _positive_int("C", C), _positive_int("K", K)
    return K * (1 + 2 * C + C * (C - 1) / 2)


def numel_pixelcnnpp(W=W, H=H, C=C, K=K):
    """Elements of the PixelCNN++ output tensor: ``W H K (1 + 2C + C(C-1)/2)``."""
    return _positive_int("W", W) * _positive_int("H", H) * params_per_pixel_pixelcnnpp(C, K)


def k_min(values=256):
    """Smallest K with ``3 K > values``: ``floor(values / 3) + 1`` (86 for 256 values)."""
    return sp.floor(_positive_int("values", values) / 3) + 1


def k_min_pixelcnnpp(C=3, values=256):
    """Smallest K with ``K (1 + 2C + C(C-1)/2) > values C`` (77 for C = 3, 256 values)."""
    C, values = _positive_int("C", C), _positive_int("values", values)
    return sp.floor(values * C / (1 + 2 * C + C * (C - 1) / 2)) + 1


def k_min_free_params(values=256):
    """Smallest K whose free parameters ``3K - 1`` exceed the categorical's ``values - 1``."""
    return k_min(values)


# --------------------------------------------------------------------------- the sizes as index counts

def index_count(inner, *limits):
    """``inner`` summed over the subpixels ``(w, h, c)`` and the inner ``limits``: the number of
    elements of an output tensor counted index by index.

    >>> index_count(1, (sp.Symbol('v'), 1, 4)).doit()
    4*C*H*W
    """
    return sp.Sum(inner, *limits, (_c, 1, C), (_h, 1, H), (_w, 1, W))


def categorical_index_count(values=256):
    """``sum_{w,h,c} sum_{v=1}^{values} 1``: one probability per value of each subpixel."""
    return index_count(1, (_v, 1, _positive_int("values", values)))


def mixture_index_count():
    """``sum_{w,h,c} sum_{k=1}^{K} 3``: a weight, a mean and a scale per component of each subpixel."""
    return index_count(3, (_k, 1, K))


def pixelcnnpp_index_count():
    """Per pixel, ``sum_k (1 + sum_c 2 + sum_{c' < c} 1)``: a weight, C means and C scales, and a
    coupling coefficient per pair of channels ``c' < c``."""
    return sp.Sum(1 + sp.Sum(2, (_c, 1, C)) + sp.Sum(1, (_c2, 1, _c - 1), (_c, 1, C)), (_k, 1, K))


def residue_cases(symbol=n, modulus=3):
    """The exhaustive substitutions ``symbol = modulus q + r``, ``r = 0 .. modulus - 1``, with
    ``q >= 0`` an integer: every positive integer is one of them (a case split for ``floor``).

    >>> residue_cases()
    [{n: 3*q}, {n: 3*q + 1}, {n: 3*q + 2}]
    """
    q = sp.Symbol("q", integer=True, nonnegative=True)
    return [{symbol: modulus * q + r} for r in range(modulus)]


# --------------------------------------------------------------------------- the discretized mixture

def logistic_cdf(v, mu, s):
    """The logistic CDF ``1 / (1 + exp(-(v - mu)/s))``.

    >>> logistic_cdf(0, 0, 1)
    1/2
    """
    return 1 / (1 + sp.exp(-(sp.sympify(v) - mu) / s))


def mixture_cdf(v, weights, means, scales):
    """``F(v) = sum_k pi_k sigma((v - mu_k)/s_k)``, the CDF of a logistic mixture."""
    if not (len(weights) == len(means) == len(scales)) or not weights:
        raise ValueError("weights, means and scales must be non-empty and of equal length")
    return sp.Add(*[p * logistic_cdf(v, m, s) for p, m, s in zip(weights, means, scales)])


def discretized_pmf(x, weights, means, scales, values=256):
    """P(x) for x in 0..values-1: ``F(x + 1/2) - F(x - 1/2)``, all mass below 1/2 at 0,
    all mass above ``values - 3/2`` at the last value.

    >>> p = [discretized_pmf(x, [1], [sp.Rational(3, 2)], [1], values=4) for x in range(4)]
    >>> sp.simplify(sum(p))
    1
    """
    values = int(_positive_int("values", values))
    if values < 2:
        raise ValueError("a discretized distribution needs at least 2 values")
    if not 0 <= int(x) < values:
        raise ValueError(f"x must be in 0..{values - 1}, got {x}")
    half = sp.Rational(1, 2)
    upper = 1 if x == values - 1 else mixture_cdf(x + half, weights, means, scales)
    lower = 0 if x == 0 else mixture_cdf(x - half, weights, means, scales)
    return upper - lower


def telescoped_total(F=None):
    """The pmf summed over ``0 .. n-1`` for any function ``F``: ``F(1/2)`` at 0, the inner
    differences, ``1 - F(n - 3/2)`` at the last value.  It equals 1 (the inner sum telescopes).

    >>> telescoped_total().doit()
    1
    """
    F = F or sp.Function("F")
    x = sp.Symbol("x", integer=True)
    half = sp.Rational(1, 2)
    return F(half) + sp.Sum(F(x + half) - F(x - half), (x, 1, n - 2)) + (1 - F(n - 3 * half))


def explicit_total(values=256, components=2):
    """The pmf of a ``components``-mixture with symbolic weights, means and scales, written
    out value by value over ``0 .. values-1`` and added (the inner terms cancel as it is built).

    >>> explicit_total(4, 1)
    1
    """
    k = int(_positive_int("components", components))
    pis = sp.symbols(f"pi_1:{k + 1}", nonnegative=True)
    mus = sp.symbols(f"mu_1:{k + 1}", real=True)
    ss = sp.symbols(f"s_1:{k + 1}", positive=True)
    return sp.Add(*[discretized_pmf(x, pis, mus, ss, values) for x in range(int(values))])


def sigmoid_gap():
    """One component's mass on an interval of width 1, ``sigma(u + 1/s) - sigma(u)`` with
    ``u = (x - 1/2 - mu)/s``, and the same over a common denominator:
    ``(gap, factored, delta_form, (u, s, delta))`` where ``delta_form`` writes
    ``1 - exp(-1/s)`` as a positive ``delta``."""
    u, s = sp.Symbol("u", real=True), sp.Symbol("s", positive=True)
    delta = sp.Symbol("delta", positive=True)
    sig = lambda t: 1 / (1 + sp.exp(-t))                      # noqa: E731 - the logistic sigmoid
    gap = sig(u + 1 / s) - sig(u)
    factored = sp.exp(-u) * (1 - sp.exp(-1 / s)) / ((1 + sp.exp(-u - 1 / s)) * (1 + sp.exp(-u)))
    return gap, factored, factored.subs(1 - sp.exp(-1 / s), delta), (u, s, delta)


# --------------------------------------------------------------------------- independent routes

def enumerated_sizes(W, H, C, K, values=256):
    """The two output tensors built element by element (``(w, h, c, v)`` and
    ``(w, h, c, parameter, k)`` index tuples) and counted, without any formula.

    >>> enumerated_sizes(3, 2, 3, 5)
    (4608, 270)
    """
    grid = list(itertools.product(range(W), range(H), range(C)))
    categorical = sum(1 for _ in itertools.product(grid, range(values)))
    mixture = sum(1 for _ in itertools.product(grid, ("pi", "mu", "s"), range(K)))
    return categorical, mixture


def first_k_exceeding(per_component, total):
    """The first K with ``per_component * K > total``, by search.

    >>> first_k_exceeding(3, 256)
    86
    """
    return next(k for k in itertools.count(1) if per_component * k > total)


def random_mixture_masses(seed=0, values=256, components=3, digits=40):
    """The ``values`` interval masses of a random ``components``-mixture, summed in mpmath at
    ``digits`` digits straight from the logistic CDF: ``(|sum - 1|, smallest mass)``."""
    import mpmath

    rng = random.Random(seed)
    raw = [rng.random() for _ in range(components)]
    with mpmath.workdps(digits):
        weights = [mpmath.mpf(r) / mpmath.fsum(raw) for r in raw]
        means = [mpmath.mpf(rng.uniform(-20, values + 20)) for _ in range(components)]
        scales = [mpmath.mpf(rng.uniform(0.3, 30)) for _ in range(components)]

        def cdf(v):
            return mpmath.fsum(w / (1 + mpmath.exp(-(v - m) / s)) for w, m, s in zip(weights, means, scales))
        half = mpmath.mpf(1) / 2
        masses = [(1 if x == values - 1 else cdf(x + half)) - (0 if x == 0 else cdf(x - half))
                  for x in range(values)]
        return abs(mpmath.fsum(masses) - 1), min(masses)
