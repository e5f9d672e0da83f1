"""``dgm-proofs check``: the corpus of students' solutions (every step proved or checked), the
planted errors (exactly the broken steps failed, at their lines), the JSON, the annotated
LaTeX, exit statuses, and the sample file of the README."""
import json
import os
import re
import subprocess
import sys

import pytest
import sympy as sp

from proofs.__main__ import main
from symbolic.check import claim, verify_many
from symbolic.reader import read_file, read_text

HERE = os.path.dirname(os.path.abspath(__file__))
CORPUS = os.path.join(HERE, "corpus")
ROOT = os.path.dirname(HERE)
SAMPLE = os.path.join(ROOT, "examples", "sample-solution.tex")
BUDGET = 30.0

pytestmark = pytest.mark.xdist_group("check-command")


def corpus_files():
    return sorted(f for f in os.listdir(CORPUS) if f.endswith((".tex", ".md")))


def mutations():
    with open(os.path.join(CORPUS, "mutations.json"), encoding="utf-8") as handle:
        return json.load(handle)


def mutated_text(m):
    with open(os.path.join(CORPUS, m["file"]), encoding="utf-8") as handle:
        text = handle.read()
    assert text.count(m["find"]) == 1, f"{m['file']}: {m['find']!r} must occur once"
    at = text.index(m["find"])
    assert text.count("\n", 0, at) + 1 == m["line"], f"{m['file']}: {m['find']!r} is not on line {m['line']}"
    return text.replace(m["find"], m["replace"])


def _key(solution, step):
    return sp.srepr((step.lhs, step.rhs, step.relation, tuple(solution.assumptions())))


@pytest.fixture(scope="module")
def verdicts():
    """Every distinct step of the corpus and of its mutated copies, decided in one batch: a
    mutated copy shares the verdicts of the steps it leaves unchanged (same claim, same seed)."""
    solutions = {f: read_file(os.path.join(CORPUS, f)) for f in corpus_files()}
    mutated = [read_text(mutated_text(m), os.path.join(CORPUS, m["file"])) for m in mutations()]
    jobs = {}
    for solution in list(solutions.values()) + mutated:
        for step in solution.steps:
            key = _key(solution, step)
            if key not in jobs:
                jobs[key] = claim(step.lhs, step.rhs, solution.assumptions(), relation=step.relation)
    keys = list(jobs)
    decided = dict(zip(keys, verify_many([jobs[k] for k in keys], budget=BUDGET)))
    return solutions, mutated, decided


def _positions(solution):
    """(line, index among the steps of that line) of every step."""
    seen, out = {}, []
    for step in solution.steps:
        k = seen.get(step.line, 0)
        seen[step.line] = k + 1
        out.append((step.line, k))
    return out


def test_corpus_is_big_enough_and_varied():
    files = corpus_files()
    assert len(files) >= 10
    assert {f.rsplit(".", 1)[1] for f in files} == {"tex", "md"}
    kinds = {m["kind"] for m in mutations()}
    assert len(mutations()) >= 40
    assert {"sign", "factor 2", "swapped index", "dropped term", "wrong exponent",
            "reversed inequality"} <= kinds


@pytest.mark.parametrize("name", corpus_files())
def test_every_step_of_a_correct_solution_is_proved_or_checked(verdicts, name):
    solutions, _, decided = verdicts
    solution = solutions[name]
    assert len(solution.steps) >= 4
    bad = [(step.line, step.lhs_tex, step.rhs_tex, decided[_key(solution, step)])
           for step in solution.steps if decided[_key(solution, step)].status not in ("proved", "checked")]
    assert bad == []


@pytest.mark.parametrize("index", range(len(mutations())),
                         ids=[f"{m['file']}:{m['line']}:{m['kind']}" for m in mutations()])
def test_a_planted_error_fails_exactly_the_steps_it_breaks(verdicts, index):
    _, mutated, decided = verdicts
    m, solution = mutations()[index], mutated[index]
    statuses = {pos: decided[_key(solution, step)]
                for pos, step in zip(_positions(solution), solution.steps)}
    failed = sorted(pos for pos, v in statuses.items() if v.status == "failed")
    assert failed == sorted(tuple(p) for p in m["failed"])
    others = {pos: v.status for pos, v in statuses.items() if pos not in failed}
    assert set(others.values()) <= {"proved", "checked"}
    for pos in failed:                          # each failure comes with its evidence
        v = statuses[pos]
        assert v.counterexample is not None or v.values is not None or v.detail


# --------------------------------------------------------------------------- the command

def _write(tmp_path, name, text):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


