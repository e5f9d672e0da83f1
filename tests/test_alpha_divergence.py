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
from symbolic.text import mismatches, say
from conftest import untranslated

# the default derivations are checked once per process and shared (proofs.registry);
# keeping these files on one xdist worker lets them share that work
pytestmark = pytest.mark.xdist_group("derivations")


@pytest.fixture(scope="module")
def checked(shared_verdicts):
    # the default derivation (d = 2), shared through the registry's memo with the report tests
    return registry.checked(problem, options_for(problem), DEFAULT_BUDGET, shared_verdicts)


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
    keys = [sec.heading.key for sec in d.sections]
    assert keys[:3] == ["notation_heading", "plus_heading", "minus_heading"]
    assert {"mirror_heading", "lhopital_heading"} <= set(keys)
    # two goals end at each KL: the series route's limit and L'Hopital's quotient
    ends = [g.rhs.replace(lambda t: isinstance(t, sp.Integral), lambda t: sp.Integral(t.function, *t.limits))
            .xreplace({sp.Function("p", positive=True)(x): p, sp.Function("q", positive=True)(x): q})
            for g in d.goals]
    assert ends.count(kl_pq) == 2 and ends.count(kl_qp) == 2


def test_the_main_part_is_the_two_limits_each_with_a_boxed_answer(checked):
    d = checked.derivation
    main = [sec for sec in d.sections if sec.part == "main"]
    assert [len(sec.answers) for sec in main] == [0, 1, 1]
    assert r"\lim_{\alpha\to 1}" in main[1].answers[0] and r"\mathrm{KL}(p\,\|\,q)" in main[1].answers[0]
    assert r"\lim_{\alpha\to -1}" in main[2].answers[0] and r"\mathrm{KL}(q\,\|\,p)" in main[2].answers[0]
    # the series variable is two-sided, and the limits are taken from both sides
    limits = [s.lhs for sec in main for s in sec.steps if isinstance(s.lhs, sp.Add) and s.lhs.has(sp.Limit)]
    directions = {str(lim.args[3]) for step in limits for lim in step.atoms(sp.Limit)}
    assert len(limits) == 2 and directions == {"+-"}
    eps = sp.Symbol("epsilon", real=True, nonzero=True)
    assert all(s.lhs.has(eps) for sec in main for s in sec.steps)
    # no K for the KL: the printed forms say KL
    printed = " ".join((s.lhs_tex or "") + (s.rhs_tex or "") for sec in main for s in sec.steps)
    assert "K" not in printed.replace(r"\mathrm{KL}", "")


def test_lhopital_reasons_name_the_right_powers():
    d = problem.build(options_for(problem, dim=1))
    rules = [s.reason for s in d.steps if getattr(s.reason, "key", None) == "lhopital_rule"]
    assert [r.values["powers"] for r in rules] == ["p^1 q^0 = p", "p^0 q^1 = q"]
    assert "p^0 q^1 = q" in say(rules[1], "ru")


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
    assert len(answers) == 3
    assert r"\lim_{\alpha\to 1}" in answers[0] and r"\lim_{\alpha\to -1}" in answers[1]
    assert r"\sqrt{s}" in answers[2] and "s = " in answers[2]
    assert all("$" not in a and "\\text" not in a for a in answers)


def test_every_cross_check_passes(checked):
    checks = checked.as_dict()["cross_checks"]
    assert len(checks) == 4
    assert [c["passed"] for c in checks] == [True] * 4
    assert any("quadrature" in c["what"] for c in checks)
    assert any("categorical" in c["what"] for c in checks)
    assert "below $10^{-20}$" in checks[0]["outcome"]


def test_every_sentence_comes_from_the_catalogue_for_default_and_other_parameters():
    assert mismatches(problem.T) == []
    for overrides in ({}, dict(alpha="1/3"), dict(alpha="-3", dim=1), dict(alpha="1", seed=3)):
        d = problem.build(options_for(problem, **overrides))
        assert untranslated(d) == [], overrides
        assert all(sec.heading.render("ru") != sec.heading for sec in d.sections)


def test_non_default_alpha_is_proved_step_by_step(shared_verdicts):
    d = problem.build(options_for(problem, dim=1, alpha="1/3", seed=2))
    checked = d.check(budget=DEFAULT_BUDGET, cache=shared_verdicts)
    assert [(k, v.status) for k, v in enumerate(checked.verdicts) if v.status != "proved"] == []
    assert checked.status == "proved"
    assert d.results["example_alpha"] == sp.Rational(1, 3)
    assert d.results["mvn_dim"] == 1


