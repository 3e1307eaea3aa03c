"""`make refresh` against hostile registries served on 127.0.0.1 (tests/registry_answers.py): whatever a server
sends, the refresh ends, in one line naming the service and the trial or search, and data/ stays as it was;
or it writes only what the project's check passes."""

import csv
import importlib
import io
import os
import time

import pytest
from registry_answers import CASES, KEY, NCT, WRITTEN, Case, ScriptedServer

from helpers import make_minimal, run_module
from mrcreview.surveillance import ServiceFailed, refresh

TODAY = "2026-11-30"


@pytest.fixture
def project(tmp_path, monkeypatch):
    monkeypatch.delenv("NCBI_API_KEY", raising=False)
    monkeypatch.setattr(time, "sleep", lambda seconds: None)  # backoff and rate limits, without the waiting
    return make_minimal(tmp_path / "project")


@pytest.fixture
def serve(monkeypatch):
    """Start the scripted server for a case; point the refresh at it, with the case's limits lowered."""
    servers = []

    def start(case) -> ScriptedServer:
        for name, value in case.limits.items():
            module, attribute = name.rsplit(".", 1)
            monkeypatch.setattr(importlib.import_module(f"mrcreview.{module}"), attribute, value)
        servers.append(ScriptedServer(case.routes))
        for variable, value in servers[-1].environment(case).items():
            monkeypatch.setenv(variable, value)
        return servers[-1]

    yield start
    for server in servers:
        server.close()


def data(project) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted((project / "data").glob("*"))}


def rows(project, name: str) -> list[dict]:
    return list(csv.DictReader(io.StringIO((project / "data" / name).read_text(encoding="utf-8"))))


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_a_hostile_answer_ends_the_refresh_in_one_line_and_changes_nothing(project, serve, case):
    serve(case)
    before = data(project)
    with pytest.raises(ServiceFailed) as failed:
        refresh(project, TODAY)
    message = str(failed.value)
    assert message.startswith(case.refused), message
    assert "\n" not in message and KEY not in message
    assert data(project) == before


def test_a_redirect_is_followed_on_the_same_host_only(project, serve):
    server = serve(next(c for c in WRITTEN if c.name == "redirect-same-host"))
    refresh(project, TODAY)
    assert f"/ctgov/moved/studies/{NCT}?format=json" in server.asked
    assert next(r for r in rows(project, "studies.csv") if r["study_id"] == "alpha")["status"] == "terminated"
    server = serve(next(c for c in CASES if c.name == "redirect-other-host"))
    with pytest.raises(ServiceFailed, match="redirected to 'localhost'"):
        refresh(project, TODAY)
    assert server.asked == [f"/ctgov/studies/{NCT}?format=json"]  # asked once, at its own address


@pytest.mark.parametrize("status", ["UNKNOWN", "WITHDRAWN"])
def test_a_status_the_schema_lacks_is_left_for_review_and_the_search_goes_on(project, serve, status):
    serve(next(c for c in WRITTEN if c.name == f"status-{status.lower()}"))
    before = next(r for r in rows(project, "studies.csv") if r["study_id"] == "alpha")
    summary = refresh(project, TODAY)
    assert next(r for r in rows(project, "studies.csv") if r["study_id"] == "alpha") == before
    assert "for review, a status studies.csv's status list has no counterpart for" in summary
    assert f"{NCT} {status}" in summary
    search = next(r for r in rows(project, "searches.csv") if r["run_by"] == "make refresh")
    assert (search["run_on"], search["found"]) == (TODAY, "1")
    assert [r["record_id"] for r in rows(project, "screening.csv")] == ["pmid:111", "pmid:333"]


def test_a_line_end_in_an_author_is_written_as_a_space(project, serve):
    serve(next(c for c in WRITTEN if c.name == "line-end-in-an-author"))
    refresh(project, TODAY)
    assert rows(project, "screening.csv")[-1]["first_author"] == "Doe J"
    result = run_module("check", cwd=project)
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize("name", ["deep-nesting", "key-after-http-400", "year-1899"])
def test_the_command_says_one_line_without_the_key(project, name):
    """The command as the workflow runs it: one line on stderr, no traceback, the key nowhere."""
    case = next(c for c in CASES if c.name == name)
    server = ScriptedServer(case.routes)
    try:
        result = run_module("refresh", cwd=project, env=server.environment(case) | {"NCBI_API_KEY": KEY})
    finally:
        server.close()
    lines = result.stderr.splitlines()
    assert result.returncode == 1 and len(lines) == 1, result.stderr
    assert lines[0].startswith(f"refresh: {case.refused}") and lines[0].endswith("nothing in data/ was changed.")
    assert KEY not in result.stdout + result.stderr


def test_a_file_that_cannot_be_replaced_leaves_every_file_as_it_was(project, serve, monkeypatch):
    serve(Case("good answers", {}, ""))
    before = data(project)
    replace = os.replace
    replaced = []

    def fail_the_second(source, target):
        if replaced:
            raise PermissionError(13, "Permission denied", str(target))
        replace(source, target)
        replaced.append(target)

    monkeypatch.setattr(os, "replace", fail_the_second)
    with pytest.raises(PermissionError):
        refresh(project, TODAY)
    assert replaced and data(project) == before
