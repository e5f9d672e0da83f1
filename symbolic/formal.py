"""Integrals of undefined functions, rewritten only by linearity.

SymPy's ``Integral`` tries to integrate whatever it holds; over undefined
densities ``p(x)``, ``q(z)`` that attempt can run for minutes and proves nothing.
A :class:`FormalIntegral` is never integrated.  Its ``doit`` evaluates the
integrand (derivatives inside it) and splits the integral over sums, pulling out
factors free of the integration variables; ``expand`` does the same.  That is
linearity, valid for integrable terms -- an assumption every derivation that
uses it states.  SymPy's own ``Derivative(...).doit()`` differentiates it under
the integral sign (the Leibniz rule), valid under a domination assumption that
the caller must state too.

Examples
--------
>>> import sympy as sp
>>> z, t = sp.symbols('z t', real=True)
>>> g = sp.Function('g')(z)
>>> I = lambda e: FormalIntegral(e, (z, -sp.oo, sp.oo))
>>> I(t * g + 2 * g**2).doit() == t * I(g) + 2 * I(g**2)
True
>>> sp.expand(I(t * g + g**2)) == t * I(g) + I(g**2)
True
>>> product = I(g * sp.Function('h')(z))
>>> product.doit() == product      # a product of z-dependent factors is not split
True
"""
from __future__ import annotations

import sympy as sp

__all__ = ["FormalIntegral"]


class FormalIntegral(sp.Integral):
    """An integral that is never evaluated, only rewritten by linearity (see the module)."""

    def _split(self, integrand):
        bound = {limit[0] for limit in self.limits}
        out = sp.S.Zero
        for term in sp.Add.make_args(sp.expand(integrand)):
            const, dependent = [], []
            for factor in sp.Mul.make_args(term):
                # free_symbols, not has(): a nested integral over the same variable is a constant
                (dependent if factor.free_symbols & bound else const).append(factor)
            out += sp.Mul(*const) * self.func(sp.Mul(*dependent), *self.limits)
        return out

    def doit(self, **hints):
        integrand = self.function.doit(**hints) if hints.get("deep", True) else self.function
        return self._split(integrand)

    def _eval_expand_basic(self, **hints):
        return self._split(self.function)
