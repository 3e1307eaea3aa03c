"""The built site in a real browser (Debian's Chromium), offline: every page, chart, link and image."""

import re
from pathlib import Path
from urllib.parse import unquote, urldefrag, urlparse

import pytest

from helpers import LAPTOP, PHONE, ROOT, offline_page, open_drawn, site_pages

pytestmark = pytest.mark.build  # builds a site

AXE = ROOT / "vendor" / "node_modules" / "axe-core" / "axe.min.js"


AXE_VIOLATIONS = (
    "async () => (await axe.run(document, {resultTypes: ['violations']})).violations"
    ".filter(v => v.impact === 'serious' || v.impact === 'critical')"
    ".map(v => v.id + ': ' + v.nodes.slice(0, 3).map(n => n.target.join(' ')).join(', '))"
)
MARKS = "svg g.mark-rect path, svg g.mark-symbol path"
TABLE_WIDTHS = """() => {
  const article = document.querySelector('article.bd-article');
  if (!article) return [];  // the redirect page and the like
  const column = article.getBoundingClientRect().width;
  return [...article.querySelectorAll('table')]
    .map(t => [t.id || t.closest('[id]').id, t.getBoundingClientRect().width, column]);
}"""

CHART_FACTS = """() => [...document.querySelectorAll('.vega-chart')].map(chart => {
  const column = chart.closest('article').getBoundingClientRect().width;
  const svg = chart.querySelector('svg');
  const sizes = [...svg.querySelectorAll('text')].map(t => parseFloat(getComputedStyle(t).fontSize));
  const caption = chart.closest('figure').querySelector('figcaption');
  const tableLinks = [...caption.querySelectorAll('a[href^="#tbl-"]')].map(a => a.getAttribute('href').slice(1));
  return {id: chart.id, width: svg.getBoundingClientRect().width, column, smallest: Math.min(...sizes),
          titles: [...svg.querySelectorAll('.role-axis-title text')].map(t => t.textContent),
          tables: tableLinks.filter(id => document.getElementById(id))};
})"""


# Words whose letters the browser laid out on two lines or more, in the visible text of the elements:
# [selector, what a word is]. Text hidden by clipping (the header row of a table stacked on a phone,
# read by screen readers only) and code (a pattern such as [0-9]{8}|ISRCTN..., not a word) are skipped.
SPLIT_WORDS = """([selector, word]) => [...document.querySelectorAll(selector)].flatMap(element => {
  const split = [];
  const hidden = node => {
    for (let e = node.parentElement; e && e !== document.body; e = e.parentElement) {
      if (e.tagName === 'CODE' || getComputedStyle(e).clipPath !== 'none') return true;
    }
    return false;
  };
  const walker = document.createTreeWalker(element, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    if (hidden(node)) continue;
    for (const found of node.textContent.matchAll(new RegExp(word, 'g'))) {
      const range = document.createRange();
      range.setStart(node, found.index);
      range.setEnd(node, found.index + found[0].length);
      const tops = new Set([...range.getClientRects()].filter(r => r.width > 0).map(r => Math.round(r.top)));
      if (tops.size > 1) split.push(found[0]);
    }
  }
  return split;
})"""
# A number is everything between spaces that holds a digit (54/460, 2026-11-28, 14–24): never broken.
# A word may break after its hyphen (watch-and-|wait), as type does, but nowhere else.
TABLE_WORD, HEADING_WORD = r"\S*\d\S*|[^\s-]+-?", r"[^\s-]+-?"
TABLE_CELLS = "article table td, article table th"
# Each piece of a validation pattern in the data dictionary (code in a Rules cell, skipped above; Sphinx makes
# each piece of code between spaces a span.pre) and the number of lines it is laid out on.
PATTERN_LINES = """() => [...document.querySelectorAll("article td[data-label='Rules'] code .pre")].map(piece =>
  [piece.textContent, new Set([...piece.getClientRects()].filter(r => r.width).map(r => Math.round(r.top))).size])"""

