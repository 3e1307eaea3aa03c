"""The comment on a pull request shows the run's data as literal text: whatever a fork's run writes, GitHub
finds in it no mention, no issue or pull request reference, no link, image or HTML, and no character that
changes how the comment reads unseen. The comment is parsed as CommonMark (GitHub's mentions, references and
autolinks act only on prose, outside code) and its prose compared with the prose of a harmless comment."""

import json
import re
import unicodedata

import markdown_it
import pytest

from mrcreview.pull_request_comment import MARKER, comment, main

PREVIEW = "https://review-org.github.io/mrcreview/pr-preview/pr-7"
RUN = "https://github.com/review-org/mrcreview/actions/runs/123456789"

# A value from the run, and how the comment must show it (inside code): written out here, by hand.
HOSTILE = [
    ("@octocat", "@octocat"),
    ("\\@octocat", "\\@octocat"),  # GitHub drops the backslash before it looks for mentions
    ("@review-org/maintainers", "@review-org/maintainers"),
    ("#1", "#1"),
    ("\\#1", "\\#1"),
    ("review-org/mrcreview#1", "review-org/mrcreview#1"),
    ("GH-1", "GH-1"),
    ("https://evil.example/x", "https://evil.example/x"),
    ("www.evil.example", "www.evil.example"),
    ("![x](https://evil.example/x.png)", "![x](https://evil.example/x.png)"),
    ("[link](https://evil.example)", "[link](https://evil.example)"),
    ("<img src=x onerror=alert(1)>", "<img src=x onerror=alert(1)>"),
    (MARKER, MARKER),
    ("a ` b", "a ` b"),
    ("```", "```"),
    ("x``y", "x``y"),
    ("*bold* _it_ ~~gone~~ | a | b |", "*bold* _it_ ~~gone~~ | a | b |"),
    ("abc\u202edef", "abc<U+202E>def"),  # right-to-left override
    ("\u2066isolated\u2069", "<U+2066>isolated<U+2069>"),
    ("zero\u200bwidth\u200djoin\u200cer", "zero<U+200B>width<U+200D>join<U+200C>er"),
    ("\ufeffmark\u061c", "<U+FEFF>mark<U+061C>"),
    ("c1\x85\x9bx", "c1<U+0085><U+009B>x"),
    ("nul\x00esc\x1b[31m", "nul<U+0000>esc<U+001B>[31m"),
    ("line\nbreak\r", "line<U+000A>break<U+000D>"),
    ("tag\U000e0041", "tag<U+E0041>"),
    ("soft\u00adhyphen", "soft<U+00AD>hyphen"),
    ("line\u2028separator", "line<U+2028>separator"),
    ("lone\ud800", "lone<U+D800>"),
    ("hangul\u3164filler", "hangul<U+3164>filler"),
]
UNSEEN = {"Cc", "Cf", "Cs", "Co", "Zl", "Zp"}


def every_field(value: str) -> dict:
    """changes.json as ci.yml writes it, every value the given one."""
    page = {"page": value, "title": value}
    number = {"id": value, "outcome": value, "arm": value, "shown_in": [page]}
    return {
        "numbers_changed": [number | {"before": value, "after": value}],
        "numbers_added": [number | {"value": value}],
        "numbers_removed": [value],
        "studies_added": [value],
        "studies_removed": [value],
        "references_added": [value],
        "references_removed": [value],
        "chapters_added": [page],
        "chapters_removed": [page],
        "figures_added": [{"id": value, "title": value}],
        "figures_removed": [{"id": value, "title": value}],
        "screening": [{"record": value, "title": value, "decision": value, "reason": value}],
        "pages_affected": [page],
    }


# The places a value is shown: 5 + 4 values of numbers and the title of the chapter each is shown in, 5 entries
# of lists of texts, the titles of 2 chapters, 2 values of each of 2 figures, 4 of a screening decision, the
# title of a page affected (a page's name is only ever part of a link's address).
PLACES = 5 + 4 + 2 + 5 + 2 + 4 + 4 + 1


