"""Every number in the prose traces to a row of data/outcomes.csv and to its register entry."""

import re

import mrcreview
from helpers import ROOT
from mrcreview.paths import chapter_files
from mrcreview.register import numbers_used, register_entries


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


def test_register_has_an_entry_per_row_and_marks_unused_rows(minimal):
    outcomes = mrcreview.load_outcomes(root=minimal)
    entries = {e.outcome_id: e for s in register_entries(outcomes, {"chapter": ["alpha-response"]}) for e in s.entries}
    assert set(entries) == set(outcomes["outcome_id"])
    response = entries["alpha-response"]
    assert (response.value, response.chapters) == ("25%", ["chapter"])
    assert "n/N 10/40" in response.facts
    assert entries["alpha-hr"].chapters == []


def test_register_lists_each_source_once_with_its_numbers(minimal):
    outcomes = mrcreview.load_outcomes(root=minimal)
    sources = register_entries(outcomes, {})
    assert [(s.study, s.citation_key) for s in sources] == [
        ("Alpha trial", "smith2020alpha"),
        ("Beta cohort", "jones2021beta"),
    ]
    assert [[e.outcome_id for e in s.entries] for s in sources] == [["alpha-hr", "alpha-response"], ["beta-survival"]]


def test_register_shows_contributors_text_as_given(minimal):
    # the page places it as text, never as markup: nothing is escaped here, nothing is parsed there
    outcomes = mrcreview.load_outcomes(root=minimal)
    outcomes.loc[outcomes["outcome_id"] == "beta-survival", "outcome"] = "survival *at* {cite}`x` <b>"
    (beta,) = [s for s in register_entries(outcomes, {}) if s.study == "Beta cohort"]
    assert beta.entries[0].measured == "survival *at* {cite}`x` <b>, all"


def test_a_study_goes_to_the_register_page_of_its_names_first_letter():
    from mrcreview.register import register_part

    assert register_part("COLLISION") == register_part("ctDNA meta-analysis") == "evidence-register-a-c"
    assert register_part("Ärzte cohort") == "evidence-register-a-c"  # accents set aside
    assert register_part("RAPIDO") == "evidence-register-r"
    assert register_part("Zeta") == "evidence-register-s-z"
    assert register_part("5-year follow-up") == register_part("(unnamed)") == "evidence-register-a-c"


def test_each_register_page_holds_only_its_studies_and_the_first_page_lists_them_all(minimal):
    from mrcreview.register import REGISTER_PARTS, register_contents, register_part_entries

    contents = register_contents(root=minimal)
    assert [part.page for part in contents] == [page for page, _, _ in REGISTER_PARTS]
    listed = {page.page: page.studies for page in contents if page.studies}
    assert listed == {"evidence-register-a-c": [("alpha", "Alpha trial"), ("beta", "Beta cohort")]}
    outcome_ids = [i for part in contents for i in part.outcome_ids]
    assert sorted(outcome_ids) == sorted(mrcreview.load_outcomes(root=minimal)["outcome_id"])
    assert [s.study for s in register_part_entries("evidence-register-a-c", root=minimal)] == [
        "Alpha trial",
        "Beta cohort",
    ]
    assert register_part_entries("evidence-register-s-z", root=minimal) == []
