"""One parse of the project's CSV text, shared by the check, the refresh and What's new."""

import io

import pandas as pd

from helpers import ROOT
from mrcreview.changes import _table
from mrcreview.csv_rows import parse_csv, parse_records


def test_each_row_keeps_the_line_it_starts_on_though_a_cell_holds_a_line_end():
    header, rows = parse_csv('id,note\na,"two\nlines"\nb,one\n')
    assert header == ["id", "note"]
    assert rows == [(2, ["a", "two\nlines"]), (4, ["b", "one"])]


def test_whats_new_reads_every_data_table_as_pandas_reads_it_as_text():
    for path in sorted((ROOT / "data").glob("*.csv")):
        text = path.read_text(encoding="utf-8")
        expected = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False, na_values=[""])
        table = _table(text)
        pd.testing.assert_frame_equal(table[list(expected.columns)], expected)


def test_the_refresh_reads_rows_as_written():
    header, rows = parse_records("study_id,status\nalpha,ongoing\nbeta,\n")
    assert header == ["study_id", "status"] and rows == [
        {"study_id": "alpha", "status": "ongoing"},
        {"study_id": "beta", "status": ""},
    ]
