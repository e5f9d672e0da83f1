"""An on-disk cache of certain verdicts, so that re-checking an unchanged claim costs a file read.

Only ``proved`` and ``failed`` verdicts are kept: both are certain (two witnesses; a confirmed
counterexample) and do not depend on the machine's load, unlike an ``unknown`` that ran out of
time or a ``checked`` whose symbolic route was cut short.  A verdict is stored under a key
that hashes

* the checker's own code: every source file of the :mod:`symbolic` package, the versions of
  Python, SymPy and mpmath and their integer arithmetic (gmpy2's or Python's; a change to any
  of them invalidates every entry), and the source of
  any other module whose classes appear in the claim (a user's own SymPy class);
* the claim: ``srepr`` of both sides, of its conditions (its assumptions) and of its cases,
  its relation, its seed, and the budget.

Entries are JSON files (never pickles: a cache file is data, not code) under
``$XDG_CACHE_HOME/dgm-proofs`` (default ``~/.cache/dgm-proofs``), written to a temporary
file and renamed into place, so two concurrent runs never see half an entry.  An entry that
does not parse, belongs to another key, fails its checksum or holds a value that does not
read back exactly is ignored (and later overwritten), never trusted.  The cache keeps at most
``max_entries`` files, dropping the least recently used.

>>> import sympy as sp, tempfile
>>> from symbolic.check import claim, verify_many
>>> cache = VerdictCache(tempfile.mkdtemp())
>>> x = sp.Symbol('x', positive=True)
>>> jobs = [claim(sp.log(x**2), 2*sp.log(x))]
>>> verify_many(jobs, cache=cache)[0].status, cache.hits, len(cache)
('proved', 0, 1)
>>> verify_many(jobs, cache=cache)[0].status, cache.hits
('proved', 1)
"""
from __future__ import annotations

import ast
import functools
import hashlib
import inspect
import os
import platform
import sys

import mpmath
import sympy as sp

from .check import Verdict
from .store import FORMAT, Store, cache_root

__all__ = ["VerdictCache", "Store", "cache_root", "checker_digest", "claim_key"]

CACHED_STATUSES = ("proved", "failed")


@functools.lru_cache(maxsize=None)
def checker_digest() -> str:
    """A hash of everything a verdict depends on besides the claim: the :mod:`symbolic`
    package's sources, the versions of Python, SymPy and mpmath, and the integer arithmetic
    under them (gmpy2's or Python's)."""
    from mpmath.libmp import BACKEND
    from sympy.external.gmpy import GROUND_TYPES
    h = hashlib.sha256(f"{FORMAT} {platform.python_version()} {sp.__version__} {mpmath.__version__} "
                       f"{BACKEND} {GROUND_TYPES}".encode())
    folder = os.path.dirname(os.path.abspath(__file__))
    for name in sorted(os.listdir(folder)):
        if name.endswith(".py"):
            with open(os.path.join(folder, name), "rb") as handle:
                h.update(name.encode() + b"\0" + handle.read())
    return h.hexdigest()


class VerdictCache:
    """The verdicts of :func:`symbolic.check.verify_many`, kept on disk (see the module text)."""

    def __init__(self, root: str | None = None, max_entries: int = 20_000):
        self.store = Store(os.path.join(root or cache_root(), "verdicts"), max_entries)
        self.hits = self.misses = 0
        # id(claim package) -> (package, budget, key) between a miss's lookup and its storing:
        # its srepr, the costly part of a key, is computed once
        self._keys: dict = {}

    def __len__(self):
        return len(self.store.entries())

    def _key(self, job, budget):
        known = self._keys.get(id(job))
        if known is not None and known[0] is job and known[1] == budget:
            return known[2]
        key = claim_key(job, budget)
        self._keys[id(job)] = (job, budget, key)       # the package is kept alive with its key
        return key

    def get_many(self, claims, budget) -> list:
        """For each claim package, its stored verdict or ``None``."""
        out = []
        for job in claims:
            key = self._key(job, budget)
            verdict = _verdict_from(self.store.read(key)) if key else None
            if verdict is not None:
                self._keys.pop(id(job), None)
            self.hits += verdict is not None
            self.misses += verdict is None
            out.append(verdict)
        return out

    def put_many(self, pairs, budget) -> None:
        """Keep the certain verdicts of ``(claim package, verdict)`` pairs."""
        wrote = False
        for job, verdict in pairs:
            key = self._key(job, budget) if verdict.status in CACHED_STATUSES else None
            self._keys.pop(id(job), None)
            payload = _verdict_to(verdict) if key else None
            if payload is not None:
                wrote |= self.store.write(key, payload)
        if wrote:
            self.store.prune()


# --------------------------------------------------------------------------- keys

def claim_key(job, budget) -> str | None:
    """The key of a :func:`symbolic.check.claim` package under ``budget``; ``None`` when the
    claim holds an object whose meaning ``srepr`` does not pin down."""
    lhs, rhs, conditions, relation, cases, seed = job
    extra = _foreign_sources((lhs, rhs) + tuple(conditions))
    if extra is None:
        return None
    parts = [checker_digest(), extra, _function_assumptions((lhs, rhs) + tuple(conditions)),
             sp.srepr(lhs), sp.srepr(rhs),
             repr([sp.srepr(c) for c in conditions]), relation, repr(seed), repr(budget),
             repr(None if cases is None else
                  [sorted((sp.srepr(k), sp.srepr(v)) for k, v in case.items()) for case in cases])]
    return hashlib.sha256("\0".join(parts).encode()).hexdigest()


