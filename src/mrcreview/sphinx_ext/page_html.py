"""What each page's HTML gets or loses as it is written (html-page-context)."""

import html
import re
from pathlib import Path

from sphinx.application import Sphinx

from mrcreview.changes import current_version, release_date
from mrcreview.citing import page_citation_html
from mrcreview.register import REGISTER_INDEX
from mrcreview.sphinx_ext import private_api


def footer(app: Sphinx, pagename: str, templatename: str, context: dict, doctree) -> None:
    """Version and release date on every page, with links to the front page's living status and to how to
    cite it. How current the evidence is stays on the front page: a date here would rewrite every page
    whenever a study is checked."""
    root = Path(app.srcdir)
    front = "" if pagename == "book/index" else context["pathto"]("book/index")  # pathto gives "#" for itself
    status = f"{front}#living-status"
    cite = context["pathto"]("book/how-to-cite")
    context["theme_extra_footer"] = (
        f"<p>Version {html.escape(current_version(root))} ({html.escape(release_date(root))}) · "
        f'<a href="{status}">How current the evidence is</a> · <a href="{cite}">How to cite</a></p>'
    )


def cite_this_page(app: Sphinx, pagename: str, templatename: str, context: dict, doctree) -> None:
    """Under the footer's line, how to cite the page (citing.py); cite-page.js fills in its address and
    the day it is read."""
    title = app.env.titles.get(pagename)  # as written, without the section number the page shows
    if "theme_extra_footer" in context and title is not None:
        context["theme_extra_footer"] += page_citation_html(Path(app.srcdir), title.astext())


def escaped_theme_titles(app: Sphinx, pagename: str, templatename: str, context: dict, doctree) -> None:
    """sphinx-book-theme puts the page's and the front page's titles into its print heading and its
    navigation as raw text (title.astext(), written unescaped): a heading written `&lt;b&gt;` would be an
    element. The titles are escaped once the theme has set them."""
    for key in ("pagetitle", "root_title"):
        if isinstance(context.get(key), str):
            context[key] = html.escape(context[key], quote=True)


def accessible_citations(app: Sphinx, pagename: str, templatename: str, context: dict, doctree) -> None:
    """docutils marks bibliography entries role="doc-biblioentry" inside role="list", which
    screen readers and axe reject (a list must hold list items)."""
    if "body" in context:
        context["body"] = context["body"].replace('role="doc-biblioentry"', 'role="listitem"')


TABLE = re.compile(r"<table\b.*?</table>", re.S)


def label_cells(table: str) -> str:
    """Give each body cell its column's header as data-label, so that on a phone the stylesheet can
    show a wide table as one block per row, each value under its header's name."""
    head = re.search(r"<thead>(.*?)</thead>", table, re.S)
    if head is None:
        return table
    names = [
        html.unescape(re.sub(r"<[^>]+>", "", th)).strip()
        for th in re.findall(r"<th\b[^>]*>(.*?)</th>", head.group(1), re.S)
    ]
    labels = [html.escape(name, quote=True) for name in names]

    def row(match: re.Match) -> str:
        column = iter(labels)
        return re.sub(r"<td\b", lambda _: f'<td data-label="{next(column, "")}"', match.group(0))

    return re.sub(
        r"<tbody>.*?</tbody>", lambda body: re.sub(r"<tr\b.*?</tr>", row, body.group(0), flags=re.S), table, flags=re.S
    )


TAG = re.compile(r"(<[^>]*>)")
RANGE = re.compile(r"[^\s–]+(?:–[^\s–]+)+")  # 5.9%–11.0%, (1.86–4.95), cT2–cT3b


def ranges_kept_whole(table: str) -> str:
    """A browser may break a line after an en dash: in a table, a range (an interval, cT2–cT3b) is kept on
    one line. Only text between tags is touched."""
    parts = TAG.split(table)
    parts[::2] = [RANGE.sub(lambda match: f'<span class="nowrap">{match.group(0)}</span>', text) for text in parts[::2]]
    return "".join(parts)


def stackable_tables(app: Sphinx, pagename: str, templatename: str, context: dict, doctree) -> None:
    if "body" in context:
        context["body"] = TABLE.sub(lambda table: ranges_kept_whole(label_cells(table.group(0))), context["body"])


def tidy_page_scripts(app: Sphinx, pagename: str, templatename: str, context: dict, doctree) -> None:
    """Drop Thebe, which the book does not use (the default theme declares its THEBE_JS_URL twice, an error
    in every browser console)."""
    if "script_files" not in context:
        return

    def keep(script) -> bool:
        name, body = private_api.script_file_and_body(script)
        return "thebe" not in name and "THEBE_JS_URL" not in body

    context["script_files"] = [script for script in context["script_files"] if keep(script)]


SECTION_TOGGLE = re.compile(r'(<a class="[^"]*reference internal" href="[^"]*">([^<]*)</a><details[^>]*>)<summary>')


def named_section_toggles(app: Sphinx, pagename: str, templatename: str, context: dict, doctree) -> None:
    """The theme opens a section's pages in the navigation with a <summary> that holds only an icon:
    screen readers announce nothing (axe's summary-name). Each is named after the section it opens."""
    draw = context.get("generate_toctree_html")
    if draw is None:
        return

    def named(*args, **kwargs):
        def label(match: re.Match) -> str:
            section = html.escape(html.unescape(match.group(2)), quote=True)
            return f'{match.group(1)}<summary aria-label="Pages of {section}">'

        return SECTION_TOGGLE.sub(label, str(draw(*args, **kwargs)))

    context["generate_toctree_html"] = named


def register_moved_script(app: Sphinx, pagename: str, templatename: str, context: dict, doctree) -> None:
    if pagename == f"book/{REGISTER_INDEX}":
        app.add_js_file("register-moved.js")  # on this page only


def release_sites_script(app: Sphinx, pagename: str, templatename: str, context: dict, doctree) -> None:
    if 'class="release-sites' in context.get("body", ""):
        app.add_js_file("release-sites.js")  # on the pages that list releases only
