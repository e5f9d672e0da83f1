"""LV-2 benchmarks: exact variances of the score-function estimator.

Ours: expand the estimator as a polynomial in the standard-normal noise (fast
polynomial arithmetic over the rationals) and replace each monomial by its
Gaussian moment (symbolic.score.gaussian_expectation).  Naive: what a student
would type, ``integrate`` of the squared estimator against the normal density
with symbolic parameters, or ``sympy.stats.E`` / ``variance`` on Normal random
variables.

    python benchmarks/run.py --only score
    python benchmarks/score.py            # this file alone, same table
"""
import os
import sys

import sympy as sp

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from symbolic.score import (A, C, EPS, MNIST_PARAMS, MU, S, SIGMA,  # noqa: E402
                            gaussian_expectation, log_normal, score_estimators,
                            var_score_mu, var_score_sigma)


def _variance_ours(estimator, variables):
    return sp.expand(gaussian_expectation(estimator**2, variables)
                     - gaussian_expectation(estimator, variables)**2)


def _density(v):
    return sp.exp(-v**2 / 2) / sp.sqrt(2 * sp.pi)


def _variance_integrate(estimator, variables):
    limits = [(v, -sp.oo, sp.oo) for v in variables]
    density = sp.Mul(*[_density(v) for v in variables])
    second = sp.integrate(estimator**2 * density, *limits)
    first = sp.integrate(estimator * density, *limits)
    return sp.expand(second - first**2)


def _variance_stats(estimator, variables):
    from sympy import stats
    rvs = {v: stats.Normal(f"X{k}", 0, 1) for k, v in enumerate(variables)}
    return sp.expand(stats.variance(estimator.xreplace(rvs)))


def _agree(a, b):
    return sp.expand(sp.expand_log(sp.sympify(a) - sp.sympify(b))) == 0


def _natural(dim, which="mu"):
    """The estimator as a student writes it: score times (ln p - ln q), nothing expanded."""
    e1 = EPS[0]
    f = sum(log_normal(MU + SIGMA * e, A, S) - log_normal(MU + SIGMA * e, MU, SIGMA)
            for e in EPS[:dim]) - C
    score = e1 / SIGMA if which == "mu" else (e1**2 - 1) / SIGMA
    return score * f


# D = 1 with every parameter symbolic (mu, sigma, a, s, c)
G1 = _natural(1)
# D = 1 at the MNIST-sized parameters, only the offset c symbolic
G1_NUMERIC = G1.subs(MNIST_PARAMS)
# D = 2, every parameter symbolic
G2 = _natural(2)
G2_SIGMA = _natural(2, "sigma")


def check_derivation():
    from proofs.score_function import SPEC, Params          # the derivation is the problem's spec
    from proofs.spec import assemble
    checked = assemble(SPEC, Params(dim=2, samples=100_000, seed=0)).check()
    assert checked.status == "proved"
    return checked.status


def _case(label, estimator, dims, naive, timeout=60):
    """One side-by-side case: our moment route against a naive SymPy route."""
    eps = EPS[:dims]
    route = {_variance_integrate: "integrate", _variance_stats: "sympy.stats.variance"}[naive]
    return dict(name=f"Var score-fn est.{label}: moments vs {route}",
                ours=lambda: _variance_ours(estimator, eps), naive=lambda: naive(estimator, eps),
                timeout=timeout, compare=_agree)


CASES = [
    _case(", D=1, numeric params, symbolic c", G1_NUMERIC, 1, _variance_integrate),
    _case(", D=1, all symbolic", G1, 1, _variance_integrate),
    _case(", D=1, all symbolic", G1, 1, _variance_stats),
    _case(", D=2, all symbolic", G2, 2, _variance_integrate),
    _case(", D=2, all symbolic", G2, 2, _variance_stats),
    _case(" of sigma, D=2, all symbolic", G2_SIGMA, 2, _variance_integrate, timeout=120),
    dict(name="score-function derivation, D = 2: build + check (50 steps)",
         ours=check_derivation, naive=None),
]

# ours agrees with the library's closed forms (themselves proved in the derivation)
assert _agree(_variance_ours(G2, EPS[:2]), var_score_mu(2))
assert _agree(_variance_ours(G2_SIGMA, EPS[:2]), var_score_sigma(2))
assert _agree(score_estimators(2)["mu"], G2)


if __name__ == "__main__":
    import run                                           # benchmarks/run.py, the common table
    run.main(["--only", "score"] + sys.argv[1:])
