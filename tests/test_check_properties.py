"""Property tests for ``symbolic.check`` (issue 10): random expression trees over declared
domains.

* A true rewrite of a random tree (SymPy's ``expand``/``factor``/``together``/``cancel``/
  ``expand_log``/``trigsimp`` of it, cross-checked here with mpmath at 60 digits) is never
  ``failed``.
* The tree plus a random nonzero perturbation (including tiny ones such as ``10**-40 * x``
  or ``exp(-500)``) is never ``proved`` or ``checked``; the test itself confirms, at 60 and 90
  digits, that the perturbation is nonzero at an explicit point.

Examples are bounded and deterministic (``derandomize=True``); each example decides a few
claims in one ``verify_many`` batch.
"""
from __future__ import annotations

import mpmath
import pytest
import sympy as sp
from conftest import evidence_value
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from symbolic.check import claim, verify_many

BUDGET = 10.0

x = sp.Symbol("x", real=True)
p = sp.Symbol("p", positive=True)
n = sp.Symbol("n", integer=True)
z = sp.Symbol("z")                         # complex
q = sp.Symbol("q", negative=True)

# points where the test evaluates a tree (inside every symbol's declared domain)
PROBES = [
    {x: sp.Rational(3, 7), p: sp.Rational(5, 2), n: 3, z: sp.Rational(1, 3) + 2 * sp.I, q: -sp.Rational(7, 5)},
    {x: -sp.sqrt(2), p: sp.Rational(1, 1000), n: -4, z: -2 - sp.I / 3, q: -11},
    {x: 17, p: 10**3 + sp.Rational(1, 3), n: 0, z: sp.I * sp.pi, q: -sp.Rational(1, 9)},
]

SETTINGS = settings(max_examples=12, deadline=None, derandomize=True, database=None,
                    suppress_health_check=list(HealthCheck),
                    phases=[Phase.explicit, Phase.generate])

leaves = st.sampled_from([x, p, n, z, q, sp.Integer(1), sp.Integer(2), sp.Integer(-3),
                          sp.Rational(1, 2), sp.Rational(-5, 7), sp.pi])


def _extend(children):
    """Operations that keep every tree defined (finite) on the whole declared domain."""
    return st.one_of(
        st.tuples(children, children).map(lambda ab: ab[0] + ab[1]),
        st.tuples(children, children).map(lambda ab: ab[0] * ab[1]),
        st.tuples(children, st.integers(2, 3)).map(lambda ae: ae[0] ** ae[1]),
        children.map(lambda a: a / (a**2 + 1) if a.is_extended_real else a / 3),   # real: no pole
        children.map(sp.sin),
        children.map(sp.cos),
        children.map(lambda a: sp.exp(a / 4)),
        st.just(sp.log(p)),
        st.just(sp.sqrt(p)),
        children.map(lambda a: sp.log(p) * a),
        children.map(lambda a: sp.sqrt(p) * a),
    )


trees = st.recursive(leaves, _extend, max_leaves=6)

REWRITES = {
    "expand": sp.expand,
    "factor": sp.factor,
    "together": sp.together,
    "cancel": sp.cancel,
    "expand_log": lambda e: sp.expand_log(e),           # valid for positive p only: SymPy honours it
    "expand_trig": lambda e: sp.expand(sp.expand_trig(e)),
    "powsimp": sp.powsimp,
}

TINY = [
    lambda: sp.exp(-500),
    lambda: sp.Rational(1, 10**40) * (x**2 + 1),
    lambda: sp.Integer(10)**-40 * p,
    lambda: sp.Rational(1, 10**30),
    lambda: sp.Rational(1, 10**40) * x,          # zero at x = 0 only
    lambda: sp.exp(-500) * sp.cos(x),
    lambda: sp.Integer(1),
    lambda: sp.Rational(-3, 2) * n**2 - sp.Rational(1, 7),
    lambda: sp.I * sp.Rational(1, 10**20),
    lambda: z - sp.conjugate(z),                 # zero on the real axis only
    lambda: sp.sin(x)**2 * sp.Rational(1, 10**25),
    lambda: sp.Min(x, 10**6) - x,                # zero below 10**6
]


_num = evidence_value


def _agrees(a, b, point) -> bool | None:
    """Whether a and b agree at the point to 50 digits (60-digit evaluation)."""
    va, vb = _num(a.subs(point), 60), _num(b.subs(point), 60)
    if va is None or vb is None:
        return None
    return abs(va - vb) <= mpmath.mpf(10) ** -50 * max(1, abs(va), abs(vb))


def _nonzero_somewhere(delta):
    """An explicit point of the declared domain where ``delta`` is certainly nonzero: its value
    at 60 and at 90 digits agree and are not zero.  Returns the point or None."""
    candidates = PROBES + [{x: 10**7, p: 3, n: 5, z: 1 + sp.I, q: -1}]
    for point in candidates:
        d60, d90 = _num(delta.subs(point), 60), _num(delta.subs(point), 90)
        if d60 is None or d90 is None or d90 == 0:
            continue
        if abs(d60 - d90) <= mpmath.mpf(10) ** -40 * abs(d90):
            return point
    return None

