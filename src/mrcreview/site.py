"""Build the site with Jupyter Book, elsewhere first, and publish it only if the build succeeds.

A failed build leaves the last good site in _build/html exactly as it was.
"""

import contextlib
import csv
import ctypes
import errno
import fcntl
import hashlib
import json
import os
import re
import shutil
import signal
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import mrcreview
from mrcreview import cores, jupyter_book_parallel, kernels, site_audit
from mrcreview.schema import DESCRIPTOR, resource

# Sphinx re-reads a page only when its source or a noted data file changes. A change to
# the configuration, the table of contents, the shared code or the pinned environment can
# change every page, so it discards the incremental state and rebuilds from scratch.
FINGERPRINTED = [
    "_config.yml",
    "_toc.yml",
    "requirements.lock",
    "vendor/package-lock.json",
    "CITATION.cff",
]


def fingerprint(root: Path) -> str:
    digest = hashlib.sha256()
    package = Path(mrcreview.__file__).parent
    templates = sorted(p for p in (root / "_templates").rglob("*") if p.is_file())  # the theme's pages, overridden
    files = [root / name for name in FINGERPRINTED] + templates + sorted(package.rglob("*.py"))
    for path in files:
        if path.exists():
            name = path.relative_to(root) if path.is_relative_to(root) else path.relative_to(package)
            digest.update(name.as_posix().encode() + b"\0" + path.read_bytes())
    # Every page's footer shows the evidence date: when it moves, every page is rewritten.
    digest.update(evidence_date(root).encode())
    return digest.hexdigest()


def evidence_date(root: Path) -> str:
    """The footer's date (loading.evidence_as_of) as written in the studies' table: read before the
    data is checked, and without pandas, which would delay Sphinx's start. ISO dates sort as text."""
    try:
        descriptor = json.loads((root / "data" / DESCRIPTOR).read_bytes())
        with open(root / "data" / resource(descriptor, "studies")["path"], encoding="utf-8", newline="") as stream:
            return max((row.get("status_checked") or "" for row in csv.DictReader(stream)), default="")
    except (OSError, ValueError, KeyError, TypeError, csv.Error):
        return ""  # the check, which runs next, says what is wrong


def inputs_digest(root: Path, output: Path) -> str:
    """Everything a build reads, and where it publishes: equal to the last published build's
    digest means the site there is already what a build would make."""
    digest = hashlib.sha256(f"{fingerprint(root)}\0{output}".encode())
    for name in SOURCES:
        path = root / name
        for file in sorted(path.rglob("*")) if path.is_dir() else [path]:
            if file.is_file():
                digest.update(file.relative_to(root).as_posix().encode() + b"\0" + file.read_bytes())
    return digest.hexdigest()


def jupyter_book() -> list[str]:
    """The jupyter-book command, reading pages on every core (see jupyter_book_parallel.py)."""
    return [sys.executable, "-m", "mrcreview.jupyter_book_parallel"]


def build_site(root: Path, output: Path | None = None, check: Callable[[], int] = lambda: 0) -> int:
    """Build in _build/work, then publish to output; one line per problem, never a half-written site.
    check() runs (while Sphinx starts) before anything is read; a non-zero status stops the build."""
    output = (output or root / "_build" / "html").resolve()
    try:
        (root / "_build").mkdir(parents=True, exist_ok=True)
        with build_lock(root / "_build"), signals_end_the_build():
            restore_interrupted_publish(output)
            return _build(root, output, check)
    except BuildInterrupted as stop:
        restore_interrupted_publish(output)
        print(f"build: stopped by {stop}; {output} holds the last complete site.", file=sys.stderr)
        return 128 + stop.signal
    except OSError as err:
        shutil.rmtree(staged_folder(output), ignore_errors=True)
        where = err.filename or "_build"
        print(
            f"build: cannot write {where}: {err.strerror or err}; the site in {output} was left as it was.",
            file=sys.stderr,
        )
        return 1


