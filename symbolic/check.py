"""The verification ladder: decide whether a claimed equation, inequality or limit holds.

``verify(lhs, rhs, ...)`` returns a :class:`Verdict` with one of four statuses:

``proved``
    Two independent witnesses agree: a symbolic route (SymPy rewrote ``lhs - rhs``
    to exactly zero, decided the sign of the gap, evaluated the limit, or every case
    of an exhaustive case set was proved) using only the stated assumptions, **and**
    the numeric audit (:mod:`symbolic.audit`: mpmath at 50 digits and more, over the
    whole declared domain, special and far-out points included) found no point where
    the claim fails.
``checked``
    Not proved, but the audit found the claim true at every point it evaluated.
    Never reported as ``proved``.
``failed``
    A point of the domain where the claim fails, confirmed at two precisions by
    SymPy's exact substitution; the verdict carries that point and both values.
    The audit overrules SymPy: a "proof" contradicted by a point is ``failed``.
``unknown``
    The time budget ran out, or nothing could be decided or evaluated.  "SymPy
    did not simplify it to zero" is *not* a failure.

Assumptions are SymPy's own: a symbol declared ``positive=True`` allows
``log(a*b) = log(a) + log(b)``, a plain symbol is complex.  Extra conditions
(``a < b``, ``x > 0`` on a plain symbol) are passed as relationals; a condition
``symbol > 0`` / ``>= 0`` / ``< 0`` / ``<= 0`` gives the symbol that sign in the
proof (never a bound variable of an integral, sum or limit), every condition
restricts the audit's points.  ``Q.real_elements(M)`` declares a matrix symbol real.
Nothing is ever forced: no ``force=True``, no dropped branches.

Examples
--------
>>> from sympy import symbols, log, sqrt
>>> a, b = symbols('a b', positive=True)
>>> verify(log(a*b), log(a) + log(b)).status
'proved'
>>> x = symbols('x', real=True)
>>> verify(sqrt(x**2), x).status        # false for x < 0: a counterexample
'failed'
>>> verify(sqrt(x**2), x, assumptions=[x >= 0]).status
'proved'
"""
from __future__ import annotations

import collections.abc
import fractions
import functools
import math
import multiprocessing
import multiprocessing.connection
import os
import pickle
import random
import time
from dataclasses import dataclass
from typing import Any, Iterable, Mapping, Sequence

import mpmath
import sympy as sp
from sympy.calculus.util import continuous_domain, minimum as _minimum

from . import timelimit
from . import workers as workers_
from .audit import (Audit, _adaptive_kind, _fits, _holds, _mp, audit, compiled, confirm_point, deep_audit, exact_value, points,
                    samples_residual)

__all__ = ["Verdict", "verify", "verify_many", "decide", "Checking", "claim", "ClaimError", "STATUSES", "DEFAULT_BUDGET",
           "MAX_BUDGET", "weakest"]

STATUSES = ("proved", "checked", "failed", "unknown")
DEFAULT_BUDGET = 20.0
RELATIONS = ("==", "<=", "<", ">=", ">")

MAX_BUDGET = 3600.0   # seconds: a larger budget is refused as a mistake
_RANK = {"proved": 0, "checked": 1, "unknown": 2, "failed": 3}


def weakest(statuses: Iterable[str]) -> str:
    """The least certain of several statuses (``proved`` for none).

    >>> weakest(['proved', 'checked', 'proved'])
    'checked'
    """
    statuses = list(statuses)
    return max(statuses, key=_RANK.__getitem__) if statuses else "proved"


@dataclass(frozen=True)
class Verdict:
    """The outcome of one verification.

    Attributes
    ----------
    status : one of ``proved``, ``checked``, ``failed``, ``unknown``
    method : how it was decided (``simplify``, ``expand``, ``limit``,
        ``exhaustive``, ``numeric``, ``budget`` ...)
    residual : what ``lhs - rhs`` simplified to (``None`` when not computed)
    counterexample : for ``failed``, the point (symbol name -> value)
    values : for ``failed``, ``(lhs, rhs)`` evaluated at the counterexample
    detail : a short human explanation
    """

    status: str
    method: str
    residual: Any = None
    counterexample: Mapping[str, Any] | None = None
    values: tuple | None = None
    detail: str = ""

    def __post_init__(self):
        if self.status not in STATUSES:
            raise ValueError(f"status must be one of {STATUSES}, not {self.status!r}")

    @property
    def ok(self) -> bool:
        """True for ``proved`` only."""
        return self.status == "proved"

    def __str__(self):
        text = f"{self.status} ({self.method})"
        if self.counterexample:
            point = ", ".join(f"{k}={v}" for k, v in self.counterexample.items())
            text += f" at {point}"
            if self.values:
                text += f": {self.values[0]} vs {self.values[1]}"
        return text


class ClaimError(ValueError):
    """A claim that cannot be checked as posed (bad relation, matrix vs scalar ...)."""


# --------------------------------------------------------------------------- entry point

def verify(lhs, rhs=None, assumptions: Sequence = (), *, relation: str = "==",
           budget: float | None = DEFAULT_BUDGET, cases: Sequence[Mapping] | None = None,
           seed: int = 0) -> Verdict:
    """Decide ``lhs <relation> rhs``.

    Parameters
    ----------
    lhs, rhs : SymPy expressions, explicit matrices, sets, or ``lhs`` a
        ``sympy.Limit`` (then the claim is "the limit equals ``rhs``").
        ``rhs`` may be omitted when ``lhs`` is a relational such as ``a <= b``.
    assumptions : relationals restricting the domain (see the module docstring).
    relation : ``'=='``, ``'<='``, ``'<'``, ``'>='`` or ``'>'``.
    budget : seconds allowed (``None``: no limit).  When it runs out the verdict
        is ``unknown``; the work runs in a forked process, so it never hangs.
    cases : an exhaustive finite list of substitutions covering the whole domain;
        the claim is then decided case by case in exact arithmetic.
    seed : seed of the random points of the numeric fallback (deterministic).

    Examples
    --------
    >>> from sympy import symbols, Limit, sin, oo
    >>> x = symbols('x', real=True)
    >>> verify(Limit(sin(x)/x, x, 0), 1).status
    'proved'
    >>> verify(x**2 + 1, 2*x, relation='>=').status
    'proved'
    >>> verify((x + 1)**2, x**2 + 1).status
    'failed'
    >>> z = symbols('z')                  # complex: not ordered
    >>> verify(z**2 + 1, 2*z, relation='>=').status
    'failed'
    """
    return verify_many([claim(lhs, rhs, assumptions, relation=relation, cases=cases, seed=seed)],
                       budget=budget)[0]


def claim(lhs, rhs=None, assumptions: Sequence = (), *, relation: str = "==",
          cases: Sequence[Mapping] | None = None, seed: int = 0) -> tuple:
    """Validate the arguments of one verification and package them for :func:`verify_many`.

    Bad input raises here, in the caller's process: ``TypeError`` for what is not a SymPy
    object (strings are never parsed: ``sympify`` of a string evaluates it), ``ValueError``
    (:class:`ClaimError`) for a claim that cannot be posed.

    >>> claim("x + 1", 2)
    Traceback (most recent call last):
    ...
    TypeError: lhs is a string; build SymPy expressions (strings are never parsed here)
    """
    if isinstance(lhs, sp.core.relational.Relational) and rhs is None:
        kinds = {sp.Eq: "==", sp.Le: "<=", sp.Lt: "<", sp.Ge: ">=", sp.Gt: ">"}
        if type(lhs) not in kinds:
            raise ClaimError(f"unsupported relation {type(lhs).__name__}; use one of {RELATIONS}")
        relation = kinds[type(lhs)]
        lhs, rhs = lhs.lhs, lhs.rhs
    if rhs is None:
        raise ValueError("verify needs a right-hand side or a relational such as a <= b")
    if not isinstance(relation, str) or relation not in RELATIONS:
        raise ValueError(f"relation must be one of {RELATIONS}, not {relation!r}")
    if not isinstance(seed, int) or isinstance(seed, bool):
        raise TypeError(f"seed must be an integer, not {type(seed).__name__}")
    return (_side(lhs, "lhs"), _side(rhs, "rhs"), _conditions(assumptions), relation,
            _cases(cases), seed)


