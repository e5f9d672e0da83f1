"""The score-function problem module: every step proved, results, sections, texts in both
languages, figure, bad options."""
import hashlib
import json
import os
import re

import pytest
import sympy as sp

from proofs import registry, score_function
from symbolic.check import DEFAULT_BUDGET
from proofs.problem import options_for
from symbolic.latex import derivation_latex, document
from symbolic.score import C, DIM, compact_form, estimator_expression
from symbolic.text import Text, say
from conftest import prose_of, untranslated

# the default derivations are checked once per process and shared (proofs.registry);
# keeping these files on one xdist worker lets them share that work
pytestmark = pytest.mark.xdist_group("derivations")

OPTIONS = options_for(score_function)          # the defaults, as the command line and the report use
SAMPLES, SEED = OPTIONS.samples, OPTIONS.seed


@pytest.fixture(scope="module")
def built(shared_verdicts):
    # shared through the registry's memo with the report tests
    return registry.built(score_function, OPTIONS), registry.checked(score_function, OPTIONS, DEFAULT_BUDGET, shared_verdicts)


def test_every_step_is_proved_and_the_goals_are_reached(built):
    d, checked = built
    bad = [(k + 1, s.reason, v.status) for k, (s, v) in enumerate(checked.steps) if v.status != "proved"]
    assert bad == []
    assert checked.goals_reached
    assert checked.status == "proved"
    assert all(c.passed for c in d.cross_checks)


def test_results_hold_the_required_formulas(built):
    d, checked = built
    results = checked.as_dict()["results"]
    assert sp.sympify(results["estimator"]) == estimator_expression()
    # the exported closed forms read back and equal the library's
    assert sp.expand(sp.sympify(results["var_reparam_mu"]) - compact_form("var_reparam_mu")) == 0
    var_mu = sp.sympify(results["var_score_mu"])
    assert C in var_mu.free_symbols and DIM in var_mu.free_symbols
    assert isinstance(results["variance_ratio_mnist"], float)
    assert results["variance_ratio_mnist"] == pytest.approx(295585.8539176855, rel=1e-12)
    json.dumps(checked.as_dict())                       # the whole report is JSON-serialisable


def test_monte_carlo_in_the_derivation_agrees(built):
    d, _ = built
    mc = d.results["monte_carlo"]
    assert mc["samples"] == SAMPLES and mc["seed"] == SEED
    assert mc["max_abs_z"] < 5
    assert set(mc["estimators"]) == {"score_mu", "score_sigma", "reparam_mu", "reparam_sigma",
                                     "baseline_mu"}


def test_latex_compiles(built, tmp_path, pdflatex):
    _, checked = built
    (tmp_path / "main.tex").write_text(document([("LV-2", derivation_latex(checked))]))
    log = pdflatex(str(tmp_path))
    assert "Overfull \\hbox" not in log


def test_build_is_deterministic(built):
    again = score_function.build(options_for(score_function))
    assert again == built[0]


def test_dim_option_changes_the_mnist_case():
    d = score_function.build(options_for(score_function, dim=3, samples=2000))
    assert d.results["mnist"]["latent_dim"] == 3
    assert d.results["variance_ratio_mnist"] > 295585.8539176855      # grows with D


@pytest.mark.parametrize("overrides, message", [
    (dict(samples=10), "--samples"),
    (dict(dim=0), "--dim"),
    (dict(dim=20000), "--dim"),
    (dict(seed=-3), "--seed"),
    (dict(dim=1000, samples=100_000), "too large"),
])
def test_bad_options_are_rejected(overrides, message):
    with pytest.raises(ValueError, match=message):
        score_function.build(options_for(score_function, **overrides))


def test_figure_is_written_with_deterministic_bytes(tmp_path):
    (figure,) = score_function.figures(options_for(score_function))
    digests = []
    for run in ("a", "b"):
        stem = str(tmp_path / run / figure.name)
        os.makedirs(os.path.dirname(stem))
        figure.draw(stem)
        with open(stem + ".pdf", "rb") as pdf, open(stem + ".png", "rb") as png:
            pdf_bytes, png_bytes = pdf.read(), png.read()
        assert pdf_bytes.startswith(b"%PDF") and png_bytes.startswith(b"\x89PNG")
        digests.append((hashlib.sha256(pdf_bytes).hexdigest(), hashlib.sha256(png_bytes).hexdigest()))
    assert digests[0] == digests[1]


def test_printed_variance_matches_the_compact_closed_form(built):
    # the main part prints the variance by hand, with the abbreviations of its reason
    from symbolic.score import DELTA, KAPPA, SIGMA, S, V_H, W_
    d, _ = built
    by_hand = ((C + DIM * KAPPA - W_)**2 + W_**2 + DIM * V_H) / SIGMA**2 + DELTA**2 / S**4
    assert sp.expand(compact_form("var_score_mu", abbreviated=True) - by_hand) == 0
    step = next(s for s in d.steps if s.rhs_tex == score_function.TEX["var_sf"])
    assert sp.expand(step.rhs - compact_form("var_score_mu")) == 0
    assert step.rhs_tex == r"\frac{(c + D\kappa - w)^2 + w^2 + Dv}{\sigma^2} + \frac{\delta^2}{\tau^4}"


