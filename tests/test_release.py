"""Releases: `make release` records a snapshot, sets the version everywhere and tags; What's new reads it."""

import json
import re
import shutil
import subprocess
import sys
import tomllib

import pytest
import yaml

from helpers import ROOT, copy_project, module_environment, run_module
from mrcreview.changes import whats_new_markdown

GIT_IDENTITY = {
    "GIT_AUTHOR_NAME": "Test",
    "GIT_AUTHOR_EMAIL": "test@example.org",
    "GIT_COMMITTER_NAME": "Test",
    "GIT_COMMITTER_EMAIL": "test@example.org",
}


def test_zenodo_metadata_agrees_with_the_citation_file():
    citation = yaml.safe_load((ROOT / "CITATION.cff").read_text(encoding="utf-8"))
    zenodo = json.loads((ROOT / ".zenodo.json").read_text(encoding="utf-8"))
    assert zenodo["title"] == citation["title"]
    assert zenodo["version"] == str(citation["version"])
    assert zenodo["publication_date"] == str(citation["date-released"])
    assert [c["name"] for c in zenodo["creators"]] == [a["name"] for a in citation["authors"]]
    assert zenodo["license"].lower() == citation["license"].lower()
    assert zenodo["keywords"] == citation["keywords"]
    assert zenodo["upload_type"] == "dataset"


def git(project, *args) -> str:
    env = {**GIT_IDENTITY, "PATH": "/usr/bin:/bin"}
    return subprocess.run(["git", *args], cwd=project, check=True, capture_output=True, text=True, env=env).stdout


@pytest.fixture
def repository(tmp_path):
    """The project, alone in its own git repository, as a fresh clone would be."""
    project = copy_project(tmp_path / "project")
    for name in ("pyproject.toml", ".zenodo.json", "CHANGELOG.md", "Makefile"):
        shutil.copy(ROOT / name, project / name)
    git(project, "init", "-q")
    git(project, "add", "-A")
    git(project, "commit", "-qm", "start")
    return project


def edit_value(project, outcome_id: str, old: str, new: str) -> None:
    outcomes = project / "data" / "outcomes.csv"
    lines = outcomes.read_text(encoding="utf-8").splitlines(keepends=True)
    index = next(i for i, line in enumerate(lines) if line.startswith(f"{outcome_id},"))
    assert f",{old}," in lines[index]
    lines[index] = lines[index].replace(f",{old},", f",{new},", 1)
    outcomes.write_text("".join(lines), encoding="utf-8")


def make_release(project, *arguments: str, env: dict | None = None) -> subprocess.CompletedProcess:
    """`make release ...` as a maintainer types it, run by this Python (-o: the environment is set up)."""
    command = ["make", "-s", "-o", ".venv/.installed", "release", f"PY={sys.executable}", *arguments]
    environment = {k: v for k, v in module_environment(GIT_IDENTITY).items() if k != "VERSION"} | (env or {})
    return subprocess.run(command, cwd=project, env=environment, capture_output=True, text=True)


