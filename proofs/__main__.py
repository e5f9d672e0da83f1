"""The command line: ``dgm-proofs`` == ``python -m proofs``.

    dgm-proofs list
    dgm-proofs run [ID|SCRIPT.py ...] [--latex DIR] [--json FILE] [--budget S] [problem options]
    dgm-proofs report --out DIR [--lang en|ru]

Exit status: 0 when no step failed, 1 when a step failed or stayed unknown,
2 for bad usage or bad input (one line on stderr, nothing written).
"""
from __future__ import annotations

import argparse
import os
import sys

from symbolic.check import DEFAULT_BUDGET

from . import registry
from .output import (check_dir_target, check_file_target, latex_document, report_json,
                     write_folder, write_text_atomic)
from .terminal import render, summary

__all__ = ["main", "build_parser"]

PROG = "dgm-proofs"


class UsageError(Exception):
    """Bad usage: reported in one line, exit status 2."""


class _Parser(argparse.ArgumentParser):
    """argparse with one-line errors (no usage dump) and no exit of its own."""

    def error(self, message):
        raise UsageError(message)


def _budget(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number of seconds, got {text!r}") from None
    if not value > 0:
        raise argparse.ArgumentTypeError(f"the budget must be positive, got {text!r}")
    return value


def _problem_options(parser) -> None:
    """Add every problem's options once; a flag shared by several problems is declared once."""
    seen: dict[tuple, str] = {}
    group = parser.add_argument_group("problem options")
    for problem in registry.problems():
        for opt in getattr(problem, "OPTIONS", ()):
            if opt.flags in seen:
                continue
            seen[opt.flags] = problem.ID
            kwargs = dict(opt.kwargs)
            users = [p.ID for p in registry.problems()
                     if any(o.flags == opt.flags for o in getattr(p, "OPTIONS", ()))]
            kwargs["help"] = f"[{', '.join(users)}] {kwargs.get('help', '')}"
            group.add_argument(*opt.flags, **kwargs)


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog=PROG, description="Machine-checked derivations for the DGM homework.")
    sub = parser.add_subparsers(dest="command", metavar="{list,run,check,report}", parser_class=_Parser)
    sub.add_parser("list", help="problem ids and titles")
    run = sub.add_parser("run", help="check derivations; print them, optionally export LaTeX/JSON")
    run.add_argument("ids", nargs="*", metavar="ID|SCRIPT.py",
                     help="problem ids, or your own derivation scripts (default: all problems)")
    run.add_argument("--latex", metavar="DIR", help="write DIR/main.tex (and figures)")
    run.add_argument("--json", metavar="FILE", help="write the JSON report (version 1)")
    run.add_argument("--budget", type=_budget, default=DEFAULT_BUDGET, metavar="S",
                     help=f"seconds allowed per step before it is 'unknown' (default {DEFAULT_BUDGET:g})")
    run.add_argument("--quiet", action="store_true", help="status lines only, no equations")
    _problem_options(run)
    report = sub.add_parser("report", help="the whole solution set: main.tex, figures, main.pdf")
    report.add_argument("--out", required=True, metavar="DIR", help="output directory")
    report.add_argument("--lang", choices=("en", "ru"), default="en", help="language of the prose")
    report.add_argument("--budget", type=_budget, default=DEFAULT_BUDGET, metavar="S",
                        help="seconds allowed per step")
    from .check_command import add_parser as _add_check
    _add_check(sub, _budget)                   # dgm-proofs check FILE.tex|FILE.md ...
    return parser


def _unicode_ok(stream) -> bool:
    encoding = (getattr(stream, "encoding", None) or "").lower().replace("-", "")
    return encoding in ("utf8", "utf16", "utf32")


def _run(args, out) -> int:
    if args.json:
        check_file_target(args.json, "JSON file")
    if args.latex:
        check_dir_target(args.latex, "LaTeX directory")
    problems = registry.resolve(args.ids)          # ids and your own scripts (proofs/scripts.py)
    for problem in problems:                   # bad input is refused before any long work
        registry.built(problem, args)
    figures = {p.ID: tuple(p.figures(args)) for p in problems if hasattr(p, "figures")} \
        if args.latex else {}
    unicode = _unicode_ok(out)
    results = []
    for problem in problems:
        checked = registry.checked(problem, args, args.budget)
        results.append((problem, checked))
        print(render(problem, checked, unicode=unicode, equations=not args.quiet), file=out)
        print(file=out)
    if args.json:
        write_text_atomic(args.json, report_json(results))
        print(f"JSON report written to {args.json}", file=out)
    if args.latex:
        write_folder(args.latex, {"main.tex": latex_document(results, figures)},
                     [f for figs in figures.values() for f in figs])
        print(f"LaTeX written to {os.path.join(args.latex, 'main.tex')}", file=out)
    print(summary(results), file=out)
    return 0 if all(c.status in ("proved", "checked") for _, c in results) else 1


class _Quietable:
    """A text stream that stops writing, without failing the run, once the reader has gone
    (``dgm-proofs run | head``): the files are still written and the exit status kept."""

    def __init__(self, stream):
        self.stream, self.closed = stream, False
        self.encoding = getattr(stream, "encoding", None)

    def write(self, text):
        if not self.closed:
            try:
                self.stream.write(text)
            except BrokenPipeError:
                self.closed = True
                try:                      # keep the interpreter from complaining at exit
                    sys.stdout = open(os.devnull, "w")
                except OSError:
                    pass
        return len(text)

    def flush(self):
        if not self.closed:
            try:
                self.stream.flush()
            except BrokenPipeError:
                self.closed = True


def main(argv=None, out=None) -> int:
    """Run the command line; return the exit status (0, 1 or 2)."""
    out = _Quietable(out or sys.stdout)
    try:
        parser = build_parser()
        args = parser.parse_args(argv)
        if args.command is None:
            raise UsageError("a command is required: list, run or report (see --help)")
        if args.command == "list":
            for problem in registry.problems():
                print(f"{problem.ID:18s} {problem.TITLE}", file=out)
            return 0
        if args.command == "check":
            from .check_command import run_check
            return run_check(args, out, unicode=_unicode_ok(out))
        if args.command == "report":
            from .report import build_report
            return build_report(args, out)
        return _run(args, out)
    except (UsageError, ValueError) as exc:
        message = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        print(f"{PROG}: error: {message}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print(f"{PROG}: interrupted", file=sys.stderr)
        return 130
    except OSError as exc:
        print(f"{PROG}: error: {exc.strerror or exc}: {exc.filename or ''}".rstrip(": "), file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
