"""The command line under hostile input and at awkward moments: every option's range refused
before any work, budgets and time limits, options that apply to no problem being run, output
targets (standard output, symlinks, permission bits, FIFOs, a full disk), outputs that appear
together, interrupts at several moments, ``--version``, and the README's users'-tests snippet.

Signals are sent to subprocesses only; the full disk is simulated in-process (never with the
machine's own devices); FIFOs, links and files live in temporary directories."""
import errno
import json
import os
import re
import signal
import stat
import subprocess
import sys
import textwrap
import threading
import time

import pytest

from proofs.__main__ import main

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
FAST = ["run", "output-size", "--values", "16", "--quiet", "--budget", "10"]   # the quickest full run
ENV = {**os.environ, "PYTHONPATH": ROOT}


def one_error_line(err: str) -> str:
    lines = err.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in err, err
    return lines[0]


def leftovers(directory) -> list:
    """Temporary files or folders a run left behind anywhere under ``directory``."""
    found = []
    for base, dirs, files in os.walk(directory):
        found += [os.path.join(base, n) for n in dirs + files if n.startswith(".tmp-")]
    return found


def processes_in_group(pgid: int) -> list:
    """Processes (zombies included) whose process group is ``pgid``."""
    found = []
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            with open(f"/proc/{pid}/stat") as handle:
                fields = handle.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[2]) == pgid:
            found.append((int(pid), fields[0]))
    return found


# --------------------------------------------------------------------------- ranges

OUT_OF_RANGE = [
    (["output-size", "--values", "1000000"], "--values", "from 2 to 1024", "output-size"),
    (["output-size", "--values", "9" * 5000], "--values", "from 2 to 1024", "output-size"),
    (["output-size", "--W", "0", "--H", "2"], "--W", "from 1 to 1000000", "output-size"),
    (["output-size", "--C", "1001"], "--C", "from 1 to 1000", "output-size"),
    (["alpha-divergence", "--alpha", "1e400"], "--alpha", "from -10 to 10", "alpha-divergence"),
    (["alpha-divergence", "--alpha", "1/1001"], "--alpha", "at most 1000", "alpha-divergence"),
    (["alpha-divergence", "--alpha-dim", "3"], "--alpha-dim", "from 1 to 2", "alpha-divergence"),
    (["made-masks", "--m", "1000000"], "--m", "from 2 to 48", "made-masks"),
    (["made-masks", "--hidden", "1,2,3,4,5"], "--hidden", "1 to 4", "made-masks"),
    (["made-masks", "--hidden", "65"], "--hidden", "from 1 to 64", "made-masks"),
    (["made-masks", "--degrees", "1/1/1/1/1"], "--degrees", "1 to 4 layers", "made-masks"),
    (["made-masks", "--order", ",".join(map(str, range(1, 50)))], "--order", "1 to 48", "made-masks"),
    (["made-masks", "--seed", "-1"], "--seed", "from 0 to 4294967295", "made-masks"),
    (["gaussian-kl", "--kl-dim", "5"], "--kl-dim", "from 1 to 4", "gaussian-kl"),
    (["score-function", "--score-dim", "10001"], "--score-dim", "from 1 to 10000", "score-function"),
    (["score-function", "--samples", "999"], "--samples", "from 1000 to 10000000", "score-function"),
    (["score-function", "--samples", "100000000"], "--samples", "from 1000 to 10000000", "score-function"),
]


@pytest.mark.parametrize("args, flag, allowed, problem", OUT_OF_RANGE,
                         ids=[" ".join(a)[:40] for a, *_ in OUT_OF_RANGE])
def test_a_value_outside_its_range_is_refused_at_once(tmp_path, capsys, args, flag, allowed, problem):
    started = time.monotonic()
    status = main(["run", *args, "--json", str(tmp_path / "r.json"), "--latex", str(tmp_path / "tex")])
    line = one_error_line(capsys.readouterr().err)
    assert status == 2
    assert flag in line and allowed in line and problem in line, line
    assert time.monotonic() - started < 5                 # refused before anything is built
    assert list(tmp_path.iterdir()) == []


