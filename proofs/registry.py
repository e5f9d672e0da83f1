"""The problems, in the homework's order, and how to find them by id."""
from __future__ import annotations

import importlib

# module names under proofs/, in the order of the homework (AR-1, AR-2, LV-1, LV-2, LV-3)
MODULES = (
    "made_masks",
    "output_size",
    "gaussian_kl",
    "score_function",
    "alpha_divergence",
)


def problems():
    """The problem modules, in the homework's order."""
    return [importlib.import_module(f"proofs.{name}") for name in MODULES]


def by_id(ids):
    """The problem modules named by ``ids`` (all when empty); ``ValueError`` for an unknown id."""
    known = {p.ID: p for p in problems()}
    if not ids:
        return list(known.values())
    unknown = [i for i in ids if i not in known]
    if unknown:
        raise ValueError(f"unknown problem id {unknown[0]!r}; known: {', '.join(known)}")
    return [known[i] for i in dict.fromkeys(ids)]


def resolve(arguments):
    """What ``dgm-proofs run`` was asked for, in order: problem ids, and derivation scripts
    (an argument that is not an id and ends in ``.py`` or names a file; see
    :mod:`proofs.scripts`), each script giving one problem per derivation.  All the
    shipped problems when ``arguments`` is empty; ``ValueError`` for an unknown id or a
    script that cannot be loaded."""
    from .scripts import is_script, load
    known = {p.ID for p in problems()}
    chosen = []
    for argument in dict.fromkeys(arguments):
        if argument not in known and is_script(argument):
            chosen.extend(load(argument))
        else:
            chosen.extend(by_id([argument]))
    return chosen or by_id([])


_BUILT: dict = {}
_CHECKED: dict = {}


def _key(problem, options):
    """The problem and the values of its own options: the same derivation, whichever other
    problems' options the namespace also holds."""
    own = {opt.dest for opt in getattr(problem, "OPTIONS", ())} | {"seed"}
    return (getattr(problem, "KEY", problem.ID), tuple(sorted((k, getattr(options, k, None)) for k in own)))


def built(problem, options):
    """``problem.build(options)``, remembered for the life of the process (derivations are
    deterministic and immutable, so a run and a report in one process share the work)."""
    key = _key(problem, options)
    if key not in _BUILT:
        _BUILT[key] = problem.build(options)
    return _BUILT[key]


def verdict_cache(options):
    """The verdict cache of a command (:class:`symbolic.cache.VerdictCache`), or ``None`` under
    ``--no-cache``."""
    if getattr(options, "no_cache", False):
        return None
    from symbolic.cache import VerdictCache
    return VerdictCache()


def checked_all(problems, options, budget, cache=None):
    """``checked`` for several problems, decided in one batch of the checker's processes."""
    from symbolic.derivation import check_all
    todo, keys = [], set()
    for p in problems:                        # each derivation once (problems may not hash)
        key = (_key(p, options), budget)
        if key not in _CHECKED and key not in keys:
            todo.append(p)
            keys.add(key)
    if todo:
        # a generator: the checker's processes decide one derivation while the next is built
        done = check_all((built(p, options) for p in todo), budget=budget,
                         seed=getattr(options, "seed", 0) or 0, cache=cache)
        for p, result in zip(todo, done):
            _CHECKED[(_key(p, options), budget)] = result
    return [_CHECKED[(_key(p, options), budget)] for p in problems]


def checked(problem, options, budget, cache=None):
    """``built(problem, options).check(budget, cache=cache)``, remembered likewise."""
    return checked_all([problem], options, budget, cache)[0]
