"""The built site, checked file by file before it is published, and each approved page's policy.

The chapter rules (chapter_rules.py) catch mistakes early, in the words of the chapter; they cannot be
the guarantee, since a page can gain markup in many ways (a cell's output, a directive, the theme).
This reads what the build made, as a browser would read it, and holds every file to these rules:

- script runs only from files under _static/ (the theme's, the vendored libraries, the book's own
  charts.js) and searchindex.js; an inline script is one of the bodies the theme writes (THEME_SCRIPTS);
  a chart is JSON data, which charts.js draws;
- no event-handler attribute (on...=), no javascript:, vbscript: or data: address (data: only as an
  image's source), no resource loaded from outside the site;
- no iframe, frame, object, embed, base, math or form (but the theme's search box), no meta refresh
  (but the root page's redirect), no SVG with script, foreignObject or animation;
- no symbolic link, and every file one the build makes: pages, the theme's and libraries' files under
  _static/, images, downloads and sources that are files of the repository, the search index as data.

Each page and SVG file is read by page_audit.Page. Each approved page then gets a
Content-Security-Policy (approve_site) that lets its browser run only the scripts approved here: if a
rule above missed something, the reader's browser still refuses it.

An incremental build rewrites only the pages that changed. approve_site can keep, beside the site, a
record of each page it approved: the file itself (its inode and change time, which only writing it again
changes, and which no commit, checkout or copy can reproduce) and its digest. A page that is still that
file with those bytes is not read again, as long as the site has the same files (a page's verdict depends
on which files its addresses name) and this module and page_audit.py are the same. Every other file is
checked on every build.
"""

import base64
import functools
import hashlib
import importlib.util
import json
import os
from pathlib import Path

from mrcreview import page_audit
from mrcreview.page_audit import Page

DOCUMENT_TYPES = {".xhtml", ".xht", ".xml", ".xsl", ".xslt", ".shtml", ".mht", ".mhtml", ".svgz", ".swf", ".htm"}
# No SVG among a page's images or downloads: opened alone, an SVG file is a document that can run script
# and carries no policy of its own. The book's figures are drawn in the page; none is an SVG file.
IMAGE_TYPES = {".png", ".jpg", ".jpeg", ".gif", ".webp"}
# Files a browser runs as script: only the configuration's, in _static/, and the search index. The pages'
# policy allows script from the site ('self'), so a script file anywhere else would be allowed to run.
SCRIPT_TYPES = {".js", ".mjs", ".cjs", ".wasm"}
THEMES = ("pydata_sphinx_theme", "sphinx_book_theme")


def script_hash(body: str) -> str:
    # a browser hashes the text after turning CR LF and CR into LF
    text = body.replace("\r\n", "\n").replace("\r", "\n")
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode("ascii") + "'"


def content_security_policy(inline_scripts: list[str]) -> str:
    """What a page may run: its own files and these exact inline scripts; no plug-in, no base, no frame."""
    scripts = " ".join(["'self'", *sorted({script_hash(body) for body in inline_scripts})])
    return (
        f"default-src 'self'; script-src {scripts}; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
        "object-src 'none'; base-uri 'none'; form-action 'self'; frame-src 'none'"
    )


def theme_file(relative: str) -> Path | None:
    """The theme's own copy of a file it puts under _static/ (its templates, say), if it has one."""
    for package in THEMES:
        spec = importlib.util.find_spec(package)
        for location in (spec.submodule_search_locations or []) if spec else []:
            for static in Path(location).glob("theme/*/static"):
                if (static / relative).is_file():
                    return static / relative
    return None


def repository_files(root: Path) -> dict[int, list[Path]]:
    """The repository's files by size: all but dot-folders, build output and installed packages."""
    files: dict[int, list[Path]] = {}
    for folder, folders, names in os.walk(root):
        folders[:] = [f for f in folders if not f.startswith(".") and f not in ("_build", "node_modules")]
        for name in names:
            path = Path(folder, name)
            if not path.is_symlink() and path.is_file():
                files.setdefault(path.stat().st_size, []).append(path)
    return files


