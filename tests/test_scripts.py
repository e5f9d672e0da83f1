"""``dgm-proofs run path/to/script.py``: your own derivation scripts run exactly like a shipped
problem (terminal output, --json, --latex, exit status); bad scripts are bad input (exit 2, one
line on stderr, nothing written); the README's tutorial shows examples/gaussian_kl_1d.py as it is."""
import io
import json
import os
import re
import subprocess
import sys
import textwrap

import pytest

from proofs.__main__ import main

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
EXAMPLE = os.path.join(ROOT, "examples", "gaussian_kl_1d.py")


class _Terminal(io.StringIO):
    encoding = "utf-8"            # a unicode terminal: marks as the README shows them


def run(*args):
    """``main`` in this process; (exit status, terminal text)."""
    out = _Terminal()
    status = main(list(args), out=out)
    return status, out.getvalue()


def write(path, text):
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return str(path)


# --------------------------------------------------------------------------- the README's example

def test_readme_shows_the_example_file_exactly():
    readme = open(os.path.join(ROOT, "README.md"), encoding="utf-8").read()
    section = readme.split("## Write your own derivation", 1)[1]
    block = re.search(r"```python\n(.*?)```", section, re.S).group(1)
    assert block == open(EXAMPLE, encoding="utf-8").read()
    assert "dgm-proofs run examples/gaussian_kl_1d.py" in section


def test_the_readme_example_runs_from_the_command_line(tmp_path):
    report, latex = tmp_path / "kl.json", tmp_path / "out"
    proc = subprocess.run([sys.executable, "-m", "proofs", "run", "examples/gaussian_kl_1d.py",
                           "--json", str(report), "--latex", str(latex)],
                          capture_output=True, text=True, encoding="utf-8", cwd=ROOT, timeout=300,
                          env={**os.environ, "PYTHONPATH": ROOT, "PYTHONIOENCODING": "utf-8"})
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert proc.stderr == ""
    lines = proc.stdout.splitlines()
    assert lines[0] == "== gaussian-kl-1d: KL between two 1-D Gaussians =="
    assert lines[1] == "Assumptions: μ_1, μ_2, x are real; σ_1, σ_2 are positive"
    assert lines[2].startswith("  (1) ✓ proved  [") and "the log-ratio is a quadratic" in lines[2]
    assert lines[3].startswith("  (2) ✓ proved  [") and "moments of p_1" in lines[3]
    assert "Status: proved (2/2 steps proved)" in lines
    assert lines[-1] == "1 derivation(s): 1 proved"

    data = json.loads(report.read_text(encoding="utf-8"))
    assert data["version"] == 1
    (entry,) = data["derivations"]
    assert entry["id"] == "gaussian-kl-1d"
    assert entry["title"] == "KL between two 1-D Gaussians"
    assert entry["status"] == "proved"
    assert [s["status"] for s in entry["steps"]] == ["proved", "proved"]
    assert entry["assumptions"] == ["$\\mu_{1}$, $\\mu_{2}$, $x$ are real",
                                    "$\\sigma_{1}$, $\\sigma_{2}$ are positive"]
    assert entry["steps"][0]["reason"] == "the log-ratio is a quadratic in $x - \\mu_1$"

    tex = (latex / "main.tex").read_text(encoding="utf-8")
    assert "KL between two 1-D Gaussians" in tex
    assert tex.count(r"$(1)\ \checkmark$") == 1 and tex.count(r"$(2)\ \checkmark$") == 1


def test_the_example_latex_compiles(tmp_path, pdflatex):
    status, _ = run("run", EXAMPLE, "--quiet", "--latex", str(tmp_path))
    assert status == 0
    log = pdflatex(str(tmp_path))
    assert "Output written on main.pdf" in log


def test_the_example_module_builds_the_formula_of_lv1():
    """The example's answer is the library's 1-D KL formula, symbol for symbol."""
    import sympy as sp
    from proofs.scripts import load
    from symbolic.gaussian import kl_normal
    (problem,) = load(EXAMPLE)
    d = problem.build()
    m1, m2 = sp.symbols("mu_1 mu_2", real=True)
    s1, s2 = sp.symbols("sigma_1 sigma_2", positive=True)
    assert sp.simplify(d.goals[0].rhs - kl_normal(m1, s1, m2, s2)) == 0
    assert problem.ID == "gaussian-kl-1d" and problem.TITLE == d.title


