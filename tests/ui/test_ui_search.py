"""The search box in a real browser (issue 15): headless Chromium types into the header's box on the home
page, lands on the results page, and sees the matched words marked; a result's link leads to its page;
words that look like HTML stay text. No page may request anything outside loopback."""

from __future__ import annotations


def test_typing_in_the_header_box_shows_marked_results(page, server, screenshot):
    page.goto(f"{server}/")
    box = page.locator("header form.site-search input[name=q]")
    box.fill("liaison workers")
    with page.expect_navigation():
        box.press("Enter")
    assert "/search?q=liaison+workers" in page.url
    results = page.locator("ol.search-results li.result")
    assert results.count() > 0
    marks = [text.lower() for text in page.locator("ol.search-results mark").all_inner_texts()]
    assert marks and all(text.startswith(("liaison", "worker")) for text in marks), marks
    mark = page.locator("ol.search-results mark").first
    assert mark.evaluate("m => getComputedStyle(m).backgroundColor") != "rgba(0, 0, 0, 0)"
    assert page.locator("header input[name=q]").input_value() == "liaison workers"
    screenshot(page, "search-liaison-workers")
    first = results.first.locator("a").first
    target = first.get_attribute("href")
    with page.expect_navigation():
        first.click()
    assert page.url.endswith(target)
    assert page.outside_requests == []


def test_the_kind_links_narrow_the_results(page, server):
    page.goto(f"{server}/search?q=leadership")
    with page.expect_navigation():
        page.locator("nav.kinds a", has_text="factor").click()
    badges = set(page.locator("ol.search-results .badge").all_inner_texts())
    assert badges == {"factor"}
    assert page.locator("form.filters select[name=kind]").input_value() == "factor"


def test_html_typed_in_the_box_stays_text(page, server):
    alerts = []
    page.on("dialog", lambda dialog: (alerts.append(dialog.message), dialog.dismiss()))
    page.goto(f"{server}/")
    box = page.locator("header form.site-search input[name=q]")
    box.fill('<img src=x onerror=alert(1)> leadership')
    with page.expect_navigation():
        box.press("Enter")
    # every word must match, and the data has no "img": nothing found, the words shown back as text
    assert page.locator("main q").first.inner_text() == "<img src=x onerror=alert(1)> leadership"
    assert page.locator("main img").count() == 0 and alerts == []
    assert page.locator("header input[name=q]").input_value() == "<img src=x onerror=alert(1)> leadership"
