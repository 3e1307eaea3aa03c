"""Fixtures shared by the tests."""

import contextlib
import fcntl
import functools
import os
import shutil
from pathlib import Path

import pytest

from helpers import CHROMIUM, CHROMIUM_ARGS, Site, copy_project, make_minimal, run_module

# The modules that build the built project again, each test in its own copy at the one path where it
# was built (see rebuildable_project): with --dist loadscope, one worker runs them all, in turn.
REBUILDING = {
    "tests/test_build.py",
    "tests/test_incremental_build.py",
    "tests/test_interrupted_build.py",
    "tests/test_pdf.py",
}


def pytest_xdist_make_scheduler(config, log):
    if config.getvalue("dist") != "loadscope":
        return None
    from xdist.scheduler import LoadScopeScheduling

    class ModulesAndRebuilding(LoadScopeScheduling):
        """Each module to one worker whole, as loadscope does; the modules in REBUILDING count as one."""

        def _split_scope(self, nodeid: str) -> str:
            # the module, up to the first "::" (loadscope's own split, at the last one, cuts a parameter
            # id holding "::" into a scope of its own, which builds the module's fixtures a second time)
            scope = nodeid.split("::", 1)[0]
            return "rebuilding" if scope in REBUILDING else scope

    return ModulesAndRebuilding(config, log)


def pytest_collection_modifyitems(config, items):
    # The modules that rebuild the site run one after another on one worker, the longest chain of the run:
    # they start first (the Makefile turns xdist's ordering of modules by their number of tests off).
    items.sort(key=lambda item: item.nodeid.split("::", 1)[0] not in REBUILDING)


@pytest.fixture
def minimal_project(tmp_path: Path) -> Path:
    """A private copy of the minimal project, free to change."""
    return make_minimal(tmp_path / "project")


@pytest.fixture(scope="session")
def minimal(tmp_path_factory) -> Path:
    """The minimal project, shared by tests that only read it."""
    return make_minimal(tmp_path_factory.mktemp("minimal") / "project")


def session_folder(tmp_path_factory) -> Path:
    """The session's temporary folder, the same for every test worker (pytest-xdist gives each a folder in it)."""
    base = tmp_path_factory.getbasetemp()
    return base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base


@contextlib.contextmanager
def locked(path: Path):
    """Hold an exclusive lock on path, across test workers."""
    with open(path, "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        yield


@pytest.fixture(scope="session")
def built_project(tmp_path_factory) -> Path:
    """A copy of the project built once for the whole session, by the first worker that asks; the others wait
    for it. Read it, never change it."""
    folder = session_folder(tmp_path_factory)
    built, failed = folder / "built" / "project", folder / "built.failed"
    with locked(folder / "built.lock"):
        if failed.exists():
            pytest.fail(failed.read_text())
        if not built.exists():
            # with the git history: CI publishes this build, whose living status says when the data were edited
            project = copy_project(folder / "rebuildable" / "project", history=True)
            result = run_module("build", cwd=project)
            if result.returncode != 0:
                failed.write_text(f"the session's build failed:\n{result.stdout[-3000:]}{result.stderr[-3000:]}")
                pytest.fail(failed.read_text())
            if kept := os.environ.get("MRCREVIEW_TESTED_SITE"):  # CI publishes the site its tests ran against
                shutil.rmtree(kept, ignore_errors=True)
                shutil.copytree(project / "_build" / "html", kept)
            built.parent.mkdir()
            shutil.move(project, built)
    return built


@contextlib.contextmanager
def rebuildable_copy(built_project: Path, tmp_path_factory, module) -> Path:
    """A private copy of the built project where it was built, so that building it again is incremental.

    Sphinx keeps absolute paths in its saved state and starts afresh in a project that moved, so every such
    copy is at that one path, held by one test (or one module's fixture) at a time: the modules using it are in
    REBUILDING, which one worker runs."""
    module = Path(module.__file__).relative_to(Path(__file__).parents[1]).as_posix()
    assert module in REBUILDING, f"{module} builds the built project again: add it to REBUILDING in {__file__}"
    folder = session_folder(tmp_path_factory)
    project = folder / "rebuildable" / "project"
    with locked(folder / "rebuildable.lock"):
        shutil.rmtree(project, ignore_errors=True)
        yield shutil.copytree(built_project, project, symlinks=True)


@pytest.fixture
def rebuildable_project(built_project, tmp_path_factory, request) -> Path:
    """A rebuildable copy of the built project for one test (see rebuildable_copy)."""
    with rebuildable_copy(built_project, tmp_path_factory, request.module) as project:
        yield project


@pytest.fixture(scope="module")
def rebuildable(built_project, tmp_path_factory, request):
    """For a module-scoped fixture that builds once: `with rebuildable() as project:` holds a rebuildable copy
    of the built project for the with block alone (see rebuildable_copy)."""
    return functools.partial(rebuildable_copy, built_project, tmp_path_factory, request.module)


@pytest.fixture(scope="module")
def site(built_project):
    """The session's built site, served on localhost: its folder and its address."""
    served = Site(built_project / "_build" / "html")
    yield built_project / "_build" / "html", served.url
    served.close()


@pytest.fixture(scope="module")
def browser():
    """Debian's Chromium, headless and offline, driven by Playwright (never a downloaded browser)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()
