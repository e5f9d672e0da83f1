"""The verification ladder: decide whether a claimed equation, inequality or limit holds.

``verify(lhs, rhs, ...)`` returns a :class:`Verdict` with one of four statuses:

``proved``
    SymPy rewrote ``lhs - rhs`` to exactly zero (or decided the sign of the
    difference, or evaluated the limit) using only the assumptions carried by the
    symbols and the ``assumptions`` passed in; or every case of an exhaustive
    finite case set was decided in exact arithmetic.
``checked``
    Not proved, but both sides agree at many random points of the assumed domain
    to 30 significant digits (mpmath).  Never reported as ``proved``.
``failed``
    The sides differ at a point of the assumed domain; the verdict carries that
    point and both values.
``unknown``
    The time budget ran out, or nothing could be decided (no numeric point could
    be evaluated).  "SymPy did not simplify it to zero" is *not* a failure.

Assumptions are SymPy's own: a symbol declared ``positive=True`` allows
``log(a*b) = log(a) + log(b)``, a plain symbol does not.  Extra conditions
(``a < b``, ``x > 0`` on a plain symbol) can be passed as relationals; a
condition of the form ``symbol > 0`` / ``>= 0`` / ``< 0`` / ``<= 0`` is applied
to the proof by replacing the symbol with one that carries that property, any
other condition only restricts the numeric sampling.  Nothing is ever forced:
no ``force=True``, no dropped branches.

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

import contextlib
import multiprocessing
import multiprocessing.connection
import os
import signal
import random
import time
from dataclasses import dataclass, field
from typing import Any, Iterable, Mapping, Sequence

import mpmath
import sympy as sp
from sympy.calculus.util import continuous_domain, minimum as _minimum

__all__ = ["Verdict", "verify", "verify_many", "claim", "ClaimError", "STATUSES", "DEFAULT_BUDGET",
           "weakest"]

STATUSES = ("proved", "checked", "failed", "unknown")
DEFAULT_BUDGET = 20.0
RELATIONS = ("==", "<=", "<", ">=", ">")

_DIGITS = 30          # working precision of numeric checks
_POINTS = 12          # random points per numeric check
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
    >>> x = symbols('x')
    >>> verify(Limit(sin(x)/x, x, 0), 1).status
    'proved'
    >>> verify(x**2 + 1, 2*x, relation='>=').status
    'proved'
    >>> verify((x + 1)**2, x**2 + 1).status
    'failed'
    """
    return verify_many([claim(lhs, rhs, assumptions, relation=relation, cases=cases, seed=seed)],
                       budget=budget)[0]


def claim(lhs, rhs=None, assumptions: Sequence = (), *, relation: str = "==",
          cases: Sequence[Mapping] | None = None, seed: int = 0) -> tuple:
    """Validate the arguments of one verification and package them for :func:`verify_many`."""
    if isinstance(lhs, sp.core.relational.Relational) and rhs is None:
        relation = {sp.Eq: "==", sp.Le: "<=", sp.Lt: "<", sp.Ge: ">=", sp.Gt: ">"}[type(lhs)]
        lhs, rhs = lhs.lhs, lhs.rhs
    if rhs is None:
        raise ValueError("verify needs a right-hand side or a relational such as a <= b")
    if relation not in RELATIONS:
        raise ValueError(f"relation must be one of {RELATIONS}, not {relation!r}")
    return (_sympify(lhs), _sympify(rhs), _conditions(assumptions), relation, cases, seed)


def verify_many(claims: Sequence[tuple], budget: float | None = DEFAULT_BUDGET,
                workers: int | None = None) -> list[Verdict]:
    """Decide several :func:`claim` packages, up to ``workers`` at once (default: the CPU
    count), each in its own forked process under its own ``budget``.

    >>> import sympy as sp
    >>> a = sp.Symbol('a', positive=True)
    >>> [v.status for v in verify_many([claim(sp.log(a**2), 2*sp.log(a)), claim(a, a + 1)])]
    ['proved', 'failed']
    """
    if budget is not None and budget <= 0:
        raise ValueError("budget must be a positive number of seconds or None")
    claims = list(claims)
    try:
        ctx = multiprocessing.get_context("fork")
    except ValueError:                       # no fork on this platform: run unguarded
        ctx = None
    if budget is None or ctx is None:
        return [_decide(*job) for job in claims]
    return _run_budgeted(ctx, claims, budget, workers or os.cpu_count() or 1)


