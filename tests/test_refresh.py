"""`make refresh` against recorded answers served on 127.0.0.1 (pytest-httpserver): registry statuses and
the literature search, all or nothing. The answers follow the documented shapes of ClinicalTrials.gov's
API v2 (/studies/{nctId}) and NCBI's E-utilities (esearch, esummary with retmode=json), cut to what is read."""

import csv
import io
import json
import re
import socket
import threading
import time

import pytest
from registry_answers import NCT, esearch, esummary, record, study
from werkzeug import Response

from helpers import make_minimal, run_module
from mrcreview import literature, registry_client
from mrcreview.surveillance import ServiceFailed, refresh

TODAY = "2026-11-30"


@pytest.fixture
def project(tmp_path, httpserver, monkeypatch):
    monkeypatch.setenv("CTGOV_API_URL", httpserver.url_for("/ctgov"))
    monkeypatch.setenv("NCBI_EUTILS_URL", httpserver.url_for("/eutils"))
    monkeypatch.delenv("NCBI_API_KEY", raising=False)
    monkeypatch.setattr(time, "sleep", lambda seconds: None)  # backoff and rate limits, without the waiting
    return make_minimal(tmp_path / "project")


def data(project) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted((project / "data").glob("*"))}


def rows(project, name: str) -> list[dict]:
    return list(csv.DictReader(io.StringIO((project / "data" / name).read_text(encoding="utf-8"))))


def serve_literature(httpserver, summary: dict | None = None) -> None:
    httpserver.expect_request("/eutils/esearch.fcgi").respond_with_json(esearch(0, []))
    if summary is not None:
        httpserver.expect_request("/eutils/esummary.fcgi").respond_with_json(summary)


def test_a_changed_status_and_new_records_are_written_with_a_summary(project, httpserver, monkeypatch):
    monkeypatch.setattr(literature, "PAGE", 2)  # three records arrive on two pages
    httpserver.expect_request(f"/ctgov/studies/{NCT}").respond_with_json(
        study(
            "TERMINATED",
            completionDateStruct={"date": "2026-06", "type": "ACTUAL"},
            lastUpdatePostDateStruct={"date": "2026-10-02", "type": "ACTUAL"},
        )
    )
    pages = {"0": esearch(3, ["111", "222"]), "2": esearch(3, ["333"])}
    httpserver.expect_request("/eutils/esearch.fcgi").respond_with_handler(
        lambda request: Response(json.dumps(pages[request.args["retstart"]]), content_type="application/json")
    )
    # 111 is already in the screening log (never asked for); 222's DOI is already cited in refs.bib
    records = {"222": record("222", doi="10.1000/alpha.1"), "333": record("333", doi="10.1000/new.3")}
    httpserver.expect_request("/eutils/esummary.fcgi").respond_with_handler(
        lambda request: Response(
            json.dumps(esummary(*(records[uid] for uid in request.args["id"].split(",")))),
            content_type="application/json",
        )
    )
    summary = refresh(project, TODAY)
    alpha = next(r for r in rows(project, "studies.csv") if r["study_id"] == "alpha")
    assert (alpha["status"], alpha["status_checked"]) == ("terminated", TODAY)
    # what the registry says of completion and of its record's last update, as precise as it says it
    assert (alpha["registry_completion"], alpha["registry_completion_type"], alpha["registry_updated"]) == (
        "2026-06",
        "actual",
        "2026-10-02",
    )
    assert "1 trial(s) checked" in summary and f"{NCT} completed -> terminated" in summary
    search_row = next(r for r in rows(project, "searches.csv") if r["run_by"] == "make refresh")
    assert (search_row["run_on"], search_row["found"]) == (TODAY, "3")
    screening = rows(project, "screening.csv")
    assert [r["record_id"] for r in screening] == ["pmid:111", "pmid:333"]
    new = screening[-1]
    assert (new["doi"], new["first_author"], new["year"], new["decision"], new["found_on"]) == (
        "10.1000/new.3",
        "Doe J",
        "2026",
        "to screen",
        TODAY,
    )
    assert "3 found since 2025-01-01, 1 new to screen" in summary
    # what it wrote passes the check
    result = run_module("check", cwd=project)
    assert result.returncode == 0, result.stderr


def test_a_record_whose_doi_no_page_may_hold_is_kept_without_it(project, httpserver):
    # PubMed still gives some 1990s articles their SICI DOI, with angle brackets
    sici = "10.1002/(SICI)1097-0142(19990101)85:1<10::AID-CNCR2>3.0.CO;2-#"
    httpserver.expect_request(f"/ctgov/studies/{NCT}").respond_with_json(study("COMPLETED"))
    httpserver.expect_request("/eutils/esearch.fcgi").respond_with_json(esearch(2, ["444", "555"]))
    httpserver.expect_request("/eutils/esummary.fcgi").respond_with_json(
        esummary(record("444", doi=sici), record("555", doi="10.1000/kept.5"))
    )
    summary = refresh(project, TODAY)
    added = {r["pmid"]: r["doi"] for r in rows(project, "screening.csv")}
    assert added == {"111": added["111"], "444": "", "555": "10.1000/kept.5"}
    assert "2 record(s) added" in summary and summary.endswith("pmid 444")
    assert sici not in summary
    assert run_module("check", cwd=project).returncode == 0


