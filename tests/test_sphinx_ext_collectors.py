"""The extension's per-page state, on a tiny Sphinx project: what each page's kernel and roles read
comes back with the page, and a parallel build keeps exactly what a serial one does."""

import io
import re
from pathlib import Path

import pytest
from sphinx.application import Sphinx

from helpers import ROOT, make_minimal
from mrcreview.sphinx_ext.data_used import DataUsedCollector

pytestmark = pytest.mark.build  # executes notebooks

NOTEBOOK = """---
jupytext:
  text_representation:
    format_name: myst
kernelspec:
  display_name: Python 3
  language: python
  name: python3
---

# {title}

```{{code-cell}} ipython3
:tags: [remove-cell]
import mrcreview as mr
{code}
```

{prose}
"""
PAGES = {
    # a kernel's calls, from a removed cell, beside a number placed in prose
    "book/response": NOTEBOOK.format(
        title="Response", code='rows = mr.load_outcomes("alpha-response")', prose="Survival: {n}`alpha-hr`."
    ),
    # a count; glued calls are numbered per kernel, so two notebooks' calls never mix
    "book/counts": NOTEBOOK.format(title="Counts", code='count = mr.count_rows("studies")', prose="No number."),
    "book/prose": "# Prose\n\nA number only: {n}`alpha-response`.\n",
    "book/plain-a": "# Plain A\n\nNothing read.\n",
    "book/plain-b": "# Plain B\n\nNothing read.\n",
    "book/plain-c": "# Plain C\n\nNothing read.\n",
}
CONF = """
extensions = ["myst_nb", "sphinxcontrib.bibtex", "mrcreview.sphinx_ext"]
bibtex_bibfiles = ["refs.bib"]
bibtex_default_style = "mrcreview"
nb_execution_mode = "force"
exclude_patterns = ["_build", "data", "vendor"]
html_theme = "basic"
"""


def tiny_project(folder: Path) -> Path:
    project = make_minimal(folder)
    (project / "book" / "chapter.md").unlink()
    (project / "conf.py").write_text(CONF, encoding="utf-8")
    (project / "index.md").write_text("# Index\n\n```{toctree}\n" + "\n".join(PAGES) + "\n```\n", encoding="utf-8")
    for name, text in PAGES.items():
        (project / f"{name}.md").write_text(text, encoding="utf-8")
    (project / "vendor").mkdir()
    (project / "vendor" / "node_modules").symlink_to(ROOT / "vendor" / "node_modules")
    return project


def build(project: Path, out: Path, jobs: int) -> tuple[Sphinx, list[str]]:
    """Build project into out with jobs parallel readers: the app, and the pages it read."""
    warnings = io.StringIO()
    app = Sphinx(
        str(project), str(project), str(out / "html"), str(out / "doctrees"), "html",
        status=None, warning=warnings, parallel=jobs,
    )  # fmt: skip
    read: list[str] = []
    app.connect("env-before-read-docs", lambda app, env, docnames: read.extend(docnames))
    app.build()
    assert app.statuscode == 0 and "ERROR" not in warnings.getvalue(), warnings.getvalue()
    return app, sorted(read)


def calls(app: Sphinx) -> dict[str, list[tuple]]:
    kept = DataUsedCollector.calls(app.env)
    return {page: sorted((c["call"], tuple(c["args"])) for c in made) for page, made in kept.items()}


@pytest.fixture(scope="module")
def builds(tmp_path_factory):
    project = tiny_project(tmp_path_factory.mktemp("tiny") / "project")
    with pytest.MonkeyPatch.context() as environment:
        # the kernels must read this project, not the one nbval's collection names for its own kernels
        environment.delenv("MRCREVIEW_ROOT", raising=False)
        serial, _ = build(project, project / "_build" / "serial", jobs=1)
        parallel, _ = build(project, project / "_build" / "parallel", jobs=2)
        yield project, serial, parallel


def test_each_page_keeps_what_its_kernel_and_its_roles_read(builds):
    _, serial, _ = builds
    kept = calls(serial)
    assert kept["book/response"] == [
        ("evidence_summary_markdown", ("alpha-hr",)),
        ("load_outcomes", ("alpha-response",)),  # glued by the kernel: load_outcomes reads studies inside
        ("number_details", ("alpha-hr",)),
    ]
    assert kept["book/counts"] == [("count_rows", ("studies",))]
    assert kept["book/prose"] == [
        ("evidence_summary_markdown", ("alpha-response",)),
        ("number_details", ("alpha-response",)),
    ]
    assert kept["book/plain-a"] == []
    # and the kernel's glued calls leave nothing on the page
    page = (Path(serial.outdir) / "book" / "counts.html").read_text(encoding="utf-8")
    assert "count_rows" not in page and "vnd.mrcreview" not in page


def without_build_hashes(html: str) -> str:
    return re.sub(r"\?v=[0-9a-f]+", "", html)


def test_a_parallel_build_keeps_the_same_pages_state_and_site_as_a_serial_one(builds):
    _, serial, parallel = builds
    assert calls(parallel) == calls(serial)
    pages = sorted(p.relative_to(serial.outdir) for p in Path(serial.outdir).rglob("*.html"))
    assert pages == sorted(p.relative_to(parallel.outdir) for p in Path(parallel.outdir).rglob("*.html"))
    for page in pages:
        before, after = (Path(app.outdir, page).read_text(encoding="utf-8") for app in (serial, parallel))
        assert without_build_hashes(before) == without_build_hashes(after), page


def test_a_row_edit_reads_again_exactly_the_pages_that_used_the_row(builds):
    project, _, _ = builds
    out = project / "_build" / "parallel"
    outcomes = project / "data" / "outcomes.csv"
    text = outcomes.read_text(encoding="utf-8")
    assert text.count(",5 years,,0.80,") == 1 and text.count(",0.25,10,40,") == 1
    try:
        outcomes.write_text(text.replace(",5 years,,0.80,", ",5 years,,0.85,"), encoding="utf-8")  # alpha-hr
        _, read = build(project, out, jobs=2)
        assert read == ["book/response"]
        outcomes.write_text(text.replace(",0.25,10,40,", ",0.30,12,40,"), encoding="utf-8")  # alpha-response
        _, read = build(project, out, jobs=2)
        assert read == ["book/prose", "book/response"]
    finally:
        outcomes.write_text(text, encoding="utf-8")