def _sympify(value):
    if isinstance(value, (list, tuple)):
        return sp.ImmutableMatrix(value)
    if isinstance(value, sp.MatrixBase):
        return sp.ImmutableMatrix(value)
    if isinstance(value, sp.MatrixExpr) and not value.free_symbols - value.atoms(sp.MatrixSymbol) \
            and not value.atoms(sp.MatrixSymbol):
        return sp.ImmutableMatrix(value.doit())    # a product/sum of explicit matrices
    return sp.sympify(value)


def _conditions(assumptions) -> tuple:
    out = []
    for a in assumptions:
        cond = getattr(a, "condition", a)   # an Assumption object or a bare relational
        if cond is None or cond is sp.true or cond is True:
            continue
        if cond is sp.false or cond is False:
            raise ValueError(f"assumption {a} is false: nothing can be derived from it")
        out.append(sp.sympify(cond))
    return tuple(out)


# --------------------------------------------------------------------------- budget

def _run_budgeted(ctx, claims, budget: float, workers: int) -> list[Verdict]:
    """Fork one child per claim (at most ``workers`` alive), kill any that overruns."""
    results: list = [None] * len(claims)
    pending = list(range(len(claims)))
    running: dict = {}                       # reader -> (index, child, deadline)
    try:
        while pending or running:
            while pending and len(running) < workers:
                index = pending.pop(0)
                reader, writer = ctx.Pipe(duplex=False)
                child = ctx.Process(target=_child, args=(claims[index], writer), daemon=True)
                child.start()
                writer.close()
                running[reader] = (index, child, time.monotonic() + budget)
            soonest = min(deadline for _, _, deadline in running.values())
            ready = multiprocessing.connection.wait(list(running), max(0.0, soonest - time.monotonic()))
            now = time.monotonic()
            for reader in list(running):
                index, child, deadline = running[reader]
                if reader in ready:
                    try:
                        results[index] = reader.recv()
                    except EOFError:
                        results[index] = Verdict("unknown", "crash", detail="the checker process died")
                elif now >= deadline:
                    results[index] = Verdict("unknown", "budget",
                                             detail=f"not decided within the budget of {budget:g} s")
                else:
                    continue
                del running[reader]
                reader.close()
                if child.is_alive():
                    child.kill()
                child.join(timeout=1)
    finally:
        for reader, (_, child, _) in running.items():   # interrupted: leave no child behind
            reader.close()
            child.kill()
    for result in results:
        if isinstance(result, BaseException):
            raise result
    return [r if isinstance(r, Verdict) else Verdict("unknown", "crash", detail=str(r)) for r in results]


_IN_CHILD = False          # True inside a forked checker process, where SIGALRM is ours to use


class _Timeout(Exception):
    pass


