"""MADE (AR-1): degrees, masks, connectivity, path counts, and the expressions of the proofs.

The lecture's algorithm for m inputs and hidden layers 1..L: input d gets as its
degree its position in the variable order (the natural order gives d itself),
hidden unit k of layer l a degree ``mu^(l)_k`` in 1..m-1.  A unit connects to a
unit of the next hidden layer when the degree does not decrease (``<=``); hidden
units of the last layer connect to output d when the degree strictly increases
(``mu^(L)_k <`` the degree of d).  The words of the derivation built from these
expressions live in ``proofs/`` (this module has none).

Masks are 0/1 integer matrices in the ``out x in`` layout (the shape of the
weight they multiply, ``W in R^{h x m}``), first layer first.  The product
``M`` of the masks, last to first, has rows = outputs and columns = inputs;
``M[i, j]`` (1-based ``M_ij``) is the number of paths from input ``x_j`` to
output ``xhat_i`` and equals ``sum_k [j <= mu_k < i]`` for one hidden layer:
M is strictly *lower* triangular in this layout (strictly upper for ``M^T``).

Examples
--------
>>> W, V = masks(3, [[1, 2]])
>>> W.tolist(), V.tolist()
([[1, 0, 0], [1, 1, 0]], [[0, 0], [1, 0], [1, 1]])
>>> connectivity([W, V]).tolist()
[[0, 0, 0], [1, 0, 0], [2, 1, 0]]
>>> count_paths([W, V]).tolist() == connectivity_closed_form(3, [[1, 2]]).tolist()
True
"""
from __future__ import annotations

import itertools
import math
import random
from dataclasses import dataclass
from operator import index as _as_index

import numpy as np
import sympy as sp


__all__ = ["input_degrees", "sample_degrees", "masks", "connectivity", "count_paths",
           "connectivity_closed_form", "reorder", "smallest_counterexample", "small_network_facts",
           "iverson", "symbolic_masks", "mask_product", "degree_cases", "closed_form_symbolic",
           "edge_matrices", "path_sums", "permutation_matrix", "EntrySymbols", "entry_symbols",
           "entry_as_products", "entry_closed_form", "entry_on_or_above_diagonal",
           "transposed_entry_on_or_below_diagonal", "claim_as_stated", "counterexample_masks",
           "edge_pair_indicator", "layer_induction", "output_layer_on_or_above_diagonal",
           "layered_network", "path_sum_induction", "path_indicators", "reordered_connectivity",
           "example_network"]

_INT64_SAFE = 2 ** 63 - 1
_FLOAT_EXACT = 2 ** 53      # every integer up to this is exact in float64


# --------------------------------------------------------------------------- validation

def _integer(value, what):
    if isinstance(value, bool):
        raise ValueError(f"{what} must be an integer, got {value!r}")
    try:
        return _as_index(value)
    except TypeError:
        raise ValueError(f"{what} must be an integer, got {value!r}") from None


def _check_m(m) -> int:
    m = _integer(m, "m")
    if m < 2:
        raise ValueError(f"m must be at least 2 (with m = {m} no hidden degree lies in 1..m-1)")
    return m


def input_degrees(m, order=None) -> np.ndarray:
    """Degree of each input: its position (1-based) in ``order``.

    Parameters
    ----------
    m : number of inputs (>= 2).
    order : a permutation of 1..m, the order of the factorisation
        ``p(x) = p(x_{order[0]}) p(x_{order[1]} | x_{order[0]}) ...``; ``None``
        for the natural order.

    Examples
    --------
    >>> input_degrees(4).tolist()
    [1, 2, 3, 4]
    >>> input_degrees(4, order=(3, 1, 4, 2)).tolist()   # x3 first: deg(3) = 1
    [2, 4, 1, 3]
    >>> input_degrees(3, order=(1, 1, 2))
    Traceback (most recent call last):
    ...
    ValueError: order must be a permutation of 1..3, got (1, 1, 2)
    """
    m = _check_m(m)
    if order is None:
        return np.arange(1, m + 1, dtype=np.int64)
    order = tuple(_integer(v, "an order entry") for v in order)
    if sorted(order) != list(range(1, m + 1)):
        raise ValueError(f"order must be a permutation of 1..{m}, got {order}")
    deg = np.empty(m, dtype=np.int64)
    deg[np.array(order) - 1] = np.arange(1, m + 1)
    return deg


