"""Transfer size of every page of the built site, as a static host serves it gzip-compressed.

    python bench/page_weight.py [_build/html]

Counts the HTML and everything the page loads from the site: scripts, style sheets, images,
and the fonts and images those style sheets load. Target: the heaviest page at most 1 MB.
"""

import gzip
import re
import sys
from pathlib import Path
from urllib.parse import urldefrag, urlparse

LIMIT = 1_000_000
ASSET = re.compile(r'<(?:script|img)[^>]+src="([^"]+)"|<link[^>]+href="([^"]+)"[^>]*>')
CSS_URL = re.compile(r"url\(\s*['\"]?([^'\")]+)['\"]?\s*\)")


def gzipped(path: Path) -> int:
    return len(gzip.compress(path.read_bytes(), compresslevel=6))


def local(base: Path, ref: str, site: Path) -> Path | None:
    ref = urldefrag(ref)[0].split("?")[0]
    if not ref or urlparse(ref).scheme or ref.startswith("//"):
        return None
    path = (base / ref).resolve()
    return path if path.is_file() and site.resolve() in path.parents else None


def page_assets(page: Path, site: Path) -> set[Path]:
    html = page.read_text(encoding="utf-8")
    assets = set()
    for match in ASSET.finditer(html):
        ref = match.group(1) or match.group(2)
        tag = match.group(0)
        if match.group(2) and not re.search(r'rel="(stylesheet|preload|icon|shortcut icon)"', tag):
            continue
        if (path := local(page.parent, ref, site)) is not None:
            assets.add(path)
    for css in [a for a in assets if a.suffix == ".css"]:
        for ref in CSS_URL.findall(css.read_text(encoding="utf-8", errors="replace")):
            if (path := local(css.parent, ref, site)) is not None and path.suffix in (".woff2", ".png", ".svg"):
                assets.add(path)
    return assets


def main() -> int:
    site = Path(sys.argv[1] if len(sys.argv) > 1 else "_build/html")
    pages = sorted(p for p in site.rglob("*.html") if "_static" not in p.parts)
    if not pages:
        print(f"no pages under {site}: build the site first (make book)", file=sys.stderr)
        return 1
    rows = []
    for page in pages:
        assets = page_assets(page, site)
        rows.append((gzipped(page) + sum(gzipped(a) for a in assets), page.relative_to(site), len(assets)))
    print(f"{'gzip bytes':>12}  {'files':>5}  page")
    for size, name, count in sorted(rows, reverse=True):
        print(f"{size:>12,}  {count + 1:>5}  {name}")
    heaviest = max(rows)
    verdict = "within" if heaviest[0] <= LIMIT else "OVER"
    print(f"heaviest page: {heaviest[1]} {heaviest[0] / 1e6:.2f} MB ({verdict} the {LIMIT / 1e6:.0f} MB target)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
