"""Every use the book makes of another library's internals, each behind one accessor saying why.

No public API gives these; tests/test_private_api.py fails when an upgrade changes one of them.
Nothing else in the package reaches into Sphinx, docutils, pybtex, sphinxcontrib-bibtex, MyST-NB or
Jupyter Book beyond their public names.
"""

from collections.abc import Mapping

from sphinx.application import Sphinx


def notebook_glue_data(document) -> Mapping:
    """What the page's notebook glued (key -> output with "data" and "metadata"), while MyST-NB
    parses the page; {} for a page that is no notebook. MyST-NB keeps its element renderer on the
    document until parsing ends, and the renderer's notebook client holds the glue data: its own
    {glue} roles read it the same way (myst_nb.ext.glue.utils.retrieve_glue_data), but only by key,
    and the kernel's keys are not known in advance."""
    renderer = document.get("nb_renderer")
    return renderer.renderer.nb_client.glue_data if renderer is not None else {}


def pybtex_runtime_plugins() -> dict[str, dict[str, type]]:
    """pybtex's table of plugins registered at run time (group -> name -> class). A plugin found
    there costs a dictionary lookup; one found by scanning every installed package's entry points
    costs about 10 ms, and sphinxcontrib-bibtex looks one up for every citation. pybtex's public
    register_plugin scans them all again for each plugin it registers."""
    import pybtex.plugin

    return pybtex.plugin._RUNTIME_PLUGINS


def bibtex_runtime_plugins() -> dict[str, dict[str, type]]:
    """sphinxcontrib-bibtex's table of plugins registered at run time, for the same reason."""
    import sphinxcontrib.bibtex.plugin

    return sphinxcontrib.bibtex.plugin._runtime_plugins


def declare_parallel_read_safe(app: Sphinx, name: str) -> None:
    """Declare for an extension that does not declare it itself that its pages may be read in
    parallel (parallel_reading.py says which and why). Sphinx reads serially as soon as one loaded
    extension leaves it undeclared."""
    app.extensions[name].parallel_read_safe = True


def script_file_and_body(script) -> tuple[str, str]:
    """The file name and inline body of an entry of a page's script_files: Sphinx's private
    _JavaScript asset (a str subclass) carries them as attributes; a plain string is a file name."""
    return getattr(script, "filename", str(script)) or "", getattr(script, "attributes", {}).get("body", "")
