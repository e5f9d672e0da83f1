"""One declared spec per problem, and the one assembler that turns it into a derivation.

A problem is declared once, as a :class:`Spec`:

``id``
    the id used on the command line (``gaussian-kl``);
``text``
    its :class:`~symbolic.text.Catalogue`, ``proofs/text/<name>.{en,ru}.toml``, which holds
    every sentence of the problem under a stable id (``title`` among them);
``params``
    a frozen dataclass of its parameters whose ``__post_init__`` validates every field with
    :func:`in_range` (one place, one-line ``ValueError`` messages);
``setup``
    ``params -> context``: the objects all sections share (symbols, the topic's mathematics);
``sections``
    functions ``context -> Section``, in reading order, each marked ``main`` (what the
    homework asks) or ``appendix`` (extensions, cross-checks, worked examples).

:func:`assemble` builds the :class:`~symbolic.derivation.Derivation`.  Topic modules in
``symbolic/`` supply only the mathematics; the spec composes it into steps whose sentences
come from the catalogue.  Adding a problem takes one topic module, one spec, one text pair,
one registry line, and its tests.

>>> import sympy as sp
>>> from dataclasses import dataclass
>>> from symbolic.derivation import Section, Step
>>> @dataclass(frozen=True)
... class Square:
...     n: int = 3
...     def __post_init__(self):
...         in_range("n", self.n, 1, 10)
>>> def expand(params):
...     x = sp.Symbol('x')
...     return Section("Expanding", steps=[Step((x + params.n)**2, x**2 + 2*params.n*x + params.n**2, "binomial")])
>>> spec = Spec("square", None, Square, (expand,), title="Squares")
>>> d = assemble(spec, Square(4))
>>> d.id, d.steps[0].rhs
('square', x**2 + 8*x + 16)
>>> Square(11)
Traceback (most recent call last):
...
ValueError: n must be an integer from 1 to 10, got 11
"""
from __future__ import annotations

import os
from dataclasses import dataclass
from fractions import Fraction
from typing import Any, Callable

from symbolic.derivation import Derivation, Section
from symbolic.text import Catalogue

__all__ = ["Spec", "assemble", "in_range", "catalogue", "TEXT_DIR"]

TEXT_DIR = os.path.join(os.path.dirname(__file__), "text")


def catalogue(name: str) -> Catalogue:
    """The catalogue ``proofs/text/<name>.{en,ru}.toml``."""
    return Catalogue(TEXT_DIR, name)


def in_range(name: str, value, low, high, kind: type = int) -> None:
    """The one value check of every parameters dataclass: ``value`` is a ``kind`` (``int``, or
    ``Fraction`` for an exact rational, which accepts integers too) from ``low`` to ``high``;
    ``ValueError`` with a one-line message otherwise."""
    noun = "an integer" if kind is int else "a rational number"
    ok_type = not isinstance(value, bool) and (
        isinstance(value, int) if kind is int else isinstance(value, (int, Fraction)))
    if not ok_type or not low <= value <= high:
        raise ValueError(f"{name} must be {noun} from {low} to {high}, got {value!r}")


@dataclass(frozen=True)
class Spec:
    """A problem, declared: see the module docstring."""

    id: str
    text: Catalogue | None
    params: type
    sections: tuple[Callable[[Any], Section], ...]
    setup: Callable[[Any], Any] | None = None
    title: str | None = None              # only for specs without a catalogue (tests)

    def heading(self) -> str:
        """The problem's title (the catalogue's ``title``)."""
        return self.title if self.text is None else self.text("title")


def assemble(spec: Spec, params) -> Derivation:
    """The derivation of ``spec`` for ``params`` (an instance of ``spec.params``)."""
    if not isinstance(params, spec.params):
        raise TypeError(f"{spec.id} takes {spec.params.__name__} parameters, not {type(params).__name__}")
    context = spec.setup(params) if spec.setup else params
    return Derivation(title=spec.heading(), id=spec.id,
                      sections=tuple(section(context) for section in spec.sections))
