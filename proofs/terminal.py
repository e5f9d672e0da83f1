"""Printing checked derivations in a terminal: unicode pretty print where it fits, one
status line per step, and a summary.  ``checked`` is never shown like ``proved``."""
from __future__ import annotations

import re
import shutil

import sympy as sp

from symbolic.latex import blocks, method_words, word
from symbolic.text import say

__all__ = ["render", "summary", "STATUSES"]

STATUSES = ("proved", "checked", "failed", "unknown")
_RELATION = {"==": sp.Eq, "<=": sp.Le, "<": sp.Lt, ">=": sp.Ge, ">": sp.Gt}


_SYMBOLS = {"ge": "≥", "geq": "≥", "le": "≤", "leq": "≤", "cdot": "·", "times": "×", "ldots": "…",
            "dots": "…", "cdots": "…", "lfloor": "⌊", "rfloor": "⌋", "infty": "∞", "to": "→",
            "neq": "≠", "ne": "≠", "approx": "≈", "in": "∈", "sum": "Σ", "int": "∫", "nabla": "∇",
            "partial": "∂", "sqrt": "√", "mid": "|", "pm": "±", "alpha": "α", "beta": "β",
            "gamma": "γ", "delta": "δ", "epsilon": "ε", "varepsilon": "ε", "eta": "η", "theta": "θ",
            "lambda": "λ", "mu": "μ", "nu": "ν", "xi": "ξ", "pi": "π", "rho": "ρ", "sigma": "σ",
            "tau": "τ", "phi": "φ", "chi": "χ", "psi": "ψ", "omega": "ω", "Sigma": "Σ", "Lambda": "Λ",
            "ell": "ℓ", "top": "ᵀ", "prime": "′", "hat": "", "mathbf": "", "boldsymbol": "",
            "mathcal": "", "mathbb": "", "mathrm": "", "operatorname": "", "displaystyle": "",
            "tfrac": "", "dfrac": "", "Delta": "Δ", "Gamma": "Γ", "Phi": "Φ", "Omega": "Ω",
            "iff": "⇔", "implies": "⇒", "mapsto": "↦", "circ": "∘", "otimes": "⊗", "odot": "⊙",
            "det": "det", "tr": "tr", "ln": "ln", "log": "log", "exp": "exp", "lim": "lim",
            "limits": "", "Big": "", "quad": " ", "qquad": " ", "mathbb{E}": "E"}


def _fractions(text: str) -> str:
    r"""``\frac{a}{b}`` (and ``\tfrac``, ``\dfrac``) as ``(a)/(b)``, braces balanced."""
    out, k = [], 0
    while True:
        m = re.compile(r"\\[dt]?frac\s*\{").search(text, k)
        if not m:
            return "".join(out) + text[k:]
        out.append(text[k:m.start()])
        parts, pos = [], m.end() - 1
        for _ in range(2):
            if pos >= len(text) or text[pos] != "{":
                break
            depth, start = 0, pos
            while pos < len(text):
                depth += {"{": 1, "}": -1}.get(text[pos], 0)
                pos += 1
                if depth == 0:
                    break
            parts.append(text[start + 1:pos - 1])
            while len(parts) == 1 and pos < len(text) and text[pos] == " ":
                pos += 1
        if len(parts) < 2:
            out.append(text[m.start():m.end()])
            k = m.end()
            continue
        wrap = lambda part: part if re.fullmatch(r"[\w\\^]+", part) else f"({part})"   # noqa: E731
        out.append(f"{wrap(_fractions(parts[0]))}/{wrap(_fractions(parts[1]))}")
        k = pos


def _plain(text: str, unicode: bool = True) -> str:
    r"""Prose with LaTeX markup made readable: drop $ and spacing, commands to symbols.

    >>> _plain(r"$\frac{\delta^{2}}{s^{4}} + a \ge 0$")
    '(δ^2)/(s^4) + a ≥ 0'
    """
    text = _fractions(text)
    text = text.replace("$", "").replace("\\ ", " ")
    for escaped in ("#", "%", "&", "_"):
        text = text.replace("\\" + escaped, escaped)
    text = text.replace("\\{", "\x00").replace("\\}", "\x01")
    text = re.sub(r"\\(left|right|big|Big|bigg|Bigg|quad|qquad)\b|\\[,;!]", "", text)
    text = re.sub(r"\\(mathrm|text|operatorname|tfrac|frac|dfrac)\b", "", text)
    text = re.sub(r"\\([A-Za-z]+)",
                  lambda m: (_SYMBOLS.get(m.group(1), m.group(1)) if unicode else m.group(1)), text)
    return text.replace("{", "").replace("}", "").replace("\x00", "{").replace("\x01", "}")


def _too_big(expr) -> bool:
    """Whether an expression is hopeless to show in a terminal (decided before printing it)."""
    if isinstance(expr, sp.MatrixBase):
        return expr.rows * expr.cols > 64 or any(_too_big(e) for e in expr)
    return isinstance(expr, sp.Basic) and sp.count_ops(expr, visual=False) > 120


