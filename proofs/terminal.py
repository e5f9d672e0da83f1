"""Printing checked derivations in a terminal: unicode pretty print where it fits, one
status line per step, and a summary.  ``checked`` is never shown like ``proved``."""
from __future__ import annotations

import re
import shutil

import sympy as sp

__all__ = ["render", "summary", "MARKS"]

MARKS = {"proved": "✓ proved ", "checked": "~ CHECKED numerically only", "failed": "✗ FAILED ",
         "unknown": "? UNKNOWN "}
ASCII_MARKS = {"proved": "[ok] proved", "checked": "[~] CHECKED numerically only",
               "failed": "[X] FAILED", "unknown": "[?] UNKNOWN"}
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


def render(problem, checked, *, unicode: bool = True, equations: bool = True) -> str:
    """The terminal text of one checked derivation."""
    marks = MARKS if unicode else ASCII_MARKS
    width = min(shutil.get_terminal_size((100, 24)).columns, 120) - 8
    d = checked.derivation
    out = [f"== {problem.ID}: {d.title} =="]
    assumptions = d.all_assumptions()
    if assumptions:
        out.append("Assumptions: " + "; ".join(_plain(a.text, unicode) for a in assumptions))
    for claim, verdict in checked.claims:
        if verdict.status == "proved":
            outcome = "HOLDS (proved)"
        elif verdict.status == "failed":
            outcome = "DOES NOT HOLD"
        else:
            outcome = f"undecided ({verdict.status})"
        line = f"As stated in the homework: {_plain(claim.text, unicode)} -> {outcome}"
        if verdict.counterexample:
            line += "; counterexample: " + ", ".join(f"{k} = {v}" for k, v in verdict.counterexample.items())
        out.append(line)
    for ex in d.exhibits:
        out.append(f"{_plain(ex.label, unicode)} =")
        value = ex.value
        try:
            text = sp.pretty(value, use_unicode=unicode) if isinstance(value, (sp.Basic, sp.MatrixBase)) \
                else str(value)
        except Exception:
            text = str(value)
        out.extend("    " + line for line in text.splitlines())
    number = 0
    for chain in checked.chains():
        if chain[0].heading:
            out.append(f"-- {_plain(chain[0].heading, unicode)}")
        for step in chain:
            number += 1
            verdict = checked.verdicts[d.steps.index(step)]
            line = f"  ({number}) {marks[verdict.status]} [{verdict.method}] {_plain(step.reason, unicode)}"
            if verdict.counterexample:
                line += "  counterexample: " + ", ".join(f"{k} = {v}" for k, v in verdict.counterexample.items())
            out.append(line)
            if equations:
                art = _equation(step, unicode, width)
                if art:
                    out.append(art)
    for note in d.notes:
        out.append(_plain(note, unicode))
    for answer in d.answers:
        out.append(f"Answer: {_plain(answer, unicode)}")
    for c in d.cross_checks:
        out.append(f"  cross-check: {_plain(c.what, unicode)} vs {_plain(c.against, unicode)}: "
                   f"{_plain(c.outcome, unicode)} -> {'agrees' if c.passed else 'DISAGREES'}")
    counts = {s: sum(v.status == s for v in checked.verdicts) for s in marks}
    out.append(f"Status: {checked.status} ({counts['proved']}/{len(checked.verdicts)} steps proved"
               + "".join(f", {counts[s]} {s}" for s in ("checked", "failed", "unknown") if counts[s])
               + ("" if checked.goals_reached else "; the steps do not reach the stated goal") + ")")
    return "\n".join(out)


def summary(checked_by_problem) -> str:
    """One line: how many derivations, and their statuses."""
    statuses = [c.status for _, c in checked_by_problem]
    parts = [f"{statuses.count(s)} {s}" for s in ("proved", "checked", "failed", "unknown") if statuses.count(s)]
    return f"{len(statuses)} derivation(s): " + ", ".join(parts)
