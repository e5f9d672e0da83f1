"""The solution-set report: both languages build and compile cleanly, every problem is there in
homework order with its question, the main part comes before the appendix and fits the page
budget, the mathematics is identical between languages, and the Russian PDF is Russian."""
import argparse
import os
import re
import shutil
import subprocess

import pytest

from proofs import registry
from proofs.__main__ import main
from proofs.report import overfull_boxes, part_pages, question, underfull_boxes
from symbolic.text import say

# the default derivations are checked once per process and shared (proofs.registry);
# keeping these files on one xdist worker lets them share that work
pytestmark = pytest.mark.xdist_group("derivations")

MAIN_PAGES = 12                 # the budget for the main part of the whole set
NON_DEFAULT = ["--values", "16", "--alpha", "1/3", "--m", "5", "--hidden", "4,3"]

# Latin words a Russian report may contain: proper names and abbreviations, and the names of
# operators in formulas.  pdftotext cannot tell a formula's letters from prose, so short
# Latin tokens (M_ij comes out as "Mij") count only when they are English words.
ALLOWED_LATIN = {
    "SymPy", "MADE", "PixelCNN", "KL", "ELBO", "MNIST", "dgm", "proofs", "mpmath", "VAE", "CDF", "PDF",
    "ln", "log", "exp", "det", "tr", "lim", "max", "min", "sup", "inf", "sgn", "diag", "numel",
    "softmax", "sigmoid", "argmax", "const", "tanh", "Var", "Cov", "adj", "Hermite", "Gauss",
    "Cholesky", "Schwartz", "Zippel", "Kullback", "Leibler", "Monte", "Carlo", "Jensen", "Taylor",
    "Hopital", "L'Hôpital", "Bernoulli", "Laplace", "Fubini", "Lebesgue", "Rao", "Blackwell",
}
SHORT_ENGLISH = set("""a an the and or of is are at to in on for by with as so if its it be not all any per one
two has from we this that than then each when which but no yes""".split())


_MATH = re.compile(r"(?<!\\)\$[^$]*\$|\\\[.*?\\\]|\\begin\{align\*\}.*?\\end\{align\*\}", re.S)
_OPERATORS = "min|max|ln|log|exp|det|tr|lim|sup|inf|sgn|operatorname|mathrm|mathcal|mathbb|mathbf"


def math_tokens(tex) -> set:
    """The Latin letter runs pdftotext may make of the formulas of ``tex`` (``K_{\\min}`` gives
    ``Kmin``): letters of symbols and operator names, glued across sub- and superscripts.
    Words in ``\\text{...}`` and ``\\intertext{...}`` are prose, and are not among them."""
    tokens = set()
    for span in _MATH.findall(tex):
        prose_lines = [line for line in span.splitlines() if line.lstrip().startswith("\\intertext")]
        tokens |= set().union(*(math_tokens(line[line.index("{"):]) for line in prose_lines))
        span = "\n".join(line for line in span.splitlines() if line not in prose_lines)
        span = re.sub(r"\\(text|textbf|mbox|intertext)\{([^{}]|\{[^{}]*\})*\}", "|", span)
        span = re.sub(r"\\(?!(%s)\b)[A-Za-z]+" % _OPERATORS, "|", span)
        span = re.sub(r"\\(%s)\b" % _OPERATORS, lambda m: "" if m.group(1).startswith(("op", "math"))
                      else m.group(1), span)
        for glued in (re.sub(r"[_^{}\s]", "", span), re.sub(r"[_^{}]", "", span)):
            tokens |= set(re.findall(r"[A-Za-z]+", glued))
    return tokens


def english_words(folder) -> list:
    """English in a compiled report's text (pdftotext): Latin words of four letters or more, and
    short English words, that are neither on the allow-list nor letters of its formulas."""
    text = subprocess.run(["pdftotext", "-enc", "UTF-8", str(folder / "main.pdf"), "-"],
                          capture_output=True, text=True, check=True).stdout
    allowed = ALLOWED_LATIN | math_tokens((folder / "main.tex").read_text())
    return sorted({w for w in re.findall(r"[A-Za-z]+", text) if w not in allowed
                   and (len(w) >= 4 or w.lower() in SHORT_ENGLISH and len(w) > 1)})


def test_math_tokens_keep_formulas_and_leave_prose():
    tex = r"the $K_{\min} \ge \pi_{whcv}$ and \[\boxed{\text{model 1: shape } M_{ij}}\]"
    assert {"Kmin", "whcv", "Mij"} <= math_tokens(tex) and "model" not in math_tokens(tex)
    assert "shape" not in math_tokens(tex) and "the" not in math_tokens(tex)


