"""Charts draw with Vega libraries served by the site itself, at the versions the installed Altair
expects (the build fails when they disagree); icons are CSS and the web fonts the theme ships."""

import importlib.metadata
import json
import shutil
from pathlib import Path

from sphinx.application import Sphinx
from sphinx.errors import ExtensionError

VENDOR = Path("vendor") / "node_modules"
VEGA_FILES = {
    "vega": "build/vega.min.js",
    "vega-lite": "build/vega-lite.min.js",
    "vega-embed": "build/vega-embed.min.js",
}
# Icons as CSS plus the web fonts the theme already ships (in _static/vendor/fontawesome/webfonts),
# instead of the theme's icon script (_templates/static/webpack-macros.html drops it).
ICON_CSS = ["fontawesome.min.css", "solid.min.css", "regular.min.css"]
ICON_PACKAGE = "@fortawesome/fontawesome-free"


def vendored_versions(root: Path) -> dict[str, str]:
    versions = {}
    for package in VEGA_FILES:
        manifest = root / VENDOR / package / "package.json"
        if not manifest.exists():
            raise ExtensionError(
                f"{manifest}: expected the vendored {package} package; found no such file "
                "(run `make vendor`, which installs it from the npm registry)"
            )
        versions[package] = json.loads(manifest.read_text(encoding="utf-8"))["version"]
    return versions


def version_mismatches(versions: dict[str, str]) -> list[str]:
    """Compare vendored versions with what Altair's HTML output would load from a CDN."""
    import altair as alt

    wanted = {"vega": alt.VEGA_VERSION, "vega-lite": alt.VEGALITE_VERSION, "vega-embed": alt.VEGAEMBED_VERSION}
    problems = []
    for package, want in wanted.items():
        have = versions[package]
        # Altair names vega and vega-embed by major version and vega-lite exactly.
        if have.split(".")[: len(want.split("."))] != want.split("."):
            problems.append(
                f"vendor/package.json: expected {package} {want} (as altair {alt.__version__} expects); found {have}"
            )
    return problems


def add_vega(app: Sphinx) -> None:
    versions = vendored_versions(Path(app.srcdir))
    # Importing Altair to compare takes a quarter of a second: compare again only when a version
    # moved since the last build that passed (the environment keeps what it compared).
    compared = (importlib.metadata.version("altair"), versions)
    if getattr(app.env, "mrcreview_vega_compared", None) != compared:
        problems = version_mismatches(versions)
        if problems:
            raise ExtensionError("\n".join(problems))
        app.env.mrcreview_vega_compared = compared
    # the libraries load at the end of a page with a chart (_templates/layout.html), before charts.js
    for css in ICON_CSS:
        app.add_css_file(f"vendor/fontawesome/css/{css}")


def copy_vega(app: Sphinx, exception) -> None:
    if exception is not None or app.builder.format != "html":
        return
    target = Path(app.outdir) / "_static" / "vendor"
    target.mkdir(parents=True, exist_ok=True)
    for package, file in VEGA_FILES.items():
        shutil.copy2(Path(app.srcdir) / VENDOR / package / file, target / Path(file).name)
    icons = target / "fontawesome" / "css"
    icons.mkdir(parents=True, exist_ok=True)
    for css in ICON_CSS:
        shutil.copy2(Path(app.srcdir) / VENDOR / ICON_PACKAGE / "css" / css, icons / css)
