"""Time limits inside a checker process, where the profiling alarm is ours to use.

A limit counts the process's CPU time (``ITIMER_PROF``), not the wall clock: the work a step
may do before a route is abandoned is then the same on a busy machine as on an idle one, so
that a verdict does not depend on what else runs (a solver cut short on a loaded machine made
a step ``checked`` instead of ``proved``).  The caller's wall-clock budget, which kills a
checker process that overruns it, is separate (:mod:`symbolic.workers`).

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
_TIMER, _SIGNAL = (signal.ITIMER_PROF, signal.SIGPROF) if hasattr(signal, "ITIMER_PROF") else (None, None)


class Timeout(BaseException):
    """Raised inside a :func:`time_limit` block whose time ran out.  A ``BaseException``, so
    that library code catching ``Exception`` (SymPy does, in many places) cannot swallow it."""


def inside_checker() -> None:
    """Declare this process a checker process: time limits become active."""
    global _ACTIVE
    _ACTIVE = True


@contextlib.contextmanager
def time_limit(seconds: float):
    """Interrupt the block after ``seconds`` of CPU time with :class:`Timeout`; nests (the
    enclosing limit is re-armed with what is left of it)."""
    if not _ACTIVE or _TIMER is None:
        yield
        return

    live = [True]

    def _ring(signum, frame):
        if not live[0]:
            return
        # Python drops an exception raised inside a garbage-collector callback or a __del__
        # ("Exception ignored in ..."): should this Timeout land there, the alarm rings again
        signal.setitimer(_TIMER, _AGAIN)
        raise Timeout()

    outer = signal.getitimer(_TIMER)[0]
    started = time.process_time()
    previous = signal.signal(_SIGNAL, _ring)
    signal.setitimer(_TIMER, min(seconds, outer) if outer > 0 else seconds)
    try:
        yield
    finally:
        live[0] = False
        signal.setitimer(_TIMER, 0)
        signal.signal(_SIGNAL, previous)
        if outer > 0:
            signal.setitimer(_TIMER, max(outer - (time.process_time() - started), 1e-3))
