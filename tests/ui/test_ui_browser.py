"""The pages in a real browser (issue 7): headless Debian Chromium driven by Playwright against uvicorn on
loopback. Home page, an innovation page with its chart and its NASSS/CFIR switch, the gap map (cells, an
empty cell, a link followed; its CFIR columns and a CFIR cell followed), and a query run in the query page,
both in YASGUI and in the plain form with JavaScript off. Screenshots: tests/output/screenshots/. No page
may request anything outside loopback."""

from __future__ import annotations

import json

import pytest

from api import rendering


def test_home_page(page, server, screenshot):
    page.goto(f"{server}/")
    assert "carekg" in page.title()
    assert page.locator("header a", has_text="Gap map").count() == 1
    assert page.locator("a[href^='/doc/innovation/']").count() >= 10
    screenshot(page, "home")
    assert page.outside_requests == []


def test_innovation_page_shows_the_profile_chart(page, server, screenshot):
    page.goto(f"{server}/doc/innovation/signs-of-safety")
    chart = page.locator("figure#profile-chart svg.profile-chart")
    chart.wait_for(state="visible")
    box = chart.bounding_box()
    assert box["width"] > 400 and box["height"] > 100
    assert chart.locator("rect").count() >= 3
    assert chart.locator("text", has_text="enabler findings").count() == 1
    screenshot(page, "innovation-signs-of-safety")
    assert page.outside_requests == []


def test_innovation_page_switches_between_nasss_and_cfir(browser, server, screenshot):
    """The NASSS/CFIR switch is plain links, so it works with JavaScript off: a barrier filter set in the
    NASSS view is kept when switching to CFIR, which shows CFIR domains, close and related matches; the
    filter form then filters within CFIR, and the switch leads back."""
    context = browser.new_context(java_script_enabled=False, viewport={"width": 1400, "height": 900})
    try:
        page = context.new_page()
        page.goto(f"{server}/doc/innovation/signs-of-safety?direction=barrier")
        switch = page.locator("nav.framework-switch")
        assert switch.locator("[aria-current][data-framework=nasss]").count() == 1
        nasss_headings = page.locator("h3").all_inner_texts()
        assert nasss_headings and all(text[0].isdigit() for text in nasss_headings)
        with page.expect_navigation():
            switch.locator("a[data-framework=cfir]").click()
        assert "framework=cfir" in page.url and "direction=barrier" in page.url
        assert switch.locator("[aria-current][data-framework=cfir]").count() == 1
        domains = page.locator("h3.cfir-domain").all_inner_texts()
        assert domains and {text.split(".")[0] for text in domains} <= {"I", "II", "III", "IV", "V"}
        assert page.locator(".cfir-mapping[data-match=close]").count() >= 1
        assert page.locator(".cfir-mapping[data-match=related]").count() >= 1
        assert page.locator("select[name=direction]").input_value() == "barrier"
        screenshot(page, "innovation-signs-of-safety-cfir")
        page.fill("input[name=domain]", "III")
        with page.expect_navigation():
            page.click("form.filters button[type=submit]")
        assert "framework=cfir" in page.url and "domain=III" in page.url
        assert [text.split(".")[0] for text in page.locator("h3.cfir-domain").all_inner_texts()] == ["III"]
        with page.expect_navigation():
            page.locator("nav.framework-switch a[data-framework=nasss]").click()
        assert "framework=nasss" in page.url and "domain=" not in page.url
        assert page.locator("h3.cfir-domain").count() == 0 and page.locator("h3").count() >= 1
    finally:
        context.close()


