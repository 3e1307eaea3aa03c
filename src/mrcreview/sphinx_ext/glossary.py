"""On each page, the first use of each glossary term in the text links to its entry."""

import re

from docutils import nodes
from sphinx import addnodes
from sphinx.application import Sphinx

from mrcreview.sphinx_ext.number_popover import number_button, number_popover

GLOSSARY = "book/glossary"
# Text in these is not prose to annotate: a heading, a link, code, a citation, a number or its details (a
# term's first link must be where the reader sees it). A definition list's term is prose: the register
# names its entries with one. The glossary's own page is left alone.
NOT_PROSE = (
    nodes.title,
    nodes.reference,
    nodes.literal,
    nodes.literal_block,
    nodes.raw,
    nodes.citation_reference,
    addnodes.pending_xref,
    nodes.FixedTextElement,
    number_button,
    number_popover,
)


def glossary_terms(env) -> dict[str, tuple[str, str, str]]:
    """Every term of the book's glossary, lower-cased -> (the term as written, its page, its anchor)."""
    return {
        name.lower(): (name, docname, anchor)
        for name, _, kind, docname, anchor, _ in env.get_domain("std").get_objects()
        if kind == "term" and docname == GLOSSARY
    }


def link_first_use_of_terms(app: Sphinx, doctree, docname: str) -> None:
    terms = glossary_terms(app.env)
    if docname == GLOSSARY or not terms or app.builder.format != "html":
        return
    # each term as the glossary writes it: an abbreviation is matched as written (cCR is not CCR)
    names = sorted((name for name, _, _ in terms.values()), key=len, reverse=True)
    pattern = re.compile(r"(?<![\w-])(" + "|".join(map(re.escape, names)) + r")(?![\w-])", re.I)
    seen: set[str] = set()
    for text in list(doctree.findall(nodes.Text)):
        if any(isinstance(ancestor, NOT_PROSE) for ancestor in ancestors(text)):
            continue
        source, pieces, last = str(text), [], 0
        for match in pattern.finditer(source):
            word, key = match.group(1), match.group(1).lower()
            if key in seen or terms.get(key, ("",))[0] != word:
                continue
            seen.add(key)
            _, where, anchor = terms[key]
            uri = app.builder.get_relative_uri(docname, where) + "#" + anchor
            pieces += [
                nodes.Text(source[last : match.start()]),
                nodes.reference(word, word, refuri=uri, internal=True, classes=["glossary-term"]),
            ]
            last = match.end()
        if pieces:
            pieces.append(nodes.Text(source[last:]))
            text.parent.replace(text, pieces)


def ancestors(node):
    while node.parent is not None:
        node = node.parent
        yield node