def same_bytes(path: Path, candidates: list[Path]) -> bool:
    data = path.read_bytes()
    return any(candidate.read_bytes() == data for candidate in candidates)


def search_index_problem(path: Path) -> str | None:
    """The search index is code that the theme runs: it must be Search.setIndex(<JSON>) and nothing else."""
    text = path.read_text(encoding="utf-8").strip()
    if text.startswith("Search.setIndex(") and text.endswith(")"):
        try:
            json.loads(text[len("Search.setIndex(") : -1])
            return None
        except ValueError:
            pass
    return "the search index is not Search.setIndex(<JSON data>)"


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def approval(path: Path, data: bytes) -> str:
    """What an approval records of a page: this very file (inode, change time) with these bytes."""
    status = path.stat()
    return f"{status.st_ino}:{status.st_ctime_ns}:{sha256(data)}"


def approval_context(site: Path) -> str:
    """What a page's verdict depends on besides its bytes: the audit's code and the site's files."""
    files = sorted(
        (os.path.relpath(folder, site), sorted(folders), sorted(names)) for folder, folders, names in os.walk(site)
    )
    code = Path(__file__).read_bytes() + Path(page_audit.__file__).read_bytes()
    return sha256(code + json.dumps(files).encode())


def earlier_approvals(approved: Path, context: str) -> dict[str, str]:
    """The pages an earlier approval of the site passed (name -> approval), if it was made in this context."""
    try:
        kept = json.loads(approved.read_text(encoding="utf-8"))
        return dict(kept["pages"]) if kept["context"] == context else {}
    except (OSError, ValueError, KeyError, TypeError):
        return {}


class Audit:
    def __init__(self, site: Path, root: Path | None, approved: dict[str, str] | None = None):
        self.site, self.root = site, root
        self.approved = approved or {}  # pages an earlier audit of this site approved: name -> approval()
        self.problems: list[str] = []
        self.pages: dict[str, tuple[Page, str]] = {}  # the pages read, by name: approved ones are stamped
        self.checked: list[str] = []  # every page and SVG file held to the rules, read now or approved before

    @functools.cached_property
    def repository(self) -> dict[int, list[Path]]:
        return repository_files(self.root)

    def report(self, name: str, line: int | None, text: str) -> None:
        where = f"{name}:{line}" if line else name
        chapter = self.chapter(name)
        self.problems.append(f"{where}: {text}" + (f" (the page of {chapter})" if chapter else ""))

    def chapter(self, name: str) -> str | None:
        if not (self.root and name.endswith(".html")):
            return None
        stem = name.removesuffix(".html")
        return next((stem + s for s in (".md", ".ipynb", ".rst") if (self.root / (stem + s)).is_file()), None)

    def walk(self) -> list[str]:
        for folder, folders, names in os.walk(self.site):
            for name in sorted(folders + names):
                path = Path(folder, name)
                relative = path.relative_to(self.site).as_posix()
                if path.is_symlink():
                    self.report(relative, None, "a symbolic link")
                    folders[:] = [f for f in folders if f != name]
                elif not (path.is_dir() or path.is_file()):
                    self.report(relative, None, "not a regular file")
                elif path.is_file():
                    self.check_file(relative, path)
        return self.problems

    def check_file(self, name: str, path: Path) -> None:
        parts, suffix = name.split("/"), path.suffix.lower()
        top = parts[0] if len(parts) > 1 else ""
        if suffix in DOCUMENT_TYPES:
            return self.report(name, None, "a file browsers open as a document, of a kind the build does not make")
        if suffix in SCRIPT_TYPES and top != "_static" and name != "searchindex.js":
            return self.report(name, None, "a script file outside _static/, where the build puts none")
        if suffix == ".svg" and top in ("_images", "_downloads"):
            return self.report(name, None, "an SVG file, a document browsers run, where the build makes none")
        if suffix in (".html", ".svg"):
            if top == "_static" and (theme := theme_file(name.removeprefix("_static/"))):
                if path.read_bytes() == theme.read_bytes():
                    return  # the theme's own template or icon, as it ships it
            if suffix == ".html" and top in ("_images", "_downloads", "_sources", "_static"):
                return self.report(name, None, "a page where the build makes none")
            return self.check_page(name)
        if top == "_static":
            return  # only the configuration (theme, extensions, vendored libraries) puts files here
        if name == "searchindex.js":
            if problem := search_index_problem(path):
                self.report(name, None, problem)
        elif top == "_images":
            if suffix not in IMAGE_TYPES:
                self.report(name, None, "an image of a type the build does not make")
        elif top == "_downloads":
            if self.root and not same_bytes(path, self.repository.get(path.stat().st_size, [])):
                self.report(name, None, "a download that is not a file of the repository")
        elif top == "_sources":
            source = self.root / "/".join(parts[1:]) if self.root else None
            if source and not (source.is_file() and not source.is_symlink() and same_bytes(path, [source])):
                self.report(name, None, "a page's source that is not the repository's file")
        elif name not in (".buildinfo", "objects.inv"):
            self.report(name, None, "a file the build does not make")

    def check_page(self, name: str) -> None:
        self.checked.append(name)
        data = (self.site / name).read_bytes()
        if self.approved.get(name) == approval(self.site / name, data):
            return
        try:
            text = data.decode("utf-8")  # line ends as they are: the stamp keeps them
        except UnicodeDecodeError:
            return self.report(name, None, "not UTF-8 text")
        page = Page(self.site, name, svg=name.endswith(".svg")).read(text)
        if not name.startswith("_"):
            self.pages[name] = (page, text)
        for line, text in page.problems:
            self.report(name, line, text)
        if page.policy is not None and page.policy != content_security_policy(page.inline_scripts):
            self.report(name, None, "a Content-Security-Policy other than the one its scripts call for")


