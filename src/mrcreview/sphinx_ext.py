"""Sphinx extension of the book.

1. Numbers and dependencies. {n}`outcome-id` places a reported number, formatted as reported and
   linked to its evidence-register entry; a page that places numbers ends with the studies behind
   them. Sphinx re-reads a page only when its source changes, and jupyter-cache keys only on code:
   so each page records which data it used while it is read (dependencies.py), and the next build
   re-reads (and re-executes) exactly the pages whose recorded data now answers differently.
   The evidence register (a first page, then one page per range of first letters of the studies'
   names) and What's new are directives that render the data as the page is read.
   A page citing a reference that changed in refs.bib is read again; unchanged references keep the
   formatting the last build gave them (bibstyle.py). When a title, a number or a glossary term
   that every page may show changes, every page is written again.
2. Charts draw with Vega libraries served by the site itself, at the versions the
   installed Altair expects; the build fails when they disagree.
3. Nothing from a pull request runs in a reader's browser: the search index stores
   titles escaped, and a link to anything but an https:// address fails the build.
"""

import copy
import hashlib
import html
import importlib.metadata
import json
import os
import re
import shutil
from pathlib import Path

import jinja2
from docutils import nodes
from docutils.parsers.rst import Directive, directives, roles
from docutils.statemachine import StringList
from sphinx import addnodes
from sphinx.application import Sphinx
from sphinx.errors import ExtensionError
from sphinx.util import logging
from sphinx.util.docutils import SphinxDirective

from mrcreview.bibstyle import formatted_in_this_build, reuse_formatted, what_decides
from mrcreview.bibstyle import register as register_bibliography_style
from mrcreview.changes import current_version, release_date, whats_new_markdown
from mrcreview.dependencies import RECORD, changed_pages, start_record
from mrcreview.loading import evidence_as_of, load_figure, number_text
from mrcreview.register import (
    NUMBER_ROLE,
    REGISTER_INDEX,
    REGISTER_PARTS,
    Entry,
    anchor,
    part_letters,
    register_contents,
    register_part_entries,
    study_anchor,
)
from mrcreview.tables import EVIDENCE_HEADING, evidence_summary_markdown
from mrcreview.untrusted import script_json

LOGGER = logging.getLogger(__name__)
VENDOR = Path("vendor") / "node_modules"
VEGA_FILES = {
    "vega": "build/vega.min.js",
    "vega-lite": "build/vega-lite.min.js",
    "vega-embed": "build/vega-embed.min.js",
}
# Icons as CSS plus the web fonts the theme already ships (in _static/vendor/fontawesome/webfonts),
# instead of the theme's icon script (_templates/static/webpack-macros.html drops it).
ICON_CSS = ["fontawesome.min.css", "solid.min.css", "regular.min.css"]
ICON_PACKAGE = "@fortawesome/fontawesome-free"


def records(app: Sphinx) -> Path:
    return Path(app.doctreedir) / "data-used"


def start_page(app: Sphinx, docname: str, source: list[str]) -> None:
    """A page starts an empty record of the data it uses; one that places numbers gets its evidence list."""
    start_record(records(app), docname)
    if NUMBER_ROLE.search(source[0]):
        source[0] = source[0].rstrip("\n") + f"\n\n## {EVIDENCE_HEADING}\n\n```{{evidence-summary}}\n```\n"


def end_page(app: Sphinx, doctree) -> None:
    os.environ.pop(RECORD, None)  # what Sphinx reads later (the footer's date, say) is no page's data


def pages_whose_data_changed(app: Sphinx, env, added: set, changed: set, removed: set) -> list[str]:
    return sorted(changed_pages(records(app), Path(app.srcdir), set(env.found_docs) - added - changed - removed))


def counted(count: int, one: str, many: str) -> str:
    return f"{count} {one if count == 1 else many}"


def std_ref(label: str, text: str) -> addnodes.pending_xref:
    """A link to a label, showing text as text (a contributor's text is never read as markup)."""
    return addnodes.pending_xref(
        "", nodes.inline(text=text), refdomain="std", reftype="ref", reftarget=label, refexplicit=True, refwarn=True
    )