CROSS = [
    (["made-masks", "--m", "4", "--order", "1,2"], "permutation"),
    (["made-masks", "--m", "4", "--degrees", "1,9"], "1..m-1 = 1..3"),
    (["score-function", "--score-dim", "10000", "--samples", "100000"], "too large"),
    (["--dim", "3"], "--dim must be 1 or 2 for alpha-divergence"),          # all five problems
    (["gaussian-kl", "--dim", "5"], "--dim must be from 1 to 4 for gaussian-kl"),
    (["output-size", "--W", "4"], "give both --W and --H"),
    (["output-size", "--K", "4"], "--K needs a numeric example"),
]


@pytest.mark.parametrize("args, message", CROSS, ids=[" ".join(a) for a, _ in CROSS])
def test_checks_between_options_come_before_any_building(capsys, monkeypatch, args, message):
    from proofs import registry
    built = []
    monkeypatch.setattr(registry, "built", lambda problem, options: built.append(problem.ID))
    assert main(["run", *args]) == 2
    assert message in one_error_line(capsys.readouterr().err)
    assert built == []                                    # not one problem was built


def test_help_names_the_problem_and_the_range_of_every_option(capsys):
    from proofs import registry
    from proofs.__main__ import build_parser
    run = build_parser()._subparsers._group_actions[0].choices["run"]
    helps = {flag: action.help for action in run._actions for flag in action.option_strings}
    for problem in registry.problems():
        for opt in problem.OPTIONS:
            text = helps[opt.flags[0]]
            owners = re.match(r"\[([^\]]+)\]", text).group(1).split(", ")
            assert problem.ID in owners, (opt.flags, text)
            assert re.search(r"range .*\d+ to \d+|\(\d+ to \d+\)", text), (opt.flags, text)
    assert main(["run", "--help"]) == 0
    shown = " ".join(capsys.readouterr().out.split())
    assert "[output-size] values per subpixel (default 256); range 2 to 1024" in shown
    assert "[made-masks] number of inputs of the worked example (default 4); range 2 to 48" in shown


def test_the_shared_dim_is_documented_per_problem_and_the_specific_names_work(capsys):
    assert main(["run", "--help"]) == 0
    text = " ".join(capsys.readouterr().out.split()).replace("- ", "-")
    assert "gaussian-kl: the same as --kl-dim (1 to 4)" in text
    assert "score-function: the same as --score-dim (1 to 10000)" in text
    assert "alpha-divergence: the same as --alpha-dim (1 to 2)" in text
    from proofs import alpha_divergence, gaussian_kl, score_function
    from proofs.problem import options_for
    assert gaussian_kl._dim(options_for(gaussian_kl, dim=3)) == 3
    assert gaussian_kl._dim(options_for(gaussian_kl, dim=1, kl_dim=4)) == 4       # the specific wins
    assert score_function._parameters(options_for(score_function, score_dim=7))[0] == 7
    assert alpha_divergence.params_from(options_for(alpha_divergence, alpha_dim=1)).dim == 1
    assert alpha_divergence.params_from(options_for(alpha_divergence, dim=1, alpha_dim=2)).dim == 2


@pytest.mark.parametrize("value", ["inf", "nan", "1e300", "-1", "0", "301"])
def test_budget_must_be_finite_positive_and_at_most_300(capsys, value):
    assert main(["run", "output-size", "--budget", value]) == 2
    line = one_error_line(capsys.readouterr().err)
    assert "--budget" in line and "at most 300" in line, line


@pytest.mark.parametrize("value", ["inf", "nan", "0", "3601"])
def test_time_limit_must_be_finite_positive_and_at_most_3600(capsys, value):
    assert main(["run", "output-size", "--time-limit", value]) == 2
    assert "at most 3600" in one_error_line(capsys.readouterr().err)


NOT_APPLYING = [
    (["output-size", "--m", "5"], "--m is an option of made-masks; it does not apply to output-size"),
    (["output-size", "--seed", "1"],
     "--seed is an option of made-masks, gaussian-kl, score-function, alpha-divergence"),
    (["made-masks", "gaussian-kl", "--values", "16"],
     "--values is an option of output-size; it does not apply to made-masks, gaussian-kl"),
    (["output-size", "--dim", "2"], "--dim is an option of gaussian-kl, score-function, alpha-divergence"),
    (["gaussian-kl", "--alpha-dim", "1"], "--alpha-dim is an option of alpha-divergence"),
]


@pytest.mark.parametrize("args, message", NOT_APPLYING, ids=[" ".join(a) for a, _ in NOT_APPLYING])
def test_an_option_of_no_problem_being_run_is_refused(capsys, args, message):
    assert main(["run", *args]) == 2
    assert message in one_error_line(capsys.readouterr().err)