SMALL = r"""\documentclass{article}
\usepackage{amsmath}
% dgm-proofs: assume \sigma > 0
\begin{document}
\begin{align*}
  \log \sigma^2 &= 2 \log \sigma \\
  (a + b)^2 &= a^2 + 2ab + b^2 \\
  &= a^2 + ab + b^2
\end{align*}
\end{document}
"""


def test_check_prints_lines_statuses_and_the_counterexample(tmp_path, capsys):
    path = _write(tmp_path, "small.tex", SMALL)
    out_json = str(tmp_path / "r.json")
    code = main(["check", path, "--json", out_json, "--budget", "20"])
    text = capsys.readouterr().out
    assert code == 1
    assert re.search(r"line 6 +✓ proved", text)
    assert re.search(r"line 7 +✓ proved", text)
    assert re.search(r"line 8 +✗ FAILED", text)
    assert "counterexample: a = " in text and "left side" in text
    assert "Taken as real (declared nowhere): a, b, sigma" in text
    assert "\\sigma > 0 (line 3)" in text
    report = json.load(open(out_json, encoding="utf-8"))
    assert report["version"] == 1 and report["status"] == "failed"
    assert report["files"][0]["file"] == path and report["files"][0]["steps"] == 3
    steps = report["steps"]
    assert [(s["line"], s["relation"], s["status"]) for s in steps] == \
        [(6, "==", "proved"), (7, "==", "proved"), (8, "==", "failed")]
    assert steps[0]["lhs"] == r"\log \sigma^2" and steps[0]["rhs"] == r"2 \log \sigma"
    assert steps[2]["lhs"] == "a^2 + 2ab + b^2" and steps[2]["rhs"] == "a^2 + ab + b^2"
    assert steps[0]["counterexample"] is None
    point = steps[2]["counterexample"]
    a, b = (sp.Rational(point[k]) for k in ("a", "b"))
    assert (a + b) ** 2 != a ** 2 + a * b + b ** 2      # the counterexample really refutes the step
    assert set(steps[0]) >= {"file", "line", "relation", "lhs", "rhs", "status", "method", "counterexample"}


def test_check_exits_0_when_all_steps_hold_and_says_so_for_no_relations(tmp_path, capsys):
    ok = _write(tmp_path, "ok.md", "# ok\n\n$$\n(x+1)^2 = x^2 + 2x + 1\n$$\n")
    empty = _write(tmp_path, "empty.md", "just prose with $x = 1$ inline\n")
    assert main(["check", ok, empty]) == 0
    text = capsys.readouterr().out
    assert "no displayed relations to check" in text
    assert "Status: proved (1 steps in 2 files: 1 proved)" in text
    assert main(["check", empty]) == 0
    assert "Status: no displayed relations to check" in capsys.readouterr().out


@pytest.mark.parametrize("content, line, words", [
    (b"\\[ x = \\frac{1}{ \\]\n", 1, "cannot read"),
    (b"ok\n\n\\begin{align*}\n a &= b \\\\\n &= \\cdots\n\\end{align*}\n", 5, "cannot read"),
    (b"\\[\n x \\approx y = \\]\n", 2, "nothing on the right"),
    (b"text\n\\[ = 3 \\]\n", 2, "no left-hand side"),
    (b"\\begin{align*} a = b\n", 1, "never closed"),
    (b"% dgm-proofs: assume x\n\\[ x = x \\]\n", 1, "must be a relation"),
    (b"% dgm-proofs: complex z\n\\[ z = z \\]\n", 1, "unknown declaration"),
    (b"caf\xe9\n\\[ x = x \\]\n", 1, "not UTF-8"),
    # found by an adversarial review: tracebacks, hangs and a silently hidden false step
    (b"\\[ " + b"{" * 150 + b" x " + b"}" * 150 + b" = x \\]\n", 1, "nested too deeply"),
    (b"\\[ " + b"\\sqrt{" * 300 + b" x " + b"}" * 300 + b" = x \\]\n", 1, "nested too deeply"),
    (b"% dgm-proofs: assume \\frac{1}{0} > 0\n\\[ x = x \\]\n", 1, "cannot use the assumption"),
    (b"% dgm-proofs: assume \\sqrt{-1} > 0\n\\[ x = x \\]\n", 1, "cannot use the assumption"),
    (b"\\[ (x + x = 3x \\]\n", 1, "not closed"),
    (b"\\[ \\left(x + x = 3x \\]\n", 1, "not closed"),
    (b"\\[ 10^{10^{10}} > 1 \\]\n", 1, "digits"),
    (b"\\[ 9^{9^{9}} > 1 \\]\n", 1, "digits"),
    (b"\\[ (10^{100})! > 1 \\]\n", 1, "digits"),
    (b"\\[ \\binom{10^{10}}{5000000000} > 1 \\]\n", 1, "digits"),
    (b"% dgm-proofs: assume x > 10^{10^{10}}\n\\[ x = x \\]\n", 1, "digits"),
])
def test_unreadable_input_exits_2_with_file_and_line_and_writes_nothing(tmp_path, capsys, content, line, words):
    path = tmp_path / "bad.tex"
    path.write_bytes(content)
    out_json, out_dir = tmp_path / "r.json", tmp_path / "annotated"
    code = main(["check", str(path), "--json", str(out_json), "--latex", str(out_dir)])
    err = capsys.readouterr().err.strip().splitlines()
    assert code == 2
    assert len(err) == 1 and f"{path}:{line}:" in err[0] and words in err[0]
    assert not out_json.exists() and not out_dir.exists()


