"""Output-tensor sizes of pixel models and the discretized logistic mixture (AR-2).

Model 1 outputs a 256-way categorical per subpixel; model 2 a mixture of K
logistics per subpixel (a weight, a mean and a scale per component),
discretized with ``P(x) = F(x + 1/2) - F(x - 1/2)`` and the usual edge bins.
The PixelCNN++ variant shares one mixture across the C channels of a pixel and
couples the channels linearly: per component 1 weight, C means, C scales and
C(C-1)/2 coupling coefficients.

Examples
--------
>>> numel_categorical(32, 32, 3)
786432
>>> numel_mixture(32, 32, 3, 10)
92160
>>> k_min(256), k_min_pixelcnnpp(3, 256)
(86, 77)

References
----------
T. Salimans et al., PixelCNN++: improving the PixelCNN with discretized
logistic mixture likelihood and other modifications, ICLR 2017.
"""
from __future__ import annotations

import sympy as sp

from .derivation import Assumption, Claim, Derivation, Goal, Step

__all__ = ["W", "H", "C", "K", "n", "numel_categorical", "numel_mixture", "numel_pixelcnnpp",
           "params_per_pixel_pixelcnnpp", "k_min", "k_min_pixelcnnpp", "k_min_free_params",
           "logistic_cdf", "mixture_cdf", "discretized_pmf", "output_size_derivation"]

W, H, C, K = sp.symbols("W H C K", integer=True, positive=True)
n = sp.Symbol("n", integer=True, positive=True)         # number of pixel values (256)


def _positive_int(name, value):
    if isinstance(value, sp.Basic) and not value.is_number:
        if not (value.is_integer and value.is_positive):
            raise ValueError(f"{name} must be a positive integer symbol, got {value}")
        return value
    if isinstance(value, bool) or int(value) != value or value < 1:
        raise ValueError(f"{name} must be a positive integer, got {value!r}")
    return sp.Integer(int(value))


def numel_categorical(W=W, H=H, C=C, values=256):
    """Elements of model 1's output: one probability per value per subpixel, ``W H C values``."""
    return _positive_int("W", W) * _positive_int("H", H) * _positive_int("C", C) * _positive_int("values", values)


