"""AR-2 mathematics, each closed form against an independent route (enumeration, mpmath)."""
import itertools
import random

import mpmath
import pytest
import sympy as sp

from symbolic import pixels
from tests.conftest import close


def enumerate_outputs(W, H, C, per_subpixel):
    """Build the output 'tensor' as explicit nested lists and count its leaves."""
    tensor = [[[per_subpixel() for _ in range(C)] for _ in range(H)] for _ in range(W)]
    return sum(len(leaf) for row in tensor for col in row for leaf in col)


@pytest.mark.parametrize("W, H, C, K", [(1, 1, 1, 1), (2, 3, 1, 4), (4, 2, 3, 5), (5, 5, 3, 10)])
def test_sizes_match_enumeration(W, H, C, K):
    assert pixels.numel_categorical(W, H, C) == enumerate_outputs(W, H, C, lambda: [0.0] * 256)
    mixture = lambda: [("pi", k) for k in range(K)] + [("mu", k) for k in range(K)] + [("s", k) for k in range(K)]
    assert pixels.numel_mixture(W, H, C, K) == enumerate_outputs(W, H, C, mixture)


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
    assert pixels.k_min(values) == brute_k_min(values, 3, values)


def test_k_min_256_is_86():
    assert pixels.k_min(256) == 86 and pixels.k_min_free_params(256) == 86


@pytest.mark.parametrize("C", [1, 2, 3, 4, 8])
def test_pixelcnnpp_threshold_matches_search(C):
    per = 1 + 2 * C + C * (C - 1) // 2
    assert pixels.k_min_pixelcnnpp(C, 256) == brute_k_min(256, per, 256 * C)


def test_pixelcnnpp_rgb_threshold_is_77():
    assert pixels.k_min_pixelcnnpp(3, 256) == 77


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


def test_derivation_for_other_value_counts():
    d = pixels.output_size_derivation(values=16, channels=1, components=1)
    assert d.results["k_min"] == 6 and d.check().status == "proved"
