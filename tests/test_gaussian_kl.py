"""The gaussian-kl problem module: the whole derivation checked, its report and LaTeX, options."""
import json
import os
import re
import subprocess
import sys

import pytest
import sympy as sp

from conftest import prose_of, untranslated

from proofs import gaussian_kl, registry
from proofs.spec import assemble
from symbolic.derivation import Derivation
from symbolic.text import say
from symbolic.check import DEFAULT_BUDGET
from proofs.problem import options_for
from symbolic.gaussian import clear_caches, kl_normal
from symbolic.latex import derivation_latex, document, text_latex

# the default derivations are checked once per process and shared (proofs.registry);
# keeping these files on one xdist worker lets them share that work
pytestmark = pytest.mark.xdist_group("derivations")

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CHECK_REPORT = os.path.join(ROOT, "..", "shared", "tools", "check_report.py")


@pytest.fixture(scope="module")
def run(tmp_path_factory, shared_verdicts):
    """Build and check the default derivation once; write its JSON report and LaTeX."""
    where = tmp_path_factory.mktemp("gaussian-kl")
    # the default derivation, shared through the registry's memo with the report tests
    checked = registry.checked(gaussian_kl, options_for(gaussian_kl), DEFAULT_BUDGET, shared_verdicts)
    with open(where / "r.json", "w") as handle:
        json.dump({"version": 1, "derivations": [checked.as_dict()]}, handle)
    (where / "out").mkdir()
    with open(where / "out" / "main.tex", "w") as handle:
        handle.write(document([(gaussian_kl.TITLE, derivation_latex(checked))]))
    return checked, where


def _derivation(where):
    with open(where / "r.json") as handle:
        report = json.load(handle)
    (d,) = [d for d in report["derivations"] if d["id"] == "gaussian-kl"]
    return report, d


def test_every_step_is_proved_and_every_goal_reached(run):
    checked, where = run
    assert checked.status == "proved"
    assert checked.goals_reached
    assert [(s.reason, str(v)) for s, v in checked.steps if v.status != "proved"] == []
    _, d = _derivation(where)
    assert d["status"] == "proved"
    assert len(d["steps"]) >= 25


