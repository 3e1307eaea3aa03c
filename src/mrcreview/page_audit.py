"""One page of the built site, or one SVG file, read as a browser reads it and held to the rules of
site_audit.py: its problems by line, the inline scripts it may run, and where its policy goes.

Python's html.parser reads a few constructs differently from a browser. Where it could see less markup
than a browser would, the construct itself is refused (see Page), so that what this reads is never less
than what a reader's browser runs.
"""

import json
import os
import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

# The inline scripts the theme and its extensions write (whitespace aside), besides each page's
# DOCUMENTATION_OPTIONS.pagename = '<page>'; (pydata-sphinx-theme). A new one fails the build: add it
# here once read, and the policy of each page that carries it will allow exactly that body.
THEME_SCRIPTS = {
    # pydata-sphinx-theme: the light or dark mode, before the page is drawn
    'document.documentElement.dataset.mode = localStorage.getItem("mode") || "light"; '
    'document.documentElement.dataset.theme = localStorage.getItem("theme") || "light";',
    "DOCUMENTATION_OPTIONS.search_as_you_type = false;",
    # pydata-sphinx-theme's search page
    '// Activate the search field on page load let searchInput = document.querySelector("form.bd-search input"); '
    'if (searchInput) { searchInput.focus(); searchInput.select(); console.log("[PST]: Set focus on search field."); }',
    # sphinx-togglebutton
    "let toggleHintShow = 'Click to show';",
    "let toggleHintHide = 'Click to hide';",
    "let toggleOpenOnPrint = 'true';",
    "var togglebuttonSelector = '.toggle, .admonition.dropdown';",
    # sphinx-book-theme's launch buttons (the book has none; Thebe is not loaded)
    "kernelName = 'python3'",
}
# Script elements of these types are data: no browser runs them.
DATA_TYPES = {"application/json", "text/x-thebe-config"}
# Raw text in a browser with scripting on: read as text up to the element's end tag.
RAW_TEXT = ("script", "style", "title", "textarea", "noscript", "xmp", "noembed", "noframes", "plaintext")
REFUSED = {
    "iframe": "an iframe",
    "frame": "a frame",
    "frameset": "a frameset",
    "object": "an object element",
    "embed": "an embed element",
    "applet": "an applet",
    "portal": "a portal",
    "fencedframe": "a fencedframe",
    "base": "a base element",
    "math": "MathML",
    "xmp": "an xmp element",
    "noembed": "a noembed element",
    "noframes": "a noframes element",
    "plaintext": "a plaintext element",
}
# Inside <svg>: the elements a chart or diagram needs; any other (an HTML element, foreignObject,
# an animation that can rewrite a link) is refused, which also keeps html.parser and the browser
# agreeing where the SVG ends.
SVG_ELEMENTS = {
    "svg", "g", "defs", "symbol", "use", "title", "desc", "metadata", "a", "path", "rect", "circle", "ellipse",
    "line", "polyline", "polygon", "text", "tspan", "textpath", "clippath", "mask", "pattern", "marker", "image",
    "lineargradient", "radialgradient", "stop", "filter", "style",
    "feblend", "fecolormatrix", "fecomposite", "feflood", "fegaussianblur", "femerge", "femergenode", "feoffset",
}  # fmt: skip
# Attributes that hold an address: a navigation (may go to https) or a resource (must stay on the site).
NAVIGATION = {"href", "action", "formaction", "xlink:href", "ping", "cite", "longdesc"}
RESOURCE = {"src", "srcset", "imagesrcset", "poster", "data", "background", "lowsrc", "dynsrc", "manifest", "codebase"}
RESOURCE_LINKS = {"link", "use", "image", "script"}  # elements whose href loads something
IMAGE_DATA = re.compile(r"data:image/(png|jpeg|gif|webp|svg\+xml)[;,]", re.I)
POLICY_META = "content-security-policy"
MARKUP = re.compile(r"<[A-Za-z/!?]")
# html.parser's patterns read every character str.isspace() knows as white space; a browser reads only tab,
# line feed, form feed, carriage return and space so. U+00A0 between an attribute's name and its "=" would
# make the parser read a quoted value where a browser reads more attributes. Each is read as U+FFFD instead,
# a character with no meaning in markup to either, of the same length (positions and lines stay).
NOT_HTML_SPACE = dict.fromkeys(
    map(
        ord,
        "\x0b\x1c\x1d\x1e\x1f\x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a"
        "\u2028\u2029\u202f\u205f\u3000",
    ),
    "\ufffd",
)
# "</" and a space: a comment up to the next ">" to a browser, an end tag to html.parser ("</ svg>" would
# leave SVG for the parser only). The build never writes it (it writes "<" in text as &lt;).
SPACED_END_TAG = re.compile(r"</[\t\n\x0c\r ]")


def address(value: str) -> tuple[str, str]:
    """(scheme, address) as a browser reads an attribute's address: it drops controls and spaces
    (so "java\\tscript:" is javascript:) and reads a backslash as a slash."""
    cleaned = re.sub(r"[\x00-\x20\x7f]", "", value).replace("\\", "/")
    scheme = re.match(r"([a-zA-Z][a-zA-Z0-9+.-]*):", cleaned)
    return (scheme.group(1).lower() if scheme else ""), cleaned


