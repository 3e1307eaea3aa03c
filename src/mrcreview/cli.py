"""Command line: `python -m mrcreview check`, `build`, `pdf` and `release`."""

import argparse
import os
import sys
from pathlib import Path

from mrcreview.paths import project_root


def run_check(root: Path, stopped: str = "fix them and run make check again") -> int:
    """The data check; stopped says what a failed check stops (the build, say) and what to do."""
    from mrcreview.validation import check_project

    problems = check_project(root)
    for problem in problems:
        print(problem, file=sys.stderr)
        if os.environ.get("GITHUB_ACTIONS") == "true":  # an annotation on the pull request's changed line
            print(problem.github_annotation())
    if problems:
        count = f"{len(problems)} problem{'s' * (len(problems) != 1)}"
        print(f"check failed: {count}; {stopped}.", file=sys.stderr)
        return 1
    print("check: data/, refs.bib, CITATION.cff, releases/ and the chapters are consistent.")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m mrcreview", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("check", help="validate data/, refs.bib, CITATION.cff, releases/ and the chapters")
    build = sub.add_parser("build", help="check, then build the site into _build/html")
    build.add_argument("--output", type=Path, default=None, help="where the site goes (default _build/html)")
    pdf = sub.add_parser("pdf", help="check, then print the whole book to _build/book.pdf (needs Chromium)")
    pdf.add_argument("--output", type=Path, default=None, help="where the PDF goes (default _build/book.pdf)")
    sub.add_parser("refresh", help="re-check trial registries and re-run the literature search (needs the network)")
    summary = sub.add_parser("summary", help="what the working data changes against a git commit, as JSON")
    summary.add_argument("--base", required=True, help="the commit to compare with, e.g. the pull request's base")
    summary.add_argument("--markdown", action="store_true", help="as the pull request's comment shows it")
    # the version is read from the environment variable VERSION, where `make release VERSION=x.y.z` puts it
    sub.add_parser("release", help="record, commit and tag the release VERSION=x.y.z (make release VERSION=x.y.z)")
    args = parser.parse_args(argv)
    try:
        root = project_root()
    except FileNotFoundError as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    if args.command == "check":
        return run_check(root)
    if args.command == "refresh":
        from mrcreview.surveillance import ServiceFailed, refresh

        if status := run_check(root, "fix them and run make refresh again; nothing was fetched"):
            return status
        try:
            print(refresh(root))
        except ServiceFailed as failed:
            print(f"refresh: {failed}; nothing in data/ was changed.", file=sys.stderr)
            return 1
        except OSError as err:
            print(
                f"refresh: cannot write {err.filename or 'data/'}: {err.strerror or err}; nothing was changed.",
                file=sys.stderr,
            )
            return 1
        return 0
    if args.command == "summary":  # data for the pull request's comment (mrcreview.pull_request_comment)
        from mrcreview.pull_request_summary import summary

        return summary(root, args.base, args.markdown)
    if args.command == "release":
        from mrcreview.release import ReleaseRefused, release

        try:
            print(release(root, os.environ.get("VERSION", "")))
        except ReleaseRefused as refused:
            print(f"release: {refused}; nothing was changed.", file=sys.stderr)
            return 1
        return 0
    target = "book" if args.command == "build" else "pdf"
    if status := run_check(root, f"fix them and run make {target} again; nothing was built"):
        return status
    if args.command == "build":
        from mrcreview.site import build_site

        return build_site(root, args.output)
    from mrcreview.pdf import build_pdf

    return build_pdf(root, args.output)
