"""Values read out of a registry's parsed JSON answer, each of the type and form asked for.

A registry's answer is a stranger's text: a value of another type, a record that is a string, a status
that is a list, is Malformed (naming where in the answer and what was expected), never a traceback.
"""

import contextlib
import re

from mrcreview.registry_client import ServiceFailed
from mrcreview.untrusted import shown, text_problem

KINDS = {str: "text", int: "a whole number", list: "a list", dict: "an object"}


class Malformed(Exception):
    """Where in an answer, and what was expected there."""


@contextlib.contextmanager
def refused_as(service: str, asked: str):
    """A malformed answer ends the refresh: one line naming the service and what was asked."""
    try:
        yield
    except Malformed as malformed:
        raise ServiceFailed(service, f"{asked}: {malformed}") from None


def at(node, path: str, kind: type, required: bool = True):
    """The value at a dotted path, of kind; None where an optional value is absent or null."""
    for key in path.split("."):
        if not isinstance(node, dict):
            raise Malformed(f"{path}: expected {KINDS[dict]} holding {key!r}, found {type(node).__name__}")
        node = node.get(key)
        if node is None:
            if required:
                raise Malformed(f"an answer without {path}")
            return None
    if not isinstance(node, kind) or isinstance(node, bool):
        raise Malformed(f"{path}: expected {KINDS[kind]}, found {type(node).__name__}")
    return node


def matching(value: str, pattern: re.Pattern, where: str, expected: str) -> str:
    """An identifier, date or code: the whole value in its documented form."""
    if not pattern.fullmatch(value):
        raise Malformed(f"{where} {shown(value)!r} is not {expected}")
    return value


def free_text(value: str, where: str, limit: int) -> str:
    """A title, name or journal: white space (line ends, tabs) run together as one space, cut at limit, held
    to the rule the check holds data to (no control character, nothing a spreadsheet would run)."""
    value = " ".join(value.split())[:limit]
    if broken := text_problem(value, limit, spreadsheet=True):
        expected, found = broken
        raise Malformed(f"{where}: expected {expected}, found {found}")
    return value
