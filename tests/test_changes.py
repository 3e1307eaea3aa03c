"""The What's new page is computed from the release snapshots kept in releases/, without git."""

import json
import re
import shutil

import pytest

from helpers import ROOT, make_minimal
from mrcreview.changes import whats_new_markdown


def unescaped(markdown: str) -> str:
    """The text a reader sees of escaped Markdown."""
    return re.sub(r"\\(.)", r"\1", markdown)


def snapshot(project, version: str, date: str) -> None:
    """What `make release` records: the compared files as they are now."""
    folder = project / "releases" / version
    folder.mkdir(parents=True)
    for name in ("data/outcomes.csv", "data/studies.csv", "refs.bib"):
        shutil.copy(project / name, folder)
    (folder / "release.json").write_text(json.dumps({"version": version, "date": date}))


@pytest.fixture
def project(tmp_path):
    project = make_minimal(tmp_path / "project")
    shutil.copy(ROOT / "CITATION.cff", project / "CITATION.cff")  # version 0.1.0 or later
    return project


def test_a_version_not_yet_released_says_so(project):
    assert "is not released yet" in whats_new_markdown(root=project)


def test_the_first_release_says_all_its_evidence_was_new(project):
    version = (project / "CITATION.cff").read_text().split("\nversion: ")[1].split()[0]
    snapshot(project, version, "2026-11-28")
    page = whats_new_markdown(root=project)
    assert "was the first: all the evidence in it was new" in page
    assert "No number, study or reference changed since this release" in page


def test_changes_since_the_release_are_listed(project):
    version = (project / "CITATION.cff").read_text().split("\nversion: ")[1].split()[0]
    snapshot(project, version, "2026-11-28")
    (project / "book" / "chapter.md").write_text("Response was {n}`alpha-response`.\n")
    outcomes = project / "data" / "outcomes.csv"
    text = outcomes.read_text().replace(",0.25,10,40,", ",0.30,12,40,")
    text += "beta-new,beta,all,relapse,,,0.5,,,proportion,,,,jones2021beta,table 3,\n"
    outcomes.write_text(text)
    studies = project / "data" / "studies.csv"
    studies.write_text(studies.read_text().replace(",ongoing,2026-02-01,", ",completed,2026-03-01,"))
    bib = project / "refs.bib"
    bib.write_text(
        bib.read_text()
        + "\n@misc{new2026ref,\n author={A}, title={B}, year={2026}, publisher={P}, url={https://example.org}\n}\n"
    )

    page = whats_new_markdown(root=project)
    since = unescaped(page[: page.index("## In release")])
    # 10/40 = 25% became 12/40 = 30%, named by study, outcome, arm and time point, in the chapter that
    # places it, listed under its source
    assert "- Changed, {cite:p}`smith2020alpha`:\n  - Alpha trial: response, arm A, 3 months, 25% → 30%" in since
    assert "{doc}`chapter`" in since.split("Alpha trial: response")[1].splitlines()[0]
    assert "- Added, {cite:p}`jones2021beta`:\n  - Beta cohort: relapse, all, 50%" in since
    assert "Status of Beta cohort: ongoing → completed (checked 2026-03-01)" in since
    assert "Reference added: {cite:p}`new2026ref`" in since
    assert "alpha-hr" not in page  # unchanged rows are not listed


def test_numbers_from_one_source_are_listed_under_one_citation(project):
    version = (project / "CITATION.cff").read_text().split("\nversion: ")[1].split()[0]
    snapshot(project, version, "2026-11-28")
    bib = project / "refs.bib"
    bib.write_text(bib.read_text() + "\n@misc{new2026ref,\n author={A}, title={B}, year={2026}, publisher={P}\n}\n")
    outcomes = project / "data" / "outcomes.csv"
    added = [f"beta-new-{n},beta,all,relapse {n},,,0.{n},,,proportion,,,,new2026ref,table 3,\n" for n in (1, 2, 3)]
    outcomes.write_text(outcomes.read_text() + "".join(added))
    since = whats_new_markdown(root=project).split("## In release")[0]
    # the new source is cited once, above its numbers, and not again as a reference added
    assert since.count("{cite:p}`new2026ref`") == 1
    group = unescaped(since.split("- Added, {cite:p}`new2026ref`:\n")[1]).splitlines()[:3]
    assert group == [f"  - Beta cohort: relapse {n}, all, {n}0%" for n in (1, 2, 3)]


