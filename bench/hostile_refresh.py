"""Run `python -m mrcreview refresh` against every hostile registry answer in tests/registry_answers.py and
count what happened: refused cleanly, got through, crashed (a traceback) or hung (still running at the
timeout). Each case runs on a fresh copy of the minimal project, served on 127.0.0.1, with NCBI_API_KEY set.

    .venv/bin/python bench/hostile_refresh.py [--src OTHER/src] [--timeout 60] [--huge-mb 500]

--src runs another version of the package (e.g. `git archive HEAD~1 src | tar -x -C /tmp/before`), to
compare before and after a change. A case's lowered limits (tests/registry_answers.py) are applied where
the version has them. Peak memory is the refresh process's own (wait4).
"""

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

import registry_answers  # noqa: E402
from registry_answers import CASES, KEY, WRITTEN, ScriptedServer  # noqa: E402

MEMORY_MB = 256  # a refresh that took more memory took a hostile answer in whole
RUNNER = """
import importlib, json, os, sys
for name, value in json.loads(os.environ["HOSTILE_LIMITS"]).items():
    module, attribute = name.rsplit(".", 1)
    try:
        setattr(importlib.import_module("mrcreview." + module), attribute, value)
    except ImportError:
        pass  # a limit this version has not got
from mrcreview.cli import main
sys.exit(main(["refresh"]))
"""


def minimal_project(folder: Path) -> Path:
    project = folder / "project"
    shutil.copytree(ROOT / "tests" / "fixtures" / "minimal", project)
    shutil.copy(ROOT / "data" / "datapackage.json", project / "data" / "datapackage.json")
    return project


def data(project: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted((project / "data").glob("*"))}


def run(case, src: Path, timeout: float) -> dict:
    with tempfile.TemporaryDirectory() as folder:
        project = minimal_project(Path(folder))
        before = data(project)
        server = ScriptedServer(case.routes)
        env = {k: v for k, v in os.environ.items() if k != "MRCREVIEW_ROOT"}
        env |= {"NCBI_API_KEY": KEY} | server.environment(case)
        env |= {"PYTHONPATH": str(src), "HOSTILE_LIMITS": json.dumps(case.limits)}
        out, err = Path(folder) / "out", Path(folder) / "err"
        started = time.monotonic()
        with open(out, "w") as stdout, open(err, "w") as stderr:
            command = [sys.executable, "-c", RUNNER]
            process = subprocess.Popen(command, cwd=project, env=env, stdout=stdout, stderr=stderr)
        status = usage = None
        while time.monotonic() - started < timeout:
            pid, wait_status, usage = os.wait4(process.pid, os.WNOHANG)
            if pid:
                status = os.waitstatus_to_exitcode(wait_status)
                break
            time.sleep(0.05)
        else:
            process.kill()
            _, _, usage = os.wait4(process.pid, 0)
        process.returncode = status  # reaped here, not by Popen
        seconds = time.monotonic() - started
        server.close()
        stderr_text, said = err.read_text(), out.read_text() + err.read_text()
        changed = data(project) != before
        checked = None
        if status == 0:
            check = subprocess.run(
                [sys.executable, "-m", "mrcreview", "check"], cwd=project, env=env, capture_output=True, text=True
            )
            checked = check.returncode == 0
    lines = stderr_text.strip().splitlines()
    peak_mb = round(usage.ru_maxrss / 1024) if usage else None
    if status is None:
        outcome = "hung"
    elif "Traceback" in stderr_text:
        outcome = "crashed"
    elif case.refused:  # to be refused: in one line, with data/ as it was, the key unsaid, the answer not taken in
        clean = status == 1 and len(lines) == 1 and lines[0].startswith("refresh: ") and not changed
        outcome = "refused cleanly" if clean and KEY not in said and peak_mb < MEMORY_MB else "got through"
    else:  # to be taken, writing only what the check passes
        outcome = "taken, check passes" if checked else "written, check fails" if status == 0 else "stopped"
    return {
        "case": case.name,
        "outcome": outcome,
        "exit": status,
        "seconds": round(seconds, 1),
        "peak_mb": peak_mb,
        "key_printed": KEY in said,
        "data_changed": changed,
        "check_passes": checked,
        "said": "" if checked else (lines or said.strip().splitlines() or [""])[-1][:160],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--src", type=Path, default=ROOT / "src", help="the package's source folder to run")
    parser.add_argument("--timeout", type=float, default=60.0, help="seconds before a refresh counts as hung")
    parser.add_argument("--huge-mb", type=int, default=500, help="size of the answer too large to take")
    parser.add_argument("--only", nargs="*", help="run only these cases")
    args = parser.parse_args()
    registry_answers.HUGE = args.huge_mb * 2**20
    registry_answers.DRIP_SECONDS = args.timeout * 3  # a slow server outlasts the timeout
    results = []
    for case in CASES + WRITTEN:
        if args.only and case.name not in args.only:
            continue
        result = run(case, args.src.resolve(), args.timeout)
        results.append(result)
        print(json.dumps(result), flush=True)
    for group, cases in (("hostile", CASES), ("to take", WRITTEN)):
        names = {c.name for c in cases}
        counts: dict[str, int] = {}
        for result in results:
            if result["case"] in names:
                counts[result["outcome"]] = counts.get(result["outcome"], 0) + 1
        print(f"{group}: {sum(counts.values())} tried: " + ", ".join(f"{n} {o}" for o, n in sorted(counts.items())))


if __name__ == "__main__":
    main()
