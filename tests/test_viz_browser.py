"""The network page in headless Chromium (the Debian package), from disk, with the network blocked.

Playwright drives the system browser at /usr/bin/chromium; no browser is ever downloaded.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from rdflib import Graph

from kg.network import to_networkx
from kg.viz import render_html

pytestmark = pytest.mark.browser

SMALL = Path(__file__).parent / "data" / "viz" / "small.ttl"

# Runs before any page script: records alert/confirm/prompt calls and every element the page
# (or a payload) adds to the document, so an executed or injected payload leaves a trace.
WATCH = """
window.__alerts = [];
for (const name of ["alert", "confirm", "prompt"]) {
  window[name] = (message) => { window.__alerts.push(name + ":" + String(message)); };
}
window.__added = [];
document.addEventListener("DOMContentLoaded", () => {
  // Elements created at run time (the parser's own are in the file): a payload that reached
  // innerHTML would show up here as an img or script.
  new MutationObserver((records) => {
    for (const record of records) for (const node of record.addedNodes) {
      if (node.nodeType === 1) {
        window.__added.push(node.tagName.toLowerCase());
        for (const inner of node.querySelectorAll("*")) window.__added.push(inner.tagName.toLowerCase());
      }
    }
  }).observe(document, { childList: true, subtree: true });
});
"""


class Visit:
    """A page opened from disk with every request but the page itself blocked and recorded."""

    def __init__(self, browser, path: Path):
        self.url = path.resolve().as_uri()
        self.blocked: list[str] = []
        self.requests: list[str] = []
        self.errors: list[str] = []
        self.context = browser.new_context(viewport={"width": 1400, "height": 900}, service_workers="block")
        self.page = self.context.new_page()
        self.page.add_init_script(WATCH)
        self.page.on("request", lambda request: self.requests.append(request.url))
        self.page.on("console", lambda message: self.errors.append(message.text) if message.type in ("error", "warning") else None)
        self.page.on("pageerror", lambda error: self.errors.append(str(error)))
        self.page.route("**/*", self._route)
        self.page.goto(self.url)
        self.page.wait_for_selector("body[data-ready=true]", timeout=60_000)

    def _route(self, route):
        if route.request.url == self.url:
            route.continue_()
        else:
            self.blocked.append(route.request.url)
            route.abort()

    def js(self, expression: str, arg=None):
        return self.page.evaluate(expression, arg)

    def node_dom_position(self, node_id: str) -> tuple[float, float]:
        """Page coordinates of a drawn node's centre."""
        box = self.page.locator("#network").bounding_box()
        point = self.js("(id) => kgNetwork.canvasToDOM(kgNetwork.getPositions([id])[id])", node_id)
        return box["x"] + point["x"], box["y"] + point["y"]

    def assert_clean(self):
        assert self.blocked == [], f"the page tried to load {self.blocked}"
        assert self.requests == [self.url]
        assert self.errors == [], f"console: {self.errors}"
        assert self.js("window.__alerts") == []
        added = set(self.js("window.__added"))
        assert not added & {"img", "script", "iframe", "object", "embed", "link"}, added
        assert self.js("document.querySelectorAll('img, iframe, a[href^=\"javascript\" i]').length") == 0
        assert self.js("document.scripts.length") == 3

    def close(self):
        self.context.close()


@pytest.fixture(scope="module")
def small_page(tmp_path_factory):
    graph = Graph().parse(SMALL)
    path = tmp_path_factory.mktemp("viz") / "graph.html"
    path.write_text(render_html(graph), encoding="utf-8")
    return path, to_networkx(graph)


@pytest.fixture()
def visit(browser, small_page):
    page = Visit(browser, small_page[0])
    yield page
    page.close()


def test_draws_every_node_and_edge_offline(visit, small_page, tmp_path):
    nx_graph = small_page[1]
    counts = visit.js("[kgData.nodes.length, kgData.edges.length, Object.keys(kgNetwork.getPositions()).length, kgNetwork.body.edgeIndices.length]")
    assert counts == [nx_graph.number_of_nodes(), nx_graph.number_of_edges(), nx_graph.number_of_nodes(), nx_graph.number_of_edges()]
    labels = sorted(visit.js("kgData.nodes.get().map(n => n.label)"))
    assert labels == sorted(d["label"] for _, d in nx_graph.nodes(data=True))
    assert visit.js("document.querySelectorAll('#class-filters input').length") == len({d["type"] for _, d in nx_graph.nodes(data=True)})
    assert visit.js("document.querySelectorAll('#relation-filters input').length") == len({k for _, _, k in nx_graph.edges(keys=True)})
    shot = visit.page.screenshot(path=str(tmp_path / "graph.png"))
    assert shot[:8] == b"\x89PNG\r\n\x1a\n" and len(shot) > 10_000
    visit.assert_clean()


def test_tooltips_show_markup_as_text_and_run_nothing(visit):
    evil = visit.js("kgData.nodes.get().find(n => n.info.iri.endsWith('/evil')).id")
    visit.page.mouse.move(*visit.node_dom_position(evil))
    visit.page.wait_for_selector("#tooltip:not([hidden])")
    tooltip = visit.page.inner_text("#tooltip")
    assert "<img src=x onerror=alert('label')>" in tooltip
    assert "Wikidata" not in tooltip  # its owl:sameAs is a javascript: IRI
    visit.page.mouse.click(*visit.node_dom_position(evil))
    details = visit.page.inner_text("#details")
    assert "<img src=x onerror=alert('label')>" in details
    assert visit.js("document.querySelectorAll('#details a').length") == 0
    # The edge from it carries a sentence with a javascript: link and a title with a script.
    target = visit.js("(id) => kgData.edges.get().find(e => e.from === id).to", evil)
    (x1, y1), (x2, y2) = visit.node_dom_position(evil), visit.node_dom_position(target)
    visit.page.mouse.click((x1 + x2) / 2, (y1 + y2) / 2)
    details = visit.page.inner_text("#details")
    assert '<a href="javascript:alert(1)">click</a>' in details
    assert "<script>alert('title')</script>" in details
    visit.assert_clean()