def pr_info(tmp_path, changes: dict | None = None, raw: bytes | None = None, check: str | None = None):
    folder = tmp_path / "pr-info"
    folder.mkdir(parents=True, exist_ok=True)
    if changes is not None or raw is not None:
        (folder / "changes.json").write_bytes(raw if raw is not None else json.dumps(changes).encode())
    if check is not None:
        (folder / "check.txt").write_text(check, encoding="utf-8", errors="surrogatepass")
    return folder


def parsed(markdown: str) -> dict:
    """The comment as CommonMark reads it: its prose, its code, its links' targets, its HTML and images."""
    found = {"prose": [], "code": [], "links": [], "html": []}
    for token in markdown_it.MarkdownIt("commonmark").parse(markdown):
        if token.type in ("fence", "code_block"):
            found["code"].append(token.content)
        elif token.type == "html_block":
            found["html"].append(token.content)
        for child in token.children or []:
            if child.type == "code_inline":
                found["code"].append(child.content)
            elif child.type == "text":
                found["prose"].append(child.content)
            elif child.type == "link_open":
                found["links"].append(child.attrs["href"])
            elif child.type in ("html_inline", "image"):
                found["html"].append(child.content)
    return found


def assert_literal(text: str, harmless: str) -> dict:
    """text has the prose, HTML and kind of links of the harmless comment, and nothing unseen."""
    found, expected = parsed(text), parsed(harmless)
    assert found["prose"] == expected["prose"]
    assert found["html"] == expected["html"] == [f"{MARKER}\n"]
    # a page of this preview, its name percent-encoded: no / ( ) space or quote to leave the page or the link
    assert all(
        re.fullmatch(re.escape(f"{PREVIEW}/book/") + r"[A-Za-z0-9%._~-]+\.html", link) for link in found["links"]
    )
    assert all(c == "\n" or unicodedata.category(c) not in UNSEEN for c in text)
    return found


@pytest.mark.parametrize("value, shown", HOSTILE)
def test_every_value_is_shown_literally_in_code(tmp_path, value, shown):
    harmless = comment(pr_info(tmp_path / "harmless", every_field("xyz")), PREVIEW, RUN)
    text = comment(pr_info(tmp_path, every_field(value)), PREVIEW, RUN)
    found = assert_literal(text, harmless)
    assert found["code"].count(shown) == PLACES, found["code"]


def test_a_lone_surrogate_in_json_is_shown_not_a_crash(tmp_path):
    raw = json.dumps(every_field("lone\ud800")).encode()  # JSON carries it as \ud800
    assert b"\\ud800" in raw
    text = comment(pr_info(tmp_path, raw=raw), PREVIEW, RUN)
    assert parsed(text)["code"].count("lone<U+D800>") == PLACES


def test_a_page_name_is_a_link_into_the_preview_only(tmp_path):
    names = ["a) [b](https://evil.example", "../../../other/pr-8/book/x"]
    changes = every_field("x") | {"pages_affected": [{"page": name, "title": "x"} for name in names]}
    links = parsed(comment(pr_info(tmp_path, changes), PREVIEW, RUN))["links"]
    assert f"{PREVIEW}/book/a%29%20%5Bb%5D%28https%3A%2F%2Fevil.example.html" in links
    assert f"{PREVIEW}/book/..%2F..%2F..%2Fother%2Fpr-8%2Fbook%2Fx.html" in links


def test_without_a_preview_pages_are_named_not_linked(tmp_path):
    text = comment(pr_info(tmp_path, every_field("@octocat")), None, RUN)
    found = parsed(text)
    assert found["links"] == [RUN] and "**No preview:**" in text
    assert found["code"].count("@octocat") == PLACES


def test_long_values_and_long_lists_are_cut_to_fit_a_comment(tmp_path):
    changes = every_field("@" + "x" * 999)
    changes["numbers_changed"] *= 100
    text = comment(pr_info(tmp_path, changes), PREVIEW, RUN)
    assert len(text) <= 65_536
    found = parsed(text)
    assert all(len(code) < 300 for code in found["code"])
    assert f"@{'x' * 199}… (1000 characters)" in found["code"]
    assert text.endswith("\n… (cut to fit a comment; the run has the whole summary)\n")