def test_whats_new_names_numbers_and_references_never_by_their_ids(project):
    """Readers see a removed number as its study and outcome and a removed reference by its title: an
    outcome_id, a study_id or a BibTeX key means nothing to them."""
    version = (project / "CITATION.cff").read_text().split("\nversion: ")[1].split()[0]
    snapshot(project, version, "2026-11-28")
    outcomes = project / "data" / "outcomes.csv"
    outcomes.write_text("".join(line for line in outcomes.read_text().splitlines(True) if "beta-survival" not in line))
    bib = project / "refs.bib"
    released = project / "releases" / version / "refs.bib"
    gone = "\n@misc{gone2019ref,\n author={A}, title={{A Withdrawn Cohort}}, year={2019}\n}\n"
    released.write_text(released.read_text() + gone)
    since = unescaped(whats_new_markdown(root=project).split("## In release")[0])
    assert "- Removed: Beta cohort: median survival, all" in since
    assert "- Reference removed: A Withdrawn Cohort" in since
    assert "beta-survival" not in since and "gone2019ref" not in since
    assert "gone2019ref" not in bib.read_text()  # removed since the release


def test_a_pull_request_names_the_register_pages_it_changes(project):
    from mrcreview.pull_request_summary import pull_request_changes, working_snapshot

    base = working_snapshot(project)
    outcomes = project / "data" / "outcomes.csv"
    outcomes.write_text(outcomes.read_text().replace(",0.25,10,40,", ",0.30,12,40,"))
    # a corrected value changes the page of its study (Alpha trial: A-C), not the register's first page
    pages = [page["page"] for page in pull_request_changes(project, base)["pages_affected"]]
    assert "evidence-register-a-c" in pages and "whats-new" in pages
    assert "evidence-register" not in pages and "evidence-register-s-z" not in pages
    # a study renamed from B to Z moves its entries: both pages change, and the first page, which lists it
    studies = project / "data" / "studies.csv"
    studies.write_text(studies.read_text().replace("Beta cohort", "Zeta cohort"))
    pages = [page["page"] for page in pull_request_changes(project, base)["pages_affected"]]
    assert {"evidence-register", "evidence-register-a-c", "evidence-register-s-z"} <= set(pages)


def test_a_pull_requests_comment_shows_its_chapter_names_and_values_as_literal_text(project, tmp_path):
    """From the data to the comment: an outcome's name and a chapter's file name that mention, reference,
    link and reverse the text are, in the comment, code that shows them (the changes as JSON, as ci.yml
    hands them to preview.yml)."""
    from mrcreview.pull_request_comment import comment
    from mrcreview.pull_request_summary import pull_request_changes, working_snapshot

    base = working_snapshot(project)
    hostile = "@octocat fixes #1 \\@team ![x](https://evil.example/x.png) abc\u202edef"
    chapter = project / "book" / f"{hostile.replace('/', '-')}.md"
    for page in (chapter, project / "book" / "chapter.md"):
        page.write_text("Response was {n}`alpha-response`.\n")
    outcomes = project / "data" / "outcomes.csv"
    text = outcomes.read_text().replace(",0.25,10,40,", ",0.30,12,40,")
    outcomes.write_text(text.replace(",response,", f",{hostile.replace(',', ' ')},"))
    changes = pull_request_changes(project, base)
    [number] = changes["numbers_changed"]
    assert number["outcome"] == hostile and number["before"] == "25%" and number["after"] == "30%"
    assert {"page": chapter.stem, "title": chapter.stem} in number["shown_in"]  # a chapter without a title

    pr_info = tmp_path / "pr-info"
    pr_info.mkdir()
    (pr_info / "changes.json").write_text(json.dumps(changes))
    markdown = comment(pr_info, "https://review-org.github.io/mrcreview/pr-preview/pr-7", "")
    line = next(line for line in markdown.splitlines() if "alpha-response" in line)
    shown = "@octocat fixes #1 \\@team ![x](https://evil.example/x.png) abc<U+202E>def"
    assert line == (
        f"- `alpha-response` `{shown}` (`arm A`): `25%` → `30%` — shown in `{shown.replace('/', '-')}`, "
        "[`chapter`](https://review-org.github.io/mrcreview/pr-preview/pr-7/book/chapter.html)"
    )
