"""MADE (AR-1): degrees, masks, connectivity, path counts, and the derivation.

The lecture's algorithm for m inputs and hidden layers 1..L: input d gets the
degree ``deg(d)`` = its position in the variable order (the natural order
gives ``deg(d) = d``), hidden unit k of layer l a degree ``mu_l(k)`` in
1..m-1.  A unit connects to a unit of the next hidden layer when the degree
does not decrease (``<=``); hidden units of the last layer connect to output
d when the degree strictly increases (``mu_L(k) < deg(d)``).

Masks are 0/1 integer matrices in the ``out x in`` layout (the shape of the
weight they multiply, ``W in R^{h x m}``), first layer first.  The product
``M`` of the masks, last to first, has rows = outputs and columns = inputs;
``M[i, j]`` (1-based ``M_ij``) is the number of paths from input ``x_j`` to
output ``xhat_i`` and equals ``sum_k [j <= mu(k) < i]`` for one hidden layer:
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
from operator import index as _as_index

import numpy as np
import sympy as sp

from .derivation import Assumption, Claim, Derivation, Exhibit, Goal, Step

__all__ = ["input_degrees", "sample_degrees", "masks", "connectivity", "count_paths",
           "connectivity_closed_form", "reorder", "smallest_counterexample", "small_network_facts",
           "iverson", "made_derivation"]

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


def _permutation_matrix(order):
    m = len(order)
    return sp.ImmutableMatrix(m, m, lambda s, d: int(order[s] == d + 1))


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


def _symbolic_masks(m, widths, order=None, name="mu"):
    """Masks whose entries are Iverson brackets in degree symbols ``mu_{l,k}``."""
    deg_in = [int(v) for v in input_degrees(m, order)]
    syms = [[sp.Symbol(f"{name}_{l}{k}", integer=True, positive=True) for k in range(1, w + 1)]
            for l, w in enumerate(widths, 1)]
    deg = [deg_in] + syms
    out = [sp.ImmutableMatrix(len(deg[l + 1]), len(deg[l]),
                              lambda r, c, l=l: iverson(sp.Le(deg[l][c], deg[l + 1][r])))
           for l in range(len(syms))]
    out.append(sp.ImmutableMatrix(m, len(syms[-1]), lambda r, c: iverson(sp.Lt(syms[-1][c], deg_in[r]))))
    return out, syms


def _product(mats):
    out = mats[0]
    for mk in mats[1:]:
        out = mk * out
    return sp.ImmutableMatrix(out)


def _degree_cases(m, syms):
    flat = [s for layer in syms for s in layer]
    return [dict(zip(flat, values)) for values in itertools.product(range(1, m), repeat=len(flat))]


def _closed_form_symbolic(m, syms):
    """The degree-count closed form with symbolic degrees: n_l(d) = sum_k [mu_lk = d]."""
    counts = [[sp.Add(*[iverson(sp.Eq(s, d)) for s in layer]) for d in range(m)] for layer in syms]
    F = [[counts[0][d] * int(t <= d) for t in range(1, m + 1)] for d in range(m)]
    for n in counts[1:]:
        F = [[n[d] * sum(F[e][t] for e in range(d + 1)) for t in range(m)] for d in range(m)]
    return sp.ImmutableMatrix(m, m, lambda i, j: sum(F[d][j] for d in range(i + 1)))


def _edge_matrices(m, widths):
    sizes = [m] + list(widths) + [m]
    mats = []
    for l in range(len(sizes) - 1):
        rows, cols = sizes[l + 1], sizes[l]
        mats.append(sp.ImmutableMatrix(rows, cols, lambda r, c, l=l: sp.Symbol(f"e{l + 1}_{r + 1}{c + 1}")))
    return mats


def _path_sums(mats):
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


def _names(L):
    if L == 1:
        return ["M_W", "M_V"]
    return [f"M^{{({l})}}" for l in range(1, L + 2)]


# --------------------------------------------------------------------------- the derivation

def made_derivation(m=4, hidden_degrees=((1, 2, 3, 1, 2),), order=None, *, display_limit=12) -> Derivation:
    """AR-1 as one :class:`~symbolic.derivation.Derivation` for the example network given.

    Parameters
    ----------
    m : number of inputs of the worked example (>= 2).
    hidden_degrees : per-layer hidden degrees of the worked example.
    order : a permutation of 1..m for the example (``None``: natural order).
    display_limit : matrices with more rows or columns than this are not shown.

    Examples
    --------
    >>> d = made_derivation(3, [[1, 2]])
    >>> d.results['claim_a_as_stated'], d.results['claim_a_out_x_in_lower']
    (False, True)
    >>> d.results['counterexample']
    {'m': 2, 'h': 1, 'degrees': (1,), 'entry': (2, 1), 'value': 1}
    """
    deg_in = input_degrees(m, order)
    layers = _check_degrees(m, hidden_degrees)
    m = int(len(deg_in))
    L = len(layers)
    perm = tuple(int(v) for v in (order if order is not None else range(1, m + 1)))
    steps, exhibits = [], []

    # ---- the claim as stated, and its smallest counterexample
    i, j = sp.symbols("i j", integer=True, positive=True)
    t = sp.Symbol("t", integer=True, nonnegative=True)
    m_sym = sp.Symbol("m", integer=True, positive=True)
    mu1 = sp.Symbol("mu_1", integer=True, positive=True)
    entry_h1 = iverson(sp.Lt(mu1, i)) * iverson(sp.Le(j, mu1))      # (M_V)_{i1} (M_W)_{1j}
    claim_cases = [{m_sym: mm, mu1: d, i: ii, j: jj}
                   for mm in range(2, 5) for d in range(1, mm)
                   for ii in range(1, mm + 1) for jj in range(1, ii + 1)]
    claims = [Claim("(a) $M = M_V M_W$ is strictly upper triangular, i.e. $M_{ij} = 0$ whenever $i \\ge j$ "
                    "(rows of $M$ are the outputs, $W \\in R^{h \\times m}$); checked as stated on every "
                    "network with one hidden unit and $m \\le 4$, every entry with $i \\ge j$, "
                    "smallest first",
                    entry_h1, 0, cases=claim_cases)]
    cx = smallest_counterexample()
    cx_masks = masks(cx["m"], [cx["degrees"]])
    Wc, Vc = (sp.ImmutableMatrix(a.tolist()) for a in cx_masks)
    Mc = sp.ImmutableMatrix(connectivity(cx_masks).tolist())
    steps.append(Step(sp.ImmutableMatrix(Vc * Wc), Mc,
                      f"the smallest network: $m = {cx['m']}$, $h = {cx['h']}$, $m(1) = {cx['degrees'][0]}$; "
                      f"output 2 sees hidden unit 1 ($1 < 2$), hidden unit 1 sees input 1 ($1 \\le 1$); "
                      f"explicit product",
                      heading="(a) The claim as stated is false: the smallest counterexample",
                      lhs_tex=r"M = M_V M_W = " + sp.latex(Vc, mat_delim="(") + sp.latex(Wc, mat_delim="(")))
    steps.append(Step(sp.matrices.expressions.matexpr.MatrixElement(sp.MatMul(Vc, Wc), 1, 0), 1,
                      "so the entry $(2, 1)$, below the diagonal, is 1 and not 0: $M$ is not strictly "
                      "upper triangular in the out x in layout the homework uses",
                      lhs_tex=r"M_{21}"))

    # ---- generic one-layer proof, symbolic m, h, i, j
    h = sp.Symbol("h", integer=True, positive=True)
    k = sp.Symbol("k", integer=True, positive=True)
    mu = sp.IndexedBase("mu", integer=True, positive=True)
    term = iverson(sp.Lt(mu[k], i)) * iverson(sp.Le(j, mu[k]))
    closed = sp.Sum(iverson(sp.Le(j, mu[k]) & sp.Lt(mu[k], i)), (k, 1, h))
    steps.append(Step(sp.Sum(term, (k, 1, h)), closed,
                      "matrix product with $(M_V)_{ik} = [\\mu_k < i]$, $(M_W)_{kj} = [j \\le \\mu_k]$; "
                      "a product of brackets is the bracket of the conjunction",
                      heading="(a) Generic masks: symbolic m, h, i, j and hidden degrees in 1..m-1",
                      lhs_tex=r"M_{ij} = \sum_{k=1}^{h} (M_V)_{ik} (M_W)_{kj} = "
                              r"\sum_{k=1}^{h} [\mu_k < i]\,[j \le \mu_k]",
                      rhs_tex=r"\sum_{k=1}^{h} [j \le \mu_k < i] = \#\{k : j \le \mu_k \le i - 1\}"))
    steps.append(Step(closed.subs(i, j - t), 0,
                      "on and above the diagonal, $i \\le j$, written $i = j - t$ with $t \\ge 0$ "
                      "an integer: "
                      "$j \\le \\mu_k < j - t$ is impossible, so every bracket is 0 (SymPy's relational "
                      "simplification); hence $M$ (out x in, rows = outputs) is strictly LOWER triangular",
                      heading="(a) Corrected, out x in layout (rows = outputs): strictly lower triangular",
                      lhs_tex=r"M_{ij}\big|_{i = j - t,\ t \ge 0} = \sum_{k=1}^{h} [j \le \mu_k < j - t]"))
    closed_T = closed.xreplace({i: j, j: i})
    steps.append(Step(closed_T.subs(j, i - t), 0,
                      "in the in x out layout (rows = inputs: the transpose, as stored by several "
                      "public MADE implementations) $(M^T)_{ij} = M_{ji}$; on and below the diagonal, "
                      "$j = i - t$ with $t \\ge 0$, the bracket $[i \\le \\mu_k < i - t]$ is 0: "
                      "$M^T$ is strictly UPPER triangular",
                      heading="(a) Corrected, in x out layout (the transpose): strictly upper triangular",
                      lhs_tex=r"(M^{T})_{ij} = M_{ji}\big|_{j = i - t,\ t \ge 0} = "
                              r"\sum_{k=1}^{h} [i \le \mu_k < i - t]"))

    # ---- any number of hidden layers, by induction on the layer
    hl = sp.Symbol("h_l", integer=True, positive=True)
    kp = sp.Symbol("k'", integer=True, positive=True)
    nu = sp.Symbol("nu", integer=True, positive=True)          # mu_{l+1}(k)
    mul = sp.IndexedBase("mu_l", integer=True, positive=True)
    dfun = sp.Function("d")
    induct = sp.Sum(iverson(sp.Le(mul[kp], nu)) * iverson(sp.Le(j, mul[kp])) * dfun(kp, j), (kp, 1, hl))
    lifted = sp.Sum(iverson(sp.Le(j, nu)) * iverson(sp.Le(mul[kp], nu)) * iverson(sp.Le(j, mul[kp]))
                    * dfun(kp, j), (kp, 1, hl))
    steps.append(Step(induct, lifted,
                      "induction on the layer $l$ for $c_l(k, j)$, the number of paths from input $j$ to "
                      "unit $k$ of layer $l$: $c_1(k, j) = [j \\le \\mu_1(k)]$; if "
                      "$c_l(k', j) = [j \\le \\mu_l(k')]\\, d(k', j)$ for some $d$, then every term of "
                      "$c_{l+1}(k, j)$ carries the factor $[j \\le \\nu]$, $\\nu = \\mu_{l+1}(k)$, by "
                      "transitivity $j \\le \\mu_l(k') \\le \\nu$; as it does not depend on $k'$, "
                      "$c_{l+1}(k, j) = [j \\le \\mu_{l+1}(k)]\\, d_{l+1}(k, j)$: the hypothesis "
                      "holds for $l + 1$",
                      heading="(a) Any number L of hidden layers, by induction on the layer",
                      lhs_tex=r"c_{l+1}(k,j) = \sum_{k'=1}^{h_l} [\mu_l(k') \le \nu]\,[j \le \mu_l(k')]\,"
                              r" d(k',j)",
                      rhs_tex=r"\sum_{k'=1}^{h_l} [j \le \nu]\,[\mu_l(k') \le \nu]\,[j \le \mu_l(k')]\,"
                              r" d(k',j)"))
    hL = sp.Symbol("h_L", integer=True, positive=True)
    muL = sp.IndexedBase("mu_L", integer=True, positive=True)
    out_sum = sp.Sum(iverson(sp.Lt(muL[k], i)) * iverson(sp.Le(j, muL[k])) * dfun(k, j), (k, 1, hL))
    steps.append(Step(out_sum.subs(i, j - t), 0,
                      "the output layer: $M_{ij} = \\sum_k [\\mu_L(k) < i]\\, c_L(k, j)$ with "
                      "$c_L(k, j) = [j \\le \\mu_L(k)]\\, d(k, j)$ by the induction; for $i = j - t$, "
                      "$t \\ge 0$, every term vanishes, so $M$ is strictly lower triangular (out x in) "
                      "for every number $L$ of hidden layers",
                      lhs_tex=r"M_{ij}\big|_{i = j - t} = \sum_{k=1}^{h_L} [\mu_L(k) < j - t]\,"
                              r"[j \le \mu_L(k)]\, d(k,j)"))

    # ---- explicit L = 1, 2, 3 with symbolic degrees, exhaustive over the degrees
    for L_ in (1, 2, 3):
        sm, syms = _symbolic_masks(3, [2] * L_)
        prod = _product(sm)
        cases = _degree_cases(3, syms)
        upper = sp.ImmutableMatrix(3, 3, lambda r, c: prod[r, c] if r <= c else 0)
        steps.append(Step(prod, _closed_form_symbolic(3, syms),
                          f"$m = 3$, {L_} hidden layer{'s' if L_ > 1 else ''} of 2 units with symbolic "
                          f"degrees: the product of the bracket masks equals the degree-count closed form "
                          f"(cumulative counts $n_l(d)$ = number of units of layer $l$ with degree $d$); "
                          f"exhaustive over all {len(cases)} degree assignments (each of the {2 * L_} "
                          f"degrees 1 or 2)",
                          cases=cases,
                          heading="(a) Explicit checks, L = 1, 2, 3" if L_ == 1 else None,
                          lhs_tex=" ".join(reversed(_names(L_))),
                          rhs_tex=r"\Big(\sum_{j \le d_1 \le \dots \le d_L < i} "
                                  r"\prod_l n_l(d_l)\Big)_{ij}"))
        steps.append(Step(upper, sp.zeros(3, 3),
                          f"its entries on and above the diagonal are 0 for every one of the {len(cases)} "
                          f"degree assignments (exhaustive): strictly lower, $L = {L_}$",
                          cases=cases,
                          lhs_tex=r"\big(M_{ij}\big)_{i \le j}", rhs_tex="0"))

    # ---- (b) path counting on generic edge variables
    for L_ in (1, 2, 3):
        E = _edge_matrices(2, [2] * L_)
        steps.append(Step(_product(E), _path_sums(E),
                          f"{L_} hidden layer{'s' if L_ > 1 else ''}, $m = 2$, widths 2, every edge its own "
                          f"variable: the $(i, j)$ entry of the product is the sum, over every path "
                          f"$x_j \\to \\dots \\to \\hat x_i$ (enumerated, {2 ** L_} per entry), of the "
                          f"product of its edge variables",
                          heading="(b) Products of generic edge matrices are path sums" if L_ == 1 else None,
                          lhs_tex=" ".join(f"E_{{{l}}}" for l in range(L_ + 1, 0, -1)),
                          rhs_tex=r"\Big(\sum_{j \to k_1 \to \dots \to k_L \to i} "
                                  r"\prod_{\text{edges } e} x_e\Big)_{ij}"))
    E = _edge_matrices(2, [2, 2, 2])
    steps.append(Step(_path_sums(E), E[3] * _path_sums(E[:3]),
                      "the induction step on $L$, instance $L = 2 \\to 3$: the path sums to the outputs "
                      "are the edge variables of the last layer times the path sums to the last hidden "
                      "layer, $(E_{L+1} P_L)_{ij} = \\sum_k (E_{L+1})_{ik} (P_L)_{kj}$: every path "
                      "$j \\to i$ is a path $j \\to k$ extended by the edge $k \\to i$, each exactly once; "
                      "with the base $P_0 = E_1$ (one edge) this gives every $L$",
                      heading="(b) Any number of layers: the induction step",
                      lhs_tex=r"\Big(\sum_{j \to k_1 \to k_2 \to k_3 \to i} \prod_e x_e\Big)_{ij}",
                      rhs_tex=r"E_4 \Big(\sum_{j \to k_1 \to k_2 \to k} \prod_e x_e\Big)_{kj}"))
    xs = sp.symbols("x1:5", integer=True)
    prods = sp.ImmutableMatrix([sp.Mul(*xs[:n]) for n in (2, 3, 4)])
    alls = sp.ImmutableMatrix([iverson(sp.And(*[sp.Eq(x, 1) for x in xs[:n]])) for n in (2, 3, 4)])
    steps.append(Step(prods, alls,
                      "with 0/1 edges, the product along a path of 2, 3 or 4 edges is 1 exactly when "
                      "every edge is present: exhaustive over all 16 assignments of $x_1, \\dots, x_4$ "
                      "to 0 or 1; so each entry of the product of 0/1 masks counts the paths",
                      cases=[dict(zip(xs, v)) for v in itertools.product((0, 1), repeat=4)],
                      heading="(b) With 0/1 edges the path sum counts paths",
                      lhs_tex=r"\big(x_1 x_2,\ x_1 x_2 x_3,\ x_1 x_2 x_3 x_4\big)",
                      rhs_tex=r"\big([x_1 = x_2 = 1],\ [x_1 = \dots = x_3 = 1],\ "
                              r"[x_1 = \dots = x_4 = 1]\big)"))

    # ---- any order: reorder by the permutation
    sym_id, syms = _symbolic_masks(3, [2])
    base = _product(sym_id)
    blocks_l, blocks_r = [], []
    for p in itertools.permutations(range(1, 4)):
        P = _permutation_matrix(p)
        sm, _ = _symbolic_masks(3, [2], order=p)
        blocks_l.append(P * _product(sm) * P.T)
        blocks_r.append(base)
    steps.append(Step(sp.ImmutableMatrix(sp.Matrix.vstack(*blocks_l)),
                      sp.ImmutableMatrix(sp.Matrix.vstack(*blocks_r)),
                      "any variable order $\\pi$: with input degrees $\\deg(\\pi(s)) = s$, reordering rows "
                      "and columns by $\\pi$ turns $M^\\pi$ into the natural-order matrix with the same "
                      "hidden degrees, hence strictly lower triangular; exhaustive over all 6 permutations "
                      "of $m = 3$, with symbolic hidden degrees $\\mu_{11}, \\mu_{12}$ (the homework's case "
                      "is $\\pi = \\mathrm{id}$)",
                      heading="Any variable order (permutation)",
                      lhs_tex=r"\big(P_\pi M^{\pi} P_\pi^{T}\big)_{\pi \in S_3}",
                      rhs_tex=r"\big(M^{\mathrm{id}}\big)_{\pi \in S_3}"))

    # ---- the worked example
    mk = masks(m, [list(layer) for layer in layers], order)
    M = connectivity(mk)
    paths = count_paths(mk)
    closed_np = connectivity_closed_form(m, [list(layer) for layer in layers], order)
    Mi = sp.ImmutableMatrix(M.tolist())
    names = _names(L)
    natural_order = perm == tuple(range(1, m + 1))
    shown = max(max(a.shape) for a in mk) <= display_limit
    degrees_text = " / ".join(",".join(str(int(d)) for d in layer) for layer in layers)
    head = (f"Worked example: m = {m}, hidden widths {','.join(str(len(a)) for a in layers)}, "
            f"hidden degrees {degrees_text}, order {','.join(map(str, perm))}")
    steps.append(Step(_product([sp.ImmutableMatrix(a.tolist()) for a in mk]), Mi,
                      "the product of the masks, last to first, in exact integers",
                      heading=head, lhs_tex=" ".join(reversed(names)),
                      rhs_tex="M" if not shown else None))
    steps.append(Step(sp.ImmutableMatrix(paths.tolist()), Mi,
                      "the number of paths $x_j \\to \\dots \\to \\hat x_i$, found by walking the network "
                      "graph (no matrix product), equals $M$ entry by entry",
                      heading="Worked example: path counts by walking the graph",
                      lhs_tex=r"\big(\#\text{paths } x_j \to \hat x_i\big)_{ij}", rhs_tex="M"))
    steps.append(Step(sp.ImmutableMatrix(closed_np.tolist()), Mi,
                      "the closed form from the degrees alone (cumulative degree counts) equals $M$",
                      heading="Worked example: the closed form",
                      lhs_tex=r"\Big(\sum_{k} [\deg(j) \le \mu(k) < \deg(i)]\Big)_{ij}" if L == 1 else
                      r"\big(\#\text{chains } \deg(j) \le \mu_1 \le \dots \le \mu_L < \deg(i)\big)_{ij}",
                      rhs_tex="M"))
    PMPt = sp.ImmutableMatrix(reorder(M, perm).tolist())
    lower = sp.ImmutableMatrix(np.tril(reorder(M, perm), -1).tolist())
    steps.append(Step(PMPt, lower,
                      ("rows and columns taken in the factorisation order, " if not natural_order else "")
                      + "$M$ equals its own strictly lower part: strictly lower triangular in the out x in "
                        "layout (and $M^T$ strictly upper)",
                      heading="Worked example: strictly lower triangular",
                      lhs_tex=r"P_\pi M P_\pi^{T}" if not natural_order else "M",
                      rhs_tex=r"\operatorname{tril}_{-1}(\cdot)" if not shown else None))
    if not natural_order:
        natural = sp.ImmutableMatrix(connectivity(masks(m, [list(layer) for layer in layers])).tolist())
        steps.append(Step(PMPt, natural,
                          "and $P_\\pi M P_\\pi^T$ is the natural-order connectivity with the same "
                          "hidden degrees",
                          lhs_tex=r"P_\pi M P_\pi^{T}", rhs_tex=r"M^{\mathrm{id}}"))

    if shown:
        for name, a in zip(names, mk):
            exhibits.append(Exhibit(name, sp.ImmutableMatrix(a.tolist()),
                                    f"mask ${name}$ (out x in: rows are the receiving units)"))
        exhibits.append(Exhibit(r"M = " + " ".join(reversed(names)), Mi,
                                "connectivity: rows are outputs, columns inputs"))
        exhibits.append(Exhibit(r"\big(\#\text{paths } x_j \to \hat x_i\big)_{ij}",
                                sp.ImmutableMatrix(paths.tolist()), "path counts by graph walk"))
        if not natural_order:
            exhibits.append(Exhibit(r"P_\pi M P_\pi^{T}", PMPt,
                                    "rows and columns in the factorisation order"))

    facts = small_network_facts(4, 3)
    k_s = sp.Symbol("k", integer=True, positive=True)
    results = {
        "claim_a_as_stated": facts["claim_a_as_stated"],
        "claim_a_out_x_in_lower": facts["out_x_in_lower"],
        "claim_a_in_x_out_upper": facts["in_x_out_upper"],
        "claim_b_paths": facts["paths"],
        "networks_enumerated": facts["networks"],
        "closed_form": sp.Sum(iverson(sp.Le(j, mu[k_s]) & sp.Lt(mu[k_s], i)), (k_s, 1, h)),
        "counterexample": cx,
        "example": {"m": m, "hidden_degrees": [[int(d) for d in layer] for layer in layers],
                    "order": list(perm), "M": [[int(v) for v in row] for row in M.tolist()],
                    "paths": [[int(v) for v in row] for row in paths.tolist()]},
    }
    notes = (
        "The homework's claim (a) as stated is FALSE. With the shapes it gives ($W \\in R^{h \\times m}$, "
        "$V \\in R^{m \\times h}$, $M = M_V M_W$, rows of $M$ are outputs) the entry $M_{ij}$ can be "
        "non-zero "
        "only when $j < i$: $M$ is strictly LOWER triangular. It is strictly upper triangular in the "
        "input x output layout, i.e. for $M^T$ (the layout in which several public MADE implementations "
        "store "
        "masks). Smallest counterexample: $m = 2$, $h = 1$, $m(1) = 1$, where $M_{21} = 1$.",
        "Closed form: $M_{ij} = \\sum_k [j \\le m(k) < i]$, the number of hidden units $k$ with "
        "$j \\le m(k) \\le i - 1$, for one hidden layer, and the number of degree chains "
        "$j \\le m_1(k_1) \\le \\dots \\le m_L(k_L) < i$ for L "
        "layers; for an order $\\pi$, $\\deg(\\pi(s)) = s$ replaces $i, j$.",
        f"Independent checks behind the results: every one-hidden-layer network with $m \\le 4$, $h \\le 3$ "
        f"({facts['networks']} networks) enumerated in exact integers: product, graph walk and closed "
        f"form agree.",
    )
    goal_lhs = sp.Sum(term, (k, 1, h))
    return Derivation(
        title="AR-1. MADE masks: the connectivity M is strictly lower triangular (out x in) and counts paths",
        id="made-masks",
        assumptions=(Assumption("inputs numbered by their degree in the factorisation order; hidden degrees "
                                "are integers $1 \\le \\mu \\le m - 1$"),
                     Assumption("$[P]$ is the Iverson bracket: 1 if $P$ holds, else 0")),
        steps=steps, claims=claims, goals=[Goal(goal_lhs, closed)],
        results=results, notes=notes, exhibits=exhibits,
        answers=(r"M_{ij} = \sum_{k=1}^{h} [\,j \le m(k) < i\,] = \#\{k : j \le m(k) \le i - 1\}",
                 r"M = M_V M_W \text{ is strictly lower triangular; } M^{T} \text{ is strictly upper}",
                 r"\text{claim (a) as stated fails: } m = 2,\ h = 1,\ m(1) = 1,\ M_{21} = 1"),
        cross_checks=_cross_checks(facts, cx, M, paths, closed_np))


def _cross_checks(facts, cx, M, paths, closed_example):
    """What the derivation's results were compared with, by routes that share no code with it."""
    from .derivation import CrossCheck
    n = facts["networks"]
    return (
        CrossCheck(f"$M = M_V M_W$ for all {n} networks with $m \\le 4$, $h \\le 3$",
                   "path counts by walking the graph, and the closed form",
                   "identical integer matrices" if facts["paths"] else "they differ", facts["paths"]),
        CrossCheck(f"strict lower triangularity over the same {n} networks", "exact integer enumeration",
                   "every $M$ strictly lower" if facts["out_x_in_lower"] else "a counterexample exists",
                   facts["out_x_in_lower"] and facts["in_x_out_upper"]),
        CrossCheck("the homework's claim (a) as stated", "the smallest network, searched exhaustively",
                   f"fails first at $m = {cx['m']}$, $h = {cx['h']}$, entry {tuple(cx['entry'])}",
                   cx is not None and not facts["claim_a_as_stated"]),
        CrossCheck("$M$ of the worked example", "graph walk and closed form",
                   "identical" if (paths == M).all() and (closed_example == M).all() else "they differ",
                   bool((paths == M).all() and (closed_example == M).all())),
    )
