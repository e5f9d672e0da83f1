"""Printing checked derivations in a terminal: unicode pretty print where it fits, one
status line per step, and a summary.  ``checked`` is never shown like ``proved``."""
from __future__ import annotations

import re
import shutil
import unicodedata

import sympy as sp

from symbolic.latex import blocks, method_words, word
from symbolic.text import say

__all__ = ["render", "summary", "STATUSES"]

STATUSES = ("proved", "checked", "failed", "unknown")
_RELATION = {"==": sp.Eq, "<=": sp.Le, "<": sp.Lt, ">=": sp.Ge, ">": sp.Gt}


# LaTeX commands as what a terminal can show: unicode, and ASCII for a plain terminal
_GREEK = ("alpha beta gamma delta epsilon varepsilon zeta eta theta vartheta iota kappa lambda mu nu "
          "xi pi varpi rho varrho sigma varsigma tau upsilon phi varphi chi psi omega Gamma Delta "
          "Theta Lambda Xi Pi Sigma Upsilon Phi Psi Omega").split()
_GREEK_LETTERS = "αβγδεεζηθϑικλμνξπϖρϱσςτυφφχψωΓΔΘΛΞΠΣΥΦΨΩ"
_SYMBOLS = {**dict(zip(_GREEK, _GREEK_LETTERS)),
            "ge": "≥", "geq": "≥", "le": "≤", "leq": "≤", "cdot": "·", "times": "×", "ldots": "…",
            "dots": "…", "cdots": "…", "lfloor": "⌊", "rfloor": "⌋", "lceil": "⌈", "rceil": "⌉",
            "infty": "∞", "to": "→", "rightarrow": "→", "neq": "≠", "ne": "≠", "approx": "≈",
            "in": "∈", "notin": "∉", "sum": "∑", "prod": "∏", "int": "∫", "nabla": "∇", "partial": "∂",
            "mid": "|", "pm": "±", "ell": "ℓ", "top": "ᵀ", "prime": "′", "iff": "⇔", "implies": "⇒",
            "mapsto": "↦", "circ": "∘", "otimes": "⊗", "odot": "⊙", "sim": "∼", "propto": "∝",
            "equiv": "≡", "subset": "⊂", "subseteq": "⊆", "cup": "∪", "cap": "∩", "forall": "∀",
            "exists": "∃", "langle": "⟨", "rangle": "⟩", "|": "‖", "lVert": "‖", "rVert": "‖",
            "Vert": "‖", "lvert": "|", "rvert": "|", "vert": "|", "setminus": "∖", "emptyset": "∅",
            "ll": "≪", "gg": "≫", "leftarrow": "←", "Rightarrow": "⇒", "quad": "  ", "qquad": "    ",
            "colon": ":", "ast": "*", "star": "⋆", "checkmark": "✓", "wedge": "∧", "land": "∧",
            "vee": "∨", "lor": "∨", "neg": "¬", "lnot": "¬", "div": "÷", "vdots": "⋮", "ddots": "⋱",
            "varnothing": "∅", "perp": "⊥", "parallel": "∥", "Leftrightarrow": "⇔", "leftrightarrow": "↔",
            "longrightarrow": "→", "Longrightarrow": "⇒", "oplus": "⊕", "bullet": "•", "hbar": "ℏ",
            **{f: f + " " for f in "ln log exp det tr min max lim sup inf sin cos arg sgn".split()}}
_ASCII = {"≥": ">=", "≤": "<=", "·": "*", "×": "x", "…": "...", "⌊": "floor(", "⌋": ")", "⌈": "ceil(",
          "⌉": ")", "∞": "oo", "→": "->", "≠": "!=", "≈": "~=", "∈": " in ", "∉": " not in ",
          "∑": "sum ", "∏": "prod ", "∫": "int ", "∇": "grad ", "∂": "d", "±": "+-", "ᵀ": "^T",
          "′": "'", "⇔": "<=>", "⇒": "=>", "↦": "|->", "∘": " o ", "∼": "~", "‖": "||", "√": "sqrt",
          "—": "--", "–": "-", "∝": "~", "≡": "==", "⟨": "<", "⟩": ">", "≪": "<<", "≫": ">>",
          "\u0302": "^", "\u0304": "-bar", "\u0303": "~", "✓": "ok", "∧": " and ", "∨": " or ",
          "¬": "not ", "∅": "{}", "↔": "<->"}
_DROPPED = {"left", "right", "big", "Big", "bigg", "Bigg", "bigl", "bigr", "Bigl", "Bigr", "displaystyle",
            "textstyle", "limits", "nolimits", "!", "middle"}