def _check_degrees(m, hidden_degrees) -> list:
    if isinstance(hidden_degrees, (str, bytes)) or not hasattr(hidden_degrees, "__iter__"):
        raise ValueError("hidden_degrees must be a list of per-layer degree lists")
    layers = [layer if hasattr(layer, "__iter__") and not isinstance(layer, (str, bytes)) else None
              for layer in hidden_degrees]
    if not layers:
        raise ValueError("need at least one hidden layer")
    out = []
    for l, layer in enumerate(layers, 1):
        if layer is None:
            raise ValueError(f"hidden layer {l} must be a list of degrees")
        arr = np.asarray(layer) if not isinstance(layer, np.ndarray) else layer
        if arr.ndim == 1 and arr.dtype.kind in "iu":       # fast path: already integers
            arr = arr.astype(np.int64)
        else:
            arr = np.array([_integer(d, f"degree of hidden layer {l}") for d in layer], dtype=np.int64)
        if arr.size == 0:
            raise ValueError(f"hidden layer {l} is empty")
        bad = np.flatnonzero((arr < 1) | (arr > m - 1))
        if bad.size:
            k = int(bad[0])
            raise ValueError(f"hidden layer {l}, unit {k + 1} has degree {int(arr[k])}; "
                             f"degrees must lie in 1..m-1 = 1..{m - 1}")
        out.append(arr)
    return out


def sample_degrees(m, widths, seed=0) -> list:
    """Hidden degrees drawn reproducibly as in the MADE paper.

    Layer 1 draws uniformly from 1..m-1, layer l from min(layer l-1)..m-1, so
    that no unit is left without an input path.

    Examples
    --------
    >>> sample_degrees(4, [5], seed=0) == sample_degrees(4, [5], seed=0)
    True
    >>> all(1 <= d <= 3 for layer in sample_degrees(4, [5, 5], seed=1) for d in layer)
    True
    """
    m = _check_m(m)
    widths = [_integer(w, "a hidden width") for w in widths]
    if not widths or min(widths) < 1:
        raise ValueError(f"hidden widths must be positive integers, got {tuple(widths)}")
    rng = random.Random(seed)
    layers, low = [], 1
    for w in widths:
        layer = [rng.randint(low, m - 1) for _ in range(w)]
        layers.append(layer)
        low = min(layer)
    return layers


# --------------------------------------------------------------------------- masks and products

def masks(m, hidden_degrees, order=None) -> list:
    """The masks, ``out x in``, first layer first (L hidden layers give L + 1 masks).

    Parameters
    ----------
    m : number of inputs (>= 2).
    hidden_degrees : per-layer lists of hidden degrees, each in 1..m-1.
    order : a permutation of 1..m (``None``: natural order).

    Examples
    --------
    >>> [mk.shape for mk in masks(4, [[1, 2, 3], [2, 2]])]
    [(3, 4), (2, 3), (4, 2)]
    >>> masks(3, [[3]])
    Traceback (most recent call last):
    ...
    ValueError: hidden layer 1, unit 1 has degree 3; degrees must lie in 1..m-1 = 1..2
    """
    deg = [input_degrees(m, order)] + _check_degrees(m, hidden_degrees)
    out = [(deg[l][None, :] <= deg[l + 1][:, None]).astype(np.int64) for l in range(len(deg) - 1)]
    return out + [(deg[-1][None, :] < deg[0][:, None]).astype(np.int64)]


def _check_masks(mask_list) -> list:
    if isinstance(mask_list, np.ndarray) or not hasattr(mask_list, "__iter__"):
        raise ValueError("mask_list must be a list of 2-D 0/1 matrices")
    out = []
    for n, mk in enumerate(mask_list, 1):
        try:
            a = np.asarray(mk)
        except ValueError:
            raise ValueError(f"mask {n} is ragged: its rows differ in length") from None
        if a.ndim != 2 or 0 in a.shape:
            raise ValueError(f"mask {n} must be a non-empty 2-D matrix, got shape {a.shape}")
        binary = (all(v == 0 or v == 1 for v in a.flat) if a.dtype.kind == "O"
                  else a.dtype.kind in "biuf" and bool(((a == 0) | (a == 1)).all()))
        if not binary:
            raise ValueError(f"mask {n} must hold only 0 and 1")
        if out and a.shape[1] != out[-1].shape[0]:
            raise ValueError(f"mask {n} has {a.shape[1]} columns but mask {n - 1} has "
                             f"{out[-1].shape[0]} rows")
        out.append(a.astype(np.int64))
    if not out:
        raise ValueError("mask_list is empty")
    return out


