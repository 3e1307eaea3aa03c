"""The whole book as a PDF, printed by Chromium from a single-page build of the site's own saved state.

The PDF is made once for the module (each build takes minutes), after an edit of the data; the tests read
the PDF file itself with pypdf, not the HTML it was printed from."""

import csv
import re
import shutil
import unicodedata

import pytest
import yaml
from pypdf import PdfReader

from helpers import ROOT, run_module, site_digest

pytestmark = pytest.mark.build

SINGLE_PAGE = "_build/pdf-work/_build/singlehtml/book/index.html"


@pytest.fixture(scope="module")
def printed(rebuildable, tmp_path_factory):
    """`make pdf` run once, after an edit of outcomes.csv: its result, and what it wrote, kept."""
    kept = tmp_path_factory.mktemp("printed")
    with rebuildable() as project:
        outcomes = project / "data" / "outcomes.csv"
        outcomes.write_text(outcomes.read_text(encoding="utf-8").replace(",0.476,", ",0.512,"), encoding="utf-8")
        result = run_module("pdf", cwd=project)
        for name in ("_build/book.pdf", "_build/pdf.log", SINGLE_PAGE, "_build/html/book/organ-preservation.html"):
            if (project / name).exists():
                shutil.copy(project / name, kept / name.replace("/", "_"))
    assert result.returncode == 0, result.stderr[-2000:]
    return kept


@pytest.fixture(scope="module")
def pdf(printed) -> PdfReader:
    return PdfReader(printed / "_build_book.pdf")


def words(text: str) -> str:
    """Text as a reader reads it: ligatures (ﬁ) as letters, curly apostrophes straight, one space between words."""
    return " ".join(unicodedata.normalize("NFKC", text).replace("\u2019", "'").split())


@pytest.fixture(scope="module")
def read(pdf) -> tuple[list[str], list[tuple[float, str, int]]]:
    """The PDF read once: each page's text, and each run of text with its size on paper in points and its
    page. The size is the font size times the vertical scale of the text matrix and of the current matrix
    (Chromium draws CSS pixels into points through the latter)."""
    pages, runs = [], []
    for number, page in enumerate(pdf.pages, 1):

        def visit(text, cm, tm, font, size, number=number):
            if text.strip():
                scale = (tm[2] ** 2 + tm[3] ** 2) ** 0.5 * (cm[2] ** 2 + cm[3] ** 2) ** 0.5
                runs.append((size * scale, text, number))

        pages.append(words(page.extract_text(visitor_text=visit)))
    return pages, runs


@pytest.fixture(scope="module")
def pages(read) -> list[str]:
    return read[0]


@pytest.fixture(scope="module")
def printed_sizes(read) -> list[tuple[float, str, int]]:
    return read[1]


def chapters() -> list[tuple[int | None, str]]:
    """Each chapter's number as the site numbers it (_toc.yml: numbered parts, counted on across parts) and
    the title its file gives it."""
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text(encoding="utf-8"))
    found, number = [], 0
    for part in toc["parts"]:
        for chapter in part["chapters"]:
            text = (ROOT / f"{chapter['file']}.md").read_text(encoding="utf-8")
            title = words(next(line[2:] for line in text.splitlines() if line.startswith("# ")))
            number += 1 if part.get("numbered") else 0
            found.append((number if part.get("numbered") else None, title))
    return found


def test_pdf_of_the_book_has_every_chapter_the_figures_and_the_latest_numbers(printed, pdf):
    assert (printed / "_build_book.pdf").read_bytes().startswith(b"%PDF")
    assert len(pdf.pages) >= 15  # one page or more per chapter
    single = (printed / SINGLE_PAGE.replace("/", "_")).read_text(encoding="utf-8")
    # the single page printed shows the static chart images, not empty chart containers
    assert single.count('class="chart-static"') >= 6
    # the edit made before `make pdf` is printed: the site was built first, and the PDF written from it
    assert "51.2%" in single and "47.6%" not in single.replace("47.6% → 51.2%", "")
    assert "51.2%" in (printed / "_build_html_book_organ-preservation.html").read_text(encoding="utf-8")
    # no chapter ran twice: the single page was written from what the site's build had read and executed
    assert "Executing notebook" not in (printed / "_build_pdf.log").read_text(encoding="utf-8")


