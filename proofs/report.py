"""``dgm-proofs report``: the whole solution set as one LaTeX document, compiled with two
pdflatex passes when pdflatex exists.

Part I (the main part) answers the homework: for each problem in the homework's order, its
question restated (the ``question`` of its catalogue) and its ``main`` sections, ending in the
boxed answers.  Part II (the appendix) holds everything else: each problem's ``appendix``
sections and figures, every assumption used, and the steps only checked.  Every sentence
comes from a catalogue (``proofs/text/report.{en,ru}.toml``, the problems' own, and the
library's vocabulary), so ``--lang ru`` is Russian throughout.  The report takes the
problems' options of ``dgm-proofs run`` (``--values 16``, ``--alpha 1/3`` ...).
"""
from __future__ import annotations

import os
import re
import shutil
import subprocess

from symbolic.latex import header_latex, preamble, prose, sections_latex, word
from symbolic.text import say

from . import registry
from .output import check_dir_target, figure_latex, figures_of, write_folder
from .spec import catalogue

__all__ = ["build_report", "report_latex", "compile_pdf", "overfull_boxes", "underfull_boxes",
           "part_pages", "question"]

T = catalogue("report")
MAIN_LABEL, APPENDIX_LABEL, END_LABEL = "part:main", "part:appendix", "part:end"


def compile_pdf(directory: str, name: str = "main.tex", passes: int = 2) -> tuple[bool, str]:
    """Run pdflatex ``passes`` times in ``directory`` (two: the contents resolve); return
    (success, log).  With ``SOURCE_DATE_EPOCH`` set, the PDF's dates come from it."""
    env = dict(os.environ)
    if "SOURCE_DATE_EPOCH" in env:
        env["FORCE_SOURCE_DATE"] = "1"
    proc = None
    for _ in range(passes):
        proc = subprocess.run(["pdflatex", "-interaction=nonstopmode", "-halt-on-error", name],
                              cwd=directory, capture_output=True, text=True, errors="replace",
                              timeout=600, env=env)
        if proc.returncode != 0:
            break
    log_path = os.path.join(directory, name[:-4] + ".log")
    log = open(log_path, errors="replace").read() if os.path.exists(log_path) else proc.stdout
    return proc.returncode == 0, log


def overfull_boxes(log: str, tolerance_pt: float = 0.0) -> list[str]:
    """The overfull hbox warnings of a pdflatex log wider than ``tolerance_pt``."""
    found = re.findall(r"Overfull \\hbox \((\d+(?:\.\d+)?)pt too wide\)[^\n]*", log)
    lines = re.findall(r"Overfull \\hbox \(\d+(?:\.\d+)?pt too wide\)[^\n]*", log)
    return [line for width, line in zip(found, lines) if float(width) > tolerance_pt]


def underfull_boxes(log: str, badness: int = 10000) -> list[str]:
    """The underfull hbox/vbox warnings of a pdflatex log with at least ``badness``."""
    return [m.group(0) for m in re.finditer(r"Underfull \\[hv]box \(badness (\d+)\)[^\n]*", log)
            if int(m.group(1)) >= badness]


def part_pages(directory: str, name: str = "main") -> dict:
    """Pages of the compiled report, from the labels it sets: ``{'main': n, 'appendix': n,
    'total': n, 'problems': {id: (first, last)}}``; the title and contents page counts in
    ``total`` only, and a problem's ``last`` page may be the next one's ``first``."""
    aux = open(os.path.join(directory, name + ".aux"), errors="replace").read()
    page = {label: int(p) for label, p in re.findall(r"\\newlabel\{([^}]+)\}\{\{[^}]*\}\{(\d+)\}", aux)}
    starts = [(label[len("main:"):], first) for label, first in page.items() if label.startswith("main:")]
    ends = [first for _, first in starts[1:]] + [page[APPENDIX_LABEL] - 1]
    return {"main": page[APPENDIX_LABEL] - page[MAIN_LABEL], "appendix": page[END_LABEL] - page[APPENDIX_LABEL] + 1,
            "total": page[END_LABEL], "problems": {pid: (first, last) for (pid, first), last in zip(starts, ends)}}


def question(problem):
    """The homework's question restated: the problem's ``QUESTION``, or its catalogue's
    ``question`` (``None`` for a problem without one, such as a user's script)."""
    if getattr(problem, "QUESTION", None):
        return problem.QUESTION
    text = getattr(getattr(problem, "SPEC", None), "text", None)
    return text("question") if text is not None and "question" in text.table("en") else None


def _front(lang, budget) -> list[str]:
    """A compact title, the contents and the legend, on one page."""
    legend = prose(T("legend"), lang) + (" " + prose(T("run_budget", budget=f"{budget:g}"), lang) if budget else "")
    return [r"\begin{center}",
            rf"{{\LARGE {prose(T('title'), lang)}\par}}\medskip",
            rf"{{\large {prose(T('subtitle'), lang)}\par}}\smallskip",
            rf"{{\small {prose(T('author'), lang)}\par}}",
            r"\end{center}",
            r"{\small\tableofcontents}",
            r"\medskip\noindent{\small " + legend + "}",
            r"\clearpage"]


