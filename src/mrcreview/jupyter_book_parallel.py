"""Jupyter Book's command line, with Sphinx reading pages in parallel, started ahead of time.

`jupyter-book build` has no --jobs option, though the Sphinx call underneath it takes one;
reading a page executes its notebook, so on a cold build most of the time is spent in
kernels that can run side by side. Sphinx reads in parallel only when more than five pages
are to be read: an incremental build stays serial, and when MRCREVIEW_WARM_KERNEL names the
chapters' folder, its first chapter runs on a kernel started first thing (kernels.py).

With MRCREVIEW_WAIT set, it loads its modules and then waits for the line "go" on its standard
input before it reads anything (the build checks the data meanwhile); anything else ends it. Until
then it runs on a core of its own, and the check and the kernel on the others (cores.py).

    python -m mrcreview.jupyter_book_parallel build <jupyter-book build arguments>
"""

import contextlib
import functools
import importlib
import os
import sys
from pathlib import Path

from mrcreview import cores, kernels
from mrcreview.exiting import exit_now

WAIT = "MRCREVIEW_WAIT"
GO = b"go\n"
# What Sphinx and its extensions import once told to go (measured with python -X importtime): loading
# it while waiting is most of Sphinx's start. A name missing after an upgrade only costs that time.
PRELOAD = [
    "jupyter_book.cli.main",
    "jupyter_book.sphinx",
    "jupyter_cache.executors.utils",
    "sphinx.application",
    "sphinx.builders.html",
    "sphinx.domains.c",
    "sphinx.domains.cpp",
    "sphinx.ext.doctest",
    "myst_nb.sphinx_ext",
    "sphinx_book_theme",
    "sphinx_design.extension",
    "sphinx_external_toc.parsing",
    "sphinxcontrib.bibtex",
    "latexcodec",
    "psutil",
    "mrcreview.sphinx_ext",
]


def run() -> None:
    waiting, every_core = os.environ.pop(WAIT, None), cores.usable()
    if waiting:  # while the build checks the data on the other cores (cores.py)
        cores.pin(0, cores.for_sphinx(every_core))
    if folder := os.environ.pop(kernels.ENVIRONMENT, None):
        # first, so the kernel is ready by the time Sphinx has started; beside the check, not Sphinx
        kernels.start(Path(folder), cores.for_the_rest(every_core) if waiting else set())
    for name in PRELOAD:
        with contextlib.suppress(ImportError):
            importlib.import_module(name)
    if waiting:
        if sys.stdin.buffer.readline() != GO:
            kernels.stop()
            os._exit(0)
        cores.pin(0, every_core)  # told to go: reading and writing pages may use every core
        kernels.pin_waiting(every_core)

    import jupyter_book.sphinx
    import jupyter_cache.executors.utils
    from jupyter_book.cli.main import main

    jobs = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    # jupyter_book.cli.main imports build_sphinx inside its build command, so the default set here is used
    jupyter_book.sphinx.build_sphinx = functools.partial(jupyter_book.sphinx.build_sphinx, jobs=jobs)
    # myst-nb runs each chapter through jupyter-cache's nbclient.execute; kernels.execute is that call, with
    # the warm kernel for the first chapter and each kernel stopped as soon as its chapter has run
    jupyter_cache.executors.utils.executenb = kernels.execute
    try:
        main()
    except SystemExit as done:
        exit_now(done.code)
    exit_now(0)


if __name__ == "__main__":
    run()
