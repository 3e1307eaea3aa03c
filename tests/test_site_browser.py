"""The built site in a real browser (Debian's Chromium), offline: every page, chart, link and image."""

import re
from pathlib import Path
from urllib.parse import unquote, urldefrag, urlparse

import pytest

from helpers import ROOT, Site, offline_page

pytestmark = pytest.mark.build  # builds a site

AXE = ROOT / "vendor" / "node_modules" / "axe-core" / "axe.min.js"


@pytest.fixture(scope="module")
def site(built_project):
    served = Site(built_project / "_build" / "html")
    yield built_project / "_build" / "html", served.url
    served.close()


def pages(html_root: Path) -> list[Path]:
    return sorted(p for p in html_root.rglob("*.html") if "_static" not in p.parts)


def open_page(browser, site, path: Path):
    html_root, url = site
    page = offline_page(browser, url)
    page.goto(f"{url}/{path.relative_to(html_root).as_posix()}")
    page.wait_for_load_state("load")
    page.wait_for_timeout(400)
    return page


def test_every_page_loads_offline_without_console_errors(site, browser):
    for path in pages(site[0]):
        page = open_page(browser, site, path)
        assert page.errors == [], (path.name, page.errors)
        assert page.blocked == [], (path.name, page.blocked)
        page.close()


def test_every_chart_draws_marks_and_has_a_tooltip(site, browser):
    charts = 0
    for path in pages(site[0]):
        if "vegaEmbed(" not in path.read_text(encoding="utf-8"):
            continue
        page = open_page(browser, site, path)
        for chart in page.locator(".vega-chart").all():
            marks = chart.locator("svg g.mark-rect path, svg g.mark-symbol path")
            assert marks.count() > 0, path.name
            charts += 1
        first = page.locator(".vega-chart svg g.mark-rect path, .vega-chart svg g.mark-symbol path").first
        first.scroll_into_view_if_needed()
        first.hover()
        page.wait_for_timeout(300)
        tooltip = page.locator("#vg-tooltip-element")
        assert tooltip.is_visible() and "Data row" in tooltip.inner_text(), path.name
        page.close()
    assert charts >= 6


def test_internal_links_and_citations_reach_existing_anchors(site):
    html_root = site[0]
    ids = {}
    for path in pages(html_root):
        ids[path.resolve()] = set(re.findall(r'\bid="([^"]+)"', path.read_text(encoding="utf-8")))
    for path in pages(html_root):
        for href in re.findall(r'<a [^>]*href="([^"]+)"', path.read_text(encoding="utf-8")):
            if urlparse(href).scheme or href.startswith(("mailto:", "//")):
                continue
            target, anchor = urldefrag(unquote(href))
            file = (path.parent / target).resolve() if target else path.resolve()
            if file.is_dir():
                file = file / "index.html"
            assert file.exists(), (path.name, href)
            if anchor and file.suffix == ".html":
                assert anchor in ids[file], (path.name, href)


def test_every_image_has_a_text_alternative(site):
    for path in pages(site[0]):
        for tag in re.findall(r"<img\b[^>]*>", path.read_text(encoding="utf-8")):
            assert re.search(r'\balt="[^"]+"', tag) or 'alt=""' in tag and "logo" in tag, (path.name, tag[:80])


def test_no_serious_accessibility_violations(site, browser):
    for path in pages(site[0]):
        page = open_page(browser, site, path)
        page.add_script_tag(path=str(AXE))
        violations = page.evaluate(
            "async () => (await axe.run(document, {resultTypes: ['violations']})).violations"
            ".filter(v => v.impact === 'serious' || v.impact === 'critical')"
            ".map(v => v.id + ': ' + v.nodes.slice(0, 3).map(n => n.target.join(' ')).join(', '))"
        )
        assert violations == [], (path.name, violations)
        page.close()


def test_search_finds_a_term(site, browser):
    html_root, _ = site
    page = open_page(browser, site, html_root / "search.html")
    page.goto(page.url + "?q=regrowth")
    page.wait_for_selector("#search-results li", timeout=10_000)
    assert page.locator("#search-results li").count() > 0
    page.close()


def test_print_shows_the_static_charts(site, browser):
    page = open_page(browser, site, site[0] / "book" / "organ-preservation.html")
    page.emulate_media(media="print")
    static = page.locator("img.chart-static").first
    assert static.is_visible()
    assert page.evaluate("img => img.naturalWidth > 0", static.element_handle())
    assert not page.locator(".vega-chart").first.is_visible()
    page.close()
