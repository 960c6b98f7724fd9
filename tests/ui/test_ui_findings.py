"""The findings table in a real browser (issue 15): headless Chromium, JavaScript off, filters the table
with the form (FDAC's barriers since 2016), sees the filters applied and only matching rows, pages on,
and opens a finding's own page. No page may request anything outside loopback."""

from __future__ import annotations

FDAC = "family-drug-and-alcohol-court"


def test_the_form_filters_the_table_without_javascript(browser, server, screenshot):
    context = browser.new_context(java_script_enabled=False, viewport={"width": 1400, "height": 900})
    page = context.new_page()
    try:
        page.goto(f"{server}/findings?format=html")
        everything = page.locator("table.findings tr.finding").count()
        assert everything == 50 and " of " in page.locator("#findings-count").inner_text()
        form = page.locator("#findings-filters")
        form.locator("select[name=innovation]").select_option(FDAC)
        form.locator("select[name=direction]").select_option("barrier")
        form.locator("input[name=year_from]").fill("2016")
        with page.expect_navigation():
            form.locator("button[type=submit]").click()
        assert f"innovation={FDAC}" in page.url and "direction=barrier" in page.url
        rows = page.locator("table.findings tr.finding")
        assert 0 < rows.count() < everything
        assert set(rows.locator("td.direction").all_inner_texts()) == {"barrier"}
        assert all(int(year) >= 2016 for year in rows.locator("td.year").all_inner_texts())
        applied = page.locator("ul.applied li")
        assert {item.get_attribute("data-filter") for item in applied.all()} == {"innovation", "direction",
                                                                                 "year_from"}
        # The form shows what was asked, so the next change keeps it.
        assert form.locator("select[name=innovation]").input_value() == FDAC
        assert form.locator("input[name=year_from]").input_value() == "2016"
        screenshot(page, "findings-fdac-barriers")
        form.locator("select[name=independent]").select_option("true")
        with page.expect_navigation():
            form.locator("button[type=submit]").click()
        assert page.locator("table.findings tr.finding").count() == 0
        assert "No finding matches" in page.locator("#findings-count").inner_text()
    finally:
        context.close()


def test_paging_links_keep_the_filters_and_a_finding_opens_its_page(page, server):
    page.goto(f"{server}/findings?format=html&direction=enabler&limit=25")
    ids = "rows => rows.map(r => r.dataset.id)"
    first_page = page.locator("table.findings tr.finding").evaluate_all(ids)
    assert len(first_page) == 25
    with page.expect_navigation():
        page.locator("nav.pager a[rel=next]").click()
    assert "direction=enabler" in page.url and "offset=25" in page.url
    second_page = page.locator("table.findings tr.finding").evaluate_all(ids)
    assert second_page and not set(second_page) & set(first_page)
    assert set(page.locator("td.direction").all_inner_texts()) == {"enabler"}
    link = page.locator("table.findings tr.finding td a").first
    finding = link.inner_text()
    with page.expect_navigation():
        link.click()
    assert page.url.endswith(f"/doc/finding/{finding}")
    assert finding in page.locator("main").inner_text()
    assert page.outside_requests == [] and page.console_errors == []
