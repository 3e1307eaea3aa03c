"""The built site in a real browser (Debian's Chromium), offline, one page at a time: search, print, taps,
dark mode, the keyboard, a number's details and Cite this page."""

import pytest

from helpers import PHONE, offline_page, open_drawn, open_page

pytestmark = pytest.mark.build  # builds a site


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
