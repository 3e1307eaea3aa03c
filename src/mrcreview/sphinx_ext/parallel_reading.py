"""Pages read in parallel despite two extensions Jupyter Book loads.

sphinx_multitoc_numbering and sphinx_jupyterbook_latex leave parallel reading undeclared, so
Sphinx would read every page serially (a cold build took 53 s serially, 27 s in parallel on two
cores), and with -W the build fails on Sphinx's warning that it does. Neither keeps state while
pages are read: multitoc numbering renumbers sections after reading, and the LaTeX one acts only in
LaTeX builds, so the parallel site is identical to the serial one. Both are declared safe here
(private_api.declare_parallel_read_safe).
"""

from sphinx.application import Sphinx

from mrcreview.sphinx_ext import private_api

READ_SAFE_UNDECLARED = ("sphinx_multitoc_numbering", "sphinx_jupyterbook_latex")


def declare_read_safe(app: Sphinx) -> None:
    for name in READ_SAFE_UNDECLARED:
        app.setup_extension(name)
        private_api.declare_parallel_read_safe(app, name)
