"""AR-2: output-tensor sizes of a 256-way categorical vs a discretized logistic mixture."""
from __future__ import annotations

from symbolic.pixels import numel_categorical, numel_mixture, output_size_derivation
from symbolic.derivation import Exhibit

from .problem import Option, int_in

ID = "output-size"
TITLE = "AR-2. Output tensor sizes"
MAX_VALUES = 1024        # the explicit pmf sum has one term per value: 1024 take about 12 s
MAX_SIDE = 1_000_000     # W, H, K, C: the sizes are exact integers, any of these is instant
MAX_CHANNELS = 1000
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


def validate(options):
    """The checks between options, before anything is built."""
    if (options.W is None) != (options.H is None):
        raise ValueError("give both --W and --H for a numeric example")
    if options.K is not None and options.W is None:
        raise ValueError("--K needs a numeric example: give --W and --H too")


def build(options):
    """The AR-2 derivation, with a numeric example when ``--W --H`` are given."""
    values = options.values
    if values < 2:
        raise ValueError(f"--values must be at least 2, got {values}")
    validate(options)
    derivation = output_size_derivation(values=values, channels=options.C)
    if options.W is None:
        return derivation
    from dataclasses import replace
    K = options.K if options.K is not None else int(derivation.results["k_min"])
    example = (Exhibit(r"\text{numel}_1", numel_categorical(options.W, options.H, options.C, values),
                       f"model 1 on {options.W} x {options.H} x {options.C} images"),
               Exhibit(r"\text{numel}_2", numel_mixture(options.W, options.H, options.C, K),
                       f"model 2 with K = {K} on the same images"))
    return replace(derivation, exhibits=derivation.exhibits + example)
