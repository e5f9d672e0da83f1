"""Derivations: chains of claims, each with its reason, decided by :mod:`symbolic.check`.

A :class:`Step` is one inference: ``lhs <relation> rhs`` because of ``reason``.
A :class:`Derivation` is a title, explicit :class:`Assumption` objects and a
sequence of steps; consecutive steps whose left side is the previous right side
form a chain ``a = b = c <= d``.  It may also hold :class:`Claim` objects, the
homework's statements *as stated*, which are checked and may come out false
(with a counterexample) without making the derivation fail.

``Derivation.check()`` returns an immutable :class:`CheckedDerivation` holding
one :class:`~symbolic.check.Verdict` per step and claim, the status of the whole
(the weakest step status, and the goal reached by an unbroken chain), and the
named ``results``.

Examples
--------
>>> import sympy as sp
>>> x = sp.Symbol('x', positive=True)
>>> d = Derivation(
...     title="A toy identity",
...     steps=[Step(sp.log(x**2), 2*sp.log(x), "the power rule, valid for x > 0"),
...            Step(2*sp.log(x), sp.log(x) + sp.log(x), "doubling")],
...     goals=[Goal(sp.log(x**2), sp.log(x) + sp.log(x))])
>>> checked = d.check()
>>> checked.status, [v.status for v in checked.verdicts]
('proved', ['proved', 'proved'])
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Mapping, Sequence

import sympy as sp

from .check import DEFAULT_BUDGET, RELATIONS, Verdict, Checking, claim, verify, weakest

__all__ = ["Assumption", "Step", "Claim", "Goal", "Exhibit", "CrossCheck", "Section", "Derivation",
           "CheckedDerivation", "check_all", "symbol_assumptions", "result_to_json", "PARTS"]

PARTS = ("main", "appendix")


@dataclass(frozen=True)
class Assumption:
    """An explicit assumption, printed with the derivation.

    ``condition`` (a SymPy relational, optional) is handed to the checker: it
    restricts the numeric sampling and, when of the form ``symbol > 0``, gives
    the symbol that sign in the proof.  An assumption without a condition (such
    as "p and q are normalised densities") is stated, and the steps that use it
    say so in their reasons.
    """

    text: str
    condition: Any = None

    def __post_init__(self):
        if not isinstance(self.text, str) or not self.text.strip():
            raise ValueError("an assumption needs a non-empty text")


def symbol_assumptions(symbols) -> tuple[Assumption, ...]:
    """Assumptions carried by SymPy symbols (positive, integer ...), grouped, as printable objects.

    Each symbol is its own piece of mathematics, so a long list can break across lines.  The
    texts come from the library's vocabulary (``symbolic/words/common.{en,ru}.toml``), so they
    render in every language.

    >>> import sympy as sp
    >>> from symbolic.text import say
    >>> s, t, n = sp.Symbol('s', positive=True), sp.Symbol('t', positive=True), sp.Symbol('n', integer=True)
    >>> [a.text for a in symbol_assumptions([s, t, n])]
    ['$n$ is an integer', '$s$, $t$ are positive']
    >>> say(symbol_assumptions([n])[0].text, "ru")
    '$n$\xa0--- целое число'
    """
    from .latex import WORDS
    groups: dict[str, list[str]] = {}
    for s in sorted(set(symbols), key=str):
        fact = _fact(s)
        if fact:
            groups.setdefault(fact, []).append(f"${sp.latex(s)}$")
    return tuple(Assumption(WORDS(("are_" if len(names) > 1 else "is_") + fact, names=", ".join(names)))
                 for fact, names in groups.items())


def _fact(s) -> str | None:
    """The strongest fact a symbol carries, as a vocabulary key (``positive_integer`` ...)."""
    if s.is_integer:
        return ("positive_integer" if s.is_positive else
                "nonnegative_integer" if s.is_nonnegative else "integer")
    if s.is_positive:
        return "positive"
    if s.is_nonnegative:
        return "nonnegative"
    return "real" if s.is_real else None


@dataclass(frozen=True)
class Step:
    """One inference ``lhs <relation> rhs``, justified by ``reason``.

    Parameters
    ----------
    lhs, rhs : SymPy expressions or matrices (``lhs`` may be a ``sympy.Limit``).
    reason : the human justification, printed beside the step.
    relation : ``'=='`` (default), ``'<='``, ``'<'``, ``'>='`` or ``'>'``.
    assumptions : extra assumptions for this step only.
    cases : an exhaustive list of substitutions (the step is then decided case
        by case in exact arithmetic; the reason must say why the list is exhaustive).
    heading : starts a new block of the derivation under this heading.
    lhs_tex, rhs_tex : LaTeX to print instead of SymPy's (for readability only;
        the check always uses the expressions).
    """

    lhs: Any
    rhs: Any
    reason: str
    relation: str = "=="
    assumptions: tuple = ()
    cases: Sequence[Mapping] | None = None
    heading: str | None = None
    lhs_tex: str | None = None
    rhs_tex: str | None = None

    def __post_init__(self):
        if self.relation not in RELATIONS:
            raise ValueError(f"relation must be one of {RELATIONS}, not {self.relation!r}")
        if not isinstance(self.reason, str) or not self.reason.strip():
            raise ValueError("every step needs a reason")
        object.__setattr__(self, "lhs", _freeze(self.lhs))
        object.__setattr__(self, "rhs", _freeze(self.rhs))
        object.__setattr__(self, "assumptions", tuple(self.assumptions))

    def check(self, assumptions=(), budget=DEFAULT_BUDGET, seed=0) -> Verdict:
        return verify(self.lhs, self.rhs, tuple(assumptions) + self.assumptions,
                      relation=self.relation, budget=budget, cases=self.cases, seed=seed)


@dataclass(frozen=True)
class Claim:
    """A statement *as stated in the homework*: checked, reported true or false.

    A false claim is a result, not a failure of the derivation: its verdict
    carries the counterexample, and the derivation goes on to prove the
    corrected statement.
    """

    text: str
    lhs: Any
    rhs: Any
    relation: str = "=="
    cases: Sequence[Mapping] | None = None

    def __post_init__(self):
        object.__setattr__(self, "lhs", _freeze(self.lhs))
        object.__setattr__(self, "rhs", _freeze(self.rhs))


@dataclass(frozen=True)
class Goal:
    """What the derivation establishes: ``lhs <relation> rhs``, reached by a chain of steps."""

    lhs: Any
    rhs: Any
    relation: str = "=="

    def __post_init__(self):
        object.__setattr__(self, "lhs", _freeze(self.lhs))
        object.__setattr__(self, "rhs", _freeze(self.rhs))


@dataclass(frozen=True)
class Exhibit:
    """A named object shown with the derivation (a mask, a table of numbers)."""

    label: str
    value: Any
    caption: str = ""


@dataclass(frozen=True)
class CrossCheck:
    """An independent check of a result by another route, computed when the derivation is
    built (quadrature, Monte Carlo, enumeration): what was compared with what, and how it came out.

    >>> CrossCheck("sum of the 256 bin masses", "1", "|error| < 1e-25", True).passed
    True
    """

    what: str
    against: str
    outcome: str
    passed: bool

    def __post_init__(self):
        if not isinstance(self.passed, bool):
            raise ValueError("CrossCheck.passed must be a bool")


@dataclass(frozen=True)
class Section:
    """One titled part of a derivation: what the homework asks (``part='main'``) or an
    extension, cross-check or worked example (``part='appendix'``).  Its fields are those of
    :class:`Derivation`; a derivation built from sections holds their concatenation, and the
    report prints the main sections of every problem before any appendix.

    >>> import sympy as sp
    >>> x = sp.Symbol('x')
    >>> s = Section("Expanding", steps=[Step((x + 1)**2, x**2 + 2*x + 1, "the binomial square")])
    >>> d = Derivation("Toy", sections=[s, Section("More", part="appendix", steps=[Step(x, x, "trivially")])])
    >>> len(d.steps), [sec.part for sec in d.sections]
    (2, ['main', 'appendix'])
    """

    heading: str
    part: str = "main"
    steps: Sequence[Step] = ()
    goals: Sequence[Goal] = ()
    claims: Sequence[Claim] = ()
    notes: Sequence[str] = ()
    exhibits: Sequence[Exhibit] = ()
    answers: Sequence[str] = ()
    cross_checks: Sequence[CrossCheck] = ()
    results: Mapping[str, Any] = field(default_factory=dict)
    assumptions: Sequence[Assumption] = ()

    def __post_init__(self):
        if self.part not in PARTS:
            raise ValueError(f"a section's part must be one of {PARTS}, not {self.part!r}")
        if not isinstance(self.heading, str) or not self.heading.strip():
            raise ValueError("a section needs a heading")
        for name in _SEQUENCES:
            object.__setattr__(self, name, tuple(getattr(self, name)))
        object.__setattr__(self, "results", dict(self.results))


_SEQUENCES = ("steps", "assumptions", "goals", "claims", "notes", "exhibits", "answers", "cross_checks")


def _freeze(value):
    if isinstance(value, sp.MatrixBase):
        return sp.ImmutableMatrix(value)
    if isinstance(value, (int, float)):
        return sp.sympify(value)
    return value


@dataclass(frozen=True)
class Derivation:
    """A titled chain of checked steps under explicit assumptions.

    Parameters
    ----------
    title : printed heading.
    steps : the :class:`Step` objects, in order.
    assumptions : explicit :class:`Assumption` objects; the assumptions carried
        by the symbols themselves are added automatically when printed.
    goals : :class:`Goal` objects; the whole is proved when, for each goal, a
        chain of steps leads from its ``lhs`` to its ``rhs`` and every step is proved.
    claims : the homework's statements as stated (:class:`Claim`).
    results : named final formulas and numbers (exported to JSON).
    notes : paragraphs of prose (``$...$`` for inline mathematics).
    exhibits : named objects to display (:class:`Exhibit`).
    answers : the final answers, LaTeX mathematics, shown boxed.
    cross_checks : independent checks by other routes (:class:`CrossCheck`).
    id : the problem id this derivation belongs to (optional).
    sections : :class:`Section` objects; their steps, goals, claims, notes, exhibits,
        answers, cross-checks, results and assumptions are appended to the fields above.
    """

    title: str
    steps: Sequence[Step] = ()
    assumptions: Sequence[Assumption] = ()
    goals: Sequence[Goal] = ()
    claims: Sequence[Claim] = ()
    results: Mapping[str, Any] = field(default_factory=dict)
    notes: Sequence[str] = ()
    exhibits: Sequence[Exhibit] = ()
    answers: Sequence[str] = ()
    cross_checks: Sequence[CrossCheck] = ()
    id: str = ""
    sections: Sequence[Section] = ()

    def __post_init__(self):
        object.__setattr__(self, "sections", tuple(self.sections))
        for name in _SEQUENCES:
            own = tuple(getattr(self, name))
            object.__setattr__(self, name, own + tuple(x for sec in self.sections for x in getattr(sec, name)))
        results = dict(self.results)
        for sec in self.sections:
            results.update(sec.results)
        object.__setattr__(self, "results", results)
        if not self.title.strip():
            raise ValueError("a derivation needs a title")
        if not self.steps and not self.claims:
            raise ValueError(f"derivation {self.title!r} has no steps")
        for s in self.steps:
            if not isinstance(s, Step):
                raise ValueError(f"derivation {self.title!r}: {s!r} is not a Step")

    def section_ranges(self) -> list[tuple[int, int]]:
        """For each section, the ``(start, stop)`` indices of its steps in :attr:`steps`."""
        start = len(self.steps) - sum(len(sec.steps) for sec in self.sections)
        out = []
        for sec in self.sections:
            out.append((start, start + len(sec.steps)))
            start += len(sec.steps)
        return out

    def all_assumptions(self) -> tuple[Assumption, ...]:
        """Explicit assumptions followed by those the symbols carry."""
        symbols = set()
        for s in self.steps:
            for side in (s.lhs, s.rhs):
                symbols |= getattr(side, "free_symbols", set())
        return self.assumptions + symbol_assumptions(
            x for x in symbols if isinstance(x, sp.Symbol) and not isinstance(x, sp.Dummy))

    def check(self, budget: float | None = DEFAULT_BUDGET, seed: int = 0, cache=None) -> "CheckedDerivation":
        """Verify every step and claim; return the immutable checked result.  ``cache`` (a
        :class:`symbolic.cache.VerdictCache`) supplies the verdicts it holds."""
        return check_all([self], budget, seed, cache)[0]

    def packages(self, seed: int = 0) -> list:
        """What the checker decides: one :func:`symbolic.check.claim` package per step, then
        per claim as stated; a side that cannot be posed (a string, a relation) raises
        ``ValueError`` naming its step or claim."""
        out = []
        for what, items in (("step", self.steps), ("claim", self.claims)):
            for k, s in enumerate(items, 1):
                try:
                    out.append(claim(s.lhs, s.rhs, self.assumptions + getattr(s, "assumptions", ()),
                                     relation=s.relation, cases=s.cases, seed=seed))
                except (TypeError, ValueError) as exc:
                    raise ValueError(f"{what} {k} cannot be checked: {exc}") from None
        return out

    def checked_for_display(self) -> "CheckedDerivation":
        """The check a notebook shows: the latest :meth:`check` result, else one default check,
        made once and kept (Jupyter asks for every representation at every display)."""
        checked = self.__dict__.get("_last_check")
        return checked if checked is not None else self.check()

    def _repr_markdown_(self):
        from .notebook import derivation_markdown
        return derivation_markdown(self.checked_for_display())

    def _repr_latex_(self):
        from .latex import derivation_latex
        return derivation_latex(self.checked_for_display())


@dataclass(frozen=True)
class CheckedDerivation:
    """A derivation together with the verdict of each step and claim."""

    derivation: Derivation
    verdicts: tuple[Verdict, ...]
    claim_verdicts: tuple[Verdict, ...] = ()
    # checking time of each step, then each claim (None: the verdict came from the cache);
    # not compared, so a check and its cached replay are equal
    seconds: tuple = field(default=(), compare=False)

    @property
    def goals_reached(self) -> bool:
        """Whether, for every goal, an unbroken chain of steps leads from its lhs to its rhs."""
        return all(self._reaches(goal) for goal in self.derivation.goals)

    def _reaches(self, goal) -> bool:
        for chain in self.chains():
            for i, first in enumerate(chain):          # a goal may start part-way along a chain
                if first.lhs == goal.lhs:
                    for k in range(i, len(chain)):
                        if chain[k].rhs == goal.rhs and \
                                _composed(chain[i:k + 1]) in _compatible(goal.relation):
                            return True
        return False

    def chains(self) -> list[list[Step]]:
        """The steps grouped into maximal chains (each step's lhs is the previous rhs; a step
        with a heading or its own printed left side starts a new chain)."""
        out: list[list[Step]] = []
        starts = {start for start, _ in self.derivation.section_ranges()}
        for index, step in enumerate(self.derivation.steps):
            if out and index not in starts and step.heading is None and step.lhs_tex is None \
                    and step.lhs == out[-1][-1].rhs:
                out[-1].append(step)
            else:
                out.append([step])
        return out

    @property
    def status(self) -> str:
        """The weakest step status; ``unknown`` if the steps do not reach the goals, ``failed``
        if an independent cross-check disagrees."""
        status = weakest(v.status for v in self.verdicts)
        if any(not c.passed for c in self.derivation.cross_checks):
            return "failed"                    # an independent route disagrees
        if status in ("proved", "checked") and not self.goals_reached:
            return "unknown"
        return status

    @property
    def claims(self):
        """Pairs (claim, verdict) for the homework's statements as stated."""
        return tuple(zip(self.derivation.claims, self.claim_verdicts))

    @property
    def steps(self):
        """Pairs (step, verdict)."""
        return tuple(zip(self.derivation.steps, self.verdicts))

    def section_steps(self, index: int):
        """Pairs (step, verdict) of the derivation's ``index``-th section."""
        start, stop = self.derivation.section_ranges()[index]
        return self.steps[start:stop]

    def as_dict(self, timings: bool = False) -> dict:
        """The JSON form of the design (version 1), for one derivation.  With ``timings``, each
        step also has ``seconds``, its checking time (``null`` when its verdict came from the
        cache); without, the JSON is the same byte for byte at every run."""
        d = self.derivation
        from .latex import expr_latex
        out = {
            "id": d.id,
            "title": d.title,
            "status": self.status,
            "assumptions": [a.text for a in d.all_assumptions()],
            "steps": [{"claim": _claim_latex(s, expr_latex), "reason": s.reason, "status": v.status,
                       "method": v.method,
                       **({"counterexample": result_to_json(v.counterexample)} if v.counterexample else {})}
                      for s, v in self.steps],
            "claims_as_stated": [{"text": c.text, "holds": v.status == "proved",
                                  "status": v.status, "method": v.method,
                                  **({"counterexample": result_to_json(v.counterexample)}
                                     if v.counterexample else {})}
                                 for c, v in self.claims],
            "answers": list(d.answers),
            "cross_checks": [{"what": c.what, "against": c.against, "outcome": c.outcome,
                              "passed": c.passed} for c in d.cross_checks],
            "results": {k: result_to_json(v) for k, v in d.results.items()},
        }
        if timings:
            for step, seconds in zip(out["steps"], self.seconds):
                step["seconds"] = None if seconds is None else round(seconds, 3)
        return out

    def _repr_markdown_(self):
        from .notebook import derivation_markdown
        return derivation_markdown(self)

    def _repr_latex_(self):
        from .latex import derivation_latex
        return derivation_latex(self)


