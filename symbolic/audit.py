"""The numeric audit: the second, independent witness behind every verdict.

A symbolic route (SymPy's rewriting, sign facts, limits) may say ``proved``; it is
believed only when this audit, which shares none of SymPy's simplifier or
assumption code, finds no point of the declared domain where the claim fails.

What is sampled
    Every free symbol takes values from a pool of exact numbers -- integers small and
    huge, rationals, irrationals, imaginary and complex numbers, ``1e-6`` and ``1e6``
    and beyond, and the numbers that occur in the claim, their neighbours and a point
    far past the largest of them -- filtered by the symbol's own assumptions (a plain
    ``Symbol`` is complex, ``integer=False`` excludes integers, ``prime``, ``even`` ...
    are honoured) and by the stated conditions.  Undefined functions are replaced by
    concrete normalised Gaussian bumps, so identities about "any function" are
    sampled too.
How a point is decided
    Both sides and their difference are evaluated with mpmath at 50 digits, then at
    100 (and 200): a difference is trusted only when two precisions agree on it, a
    zero only when it stays below the rounding noise.  A point that fails is then
    confirmed by SymPy's own adaptive evaluation of the exact substituted claim, so a
    ``failed`` verdict is certain.
What it never does
    It never calls a claim proved: agreement is evidence, not proof.  Noncommuting
    symbols are never sampled.

>>> import sympy as sp
>>> x = sp.Symbol('x', positive=True)
>>> audit(sp.Min(x, 1000), x, (), '==').counterexample['x'] > 1000
True
>>> audit(sp.sqrt(x**2), x, (), '==').evaluated > 20
True
"""
from __future__ import annotations

import functools
import itertools
import random
import time
from dataclasses import dataclass
from typing import Mapping

import mpmath
import sympy as sp
from sympy.calculus.util import continuous_domain
from sympy.printing.pycode import MpmathPrinter

from .timelimit import Timeout, time_limit

__all__ = ["Audit", "audit", "samples_residual", "pool", "points", "concrete_functions", "DIGITS"]

DIGITS = 50                   # working precision of the audit
_LADDER = (50, 100, 200)      # precisions tried before a difference is trusted
# where integrals must be evaluated by quadrature, 50 digits cost seconds a point: there
# the audit works at 20, 30, 40 digits (still far beyond double precision)
_QUADRATURE_LADDER = (20, 30, 40)
# The number of points is decided by the size of the claim, never by the clock, so that a
# verdict does not depend on the machine's load; the time limits below are safety nets only.
_SECONDS = 30.0               # at most this long for one audit
_POINT_SECONDS = 8.0          # at most this long for one point
_CHEAP_NODES = 300            # a claim of up to this many nodes gets every point
_MAX_POINTS = 24              # points tried per claim (fewer when evaluation is slow)
_SLOW_POINTS = 8              # at most this many points when each needs SymPy's own evaluation
_MIN_POINTS = 3               # and at least this many
_CONFIRM_SECONDS = 3.0        # a failure not confirmed within this time is not reported
_FULL_LADDER_POINTS = 4       # points that always get two precisions; later ones may get one
_SUM_BOUND = 30               # a sum bound takes values up to this (a sum is evaluated term by term),
_LONG_SUMS = (101, 1009)      # and in an inequality these, early but within one second of CPU time
_LONG_SUM_SECONDS = 1.0       # in all: Sum(k, (k, 1, n)) <= 5200 fails only from n = 102 on


@dataclass(frozen=True)
class Audit:
    """What the numeric audit found.

    ``evaluated``: points where the claim could be evaluated and held;
    ``counterexample``: a point (symbol name -> exact value) where it fails, confirmed;
    ``values``: both sides there; ``detail``: a short explanation.
    """

    evaluated: int
    counterexample: Mapping | None = None
    values: tuple | None = None
    detail: str = ""
    entry: int | None = None          # for a matrix claim, the flat index of the failing entry

    @property
    def refutes(self) -> bool:
        return self.counterexample is not None


# --------------------------------------------------------------------------- the domain

_INTEGERS = (0, 1, -1, 2, -2, 3, -3, 5, 7, -7, 10, 11, 13, 100, 101, 1009, -1000,
             10**6 + 3, -(10**6 + 3), 2**64 + 1, -(2**64 + 1))
_FRACTIONS = (sp.Rational(1, 2), sp.Rational(-1, 2), sp.Rational(7, 3), sp.Rational(-7, 3),
              sp.Rational(1, 1000), sp.Rational(1, 10**6), sp.Rational(-1, 10**6),
              sp.Rational(10**6 + 1, 7), sp.Rational(10**12 + 1, 3), sp.Rational(-10**6 - 1, 3),
              sp.Rational(3, 10**9))
_IRRATIONALS = (sp.sqrt(2), -sp.sqrt(3), sp.pi, sp.E / 10, -sp.pi**3, sp.sqrt(2) * 10**6,
                sp.sqrt(5) / 10**6)
_NONREAL = (sp.I, 1 + 4 * sp.I, -sp.I, sp.Rational(1, 3) - 5 * sp.I, sp.Rational(-1, 2) + 2 * sp.I,
            3 - 2 * sp.I, sp.I / 1000, sp.sqrt(2) * sp.I, 10**6 * sp.I - 1)


@functools.lru_cache(maxsize=1024)
def _inventory(expr) -> dict:
    """Every node of ``expr`` by its type: one traversal, remembered.  The audit asks the
    same claim for its numbers, relations, sums, integrals, functions and symbols, in the
    first audit, the one after the symbolic route and the checker's searches; each of those
    questions was a walk over the whole tree."""
    found: dict = {}
    for node in sp.preorder_traversal(expr):
        found.setdefault(type(node), set()).add(node)
    return found


def _nodes(expr, *types) -> set:
    """``expr.atoms(*types)``, from :func:`_inventory`.

    >>> x = sp.Symbol('x')
    >>> _nodes(sp.Abs(x - 1) + sp.Heaviside(x), sp.Abs, sp.Heaviside) == {sp.Abs(x - 1), sp.Heaviside(x)}
    True
    """
    try:
        inventory = _inventory(expr)
    except TypeError:                    # an unhashable piece (a mutable matrix)
        return expr.atoms(*types)
    return {node for kind, nodes in inventory.items() if issubclass(kind, types) for node in nodes}


@functools.lru_cache(maxsize=256)
def _claim_numbers(exprs: tuple) -> tuple:
    """The points where a claim's pieces switch (solutions of its relations and of the
    arguments of Heaviside, Min, Max, Abs ...), then the numbers it mentions and their
    neighbours, and a point far past the largest: where Piecewise, Min, floor, Heaviside ...
    differ from their neighbourhood."""
    numbers = set()
    for e in exprs:
        for atom in _nodes(e, sp.Number):
            if atom.is_finite and atom.is_real:
                numbers.add(abs(atom))
    switches = _switch_points(exprs)
    small = sp.Rational(1, 10**6)
    # between two switches, the midpoint: 1 < x < 1 + 10**-9 holds at no other sampled point
    ordered_switches = sorted(set(switches), key=lambda v: sp.N(v, 30))
    between = [(a + b) / 2 for a, b in zip(ordered_switches, ordered_switches[1:])]
    # beside each switch, its integer neighbours too (an integer symbol skips v +- 10**-6:
    # m < -3 switches at -3, and only m = -4 is on the other side)
    out = list(switches) + between + [v + d for v in switches for d in (small, -small, 1, -1)]
    ordered = sorted(numbers)
    for shift in (0, "neg", sp.Rational(1, 1000), -sp.Rational(1, 1000), 1, -1):
        for r in ordered:
            out.append(-r if shift == "neg" else r + shift)
    biggest = max(numbers, default=sp.Integer(1))
    far = sp.Integer(10) * sp.ceiling(biggest) + 1
    out += [far, -far]
    return tuple(sp.nsimplify(v) if isinstance(v, sp.Float) else v for v in out)


