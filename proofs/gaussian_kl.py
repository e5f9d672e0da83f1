"""LV-1: KL divergence between two Gaussians, derived for dimension d and verified.

The mathematics (and the derivation itself) lives in :mod:`symbolic.gaussian`;
this module only reads the options.

>>> from proofs.problem import options_for
>>> import proofs.gaussian_kl as m
>>> m.build(options_for(m, dim=1)).id
'gaussian-kl'
>>> m.build(options_for(m, dim=9))
Traceback (most recent call last):
...
ValueError: the explicit verification dimension must be an integer from 1 to 4, got 9
"""
from __future__ import annotations

from symbolic.gaussian import MAX_EXPLICIT_DIM, gaussian_kl_derivation

from .problem import Option, positive_int, seed_option

ID = "gaussian-kl"
TITLE = "LV-1. KL divergence between two Gaussians"
DEFAULT_DIM = 2

OPTIONS = (
    Option(("--dim",), dict(type=positive_int, default=None, metavar="D",
                            help=f"gaussian-kl: dimension of the fully symbolic explicit verification, "
                                 f"1 to {MAX_EXPLICIT_DIM} (default {DEFAULT_DIM})")),
    seed_option,
)


def build(options):
    """The LV-1 derivation for ``options.dim`` (``None``: 2) and ``options.seed``."""
    dim = getattr(options, "dim", None)
    return gaussian_kl_derivation(dim=DEFAULT_DIM if dim is None else dim,
                                  seed=getattr(options, "seed", 0))
