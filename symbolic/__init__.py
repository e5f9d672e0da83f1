"""dgm-proofs' library: the verification ladder, derivations, LaTeX, and the mathematics
of each homework topic.  Nothing here prints or writes files.

>>> import sympy as sp
>>> from symbolic import verify
>>> a, b = sp.symbols('a b', positive=True)
>>> verify(sp.log(a * b), sp.log(a) + sp.log(b)).status
'proved'
"""
import importlib

__all__ = ["Verdict", "verify", "Assumption", "CheckedDerivation", "Claim", "CrossCheck", "Derivation",
           "Exhibit", "Goal", "Step"]
__version__ = "0.1.0"

# loaded on first use (PEP 562), so that light modules such as symbolic.store load without SymPy
_HOME = {"Verdict": "check", "verify": "check"}


def __getattr__(name):
    if name in __all__:
        return getattr(importlib.import_module(f".{_HOME.get(name, 'derivation')}", __name__), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