def test_a_long_list_shows_its_first_entries_and_how_many_more(tmp_path):
    changes = every_field("x") | {"studies_added": [f"study {n} @octocat" for n in range(150)]}
    text = comment(pr_info(tmp_path, changes), PREVIEW, RUN)
    found = parsed(text)
    assert found["code"].count("study 99 @octocat") == 1 and "study 100 @octocat" not in found["code"]
    assert "- … and 51 more\n" in text  # 150 added and 1 removed, 100 shown
    assert not any("octocat" in prose for prose in found["prose"])


@pytest.mark.parametrize(
    "raw, reason",
    [
        (b"@octocat not json", "changes.json is not JSON in UTF-8"),
        (b'{"x": "\xff@octocat"}', "changes.json is not JSON in UTF-8"),
        (b"[" * 100_000, "changes.json is not JSON in UTF-8"),
        (b'["@octocat"]', "changes.json is not an object with exactly the keys"),
        (
            json.dumps(every_field("@octocat") | {"extra": []}).encode(),
            "changes.json is not an object with exactly the keys",
        ),
        (
            json.dumps(every_field("@octocat") | {"studies_added": "@octocat"}).encode(),
            "changes.json: studies_added is not a list of texts",
        ),
        (
            json.dumps(every_field("@octocat") | {"pages_affected": [7]}).encode(),
            "changes.json: pages_affected is not a list of objects with page, title",
        ),
        (
            json.dumps(every_field("@octocat") | {"numbers_added": [{"id": 7}]}).encode(),
            "changes.json: numbers_added is not a list of objects with id, outcome, arm, value and shown_in (pages)",
        ),
        (
            json.dumps(
                every_field("@octocat")
                | {"numbers_added": [every_field("@octocat")["numbers_added"][0] | {"shown_in": ["@octocat"]}]}
            ).encode(),
            "changes.json: numbers_added is not a list of objects with id, outcome, arm, value and shown_in (pages)",
        ),
        (b" " * 1_000_001, "changes.json is larger than 1000000 bytes"),
    ],
)
def test_an_unreadable_summary_is_named_and_none_of_it_shown(tmp_path, raw, reason):
    text = comment(pr_info(tmp_path, raw=raw), PREVIEW, RUN)
    assert f"The run's summary could not be read ({reason}" in text
    assert "octocat" not in text


def test_the_check_messages_are_one_code_block_that_nothing_closes(tmp_path):
    messages = "data/x.csv, line 2: ```\n@octocat #1\n````\n~~~\n</pre><img src=x>\nabc\u202edef \x9b\n"
    harmless = comment(pr_info(tmp_path / "harmless", check="data/x.csv, line 2: fine\n"), PREVIEW, RUN)
    text = comment(pr_info(tmp_path, check=messages), PREVIEW, RUN)
    found = assert_literal(text, harmless)
    [block] = found["code"]
    assert "@octocat #1" in block and "abc<U+202E>def <U+009B>" in block and "````" in block


def test_check_messages_too_long_for_a_comment_are_cut_and_still_one_block(tmp_path):
    text = comment(pr_info(tmp_path, check="\u202e@octocat\n" * 200_000), PREVIEW, RUN)
    assert len(text) <= 65_536
    found = parsed(text)
    [block] = found["code"]
    assert block.endswith("… (cut here; the run has all the messages)\n")
    assert not any("octocat" in prose for prose in found["prose"])


def test_only_an_https_preview_and_a_github_run_are_linked(tmp_path, capsys):
    folder = pr_info(tmp_path, every_field("x"))
    assert main([str(folder), "--preview", "javascript:alert(1)//", "--run", RUN]) == 1
    assert "a preview address is https:// and a path" in capsys.readouterr().err
    text = comment(folder, None, "javascript:alert(1)")
    assert parsed(text)["links"] == [] and "see its run" in text
