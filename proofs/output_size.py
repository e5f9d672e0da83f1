"""AR-2: output-tensor sizes of a 256-way categorical vs a discretized logistic mixture.

Declared as one :class:`~proofs.spec.Spec`: the parameters (:class:`Params`), the sections
(``main``: the two output shapes and counts, and the smallest ``K`` at which the mixture's
output is larger; ``appendix``: the threshold for any number of values, free parameters,
PixelCNN++, the discretized distribution summing to one with non-negative masses, and
independent checks), and the sentences in ``proofs/text/output_size.{en,ru}.toml``.
The mathematics is :mod:`symbolic.pixels`.

>>> d = output_size_derivation(values=16)
>>> d.results["k_min"], [s.part for s in d.sections][:3]
(6, ['main', 'main', 'appendix'])
"""
from __future__ import annotations

from dataclasses import dataclass, replace

import mpmath
import sympy as sp

from symbolic import pixels
from symbolic.derivation import Assumption, CrossCheck, Exhibit, Goal, Section, Step

from .problem import Option, int_in
from .spec import Spec, assemble, catalogue, in_range

ID = "output-size"
T = catalogue("output_size")
TITLE = T("title")
MAX_VALUES = 1024        # the explicit pmf sum has one term per value: 1024 take about 12 s
MAX_SIDE = 1_000_000     # W, H, K, C: the sizes are exact integers, any of these is instant
MAX_CHANNELS = 1000
MAX_PMF_COMPONENTS = 4   # components of the explicit pmf sum (its terms grow with them)
SUM_DIGITS = 40          # the mpmath cross-check of the pmf sum ...
SUM_BOUND = 30           # ... passes when its error is below 10**-30
OPTIONS = (
    Option(("--W",), dict(type=int_in(1, MAX_SIDE), default=None, metavar="W",
                          help="image width for a numeric example (with --H and --C)")),
    Option(("--H",), dict(type=int_in(1, MAX_SIDE), default=None, metavar="H", help="image height")),
    Option(("--C",), dict(type=int_in(1, MAX_CHANNELS), default=3, metavar="C",
                          help="channels (default 3; also the PixelCNN++ threshold's C)")),
    Option(("--K",), dict(type=int_in(1, MAX_SIDE), default=None, metavar="K",
                          help="mixture components for the numeric example (default: the threshold)")),
    Option(("--values",), dict(type=int_in(2, MAX_VALUES), default=256, metavar="N",
                               help="values per subpixel (default 256)")),
)


@dataclass(frozen=True)
class Params:
    """The parameters of AR-2: ``values`` per subpixel, ``channels`` (the PixelCNN++ threshold's
    C and the example's), an optional numeric example ``width x height`` with ``components``
    (default: the threshold), and ``pmf_components`` of the explicit pmf sum."""

    values: int = 256
    channels: int = 3
    width: int | None = None
    height: int | None = None
    components: int | None = None
    pmf_components: int = 2

    def __post_init__(self):
        in_range("values", self.values, 2, MAX_VALUES)
        in_range("channels", self.channels, 1, MAX_CHANNELS)
        in_range("pmf_components", self.pmf_components, 1, MAX_PMF_COMPONENTS)
        for name in ("width", "height", "components"):
            if getattr(self, name) is not None:
                in_range(name, getattr(self, name), 1, MAX_SIDE)
        if (self.width is None) != (self.height is None):
            raise ValueError("a numeric example needs both its width and its height")
        if self.components is not None and self.width is None:
            raise ValueError("the example's number of components needs the example's width and height")

    @property
    def example(self) -> bool:
        return self.width is not None


@dataclass(frozen=True)
class Context:
    """What every section shares: the parameters and the thresholds they give."""

    params: Params
    n: sp.Integer                 # values per subpixel
    k: int                        # the smallest K at which model 2's output is larger
    k_pixelcnnpp: int             # the same for PixelCNN++ with params.channels channels

    @property
    def last(self) -> int:
        return int(self.n) - 1


def setup(params: Params) -> Context:
    return Context(params, sp.Integer(params.values), int(pixels.k_min(params.values)),
                   int(pixels.k_min_pixelcnnpp(params.channels, params.values)))


# --------------------------------------------------------------------------- main

_SUBPIXELS = r"\sum_{w=1}^{W}\sum_{h=1}^{H}\sum_{c=1}^{C}"