def _side(value, name):
    """One side of a claim as a SymPy object; anything that is not mathematics is refused."""
    if isinstance(value, str):
        raise TypeError(f"{name} is a string; build SymPy expressions (strings are never parsed here)")
    logical = (bool, sp.logic.boolalg.BooleanAtom, sp.logic.boolalg.BooleanFunction,
               sp.core.relational.Relational)
    if value is None or isinstance(value, (dict, set) + logical):
        kind = "a relation or boolean" if isinstance(value, logical) else type(value).__name__
        raise TypeError(f"{name} must be a SymPy expression, matrix or set, not {kind}")
    if isinstance(value, (list, tuple)):
        if not value or any(isinstance(v, str) for row in value for v in (row if isinstance(row, (list, tuple))
                                                                           else [row])):
            raise TypeError(f"{name}: a matrix is given as a non-empty list of rows of SymPy values")
        return sp.ImmutableMatrix(value)
    if isinstance(value, sp.MatrixBase):
        return sp.ImmutableMatrix(value)
    if isinstance(value, sp.MatrixExpr) and not value.free_symbols - value.atoms(sp.MatrixSymbol) \
            and not value.atoms(sp.MatrixSymbol):
        return sp.ImmutableMatrix(value.doit())    # a product/sum of explicit matrices
    if isinstance(value, (int, float, complex, fractions.Fraction)):
        if isinstance(value, float) and not math.isfinite(value):
            return sp.nan if value != value else (sp.oo if value > 0 else -sp.oo)
        return sp.Rational(value.numerator, value.denominator) if isinstance(value, fractions.Fraction) \
            else sp.sympify(value)
    if isinstance(value, sp.Basic):
        return value
    raise TypeError(f"{name} must be a SymPy expression, matrix or set, not {type(value).__name__}")


def _sympify(value):
    return _side(value, "value")


def _conditions(assumptions) -> tuple:
    """Conditions as SymPy relationals (or ``Q.real_elements(M)``); a contradictory set of
    conditions is a :class:`ClaimError`."""
    if isinstance(assumptions, (str, sp.Basic)) or not isinstance(assumptions, collections.abc.Iterable):
        raise TypeError("assumptions must be a sequence of SymPy relationals or Assumption objects")
    out = []
    for a in assumptions:
        cond = getattr(a, "condition", a)   # an Assumption object or a bare relational
        if cond is None and hasattr(a, "condition"):
            continue                        # a stated assumption with no condition to check
        if cond is sp.true or cond is True:
            continue
        if cond is sp.false or cond is False:
            raise ClaimError(f"assumption {a} is false: nothing can be derived from it")
        if isinstance(cond, sp.assumptions.assume.AppliedPredicate) and cond.function == sp.Q.real_elements:
            out.append(cond)
            continue
        if not isinstance(cond, (sp.core.relational.Relational, sp.And)):
            raise TypeError(f"assumption {cond!r} is not a SymPy relation (such as x > 0) "
                            f"or Q.real_elements(M)")
        out.extend(cond.args if isinstance(cond, sp.And) else [cond])
    _consistent_conditions(out)
    return tuple(out)


def _consistent_conditions(conditions) -> None:
    """Refuse a set of conditions that no point satisfies (:func:`_contradiction`).  Deciding
    that runs in the caller's process, where no time limit applies; a condition with more
    than rational polynomials in it (``x <= c - exp(-400)`` with ``c`` exactly 1/2 made SymPy
    compare the two for minutes) is therefore decided in a forked process, under
    :data:`_CONSISTENCY_SECONDS`; if that runs out, the conditions are taken as they are."""
    relations = [c for c in conditions if isinstance(c, sp.core.relational.Relational)]
    if all(_rational_polynomial(c.lhs - c.rhs) for c in relations) or \
            "fork" not in multiprocessing.get_all_start_methods():
        problem = _contradiction(relations)
    else:
        problem, _ = workers_.run(_contradiction, [relations], budget=_CONSISTENCY_SECONDS, workers=1)[0]
    if isinstance(problem, str):
        raise ClaimError(problem)


_CONSISTENCY_SECONDS = 3.0


def _rational_polynomial(gap) -> bool:
    symbols = sorted(gap.free_symbols, key=str)
    try:
        return gap.is_polynomial(*symbols) and all(k.is_Rational for k in sp.Poly(gap, *symbols).coeffs())
    except Exception:               # not a polynomial SymPy can write down
        return False


def _contradiction(relations) -> str | None:
    """Why ``relations`` contradict each other, or None: one symbol at a time exactly (its
    solution sets intersected, integers kept integer), and linear ones together by SymPy's
    linear real arithmetic (``x < y, y < x``)."""
    by_symbol: dict = {}
    for c in relations:
        if len(c.free_symbols) == 1:
            by_symbol.setdefault(next(iter(c.free_symbols)), []).append(c)
    for sym, group in by_symbol.items():
        real = sp.Dummy(real=True)            # an ordering condition makes the symbol real
        domain = sp.S.Integers if sym.is_integer else sp.S.Reals
        try:
            solutions = domain
            for c in group:
                solutions = solutions.intersect(c.xreplace({sym: real}).as_set())
        except Exception:
            continue
        if solutions is sp.S.EmptySet:
            return f"the assumptions on {sym} contradict each other: " + ", ".join(map(str, group))
    linear = [c for c in relations if not isinstance(c, (sp.Eq, sp.Ne)) and len(c.free_symbols) > 1
              and all(s.is_real for s in c.free_symbols) and (c.lhs - c.rhs).is_polynomial()
              and sp.Poly(c.lhs - c.rhs, *c.free_symbols).total_degree() <= 1]
    if len(linear) > 1:
        try:
            from sympy.logic.inference import satisfiable
            possible = satisfiable(sp.And(*linear), use_lra_theory=True)
        except Exception:
            possible = True
        if possible is False:
            return "the assumptions contradict each other: " + ", ".join(map(str, linear))
    return None


def _cases(cases):
    if cases is None:
        return None
    if isinstance(cases, (str, Mapping)) or not isinstance(cases, collections.abc.Iterable):
        raise TypeError("cases must be a sequence of substitutions (mappings symbol -> value)")
    cases = list(cases)
    if not all(isinstance(c, Mapping) for c in cases):
        raise TypeError("cases must be a sequence of substitutions (mappings symbol -> value)")
    return cases


def verify_many(claims: Sequence[tuple], budget: float | None = DEFAULT_BUDGET,
                workers: int | None = None, cache=None) -> list[Verdict]:
    """Decide several :func:`claim` packages, up to ``workers`` at once (default: the CPU
    count), in forked checker processes, each claim under its own ``budget``.  ``cache`` (a
    :class:`symbolic.cache.VerdictCache`) supplies the verdicts it holds and keeps the new
    certain ones.

    >>> import sympy as sp
    >>> a = sp.Symbol('a', positive=True)
    >>> [v.status for v in verify_many([claim(sp.log(a**2), 2*sp.log(a)), claim(a, a + 1)])]
    ['proved', 'failed']
    """
    return [verdict for verdict, _ in decide(claims, budget, workers, cache)]


def decide(claims: Sequence[tuple], budget: float | None = DEFAULT_BUDGET,
           workers: int | None = None, cache=None) -> list[tuple[Verdict, float | None]]:
    """:func:`verify_many` with each verdict's checking time in seconds (``None`` when it came
    from ``cache``)."""
    with Checking(budget, workers, cache, stream=False) as checking:
        ticket = checking.submit(claims)
        return checking.results(ticket)


