"""What a problem module declares: its command-line options and its figures.

A problem module in ``proofs/`` defines

``ID``, ``TITLE``
    the id used on the command line and the heading of its section;
``OPTIONS``
    a tuple of :class:`Option` (flags shared by several problems, such as
    ``--seed`` or ``--dim``, are declared identically by each).  Every option has a
    range (its ``type`` refuses a value outside it while the command line is parsed,
    before anything is built) chosen so that a run stays under about a minute and
    2 GB on a 2-core machine; ``--help`` shows it;
``validate(options)`` (optional)
    the checks that involve several options (``--order`` a permutation of 1..m,
    ``--samples`` x ``--score-dim``, ...): cheap, and run for every problem of a run
    before any problem is built; ``ValueError`` with a one-line message;
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

__all__ = ["Option", "Figure", "positive_int", "nonnegative_int", "int_list", "int_in",
           "int_list_in", "seed_option", "options_for", "MAX_SEED", "MAX_DIM", "dim_option", "pick_dim"]

MAX_SEED = 2 ** 32 - 1          # every seed a random generator of the problems accepts
_MAX_DIGITS = 40                # longer integer text is refused before it is converted


@dataclass(frozen=True)
class Option:
    """One command-line option of a problem: ``flags`` and ``argparse`` keyword arguments."""

    flags: tuple
    kwargs: dict = field(default_factory=dict)

    @property
    def range(self) -> str:
        """The documented range of its values (from its ``type``), e.g. ``'2 to 4096'``."""
        return getattr(self.kwargs.get("type"), "range", "")

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


def _integer(text: str, expected: str) -> int:
    text = str(text).strip()
    if len(text.lstrip("+-")) > _MAX_DIGITS:
        raise argparse.ArgumentTypeError(f"expected {expected}, got a {len(text)}-character number")
    try:
        return int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected {expected}, got {text!r}") from None


def int_in(low: int, high: int):
    """argparse type: an integer from ``low`` to ``high``; its ``range`` attribute documents it.

    >>> int_in(2, 10)("7"), int_in(2, 10).range
    (7, '2 to 10')
    >>> int_in(2, 10)("11")
    Traceback (most recent call last):
    ...
    argparse.ArgumentTypeError: expected an integer from 2 to 10, got 11
    """
    expected = f"an integer from {low} to {high}"

    def parse(text):
        value = _integer(text, expected)
        if not low <= value <= high:
            raise argparse.ArgumentTypeError(f"expected {expected}, got {value}")
        return value

    parse.range, parse.low, parse.high = f"{low} to {high}", low, high
    return parse


def int_list_in(count: int, low: int, high: int, separator: str = ",", what: str = "values"):
    """argparse type: 1 to ``count`` integers from ``low`` to ``high``, comma-separated.

    >>> int_list_in(3, 1, 9)("3,1,2")
    (3, 1, 2)
    >>> int_list_in(3, 1, 9)("1,2,3,4")
    Traceback (most recent call last):
    ...
    argparse.ArgumentTypeError: expected 1 to 3 comma-separated integers from 1 to 9, got 4 values
    """
    expected = f"1 to {count} comma-separated integers from {low} to {high}"

    def parse(text):
        parts = str(text).split(separator)
        if len(parts) > count:
            raise argparse.ArgumentTypeError(f"expected {expected}, got {len(parts)} {what}")
        values = tuple(_integer(part, expected) for part in parts)
        bad = [v for v in values if not low <= v <= high]
        if bad:
            raise argparse.ArgumentTypeError(f"expected {expected}, got {bad[0]}")
        return values

    parse.range = f"1 to {count} {what}, each {low} to {high}"
    return parse


MAX_DIM = 10_000                # the largest dimension any problem takes (each checks its own)


def dim_option(specific: str, low: int, high: int) -> Option:
    """``--dim``: for each problem of a run that has a dimension, the same as its own option
    ``specific`` (which wins when both are given); each problem checks its own range."""
    return Option(("--dim",), dict(type=int_in(1, MAX_DIM), default=None, metavar="D",
                                   help=f"the same as {specific} ({low} to {high})"))


def pick_dim(options, specific: str, problem: str, low: int, high: int, default: int) -> int:
    """The dimension a problem uses: its own option, else ``--dim``, else ``default``;
    ``ValueError`` naming the option given and the problem's range when it is outside it.

    >>> import argparse
    >>> pick_dim(argparse.Namespace(kl_dim=None, dim=3), "--kl-dim", "gaussian-kl", 1, 4, 2)
    3
    >>> pick_dim(argparse.Namespace(kl_dim=None, dim=7), "--kl-dim", "gaussian-kl", 1, 4, 2)
    Traceback (most recent call last):
    ...
    ValueError: --dim must be from 1 to 4 for gaussian-kl, got 7 (--kl-dim sets gaussian-kl's alone)
    """
    own = getattr(options, specific.lstrip("-").replace("-", "_"), None)
    shared = getattr(options, "dim", None)
    value, flag = (own, specific) if own is not None else (shared, "--dim") if shared is not None \
        else (default, None)
    if flag and (isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high):
        hint = f" ({specific} sets {problem}'s alone)" if flag == "--dim" else ""
        allowed = f"{low} or {high}" if high == low + 1 else f"from {low} to {high}"
        raise ValueError(f"{flag} must be {allowed} for {problem}, got {value!r}{hint}")
    return value


seed_option = Option(("--seed",), dict(type=int_in(0, MAX_SEED), default=0, metavar="S",
                                       help="seed of every random choice (default 0)"))


def options_for(module, **overrides) -> argparse.Namespace:
    """The options a problem's ``build`` receives, with its defaults and ``overrides``.

    Used by tests and by other programs that call ``build`` without the command line.  A
    string is read by the option's type, as the command line reads it (argparse does so for a
    string default too), so that both give the same options.

    >>> from proofs import alpha_divergence
    >>> options_for(alpha_divergence).alpha, options_for(alpha_divergence, alpha="1/3").alpha
    (1/2, 1/3)
    """
    options = {opt.dest: opt for opt in getattr(module, "OPTIONS", ())}
    values = {dest: opt.kwargs.get("default") for dest, opt in options.items()}
    values.setdefault("seed", 0)
    unknown = set(overrides) - set(values)
    if unknown:
        raise ValueError(f"{module.ID} has no option {sorted(unknown)[0]!r}")
    values.update(overrides)
    for dest, value in values.items():
        kind = options[dest].kwargs.get("type") if dest in options else None
        if isinstance(value, str) and kind is not None:
            try:
                values[dest] = kind(value)
            except argparse.ArgumentTypeError as exc:
                raise ValueError(f"{options[dest].flags[0]}: {exc}") from None
    return argparse.Namespace(**values)