def test_gap_map_cells_empty_cell_and_a_link(page, server, screenshot):
    page.goto(f"{server}/map")
    cells = page.locator("table.gap-map td.cell")
    innovations = page.locator("table.gap-map tbody tr").count()
    assert cells.count() == innovations * 23
    empty = page.locator("td.cell[data-empty='true']").first
    assert empty.is_visible() and empty.inner_text().strip() == "–"
    assert empty.locator("a").count() == 0
    background = empty.evaluate("e => getComputedStyle(e).backgroundImage")
    assert "gradient" in background  # hatched, visibly empty
    filled = page.locator("td.cell[data-empty='false'][data-innovation='signs-of-safety']").first
    subdomain = filled.get_attribute("data-subdomain")
    assert "ind." in filled.inner_text()
    screenshot(page, "gap-map")
    filled.locator("a").click()
    page.wait_for_url(f"**/doc/innovation/signs-of-safety?domain={subdomain}#profile")
    assert page.locator("input[name=domain]").input_value() == subdomain
    assert page.locator("text=(filtered)").count() >= 1
    assert page.outside_requests == []


def test_gap_map_switches_to_cfir_domains_and_a_cell_opens_the_cfir_profile(page, server, screenshot):
    page.goto(f"{server}/map")
    with page.expect_navigation():
        page.locator("nav.framework-switch a[data-framework=cfir]").click()
    assert page.url.endswith("/map?framework=cfir")
    innovations = page.locator("table.gap-map tbody tr").count()
    assert page.locator("table.gap-map td.cell").count() == innovations * 5
    filled = page.locator("td.cell[data-empty='false'][data-innovation='signs-of-safety']").first
    domain = filled.get_attribute("data-subdomain")
    screenshot(page, "gap-map-cfir")
    filled.locator("a").click()
    page.wait_for_url(f"**/doc/innovation/signs-of-safety?framework=cfir&domain={domain}#profile")
    assert page.locator("nav.framework-switch [aria-current][data-framework=cfir]").count() == 1
    assert [t.split(".")[0] for t in page.locator("h3.cfir-domain").all_inner_texts()] == [domain]
    assert page.outside_requests == []


def test_query_in_yasgui(page, server, screenshot):
    if not rendering.yasgui_installed():
        pytest.skip("YASGUI is not installed (make yasgui needs npm); the form test covers the page")
    page.goto(f"{server}/sparql")
    page.locator("#yasgui[data-state='ready']").wait_for()
    assert page.locator("#plain-form").is_hidden()
    tabs = page.locator(".yasgui .tabsList .tab")
    assert tabs.count() >= 12
    page.locator(".yasgui .tabsList .tab", has_text="Innovations and their labels").first.click()
    editor = page.locator(".tabPanel.active .yasqe .CodeMirror").first
    assert "ckg:Innovation" in editor.inner_text()
    with page.expect_response(
        lambda r: r.url.startswith(f"{server}/sparql") and r.request.method == "POST"
    ) as answer:
        page.locator(".tabPanel.active .yasqe_queryButton").first.click()
    assert answer.value.status == 200
    results = page.locator(".tabPanel.active .yasr table")
    results.first.wait_for(state="visible")
    assert page.locator(".tabPanel.active .yasr", has_text="Signs of Safety").count() == 1
    screenshot(page, "query-yasgui")
    assert page.outside_requests == [], page.outside_requests
    assert page.console_errors == []  # e.g. nothing refused by the Content-Security-Policy


def test_query_page_without_yasgui_files_is_the_form(page, server):
    """With JavaScript on but the YASGUI script unavailable (blocked here), the form stays in view."""
    page.route("**/static/vendor/yasgui/**", lambda route: route.abort())
    page.goto(f"{server}/sparql")
    assert page.locator("#plain-form").is_visible()
    assert page.locator("#yasgui .yasqe").count() == 0


def test_query_in_the_plain_form_with_javascript_off(browser, server, screenshot):
    context = browser.new_context(java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto(f"{server}/sparql")
        form = page.locator("#plain-form")
        assert form.is_visible()
        page.fill(
            "#plain-form textarea[name=query]",
            "PREFIX ckg: <https://w3id.org/carekg/def#>\nSELECT (COUNT(?i) AS ?n) { ?i a ckg:Innovation }",
        )
        screenshot(page, "query-form-no-js")
        with page.expect_navigation():
            page.click("#plain-form button[type=submit]")
        answer = json.loads(page.locator("body").inner_text())
        assert int(answer["results"]["bindings"][0]["n"]["value"]) >= 10
    finally:
        context.close()