class Checking:
    """A checking session: claims are submitted in groups, and the checker's processes start
    on them at once, while the caller prepares the next group (builds the next derivation,
    say) -- :meth:`results` waits for a group's verdicts.  ``cache`` supplies the verdicts it
    holds and keeps the new certain ones.  With ``stream=False`` nothing starts before the
    first :meth:`results`; the processes are forked then and inherit every claim (none is
    pickled).

    >>> import sympy as sp
    >>> a = sp.Symbol('a', positive=True)
    >>> with Checking(budget=10) as checking:
    ...     first = checking.submit([claim(sp.log(a**2), 2*sp.log(a))])
    ...     second = checking.submit([claim(a, a + 1)])
    ...     [v.status for v, _ in checking.results(first) + checking.results(second)]
    ['proved', 'failed']
    """

    def __init__(self, budget: float | None = DEFAULT_BUDGET, workers: int | None = None, cache=None,
                 stream: bool = True):
        if budget is not None:
            if isinstance(budget, bool) or not isinstance(budget, (int, float)) \
                    or not math.isfinite(budget) or not 0 < budget <= MAX_BUDGET:
                raise ValueError(f"budget must be a number of seconds in (0, {MAX_BUDGET:g}] or None, "
                                 f"not {budget!r}")
        self.budget, self.cache = budget, cache
        self.groups: list[tuple[list, list, range | None]] = []   # claims, cached verdicts, pool indices
        self.done: dict = {}
        # no budget, or no fork on this platform: decided unguarded, in this process
        self.pool = workers_.Pool(_work, budget, workers or os.cpu_count() or 1,
                                  start=timelimit.inside_checker, cost=_cost) \
            if budget is not None and "fork" in multiprocessing.get_all_start_methods() else None
        self.stream = stream
        if self.pool is not None:
            _imported_before_forking()

    def __enter__(self):
        if self.pool is not None and self.stream:
            self.pool.background()
        return self

    def __exit__(self, *exc):
        if self.pool is not None:
            self.pool.__exit__(*exc)             # no worker is left behind
        return False

    def submit(self, claims) -> int:
        """Queue ``claims`` (packages from :func:`claim`); a ticket for :meth:`results`."""
        claims = list(claims)
        found = self.cache.get_many(claims, self.budget) if self.cache is not None else [None] * len(claims)
        todo = [claims[k] for k, verdict in enumerate(found) if verdict is None]
        indices = self.pool.add(todo, send=self.stream) if self.pool is not None and todo else None
        self.groups.append((claims, found, indices))
        return len(self.groups) - 1

    def results(self, ticket: int) -> list[tuple[Verdict, float | None]]:
        """The ``(verdict, seconds)`` of each claim of one submitted group, in order; a badly
        posed claim re-raises its ``ClaimError`` here."""
        if ticket not in self.done:
            if self.pool is not None:
                self.pool.finish()
            claims, found, indices = self.groups[ticket]
            todo = [k for k, verdict in enumerate(found) if verdict is None]
            fresh = [self._fresh(self.pool.result(k)) for k in indices] if indices is not None \
                else [_timed(claims[k]) for k in todo]
            out = [(verdict, None) for verdict in found]
            for k, result in zip(todo, fresh):
                out[k] = result
            if self.cache is not None:
                self.cache.put_many([(claims[k], out[k][0]) for k in todo], self.budget)
            self.done[ticket] = out
        return self.done[ticket]

    def _fresh(self, outcome) -> tuple[Verdict, float]:
        result, seconds = outcome
        if isinstance(result, BaseException):
            raise result
        if isinstance(result, workers_.Overrun):
            result = Verdict("unknown", "budget", detail=f"not decided within the budget of {self.budget:g} s")
        elif not isinstance(result, Verdict):
            result = Verdict("unknown", "crash", detail="the checker process died")
        return result, seconds


@functools.lru_cache(maxsize=None)
def _imported_before_forking() -> None:
    """What SymPy imports on first use, imported once before the checker's processes are
    forked, so that each inherits it instead of importing it again: ``simplify`` imports
    ``sympy.physics.units`` on its first call (0.2 s, in every worker)."""
    import sympy.physics.units  # noqa: F401


def _timed(job) -> tuple[Verdict, float]:
    began = time.monotonic()
    return _decide(*job), time.monotonic() - began


def _cost(job) -> float:
    """A rough estimate of a claim's checking time, to start the costly ones first: its node
    count (capped, so that estimating is never itself costly), weighted up for limits,
    integrals, sums and matrices (the slow routes) and by the number of exhaustive cases."""
    lhs, rhs, _, _, cases, _ = job
    size, slow = 0, set()
    for side in (lhs, rhs):
        if not isinstance(side, sp.Basic):
            continue
        for node in sp.preorder_traversal(side):
            size += 1
            if isinstance(node, (sp.Limit, sp.Integral, sp.Sum, sp.MatrixBase)):
                slow.add(type(node))
            if size >= _COST_CAP:
                break
    return (size + 1) * (1 + 3 * len(slow)) * (len(cases) if cases else 1)


_COST_CAP = 2000


def _work(job):
    """One claim, decided inside a checker process; what it returns is sent to the parent."""
    try:
        result = _decide(*job)
    except ClaimError as exc:               # a badly posed claim: re-raised in the parent
        return exc
    except Exception as exc:                # a SymPy internal error is not a verdict
        return Verdict("unknown", "error", detail=f"{type(exc).__name__}: {exc}")
    try:
        pickle.dumps(result)
        return result
    except Exception as exc:                # unpicklable residual: send it as text
        return Verdict(result.status, result.method, residual=str(result.residual),
                       counterexample=result.counterexample, values=result.values,
                       detail=result.detail or str(exc))


# --------------------------------------------------------------------------- the ladder
#
# Every route below returns a Verdict built by _combine(): the symbolic outcome of the route
# and the numeric audit (symbolic/audit.py) together.  That function is the trusted core:
# ``proved`` needs both witnesses, ``failed`` a confirmed counterexample.

def _combine(symbolic: str | None, method: str, found: Audit, residual=None, detail: str = "") -> Verdict:
    """The only place a status is chosen.  ``symbolic`` is 'proved', 'failed' or None (the
    symbolic route decided nothing); ``found`` is the numeric audit of the same claim."""
    if found.refutes:
        note = "; SymPy's symbolic route said it holds (a SymPy bug worth reporting)" \
            if symbolic == "proved" else ""
        return Verdict("failed", "numeric", residual=residual, counterexample=found.counterexample,
                       values=found.values, detail=found.detail + note)
    if symbolic == "proved" and found.evaluated > 0:
        return Verdict("proved", method, residual=residual,
                       detail="; ".join(filter(None, [detail, "audit: " + found.detail])))
    if symbolic == "proved":
        return Verdict("unknown", method, residual=residual,
                       detail=f"SymPy's route ({method}) proved it, but no point of the domain could be "
                              f"evaluated to confirm it ({found.detail})")
    if found.evaluated > 0:
        return Verdict("checked", "numeric", residual=residual,
                       detail=f"not proved symbolically; {found.detail}; not a proof")
    return Verdict("unknown", "undecided", residual=residual,
                   detail=f"not proved, and no point of the domain could be evaluated ({found.detail})")


def _explicit_matrix_symbols(exprs, conditions):
    """Replace every MatrixSymbol of numeric shape by a matrix of entry symbols: for a fixed
    dimension a claim about all matrices is exactly a claim about their entries.  Entries are
    complex unless a condition ``Q.real_elements(M)`` says the matrix is real; each entry gets
    a unique name ``M[i,j]``."""
    symbols = set()
    for e in exprs:
        symbols |= getattr(e, "atoms", lambda *_: set())(sp.MatrixSymbol)
    if not symbols or any(not (r.is_Integer and c.is_Integer) for r, c in (m.shape for m in symbols)):
        return exprs
    real = _real_matrices(conditions)
    # Dummy symbols: unique even where a user's own symbol is called "A[1,2]"
    mapping = {m: sp.ImmutableMatrix(m.shape[0], m.shape[1],
                                     lambda i, j, m=m: sp.Dummy(f"{m.name}[{i + 1},{j + 1}]",
                                                                **({"real": True} if m in real else {})))
               for m in sorted(symbols, key=lambda m: m.name)}
    out = []
    for e in exprs:
        e = e.xreplace(mapping).doit()
        out.append(sp.ImmutableMatrix(e) if isinstance(e, (sp.MatrixBase, sp.MatrixExpr)) else e)
    return tuple(out)


def _real_matrices(conditions) -> set:
    return {c.arguments[0] for c in conditions
            if isinstance(c, sp.assumptions.assume.AppliedPredicate) and c.function == sp.Q.real_elements}