@contextlib.contextmanager
def _time_limit(seconds: float):
    """Interrupt the block after ``seconds`` -- only inside a checker process (elsewhere the
    alarm signal belongs to the caller's program, and the block runs unlimited)."""
    if not _IN_CHILD or not hasattr(signal, "setitimer"):
        yield
        return

    def _ring(signum, frame):
        raise _Timeout()

    outer = signal.getitimer(signal.ITIMER_REAL)[0]          # an enclosing limit, if any
    started = time.monotonic()
    previous = signal.signal(signal.SIGALRM, _ring)
    signal.setitimer(signal.ITIMER_REAL, min(seconds, outer) if outer > 0 else seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
        if outer > 0:                                          # re-arm the enclosing limit
            signal.setitimer(signal.ITIMER_REAL, max(outer - (time.monotonic() - started), 1e-3))


def _child(job, writer):
    global _IN_CHILD
    _IN_CHILD = True
    try:
        result = _decide(*job)
    except ClaimError as exc:               # a badly posed claim: re-raised in the parent
        result = exc
    except Exception as exc:                # a SymPy internal error is not a verdict
        result = Verdict("unknown", "error", detail=f"{type(exc).__name__}: {exc}")
    try:
        writer.send(result)
    except Exception as exc:                # unpicklable residual: send it as text
        writer.send(Verdict(result.status, result.method, residual=str(result.residual),
                            counterexample=result.counterexample, values=result.values,
                            detail=result.detail or str(exc)))
    finally:
        writer.close()
        os._exit(0)                          # skip atexit handlers inherited from the parent


# --------------------------------------------------------------------------- the ladder

def _explicit_matrix_symbols(*exprs):
    """Replace every MatrixSymbol of numeric shape by a matrix of real entry symbols: for a fixed
    dimension a claim about all matrices is exactly a claim about their entries."""
    symbols = set()
    for e in exprs:
        symbols |= getattr(e, "atoms", lambda *_: set())(sp.MatrixSymbol)
    if not symbols or any(not (r.is_Integer and c.is_Integer) for r, c in (m.shape for m in symbols)):
        return exprs
    mapping = {m: sp.ImmutableMatrix(m.shape[0], m.shape[1],
                                     lambda i, j, m=m: sp.Symbol(f"{m.name}_{i + 1}{j + 1}", real=True))
               for m in symbols}
    out = []
    for e in exprs:
        e = e.xreplace(mapping).doit()
        out.append(sp.ImmutableMatrix(e) if isinstance(e, (sp.MatrixBase, sp.MatrixExpr)) else e)
    return tuple(out)


def _decide(lhs, rhs, conditions, relation, cases, seed) -> Verdict:
    lhs, rhs = _explicit_matrix_symbols(lhs, rhs)
    if cases is not None:
        return _exhaustive(lhs, rhs, conditions, relation, cases)
    if isinstance(lhs, sp.Limit):
        return _limit(lhs, rhs, conditions, seed)
    if isinstance(lhs, sp.Set) or isinstance(rhs, sp.Set):
        return _sets(lhs, rhs)
    if isinstance(lhs, sp.MatrixBase) or isinstance(rhs, sp.MatrixBase):
        return _matrix(lhs, rhs, conditions, relation, seed)
    if isinstance(lhs, sp.MatrixExpr) or isinstance(rhs, sp.MatrixExpr):
        return _matrix_expression(lhs, rhs, relation)
    if relation == "==":
        return _equality(lhs, rhs, conditions, seed)
    return _inequality(lhs, rhs, conditions, relation, seed)


def _refined(expr, conditions):
    """Replace symbols whose sign a condition fixes by symbols that carry that sign."""
    mapping = _sign_substitution(conditions)
    return expr.xreplace(mapping) if mapping else expr


def _sign_substitution(conditions) -> dict:
    mapping = {}
    for cond in conditions:
        if not isinstance(cond, sp.core.relational.Relational):
            continue
        lhs, rhs = cond.lhs, cond.rhs
        flip = {sp.Gt: sp.Lt, sp.Ge: sp.Le, sp.Lt: sp.Gt, sp.Le: sp.Ge}
        kind = type(cond)
        if lhs == 0 and isinstance(rhs, sp.Symbol):      # 0 < x  ==  x > 0
            lhs, rhs, kind = rhs, lhs, flip.get(kind, kind)
        if not (isinstance(lhs, sp.Symbol) and rhs == 0):
            continue
        prop = {sp.Gt: "positive", sp.Ge: "nonnegative", sp.Lt: "negative", sp.Le: "nonpositive"}.get(kind)
        if prop is None:
            continue
        base = mapping.get(lhs, lhs)
        assumptions = {k: v for k, v in base.assumptions0.items() if v is not None}
        assumptions.setdefault("real", True)
        assumptions[prop] = True
        try:
            mapping[lhs] = sp.Symbol(lhs.name, **_consistent(assumptions, prop))
        except Exception:                      # contradictory: leave for the sampler to catch
            continue
    return mapping


def _consistent(assumptions: dict, prop: str) -> dict:
    keep = {k: v for k, v in assumptions.items()
            if k in ("real", "integer", "rational", "finite", "positive", "negative",
                     "nonnegative", "nonpositive", "nonzero", "even", "odd", "prime")}
    keep[prop] = True
    return keep


_REWRITES = (
    ("identical", lambda d: d),
    ("doit", lambda d: d.doit()),
    ("expand", lambda d: sp.expand(d.doit())),
    ("cancel", lambda d: sp.cancel(sp.together(d.doit()))),
    ("expand_log", lambda d: sp.expand(sp.expand_log(d.doit()))),   # valid only where SymPy's assumptions allow
    ("powsimp", lambda d: sp.expand(sp.powsimp(sp.powdenest(d.doit())))),
    ("simplify", lambda d: sp.simplify(d.doit())),
    ("piecewise", lambda d: sp.simplify(sp.piecewise_fold(d.doit()).rewrite(sp.Piecewise))),
    ("exp", lambda d: sp.simplify(sp.expand(d.doit().rewrite(sp.exp)))),
)


def _prove_zero(diff):
    """Try each rewriting; return (method, residual) with residual 0 on success."""
    residual = diff
    for name, rewrite in _REWRITES:
        try:
            residual = rewrite(diff)
        except Exception:                       # a rewrite that errors proves nothing
            continue
        if residual == 0 or residual.is_zero is True:
            return name, sp.Integer(0)
    return None, residual


def _quick_refutation(lhs, rhs, conditions, relation, seed):
    """A few random points first: a false claim is refuted before any costly rewriting.
    Limited to a few seconds, so that slow numerics never keep a proof from being tried."""
    try:
        with _time_limit(3.0):
            verdict = _numeric(lhs, rhs, conditions, relation, seed, None, points=3)
    except _Timeout:
        return None
    return verdict if verdict.status == "failed" else None


def _equality(lhs, rhs, conditions, seed) -> Verdict:
    refuted = _quick_refutation(lhs, rhs, conditions, "==", seed)
    if refuted:
        return refuted
    diff = _refined(sp.sympify(lhs - rhs), conditions)
    method, residual = _prove_zero(diff)
    if method:
        return Verdict("proved", method, residual=sp.Integer(0))
    return _numeric(lhs, rhs, conditions, "==", seed, residual)


def _inequality(lhs, rhs, conditions, relation, seed) -> Verdict:
    # normalise to  gap >= 0  or  gap > 0
    refuted = _quick_refutation(lhs, rhs, conditions, relation, seed)
    if refuted:
        return refuted
    gap = rhs - lhs if relation in ("<=", "<") else lhs - rhs
    strict = relation in ("<", ">")
    gap = _refined(sp.sympify(gap), conditions)
    for name, rewrite in (("sign", lambda g: g), ("simplify", sp.simplify), ("factor", sp.factor),
                          ("expand", sp.expand)):
        try:
            g = rewrite(gap.doit())
        except Exception:
            continue
        decided = g.is_positive if strict else g.is_nonnegative
        if decided is True:
            return Verdict("proved", name, residual=g)
        if g.is_number and decided is False:
            return Verdict("failed", name, residual=g, counterexample={}, values=(lhs, rhs),
                           detail=f"the gap {g} has the wrong sign")
    free = sorted(gap.free_symbols, key=str)
    if len(free) == 1:                          # one variable: the exact minimum over its domain
        sym = free[0]
        try:
            domain = _domain_of(sym)
            low = _minimum(gap, sym, domain)
            if low.is_number and (low.is_positive if strict else low.is_nonnegative):
                return Verdict("proved", "minimum", residual=low,
                               detail=f"the infimum over {domain} is {low}")
            roots = sp.solveset(gap, sym, domain)
            # strict, infimum 0 not attained: continuous on the interval and never zero there
            if strict and low.is_number and low.is_zero \
                    and continuous_domain(gap, sym, domain) == domain and roots == sp.S.EmptySet:
                return Verdict("proved", "minimum+no-root", residual=low,
                               detail=f"continuous on {domain}, infimum 0, no zero there")
            # look for a witness among the zeros and critical points of the gap
            critical = sp.solveset(sp.diff(gap, sym), sym, domain)
            for point in _first_elements(roots) + _first_elements(critical):
                at = sp.simplify(gap.subs(sym, point))
                if at.is_negative or (strict and at.is_zero):
                    return Verdict("failed", "minimum", residual=at, counterexample={str(sym): point},
                                   values=(lhs.subs(sym, point), rhs.subs(sym, point)),
                                   detail=f"the inequality fails at {sym} = {point}")
        except Exception:
            pass
    return _numeric(lhs, rhs, conditions, relation, seed, gap)


def _first_elements(candidates, count: int = 4) -> list:
    """A few elements of a solution set (finite, or an image set over the integers)."""
    if isinstance(candidates, (sp.ConditionSet, sp.Complement)) or candidates.is_empty is not False \
            and not isinstance(candidates, (sp.FiniteSet, sp.ImageSet, sp.Union)):
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


def _domain_of(sym):
    if sym.is_positive:
        return sp.Interval.open(0, sp.oo)
    if sym.is_nonnegative:
        return sp.Interval(0, sp.oo)
    if sym.is_negative:
        return sp.Interval.open(-sp.oo, 0)
    return sp.S.Reals


def _matrix(lhs, rhs, conditions, relation, seed) -> Verdict:
    if relation != "==":
        raise ClaimError("matrices can only be compared with '=='")
    if not (isinstance(lhs, sp.MatrixBase) and isinstance(rhs, sp.MatrixBase)):
        raise ClaimError("a matrix can only be compared with a matrix")
    if lhs.shape != rhs.shape:
        return Verdict("failed", "shape", values=(lhs.shape, rhs.shape),
                       detail=f"shapes differ: {lhs.shape} vs {rhs.shape}")
    methods, residuals, pending = set(), [], []
    for index, (a, b) in enumerate(zip(lhs, rhs)):
        method, residual = _prove_zero(_refined(sp.sympify(a - b), conditions))
        residuals.append(residual)
        if method:
            methods.add(method)
        else:
            pending.append(index)
    residual = sp.ImmutableMatrix(lhs.rows, lhs.cols, residuals)
    if not pending:
        return Verdict("proved", "+".join(sorted(methods)) or "identical", residual=residual)
    statuses = []
    for index in pending:
        row, col = divmod(index, lhs.cols)
        v = _numeric(lhs[index], rhs[index], conditions, "==", seed, residuals[index])
        if v.status == "failed":
            return Verdict("failed", v.method, residual=residual,
                           counterexample={**(v.counterexample or {}), "entry": (row + 1, col + 1)},
                           values=v.values, detail=f"entry ({row + 1}, {col + 1}) differs")
        statuses.append(v.status)
    status = weakest(statuses)
    return Verdict(status, "numeric" if status == "checked" else "undecided", residual=residual,
                   detail=f"{len(pending)} entries not proved symbolically")


def _matrix_expression(lhs, rhs, relation) -> Verdict:
    """Matrix expressions (MatrixSymbol, Trace, Inverse ...): proved only when SymPy's matrix
    algebra reduces the difference to zero; otherwise undecided, never sampled at random."""
    if relation != "==":
        raise ClaimError("matrix expressions can only be compared with '=='")
    if getattr(lhs, "shape", None) != getattr(rhs, "shape", None) and \
            (isinstance(lhs, sp.MatrixExpr) and isinstance(rhs, sp.MatrixExpr)):
        return Verdict("failed", "shape", values=(lhs.shape, rhs.shape), detail="shapes differ")
    diff = lhs - rhs
    for name, rewrite in (("identical", lambda d: d), ("doit", lambda d: d.doit()),
                          ("expand", lambda d: sp.expand(d.doit())), ("simplify", lambda d: sp.simplify(d.doit()))):
        try:
            residual = rewrite(diff)
        except Exception:
            continue
        if residual == 0 or isinstance(residual, sp.ZeroMatrix) or getattr(residual, "is_zero", None) is True \
                or getattr(residual, "is_ZeroMatrix", False):
            return Verdict("proved", name, residual=sp.Integer(0))
    return Verdict("unknown", "matrix-expression", residual=residual,
                   detail="SymPy's matrix algebra did not reduce the difference to zero")


def _sets(lhs, rhs) -> Verdict:
    if lhs == rhs:
        return Verdict("proved", "identical", residual=sp.S.EmptySet)
    try:
        left, right = sp.Complement(lhs, rhs).simplify(), sp.Complement(rhs, lhs).simplify()
    except Exception:
        return Verdict("unknown", "sets", detail="could not compare the sets")
    if left == sp.S.EmptySet and right == sp.S.EmptySet:
        return Verdict("proved", "sets", residual=sp.S.EmptySet)
    for extra in (left, right):
        if extra.is_empty is False and extra.is_FiniteSet:
            return Verdict("failed", "sets", residual=extra, counterexample={"element": extra.args[0]},
                           detail=f"{extra.args[0]} is in one set only")
    return Verdict("unknown", "sets", residual=sp.Union(left, right),
                   detail="the symmetric difference did not simplify to the empty set")


def _limit(lim: sp.Limit, rhs, conditions, seed) -> Verdict:
    expr, var, point, direction = lim.args
    expr = _refined(expr, conditions)
    try:
        value = sp.limit(expr, var, point, str(direction))
    except Exception:
        value = None
    if value is not None and not value.has(sp.Limit) and value is not sp.nan:
        method, residual = _prove_zero(sp.sympify(value - rhs))
        if method:
            return Verdict("proved", "limit", residual=sp.Integer(0), detail=f"limit is {value}")
        if _numeric_constant(value - rhs, conditions, seed) == "failed":
            return Verdict("failed", "limit", residual=residual, values=(value, rhs), counterexample={},
                           detail=f"the limit is {value}, not {rhs}")
    return _numeric_limit(expr, var, point, direction, rhs, conditions, seed)


def _numeric_constant(expr, conditions, seed) -> str:
    v = _numeric(expr, sp.Integer(0), conditions, "==", seed, expr)
    return v.status


def _numeric_limit(expr, var, point, direction, rhs, conditions, seed) -> Verdict:
    """Approach the point numerically; agreement is only ever ``checked``."""
    sign = -1 if str(direction) == "-" else 1
    rng = random.Random(seed)
    free = sorted((expr.free_symbols | sp.sympify(rhs).free_symbols) - {var}, key=str)
    with mpmath.workdps(60):
        for _ in range(4):
            point_values = _draw(free, conditions, rng)
            if point_values is None:
                return Verdict("unknown", "numeric-limit", detail="no sample point satisfies the assumptions")
            f = expr.xreplace(point_values)
            target = sp.sympify(rhs).xreplace(point_values)
            errors = []
            for k in (10, 20, 30):
                at = point + sign * sp.Rational(1, 10 ** k) if point.is_finite else sign * sp.Integer(10) ** k
                val = sp.N(f.xreplace({var: at}), 50)
                tgt = sp.N(target, 50)
                if not (val.is_number and tgt.is_number) or val.has(sp.nan, sp.zoo):
                    return Verdict("unknown", "numeric-limit", detail="could not evaluate near the point")
                errors.append(abs(complex(val - tgt)))
            if not errors[-1] < 1e-8 * (1 + abs(complex(tgt))) or errors[-1] > errors[0]:
                return Verdict("failed", "numeric-limit", counterexample=_show(point_values),
                               values=(sp.N(val, 15), sp.N(tgt, 15)),
                               detail="the expression does not approach the claimed value")
    return Verdict("checked", "numeric-limit", detail="approaches the value at 4 random parameter points")


def _exhaustive(lhs, rhs, conditions, relation, cases) -> Verdict:
    cases = list(cases)
    if not cases:
        raise ClaimError("an exhaustive check needs at least one case")
    for case in cases:
        a, b = _sympify(lhs).subs(case), _sympify(rhs).subs(case)
        if isinstance(a, sp.MatrixBase):
            ok = _matrix(a, b, conditions, "==", 0).status == "proved"
        elif relation == "==":
            ok = _prove_zero(sp.sympify(a - b))[0] is not None
        else:
            rel = {"<=": sp.Le, "<": sp.Lt, ">=": sp.Ge, ">": sp.Gt}[relation](a, b)
            ok = sp.simplify(rel) is sp.true
        if not ok:
            failed = _numeric(a, b, (), relation, 0, None)
            status = "failed" if failed.status == "failed" or (a.is_number and b.is_number) else "unknown"
            return Verdict(status, "exhaustive", counterexample=_show(case), values=(a, b),
                           detail=f"case {_show(case)} does not hold")
    return Verdict("proved", "exhaustive", residual=sp.Integer(0),
                   detail=f"all {len(cases)} cases hold in exact arithmetic")


# --------------------------------------------------------------------------- numeric fallback

_SPECIAL = (sp.Integer(1), sp.Integer(0), sp.Rational(1, 2), sp.Integer(2), sp.Integer(3))


def _draw(symbols, conditions, rng, tries: int = 200):
    """A random exact point (rationals / integers) respecting symbol assumptions and conditions.

    The first draws of a sequence favour special values (0, ±1, 1/2, 2, 3), where
    false identities such as sqrt(x**2) = x or x**2 > 0 typically break."""
    for attempt in range(tries):
        point = {s: _sample(s, rng) for s in symbols}
        if attempt < 3 * len(_SPECIAL) and rng.random() < 0.5:
            for sym in symbols:
                if rng.random() < 0.5:
                    value = rng.choice(_SPECIAL) * rng.choice((1, -1))
                    if _fits(sym, value):
                        point[sym] = value
        ok = True
        for cond in conditions:
            truth = sp.sympify(cond).xreplace(point)
            if truth is not sp.true and truth is not True:
                if truth is sp.false or truth is False:
                    ok = False
                    break
                try:
                    truth = bool(sp.N(truth, _DIGITS))
                except TypeError:
                    truth = False
                if not truth:
                    ok = False
                    break
        if ok:
            return point
    return None


def _fits(sym, value) -> bool:
    """Whether a value respects the symbol's own assumptions."""
    checks = (("positive", value > 0), ("nonnegative", value >= 0), ("negative", value < 0),
              ("nonpositive", value <= 0), ("integer", value.is_integer), ("nonzero", value != 0),
              ("even", value.is_integer and value % 2 == 0), ("odd", value.is_integer and value % 2 == 1))
    return all(bool(ok) for name, ok in checks if getattr(sym, f"is_{name}"))


def _sample(sym, rng):
    if sym.is_integer:
        low = 1 if sym.is_positive else 0 if sym.is_nonnegative else -5
        high = -1 if sym.is_negative else 0 if sym.is_nonpositive else 6
        value = rng.randint(low, max(low, high))
        if sym.is_even and value % 2:
            value += 1
        if sym.is_odd and not value % 2:
            value += 1
        return sp.Integer(value)
    # mostly (0, 3), sometimes (3, 30): identities such as log(exp(i u)) = i u break only far out
    magnitude = sp.Rational(rng.randint(1, 2999), 1000) if rng.random() < 0.7 \
        else sp.Rational(rng.randint(3001, 30000), 1000)
    if sym.is_positive or sym.is_nonnegative:
        return magnitude
    if sym.is_negative or sym.is_nonpositive:
        return -magnitude
    return rng.choice((-1, 1)) * magnitude       # real or unknown domain: real points only


def _show(point) -> dict:
    return {str(k): v for k, v in sorted(point.items(), key=lambda kv: str(kv[0]))}


def _numeric(lhs, rhs, conditions, relation, seed, residual, points: int = _POINTS) -> Verdict:
    """Evaluate at random points at 30 digits; a disagreement (confirmed at 60 digits) fails."""
    lhs, rhs = sp.sympify(lhs), sp.sympify(rhs)
    lhs, rhs = (_derivatives_done(e) for e in (lhs, rhs))
    if lhs.atoms(sp.MatrixSymbol) or rhs.atoms(sp.MatrixSymbol):
        return Verdict("unknown", "matrix-expression", residual=residual,
                       detail="matrices of symbolic size cannot be sampled at random")
    symbols = sorted((lhs.free_symbols | rhs.free_symbols), key=str)
    if lhs.atoms(sp.core.function.AppliedUndef) or rhs.atoms(sp.core.function.AppliedUndef):
        return Verdict("unknown", "undecided", residual=residual,
                       detail="SymPy did not reduce the difference to zero, and undefined "
                              "functions cannot be sampled")
    rng = random.Random(seed)
    evaluated = 0
    for _ in range(points if symbols else 1):
        point = _draw(symbols, conditions, rng)
        if point is None:
            break
        try:
            a, b = lhs.xreplace(point), rhs.xreplace(point)
        except (ValueError, TypeError):         # e.g. a derivative's variable replaced by a number
            continue
        outcome = _compare_at(a, b, relation)
        if outcome is None:
            continue
        evaluated += 1
        if outcome is False and _compare_at(a, b, relation, digits=2 * _DIGITS) is False:
            return Verdict("failed", "numeric", residual=residual, counterexample=_show(point),
                           values=(sp.N(a, 15), sp.N(b, 15)),
                           detail="the two sides differ at this point of the domain")
    if evaluated == 0:
        return Verdict("unknown", "undecided", residual=residual,
                       detail="not proved, and no point of the domain could be evaluated")
    return Verdict("checked", "numeric", residual=residual,
                   detail=f"agrees at {evaluated} random points to {_DIGITS} digits; not a proof")


def _derivatives_done(expr):
    """Derivatives evaluated before sampling: a number cannot stand for their variable."""
    if not expr.has(sp.Derivative):
        return expr
    try:
        return expr.doit(deep=True)
    except Exception:
        return expr


def _evaluate(expr, digits):
    """A number for ``expr`` at a sample point: integrals are tried in closed form for a
    moment, then by quadrature."""
    if not expr.has(sp.Integral):
        return sp.N(expr.doit(), digits)
    try:
        with _time_limit(2.0):
            return sp.N(expr.doit(), digits)
    except _Timeout:
        return sp.N(expr, digits)


def _compare_at(a, b, relation, digits: int = _DIGITS):
    """True / False when decided at this precision, None when it cannot be evaluated."""
    try:
        va, vb = (_evaluate(e, digits) for e in (a, b))
    except _Timeout:
        raise
    except Exception:
        return None
    if not (va.is_number and vb.is_number) or va.has(sp.nan, sp.zoo, sp.oo, -sp.oo) \
            or vb.has(sp.nan, sp.zoo, sp.oo, -sp.oo):
        return None
    try:
        ca, cb = complex(va), complex(vb)
    except TypeError:
        return None
    scale = max(1.0, abs(ca), abs(cb))
    tol = scale * 10.0 ** (-(digits - 8))
    if relation == "==":
        return abs(ca - cb) <= tol
    if abs(ca.imag) > tol or abs(cb.imag) > tol:
        return False                                         # an inequality between non-reals is false
    x, y = ca.real, cb.real
    if relation in ("<", ">") and abs(x - y) <= tol:
        return None                                          # equal at this precision: undecided
    return {"<=": x <= y + tol, "<": x < y, ">=": x >= y - tol, ">": x > y}[relation]
