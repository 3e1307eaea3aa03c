"""What a contributor waits for: cold build, no-change rebuild, one-row edit and a new study, in seconds.

    python bench/build_speed.py        (or: make bench)

Works on a copy of the project in a temporary folder. Each measure is taken EDITS times, the edit
made there and back, and the median reported. After each edit it checks that the new value is on the
pages and the old value on none but What's new. Targets: a cold build within 60 s, a one-row edit
and a new study visible within 10 s.
"""

import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))
from helpers import copy_project  # noqa: E402 - the tests' copy of a buildable project

ROW, OLD, NEW = "picardi-colostomy-free-3y", ("0.476", "47.6%"), ("0.512", "51.2%")
# A study added as a contributor adds one: a row in studies.csv and its number in outcomes.csv, citing
# a work already in refs.bib and checked today.
NEW_STUDY = (
    "benchstudy,Bench study (added),single-arm phase II,Synthetic study added by the benchmark,,,20,enrolled,,"
    "completed,{date},ghalehtaki2025,83,,,,\n"
)
NEW_OUTCOME = (
    "benchstudy-response,benchstudy,short-course RT,response,,,0.333,,,proportion,,,,ghalehtaki2025,benchmark row,83\n"
)
EDITS = 3


def build(project: Path) -> float:
    start = time.perf_counter()
    result = subprocess.run([sys.executable, "-m", "mrcreview", "build"], cwd=project, capture_output=True, text=True)
    elapsed = time.perf_counter() - start
    if result.returncode != 0:
        sys.exit(f"build failed:\n{result.stdout[-2000:]}{result.stderr[-3000:]}")
    return elapsed


def executed(project: Path) -> list[str]:
    log = (project / "_build" / "build.log").read_text(encoding="utf-8")
    return re.findall(r"book/([\w-]+)\.md: Executing notebook", log)


def edit_row(project: Path, old: str, new: str) -> None:
    outcomes = project / "data" / "outcomes.csv"
    text = outcomes.read_text(encoding="utf-8")
    assert text.count(f"{ROW},") == 1 and f",{old}," in text, f"{ROW} no longer has {old}; update the benchmark"
    outcomes.write_text(text.replace(f",{old},", f",{new},", 1), encoding="utf-8")


def add_or_remove_study(project: Path, add: bool) -> None:
    studies, outcomes = project / "data" / "studies.csv", project / "data" / "outcomes.csv"
    for path, row in ((studies, NEW_STUDY.format(date=date.today().isoformat())), (outcomes, NEW_OUTCOME)):
        text = path.read_text(encoding="utf-8")
        path.write_text(text + row if add else text.replace(row, ""), encoding="utf-8")


def stale_pages(site: Path, old: str, new: str) -> list[str]:
    """Pages that still show the old value; What's new may show it only in the change itself ("old → new")."""
    pages = site.rglob("*.html")
    return [
        str(p.relative_to(site)) for p in pages if old in p.read_text(encoding="utf-8").replace(f"{old} → {new}", "")
    ]


def main() -> int:
    with tempfile.TemporaryDirectory() as folder:
        project = copy_project(Path(folder) / "project")
        site = project / "_build" / "html"
        colds, unchanged, edits, studies, stale = [], [], [], [], []
        for number in range(EDITS):
            shutil.rmtree(project / "_build", ignore_errors=True)
            colds.append(build(project))
            chapters = len(executed(project))
            unchanged.append(build(project))
            old, new = (OLD, NEW) if number % 2 == 0 else (NEW, OLD)
            edit_row(project, old[0], new[0])
            edits.append(build(project))
            edit_ran = executed(project)
            stale += stale_pages(site, old[1], new[1])
            stale += [] if any(new[1] in p.read_text(encoding="utf-8") for p in site.rglob("*.html")) else ["none new"]
            add_or_remove_study(project, add=True)
            studies.append(build(project))
            study_ran = executed(project)
            if "Bench study (added)" not in "".join(p.read_text(encoding="utf-8") for p in site.rglob("*.html")):
                stale.append("the new study is on no page")
            add_or_remove_study(project, add=False)
            build(project)

    def line(name: str, times: list[float], target: str, extra: str = "") -> str:
        runs = ", ".join(f"{t:.1f}" for t in times)
        return f"{name:<22}{statistics.median(times):6.1f} s  (runs {runs} s)  target {target}{extra}"

    print(line("cold build", colds, "60 s", f"; {chapters} chapters executed"))
    print(line("no-change rebuild", unchanged, "-"))
    print(line("one-row data edit", edits, "10 s", f"; executed: {', '.join(edit_ran) or 'none'}"))
    print(line("new study added", studies, "10 s", f"; executed: {', '.join(study_ran) or 'none'}"))
    print(f"staleness: {'no stale output' if not stale else 'STALE: ' + ', '.join(stale)}")
    return 1 if stale else 0


if __name__ == "__main__":
    sys.exit(main())
