"""What a pull request changes in the evidence, as data for its comment (`make summary`, and ci.yml's
changes.json, which mrcreview.pull_request_comment shows, every value as literal text): numbers changed
(old -> new) with their arm and the chapters that show them, numbers, studies, references, chapters and
figures added or removed, screening decisions, and the pages affected. Pages are named by their titles.
"""

import json
import re
import subprocess
import sys
from pathlib import Path

import pandas as pd

from mrcreview.changes import _table, changed_outcomes, study_and_reference_changes
from mrcreview.numbers import format_value
from mrcreview.pull_request_comment import changes_markdown
from mrcreview.register import REGISTER_INDEX, chapters_showing, numbers_used, register_part
from mrcreview.snapshot import SNAPSHOT

# The files compared besides the release snapshot's; the chapters (book/**/*.md) are compared too.
SUMMARISED = (*SNAPSHOT, "data/figures.csv", "data/screening.csv")
TITLE = re.compile(r"^# +(.+?)\s*$", re.M)
SCREENING_PAGE = "search-and-screening"


class NoSuchBase(Exception):
    """The base to compare with is not a commit of the repository."""


def base_snapshot(root: Path, ref: str) -> dict[str, str | None]:
    """The compared files and chapters as they are at a git commit (the pull request's base)."""
    found = subprocess.run(
        ["git", "rev-parse", "--verify", "--quiet", "--end-of-options", f"{ref}^{{commit}}"],
        cwd=root,
        capture_output=True,
        text=True,
    )
    if found.returncode != 0:
        raise NoSuchBase(f"no commit {ref[:80]!r} to compare with (give BASE=<branch or commit>, e.g. origin/main)")
    commit = found.stdout.strip()
    listed = subprocess.run(
        ["git", "ls-tree", "-r", "--name-only", "-z", commit, "--", "book"], cwd=root, capture_output=True, text=True
    )
    chapters = [name for name in listed.stdout.split("\0") if _is_chapter(name)]
    texts = {}
    for name in [*SUMMARISED, *chapters]:
        shown = subprocess.run(["git", "show", f"{commit}:{name}"], cwd=root, capture_output=True, text=True)
        texts[name] = shown.stdout if shown.returncode == 0 else None
    return texts


def working_snapshot(root: Path) -> dict[str, str | None]:
    """The compared files and chapters as they are in the working tree."""
    chapters = [p.relative_to(root).as_posix() for p in (root / "book").rglob("*.md")]
    names = [*SUMMARISED, *(name for name in chapters if _is_chapter(name))]
    return {name: (root / name).read_text(encoding="utf-8") if (root / name).is_file() else None for name in names}


def _is_chapter(name: str) -> bool:
    return name.startswith("book/") and name.endswith(".md") and not Path(name).name.startswith("_")


def chapter_titles(texts: dict[str, str | None]) -> dict[str, str]:
    """Each chapter's title (its first "# " heading, else its file name), by page name."""
    return {
        Path(name).stem: (match.group(1) if (match := TITLE.search(text)) else Path(name).stem)
        for name, text in texts.items()
        if _is_chapter(name) and text is not None
    }


def _register_pages(base: dict, new: dict, old_rows: pd.DataFrame, new_rows: pd.DataFrame, changed, added, removed):
    """The register's pages that change: those of the rows changed, added or removed and of studies renamed;
    its first page, which lists the studies and counts the numbers, when a row or study comes, goes or is renamed."""

    def names(texts: dict) -> pd.Series:
        return _table(texts["data/studies.csv"] or "study_id,short_name\n").set_index("study_id")["short_name"]

    old_names, new_names = names(base), names(new)
    old_studies = old_rows.set_index("outcome_id")["study_id"]
    new_studies = new_rows.set_index("outcome_id")["study_id"]
    pages = {register_part(new_names.get(new_studies[key], "")) for key in [*changed, *added]}
    pages |= {register_part(old_names.get(old_studies[key], "")) for key in removed}
    both = new_names.index.intersection(old_names.index)
    renamed = [study for study in both if new_names[study] != old_names[study]]
    pages |= {register_part(table[study]) for study in renamed for table in (old_names, new_names)}
    if added or removed or renamed or set(new_names.index) ^ set(old_names.index):
        pages.add(REGISTER_INDEX)
    return pages


def _rows(text: str | None, key: str) -> dict[str, dict]:
    """A table's rows by key (none when the file did not exist)."""
    table = _table(text)
    if table is None or key not in table:
        return {}
    return {row[key]: row for row in table.fillna("").to_dict("records")}