def _path_bound(mask_list) -> int:
    # no entry of a partial product exceeds the number of paths through all inner layers
    return math.prod(mk.shape[0] for mk in mask_list[:-1])


def connectivity(mask_list) -> np.ndarray:
    """``M = M_{L+1} ... M_2 M_1``: rows are outputs, columns inputs; exact integers.

    Parameters
    ----------
    mask_list : 0/1 matrices, ``out x in``, first layer first (as :func:`masks` returns);
        consecutive shapes must chain.

    The dense product runs in float64 BLAS when every partial sum stays below
    2**53 (then every intermediate value is an exactly represented integer),
    in int64 below 2**63, and in Python integers (object dtype) beyond.

    Examples
    --------
    >>> connectivity(masks(3, [[1, 2]])).tolist()
    [[0, 0, 0], [1, 0, 0], [2, 1, 0]]
    >>> connectivity([[[1, 0]], [[1], [1]], [[1, 1, 1]]])
    Traceback (most recent call last):
    ...
    ValueError: mask 3 has 3 columns but mask 2 has 2 rows
    """
    mask_list = _check_masks(mask_list)
    bound = _path_bound(mask_list)
    dtype = np.float64 if bound < _FLOAT_EXACT else np.int64 if bound <= _INT64_SAFE else object
    product = mask_list[0].astype(dtype)
    for mk in mask_list[1:]:
        product = mk.astype(dtype) @ product
    return product.astype(np.int64) if dtype is not object else product


def count_paths(mask_list) -> np.ndarray:
    """Number of paths ``x_j -> ... -> xhat_i`` found by walking the graph (no matrix product).

    Parameters
    ----------
    mask_list : 0/1 matrices, ``out x in``, first layer first; an edge runs from
        column c of a mask to its row r where the entry is 1.

    Each node carries a tally {input j: paths from x_j}; a node's tally is the
    sum of its predecessors' tallies, layer by layer.  Python integers, so the
    counts never overflow.

    Examples
    --------
    >>> count_paths(masks(3, [[1, 2], [2, 2]])).tolist()
    [[0, 0, 0], [0, 0, 0], [4, 2, 0]]
    """
    mask_list = _check_masks(mask_list)
    tallies = [{j: 1} for j in range(mask_list[0].shape[1])]
    for mk in mask_list:
        nxt = []
        for row in mk:
            tally = {}
            for p in np.flatnonzero(row).tolist():          # the edges p -> this node
                for j, n in tallies[p].items():
                    tally[j] = tally.get(j, 0) + n
            nxt.append(tally)
        tallies = nxt
    out = np.zeros((len(tallies), mask_list[0].shape[1]), dtype=object)
    for i, tally in enumerate(tallies):
        for j, n in tally.items():
            out[i, j] = n
    return out


def connectivity_closed_form(m, hidden_degrees, order=None) -> np.ndarray:
    """``M`` from the degrees alone, in O(L m^2): the number of degree chains.

    ``M_ij = #{(k_1..k_L): deg(j) <= mu_1(k_1) <= ... <= mu_L(k_L) < deg(i)}``
    (one layer: ``#{k : deg(j) <= mu(k) < deg(i)}``).  With n_l(d) the number
    of units of layer l of degree d, ``F_1(d, t) = n_1(d) [t <= d]``,
    ``F_l(d, t) = n_l(d) sum_{d' <= d} F_{l-1}(d', t)`` and
    ``M_ij = sum_{d < deg(i)} F_L(d, deg(j))``: cumulative sums only.

    Parameters
    ----------
    m, hidden_degrees, order : as for :func:`masks`.

    Counts are int64 when the product of the widths (the largest possible
    entry) fits, Python integers otherwise.

    Examples
    --------
    >>> connectivity_closed_form(3, [[1, 2]]).tolist()
    [[0, 0, 0], [1, 0, 0], [2, 1, 0]]
    >>> connectivity_closed_form(1, [[1]])
    Traceback (most recent call last):
    ...
    ValueError: m must be at least 2 (with m = 1 no hidden degree lies in 1..m-1)
    """
    deg_in = input_degrees(m, order)
    layers = _check_degrees(m, hidden_degrees)
    dtype = np.int64 if math.prod(len(layer) for layer in layers) <= _INT64_SAFE else object
    # n_l(d) for d = 0..m-1, as a column
    counts = [np.bincount(layer, minlength=m).astype(dtype)[:, None] for layer in layers]
    d, t = np.arange(m)[:, None], np.arange(1, m + 1)[None, :]
    F = np.where(t <= d, counts[0], 0).astype(dtype)   # F[d, t-1]; row d = 0 stays empty (no degree 0)
    for n in counts[1:]:
        np.cumsum(F, axis=0, out=F)                     # in place: O(m^2) memory, no m x m x h work
        F *= n
    np.cumsum(F, axis=0, out=F)        # F[s-1, t-1] = sum_{d <= s-1} F_L[d, t-1] = M at degrees (s, t)
    return F if order is None else F[np.ix_(deg_in - 1, deg_in - 1)]


