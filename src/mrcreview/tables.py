"""Tables of the book, built from data as MyST Markdown so that citations resolve."""

from pathlib import Path

import pandas as pd

from mrcreview.counting import registered_trials
from mrcreview.data_rules import OTHER_SOURCES
from mrcreview.dependencies import recorded
from mrcreview.loading import load_outcomes, load_studies
from mrcreview.markdown import cite, markdown_table, md_cell_code, md_code, md_escape, md_text_and_code
from mrcreview.numbers import format_value, fraction, patients
from mrcreview.register import number_link
from mrcreview.synthesis import interval_with_level, with_intervals

PATHWAY_COLUMNS = {
    "setting": "Setting",
    "strategy": "Strategy",
    "key_steps": "Key steps",
    "role_of_rt_nom": "Role of radiotherapy and NOM",
    "key_considerations": "Key considerations",
}


# Columns that may become a note under their table when every row holds the same value; never a column
# of numbers, whose every cell links to the number's entry in the evidence register.
FOLDABLE = ("Study", "Arm or group", "Outcome", "Time point", "Interval", "Source")


def table_with_note(header: list[str], rows: list[list[str]]) -> str:
    """A pipe table whose columns that repeat one value on every row are said once, in a note after it
    (separated by a blank line: numbered_table puts the note under the table, outside its frame)."""
    same = [i for i, name in enumerate(header) if name in FOLDABLE and len(rows) > 1 and len({r[i] for r in rows}) == 1]
    if not same:
        return markdown_table(header, rows)
    kept = [i for i in range(len(header)) if i not in same]
    said = "; ".join(f"{header[i]}: {rows[0][i] or 'not stated'}" for i in same)
    table = markdown_table([header[i] for i in kept], [[row[i] for i in kept] for row in rows])
    return f"{table}\n\nEvery row of this table — {said}."


def table_clinical_pathways(pathways: pd.DataFrame) -> str:
    """Table 1: where radiotherapy and non-operative management fit in each pathway."""
    rows = [
        [md_escape(row[column]) for column in PATHWAY_COLUMNS] + [cite(row["citation_key"])]
        for _, row in pathways.iterrows()
    ]
    return table_with_note([*PATHWAY_COLUMNS.values(), "Source"], rows)


def table_numbers(outcomes: pd.DataFrame) -> str:
    """The numbers behind a figure, one row per reported number, with their citations."""
    rows = []
    for _, row in outcomes.iterrows():
        rows.append(
            [
                md_escape(row["short_name"]),
                md_escape(row["arm"]),
                md_escape(row["outcome"]),
                md_escape(row["timepoint"]) if pd.notna(row["timepoint"]) else "",
                number_link(row["outcome_id"], format_value(row)),
                md_escape(fraction(row) or ""),
                cite(row["citation_key"]),
            ]
        )
    return table_with_note(["Study", "Arm or group", "Outcome", "Time point", "Value", "n/N", "Source"], rows)


CI_HEADING = "Confidence interval"  # each cell gives its own level: a source may state 99%, not 95%


def table_forest(rows: pd.DataFrame) -> str:
    body = []
    for _, row in with_intervals(rows).iterrows():
        body.append(
            [
                md_escape(row["short_name"]),
                md_escape(row["arm"]),
                md_escape(row["outcome"]),
                md_escape(row["timepoint"]) if pd.notna(row["timepoint"]) else "",
                number_link(row["outcome_id"], format_value(row)),
                md_escape(interval_with_level(row)),
                md_escape(row["interval_source"]),
                md_escape(fraction(row) or ""),
                cite(row["citation_key"]),
            ]
        )
    header = ["Study", "Arm or group", "Outcome", "Time point", "Estimate", CI_HEADING, "Interval", "n/N", "Source"]
    return table_with_note(header, body)


def numbered_table(name: str | None, caption: str, table: str) -> str:
    """Wrap a pipe table in a MyST table directive with its caption, numbered and referable as name; or,
    without a name, put the caption in bold above it: Sphinx numbers every table that has a caption.
    A note after the table (table_with_note) follows the directive."""
    table, _, note = table.partition("\n\n")
    note = f"\n{note}\n" if note else ""
    if name is None:
        return f"**{md_escape(caption)}**\n\n{table}\n{note}"
    return f":::{{table}} {md_escape(caption)}\n:name: {name}\n\n{table}\n:::\n{note}"


def registry_dates(row: pd.Series) -> str:
    """What the registry said of completion and of its record's last update, when it was checked."""
    said = []
    if pd.notna(row["registry_completion"]):
        kind = f" ({row['registry_completion_type']})" if pd.notna(row["registry_completion_type"]) else ""
        said.append(f"completion {row['registry_completion']}{kind}")
    if pd.notna(row["registry_updated"]):
        said.append(f"record updated {row['registry_updated']:%Y-%m-%d}")
    return md_escape("; ".join(said)) if said else NOT_RECORDED