def test_version(capsys):
    assert main(["--version"]) == 0
    assert re.fullmatch(r"dgm-proofs \d+\.\d+\.\d+\S*\n", capsys.readouterr().out)


def test_version_in_a_real_process_does_not_load_sympy():
    script = "import sys; from proofs.__main__ import main; main(['--version']); print('sympy' in sys.modules)"
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, cwd=ROOT, env=ENV)
    assert result.returncode == 0 and result.stderr == ""
    assert re.fullmatch(r"dgm-proofs \S+\nFalse\n", result.stdout)


# --------------------------------------------------------------------------- output targets

def test_json_dash_writes_the_report_alone_to_standard_output(tmp_path, capsys, monkeypatch):
    import io
    monkeypatch.chdir(tmp_path)
    stdout = io.StringIO()
    assert main([*FAST, "--json", "-"], out=stdout) == 0
    report = json.loads(stdout.getvalue())                  # nothing else on standard output
    assert report["derivations"][0]["id"] == "output-size"
    assert "1 derivation(s): 1 proved" in capsys.readouterr().err   # the terminal text: stderr
    assert list(tmp_path.iterdir()) == []                   # no file called "-"


@pytest.mark.parametrize("flag", ["--json", "--latex"])
def test_an_empty_output_path_is_refused(tmp_path, capsys, flag):
    assert main([*FAST, flag, ""]) == 2
    assert "empty" in one_error_line(capsys.readouterr().err)


@pytest.mark.parametrize("outputs", [["--json", "same", "--latex", "same"],
                                     ["--json", "out/main.tex", "--latex", "out"]])
def test_outputs_that_would_overwrite_each_other_are_refused_before_any_work(tmp_path, capsys, monkeypatch,
                                                                             outputs):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "out").mkdir()
    assert main([*FAST, *outputs]) == 2
    assert "LaTeX directory" in one_error_line(capsys.readouterr().err)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"] and not any((tmp_path / "out").iterdir())


def test_an_existing_file_is_replaced_atomically_and_keeps_its_mode(tmp_path):
    target = tmp_path / "r.json"
    target.write_text("old")
    target.chmod(0o600)
    inode = target.stat().st_ino
    assert main([*FAST, "--json", str(target)], out=open(os.devnull, "w")) == 0
    assert json.loads(target.read_text())["version"] == 1
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    assert target.stat().st_ino != inode                    # a new file renamed over the old one
    assert leftovers(tmp_path) == []


def test_a_new_file_follows_the_umask(tmp_path):
    old = os.umask(0o027)
    try:
        assert main([*FAST, "--json", str(tmp_path / "r.json")], out=open(os.devnull, "w")) == 0
    finally:
        os.umask(old)
    assert stat.S_IMODE((tmp_path / "r.json").stat().st_mode) == 0o640


def test_a_symlink_is_followed_and_kept(tmp_path):
    real_dir = tmp_path / "real"
    real_dir.mkdir()
    (real_dir / "r.json").write_text("old")
    (real_dir / "r.json").chmod(0o640)
    link = tmp_path / "link.json"
    link.symlink_to(real_dir / "r.json")
    dangling = tmp_path / "dangling.json"
    dangling.symlink_to(real_dir / "new.json")
    tex_link = tmp_path / "tex"
    (real_dir / "tex").mkdir()
    tex_link.symlink_to(real_dir / "tex")
    for json_target in (link, dangling):
        assert main([*FAST, "--json", str(json_target), "--latex", str(tex_link)],
                    out=open(os.devnull, "w")) == 0
    assert link.is_symlink() and dangling.is_symlink() and tex_link.is_symlink()
    assert json.loads((real_dir / "r.json").read_text())["version"] == 1
    assert stat.S_IMODE((real_dir / "r.json").stat().st_mode) == 0o640
    assert json.loads((real_dir / "new.json").read_text())["version"] == 1
    assert (real_dir / "tex" / "main.tex").exists()
    assert leftovers(tmp_path) == []


def test_a_fifo_is_written_to_and_never_replaced(tmp_path):
    fifo = tmp_path / "report.fifo"
    os.mkfifo(fifo)
    received = []
    reader = threading.Thread(target=lambda: received.append(open(fifo, "rb").read()), daemon=True)
    reader.start()
    assert main([*FAST, "--json", str(fifo)], out=open(os.devnull, "w")) == 0
    reader.join(timeout=30)
    assert json.loads(received[0])["version"] == 1
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)             # still the FIFO, not a regular file
    assert sorted(p.name for p in tmp_path.iterdir()) == ["report.fifo"]


