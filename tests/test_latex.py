"""LaTeX: escaping, status marks, long lines, and a document that compiles."""
import pytest
import sympy as sp

from symbolic.check import Verdict
from symbolic.derivation import CheckedDerivation, Derivation, Step
from symbolic.latex import derivation_latex, document, expr_latex, status_mark, text_latex

x = sp.Symbol("x", positive=True)


def test_text_is_escaped_outside_math():
    assert text_latex("a_b & 100% #1 $x_1^2$") == r"a\_b \& 100\% \#1 $x_1^2$"


def test_unbalanced_dollar_is_an_error():
    with pytest.raises(ValueError, match="unbalanced"):
        text_latex("cost $5")


def test_natural_log_is_ln():
    assert expr_latex(sp.log(x)) == r"\ln{\left(x \right)}"


def test_every_status_is_marked_differently():
    marks = {status_mark(s) for s in ("proved", "checked", "failed", "unknown")}
    assert len(marks) == 4
    assert "not proved" in status_mark("checked")


def test_checked_step_is_labelled_checked_in_latex():
    d = Derivation(title="t", steps=[Step(x, x, "r")])
    checked = CheckedDerivation(d, (Verdict("checked", "numeric"),))
    text = derivation_latex(checked)
    assert "checked numerically" in text and r"\checkmark" not in text


def test_long_sums_are_broken_across_lines():
    long_sum = sp.Add(*[sp.Symbol(f"alpha_{i}") ** 2 * sp.Symbol(f"beta_{i}") for i in range(30)])
    d = Derivation(title="long", steps=[Step(sp.Symbol("S"), long_sum, "definition")])
    text = derivation_latex(CheckedDerivation(d, (Verdict("proved", "identical"),)))
    assert text.count(r"&\quad") >= 3


def test_document_compiles(tmp_path, pdflatex):
    long_sum = sp.Add(*[sp.Symbol(f"alpha_{i}") ** 2 * sp.Symbol(f"beta_{i}") for i in range(30)])
    d = Derivation(title="A & B: 100% proved", steps=[
        Step(sp.log(x**2), 2 * sp.log(x), "power rule, $x > 0$"),
        Step(2 * sp.log(x), sp.log(x) + sp.log(x), "doubling"),
        Step(sp.Symbol("S"), long_sum, "a long sum", heading="A long line")])
    (tmp_path / "main.tex").write_text(document([("Section", derivation_latex(d.check()))]))
    log = pdflatex(tmp_path)
    assert "Output written" in log
    assert "Overfull \\hbox" not in log
