"""The book's Sphinx extension: `setup` only registers what the modules beside it define.

- roles.py, directives.py, register_pages.py: {n}`outcome-id`, {count}`name`, and the directives that render the
  data as a page is read (evidence summary, figures, What's new, the living status, the evidence
  register).
- data_used.py: which data each page used (dependencies.py), kept per page by an environment
  collector, so that the next build re-reads exactly the pages whose data changed.
- references.py, shared_parts.py: pages read or written again when a reference they cite, or a
  title, number or glossary term every page may show, changed.
- glossary.py, page_html.py, theme.py, vega.py: what pages and the site around them show;
  number_popover.py, a number's details; citations.py, a source cited once for the sentences that rest on it.
- safety.py, search.py: nothing from a pull request runs in a reader's browser.
- parallel_reading.py, private_api.py: the only places that reach into other libraries' internals.
"""

from sphinx.application import Sphinx

from mrcreview.bibstyle import register as register_bibliography_style
from mrcreview.sphinx_ext import (
    citations,
    data_used,
    directives,
    glossary,
    number_popover,
    page_html,
    parallel_reading,
    references,
    register_pages,
    roles,
    safety,
    search,
    shared_parts,
    theme,
    vega,
)


def setup(app: Sphinx) -> dict:
    register_bibliography_style()
    parallel_reading.declare_read_safe(app)
    app.connect("config-inited", theme.add_static)
    app.connect("builder-inited", vega.add_vega)
    app.connect("builder-inited", theme.keep_compiled_templates)

    app.add_role("n", roles.number_role)
    app.add_role("count", roles.count_role)
    number_popover.register(app)
    app.add_js_file("cite-page.js")
    app.add_directive("evidence-summary", directives.EvidenceSummary)
    app.add_directive("evidence-figure", directives.EvidenceFigure)
    app.add_directive("whats-new", directives.WhatsNew)
    app.add_directive("release-sites", directives.ReleaseSites)
    app.add_directive("living-status", directives.LivingStatus)
    app.add_directive("summary-overview", directives.SummaryOverview)
    app.add_directive("summary-of-findings", directives.SummaryOfFindings)
    app.add_directive("certainty-status", directives.CertaintyStatus)
    app.add_directive("signal-rule", directives.SignalRule)
    app.add_directive("evidence-register", register_pages.EvidenceRegister)
    app.add_directive("evidence-register-part", register_pages.EvidenceRegisterPart)
    app.add_directive(data_used.DIRECTIVE, data_used.KernelCalls)
    app.add_directive("raw", safety.RawRefused, override=True)
    app.add_directive("csv-table", safety.CSVTableWithoutURL, override=True)
    app.connect("source-read", directives.end_with_evidence_summary)
    app.connect("source-read", data_used.end_with_kernel_calls)

    app.add_env_collector(data_used.DataUsedCollector)
    app.add_env_collector(references.ReferencesCollector)
    app.add_env_collector(shared_parts.SharedPartsCollector)
    app.connect("env-before-read-docs", references.reuse_formatted_references)
    app.connect("env-updated", references.keep_formatted_references, priority=900)  # sphinxcontrib-bibtex's: 500

    app.connect("doctree-read", citations.cite_once_per_run)
    app.connect("doctree-resolved", glossary.link_first_use_of_terms)
    app.connect("doctree-resolved", safety.refuse_unsafe_links)
    app.connect("html-page-context", page_html.footer)
    app.connect("html-page-context", page_html.cite_this_page, priority=600)  # after every footer line
    app.connect("html-page-context", page_html.escaped_theme_titles, priority=600)  # after the theme sets them
    app.connect("html-page-context", page_html.accessible_citations)
    app.connect("html-page-context", page_html.stackable_tables)
    app.connect("html-page-context", page_html.tidy_page_scripts, priority=900)  # after the themes add theirs
    app.connect("html-page-context", page_html.named_section_toggles, priority=900)
    app.connect("html-page-context", page_html.register_moved_script)
    app.connect("html-page-context", page_html.release_sites_script)
    app.connect("build-finished", vega.copy_vega)
    app.connect("build-finished", search.escape_search_titles)
    app.connect("build-finished", theme.root_redirect, priority=400)  # before sphinx-external-toc's (500)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
