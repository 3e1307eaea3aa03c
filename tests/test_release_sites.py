"""The list of releases on What's new and How to cite: each release make release recorded in releases/, newest
first with its day, marked for release-sites.js, which links each to its own site where one is published."""

import json
import re

from test_sphinx_ext import build, small_site

from mrcreview.changes import releases_listed
from mrcreview.dependencies import answer


def released(project, version: str, day: str) -> None:
    """A release as make release records it (the compared files do not matter here)."""
    folder = project / "releases" / version
    folder.mkdir(parents=True)
    (folder / "release.json").write_text(json.dumps({"version": version, "date": day}), encoding="utf-8")


def test_releases_are_listed_newest_first_with_their_day(minimal_project):
    assert releases_listed(root=minimal_project) == []
    released(minimal_project, "0.9.0", "2025-12-01")
    released(minimal_project, "0.10.0", "2025-12-20")  # after 0.9.0, though not as text
    released(minimal_project, "1.0.0", "2026-01-01")  # CITATION.cff's version
    assert releases_listed(root=minimal_project) == [
        ("1.0.0", "2026-01-01"),
        ("0.10.0", "2025-12-20"),
        ("0.9.0", "2025-12-01"),
    ]
    assert releases_listed(True, root=minimal_project) == [("1.0.0", "2026-01-01")]
    cff = minimal_project / "CITATION.cff"
    cff.write_text(cff.read_text(encoding="utf-8").replace("version: 1.0.0", "version: 1.1.0"), encoding="utf-8")
    assert releases_listed(True, root=minimal_project) == []  # the current version is not released yet


def test_a_release_recorded_reaches_the_pages_that_list_them(minimal_project):
    call = {"call": "releases_listed", "module": "mrcreview.changes", "args": [], "kwargs": {}}
    before = answer(call, minimal_project)
    released(minimal_project, "1.0.0", "2026-01-01")
    assert answer(call, minimal_project) != before


def test_the_list_marks_each_version_for_the_script_on_the_pages_that_have_one(tmp_path):
    pages = {
        "releases": "# Releases\n\n```{release-sites}\n```\n",
        "cite": "# Cite\n\n```{release-sites}\n:current:\n```\n",
        "other": "# Other\n\nNo list here.\n",
    }
    project = small_site(tmp_path / "project", pages)
    released(project, "0.9.0", "2025-12-01")
    released(project, "1.0.0", "2026-01-01")
    assert ".md:" not in build(project)  # no warning about a page (a second Sphinx in a process warns of others)
    html = project / "_build" / "html"

    def items(name: str) -> list[str]:
        listed = re.search(r'<ul class="release-sites[^"]*">(.*?)</ul>', (html / f"{name}.html").read_text(), re.S)
        return [re.sub(r"\s+", " ", item).strip() for item in re.findall(r"<p>(.*?)</p>", listed.group(1), re.S)]

    version = '<span class="release-version">{}</span>'
    assert items("releases") == [
        f"Version {version.format('1.0.0')}, released on 1 January 2026",
        f"Version {version.format('0.9.0')}, released on 1 December 2025",
    ]
    assert items("cite") == [f"Version {version.format('1.0.0')}, released on 1 January 2026"]
    scripts = {name: "release-sites.js" in (html / f"{name}.html").read_text() for name in [*pages, "index"]}
    assert scripts == {"releases": True, "cite": True, "other": False, "index": False}
    # the build's own list of the releases whose site is kept: none (pages.yml writes the published site's)
    assert json.loads((html / "_static" / "release-sites.json").read_text()) == []


def test_before_any_release_the_list_says_so(tmp_path):
    pages = {
        "releases": "# Releases\n\n```{release-sites}\n```\n",
        "cite": "# Cite\n\n```{release-sites}\n:current:\n```\n",
    }
    project = small_site(tmp_path / "project", pages)
    assert ".md:" not in build(project)  # no warning about a page (a second Sphinx in a process warns of others)
    html = project / "_build" / "html"
    assert "No version is released yet." in (html / "releases.html").read_text()
    assert "This version is not released yet." in (html / "cite.html").read_text()
    assert 'class="release-sites' not in (html / "releases.html").read_text()