def categorical_count(ctx: Context) -> Step:
    """Model 1: a tensor of shape W x H x C x n, its elements counted index by index."""
    n = ctx.n
    return Step(pixels.categorical_index_count(n), pixels.numel_categorical(values=n),
                T("reason_categorical", n=n),
                lhs_tex=_SUBPIXELS + rf"\sum_{{v=1}}^{{{n}}} 1", rhs_tex=rf"{n}\,WHC")


def mixture_count(ctx: Context) -> Step:
    """Model 2: a tensor of shape W x H x C x 3K, its elements counted index by index."""
    return Step(pixels.mixture_index_count(), pixels.numel_mixture(), T("reason_mixture"),
                lhs_tex=_SUBPIXELS + r"\sum_{k=1}^{K} 3", rhs_tex=r"3K\,WHC")


def output_tensors(ctx: Context) -> Section:
    """(a) The shapes W x H x C x n and W x H x C x 3K, and their numbers of elements."""
    n = ctx.n
    steps = [categorical_count(ctx), mixture_count(ctx)]
    return Section(T("heading_tensors"), steps=steps,
                   assumptions=[Assumption(T("assume_images", n=n, last=ctx.last)),
                                Assumption(T("assume_components"))],
                   goals=[Goal(step.lhs, step.rhs) for step in steps],
                   answers=[T("answer_categorical", n=n), T("answer_mixture")],
                   results={"numel_categorical": steps[0].rhs, "numel_mixture": steps[1].rhs,
                            "shape_categorical": sp.Tuple(*pixels.shape_categorical(n)),
                            "shape_mixture": sp.Tuple(*pixels.shape_mixture())})


def threshold(ctx: Context) -> Section:
    """(b) numel_2 - numel_1 = WHC (3K - n), so model 2 is larger exactly from K = floor(n/3) + 1."""
    n, k = ctx.n, ctx.k
    W, H, C, K = pixels.W, pixels.H, pixels.C, pixels.K
    steps = [
        Step(pixels.numel_mixture() - pixels.numel_categorical(values=n), W * H * C * (3 * K - n),
             T("reason_difference", n=n), lhs_tex=rf"3K\,WHC - {n}\,WHC", rhs_tex=rf"WHC\,(3K - {n})"),
        # one chain: 3(k - 1) <= n < 3k, the smallest K read off between its two ends
        Step(sp.Integer(3 * (k - 1)), n, T("reason_not_enough", previous=k - 1, n=n),
             relation="<" if 3 * (k - 1) < n else "<=", lhs_tex=rf"3 \cdot {k - 1} = {3 * (k - 1)}"),
        Step(n, sp.Integer(3 * k), T("reason_enough", k=k), relation="<", rhs_tex=rf"{3 * k} = 3 \cdot {k}"),
    ]
    return Section(T("heading_threshold"), steps=steps, answers=[T("answer_threshold", n=n, k=k)],
                   results={"k_min": k})


def numeric_example(ctx: Context) -> Section:
    """The two sizes for the example images of the command line (``--W --H --C [--K]``)."""
    p = ctx.params
    k = p.components if p.components is not None else ctx.k
    size = dict(w=p.width, h=p.height, c=p.channels)
    exhibits = (Exhibit("N_1", pixels.numel_categorical(p.width, p.height, p.channels, p.values),
                        T("caption_categorical", n=p.values, **size)),
                Exhibit("N_2", pixels.numel_mixture(p.width, p.height, p.channels, k),
                        T("caption_mixture", k=k, width=3 * k, **size)))
    return Section(T("heading_example", **size), exhibits=exhibits)


# --------------------------------------------------------------------------- appendix

def general_threshold(ctx: Context) -> Section:
    """K_min(n) = floor(n/3) + 1 for every n, by the three residues of n modulo 3."""
    n = pixels.n
    cases = pixels.residue_cases(n, 3)
    steps = [Step(3 * pixels.k_min(n), n, T("reason_general_enough"), relation=">", cases=cases,
                  lhs_tex=r"3\,K_{\mathrm{min}}(n) = 3\left(\left\lfloor \tfrac{n}{3} \right\rfloor + 1\right)"),
             Step(3 * (pixels.k_min(n) - 1), n, T("reason_general_not_enough"), relation="<=", cases=cases,
                  lhs_tex=r"3\left(K_{\mathrm{min}}(n) - 1\right) = 3\left\lfloor \tfrac{n}{3} \right\rfloor")]
    return Section(T("heading_general"), part="appendix", steps=steps,
                   assumptions=[Assumption(T("assume_general"))], results={"k_min_general": pixels.k_min(n)})


