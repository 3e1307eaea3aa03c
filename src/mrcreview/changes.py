"""What changed in the evidence: computed from release snapshots kept in the repository.

`make release` copies the files What's new compares (data/outcomes.csv, data/studies.csv, refs.bib)
into releases/<version>/. The page compares the data with the snapshot of the current version
(changes not yet released) and that snapshot with the one before it (what the release changed).
No git history or tag is needed: a fresh or shallow clone shows the same page.
"""

import json
import re
from pathlib import Path

import bibtexparser
import pandas as pd

from mrcreview.bibliography import field_values
from mrcreview.citation_file import read_citation
from mrcreview.csv_rows import parse_records
from mrcreview.dependencies import recorded
from mrcreview.loading import AS_TYPED
from mrcreview.markdown import cite, md_escape
from mrcreview.numbers import format_value, measured
from mrcreview.paths import project_root
from mrcreview.register import chapters_showing, numbers_used
from mrcreview.snapshot import COMPARED, RELEASE_FILE, RELEASES, SNAPSHOT


def current_version(root: Path) -> str:
    return str(read_citation(root)["version"])


def version_order(version: str) -> tuple[int, ...]:
    """x.y.z as numbers, so that 0.10.0 comes after 0.9.0."""
    return tuple(int(n) for n in re.findall(r"\d+", version))


def released_versions(root: Path) -> list[str]:
    """Versions with a snapshot in releases/, oldest first."""
    folder = root / RELEASES
    versions = [p.name for p in folder.iterdir() if (p / RELEASE_FILE).exists()] if folder.is_dir() else []
    return sorted(versions, key=version_order)


def release_date_of(root: Path, version: str) -> str:
    return str(json.loads((root / RELEASES / version / RELEASE_FILE).read_text(encoding="utf-8"))["date"])


@recorded
def releases_listed(current_only: bool = False, *, root: Path | None = None) -> list[tuple[str, str]]:
    """Each release as `make release` recorded it in releases/, newest first, with the day it was released;
    current_only: the current version of CITATION.cff alone, if it is released."""
    root = root or project_root()
    versions = released_versions(root)
    if current_only:
        versions = [version for version in versions if version == current_version(root)]
    return [(version, release_date_of(root, version)) for version in reversed(versions)]


def _snapshot(root: Path, version: str | None) -> dict[str, str | None]:
    """The compared files as text: of a release snapshot, or (version None) of the working data."""
    base = root / RELEASES / version if version else root
    texts = {}
    for name in SNAPSHOT:
        path = base / Path(name).name if version else base / name
        texts[name] = path.read_text(encoding="utf-8") if path.exists() else None
    return texts


def _table(text: str | None) -> pd.DataFrame | None:
    """A CSV as text columns, as committed (numbers keep the precision they were typed with)."""
    if text is None:
        return None
    header, rows = parse_records(text)
    table = pd.DataFrame(rows, columns=header, dtype="str").replace("", pd.NA)
    for column in AS_TYPED:  # what format_value prints; here every column is as typed
        if column in table:
            table[f"{column}_text"] = table[column]
    return table


def changed_outcomes(old: pd.DataFrame, new: pd.DataFrame) -> tuple[list[str], list[str], list[tuple]]:
    """Ids added, ids removed, and (id, old row, new row) for numbers whose reported value changed."""
    old, new = old.set_index("outcome_id", drop=False), new.set_index("outcome_id", drop=False)
    added = sorted(set(new.index) - set(old.index))
    removed = sorted(set(old.index) - set(new.index))
    both = sorted(set(old.index) & set(new.index))
    # compared as typed, all at once (row by row took seconds at 50 times today's data)
    before, after = old.loc[both, COMPARED].fillna(""), new.loc[both, COMPARED].fillna("")
    differs = (before != after).any(axis=1)
    changed = [(key, old.loc[key], new.loc[key]) for key in differs[differs].index]
    return added, removed, changed


@recorded
def statuses_at_release(*, root: Path | None = None) -> dict[str, str]:
    """Each study's status in the snapshot of the current release (empty before the first release)."""
    root = root or project_root()
    version = current_version(root)
    if version not in released_versions(root):
        return {}
    studies = _table(_snapshot(root, version)["data/studies.csv"])
    return dict(zip(studies["study_id"], studies["status"], strict=True))


@recorded
def whats_new_markdown(*, root: Path | None = None) -> str:
    root = root or project_root()
    version, released = current_version(root), released_versions(root)
    if version not in released:
        return f"Version {md_escape(version)} is not released yet: its changes are listed once it is."
    chapters_of = chapters_showing(numbers_used(root=root))
    current = _snapshot(root, version)
    lines = [f"## Since release {md_escape(version)}", ""]
    lines += _differences(_snapshot(root, None), current, chapters_of, "since this release")
    earlier = released[: released.index(version)]
    lines += ["", f"## In release {md_escape(version)} ({md_escape(release_date_of(root, version))})", ""]
    if earlier:
        lines += [f"Compared with release {md_escape(earlier[-1])}.", ""]
        lines += _differences(current, _snapshot(root, earlier[-1]), chapters_of, "in this release")
    else:
        lines.append(f"Release {md_escape(version)} was the first: all the evidence in it was new.")
    return "\n".join(lines) + "\n"


