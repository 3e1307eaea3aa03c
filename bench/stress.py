"""Builds never fail for reasons that are not the contributor's: three cold builds in three copies of the
project at once, beside the fast tests, several rounds; prints each failure and the count.

    python bench/stress.py [--rounds 3]        (or: make stress)

On 2 cores this loads the machine far beyond a contributor's: six or more kernels start together, the
condition under which TCP kernels used to die ("Address already in use").
"""

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))
from helpers import copy_project  # noqa: E402 - the tests' copy of a buildable project

BUILDS = 3


def one_round(folder: Path) -> list[str]:
    projects = [copy_project(folder / f"project-{number}") for number in range(BUILDS)]
    started = [
        subprocess.Popen(
            [sys.executable, "-m", "mrcreview", "build"],
            cwd=p,
            stdout=subprocess.PIPE,
            text=True,
            stderr=subprocess.STDOUT,
        )
        for p in projects
    ]
    fast = subprocess.Popen(
        [sys.executable, "-m", "pytest", "-q", "-n", "2", "-m", "not build", "tests"],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    failures = []
    for number, build in enumerate(started):
        output, _ = build.communicate()
        if build.returncode != 0:
            log = projects[number] / "_build" / "build.log"
            tail = log.read_text(encoding="utf-8", errors="replace")[-1500:] if log.exists() else ""
            failures.append(f"build {number}: exit {build.returncode}\n{output[-1500:]}\n{tail}")
    output, _ = fast.communicate()
    if fast.returncode != 0:
        failures.append(f"fast tests: exit {fast.returncode}\n{output[-3000:]}")
    return failures


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    rounds = parser.parse_args().rounds
    failed = 0
    for number in range(1, rounds + 1):
        start = time.perf_counter()
        with tempfile.TemporaryDirectory() as folder:
            failures = one_round(Path(folder))
        failed += len(failures)
        print(
            f"round {number}: {BUILDS} builds and the fast tests at once, {time.perf_counter() - start:.0f} s, "
            f"{len(failures)} failure(s)",
            flush=True,
        )
        for failure in failures:
            print(failure)
    print(f"stress: {rounds} rounds, {rounds * (BUILDS + 1)} runs, {failed} failure(s)")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
