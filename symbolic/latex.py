"""LaTeX for verdicts, derivations and whole documents.

Each derivation renders as ``align*`` chains: every step is preceded by its
number, its reason and its status, and the status is marked on the line itself
(``\\checkmark`` for proved; a boxed "checked numerically, not proved" for a
random-point agreement; "FAILED" and "UNDECIDED" otherwise), so a reader can
never mistake a numeric check for a proof.  A whole document needs only
amsmath, amssymb and graphicx.

Examples
--------
>>> import sympy as sp
>>> expr_latex(sp.Symbol('sigma_1')**2)
'\\\\sigma_{1}^{2}'
>>> text_latex('50% of $x_1$ & more')
'50\\\\% of $x_1$ \\\\& more'
"""
from __future__ import annotations

import sympy as sp

__all__ = ["expr_latex", "text_latex", "status_mark", "derivation_latex", "document",
           "PREAMBLE_PACKAGES"]

PREAMBLE_PACKAGES = ("amsmath", "amssymb", "graphicx")
_RELATION = {"==": "=", "<=": r"\le", "<": "<", ">=": r"\ge", ">": ">"}
_LINE = 80          # characters of LaTeX source beyond which a sum is broken across lines

_ESCAPES = {"\\": r"\textbackslash{}", "&": r"\&", "%": r"\%", "#": r"\#", "_": r"\_",
            "{": r"\{", "}": r"\}", "~": r"\textasciitilde{}", "^": r"\textasciicircum{}"}


def expr_latex(expr) -> str:
    """SymPy's LaTeX, with ``log`` printed as ``\\ln`` (natural logarithm throughout)."""
    return sp.latex(expr, ln_notation=True, mat_delim="(")


def text_latex(text: str) -> str:
    """Escape prose for LaTeX, leaving ``$...$`` mathematics untouched."""
    parts = text.split("$")
    if len(parts) % 2 == 0:
        raise ValueError(f"unbalanced $ in text: {text!r}")
    out = []
    for k, part in enumerate(parts):
        out.append(f"${part}$" if k % 2 else "".join(_ESCAPES.get(ch, ch) for ch in part))
    return "".join(out)


def status_mark(status: str) -> str:
    """How a status is marked on a line of mathematics."""
    return {"proved": r"\checkmark",
            "checked": r"\boxed{\text{checked numerically, not proved}}",
            "failed": r"\boxed{\text{FAILED}}",
            "unknown": r"\boxed{\text{UNDECIDED}}"}[status]


def _status_words(verdict) -> str:
    words = {"proved": f"proved ({verdict.method})",
             "checked": r"\textbf{checked numerically at random points, not proved}",
             "failed": r"\textbf{FAILED}",
             "unknown": r"\textbf{undecided}"}[verdict.status]
    if verdict.counterexample:
        words += "; counterexample " + _point_latex(verdict.counterexample)
    return words


def _point_latex(point) -> str:
    items = ", ".join(f"{text_latex(str(k))} $= {_value_latex(v)}$" for k, v in point.items())
    return items


def _value_latex(v) -> str:
    if isinstance(v, (sp.Basic, sp.MatrixBase)):
        return expr_latex(v)
    if isinstance(v, (list, tuple)):
        return "(" + ", ".join(_value_latex(x) for x in v) + ")"
    return str(v)


def _side(expr, tex):
    return tex if tex is not None else expr_latex(expr)


def _broken(expr, tex) -> list[str]:
    """The right-hand side as one or more lines: long sums are split between terms."""
    whole = _side(expr, tex)
    if tex is not None or len(whole) <= _LINE or not isinstance(expr, sp.Basic):
        return [whole]
    prefix, suffix, body = "", "", expr
    if isinstance(expr, sp.Mul):
        sums = [f for f in expr.args if isinstance(f, sp.Add)]
        if len(sums) == 1:
            rest = sp.Mul(*[f for f in expr.args if f is not sums[0]], evaluate=False)
            prefix, suffix, body = expr_latex(rest) + r"\left(", r"\right)", sums[0]
    if not isinstance(body, sp.Add):
        return [whole]
    lines, current = [], prefix
    for k, term in enumerate(sp.Add.make_args(body)):
        t = expr_latex(term)
        piece = t if k == 0 else (t if t.startswith("-") else "+ " + t)
        if current and len(current) + len(piece) > _LINE and current != prefix:
            lines.append(current + (r"\right." if prefix else ""))
            current = (r"\left." if prefix else "") + piece
        else:
            current = f"{current} {piece}".strip()
    lines.append(current + suffix)
    return lines


