"""How the book copes with growth: the figures of build_speed.py on synthetic data many times today's size.

    python bench/scale.py [--multiple 50] [--seed 1]        (or: make bench-scale)

Works on a copy of the project in a temporary folder, grown by bench/synthetic.py. Prints the time of
`make check`, then cold builds, a no-change rebuild and one-row edits with their staleness verdict
(medians, as build_speed.py measures them), then every page's transfer size. Targets at 50x:
check <= 1.5 s, one-row edit <= 25 % of cold, heaviest page <= 1 MB.

By default the grown data is recorded as the current release's snapshot, as for a review that was
released as it grew: What's new then lists what changed since. With --unreleased it is not, and What's
new lists every synthetic row as added since the release (the worst case: nothing released for 50x).
"""

import argparse
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from build_speed import measure
from synthetic import grow

from mrcreview.changes import RELEASES, SNAPSHOT, current_version

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))
from helpers import copy_project  # noqa: E402 - the tests' copy of a buildable project

HERE = Path(__file__).resolve().parent


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--multiple", type=int, default=50)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--unreleased", action="store_true", help="do not record the grown data as released")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        project = copy_project(Path(folder) / "project")
        sizes = grow(project, args.multiple, args.seed)
        snapshot = project / RELEASES / current_version(project)
        released = not args.unreleased and snapshot.is_dir()  # a version not yet released has no snapshot
        if released:
            for name in SNAPSHOT:
                shutil.copy2(project / name, snapshot / Path(name).name)
        state = "recorded as released" if released else "not released (What's new lists every row)"
        print(
            f"{args.multiple}x today's data (seed {args.seed}), {state}: "
            + ", ".join(f"{n} {k}" for k, n in sizes.items())
        )
        start = time.perf_counter()
        checked = subprocess.run([sys.executable, "-m", "mrcreview", "check"], cwd=project, capture_output=True)
        check = time.perf_counter() - start
        if checked.returncode != 0:
            sys.exit(f"the synthetic data fails the check:\n{checked.stderr.decode()[-3000:]}")
        print(f"make check:          {check:6.1f} s                                  target <= 1.5 s")
        status = measure(project, cold_target=None, edit_target=0.25)
        weight = subprocess.run([sys.executable, str(HERE / "page_weight.py"), str(project / "_build" / "html")])
        return status or weight.returncode


if __name__ == "__main__":
    sys.exit(main())