def test_a_fifo_inside_the_latex_folder_is_written_to_and_a_file_keeps_its_mode(tmp_path):
    folder = tmp_path / "tex"
    folder.mkdir()
    os.mkfifo(folder / "main.tex")
    received = []
    reader = threading.Thread(target=lambda: received.append(open(folder / "main.tex", "rb").read()), daemon=True)
    reader.start()
    assert main([*FAST, "--latex", str(folder)], out=open(os.devnull, "w")) == 0
    reader.join(timeout=30)
    assert received and received[0].startswith(b"\\documentclass")
    assert stat.S_ISFIFO(os.lstat(folder / "main.tex").st_mode)
    assert leftovers(tmp_path) == []


def _full_disk(monkeypatch, after: int = 0):
    """Every write after the first ``after`` fails with ENOSPC, as on a full disk."""
    from proofs import output
    real, calls = output._write_all, []

    def write_all(fd, data):
        calls.append(fd)
        if len(calls) > after:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        real(fd, data)
    monkeypatch.setattr(output, "_write_all", write_all)


@pytest.mark.parametrize("after", [0, 1], ids=["json-fails", "latex-fails"])
def test_no_space_left_is_exit_2_with_the_old_outputs_untouched(tmp_path, capsys, monkeypatch, after):
    target, tex = tmp_path / "r.json", tmp_path / "tex"
    target.write_text("old json")
    tex.mkdir()
    (tex / "main.tex").write_text("old tex")
    _full_disk(monkeypatch, after)
    assert main([*FAST, "--json", str(target), "--latex", str(tex)], out=open(os.devnull, "w")) == 2
    assert "No space left on device" in one_error_line(capsys.readouterr().err)
    assert target.read_text() == "old json" and (tex / "main.tex").read_text() == "old tex"
    assert leftovers(tmp_path) == []


def test_no_space_left_on_a_new_target_leaves_nothing(tmp_path, capsys, monkeypatch):
    _full_disk(monkeypatch)
    assert main([*FAST, "--json", str(tmp_path / "r.json"), "--latex", str(tmp_path / "tex")],
                out=open(os.devnull, "w")) == 2
    one_error_line(capsys.readouterr().err)
    assert list(tmp_path.iterdir()) == []


def test_no_space_left_on_a_device_like_target_is_exit_2_and_keeps_it(tmp_path, capsys, monkeypatch):
    fifo = tmp_path / "full"
    os.mkfifo(fifo)
    drain = threading.Thread(target=lambda: open(fifo, "rb").read(), daemon=True)
    drain.start()
    _full_disk(monkeypatch)
    assert main([*FAST, "--json", str(fifo)], out=open(os.devnull, "w")) == 2
    assert "No space left on device" in one_error_line(capsys.readouterr().err)
    drain.join(timeout=30)
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["full"]


def test_a_folder_appears_with_what_finish_added_or_not_at_all(tmp_path):
    from proofs.output import write_folder

    def compile_pdf(folder):
        with open(os.path.join(folder, "main.pdf"), "w") as handle:
            handle.write("pdf")
    write_folder(str(tmp_path / "out"), {"main.tex": "new"}, finish=compile_pdf)
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["main.pdf", "main.tex"]

    def interrupted(folder):
        compile_pdf(folder)
        raise KeyboardInterrupt
    with pytest.raises(KeyboardInterrupt):
        write_folder(str(tmp_path / "out"), {"main.tex": "newer"}, finish=interrupted)
    assert (tmp_path / "out" / "main.tex").read_text() == "new" and leftovers(tmp_path) == []


@pytest.mark.parametrize("args", [["run", "output-size", "--latex", "-"], ["report", "--out", ""]])
def test_a_folder_cannot_be_standard_output_or_empty(capsys, args):
    assert main(args) == 2
    one_error_line(capsys.readouterr().err)


# --------------------------------------------------------------------------- interrupts, time limit

