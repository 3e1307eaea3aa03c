"""Which data each page used, so that the next build re-reads exactly the pages whose data changed.

Every function that reads the project's files for a page is `@recorded`. Its outermost calls are
noted as a call (function, arguments, a digest of what it returned), where the page is read:

- in the page's kernel, each call is glued into the notebook's own outputs under a key of its own
  (`myst_nb.glue`, hidden): Sphinx gets them back with the executed notebook, while MyST-NB parses
  the page (sphinx_ext/data_used.py), with no environment variable and no side file;
- in Sphinx itself (a {n} role, a directive), the extension notes the call it makes (`noted`).

Before the next build decides what to read, `changed_pages` makes every noted call again: a page
whose answers differ is read, and its code run, again. Nothing is inferred from a chapter's text,
so a page depends on exactly the rows, counts and files it was given.
"""

import functools
import hashlib
import importlib
import itertools
import json
import sys
from collections.abc import Mapping
from pathlib import Path

MIME_TYPE = "application/vnd.mrcreview.call+json"
GLUE_KEY = "mrcreview-call-"
NOTE_KEYS = {"call", "module", "args", "kwargs", "digest"}
_calls_open = 0  # only the outermost call is noted: what a loader reads inside is its own business
_glued = itertools.count()  # the kernel's calls, each under a glue key of its own


def digest(value) -> str:
    """A digest of what a call returned: tables by their CSV text, anything else by its repr."""
    parts = value if isinstance(value, tuple) else (value,)
    text = "\0".join(part.to_csv(index=False) if hasattr(part, "to_csv") else repr(part) for part in parts)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def call_note(function, args: tuple, kwargs: dict, result) -> dict:
    """One call as it is kept between builds: JSON, so it passes through a notebook output. The function is
    named with its module, so that any @recorded function can be called again, exported by the package or not."""
    note = {"call": function.__name__, "module": function.__module__, "args": list(args), "kwargs": kwargs}
    return json.loads(json.dumps(note | {"digest": digest(result)}, default=str))


def noted(function, *args, root: Path, **kwargs) -> tuple[object, dict]:
    """Call a @recorded function for a page that Sphinx reads: its result, and the call's note."""
    result = function(*args, root=root, **kwargs)
    return result, call_note(function, args, kwargs, result)


class _GluedCall:
    """A call as a notebook output of its own MIME type (what myst_nb.glue stores)."""

    def __init__(self, note: dict):
        self.note = note

    def _repr_mimebundle_(self, include=None, exclude=None):  # IPython's display protocol
        return {MIME_TYPE: self.note, "text/plain": f"{self.note['call']}(...)"}


def in_a_kernel() -> bool:
    """Running in a Jupyter kernel (a chapter's code), not in Sphinx or a script."""
    ipython = sys.modules.get("IPython")
    shell = ipython.get_ipython() if ipython is not None else None
    return getattr(shell, "kernel", None) is not None


def glue_call(note: dict) -> None:
    """In a chapter's kernel: the call goes into the notebook's outputs, hidden from readers."""
    from myst_nb import glue

    glue(f"{GLUE_KEY}{next(_glued)}", _GluedCall(note), display=False)


def recorded(function):
    """Note each outermost call of a function that reads the project's files (its `root` is not
    noted: the next build answers for its own project)."""

    @functools.wraps(function)
    def call(*args, root: Path | None = None, **kwargs):
        global _calls_open
        _calls_open += 1
        try:
            result = function(*args, root=root, **kwargs)
        finally:
            _calls_open -= 1
        if _calls_open == 0 and in_a_kernel():
            glue_call(call_note(function, args, kwargs, result))
        return result

    call.recorded = True
    return call


def glued_calls(glue_data: Mapping) -> list[dict]:
    """The calls a notebook's kernel glued, in the order it made them, from MyST-NB's glue data
    (glue key -> output whose "data" maps MIME types to values)."""
    keys = [key for key in glue_data if key.startswith(GLUE_KEY) and key[len(GLUE_KEY) :].isdigit()]
    notes = [glue_data[key]["data"].get(MIME_TYPE) for key in sorted(keys, key=lambda k: int(k[len(GLUE_KEY) :]))]
    return [dict(note) if isinstance(note, dict) else note for note in notes]  # changed_pages refuses the others


def answer(call: dict, root: Path) -> str:
    """What a noted call returns now; a call that fails now (a row removed, a function renamed) answers so."""
    try:
        module = str(call["module"])
        # a note comes back through a chapter's outputs: importing mrcreview.__main__ would run the command line
        if not module.startswith("mrcreview.") or any(part.startswith("_") for part in module.split(".")):
            raise LookupError(f"{module[:80]} is not a module of the package")
        recorded_function = getattr(importlib.import_module(call["module"]), call["call"])
        if not getattr(recorded_function, "recorded", False):
            raise LookupError(f"{call['call']} is not a @recorded function")
        return digest(recorded_function.__wrapped__(*call["args"], root=root, **call["kwargs"]))
    except Exception as err:  # noqa: BLE001 - any failure means the page must be read again
        return f"failed: {err!r}"


def changed_pages(calls: Mapping[str, list[dict]], root: Path, docnames: set[str]) -> set[str]:
    """The pages, among docnames, whose noted calls now answer differently."""
    answers: dict[str, str] = {}
    changed = set()
    for docname in sorted(docnames):
        for call in calls.get(docname, []):
            if not isinstance(call, dict) or not NOTE_KEYS <= call.keys():  # a note the build did not make
                changed.add(docname)
                break
            key = json.dumps([call["module"], call["call"], call["args"], call["kwargs"]], sort_keys=True)
            if key not in answers:
                answers[key] = answer(call, root)
            if answers[key] != call["digest"]:
                changed.add(docname)
                break
    return changed