def _main_part(results, figures, lang) -> list[str]:
    parts = [_part_heading(prose(T("main_part"), lang), MAIN_LABEL)]
    for problem, checked in results:
        parts.append(rf"\section{{{prose(problem.TITLE, lang)}}}\label{{main:{problem.ID}}}")
        restated = question(problem)
        if restated:
            parts.append(rf"\paragraph{{{prose(T('problem'), lang)}}} {prose(restated, lang)}")
        parts += sections_latex(checked, ("main",), lang, heading="subsubsection*", section_assumptions=True)
        parts += [figure_latex(fig, lang) for fig in figures.get(problem.ID, ()) if _part(fig) == "main"]
    return parts


def _part_heading(title: str, label: str) -> str:
    """A part's heading, one line high (``\\part`` would take a third of a page), in the contents."""
    return (rf"\refstepcounter{{part}}\addcontentsline{{toc}}{{part}}{{\thepart\hspace{{1em}}{title}}}"
            rf"{{\centering\Large\bfseries \partname~\thepart. {title}\par}}\label{{{label}}}\medskip")


def _part(fig) -> str:
    return getattr(fig, "part", "appendix")


def _appendix(results, figures, lang) -> list[str]:
    parts = [r"\clearpage", _part_heading(prose(T("appendix_part"), lang), APPENDIX_LABEL)]
    for problem, checked in results:
        body = sections_latex(checked, ("appendix",), lang, heading="subsubsection*")
        figs = [figure_latex(fig, lang) for fig in figures.get(problem.ID, ()) if _part(fig) == "appendix"]
        parts.append(rf"\section{{{prose(problem.TITLE, lang)}}}")
        parts += header_latex(checked, level=None, lang=lang, assumptions=False) + body + figs
    parts.append(rf"\section{{{prose(T('final_assumptions'), lang)}}}")
    for problem, checked in results:
        listed = checked.derivation.all_assumptions()
        parts.append(rf"\paragraph{{{prose(problem.TITLE, lang)}}} "
                     + "; ".join(prose(a.text, lang) for a in listed) + ("." if listed else ""))
    parts.append(rf"\section{{{prose(T('not_proved'), lang)}}}")
    weak = [(problem, k + 1, step, verdict) for problem, checked in results
            for k, (step, verdict) in enumerate(checked.steps) if verdict.status != "proved"]
    parts.append("\\begin{itemize}\n" + "\n".join(
        rf"\item {prose(problem.TITLE, lang)}, {prose(T('step'), lang)} {k}: {prose(step.reason, lang)} "
        rf"--- \textbf{{{word(verdict.status, lang)}}}" for problem, k, step, verdict in weak)
        + "\n\\end{itemize}" if weak else prose(T("none_checked"), lang))
    parts.append(rf"\label{{{END_LABEL}}}")
    return parts


def report_latex(results, figures, lang: str = "en", budget: float | None = None) -> str:
    """The report's ``main.tex``: ``results`` are (problem, checked) pairs in homework order,
    ``figures`` the figures of each problem id (drawn in ``lang``)."""
    parts = [preamble(lang=lang), r"\begin{document}"]
    parts += _front(lang, budget) + _main_part(results, figures, lang) + _appendix(results, figures, lang)
    parts.append(r"\end{document}")
    return "\n\n".join(parts) + "\n"


def build_report(args, out) -> int:
    """Build, check, write and compile the whole solution set (``dgm-proofs report``).
    ``args`` holds the output options and every problem's options, as ``run`` takes them."""
    check_dir_target(args.out)
    problems = registry.problems()
    for problem in problems:                       # the checks between options, before building
        if hasattr(problem, "validate"):
            problem.validate(args)
    results = list(zip(problems, registry.checked_all(problems, args, args.budget,
                                                      registry.verdict_cache(args))))
    figures = figures_of(problems, args, args.lang)
    tex = report_latex(results, figures, args.lang, args.budget)
    compiled = []                                  # the PDF appears only with the rest of the folder
    finish = (lambda folder: compiled.append(_compile(folder, args.out, args.lang))) if shutil.which("pdflatex") \
        else None
    written = write_folder(args.out, {"main.tex": tex}, [f for figs in figures.values() for f in figs],
                           finish=finish)
    print(say(T("wrote", count=len(written), folder=args.out), args.lang), file=out)
    print(compiled[0] if compiled else say(T("no_pdflatex"), args.lang), file=out)
    statuses = [c.status for _, c in results]
    counts = [word("status_count", args.lang, count=statuses.count(s), status=word("status_word_" + s, args.lang))
              for s in ("proved", "checked", "failed", "unknown") if statuses.count(s)]
    print(say(T("problems", count=len(results), statuses=", ".join(counts)), args.lang), file=out)
    return 0 if all(s in ("proved", "checked") for s in statuses) else 1


def _compile(folder, shown, lang: str = "en") -> str:
    """Compile ``folder/main.tex`` (the staging folder of ``shown``); the line that says so."""
    ok, log = compile_pdf(folder)
    if not ok:
        errors = [line for line in log.splitlines() if line.startswith("!")]
        raise ValueError(f"pdflatex failed on {os.path.join(shown, 'main.tex')}: "
                         f"{errors[0] if errors else 'see main.log'}")
    pages = part_pages(folder)
    ranges = ", ".join(say(T("problem_pages", id=pid, first=a, last=b), lang)
                       for pid, (a, b) in pages["problems"].items())
    return say(T("compiled", pdf=os.path.join(shown, "main.pdf"), total=pages["total"], main=pages["main"],
                 ranges=ranges, appendix=pages["appendix"]), lang)