def _outputs_are_one_set(out_dir) -> str:
    """'old' or 'new': the JSON and the LaTeX are from the same run, whichever it was."""
    raw = (out_dir / "r.json").read_text()
    tex = (out_dir / "tex" / "main.tex").read_text()
    if raw == "old" and tex == "old":
        return "old"
    assert json.loads(raw)["version"] == 1 and tex.startswith("\\documentclass"), (raw[:40], tex[:40])
    return "new"


def _prepare(tmp_path, k):
    out_dir = tmp_path / f"run{k}"
    (out_dir / "tex").mkdir(parents=True)
    (out_dir / "r.json").write_text("old")
    (out_dir / "tex" / "main.tex").write_text("old")
    return out_dir


def _started(out_dir, *extra, stdout=subprocess.DEVNULL):
    return subprocess.Popen([sys.executable, "-m", "proofs", *FAST, "--json", str(out_dir / "r.json"),
                             "--latex", str(out_dir / "tex"), *extra],
                            cwd=ROOT, env=ENV, stdout=stdout, stderr=subprocess.PIPE,
                            text=True, start_new_session=True)


def _no_child_left(pgid):
    deadline = time.monotonic() + 5
    while processes_in_group(pgid) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert processes_in_group(pgid) == []


def _interrupt(proc, out_dir) -> str:
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=300)
    if proc.returncode == 0:                                  # it had finished already
        assert _outputs_are_one_set(out_dir) == "new"
        return "finished"
    assert proc.returncode == 130, err
    assert one_error_line(err) == "dgm-proofs: interrupted"
    assert leftovers(out_dir) == []
    _no_child_left(proc.pid)
    return _outputs_are_one_set(out_dir)


def test_an_interrupt_at_any_moment_exits_130_and_leaves_one_set_of_outputs(tmp_path):
    outcomes = []
    out_dir = _prepare(tmp_path, 1)                   # while SymPy loads
    proc = _started(out_dir)
    time.sleep(0.5)
    outcomes.append(_interrupt(proc, out_dir))
    out_dir = _prepare(tmp_path, 2)                   # while checker processes are running
    proc = _started(out_dir)
    deadline = time.monotonic() + 120
    while len(processes_in_group(proc.pid)) < 2 and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.01)
    outcomes.append(_interrupt(proc, out_dir))
    out_dir = _prepare(tmp_path, 3)                   # checked and printed: now writing
    proc = _started(out_dir, stdout=subprocess.PIPE)
    proc.stdout.readline()
    outcomes.append(_interrupt(proc, out_dir))
    assert outcomes[:2] == ["old", "old"], outcomes
    assert outcomes[2] in ("old", "new", "finished")


def test_an_interrupt_while_the_outputs_move_into_place_waits_for_the_whole_set(tmp_path):
    out_dir = _prepare(tmp_path, 0)
    script = textwrap.dedent(f"""
        import os, signal, sys
        import sympy as sp
        from proofs import output, output_size
        from proofs.__main__ import main
        from symbolic.derivation import Derivation, Step
        x = sp.Symbol("x", positive=True)         # a one-step derivation: the moves are the point
        output_size.build = lambda options: Derivation(title="tiny", id="output-size",
                                                       steps=[Step(sp.log(x**2), 2 * sp.log(x), "log")])
        real = os.replace
        def replace(a, b):
            os.kill(os.getpid(), signal.SIGINT)       # Ctrl-C between the moves
            real(a, b)
        output.os.replace = replace
        # (no cache: its own atomic writes would take the interrupt before the outputs do)
        sys.exit(main({FAST + ["--no-cache", "--json", str(out_dir / "r.json"), "--latex", str(out_dir / "tex")]!r}))
    """)
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, cwd=ROOT,
                            env=ENV, timeout=300)
    assert result.returncode == 130
    assert one_error_line(result.stderr) == "dgm-proofs: interrupted"
    assert _outputs_are_one_set(out_dir) == "new"
    assert leftovers(tmp_path) == []