def screening_decisions(base: dict, new: dict) -> list[dict[str, str]]:
    """Records added to the screening log, and records whose decision or reason changed."""
    before, after = _rows(base["data/screening.csv"], "record_id"), _rows(new["data/screening.csv"], "record_id")
    return [
        {"record": key, "title": row["title"], "decision": row["decision"], "reason": row["reason"]}
        for key, row in after.items()
        if key not in before or (before[key]["decision"], before[key]["reason"]) != (row["decision"], row["reason"])
    ]


def pull_request_changes(root: Path, base: dict[str, str | None]) -> dict[str, list]:
    """What a pull request changes in the evidence, against base (base_snapshot or working_snapshot)."""
    new = working_snapshot(root)
    titles = chapter_titles(base) | chapter_titles(new)

    def pages(names) -> list[dict[str, str]]:
        return [{"page": name, "title": titles.get(name, name)} for name in names]

    shown_in = chapters_showing(numbers_used(root=root))
    old_rows, new_rows = _table(base["data/outcomes.csv"] or "outcome_id\n"), _table(new["data/outcomes.csv"])
    if "outcome" not in old_rows:
        old_rows = new_rows.iloc[0:0]
    added, removed, changed = changed_outcomes(old_rows, new_rows)
    indexed = new_rows.set_index("outcome_id", drop=False)
    other = study_and_reference_changes(base, new)
    old_chapters, new_chapters = chapter_titles(base), chapter_titles(new)
    old_figures, new_figures = _rows(base["data/figures.csv"], "figure_id"), _rows(new["data/figures.csv"], "figure_id")
    screening = screening_decisions(base, new)
    affected = sorted({c for key in [k for k, _, _ in changed] + added for c in shown_in.get(key, [])})
    affected += sorted(set(new_chapters) - set(old_chapters) - set(affected))
    affected += sorted(_register_pages(base, new, old_rows, new_rows, [k for k, _, _ in changed], added, removed))
    affected += [SCREENING_PAGE] if screening and SCREENING_PAGE not in affected else []
    studies_or_references = ("studies_added", "studies_removed", "references_added", "references_removed")
    if changed or added or removed or any(other[key] for key in studies_or_references):
        affected += ["whats-new"]
    return {
        "numbers_changed": [
            {
                "id": str(key),
                "outcome": str(after["outcome"]),
                "arm": _text(after["arm"]),
                "before": format_value(before),
                "after": format_value(after),
                "shown_in": pages(shown_in.get(key, [])),
            }
            for key, before, after in changed
        ],
        "numbers_added": [
            {
                "id": str(key),
                "outcome": str(indexed.loc[key, "outcome"]),
                "arm": _text(indexed.loc[key, "arm"]),
                "value": format_value(indexed.loc[key]),
                "shown_in": pages(shown_in.get(key, [])),
            }
            for key in added
        ],
        "numbers_removed": [str(key) for key in removed],
        "studies_added": [str(name) for name in other["studies_added"]],
        "studies_removed": [str(name) for name in other["studies_removed"]],
        "references_added": other["references_added"],
        "references_removed": other["references_removed"],
        "chapters_added": pages(sorted(set(new_chapters) - set(old_chapters))),
        "chapters_removed": pages(sorted(set(old_chapters) - set(new_chapters))),
        "figures_added": [
            {"id": k, "title": new_figures[k]["title"]} for k in sorted(set(new_figures) - set(old_figures))
        ],
        "figures_removed": [
            {"id": k, "title": old_figures[k]["title"]} for k in sorted(set(old_figures) - set(new_figures))
        ],
        "screening": screening,
        "pages_affected": pages(dict.fromkeys(affected)),  # each page once, in the order found
    }


def _text(value) -> str:
    return "" if pd.isna(value) else str(value)


def summary(root: Path, ref: str, markdown: bool) -> int:
    """`python -m mrcreview summary`: the changes against ref as JSON, or as the comment's Markdown. Only for
    files the check accepts (as in CI): the working tree is read as it is, not through inputs.py."""
    from mrcreview.validation import check_project

    if problems := check_project(root):
        for problem in problems:
            print(problem, file=sys.stderr)
        print(f"summary: the check refuses {len(problems)} thing(s) above; fix them first.", file=sys.stderr)
        return 1
    try:
        changes = pull_request_changes(root, base_snapshot(root, ref))
    except NoSuchBase as missing:
        print(f"summary: {missing}.", file=sys.stderr)
        return 1
    print("\n".join(changes_markdown(changes, None)) if markdown else json.dumps(changes, indent=1, ensure_ascii=False))
    return 0
