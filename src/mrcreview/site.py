"""Build the site with Jupyter Book, elsewhere first, and publish it only if the build succeeds.

A failed build leaves the last good site in _build/html exactly as it was.
"""

import hashlib
import re
import shutil
import subprocess
import sys
from pathlib import Path

import mrcreview
from mrcreview.changes import baseline_tag
from mrcreview.loading import evidence_as_of

# Sphinx re-reads a page only when its source or a noted data file changes. A change to
# the configuration, the table of contents, the shared code or the pinned environment can
# change every page, so it discards the incremental state and rebuilds from scratch.
FINGERPRINTED = [
    "_config.yml",
    "_toc.yml",
    "requirements.lock",
    "vendor/package-lock.json",
    "CITATION.cff",
    "_templates/static/webpack-macros.html",
]


def fingerprint(root: Path) -> str:
    digest = hashlib.sha256()
    package = Path(mrcreview.__file__).parent
    files = [root / name for name in FINGERPRINTED] + sorted(package.rglob("*.py"))
    for path in files:
        if path.exists():
            digest.update(path.name.encode() + b"\0" + path.read_bytes())
    # Every page's footer shows the evidence date: when it moves, every page is rewritten.
    digest.update(str(evidence_as_of(root)).encode())
    return digest.hexdigest()


def inputs_digest(root: Path, output: Path) -> str:
    """Everything a build reads, and where it publishes: equal to the last published build's
    digest means the site there is already what a build would make."""
    digest = hashlib.sha256(f"{fingerprint(root)}\0{baseline_tag(root)}\0{output}".encode())
    for name in SOURCES:
        path = root / name
        for file in sorted(path.rglob("*")) if path.is_dir() else [path]:
            if file.is_file():
                digest.update(file.relative_to(root).as_posix().encode() + b"\0" + file.read_bytes())
    return digest.hexdigest()


def jupyter_book() -> str:
    beside_python = Path(sys.executable).parent / "jupyter-book"
    return str(beside_python) if beside_python.exists() else "jupyter-book"


def build_site(root: Path, output: Path | None = None) -> int:
    output = (output or root / "_build" / "html").resolve()
    work = root / "_build" / "work"
    published, inputs = work / "published.txt", inputs_digest(root, output)
    if (output / "index.html").exists() and published.exists() and published.read_text() == inputs:
        print(f"build: nothing changed since the last build; the site in {output} is current.")
        return 0
    stamp = work / "fingerprint.txt"
    current = fingerprint(root)
    if stamp.exists() and stamp.read_text() != current:
        shutil.rmtree(work)
    work.mkdir(parents=True, exist_ok=True)
    stamp.write_text(current)
    command = [jupyter_book(), "build", str(root), "--path-output", str(work), "-W", "-n", "--keep-going"]
    result = subprocess.run(command, cwd=root, capture_output=True, text=True)
    log = root / "_build" / "build.log"
    log.write_text(result.stdout + result.stderr, encoding="utf-8")
    built = work / "_build" / "html"
    if result.returncode != 0 or not (built / "index.html").exists():
        # Sphinx may have recorded the failing pages as up to date; start afresh next time.
        shutil.rmtree(work, ignore_errors=True)
        for problem in build_problems(result.stdout + result.stderr, root):
            print(problem, file=sys.stderr)
        print(f"build: failed (full log: {log}); the published site in {output} was left unchanged.", file=sys.stderr)
        return 1
    print(result.stdout)
    publish(built, output)
    published.write_text(inputs)
    print(f"build: site published in {output}")
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


def publish(built: Path, output: Path) -> None:
    """Swap the new site in with renames, so readers never see half a site."""
    staged, retired = output.with_name(output.name + ".new"), output.with_name(output.name + ".old")
    for leftover in (staged, retired):
        shutil.rmtree(leftover, ignore_errors=True)
    shutil.copytree(built, staged)
    if output.exists():
        output.rename(retired)
    staged.rename(output)
    shutil.rmtree(retired, ignore_errors=True)


# Debian's Chromium, run as root in a container: no sandbox, no GPU, no calls home.
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


def build_pdf(root: Path, output: Path | None = None) -> int:
    """The whole book on one HTML page (Sphinx's singlehtml builder), printed to PDF by Chromium.

    Print styles replace each interactive chart by its static SVG, so the figures appear.
    """
    from playwright.sync_api import sync_playwright

    output = (output or root / "_build" / "book.pdf").resolve()
    work = root / "_build" / "pdf-work"
    command = [jupyter_book(), "build", str(root), "--builder", "singlehtml", "--path-output", str(work), "-W"]
    if subprocess.run(command, cwd=root).returncode != 0:
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
    "vendor/package.json",
    "vendor/package-lock.json",
]


def copy_sources(root: Path, target: Path) -> Path:
    """A buildable copy of the project (for tests and benchmarks); vendored packages are linked, not copied."""
    for name in SOURCES:
        source = root / name
        if source.is_dir():
            shutil.copytree(source, target / name)
        else:
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target / name)
    (target / "vendor" / "node_modules").symlink_to((root / "vendor" / "node_modules").resolve())
    return target