def _decide(lhs, rhs, conditions, relation, cases, seed) -> Verdict:
    lhs, rhs = _explicit_matrix_symbols((lhs, rhs), conditions)
    conditions = tuple(c for c in conditions if not isinstance(c, sp.assumptions.assume.AppliedPredicate))
    if cases is not None:
        return _exhaustive(lhs, rhs, conditions, relation, cases, seed)
    if isinstance(lhs, sp.Limit):
        return _limit(lhs, rhs, conditions, relation, seed)
    if isinstance(lhs, sp.Set) or isinstance(rhs, sp.Set):
        return _sets(lhs, rhs, relation)
    if isinstance(lhs, sp.MatrixBase) or isinstance(rhs, sp.MatrixBase):
        return _matrix(lhs, rhs, conditions, relation, seed)
    if isinstance(lhs, sp.MatrixExpr) or isinstance(rhs, sp.MatrixExpr):
        return _matrix_expression(lhs, rhs, conditions, relation, seed)
    return _scalar(lhs, rhs, conditions, relation, seed)


def _scalar(lhs, rhs, conditions, relation, seed) -> Verdict:
    infinite = _infinities(lhs, rhs, conditions, relation, seed)
    if infinite is not None:
        return infinite
    # the audit samples the symbols as the conditions refine them (x > 0 makes x positive)
    lhs, rhs, conditions = _signed(lhs, rhs, conditions)
    # The audit goes first: a false claim is refuted before any rewriting or sign search.  A
    # proved claim's route leaves no residual, so this one audit is its audit too; only an
    # equality the route leaves with a nonzero residual is audited again, sampling that
    # residual (where a difference below the rounding noise of both sides shows).
    first = audit(lhs, rhs, conditions, relation, seed + 1)
    if first.refutes:
        return _combine(None, "numeric", first, residual=_shown_residual(lhs, rhs, conditions, relation))
    try:
        with timelimit.time_limit(_QUICK_SECONDS):
            symbolic, method, residual = _symbolic_route(lhs, rhs, conditions, relation)
        deep_done = False
    except timelimit.Timeout:        # before a rewriting that may not end: the deeper audits
        refuted, deep_done = _refuted_first(lhs, rhs, conditions, relation, seed, first)
        if refuted is not None:
            return refuted
        symbolic, method, residual = _symbolic_route(lhs, rhs, conditions, relation)
    if symbolic is None and relation != "==":
        witness = _witness(lhs, rhs, conditions, relation, seed)
        if witness is not None:
            return witness
    found = audit(lhs, rhs, conditions, relation, seed + 1, residual=residual) \
        if samples_residual(residual, relation) else first
    if symbolic is None and found.evaluated and not found.refutes and not deep_done:
        deeper = deep_audit(lhs, rhs, conditions, relation, seed + 1)
        if deeper.refutes:
            return _combine(None, "numeric", deeper, residual=residual)
    return _combine(symbolic, method, found, residual=residual)


def _shown_residual(lhs, rhs, conditions, relation):
    """The difference shown with a refuted claim: expanded when SymPy does it at once."""
    if relation == "==":
        early = _early_residual(lhs, rhs, conditions)
        if early is not None:
            return early
    return sp.sympify(lhs - rhs)


_QUICK_SECONDS = 2.0


def _refuted_first(lhs, rhs, conditions, relation, seed, first: Audit) -> tuple[Verdict | None, bool]:
    """Before a rewriting that may not end within the budget, after the audit ``first`` found
    nothing: the audit of the expanded difference (a difference below the rounding noise of
    both sides shows in it), then the deep audit.  The ``failed`` verdict of the first that
    refutes the claim (or None), and whether the deep audit ran (it need not run again)."""
    early = _early_residual(lhs, rhs, conditions) if relation == "==" else None
    if early is not None:
        second = audit(lhs, rhs, conditions, relation, seed + 1, residual=early)
        if second.refutes:
            return _combine(None, "numeric", second, residual=early), False
    if not first.evaluated:
        return None, False
    deeper = deep_audit(lhs, rhs, conditions, relation, seed + 1)
    if deeper.refutes:
        residual = early if early is not None else sp.sympify(lhs - rhs)
        return _combine(None, "numeric", deeper, residual=residual), True
    return None, True


def _early_residual(lhs, rhs, conditions):
    """The expanded difference of the two sides if SymPy gives it within a moment, else None:
    sampled by the audit, it shows a difference such as ``exp(-500)`` that is hidden in the
    rounding noise of both sides, before the full rewriting (which may not end) is tried."""
    try:
        with timelimit.time_limit(_QUICK_SECONDS):
            early = sp.expand(_refined(sp.sympify(lhs - rhs), conditions).doit())
    except (Exception, timelimit.Timeout):     # a rewrite that errors gives nothing to sample
        return None
    return early if isinstance(early, sp.Expr) and early != 0 else None


def _symbolic_route(lhs, rhs, conditions, relation):
    if relation == "==":
        return _prove_equal(lhs, rhs, conditions)
    return _prove_inequality(lhs, rhs, conditions, relation)


_INFINITIES = (sp.oo, -sp.oo, sp.zoo)


def _infinities(lhs, rhs, conditions, relation, seed) -> Verdict | None:
    """Claims with ``nan`` or an infinity as a whole side, decided before any arithmetic on them."""
    sides = (lhs, rhs)
    if any(s is sp.nan for s in sides):
        return Verdict("failed", "undefined", values=sides, counterexample={},
                       detail="nan (an undefined value) equals nothing and is ordered with nothing")
    if not any(s in _INFINITIES for s in sides):
        return None
    if lhs in _INFINITIES and rhs in _INFINITIES:
        ok = _infinities_hold(lhs, rhs, relation)
        return Verdict("proved" if ok else "failed", "infinities", values=sides,
                       counterexample=None if ok else {},
                       detail=f"{lhs} {relation} {rhs} is {'true' if ok else 'false'}")
    infinite, finite = (lhs, rhs) if lhs in _INFINITIES else (rhs, lhs)
    for point, value in _infinite_points(finite, conditions, seed):   # an extended-real symbol at oo
        pair = (value, infinite) if lhs is finite else (infinite, value)
        if not _infinities_hold(*pair, relation):
            return Verdict("failed", "infinities", values=pair, counterexample=_show(point),
                           detail=f"the other side is {value} here, and {pair[0]} {relation} {pair[1]} is false")
    # wherever the finite side can be evaluated it is a finite number: a point where it
    # differs from itself plus one is a point where it was evaluated
    probe = audit(finite, finite + 1, conditions, "==", seed, count=6)
    if not probe.refutes:
        return Verdict("unknown", "infinities", detail="the finite side could not be evaluated")
    at = probe.counterexample
    if relation == "==" or infinite is sp.zoo:
        return Verdict("failed", "infinities", values=(probe.values[0], infinite), counterexample=at,
                       detail=f"the other side is a finite number here, not {infinite}"
                              + ("" if relation == "==" else " (complex infinity is not ordered)"))
    realness = audit(sp.im(finite), sp.Integer(0), conditions, "==", seed)
    if realness.refutes:
        return Verdict("failed", "numeric", counterexample=realness.counterexample,
                       values=realness.values, detail="a side is not real at this point, so the "
                                                      "inequality is not defined there")
    finite_below = (relation in ("<", "<=")) == (lhs is finite)
    if finite_below != (infinite is sp.oo):
        return Verdict("failed", "infinities", values=(probe.values[0], infinite), counterexample=at,
                       detail=f"a finite number is never {relation} {infinite} that way round")
    symbolic = "proved" if finite.is_extended_real and finite.is_finite else None
    return _combine(symbolic, "infinities", realness)


def _infinities_hold(lhs, rhs, relation) -> bool:
    """``lhs <relation> rhs`` for two infinities (complex infinity is not ordered)."""
    if relation == "==":
        return lhs == rhs
    if sp.zoo in (lhs, rhs):
        return False
    return {"<=": lhs <= rhs, "<": lhs < rhs, ">=": lhs >= rhs, ">": lhs > rhs}[relation] == sp.true


def _infinite_points(expr, conditions, seed):
    """``(point, value)`` for each point of the domain where an extended-real symbol is at
    ``oo`` or ``-oo`` and ``expr`` is an infinity because of it: there ``xe < oo`` fails,
    though every finite point agrees with it.  A pole is not such a point (``Abs(cot(x))``
    is ``Abs(zoo) = oo`` at 0 in SymPy's arithmetic, and undefined there): the rest of the
    point must leave ``expr`` defined and finite."""
    if expr.is_finite:
        return
    symbols = sorted(expr.free_symbols, key=str)
    relevant = [c for c in conditions if c.free_symbols <= set(symbols)]
    for point in points(symbols, relevant, [expr], seed):
        infinite = {s: v for s, v in point.items() if v in (sp.oo, -sp.oo)}
        if not infinite:
            continue
        try:
            rest = expr.subs({s: v for s, v in point.items() if s not in infinite})
            if rest.has(sp.zoo, sp.nan, sp.oo, -sp.oo, sp.AccumBounds):
                continue
            value = rest.subs(infinite)
        except Exception:
            continue
        if value in (sp.oo, -sp.oo):
            yield point, value


