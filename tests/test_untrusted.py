"""The rule for text from pull requests: messages stay short, and escaping holds wherever text is placed."""

import csv
import json
import unicodedata

import markdown_it
import pytest

from mrcreview.citing import how_to_cite_markdown
from mrcreview.markdown import md_code, md_code_block
from mrcreview.problems import Problem
from mrcreview.untrusted import doi_problem, link_problem, pmid_problem, text_problem, version_problem
from mrcreview.validation import check_project


def test_a_megabyte_value_is_named_not_echoed(minimal_project):
    studies = minimal_project / "data" / "studies.csv"
    studies.write_text(studies.read_text().replace("Adults with a test condition", "A" * 1_000_000, 1))
    problems = [str(p) for p in check_project(minimal_project)]
    assert problems == [
        "data/studies.csv, line 2, field 'population': expected at most 300 characters; found 1000000 characters"
    ]


def test_a_long_found_value_is_cut_in_any_message():
    message = str(Problem("data/x.csv", 3, "y" * 500, "something", "z" * 10_000))
    assert len(message) < 300
    assert "(10000 characters)" in message and "(500 characters)" in message


@pytest.mark.parametrize(
    "value", ["javascript:alert(1)", "JAVASCRIPT:alert(1)", "http://example.org", "data:text/html,x", " https://x.org"]
)
def test_only_https_links_pass(value):
    assert link_problem(value) is not None


def test_an_https_link_passes():
    assert link_problem("https://doi.org/10.1016/j.ctro.2025.100976") is None


@pytest.mark.parametrize("value", ["=1+1", "+SUM(A1)", "-2+3", "@SUM(A1:A2)", "\tx"])
def test_spreadsheet_formulas_are_refused_only_where_spreadsheets_read_them(value):
    assert text_problem(value, spreadsheet=True) is not None
    assert text_problem(value.lstrip("\t"), spreadsheet=False) is None


def render(markdown: str) -> str:
    return markdown_it.MarkdownIt("commonmark").render(markdown)


def test_inline_code_shows_any_text_literally():
    for text in ["a`b", "``x``", "<img src=x onerror=alert(1)>"]:
        html = render(md_code(text))
        assert html.count("<code>") == 1 and "<img" not in html


def test_a_code_block_cannot_be_closed_from_inside():
    text = "```\n<script>alert(1)</script>\n````"
    html = render(md_code_block(text) + "\n\nafter")
    assert html.count("<pre>") == 1 and "<script>" not in html and "<p>after</p>" in html


def test_how_to_cite_escapes_every_value_from_citation_cff(minimal_project):
    cff = minimal_project / "CITATION.cff"
    cff.write_text(
        cff.read_text()
        .replace('"Test contributors"', '"```{raw} html\\n<script>alert(1)</script>\\n```"')
        .replace('"A minimal project for the tests"', '"Title {raw}`html <b>x</b>` ````"')
    )
    text = how_to_cite_markdown(root=minimal_project)
    prose, block = text.split("\n\n", 1)
    assert "{raw}" not in prose.replace("\\{raw\\}", "") and "<script>" not in prose
    html = render(block)
    assert html.count("<pre>") == 1 and "<script>" not in html


def test_a_github_annotation_cannot_be_ended_or_forged_by_a_value():
    hostile = "x%0A\n::warning file=evil::forged\r\n::set-output name=a::b"
    problem = Problem("data/outcomes.csv", 7, "outcome", "text", hostile, 3)
    line = problem.github_annotation()
    assert "\n" not in line and "\r" not in line
    assert line.startswith("::error file=data/outcomes.csv,line=7,col=3::data/outcomes.csv, line 7, column 3")
    # a workflow command starts a line: the value's "::" stay inside the message, after escaped line ends
    message = line.split("::", 2)[2]
    assert "%250A\\n::warning" in message and "\\r\\n::set-output" in message


def test_the_check_annotates_problems_on_github(minimal_project):
    from helpers import run_module

    outcomes = minimal_project / "data" / "outcomes.csv"
    outcomes.write_text(outcomes.read_text().replace(",0.25,10,40,", ",NaN,10,40,"))
    result = run_module("check", cwd=minimal_project, env={"GITHUB_ACTIONS": "true"})
    assert result.returncode == 1
    assert "::error file=data/outcomes.csv,line=2::data/outcomes.csv, line 2, field 'value'" in result.stdout


