"""The command line: ``dgm-proofs`` == ``python -m proofs``.

    dgm-proofs list
    dgm-proofs run [ID|SCRIPT.py ...] [--latex DIR] [--json FILE] [--budget S] [problem options]
    dgm-proofs report --out DIR [--lang en|ru]

Exit status: 0 when no step failed, 1 when a step failed or stayed unknown (or the
whole-run time limit ran out: nothing written), 2 for bad usage or bad input, or a write
error (one line on stderr, nothing written), 130 when interrupted (one line, no
temporary file and no checker process left, the old outputs or the complete new set).
"""
from __future__ import annotations

import argparse
import contextlib
import math
import os
import sys

# Only light modules here: a replayed command (proofs/replay.py) never loads SymPy.  The
# rest is imported where it is used, under main()'s handlers (an interrupt while SymPy
# loads is one line, not a traceback).
from . import guard, output, registry, replay
from .output import STDOUT, Outputs, check_dir_target, check_file_target, check_no_overlap, figures_of, report_json

__all__ = ["main", "build_parser"]

PROG = "dgm-proofs"


class UsageError(Exception):
    """Bad usage: reported in one line, exit status 2."""


class _Parser(argparse.ArgumentParser):
    """argparse with one-line errors (no usage dump) and no exit of its own."""

    def error(self, message):
        raise UsageError(message)


MAX_BUDGET = 300.0          # seconds per step
DEFAULT_TIME_LIMIT = 600.0  # seconds for a whole command: building, checking, drawing, writing
MAX_TIME_LIMIT = 3600.0


def _seconds(text: str, what: str, high: float) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number of seconds, got {text!r}") from None
    if not (math.isfinite(value) and 0 < value <= high):
        raise argparse.ArgumentTypeError(f"{what} must be a number of seconds greater than 0 and at "
                                         f"most {high:g}, got {text!r}")
    return value


def _budget(text: str) -> float:
    """argparse type: a finite positive number of seconds, at most ``MAX_BUDGET``."""
    return _seconds(text, "the budget", MAX_BUDGET)


_budget.maximum = MAX_BUDGET            # for the help of commands defined elsewhere (check)


def _time_limit(text: str) -> float:
    """argparse type: a finite positive number of seconds, at most ``MAX_TIME_LIMIT``."""
    return _seconds(text, "the time limit", MAX_TIME_LIMIT)


class _Given(argparse._StoreAction):
    """Store the value and remember that the option was given (not just defaulted)."""

    def __call__(self, parser, namespace, values, option_string=None):
        setattr(namespace, self.dest, values)
        given = dict(getattr(namespace, "_given", None) or {})
        given[self.dest] = option_string
        setattr(namespace, "_given", given)


def _naming(parse, users):
    """``parse``, its messages ending with the problems the option belongs to."""
    def wrapped(text):
        try:
            return parse(text)
        except argparse.ArgumentTypeError as exc:
            raise argparse.ArgumentTypeError(f"{exc} (an option of {', '.join(users)})") from None
    wrapped.__name__ = getattr(parse, "__name__", "value")
    return wrapped


def option_users() -> dict:
    """dest -> (flag, ids of the problems that declare it), for every problem option."""
    users: dict = {}
    for problem in registry.problems():
        for opt in getattr(problem, "OPTIONS", ()):
            users.setdefault(opt.dest, (opt.flags[0], []))[1].append(problem.ID)
    return users


def _problem_options(parser) -> None:
    """Add every problem's options once; a flag shared by several problems is declared once.
    Its help names the problems it belongs to and the range of its values."""
    seen: dict[tuple, str] = {}
    group = parser.add_argument_group(
        "problem options", "each belongs to the problems named in brackets; given to a run of "
        "none of them, it is an error")
    for problem in registry.problems():
        for opt in getattr(problem, "OPTIONS", ()):
            if opt.flags in seen:
                continue
            seen[opt.flags] = problem.ID
            kwargs = dict(opt.kwargs)
            declared = [(p.ID, o) for p in registry.problems()
                        for o in getattr(p, "OPTIONS", ()) if o.flags == opt.flags]
            users = [pid for pid, _ in declared]
            texts = list(dict.fromkeys(o.kwargs.get("help", "") for _, o in declared))
            if len(texts) == 1:
                text = texts[0] + (f"; range {opt.range}" if opt.range else "")
            else:                      # one flag, a meaning per problem
                text = "; ".join(f"{pid}: {o.kwargs.get('help', '')}" for pid, o in declared)
            kwargs["help"] = f"[{', '.join(users)}] {text}".replace("%", "%%")
            if "type" in kwargs:
                kwargs["type"] = _naming(kwargs["type"], users)
            if kwargs.get("action", "store") == "store":
                kwargs["action"] = _Given
            group.add_argument(*opt.flags, **kwargs)


