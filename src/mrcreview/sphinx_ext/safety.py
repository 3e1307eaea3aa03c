"""Nothing from a pull request runs in a reader's browser: a link to anything but an https://
address fails the build, and so does a raw directive (the search index: search.py)."""

import re

from docutils import nodes
from docutils.parsers.rst import Directive, directives
from docutils.parsers.rst.directives.tables import CSVTable
from sphinx.util import logging

LOGGER = logging.getLogger(__name__)
SAFE_SCHEMES = ("https",)


def refuse_unsafe_links(app, doctree, docname: str) -> None:
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


class CSVTableWithoutURL(CSVTable):
    """A csv-table reads its own content or a file of the project (confinement.py checks where it is),
    never an address: docutils fetches :url: itself, file:// included, and records no dependency."""

    def run(self):
        if "url" in self.options:
            message = "a csv-table with :url:: a table comes from its own content or a file of the project"
            return [self.state.document.reporter.warning(message, line=self.lineno)]
        return super().run()