def number_role(name, rawtext, text, lineno, inliner, options=None, content=None):
    """{n}`outcome-id`: the number as reported, linked to its register entry."""
    env = inliner.document.settings.env
    outcome_id = text.strip()
    try:
        shown = number_text(outcome_id, root=Path(env.srcdir))
    except KeyError:
        message = inliner.reporter.warning(
            f"{{n}}`{outcome_id[:80]}`: expected an outcome_id of data/outcomes.csv; found none "
            "(`python -m mrcreview check` suggests the closest)",
            line=lineno,
        )
        return [inliner.problematic(rawtext, rawtext, message)], [message]
    env.temp_data.setdefault("mrcreview_numbers", []).append(outcome_id)
    return [std_ref(anchor(outcome_id), shown)], []


def parsed(directive: SphinxDirective, text: str) -> list[nodes.Node]:
    """MyST made by the package, parsed in place of the directive."""
    holder = nodes.Element()
    lines = StringList(text.splitlines(), source=directive.get_source_info()[0])
    directive.state.nested_parse(lines, directive.content_offset, holder)
    return holder.children


class EvidenceSummary(SphinxDirective):
    """The studies behind the numbers the page placed with {n}: added by start_page, not written."""

    def run(self):
        used = list(dict.fromkeys(self.env.temp_data.get("mrcreview_numbers", [])))
        text = evidence_summary_markdown(*used, root=Path(self.env.srcdir))
        container = nodes.container(classes=["evidence-summary"])
        container += parsed(self, text)
        return [container]


def role(directive: SphinxDirective, name: str, text: str) -> list[nodes.Node]:
    """What {name}`text` makes where the directive stands, as if written in the page (a citation is noted)."""
    function, _ = roles.role(name, directive.state_machine.language, directive.lineno, directive.state.reporter)
    made, _ = function(name, f"{{{name}}}`{text}`", text, directive.lineno, directive.state.inliner)
    return made


class EvidenceRegister(SphinxDirective):
    """The register's first page: how many numbers it holds, and each of its pages (register.py) with
    the studies on it, each linked to its entries. It is read again only when a study or a row is
    added, removed or renamed."""

    def run(self):
        contents = register_contents(root=Path(self.env.srcdir))
        numbers = sum(len(part.outcome_ids) for part in contents)
        studies = sum(len(part.studies) for part in contents)
        held = (
            f"The register holds {counted(numbers, 'number', 'numbers')} from {counted(studies, 'study', 'studies')}, "
            f"on {len(contents)} pages by the first letter of the study's name:"
        )
        pages = nodes.bullet_list()
        for part in contents:
            item = nodes.paragraph("", "", *role(self, "doc", part.page))
            if not part.studies:
                item += nodes.Text(": no study yet.")
            else:
                item += nodes.Text(f" ({counted(len(part.outcome_ids), 'number', 'numbers')}): ")
                for number, (study_id, name) in enumerate(part.studies):
                    item += [nodes.Text(" · ")] if number else []
                    item += std_ref(study_anchor(study_id), name)
            pages += nodes.list_item("", item)
        # Links made before the register was split (evidence-register.html#ev-<id>) are sent on to the
        # entry's page by register-moved.js, which reads where each entry is from this (ids are [a-z0-9-]).
        moved = {f"{part.page}.html": [anchor(i) for i in part.outcome_ids] for part in contents}
        where = f'<script type="application/json" id="register-pages">{script_json(moved)}</script>'
        return [nodes.paragraph(text=held), pages, nodes.raw("", where, format="html")]


