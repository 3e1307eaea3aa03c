"""`make refresh`: re-check the trial registries and re-run the literature search, for people to decide.

1. Every NCT number in data/studies.csv is looked up at ClinicalTrials.gov (trials.py); a status the
   schema's list lacks leaves its row as it was and is listed for review. Other registries are listed as
   checked by hand, with their last date.
2. Every search in data/searches.csv run by `make refresh` is run at PubMed (literature.py) for records
   since its last run; the new ones are appended to data/screening.csv "to screen".
3. All or nothing: every answer is in hand, and the files as they would be written pass the project's own
   check (in a copy of the project), before any file is written; then all are replaced, or none. Every
   request is made under the limits of registry_client.py. A failure is one line naming the service and the
   trial or search, exit status 1, and data/ as it was.
"""

import csv
import io
import os
import shutil
import tempfile
from datetime import UTC, date, datetime
from pathlib import Path

from mrcreview.bibliography import read_library
from mrcreview.csv_rows import parse_records
from mrcreview.literature import SERVICE as PUBMED
from mrcreview.literature import search_pubmed
from mrcreview.registry_client import Client, ServiceFailed
from mrcreview.trials import NCT, check_trials
from mrcreview.trials import SERVICE as CTGOV

__all__ = ["ServiceFailed", "refresh"]


def read_csv_rows(path: Path) -> tuple[list[str], list[dict]]:
    """A data file's header and its rows as text, exactly as written (csv_text writes them back)."""
    return parse_records(path.read_text(encoding="utf-8"))


def csv_text(header: list[str], rows: list[dict]) -> tuple[str, list[int]]:
    """The file's text, and the line each row starts on (a cell may hold a line end)."""
    stream = io.StringIO()
    writer = csv.DictWriter(stream, fieldnames=header, lineterminator="\n")
    writer.writeheader()
    starts, line = [], 2
    for row in rows:
        starts.append(line)
        end = stream.tell()
        writer.writerow(row)
        stream.seek(end)
        line += stream.read().count("\n")  # the row just written, to the end again
    return stream.getvalue(), starts


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


# What the check reads: the result is checked in a copy of these, with the new files in data/.
CHECKED = ["_config.yml", "_toc.yml", "refs.bib", "CITATION.cff", "book", "data", "releases"]


def check_result(root: Path, texts: dict[str, str], origins: dict[tuple[str, int], str], today: str) -> None:
    """Refuse the result unless the project, with these files in data/, passes its own check: the refresh
    never writes what the next one (which checks first) would stop on. origins names, by file and line,
    the service and record a row came from."""
    from mrcreview.validation import check_project  # frictionless takes a second to load

    with tempfile.TemporaryDirectory(prefix="mrcreview-refresh-") as folder:
        copy = Path(folder)
        # copies, not links: the check refuses any file whose real path leads out of the project
        for name in CHECKED:
            if (root / name).is_dir():
                shutil.copytree(root / name, copy / name, symlinks=True)
            elif (root / name).is_file():
                shutil.copy2(root / name, copy / name)
        for name, text in texts.items():
            (copy / "data" / name).write_text(text, encoding="utf-8")
        problems = check_project(copy, date.fromisoformat(today))
    if problems:
        first = problems[0]
        more = f" (and {len(problems) - 1} more problem(s))" if len(problems) > 1 else ""
        if origin := origins.get((first.file, first.line)):
            raise ServiceFailed(origin, f"refused, as the check would refuse it: {first}{more}")
        raise ServiceFailed("the check", f"{first}{more}")


def write_all(texts: dict[Path, str]) -> None:
    """Replace every file, or none: each new text is written beside its file first; should a replacement
    fail, the files already replaced get their old text back."""
    old = {path: path.read_bytes() for path in texts}
    new = {path: path.with_name(path.name + ".new") for path in texts}
    replaced = []
    try:
        for path, text in texts.items():
            with open(new[path], "w", encoding="utf-8", newline="") as stream:
                stream.write(text)
                stream.flush()
                os.fsync(stream.fileno())
        for path in texts:
            os.replace(new[path], path)
            replaced.append(path)
    except OSError:
        for path in replaced:
            path.write_bytes(old[path])
        for temporary in new.values():
            temporary.unlink(missing_ok=True)
        raise


def refresh(root: Path, today: str | None = None) -> str:
    """Ask every service, check the result, then write every file; return the summary."""
    today = today or datetime.now(UTC).date().isoformat()
    data = root / "data"
    study_header, studies = read_csv_rows(data / "studies.csv")
    search_header, searches = read_csv_rows(data / "searches.csv")
    screening_header, screening = read_csv_rows(data / "screening.csv")

    client = Client()
    trials = check_trials(studies, today, client)
    pmids, dois = known_identifiers(root, screening)
    found_lines, added, without_doi = [], [], []
    for search in searches:
        if search["run_by"] != "make refresh":
            continue
        found, new, left_out = search_pubmed(client, search, today, pmids, dois)
        without_doi += left_out
        pmids |= {r["pmid"] for r in new}
        since = search["run_on"] or search["date_from"]
        found_lines.append(f"{search['search_id']}: {found} found since {since}, {len(new)} new to screen")
        search["run_on"], search["found"] = today, str(found)
        added += new

    studies_text, study_lines = csv_text(study_header, studies)
    screening_text, screening_lines = csv_text(screening_header, screening + added)
    texts = {
        "studies.csv": studies_text,
        "searches.csv": csv_text(search_header, searches)[0],
        "screening.csv": screening_text,
    }
    origins = {
        ("data/studies.csv", line): f"{CTGOV}: {row['registry_id']}"
        for line, row in zip(study_lines, studies, strict=True)
        if NCT.fullmatch(row["registry_id"])
    }
    origins |= {
        ("data/screening.csv", line): f"{PUBMED}: search {row['search_id']}: {row['record_id']}"
        for line, row in zip(screening_lines[len(screening) :], added, strict=True)
    }
    check_result(root, texts, origins, today)
    write_all({data / name: text for name, text in texts.items()})

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
    if without_doi:
        lines.append(
            "refresh: recorded without the DOI PubMed gave, which is not in the form a DOI must take "
            f"(add it by hand if it has a modern form): pmid {', '.join(without_doi)}"
        )
    return "\n".join(lines)