# --------------------------------------------------------------------------- exactly like a shipped problem

def test_a_script_returning_a_shipped_derivation_gives_identical_output(tmp_path):
    script = write(tmp_path / "ar2.py", """
        from proofs import output_size
        from proofs.problem import options_for

        def derivation():
            return output_size.build(options_for(output_size, values=16))
    """)
    a_json, b_json = tmp_path / "a.json", tmp_path / "b.json"
    status_a, text_a = run("run", "output-size", "--values", "16", "--json", str(a_json),
                           "--latex", str(tmp_path / "a"))
    status_b, text_b = run("run", script, "--json", str(b_json), "--latex", str(tmp_path / "b"))
    assert status_a == status_b == 0
    strip = lambda text: [line for line in text.splitlines() if "written to" not in line]  # noqa: E731
    assert strip(text_a) == strip(text_b)
    assert "== output-size: " in text_b and text_b.rstrip().endswith("1 derivation(s): 1 proved")
    assert a_json.read_bytes() == b_json.read_bytes()
    # a shipped problem's section is headed by its title, which is its derivation's title:
    # the LaTeX is identical too
    assert (tmp_path / "a" / "main.tex").read_text() == (tmp_path / "b" / "main.tex").read_text()


def test_a_failing_step_exits_1_with_its_counterexample(tmp_path):
    script = write(tmp_path / "slip.py", """
        import sympy as sp
        from symbolic import Derivation, Step

        a, b = sp.symbols("a b", positive=True)

        def derivation():
            return Derivation("A slip", steps=[
                Step(sp.log(a * b), sp.log(a) + sp.log(b), "the log of a product"),
                Step(sp.log(a) + sp.log(b), sp.log(a) * sp.log(b), "misremembered")])
    """)
    report = tmp_path / "r.json"
    status, text = run("run", script, "--json", str(report))
    assert status == 1
    assert "== slip: A slip ==" in text                       # no id: the file's name
    assert re.search(r"\(1\) ✓ proved .*the log of a product", text)
    failed = re.search(r"\(2\) ✗ FAILED .*misremembered  counterexample: a = (\S+), b = (\S+)", text)
    assert failed, text
    import sympy as sp
    a, b = sp.Rational(failed.group(1).rstrip(",")), sp.Rational(failed.group(2))
    assert sp.log(a) + sp.log(b) != sp.log(a) * sp.log(b)   # the point really is a counterexample
    assert "Status: failed (1/2 steps proved, 1 failed)" in text
    (entry,) = json.loads(report.read_text())["derivations"]
    assert entry["id"] == "slip" and entry["status"] == "failed"
    assert [s["status"] for s in entry["steps"]] == ["proved", "failed"]
    assert set(entry["steps"][1]["counterexample"]) == {"a", "b"}


def test_derivations_ids_scripts_and_order_mix(tmp_path):
    script = write(tmp_path / "two.py", """
        import sympy as sp
        from symbolic import Derivation, Step

        x = sp.Symbol("x", positive=True)

        def derivations():
            return [Derivation("First", steps=[Step(sp.exp(sp.log(x)), x, "exp inverts log")]),
                    Derivation("Second", steps=[Step((x + 1)**2, x**2 + 2*x + 1, "expand")]),
                    Derivation("Named", id="my-id", steps=[Step(x + x, 2*x, "collect")])]
    """)
    report = tmp_path / "r.json"
    status, text = run("run", script, "output-size", EXAMPLE, "--values", "16", "--quiet",
                       "--json", str(report))
    assert status == 0, text
    headers = [line for line in text.splitlines() if line.startswith("== ")]
    assert headers == ["== two-1: First ==", "== two-2: Second ==", "== my-id: Named ==",
                       headers[3], "== gaussian-kl-1d: KL between two 1-D Gaussians =="]
    assert headers[3].startswith("== output-size: ")
    assert text.rstrip().endswith("5 derivation(s): 5 proved")
    ids = [d["id"] for d in json.loads(report.read_text())["derivations"]]
    assert ids == ["two-1", "two-2", "my-id", "output-size", "gaussian-kl-1d"]


