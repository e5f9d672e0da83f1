"""LaTeX for verdicts, derivations and whole documents, in any language of the vocabulary.

Each derivation renders as ``align*`` chains: every step is preceded by its
number, its reason and its status, and the status is marked on the line itself
(``\\checkmark`` for proved; a boxed "checked numerically, not proved" for a
random-point agreement; "FAILED" and "UNDECIDED" otherwise), so a reader can
never mistake a numeric check for a proof.  A derivation built from sections
renders section by section, and ``parts=("main",)`` or ``("appendix",)`` renders
only the sections of that part.  Every word the renderer adds (statuses, "Answer",
table headers) comes from ``symbolic/words/common.{en,ru}.toml``, and every sentence
of a derivation is said in the language asked for (:func:`symbolic.text.say`).

Examples
--------
>>> import sympy as sp
>>> expr_latex(sp.Symbol('sigma_1')**2)
'\\\\sigma_{1}^{2}'
>>> text_latex('50% of $x_1$ & more')
'50\\\\% of $x_1$ \\\\& more'
>>> word("answer", "ru"), method_words("expand+identical", "ru")
('Ответ.', 'раскрытие скобок, тождественно')
"""
from __future__ import annotations

import os
from dataclasses import dataclass, field

import sympy as sp

from .text import Catalogue, say

__all__ = ["expr_latex", "text_latex", "status_mark", "derivation_latex", "sections_latex",
           "header_latex", "blocks", "preamble", "document", "word", "method_words", "WORDS",
           "PREAMBLE_PACKAGES", "LANGUAGE_PACKAGES"]

# booktabs and tabularx (with array) set the tables of independent checks in ragged-right
# columns, so a long entry wraps instead of stretching a line to badness 10000
PREAMBLE_PACKAGES = ("amsmath", "amssymb", "graphicx", "array", "booktabs", "tabularx")
LANGUAGE_PACKAGES = {
    "en": "\\usepackage[T1]{fontenc}",
    "ru": "\\usepackage[T2A]{fontenc}\n\\usepackage[utf8]{inputenc}\n\\usepackage[russian]{babel}",
}
_RELATION = {"==": "=", "<=": r"\le", "<": "<", ">=": r"\ge", ">": ">"}
_LINE = 80          # characters of LaTeX source beyond which a sum is broken across lines

_ESCAPES = {"\\": r"\textbackslash{}", "&": r"\&", "%": r"\%", "#": r"\#", "_": r"\_",
            "{": r"\{", "}": r"\}", "~": r"\textasciitilde{}", "^": r"\textasciicircum{}",
            "|": r"\textbar{}", "<": r"\textless{}", ">": r"\textgreater{}"}

# The vocabulary of a rendered derivation, in every language (symbolic/words/common.*.toml)
WORDS = Catalogue(os.path.join(os.path.dirname(os.path.abspath(__file__)), "words"), "common")


def word(key: str, lang: str = "en", **values) -> str:
    """One entry of the vocabulary in ``lang``: ``word("answer", "ru")`` is ``'Ответ.'``."""
    return say(WORDS(key, **values), lang)


def method_words(method: str, lang: str = "en") -> str:
    """The checker's route in words: ``'expand+identical'`` -> ``'expansion, identical'``
    (a route the vocabulary does not know is shown by its name)."""
    known = WORDS.table("en")
    names = [m.replace("-", "_") for m in method.split("+")]
    return ", ".join(word("method_" + n, lang) if "method_" + n in known else m
                     for n, m in zip(names, method.split("+")))


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


def prose(text, lang: str = "en") -> str:
    """A sentence (a catalogue :class:`~symbolic.text.Text` or a plain string) as LaTeX in ``lang``."""
    return text_latex(say(text, lang))


