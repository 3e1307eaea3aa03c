"""The Sphinx extension: vendored Vega versions matching Altair, links limited to https, no raw HTML, search
titles escaped."""

import io
import json
import shutil
from pathlib import Path
from types import SimpleNamespace

import altair as alt
import pytest
from sphinx.application import Sphinx
from sphinx.errors import ExtensionError
from sphinx.search import js_index

from helpers import ROOT, make_minimal
from mrcreview.sphinx_ext import vega
from mrcreview.sphinx_ext.vega import VEGA_FILES, VENDOR, vendored_versions, version_mismatches


def test_vendored_versions_are_those_altair_expects():
    versions = vendored_versions(ROOT)
    assert set(versions) == set(VEGA_FILES)
    assert version_mismatches(versions) == []
    # and what vendor/package.json pins is what is installed
    pinned = json.loads((ROOT / "vendor" / "package.json").read_text())["dependencies"]
    assert all(pinned[name] == version for name, version in versions.items())
    assert (ROOT / VENDOR / "vega" / VEGA_FILES["vega"]).exists()


def test_a_vega_lite_other_than_altairs_is_refused():
    wrong = vendored_versions(ROOT) | {"vega-lite": "5.20.1"}
    problems = version_mismatches(wrong)
    assert len(problems) == 1
    assert f"expected vega-lite {alt.VEGALITE_VERSION}" in problems[0] and "found 5.20.1" in problems[0]


def test_the_build_compares_vega_versions_again_only_when_one_moved(tmp_path, monkeypatch):
    for package in VEGA_FILES:
        shutil.copytree(ROOT / VENDOR / package, tmp_path / VENDOR / package)
    app = SimpleNamespace(srcdir=str(tmp_path), env=SimpleNamespace(), add_js_file=print, add_css_file=print)
    vega.add_vega(app)  # a first build compares

    def compared(versions):
        raise AssertionError("compared again though no version moved")

    with monkeypatch.context() as patch:
        patch.setattr(vega, "version_mismatches", compared)
        vega.add_vega(app)

    manifest = tmp_path / VENDOR / "vega-lite" / "package.json"
    manifest.write_text(json.dumps(json.loads(manifest.read_text()) | {"version": "5.20.1"}))
    with pytest.raises(ExtensionError, match="expected vega-lite"):
        vega.add_vega(app)


def test_a_link_with_another_scheme_than_https_is_neutralised_and_fails_the_build(caplog):
    from docutils import nodes
    from docutils.frontend import get_default_settings
    from docutils.parsers.rst import Parser
    from docutils.utils import new_document

    from mrcreview.sphinx_ext.safety import refuse_unsafe_links

    doctree = new_document("chapter", get_default_settings(Parser))
    targets = ["javascript:alert(1)", "java\tscript:alert(1)", "data:text/html,x", "https://doi.org/10.1/x", "a.html#b"]
    for target in targets:
        doctree += nodes.reference("", "link", refuri=target)
    refuse_unsafe_links(None, doctree, "chapter")
    assert [node["refuri"] for node in doctree.findall(nodes.reference)] == ["#", "#", "#", *targets[3:]]
    # a warning, which the build (sphinx -W) turns into a failure
    assert sum("only https:// links" in record.getMessage() for record in caplog.records) == 3


def small_site(folder: Path, pages: dict[str, str]) -> Path:
    """A Sphinx project of MyST pages with the book's extension, where the footer finds its data."""
    project = make_minimal(folder)
    (project / "conf.py").write_text(
        'extensions = ["myst_nb", "sphinxcontrib.bibtex", "mrcreview.sphinx_ext"]\n'
        'bibtex_bibfiles = ["refs.bib"]\nmyst_disable_syntax = ["html_block", "html_inline"]\n'
        'exclude_patterns = ["_build", "vendor", "book", "data"]\nhtml_theme = "basic"\n'
    )
    (project / "vendor").mkdir()
    (project / "vendor" / "node_modules").symlink_to(ROOT / "vendor" / "node_modules")
    (project / "index.md").write_text("# Index\n\n```{toctree}\n" + "\n".join(pages) + "\n```\n")
    for name, text in pages.items():
        (project / f"{name}.md").write_text(text)
    return project


def build(project: Path) -> str:
    """Build the site into project/_build/html; its warnings."""
    warnings = io.StringIO()
    out = project / "_build"
    Sphinx(project, project, out / "html", out / "doctrees", "html", status=None, warning=warnings).build()
    return warnings.getvalue()


def test_a_raw_directive_is_refused_with_a_warning_and_no_html(tmp_path):
    project = small_site(tmp_path / "project", {"page": "# Page\n\n```{raw} html\n<script>alert(1)</script>\n```\n"})
    warnings = build(project)
    assert "a raw directive: the book takes no unescaped HTML" in warnings  # which -W turns into a failure
    assert "<script>alert(1)" not in (project / "_build" / "html" / "page.html").read_text(encoding="utf-8")


def test_search_titles_are_stored_escaped_once_however_often_the_index_is_loaded_back(tmp_path):
    """Sphinx 7.4's search page shows section titles as HTML: the index must carry them as text,
    and an incremental build, which loads the index back and adds the pages it writes again, must
    not escape them twice."""
    hostile = "# Hostile\n\n## A <img src=x onerror=alert(1)> & co\n\nText.\n"
    project = small_site(tmp_path / "project", {"hostile": hostile, "other": "# Other\n\nText.\n"})

    def titles_after_a_build() -> set[str]:
        build(project)
        with open(project / "_build" / "html" / "searchindex.js", encoding="utf-8") as stream:
            return set(js_index.load(stream)["alltitles"])

    once = "A &lt;img src=x onerror=alert(1)&gt; &amp; co"
    assert once in titles_after_a_build()
    (project / "other.md").write_text("# Other\n\nText changed.\n")  # the hostile page is loaded back
    titles = titles_after_a_build()
    assert once in titles and not any("<" in title or "&amp;lt;" in title for title in titles)
    (project / "hostile.md").write_text(hostile + "\nMore.\n")  # and fed again
    titles = titles_after_a_build()
    assert once in titles and not any("<" in title or "&amp;lt;" in title for title in titles)


def test_a_csv_table_from_an_address_is_refused_and_nothing_is_fetched(tmp_path):
    outside = tmp_path / "secret.csv"
    outside.write_text("a,b\nsecret-cell,1\n", encoding="utf-8")
    page = f"# Page\n\n```{{csv-table}} A table\n:url: {outside.as_uri()}\n```\n"
    project = small_site(tmp_path / "project", {"page": page})
    warnings = build(project)
    assert "a csv-table with :url:" in warnings  # which -W turns into a failure
    assert "secret-cell" not in (project / "_build" / "html" / "page.html").read_text(encoding="utf-8")