def _switch_points(exprs, limit: int = 12) -> list:
    """Exact solutions of the claim's one-symbol relations (x < 10**6, Eq(x, pi/4)) and of
    the arguments where Heaviside, Abs, sign, Min and Max switch."""
    found = []
    for e in exprs:
        for gap in _switch_arguments(e):
            free = gap.free_symbols
            # quadratics, and binomials c*x**n + d of any degree (x**3 = pi): exact roots that
            # stay small; a general cubic's roots are not worth their size here
            if len(free) != 1 or not gap.is_polynomial(*free) or \
                    sp.degree(gap, *free) > 2 and len(sp.Add.make_args(sp.expand(gap))) > 2:
                continue
            try:
                roots = sp.solve(gap, *free)
            except Exception:
                continue
            found += [r for r in roots if r.is_number and r.is_real]
            if len(found) >= limit:
                return found[:limit]
    return found


def _switch_arguments(expr) -> list:
    """The expressions whose crossing of zero switches a piece of ``expr``: the gaps of its
    relations, the arguments of Heaviside, Abs, sign, floor and ceiling, and the pairwise
    differences of the arguments of Min and Max."""
    gaps = [r.lhs - r.rhs for r in _nodes(expr, sp.core.relational.Relational)]
    gaps += [f.args[0] for f in _nodes(expr, sp.Heaviside, sp.Abs, sp.sign, sp.floor, sp.ceiling)]
    gaps += [a - b for f in _nodes(expr, sp.Min, sp.Max) for a, b in itertools.combinations(f.args, 2)]
    return gaps


def _fits(sym, value) -> bool:
    """Whether ``value`` has every property the symbol's assumptions fix."""
    return _fits_facts(_facts(sym), value)


def _facts(sym) -> tuple:
    return tuple(sorted((k, v) for k, v in sym.assumptions0.items() if v is not None and k != "commutative"))


@functools.lru_cache(maxsize=4096)
def _fits_facts(facts, value) -> bool:
    for key, wanted in facts:
        have = getattr(value, f"is_{key}", None)
        if have is None or bool(have) != wanted:
            return False
    return True


def pool(sym, extra=()) -> list:
    """The exact values the audit gives ``sym``, special ones first, the kinds interleaved.

    >>> sorted(pool(sp.Symbol('p', prime=True)))[:5]
    [2, 3, 5, 7, 11]
    >>> sp.I in pool(sp.Symbol('z'))
    True
    """
    return list(_pool(_facts(sym), bool(sym.is_integer), tuple(extra)))


@functools.lru_cache(maxsize=256)
def _pool(facts, integer, extra) -> tuple:
    # an extended-real symbol (extended_positive=True ...) may be infinite: oo and -oo first
    infinite = [sp.oo, -sp.oo] if ("extended_real", True) in facts and ("finite", True) not in facts else []
    kinds = (infinite + list(extra), [sp.Integer(v) for v in _INTEGERS], list(_FRACTIONS), list(_IRRATIONALS),
             list(_NONREAL), [sp.Integer(p) for p in (17, 19, 23, 10007, 1000003)], list(extra[1::2]))
    candidates = [v for group in itertools.zip_longest(*kinds) for v in group if v is not None]
    seen, out = set(), []
    for value in candidates:
        if not integer and value.is_Integer and abs(value) > 10**13:
            continue                     # 2^64 is for integers; reals go far out with 10^12
        if value not in seen and _fits_facts(facts, value):
            seen.add(value)
            out.append(value)
    return tuple(out)


def _random_value(sym, rng):
    """A random exact value of the symbol's domain (used after the pool's special values)."""
    for _ in range(50):
        kind = rng.random()
        magnitude = sp.Rational(rng.randint(1, 10**6), rng.randint(1, 10**4))
        if kind < 0.35:
            value = sp.Integer(rng.randint(-10**4, 10**4))
        elif kind < 0.7:
            value = magnitude * rng.choice((1, -1))
        elif kind < 0.85:
            value = magnitude * sp.sqrt(rng.choice((2, 3, 5, 7)))
        else:
            value = magnitude * rng.choice((1, -1)) + sp.I * sp.Rational(rng.randint(-999, 999), 100)
        if sym.is_imaginary and value.is_real:       # no draw above is purely imaginary
            value = sp.I * (value or magnitude)
        if _fits(sym, value):
            return value
    return None


def _holds(condition, point) -> bool:
    try:
        truth = condition.xreplace(point)
    except (TypeError, ValueError):      # nan at an infinity: ordered with nothing
        return False
    if truth in (sp.true, True):
        return True
    if truth in (sp.false, False):
        return False
    try:
        if isinstance(truth, sp.core.relational.Relational):
            gap = sp.N(truth.lhs - truth.rhs, 30)
            if not gap.is_real:
                return False
            if isinstance(gap, sp.Float) and gap._prec < 10:
                # evalf gave up: a "zero" such as -0.e-166 without one significant digit, whose
                # sign is arbitrary (x <= c - exp(-400), c exactly 1/2, "held" at x = 1/2, and
                # a true claim failed there); the point is left out
                return False
            return bool(type(truth)(gap, 0))
    except (TypeError, ValueError):
        pass
    return False


def points(symbols, conditions=(), exprs=(), seed: int = 0, count: int = _MAX_POINTS,
           long_sums: bool = False) -> list[dict]:
    """Up to ``count`` exact points of the declared domain, deterministic for a seed: special
    values together, each symbol's pool against the others, then random values.  The bound
    of a sum takes small values, and with ``long_sums`` the long ones of :data:`_LONG_SUMS`
    early (an inequality between a partial sum and a bound often fails only past some n).

    >>> n = sp.Symbol('n', integer=True, positive=True)
    >>> all(p[n].is_integer and p[n] > 0 for p in points([n]))
    True
    """
    key = (tuple(symbols), tuple(conditions), tuple(exprs), seed, count, long_sums)
    try:
        found = _points(*key)
    except TypeError:                    # an unhashable piece (a mutable matrix): not remembered
        found = _points.__wrapped__(*key)
    return [dict(point) for point in found]


@functools.lru_cache(maxsize=256)
def _points(symbols, conditions, exprs, seed, count, long_sums) -> tuple:
    """:func:`points`, remembered: the audits of one claim (the first, the one sampling the
    symbolic route's residual, a matrix's quick one) and the checker's searches ask for the
    same points, and finding a claim's special numbers means solving its relations."""
    symbols = list(symbols)
    try:
        extra = _claim_numbers(exprs + conditions)
    except TypeError:
        extra = _claim_numbers.__wrapped__(exprs + conditions)
    pools = {s: pool(s, extra) for s in symbols}
    bounds = _summation_bounds(exprs)
    short = {s: [v for v in pools[s] if abs(v) <= _SUM_BOUND] or pools[s][:1] for s in symbols if s in bounds}
    own = set(extra)
    for s, values in short.items():      # a sum is evaluated term by term: keep its length small,
        long = [v for v in pools[s] if abs(v) in _LONG_SUMS] if long_sums else []   # a long one early,
        # and the claim's own numbers past the short bound (n > 100 switches at 100 and 101), in
        # an equality too; all of these share the one second of the long sums (_sample)
        long += [v for v in pools[s] if v in own and _SUM_BOUND < abs(v) <= max(_LONG_SUMS) and v not in long]
        pools[s] = values[:1] + long + values[1:]
    if any(not p for p in pools.values()):
        return ()
    rng = random.Random(seed)
    longest = max((len(p) for p in pools.values()), default=1)
    # a few points with every symbol at the same special value, then points where each symbol
    # walks its pool at its own pace, so that no two symbols stay equal
    candidates = [{s: pools[s][i % len(pools[s])] for s in symbols} for i in range(min(4, longest))]
    candidates += [{s: pools[s][(i * (j + 1) + 5 * j) % len(pools[s])] for j, s in enumerate(symbols)}
                   for i in range(longest)]
    out, seen = [], set()
    randoms = itertools.chain.from_iterable(
        [{s: (_random_value(s, rng) if rng.random() < 0.7 and s not in bounds else rng.choice(short.get(s, pools[s])))
          for s in symbols}]
        for _ in range(20 * count))
    ordered = _interleave(candidates, randoms, rng)
    for point in ordered:
        if len(out) >= count:
            break
        if any(v is None for v in point.values()):
            continue
        key = tuple(point[s] for s in symbols)
        if key in seen:
            continue
        seen.add(key)
        if all(_holds(c, point) for c in conditions):
            out.append(point)
    return tuple(out)


