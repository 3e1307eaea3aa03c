"""A data file saved by a spreadsheet: read as the project writes it, or refused with one line.

Each file is written here the way Excel, LibreOffice and Numbers write "CSV": a byte-order mark, Windows line
ends, every cell quoted, or ';' (or a tab) between cells, as in locales where the comma is the decimal mark.
"""

import csv
import io
import shutil

import pandas as pd
import pytest

import mrcreview
from helpers import ROOT, copy_project, run_module
from mrcreview.changes import _table
from mrcreview.csv_rows import parse_records

SAVE_AS = "save it from the spreadsheet as 'CSV UTF-8 (comma delimited)'"


@pytest.fixture(scope="module")
def copied(tmp_path_factory):
    return copy_project(tmp_path_factory.mktemp("spreadsheet") / "project")


@pytest.fixture
def project(copied):
    """The copy of the project, its data as committed again after each test."""
    yield copied
    shutil.rmtree(copied / "data")
    shutil.copytree(ROOT / "data", copied / "data")


def rows_of(name: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO((ROOT / "data" / name).read_text(encoding="utf-8"))))


def saved(rows, *, bom=True, delimiter=",", quoting=csv.QUOTE_MINIMAL, encoding="utf-8") -> bytes:
    """The bytes a spreadsheet writes: Windows line ends, and (for "CSV UTF-8") a byte-order mark."""
    stream = io.StringIO()
    csv.writer(stream, delimiter=delimiter, quoting=quoting, lineterminator="\r\n").writerows(rows)
    return (b"\xef\xbb\xbf" if bom else b"") + stream.getvalue().encode(encoding)


def test_excel_csv_utf8_is_accepted_with_nothing_said(project):
    # Excel's "CSV UTF-8 (Comma delimited)": a byte-order mark, CRLF, a cell quoted when it holds a comma
    for name in ("outcomes.csv", "studies.csv", "screening.csv"):
        (project / "data" / name).write_bytes(saved(rows_of(name)))
    result = run_module("check", cwd=project)
    assert (result.returncode, result.stderr) == (0, ""), result.stderr


def test_every_cell_quoted_numbers_too_is_accepted(project):
    (project / "data" / "outcomes.csv").write_bytes(saved(rows_of("outcomes.csv"), quoting=csv.QUOTE_ALL))
    assert '"0.476"' in (project / "data" / "outcomes.csv").read_text(encoding="utf-8")
    result = run_module("check", cwd=project)
    assert (result.returncode, result.stderr) == (0, ""), result.stderr


def test_the_chapters_whats_new_and_the_refresh_read_what_the_check_read(project):
    # the file the check accepted is the same table to pandas, What's new and the refresh as the committed one
    (project / "data" / "outcomes.csv").write_bytes(saved(rows_of("outcomes.csv"), quoting=csv.QUOTE_ALL))
    (project / "data" / "studies.csv").write_bytes(saved(rows_of("studies.csv")))
    loaded = mrcreview.load_outcomes(root=project)
    pd.testing.assert_frame_equal(loaded, mrcreview.load_outcomes(root=ROOT))
    assert mrcreview.number_text("cercek-ccr", root=project) == mrcreview.number_text("cercek-ccr", root=ROOT)
    text = (project / "data" / "outcomes.csv").read_text(encoding="utf-8")
    committed = (ROOT / "data" / "outcomes.csv").read_text(encoding="utf-8")
    pd.testing.assert_frame_equal(_table(text), _table(committed))
    assert parse_records(text) == parse_records(committed)


@pytest.mark.parametrize(
    "delimiter, shown, quoting",
    [(";", "';'", csv.QUOTE_MINIMAL), (";", "';'", csv.QUOTE_ALL), ("\t", "tabs", csv.QUOTE_MINIMAL)],
    ids=["semicolons", "semicolons-all-quoted", "tabs"],
)
def test_another_separator_is_one_line_naming_file_cause_and_fix(project, delimiter, shown, quoting):
    (project / "data" / "outcomes.csv").write_bytes(
        saved(rows_of("outcomes.csv"), delimiter=delimiter, quoting=quoting)
    )
    result = run_module("check", cwd=project)
    assert result.returncode == 1 and result.stdout == ""
    assert result.stderr.splitlines() == [
        f"data/outcomes.csv, line 1: expected ',' as separator ({SAVE_AS}); found {shown} as separator",
        "check failed: 1 problem; fix them and run make check again.",
    ]


def test_a_separated_studies_file_says_nothing_of_the_outcomes_that_name_its_studies(project):
    (project / "data" / "studies.csv").write_bytes(saved(rows_of("studies.csv"), delimiter=";", bom=False))
    result = run_module("check", cwd=project)
    assert result.stderr.splitlines() == [
        f"data/studies.csv, line 1: expected ',' as separator ({SAVE_AS}); found ';' as separator",
        "check failed: 1 problem; fix them and run make check again.",
    ]


def test_a_file_in_the_windows_code_page_is_one_line(project):
    # Excel's plain "CSV (semicolon delimited)" in a French locale: Windows-1252
    written = saved(rows_of("outcomes.csv"), bom=False, delimiter=";", encoding="cp1252")
    first = next(at for at, byte in enumerate(written) if byte > 0x7F)
    line = written[:first].count(b"\n") + 1
    (project / "data" / "outcomes.csv").write_bytes(written)
    result = run_module("check", cwd=project)
    assert result.stderr.splitlines() == [
        f"data/outcomes.csv, line {line}: expected text encoded as UTF-8 ({SAVE_AS}); found byte {written[first]:#04x}",
        "check failed: 1 problem; fix them and run make check again.",
    ]


def test_two_byte_order_marks_are_one_line(project):
    # What's new, the refresh and the pull request's summary remove one mark: their header would begin with
    # the second, and the summary stopped with a traceback on a file the check had accepted
    (project / "data" / "outcomes.csv").write_bytes(b"\xef\xbb\xbf" + saved(rows_of("outcomes.csv")))
    result = run_module("check", cwd=project)
    assert result.stderr.splitlines() == [
        f"data/outcomes.csv, line 1: expected at most one byte-order mark ({SAVE_AS}); found two at the start",
        "check failed: 1 problem; fix them and run make check again.",
    ]


def test_excel_unicode_text_is_one_line(project):
    stream = io.StringIO()
    csv.writer(stream, delimiter="\t", lineterminator="\r\n").writerows(rows_of("outcomes.csv"))
    (project / "data" / "outcomes.csv").write_bytes(stream.getvalue().encode("utf-16"))  # with its own BOM
    result = run_module("check", cwd=project)
    assert result.stderr.splitlines() == [
        f"data/outcomes.csv, line 1: expected text encoded as UTF-8 ({SAVE_AS}); "
        "found UTF-16 text (a spreadsheet's 'Unicode Text')",
        "check failed: 1 problem; fix them and run make check again.",
    ]
