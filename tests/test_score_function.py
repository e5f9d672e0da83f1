"""The score-function problem module: every step proved, results, figure, bad options."""
import hashlib
import json
import os

import pytest
import sympy as sp

from proofs import registry, score_function
from symbolic.check import DEFAULT_BUDGET
from proofs.problem import options_for
from symbolic.latex import derivation_latex, document
from symbolic.score import C, DIM, compact_form, estimator_expression

# the default derivations are checked once per process and shared (proofs.registry);
# keeping these files on one xdist worker lets them share that work
pytestmark = pytest.mark.xdist_group("derivations")

OPTIONS = options_for(score_function)          # the defaults, as the command line and the report use
SAMPLES, SEED = OPTIONS.samples, OPTIONS.seed


@pytest.fixture(scope="module")
def built():
    # shared through the registry's memo with the report tests
    return registry.built(score_function, OPTIONS), registry.checked(score_function, OPTIONS, DEFAULT_BUDGET)


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


def test_printed_answer_matches_the_compact_closed_form(built):
    # regression: the boxed answer is typed by hand (no \frac, readable as plain text)
    from symbolic.score import DELTA, KAPPA, SIGMA, S, V_H, W_
    d, _ = built
    by_hand = ((C + DIM * KAPPA - W_)**2 + W_**2 + DIM * V_H) / SIGMA**2 + DELTA**2 / S**4
    assert sp.expand(compact_form("var_score_mu", abbreviated=True) - by_hand) == 0
    assert any(r"\big((c + D\kappa - w)^2 + w^2 + D v\big)/\sigma^2 + \delta^2/s^4" in a
               for a in d.answers)
