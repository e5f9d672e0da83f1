"""The verdict cache (symbolic/cache.py, symbolic/store.py) and the replay of an unchanged
command (proofs/replay.py): hits, misses after a change of claim or of checker, damaged and
foreign files ignored, concurrent writers, the bound, and the command line around them."""
import json
import multiprocessing
import os
import subprocess
import sys
import time

import pytest
import sympy as sp

import symbolic.cache as cache_module
from symbolic.cache import VerdictCache, claim_key
from symbolic.check import claim, verify_many
from symbolic.store import Store

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
x = sp.Symbol("x", positive=True)
y = sp.Symbol("y", real=True)
JOBS = [claim(sp.log(x**2), 2 * sp.log(x)),                     # proved
        claim(sp.sqrt(y**2), y),                                  # failed at a negative y
        claim((x + 1)**2, x**2 + 2*x + 1)]                        # proved


def entry_paths(cache):
    return sorted(cache.store.entries())


def test_a_second_check_reads_every_verdict_and_equals_a_fresh_one(tmp_path):
    cache = VerdictCache(str(tmp_path))
    first = verify_many(JOBS, cache=cache)
    assert [v.status for v in first] == ["proved", "failed", "proved"]
    assert (cache.hits, cache.misses, len(cache)) == (0, 3, 3)
    again = verify_many(JOBS, cache=cache)
    assert cache.hits == 3
    assert again == first == verify_many(JOBS)                    # exactly the fresh verdicts
    assert again[1].counterexample == first[1].counterexample and again[1].values == first[1].values


def test_each_claims_key_is_computed_once_per_check(tmp_path, monkeypatch):
    """The key (the claim's srepr, costly for a large claim) of a miss serves its lookup and
    its storing; nothing is kept once the verdict is stored."""
    calls = []
    monkeypatch.setattr(cache_module, "claim_key", lambda job, budget: calls.append(job) or claim_key(job, budget))
    cache = VerdictCache(str(tmp_path))
    verify_many(JOBS, cache=cache)
    assert len(calls) == len(JOBS) and len(cache) == len(JOBS) and cache._keys == {}
    verify_many(JOBS, cache=cache)                                 # hits: one key each, nothing kept
    assert len(calls) == 2 * len(JOBS) and cache._keys == {}


def test_a_changed_claim_misses(tmp_path):
    cache = VerdictCache(str(tmp_path))
    verify_many(JOBS[:1], cache=cache)
    changed = [claim(sp.log(x**3), 3 * sp.log(x)),                # another claim
               claim(sp.log(x**2), 2 * sp.log(x), [x > 2]),       # another assumption
               claim(sp.log(x**2), 2 * sp.log(x), relation=">="),  # another relation
               claim(sp.log(x**2), 2 * sp.log(x), seed=1)]        # another seed
    verify_many(changed, cache=cache)
    assert cache.hits == 0 and cache.misses == 5
    assert len({claim_key(job, 20.0) for job in JOBS[:1] + changed}) == 5
    assert claim_key(JOBS[0], 20.0) != claim_key(JOBS[0], 30.0)   # the budget is in the key


def test_functions_that_differ_only_in_their_assumptions_have_different_keys():
    real, plain = sp.Function("f", real=True), sp.Function("f")
    assert sp.srepr(real(x)) == sp.srepr(plain(x))                 # why the key adds them
    assert claim_key(claim(real(x), real(x)), 20.0) != claim_key(claim(plain(x), plain(x)), 20.0)


def test_a_change_of_the_checker_misses_every_entry(tmp_path, monkeypatch):
    cache = VerdictCache(str(tmp_path))
    verify_many(JOBS, cache=cache)
    monkeypatch.setattr(cache_module, "checker_digest", lambda: "another checker")
    verify_many(JOBS, cache=cache)
    assert cache.hits == 0 and cache.misses == 6


def test_the_checker_digest_covers_every_source_of_the_package():
    import symbolic
    folder = os.path.dirname(symbolic.__file__)
    assert len(cache_module.checker_digest()) == 64
    assert {"check.py", "audit.py", "cache.py"} <= set(os.listdir(folder))


def test_unknown_and_checked_verdicts_are_not_kept(tmp_path):
    from symbolic.check import Verdict
    cache = VerdictCache(str(tmp_path))
    cache.put_many([(JOBS[0], Verdict("unknown", "budget")), (JOBS[2], Verdict("checked", "numeric"))], 20.0)
    assert len(cache) == 0


