"""References: a page citing a changed reference is read again, and unchanged references keep
the formatting the last build gave them (bibstyle.py)."""

import hashlib

from sphinx.application import Sphinx
from sphinx.environment import BuildEnvironment

from mrcreview.bibstyle import formatted_in_this_build, reuse_formatted, what_decides
from mrcreview.sphinx_ext.whole_book import WholeBookCollector


def reference_digests(env: BuildEnvironment) -> dict[str, str]:
    """Each reference of refs.bib as sphinxcontrib-bibtex read it: key -> digest of what shows."""
    entries = env.get_domain("cite").bibdata.data.entries
    return {key: hashlib.sha256(repr(what_decides(entry)).encode()).hexdigest() for key, entry in entries.items()}


class ReferencesCollector(WholeBookCollector):
    """The references of the last build (env.mrcreview_references: key -> digest) and how they were
    formatted (env.mrcreview_formatted_references): the whole bibliography's, not a page's."""

    def get_outdated_docs(self, app: Sphinx, env: BuildEnvironment, added, changed, removed) -> list[str]:
        """sphinxcontrib-bibtex reads only the bibliography again when refs.bib changes: a page citing
        a corrected reference would keep its old label and tooltip. Such pages are read again."""
        domain = env.get_domain("cite")
        now = reference_digests(env)
        before = getattr(env, "mrcreview_references", {})
        env.mrcreview_references = now
        altered = {key for key in before.keys() | now.keys() if before.get(key) != now.get(key)}
        return sorted({ref.docname for ref in domain.citation_refs if any(t.key in altered for t in ref.targets)})


def reuse_formatted_references(app: Sphinx, env: BuildEnvironment, docnames: list[str]) -> None:
    reuse_formatted(getattr(env, "mrcreview_formatted_references", {}))


def keep_formatted_references(app: Sphinx, env: BuildEnvironment) -> list[str]:
    # after sphinxcontrib-bibtex has formatted the bibliography; the environment is saved after this
    env.mrcreview_formatted_references = formatted_in_this_build()
    return []
