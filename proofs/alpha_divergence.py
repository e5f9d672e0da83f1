"""LV-3. alpha-divergence: D_alpha -> KL(p||q) as alpha -> 1 and -> KL(q||p) as alpha -> -1.

The mathematics (and the derivation itself) lives in :mod:`symbolic.alpha`; this
module reads the options and draws the figure.

>>> from proofs.problem import options_for
>>> import proofs.alpha_divergence as problem
>>> problem.rational('-3/2')
-3/2
>>> problem.build(options_for(problem, dim=7))
Traceback (most recent call last):
...
ValueError: --dim must be 1 or 2 for alpha-divergence, got 7 (--alpha-dim sets alpha-divergence's alone)
"""
from __future__ import annotations

import argparse
from fractions import Fraction

import sympy as sp

from proofs.problem import Figure, Option, dim_option, int_in, pick_dim, seed_option
from symbolic.alpha import alpha_derivation, alpha_divergence_normal
from symbolic.gaussian import kl_normal

ID = "alpha-divergence"
TITLE = "LV-3. alpha-divergence: its limits at alpha = 1 and alpha = -1 are the two KL divergences"

DEFAULT_DIM = 2
DEFAULT_ALPHA = "1/2"
MAX_ALPHA = 10             # |alpha| at most this ...
MAX_DENOMINATOR = 1000     # ... and its denominator at most this: the example stays exact and quick
# the two Gaussians of the figure and of the numeric example: N(0, 1) and N(1, (3/2)^2)
FIGURE_GAUSSIANS = (0, 1, 1, sp.Rational(3, 2))


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


def _options(options):
    dim = pick_dim(options, "--alpha-dim", ID, 1, 2, DEFAULT_DIM)
    raw = getattr(options, "alpha", DEFAULT_ALPHA)
    try:
        alpha = alpha_value(raw)
    except argparse.ArgumentTypeError as exc:
        raise ValueError(f"--alpha: {exc}") from None
    seed = getattr(options, "seed", 0)
    if isinstance(seed, bool) or not isinstance(seed, int) or seed < 0:
        raise ValueError(f"--seed must be a non-negative integer, got {seed!r}")
    return dim, alpha, seed


def validate(options):
    """The dimension, alpha and the seed, before anything is built."""
    _options(options)


def build(options):
    """The LV-3 derivation for these options (unchecked)."""
    dim, alpha, seed = _options(options)
    return alpha_derivation(dim=dim, alpha_example=alpha, seed=seed)


def figure_data(points: int = 400):
    """(alphas, values, kl_plus, kl_minus) for the figure's two Gaussians, where D_alpha exists."""
    import numpy as np

    mu1, s1, mu2, s2 = FIGURE_GAUSSIANS
    alpha = sp.Symbol("alpha", real=True)
    f = sp.lambdify(alpha, alpha_divergence_normal(mu1, s1, mu2, s2, alpha), "numpy")
    low, high = -2.0, 3.0      # it exists for alpha > -13/5 here, and blows up towards -13/5
    grid = np.linspace(low, high, points + 1)
    # the removable singularities at +-1 are not sampled (there the values are the marked KLs)
    grid = grid[np.abs(np.abs(grid) - 1) > 1e-6]
    values = f(grid)
    return ([float(a) for a in grid], [float(v) for v in values],
            float(kl_normal(mu1, s1, mu2, s2)), float(kl_normal(mu2, s2, mu1, s1)))


def figures(options):
    """One figure: D_alpha(N(0,1) || N(1, 9/4)) against alpha, with the two KL limits marked."""
    _options(options)

    def draw(stem):
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt

        alphas, values, kl_plus, kl_minus = figure_data()
        fig, ax = plt.subplots(figsize=(6.0, 3.6))
        ax.plot(alphas, values, color="C0", label=r"$D_\alpha(p\,\|\,q)$ (closed form)")
        ax.plot([1], [kl_plus], "o", color="C3", label=rf"KL$(p\,\|\,q) = {kl_plus:.4f}$ at $\alpha = 1$")
        ax.plot([-1], [kl_minus], "s", color="C2",
                label=rf"KL$(q\,\|\,p) = {kl_minus:.4f}$ at $\alpha = -1$")
        ax.axvline(1, color="C3", lw=0.6, ls=":")
        ax.axvline(-1, color="C2", lw=0.6, ls=":")
        ax.set_xlabel(r"$\alpha$")
        ax.set_ylabel(r"$D_\alpha$")
        ax.set_title(r"$p = N(0, 1)$, $q = N(1, 1.5^2)$")
        ax.legend(loc="upper right", fontsize=8)
        fig.tight_layout()
        fig.savefig(stem + ".pdf", metadata={"CreationDate": None, "ModDate": None})
        fig.savefig(stem + ".png", dpi=150, metadata={"Software": None})
        plt.close(fig)

    return (Figure("alpha-divergence-gaussians",
                   "$D_\\alpha(N(0,1)\\,\\|\\,N(1,9/4))$ as a function of $\\alpha$ (closed form); it is "
                   "continuous through $\\alpha = 1$ and $\\alpha = -1$, where it equals "
                   "$\\mathrm{KL}(p\\,\\|\\,q)$ and $\\mathrm{KL}(q\\,\\|\\,p)$ (marked). For "
                   "$\\alpha \\le -13/5$ the integral diverges.", draw),)
