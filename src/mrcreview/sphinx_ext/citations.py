"""A paragraph cites a source once for consecutive sentences that rest on it, as journals do.

Chapters cite every sentence ({cite:p}`key` after each), so that each claim carries its source where it
is written and stays so when sentences are moved. Shown as written, "[Ghalehtaki et al., 2025]" then
follows nearly every sentence. As each page is read, a parenthetical citation is dropped when the next
citation in its paragraph is to the same sources and no sentence without a citation stands between
them: the last citation of such a run covers the sentences before it, and every sentence's source is
still the first citation that follows it in its paragraph. A citation to other sources, any other kind
of citation, or an uncited sentence ends a run. The citation in a number's details (number_popover.py)
is not prose and is left alone.
"""

import re

from docutils import nodes
from sphinx import addnodes
from sphinx.application import Sphinx

from mrcreview.sphinx_ext.number_popover import number_popover

# The end of a sentence: a stop, then space. An abbreviation ("e.g. ") counts as one too, which can only
# keep a citation that could have gone, never drop one that must stay.
SENTENCE_END = re.compile(r"[.!?][\"')\]]*\s")


def is_citation(node: nodes.Node) -> bool:
    return isinstance(node, addnodes.pending_xref) and node.get("refdomain") == "cite"


def pieces(node: nodes.Node):
    """The paragraph's citations and text, in reading order (a citation's own text, and a number's
    details, are not the paragraph's prose)."""
    for child in node.children:
        if is_citation(child):
            yield child
        elif isinstance(child, nodes.Text):
            yield str(child)
        elif not isinstance(child, number_popover):
            yield from pieces(child)


def next_sentence_only(between: str) -> bool:
    """Between two citations: the rest of the same sentence, or the end of the first one's sentence
    (right after it, but for a parenthesis such as a figure's number) and then one sentence."""
    ends = list(SENTENCE_END.finditer(between))
    if not ends:
        return True
    rest_of_first = re.sub(r"\([^()]*\)", "", between[: ends[0].start()])
    return len(ends) == 1 and not rest_of_first.strip(" \n,;:")


def repeated_citations(paragraph: nodes.paragraph) -> list[addnodes.pending_xref]:
    """The parenthetical citations that the next citation of the same paragraph covers."""
    repeated, previous, between = [], None, ""
    for piece in pieces(paragraph):
        if isinstance(piece, str):
            between += piece
            continue
        if (
            previous is not None
            and previous["reftype"] == piece["reftype"] == "p"
            and previous["reftarget"] == piece["reftarget"]
            and next_sentence_only(between)
        ):
            repeated.append(previous)
        previous, between = piece, ""
    return repeated


def drop(citation: addnodes.pending_xref) -> None:
    """Remove a citation and the space before it ("disease [x]." becomes "disease.")."""
    parent = citation.parent
    index = parent.index(citation)
    before = parent[index - 1] if index else None
    if isinstance(before, nodes.Text) and str(before) != str(before).rstrip(" "):
        parent.replace(before, nodes.Text(str(before).rstrip(" ")))
    parent.remove(citation)


def cite_once_per_run(app: Sphinx, doctree: nodes.document) -> None:
    for paragraph in list(doctree.findall(nodes.paragraph)):
        for citation in repeated_citations(paragraph):
            drop(citation)
