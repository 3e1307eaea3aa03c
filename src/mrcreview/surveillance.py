"""`make refresh`: re-check the trial registries and re-run the literature search, for people to decide.

1. Every NCT number in data/studies.csv is looked up at ClinicalTrials.gov (API v2, CTGOV_API_URL);
   its overall status is mapped onto the schema's list and written with today's date (UTC), with what
   the registry says of completion (date, actual or estimated) and of its record's last update. A status
   the list has no counterpart for is an error, not a guess. Other registries are listed as checked
   by hand, with their last date.
2. Every search in data/searches.csv run by `make refresh` is run at PubMed (E-utilities,
   NCBI_EUTILS_URL, NCBI_API_KEY optional) for records since its last run; records already in
   refs.bib (by PMID or DOI) or already in data/screening.csv are dropped, the rest appended "to screen".
3. All or nothing: every answer is in hand before any file is written. A timeout, HTTP 429/5xx (retried
   with backoff, then given up), a malformed answer or no network is one line naming the service and
   what failed, exit status 1, and data/ as it was.
"""

import csv
import io
import json
import os
import re
import time
import urllib.error
import urllib.parse
import urllib.request
from datetime import UTC, datetime
from pathlib import Path

from mrcreview.bibliography import read_library

TIMEOUT = 10  # seconds per request
RETRIES = 4  # tries per request; waits of 1, 2 and 4 s between them: offline fails in seconds
PAGE = 200  # records per PubMed request
# ClinicalTrials.gov overall statuses with an unambiguous counterpart in studies.csv's status list.
STATUS = {
    "RECRUITING": "recruiting",
    "NOT_YET_RECRUITING": "recruiting",
    "ENROLLING_BY_INVITATION": "recruiting",
    "ACTIVE_NOT_RECRUITING": "ongoing",
    "COMPLETED": "completed",
    "TERMINATED": "terminated",
}
NCT = re.compile(r"NCT[0-9]{8}")


class ServiceFailed(Exception):
    def __init__(self, service: str, what: str):
        super().__init__(f"{service}: {what}")


def _base(variable: str, default: str) -> str:
    return os.environ.get(variable, default).rstrip("/")


def get_json(service: str, url: str, params: dict | None = None, pause: float = 0.0) -> dict:
    """GET a JSON answer; 429 and 5xx are retried with backoff, other failures end the refresh."""
    address = url + ("?" + urllib.parse.urlencode(params) if params else "")
    request = urllib.request.Request(address, headers={"User-Agent": "mrcreview-refresh", "Accept": "application/json"})
    last = ""
    for attempt in range(RETRIES):
        if attempt:
            time.sleep(2 ** (attempt - 1))
        elif pause:
            time.sleep(pause)
        try:
            with urllib.request.urlopen(request, timeout=TIMEOUT) as response:
                body = response.read()
        except urllib.error.HTTPError as err:
            if err.code == 404:
                raise ServiceFailed(service, f"not found (HTTP 404): {address[:160]}") from None
            if err.code == 429 or err.code >= 500:
                last = f"HTTP {err.code}"
                continue
            raise ServiceFailed(service, f"HTTP {err.code} for {address[:160]}") from None
        except (urllib.error.URLError, TimeoutError, ConnectionError, OSError) as err:
            reason = getattr(err, "reason", err)
            last = f"no answer ({reason})"
            continue
        try:
            return json.loads(body)
        except (json.JSONDecodeError, UnicodeDecodeError):
            raise ServiceFailed(service, f"a malformed answer (not JSON) from {address[:160]}") from None
    raise ServiceFailed(service, f"gave up after {RETRIES} tries: {last}")


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


# The forms ClinicalTrials.gov documents: a date as precise as the registry knows it, and its kind.
REGISTRY_DATE = re.compile(r"[0-9]{4}(-[0-9]{2}(-[0-9]{2})?)?")
DAY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
COMPLETION_TYPE = re.compile("actual|estimated")


def registry_dates(registry: str, module) -> dict[str, str]:
    """What the registry says of completion (a date as precise as it gives, actual or estimated) and when the
    record was last updated; empty where it says nothing, a failure where it says something malformed."""

    def part(name: str, field: str) -> str:
        struct = module.get(name) or {}
        value = struct.get(field) if isinstance(struct, dict) else struct  # not a dict: malformed, refused below
        return "" if value is None else str(value)

    completion, kind, updated = (
        part("completionDateStruct", "date"),
        part("completionDateStruct", "type").lower(),
        part("lastUpdatePostDateStruct", "date"),
    )
    for field, value, pattern in (
        ("completionDateStruct.date", completion, REGISTRY_DATE),
        ("completionDateStruct.type", kind, COMPLETION_TYPE),
        ("lastUpdatePostDateStruct.date", updated, DAY),
    ):
        if value and not pattern.fullmatch(value):
            raise ServiceFailed(
                "ClinicalTrials.gov", f"{registry}: {field} {value[:40]!r} is not in its documented form"
            )
    return {
        "registry_completion": completion,
        "registry_completion_type": kind if completion else "",
        "registry_updated": updated,
    }


