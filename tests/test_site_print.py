"""The built site as Chromium prints it (the media `make pdf` prints with): charts legible on paper."""

import pytest

from helpers import offline_page, open_drawn

pytestmark = pytest.mark.build  # builds a site


A4_TEXT_WIDTH = 680  # CSS pixels: 210 mm less 15 mm margins, as `make pdf` prints


def test_printed_charts_keep_their_text_at_8_pt_or_more_and_no_hover_hint(site, browser):
    html_root, url = site
    page = offline_page(browser, url, A4_TEXT_WIDTH)
    for name in ("rationale", "evidence-synthesis", "organ-preservation"):
        open_drawn(page, f"{url}/book/{name}.html")
        page.emulate_media(media="print")
        # drawn at 12 px in a chart of its natural width, chart text prints at 9 pt times the scale
        scales = page.locator("img.chart-static").evaluate_all(
            "images => images.map(i => i.getBoundingClientRect().width / i.naturalWidth)"
        )
        assert scales and all(12 * 0.75 * scale >= 8 for scale in scales), (name, scales)
        assert "hover" not in page.locator("article").inner_text().lower(), name
    page.close()
