"""AR-1: MADE masks, the connectivity M = M_V M_W, its triangularity and its path counts.

The problem is declared once, as :data:`SPEC`: its parameters (:class:`Params`, the worked
example's network), the objects its sections share (:func:`setup`), and its sections in
reading order.  The **main** sections answer the homework: the notation, the claim (a) as
stated with its smallest counterexample, the corrected claim (M strictly lower triangular in
the homework's out x in layout, M^T strictly upper), and (b) the path count.  The
**appendix** holds the extensions (any number of hidden layers, any masks, any variable
order), the worked example and the independent checks.  The mathematics comes from
:mod:`symbolic.made`; every sentence from ``proofs/text/made_masks.{en,ru}.toml``.

The worked example is chosen by ``--m``, ``--hidden`` (widths, degrees drawn from
``--seed``) or ``--degrees`` (explicit), and ``--order``; the generic proofs do not depend on it.

>>> from proofs.problem import options_for
>>> import proofs.made_masks as ar1
>>> d = ar1.build(options_for(ar1, m=3, degrees=((1, 2),)))
>>> d.id, [sec.part for sec in d.sections].count("main"), d.results["example"]["M"]
('made-masks', 4, [[0, 0, 0], [1, 0, 0], [2, 1, 0]])
"""
from __future__ import annotations

import argparse
from dataclasses import dataclass

import numpy as np
import sympy as sp

from symbolic import made
from symbolic.derivation import Assumption, Claim, CrossCheck, Exhibit, Goal, Section, Step
from symbolic.text import say

from .problem import Figure, Option, int_in, int_list_in, seed_option
from .spec import Spec, assemble, catalogue, in_range

__all__ = ["ID", "TITLE", "QUESTION", "OPTIONS", "Params", "SPEC", "params_from", "validate", "build",
           "figures", "degree_layers"]

ID = "made-masks"
T = catalogue("made_masks")
TITLE = T("title")
QUESTION = T("question")
DEFAULT_WIDTHS = (5,)

MAX_M = 48            # the worked example is checked as exact m x m integer matrices
MAX_LAYERS = 4
MAX_WIDTH = 64
DISPLAY_LIMIT = 12    # matrices with more rows or columns are not printed


def degree_layers(text: str) -> tuple:
    """argparse type: hidden degrees, layers separated by ``/``, e.g. ``1,2,3/2,2``
    (1 to 4 layers of 1 to 64 degrees, each from 1 to 47; ``--m`` bounds them further).

    >>> degree_layers("1,2,3/2,2")
    ((1, 2, 3), (2, 2))
    """
    layers = str(text).split("/")
    if len(layers) > MAX_LAYERS:
        raise argparse.ArgumentTypeError(f"expected 1 to {MAX_LAYERS} layers of degrees, got {len(layers)}")
    parse = int_list_in(MAX_WIDTH, 1, MAX_M - 1, what="degrees in a layer")
    try:
        return tuple(parse(layer) for layer in layers)
    except argparse.ArgumentTypeError as exc:
        raise argparse.ArgumentTypeError(
            f"expected degrees like 1,2,3 or 1,2,3/2,3 (layers separated by /): {exc}") from None


degree_layers.range = (f"1 to {MAX_LAYERS} layers of 1 to {MAX_WIDTH} degrees, each from 1 to m - 1")


OPTIONS = (
    Option(("--m",), dict(type=int_in(2, MAX_M), default=4, metavar="M",
                          help="number of inputs of the worked example (default 4)")),
    Option(("--hidden",), dict(type=int_list_in(MAX_LAYERS, 1, MAX_WIDTH, what="widths"), default=None,
                               metavar="H[,H2,...]",
                               help="hidden-layer widths of the example (default 5); "
                                    "degrees drawn from --seed")),
    Option(("--degrees",), dict(type=degree_layers, default=None, metavar="D,D,.../D,...",
                                help="explicit hidden degrees in 1..m-1, layers separated by /")),
    Option(("--order",), dict(type=int_list_in(MAX_M, 1, MAX_M, what="values"), default=None,
                              metavar="PERM",
                              help="variable order, a comma-separated permutation of 1..m (default natural)")),
    seed_option,
)