def reorder(M, order) -> np.ndarray:
    """``P M P^T``: rows and columns of M taken in the factorisation order (1-based permutation).

    >>> reorder(np.arange(4).reshape(2, 2), (2, 1)).tolist()
    [[3, 2], [1, 0]]
    """
    idx = np.asarray(order) - 1
    return np.asarray(M)[np.ix_(idx, idx)]


# --------------------------------------------------------------------------- exhaustive facts

def _all_networks(max_m, max_h):
    """Every one-hidden-layer network with 2 <= m <= max_m, 1 <= h <= max_h, smallest first."""
    for m in range(2, max_m + 1):
        for h in range(1, max_h + 1):
            for degrees in itertools.product(range(1, m), repeat=h):
                yield m, h, degrees


def smallest_counterexample(max_m=4, max_h=3):
    """The first network (by m, then h, then degrees, then entry) where M is *not* strictly upper.

    This is the homework's claim (a) as stated (rows of M are outputs); it
    returns ``None`` only if the claim held for every network searched.

    >>> smallest_counterexample()
    {'m': 2, 'h': 1, 'degrees': (1,), 'entry': (2, 1), 'value': 1}
    """
    for m, h, degrees in _all_networks(max_m, max_h):
        M = connectivity(masks(m, [degrees]))
        for i, j in itertools.product(range(1, m + 1), repeat=2):
            if i >= j and M[i - 1, j - 1] != 0:
                return {"m": m, "h": h, "degrees": degrees, "entry": (i, j), "value": int(M[i - 1, j - 1])}
    return None


def small_network_facts(max_m=4, max_h=3) -> dict:
    """Exhaustive numeric facts over every one-hidden-layer network up to the given sizes.

    Returns booleans: whether M (out x in) is always strictly upper (the claim
    as stated), always strictly lower, whether M^T is always strictly upper,
    and whether the product always equals the graph walk and the closed form.

    >>> small_network_facts(3, 2)
    {'claim_a_as_stated': False, 'out_x_in_lower': True, 'in_x_out_upper': True, 'paths': True, 'networks': 8}
    """
    facts = dict(claim_a_as_stated=True, out_x_in_lower=True, in_x_out_upper=True, paths=True, networks=0)
    for m, h, degrees in _all_networks(max_m, max_h):
        mk = masks(m, [degrees])
        M = connectivity(mk)
        facts["networks"] += 1
        facts["claim_a_as_stated"] &= bool((np.tril(M) == 0).all())
        facts["out_x_in_lower"] &= bool((np.triu(M) == 0).all())
        facts["in_x_out_upper"] &= bool((np.tril(M.T) == 0).all())
        facts["paths"] &= bool((count_paths(mk) == M).all()
                               and (connectivity_closed_form(m, [degrees]) == M).all())
    return facts


# --------------------------------------------------------------------------- symbolic pieces

def iverson(condition):
    """The Iverson bracket ``[condition]`` as a SymPy ``Piecewise`` (1 if true, else 0).

    >>> x = sp.Symbol('x', integer=True)
    >>> iverson(x < 2).subs(x, 1), iverson(x < 2).subs(x, 5)
    (1, 0)
    """
    return sp.Piecewise((1, condition), (0, True))