def test_a_script_reusing_a_shipped_id_is_still_its_own_derivation(tmp_path):
    """Results are remembered per problem within a process; a script never receives another's."""
    script = write(tmp_path / "clash.py", """
        import sympy as sp
        from symbolic import Derivation, Step

        def derivation():
            x = sp.Symbol("x", positive=True)
            return Derivation("Not AR-2", id="output-size", steps=[Step(x, x + 1, "wrong")])
    """)
    status, text = run("run", "output-size", script, "--values", "16", "--quiet")
    assert status == 1
    assert "Status: proved (" in text and "Status: failed (0/1 steps proved, 1 failed)" in text
    status, text = run("run", script, "--quiet")
    assert status == 1 and "== output-size: Not AR-2 ==" in text


def test_scripts_import_their_neighbours_and_leave_sys_path_alone(tmp_path):
    (tmp_path / "helper_for_dgm_test.py").write_text("import sympy as sp\nY = sp.Symbol('y', real=True)\n")
    script = write(tmp_path / "uses_helper.py", """
        from helper_for_dgm_test import Y
        from symbolic import Derivation, Step

        def derivation():
            import helper_for_dgm_test          # a lazy import inside derivation() works too
            return Derivation("Neighbour", steps=[Step(Y * 2, Y + helper_for_dgm_test.Y, "doubling")])
    """)
    before = list(sys.path)
    status, text = run("run", script, "--quiet")
    assert status == 0 and "Status: proved (1/1 steps proved)" in text
    assert sys.path == before


def test_an_existing_file_without_py_suffix_is_a_script_but_ids_come_first(tmp_path, monkeypatch):
    write(tmp_path / "mine", """
        import sympy as sp
        from symbolic import Derivation, Step

        def derivation():
            return Derivation("No suffix", steps=[Step(sp.Integer(2) + 2, 4, "arithmetic")])
    """)
    (tmp_path / "output-size").write_text("this file is not what `run output-size` means\n")
    monkeypatch.chdir(tmp_path)
    status, text = run("run", "mine", "--quiet")
    assert status == 0 and "== mine: No suffix ==" in text
    status, text = run("run", "output-size", "--values", "16", "--quiet")
    assert status == 0 and "== output-size: " in text


# --------------------------------------------------------------------------- bad scripts: exit 2

BAD = {
    "syntax.py": ("import sympy\n\ndef derivation(:\n", r"cannot be read at line 3: SyntaxError"),
    "raises.py": ("import sympy\n\nx = 1 / 0\n", r"raised ZeroDivisionError at line 3 while loading: division by zero"),
    "exits.py": ("import sys\nsys.exit(3)\n", r"called exit\(3\) at line 2 while loading"),
    "nothing.py": ("x = 1\n", r"defines neither derivation\(\) nor derivations\(\)"),
    "both.py": ("def derivation():\n    pass\n\ndef derivations():\n    pass\n",
                r"defines both derivation\(\) and derivations\(\); keep one"),
    "notfunc.py": ("derivation = 5\n", r"derivation must be a function, not a value of type int"),
    "returns.py": ("def derivation():\n    return 42\n",
                   r"derivation\(\) returned a value of type int, not a Derivation"),
    "empty.py": ("def derivations():\n    return []\n", r"derivations\(\) returned no derivations"),
    "single.py": ("from symbolic import Derivation, Step\n\ndef derivations():\n"
                  "    return Derivation('t', steps=[Step(1, 1, 'r')])\n",
                  r"derivations\(\) must return a list of Derivation objects, not a value of type Derivation"),
    "item.py": ("from symbolic import Derivation, Step\n\ndef derivations():\n"
                "    return [Derivation('t', steps=[Step(1, 1, 'r')]), 'x']\n",
                r"item 2 of derivations\(\) is of type str, not a Derivation"),
    "noreason.py": ("from symbolic import Derivation, Step\n\ndef derivation():\n"
                    "    return Derivation('t', steps=[Step(1, 1, '')])\n",
                    r"raised ValueError at line 4 while running derivation\(\): every step needs a reason"),
    # found by an adversarial review (each once a traceback)
    "baseexc.py": ("class Odd(BaseException):\n    pass\n\ndef derivation():\n    raise Odd('x')\n",
                   r"raised Odd at line 5 while running derivation\(\): x"),
    "genexit.py": ("raise GeneratorExit\n", r"raised GeneratorExit at line 1 while loading"),
    "badstr.py": ("class E(Exception):\n    def __str__(self):\n        raise ValueError\n\n"
                  "def derivation():\n    raise E()\n", r"raised E at line 6 while running derivation\(\)$"),
    "strside.py": ("from symbolic import Derivation, Step\n\ndef derivation():\n"
                   "    return Derivation('t', steps=[Step('x', 'x', 'r')])\n",
                   r"step 1 cannot be checked: lhs is a string"),
    "relside.py": ("import sympy as sp\nfrom symbolic import Derivation, Step\n\ndef derivation():\n"
                   "    return Derivation('t', steps=[Step(sp.Eq(sp.Symbol('x'), 1), 1, 'r')])\n",
                   r"step 1 cannot be checked: lhs must be a SymPy expression"),
}


