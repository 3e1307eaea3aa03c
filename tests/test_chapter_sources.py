"""Sentences that give a number say where it was seen when that is not the work they cite (Methods)."""

import re

import mrcreview
from helpers import ROOT
from mrcreview.paths import chapter_files

NUMBER = re.compile(r"\{n\}`([^`]+)`")


def test_a_number_seen_only_in_an_abstract_is_said_to_come_from_it_in_its_sentence():
    # Such a row keeps the key of the published report (no citable record of the abstract was
    # found), so only the sentence, one per line, can tell the reader the figure is the abstract's.
    outcomes = mrcreview.load_outcomes(root=ROOT)
    from_abstract = set(
        outcomes.loc[
            outcomes["source_location"].str.contains("abstract")
            & outcomes["source_location"].str.contains("not the cited paper"),
            "outcome_id",
        ]
    )
    placed = 0
    for chapter in chapter_files(ROOT):
        for number, line in enumerate(chapter.read_text(encoding="utf-8").splitlines(), start=1):
            for outcome_id in NUMBER.findall(line):
                if outcome_id.strip() in from_abstract:
                    assert "abstract" in line, (
                        f"{chapter.name}:{number}: {outcome_id} is not said to come from an abstract"
                    )
                    placed += 1
    assert placed >= 4  # OPERA's three numbers and the dostarlimab rate
