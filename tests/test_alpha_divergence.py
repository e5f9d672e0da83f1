"""proofs.alpha_divergence: the LV-3 derivation checks, its results, LaTeX, figure, options."""
import hashlib
import os
import shutil
import subprocess

import pytest
import sympy as sp

import proofs.alpha_divergence as problem
from proofs import registry
from proofs.problem import options_for
from symbolic.check import DEFAULT_BUDGET
from symbolic.derivation import result_to_json
from symbolic.gaussian import kl_normal
from symbolic.latex import derivation_latex, document

# the default derivations are checked once per process and shared (proofs.registry);
# keeping these files on one xdist worker lets them share that work
pytestmark = pytest.mark.xdist_group("derivations")


@pytest.fixture(scope="module")
def checked():
    # the default derivation (d = 2), shared through the registry's memo with the report tests
    return registry.checked(problem, options_for(problem), DEFAULT_BUDGET)


def test_every_step_is_proved_and_every_goal_reached(checked):
    bad = [(k + 1, s.reason, v.status, v.detail) for k, (s, v) in enumerate(checked.steps)
           if v.status != "proved"]
    assert bad == []
    assert checked.goals_reached
    assert checked.status == "proved"
    assert len(checked.derivation.goals) >= 10


def test_both_general_limits_are_reached_by_the_series_and_by_lhopital(checked):
    d = checked.derivation
    x = sp.Symbol("x", real=True)
    p, q = sp.Function("p")(x), sp.Function("q")(x)
    kl_pq = sp.Integral(p * sp.log(p / q), (x, -sp.oo, sp.oo))
    kl_qp = sp.Integral(q * sp.log(q / p), (x, -sp.oo, sp.oo))
    assert d.results["limit_plus_general"] == kl_pq
    assert d.results["limit_minus_general"] == kl_qp
    headings = [s.heading for s in d.steps if s.heading]
    assert any("series" in h for h in headings) and any("L'Hopital" in h for h in headings)
    # two goals end at each KL: the series route's limit and L'Hopital's quotient
    ends = [g.rhs.replace(lambda t: isinstance(t, sp.Integral), lambda t: sp.Integral(t.function, *t.limits))
            .xreplace({sp.Function("p", positive=True)(x): p, sp.Function("q", positive=True)(x): q})
            for g in d.goals]
    assert ends.count(kl_pq) == 2 and ends.count(kl_qp) == 2


def test_results_are_the_gaussian_formulas_and_equal_lv1_exactly(checked):
    r = checked.derivation.results
    mu1, mu2 = sp.symbols("mu1 mu2", real=True)
    s1, s2 = sp.symbols("sigma1 sigma2", positive=True)
    alpha = sp.Symbol("alpha", real=True)
    assert r["alpha_normal"].free_symbols == {mu1, mu2, s1, s2, alpha}
    assert r["limit_plus_normal"] == kl_normal(mu1, s1, mu2, s2)
    assert r["limit_minus_normal"] == kl_normal(mu2, s2, mu1, s1)
    # the JSON form round-trips through sympify
    assert sp.sympify(result_to_json(r["alpha_normal"])) == r["alpha_normal"]
    for key in ("limit_plus_general", "limit_minus_general", "limit_plus_normal", "limit_minus_normal"):
        assert isinstance(result_to_json(r[key]), str)
    assert sp.sympify(result_to_json(r["limit_plus_general"])) == r["limit_plus_general"]


def test_answers_are_the_two_limits_and_the_gaussian_closed_form(checked):
    answers = checked.derivation.answers
    assert len(answers) == 4
    assert r"\lim_{\alpha\to 1}" in answers[0] and r"\mathrm{KL}(p\|q)" in answers[0]
    assert r"\lim_{\alpha\to -1}" in answers[1] and r"\mathrm{KL}(q\|p)" in answers[1]
    assert r"\sqrt{s}" in answers[2] and "s = " in answers[3]
    assert all("$" not in a for a in answers)


def test_every_cross_check_passes(checked):
    checks = checked.as_dict()["cross_checks"]
    assert len(checks) == 4
    assert [c["passed"] for c in checks] == [True] * 4
    assert any("quadrature" in c["what"] for c in checks)
    assert any("categorical" in c["what"] for c in checks)


def test_example_values_follow_the_alpha_option():
    d = problem.build(options_for(problem, dim=1, alpha="3"))
    assert d.results["example_alpha"] == 3
    assert sp.N(d.results["example_normal"], 20) > 0
    diverging = problem.build(options_for(problem, dim=1, alpha="-3"))   # s = 9/4 (-1) + 2 < 0
    assert diverging.results["example_normal"] == "does not exist"


def test_the_derivation_is_deterministic():
    one = problem.build(options_for(problem, dim=1, seed=4))
    two = problem.build(options_for(problem, dim=1, seed=4))
    assert one.steps == two.steps and one.results == two.results
    other = problem.build(options_for(problem, dim=1, seed=5))
    assert other.results["example_categorical"] != one.results["example_categorical"]


@pytest.mark.skipif(shutil.which("pdflatex") is None, reason="pdflatex not installed")
def test_latex_compiles(checked, tmp_path):
    (tmp_path / "main.tex").write_text(document([(problem.TITLE, derivation_latex(checked))]))
    run = subprocess.run(["pdflatex", "-interaction=nonstopmode", "-halt-on-error", "main.tex"],
                         cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stdout[-2000:]
    log = (tmp_path / "main.log").read_text(errors="replace")
    assert "Overfull \\hbox" not in log


def test_figure_is_drawn_deterministically(tmp_path):
    (figure,) = problem.figures(options_for(problem))
    digests = []
    for name in ("a", "b"):
        stem = str(tmp_path / name)
        figure.draw(stem)
        assert os.path.getsize(stem + ".pdf") > 1000 and os.path.getsize(stem + ".png") > 1000
        digests.append(tuple(hashlib.sha256(open(stem + ext, "rb").read()).hexdigest()
                             for ext in (".pdf", ".png")))
    assert digests[0] == digests[1]


def test_figure_data_marks_the_two_kl_values_and_is_continuous_through_them():
    alphas, values, kl_plus, kl_minus = problem.figure_data(points=220)
    assert kl_plus == pytest.approx(float(kl_normal(0, 1, 1, sp.Rational(3, 2))))
    assert kl_minus == pytest.approx(float(kl_normal(1, sp.Rational(3, 2), 0, 1)))
    near_plus = min(range(len(alphas)), key=lambda k: abs(alphas[k] - 1))
    near_minus = min(range(len(alphas)), key=lambda k: abs(alphas[k] + 1))
    assert values[near_plus] == pytest.approx(kl_plus, abs=0.02)
    assert values[near_minus] == pytest.approx(kl_minus, abs=0.02)
    assert all(v >= 0 for v in values)


@pytest.mark.parametrize("overrides, message", [
    (dict(dim=3), "--dim must be 1 or 2"),
    (dict(dim=0), "--dim must be 1 or 2"),
    (dict(alpha="one half"), "--alpha"),
    (dict(alpha="1/0"), "--alpha"),
    (dict(seed=-1), "--seed"),
])
def test_bad_options_raise_value_error(overrides, message):
    with pytest.raises(ValueError, match=message):
        problem.build(options_for(problem, **overrides))


def test_cli_type_rejects_non_rational_alpha():
    import argparse
    with pytest.raises(argparse.ArgumentTypeError, match="rational"):
        problem.rational("abc")
    assert problem.rational("0.25") == sp.Rational(1, 4)
