"""The query page of kg serve in headless Chromium (the Debian package): it runs queries and
renders every value as text, under its Content-Security-Policy, loading nothing from elsewhere."""

from __future__ import annotations

import re
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import DATA, ROOT

pytestmark = pytest.mark.browser



@pytest.fixture(scope="module")
def base_url():
    command = [sys.executable, "-m", "kg", "serve", "--graph", str(DATA / "query_fixture.ttl"), "--port", "0", "--workers", "1"]
    process = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    try:
        match = re.search(r"at (http://127\.0\.0\.1:\d+)/sparql", process.stdout.readline())
        assert match
        yield match[1]
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(10)


def run_in_editor(page, query: str) -> None:
    """Put a query into YASGUI's editor and run it, as a person would with Ctrl+Enter."""
    page.evaluate("(q) => { const tab = window.yasgui.getTab(); tab.setQuery(q); tab.getYasqe().query(); }", query)


def test_query_page_runs_library_and_hostile_queries(browser, base_url):
    from playwright.sync_api import expect

    page = browser.new_page()
    problems, requests = [], []
    page.on("console", lambda message: problems.append(message.text) if message.type in ("error", "warning") else None)
    page.on("pageerror", lambda error: problems.append(str(error)))
    page.on("request", lambda request: requests.append(request.url))
    page.route(re.compile(r"^(?!" + re.escape(base_url) + r"/).*"), lambda route: route.abort())  # the network is blocked
    page.add_init_script("window.__alerts = []; window.alert = (m) => window.__alerts.push(String(m));")
    page.goto(base_url + "/")
    page.wait_for_selector(".yasqe .CodeMirror")

    page.select_option("#example", "chip4")  # a library query: loaded into the editor and run
    assert page.evaluate("window.yasgui.getTab().getQuery()").startswith("# Question: Who are the members of the Chip 4 initiative")
    expect(page.locator("#status")).to_have_text(re.compile(r"^4 rows"))
    rows = page.locator(".yasr table tbody tr").all_inner_texts()
    assert len(rows) == 4 and any("United States" in row for row in rows)

    hostile = '<img src=x onerror=alert(1)>'
    run_in_editor(page, f'SELECT ?x WHERE {{ BIND("{hostile}" AS ?x) }}')
    expect(page.locator("#status")).to_have_text(re.compile(r"^1 rows"))
    expect(page.locator(".yasr table tbody")).to_contain_text(hostile)
    assert page.locator(".yasr img").count() == 0
    assert page.evaluate("window.__alerts") == []

    run_in_editor(page, "DROP ALL")
    expect(page.locator(".yasr")).to_contain_text("read-only")

    page.evaluate("() => { const e = window.yasgui.getTab().getYasqe(); e.setValue('SELECT * WHERE { ?s a jk'); e.setCursor({line: 0, ch: 26}); }")
    page.keyboard.type("t:")  # typing a prefix of kg's declares it (prefix completion), from the page's own list
    expect(page.locator(".yasqe")).to_contain_text("PREFIX jkt: <https://w3id.org/jk-tech/ontology#>")

    assert all(url.startswith(base_url) for url in requests), requests
    refused = ("Failed to load resource: the server responded with a status of 403", "SPARQL Update is refused: this endpoint is read-only")  # the DROP ALL, as YASGUI logs it
    assert [p for p in problems if not p.startswith(refused)] == []  # no CSP violation, no script error, no request elsewhere
