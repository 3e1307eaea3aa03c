"""Every page counts the same rows: the front page, the evidence register and the trial tracker agree with
counts made here straight from the data files."""

import csv
import html
import re

import pytest

import mrcreview
from helpers import ROOT, page

TRIAL_NUMBER = re.compile(r"NCT\d{8}|ISRCTN\d{8}|EudraCT \d{4}-\d{6}-\d{2}")  # PROSPERO registers reviews


def from_the_files() -> dict[str, int]:
    with open(ROOT / "data" / "outcomes.csv", encoding="utf-8") as file:
        outcomes = list(csv.DictReader(file))
    with open(ROOT / "data" / "studies.csv", encoding="utf-8") as file:
        studies = list(csv.DictReader(file))
    held = [s for s in studies if s["study_id"] in {o["study_id"] for o in outcomes}]
    unidentified = sum(s["design"] == "not identified" for s in held)
    return {
        "numbers": len(outcomes),
        "sources": len(held),
        "identified": len(held) - unidentified,
        "unidentified": unidentified,
        "registered_trials": sum(bool(TRIAL_NUMBER.fullmatch(s["registry_id"])) for s in studies),
        "registry_numbers": sum(bool(s["registry_id"]) for s in studies),
    }


def test_the_counts_are_those_of_the_data_files():
    assert mrcreview.dataset_counts(root=ROOT) == from_the_files()


def test_the_register_and_the_tracker_count_the_same_rows_as_the_front_page():
    expected = from_the_files()
    contents = mrcreview.register_contents(root=ROOT)
    assert sum(len(part.studies) for part in contents) == expected["sources"]
    assert sum(len(part.outcome_ids) for part in contents) == expected["numbers"]
    tracker = mrcreview.table_trial_tracker(mrcreview.load_studies(root=ROOT)).splitlines()[2:]
    assert len(tracker) == expected["registered_trials"]


def shown_text(project, name: str) -> str:
    """A built page's words, without markup."""
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", page(project, name))).split())


@pytest.mark.build
def test_the_built_pages_state_the_same_counts(built_project):
    expected = from_the_files()
    numbers, sources = expected["numbers"], expected["sources"]
    front = shown_text(built_project, "index")
    assert f"holds {numbers} reported numbers from {sources} studies and sources" in front
    assert f"{expected['identified']} identified, and {expected['unidentified']} cited by the source review" in front
    assert f"Of these, {expected['registered_trials']} are registered trials" in front
    assert f"The register holds {numbers} numbers from {sources} studies" in shown_text(
        built_project, "evidence-register"
    )
    tracker = shown_text(built_project, "trial-tracker")
    assert f"The {expected['registered_trials']} registered trials" in tracker
    assert f"Every one of the {sources} studies and sources" in tracker
