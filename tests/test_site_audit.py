"""The audit of the built site: small hand-made sites, one rule (and the ways around it) at a time."""

import os
import shutil
from importlib.util import find_spec
from pathlib import Path

import pytest

from mrcreview import page_audit
from mrcreview.site_audit import audit_site

HEAD = """<!DOCTYPE html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <title>A page</title>
    <script>DOCUMENTATION_OPTIONS.pagename = 'book/page';</script>
    <script src="../_static/theme.js"></script>
  </head>
  <body>
"""
BODY_LINE = HEAD.count("\n") + 1  # the line a one-line body is on
TAIL = "\n  </body>\n</html>\n"


def make_site(folder: Path, body: str = "<p>Text.</p>", files: dict[str, str] | None = None) -> Path:
    """A site with one page, book/page.html, holding body, and the files named."""
    for name, text in {"book/page.html": HEAD + body + TAIL, "_static/theme.js": "", **(files or {})}.items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_text(text, encoding="utf-8")
    return folder


def problems_of(tmp_path: Path, body: str) -> list[str]:
    return audit_site(make_site(tmp_path / "site", body))


def test_a_clean_page_passes(tmp_path):
    body = (
        '<p><a href="https://doi.org/10.1000/1">a work</a>, <a href="other.html#x">a page</a>, '
        '<img src="../_static/logo.png" alt="">, <img src="data:image/svg+xml;base64,PHN2Zz4=" alt=""></p>\n'
        '<script type="application/json" class="vega-spec">{"mark": "bar"}</script>\n'
        '<form action="../search.html" method="get"><input name="q"></form>\n'
        '<svg viewBox="0 0 10 10"><title>A diagram</title><a href="#x"><rect width="1" height="1"/></a></svg>'
    )
    assert audit_site(make_site(tmp_path / "site", body, {"search.html": "<p>Search</p>"})) == []


SCRIPT = [
    "<script>window.x = 1</script>",
    '<script type="text/javascript">window.x = 1</script>',
    '<script type=" TEXT/JavaScript ">window.x = 1</script>',
    '<script type="module">window.x = 1</script>',
    '<script type="importmap">{"imports": {}}</script>',
    '<script language="javascript">window.x = 1</script>',
    "<SCRIPT>window.x = 1</SCRIPT>",
    "<script>DOCUMENTATION_OPTIONS.pagename = 'book/another';</script>",  # a theme script, but not this page's
]


@pytest.mark.parametrize("body", SCRIPT)
def test_an_inline_script_the_build_did_not_make_is_refused(tmp_path, body):
    assert problems_of(tmp_path, body) == [
        f"book/page.html:{BODY_LINE}: an inline script the build did not make: {body.split('>')[1].split('<')[0]!r}"
    ]


@pytest.mark.parametrize(
    "source",
    [
        "https://cdn.example.org/vega.js",
        "//cdn.example.org/vega.js",
        "data:text/javascript,window.x=1",
        "../_downloads/abc/evil.js",  # a file the site has, but not one of its script files
        "../_static/missing.js",
        "/_static/theme.js",
    ],
)
def test_a_script_file_from_anywhere_but_the_sites_own_is_refused(tmp_path, source):
    site = make_site(tmp_path / "site", f'<script src="{source}"></script>', {"_downloads/abc/evil.js": ""})
    problems = audit_site(site)
    assert f"book/page.html:{BODY_LINE}: a script from {source!r}, not one of the site's own script files" in problems


def test_a_json_script_element_must_hold_json(tmp_path):
    problems = problems_of(tmp_path, '<script type="application/json">window.x = 1</script>')
    assert problems == [f"book/page.html:{BODY_LINE}: a JSON script element whose text is not JSON"]


@pytest.mark.parametrize(
    "body, attribute",
    [
        ('<img src="x.png" onerror="window.x = 1">', "onerror= on <img>"),
        ('<p ONMOUSEOVER="window.x = 1">x</p>', "onmouseover= on <p>"),
        ('<img src="x.png"/onerror="window.x = 1">', "onerror= on <img>"),
        ('<svg onload="window.x = 1"></svg>', "onload= on <svg>"),
        ('<a href="#"\nonclick="window.x = 1">x</a>', "onclick= on <a>"),
    ],
)
def test_an_event_handler_attribute_is_refused(tmp_path, body, attribute):
    assert any(f"an event-handler attribute {attribute}" in problem for problem in problems_of(tmp_path, body))


