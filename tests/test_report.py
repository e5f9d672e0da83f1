"""The solution-set report: both languages build and compile cleanly, every problem is there in
homework order with its question, the main part comes before the appendix and fits the page
budget, the mathematics is identical between languages, and the Russian PDF is Russian."""
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

# Latin words a Russian report may contain: proper names, abbreviations, operator names
# of formulas (pdftotext cannot tell a formula's letters from prose)
ALLOWED_LATIN = {
    "SymPy", "MADE", "PixelCNN", "KL", "ELBO", "MNIST", "dgm", "proofs", "mpmath", "Monte", "Carlo",
    "ln", "log", "exp", "det", "tr", "lim", "max", "min", "sup", "inf", "sgn", "diag", "numel",
    "softmax", "sigmoid", "dx", "dz", "dy", "dt", "cov", "Var", "Cov", "var", "mod", "argmax",
    "floor", "ceil", "const", "KLs", "MC", "MCMC", "Id", "pdf", "cdf", "LaTeX", "ex", "tanh",
}


def build(folder, lang, extra=()):
    with open(os.devnull, "w") as sink:
        return main(["report", "--out", str(folder), "--lang", lang, *extra], out=sink)


@pytest.fixture(scope="module")
def reports(tmp_path_factory):
    """Both reports with the default parameters, built once (the checks are shared through the
    registry's memo)."""
    root = tmp_path_factory.mktemp("report")
    return {lang: (build(root / lang, lang), root / lang) for lang in ("en", "ru")}


def english_words(pdf):
    """Latin-letter words of two letters or more in the PDF's text, not on the allow-list."""
    text = subprocess.run(["pdftotext", "-enc", "UTF-8", str(pdf), "-"], capture_output=True,
                          text=True, check=True).stdout
    return sorted({w for w in re.findall(r"[A-Za-z]{2,}", text) if w not in ALLOWED_LATIN})


def test_reports_build_and_exit_cleanly(reports):
    for lang, (status, folder) in reports.items():
        assert status == 0, lang
        assert (folder / "main.tex").exists()


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
    assert english_words(reports["ru"][1] / "main.pdf") == []


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