# Per chart: text drawn outside the chart or cut short; overlapping visible bars (a stacked bar); the
# values printed in the chart; and those of its table (the Value or Estimate column, without interval).
CHART_READING = """() => [...document.querySelectorAll('.vega-chart')].map(chart => {
  const svg = chart.querySelector('svg').getBoundingClientRect();
  const texts = [...chart.querySelectorAll('svg text')].filter(t => getComputedStyle(t).opacity !== '0');
  const outside = texts.filter(t => {
    const r = t.getBoundingClientRect();
    return r.left < svg.left - 1 || r.right > svg.right + 1 || r.top < svg.top - 1 || r.bottom > svg.bottom + 1;
  }).map(t => t.textContent);
  const cut = texts.filter(t => t.textContent.includes('\u2026')).map(t => t.textContent);
  const bars = [...chart.querySelectorAll('svg g.mark-rect path')]
    .filter(p => parseFloat(getComputedStyle(p).opacity) > 0 && getComputedStyle(p).fillOpacity !== '0')
    .map(p => p.getBoundingClientRect()).filter(r => r.width > 0);
  let stacked = 0;
  bars.forEach((a, i) => bars.slice(i + 1).forEach(b => {
    if (Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top) > 1) stacked += 1;
  }));
  const caption = chart.closest('figure').querySelector('figcaption');
  const link = caption.querySelector('a[href^="#tbl-"]');
  const table = link && document.getElementById(link.getAttribute('href').slice(1));
  const cells = table ? [...table.closest('table, .pst-scrollable-table-container, div')
    .querySelectorAll('td[data-label="Value"], td[data-label="Estimate"]')] : [];
  return {id: chart.id, outside, cut, stacked, bars: bars.length, printed: texts.map(t => t.textContent).join(' | '),
          values: cells.map(td => td.textContent.split(' (')[0].trim())};
})"""

# WCAG 2 contrast of each caption's text with the background it is drawn on.
CAPTION_CONTRAST = """() => {
  const luminance = rgb => {
    const [r, g, b] = rgb.match(/[\\d.]+/g).slice(0, 3).map(Number).map(v => v / 255)
      .map(v => v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4);
    return 0.2126 * r + 0.7152 * g + 0.0722 * b;
  };
  const ground = element => {
    for (let e = element; e; e = e.parentElement) {
      const colour = getComputedStyle(e).backgroundColor;
      if (colour !== 'rgba(0, 0, 0, 0)' && colour !== 'transparent') return colour;
    }
    return 'rgb(255, 255, 255)';
  };
  return [...document.querySelectorAll('article figcaption, article figcaption *, article caption, article caption *')]
    .filter(e => e.textContent.trim()).map(e => {
      const [a, b] = [luminance(getComputedStyle(e).color), luminance(ground(e))];
      return [e.textContent.trim().slice(0, 40), (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05)];
    });
}"""

NEXT_LINK_OVERFLOW = """() => [...document.querySelectorAll('.prev-next-area a')]
  .map(a => a.getBoundingClientRect().right - document.documentElement.clientWidth)"""


def visit(page, site, path: Path, width: int) -> dict:
    """Everything the tests below ask of one page at one width, from a single visit of the reader's tab."""
    html_root, url = site
    page.errors.clear()
    page.blocked.clear()
    open_drawn(page, f"{url}/{path.relative_to(html_root).as_posix()}")
    facts = {
        "overflow": page.evaluate("() => document.documentElement.scrollWidth - document.documentElement.clientWidth"),
        "tables": page.evaluate(TABLE_WIDTHS),
        "charts": page.evaluate(CHART_FACTS),
        "marks": [chart.locator(MARKS).count() for chart in page.locator(".vega-chart").all()],
        "axe": page.evaluate(AXE_VIOLATIONS),
        "split_in_tables": page.evaluate(SPLIT_WORDS, [TABLE_CELLS, TABLE_WORD]),
        "patterns": page.evaluate(PATTERN_LINES),
        "split_in_headings": page.evaluate(SPLIT_WORDS, ["article h1, article h2, article h3", HEADING_WORD]),
        "chart_reading": page.evaluate(CHART_READING),
        "caption_contrast": page.evaluate(CAPTION_CONTRAST),
        "next_link_overflow": page.evaluate(NEXT_LINK_OVERFLOW),
    }
    if facts["marks"] and width == LAPTOP:  # hovering a mark shows its tooltip
        first = page.locator(".vega-chart").locator(MARKS).first
        first.scroll_into_view_if_needed()
        first.hover(force=True)  # the row's transparent target, on top of its marks, answers
        page.wait_for_selector("#vg-tooltip-element", state="visible", timeout=5_000)
        facts["tooltip"] = page.locator("#vg-tooltip-element").inner_text()
    facts["errors"], facts["blocked"] = list(page.errors), list(page.blocked)
    return facts


@pytest.fixture(scope="module")
def visits(site, browser) -> dict[int, dict[str, dict]]:
    """Every page visited once at each width, as a reader going from page to page in one tab (one browser
    context, so one cache), with axe loaded into every page the tab opens: {width: {page: facts}}."""
    facts = {}
    for width in (PHONE, LAPTOP):
        reader = browser.new_context()
        reader.add_init_script(path=str(AXE))
        tab = offline_page(reader, site[1], width)
        facts[width] = {p.relative_to(site[0]).as_posix(): visit(tab, site, p, width) for p in site_pages(site[0])}
        reader.close()
    return facts


