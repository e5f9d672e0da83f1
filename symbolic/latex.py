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

__all__ = ["expr_latex", "text_latex", "status_mark", "derivation_latex", "preamble", "document",
           "PREAMBLE_PACKAGES", "WORDS_EN"]

PREAMBLE_PACKAGES = ("amsmath", "amssymb", "graphicx")
_RELATION = {"==": "=", "<=": r"\le", "<": "<", ">=": r"\ge", ">": ">"}
_LINE = 80          # characters of LaTeX source beyond which a sum is broken across lines

_ESCAPES = {"\\": r"\textbackslash{}", "&": r"\&", "%": r"\%", "#": r"\#", "_": r"\_",
            "{": r"\{", "}": r"\}", "~": r"\textasciitilde{}", "^": r"\textasciicircum{}",
            "|": r"\textbar{}", "<": r"\textless{}", ">": r"\textgreater{}"}


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


# The vocabulary of a rendered derivation; another language passes its own table
# (see proofs/prose.py) with the same keys.
WORDS_EN = {
    "status": "Status:", "all_proved": "all steps proved.",
    "some_checked": "some steps only checked numerically (not proved).",
    "some_failed": "a step FAILED.", "some_unknown": "some steps undecided.",
    "assumptions": "Assumptions.", "as_stated": "As stated in the homework.",
    "holds": "holds (proved)", "does_not_hold": "does not hold", "counterexample": "counterexample",
    "proved": "proved", "checked": "checked numerically at random points, not proved",
    "checked_mark": "checked numerically, not proved", "failed": "FAILED", "unknown": "undecided",
    "answer": "Answer.", "cross_checks": "Independent checks.", "check_what": "quantity",
    "check_against": "compared with", "check_outcome": "outcome", "passed": "agrees",
    "not_passed": "DISAGREES",
}


def status_mark(status: str, words=None) -> str:
    """How a status is marked on a line of mathematics."""
    w = words or WORDS_EN
    return {"proved": r"\checkmark",
            "checked": rf"\boxed{{\text{{{w['checked_mark']}}}}}",
            "failed": rf"\boxed{{\text{{{w['failed']}}}}}",
            "unknown": rf"\boxed{{\text{{{w['unknown']}}}}}"}[status]


def _status_words(verdict, w) -> str:
    words = {"proved": f"{w['proved']} ({verdict.method})",
             "checked": rf"\textbf{{{w['checked']}}}",
             "failed": rf"\textbf{{{w['failed']}}}",
             "unknown": rf"\textbf{{{w['unknown']}}}"}[verdict.status]
    if verdict.counterexample:
        words += f"; {w['counterexample']} " + _point_latex(verdict.counterexample)
    return words


def _point_latex(point) -> str:
    r"""A counterexample point: ``mu_1 = 1`` as $\mu_{1} = 1$, other keys as text."""
    def key(k):
        k = str(k)
        return sp.latex(sp.Symbol(k)) if k.isidentifier() else None
    return ", ".join(f"${key(k)} = {_value_latex(v)}$" if key(k) else f"{text_latex(str(k))} $= {_value_latex(v)}$"
                     for k, v in point.items())


def _value_latex(v) -> str:
    if isinstance(v, (sp.Basic, sp.MatrixBase)):
        return expr_latex(v)
    if isinstance(v, (list, tuple)):
        return "(" + ", ".join(_value_latex(x) for x in v) + ")"
    return str(v)


def _side(expr, tex):
    return tex if tex is not None else expr_latex(expr)


def _width(tex: str) -> int:
    """A rough printed width of LaTeX source: commands and braces take no room."""
    import re
    return len(re.sub(r"\\(left|right|big|Big|mathrm|operatorname|text)\b|[{}]|\\[a-zA-Z]+", "x", tex)) \
        - tex.count("\\frac") * 4


def _broken(expr, tex) -> list[str]:
    """The right-hand side as one or more lines: long sums are split between terms."""
    whole = _side(expr, tex)
    if tex is not None or _width(whole) <= _LINE or not isinstance(expr, sp.Basic):
        return [whole]
    prefix, suffix, body = "", "", expr
    if isinstance(expr, sp.Mul) and expr.as_numer_denom()[1] == 1:
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
        if current and _width(current) + _width(piece) > _LINE and current != prefix:
            lines.append(current + (r"\right." if prefix else ""))
            current = (r"\left." if prefix else "") + piece
        else:
            current = f"{current} {piece}".strip()
    lines.append(current + suffix)
    return lines


