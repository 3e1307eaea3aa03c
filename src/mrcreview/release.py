"""`make release VERSION=x.y.z`: record a release in the repository, then commit and tag it.

It snapshots what What's new compares (releases/<version>/), sets the version and date in
CITATION.cff, pyproject.toml and .zenodo.json, moves CHANGELOG's "Unreleased" notes under the
version, commits, and tags v<version>. It refuses, with one line and nothing changed, a version
that is not x.y.z above the current one, a working tree with uncommitted changes, or data that
fails the check. The version is data, never code: it comes from the environment (the Makefile
exports it unexpanded), and is checked, as ASCII digits of bounded length, before anything else.
"""

import json
import re
import shutil
import subprocess
from datetime import UTC, datetime
from pathlib import Path

from mrcreview.changes import current_version, version_order
from mrcreview.snapshot import RELEASE_FILE, RELEASES, SNAPSHOT
from mrcreview.untrusted import version_problem
from mrcreview.validation import check_project


class ReleaseRefused(Exception):
    pass


def _git(root: Path, *args: str) -> str:
    result = subprocess.run(["git", *args], cwd=root, capture_output=True, text=True)
    if result.returncode != 0:
        raise ReleaseRefused(f"git {' '.join(args[:2])} failed: {result.stderr.strip()[:200]}")
    return result.stdout


def _replace_line(path: Path, pattern: str, line: str) -> None:
    """Replace the one line matching pattern, keeping the file's other bytes as they are."""
    text = path.read_text(encoding="utf-8")
    new, count = re.subn(pattern, line, text, count=1, flags=re.M)
    if count != 1:
        raise ReleaseRefused(f"{path.name}: expected a line matching {pattern!r}; found none")
    path.write_text(new, encoding="utf-8")


def release(root: Path, version: str, today: str | None = None) -> str:
    today = today or datetime.now(UTC).date().isoformat()
    if broken := version_problem(version):
        raise ReleaseRefused(f"VERSION: expected {broken[0]}; found {broken[1]}")
    if _git(root, "status", "--porcelain").strip():
        raise ReleaseRefused("git: expected a clean working tree (commit or stash your changes first); found changes")
    if problems := check_project(root):  # CITATION.cff among them: its version is then safe to compare
        raise ReleaseRefused(f"check: {len(problems)} problem(s), the first: {problems[0]}")
    current = current_version(root)
    if version_order(version) <= version_order(current):
        raise ReleaseRefused(f"VERSION: expected a version above the current {current}; found {version}")
    if (root / RELEASES / version).exists():
        raise ReleaseRefused(f"{RELEASES}/{version}: expected no snapshot yet; found one")
    changelog = root / "CHANGELOG.md"
    if "\n## Unreleased\n" not in changelog.read_text(encoding="utf-8"):
        raise ReleaseRefused("CHANGELOG.md: expected a '## Unreleased' section; found none")

    snapshot = root / RELEASES / version
    edited = ["CITATION.cff", "pyproject.toml", ".zenodo.json", "CHANGELOG.md"]
    try:
        snapshot.mkdir(parents=True)
        for name in SNAPSHOT:
            shutil.copy2(root / name, snapshot / Path(name).name)
        (snapshot / RELEASE_FILE).write_text(
            json.dumps({"version": version, "date": today}, indent=2) + "\n", encoding="utf-8"
        )
        _replace_line(root / "CITATION.cff", r"^version: .*$", f"version: {version}")
        _replace_line(root / "CITATION.cff", r"^date-released: .*$", f"date-released: {today}")
        _replace_line(root / "pyproject.toml", r'^version = ".*"$', f'version = "{version}"')
        zenodo = root / ".zenodo.json"
        metadata = json.loads(zenodo.read_text(encoding="utf-8"))
        metadata.update(version=version, publication_date=today)
        zenodo.write_text(json.dumps(metadata, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        text = changelog.read_text(encoding="utf-8")
        changelog.write_text(
            text.replace("\n## Unreleased\n", f"\n## Unreleased\n\n## {version} — {today}\n", 1), encoding="utf-8"
        )
    except (OSError, ReleaseRefused, ValueError):
        # put back what was written, so a refused release changes nothing
        shutil.rmtree(snapshot, ignore_errors=True)
        _git(root, "checkout", "--", *edited)
        raise
    _git(root, "add", "--", RELEASES, *edited)
    _git(
        root,
        "commit",
        "-q",
        "-m",
        f"Release {version}",
        "-m",
        f"Snapshot in {RELEASES}/{version}; version and date set.",
    )
    _git(root, "tag", "-a", f"v{version}", "-m", f"Release {version}")
    return (
        f"release: {version} recorded ({RELEASES}/{version}), committed and tagged v{version}; "
        "push with `git push --follow-tags`."
    )
