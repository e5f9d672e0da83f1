"""proofs.made_masks: the AR-1 derivation checks, its results, LaTeX, figure and bad options."""
import json
import os

import pytest
import sympy as sp

from proofs import made_masks, registry
from proofs.problem import options_for
from symbolic.check import DEFAULT_BUDGET
from symbolic.latex import derivation_latex, document
from symbolic.made import connectivity, count_paths, masks
from symbolic.testing import assert_proved

# the default derivations are checked once per process and shared (proofs.registry);
# keeping these files on one xdist worker lets them share that work
pytestmark = pytest.mark.xdist_group("derivations")


@pytest.fixture(scope="module")
def checked(shared_verdicts):
    # the default derivation, shared through the registry's memo with the report tests
    return registry.checked(made_masks, options_for(made_masks), DEFAULT_BUDGET, shared_verdicts)


def test_every_step_proved_and_goal_reached(checked):
    assert_proved(checked)
    assert checked.status == "proved"
    assert all(v.method != "numeric" for v in checked.verdicts)


def test_claim_as_stated_is_reported_false_with_the_smallest_counterexample(checked):
    (claim, verdict), = checked.claims
    assert "strictly upper triangular" in claim.text
    assert verdict.status == "failed"
    assert verdict.counterexample == {"i": 2, "j": 1, "m": 2, "mu_1": 1}
    assert verdict.values == (1, 0)


def test_counterexample_step_exhibits_m21_equal_1(checked):
    step, verdict = checked.steps[1]
    assert step.lhs_tex == "M_{21}" and step.rhs == 1 and verdict.status == "proved"


def test_results_as_in_the_issue(checked):
    results = checked.derivation.results
    assert results["claim_a_as_stated"] is False
    assert results["claim_a_out_x_in_lower"] is True
    assert results["claim_a_in_x_out_upper"] is True
    assert results["claim_b_paths"] is True
    assert results["counterexample"] == {"m": 2, "h": 1, "degrees": (1,), "entry": (2, 1), "value": 1}
    exported = checked.as_dict()["results"]
    json.dumps(exported)
    closed = sp.sympify(exported["closed_form"])
    i, j, h, k = (sp.Symbol(n, integer=True, positive=True) for n in "ijhk")
    mu = sp.IndexedBase("mu", integer=True, positive=True)
    # substitute a concrete network: degrees mu_1..mu_3 = 1, 2, 2 and compare with the masks' product
    M = connectivity(masks(4, [[1, 2, 2]]))
    values = {1: 1, 2: 2, 3: 2}
    for ii, jj in [(2, 1), (3, 1), (3, 2), (4, 3), (1, 1), (2, 3)]:
        entry = closed.subs({h: 3, i: ii, j: jj}).doit()
        entry = entry.subs({mu[n]: v for n, v in values.items()})
        assert entry == M[ii - 1, jj - 1]


def test_example_results_match_an_independent_recomputation(checked):
    ex = checked.derivation.results["example"]
    mk = masks(ex["m"], ex["hidden_degrees"], ex["order"])
    assert ex["M"] == connectivity(mk).tolist() == [list(r) for r in count_paths(mk).tolist()]
    assert ex["m"] == 4 and [len(layer) for layer in ex["hidden_degrees"]] == [5]


def test_latex_compiles(checked, tmp_path, pdflatex):
    body = derivation_latex(checked)
    assert "does not hold" in body and "strictly lower triangular" in body
    (tmp_path / "main.tex").write_text(document([("AR-1", body)]))
    log = pdflatex(str(tmp_path))
    assert "Undefined control sequence" not in log


def test_two_layers_and_an_order_worked_example_steps_proved():
    options = options_for(made_masks, m=5, hidden=(4, 3), order=(3, 1, 5, 2, 4), seed=2)
    derivation = made_masks.build(options)
    (index,) = [k for k, sec in enumerate(derivation.sections) if sec.heading.key == "example_heading_order"]
    start, stop = derivation.section_ranges()[index]
    assert stop - start == 5                    # product, walk, closed form, lower, natural order
    for step in derivation.steps[start:stop]:
        assert step.check(budget=20).status == "proved"
    ex = derivation.results["example"]
    assert ex["order"] == [3, 1, 5, 2, 4] and [len(x) for x in ex["hidden_degrees"]] == [4, 3]


def test_explicit_degrees_option():
    derivation = made_masks.build(options_for(made_masks, m=3, degrees=((1, 2), (2,))))
    assert derivation.results["example"]["hidden_degrees"] == [[1, 2], [2]]
    assert derivation.results["example"]["M"] == [[0, 0, 0], [0, 0, 0], [2, 1, 0]]


