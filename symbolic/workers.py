"""A pool of pre-forked checker processes, each job under its own time budget.

Forking one process per claim cost the checker two things: the fork itself, and every cache
a child warmed (SymPy's, the audit's prepared functions) dying with it.  Here at most
``workers`` processes are forked and kept.  A worker knows every job that existed when it was
forked (it inherited them) and is sent only that job's index; a job added later is sent
pickled -- so that the workers can decide the claims of one derivation while the caller
builds the next (:meth:`Pool.background`).  A worker that overruns its job's budget is
killed and replaced; one that dies is replaced too.  On any exit (an interrupt included) no
worker is left behind.

>>> run(lambda k: k * k, [1, 2, 3], budget=10, workers=2)
[(1, ...), (4, ...), (9, ...)]
"""
from __future__ import annotations

import io
import multiprocessing
import multiprocessing.connection
import os
import pickle
import threading
import time
from dataclasses import dataclass
from typing import Any, Callable, Sequence

import sympy as sp

__all__ = ["run", "Pool", "Overrun", "Died"]


@dataclass(frozen=True)
class Overrun:
    """The job did not finish within ``budget`` seconds (its worker was killed)."""
    budget: float


@dataclass(frozen=True)
class Died:
    """The worker process died during the job (no result came back)."""


def run(work: Callable[[Any], Any], jobs: Sequence, budget: float, workers: int,
        start: Callable[[], None] | None = None, cost: Callable[[Any], float] | None = None
        ) -> list[tuple[Any, float]]:
    """``[(work(job), seconds), ...]`` in the order of ``jobs``, computed by at most ``workers``
    forked processes; a job over ``budget`` seconds gives ``(Overrun(budget), budget)``, a
    crashed worker ``(Died(), seconds)``.  ``start`` runs once in each new worker.  With
    ``cost`` (an estimate of a job's time), the costliest jobs start first, so that the last
    job to finish is a short one."""
    with Pool(work, budget, workers, start, cost) as pool:
        indices = pool.add(jobs, send=False)         # the workers, forked below, inherit them
        pool.finish()
        return [pool.result(k) for k in indices]


class Pool:
    """Jobs added at any time, decided by at most ``workers`` forked processes.  Use as a
    context manager: leaving it kills every worker.  :meth:`background` dispatches in a
    thread while the caller goes on adding jobs; :meth:`finish` waits for all of them."""

    def __init__(self, work, budget: float, workers: int, start=None, cost=None):
        self.work, self.budget, self.size, self.start, self.cost = work, budget, workers, start, cost
        self.ctx = multiprocessing.get_context("fork")
        self.jobs: list = []                     # append-only: a forked worker knows a prefix
        self.payloads: list = []                 # each job pickled, or None (must be inherited)
        self.estimates: list = []
        self.results: dict = {}
        self.pending: list[int] = []
        self.pool: list[_Worker] = []
        self.lock = threading.Lock()
        self.wake_read, self.wake_write = os.pipe()
        self.thread = None
        self.stopping = False
        self.error = None

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self._stop_background()
        for worker in self.pool:                 # interrupted or failed: leave no process behind
            worker.end(kill=True)
        self.pool.clear()
        os.close(self.wake_read)
        os.close(self.wake_write)
        return False

    def add(self, jobs, send: bool = True) -> range:
        """Queue ``jobs``; their indices.  With ``send``, each is pickled now, so that a worker
        forked earlier can be sent it (a job that cannot be pickled waits for a fresh worker)."""
        jobs = list(jobs)
        payloads = [_dumps(job) for job in jobs] if send else [None] * len(jobs)
        estimates = [self.cost(job) if self.cost else 0 for job in jobs]
        with self.lock:
            first = len(self.jobs)
            self.jobs.extend(jobs)
            self.payloads.extend(payloads)
            self.estimates.extend(estimates)
            self.pending.extend(range(first, first + len(jobs)))
        self._wake()
        return range(first, first + len(jobs))

    def result(self, index) -> tuple[Any, float]:
        return self.results[index]

    def background(self) -> None:
        """Fork the workers now and dispatch in a thread, while the caller goes on adding
        jobs, until :meth:`finish` takes over in the caller's thread."""
        while len(self.pool) < self.size:
            self.pool.append(_Worker(self))
        self.thread = threading.Thread(target=self._dispatch, args=(True,), daemon=True)
        self.thread.start()

    def _stop_background(self) -> None:
        if self.thread is not None:
            self.stopping = True
            self._wake()
            self.thread.join()
            self.thread, self.stopping = None, False

    def finish(self) -> None:
        """Decide every queued job, in this thread; then stop the workers."""
        self._stop_background()
        self._dispatch(False)
        if self.error is not None:
            raise self.error
        for worker in self.pool:
            worker.end(kill=False)
        self.pool.clear()

    # ------------------------------------------------------------------ dispatching

    def _wake(self):
        try:
            os.write(self.wake_write, b".")
        except OSError:
            pass

    def _dispatch(self, in_thread: bool) -> None:
        try:
            while not (in_thread and self.stopping):
                with self.lock:
                    self._give_work()
                    busy = [w for w in self.pool if w.index is not None]
                if not busy and not in_thread:
                    return
                self._collect(busy)
        except BaseException as exc:             # reported to the caller's thread
            self.error = exc

    def _give_work(self):
        """Idle workers take the costliest pending job they can be given; missing workers are
        forked (a fresh one inherits every job, so it can take any)."""
        while self.pending:
            idle = [w for w in self.pool if w.index is None]
            if not idle and len(self.pool) >= self.size:
                return
            index = max(self.pending, key=lambda k: self.estimates[k])
            able = [w for w in idle if index < w.known or self.payloads[index] is not None]
            if able:
                worker = able[0]
            else:
                if idle:                         # an unpicklable job: an idle worker is renewed
                    self.pool.remove(idle[0])
                    idle[0].end(kill=False)
                worker = _Worker(self)
                self.pool.append(worker)
            self.pending.remove(index)
            worker.give(index, None if index < worker.known else self.payloads[index])

    def _collect(self, busy):
        """Wait for a result, a wake-up or the soonest deadline; record what came in or ran
        out.  A worker that died or overran is killed and dropped (a new one is forked when
        work remains)."""
        soonest = min((w.started for w in busy), default=time.monotonic() + 3600) + self.budget
        ready = multiprocessing.connection.wait([w.conn for w in busy] + [self.wake_read],
                                                max(0.0, soonest - time.monotonic()))
        if self.wake_read in ready:
            os.read(self.wake_read, 4096)
        now = time.monotonic()
        for worker in busy:
            if worker.conn in ready:
                try:
                    self.results[worker.index] = worker.conn.recv()
                    worker.index = None
                    continue
                except EOFError:
                    self.results[worker.index] = (Died(), now - worker.started)
            elif now - worker.started >= self.budget:
                self.results[worker.index] = (Overrun(self.budget), self.budget)
            else:
                continue
            with self.lock:
                self.pool.remove(worker)
            worker.end(kill=True)


