"""The search index carries no markup.

Sphinx 7.4 stores section, table and figure titles in searchindex.js as plain text, and its
searchtools.js shows them as HTML: a title built from data (a forest plot's, say) would run as
markup on the search page. Page titles are stored escaped already; once Sphinx has written the
index, the other titles are escaped too, through the builder's own index format. The next build
loads the index back and adds the titles of the pages it wrote again, unescaped: escaping what
was unescaped first leaves an escaped title as it is, so every build ends with each title
escaped once.
"""

import html
import os
from pathlib import Path

from sphinx.application import Sphinx


def escaped(title: str) -> str:
    return html.escape(html.unescape(title), quote=False)


def escape_search_titles(app: Sphinx, exception) -> None:
    builder = app.builder
    if exception is not None or not getattr(builder, "search", False) or builder.format != "html":
        return
    index = Path(app.outdir, builder.searchindex_filename)
    if not index.is_file():
        return
    with open(index, encoding="utf-8") as stream:
        data = builder.indexer_format.load(stream)
    titles: dict[str, list] = {}
    for title, places in data["alltitles"].items():
        titles.setdefault(escaped(title), []).extend(places)
    data["alltitles"] = titles
    written = index.with_name(index.name + ".tmp")
    with open(written, "w", encoding="utf-8") as stream:
        builder.indexer_format.dump(data, stream)
    os.replace(written, index)
