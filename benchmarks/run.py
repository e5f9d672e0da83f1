"""Side-by-side timings: our route vs the naive SymPy route a student would write.

    python benchmarks/run.py [--only SUBSTRING] [--timeout SECONDS]

Every module ``benchmarks/<topic>.py`` defines ``CASES``: a list of dicts with
``name``, ``ours`` (a callable), ``naive`` (a callable or None), ``timeout``
(seconds allowed to the naive route) and optionally ``setup`` (called once, untimed,
before both).  Ours runs in this process (best of a few
runs when quick); the naive route runs in a forked child that is killed at its
timeout, reported as "no result in N s".  Where both finish, their results are
compared when ``compare`` is given (a callable of the two results returning bool).
"""
from __future__ import annotations

import argparse
import importlib
import multiprocessing
import os
import pkgutil
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))
sys.path.insert(0, HERE)


def _timed(fn):
    started = time.perf_counter()
    result = fn()
    return time.perf_counter() - started, result


def _ours(fn, repeat_below=0.5):
    elapsed, result = _timed(fn)
    if elapsed < repeat_below:                 # quick: best of three, less noise
        elapsed = min([elapsed] + [_timed(fn)[0] for _ in range(2)])
    return elapsed, result


def _child(fn, conn):
    try:
        elapsed, result = _timed(fn)
        try:
            conn.send((elapsed, result))
        except Exception:                       # unpicklable result: the time is what matters
            conn.send((elapsed, None))
    except Exception as exc:
        conn.send(("error", f"{type(exc).__name__}: {exc}"))
    finally:
        conn.close()


def _naive(fn, timeout):
    ctx = multiprocessing.get_context("fork")
    reader, writer = ctx.Pipe(duplex=False)
    child = ctx.Process(target=_child, args=(fn, writer), daemon=True)
    child.start()
    writer.close()
    try:
        if reader.poll(timeout):
            return reader.recv()
        return None, None
    finally:
        if child.is_alive():
            child.kill()
        child.join(1)


def cases(only=None):
    for info in sorted(pkgutil.iter_modules([HERE]), key=lambda m: m.name):
        if info.name == "run":
            continue
        module = importlib.import_module(info.name)
        for case in getattr(module, "CASES", ()):
            if only is None or only in case["name"]:
                yield info.name, case


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", help="run the cases whose name contains this")
    parser.add_argument("--timeout", type=float, help="override every naive route's timeout")
    args = parser.parse_args(argv)
    header = f"{'topic':10s} {'case':66s} {'ours':>10s} {'naive':>18s} {'ratio':>9s}  agree"
    print(header)
    print("-" * len(header))
    for topic, case in cases(args.only):
        if case.get("setup"):
            case["setup"]()
        ours_time, ours_result = _ours(case["ours"])
        naive = case.get("naive")
        timeout = args.timeout or case.get("timeout", 60)
        if naive is None:
            naive_text, ratio, agree = "-", "-", "-"
        else:
            naive_time, naive_result = _naive(naive, timeout)
            if naive_time is None:
                naive_text, ratio, agree = f"no result in {timeout:g} s", f">{timeout / ours_time:.0f}x", "-"
            elif naive_time == "error":
                naive_text, ratio, agree = "error", "-", "-"
                print(f"    naive route failed: {naive_result}")
            else:
                naive_text, ratio = f"{naive_time:.3f} s", f"{naive_time / ours_time:.1f}x"
                compare = case.get("compare")
                agree = "-" if compare is None or naive_result is None else \
                    ("yes" if compare(ours_result, naive_result) else "NO")
        print(f"{topic:10s} {case['name'][:66]:66s} {ours_time:9.3f}s {naive_text:>18s} {ratio:>9s}  {agree}",
              flush=True)


if __name__ == "__main__":
    main()
