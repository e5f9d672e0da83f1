"""The output-size problem: its spec (parameters, sections main/appendix), its texts in both
languages for every parameter value, the proofs, the numeric example and the results."""
import ast
import inspect
import re

import pytest
import sympy as sp

from proofs import output_size, registry
from proofs.problem import options_for
from proofs.spec import assemble
from symbolic import pixels
from symbolic.check import DEFAULT_BUDGET
from symbolic.text import Text, placeholders, say
from conftest import prose_of, session_verdicts, untranslated

# the default derivations are checked once per process and shared (proofs.registry);
# keeping these files on one xdist worker lets them share that work
pytestmark = pytest.mark.xdist_group("derivations")

T = output_size.T
NON_DEFAULT = [dict(values=16), dict(values=16, C=1), dict(values=255, C=4), dict(values=16, W=32, H=32, K=10),
               dict(values=2, C=1000)]             # the smallest thresholds: K = 1 for both


def default_checked():
    return registry.checked(output_size, options_for(output_size), DEFAULT_BUDGET, session_verdicts())


# --------------------------------------------------------------------------- proofs and answers

def test_default_derivation_is_fully_proved_with_its_answers():
    # the 256-value derivation the command line and the report show (shared through the memo)
    checked = default_checked()
    assert checked.status == "proved"
    assert all(v.status == "proved" for v in checked.verdicts)
    results = checked.derivation.results
    assert results["k_min"] == 86 and results["k_min_pixelcnnpp"] == 77
    assert results["numel_categorical"] == 256 * pixels.W * pixels.H * pixels.C
    assert results["shape_categorical"] == sp.Tuple(pixels.W, pixels.H, pixels.C, 256)
    assert results["shape_mixture"] == sp.Tuple(pixels.W, pixels.H, pixels.C, 3 * pixels.K)
    assert all(c.passed for c in checked.derivation.cross_checks)


@pytest.mark.parametrize("overrides", NON_DEFAULT)
def test_non_default_parameters_are_fully_proved(overrides, shared_verdicts):
    d = output_size.build(options_for(output_size, **overrides))
    checked = d.check(cache=shared_verdicts)
    assert checked.status == "proved", [(s.reason, v.status) for s, v in checked.steps if v.status != "proved"]
    values = overrides["values"]
    assert d.results["k_min"] == values // 3 + 1 == pixels.first_k_exceeding(3, values)
    assert d.results["k_min_pixelcnnpp"] == pixels.first_k_exceeding(
        1 + 2 * overrides.get("C", 3) + overrides.get("C", 3) * (overrides.get("C", 3) - 1) // 2,
        values * overrides.get("C", 3))
    assert all(c.passed for c in d.cross_checks)


def test_small_value_count_answers():
    d = output_size.build(options_for(output_size, values=16, C=1))
    assert d.results["k_min"] == 6                       # 3K > 16
    assert sp.sympify(d.results["numel_mixture"]) == 3 * pixels.K * pixels.W * pixels.H * pixels.C


def test_a_threshold_at_a_multiple_of_three_is_not_strict():
    # 255 values: K = 85 gives exactly 255 outputs, equal and not more, so the step is <=
    d = output_size.derivation(output_size.Params(values=255))
    below, above = d.sections[1].steps[1:]
    assert (below.lhs, below.relation, below.rhs) == (255, "<=", 255) and d.results["k_min"] == 86
    assert (above.lhs, above.relation, above.rhs) == (255, "<", 258)


# --------------------------------------------------------------------------- the spec's structure

def test_main_sections_answer_the_homework_and_the_rest_is_appendix():
    d = default_checked().derivation
    parts = [(str(sec.heading), sec.part) for sec in d.sections]
    main = [sec for sec in d.sections if sec.part == "main"]
    assert [p for _, p in parts] == ["main"] * 2 + ["appendix"] * 6
    answers = [a for sec in main for a in sec.answers]
    assert "W \\times H \\times C \\times 256" in answers[0] and "256\\,WHC" in answers[0]
    assert "W \\times H \\times C \\times 3K" in answers[1] and "3K\\,WHC" in answers[1]
    assert answers[2].endswith("K \\ge 86")
    assert all(sec.answers == () for sec in d.sections if sec.part == "appendix"
               and sec.heading not in (T("heading_pixelcnnpp"), T("heading_free")))


def test_the_numeric_example_is_a_main_section_of_exhibits():
    d = output_size.build(options_for(output_size, W=32, H=32, C=3, K=10))
    example = d.sections[2]
    assert example.part == "main" and example.heading == T("heading_example", w=32, h=32, c=3)
    labels = {ex.label: ex.value for ex in d.exhibits}
    assert labels["N_1"] == 32 * 32 * 3 * 256
    assert labels["N_2"] == 3 * 10 * 32 * 32 * 3