def numel_mixture(W=W, H=H, C=C, K=K):
    """Elements of model 2's output: K weights, K means, K scales per subpixel, ``3 K W H C``."""
    return 3 * _positive_int("K", K) * _positive_int("W", W) * _positive_int("H", H) * _positive_int("C", C)


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
    """P(x) for x in 0..values-1: ``F(x + 1/2) - F(x - 1/2)``, all mass below 1/2 in bin 0,
    all mass above ``values - 3/2`` in the last bin.

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


# --------------------------------------------------------------------------- the derivation

def output_size_derivation(values: int = 256, channels: int = 3, components: int = 2) -> Derivation:
    """The AR-2 derivation: both output sizes, the K threshold, PixelCNN++, free parameters,
    and the discretized mixture pmf summing to one.

    Parameters
    ----------
    values : number of pixel values (256 for 8-bit images).
    channels : C of the PixelCNN++ threshold (3 for RGB).
    components : K of the explicit non-negativity and telescoping check.
    """
    values, channels, components = (int(_positive_int(name, v)) for name, v in
                                    (("values", values), ("channels", channels), ("components", components)))
    if values < 2:
        raise ValueError("values must be at least 2")
    w, h, c, v, k, c2, j = sp.symbols("w h c v k c' j", integer=True, positive=True)
    q = sp.Symbol("q", integer=True, nonnegative=True)
    N = sp.Integer(values)
    kmin = int(k_min(values))
    per_pixel = params_per_pixel_pixelcnnpp(C, K)
    kmin_pp = int(k_min_pixelcnnpp(channels, values))
    per_pixel_c = per_pixel.subs(C, channels)
    grid = ((c, 1, C), (h, 1, H), (w, 1, W))
    subpixels = r"\sum_{w=1}^{W}\sum_{h=1}^{H}\sum_{c=1}^{C}"

    steps = [
        Step(sp.Sum(1, (v, 1, N), *grid), numel_categorical(values=values),
             f"model 1 outputs one probability $\\pi_v$ for each of the {values} values of every "
             "one of the $W H C$ subpixels", heading="(a) Model 1: a categorical per subpixel",
             lhs_tex=subpixels + rf"\sum_{{v=1}}^{{{values}}} 1"),
        Step(sp.Sum(3, (k, 1, K), *grid), numel_mixture(),
             "model 2 outputs, for each subpixel and each of the $K$ components, a weight "
             "$\\pi_k$, a mean $\\mu_k$ and a scale $s_k$",
             heading="(a) Model 2: a mixture of K logistics per subpixel",
             lhs_tex=subpixels + r"\sum_{k=1}^{K} 3"),
        Step(numel_mixture() - numel_categorical(values=values), W * H * C * (3 * K - N),
             "the difference of the two sizes factors; $W H C > 0$, so model 2 is larger "
             f"exactly when $3K > {values}$", heading="(b) When is model 2's output larger?"),
        Step(3 * sp.Integer(kmin), N, f"$K = {kmin}$ is large enough", relation=">"),
        Step(3 * sp.Integer(kmin - 1), N, f"$K = {kmin - 1}$ is not, so the smallest K is {kmin}",
             relation="<="),
        Step(3 * k_min(n), n, "for any number of values $n$, $K_{\\min}(n) = \\lfloor n/3 \\rfloor + 1$ "
             "is large enough: exhaustive over the residues $n = 3q, 3q+1, 3q+2$ ($q \\ge 0$ "
             "an integer), which cover every positive integer $n$", relation=">",
             cases=[{n: 3 * q + r} for r in (0, 1, 2)],
             heading="(b) The threshold for any number of values n"),
        Step(3 * (k_min(n) - 1), n, "and $K_{\\min}(n) - 1$ is not (the same three residue cases)",
             relation="<=", cases=[{n: 3 * q + r} for r in (0, 1, 2)]),
        Step(sp.Sum(1 + sp.Sum(2, (c, 1, C)) + sp.Sum(1, (c2, 1, c - 1), (c, 1, C)), (k, 1, K)),
             per_pixel,
             "PixelCNN++: per pixel and component one weight, $C$ means, $C$ scales and one "
             "coupling coefficient for each pair $c' < c$ of channels",
             heading="PixelCNN++: one mixture per pixel, channels coupled",
             lhs_tex=r"\sum_{k=1}^{K}\Big(1 + \sum_{c=1}^{C} 2 + \sum_{c=1}^{C}\sum_{c'=1}^{c-1} 1\Big)"),
        Step(per_pixel.subs(C, channels), sp.expand(per_pixel_c),
             f"for $C = {channels}$ channels",
             lhs_tex=rf"K\Big(1 + 2 \cdot {channels} + \tfrac{{{channels}({channels} - 1)}}{{2}}\Big)"),
        Step(per_pixel_c.subs(K, kmin_pp), channels * N,
             f"$K = {kmin_pp}$ gives more outputs per pixel than the categorical's "
             f"${channels} \\cdot {values}$", relation=">"),
        Step(per_pixel_c.subs(K, kmin_pp - 1), channels * N,
             f"$K = {kmin_pp - 1}$ does not, so the PixelCNN++ threshold is {kmin_pp}",
             relation="<="),
        Step((3 * K - 1) - (N - 1), 3 * K - N, lhs_tex=rf"(3K - 1) - ({values} - 1)", reason=(
             f"free parameters: the categorical has ${values} - 1$ (the probabilities sum to one), "
             "the mixture $3K - 1$ (the weights sum to one); the difference has the sign of "
             f"$3K - {values}$, so the same threshold $K \\ge {kmin}$ holds"),
             heading="Free parameters per subpixel"),
    ]

    # the pmf sums to one for ANY cdf F (telescoping), hence for the logistic mixture
    F = sp.Function("F")
    x = sp.Symbol("x", integer=True)
    half = sp.Rational(1, 2)
    total = F(half) + sp.Sum(F(x + half) - F(x - half), (x, 1, n - 2)) + (1 - F(n - 3 * half))
    steps.append(Step(
        total, sp.Integer(1),
        "the discretized pmf summed over $0, \\dots, n-1$: bin 0 holds $F(1/2)$, the last bin "
        "$1 - F(n - 3/2)$, the inner bins telescope; this holds for any function F, in particular "
        "the logistic mixture CDF",
        heading="The discretized pmf sums to one",
        lhs_tex=r"F(\tfrac12) + \sum_{x=1}^{n-2}\big(F(x+\tfrac12) - F(x-\tfrac12)\big) + 1 - F(n-\tfrac32)"))
    pis = sp.symbols(f"pi_1:{components + 1}", nonnegative=True)
    mus = sp.symbols(f"mu_1:{components + 1}", real=True)
    ss = sp.symbols(f"s_1:{components + 1}", positive=True)
    explicit = sp.Add(*[discretized_pmf(xx, pis, mus, ss, values) for xx in range(values)])
    steps.append(Step(
        explicit, sp.Integer(1),
        f"explicitly for $n = {values}$ and $K = {components}$ components with symbolic weights, "
        "means and scales: every bin written out, the sum collapses to one",
        lhs_tex=rf"\sum_{{x=0}}^{{{values - 1}}} P(x \mid \pi, \mu, s)"))
    u = sp.Symbol("u", real=True)
    s_ = sp.Symbol("s", positive=True)
    sig = lambda t: 1 / (1 + sp.exp(-t))                      # noqa: E731 - the logistic sigmoid
    gap = sig(u + 1 / s_) - sig(u)
    factored = sp.exp(-u) * (1 - sp.exp(-1 / s_)) / ((1 + sp.exp(-u - 1 / s_)) * (1 + sp.exp(-u)))
    steps += [
        Step(gap, factored,
             "one component's bin mass, with $u = (x - 1/2 - \\mu_k)/s_k$: the difference of two "
             "sigmoids over a common denominator",
             heading="Every bin has non-negative mass",
             lhs_tex=r"\sigma\big(u + \tfrac{1}{s}\big) - \sigma(u)"),
        Step(sp.exp(-1 / s_), sp.Integer(1), "the scale is positive, so $e^{-1/s} < 1$ and the "
             "numerator is positive; the weights $\\pi_k \\ge 0$ make every bin's mass "
             "$\\sum_k \\pi_k(\\ldots) \\ge 0$", relation="<"),
        Step(factored.subs(1 - sp.exp(-1 / s_), sp.Symbol("delta", positive=True)),
             sp.Integer(0), "with $\\delta = 1 - e^{-1/s} > 0$ (previous step) the mass is a "
             "product of positive factors; the last bin's mass $1 - F(n - 3/2) = "
             "\\sum_k \\pi_k (1 - \\sigma(\\ldots))$ is non-negative because the weights sum to one",
             relation=">"),
    ]
    return Derivation(
        id="output-size",
        title="AR-2. Output tensor sizes: categorical vs discretized logistic mixture",
        assumptions=(Assumption("images are $W \\times H \\times C$ with $W, H, C, K$ positive integers"),
                     Assumption(f"a subpixel takes the {values} values $0, \\dots, {values - 1}$; "
                                "in the general statements $n \\ge 2$ values"),
                     Assumption("model 2 has an independent mixture of $K$ logistics per subpixel; "
                                "its mixture weights are non-negative and sum to one")),
        steps=tuple(steps),
        goals=(Goal(sp.Sum(1, (v, 1, N), *grid), numel_categorical(values=values)),
               Goal(sp.Sum(3, (k, 1, K), *grid), numel_mixture()),
               Goal(total, sp.Integer(1))),
        answers=(rf"\text{{numel}}_1 = {values}\, W H C,\qquad \text{{numel}}_2 = 3 K W H C",
                 rf"\text{{numel}}_2 > \text{{numel}}_1 \iff K \ge {kmin}",
                 rf"\text{{PixelCNN++, }} C = {channels}: K \ge {kmin_pp}"),
        cross_checks=cross_checks(values=values),
        results={
            "numel_categorical": numel_categorical(values=values),
            "numel_mixture": numel_mixture(),
            "k_min": kmin,
            "k_min_general": k_min(n),
            "numel_pixelcnnpp": numel_pixelcnnpp(),
            "k_min_pixelcnnpp": kmin_pp,
            "free_params_categorical": values - 1,
            "free_params_mixture": 3 * K - 1,
            "k_min_free_params": int(k_min_free_params(values)),
        },
    )


# --------------------------------------------------------------------------- independent checks

def cross_checks(seed: int = 0, values: int = 256):
    """Each closed form against another route: explicit enumeration of output tensors, a
    brute-force search for the thresholds, and the pmf summed in mpmath for a random mixture."""
    import itertools
    import random

    import mpmath

    from .derivation import CrossCheck

    rng = random.Random(seed)
    out = []
    Wn, Hn, Cn, Kn = 3, 2, 3, 5
    cat = sum(len([0] * values) for _ in itertools.product(range(Wn), range(Hn), range(Cn)))
    mix = sum(len([(p, k) for p in ("pi", "mu", "s") for k in range(Kn)])
              for _ in itertools.product(range(Wn), range(Hn), range(Cn)))
    out.append(CrossCheck(f"output sizes for a {Wn} x {Hn} x {Cn} image, K = {Kn}",
                          "enumerating every output element",
                          f"{cat} and {mix} elements", cat == numel_categorical(Wn, Hn, Cn, values)
                          and mix == numel_mixture(Wn, Hn, Cn, Kn)))
    search = next(k for k in itertools.count(1) if 3 * k > values)
    out.append(CrossCheck("$K_{\\min}$", "the first K with 3K > " + str(values) + ", by search",
                          f"search gives {search}", search == int(k_min(values))))
    per = [1 + 2 * c + len(list(itertools.combinations(range(c), 2))) for c in (3,)]
    search_pp = next(k for k in itertools.count(1) if per[0] * k > values * 3)
    out.append(CrossCheck("PixelCNN++ threshold for C = 3", "search over K with the pairs of channels enumerated",
                          f"search gives {search_pp}", search_pp == int(k_min_pixelcnnpp(3, values))))
    K = 3
    raw = [rng.random() for _ in range(K)]
    with mpmath.workdps(40):
        weights = [mpmath.mpf(r) / mpmath.fsum(raw) for r in raw]
        means = [mpmath.mpf(rng.uniform(-20, values + 20)) for _ in range(K)]
        scales = [mpmath.mpf(rng.uniform(0.3, 30)) for _ in range(K)]
        cdf = lambda v: mpmath.fsum(w / (1 + mpmath.exp(-(v - m) / s)) for w, m, s in zip(weights, means, scales))
        masses = [(1 if x == values - 1 else cdf(x + mpmath.mpf(1) / 2)) - (0 if x == 0 else cdf(x - mpmath.mpf(1) / 2))
                  for x in range(values)]
        error = abs(mpmath.fsum(masses) - 1)
        smallest = min(masses)
    out.append(CrossCheck(f"sum of the {values} bin masses of a random {K}-component mixture",
                          "1, summed in mpmath at 40 digits",
                          f"error {mpmath.nstr(error, 3)}; smallest mass {mpmath.nstr(smallest, 3)}",
                          bool(error < mpmath.mpf(10) ** -30 and smallest >= 0)))
    return tuple(out)