@pytest.mark.parametrize(
    "body",
    [
        '<a href="javascript:window.x=1">x</a>',
        '<a href=" JaVaScRiPt:window.x=1">x</a>',
        '<a href="java&#x09;script:window.x=1">x</a>',  # a browser drops the tab
        '<a href="jav&#10;ascript:window.x=1">x</a>',  # and the line feed
        '<a href="&#x01;javascript:window.x=1">x</a>',  # and leading controls
        '<a href="&#106;avascript&colon;window.x=1">x</a>',
        '<a href="vbscript:msgbox(1)">x</a>',
        '<a href="data:text/html,&lt;script&gt;window.x=1&lt;/script&gt;">x</a>',
        '<button formaction="javascript:window.x=1">x</button>',
        '<svg><a xlink:href="javascript:window.x=1"><text>x</text></a></svg>',
        '<img src="data:text/html;base64,PHNjcmlwdD4=" alt="">',
        '<img src="x.png" srcset="x.png 1x, javascript:window.x=1 2x" alt="">',
        '<img src="https://tracker.example.org/pixel.png" alt="">',
        '<link rel="stylesheet" href="//fonts.example.org/font.css">',
        '<svg><use href="data:image/svg+xml,x#y"/></svg>',
    ],
)
def test_an_address_that_runs_script_or_leaves_the_site_is_refused(tmp_path, body):
    problems = problems_of(tmp_path, body)
    assert len(problems) == 1 and problems[0].startswith(f"book/page.html:{BODY_LINE}: "), problems
    assert "address in" in problems[0] or "from outside the site" in problems[0]


@pytest.mark.parametrize(
    "body, what",
    [
        ('<iframe src="other.html"></iframe>', "an iframe"),
        ('<iframe srcdoc="&lt;script&gt;parent.x=1&lt;/script&gt;"></iframe>', "an iframe"),
        ('<object data="movie.swf"></object>', "an object element"),
        ('<embed src="movie.swf">', "an embed element"),
        ('<frameset><frame src="other.html"></frameset>', "a frame"),
        ('<base href="https://example.org/">', "a base element"),
        ("<math><mtext>x</mtext></math>", "MathML"),
        ('<form action="https://example.org/collect"><input name="q"></form>', "a form sending to"),
        ('<meta http-equiv="refresh" content="0; url=https://example.org/">', '<meta http-equiv="refresh">'),
        ('<meta http-equiv="Set-Cookie" content="a=b">', '<meta http-equiv="set-cookie">'),
        ('<meta http-equiv="Content-Security-Policy" content="script-src *">', "content-security-policy"),
        ('<meta charset="utf-7">', "a character set other than UTF-8"),
        ("<svg><script>window.x = 1</script></svg>", "<script> inside SVG"),
        ('<svg><foreignObject><img src="x.png"></foreignObject></svg>', "<foreignobject> inside SVG"),
        ('<svg><a><animate attributeName="href" values="javascript:window.x=1"/></a></svg>', "<animate> inside SVG"),
        ('<svg><a><set attributeName="href" to="javascript:window.x=1"/></a></svg>', "<set> inside SVG"),
    ],
)
def test_elements_that_embed_navigate_or_script_are_refused(tmp_path, body, what):
    assert any(what in problem for problem in problems_of(tmp_path, body)), problems_of(tmp_path, body)


# Each hides an <img onerror> from a reader that parses like html.parser but not from a browser.
PARSER_DIFFERENCES = [
    "<!--><img src=x onerror=window.x=1>-->",
    "<!---><img src=x onerror=window.x=1>-->",
    "<!-- a --!><img src=x onerror=window.x=1>-->",
    "<![CDATA[><img src=x onerror=window.x=1>]]>",
    '<noscript><p title="</noscript><img src=x onerror=window.x=1>"></p></noscript>',
    '<textarea/><p title="</textarea><img src=x onerror=window.x=1>"></p>',
    '<script type="application/json">{}</script x><img src=x onerror=window.x=1></script>',
    "<svg><style><img src=x onerror=window.x=1></style></svg>",
    '<svg><p></p><title><a title="</title><img src=x onerror=window.x=1>"></a></title></svg>',
    '<img src=x onerror=window.x=1 "',
    # a browser leaves SVG at </p>: <style> is then HTML's raw text, and the "attribute" below it markup
    '<svg></p><style><a id="</style><script src=../_downloads/e/evil.js></script>"></style></svg>',
    # U+00A0 (and U+3000, U+000B ...) is white space to html.parser, not to a browser: the browser reads
    # title\xa0 as one attribute's name, its value up to the space, then src and onerror
    '<img title\xa0=\xa0"<x src=x onerror=window.x=1 >">',
    '<p title\u3000=\u3000"x><script src=../_downloads/e/evil.js></script><b title=">y</b>',
    '<p title\x0b=\x0b"x><script src=../_downloads/e/evil.js></script><b title=">y</b>',
    # "</ svg>" is a comment to a browser, which stays in SVG, where <title> holds markup
    "<svg></ svg><title><script src=../_downloads/e/evil.js></script></title></svg>",
    "<svg></\nsvg><title><script src=../_downloads/e/evil.js></script></title></svg>",
    "<svg></svg\xa0><title><script src=../_downloads/e/evil.js></script></title></svg>",
    # a browser that ignores <title> inside <select> (as the HTML standard long said) reads its text as markup
    "<select><title><script src=../_downloads/e/evil.js></script></title></select>",
]


