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


def test_query_page_runs_library_and_hostile_queries(browser, base_url):
    from playwright.sync_api import expect

    page = browser.new_page()
    problems, requests = [], []
    page.on("console", lambda message: problems.append(message.text) if message.type in ("error", "warning") else None)
    page.on("pageerror", lambda error: problems.append(str(error)))
    page.on("request", lambda request: requests.append(request.url))
    page.add_init_script("window.__alerts = []; window.alert = (m) => window.__alerts.push(String(m));")
    page.goto(base_url + "/")

    page.select_option("#example", "chip4")
    assert page.input_value("#query").startswith("# Question: Who are the members of the Chip 4 initiative")
    page.click("#run")
    page.wait_for_selector("#out table")
    cells = page.locator("#out table tr").all_inner_texts()
    assert len(cells) == 5 and "United States" in cells[1]
    assert page.inner_text("#status").startswith("4 rows")

    hostile = '<img src=x onerror=alert(1)>'
    page.fill("#query", f'SELECT ?x WHERE {{ BIND("{hostile}" AS ?x) }}')
    page.click("#run")
    expect(page.locator("#status")).to_have_text(re.compile(r"^1 rows"))
    assert page.inner_text("#out td") == hostile
    assert page.locator("#out img").count() == 0
    assert page.evaluate("window.__alerts") == []

    page.fill("#query", "DROP ALL")
    page.click("#run")
    expect(page.locator("#status")).to_have_text(re.compile(r"^403"))
    assert "read-only" in page.inner_text("#out pre")

    assert all(url.startswith(base_url) for url in requests), requests
    assert [p for p in problems if "403" not in p] == []  # no CSP violation, no script error
