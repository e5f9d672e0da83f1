r"""Reading a student's solution: LaTeX or Markdown text -> the claims of its displayed chains.

``read_text(text, name)`` finds every displayed formula (``equation``, ``align``, ``gather``,
``multline`` and their starred forms, ``\[ ... \]``, ``$$ ... $$``), splits it into rows at
``\\`` and each row into a chain at its relation signs, parses every expression with the
Lark grammar :data:`GRAMMAR` (derived from SymPy's Lark LaTeX grammar) and returns a
:class:`Solution`: the steps (file, 1-based line of the relation sign, relation, both sides
as written and as SymPy expressions) and the declarations that apply to them.  Nothing is
printed and no text is ever evaluated; unreadable input raises :class:`ReadError` (a
``ValueError``) naming the file, the line and what could not be read.

Rules (see the README, "Check your own solution"):

* inline ``$...$`` is prose; ``&``, ``\label``, ``\tag``, ``\nonumber``, ``\notag``,
  spacing (``\quad \, \; \!``) and a trailing ``,`` ``.`` or ``;`` are ignored;
* a row that starts with a relation continues the chain from the last expression above
  (in the same display, or else the display before); a row that starts with ``+``, ``-``,
  ``\cdot`` or ``\times`` continues the expression of the row above; any other row starts
  a new chain;
* prose after a formula on its row ends it: a top-level ``,`` or ``\text{...}`` with words
  (``x^2 \ge 0, \quad x \in \mathbb{R}``: only ``x^2 \ge 0`` is read);
* ``\approx \ne \propto \sim \equiv := \Rightarrow \implies \iff \to`` between expressions
  are not checked: they separate chains;
* symbols are real scalars unless declared; ``% dgm-proofs: assume ..., real ...,
  integer ..., positive ..., functions ...`` (``<!-- dgm-proofs: ... -->`` in Markdown);
* an integral without bounds is over the real line; ``\operatorname{tr}`` and ``\det`` of a
  scalar are the scalar; ``e`` is Euler's number and ``\pi`` is pi.
"""
from __future__ import annotations

import functools
import math
import re
from dataclasses import dataclass, field

import sympy as sp

__all__ = ["ReadError", "Step", "Solution", "Declarations", "read_text", "read_file",
           "parse_expression", "RELATIONS"]

#: relation as written -> relation of :func:`symbolic.check.verify`
RELATIONS = {"=": "==", "<": "<", ">": ">", r"\lt": "<", r"\gt": ">", r"\le": "<=", r"\leq": "<=",
             r"\leqslant": "<=", r"\ge": ">=", r"\geq": ">=", r"\geqslant": ">="}
#: relations that separate chains but are not checked
UNCHECKED = {r"\approx", r"\ne", r"\neq", r"\propto", r"\sim", r"\simeq", r"\equiv", r"\to",
             r"\Rightarrow", r"\implies", r"\iff", r"\Leftrightarrow", r"\Longrightarrow",
             r"\rightarrow", r"\mapsto", r"\in", r"\coloneqq", ":="}
_FLIP = {"==": "==", "<": ">", ">": "<", "<=": ">=", ">=": "<="}

_ENVS = ("equation", "align", "gather", "multline", "flalign", "eqnarray")


class ReadError(ValueError):
    """A file that cannot be read: the message names the file, the line and what failed."""

    def __init__(self, filename: str, line: int | None, message: str):
        self.filename, self.line = filename, line
        where = f"{filename}:{line}" if line else filename
        super().__init__(f"{where}: {message}")


@dataclass(frozen=True)
class Step:
    """One checkable step ``lhs relation rhs`` of a displayed chain."""

    file: str
    line: int                   # 1-based line of the relation sign
    relation: str               # '==', '<=', '<', '>=', '>'
    lhs_tex: str
    rhs_tex: str
    lhs: object = None          # SymPy expressions, symbols with the file's assumptions
    rhs: object = None
    display: int = 0            # index of the display (0-based) in the file
    row: int = 0                # index of the row within the display


@dataclass
class Declarations:
    """What a file declares about its symbols (names are SymPy symbol names)."""

    real: set = field(default_factory=set)
    integer: set = field(default_factory=set)
    positive: set = field(default_factory=set)
    functions: set = field(default_factory=set)
    assume_tex: list = field(default_factory=list)     # (line, text)
    conditions: list = field(default_factory=list)     # SymPy relationals


@dataclass
class Solution:
    """The steps of one file and what they assume."""

    file: str
    kind: str                                   # 'tex' or 'md'
    steps: list
    declarations: Declarations
    undeclared: list                            # names of symbols taken as real by default
    inferred: dict                              # name -> why it was taken as an integer
    displays: list                              # (start, end, env, rows [(start, end)]) per display
    text: str = ""

    def assumptions(self) -> list:
        """The conditions to pass to the checker for every step of this file."""
        return list(self.declarations.conditions)

    def assumed(self) -> list[str]:
        """Everything assumed, in words, for printing."""
        d, out = self.declarations, []
        for line, text in d.assume_tex:
            out.append(f"{text} (line {line})")
        for word, names in (("integer", d.integer), ("positive", d.positive), ("real", d.real)):
            if names:
                out.append(f"{word}: {', '.join(sorted(names))}")
        if d.functions:
            out.append(f"functions: {', '.join(sorted(d.functions))}")
        for name, why in sorted(self.inferred.items()):
            out.append(f"{name} integer ({why})")
        return out


# --------------------------------------------------------------------------- the grammar

