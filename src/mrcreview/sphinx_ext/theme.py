"""The site around the pages: the package's stylesheet and icon, the root page, and the theme's
templates compiled once."""

from pathlib import Path

import jinja2
from sphinx.application import Sphinx

STATIC = Path(__file__).parent.parent / "static"


def add_static(app: Sphinx, config) -> None:
    config.html_static_path.append(str(STATIC))
    # Without an icon, every browser asks the host for /favicon.ico and logs a 404.
    config.html_favicon = str(STATIC / "favicon.svg")
    app.add_css_file("mrcreview.css")


def root_redirect(app: Sphinx, exception) -> None:
    """The site's root page, which sends the reader to the book's first page. Jupyter Book's table of
    contents writes one only where none exists, without the icon; this one names it, like every page."""
    if exception is not None or app.builder.name != "html" or app.config.root_doc == "index":
        return
    Path(app.outdir, "index.html").write_text(
        f'<meta http-equiv="Refresh" content="0; url={app.config.root_doc}.html" />\n'
        f'<link rel="icon" href="_static/{Path(app.config.html_favicon).name}" />\n',
        encoding="utf-8",
    )


def keep_compiled_templates(app: Sphinx) -> None:
    """The theme's templates, compiled once and kept beside the doctrees: each build would compile
    them again (about a quarter of a second) to render its first page. Jinja compares each
    template's source with what it compiled, so an edited template is compiled again."""
    environment = getattr(getattr(app.builder, "templates", None), "environment", None)
    if environment is not None:
        folder = Path(app.doctreedir) / "compiled-templates"
        folder.mkdir(parents=True, exist_ok=True)
        environment.bytecode_cache = jinja2.FileSystemBytecodeCache(str(folder))