def test_numbers_of_thousands_of_digits_are_checked_not_refused(tmp_path, capsys):
    """2**20000 has 6021 digits, more than Python prints by default (4300)."""
    path = _write(tmp_path, "big.tex", "\\[ 2^{20000} > 2^{20001} \\]\n\\[ 2^{20000} \\cdot 2 = 2^{20001} \\]\n")
    assert main(["check", path, "--json", str(tmp_path / "r.json")]) == 1
    steps = json.loads((tmp_path / "r.json").read_text())["steps"]
    assert [s["status"] for s in steps] == ["failed", "proved"]


@pytest.mark.parametrize("outputs", [["--json", "{a}"], ["--latex", "{dir}"], ["--json", "both", "--latex", "both"],
                                     ["--json", "L/r.json", "--latex", "L"]])
def test_an_output_that_would_overwrite_an_input_or_another_output_exits_2(tmp_path, capsys, monkeypatch, outputs):
    path = _write(tmp_path, "a.tex", "\\[ x + x = 2x \\]\n")
    before = sorted(p.name for p in tmp_path.iterdir())
    monkeypatch.chdir(tmp_path)
    argv = [o.format(a=path, dir=str(tmp_path)) for o in outputs]
    assert main(["check", path, *argv]) == 2
    assert len(capsys.readouterr().err.strip().splitlines()) == 1
    assert sorted(p.name for p in tmp_path.iterdir()) == before
    assert open(path).read() == "\\[ x + x = 2x \\]\n"


def test_a_write_error_in_the_latex_copies_leaves_the_old_json(tmp_path, capsys, monkeypatch):
    """The JSON report and the annotated copies are staged and appear together, or not at all."""
    import errno
    from proofs import output
    path = _write(tmp_path, "a.tex", "\\[ x + x = 2x \\]\n")
    (tmp_path / "r.json").write_text("old")
    real, calls = output._write_all, []

    def write_all(fd, data):                 # the first write (the JSON) succeeds, then the disk is full
        calls.append(fd)
        if len(calls) > 1:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        real(fd, data)
    monkeypatch.setattr(output, "_write_all", write_all)
    assert main(["check", path, "--json", str(tmp_path / "r.json"), "--latex", str(tmp_path / "L")]) == 2
    assert "No space left" in capsys.readouterr().err
    assert (tmp_path / "r.json").read_text() == "old" and not (tmp_path / "L").exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.tex", "r.json"]


def test_files_inside_the_latex_folder_follow_the_rules_of_single_outputs(tmp_path, capsys):
    """An annotated copy replacing a file keeps its mode; one whose name is a symbolic link is
    written through the link (the link kept)."""
    path = _write(tmp_path, "a.tex", "\\[ x + x = 2x \\]\n")
    folder, elsewhere = tmp_path / "L", tmp_path / "elsewhere"
    folder.mkdir()
    elsewhere.mkdir()
    (folder / "a.tex").write_text("old")
    (folder / "a.tex").chmod(0o600)
    (elsewhere / "copy.tex").write_text("old")
    (folder / "b.tex").symlink_to(elsewhere / "copy.tex")
    other = _write(tmp_path, "b.tex", "\\[ 2x = x + x \\]\n")
    assert main(["check", path, other, "--latex", str(folder)]) == 0
    assert (folder / "a.tex").stat().st_mode & 0o777 == 0o600 and "x + x" in (folder / "a.tex").read_text()
    assert (folder / "b.tex").is_symlink() and "2x" in (elsewhere / "copy.tex").read_text()


