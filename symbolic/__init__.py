"""dgm-proofs' library: the verification ladder, derivations, LaTeX, and the mathematics
of each homework topic.  Nothing here prints or writes files.

>>> import sympy as sp
>>> from symbolic import verify
>>> a, b = sp.symbols('a b', positive=True)
>>> verify(sp.log(a * b), sp.log(a) + sp.log(b)).status
'proved'
"""
from .check import Verdict, verify
from .derivation import (Assumption, CheckedDerivation, Claim, CrossCheck, Derivation, Exhibit, Goal,
                         Step)

__all__ = ["Verdict", "verify", "Assumption", "CheckedDerivation", "Claim", "CrossCheck", "Derivation",
           "Exhibit", "Goal", "Step"]
__version__ = "0.1.0"
