"""Build speed without staleness: cold build, no-change rebuild, one-row data edit.

    python bench/build_speed.py        (or: make bench)

Works on a copy of the project in a temporary folder. After each one-row edit it checks
that the new value is on the pages and the old value on none, and counts the chapters that
ran again. Then a second edit, to a number placed only in the prose of a chapter without code
(no kernel runs). The one-row edit is built three times, there and back, each time after a cold
build of its own; the prose edit three times in a row. Medians are reported.
Targets: cold <= 30 s; no-change <= 10 % of cold; one-row edit <= 20 % of cold, with zero
stale outputs.
"""

import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))
from helpers import copy_project  # noqa: E402 - the tests' copy of a buildable project

ROW, OLD, NEW = "picardi-colostomy-free-3y", ("0.476", "47.6%"), ("0.512", "51.2%")
# A number placed only in the prose of a chapter without code: an edit that runs no kernel.
PROSE_ROW, PROSE_OLD, PROSE_NEW = "riihimaki-synchronous", "0.20", "0.21"
EDITS = 3  # each edit timed three times, changing the value there and back


def build(project: Path) -> tuple[float, str]:
    start = time.perf_counter()
    result = subprocess.run([sys.executable, "-m", "mrcreview", "build"], cwd=project, capture_output=True, text=True)
    elapsed = time.perf_counter() - start
    if result.returncode != 0:
        sys.exit(f"build failed:\n{result.stderr[-3000:]}")
    return elapsed, result.stdout


def read_times(project: Path) -> dict[str, int]:
    """When Sphinx last read each page: it writes the page's doctree as it reads it."""
    doctrees = project / "_build" / "work" / "_build" / ".doctrees" / "book"
    return {p.stem: p.stat().st_mtime_ns for p in doctrees.glob("*.doctree")}


def edit_row(project: Path, row: str, old: str, new: str) -> None:
    outcomes = project / "data" / "outcomes.csv"
    lines = outcomes.read_text(encoding="utf-8").splitlines(keepends=True)
    index = next(i for i, line in enumerate(lines) if line.startswith(f"{row},"))
    assert f",{old}," in lines[index], f"{row} no longer has the value {old}; update the benchmark"
    lines[index] = lines[index].replace(f",{old},", f",{new},")
    outcomes.write_text("".join(lines), encoding="utf-8")


def shown_as(site: Path, row: str) -> set[str]:
    """Every text a link to the row's register entry shows, on every page."""
    link = re.compile(rf'href="[\w./-]*#ev-{re.escape(row)}"><span class="std std-ref">([^<]+)</span>')
    return {text for p in site.rglob("*.html") for text in link.findall(p.read_text(encoding="utf-8"))}


def main() -> int:
    with tempfile.TemporaryDirectory() as folder:
        return measure(copy_project(Path(folder) / "project"), cold_target=30, edit_target=0.20)


def stale_pages(site: Path, old: str, new: str) -> list[Path]:
    """Pages that still show the old value; What's new may show it only in the change itself ("old → new")."""
    pages = site.rglob("*.html")
    return [p.relative_to(site) for p in pages if old in p.read_text(encoding="utf-8").replace(f"{old} → {new}", "")]


def measure(project: Path, cold_target: float | None, edit_target: float) -> int:
    """Cold build, no-change rebuild and one-row edits of the project, printed with a staleness verdict.

    This machine's speed varies by a quarter within minutes, so the cold build and the edit are each
    timed EDITS times, in turn: before each edit (changing the value there and back) the site is built
    again from nothing. The medians are compared with the targets, and every build is checked."""
    site = project / "_build" / "html"
    colds, times, stale, showing = [], [], [], []
    for number, (old, new) in enumerate(([(OLD, NEW), (NEW, OLD)] * EDITS)[:EDITS]):
        shutil.rmtree(project / "_build", ignore_errors=True)
        seconds, out = build(project)
        colds.append(seconds)
        if number == 0:
            chapters = out.count("Executing notebook")
            unchanged, out = build(project)
            rerun_unchanged = out.count("Executing notebook")
        edit_row(project, ROW, old[0], new[0])
        read = read_times(project)
        seconds, out = build(project)
        times.append(seconds)
        stale += stale_pages(site, old[1], new[1])
        showing.append(sum(new[1] in p.read_text(encoding="utf-8") for p in site.rglob("*.html")))
        if number == 0:
            rerun_edited = re.findall(r"book/([\w-]+)\.md: Executing notebook", out)
            read_edited = sorted(name for name, when in read_times(project).items() if read.get(name) != when)

    prose_times, fresh = [], True
    for number in range(EDITS):
        old, new = (PROSE_OLD, PROSE_NEW) if number % 2 == 0 else (PROSE_NEW, PROSE_OLD)
        before = shown_as(site, PROSE_ROW)
        edit_row(project, PROSE_ROW, old, new)
        read = read_times(project)
        seconds, out = build(project)
        prose_times.append(seconds)
        after = shown_as(site, PROSE_ROW)
        fresh = fresh and len(after) == 1 and after != before
        if number == 0:
            executed = out.count("Executing notebook")
            read_prose = sorted(name for name, when in read_times(project).items() if read.get(name) != when)
            shown = f"{', '.join(sorted(before))} -> {', '.join(sorted(after))}"

    cold, edited, prose = statistics.median(colds), statistics.median(times), statistics.median(prose_times)
    target = f"   target <= {cold_target} s" if cold_target else ""
    print(
        f"cold build:          {cold:6.1f} s   ({chapters} chapters executed)    {target}"
        f"   (median of {', '.join(f'{t:.1f}' for t in colds)} s)"
    )
    print(
        f"no-change rebuild:   {unchanged:6.1f} s   {unchanged / cold:6.1%} of cold ({rerun_unchanged} executed)"
        "   target <= 10 %"
    )
    print(
        f"one-row data edit:   {edited:6.1f} s   {edited / cold:6.1%} of cold ({len(rerun_edited)} executed)"
        f"   target <= {edit_target:.0%}   (median of {', '.join(f'{t:.1f}' for t in times)} s)"
    )
    print(f"read again after the edit: {', '.join(read_edited)}; of these executed: {', '.join(rerun_edited)}")
    all_showing = all(showing)
    verdict = "no stale output" if not stale and all_showing else f"STALE: {', '.join(map(str, stale)) or 'no value'}"
    print(f"staleness after editing {ROW} ({OLD[1]} <-> {NEW[1]}, {EDITS} builds): {verdict}")
    print(
        f"one-row edit, prose only: {prose:6.1f} s   {prose / cold:6.1%} of cold ({executed} executed)"
        f"   (median of {', '.join(f'{t:.1f}' for t in prose_times)} s)   {PROSE_ROW}, shown as {shown}; "
        f"read again: {', '.join(read_prose)}"
    )
    return 0 if not stale and all_showing and fresh else 1


if __name__ == "__main__":
    sys.exit(main())
