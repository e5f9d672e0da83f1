r"""``dgm-proofs check FILE [FILE ...] [--json OUT] [--latex DIR] [--budget S]``: a student's
own LaTeX or Markdown solution, every displayed step checked.

The files are read by :mod:`symbolic.reader` (all of them before any checking, so a file
that cannot be read stops the command with exit status 2 and nothing written), every
step of every file is decided by :func:`symbolic.check.verify_many` in one batch, and the
result is printed, written as JSON (``--json``) and as annotated copies of the files
(``--latex``: each step marked in the margin, compiled when ``pdflatex`` exists).
"""
from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

import sympy as sp

from symbolic.check import DEFAULT_BUDGET, claim, verify_many, weakest
from symbolic.latex import text_latex
from symbolic.reader import read_file

from .output import JSON_VERSION, Outputs, check_dir_target, check_file_target, check_no_overlap

__all__ = ["add_parser", "run_check", "check_files", "report_dict", "terminal_text",
           "annotated_latex", "annotated_markdown"]

MARKS = {"proved": "✓ proved ", "checked": "~ CHECKED numerically only", "failed": "✗ FAILED ",
         "unknown": "? UNKNOWN "}
ASCII_MARKS = {"proved": "[ok] proved", "checked": "[~] CHECKED numerically only",
               "failed": "[X] FAILED", "unknown": "[?] UNKNOWN"}
_REL_SHOWN = {"==": "=", "<=": r"\le", "<": "<", ">=": r"\ge", ">": ">"}


def add_parser(sub, budget_type, cache_option=None) -> None:
    """The ``check`` subcommand's arguments (``sub``: argparse subparsers)."""
    check = sub.add_parser("check", help="check a LaTeX or Markdown solution, step by step")
    check.add_argument("files", nargs="+", metavar="FILE", help=".tex or .md files")
    check.add_argument("--json", metavar="FILE", help="write the JSON report (version 1)")
    check.add_argument("--latex", metavar="DIR",
                       help="write an annotated copy of each file to DIR (and its PDF when pdflatex exists)")
    check.add_argument("--budget", type=budget_type, default=DEFAULT_BUDGET, metavar="S",
                       help=f"seconds allowed per step before it is 'unknown' (default {DEFAULT_BUDGET:g}, "
                            f"at most {budget_type.maximum:g})")
    if cache_option is not None:
        cache_option(check)


# --------------------------------------------------------------------------- checking

class CheckedFile:
    """A read solution with the verdict of each of its steps."""

    def __init__(self, solution, verdicts):
        self.solution, self.verdicts = solution, list(verdicts)

    @property
    def status(self) -> str:
        return weakest(v.status for v in self.verdicts)


def check_files(paths, budget: float | None = DEFAULT_BUDGET, cache=None) -> list[CheckedFile]:
    """Read every file (``ValueError`` naming file and line when one cannot be read), then
    decide all their steps in one batch (``cache``: a :class:`symbolic.cache.VerdictCache`)."""
    solutions = [read_file(p) for p in paths]
    jobs, owners = [], []
    for index, solution in enumerate(solutions):
        assumptions = solution.assumptions()
        for step in solution.steps:
            try:
                jobs.append(claim(step.lhs, step.rhs, assumptions, relation=step.relation))
            except (TypeError, ValueError) as exc:
                raise ValueError(f"{step.file}:{step.line}: {exc}") from None
            owners.append(index)
    verdicts = verify_many(jobs, budget=budget, cache=cache) if jobs else []
    per_file = [[] for _ in solutions]
    for owner, verdict in zip(owners, verdicts):
        per_file[owner].append(verdict)
    return [CheckedFile(s, v) for s, v in zip(solutions, per_file)]


def _value(v) -> str:
    if isinstance(v, sp.Basic):
        if v.is_Float:
            return sp.sstr(sp.Float(v, 15))
        return sp.sstr(v)
    return str(v)


def _step_dict(step, verdict) -> dict:
    return {"file": step.file, "line": step.line, "relation": step.relation,
            "lhs": step.lhs_tex, "rhs": step.rhs_tex, "status": verdict.status,
            "method": verdict.method,
            "counterexample": None if verdict.status != "failed" or verdict.counterexample is None
            else {str(k): _value(v) for k, v in verdict.counterexample.items()},
            "values": None if verdict.status != "failed" or not verdict.values
            else [_value(v) for v in verdict.values],
            "detail": verdict.detail or ""}


