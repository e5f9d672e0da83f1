"""Your own derivation scripts: ``dgm-proofs run path/to/script.py``.

A script is a Python file that defines ``derivation()``, returning one
:class:`symbolic.Derivation`, or ``derivations()``, returning a list of them.
Each derivation then runs exactly like a shipped problem: the same terminal
output, ``--json``, ``--latex`` and exit status.  Its id on the command line and
in the JSON is the derivation's own ``id``, or else the file's name without
``.py`` (``name-1``, ``name-2`` ... when ``derivations()`` returns several).

Loading a script runs it: it is the user's own Python, executed as
``python script.py`` would (its directory first on ``sys.path`` while it loads,
so it can import its neighbours).  Whatever goes wrong on the way (a missing
file, a syntax error, an exception, no ``derivation()``, something that is not a
``Derivation``) raises ``ValueError`` with a one-line message, which the command
line reports with exit status 2 before anything is written.
"""
from __future__ import annotations

import dataclasses
import importlib.machinery
import importlib.util
import itertools
import os
import sys
import traceback
from typing import Any

from symbolic.derivation import Derivation

__all__ = ["is_script", "load", "ScriptProblem"]

_LOADS = itertools.count(1)          # one fresh module (and cache key) per load


def is_script(argument: str) -> bool:
    """Whether a ``run`` argument names a script rather than a problem id: it ends in
    ``.py`` or is an existing file.  (The command line asks this only of arguments that
    are not problem ids.)"""
    return argument.endswith(".py") or os.path.isfile(argument)


@dataclasses.dataclass(frozen=True)
class ScriptProblem:
    """One derivation of a script, dressed as a problem module (``ID``, ``TITLE``,
    ``OPTIONS``, ``build``) for the command line, the printers and the JSON and LaTeX writers."""

    ID: str
    TITLE: str
    KEY: tuple                        # unique per load: results are never mixed up between scripts
    path: str
    derivation: Derivation
    OPTIONS: tuple = ()

    def build(self, options=None) -> Derivation:
        return self.derivation


def _one_line(text) -> str:
    try:
        text = str(text)
    except Exception:                   # an exception whose __str__ raises says nothing more
        return ""
    lines = [line.strip() for line in text.strip().splitlines() if line.strip()]
    return lines[0] if lines else ""


def _failure(path: str, exc: BaseException, doing: str) -> ValueError:
    """A one-line account of an exception raised by the script, naming its line."""
    if isinstance(exc, SyntaxError) and exc.filename and \
            os.path.abspath(exc.filename) == os.path.abspath(path):
        where = f" at line {exc.lineno}" if exc.lineno else ""
        return ValueError(f"script {path!r} cannot be read{where}: {type(exc).__name__}: {exc.msg}")
    where = ""
    target = os.path.abspath(path)
    for frame in traceback.extract_tb(exc.__traceback__):
        if os.path.abspath(frame.filename) == target:
            where = f" at line {frame.lineno}"          # the deepest line of the script itself
    if isinstance(exc, SystemExit):
        return ValueError(f"script {path!r} called exit({exc.code!r}){where} while {doing}")
    detail = _one_line(exc)
    return ValueError(f"script {path!r} raised {type(exc).__name__}{where} while {doing}"
                      + (f": {detail}" if detail else ""))


def _execute(path: str):
    """Import the file as a fresh module, its directory first on ``sys.path`` meanwhile."""
    name = f"_dgm_proofs_script_{next(_LOADS)}"
    loader = importlib.machinery.SourceFileLoader(name, path)   # any file name, not only *.py
    spec = importlib.util.spec_from_loader(name, loader)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module        # dataclasses and pickling look their module up here
    directory = os.path.dirname(os.path.abspath(path))
    sys.path.insert(0, directory)
    try:
        loader.exec_module(module)
    except KeyboardInterrupt:
        sys.modules.pop(name, None)
        raise
    except BaseException as exc:        # SystemExit, GeneratorExit, a script's own kind
        sys.modules.pop(name, None)
        raise _failure(path, exc, "loading") from None
    finally:
        _remove_first(sys.path, directory)
    return module, directory


def _remove_first(items: list, value) -> None:
    try:
        items.remove(value)
    except ValueError:                # the script took it off itself
        pass


def _call(path: str, directory: str, function) -> Any:
    sys.path.insert(0, directory)     # a lazy import inside derivation() finds the neighbours too
    try:
        return function()
    except KeyboardInterrupt:
        raise
    except BaseException as exc:
        raise _failure(path, exc, f"running {function.__name__}()") from None
    finally:
        _remove_first(sys.path, directory)


def _derivations(path: str) -> list[Derivation]:
    if not os.path.exists(path):
        raise ValueError(f"script {path!r} not found")
    if not os.path.isfile(path):
        raise ValueError(f"script {path!r} is not a file")
    module, directory = _execute(path)
    single, many = getattr(module, "derivation", None), getattr(module, "derivations", None)
    if single is None and many is None:
        raise ValueError(f"script {path!r} defines neither derivation() nor derivations()")
    if single is not None and many is not None:
        raise ValueError(f"script {path!r} defines both derivation() and derivations(); keep one")
    function = single if single is not None else many
    name = "derivation" if single is not None else "derivations"
    if not callable(function):
        raise ValueError(f"script {path!r}: {name} must be a function, "
                         f"not a value of type {type(function).__name__}")
    value = _call(path, directory, function)
    if single is not None:
        if not isinstance(value, Derivation):
            raise ValueError(f"script {path!r}: derivation() returned a value of type "
                             f"{type(value).__name__}, not a Derivation")
        _posable(path, value)
        return [value]
    if isinstance(value, Derivation) or isinstance(value, (str, bytes)) or not _iterable(value):
        raise ValueError(f"script {path!r}: derivations() must return a list of Derivation objects, "
                         f"not a value of type {type(value).__name__}")
    try:
        items = list(value)
    except KeyboardInterrupt:
        raise
    except BaseException as exc:        # a generator that fails part-way
        raise _failure(path, exc, "running derivations()") from None
    if not items:
        raise ValueError(f"script {path!r}: derivations() returned no derivations")
    for k, item in enumerate(items, 1):
        if not isinstance(item, Derivation):
            raise ValueError(f"script {path!r}: item {k} of derivations() is of type "
                             f"{type(item).__name__}, not a Derivation")
        _posable(path, item)
    return items


def _posable(path: str, d: Derivation) -> None:
    """``ValueError`` naming the script and the step when a step or claim of ``d`` cannot be
    posed to the checker (a string for a side, a relational as a side ...)."""
    try:
        d.packages()
    except ValueError as exc:
        raise ValueError(f"script {path!r}: {_one_line(exc)}") from None


def _iterable(value) -> bool:
    try:
        iter(value)
    except TypeError:
        return False
    return True


def load(path: str) -> list[ScriptProblem]:
    """The derivations of the script at ``path``, as problems; ``ValueError`` (one line) when
    the script cannot be loaded or does not define what it must."""
    items = _derivations(path)
    stem = os.path.splitext(os.path.basename(path))[0] or os.path.basename(path)
    load_number = next(_LOADS)
    problems = []
    for k, d in enumerate(items, 1):
        ident = d.id or (stem if len(items) == 1 else f"{stem}-{k}")
        if not d.id:
            d = dataclasses.replace(d, id=ident)      # the JSON report names every derivation
        problems.append(ScriptProblem(ID=ident, TITLE=d.title, KEY=("script", load_number, k),
                                      path=path, derivation=d))
    return problems
