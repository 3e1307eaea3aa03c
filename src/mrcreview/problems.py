"""One problem found in the project's inputs, told so a contributor can fix it."""

from dataclasses import dataclass

from mrcreview.untrusted import shown


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
        # A bad value may be a megabyte of someone's text: repeat only its start.
        return f"{where}: expected {self.expected}; found {shown(self.found)}"
