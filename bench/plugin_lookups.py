"""Time a cold build spends finding pybtex plugins (sphinxcontrib-bibtex asks once per citation).

    python bench/plugin_lookups.py        (part of: make bench)

Builds a copy of the project with a sitecustomize module that wraps pybtex's plugin lookup
in the Sphinx process and reports, at exit, how many lookups there were and their total time.
"""

import os
import re
import subprocess
import sys
import tempfile
import textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))
from helpers import copy_project  # noqa: E402 - the tests' copy of a buildable project

PROBE = textwrap.dedent(
    """
    import atexit, sys, time
    import pybtex.plugin

    found, spent = [0], [0.0]
    original = pybtex.plugin.find_plugin

    def find_plugin(*args, **kwargs):
        start = time.perf_counter()
        try:
            return original(*args, **kwargs)
        finally:
            found[0] += 1
            spent[0] += time.perf_counter() - start

    pybtex.plugin.find_plugin = find_plugin
    atexit.register(lambda: found[0] and print(f"plugin lookups: {found[0]} in {spent[0]:.2f} s", file=sys.stderr))
    """
)


def main() -> int:
    with tempfile.TemporaryDirectory() as folder:
        probe = Path(folder) / "probe"
        probe.mkdir()
        (probe / "sitecustomize.py").write_text(PROBE, encoding="utf-8")
        project = copy_project(Path(folder) / "project")
        command = [sys.executable, "-m", "mrcreview", "build"]
        environment = os.environ | {"PYTHONPATH": str(probe)}
        result = subprocess.run(command, cwd=project, capture_output=True, text=True, env=environment)
        if result.returncode != 0:
            sys.exit(f"build failed:\n{result.stderr[-3000:]}")
        log = (project / "_build" / "build.log").read_text(encoding="utf-8")
    lines = re.findall(r"plugin lookups: (\d+) in ([\d.]+) s", log)
    count, seconds = sum(int(n) for n, _ in lines), sum(float(s) for _, s in lines)
    each = seconds / max(count, 1) * 1000
    print(f"pybtex plugin lookups in a cold build: {count}, {seconds:.2f} s in all ({each:.2f} ms each)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
