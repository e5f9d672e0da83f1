"""AR-2 benchmarks: our closed forms and telescoping vs solving and summing directly."""
import sympy as sp

from proofs import output_size
from symbolic import pixels

W, H, C, K = pixels.W, pixels.H, pixels.C, pixels.K
x = sp.Symbol("x", integer=True)
mu, s = sp.Symbol("mu", real=True), sp.Symbol("s", positive=True)
F = sp.Function("F")
half = sp.Rational(1, 2)


def naive_k_min():
    # a student: solve the inequality, then round up
    solution = sp.solve(3 * K * W * H * C > 256 * W * H * C, K)
    bound = solution.as_set().inf if hasattr(solution, "as_set") else solution
    return int(sp.floor(bound)) + 1


def naive_pmf_total():
    # a student: sum the 256 bins of one logistic with sympy.summation, then simplify
    sig = lambda t: 1 / (1 + sp.exp(-t))
    inner = sp.summation(sig((x + half - mu) / s) - sig((x - half - mu) / s), (x, 1, 254))
    return sp.simplify(sig((half - mu) / s) + inner + 1 - sig((254 + half - mu) / s))


def ours_pmf_total():
    n = pixels.n
    return (F(half) + sp.Sum(F(x + half) - F(x - half), (x, 1, n - 2)).doit() + 1 - F(n - 3 * half))


CASES = [
    dict(name="k_min for 256 values", ours=lambda: int(pixels.k_min(256)), naive=naive_k_min,
         timeout=60, compare=lambda a, b: a == b),
    dict(name="discretized pmf sums to one (telescoping)", ours=ours_pmf_total, naive=naive_pmf_total,
         timeout=60, compare=lambda a, b: a == b == 1),
    dict(name="output-size derivation, build + check", naive=None,
         ours=lambda: output_size.output_size_derivation().check().status),
]