def _is_long(point, bounds) -> bool:
    """Whether a sum bound takes one of the long values (:data:`_LONG_SUMS`) at ``point``."""
    return any(abs(point[s]) > _SUM_BOUND for s in bounds if s in point)


def _summation_bounds(exprs) -> set:
    out = set()
    for e in exprs:
        for node in _nodes(e, sp.Sum, sp.Product):
            for lim in node.limits:
                for bound in lim[1:]:
                    out |= bound.free_symbols
    return out


def _interleave(special, randoms, rng):
    """Special points first, mostly, with random ones mixed in so that a long pool of special
    values never crowds out the random part."""
    for i, point in enumerate(special):
        yield point
        if i % 2 == 1:
            yield next(randoms)
    yield from randoms


# --------------------------------------------------------------------------- undefined functions

def concrete_functions(exprs, seed: int = 0) -> dict:
    """Concrete stand-ins for the undefined functions of a claim: a Gaussian bump in the first
    argument, shifted by the others, normalised over the first argument (so "p is a density"
    holds) and positive.  An identity about every function must hold for these.

    >>> f = sp.Function('f')
    >>> x = sp.Symbol('x', real=True)
    >>> sp.integrate(concrete_functions([f(x)])[f](x), (x, -sp.oo, sp.oo))
    1
    """
    rng = random.Random(seed + 1)
    found = {}
    for e in exprs:
        for applied in _nodes(e, sp.core.function.AppliedUndef):
            found.setdefault(applied.func, len(applied.args))
    out = {}
    for func in sorted(found, key=str):
        args = sp.symbols(f"_a0:{found[func]}", real=True)
        scale = sp.Rational(rng.randint(5, 20), 10)
        shift = sp.Rational(rng.randint(-10, 10), 10) + sum(
            sp.Rational(rng.randint(-10, 10), 10) * a for a in args[1:])
        out[func] = sp.Lambda(args, sp.exp(-((args[0] - shift) / scale)**2 / 2) / (scale * sp.sqrt(2 * sp.pi)))
    return out


# A discrete measure for integrals of undefined functions: an identity that holds for every
# function by linearity, differentiation under the integral sign or a stated normalisation
# holds for every measure, so it is sampled exactly and fast against this one.  A point where
# the discrete form disagrees is never a counterexample by itself: it is confirmed (or not)
# with the true integrals.
_NODES = ((sp.Integer(-2), sp.Rational(1, 3)), (sp.Rational(-1, 2), sp.Integer(1)), (sp.Integer(0), sp.Integer(2)),
          (sp.Integer(1), sp.Integer(1)), (sp.Rational(5, 2), sp.Rational(1, 2)))


def _discrete(expr):
    """Integrals of undefined functions over the whole line as sums over :data:`_NODES`."""
    def over_nodes(integral):
        if len(integral.limits) != 1 or len(integral.limits[0]) != 3 \
                or tuple(integral.limits[0][1:]) != (-sp.oo, sp.oo):
            return integral
        var = integral.limits[0][0]
        return sp.Add(*[w * integral.function.xreplace({var: z}) for z, w in _NODES])
    # every integral over the line, not only those of undefined functions: linearity must
    # hold within one measure
    return expr.replace(lambda e: isinstance(e, sp.Integral), over_nodes)


def _concrete_indexed(expr):
    """Indexed symbols ``a[k]`` (a sequence) become a concrete integer sequence of their
    indices, different for each base: an identity about every sequence holds for this one."""
    def stand_in(e):
        salt = sum(map(ord, str(e.base))) % 7
        return sp.Add(*[sp.Mod((2 * n + 3) * i + salt + n, 5 + n) for n, i in enumerate(e.indices)]) + 1
    return expr.replace(lambda e: isinstance(e, sp.Indexed), stand_in) if expr.has(sp.Indexed) else expr


def _constant_sums(expr):
    """A sum whose summand does not depend on its index is the summand times the number of
    terms, ``b - a + 1`` (also for empty and reversed ranges, by Karr's convention)."""
    def count(e):
        out = e.function
        for _, a, b in e.limits:
            out *= b - a + 1
        return out
    def constant(e):
        return isinstance(e, sp.Sum) and len(e.limits) == 1 and len(e.limits[0]) == 3 \
            and not (e.function.free_symbols & set(e.variables))
    return expr.replace(constant, count) if expr.has(sp.Sum) else expr     # replace walks every node


def _concrete(expr, functions, shortcuts=True):
    """The claim with concrete functions, formal integrals made numeric, derivatives done (a
    number cannot stand for the variable of a derivative).  ``shortcuts`` also sums out
    constant sums; a confirmation goes without them."""
    expr = _concrete_indexed(expr)
    if shortcuts:
        expr = _constant_sums(expr)
    if not functions:
        return _derivatives_done(expr)
    expr = expr.replace(lambda e: isinstance(e, sp.Integral) and type(e) is not sp.Integral,
                        lambda e: sp.Integral(*e.args))            # formal integrals become numeric
    for func, lam in functions.items():
        expr = expr.replace(func, lam)
    return _derivatives_done(expr)


def _derivatives_done(expr):
    if not expr.has(sp.Derivative):
        return expr
    try:
        # deep=False: differentiate (under the integral sign too) without integrating anything
        return expr.replace(lambda e: isinstance(e, sp.Derivative), lambda e: e.doit(deep=False))
    except Exception:
        return expr


# --------------------------------------------------------------------------- evaluation

def compiled(args, exprs):
    """A Python function of ``args`` giving the mpmath values of ``exprs`` (a list, or one
    expression): SymPy's mpmath printer, and ``lambdify``'s namespace, without two of its
    costs -- the terms of sums and products are printed in their order (sorting them does
    not change a value beyond rounding, and was most of the time lambdify took), and the
    arguments are printed as ``_a0, _a1, ...`` (lambdify rebuilds the expression to rename
    every symbol whose name is not an identifier, such as ``mu_1,1`` or ``k'``), with more
    underscores where a symbol of the expressions has such a name.  A ``ValueError`` for a
    function mpmath reads otherwise (:data:`_NOT_COMPILED`): the caller evaluates by SymPy.

    >>> x = sp.Symbol("mu_1,1")
    >>> compiled([x], [x**2, sp.floor(x) + 1])(mpmath.mpf(2.5))
    [mpf('6.25'), mpf('3.0')]
    """
    several = isinstance(exprs, (list, tuple))
    items = exprs if several else [exprs]
    if any(_nodes(e, *_NOT_COMPILED) for e in items):
        raise ValueError("a function whose mpmath counterpart means something else: evaluated by SymPy")
    if any(_nodes(e, sp.Subs) for e in items):    # lambdify assigns each first
        return sp.lambdify(args, exprs, modules=[_GUARDED, "mpmath"], printer=MpmathPrinter(_PRINTER_SETTINGS),
                           docstring_limit=0)
    # argument names no symbol of the expressions can shadow: a bound variable (the index of
    # a generated sum, an integral's variable) named _a0 once captured the argument _a0
    taken = {str(v) for e in items for v in _nodes(e, sp.Symbol)}
    prefix = "_a"
    while any(name.startswith(prefix) for name in taken):
        prefix += "_"
    names = {a: f"{prefix}{k}" for k, a in enumerate(args)}
    printer = _ArgumentPrinter(names)
    body = ", ".join(printer.doprint(e) for e in items)
    body = f"[{body}]" if several else body
    if "\n" in body:                    # lines on what mpmath lacks: the call fails, as lambdify's
        body = f"({body})"
    namespace = dict(_namespace())
    exec(f"def _compiled({', '.join(names.values())}):\n    return {body}\n", namespace)
    return namespace["_compiled"]


# Functions that SymPy's mpmath printer maps to something else, so they are evaluated by SymPy
# and never compiled (found by review, compiled value against SymPy's): mpmath's bernoulli(1)
# is -1/2, SymPy's +1/2; euler(n) prints as mpmath's constant euler; RisingFactorial and
# FallingFactorial print through a gamma rewrite whose branch for x <= 0 is wrong at a
# non-integer step (a false claim was 'proved'); betainc_regularized prints as the
# unregularized betainc; polygamma of a non-integer order is another extension; Mod at an
# exact multiple rounds to the modulus instead of 0.
_NOT_COMPILED = (sp.bernoulli, sp.euler, sp.RisingFactorial, sp.FallingFactorial, sp.betainc_regularized,
                 sp.polygamma, sp.Mod)

