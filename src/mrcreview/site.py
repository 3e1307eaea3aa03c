"""`make book`: build the site with Jupyter Book in _build/work, then publish it to _build/html only if
the whole build succeeded. A failed or stopped build leaves the last good site exactly as it was.

The data check runs first (cli.py). Sphinx keeps its state between builds in _build/work and reads
again only the pages whose source or recorded data changed (sphinx_ext/data_used.py); a change to what every
page depends on (FINGERPRINTED, the package's code) starts afresh.
"""

import hashlib
import re
import shutil
import signal
import sys
import time
from pathlib import Path

import mrcreview
from mrcreview import site_audit
from mrcreview.data_history import last_data_edit
from mrcreview.publish import build_lock, publish, restore_interrupted_publish, staged_folder
from mrcreview.sphinx_process import run_sphinx

FINGERPRINTED = [
    "_config.yml",
    "_toc.yml",
    "requirements.lock",
    "vendor/package-lock.json",
    "CITATION.cff",
]
# Everything a build reads from the project; the rest (.venv, _build, .git) is not the site's.
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
    ".github/workflows/refresh.yml",  # its schedule is the living status's next update
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
    return digest.hexdigest()


def inputs_digest(root: Path, output: Path) -> str:
    """Everything a build reads, and where it publishes: equal to the last published build's
    digest means the site there is already what a build would make. Git's answer of when the data were
    last edited is read too: a commit changes it without changing a file."""
    digest = hashlib.sha256(f"{fingerprint(root)}\0{output}\0{last_data_edit(root)}".encode())
    for name in SOURCES:
        path = root / name
        for file in sorted(path.rglob("*")) if path.is_dir() else [path]:
            if file.is_file():
                digest.update(file.relative_to(root).as_posix().encode() + b"\0" + file.read_bytes())
    return digest.hexdigest()


class BuildInterrupted(Exception):
    def __init__(self, number: int):
        super().__init__(signal.Signals(number).name)
        self.signal = number


def build_site(root: Path, output: Path | None = None) -> int:
    """Build, then publish to output (default _build/html). One line per problem; never half a site."""
    output = (output or root / "_build" / "html").resolve()

    def stop(number, frame):  # a timeout, a cancelled CI run, Ctrl-C: stop cleanly
        raise BuildInterrupted(number)

    stops = (signal.SIGTERM, signal.SIGHUP, signal.SIGINT)
    previous = {number: signal.signal(number, stop) for number in stops}
    try:
        (root / "_build").mkdir(parents=True, exist_ok=True)
        with build_lock(root / "_build"):
            restore_interrupted_publish(output)
            return _build(root, output)
    except BuildInterrupted as stopped:
        restore_interrupted_publish(output)
        print(f"build: stopped by {stopped}; {output} holds the last complete site.", file=sys.stderr)
        return 128 + stopped.signal
    except OSError as err:
        shutil.rmtree(staged_folder(output), ignore_errors=True)
        where = err.filename or "_build"
        print(
            f"build: cannot write {where}: {err.strerror or err}; the site in {output} was left as it was.",
            file=sys.stderr,
        )
        return 1
    finally:
        for number, handler in previous.items():
            signal.signal(number, handler)


def is_current(root: Path, output: Path, inputs: str | None = None) -> bool:
    """The site published in output is what a build of the project would make now (inputs: the project's
    inputs_digest, if already known), and the saved state in _build/work is the build that made it."""
    published = root / "_build" / "work" / "published.txt"
    if not ((output / "index.html").exists() and published.exists()):
        return False
    return published.read_text() == (inputs or inputs_digest(root, output))


def _build(root: Path, output: Path) -> int:
    work, log = root / "_build" / "work", root / "_build" / "build.log"
    published, inputs = work / "published.txt", inputs_digest(root, output)
    opened = output / "index.html"
    if is_current(root, output, inputs):
        print(f"build: nothing changed since the last build; open {opened}")
        return 0
    # A build stopped while Sphinx ran (SIGTERM, SIGKILL, a full disk) leaves pages that Sphinx
    # records as done: the mark, set before Sphinx starts and cleared when it finishes, says so.
    in_progress = work / "in-progress"
    if in_progress.exists():
        print("build: the last build was interrupted; starting afresh.")
        shutil.rmtree(work)
    stamp, current = work / "fingerprint.txt", fingerprint(root)
    if stamp.exists() and stamp.read_text() != current:
        print("build: the configuration, the templates or the package changed; starting afresh.", flush=True)
        shutil.rmtree(work)
    work.mkdir(parents=True, exist_ok=True)
    stamp.write_text(current)
    in_progress.write_text("a build is running, or was stopped\n")
    started = time.monotonic()
    returncode = run_sphinx(root, work, log)
    built = work / "_build" / "html"
    if returncode != 0 or not (built / "index.html").exists():
        # Sphinx may have recorded the failing pages as up to date; start afresh next time.
        shutil.rmtree(work, ignore_errors=True)
        for problem in build_problems(log.read_text(encoding="utf-8", errors="replace"), root):
            print(problem, file=sys.stderr)
        print(f"build: failed (full log: {log}); the published site in {output} was left unchanged.", file=sys.stderr)
        return 1
    in_progress.unlink()
    if problems := site_audit.approve_site(built, root, work / "approved.json"):  # as a browser reads it
        print(*problems, sep="\n", file=sys.stderr)
        print(
            f"build: the site breaks the rules above; the published site in {output} was left unchanged.",
            file=sys.stderr,
        )
        return 1
    publish(built, output)
    published.write_text(inputs)
    print(f"build: built in {time.monotonic() - started:.0f} s (log: {log.relative_to(root)})")
    print(f"build: open {opened}")
    return 0


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
