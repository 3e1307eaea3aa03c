"""Loading the curated data: types, order, joins, and the evidence date."""

from datetime import date

import pandas as pd

import mrcreview
from helpers import ROOT, make_minimal
from mrcreview.loading import rows_read


def test_outcomes_are_typed_sorted_and_joined_to_studies(minimal):
    outcomes = mrcreview.load_outcomes(minimal)
    assert list(outcomes["outcome_id"]) == ["alpha-hr", "alpha-response", "beta-survival"]
    assert outcomes["value"].dtype == "float64"
    assert outcomes["numerator"].dtype == "Int64"
    response = outcomes.set_index("outcome_id").loc["alpha-response"]
    assert (response["numerator"], response["denominator"]) == (10, 40)
    assert response["short_name"] == "Alpha trial"
    assert pd.isna(outcomes.set_index("outcome_id").loc["alpha-hr", "numerator"])


def test_values_are_also_kept_as_typed(minimal):
    outcomes = mrcreview.load_outcomes(minimal).set_index("outcome_id")
    assert outcomes.loc["alpha-hr", "value_text"] == "0.80"
    assert outcomes.loc["alpha-hr", "ci_lower_text"] == "0.60"


def test_evidence_as_of_is_latest_check_date(minimal):
    assert mrcreview.evidence_as_of(minimal) == date(2026, 2, 1)


def test_every_outcome_of_the_real_data_belongs_to_a_study():
    outcomes = mrcreview.load_outcomes(ROOT)
    assert outcomes["short_name"].notna().all()


def test_real_data_passes_the_check():
    from mrcreview.validation import check_project

    assert [str(p) for p in check_project(ROOT)] == []


def project_with_chapter(tmp_path, text: str):
    """The minimal project with one chapter, book/x.md, whose source is text."""
    make_minimal(tmp_path / "p")
    (tmp_path / "p" / "book" / "x.md").write_text(text, encoding="utf-8")
    return tmp_path / "p"


def test_a_chapter_loads_only_the_rows_it_names(tmp_path):
    root = project_with_chapter(tmp_path, 'Survival was {glue:md}`beta-survival:myst`; mr.select(o, "alpha-hr")')
    outcomes = mrcreview.load_outcomes(root, chapter="x")
    assert sorted(outcomes["outcome_id"]) == ["alpha-hr", "beta-survival"]
    assert outcomes.set_index("outcome_id").loc["alpha-hr", "short_name"] == "Alpha trial"
    # the studies of the rows it names, though it names no study
    assert sorted(mrcreview.load_studies(root, chapter="x")["study_id"]) == ["alpha", "beta"]


def test_an_id_inside_a_longer_word_is_not_named(tmp_path):
    root = project_with_chapter(tmp_path, "The alpha-hr-2 row and the alphabet; beta.")
    assert list(mrcreview.load_outcomes(root, chapter="x")["outcome_id"]) == []
    assert list(mrcreview.load_studies(root, chapter="x")["study_id"]) == ["beta"]


def test_plotted_outcomes_are_those_in_a_forest_plot(minimal):
    assert list(mrcreview.load_outcomes(minimal, plotted=True)["outcome_id"]) == ["alpha-response"]


def test_count_rows_counts_a_data_file(minimal):
    assert mrcreview.count_rows("outcomes", minimal) == 3
    assert mrcreview.count_rows("studies", minimal) == 2


def edit_row(root, path: str, key: str, old: str, new: str) -> None:
    file = root / "data" / path
    lines = file.read_text(encoding="utf-8").splitlines(keepends=True)
    index = next(i for i, line in enumerate(lines) if line.startswith(f"{key},"))
    assert old in lines[index]
    lines[index] = lines[index].replace(old, new, 1)
    file.write_text("".join(lines), encoding="utf-8")


def test_the_stamp_of_a_chapters_reads_changes_only_with_the_rows_it_reads(tmp_path):
    source = 'outcomes = mr.load_outcomes(chapter="x")\nstudies = mr.load_studies(chapter="x")\n'
    root = project_with_chapter(tmp_path, source + "Survival {glue:md}`beta-survival:myst`.")
    before = rows_read(source, root)
    edit_row(root, "outcomes.csv", "alpha-response", ",0.25,", ",0.30,")
    assert rows_read(source, root) == before
    edit_row(root, "outcomes.csv", "beta-survival", ",24.5,", ",25.5,")
    after_value = rows_read(source, root)
    assert after_value != before and "25.5" in after_value
    # a study of a named row is read too: its name is printed beside the number
    edit_row(root, "studies.csv", "beta", "Beta cohort", "Beta registry")
    assert rows_read(source, root) != after_value


def test_the_stamp_of_a_count_changes_when_a_row_is_added_not_when_one_is_edited(tmp_path):
    root = project_with_chapter(tmp_path, "")
    source = 'mr.glue_text("n", mr.count_rows("outcomes"))'
    before = rows_read(source, root)
    edit_row(root, "outcomes.csv", "alpha-response", ",0.25,", ",0.30,")
    assert rows_read(source, root) == before
    outcomes = root / "data" / "outcomes.csv"
    line = next(line for line in outcomes.read_text().splitlines() if line.startswith("alpha-response,"))
    outcomes.write_text(outcomes.read_text() + line.replace("alpha-response", "alpha-response-2", 1) + "\n")
    assert rows_read(source, root) != before
