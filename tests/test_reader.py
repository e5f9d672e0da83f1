"""symbolic.reader: every construct of the notation list of issue 11 read into the SymPy
expression it means, the chain and row rules, declarations, and what is refused."""
import pytest
import sympy as sp

from symbolic.reader import ReadError, parse_expression, read_text, symbol_name

x, y, a, b, k, n, t, mu = sp.symbols("x y a b k n t mu")
s1, s2, m1, m2 = sp.symbols("sigma_1 sigma_2 mu_1 mu_2")
p = sp.Function("p")


def same(tex, expected, functions=()):
    got = parse_expression(tex, frozenset(functions))
    assert sp.srepr(got) == sp.srepr(sp.sympify(expected)), f"{tex!r} -> {got}, expected {expected}"


@pytest.mark.parametrize("tex, expected", [
    # numbers, decimals (exact), letters, subscripts, primes, Greek
    ("42", 42), ("0.25", sp.Rational(1, 4)), ("1.5 x", sp.Rational(3, 2) * x),
    (r"\sigma_1", s1), (r"\mu_{2}", m2), (r"x_{ij}", sp.Symbol("x_ij")), (r"x_k", sp.Symbol("x_k")),
    ("x'", sp.Symbol("x'")), (r"\sigma'", sp.Symbol("sigma'")), (r"\alpha_\theta", sp.Symbol("alpha_theta")),
    (r"\varepsilon", sp.Symbol("epsilon")), (r"\hat{\mu}_1", sp.Symbol("muhat_1")),
    (r"D_{\mathrm{KL}}", sp.Symbol("D_KL")),
    # operators and implicit multiplication
    (r"a + b - x", a + b - x), (r"a \cdot b", a * b), (r"a \times b", a * b), ("a*b", a * b),
    (r"3 K W H C", 3 * sp.Symbol("K") * sp.Symbol("W") * sp.Symbol("H") * sp.Symbol("C")),
    (r"-x^2", -x ** 2), ("a/b", a / b), (r"a \div b", a / b),
    # fractions, powers, roots
    (r"\frac{a}{b}", a / b), (r"\dfrac{1}{2}", sp.Rational(1, 2)), (r"\tfrac12", sp.Rational(1, 2)),
    (r"\frac 1 n", 1 / n), ("x^{-1}", 1 / x), ("x^23", 3 * x ** 2), (r"2^{10}", 1024),
    (r"\sqrt{x}", sp.sqrt(x)), (r"\sqrt[3]{x}", sp.root(x, 3)), (r"\sigma_1^2", s1 ** 2),
    # grouping
    ("(a+b)^2", (a + b) ** 2), ("[a+b]^2", (a + b) ** 2), (r"\{a+b\}^2", (a + b) ** 2),
    (r"\left( a + b \right)^2", (a + b) ** 2), (r"\left[ a + b \right]", a + b),
    (r"\big( a \big) \Big[ b \Big]", a * b), (r"\bigl( a \bigr)", a), ("{a + b} x", (a + b) * x),
    ("|x|", sp.Abs(x)), (r"\left| x - y \right|", sp.Abs(x - y)), (r"\lvert x \rvert", sp.Abs(x)),
    # functions, with and without parentheses
    (r"\log x", sp.log(x)), (r"\ln x", sp.log(x)), (r"\log(x y)", sp.log(x * y)),
    (r"\log x y", sp.log(x * y)), (r"\log x \cdot y", sp.log(x) * y),
    (r"\log\frac{a}{b}", sp.log(a / b)), (r"\frac12\log\frac{\sigma_2^2}{\sigma_1^2}", sp.log(s2 ** 2 / s1 ** 2) / 2),
    (r"\log 2\pi\sigma_1^2", sp.log(2 * sp.pi * s1 ** 2)), (r"\log\sigma_2 - \log\sigma_1", sp.log(s2) - sp.log(s1)),
    (r"\log \log x", sp.log(sp.log(x))), (r"\log_2 x", sp.log(x, 2)),
    (r"\exp(x)", sp.exp(x)), (r"\exp x", sp.exp(x)), ("e^{x}", sp.exp(x)), ("e^x", sp.exp(x)),
    (r"\mathrm{e}^{-t^2/2}", sp.exp(-t ** 2 / 2)), ("e", sp.E),
    (r"\sin x \cos x", sp.sin(x) * sp.cos(x)), (r"\tan(x)", sp.tan(x)), (r"\cos^2 x", sp.cos(x) ** 2),
    (r"\pi", sp.pi), (r"\infty", sp.oo), (r"-\infty", -sp.oo),
    (r"\operatorname{tr}(a)", a), (r"\operatorname{tr}\left(\frac{a}{b}\right)", a / b), (r"\det a", a),
    (r"\max(a, b)", sp.Max(a, b)), (r"\min(a,b)", sp.Min(a, b)), ("n!", sp.factorial(n)),
    (r"\binom{n}{k}", sp.binomial(n, k)),
])
def test_notation(tex, expected):
    same(tex, expected)


