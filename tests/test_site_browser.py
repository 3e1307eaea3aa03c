"""The built site in a real browser (Debian's Chromium), offline: every page, chart, link and image."""

import re
from pathlib import Path
from urllib.parse import unquote, urldefrag, urlparse

import pytest

from helpers import ROOT, Site, offline_page, open_drawn

pytestmark = pytest.mark.build  # builds a site

AXE = ROOT / "vendor" / "node_modules" / "axe-core" / "axe.min.js"


@pytest.fixture(scope="module")
def site(built_project):
    served = Site(built_project / "_build" / "html")
    yield built_project / "_build" / "html", served.url
    served.close()


def pages(html_root: Path) -> list[Path]:
    return sorted(p for p in html_root.rglob("*.html") if "_static" not in p.parts)


PHONE, LAPTOP = 390, 1280  # CSS pixels: a common phone, a common laptop


def open_page(browser, site, path: Path, width: int = LAPTOP):
    html_root, url = site
    return open_drawn(offline_page(browser, url, width), f"{url}/{path.relative_to(html_root).as_posix()}")


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
        facts[width] = {p.relative_to(site[0]).as_posix(): visit(tab, site, p, width) for p in pages(site[0])}
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


@pytest.mark.parametrize("width", [PHONE, LAPTOP])
def test_no_serious_accessibility_violations(visits, width):
    for name, facts in visits[width].items():
        assert facts["axe"] == [], (name, facts["axe"])


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


def test_a_tap_on_a_chart_row_shows_its_details(site, browser):
    html_root, url = site
    phone = browser.new_context(viewport={"width": PHONE, "height": 800}, has_touch=True, is_mobile=True)
    page = open_drawn(phone.new_page(), f"{url}/book/rationale.html")
    row = page.locator(".vega-chart").first.locator("svg g.mark-rect path").last
    row.scroll_into_view_if_needed()
    row.tap()
    page.wait_for_selector("#vg-tooltip-element", state="visible", timeout=5_000)
    assert "Study" in page.locator("#vg-tooltip-element").inner_text()
    phone.close()


def test_on_a_phone_a_wide_table_shows_each_value_under_its_column_name(site, browser):
    page = open_page(browser, site, site[0] / "book" / "organ-preservation.html", PHONE)
    table = page.locator("#tbl-clinical-pathways").locator("xpath=following::table[1]")
    headers = table.locator("thead th").all_inner_texts()
    first_row = table.locator("tbody tr").first
    cells = first_row.locator("td")
    assert cells.count() == len(headers) >= 4  # the Source column, one citation on every row, is a note
    for index, header in enumerate(headers):
        cell = cells.nth(index)
        shown = cell.evaluate("td => getComputedStyle(td, '::before').content")
        assert shown == f'"{header.strip()}: "', (header, shown)
        assert cell.evaluate("td => getComputedStyle(td).display") == "block"
    # one block per row: every cell of the row is as wide as the table
    widths = cells.evaluate_all("tds => tds.map(td => Math.round(td.getBoundingClientRect().width))")
    assert len(set(widths)) == 1
    page.close()


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


def test_charts_stay_legible_in_dark_mode(site, browser):
    page = open_page(browser, site, site[0] / "book" / "rationale.html")
    page.evaluate("document.documentElement.dataset.theme = 'dark'")
    page.wait_for_timeout(300)
    background = page.locator(".vega-chart").first.evaluate("c => getComputedStyle(c).backgroundColor")
    text = page.locator(".vega-chart svg .role-axis-label text").first.evaluate("t => getComputedStyle(t).fill")
    assert background == "rgb(255, 255, 255)" and text != "rgb(255, 255, 255)", (background, text)
    page.close()


def test_the_keyboard_focus_is_visible(site, browser):
    page = open_page(browser, site, site[0] / "book" / "rationale.html")
    link = page.locator("article button.number-value").first
    link.focus()
    page.keyboard.press("Shift+Tab")
    page.keyboard.press("Tab")  # focus that arrives by keyboard, as :focus-visible requires
    outline = link.evaluate("a => [getComputedStyle(a).outlineStyle, parseFloat(getComputedStyle(a).outlineWidth)]")
    assert outline[0] != "none" and outline[1] >= 2, outline
    page.close()


