"""``dgm-proofs run --timings``: where the checking time went, slowest steps first."""
from __future__ import annotations

__all__ = ["slowest", "step_times"]


def step_times(checked_by_problem) -> list[tuple]:
    """``(seconds, problem id, step number, verdict)`` for every step, slowest first; a step
    whose verdict came from the cache counts 0 s (its ``seconds`` are ``None``)."""
    rows = []
    for problem, checked in checked_by_problem:
        for number, ((_, verdict), seconds) in enumerate(zip(checked.steps, checked.seconds), 1):
            rows.append((seconds, problem.ID, number, verdict))
    return sorted(rows, key=lambda row: (-(row[0] or 0.0), row[1], row[2]))


def slowest(checked_by_problem, count: int = 10) -> str:
    """The ``count`` slowest steps as text lines, after the total checking time.

    >>> from types import SimpleNamespace as NS
    >>> from symbolic.check import Verdict
    >>> v = Verdict("proved", "expand")
    >>> checked = NS(steps=((None, v), (None, v)), seconds=(0.25, None))
    >>> print(slowest([(NS(ID="toy"), checked)]))
    checking time: 0.25 s over 2 steps (1 from the cache); the slowest:
       0.250 s  toy step 1 (proved, expand)
       cached   toy step 2 (proved, expand)
    """
    rows = step_times(checked_by_problem)
    cached = sum(1 for row in rows if row[0] is None)
    total = sum(row[0] or 0.0 for row in rows)
    lines = [f"checking time: {total:.2f} s over {len(rows)} steps ({cached} from the cache); the slowest:"]
    for seconds, ident, number, verdict in rows[:count]:
        when = "cached  " if seconds is None else f"{seconds:6.3f} s"
        lines.append(f"  {when}  {ident} step {number} ({verdict.status}, {verdict.method})")
    return "\n".join(lines)