#: The Lark grammar of one expression (kept in this module so that an installed package
#: needs no data file).
GRAMMAR = r"""// The grammar of one expression of a student's display math (no relation signs: the
// reader splits chains at relations before parsing).  Terminals derived from SymPy's
// sympy/parsing/latex/lark/grammar/latex.lark (BSD licence); the rules are restructured
// flat (a sum of terms, a term a sequence of items) so that the parse is unambiguous and
// the transformer in symbolic/reader.py decides how far a function or an operator
// without parentheses reaches (\log x y = log(x y); \sin x \cos x = sin(x) cos(x)).
// The reader normalises spacing, \left/\right, \big, \text{d}, \operatorname{tr} ... first.

%ignore /[ \t\r\n]+/

ADD: "+"
SUB: "-"
MUL: "*" | "\\cdot" | "\\times"
DIV: "/" | "\\div"
CARET: "^"
BANG: "!"
COMMA: ","

FRAC: "\\frac"
BINOM: "\\binom"
SQRT: "\\sqrt"
INT: "\\int"
SUM: "\\sum"
PROD: "\\prod"
LIM: "\\lim"
NABLA: "\\nabla"
TO: "\\to" | "\\rightarrow"
INFTY: "\\infty"
MAXMIN: "\\max" | "\\min"
FUNC: /\\(log|ln|lg|exp|sin|cos|tan|cot|sec|csc|sinh|cosh|tanh|arcsin|arccos|arctan|det|tr)(?![a-zA-Z])/
DIFF: "d" | "\\dd" | "\\partial"
PARTIAL: "\\partial"

NUMBER: /\d+(\.\d+)?/
DIGIT1: /\d/

_GREEK: /\\(alpha|beta|gamma|delta|epsilon|varepsilon|zeta|eta|theta|vartheta|iota|kappa|lambda|mu|nu|xi|pi|varpi|rho|varrho|sigma|varsigma|tau|upsilon|phi|varphi|chi|psi|omega|Gamma|Delta|Theta|Lambda|Xi|Pi|Sigma|Upsilon|Phi|Psi|Omega|ell)(?![a-zA-Z])/
_LETTER: /[A-Za-z]/
_WORD: /\\mathrm\{[A-Za-z]+\}/
_BASE: _GREEK | _LETTER | _WORD
_ACCENTED: /\\(hat|bar|tilde|vec|mathbf|boldsymbol|bm|overline|widehat|widetilde|dot|ddot|check|mathcal)(?![a-zA-Z])\s*/ ("{" /\s*/ _BASE /\s*/ "}" | _BASE)
_SUB: /_\s*/ (/[A-Za-z0-9]/ | _GREEK | /\{[^{}]*\}/)
SYMBOL: (_BASE | _ACCENTED) _SUB? /'*/

start: expr

expr: sign? term (sign term)*
sign: ADD | SUB
term: item (mulop? item)*
mulop: MUL | DIV

?item: power | func_head | bigop | integral

power: base (CARET sup)? BANG?
sup: DIGIT1 | SYMBOL | INFTY | "{" expr "}"

?base: NUMBER -> number
    | SYMBOL -> symbol
    | INFTY -> infinity
    | paren
    | "[" expr "]" -> group
    | "{" expr "}" -> group
    | "\\{" expr "\\}" -> group
    | "|" expr "|" -> abs
    | frac
    | BINOM fracarg fracarg -> binom
    | SQRT ("[" expr "]")? fracarg -> sqrt
    | MAXMIN paren -> maxmin
    | deriv_frac

paren: "(" expr (COMMA expr)* ")"

fracarg: DIGIT1 | SYMBOL | "{" expr "}"
frac: FRAC fracarg fracarg

func_head: FUNC ("_" fracarg)? (CARET sup)?

bound: DIGIT1 | SYMBOL | INFTY | "{" expr "}"
index_range: "_" "{" SYMBOL "=" expr "}" CARET bound
    | CARET bound "_" "{" SYMBOL "=" expr "}"
limit_point: expr -> point
    | expr CARET (ADD | SUB | "{" (ADD | SUB) "}") -> one_sided

?bigop: SUM index_range -> sum_op
    | PROD index_range -> prod_op
    | LIM "_" "{" SYMBOL TO limit_point "}" -> lim_op
    | deriv_op
    | NABLA "_" ("{" SYMBOL "}" | SYMBOL) -> nabla_op

deriv_op.3: FRAC "{" DIFF "}" "{" DIFF SYMBOL "}"
    | FRAC "{" DIFF CARET DIGIT1 "}" "{" DIFF SYMBOL CARET DIGIT1 "}"
    | FRAC "{" DIFF CARET "{" DIGIT1 "}" "}" "{" DIFF SYMBOL CARET "{" DIGIT1 "}" "}"
deriv_frac.3: FRAC "{" DIFF expr "}" "{" DIFF SYMBOL "}"

integral: INT (int_bounds)? expr? DIFF SYMBOL
int_bounds: "_" bound CARET bound -> lower_upper
    | CARET bound "_" bound -> upper_lower
"""

_PARSER = None


def _parser():
    global _PARSER
    if _PARSER is None:
        import lark
        _PARSER = lark.Lark(GRAMMAR, parser="earley", lexer="dynamic", ambiguity="resolve",
                            start="start", propagate_positions=False, maybe_placeholders=False)
    return _PARSER


_GREEK_NAMES = {"varepsilon": "epsilon", "vartheta": "theta", "varpi": "pi", "varrho": "rho",
                "varsigma": "sigma", "varphi": "phi"}
_ACCENT_SUFFIX = {"hat": "hat", "widehat": "hat", "bar": "bar", "overline": "bar", "tilde": "tilde",
                  "widetilde": "tilde", "vec": "vec", "mathbf": "bold", "boldsymbol": "bold",
                  "bm": "bold", "dot": "dot", "ddot": "ddot", "check": "check", "mathcal": "cal"}


