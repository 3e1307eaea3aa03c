"""Tables are generated from data, cite their sources, and never let data inject markup."""

import mrcreview
from helpers import MINIMAL
from mrcreview.markdown import md_escape

HOSTILE = [
    "<script>alert(1)</script>",
    '<img src=x onerror="alert(1)">',
    "{cite:p}`smith2020alpha`",
    "```{raw} html\n<b>x</b>\n```",
    "[click](javascript:alert(1))",
    "a | b",
]


def test_table_1_has_one_row_per_pathway_with_its_citation():
    pathways = mrcreview.load_clinical_pathways(MINIMAL)
    table = mrcreview.table_clinical_pathways(pathways).splitlines()
    assert len(table) == 2 + len(pathways)
    assert table[2].endswith("{cite:p}`smith2020alpha` |")
    assert "Step one → step two" in table[2]


def test_hostile_text_is_escaped():
    for text in HOSTILE:
        escaped = md_escape(text)
        # no unescaped markup character survives
        for ch in "<>`{}[]()|":
            assert all(escaped[i - 1] == "\\" for i, c in enumerate(escaped) if c == ch), (text, escaped)
        assert "\n" not in escaped


def test_hostile_cells_cannot_add_columns_or_roles():
    pathways = mrcreview.load_clinical_pathways(MINIMAL).copy()
    pathways.loc[0, "strategy"] = HOSTILE[0] + HOSTILE[2] + HOSTILE[5]
    row = mrcreview.table_clinical_pathways(pathways).splitlines()[2]
    assert row.count("{cite:p}`") == 1  # only the generated citation
    assert row.count(" | ") == 5  # six cells, as the header says


def test_numbers_table_lists_value_and_fraction():
    outcomes = mrcreview.load_outcomes(MINIMAL)
    table = mrcreview.table_numbers(outcomes[outcomes["outcome_id"] == "alpha-response"])
    assert "{ref}`25% <ev-alpha-response>`" in table  # the value links to its register entry
    assert r"10\/40" in table  # escaped, rendered as 10/40