def build(folder, lang, extra=()):
    """``dgm-proofs report`` into ``folder``; its exit status."""
    with open(os.devnull, "w") as sink:
        return main(["report", "--out", str(folder), "--lang", lang, *extra], out=sink)


@pytest.fixture(scope="module")
def non_default(tmp_path_factory):
    """The Russian report with parameters other than the defaults."""
    folder = tmp_path_factory.mktemp("report") / "ru-non-default"
    return build(folder, "ru", NON_DEFAULT), folder


@pytest.fixture(scope="module")
def reports(tmp_path_factory):
    """Both reports with the default parameters, built once (the checks are shared through the
    registry's memo)."""
    root = tmp_path_factory.mktemp("report")
    return {lang: (build(root / lang, lang), root / lang) for lang in ("en", "ru")}


def test_reports_build_and_exit_cleanly(reports):
    for lang, (status, folder) in reports.items():
        assert status == 0, lang
        assert (folder / "main.tex").exists()


def test_the_reports_share_the_verdicts_of_the_derivation_tests(reports, monkeypatch):
    # the folder the command line uses under the session's XDG_CACHE_HOME (where the report
    # fixtures ran) is the session's verdict cache: the reports decide no claim again that the
    # derivation tests decided
    from conftest import SESSION_CACHE, session_verdicts
    monkeypatch.setenv("XDG_CACHE_HOME", SESSION_CACHE)
    command_line = registry.verdict_cache(argparse.Namespace(no_cache=False))
    assert command_line.store.folder == session_verdicts().store.folder
    assert len(session_verdicts()) > 100


def test_every_problem_is_there_in_homework_order_with_its_question(reports):
    for lang, (_, folder) in reports.items():
        tex = (folder / "main.tex").read_text()
        main_part = tex[:tex.index(r"\label{part:appendix}")]
        positions = [main_part.index(say(p.TITLE, lang).split("$")[0].replace("_", r"\_"))
                     for p in registry.problems()]
        assert positions == sorted(positions), lang
        for p in registry.problems():
            assert question(p) is not None, p.ID
        assert main_part.count(r"\boxed{") >= 5 and r"\tableofcontents" in tex


def test_figures_are_written_and_included(reports):
    for lang, (_, folder) in reports.items():
        tex = (folder / "main.tex").read_text()
        for name in re.findall(r"\\includegraphics\[[^]]*\]\{([^}]+)\}", tex):
            assert (folder / name).exists(), name
            assert name.endswith(".pdf")                       # vector figures


def test_pdf_compiles_without_errors_overfull_or_badness_10000_boxes(reports, pdflatex):
    for lang, (_, folder) in reports.items():
        log = (folder / "main.log").read_text(errors="replace")
        assert "\n! " not in log, lang
        assert overfull_boxes(log) == [], (lang, overfull_boxes(log)[:5])
        assert underfull_boxes(log) == [], (lang, underfull_boxes(log)[:5])


def test_main_part_fits_the_page_budget(reports, pdflatex):
    for lang, (_, folder) in reports.items():
        pages = part_pages(folder)
        assert 1 <= pages["main"] <= MAIN_PAGES, (lang, pages)
        assert pages["appendix"] >= 1 and pages["total"] > pages["main"], (lang, pages)


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="needs pdftotext (poppler-utils)")
def test_no_near_empty_pages(reports, pdflatex):
    """Figures sit with their text: only the last page of each part may be short."""
    for lang, (_, folder) in reports.items():
        pages = part_pages(folder)
        text = subprocess.run(["pdftotext", "-layout", str(folder / "main.pdf"), "-"], capture_output=True,
                              text=True, check=True).stdout.split("\f")[:pages["total"]]
        lines = [len(page.strip().splitlines()) for page in text]
        last_of_part = {pages["total"] - pages["appendix"], pages["total"]}
        short = [(k + 1, n) for k, n in enumerate(lines) if n < 15 and k + 1 not in last_of_part]
        assert short == [], (lang, short)


def test_russian_report_has_the_same_mathematics(reports):
    en = (reports["en"][1] / "main.tex").read_text()
    ru = (reports["ru"][1] / "main.tex").read_text()
    assert r"\usepackage[russian]{babel}" in ru and "Условие" in ru
    assert "babel" not in en
    assert math_of(en) == math_of(ru) and len(math_of(en)) > 50