@pytest.mark.parametrize("width", [PHONE, LAPTOP])
def test_every_page_loads_offline_without_console_errors(visits, width):
    assert len(visits[width]) > 20
    for name, facts in visits[width].items():
        assert facts["errors"] == [], (name, facts["errors"])
        assert facts["blocked"] == [], (name, facts["blocked"])


def test_every_chart_draws_marks_and_has_a_tooltip(visits):
    charts = 0
    for name, facts in visits[LAPTOP].items():
        assert all(count > 0 for count in facts["marks"]), name
        charts += len(facts["marks"])
        if facts["marks"]:
            # in readers' words: the study by name, never a citation key or a data row's id
            assert "Study" in facts["tooltip"] and "Data row" not in facts["tooltip"], name
            assert not re.search(r"\b[a-z]+\d{4}[a-z]+\b", facts["tooltip"]), (name, facts["tooltip"])
    assert charts >= 6


def test_internal_links_and_citations_reach_existing_anchors(site):
    html_root = site[0]
    ids = {}
    for path in site_pages(html_root):
        ids[path.resolve()] = set(re.findall(r'\bid="([^"]+)"', path.read_text(encoding="utf-8")))
    for path in site_pages(html_root):
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
    for path in site_pages(site[0]):
        for tag in re.findall(r"<img\b[^>]*>", path.read_text(encoding="utf-8")):
            assert re.search(r'\balt="[^"]+"', tag) or 'alt=""' in tag and "logo" in tag, (path.name, tag[:80])


@pytest.mark.parametrize("width", [PHONE, LAPTOP])
def test_no_serious_accessibility_violations(visits, width):
    for name, facts in visits[width].items():
        assert facts["axe"] == [], (name, facts["axe"])


def test_no_page_scrolls_sideways_on_a_phone(visits):
    for name, facts in visits[PHONE].items():
        assert facts["overflow"] <= 0, (name, facts["overflow"])


@pytest.mark.parametrize("width", [PHONE, LAPTOP])
def test_no_word_or_number_in_a_table_is_split_across_lines(visits, width):
    for page, facts in visits[width].items():
        assert facts["split_in_tables"] == [], (page, facts["split_in_tables"][:10])
    assert sum(len(facts["tables"]) for facts in visits[width].values()) >= 10
    # a validation pattern breaks at its spaces alone, its table scrolling sideways where a piece is wider
    patterns = [pattern for facts in visits[width].values() for pattern in facts["patterns"]]
    assert len(patterns) >= 10 and [p for p in patterns if p[1] != 1] == []


@pytest.mark.parametrize("width", [PHONE, LAPTOP])
def test_no_heading_breaks_inside_a_word(visits, width):
    for page, facts in visits[width].items():
        assert facts["split_in_headings"] == [], (page, facts["split_in_headings"])


@pytest.mark.parametrize("width", [PHONE, LAPTOP])
def test_charts_cut_no_label_stack_no_bars_and_print_their_values(visits, width):
    charts = 0
    for page, facts in visits[width].items():
        for chart in facts["chart_reading"]:
            assert chart["outside"] == [] and chart["cut"] == [], (page, chart["id"], chart["outside"], chart["cut"])
            assert chart["stacked"] == 0, (page, chart["id"], chart["bars"])
            # each value of the figure's table is printed in the chart, as forest plots print their estimates
            assert chart["values"], (page, chart["id"])
            for value in chart["values"]:
                assert value in chart["printed"], (page, chart["id"], value, chart["printed"][:300])
            charts += 1
    assert charts >= 10


@pytest.mark.parametrize("width", [PHONE, LAPTOP])
def test_captions_meet_wcag_aa_contrast(visits, width):
    captions = 0
    for page, facts in visits[width].items():
        for text, ratio in facts["caption_contrast"]:
            assert ratio >= 4.5, (page, text, round(ratio, 2))
            captions += 1
    assert captions >= 10


def test_the_next_chapter_link_stays_on_a_phone_screen(visits):
    for page, facts in visits[PHONE].items():
        assert all(overflow <= 0 for overflow in facts["next_link_overflow"]), (page, facts["next_link_overflow"])


@pytest.mark.parametrize("width", [PHONE, LAPTOP])
def test_charts_fill_the_column_with_legible_labels_and_link_to_their_numbers(visits, width):
    charts = 0
    for name, facts in visits[width].items():
        for chart in facts["charts"]:
            assert chart["width"] >= 0.9 * chart["column"] - 40, (name, chart)
            assert chart["width"] <= chart["column"] + 1, (name, chart)
            assert chart["smallest"] >= 11, (name, chart)
            # the horizontal axis says what it measures, and in what unit
            assert any("(%)" in title or "log scale" in title for title in chart["titles"]), (name, chart)
            # a keyboard or screen-reader user reaches every value through the table the caption links
            assert chart["tables"], (name, chart["id"])
            charts += 1
    assert charts >= 10