@pytest.mark.parametrize("body", PARSER_DIFFERENCES)
def test_markup_that_a_browser_reads_differently_is_refused(tmp_path, body):
    assert problems_of(tmp_path, body) != []


def test_raw_text_elements_are_read_as_text_as_a_browser_reads_them(tmp_path):
    """html.parser reads title and textarea as markup: the audit sets its raw-text mode for them (an
    undocumented part of html.parser: this fails if it changes), so an end tag inside an attribute
    ends them, as in a browser. Text in them that looks like markup is refused: a browser that ignores
    the element reads it as markup."""
    assert problems_of(tmp_path, "<textarea>a < b & c</textarea>") == []
    ended = problems_of(tmp_path, '<textarea><p title="</textarea><img src=x onerror=window.x=1>"></p>')
    assert ended == [
        f"book/page.html:{BODY_LINE}: markup inside a textarea element",
        f"book/page.html:{BODY_LINE}: an event-handler attribute onerror= on <img>",
    ]


REFRESH = '<meta http-equiv="refresh">'


def test_a_browser_keeps_an_attributes_first_value_and_so_does_the_audit(tmp_path):
    """The value html.parser's dict would keep is the last; a browser uses the first."""
    for body, problem in [
        (
            '<script src="../_downloads/e/evil.js" src="../_static/theme.js"></script>',
            "a script from '../_downloads/e/evil.js', not one of the site's own script files",
        ),
        (
            '<form action="https://example.org/collect" action="../search.html"><input name="q"></form>',
            "a form sending to 'https://example.org/collect' (only the theme's search box is a form)",
        ),
        ('<meta http-equiv="refresh" http-equiv="" content="0; url=https://example.org/">', REFRESH),
        ('<meta http-equiv="refresh" content="0; url=https://example.org/" http-equiv>', REFRESH),
    ]:
        site = make_site(tmp_path / str(len(body)), body, {"search.html": "<p>Search</p>"})
        assert audit_site(site) == [f"book/page.html:{BODY_LINE}: {problem}"], body


def test_what_a_browser_with_script_off_reads_in_noscript_is_audited(tmp_path):
    """With script on, noscript is raw text; with it off, markup: a meta refresh there sends every reader
    without script elsewhere, which no Content-Security-Policy stops. The theme's own noscript passes."""
    theme = "<noscript>\n<style>\n.pst-js-only { display: none !important; }\n</style>\n</noscript>"
    assert problems_of(tmp_path / "theme", theme) == []
    refresh = '<noscript>\n<meta http-equiv="refresh" content="0; url=https://example.org/">\n</noscript>'
    assert problems_of(tmp_path, refresh) == [f"book/page.html:{BODY_LINE + 1}: {REFRESH}"]


def test_only_what_a_browser_reads_as_white_space_is_read_as_such():
    """html.parser's patterns take every character str.isspace() knows for white space (this fails if the
    set changes, and NOT_HTML_SPACE must follow); a browser takes tab, line feed, form feed, CR and space."""
    python_only = {c for c in range(0x110000) if chr(c).isspace()} - set(map(ord, "\t\n\x0c\r "))
    assert set(page_audit.NOT_HTML_SPACE) == python_only


def test_a_nul_character_is_refused(tmp_path):
    assert f"book/page.html:{BODY_LINE}: a NUL character" in problems_of(tmp_path, "<p>a\x00b</p>")


def test_the_root_redirect_may_refresh_to_a_page_of_the_site_and_nowhere_else(tmp_path):
    site = make_site(
        tmp_path / "site", files={"index.html": '<meta http-equiv="Refresh" content="0; url=book/page.html" />'}
    )
    assert audit_site(site) == []
    (site / "index.html").write_text('<meta http-equiv="Refresh" content="0; url=javascript:window.x=1" />')
    assert audit_site(site) == ["index.html:1: a redirect to '0; url=javascript:window.x=1', not to a page of the site"]


