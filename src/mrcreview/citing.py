"""How readers cite the book: a version (How to cite) and a page (every page's foot), from CITATION.cff.

An address or a DOI is given only where CITATION.cff records one (`url`, `doi`, or an identifier of
type doi): none is ever made up. Where no address is recorded, a page's own address and the day it
was read are what the reader's browser shows (static/cite-page.js fills them in; without script, the
reader is asked for them). CITATION.cff is a contributor's text: every value is escaped.
"""

import html
from pathlib import Path

from mrcreview.changes import current_version, released_versions, unreleased_changes
from mrcreview.citation_file import read_citation
from mrcreview.dependencies import recorded
from mrcreview.markdown import md_code_block, md_escape
from mrcreview.paths import project_root
from mrcreview.untrusted import doi_problem, link_problem


def authors_of(cff: dict) -> str:
    return "; ".join(
        str(a.get("name") or f"{a['family-names']}, {a.get('given-names', '')}".strip(", ")) for a in cff["authors"]
    )


def doi_of(cff: dict) -> str | None:
    """The DOI CITATION.cff records for the work itself (not those of the works it references)."""
    if cff.get("doi"):
        return str(cff["doi"])
    found = [i for i in cff.get("identifiers") or [] if isinstance(i, dict) and i.get("type") == "doi"]
    return str(found[0]["value"]) if found and found[0].get("value") else None


@recorded
def how_to_cite_markdown(*, root: Path | None = None) -> str:
    """ "Cite this version": the recommended citation and a BibTeX entry, with the address and DOI only
    where CITATION.cff records them, and what the site shows beyond the release."""
    root = root or project_root()
    cff = read_citation(root)
    authors, title = authors_of(cff), str(cff["title"])
    version, released = str(cff["version"]), str(cff["date-released"])
    doi, url = doi_of(cff), cff.get("url")
    # the check refuses others; an autolink shows what it holds as it is (no escape applies inside one)
    doi = doi if doi and not doi_problem(doi) else None
    url = str(url) if url and not link_problem(str(url)) else None
    text = f"{md_escape(authors)}. *{md_escape(title)}*. Version {md_escape(version)}, released {md_escape(released)}."
    if doi:
        text += f" <https://doi.org/{doi}>."
    if url:
        text += f" Available at <{url}>."
    fields = [f"author  = {{{{{authors}}}}}", f"title   = {{{title}}}", f"year    = {{{released[:4]}}}"]
    fields += [f"version = {{{version}}}"] + ([f"doi     = {{{doi}}}"] if doi else [])
    fields += ([f"url     = {{{url}}}"] if url else []) + ["note    = {Living review}"]
    bibtex = f"@misc{{mrcreview{released[:4]},\n  " + ",\n  ".join(fields) + "\n}"
    lines = [text, "", md_code_block(bibtex, "bibtex"), ""]
    if not url:
        lines += [
            f"No permanent address{'' if doi else ' or DOI'} has been recorded for this version yet: give the"
            " address at which you read it, as your browser shows it, and the date you read it.",
            "",
        ]
    if version in released_versions(root) and unreleased_changes(root):
        lines += [
            f"The site also shows corrections and additions made since version {md_escape(version)}, listed in"
            " {doc}`whats-new`: to cite exactly what you read, cite the page, with the date you read it.",
            "",
        ]
    return "\n".join(lines) + "\n"


def page_citation_html(root: Path, page_title: str) -> str:
    """The foot of a page: how to cite it. Its address and the day it is read are filled in by the reader's
    browser (cite-page.js); without script, the placeholders ask the reader for them."""
    cff = read_citation(root)
    version = html.escape(current_version(root))  # with the date read, it says what the reader saw
    title = html.escape(page_title.strip())
    return (
        '<details class="cite-this-page"><summary>Cite this page</summary><p>'
        f"{html.escape(authors_of(cff))}. {title}. In: <i>{html.escape(str(cff['title']))}</i>,"
        f" version {version}."
        ' Available at <span data-cite="address">[the address of this page]</span>.'
        ' Accessed <span data-cite="accessed">[the date you read it]</span>.</p></details>'
    )