class EvidenceRegisterPart(SphinxDirective):
    """One page of the register: every row of outcomes.csv whose study's name begins with the page's
    letters, under its study and source (register.py), built as Sphinx reads the page: no kernel and no
    Markdown to parse. A contributor's text is placed as text: it is never read as markup."""

    def run(self):
        page = Path(self.env.docname).name
        if page not in {name for name, _, _ in REGISTER_PARTS}:
            expected = ", ".join(f"book/{name}.md" for name, _, _ in REGISTER_PARTS)
            message = f"evidence-register-part: expected on one of the register's pages ({expected}); found {page}"
            return [self.state.document.reporter.warning(message, line=self.lineno)]
        sources = register_part_entries(page, root=Path(self.env.srcdir))
        letters = part_letters(page)
        studies = len({source.study_id for source in sources})
        numbers = sum(len(source.entries) for source in sources)
        held = f"{counted(numbers, 'number', 'numbers')} from {counted(studies, 'study', 'studies')}."
        if not sources:
            held = f"No study's name begins with {letters} yet."
        made: list[nodes.Node] = [nodes.paragraph(text=held)]
        headed = set()
        for source in sources:
            if source.study_id not in headed:  # a study's first source carries the study's anchor
                headed.add(source.study_id)
                made.append(self.target(study_anchor(source.study_id)))
            head = nodes.paragraph("", "", nodes.strong(text=source.study), nodes.Text(" "))
            head += role(self, "cite:p", source.citation_key)
            made.append(head)
            for entry in source.entries:
                made += self.entry(entry)
        return made

    def target(self, label: str) -> nodes.target:
        target = nodes.target()  # its id moves to the element below, as for a (label)= line
        target["names"].append(label)
        self.state.document.note_explicit_target(target)
        return target

    def entry(self, entry: Entry) -> list[nodes.Node]:
        facts = nodes.paragraph(
            "", "", nodes.strong(text=entry.value), nodes.Text("".join(f" · {f}" for f in entry.facts))
        )
        use = nodes.paragraph(text="not yet shown in a chapter")
        if entry.chapters:
            use = nodes.paragraph(text="shown in: ")
            for number, chapter in enumerate(entry.chapters):
                use += [nodes.Text(", ")] if number else []
                use += role(self, "doc", chapter)
        item = nodes.definition_list_item("", nodes.term("", "", nodes.literal(text=entry.outcome_id)))
        item += [nodes.definition("", part) for part in (facts, nodes.paragraph(text=entry.source), use)]
        return [self.target(anchor(entry.outcome_id)), nodes.definition_list("", item, classes=["myst"])]


class WhatsNew(SphinxDirective):
    """The changes since the current release and in it (changes.py), made as Sphinx reads the page."""

    def run(self):
        return parsed(self, whats_new_markdown(root=Path(self.env.srcdir)))


class EvidenceFigure(SphinxDirective):
    """A figure of data/figures.csv, glued by the chapter's mr.glue_figure("<id>"): places the chart
    as fig-<id> with the block's text as caption, then its numbers as table tbl-<id>, then, for a forest
    plot with a pooling rule, the pooled estimate or why there is none."""

    required_arguments = 1
    has_content = True

    def run(self):
        figure_id = self.arguments[0]
        try:
            figure, _ = load_figure(figure_id, root=Path(self.env.srcdir))
        except KeyError:
            message = f"evidence-figure {figure_id[:80]!r}: expected a figure_id of data/figures.csv; found none"
            return [self.state.document.reporter.warning(message, line=self.lineno)]
        caption = "\n".join(self.content)
        fence = "`" * max(3, max((len(run) for run in re.findall(r"`+", caption)), default=0) + 1)
        text = f"{fence}{{glue:figure}} fig-{figure_id}\n:name: fig-{figure_id}\n\n{caption}\n{fence}\n\n"
        text += f"```{{glue:md}} tbl-{figure_id}\n:format: myst\n```\n"
        if isinstance(figure["pool"], str):
            text += f"\n```{{glue:md}} pool-{figure_id}\n:format: myst\n```\n"
        return parsed(self, text)


def vendored_versions(root: Path) -> dict[str, str]:
    versions = {}
    for package in VEGA_FILES:
        manifest = root / VENDOR / package / "package.json"
        if not manifest.exists():
            raise ExtensionError(
                f"{manifest}: expected the vendored {package} package; found no such file "
                "(run `make vendor`, which installs it from the npm registry)"
            )
        versions[package] = json.loads(manifest.read_text(encoding="utf-8"))["version"]
    return versions


def version_mismatches(versions: dict[str, str]) -> list[str]:
    """Compare vendored versions with what Altair's HTML output would load from a CDN."""
    import altair as alt

    wanted = {"vega": alt.VEGA_VERSION, "vega-lite": alt.VEGALITE_VERSION, "vega-embed": alt.VEGAEMBED_VERSION}
    problems = []
    for package, want in wanted.items():
        have = versions[package]
        # Altair names vega and vega-embed by major version and vega-lite exactly.
        if have.split(".")[: len(want.split("."))] != want.split("."):
            problems.append(
                f"vendor/package.json: expected {package} {want} (as altair {alt.__version__} expects); found {have}"
            )
    return problems


def add_vega(app: Sphinx) -> None:
    versions = vendored_versions(Path(app.srcdir))
    # Importing Altair to compare takes a quarter of a second: compare again only when a version
    # moved since the last build that passed (the environment keeps what it compared).
    compared = (importlib.metadata.version("altair"), versions)
    if getattr(app.env, "mrcreview_vega_compared", None) != compared:
        problems = version_mismatches(versions)
        if problems:
            raise ExtensionError("\n".join(problems))
        app.env.mrcreview_vega_compared = compared
    for file in VEGA_FILES.values():
        app.add_js_file(f"vendor/{Path(file).name}")
    for css in ICON_CSS:
        app.add_css_file(f"vendor/fontawesome/css/{css}")