def symbol_name(token: str) -> str:
    r"""The SymPy name of a symbol as written: ``\sigma_{1}`` -> ``sigma_1``, ``\hat\mu`` ->
    ``muhat``, ``x_{ij}`` -> ``x_ij``, ``x'`` -> ``x'``."""
    text = token.strip()
    primes = len(text) - len(text.rstrip("'"))
    text = text.rstrip("'")
    sub = ""
    m = re.search(r"_\s*(\{[^{}]*\}|\\[A-Za-z]+|[A-Za-z0-9])$", text)
    if m:
        sub, text = m.group(1), text[:m.start()]
        sub = re.sub(r"[{}\s\\]", "", sub)
        sub = re.sub(r"var(epsilon|theta|phi|rho|sigma|pi)", r"\1", sub)
    accent = ""
    m = re.match(r"\\([A-Za-z]+)\s*\{?\s*(\\?[A-Za-z]+)\s*\}?$", text)
    if m and m.group(1) in _ACCENT_SUFFIX:
        accent, text = _ACCENT_SUFFIX[m.group(1)], m.group(2)
    text = re.sub(r"^\\mathrm\{([A-Za-z]+)\}$", r"\1", text)
    base = text.lstrip("\\")
    base = _GREEK_NAMES.get(base, base)
    name = base + accent
    if sub:
        name += "_" + sub
    return name + "'" * primes



# --------------------------------------------------------------------------- number sizes
#
# SymPy computes 10**(10**8) or (10**100)! exactly the moment they are written, in one call no
# signal interrupts: a solution that writes such a number is refused while it is read.

MAX_DIGITS = 100_000          # the largest exact number a solution may write, in decimal digits


def _too_large(digits: float, text: str) -> None:
    if digits > MAX_DIGITS:
        raise _ParseProblem(f"{text} has about {digits:.3g} digits; exact numbers of more than "
                            f"{MAX_DIGITS} digits are not evaluated")


def _log10(value) -> float:
    """log10 of an exact rational's larger part (numerator or denominator), at least 0."""
    p, q = abs(int(value.p)), abs(int(value.q))
    return max(math.log10(p) if p > 1 else 0.0, math.log10(q) if q > 1 else 0.0)


def _pow(base, exponent):
    """``base**exponent``, refused when both are exact and the value would be too long."""
    base, exponent = sp.sympify(base), sp.sympify(exponent)
    if base.is_Rational and exponent.is_Rational and abs(base) != 1 and base != 0:
        _too_large(abs(float(exponent)) * _log10(base), "a power")
    return sp.Pow(base, exponent)


def _factorial(n):
    n = sp.sympify(n)
    if n.is_Integer and n > 1:
        _too_large(math.lgamma(float(n) + 1) / math.log(10), "a factorial")
    return sp.factorial(n)


def _binomial(n, k):
    n, k = sp.sympify(n), sp.sympify(k)
    if n.is_Integer and k.is_Integer and 0 <= k <= n:
        _too_large((math.lgamma(float(n) + 1) - math.lgamma(float(k) + 1) - math.lgamma(float(n - k) + 1))
                   / math.log(10), "a binomial coefficient")
    return sp.binomial(n, k)


class _Part:
    """An item of a term before the term is assembled (see ``_Transformer.term``)."""

    __slots__ = ("kind", "value", "extra")

    def __init__(self, kind, value, extra=None):
        self.kind, self.value, self.extra = kind, value, extra   # kind: value/symbol/group/func/op/bigop

    def __repr__(self):
        return f"_Part({self.kind}, {self.value!r}, {self.extra!r})"


def _lark_base():
    """SymPy's Lark transformer (SymPy >= 1.13), else Lark's own base class."""
    try:
        from sympy.parsing.latex.lark.transformer import TransformToSymPyExpr
        return TransformToSymPyExpr
    except ImportError:                         # pragma: no cover - older SymPy
        import lark
        return lark.Transformer


class _ParseProblem(ValueError):
    """An expression that cannot be read (without file and line: the reader adds them)."""


