"""The compare page in a real browser (#15): innovations ticked in the home page's form, submitted,
and the page's chart (server-side SVG) and table shown."""

from __future__ import annotations

PICKED = ["signs-of-safety", "mockingbird-family-model", "family-drug-and-alcohol-court"]


def test_compare_form_to_the_page_with_a_chart(page, server, screenshot):
    page.goto(f"{server}/")
    for id in PICKED:
        page.locator(f"form#compare input[name=innovation][value={id}]").check()
    page.locator("form#compare button[type=submit]").click()
    page.wait_for_url("**/compare?**")
    chart = page.locator("figure#compare-chart svg.compare-chart")
    chart.wait_for(state="visible")
    box = chart.bounding_box()
    assert box["width"] > 400 and box["height"] > 80
    assert chart.locator("rect").count() >= len(PICKED) + 3  # the legend's three, then the bars
    assert chart.locator("text", has_text="unique").count() == 1
    headers = page.locator("table#compare-table tr").first.locator("th").all_inner_texts()
    # in the home page's order (by label), whatever order they were ticked in
    assert headers[3:] == ["Family Drug and Alcohol Court", "Mockingbird Family Model", "Signs of Safety"]
    assert page.locator("table#compare-table tr").count() > 10
    screenshot(page, "compare")
    assert page.outside_requests == []
