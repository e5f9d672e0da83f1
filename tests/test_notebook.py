"""Derivations in Jupyter: ``_repr_markdown_`` with MathJax ``$$`` blocks, status marks and
reasons, checked once per derivation (not at every display); and the example notebook
examples/your-own-derivation.ipynb executed headless with nbclient and ipykernel."""
import os
import re

import pytest
import sympy as sp

import symbolic.derivation as derivation_module
from symbolic import Derivation, Goal, Step
from symbolic.check import Verdict
from symbolic.derivation import CheckedDerivation
from symbolic.notebook import derivation_markdown, prose_markdown

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
NOTEBOOK = os.path.join(ROOT, "examples", "your-own-derivation.ipynb")

x = sp.Symbol("x", positive=True)


def toy():
    return Derivation("A toy identity", goals=[Goal(sp.log(x**2), sp.log(x**3) - sp.log(x))], steps=[
        Step(sp.log(x**2), 2 * sp.log(x), "the power rule, valid for $x > 0$"),
        Step(2 * sp.log(x), sp.log(x**3) - sp.log(x), "the power rule again")])


@pytest.fixture
def count_checks(monkeypatch):
    """How many times derivations were checked (groups of claims submitted by Derivation.check)."""
    calls = []

    class Counting(derivation_module.Checking):
        def submit(self, claims):
            claims = list(claims)
            calls.append(len(claims))
            return super().submit(claims)
    monkeypatch.setattr(derivation_module, "Checking", Counting)
    return calls


def math_blocks(markdown):
    """The $$ ... $$ display blocks; asserts they are balanced and contain no blank line."""
    assert markdown.count("$$") % 2 == 0
    blocks = re.findall(r"^\$\$\n(.*?)\n\$\$$", markdown, re.S | re.M)
    assert len(blocks) * 2 == markdown.count("$$")
    for block in blocks:
        assert "\n\n" not in block and block.strip()
    return blocks


def test_a_derivation_shows_as_markdown_and_is_checked_once(count_checks):
    from IPython.core.formatters import DisplayFormatter
    d = toy()
    formatter = DisplayFormatter()
    first, _ = formatter.format(d)                  # what Jupyter asks for at a display
    second, _ = formatter.format(d)
    assert count_checks == [2]                      # one check of both steps, for every display
    assert first == second
    assert {"text/plain", "text/markdown", "text/latex"} <= set(first)
    md = first["text/markdown"]
    assert md.startswith("### A toy identity\n\n**Status: ✓ proved** (2/2 steps proved)\n")
    assert "**Assumptions:** $x$ is positive." in md
    assert re.search(r"^\(1\) ✓ proved `\[\w+\]` the power rule, valid for \$x > 0\$$", md, re.M)
    assert re.search(r"^\(2\) ✓ proved `\[\w+\]` the power rule again$", md, re.M)
    assert math_blocks(md) == [r"\ln{\left(x^{2} \right)} = 2 \ln{\left(x \right)}",
                               r"{} = - \ln{\left(x \right)} + \ln{\left(x^{3} \right)}"]
    assert r"\checkmark" in first["text/latex"]


def test_a_derivation_checked_before_display_is_not_checked_again(count_checks):
    d = toy()
    checked = d.check(budget=30)
    assert d.checked_for_display() is checked
    assert d._repr_markdown_() == checked._repr_markdown_() == derivation_markdown(checked)
    assert count_checks == [2]
    assert toy().checked_for_display() is not checked          # a new derivation: its own check
    assert count_checks == [2, 2]


def test_a_checked_derivation_displays_without_checking(count_checks):
    d = toy()
    verdicts = (Verdict("proved", "expand"), Verdict("proved", "cancel"))
    md = CheckedDerivation(d, verdicts)._repr_markdown_()
    assert count_checks == []
    assert "`[expand]`" in md and "`[cancel]`" in md


def test_checked_failed_and_unknown_are_never_marked_proved():
    d = Derivation("Marks", steps=[Step(x, x, "one"), Step(x, x, "two"), Step(x, x, "three")])
    verdicts = (Verdict("checked", "numeric", detail="holds at 12 points; not a proof"),
                Verdict("failed", "numeric", counterexample={"x": sp.Rational(1, 2)},
                        values=(sp.Rational(1, 2), sp.Integer(3))),
                Verdict("unknown", "budget", detail="the budget ran out"))
    md = derivation_markdown(CheckedDerivation(d, verdicts))
    lines = [line for line in md.splitlines() if line.startswith("(")]
    assert lines == [
        "(1) ~ **CHECKED numerically only, not proved** `[numeric]` one (holds at 12 points; not a proof)",
        r"(2) ✗ **FAILED** `[numeric]` two; counterexample: $x = \frac{1}{2}$ "
        r"(left side $\frac{1}{2}$, right side $3$)",
        "(3) ? **UNDECIDED** `[budget]` three (the budget ran out)"]
    assert "✓" not in md
    assert md.splitlines()[2] == "**Status: ✗ FAILED** (0/3 steps proved, 1 checked, 1 failed, 1 unknown)"


