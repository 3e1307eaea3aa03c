"""The PRISMA flow diagram draws the screening counts, and nothing else a contributor wrote."""

import re
import xml.etree.ElementTree as ElementTree

import pytest

from mrcreview.prisma import prisma_flow_svg

SVG = "{http://www.w3.org/2000/svg}"
COUNTS = {"identified": 120, "removed": 20, "screened": 80, "awaiting": 20, "excluded": 70, "included": 10}


def boxes(svg: str) -> list[str]:
    """The words of each box, in drawing order: its lines joined."""
    root = ElementTree.fromstring(svg)
    words, current = [], []
    for element in root.iter():
        if element.tag == f"{SVG}rect":
            if current:
                words.append(" ".join(current))
            current = []
        elif element.tag == f"{SVG}text":
            current.append(element.text)
    return [*words, " ".join(current)]


def test_each_stage_of_the_flow_is_a_box_with_its_count():
    drawn = boxes(prisma_flow_svg(COUNTS))
    assert drawn == [
        "Records found by the update searches (n = 120)",
        "Not screened: already cited or found before (n = 20)",
        "Records logged for screening (n = 100)",  # screened and awaiting together
        "Awaiting a decision (n = 20)",
        "Records screened (n = 80)",
        "Records excluded (reasons in the table below) (n = 70)",
        "Records included (n = 10)",
    ]


def test_the_diagram_is_an_image_with_a_name_and_a_description_in_words():
    root = ElementTree.fromstring(prisma_flow_svg(COUNTS))
    assert root.get("role") == "img"
    named_by = root.get("aria-labelledby").split()
    texts = {element.get("id"): element.text for element in root.iter() if element.get("id") in named_by}
    assert texts["prisma-title"].startswith("PRISMA 2020 flow")
    assert "120 records found" in texts["prisma-desc"] and "10 included" in texts["prisma-desc"]
    # one arrow down between stages, one to each side box
    assert len(root.findall(f".//{SVG}line")) == 6


def test_only_numbers_reach_the_drawing():
    with pytest.raises(ValueError):
        prisma_flow_svg(COUNTS | {"excluded": "<script>alert(1)</script>"})
    assert not re.search(r"<(script|foreignObject|a)\b", prisma_flow_svg(COUNTS))


def test_before_the_update_search_has_run_the_diagram_says_so_rather_than_zero():
    svg = prisma_flow_svg(dict.fromkeys(COUNTS, 0), run=False)
    root = ElementTree.fromstring(svg)
    texts = " ".join(text.text or "" for text in root.iter("{http://www.w3.org/2000/svg}text"))
    assert "(not yet run)" in texts and "Records found by the" in texts
    description = root.find("{http://www.w3.org/2000/svg}desc").text
    assert "have not run yet" in description and "0 records found" not in description
