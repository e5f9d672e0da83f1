"""A pool of pre-forked checker processes, each job under its own time budget.

Forking one process per claim cost the checker two things: the fork itself, and every cache
a child warmed (SymPy's, the audit's prepared functions) dying with it.  Here ``workers``
processes are forked once, after the claims exist, so they inherit them; the parent sends a
job's index, the worker sends back ``(result, seconds)``.  A worker that overruns its job's
budget is killed and replaced; one that dies is replaced too.  On any exit (an interrupt
included) no worker is left behind.

>>> run(lambda k: k * k, [1, 2, 3], budget=10, workers=2)
[(1, ...), (4, ...), (9, ...)]
"""
from __future__ import annotations

import multiprocessing
import multiprocessing.connection
import os
import time
from dataclasses import dataclass
from typing import Any, Callable, Sequence

__all__ = ["run", "Overrun", "Died"]


@dataclass(frozen=True)
class Overrun:
    """The job did not finish within ``budget`` seconds (its worker was killed)."""
    budget: float


@dataclass(frozen=True)
class Died:
    """The worker process died during the job (no result came back)."""


class _Worker:
    """One forked process, the pipe to it, and the job it is doing (``None``: idle)."""

    def __init__(self, ctx, work, jobs, start):
        self.conn, child = ctx.Pipe()
        self.process = ctx.Process(target=_serve, args=(work, jobs, child, start, self.conn), daemon=True)
        self.process.start()
        child.close()
        self.index, self.started = None, 0.0

    def give(self, index):
        self.conn.send(index)
        self.index, self.started = index, time.monotonic()

    def end(self, kill: bool):
        if kill:
            self.process.kill()
        else:
            try:
                self.conn.send(None)            # stop when done
            except OSError:
                self.process.kill()
        self.conn.close()
        self.process.join(timeout=1 if kill else 5)
        if self.process.is_alive():
            self.process.kill()
            self.process.join(timeout=1)


def run(work: Callable[[Any], Any], jobs: Sequence, budget: float, workers: int,
        start: Callable[[], None] | None = None, cost: Callable[[Any], float] | None = None
        ) -> list[tuple[Any, float]]:
    """``[(work(job), seconds), ...]`` in the order of ``jobs``, computed by at most ``workers``
    forked processes; a job over ``budget`` seconds gives ``(Overrun(budget), budget)``, a
    crashed worker ``(Died(), seconds)``.  ``start`` runs once in each new worker.  With
    ``cost`` (an estimate of a job's time), the costliest jobs start first, so that the last
    job to finish is a short one."""
    ctx = multiprocessing.get_context("fork")
    results: list = [None] * len(jobs)
    pending = list(range(len(jobs)))
    if cost is not None:
        estimates = [cost(job) for job in jobs]
        pending.sort(key=lambda k: -estimates[k])       # stable: ties keep their order
    pool: list[_Worker] = []
    try:
        while pending or any(w.index is not None for w in pool):
            for worker in pool:
                if worker.index is None and pending:
                    worker.give(pending.pop(0))
            while pending and len(pool) < workers:
                pool.append(_Worker(ctx, work, jobs, start))
                pool[-1].give(pending.pop(0))
            _collect(pool, results, budget)
        for worker in pool:
            worker.end(kill=False)
        pool.clear()
    finally:
        for worker in pool:                      # interrupted or failed: leave no process behind
            worker.end(kill=True)
    return results


def _collect(pool, results, budget):
    """Wait for a result or the soonest deadline; record what came in or ran out.  A worker
    that died or overran is killed and dropped (``run`` forks a new one if work remains)."""
    busy = [w for w in pool if w.index is not None]
    soonest = min(w.started for w in busy) + budget
    ready = multiprocessing.connection.wait([w.conn for w in busy], max(0.0, soonest - time.monotonic()))
    now = time.monotonic()
    for worker in busy:
        if worker.conn in ready:
            try:
                results[worker.index] = worker.conn.recv()
                worker.index = None
                continue
            except EOFError:
                results[worker.index] = (Died(), now - worker.started)
        elif now - worker.started >= budget:
            results[worker.index] = (Overrun(budget), budget)
        else:
            continue
        pool.remove(worker)
        worker.end(kill=True)


def _serve(work, jobs, conn, start, parent_end):
    """A worker: run the jobs whose indices arrive until told to stop, or until the parent's
    end of the pipe closes (the parent has gone)."""
    parent_end.close()                           # else this process holds its own pipe open
    try:
        if start is not None:
            start()
        while True:
            index = conn.recv()
            if index is None:
                break
            began = time.monotonic()
            result = work(jobs[index])
            conn.send((result, time.monotonic() - began))
    except (EOFError, KeyboardInterrupt, BrokenPipeError):
        pass
    finally:
        conn.close()
        os._exit(0)                              # skip atexit handlers inherited from the parent
