"""Each page's Content-Security-Policy, in a real browser (Debian's Chromium): the built site breaks none
of it, every chart still draws, and script that reached a page anyway is refused."""

import shutil

import pytest

from helpers import Site, offline_page, open_drawn, site_pages

pytestmark = pytest.mark.build  # builds a site

VIOLATIONS = """
window.__violations = [];
document.addEventListener("securitypolicyviolation", (e) => window.__violations.push(e.violatedDirective));
"""
CHART_PAGE = "book/functional-outcomes.html"


def test_every_page_carries_the_policy_first_in_its_head(site):
    html_root, _ = site
    stamped = 0
    for path in site_pages(html_root):
        text = path.read_text(encoding="utf-8")
        if "<head>" not in text:
            assert path.name == "index.html" and path.parent == html_root  # the root page's redirect
            continue
        head = text.split("<head>", 1)[1].lstrip()
        assert head.startswith('<meta charset="utf-8" /><meta http-equiv="Content-Security-Policy" content="'), path
        policy = head.split('content="', 1)[1].split('"', 1)[0]
        directives = dict(d.strip().split(" ", 1) for d in policy.split(";"))
        assert directives["script-src"].startswith("'self'") and "unsafe" not in directives["script-src"], path
        assert (directives["object-src"], directives["base-uri"]) == ("'none'", "'none'"), path
        stamped += 1
    assert stamped > 20


def test_no_page_that_runs_more_than_the_theme_breaks_its_policy_and_every_chart_draws(site, browser):
    """The pages whose scripts go beyond the theme's: those with charts, the search page, the register's
    first page. (On every page, test_site_browser.py fails on any console error, which a refusal is.)"""
    html_root, url = site
    reader = browser.new_context()
    reader.add_init_script(VIOLATIONS)
    tab = offline_page(reader, url)
    charts = 0
    chosen = [p for p in site_pages(html_root) if 'class="vega-chart"' in p.read_text(encoding="utf-8")]
    for path in [*chosen, html_root / "search.html", html_root / "book" / "evidence-register.html"]:
        name = path.relative_to(html_root).as_posix()
        open_drawn(tab, f"{url}/{name}")  # waits until every chart of the page has drawn
        assert tab.locator('head > meta[http-equiv="Content-Security-Policy"]').count() == 1, name
        assert tab.evaluate("window.__violations") == [], name
        charts += tab.locator(".vega-chart svg").count()
    assert tab.errors == [] and len(chosen) >= 6 and charts >= len(chosen)
    reader.close()


# Script that reached a page although the audit refuses it: the policy is what stops each one.
PROBES = """
<script>window.__probe = "inline script";</script>
<img src="missing.png" alt="" onerror="window.__probe = 'event handler';">
<a id="probe-link" href="javascript:window.__probe = 'javascript: link'">a link</a>
<div id="probe-click" onclick="window.__probe = 'click handler'">a div</div>
<svg><script>window.__probe = "SVG script";</script></svg>
<iframe srcdoc="<script>parent.__probe = 'frame'</script>"></iframe>
<iframe src="../search.html"></iframe>
<object data="data:text/html,&lt;script&gt;parent.__probe = 'object'&lt;/script&gt;"></object>
<base href="https://example.org/">
<form id="probe-form" action="https://example.org/collect"><input name="q" value="x"></form>
"""


def test_the_policy_refuses_script_that_reached_a_page(site, browser, tmp_path):
    html_root, _ = site
    copy = shutil.copytree(html_root, tmp_path / "html")
    page = copy / CHART_PAGE
    page.write_text(page.read_text(encoding="utf-8").replace("</body>", PROBES + "</body>"), encoding="utf-8")
    served = Site(copy)
    reader = browser.new_context()
    reader.add_init_script(VIOLATIONS)
    tab = offline_page(reader, served.url)
    open_drawn(tab, f"{served.url}/{CHART_PAGE}")  # the page's own chart still draws
    tab.evaluate("document.getElementById('probe-link').click()")
    tab.evaluate("document.getElementById('probe-click').click()")
    tab.evaluate("document.getElementById('probe-form').requestSubmit()")
    tab.wait_for_timeout(500)
    assert tab.evaluate("window.__probe") is None
    violated = set(tab.evaluate("window.__violations"))
    assert {"script-src-elem", "script-src-attr", "frame-src", "object-src", "base-uri", "form-action"} <= violated
    assert any("Content Security Policy" in error for error in tab.errors)  # what test_site_browser.py sees
    reader.close()
    served.close()


def test_the_theme_buttons_work_without_inline_event_handlers(site, browser):
    html_root, url = site
    tab = open_drawn(offline_page(browser, url), f"{url}/{CHART_PAGE}")
    assert tab.locator("[onclick]").count() == 0
    tab.evaluate("window.print = () => { window.__printed = true; }")
    tab.evaluate("window.toggleFullScreen = () => { window.__fullscreen = true; }")
    tab.evaluate("document.querySelector('button[data-theme-action=print]').click()")
    tab.evaluate("document.querySelector('button[data-theme-action=fullscreen]').click()")
    assert tab.evaluate("[window.__printed, window.__fullscreen]") == [True, True]
    tab.close()