class _Assembly:
    """SymPy's Lark transformer, extended: the flat terms of our grammar are assembled
    here (implicit multiplication, functions without parentheses, operators that take
    the rest of the term, declared functions applied to their arguments)."""

    def __init__(self, functions: frozenset):
        super().__init__(visit_tokens=False)
        self.functions = functions

    # ---- leaves
    def number(self, c):
        text = str(c[0])
        return _Part("value", sp.Rational(text) if "." in text else sp.Integer(text))

    def symbol(self, c):
        name = symbol_name(str(c[0]))
        if name == "e":
            return _Part("value", sp.E)
        if name == "pi":
            return _Part("value", sp.pi)
        return _Part("symbol", sp.Symbol(name))

    def infinity(self, c):
        return _Part("value", sp.oo)

    def _leaf(self, tok):
        if isinstance(tok, _Part):
            return self._close(tok)
        if isinstance(tok, sp.Basic):
            return tok
        text = str(tok)
        if tok.type == "DIGIT1":
            return sp.Integer(text)
        if tok.type == "INFTY":
            return sp.oo
        if tok.type == "SYMBOL":
            return self.symbol([tok]).value
        raise _ParseProblem(f"unexpected {text!r}")

    def _close(self, part):
        if part.kind in ("value", "symbol"):
            return part.value
        if part.kind == "group":
            args = part.value
            if len(args) != 1:
                raise _ParseProblem("a list (a, b) that is not the arguments of a declared function")
            return args[0] if part.extra is None else _pow(args[0], part.extra)
        raise _ParseProblem(f"{part.kind} without an argument")

    # ---- groups and closed items
    def group(self, c):
        return _Part("value", c[0])

    def paren(self, c):
        return _Part("group", [x for x in c if not (hasattr(x, "type") and x.type == "COMMA")])

    def abs(self, c):
        return _Part("value", sp.Abs(c[0]))

    fracarg = lambda self, c: self._leaf(c[0])       # noqa: E731
    sup = lambda self, c: self._leaf(c[0])           # noqa: E731
    bound = lambda self, c: self._leaf(c[0])         # noqa: E731

    def frac(self, c):
        return _Part("value", sp.Mul(c[1], sp.Pow(c[2], -1)))

    def binom(self, c):
        return _Part("value", _binomial(c[1], c[2]))

    def sqrt(self, c):
        if len(c) == 3:
            return _Part("value", sp.root(c[2], c[1]))
        return _Part("value", sp.sqrt(c[1]))

    def maxmin(self, c):
        f = sp.Max if str(c[0]) == r"\max" else sp.Min
        return _Part("value", f(*c[1].value))

    def power(self, c):
        part = c[0]
        rest = list(c[1:])
        exponent, bang = None, False
        while rest:
            tok = rest.pop(0)
            if hasattr(tok, "type") and tok.type == "CARET":
                exponent = rest.pop(0)
            elif hasattr(tok, "type") and tok.type == "BANG":
                bang = True
        if part.kind == "group" and exponent is not None and not bang:
            return _Part("group", part.value, exponent)
        if exponent is None and not bang:
            return part
        value = self._close(part)
        if exponent is not None:
            value = sp.exp(exponent) if value == sp.E else _pow(value, exponent)
        if bang:
            value = _factorial(value)
        return _Part("value", value)

    # ---- functions and operators
    def func_head(self, c):
        name = str(c[0]).lstrip("\\")
        base_, exponent = None, None
        rest = list(c[1:])
        while rest:
            tok = rest.pop(0)
            if hasattr(tok, "type") and tok.type == "CARET":
                exponent = rest.pop(0)
            else:
                base_ = tok
        return _Part("func", name, (base_, exponent))

    def sum_op(self, c):
        var, low, high = c[1]
        return _Part("bigop", lambda body: sp.Sum(body, (var, low, high)))

    def prod_op(self, c):
        var, low, high = c[1]
        return _Part("bigop", lambda body: sp.Product(body, (var, low, high)))

    def index_range(self, c):
        c = [x for x in c if not (hasattr(x, "type") and x.type == "CARET")]
        if hasattr(c[0], "type") and c[0].type == "SYMBOL":      # _{k=a}^{b}
            var, low, high = c[0], c[1], c[2]
        else:                                                   # ^{b}_{k=a}
            high, var, low = c[0], c[1], c[2]
        return (self.symbol([var]).value, low, high)

    def point(self, c):
        return (c[0], "+-")

    def one_sided(self, c):
        signs = [str(x) for x in c[1:] if hasattr(x, "type") and x.type in ("ADD", "SUB")]
        return (c[0], signs[-1])

    def lim_op(self, c):
        var = self.symbol([c[1]]).value
        where, direction = c[3]
        if where in (sp.oo, -sp.oo):
            direction = "-" if where == sp.oo else "+"
        return _Part("bigop", lambda body: sp.Limit(body, var, where, direction))

    def _order(self, toks):
        digits = [int(str(t)) for t in toks if hasattr(t, "type") and t.type == "DIGIT1"]
        return digits[0] if digits else 1

    def deriv_op(self, c):
        var = self.symbol([next(t for t in c if hasattr(t, "type") and t.type == "SYMBOL")]).value
        n = self._order(c)
        return _Part("bigop", lambda body: sp.Derivative(body, (var, n)))

    def deriv_frac(self, c):
        var = self.symbol([c[-1]]).value
        body = c[2]
        if isinstance(body, sp.Symbol) and body.name in self.functions:
            body = sp.Function(body.name)(var)
        return _Part("value", sp.Derivative(body, var))

    def nabla_op(self, c):
        var = self.symbol([c[-1]]).value
        return _Part("bigop", lambda body: sp.Derivative(body, var))

    def lower_upper(self, c):
        c = [x for x in c if not (hasattr(x, "type") and x.type == "CARET")]
        return (c[0], c[1])

    def upper_lower(self, c):
        c = [x for x in c if not (hasattr(x, "type") and x.type == "CARET")]
        return (c[1], c[0])

    def integral(self, c):
        c = list(c[1:])                                 # drop \int
        var = self.symbol([c[-1]]).value
        c = c[:-2]                                      # drop d x
        bounds = c.pop(0) if c and isinstance(c[0], tuple) else (-sp.oo, sp.oo)
        body = c[0] if c else sp.Integer(1)
        return _Part("value", sp.Integral(body, (var, bounds[0], bounds[1])))

    # ---- sums and terms
    def mulop(self, c):
        return _Part("op", "*" if c[0].type == "MUL" else "/")

    def sign(self, c):
        return str(c[0])

    def expr(self, c):
        total, sign = sp.Integer(0), "+"
        for x in c:
            if isinstance(x, str):
                sign = x
            else:
                total = total + (-x if sign == "-" else x)
                sign = "+"
        return total

    def start(self, c):
        return c[0]

    def term(self, c):
        return self._assemble(list(c))

    def _assemble(self, parts):
        if not parts:
            raise _ParseProblem("an operator without an operand")
        parts = self._declared_applied(parts)
        # an operator (sum, limit, derivative) takes the rest of the term
        for i, part in enumerate(parts):
            if part.kind == "bigop":
                body = self._assemble(parts[i + 1:])
                value = _Part("fvalue", part.value(body))
                return self._assemble(parts[:i] + [value]) if i else value.value
        return self._product(self._functions_applied(parts))

    def _declared_applied(self, parts):
        """Declared functions applied to the group that follows them."""
        out = []
        for part in parts:
            if part.kind == "group" and out and out[-1].kind == "symbol" \
                    and out[-1].value.name in self.functions:
                f = sp.Function(out[-1].value.name)(*part.value)
                out[-1] = _Part("fvalue", f if part.extra is None else _pow(f, part.extra))
            else:
                out.append(part)
        return out

    def _functions_applied(self, parts):
        """Functions written without parentheses applied, innermost (rightmost) first."""
        i = len(parts) - 1
        while i >= 0:
            if parts[i].kind == "func":
                arg, end, post = self._argument(parts, i)
                value = self._apply(parts[i].value, parts[i].extra, arg)
                if post is not None:
                    value = _pow(value, post)
                parts = parts[:i] + [_Part("fvalue", value)] + parts[end:]
            i -= 1
        return parts

    def _argument(self, parts, i):
        """The argument of the function at ``parts[i]``, where it ends, and a power after it."""
        nxt = i + 1
        if nxt < len(parts) and parts[nxt].kind in ("group", "fvalue"):
            arg = parts[nxt].value[0] if parts[nxt].kind == "group" and len(parts[nxt].value) == 1 else None
            if parts[nxt].kind == "fvalue":
                arg = parts[nxt].value
            if arg is None:
                raise _ParseProblem(f"\\{parts[i].value} of a list")
            return arg, nxt + 1, parts[nxt].extra if parts[nxt].kind == "group" else None
        end = nxt
        while end < len(parts) and parts[end].kind in ("value", "symbol", "group"):
            end += 1
        if end == nxt:
            raise _ParseProblem(f"\\{parts[i].value} without an argument")
        return sp.Mul(*[self._close(p) for p in parts[nxt:end]]), end, None

    def _product(self, parts):
        """Products and quotients, left to right."""
        result, op = None, "*"
        for part in parts:
            if part.kind == "op":
                if result is None or op != "*" and op is not None and parts.index(part) == 0:
                    raise _ParseProblem("an operator without an operand")
                op = part.value
                continue
            value = part.value if part.kind == "fvalue" else self._close(part)
            if result is None:
                result = value
            elif op == "/":
                result = sp.Mul(result, sp.Pow(value, -1))
            else:
                result = sp.Mul(result, value)
            op = "*"
        if result is None or parts[-1].kind == "op":
            raise _ParseProblem("an operator without an operand")
        return result

    def _apply(self, name, extra, arg):
        base_, exponent = extra
        table = {"log": sp.log, "ln": sp.log, "exp": sp.exp, "sin": sp.sin, "cos": sp.cos,
                 "tan": sp.tan, "cot": sp.cot, "sec": sp.sec, "csc": sp.csc, "sinh": sp.sinh,
                 "cosh": sp.cosh, "tanh": sp.tanh, "arcsin": sp.asin, "arccos": sp.acos,
                 "arctan": sp.atan, "det": lambda a: a, "tr": lambda a: a}
        if name == "lg":
            value = sp.log(arg, 10)
        elif name == "log" and base_ is not None:
            value = sp.log(arg, base_)
        else:
            value = table[name](arg)
        if exponent is not None:
            value = _pow(value, exponent)
        return value


