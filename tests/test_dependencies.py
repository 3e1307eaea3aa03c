"""Pages depend on exactly the data they were given: noted calls, answered again before a build."""

import inspect
import json

import pytest

import mrcreview
from helpers import make_minimal
from mrcreview import dependencies
from mrcreview.dependencies import GLUE_KEY, MIME_TYPE, changed_pages, glued_calls, noted


def edit_row(root, path: str, key: str, old: str, new: str) -> None:
    file = root / "data" / path
    lines = file.read_text(encoding="utf-8").splitlines(keepends=True)
    index = next(i for i, line in enumerate(lines) if line.startswith(f"{key},"))
    assert old in lines[index]
    lines[index] = lines[index].replace(old, new, 1)
    file.write_text("".join(lines), encoding="utf-8")


@pytest.fixture
def recorded_page(tmp_path):
    """A project and a page that was given one row for a figure and one number for its prose."""
    root = make_minimal(tmp_path / "project")
    calls = {
        "book/page": [
            noted(mrcreview.load_outcomes, "alpha-response", root=root)[1],
            noted(mrcreview.number_text, "beta-survival", root=root)[1],
        ],
        "book/other": [noted(mrcreview.count_rows, "outcomes", root=root)[1]],
    }
    # as kept between builds
    return root, json.loads(json.dumps(calls))


class Kernel:
    """Stands for the IPython kernel a chapter runs in: what myst_nb.glue displays is kept, as in
    the notebook's outputs."""

    def __init__(self):
        self.kernel = object()
        self.outputs = []

    def display_pub(self, data, metadata):
        self.outputs.append({"data": data, "metadata": metadata})


@pytest.fixture
def kernel(monkeypatch):
    import IPython
    import IPython.display

    shell = Kernel()
    monkeypatch.setattr(IPython, "get_ipython", lambda: shell)
    monkeypatch.setattr("myst_nb.ext.glue.ipy_display", lambda data, raw, metadata: shell.display_pub(data, metadata))
    return shell


def glue_data(outputs: list[dict]) -> dict:
    """What MyST-NB makes of the glued outputs of a notebook (myst_nb.ext.glue.extract_glue_data)."""
    from myst_nb.ext.glue import extract_glue_data
    from nbformat import from_dict

    cell = {
        "cell_type": "code",
        "metadata": {},
        "source": "",
        "outputs": [dict(o, output_type="display_data") for o in outputs],
    }
    notebook = from_dict({"cells": [cell], "metadata": {}, "nbformat": 4, "nbformat_minor": 5})
    return extract_glue_data(notebook, [1], None)


def test_in_a_kernel_each_outermost_call_is_glued_once_with_a_digest_and_shown_to_no_reader(kernel, tmp_path):
    root = make_minimal(tmp_path / "project")
    mrcreview.load_outcomes("alpha-response", root=root)
    mrcreview.number_text("beta-survival", root=root)
    calls = glued_calls(glue_data(kernel.outputs))
    # load_outcomes reads studies and the schema inside: only the chapter's own calls count
    assert [(c["call"], c["args"]) for c in calls] == [
        ("load_outcomes", ["alpha-response"]),
        ("number_text", ["beta-survival"]),
    ]
    assert all(len(c["digest"]) == 64 for c in calls)
    # hidden: every MIME type is glue's, which MyST-NB takes out of the page's outputs
    assert all(key.startswith("application/papermill.record/") for o in kernel.outputs for key in o["data"])
    assert {f"application/papermill.record/{MIME_TYPE}"} <= set(kernel.outputs[0]["data"])


def test_out_of_a_kernel_nothing_is_glued(monkeypatch, tmp_path):
    monkeypatch.setattr(dependencies, "glue_call", lambda note: pytest.fail("glued outside a kernel"))
    mrcreview.load_outcomes("alpha-response", root=make_minimal(tmp_path / "project"))


def test_other_glue_of_a_chapter_is_no_call():
    glued = {"fig-x": {"data": {"text/html": "<div/>"}}, f"{GLUE_KEY}x": {"data": {}}}
    glued[f"{GLUE_KEY}10"] = {"data": {MIME_TYPE: {"call": "b"}}}
    glued[f"{GLUE_KEY}9"] = {"data": {MIME_TYPE: {"call": "a"}}}
    assert glued_calls(glued) == [{"call": "a"}, {"call": "b"}]


def test_nothing_changed_means_no_page_to_read_again(recorded_page):
    root, calls = recorded_page
    assert changed_pages(calls, root, {"book/page", "book/other"}) == set()