# Trials still running come first: their status and completion date are what a reader checks for.
STATUS_ORDER = ["recruiting", "ongoing", "completed", "terminated", "not applicable"]
NOT_RECORDED = "not recorded"


def primary_outcome(row: pd.Series) -> str:
    """The primary outcome and where it was seen; never guessed where no source seen states it."""
    if pd.isna(row["primary_outcome"]):
        return NOT_RECORDED
    return f"{md_escape(row['primary_outcome'])} (seen in: {md_escape(row['primary_outcome_source'])})"


def table_trial_tracker(studies: pd.DataFrame, released: dict[str, str] | None = None) -> str:
    """The registered trials (a trial registry's number required; counting.TRIAL_REGISTRY), those still
    running first: population, primary outcome, size, registry number, status and when it was last checked,
    and what the registry said of completion and its last update. With released (study_id -> status at the
    last release), a status that has changed since says so."""
    released = released or {}
    trials = registered_trials(studies)
    trials = trials.assign(order=trials["status"].map(STATUS_ORDER.index), name=trials["short_name"].str.casefold())
    rows = []
    for _, row in trials.sort_values(["order", "name"]).iterrows():
        rows.append(
            [
                md_escape(row["short_name"]),
                md_escape(row["design"]),
                md_escape(row["population"]),
                primary_outcome(row),
                md_escape(patients(row)),
                md_escape(row["registry_id"]),
                md_escape(row["status"])
                + (
                    f" (was {md_escape(released[row['study_id']])} at the last release)"
                    if released.get(row["study_id"], row["status"]) != row["status"]
                    else ""
                ),
                md_escape(row["status_checked"].isoformat()),
                registry_dates(row),
                cite(row["citation_key"]),
            ]
        )
    header = [
        "Trial",
        "Design",
        "Population",
        "Primary outcome",
        "Patients",
        "Registry number",
        "Status",
        "Checked",
        "Completion (registry)",
        "Source",
    ]
    return markdown_table(header, rows)


def table_studies(studies: pd.DataFrame) -> str:
    """Studies, registered or not: design, population and patients as their sources give them."""
    rows = [
        [
            md_escape(row["short_name"]),
            md_escape(row["design"]),
            md_escape(row["population"]),
            md_escape(patients(row)),
            cite(row["citation_key"]),
        ]
        for _, row in studies.sort_values("short_name", key=lambda names: names.str.casefold()).iterrows()
    ]
    return markdown_table(["Study", "Design", "Population", "Patients", "Source"], rows)


EVIDENCE_HEADING = "Evidence in this chapter"


@recorded
def evidence_summary_markdown(*outcome_ids: str, root: Path | None = None) -> str:
    """The studies behind these numbers (a chapter's {n} roles), from data."""
    return evidence_summary(load_studies(root=root), load_outcomes(*outcome_ids, root=root))


def evidence_summary(studies: pd.DataFrame, outcomes: pd.DataFrame) -> str:
    """A short list of the studies behind some numbers, with design and n. Works the source review
    cites but that are not yet identified have no name, design or size to list: they are named in
    one sentence, by the source review's reference numbers, with a link to the page that tracks them."""
    used = studies[studies["study_id"].isin(outcomes["study_id"])].sort_values("short_name")
    unknown = used["design"] == "not identified"
    lines = []
    for _, row in used[~unknown].iterrows():
        n = f"n = {md_escape(patients(row))}" if pd.notna(row["n_patients"]) else "n not reported"
        lines.append(f"- {md_escape(row['short_name'])}: {md_escape(row['design'])}, {n} {cite(row['citation_key'])}")
    if unknown.any():
        numbers = sorted(int(ref) for ref in used.loc[unknown, "review_ref"].dropna())
        which = f" (its reference{'s' if len(numbers) > 1 else ''} {_listed(numbers)})" if numbers else ""
        keys = " ".join(cite(key) for key in dict.fromkeys(used.loc[unknown, "citation_key"]))
        lines += [
            "",
            f"Some numbers are given as the source review reports them from works it cites that are not yet"
            f" identified{which} {keys}; see {{doc}}`references-to-identify`.",
        ]
    return "\n".join(lines)


def _listed(items: list) -> str:
    """a, b and c"""
    items = [str(item) for item in items]
    return items[0] if len(items) == 1 else f"{', '.join(items[:-1])} and {items[-1]}"


def table_references_to_identify(references: pd.DataFrame) -> str:
    """Each reference of the source review whose work is not yet in refs.bib, with what it supports."""
    open_refs = references[references["status"] != "identified"].sort_values("review_ref")
    rows = [
        [
            str(int(r.review_ref)),
            md_escape(r.status),
            md_escape(r.supports),
            cite(r.citation_key) if pd.notna(r.citation_key) else "",
        ]
        for r in open_refs.itertuples()
    ]
    return markdown_table(["Reference", "Status", "What the source review cites it for", "Probable work"], rows)


