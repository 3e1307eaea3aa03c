"""A page may read into itself, or publish, only files of the repository: each way a MyST page can
name a file, in a small Sphinx project with the book's extension, fails with the page and the file."""

import subprocess
import sys
from pathlib import Path

import pytest

SECRET = "text-of-a-file-outside-the-repository"
CONF = 'extensions = ["myst_parser", "mrcreview.confinement"]\nmyst_enable_extensions = ["colon_fence"]\n'
# Each page names a file in one of the ways the chapter rules do not see; (page, file as named, reason).
PROBES = {
    "rst-include": ("```{eval-rst}\n.. include:: ../../secret.txt\n```\n", "../secret.txt", "outside"),
    "csv-table": ("```{csv-table} A table\n:file: ../../secret.csv\n```\n", "../secret.csv", "outside"),
    "image": ("![a picture](../../secret.png)\n", "../secret.png", "outside"),
    "listed": ("- an item\n\n  ```{literalinclude} ../../secret.txt\n  ```\n", "../secret.txt", "outside"),
    "capitalised": ("```{LiteralInclude} ../../secret.txt\n```\n", "../secret.txt", "outside"),
    "tildes": ("~~~{literalinclude} ../../secret.txt\n~~~\n", "../secret.txt", "outside"),
    "git-config": ("{download}`the settings <../.git/config>`\n", ".git/config", "dot-folder"),
    "linked-data": ("```{literalinclude} ../data/linked.txt\n```\n", "data/linked.txt", "symbolic link"),
    "linked-page": (None, "book/linked-page.md", "symbolic link"),
}
REASONS = {
    "outside": "resolves outside the repository",
    "dot-folder": "is not a source file of the book",
    "symbolic link": "is a symbolic link",
}


def make_project(folder: Path, probes: dict) -> Path:
    """A Sphinx project in folder/project whose book/ holds a page per probe, with the files they name."""
    root = folder / "project"
    (root / "book").mkdir(parents=True)
    (root / "data").mkdir()
    (root / ".git").mkdir()
    (root / "conf.py").write_text(CONF)
    for name in ("secret.txt", "secret.csv"):
        (folder / name).write_text(f"{SECRET}\n")
    (folder / "secret.png").write_bytes(b"\x89PNG\r\n\x1a\n" + SECRET.encode())
    (folder / "secret.md").write_text(f"# A page\n\n{SECRET}\n")
    (root / ".git" / "config").write_text(f"[core]\n\t# {SECRET}\n")
    (root / "data" / "table.txt").write_text("a row of the repository's data\n")
    (root / "data" / "linked.txt").symlink_to(folder / "secret.txt")
    pages = sorted(probes)
    (root / "index.md").write_text("# Probes\n\n```{toctree}\n" + "".join(f"book/{p}\n" for p in pages) + "```\n")
    for page in pages:
        if probes[page][0] is None:
            (root / "book" / f"{page}.md").symlink_to(folder / "secret.md")
        else:
            (root / "book" / f"{page}.md").write_text(f"# {page}\n\n{probes[page][0]}")
    return root


def sphinx_build(root: Path) -> subprocess.CompletedProcess:
    command = [sys.executable, "-m", "sphinx", "-b", "html", "-q", "--keep-going", "-W", str(root), str(root / "_out")]
    return subprocess.run(command, capture_output=True, text=True)


@pytest.fixture(scope="module")
def probed(tmp_path_factory):
    root = make_project(tmp_path_factory.mktemp("confinement"), PROBES)
    return root, sphinx_build(root)


@pytest.mark.parametrize("page", sorted(PROBES))
def test_a_file_from_outside_the_repository_fails_with_the_page_and_the_file(probed, page):
    root, result = probed
    _, named, reason = PROBES[page]
    expected = f"{root}/book/{page}.md: WARNING: {named} {REASONS[reason]}"
    assert result.returncode != 0
    assert any(line.startswith(expected) for line in result.stderr.splitlines()), result.stderr


def test_no_message_repeats_the_content_of_a_file_outside_the_repository(probed):
    _, result = probed
    assert result.stderr.count("WARNING: ") == len(PROBES)  # the warnings are there...
    assert SECRET not in result.stdout + result.stderr  # ...and repeat nothing of the files


def test_the_repositorys_own_files_may_be_read_and_published(tmp_path):
    clean = {
        "table": ("```{literalinclude} ../data/table.txt\n```\n", None, None),
        "download": ("{download}`the table <../data/table.txt>`\n", None, None),
    }
    result = sphinx_build(make_project(tmp_path, clean))
    assert result.returncode == 0, result.stderr
