"""The solution-set report: both languages build and compile cleanly, every problem is there,
the mathematics is identical between languages, every prose string has its translation."""
import os
import re

import pytest

from proofs import prose, registry
from proofs.__main__ import build_parser, main
from proofs.report import overfull_boxes

# the default derivations are checked once per process and shared (proofs.registry);
# keeping these files on one xdist worker lets them share that work
pytestmark = pytest.mark.xdist_group("derivations")

OPTIONS = build_parser().parse_args(["run"])


@pytest.fixture(scope="module")
def reports(tmp_path_factory):
    """Both reports, built once (the checks are shared through the registry's memo)."""
    root = tmp_path_factory.mktemp("report")
    out = {}
    for lang in ("en", "ru"):
        folder = root / lang
        with open(os.devnull, "w") as sink:
            status = main(["report", "--out", str(folder), "--lang", lang], out=sink)
        out[lang] = (status, folder)
    return out


def test_reports_build_and_exit_cleanly(reports):
    for lang, (status, folder) in reports.items():
        assert status == 0, lang
        assert (folder / "main.tex").exists()


def test_every_problem_has_its_section_in_homework_order(reports):
    for lang, (_, folder) in reports.items():
        tex = (folder / "main.tex").read_text()
        positions = [tex.index(prose.translate(p.TITLE, lang)) for p in registry.problems()]
        assert positions == sorted(positions), lang
        assert r"\tableofcontents" in tex and r"\boxed{" in tex


def test_figures_are_written_and_included(reports):
    for lang, (_, folder) in reports.items():
        tex = (folder / "main.tex").read_text()
        for name in re.findall(r"\\includegraphics\[[^]]*\]\{([^}]+)\}", tex):
            assert (folder / name).exists(), name
            assert name.endswith(".pdf")                       # vector figures


def test_pdf_compiles_without_errors_or_wide_overfull_boxes(reports, pdflatex):
    for lang, (_, folder) in reports.items():
        log = (folder / "main.log").read_text(errors="replace")
        assert "\n! " not in log, lang
        assert overfull_boxes(log, 10.0) == [], (lang, overfull_boxes(log, 10.0))
        pages = int(re.search(r"Output written on main\.pdf \((\d+) pages?", log).group(1))
        assert 6 <= pages <= 200, (lang, pages)


def test_russian_report_is_russian_with_the_same_mathematics(reports):
    en = (reports["en"][1] / "main.tex").read_text()
    ru = (reports["ru"][1] / "main.tex").read_text()
    assert r"\usepackage[russian]{babel}" in ru and "Условие" in ru
    assert "babel" not in en
    assert math_of(en) == math_of(ru) and len(math_of(en)) > 50


def math_of(tex):
    """The displayed mathematics of a report: align* rows (without reasons and tags) and \\[ \\]."""
    rows = []
    for block in re.findall(r"\\begin\{align\*\}(.*?)\\end\{align\*\}", tex, re.S):
        rows += [line.split(r"\tag*")[0] for line in block.splitlines() if not line.startswith(r"\intertext")]
    return rows + re.findall(r"\\\[(.*?)\\\]", tex, re.S)


def prose_strings():
    """Every prose string of the default report that comes from a derivation or a figure."""
    strings = set()
    for problem in registry.problems():
        d = registry.built(problem, OPTIONS)
        strings.add(problem.TITLE)
        strings.add(d.title)
        strings |= {s.reason for s in d.steps} | {s.heading for s in d.steps if s.heading}
        strings |= {a.text for a in d.all_assumptions()} | set(d.notes) | {c.text for c in d.claims}
        strings |= {e.caption for e in d.exhibits if e.caption}
        strings |= {x for c in d.cross_checks for x in (c.what, c.against, c.outcome)}
        strings |= {f.caption for f in getattr(problem, "figures", lambda o: ())(OPTIONS)}
    return strings


def test_every_prose_string_has_a_russian_translation():
    missing = sorted(s for s in prose_strings() if s not in prose.TRANSLATIONS_RU)
    assert missing == [], f"{len(missing)} untranslated, e.g. {missing[:3]}"


def test_translations_keep_the_mathematics():
    for english, russian in prose.TRANSLATIONS_RU.items():
        assert re.findall(r"\$[^$]*\$", english) == re.findall(r"\$[^$]*\$", russian), english


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


def test_figures_are_byte_identical_between_the_two_builds(reports):
    en, ru = reports["en"][1], reports["ru"][1]
    figures = sorted(p.name for p in en.iterdir() if p.suffix in (".pdf", ".png") and p.stem != "main")
    assert len(figures) >= 6
    for name in figures:
        assert (en / name).read_bytes() == (ru / name).read_bytes(), name
