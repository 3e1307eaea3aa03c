"""Helpers shared by the tests: run the command line, copy the project."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
MINIMAL = ROOT / "tests" / "fixtures" / "minimal"
# What a copy of the project needs in order to build; the rest (.venv, _build, .git) stays behind.
PROJECT_FILES = [
    "_config.yml",
    "_toc.yml",
    "refs.bib",
    "CITATION.cff",
    "book",
    "data",
    "vendor/package.json",
    "vendor/package-lock.json",
]


def run_module(*args: str, cwd: Path, env: dict | None = None) -> subprocess.CompletedProcess:
    environment = {k: v for k, v in os.environ.items() if k != "MRCREVIEW_ROOT"} | (env or {})
    return subprocess.run(
        [sys.executable, "-m", "mrcreview", *args], cwd=cwd, env=environment, capture_output=True, text=True
    )


def copy_project(target: Path) -> Path:
    for name in PROJECT_FILES:
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, target / name)
        else:
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target / name)
    # The vendored JavaScript is large and read-only here: link it rather than copy it.
    (target / "vendor" / "node_modules").symlink_to(ROOT / "vendor" / "node_modules")
    return target


CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


class Site:
    """The built site served on localhost, for a real browser."""

    def __init__(self, root: Path):
        import functools
        import http.server
        import threading

        handler = functools.partial(QuietHandler, directory=str(root))
        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self):
        self.server.shutdown()


def _quiet_handler():
    import http.server

    class Handler(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args):
            pass

    return Handler


QuietHandler = _quiet_handler()


def offline_page(browser, base_url: str):
    """A browser page whose every request outside the local site is aborted and recorded."""
    page = browser.new_page()
    page.blocked = []
    page.errors = []

    def route(request_route):
        url = request_route.request.url
        if url.startswith(base_url) or url.startswith("data:") or url.startswith("blob:"):
            request_route.continue_()
        else:
            page.blocked.append(url)
            request_route.abort()

    page.route("**/*", route)
    page.on("pageerror", lambda error: page.errors.append(f"pageerror: {error}"))
    page.on("console", lambda message: page.errors.append(message.text) if message.type == "error" else None)
    return page