def _assert_none_proved_or_checked(batch, shown):
    """Every claim of ``batch`` is false (``shown``: its sides and the point where it fails)."""
    if not batch:
        return
    for (lhs, rhs, point), verdict in zip(shown, verify_many(batch, budget=BUDGET, workers=2)):
        assert verdict.status not in ("proved", "checked"), (
            f"FALSE claim {lhs} == {rhs} (differs at {point}) was {verdict.status}/{verdict.method}: "
            f"{verdict.detail}")



@SETTINGS
@given(st.lists(st.tuples(trees, st.sampled_from(sorted(REWRITES))), min_size=2, max_size=2))
def test_true_rewrite_is_never_failed(items):
    batch, shown = [], []
    for tree, name in items:
        rewritten = REWRITES[name](tree)
        checks = [_agrees(tree, rewritten, point) for point in PROBES]
        assert False not in checks, f"SymPy's {name} changed the value of {tree}: {rewritten}"
        if True not in checks:
            continue                                        # not evaluable: no independent evidence
        batch.append(claim(tree, rewritten))
        shown.append((tree, name, rewritten))
    if not batch:
        return
    for (tree, name, rewritten), verdict in zip(shown, verify_many(batch, budget=BUDGET, workers=2)):
        assert verdict.status != "failed", (f"TRUE claim {tree} == {rewritten} ({name}) was failed: "
                                            f"{verdict.status}/{verdict.method} {verdict.detail} "
                                            f"at {verdict.counterexample}")


@SETTINGS
@given(st.lists(st.tuples(trees, st.sampled_from(range(len(TINY))), st.booleans()), min_size=2, max_size=2))
def test_perturbed_tree_is_never_proved_or_checked(items):
    batch, shown = [], []
    for tree, index, rewrite_first in items:
        delta = TINY[index]()
        point = _nonzero_somewhere(delta)
        assert point is not None, delta
        if _num(tree.subs(point), 60) is None:
            continue                                        # the tree is undefined there
        rhs = sp.expand(tree) + delta if rewrite_first else tree + delta
        # independent evidence: rhs - tree is nonzero at `point`, at 60 and at 90 digits (evalf
        # resolves the cancellation, so 10**-40 or exp(-500) differences are seen)
        gap = sp.sympify(rhs - tree).subs(point)
        d60, d90 = _num(gap, 60), _num(gap, 90)
        assert d60 is not None and d90 is not None and d90 != 0 and \
            abs(d60 - d90) <= mpmath.mpf(10) ** -40 * abs(d90), (tree, rhs, point)
        batch.append(claim(tree, rhs))
        shown.append((tree, rhs, point))
    _assert_none_proved_or_checked(batch, shown)


@SETTINGS
@given(st.lists(st.tuples(trees, st.sampled_from([sp.Rational(1, 10**40), sp.exp(-500), sp.Integer(1)])),
                min_size=2, max_size=2))
def test_square_plus_epsilon_is_positive_never_failed_and_strict_zero_gap_never_proved(items):
    """|tree|**2 + eps > 0 is true (never failed); |tree|**2 + eps < eps/2 is false."""
    batch, shown = [], []
    for tree, eps in items:
        if not any(_num(tree.subs(point), 60) is not None for point in PROBES):
            continue
        square = sp.Abs(tree)**2
        batch.append(claim(square + eps, 0, relation=">"))
        shown.append(("true", square + eps, 0, ">"))
        batch.append(claim(square + eps, eps / 2, relation="<"))
        shown.append(("false", square + eps, eps / 2, "<"))
    if not batch:
        return
    for (truth, lhs, rhs, relation), verdict in zip(shown, verify_many(batch, budget=BUDGET, workers=2)):
        if truth == "true":
            assert verdict.status != "failed", (lhs, relation, rhs, verdict)
        else:
            assert verdict.status not in ("proved", "checked"), (lhs, relation, rhs, verdict)


INSIDE = [sp.exp(-500), sp.Rational(1, 10**60), sp.Rational(1, 10**40) * (x**2 + 1), sp.Integer(10)**-45 * p]


@settings(max_examples=8, deadline=None, derandomize=True, database=None,
          suppress_health_check=list(HealthCheck), phases=[Phase.explicit, Phase.generate])
@given(st.lists(st.tuples(trees, st.sampled_from(range(len(INSIDE))), st.sampled_from(["sin", "exp"])),
                min_size=2, max_size=2))
def test_perturbation_inside_a_function_is_never_proved_or_checked(items):
    """f(tree) == f(tree + delta) with a tiny delta inside f: a difference far below the
    rounding noise of either side, but not zero."""
    batch, shown = [], []
    for tree, index, fname in items:
        f = getattr(sp, fname)
        lhs, rhs = f(tree), f(tree + INSIDE[index])
        evidence = None
        for point in PROBES:
            gap = sp.sympify(rhs - lhs).subs(point)
            d60, d90 = _num(gap, 60), _num(gap, 90)
            if d60 is not None and d90 is not None and d90 != 0 and \
                    abs(d60 - d90) <= mpmath.mpf(10) ** -40 * abs(d90):
                evidence = point
                break
        if evidence is None:
            continue                          # e.g. sin at a critical point: no independent evidence
        batch.append(claim(lhs, rhs))
        shown.append((lhs, rhs, evidence))
    _assert_none_proved_or_checked(batch, shown)