def test_an_unchanged_status_only_moves_the_date(project, httpserver):
    httpserver.expect_request(f"/ctgov/studies/{NCT}").respond_with_json(study("COMPLETED"))
    serve_literature(httpserver)
    summary = refresh(project, TODAY)
    alpha = next(r for r in rows(project, "studies.csv") if r["study_id"] == "alpha")
    assert (alpha["status"], alpha["status_checked"]) == ("completed", TODAY)
    # a registry that gives no dates leaves none
    assert (alpha["registry_completion"], alpha["registry_completion_type"], alpha["registry_updated"]) == ("", "", "")
    assert "no status changed" in summary and "0 record(s) added" in summary


def test_a_busy_service_is_asked_again(project, httpserver):
    httpserver.expect_oneshot_request(f"/ctgov/studies/{NCT}").respond_with_response(Response(status=429))
    httpserver.expect_request(f"/ctgov/studies/{NCT}").respond_with_json(study("COMPLETED"))
    serve_literature(httpserver)
    assert "1 trial(s) checked" in refresh(project, TODAY)


@pytest.mark.parametrize(
    "answer, message",
    [
        (Response(status=404), f"ClinicalTrials.gov: {NCT}: not found (HTTP 404)"),
        (Response(status=500), f"ClinicalTrials.gov: {NCT}: gave up after 4 tries: HTTP 500"),
        (Response("<html>maintenance</html>", status=200), f"ClinicalTrials.gov: {NCT}: a malformed answer (not JSON)"),
        (
            Response(json.dumps(study("COMPLETED", completionDateStruct={"date": "June 2027"})), status=200),
            f"ClinicalTrials.gov: {NCT}: completionDateStruct.date 'June 2027' is not in its documented form",
        ),
    ],
    ids=["unknown-nct", "persistent-500", "malformed", "malformed-date"],
)
def test_a_failed_registry_answer_changes_nothing(project, httpserver, answer, message):
    httpserver.expect_request(f"/ctgov/studies/{NCT}").respond_with_response(answer)
    serve_literature(httpserver)
    before = data(project)
    with pytest.raises(ServiceFailed, match=re.escape(message)):
        refresh(project, TODAY)
    assert data(project) == before


def test_a_literature_failure_after_the_registry_answered_writes_nothing(project, httpserver):
    httpserver.expect_request(f"/ctgov/studies/{NCT}").respond_with_json(study("TERMINATED"))
    httpserver.expect_request("/eutils/esearch.fcgi").respond_with_json({"esearchresult": {"error": "bad term"}})
    before = data(project)
    with pytest.raises(ServiceFailed, match=re.escape("PubMed: search pubmed-living (esearch): an answer without")):
        refresh(project, TODAY)
    assert data(project) == before  # the registry's new status is not written alone


def test_a_name_lookup_that_never_answers_ends_by_the_deadline(project, monkeypatch):
    unstuck = threading.Event()

    def resolver_that_does_not_answer(*args, **kwargs):
        unstuck.wait(20)  # until the test ends: the system's lookup takes no timeout of its own
        raise socket.gaierror("no answer")

    monkeypatch.setattr(socket, "getaddrinfo", resolver_that_does_not_answer)
    monkeypatch.setattr(registry_client, "DEADLINE", 0.5)
    before = data(project)
    try:
        with pytest.raises(ServiceFailed) as failed:
            refresh(project, TODAY)
    finally:
        unstuck.set()
    assert str(failed.value).endswith("gave up after 4 tries: no complete answer within 0.5 s")
    assert data(project) == before


def test_no_network_is_one_line_within_a_minute_and_changes_nothing(tmp_path):
    project = make_minimal(tmp_path / "project")
    before = data(project)
    closed = "http://127.0.0.1:9"  # the discard port: nothing listens
    started = time.monotonic()
    result = run_module("refresh", cwd=project, env={"CTGOV_API_URL": closed, "NCBI_EUTILS_URL": closed})
    assert time.monotonic() - started < 60
    assert result.returncode == 1
    errors = result.stderr.strip().splitlines()
    assert len(errors) == 1 and errors[0].startswith(f"refresh: ClinicalTrials.gov: {NCT}: gave up after"), (
        result.stderr
    )
    assert "nothing in data/ was changed" in errors[0] and "Traceback" not in result.stderr
    assert data(project) == before