@pytest.mark.parametrize("damage", ["garbage", "truncated", "checksum", "other key", "code"])
def test_a_damaged_or_foreign_entry_is_ignored_and_recomputed(tmp_path, damage):
    cache = VerdictCache(str(tmp_path))
    fresh = verify_many(JOBS[:1], cache=cache)
    (path,) = entry_paths(cache)
    entry = json.loads(open(path).read())
    if damage == "garbage":
        text = "\x00\xff not json"
    elif damage == "truncated":
        text = json.dumps(entry)[:40]
    elif damage == "checksum":
        entry["payload"]["status"] = "failed"                        # a verdict changed by hand
        text = json.dumps(entry)
    elif damage == "other key":
        entry["key"] = "0" * 64
        text = json.dumps(entry)
    else:                                                            # code where a value should be
        marker = tmp_path / "executed"
        entry["payload"]["residual"] = {"sympy": f"__import__('pathlib').Path({str(marker)!r}).touch()"}
        from symbolic.store import _checksum
        entry["checksum"] = _checksum(entry["payload"])
        text = json.dumps(entry)
    with open(path, "w", errors="surrogateescape") as handle:
        handle.write(text)
    again = verify_many(JOBS[:1], cache=cache)
    assert cache.hits == 0 and again == fresh
    if damage == "code":
        assert not (tmp_path / "executed").exists()
    assert VerdictCache(str(tmp_path)).get_many(JOBS[:1], 20.0) == fresh   # overwritten, good again


def test_the_store_keeps_at_most_its_bound_dropping_the_least_recently_used(tmp_path):
    store = Store(str(tmp_path), max_entries=3)
    for k in range(5):
        store.write(f"{k:02x}" * 4, {"k": k})
        os.utime(store._path(f"{k:02x}" * 4), (1000 + k, 1000 + k))
    store.read("00000000")                                            # used: now the most recent
    assert store.prune() == 2
    assert sorted(store.read(f"{k:02x}" * 4) is not None for k in range(5)) == [False, False, True, True, True]
    assert store.read("00000000") == {"k": 0}