def status_mark(status: str, lang: str = "en") -> str:
    """How a status is marked on a line of mathematics."""
    return {"proved": r"\checkmark",
            "checked": rf"\boxed{{\text{{{word('checked_mark', lang)}}}}}",
            "failed": rf"\boxed{{\text{{{word('failed', lang)}}}}}",
            "unknown": rf"\boxed{{\text{{{word('unknown', lang)}}}}}"}[status]


def _status_words(verdict, lang) -> str:
    words = {"proved": lambda: word("proved_by", lang, method=method_words(verdict.method, lang)),
             "checked": lambda: rf"\textbf{{{word('checked', lang)}}}",
             "failed": lambda: rf"\textbf{{{word('failed', lang)}}}",
             "unknown": lambda: rf"\textbf{{{word('unknown', lang)}}}"}[verdict.status]()
    if verdict.counterexample:
        words += f"; {word('counterexample', lang)} " + _point_latex(verdict.counterexample)
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


@dataclass
class Block:
    """One section of a derivation as the renderers see it: its own fields, its steps grouped
    into chains of ``(number, step, verdict)`` (numbers count the whole derivation's steps, so a
    step has the same number in every part), and its claims with their verdicts."""

    heading: str | None
    part: str = "main"
    assumptions: tuple = ()
    claims: list = field(default_factory=list)
    exhibits: tuple = ()
    notes: tuple = ()
    answers: tuple = ()
    cross_checks: tuple = ()
    chains: list = field(default_factory=list)


_FIELDS = ("assumptions", "exhibits", "notes", "answers", "cross_checks")


def blocks(checked) -> list[Block]:
    """The blocks of a checked derivation, in order: what it holds outside its sections (a
    derivation without sections is all one ``main`` block), then one block per section."""
    d = checked.derivation
    own = {name: len(getattr(d, name)) - sum(len(getattr(sec, name)) for sec in d.sections)
           for name in _FIELDS + ("claims", "steps")}
    out = [Block(None, "main", **{name: getattr(d, name)[:own[name]] for name in _FIELDS})]
    out += [Block(sec.heading, sec.part, **{name: getattr(sec, name) for name in _FIELDS})
            for sec in d.sections]
    claims = list(checked.claims)
    out[0].claims = claims[:own["claims"]]
    taken = own["claims"]
    for block, sec in zip(out[1:], d.sections):
        block.claims, taken = claims[taken:taken + len(sec.claims)], taken + len(sec.claims)
    ranges = d.section_ranges()
    index = 0
    for chain in checked.chains():          # chains never cross a section's boundary
        owner = next((k + 1 for k, (start, stop) in enumerate(ranges) if start <= index < stop), 0)
        out[owner].chains.append([(index + 1 + k, step, checked.verdicts[index + k])
                                  for k, step in enumerate(chain)])
        index += len(chain)
    return [b for b in out if b.heading is not None or _has_content(b)]


def _has_content(block) -> bool:
    return bool(block.chains or block.claims or any(getattr(block, name) for name in _FIELDS))


def header_latex(checked, level: str = "subsection", lang: str = "en", assumptions=True) -> list[str]:
    """The title, the status line and (``assumptions``) every assumption of a derivation."""
    d = checked.derivation
    out = [rf"\{level}{{{prose(d.title, lang)}}}"] if level else []
    status = checked.status
    out.append(rf"\noindent\textbf{{{word('status', lang)}}} " + (
        word("all_proved", lang) if status == "proved" else
        r"\textbf{" + word({"checked": "some_checked", "failed": "some_failed"}.get(status, "some_unknown"),
                           lang) + "}"))
    listed = d.all_assumptions() if assumptions else ()
    if listed:
        out.append(_assumptions_latex(listed, lang))
    return out


def _assumptions_latex(assumptions, lang) -> str:
    return rf"\paragraph{{{word('assumptions', lang)}}} " + "; ".join(
        prose(a.text, lang) for a in assumptions) + "."