def table_data_dictionary(descriptor: dict, resource_name: str) -> str:
    """The columns of one data file, from the schema: type, rules and meaning."""
    res = next(r for r in descriptor["resources"] if r["name"] == resource_name)
    rows = []
    for field in res["schema"]["fields"]:
        rules = field.get("constraints", {})
        shown = []
        if rules.get("required"):
            shown.append("required")
        if rules.get("unique"):
            shown.append("unique")
        if "enum" in rules:
            shown.append(md_escape("one of: " + "; ".join(rules["enum"])))
        for key, word in (("minimum", "at least"), ("maximum", "at most")):
            if key in rules:
                shown.append(md_escape(f"{word} {rules[key]}"))
        if "pattern" in rules:  # code: one string, never broken at its | or : as words are
            shown.append(f"pattern {md_cell_code(rules['pattern'])}")
        for key in res["schema"].get("foreignKeys", []):
            if field["name"] in key["fields"]:
                shown.append(md_escape(f"must match {key['reference']['resource']}.{key['reference']['fields'][0]}"))
        rows.append(
            [
                md_code(field["name"]),
                md_escape(field["type"]),
                ", ".join(shown),
                md_text_and_code(field.get("description", "")),
            ]
        )
    return markdown_table(["Column", "Type", "Rules", "Meaning"], rows)


UPDATE_SEARCH = "make refresh"  # run_by of the searches this book runs itself
UPDATE_SEARCH_NAMED = "this review's automated refresh"  # what readers are told ran it


def table_searches(searches: pd.DataFrame) -> str:
    """The search strategy as run (PRISMA-S): where, the query as typed, the window, who ran it, when, found."""
    rows = []
    for _, row in searches.iterrows():
        window = f"{row['date_from']} to {row['date_to'] if pd.notna(row['date_to']) else 'the run date'}"
        rows.append(
            [
                md_escape(row["database"]),
                md_code(row["query"]),
                md_escape(window),
                UPDATE_SEARCH_NAMED if row["run_by"] == UPDATE_SEARCH else md_escape(row["run_by"]),
                md_escape(row["run_on"].isoformat()) if pd.notna(row["run_on"]) else _not_run(row["run_by"]),
                f"{int(row['found']):,}" if pd.notna(row["found"]) else "not reported",
                md_escape(row["source_location"]),
            ]
        )
    return markdown_table(["Database", "Query", "Window", "Run by", "Last run", "Records found", "Described in"], rows)


def update_search_run(searches: pd.DataFrame) -> bool:
    """Whether this book's update search has run at least once."""
    return bool(searches.loc[searches["run_by"] == UPDATE_SEARCH, "run_on"].notna().any())


def _not_run(run_by: str) -> str:
    """A search without a date: this book's update search has not run yet; another's ran on a day not given."""
    return "not yet run" if run_by == UPDATE_SEARCH else "date not reported"


def prisma_counts(searches: pd.DataFrame, screening: pd.DataFrame) -> dict[str, int]:
    """The PRISMA 2020 flow of the update searches, from the search table and the screening log."""
    identified = int(searches.loc[searches["run_by"] == UPDATE_SEARCH, "found"].fillna(0).sum())
    logged = len(screening)
    other = int((screening["search_id"] == OTHER_SOURCES).sum())
    decided = screening[screening["decision"] != "to screen"]
    return {
        "identified": identified,
        "other": other,  # records from other sources, added by hand
        "removed": max(identified - (logged - other), 0),  # already cited in refs.bib, or found by an earlier run
        "screened": len(decided),
        "awaiting": logged - len(decided),
        "excluded": int((decided["decision"] == "excluded").sum()),
        "included": int((decided["decision"] == "included").sum()),
    }


def table_prisma(counts: dict[str, int], screening: pd.DataFrame, run: bool = True) -> str:
    """The flow as a table, stage by stage, with every reason for exclusion and its count; before the update
    search has run (run False), its records found are "not yet run", not a count of zero."""
    reasons = screening.loc[screening["decision"] == "excluded", "reason"].value_counts()
    rows = [
        ["Identification", "Records found by the update searches", str(counts["identified"]) if run else "not yet run"],
        [
            "Identification",
            "Not screened: already cited in refs.bib or found by an earlier run",
            str(counts["removed"]),
        ],
        ["Identification", "Records from other sources, added by hand", str(counts.get("other", 0))],
        ["Screening", "Records screened", str(counts["screened"])],
        ["Screening", "Records awaiting a decision", str(counts["awaiting"])],
        ["Screening", "Records excluded", str(counts["excluded"])],
    ]
    rows += [["Screening", f"Excluded: {md_escape(reason)}", str(n)] for reason, n in reasons.items()]
    rows.append(["Included", "Records included (their numbers join data/outcomes.csv)", str(counts["included"])])
    return markdown_table(["Stage", "Records", "n"], rows)
