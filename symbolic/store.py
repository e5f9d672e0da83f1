"""A folder of small JSON records keyed by hexadecimal strings: the storage under the verdict
cache (:mod:`symbolic.cache`) and the command records (:mod:`proofs.replay`).  Standard
library only, so that it loads without SymPy.

Writes go to a temporary file renamed into place (two concurrent writers never leave half a
record); a record that does not parse, names another key or fails its checksum reads as
missing; the folder keeps at most ``max_entries`` records, dropping the least recently used.

>>> import tempfile
>>> store = Store(tempfile.mkdtemp(), max_entries=2)
>>> store.write("ab12", {"x": [1, 2]}), store.read("ab12"), store.read("cd34")
(True, {'x': [1, 2]}, None)
"""
from __future__ import annotations

import hashlib
import json
import os
import tempfile

__all__ = ["Store", "cache_root", "FORMAT"]

FORMAT = 1


def cache_root() -> str:
    """``$XDG_CACHE_HOME/dgm-proofs``, or ``~/.cache/dgm-proofs``."""
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return os.path.join(base, "dgm-proofs")


class Store:
    """A folder of JSON entries keyed by hexadecimal strings (atomic writes, LRU bound)."""

    def __init__(self, folder: str, max_entries: int = 20_000):
        self.folder, self.max_entries = folder, max_entries

    def _path(self, key: str) -> str:
        return os.path.join(self.folder, key[:2], key + ".json")

    def read(self, key: str):
        """The payload stored under ``key``, or ``None`` (missing, corrupt or foreign)."""
        try:
            with open(self._path(key), "rb") as handle:
                entry = json.loads(handle.read())
            payload = entry["payload"]
            if entry.get("format") != FORMAT or entry.get("key") != key \
                    or entry.get("checksum") != _checksum(payload):
                return None
            os.utime(self._path(key))              # recently used: pruned last
            return payload
        except (OSError, ValueError, KeyError, TypeError, AttributeError):
            return None

    def write(self, key: str, payload) -> bool:
        """Store ``payload`` (JSON data) under ``key``; ``False`` when the folder is not writable."""
        text = json.dumps({"format": FORMAT, "key": key, "checksum": _checksum(payload),
                           "payload": payload}, sort_keys=True)
        path = self._path(key)
        try:
            os.makedirs(os.path.dirname(path), mode=0o700, exist_ok=True)
            handle, temporary = tempfile.mkstemp(dir=os.path.dirname(path), prefix=".tmp-")
            try:
                with os.fdopen(handle, "w") as out:
                    out.write(text)
                os.replace(temporary, path)
            except BaseException:
                os.unlink(temporary)
                raise
            return True
        except OSError:
            return False

    def entries(self) -> list[str]:
        """The paths of the stored entries."""
        try:
            groups = [os.path.join(self.folder, g) for g in os.listdir(self.folder) if len(g) == 2]
        except OSError:
            return []
        return [os.path.join(g, n) for g in groups if os.path.isdir(g)
                for n in os.listdir(g) if n.endswith(".json") and not n.startswith(".")]

    def prune(self) -> int:
        """Drop the least recently used entries beyond ``max_entries``; the number dropped."""
        paths = self.entries()
        if len(paths) <= self.max_entries:
            return 0
        aged = sorted(paths, key=lambda p: _mtime(p))
        dropped = 0
        for path in aged[:len(paths) - self.max_entries]:
            try:
                os.unlink(path)
                dropped += 1
            except OSError:
                pass
        return dropped


def _mtime(path: str) -> float:
    try:
        return os.stat(path).st_mtime
    except OSError:
        return 0.0


def _checksum(payload) -> str:
    return hashlib.sha256(json.dumps(payload, sort_keys=True).encode()).hexdigest()