def test_an_edit_to_a_row_no_page_used_reads_no_page_again(recorded_page):
    root, calls = recorded_page
    edit_row(root, "outcomes.csv", "alpha-hr", ",0.80,", ",0.85,")
    assert changed_pages(calls, root, {"book/page", "book/other"}) == set()


def test_an_edit_to_a_used_row_reads_that_page_again(recorded_page):
    root, calls = recorded_page
    edit_row(root, "outcomes.csv", "alpha-response", ",0.25,", ",0.30,")
    assert changed_pages(calls, root, {"book/page", "book/other"}) == {"book/page"}


def test_a_number_in_prose_depends_on_its_printed_text_only(recorded_page):
    root, calls = recorded_page
    # where a number was found does not change the page that prints it
    edit_row(root, "outcomes.csv", "beta-survival", "table 2", "table 3")
    assert changed_pages(calls, root, {"book/page"}) == set()
    edit_row(root, "outcomes.csv", "beta-survival", ",24.5,", ",25.5,")
    assert changed_pages(calls, root, {"book/page"}) == {"book/page"}


def test_a_study_shown_beside_a_row_is_part_of_it(recorded_page):
    root, calls = recorded_page
    edit_row(root, "studies.csv", "alpha", "Alpha trial", "Alpha study")
    assert changed_pages(calls, root, {"book/page", "book/other"}) == {"book/page"}


def test_a_count_changes_when_a_row_is_added_and_a_removed_row_reads_its_page_again(recorded_page):
    root, calls = recorded_page
    outcomes = root / "data" / "outcomes.csv"
    lines = outcomes.read_text().splitlines(keepends=True)
    outcomes.write_text("".join(line for line in lines if not line.startswith("alpha-response,")))
    assert changed_pages(calls, root, {"book/page", "book/other"}) == {"book/page", "book/other"}


def test_every_function_chapters_call_that_reads_files_is_recorded():
    """A function given the project root reads its files: unrecorded, its pages could go stale."""
    reading = [name for name in mrcreview.__all__ if "root" in inspect.signature(getattr(mrcreview, name)).parameters]
    assert "load_outcomes" in reading and "whats_new_markdown" in reading
    assert [name for name in reading if not getattr(getattr(mrcreview, name), "recorded", False)] == []


def test_a_recorded_function_the_package_does_not_export_is_answered_again(tmp_path):
    # counts.count (the {count} role's) is not a name of the package: its note says where it lives
    from mrcreview.counts import count

    root = make_minimal(tmp_path / "project")
    calls = json.loads(json.dumps({"book/page": [noted(count, "numbers", root=root)[1]]}))
    assert not hasattr(mrcreview, "count")
    assert changed_pages(calls, root, {"book/page"}) == set()
    with open(root / "data" / "outcomes.csv", "a", encoding="utf-8") as outcomes:
        outcomes.write("alpha-extra,alpha,all,patients,,,12,,,count,,,,smith2020alpha,abstract,\n")
    assert changed_pages(calls, root, {"book/page"}) == {"book/page"}


@pytest.mark.parametrize(
    "module, name", [("os", "system"), ("mrcreview.paths", "project_root"), ("mrcreview.__main__", "main")]
)
def test_a_note_naming_anything_but_a_recorded_function_of_the_package_calls_nothing(tmp_path, module, name):
    # notes come back through a chapter's outputs: a forged one is a page to read again, never a call made
    note = {"call": name, "module": module, "args": ["touch called"], "kwargs": {}, "digest": ""}
    assert dependencies.answer(note, tmp_path).startswith("failed: LookupError")
    assert changed_pages({"book/page": [note]}, tmp_path, {"book/page"}) == {"book/page"}


@pytest.mark.parametrize("note", [{"call": "count", "module": "mrcreview.counts"}, ["count"], "count"])
def test_a_note_missing_its_parts_is_a_page_to_read_again(tmp_path, note):
    # a chapter's code can glue any JSON under the notes' MIME type
    assert changed_pages({"book/page": [note]}, tmp_path, {"book/page"}) == {"book/page"}


def test_a_glued_note_that_is_not_a_mapping_is_kept_for_changed_pages_to_refuse(tmp_path):
    glue = {f"{GLUE_KEY}0": {"data": {MIME_TYPE: "count"}}, f"{GLUE_KEY}1": {"data": {"text/plain": "x"}}}
    assert glued_calls(glue) == ["count", None]
    assert changed_pages({"book/page": glued_calls(glue)}, tmp_path, {"book/page"}) == {"book/page"}