# --------------------------------------------------------------------------- parameters

@dataclass(frozen=True)
class Params:
    """The worked example's network: ``m`` inputs, hidden ``degrees`` per layer, an ``order``
    (``None``: natural).  Validated here, once, with one-line messages.

    >>> Params(3, ((1, 2),)).degrees
    ((1, 2),)
    >>> Params(3, ((1, 3),))
    Traceback (most recent call last):
    ...
    ValueError: hidden layer 1, unit 2 has degree 3; degrees must lie in 1..m-1 = 1..2
    """

    m: int = 4
    degrees: tuple = ((2, 2, 1, 2, 3),)          # sample_degrees(4, (5,), seed=0)
    order: tuple | None = None

    def __post_init__(self):
        in_range("m", self.m, 2, MAX_M)
        in_range("the number of hidden layers", len(self.degrees), 1, MAX_LAYERS)
        for l, layer in enumerate(self.degrees, 1):
            in_range(f"the width of hidden layer {l}", len(layer), 1, MAX_WIDTH)
        object.__setattr__(self, "degrees", tuple(tuple(layer) for layer in self.degrees))
        if self.order is not None:
            object.__setattr__(self, "order", tuple(self.order))
        made.masks(self.m, self.degrees, self.order)   # degrees in 1..m-1, order a permutation


def params_from(options) -> Params:
    """The :class:`Params` the command-line ``options`` describe; ``ValueError`` on bad input.

    >>> params_from(argparse.Namespace(m=3, hidden=None, degrees=((1, 2),), order=(2, 1, 3), seed=0))
    Params(m=3, degrees=((1, 2),), order=(2, 1, 3))
    >>> options = argparse.Namespace(m=3, hidden=(2,), degrees=None, order=None, seed=0)
    >>> params_from(options).degrees == tuple(map(tuple, made.sample_degrees(3, (2,), seed=0)))
    True
    """
    if options.degrees is not None:
        widths = tuple(len(layer) for layer in options.degrees)
        if options.hidden is not None and tuple(options.hidden) != widths:
            raise ValueError(f"--hidden {','.join(map(str, options.hidden))} does not match the widths "
                             f"{','.join(map(str, widths))} of --degrees")
        degrees = options.degrees
    else:
        widths = tuple(options.hidden) if options.hidden is not None else DEFAULT_WIDTHS
        if not widths or min(widths) < 1:
            raise ValueError(f"--hidden widths must be positive, got {','.join(map(str, widths))}")
        in_range("m", options.m, 2, MAX_M)
        degrees = made.sample_degrees(options.m, widths, seed=options.seed)
    return Params(options.m, tuple(tuple(layer) for layer in degrees), options.order)


def validate(options):
    """The example's options together (degrees within 1..m-1, the order a permutation of
    1..m, ...), before anything is built."""
    params_from(options)


# --------------------------------------------------------------------------- what the sections share

@dataclass(frozen=True)
class Context:
    """The parameters and the mathematics every section reads."""

    params: Params
    s: made.EntrySymbols          # i, j, k, h, t and the hidden degrees mu_k
    cx: dict                      # the smallest counterexample to claim (a) as stated
    facts: dict                   # exhaustive facts over small networks
    ex: dict                      # the worked example's exact matrices


def setup(params: Params) -> Context:
    return Context(params, made.entry_symbols(), made.smallest_counterexample(),
                   made.small_network_facts(4, 3), made.example_network(params.m, params.degrees, params.order))


def _cx_values(cx) -> dict:
    """The counterexample as catalogue values: m, h, mu, i, j, value."""
    i, j = cx["entry"]
    return dict(m=cx["m"], h=cx["h"], mu=cx["degrees"][0], i=i, j=j, value=cx["value"])


# --------------------------------------------------------------------------- main sections

def setting(c: Context) -> Section:
    """The notation: degrees, masks as brackets, the graph and the path count N_ij."""
    return Section(T("sec_setting"), notes=(T("note_setting"), T("note_graph")),
                   assumptions=(Assumption(T("assume_degrees")),))


