"""The command line: exit statuses, one-line errors, nothing half-written, determinism,
a JSON report that follows the contract, LaTeX that compiles."""
import json
import os
import subprocess
import sys

import pytest

from proofs.__main__ import main

# (not in the "derivations" xdist group: these runs use small options of their own, and
# keeping them on the other worker balances the two)

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CHECK_REPORT = os.path.join(ROOT, "..", "shared", "tools", "check_report.py")
FAST = ["run", "output-size", "--values", "16", "--quiet"]      # a quick full derivation


def cli(*args, cwd=None):
    """Run ``python -m proofs`` in a subprocess, as a user would."""
    return subprocess.run([sys.executable, "-m", "proofs", *args], capture_output=True, text=True,
                          cwd=cwd or ROOT, timeout=600,
                          env={**os.environ, "PYTHONPATH": ROOT})


def test_list_names_every_registered_problem():
    from proofs import registry
    result = cli("list")
    assert result.returncode == 0
    for problem in registry.problems():
        assert problem.ID in result.stdout


def test_run_writes_a_valid_json_report_and_latex(tmp_path):
    out = tmp_path / "r.json"
    result = cli(*FAST, "--json", str(out), "--latex", str(tmp_path / "tex"))
    assert result.returncode == 0, result.stderr
    report = json.loads(out.read_text())
    assert report["version"] == 1
    (entry,) = report["derivations"]
    assert entry["id"] == "output-size" and entry["status"] == "proved"
    assert all(step["status"] == "proved" for step in entry["steps"])
    assert (tmp_path / "tex" / "main.tex").exists()
    assert "1 derivation(s): 1 proved" in result.stdout


@pytest.mark.skipif(not os.path.exists(CHECK_REPORT), reason="the shared report checker is not beside the repo")
def test_report_passes_the_shared_contract_checker(tmp_path):
    out = tmp_path / "r.json"
    assert main([*FAST, "--json", str(out)], out=open(os.devnull, "w")) == 0
    checked = subprocess.run([sys.executable, CHECK_REPORT, str(out), "--strict"], capture_output=True, text=True)
    assert checked.returncode == 0, checked.stdout


def test_two_runs_are_byte_identical(tmp_path):
    # two separate processes, without the cache, so that nothing is shared between the runs
    for k in (1, 2):
        result = cli(*FAST, "--no-cache", "--json", str(tmp_path / f"{k}.json"), "--latex", str(tmp_path / f"tex{k}"))
        assert result.returncode == 0, result.stderr
    assert (tmp_path / "1.json").read_bytes() == (tmp_path / "2.json").read_bytes()
    assert (tmp_path / "tex1" / "main.tex").read_bytes() == (tmp_path / "tex2" / "main.tex").read_bytes()


def test_latex_of_output_size_compiles(tmp_path, pdflatex):
    assert main(["run", "output-size", "--quiet", "--latex", str(tmp_path)], out=open(os.devnull, "w")) == 0
    log = pdflatex(tmp_path)
    assert "Output written on main.pdf" in log
    assert "! " not in log


BAD = [
    (["run", "no-such-problem"], "unknown problem id"),
    (["run", "output-size", "--values", "-3"], "an integer from 2 to 1024"),
    (["run", "output-size", "--values", "2.5"], "an integer from 2 to 1024"),
    (["run", "output-size", "--K", "0"], "an integer from 1 to 1000000"),
    (["run", "output-size", "--W", "0", "--H", "4"], "an integer from 1 to 1000000"),
    (["run", "output-size", "--W", "abc", "--H", "4"], "an integer from 1 to 1000000"),
    (["run", "output-size", "--values", "1"], "an integer from 2 to 1024"),
    (["run", "--budget", "0"], "budget"),
    (["frobnicate"], "invalid choice"),
    ([], "a command is required"),
]


@pytest.mark.parametrize("args, message", BAD, ids=[" ".join(a) or "no-args" for a, _ in BAD])
def test_bad_input_exits_2_with_one_line_and_writes_nothing(tmp_path, capsys, args, message):
    target = tmp_path / "r.json"
    extra = ["--json", str(target), "--latex", str(tmp_path / "tex")] if args[:1] == ["run"] else []
    assert main([*args, *extra]) == 2
    lines = capsys.readouterr().err.strip().splitlines()
    assert len(lines) == 1 and message in lines[0], lines
    assert list(tmp_path.iterdir()) == []


