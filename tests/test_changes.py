"""The What's new page is computed from git: a synthetic release and a change drive it."""

import shutil
import subprocess

import pytest

from helpers import ROOT, make_minimal
from mrcreview.changes import whats_new_markdown


def git(project, *args):
    subprocess.run(["git", *args], cwd=project, check=True, capture_output=True)


@pytest.fixture
def released_project(tmp_path):
    project = make_minimal(tmp_path / "project")
    shutil.copy(ROOT / "CITATION.cff", project / "CITATION.cff")
    git(project, "init", "-q")
    git(project, "-c", "user.name=t", "-c", "user.email=t@example.org", "add", "-A")
    git(project, "-c", "user.name=t", "-c", "user.email=t@example.org", "commit", "-qm", "release")
    git(project, "tag", "v0.0.1")
    return project


def test_first_release_has_no_baseline(tmp_path):
    project = make_minimal(tmp_path / "project")
    shutil.copy(ROOT / "CITATION.cff", project / "CITATION.cff")
    assert "is the first release" in whats_new_markdown(root=project)


def test_changes_since_release_are_listed(released_project):
    project = released_project
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
    assert "since release v0\\.0\\.1" in page
    # 10/40 = 25% became 12/40 = 30%, in the chapter that places it
    assert "Changed: `alpha-response` response, 25\\% → 30\\%" in page
    assert "{doc}`chapter`" in page.split("Changed: `alpha-response`")[1].splitlines()[0]
    assert "Added: `beta-new` relapse, 50\\%" in page
    assert "Status of Beta cohort: ongoing → completed (checked 2026\\-03\\-01)" in page
    assert "Added: {cite:p}`new2026ref`" in page
    assert "alpha-hr" not in page  # unchanged rows are not listed
