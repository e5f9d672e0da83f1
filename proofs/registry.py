"""The problems, in the homework's order, and how to find them by id."""
from __future__ import annotations

import importlib

# module names under proofs/, in the order of the homework (AR-1, AR-2, LV-1, LV-2, LV-3)
MODULES = (
    "output_size",
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