def audit_site(site: Path, root: Path | None = None) -> list[str]:
    """One line per violation in the site (file, line, and the chapter that made it); none: publishable.
    With root, the project's folder, downloads and sources are also compared with the repository's files."""
    return Audit(Path(site).resolve(), Path(root).resolve() if root else None).walk()


def approve_site(site: Path, root: Path | None = None, approved: Path | None = None) -> list[str]:
    """audit_site; when it finds nothing, each page gets its policy (stamp), read once for both. approved: a
    file where the pages approved are kept between builds of this site (see the module's docstring)."""
    site = Path(site).resolve()
    context = approval_context(site)
    audit = Audit(
        site, Path(root).resolve() if root else None, earlier_approvals(approved, context) if approved else {}
    )
    if problems := audit.walk():
        return problems
    for name, (page, text) in audit.pages.items():
        stamp(audit.site / name, page, text)
    if approved:  # written whole, then moved into place: a build stopped here leaves the last one or none
        pages = {name: approval(site / name, (site / name).read_bytes()) for name in audit.checked}
        written = approved.with_name(f"{approved.name}.new")
        written.write_text(json.dumps({"context": context, "pages": pages}), encoding="utf-8")
        written.replace(approved)
    return []


def stamp(path: Path, page: Page, text: str) -> None:
    """The page's policy, first in <head> (after <meta charset>, which must stay within the first bytes):
    only the inline scripts the audit approved may run."""
    if page.insert_at is None or page.policy is not None:
        return  # no <head> (the root page's redirect), or stamped by an earlier build
    line, column = page.insert_at
    offset = sum(len(previous) + 1 for previous in text.split("\n")[: line - 1]) + column  # html.parser counts \n
    meta = f'<meta http-equiv="Content-Security-Policy" content="{content_security_policy(page.inline_scripts)}" />'
    path.write_bytes((text[:offset] + meta + text[offset:]).encode("utf-8"))