def _first_point(expr, conditions, seed):
    symbols = sorted(expr.free_symbols, key=str)
    found = points(symbols, [c for c in conditions if c.free_symbols <= set(symbols)], [expr], seed, 1)
    return {str(k): v for k, v in found[0].items()} if found else None


def _signed(lhs, rhs, conditions):
    """The claim with each symbol whose sign a condition fixes replaced by one carrying that
    sign (:func:`_sign_substitution`, bound variables left alone), and the conditions left."""
    mapping = _sign_substitution(conditions, (lhs, rhs))
    lhs, rhs = _refined(lhs, conditions, mapping), _refined(rhs, conditions, mapping)
    conditions = tuple(c for c in (c.xreplace(mapping) for c in conditions) if c is not sp.true)
    if any(c is sp.false for c in conditions):
        raise ClaimError("the conditions contradict the symbols' own assumptions")
    return lhs, rhs, conditions


def _refined(expr, conditions, mapping=None):
    """Replace symbols whose sign a condition fixes by symbols that carry that sign (``mapping``,
    by default :func:`_sign_substitution` of the conditions) -- but never a variable bound by an
    integral, sum, product or limit inside the expression."""
    if mapping is None:
        mapping = _sign_substitution(conditions, (expr,))
    if not mapping:
        return expr
    bound = _bound_symbols(expr)
    mapping = {k: v for k, v in mapping.items() if k not in bound}
    return expr.xreplace(mapping) if mapping else expr


def _bound_symbols(expr) -> set:
    bound = set()
    for e in expr.atoms(sp.Integral, sp.Sum, sp.Product, sp.Limit):
        bound |= set(e.variables) if hasattr(e, "variables") else set()
        if isinstance(e, sp.Limit):
            bound.add(e.args[1])
    return bound


def _sign_substitution(conditions, exprs=()) -> dict:
    """``{x: x'}`` for each symbol a condition ``x > 0`` (``>=``, ``<``, ``<=``) gives a sign,
    ``x'`` carrying it.  ``x'`` is a symbol of the same name, unless such a symbol already
    occurs elsewhere in the claim (``exprs`` and the conditions): then a ``Dummy``, so that two
    different symbols are never merged (a real ``x`` with ``x > 0`` and a positive ``x``).

    >>> x1, x2 = sp.Symbol('x', real=True), sp.Symbol('x', positive=True)
    >>> _sign_substitution([x1 > 0], [x1 - x2])[x1] == x2
    False
    """
    mapping = {}
    taken = set().union(*(getattr(e, "free_symbols", set()) for e in (*exprs, *conditions)))
    flip = {sp.Gt: sp.Lt, sp.Ge: sp.Le, sp.Lt: sp.Gt, sp.Le: sp.Ge}
    for cond in conditions:
        if not isinstance(cond, (sp.Gt, sp.Ge, sp.Lt, sp.Le)):
            continue
        lhs, rhs, kind = cond.lhs, cond.rhs, type(cond)
        if lhs == 0 and isinstance(rhs, sp.Symbol):      # 0 < x  ==  x > 0
            lhs, rhs, kind = rhs, lhs, flip[kind]
        if not (isinstance(lhs, sp.Symbol) and rhs == 0):
            continue
        prop = {sp.Gt: "positive", sp.Ge: "nonnegative", sp.Lt: "negative", sp.Le: "nonpositive"}[kind]
        base = mapping.get(lhs, lhs)
        assumptions = {k: v for k, v in base.assumptions0.items() if v is not None}
        assumptions.setdefault("real", True)
        try:
            signed = sp.Symbol(lhs.name, **_consistent(assumptions, prop))
        except Exception:                      # contradictory: the contradiction check reports it
            continue
        mapping[lhs] = sp.Dummy(lhs.name, **signed.assumptions0) if signed in taken - {lhs} else signed
    return mapping


def _consistent(assumptions: dict, prop: str) -> dict:
    keep = {k: v for k, v in assumptions.items()
            if k in ("real", "integer", "rational", "finite", "positive", "negative",
                     "nonnegative", "nonpositive", "nonzero", "even", "odd", "prime")}
    keep[prop] = True
    return keep


# each rewrite is applied to the difference after ``doit()``, which is done once per claim
# (on a difference holding integrals or sums it is often the costliest step)
_REWRITES = (
    ("doit", lambda d: d),
    ("expand", sp.expand),
    ("cancel", lambda d: sp.cancel(sp.together(d))),
    ("expand_log", lambda d: sp.expand(sp.expand_log(d))),   # valid only where SymPy's assumptions allow
    ("powsimp", lambda d: sp.expand(sp.powsimp(sp.powdenest(d)))),
    ("simplify", sp.simplify),
    ("piecewise", lambda d: sp.simplify(sp.piecewise_fold(d).rewrite(sp.Piecewise))),
    ("exp", lambda d: sp.simplify(sp.expand(d.rewrite(sp.exp)))),
)


def _prove_zero(diff):
    """Try each rewriting; return (method, residual) with residual 0 on success.  Only a
    structural zero counts: SymPy's ``is_zero`` is not trusted on its own."""
    if diff == 0:
        return "identical", sp.Integer(0)
    try:
        done = diff.doit()
    except Exception:                           # doit errs: no rewrite of it proves anything
        return None, diff
    residual = diff
    for name, rewrite in _rewrites_for(diff):
        try:
            attempt = rewrite(done)
        except Exception:                       # a rewrite that errors proves nothing
            continue
        if attempt == 0:
            return name, sp.Integer(0)
        if name in ("expand", "simplify"):      # the residual shown: expanded, then simplified
            residual = attempt
    return None, residual


# a quotient by a sum goes to cancel before expand, which would multiply out its numerator in
# vain (cancel expands it anyway)
_CANCEL_FIRST = tuple(sorted(_REWRITES, key=lambda r: ("doit", "cancel").index(r[0])
                             if r[0] in ("doit", "cancel") else 2))


def _rewrites_for(diff):
    """``_REWRITES`` in the order to try them on ``diff``."""
    over_sum = any(isinstance(node, sp.Pow) and node.exp.is_negative and isinstance(node.base, sp.Add)
                   and node.base.free_symbols for node in sp.preorder_traversal(diff))
    return _CANCEL_FIRST if over_sum else _REWRITES


def _prove_equal(lhs, rhs, conditions):
    diff = _refined(sp.sympify(lhs - rhs), conditions)
    method, residual = _prove_zero(diff)
    return ("proved", method, sp.Integer(0)) if method else (None, "undecided", residual)


def _prove_inequality(lhs, rhs, conditions, relation):
    """The sign of the gap (``rhs - lhs`` for < and <=), or the exact minimum over a real
    variable's domain.  Returns (status, method, gap)."""
    gap = rhs - lhs if relation in ("<=", "<") else lhs - rhs
    strict = relation in ("<", ">")
    gap = _refined(sp.sympify(gap), conditions)
    if not all(s.is_real for s in gap.free_symbols):
        return None, "undecided", gap               # SymPy's order facts need real symbols
    for name, rewrite in (("sign", lambda g: g), ("simplify", sp.simplify), ("factor", sp.factor),
                          ("expand", sp.expand)):
        try:
            g = rewrite(gap.doit())
        except Exception:
            continue
        if g.is_extended_real and (g.is_positive if strict else g.is_nonnegative) is True:
            return "proved", name, g
    free = sorted(gap.free_symbols, key=str)
    if len(free) == 1 and free[0].is_real:           # one variable: the exact minimum over its domain
        sym = free[0]
        try:
            # SymPy's minimum can loop over infinitely many critical points (x - sin(x))
            with timelimit.time_limit(_SOLVER_SECONDS):
                domain = _domain_of(sym, conditions)
                # SymPy's minimum looks only where the gap is real: elsewhere the inequality fails
                if not _real_on(gap, sym, domain):
                    return None, "undecided", gap
                low = _minimum(gap, sym, domain)
                if low.is_number and low.is_finite and (low.is_positive if strict else low.is_nonnegative):
                    return "proved", "minimum", low
                roots = sp.solveset(gap, sym, domain)
                if strict and low.is_number and low.is_zero \
                        and continuous_domain(gap, sym, domain) == domain and roots == sp.S.EmptySet:
                    return "proved", "minimum+no-root", low
        except (Exception, timelimit.Timeout):
            pass
    return None, "undecided", gap


