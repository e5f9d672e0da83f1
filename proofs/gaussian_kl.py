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
ValueError: --dim must be from 1 to 4 for gaussian-kl, got 9 (--kl-dim sets gaussian-kl's alone)
"""
from __future__ import annotations

from symbolic.gaussian import MAX_EXPLICIT_DIM, gaussian_kl_derivation

from .problem import Option, dim_option, int_in, pick_dim, seed_option

ID = "gaussian-kl"
TITLE = "LV-1. KL divergence between two Gaussians"
DEFAULT_DIM = 2

OPTIONS = (
    Option(("--kl-dim",), dict(type=int_in(1, MAX_EXPLICIT_DIM), default=None, metavar="D",
                               help=f"dimension of the fully symbolic explicit verification "
                                    f"(default {DEFAULT_DIM}; d = 5 would take minutes)")),
    dim_option("--kl-dim", 1, MAX_EXPLICIT_DIM),
    seed_option,
)


def _dim(options) -> int:
    return pick_dim(options, "--kl-dim", ID, 1, MAX_EXPLICIT_DIM, DEFAULT_DIM)


def validate(options):
    """The dimension (``--kl-dim``, else ``--dim``) within 1 to 4, before anything is built."""
    _dim(options)


def build(options):
    """The LV-1 derivation for ``--kl-dim`` (or ``--dim``; default 2) and ``--seed``."""
    return gaussian_kl_derivation(dim=_dim(options), seed=getattr(options, "seed", 0))
