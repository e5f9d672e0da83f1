"""Time limits inside a checker process (symbolic.timelimit): inactive in the caller's
process, a Timeout when the time runs out, nested limits, and a Timeout that Python swallowed
(raised inside a garbage-collector callback) raised again."""
import gc
import time

import pytest

from symbolic import timelimit
from symbolic.timelimit import Timeout, time_limit


@pytest.fixture
def active(monkeypatch):
    """Time limits switched on, as in a checker process (only for this test)."""
    monkeypatch.setattr(timelimit, "_ACTIVE", True)


def spin(seconds):
    """Busy Python code for ``seconds`` (an alarm is delivered between its bytecodes)."""
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        pass


def test_outside_a_checker_process_the_block_runs_unlimited():
    with time_limit(0.01):
        spin(0.1)


def test_a_block_over_its_time_raises_timeout(active):
    began = time.monotonic()
    with pytest.raises(Timeout):
        with time_limit(0.1):
            spin(5)
    assert time.monotonic() - began < 1


def test_an_inner_limit_never_extends_the_outer_one(active):
    began = time.monotonic()
    with pytest.raises(Timeout):
        with time_limit(0.2):
            try:
                with time_limit(0.05):
                    spin(5)
            except Timeout:
                pass                              # the inner limit rang first
            spin(5)                               # the outer one still holds
    assert time.monotonic() - began < 1


@pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")   # the swallowed one
def test_a_timeout_swallowed_in_a_gc_callback_is_raised_again(active):
    def slow(phase, info):
        if phase == "start":
            spin(0.3)                             # the alarm rings in here, where Python drops it
    gc.callbacks.append(slow)
    began = time.monotonic()
    try:
        with pytest.raises(Timeout):
            with time_limit(0.1):
                gc.collect()
                gc.callbacks.remove(slow)
                spin(5)
    finally:
        if slow in gc.callbacks:
            gc.callbacks.remove(slow)
    assert time.monotonic() - began < 1.5


def test_the_limit_counts_cpu_time_not_waiting(active):
    # a process that waits (for a busy machine to give it the CPU, say) has used none of its
    # time: a limit is the same work on a loaded machine as on an idle one
    with time_limit(0.1):
        time.sleep(0.3)
    with pytest.raises(Timeout):
        with time_limit(0.1):
            spin(5)


def test_after_the_block_no_alarm_is_left(active):
    with time_limit(0.05):
        pass
    spin(0.2)                                     # nothing rings