_SOLVER_SECONDS = 4.0     # at most this long for SymPy's minimum or solveset on one claim


def _real_on(gap, sym, domain) -> bool:
    """Whether ``gap`` is real and continuous on ``domain`` but for finitely many points where
    it is not a number at all (a pole); where it is a non-real number the inequality fails,
    and SymPy's ``minimum`` never looks there.

    >>> x = sp.Symbol('x', real=True)
    >>> _real_on(1/x**2, x, sp.S.Reals), _real_on(sp.sqrt((x - 4)*(x - 5)), x, sp.S.Reals)
    (True, False)
    """
    missing = sp.Complement(domain, continuous_domain(gap, sym, domain))
    if missing is sp.S.EmptySet:
        return True
    values = [gap.subs(sym, point) for point in missing] if isinstance(missing, sp.FiniteSet) else None
    return values is not None and all(v.is_finite is False or v.has(sp.nan, sp.zoo) for v in values)


def _domain_of(sym, conditions=()):
    """The real values ``sym`` may take: its sign, and the conditions on it alone (``x <= 3``).

    >>> x = sp.Symbol('x', real=True)
    >>> _domain_of(x, [x <= 3, x > -1])
    Interval.Lopen(-1, 3)
    """
    domain = sp.S.Reals
    for fact, interval in (("positive", sp.Interval.open(0, sp.oo)), ("nonnegative", sp.Interval(0, sp.oo)),
                           ("negative", sp.Interval.open(-sp.oo, 0)), ("nonpositive", sp.Interval(-sp.oo, 0))):
        if getattr(sym, f"is_{fact}"):
            domain = interval
            break
    for c in conditions:
        if isinstance(c, sp.core.relational.Relational) and c.free_symbols == {sym}:
            domain = domain & sp.solveset(c, sym, sp.S.Reals)
    return domain


def _witness(lhs, rhs, conditions, relation, seed) -> Verdict | None:
    """For one real variable: look for a failing point among the zeros and critical points of
    the gap (exact points a random sampler would never hit).  A point must fit the symbol's
    assumptions and the conditions, and is confirmed by the audit's exact evaluation."""
    gap = sp.sympify(rhs - lhs if relation in ("<=", "<") else lhs - rhs)
    free = sorted(gap.free_symbols, key=str)
    if len(free) != 1 or not free[0].is_real:
        return None
    sym = free[0]
    try:
        with timelimit.time_limit(_SOLVER_SECONDS):
            domain = _domain_of(sym, conditions)
            candidates = _first_elements(sp.solveset(gap, sym, domain)) + \
                _first_elements(sp.solveset(sp.diff(gap, sym), sym, domain))
    except (Exception, timelimit.Timeout):
        return None
    for point in candidates:
        if not (point.is_number and _fits(sym, point)) or \
                not all(_holds(c, {sym: point}) for c in conditions if c.free_symbols <= {sym}):
            continue
        found = confirm_point(lhs, rhs, {sym: point}, relation)
        if found is not None:
            return Verdict("failed", "minimum", counterexample={str(sym): point}, values=found[0],
                           detail=found[1])
    return None


def _first_elements(candidates, count: int = 4) -> list:
    """A few elements of a solution set (finite, or an image set over the integers)."""
    if not isinstance(candidates, (sp.FiniteSet, sp.ImageSet, sp.Union)):
        return []
    out = []
    try:
        for element in candidates:
            out.append(element)
            if len(out) >= count:
                break
    except (TypeError, ValueError, NotImplementedError):
        return []
    return out


def _matrix(lhs, rhs, conditions, relation, seed) -> Verdict:
    if relation != "==":
        raise ClaimError("matrices can only be compared with '=='")
    if not (isinstance(lhs, sp.MatrixBase) and isinstance(rhs, sp.MatrixBase)):
        raise ClaimError("a matrix can only be compared with a matrix")
    if lhs.shape != rhs.shape:
        return Verdict("failed", "shape", values=(lhs.shape, rhs.shape), counterexample={},
                       detail=f"shapes differ: {lhs.shape} vs {rhs.shape}")
    # the symbolic route entry by entry, then one audit of all entries at the same points
    first = audit(lhs, rhs, conditions, "==", seed, count=3)
    if not first.refutes:
        outcomes = [_prove_equal(a, b, conditions) for a, b in zip(lhs, rhs)]
        proved = all(status == "proved" for status, _, _ in outcomes)
        residual = sp.ImmutableMatrix(lhs.rows, lhs.cols, [r for _, _, r in outcomes])
        found = audit(lhs, rhs, conditions, "==", seed + 1)
    else:
        proved, residual, found = False, None, first
    if not proved and found.evaluated and not found.refutes:
        deeper = deep_audit(lhs, rhs, conditions, "==", seed + 1)
        found = deeper if deeper.refutes else found
    if found.refutes:
        row, col = divmod(found.entry or 0, lhs.cols)
        return Verdict("failed", "numeric", residual=residual,
                       counterexample={**found.counterexample, "entry": (row + 1, col + 1)},
                       values=found.values, detail=f"entry ({row + 1}, {col + 1}) differs: {found.detail}")
    methods = "+".join(sorted({m for _, m, _ in outcomes})) if proved else "undecided"
    return _combine("proved" if proved else None, methods, found, residual=residual,
                    detail=f"{lhs.rows}x{lhs.cols} entries")


def _matrix_expression(lhs, rhs, conditions, relation, seed) -> Verdict:
    """Matrix expressions of symbolic size (MatrixSymbol, Trace, Inverse ...): SymPy's matrix
    algebra is the symbolic route; the audit instantiates every size at 1, 2 and 3 with
    random exact complex entries and compares the explicit matrices exactly."""
    if relation != "==":
        raise ClaimError("matrix expressions can only be compared with '=='")
    if getattr(lhs, "shape", None) != getattr(rhs, "shape", None) and \
            (isinstance(lhs, sp.MatrixExpr) and isinstance(rhs, sp.MatrixExpr)) and \
            not (set(lhs.shape) | set(rhs.shape)) - {sp.Integer(1)} & set():
        if all(getattr(d, "is_Integer", False) for d in lhs.shape + rhs.shape):
            return Verdict("failed", "shape", values=(lhs.shape, rhs.shape), counterexample={},
                           detail="shapes differ")
    lhs, rhs, conditions = _signed(lhs, rhs, conditions)     # x < 0 makes x negative here too
    diff = lhs - rhs
    symbolic, method, residual = None, "matrix-expression", diff
    for name, rewrite in (("identical", lambda d: d), ("doit", lambda d: d.doit()),
                          ("expand", lambda d: sp.expand(d.doit())), ("simplify", lambda d: sp.simplify(d.doit()))):
        try:
            residual = rewrite(diff)
        except Exception:
            continue
        if residual == 0 or isinstance(residual, sp.ZeroMatrix) or getattr(residual, "is_ZeroMatrix", False):
            symbolic, method = "proved", name
            break
    found = _instantiated(lhs, rhs, conditions, seed)
    if symbolic is None and not found.refutes:
        return Verdict("unknown", "matrix-expression", residual=residual,
                       detail="SymPy's matrix algebra did not reduce the difference to zero; "
                              f"instantiated at small sizes: {found.detail}")
    return _combine(symbolic, method, found, residual=sp.Integer(0) if symbolic else residual)


