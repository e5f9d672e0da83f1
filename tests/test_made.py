"""symbolic.made: masks, connectivity, graph-walk path counts, the closed form."""
import itertools

import numpy as np
import pytest
import sympy as sp
from hypothesis import given, settings, strategies as st

from symbolic import made
from symbolic.made import (connectivity, connectivity_closed_form, count_paths, input_degrees,
                           iverson, masks, reorder, sample_degrees, smallest_counterexample,
                           small_network_facts)


def brute_force_paths(mask_list):
    """Enumerate every node sequence input -> hidden ... -> output and keep those whose edges all exist."""
    mask_list = [np.asarray(mk) for mk in mask_list]
    m_out, m_in = mask_list[-1].shape[0], mask_list[0].shape[1]
    out = np.zeros((m_out, m_in), dtype=object)
    for j in range(m_in):
        for ks in itertools.product(*[range(mk.shape[0]) for mk in mask_list[:-1]]):
            for i in range(m_out):
                nodes = (j,) + ks + (i,)
                out[i, j] += all(mask_list[l][nodes[l + 1], nodes[l]] for l in range(len(mask_list)))
    return out


def is_strictly_lower(M):
    return bool((np.triu(np.asarray(M)) == 0).all())


# --------------------------------------------------------------------------- the masks themselves

def test_masks_follow_the_lecture_rule_entry_by_entry():
    m, layers, order = 5, [[1, 4, 2], [2, 3], [3, 3, 4, 1]], (2, 5, 1, 4, 3)
    deg = input_degrees(m, order)
    mk = masks(m, layers, order)
    assert [a.shape for a in mk] == [(3, 5), (2, 3), (4, 2), (5, 4)]
    degs = [deg] + [np.array(x) for x in layers]
    for l in range(len(layers)):
        for r, c in itertools.product(range(mk[l].shape[0]), range(mk[l].shape[1])):
            assert mk[l][r, c] == (1 if degs[l][c] <= degs[l + 1][r] else 0)
    for r, c in itertools.product(range(m), range(4)):
        assert mk[-1][r, c] == (1 if layers[-1][c] < deg[r] else 0)


def test_input_degrees_are_positions_in_the_order():
    assert input_degrees(4, (3, 1, 4, 2)).tolist() == [2, 4, 1, 3]
    assert input_degrees(3).tolist() == [1, 2, 3]


def test_homework_example_m2_h1_is_lower_not_upper():
    W, V = masks(2, [[1]])
    M = connectivity([W, V])
    assert M.tolist() == [[0, 0], [1, 0]]
    assert M[1, 0] == 1          # M_21 = 1: the claim "strictly upper" fails
    assert smallest_counterexample() == {"m": 2, "h": 1, "degrees": (1,), "entry": (2, 1), "value": 1}


# --------------------------------------------------------------------------- exhaustive agreement

def test_exhaustive_one_layer_m_up_to_5_h_up_to_5():
    count = 0
    for m in range(2, 6):
        for h in range(1, 6):
            for degrees in itertools.product(range(1, m), repeat=h):
                mk = masks(m, [degrees])
                M = connectivity(mk)
                assert (count_paths(mk) == M).all()
                assert (connectivity_closed_form(m, [degrees]) == M).all()
                assert is_strictly_lower(M) and bool((np.tril(M.T) == 0).all())
                for i, j in itertools.product(range(m), repeat=2):      # M_ij = #{k : j <= mu_k < i}
                    assert M[i, j] == sum(j + 1 <= d < i + 1 for d in degrees)
                count += 1
    assert count == sum((m - 1) ** h for m in range(2, 6) for h in range(1, 6))


def test_exhaustive_two_layers_m4_widths_up_to_3():
    m, count = 4, 0
    for w1, w2 in itertools.product(range(1, 4), repeat=2):
        for d1 in itertools.product(range(1, m), repeat=w1):
            for d2 in itertools.product(range(1, m), repeat=w2):
                mk = masks(m, [d1, d2])
                M = connectivity(mk)
                if w1 + w2 <= 3:         # the brute-force enumeration of node sequences is slow
                    assert (brute_force_paths(mk) == M).all()
                assert (count_paths(mk) == M).all()
                assert (connectivity_closed_form(m, [d1, d2]) == M).all()
                for i, j in itertools.product(range(m), repeat=2):     # degree chains j <= a <= b < i
                    assert M[i, j] == sum(j + 1 <= a <= b < i + 1 for a in d1 for b in d2)
                assert is_strictly_lower(M)
                count += 1
    assert count == (3 + 9 + 27) ** 2


def test_exhaustive_permutations_m4():
    degrees = [[1, 3, 2], [2, 3]]
    natural = connectivity(masks(4, degrees))
    for order in itertools.permutations(range(1, 5)):
        M = connectivity(masks(4, degrees, order))
        assert (count_paths(masks(4, degrees, order)) == M).all()
        assert (connectivity_closed_form(4, degrees, order) == M).all()
        assert (reorder(M, order) == natural).all()
        assert is_strictly_lower(reorder(M, order))


