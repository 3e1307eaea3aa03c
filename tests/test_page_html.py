"""What each page's HTML gets as it is written: tables' intervals kept whole, the footer's links."""

from types import SimpleNamespace

from helpers import make_minimal
from mrcreview.sphinx_ext.page_html import footer, ranges_kept_whole


def test_an_interval_in_a_table_is_kept_on_one_line_and_markup_is_untouched():
    cell = '<td data-label="1–2"><a href="#ev-a1–2">5.9%–11.0%</a>, HR 3.03 (1.86–4.95); cT2–cT3b, A – B</td>'
    assert ranges_kept_whole(cell) == (
        '<td data-label="1–2"><a href="#ev-a1–2"><span class="nowrap">5.9%–11.0%</span></a>, '
        'HR 3.03 <span class="nowrap">(1.86–4.95);</span> <span class="nowrap">cT2–cT3b,</span> A – B</td>'
    )


def test_the_footer_links_to_the_living_status_from_every_page_the_front_page_included(tmp_path):
    app = SimpleNamespace(srcdir=str(make_minimal(tmp_path / "project")))

    def pathto(name):  # as Sphinx's: the page itself is "#"
        return "#" if name == page else {"book/index": "index.html", "book/how-to-cite": "how-to-cite.html"}[name]

    for page, link in [("book/index", 'href="#living-status"'), ("book/methods", 'href="index.html#living-status"')]:
        context = {"pathto": pathto}
        footer(app, page, "page.html", context, None)
        assert link in context["theme_extra_footer"], page
        assert "evidence checked up to" not in context["theme_extra_footer"]
