"""The shape of the code (issue 12, DESIGN.md's layout): small functions, topic modules that
hold only mathematics, no command-line flag inside the library, no import cycle between the
command line and the report."""
import ast
import glob
import os
import re

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
MODULES = sorted(glob.glob(os.path.join(ROOT, "symbolic", "*.py")) + glob.glob(os.path.join(ROOT, "proofs", "*.py")))
TOPICS = ["made", "pixels", "gaussian", "score", "alpha"]
MAX_LINES = 60


def functions(path):
    tree = ast.parse(open(path, encoding="utf-8").read())
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            yield node.name, node.end_lineno - node.lineno + 1


@pytest.mark.parametrize("path", MODULES, ids=lambda p: os.path.relpath(p, ROOT))
def test_no_function_is_longer_than_sixty_lines(path):
    long = [(name, n) for name, n in functions(path) if n > MAX_LINES]
    assert long == [], long


def imports(path):
    tree = ast.parse(open(path, encoding="utf-8").read())
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            yield ("." * node.level) + (node.module or "")
        elif isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)


@pytest.mark.parametrize("topic", TOPICS)
def test_topic_modules_hold_mathematics_only(topic):
    path = os.path.join(ROOT, "symbolic", f"{topic}.py")
    assert not {i for i in imports(path) if i in (".latex", "symbolic.latex", ".text", "symbolic.text")}
    assert not any(i.startswith(("proofs", "..")) for i in imports(path))


def test_the_library_names_no_command_line_flag():
    flags = re.compile(r"""["'][^"'\n]*--[a-z][a-z-]+""")
    found = [(os.path.basename(p), m.group(0)) for p in glob.glob(os.path.join(ROOT, "symbolic", "*.py"))
             for m in flags.finditer(open(p, encoding="utf-8").read())]
    assert found == []


def test_the_command_line_and_the_report_do_not_import_each_other():
    report = set(imports(os.path.join(ROOT, "proofs", "report.py")))
    assert not {".__main__", "proofs.__main__"} & report
