"""A collector of state that belongs to the whole book, not to a page."""

from sphinx.application import Sphinx
from sphinx.environment import BuildEnvironment
from sphinx.environment.collectors import EnvironmentCollector


class WholeBookCollector(EnvironmentCollector):
    """Reading a page clears nothing of it, and parallel readers have nothing of it to merge: subclasses
    decide, before or after the pages are read, which pages the book's state sends to be read again."""

    def clear_doc(self, app: Sphinx, env: BuildEnvironment, docname: str) -> None:
        pass

    def merge_other(self, app: Sphinx, env: BuildEnvironment, docnames: set[str], other: BuildEnvironment) -> None:
        pass

    def process_doc(self, app: Sphinx, doctree) -> None:
        pass