def overall(checked) -> str:
    return weakest(c.status for c in checked)


def report_dict(checked) -> dict:
    """The JSON report: ``{"version": 1, "files": [...], "steps": [...], "status": ...}``."""
    files, steps = [], []
    for c in checked:
        s = c.solution
        files.append({"file": s.file, "kind": s.kind, "status": c.status, "steps": len(s.steps),
                      "assumptions": s.assumed(), "undeclared_real": list(s.undeclared)})
        steps.extend(_step_dict(st, v) for st, v in zip(s.steps, c.verdicts))
    return {"version": JSON_VERSION, "files": files, "steps": steps, "status": overall(checked)}


# --------------------------------------------------------------------------- terminal

def _short(tex: str, width: int) -> str:
    tex = re.sub(r"\s+", " ", tex)
    return tex if len(tex) <= width else tex[:width - 1] + "…"


def _counts(verdicts) -> str:
    counts = {}
    for v in verdicts:
        counts[v.status] = counts.get(v.status, 0) + 1
    return ", ".join(f"{counts[s]} {s}" for s in ("proved", "checked", "failed", "unknown") if s in counts)


def terminal_text(checked, unicode: bool = True) -> str:
    marks = MARKS if unicode else ASCII_MARKS
    out = []
    for c in checked:
        s = c.solution
        out.append(f"== {s.file} ==")
        if not s.steps:
            out.append("  no displayed relations to check")
            out.append("")
            continue
        assumed = s.assumed()
        if assumed:
            out.append("Assumed: " + "; ".join(assumed))
        if s.undeclared:
            out.append("Taken as real (declared nowhere): " + ", ".join(s.undeclared))
        for step, verdict in zip(s.steps, c.verdicts):
            claim_tex = f"{step.lhs_tex} {_REL_SHOWN[step.relation]} {step.rhs_tex}"
            out.append(f"  line {step.line:<4d} {marks[verdict.status]:<27s}[{verdict.method}]  "
                       f"{_short(claim_tex, 70)}")
            if verdict.status == "failed":
                point = ", ".join(f"{k} = {_value(v)}" for k, v in (verdict.counterexample or {}).items())
                text = f"counterexample: {point}" if point else "false as written"
                if verdict.values:
                    text += f"; left side {_value(verdict.values[0])}, right side {_value(verdict.values[1])}"
                out.append("             " + text)
            elif verdict.status == "unknown" and verdict.detail:
                out.append("             " + _short(verdict.detail, 100))
        out.append(f"{s.file}: {c.status} ({len(s.steps)} steps: {_counts(c.verdicts)})")
        out.append("")
    total = [v for c in checked for v in c.verdicts]
    if total:
        out.append(f"Status: {overall(checked)} ({len(total)} steps in {len(checked)} file"
                   f"{'s' if len(checked) != 1 else ''}: {_counts(total)})")
    else:
        out.append("Status: no displayed relations to check")
    return "\n".join(out)


# --------------------------------------------------------------------------- annotated copies

_MACROS = "\n".join([
    r"\usepackage{amsmath}\usepackage{amssymb}\usepackage{xcolor}",
    r"\providecommand{\dgmproved}{\textcolor[rgb]{0,0.45,0}{$\checkmark$\,proved}}",
    r"\providecommand{\dgmchecked}{\textcolor[rgb]{0.75,0.4,0}{$\sim$\,checked numerically}}",
    r"\providecommand{\dgmfailed}{\textcolor[rgb]{0.8,0,0}{\textbf{$\times$\,FAILED}}}",
    r"\providecommand{\dgmunknown}{\textcolor[rgb]{0.35,0.35,0.35}{?\,undecided}}",
])
_PER_ROW = ("align", "align*", "gather", "gather*", "flalign", "flalign*", "eqnarray", "eqnarray*")


def _mark(verdict) -> str:
    return {"proved": r"\dgmproved", "checked": r"\dgmchecked", "failed": r"\dgmfailed",
            "unknown": r"\dgmunknown"}[verdict.status]


