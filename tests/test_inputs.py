"""Every file the check reads is opened only inside the project, only if regular and of a stated size;
no message repeats where a link points or what is there."""

import os
import shutil
import subprocess
import sys

import pytest

from helpers import module_environment
from mrcreview.cli import run_check
from mrcreview.validation import check_project

# Each file the check reads, releases/ included.
READ = [
    "data/outcomes.csv",
    "data/datapackage.json",
    "refs.bib",
    "CITATION.cff",
    "book/chapter.md",
    "releases/1.0.0/studies.csv",
    "releases/1.0.0/refs.bib",
    "releases/1.0.0/release.json",
]
SECRET = "SECRET_TOKEN=hunter2,x"


@pytest.fixture
def project(minimal_project):
    """The minimal project with a valid snapshot of its release 1.0.0."""
    snapshot = minimal_project / "releases" / "1.0.0"
    snapshot.mkdir(parents=True)
    for name in ("data/outcomes.csv", "data/studies.csv", "refs.bib"):
        shutil.copy(minimal_project / name, snapshot)
    (snapshot / "release.json").write_text('{"version": "1.0.0", "date": "2026-01-01"}\n', encoding="utf-8")
    return minimal_project


def test_the_project_the_cases_start_from_passes_the_check(project):
    # so that each case below is refused for its one change alone
    assert check_project(project) == []


def refused_alone(project, name: str, capsys) -> str:
    """The one line the check prints about name (nothing else is wrong); no secret in anything printed."""
    assert run_check(project) == 1
    printed = capsys.readouterr()
    assert "hunter2" not in printed.err + printed.out
    lines = [line for line in printed.err.splitlines() if line.startswith(f"{name}:")]
    assert len(lines) == 1, printed.err
    return lines[0]


@pytest.mark.parametrize("name", READ)
def test_a_link_out_of_the_project_is_refused_without_its_target_or_content(project, tmp_path, name, capsys):
    outside = tmp_path / "environ"
    outside.write_text(f"{SECRET}\n", encoding="utf-8")
    (project / name).unlink()
    (project / name).symlink_to(outside)
    line = refused_alone(project, name, capsys)
    assert line == f"{name}: expected a file inside the project; found a link or path leading out of it"
    assert str(tmp_path) not in line


@pytest.mark.parametrize("name", READ)
def test_a_link_into_git_is_refused(project, name, capsys):
    # actions/checkout keeps the workflow's token in .git/config
    (project / ".git").mkdir()
    (project / ".git" / "config").write_text(f"[http]\n\textraheader = {SECRET}\n", encoding="utf-8")
    (project / name).unlink()
    (project / name).symlink_to(os.path.relpath(project / ".git" / "config", (project / name).parent))
    line = refused_alone(project, name, capsys)
    assert line == f"{name}: expected a file outside the hidden folders (.git); found a link or path into one"


@pytest.mark.parametrize("folder", ["data", "book", "releases", "releases/1.0.0"])
def test_a_folder_linked_out_of_the_project_is_refused(project, tmp_path, folder, capsys):
    outside = tmp_path / "elsewhere"
    shutil.copytree(project / folder, outside)
    (outside / "secret.txt").write_text(SECRET, encoding="utf-8")
    shutil.rmtree(project / folder)
    (project / folder).symlink_to(outside)
    assert run_check(project) == 1
    printed = capsys.readouterr().err
    assert "hunter2" not in printed and "secret.txt" not in printed and str(tmp_path) not in printed
    assert "expected a file inside the project; found a link or path leading out of it" in printed


@pytest.mark.parametrize("name", READ)
def test_a_folder_in_place_of_a_file_is_refused(project, name, capsys):
    (project / name).unlink()
    (project / name).mkdir()
    assert refused_alone(project, name, capsys) == f"{name}: expected a regular file; found a folder"


@pytest.mark.parametrize("name", READ)
def test_a_named_pipe_is_refused_not_read(project, name, capsys):
    # reading a pipe no one writes to would wait forever
    (project / name).unlink()
    os.mkfifo(project / name)
    assert refused_alone(project, name, capsys) == f"{name}: expected a regular file; found a special file"


LIMITS = {
    "data/outcomes.csv": "10 MB",
    "data/datapackage.json": "1 MB",
    "refs.bib": "10 MB",
    "CITATION.cff": "64 KB",
    "book/chapter.md": "1 MB",
    "releases/1.0.0/studies.csv": "10 MB",
    "releases/1.0.0/refs.bib": "10 MB",
    "releases/1.0.0/release.json": "4 KB",
}


@pytest.mark.parametrize("name", READ)
def test_a_file_over_its_size_limit_is_refused_before_it_is_read(project, name, capsys):
    # 100 MB that take no disk (a sparse file): read, the data file took a minute and 1.5 GB of memory
    with open(project / name, "ab") as file:
        file.truncate(100 * 2**20)
    line = refused_alone(project, name, capsys)
    assert line == f"{name}: expected a file of at most {LIMITS[name]}; found 104,857,600 bytes"


def test_a_chapter_cannot_offer_a_file_of_git_for_download(project, capsys):
    # the build would publish it with the site; in CI, .git/config holds the workflow's token
    (project / ".git").mkdir()
    (project / ".git" / "config").write_text(f"[http]\n\textraheader = {SECRET}\n", encoding="utf-8")
    chapter = project / "book" / "chapter.md"
    chapter.write_text(chapter.read_text(encoding="utf-8") + "\nThe {download}`setup <../.git/config>`.\n")
    assert run_check(project) == 1
    printed = capsys.readouterr().err
    assert "field 'download': expected a file of the project" in printed and "found '../.git/config'" in printed


def test_a_row_of_thousands_of_cells_is_one_problem_not_a_hang(minimal_project):
    searches = minimal_project / "data" / "searches.csv"
    searches.write_text(searches.read_text(encoding="utf-8") + "x" + "," * 20_000 + "\n", encoding="utf-8")
    # a bound on a hang, not a speed target: the check took minutes and gigabytes for this line
    result = subprocess.run(
        [sys.executable, "-m", "mrcreview", "check"],
        cwd=minimal_project,
        env=module_environment(),  # the project is the folder it runs in
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert [line for line in result.stderr.splitlines() if "cells" in line] == [
        f"data/searches.csv, line {len(searches.read_text().splitlines())}: expected 9 cells; found 20001 cells"
    ], result.stderr
