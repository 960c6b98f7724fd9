"""The briefing page in a real browser (#15): reached from the innovation page, and printed: with print
media emulated (CDP Emulation.setEmulatedMedia, through Playwright) the site's header, footer and the
screen-only notes are hidden and the content stays; Chromium's own print to PDF gives pages."""

from __future__ import annotations

import re

SOS = "signs-of-safety"


def test_briefing_is_linked_from_the_innovation_page(page, server, screenshot):
    page.goto(f"{server}/doc/innovation/{SOS}")
    page.locator("a#briefing-link").click()
    page.wait_for_url(f"**/innovations/{SOS}/briefing")
    assert page.locator("h1").inner_text().startswith("Signs of Safety")
    assert page.locator("header").is_visible() and page.locator(".screen-only").is_visible()
    screenshot(page, "briefing-signs-of-safety")
    assert page.outside_requests == []
    assert not [e for e in page.console_errors if "Content Security Policy" in e]


def test_briefing_print_view_hides_navigation_and_keeps_the_content(page, server, screenshot):
    page.goto(f"{server}/innovations/{SOS}/briefing", wait_until="networkidle")
    page.emulate_media(media="print")
    assert page.evaluate("matchMedia('print').matches")
    for chrome in ("header", "footer", ".screen-only"):
        assert page.locator(chrome).is_hidden(), f"{chrome} shows in print"
    for content in ("h1", "table#enablers", "table#barriers", "ul.gaps", "table.sources", "#dataset"):
        assert page.locator(content).is_visible(), f"{content} missing from print"
    barrier_rows = page.locator("table#barriers tr").count() - 1
    assert barrier_rows >= 1 and page.locator("table#barriers ul.strategies li").count() >= barrier_rows
    assert "Dataset version" in page.locator("#dataset").inner_text()
    screenshot(page, "briefing-print")
    page.emulate_media(media="screen")
    assert page.locator("header").is_visible(), "the print rules apply to print only"


def test_briefing_prints_to_pdf_pages(page, server):
    page.goto(f"{server}/innovations/{SOS}/briefing", wait_until="networkidle")
    pdf = page.pdf(format="A4", print_background=False)
    assert pdf.startswith(b"%PDF-")
    pages = len(re.findall(rb"/Type\s*/Page\b(?!s)", pdf))
    assert 1 <= pages <= 6, pages