def root_redirect(app: Sphinx, exception) -> None:
    """The site's root page, which sends the reader to the book's first page. Jupyter Book's table of
    contents writes one only where none exists, without the icon; this one names it, like every page."""
    if exception is not None or app.builder.name != "html" or app.config.root_doc == "index":
        return
    Path(app.outdir, "index.html").write_text(
        f'<meta http-equiv="Refresh" content="0; url={app.config.root_doc}.html" />\n'
        f'<link rel="icon" href="_static/{Path(app.config.html_favicon).name}" />\n',
        encoding="utf-8",
    )


def copy_vega(app: Sphinx, exception) -> None:
    if exception is not None or app.builder.format != "html":
        return
    target = Path(app.outdir) / "_static" / "vendor"
    target.mkdir(parents=True, exist_ok=True)
    for package, file in VEGA_FILES.items():
        shutil.copy2(Path(app.srcdir) / VENDOR / package / file, target / Path(file).name)
    icons = target / "fontawesome" / "css"
    icons.mkdir(parents=True, exist_ok=True)
    for css in ICON_CSS:
        shutil.copy2(Path(app.srcdir) / VENDOR / ICON_PACKAGE / "css" / css, icons / css)


def tidy_page_scripts(app: Sphinx, pagename: str, templatename: str, context: dict, doctree) -> None:
    """Load the Vega libraries only on pages with a chart, and drop Thebe, which the book does not use
    (the default theme declares its THEBE_JS_URL twice, an error in every browser console)."""
    if "script_files" not in context:
        return
    has_chart = "vegaEmbed(" in context.get("body", "")

    def keep(script) -> bool:
        name = getattr(script, "filename", str(script)) or ""
        body = getattr(script, "attributes", {}).get("body", "")
        if "thebe" in name or "THEBE_JS_URL" in body:
            return False
        return has_chart or "/vendor/vega" not in f"/{name}"

    context["script_files"] = [script for script in context["script_files"] if keep(script)]


def accessible_citations(app: Sphinx, pagename: str, templatename: str, context: dict, doctree) -> None:
    """docutils marks bibliography entries role="doc-biblioentry" inside role="list", which
    screen readers and axe reject (a list must hold list items)."""
    if "body" in context:
        context["body"] = context["body"].replace('role="doc-biblioentry"', 'role="listitem"')


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


GLOSSARY = "book/glossary"
# Text in these is not prose to annotate: a heading, a link, code, a citation, the glossary itself.
NOT_PROSE = (
    nodes.title,
    nodes.reference,
    nodes.literal,
    nodes.literal_block,
    nodes.raw,
    nodes.term,
    nodes.citation_reference,
    addnodes.pending_xref,
    nodes.FixedTextElement,
)


def link_first_use_of_terms(app: Sphinx, doctree, docname: str) -> None:
    """On each page, the first use of each glossary term in the text links to its entry."""
    terms = app.env.get_domain("std")._terms  # lower-cased term -> (docname, anchor)
    if docname == GLOSSARY or not terms or app.builder.format != "html":
        return
    # each term as the glossary writes it: an abbreviation is matched as written (cCR is not CCR)
    spelling = {
        name.lower(): name
        for kind, name in app.env.get_domain("std").objects
        if kind == "term" and terms.get(name.lower(), ("",))[0] == GLOSSARY
    }
    names = set(spelling.values())
    if not names:
        return
    pattern = re.compile(
        r"(?<![\w-])(" + "|".join(sorted(map(re.escape, names), key=len, reverse=True)) + r")(?![\w-])", re.I
    )
    seen: set[str] = set()
    for text in list(doctree.findall(nodes.Text)):
        if any(isinstance(ancestor, NOT_PROSE) for ancestor in _ancestors(text)):
            continue
        source, pieces, last = str(text), [], 0
        for match in pattern.finditer(source):
            word, key = match.group(1), match.group(1).lower()
            if key in seen or spelling.get(key) != word:
                continue
            seen.add(key)
            where, anchor = terms[key]
            uri = app.builder.get_relative_uri(docname, where) + "#" + anchor
            pieces += [
                nodes.Text(source[last : match.start()]),
                nodes.reference(word, word, refuri=uri, internal=True, classes=["glossary-term"]),
            ]
            last = match.end()
        if pieces:
            pieces.append(nodes.Text(source[last:]))
            text.parent.replace(text, pieces)


