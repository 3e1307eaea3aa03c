"""The comment on a pull request: what it changes in the evidence, or the data check's messages.

What it shows comes from the pull request's own run (the pr-info artifact of ci.yml), which a fork's pull
request writes as it likes: it is data, read here as JSON or plain text, never pasted as Markdown. Every
value goes into a code span (the check's messages into a code block) whose fence is longer than any run of
backticks in it: GitHub shows it literally, with no mention, no reference to an issue or pull request, no
link, image or HTML (a backslash is no defence: GitHub drops it before it looks for mentions). Characters
that change how text reads without being seen (bidi overrides and isolates, zero-width and other
default-ignorable characters, C0 and C1 controls) are shown as <U+XXXX>. Every value, list and the
comment as a whole are limited in size.

Standard library only: preview.yml runs it with the runner's Python, without installing the project.
Usage: python -m mrcreview.pull_request_comment PR_INFO_FOLDER [--preview URL] [--run URL] [--from-fork] > body.md
"""

import argparse
import json
import re
import sys
import unicodedata
from pathlib import Path
from urllib.parse import quote

from mrcreview.markdown import md_code, md_code_block

MARKER = "<!-- evidence-preview -->"
MAX_INPUT = 1_000_000  # bytes of changes.json read
MAX_CHECK = 30_000  # characters of the check's messages shown
MAX_VALUE = 200  # characters of one value shown
MAX_ITEMS = 100  # entries of one list shown
MAX_PAGES_OF_A_NUMBER = 10
MAX_COMMENT = 60_000  # characters (GitHub takes 65,536)

# Default-ignorable code points (Unicode's DerivedCoreProperties), which draw nothing, with the categories
# of controls, formats (bidi among them), surrogates, private use and line or paragraph separators.
INVISIBLE = re.compile(
    "[\u00ad\u034f\u061c\u115f\u1160\u17b4\u17b5\u180b-\u180f\u200b-\u200f\u202a-\u202e\u2060-\u206f"
    "\u3164\ufe00-\ufe0f\ufeff\uffa0\ufff0-\ufff8\U0001bca0-\U0001bca3\U0001d173-\U0001d17a\U000e0000-\U000e0fff]"
)
SHOWN_AS_CODE = {"Cc", "Cf", "Cs", "Co", "Zl", "Zp"}

TEXT_LISTS = ("numbers_removed", "studies_added", "studies_removed", "references_added", "references_removed")
PAGE = ("page", "title")  # a page of the book: its name (the address) and its title (what is shown)
# Lists of objects, by the texts each object holds; a number also holds shown_in, a list of pages.
OBJECT_LISTS = {
    "numbers_changed": ("id", "outcome", "arm", "before", "after"),
    "numbers_added": ("id", "outcome", "arm", "value"),
    "chapters_added": PAGE,
    "chapters_removed": PAGE,
    "figures_added": ("id", "title"),
    "figures_removed": ("id", "title"),
    "screening": ("record", "title", "decision", "reason"),
    "pages_affected": PAGE,
}
NUMBER_LISTS = ("numbers_changed", "numbers_added")
KEYS = {*TEXT_LISTS, *OBJECT_LISTS}


class Unreadable(Exception):
    """The artifact is not what ci.yml writes: the comment says so, and shows none of it."""


def visible(text: str, keep_newlines: bool = False) -> str:
    """text with every character that could change how it reads, unseen, shown as <U+XXXX>."""

    def code_point(char: str) -> str:
        if keep_newlines and char == "\n":
            return char
        if INVISIBLE.fullmatch(char) or unicodedata.category(char) in SHOWN_AS_CODE:
            return f"<U+{ord(char):04X}>"
        return char

    return "".join(map(code_point, text))


def code(value: str) -> str:
    """One value in a code span: literal, visible, at most MAX_VALUE characters of it."""
    cut = value if len(value) <= MAX_VALUE else f"{value[:MAX_VALUE]}… ({len(value)} characters)"
    return md_code(visible(cut))