class Page(HTMLParser):
    """One HTML page or SVG file, read for the rules above: problems as (line, text), the page's
    approved inline scripts, and where in <head> its policy goes.

    Where html.parser could hide markup a browser sees, the construct is refused: a comment a browser
    ends sooner (<!-->, --!>), a CDATA section or declaration, raw text holding its own end tag, markup
    the parser gives up on, a NUL, "</" and a space; raw-text elements (title, textarea, noscript) are
    read as raw text, as in a browser, even when written self-closing, and noscript also as markup, as a
    browser with script off reads it. White space is what a browser reads as such (NOT_HTML_SPACE), and an
    attribute written twice has its first value."""

    def __init__(self, site: Path, name: str, svg: bool = False):
        super().__init__(convert_charrefs=False)  # text arrives raw: a "<" in it is unread markup
        self.site, self.name, self.svg_file = site, name, svg
        self.folder = (site / name).parent
        self.problems: list[tuple[int, str]] = []
        self.inline_scripts: list[str] = []
        self.svg_depth = 1 if svg else 0
        self.raw: tuple[str, dict, int] | None = None
        self.raw_text: list[str] = []
        self.policy: str | None = None
        self.insert_at: tuple[int, int] | None = None  # (line, column) after <head> or its <meta charset>
        self.head_elements = 0  # start tags since <head>
        self.charset_first = False

    @property
    def CDATA_CONTENT_ELEMENTS(self):  # html.parser asks after each start tag; SVG has no raw text
        return ("script",) if self.svg_depth else RAW_TEXT

    def problem(self, text: str) -> None:
        self.problems.append((self.getpos()[0], text))

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs, closed=True)
        if not self.svg_depth and tag in RAW_TEXT:  # HTML ignores the slash: raw text follows
            self.set_cdata_mode(tag)

    def end_of_tag(self) -> tuple[int, int]:
        line, column = self.getpos()
        return line, column + len(self.get_starttag_text())

    def handle_starttag(self, tag, attrs, closed=False):
        values = {}
        for attribute, value in attrs:
            values.setdefault(attribute, value)  # a browser keeps an attribute's first value, drops the others
        if tag in REFUSED:
            self.problem(REFUSED[tag])
        if self.svg_depth and tag not in SVG_ELEMENTS:
            self.problem(f"<{tag}> inside SVG")
        if tag == "svg" and not closed and not self.svg_file:
            self.svg_depth += 1
        for attribute, value in attrs:
            self.check_attribute(tag, attribute, value or "")
        if tag == "head" and self.insert_at is None:
            self.insert_at = self.end_of_tag()
        elif self.insert_at is not None:
            if self.head_elements == 0 and tag == "meta" and "charset" in values:
                self.insert_at, self.charset_first = self.end_of_tag(), True
            self.head_elements += 1
        if tag == "meta":
            self.check_meta(values)
        elif tag == "form":
            self.check_form(values)
        elif tag == "script":
            self.start_script(values)
        if tag in self.CDATA_CONTENT_ELEMENTS and not (closed and self.svg_depth):
            text_line = self.getpos()[0] + self.get_starttag_text().count("\n")  # where its text starts
            self.raw, self.raw_text = (tag, values, text_line), []

    def handle_endtag(self, tag):
        if self.svg_depth and tag not in SVG_ELEMENTS:  # a browser leaves SVG at </p> or </br>: html.parser does not
            self.problem(f"</{tag}> inside SVG")
        if tag == "svg" and self.svg_depth and not self.svg_file:
            self.svg_depth -= 1
        if self.raw and tag == self.raw[0]:
            self.end_raw("".join(self.raw_text))
            self.raw = None

    def handle_data(self, data):
        if self.raw:
            self.raw_text.append(data)
        elif MARKUP.search(data):
            self.problem(f"markup that cannot be read unambiguously: {data.strip()[:60]!r}")

    def handle_comment(self, data):
        # a browser ends <!--> and <!---> at once, and a comment at --!>: html.parser reads on
        if data.startswith((">", "->")) or "--!>" in data:
            self.problem("a comment that a browser ends sooner than it appears to end")

    def unknown_decl(self, data):
        self.problem(f"a declaration or CDATA section: <![{data[:40]}")

    def handle_decl(self, decl):
        if not (decl.lower() == "doctype html" or (self.svg_file and "[" not in decl)):
            self.problem(f"an unexpected declaration: <!{decl[:40]}>")

    def handle_pi(self, data):
        if not (self.svg_file and data.startswith("xml ")):  # an SVG file's <?xml ...?>, never a stylesheet
            self.problem(f"a processing instruction: <?{data[:40]}")

    def check_attribute(self, tag: str, attribute: str, value: str) -> None:
        if attribute.startswith("on"):
            self.problem(f"an event-handler attribute {attribute}= on <{tag}>")
            return
        if attribute == "style" and "<" in value:
            self.problem(f"markup inside a style attribute on <{tag}>")
        resource = attribute in RESOURCE or (attribute in ("href", "xlink:href") and tag in RESOURCE_LINKS)
        if not (resource or attribute in NAVIGATION):
            return
        if tag == "script" and attribute == "src":
            return  # start_script checks it is one of the site's files
        urls = [part.strip().split(" ")[0] for part in value.split(",")] if attribute.endswith("srcset") else [value]
        for url in urls:
            scheme, cleaned = address(url)
            if scheme == "data" and tag == "img" and attribute == "src" and IMAGE_DATA.match(cleaned):
                continue  # an image drawn from data: an image runs no script
            if resource and (scheme or cleaned.startswith("//")):
                self.problem(f"<{tag} {attribute}> loads {url[:60]!r} from outside the site")
            elif scheme and scheme != "https":
                self.problem(f"a {scheme}: address in <{tag} {attribute}>: {url[:60]!r}")

    def check_meta(self, values: dict) -> None:
        charset = values.get("charset") or ""
        equiv = (values.get("http-equiv") or "").strip().lower()
        if charset and charset.strip().lower() != "utf-8":
            self.problem(f"a character set other than UTF-8: {charset[:20]!r}")
        if not equiv:
            return
        if equiv == POLICY_META and self.head_elements == 1 + self.charset_first:  # first after <meta charset>
            self.policy = values.get("content") or ""
        elif equiv == "refresh" and self.name == "index.html" and self.insert_at is None:
            self.check_redirect(values.get("content") or "")
        else:
            self.problem(f'<meta http-equiv="{equiv[:40]}">')

    def check_redirect(self, content: str) -> None:
        target = re.fullmatch(r"\s*0\s*;\s*url=([^\s]+)\s*", content, re.I)
        if not (target and self.site_file(target.group(1), ".html")):
            self.problem(f"a redirect to {content[:60]!r}, not to a page of the site")

    def check_form(self, values: dict) -> None:
        action = values.get("action") or ""
        if action != "#" and self.site_file(action) != self.site / "search.html":
            self.problem(f"a form sending to {action[:60]!r} (only the theme's search box is a form)")

    def site_file(self, url: str, suffix: str = "") -> Path | None:
        """The site's file a relative address names, if it has one."""
        scheme, cleaned = address(url)
        if scheme or cleaned.startswith("/"):
            return None
        target = Path(os.path.normpath(self.folder / unquote(urlsplit(cleaned).path)))
        inside = target.is_relative_to(self.site) and target.is_file() and target.name.endswith(suffix)
        return target if inside else None

    def start_script(self, values: dict) -> None:
        if "src" not in values:
            return
        target = self.site_file(values["src"] or "")
        allowed = target and (target.is_relative_to(self.site / "_static") or target == self.site / "searchindex.js")
        if not allowed:
            self.problem(f"a script from {values['src'][:60]!r}, not one of the site's own script files")

    def end_raw(self, body: str) -> None:
        tag, values, text_line = self.raw
        if f"</{tag}" in body.lower():
            self.problem(f"<{tag}> text that holds its own end tag")
        if tag == "style" and "<" in body:
            self.problem("markup inside a style element")
        if tag in ("title", "textarea") and MARKUP.search(body):
            # a browser that ignores the element (old ones do inside <select>) reads its text as markup
            self.problem(f"markup inside a {tag} element")
        if tag == "noscript":
            # a reader's browser with script off reads it as markup: the audit reads it so too
            hidden = Page(self.site, self.name).parse(body)
            self.problems += [(text_line + line - 1, text) for line, text in hidden.problems]
        if tag != "script" or "src" in values or self.svg_depth:
            return
        kind = (values.get("type") or "").strip().lower()
        if kind in DATA_TYPES:
            if kind == "application/json":
                try:
                    json.loads(body)
                except ValueError:
                    self.problem("a JSON script element whose text is not JSON")
            return
        name = self.name.removesuffix(".html")
        own_name = (
            re.fullmatch(r"[A-Za-z0-9_./-]+", name) and body.strip() == f"DOCUMENTATION_OPTIONS.pagename = '{name}';"
        )
        if " ".join(body.split()) in THEME_SCRIPTS or own_name:
            self.inline_scripts.append(body)
        else:
            self.problem(f"an inline script the build did not make: {' '.join(body.split())[:60]!r}")

    def read(self, text: str) -> "Page":
        if "\x00" in text:
            self.problems.append((text[: text.index("\x00")].count("\n") + 1, "a NUL character"))
        for spaced in SPACED_END_TAG.finditer(text):
            self.problems.append((text.count("\n", 0, spaced.start()) + 1, '"</" and a space, a comment to a browser'))
        return self.parse(text)

    def parse(self, text: str) -> "Page":
        self.feed(text.translate(NOT_HTML_SPACE))
        self.close()
        if self.raw:
            self.problems.append((self.raw[2], f"a <{self.raw[0]}> element that never ends"))
        return self
