"""Which data each page used, kept per page by an environment collector (see dependencies.py).

A page's calls come from two places, both gathered while the page is read: those Sphinx makes
itself (a {n} role, a directive: `read`), and those the page's kernel made, which come back glued
into the executed notebook's outputs. MyST-NB holds a notebook's glue data only while it parses the
page, so every page ends with a `data-used` directive that takes the kernel's calls then. The
collector keeps each page's calls in the environment, clears them when the page is read again,
merges them from parallel readers, and, before a build reads anything, names the pages whose calls
now answer differently.
"""

from pathlib import Path

from sphinx.application import Sphinx
from sphinx.environment import BuildEnvironment
from sphinx.environment.collectors import EnvironmentCollector
from sphinx.util.docutils import SphinxDirective

from mrcreview.dependencies import changed_pages, glued_calls, noted
from mrcreview.sphinx_ext import private_api

CALLS = "mrcreview_calls"  # env.temp_data: the calls of the page being read
DIRECTIVE = "data-used"


def read(env: BuildEnvironment, function, *args):
    """Call a @recorded function for the page being read, and note the call."""
    result, note = noted(function, *args, root=Path(env.srcdir))
    env.temp_data.setdefault(CALLS, []).append(note)
    return result


class KernelCalls(SphinxDirective):
    """Placed at the end of every page (`end_with_kernel_calls`): notes the calls that the page's
    kernel glued into its outputs. It makes nothing on the page."""

    def run(self):
        calls = glued_calls(private_api.notebook_glue_data(self.state.document))
        self.env.temp_data.setdefault(CALLS, []).extend(calls)
        return []


def end_with_kernel_calls(app: Sphinx, docname: str, source: list[str]) -> None:
    if Path(app.env.doc2path(docname)).suffix != ".md":  # MyST notebooks only
        return
    source[0] = source[0].rstrip("\n") + f"\n\n```{{{DIRECTIVE}}}\n```\n"


class DataUsedCollector(EnvironmentCollector):
    """docname -> the calls the page made, in env.mrcreview_data_used."""

    @staticmethod
    def calls(env: BuildEnvironment) -> dict[str, list[dict]]:
        if not hasattr(env, "mrcreview_data_used"):
            env.mrcreview_data_used = {}
        return env.mrcreview_data_used

    def clear_doc(self, app: Sphinx, env: BuildEnvironment, docname: str) -> None:
        self.calls(env).pop(docname, None)

    def merge_other(self, app: Sphinx, env: BuildEnvironment, docnames: set[str], other: BuildEnvironment) -> None:
        theirs = self.calls(other)
        self.calls(env).update((docname, theirs[docname]) for docname in docnames if docname in theirs)

    def process_doc(self, app: Sphinx, doctree) -> None:
        self.calls(app.env)[app.env.docname] = app.env.temp_data.pop(CALLS, [])

    def get_outdated_docs(self, app: Sphinx, env: BuildEnvironment, added, changed, removed) -> list[str]:
        unchanged = set(env.found_docs) - added - changed - removed
        return sorted(changed_pages(self.calls(env), Path(app.srcdir), unchanged))