@pytest.mark.parametrize("name", sorted(BAD))
def test_a_bad_script_is_bad_input(tmp_path, capsys, name):
    text, message = BAD[name]
    script = write(tmp_path / name, text)
    report, latex = tmp_path / "r.json", tmp_path / "tex"
    status, out = run("run", script, "--json", str(report), "--latex", str(latex))
    err = capsys.readouterr().err
    assert status == 2
    assert out == ""
    assert len(err.splitlines()) == 1 and "Traceback" not in err
    assert err.startswith(f"dgm-proofs: error: script {script!r}")
    assert re.search(message, err), err
    assert not report.exists() and not latex.exists()


def test_the_json_report_never_replaces_the_script(tmp_path, capsys):
    script = write(tmp_path / "mine.py", BAD["noreason.py"][0].replace("''", "'r'"))
    before = open(script).read()
    status, _ = run("run", script, "--json", script)
    assert status == 2 and "is the input" in capsys.readouterr().err
    assert open(script).read() == before


def test_missing_undecodable_and_directory_scripts_and_a_bad_id_beside_a_script(tmp_path, capsys):
    (tmp_path / "latin1.py").write_bytes(b"x = '\xff\xfe'\n")
    (tmp_path / "folder.py").mkdir()
    cases = [([str(tmp_path / "missing.py")], "not found"),
             ([str(tmp_path / "latin1.py")], "cannot be read at line 1: SyntaxError: (unicode error)"),
             ([str(tmp_path / "folder.py")], "is not a file"),
             ([EXAMPLE, "no-such-problem"], "unknown problem id 'no-such-problem'")]
    for args, message in cases:
        status, out = run("run", *args, "--json", str(tmp_path / "r.json"))
        err = capsys.readouterr().err
        assert status == 2 and out == "", args
        assert len(err.splitlines()) == 1 and message in err, err
        assert not (tmp_path / "r.json").exists()


def test_a_bad_script_from_the_command_line_prints_one_line_and_no_traceback(tmp_path):
    script = write(tmp_path / "deep.py", """
        def helper():
            raise RuntimeError("boom\\nsecond line")

        def derivation():
            return helper()
    """)
    proc = subprocess.run([sys.executable, "-m", "proofs", "run", script, "--json", str(tmp_path / "r.json")],
                          capture_output=True, text=True, cwd=ROOT, timeout=300,
                          env={**os.environ, "PYTHONPATH": ROOT})
    assert proc.returncode == 2
    assert proc.stdout == ""
    assert proc.stderr == (f"dgm-proofs: error: script {script!r} raised RuntimeError at line 3 "
                           "while running derivation(): boom\n")
    assert not (tmp_path / "r.json").exists()
