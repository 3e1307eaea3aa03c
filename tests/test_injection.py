"""Text from data/ and refs.bib reaches the site escaped: no markup, role or script from a pull request runs."""

import csv
import io
import json

import pytest

from helpers import CHROMIUM, CHROMIUM_ARGS, Site, copy_project, offline_page, run_module

PAYLOADS = [
    "<script>window.__injected = 'script'</script>",
    "<img src=x onerror=\"window.__injected = 'img'\">",
    "</script><script>window.__injected = 'breakout'</script>",
    '{cite:p}`ghalehtaki2025` and {raw}`html <b id="injected-role">x</b>`',
    '```{raw} html\n<b id="injected-directive">x</b>\n```',
    '<div id="injected-block">raw HTML block</div>',
    "[a link](javascript:window.__injected='link') <javascript:alert(1)>",
]
HOSTILE = " ".join(PAYLOADS)
# Free-text columns; ids, keys, enums, numbers and dates are constrained by the schema instead.
TEXT_COLUMNS = {
    "studies.csv": ["short_name", "population"],
    "outcomes.csv": ["arm", "outcome", "timepoint", "source_location"],
    "clinical_pathways.csv": ["strategy", "key_steps", "role_of_rt_nom", "key_considerations", "source_location"],
    "review_references.csv": ["supports"],
}


def poison(project):
    descriptor = json.loads((project / "data" / "datapackage.json").read_text())
    limits = {
        (r["path"], f["name"]): f.get("constraints", {}).get("maxLength")
        for r in descriptor["resources"]
        for f in r["schema"]["fields"]
    }
    for name, columns in TEXT_COLUMNS.items():
        path = project / "data" / name
        rows = list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8"))))
        for row in rows:
            for column in columns:
                text = f"{row[column]} {HOSTILE}".strip()
                row[column] = (text[: limits[(name, column)]] if limits[(name, column)] else text).strip()
        out = io.StringIO()
        writer = csv.DictWriter(out, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
        path.write_text(out.getvalue(), encoding="utf-8")
    bib = project / "refs.bib"
    bib.write_text(
        bib.read_text(encoding="utf-8").replace(
            "title   = {Preoperative Treatment of Locally Advanced Rectal Cancer}",
            "title   = {Preoperative <script>window.__injected = 'bib'</script> <img src=x onerror=alert(1)>}",
        ),
        encoding="utf-8",
    )


@pytest.fixture(scope="module")
def poisoned_site(tmp_path_factory):
    project = copy_project(tmp_path_factory.mktemp("poisoned") / "project")
    poison(project)
    result = run_module("build", cwd=project)
    assert result.returncode == 0, result.stderr[-3000:]
    return project / "_build" / "html"


def test_hostile_text_reaches_html_escaped(poisoned_site):
    pages = list(poisoned_site.rglob("*.html"))
    assert any(
        "window.__injected = &#39;script&#39;" in p.read_text() or "window.__injected" in p.read_text() for p in pages
    )
    for page in pages:
        html = page.read_text(encoding="utf-8")
        assert "<script>window.__injected" not in html, page
        assert "<img src=x" not in html and '<img src="x"' not in html, page
        assert 'id="injected-' not in html, page
        assert 'href="javascript:' not in html.lower(), page


def test_no_injected_script_runs_in_the_browser(poisoned_site):
    from playwright.sync_api import sync_playwright

    site = Site(poisoned_site)
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            for path in sorted(poisoned_site.rglob("*.html")):
                page = offline_page(browser, site.url)
                page.goto(f"{site.url}/{path.relative_to(poisoned_site).as_posix()}")
                page.wait_for_load_state("load")
                page.wait_for_timeout(300)
                assert page.evaluate("window.__injected === undefined"), path
                assert page.locator("[id^=injected-]").count() == 0, path
                page.close()
            browser.close()
    finally:
        site.close()
