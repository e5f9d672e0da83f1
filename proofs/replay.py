"""Replaying an unchanged command: ``dgm-proofs run`` or ``report`` again, in well under a second.

Re-running a command whose inputs have not changed gives, byte for byte, the output it gave
before (the project's output is deterministic).  So a successful ``run`` or ``report`` (exit
status 0) is recorded: what it printed, on which stream, and every file it wrote.  The next
identical command plays that record back through the same staged, atomic writers
(:class:`proofs.output.Outputs`), without importing SymPy, building or checking anything.

"Identical" is decided by a key that hashes the command's arguments, the working directory
(relative paths), the encoding of the stream it prints on, ``SOURCE_DATE_EPOCH``, whether
``pdflatex`` is installed, the versions of Python and of every library the output depends on,
and every source and text file of the ``proofs`` and ``symbolic`` packages: any change to
the code, the catalogues or the libraries, and the command runs afresh (then reusing the
per-claim verdicts of :mod:`symbolic.cache` that still apply).  ``--no-cache`` and
``--timings`` never replay; scripts (``run my_derivation.py``) are never recorded, since
their code lies outside the packages.  Records live beside the verdicts, under
``$XDG_CACHE_HOME/dgm-proofs/runs``, at most :data:`MAX_RECORDS` of them.
"""
from __future__ import annotations

import base64
import functools
import hashlib
import os
import platform
import shutil
import sys

__all__ = ["key_for", "lookup", "play", "Recorder", "MAX_RECORDS"]

MAX_RECORDS = 64
_LIBRARIES = ("sympy", "mpmath", "numpy", "matplotlib", "lark")
_NEVER = ("--no-cache", "--timings", "--help", "-h", "--version")


def _store():
    from symbolic.store import Store, cache_root     # standard library only: no SymPy
    return Store(os.path.join(cache_root(), "runs"), MAX_RECORDS)


def eligible(argv) -> bool:
    """Whether ``argv`` may be replayed: ``run`` or ``report``, and no option (or abbreviation
    of one) asking for fresh work.  (A run of a script is never recorded: :meth:`Recorder.keep`.)"""
    if not argv or argv[0] not in ("run", "report"):
        return False
    for token in argv[1:]:
        flag = token.split("=", 1)[0]
        if flag.startswith("-") and len(flag) >= 3 and any(n.startswith(flag) for n in _NEVER):
            return False
    return True


@functools.lru_cache(maxsize=None)
def _code_digest() -> str:
    """The sources and catalogues of both packages, and the versions the output depends on."""
    from importlib.metadata import PackageNotFoundError, version
    h = hashlib.sha256(platform.python_version().encode())
    for name in _LIBRARIES:
        try:
            h.update(f"{name} {version(name)}".encode())
        except PackageNotFoundError:
            h.update(f"{name} none".encode())
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    for package in ("proofs", "symbolic"):
        for folder, dirs, files in sorted(os.walk(os.path.join(root, package))):
            dirs.sort()
            for name in sorted(files):
                if name.endswith((".py", ".toml")):
                    with open(os.path.join(folder, name), "rb") as handle:
                        h.update(os.path.relpath(os.path.join(folder, name), root).encode() + b"\0" + handle.read())
    return h.hexdigest()


def key_for(argv, stream) -> str:
    """The record key of the command ``argv`` printing on ``stream``."""
    parts = [_code_digest(), repr(list(argv)), os.getcwd(), str(getattr(stream, "encoding", None)),
             str(getattr(sys.stderr, "encoding", None)),
             os.environ.get("SOURCE_DATE_EPOCH", ""), str(shutil.which("pdflatex"))]
    return hashlib.sha256("\0".join(parts).encode()).hexdigest()


def lookup(argv, stream):
    """The record of ``argv`` (a dict), or ``None``."""
    if not eligible(argv):
        return None
    return _store().read(key_for(argv, stream))


class Recorder:
    """Collects what a command prints and writes, to store it if the command succeeds."""

    def __init__(self, argv, stream):
        self.argv, self.stream = list(argv), stream
        self.printed: list[str] = []
        self.outputs: list[dict] = []

    def wrote_file(self, path: str, data: bytes) -> None:
        self.outputs.append({"kind": "file", "path": path, "data": _b64(data)})

    def wrote_folder(self, path: str, files: dict) -> None:
        self.outputs.append({"kind": "folder", "path": path,
                             "files": {name: _b64(data) for name, data in sorted(files.items())}})

    def keep(self, status: int, err: bool, scripts: bool = False) -> None:
        """Store the record of a successful command (not of one that ran ``scripts``: their
        code lies outside the key)."""
        if status == 0 and not scripts and eligible(self.argv):
            _store().write(key_for(self.argv, self.stream),
                           {"status": status, "stderr": err, "printed": "".join(self.printed),
                            "outputs": self.outputs})


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def play(record, out, err) -> int:
    """Write the record's files (staged and atomic, like the original run) and print its text;
    the record's exit status."""
    from .output import Outputs, check_dir_target, check_file_target
    outputs_ = record["outputs"]
    for item in outputs_:                              # refuse a bad target before writing any
        (check_file_target if item["kind"] == "file" else check_dir_target)(item["path"])
    text = record["printed"]
    stream = err if record["stderr"] else out
    with Outputs(stdout=sys.stdout) as outputs:
        for item in outputs_:
            if item["kind"] == "file":
                outputs.file(item["path"], base64.b64decode(item["data"]).decode("utf-8"))
            else:
                outputs.folder(item["path"], {n: base64.b64decode(d) for n, d in item["files"].items()})
        outputs.commit()
    stream.write(text)
    stream.flush()
    return record["status"]
