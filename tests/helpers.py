"""Helpers shared by the tests: run the command line, copy the project."""

import functools
import hashlib
import html as html_text
import http.server
import os
import re
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path

from mrcreview.pdf import CHROMIUM, CHROMIUM_ARGS
from mrcreview.site import SOURCES

__all__ = [
    "CHROMIUM",
    "CHROMIUM_ARGS",
    "LAPTOP",
    "PHONE",
    "ROOT",
    "Site",
    "copy_project",
    "make_minimal",
    "module_environment",
    "offline_page",
    "open_page",
    "open_drawn",
    "page",
    "run_module",
    "site_digest",
    "site_pages",
    "start_build",
    "wait_for_log",
]

ROOT = Path(__file__).resolve().parents[1]
MINIMAL = ROOT / "tests" / "fixtures" / "minimal"


def copy_project(target: Path, root: Path = ROOT, history: bool = False) -> Path:
    """A buildable copy of the project (its SOURCES); the vendored packages are linked, not copied. With
    history (when root is a git clone), the copy is a clone of root's commit holding root's files as they
    are, so that git tells of the data there what it tells in root (the living status's last edit)."""
    if history and (root / ".git").exists():
        for command in (
            ["clone", "-q", "--no-checkout", str(root), str(target)],
            ["-C", str(target), "read-tree", "HEAD"],
        ):
            subprocess.run(["git", *command], check=True, capture_output=True)
    for name in SOURCES:
        source = root / name
        if not source.exists():
            continue  # releases/ exists only once a version is released
        if source.is_dir():
            shutil.copytree(source, target / name)
        else:
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target / name)
    (target / "vendor" / "node_modules").symlink_to((root / "vendor" / "node_modules").resolve())
    return target


def page(project: Path, name: str) -> str:
    """The text of one page of the book as published in project."""
    return (project / "_build" / "html" / "book" / f"{name}.html").read_text(encoding="utf-8")


def read_times(project: Path, suffix: str = "doctree") -> dict[str, int]:
    """When Sphinx last read each page of the project's build (its doctree is written as it reads it),
    or with suffix "html", last wrote it (in the work folder: publishing copies every page)."""
    folder = ".doctrees" if suffix == "doctree" else "html"
    pages = project / "_build" / "work" / "_build" / folder / "book"
    return {p.stem: p.stat().st_mtime_ns for p in pages.glob(f"*.{suffix}")}


def read_again(project: Path, before: dict[str, int], suffix: str = "doctree") -> set[str]:
    return {name for name, when in read_times(project, suffix).items() if before.get(name) != when}


def site_digest(site: Path) -> dict[str, str]:
    """Every file under site, by its digest: equal digests, the same site."""
    return {
        p.relative_to(site).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(site.rglob("*"))
        if p.is_file()
    }


def make_minimal(target: Path) -> Path:
    """The minimal valid project, with the real data schema copied in, so the broken inputs and
    unit tests exercise the rules the project really enforces."""
    shutil.copytree(MINIMAL, target)
    shutil.copy(ROOT / "data" / "datapackage.json", target / "data" / "datapackage.json")
    return target


def module_environment(env: dict | None = None) -> dict:
    """The environment of `python -m mrcreview` run by a test: the project is the folder it runs in."""
    return {k: v for k, v in os.environ.items() if k != "MRCREVIEW_ROOT"} | (env or {})


def run_module(*args: str, cwd: Path, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "mrcreview", *args], cwd=cwd, env=module_environment(env), capture_output=True, text=True
    )


def start_build(project: Path) -> subprocess.Popen:
    """`python -m mrcreview build` in project, started and left running."""
    environment = module_environment({"PYTHONUNBUFFERED": "1"})  # its lines arrive as it prints them
    command = [sys.executable, "-m", "mrcreview", "build"]
    return subprocess.Popen(
        command, cwd=project, env=environment, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )


def wait_for_log(project: Path, text: str, build: subprocess.Popen) -> None:
    """Wait until the running build's log (_build/build.log) says text."""
    log, deadline = project / "_build" / "build.log", time.monotonic() + 600
    while not (log.exists() and text in log.read_text(encoding="utf-8", errors="replace")):
        assert build.poll() is None, f"the build ended before its log said {text!r}"
        assert time.monotonic() < deadline
        time.sleep(0.02)


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


class Site:
    """The built site served on localhost, for a real browser."""

    def __init__(self, root: Path):
        handler = functools.partial(QuietHandler, directory=str(root))
        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self):
        self.server.shutdown()


def offline_page(browser, base_url: str, width: int = 1280):
    """A browser page, width pixels wide, that records every request outside the local site. Such a request
    goes nowhere: the browser resolves no host but 127.0.0.1 (CHROMIUM_ARGS). Requests are observed, not
    intercepted, so pages of one browser context share its cache, as a reader's pages do."""
    page = browser.new_page()  # a Browser's page has a context of its own; a BrowserContext's shares it
    page.set_viewport_size({"width": width, "height": 900})
    page.blocked = []
    page.errors = []

    def request(sent):
        if not sent.url.startswith((base_url, "data:", "blob:")):
            page.blocked.append(sent.url)

    page.on("request", request)
    page.on("pageerror", lambda error: page.errors.append(f"pageerror: {error}"))
    page.on("console", lambda message: page.errors.append(message.text) if message.type == "error" else None)
    return page


def site_pages(html_root: Path) -> list[Path]:
    """Every page of a built site, the theme's own files aside."""
    return sorted(p for p in html_root.rglob("*.html") if "_static" not in p.parts)


PHONE, LAPTOP = 390, 1280  # CSS pixels: a common phone, a common laptop


def open_page(browser, site: tuple[Path, str], path: Path, width: int = LAPTOP):
    """A page of the served site (its folder, its address), opened offline and drawn."""
    html_root, url = site
    return open_drawn(offline_page(browser, url, width), f"{url}/{path.relative_to(html_root).as_posix()}")


CHARTS_DRAWN = "() => [...document.querySelectorAll('.vega-chart')].every(chart => chart.querySelector('svg'))"


def open_drawn(page, url: str):
    """Go to url and wait until the page has loaded and Vega has drawn its charts, which happens after."""
    page.goto(url)
    page.wait_for_load_state("load")
    page.wait_for_function(CHARTS_DRAWN, timeout=10_000)
    page.evaluate("document.fonts.ready")
    return page


def chart_specs(html: str) -> list[str]:
    """Each chart's specification, as the JSON block the chart is drawn from."""
    return re.findall(r'<script type="application/json" class="vega-spec" data-chart="[\w-]+">(.*?)</script>', html)


def table_of(html: str, label: str) -> str:
    start = html.index(f'id="{label}"')
    return html[start : html.index("</table>", start)]


def citations_reach_the_works_they_cite(project) -> int:
    """Every citation link on every page lands on the bibliography entry of the work its tooltip names."""

    def text(fragment: str) -> str:
        return " ".join(html_text.unescape(re.sub(r"<[^>]+>", "", fragment)).split())

    bibliography = page(project, "bibliography")
    entries = {
        anchor: text(body)
        for anchor, body in re.findall(r'<div class="citation" id="([\w-]+)"[^>]*>(.*?)</div>', bibliography, re.S)
    }
    checked = 0
    for path in (project / "_build" / "html" / "book").glob("*.html"):
        for anchor, tooltip in re.findall(r'href="bibliography.html#([\w-]+)" title="([^"]*)"', path.read_text()):
            assert text(tooltip)[:60] in entries[anchor], (path.name, anchor)
            checked += 1
    return checked