_PRINTER_SETTINGS = {"fully_qualified_modules": False, "inline": True, "allow_unknown_functions": True,
                     "user_functions": {}, "order": "none"}


class _ArgumentPrinter(MpmathPrinter):
    """SymPy's mpmath printer, with the arguments of a compiled function renamed."""

    def __init__(self, names):
        super().__init__(_PRINTER_SETTINGS)
        self.names = names

    def _print(self, expr, **kwargs):    # a symbol, a dummy, a matrix symbol ...
        name = self.names.get(expr) if isinstance(expr, sp.Basic) else None
        return name or super()._print(expr, **kwargs)


@functools.lru_cache(maxsize=1)
def _namespace() -> dict:
    """The names a compiled function sees: lambdify's own namespace for mpmath (with its
    translations, such as ``LambertW`` to ``lambertw``), the guarded integer parts first."""
    return sp.lambdify([], 0, modules=[_GUARDED, "mpmath"]).__globals__


def _near_integer(v) -> bool:
    """Whether the mpmath number ``v`` is an integer or within rounding noise of one: there
    ``floor``, ``ceil`` and ``frac`` of it cannot be told at this precision (``1 - exp(-10**4)``
    rounds to 1 at 1200 digits); SymPy's exact evaluation, guarded, decides instead."""
    if not isinstance(v, mpmath.mpf):
        return False
    return abs(v - mpmath.nint(v)) <= mpmath.mpf(2) ** (20 - mpmath.mp.prec) * max(1, abs(v))


def _guarded(name):
    def value(v):
        v = mpmath.mpmathify(v)
        if _near_integer(v) or isinstance(v, mpmath.mpc) and (_near_integer(v.real) or _near_integer(v.imag)):
            raise ValueError(f"{name} of a number within rounding noise of an integer")
        return getattr(mpmath, name)(v)
    return value


# integer parts, evaluated only where the argument is clearly not at an integer
_GUARDED = {name: _guarded(name) for name in ("floor", "ceil", "frac")}


class _Evaluator:
    """Values of a few expressions at exact points, at a chosen precision: a compiled mpmath
    function when SymPy can print one, SymPy's own ``evalf`` otherwise."""

    def __init__(self, exprs, symbols):
        self.exprs, self.symbols = list(exprs), list(symbols)
        self.quadrature = any(_nodes(e, sp.Integral) for e in self.exprs)
        self.ladder = _QUADRATURE_LADDER if self.quadrature else _LADDER
        self.fast = None
        self._point = self._exact = None     # the last point and the exact values there
        # quadrature over an infinite range misses narrow peaks far from the origin: there a
        # disagreement is never taken as a counterexample, only agreement counts
        self.unreliable = any(lim[1:] and not (lim[1].is_finite and lim[2].is_finite)
                              for e in self.exprs for i in _nodes(e, sp.Integral) for lim in i.limits)
        # sums are never compiled: the generated loop runs over Python ints, and 1/k there is a
        # double-precision float (nor is what _NOT_COMPILED lists: compiled() refuses it)
        if not self.quadrature and not any(_nodes(e, sp.Limit, sp.Derivative, sp.Sum, sp.Product)
                                           for e in self.exprs):
            try:
                self.fast = compiled(self.symbols, self.exprs)
            except Exception:
                self.fast = None

    def __call__(self, point, digits):
        if self.fast is not None:
            try:
                with mpmath.workdps(digits + 5):
                    args = [_mp(point[s], digits + 5) for s in self.symbols]
                    return [+mpmath.mpmathify(v) for v in self.fast(*args)]   # + evaluates constants
            except Exception:            # a guarded integer part too: the exact route decides
                pass
        if self._point is not point:     # the exact values are the same at every precision
            self._exact, self._point = [_at(e, point) for e in self.exprs], point
        return [_numeric(value, digits, self.quadrature) for value in self._exact]


def _numeric(value, digits, quadrature=False):
    """The ``digits``-digit value of an exact ``value`` (an expression at a point, :func:`_at`)."""
    if quadrature:
        value = _integrals_numeric(value, digits)
    out = exact_value(value, digits)
    if out is None and not value.free_symbols:
        # an object SymPy cannot evaluate numerically (a project's own unevaluated
        # expectation, say) is evaluated by its own doit(): the audit then checks the rest
        try:
            out = exact_value(value.doit(), digits)
        except Exception:
            out = None
    return out


def _at(expr, point):
    """``expr`` at an exact point; ``subs`` (not ``xreplace``) so that a bound variable of an
    integral or a sum that shares a name with a free symbol is left alone.  A project's own
    unevaluated object (a ``doit``-able class) is evaluated."""
    if not _integer_parts_decidable(expr, DIGITS, point):
        return sp.nan                    # SymPy's floor would decide it, possibly wrongly
    value = expr.subs(point)
    if value.free_symbols:
        return value
    value = _split_at_kinks(value)
    if value.has(sp.Sum, sp.Product):          # bounds are small here (see points): sum it out
        # then doit() as before: what is left of the sums (an infinite one, one too long to
        # write out), and the integrals, limits and substitutions beside them, exactly
        value = _written_out(value).doit()
    return value


def _split_at_kinks(expr):
    """``expr`` with each definite integral of one variable split where SymPy finds a kink or a
    jump of its integrand inside the range (where one of its :func:`_switch_arguments`
    crosses zero: of ``Abs``, ``Heaviside``, ``Min``, ``Max``, a ``Piecewise`` condition ...).  Quadrature, SymPy's own
    evaluation included, loses digits at an interior kink but none at an endpoint: the
    integral of |x| over [-1, 2] came out 5/2 - 3e-8 at 40 digits and at 80, agreeing with
    itself, and the true claim that it is 5/2 was 'failed'.

    >>> x = sp.Symbol('x', real=True)
    >>> _split_at_kinks(sp.Integral(sp.Abs(x), (x, -1, 2)))
    Integral(Abs(x), (x, -1, 0)) + Integral(Abs(x), (x, 0, 2))
    """
    if not expr.has(sp.Integral):
        return expr
    return expr.replace(lambda e: isinstance(e, sp.Integral), _split_integral)


def _split_integral(integral):
    if len(integral.limits) != 1 or len(integral.limits[0]) != 3:
        return integral
    var, low, high = integral.limits[0]
    f = integral.function
    if f.free_symbols - {var} or not (low.is_extended_real and high.is_extended_real) or (low < high) is not sp.true:
        return integral
    cuts = set()
    for gap in _switch_arguments(f):     # (a cut where floor's argument is 0 is harmless)
        try:
            with time_limit(_CONFIRM_SECONDS):
                found = sp.solveset(gap, var, sp.Interval.open(low, high))
        except (Exception, Timeout):     # not located: the integral as it stands
            return integral
        if not isinstance(found, sp.FiniteSet):
            return integral              # infinitely many (|sin x| over the line), or not known
        cuts |= set(found)
    if not cuts:
        return integral
    ends = [low, *sorted(cuts, key=lambda c: sp.N(c, 30)), high]
    return sp.Add(*[sp.Integral(f, (var, a, b)) for a, b in zip(ends, ends[1:])])


_WRITTEN_OUT_TERMS = 5000     # at most this many terms when sums and products are written out


