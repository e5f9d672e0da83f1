"""Writing results: the JSON report, the LaTeX folder, figures.

Output targets (``--json FILE``, ``--latex DIR``, ``report --out DIR``) are validated
before any work starts, and everything a run writes is *staged* first and moved into
place together at the end (:class:`Outputs`), so that a failure or an interrupt at any
moment leaves either the old outputs or the complete new set, and no temporary file:

* ``-`` (for a file) is standard output; an empty path is refused;
* an existing regular file is replaced atomically (a temporary file in the same
  directory, renamed over it) and keeps its permission bits (and, where allowed, its
  owner); a new file gets the usual ``0666 & ~umask``;
* a symbolic link is followed: its target is replaced, the link itself is kept;
* an existing target that is not a regular file or a directory (a character device
  such as ``/dev/null``, a FIFO, a socket) is opened and written to directly, never
  replaced or removed;
* a write error (no space left, ...) raises ``OSError`` after every staged file has
  been removed, so nothing is left half-written.
"""
from __future__ import annotations

import contextlib
import json
import os
import shutil
import stat
import sys
import tempfile

from . import guard

__all__ = ["check_file_target", "check_dir_target", "check_no_overlap", "report_json", "write_text_atomic",
           "write_folder", "figure_latex", "figures_of", "latex_sections", "latex_document", "JSON_VERSION",
           "Outputs", "STDOUT"]

JSON_VERSION = 1
STDOUT = "-"

# the recorder of the running command (proofs.replay.Recorder), told what every commit wrote
recorder = None


def _write_all(fd: int, data: bytes) -> None:
    """Write every byte of ``data`` to ``fd`` (one place, so tests can simulate a full disk)."""
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view):]


def _resolved(path: str) -> str:
    """``path`` with every symbolic link followed (a dangling link: the file it names)."""
    real = os.path.realpath(path)
    if os.path.islink(real):                       # realpath gives up on a loop
        raise ValueError(f"cannot follow the symbolic link {path!r} (a loop)")
    return real


def _special(path: str) -> bool:
    """An existing target that is neither a regular file nor a directory (device, FIFO ...)."""
    try:
        mode = os.stat(path).st_mode
    except FileNotFoundError:
        return False
    return not (stat.S_ISREG(mode) or stat.S_ISDIR(mode))


def check_file_target(path: str, what: str = "output file") -> None:
    """``ValueError`` unless ``path`` can be written as a file: ``-`` (standard output), an
    existing writable file, device or FIFO (symbolic links followed), or a new file in an
    existing writable directory."""
    if path == STDOUT:
        return
    if not path:
        raise ValueError(f"the {what} name is empty (give a path, or - for standard output)")
    real = _resolved(path)
    if os.path.isdir(real):
        raise ValueError(f"{what} {path!r} is a directory")
    if os.path.exists(real):
        if not os.access(real, os.W_OK):
            raise ValueError(f"cannot write {what} {path!r}: permission denied")
        if _special(real):
            return
    parent = os.path.dirname(real)
    if not os.path.isdir(parent):
        raise ValueError(f"cannot write {what} {path!r}: directory {parent!r} does not exist")
    if not os.access(parent, os.W_OK):
        raise ValueError(f"cannot write {what} {path!r}: permission denied")


def check_dir_target(path: str, what: str = "output directory") -> None:
    """``ValueError`` unless ``path`` is (or can be created as) a writable directory."""
    if not path:
        raise ValueError(f"the {what} name is empty")
    if path == STDOUT:
        raise ValueError(f"the {what} cannot be standard output ('-'): give a directory")
    real = _resolved(path)
    if os.path.exists(real) and not os.path.isdir(real):
        raise ValueError(f"{what} {path!r} exists and is not a directory")
    if os.path.isdir(real):
        if not os.access(real, os.W_OK):
            raise ValueError(f"cannot write to {what} {path!r}: permission denied")
        return
    parent = os.path.dirname(real)
    if not os.path.isdir(parent):
        raise ValueError(f"cannot create {what} {path!r}: directory {parent!r} does not exist")
    if not os.access(parent, os.W_OK):
        raise ValueError(f"cannot create {what} {path!r}: permission denied")


