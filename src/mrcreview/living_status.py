"""The front page's living status: how current the evidence is, said from data alone.

It claims no more than the data records: the source review's search as the review reports it; each
update search as last run, or that it has not run; which registry statuses `make refresh` confirmed
and which were typed by hand; when the data were last edited, as git records it (data_history.py);
the version and release date of CITATION.cff.
"""

import re
from datetime import date
from pathlib import Path

import pandas as pd

from mrcreview.citation_file import read_citation
from mrcreview.counting import registered_trials
from mrcreview.data_history import last_data_edit
from mrcreview.dependencies import recorded
from mrcreview.inputs import read_input
from mrcreview.loading import load_screening, load_searches, load_studies
from mrcreview.markdown import md_escape
from mrcreview.paths import project_root
from mrcreview.tables import UPDATE_SEARCH, UPDATE_SEARCH_NAMED
from mrcreview.trials import NCT

ISO_DAY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def as_date(when) -> date:
    """A date from data, whichever form it was loaded in (a date, a timestamp, or ISO text from CITATION.cff)."""
    return pd.Timestamp(str(when)).date()


def day(when) -> str:
    """A date as readers write it: 28 November 2026."""
    when = as_date(when)
    return f"{when.day} {when:%B %Y}"


def _bound(text: str) -> str:
    """A window's bound: a year as it is, a full date as readers write it."""
    return day(text) if ISO_DAY.fullmatch(text) else md_escape(text)


def _window(search: pd.Series) -> str:
    start = _bound(search["date_from"])
    return f"{start} to {_bound(search['date_to'])}" if pd.notna(search["date_to"]) else f"from {start}"


def reported_search(search: pd.Series) -> str:
    """A search this book did not run: only what its source reports of it."""
    ran = f"it ran on {day(search['run_on'])}" if pd.notna(search["run_on"]) else "the date it ran is not reported"
    found = (
        f"it found {int(search['found'])} records"
        if pd.notna(search["found"])
        else "nor is the number of records it found"
    )
    joint = ", and " if pd.notna(search["found"]) else ", "
    return (
        f"**The source review's search** ({md_escape(search['database'])}, publications {_window(search)}),"
        f" as the review reports it: {ran}{joint}{found}."
    )


def update_search(search: pd.Series, screening: pd.DataFrame) -> str:
    """A search `make refresh` runs: its last run and where its records stand, or that it has not run."""
    head = f"**Update search** ({md_escape(search['database'])}, publications {_window(search)}):"
    if pd.isna(search["run_on"]):
        return (
            f"{head} not yet run, so nothing published since the source review's window"
            " has been searched for or screened."
        )
    mine = screening[screening["search_id"] == search["search_id"]]
    decision = mine["decision"]
    found = int(search["found"]) if pd.notna(search["found"]) else 0
    return (
        f"{head} last run on {day(search['run_on'])}, when it found {found} records."
        f" Of the {len(mine)} it has added to the screening log, {int((decision == 'to screen').sum())} await a"
        f" decision, {int((decision == 'included').sum())} were included and"
        f" {int((decision == 'excluded').sum())} excluded."
    )


def registry_checks(studies: pd.DataFrame, searches: pd.DataFrame) -> str:
    """Which trial registry statuses `make refresh` confirmed and which were typed by hand.

    Only trials count (counting.registered_trials): a PROSPERO number registers a review, whose record
    nothing here checks, and the line says so. A status counts as confirmed by `make refresh` only when
    its check date is the date of a refresh run: a refresh writes both at once, and a status it could not
    confirm keeps its old date. A registry_updated date alone is not enough, as a later hand edit leaves
    it in place."""
    runs = {as_date(run) for run in searches.loc[searches["run_by"] == UPDATE_SEARCH, "run_on"].dropna()}
    registered = registered_trials(studies)
    reviews = studies[studies["registry_id"].notna() & ~studies.index.isin(registered.index)]
    not_trials = (
        f" Not counted: {_listed_ids(reviews)}, the registration of"
        f" {'a systematic review, not of a trial' if len(reviews) == 1 else 'systematic reviews, not of trials'};"
        f" {'its record is' if len(reviews) == 1 else 'their records are'} not checked here."
        if len(reviews)
        else ""
    )
    if registered.empty:
        return f"**Trial registries**: no study in the dataset has a trial registry's number.{not_trials}"
    automatic = registered.apply(
        lambda row: bool(NCT.fullmatch(row["registry_id"])) and as_date(row["status_checked"]) in runs, axis=1
    )
    parts = []
    if automatic.any():
        latest = max(registered.loc[automatic, "status_checked"])
        parts.append(
            f"{automatic.sum()} of {len(registered)} statuses were last confirmed at ClinicalTrials.gov by"
            f" {UPDATE_SEARCH_NAMED}, most recently on {day(latest)}"
        )
    else:
        parts.append(f"no status has yet been confirmed at a registry by {UPDATE_SEARCH_NAMED}")
    by_hand = registered[~automatic]
    for checked, rows in by_hand.groupby("status_checked", sort=True):
        parts.append(f"typed by hand, last checked by hand on {day(checked)}: {_listed_ids(rows)}")
    trials = f"{len(registered)} registered {'trial' if len(registered) == 1 else 'trials'}"
    return f"**Trial registries** ({trials}): " + "; ".join(parts) + "." + not_trials


