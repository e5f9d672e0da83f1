"""The assertions offered to users' own test suites."""
import pytest
import sympy as sp

from symbolic.derivation import Derivation, Step
from symbolic.testing import assert_equal, assert_proved, assert_relation

a, b = sp.symbols("a b", positive=True)
x = sp.Symbol("x", real=True)


def test_assert_equal_passes_on_a_proved_identity():
    assert assert_equal(sp.log(a * b), sp.log(a) + sp.log(b)).status == "proved"


def test_assert_equal_message_has_difference_and_counterexample():
    with pytest.raises(AssertionError) as info:
        assert_equal(sp.sqrt(x**2), x)
    message = str(info.value)
    assert "failed" in message and "x=" in message and "simplified difference" in message


def test_assert_relation():
    assert_relation(sp.log(a), "<=", a - 1)
    with pytest.raises(AssertionError, match="not proved"):
        assert_relation(a, ">", a + 1)


def test_assert_proved_lists_the_bad_steps():
    good = Derivation(title="ok", steps=[Step(a + a, 2 * a, "collect")])
    assert assert_proved(good).status == "proved"
    bad = Derivation(title="bad", steps=[Step(a + a, 2 * a, "collect"), Step(2 * a, 3 * a, "oops")])
    with pytest.raises(AssertionError, match=r"1 step\(s\) not proved\nstep 2 \(oops\)"):
        assert_proved(bad)
