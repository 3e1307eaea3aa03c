"""Registry answers for `make refresh`, recorded and hostile, served on 127.0.0.1 by a scripted server.

The answers follow the documented shapes of ClinicalTrials.gov's API v2 (/studies/{nctId}) and NCBI's
E-utilities (esearch, esummary with retmode=json), cut to what is read. A hostile answer is a script: the
bytes sent, in parts, with pauses between them, so that an answer can be cut short, drip slowly, carry
broken HTTP or go on forever. tests/test_refresh_hostile.py runs each case; bench/hostile_refresh.py runs
them against the command line, before and after a change, and counts what happened.
"""

import itertools
import json
import socketserver
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from urllib.parse import parse_qsl

NCT = "NCT00000001"  # alpha in the minimal project, status "completed"
DRIP_SECONDS = 5.0  # how long a slow server drips before it gives up (the benchmark waits longer)
HUGE = 9 * 2**20  # bytes of the answer too large to take (the benchmark sends 500 MB)
FOREVER = 1000  # requests a paging server answers before it fails: "forever" for a refresh
KEY = "ncbi-key-0123456789abcdef"  # NCBI_API_KEY in the cases that look for it in messages


def study(status, nct: str = NCT, **dates: dict) -> dict:
    """A study record as /studies/{nctId} answers; dates: completionDateStruct, lastUpdatePostDateStruct."""
    module = {"overallStatus": status, **dates}
    return {"protocolSection": {"identificationModule": {"nctId": nct}, "statusModule": module}}


def esearch(count, ids: list) -> dict:
    return {
        "header": {"type": "esearch"},
        "esearchresult": {"count": str(count), "retmax": str(len(ids)), "idlist": ids},
    }


def esummary(*records: dict) -> dict:
    return {"result": {"uids": [r["uid"] for r in records], **{r["uid"]: r for r in records}}}


def record(uid: str, doi: str = "", title: str = "A title", **fields) -> dict:
    ids = [{"idtype": "pubmed", "value": uid}] + ([{"idtype": "doi", "value": doi}] if doi else [])
    found = {"uid": uid, "title": title, "pubdate": "2026 Mar 3", "source": "J Test", "authors": [{"name": "Doe J"}]}
    return found | {"articleids": ids} | fields


@dataclass
class Asked:
    path: str
    query: dict[str, str]
    number: int  # the how-manieth request the server answers
    port: int


Script = Callable[[Asked], Iterable[bytes | float]]  # bytes to send; a float: seconds to wait first


def http(body: bytes, status: str = "200 OK", headers: str = "", length: int | None = None) -> list[bytes]:
    head = f"HTTP/1.1 {status}\r\nContent-Type: application/json\r\nConnection: close\r\n"
    head += f"Content-Length: {len(body) if length is None else length}\r\n" if length != -1 else ""
    return [(head + headers + "\r\n").encode(), body]


def answer(value) -> Script:
    """A well-formed HTTP answer: value as JSON (text is sent as it is)."""
    body = (value if isinstance(value, str) else json.dumps(value)).encode()
    return lambda asked: http(body)


def summaries(**fields) -> Script:
    """esummary's records of the PMIDs asked for, each with fields."""
    return lambda asked: http(
        json.dumps(esummary(*(record(u, **fields) for u in asked.query["id"].split(",")))).encode()
    )


NOT_FOUND: Script = lambda asked: http(b"", "404 Not Found")  # noqa: E731
GOOD: dict[str, Script] = {
    "/ctgov/studies/": lambda asked: http(json.dumps(study("COMPLETED", asked.path.rsplit("/", 1)[1])).encode()),
    "/eutils/esearch.fcgi": answer(esearch(1, ["333"])),
    "/eutils/esummary.fcgi": summaries(doi="10.1000/new.3"),
}


def drip(head: bytes) -> Script:
    """head, then a byte every 50 ms until DRIP_SECONDS have passed."""
    return lambda asked: [head, *itertools.chain.from_iterable((0.05, b" ") for _ in range(int(DRIP_SECONDS * 20)))]