def test_an_unwritable_cache_folder_is_no_error(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    cache = VerdictCache(str(blocker))
    assert [v.status for v in verify_many(JOBS[:1], cache=cache)] == ["proved"]


def _hammer(folder, rounds):
    store = Store(folder)
    for k in range(rounds):
        store.write(f"{k % 7:02x}" * 8, {"value": [k % 7] * 50})


def test_two_concurrent_writers_never_leave_a_damaged_entry(tmp_path):
    ctx = multiprocessing.get_context("fork")
    writers = [ctx.Process(target=_hammer, args=(str(tmp_path), 300)) for _ in range(2)]
    for w in writers:
        w.start()
    store, seen = Store(str(tmp_path)), 0
    while any(w.is_alive() for w in writers):
        for k in range(7):
            found = store.read(f"{k:02x}" * 8)
            assert found in (None, {"value": [k] * 50})
            seen += found is not None
    for w in writers:
        w.join()
        assert w.exitcode == 0
    assert all(store.read(f"{k:02x}" * 8) == {"value": [k] * 50} for k in range(7))
    assert not [n for g in os.listdir(tmp_path) for n in os.listdir(tmp_path / g) if n.startswith(".tmp")]


# --------------------------------------------------------------------------- the command line

FAST = ["run", "output-size", "--values", "16", "--quiet"]


def cli(*args, cache, cwd=None):
    env = {**os.environ, "PYTHONPATH": ROOT, "XDG_CACHE_HOME": str(cache)}
    began = time.monotonic()
    proc = subprocess.run([sys.executable, "-m", "proofs", *args], capture_output=True, text=True,
                          cwd=cwd or ROOT, timeout=600, env=env)
    return proc, time.monotonic() - began


def test_an_unchanged_run_is_replayed_byte_for_byte(tmp_path):
    cache = tmp_path / "cache"
    first, _ = cli(*FAST, "--json", str(tmp_path / "r.json"), "--latex", str(tmp_path / "tex"), cache=cache)
    assert first.returncode == 0, first.stderr
    json_bytes, tex_bytes = (tmp_path / "r.json").read_bytes(), (tmp_path / "tex" / "main.tex").read_bytes()
    (tmp_path / "r.json").unlink()
    (tmp_path / "tex" / "main.tex").write_text("stale")
    again, _ = cli(*FAST, "--json", str(tmp_path / "r.json"), "--latex", str(tmp_path / "tex"), cache=cache)
    assert again.returncode == 0 and again.stdout == first.stdout
    assert (tmp_path / "r.json").read_bytes() == json_bytes
    assert (tmp_path / "tex" / "main.tex").read_bytes() == tex_bytes
    assert os.listdir(cache / "dgm-proofs" / "runs")
    fresh, _ = cli(*FAST, "--no-cache", "--json", str(tmp_path / "fresh.json"), cache=tmp_path / "other")
    assert (tmp_path / "fresh.json").read_bytes() == json_bytes    # what a fresh run writes
    assert not (tmp_path / "other").exists()                         # --no-cache touches nothing


def test_a_changed_option_runs_afresh_reusing_the_verdicts(tmp_path):
    cache = tmp_path / "cache"
    cli(*FAST, cache=cache)
    proc, _ = cli(*FAST, "--timings", cache=cache)
    assert proc.returncode == 0
    assert "(17 from the cache)" in proc.stdout or "from the cache)" in proc.stdout
    lines = proc.stdout.splitlines()
    head = next(k for k, line in enumerate(lines) if line.startswith("checking time:"))
    assert 1 <= len(lines) - head - 1 <= 10


def test_timings_give_each_step_its_seconds_in_the_json(tmp_path):
    proc, _ = cli(*FAST, "--timings", "--no-cache", "--json", str(tmp_path / "r.json"), cache=tmp_path / "c")
    assert proc.returncode == 0, proc.stderr
    steps = json.loads((tmp_path / "r.json").read_text())["derivations"][0]["steps"]
    assert all(isinstance(s["seconds"], float) and 0 < s["seconds"] < 60 for s in steps)
    slow = [line for line in proc.stdout.splitlines() if " s  output-size step " in line]
    assert len(slow) == 10
    plain, _ = cli(*FAST, "--no-cache", "--json", str(tmp_path / "p.json"), cache=tmp_path / "c")
    assert "seconds" not in (tmp_path / "p.json").read_text()        # deterministic without --timings


def test_two_concurrent_runs_share_the_cache_safely(tmp_path):
    cache = tmp_path / "cache"
    env = {**os.environ, "PYTHONPATH": ROOT, "XDG_CACHE_HOME": str(cache)}
    procs = [subprocess.Popen([sys.executable, "-m", "proofs", *FAST, "--json", str(tmp_path / f"{k}.json")],
                              cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
             for k in (1, 2)]
    for p in procs:
        p.communicate(timeout=600)
        assert p.returncode == 0
    assert (tmp_path / "1.json").read_bytes() == (tmp_path / "2.json").read_bytes()
    third, _ = cli(*FAST, "--json", str(tmp_path / "1.json"), cache=cache)
    assert third.returncode == 0 and (tmp_path / "1.json").read_bytes() == (tmp_path / "2.json").read_bytes()


def test_a_failing_run_is_never_replayed(tmp_path):
    from proofs import replay
    recorder = replay.Recorder(["run", "output-size"], sys.stdout)
    recorder.printed.append("text")
    recorder.keep(1, err=False)
    assert replay.lookup(["run", "output-size"], sys.stdout) is None
    recorder.keep(0, err=False)
    assert replay.lookup(["run", "output-size"], sys.stdout)["printed"] == "text"


@pytest.mark.parametrize("argv", [["run", "--no-cache"], ["run", "--no-c"], ["run", "--timings"],
                                  ["check", "a.tex"], ["list"], []])
def test_commands_that_ask_for_fresh_work_are_never_replayed(argv):
    from proofs.replay import eligible
    assert not eligible(argv)


def test_a_run_of_a_script_is_never_recorded(tmp_path):
    script = tmp_path / "mine.py"
    script.write_text("import sympy as sp\nfrom symbolic import Derivation, Step\nx = sp.Symbol('x')\n"
                      "def derivation():\n    return Derivation('mine', steps=[Step(x + x, 2*x, 'collecting')])\n")
    proc, _ = cli("run", str(script), "--quiet", cache=tmp_path / "cache")
    assert proc.returncode == 0, proc.stderr
    assert not (tmp_path / "cache" / "dgm-proofs" / "runs").exists()
