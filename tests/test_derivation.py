"""Derivations: chains, goals, claims as stated, JSON form."""
import json

import pytest
import sympy as sp

from symbolic.derivation import (Assumption, Claim, Derivation, Exhibit, Goal, Step,
                                 result_to_json, symbol_assumptions)

x = sp.Symbol("x", positive=True)
y = sp.Symbol("y", real=True)


def toy(**extra):
    steps = [Step(sp.log(x**2), 2 * sp.log(x), "the power rule for x > 0"),
             Step(2 * sp.log(x), sp.log(x) + sp.log(x), "doubling")]
    return Derivation(title="toy", steps=steps, goals=[Goal(sp.log(x**2), sp.log(x) + sp.log(x))],
                      **extra)


def test_chain_of_proved_steps_reaches_goal():
    checked = toy().check()
    assert checked.status == "proved"
    assert [v.status for v in checked.verdicts] == ["proved", "proved"]
    assert len(checked.chains()) == 1 and checked.goals_reached


def test_unreached_goal_makes_the_whole_unknown():
    d = Derivation(title="gap", steps=[Step(x + x, 2 * x, "collect")], goals=[Goal(x + x, 3 * x)])
    checked = d.check()
    assert [v.status for v in checked.verdicts] == ["proved"]
    assert not checked.goals_reached and checked.status == "unknown"


def test_inequality_chain_composes():
    a = sp.Symbol("a", positive=True)
    d = Derivation(title="ineq", steps=[Step(sp.log(a), a - 1, "log t <= t - 1", relation="<="),
                                        Step(a - 1, a, "minus one", relation="<")],
                   goals=[Goal(sp.log(a), a, "<")])
    assert d.check().status == "proved"
    wrong_way = Derivation(title="ineq", steps=d.steps, goals=[Goal(sp.log(a), a, ">=")])
    assert wrong_way.check().status == "unknown"


def test_failed_step_fails_the_derivation():
    d = Derivation(title="bad", steps=[Step(sp.sqrt(y**2), y, "wrong without y >= 0")])
    checked = d.check()
    assert checked.status == "failed"
    assert checked.verdicts[0].counterexample["y"] < 0


def test_false_claim_as_stated_is_a_result_not_a_failure():
    d = toy(claims=[Claim("x + 1 = x", x + 1, x)])
    checked = d.check()
    assert checked.status == "proved"
    (claim, verdict), = checked.claims
    assert verdict.status == "failed"
    out = checked.as_dict()
    assert out["claims_as_stated"][0]["holds"] is False


def test_heading_starts_a_new_chain():
    steps = [Step(x + x, 2 * x, "collect"), Step(2 * x, x * 2, "same", heading="Part two")]
    assert len(Derivation(title="h", steps=steps).check().chains()) == 2


def test_as_dict_is_json_and_round_trips_results():
    d = toy(results={"f": sp.log(x) * 2, "n": 86, "ok": True, "cex": {"m": 2, "deg": (1,)}},
            exhibits=[Exhibit("M", sp.eye(2))])
    out = json.loads(json.dumps(d.check().as_dict()))
    assert sp.sympify(out["results"]["f"]) == 2 * sp.log(x)
    assert out["results"]["n"] == 86 and out["results"]["ok"] is True
    assert out["results"]["cex"] == {"m": 2, "deg": [1]}
    assert {"claim", "reason", "status", "method"} <= set(out["steps"][0])
    assert "$x$ is positive" in out["assumptions"]


def test_result_to_json_rejects_unknown_types():
    with pytest.raises(ValueError, match="cannot export"):
        result_to_json(object())


def test_symbol_assumptions_are_grouped():
    n, m = sp.symbols("n m", integer=True, positive=True)
    texts = [a.text for a in symbol_assumptions([n, m, x, y])]
    assert texts == ["$m$, $n$ are positive integers", "$x$ is positive", "$y$ is real"]


def test_bad_construction():
    with pytest.raises(ValueError, match="reason"):
        Step(x, x, " ")
    with pytest.raises(ValueError, match="relation"):
        Step(x, x, "r", relation="=>")
    with pytest.raises(ValueError, match="no steps"):
        Derivation(title="empty")
    with pytest.raises(ValueError, match="assumption"):
        Assumption("")


def test_repr_latex_renders_in_jupyter():
    text = toy()._repr_latex_()
    assert r"\begin{align*}" in text and r"\checkmark" in text