@pytest.mark.parametrize("overrides, message", [
    (dict(m=1), "m must be an integer from 2 to 48, got 1"),
    (dict(order=(1, 2, 2, 3)), "permutation of 1..4"),
    (dict(order=(1, 2, 3)), "permutation of 1..4"),
    (dict(degrees=((1, 4),)), "degrees must lie in 1..m-1"),
    (dict(degrees=((1, 2),), hidden=(3,)), "does not match"),
    (dict(hidden=(0,)), "must be positive"),
])
def test_bad_options_raise_value_error(overrides, message):
    with pytest.raises(ValueError, match=message.replace(".", r"\.")):
        made_masks.build(options_for(made_masks, **overrides))


def test_cli_bad_input_exits_2(capsys):
    from proofs.__main__ import main
    assert main(["run", "made-masks", "--order", "1,1,2,3"]) == 2
    assert "permutation" in capsys.readouterr().err


def test_registered_first():
    assert registry.MODULES[0] == "made_masks"
    assert registry.by_id(["made-masks"]) == [made_masks]


def test_figure_is_written_and_deterministic(tmp_path):
    (figure,) = made_masks.figures(options_for(made_masks, m=3, hidden=(2,)))
    first, second = str(tmp_path / "a"), str(tmp_path / "b")
    figure.draw(first)
    figure.draw(second)
    for ext in (".pdf", ".png"):
        assert os.path.getsize(first + ext) > 1000
        with open(first + ext, "rb") as f, open(second + ext, "rb") as g:
            assert f.read() == g.read()
    assert "paths" in figure.caption


# --------------------------------------------------------------------------- issue 12: spec, text, figure

from conftest import session_verdicts, untranslated                 # noqa: E402
from symbolic.derivation import Derivation                          # noqa: E402
from symbolic.text import mismatches, say                           # noqa: E402

NON_DEFAULT = dict(m=5, hidden=(4, 3))


@pytest.mark.parametrize("overrides", [{}, NON_DEFAULT], ids=["default", "m5-hidden4,3"])
def test_every_sentence_comes_from_the_catalogue(overrides):
    derivation = made_masks.build(options_for(made_masks, **overrides))
    assert untranslated(derivation) == []
    assert mismatches(made_masks.T) == []


@pytest.mark.parametrize("overrides", [{}, NON_DEFAULT, dict(m=5, hidden=(4, 3), order=(3, 1, 5, 2, 4))])
def test_russian_is_russian_for_every_parameter(overrides):
    import re
    from conftest import prose_of
    derivation = made_masks.build(options_for(made_masks, **overrides))
    for where, text in prose_of(derivation):
        russian = say(text, "ru")
        if where == "answer":                        # mathematics, whose words are in \text{...}
            russian = " ".join(re.findall(r"\\text\{([^}]*)\}", russian))
        russian = re.sub(r"\$[^$]*\$|MADE|AR-1", " ", russian)
        assert not re.search(r"[A-Za-z]{3,}", russian), (where, russian)
    figure, = made_masks.figures(options_for(made_masks, **overrides), lang="ru")
    assert not re.search(r"[A-Za-z]{3,}", re.sub(r"\$[^$]*\$|MADE", " ", say(figure.caption, "ru")))


def test_spec_declares_the_main_part_then_the_appendix():
    derivation = made_masks.build(options_for(made_masks))
    parts = [sec.part for sec in derivation.sections]
    assert parts == ["main"] * 4 + ["appendix"] * 5
    main = [sec for sec in derivation.sections if sec.part == "main"]
    answers = [a.key for sec in main for a in sec.answers]
    assert answers == ["answer_a_false", "answer_a_true", "answer_b"]
    assert say(main[2].answers[0], "en").endswith("M_{21} = 1")      # the counterexample, computed
    assert made_masks.TITLE == "AR-1. MADE masks" and "MADE с" in say(made_masks.QUESTION, "ru")


def test_params_validate_in_one_place():
    assert made_masks.params_from(options_for(made_masks)) == made_masks.Params()
    with pytest.raises(ValueError, match="the width of hidden layer 2 must be an integer from 1 to 64"):
        made_masks.Params(4, ((1,), ()))
    with pytest.raises(ValueError, match=r"permutation of 1\.\.3"):
        made_masks.Params(3, ((1, 2),), (1, 1, 2))