def _ancestors(node):
    while node.parent is not None:
        node = node.parent
        yield node


def rewrite_pages_for_what_they_share(app: Sphinx, env) -> list[str]:
    """Every page shows parts of the others: their titles (navigation, previous and next, {doc} and {ref}
    links), their section, figure and table numbers ({numref}), and the glossary's terms (the first use
    of each links to it). Sphinx rewrites only the page where one changed: when any changes, every page
    is rewritten (not re-read: no code runs again)."""
    std = env.get_domain("std")
    titles = {docname: title.astext() for docname, title in env.titles.items()}
    sections = {name: title for name, (_, _, title) in std.labels.items()}
    terms = {(name, std._terms.get(name.lower())) for kind, name in std.objects if kind == "term"}
    # copies: Sphinx empties a page's numbers in place when it reads the page again
    seen = (titles, sections, terms, copy.deepcopy(env.toc_secnumbers), copy.deepcopy(env.toc_fignumbers))
    before = getattr(env, "mrcreview_shared", None)
    env.mrcreview_shared = seen
    return sorted(env.found_docs) if before is not None and before != seen else []


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


def stackable_tables(app: Sphinx, pagename: str, templatename: str, context: dict, doctree) -> None:
    if "body" in context:
        context["body"] = TABLE.sub(lambda table: label_cells(table.group(0)), context["body"])


def footer(app: Sphinx, pagename: str, templatename: str, context: dict, doctree) -> None:
    """Version, release date and evidence date on every page, with a link to how to cite it."""
    root = Path(app.srcdir)
    link = context["pathto"]("book/how-to-cite")
    context["theme_extra_footer"] = (
        f"<p>Version {html.escape(current_version(root))} ({html.escape(release_date(root))}) · "
        f"evidence checked up to {evidence_as_of(root=root):%d %B %Y} · "
        f'<a href="{link}">How to cite</a></p>'
    )


def keep_compiled_templates(app: Sphinx) -> None:
    """The theme's templates, compiled once and kept beside the doctrees: each build would compile
    them again (about a quarter of a second) to render its first page. Jinja compares each
    template's source with what it compiled, so an edited template is compiled again."""
    environment = getattr(getattr(app.builder, "templates", None), "environment", None)
    if environment is not None:
        folder = Path(app.doctreedir) / "compiled-templates"
        folder.mkdir(parents=True, exist_ok=True)
        environment.bytecode_cache = jinja2.FileSystemBytecodeCache(str(folder))


def escape_search_titles(app: Sphinx) -> None:
    """Sphinx 7.4 stores section, table and figure titles in searchindex.js as plain text, and its
    searchtools.js shows them as HTML: a title built from data (a forest plot's, say) would run as
    markup on the search page. Page titles are stored escaped already; store the others escaped too,
    when the index is fed, so the index never carries markup (and loading it back changes nothing)."""
    builder = app.builder
    if builder.format != "html":
        return
    prepare = builder.prepare_writing

    def prepare_writing(docnames):
        prepare(docnames)
        indexer = getattr(builder, "indexer", None)
        if indexer is None:
            return
        collect = indexer._word_collector

        def collect_escaped(doctree):
            store = collect(doctree)
            store.titles = [(html.escape(title, quote=False), anchor) for title, anchor in store.titles]
            return store

        indexer._word_collector = collect_escaped

    builder.prepare_writing = prepare_writing


SAFE_SCHEMES = ("https",)


def refuse_unsafe_links(app: Sphinx, doctree, docname: str) -> None:
    """The last line of defence behind the check: a link from any source (refs.bib through pybtex,
    Markdown, a role) whose target has a scheme other than https fails the build."""
    for node in doctree.findall(nodes.reference):
        target = node.get("refuri", "")
        # browsers drop tabs, line feeds and other controls inside a URL: "java\tscript:" is javascript:
        scheme = re.match(r"([a-zA-Z][a-zA-Z0-9+.-]*):", re.sub(r"[\x00-\x20\x7f]", "", target))
        if scheme and scheme.group(1).lower() not in SAFE_SCHEMES:
            LOGGER.warning(
                "a link to %r: only https:// links may appear in the book", target[:80], location=node, type="mrcreview"
            )
            node["refuri"] = "#"