def _build(root: Path, output: Path, check: Callable[[], int]) -> int:
    work = root / "_build" / "work"
    published, inputs = work / "published.txt", inputs_digest(root, output)
    if (output / "index.html").exists() and published.exists() and published.read_text() == inputs:
        if status := check():
            return status
        print(f"build: nothing changed since the last build; the site in {output} is current.")
        return 0
    # A build stopped while Sphinx ran (SIGTERM, SIGKILL, a full disk) leaves pages that Sphinx
    # records as done: the mark, set before Sphinx starts and cleared when it finishes, says so.
    in_progress = work / "in-progress"
    if in_progress.exists():
        print("build: the last build was interrupted; starting afresh.")
        shutil.rmtree(work)
    stamp = work / "fingerprint.txt"
    current = fingerprint(root)
    if stamp.exists() and stamp.read_text() != current:
        shutil.rmtree(work)
    work.mkdir(parents=True, exist_ok=True)
    stamp.write_text(current)
    log = root / "_build" / "build.log"
    with sphinx_started(root, work, log) as go:
        with cores.pinned(cores.for_the_rest(cores.usable())):  # Sphinx starts on a core of its own
            status = check()
        if status:
            return status  # Jupyter Book stops having read nothing
        in_progress.write_text(f"pid {os.getpid()}\n")
        returncode = go()
    text = log.read_text(encoding="utf-8", errors="replace")
    built = work / "_build" / "html"
    if returncode != 0 or not (built / "index.html").exists():
        # Sphinx may have recorded the failing pages as up to date; start afresh next time.
        shutil.rmtree(work, ignore_errors=True)
        for problem in build_problems(text, root):
            print(problem, file=sys.stderr)
        print(f"build: failed (full log: {log}); the published site in {output} was left unchanged.", file=sys.stderr)
        return 1
    in_progress.unlink()
    print(text)
    if problems := site_audit.approve_site(built, root):  # what the build made, as a browser reads it
        print(*problems, sep="\n", file=sys.stderr)
        print(
            f"build: the site breaks the rules above; the published site in {output} was left unchanged.",
            file=sys.stderr,
        )
        return 1
    publish(built, output)
    published.write_text(inputs)
    print(f"build: site published in {output}")
    return 0


@contextlib.contextmanager
def sphinx_started(root: Path, work: Path, log: Path):
    """Jupyter Book into work/, started at once: it loads its modules (about 1.5 s) while the caller
    checks the data, and reads nothing until the caller calls go(), which returns its exit status.
    Leaving without go() ends it having built nothing. Its output is streamed to the log."""
    command = [*jupyter_book(), "build", str(root), "--path-output", str(work), "-W", "-n", "--keep-going"]
    # PYTHONUNBUFFERED: the log shows how far the build got.
    environment = {**os.environ, "PYTHONUNBUFFERED": "1", jupyter_book_parallel.WAIT: "1"}
    if (work / "_build" / ".doctrees" / "environment.pickle").exists():
        # An incremental build reads pages one at a time: its first chapter can take a kernel started now.
        environment[kernels.ENVIRONMENT] = str(root / "book")
    with open(log, "w", encoding="utf-8") as stream:
        child = subprocess.Popen(
            command,
            cwd=root,
            stdin=subprocess.PIPE,
            stdout=stream,
            stderr=subprocess.STDOUT,
            env=environment,
            preexec_fn=_die_with_parent,
        )

        def go() -> int:
            with contextlib.suppress(BrokenPipeError):  # it ended while starting: the log says why
                child.stdin.write(jupyter_book_parallel.GO)
                child.stdin.close()
            return child.wait()

        try:
            yield go
        except BaseException:
            child.terminate()
            try:
                child.wait(timeout=30)
            except subprocess.TimeoutExpired:
                child.kill()
            raise
        finally:
            if child.returncode is None:  # left without go(): it shuts down its kernel and exits
                child.stdin.close()
                child.wait()


