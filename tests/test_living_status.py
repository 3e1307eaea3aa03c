"""The front page's living status says what the data records, and nothing the data does not."""

from pathlib import Path

import markdown_it
import pandas as pd

import mrcreview
from mrcreview.dependencies import answer
from mrcreview.living_status import living_status

REFRESH_COLUMNS = ",make refresh,,,"  # run_by, then an empty run_on and found, in the minimal searches.csv


def lines_of(root: Path) -> dict[str, str]:
    """Each line of the status by the bold word it starts with."""
    status = mrcreview.living_status_markdown(root=root)
    assert all(line.startswith("- **") for line in status.splitlines())
    return {line.split("**")[1]: line for line in status.splitlines()}


def record_a_refresh_run(root: Path, on: str, found: int) -> None:
    searches = root / "data" / "searches.csv"
    text = searches.read_text(encoding="utf-8")
    assert REFRESH_COLUMNS in text
    searches.write_text(text.replace(REFRESH_COLUMNS, f",make refresh,{on},{found},"), encoding="utf-8")


def add_screened(root: Path, *decisions: str) -> None:
    with open(root / "data" / "screening.csv", "a", encoding="utf-8") as log:
        for number, decision in enumerate(decisions, start=200):
            reason = "no patients with metastases" if decision == "excluded" else ""
            log.write(
                f"pmid:{number},{number},,A title,Doe J,2026,J Test,pubmed-living,2026-02-10,{decision},{reason}\n"
            )


def test_before_any_run_the_status_says_the_update_search_has_not_run(minimal):
    status = lines_of(minimal)
    assert "not yet run" in status["Update search"] and "last run" not in status["Update search"]
    assert "from 1 January 2025" in status["Update search"]
    # the source review's search: its window, and that its date and yield are not reported
    review = status["The source review's search"]
    assert "PubMed and Google Scholar" in review and "2000 to 2024" in review
    assert "date it ran is not reported" in review and "records it found" in review
    assert list(status)[:2] == ["The source review's search", "Update search"]


def test_after_a_run_the_status_gives_its_date_what_it_found_and_where_screening_stands(minimal_project):
    record_a_refresh_run(minimal_project, "2026-02-10", 7)
    add_screened(minimal_project, "to screen", "to screen", "included", "excluded")
    update = lines_of(minimal_project)["Update search"]
    # the minimal log's one exclusion was added by hand: 4 logged by the search, 2 to screen, 1 included, 1 excluded
    assert "last run on 10 February 2026, when it found 7 records" in update
    assert "Of the 4 it has added to the screening log, 2 await a decision, 1 were included and 1 excluded" in update
    assert "not yet run" not in update


def test_a_registry_status_typed_by_hand_is_never_called_a_refresh_check(minimal):
    registries = lines_of(minimal)["Trial registries"]
    assert "no status has yet been confirmed at a registry by this review's automated refresh" in registries
    assert "last checked by hand on 15 January 2026: NCT00000001" in registries


def test_a_status_dated_on_a_refresh_run_counts_as_confirmed_by_it(minimal_project):
    record_a_refresh_run(minimal_project, "2026-01-15", 0)
    registries = lines_of(minimal_project)["Trial registries"]
    assert "1 of 1 statuses were last confirmed at ClinicalTrials.gov by this review's automated refresh" in registries
    assert "most recently on 15 January 2026" in registries and "by hand" not in registries


def test_only_an_nct_number_checked_on_the_run_date_counts_as_confirmed(minimal_project):
    """A refresh asks ClinicalTrials.gov only, and a status it could not confirm keeps its old date, even with
    a registry_updated date from an earlier run."""
    record_a_refresh_run(minimal_project, "2026-03-01", 0)
    studies = minimal_project / "data" / "studies.csv"
    text = studies.read_text(encoding="utf-8")
    text = text.replace(",,,\n", ",2026,actual,2026-01-10\n", 1)  # alpha: dates from an earlier refresh
    text = text.replace(",,ongoing,2026-02-01,", ",ISRCTN12345678,ongoing,2026-03-01,", 1)  # beta: on the run date
    studies.write_text(text, encoding="utf-8")
    registries = lines_of(minimal_project)["Trial registries"]
    assert "(2 registered trials)" in registries
    assert "no status has yet been confirmed at a registry by this review's automated refresh" in registries
    assert "last checked by hand on 15 January 2026: NCT00000001" in registries
    assert "last checked by hand on 1 March 2026: ISRCTN12345678" in registries