def _tag(pairs) -> str:
    return r" \tag*{\footnotesize " + r"\ ".join(_mark(v) for _, v in pairs) + "}"


def _num_tex(v) -> str:
    return sp.latex(sp.Float(v, 6) if isinstance(v, sp.Float) else v)


def _note(pairs) -> str:
    """The failed steps of a display, explained under it."""
    lines = []
    for step, v in pairs:
        if v.status != "failed":
            continue
        point = ", ".join(f"${sp.latex(sp.Symbol(k)) if str(k).isidentifier() else text_latex(str(k))}"
                          f" = {_num_tex(val) if isinstance(val, sp.Basic) else text_latex(str(val))}$"
                          for k, val in (v.counterexample or {}).items())
        text = f"line {step.line}: " + (f"fails at {point}" if point else "false as written")
        if v.values:
            text += (f"; left side ${_num_tex(v.values[0])}$, right side ${_num_tex(v.values[1])}$"
                     if all(isinstance(x, sp.Basic) for x in v.values) else "")
        lines.append(r"\noindent{\small\textcolor[rgb]{0.8,0,0}{$\times$ " + text + "}}")
    return ("\n\\par" + "\\par\n".join(lines) + "\\par\\smallskip\n") if lines else ""


def _annotate_displays(text, solution, verdicts, convert_prose=None):
    """The text with each display tagged; ``convert_prose`` turns the prose between displays
    into LaTeX (Markdown) or is None (LaTeX: kept as is)."""
    by_display = {}
    for step, v in zip(solution.steps, verdicts):
        by_display.setdefault(step.display, []).append((step, v))
    out, pos = [], 0
    for index, (start, end, env, rows) in enumerate(solution.displays):
        open_len = {"$$": 2, "\\[": 2}.get(env)
        if open_len is None:
            m = re.search(r"\\begin\s*\{[^}]*\}\s*$", text[:start])
            open_start = m.start()
        else:
            open_start = start - open_len
        close = re.compile(r"\\end\s*\{" + re.escape(env) + r"\}") if env not in ("$$", "\\[") else \
            re.compile(re.escape("$$" if env == "$$" else "\\]"))
        close_match = close.match(text, end)
        close_end = close_match.end() if close_match else end
        prose = text[pos:open_start]
        out.append(convert_prose(prose) if convert_prose else prose)
        pairs = by_display.get(index, [])
        body = text[start:end]
        if pairs:
            if env in _PER_ROW:
                pieces, last = [], start
                rows_steps = {}
                for step, v in pairs:
                    rows_steps.setdefault(step.row, []).append((step, v))
                for r_index, (rs, re_) in enumerate(rows):
                    segment = text[last:re_]
                    if r_index in rows_steps:
                        segment = re.sub(r"\\(?:nonumber|notag)(?![a-zA-Z])|\\tag\*?\s*\{[^{}]*\}", "", segment)
                        segment = segment.rstrip() + _tag(rows_steps[r_index]) + " "
                    pieces.append(segment)
                    last = re_
                pieces.append(text[last:end])
                body = "".join(pieces)
            else:
                body = re.sub(r"\\(?:nonumber|notag)(?![a-zA-Z])|\\tag\*?\s*\{[^{}]*\}", "", body)
                body = body.rstrip() + _tag(pairs) + "\n"
        if env == "$$":
            out.append("\\[" + body + "\\]")
        else:
            out.append(text[open_start:start] + body + text[end:close_end])
        out.append(_note(pairs))
        pos = close_end
    tail = text[pos:]
    out.append(convert_prose(tail) if convert_prose else tail)
    return "".join(out)


