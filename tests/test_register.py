"""Every number in the prose traces to a row of data/outcomes.csv and to its register entry."""

import re

import mrcreview
from helpers import MINIMAL, ROOT
from mrcreview.register import numbers_used, register_markdown


def test_each_chapter_lists_its_glued_numbers_and_each_has_a_data_row():
    used = numbers_used(ROOT)
    ids = set(mrcreview.load_outcomes(ROOT)["outcome_id"])
    assert used, "no chapter places a number"
    for chapter, keys in used.items():
        assert set(keys) <= ids, (chapter, set(keys) - ids)


def test_no_number_is_typed_with_glue_text_instead_of_a_register_link():
    # {glue:text} is for counts and dates of the book itself; reported numbers go through {glue:md}
    ids = set(mrcreview.load_outcomes(ROOT)["outcome_id"])
    for chapter in (ROOT / "book").glob("*.md"):
        for key in re.findall(r"\{glue:text\}`([^`]+)`", chapter.read_text(encoding="utf-8")):
            assert key not in ids, (chapter.name, key)


def test_register_has_an_anchor_per_row_and_marks_unused_rows():
    outcomes = mrcreview.load_outcomes(MINIMAL)
    text = register_markdown(outcomes, {"chapter": ["alpha-response"]})
    assert text.count("(ev-") == len(outcomes)
    entry = text[text.index("(ev-alpha-response)=") :]
    assert entry.splitlines()[2].startswith(": **25\\%**")
    assert "{doc}`chapter`" in entry.split("(ev-")[1]
    assert "not yet used in a chapter" in text[text.index("(ev-alpha-hr)=") : text.index("(ev-alpha-response)=")]