def test_json_placed_in_a_script_element_cannot_close_it():
    import json

    from mrcreview.untrusted import script_json

    value = {"title": "</script><script>alert(1)</script> & <!--", "ids": ["a-b"]}
    text = script_json(value)
    assert "<" not in text and ">" not in text and "&" not in text
    assert json.loads(text) == value


# Characters that change how a value reads without being seen (Unicode's bidi controls reorder what a reviewer
# sees of a diff, "Trojan Source"; zero-width characters make two different values look the same).
INVISIBLE = {
    "C1 control NEL": "\u0085",
    "C1 control CSI": "\u009b",
    "C1 control first": "\u0080",
    "C1 control last": "\u009f",
    "left-to-right mark": "\u200e",
    "right-to-left mark": "\u200f",
    "arabic letter mark": "\u061c",
    **{f"embedding or override {c:04X}": chr(c) for c in range(0x202A, 0x202F)},
    **{f"isolate {c:04X}": chr(c) for c in range(0x2066, 0x206A)},
    "zero-width space": "\u200b",
    "zero-width non-joiner": "\u200c",
    "zero-width joiner": "\u200d",
    "word joiner": "\u2060",
    "zero-width no-break space inside": "\ufeff",
    # each passed: drawn as nothing (Unicode's default-ignorable code points) or a format character
    "invisible plus": "\u2064",
    "function application": "\u2061",
    "soft hyphen": "\u00ad",
    "hangul filler": "\u3164",
    "variation selector": "\ufe0f",
    "mongolian vowel separator": "\u180e",
    "tag letter": "\U000e0041",
    "interlinear annotation anchor": "\ufff9",
    # and a lone surrogate, which a JSON or YAML escape writes and no page can be encoded with
    "lone surrogate": "\ud800",
}


@pytest.mark.parametrize("character", INVISIBLE.values(), ids=INVISIBLE.keys())
def test_invisible_characters_are_refused_in_text(character):
    broken = text_problem(f"overall{character} survival")
    assert broken is not None and f"U+{ord(character):04X}" in broken[1]
    # the message names the character; it never carries it to a terminal or a pull request's page
    message = str(Problem("data/outcomes.csv", 2, "outcome", *broken))
    assert character not in message
    # while text in any script, with its punctuation and a no-break space, passes
    assert text_problem("Kaplan–Meier ≥ 65 years, μ ± 2, Ångström, 日本語, no\u00a0break, a\tb") is None


def test_every_character_drawn_as_nothing_or_controlling_text_is_refused():
    """Every control, format, surrogate and separator character of the running Python's Unicode, and every
    default-ignorable one (as the pull request's comment knows them), but tab and line feed."""
    from mrcreview.pull_request_comment import INVISIBLE as DRAWN_AS_NOTHING

    kinds = {"Cc", "Cf", "Cs", "Zl", "Zp"}
    invisible = [
        chr(c)
        for c in range(0x110000)
        if (unicodedata.category(chr(c)) in kinds or DRAWN_AS_NOTHING.fullmatch(chr(c))) and chr(c) not in "\t\n"
    ]
    assert [f"U+{ord(c):04X}" for c in invisible if text_problem(f"a{c}b") is None] == []


def test_a_lone_surrogate_in_the_schema_is_refused(minimal_project):
    descriptor = minimal_project / "data" / "datapackage.json"
    descriptor.write_text(descriptor.read_text().replace('"description": "', '"description": "\\ud800', 1))
    problems = check_project(minimal_project)
    assert [(p.file, p.field) for p in problems] == [("data/datapackage.json", "description")]
    assert problems[0].found.startswith("U+D800 (a lone surrogate)")


