r"""Derivations in Jupyter: Markdown whose mathematics MathJax typesets.

:func:`derivation_markdown` turns a checked derivation into Markdown: the title,
the status, the assumptions, the homework's statements as stated, then every
step as its number, status mark, method and reason followed by the step itself in
a ``$$ ... $$`` block, then the notes, the boxed answers and the independent
checks.  ``Derivation`` and ``CheckedDerivation`` return it from
``_repr_markdown_``, so a notebook cell ending in a derivation shows it; a
``Derivation`` is checked once for display and the result kept (see
:meth:`symbolic.derivation.Derivation.checked_for_display`).

As everywhere, ``checked`` (numerically only) is never marked like ``proved``.

>>> import sympy as sp
>>> from symbolic import Derivation, Step
>>> x = sp.Symbol('x', positive=True)
>>> md = Derivation("Toy", steps=[Step(sp.log(x**2), 2*sp.log(x), "the power rule")])._repr_markdown_()
>>> print(md.split("\n\n")[0])
### Toy
>>> "$$\n\\ln{\\left(x^{2} \\right)} = 2 \\ln{\\left(x \\right)}\n$$" in md
True
"""
from __future__ import annotations

import re

from .latex import _point_latex, _value_latex, expr_latex

__all__ = ["derivation_markdown", "MARKS", "prose_markdown"]

MARKS = {"proved": "✓ proved", "checked": "~ **CHECKED numerically only, not proved**",
         "failed": "✗ **FAILED**", "unknown": "? **UNDECIDED**"}
_RELATION = {"==": "=", "<=": r"\le", "<": "<", ">=": r"\ge", ">": ">"}
_SPECIAL = re.compile(r"([\\`*_{}\[\]<>#|~])")


def prose_markdown(text: str) -> str:
    r"""Prose for Markdown: ``$...$`` mathematics kept for MathJax, Markdown and HTML
    characters elsewhere escaped (a text with an odd number of ``$`` is all prose).

    >>> prose_markdown(r"a *b* and $x_1 < y_2$ <i>")
    'a \\*b\\* and $x_1 < y_2$ \\<i\\>'
    """
    text = " ".join(str(text).split())              # one paragraph: no accidental headings or lists
    parts = text.split("$")
    if len(parts) % 2 == 0:
        return _SPECIAL.sub(r"\\\1", text).replace("$", r"\$")
    return "".join(f"${part}$" if k % 2 else _SPECIAL.sub(r"\\\1", part) for k, part in enumerate(parts))


def _math(tex: str) -> str:
    """A display block MathJax typesets (no blank line inside, which would end it)."""
    body = "\n".join(line for line in tex.splitlines() if line.strip())
    return f"$$\n{body}\n$$"


def _side(expr, tex) -> str:
    return tex if tex is not None else expr_latex(expr)


def _counterexample(verdict) -> str:
    """What a step's verdict adds to its reason: the counterexample and both sides there, or
    why a step is only checked or undecided."""
    text = ""
    if verdict.counterexample:
        text = "; counterexample: " + _point_latex(verdict.counterexample)
        values = verdict.values
        if isinstance(values, tuple) and len(values) == 2:
            text += f" (left side ${_value_latex(values[0])}$, right side ${_value_latex(values[1])}$)"
    elif verdict.status in ("checked", "unknown") and verdict.detail:
        text = f" ({prose_markdown(verdict.detail)})"
    return text


def derivation_markdown(checked, heading: str = "###") -> str:
    """One checked derivation as Markdown (``heading`` is the level of its title)."""
    d = checked.derivation
    out = [f"{heading} {prose_markdown(d.title)}"]
    counts = {s: sum(v.status == s for v in checked.verdicts) for s in MARKS}
    line = (f"**Status: {MARKS[checked.status].replace('**', '')}** "
            f"({counts['proved']}/{len(checked.verdicts)} steps proved"
            + "".join(f", {counts[s]} {s}" for s in ("checked", "failed", "unknown") if counts[s])
            + ("" if checked.goals_reached else "; the steps do not reach the stated goal") + ")")
    out.append(line)
    assumptions = d.all_assumptions()
    if assumptions:
        out.append("**Assumptions:** " + "; ".join(prose_markdown(a.text) for a in assumptions) + ".")
    for claim, verdict in checked.claims:
        outcome = ("holds (proved)" if verdict.status == "proved" else
                   "**does not hold**" if verdict.status == "failed" else MARKS[verdict.status])
        out.append(f"**As stated in the homework:** {prose_markdown(claim.text)} — {outcome}"
                   + _counterexample(verdict) + ".")
    for ex in d.exhibits:
        if ex.caption:
            out.append(prose_markdown(ex.caption))
        out.append(_math(f"{ex.label} = {_value_latex(ex.value)}"))
    number = 0
    for chain in checked.chains():
        if chain[0].heading:
            out.append(f"{heading}# {prose_markdown(chain[0].heading)}")
        for k, step in enumerate(chain):
            number += 1
            verdict = checked.verdicts[d.steps.index(step)]
            out.append(f"({number}) {MARKS[verdict.status]} `[{verdict.method}]` {prose_markdown(step.reason)}"
                       + _counterexample(verdict))
            left = _side(step.lhs, step.lhs_tex) if k == 0 else "{}"      # a chain goes on
            out.append(_math(f"{left} {_RELATION[step.relation]} {_side(step.rhs, step.rhs_tex)}"))
    for note in d.notes:
        out.append(prose_markdown(note))
    for answer in d.answers:
        out.append("**Answer:**\n" + _math(rf"\boxed{{{answer}}}"))
    if d.cross_checks:
        rows = ["| quantity | compared with | outcome | |", "|---|---|---|---|"]
        rows += [f"| {prose_markdown(c.what)} | {prose_markdown(c.against)} | {prose_markdown(c.outcome)} | "
                 + ("agrees" if c.passed else "**DISAGREES**") + " |" for c in d.cross_checks]
        out.append("**Independent checks:**\n\n" + "\n".join(rows))
    return "\n\n".join(out) + "\n"