class _Worker:
    """One forked process, the pipe to it, the number of jobs it inherited, and the job it is
    doing (``None``: idle)."""

    def __init__(self, owner: Pool):
        self.conn, child = owner.ctx.Pipe()
        self.known = len(owner.jobs)
        self.process = owner.ctx.Process(target=_serve, args=(owner.work, owner.jobs, child, owner.start,
                                                              self.conn), daemon=True)
        self.process.start()
        child.close()
        self.index, self.started = None, 0.0

    def give(self, index, payload):
        self.conn.send((index, payload))
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


def _serve(work, jobs, conn, start, parent_end):
    """A worker: run the jobs that arrive (an inherited job's index, or a pickled job) until
    told to stop, or until the parent's end of the pipe closes (the parent has gone)."""
    parent_end.close()                           # else this process holds its own pipe open
    try:
        if start is not None:
            start()
        while True:
            message = conn.recv()
            if message is None:
                break
            index, payload = message
            job = jobs[index] if payload is None else pickle.loads(payload)
            began = time.monotonic()
            result = work(job)
            conn.send((result, time.monotonic() - began))
    except (EOFError, KeyboardInterrupt, BrokenPipeError):
        pass
    finally:
        conn.close()
        os._exit(0)                              # skip atexit handlers inherited from the parent


# --------------------------------------------------------------------------- sending jobs
#
# SymPy pickles an expression as its constructor applied to its arguments, so unpickling
# re-evaluates it: a sum written unevaluated on purpose, (3K - 1) - (256 - 1), would arrive as
# 3K - 256.  Sums, products and powers are therefore rebuilt unevaluated, which gives back
# exactly the tree that was sent (their arguments are already in canonical order); any other
# job that does not come back equal is not sent but inherited.

def _unevaluated(cls, args):
    return cls(*args, evaluate=False)


class _Pickler(pickle.Pickler):
    def reducer_override(self, obj):
        if type(obj) in (sp.Add, sp.Mul, sp.Pow):
            return _unevaluated, (type(obj), obj.args)
        return NotImplemented


def _dumps(job) -> bytes | None:
    """The job pickled for a worker, or None when it cannot be, or when unpickling would not
    give back an equal job (an unevaluated ``log(exp(2), evaluate=False)`` would arrive as 2):
    a worker must then inherit it."""
    buffer = io.BytesIO()
    try:
        _Pickler(buffer, protocol=pickle.HIGHEST_PROTOCOL).dump(job)
        payload = buffer.getvalue()
        if pickle.loads(payload) != job:
            return None
    except Exception:
        return None
    return payload