def test_a_termination_request_is_one_line_and_exit_143(tmp_path):
    script = textwrap.dedent("""
        import sys, time
        from proofs import output_size
        from proofs.__main__ import main
        def build(options):
            print("building", flush=True)
            time.sleep(60)
        output_size.build = build
        sys.exit(main(["run", "output-size", "--json", sys.argv[1]]))
    """)
    proc = subprocess.Popen([sys.executable, "-c", script, str(tmp_path / "r.json")], cwd=ROOT, env=ENV,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    assert proc.stdout.readline() == "building\n"
    proc.terminate()
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 143
    assert one_error_line(err) == "dgm-proofs: terminated"
    assert list(tmp_path.iterdir()) == []


def test_the_time_limit_bounds_the_whole_run_and_writes_nothing(tmp_path):
    out_dir = _prepare(tmp_path, 0)
    proc = _started(out_dir, "--time-limit", "0.5", "--no-cache")
    _, err = proc.communicate(timeout=300)
    assert proc.returncode == 1
    assert one_error_line(err) == "dgm-proofs: time limit of 0.5 s reached; nothing written (see --time-limit)"
    assert _outputs_are_one_set(out_dir) == "old" and leftovers(tmp_path) == []
    _no_child_left(proc.pid)


def test_the_time_limit_holds_even_when_the_work_does_not_see_signals(tmp_path):
    """A computation stuck where no signal reaches Python is ended by the watchdog."""
    script = textwrap.dedent("""
        import signal, sys, time
        from proofs import guard, output_size
        from proofs.__main__ import main
        guard.GRACE = 0.5
        def build(options):
            signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGALRM, signal.SIGINT})
            time.sleep(60)
        output_size.build = build
        sys.exit(main(["run", "output-size", "--time-limit", "1"]))
    """)
    started = time.monotonic()
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, cwd=ROOT,
                            env=ENV, timeout=300)
    assert result.returncode == 1 and time.monotonic() - started < 30
    assert one_error_line(result.stderr) == "dgm-proofs: time limit of 1 s reached; nothing written"


# --------------------------------------------------------------------------- README

def test_readme_snippet_for_users_own_tests_runs_as_shown():
    readme = open(os.path.join(ROOT, "README.md"), encoding="utf-8").read()
    section = readme.split("## In your own tests", 1)[1]
    snippet = re.search(r"```python\n(.*?)```", section, re.S).group(1)
    assert "import sympy as sp" in snippet and "assert_relation(" in snippet
    namespace = {}
    exec(compile(snippet, "README.md", "exec"), namespace)     # exactly as shown, nothing added
    tests = [f for name, f in namespace.items() if name.startswith("test_")]
    assert len(tests) == 3
    for test in tests:
        test()


# An interrupt can land anywhere while the libraries load.  Three places used to turn it into
# something else: inside code run by exec() of a string (dataclasses builds its methods so)
# CPython 3.11 took the handled interrupt for an unhandled one and killed itself with SIGINT at
# exit (status -2); inside __set_name__ (NumPy's finfo) it arrived wrapped in a RuntimeError
# and printed a traceback; a bare ``except:`` around an import would swallow it and the command
# ran on.  Each is reproduced here exactly, in a real process.
INTERRUPTED_WHILE_LOADING = {
    "inside exec of a string": 'exec("raise KeyboardInterrupt")',
    "inside __set_name__": textwrap.dedent("""\
        class Descriptor:
            def __set_name__(self, owner, name):
                raise KeyboardInterrupt
        class Loading:
            field = Descriptor()"""),
    "swallowed by a bare except": textwrap.dedent("""\
        try:
            os.kill(os.getpid(), signal.SIGINT)
            time.sleep(5)
        except:  # noqa: E722 - a library that swallows the interrupt
            pass"""),
}


@pytest.mark.parametrize("where", sorted(INTERRUPTED_WHILE_LOADING))
def test_an_interrupt_while_the_libraries_load_is_one_line_and_exit_130(where, tmp_path):
    # run with -m, as dgm-proofs is: only then does the interpreter look at exit for an
    # interrupt it believes unhandled
    script = tmp_path / "interrupted.py"
    body = textwrap.indent(INTERRUPTED_WHILE_LOADING[where], "    ")
    script.write_text(f"import os, signal, sys, time\nimport proofs.__main__ as cli\nreal = cli.build_parser\n\n"
                      f"def loading():\n{body}\n    return real()\n\n"
                      f"cli.build_parser = loading\nsys.exit(cli.main(['run', 'output-size', '--no-cache']))\n")
    env = {**ENV, "PYTHONPATH": os.pathsep.join([str(tmp_path), ROOT])}
    proc = subprocess.run([sys.executable, "-m", "interrupted"], cwd=ROOT, env=env, capture_output=True,
                          text=True, timeout=120)
    assert proc.returncode == 130, (proc.returncode, proc.stderr)
    assert one_error_line(proc.stderr) == "dgm-proofs: interrupted"