def test_a_release_is_recorded_in_the_repository_and_whats_new_follows_it(repository):
    edit_value(repository, "picardi-colostomy-free-3y", "0.476", "0.512")
    git(repository, "commit", "-qam", "a corrected number")
    result = make_release(repository, "VERSION=0.2.0")
    assert result.returncode == 0, result.stderr
    assert "v0.2.0" in git(repository, "tag", "--list")
    assert git(repository, "status", "--porcelain") == ""  # everything it changed is committed
    citation = yaml.safe_load((repository / "CITATION.cff").read_text(encoding="utf-8"))
    assert str(citation["version"]) == "0.2.0"
    date = str(citation["date-released"])
    assert tomllib.loads((repository / "pyproject.toml").read_text())["project"]["version"] == "0.2.0"
    zenodo = json.loads((repository / ".zenodo.json").read_text(encoding="utf-8"))
    assert (zenodo["version"], zenodo["publication_date"]) == ("0.2.0", date)
    changelog = (repository / "CHANGELOG.md").read_text(encoding="utf-8")
    assert changelog.index("## Unreleased") < changelog.index(f"## 0.2.0 — {date}") < changelog.index("## 0.1.0")
    assert ",0.512," in (repository / "releases" / "0.2.0" / "outcomes.csv").read_text(encoding="utf-8")

    page = whats_new_markdown(root=repository)
    released = page[page.index("## In release 0\\.2\\.0") :]
    assert "Compared with release 0\\.1\\.0" in released
    named = re.sub(r"\\(.)", r"\1", released)  # as readers see it: by study, outcome, arm and time point
    assert "colostomy-free survival, short-course RT 25 Gy in 5 fractions, 3 years, 47.6% → 51.2%" in named
    since = page[: page.index("## In release")]
    assert "No number, study or reference changed since this release" in since

    # a correction after the release is listed as not released yet; the release's own list stays
    edit_value(repository, "picardi-colostomy-free-3y", "0.512", "0.520")
    page = whats_new_markdown(root=repository)
    since = page[: page.index("## In release")]
    assert "51\\.2\\% → 52\\.0\\%" in since
    assert "47\\.6\\% → 51\\.2\\%" in page[page.index("## In release") :]


@pytest.mark.parametrize(
    "version, dirty, message",
    [
        ("0.2", False, "expected a version x.y.z"),
        ("0.0.9", False, "expected a version above the current 0.1.0"),
        ("0.2.0", True, "expected a clean working tree"),
    ],
)
def test_a_refused_release_changes_nothing(repository, version, dirty, message):
    if dirty:
        edit_value(repository, "picardi-colostomy-free-3y", "0.476", "0.512")
    before = git(repository, "status", "--porcelain")
    result = run_module("release", cwd=repository, env=GIT_IDENTITY | {"VERSION": version})
    assert result.returncode == 1
    assert result.stderr.count("\n") == 1 and message in result.stderr, result.stderr
    assert "Traceback" not in result.stderr
    assert git(repository, "status", "--porcelain") == before
    assert git(repository, "tag", "--list") == ""


# What a version pasted from elsewhere can hold: each ran a command through make or bash when the recipe
# placed $(VERSION) in its command line.
COMMANDS = [
    "$(shell touch {marker})",
    "`touch {marker}`",
    "$$(touch {marker})",
    '0.2.0"; touch {marker}; echo "',
    "0.2.0'; touch {marker}; echo '",
    "0.2.0 $(eval $(shell touch {marker}))",
]


@pytest.mark.parametrize("payload", COMMANDS)
def test_a_version_given_to_make_runs_nothing(repository, tmp_path, payload):
    marker = tmp_path / "ran"
    result = make_release(repository, f"VERSION={payload.format(marker=marker)}")
    assert not marker.exists(), "a command in VERSION ran"
    assert result.returncode != 0
    refused = [line for line in result.stderr.splitlines() if line.startswith("release: ")]
    # make's own lines ("make: ***", or "make[1]: ***" when the tests run under `make test`) aside
    ours = [line for line in result.stderr.splitlines() if not re.match(r"make(\[\d+\])?: ", line)]
    assert refused == ours, result.stderr
    assert len(refused) == 1 and "VERSION: expected a version x.y.z" in refused[0], result.stderr
    assert git(repository, "status", "--porcelain") == "" and git(repository, "tag", "--list") == ""


def test_a_version_from_the_environment_runs_nothing(repository, tmp_path):
    marker = tmp_path / "ran"
    result = make_release(repository, env={"VERSION": f"$(shell touch {marker})`touch {marker}`"})
    assert not marker.exists(), "a command in VERSION ran"
    assert result.returncode != 0 and "VERSION: expected a version x.y.z" in result.stderr, result.stderr


