"""Every broken input in tests/broken/ is refused with one clear message and no traceback."""

import shutil
from pathlib import Path

import pytest

from helpers import ROOT, run_module
from mrcreview.cli import run_check

CASES = sorted(p for p in (ROOT / "tests" / "broken").iterdir() if p.is_dir())
# One mistake that used to bring a cascade of messages (every citation of a key, every rule on an
# unreadable table): the root cause alone is reported.
ONE_ROOT_CAUSE = {
    "bib-missing-file",
    "bib-not-utf8",
    "bib-unbalanced-braces",
    "csv-extra-column",
    "csv-missing-column",
    "csv-ragged-row",
    "csv-semicolon-separator",
    "csv-carriage-return-alone",
    "csv-renamed-column",
    "csv-unknown-enum",
}


def apply_case(project: Path, case: Path) -> None:
    for path in case.rglob("*"):
        relative = path.relative_to(case)
        if path.is_file() and relative.name not in ("expected.txt", "delete.txt"):
            (project / relative).parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(path, project / relative)
    if (case / "delete.txt").exists():
        for name in (case / "delete.txt").read_text().split():
            (project / name).unlink()


def test_minimal_project_is_valid(minimal_project):
    result = run_module("check", cwd=minimal_project)
    assert result.returncode == 0, result.stderr


def test_the_command_reports_a_broken_input_without_a_traceback(minimal_project):
    # the cases below run the check in this process; this one goes through the command a contributor types
    apply_case(minimal_project, ROOT / "tests" / "broken" / "bib-unbalanced-braces")
    result = run_module("check", cwd=minimal_project)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr + result.stdout
    expected = (ROOT / "tests" / "broken" / "bib-unbalanced-braces" / "expected.txt").read_text().strip()
    assert result.stderr.startswith(expected) and result.stderr.endswith(
        "check failed: 1 problem; fix them and run make check again.\n"
    ), result.stderr


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_broken_input_is_refused_clearly(case, minimal_project, capsys):
    apply_case(minimal_project, case)
    expected = (case / "expected.txt").read_text().strip()
    assert run_check(minimal_project) == 1  # an exception here would be a traceback on the terminal
    lines = capsys.readouterr().err.splitlines()
    assert any(line.startswith(expected) or expected in line for line in lines), lines
    # A message repeats at most the start of a bad value, however long the value is.
    assert all(len(line) < 400 for line in lines), max(lines, key=len)[:500]
    # The named mistake is reported once, not buried in a cascade.
    assert sum(expected in line for line in lines) == 1, lines
    if case.name in ONE_ROOT_CAUSE:
        assert lines[-1] == "check failed: 1 problem; fix them and run make check again.", lines


def test_a_check_that_stops_a_build_says_what_to_run_and_that_nothing_was_built(minimal_project):
    apply_case(minimal_project, ROOT / "tests" / "broken" / "bib-unbalanced-braces")
    result = run_module("build", cwd=minimal_project)
    assert result.returncode == 1 and not (minimal_project / "_build").exists()
    assert result.stderr.endswith("check failed: 1 problem; fix them and run make book again; nothing was built.\n")
