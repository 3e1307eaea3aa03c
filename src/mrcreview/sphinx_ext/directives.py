"""Directives that render the data as a page is read: the evidence behind a page's numbers, a
figure of data/figures.csv, What's new and its releases, the living status and the summary of findings."""

import re

from docutils import nodes
from docutils.parsers.rst import directives, roles
from docutils.statemachine import StringList
from sphinx.application import Sphinx
from sphinx.util.docutils import SphinxDirective

from mrcreview.changes import releases_listed, whats_new_markdown
from mrcreview.living_status import day, living_status_markdown
from mrcreview.loading import load_figure
from mrcreview.register import NUMBER_ROLE
from mrcreview.sphinx_ext.data_used import read
from mrcreview.sphinx_ext.roles import numbers_placed
from mrcreview.summary_of_findings import (
    certainty_status,
    summary_of_findings_markdown,
    summary_overview_markdown,
    summary_rule,
)
from mrcreview.tables import EVIDENCE_HEADING, evidence_summary_markdown


def parsed(directive: SphinxDirective, text: str) -> list[nodes.Node]:
    """MyST made by the package, parsed in place of the directive."""
    holder = nodes.Element()
    lines = StringList(text.splitlines(), source=directive.get_source_info()[0])
    directive.state.nested_parse(lines, directive.content_offset, holder)
    return holder.children


def role(directive: SphinxDirective, name: str, text: str) -> list[nodes.Node]:
    """What {name}`text` makes where the directive stands, as if written in the page (a citation is noted)."""
    function, _ = roles.role(name, directive.state_machine.language, directive.lineno, directive.state.reporter)
    made, _ = function(name, f"{{{name}}}`{text}`", text, directive.lineno, directive.state.inliner)
    return made


def end_with_evidence_summary(app: Sphinx, docname: str, source: list[str]) -> None:
    """A page that places numbers ends with the studies behind them."""
    if NUMBER_ROLE.search(source[0]):
        source[0] = source[0].rstrip("\n") + f"\n\n## {EVIDENCE_HEADING}\n\n```{{evidence-summary}}\n```\n"


class EvidenceSummary(SphinxDirective):
    """The studies behind the numbers the page placed with {n}: added by end_with_evidence_summary."""

    def run(self):
        text = read(self.env, evidence_summary_markdown, *numbers_placed(self.env))
        container = nodes.container(classes=["evidence-summary"])
        container += parsed(self, text)
        return [container]


class MadeFromData(SphinxDirective):
    """MyST that a @recorded function of the package makes from data, parsed as Sphinx reads the page."""

    made_by = None

    def run(self):
        return parsed(self, read(self.env, self.made_by))


class WhatsNew(MadeFromData):
    """The changes since the current release and in it (changes.py)."""

    made_by = staticmethod(whats_new_markdown)


class ReleaseSites(SphinxDirective):
    """Each release, newest first, with the day it was released (:current:, the current version only).
    release-sites.js links each to its own site where pages.yml has published one; the version is the text
    of an element of its own, for the script to read."""

    option_spec = {"current": directives.flag}

    def run(self):
        listed = nodes.bullet_list(classes=["release-sites"])
        for version, released in read(self.env, releases_listed, "current" in self.options):
            line = nodes.paragraph()
            line += [nodes.Text("Version "), nodes.inline(version, version, classes=["release-version"])]
            line += nodes.Text(f", released on {day(released)}")
            listed += nodes.list_item("", line)
        none = "This version is not released yet." if "current" in self.options else "No version is released yet."
        return [listed] if listed.children else parsed(self, none)


class LivingStatus(MadeFromData):
    """How current the evidence is (living_status.py)."""

    made_by = staticmethod(living_status_markdown)


class SummaryOverview(MadeFromData):
    """The front page's summary of findings, one row per clinical question (summary_of_findings.py)."""

    made_by = staticmethod(summary_overview_markdown)


class SummaryOfFindings(MadeFromData):
    """The summary of findings, one table per clinical question: computed as the page is read, so that the
    edit of a number it shows runs no kernel."""

    made_by = staticmethod(summary_of_findings_markdown)


class CertaintyStatus(MadeFromData):
    """How many outcomes of the summary a reviewer has rated."""

    made_by = staticmethod(certainty_status)


class SignalRule(SphinxDirective):
    """The fixed rule the summary's signals follow (code, not data: nothing to note)."""

    def run(self):
        rule = summary_rule()
        return parsed(self, f"{rule[0].upper()}{rule[1:]}.")


class EvidenceFigure(SphinxDirective):
    """A figure of data/figures.csv, glued by the chapter's mr.glue_figure("<id>"): places the chart
    as fig-<id> with the block's text as caption, then its numbers as table tbl-<id>, then, for a forest
    plot with a pooling rule, the pooled estimate or why there is none."""

    required_arguments = 1
    has_content = True

    def run(self):
        figure_id = self.arguments[0]
        try:
            figure, _ = read(self.env, load_figure, figure_id)
        except KeyError:
            message = f"evidence-figure {figure_id[:80]!r}: expected a figure_id of data/figures.csv; found none"
            return [self.state.document.reporter.warning(message, line=self.lineno)]
        caption = "\n".join(self.content)
        fence = "`" * max(3, max((len(run) for run in re.findall(r"`+", caption)), default=0) + 1)
        text = f"{fence}{{glue:figure}} fig-{figure_id}\n:name: fig-{figure_id}\n\n{caption}\n{fence}\n\n"
        text += f"```{{glue:md}} tbl-{figure_id}\n:format: myst\n```\n"
        if isinstance(figure["pool"], str):
            text += f"\n```{{glue:md}} pool-{figure_id}\n:format: myst\n```\n"
        return parsed(self, text)