def test_chapter_headings_carry_the_numbers_the_site_gives_them(printed_sizes):
    # headings only: text printed larger than the body's 12 pt (the contents list is body text)
    headings = words(" ".join(text for size, text, _ in printed_sizes if size > 16))
    numbered = [(number, title) for number, title in chapters() if number]
    assert len(numbered) >= 15
    for number, title in numbered:
        assert f"{number}. {title}" in headings, (number, title)
    unnumbered = [title for number, title in chapters() if number is None]
    assert {"Summary of findings", "Data appendix"} <= set(unnumbered)
    for title in unnumbered:  # the summary, and the part for contributors, as on the site
        assert title in headings and not re.search(rf"\d\. {re.escape(title)}", headings), title


def test_every_page_has_the_running_header_and_its_number(pages):
    version = yaml.safe_load((ROOT / "CITATION.cff").read_text(encoding="utf-8"))["version"]
    for number, text in enumerate(pages, 1):
        assert "Radiotherapy and organ preservation in metastatic rectal cancer" in text, number
        assert re.search(rf"Version {re.escape(str(version))} · literature searched to \d{{4}}", text), number
        assert f"Page {number} of {len(pages)}" in text, number


def test_no_text_is_printed_below_8_pt_charts_included_and_none_asks_to_hover(printed_sizes, pages):
    runs = printed_sizes
    # chart text is text in the PDF: Chromium draws each chart's static SVG with its fonts, not as paths
    titles = [row["title"] for row in csv.DictReader((ROOT / "data" / "figures.csv").open(encoding="utf-8"))]
    drawn = words(" ".join(text for _, text, _ in runs))
    assert all(title in drawn for title in titles)
    assert any(text.strip() == "Proportion (%)" for _, text, _ in runs)  # an axis title
    smallest = min(runs)
    assert round(smallest[0], 1) >= 8, smallest  # the running header is 8 pt exactly
    assert not [number for number, text in enumerate(pages, 1) if "hover" in text.lower()]


def test_each_figure_caption_is_on_the_page_of_its_chart(pages):
    titles = [row["title"] for row in csv.DictReader((ROOT / "data" / "figures.csv").open(encoding="utf-8"))]
    captions = 0
    for number, text in enumerate(pages, 1):
        for caption in re.finditer(r"Fig\. (\d+\.\d+) [A-Z]", text):  # a caption, not a reference in the text
            captions += 1
            # the chart's title is drawn above its caption, on the same page
            assert any(title in text[: caption.start()] for title in titles), (number, caption.group(1))
    assert captions >= len(titles)


def test_links_lead_to_the_web_or_to_places_in_the_book(pdf):
    to_web, in_book, others = 0, 0, []
    for page in pdf.pages:
        for link in (annotation.get_object() for annotation in page.get("/Annots") or []):
            if link.get("/Subtype") != "/Link":
                continue
            action = link["/A"].get_object() if "/A" in link else None
            if action is None:
                in_book += "/Dest" in link
            elif str(action.get("/URI", "")).startswith("https://"):
                to_web += 1
            else:
                others.append(str(action.get("/URI")))
    assert others == []  # no file:// link into the folder it was printed from, no local server
    assert in_book >= 100 and to_web >= 20


def test_no_pdf_when_the_site_does_not_build(rebuildable_project):
    project = rebuildable_project
    site = site_digest(project / "_build" / "html")
    # a warning only Sphinx gives (the check cannot see it), in a chapter that runs no code
    chapter = project / "book" / "methods.md"
    assert "{code-cell}" not in chapter.read_text(encoding="utf-8")
    failing = "\n#### A heading two levels below the last\n\nText.\n"
    chapter.write_text(chapter.read_text(encoding="utf-8") + failing, encoding="utf-8")
    result = run_module("pdf", cwd=project)
    assert result.returncode == 1
    assert result.stderr.splitlines()[-1] == "pdf: the site did not build; no PDF was written."
    assert not (project / "_build" / "book.pdf").exists()
    assert site_digest(project / "_build" / "html") == site
