"""The output-size problem module: options, numeric example, results."""
import pytest
import sympy as sp

from proofs import output_size, registry
from symbolic.check import DEFAULT_BUDGET
from proofs.problem import options_for

# the default derivations are checked once per process and shared (proofs.registry);
# keeping these files on one xdist worker lets them share that work
pytestmark = pytest.mark.xdist_group("derivations")


def test_default_derivation_is_fully_proved_with_its_answers():
    # the 256-value derivation the command line and the report show (shared through the memo)
    checked = registry.checked(output_size, options_for(output_size), DEFAULT_BUDGET)
    assert checked.status == "proved"
    assert all(v.status == "proved" for v in checked.verdicts)
    assert checked.derivation.results["k_min"] == 86
    assert checked.derivation.results["k_min_pixelcnnpp"] == 77
    assert all(c.passed for c in checked.derivation.cross_checks)


def test_small_value_count_is_fully_proved_and_answers():
    d = output_size.build(options_for(output_size, values=16, C=1))
    checked = d.check()
    assert checked.status == "proved"
    assert d.results["k_min"] == 6                       # 3K > 16
    W, H, C, K = sp.symbols("W H C K", integer=True, positive=True)
    assert sp.sympify(d.results["numel_mixture"]) == 3 * K * W * H * C


def test_numeric_example_is_exhibited():
    d = output_size.build(options_for(output_size, W=32, H=32, C=3, K=10))
    labels = {ex.label: ex.value for ex in d.exhibits}
    assert labels[r"\text{numel}_1"] == 32 * 32 * 3 * 256
    assert labels[r"\text{numel}_2"] == 3 * 10 * 32 * 32 * 3


def test_half_an_example_is_rejected():
    with pytest.raises(ValueError, match="both --W and --H"):
        output_size.build(options_for(output_size, W=32))


def test_unknown_option_is_rejected():
    with pytest.raises(ValueError, match="no option"):
        options_for(output_size, depth=3)