def _instantiated(lhs, rhs, conditions, seed) -> Audit:
    """The audit of a matrix expression: every symbolic dimension set to 1, 2, 3, every matrix
    symbol to random exact complex entries, the scalar symbols to a point of their declared
    domain (their assumptions and the conditions); a size differs when an entry of the
    difference is nonzero at two precisions, never because SymPy did not simplify it."""
    rng = random.Random(seed)
    dims = sorted({d for m in (lhs.atoms(sp.MatrixSymbol) | rhs.atoms(sp.MatrixSymbol))
                   for d in m.shape if not d.is_Integer for d in d.free_symbols}, key=str)
    scalars = sorted((lhs.free_symbols | rhs.free_symbols) - set(dims)
                     - lhs.atoms(sp.MatrixSymbol) - rhs.atoms(sp.MatrixSymbol), key=str)
    relevant = [c for c in conditions if c.free_symbols <= set(scalars)]
    scalar_points = points(scalars, relevant, [lhs, rhs], seed, 3) if scalars else [{}] * 3
    held = 0
    for size, values in zip((1, 2, 3), scalar_points):
        sizes = {d: sp.Integer(size) for d in dims}
        mats = {}
        for m in lhs.atoms(sp.MatrixSymbol) | rhs.atoms(sp.MatrixSymbol):
            r, c = (int(x.xreplace(sizes)) for x in m.shape)
            mats[sp.MatrixSymbol(m.name, *(x.xreplace(sizes) for x in m.shape))] = sp.ImmutableMatrix(
                r, c, lambda i, j: sp.Rational(rng.randint(-9, 9), rng.randint(1, 5))
                + sp.I * sp.Rational(rng.randint(-9, 9), rng.randint(1, 5)))
        try:
            a = lhs.xreplace(sizes).xreplace(mats).xreplace(values).doit()
            b = rhs.xreplace(sizes).xreplace(mats).xreplace(values).doit()
            a, b = sp.ImmutableMatrix(a) if isinstance(a, (sp.MatrixBase, sp.MatrixExpr)) else a, \
                sp.ImmutableMatrix(b) if isinstance(b, (sp.MatrixBase, sp.MatrixExpr)) else b
            d = a - b
            kinds = [_entry_kind(e) for e in (d if isinstance(d, sp.MatrixBase) else [d])]
        except Exception:
            continue
        if "nonzero" in kinds:
            return Audit(held, counterexample={**{str(k): v for k, v in sizes.items()},
                                               **{str(k): v for k, v in values.items()}},
                         values=(a, b), detail=f"differs with explicit random {size}x{size} matrices")
        held += all(kind == "zero" for kind in kinds)
    return Audit(held, detail=f"holds for explicit random matrices at {held} sizes")


def _entry_kind(entry) -> str | None:
    """'zero', 'nonzero' or None for one entry of an instantiated difference (exact numbers)."""
    return "zero" if sp.expand(entry) == 0 else _adaptive_kind(entry)


def _sets(lhs, rhs, relation) -> Verdict:
    if not (isinstance(lhs, sp.Set) and isinstance(rhs, sp.Set)):
        raise ClaimError("a set can only be compared with a set")
    if relation != "==":
        raise ClaimError("sets can only be compared with '=='")
    if lhs == rhs:
        return Verdict("proved", "identical", residual=sp.S.EmptySet)
    try:
        left, right = sp.Complement(lhs, rhs).simplify(), sp.Complement(rhs, lhs).simplify()
    except Exception:
        return Verdict("unknown", "sets", detail="could not compare the sets")
    for extra in (left, right):
        if extra.is_empty is False and extra.is_FiniteSet:
            element = sorted(extra.args, key=sp.default_sort_key)[0]
            in_l, in_r = lhs.contains(element), rhs.contains(element)
            if {in_l, in_r} == {sp.true, sp.false}:      # membership decided exactly both ways
                return Verdict("failed", "sets", residual=extra, counterexample={"element": element},
                               detail=f"{element} is in one set only")
    if left == sp.S.EmptySet and right == sp.S.EmptySet and lhs.is_FiniteSet and rhs.is_FiniteSet \
            and not (lhs.free_symbols | rhs.free_symbols):
        # finite sets of numbers: every element of each found in the other, exactly
        both = all(rhs.contains(e) == sp.true for e in lhs) and all(lhs.contains(e) == sp.true for e in rhs)
        if both:
            return Verdict("proved", "sets", residual=sp.S.EmptySet, detail="elementwise membership")
    return Verdict("unknown", "sets", residual=sp.Union(left, right),
                   detail="the symmetric difference was not decided")


# --------------------------------------------------------------------------- limits

def _limit(lim: sp.Limit, rhs, conditions, relation, seed) -> Verdict:
    """``Limit(f, x, a, dir) <relation> rhs``.  The symbolic route is SymPy's ``limit``
    followed by the scalar claim ``value <relation> rhs``; the audit approaches the point
    numerically from the claimed side(s).  Conditions apply to the parameters and the
    right-hand side, never to the limit variable ``x``, which is bound: ``x > 0`` says nothing
    about the values ``x`` runs through towards ``a`` (the direction says that).  The symbol's
    own assumptions are another matter: SymPy applies them when the expression is built, so
    for ``x = Symbol('x', positive=True)``, ``Abs(x)/x`` is already 1 and
    ``Limit(Abs(x)/x, x, 0, '-')`` is the limit of 1 -- declare the variable without
    assumptions to speak of both sides."""
    var = lim.args[1]
    free_conditions = tuple(c for c in conditions if var not in c.free_symbols)
    mapping = _sign_substitution(free_conditions, (lim, rhs))
    lim, rhs = lim.xreplace(mapping), sp.sympify(rhs).xreplace(mapping)
    expr, var, point, direction = lim.args
    free_conditions = tuple(c.xreplace(mapping) for c in free_conditions)
    try:
        value = _direct_limit(expr, var, point)
        if value is None:
            value = sp.limit(expr, var, point, str(direction))
    except Exception:
        value = None
    known = value is not None and not value.has(sp.Limit, sp.nan, sp.AccumBounds) \
        and isinstance(value, sp.Expr)
    if not known:
        approach = _approach(expr, var, point, direction, rhs, free_conditions, seed)
        if relation == "==" and approach == "agrees":
            return Verdict("checked", "numeric-limit",
                           detail="SymPy found no limit; the expression approaches the value numerically")
        if relation == "==" and approach == "disagrees":
            return Verdict("failed", "numeric-limit", counterexample={},
                           detail="the expression does not approach the claimed value")
        return Verdict("unknown", "limit", detail="SymPy found no limit and the numeric approach was inconclusive")
    approach = _approach(expr, var, point, direction, value, free_conditions, seed)
    claim_verdict = _scalar(value, rhs, free_conditions, relation, seed)
    if approach == "disagrees":
        return Verdict("unknown", "limit", detail=f"SymPy's limit {value} is not confirmed by the numeric approach")
    if claim_verdict.status == "failed" and approach == "agrees":
        return Verdict("failed", "limit", values=(value, rhs), counterexample=claim_verdict.counterexample or {},
                       detail=f"the limit is {value}, and {value} {relation} {rhs} fails: {claim_verdict.detail}")
    if claim_verdict.status in ("proved", "checked") and approach == "agrees":
        return Verdict(claim_verdict.status, "limit" if claim_verdict.status == "proved" else "numeric-limit",
                       residual=claim_verdict.residual,
                       detail=f"limit is {value}; approached numerically from the claimed side(s)")
    return Verdict("unknown", "limit", detail=f"limit {value}; the numeric approach was inconclusive")


def _direct_limit(expr, var, point):
    """The limit of ``expr = N/D`` at a finite ``point`` where SymPy's assumptions show ``N`` and
    ``D`` analytic there (:func:`_analytic_at`): ``N(a)/D(a)`` when ``D(a) != 0``; for 0/0,
    L'Hopital's rule, ``N^(k)(a)/D^(k)(a)`` for the first ``k`` with ``D^(k)(a) != 0``, where
    every lower derivative of both vanishes (their Taylor series at ``a`` start at the power
    ``k``).  ``None`` where this does not settle it: SymPy's ``limit`` decides.  The
    alpha-divergence's limits at alpha = 1 and -1 took SymPy's limit up to 1.4 s each; this
    route, milliseconds.  Either way the numeric approach audits the value.

    >>> x, s = sp.Symbol('x'), sp.Symbol('s', positive=True)
    >>> _direct_limit((s**x - 1)/x, x, sp.S(0)), _direct_limit(sp.sqrt(x)/x, x, sp.S(0)) is None
    (log(s), True)
    """
    if not (point.is_finite and point.is_number):
        return None
    num, den = expr.as_numer_denom()
    if not (_analytic_at(num, var, point) and _analytic_at(den, var, point)):
        return None
    at = {var: point}
    for _ in range(_TAYLOR_ORDERS):
        low = den.subs(at)
        if low.is_zero is False:
            return num.subs(at) / low
        if not (_vanishes(low) and _vanishes(num.subs(at))):
            return None
        num, den = sp.diff(num, var), sp.diff(den, var)
    return None