def free_parameters(ctx: Context) -> Section:
    """Free parameters: n - 1 against 3K - 1; the difference is 3K - n again."""
    n, K = ctx.n, pixels.K
    with sp.evaluate(False):                 # the difference as written, not already collected
        difference = (3 * K - 1) - (n - 1)
    step = Step(difference, 3 * K - n, T("reason_free", n=n, k=ctx.k),
                lhs_tex=rf"(3K - 1) - ({n} - 1)")
    return Section(T("heading_free"), part="appendix", steps=[step],
                   answers=[T("answer_free", n=n, k=ctx.k)],
                   results={"free_params_categorical": int(n) - 1, "free_params_mixture": 3 * K - 1,
                            "k_min_free_params": int(pixels.k_min_free_params(int(n)))})


def pixelcnnpp(ctx: Context) -> Section:
    """PixelCNN++: K (1 + 2C + C(C-1)/2) outputs per pixel; its threshold for the given C."""
    c, n, k, K = ctx.params.channels, ctx.n, ctx.k_pixelcnnpp, pixels.K
    per_pixel = pixels.params_per_pixel_pixelcnnpp()
    per_pixel_c = per_pixel.subs(pixels.C, c)
    with sp.evaluate(False):                 # C = c put in, the arithmetic left to the step
        substituted = per_pixel.subs(pixels.C, c)
    per = per_pixel_c / K                                   # outputs per pixel and component
    steps = [
        Step(pixels.pixelcnnpp_index_count(), per_pixel, T("reason_pixelcnnpp_count"),
             lhs_tex=r"\sum_{k=1}^{K}\Big(1 + \sum_{c=1}^{C} 2 + \sum_{c=1}^{C}\sum_{c'=1}^{c-1} 1\Big)",
             rhs_tex=r"K\Big(1 + 2C + \frac{C(C - 1)}{2}\Big)"),
        Step(substituted, per_pixel_c, T("reason_pixelcnnpp_channels", c=c),
             lhs_tex=rf"K\Big(1 + 2 \cdot {c} + \tfrac{{{c}({c} - 1)}}{{2}}\Big)"),
        # one chain: per (k - 1) <= c n < per k
        Step(per_pixel_c.subs(K, k - 1), c * n, T("reason_pixelcnnpp_not_enough", previous=k - 1, c=c, n=n),
             relation="<" if per * (k - 1) < c * n else "<=",
             lhs_tex=rf"{per} \cdot {k - 1} = {per * (k - 1)}", rhs_tex=rf"{c} \cdot {n} = {c * n}"),
        Step(c * n, per_pixel_c.subs(K, k), T("reason_pixelcnnpp_enough", k=k), relation="<",
             rhs_tex=rf"{per * k} = {per} \cdot {k}"),
    ]
    return Section(T("heading_pixelcnnpp"), part="appendix", steps=steps,
                   answers=[T("answer_pixelcnnpp", c=c, per=per, n=n, k=k)],
                   results={"numel_pixelcnnpp": pixels.numel_pixelcnnpp(), "k_min_pixelcnnpp": k})


def sums_to_one(ctx: Context) -> Section:
    """The discretized pmf sums to one: telescoping for any F, and written out for n values."""
    total = pixels.telescoped_total()
    k = ctx.params.pmf_components
    steps = [
        Step(total, sp.Integer(1), T("reason_telescoping"),
             lhs_tex=r"F(\tfrac12) + \sum_{x=1}^{n-2}\big(F(x+\tfrac12) - F(x-\tfrac12)\big) + 1 - F(n-\tfrac32)"),
        Step(pixels.explicit_total(int(ctx.n), k), sp.Integer(1), T("reason_explicit", n=ctx.n, k=k),
             lhs_tex=rf"\sum_{{x=0}}^{{{ctx.last}}} P(x \mid \pi, \mu, s)"),
    ]
    return Section(T("heading_sum"), part="appendix", steps=steps,
                   assumptions=[Assumption(T("assume_weights"))], goals=[Goal(total, sp.Integer(1))])


def masses_non_negative(ctx: Context) -> Section:
    """Every value's mass is non-negative: one component's interval mass is a product of
    positive factors."""
    gap, factored, with_delta, (u, s, delta) = pixels.sigmoid_gap()
    steps = [
        Step(gap, factored, T("reason_gap"), lhs_tex=r"\sigma\big(u + \tfrac{1}{s}\big) - \sigma(u)"),
        Step(sp.exp(-1 / s), sp.Integer(1), T("reason_gap_numerator"), relation="<"),
        Step(with_delta, sp.Integer(0), T("reason_gap_positive"), relation=">"),
    ]
    return Section(T("heading_masses"), part="appendix", steps=steps)


