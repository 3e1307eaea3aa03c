"""Fixtures shared by the tests."""

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


@pytest.fixture(scope="module")
def built_project(tmp_path_factory) -> Path:
    """A copy of the project, built once for the tests of a module."""
    project = copy_project(tmp_path_factory.mktemp("built") / "project")
    result = run_module("build", cwd=project)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    return project


@pytest.fixture(scope="module")
def browser():
    """Debian's Chromium, headless and offline, driven by Playwright (never a downloaded browser)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()