# Each was committed and tagged, or (5000 digits) a traceback.
@pytest.mark.parametrize(
    "version",
    [
        "\uff11.\uff12.\uff10",  # full-width digits: Python's \d and int() take them
        "0.\u0662.0",  # an Arabic-Indic digit
        "9" * 5000 + ".0.0",  # int() of it fails
        "0.1234567.0",
        "0.02.0",
    ],
    ids=["full-width", "arabic-indic", "5000-digits", "seven-digits", "leading-zero"],
)
def test_only_a_plain_ascii_version_is_released(repository, version):
    result = run_module("release", cwd=repository, env=GIT_IDENTITY | {"VERSION": version})
    assert result.returncode == 1 and "Traceback" not in result.stderr, result.stderr
    assert result.stderr.count("\n") == 1 and len(result.stderr) < 400, result.stderr
    assert "VERSION: expected a version x.y.z" in result.stderr
    assert git(repository, "status", "--porcelain") == "" and git(repository, "tag", "--list") == ""


def test_a_hand_edited_snapshot_fails_the_check_and_the_release(repository):
    snapshot = repository / "releases" / "0.1.0" / "outcomes.csv"
    text = snapshot.read_text(encoding="utf-8")
    snapshot.write_text(text.replace(",0.476,", ",0.476\u202e,", 1), encoding="utf-8")
    checked = run_module("check", cwd=repository)
    assert checked.returncode == 1
    line = next(line for line in checked.stderr.splitlines() if line.startswith("releases/0.1.0/outcomes.csv"))
    assert "field 'value'" in line and "U+202E" in line and "\u202e" not in line
    git(repository, "commit", "-qam", "a hand edit")
    released = run_module("release", cwd=repository, env=GIT_IDENTITY | {"VERSION": "0.2.0"})
    assert (
        released.returncode == 1 and "check: " in released.stderr and "releases/0.1.0/outcomes.csv" in released.stderr
    )
    assert git(repository, "tag", "--list") == ""


def test_the_check_names_the_snapshot_files_as_whats_new_reads_them():
    # the check and What's new take them from one module (snapshot.py), which imports no pandas
    from mrcreview import changes, release_snapshots

    assert release_snapshots.RELEASES == changes.RELEASES
    assert release_snapshots.SNAPSHOT == changes.SNAPSHOT
    assert release_snapshots.COMPARED == changes.COMPARED


def test_the_pull_request_summary_lists_what_changed_against_the_base(repository):
    base = git(repository, "rev-parse", "HEAD").strip()
    edit_value(repository, "picardi-colostomy-free-3y", "0.476", "0.512")
    outcomes = repository / "data" / "outcomes.csv"
    # a stranger's text: passed on as it is, for the comment to show as literal text
    text = outcomes.read_text(encoding="utf-8")
    payload = "colostomy-free survival @octocat ![x](https://example.org/x.png)"
    assert text.count(",colostomy-free survival,") == 1
    outcomes.write_text(text.replace(",colostomy-free survival,", f",{payload},"), encoding="utf-8")
    result = run_module("summary", "--base", base, cwd=repository)
    assert result.returncode == 0, result.stderr
    summary = json.loads(result.stdout)
    assert summary["numbers_changed"] == [
        {
            "id": "picardi-colostomy-free-3y",
            "outcome": payload,
            "arm": "short-course RT 25 Gy in 5 fractions",
            "before": "47.6%",
            "after": "51.2%",
            "shown_in": [  # the front page's key messages place it too
                {"page": "index", "title": "Radiotherapy and organ preservation in metastatic rectal cancer"},
                {"page": "organ-preservation", "title": "Organ preservation of the primary tumour"},
            ],
        }
    ]
    # the register page of the study whose number changed, not its first page, which only lists studies
    affected = [page["page"] for page in summary["pages_affected"]]
    assert {"organ-preservation", "evidence-register-p-q", "whats-new"} <= set(affected)
    assert "evidence-register" not in affected
    assert summary["references_added"] == summary["references_removed"] == []
