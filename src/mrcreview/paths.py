"""Where the project's files are.

Chapters run with their own folder as working directory, tests run copies of the
project in temporary folders: the root is found from the working directory (or
MRCREVIEW_ROOT), never from where the package is installed.
"""

import os
from pathlib import Path

SOURCE_REVIEW_KEY = "ghalehtaki2025"


def project_root(start: Path | None = None) -> Path:
    if env := os.environ.get("MRCREVIEW_ROOT"):
        return Path(env).resolve()
    here = (start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        if (folder / "data").is_dir() or (folder / "_config.yml").exists():
            return folder
    raise FileNotFoundError(f"no project root (a folder with data/ or _config.yml) at or above {here}")


def data_dir(root: Path | None = None) -> Path:
    return (root or project_root()) / "data"


def chapter_files(root: Path | None = None) -> list[Path]:
    """The book's chapters: book/**/*.md, except files whose name starts with _ (the template)."""
    folder = (root or project_root()) / "book"
    return sorted(p for p in folder.rglob("*.md") if not p.name.startswith("_"))
