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


# --------------------------------------------------------------------------- sections, parts, languages

from symbolic.derivation import Section  # noqa: E402
from symbolic.latex import WORDS, blocks, method_words, word  # noqa: E402
from symbolic.text import mismatches  # noqa: E402


def sectioned():
    y = sp.Symbol("y")
    return Derivation("Sectioned", sections=[
        Section("Asked (a)", steps=[Step(y + y, 2 * y, "collect"), Step(2 * y, y * 2, "reorder")],
                answers=[r"2y"]),
        Section("Extension", part="appendix", steps=[Step(y * y, y**2, "square")],
                notes=["only in the appendix"]),
        Section("Asked (b)", steps=[Step(y - y, 0, "cancel")])])


def test_parts_render_only_their_sections_and_keep_step_numbers():
    checked = sectioned().check()
    main = derivation_latex(checked, parts=("main",))
    appendix = derivation_latex(checked, parts=("appendix",))
    assert "Asked (a)" in main and "Asked (b)" in main and "Extension" not in main
    assert "only in the appendix" in appendix and "Asked" not in appendix
    assert "(3) square" in appendix and "(4) cancel" in main      # numbered across the parts
    assert main.count(r"\tag*") == 3 and main.count(r"\checkmark") == 3


def test_blocks_follow_the_sections():
    found = blocks(sectioned().check())
    assert [(b.heading, b.part, [n for chain in b.chains for n, _, _ in chain]) for b in found] == [
        ("Asked (a)", "main", [1, 2]), ("Extension", "appendix", [3]), ("Asked (b)", "main", [4])]


def test_a_derivation_without_sections_is_all_main():
    d = Derivation(title="t", steps=[Step(x, x, "r")])
    checked = CheckedDerivation(d, (Verdict("proved", "identical"),))
    assert "(1) r" in derivation_latex(checked, parts=("main",))
    assert "(1) r" not in derivation_latex(checked, parts=("appendix",))


def test_russian_words_and_methods():
    checked = CheckedDerivation(Derivation(title="t", steps=[Step(x, x, "r")]), (Verdict("proved", "expand"),))
    text = derivation_latex(checked, lang="ru")
    assert "доказано (раскрытие скобок)" in text and "Статус:" in text and "expand" not in text
    assert method_words("minimum+no-root", "ru") == "поиск минимума, отсутствие корней"
    assert word("checked_mark", "ru") in status_mark("checked", "ru")


def test_the_vocabulary_has_the_same_keys_and_placeholders_in_every_language():
    assert mismatches(WORDS) == []


def test_russian_document_loads_cyrillic_and_compiles(tmp_path, pdflatex):
    tex = document([("Раздел", derivation_latex(sectioned().check(), lang="ru"))], lang="ru")
    assert r"\usepackage[russian]{babel}" in tex and "выводы с машинной проверкой" in tex
    (tmp_path / "main.tex").write_text(tex)
    log = pdflatex(tmp_path)
    assert "Output written" in log and "Overfull \\hbox" not in log


def test_markdown_in_russian():
    from symbolic.notebook import derivation_markdown
    md = derivation_markdown(sectioned().check(), lang="ru")
    assert "**Статус: ✓ доказано** (доказано шагов: 4 из 4)" in md
    assert "`[раскрытие скобок]`" in md or "`[тождественно]`" in md
    assert "#### Asked (a)" in md and "**Ответ:**" in md and "proved" not in md
