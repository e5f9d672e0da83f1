"""Whole commands, as a user runs them: ``dgm-proofs run`` (all five problems) and
``dgm-proofs report`` (English), cold, with the verdict cache warm, and replayed unchanged,
each beside the same command with the cache off (``--no-cache``); and a cold run on gmpy2's
integers beside the same run on Python's (mpmath and SymPy told not to use gmpy2).

Every timing is a fresh process (start-up, imports, building and checking included) under a
cache folder of its own; ``setup`` fills that folder first where the case needs it warm.
"""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
_FOLDERS: dict = {}


def _folder(name: str) -> str:
    """A cache folder for one case, empty at first."""
    if name not in _FOLDERS:
        _FOLDERS[name] = tempfile.mkdtemp(prefix=f"dgm-bench-{name}-")
    return _FOLDERS[name]


def _command(*args, cache=None, env=None, keep=None):
    """Run ``python -m proofs args`` to the end (``env``: variables added); its exit status, or
    with ``keep`` (a file the command writes under ``{out}``) the status and that file's bytes."""
    env = {**os.environ, "PYTHONPATH": ROOT, "XDG_CACHE_HOME": cache or _folder("none"), **(env or {})}
    out = tempfile.mkdtemp(prefix="dgm-bench-out-")
    try:
        args = [a.replace("{out}", out) for a in args]
        status = subprocess.run([sys.executable, "-m", "proofs", *args], cwd=ROOT, env=env,
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=900).returncode
        if keep is None:
            return status
        path = os.path.join(out, keep)
        return status, open(path, "rb").read() if os.path.exists(path) else None
    finally:
        shutil.rmtree(out, ignore_errors=True)


def _cold(name, *args):
    def run():
        shutil.rmtree(_folder(name), ignore_errors=True)       # empty before every timing
        return _command(*args, cache=_folder(name))
    return run


RUN = ("run", "--quiet")
# mpmath and SymPy read these when imported: Python's integers instead of gmpy2's
PYTHON_INTEGERS = {"MPMATH_NOGMPY": "1", "SYMPY_GROUND_TYPES": "python"}
REPORT = ("report", "--out", "{out}/report")

CASES = [
    dict(name="dgm-proofs run: cold, empty cache vs --no-cache",
         ours=_cold("run-cold", *RUN), naive=lambda: _command(*RUN, "--no-cache"), timeout=900,
         compare=lambda a, b: a == b == 0),
    dict(name="dgm-proofs run: verdicts cached, other output (no replay) vs --no-cache",
         setup=lambda: _command(*RUN, cache=_folder("run-verdicts")),
         ours=lambda: _command(*RUN, "--json", "{out}/r.json", cache=_folder("run-verdicts")),
         naive=lambda: _command(*RUN, "--json", "{out}/r.json", "--no-cache"), timeout=900,
         compare=lambda a, b: a == b == 0),
    dict(name="dgm-proofs run: unchanged, replayed vs --no-cache",
         setup=lambda: _command(*RUN, cache=_folder("run-warm")),
         ours=lambda: _command(*RUN, cache=_folder("run-warm")),
         naive=lambda: _command(*RUN, "--no-cache"), timeout=900, compare=lambda a, b: a == b == 0),
    dict(name="dgm-proofs run, cold: gmpy2's integers vs Python's (same JSON)",
         ours=lambda: _command(*RUN, "--no-cache", "--json", "{out}/r.json", keep="r.json"),
         naive=lambda: _command(*RUN, "--no-cache", "--json", "{out}/r.json", keep="r.json", env=PYTHON_INTEGERS),
         timeout=900, compare=lambda a, b: a[0] == b[0] == 0 and a[1] == b[1]),
    dict(name="dgm-proofs report (en): cold, empty cache vs --no-cache",
         ours=_cold("report-cold", *REPORT), naive=lambda: _command(*REPORT, "--no-cache"), timeout=900,
         compare=lambda a, b: a == b == 0),
    dict(name="dgm-proofs report (en): unchanged, replayed vs --no-cache",
         setup=lambda: _command("report", "--out", "/tmp/dgm-bench-report", cache=_folder("report-warm")),
         ours=lambda: _command("report", "--out", "/tmp/dgm-bench-report", cache=_folder("report-warm")),
         naive=lambda: _command(*REPORT, "--no-cache"), timeout=900, compare=lambda a, b: a == b == 0),
]
