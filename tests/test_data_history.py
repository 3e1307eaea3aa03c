"""When the data were last edited, from git in a real repository: the last commit that changed data/ or
refs.bib on this history, or why no date is given; never a date git cannot vouch for."""

import os
import re
import shlex
import shutil
import subprocess
from datetime import date
from pathlib import Path

import markdown_it
import pytest
from workflow_steps import read_workflow

import mrcreview
from mrcreview.data_history import last_data_edit
from mrcreview.dependencies import answer
from mrcreview.site import inputs_digest

GIT = shutil.which("git")
OUTSIDE = "not known (built outside a git clone)"
CHANGED = "changed since the last commit"


def git(root: Path, *args: str, when: str = "2026-01-10T09:00:00+01:00") -> str:
    """git in root, as someone whose commits are dated when, with no user or system configuration."""
    environment = {
        "PATH": os.environ["PATH"],
        "HOME": str(root.parent),
        "GIT_CONFIG_NOSYSTEM": "1",
        "GIT_AUTHOR_NAME": "Someone",
        "GIT_AUTHOR_EMAIL": "someone@example.org",
        "GIT_COMMITTER_NAME": "Someone",
        "GIT_COMMITTER_EMAIL": "someone@example.org",
        "GIT_AUTHOR_DATE": when,
        "GIT_COMMITTER_DATE": when,
    }
    result = subprocess.run([GIT, *args], cwd=root, env=environment, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    return result.stdout


def commit(root: Path, when: str, message: str = "an edit") -> None:
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", message, when=when)


@pytest.fixture
def repository(minimal_project) -> Path:
    """The minimal project as a git clone of its own, its whole content committed on 10 January 2026."""
    git(minimal_project, "init", "-q", "-b", "main")
    commit(minimal_project, "2026-01-10T09:00:00+01:00", "first")
    return minimal_project


def edit(root: Path, name: str, line: str) -> None:
    with open(root / name, "a", encoding="utf-8") as file:
        file.write(line)


def status_line(root: Path) -> str:
    """The living status's line on the data's last edit, as a reader sees it (text of the rendered HTML)."""
    status = markdown_it.MarkdownIt("commonmark").render(mrcreview.living_status_markdown(root=root))
    line = next(item for item in re.findall(r"<li>(.*?)</li>", status) if "Data last edited" in item)
    return re.sub(r"<[^>]+>", "", line)


def test_the_date_is_that_of_the_last_commit_that_changed_the_data_or_the_references(repository):
    assert last_data_edit(repository) == date(2026, 1, 10)
    edit(repository, "book/index.md", "\nAnother sentence.\n")
    commit(repository, "2026-02-01T10:00:00+00:00")  # a chapter's edit is not the data's
    assert last_data_edit(repository) == date(2026, 1, 10)
    edit(repository, "refs.bib", "\n")
    commit(repository, "2026-02-05T23:30:00-05:00")  # already 6 February in UTC: the committer's day is kept
    assert last_data_edit(repository) == date(2026, 2, 5)
    edit(repository, "data/searches.csv", "")
    edit(repository, "data/figures.csv", "")
    assert status_line(repository) == (
        "Data last edited on 5 February 2026: the last recorded change to the study data or the references."
    )


def test_data_edited_since_the_last_commit_are_said_to_be_so(repository):
    outcomes = repository / "data" / "outcomes.csv"
    text = outcomes.read_text(encoding="utf-8")
    outcomes.write_text(text.replace("0.", "0.9", 1), encoding="utf-8")
    assert last_data_edit(repository) == CHANGED
    git(repository, "add", "data/outcomes.csv")  # staged is still not committed
    assert last_data_edit(repository) == CHANGED
    git(repository, "reset", "-q")
    outcomes.write_text(text, encoding="utf-8")
    assert last_data_edit(repository) == date(2026, 1, 10)
    (repository / "data" / "notes.txt").write_text("a new file\n", encoding="utf-8")
    assert last_data_edit(repository) == CHANGED
    assert status_line(repository) == "Data last edited: changed since the last commit."
    (repository / "data" / "notes.txt").unlink()
    (repository / "book" / "draft.md").write_text("# Draft\n", encoding="utf-8")  # not the data
    assert last_data_edit(repository) == date(2026, 1, 10)


def test_a_merged_branchs_data_changed_this_history_when_it_was_merged(repository):
    git(repository, "checkout", "-q", "-b", "new-study")
    edit(repository, "refs.bib", "\n")
    commit(repository, "2026-01-20T12:00:00+00:00")
    git(repository, "checkout", "-q", "main")
    edit(repository, "book/index.md", "\nAnother sentence.\n")
    commit(repository, "2026-01-25T12:00:00+00:00")
    git(repository, "merge", "-q", "--no-ff", "-m", "merge", "new-study", when="2026-02-03T12:00:00+00:00")
    assert last_data_edit(repository) == date(2026, 2, 3)


def test_outside_a_clone_of_its_own_or_in_a_shallow_clone_no_date_is_given(repository, tmp_path):
    outer = tmp_path / "outer"
    shutil.copytree(repository, outer / "project", ignore=shutil.ignore_patterns(".git"))
    git(outer, "init", "-q", "-b", "main")
    commit(outer, "2026-01-11T09:00:00+00:00")  # the project is a folder of another repository
    assert last_data_edit(outer / "project") == OUTSIDE
    plain = tmp_path / "plain"
    shutil.copytree(repository, plain, ignore=shutil.ignore_patterns(".git"))
    assert last_data_edit(plain) == OUTSIDE
    assert status_line(plain) == "Data last edited: not known (built outside a git clone)."
    edit(repository, "refs.bib", "\n")
    commit(repository, "2026-01-12T09:00:00+00:00")
    git(tmp_path, "clone", "-q", "--depth", "1", f"file://{repository}", "shallow")
    assert last_data_edit(tmp_path / "shallow") == "not known (built from a clone without its full history)"


def test_a_date_in_the_future_is_never_shown(repository):
    edit(repository, "refs.bib", "\n")
    commit(repository, "2090-01-01T00:00:00+00:00")
    assert last_data_edit(repository) == "not known (git's date of the last change is in the future)"
    assert "2090" not in status_line(repository)


def fake_git(folder: Path, command: str, out: str, err: str, code: int) -> str:
    """A PATH on which `git <command>` prints out and err and exits with code; other commands run git."""
    folder.mkdir()
    answer = f"printf %s {shlex.quote(out)}; printf %s {shlex.quote(err)} >&2; exit {code}"
    script = f'#!/bin/bash\n[[ " $* " == *" {command} "* ]] && {{ {answer}; }}\nexec {GIT} "$@"\n'
    (folder / "git").write_text(script, encoding="utf-8")
    (folder / "git").chmod(0o755)
    return f"{folder}{os.pathsep}{os.environ['PATH']}"


NOT_A_DATE = "not known (git's date of the last change is not a date)"
UNREADABLE = "not known (git could not read the history)"


@pytest.mark.parametrize(
    "command, out, err, code, expected",
    [
        ("log", "yesterday\n", "", 0, NOT_A_DATE),
        ("log", "2026-13-45T00:00:00+00:00\n", "", 0, NOT_A_DATE),  # the shape of a date, not a date
        ("log", "2026-01-10T09:00:00+01:00\n2026-01-11T09:00:00+01:00\n", "", 0, NOT_A_DATE),
        ("log", "2026-01-10 <b>x</b>\n", "", 0, NOT_A_DATE),
        ("log", "2026-01-10\n", "", 0, NOT_A_DATE),  # a day without the time and zone git gives
        ("log", "", "fatal: bad object HEAD", 128, UNREADABLE),
        ("status", "", "fatal: index file corrupt", 128, UNREADABLE),
        ("rev-parse", "one line\n", "", 0, UNREADABLE),
        ("rev-parse", "", "fatal: detected dubious ownership in repository", 128, UNREADABLE),
    ],
)
def test_an_answer_of_git_that_is_not_a_date_or_a_failure_is_never_shown_as_one(
    repository, tmp_path, monkeypatch, command, out, err, code, expected
):
    monkeypatch.setenv("PATH", fake_git(tmp_path / "bin", command, out, err, code))
    assert last_data_edit(repository) == expected
    assert status_line(repository) == f"Data last edited: {expected}."


def test_without_git_the_date_is_not_known(repository, tmp_path, monkeypatch):
    (tmp_path / "empty").mkdir()
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    assert last_data_edit(repository) == "not known (git could not read the history)"


def test_a_git_variable_of_the_environment_does_not_name_another_repository(repository, tmp_path, monkeypatch):
    other = tmp_path / "other"
    other.mkdir()
    git(other, "init", "-q")
    monkeypatch.setenv("GIT_DIR", str(other / ".git"))  # as a hook running the build would have it
    monkeypatch.setenv("GIT_WORK_TREE", str(other))
    assert last_data_edit(repository) == date(2026, 1, 10)


def test_a_commit_that_changes_the_answer_reaches_the_front_page_and_the_builds_shortcut(repository):
    """No file changes when the edited data are committed: the build's digest of its inputs and the front
    page's recorded call must still see another answer, and the same answer when nothing was committed."""
    call = {"call": "living_status_markdown", "module": "mrcreview.living_status", "args": [], "kwargs": {}}
    output = repository / "_build" / "html"
    edit(repository, "data/searches.csv", "")
    (repository / "data" / "notes.txt").write_text("a new file\n", encoding="utf-8")
    dirty_answer, dirty_digest = answer(call, repository), inputs_digest(repository, output)
    assert (answer(call, repository), inputs_digest(repository, output)) == (dirty_answer, dirty_digest)
    commit(repository, "2026-03-04T10:00:00+00:00")
    assert answer(call, repository) != dirty_answer
    assert inputs_digest(repository, output) != dirty_digest
    committed = inputs_digest(repository, output)
    git(repository, "commit", "-q", "--allow-empty", "-m", "nothing", when="2026-03-05T10:00:00+00:00")
    assert inputs_digest(repository, output) == committed  # a commit that leaves the data leaves the build


def test_the_site_ci_publishes_is_built_with_the_whole_history():
    """actions/checkout fetches one commit unless told otherwise: the date would then be not known."""
    checkout = read_workflow("ci.yml")["jobs"]["test"]["steps"][0]
    assert checkout["uses"].startswith("actions/checkout@") and checkout["with"]["fetch-depth"] == 0


def test_a_command_named_in_gits_configuration_is_not_run(repository, tmp_path, monkeypatch):
    """core.fsmonitor names a command `git status` runs: neither the repository's nor a global configuration
    makes the date's lookup run one."""
    ran = tmp_path / "ran"
    hook = f"touch {shlex.quote(str(ran))}; echo"
    git(repository, "config", "core.fsmonitor", hook)
    (tmp_path / "global").write_text(f"[core]\n\tfsmonitor = {hook}\n", encoding="utf-8")
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", str(tmp_path / "global"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path))
    assert last_data_edit(repository) == date(2026, 1, 10)
    assert not ran.exists()