@functools.lru_cache(maxsize=64)
def _make_transformer(functions: frozenset):
    """SymPy's Lark transformer with :class:`_Assembly` mixed in, for the declared ``functions``."""
    return _transformer_class()(functions)


@functools.lru_cache(maxsize=1)
def _transformer_class():
    class _Transformer(_Assembly, _lark_base()):       # the base is loaded on first use
        pass
    return _Transformer


# --------------------------------------------------------------------------- normalising

_SIZES = r"\\(?:left|right|middle|bigl|bigr|bigm|Bigl|Bigr|Bigm|biggl|biggr|Biggl|Biggr|big|Big|bigg|Bigg)(?![a-zA-Z])"
_DROP = re.compile(
    r"\\(?:label|tag\*?|eqref)\s*\{[^{}]*\}|\\(?:nonumber|notag|displaystyle|textstyle|limits|nolimits|quad|qquad)(?![a-zA-Z])"
    r"|\\[,;:! ]|~|&")


def _normalise(tex: str) -> str:
    r"""The expression text as the grammar reads it (same meaning; no spacing commands)."""
    s = tex
    s = re.sub(r"\\(?:mathrm|text|operatorname|mathop)\s*\{\s*d\s*\}", r" \\dd ", s)
    s = re.sub(_SIZES + r"\s*\.", " ", s)
    s = re.sub(_SIZES, " ", s)
    s = re.sub(r"\\(?:lvert|rvert|vert)(?![a-zA-Z])", "|", s)
    s = re.sub(r"\\(?:operatorname|mathrm|text)\s*\{\s*(tr|Tr|trace)\s*\}", r"\\tr ", s)
    s = re.sub(r"\\(?:operatorname|mathrm)\s*\{\s*(det|log|exp|ln)\s*\}", r"\\\1 ", s)
    s = re.sub(r"\\(?:trace|Tr)(?![a-zA-Z])", r"\\tr ", s)
    s = re.sub(r"\\mathrm\s*\{\s*e\s*\}", " e ", s)
    s = re.sub(r"\\(?:mathrm|mathit|textrm|text)\s*\{\s*([A-Za-z])\s*\}", r" \1 ", s)
    s = re.sub(r"_\s*\{?\s*\\(?:mathrm|mathit|textrm|text|operatorname)\s*\{\s*([A-Za-z]+)\s*\}\s*\}?", r"_{\1}", s)
    s = re.sub(r"\\(?:mathit|textrm|text|operatorname)\s*\{\s*([A-Za-z]+)\s*\}", r"\\mathrm{\1}", s)
    s = re.sub(r"\\[dtc]frac(?![a-zA-Z])", r"\\frac", s)
    s = re.sub(r"\\(?:lbrace)(?![a-zA-Z])", r"\\{", s)
    s = re.sub(r"\\(?:rbrace)(?![a-zA-Z])", r"\\}", s)
    s = re.sub(r"\\intop(?![a-zA-Z])", r"\\int", s)
    s = _DROP.sub(" ", s)
    s = s.strip()
    s = re.sub(r"[,.;]\s*$", "", s).strip()
    return s


def parse_expression(tex: str, functions=frozenset()):
    """One expression (no relation sign) -> a SymPy expression with plain symbols.

    >>> parse_expression(r"\\frac{1}{2}\\log\\frac{\\sigma_2^2}{\\sigma_1^2}")
    log(sigma_2**2/sigma_1**2)/2
    """
    return _parse_cached(_normalise(tex), frozenset(functions))


@functools.lru_cache(maxsize=4096)
def _parse_cached(text: str, functions: frozenset):
    """Parse normalised text (cached: SymPy expressions are immutable)."""
    import lark
    if not text:
        raise _ParseProblem("an empty expression")
    try:
        tree = _parser().parse(text)
    except RecursionError:
        raise _ParseProblem(f"cannot read {_short(text)}: it is nested too deeply") from None
    except lark.exceptions.UnexpectedInput as exc:
        column = getattr(exc, "column", None)
        pos = getattr(exc, "pos_in_stream", None)
        near = text[pos:pos + 15] if isinstance(pos, int) and pos >= 0 else ""
        where = f" near {near!r}" if near else f" at column {column}" if column and column > 0 \
            else " (it ends too early)"
        raise _ParseProblem(f"cannot read {text!r}{where}") from None
    try:
        return _make_transformer(functions).transform(tree)
    except RecursionError:
        raise _ParseProblem(f"cannot read {_short(text)}: it is nested too deeply") from None
    except lark.exceptions.VisitError as exc:
        inner = exc.orig_exc
        if isinstance(inner, _ParseProblem):
            raise _ParseProblem(f"cannot read {text!r}: {inner}") from None
        raise _ParseProblem(f"cannot read {text!r}: {type(inner).__name__}: {inner}") from None


