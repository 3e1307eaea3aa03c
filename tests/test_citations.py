"""A paragraph cites a source once for consecutive sentences resting on it (sphinx_ext/citations.py)."""

import re

from docutils import nodes
from sphinx import addnodes

from mrcreview.sphinx_ext.citations import cite_once_per_run
from mrcreview.sphinx_ext.number_popover import number_popover


def citation(keys: str, kind: str = "p") -> addnodes.pending_xref:
    """What {cite:p}`keys` leaves in a page as it is read (sphinxcontrib-bibtex's CiteRole)."""
    return addnodes.pending_xref("", nodes.inline(text=f"[{keys}]"), refdomain="cite", reftype=kind, reftarget=keys)


def paragraph(text: str) -> nodes.paragraph:
    """A paragraph from text where [key] is a parenthetical citation and [t:key] a textual one."""
    made = nodes.paragraph()
    for piece in re.split(r"(\[[^\]]+\])", text):
        if piece.startswith("["):
            kind, _, keys = piece[1:-1].rpartition(":")
            made += citation(keys, kind or "p")
        elif piece:
            made += nodes.Text(piece)
    return made


def shown(text: str) -> str:
    document = nodes.document(None, None)
    document += paragraph(text)
    cite_once_per_run(None, document)
    return "".join(
        f"[{node['reftarget']}]" if isinstance(node, addnodes.pending_xref) else str(node)
        for node in document[0].children
    )


def test_consecutive_sentences_on_one_source_cite_it_once_after_the_last():
    text = "One claim [a].\nA second [a].\nA third [a]."
    assert shown(text) == "One claim.\nA second.\nA third [a]."


def test_a_sentence_from_another_source_keeps_both_runs_cited():
    text = "One [a].\nTwo [a].\nThree [b].\nFour [a].\nFive [a]."
    # every sentence's source is still the first citation after it
    assert shown(text) == "One.\nTwo [a].\nThree [b].\nFour.\nFive [a]."


def test_an_uncited_sentence_between_ends_the_run():
    # the uncited sentence must not seem to rest on the source cited after it
    assert shown("One [a].\nNo source here.\nTwo [a].") == "One [a].\nNo source here.\nTwo [a]."


def test_a_citation_within_its_sentence_is_kept_when_the_sentence_goes_on():
    assert shown("One [a], and more of it.\nTwo [a].") == "One [a], and more of it.\nTwo [a]."
    # a figure's number after the citation is still the end of the sentence
    assert shown("One [a] (Figure 2).\nTwo [a].") == "One (Figure 2).\nTwo [a]."


def test_other_citations_and_other_sources_are_left_as_written():
    assert shown("One [a,b].\nTwo [a].") == "One [a,b].\nTwo [a]."
    assert shown("[t:a] found one.\nTwo [a].") == "[a] found one.\nTwo [a]."  # textual: part of the sentence


def test_paragraphs_are_separate_and_a_numbers_details_are_not_prose():
    document = nodes.document(None, None)
    document += paragraph("One [a].")
    second = paragraph("Two ")
    second += nodes.inline("", "", nodes.Text("25%"), number_popover("", citation("b"), ids=["number-1"]))
    second += [nodes.Text(" "), citation("a"), nodes.Text(".\nThree "), citation("a"), nodes.Text(".")]
    document += second
    cite_once_per_run(None, document)
    assert len(list(document[0].findall(addnodes.pending_xref))) == 1  # the next paragraph does not cover it
    kept = [n["reftarget"] for n in document[1].findall(addnodes.pending_xref)]
    assert kept == ["b", "a"]  # the details' citation stays; "Two" is covered by the one after "Three"