def claim_as_stated(c: Context) -> Section:
    """Claim (a) as the homework states it, checked and refuted by the smallest network."""
    entry, cases = made.claim_as_stated(max_m=4)
    W, V, M = made.counterexample_masks(c.cx)
    values = _cx_values(c.cx)
    i, j = c.cx["entry"]
    product_tex = r"M = M_V M_W = " + sp.latex(V, mat_delim="(") + sp.latex(W, mat_delim="(")
    return Section(T("sec_claim"), claims=[Claim(T("claim_a", max_m=4), entry, 0, cases=cases)], steps=[
        Step(sp.ImmutableMatrix(V * W), M, T("cx_product", **values), lhs_tex=product_tex),
        Step(sp.matrices.expressions.matexpr.MatrixElement(sp.MatMul(V, W), i - 1, j - 1), c.cx["value"],
             T("cx_entry", **values), lhs_tex=f"M_{{{i}{j}}}"),
    ], results={"counterexample": c.cx})


def corrected(c: Context) -> Section:
    """M_ij as a sum of brackets; zero on and above the diagonal; M^T strictly upper."""
    s = c.s
    products, closed = made.entry_as_products(s), made.entry_closed_form(s)
    return Section(T("sec_corrected"), steps=[
        Step(products, closed, T("entry_product"),
             lhs_tex=r"M_{ij} = \sum_{k=1}^{h} (M_V)_{ik} (M_W)_{kj} = \sum_{k=1}^{h} [\mu_k < i]\,[j \le \mu_k]",
             rhs_tex=r"\sum_{k=1}^{h} [j \le \mu_k < i]"),
        Step(made.entry_on_or_above_diagonal(s), 0, T("entry_above"),
             lhs_tex=r"M_{ij}\big|_{i = j - t} = \sum_{k=1}^{h} [j \le \mu_k < j - t]"),
        Step(made.transposed_entry_on_or_below_diagonal(s), 0, T("entry_transposed"),
             lhs_tex=r"(M^{T})_{ij}\big|_{j = i - t} = \sum_{k=1}^{h} [i \le \mu_k < i - t]"),
    ], goals=[Goal(products, closed)], notes=[T("note_orientation")],
        answers=[T("answer_a_false", **_cx_values(c.cx)), T("answer_a_true")],
        results={"closed_form": closed})


def path_count(c: Context) -> Section:
    """(b): each term of the product is the indicator of one path x_j -> k -> xhat_i."""
    indicator, product, cases = made.edge_pair_indicator()
    return Section(T("sec_paths"), steps=[
        Step(indicator, product, T("edge_pair"), cases=cases,
             lhs_tex=r"[(M_V)_{ik} = 1 \wedge (M_W)_{kj} = 1]", rhs_tex=r"(M_V)_{ik}\,(M_W)_{kj}"),
    ], notes=[T("note_paths")], answers=[T("answer_b")])


# --------------------------------------------------------------------------- appendix sections

def more_layers(c: Context) -> Section:
    """Any number L of hidden layers: the induction, then L = 1, 2, 3 exhaustively."""
    induct, lifted = made.layer_induction()
    steps = [
        Step(induct, lifted, T("layers_induction"), lhs_tex=r"c_{l+1}(k,j)",
             rhs_tex=r"\sum_{k'=1}^{h_l} [j \le \mu^{(l+1)}_k]\,[\mu^{(l)}_{k'} \le \mu^{(l+1)}_k]\,"
                     r"[j \le \mu^{(l)}_{k'}]\, g(k',j)"),
        Step(made.output_layer_on_or_above_diagonal(), 0, T("layers_output"),
             lhs_tex=r"M_{ij}\big|_{i = j - t} = \sum_{k=1}^{h_L} [\mu^{(L)}_k < j - t]\,"
                     r"[j \le \mu^{(L)}_k]\, g(k,j)"),
    ]
    for layers in (1, 2, 3):
        net = made.layered_network(layers)
        n = len(net["cases"])
        steps.append(Step(net["product"], net["closed"],
                          T("layers_product", layers=layers, cases=n, degrees=net["degrees"]),
                          cases=net["cases"], heading=T("head_layers_explicit") if layers == 1 else None,
                          lhs_tex=" ".join(reversed(_mask_names(layers))),
                          rhs_tex=r"\Big(\sum_{j \le d_1 \le \dots \le d_L < i} \prod_l n_l(d_l)\Big)_{ij}"))
        steps.append(Step(net["upper"], sp.zeros(3, 3), T("layers_zero", layers=layers, cases=n),
                          cases=net["cases"], lhs_tex=r"\big(M_{ij}\big)_{i \le j}", rhs_tex="0"))
    return Section(T("sec_layers"), part="appendix", steps=steps)


