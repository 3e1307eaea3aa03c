"""Every page is written again when a part that every page may show changes.

Every page shows parts of the others: their titles (navigation, previous and next, {doc} and {ref}
links), their section, figure and table numbers ({numref}), and the glossary's terms (the first use
of each links to it). Sphinx rewrites only the page where one changed: when any changes, every page
is rewritten (not re-read: no code runs again).
"""

import copy

from sphinx.application import Sphinx
from sphinx.environment import BuildEnvironment

from mrcreview.sphinx_ext.whole_book import WholeBookCollector


def shared_parts(env: BuildEnvironment) -> tuple:
    std = env.get_domain("std")
    titles = {docname: title.astext() for docname, title in env.titles.items()}
    sections = {name: title for name, (_, _, title) in std.labels.items()}
    terms = {(name, docname, anchor) for name, _, kind, docname, anchor, _ in std.get_objects() if kind == "term"}
    # copies: Sphinx empties a page's numbers in place when it reads the page again
    return titles, sections, terms, copy.deepcopy(env.toc_secnumbers), copy.deepcopy(env.toc_fignumbers)


class SharedPartsCollector(WholeBookCollector):
    """What the last build's pages shared, in env.mrcreview_shared: the whole book's, not a page's,
    so reading a page clears nothing and parallel readers have nothing to merge."""

    def get_updated_docs(self, app: Sphinx, env: BuildEnvironment) -> list[str]:
        seen = shared_parts(env)
        before = getattr(env, "mrcreview_shared", None)
        env.mrcreview_shared = seen
        return sorted(env.found_docs) if before is not None and changed(before, seen) else []


def changed(before: tuple, seen: tuple) -> bool:
    """Whether a part other pages may show changed. A label added (a new entry of the register) is not:
    only a page that now links to it shows it, and that page is read again for the link it gained."""
    (titles, sections, *others), (titles_now, sections_now, *others_now) = before, seen
    moved = any(sections_now.get(name) != title for name, title in sections.items())
    return titles != titles_now or moved or others != others_now
