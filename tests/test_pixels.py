"""AR-2 mathematics, each closed form against an independent route (enumeration, mpmath)."""
import ast
import inspect
import itertools
import random
import re

import mpmath
import pytest
import sympy as sp

from symbolic import pixels
from conftest import close


def enumerate_outputs(W, H, C, per_subpixel):
    """Build the output 'tensor' as explicit nested lists and count its leaves."""
    tensor = [[[per_subpixel() for _ in range(C)] for _ in range(H)] for _ in range(W)]
    return sum(len(leaf) for row in tensor for col in row for leaf in col)


@pytest.mark.parametrize("W, H, C, K", [(1, 1, 1, 1), (2, 3, 1, 4), (4, 2, 3, 5), (5, 5, 3, 10)])
def test_sizes_match_enumeration(W, H, C, K):
    assert pixels.numel_categorical(W, H, C) == enumerate_outputs(W, H, C, lambda: [0.0] * 256)
    mixture = lambda: [("pi", k) for k in range(K)] + [("mu", k) for k in range(K)] + [("s", k) for k in range(K)]
    assert pixels.numel_mixture(W, H, C, K) == enumerate_outputs(W, H, C, mixture)
    assert pixels.enumerated_sizes(W, H, C, K) == (256 * W * H * C, 3 * K * W * H * C)


def test_shapes_multiply_to_the_counts():
    assert sp.Mul(*pixels.shape_categorical(16)) == pixels.numel_categorical(values=16)
    assert sp.Mul(*pixels.shape_mixture()) == pixels.numel_mixture()
    assert pixels.shape_categorical()[-1] == 256 and pixels.shape_mixture(5)[-1] == 15


@pytest.mark.parametrize("values", [2, 16, 256])
def test_index_counts_sum_to_the_closed_forms(values):
    assert pixels.categorical_index_count(values).doit() == pixels.numel_categorical(values=values)
    assert pixels.mixture_index_count().doit() == pixels.numel_mixture()
    assert sp.expand(pixels.pixelcnnpp_index_count().doit() - pixels.params_per_pixel_pixelcnnpp()) == 0


def test_index_counts_at_numbers_match_enumeration():
    at = {pixels.W: 3, pixels.H: 2, pixels.C: 4, pixels.K: 5}
    assert pixels.categorical_index_count(7).doit().subs(at) == pixels.enumerated_sizes(3, 2, 4, 5, 7)[0]
    assert pixels.mixture_index_count().doit().subs(at) == pixels.enumerated_sizes(3, 2, 4, 5, 7)[1]


@pytest.mark.parametrize("C, K", [(1, 1), (3, 10), (4, 2), (2, 7)])
def test_pixelcnnpp_count_matches_enumeration(C, K):
    per_component = 1 + C + C + len(list(itertools.combinations(range(C), 2)))
    assert pixels.params_per_pixel_pixelcnnpp(C, K) == K * per_component


def test_rgb_pixelcnnpp_is_ten_per_component():
    assert pixels.params_per_pixel_pixelcnnpp(3, 1) == 10


def brute_k_min(values, per_k, threshold):
    return next(K for K in itertools.count(1) if per_k * K > threshold)


@pytest.mark.parametrize("values", list(range(2, 300)) + [1024, 65536])
def test_k_min_formula_matches_search(values):
    assert pixels.k_min(values) == brute_k_min(values, 3, values) == pixels.first_k_exceeding(3, values)


def test_k_min_256_is_86():
    assert pixels.k_min(256) == 86 and pixels.k_min_free_params(256) == 86


@pytest.mark.parametrize("C", [1, 2, 3, 4, 8])
def test_pixelcnnpp_threshold_matches_search(C):
    per = 1 + 2 * C + C * (C - 1) // 2
    assert pixels.k_min_pixelcnnpp(C, 256) == brute_k_min(256, per, 256 * C)


def test_pixelcnnpp_rgb_threshold_is_77():
    assert pixels.k_min_pixelcnnpp(3, 256) == 77


def test_residue_cases_cover_every_positive_integer():
    cases = pixels.residue_cases()
    q = next(iter(cases[0][pixels.n].free_symbols))
    covered = sorted(int(case[pixels.n].subs(q, j)) for case in cases for j in range(10))
    assert covered[:30] == list(range(30)) and q.is_nonnegative and q.is_integer


