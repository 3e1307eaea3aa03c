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