def study_and_reference_changes(old: dict, new: dict) -> dict[str, list]:
    """Studies added and removed (by name), statuses changed, references added and removed, between two
    snapshots of the compared files: What's new and a pull request's summary report the same changes."""
    before = _table(old["data/studies.csv"] or "study_id,short_name,status\n").set_index("study_id")
    after = _table(new["data/studies.csv"]).set_index("study_id")
    old_keys = {e.key for e in bibtexparser.parse_string(old["refs.bib"] or "").entries}
    new_keys = {e.key for e in bibtexparser.parse_string(new["refs.bib"] or "").entries}
    return {
        "studies_added": [after.loc[s, "short_name"] for s in sorted(set(after.index) - set(before.index))],
        "studies_removed": [before.loc[s, "short_name"] for s in sorted(set(before.index) - set(after.index))],
        "statuses": [
            (
                after.loc[s, "short_name"],
                before.loc[s, "status"],
                after.loc[s, "status"],
                after.loc[s, "status_checked"],
            )
            for s in sorted(set(after.index) & set(before.index))
            if before.loc[s, "status"] != after.loc[s, "status"]
        ],
        "references_added": sorted(new_keys - old_keys),
        "references_removed": sorted(old_keys - new_keys),
    }


def _study_names(texts: dict) -> dict[str, str]:
    studies = _table(texts["data/studies.csv"] or "study_id,short_name\n")
    return dict(zip(studies["study_id"], studies["short_name"], strict=True))


def _named(row: pd.Series, names: dict[str, str]) -> str:
    """A number as readers know it: its study's name, what was measured, in whom and when (never its id)."""
    study = names.get(row["study_id"], "an unnamed study")
    return f"{md_escape(study)}: {md_escape(measured(row))}"


def _reference_named(text: str | None, key: str) -> str:
    """A reference no longer in refs.bib, by the title it had (it can no longer be cited)."""
    entry = next((e for e in bibtexparser.parse_string(text or "").entries if e.key == key), None)
    title = field_values(entry).get("title", "").strip("{}") if entry is not None else ""
    return md_escape(title) if title else "a reference without a title"


def _differences(new: dict, old: dict, chapters_of: dict[str, list[str]], when: str) -> list[str]:
    """Numbers changed (old -> new, linked to where they are shown), studies and references added or removed."""

    def where(key: str) -> str:
        chapters = ", ".join(f"{{doc}}`{chapter}`" for chapter in chapters_of.get(key, []))
        return f" (in {chapters})" if chapters else ""

    old_outcomes, new_outcomes = _table(old["data/outcomes.csv"]), _table(new["data/outcomes.csv"])
    old_names, new_names = _study_names(old), _study_names(new)
    added, removed, changed = changed_outcomes(old_outcomes, new_outcomes)
    changed_rows = [
        (
            after["citation_key"],
            f"{_named(after, new_names)}, {md_escape(format_value(before))} → "
            f"{md_escape(format_value(after))}{where(key)}",
        )
        for key, before, after in changed
    ]
    new_rows = new_outcomes.set_index("outcome_id", drop=False)
    added_rows = []
    for key in added:
        row = new_rows.loc[key]
        line = f"{_named(row, new_names)}, {md_escape(format_value(row))}{where(key)}"
        added_rows.append((row["citation_key"], line))
    lines = _by_source("Changed", changed_rows) + _by_source("Added", added_rows)
    old_rows = old_outcomes.set_index("outcome_id", drop=False)
    lines += [f"- Removed: {_named(old_rows.loc[key], old_names)}" for key in removed]
    other = study_and_reference_changes(old, new)
    lines += [f"- Study added: {md_escape(name)}" for name in other["studies_added"]]
    lines += [f"- Study removed: {md_escape(name)}" for name in other["studies_removed"]]
    lines += [
        f"- Status of {md_escape(name)}: {md_escape(was)} → {md_escape(now)} (checked {md_escape(checked)})"
        for name, was, now, checked in other["statuses"]
    ]
    cited = {key for key, _ in changed_rows + added_rows}  # cited above, with the numbers they gave
    lines += [f"- Reference added: {cite(key)}" for key in other["references_added"] if key not in cited]
    lines += [f"- Reference removed: {_reference_named(old['refs.bib'], key)}" for key in other["references_removed"]]
    return lines or [f"- No number, study or reference changed {when}."]


def _by_source(what: str, rows: list[tuple[str, str]]) -> list[str]:
    """Numbers listed under the source they come from, each source cited once (citations are most of
    what the page costs to build when many numbers change)."""
    by_key: dict[str, list[str]] = {}
    for key, line in rows:
        by_key.setdefault(key, []).append(line)
    return [
        f"- {what}, {cite(key)}:\n" + "\n".join(f"  - {line}" for line in lines)
        for key, lines in sorted(by_key.items())
    ]


def release_date(root: Path) -> str:
    return str(read_citation(root)["date-released"])


def unreleased_changes(root: Path) -> bool:
    """Whether the data differ from the snapshot of the current release (What's new lists how); before the
    first release, everything is unreleased."""
    version = current_version(root)
    if version not in released_versions(root):
        return True
    return _snapshot(root, None) != _snapshot(root, version)