def sections_latex(checked, parts=("main", "appendix"), lang: str = "en",
                   heading: str = "paragraph", section_assumptions: bool = False) -> list[str]:
    """The blocks of ``checked`` whose part is in ``parts``, as LaTeX paragraphs; a section's
    heading is set with ``\\<heading>``, and its own assumptions are listed when
    ``section_assumptions`` (otherwise they are in the derivation's full list)."""
    out = []
    for block in blocks(checked):
        if block.part not in parts:
            continue
        if block.heading is not None:
            out.append(rf"\{heading}{{{prose(block.heading, lang)}}}")
        if section_assumptions and block.assumptions:
            out.append(_assumptions_latex(block.assumptions, lang))
        out += _block_body(block, lang)
    return out


def _block_body(block, lang) -> list[str]:
    out = [_claim_latex(claim, verdict, lang) for claim, verdict in block.claims]
    for ex in block.exhibits:
        caption = prose(ex.caption, lang) if ex.caption else ""
        out.append(caption + "\n\\[\n" + f"{ex.label} = {_value_latex(ex.value)}" + "\n\\]")
    out += [_chain_latex(chain, lang) for chain in block.chains]
    out += [prose(note, lang) for note in block.notes]
    if block.answers:
        out.append(rf"\paragraph{{{word('answer', lang)}}}" + "\n\\begin{gather*}\n" + " \\\\\n".join(
            rf"\boxed{{{say(answer, lang)}}}" for answer in block.answers) + "\n\\end{gather*}")
    if block.cross_checks:
        out.append(_cross_checks_latex(block.cross_checks, lang))
    return out


def _claim_latex(claim, verdict, lang) -> str:
    outcome = (word("holds", lang) if verdict.status == "proved" else
               rf"\textbf{{{word('does_not_hold', lang)}}}" if verdict.status == "failed"
               else _status_words(verdict, lang))
    text = rf"\paragraph{{{word('as_stated', lang)}}} {prose(claim.text, lang)} --- {outcome}."
    if verdict.counterexample:
        text += f" {word('counterexample_title', lang)}: " + _point_latex(verdict.counterexample) + "."
    return text


def _chain_latex(chain, lang) -> str:
    """One chain of steps as an ``align*``: each step's number, reason and status above it, its
    number and status mark in the margin.  The first reason is a paragraph before the display
    (an ``\\intertext`` opening an ``align*`` would leave an empty line above it)."""
    rows, reasons = [], []
    first = chain[0][1]
    for k, (number, step, verdict) in enumerate(chain):
        reasons.append(rf"{{\small ({number}) {prose(step.reason, lang)} [{_status_words(verdict, lang)}]}}")
        if k:
            rows.append(rf"\intertext{{{reasons[-1]}}}")
        lines = _broken(step.rhs, step.rhs_tex)
        left = _side(step.lhs, step.lhs_tex) if k == 0 else ""
        body = [f"{left} &{_RELATION[step.relation]} {lines[0]}"] + [rf"&\quad {line}" for line in lines[1:]]
        body[-1] += rf" \tag*{{$({number})\ {status_mark(verdict.status, lang)}$}}"
        rows.append(" \\\\\n".join(body) + r" \\")
    heading = rf"\paragraph{{{prose(first.heading, lang)}}}" + "\n" if first.heading else ""
    return (heading + r"\noindent" + reasons[0][:-1] + r"\par}" + "\n\\begin{align*}\n"
            + "\n".join(rows).rstrip("\\ \n") + "\n\\end{align*}")