def generic_paths(c: Context) -> Section:
    """(b) for any masks: products of generic edge matrices are path sums; 0/1 edges count."""
    steps = []
    for layers in (1, 2, 3):
        A = made.edge_matrices(2, [2] * layers)
        steps.append(Step(made.mask_product(A), made.path_sums(A),
                          T("paths_generic", layers=layers, paths=2 ** layers),
                          lhs_tex=" ".join(f"A_{{{l}}}" for l in range(layers + 1, 0, -1)),
                          rhs_tex=r"\Big(\sum_{x_j \to k_1 \to \dots \to k_L \to \hat x_i} "
                                  r"\prod_{e} a_e\Big)_{ij}"))
    sums, extended = made.path_sum_induction()
    steps.append(Step(sums, extended, T("paths_induction"), lhs_tex="S_4", rhs_tex="A_4 S_3"))
    products, indicators, cases = made.path_indicators()
    steps.append(Step(products, indicators, T("paths_01"), cases=cases, heading=T("head_paths_01"),
                      lhs_tex=r"\big(a_1 a_2,\ a_1 a_2 a_3,\ a_1 a_2 a_3 a_4\big)",
                      rhs_tex=r"\big([a_1 = a_2 = 1],\ [a_1 = a_2 = a_3 = 1],\ "
                              r"[a_1 = \dots = a_4 = 1]\big)"))
    return Section(T("sec_generic_paths"), part="appendix", steps=steps)


def any_order(c: Context) -> Section:
    """Every variable order is the natural one relabelled (all 6 orders of m = 3)."""
    left, right = made.reordered_connectivity(3)
    return Section(T("sec_order"), part="appendix", steps=[
        Step(left, right, T("order_reordered"),
             lhs_tex=r"\big(P_\pi M^{\pi} P_\pi^{T}\big)_{\pi \in S_3}",
             rhs_tex=r"\big(M^{\mathrm{id}}\big)_{\pi \in S_3}")])


def _mask_names(layers: int) -> list[str]:
    return ["M_W", "M_V"] if layers == 1 else [f"M^{{({l})}}" for l in range(1, layers + 2)]


def _degrees_text(degrees) -> str:
    return " / ".join(",".join(str(d) for d in layer) for layer in degrees)


def _closed_form_tex(layers: int, natural: bool) -> str:
    """The closed form as a person writes it; an order replaces j and i by their positions."""
    lo, hi = ("j", "i") if natural else (r"\pi^{-1}(j)", r"\pi^{-1}(i)")
    if layers == 1:
        return rf"\Big(\sum_{{k=1}}^{{h}} [{lo} \le \mu_k < {hi}]\Big)_{{ij}}"
    return (rf"\big(\#\{{(k_1, \dots, k_L) : {lo} \le \mu^{{(1)}}_{{k_1}} \le \dots \le "
            rf"\mu^{{(L)}}_{{k_L}} < {hi}\}}\big)_{{ij}}")


def _example_steps(c: Context, shown: bool, natural: bool) -> list[Step]:
    ex, p = c.ex, c.params
    names = _mask_names(len(p.degrees))
    steps = [
        Step(made.mask_product(ex["masks"]), ex["M"], T("ex_product"),
             lhs_tex=" ".join(reversed(names)), rhs_tex=None if shown else "M"),
        Step(ex["paths"], ex["M"], T("ex_paths"), lhs_tex="N", rhs_tex="M"),
        Step(ex["closed"], ex["M"], T("ex_closed"), lhs_tex=_closed_form_tex(len(p.degrees), natural),
             rhs_tex="M"),
        Step(ex["reordered"], ex["lower"], T("ex_lower" if natural else "ex_lower_order"),
             lhs_tex="M" if natural else r"P_\pi M P_\pi^{T}",
             rhs_tex=None if shown else (r"\big(M_{ij}\,[i > j]\big)_{ij}" if natural else
                                         r"\big((P_\pi M P_\pi^{T})_{ij}\,[i > j]\big)_{ij}")),
    ]
    if not natural:
        steps.append(Step(ex["reordered"], ex["natural"], T("ex_natural"),
                          lhs_tex=r"P_\pi M P_\pi^{T}", rhs_tex=r"M^{\mathrm{id}}"))
    return steps