def _short(text: str, width: int = 60) -> str:
    """``repr`` of ``text``, cut to about ``width`` characters for a one-line message."""
    return repr(text if len(text) <= width else text[:width] + "...")


# --------------------------------------------------------------------------- files

def _blank(text: str, start: int, end: int) -> str:
    """``text`` with ``[start, end)`` replaced by spaces (newlines kept: offsets and lines stay)."""
    return text[:start] + re.sub(r"[^\n]", " ", text[start:end]) + text[end:]


def _line_of(text: str, offset: int) -> int:
    return text.count("\n", 0, offset) + 1


_DECL = re.compile(r"^\s*(assume|real|integer|positive|functions)\b(.*)$", re.S)


def _strip_comments(text: str, kind: str, name: str):
    """The text with comments blanked, and the declarations found in them: (line, body)."""
    decls = []
    if kind == "md":
        for m in re.finditer(r"<!--(.*?)-->", text, re.S):
            body = m.group(1).strip()
            if body.startswith("dgm-proofs:"):
                decls.append((_line_of(text, m.start()), body[len("dgm-proofs:"):].strip()))
            text = _blank(text, m.start(), m.end())
        for start, end in _fenced_code(text):
            text = _blank(text, start, end)
    out, pos = [], 0
    for line in text.split("\n"):
        m = re.search(r"(?<!\\)%", line) if kind == "tex" or "$$" in text else None
        if m and (kind == "tex" or _inside_math_line(text, pos + m.start())):
            body = line[m.end():].strip()
            if body.startswith("dgm-proofs:"):
                decls.append((_line_of(text, pos), body[len("dgm-proofs:"):].strip()))
            line = line[:m.start()] + " " * (len(line) - m.start())
        out.append(line)
        pos += len(line) + 1
    return "\n".join(out), decls


def _fenced_code(text: str) -> list[tuple[int, int]]:
    r"""The spans of Markdown's fenced code blocks (CommonMark): a fence of three or more
    backticks or tildes, indented at most three spaces, closed by a fence of the same
    character at least as long, or by the end of the text when never closed.

    >>> _fenced_code("a\n````\n$$x = 2x$$\n```\n````\nb\n~~~\n$$y$$")
    [(2, 26), (29, 38)]
    """
    spans, pos = [], 0
    opening = re.compile(r"^ {0,3}(`{3,}|~{3,})[^\n]*$", re.M)
    while True:
        m = opening.search(text, pos)
        if not m:
            return spans
        fence = m.group(1)
        closing = re.compile(r"^ {0,3}%s{%d,}[ \t]*$" % (re.escape(fence[0]), len(fence)), re.M)
        c = closing.search(text, m.end() + 1)
        end = c.end() if c else len(text)
        spans.append((m.start(), end))
        pos = end + 1


def _inside_math_line(text: str, offset: int) -> bool:
    """In Markdown a % starts a comment only inside $$ math."""
    return text.count("$$", 0, offset) % 2 == 1


_OPEN = re.compile(r"\\begin\s*\{(" + "|".join(_ENVS) + r")(\*?)\}|\\\[|\$\$")


def _displays(text: str, name: str):
    """(content start, content end, env) of every display, in order."""
    out, pos = [], 0
    while True:
        m = _OPEN.search(text, pos)
        if not m:
            return out
        if m.start() > 0 and text[m.start() - 1] == "\\" and m.group(0) != "$$" \
                or (m.group(0) == "$$" and m.start() > 0 and text[m.start() - 1] == "\\"):
            pos = m.end()
            continue
        if m.group(1):
            env = m.group(1) + m.group(2)
            close = re.compile(r"\\end\s*\{" + re.escape(m.group(1)) + re.escape(m.group(2)) + r"\}")
        elif m.group(0) == "\\[":
            env, close = "\\[", re.compile(r"\\\]")
        else:
            env, close = "$$", re.compile(r"(?<!\\)\$\$")
        end = close.search(text, m.end())
        if not end:
            raise ReadError(name, _line_of(text, m.start()), f"{m.group(0)} is never closed")
        out.append((m.end(), end.start(), env))
        pos = end.end()


_REL = re.compile(r"\\(?:leqslant|geqslant|leq|geq|le|ge|lt|gt|approx|neq|ne|propto|simeq|sim|equiv|to|"
                  r"Rightarrow|implies|iff|Leftrightarrow|Longrightarrow|rightarrow|mapsto|in|coloneqq)"
                  r"(?![a-zA-Z])|:=|<|>|=")


def _rows(text: str, start: int, end: int):
    """Split a display into rows at top-level ``\\\\``: (row start, row end) offsets."""
    rows, depth, k, row_start = [], 0, start, start
    while k < end:
        ch = text[k]
        if ch == "\\" and text.startswith("\\\\", k) and depth == 0:
            rows.append((row_start, k))
            k += 2
            m = re.match(r"\s*\[[^\]]*\]", text[k:end])        # \\[2pt]
            if m:
                k += m.end()
            row_start = k
            continue
        if ch == "\\":
            k += 2
            continue
        depth += {"{": 1, "}": -1}.get(ch, 0)
        k += 1
    rows.append((row_start, end))
    return rows