def derivation_latex(checked, level: str = "subsection") -> str:
    """One checked derivation as a LaTeX fragment (a sectioning command and its body)."""
    d = checked.derivation
    out = [rf"\{level}{{{text_latex(d.title)}}}"]
    status = checked.status
    out.append(r"\noindent\textbf{Status:} " + ("all steps proved." if status == "proved" else
                                                  _status_words_plain(status)))
    assumptions = d.all_assumptions()
    if assumptions:
        out.append(r"\paragraph{Assumptions.} " + "; ".join(text_latex(a.text) for a in assumptions) + ".")
    for note in d.notes:
        out.append(text_latex(note))
    for claim, verdict in checked.claims:
        holds = verdict.status == "proved"
        verdict_text = ("holds (proved)" if holds else
                        r"\textbf{does not hold}" if verdict.status == "failed" else _status_words(verdict))
        text = rf"\paragraph{{As stated in the homework.}} {text_latex(claim.text)} --- {verdict_text}."
        if verdict.counterexample:
            text += " Counterexample: " + _point_latex(verdict.counterexample) + "."
        out.append(text)
    for ex in d.exhibits:
        caption = f"{text_latex(ex.caption)}" if ex.caption else ""
        out.append(caption + "\n\\[\n" + f"{ex.label} = {_value_latex(ex.value)}" + "\n\\]")
    number = 0
    for chain in checked.chains():
        if chain[0].heading:
            out.append(rf"\paragraph{{{text_latex(chain[0].heading)}}}")
        rows = []
        for k, step in enumerate(chain):
            number += 1
            verdict = checked.verdicts[d.steps.index(step)]
            rows.append(rf"\intertext{{\small ({number}) {text_latex(step.reason)} "
                        rf"[{_status_words(verdict)}]}}")
            rel = _RELATION[step.relation]
            lines = _broken(step.rhs, step.rhs_tex)
            left = _side(step.lhs, step.lhs_tex) if k == 0 else ""
            first = f"{left} &{rel} {lines[0]}"
            body = [first] + [rf"&\quad {line}" for line in lines[1:]]
            body[-1] += rf" \tag*{{$({number})\ {status_mark(verdict.status)}$}}"
            rows.append(" \\\\\n".join(body) + r" \\")
        out.append("\\begin{align*}\n" + "\n".join(rows).rstrip("\\ \n") + "\n\\end{align*}")
    return "\n\n".join(out) + "\n"


def _status_words_plain(status) -> str:
    return {"checked": r"\textbf{some steps only checked numerically (not proved).}",
            "failed": r"\textbf{a step FAILED.}",
            "unknown": r"\textbf{some steps undecided.}"}.get(status, status)


def document(sections, title: str = "dgm-proofs: machine-checked derivations",
             author: str = "generated by dgm-proofs", preamble_extra: str = "") -> str:
    """A standalone LaTeX document.

    ``sections`` is a sequence of ``(heading, body)`` pairs, ``body`` being LaTeX
    (for instance joined :func:`derivation_latex` fragments).
    """
    packages = "\n".join(rf"\usepackage{{{p}}}" for p in PREAMBLE_PACKAGES)
    parts = [
        r"\documentclass[11pt]{article}",
        packages,
        # wider text block without the geometry package (only amsmath, amssymb, graphicx)
        r"\addtolength{\textwidth}{3.4cm}\addtolength{\oddsidemargin}{-1.7cm}"
        r"\addtolength{\evensidemargin}{-1.7cm}\addtolength{\textheight}{3cm}"
        r"\addtolength{\topmargin}{-1.5cm}",
        r"\allowdisplaybreaks",
        preamble_extra,
        rf"\title{{{text_latex(title)}}}",
        rf"\author{{{text_latex(author)}}}",
        r"\date{}",
        r"\begin{document}",
        r"\maketitle",
    ]
    for heading, body in sections:
        parts.append(rf"\section{{{text_latex(heading)}}}")
        parts.append(body)
    parts.append(r"\end{document}")
    return "\n".join(p for p in parts if p) + "\n"