def page_link(page: dict, preview: str | None) -> str:
    """A page of the preview: its title shown as code, the address its name percent-encoded under the
    preview's (no link for a name too long, or with characters too odd, to be a page's)."""
    name = page["page"]
    if not preview or len(name) > MAX_VALUE or visible(name) != name:
        return code(page["title"])
    return f"[{code(page['title'])}]({preview}/book/{quote(name, safe='')}.html)"


def read_changes(path: Path) -> dict:
    """changes.json as ci.yml writes it (see mrcreview.pull_request_summary), checked entry by entry."""
    with path.open("rb") as file:
        raw = file.read(MAX_INPUT + 1)
    if len(raw) > MAX_INPUT:
        raise Unreadable(f"changes.json is larger than {MAX_INPUT} bytes")
    try:
        changes = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError):
        raise Unreadable("changes.json is not JSON in UTF-8") from None
    if not isinstance(changes, dict) or set(changes) != KEYS:
        raise Unreadable(f"changes.json is not an object with exactly the keys {', '.join(sorted(KEYS))}")
    for key in TEXT_LISTS:
        if not _texts(changes[key]):
            raise Unreadable(f"changes.json: {key} is not a list of texts")
    for key, fields in OBJECT_LISTS.items():
        pages = key in NUMBER_LISTS
        if (
            not _objects(changes[key], fields, pages)
            or pages
            and not all(_objects(e["shown_in"], PAGE) for e in changes[key])
        ):
            also = " and shown_in (pages)" if pages else ""
            raise Unreadable(f"changes.json: {key} is not a list of objects with {', '.join(fields)}{also}")
    return changes


def _texts(value) -> bool:
    return isinstance(value, list) and all(isinstance(item, str) for item in value)


def _objects(value, fields: tuple[str, ...], pages: bool = False) -> bool:
    """value is a list of objects, each with exactly these fields, texts (and shown_in, when pages)."""
    keys = {*fields, "shown_in"} if pages else set(fields)
    return isinstance(value, list) and all(
        isinstance(e, dict) and set(e) == keys and _texts([e[f] for f in fields]) for e in value
    )


def _at_most(lines: list[str], limit: int = MAX_ITEMS) -> list[str]:
    return lines if len(lines) <= limit else [*lines[:limit], f"- … and {len(lines) - limit} more"]


def changes_markdown(changes: dict, preview: str | None) -> list[str]:
    """The lines that list what a pull request changes in the evidence."""

    def shown_in(pages: list[str]) -> str:
        links = [page_link(name, preview) for name in pages[:MAX_PAGES_OF_A_NUMBER]]
        more = f" and {len(pages) - MAX_PAGES_OF_A_NUMBER} more" if len(pages) > MAX_PAGES_OF_A_NUMBER else ""
        return f" — shown in {', '.join(links)}{more}" if links else ""

    def number(n: dict) -> str:
        arm = f" ({code(n['arm'])})" if n["arm"] else ""
        return f"{code(n['id'])} {code(n['outcome'])}{arm}"

    numbers = [
        f"- {number(n)}: {code(n['before'])} → {code(n['after'])}{shown_in(n['shown_in'])}"
        for n in changes["numbers_changed"]
    ]
    numbers += [f"- added {number(n)}: {code(n['value'])}{shown_in(n['shown_in'])}" for n in changes["numbers_added"]]
    numbers += [f"- removed {code(key)}" for key in changes["numbers_removed"]]
    studies = [f"- added: {code(name)}" for name in changes["studies_added"]]
    studies += [f"- removed: {code(name)}" for name in changes["studies_removed"]]
    references = [f"- added: {code(key)}" for key in changes["references_added"]]
    references += [f"- removed: {code(key)}" for key in changes["references_removed"]]
    chapters = [f"- added: {page_link(page, preview)}" for page in changes["chapters_added"]]
    chapters += [f"- removed: {code(page['title'])}" for page in changes["chapters_removed"]]
    figures = [f"- added: {code(f['title'])} ({code(f['id'])})" for f in changes["figures_added"]]
    figures += [f"- removed: {code(f['title'])} ({code(f['id'])})" for f in changes["figures_removed"]]
    screening = [
        f"- {code(r['record'])} {code(r['title'])}: {code(r['decision'])}"
        + (f" ({code(r['reason'])})" if r["reason"] else "")
        for r in changes["screening"]
    ]
    pages = changes["pages_affected"]
    affected = ", ".join(page_link(page, preview) for page in pages[:MAX_ITEMS])
    affected += f" and {len(pages) - MAX_ITEMS} more" if len(pages) > MAX_ITEMS else ""
    return [
        "#### Numbers",
        *(_at_most(numbers) or ["- none changed"]),
        "",
        "#### Studies",
        *(_at_most(studies) or ["- none added or removed"]),
        "",
        "#### References",
        *(_at_most(references) or ["- none added or removed"]),
        "",
        "#### Chapters",
        *(_at_most(chapters) or ["- none added or removed"]),
        "",
        "#### Figures",
        *(_at_most(figures) or ["- none added or removed"]),
        "",
        "#### Screening decisions",
        *(_at_most(screening) or ["- none made or changed"]),
        "",
        "#### Pages affected",
        f"- {affected}" if affected else "- none",
    ]


