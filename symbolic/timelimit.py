"""Time limits inside a checker process, where the alarm signal is ours to use.

Outside a forked checker process (in the caller's own program) the alarm belongs to the
caller, so :func:`time_limit` does nothing there and the block runs unlimited; the
process-level budget of :func:`symbolic.check.verify_many` still bounds the whole.

>>> with time_limit(1.0):
...     pass
"""
from __future__ import annotations

import contextlib
import signal
import time

__all__ = ["Timeout", "time_limit", "inside_checker"]

_ACTIVE = False
_AGAIN = 0.05          # seconds before a time-out that went unseen is raised again


class Timeout(BaseException):
    """Raised inside a :func:`time_limit` block whose time ran out.  A ``BaseException``, so
    that library code catching ``Exception`` (SymPy does, in many places) cannot swallow it."""


def inside_checker() -> None:
    """Declare this process a checker process: time limits become active."""
    global _ACTIVE
    _ACTIVE = True


@contextlib.contextmanager
def time_limit(seconds: float):
    """Interrupt the block after ``seconds`` with :class:`Timeout`; nests (the enclosing
    limit is re-armed with what is left of it)."""
    if not _ACTIVE or not hasattr(signal, "setitimer"):
        yield
        return

    live = [True]

    def _ring(signum, frame):
        if not live[0]:
            return
        # Python drops an exception raised inside a garbage-collector callback or a __del__
        # ("Exception ignored in ..."): should this Timeout land there, the alarm rings again
        signal.setitimer(signal.ITIMER_REAL, _AGAIN)
        raise Timeout()

    outer = signal.getitimer(signal.ITIMER_REAL)[0]
    started = time.monotonic()
    previous = signal.signal(signal.SIGALRM, _ring)
    signal.setitimer(signal.ITIMER_REAL, min(seconds, outer) if outer > 0 else seconds)
    try:
        yield
    finally:
        live[0] = False
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
        if outer > 0:
            signal.setitimer(signal.ITIMER_REAL, max(outer - (time.monotonic() - started), 1e-3))
