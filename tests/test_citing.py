"""How readers cite a version and a page: an address or DOI only where CITATION.cff records one."""

import json
import shutil

from mrcreview.citing import how_to_cite_markdown, page_citation_html


def release(project, version: str = "1.0.0") -> None:
    """What `make release` leaves: a snapshot of the compared files."""
    folder = project / "releases" / version
    folder.mkdir(parents=True)
    for name in ("data/outcomes.csv", "data/studies.csv", "refs.bib"):
        shutil.copy(project / name, folder)
    (folder / "release.json").write_text(json.dumps({"version": version, "date": "2026-01-01"}))


def test_a_version_without_a_recorded_doi_or_address_is_cited_without_one(minimal_project):
    text = how_to_cite_markdown(root=minimal_project)
    assert "Version 1\\.0\\.0, released 2026\\-01\\-01." in text
    assert "doi.org" not in text and "doi     =" not in text and "https://" not in text
    assert "No permanent address or DOI has been recorded" in text


def test_a_recorded_doi_and_address_are_given_in_the_citation_and_its_bibtex(minimal_project):
    cff = minimal_project / "CITATION.cff"
    cff.write_text(cff.read_text() + "doi: 10.5281/zenodo.1234567\nurl: https://review.example.org/book/\n")
    text = how_to_cite_markdown(root=minimal_project)
    citation, bibtex = text.split("```bibtex\n")[0], text.split("```bibtex\n")[1].split("```")[0]
    assert "<https://doi.org/10.5281/zenodo.1234567>" in citation and "<https://review.example.org/book/>" in citation
    assert "doi     = {10.5281/zenodo.1234567}" in bibtex and "url     = {https://review.example.org/book/}" in bibtex
    assert "No permanent address" not in text
    # the source review's DOI, among CITATION.cff's references, is not this work's
    cff.write_text(cff.read_text().replace("doi: 10.5281/zenodo.1234567\n", "") + "references:\n  - doi: 10.1/x\n")
    assert "doi.org" not in how_to_cite_markdown(root=minimal_project)


def test_changes_since_the_release_are_said_to_be_beyond_it(minimal_project):
    release(minimal_project)
    assert "since version" not in how_to_cite_markdown(root=minimal_project)
    outcomes = minimal_project / "data" / "outcomes.csv"
    outcomes.write_text(outcomes.read_text().replace(",0.25,10,40,", ",0.30,12,40,"))
    assert "corrections and additions made since version 1\\.0\\.0" in how_to_cite_markdown(root=minimal_project)


def test_a_page_is_cited_by_its_title_version_address_and_the_day_it_was_read(minimal_project):
    cff = minimal_project / "CITATION.cff"
    cff.write_text(cff.read_text().replace('"Test contributors"', '"Test <b>contributors</b>"'))
    cite = page_citation_html(minimal_project, "What’s <new>")
    assert "Test &lt;b&gt;contributors&lt;/b&gt;. What’s &lt;new&gt;. In: <i>A minimal project" in cite
    assert "version 1.0.0." in cite
    # the reader's browser fills these in (cite-page.js); without script, they ask the reader
    assert '<span data-cite="address">[the address of this page]</span>' in cite
    assert '<span data-cite="accessed">[the date you read it]</span>' in cite