def version() -> str:
    """The installed distribution's version (the source tree's setup.cfg when not installed)."""
    try:
        from importlib.metadata import PackageNotFoundError, version as installed
        try:
            return installed("dgm-proofs")
        except PackageNotFoundError:
            pass
    except ImportError:
        pass
    import configparser
    config = configparser.ConfigParser()
    config.read(os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "setup.cfg"))
    return config.get("metadata", "version", fallback="unknown")


def _version_line() -> str:
    return f"{PROG} {version()}"


def _time_limit_option(parser) -> None:
    parser.add_argument("--time-limit", type=_time_limit, default=DEFAULT_TIME_LIMIT, metavar="S",
                        help=f"seconds allowed for the whole command: building, cross-checks, checking, "
                             f"figures, writing (default {DEFAULT_TIME_LIMIT:g}, at most {MAX_TIME_LIMIT:g}); "
                             f"when it runs out nothing is written and the exit status is 1")


def _cache_option(parser) -> None:
    parser.add_argument("--no-cache", action="store_true",
                        help="decide every claim afresh: neither read nor write the verdict cache "
                             "($XDG_CACHE_HOME/dgm-proofs, default ~/.cache/dgm-proofs)")


def build_parser() -> argparse.ArgumentParser:
    from symbolic.check import DEFAULT_BUDGET
    parser = _Parser(prog=PROG, description="Machine-checked derivations for the DGM homework.")
    parser.add_argument("--version", action="version", version=_version_line())
    sub = parser.add_subparsers(dest="command", metavar="{list,run,check,report}", parser_class=_Parser)
    sub.add_parser("list", help="problem ids and titles")
    run = sub.add_parser("run", help="check derivations; print them, optionally export LaTeX/JSON")
    run.add_argument("ids", nargs="*", metavar="ID|SCRIPT.py",
                     help="problem ids, or your own derivation scripts (default: all problems)")
    run.add_argument("--latex", metavar="DIR", help="write DIR/main.tex (and figures)")
    run.add_argument("--json", metavar="FILE|-",
                     help="write the JSON report (version 1) to FILE, or with - to standard output "
                          "(the terminal text then goes to standard error)")
    run.add_argument("--budget", type=_budget, default=DEFAULT_BUDGET, metavar="S",
                     help=f"seconds allowed per step before it is 'unknown' (default {DEFAULT_BUDGET:g}, "
                          f"at most {MAX_BUDGET:g})")
    _time_limit_option(run)
    run.add_argument("--quiet", action="store_true", help="status lines only, no equations")
    run.add_argument("--lang", choices=("en", "ru"), default="en",
                     help="language of the terminal text and of --latex (default en)")
    run.add_argument("--timings", action="store_true",
                     help="print the ten slowest steps, and give each step's checking time "
                          "('seconds') in the JSON report (which then differs from run to run)")
    _cache_option(run)
    _problem_options(run)
    report = sub.add_parser("report", help="the whole solution set: main.tex, figures, main.pdf")
    report.add_argument("--out", required=True, metavar="DIR", help="output directory")
    report.add_argument("--lang", choices=("en", "ru"), default="en", help="language of the prose")
    report.add_argument("--budget", type=_budget, default=DEFAULT_BUDGET, metavar="S",
                        help=f"seconds allowed per step (default {DEFAULT_BUDGET:g}, at most {MAX_BUDGET:g})")
    _time_limit_option(report)
    _problem_options(report)                   # the same problem options as run
    _cache_option(report)
    from .check_command import add_parser as _add_check
    _add_check(sub, _budget, _cache_option)                   # dgm-proofs check FILE.tex|FILE.md ...
    return parser


