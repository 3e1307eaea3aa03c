"""Make text from data safe to place in MyST Markdown.

Strings in data/ and refs.bib come from contributors' pull requests: in a table they
must show as the text they are, never run as HTML, roles or directives.
"""

import re
import string

_ESCAPED = {ord(ch): "\\" + ch for ch in string.punctuation}


def md_escape(text: str) -> str:
    """Backslash-escape every ASCII punctuation mark (CommonMark allows it for all of them)."""
    return " ".join(str(text).split()).translate(_ESCAPED)


def md_code(text: str) -> str:
    """Inline code showing text literally: the fence is longer than any run of backticks inside."""
    text = " ".join(str(text).split())
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    fence = "`" * (longest + 1)
    return f"{fence} {text} {fence}" if longest else f"{fence}{text}{fence}"


def md_cell_code(text: str) -> str:
    """Inline code in a pipe table's cell: its | escaped, else it would end the cell (shown as |)."""
    return md_code(text).replace("|", "\\|")


def md_text_and_code(text: str) -> str:
    """Text in which `backticks` mark code, as a Table Schema description may (its values are CommonMark):
    the code shown literally, in a pipe table's cell, the rest escaped. An unpaired backtick is text."""
    parts = str(text).split("`")
    if len(parts) % 2 == 0:
        return md_escape(text)
    return "".join(md_cell_code(part) if index % 2 else _escaped_with_spaces(part) for index, part in enumerate(parts))


def _escaped_with_spaces(text: str) -> str:
    """md_escape, keeping a space at either end: it separates the text from the code beside it."""
    before = " " if text[:1].isspace() else ""
    after = " " if text[-1:].isspace() and text.strip() else ""
    return before + md_escape(text) + after


def md_code_block(text: str, language: str = "") -> str:
    """A fenced code block that no line of the text can close."""
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    fence = "`" * max(3, longest + 1)
    return f"{fence}{language}\n{text}\n{fence}"


def cite(key: str) -> str:
    # Keys are checked against a strict pattern and refs.bib before any chapter runs.
    return f"{{cite:p}}`{key}`"


def markdown_table(header: list[str], rows: list[list[str]]) -> str:
    """A pipe table; cells must already be escaped or be trusted roles."""
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines)
