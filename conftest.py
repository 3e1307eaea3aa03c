"""nbval over the chapters.

nbval collects only .ipynb files, and the chapters are MyST Markdown notebooks: each
is converted with jupytext into a temporary .ipynb (outside book/, so nothing stray is
left in the Sphinx source tree) that nbval runs with --nbval-lax: every cell must run
without error.
"""

import os
from pathlib import Path

import jupytext

from mrcreview.kernel_transport import use_ipc_kernels

use_ipc_kernels()  # nbval's kernels too: immune to the TCP port race (kernel_transport.py)

ROOT = Path(__file__).resolve().parent


def pytest_collect_file(file_path: Path, parent):
    # book/_template.md is not a chapter: its placeholders are filled in when it is copied
    if file_path.suffix != ".md" or file_path.parent != ROOT / "book" or file_path.name.startswith("_"):
        return None
    notebook = jupytext.read(file_path)
    if not any(cell.cell_type == "code" for cell in notebook.cells):
        return None
    from nbval.plugin import IPyNbFile

    target = Path(parent.config._tmp_path_factory.mktemp("nbval")) / f"{file_path.stem}.ipynb"
    jupytext.write(notebook, target)
    # The kernel runs in the temporary folder: point the package at the project.
    os.environ["MRCREVIEW_ROOT"] = str(ROOT)
    return IPyNbFile.from_parent(parent, path=target)