def test_a_review_registered_with_prospero_is_not_counted_or_called_checked_as_a_trial(minimal_project):
    studies = minimal_project / "data" / "studies.csv"
    studies.write_text(
        studies.read_text().replace(
            "Adults after treatment,,,40,enrolled,,", "Adults after treatment,,,40,enrolled,PROSPERO CRD42017070934,"
        )
    )
    registries = lines_of(minimal_project)["Trial registries"]
    checked, _, not_counted = registries.partition("Not counted:")
    assert "(1 registered trial)" in checked and "PROSPERO" not in checked
    assert "NCT00000001" in checked
    assert "PROSPERO CRD42017070934, the registration of a systematic review, not of a trial" in not_counted
    assert not_counted.endswith("its record is not checked here.")


def test_the_version_and_its_date_come_from_citation_cff(minimal_project):
    assert (
        lines_of(minimal_project)["Version"]
        == "- **Version** 1\\.0\\.0, released on 1 January 2026 (from CITATION.cff)."
    )
    cff = minimal_project / "CITATION.cff"
    cff.write_text(cff.read_text().replace("version: 1.0.0", "version: 1.2.0"))
    assert "1\\.2\\.0" in lines_of(minimal_project)["Version"]


def test_text_from_data_cannot_add_markup(minimal):
    searches = mrcreview.load_searches(root=minimal)
    studies = mrcreview.load_studies(root=minimal)
    # one kind of markup per field, so that each field must be escaped for the page to stay clean
    searches["database"] = "<script>alert(1)</script> {raw}`html <b>x</b>`"
    studies["registry_id"] = "<img src=x onerror=alert(1)>"
    citation = {"version": "**1** <a href='https://example.org'>x</a>", "date-released": "2026-01-01"}
    edited = "<b>x</b> [link](https://example.org)"  # never from data, but escaped all the same
    text = living_status(searches, mrcreview.load_screening(root=minimal), studies, citation, None, edited)
    html = markdown_it.MarkdownIt("commonmark").render(text)
    assert "<script>" not in html and "<img" not in html and "<a " not in html and "<b>x" not in html
    assert "{raw}" not in text.replace("\\{raw\\}", "")  # a MyST role only as escaped text
    assert html.count("<strong>") == 6  # only the status's own labels are bold (six lines)


def test_the_page_is_read_again_when_the_status_changes(minimal_project):
    """The front page records this call: another answer after a refresh run means the page runs again."""
    call = {"call": "living_status_markdown", "module": "mrcreview.living_status", "args": [], "kwargs": {}}
    before = answer(call, minimal_project)
    assert answer(call, minimal_project) == before
    record_a_refresh_run(minimal_project, "2026-02-10", 3)
    assert answer(call, minimal_project) != before


def test_a_reported_search_gives_its_date_and_yield_only_when_its_source_does(minimal):
    searches = mrcreview.load_searches(root=minimal)
    reported = searches["run_by"] != "make refresh"
    searches.loc[reported, "run_on"] = pd.Timestamp("2024-06-30")
    searches.loc[reported, "found"] = 812
    citation = {"version": "1.0.0", "date-released": "2026-01-01"}
    text = living_status(
        searches, mrcreview.load_screening(root=minimal), mrcreview.load_studies(root=minimal), citation
    )
    line = next(line for line in text.splitlines() if "source review's search" in line)
    assert "as the review reports it: it ran on 30 June 2024, and it found 812 records." in line
    assert "not reported" not in line


def test_the_pdf_header_says_how_far_the_literature_was_searched_never_a_registry_check(minimal_project):
    from mrcreview.living_status import literature_searched_to

    searches = mrcreview.load_searches(root=minimal_project)
    assert literature_searched_to(searches) == "literature searched to 2024"  # the source review's window
    record_a_refresh_run(minimal_project, "2026-02-09", 12)
    searches = mrcreview.load_searches(root=minimal_project)
    assert literature_searched_to(searches) == "literature searched to 9 February 2026"


def test_the_next_update_is_the_refresh_workflows_weekly_schedule_or_none(minimal_project, tmp_path):
    status = lines_of(minimal_project)["Next update"]  # the minimal project has no workflow
    assert "no automatic update is scheduled" in status
    workflow = minimal_project / ".github" / "workflows" / "refresh.yml"
    workflow.parent.mkdir(parents=True)
    workflow.write_text('on:\n  schedule:\n    - cron: "41 5 * * 3"\n', encoding="utf-8")
    assert "scheduled weekly, on Wednesdays" in lines_of(minimal_project)["Next update"]
    # a workflow that is a link out of the repository is not read
    outside = tmp_path / "elsewhere.yml"
    outside.write_text('on:\n  schedule:\n    - cron: "0 0 * * 1"\n', encoding="utf-8")
    workflow.unlink()
    workflow.symlink_to(outside)
    assert "no automatic update is scheduled" in lines_of(minimal_project)["Next update"]
