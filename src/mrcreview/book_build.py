"""Jupyter Book's build, with Sphinx reading pages on every core.

`jupyter-book build` has no --jobs option, though `jupyter_book.sphinx.build_sphinx`, the function it
calls, takes one. Reading a chapter executes it, so a cold build spends most of its time in kernels
that can run side by side: on 2 cores, 27 s instead of 53 s (bench/README.md). This module calls
build_sphinx with the arguments `jupyter-book build <root> --path-output <work> -W -n --keep-going`
gives it, and `jobs`; Sphinx reads in parallel when more than five pages are to be read.

    python -m mrcreview.book_build <root> <work> [builder]
"""

import os
import sys
import traceback
from pathlib import Path

from mrcreview.kernel_transport import use_ipc_kernels


def build(root: Path, work: Path, builder: str = "html") -> int:
    from jupyter_book.sphinx import build_sphinx

    use_ipc_kernels()
    jobs = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    result = build_sphinx(
        str(root),
        str(work / "_build" / builder),
        noconfig=True,
        path_config=str(root / "_config.yml"),
        confoverrides={
            "external_toc_path": (root / "_toc.yml").as_posix(),
            "latex_individualpages": False,
            "nitpicky": True,
        },
        builder=builder,
        warningiserror=True,
        keep_going=True,
        jobs=jobs,
    )
    if isinstance(result, Exception):  # build_sphinx returns what stopped Sphinx rather than raising it
        traceback.print_exception(result)
        return 1
    return result


if __name__ == "__main__":
    root, work, *builder = sys.argv[1:]
    sys.exit(build(Path(root).resolve(), Path(work).resolve(), *builder))
