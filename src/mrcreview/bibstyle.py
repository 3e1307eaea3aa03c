"""The bibliography style: pybtex's "plain", with PubMed links from the `pmid` field used in refs.bib."""

from pybtex.plugin import register_plugin
from pybtex.style.formatting.plain import Style as PlainStyle
from pybtex.style.template import field, href, join

NAME = "mrcreview"


class ReviewStyle(PlainStyle):
    def format_pubmed(self, e):
        url = join["https://pubmed.ncbi.nlm.nih.gov/", field("pmid", raw=True), "/"]
        return href(url)[join["PMID: ", field("pmid", raw=True)]]


def register() -> None:
    register_plugin("pybtex.style.formatting", NAME, ReviewStyle)
