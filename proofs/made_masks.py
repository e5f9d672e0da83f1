"""AR-1: MADE masks, the connectivity M = M_V M_W, its triangularity and its path counts.

The worked example is chosen by ``--m``, ``--hidden`` (widths, degrees drawn
from ``--seed``) or ``--degrees`` (explicit), and ``--order``; the generic
proofs do not depend on it.
"""
from __future__ import annotations

import argparse

import numpy as np

from symbolic.made import connectivity, masks, made_derivation, sample_degrees

from .problem import Figure, Option, int_in, int_list_in, seed_option

ID = "made-masks"
TITLE = "AR-1. MADE masks"
DEFAULT_WIDTHS = (5,)


MAX_M = 48            # the worked example is checked as exact m x m integer matrices
MAX_LAYERS = 4
MAX_WIDTH = 64


def degree_layers(text: str) -> tuple:
    """argparse type: hidden degrees, layers separated by ``/``, e.g. ``1,2,3/2,2``
    (1 to 4 layers of 1 to 64 degrees, each from 1 to 47; ``--m`` bounds them further).

    >>> degree_layers("1,2,3/2,2")
    ((1, 2, 3), (2, 2))
    """
    layers = str(text).split("/")
    if len(layers) > MAX_LAYERS:
        raise argparse.ArgumentTypeError(f"expected 1 to {MAX_LAYERS} layers of degrees, got {len(layers)}")
    parse = int_list_in(MAX_WIDTH, 1, MAX_M - 1, what="degrees in a layer")
    try:
        return tuple(parse(layer) for layer in layers)
    except argparse.ArgumentTypeError as exc:
        raise argparse.ArgumentTypeError(
            f"expected degrees like 1,2,3 or 1,2,3/2,3 (layers separated by /): {exc}") from None


degree_layers.range = (f"1 to {MAX_LAYERS} layers of 1 to {MAX_WIDTH} degrees, each from 1 to m - 1")


OPTIONS = (
    Option(("--m",), dict(type=int_in(2, MAX_M), default=4, metavar="M",
                          help="number of inputs of the worked example (default 4)")),
    Option(("--hidden",), dict(type=int_list_in(MAX_LAYERS, 1, MAX_WIDTH, what="widths"), default=None,
                               metavar="H[,H2,...]",
                               help="hidden-layer widths of the example (default 5); "
                                    "degrees drawn from --seed")),
    Option(("--degrees",), dict(type=degree_layers, default=None, metavar="D,D,.../D,...",
                                help="explicit hidden degrees in 1..m-1, layers separated by /")),
    Option(("--order",), dict(type=int_list_in(MAX_M, 1, MAX_M, what="values"), default=None,
                              metavar="PERM",
                              help="variable order, a comma-separated permutation of 1..m (default natural)")),
    seed_option,
)


def validate(options):
    """The example's options together (degrees within 1..m-1, the order a permutation of
    1..m, ...), before anything is built."""
    example(options)


def example(options):
    """``(m, hidden_degrees, order)`` of the worked example; ``ValueError`` on bad input.

    Parameters
    ----------
    options : the ``argparse.Namespace`` of the command line (or of ``options_for``).

    Examples
    --------
    >>> import argparse
    >>> example(argparse.Namespace(m=3, hidden=None, degrees=((1, 2),), order=(2, 1, 3), seed=0))
    (3, [[1, 2]], (2, 1, 3))
    >>> options = argparse.Namespace(m=3, hidden=(2,), degrees=None, order=None, seed=0)
    >>> example(options)[1] == sample_degrees(3, (2,), seed=0)
    True
    """
    m = options.m
    if m < 2:
        raise ValueError(f"--m must be at least 2 (with m = {m} no hidden degree lies in 1..m-1)")
    if options.degrees is not None:
        widths = tuple(len(layer) for layer in options.degrees)
        if options.hidden is not None and tuple(options.hidden) != widths:
            raise ValueError(f"--hidden {','.join(map(str, options.hidden))} does not match the widths "
                             f"{','.join(map(str, widths))} of --degrees")
        degrees = [list(layer) for layer in options.degrees]
    else:
        widths = tuple(options.hidden) if options.hidden is not None else DEFAULT_WIDTHS
        if not widths or min(widths) < 1:
            raise ValueError(f"--hidden widths must be positive, got {','.join(map(str, widths))}")
        degrees = sample_degrees(m, widths, seed=options.seed)
    order = tuple(options.order) if options.order is not None else None
    masks(m, degrees, order)          # validates degrees and order with the library's messages
    return m, degrees, order


def build(options):
    """The AR-1 derivation for the example network the options describe.

    >>> import argparse
    >>> d = build(argparse.Namespace(m=3, hidden=None, degrees=((1, 2),), order=None, seed=0))
    >>> d.id, d.results["example"]["M"]
    ('made-masks', [[0, 0, 0], [1, 0, 0], [2, 1, 0]])
    """
    m, degrees, order = example(options)
    return made_derivation(m, degrees, order)


def _draw_heatmaps(stem, mats, names):
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    widths = [a.shape[1] for a in mats]
    small = max(max(a.shape) for a in mats) <= 16          # numbers in the cells only where legible
    width = min(16.0, 1.2 + (0.42 if small else 0.08) * sum(widths) + 0.6 * len(mats))
    fig, axes = plt.subplots(1, len(mats), figsize=(width, 2.9 if small else 4.0),
                             gridspec_kw=dict(width_ratios=widths))
    for ax, a, name in zip(axes, mats, names):
        rows, cols = a.shape                  # cell (r, c) drawn at (c + 1, r + 1): 1-based like the maths
        ax.imshow(a.astype(float), cmap="Blues", vmin=0, vmax=max(1, int(a.max())) * 1.4,
                  interpolation="nearest", extent=(0.5, cols + 0.5, rows + 0.5, 0.5))
        for r, c in zip(*np.nonzero(np.ones(a.shape, dtype=bool))) if small else ():
            v = int(a[r, c])
            ax.text(c + 1, r + 1, str(v), ha="center", va="center", fontsize=8,
                    color="black" if v else "0.6")
        ax.set_title(name, fontsize=10)
        if small:
            ax.set_xticks(range(1, cols + 1), [str(x) for x in range(1, cols + 1)], fontsize=7)
            ax.set_yticks(range(1, rows + 1), [str(x) for x in range(1, rows + 1)], fontsize=7)
        ax.set_xlabel("in", fontsize=8)
        ax.set_ylabel("out", fontsize=8)
    fig.tight_layout()
    fig.savefig(stem + ".pdf", metadata={"CreationDate": None, "ModDate": None})
    fig.savefig(stem + ".png", dpi=150, metadata={"Software": None})
    plt.close(fig)


def figures(options):
    """One figure: heat maps of the masks and of M, the path counts written in the cells."""
    m, degrees, order = example(options)
    mk = masks(m, degrees, order)
    M = connectivity(mk)
    names = (["$M_W$", "$M_V$"] if len(mk) == 2 else [f"$M^{{({l})}}$" for l in range(1, len(mk) + 1)])
    names.append("$M$ = path counts")
    caption = (f"MADE masks for m = {m}, hidden degrees "
               f"{' / '.join(','.join(map(str, layer)) for layer in degrees)}"
               + (f", order {','.join(map(str, order))}" if order else "")
               + ": rows are receiving units (out x in); the last panel is M, rows = outputs, "
                 "each cell the number of paths from input j to output i (strictly lower triangular"
               + (" after reordering by the order" if order else "") + ").")
    return (Figure("made-masks", caption, lambda stem: _draw_heatmaps(stem, mk + [M], names)),)