def _written_out(expr):
    """``expr`` with each sum and product whose bounds are integers written out term by term
    (Karr's convention for a reversed range; an inner range once the outer index is known);
    unchanged where that would take more than :data:`_WRITTEN_OUT_TERMS` terms in all, and
    ``nan`` where a term takes the integer part of a number that cannot be told from an
    integer (see :func:`_integer_parts_decidable`).  Exact, and independent of
    SymPy's summation algorithms, which from 100 terms on try closed forms first: the sum of
    ``(Mod(3*i + 3, 5) + 1)**2`` to 101 took 0.6 s by ``doit()``, 5 ms written out.

    >>> k = sp.Symbol('k', integer=True)
    >>> _written_out(sp.Sum(1 / k, (k, 1, 4))), _written_out(sp.Sum(k, (k, 3, 1))), sp.Sum(k, (k, 3, 1)).doit()
    (25/12, -2, -2)
    """
    left = [_WRITTEN_OUT_TERMS]

    def ready(e):                        # the outermost range is known
        return isinstance(e, (sp.Sum, sp.Product)) and len(e.limits[-1]) == 3 \
            and e.limits[-1][1].is_Integer and e.limits[-1][2].is_Integer

    def terms(e):
        add = isinstance(e, sp.Sum)
        (var, a, b), inner = e.limits[-1], e.limits[:-1]
        body = e.func(e.function, *inner) if inner else e.function
        a, b = int(a), int(b)
        low, high, reversed_ = (a, b, False) if b >= a - 1 else (b + 1, a - 1, True)
        left[0] -= high - low + 1
        if left[0] < 0:
            raise _TooLong
        if body.has(sp.floor, sp.ceiling, sp.frac) and not all(
                _integer_parts_decidable(body, DIGITS, {var: sp.Integer(k)}) for k in range(low, high + 1)):
            raise _Undecided             # SymPy's floor would decide a term, possibly wrongly
        # a bound variable inside may share the index's name: subs leaves it alone
        put = body.subs if body.has(sp.Sum, sp.Product, sp.Integral, sp.Derivative, sp.Subs,
                                    sp.Limit, sp.Lambda) else (lambda v, k: body.xreplace({v: k}))
        parts = [put(var, sp.Integer(k)) for k in range(low, high + 1)]
        out = sp.Add(*parts) if add else sp.Mul(*parts)
        return (-out if add else 1 / out) if reversed_ else out

    try:
        for _ in range(8):               # the inner ranges, known once the outer index is
            if not any(ready(node) for node in sp.preorder_traversal(expr)):
                break
            expr = expr.replace(ready, terms)
    except _TooLong:
        pass
    except _Undecided:
        return sp.nan
    return expr


class _TooLong(Exception):
    """More terms than :func:`_written_out` writes out."""


class _Undecided(Exception):
    """A term's integer part that cannot be told at the audit's precision."""


def _integrals_numeric(expr, digits):
    """Replace each integral whose integrand is closed (no free symbol but its own variables,
    no integral inside) by its value, innermost first: nested integrals are computed once,
    not at every node of an outer quadrature."""
    while True:
        closed = [i for i in expr.atoms(sp.Integral)
                  if not i.free_symbols and not i.function.has(sp.Integral)]
        if not closed:
            return expr
        values = {}
        for integral in closed:
            value = _quad(integral, digits)
            if value is None:
                return expr
            values[integral] = value
        expr = expr.xreplace(values)


@functools.lru_cache(maxsize=256)
def _quad(integral, digits):
    """The value of a closed integral by mpmath's quadrature (``None`` when it cannot be had);
    remembered, since an audit and the audit after it meet the same constant integrals."""
    variables = [lim[0] for lim in integral.limits]
    if any(len(lim) != 3 for lim in integral.limits):
        return None
    try:
        with mpmath.workdps(digits + 10):
            f = compiled(variables, integral.function)
            bounds = [[_mp_bound(lim[1], digits), _mp_bound(lim[2], digits)] for lim in integral.limits]
            value = mpmath.quad(f, *bounds)
        return sp.Float(value.real, digits + 5) + sp.I * sp.Float(value.imag, digits + 5) \
            if isinstance(value, mpmath.mpc) else sp.Float(value, digits + 5)
    except Exception:
        return None


def _mp_bound(value, digits):
    if value is sp.oo:
        return mpmath.inf
    if value is -sp.oo:
        return -mpmath.inf
    return _mp(value, digits)


@functools.lru_cache(maxsize=4096)
def _mp(value, digits):
    """The exact number ``value`` as an mpmath number of ``digits`` digits (remembered: the
    pool's values recur at every point and precision)."""
    return mpmath.mpmathify(sp.N(value, digits)._to_mpmath(int(digits * 3.33) + 10))


def exact_value(expr, digits):
    """SymPy's adaptive evaluation of a constant expression (``None`` when not a finite number,
    or when it takes the integer part of a number SymPy cannot tell from an integer)."""
    try:
        if not expr.is_number and expr.free_symbols:
            return None
        if not _integer_parts_decidable(expr, digits):
            return None
        # cancellation is chased far (maxn) except through a quadrature, where that would
        # mean integrating to thousands of digits
        value = sp.N(expr, digits) if expr.has(sp.Integral) else \
            sp.N(expr, digits, maxn=4 * int(digits * 3.33) + 400)
        if value.has(sp.nan, sp.zoo, sp.oo, -sp.oo) or not value.is_number:
            return None
        return mpmath.mpmathify(value._to_mpmath(int(digits * 3.33) + 10))
    except Exception:
        return None


def _integer_parts_decidable(expr, digits, point=None) -> bool:
    """Whether every ``floor``, ``ceiling`` and ``frac`` in ``expr`` has an argument that is an
    integer exactly or clearly away from one at ``digits`` digits.  SymPy's own evaluation
    of ``floor`` decides at a bounded precision: ``floor(1/2 + cos(pi/7) - cos(2*pi/7) +
    cos(3*pi/7) - exp(-10**4))`` comes out 1, where it is 0.

    >>> _integer_parts_decidable(sp.floor(sp.Rational(7, 2)), 50)
    True
    >>> c = sp.cos(sp.pi/7) - sp.cos(2*sp.pi/7) + sp.cos(3*sp.pi/7)
    >>> _integer_parts_decidable(sp.floor(c + sp.Rational(1, 2), evaluate=False), 50)
    False
    """
    for part in expr.atoms(sp.floor, sp.ceiling, sp.frac):
        argument = part.args[0].subs(point) if point else part.args[0]
        if argument.free_symbols:
            continue                     # decided where its symbols get values
        for piece in (sp.re(argument), sp.im(argument)):
            if piece.is_Rational or piece.is_zero:     # exact: SymPy's floor is exact there
                continue
            value = sp.N(piece, digits + 10)
            if not value.is_number or not value.is_real:
                return False
            nearest = sp.Integer(int(sp.floor(value + sp.Rational(1, 2))))
            if abs(value - nearest) <= sp.Float(10, digits + 10) ** (5 - digits) * max(1, abs(value)):
                return False
    return True


def _finite(v) -> bool:
    return v is not None and isinstance(v, (mpmath.mpf, mpmath.mpc)) and mpmath.isfinite(v)


def _stable_difference(values_at) -> tuple[str, object]:
    """Classify a quantity computed at rising precisions: ('zero', 0), ('nonzero', value) or
    ('unknown', None).  At ``digits`` digits, rounding noise is below ``10**(15 - digits)``
    times ``values_at.scale`` (the size of what was subtracted).  A value is nonzero when it
    stands above the noise and two precisions agree on it; zero when two precisions leave it
    in the noise.  (A difference hidden below the noise of every precision, such as
    ``exp(-500)``, is found by sampling the exact residual of the symbolic route, whose
    scale is 0: there only the agreement of two precisions counts.)"""
    previous = previous_noise = None
    for digits in values_at.ladder:
        v = values_at(digits)
        if not _finite(v):
            return "unknown", None
        noise = mpmath.mpf(10) ** (15 - digits) * values_at.scale
        if previous is None and getattr(values_at, "quick", False) \
                and abs(v) <= mpmath.mpf(10) ** -5 * noise:
            return "zero", v                 # deep in the noise, and earlier points were confirmed
        if previous is not None:
            if v == 0 and previous == 0:
                return "zero", v
            if abs(v) > noise and abs(v - previous) <= mpmath.mpf(10) ** -8 * abs(v):
                return "nonzero", v
            if abs(v) <= noise and abs(previous) <= previous_noise:
                return "zero", v
        previous, previous_noise = v, noise
    return "unknown", None


# --------------------------------------------------------------------------- the audit

REASONS = {
    "differ": "the two sides differ at this point",
    "differ-tiny": "the two sides differ at this point (by less than their rounding noise, "
                   "seen in the exact rewrite of their difference)",
    "nonreal": "a side is not real at this point, so the inequality is not defined there",
    "wrong-sign": "the inequality fails at this point",
    "equal-strict": "the two sides are equal at this point, so the strict inequality fails",
}

