"""Jupyter Book's command line, with Sphinx reading pages in parallel.

`jupyter-book build` has no --jobs option, though the Sphinx call underneath it takes one;
reading a page executes its notebook, so on a cold build most of the time is spent in
kernels that can run side by side. Sphinx reads in parallel only when more than five pages
are to be read: an incremental build stays serial.

    python -m mrcreview.jupyter_book_parallel build <jupyter-book build arguments>
"""

import atexit
import functools
import logging
import os
import sys

import jupyter_book.sphinx
from jupyter_book.cli.main import main

JOBS = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)

if __name__ == "__main__":
    # jupyter_book.cli.main imports build_sphinx inside its build command, so the default set here is used
    jupyter_book.sphinx.build_sphinx = functools.partial(jupyter_book.sphinx.build_sphinx, jobs=JOBS)
    try:
        main()
    except SystemExit as done:
        status = done.code
    else:
        status = 0
    # Everything is written; tearing down the interpreter would only free memory, about half a
    # second (more at scale) of every build. Exit handlers still run and output is flushed.
    atexit._run_exitfuncs()
    logging.shutdown()
    if status is not None and not isinstance(status, int):
        print(status, file=sys.stderr)
        status = 1
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(status or 0)
