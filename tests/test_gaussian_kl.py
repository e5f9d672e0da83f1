"""The gaussian-kl problem module: the whole derivation checked, its report and LaTeX, options."""
import json
import os
import subprocess
import sys

import pytest
import sympy as sp

from proofs import gaussian_kl, registry
from symbolic.check import DEFAULT_BUDGET
from proofs.problem import options_for
from symbolic.gaussian import clear_caches, kl_normal
from symbolic.latex import derivation_latex, document

# the default derivations are checked once per process and shared (proofs.registry);
# keeping these files on one xdist worker lets them share that work
pytestmark = pytest.mark.xdist_group("derivations")

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CHECK_REPORT = os.path.join(ROOT, "..", "shared", "tools", "check_report.py")


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    """Build and check the default derivation once; write its JSON report and LaTeX."""
    where = tmp_path_factory.mktemp("gaussian-kl")
    # the default derivation, shared through the registry's memo with the report tests
    checked = registry.checked(gaussian_kl, options_for(gaussian_kl), DEFAULT_BUDGET)
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
    explicit = [s for s in d["steps"] if "d = 1, 2, 3 explicitly" in s["reason"]]
    assert len(explicit) >= 8
    assert all(s["status"] == "proved" for s in explicit)


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
    assert all(c["passed"] is True for c in d["cross_checks"])
    assert any("Monte Carlo" in c["what"] for c in d["cross_checks"])
    assert any("quadrature" in c["what"] for c in d["cross_checks"])


def test_answers_are_the_closed_form_nonnegativity_and_the_vae_term(run):
    _, d = _derivation(run[1])
    answers = d["answers"]
    assert len(answers) == 3
    assert r"\mathrm{tr}(\Sigma_2^{-1}\Sigma_1)" in answers[0] and r"\det\Sigma_2" in answers[0]
    assert r"\ge 0" in answers[1]
    assert r"\ln\sigma_i^2" in answers[2]
    assert all("$" not in a for a in answers)


def test_latex_compiles(run, pdflatex):
    out = run[1] / "out"
    log = pdflatex(str(out))
    assert log.count("Overfull \\hbox") == 0


def test_explicit_dimension_three_is_proved():
    d = gaussian_kl.build(options_for(gaussian_kl, dim=3))
    (step,) = [s for s in d.steps if s.heading and "d = 3, fully symbolic" in s.heading]
    assert step.check(d.assumptions).status == "proved"
    assert d.results["explicit_dim"] == 3


def test_default_dimension_is_two(run):
    assert run[0].derivation.results["explicit_dim"] == 2
    assert any(s.heading and "d = 2, fully symbolic" in s.heading for s in run[0].derivation.steps)


@pytest.mark.parametrize("dim", [5, 40])
def test_too_large_explicit_dimension_is_rejected(dim):
    with pytest.raises(ValueError, match="from 1 to 4"):
        gaussian_kl.build(options_for(gaussian_kl, dim=dim))


def test_negative_seed_is_rejected():
    with pytest.raises(ValueError, match="seed must be a non-negative integer"):
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