def _example_exhibits(c: Context) -> list[Exhibit]:
    ex = c.ex
    names = _mask_names(len(c.params.degrees))
    out = [Exhibit(name, a, T("exhibit_mask", name=name)) for name, a in zip(names, ex["masks"])]
    # M itself, and M reordered by the order, are shown by the steps
    return out + [Exhibit("N", ex["paths"], T("exhibit_paths"))]


def worked_example(c: Context) -> Section:
    """The chosen network: product, graph walk and closed form agree; M strictly lower."""
    ex = c.ex
    natural = ex["order"] == tuple(range(1, c.params.m + 1))
    shown = max(max(a.shape) for a in ex["masks"]) <= DISPLAY_LIMIT
    as_int = lambda a: [[int(v) for v in row] for row in a.tolist()]       # noqa: E731
    result = {"m": c.params.m, "hidden_degrees": [list(layer) for layer in c.params.degrees],
              "order": list(ex["order"]), "M": as_int(ex["M"]), "paths": as_int(ex["paths"])}
    p = c.params
    values = dict(m=p.m, widths=",".join(str(len(layer)) for layer in p.degrees),
                  degrees=_degrees_text(p.degrees), order=",".join(map(str, ex["order"])))
    heading = T("example_heading" if natural else "example_heading_order", **values)
    return Section(heading, part="appendix", steps=_example_steps(c, shown, natural),
                   exhibits=_example_exhibits(c) if shown else (), results={"example": result})


def _cross_checks(c: Context) -> tuple[CrossCheck, ...]:
    """What the results were compared with, by routes that share no code with the product."""
    facts, ex, n = c.facts, c.ex, c.facts["networks"]
    example_ok = ex["paths"] == ex["M"] and ex["closed"] == ex["M"]
    lower_ok = facts["out_x_in_lower"] and facts["in_x_out_upper"]
    values = _cx_values(c.cx)
    return (
        CrossCheck(T("check_all_what", networks=n), T("check_all_against"),
                   T("check_all_same" if facts["paths"] else "check_all_differ"), facts["paths"]),
        CrossCheck(T("check_lower_what", networks=n), T("check_lower_against"),
                   T("check_lower_ok" if lower_ok else "check_lower_bad"), lower_ok),
        CrossCheck(T("check_claim_what"), T("check_claim_against"),
                   T("check_claim_outcome", m=values["m"], h=values["h"], i=values["i"], j=values["j"]),
                   not facts["claim_a_as_stated"]),
        CrossCheck(T("check_example_what"), T("check_example_against"),
                   T("check_example_same" if example_ok else "check_example_differ"), bool(example_ok)),
    )


def checks(c: Context) -> Section:
    """The closed form in general, and the exhaustive enumeration behind the results."""
    facts = c.facts
    results = {"claim_a_as_stated": facts["claim_a_as_stated"],
               "claim_a_out_x_in_lower": facts["out_x_in_lower"],
               "claim_a_in_x_out_upper": facts["in_x_out_upper"],
               "claim_b_paths": facts["paths"], "networks_enumerated": facts["networks"]}
    return Section(T("sec_checks"), part="appendix", cross_checks=_cross_checks(c), results=results,
                   notes=(T("note_closed_form"), T("note_enumeration", networks=facts["networks"])))


SPEC = Spec(ID, T, Params, setup=setup, sections=(
    setting, claim_as_stated, corrected, path_count,                    # main: what the homework asks
    more_layers, generic_paths, any_order, worked_example, checks))     # appendix


