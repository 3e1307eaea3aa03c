"""Fixtures shared by the tests."""

import os
import shutil
from pathlib import Path

import pytest

from helpers import CHROMIUM, CHROMIUM_ARGS, copy_project, make_minimal, run_module


@pytest.fixture
def minimal_project(tmp_path: Path) -> Path:
    """A private copy of the minimal project, free to change."""
    return make_minimal(tmp_path / "project")


@pytest.fixture(scope="session")
def minimal(tmp_path_factory) -> Path:
    """The minimal project, shared by tests that only read it."""
    return make_minimal(tmp_path_factory.mktemp("minimal") / "project")


# The one cold build of the session. Sphinx keeps absolute paths in its saved state and starts
# afresh in a project that moved, so a test that builds again works at the path this was built at.
def _build_path(tmp_path_factory) -> Path:
    return tmp_path_factory.getbasetemp() / "rebuildable" / "project"


def keep_site(site: Path, kept: Path) -> None:
    """Copy the site to kept whole, or not at all: each test worker builds the same site, first one wins."""
    staged = kept.with_name(f"{kept.name}.{os.getpid()}")
    shutil.copytree(site, staged)
    try:
        staged.rename(kept)
    except OSError:  # another worker's copy is there
        shutil.rmtree(staged)


@pytest.fixture(scope="session")
def built_project(tmp_path_factory) -> Path:
    """A copy of the project built once per session; read it, never change it."""
    project = copy_project(_build_path(tmp_path_factory))
    result = run_module("build", cwd=project)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    if kept := os.environ.get("MRCREVIEW_TESTED_SITE"):  # CI publishes the site its tests ran against
        keep_site(project / "_build" / "html", Path(kept))
    return Path(shutil.move(project, tmp_path_factory.mktemp("built") / "project"))


@pytest.fixture
def rebuildable_project(built_project, tmp_path_factory) -> Path:
    """A private copy of the built project where it was built, so that building it again is incremental."""
    project = _build_path(tmp_path_factory)
    shutil.rmtree(project, ignore_errors=True)
    return shutil.copytree(built_project, project, symlinks=True)


@pytest.fixture(scope="module")
def browser():
    """Debian's Chromium, headless and offline, driven by Playwright (never a downloaded browser)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()
