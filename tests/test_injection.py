"""Text from data/, refs.bib, CITATION.cff and datapackage.json reaches the site escaped: nothing from a pull
request runs in a reader's browser, on any page, in search results, or on a click. A chapter that puts
script in its page, or a file from outside the repository in it or beside it, fails the build."""

import csv
import io
import json
import os
import re
import shutil
from types import SimpleNamespace
from urllib.parse import quote

import pytest

from helpers import Site, copy_project, offline_page, open_drawn, run_module, site_digest

pytestmark = pytest.mark.build  # builds a site

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
HTML_ONLY = " ".join(p for p in PAYLOADS if "{raw}" not in p)  # the check refuses {raw} in a chapter
# Fits the shortest free-text columns (figure titles, 100 characters).
SHORT = "<img src=x onerror=__injected=1>"
# In a chapter's heading: the chapter rules refuse HTML tags, not entities (no quotes: smart quotes apply).
TITLE_PAYLOAD = "&lt;b id=injected-title&gt;x&lt;/b&gt;"
# Free-text columns; ids, keys, enums, numbers and dates are constrained by the schema instead.
TEXT_COLUMNS = {
    "studies.csv": ["short_name", "population"],
    "outcomes.csv": ["arm", "outcome", "timepoint", "source_location"],
    "clinical_pathways.csv": ["strategy", "key_steps", "role_of_rt_nom", "key_considerations", "source_location"],
    "review_references.csv": ["supports"],
    "figures.csv": ["title", "pooling_reason"],
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
                limit = limits[(name, column)]
                payload = HOSTILE if len(row[column]) + len(HOSTILE) < limit else SHORT
                row[column] = f"{row[column]} {payload}"[:limit].strip()
        out = io.StringIO()
        writer = csv.DictWriter(out, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
        path.write_text(out.getvalue(), encoding="utf-8")
    cff = project / "CITATION.cff"
    cff.write_text(
        cff.read_text(encoding="utf-8")
        .replace('"Contributors to the living review"', json.dumps(f"Contributors {HOSTILE}"))
        .replace('title: "', f"title: {json.dumps(SHORT)[:-1]} ", 1),
        encoding="utf-8",
    )
    descriptor_path = project / "data" / "datapackage.json"
    for resource in descriptor["resources"]:
        for field in resource["schema"]["fields"]:
            field["description"] = f"{field.get('description', '')} {HOSTILE}"
    descriptor_path.write_text(json.dumps(descriptor, indent=2) + "\n", encoding="utf-8")
    # a chapter's code may glue Markdown that holds HTML: the book shows it as text
    chapter = project / "book" / "organ-preservation.md"
    chapter.write_text(
        chapter.read_text(encoding="utf-8")
        + "\n```{code-cell} ipython3\n:tags: [remove-cell]\n"
        + f"mr.glue_markdown('injected-glue', {HTML_ONLY!r})\n```\n\n"
        + "```{glue:md} injected-glue\n:format: myst\n```\n",
        encoding="utf-8",
    )
    # a heading written with entities is text in the page, but the theme writes page titles unescaped
    for name in ("index", "organ-preservation"):
        page = project / "book" / f"{name}.md"
        text = page.read_text(encoding="utf-8")
        heading = re.search(r"^# .+$", text, re.M).group(0)
        page.write_text(text.replace(heading, f"{heading} {TITLE_PAYLOAD}", 1), encoding="utf-8")
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
    assert any("window.__injected" in p.read_text() for p in pages)
    for page in pages:
        html = page.read_text(encoding="utf-8")
        assert "<script>window.__injected" not in html, page
        assert "<img src=x" not in html and '<img src="x"' not in html, page
        assert not re.search(r'<[a-z]+ id="?injected-', html), page  # an element, not escaped text
        assert 'href="javascript:' not in html.lower(), page


def test_the_search_index_carries_no_markup(poisoned_site):
    index = (poisoned_site / "searchindex.js").read_text(encoding="utf-8")
    assert "onerror" in index  # the hostile titles are indexed...
    assert "<img" not in index and "<script" not in index  # ...as text


# A link is safe when it stays on the site or goes to an https address. Clicking every link runs any
# javascript: target; other targets are kept from navigating so that one page can click them all.
CLICK_EVERY_LINK = """() => {
  const unsafe = [];
  for (const a of document.querySelectorAll("a[href]")) {
    const url = new URL(a.getAttribute("href"), document.baseURI);
    if (url.origin !== location.origin && url.protocol !== "https:") unsafe.push(a.getAttribute("href"));
    a.addEventListener("click", (e) => { if (url.protocol !== "javascript:") e.preventDefault(); }, {once: true});
    a.click();
  }
  return unsafe;
}"""


@pytest.fixture(scope="module")
def served(poisoned_site):
    site = Site(poisoned_site)
    yield site.url
    site.close()


def assert_nothing_injected(page, where):
    assert page.evaluate("window.__injected === undefined"), where
    assert page.locator("[id^=injected-]").count() == 0, where


def test_no_injected_script_runs_and_every_link_is_safe(poisoned_site, served, browser):
    reader = browser.new_context()  # one cache for the whole walk, as a reader's
    tab = offline_page(reader, served)  # each page starts afresh: going to it discards the last page's state
    for path in sorted(poisoned_site.rglob("*.html")):
        where = path.relative_to(poisoned_site).as_posix()
        open_drawn(tab, f"{served}/{where}")
        assert_nothing_injected(tab, where)
        assert tab.evaluate(CLICK_EVERY_LINK) == [], where
        tab.wait_for_timeout(100)
        assert_nothing_injected(tab, where)
    reader.close()


def test_search_results_for_injected_titles_show_them_as_text(poisoned_site, served, browser):
    project = poisoned_site.parents[1]
    figures = list(csv.DictReader(io.StringIO((project / "data" / "figures.csv").read_text(encoding="utf-8"))))
    reader = browser.new_context()  # one cache: the search index is downloaded once
    tab = offline_page(reader, served)
    for figure in figures:
        # Sphinx matches a title when the query is at least half of it: ask for the table caption without the payload.
        query = f"Numbers shown in the figure: {figure['title'].replace(SHORT, '').strip()}"
        tab.goto(f"{served}/search.html?q={quote(query)}")
        tab.wait_for_selector("#search-results li", timeout=10_000)
        tab.wait_for_timeout(500)  # summaries arrive after the list
        titles = tab.locator("#search-results li > a").all_inner_texts()
        assert any(SHORT in title for title in titles), (query, titles)  # the payload is shown, as text
        assert_nothing_injected(tab, query)
    reader.close()


# Chapters that put script in their page in ways the chapter rules do not see, and a substitution that
# would run a shell command while the book is built: all in one chapter's text.
SCRIPT_PROBES = """
```{code-cell} ipython3
class Probe:
    def _repr_html_(self):
        return "<script>window.__probe = 'repr'</script>"


Probe()
```

```{code-cell} ipython3
display({"text/html": "<img src=x onerror=\\"window.__probe = 'display'\\">"}, raw=True)
```

```{code-cell} ipython3
class Spaced:
    def _repr_html_(self):
        # U+00A0 is white space to html.parser, not to a browser, which reads a live script element here
        return '<p title\\xa0=\\xa0"x><script src="../pr-preview/pr-5/evil.js"></script><b title=">y</b>'


Spaced()
```

{{ lipsum.__globals__['os'].popen('touch MARKER').read() }}
"""
# Chapters that read a file from outside the repository into their page, or publish one beside it, in ways
# the chapter rules do not see: (chapter, its added text, the file as the build names it, why it is refused).
FILE_PROBES = [
    ("future-directions", "```{eval-rst}\n.. include:: ../../include.txt\n```\n", "../include.txt", "outside"),
    ("future-directions", "```{csv-table} A table\n:file: ../../table.csv\n```\n", "../table.csv", "outside"),
    ("future-directions", "![a picture](../../picture.png)\n", "../picture.png", "outside"),
    ("future-directions", "- An item.\n\n  ```{literalinclude} ../../listed.txt\n  ```\n", "../listed.txt", "outside"),
    ("future-directions", "```{LiteralInclude} ../../capitalised.txt\n```\n", "../capitalised.txt", "outside"),
    ("future-directions", "~~~{literalinclude} ../../tildes.txt\n~~~\n", "../tildes.txt", "outside"),
    ("future-directions", "See {download}`the settings <../.git/config>`.\n", ".git/config", "is not a source file"),
    ("whats-new", None, "book/whats-new.md", "is a symbolic link"),  # the chapter itself links outside
]
# Of these, the data check, which runs first, already refuses two in its own words: a chapter that is a link
# out of the project, and a download from .git. The build's guard is then shown without them.
CHECKED_FIRST = {
    "book/whats-new.md": "book/whats-new.md: expected a file inside the project; found a link or path leading out",
    ".git/config": "book/future-directions.md",  # the check names the chapter and the download
}
SECRET = "text-of-a-file-outside-the-repository"


def add_file_probes(project, probes):
    outside = project.parent
    for name in ("include.txt", "table.csv", "listed.txt", "capitalised.txt", "tildes.txt"):
        (outside / name).write_text(f"{SECRET}\n", encoding="utf-8")
    (outside / "picture.png").write_bytes(b"\x89PNG\r\n\x1a\n" + SECRET.encode())
    (project / ".git").mkdir(exist_ok=True)
    (project / ".git" / "config").write_text(f"[core]\n\t# {SECRET}\n", encoding="utf-8")
    for chapter, text, _, _ in probes:
        source = project / "book" / f"{chapter}.md"
        if text is None:  # the same chapter, with a secret, outside the repository
            shutil.copy(source, outside / source.name)
            with open(outside / source.name, "a", encoding="utf-8") as copy:
                copy.write(f"\n{SECRET}\n")
            source.unlink()
            source.symlink_to(outside / source.name)
        else:
            with open(source, "a", encoding="utf-8") as chapter_text:
                chapter_text.write(f"\n{text}")


@pytest.fixture(scope="module")
def probed(poisoned_site):
    """The poisoned project built again with the script probes, then, from the same saved state, with the
    file probes instead: each build reads only the chapters that changed (the file probes are in chapters
    with no code). A failed build discards what it kept, so the state is restored before the second."""
    project = poisoned_site.parents[1]
    published = site_digest(poisoned_site)
    kept = project.parent / "kept-build"
    shutil.copytree(project / "_build", kept, symlinks=True)  # at the same path again, Sphinx trusts it
    marker = project.parent / "substitution-ran"
    chapter = project / "book" / "rationale.md"
    original, modified = chapter.read_bytes(), chapter.stat().st_mtime_ns
    chapter.write_text(chapter.read_text(encoding="utf-8") + SCRIPT_PROBES.replace("MARKER", str(marker)))
    scripts = run_module("build", cwd=project)
    built = (project / "_build" / "work" / "_build" / "html" / "book" / "rationale.html").read_text(encoding="utf-8")
    after_scripts, substituted = site_digest(poisoned_site), marker.exists()
    chapter.write_bytes(original)
    os.utime(chapter, ns=(modified, modified))
    shutil.rmtree(project / "_build")
    shutil.move(kept, project / "_build")
    build_guarded = [probe for probe in FILE_PROBES if probe[2] not in CHECKED_FIRST]
    add_file_probes(project, build_guarded)
    files = run_module("build", cwd=project)
    checked = {}
    for probe in (probe for probe in FILE_PROBES if probe[2] in CHECKED_FIRST):  # each stops the check alone
        add_file_probes(project, [probe])
        checked[probe[2]] = run_module("build", cwd=project)
    return SimpleNamespace(
        checked=checked,
        scripts=scripts,
        built_with_scripts=built,
        substituted=substituted,
        files=files,
        published=published,
        after_scripts=after_scripts,
        after_files=site_digest(poisoned_site),
    )


def test_script_in_a_cells_output_fails_the_build_naming_the_page_and_chapter(probed):
    assert probed.scripts.returncode == 1
    problems = [line for line in probed.scripts.stderr.splitlines() if line.startswith("book/rationale.html:")]
    assert any(
        "an inline script the build did not make: \"window.__probe = 'repr'\" (the page of book/rationale.md)" in line
        for line in problems
    ), probed.scripts.stderr[-3000:]
    assert any("an event-handler attribute onerror= on <img> (the page of book/rationale.md)" in p for p in problems)
    assert any("a script from '../pr-preview/pr-5/evil.js', not one of the site's own" in p for p in problems)
    assert probed.after_scripts == probed.published  # the published site is as it was


def test_a_substitution_in_prose_is_text_and_runs_nothing(probed):
    assert not probed.substituted
    assert "{{ lipsum." in probed.built_with_scripts  # shown as text (Markdown makes __globals__ bold)


@pytest.mark.parametrize("chapter, text, named, reason", FILE_PROBES)
def test_a_file_from_outside_the_repository_fails_the_build_naming_chapter_and_file(
    probed, chapter, text, named, reason
):
    if named in CHECKED_FIRST:
        refused = probed.checked[named]
        assert refused.returncode == 1 and refused.stderr.endswith("nothing was built.\n")
        assert CHECKED_FIRST[named] in refused.stderr, refused.stderr
        return
    assert probed.files.returncode == 1
    lines = probed.files.stderr.splitlines()
    assert any(line.startswith(f"book/{chapter}.md: WARNING: {named} ") and reason in line for line in lines), lines
    assert probed.after_files == probed.published


def test_no_message_repeats_a_file_from_outside_the_repository(probed):
    assert probed.files.returncode == 1 and "WARNING: ../include.txt resolves outside" in probed.files.stderr
    assert SECRET not in probed.files.stdout + probed.files.stderr
    assert all(SECRET not in refused.stdout + refused.stderr for refused in probed.checked.values())
