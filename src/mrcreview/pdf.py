"""The whole book as a PDF: Sphinx's single-page HTML, printed by Chromium.

The site is built first (site.py); the single page is then written from a copy of that build's saved
state (its doctrees and executed notebooks), so no chapter runs twice and the PDF shows what the site shows.
"""

import html
import os
import shutil
import sys
from pathlib import Path

import yaml

from mrcreview.changes import current_version
from mrcreview.living_status import literature_searched_to
from mrcreview.loading import load_searches
from mrcreview.publish import build_lock
from mrcreview.site import build_site, is_current
from mrcreview.sphinx_process import run_sphinx


def find_chromium() -> str:
    """CHROMIUM if set; else Debian's Chromium, or on GitHub's Ubuntu runners their preinstalled Google
    Chrome (Ubuntu's chromium package only installs a snap)."""
    if chosen := os.environ.get("CHROMIUM"):
        return chosen
    return next((p for p in ("/usr/bin/chromium", "/usr/bin/google-chrome") if Path(p).exists()), "/usr/bin/chromium")


CHROMIUM = find_chromium()
# Run as root in a container: no sandbox, no GPU, no calls home, and no host resolved but this
# machine, so a page that asks for anything outside the site gets nothing.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
]


# Chromium fills the elements of these classes: the page's number, and the count of pages.
# Its header and footer are drawn at 0 size unless a size is given, and share nothing with the page's CSS.
MARGIN_TEXT = 'style="font: 8pt sans-serif; color: #000; width: 100%; margin: 0 15mm; display: flex"'


def running_header(root: Path) -> str:
    """Each page's header: the book's title, its version and how far the literature was searched
    (_config.yml, CITATION.cff, data/searches.csv), as text."""
    title = html.escape(str(yaml.safe_load((root / "_config.yml").read_text(encoding="utf-8"))["title"])[:120])
    said = html.escape(f"Version {current_version(root)} · {literature_searched_to(load_searches(root=root))}")
    return f'<div {MARGIN_TEXT}><span>{title}</span><span style="margin-left: auto">{said}</span></div>'


PAGE_NUMBER = 'Page <span class="pageNumber"></span> of <span class="totalPages"></span>'
FOOTER = f'<div {MARGIN_TEXT}><span style="margin: 0 auto">{PAGE_NUMBER}</span></div>'


def copy_site_state(root: Path, work: Path) -> bool:
    """Copy the published site's saved build state into work (afresh); False if the project changed since."""
    site = root / "_build" / "work"
    if not is_current(root, (root / "_build" / "html").resolve()):
        return False
    shutil.rmtree(work, ignore_errors=True)
    for state in (".doctrees", "jupyter_execute"):  # what Sphinx read, and the notebooks' executed outputs
        if (site / "_build" / state).exists():
            shutil.copytree(site / "_build" / state, work / "_build" / state)
    return True


# The single page, as the singlehtml builder names it after the book's root document (_toc.yml).
ROOT_PAGE = "book/index.html"


def printed_page(singlehtml: Path) -> Path:
    """The single page, copied to where its links lead from.

    The singlehtml builder writes every link of the page relative to its output folder (_static/...,
    and book/index.html#... for a link to a place in the page itself) but writes the page to book/index.html:
    opened there, it would have no styles and each of its links to itself would lead to a missing file."""
    top = singlehtml / "print.html"
    shutil.copyfile(singlehtml / ROOT_PAGE, top)
    return top


# The PDF links to the web (https) and to places in the book. A link to the page itself by its name becomes
# a link to the place; any other (a data file to download, the search page) would lead into the folder the
# book was printed from, so its text stays and the link goes.
LINKS_A_PDF_KEEPS = """rootPage => {
  const itself = new URL(rootPage, document.baseURI).href;
  for (const a of document.querySelectorAll('a[href]')) {
    const url = new URL(a.href);
    const page = url.href.slice(0, url.href.length - url.hash.length);
    if (page === itself) a.setAttribute('href', url.hash);
    else if (url.protocol !== 'https:' && page !== location.href.split('#')[0]) a.removeAttribute('href');
  }
}"""


def build_pdf(root: Path, output: Path | None = None) -> int:
    """Print styles replace each interactive chart by its static SVG, so the figures appear."""
    output = (output or root / "_build" / "book.pdf").resolve()
    if build_site(root) != 0:
        print("pdf: the site did not build; no PDF was written.", file=sys.stderr)
        return 1
    work, log = root / "_build" / "pdf-work", root / "_build" / "pdf.log"
    with build_lock(root / "_build"):
        if not copy_site_state(root, work):
            print("pdf: the project changed while the site was built; run make pdf again.", file=sys.stderr)
            return 1
        if run_sphinx(root, work, log, builder="singlehtml") != 0:
            print(f"pdf: the single-page build failed (full log: {log}); no PDF was written.", file=sys.stderr)
            return 1
    print_book(root, work / "_build" / "singlehtml", output)
    print(f"pdf: written to {output}")
    return 0


def print_book(root: Path, singlehtml: Path, output: Path) -> None:
    """Chromium prints the single page to output, with the running header and the page numbers."""
    from playwright.sync_api import sync_playwright

    page_file = printed_page(singlehtml)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page()
        page.goto(page_file.as_uri())
        page.wait_for_load_state("load")
        page.evaluate(LINKS_A_PDF_KEEPS, ROOT_PAGE)
        page.emulate_media(media="print")
        page.pdf(
            path=str(output),
            format="A4",
            prefer_css_page_size=True,  # the widest tables on landscape pages (mrcreview.css)
            print_background=True,
            margin={"top": "18mm", "bottom": "18mm", "left": "15mm", "right": "15mm"},
            display_header_footer=True,
            header_template=running_header(root),
            footer_template=FOOTER,
        )
        browser.close()