def check_no_overlap(json_path=None, latex_dir=None, inputs=()) -> None:
    """``ValueError`` when the outputs of one command would overwrite each other or an input:
    the JSON file is one of the inputs, or lies inside the LaTeX directory (whose files it
    could replace, or they it); or the LaTeX directory holds an input (its annotated copy has
    the input's name).  Symbolic links are followed; a hard link to an input counts too."""
    def same(a, b):
        try:
            return os.path.samefile(a, b)
        except OSError:
            return _resolved(a) == _resolved(b)
    if json_path not in (None, STDOUT):
        for source in inputs:
            if same(json_path, source):
                raise ValueError(f"the JSON file {json_path!r} is the input {source!r}: it would be overwritten")
        if latex_dir is not None and os.path.dirname(_resolved(json_path)) == _resolved(latex_dir):
            raise ValueError(f"the JSON file {json_path!r} is inside the LaTeX directory {latex_dir!r}: "
                             f"give it a path outside")
        if latex_dir is not None and _resolved(json_path) == _resolved(latex_dir):
            raise ValueError(f"the JSON file and the LaTeX directory are the same path {json_path!r}")
    if latex_dir is not None:
        for source in inputs:
            if os.path.dirname(_resolved(source)) == _resolved(latex_dir):
                raise ValueError(f"the LaTeX directory {latex_dir!r} holds the input {source!r}, "
                                 f"which its annotated copy would overwrite: give another directory")


def _utf8(text) -> bytes:
    r"""UTF-8 bytes of an output's text (bytes pass as they are).  A file name that is not
    UTF-8 reaches Python as lone surrogates; in a report it is shown with '?' for each
    undecodable byte, so that the report itself stays valid UTF-8.

    >>> _utf8("\udcff.tex")
    b'?.tex'
    """
    return text.encode("utf-8", "replace") if isinstance(text, str) else text


def _umask() -> int:
    umask = os.umask(0o22)
    os.umask(umask)
    return umask


def _new_file_mode() -> int:
    return 0o666 & ~_umask()