@pytest.mark.parametrize("tex, expected", [
    (r"\int_0^1 x^2 \, dx", sp.Integral(x ** 2, (x, 0, 1))),
    (r"\int_0^1 x^2 dx", sp.Integral(x ** 2, (x, 0, 1))),
    (r"\int_0^1 x^2 \,\mathrm{d}x", sp.Integral(x ** 2, (x, 0, 1))),
    (r"\int_0^1 x^2 \, \mathrm{d} x", sp.Integral(x ** 2, (x, 0, 1))),
    (r"\int^1_0 x \, dx", sp.Integral(x, (x, 0, 1))),
    (r"\int_{-\infty}^{\infty} e^{-t^2} \, dt", sp.Integral(sp.exp(-t ** 2), (t, -sp.oo, sp.oo))),
    (r"\int e^{-x^2} dx", sp.Integral(sp.exp(-x ** 2), (x, -sp.oo, sp.oo))),     # no bounds: the real line
    (r"\int_a^b x + 1 \, dx", sp.Integral(x + 1, (x, a, b))),
    (r"\sum_{k=1}^{n} k", sp.Sum(k, (k, 1, n))), (r"\sum_{k=1}^n k^2", sp.Sum(k ** 2, (k, 1, n))),
    (r"\sum_{k=0}^{\infty} x^k", sp.Sum(x ** k, (k, 0, sp.oo))),
    (r"\sum^{n}_{k=1} (2k - 1)", sp.Sum(2 * k - 1, (k, 1, n))),
    (r"2 \sum_{k=1}^{n} k + 1", 2 * sp.Sum(k, (k, 1, n)) + 1),          # the body stops at +
    (r"\prod_{k=1}^{n} k", sp.Product(k, (k, 1, n))),
    (r"\lim_{x \to 0} \frac{\sin x}{x}", sp.Limit(sp.sin(x) / x, x, 0, "+-")),
    (r"\lim_{x \to 0^+} x", sp.Limit(x, x, 0, "+")), (r"\lim_{x \to 0^{-}} x", sp.Limit(x, x, 0, "-")),
    (r"\lim_{x \to \infty} 1/x", sp.Limit(1 / x, x, sp.oo, "-")),
    (r"\lim_{x \rightarrow -\infty} e^x", sp.Limit(sp.exp(x), x, -sp.oo, "+")),
    (r"\frac{d}{dx} x^2", sp.Derivative(x ** 2, x)), (r"\frac{\mathrm{d}}{\mathrm{d}x} x^2", sp.Derivative(x ** 2, x)),
    (r"\frac{d^2}{dx^2} x^3", sp.Derivative(x ** 3, (x, 2))),
    (r"\frac{\partial}{\partial \mu} \mu^2", sp.Derivative(mu ** 2, mu)),
    (r"\frac{\partial}{\partial \mu}\left( x - \mu \right)^2", sp.Derivative((x - mu) ** 2, mu)),
    (r"\nabla_{\mu} \mu^2", sp.Derivative(mu ** 2, mu)), (r"\nabla_\mu \mu^2", sp.Derivative(mu ** 2, mu)),
])
def test_integrals_sums_limits_derivatives(tex, expected):
    same(tex, expected)


