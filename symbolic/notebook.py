r"""Derivations in Jupyter: Markdown whose mathematics MathJax typesets.

:func:`derivation_markdown` turns a checked derivation into Markdown: the title,
the status, the assumptions, the homework's statements as stated, then every
step as its number, status mark, method and reason followed by the step itself in
a ``$$ ... $$`` block, then the notes, the boxed answers and the independent
checks.  ``Derivation`` and ``CheckedDerivation`` return it from
``_repr_markdown_``, so a notebook cell ending in a derivation shows it; a
``Derivation`` is checked once for display and the result kept (see
:meth:`symbolic.derivation.Derivation.checked_for_display`).

As everywhere, ``checked`` (numerically only) is never marked like ``proved``.  The words
come from the library's vocabulary; ``lang='ru'`` gives them in Russian.

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

from .latex import _point_latex, _value_latex, blocks, expr_latex, method_words, word
from .text import say

__all__ = ["derivation_markdown", "prose_markdown", "STATUSES"]

STATUSES = ("proved", "checked", "failed", "unknown")
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


def _counterexample(verdict, lang) -> str:
    """What a step's verdict adds to its reason: the counterexample and both sides there, or
    why a step is only checked or undecided."""
    text = ""
    if verdict.counterexample:
        text = f"; {word('counterexample', lang)}: " + _point_latex(verdict.counterexample)
        values = verdict.values
        if isinstance(values, tuple) and len(values) == 2:
            text += (f" ({word('left_side', lang)} ${_value_latex(values[0])}$, "
                     f"{word('right_side', lang)} ${_value_latex(values[1])}$)")
    elif verdict.status in ("checked", "unknown") and verdict.detail:
        text = f" ({prose_markdown(verdict.detail)})"
    return text


def _marks(lang) -> dict:
    return {s: word("md_" + s, lang) for s in STATUSES}


def _status_line(checked, lang) -> str:
    counts = {s: sum(v.status == s for v in checked.verdicts) for s in STATUSES}
    rest = "".join(", " + word("status_count", lang, count=counts[s], status=word("status_word_" + s, lang))
                   for s in ("checked", "failed", "unknown") if counts[s])
    rest += "" if checked.goals_reached else "; " + word("goal_not_reached", lang)
    mark = _marks(lang)[checked.status].replace("**", "")
    return (f"**{word('md_status', lang)} {mark}** ("
            + word("steps_proved", lang, proved=counts["proved"], total=len(checked.verdicts)) + rest + ")")


def _method(verdict, lang) -> str:
    """The checker's route: its name in English (as ``verify`` reports it), in words otherwise."""
    return verdict.method if lang == "en" else method_words(verdict.method, lang)


def _block_markdown(block, heading, lang) -> list[str]:
    out = [f"{heading}# {prose_markdown(say(block.heading, lang))}"] if block.heading is not None else []
    marks = _marks(lang)
    for claim, verdict in block.claims:
        outcome = (word("holds", lang) if verdict.status == "proved" else
                   f"**{word('does_not_hold', lang)}**" if verdict.status == "failed" else marks[verdict.status])
        out.append(f"**{word('as_stated_colon', lang)}** {prose_markdown(say(claim.text, lang))} — {outcome}"
                   + _counterexample(verdict, lang) + ".")
    for ex in block.exhibits:
        if ex.caption:
            out.append(prose_markdown(say(ex.caption, lang)))
        out.append(_math(f"{ex.label} = {_value_latex(ex.value)}"))
    for chain in block.chains:
        if chain[0][1].heading:
            out.append(f"{heading}# {prose_markdown(say(chain[0][1].heading, lang))}")
        for k, (number, step, verdict) in enumerate(chain):
            out.append(f"({number}) {marks[verdict.status]} `[{_method(verdict, lang)}]` "
                       f"{prose_markdown(say(step.reason, lang))}" + _counterexample(verdict, lang))
            left = _side(step.lhs, step.lhs_tex) if k == 0 else "{}"      # a chain goes on
            out.append(_math(f"{left} {_RELATION[step.relation]} {_side(step.rhs, step.rhs_tex)}"))
    out += [prose_markdown(say(note, lang)) for note in block.notes]
    out += [f"**{word('md_answer', lang)}**\n" + _math(rf"\boxed{{{say(answer, lang)}}}") for answer in block.answers]
    if block.cross_checks:
        out.append(_checks_markdown(block.cross_checks, lang))
    return out


def _checks_markdown(checks, lang) -> str:
    rows = [f"| {word('check_what', lang)} | {word('check_against', lang)} | {word('check_outcome', lang)} | |",
            "|---|---|---|---|"]
    rows += [f"| {prose_markdown(say(c.what, lang))} | {prose_markdown(say(c.against, lang))} | "
             f"{prose_markdown(say(c.outcome, lang))} | "
             + (word("passed", lang) if c.passed else f"**{word('not_passed', lang)}**") + " |" for c in checks]
    return f"**{word('md_cross_checks', lang)}**\n\n" + "\n".join(rows)


def derivation_markdown(checked, heading: str = "###", lang: str = "en") -> str:
    """One checked derivation as Markdown (``heading`` is the level of its title), in ``lang``."""
    d = checked.derivation
    out = [f"{heading} {prose_markdown(say(d.title, lang))}", _status_line(checked, lang)]
    assumptions = d.all_assumptions()
    if assumptions:
        out.append(f"**{word('md_assumptions', lang)}** "
                   + "; ".join(prose_markdown(say(a.text, lang)) for a in assumptions) + ".")
    for block in blocks(checked):
        out += _block_markdown(block, heading, lang)
    return "\n\n".join(out) + "\n"