def test_a_link_made_before_the_register_was_split_reaches_its_entry(site, browser):
    html_root, url = site
    page = offline_page(browser, url)
    # evidence-register.html#ev-<id> was every number's address until the register got a page per letter range
    page.goto(f"{url}/book/evidence-register.html#ev-picardi-colostomy-free-3y")
    page.wait_for_url("**/book/evidence-register-p-q.html#ev-picardi-colostomy-free-3y", timeout=10_000)
    assert page.locator("#ev-picardi-colostomy-free-3y").count() == 1
    # an address that names no entry stays where it is
    page.goto(f"{url}/book/evidence-register.html#sec-evidence-register")
    page.wait_for_load_state("load")
    assert page.url.endswith("/book/evidence-register.html#sec-evidence-register")
    assert page.errors == [] and page.blocked == []
    page.close()


def test_numbers_are_marked_quietly_not_in_bold(site, browser):
    page = open_page(browser, site, site[0] / "book" / "rationale.html")
    numbers = page.locator("article button.number-value")
    assert numbers.count() > 3
    style = "b => [getComputedStyle(b).fontWeight, getComputedStyle(b).textDecorationStyle]"
    paragraph = numbers.first.evaluate("b => getComputedStyle(b.closest('p')).fontWeight")
    assert {tuple(numbers.nth(i).evaluate(style)) for i in range(numbers.count())} == {(paragraph, "dotted")}
    page.close()


def details_open(page, button) -> bool:
    target = button.get_attribute("popovertarget")
    return page.locator(f"#{target}").evaluate("d => d.matches(':popover-open') && d.checkVisibility()")


def test_a_number_shows_its_details_in_place_on_click_tap_and_keyboard(site, browser):
    html_root, url = site
    page = open_page(browser, site, html_root / "book" / "background.html")
    address = page.url
    button = page.locator("article button.number-value", has_text="100% (95% CI 74–100%)").first
    assert "n/N 12/12" in button.get_attribute("title")  # on hover
    assert not details_open(page, button)
    button.click()
    assert details_open(page, button) and page.url == address  # shown in place: no navigation
    details = page.locator(f"#{button.get_attribute('popovertarget')}")
    assert "n/N 12/12" in details.inner_text() and "Design: single-arm phase II" in details.inner_text()
    page.keyboard.press("Escape")
    assert not details_open(page, button)
    # by keyboard: focus the number, Enter opens it, and its links can be reached
    button.focus()
    page.keyboard.press("Enter")
    assert details_open(page, button) and page.url == address
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.closest('.number-details') !== null")
    page.keyboard.press("Escape")
    assert page.errors == [] and page.blocked == []
    page.close()
    # on a phone: a tap
    context = browser.new_context(viewport={"width": PHONE, "height": 800}, has_touch=True, is_mobile=True)
    phone = context.new_page()
    phone.goto(f"{url}/book/background.html")
    button = phone.locator("article button.number-value", has_text="100% (95% CI 74–100%)").first
    button.scroll_into_view_if_needed()
    button.tap()
    assert details_open(phone, button) and phone.url == f"{url}/book/background.html"
    box = phone.locator(f"#{button.get_attribute('popovertarget')}").bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE  # the details fit on the screen
    context.close()


def test_cite_this_page_gives_the_pages_address_and_todays_date(site, browser):
    html_root, url = site
    page = open_page(browser, site, html_root / "book" / "whats-new.html")
    page.locator(".cite-this-page summary").click()
    cite = page.locator(".cite-this-page p").inner_text()
    today = page.evaluate("new Date().toLocaleDateString('en-GB', {day: 'numeric', month: 'long', year: 'numeric'})")
    assert f"Available at {url}/book/whats-new.html." in cite and f"Accessed {today}." in cite
    assert "living review. What’s new. In: " in cite and "version " in cite  # the title, without its number
    assert page.errors == [] and page.blocked == []
    page.close()