def _scan_row(text: str, start: int, end: int):
    """A row's pieces: a list of ('expr', start, end) and ('rel', start, end, sign), the row cut
    where prose begins (a top-level comma, or \\text{...} with words after an expression)."""
    pieces, depth, k, piece_start, seen_expr, opened = [], 0, start, start, False, start

    def flush(upto):
        pieces.append(("expr", piece_start, upto))

    while k < end:
        ch = text[k]
        if depth == 0 and (ch == "\\" or ch in "=<>:"):
            r = _REL.match(text, k)
            if r:                                      # a relation sign: the chain goes on
                flush(k)
                pieces.append(("rel", k, r.end(), r.group(0)))
                k = piece_start = r.end()
                continue
        if ch == "\\":
            m = re.match(r"\\(text|textrm|mbox|intertext)\s*\{([^{}]*)\}", text[k:end])
            if m and depth == 0 and m.group(2).strip() != "d" and re.search(r"[A-Za-z]{2,}|\(", m.group(2)):
                if seen_expr:
                    break                              # prose after the formula: the row ends here
                k += m.end()
                piece_start = k
                continue
            m = re.match(r"\\([A-Za-z]+|.)", text[k:end])
            if m and m.group(0) in ("\\{",):
                opened = k if depth == 0 else opened
                depth += 1
            elif m and m.group(0) in ("\\}",):
                depth -= 1
            k += m.end() if m else 1
            continue
        if ch in "{([":
            opened = k if depth == 0 else opened
            depth += 1
        elif ch in "})]":
            depth -= 1
        elif depth == 0 and ch == ",":
            break                                      # ", x > 0": a condition, not a step
        if not ch.isspace() and ch not in "&":
            seen_expr = True
        k += 1
    flush(k)
    if depth > 0:          # a bracket left open hides every relation after it
        pieces.append(("unclosed", opened, end))
    return pieces


def _starts_with_operator(tex: str) -> bool:
    return bool(re.match(r"\s*(\+|-|\\cdot(?![a-zA-Z])|\\times(?![a-zA-Z]))", _normalise(tex)))


def read_text(text: str, name: str = "<string>", kind: str | None = None) -> Solution:
    """Read a solution's text; ``kind`` is 'tex' or 'md' (default: from the file name)."""
    if kind is None:
        kind = "md" if name.lower().endswith((".md", ".markdown")) else "tex"
    clean, decl_lines = _strip_comments(text, kind, name)
    decl = _declarations(decl_lines, name)
    displays = _displays(clean, name)
    raw_steps = _raw_steps(clean, displays, name)
    exprs = _parse_sides(raw_steps, frozenset(decl.functions), clean, name)
    symbols, inferred = _symbols(exprs, decl)
    steps = [_step(name, raw, pair, symbols) for raw, pair in zip(raw_steps, exprs)]
    decl.conditions = [c.xreplace(symbols) for c in decl.conditions]
    declared = decl.real | decl.integer | decl.positive
    used = sorted({s.name for e in exprs for side in e for s in side.free_symbols} |
                  {s.name for c in decl.conditions for s in c.free_symbols})
    undeclared = [n for n in used if n not in declared and n not in inferred]
    return Solution(name, kind, steps, decl, undeclared, inferred, displays, text)


class _Cursor:
    """Where reading stands: the last expression of the previous row, and the last one read
    ((tex, offset) pairs), so that a row may continue or start from them."""

    def __init__(self):
        self.previous_row = self.last = None


def _raw_steps(clean, displays, name) -> list:
    """Every relation of every display row, as ``[line, relation, lhs, rhs, display, row]``
    with each side a (tex, offset) pair; ``displays`` gains each display's rows."""
    raw_steps, cursor = [], _Cursor()
    for d_index, (start, end, env) in enumerate(displays):
        body = clean[:start] + re.sub(r"\\(begin|end)\s*\{(split|aligned|gathered|multlined)\}(\{[^}]*\})?",
                                      lambda m: " " * len(m.group(0)), clean[start:end]) + clean[end:]
        cursor.previous_row = None
        rows = _rows(body, start, end)
        displays[d_index] = (start, end, env, rows)
        for r_index, (rs, re_) in enumerate(rows):
            _read_row(body, rs, re_, cursor, raw_steps, clean, name, (d_index, r_index))
    return raw_steps


def _read_row(body, rs, re_, cursor, raw_steps, clean, name, where) -> None:
    """The relations of one row, appended to ``raw_steps``; ``cursor`` moves on."""
    pieces = _scan_row(body, rs, re_)
    if pieces[-1][0] == "unclosed" and _REL.search(body, pieces[-1][1], re_):
        raise ReadError(name, _line_of(clean, rs), "a bracket opened on this row is not closed on it, "
                                                   "so its relations cannot be read")
    exprs = [(body[p[1]:p[2]], p[1]) for p in pieces if p[0] == "expr"]
    rels = [p for p in pieces if p[0] == "rel"]
    first_tex = exprs[0][0]
    if not _normalise(first_tex) and not rels:
        return                                                     # an empty row
    continues = _normalise(first_tex) and cursor.previous_row is not None and _starts_with_operator(first_tex)
    if continues:              # a continuation of the expression above (a long sum broken across rows)
        joined = (cursor.previous_row[0] + " " + first_tex, cursor.previous_row[1])
        _replace_last(raw_steps, cursor.previous_row, joined)
        if not rels:
            cursor.previous_row = cursor.last = joined
            return
        exprs[0] = joined
    elif _normalise(first_tex) and not rels:
        cursor.previous_row = cursor.last = (first_tex, exprs[0][1])
        return
    current = exprs[0] if _normalise(first_tex) else (cursor.previous_row or cursor.last)
    if current is None:
        raise ReadError(name, _line_of(clean, rels[0][1]), f"{rels[0][3]} has no left-hand side")
    for rel, rhs in zip(rels, exprs[1:]):
        if not _normalise(rhs[0]):
            raise ReadError(name, _line_of(clean, rel[1]), f"nothing on the right of {rel[3]}")
        if rel[3] in RELATIONS and current is not None:
            raw_steps.append([_line_of(clean, rel[1]), RELATIONS[rel[3]], current, rhs, *where])
        current = rhs
    cursor.previous_row = cursor.last = current