def _equation(step, unicode: bool, width: int) -> str | None:
    if _too_big(step.lhs) or _too_big(step.rhs):
        return None
    try:
        lhs = step.lhs if not isinstance(step.lhs, sp.MatrixBase) else step.lhs
        if isinstance(lhs, sp.MatrixBase) or isinstance(step.rhs, sp.MatrixBase):
            art = (sp.pretty(lhs, use_unicode=unicode) + "\n  =\n" +
                   sp.pretty(step.rhs, use_unicode=unicode))
        else:
            art = sp.pretty(_RELATION[step.relation](lhs, step.rhs, evaluate=False),
                            use_unicode=unicode, wrap_line=False)
    except Exception:                          # pretty printing is a courtesy, never a failure
        return None
    lines = art.splitlines()
    if max((len(line) for line in lines), default=0) > width or len(lines) > 14:
        return None
    return "\n".join("      " + line for line in lines)


def _marks(unicode: bool, lang: str) -> dict:
    return {s: word(("mark_" if unicode else "ascii_") + s, lang) for s in STATUSES}


def _counterexample(verdict) -> str:
    return ", ".join(f"{k} = {v}" for k, v in verdict.counterexample.items())


def _claim_line(claim, verdict, unicode, lang) -> str:
    if verdict.status in ("proved", "failed"):
        outcome = word("holds_loud" if verdict.status == "proved" else "does_not_hold_loud", lang)
    else:
        outcome = word("undecided_as", lang, status=word("status_word_" + verdict.status, lang))
    line = f"{word('as_stated_colon', lang)} {_plain(say(claim.text, lang), unicode)} -> {outcome}"
    if verdict.counterexample:
        line += f"; {word('counterexample', lang)}: " + _counterexample(verdict)
    return line


def _exhibit_lines(ex, unicode) -> list[str]:
    value = ex.value
    try:
        text = sp.pretty(value, use_unicode=unicode) if isinstance(value, (sp.Basic, sp.MatrixBase)) \
            else str(value)
    except Exception:
        text = str(value)
    return [f"{_plain(ex.label, unicode)} ="] + ["    " + line for line in text.splitlines()]


def _step_lines(number, step, verdict, marks, unicode, equations, width, lang) -> list[str]:
    line = (f"  ({number}) {marks[verdict.status]} [{method_words(verdict.method, lang)}] "
            f"{_plain(say(step.reason, lang), unicode)}")
    if verdict.counterexample:
        line += f"  {word('counterexample', lang)}: " + _counterexample(verdict)
    art = _equation(step, unicode, width) if equations else None
    return [line] + ([art] if art else [])


def _block_lines(block, marks, unicode, equations, width, lang) -> list[str]:
    out = [f"-- {_plain(say(block.heading, lang), unicode)}"] if block.heading is not None else []
    out += [_claim_line(c, v, unicode, lang) for c, v in block.claims]
    for ex in block.exhibits:
        out += _exhibit_lines(ex, unicode)
    for chain in block.chains:
        if chain[0][1].heading:
            out.append(f"-- {_plain(say(chain[0][1].heading, lang), unicode)}")
        for number, step, verdict in chain:
            out += _step_lines(number, step, verdict, marks, unicode, equations, width, lang)
    out += [_plain(say(note, lang), unicode) for note in block.notes]
    out += [f"{word('answer_colon', lang)} {_plain(say(answer, lang), unicode)}" for answer in block.answers]
    out += [f"  {word('cross_check', lang)}: {_plain(say(c.what, lang), unicode)} {word('versus', lang)} "
            f"{_plain(say(c.against, lang), unicode)}: {_plain(say(c.outcome, lang), unicode)} -> "
            f"{word('passed' if c.passed else 'not_passed', lang)}" for c in block.cross_checks]
    return out


def _status_line(checked, lang) -> str:
    counts = {s: sum(v.status == s for v in checked.verdicts) for s in STATUSES}
    rest = "".join(", " + word("status_count", lang, count=counts[s], status=word("status_word_" + s, lang))
                   for s in ("checked", "failed", "unknown") if counts[s])
    rest += "" if checked.goals_reached else "; " + word("goal_not_reached", lang)
    return word("status_line", lang, status=word("status_word_" + checked.status, lang),
                proved=counts["proved"], total=len(checked.verdicts), rest=rest)


def render(problem, checked, *, unicode: bool = True, equations: bool = True, lang: str = "en") -> str:
    """The terminal text of one checked derivation, its words in ``lang``."""
    marks = _marks(unicode, lang)
    width = min(shutil.get_terminal_size((100, 24)).columns, 120) - 8
    d = checked.derivation
    out = [f"== {problem.ID}: {_plain(say(d.title, lang), unicode)} =="]
    assumptions = d.all_assumptions()
    if assumptions:
        out.append(word("assumptions_colon", lang) + " "
                   + "; ".join(_plain(say(a.text, lang), unicode) for a in assumptions))
    for block in blocks(checked):
        out += _block_lines(block, marks, unicode, equations, width, lang)
    out.append(_status_line(checked, lang))
    return "\n".join(out)


def summary(checked_by_problem, lang: str = "en") -> str:
    """One line: how many derivations, and their statuses."""
    statuses = [c.status for _, c in checked_by_problem]
    parts = [word("status_count", lang, count=statuses.count(s), status=word("status_word_" + s, lang))
             for s in STATUSES if statuses.count(s)]
    return word("summary", lang, count=len(statuses), statuses=", ".join(parts))
