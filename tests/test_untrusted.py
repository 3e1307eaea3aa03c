"""The rule for text from pull requests: messages stay short, and escaping holds wherever text is placed."""

import markdown_it
import pytest

from mrcreview.changes import how_to_cite_markdown
from mrcreview.markdown import md_code, md_code_block
from mrcreview.problems import Problem
from mrcreview.untrusted import link_problem, text_problem
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


def test_a_message_repeats_no_line_end_or_bidi_control_of_any_value():
    problem = Problem("data/outcomes.csv", 2, "out\u202ecome", "a proportion", "0.5\n::error::forged\u2066")
    message = str(problem)
    assert message.isprintable() and "\n" not in message
    assert "\\u202e" in message and "\\n::error" in message