# --------------------------------------------------------------------------- sections and texts

NON_DEFAULT = dict(dim=5, samples=3000, seed=11)


def test_main_sections_come_first_and_answer_each_part(built):
    d, _ = built
    parts = [sec.part for sec in d.sections]
    assert parts[:2] == ["main", "main"] and set(parts[2:]) == {"appendix"}
    estimator, variance = d.sections[:2]
    assert len(estimator.answers) == 2 and "\\frac{1}{L}" in estimator.answers[1]
    # (b) is answered by one boxed sentence, from the catalogue
    assert len(variance.answers) == 1 and variance.answers[0].key == "answer_b"
    assert sum(len(sec.steps) for sec in d.sections[:2]) == 14


def test_score_scale_and_sample_index_have_different_letters(built):
    d, _ = built
    printed = " ".join(filter(None, [s.lhs_tex for s in d.steps] + [s.rhs_tex for s in d.steps]))
    assert "\\tau" in printed and "z_l" in printed                   # scale tau, sample index l
    assert not re.search(r"\bs\^\{?4|\{s\^|z_s|\\sum_\{s", printed)


def test_every_sentence_comes_from_the_catalogue(built):
    d, _ = built
    assert untranslated(d) == []
    assert untranslated(score_function.build(options_for(score_function, **NON_DEFAULT))) == []


ALLOWED_LATIN = {"LV", "ELBO", "MNIST", "SymPy", "SF", "RP", "A1", "A2", "A3", "A4", "B", "D"}


def _latin_words(text):
    """Latin words outside mathematics and LaTeX commands."""
    prose = re.sub(r"\$[^$]*\$", " ", text)
    prose = re.sub(r"\\[a-zA-Z]+(\{[^}]*\})?", " ", prose)
    return {w for w in re.findall(r"[A-Za-z][A-Za-z0-9]+", prose) if w not in ALLOWED_LATIN}


def test_russian_texts_are_russian_for_default_and_other_parameters(built):
    d, _ = built
    for derivation in (d, score_function.build(options_for(score_function, **NON_DEFAULT))):
        texts = [text for _, text in prose_of(derivation)] + list(derivation.answers)
        texts += [e.label for e in derivation.exhibits]
        for text in texts:
            if isinstance(text, Text):
                russian = say(text, "ru")
                assert russian != text or text.key.endswith("label"), text.key
                assert _latin_words(russian) == set(), (text.key, russian)


def test_non_default_parameters_are_proved(shared_verdicts):
    d = score_function.build(options_for(score_function, **NON_DEFAULT))
    checked = d.check(cache=shared_verdicts)
    assert [v.status for v in checked.verdicts] == ["proved"] * len(d.steps)
    assert checked.status == "proved" and checked.goals_reached
    assert d.results["mnist"]["latent_dim"] == 5
    mnist = next(s for s in d.steps if s.reason.key == "b_mnist")
    assert mnist.reason.values == {"dim": 5, "power": 5}


def test_params_are_validated_in_one_place():
    assert score_function.params_from(options_for(score_function, score_dim=7)) == score_function.Params(dim=7)
    with pytest.raises(ValueError, match="--seed must be an integer from 0"):
        score_function.Params(seed=-1)


def test_figure_words_follow_the_language(tmp_path):
    (english,) = score_function.figures(options_for(score_function))
    (russian,) = score_function.figures(options_for(score_function), lang="ru")
    assert isinstance(english.caption, Text) and "$\\partial\\mathcal{L}" in english.caption
    assert "mu_1" not in english.caption.replace("\\mu_1", "") and "Точные дисперсии" in say(russian.caption, "ru")
    stem = str(tmp_path / russian.name)
    russian.draw(stem)
    assert os.path.getsize(stem + ".pdf") > 1000


def test_topic_module_holds_no_sentences_and_no_latex_helpers():
    import inspect
    import symbolic.score as topic
    source = inspect.getsource(topic)
    assert "symbolic.latex" not in source and "from .latex" not in source
    assert "Step(" not in source and "Derivation(" not in source


@pytest.mark.parametrize("lang", ["en", "ru"])
def test_main_part_fits_its_page_budget(built, tmp_path, pdflatex, lang):
    # the question and the two main sections, as the report sets them: about 2.1 pages of
    # text; with this document's own title page header it must stay within three pages
    from symbolic.latex import prose, sections_latex
    _, checked = built
    body = prose(score_function.T("question"), lang) + "\n\n" + "\n\n".join(
        sections_latex(checked, ("main",), lang, heading="subsubsection*"))
    (tmp_path / "main.tex").write_text(document([(score_function.TITLE, body)], lang=lang))
    log = pdflatex(str(tmp_path))
    pages = int(re.search(r"Output written on main\.pdf \((\d+) pages?", log).group(1))
    assert pages <= 3 and "Overfull \\hbox" not in log
