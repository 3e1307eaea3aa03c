"""Chapter code cells meet the package's ruff settings, reported on the chapter's own lines."""

import subprocess
import sys
from pathlib import Path

import pytest

from helpers import ROOT, run_module
from mrcreview.chapter_text import code_cells
from mrcreview.paths import chapter_files

RUFF = Path(sys.executable).parent / "ruff"


def cells_on_their_lines(source: str) -> str:
    """The chapter's code, each line where it stands in the chapter and blank lines elsewhere, so a
    finding's line number is the chapter's."""
    lines = [""] * (source.count("\n") + 1)
    for start, code in code_cells(source):
        for offset, line in enumerate(code.split("\n")):
            lines[start - 1 + offset] = line
    return "\n".join(lines)


@pytest.mark.parametrize("chapter", chapter_files(ROOT), ids=lambda p: p.name)
def test_chapter_code_passes_ruff(chapter):
    code = cells_on_their_lines(chapter.read_text(encoding="utf-8"))
    # I001 (import sorting) is off: a chapter has exactly one import (the check enforces it), and the
    # prose between cells shows up as blank lines isort would want removed.
    result = subprocess.run(
        [
            str(RUFF),
            "check",
            "--extend-ignore",
            "I001",
            "--output-format",
            "concise",
            "--stdin-filename",
            f"{chapter}.py",
            "-",
        ],
        input=code,
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    assert result.returncode == 0, result.stdout


def test_a_finding_points_at_the_chapter_line(tmp_path):
    source = "# A chapter\n\nProse.\n\n```{code-cell} ipython3\n:tags: [remove-cell]\n"
    source += "import mrcreview as mr\nunused = 1 +\n```\n"
    code = cells_on_their_lines(source)
    assert code.split("\n")[7] == "unused = 1 +"  # line 8 of the chapter
    result = subprocess.run(
        [str(RUFF), "check", "--output-format", "concise", "--stdin-filename", "x.py", "-"],
        input=code,
        capture_output=True,
        text=True,
        cwd=tmp_path,
    )
    assert "x.py:8:" in result.stdout


def test_the_chapter_template_with_its_placeholders_filled_passes_the_check(minimal_project):
    template = (ROOT / "book" / "_template.md").read_text(encoding="utf-8")
    # as left in the repository, every placeholder is refused, each on its own line
    (minimal_project / "book" / "new-topic.md").write_text(template, encoding="utf-8")
    refused = run_module("check", cwd=minimal_project)
    assert refused.returncode == 1
    for placeholder in ("'outcome-id'", "'citation-key'", "'figure-id'"):
        assert placeholder in refused.stderr, placeholder
    filled = (
        template.replace("outcome-id", "alpha-response")
        .replace("citation-key", "smith2020alpha")
        .replace("figure-id", "response")
        .replace("ghalehtaki2025", "jones2021beta")
    )
    (minimal_project / "book" / "new-topic.md").write_text(filled, encoding="utf-8")
    result = run_module("check", cwd=minimal_project)
    assert result.returncode == 0, result.stderr