def mp_pmf(x, weights, means, scales, values):
    """The discretized logistic mixture written directly in mpmath (not via SymPy)."""
    mp = mpmath.mpf
    cdf = lambda v: mpmath.fsum(mp(w) / (1 + mpmath.exp(-(v - mp(m)) / mp(s)))
                                for w, m, s in zip(weights, means, scales))
    upper = 1 if x == values - 1 else cdf(x + mp("0.5"))
    lower = 0 if x == 0 else cdf(x - mp("0.5"))
    return upper - lower


@pytest.mark.parametrize("seed", range(4))
def test_pmf_sums_to_one_and_is_non_negative(seed):
    rng = random.Random(seed)
    K = rng.randint(1, 4)
    raw = [rng.random() for _ in range(K)]
    weights = [w / sum(raw) for w in raw]
    means = [rng.uniform(-20, 280) for _ in range(K)]
    scales = [rng.uniform(0.2, 40) for _ in range(K)]
    with mpmath.workdps(30):
        masses = [mp_pmf(x, weights, means, scales, 256) for x in range(256)]
        assert all(m >= 0 for m in masses)
        assert close(mpmath.fsum(masses), 1, digits=25)
    # our SymPy pmf agrees with the direct mpmath one
    for x in (0, 1, rng.randint(2, 253), 254, 255):
        ours = pixels.discretized_pmf(x, [sp.Float(w, 30) for w in weights], [sp.Float(m, 30) for m in means],
                                      [sp.Float(s, 30) for s in scales])
        with mpmath.workdps(30):
            assert close(sp.N(ours, 30), mp_pmf(x, weights, means, scales, 256), digits=20)


@pytest.mark.parametrize("values, components", [(4, 1), (16, 2), (256, 3)])
def test_random_mixture_masses_sum_to_one(values, components):
    error, smallest = pixels.random_mixture_masses(seed=1, values=values, components=components)
    assert error < mpmath.mpf(10) ** -30 and 0 <= smallest < 1


def test_telescoped_and_explicit_totals_are_one():
    assert pixels.telescoped_total().doit() == 1
    assert pixels.explicit_total(16, 2) == 1
    # the telescoping holds for a particular F too, at a particular n
    x = sp.Symbol("x")
    total = pixels.telescoped_total(sp.Lambda(x, x ** 2)).subs(pixels.n, 7).doit()
    assert total == 1


def test_sigmoid_gap_is_the_factored_form_at_numbers():
    gap, factored, with_delta, (u, s, delta) = pixels.sigmoid_gap()
    for point in ({u: sp.Rational(-3, 2), s: 2}, {u: 5, s: sp.Rational(1, 3)}):
        assert close(sp.N(gap.subs(point), 40), sp.N(factored.subs(point), 40), digits=30)
    assert with_delta.subs(delta, 1 - sp.exp(-1 / s)) == factored


def test_pmf_bad_input():
    with pytest.raises(ValueError, match="x must be in"):
        pixels.discretized_pmf(256, [1], [0], [1])
    with pytest.raises(ValueError, match="equal length"):
        pixels.mixture_cdf(0, [1, 0], [0], [1])
    with pytest.raises(ValueError, match="at least 2"):
        pixels.discretized_pmf(0, [1], [0], [1], values=1)


@pytest.mark.parametrize("bad", [0, -3, 2.5, True])
def test_sizes_reject_non_positive_or_non_integer(bad):
    with pytest.raises(ValueError, match="positive integer"):
        pixels.numel_mixture(32, 32, 3, bad)


def test_the_module_is_mathematics_only():
    # no sentences for a reader, no LaTeX helpers, no command line: those live in proofs/
    source = inspect.getsource(pixels)
    tree = ast.parse(source)
    imported = {alias.name for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)
                for alias in node.names} | {node.module or "" for node in ast.walk(tree)
                                            if isinstance(node, ast.ImportFrom)}
    assert not any("latex" in name or "derivation" in name for name in imported)
    assert not re.search(r"--[A-Za-z]", source)                  # no command-line flags
    assert not hasattr(pixels, "output_size_derivation")
