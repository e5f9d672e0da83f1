"""LV-2: the score-function (log-derivative) estimator, and why its variance is large."""
from __future__ import annotations

import numpy as np

from symbolic.score import MNIST_PIXELS, score_function_derivation, variance_curves

from .problem import Figure, Option, dim_option, int_in, pick_dim, seed_option

ID = "score-function"
TITLE = "LV-2. Score-function estimator"
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


def _parameters(options):
    dim = pick_dim(options, "--score-dim", ID, 1, MAX_DIM, DEFAULT_DIM)
    samples = getattr(options, "samples", None)
    samples = DEFAULT_SAMPLES if samples is None else samples
    seed = getattr(options, "seed", 0)
    return dim, samples, 0 if seed is None else seed


def validate(options):
    """The dimension and the sample size, and their product, before anything is built."""
    dim, samples, _ = _parameters(options)
    if isinstance(samples, int) and not isinstance(samples, bool) and samples >= 1000 \
            and samples * dim > MAX_NORMALS:
        raise ValueError(f"--samples x the dimension = {samples * dim} is too large for score-function "
                         f"(at most {MAX_NORMALS:.0e})")


def build(options):
    """The LV-2 derivation for ``--score-dim`` (or ``--dim``), ``--samples``, ``--seed``;
    ``ValueError`` on bad input.

    >>> from proofs.problem import options_for
    >>> import proofs.score_function as m
    >>> build(options_for(m, samples=5)) # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    ValueError: --samples must be an integer >= 1000, got 5
    """
    validate(options)
    dim, samples, seed = _parameters(options)
    return score_function_derivation(dim=dim, samples=samples, seed=seed)


def figures(options):
    """One figure: exact variances of both estimators against the offset c and the dimension D."""
    dim, _, _ = _parameters(options)
    if dim < 1:
        raise ValueError(f"--dim must be a positive integer, got {dim}")
    offsets = np.logspace(-1, 4, 201)
    dims = np.unique(np.round(np.logspace(0, 3, 61)).astype(int))
    curves = variance_curves(dim, offsets, dims)
    caption = (f"Exact variance of the single-sample estimators of the gradient with respect to mu_1 "
               f"(posterior N(0, 1), q = N(1/2, 1) per coordinate). Left: against the offset "
               f"c = -ln p(x) at D = {dim} latent dimensions; the dotted line is c = {MNIST_PIXELS} ln 2. "
               f"Right: against D at c = {MNIST_PIXELS} ln 2 (and at c = 0). The score-function variance "
               f"grows like c^2 and D^2; the optimal constant baseline removes the offset; the "
               f"reparameterisation variance depends on neither.")
    return (Figure("score-function-variance", caption,
                   lambda stem: _draw(stem, offsets, dims, curves)),)


def _draw(stem, offsets, dims, curves):
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.ticker import NullFormatter

    fig, (left, right) = plt.subplots(1, 2, figsize=(9.5, 3.8))
    c_curves, d_curves = curves["against_c"], curves["against_d"]
    left.loglog(offsets, c_curves["score"], label="score function")
    left.loglog(offsets, c_curves["baseline"], "--", label="score function, optimal baseline")
    left.loglog(offsets, c_curves["reparam"], label="reparameterisation")
    left.axvline(curves["c_fixed"], color="grey", linestyle=":", linewidth=1)
    left.set_xlabel("offset c = -ln p(x) (nats)")
    left.set_ylabel("variance of one-sample estimate")
    left.set_title(f"against the offset, D = {curves['dim']}")
    right.loglog(dims, d_curves["score"], label=f"score function, c = {curves['c_fixed']:.0f}")
    right.loglog(dims, d_curves["score_c0"], "-.", label="score function, c = 0")
    right.loglog(dims, d_curves["baseline"], "--", label="score function, optimal baseline")
    right.loglog(dims, d_curves["reparam"], label="reparameterisation")
    right.set_xlabel("latent dimension D")
    right.set_title(f"against the dimension, c = {curves['c_fixed']:.1f}")
    for ax in (left, right):
        low, high = ax.get_ylim()
        ax.set_ylim(low, high * 300)          # room for the legend above the curves
        ax.grid(True, which="major", alpha=0.3)
        ax.xaxis.set_minor_formatter(NullFormatter())
        ax.yaxis.set_minor_formatter(NullFormatter())
        ax.legend(fontsize=7, loc="upper left")
    # fixed margins instead of tight_layout, and no minor tick labels: measuring hundreds of
    # log-scale tick labels dominated the drawing time
    fig.subplots_adjust(left=0.08, right=0.985, bottom=0.13, top=0.92, wspace=0.2)
    fig.savefig(stem + ".pdf", metadata={"CreationDate": None, "ModDate": None})
    fig.savefig(stem + ".png", dpi=120, metadata={"Software": None})
    plt.close(fig)
