"""Every number in the prose traces to a row of data/outcomes.csv and to its register entry."""

import re

import mrcreview
from helpers import ROOT
from mrcreview.register import numbers_used, register_markdown


def test_each_chapter_lists_its_glued_numbers_and_each_has_a_data_row():
    used = numbers_used(root=ROOT)
    ids = set(mrcreview.load_outcomes(root=ROOT)["outcome_id"])
    assert used, "no chapter places a number"
    for chapter, keys in used.items():
        assert set(keys) <= ids, (chapter, set(keys) - ids)


def test_rows_shown_only_in_a_figure_or_forest_plot_count_as_used():
    used = numbers_used(root=ROOT)
    plots, plot_rows = mrcreview.load_forest_plots(root=ROOT)
    assert set(plot_rows["outcome_id"]) <= set(used["evidence-synthesis"])
    # a row a chapter names only in code (for a figure) is shown there too
    source = (ROOT / "book" / "predictive-factors.md").read_text(encoding="utf-8")
    code_only = [key for key in used["predictive-factors"] if f"{{n}}`{key}`" not in source]
    assert code_only and all(f'"{key}"' in source for key in code_only)


def test_no_number_is_typed_with_glue_text_instead_of_a_register_link():
    # {glue:text} is for counts and dates of the book itself; reported numbers go through {n}
    ids = set(mrcreview.load_outcomes(root=ROOT)["outcome_id"])
    for chapter in (ROOT / "book").glob("*.md"):
        for key in re.findall(r"\{glue:text\}`([^`]+)`", chapter.read_text(encoding="utf-8")):
            assert key not in ids, (chapter.name, key)


def test_register_has_an_anchor_per_row_and_marks_unused_rows(minimal):
    outcomes = mrcreview.load_outcomes(root=minimal)
    text = register_markdown(outcomes, {"chapter": ["alpha-response"]})
    assert text.count("(ev-") == len(outcomes)
    entry = text[text.index("(ev-alpha-response)=") :]
    assert entry.splitlines()[2].startswith(": **25\\%**")
    assert "{doc}`chapter`" in entry.split("(ev-")[1]
    assert "not yet shown in a chapter" in text[text.index("(ev-alpha-hr)=") : text.index("(ev-alpha-response)=")]