def check_all(derivations, budget: float | None = DEFAULT_BUDGET, seed: int = 0,
              cache=None) -> list["CheckedDerivation"]:
    """Check several derivations in one session of the checker's processes: each
    derivation's claims are decided while the next is being built (``derivations`` may be a
    generator that builds them); one :class:`CheckedDerivation` each."""
    done, tickets = [], []
    with Checking(budget, cache=cache) as checking:
        for d in derivations:
            done.append(d)
            tickets.append(checking.submit(d.packages(seed)))
        decided = [checking.results(t) for t in tickets]
    out = []
    for d, mine in zip(done, decided):
        verdicts = tuple(verdict for verdict, _ in mine)
        checked = CheckedDerivation(d, verdicts[:len(d.steps)], verdicts[len(d.steps):],
                                    seconds=tuple(seconds for _, seconds in mine))
        object.__setattr__(d, "_last_check", checked)        # kept for display; not a field
        out.append(checked)
    return out


_SYMBOL = {"==": "=", "<=": r"\le", "<": "<", ">=": r"\ge", ">": ">"}


def _claim_latex(step, expr_latex) -> str:
    left = step.lhs_tex or expr_latex(step.lhs)
    right = step.rhs_tex or expr_latex(step.rhs)
    return f"{left} {_SYMBOL[step.relation]} {right}"