def test_params_validate_in_one_place():
    assert problem.params_from(options_for(problem, alpha="-3/2")) == problem.Params(
        dim=2, alpha=problem.Fraction(-3, 2), seed=0)
    with pytest.raises(ValueError, match="alpha must be a rational number from -10 to 10"):
        problem.Params(alpha=problem.Fraction(21, 2))
    with pytest.raises(ValueError, match="denominator of at most 1000"):
        problem.Params(alpha=problem.Fraction(1, 1001))
    with pytest.raises(ValueError, match="dim must be an integer from 1 to 2"):
        problem.Params(dim=3)


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
    assert "Overfull" not in _compile(tmp_path)
    (tmp_path / "main.tex").write_text(document([(problem.TITLE, derivation_latex(checked, lang="ru"))],
                                                lang="ru"))
    assert "Overfull" not in _compile(tmp_path)


def _compile(tmp_path):
    run = subprocess.run(["pdflatex", "-interaction=nonstopmode", "-halt-on-error", "main.tex"],
                         cwd=tmp_path, capture_output=True, text=True, errors="replace", timeout=120)
    assert run.returncode == 0, run.stdout[-2000:]
    return (tmp_path / "main.log").read_text(errors="replace")


@pytest.mark.parametrize("lang", ["en", "ru"])
def test_figure_is_drawn_deterministically_in_each_language(tmp_path, lang):
    (figure,) = problem.figures(options_for(problem), lang=lang)
    assert figure.caption.key == "figure_caption" and "$" in say(figure.caption, lang)
    digests = []
    for name in ("a", "b"):
        stem = str(tmp_path / name)
        figure.draw(stem)
        assert os.path.getsize(stem + ".pdf") > 1000 and os.path.getsize(stem + ".png") > 1000
        digests.append(tuple(hashlib.sha256(open(stem + ext, "rb").read()).hexdigest()
                             for ext in (".pdf", ".png")))
    assert digests[0] == digests[1]


def test_figure_texts_follow_the_language(monkeypatch):
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    seen = {}
    monkeypatch.setattr(plt.Figure, "savefig", lambda fig, *a, **k: seen.setdefault("fig", fig))
    (figure,) = problem.figures(options_for(problem), lang="ru")
    figure.draw("unused")
    ax = seen["fig"].axes[0]
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    assert "явная формула" in labels[0] and "при" in labels[1] and "0{,}3499" in labels[1]
    assert ax.get_xlabel() and ax.get_ylabel() and ax.get_title()
    assert min(t.get_fontsize() for t in [ax.title, ax.xaxis.label, ax.yaxis.label] + ax.get_legend().get_texts()
               + ax.get_xticklabels()) >= 9           # printed at about 0.97 of its size: >= 8 pt
    with pytest.raises(ValueError, match="language"):
        problem.figures(options_for(problem), lang="de")


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
    (dict(seed=-1), "--seed must be an integer from 0"),
])
def test_bad_options_raise_value_error(overrides, message):
    with pytest.raises(ValueError, match=message):
        problem.build(options_for(problem, **overrides))


def test_cli_type_rejects_non_rational_alpha():
    import argparse
    with pytest.raises(argparse.ArgumentTypeError, match="rational"):
        problem.rational("abc")
    assert problem.rational("0.25") == sp.Rational(1, 4)


@pytest.mark.parametrize("lang", ["en", "ru"])
def test_main_part_fits_two_pages(checked, tmp_path, pdflatex, lang):
    # the question and the three main sections as the report sets them (each section with its
    # own assumptions), under this document's own title: at most two pages, no overfull box
    import re
    from symbolic.latex import prose, sections_latex
    body = prose(problem.T("question"), lang) + "\n\n" + "\n\n".join(
        sections_latex(checked, ("main",), lang, heading="subsubsection*", section_assumptions=True))
    (tmp_path / "main.tex").write_text(document([(problem.TITLE, body)], lang=lang))
    log = pdflatex(str(tmp_path))
    pages = int(re.search(r"Output written on main\.pdf \((\d+) pages?", log).group(1))
    assert pages <= 2 and "Overfull \\hbox" not in log