def test_the_example_without_k_uses_the_threshold():
    d = output_size.build(options_for(output_size, W=2, H=3, C=1, values=16))
    assert {ex.label: ex.value for ex in d.exhibits}["N_2"] == 3 * 6 * 2 * 3


def test_build_is_the_assembled_spec():
    params = output_size.params_from(options_for(output_size, values=16))
    assert params == output_size.Params(values=16)
    built, assembled = output_size.build(options_for(output_size, values=16)), assemble(output_size.SPEC, params)
    assert built.steps == assembled.steps and built.title == assembled.title == output_size.TITLE


@pytest.mark.parametrize("fields, message", [
    (dict(values=1), "values must be an integer from 2 to 1024, got 1"),
    (dict(channels=0), "channels must be an integer from 1 to 1000, got 0"),
    (dict(width=4), "needs both its width and its height"),
    (dict(components=3), "components needs the example"),
    (dict(values=2.5), "values must be an integer"),
])
def test_params_refuse_bad_values_in_one_line(fields, message):
    with pytest.raises(ValueError, match=re.escape(message)) as info:
        output_size.Params(**fields)
    assert "\n" not in str(info.value)


def test_half_an_example_is_rejected():
    with pytest.raises(ValueError, match="both --W and --H"):
        output_size.build(options_for(output_size, W=32))


def test_unknown_option_is_rejected():
    with pytest.raises(ValueError, match="no option"):
        options_for(output_size, depth=3)


def test_the_users_helper_gives_the_same_derivation():
    d = output_size.output_size_derivation(values=16)
    assert d.results["k_min"] == 6 and d.title == output_size.TITLE


# --------------------------------------------------------------------------- text in both languages

@pytest.mark.parametrize("overrides", [{}, dict(values=16), dict(values=16, W=4, H=4, C=1)])
def test_every_sentence_comes_from_the_catalogue(overrides):
    d = output_size.build(options_for(output_size, **overrides))
    assert untranslated(d) == []


@pytest.mark.parametrize("overrides", [{}, dict(values=16, W=4, H=4, C=1)])
def test_the_russian_sentences_are_russian(overrides):
    # outside $...$ and \text-free mathematics, every Russian sentence has Cyrillic words and no
    # English ones (proper names and the program's names allowed)
    allowed = {"AR", "PixelCNN", "mpmath", "a", "b"}
    d = output_size.build(options_for(output_size, **overrides))
    for where, text in list(prose_of(d)) + [("question", T("question"))]:
        russian = say(text, "ru")
        words = re.findall(r"[A-Za-z]+", re.sub(r"\$[^$]*\$", "", russian))
        if where == "answer":
            words = re.findall(r"\\text\{([^}]*)\}", russian)
            words = [w for part in words for w in re.findall(r"[A-Za-z]+", part)]
        assert set(words) <= allowed, (where, russian)
        if where != "answer" and re.search(r"[A-Za-z]{3,}", re.sub(r"\$[^$]*\$", "", str(text))):
            assert re.search("[а-яё]", russian), (where, russian)


def test_every_template_fills_with_its_own_placeholders():
    for lang in ("en", "ru"):
        for key, template in T.table(lang).items():
            names = placeholders(template)
            assert all(name.isidentifier() for name in names), (lang, key, names)
            filled = template.format_map({name: 7 for name in names})
            assert filled.count("$") % 2 == 0, (lang, key)


def test_the_question_restates_the_homework():
    question = T("question")
    assert isinstance(question, Text) and "256" in question and "(a)" in question and "(b)" in question
    russian = say(question, "ru")
    assert "256" in russian and "Каков размер выходного тензора" in russian


def test_no_float_artefacts_in_the_printed_mathematics():
    d = default_checked().derivation
    printed = [s.lhs_tex or sp.latex(s.lhs) for s in d.steps] + [s.rhs_tex or sp.latex(s.rhs) for s in d.steps]
    printed += [str(c.outcome) for c in d.cross_checks]
    assert not any(re.search(r"\d\.0\b", p) for p in printed), printed


# --------------------------------------------------------------------------- code shape

@pytest.mark.parametrize("module", [output_size, pixels])
def test_no_function_over_sixty_lines(module):
    tree = ast.parse(inspect.getsource(module))
    lengths = [(node.name, node.end_lineno - node.lineno + 1) for node in ast.walk(tree)
               if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))]
    long = [(name, lines) for name, lines in lengths if lines > 60]
    assert long == []
