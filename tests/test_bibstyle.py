"""The bibliography style reuses what the last build formatted, for references that did not change."""

import pickle

import pytest
from pybtex.database import parse_string
from pybtex.style.formatting.plain import Style as PlainStyle

from mrcreview import bibstyle

BIB = "@article{smith2020, author={Smith, Ann and Jones, Ben}, title={%s}, journal={J}, year={2020}, pmid={123}}"


def formatted(title: str) -> str:
    entry = parse_string(BIB % title, "bibtex").entries["smith2020"]
    return bibstyle.ReviewStyle().format_entry("1", entry).text.render_as("text")


@pytest.fixture(autouse=True)
def fresh_build():
    bibstyle.reuse_formatted({})
    yield
    bibstyle.reuse_formatted({})


def test_a_reference_formatted_by_the_last_build_is_reused_while_unchanged(monkeypatch):
    first = formatted("First title")
    assert "Smith" in first and "First title" in first and "PMID: 123" in first
    # what the environment keeps between builds goes through pickle
    bibstyle.reuse_formatted(pickle.loads(pickle.dumps(bibstyle.formatted_in_this_build())))

    def not_again(*args, **kwargs):
        raise AssertionError("an unchanged reference was formatted again")

    with monkeypatch.context() as patch:
        patch.setattr(PlainStyle, "format_entry", not_again)
        assert formatted("First title") == first


def test_a_changed_reference_is_formatted_anew_and_the_old_one_is_not_kept():
    formatted("First title")
    bibstyle.reuse_formatted(bibstyle.formatted_in_this_build())
    assert "Second title" in formatted("Second title")
    kept = bibstyle.formatted_in_this_build()
    assert len(kept) == 1 and "Second title" in next(iter(kept.values())).text.render_as("text")


def test_after_registering_every_plugin_a_build_uses_is_found_without_scanning_packages(monkeypatch):
    import importlib.metadata

    import pybtex.plugin
    import sphinxcontrib.bibtex.plugin

    installed = importlib.metadata.entry_points()
    bibstyle.register()

    def no_scan(**criteria):
        raise AssertionError(f"a plugin lookup scanned the installed packages: {criteria}")

    monkeypatch.setattr(pybtex.plugin, "entry_points", no_scan)
    monkeypatch.setattr(sphinxcontrib.bibtex.plugin, "_entry_points", no_scan)
    assert pybtex.plugin.find_plugin("pybtex.style.formatting", bibstyle.NAME) is bibstyle.ReviewStyle
    for group in bibstyle.PYBTEX_GROUPS:
        for entry_point in installed.select(group=group):
            assert pybtex.plugin.find_plugin(group, entry_point.name) is entry_point.load()
    for group in bibstyle.BIBTEX_GROUPS:
        names = [entry_point.name for entry_point in installed.select(group=group)]
        assert names, f"no {group} plugin is installed"
        for name in names:
            assert sphinxcontrib.bibtex.plugin.find_plugin(group, name)