def derivation_latex(checked, level: str = "subsection", words=None, translate=None) -> str:
    """One checked derivation as a LaTeX fragment (a sectioning command and its body).

    ``words`` replaces the vocabulary :data:`WORDS_EN`; ``translate`` (a function of a
    prose string) translates titles, headings, reasons, notes and assumptions.
    """
    w = words or WORDS_EN
    tr = translate or (lambda text: text)
    d = checked.derivation
    out = [rf"\{level}{{{text_latex(tr(d.title))}}}"]
    status = checked.status
    out.append(rf"\noindent\textbf{{{w['status']}}} " + (
        w["all_proved"] if status == "proved" else
        r"\textbf{" + w[{"checked": "some_checked", "failed": "some_failed"}.get(status, "some_unknown")] + "}"))
    assumptions = d.all_assumptions()
    if assumptions:
        out.append(rf"\paragraph{{{w['assumptions']}}} "
                   + "; ".join(text_latex(tr(a.text)) for a in assumptions) + ".")
    for claim, verdict in checked.claims:
        verdict_text = (w["holds"] if verdict.status == "proved" else
                        rf"\textbf{{{w['does_not_hold']}}}" if verdict.status == "failed"
                        else _status_words(verdict, w))
        text = rf"\paragraph{{{w['as_stated']}}} {text_latex(tr(claim.text))} --- {verdict_text}."
        if verdict.counterexample:
            text += f" {w['counterexample'].capitalize()}: " + _point_latex(verdict.counterexample) + "."
        out.append(text)
    for ex in d.exhibits:
        caption = text_latex(tr(ex.caption)) if ex.caption else ""
        out.append(caption + "\n\\[\n" + f"{ex.label} = {_value_latex(ex.value)}" + "\n\\]")
    number = 0
    for chain in checked.chains():
        if chain[0].heading:
            out.append(rf"\paragraph{{{text_latex(tr(chain[0].heading))}}}")
        rows = []
        for k, step in enumerate(chain):
            number += 1
            verdict = checked.verdicts[d.steps.index(step)]
            rows.append(rf"\intertext{{\small ({number}) {text_latex(tr(step.reason))} "
                        rf"[{_status_words(verdict, w)}]}}")
            rel = _RELATION[step.relation]
            lines = _broken(step.rhs, step.rhs_tex)
            left = _side(step.lhs, step.lhs_tex) if k == 0 else ""
            body = [f"{left} &{rel} {lines[0]}"] + [rf"&\quad {line}" for line in lines[1:]]
            body[-1] += rf" \tag*{{$({number})\ {status_mark(verdict.status, w)}$}}"
            rows.append(" \\\\\n".join(body) + r" \\")
        out.append("\\begin{align*}\n" + "\n".join(rows).rstrip("\\ \n") + "\n\\end{align*}")
    for note in d.notes:
        out.append(text_latex(tr(note)))
    if d.answers:
        out.append(rf"\paragraph{{{w['answer']}}}" + "\n" + "\n".join(
            rf"\[\boxed{{{answer}}}\]" for answer in d.answers))
    if d.cross_checks:
        rows = [rf"{text_latex(tr(c.what))} & {text_latex(tr(c.against))} & {text_latex(tr(c.outcome))} & "
                + (w["passed"] if c.passed else rf"\textbf{{{w['not_passed']}}}") + r" \\"
                for c in d.cross_checks]
        out.append(rf"\paragraph{{{w['cross_checks']}}}" + "\n\\begin{center}\\small\n"
                   r"\begin{tabular}{p{0.27\linewidth}p{0.24\linewidth}p{0.24\linewidth}l}" + "\n\\hline\n"
                   + rf"{w['check_what']} & {w['check_against']} & {w['check_outcome']} & \\ \hline" + "\n"
                   + "\n".join(rows) + "\n\\hline\n\\end{tabular}\n\\end{center}")
    return "\n\n".join(out) + "\n"


def preamble(extra: str = "") -> str:
    """The document class, the three packages, ``extra`` (e.g. language support) and the page
    layout shared by every document the project writes."""
    return "\n".join([
        r"\documentclass[11pt]{article}",
        "\n".join(rf"\usepackage{{{p}}}" for p in PREAMBLE_PACKAGES),
        extra,
        # wider text block without the geometry package (only amsmath, amssymb, graphicx)
        r"\addtolength{\textwidth}{3.4cm}\addtolength{\oddsidemargin}{-1.7cm}"
        r"\addtolength{\evensidemargin}{-1.7cm}\addtolength{\textheight}{3cm}"
        r"\addtolength{\topmargin}{-1.5cm}",
        r"\allowdisplaybreaks",
        # prose around long inline formulas may stretch rather than run into the margin
        r"\setlength{\emergencystretch}{3em}\tolerance=2000",
    ])


def document(sections, title: str = "dgm-proofs: machine-checked derivations",
             author: str = "generated by dgm-proofs", preamble_extra: str = "") -> str:
    """A standalone LaTeX document.

    ``sections`` is a sequence of ``(heading, body)`` pairs, ``body`` being LaTeX
    (for instance joined :func:`derivation_latex` fragments).
    """
    parts = [
        preamble(preamble_extra),
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
