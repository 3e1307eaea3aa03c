"""Loading the curated data: types, order and joins."""

import pandas as pd
import pytest

import mrcreview
from helpers import ROOT
from mrcreview.numbers import format_value


def test_outcomes_are_typed_sorted_and_joined_to_studies(minimal):
    outcomes = mrcreview.load_outcomes(root=minimal)
    assert list(outcomes["outcome_id"]) == ["alpha-hr", "alpha-response", "beta-survival"]
    assert outcomes["value"].dtype == "float64"
    assert outcomes["numerator"].dtype == "Int64"
    response = outcomes.set_index("outcome_id").loc["alpha-response"]
    assert (response["numerator"], response["denominator"]) == (10, 40)
    assert response["short_name"] == "Alpha trial"
    assert pd.isna(outcomes.set_index("outcome_id").loc["alpha-hr", "numerator"])


def test_values_are_also_kept_as_typed(minimal):
    outcomes = mrcreview.load_outcomes(root=minimal).set_index("outcome_id")
    assert outcomes.loc["alpha-hr", "value_text"] == "0.80"
    assert outcomes.loc["alpha-hr", "ci_lower_text"] == "0.60"


def test_a_file_edited_in_place_is_loaded_anew(minimal_project):
    # Loaded tables are kept per file content: an edit that keeps the file's size and happens within
    # the same clock tick must still be seen, by the whole table and by one row.
    before = mrcreview.load_outcomes(root=minimal_project).set_index("outcome_id")
    outcomes = minimal_project / "data" / "outcomes.csv"
    outcomes.write_text(outcomes.read_text(encoding="utf-8").replace(",0.80,", ",0.81,"), encoding="utf-8")
    after = mrcreview.load_outcomes(root=minimal_project).set_index("outcome_id")
    assert (before.loc["alpha-hr", "value"], after.loc["alpha-hr", "value"]) == (0.80, 0.81)
    assert "0.81" in mrcreview.number_text("alpha-hr", root=minimal_project)


def test_a_loaded_table_changed_by_its_caller_leaves_the_next_load_as_it_was(minimal):
    loaded = mrcreview.load_outcomes(root=minimal)
    loaded.loc[0, "outcome"] = "changed by a chapter"
    assert "changed by a chapter" not in set(mrcreview.load_outcomes(root=minimal)["outcome"])


def test_every_outcome_of_the_real_data_belongs_to_a_study():
    outcomes = mrcreview.load_outcomes(root=ROOT)
    assert outcomes["short_name"].notna().all()


def test_real_data_passes_the_check():
    from mrcreview.validation import check_project

    assert [str(p) for p in check_project(ROOT)] == []


def test_named_rows_come_in_the_order_asked_with_their_study(minimal):
    outcomes = mrcreview.load_outcomes("beta-survival", "alpha-hr", root=minimal)
    assert list(outcomes["outcome_id"]) == ["beta-survival", "alpha-hr"]
    assert list(outcomes["short_name"]) == ["Beta cohort", "Alpha trial"]
    assert list(mrcreview.load_studies("beta", root=minimal)["study_id"]) == ["beta"]


def test_an_unknown_id_is_an_error_that_names_the_file(minimal):
    with pytest.raises(KeyError, match="outcomes.csv: alpha-hr-2"):
        mrcreview.load_outcomes("alpha-hr", "alpha-hr-2", root=minimal)
    with pytest.raises(KeyError, match="studies.csv: gamma"):
        mrcreview.load_studies("gamma", root=minimal)


def test_number_text_is_the_number_as_the_book_prints_it(minimal):
    outcomes = mrcreview.load_outcomes(root=minimal).set_index("outcome_id")
    assert outcomes.loc["alpha-response", "value_text"] == "0.25"
    assert mrcreview.number_text("alpha-response", root=minimal) == "25%"
    assert mrcreview.number_text("alpha-hr", root=minimal).startswith("HR 0.80 (95% CI 0.60")


def test_a_figure_comes_with_the_rows_it_shows(minimal):
    figure, rows = mrcreview.load_figure("response", root=minimal)
    assert (figure["chart"], figure["title"]) == ("forest", "Response")
    assert list(rows["outcome_id"]) == ["alpha-response"] and rows["short_name"].iloc[0] == "Alpha trial"


def test_count_rows_counts_a_data_file(minimal):
    assert mrcreview.count_rows("outcomes", root=minimal) == 3
    assert mrcreview.count_rows("studies", root=minimal) == 2


def test_a_number_placed_in_prose_reads_as_its_row_does_in_tables():
    # number_text looks a row up instead of cutting a table: both must print every row alike
    outcomes = mrcreview.load_outcomes(root=ROOT)
    for outcome_id in outcomes["outcome_id"]:
        row = mrcreview.load_outcomes(outcome_id, root=ROOT).iloc[0]
        assert mrcreview.number_text(outcome_id, root=ROOT) == format_value(row), outcome_id
    with pytest.raises(KeyError, match="outcome_id not in data/outcomes.csv: no-such-row"):
        mrcreview.number_text("no-such-row", root=ROOT)