def test_a_key_is_text_too(minimal_project):
    """A bidi control in a key of datapackage.json or CITATION.cff reorders the line a reviewer reads."""
    descriptor = minimal_project / "data" / "datapackage.json"
    descriptor.write_text(descriptor.read_text().replace('"name":', '"note\u202e": "x",\n  "name":', 1))
    cff = minimal_project / "CITATION.cff"
    cff.write_text(cff.read_text().replace("type: dataset", "type: dataset\nnote\u202e: x"))
    problems = check_project(minimal_project)
    assert sorted((p.file, p.line) for p in problems) == [("CITATION.cff", 5), ("data/datapackage.json", None)]
    assert all(p.found.startswith("U+202E (a bidi control)") for p in problems)


def test_a_message_repeats_no_line_end_or_bidi_control_of_any_value():
    problem = Problem("data/outcomes.csv", 2, "out\u202ecome", "a proportion", "0.5\n::error::forged\u2066")
    message = str(problem)
    assert message.isprintable() and "\n" not in message
    assert "\\u202e" in message and "\\n::error" in message


def identifiers_refused(project, doi: str, pmid: str) -> set[tuple[str, str]]:
    """Where the check refuses a DOI and a PMID placed in refs.bib, CITATION.cff and the screening log."""
    bib = project / "refs.bib"
    bib.write_text(
        bib.read_text().replace("doi     = {10.1000/alpha.1}", f"doi = {{{doi}}},\n  pmid = {{{pmid}}}"),
        encoding="utf-8",
    )
    cff = project / "CITATION.cff"
    cff.write_text(cff.read_text() + f"doi: {json.dumps(doi)}\n", encoding="utf-8")
    screening = project / "data" / "screening.csv"
    with open(screening, "a", newline="", encoding="utf-8") as file:
        row = ["pmid:" + pmid, pmid, doi, "A trial", "Doe J", "2025", "J Test", "other-sources", "2026-01-05"]
        csv.writer(file, lineterminator="\n").writerow([*row, "to screen", "", ""])
        csv.writer(file, lineterminator="\n").writerow(["doi:" + doi, "", "", *row[3:], "to screen", "", ""])
    return {(p.file, p.field) for p in check_project(project)}


EVERYWHERE = {
    ("refs.bib", "doi"),
    ("CITATION.cff", "doi"),
    ("data/screening.csv", "doi"),
    ("data/screening.csv", "record_id"),
}
# Each was accepted somewhere: the screening log took any DOI without a space, refs.bib and CITATION.cff
# any of more than one character, and at any length.
NOT_DOIS = {
    "script": '10.1234/"><script>alert(1)</script>',
    "single quote": "10.1234/x'onmouseover=alert(1)",
    "angle bracket": "10.1234/x<b>",
    "backslash": "10.1234/a\\url",
    "non-ascii suffix": "10.1234/caf\u00e9",
    "full-width suffix digits": "10.5281/zenodo.\uff11\uff12",
    "too long": "10.1234/" + "a" * 300,
}


@pytest.mark.parametrize("value", NOT_DOIS.values(), ids=NOT_DOIS.keys())
def test_a_doi_is_held_to_one_rule_everywhere(minimal_project, value):
    assert doi_problem(value) is not None
    assert EVERYWHERE <= identifiers_refused(minimal_project, value, "222")


# "0123" passed the screening log's pattern, "1٢٣" refs.bib's (\d takes any script's digits).
@pytest.mark.parametrize("value", ["0123", "1\u0662\u0663"])
def test_a_pmid_is_held_to_one_rule_everywhere(minimal_project, value):
    assert pmid_problem(value) is not None
    refused = identifiers_refused(minimal_project, "10.1000/alpha.1", value)
    assert {("refs.bib", "pmid"), ("data/screening.csv", "pmid"), ("data/screening.csv", "record_id")} <= refused


# Each was released, committed and tagged, or (5000 digits) a traceback.
@pytest.mark.parametrize(
    "value",
    ["\uff11.\uff12.\uff10", "0.\u0662.0", "0.01.0", "1234567.0.0", "9" * 5000 + ".0.0"],
    ids=["full-width", "arabic-indic", "leading-zero", "seven-digits", "5000-digits"],
)
def test_a_version_is_three_plain_ascii_numbers(value):
    broken = version_problem(value)
    assert broken is not None and len(broken[1]) < 200
