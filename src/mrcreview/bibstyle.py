"""The bibliography style: pybtex's "plain", with PubMed links from the `pmid` field used in refs.bib."""

from importlib.metadata import entry_points

from pybtex.style import FormattedEntry
from pybtex.style.formatting.plain import Style as PlainStyle
from pybtex.style.template import field, href, join

NAME = "mrcreview"

# pybtex finds a plugin by scanning the entry points of every installed package (about 10 ms
# a lookup), and sphinxcontrib-bibtex looks one up for every citation it resolves: most of a
# rebuild's time at scale. Plugins registered at run time are found first, in a dictionary, so
# every plugin of the groups a build uses is registered once, when the extension loads
# (sphinx_ext/private_api.py: neither library has a public way to register without a scan).
PYBTEX_GROUPS = [
    "pybtex.backends",
    "pybtex.database.input",
    "pybtex.style.formatting",
    "pybtex.style.labels",
    "pybtex.style.names",
    "pybtex.style.sorting",
]
BIBTEX_GROUPS = ["sphinxcontrib.bibtex.style.referencing"]


# sphinxcontrib-bibtex formats every entry of the bibliography on every build, twice (the entry and
# its tooltip): at 50 times today's references, 14 s of each one-row edit. How an entry is formatted
# depends only on its label, type, fields and names, so a build reuses what the last one formatted
# (sphinx_ext/references.py keeps it in Sphinx's environment) for every entry that is unchanged.
_reused: dict[tuple, FormattedEntry] = {}
_formatted: dict[tuple, FormattedEntry] = {}


def reuse_formatted(previous: dict[tuple, FormattedEntry]) -> None:
    """Start a build with what the last build formatted."""
    global _reused, _formatted
    _reused, _formatted = previous, {}


def formatted_in_this_build() -> dict[tuple, FormattedEntry]:
    """Every entry this build formatted (entries since removed or changed are not kept)."""
    return dict(_formatted)


def what_decides(entry) -> tuple:
    """Everything of a pybtex entry that decides how it is shown: key, type, fields and names."""
    people = tuple((role, tuple(str(person) for person in persons)) for role, persons in entry.persons.items())
    return (entry.key, entry.type, tuple(entry.fields.items()), people)


class ReviewStyle(PlainStyle):
    def format_entry(self, label, entry, bib_data=None):
        if bib_data is not None:  # cross-references: the entry alone does not decide the result
            return super().format_entry(label, entry, bib_data=bib_data)
        key = (label, *what_decides(entry))
        formatted = _formatted.get(key, _reused.get(key))
        if formatted is None:
            formatted = super().format_entry(label, entry)
        _formatted[key] = formatted
        return formatted

    def format_pubmed(self, e):
        url = join["https://pubmed.ncbi.nlm.nih.gov/", field("pmid", raw=True), "/"]
        return href(url)[join["PMID: ", field("pmid", raw=True)]]


def register() -> None:
    from mrcreview.sphinx_ext.private_api import bibtex_runtime_plugins, pybtex_runtime_plugins

    # One scan of every installed package's entry points for all the groups: pybtex's register_plugin
    # scans them all again for each plugin, even when forced (0.6 s of every build's start).
    installed = entry_points()
    for group in PYBTEX_GROUPS:
        plugins = pybtex_runtime_plugins().setdefault(group, {})
        plugins.update((entry_point.name, entry_point.load()) for entry_point in installed.select(group=group))
    for group in BIBTEX_GROUPS:
        plugins = bibtex_runtime_plugins()[group]
        plugins.update((entry_point.name, entry_point.load()) for entry_point in installed.select(group=group))
    pybtex_runtime_plugins()["pybtex.style.formatting"][NAME] = ReviewStyle
