"""Which data each page used, recorded while the book builds, so the next build re-reads exactly
the pages whose data changed.

While Sphinx reads a page, MRCREVIEW_RECORD names a record file for it (sphinx_ext sets it, and
the page's kernel inherits it). Every function that reads the project's files for a chapter is
`@recorded`: each call from a chapter or from a {n} role appends one line, the call and a digest of
what it returned. Before the next build decides what to read, `changed_pages` makes every recorded
call again: a page whose answers differ is read, and its code run, again. Nothing is inferred from
a chapter's text, so a page depends on exactly the rows, counts and files it was given.
"""

import functools
import hashlib
import json
import os
from pathlib import Path

RECORD = "MRCREVIEW_RECORD"
_calls_open = 0  # only the outermost call is recorded: what a loader reads inside is its own business


def digest(value) -> str:
    """A digest of what a call returned: tables by their CSV text, anything else by its repr."""
    parts = value if isinstance(value, tuple) else (value,)
    text = "\0".join(part.to_csv(index=False) if hasattr(part, "to_csv") else repr(part) for part in parts)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def recorded(function):
    """Record each call of a function that reads the project's files (its `root` is not recorded:
    the next build answers for its own project)."""

    @functools.wraps(function)
    def call(*args, root: Path | None = None, **kwargs):
        global _calls_open
        _calls_open += 1
        try:
            result = function(*args, root=root, **kwargs)
        finally:
            _calls_open -= 1
        record = os.environ.get(RECORD)
        if record and _calls_open == 0:
            line = {"call": function.__name__, "args": list(args), "kwargs": kwargs, "digest": digest(result)}
            with open(record, "a", encoding="utf-8") as stream:
                stream.write(json.dumps(line, sort_keys=True, default=str) + "\n")
        return result

    call.recorded = True
    return call


def record_file(folder: Path, docname: str) -> Path:
    return folder / f"{docname}.jsonl"


def start_record(folder: Path, docname: str) -> None:
    """Called as Sphinx starts reading a page: its record begins empty."""
    path = record_file(folder, docname)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("", encoding="utf-8")
    os.environ[RECORD] = str(path)


def answer(call: dict, root: Path) -> str:
    """What a recorded call returns now; a call that fails now (a row removed) answers so."""
    import mrcreview

    function = getattr(mrcreview, call["call"]).__wrapped__
    try:
        return digest(function(*call["args"], root=root, **call["kwargs"]))
    except Exception as err:  # noqa: BLE001 - any failure means the page must be read again
        return f"failed: {err!r}"


def changed_pages(folder: Path, root: Path, docnames: set[str]) -> set[str]:
    """The pages, among docnames, whose recorded calls now answer differently."""
    answers: dict[str, str] = {}
    changed = set()
    for docname in sorted(docnames):
        path = record_file(folder, docname)
        if not path.exists():
            continue
        for line in path.read_text(encoding="utf-8").splitlines():
            call = json.loads(line)
            key = json.dumps([call["call"], call["args"], call["kwargs"]], sort_keys=True)
            if key not in answers:
                answers[key] = answer(call, root)
            if answers[key] != call["digest"]:
                changed.add(docname)
                break
    return changed
