"""LV-1 benchmarks: the expectation from Gaussian moments vs integrating the KL integral directly."""
import random

import sympy as sp

from proofs import gaussian_kl
from proofs.spec import assemble
from symbolic.gaussian import SymbolicGaussian, kl_by_moments

mu1, mu2 = sp.symbols("mu1 mu2", real=True)
s1, s2 = sp.symbols("sigma1 sigma2", positive=True)


def _one_d():
    return (SymbolicGaussian(sp.Matrix([mu1]), sp.Matrix([[s1]])),
            SymbolicGaussian(sp.Matrix([mu2]), sp.Matrix([[s2]])))


def _two_d():
    return (SymbolicGaussian.symbolic(2, "l", "mu", "1"), SymbolicGaussian.symbolic(2, "r", "mu", "2"))


def ours(make):
    sp.core.cache.clear_cache()         # no help from an earlier run: the naive route starts cold too
    p1, p2 = make()
    return kl_by_moments(p1, p2)


def naive(make):
    # a student: write the integral of p1 ln(p1/p2) over R^d and hand it to integrate
    p1, p2 = make()
    x = sp.symbols(f"x1:{p1.d + 1}", real=True)
    integrand = p1.density(x) * (sp.log(p1.density(x)) - sp.log(p2.density(x)))
    for xi in reversed(x):
        integrand = sp.integrate(integrand, (xi, -sp.oo, sp.oo))
    return integrand


def agree(a, b, points=3):
    """Equal at a few random points of the parameter domain, to 25 digits."""
    rng = random.Random(0)
    symbols = sorted(a.free_symbols | b.free_symbols, key=str)
    for _ in range(points):
        point = {s: sp.Rational(rng.randint(1, 30), 10) * (1 if s.is_positive or rng.random() < .5 else -1)
                 for s in symbols}
        if abs(sp.N(a.xreplace(point) - b.xreplace(point), 30)) > 1e-25:
            return False
    return True


CASES = [
    dict(name="KL d=1 symbolic: moments vs integrate", ours=lambda: ours(_one_d),
         naive=lambda: naive(_one_d), timeout=180, compare=agree),
    dict(name="KL d=2 symbolic (Cholesky): moments vs integrate", ours=lambda: ours(_two_d),
         naive=lambda: naive(_two_d), timeout=120, compare=agree),
    dict(name="gaussian-kl derivation: build + check", naive=None,
         ours=lambda: assemble(gaussian_kl.SPEC, gaussian_kl.Params()).check().status),
]