def audit(lhs, rhs, conditions=(), relation: str = "==", seed: int = 0, residual=None,
          count: int = _MAX_POINTS, seconds: float = _SECONDS) -> Audit:
    """Evaluate ``lhs <relation> rhs`` over the declared domain; report a confirmed
    counterexample or how many points agreed.  ``residual`` (an exact rewrite of
    ``lhs - rhs`` by the symbolic route) is sampled too: it reveals differences far below
    the rounding noise of the two sides.  ``seconds`` is a safety net, not a budget: the
    number of points depends only on the claim."""
    lhs, rhs = _entries(lhs), _entries(rhs)
    if len(lhs) != len(rhs):
        raise ValueError("the two sides of an audited claim have different shapes")
    if any(not s.is_commutative for e in lhs + rhs for s in e.free_symbols):
        return Audit(0, detail="noncommuting symbols are never sampled")
    state = {"held": 0, "found": None, "entries": {}}
    try:
        with time_limit(seconds):
            _sample(lhs, rhs, conditions, relation, seed, residual, count, seconds, state)
    except Timeout:
        pass
    note = " (undefined functions replaced by normalised Gaussian bumps)" \
        if any(_nodes(e, sp.core.function.AppliedUndef) for e in lhs + rhs) else ""
    held = state["held"]
    if state.get("doubts") and state["found"] is None:
        return Audit(0, detail=f"the claim failed at {state['doubts']} point(s) of the audit's model "
                               f"where the failure could not be confirmed exactly{note}; nothing is "
                               f"concluded from the points where it held")
    if state.get("divergent") and state["found"] is None:
        return Audit(0, detail=f"at {state['divergent']} point(s) of the domain an infinite sum does not "
                               f"converge, so the claim is not defined there; nothing is concluded from "
                               f"the points where it held")
    if state.get("improper") and state["found"] is None:
        return Audit(0, detail=f"at {state['improper']} point(s) of the domain an integral runs over a point "
                               f"where its integrand is not continuous, where the claim may not be "
                               f"defined; nothing is concluded from the points where it held")
    if state["found"] is not None:
        point, values, outcome, entry = state["found"]
        where = f" (entry {entry})" if len(lhs) > 1 else ""
        return Audit(held, counterexample=_show(point), values=values,
                     detail=REASONS[outcome] + where + note, entry=entry if len(lhs) > 1 else None)
    return Audit(held, detail=f"holds at {held} points of the domain to {DIGITS} digits{note}")


@functools.lru_cache(maxsize=64)
def _prepared(lhs, rhs, relation, residual):
    """What sampling a claim needs, built once per claim and process: the concrete forms of
    both sides (undefined functions replaced, formal integrals of them over a discrete
    measure), their symbols, and a compiled evaluator of ``[lhs entries, rhs entries,
    residual]`` (one entry per side for a scalar claim, every entry of a matrix claim)."""
    lhs, rhs = tuple(_own_objects_done(e) for e in lhs), tuple(_own_objects_done(e) for e in rhs)
    functions = concrete_functions(list(lhs) + list(rhs))
    if functions and any(e.has(sp.Integral) for e in lhs + rhs):
        def concrete(e):
            return _concrete(_discrete(_derivatives_done(e)), functions)
    else:
        def concrete(e):
            return _concrete(e, functions)
    exprs = [concrete(e) for e in lhs] + [concrete(e) for e in rhs]
    if residual is not None:
        exprs.append(_derivatives_done(residual))
    symbols = sorted(set().union(*(e.free_symbols for e in exprs)), key=sp.default_sort_key)
    evaluator = _Evaluator(exprs, symbols)
    evaluator.singular = _singular_integrals(exprs)
    evaluator.series = _infinite_sums(exprs)
    return functions, symbols, evaluator


def _infinite_sums(exprs) -> list:
    """The sums over an infinite range whose terms depend on the claim's symbols: at a point
    where one of them diverges, the claim is not defined (see :func:`_diverges_at`)."""
    return [s for e in exprs for s in _nodes(e, sp.Sum)
            if any(bound.is_infinite for lim in s.limits for bound in lim[1:]) and s.free_symbols]


def _diverges_at(series, point) -> bool:
    """Whether SymPy's convergence tests find one of ``series`` divergent at ``point``, a
    point where the claim could not be evaluated.  SymPy's evaluation cannot sum
    ``Sum(x**k, (k, 0, oo))`` at x = -2, so that point was silently skipped and the claim
    ``== 1/(1 - x)`` for every x < 1 came out 'checked' from the points inside (-1, 1)."""
    for s in series:
        try:
            with time_limit(_CONFIRM_SECONDS):
                if s.subs(point).is_convergent() is sp.false:
                    return True
        except Exception:            # a timeout too: not known to diverge
            continue
    return False


def _singular_integrals(exprs) -> list:
    """``[(lower, upper, points), ...]`` for each integral whose bounds move with the claim's
    symbols: ``points`` are where its integrand is not continuous (``None``: not a finite set,
    or not found).  SymPy integrates ``1/x**2`` from ``a`` to ``b`` as ``1/a - 1/b`` without
    asking whether 0 lies between them; at a point of the domain where it does, the claim
    is not defined, and the audit must not call the domain sampled."""
    out = []
    for e in exprs:
        for integral in _nodes(e, sp.Integral):
            for limit in integral.limits:
                if len(limit) != 3 or not (limit[1].free_symbols | limit[2].free_symbols):
                    continue
                var, lower, upper = limit
                try:
                    missing = sp.Complement(sp.S.Reals, continuous_domain(integral.function, var, sp.S.Reals))
                    points = () if missing is sp.S.EmptySet else \
                        tuple(missing) if isinstance(missing, sp.FiniteSet) else None
                except Exception:
                    points = None
                out.append((lower, upper, points))
    return out


def _over_a_singularity(singular, point) -> bool:
    """Whether at ``point`` some integral of :func:`_singular_integrals` runs over a point where
    its integrand is not continuous (or where that cannot be told)."""
    for lower, upper, points in singular:
        low, high = sp.sympify(lower).xreplace(point), sp.sympify(upper).xreplace(point)
        if points is None:
            return True
        for s in points:
            s = sp.sympify(s).xreplace(point)
            outside = low.is_real and high.is_real and \
                ((s < sp.Min(low, high)) is sp.true or (s > sp.Max(low, high)) is sp.true)
            if not outside:                 # between the bounds, or it cannot be told
                return True
    return False


def _own_objects_done(expr):
    """Objects this project defines (an unevaluated Gaussian expectation, say), which SymPy
    cannot evaluate numerically, are expanded once by their own ``doit``; the audit then
    checks everything around them.  (Formal integrals are left to the discrete measure.)"""
    def own(e):
        return (type(e).__module__ or "").startswith("symbolic.") and not isinstance(e, sp.Integral) \
            and isinstance(e, sp.Expr) and not e.is_Symbol
    try:            # whether a node is one depends on its type alone: one node of each type
        found = any(own(next(iter(nodes))) for nodes in _inventory(expr).values())
    except TypeError:                    # an unhashable piece
        found = any(own(e) for e in sp.preorder_traversal(expr))
    if not found:
        return expr
    try:
        return expr.replace(own, lambda e: e.doit())
    except Exception:
        return expr


def _entries(side) -> tuple:
    """The entries of one side: a matrix row by row, a scalar as one entry."""
    if isinstance(side, sp.MatrixBase):
        return tuple(sp.sympify(e) for e in side)
    return (sp.sympify(side),)


