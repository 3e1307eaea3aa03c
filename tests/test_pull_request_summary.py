"""`make summary`: what a pull request changes in the evidence, pages named by their titles, and each number
shown where What's new says it is."""

import json
import shutil
import subprocess

import pytest

from helpers import ROOT, make_minimal, run_module
from mrcreview.changes import whats_new_markdown
from mrcreview.pull_request_summary import pull_request_changes, working_snapshot


@pytest.fixture
def project(tmp_path):
    project = make_minimal(tmp_path / "project")
    shutil.copy(ROOT / "CITATION.cff", project / "CITATION.cff")
    return project


def two_chapters_show_a_changed_number(project) -> None:
    (project / "book" / "chapter.md").write_text("# A chapter\n\nResponse was {n}`alpha-response`.\n")
    (project / "book" / "second.md").write_text("(sec-second)=\n# The second chapter\n\nAgain {n}`alpha-response`.\n")
    outcomes = project / "data" / "outcomes.csv"
    outcomes.write_text(outcomes.read_text().replace(",0.25,10,40,", ",0.30,12,40,"))


def test_a_number_comes_with_its_arm_and_the_titles_of_the_chapters_that_show_it(project):
    base = working_snapshot(project)
    two_chapters_show_a_changed_number(project)
    changes = pull_request_changes(project, base)
    [number] = changes["numbers_changed"]
    assert (number["id"], number["arm"], number["before"], number["after"]) == ("alpha-response", "arm A", "25%", "30%")
    assert number["shown_in"] == [
        {"page": "chapter", "title": "A chapter"},
        {"page": "second", "title": "The second chapter"},
    ]
    assert changes["chapters_added"] == [{"page": "second", "title": "The second chapter"}]
    assert {"page": "second", "title": "The second chapter"} in changes["pages_affected"]


def test_the_summary_and_whats_new_show_a_number_in_the_same_chapters(project):
    version = (project / "CITATION.cff").read_text().split("\nversion: ")[1].split()[0]
    folder = project / "releases" / version
    folder.mkdir(parents=True)
    for name in ("data/outcomes.csv", "data/studies.csv", "refs.bib"):
        shutil.copy(project / name, folder)
    (folder / "release.json").write_text(json.dumps({"version": version, "date": "2026-11-28"}))
    base = working_snapshot(project)
    two_chapters_show_a_changed_number(project)
    [number] = pull_request_changes(project, base)["numbers_changed"]
    line = next(line for line in whats_new_markdown(root=project).splitlines() if "Alpha trial: response" in line)
    assert line.endswith(" (in {doc}`chapter`, {doc}`second`)"), line
    assert [page["page"] for page in number["shown_in"]] == ["chapter", "second"]


def test_chapters_figures_and_screening_decisions_added_or_removed(project):
    (project / "book" / "old.md").write_text("# An old chapter\n")
    base = working_snapshot(project)
    (project / "book" / "old.md").unlink()
    figures = project / "data" / "figures.csv"
    figures.write_text(figures.read_text().replace("response,forest,Response,", "answer,forest,Answers,"))
    screening = project / "data" / "screening.csv"
    screening.write_text(
        screening.read_text().replace(",excluded,no patients with metastases", ",included,")
        + "other:smith-2025,,,A record from a conference,Smith J,2025,,other-sources,2026-01-06,to screen,\n"
    )
    changes = pull_request_changes(project, base)
    assert changes["chapters_removed"] == [{"page": "old", "title": "An old chapter"}]
    assert changes["figures_added"] == [{"id": "answer", "title": "Answers"}]
    assert changes["figures_removed"] == [{"id": "response", "title": "Response"}]
    assert changes["screening"] == [
        {"record": "pmid:111", "title": "A trial of something", "decision": "included", "reason": ""},
        {"record": "other:smith-2025", "title": "A record from a conference", "decision": "to screen", "reason": ""},
    ]
    assert {"page": "search-and-screening", "title": "search-and-screening"} in changes["pages_affected"]


def git(project, *args: str) -> None:
    identity = ["-c", "user.name=Test", "-c", "user.email=test@example.org", "-c", "commit.gpgsign=false"]
    subprocess.run(["git", *identity, *args], cwd=project, check=True, capture_output=True)


def test_the_command_prints_what_the_comment_shows_against_a_commit(project):
    git(project, "init", "-q", "-b", "main")
    git(project, "add", "-A")
    git(project, "commit", "-q", "-m", "base")
    two_chapters_show_a_changed_number(project)
    result = run_module("summary", "--markdown", "--base=main", cwd=project)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert (
        "- `alpha-response` `response` (`arm A`): `25%` → `30%` — shown in `A chapter`, `The second chapter`" in lines
    )
    assert lines[lines.index("#### Chapters") + 1] == "- added: `The second chapter`"


def test_a_chapter_linked_from_outside_the_project_is_refused_not_summarised(project, tmp_path):
    git(project, "init", "-q", "-b", "main")
    git(project, "add", "-A")
    git(project, "commit", "-q", "-m", "base")
    outside = tmp_path / "outside.txt"
    outside.write_text("# A line of a file outside the project\n", encoding="utf-8")
    (project / "book" / "linked.md").symlink_to(outside)
    result = run_module("summary", "--markdown", "--base=main", cwd=project)
    assert (result.returncode, result.stdout) == (1, "")
    assert "book/linked.md: expected a file inside the project" in result.stderr
    assert "A line of a file outside" not in result.stderr


@pytest.mark.parametrize("base", ["no-such-branch", "--output=written.txt"])
def test_a_base_that_is_no_commit_is_one_line_and_nothing_else(project, base):
    git(project, "init", "-q", "-b", "main")
    result = run_module("summary", "--markdown", f"--base={base}", cwd=project)
    assert (result.returncode, result.stdout) == (1, "")
    assert result.stderr == (
        f"summary: no commit {base!r} to compare with (give BASE=<branch or commit>, e.g. origin/main).\n"
    )
    assert not (project / "written.txt").exists()