_ARGUMENT = {"text", "mathrm", "operatorname", "mathbf", "boldsymbol", "mathcal", "mathbb", "mathit",
             "textbf", "textit", "emph", "mathsf", "mbox", "underbrace", "boxed"}
_ACCENTS = {"hat": "\u0302", "widehat": "\u0302", "bar": "\u0304", "overline": "\u0304",
            "tilde": "\u0303", "widetilde": "\u0303"}


def _group(text: str, i: int) -> tuple[str, int]:
    """The argument at ``text[i]``: a balanced ``{...}`` group's content, a command, or one
    character; and the index after it."""
    while i < len(text) and text[i] == " ":
        i += 1
    if i >= len(text):
        return "", i
    if text[i] == "{":
        depth, start = 0, i
        while i < len(text):
            depth += {"{": 1, "}": -1}.get(text[i], 0) if text[i - 1:i] != "\\" or i == start else 0
            i += 1
            if depth == 0:
                break
        return text[start + 1:i - 1], i
    command = re.match(r"\\([A-Za-z]+|.)", text[i:])
    if command:
        return command.group(0), i + len(command.group(0))
    return text[i], i + 1


def _wrapped(part: str) -> str:
    """A fraction's part, in parentheses unless it is one number, one symbol (with its
    subscript and exponent) or already in parentheses: ``2σ_2^2`` -> ``(2σ_2^2)``."""
    simple = re.fullmatch(r"-?\d+(\.\d+)?|[^\W\d_]′?(_\w+)?(\^\w+)?|\([^()]*\)|√\w", part)
    return part if simple else f"({part})"


def _command(name: str, text: str, i: int, out: list) -> int:
    """Convert the command ``\\name`` (its arguments start at ``text[i]``) into ``out``."""
    if name in ("frac", "tfrac", "dfrac"):
        top, i = _group(text, i)
        bottom, i = _group(text, i)
        out.append(f"{_wrapped(_math_text(top))}/{_wrapped(_math_text(bottom))}")
    elif name == "sqrt":
        arg, i = _group(text, i)
        arg = _math_text(arg)
        out.append("√" + (arg if len(arg) == 1 else f"({arg})"))
    elif name in _ACCENTS:
        arg, i = _group(text, i)
        out.append(_math_text(arg) + _ACCENTS[name])
    elif name in _ARGUMENT:
        arg, i = _group(text, i)
        out.append(_math_text(arg) + (" " if name == "operatorname" else ""))
    elif name in ("parbox", "makebox", "hspace", "vspace", "phantom", "hphantom", "vphantom"):
        _, i = _group(text, i)                # a width or a space: nothing to read
        if name == "parbox":
            arg, i = _group(text, i)
            out.append(_math_text(arg))
    elif name in _DROPPED:
        i += 1 if name in ("left", "right") and text[i:i + 1] == "." else 0
    elif name in (",", ";", ":", " ", "\\"):
        out.append(" ")
    elif name in "{}#%&_$":
        out.append(name)
    else:
        letters = _SYMBOLS.get(name, name)
        if letters[:1].isascii() and letters[:1].isalpha() and out and out[-1][-1:].isalnum():
            letters = " " + letters               # a word (ln, an unknown name) never runs into the text
        out.append(letters)
    return i


def _script(char: str, arg: str, out: list, i: int) -> int:
    """A subscript or an exponent: ``x_ij``, ``x^2``, ``e^(-1/s)``; an exponent of more than one
    symbol is parenthesised, and an operator keeps its exponent (``ln^2 t``)."""
    if arg in ("ᵀ", "′"):
        out.append(arg)
        return i
    operator = bool(out) and out[-1].endswith(" ") and out[-1].strip().isalpha()
    if operator:
        out[-1] = out[-1].rstrip()
    single = r"-?\w+|[<>≤≥]?\w+" if char == "_" else r"-?(\d+|[^\W\d_]′?|[A-Z]+|\*)|\([^()]*\)"
    out.append(char + (arg if re.fullmatch(single, arg) else f"({arg})") + (" " if operator else ""))
    return i


