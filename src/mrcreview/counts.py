"""The counts the book's prose states, each defined once from data: {count}`name` in a page.

A count is computed by the extension as Sphinx reads the page, so a page that states counts and runs
no code needs no kernel, and is read again only when one of its counts changes. (The loaders are
imported on first use: the check reads COUNTS without loading pandas.)
"""

from pathlib import Path

from mrcreview.dependencies import recorded


def _numbers(root):
    from mrcreview.loading import count_rows

    return count_rows("outcomes", root=root)


def _studies(root):
    from mrcreview.loading import load_studies

    return int((load_studies(root=root)["design"] != "not identified").sum())


def _references(root, status: str | None = None, identified: bool = True):
    from mrcreview.loading import load_review_references

    references = load_review_references(root=root)
    if status is None:
        return len(references)
    return int(((references["status"] == status) == identified).sum())


COUNTS = {
    "numbers": _numbers,  # reported numbers, rows of data/outcomes.csv
    "studies": _studies,  # studies and sources of data/studies.csv whose design is identified
    "review-references": _references,  # the source review's reference list
    "identified-references": lambda root: _references(root, "identified"),
    "open-references": lambda root: _references(root, "identified", identified=False),
}


@recorded
def count(name: str, *, root: Path | None = None) -> int:
    """The count of that name (a key of COUNTS; KeyError otherwise)."""
    return COUNTS[name](root)