class Outputs:
    """The outputs of one run, staged, then moved into place together by :meth:`commit`.

    >>> import tempfile, os, shutil
    >>> d = tempfile.mkdtemp()
    >>> with Outputs() as outputs:
    ...     outputs.file(os.path.join(d, "a.json"), "{}\\n")
    ...     outputs.folder(os.path.join(d, "tex"), {"main.tex": "x\\n"})
    ...     written = outputs.commit()
    >>> sorted(os.listdir(d)), sorted(os.listdir(os.path.join(d, "tex")))
    (['a.json', 'tex'], ['main.tex'])
    >>> shutil.rmtree(d)
    """

    def __init__(self, stdout=None):
        self._renames: list = []          # (staged path, final path), files and new folders
        self._moves: list = []            # (staging folder, existing folder): its files moved in
        self._direct: list = []           # (path or STDOUT, bytes): written as they are
        self._staged: list = []           # every temporary path, removed unless committed
        self._targets: dict = {}          # staged path -> the target path as the user gave it
        self._stdout = stdout
        self.written: list = []

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.discard()
        return False

    def _temporary(self, make):
        with guard.deferred():            # an interrupt here cannot orphan the new path
            path = make()
            self._staged.append(path)
            guard.temporaries.add(path)
        return path

    def file(self, path: str, text: str) -> None:
        """Stage ``text`` (or bytes) for the file ``path`` (see the module's rules)."""
        data = _utf8(text)
        if path == STDOUT or _special(_resolved(path)):
            self._direct.append((path, data))
            return
        real = _resolved(path)
        try:
            st = os.stat(real)
        except FileNotFoundError:
            st = None
        directory = os.path.dirname(real)
        tmp = self._temporary(lambda: _mkstemp(directory))
        fd = os.open(tmp, os.O_WRONLY)
        try:
            _write_all(fd, data)
            os.fsync(fd)
            os.fchmod(fd, stat.S_IMODE(st.st_mode) if st else _new_file_mode())
            if st is not None and (st.st_uid, st.st_gid) != (os.geteuid(), os.getegid()):
                with contextlib.suppress(OSError):
                    os.fchown(fd, st.st_uid, st.st_gid)
        finally:
            os.close(fd)
        self._renames.append((tmp, real))
        self._targets[tmp] = path

    def folder(self, path: str, texts: dict, figures=(), finish=None) -> None:
        """Stage a folder: the text files ``texts`` (name -> text) and the ``figures``; then
        ``finish(staging_folder)``, if given, may add files (e.g. compile the PDF there), so
        that they too appear only with the rest."""
        check_dir_target(path)
        real = _resolved(path)
        exists = os.path.isdir(real)
        # staged inside the existing folder (same file system: the moves are renames), or
        # beside a new one (then the whole folder is renamed into place)
        staging = self._temporary(lambda: tempfile.mkdtemp(prefix=".tmp-", dir=real if exists
                                                           else os.path.dirname(real)))
        with _embeddable_fonts():
            for fig in figures:
                fig.draw(os.path.join(staging, fig.name))
        for name, text in texts.items():            # text, or bytes written as they are
            fd = os.open(os.path.join(staging, name), os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
            try:
                _write_all(fd, _utf8(text))
                os.fsync(fd)
            finally:
                os.close(fd)
        if finish is not None:
            finish(staging)
        os.chmod(staging, 0o777 & ~_umask())              # as a new folder would be
        self._targets[staging] = path
        if exists:
            self._existing_entries(staging, real, path)
            self._moves.append((staging, real))
        else:
            self._renames.append((staging, real))

    def _existing_entries(self, staging: str, real: str, path: str) -> None:
        """The files of a folder follow the rules of single files: where the folder already
        has a symbolic link, a FIFO or a device of a staged file's name, that file is staged
        through :meth:`file` instead (the link followed and kept, the FIFO written to); an
        existing regular file's permission bits are kept."""
        for name in sorted(os.listdir(staging)):
            dest, staged = os.path.join(real, name), os.path.join(staging, name)
            if os.path.islink(dest) or _special(dest):
                data = _read(staged)
                os.unlink(staged)
                self.file(os.path.join(path, name), data)
            elif os.path.isfile(dest):
                os.chmod(staged, stat.S_IMODE(os.stat(dest).st_mode))

    def commit(self) -> list:
        """Move everything staged into place together (an interrupt waits until all of it is
        in place), then write the direct targets (standard output, devices, FIFOs)."""
        if recorder is not None:
            self._record()
        with guard.deferred():
            for staging, real in self._moves:
                for name in sorted(os.listdir(staging)):
                    os.replace(os.path.join(staging, name), os.path.join(real, name))
                    self.written.append(os.path.join(real, name))
            for tmp, real in self._renames:
                os.replace(tmp, real)
                guard.temporaries.discard(tmp)
                self.written.extend([os.path.join(real, name) for name in sorted(os.listdir(real))]
                                    if os.path.isdir(real) else [real])
            self._renames = []
            self.discard()                 # the emptied staging folders
        for path, data in self._direct:
            if path == STDOUT:
                stream = self._stdout or sys.stdout
                stream.flush()
                buffer = getattr(stream, "buffer", None)
                if buffer is not None:
                    buffer.write(data)
                    buffer.flush()
                else:
                    stream.write(data.decode("utf-8"))
                    stream.flush()
            else:
                fd = os.open(_resolved(path), os.O_WRONLY | getattr(os, "O_NOCTTY", 0))
                try:
                    _write_all(fd, data)
                finally:
                    os.close(fd)
            self.written.append(path)
        self._direct = []
        return self.written

    def _record(self) -> None:
        """Tell the recorder every file about to be committed, with its bytes."""
        for tmp, real in self._renames + self._moves:
            if os.path.isdir(tmp):
                recorder.wrote_folder(self._targets[tmp], {name: _read(os.path.join(tmp, name))
                                                           for name in os.listdir(tmp)})
            else:
                recorder.wrote_file(self._targets[tmp], _read(tmp))
        for path, data in self._direct:
            recorder.wrote_file(path, data)

    def discard(self) -> None:
        """Remove whatever is still staged (after a failure or an interrupt)."""
        for path in reversed(self._staged):
            if os.path.isdir(path):
                shutil.rmtree(path, ignore_errors=True)
            elif os.path.lexists(path):
                with contextlib.suppress(OSError):
                    os.unlink(path)
            guard.temporaries.discard(path)
        self._staged = []


def _read(path: str) -> bytes:
    with open(path, "rb") as handle:
        return handle.read()


def _mkstemp(directory: str) -> str:
    fd, tmp = tempfile.mkstemp(prefix=".tmp-", dir=directory)
    os.close(fd)
    return tmp


def write_text_atomic(path: str, text: str) -> None:
    """Write ``text`` to ``path`` (one output, by the module's rules)."""
    with Outputs() as outputs:
        outputs.file(path, text)
        outputs.commit()


def write_folder(path: str, texts: dict, figures=(), finish=None) -> list[str]:
    """Write text files and figures into ``path``: everything is produced in a temporary
    folder first (where ``finish(folder)`` may add more, e.g. a compiled PDF) and moved in
    only when all of it succeeded."""
    with Outputs() as outputs:
        outputs.folder(path, texts, figures, finish)
        return outputs.commit()


def _embeddable_fonts():
    """Figures embed their fonts as TrueType (Type 42), not as Type 3 bitmaps-in-disguise."""
    try:
        import matplotlib
    except ImportError:                                   # no figures without matplotlib anyway
        import contextlib
        return contextlib.nullcontext()
    return matplotlib.rc_context({"pdf.fonttype": 42, "ps.fonttype": 42})


def report_json(checked_by_problem, timings: bool = False) -> str:
    """The JSON report of the design, version 1: one entry per problem (with ``timings``, each
    step's checking time in ``seconds``)."""
    report = {"version": JSON_VERSION,
              "derivations": [checked.as_dict(timings=timings) for _, checked in checked_by_problem]}
    return json.dumps(report, indent=2, ensure_ascii=False) + "\n"


def figure_latex(fig, lang: str = "en", width: str = "0.92\\linewidth") -> str:
    """A figure including ``fig``'s vector PDF, its caption (a catalogue text or a string with
    ``$...$`` mathematics) said in ``lang`` and typeset as LaTeX.  ``[!htb]``: here, or at the
    top or bottom of a page, never alone on a page of its own."""
    from symbolic.latex import prose
    return ("\\begin{figure}[!htb]\n\\centering\n"
            f"\\includegraphics[width={width}]{{{fig.name}.pdf}}\n"
            f"\\caption{{{prose(fig.caption, lang)}}}\n\\end{{figure}}\n")


def latex_sections(checked_by_problem, figures_by_problem=None, lang: str = "en"):
    """``(heading, body)`` pairs for :func:`symbolic.latex.document`, one per problem, every
    part of each derivation, in ``lang``."""
    from symbolic.latex import derivation_latex
    sections = []
    for problem, checked in checked_by_problem:
        body = derivation_latex(checked, level="subsection", lang=lang)
        for fig in (figures_by_problem or {}).get(problem.ID, ()):
            body += "\n" + figure_latex(fig, lang)
        sections.append((problem.TITLE, body))
    return sections


def latex_document(checked_by_problem, figures_by_problem=None, lang: str = "en") -> str:
    """The ``--latex`` document: every part of every derivation, in ``lang``."""
    from symbolic.latex import document
    return document(latex_sections(checked_by_problem, figures_by_problem, lang), lang=lang)


def figures_of(problems, options, lang: str = "en") -> dict:
    """The figures of each problem id, their words in ``lang`` (a problem whose ``figures`` takes
    no language draws them as it can)."""
    import inspect
    out = {}
    for problem in problems:
        if hasattr(problem, "figures"):
            takes_lang = "lang" in inspect.signature(problem.figures).parameters
            out[problem.ID] = tuple(problem.figures(options, lang) if takes_lang else problem.figures(options))
    return out
