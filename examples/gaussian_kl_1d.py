"""KL(N(mu_1, sigma_1^2) || N(mu_2, sigma_2^2)), 1-D.  Run: dgm-proofs run examples/gaussian_kl_1d.py"""
import sympy as sp
from symbolic import Derivation, Goal, Step

x, m1, m2 = sp.symbols("x mu_1 mu_2", real=True)
s1, s2 = sp.symbols("sigma_1 sigma_2", positive=True)
p1 = sp.exp(-(x - m1)**2 / (2 * s1**2)) / sp.sqrt(2 * sp.pi * s1**2)
p2 = sp.exp(-(x - m2)**2 / (2 * s2**2)) / sp.sqrt(2 * sp.pi * s2**2)
E = lambda f: sp.Integral(f * p1, (x, -sp.oo, sp.oo))          # the expectation under p1


def derivation():
    c0, c1, c2 = sp.log(s2 / s1) + (m1 - m2)**2 / (2 * s2**2), (m1 - m2) / s2**2, 1 / (2 * s2**2) - 1 / (2 * s1**2)
    expectation = c0 * E(1) + c1 * E(x - m1) + c2 * E((x - m1)**2)
    kl = sp.log(s2 / s1) + (s1**2 + (m1 - m2)**2) / (2 * s2**2) - sp.Rational(1, 2)
    return Derivation("KL between two 1-D Gaussians", id="gaussian-kl-1d", goals=[Goal(expectation, kl)], steps=[
        Step(sp.log(p1 / p2), c0 + c1 * (x - m1) + c2 * (x - m1)**2,
             "the log-ratio is a quadratic in $x - \\mu_1$"),
        Step(expectation, kl, "KL is its expectation under $p_1$; linearity, and the moments of $p_1$: "
             "$\\int p_1 = 1$, $\\int (x - \\mu_1) p_1 = 0$, $\\int (x - \\mu_1)^2 p_1 = \\sigma_1^2$")])