@pytest.mark.parametrize("overrides", [NON_DEFAULT, dict(m=3, degrees=((1, 2),), order=(2, 3, 1))])
def test_non_default_parameters_every_step_proved(overrides, shared_verdicts):
    checked = made_masks.build(options_for(made_masks, **overrides)).check(budget=DEFAULT_BUDGET,
                                                                           cache=shared_verdicts)
    assert_proved(checked)
    assert checked.status == "proved"


def test_notation_hidden_degrees_are_mu_throughout_and_edges_are_not_x(checked):
    from conftest import prose_of
    d = checked.derivation
    tex = [s.lhs_tex or "" for s in d.steps] + [s.rhs_tex or "" for s in d.steps]
    sentences = [say(text, lang) for _, text in prose_of(d) for lang in ("en", "ru")]
    for piece in tex + sentences:
        assert "m(k)" not in piece and r"\deg" not in piece and "x_e" not in piece, piece
    free = {str(s) for step in d.steps for side in (step.lhs, step.rhs)
            for s in getattr(side, "free_symbols", ())}
    assert not any(name.startswith("x") for name in free)


def _main_part_pages(checked, lang, tmp_path, pdflatex):
    """How many pages the main sections take in the report's layout (11pt article, the report's
    preamble), the question included: pages before the last plus the used fraction of the last."""
    import re
    from symbolic.latex import text_latex
    d = checked.derivation
    main = Derivation(d.title, id=d.id, sections=[s for s in d.sections if s.part == "main"])
    body = text_latex(say(made_masks.QUESTION, lang)) + "\n\n" + derivation_latex(main.check(cache=session_verdicts()), lang=lang)
    end = (r"\par\noindent\pdfsavepos\write-1{AR1END \thepage\space\the\pdflastypos\space\the\paperheight"
           r"\space\the\topmargin\space\the\headheight\space\the\headsep\space\the\textheight}")
    tex = document([(made_masks.TITLE, body + end)], lang=lang).replace("\\maketitle\n", "")
    (tmp_path / "main.tex").write_text(tex)
    log = pdflatex(str(tmp_path))
    page, y, *lengths = re.search(r"AR1END (\d+) (\d+) " + " ".join([r"([-\d.]+)pt"] * 5), log).groups()
    paper, topmargin, headheight, headsep, textheight = map(float, lengths)
    top = paper - 72.27 - topmargin - headheight - headsep            # the text block's top, from the bottom
    return int(page) - 1 + (top - int(y) / 65536) / textheight, log


@pytest.mark.parametrize("lang", ["en", "ru"])
def test_main_part_fits_in_two_and_a_half_pages(checked, lang, tmp_path, pdflatex):
    from proofs.report import overfull_boxes
    pages, log = _main_part_pages(checked, lang, tmp_path, pdflatex)
    assert 1.5 < pages <= 2.5, pages
    assert overfull_boxes(log, 1.0) == []


def test_figure_labels_follow_the_language_at_print_size():
    from matplotlib.text import Text as MplText
    options = options_for(made_masks, m=5, hidden=(4, 3), order=(3, 1, 5, 2, 4))
    figure_en, = made_masks.figures(options)
    figure_ru, = made_masks.figures(options, lang="ru")
    assert figure_ru.caption.key == "fig_caption_order" and "\\pi = (3,1,5,2,4)" in figure_ru.caption
    panels = made_masks._panel_labels(2, "ru")
    assert panels[0] == ("маска $M^{(1)}$", "вход $j$", "нейрон слоя 1")
    assert panels[-1][1:] == ("вход $j$", "выход $i$")
    mats = [__import__("numpy").eye(3, dtype=int)] * 2
    fig = made_masks.heatmaps(mats, made_masks._panel_labels(1, "en")[:2])
    assert fig.get_size_inches()[0] == pytest.approx(made_masks.FIGURE_WIDTH_IN)
    texts = [t for t in fig.findobj(MplText) if t.get_text()]
    assert min(t.get_fontsize() for t in texts) >= 8
    for ax in fig.axes:
        assert ax.get_xlabel() and ax.get_ylabel()
    assert figure_en.caption != figure_ru.caption.render("ru")


def test_functions_are_short():
    import ast
    import inspect
    from symbolic import made
    for module in (made, made_masks):
        tree = ast.parse(inspect.getsource(module))
        long = [(node.name, node.end_lineno - node.lineno + 1) for node in ast.walk(tree)
                if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))
                and node.end_lineno - node.lineno + 1 > 60]
        assert long == [], (module.__name__, long)


def test_topic_module_has_no_sentences_flags_or_latex_helpers():
    import inspect
    from symbolic import made
    source = inspect.getsource(made)
    assert "symbolic.latex" not in source and "from .latex" not in source
    assert "--m" not in source and "--hidden" not in source
