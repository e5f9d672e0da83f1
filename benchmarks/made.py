"""MADE connectivity: the closed form from degree counts vs the dense product of the masks.

``CASES`` is read by ``benchmarks/run.py``.  Run this file directly to time the
MADE paper's MNIST size (784-8000-8000-784) once, check that both routes give
the identical exact integer matrix, and print the ratio.
"""
from __future__ import annotations

import os
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), os.pardir))

import numpy as np  # noqa: E402

from symbolic.made import (connectivity, connectivity_closed_form, count_paths, masks,  # noqa: E402
                           sample_degrees)

MNIST = (784, (8000, 8000))          # the MADE paper's MNIST network
MEDIUM = (784, (500, 500))
SMALL = (64, (64, 64, 64))


def _degrees(size, seed=0):
    m, widths = size
    return m, sample_degrees(m, widths, seed=seed)


def closed_form(size):
    m, degrees = _degrees(size)
    return lambda: connectivity_closed_form(m, degrees)


def dense_product(size):
    m, degrees = _degrees(size)
    return lambda: connectivity(masks(m, degrees))


def graph_walk(size):
    m, degrees = _degrees(size)
    return lambda: count_paths(masks(m, degrees))


def same_matrix(a, b):
    """Both routes give the identical exact integer matrix."""
    return a.shape == b.shape and bool((np.asarray(a) == np.asarray(b)).all())


CASES = [
    dict(name="MADE M, 784-8000-8000-784: closed form vs dense mask product",
         ours=closed_form(MNIST), naive=dense_product(MNIST), timeout=600, compare=same_matrix),
    dict(name="MADE M, 784-500-500-784: closed form vs dense mask product",
         ours=closed_form(MEDIUM), naive=dense_product(MEDIUM), timeout=120, compare=same_matrix),
    dict(name="MADE M, 64-64-64-64-64: closed form vs graph walk (Python integers)",
         ours=closed_form(SMALL), naive=graph_walk(SMALL), timeout=120, compare=same_matrix),
]


def main():
    m, widths = MNIST
    bound = widths[0] * widths[1]
    assert bound < 2 ** 53, "float64 partial sums would not be exact"     # 6.4e7, far below
    ours, naive = closed_form(MNIST), dense_product(MNIST)
    t0 = time.perf_counter()
    fast = ours()
    t1 = time.perf_counter()
    slow = naive()
    t2 = time.perf_counter()
    assert fast.shape == slow.shape == (m, m) and np.array_equal(fast, slow)
    assert int(fast.max()) <= bound and not np.triu(fast).any()
    print(f"784-8000-8000-784: closed form {t1 - t0:.4f} s, dense product {t2 - t1:.2f} s, "
          f"ratio {(t2 - t1) / (t1 - t0):.0f}x; identical exact integer matrices "
          f"(max entry {int(fast.max())}, strictly lower)")


if __name__ == "__main__":
    main()
