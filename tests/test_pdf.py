"""The whole book as a PDF, printed by Chromium from a single-page build."""

import re

import pytest

from helpers import copy_project, run_module

pytestmark = pytest.mark.build


def test_pdf_of_the_book_has_every_chapter_and_the_figures(tmp_path):
    project = copy_project(tmp_path / "project")  # the PDF is printed from a single-page build of its own
    result = run_module("pdf", cwd=project)
    assert result.returncode == 0, result.stderr[-2000:]
    pdf = (project / "_build" / "book.pdf").read_bytes()
    assert pdf.startswith(b"%PDF")
    assert len(re.findall(rb"/Type\s*/Page\b", pdf)) >= 15  # one page or more per chapter
    # the single page printed shows the static chart images, not empty chart containers
    single = (project / "_build" / "pdf-work" / "_build" / "singlehtml" / "book" / "index.html").read_text()
    assert single.count('class="chart-static"') >= 6