def _unicode_ok(stream) -> bool:
    encoding = (getattr(stream, "encoding", None) or "").lower().replace("-", "")
    return encoding in ("utf8", "utf16", "utf32")


def _check_options_apply(args, problems) -> None:
    """``UsageError`` for a problem option given to a run of none of its problems."""
    given = getattr(args, "_given", None) or {}
    running = [p.ID for p in problems]
    users = option_users()
    for dest in given:
        flag, owners = users.get(dest, (None, []))
        if owners and not set(owners) & set(running):
            raise UsageError(f"{flag} is an option of {', '.join(owners)}; it does not apply to "
                             f"{', '.join(running)}")


def _run(args, out) -> int:
    from .output import latex_document
    from .terminal import render, summary
    from .timings import slowest
    from symbolic.latex import word
    if args.json is not None:
        check_file_target(args.json, "JSON file")
    if args.latex is not None:
        check_dir_target(args.latex, "LaTeX directory")
    check_no_overlap(args.json, args.latex, [i for i in args.ids if os.path.isfile(i)])
    problems = registry.resolve(args.ids)          # ids and your own scripts (proofs/scripts.py)
    _check_options_apply(args, problems)
    for problem in problems:                   # every problem's own checks, before any building
        if hasattr(problem, "validate"):
            problem.validate(args)
    figures = figures_of(problems, args, args.lang) if args.latex is not None else {}
    stdout = out
    if args.json == STDOUT:                    # the JSON alone on standard output
        out = _Quietable(sys.stderr, tee=out.tee)
    unicode = _unicode_ok(out)
    results = list(zip(problems, registry.checked_all(problems, args, args.budget, registry.verdict_cache(args))))
    for problem, checked in results:
        print(render(problem, checked, unicode=unicode, equations=not args.quiet, lang=args.lang), file=out)
        print(file=out)
    with Outputs(stdout=stdout) as outputs:     # staged, then moved into place together
        if args.json is not None:
            outputs.file(args.json, report_json(results, timings=args.timings))
        if args.latex is not None:
            outputs.folder(args.latex, {"main.tex": latex_document(results, figures, args.lang)},
                           [f for figs in figures.values() for f in figs])
        outputs.commit()
    if args.json is not None and args.json != STDOUT:
        print(word("json_written", args.lang, path=args.json), file=out)
    if args.latex is not None:
        print(word("latex_written", args.lang, path=os.path.join(args.latex, "main.tex")), file=out)
    print(summary(results, args.lang), file=out)
    if args.timings:
        print(slowest(results), file=out)
    return 0 if all(c.status in ("proved", "checked") for _, c in results) else 1


class _Quietable:
    """A text stream that stops writing, without failing the run, once the reader has gone
    (``dgm-proofs run | head``): the files are still written and the exit status kept."""

    def __init__(self, stream, tee=None):
        self.stream, self.closed, self.tee = stream, False, tee
        self.encoding = getattr(stream, "encoding", None)

    def write(self, text):
        if self.tee is not None:              # what the command prints, for its replay record
            self.tee.append(text)
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


def _dispatch(args, out) -> int:
    if args.command == "check":
        from .check_command import run_check
        return run_check(args, out, unicode=_unicode_ok(out))
    if args.command == "report":
        from .report import build_report
        return build_report(args, out)
    return _run(args, out)


def _recorded(recorder, args, status: int) -> int:
    """Keep the record of a command that succeeded, for its replay; ``status`` unchanged."""
    known = {p.ID for p in registry.problems()}
    scripts = any(argument not in known for argument in getattr(args, "ids", ()))
    with guard.deferred():
        recorder.keep(status, err=getattr(args, "json", None) == STDOUT, scripts=scripts)
    return status


def _stop_behind(exc):
    """The interrupt or time limit behind ``exc``, else ``exc``: Python 3.11 wraps what is raised
    while a class is being created (in ``__set_name__``, say while NumPy loads) in a
    ``RuntimeError``, and an interrupt that lands there is still an interrupt."""
    cause = exc
    while cause is not None:
        if isinstance(cause, (KeyboardInterrupt, guard.Stopped, guard.TimeLimitReached)):
            return cause
        cause = cause.__cause__
    return exc


