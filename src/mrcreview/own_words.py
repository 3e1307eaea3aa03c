"""The book tells the source review's story in its own words: facts and figures carry over, sentences
do not. This finds every run of RUN or more consecutive words that a file of book/ or data/ shares with
the review's text, which is not in this repository (its licence is the journal's): it is read from
beside the clone, ../shared/sources/review.txt, or from the file MRCREVIEW_SOURCE_REVIEW names.

    python -m mrcreview.own_words        (exit 1 when a run is found, 2 when the review's text is absent)
"""

import os
import re
import sys
from collections.abc import Iterable
from pathlib import Path

RUN = 12
SUFFIXES = {".md", ".csv", ".bib", ".json", ".yml", ".txt"}
WORD = re.compile(r"[a-z0-9]+(?:[.'][a-z0-9]+)*")


def source_review(root: Path) -> Path:
    chosen = os.environ.get("MRCREVIEW_SOURCE_REVIEW")
    return Path(chosen) if chosen else root.parent / "shared" / "sources" / "review.txt"


def words(text: str) -> list[str]:
    return WORD.findall(text.lower())


def shared_runs(source: str, text: str, run: int = RUN) -> list[str]:
    """Each longest run of at least `run` words of text that also occurs, word for word, in source."""
    said = words(source)
    grams = {tuple(said[i : i + run]) for i in range(len(said) - run + 1)}
    mine, found, start = words(text), [], 0
    while start <= len(mine) - run:
        if tuple(mine[start : start + run]) not in grams:
            start += 1
            continue
        end = start + run
        while end < len(mine) and tuple(mine[end - run + 1 : end + 1]) in grams:
            end += 1
        found.append(" ".join(mine[start:end]))
        start = end
    return found


def project_files(root: Path) -> Iterable[Path]:
    for folder in ("book", "data"):
        yield from (p for p in sorted((root / folder).rglob("*")) if p.is_file() and p.suffix in SUFFIXES)


def main(root: Path) -> int:
    review = source_review(root)
    if not review.is_file():
        print(f"own words: the source review's text is not at {review}; nothing was compared", file=sys.stderr)
        return 2
    source, found = review.read_text(encoding="utf-8"), 0
    for path in project_files(root):
        for passage in shared_runs(source, path.read_text(encoding="utf-8", errors="replace")):
            found += 1
            shown = passage if len(passage) < 300 else passage[:300] + " …"
            print(f"{path.relative_to(root)}: {len(passage.split())} words as in the source review: {shown!r}")
    if found:
        print(f"own words: {found} passage(s) repeat the source review; say them in the book's own words.")
        return 1
    print(f"own words: no run of {RUN} or more words shared with {review.name}")
    return 0


if __name__ == "__main__":
    from mrcreview.paths import project_root

    sys.exit(main(project_root()))
