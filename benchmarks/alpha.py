"""LV-3 benchmarks: the alpha-divergence of two Gaussians and its KL limits.

Ours: the closed form (completing the square, symbolic.alpha) and both limits as
L'Hopital quotients 2 I'(1) and -2 I'(-1) (valid because the integral I(alpha)
is smooth and I(+-1) = 1, asserted).  Naive: what a student would type,
``integrate`` of p^((1+alpha)/2) q^((1-alpha)/2) over the real line with
symbolic parameters, then ``limit`` at alpha = +-1.

    python benchmarks/run.py --only alpha
    python benchmarks/alpha.py            # this file alone, same table
"""
import os
import random
import sys

import sympy as sp

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

import proofs.alpha_divergence as lv3  # noqa: E402
from proofs.problem import options_for  # noqa: E402
from symbolic.alpha import (alpha_divergence_mvn,  # noqa: E402
                            alpha_integral_mvn, alpha_integral_normal, alpha_divergence_normal,
                            cholesky_covariance)
from symbolic.gaussian import kl_mvn, kl_normal  # noqa: E402

mu1, mu2 = sp.symbols("mu1 mu2", real=True)
s1, s2 = sp.symbols("sigma1 sigma2", positive=True)
alpha = sp.Symbol("alpha", real=True)
x = sp.Symbol("x", real=True)


def _lhopital_limits(integral):
    """lim D at alpha = 1 and -1 from the closed-form integral I(alpha), I(+-1) = 1."""
    assert sp.simplify(integral.subs(alpha, 1)) == 1 and sp.simplify(integral.subs(alpha, -1)) == 1
    derivative = sp.diff(integral, alpha)
    # D = 4 (1 - I) / (1 - alpha^2):  N'/M' = -4 I' / (-2 alpha) = 2 I' / alpha
    return (sp.simplify(2 * derivative.subs(alpha, 1)), sp.simplify(-2 * derivative.subs(alpha, -1)))


def ours_normal():
    closed = alpha_divergence_normal(mu1, s1, mu2, s2, alpha)
    plus, minus = _lhopital_limits(alpha_integral_normal(mu1, s1, mu2, s2, alpha))
    assert sp.simplify(plus - kl_normal(mu1, s1, mu2, s2)) == 0
    assert sp.simplify(minus - kl_normal(mu2, s2, mu1, s1)) == 0
    return closed, plus, minus


def naive_normal():
    a, b = (1 + alpha) / 2, (1 - alpha) / 2

    def pdf(mu, s):
        return sp.exp(-(x - mu)**2 / (2 * s**2)) / (sp.sqrt(2 * sp.pi) * s)

    integral = sp.integrate(pdf(mu1, s1)**a * pdf(mu2, s2)**b, (x, -sp.oo, sp.oo))
    closed = 4 / (1 - alpha**2) * (1 - integral)
    return closed, sp.limit(closed, alpha, 1), sp.limit(closed, alpha, -1)


def _mvn_symbols(d=2):
    S1, S2 = cholesky_covariance("l", d), cholesky_covariance("k", d)
    m1 = sp.Matrix([sp.Symbol(f"m_{i + 1}", real=True) for i in range(d)])
    m2 = sp.Matrix([sp.Symbol(f"n_{i + 1}", real=True) for i in range(d)])
    return m1, S1, m2, S2


def ours_mvn():
    m1, S1, m2, S2 = _mvn_symbols()
    integral = alpha_integral_mvn(m1, S1, m2, S2, alpha)
    plus, minus = _lhopital_limits(integral)
    return plus, minus


def naive_mvn():
    # the closed form is given; only SymPy's limit is asked for
    m1, S1, m2, S2 = _mvn_symbols()
    closed = alpha_divergence_mvn(m1, S1, m2, S2, alpha)
    return sp.limit(closed, alpha, 1), sp.limit(closed, alpha, -1)


def agree(a, b, points=3):
    """Equal at a few random points of the parameter domain (alpha = 1/3), to 25 digits."""
    rng = random.Random(0)
    a, b = sp.Tuple(*a), sp.Tuple(*b)
    symbols = sorted((a.free_symbols | b.free_symbols) - {x}, key=str)
    for _ in range(points):
        point = {s: (sp.Rational(1, 3) if s == alpha else
                     sp.Rational(rng.randint(5, 30), 10) * (1 if s.is_positive or rng.random() < .5 else -1))
                 for s in symbols}
        for u, v in zip(a, b):
            if abs(sp.N(u.xreplace(point) - v.xreplace(point), 30)) > 1e-25:
                return False
    return True


def check_derivation():
    return lv3.build(options_for(lv3)).check().status


CASES = [
    dict(name="D_alpha of 2 Gaussians + both KL limits: closed vs integrate", ours=ours_normal,
         naive=naive_normal, timeout=60, compare=agree),
    dict(name="D_alpha MVN d=2 Cholesky, both KL limits: L'Hopital vs limit", ours=ours_mvn,
         naive=naive_mvn, timeout=120, compare=agree),
    dict(name="alpha-divergence derivation, d = 2: build + check", ours=check_derivation, naive=None),
]


if __name__ == "__main__":
    import run                                           # benchmarks/run.py, the common table
    run.main(["--only", "alpha"] + sys.argv[1:])