@pytest.mark.parametrize("option", ["--json", "--latex"])
def test_an_empty_output_path_exits_2_before_any_check(tmp_path, capsys, option):
    ok = _write(tmp_path, "ok.md", "$$\nx + x = 2x\n$$\n")
    assert main(["check", ok, option, ""]) == 2
    captured = capsys.readouterr()
    assert captured.out == "" and len(captured.err.strip().splitlines()) == 1
    assert "empty" in captured.err and sorted(os.listdir(tmp_path)) == ["ok.md"]


def test_json_dash_writes_the_report_alone_to_standard_output(tmp_path, capsys):
    ok = _write(tmp_path, "ok.md", "$$\nx + x = 2x\n$$\n")
    assert main(["check", ok, "--json", "-"]) == 0
    captured = capsys.readouterr()
    report = json.loads(captured.out)
    assert report["status"] == "proved" and [s["relation"] for s in report["steps"]] == ["=="]
    assert "Status: proved" in captured.err
    assert sorted(os.listdir(tmp_path)) == ["ok.md"]


def test_a_missing_file_exits_2(tmp_path, capsys):
    assert main(["check", str(tmp_path / "nope.tex")]) == 2
    err = capsys.readouterr().err
    assert "nope.tex" in err and len(err.strip().splitlines()) == 1


def test_latex_copy_is_annotated_and_compiles(tmp_path, capsys, pdflatex):
    path = _write(tmp_path, "small.tex", SMALL)
    md = _write(tmp_path, "notes.md", "# Notes\n\nProse with $x$ and **bold**.\n\n$$\n(x+1)^2 = x^2 + 1\n$$\n")
    out_dir = tmp_path / "annotated"
    assert main(["check", path, md, "--latex", str(out_dir)]) == 1
    assert sorted(os.listdir(out_dir)) == ["notes.md", "notes.pdf", "notes.tex", "small.pdf", "small.tex"]
    tex = (out_dir / "small.tex").read_text(encoding="utf-8")
    assert tex.count(r"\tag*{\footnotesize \dgmproved}") == 2
    assert tex.count(r"\tag*{\footnotesize \dgmfailed}") == 1
    assert "line 8: fails at" in tex
    assert r"\begin{align*}" in tex and r"(a + b)^2 &= a^2 + 2ab + b^2" in tex
    annotated_md = (out_dir / "notes.md").read_text(encoding="utf-8")
    assert "> line 6: ✗ FAILED" in annotated_md and "Prose with $x$" in annotated_md
    assert "Annotated copies written to" in capsys.readouterr().out


def test_a_file_name_that_is_not_utf8_is_shown_with_question_marks(tmp_path, capsys):
    path = os.path.join(str(tmp_path), os.fsdecode(b"\xff.tex"))
    with open(path, "w") as handle:
        handle.write("\\[ x + x = 2x \\]\n")
    assert main(["check", path, "--json", str(tmp_path / "r.json"), "--latex", str(tmp_path / "L")]) == 0
    assert json.loads((tmp_path / "r.json").read_text(encoding="utf-8"))["files"][0]["file"].endswith("?.tex")
    assert any(name.endswith(".tex") for name in os.listdir(tmp_path / "L"))


def test_a_name_the_terminal_cannot_encode_is_escaped_not_an_error(tmp_path):
    path = _write(tmp_path, "ü.tex", "\\[ x + x = 2x \\]\n")
    proc = subprocess.run([sys.executable, "-m", "proofs", "check", path], cwd=ROOT, capture_output=True,
                          env={**os.environ, "PYTHONIOENCODING": "ascii", "PYTHONPATH": ROOT},
                          timeout=300)
    assert proc.returncode == 0, proc.stderr
    assert b"\\xfc.tex" in proc.stdout


def test_the_readme_sample_runs_as_shown():
    """The README shows this command's output on examples/sample-solution.tex."""
    proc = subprocess.run([sys.executable, "-m", "proofs", "check", SAMPLE], cwd=ROOT,
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 1, proc.stderr
    lines = proc.stdout.splitlines()
    statuses = [re.search(r"line (\d+) +(\S+)", l).groups() for l in lines if re.match(r"\s+line \d+", l)]
    assert statuses == [("10", "✓"), ("11", "✓"), ("15", "✗"), ("19", "✓"), ("19", "~"), ("22", "✓")]
    with open(os.path.join(ROOT, "README.md"), encoding="utf-8") as handle:
        readme = handle.read()
    for line in lines:
        if re.match(r"\s+line \d+", line):
            assert line.rstrip() in readme
