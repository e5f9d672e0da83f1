"""``dgm-proofs report``: the whole solution set as one LaTeX document, compiled when
pdflatex exists."""
from __future__ import annotations

import os
import shutil
import subprocess

from . import registry
from .output import check_dir_target, latex_document, write_folder

__all__ = ["build_report", "compile_pdf"]


def compile_pdf(directory: str, name: str = "main.tex", passes: int = 2) -> tuple[bool, str]:
    """Run pdflatex ``passes`` times in ``directory``; return (success, log text)."""
    log = ""
    for _ in range(passes):
        proc = subprocess.run(["pdflatex", "-interaction=nonstopmode", "-halt-on-error", name],
                              cwd=directory, capture_output=True, text=True, errors="replace",
                              timeout=300, env={**os.environ, "SOURCE_DATE_EPOCH":
                                                os.environ.get("SOURCE_DATE_EPOCH", "0")})
        log = proc.stdout
        if proc.returncode != 0:
            return False, log
    return True, log


def build_report(args, out) -> int:
    from .__main__ import build_parser
    check_dir_target(args.out)
    options = build_parser().parse_args(["run"])
    results, figures = [], {}
    for problem in registry.problems():
        derivation = problem.build(options)
        results.append((problem, derivation.check(budget=args.budget)))
        if hasattr(problem, "figures"):
            figures[problem.ID] = tuple(problem.figures(options))
    written = write_folder(args.out, {"main.tex": latex_document(results, figures)},
                           [f for figs in figures.values() for f in figs])
    print(f"wrote {len(written)} file(s) to {args.out}", file=out)
    if shutil.which("pdflatex") is None:
        print("pdflatex not found: main.tex written, not compiled", file=out)
    else:
        ok, log = compile_pdf(args.out)
        if not ok:
            errors = [line for line in log.splitlines() if line.startswith("!")]
            raise ValueError(f"pdflatex failed: {errors[0] if errors else 'see main.log'}")
        print(f"compiled {os.path.join(args.out, 'main.pdf')}", file=out)
    return 0 if all(c.status in ("proved", "checked") for _, c in results) else 1