def build(options):
    """The AR-1 derivation for the example network the options describe.

    >>> d = build(argparse.Namespace(m=3, hidden=None, degrees=((1, 2),), order=None, seed=0))
    >>> d.id, d.results["example"]["M"]
    ('made-masks', [[0, 0, 0], [1, 0, 0], [2, 1, 0]])
    """
    return assemble(SPEC, params_from(options))


# --------------------------------------------------------------------------- the figure

FIGURE_WIDTH_IN = 5.8      # the report includes figures at 0.92 \linewidth = 5.8 in: drawn at print size
FONT_PT = 8                # the smallest font of the figure at print size


def _panel_labels(layers: int, lang: str) -> list[tuple[str, str, str]]:
    """(title, x label, y label) of each panel, in ``lang``: the masks first layer first, then M."""
    unit = [say(T("fig_input"), lang)] + [
        say(T("fig_hidden"), lang) if layers == 1 else say(T("fig_unit", layer=l), lang)
        for l in range(1, layers + 1)] + [say(T("fig_output"), lang)]
    names = _mask_names(layers)
    panels = [(say(T("fig_title_mask", name=name), lang), unit[l], unit[l + 1]) for l, name in enumerate(names)]
    return panels + [(say(T("fig_title_M"), lang), unit[0], unit[-1])]


def heatmaps(mats, panels):
    """The matplotlib figure: one heat map per matrix, numbers in the cells where legible.

    ``panels`` are (title, x label, y label); every text is at least :data:`FONT_PT` points
    at the print width :data:`FIGURE_WIDTH_IN`."""
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    small = max(max(a.shape) for a in mats) <= DISPLAY_LIMIT
    fig, axes = plt.subplots(1, len(mats), figsize=(FIGURE_WIDTH_IN, 2.6 if small else 2.4),
                             gridspec_kw=dict(width_ratios=[a.shape[1] for a in mats]), squeeze=False)
    for ax, a, (title, xlabel, ylabel) in zip(axes[0], mats, panels):
        rows, cols = a.shape               # cell (r, c) drawn at (c + 1, r + 1): 1-based like the maths
        ax.imshow(a.astype(float), cmap="Blues", vmin=0, vmax=max(1, int(a.max())) * 1.4,
                  interpolation="nearest", extent=(0.5, cols + 0.5, rows + 0.5, 0.5))
        for r, c in zip(*np.nonzero(np.ones(a.shape, dtype=bool))) if small else ():
            ax.text(c + 1, r + 1, str(int(a[r, c])), ha="center", va="center", fontsize=FONT_PT,
                    color="black" if a[r, c] else "0.6")
        ax.set_title(title, fontsize=FONT_PT + 1)
        ax.set_xlabel(xlabel, fontsize=FONT_PT)
        ax.set_ylabel(ylabel, fontsize=FONT_PT)
        ticks = lambda n: range(1, n + 1) if small else sorted({1, n})          # noqa: E731
        ax.set_xticks(list(ticks(cols)), [str(x) for x in ticks(cols)], fontsize=FONT_PT)
        ax.set_yticks(list(ticks(rows)), [str(x) for x in ticks(rows)], fontsize=FONT_PT)
    fig.tight_layout(w_pad=0.8)
    return fig


def _draw(stem, mats, panels):
    import matplotlib.pyplot as plt
    fig = heatmaps(mats, panels)
    fig.savefig(stem + ".pdf", metadata={"CreationDate": None, "ModDate": None})
    fig.savefig(stem + ".png", dpi=150, metadata={"Software": None})
    plt.close(fig)


def figures(options, lang: str = "en"):
    """One figure: heat maps of the masks and of M, the path counts written in the cells;
    labels, titles and the caption in ``lang``."""
    p = params_from(options)
    ex = made.example_network(p.m, p.degrees, p.order)
    mats = [np.array(a.tolist(), dtype=np.int64) for a in ex["masks"] + [ex["M"]]]
    panels = _panel_labels(len(p.degrees), lang)
    caption = (T("fig_caption", m=p.m, degrees=_degrees_text(p.degrees)) if p.order is None else
               T("fig_caption_order", m=p.m, degrees=_degrees_text(p.degrees), order=",".join(map(str, p.order))))
    return (Figure("made-masks", caption, lambda stem: _draw(stem, mats, panels)),)
