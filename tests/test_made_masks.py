"""proofs.made_masks: the AR-1 derivation checks, its results, LaTeX, figure and bad options."""
import json
import os

import pytest
import sympy as sp

from proofs import made_masks, registry
from proofs.problem import options_for
from symbolic.check import DEFAULT_BUDGET
from symbolic.latex import derivation_latex, document
from symbolic.made import connectivity, count_paths, masks
from symbolic.testing import assert_proved

# the default derivations are checked once per process and shared (proofs.registry);
# keeping these files on one xdist worker lets them share that work
pytestmark = pytest.mark.xdist_group("derivations")


@pytest.fixture(scope="module")
def checked():
    # the default derivation, shared through the registry's memo with the report tests
    return registry.checked(made_masks, options_for(made_masks), DEFAULT_BUDGET)


def test_every_step_proved_and_goal_reached(checked):
    assert_proved(checked)
    assert checked.status == "proved"
    assert all(v.method != "numeric" for v in checked.verdicts)


def test_claim_as_stated_is_reported_false_with_the_smallest_counterexample(checked):
    (claim, verdict), = checked.claims
    assert "strictly upper triangular" in claim.text
    assert verdict.status == "failed"
    assert verdict.counterexample == {"i": 2, "j": 1, "m": 2, "mu_1": 1}
    assert verdict.values == (1, 0)


def test_counterexample_step_exhibits_m21_equal_1(checked):
    step, verdict = checked.steps[1]
    assert step.lhs_tex == "M_{21}" and step.rhs == 1 and verdict.status == "proved"


def test_results_as_in_the_issue(checked):
    results = checked.derivation.results
    assert results["claim_a_as_stated"] is False
    assert results["claim_a_out_x_in_lower"] is True
    assert results["claim_a_in_x_out_upper"] is True
    assert results["claim_b_paths"] is True
    assert results["counterexample"] == {"m": 2, "h": 1, "degrees": (1,), "entry": (2, 1), "value": 1}
    exported = checked.as_dict()["results"]
    json.dumps(exported)
    closed = sp.sympify(exported["closed_form"])
    i, j, h, k = (sp.Symbol(n, integer=True, positive=True) for n in "ijhk")
    mu = sp.IndexedBase("mu", integer=True, positive=True)
    # substitute a concrete network: degrees mu_1..mu_3 = 1, 2, 2 and compare with the masks' product
    M = connectivity(masks(4, [[1, 2, 2]]))
    values = {1: 1, 2: 2, 3: 2}
    for ii, jj in [(2, 1), (3, 1), (3, 2), (4, 3), (1, 1), (2, 3)]:
        entry = closed.subs({h: 3, i: ii, j: jj}).doit()
        entry = entry.subs({mu[n]: v for n, v in values.items()})
        assert entry == M[ii - 1, jj - 1]


def test_example_results_match_an_independent_recomputation(checked):
    ex = checked.derivation.results["example"]
    mk = masks(ex["m"], ex["hidden_degrees"], ex["order"])
    assert ex["M"] == connectivity(mk).tolist() == [list(r) for r in count_paths(mk).tolist()]
    assert ex["m"] == 4 and [len(layer) for layer in ex["hidden_degrees"]] == [5]


def test_latex_compiles(checked, tmp_path, pdflatex):
    body = derivation_latex(checked)
    assert "does not hold" in body and "strictly LOWER" in body
    (tmp_path / "main.tex").write_text(document([("AR-1", body)]))
    log = pdflatex(str(tmp_path))
    assert "Undefined control sequence" not in log


def test_two_layers_and_an_order_worked_example_steps_proved():
    options = options_for(made_masks, m=5, hidden=(4, 3), order=(3, 1, 5, 2, 4), seed=2)
    derivation = made_masks.build(options)
    example_steps = [s for s in derivation.steps if s.heading and s.heading.startswith("Worked example")]
    assert len(example_steps) == 4
    start = derivation.steps.index(example_steps[0])
    for step in derivation.steps[start:]:
        assert step.check(budget=20).status == "proved"
    ex = derivation.results["example"]
    assert ex["order"] == [3, 1, 5, 2, 4] and [len(x) for x in ex["hidden_degrees"]] == [4, 3]


def test_explicit_degrees_option():
    derivation = made_masks.build(options_for(made_masks, m=3, degrees=((1, 2), (2,))))
    assert derivation.results["example"]["hidden_degrees"] == [[1, 2], [2]]
    assert derivation.results["example"]["M"] == [[0, 0, 0], [0, 0, 0], [2, 1, 0]]


@pytest.mark.parametrize("overrides, message", [
    (dict(m=1), "at least 2"),
    (dict(order=(1, 2, 2, 3)), "permutation of 1..4"),
    (dict(order=(1, 2, 3)), "permutation of 1..4"),
    (dict(degrees=((1, 4),)), "degrees must lie in 1..m-1"),
    (dict(degrees=((1, 2),), hidden=(3,)), "does not match"),
    (dict(hidden=(0,)), "must be positive"),
])
def test_bad_options_raise_value_error(overrides, message):
    with pytest.raises(ValueError, match=message.replace(".", r"\.")):
        made_masks.build(options_for(made_masks, **overrides))


def test_cli_bad_input_exits_2(capsys):
    from proofs.__main__ import main
    assert main(["run", "made-masks", "--order", "1,1,2,3"]) == 2
    assert "permutation" in capsys.readouterr().err


def test_registered_first():
    assert registry.MODULES[0] == "made_masks"
    assert registry.by_id(["made-masks"]) == [made_masks]


def test_figure_is_written_and_deterministic(tmp_path):
    (figure,) = made_masks.figures(options_for(made_masks, m=3, hidden=(2,)))
    first, second = str(tmp_path / "a"), str(tmp_path / "b")
    figure.draw(first)
    figure.draw(second)
    for ext in (".pdf", ".png"):
        assert os.path.getsize(first + ext) > 1000
        with open(first + ext, "rb") as f, open(second + ext, "rb") as g:
            assert f.read() == g.read()
    assert "paths" in figure.caption
