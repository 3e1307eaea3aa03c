"""Build the site with Jupyter Book, elsewhere first, and publish it only if the build succeeds.

A failed build leaves the last good site in _build/html exactly as it was.
"""

import shutil
import subprocess
import sys
from pathlib import Path


def jupyter_book() -> str:
    beside_python = Path(sys.executable).parent / "jupyter-book"
    return str(beside_python) if beside_python.exists() else "jupyter-book"


def build_site(root: Path, output: Path | None = None) -> int:
    output = (output or root / "_build" / "html").resolve()
    work = root / "_build" / "work"
    command = [jupyter_book(), "build", str(root), "--path-output", str(work), "-W", "-n", "--keep-going"]
    result = subprocess.run(command, cwd=root)
    built = work / "_build" / "html"
    if result.returncode != 0 or not (built / "index.html").exists():
        print(f"build: failed; the published site in {output} was left unchanged.", file=sys.stderr)
        return 1
    publish(built, output)
    print(f"build: site published in {output}")
    return 0


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
