"""What a problem module declares: its command-line options and its figures.

A problem module in ``proofs/`` defines

``ID``, ``TITLE``
    the id used on the command line and the heading of its section;
``OPTIONS``
    a tuple of :class:`Option` (flags shared by several problems, such as
    ``--seed`` or ``--dim``, are declared identically by each);
``build(options) -> Derivation``
    picks the parameters from ``options`` (an ``argparse.Namespace`` holding
    every problem's options), asks ``symbolic/`` for the derivation and returns
    it unchecked; bad input raises ``ValueError`` with a one-line message;
``figures(options) -> tuple[Figure, ...]`` (optional)
    the figures its LaTeX section includes.

Problem modules do no mathematics of their own.
"""
from __future__ import annotations

import argparse
from dataclasses import dataclass, field
from typing import Any, Callable

__all__ = ["Option", "Figure", "positive_int", "nonnegative_int", "int_list", "seed_option",
           "options_for"]


@dataclass(frozen=True)
class Option:
    """One command-line option of a problem: ``flags`` and ``argparse`` keyword arguments."""

    flags: tuple
    kwargs: dict = field(default_factory=dict)

    @property
    def dest(self) -> str:
        return self.kwargs.get("dest") or self.flags[0].lstrip("-").replace("-", "_")


@dataclass(frozen=True)
class Figure:
    """A figure: ``draw(path_stem)`` writes ``path_stem + '.pdf'`` and ``path_stem + '.png'``."""

    name: str
    caption: str
    draw: Callable[[str], Any]


def positive_int(text: str) -> int:
    """argparse type: an integer >= 1, with a one-line message otherwise."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a positive integer, got {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected a positive integer, got {text!r}")
    return value


def nonnegative_int(text: str) -> int:
    """argparse type: an integer >= 0."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a non-negative integer, got {text!r}") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"expected a non-negative integer, got {text!r}")
    return value


def int_list(text: str) -> tuple:
    """argparse type: comma-separated integers, e.g. ``3,1,2``."""
    try:
        return tuple(int(part) for part in text.split(","))
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected comma-separated integers, got {text!r}") from None


seed_option = Option(("--seed",), dict(type=nonnegative_int, default=0, metavar="S",
                                       help="seed of every random choice (default 0)"))


def options_for(module, **overrides) -> argparse.Namespace:
    """The options a problem's ``build`` receives, with its defaults and ``overrides``.

    Used by tests and by other programs that call ``build`` without the command line.
    """
    values = {opt.dest: opt.kwargs.get("default") for opt in getattr(module, "OPTIONS", ())}
    values.setdefault("seed", 0)
    unknown = set(overrides) - set(values)
    if unknown:
        raise ValueError(f"{module.ID} has no option {sorted(unknown)[0]!r}")
    values.update(overrides)
    return argparse.Namespace(**values)
