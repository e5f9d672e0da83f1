"""``dgm-proofs report``: the whole solution set as one LaTeX document (title page, contents,
one section per problem in the homework's order, figures, and a final page of assumptions and
of steps not proved), compiled with two pdflatex passes when pdflatex exists."""
from __future__ import annotations

import os
import re
import shutil
import subprocess

from symbolic.latex import derivation_latex, preamble, text_latex

from . import registry
from .output import check_dir_target, figure_latex, write_folder
from .prose import LATEX_WORDS, PREAMBLE, RESTATEMENT, TEXT, translate

__all__ = ["build_report", "report_latex", "compile_pdf", "overfull_boxes"]


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


def overfull_boxes(log: str, tolerance_pt: float = 10.0) -> list[str]:
    """The overfull hbox warnings of a pdflatex log wider than ``tolerance_pt``."""
    found = re.findall(r"Overfull \\hbox \((\d+(?:\.\d+)?)pt too wide\)[^\n]*", log)
    lines = re.findall(r"Overfull \\hbox \(\d+(?:\.\d+)?pt too wide\)[^\n]*", log)
    return [line for width, line in zip(found, lines) if float(width) > tolerance_pt]


def report_latex(results, figures, lang: str = "en", budget: float | None = None) -> str:
    """The report's ``main.tex``: ``results`` are (problem, checked) pairs in homework order."""
    t = TEXT[lang]
    words = LATEX_WORDS[lang]
    tr = lambda text: translate(text, lang)                    # noqa: E731
    parts = [
        preamble(PREAMBLE[lang]),
        r"\begin{document}",
        r"\begin{titlepage}\centering\vspace*{5cm}",
        rf"{{\LARGE {text_latex(t['title'])}\par}}\vspace{{1cm}}",
        rf"{{\Large {text_latex(t['subtitle'])}\par}}\vspace{{1cm}}",
        rf"{{\large {text_latex(t['author'])}\par}}\vfill",
        r"\end{titlepage}",
        r"\tableofcontents",
        r"\bigskip",
        r"\noindent " + text_latex(t["legend"])
        + (" " + text_latex(t["run_budget"].format(budget=f"{budget:g}")) if budget else ""),
        r"\clearpage",
    ]
    for problem, checked in results:
        parts.append(rf"\section{{{text_latex(tr(problem.TITLE))}}}")
        restated = RESTATEMENT[lang].get(problem.ID)
        if restated:
            parts.append(rf"\paragraph{{{t['problem']}}} {text_latex(restated)}")
        parts.append(derivation_latex(checked, level="subsection", words=words, translate=tr))
        for fig in figures.get(problem.ID, ()):
            parts.append(figure_latex(fig, translate(fig.caption, lang)))
        parts.append(r"\clearpage")
    parts.append(rf"\section*{{{text_latex(t['final'])}}}")
    parts.append(rf"\addcontentsline{{toc}}{{section}}{{{text_latex(t['final'])}}}")
    parts.append(rf"\subsection*{{{text_latex(t['assumptions_used'])}}}")
    for problem, checked in results:
        items = "\n".join(rf"\item {text_latex(tr(a.text))}" for a in checked.derivation.all_assumptions())
        parts.append(rf"\paragraph{{{text_latex(tr(problem.TITLE))}}}" +
                     (f"\n\\begin{{itemize}}\n{items}\n\\end{{itemize}}" if items else ""))
    parts.append(rf"\subsection*{{{text_latex(t['not_proved'])}}}")
    weak = [(problem, k + 1, step, verdict) for problem, checked in results
            for k, (step, verdict) in enumerate(checked.steps) if verdict.status != "proved"]
    if weak:
        parts.append("\\begin{itemize}\n" + "\n".join(
            rf"\item {text_latex(tr(problem.TITLE))}, {t['step']} {k}: {text_latex(tr(step.reason))} "
            rf"--- \textbf{{{words[verdict.status]}}}" for problem, k, step, verdict in weak)
            + "\n\\end{itemize}")
    else:
        parts.append(text_latex(t["none_checked"]))
    parts.append(r"\end{document}")
    return "\n\n".join(parts) + "\n"


def build_report(args, out) -> int:
    """Build, check, write and compile the whole solution set (``dgm-proofs report``)."""
    from .__main__ import build_parser, verdict_cache
    check_dir_target(args.out)
    options = build_parser().parse_args(["run"])
    results, figures = [], {}
    for problem in registry.problems():
        results.append((problem, registry.checked(problem, options, args.budget, verdict_cache(args))))
        if hasattr(problem, "figures"):
            figures[problem.ID] = tuple(problem.figures(options))
    tex = report_latex(results, figures, args.lang, args.budget)
    compiler = shutil.which("pdflatex")

    def compile_staged(folder):                # the PDF appears only with the rest of the folder
        ok, log = compile_pdf(folder)
        if not ok:
            errors = [line for line in log.splitlines() if line.startswith("!")]
            raise ValueError(f"pdflatex failed on {os.path.join(args.out, 'main.tex')}: "
                             f"{errors[0] if errors else 'see main.log'}")

    written = write_folder(args.out, {"main.tex": tex}, [f for figs in figures.values() for f in figs],
                           finish=compile_staged if compiler else None)
    print(f"wrote {len(written)} file(s) to {args.out}", file=out)
    if compiler is None:
        print("pdflatex not found: main.tex written, not compiled", file=out)
    else:
        print(f"compiled {os.path.join(args.out, 'main.pdf')}", file=out)
    statuses = [c.status for _, c in results]
    print(f"{len(results)} problem(s): " + ", ".join(f"{statuses.count(s)} {s}" for s in
                                                      ("proved", "checked", "failed", "unknown")
                                                      if statuses.count(s)), file=out)
    return 0 if all(s in ("proved", "checked") for s in statuses) else 1
