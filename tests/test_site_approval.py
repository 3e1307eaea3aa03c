"""Approving the audited site: each page stamped with its policy, and the record that spares an incremental
build from reading again a page an earlier build approved."""

import base64
import hashlib
import shutil

from test_site_audit import BODY_LINE, HEAD, make_site

from mrcreview import page_audit
from mrcreview.site_audit import approve_site, audit_site


def sha256(text: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode()).digest()).decode() + "'"


def test_each_page_is_stamped_with_a_policy_allowing_exactly_its_approved_scripts(tmp_path):
    site = make_site(tmp_path / "site", "<script>let toggleHintShow = 'Click to show';</script>")
    assert approve_site(site) == []
    text = (site / "book" / "page.html").read_text()
    head = text[text.index("<head>") : text.index("<title>")].split()
    assert head[:3] == ["<head>", "<meta", 'charset="utf-8"'] and head[4] == 'http-equiv="Content-Security-Policy"'
    policy = text[text.index('content="', text.index("Content-Security-Policy")) + 9 :].split('"')[0]
    directives = dict(d.strip().split(" ", 1) for d in policy.split(";"))
    assert set(directives["script-src"].split()) == {
        "'self'",
        sha256("DOCUMENTATION_OPTIONS.pagename = 'book/page';"),
        sha256("let toggleHintShow = 'Click to show';"),
    }
    assert (directives["object-src"], directives["base-uri"]) == ("'none'", "'none'")
    assert "unsafe-eval" not in policy and "unsafe-inline" not in directives["script-src"]
    assert audit_site(site) == []  # a stamped page passes again (an incremental build keeps it)
    assert approve_site(site) == []
    assert (site / "book" / "page.html").read_text() == text  # and is not stamped twice


def test_a_policy_that_allows_more_than_the_page_needs_is_refused(tmp_path):
    site = make_site(tmp_path / "site")
    assert approve_site(site) == []
    page = site / "book" / "page.html"
    page.write_text(page.read_text().replace("script-src 'self'", "script-src 'self' 'unsafe-inline'"))
    assert audit_site(site) == ["book/page.html: a Content-Security-Policy other than the one its scripts call for"]


def test_a_site_with_a_problem_gets_no_policy(tmp_path):
    site = make_site(tmp_path / "site", "<script>window.x = 1</script>")
    before = (site / "book" / "page.html").read_text()
    assert approve_site(site) == [
        f"book/page.html:{BODY_LINE}: an inline script the build did not make: 'window.x = 1'"
    ]
    assert (site / "book" / "page.html").read_text() == before


def test_an_approved_page_is_read_again_only_when_it_or_the_files_of_the_site_change(tmp_path, monkeypatch):
    site, approved = make_site(tmp_path / "site", files={"book/other.html": "<p>Other</p>"}), tmp_path / "approved.json"
    assert approve_site(site, approved=approved) == []
    read = []
    monkeypatch.setattr(page_audit.Page, "read", lambda page, text: read.append(page.name) or page.parse(text))
    assert approve_site(site, approved=approved) == [] and read == []  # nothing changed: nothing read again
    other = site / "book" / "other.html"  # a page changed since: read again, and refused
    other.write_text(other.read_text() + "<script>window.x = 1</script>")
    refused = ["book/other.html:1: an inline script the build did not make: 'window.x = 1'"]
    assert approve_site(site, approved=approved) == refused and read == ["book/other.html"]
    # the same bytes in a site without the script file they load: read again, and refused
    other.unlink()
    (site / "_static" / "theme.js").unlink()
    script_line = HEAD.count("\n") - 2  # the line of <script src="../_static/theme.js">
    assert approve_site(site, approved=approved) == [
        f"book/page.html:{script_line}: a script from '../_static/theme.js', not one of the site's own script files"
    ]
    # a record that is not one (a build stopped while writing it, say) is no record
    approved.write_text('{"context": ')
    (site / "_static" / "theme.js").write_text("")
    read.clear()
    assert approve_site(site, approved=approved) == [] and read == ["book/page.html"]


def test_a_record_of_approvals_counts_only_for_the_files_the_build_approved(tmp_path, monkeypatch):
    """A record committed to the repository, or copied with the project, names other files: it spares nothing."""
    site, approved = make_site(tmp_path / "site"), tmp_path / "approved.json"
    assert approve_site(site, approved=approved) == []
    read = []
    monkeypatch.setattr(page_audit.Page, "read", lambda page, text: read.append(page.name) or page.parse(text))
    copy = shutil.copytree(site, tmp_path / "copy")  # the same names and bytes, other files
    assert approve_site(copy, approved=shutil.copy(approved, tmp_path / "copied.json")) == []
    assert read == ["book/page.html"]
    page = site / "book" / "page.html"
    page.write_bytes(page.read_bytes())  # the same bytes, written again
    assert approve_site(site, approved=approved) == [] and read == ["book/page.html"] * 2