def _cross_checks_latex(checks, lang) -> str:
    """The independent checks as a ruled table with ragged-right columns (no stretched lines)."""
    ragged = r">{\raggedright\arraybackslash}"
    rows = [rf"{prose(c.what, lang)} & {prose(c.against, lang)} & {prose(c.outcome, lang)} & "
            + (word("passed", lang) if c.passed else rf"\textbf{{{word('not_passed', lang)}}}") + r" \\"
            for c in checks]
    # the run-in heading ends its own line: a table of the full line width cannot follow it
    return (rf"\paragraph{{{word('cross_checks', lang)}}}\leavevmode\par" + "\n{\\small\\noindent\n"
            rf"\begin{{tabularx}}{{\linewidth}}{{@{{}}{ragged}X{ragged}X{ragged}X l@{{}}}}" + "\n\\toprule\n"
            + rf"{word('check_what', lang)} & {word('check_against', lang)} & {word('check_outcome', lang)} & \\"
            + "\n\\midrule\n" + "\n".join(rows) + "\n\\bottomrule\n\\end{tabularx}\\par}")


def derivation_latex(checked, level: str = "subsection", parts=("main", "appendix"),
                     lang: str = "en") -> str:
    """One checked derivation as a LaTeX fragment: its title at ``level``, its status, every
    assumption, then the sections of ``parts`` (a derivation without sections is all ``main``).

    >>> import sympy as sp
    >>> from symbolic.derivation import Derivation, Section, Step
    >>> x = sp.Symbol('x')
    >>> d = Derivation("Toy", sections=[Section("Asked", steps=[Step(x + x, 2*x, "collecting")]),
    ...                                 Section("Extra", part="appendix", steps=[Step(x, x, "trivially")])])
    >>> tex = derivation_latex(d.check(), parts=("main",), lang="ru")
    >>> "Asked" in tex, "Extra" in tex, "доказано" in tex
    (True, False, True)
    """
    return "\n\n".join(header_latex(checked, level, lang) + sections_latex(checked, parts, lang)) + "\n"


def preamble(extra: str = "", lang: str = "en") -> str:
    """The document class, the packages, the language's font encoding and hyphenation,
    ``extra``, and the page layout shared by every document the project writes."""
    return "\n".join(filter(None, [
        r"\documentclass[11pt]{article}",
        "\n".join(rf"\usepackage{{{p}}}" for p in PREAMBLE_PACKAGES),
        LANGUAGE_PACKAGES[lang],
        extra,
        # wider text block without the geometry package
        r"\addtolength{\textwidth}{3.4cm}\addtolength{\oddsidemargin}{-1.7cm}"
        r"\addtolength{\evensidemargin}{-1.7cm}\addtolength{\textheight}{3cm}"
        r"\addtolength{\topmargin}{-1.5cm}",
        r"\allowdisplaybreaks",
        # displays (a step's chain, a boxed answer) close to their text: a compact solution
        r"\makeatletter\g@addto@macro\normalsize{\setlength\abovedisplayskip{4pt plus 2pt minus 2pt}"
        r"\setlength\belowdisplayskip{4pt plus 2pt minus 2pt}\setlength\abovedisplayshortskip{1pt plus 2pt}"
        r"\setlength\belowdisplayshortskip{2pt plus 2pt}}\makeatother",
        # prose around long inline formulas may stretch rather than run into the margin
        r"\setlength{\emergencystretch}{3em}\tolerance=2000",
    ]))


def document(sections, title: str | None = None, author: str | None = None, preamble_extra: str = "",
             lang: str = "en") -> str:
    """A standalone LaTeX document in ``lang``.

    ``sections`` is a sequence of ``(heading, body)`` pairs, ``body`` being LaTeX
    (for instance joined :func:`derivation_latex` fragments); a heading may be a catalogue
    :class:`~symbolic.text.Text`.  The title and author default to the vocabulary's.
    """
    parts = [
        preamble(preamble_extra, lang),
        rf"\title{{{prose(title if title is not None else WORDS('doc_title'), lang)}}}",
        rf"\author{{{prose(author if author is not None else WORDS('doc_author'), lang)}}}",
        r"\date{}",
        r"\begin{document}",
        r"\maketitle",
    ]
    for heading, body in sections:
        parts.append(rf"\section{{{prose(heading, lang)}}}")
        parts.append(body)
    parts.append(r"\end{document}")
    return "\n".join(p for p in parts if p) + "\n"
