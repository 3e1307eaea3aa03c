"""Every number in the prose traces to a row of data/outcomes.csv and to its register entry."""

import re

import mrcreview
from helpers import ROOT
from mrcreview.paths import chapter_files
from mrcreview.register import numbers_used, register_markdown


def test_each_chapter_lists_its_glued_numbers_and_each_has_a_data_row():
    used = numbers_used(root=ROOT)
    ids = set(mrcreview.load_outcomes(root=ROOT)["outcome_id"])
    assert used, "no chapter places a number"
    for chapter, keys in used.items():
        assert set(keys) <= ids, (chapter, set(keys) - ids)


def test_rows_shown_only_in_a_figure_count_as_used_where_the_figure_is():
    used = numbers_used(root=ROOT)
    figures, figure_rows = mrcreview.load_figures(root=ROOT)
    synthesis = (ROOT / "book" / "evidence-synthesis.md").read_text(encoding="utf-8")
    assert "{n}`" not in synthesis  # the synthesis page shows its numbers only in figures and tables
    placed = [f for f in figures["figure_id"] if f'mr.glue_figure("{f}")' in synthesis]
    assert placed and set(used["evidence-synthesis"]) == set(
        figure_rows.loc[figure_rows["figure_id"].isin(placed), "outcome_id"]
    )


def test_no_number_is_typed_with_glue_text_instead_of_a_register_link():
    # {glue:text} is for counts and dates of the book itself; reported numbers go through {n}
    ids = set(mrcreview.load_outcomes(root=ROOT)["outcome_id"])
    for chapter in chapter_files(ROOT):
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


def test_register_cites_each_source_once_above_its_numbers(minimal):
    outcomes = mrcreview.load_outcomes(root=minimal)
    text = register_markdown(outcomes, {})
    alpha, beta = text.index("{cite:p}`smith2020alpha`"), text.index("{cite:p}`jones2021beta`")
    assert text.count("{cite:p}`smith2020alpha`") == 1 and text.count("{cite:p}`jones2021beta`") == 1
    assert "**Alpha trial**" in text[:alpha] and "**Beta cohort**" in text[alpha:beta]
    assert alpha < text.index("(ev-alpha-hr)=") < text.index("(ev-alpha-response)=") < beta
    assert beta < text.index("(ev-beta-survival)=")
    studies = mrcreview.load_studies(root=minimal)
    assert text.startswith(f"The register holds {len(outcomes)} numbers from {len(studies)} studies.")