def _die_with_parent() -> None:
    """In the child: on Linux, be killed when the build process dies, even by SIGKILL, so no
    orphaned Sphinx goes on writing into a work folder that the next build uses."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass


class BuildInterrupted(Exception):
    def __init__(self, number: int):
        super().__init__(signal.Signals(number).name)
        self.signal = number


@contextlib.contextmanager
def signals_end_the_build():
    """SIGTERM (timeout, CI cancel, container stop), SIGHUP and Ctrl-C stop the build cleanly."""

    def stop(number, frame):
        raise BuildInterrupted(number)

    previous = {number: signal.signal(number, stop) for number in (signal.SIGTERM, signal.SIGHUP, signal.SIGINT)}
    try:
        yield
    finally:
        for number, handler in previous.items():
            signal.signal(number, handler)


@contextlib.contextmanager
def build_lock(folder: Path):
    """One build at a time in a clone: a second one says so and waits (the lock goes with its holder)."""
    with open(folder / "build.lock", "a+", encoding="utf-8") as lock:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            lock.seek(0)
            holder = lock.read().strip() or "another process"
            print(f"build: another build is running in this clone ({holder}); waiting for it to finish.", flush=True)
            fcntl.flock(lock, fcntl.LOCK_EX)
        lock.seek(0)
        lock.truncate()
        lock.write(f"pid {os.getpid()}")
        lock.flush()
        yield


ANSI = re.compile(r"\x1b\[[0-9;]*m")


def build_problems(log: str, root: Path) -> list[str]:
    """The build's warnings and any failing cell's error, one line each, without Python tracebacks."""
    text = ANSI.sub("", log)
    problems = []
    for line in text.splitlines():
        if re.search(r": (WARNING|ERROR|CRITICAL): ", line) or line.startswith(("WARNING: ", "ERROR: ")):
            problems.append(line.replace(f"{root}/", ""))
    for notebook in re.findall(r"\bExecutionError: (\S+\.(?:md|ipynb))", text):
        errors = re.findall(r"^(\w+(?:Error|Exception)): (.+)$", text, flags=re.M)
        cause = next(
            (
                f"{name}: {message}"
                for name, message in reversed(errors)
                if name not in ("ExecutionError", "CellExecutionError")
            ),
            "see the full log",
        )
        problems.append(f"{notebook.replace(f'{root}/', '')}: a code cell raised {cause}")
    return list(dict.fromkeys(problems))


def staged_folder(output: Path) -> Path:
    return output.with_name(output.name + ".new")


def retired_folder(output: Path) -> Path:
    return output.with_name(output.name + ".old")


def publish(built: Path, output: Path) -> None:
    """Copy the new site beside the old one, then swap them in one step, so readers never see half a site."""
    staged, retired = staged_folder(output), retired_folder(output)
    for leftover in (staged, retired):
        shutil.rmtree(leftover, ignore_errors=True)
    shutil.copytree(built, staged)
    if not output.exists():
        staged.rename(output)
    elif exchange(staged, output):
        shutil.rmtree(staged)  # it now holds the old site
    else:  # no atomic swap here: two renames, which restore_interrupted_publish completes if stopped between
        output.rename(retired)
        staged.rename(output)
        shutil.rmtree(retired)


def restore_interrupted_publish(output: Path) -> None:
    """A publish stopped between its two renames left the old site in html.old and none in html."""
    retired = retired_folder(output)
    if not output.exists() and (retired / "index.html").exists():
        retired.rename(output)
    shutil.rmtree(staged_folder(output), ignore_errors=True)


def exchange(first: Path, second: Path) -> bool:
    """Swap two folders atomically (Linux renameat2 with RENAME_EXCHANGE); False where unsupported."""
    try:
        renameat2 = ctypes.CDLL(None, use_errno=True).renameat2
    except (OSError, AttributeError):
        return False
    at_fdcwd, rename_exchange = -100, 2
    if renameat2(at_fdcwd, os.fsencode(first), at_fdcwd, os.fsencode(second), rename_exchange) == 0:
        return True
    error = ctypes.get_errno()
    if error in (errno.EINVAL, errno.ENOSYS, errno.EOPNOTSUPP):
        return False
    raise OSError(error, os.strerror(error), str(first))


def find_chromium() -> str:
    """The browser for tests and the PDF: CHROMIUM if set; else Debian's Chromium, or on GitHub's Ubuntu
    runners their preinstalled Google Chrome (Ubuntu's chromium package only installs a snap)."""
    if chosen := os.environ.get("CHROMIUM"):
        return chosen
    return next((p for p in ("/usr/bin/chromium", "/usr/bin/google-chrome") if Path(p).exists()), "/usr/bin/chromium")


CHROMIUM = find_chromium()
# Run as root in a container: no sandbox, no GPU, no calls home, and no host resolved but this
# machine, so a page that asks for anything outside the site gets nothing.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
]


def build_pdf(root: Path, output: Path | None = None) -> int:
    """The whole book on one HTML page (Sphinx's singlehtml builder), printed to PDF by Chromium.

    Print styles replace each interactive chart by its static SVG, so the figures appear.
    """
    from playwright.sync_api import sync_playwright

    output = (output or root / "_build" / "book.pdf").resolve()
    work = root / "_build" / "pdf-work"
    command = [*jupyter_book(), "build", str(root), "--builder", "singlehtml", "--path-output", str(work), "-W"]
    (root / "_build").mkdir(parents=True, exist_ok=True)
    with build_lock(root / "_build"):
        # Always from scratch: an interrupted single-page build could otherwise print old numbers.
        shutil.rmtree(work, ignore_errors=True)
        if subprocess.run(command, cwd=root, preexec_fn=_die_with_parent).returncode != 0:
            print("pdf: the single-page build failed; no PDF was written.", file=sys.stderr)
            return 1
    page_file = work / "_build" / "singlehtml" / "book" / "index.html"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page()
        page.goto(page_file.as_uri())
        page.wait_for_load_state("load")
        page.emulate_media(media="print")
        page.pdf(path=str(output), format="A4", print_background=True, margin={"top": "15mm", "bottom": "15mm"})
        browser.close()
    print(f"pdf: written to {output}")
    return 0


# What a copy of the project needs in order to build; the rest (.venv, _build, .git) stays behind.
SOURCES = [
    "_config.yml",
    "_toc.yml",
    "_templates",
    "refs.bib",
    "CITATION.cff",
    "book",
    "data",
    "releases",
    "vendor/package.json",
    "vendor/package-lock.json",
]


def copy_sources(root: Path, target: Path) -> Path:
    """A buildable copy of the project (for tests and benchmarks); vendored packages are linked, not copied."""
    for name in SOURCES:
        source = root / name
        if not source.exists():
            continue  # releases/ exists only once a version is released
        if source.is_dir():
            shutil.copytree(source, target / name)
        else:
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target / name)
    (target / "vendor" / "node_modules").symlink_to((root / "vendor" / "node_modules").resolve())
    return target
