"""Assertions for users' own pytest suites.

>>> import sympy as sp
>>> a, b = sp.symbols('a b', positive=True)
>>> assert_equal(sp.log(a * b), sp.log(a) + sp.log(b)).status
'proved'
>>> x = sp.Symbol('x', real=True)
>>> assert_equal(sp.sqrt(x**2), x)
Traceback (most recent call last):
...
AssertionError: not proved: Abs(x) == x is failed (numeric) at x=...
"""
from __future__ import annotations

from .check import DEFAULT_BUDGET, verify

__all__ = ["assert_equal", "assert_relation", "assert_proved"]


def _message(what, verdict) -> str:
    text = f"not proved: {what} is {verdict}"
    if verdict.residual is not None:
        text += f"; simplified difference: {verdict.residual}"
    if verdict.detail:
        text += f"; {verdict.detail}"
    return text


def assert_equal(a, b, assumptions=(), *, allow_checked: bool = False, budget=DEFAULT_BUDGET):
    """Raise ``AssertionError`` unless ``a == b`` is proved (or, if allowed, checked).

    The message holds the simplified difference and, when the claim is false,
    a counterexample point with both values.
    """
    verdict = verify(a, b, assumptions, budget=budget)
    if not (verdict.status == "proved" or (allow_checked and verdict.status == "checked")):
        raise AssertionError(_message(f"{a} == {b}", verdict))
    return verdict


def assert_relation(a, relation, b, assumptions=(), *, allow_checked: bool = False,
                    budget=DEFAULT_BUDGET):
    """Raise ``AssertionError`` unless ``a <relation> b`` is proved (e.g. ``'<='``)."""
    verdict = verify(a, b, assumptions, relation=relation, budget=budget)
    if not (verdict.status == "proved" or (allow_checked and verdict.status == "checked")):
        raise AssertionError(_message(f"{a} {relation} {b}", verdict))
    return verdict


def assert_proved(derivation, *, budget=DEFAULT_BUDGET):
    """Raise ``AssertionError`` unless every step of ``derivation`` is proved.

    Accepts a :class:`~symbolic.derivation.Derivation` (checked here) or an
    already checked one.  Returns the checked derivation.
    """
    checked = derivation.check(budget=budget) if hasattr(derivation, "check") else derivation
    bad = [(k + 1, s, v) for k, (s, v) in enumerate(checked.steps) if v.status != "proved"]
    if bad:
        lines = [f"step {k} ({s.reason}): {_message(f'{s.lhs} {s.relation} {s.rhs}', v)}"
                 for k, s, v in bad]
        raise AssertionError(f"{checked.derivation.title}: {len(bad)} step(s) not proved\n"
                             + "\n".join(lines))
    if not checked.goals_reached:
        raise AssertionError(f"{checked.derivation.title}: the steps do not reach the goal")
    return checked
