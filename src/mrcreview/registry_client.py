"""The HTTP client `make refresh` asks registries with, under hard limits whatever a server sends.

- A request ends within DEADLINE seconds of wall-clock time: name lookup, connection, headers and body
  together. A per-read timeout is not enough: a server sending one byte every few seconds never trips it.
- An answer is read in chunks and refused past MAX_ANSWER bytes (or when it announces more).
- A redirect is followed only to the same scheme, host and port as the address asked (https, except for
  http on this machine, where tests serve recorded answers); any other is refused.
- One refresh makes at most MAX_REQUESTS requests, retries and redirects included, and ends within
  REFRESH_DEADLINE seconds: a server answering each request just in time (or on its fourth try) would
  otherwise keep it going for hours, past the workflow's own time limit, which ends it with no message.
- Every failure is a ServiceFailed: one line naming the service and what was asked. No message repeats an
  address (its query may carry NCBI_API_KEY), and the key is blanked from any message besides.
"""

import functools
import http.client
import io
import json
import os
import socket
import ssl
import threading
import time
import urllib.parse

from mrcreview.untrusted import shown

DEADLINE = 30.0  # seconds per request, redirects included
MAX_ANSWER = 8 * 2**20  # bytes: PubMed's summary of 200 records is about 1 MB, a trial's record far less
CHUNK = 2**16
RETRIES = 4  # tries per request; waits of 1, 2 and 4 s between them: offline fails in seconds
MAX_REQUESTS = 300  # per refresh; a weekly refresh of a few trials and one search makes about ten
REFRESH_DEADLINE = 600.0  # seconds for a whole refresh (it takes a few); refresh.yml stops it at 20 minutes
MAX_REDIRECTS = 3
REDIRECTS = {301, 302, 303, 307, 308}
LOOPBACK = {"127.0.0.1", "localhost", "::1"}
SECRETS = ("NCBI_API_KEY",)  # environment variables whose values no message may repeat
HEADERS = {"User-Agent": "mrcreview-refresh", "Accept": "application/json", "Accept-Encoding": "identity"}


class ServiceFailed(Exception):
    """A service could not be asked or gave an answer that is refused; the message is one line."""

    def __init__(self, service: str, what: str):
        message = f"{service}: {what}"
        for name in SECRETS:
            if secret := os.environ.get(name):
                message = message.replace(secret, f"[{name}]")
        super().__init__(message)


class _Transient(Exception):
    """A failure worth another try: no answer, a broken one, or one cut short."""


class _Refused(Exception):
    """An answer not to be asked for again: too large, or not where it was asked for."""


def base_url(service: str, variable: str, default: str) -> str:
    """A service's address from the environment: https://, or http:// on this machine only; without a user,
    password, query or fragment, which a message might repeat or a redirect carry along."""
    value = os.environ.get(variable, default).rstrip("/")
    try:
        parts = urllib.parse.urlsplit(value)
        local = parts.scheme == "http" and parts.hostname in LOOPBACK
        safe = (parts.scheme == "https" or local) and parts.hostname and parts.port != 0
        safe = safe and not (parts.username or parts.password or parts.query or parts.fragment)
    except ValueError:  # a port that is not a number, an unclosed [
        safe = False
    if not safe:
        raise ServiceFailed(service, f"{variable} is not an https:// address without user, password or query")
    return value


def _left(deadline: float) -> float:
    left = deadline - time.monotonic()
    if left <= 0:
        raise TimeoutError("the deadline passed")
    return left


class _DeadlineReader(io.RawIOBase):
    """A socket's bytes, each read bounded by what is left of the request's deadline."""

    def __init__(self, sock: socket.socket, deadline: float):
        super().__init__()
        self._sock, self._deadline = sock, deadline

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        self._sock.settimeout(_left(self._deadline))
        return self._sock.recv_into(buffer)


class _DeadlineSocket:
    """A socket as http.client uses it, each call within the deadline. http.client sends with sendall and
    reads status line, headers and body through makefile("rb"): should that change, the slow-drip cases of
    tests/test_refresh_hostile.py fail."""

    def __init__(self, sock: socket.socket, deadline: float):
        self._sock, self._deadline = sock, deadline

    def sendall(self, data: bytes) -> None:
        self._sock.settimeout(_left(self._deadline))
        self._sock.sendall(data)

    def makefile(self, mode: str = "rb", *args, **kwargs) -> io.BufferedReader:
        return io.BufferedReader(_DeadlineReader(self._sock, self._deadline))

    def close(self) -> None:
        pass  # _fetch closes the socket: http.client closes its connection while a body is still to be read

    def __getattr__(self, name: str):
        return getattr(self._sock, name)


@functools.cache
def _resolve(host: str, port: int, deadline: float) -> list:
    """getaddrinfo within the deadline. The system's resolver takes no timeout and may wait for minutes on a
    resolver that does not answer, so it runs in a thread of its own, which is left behind if it is late."""
    found: list = []

    def look_up() -> None:
        try:
            found.append(socket.getaddrinfo(host, port, type=socket.SOCK_STREAM))
        except OSError as err:
            found.append(err)

    lookup = threading.Thread(target=look_up, daemon=True)
    lookup.start()
    lookup.join(_left(deadline))
    if not found:
        raise TimeoutError("the name lookup did not end by the deadline")
    if isinstance(found[0], OSError):
        raise found[0]
    return found[0]


def _tls() -> ssl.SSLContext:
    return ssl.create_default_context()


