"""The terminal printer: LaTeX made readable without leaking markup, linear formulas
unambiguous, and every word in the language asked for."""
import re

import pytest
import sympy as sp

from proofs.terminal import _plain, render, summary
from symbolic.check import Verdict
from symbolic.derivation import Assumption, CheckedDerivation, Derivation, Section, Step


@pytest.mark.parametrize("latex, shown", [
    (r"$\mathrm{KL}(p \| q)$", "KL(p ‖ q)"),
    (r"as $\alpha \to 1$", "as α → 1"),
    (r"$D\kappa$", "Dκ"),
    (r"$x \sim p_1$", "x ∼ p_1"),
    (r"$\tfrac12 \ln 2$", "1/2 ln 2"),
    (r"$p^{(1+\alpha)/2} q^{(1-\alpha)/2}$", "p^((1+α)/2) q^((1-α)/2)"),
    (r"$\frac{1}{2\sigma_2^2}$", "1/(2σ_2^2)"),
    (r"$\sqrt{2\pi}$", "√(2π)"),
    (r"$\hat x_i$ --- done", "x̂_i — done"),
    (r"$\ln\frac{\det\Sigma_2}{\det\Sigma_1}$", "ln (det Σ_2)/(det Σ_1)"),
    (r"$e^{-1/s} < 1$", "e^(-1/s) < 1"),
    (r"$\operatorname{Var}\hat g^{\mathrm{RP}}$", "Var ĝ^RP"),
    (r"\parbox{0.92\linewidth}{one sentence}", "one sentence"),
])
def test_latex_is_made_readable(latex, shown):
    assert _plain(latex) == shown
    assert not re.search(r"\\[A-Za-z|]|\$|[{}]", _plain(latex))


def test_ascii_terminal_gets_ascii():
    assert _plain(r"$\mathrm{KL}(p \| q) \ge 0$, $\alpha \to 1$", unicode=False) == "KL(p || q) >= 0, alpha -> 1"


class Toy:
    ID = "toy"


def toy_checked():
    x = sp.Symbol("x", positive=True)
    d = Derivation("Toy", assumptions=[Assumption("$x > 0$")], sections=[
        Section("(a) asked", steps=[Step(x + x, 2 * x, "collect $x$")], answers=[r"2x"]),
        Section("more", part="appendix", steps=[Step(x * x, x**2, "square")])])
    return CheckedDerivation(d, (Verdict("proved", "expand"), Verdict("checked", "numeric")))


def test_russian_terminal_words():
    text = render(Toy, toy_checked(), lang="ru", equations=False)
    assert "(1) ✓ доказано  [раскрытие скобок] collect x" in text
    assert "(2) ~ ПРОВЕРЕНО только численно [численно] square" in text
    assert "Предположения: x > 0; x --- положительное число".replace("---", "—") in text
    assert "Ответ: 2x" in text and "-- (a) asked" in text
    assert text.splitlines()[-1] == "Статус: проверено численно (доказано шагов: 1 из 2, проверено численно: 1)"
    for english in ("proved", "Status", "Answer", "Assumptions", "expand"):
        assert english not in text
    assert summary([(Toy, toy_checked())], "ru") == "Выводов: 1; проверено численно: 1"


def test_english_terminal_keeps_its_form():
    text = render(Toy, toy_checked(), equations=False)
    assert "  (1) ✓ proved  [expansion] collect x" in text
    assert text.splitlines()[-1] == "Status: checked (1/2 steps proved, 1 checked)"
    assert summary([(Toy, toy_checked())]) == "1 derivation(s): 1 checked"


def test_equations_use_the_printed_forms_and_no_english_words():
    from proofs.terminal import _equation
    k, i = sp.symbols("k i", integer=True)
    step = Step(sp.Piecewise((1, k < i), (0, True)), sp.Piecewise((1, k < i), (0, True)), "r")
    assert "при" in _equation(step, True, 100, "ru") and "иначе" in _equation(step, True, 100, "ru")
    assert "for" in _equation(step, True, 100, "en")
    printed = Step(sp.Symbol("M"), sp.Integer(1), "r", lhs_tex=r"M_{21}")
    assert _equation(printed, True, 100) == "      M_21 = 1"
    assert _plain(r"$a \wedge b$", unicode=False) == "a and b"
    assert _plain(r"$\sum_{w=1}^{W} D\kappa$", unicode=False) == "sum _(w=1)^W D kappa"


def test_a_problem_in_russian_prints_no_english(capsys):
    """The whole terminal text of a real problem with other parameters: Latin words are only the
    problem's id, proper names and the letters of formulas."""
    import io

    from proofs.__main__ import main
    class Terminal(io.StringIO):
        encoding = "utf-8"                 # a unicode terminal

    out = Terminal()
    assert main(["run", "output-size", "--values", "16", "--lang", "ru"], out=out) == 0
    words = set(re.findall(r"[A-Za-z]{4,}", out.getvalue()))
    assert words <= {"output", "size", "PixelCNN", "whcv", "numel", "SymPy", "mpmath"}, words
    assert "Выводов: 1; доказано: 1" in out.getvalue()
