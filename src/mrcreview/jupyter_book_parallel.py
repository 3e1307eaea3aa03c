"""Jupyter Book's command line, with Sphinx reading pages in parallel.

`jupyter-book build` has no --jobs option, though the Sphinx call underneath it takes one;
reading a page executes its notebook, so on a cold build most of the time is spent in
kernels that can run side by side. Sphinx reads in parallel only when more than five pages
are to be read: an incremental build stays serial.

    python -m mrcreview.jupyter_book_parallel build <jupyter-book build arguments>
"""

import functools
import os

import jupyter_book.sphinx
from jupyter_book.cli.main import main

JOBS = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)

if __name__ == "__main__":
    # jupyter_book.cli.main imports build_sphinx inside its build command, so the default set here is used
    jupyter_book.sphinx.build_sphinx = functools.partial(jupyter_book.sphinx.build_sphinx, jobs=JOBS)
    main()