def symbolic_masks(m, widths, order=None, name="mu"):
    """Masks whose entries are Iverson brackets in hidden-degree symbols ``mu^(l)_k``
    (unit k of hidden layer l), with the input degrees of ``order``; returns (masks, symbols).

    >>> (W, V), [[mu1]] = symbolic_masks(2, [1])
    >>> W.tolist(), V.tolist()      # a degree >= 1 always sees input 1, never feeds output 1
    ([[1, Piecewise((1, mu^(1)_1 >= 2), (0, True))]], [[0], [Piecewise((1, mu^(1)_1 < 2), (0, True))]])
    """
    deg_in = [int(v) for v in input_degrees(m, order)]
    syms = [[sp.Symbol(f"{name}^({l})_{k}", integer=True, positive=True) for k in range(1, w + 1)]
            for l, w in enumerate(widths, 1)]
    deg = [deg_in] + syms
    out = [sp.ImmutableMatrix(len(deg[l + 1]), len(deg[l]),
                              lambda r, c, l=l: iverson(sp.Le(deg[l][c], deg[l + 1][r])))
           for l in range(len(syms))]
    out.append(sp.ImmutableMatrix(m, len(syms[-1]), lambda r, c: iverson(sp.Lt(syms[-1][c], deg_in[r]))))
    return out, syms


def mask_product(mats):
    """The product of matrices given first layer first: ``mats[-1] ... mats[1] mats[0]``."""
    out = mats[0]
    for mk in mats[1:]:
        out = mk * out
    return sp.ImmutableMatrix(out)


def degree_cases(m, syms):
    """Every assignment of the degrees 1..m-1 to the symbols ``syms`` (per-layer lists)."""
    flat = [s for layer in syms for s in layer]
    return [dict(zip(flat, values)) for values in itertools.product(range(1, m), repeat=len(flat))]


def closed_form_symbolic(m, syms):
    """The degree-count closed form with symbolic degrees: n_l(d) = sum_k [mu_lk = d]."""
    counts = [[sp.Add(*[iverson(sp.Eq(s, d)) for s in layer]) for d in range(m)] for layer in syms]
    F = [[counts[0][d] * int(t <= d) for t in range(1, m + 1)] for d in range(m)]
    for n in counts[1:]:
        F = [[n[d] * sum(F[e][t] for e in range(d + 1)) for t in range(m)] for d in range(m)]
    return sp.ImmutableMatrix(m, m, lambda i, j: sum(F[d][j] for d in range(i + 1)))


def edge_matrices(m, widths):
    """Matrices of generic edge variables ``a{l}_{rc}`` (edge c -> r of layer l), first layer first."""
    sizes = [m] + list(widths) + [m]
    return [sp.ImmutableMatrix(sizes[l + 1], sizes[l],
                               lambda r, c, l=l: sp.Symbol(f"a{l + 1}_{r + 1}{c + 1}"))
            for l in range(len(sizes) - 1)]


def path_sums(mats):
    """Sum over every path j -> k_1 -> ... -> k_L -> i of the product of its edges (enumeration)."""
    m_out, m_in = mats[-1].rows, mats[0].cols
    inner = [range(mk.rows) for mk in mats[:-1]]

    def entry(i, j):
        total = sp.Integer(0)
        for ks in itertools.product(*inner):
            nodes = (j,) + ks + (i,)
            total += sp.Mul(*[mats[l][nodes[l + 1], nodes[l]] for l in range(len(mats))])
        return total
    return sp.ImmutableMatrix(m_out, m_in, entry)


def permutation_matrix(order):
    """``P`` with ``P[s, d] = 1`` when input d + 1 comes (s + 1)-th in ``order``."""
    m = len(order)
    return sp.ImmutableMatrix(m, m, lambda s, d: int(order[s] == d + 1))


# --------------------------------------------------------------------------- the generic proofs

@dataclass(frozen=True)
class EntrySymbols:
    """The symbols of the generic one-hidden-layer argument: output i, input j, hidden unit k
    of h, hidden degrees mu_k, and t >= 0 (i = j - t is on or above the diagonal)."""

    i: sp.Symbol
    j: sp.Symbol
    k: sp.Symbol
    h: sp.Symbol
    t: sp.Symbol
    mu: sp.IndexedBase