def test_bad_input_in_a_real_process_has_no_traceback(tmp_path):
    result = cli("run", "output-size", "--K", "0", "--json", str(tmp_path / "r.json"))
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr
    assert list(tmp_path.iterdir()) == []


def test_output_paths_are_validated_before_any_work(tmp_path, capsys):
    a_file = tmp_path / "file.txt"
    a_file.write_text("keep me")
    cases = [
        (["--latex", str(a_file)], "not a directory"),
        (["--json", str(tmp_path)], "is a directory"),
        (["--json", str(tmp_path / "missing" / "r.json")], "does not exist"),
        (["--latex", str(tmp_path / "missing" / "tex")], "does not exist"),
    ]
    for extra, message in cases:
        status = main([*FAST, *extra], out=open(os.devnull, "w"))
        err = capsys.readouterr().err
        assert status == 2 and message in err, (extra, err)
        assert len(err.strip().splitlines()) == 1
    assert sorted(p.name for p in tmp_path.iterdir()) == ["file.txt"]
    assert a_file.read_text() == "keep me"


@pytest.mark.skipif(os.geteuid() == 0, reason="root can write anywhere")
def test_unwritable_directory_is_refused(tmp_path):
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(0o500)
    result = cli(*FAST, "--json", str(locked / "r.json"))
    assert result.returncode == 2 and "permission denied" in result.stderr


def test_failed_step_gives_exit_1(monkeypatch, tmp_path):
    import sympy as sp
    from proofs import output_size, registry
    monkeypatch.setattr(registry, "_BUILT", {})           # forget the derivations built so far
    monkeypatch.setattr(registry, "_CHECKED", {})
    from symbolic.derivation import Derivation, Step
    x = sp.Symbol("x", real=True)
    monkeypatch.setattr(output_size, "build",
                        lambda options: Derivation(title="wrong", id="output-size",
                                                   steps=[Step(sp.sqrt(x**2), x, "false")]))
    out = tmp_path / "r.json"
    assert main(["run", "output-size", "--json", str(out)], out=open(os.devnull, "w")) == 1
    report = json.loads(out.read_text())
    assert report["derivations"][0]["steps"][0]["status"] == "failed"
    assert "counterexample" in report["derivations"][0]["steps"][0]


def test_run_checks_each_derivation_while_the_next_is_built(monkeypatch, tmp_path):
    # the checker's processes start on a derivation's claims as soon as it is built: nothing
    # builds every derivation first and leaves them idle
    import sympy as sp
    from proofs import made_masks, output_size, registry
    from symbolic import check
    from symbolic.derivation import Derivation, Step
    monkeypatch.setattr(registry, "_BUILT", {})
    monkeypatch.setattr(registry, "_CHECKED", {})
    events = []
    x = sp.Symbol("x", positive=True)
    for module in (made_masks, output_size):
        def build(options, pid=module.ID):
            events.append(("build", pid))
            return Derivation(title=pid, id=pid, steps=[Step(sp.sqrt(x**2), x, "sqrt of a square")])
        monkeypatch.setattr(module, "build", build)
    submit = check.Checking.submit
    monkeypatch.setattr(check.Checking, "submit",
                        lambda self, claims: events.append(("submit",)) or submit(self, claims))
    status = main(["run", "made-masks", "output-size", "--no-cache", "--json", str(tmp_path / "r.json")],
                  out=open(os.devnull, "w"))
    assert status == 0
    assert events == [("build", "made-masks"), ("submit",), ("build", "output-size"), ("submit",)]


@pytest.mark.parametrize("command", ["run", "report"])
def test_options_for_gives_each_problem_the_options_of_the_command_line(command):
    # a string default is read by its option's type, as argparse reads it: alpha-divergence's
    # "1/2" was a string in options_for and a Rational on the command line, so the registry's
    # memo kept two derivations and the report tests checked alpha-divergence a second time
    from proofs import registry
    from proofs.__main__ import build_parser
    from proofs.problem import options_for
    parsed = build_parser().parse_args([command] + (["--out", "r"] if command == "report" else []))
    for problem in registry.problems():
        assert registry._key(problem, options_for(problem)) == registry._key(problem, parsed), problem.ID


def test_options_for_refuses_a_value_outside_its_range_with_a_value_error():
    from proofs import alpha_divergence, output_size
    from proofs.problem import options_for
    with pytest.raises(ValueError, match="--values"):
        options_for(output_size, values="1")
    assert options_for(alpha_divergence, alpha="1/3").alpha == alpha_divergence.alpha_value("1/3")
