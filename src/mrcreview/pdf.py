"""The whole book as a PDF: Sphinx's single-page HTML, printed by Chromium."""

import os
import shutil
import sys
from pathlib import Path

from mrcreview.publish import build_lock
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


def build_pdf(root: Path, output: Path | None = None) -> int:
    """Print styles replace each interactive chart by its static SVG, so the figures appear."""
    from playwright.sync_api import sync_playwright

    output = (output or root / "_build" / "book.pdf").resolve()
    work = root / "_build" / "pdf-work"
    log = root / "_build" / "pdf.log"
    (root / "_build").mkdir(parents=True, exist_ok=True)
    with build_lock(root / "_build"):
        # Always from scratch: an interrupted single-page build could otherwise print old numbers.
        shutil.rmtree(work, ignore_errors=True)
        if run_sphinx(root, work, log, builder="singlehtml") != 0:
            print(f"pdf: the single-page build failed (full log: {log}); no PDF was written.", file=sys.stderr)
            return 1
    page_file = work / "_build" / "singlehtml" / "book" / "index.html"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page()
        page.goto(page_file.as_uri())
        page.wait_for_load_state("load")
        page.emulate_media(media="print")
        page.pdf(path=str(output), format="A4", print_background=True, margin={"top": "15mm", "bottom": "15mm"})
        browser.close()
    print(f"pdf: written to {output}")
    return 0