def test_declared_functions_are_applied_and_others_multiply():
    same("p(x)", p(x), functions={"p"})
    same("p(x)", sp.Symbol("p") * x)
    same(r"\log p(x)", sp.log(p(x)), functions={"p"})
    same(r"\frac{\partial p}{\partial x}", sp.Derivative(p(x), x), functions={"p"})
    same(r"\frac{\partial}{\partial \mu} \log p(\mu)", sp.Derivative(sp.log(p(mu)), mu), functions={"p"})
    same("f(x, y)", sp.Function("f")(x, y), functions={"f"})


def test_symbol_names():
    assert symbol_name(r"\sigma_{1}") == symbol_name(r"\sigma_1") == "sigma_1"
    assert symbol_name(r"\varphi") == "phi" and symbol_name(r"\bar x") == "xbar"


@pytest.mark.parametrize("tex", [r"\frac{1}{", r"a +", r"\cdot a", r"a \cdot", r"\cdots", r"f(a, b)",
                                 r"\log", r"\mathbb{E}[x]", r"\int x", r"x \approx"])
def test_what_cannot_be_read_is_refused(tex):
    with pytest.raises(ValueError):
        parse_expression(tex)


def test_no_text_is_evaluated():
    with pytest.raises(ValueError):
        parse_expression("__import__('os').system('true')")


# --------------------------------------------------------------------------- files

def steps(text, kind="tex"):
    return [(s.line, s.relation, s.lhs_tex, s.rhs_tex) for s in read_text(text, "f." + kind).steps]


def test_chains_rows_and_continuations():
    text = "\n".join([
        r"\begin{align*}",                              # 1
        r"  a &= b = c \le d \\",                       # 2
        r"    &< e \label{x} \\",                       # 3  continues from d
        r"  f &\geq g, \quad \text{for } g > 0 \\",     # 4  prose after the comma is dropped
        r"  h &= i + j \nonumber \\",                   # 5
        r"    &\quad + k \\",                           # 6  continues the expression i + j
        r"    &= m.",                                   # 7
        r"\end{align*}",
    ])
    assert steps(text) == [
        (2, "==", "a", "b"), (2, "==", "b", "c"), (2, "<=", "c", "d"), (3, "<", "d", "e"),
        (4, ">=", "f", "g"), (5, "==", "h", "i + j \\quad + k"), (7, "==", "i + j \\quad + k", "m")]


def test_environments_and_what_is_ignored():
    text = "\n".join([
        r"Inline $a = b$ is prose.",                                # 1
        r"\begin{equation} x = 1 \end{equation}",                   # 2
        r"\begin{equation*} x = 2 \end{equation*}",                 # 3
        r"\begin{gather} x = 3 \\ y = 4 \end{gather}",              # 4
        r"\begin{gather*} x = 5 \end{gather*}",                     # 5
        r"\begin{multline*} x = 6 \\ + 7 \end{multline*}",          # 6
        r"\[ x = 8 \]",                                             # 7
        r"$$ x = 9 $$",                                             # 8
        r"\begin{align} x &= 10 \end{align}",                       # 9
        r"% \[ x = 11 \] is a comment",                             # 10
        r"\begin{equation}\begin{split} x &= 12 \\ &= 13 \end{split}\end{equation}",   # 11
        r"\[ x \approx 14 = 15 \]",                                 # 12 \approx is not checked
        r"\[ x \text{ is } y = 16 \]",                              # 13 prose ends the formula
    ])
    assert [(l, r) for l, _, _, r in steps(text)] == [
        (2, "1"), (3, "2"), (4, "3"), (4, "4"), (5, "5"), (6, "6 + 7"), (7, "8"), (8, "9"), (9, "10"),
        (11, "12"), (11, "13"), (12, "15")]