def _report(exc) -> int | None:
    """Print the one line for ``exc`` and return the exit status; ``None``: not ours to report."""
    exc = _stop_behind(exc)
    if isinstance(exc, SystemExit):                          # --help, --version
        return exc.code if isinstance(exc.code, int) else 0
    if isinstance(exc, (UsageError, ValueError)):
        message = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        line, status = f"error: {message}", 2
    elif isinstance(exc, KeyboardInterrupt):
        line, status = "interrupted", 130
        # A KeyboardInterrupt that left code run by exec() of a string (dataclasses builds
        # its methods so, while SymPy loads) leaves CPython 3.11 believing it went unhandled:
        # at exit the interpreter would kill itself with SIGINT (status -2, not 130).  The
        # next exec() of a string that ends normally clears that belief.
        exec("None")
    elif isinstance(exc, guard.Stopped):
        line, status = exc.message, exc.status
    elif isinstance(exc, guard.TimeLimitReached):
        line, status = (f"time limit of {exc.seconds:g} s reached; nothing written "
                        f"(see --time-limit)"), 1
    elif isinstance(exc, OSError):
        line = f"error: {exc.strerror or exc}: {exc.filename or ''}".rstrip(": ")
        status = 2
    else:
        return None
    try:
        print(f"{PROG}: {line}", file=sys.stderr, flush=True)
    except OSError:
        pass
    return status


# a solution may write exact numbers of up to symbolic.reader.MAX_DIGITS digits (2**20000 has
# 6021); Python refuses to print integers of more than 4300 digits unless told otherwise
_INT_DIGITS = 200_000


def _tolerant_streams() -> None:
    """A character the terminal's encoding lacks (a file name with 'ü' under
    PYTHONIOENCODING=ascii) is printed as an escape, never an error."""
    for stream in (sys.stdout, sys.stderr):
        if hasattr(stream, "reconfigure") and getattr(stream, "errors", "strict") == "strict":
            with contextlib.suppress(Exception):
                stream.reconfigure(errors="backslashreplace")


def _allow_long_integers() -> None:
    limit = getattr(sys, "get_int_max_str_digits", lambda: 0)()
    if limit and limit < _INT_DIGITS:
        sys.set_int_max_str_digits(_INT_DIGITS)


def main(argv=None, out=None) -> int:
    """Run the command line; return the exit status: 0, 1 (a step failed or stayed unknown,
    or the time limit ran out), 2 (bad usage or input, a write error), 130 (interrupted)."""
    argv = list(sys.argv[1:] if argv is None else argv)
    _tolerant_streams()
    stream = out or sys.stdout
    _allow_long_integers()
    if argv == ["--version"]:                  # answered without loading SymPy (the parser does)
        print(_version_line(), file=stream)
        return 0
    try:
        with guard.watching():                 # an interrupt while the libraries load is not lost
            record = replay.lookup(argv, stream)
            if record is None:
                recorder = replay.Recorder(argv, stream)
                out = _Quietable(stream, tee=recorder.printed)
                output.recorder = recorder     # told what each commit writes
                args = build_parser().parse_args(argv)
        if record is not None:
            with guard.guarded(DEFAULT_TIME_LIMIT, PROG):
                return replay.play(record, _Quietable(stream), _Quietable(sys.stderr))
        if args.command is None:
            raise UsageError("a command is required: list, run, check or report (see --help)")
        if args.command == "list":
            for problem in registry.problems():
                print(f"{problem.ID:18s} {problem.TITLE}", file=out)
            return 0
        with guard.guarded(getattr(args, "time_limit", DEFAULT_TIME_LIMIT), PROG):
            try:
                return _recorded(recorder, args, _dispatch(args, out))
            except BaseException as exc:       # still under the handlers: a second Ctrl-C waits
                guard.end_children()
                guard.remove_temporaries()
                status = _report(exc)
                if status is None:
                    raise
                return status
    except BaseException as exc:
        status = _report(exc)
        if status is None:
            raise
        return status
    finally:
        output.recorder = None


if __name__ == "__main__":
    sys.exit(main())
