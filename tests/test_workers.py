"""The checker's pool of forked workers (symbolic.workers) and the streaming checking session
built on it (symbolic.check.Checking): results in order, budgets, dead workers, jobs sent
pickled to workers forked before them, and no process left behind."""
import os
import time

import pytest
import sympy as sp

from symbolic.check import Checking, claim, decide
from symbolic.workers import Died, Overrun, Pool, _dumps, run


def square(k):
    return k * k


def nap_or_square(k):
    if k < 0:
        time.sleep(-k)
    return k * k


def die_on_seven(k):
    if k == 7:
        os._exit(3)
    return k * k


def children():
    """The live (non-zombie) child processes of this process (Linux /proc)."""
    me, found = os.getpid(), []
    for pid in os.listdir("/proc"):
        if pid.isdigit():
            try:
                fields = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == me and fields[0] != "Z":
                found.append(int(pid))
    return found


def test_results_come_back_in_the_order_of_the_jobs():
    out = run(square, list(range(12)), budget=10, workers=2, cost=lambda k: k % 5)
    assert [value for value, _ in out] == [k * k for k in range(12)]
    assert all(seconds >= 0 for _, seconds in out)
    assert children() == []


def test_a_job_over_its_budget_is_an_overrun_and_the_others_still_finish():
    out = run(nap_or_square, [2, -30, 3, 4], budget=1, workers=2)
    assert out[1] == (Overrun(1), 1)
    assert [out[k][0] for k in (0, 2, 3)] == [4, 9, 16]
    assert children() == []


def test_a_worker_that_dies_is_reported_and_replaced():
    out = run(die_on_seven, [1, 7, 2, 3], budget=10, workers=1)
    assert isinstance(out[1][0], Died)
    assert [out[k][0] for k in (0, 2, 3)] == [1, 4, 9]


def test_jobs_added_while_the_workers_run_are_sent_to_them_pickled():
    with Pool(square, budget=10, workers=2) as pool:
        pool.background()
        first = pool.add([1, 2, 3])                      # the workers are already forked
        later = pool.add([4, 5])
        pool.finish()
        assert [pool.result(k)[0] for k in list(first) + list(later)] == [1, 4, 9, 16, 25]
    assert children() == []


def test_a_job_that_cannot_be_pickled_goes_to_a_freshly_forked_worker():
    def apply(job):
        return job()
    with Pool(apply, budget=10, workers=1) as pool:
        pool.background()
        indices = pool.add([lambda: "inherited", lambda: 41 + 1])
        pool.finish()
        assert [pool.result(k)[0] for k in indices] == ["inherited", 42]


def test_an_unevaluated_expression_is_sent_as_written_or_not_sent():
    x = sp.Symbol("x")
    written = sp.Add(sp.Integer(3) * x - 1, -(sp.Integer(256) - 1), evaluate=False)
    import pickle
    assert pickle.loads(_dumps((written,))) == (written,)        # rebuilt unevaluated
    assert _dumps((sp.log(sp.exp(2), evaluate=False),)) is None  # would arrive as 2: inherited


def test_a_streaming_session_gives_the_verdicts_of_decide():
    a = sp.Symbol("a", positive=True)
    n = sp.Symbol("n", integer=True)
    groups = [[claim(sp.log(a**2), 2 * sp.log(a)), claim(sp.sqrt(a**2), a)],
              [claim(a, a + 1), claim((-1)**(2 * n), 1)],
              [claim(sp.Rational(10**50 + 1, 10**50), 1)]]
    with Checking(budget=10, workers=2) as checking:
        tickets = [checking.submit(group) for group in groups]
        streamed = [[v for v, _ in checking.results(t)] for t in tickets]
    expected = [[v for v, _ in decide(group, budget=10, workers=2)] for group in groups]
    assert streamed == expected
    assert [[v.status for v in g] for g in streamed] == [["proved", "proved"], ["failed", "proved"], ["failed"]]
    assert children() == []


def test_leaving_a_session_early_kills_its_workers():
    x = sp.Symbol("x")
    with pytest.raises(KeyboardInterrupt):
        with Checking(budget=30, workers=2) as checking:
            checking.submit([claim(sp.Integral(sp.exp(-x**2) * sp.sin(x)**k, (x, 0, sp.oo)), 0)
                             for k in range(1, 5)])
            time.sleep(0.5)
            raise KeyboardInterrupt
    assert children() == []