class RawRefused(Directive):
    """The raw directive would put a chapter's text into the page unescaped (or fetch it from a URL):
    the book refuses it, whatever produced the Markdown, and the warning fails the build (-W)."""

    has_content = True
    optional_arguments = 1
    final_argument_whitespace = True
    option_spec = {"file": directives.unchanged, "url": directives.unchanged, "encoding": directives.unchanged}

    def run(self):
        message = "a raw directive: the book takes no unescaped HTML; write Markdown instead"
        return [self.state.document.reporter.warning(message, line=self.lineno)]


STATIC = Path(__file__).parent / "static"


def register_moved_script(app: Sphinx, pagename: str, templatename: str, context: dict, doctree) -> None:
    if pagename == f"book/{REGISTER_INDEX}":
        app.add_js_file("register-moved.js")  # on this page only


def add_static(app: Sphinx, config) -> None:
    config.html_static_path.append(str(STATIC))
    # Without an icon, every browser asks the host for /favicon.ico and logs a 404.
    config.html_favicon = str(STATIC / "favicon.svg")
    app.add_css_file("mrcreview.css")


def pages_citing_changed_references(app: Sphinx, env, added: set, changed: set, removed: set) -> list[str]:
    """sphinxcontrib-bibtex reads only the bibliography again when refs.bib changes: a page citing a
    corrected reference would keep its old label and tooltip. Such pages are read again."""
    domain = env.get_domain("cite")
    now = {
        key: hashlib.sha256(repr(what_decides(entry)).encode()).hexdigest()
        for key, entry in domain.bibdata.data.entries.items()
    }
    before = getattr(env, "mrcreview_references", {})
    env.mrcreview_references = now
    altered = {key for key in before.keys() | now.keys() if before.get(key) != now.get(key)}
    return sorted({ref.docname for ref in domain.citation_refs if any(t.key in altered for t in ref.targets)})


def reuse_formatted_references(app: Sphinx, env, docnames: list[str]) -> None:
    reuse_formatted(getattr(env, "mrcreview_formatted_references", {}))


def keep_formatted_references(app: Sphinx, env) -> list[str]:
    # after sphinxcontrib-bibtex has formatted the bibliography; the environment is saved after this
    env.mrcreview_formatted_references = formatted_in_this_build()
    return []


# Two extensions Jupyter Book loads leave parallel reading undeclared, so Sphinx reads serially.
# Neither keeps state while pages are read: multitoc numbering renumbers sections after reading,
# and the LaTeX one acts only in LaTeX builds. The parallel site is identical to the serial one.
READ_SAFE_UNDECLARED = ("sphinx_multitoc_numbering", "sphinx_jupyterbook_latex")


def setup(app: Sphinx) -> dict:
    register_bibliography_style()
    for name in READ_SAFE_UNDECLARED:
        app.setup_extension(name)
        app.extensions[name].parallel_read_safe = True
    app.connect("config-inited", add_static)
    app.connect("html-page-context", footer)
    app.connect("html-page-context", accessible_citations)
    app.connect("html-page-context", stackable_tables)
    app.connect("source-read", start_page)
    app.connect("doctree-read", end_page)
    app.connect("env-get-outdated", pages_whose_data_changed)
    app.connect("env-get-outdated", pages_citing_changed_references)
    app.add_role("n", number_role)
    app.add_directive("evidence-summary", EvidenceSummary)
    app.add_directive("evidence-figure", EvidenceFigure)
    app.add_directive("evidence-register", EvidenceRegister)
    app.add_directive("evidence-register-part", EvidenceRegisterPart)
    app.add_directive("whats-new", WhatsNew)
    app.connect("html-page-context", tidy_page_scripts, priority=900)  # after the themes add theirs
    app.connect("html-page-context", named_section_toggles, priority=900)
    app.connect("html-page-context", register_moved_script)
    app.connect("builder-inited", add_vega)
    app.connect("builder-inited", escape_search_titles)
    app.connect("builder-inited", keep_compiled_templates)
    app.connect("doctree-resolved", link_first_use_of_terms)
    app.connect("doctree-resolved", refuse_unsafe_links)
    app.connect("env-get-updated", rewrite_pages_for_what_they_share)
    app.connect("env-before-read-docs", reuse_formatted_references)
    app.connect("env-updated", keep_formatted_references, priority=900)  # sphinxcontrib-bibtex's runs at 500
    app.add_directive("raw", RawRefused, override=True)
    app.connect("build-finished", copy_vega)
    app.connect("build-finished", root_redirect, priority=400)  # before sphinx-external-toc's (500)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