def test_node_details_link_to_wikidata_and_list_figures(visit, small_page):
    nx_graph = small_page[1]
    korea = nx_graph.nodes["https://w3id.org/jk-tech/id/south-korea"]
    node = visit.js("kgData.nodes.get().find(n => n.label === 'South Korea').id")
    visit.page.mouse.click(*visit.node_dom_position(node))
    hrefs = visit.js("[...document.querySelectorAll('#details a')].map(a => a.href)")
    assert hrefs == [korea["wikidata"]]
    details = visit.page.inner_text("#details")
    figure = korea["figures"][0]
    assert figure["display"] == f"{figure['value']}% {figure['measure']} ({figure['period']})"
    assert figure["display"] in details
    assert figure["sentence"] in details
    visit.assert_clean()


def test_search_finds_and_focuses_a_node(visit):
    visit.page.fill("#search", "samsung")
    visit.page.press("#search", "Enter")
    focused = visit.js("window.kgFocused")
    assert visit.js("(id) => kgData.nodes.get(id).label", focused) == "Samsung Electronics"
    assert visit.js("kgNetwork.getSelectedNodes()") == [focused]
    assert "Samsung Electronics" in visit.page.inner_text("#details")
    visit.page.fill("#search", "no such entity")
    visit.page.press("#search", "Enter")
    assert "No entity matches" in visit.page.inner_text("#search-status")
    visit.assert_clean()


def test_filters_hide_classes_and_relations(visit, small_page):
    nx_graph = small_page[1]
    countries = sum(1 for _, d in nx_graph.nodes(data=True) if d["type"] == "Country")
    members = sum(1 for _, _, k in nx_graph.edges(keys=True) if k == "memberOf")
    visit.page.uncheck("#class-filters input[data-key=Country]")
    assert visit.js("kgData.nodes.get({filter: n => n.hidden}).length") == countries
    visit.page.uncheck("#relation-filters input[data-key=memberOf]")
    assert visit.js("kgData.edges.get({filter: e => e.hidden}).length") == members
    visit.page.click("#classes-all")
    assert visit.js("kgData.nodes.get({filter: n => n.hidden}).length") == 0
    visit.assert_clean()


def test_time_control_hides_relations_dated_after_the_chosen_year(visit):
    assert visit.js("[document.getElementById('time-range').min, document.getElementById('time-range').max]") == ["2019", "2023"]
    assert visit.js("kgData.edges.get({filter: e => e.hidden}).length") == 0
    visit.js("() => { const r = document.getElementById('time-range'); r.value = '2019'; r.dispatchEvent(new Event('input')); }")
    hidden = visit.js("kgData.edges.get({filter: e => e.hidden}).map(e => e.relation + ':' + e.years.join('-'))")
    assert hidden == ["memberOf:2023-2023"]  # undated relations stay; the 2019 export controls stay
    assert "up to 2019" in visit.page.inner_text("#time-filter")
    visit.assert_clean()


@pytest.mark.slow
def test_a_corpus_with_injected_markup_executes_nothing(browser, runner, tmp_path):
    """End to end: a document with markup in its title and body, built by `kg build`, opened from disk."""
    from kg.cli import cli

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    shutil.copy(Path(__file__).parent / "data" / "corpus" / "alpha.txt", corpus)
    (corpus / "evil.txt").write_text(
        "Id: evil\n"
        "Title: Chips <script>alert('title')</script> report\n"
        "Source: https://example.org/evil\n"
        "Date: 2025-01-01\n\n"
        "Samsung Electronics <script>alert(1)</script> opened a plant in Japan.\n"
        "SK Hynix <img src=x onerror=alert(1)> supplies DRAM to South Korea.\n"
        'Read more about Japan <a href="javascript:alert(1)">here</a> and [there](javascript:alert(2)).\n',
        encoding="utf-8",
    )
    out = tmp_path / "out"
    result = runner.invoke(cli, ["build", str(corpus), "--out", str(out), "--quiet"])
    assert result.exit_code == 0, result.output
    page = out / "graph.html"
    nx_graph = to_networkx(Graph().parse(out / "graph.ttl"))
    carriers = [n for n, d in nx_graph.nodes(data=True) if any("<script>alert(1)</script>" in e["sentence"] for e in d["evidence"])]
    assert carriers, "no entity carries the injected sentence; the test would prove nothing"
    visit = Visit(browser, page)
    try:
        assert visit.js("[kgData.nodes.length, kgData.edges.length]") == [nx_graph.number_of_nodes(), nx_graph.number_of_edges()]
        for iri in carriers:
            node = visit.js("(iri) => kgData.nodes.get().find(n => n.info.iri === iri).id", iri)
            visit.page.mouse.click(*visit.node_dom_position(node))
            details = visit.page.inner_text("#details")
            assert "<script>alert(1)</script>" in details
            assert "Chips <script>alert('title')</script> report" in details
        visit.page.screenshot(path=str(tmp_path / "injected.png"))
        visit.assert_clean()
    finally:
        visit.close()