def math_of(tex):
    """The displayed mathematics of a report: align* rows (without reasons and tags)."""
    rows = []
    for block in re.findall(r"\\begin\{align\*\}(.*?)\\end\{align\*\}", tex, re.S):
        rows += [line.split(r"\tag*")[0] for line in block.splitlines() if not line.startswith(r"\intertext")]
    return rows


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="needs pdftotext (poppler-utils)")
def test_russian_pdf_has_no_english_words(reports, pdflatex):
    assert english_words(reports["ru"][1]) == []
    for lang, (_, folder) in reports.items():          # no markup printed as text
        text = subprocess.run(["pdftotext", "-enc", "UTF-8", str(folder / "main.pdf"), "-"],
                              capture_output=True, text=True, check=True).stdout
        assert not re.search(r"[˜~\\$]|\btextbackslash|\bmathrm\b|\bfrac\b", text), lang
    assert len(english_words(reports["en"][1])) > 100     # the test sees English


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="needs pdftotext (poppler-utils)")
def test_russian_report_with_other_parameters_has_no_english_words(non_default, pdflatex):
    status, folder = non_default
    assert status == 0
    tex = (folder / "main.tex").read_text()
    assert r"\iff K \ge 6" in tex                      # --values 16: the mixture is larger from K = 6
    assert english_words(folder) == []
    log = (folder / "main.log").read_text(errors="replace")
    assert overfull_boxes(log) == [] and underfull_boxes(log) == []


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="needs pdftotext (poppler-utils)")
def test_run_latex_in_russian_is_russian(tmp_path, pdflatex):
    with open(os.devnull, "w") as sink:
        assert main(["run", "output-size", "--values", "16", "--latex", str(tmp_path), "--lang", "ru"],
                    out=sink) == 0
    tex = (tmp_path / "main.tex").read_text()
    assert r"\usepackage[russian]{babel}" in tex and "выводы с машинной проверкой" in tex
    pdflatex(tmp_path)
    assert english_words(tmp_path) == []


def test_without_pdflatex_the_tex_is_still_written(tmp_path, monkeypatch, capsys):
    import proofs.report as report
    monkeypatch.setattr(report.shutil, "which", lambda name: None)
    assert main(["report", "--out", str(tmp_path / "r")]) == 0
    assert (tmp_path / "r" / "main.tex").exists() and not (tmp_path / "r" / "main.pdf").exists()
    assert "pdflatex not found" in capsys.readouterr().out


def test_report_into_a_file_path_is_refused(tmp_path, capsys):
    target = tmp_path / "file"
    target.write_text("x")
    assert main(["report", "--out", str(target)]) == 2
    assert "not a directory" in capsys.readouterr().err


def test_report_takes_the_problem_options_of_run(tmp_path, capsys):
    assert main(["report", "--out", str(tmp_path / "r"), "--values", "0"]) == 2
    assert "--values" in capsys.readouterr().err


def test_report_does_not_import_the_command_line():
    import proofs.report as report
    source = open(report.__file__).read()
    assert "__main__" not in source and "build_parser" not in source


class ToyProblem:
    ID = "toy"
    TITLE = "Toy problem"


def toy_results():
    import sympy as sp
    from symbolic.derivation import Derivation, Section, Step
    x = sp.Symbol("x", positive=True)
    d = Derivation("Toy", sections=[
        Section("(a) asked", steps=[Step(x + x, 2 * x, "collect"), Step(2 * x, x * 2, "reorder")], answers=["2x"]),
        Section("Beyond", part="appendix", steps=[Step(x * x, x**2, "square")])])
    return [(ToyProblem, d.check())]


@pytest.mark.parametrize("lang", ["en", "ru"])
def test_report_latex_parts_and_pages(tmp_path, pdflatex, lang):
    from proofs.report import compile_pdf, report_latex
    tex = report_latex(toy_results(), {}, lang)
    main_part, appendix = tex.split(r"\label{part:appendix}")
    assert "(a) asked" in main_part and "Beyond" not in main_part and "Beyond" in appendix
    assert r"\boxed{2x}" in main_part and "(3) square" in appendix
    (tmp_path / "main.tex").write_text(tex)
    ok, log = compile_pdf(str(tmp_path))
    assert ok and overfull_boxes(log) == [] and underfull_boxes(log) == []
    pages = part_pages(str(tmp_path))
    assert pages["main"] == 1 and pages["total"] == 3 and pages["problems"] == {"toy": (2, 2)}