_TAYLOR_ORDERS = 4


def _vanishes(value) -> bool:
    return _prove_zero(value)[1] == 0


def _analytic_at(expr, var, point) -> bool:
    """Whether ``expr`` is, as a function of ``var``, analytic near ``point`` for every value of
    the other symbols: built from polynomials, ``exp``, ``sin``, ``cos``, ``log`` of a base
    positive at the point, and powers of a base positive (or, for an integer power, nonzero)
    there -- a base positive at the point is positive near it.  False whenever unsure."""
    if var not in expr.free_symbols or expr == var:
        return True
    if expr.is_Add or expr.is_Mul:
        return all(_analytic_at(arg, var, point) for arg in expr.args)
    if expr.is_Pow:
        base, exponent = expr.args
        if not (_analytic_at(base, var, point) and _analytic_at(exponent, var, point)):
            return False
        at = base.subs(var, point)
        if exponent.is_Integer:
            return bool(exponent >= 0 or at.is_zero is False)
        return at.is_positive is True
    if isinstance(expr, (sp.exp, sp.sin, sp.cos)):
        return _analytic_at(expr.args[0], var, point)
    if isinstance(expr, sp.log):
        return _analytic_at(expr.args[0], var, point) and expr.args[0].subs(var, point).is_positive is True
    return False


_SCALES = (6, 12, 24, 48)


def _scales(expr) -> tuple:
    """The offsets 10^-k of the numeric approach: :data:`_SCALES`, and past a number of the
    claim of 10^e or 10^-e with e > 24 also e + 12 and e + 24 (``Min(1, 10**60 x)`` is 1 down to
    x = 10^-60 and tends to 0 only below); e at most 300."""
    exponents = [abs(int(mpmath.floor(mpmath.log10(abs(mpmath.mpf(n.p) / n.q)))))
                 for n in expr.atoms(sp.Rational) if n != 0]
    e = min(max(exponents, default=0), 300)       # 10^-324 is as deep as it goes
    return _SCALES + ((e + 12, e + 24) if e > 24 else ())


def _approach(expr, var, point, direction, target, conditions, seed) -> str:
    """'agrees', 'disagrees' or 'unknown': does ``expr`` approach ``target`` as ``var`` goes to
    ``point`` from the claimed side(s)?  Offsets are irrational multiples of powers of ten, so
    oscillations such as ``sin(pi/x)`` are not sampled in phase."""
    target = sp.sympify(target)
    params = sorted((expr.free_symbols | target.free_symbols) - {var}, key=str)
    parameter_points = points(params, [c for c in conditions if c.free_symbols <= set(params)],
                              [expr, target], seed, 3) if params else [{}]
    if not parameter_points:
        return "unknown"
    sides = {"+": (1,), "-": (-1,), "+-": (1, -1)}[str(direction)]
    if point in (sp.oo, -sp.oo):
        sides = (1 if point is sp.oo else -1,)
    near, exact = _Near(expr, var, params), _Near(expr, var, params, compile=False)
    scales = _scales(expr)
    outcomes = set()
    for params_at in parameter_points:
        t = target.xreplace(params_at)
        for side in sides:
            outcome = _approach_one(near, params_at, point, side, t, scales)
            if outcome == "disagrees" and near.fast is not None:
                # compiled values alone never make a 'failed': SymPy's exact evaluation must
                # disagree too (a compiled function once read RisingFactorial otherwise)
                confirmed = _approach_one(exact, params_at, point, side, t, scales) == "disagrees"
                outcome = "disagrees" if confirmed else "unknown"
            outcomes.add(outcome)
    if "disagrees" in outcomes:
        return "disagrees"
    return "agrees" if outcomes == {"agrees"} else "unknown"


class _Near:
    """Values of ``expr`` near the limit point: compiled once for mpmath and evaluated at two
    precisions far above the digits the offset cancels (an offset of 10^-k loses about k
    digits, or 2k); where the two disagree, or nothing compiles, SymPy's adaptive evaluation
    of the exact substituted expression decides."""

    def __init__(self, expr, var, params, compile=True):
        self.expr, self.var, self.params = expr, var, list(params)
        try:
            self.fast = compiled([var] + self.params, expr) if compile else None
        except Exception:
            self.fast = None

    def __call__(self, at, params_at, k):
        if self.fast is not None:
            values = []
            for digits in (60 + 3 * k, 100 + 4 * k):
                try:
                    with mpmath.workdps(digits):
                        args = [_mp(v, digits + 10) for v in [at] + [params_at[p] for p in self.params]]
                        values.append(+mpmath.mpmathify(self.fast(*args)))
                except Exception:
                    break
            if len(values) == 2 and all(mpmath.isfinite(v) for v in values):
                with mpmath.workdps(60):
                    if abs(values[0] - values[1]) <= mpmath.mpf(10) ** -40 * max(1, abs(values[1])):
                        return +values[1]
        return exact_value(self.expr.xreplace(params_at).xreplace({self.var: at}), 60)


def _approach_one(near, params_at, point, side, target, scales) -> str:
    values = []
    for k in scales:
        if point in (sp.oo, -sp.oo):
            at = side * sp.sqrt(2) * sp.Rational(7, 3) * sp.Integer(10) ** k
        else:
            at = point + side * sp.sqrt(2) / 7 * sp.Rational(1, 10 ** k)
        v = near(at, params_at, k)
        if v is None:
            return "unknown"
        values.append(v)
    if target in (sp.oo, -sp.oo):
        sign = 1 if target is sp.oo else -1
        real = all(mpmath.im(v) == 0 for v in values)
        grows = real and all(sign * mpmath.re(b) > sign * mpmath.re(a) for a, b in zip(values, values[1:]))
        if grows and sign * mpmath.re(values[-1]) > 10**6:
            return "agrees"
        return "disagrees" if not grows and abs(values[-1]) < 10**3 else "unknown"
    t = exact_value(target, 60)
    if t is None:
        return "unknown"
    errors = [abs(v - t) for v in values]
    scale = 1 + abs(t)
    if errors[-1] <= mpmath.mpf(10) ** -6 * scale or \
            (errors[-1] <= mpmath.mpf(10) ** -2 * scale and errors[-1] * 100 <= errors[0]):
        return "agrees"
    if errors[-1] > mpmath.mpf(10) ** -2 * scale and errors[-1] * 10 >= errors[0]:
        return "disagrees"
    return "unknown"


# --------------------------------------------------------------------------- exhaustive cases

def _exhaustive(lhs, rhs, conditions, relation, cases, seed) -> Verdict:
    """Each case (a substitution) is a claim of its own, decided by the full ladder; the whole
    is proved when every case is, and fails at the first case that fails."""
    cases = list(cases)
    if not cases:
        raise ClaimError("an exhaustive check needs at least one case")
    verdicts = []
    for index, case in enumerate(cases):
        a, b = _sympify(lhs).subs(case), _sympify(rhs).subs(case)
        conds = []
        for c in conditions:
            c = c.subs(case)
            if c is sp.false or c is False:
                break                                  # this case lies outside the domain
            if c is not sp.true and c is not True:
                conds.append(c)
        else:
            v = _decide(a, b, tuple(conds), relation, None, seed + index)
            if v.status == "failed":
                return Verdict("failed", "exhaustive", counterexample={**_show(case), **(v.counterexample or {})},
                               values=v.values if v.values is not None else (a, b),
                               detail=f"case {_show(case)} does not hold: {v.detail}")
            verdicts.append(v)
    status = weakest(v.status for v in verdicts)
    if not verdicts:
        return Verdict("unknown", "exhaustive", detail="no case lies inside the assumed domain")
    return Verdict(status, "exhaustive" if status == "proved" else f"exhaustive-{status}",
                   residual=sp.Integer(0) if status == "proved" else None,
                   detail=f"all {len(verdicts)} cases {status}")


def _show(point) -> dict:
    return {str(k): v for k, v in sorted(point.items(), key=lambda kv: str(kv[0]))}