def test_report_passes_the_shared_contract_check(run):
    if not os.path.exists(CHECK_REPORT):
        pytest.skip("shared/tools/check_report.py is not beside the repository")
    _, where = run
    proc = subprocess.run([sys.executable, CHECK_REPORT, str(where / "r.json"), "--strict"],
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_general_chain_steps_say_which_dimensions_they_prove(run):
    # a matrix step proved on explicit instances must say so; none may claim more
    _, d = _derivation(run[1])
    explicit = [s for s in d["steps"] if "($d = 1, 2, 3$)" in s["reason"]]
    assert len(explicit) >= 8
    assert all(s["status"] == "proved" for s in explicit)
    # the main part: every matrix step says so, the first (a symbolic d) says that instead
    main = run[0].derivation.steps[:9]
    assert all("($d = 1, 2, 3$)" in s.reason for s in main[1:])
    assert "for a symbolic $d$" in main[0].reason


def test_results_are_the_documented_formulas(run):
    _, d = _derivation(run[1])
    results = d["results"]
    kl_1d = sp.sympify(results["kl_1d"])
    names = {s.name: s for s in kl_1d.free_symbols}
    assert set(names) == {"mu1", "mu2", "sigma1", "sigma2"}
    assert sp.simplify(kl_1d - kl_normal(names["mu1"], names["sigma1"], names["mu2"], names["sigma2"])) == 0
    general = sp.sympify(results["kl_general"], locals={"Str": sp.core.symbol.Str})
    assert {str(s) for s in general.free_symbols} == {"Sigma_1", "Sigma_2", "d", "mu_1", "mu_2"}
    vae = sp.sympify(results["kl_vae_prior"])
    assert isinstance(vae, sp.Sum)
    assert results["random_check"]["status"] == "checked"
    assert results["random_check"]["dims"][-1] == 32


def test_cross_checks_all_agree(run):
    _, d = _derivation(run[1])
    assert len(d["cross_checks"]) == 4
    assert [c["what"].split(":")[0] for c in d["cross_checks"][1:]] == ["$d = 1$", "$d = 2$", "$d = 5$"]
    assert all(c["passed"] is True for c in d["cross_checks"])
    assert any("Monte Carlo" in c["what"] for c in d["cross_checks"])
    assert any("quadrature" in c["what"] for c in d["cross_checks"])


def test_answers_are_the_closed_form_the_vae_term_and_nonnegativity(run):
    _, d = _derivation(run[1])
    answers = d["answers"]
    assert len(answers) == 3
    assert r"\mathrm{tr}(\Sigma_2^{-1}\Sigma_1)" in answers[0] and r"\ln\frac{|\Sigma_2|}{|\Sigma_1|}" in answers[0]
    assert r"\ln\sigma_i^2" in answers[1]
    assert r"\ge 0" in answers[2]
    assert all("$" not in a for a in answers)
    # the boxed formula closes the main part
    main = [sec for sec in run[0].derivation.sections if sec.part == "main"]
    assert main[-1].answers == (answers[0],)


def test_latex_compiles(run, pdflatex):
    out = run[1] / "out"
    log = pdflatex(str(out))
    assert log.count("Overfull \\hbox") == 0


def _explicit_section(d):
    (section,) = [sec for sec in d.sections if "explicit_dim" in sec.results]
    return section


def test_explicit_dimension_three_is_proved():
    d = gaussian_kl.build(options_for(gaussian_kl, dim=3))
    section = _explicit_section(d)
    assert section.part == "appendix" and "$d = 3$" in section.heading
    (step,) = section.steps
    assert step.check(d.assumptions).status == "proved"
    assert d.results["explicit_dim"] == 3
    assert section.exhibits[0].value.shape == (3, 3)


def test_every_step_is_proved_for_non_default_parameters(shared_verdicts):
    # the largest explicit dimension and another seed: new random points, quadrature and Monte Carlo
    checked = gaussian_kl.build(options_for(gaussian_kl, kl_dim=4, seed=7)).check(cache=shared_verdicts)
    assert checked.status == "proved" and checked.goals_reached
    assert [v.status for v in checked.verdicts] == ["proved"] * 30
    assert all(c.passed for c in checked.derivation.cross_checks)
    assert checked.derivation.results["random_check"]["seed"] == 7
    assert "(seed 7)" in checked.derivation.cross_checks[-1].what


def test_default_dimension_is_two(run):
    assert run[0].derivation.results["explicit_dim"] == 2
    assert "$d = 2$" in _explicit_section(run[0].derivation).heading


@pytest.mark.parametrize("dim", [5, 40])
def test_too_large_explicit_dimension_is_rejected(dim):
    with pytest.raises(ValueError, match="from 1 to 4"):
        gaussian_kl.build(options_for(gaussian_kl, dim=dim))


def test_negative_seed_is_rejected():
    with pytest.raises(ValueError, match="seed must be an integer from 0 to 4294967295, got -1"):
        gaussian_kl.build(options_for(gaussian_kl, seed=-1))


def test_build_is_deterministic(run):
    # same options, same derivation (built again from scratch): steps, results, notes, cross-checks
    clear_caches()
    assert gaussian_kl.build(options_for(gaussian_kl, seed=0)) == run[0].derivation


def test_command_line_rejects_a_bad_dimension_with_exit_2(tmp_path):
    proc = subprocess.run([sys.executable, "-m", "proofs", "run", "gaussian-kl", "--dim", "7",
                           "--json", str(tmp_path / "r.json")],
                          cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 2
    assert len(proc.stderr.strip().splitlines()) == 1
    assert not (tmp_path / "r.json").exists()


# --------------------------------------------------------------------------- the spec: sections and texts

def test_the_spec_declares_three_main_sections_then_the_appendix():
    d = gaussian_kl.build(options_for(gaussian_kl, dim=1))
    parts = [sec.part for sec in d.sections]
    assert parts == ["main"] * 3 + ["appendix"] * (len(parts) - 3)
    main_steps = sum(len(sec.steps) for sec in d.sections if sec.part == "main")
    assert main_steps == 9
    assert d == assemble(gaussian_kl.SPEC, gaussian_kl.Params(dim=1))
    assert d.title == gaussian_kl.TITLE == "LV-1. KL divergence between two Gaussians"


@pytest.mark.parametrize("dim", [None, 3])
def test_every_sentence_comes_from_the_catalogue(dim):
    d = gaussian_kl.build(options_for(gaussian_kl, dim=dim))
    assert untranslated(d) == []
    assert len(list(prose_of(d))) > 50


def _words(text):
    """The prose of a sentence without its $...$ mathematics."""
    return " ".join(text.split("$")[::2])


@pytest.mark.parametrize("dim", [None, 4])
def test_the_russian_is_russian_for_every_sentence(dim):
    d = gaussian_kl.build(options_for(gaussian_kl, dim=dim))
    english = re.compile(r"\b(?!KL\b|VAE\b|SymPy\b|LV\b)[A-Za-z]{3,}\b")
    for where, text in prose_of(d):
        ru = say(text, "ru")
        assert ru != text or not english.search(_words(text)), where
        assert not english.search(_words(ru)), (where, ru)
    assert say(gaussian_kl.T("question"), "ru").startswith("Даны два нормальных распределения")
    # the placeholders are filled in both languages
    heading = _explicit_section(d).heading
    assert f"$d = {dim or 2}$" in heading and f"$d = {dim or 2}$" in say(heading, "ru")


@pytest.mark.parametrize("field, value, message", [
    ("dim", 0, "dim must be an integer from 1 to 4, got 0"),
    ("dim", True, "dim must be an integer from 1 to 4, got True"),
    ("seed", 2**32, "seed must be an integer from 0 to 4294967295"),
    ("random_dims", (2, 33), "a random-check dimension must be an integer from 1 to 32, got 33"),
])
def test_params_are_validated_in_one_place(field, value, message):
    with pytest.raises(ValueError, match=re.escape(message)):
        gaussian_kl.Params(**{field: value})


def test_main_part_fits_in_two_pages(run, pdflatex, tmp_path, shared_verdicts):
    checked = run[0]
    main = Derivation(checked.derivation.title, id="gaussian-kl",
                      sections=[sec for sec in checked.derivation.sections if sec.part == "main"])
    main_checked = main.check(cache=shared_verdicts)
    assert main_checked.status == "proved" and main_checked.goals_reached
    body = text_latex(gaussian_kl.T("question")) + "\n\n" + derivation_latex(main_checked)
    (tmp_path / "main.tex").write_text(document([(gaussian_kl.TITLE, body)]))
    log = pdflatex(str(tmp_path))
    pages = int(re.search(r"Output written on main\.pdf \((\d+) pages?", log).group(1))
    assert 1 <= pages <= 2
    assert log.count("Overfull \\hbox") == 0
