"""One problem found in the project's inputs, told so a contributor can fix it."""

from dataclasses import dataclass

from mrcreview.untrusted import INVISIBLE, shown


@dataclass(frozen=True, order=True)
class Problem:
    file: str
    line: int | None
    field: str | None
    expected: str
    found: str
    column: int | None = None

    def __str__(self) -> str:
        where = self.file if self.line is None else f"{self.file}, line {self.line}"
        if self.column is not None:
            where += f", column {self.column}"
        if self.field:
            where += f", field '{shown(self.field)}'"
        # A bad value may be a megabyte of someone's text: repeat only its start, and every character a
        # terminal or a pull request's page would act on (a line end, a bidi control) as an escape.
        return _printable(f"{where}: expected {self.expected}; found {shown(self.found)}")

    def github_annotation(self) -> str:
        """The problem as a GitHub Actions workflow command, shown on the file and line of a pull request.
        Values are a stranger's text: escaped so that none can end the command or start another."""
        where = f"file={_property(self.file)}"
        where += f",line={self.line}" if self.line else ""
        where += f",col={self.column}" if self.column else ""
        return f"::error {where}::{_data(str(self))}"


def _printable(text: str) -> str:
    # a Hangul filler or a variation selector is printable to Python, and still drawn as nothing
    return "".join(
        c if c.isprintable() and not INVISIBLE.match(c) else c.encode("unicode_escape", "backslashreplace").decode()
        for c in text
    )


def _data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _property(text: str) -> str:
    return _data(text).replace(":", "%3A").replace(",", "%2C")
