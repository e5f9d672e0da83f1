"""Writing results: the JSON report, the LaTeX folder, figures.  Every file is written
atomically (a temporary file renamed into place), and output paths are validated before
any work starts, so a failed run leaves nothing half-written."""
from __future__ import annotations

import json
import os
import shutil
import tempfile

from symbolic.latex import derivation_latex, document, text_latex

__all__ = ["check_file_target", "check_dir_target", "report_json", "write_text_atomic",
           "write_folder", "figure_latex", "latex_sections", "latex_document", "JSON_VERSION"]

JSON_VERSION = 1


def check_file_target(path: str, what: str = "output file") -> None:
    """``ValueError`` unless ``path`` can be written as a file (parent exists and is writable)."""
    if os.path.isdir(path):
        raise ValueError(f"{what} {path!r} is a directory")
    parent = os.path.dirname(os.path.abspath(path))
    if not os.path.isdir(parent):
        raise ValueError(f"cannot write {what} {path!r}: directory {parent!r} does not exist")
    if not os.access(parent, os.W_OK) or (os.path.exists(path) and not os.access(path, os.W_OK)):
        raise ValueError(f"cannot write {what} {path!r}: permission denied")


def check_dir_target(path: str, what: str = "output directory") -> None:
    """``ValueError`` unless ``path`` is (or can be created as) a writable directory."""
    if os.path.exists(path) and not os.path.isdir(path):
        raise ValueError(f"{what} {path!r} exists and is not a directory")
    if os.path.isdir(path):
        if not os.access(path, os.W_OK):
            raise ValueError(f"cannot write to {what} {path!r}: permission denied")
        return
    parent = os.path.dirname(os.path.abspath(path))
    if not os.path.isdir(parent):
        raise ValueError(f"cannot create {what} {path!r}: directory {parent!r} does not exist")
    if not os.access(parent, os.W_OK):
        raise ValueError(f"cannot create {what} {path!r}: permission denied")


def write_text_atomic(path: str, text: str) -> None:
    """Write ``text`` to ``path`` through a temporary file in the same directory."""
    directory = os.path.dirname(os.path.abspath(path))
    fd, tmp = tempfile.mkstemp(prefix=".tmp-", dir=directory)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as handle:
            handle.write(text)
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


def write_folder(path: str, texts: dict, figures=()) -> list[str]:
    """Write text files and figures into ``path``: everything is produced in a temporary
    sibling directory first and moved in only when all of it succeeded."""
    check_dir_target(path)
    parent = os.path.dirname(os.path.abspath(path))
    staging = tempfile.mkdtemp(prefix=".tmp-", dir=parent)
    written = []
    try:
        with _embeddable_fonts():
            for fig in figures:
                fig.draw(os.path.join(staging, fig.name))
        for name, text in texts.items():
            with open(os.path.join(staging, name), "w", encoding="utf-8", newline="\n") as handle:
                handle.write(text)
        os.makedirs(path, exist_ok=True)
        for name in sorted(os.listdir(staging)):
            os.replace(os.path.join(staging, name), os.path.join(path, name))
            written.append(os.path.join(path, name))
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return written


def _embeddable_fonts():
    """Figures embed their fonts as TrueType (Type 42), not as Type 3 bitmaps-in-disguise."""
    try:
        import matplotlib
    except ImportError:                                   # no figures without matplotlib anyway
        import contextlib
        return contextlib.nullcontext()
    return matplotlib.rc_context({"pdf.fonttype": 42, "ps.fonttype": 42})


def report_json(checked_by_problem) -> str:
    """The JSON report of the design, version 1: one entry per problem."""
    report = {"version": JSON_VERSION,
              "derivations": [checked.as_dict() for _, checked in checked_by_problem]}
    return json.dumps(report, indent=2, ensure_ascii=False) + "\n"


def figure_latex(fig, caption: str | None = None) -> str:
    """A floating figure including ``fig``'s vector PDF, with its caption (or ``caption``)."""
    return ("\\begin{figure}[htbp]\n\\centering\n"
            f"\\includegraphics[width=0.92\\linewidth]{{{fig.name}.pdf}}\n"
            f"\\caption{{{text_latex(fig.caption if caption is None else caption)}}}\n\\end{{figure}}\n")


def latex_sections(checked_by_problem, figures_by_problem=None):
    """``(heading, body)`` pairs for :func:`symbolic.latex.document`, one per problem."""
    sections = []
    for problem, checked in checked_by_problem:
        body = derivation_latex(checked, level="subsection")
        for fig in (figures_by_problem or {}).get(problem.ID, ()):
            body += "\n" + figure_latex(fig)
        sections.append((problem.TITLE, body))
    return sections


def latex_document(checked_by_problem, figures_by_problem=None) -> str:
    return document(latex_sections(checked_by_problem, figures_by_problem))
