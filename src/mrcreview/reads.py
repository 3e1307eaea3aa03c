"""What a chapter's code reads, found from its source, so the build knows when to run it again.

Kept apart from loading.py so that the check, which looks for narrow reads, need not import pandas.
"""

import ast
import re

from mrcreview.schema import DESCRIPTOR

# Which files each function that chapters call reads (globs, relative to the project
# root): a chapter that calls one is rebuilt whenever one of them changes (sphinx_ext.py).
FILES_READ_BY = {
    "load_studies": ("data/studies.csv",),
    "load_outcomes": ("data/outcomes.csv", "data/studies.csv"),
    "load_clinical_pathways": ("data/clinical_pathways.csv",),
    "load_review_references": ("data/review_references.csv",),
    "load_forest_plots": ("data/forest_plots.csv", "data/forest_plot_rows.csv"),
    "evidence_as_of": ("data/studies.csv",),
    "read_descriptor": (),
    "numbers_used": ("book/*.md",),
    "whats_new_markdown": ("data/*.csv", "refs.bib", "book/*.md"),
    "how_to_cite_markdown": ("CITATION.cff",),
}

# Narrow reads: `load_outcomes(chapter="name")` and `load_studies(chapter="name")` return
# only the rows that chapter names by id, `load_outcomes(plotted=True)` only the rows in a
# forest plot, `count_rows("table")` only a number. A chapter depends on what its narrow
# reads return, not on whole files: the build stamps their results (rows_read) and runs the
# chapter again only when those change, so a one-row edit re-runs only the pages that show it.
NARROW_READ = re.compile(r"\b(load_outcomes|load_studies|count_rows)\((chapter=\"[\w-]+\"|plotted=True|\"\w+\")\)")


def narrow_reads(source: str) -> list[tuple[str, str, list, dict]]:
    """Each distinct narrow read in a source: function name, argument as written, args, keyword args."""
    reads = []
    for function, argument in sorted(set(NARROW_READ.findall(source))):
        call = ast.parse(f"f({argument})", mode="eval").body
        args = [ast.literal_eval(a) for a in call.args]
        kwargs = {k.arg: ast.literal_eval(k.value) for k in call.keywords}
        reads.append((function, argument, args, kwargs))
    return reads


def files_read(source: str) -> set[str]:
    """The files (globs) a chapter's code reads whole; the schema whenever it reads data."""
    whole = NARROW_READ.sub("", source)
    called = [loader for loader in FILES_READ_BY if re.search(rf"\b{loader}\(", whole)]
    files = {pattern for loader in called for pattern in FILES_READ_BY[loader]}
    return files | {f"data/{DESCRIPTOR}"} if called or NARROW_READ.search(source) else set()