def test_a_problem_names_the_chapter_that_made_the_page(tmp_path):
    root = tmp_path / "project"
    (root / "book").mkdir(parents=True)
    (root / "book" / "page.md").write_text("# A page\n")
    site = make_site(root / "_build" / "html", "<script>window.x = 1</script>")
    made = "an inline script the build did not make: 'window.x = 1'"
    assert audit_site(site, root) == [f"book/page.html:{BODY_LINE}: {made} (the page of book/page.md)"]


def test_symbolic_links_and_other_special_files_are_refused(tmp_path):
    site = make_site(tmp_path / "site")
    (tmp_path / "outside").mkdir()
    (site / "book" / "linked.html").symlink_to(tmp_path / "outside" / "page.html")
    (site / "_static" / "linked").symlink_to(tmp_path / "outside", target_is_directory=True)
    os.mkfifo(site / "book" / "pipe")
    assert sorted(audit_site(site)) == [
        "_static/linked: a symbolic link",
        "book/linked.html: a symbolic link",
        "book/pipe: not a regular file",
    ]


@pytest.mark.parametrize(
    "name, text, problem",
    [
        ("book/page.js", "window.x = 1", "a script file outside _static/"),
        ("evil.xhtml", "<html/>", "a file browsers open as a document, of a kind the build does not make"),
        ("page.htm", "<p>x</p>", "a file browsers open as a document, of a kind the build does not make"),
        ("_images/page.html", "<p>x</p>", "a page where the build makes none"),
        ("_static/page.html", "<p>x</p>", "a page where the build makes none"),
        ("_images/figure.exe", "MZ", "an image of a type the build does not make"),
        (
            "searchindex.js",
            'Search.setIndex({"a": 1}); window.x = 1;',
            "the search index is not Search.setIndex(<JSON data>)",
        ),
        ("_images/figure.svg", "<svg><script>window.x = 1</script></svg>", "an SVG file, a document browsers run"),
        ("_downloads/0a1b/evil.js", "window.x = 1", "a script file outside _static/"),
        ("book/evil.mjs", "window.x = 1", "a script file outside _static/"),
        ("book/styled.html", '<?xml-stylesheet href="style.xsl"?><p>x</p>', "a processing instruction"),
        ("_static/icon.svg", '<svg onload="window.x = 1"/>', "an event-handler attribute onload= on <svg>"),
        ("_downloads/0a1b/figure.svg", '<svg><a z:href="javascript:x()"/></svg>', "an SVG file, a document browsers"),
    ],
)
def test_every_file_is_one_the_build_makes(tmp_path, name, text, problem):
    problems = audit_site(make_site(tmp_path / "site", files={name: text}))
    assert len(problems) == 1 and problems[0].startswith(name) and problem in problems[0], problems


def test_the_search_index_is_data(tmp_path):
    assert audit_site(make_site(tmp_path / "site", files={"searchindex.js": 'Search.setIndex({"a": [1]})'})) == []


def test_the_themes_own_templates_under_static_pass_as_it_ships_them(tmp_path):
    shipped = Path(find_spec("pydata_sphinx_theme").origin).parent / "theme" / "pydata_sphinx_theme" / "static"
    site = make_site(tmp_path / "site")
    shutil.copy(shipped / "webpack-macros.html", site / "_static" / "webpack-macros.html")
    assert audit_site(site) == []
    with open(site / "_static" / "webpack-macros.html", "a") as changed:
        changed.write("<script>window.x = 1</script>")
    assert audit_site(site) != []


def test_downloads_and_sources_are_the_repositorys_files(tmp_path):
    root = tmp_path / "project"
    for name, text in {
        "data/table.csv": "a,b\n1,2\n",
        "book/page.md": "# A page\n",
        ".git/config": "[secret]\n",
    }.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text)
    files = {"_downloads/1f/table.csv": "a,b\n1,2\n", "_sources/book/page.md": "# A page\n"}
    site = make_site(root / "_build" / "html", files=files)
    assert audit_site(site, root) == []
    (site / "_downloads" / "2e").mkdir()
    (site / "_downloads" / "2e" / "config").write_text("[secret]\n")
    (site / "_sources" / "book" / "page.md").write_text("# Another text\n")
    assert sorted(audit_site(site, root)) == [
        "_downloads/2e/config: a download that is not a file of the repository",
        "_sources/book/page.md: a page's source that is not the repository's file",
    ]