class _Connection(http.client.HTTPConnection):
    """One connection whose every step, the TLS handshake included, ends by the deadline."""

    def __init__(self, parts: urllib.parse.SplitResult, deadline: float):
        self._secure, self._deadline = parts.scheme == "https", deadline
        self.raw_socket: socket.socket | None = None
        super().__init__(parts.hostname, parts.port or (443 if self._secure else 80))

    def connect(self) -> None:
        failed: OSError = OSError("no address")
        for family, kind, protocol, _, address in _resolve(self.host, self.port, self._deadline):
            sock = socket.socket(family, kind, protocol)
            try:
                sock.settimeout(_left(self._deadline))
                sock.connect(address)
                break
            except OSError as err:  # the next address, as socket.create_connection does
                sock.close()
                failed = err
        else:
            raise failed
        if self._secure:
            sock.settimeout(_left(self._deadline))
            sock = _tls().wrap_socket(sock, server_hostname=self.host)
        self.raw_socket = sock
        self.sock = _DeadlineSocket(sock, self._deadline)


def _fetch(address: str, deadline: float) -> tuple[int, str | None, bytes]:
    """One GET: its status, Location and body (read only for 200)."""
    parts = urllib.parse.urlsplit(address)
    connection = _Connection(parts, deadline)
    try:
        connection.request("GET", (parts.path or "/") + (f"?{parts.query}" if parts.query else ""), headers=HEADERS)
        response = connection.getresponse()
        if response.status != 200:
            return response.status, response.getheader("Location"), b""
        if response.getheader("Content-Encoding", "identity").strip().lower() != "identity":
            raise _Refused("an answer in an encoding not asked for")
        if response.length is not None and response.length > MAX_ANSWER:
            raise _Refused(f"an answer of more than {MAX_ANSWER} bytes (it announced {response.length})")
        body = bytearray()
        while chunk := response.read1(CHUNK):
            body += chunk
            if len(body) > MAX_ANSWER:
                raise _Refused(f"an answer of more than {MAX_ANSWER} bytes")
        if response.length:  # the connection closed before the announced length
            raise _Transient("an answer cut short")
        return 200, None, bytes(body)
    except TimeoutError:
        raise _Transient(f"no complete answer within {DEADLINE:g} s") from None
    except ssl.SSLCertVerificationError:
        raise _Refused("a certificate that does not verify") from None
    except OSError as err:
        raise _Transient(f"no answer ({shown(err.strerror or err)})") from None
    except (http.client.HTTPException, ValueError) as err:  # a broken status line, headers or chunk
        raise _Transient(f"a broken HTTP answer ({type(err).__name__})") from None
    finally:
        connection.close()
        if connection.raw_socket:
            connection.raw_socket.close()


def _parse(body: bytes):
    def refuse(constant: str):
        raise ValueError(constant)

    # ValueError: not JSON, NaN or Infinity, a number of more than 4300 digits; RecursionError: deep nesting
    return json.loads(body.decode("utf-8"), parse_constant=refuse)


class Client:
    """The requests of one refresh."""

    def __init__(self):
        self.requests = 0
        self.ends = time.monotonic() + REFRESH_DEADLINE

    def get_json(self, service: str, asked: str, url: str, params: dict, pause: float = 0.0):
        """The parsed JSON answer to a GET of url with params; asked says what was asked, in messages.
        HTTP 429 and 5xx and failures of the connection are tried again with backoff."""
        address = f"{url}?{urllib.parse.urlencode(params)}"
        last = ""
        for attempt in range(RETRIES):
            if attempt:
                time.sleep(2 ** (attempt - 1))
            elif pause:
                time.sleep(pause)
            if time.monotonic() >= self.ends:
                raise ServiceFailed(service, f"{asked}: the refresh went on for more than {REFRESH_DEADLINE:g} s")
            try:
                status, body = self._follow(service, asked, address)
            except _Transient as failed:
                last = str(failed)
                continue
            except _Refused as refused:
                raise ServiceFailed(service, f"{asked}: {refused}") from None
            if status == 429 or status >= 500:
                last = f"HTTP {status}"
                continue
            if status == 404:
                raise ServiceFailed(service, f"{asked}: not found (HTTP 404)")
            if status != 200:
                raise ServiceFailed(service, f"{asked}: HTTP {status}")
            try:
                return _parse(body)
            except (UnicodeDecodeError, ValueError, RecursionError):
                raise ServiceFailed(service, f"{asked}: a malformed answer (not JSON)") from None
        raise ServiceFailed(service, f"{asked}: gave up after {RETRIES} tries: {last}")

    def _follow(self, service: str, asked: str, address: str) -> tuple[int, bytes]:
        deadline = min(time.monotonic() + DEADLINE, self.ends)
        origin = urllib.parse.urlsplit(address)
        for _ in range(MAX_REDIRECTS + 1):
            self.requests += 1
            if self.requests > MAX_REQUESTS:
                raise ServiceFailed(service, f"{asked}: more than {MAX_REQUESTS} requests in one refresh")
            status, location, body = _fetch(address, deadline)
            if status not in REDIRECTS:
                return status, body
            try:
                target = urllib.parse.urlsplit(urllib.parse.urljoin(address, location or ""))
                same = location and (target.scheme, target.hostname, target.port) == (
                    origin.scheme,
                    origin.hostname,
                    origin.port,
                )
            except ValueError:
                target, same = None, False
            if not same:
                host = repr(shown(target.hostname or "")) if target else "an unreadable address"
                raise _Refused(f"redirected to {host}; only the same host and scheme are followed")
            address = target.geturl()
        raise _Refused(f"more than {MAX_REDIRECTS} redirects")