def _listed_ids(studies: pd.DataFrame) -> str:
    return ", ".join(md_escape(number) for number in sorted(studies["registry_id"]))


def literature_searched_to(searches: pd.DataFrame) -> str:
    """How far the literature has been searched, as a reader would say it: the last run of an update
    search, or else the end of the source review's window as the review reports it."""
    runs = searches.loc[searches["run_by"] == UPDATE_SEARCH, "run_on"].dropna()
    if not runs.empty:
        return f"literature searched to {day(max(runs))}"
    reported = searches.loc[searches["run_by"] != UPDATE_SEARCH, "date_to"].dropna()
    return (
        f"literature searched to {_bound(str(max(reported)))}"
        if not reported.empty
        else "literature search not reported"
    )


REFRESH_WORKFLOW = ".github/workflows/refresh.yml"
WEEKLY = re.compile(r'cron:\s*["\']?[0-9]{1,2} [0-9]{1,2} \* \* ([0-6])["\']?\s*$', re.M)
DAYS = ("Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday")


def next_update(workflow: bytes | None) -> str:
    """When the registries and the update search are next due, as the refresh workflow schedules them; a
    run is proposed as a pull request for a reviewer, so nothing is said to be checked before it is."""
    weekly = WEEKLY.search(workflow.decode("utf-8", "replace")) if workflow else None
    if weekly is None:
        return "**Next update**: no automatic update is scheduled; updates are made by hand."
    return (
        f"**Next update**: the registry checks and the update search are scheduled weekly, on"
        f" {DAYS[int(weekly.group(1))]}s; each run is proposed for review before it changes the book."
    )


def data_edited_line(edited: date | str) -> str:
    """When the data were last edited: a commit's date, or why none is given (data_history.py)."""
    if isinstance(edited, date):
        return f"**Data last edited** on {day(edited)}: the last recorded change to the study data or the references."
    return f"**Data last edited**: {md_escape(edited)}."


def version_line(citation: dict) -> str:
    return (
        f"**Version** {md_escape(citation['version'])}, released on {day(citation['date-released'])}"
        " (from CITATION.cff)."
    )


def living_status(
    searches: pd.DataFrame,
    screening: pd.DataFrame,
    studies: pd.DataFrame,
    citation: dict,
    workflow: bytes | None = None,
    edited: date | str = "not known",
) -> str:
    """The status as a Markdown list, one line per source of currency."""
    # The source review's search first: the update searches continue from where its window ends.
    ordered = searches.assign(update=searches["run_by"] == UPDATE_SEARCH).sort_values("update", kind="stable")
    lines = [
        update_search(search, screening) if search["update"] else reported_search(search)
        for _, search in ordered.iterrows()
    ]
    lines += [registry_checks(studies, searches), data_edited_line(edited)]
    lines += [next_update(workflow), version_line(citation)]
    return "\n".join(f"- {line}" for line in lines) + "\n"


@recorded
def living_status_markdown(*, root: Path | None = None) -> str:
    """The front page's living status, from data/, CITATION.cff and the data's history in git."""
    root = root or project_root()
    searches, screening, studies = load_searches(root=root), load_screening(root=root), load_studies(root=root)
    citation, workflow = read_citation(root), refresh_workflow(root)
    return living_status(searches, screening, studies, citation, workflow, last_data_edit(root))


def refresh_workflow(root: Path) -> bytes | None:
    """The refresh workflow's text, read as any input is (inputs.py: inside the repository, a regular file,
    at most 64 KB), in the one hidden folder it lies in."""
    text = read_input(root, REFRESH_WORKFLOW, "the refresh workflow", 64 * 2**10, hidden=frozenset({".github"}))
    return text if isinstance(text, bytes) else None