def test_small_network_facts_reports_the_false_claim():
    facts = small_network_facts(4, 2)
    assert facts == {"claim_a_as_stated": False, "out_x_in_lower": True, "in_x_out_upper": True,
                     "paths": True, "networks": sum((m - 1) ** h for m in (2, 3, 4) for h in (1, 2))}


@st.composite
def networks(draw):
    m = draw(st.integers(2, 64))
    widths = draw(st.lists(st.integers(1, 40), min_size=1, max_size=3))
    layers = [draw(st.lists(st.integers(1, m - 1), min_size=w, max_size=w)) for w in widths]
    order = draw(st.permutations(range(1, m + 1)))
    return m, layers, tuple(order)


@settings(max_examples=30, deadline=None)
@given(networks())
def test_random_networks_product_walk_and_closed_form_agree(net):
    m, layers, order = net
    mk = masks(m, layers, order)
    M = connectivity(mk)
    assert M.shape == (m, m)
    assert (count_paths(mk) == M).all()
    assert (connectivity_closed_form(m, layers, order) == M).all()
    assert is_strictly_lower(reorder(M, order))
    assert (reorder(M, order) == connectivity(masks(m, layers))).all()


def test_counts_stay_exact_in_the_python_integer_route(monkeypatch):
    m, layers = 6, [[1, 2, 3, 4, 5], [2, 2, 5], [3, 4, 5, 5]]
    expected = count_paths(masks(m, layers))
    monkeypatch.setattr(made, "_FLOAT_EXACT", 2)     # force the object-dtype routes
    monkeypatch.setattr(made, "_INT64_SAFE", 2)
    M = connectivity(masks(m, layers))
    C = connectivity_closed_form(m, layers)
    assert M.dtype == object and C.dtype == object
    assert (M == expected).all() and (C == expected).all()


def test_closed_form_equals_dense_product_at_a_moderate_size():
    layers = sample_degrees(60, [300, 300], seed=7)
    M = connectivity(masks(60, layers))
    assert (connectivity_closed_form(60, layers) == M).all()
    assert M.max() > 1000            # far from 0/1: a real count


def test_sample_degrees_is_reproducible_and_follows_the_made_rule():
    a = sample_degrees(10, [20, 15, 8], seed=3)
    assert a == sample_degrees(10, [20, 15, 8], seed=3)
    assert a != sample_degrees(10, [20, 15, 8], seed=4)
    assert all(1 <= d <= 9 for d in a[0])
    for prev, layer in zip(a, a[1:]):
        assert min(layer) >= min(prev)


def test_float_and_boolean_masks_are_accepted_as_0_1():
    W, V = masks(3, [[1, 2]])
    assert (connectivity([W.astype(float), V.astype(bool)]) == connectivity([W, V])).all()


def test_iverson_bracket():
    x = sp.Symbol("x", integer=True)
    assert [iverson(x < 3).subs(x, v) for v in (2, 3)] == [1, 0]


def test_symbolic_masks_match_numeric_masks():
    sm, syms = made.symbolic_masks(4, [3, 2], order=(2, 4, 1, 3))
    values = [[1, 3, 2], [3, 1]]
    point = {s: v for layer, vals in zip(syms, values) for s, v in zip(layer, vals)}
    for a, b in zip(sm, masks(4, values, (2, 4, 1, 3))):
        assert a.subs(point).tolist() == b.tolist()
    closed = made.closed_form_symbolic(4, syms).subs(point)
    assert closed.tolist() == connectivity_closed_form(4, values).tolist()


# --------------------------------------------------------------------------- bad input

@pytest.mark.parametrize("call, message", [
    (lambda: masks(1, [[1]]), "m must be at least 2"),
    (lambda: masks(3, [[3]]), "unit 1 has degree 3; degrees must lie in 1..m-1 = 1..2"),
    (lambda: masks(3, [[0]]), "has degree 0"),
    (lambda: masks(3, []), "at least one hidden layer"),
    (lambda: masks(3, [[1], []]), "hidden layer 2 is empty"),
    (lambda: masks(3, [[1.5]]), "must be an integer"),
    (lambda: masks(3, [[True]]), "must be an integer"),
    (lambda: masks(3, [[1]], order=(1, 2, 2)), "permutation of 1..3"),
    (lambda: masks(3, [[1]], order=(1, 2)), "permutation of 1..3"),
    (lambda: connectivity_closed_form(4, [[2, 4]]), "degrees must lie in 1..m-1"),
    (lambda: connectivity([[[1, 0]], [[1], [1]], [[1, 1, 1]]]), "mask 3 has 3 columns but mask 2 has 2 rows"),
    (lambda: connectivity([[[1, 0], [1]]]), "ragged"),
    (lambda: count_paths([[[1, 2]]]), "only 0 and 1"),
    (lambda: count_paths([np.array([[1.0, 0.5]])]), "only 0 and 1"),
    (lambda: count_paths([]), "empty"),
    (lambda: connectivity(np.ones((2, 2))), "list of 2-D"),
    (lambda: sample_degrees(4, [0]), "positive"),
])
def test_bad_input_raises_value_error(call, message):
    with pytest.raises(ValueError, match=message.replace("(", r"\(").replace(".", r"\.")):
        call()