def independent_checks(ctx: Context) -> Section:
    """Each closed form against another route: enumeration, search, an mpmath sum."""
    n, c = int(ctx.n), ctx.params.channels
    w, h, cc, k = 3, 2, 3, 5
    categorical, mixture = pixels.enumerated_sizes(w, h, cc, k, n)
    search = pixels.first_k_exceeding(3, n)
    per = int(pixels.params_per_pixel_pixelcnnpp(c, 1))
    search_pp = pixels.first_k_exceeding(per, n * c)
    components = 3
    error, smallest = pixels.random_mixture_masses(0, n, components, SUM_DIGITS)
    checks = [
        CrossCheck(T("check_sizes", w=w, h=h, c=cc, k=k), T("check_sizes_route"),
                   T("check_sizes_outcome", categorical=categorical, mixture=mixture),
                   (categorical, mixture) == (pixels.numel_categorical(w, h, cc, n),
                                              pixels.numel_mixture(w, h, cc, k))),
        CrossCheck(T("check_threshold", k=ctx.k), T("check_threshold_route", n=n),
                   T("check_search_outcome", k=search), search == ctx.k),
        CrossCheck(T("check_pixelcnnpp", c=c), T("check_pixelcnnpp_route"),
                   T("check_search_outcome", k=search_pp), search_pp == ctx.k_pixelcnnpp),
        CrossCheck(T("check_sum", n=n, k=components), T("check_sum_route", digits=SUM_DIGITS),
                   sum_outcome(error, smallest), bool(error < mpmath.mpf(10) ** -SUM_BOUND and smallest >= 0)),
    ]
    return Section(T("heading_checks"), part="appendix", cross_checks=checks)


def sum_outcome(error, smallest):
    """How the mpmath sum came out: exact to every digit, or below a power of ten; with the
    smallest mass in scientific notation (its decimal separator is the language's)."""
    whole, fraction, exponent = mantissa_exponent(smallest)
    if error == 0:
        return T("check_sum_exact", digits=SUM_DIGITS, whole=whole, fraction=fraction, exponent=exponent)
    bound = int(mpmath.ceil(mpmath.log10(error)))
    return T("check_sum_outcome", bound=bound, whole=whole, fraction=fraction, exponent=exponent)


def mantissa_exponent(x, digits: int = 3) -> tuple[int, str, int]:
    """``x > 0`` as ``whole.fraction * 10**exponent`` with ``digits`` significant digits.

    >>> mantissa_exponent(mpmath.mpf('0.00000451234')), mantissa_exponent(1), mantissa_exponent(0.0161)
    ((4, '51', -6), (1, '00', 0), (1, '61', -2))
    """
    x = mpmath.mpf(x)
    exponent = int(mpmath.floor(mpmath.log10(x)))
    scaled = int(mpmath.nint(x / mpmath.mpf(10) ** exponent * 10 ** (digits - 1)))
    if scaled >= 10 ** digits:                       # rounding went up to the next power of ten
        scaled, exponent = scaled // 10, exponent + 1
    text = str(scaled)
    return int(text[0]), text[1:], exponent


# --------------------------------------------------------------------------- the declaration

MAIN = (output_tensors, threshold)
APPENDIX = (general_threshold, free_parameters, pixelcnnpp, sums_to_one, masses_non_negative,
            independent_checks)
SPEC = Spec(ID, T, Params, MAIN + APPENDIX, setup=setup)
SPEC_WITH_EXAMPLE = replace(SPEC, sections=MAIN + (numeric_example,) + APPENDIX)


def validate(options):
    """The checks between options, before anything is built."""
    if (options.W is None) != (options.H is None):
        raise ValueError("give both --W and --H for a numeric example")
    if options.K is not None and options.W is None:
        raise ValueError("--K needs a numeric example: give --W and --H too")


def params_from(options) -> Params:
    """The :class:`Params` of the command line's options."""
    return Params(values=options.values, channels=options.C, width=options.W, height=options.H,
                  components=options.K)


def derivation(params: Params):
    """The AR-2 derivation for ``params`` (with the numeric example when it has one)."""
    return assemble(SPEC_WITH_EXAMPLE if params.example else SPEC, params)


def build(options):
    """The AR-2 derivation, with a numeric example when ``--W --H`` are given."""
    validate(options)
    return derivation(params_from(options))


def output_size_derivation(values: int = 256, channels: int = 3, components: int = 2):
    """The AR-2 derivation without a numeric example, for users' own tests:
    ``assert_proved(output_size_derivation(values=16))``."""
    return derivation(Params(values=values, channels=channels, pmf_components=components))
