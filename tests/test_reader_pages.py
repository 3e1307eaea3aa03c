"""What readers see of the built site: names rather than ids or commands, a number's details beside it,
a source cited once for the sentences that rest on it."""

import csv
import html as html_text
import re
from html.parser import HTMLParser

import pytest
import yaml

from helpers import ROOT, page

pytestmark = pytest.mark.build


class VisibleText(HTMLParser):
    """A page's text as a reader can come to see it: no script, style or attribute (a number's details,
    shown when the number is tapped, count)."""

    def __init__(self):
        super().__init__()
        self.parts: list[str] = []
        self.hidden = 0

    def handle_starttag(self, tag, attrs):
        self.hidden += tag in ("script", "style")

    def handle_endtag(self, tag):
        self.hidden -= tag in ("script", "style")

    def handle_data(self, data):
        if not self.hidden:
            self.parts.append(data)


def visible_text(text: str) -> str:
    parser = VisibleText()
    parser.feed(text)
    return " ".join(parser.parts)


def contributor_pages() -> set[str]:
    """The pages of the table of contents' part "For contributors"."""
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text(encoding="utf-8"))
    (part,) = [part for part in toc["parts"] if part["caption"] == "For contributors"]
    return {chapter["file"] for chapter in part["chapters"]}


def ids_in_data() -> set[str]:
    ids = set()
    for name, column in (("outcomes", "outcome_id"), ("studies", "study_id")):
        with open(ROOT / "data" / f"{name}.csv", encoding="utf-8", newline="") as rows:
            ids |= {row[column] for row in csv.DictReader(rows)}
    return ids


def make_targets() -> list[str]:
    phony = next(line for line in (ROOT / "Makefile").read_text().splitlines() if line.startswith(".PHONY:"))
    return phony.split(":", 1)[1].split()


def test_reader_pages_show_no_data_id_and_no_command(built_project):
    site = built_project / "_build" / "html"
    contributors = contributor_pages()
    assert contributors >= {"book/references-to-identify", "book/data-appendix"}
    ids = ids_in_data()
    longest_first = sorted(ids, key=len, reverse=True)
    id_pattern = re.compile(r"(?<![\w-])(" + "|".join(map(re.escape, longest_first)) + r")(?![\w-])")
    command = re.compile(r"\bmake (" + "|".join(make_targets()) + r")\b")
    readers = [p for p in sorted(site.glob("book/*.html")) if f"book/{p.stem}" not in contributors]
    assert len(readers) > 20
    found = {}
    for path in readers:
        text = visible_text(path.read_text(encoding="utf-8"))
        if hits := sorted(set(id_pattern.findall(text)) | set(command.findall(text))):
            found[path.name] = hits[:10]
    assert found == {}


def test_contributor_pages_are_grouped_last_and_left_unnumbered():
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text(encoding="utf-8"))
    assert toc["parts"][-1]["caption"] == "For contributors" and not toc["parts"][-1]["numbered"]
    readers = {chapter["file"] for part in toc["parts"][:-1] for chapter in part["chapters"]}
    assert {"book/download", "book/how-to-cite", "book/whats-new"} <= readers


def test_a_chapters_evidence_list_names_unidentified_works_once(built_project):
    text = visible_text(page(built_project, "organ-preservation"))
    evidence = text[text.index("Evidence in this chapter") :]
    assert "not identified, n not reported" not in evidence and "Review reference" not in evidence
    assert re.search(r"not yet identified \(its references? [0-9, and]+\)", evidence)


def test_consecutive_sentences_on_one_source_show_its_citation_once(built_project):
    text = page(built_project, "organ-preservation")
    text = re.sub(r'<span class="number-details".*?</a></span></span></span>', "", text, flags=re.S)  # not prose
    paragraph = next(p for p in re.findall(r"<p>(.*?)</p>", text, re.S) if p.startswith("Bleeding, obstruction"))
    # five sentences, each on the source review in the chapter's source: one citation, after the last
    source = (ROOT / "book" / "organ-preservation.md").read_text(encoding="utf-8")
    written = source[source.index("Bleeding, obstruction") :].split("\n\n")[0]
    assert written.count("{cite:p}`ghalehtaki2025`") == 5
    assert paragraph.count('href="bibliography.html#cite-ghalehtaki2025"') == 1
    shown = html_text.unescape(re.sub(r"<[^>]+>", "", paragraph)).strip()
    assert shown.endswith("without substantial adverse effects [Ghalehtaki et al., 2025].")
    assert "Endovascular procedures such as embolisation, coiling or stenting can palliate quickly.\n" in shown


def test_a_numbers_details_give_its_n_interval_design_and_source(built_project):
    """The details of a number placed in prose come from its row and its study, read here from data/."""
    with open(ROOT / "data" / "outcomes.csv", encoding="utf-8", newline="") as rows:
        row = next(r for r in csv.DictReader(rows) if r["outcome_id"] == "cercek-ccr")
    with open(ROOT / "data" / "studies.csv", encoding="utf-8", newline="") as rows:
        study = next(r for r in csv.DictReader(rows) if r["study_id"] == row["study_id"])
    text = page(built_project, "background")
    start = text.index('class="number-details"', text.index(">100% (95% CI 74–100%)</button>") - 400)
    details = text[start : text.index("</span></span></span>", start)]
    shown = html_text.unescape(re.sub(r"<[^>]+>", " ", details))
    assert f"n/N {row['numerator']}/{row['denominator']}" in shown
    assert "95% CI 74–100%" in shown and f"Design: {study['design']}" in shown
    assert f"Study: {study['short_name']}" in shown and f"found in: {row['source_location']}" in shown
    assert f'href="bibliography.html#cite-{row["citation_key"]}"' in details
    assert 'href="evidence-register-d-g.html#ev-cercek-ccr"' in details
    # and on hover, the button's title says the same
    button = text[text.rindex("<button", 0, start) : start]
    assert f"n/N {row['numerator']}/{row['denominator']}" in html_text.unescape(button)
    assert study["design"] in html_text.unescape(button)
