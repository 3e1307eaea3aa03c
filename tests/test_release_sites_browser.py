"""A release's site is linked from What's new and How to cite where it is published, and the link works on the
main site, inside a release's own copy and in a pull request's preview: the built site, laid out as pages.yml
publishes it under a project's address (/<repository>/), in Debian's Chromium, offline."""

import json
import shutil

import pytest

from helpers import Site, offline_page

pytestmark = pytest.mark.build  # builds a site

LINKS = "() => [...document.querySelectorAll('.release-sites a')].map(a => [a.textContent, a.href])"


@pytest.fixture(scope="module")
def published(built_project, tmp_path_factory):
    """gh-pages as pages.yml leaves it after a release: the main site at /review/, the release's copy under
    v/<version>/, a preview, and the list of releases kept; and /bare/, a main site with no release kept."""
    site, top = built_project / "_build" / "html", tmp_path_factory.mktemp("pages")
    version = json.loads(next((built_project / "releases").glob("*/release.json")).read_text())["version"]
    for folder in ("review", f"review/v/{version}", "review/pr-preview/pr-3", "bare"):
        shutil.copytree(site, top / folder)
    (top / "review" / "_static" / "release-sites.json").write_text(json.dumps([version]))
    served = Site(top)
    yield served.url, version
    served.close()


def links(browser, url: str, path: str) -> list:
    page = offline_page(browser, url)
    page.goto(f"{url}/{path}")
    page.wait_for_load_state("networkidle")
    found = page.evaluate(LINKS)
    assert page.errors == [] and page.blocked == []
    page.close()
    return found


@pytest.mark.parametrize("where", ["review", "review/v/{version}", "review/pr-preview/pr-3"])
def test_each_release_links_its_site_from_the_main_site_a_release_and_a_preview(published, browser, where):
    url, version = published
    address = f"{url}/review/v/{version}/"
    for page in ("book/whats-new.html", "book/how-to-cite.html"):
        assert links(browser, url, f"{where.format(version=version)}/{page}") == [[address, address]], page
    reader = offline_page(browser, url)
    reader.goto(address)
    reader.wait_for_url(f"{address}book/index.html")  # the copy's own front page
    assert f"Version {version}" in reader.content()
    reader.close()


def test_no_link_where_no_release_site_is_published(published, browser):
    url, version = published
    for page in ("book/whats-new.html", "book/how-to-cite.html"):
        assert links(browser, url, f"bare/{page}") == [], page
