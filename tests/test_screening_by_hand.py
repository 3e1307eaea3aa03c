"""Records a reviewer adds to the screening log by hand, from other sources: held to the same rules as the
records the update search finds, and counted in a PRISMA box of their own."""

import xml.etree.ElementTree as ElementTree

from test_prisma import boxes

import mrcreview
from mrcreview.prisma import prisma_flow_svg
from mrcreview.validation import check_project

HEADER = "record_id,pmid,doi,title,first_author,year,journal,search_id,found_on,decision,reason,citation_key\n"
# the example of the contributors' guide: a congress abstract with neither PMID nor DOI, included
BY_HAND = [
    "other:smith-2025-alpha,,,The alpha trial at a congress,Smith A,2025,,other-sources,2026-01-06,included,,"
    "smith2020alpha\n",
    "doi:10.1000/beta.2,,10.1000/beta.2,A letter on beta,Jones C,2025,,other-sources,2026-01-07,excluded,a letter,\n",
]


def before_the_update_search_has_run(project) -> None:
    searches = (project / "data" / "searches.csv").read_text()
    assert ",make refresh,,," in searches  # the minimal project's update search has not run
    (project / "data" / "screening.csv").write_text(HEADER + "".join(BY_HAND))


def test_a_record_added_by_hand_passes_the_check_before_any_search_has_run(minimal_project):
    before_the_update_search_has_run(minimal_project)
    assert [str(p) for p in check_project(minimal_project)] == []


def test_records_from_other_sources_are_counted_apart_and_nothing_says_the_search_found_0(minimal_project):
    before_the_update_search_has_run(minimal_project)
    searches = mrcreview.load_searches(root=minimal_project)
    screening = mrcreview.load_screening(root=minimal_project)
    run = mrcreview.update_search_run(searches)
    counts = mrcreview.prisma_counts(searches, screening)
    assert not run and (counts["identified"], counts["other"], counts["removed"]) == (0, 2, 0)
    table = mrcreview.table_prisma(counts, screening, run)
    assert "| Identification | Records found by the update searches | not yet run |" in table
    assert "| Identification | Records from other sources, added by hand | 2 |" in table
    svg = prisma_flow_svg(counts, run)
    drawn = boxes(svg)
    assert drawn[0] == "Records found by the update searches (not yet run)"
    assert drawn[2] == "Records from other sources, added by hand (n = 2)"
    assert drawn[3] == "Records logged for screening (n = 2)"
    description = ElementTree.fromstring(svg).find("{http://www.w3.org/2000/svg}desc").text
    assert description == (
        "The update searches have not run yet. 2 records from other sources, added by hand; 2 logged for "
        "screening, of which 0 await a decision and 2 were screened; 1 excluded and 1 included."
    )
