"""Sphinx extension: every file a page is made from, or publishes, is a file of the repository.

A chapter can read a file into its page or publish one beside it in many spellings ({include} in an
{eval-rst} block, {csv-table} :file:, {literalinclude} indented or capitalised, an image, {download}),
and a chapter can itself be a symbolic link. Rather than recognise each spelling in the text, this looks,
once every page has been read, at what Sphinx recorded of each page: its source file, the files it
depends on, its images and its downloads. Each must resolve inside the project, must not be a symbolic
link, and must not lie where the repository keeps no sources of the book (.git and other dot-folders,
_build, node_modules). A violation is a warning naming the page and the file as the page wrote it (the
build runs with -W, so it fails); this reads no file, and no message repeats a file's content.
"""

import os
from pathlib import Path

from sphinx.application import Sphinx
from sphinx.util import logging

LOGGER = logging.getLogger(__name__)
# Inside the project, but not the book's sources: version control, build output, installed packages.
NOT_SOURCES = {"_build", "node_modules"}


def outside_reason(root: str, written: str) -> str | None:
    """Why the file a page names as written (relative to root, or absolute) is not one of the
    repository's, or None when it is."""
    where = os.path.join(root, written)
    if os.path.islink(where):
        return "is a symbolic link"
    real = os.path.realpath(where)
    if os.path.commonpath([root, real]) != root:
        return "resolves outside the repository"
    parts = Path(os.path.relpath(real, root)).parts
    if any(part.startswith(".") for part in parts) or NOT_SOURCES.intersection(parts):
        return "is not a source file of the book (it is under a dot-folder, _build or node_modules)"
    return None


def files_by_page(env) -> dict[str, set[str]]:
    """Every file each page depends on or publishes, as Sphinx recorded it (relative to the source
    folder, or absolute), with the page's own source file."""
    files: dict[str, set[str]] = {docname: {env.doc2path(docname)} for docname in env.found_docs}
    for docname, dependencies in env.dependencies.items():
        files.setdefault(docname, set()).update(dependencies)
    for record in (env.images, env.dlfiles):
        for written, (docnames, _) in record.items():
            for docname in docnames:
                files.setdefault(docname, set()).add(written)
    for docname, included in env.included.items():
        files.setdefault(docname, set()).update(env.doc2path(name) for name in included)
    return files


def check_confinement(app: Sphinx, env) -> None:
    # at env-updated, every page read (this build or before): not inside Sphinx's "checking consistency..."
    # progress line, which would run into the warnings' first line
    root = os.path.realpath(app.srcdir)
    for docname, files in sorted(files_by_page(env).items()):
        for written in sorted(map(str, files)):
            if reason := outside_reason(root, written):
                shown = os.path.relpath(os.path.join(root, written), root)
                LOGGER.warning(
                    "%s %s: a page may use and publish only files of the repository",
                    shown,
                    reason,
                    location=docname,
                    type="mrcreview",
                    subtype="confinement",
                )


def setup(app: Sphinx) -> dict:
    app.connect("env-updated", check_confinement)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