def _parse_sides(raw_steps, functions, clean, name) -> list:
    """Both sides of every raw step as SymPy expressions (each distinct text parsed once)."""
    parsed = {}

    def parse(item):
        tex, pos = item
        if tex not in parsed:
            try:
                parsed[tex] = parse_expression(tex, functions)
            except _ParseProblem as exc:
                raise ReadError(name, _line_of(clean, pos + len(tex) - len(tex.lstrip())), str(exc)) from None
        return parsed[tex]

    return [(parse(lhs), parse(rhs)) for _, _, lhs, rhs, _, _ in raw_steps]


def _step(name, raw, pair, symbols) -> Step:
    """One read step, its symbols replaced by the declared ones; a limit on the right moves left."""
    line, relation, lhs, rhs, d_index, r_index = raw
    a, b = pair[0].xreplace(symbols), pair[1].xreplace(symbols)
    if isinstance(b, sp.Limit) and not isinstance(a, sp.Limit):       # "= \lim ..." on the right
        a, b, relation = b, a, _FLIP[relation]
        lhs, rhs = rhs, lhs
    return Step(name, line, relation, _shown(lhs[0]), _shown(rhs[0]), a, b, d_index, r_index)


def _replace_last(raw_steps, old, new):
    """A row that continues the expression above: the step that ended there gets the whole."""
    for step in raw_steps[::-1]:
        if step[3] == old:
            step[3] = new
            return


def _shown(tex: str) -> str:
    """A side as written, spacing of the source collapsed (for the JSON and the terminal)."""
    s = re.sub(r"\\(?:label|tag\*?)\s*\{[^{}]*\}|\\(?:nonumber|notag)(?![a-zA-Z])|&", " ", tex)
    s = re.sub(r"\s+", " ", s).strip()
    return re.sub(r"\s*[,.;]$", "", s)


def _declarations(lines, name) -> Declarations:
    decl = Declarations()
    for line, body in lines:
        m = _DECL.match(body)
        if not m:
            raise ReadError(name, line, f"unknown declaration {body!r} (use assume, real, integer, "
                                        "positive or functions)")
        word, rest = m.group(1), m.group(2).strip()
        if word == "assume":
            for part in _split_top(rest):
                decl.assume_tex.append((line, part))
                decl.conditions.extend(_conditions(part, name, line))
            continue
        for part in _split_top(rest):
            try:
                tok = parse_expression(part) if word != "functions" else None
            except _ParseProblem as exc:
                raise ReadError(name, line, str(exc)) from None
            if word == "functions":
                if not re.fullmatch(r"\\?[A-Za-z]+", part):
                    raise ReadError(name, line, f"not a function name: {part!r}")
                decl.functions.add(part.lstrip("\\"))
                continue
            if not isinstance(tok, sp.Symbol):
                raise ReadError(name, line, f"not a symbol: {part!r}")
            getattr(decl, word).add(tok.name)
    return decl


def _split_top(text: str) -> list[str]:
    parts, depth, start = [], 0, 0
    for k, ch in enumerate(text):
        depth += {"{": 1, "}": -1, "(": 1, ")": -1}.get(ch, 0)
        if ch == "," and depth == 0:
            parts.append(text[start:k])
            start = k + 1
    parts.append(text[start:])
    return [p.strip() for p in parts if p.strip()]


def _conditions(text: str, name: str, line: int) -> list:
    """``0 < r < 1`` -> [0 < r, r < 1] (plain symbols; made the file's symbols later)."""
    pieces = _scan_row(text + " ", 0, len(text))
    exprs = [text[p[1]:p[2]] for p in pieces if p[0] == "expr"]
    rels = [p[3] for p in pieces if p[0] == "rel"]
    if not rels or any(r not in RELATIONS for r in rels):
        raise ReadError(name, line, f"an assumption must be a relation such as x > 0, not {text!r}")
    try:
        values = [parse_expression(e) for e in exprs]
    except _ParseProblem as exc:
        raise ReadError(name, line, str(exc)) from None
    make = {"==": sp.Eq, "<": sp.Lt, ">": sp.Gt, "<=": sp.Le, ">=": sp.Ge}
    try:
        return [make[RELATIONS[r]](a, b) for r, a, b in zip(rels, values, values[1:])]
    except TypeError as exc:            # SymPy refuses to order a non-real value (1/0, sqrt(-1))
        raise ReadError(name, line, f"cannot use the assumption {text!r}: {exc}") from None


def _symbols(exprs, decl: Declarations):
    """Plain symbol -> the file's symbol (real unless declared otherwise); sum indices and
    the bounds of sums are integers unless declared."""
    plain = set()
    inferred = {}
    declared = decl.real | decl.integer | decl.positive
    for pair in exprs:
        for e in pair:
            plain |= {s for s in e.free_symbols if isinstance(s, sp.Symbol)}
            for s in e.atoms(sp.Sum, sp.Product):
                for limits in s.limits:
                    plain.add(limits[0])
                    if limits[0].name not in declared:
                        inferred.setdefault(limits[0].name, "the index of a sum")
                    for b in limits[1:]:
                        if isinstance(b, sp.Symbol) and b.name not in declared:
                            inferred.setdefault(b.name, "a bound of a sum")
    for c in decl.conditions:
        plain |= c.free_symbols
    mapping = {}
    for s in plain:
        n = s.name
        kwargs = {"real": True}
        if n in decl.integer or n in inferred:
            kwargs["integer"] = True
        if n in decl.positive:
            kwargs["positive"] = True
        mapping[s] = sp.Symbol(n, **kwargs)
    return mapping, inferred


def read_file(path: str) -> Solution:
    """Read a ``.tex`` or ``.md`` file (UTF-8); :class:`ReadError` when it cannot be read."""
    try:
        with open(path, "rb") as handle:
            data = handle.read()
    except OSError as exc:
        raise ReadError(path, None, f"cannot open: {exc.strerror or exc}") from None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[:exc.start].count(b"\n") + 1
        raise ReadError(path, line, "not UTF-8 text") from None
    return read_text(text.replace("\r\n", "\n"), path)
