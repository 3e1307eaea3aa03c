"""The counts the book's prose states, each defined once from data: {count}`name` in a page.

A count is computed by the extension as Sphinx reads the page, so a page that states counts and runs
no code needs no kernel, and is read again only when one of its counts changes. (The loaders are
imported on first use: the check reads COUNTS without loading pandas.)
"""

from pathlib import Path

from mrcreview.dependencies import recorded


def _dataset(key: str):
    def counted(root):
        from mrcreview.counting import dataset_counts

        return dataset_counts(root=root)[key]

    return counted


def _references(root, status: str | None = None, identified: bool = True):
    from mrcreview.loading import load_review_references

    references = load_review_references(root=root)
    if status is None:
        return len(references)
    return int(((references["status"] == status) == identified).sum())


COUNTS = {
    # reported numbers; the studies and sources they come from, identified or not; registered trials
    # (counting.py, which the evidence register and the trial tracker count alike)
    "numbers": _dataset("numbers"),
    "sources": _dataset("sources"),
    "identified": _dataset("identified"),
    "unidentified": _dataset("unidentified"),
    "registered-trials": _dataset("registered_trials"),
    "registry-numbers": _dataset("registry_numbers"),
    # the source review's reference list
    "review-references": _references,
    "identified-references": lambda root: _references(root, "identified"),
    "open-references": lambda root: _references(root, "identified", identified=False),
}


@recorded
def count(name: str, *, root: Path | None = None) -> int:
    """The count of that name (a key of COUNTS; KeyError otherwise)."""
    return COUNTS[name](root)