def stream() -> Script:
    """A valid JSON answer of HUGE bytes, sent as it is made, its length not announced."""

    def parts(asked):
        yield http(b"", length=-1)[0] + b'{"padding": "'
        for _ in range(HUGE // 2**16):
            yield b"x" * 2**16
        yield b'"}'

    return parts


def paging(count: int, page: Callable[[int], list[str]]) -> Script:
    """esearch pages of count records, page(retstart) the PMIDs; after FOREVER requests, HTTP 500."""

    def script(asked):
        if asked.number > FOREVER:
            return http(b"", "500 Internal Server Error")
        return http(json.dumps(esearch(count, page(int(asked.query.get("retstart", 0))))).encode())

    return script


@dataclass
class Case:
    """A hostile answer: routes override GOOD; refused: the start of the one-line message (after the service)."""

    name: str
    routes: dict[str, Script]
    refused: str
    limits: dict[str, float] = field(default_factory=dict)  # module.NAME: a smaller limit, to reach it quickly
    env: dict[str, str] = field(default_factory=dict)  # {port}: the server's


STATUS = "protocolSection.statusModule.overallStatus"
CT = "/ctgov/studies/"
SEARCH, SUMMARY = "/eutils/esearch.fcgi", "/eutils/esummary.fcgi"
TRIAL, ESEARCH, ESUMMARY = (
    f"ClinicalTrials.gov: {NCT}: ",
    "PubMed: search pubmed-living (esearch): ",
    ("PubMed: search pubmed-living (esummary): "),
)
CASES = [
    # no answer in time, an answer too large, a search that never ends, too many requests
    Case(
        "drip-headers",
        {CT: drip(b"HTTP/1.1 200 OK\r\nX-Slow: ")},
        TRIAL + "gave up after 4 tries: no complete answer within 0.5 s",
        limits={"registry_client.DEADLINE": 0.5},
    ),
    Case(
        "drip-body",
        {CT: drip(b"HTTP/1.1 200 OK\r\nContent-Length: 1000000\r\n\r\n")},
        TRIAL + "gave up after 4 tries: no complete answer within 0.5 s",
        limits={"registry_client.DEADLINE": 0.5},
    ),
    Case("huge-streamed", {CT: stream()}, TRIAL + "an answer of more than 8388608 bytes"),
    Case("huge-announced", {CT: lambda a: http(b"{}", length=500 * 2**20)}, TRIAL + "an answer of more than"),
    Case("count-never-reached", {SEARCH: paging(1000, lambda start: ["1", "2"])}, ESEARCH + "page 2 gave no PMID"),
    Case("count-too-large", {SEARCH: paging(10**8, lambda start: ["1", "2"])}, ESEARCH + "100000000 records found"),
    Case("one-new-pmid-a-page", {SEARCH: paging(4000, lambda start: [str(start + 1)])}, ESEARCH + "more than 25 pages"),
    Case(  # each answer in time, a search of many pages: hours at the real limits, past the workflow's
        "slow-answers-in-time",
        {SEARCH: lambda a: [0.3, *paging(5000, lambda start: [str(start + 1), str(start + 2)])(a)]},
        ESEARCH + "the refresh went on for more than 1 s",
        limits={"registry_client.DEADLINE": 0.5, "registry_client.REFRESH_DEADLINE": 1.0},
    ),
    Case(
        "too-many-requests",
        {SEARCH: paging(5, lambda start: [str(start + 1), str(start + 2)])},
        ESEARCH + "more than 3 requests in one refresh",
        limits={"registry_client.MAX_REQUESTS": 3, "literature.PAGE": 2},
    ),
    # an answer from elsewhere, or for something not asked for
    Case(
        "redirect-other-host",
        {  # the same server under another name: there, another answer
            CT: lambda a: http(b"", "302 Found", f"Location: http://localhost:{a.port}/elsewhere{a.path}\r\n"),
            "/elsewhere/": answer(study("TERMINATED")),
        },
        TRIAL + "redirected to 'localhost'",
    ),
    Case("another-trial", {CT: answer(study("TERMINATED", "NCT99999999"))}, TRIAL + "an answer for 'NCT99999999'"),
    Case(
        "records-not-asked-for",
        {SUMMARY: answer(esummary(record("333"), record("444")))},
        ESUMMARY + "an answer for 1 record(s) not asked for",
    ),
    Case(
        "records-left-out",
        {SUMMARY: answer({"result": {"uids": []}})},
        ESUMMARY + "an answer without 1 record(s) asked for, e.g. 333",
    ),
    Case("record-for-another-pmid", {SUMMARY: answer({"result": {"uids": ["333"], "333": record("444")}})}, ESUMMARY),
    Case("pmid-a-path", {SEARCH: answer(esearch(1, ["../../etc/passwd"]))}, ESEARCH + "esearchresult.idlist"),
    # broken HTTP, broken JSON, values of the wrong type
    Case("status-a-list", {CT: answer(study(["COMPLETED"]))}, TRIAL + f"{STATUS}: expected text, found list"),
    Case("status-an-object", {CT: answer(study({"v": "COMPLETED"}))}, TRIAL + f"{STATUS}: expected text"),
    Case(
        "truncated-body",
        {CT: lambda a: http(b'{"protocol', length=1000)},
        TRIAL + "gave up after 4 tries: an answer cut",
    ),
    Case(
        "101-headers",
        {CT: lambda a: http(b"{}", headers="".join(f"X-{i}: {i}\r\n" for i in range(101)))},
        TRIAL + "gave up after 4 tries: a broken HTTP answer",
    ),
    Case("garbage-status-line", {CT: lambda a: [b"HTTP/1.1 two hundred\r\n\r\n{}"]}, TRIAL + "gave up after 4 tries"),
    Case("header-too-long", {CT: lambda a: http(b"{}", headers=f"X-Long: {'a' * 70000}\r\n")}, TRIAL + "gave up"),
    Case(
        "broken-chunks",
        {CT: lambda a: [http(b"", length=-1)[0].replace(b"\r\n\r\n", b"\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n")]},
        TRIAL + "gave up after 4 tries: a broken HTTP answer",
    ),
    Case("deep-nesting", {CT: answer("[" * 100000 + "]" * 100000)}, TRIAL + "a malformed answer (not JSON)"),
    Case("number-of-5000-digits", {CT: answer('{"n": ' + "9" * 5000 + "}")}, TRIAL + "a malformed answer"),
    Case("record-a-string", {SUMMARY: answer({"result": {"uids": ["333"], "333": "oops"}})}, ESUMMARY + "pmid 333"),
    Case(
        "authors-as-strings", {SUMMARY: summaries(authors=["Doe J"])}, ESUMMARY + "pmid 333: name: expected an object"
    ),
    Case("author-name-a-number", {SUMMARY: summaries(authors=[{"name": 5}])}, ESUMMARY + "pmid 333: name: expected"),
    Case("articleids-a-string", {SUMMARY: summaries(articleids="10.1000/x")}, ESUMMARY + "pmid 333: articleids"),
    Case("pubdate-a-number", {SUMMARY: summaries(pubdate=2026)}, ESUMMARY + "pmid 333: pubdate: expected text"),
    Case(
        "record-without-uid",
        {SUMMARY: answer({"result": {"uids": ["333"], "333": {"title": "A title", "articleids": []}}})},
        ESUMMARY + "pmid 333: an answer without uid",
    ),
    Case("doi-a-number", {SUMMARY: summaries(articleids=[{"idtype": "doi", "value": 10}])}, ESUMMARY + "pmid 333"),
    Case("title-a-list", {SUMMARY: summaries(title=["A", "title"])}, ESUMMARY + "pmid 333: title: expected text"),
    # values the check refuses
    Case("formula-title", {SUMMARY: summaries(title="=HYPERLINK(0)")}, ESUMMARY + "pmid 333: its title"),
    Case("control-character", {SUMMARY: summaries(title="A\x07title")}, ESUMMARY + "pmid 333: its title: expected"),
    Case(
        "long-doi", {SUMMARY: summaries(doi="10.1000/" + "d" * 120)}, "PubMed: search pubmed-living: pmid:333: refused"
    ),
    Case("year-1899", {SUMMARY: summaries(pubdate="1899 Jan")}, "PubMed: search pubmed-living: pmid:333: refused"),
    Case(
        "updated-in-the-future",
        {CT: answer(study("COMPLETED", lastUpdatePostDateStruct={"date": "2999-01-01"}))},
        TRIAL + "refused, as the check would refuse it",
    ),
    # secrets
    Case(
        "key-after-http-400",
        {SUMMARY: lambda a: http(b"", "400 Bad Request")},
        ESUMMARY + "HTTP 400",
        env={"NCBI_API_KEY": KEY},
    ),
    Case(
        "key-echoed",
        {SEARCH: lambda a: answer(esearch("bad/" + a.query.get("api_key", ""), []))(a)},
        ESEARCH + "esearchresult.count 'bad/[NCBI_API_KEY]'",
        env={"NCBI_API_KEY": KEY},
    ),
    Case(
        "secret-in-base-url",
        {},
        "ClinicalTrials.gov: CTGOV_API_URL is not an https:// address",
        env={"CTGOV_API_URL": "http://127.0.0.1:{port}/ctgov?token=" + KEY},
    ),
]


class ScriptedServer:
    """A threaded server on 127.0.0.1 answering each request with the script of its path's route."""

    def __init__(self, routes: dict[str, Script]):
        self.routes = GOOD | routes
        self.asked: list[str] = []
        self._closing = threading.Event()
        owner = self

        class Handler(socketserver.BaseRequestHandler):
            def handle(self):
                owner._answer(self.request)

        self._server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self.port = self._server.server_address[1]
        self.url = f"http://127.0.0.1:{self.port}"
        threading.Thread(target=self._server.serve_forever, args=(0.05,), daemon=True).start()

    def _answer(self, sock) -> None:
        sock.settimeout(5)
        head = b""
        try:
            while b"\r\n\r\n" not in head and len(head) < 2**16:
                if not (received := sock.recv(4096)):
                    return
                head += received
            target = head.split(b" ", 2)[1].decode()
            path, _, query = target.partition("?")
            self.asked.append(target)
            script = next((s for prefix, s in self.routes.items() if path.startswith(prefix)), NOT_FOUND)
            for part in script(Asked(path, dict(parse_qsl(query)), len(self.asked), self.port)):
                if isinstance(part, bytes):
                    sock.sendall(part)
                elif self._closing.wait(part):
                    return
        except OSError:
            return  # the client gave up

    def environment(self, case: Case | None = None) -> dict[str, str]:
        env = {"CTGOV_API_URL": f"{self.url}/ctgov", "NCBI_EUTILS_URL": f"{self.url}/eutils"}
        return env | {k: v.format(port=self.port) for k, v in (case.env if case else {}).items()}

    def close(self) -> None:
        self._closing.set()
        self._server.shutdown()
        self._server.server_close()


# Answers a refresh takes, and writes what passes the check
WRITTEN = [
    Case("status-unknown", {CT: answer(study("UNKNOWN"))}, ""),
    Case("status-withdrawn", {CT: answer(study("WITHDRAWN"))}, ""),
    Case("line-end-in-an-author", {SUMMARY: summaries(authors=[{"name": "Doe\rJ"}])}, ""),
    Case(
        "redirect-same-host",
        {
            CT: lambda a: http(b"", "301 Moved Permanently", f"Location: /ctgov/moved{a.path[6:]}?format=json\r\n"),
            "/ctgov/moved/": answer(study("TERMINATED")),
        },
        "",
    ),
]
