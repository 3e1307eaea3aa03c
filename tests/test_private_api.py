"""Every internal of another library that the book uses (sphinx_ext/private_api.py) still has the
shape the book relies on, on the pinned versions: an upgrade that changes one fails here first."""

import inspect
import io

import pybtex.plugin
import sphinxcontrib.bibtex.plugin
from myst_nb.core.execute.base import NotebookClientBase
from myst_nb.core.render import MditRenderMixin, NbElementRenderer
from myst_nb.sphinx_ import Parser as NotebookParser
from sphinx.application import Sphinx
from sphinx.builders.html._assets import _JavaScript

from mrcreview.sphinx_ext import parallel_reading, private_api


def test_myst_nb_keeps_the_notebook_client_with_its_glue_data_on_the_document_while_parsing():
    parse = inspect.getsource(NotebookParser.parse)
    assert 'document.attributes["nb_renderer"] = nb_renderer' in parse
    assert 'document.attributes.pop("nb_renderer")' in parse
    # the renderer, its markdown renderer's notebook client, and the client's glue data
    assert isinstance(NbElementRenderer.renderer, property)
    assert isinstance(MditRenderMixin.nb_client, property)
    assert isinstance(NotebookClientBase.glue_data, property)

    class Document(dict):
        pass

    assert private_api.notebook_glue_data(Document()) == {}  # a page that is no notebook


def test_a_plugin_in_pybtex_runtime_table_is_found_without_a_scan(monkeypatch):
    class Style:
        pass

    monkeypatch.setitem(private_api.pybtex_runtime_plugins(), "pybtex.style.formatting", {"probe": Style})
    monkeypatch.setattr(pybtex.plugin, "entry_points", lambda **criteria: [])
    assert pybtex.plugin.find_plugin("pybtex.style.formatting", "probe") is Style


def test_a_plugin_in_sphinxcontrib_bibtex_runtime_table_is_found_without_a_scan(monkeypatch):
    class Referencing:
        pass

    group = "sphinxcontrib.bibtex.style.referencing"
    monkeypatch.setitem(private_api.bibtex_runtime_plugins(), group, {"probe": Referencing})
    monkeypatch.setattr(sphinxcontrib.bibtex.plugin, "_entry_points", lambda **criteria: [])
    assert sphinxcontrib.bibtex.plugin.find_plugin(group, "probe") is Referencing


def test_the_two_extensions_still_leave_parallel_reading_undeclared_and_declaring_it_is_enough(tmp_path):
    (tmp_path / "conf.py").write_text(f"extensions = {list(parallel_reading.READ_SAFE_UNDECLARED)!r}\n")
    (tmp_path / "index.rst").write_text("Index\n=====\n")
    app = Sphinx(
        tmp_path, tmp_path, tmp_path / "out", tmp_path / "doctrees", "html", status=None, warning=io.StringIO()
    )
    # when an upgrade declares it, parallel_reading.py can go
    assert [app.extensions[name].parallel_read_safe for name in parallel_reading.READ_SAFE_UNDECLARED] == [None, None]
    assert not app.is_parallel_allowed("read")
    parallel_reading.declare_read_safe(app)
    assert app.is_parallel_allowed("read")


def test_sphinx_script_assets_carry_their_file_name_and_body():
    assert private_api.script_file_and_body(_JavaScript("_static/x.js", body="var a;")) == ("_static/x.js", "var a;")
    assert private_api.script_file_and_body(_JavaScript("", body="var THEBE_JS_URL")) == ("", "var THEBE_JS_URL")
    assert private_api.script_file_and_body("_static/y.js") == ("_static/y.js", "")


def test_pytest_xdist_still_groups_tests_through_the_scope_its_scheduler_splits():
    # tests/conftest.py overrides LoadScopeScheduling._split_scope to keep each module on one worker
    from xdist.scheduler import LoadScopeScheduling

    from conftest import pytest_xdist_make_scheduler

    assert "self._split_scope(" in inspect.getsource(LoadScopeScheduling)

    class Config:
        def getvalue(self, name):
            return "loadscope"

    scheduler = pytest_xdist_make_scheduler(Config(), log=None)
    assert scheduler._split_scope("tests/test_a.py::test_b[x:: y]") == "tests/test_a.py"
    assert scheduler._split_scope("tests/test_pdf.py::test_c") == "rebuilding"


def test_the_modules_that_rebuild_the_site_are_scheduled_first_in_their_order():
    # with --no-loadscope-reorder (the Makefile's), xdist hands out modules in the order of the collected items
    from types import SimpleNamespace

    from conftest import pytest_collection_modifyitems

    names = [
        "tests/test_a.py::t",
        "tests/test_pdf.py::t",
        "book/x.md::Cell 0",
        "tests/test_build.py::t",
        "tests/test_a.py::u",
    ]
    items = [SimpleNamespace(nodeid=name) for name in names]
    pytest_collection_modifyitems(None, items)
    assert [item.nodeid for item in items] == [names[1], names[3], names[0], names[2], names[4]]
