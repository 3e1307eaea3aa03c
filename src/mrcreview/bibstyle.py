"""The bibliography style: pybtex's "plain", with PubMed links from the `pmid` field used in refs.bib."""

from importlib.metadata import entry_points

import pybtex.plugin
import sphinxcontrib.bibtex.plugin
from pybtex.style.formatting.plain import Style as PlainStyle
from pybtex.style.template import field, href, join

NAME = "mrcreview"

# pybtex finds a plugin by scanning the entry points of every installed package (about 10 ms
# a lookup), and sphinxcontrib-bibtex looks one up for every citation it resolves: most of a
# rebuild's time at scale. Plugins registered at run time are found first, in a dictionary, so
# every plugin of the groups a build uses is registered once, when the extension loads.
PYBTEX_GROUPS = [
    "pybtex.backends",
    "pybtex.database.input",
    "pybtex.style.formatting",
    "pybtex.style.labels",
    "pybtex.style.names",
    "pybtex.style.sorting",
]
BIBTEX_GROUPS = ["sphinxcontrib.bibtex.style.referencing"]


class ReviewStyle(PlainStyle):
    def format_pubmed(self, e):
        url = join["https://pubmed.ncbi.nlm.nih.gov/", field("pmid", raw=True), "/"]
        return href(url)[join["PMID: ", field("pmid", raw=True)]]


def register() -> None:
    for group in PYBTEX_GROUPS:
        for entry_point in entry_points(group=group):
            pybtex.plugin.register_plugin(group, entry_point.name, entry_point.load(), force=True)
    for group in BIBTEX_GROUPS:
        for entry_point in entry_points(group=group):
            sphinxcontrib.bibtex.plugin.register_plugin(group, entry_point.name, entry_point.load(), force=True)
    pybtex.plugin.register_plugin("pybtex.style.formatting", NAME, ReviewStyle, force=True)
