"""Loading the curated data: types, order, joins, and the evidence date."""

from datetime import date

import pandas as pd

import mrcreview
from helpers import MINIMAL, ROOT


def test_outcomes_are_typed_sorted_and_joined_to_studies():
    outcomes = mrcreview.load_outcomes(MINIMAL)
    assert list(outcomes["outcome_id"]) == ["alpha-hr", "alpha-response", "beta-survival"]
    assert outcomes["value"].dtype == "float64"
    assert outcomes["numerator"].dtype == "Int64"
    response = outcomes.set_index("outcome_id").loc["alpha-response"]
    assert (response["numerator"], response["denominator"]) == (10, 40)
    assert response["short_name"] == "Alpha trial"
    assert pd.isna(outcomes.set_index("outcome_id").loc["alpha-hr", "numerator"])


def test_values_are_also_kept_as_typed():
    outcomes = mrcreview.load_outcomes(MINIMAL).set_index("outcome_id")
    assert outcomes.loc["alpha-hr", "value_text"] == "0.80"
    assert outcomes.loc["alpha-hr", "ci_lower_text"] == "0.60"


def test_evidence_as_of_is_latest_check_date():
    assert mrcreview.evidence_as_of(MINIMAL) == date(2026, 2, 1)


def test_every_outcome_of_the_real_data_belongs_to_a_study():
    outcomes = mrcreview.load_outcomes(ROOT)
    assert outcomes["short_name"].notna().all()


def test_real_data_passes_the_check():
    from mrcreview.validation import check_project

    assert [str(p) for p in check_project(ROOT)] == []
