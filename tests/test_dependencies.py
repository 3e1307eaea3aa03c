"""Pages depend on exactly the data they were given: recorded calls, answered again before a build."""

import inspect
import json

import pytest

import mrcreview
from helpers import make_minimal
from mrcreview.dependencies import RECORD, changed_pages, record_file, start_record


def edit_row(root, path: str, key: str, old: str, new: str) -> None:
    file = root / "data" / path
    lines = file.read_text(encoding="utf-8").splitlines(keepends=True)
    index = next(i for i, line in enumerate(lines) if line.startswith(f"{key},"))
    assert old in lines[index]
    lines[index] = lines[index].replace(old, new, 1)
    file.write_text("".join(lines), encoding="utf-8")


@pytest.fixture
def recorded_page(tmp_path, monkeypatch):
    """A project and a page that was given one row for a figure and one number for its prose."""
    root = make_minimal(tmp_path / "project")
    folder = tmp_path / "records"
    monkeypatch.setenv(RECORD, "")  # restored after the test
    start_record(folder, "book/page")
    mrcreview.load_outcomes("alpha-response", root=root)
    mrcreview.number_text("beta-survival", root=root)
    start_record(folder, "book/other")
    mrcreview.count_rows("outcomes", root=root)
    return root, folder


def test_each_call_a_page_makes_is_recorded_once_with_a_digest(recorded_page):
    _, folder = recorded_page
    calls = [json.loads(line) for line in record_file(folder, "book/page").read_text().splitlines()]
    # load_outcomes reads studies and the schema inside: only the chapter's own calls count
    assert [(c["call"], c["args"]) for c in calls] == [
        ("load_outcomes", ["alpha-response"]),
        ("number_text", ["beta-survival"]),
    ]
    assert all(len(c["digest"]) == 64 for c in calls)


def test_nothing_changed_means_no_page_to_read_again(recorded_page):
    root, folder = recorded_page
    assert changed_pages(folder, root, {"book/page", "book/other"}) == set()


def test_an_edit_to_a_row_no_page_used_reads_no_page_again(recorded_page):
    root, folder = recorded_page
    edit_row(root, "outcomes.csv", "alpha-hr", ",0.80,", ",0.85,")
    assert changed_pages(folder, root, {"book/page", "book/other"}) == set()


def test_an_edit_to_a_used_row_reads_that_page_again(recorded_page):
    root, folder = recorded_page
    edit_row(root, "outcomes.csv", "alpha-response", ",0.25,", ",0.30,")
    assert changed_pages(folder, root, {"book/page", "book/other"}) == {"book/page"}


def test_a_number_in_prose_depends_on_its_printed_text_only(recorded_page):
    root, folder = recorded_page
    # where a number was found does not change the page that prints it
    edit_row(root, "outcomes.csv", "beta-survival", "table 2", "table 3")
    assert changed_pages(folder, root, {"book/page"}) == set()
    edit_row(root, "outcomes.csv", "beta-survival", ",24.5,", ",25.5,")
    assert changed_pages(folder, root, {"book/page"}) == {"book/page"}


def test_a_study_shown_beside_a_row_is_part_of_it(recorded_page):
    root, folder = recorded_page
    edit_row(root, "studies.csv", "alpha", "Alpha trial", "Alpha study")
    assert changed_pages(folder, root, {"book/page", "book/other"}) == {"book/page"}


def test_a_count_changes_when_a_row_is_added_and_a_removed_row_reads_its_page_again(recorded_page):
    root, folder = recorded_page
    outcomes = root / "data" / "outcomes.csv"
    lines = outcomes.read_text().splitlines(keepends=True)
    outcomes.write_text("".join(line for line in lines if not line.startswith("alpha-response,")))
    assert changed_pages(folder, root, {"book/page", "book/other"}) == {"book/page", "book/other"}


def test_every_function_chapters_call_that_reads_files_is_recorded():
    """A function given the project root reads its files: unrecorded, its pages could go stale."""
    reading = [name for name in mrcreview.__all__ if "root" in inspect.signature(getattr(mrcreview, name)).parameters]
    assert "load_outcomes" in reading and "whats_new_markdown" in reading
    assert [name for name in reading if not getattr(getattr(mrcreview, name), "recorded", False)] == []
