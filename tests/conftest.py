"""Shared test helpers: a named numeric tolerance and a LaTeX compiler.  Every test gets a
cache folder of its own (``XDG_CACHE_HOME``): never the user's real cache, and no verdict or
replayed command leaks from one test into another -- except through ``shared_verdicts``, the
session's own verdict cache, which the derivation tests pass on purpose."""
import functools
import os
import shutil
import subprocess
import tempfile

import mpmath
import pytest

# for subprocesses whose environment a module copies when it is imported, and for module-scoped
# fixtures (set up before the per-test folder below): one folder per test process, empty when
# the session starts
SESSION_CACHE = tempfile.mkdtemp(prefix="dgm-proofs-tests-")
os.environ["XDG_CACHE_HOME"] = SESSION_CACHE


@functools.lru_cache(maxsize=None)
def session_verdicts():
    """The verdict cache of this test process (:class:`symbolic.cache.VerdictCache`), empty when
    the session starts: every verdict in it was decided afresh in this session, and a claim
    that several derivations share (a default and a non-default one, a derivation and its main
    part) is decided once.  It is the folder the command line uses under ``SESSION_CACHE``, so
    the report fixtures, run through the command line, use it too."""
    from symbolic.cache import VerdictCache
    return VerdictCache(os.path.join(SESSION_CACHE, "dgm-proofs"))   # as symbolic.store.cache_root


@pytest.fixture(scope="session")
def shared_verdicts():
    """:func:`session_verdicts` as a fixture."""
    return session_verdicts()


@pytest.fixture(autouse=True)
def _own_cache_folder(tmp_path_factory, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path_factory.mktemp("xdg-cache")))


def close(a, b, digits=20):
    """|a - b| <= 10**-digits * max(1, |a|, |b|), evaluated with mpmath at digits + 10."""
    with mpmath.workdps(digits + 10):
        a, b = mpmath.mpmathify(complex(a) if isinstance(a, complex) else a), mpmath.mpmathify(b)
        return abs(a - b) <= mpmath.mpf(10) ** (-digits) * max(1, abs(a), abs(b))


def compile_latex(directory, name="main.tex", passes=1):
    """Compile with pdflatex; return the log text (assert on errors in the caller)."""
    for _ in range(passes):
        proc = subprocess.run(["pdflatex", "-interaction=nonstopmode", "-halt-on-error", name],
                              cwd=directory, capture_output=True, text=True, errors="replace",
                              timeout=300)
        assert proc.returncode == 0, proc.stdout[-3000:]
    with open(os.path.join(directory, name[:-4] + ".log"), errors="replace") as handle:
        return handle.read()


@pytest.fixture
def pdflatex():
    """Skip only where pdflatex is absent (CI installs it)."""
    if shutil.which("pdflatex") is None:
        pytest.skip("pdflatex is not installed")
    return compile_latex


def evidence_value(expr, digits):
    """The independent evidence of the checker's catalogues: a ``digits``-digit mpmath value
    of a constant expression through SymPy's own evaluation (``None`` if not a finite number)."""
    import mpmath
    import sympy as sp
    try:
        value = sp.N(expr, digits, maxn=3000)
    except Exception:
        return None
    if value.has(sp.nan, sp.zoo, sp.oo, -sp.oo) or not value.is_number:
        return None
    re_, im_ = value.as_real_imag()
    with mpmath.workdps(digits + 10):
        return mpmath.mpc(mpmath.mpf(str(sp.N(re_, digits + 5))), mpmath.mpf(str(sp.N(im_, digits + 5))))


def prose_of(derivation):
    """Every human sentence of a derivation, with where it sits: title, section headings and
    assumptions, step reasons and headings, claims, notes, exhibit captions, cross-check texts
    and answers (answers are LaTeX; they count when they hold words in ``\\text{...}``)."""
    d = derivation
    yield "title", d.title
    for k, sec in enumerate(d.sections):
        yield f"section {k} heading", sec.heading
    for a in d.assumptions:
        yield "assumption", a.text
    for k, s in enumerate(d.steps):
        yield f"step {k + 1} reason", s.reason
        if s.heading:
            yield f"step {k + 1} heading", s.heading
        for a in s.assumptions:
            if hasattr(a, "text"):
                yield f"step {k + 1} assumption", a.text
    for c in d.claims:
        yield "claim", c.text
    for n in d.notes:
        yield "note", n
    for e in d.exhibits:
        if e.caption:
            yield f"exhibit {e.label} caption", e.caption
    for c in d.cross_checks:
        for field_name in ("what", "against", "outcome"):
            yield f"cross-check {field_name}", getattr(c, field_name)
    for a in d.answers:
        if "\\text" in a:
            yield "answer", a


def untranslated(derivation):
    """The sentences of ``derivation`` that are plain strings, not catalogue :class:`Text`
    (they would print in English in every language): ``[(where, sentence), ...]``."""
    from symbolic.text import Text
    return [(where, text) for where, text in prose_of(derivation) if not isinstance(text, Text)]
