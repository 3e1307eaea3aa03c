"""House rules of the repository: lint-clean code, chapters as MyST Markdown, versions that agree."""

import subprocess
import sys
import tomllib
from pathlib import Path

import yaml

from helpers import ROOT
from mrcreview.paths import chapter_files


def test_code_passes_ruff():
    ruff = Path(sys.executable).parent / "ruff"
    result = subprocess.run(
        [ruff, "check", "src", "tests", "bench", "conftest.py"], cwd=ROOT, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stdout


def test_no_notebook_files_in_the_book():
    assert list((ROOT / "book").rglob("*.ipynb")) == []
    tracked = subprocess.run(["git", "ls-files", "*.ipynb"], cwd=ROOT, capture_output=True, text=True).stdout
    assert tracked.strip() == ""


def test_every_chapter_is_in_the_table_of_contents():
    toc = (ROOT / "_toc.yml").read_text(encoding="utf-8")
    for chapter in chapter_files(ROOT):
        assert f"book/{chapter.stem}" in toc, chapter.name
    assert "book/_template" not in toc  # the template is copied, never built


def test_version_agrees_between_pyproject_citation_and_changelog():
    version = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["version"]
    citation = yaml.safe_load((ROOT / "CITATION.cff").read_text())
    assert str(citation["version"]) == version
    assert f"## {version} — {citation['date-released']}" in (ROOT / "CHANGELOG.md").read_text(encoding="utf-8")