def check_trials(studies: list[dict], today: str) -> tuple[list[str], list[str], list[str]]:
    """Update each NCT study's status and date in place; return checked, changes and by-hand lines."""
    base = _base("CTGOV_API_URL", "https://clinicaltrials.gov/api/v2")
    checked, changes, by_hand = [], [], []
    for row in studies:
        registry = row["registry_id"]
        if not registry:
            continue
        if not NCT.fullmatch(registry):
            by_hand.append(f"{registry} (last checked {row['status_checked']})")
            continue
        answer = get_json("ClinicalTrials.gov", f"{base}/studies/{registry}", {"format": "json"})
        try:
            module = answer["protocolSection"]["statusModule"]
            found = module["overallStatus"]
        except (KeyError, TypeError):
            raise ServiceFailed(
                "ClinicalTrials.gov", f"{registry}: an answer without protocolSection.statusModule.overallStatus"
            ) from None
        if found not in STATUS:
            raise ServiceFailed(
                "ClinicalTrials.gov",
                f"{registry}: status {str(found)[:40]!r} has no counterpart in studies.csv's status list "
                "(add one to the schema, or a mapping in surveillance.py)",
            )
        status = STATUS[found]
        if status != row["status"]:
            changes.append(f"{registry} {row['status']} -> {status}")
        row["status"], row["status_checked"] = status, today
        row |= registry_dates(registry, module)
        checked.append(registry)
    return checked, changes, by_hand


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


def search_pubmed(search: dict, today: str, pmids: set[str], dois: set[str]) -> tuple[int, list[dict]]:
    """Run one search since its last run; return how many records it found and the new ones."""
    base = _base("NCBI_EUTILS_URL", "https://eutils.ncbi.nlm.nih.gov/entrez/eutils")
    key = os.environ.get("NCBI_API_KEY", "")
    auth = {"api_key": key} if key else {}
    pause = 0.11 if key else 0.34  # NCBI asks for at most 10 (with a key) or 3 requests a second
    since = search["run_on"] or search["date_from"]
    params = {
        "db": "pubmed",
        "term": search["query"],
        "datetype": "edat",
        "mindate": since.replace("-", "/"),
        "maxdate": today.replace("-", "/"),
        "retmode": "json",
        "retmax": PAGE,
        **auth,
    }
    ids: list[str] = []
    count = None
    while count is None or len(ids) < count:
        answer = get_json("PubMed", f"{base}/esearch.fcgi", {**params, "retstart": len(ids)}, pause)
        try:
            result = answer["esearchresult"]
            count, page = int(result["count"]), [str(i) for i in result["idlist"]]
        except (KeyError, TypeError, ValueError):
            raise ServiceFailed("PubMed", "an esearch answer without esearchresult.count and idlist") from None
        if not page:
            break
        ids += page
    new = []
    for start in range(0, len(ids), PAGE):
        batch = [i for i in ids[start : start + PAGE] if i not in pmids]
        if not batch:
            continue
        summary = get_json(
            "PubMed",
            f"{base}/esummary.fcgi",
            {"db": "pubmed", "id": ",".join(batch), "retmode": "json", **auth},
            pause,
        )
        try:
            records = [summary["result"][uid] for uid in summary["result"]["uids"]]
        except (KeyError, TypeError):
            raise ServiceFailed("PubMed", "an esummary answer without result.uids") from None
        for record in records:
            doi = next((a["value"] for a in record.get("articleids", []) if a.get("idtype") == "doi"), "")
            if doi.lower() in dois:
                continue
            year = re.match(r"\d{4}", record.get("pubdate", ""))
            new.append(
                {
                    "record_id": f"pmid:{record['uid']}",
                    "pmid": str(record["uid"]),
                    "doi": doi,
                    "title": " ".join(str(record.get("title", "")).split())[:600],
                    "first_author": (record.get("authors") or [{}])[0].get("name", "")[:100],
                    "year": year.group(0) if year else "",
                    "journal": str(record.get("source", ""))[:200],
                    "search_id": search["search_id"],
                    "found_on": today,
                    "decision": "to screen",
                    "reason": "",
                }
            )
    return count or 0, new


def refresh(root: Path, today: str | None = None) -> str:
    """Ask every service, then write every file; return the summary."""
    today = today or datetime.now(UTC).date().isoformat()
    data = root / "data"
    study_header, studies = read_csv_rows(data / "studies.csv")
    search_header, searches = read_csv_rows(data / "searches.csv")
    screening_header, screening = read_csv_rows(data / "screening.csv")

    checked, changes, by_hand = check_trials(studies, today)
    pmids, dois = known_identifiers(root, screening)
    found_lines, added = [], []
    for search in searches:
        if search["run_by"] != "make refresh":
            continue
        found, new = search_pubmed(search, today, pmids, dois)
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
        f"refresh: {len(checked)} trial(s) checked at ClinicalTrials.gov; "
        + (f"{len(changes)} status change(s): {'; '.join(changes)}" if changes else "no status changed"),
    ]
    if by_hand:
        lines.append(f"refresh: checked by hand: {'; '.join(by_hand)}")
    lines += [f"refresh: PubMed {line}" for line in found_lines]
    lines.append(f"refresh: {len(added)} record(s) added to data/screening.csv to screen")
    return "\n".join(lines)