def _composed(chain) -> str:
    """The relation a chain of steps establishes between its two ends."""
    relations = {s.relation for s in chain} - {"=="}
    if not relations:
        return "=="
    if relations <= {"<=", "<"}:
        return "<" if "<" in relations else "<="
    if relations <= {">=", ">"}:
        return ">" if ">" in relations else ">="
    return "mixed"


def _compatible(goal_relation) -> set:
    return {"==": {"=="}, "<=": {"==", "<=", "<"}, "<": {"<"},
            ">=": {"==", ">=", ">"}, ">": {">"}}[goal_relation]


def result_to_json(value):
    """A result as JSON: SymPy objects as ``srepr`` strings, plain values kept.

    >>> import sympy as sp
    >>> result_to_json(sp.Symbol('K') * 3)
    "Mul(Integer(3), Symbol('K'))"
    >>> result_to_json({'m': 2, 'degrees': (1,)})
    {'m': 2, 'degrees': [1]}
    """
    if isinstance(value, bool) or value is None or isinstance(value, str):
        return value
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        return value
    if isinstance(value, Mapping):
        return {str(k): result_to_json(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [result_to_json(v) for v in value]
    if isinstance(value, (sp.Basic, sp.MatrixBase)):
        return sp.srepr(value)
    raise ValueError(f"cannot export a result of type {type(value).__name__}")