def _function_assumptions(exprs) -> str:
    """The assumptions of undefined functions (``srepr`` prints ``Function('f')`` for a real
    ``f`` and a complex one alike)."""
    functions = set()
    for expr in exprs:
        if isinstance(expr, sp.Basic):
            functions |= {a.func for a in expr.atoms(sp.core.function.AppliedUndef)}
    return repr(sorted((f.__name__, sorted(f.default_assumptions.items()),
                        sorted(getattr(f, "_kwargs", {}).items(), key=str)) for f in functions))


def _foreign_sources(exprs) -> str | None:
    """A hash of the source of every module outside SymPy and :mod:`symbolic` whose classes
    appear in ``exprs`` (their code decides what the claim means); ``None`` if unreadable."""
    modules = set()
    for expr in exprs:
        if not isinstance(expr, sp.Basic):
            continue
        for node in sp.preorder_traversal(expr):
            if isinstance(node, sp.core.function.AppliedUndef):
                continue                        # undefined functions: named, with no code
            name = type(node).__module__ or ""
            if not (name.startswith("sympy.") or name.startswith("symbolic.")):
                modules.add(name)
    h = hashlib.sha256()
    for name in sorted(modules):
        try:
            h.update(inspect.getsource(sys.modules[name]).encode())
        except (KeyError, OSError, TypeError):
            return None
    return h.hexdigest()


# --------------------------------------------------------------------------- values

class _Unencodable(Exception):
    pass


def _verdict_to(verdict: Verdict):
    """The JSON form of a verdict, or ``None`` when a value would not read back exactly."""
    try:
        payload = {name: _encode(getattr(verdict, name)) for name in
                   ("status", "method", "residual", "counterexample", "values", "detail")}
    except _Unencodable:
        return None
    return payload if _verdict_from(payload) == verdict else None


def _verdict_from(payload):
    if payload is None:
        return None
    try:
        return Verdict(**{name: _decode(value) for name, value in payload.items()})
    except Exception:                              # whatever a damaged entry holds
        return None


def _encode(value):
    if value is None or isinstance(value, (bool, str)) or type(value) is int:
        return value
    if isinstance(value, float):
        return {"float": repr(value)}
    if isinstance(value, (tuple, list)):
        return {type(value).__name__: [_encode(v) for v in value]}
    if isinstance(value, dict) and all(isinstance(k, str) for k in value):
        return {"dict": [[k, _encode(v)] for k, v in value.items()]}
    if isinstance(value, sp.Basic):
        return {"sympy": sp.srepr(value)}
    raise _Unencodable(type(value).__name__)


def _decode(value):
    if not isinstance(value, dict):
        return value
    (kind, data), = value.items()
    if kind == "float":
        return float(data)
    if kind in ("tuple", "list"):
        return {"tuple": tuple, "list": list}[kind](_decode(v) for v in data)
    if kind == "dict":
        return {k: _decode(v) for k, v in data}
    if kind == "sympy":
        return _read_srepr(data)
    raise ValueError(f"unknown value kind {kind!r}")


def _read_srepr(text: str):
    """A SymPy object from its ``srepr``, evaluating nothing but SymPy constructors applied to
    literals (a cache file is data: no ``eval``)."""
    return _build(ast.parse(text, mode="eval").body)


@functools.lru_cache(maxsize=1)
def _sympy_classes() -> dict:
    """Every SymPy class by name (``MatrixElement`` is not in the top namespace)."""
    found, todo = {}, [sp.Basic]
    while todo:
        cls = todo.pop()
        for sub in cls.__subclasses__():
            if (sub.__module__ or "").startswith("sympy.") and sub.__name__ not in found:
                found[sub.__name__] = sub
                todo.append(sub)
    return found


def _build(node):
    if isinstance(node, ast.Constant):
        return node.value
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub) and isinstance(node.operand, ast.Constant):
        return -node.operand.value
    if isinstance(node, (ast.List, ast.Tuple)):
        items = [_build(e) for e in node.elts]
        return items if isinstance(node, ast.List) else tuple(items)
    if isinstance(node, ast.Name):
        found = getattr(sp, node.id, None) or _sympy_classes().get(node.id)
        if isinstance(found, sp.Basic) or (isinstance(found, type) and issubclass(found, sp.Basic)):
            return found
        raise ValueError(f"{node.id} is not a SymPy class or constant")
    if isinstance(node, ast.Call):
        function = _build(node.func)
        if not (isinstance(function, type) and issubclass(function, sp.Basic)) \
                and not isinstance(function, sp.FunctionClass):
            raise ValueError("only SymPy constructors may be called")
        kwargs = {k.arg: _build(k.value) for k in node.keywords if k.arg is not None}
        return function(*[_build(a) for a in node.args], **kwargs)
    raise ValueError(f"unexpected {type(node).__name__} in a stored expression")
