"""The whole book as a PDF, printed by Chromium from a single-page build of the site's own saved state."""

import re

import pytest

from helpers import run_module, site_digest

pytestmark = pytest.mark.build


def test_pdf_of_the_book_has_every_chapter_the_figures_and_the_latest_numbers(rebuildable_project):
    project = rebuildable_project
    outcomes = project / "data" / "outcomes.csv"
    outcomes.write_text(outcomes.read_text(encoding="utf-8").replace(",0.476,", ",0.512,"), encoding="utf-8")
    result = run_module("pdf", cwd=project)
    assert result.returncode == 0, result.stderr[-2000:]
    pdf = (project / "_build" / "book.pdf").read_bytes()
    assert pdf.startswith(b"%PDF")
    assert len(re.findall(rb"/Type\s*/Page\b", pdf)) >= 15  # one page or more per chapter
    single = (project / "_build" / "pdf-work" / "_build" / "singlehtml" / "book" / "index.html").read_text()
    # the single page printed shows the static chart images, not empty chart containers
    assert single.count('class="chart-static"') >= 6
    # the edit made before `make pdf` is printed: the site was built first, and the PDF written from it
    assert "51.2%" in single and "47.6%" not in single.replace("47.6% → 51.2%", "")
    assert "51.2%" in (project / "_build" / "html" / "book" / "organ-preservation.html").read_text()
    # no chapter ran twice: the single page was written from what the site's build had read and executed
    assert "Executing notebook" not in (project / "_build" / "pdf.log").read_text(encoding="utf-8")


def test_no_pdf_when_the_site_does_not_build(rebuildable_project):
    project = rebuildable_project
    site = site_digest(project / "_build" / "html")
    chapter = project / "book" / "rationale.md"
    failing = "\n```{code-cell} ipython3\nraise ValueError('a cell that raises')\n```\n"
    chapter.write_text(chapter.read_text(encoding="utf-8") + failing, encoding="utf-8")
    result = run_module("pdf", cwd=project)
    assert result.returncode == 1
    assert result.stderr.splitlines()[-1] == "pdf: the site did not build; no PDF was written."
    assert not (project / "_build" / "book.pdf").exists()
    assert site_digest(project / "_build" / "html") == site
