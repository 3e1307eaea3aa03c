"""`make refresh`: re-check the trial registries and re-run the literature search, for people to decide.

1. Every NCT number in data/studies.csv is looked up at ClinicalTrials.gov (trials.py); a status the
   schema's list lacks leaves its row as it was and is listed for review. Other registries are listed as
   checked by hand, with their last date.
2. Every search in data/searches.csv run by `make refresh` is run at PubMed (literature.py) for records
   since its last run; the new ones are appended to data/screening.csv "to screen".
3. All or nothing: every answer is in hand before any file is written. Every request is made under the
   limits of registry_client.py. A failure is one line naming the service and the trial or search, exit
   status 1, and data/ as it was.
"""

import csv
import io
import os
from datetime import UTC, datetime
from pathlib import Path

from mrcreview.bibliography import read_library
from mrcreview.literature import search_pubmed
from mrcreview.registry_client import Client, ServiceFailed
from mrcreview.trials import check_trials

__all__ = ["ServiceFailed", "refresh"]


def read_csv_rows(path: Path) -> tuple[list[str], list[dict]]:
    """A data file's header and its rows as text, exactly as written (csv_text writes them back)."""
    with open(path, encoding="utf-8", newline="") as stream:
        reader = csv.DictReader(stream)
        return list(reader.fieldnames or []), list(reader)


def csv_text(header: list[str], rows: list[dict]) -> str:
    stream = io.StringIO()
    writer = csv.DictWriter(stream, fieldnames=header, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return stream.getvalue()


def known_identifiers(root: Path, screening: list[dict]) -> tuple[set[str], set[str]]:
    """PMIDs and DOIs (lower case) already cited in refs.bib or already in the screening log."""
    pmids, dois = set(), set()
    for entry in read_library(root / "refs.bib").entries:
        fields = {f.key.lower(): str(f.value).strip() for f in entry.fields}
        pmids.add(fields.get("pmid", ""))
        dois.add(fields.get("doi", "").lower())
    for row in screening:
        pmids.add(row["pmid"])
        dois.add(row["doi"].lower())
    return pmids - {""}, dois - {""}


def refresh(root: Path, today: str | None = None) -> str:
    """Ask every service, then write every file; return the summary."""
    today = today or datetime.now(UTC).date().isoformat()
    data = root / "data"
    study_header, studies = read_csv_rows(data / "studies.csv")
    search_header, searches = read_csv_rows(data / "searches.csv")
    screening_header, screening = read_csv_rows(data / "screening.csv")

    client = Client()
    trials = check_trials(studies, today, client)
    pmids, dois = known_identifiers(root, screening)
    found_lines, added = [], []
    for search in searches:
        if search["run_by"] != "make refresh":
            continue
        found, new = search_pubmed(client, search, today, pmids, dois)
        pmids |= {r["pmid"] for r in new}
        since = search["run_on"] or search["date_from"]
        found_lines.append(f"{search['search_id']}: {found} found since {since}, {len(new)} new to screen")
        search["run_on"], search["found"] = today, str(found)
        added += new

    # every answer is in: write each file beside its target, then put them in place
    texts = {
        data / "studies.csv": csv_text(study_header, studies),
        data / "searches.csv": csv_text(search_header, searches),
        data / "screening.csv": csv_text(screening_header, screening + added),
    }
    try:
        for path, text in texts.items():
            path.with_suffix(".csv.new").write_text(text, encoding="utf-8")
    except OSError:
        for path in texts:
            path.with_suffix(".csv.new").unlink(missing_ok=True)
        raise
    for path in texts:
        os.replace(path.with_suffix(".csv.new"), path)

    lines = [
        f"refresh: {len(trials.checked)} trial(s) checked at ClinicalTrials.gov; "
        + (
            f"{len(trials.changes)} status change(s): {'; '.join(trials.changes)}"
            if trials.changes
            else "no status changed"
        ),
    ]
    if trials.for_review:
        lines.append(
            "refresh: for review, a status studies.csv's status list has no counterpart for (row left as it was): "
            + "; ".join(trials.for_review)
        )
    if trials.by_hand:
        lines.append(f"refresh: checked by hand: {'; '.join(trials.by_hand)}")
    lines += [f"refresh: PubMed {line}" for line in found_lines]
    lines.append(f"refresh: {len(added)} record(s) added to data/screening.csv to screen")
    return "\n".join(lines)