def _math_text(text: str) -> str:
    r"""LaTeX (prose with ``$...$``, or mathematics) as unicode text a person reads unambiguously.

    >>> _math_text(r"$\frac{\delta^{2}}{s^{4}} + a \ge 0$")
    'δ^2/s^4 + a ≥ 0'
    >>> _math_text(r"$p^{(1+\alpha)/2}$, $\|x\|$, $x \sim p_1$, $D\kappa$, $\tfrac12$")
    'p^((1+α)/2), ‖x‖, x ∼ p_1, Dκ, 1/2'
    >>> _math_text(r"$p\ln\frac{q}{p}$, $\lim_{\alpha\to 1}$, $\ln^2 t$, $e^{su}$")
    'p ln q/p, lim_(α→ 1) , ln^2  t, e^(su)'
    """
    out, i = [], 0
    while i < len(text):
        char = text[i]
        if char == "\\":
            command = re.match(r"\\([A-Za-z]+|.)", text[i:])
            i = _command(command.group(1), text, i + len(command.group(0)), out)
        elif char in "^_":
            arg, i = _group(text, i + 1)
            i = _script(char, _math_text(arg), out, i)
        elif char == "{":
            arg, i = _group(text, i)
            out.append(_math_text(arg))
        else:
            out.append({"$": "", "~": " ", "}": ""}.get(char, char))
            i += 1
    return "".join(out).replace("---", "—").replace("--", "–")


def _plain(text: str, unicode: bool = True) -> str:
    r"""Prose with LaTeX markup made readable: mathematics in unicode (or ASCII).

    >>> _plain(r"$\frac{\delta^{2}}{s^{4}} + a \ge 0$", unicode=False)
    'delta^2/s^4 + a >= 0'
    """
    text = unicodedata.normalize("NFC", " ".join(_math_text(str(text)).split()))   # x + hat = x̂
    if unicode:
        return text
    greek: dict = {}
    for name, letter in zip(_GREEK, _GREEK_LETTERS):
        greek.setdefault(letter, name)
    out = []
    for ch in text:
        ascii_ = _ASCII.get(ch, greek.get(ch, ch))
        if ascii_ != ch and ascii_[:1].isalpha() and out and out[-1][-1:].isalnum():
            ascii_ = " " + ascii_                 # W sum, D kappa: a word never runs into a letter
        out.append(ascii_)
    return " ".join("".join(out).split())


def _too_big(expr) -> bool:
    """Whether an expression is hopeless to show in a terminal (decided before printing it)."""
    if isinstance(expr, sp.MatrixBase):
        return expr.rows * expr.cols > 64 or any(_too_big(e) for e in expr)
    return isinstance(expr, sp.Basic) and sp.count_ops(expr, visual=False) > 120


_SIGN = {"==": "=", "<=": "≤", "<": "<", ">=": "≥", ">": ">"}


def _equation(step, unicode: bool, width: int, lang: str = "en") -> str | None:
    """The step's claim for a terminal: the printed forms a person wrote (``lhs_tex``,
    ``rhs_tex``) on one line when the step has them, else SymPy's pretty print."""
    texts = [tex for tex in (step.lhs_tex, step.rhs_tex) if tex is not None]
    if texts and not any("\\begin" in tex for tex in texts):     # a matrix: SymPy draws it better
        sides = [_plain(tex if tex is not None else _latex_of(expr), unicode)
                 for tex, expr in ((step.lhs_tex, step.lhs), (step.rhs_tex, step.rhs))]
        sign = _SIGN[step.relation] if unicode else {"<=": "<=", ">=": ">="}.get(step.relation, _SIGN[step.relation])
        line = f"{sides[0]} {sign} {sides[1]}"
        if len(line) <= width:
            return "      " + line
    art = _pretty(step, unicode)
    if art is None:
        return None
    lines = _said(art, lang).splitlines()
    if max((len(line) for line in lines), default=0) > width or len(lines) > 14:
        return None
    return "\n".join("      " + line for line in lines)


def _latex_of(expr) -> str:
    from symbolic.latex import expr_latex
    return "$" + expr_latex(expr) + "$"


def _pretty(step, unicode: bool) -> str | None:
    if _too_big(step.lhs) or _too_big(step.rhs):
        return None
    try:
        if isinstance(step.lhs, sp.MatrixBase) or isinstance(step.rhs, sp.MatrixBase):
            return sp.pretty(step.lhs, use_unicode=unicode) + "\n  =\n" + sp.pretty(step.rhs, use_unicode=unicode)
        return sp.pretty(_RELATION[step.relation](step.lhs, step.rhs, evaluate=False),
                         use_unicode=unicode, wrap_line=False)
    except Exception:                          # pretty printing is a courtesy, never a failure
        return None


def _said(art: str, lang: str) -> str:
    """SymPy's English words in a pretty-printed piecewise function, in ``lang`` (the columns
    shift a little; the words are the vocabulary's)."""
    if lang == "en":
        return art
    return re.sub(r"\b(for|otherwise)\b", lambda m: word("piecewise_" + m.group(1), lang), art)


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
    art = _equation(step, unicode, width, lang) if equations else None
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
