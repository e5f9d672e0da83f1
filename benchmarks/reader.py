"""dgm-proofs check: reading and checking a student's two-page solution (about 20 steps).

There is no naive route to compare with: SymPy's own LaTeX parser (``parse_latex(...,
backend="lark")``) reads only some of the same sides (25 of 40: no ``\\sigma``, ``\\pi``,
``\\log\\frac``, ``\\operatorname{tr}`` ...); its time on them is the third row."""
import os

from symbolic.reader import read_file

HERE = os.path.dirname(os.path.abspath(__file__))
SOLUTION = os.path.join(HERE, "two_page_solution.tex")


def ours_check():
    from proofs.check_command import check_files
    [checked] = check_files([SOLUTION])
    statuses = [v.status for v in checked.verdicts]
    return len(statuses), sorted(set(statuses))


def ours_read():
    return len(read_file(SOLUTION).steps)


def naive_read():
    """SymPy's parser on each side of each step: how many sides it reads at all."""
    from sympy.parsing.latex import parse_latex
    sides = [side for step in read_file(SOLUTION).steps for side in (step.lhs_tex, step.rhs_tex)]
    read = 0
    for tex in sides:
        try:
            parse_latex(tex, backend="lark")
            read += 1
        except Exception:
            pass
    return f"{read}/{len(sides)} sides"


CASES = [
    dict(name="check a two-page ~20-step solution (read + verify every step)", ours=ours_check,
         naive=None),
    dict(name="read the two-page solution (parse the 40 sides of its 20 steps)", ours=ours_read,
         naive=None),
    dict(name="SymPy's parse_latex on the same 40 sides (reads only some)", ours=naive_read,
         naive=None),
]