def test_markdown_blocks_comments_and_code():
    text = "\n".join([
        "# Title",                                      # 1
        "<!-- dgm-proofs: positive s -->",              # 2
        "Inline $s = 1$ and a code block:",             # 3
        "```",                                          # 4
        "$$ s = 2 $$",                                  # 5  code, not math
        "```",                                          # 6
        "$$",                                           # 7
        r"\sqrt{s^2} = s % a comment inside the math",  # 8
        "$$",                                           # 9
    ])
    solution = read_text(text, "f.md")
    assert [(s.line, s.rhs_tex) for s in solution.steps] == [(8, "s")]
    step = solution.steps[0]
    assert step.lhs.free_symbols == {sp.Symbol("s", positive=True)}
    assert solution.undeclared == []


def test_markdown_fences_longer_than_three_and_a_fence_never_closed_are_code():
    text = "\n".join([
        "$$ a = a $$",                                  # 1  math
        "````",                                         # 2  a fence of four
        "$$ s = 2 $$",                                  # 3  code
        "```",                                          # 4  too short to close it
        "$$ s = 3 $$",                                  # 5  still code
        "````",                                         # 6  closes
        "$$ b = b $$",                                  # 7  math
        "~~~",                                          # 8  never closed: code to the end
        "$$ s = 4 $$",                                  # 9
    ])
    assert [s.line for s in read_text(text, "f.md").steps] == [1, 7]


def test_declarations_and_default_real():
    text = "\n".join([
        r"% dgm-proofs: assume \sigma_1 > 0, 0 < r, r < 1",
        r"% dgm-proofs: integer n",
        r"% dgm-proofs: positive W, \lambda",
        r"% dgm-proofs: real z",
        r"% dgm-proofs: functions p, q",
        r"\[ \sigma_1 r n W \lambda z x + p(x) + \sum_{k=1}^{m} k = 0 \]",
    ])
    solution = read_text(text, "f.tex")
    symbols = {s.name: s for s in solution.steps[0].lhs.free_symbols}
    assert symbols["n"].is_integer and symbols["W"].is_positive and symbols["lambda"].is_positive
    assert symbols["x"].is_real and symbols["x"].is_positive is None          # undeclared: real
    assert symbols["m"].is_integer and solution.inferred == {"k": "the index of a sum", "m": "a bound of a sum"}
    assert solution.undeclared == ["r", "sigma_1", "x"]
    assert [str(c) for c in solution.assumptions()] == ["sigma_1 > 0", "0 < r", "r < 1"]
    assert solution.steps[0].lhs.atoms(sp.core.function.AppliedUndef) == {sp.Function("p")(symbols["x"])}
    assert "\\sigma_1 > 0 (line 1)" in solution.assumed()


def test_a_limit_written_on_the_right_is_checked_as_a_limit():
    [step] = read_text(r"\[ 1 \le \lim_{x \to 0} \frac{\sin x}{x} \]", "f.tex").steps
    assert isinstance(step.lhs, sp.Limit) and step.relation == ">=" and step.rhs == 1


@pytest.mark.parametrize("text, line, words", [
    ("a\n\\[\n x = \\frac{1}{ \n\\]\n", 3, "cannot read"),
    ("\\[ = 3 \\]\n", 1, "no left-hand side"),
    ("\\[ x = \\]\n", 1, "nothing on the right"),
    ("\n\\begin{align*} a = b\n", 2, "never closed"),
    ("% dgm-proofs: assume x\n", 1, "must be a relation"),
    ("% dgm-proofs: positive 2x\n", 1, "not a symbol"),
    ("% dgm-proofs: functions f(x)\n", 1, "not a function name"),
    ("% dgm-proofs: declare x\n", 1, "unknown declaration"),
])
def test_errors_name_the_file_and_line(text, line, words):
    with pytest.raises(ReadError) as info:
        read_text(text, "sol.tex")
    assert str(info.value).startswith(f"sol.tex:{line}: ") and words in str(info.value)
    assert isinstance(info.value, ValueError)