def comment(pr_info: Path, preview: str | None, run: str, from_fork: bool = False) -> str:
    """The whole comment, from the folder of the pr-info artifact (which may be missing or anything).
    A fork's run ran the fork's own code: its site is never published at the site's address, and its
    summary is said to be its run's own report."""
    if preview and not re.fullmatch(r"https://[A-Za-z0-9.-]+(/[A-Za-z0-9._~-]+)*", preview):
        raise ValueError(f"a preview address is https:// and a path; found {preview[:80]!r}")
    see_run = f"see [the run]({run})" if re.fullmatch(r"https://github\.com/[A-Za-z0-9./_-]+", run) else "see its run"
    lines = [MARKER]
    check = pr_info / "check.txt"
    if (pr_info / "changes.json").is_file():
        if preview and not from_fork:
            lines.append(f"**Preview:** {preview}/")
        elif from_fork:
            lines.append(
                "**No preview:** this pull request comes from a fork, and a fork's site is built by its own code, so "
                f"it is not published at this site's address; the built site is the run's `site` artifact, {see_run}."
            )
        else:
            lines.append(f"**No preview:** the tests or the build failed; {see_run}.")
        heading = "What this pull request changes in the evidence"
        lines += ["", f"### {heading}, as the fork's own run reports it" if from_fork else f"### {heading}"]
        try:
            lines += changes_markdown(read_changes(pr_info / "changes.json"), None if from_fork else preview)
        except Unreadable as unreadable:
            lines.append(f"The run's summary could not be read ({unreadable}); {see_run}.")
    elif check.is_file():
        with check.open(encoding="utf-8", errors="replace") as file:
            text = visible(file.read(MAX_CHECK + 1), keep_newlines=True)
        if len(text) > MAX_CHECK:  # cut once visible, so that the block, whole, fits in the comment
            text = text[:MAX_CHECK] + "\n… (cut here; the run has all the messages)"
        lines.append("**The data check failed**, so there is no preview. Its messages (file, line, what was expected):")
        lines += ["", md_code_block(text.rstrip("\n"), "text")]
    else:
        lines.append(f"**No preview and no summary:** the run left neither; {see_run}.")
    return _within_limit("\n".join(lines) + "\n")


def _within_limit(text: str) -> str:
    """text cut at a line end to fit a comment (the check's code block alone always fits: it is never cut)."""
    if len(text) <= MAX_COMMENT:
        return text
    cut = text[: text.rfind("\n", 0, MAX_COMMENT - 100) + 1]
    return cut + "\n… (cut to fit a comment; the run has the whole summary)\n"


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m mrcreview.pull_request_comment", description=__doc__)
    parser.add_argument("pr_info", type=Path, help="the folder of the pr-info artifact")
    parser.add_argument("--preview", default="", help="the preview's address, when it was published")
    parser.add_argument("--run", default="", help="the address of the run")
    parser.add_argument("--from-fork", action="store_true", help="the pull request comes from a fork")
    args = parser.parse_args(argv)
    try:
        text = comment(args.pr_info, args.preview or None, args.run, args.from_fork)
    except (ValueError, OSError) as err:
        print(f"pull_request_comment: {err}", file=sys.stderr)
        return 1
    sys.stdout.buffer.write(text.encode("utf-8"))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