def entry_symbols() -> EntrySymbols:
    positive = dict(integer=True, positive=True)
    return EntrySymbols(*sp.symbols("i j k h", **positive), sp.Symbol("t", integer=True, nonnegative=True),
                        sp.IndexedBase("mu", **positive))


def entry_as_products(s: EntrySymbols):
    """``M_ij = sum_k (M_V)_ik (M_W)_kj = sum_k [mu_k < i] [j <= mu_k]``."""
    return sp.Sum(iverson(sp.Lt(s.mu[s.k], s.i)) * iverson(sp.Le(s.j, s.mu[s.k])), (s.k, 1, s.h))


def entry_closed_form(s: EntrySymbols):
    """``M_ij = sum_k [j <= mu_k < i]``, the number of hidden units with j <= mu_k <= i - 1.

    >>> s = entry_symbols()
    >>> entry_closed_form(s).subs({s.h: 2, s.i: 3, s.j: 1}).doit().subs({s.mu[1]: 1, s.mu[2]: 2})
    2
    """
    return sp.Sum(iverson(sp.Le(s.j, s.mu[s.k]) & sp.Lt(s.mu[s.k], s.i)), (s.k, 1, s.h))


def entry_on_or_above_diagonal(s: EntrySymbols):
    """``M_ij`` at ``i = j - t``, ``t >= 0``: every bracket ``[j <= mu_k < j - t]`` is 0."""
    return entry_closed_form(s).subs(s.i, s.j - s.t)


def transposed_entry_on_or_below_diagonal(s: EntrySymbols):
    """``(M^T)_ij = M_ji`` at ``j = i - t``, ``t >= 0``: ``[i <= mu_k < i - t]``, 0."""
    return entry_closed_form(s).xreplace({s.i: s.j, s.j: s.i}).subs(s.j, s.i - s.t)


def claim_as_stated(max_m=4):
    """The homework's claim (a), ``M_ij = 0`` for ``i >= j``, on every network with one hidden
    unit and ``m <= max_m``: ``(entry, cases)``, the cases smallest first."""
    i, j = sp.symbols("i j", integer=True, positive=True)
    m = sp.Symbol("m", integer=True, positive=True)
    mu1 = sp.Symbol("mu_1", integer=True, positive=True)
    entry = iverson(sp.Lt(mu1, i)) * iverson(sp.Le(j, mu1))          # (M_V)_{i1} (M_W)_{1j}
    cases = [{m: mm, mu1: d, i: ii, j: jj} for mm in range(2, max_m + 1) for d in range(1, mm)
             for ii in range(1, mm + 1) for jj in range(1, ii + 1)]
    return entry, cases


def counterexample_masks(cx):
    """``(M_W, M_V, M)`` of a counterexample found by :func:`smallest_counterexample`."""
    W, V = (sp.ImmutableMatrix(a.tolist()) for a in masks(cx["m"], [cx["degrees"]]))
    return W, V, sp.ImmutableMatrix(V * W)


def edge_pair_indicator():
    """For 0/1 entries v = (M_V)_ik and w = (M_W)_kj: ``([v = 1 and w = 1], v w, cases)``;
    the term k of M_ij is 1 exactly when both edges of the path j -> k -> i are present."""
    v, w = sp.symbols("v w")
    cases = [{v: a, w: b} for a in (0, 1) for b in (0, 1)]
    return iverson(sp.Eq(v, 1) & sp.Eq(w, 1)), v * w, cases


def layer_induction():
    """The induction on hidden layers: ``(c_{l+1} as a sum, the same sum with [j <= nu] in every term)``.  ``c_l(k', j) = [j <= mu^(l)_k'] g(k', j)`` is the hypothesis, ``nu`` the degree of
    unit k of layer l + 1; by transitivity ``j <= mu^(l)_k' <= nu`` every term carries ``[j <= nu]``."""
    j = sp.Symbol("j", integer=True, positive=True)
    kp, hl = sp.Symbol("k'", integer=True, positive=True), sp.Symbol("h_l", integer=True, positive=True)
    nu = sp.Symbol("mu^(l+1)", integer=True, positive=True)
    mul = sp.IndexedBase("mu^(l)", integer=True, positive=True)
    g = sp.Function("g")
    term = iverson(sp.Le(mul[kp], nu)) * iverson(sp.Le(j, mul[kp])) * g(kp, j)
    return sp.Sum(term, (kp, 1, hl)), sp.Sum(iverson(sp.Le(j, nu)) * term, (kp, 1, hl))