def _summary_latex(c) -> str:
    s = c.solution
    words = {"proved": "all steps proved", "checked": "every step proved or checked numerically",
             "failed": "a step FAILED", "unknown": "some steps undecided"}[c.status]
    lines = [rf"\noindent\textbf{{dgm-proofs check}}: {text_latex(os.path.basename(s.file))}, "
             rf"{len(s.steps)} steps ({text_latex(_counts(c.verdicts)) or 'none'}): {words}."]
    d, assumed = s.declarations, []
    assumed += [f"${tex}$ (line {line})" for line, tex in d.assume_tex]
    for word, names in (("integer", d.integer), ("positive", d.positive), ("real", d.real)):
        if names:
            assumed.append(f"{word}: " + ", ".join(f"${_name_tex(n)}$" for n in sorted(names)))
    assumed += [f"${_name_tex(n)}$ integer ({text_latex(why)})" for n, why in sorted(s.inferred.items())]
    if d.functions:
        assumed.append("functions: " + ", ".join(f"${n}$" for n in sorted(d.functions)))
    if assumed:
        lines.append("Assumed: " + "; ".join(assumed) + ".")
    if s.undeclared:
        lines.append("Taken as real (declared nowhere): "
                     + ", ".join(f"${_name_tex(n)}$" for n in s.undeclared) + ".")
    return "\n".join(lines) + "\\par\\medskip\n"


def _name_tex(name: str) -> str:
    try:
        return sp.latex(sp.Symbol(name))
    except Exception:
        return r"\text{" + text_latex(name) + "}"


def annotated_latex(c) -> str:
    """A LaTeX copy of a ``.tex`` solution with every step marked in the margin (a tag on the
    step's row), the failed ones explained under their display, and a summary at the top."""
    s = c.solution
    body = _annotate_displays(s.text, s, c.verdicts)
    m = re.search(r"\\begin\s*\{document\}", body)
    if m and re.search(r"\\documentclass", body[:m.start()]):
        return (body[:m.start()] + _MACROS + "\n" + m.group(0) + "\n" + _summary_latex(c)
                + body[m.end():])
    return (r"\documentclass[11pt]{article}" + "\n" + _MACROS + "\n\\begin{document}\n"
            + _summary_latex(c) + body + "\n\\end{document}\n")


def _markdown_prose(text: str) -> str:
    out = []
    for line in text.split("\n"):
        heading = re.match(r"\s*(#{1,6})\s+(.*)", line)
        line = re.sub(r"\*\*(.+?)\*\*|__(.+?)__", lambda m: m.group(1) or m.group(2), line)
        line = re.sub(r"(?<![\\*])\*(?!\s)(.+?)\*", r"\1", line)
        try:
            tex = text_latex(heading.group(2) if heading else line)
        except ValueError:
            tex = text_latex((heading.group(2) if heading else line).replace("$", r"\$"))
        out.append(rf"\section*{{{tex}}}" if heading else tex)
    return "\n".join(out)


def annotated_markdown_latex(c) -> str:
    """A LaTeX rendering of a Markdown solution (prose, headings, the displays marked)."""
    body = _annotate_displays(c.solution.text, c.solution, c.verdicts, _markdown_prose)
    return (r"\documentclass[11pt]{article}" + "\n" + _MACROS + "\n\\begin{document}\n"
            + _summary_latex(c) + body + "\n\\end{document}\n")


def annotated_markdown(c) -> str:
    """A Markdown copy with a quoted status line under every display."""
    s = c.solution
    by_display = {}
    for step, v in zip(s.steps, c.verdicts):
        by_display.setdefault(step.display, []).append((step, v))
    lines_after = {}
    for index, (start, end, env, rows) in enumerate(s.displays):
        pairs = by_display.get(index)
        if not pairs:
            continue
        close = s.text.find("$$", end) + 2 if env == "$$" else s.text.find("\n", end)
        notes = []
        for step, v in pairs:
            note = f"> line {step.line}: {MARKS[v.status].strip()} ({v.method})"
            if v.status == "failed" and v.counterexample is not None:
                point = ", ".join(f"{k} = {_value(x)}" for k, x in v.counterexample.items())
                note += f" at {point}" if point else ""
                if v.values:
                    note += f": left side {_value(v.values[0])}, right side {_value(v.values[1])}"
            notes.append(note)
        lines_after[close if close > 0 else end] = "\n\n" + "  \n".join(notes) + "\n"
    out, pos = [], 0
    for at in sorted(lines_after):
        out.append(s.text[pos:at])
        out.append(lines_after[at])
        pos = at
    out.append(s.text[pos:])
    return "".join(out)


class _Copied:
    """A file produced elsewhere, copied into the output folder while it is staged (:meth:`Outputs.folder`)."""

    def __init__(self, name, source):
        self.name, self.source = name, source

    def draw(self, path):
        shutil.copyfile(self.source, path)


