"""What changed in the evidence since the last release: computed from git, never written by hand.

The baseline is the newest release tag (v<version>) other than the current version in
CITATION.cff. Without git or without an earlier tag, the page says this is the first release.
"""

import io
import subprocess
from pathlib import Path

import bibtexparser
import pandas as pd

from mrcreview.bibliography import read_library
from mrcreview.citation_file import read_citation
from mrcreview.dependencies import recorded
from mrcreview.markdown import cite, md_code_block, md_escape
from mrcreview.numbers import format_value
from mrcreview.paths import project_root
from mrcreview.register import numbers_used

COMPARED = ["value", "numerator", "denominator", "unit", "bound", "ci_lower", "ci_upper", "ci_level"]


def current_version(root: Path) -> str:
    return str(read_citation(root)["version"])


def _git(root: Path, *args: str) -> str | None:
    try:
        result = subprocess.run(["git", *args], cwd=root, capture_output=True, text=True, check=False)
    except FileNotFoundError:
        return None
    return result.stdout if result.returncode == 0 else None


def baseline_tag(root: Path) -> str | None:
    tags = (_git(root, "tag", "--list", "v*", "--sort=-v:refname") or "").split()
    current = f"v{current_version(root)}"
    return next((tag for tag in tags if tag != current), None)


def _table(text: str | None) -> pd.DataFrame | None:
    """A CSV as text columns, as committed (numbers keep the precision they were typed with)."""
    if text is None:
        return None
    return pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False, na_values=[""])


def _shown(row: pd.Series) -> str:
    row = row.copy()
    for column in ("value", "ci_lower", "ci_upper"):
        row[f"{column}_text"] = row[column]
    return format_value(row)


def changed_outcomes(old: pd.DataFrame, new: pd.DataFrame) -> tuple[list[str], list[str], list[tuple]]:
    """Ids added, ids removed, and (id, old row, new row) for numbers whose reported value changed."""
    old, new = old.set_index("outcome_id", drop=False), new.set_index("outcome_id", drop=False)
    added = sorted(set(new.index) - set(old.index))
    removed = sorted(set(old.index) - set(new.index))
    changed = []
    for key in sorted(set(old.index) & set(new.index)):
        before, after = old.loc[key, COMPARED].fillna(""), new.loc[key, COMPARED].fillna("")
        if not before.equals(after):
            changed.append((key, old.loc[key], new.loc[key]))
    return added, removed, changed


@recorded
def whats_new_markdown(*, root: Path | None = None) -> str:
    root = root or project_root()
    tag = baseline_tag(root)
    if tag is None:
        return f"Version {md_escape(current_version(root))} is the first release: all the evidence in this book is new."
    lines = [f"Changes in the evidence since release {md_escape(tag)}.", ""]
    old_outcomes = _table(_git(root, "show", f"{tag}:data/outcomes.csv"))
    new_outcomes = _table((root / "data" / "outcomes.csv").read_text(encoding="utf-8"))
    used = numbers_used(root=root)
    chapters_of = {key: chapter for chapter, keys in used.items() for key in keys}

    def where(key: str) -> str:
        return f" (in {{doc}}`{chapters_of[key]}`)" if key in chapters_of else ""

    lines.append("## Numbers")
    if old_outcomes is None:
        lines.append("- The previous release had no `data/outcomes.csv`.")
    else:
        added, removed, changed = changed_outcomes(old_outcomes, new_outcomes)
        for key, before, after in changed:
            lines.append(
                f"- Changed: `{key}` {md_escape(after['outcome'])}, {md_escape(_shown(before))} → "
                f"{md_escape(_shown(after))} {cite(after['citation_key'])}{where(key)}"
            )
        new_rows = new_outcomes.set_index("outcome_id", drop=False)
        for key in added:
            row = new_rows.loc[key]
            lines.append(
                f"- Added: `{key}` {md_escape(row['outcome'])}, {md_escape(_shown(row))} "
                f"{cite(row['citation_key'])}{where(key)}"
            )
        lines += [f"- Removed: `{key}`" for key in removed]
        if not (added or removed or changed):
            lines.append("- No number changed.")

    lines += ["", "## Studies"]
    old_studies = _table(_git(root, "show", f"{tag}:data/studies.csv"))
    new_studies = _table((root / "data" / "studies.csv").read_text(encoding="utf-8"))
    before = old_studies.set_index("study_id") if old_studies is not None else pd.DataFrame(columns=["status"])
    after = new_studies.set_index("study_id")
    study_lines = [
        f"- Added: {md_escape(after.loc[s, 'short_name'])}" for s in sorted(set(after.index) - set(before.index))
    ]
    study_lines += [
        f"- Removed: {md_escape(before.loc[s, 'short_name'])}" for s in sorted(set(before.index) - set(after.index))
    ]
    for study in sorted(set(after.index) & set(before.index)):
        if before.loc[study, "status"] != after.loc[study, "status"]:
            study_lines.append(
                f"- Status of {md_escape(after.loc[study, 'short_name'])}: "
                f"{md_escape(before.loc[study, 'status'])} → {md_escape(after.loc[study, 'status'])} "
                f"(checked {md_escape(after.loc[study, 'status_checked'])})"
            )
    lines += study_lines or ["- No study added, removed or changed status."]

    lines += ["", "## References"]
    old_bib = _git(root, "show", f"{tag}:refs.bib")
    old_keys = {e.key for e in bibtexparser.parse_string(old_bib).entries} if old_bib else set()
    new_keys = {e.key for e in read_library(root / "refs.bib").entries}
    ref_lines = [f"- Added: {cite(key)}" for key in sorted(new_keys - old_keys)]
    ref_lines += [f"- Removed: `{key}`" for key in sorted(old_keys - new_keys)]
    lines += ref_lines or ["- No reference added or removed."]
    return "\n".join(lines) + "\n"


def release_date(root: Path) -> str:
    return str(read_citation(root)["date-released"])


@recorded
def how_to_cite_markdown(*, root: Path | None = None) -> str:
    """The recommended citation and a BibTeX entry, from CITATION.cff (a contributor's text: escaped)."""
    cff = read_citation(root or project_root())
    authors = "; ".join(
        str(a.get("name") or f"{a['family-names']}, {a.get('given-names', '')}".strip(", ")) for a in cff["authors"]
    )
    title, version, released = str(cff["title"]), str(cff["version"]), str(cff["date-released"])
    text = f"{md_escape(authors)}. *{md_escape(title)}*. Version {md_escape(version)}, released {md_escape(released)}."
    bibtex = (
        f"@misc{{mrcreview{released[:4]},\n  author  = {{{{{authors}}}}},\n  title   = {{{title}}},\n"
        f"  year    = {{{released[:4]}}},\n  version = {{{version}}},\n  note    = {{Living review}}\n}}"
    )
    return f"{text}\n\n{md_code_block(bibtex, 'bibtex')}\n"