def test_claims_headings_answers_and_cross_checks_render():
    from symbolic import Claim, CrossCheck
    m = sp.Symbol("m", positive=True, integer=True)
    d = Derivation("Everything", id="all",
                   claims=[Claim("the homework says $m = 1$", m, 1)],
                   steps=[Step(m + m, 2 * m, "collect *terms*", heading="Part (a) <first>")],
                   notes=["A note with $m$."], answers=[r"m \ge 1"],
                   cross_checks=[CrossCheck("sum", "1", "error 0", True), CrossCheck("mean", "0", "off", False)])
    verdicts = (Verdict("proved", "expand"),)
    claim = (Verdict("failed", "numeric", counterexample={"m": 2}, values=(2, 1)),)
    md = derivation_markdown(CheckedDerivation(d, verdicts, claim))
    assert "**As stated in the homework:** the homework says $m = 1$ — **does not hold**; " \
           "counterexample: $m = 2$ (left side $2$, right side $1$)." in md
    assert "#### Part (a) \\<first\\>" in md
    assert "collect \\*terms\\*" in md
    assert "A note with $m$." in md
    assert "**Answer:**\n$$\n\\boxed{m \\ge 1}\n$$" in md
    assert "| sum | 1 | error 0 | agrees |" in md and "| mean | 0 | off | **DISAGREES** |" in md
    math_blocks(md)


def test_prose_keeps_mathematics_and_escapes_the_rest():
    assert prose_markdown(r"a_b * c and $a_b * c$") == r"a\_b \* c and $a_b * c$"
    assert prose_markdown("costs $5") == r"costs \$5"                # unbalanced: all prose
    assert prose_markdown("two\n\n# lines") == r"two \# lines"      # never a heading or a new paragraph


# --------------------------------------------------------------------------- the example notebook

def _outputs(cell):
    return [o for o in cell.get("outputs", [])]


def test_the_example_notebook_runs_headless_and_shows_checked_derivations():
    import nbformat
    from nbclient import NotebookClient
    nb = nbformat.read(NOTEBOOK, as_version=4)
    nbformat.validate(nb)
    assert all(not cell.get("outputs") for cell in nb.cells if cell.cell_type == "code")  # stored clean
    NotebookClient(nb, timeout=120, kernel_name="python3",
                   resources={"metadata": {"path": ROOT}}).execute()
    code = [cell for cell in nb.cells if cell.cell_type == "code"]
    errors = [o for cell in code for o in _outputs(cell) if o.output_type == "error"]
    assert errors == []

    def markdown_of(cell):
        (result,) = [o for o in _outputs(cell) if o.output_type == "execute_result"]
        assert "text/latex" in result.data
        return result.data["text/markdown"]

    prior = markdown_of(code[1])
    assert prior.startswith("### The VAE's prior term is non-negative\n\n"
                            "**Status: ✓ proved** (3/3 steps proved)\n")
    assert "**Assumptions:** $\\mu$ is real; $\\sigma$ is positive." in prior
    assert re.findall(r"^\((\d)\) ✓ proved", prior, re.M) == ["1", "2", "3"]
    assert "a square is non-negative" in prior
    assert len(math_blocks(prior)) == 3

    printed = "".join(o.get("text", "") for o in _outputs(code[2]) if o.output_type == "stream")
    assert printed == "proved ['proved', 'proved', 'proved']\n"

    slip = markdown_of(code[3])
    assert "**Status: ✗ FAILED** (1/2 steps proved, 1 failed)" in slip
    assert re.search(r"^\(1\) ✓ proved .* the log of a product$", slip, re.M)
    failed = re.search(r"^\(2\) ✗ \*\*FAILED\*\* `\[\w+\]` the log of a product, misremembered; "
                       r"counterexample: \$a = (\S+)\$, \$b = (\S+)\$", slip, re.M)
    assert failed, slip
    a, b = (sp.sympify(failed.group(k).replace("\\frac{", "(").replace("}{", ")/(").replace("}", ")"))
            for k in (1, 2))
    assert a > 0 and b > 0 and abs(sp.N(sp.log(a) + sp.log(b) - sp.log(a) * sp.log(b))) > 1e-6

    # the LaTeX string, read by symbolic.reader: only the step with the planted error fails
    from_latex = markdown_of(code[4])
    assert "**Status: ✗ FAILED** (3/4 steps proved, 1 failed)" in from_latex
    assert "**Assumptions:** $\\mu$ is real; $\\sigma$ is positive." in from_latex
    marks = re.findall(r"^\((\d)\) (✓ proved|✗ \*\*FAILED\*\*) `\[\w+\]` line (\d) of the LaTeX", from_latex, re.M)
    assert marks == [("1", "✓ proved", "5"), ("2", "✓ proved", "6"), ("3", "✗ **FAILED**", "7"),
                     ("4", "✓ proved", "7")]
    assert "\\frac{1}{2}\\left(\\sigma^2 + \\mu^2 - 1\\right) - \\log\\sigma \\ge \\mu^2" in from_latex
    assert len(math_blocks(from_latex)) == 4