def _compile(texts: dict, workdir: str):
    """Compile each ``.tex`` with pdflatex in ``workdir``: (pdfs, failures)."""
    pdfs, failures = [], []
    for name, tex in texts.items():
        if not name.endswith(".tex"):
            continue
        with open(os.path.join(workdir, name), "w", encoding="utf-8", errors="replace") as handle:
            handle.write(tex)                  # a non-UTF-8 file name shows as '?' in the copy
        try:
            proc = subprocess.run(["pdflatex", "-interaction=nonstopmode", "-halt-on-error", name],
                                  cwd=workdir, capture_output=True, text=True, errors="replace",
                                  timeout=60)        # a looping macro must not hold the command
            ok = proc.returncode == 0
        except (OSError, subprocess.TimeoutExpired):
            ok = False
        pdf = os.path.join(workdir, name[:-4] + ".pdf")
        if ok and os.path.exists(pdf):
            pdfs.append(_Copied(name[:-4] + ".pdf", pdf))
        else:
            failures.append(name)
    return pdfs, failures


def _output_names(checked) -> list[str]:
    names, seen = [], set()
    for c in checked:
        stem = os.path.splitext(os.path.basename(c.solution.file))[0] or "solution"
        stem = re.sub(r"[^A-Za-z0-9_.-]", "_", stem)
        candidate, k = stem, 2
        while candidate in seen:
            candidate, k = f"{stem}-{k}", k + 1
        seen.add(candidate)
        names.append(candidate)
    return names


def write_latex(directory: str, checked, outputs) -> tuple[list[str], list[str]]:
    """Stage the annotated copies (and their PDFs when pdflatex exists) in ``outputs`` (an
    :class:`proofs.output.Outputs`), to appear with the command's other outputs when it
    commits; returns (file names, copies not compiled)."""
    texts = {}
    for stem, c in zip(_output_names(checked), checked):
        if c.solution.kind == "md":
            texts[stem + ".md"] = annotated_markdown(c)
            texts[stem + ".tex"] = annotated_markdown_latex(c)
        else:
            texts[stem + ".tex"] = annotated_latex(c)
    figures, failures = [], []
    with tempfile.TemporaryDirectory(prefix="dgm-check-") as work:
        if shutil.which("pdflatex"):
            figures, failures = _compile(texts, work)
        outputs.folder(directory, texts, figures)        # the PDFs are copied in while staging
    return sorted(list(texts) + [f.name for f in figures]), failures


# --------------------------------------------------------------------------- the command

def run_check(args, out, unicode: bool = True) -> int:
    """Run ``dgm-proofs check``; return the exit status (0, 1; bad input raises ValueError).
    An empty output path is refused; ``--json -`` writes the JSON alone to standard output
    and the terminal report to standard error."""
    if args.json is not None:
        check_file_target(args.json, "JSON file")
    if args.latex is not None:
        check_dir_target(args.latex, "LaTeX directory")
    check_no_overlap(args.json, args.latex, [f for f in args.files if os.path.isfile(f)])
    from .registry import verdict_cache
    checked = check_files(args.files, budget=args.budget, cache=verdict_cache(args))
    to_stdout = args.json == "-"
    report = sys.stderr if to_stdout else out
    print(terminal_text(checked, unicode=unicode), file=report)
    text = json.dumps(report_dict(checked), indent=2, ensure_ascii=False) + "\n"
    with Outputs(stdout=out) as outputs:        # staged, then moved into place together
        if args.json is not None:
            outputs.file(args.json, text)
        if args.latex is not None:
            written, failures = write_latex(args.latex, checked, outputs)
        outputs.commit()
    if args.json is not None and not to_stdout:
        print(f"JSON report written to {args.json}", file=out)
    out = report
    if args.latex is not None:
        print(f"Annotated copies written to {args.latex}: " + ", ".join(written), file=out)
        if not shutil.which("pdflatex"):
            print("pdflatex not found: the .tex copies were not compiled", file=out)
        for name in failures:
            print(f"pdflatex could not compile {name} (the .tex is written)", file=out)
    steps = [v for c in checked for v in c.verdicts]
    return 0 if all(v.status in ("proved", "checked") for v in steps) else 1