def output_layer_on_or_above_diagonal():
    """``M_ij = sum_k [mu^(L)_k < i] [j <= mu^(L)_k] g(k, j)`` at ``i = j - t``: every term is 0."""
    j, k = sp.symbols("j k", integer=True, positive=True)
    t = sp.Symbol("t", integer=True, nonnegative=True)
    hL = sp.Symbol("h_L", integer=True, positive=True)
    muL = sp.IndexedBase("mu^(L)", integer=True, positive=True)
    g = sp.Function("g")
    return sp.Sum(iverson(sp.Lt(muL[k], j - t)) * iverson(sp.Le(j, muL[k])) * g(k, j), (k, 1, hL))


def layered_network(layers, m=3, width=2) -> dict:
    """``m`` inputs and ``layers`` hidden layers of ``width`` units with symbolic degrees: the
    product of the bracket masks, the closed form, the product's entries on and above the
    diagonal, and every degree assignment (``cases``)."""
    sm, syms = symbolic_masks(m, [width] * layers)
    product = mask_product(sm)
    upper = sp.ImmutableMatrix(m, m, lambda r, c: product[r, c] if r <= c else 0)
    return dict(product=product, closed=closed_form_symbolic(m, syms), upper=upper,
                cases=degree_cases(m, syms), degrees=layers * width)


def path_sum_induction():
    """Path sums into layer 4 (the outputs of 3 hidden layers) = the last edges times the path
    sums into layer 3: ``(S_4, A_4 S_3)``."""
    E = edge_matrices(2, [2, 2, 2])
    return path_sums(E), sp.ImmutableMatrix(E[3] * path_sums(E[:3]))


def path_indicators(longest=4):
    """With 0/1 edges, the product along a path of 2..``longest`` edges is the indicator that all
    are present: ``(products, indicators, cases)``, the cases exhaustive over {0, 1}^longest."""
    a = sp.symbols(f"a1:{longest + 1}", integer=True)
    lengths = range(2, longest + 1)
    products = sp.ImmutableMatrix([sp.Mul(*a[:n]) for n in lengths])
    indicators = sp.ImmutableMatrix([iverson(sp.And(*[sp.Eq(x, 1) for x in a[:n]])) for n in lengths])
    return products, indicators, [dict(zip(a, v)) for v in itertools.product((0, 1), repeat=longest)]


def reordered_connectivity(m=3):
    """For every order pi of m inputs (one hidden layer of 2 units, symbolic degrees):
    ``(P_pi M^pi P_pi^T stacked, M^id stacked)``; equal, so every order is the natural one relabelled."""
    base = mask_product(symbolic_masks(m, [2])[0])
    left, right = [], []
    for order in itertools.permutations(range(1, m + 1)):
        P = permutation_matrix(order)
        left.append(P * mask_product(symbolic_masks(m, [2], order=order)[0]) * P.T)
        right.append(base)
    return sp.ImmutableMatrix(sp.Matrix.vstack(*left)), sp.ImmutableMatrix(sp.Matrix.vstack(*right))


def example_network(m, hidden_degrees, order=None) -> dict:
    """One concrete network, every matrix exact: its masks, ``M`` by the product, by walking the
    graph and by the closed form, ``M`` in the order's rows and columns, and (for a non-natural
    order) the natural-order ``M`` with the same hidden degrees.

    >>> ex = example_network(3, [[1, 2]])
    >>> ex["M"].tolist() == ex["paths"].tolist() == ex["closed"].tolist() == [[0, 0, 0], [1, 0, 0], [2, 1, 0]]
    True
    """
    layers = [list(layer) for layer in _check_degrees(_check_m(m), hidden_degrees)]
    mk = masks(m, layers, order)
    M = connectivity(mk)
    perm = tuple(order) if order is not None else tuple(range(1, m + 1))
    exact = lambda a: sp.ImmutableMatrix(np.asarray(a).tolist())            # noqa: E731
    return dict(masks=[exact(a) for a in mk], M=exact(M), paths=exact(count_paths(mk)),
                closed=exact(connectivity_closed_form(m, layers, order)), order=perm,
                reordered=exact(reorder(M, perm)), lower=exact(np.tril(reorder(M, perm), -1)),
                natural=exact(connectivity(masks(m, layers))), degrees=layers)
