"""Interrupts and the whole-run time limit of the command line.

:func:`guarded` wraps one command: an interrupt (SIGINT, Ctrl-C) or a termination request
(SIGTERM) raises :class:`Stopped` in the main process, and the time limit raises
:class:`TimeLimitReached`, wherever the work is (building a derivation, its cross-checks,
checking, drawing, writing).  The command's caller then removes what it staged, ends the
checker processes and exits with one line.  The forked checker processes ignore these
signals (their parent ends them), so an interrupt prints no traceback from them.

:func:`deferred` marks a short stretch that must not be cut in the middle (creating a
temporary file and remembering it, moving a set of outputs into place): a signal that
arrives inside it takes effect when it ends.

Should the main process not respond (a long computation inside C code does not see
signals), a watchdog thread ends it a few seconds after the time limit all the same:
checker processes killed, temporary files removed, exit status 1.
"""
from __future__ import annotations

import contextlib
import multiprocessing
import os
import shutil
import signal
import sys
import threading

__all__ = ["Stopped", "TimeLimitReached", "watching", "guarded", "deferred", "end_children",
           "temporaries", "GRACE"]

GRACE = 5.0                 # seconds the watchdog waits beyond the time limit
temporaries: set = set()    # staged paths not yet in place (removed if the process is ended)


class Stopped(BaseException):
    """An interrupt (SIGINT: exit status 130) or a termination request (SIGTERM: 143)."""

    def __init__(self, signum):
        super().__init__(signum)
        self.signum = signum
        self.status = 128 + signum
        self.message = "interrupted" if signum == signal.SIGINT else "terminated"


class TimeLimitReached(BaseException):
    """The whole-run time limit ran out."""

    def __init__(self, seconds):
        super().__init__(seconds)
        self.seconds = seconds


_state = {"pid": None, "depth": 0, "pending": None, "stopping": False, "limit": None}


def _exception(signum):
    if signum == signal.SIGALRM:
        return TimeLimitReached(_state["limit"])
    return Stopped(signum)


def _handler(signum, frame):
    if os.getpid() != _state["pid"]:      # a forked checker process: its parent ends it
        return
    if _state["stopping"]:                # already stopping: a second Ctrl-C does not cut the cleanup
        return
    if _state["depth"]:
        _state["pending"] = _state["pending"] or signum
        return
    _state["stopping"] = True
    raise _exception(signum)


@contextlib.contextmanager
def deferred():
    """Signals arriving inside the block take effect when it ends."""
    _state["depth"] += 1
    try:
        yield
    finally:
        _state["depth"] -= 1
        pending = _state["pending"]
        if not _state["depth"] and pending and _state["pid"] == os.getpid() and not _state["stopping"]:
            _state["pending"] = None
            _state["stopping"] = True
            raise _exception(pending)


def end_children() -> None:
    """Kill and reap every checker process this process started."""
    for child in multiprocessing.active_children():
        with contextlib.suppress(Exception):
            child.kill()
            child.join(timeout=2)


def remove_temporaries() -> None:
    for path in list(temporaries):
        with contextlib.suppress(OSError):
            if os.path.isdir(path) and not os.path.islink(path):
                shutil.rmtree(path, ignore_errors=True)
            else:
                os.unlink(path)
        temporaries.discard(path)


@contextlib.contextmanager
def watching():
    """Before :func:`guarded` takes over (while the libraries load): an interrupt raises
    ``KeyboardInterrupt`` as usual and is remembered too, so that one swallowed on its way (a
    library's bare ``except:`` around an import) still stops the command when :func:`guarded`
    starts."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.getsignal(signal.SIGINT)

    def remember(signum, frame):
        _state["early"] = signum
        raise KeyboardInterrupt
    _state["early"] = None
    signal.signal(signal.SIGINT, remember)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous if previous is not None else signal.SIG_DFL)


@contextlib.contextmanager
def guarded(time_limit: float | None, prog: str = "dgm-proofs"):
    """Run the block under the signal handlers and the time limit (``None``: no limit); an
    interrupt remembered by :func:`watching` and swallowed since stops it at once."""
    if _state.pop("early", None):
        raise Stopped(signal.SIGINT)
    if threading.current_thread() is not threading.main_thread():
        yield                              # signals can only be handled in the main thread
        return
    saved = {sig: signal.getsignal(sig) for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGALRM)}
    _state.update(pid=os.getpid(), depth=0, pending=None, stopping=False, limit=time_limit)
    done = threading.Event()
    for sig in saved:
        signal.signal(sig, _handler)
    if time_limit:
        signal.setitimer(signal.ITIMER_REAL, time_limit)

        def watchdog():
            if not done.wait(time_limit + GRACE):
                print(f"{prog}: time limit of {time_limit:g} s reached; nothing written",
                      file=sys.stderr, flush=True)
                end_children()
                remove_temporaries()
                os._exit(1)

        threading.Thread(target=watchdog, name="time-limit", daemon=True).start()
    try:
        yield
    finally:
        done.set()
        if time_limit:
            signal.setitimer(signal.ITIMER_REAL, 0)
        for sig, previous in saved.items():
            signal.signal(sig, previous if previous is not None else signal.SIG_DFL)
        _state.update(pid=None, depth=0, pending=None, stopping=False)
