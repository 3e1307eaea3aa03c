"""PubMed (E-utilities, NCBI_EUTILS_URL, NCBI_API_KEY optional): an update search since its last run.

esearch gives the PMIDs, PAGE at a time, up to MAX_PAGES pages (a search that finds more records is refused,
not cut short); esummary gives each new PMID's record. Only records asked for are kept: an answer naming a
PMID not asked for is refused. Records already in refs.bib (by PMID or DOI) or already screened are dropped,
the rest become rows "to screen" whose every value is held to the rule the check holds data to.
"""

import os
import re

from mrcreview.answers import Malformed, at, free_text, matching, refused_as
from mrcreview.registry_client import Client, base_url
from mrcreview.untrusted import PMID, doi_problem  # the rules the check holds them to

SERVICE = "PubMed"
PAGE = 200  # records per request
MAX_PAGES = 25  # esearch pages per search
COUNT = re.compile(r"[0-9]{1,9}")
YEAR = re.compile(r"([0-9]{4})\b")
# The schema's limits on the columns filled from free text; longer text is cut, as PubMed's titles were.
LIMITS = {"title": 600, "first_author": 100, "journal": 200}


def _search_ids(client: Client, asked: str, url: str, params: dict, pause: float) -> tuple[int, list[str]]:
    """How many records the search finds, and their PMIDs: page after page, each adding PMIDs not yet given,
    until the count is reached (a count never reached ends at the first page that adds nothing)."""
    ids: dict[str, None] = {}  # in PubMed's order, each once
    count = None
    for page_number in range(1, MAX_PAGES + 1):
        answer = client.get_json(SERVICE, asked, url, {**params, "retstart": len(ids)}, pause)
        found = int(matching(at(answer, "esearchresult.count", str), COUNT, "esearchresult.count", "a count"))
        page = at(answer, "esearchresult.idlist", list)
        if not all(isinstance(i, str) and PMID.fullmatch(i) for i in page):
            raise Malformed("esearchresult.idlist: expected PMIDs, 1 to 9 digits as text")
        if count is None:
            count = found
            if count > PAGE * MAX_PAGES:
                raise Malformed(f"{count} records found, more than the {PAGE * MAX_PAGES} a refresh takes")
        if len(page) > PAGE:
            raise Malformed(f"a page of {len(page)} PMIDs, more than the {PAGE} asked for")
        new = dict.fromkeys(i for i in page if i not in ids)
        ids |= new
        if len(ids) >= count or not page:  # all in hand, or PubMed has no more
            return count, list(ids)
        if not new:
            raise Malformed(f"page {page_number} gave no PMID not already given, short of its count {count}")
    raise Malformed(f"more than {MAX_PAGES} pages for {count} records")


def read_record(record, uid: str) -> dict[str, str]:
    """A summary's values, each in the form its column takes."""
    if not isinstance(record, dict):
        raise Malformed(f"its record: expected an object, found {type(record).__name__}")
    if at(record, "uid", str) != uid:
        raise Malformed("its record is for another PMID")
    authors = at(record, "authors", list, required=False) or [{}]
    ids = at(record, "articleids", list, required=False) or []
    doi = next((at(a, "value", str) for a in ids if at(a, "idtype", str, required=False) == "doi"), "")
    year = YEAR.match(at(record, "pubdate", str, required=False) or "")
    return {
        "pmid": uid,
        # PubMed keeps old SICI DOIs with <, > and the like, which no page may hold: the record is kept
        # without its DOI (its PMID links it), and the refresh says so
        "doi": "" if doi_problem(doi) else doi,
        "had_doi": bool(doi),
        "title": free_text(at(record, "title", str), "its title", LIMITS["title"]),
        "first_author": free_text(
            at(authors[0], "name", str, required=False) or "", "its first author", LIMITS["first_author"]
        ),
        "year": year.group(1) if year else "",
        "journal": free_text(at(record, "source", str, required=False) or "", "its journal", LIMITS["journal"]),
    }


def _summaries(client: Client, asked: str, url: str, params: dict, batch: list[str], pause: float) -> list[dict]:
    answer = client.get_json(SERVICE, asked, url, {**params, "id": ",".join(batch)}, pause)
    uids = at(answer, "result.uids", list)
    if not_asked := [u for u in uids if u not in batch]:
        raise Malformed(f"an answer for {len(not_asked)} record(s) not asked for")
    if missing := [u for u in batch if u not in uids]:
        raise Malformed(f"an answer without {len(missing)} record(s) asked for, e.g. {missing[0]}")
    result = at(answer, "result", dict)
    records = []
    for uid in batch:
        try:
            records.append(read_record(result.get(uid), uid))
        except Malformed as malformed:
            raise Malformed(f"pmid {uid}: {malformed}") from None
    return records


def search_pubmed(
    client: Client, search: dict, today: str, pmids: set[str], dois: set[str]
) -> tuple[int, list[dict], list[str]]:
    """Run one search since its last run; return how many records it found, the new ones, and the PMIDs of
    those whose DOI was left out because it is not in the form the check accepts."""
    base = base_url(SERVICE, "NCBI_EUTILS_URL", "https://eutils.ncbi.nlm.nih.gov/entrez/eutils")
    key = os.environ.get("NCBI_API_KEY", "")
    auth = {"api_key": key} if key else {}
    pause = 0.11 if key else 0.34  # NCBI asks for at most 10 (with a key) or 3 requests a second
    since = search["run_on"] or search["date_from"]
    asked = f"search {search['search_id']}"
    query = {
        "db": "pubmed",
        "term": search["query"],
        "datetype": "edat",
        "mindate": since.replace("-", "/"),
        "maxdate": today.replace("-", "/"),
        "retmode": "json",
        "retmax": PAGE,
        **auth,
    }
    summary = {"db": "pubmed", "retmode": "json", **auth}
    with refused_as(SERVICE, f"{asked} (esearch)"):
        count, ids = _search_ids(client, f"{asked} (esearch)", f"{base}/esearch.fcgi", query, pause)
    unknown = [i for i in ids if i not in pmids]
    new, without_doi = [], []
    for start in range(0, len(unknown), PAGE):
        batch = unknown[start : start + PAGE]
        with refused_as(SERVICE, f"{asked} (esummary)"):
            records = _summaries(client, f"{asked} (esummary)", f"{base}/esummary.fcgi", summary, batch, pause)
        for record in records:
            if record.pop("had_doi") and not record["doi"]:
                without_doi.append(record["pmid"])
        new += [
            {
                "record_id": f"pmid:{record['pmid']}",
                **record,
                "search_id": search["search_id"],
                "found_on": today,
                "decision": "to screen",
                "reason": "",
            }
            for record in records
            if record["doi"].lower() not in dois
        ]
    return count, new, without_doi