def _point_count(evaluator, count) -> int:
    """How many points: all ``count`` for a small claim, fewer as the claim grows (its node
    count, a property of the claim alone), never fewer than a few."""
    nodes = sum(1 for e in evaluator.exprs for _ in sp.preorder_traversal(e))
    budget = count if nodes <= _CHEAP_NODES else max(_MIN_POINTS, count * _CHEAP_NODES // nodes)
    if evaluator.fast is None:
        budget = min(budget, _SLOW_POINTS)
    if evaluator.quadrature:
        budget = min(budget, _MIN_POINTS)
    return min(count, max(budget, 1))


def samples_residual(residual, relation: str) -> bool:
    """Whether :func:`audit` samples ``residual`` (an equality's nonzero exact rewrite of its
    difference, free of undefined functions); otherwise the audit is the same without it.

    >>> import sympy as sp
    >>> x = sp.Symbol('x')
    >>> samples_residual(2*x, '=='), samples_residual(sp.Integer(0), '=='), samples_residual(2*x, '<')
    (True, False, False)
    """
    return residual is not None and relation == "==" and isinstance(residual, sp.Expr) \
        and residual != 0 and not residual.has(sp.core.function.AppliedUndef)


def _sample(lhs, rhs, conditions, relation, seed, residual, count, seconds, state) -> None:
    started = time.monotonic()
    useful = samples_residual(residual, relation)
    functions, symbols, evaluator = _prepared(lhs, rhs, relation, residual if useful else None)
    evaluator.pairs, evaluator.settled = len(lhs), 0
    budget = _point_count(evaluator, count)
    # conditions on symbols the claim does not contain constrain nothing here
    relevant = [c for c in conditions if c.free_symbols and c.free_symbols <= set(symbols)]
    if evaluator.singular:
        # cheap, so over as many points as a cheap claim gets, however costly its quadratures
        state["improper"] = sum(_over_a_singularity(evaluator.singular, point) for point in
                                points(symbols, relevant, list(lhs) + list(rhs), seed, _MAX_POINTS))
    bounds = _summation_bounds(list(lhs) + list(rhs)) & set(symbols)
    long_left = _LONG_SUM_SECONDS        # CPU seconds shared by the points with a long sum
    for point in points(symbols, relevant, list(lhs) + list(rhs), seed, budget, long_sums=relation != "=="):
        if time.monotonic() - started > seconds:
            break
        if state.get("improper") and _over_a_singularity(evaluator.singular, point):
            continue                     # not defined there: neither evidence nor counterexample
        long = _is_long(point, bounds)
        if long and long_left <= 0:
            continue
        began = time.process_time()
        outcome = _outcome_within(long_left if long else _POINT_SECONDS, evaluator, point, relation)
        if long:
            long_left -= time.process_time() - began
        if outcome is Timeout:           # a costly point (a huge sum, a slow quadrature): next
            continue
        if outcome is None:
            if evaluator.series and _diverges_at(evaluator.series, point):
                state["divergent"] = state.get("divergent", 0) + 1
            continue
        if isinstance(outcome, list):            # the entries that could be evaluated held
            evaluator.settled = getattr(evaluator, "settled", 0) + 1
            for entry in outcome:
                state["entries"][entry] = state["entries"].get(entry, 0) + 1
            state["held"] = min(state["entries"].get(e, 0) for e in range(len(lhs)))
            continue
        outcome, entry = outcome
        try:
            with time_limit(_CONFIRM_SECONDS):      # confirmed with the true integrals
                confirmed = _confirm(_concrete(lhs[entry], functions, False),
                                     _concrete(rhs[entry], functions, False), point, relation, outcome)
        except Timeout:
            confirmed = None
        if confirmed is not None:
            state["found"] = (point, confirmed, outcome, entry)
            return
        # a failure that could not be confirmed is not a counterexample, but where it is a
        # difference stable at two precisions the claim did not hold there either: the points
        # where it did cannot make it 'checked'.  (An equality at a strict inequality is only
        # a value that could not be told from zero at the working precision: no evidence.)
        if outcome != "equal-strict":
            state["doubts"] = state.get("doubts", 0) + 1


def _outcome_within(seconds, evaluator, point, relation):
    """The outcome at one point (:func:`_decide_point`), ``Timeout`` when ``seconds`` of CPU
    time ran out, ``None`` when SymPy cannot evaluate it there (a sum it cannot do at an
    irrational point, say): undecided, the next point."""
    try:
        with time_limit(seconds):
            return _decide_point(evaluator, point, relation) \
                if evaluator.symbols or evaluator.quadrature else _constant_outcome(evaluator, relation)
    except Timeout:
        return Timeout
    except Exception:
        return None


def _decide_point(evaluator, point, relation):
    """True when the claim holds at the point, ``(reason, entry)`` when it fails there, None
    when the point cannot be decided (a pole, an undefined value, unstable digits)."""
    cache = {}

    def at(digits):
        if digits not in cache:
            cache[digits] = evaluator(point, digits)
        return cache[digits]

    n = getattr(evaluator, "pairs", 1)
    held = []
    for entry in range(n):
        def pair(digits, entry=entry):
            vals = at(digits)
            return [vals[entry], vals[n + entry]] + vals[2 * n:]
        def closed(entry=entry):        # the gap lhs - rhs at the point, in closed form
            return _closed_form_kind(sp.re(_at(evaluator.exprs[entry], point) - _at(evaluator.exprs[n + entry], point)))
        verdict = _point_outcome(pair(evaluator.ladder[0]), pair, evaluator, relation, closed)
        if verdict is True:
            held.append(entry)
        elif verdict is not None:
            return None if evaluator.unreliable else (verdict, entry)
    return held or None


def _constant_outcome(evaluator, relation):
    """A claim without free symbols, decided by SymPy's adaptive evaluation of the difference
    itself (relative precision, whatever the cancellation): a nonzero value must agree at
    30 and 60 digits; a true zero comes out as noise that does not."""
    n = evaluator.pairs
    held = []
    for entry in range(n):
        a, b = (_evaluable(e) for e in (evaluator.exprs[entry], evaluator.exprs[n + entry]))
        if a.is_Rational and b.is_Rational:       # exact numbers: decided in exact arithmetic
            holds = {"==": a == b, "<=": a <= b, "<": a < b, ">=": a >= b, ">": a > b}[relation]
            if not holds:
                return ({"==": "differ"}.get(relation, "equal-strict" if a == b else "wrong-sign"), entry)
            held.append(entry)
            continue
        if relation == "==":
            # the compiled sides at 300, 600 and 1200 digits first (cheap); SymPy's adaptive
            # evaluation of the difference where they cannot be compiled or do not settle
            kind = _high_precision_kind(evaluator, {}, entry, relation) if evaluator.fast is not None else None
            if kind not in ("zero", "nonzero"):
                kind = _adaptive_kind(a - b)
            if kind == "nonzero":
                return ("differ", entry)
        else:
            if "nonzero" in (_adaptive_kind(sp.im(a)), _adaptive_kind(sp.im(b))):
                return ("nonreal", entry)
            gap = sp.re(a - b) if relation in (">", ">=") else sp.re(b - a)
            kind = _adaptive_kind(gap)
            if kind == "nonzero":
                if (exact_value(gap, 30) or 0) < 0:
                    return ("wrong-sign", entry)
            elif kind == "zero" and relation in ("<", ">"):
                return ("equal-strict", entry)
        if kind is None:
            continue
        held.append(entry)
    return held or None


def _evaluable(expr):
    """``expr``, or its ``doit()`` when SymPy cannot evaluate it as it stands (an unevaluated
    matrix element, ``Subs``, a sum); integrals split at their kinks (:func:`_split_at_kinks`)."""
    expr = _split_at_kinks(expr)
    if not expr.has(sp.Subs, sp.matrices.expressions.matexpr.MatrixElement, sp.Sum, sp.Product) and exact_value(expr, 15) is not None:
        return expr
    if not _integer_parts_decidable(expr, DIGITS):
        return expr                      # doit() would evaluate the integer part by SymPy's rule
    try:
        return expr.doit()
    except Exception:
        return expr


def _closed_form_kind(expr) -> tuple:
    """``(kind, value)``: :func:`_adaptive_kind` of ``expr.doit()`` and its 30-digit value, when
    that leaves no integral; ``(None, None)`` otherwise."""
    try:
        with time_limit(_CONFIRM_SECONDS):
            closed = expr.doit()
    except (Exception, Timeout):
        return None, None
    if closed.has(sp.Integral):
        return None, None
    kind = _adaptive_kind(closed)
    return kind, (exact_value(closed, 30) if kind == "nonzero" else 0)


def _adaptive_kind(expr):
    v1, v2 = exact_value(expr, 30), exact_value(expr, 60)
    if v1 is None or v2 is None:
        return None
    if v2 != 0 and abs(v1 - v2) <= mpmath.mpf(10) ** -8 * abs(v2):
        return "nonzero"
    return "zero"


def _point_outcome(first, at, evaluator, relation, closed=None):
    """The outcome at one point for one pair ``[lhs, rhs, (residual)]`` (see _decide_point);
    ``closed()`` gives the gap's kind and value from its closed form, where quadrature says 0."""
    if not all(_finite(v) for v in first[:2]):
        return None
    a, b = first[0], first[1]
    scale = max(mpmath.mpf(1), abs(a), abs(b))

    def quantity(index, part=lambda v: v):
        def values_at(digits):
            vals = at(digits)
            if index == "difference":
                return part(vals[0] - vals[1]) if _finite(vals[0]) and _finite(vals[1]) else None
            return part(vals[index]) if _finite(vals[index]) else None
        values_at.scale, values_at.ladder = scale, evaluator.ladder
        values_at.quick = getattr(evaluator, "settled", 0) >= _FULL_LADDER_POINTS
        return values_at

    if relation == "==":
        kind, _ = _stable_difference(quantity("difference"))
        if kind == "nonzero":
            return "differ"
        if kind == "unknown":
            return None
        if len(first) > 2:                         # the symbolic residual, sampled directly
            residual = quantity(2)
            residual.scale = 0
            kind, _ = _stable_difference(residual)
            if kind == "nonzero":
                return "differ-tiny"
        return True
    for side in (0, 1):
        kind, _ = _stable_difference(quantity(side, lambda v: mpmath.im(v)))
        if kind == "nonzero":
            return "nonreal"
        if kind == "unknown":
            return None
    kind, gap = _stable_difference(quantity("difference", lambda v: mpmath.re(v)))
    if kind == "zero" and evaluator.quadrature and closed is not None:
        # a quadrature that misses a narrow peak gives 0 at every precision: a zero counts
        # only from the closed form, where SymPy has one
        kind, gap = closed()
        if kind is None or gap is None:
            return None
    if kind == "unknown":
        return None
    sign = 0 if kind == "zero" else (1 if gap > 0 else -1)
    if relation in ("<", "<="):
        sign = -sign
    if sign < 0:
        return "wrong-sign"
    if sign == 0 and relation in ("<", ">"):
        return "equal-strict"
    return True


def _confirm(lhs, rhs, point, relation, reason):
    """Confirm a failing point with SymPy's exact substitution and adaptive evaluation at two
    precisions; the values of both sides, or ``None`` if the failure does not survive."""
    a, b = _at(lhs, point), _at(rhs, point)
    if any(not (lim[1].is_finite and lim[2].is_finite) for e in (a, b)
           for i in e.atoms(sp.Integral) for lim in i.limits if len(lim) == 3):
        return None          # quadrature over an infinite range can miss a peak: never certain
    diff = sp.sympify(a - b)
    va, vb = exact_value(a, 30), exact_value(b, 30)
    if va is None or vb is None:
        return None
    shown = tuple(v if v.is_Rational else sp.N(v, 15) for v in (a, b))    # exact when exact
    if relation == "==":
        d1, d2 = exact_value(diff, 40), exact_value(diff, 80)
        if d1 is None or d2 is None or d2 == 0 or abs(d1 - d2) > mpmath.mpf(10) ** -8 * abs(d2):
            return None
        return shown
    if reason == "nonreal":
        ia, ib = exact_value(sp.im(a), 40), exact_value(sp.im(b), 40)
        return shown if (ia not in (None, 0) or ib not in (None, 0)) else None
    if reason == "equal-strict":                     # equality at an exact point: exactly
        # SymPy's adaptive evaluation first: a positive exp(-10**6) is told from zero at once,
        # where simplify took 70 ms to find the same
        if diff == 0 or (diff.is_number and not diff.has(sp.Float) and exact_value(diff, 100) == 0
                         and sp.simplify(diff) == 0):
            return shown
        return None
    d1, d2 = exact_value(sp.re(diff), 40), exact_value(sp.re(diff), 80)
    if d1 is None or d2 is None or d2 == 0 or abs(d1 - d2) > mpmath.mpf(10) ** -8 * abs(d2):
        return None
    wrong = d2 < 0 if relation in (">", ">=") else d2 > 0
    return shown if wrong else None


def _show(point) -> dict:
    """A point by symbol name; a name shared by two symbols (a user's "A[1,2]" and a matrix
    entry) is told apart by a mark."""
    out = {}
    for k, v in sorted(point.items(), key=lambda kv: sp.default_sort_key(kv[0])):
        name = str(k)
        while name in out:
            name += "'"
        out[name] = v
    return out


def confirm_point(lhs, rhs, point, relation: str):
    """``((lhs value, rhs value), reason)`` when the claim fails at the exact ``point``, confirmed
    at two precisions; ``None`` when it holds there or cannot be decided."""
    lhs, rhs = sp.sympify(lhs), sp.sympify(rhs)
    symbols = sorted(point, key=str)
    evaluator = _Evaluator([lhs, rhs], symbols)
    outcome = _decide_point(evaluator, point, relation)
    if outcome is None or isinstance(outcome, list):
        return None
    outcome = outcome[0]
    values = _confirm(lhs, rhs, point, relation, outcome)
    return None if values is None else (values, REASONS[outcome])


_DEEP_LADDER = (300, 600, 1200)


def _high_precision_kind(evaluator, point, entry, relation):
    """The difference of the compiled sides at 300, 600 and 1200 digits: what is inside a
    function (``log(1 + exp(-500) p)``) survives there."""
    n = evaluator.pairs

    def values_at(digits):
        vals = evaluator(point, digits)
        a, b = vals[entry], vals[n + entry]
        if not (_finite(a) and _finite(b)):
            return None
        return a - b if relation == "==" else mpmath.re(a - b)
    first = evaluator(point, DIGITS)
    values_at.scale = max([mpmath.mpf(1)] + [abs(v) for v in first[:2 * n] if _finite(v)])
    values_at.ladder = _DEEP_LADDER
    kind, _ = _stable_difference(values_at)
    return kind


def deep_audit(lhs, rhs, conditions=(), relation: str = "==", seed: int = 0, count: int = 4) -> Audit:
    """A last look before a claim is called ``checked``: at a few points, SymPy's adaptive
    evaluation of the difference itself, which chases cancellation to hundreds of digits.  It
    finds what every fixed precision rounds away: ``sin(1 + exp(-500) x) = sin(1)`` fails."""
    lhs, rhs = _entries(lhs), _entries(rhs)
    functions, symbols, evaluator = _prepared(lhs, rhs, relation, None)
    evaluator.pairs = len(lhs)
    if evaluator.quadrature or not symbols:
        return Audit(0, detail="nothing deeper to evaluate")
    if functions and any(e.has(sp.Integral) for e in lhs + rhs):
        # integrals of undefined functions are sampled over a discrete measure, where a stated
        # fact (a case such as "the integral of p is 1") need not hold: no certain counterexample
        return Audit(0, detail="nothing deeper to evaluate (integrals over a discrete measure)")
    relevant = [c for c in conditions if c.free_symbols and c.free_symbols <= set(symbols)]
    n = len(lhs)
    for point in points(symbols, relevant, list(lhs) + list(rhs), seed, count):
        for entry in range(n):
            try:
                with time_limit(_CONFIRM_SECONDS):
                    a = _evaluable(_at(evaluator.exprs[entry], point))
                    b = _evaluable(_at(evaluator.exprs[n + entry], point))
                    gap = a - b if relation in ("==", ">", ">=") else b - a
                    kind = _adaptive_kind(gap if relation == "==" else sp.re(gap))
                    if kind != "nonzero" and evaluator.fast is not None:
                        kind = _high_precision_kind(evaluator, point, entry, relation)
                    wrong = kind == "nonzero" and (relation == "==" or (exact_value(sp.re(gap), 30) or 0) < 0)
            except Timeout:
                continue
            if wrong:
                values = tuple(v if v.is_Rational else sp.N(v, 15) for v in (a, b))
                return Audit(0, counterexample=_show(point), values=values, entry=entry if n > 1 else None,
                             detail="the two sides differ at this point, by less than the rounding noise "
                                    "of their values (found by adaptive evaluation of the difference)")
    return Audit(0, detail="no difference found by adaptive evaluation")
