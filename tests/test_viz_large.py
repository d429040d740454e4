"""A large graph in the viewer: it opens on the most connected entities; search, double-click and the
details panel add the rest with their neighbourhoods; legend, filters and evidence keep working.

The graphs are synthetic (tests/synthetic.py, invented names). In headless Chromium as in
test_viz_browser.py: opened from disk, every request blocked and recorded.
"""

from __future__ import annotations

import json
import re
from collections import Counter

import pytest

from kg.viz import EXPAND_LIMIT, VIEW_LIMIT, network_html

from .synthetic import synthetic_network
from .test_viz_browser import Visit

pytestmark = pytest.mark.browser

SIZE = 1200


def page_data(html: str) -> dict:
    return json.loads(re.search(r'<script type="application/json" id="kg-data">(.*?)</script>', html, re.S)[1])


def most_connected(net, limit: int) -> set[str]:
    """The IRIs of the ``limit`` entities of highest degree, ties to the lower IRI: computed here, not by kg.viz."""
    return set(sorted(net, key=lambda n: (-net.degree(n), n))[:limit])


@pytest.fixture(scope="module")
def large(tmp_path_factory):
    net = synthetic_network(SIZE)
    html = network_html(net)
    path = tmp_path_factory.mktemp("large") / "graph.html"
    path.write_text(html, encoding="utf-8")
    data = page_data(html)
    ids = {n["info"]["iri"]: n["id"] for n in data["nodes"]}
    return path, net, data, ids


@pytest.fixture()
def visit(browser, large):
    page = Visit(browser, large[0])
    yield page
    page.close()


def on_view(visit) -> set[str]:
    """The IRIs of the entities in the network's DataSet."""
    return set(visit.js("kgData.nodes.get().map(n => n.info.iri)"))


def edges_on_view(visit) -> Counter:
    return Counter(visit.js("kgData.edges.get().map(e => [e.from, e.to, e.relation].join(' '))"))


def edges_among(net, ids, iris: set[str]) -> Counter:
    return Counter(f"{ids[u]} {ids[v]} {k}" for u, v, k in net.edges(keys=True) if u in iris and v in iris)


def hidden_neighbours(net, node: str, shown: set[str]) -> list[str]:
    found = {m for m in list(net.successors(node)) + list(net.predecessors(node)) if m not in shown and m != node}
    return sorted(found, key=lambda n: (-net.degree(n), n))


def focus(visit, node_id: str) -> None:
    visit.js("(id) => kgNetwork.focus(id, { scale: 2.5, animation: false })", node_id)
    visit.page.wait_for_timeout(100)


def search(visit, text: str) -> None:
    visit.page.fill("#search", text)
    visit.page.press("#search", "Enter")


def outsider(net, first: set[str], *, of_class: str | None = None) -> str:
    """An entity outside the first view with at least three hidden neighbours (one of them of ``of_class``)."""
    for node in sorted(net, key=lambda n: (-net.degree(n), n)):
        around = hidden_neighbours(net, node, first)
        if node in first or len(around) < 3:
            continue
        if of_class is None or (net.nodes[node]["type"] != of_class and any(net.nodes[m]["type"] == of_class for m in around)):
            return node
    raise AssertionError("the synthetic graph has no such entity")


def test_a_large_graph_opens_on_its_most_connected_entities(visit, large):
    path, net, data, ids = large
    first = most_connected(net, VIEW_LIMIT)
    assert on_view(visit) == first
    assert visit.js("Object.keys(kgNetwork.getPositions()).length") == VIEW_LIMIT
    assert edges_on_view(visit) == edges_among(net, ids, first)
    assert len(data["nodes"]) == SIZE and len(data["edges"]) == net.number_of_edges()  # the page still carries everything
    note = visit.page.inner_text("#view-note")
    assert f"Showing {VIEW_LIMIT} of 1,200 entities" in note and "search" in note
    assert visit.page.inner_text("#summary") == f"{SIZE} entities, {net.number_of_edges()} relations"
    counts = visit.js("Object.fromEntries([...document.querySelectorAll('#class-filters .filter')].map(f => [f.querySelector('input').dataset.key, Number(f.querySelector('.count').textContent)]))")
    assert counts == dict(Counter(d["type"] for _, d in net.nodes(data=True)))  # the legend counts the whole graph
    visit.assert_clean()


def test_search_finds_an_entity_off_view_and_adds_it_with_its_neighbours(visit, large):
    _, net, _, ids = large
    first = most_connected(net, VIEW_LIMIT)
    target = outsider(net, first)
    label = net.nodes[target]["label"]
    around = hidden_neighbours(net, target, first)
    search(visit, label.upper())
    assert visit.js("window.kgFocused") == ids[target]
    assert visit.js("kgNetwork.getSelectedNodes()") == [ids[target]]
    shown = first | {target} | set(around[:EXPAND_LIMIT])
    assert on_view(visit) == shown
    assert edges_on_view(visit) == edges_among(net, ids, shown)
    assert label in visit.page.inner_text("#details")
    assert f"Added \u201c{label}\u201d" in visit.page.inner_text("#view-note")
    search(visit, "no such entity anywhere")
    assert "No entity matches" in visit.page.inner_text("#search-status")
    visit.assert_clean()


def test_search_by_an_alias_in_another_script(visit, large):
    _, net, _, ids = large
    first = most_connected(net, VIEW_LIMIT)
    names = Counter(name for _, d in net.nodes(data=True) for name in d["names"])
    target = next(n for n in sorted(net) if n not in first and any(names[x] == 1 and not x.isascii() for x in net.nodes[n]["names"]))
    alias = next(x for x in net.nodes[target]["names"] if names[x] == 1 and not x.isascii())
    search(visit, alias)
    assert visit.js("window.kgFocused") == ids[target]
    assert net.nodes[target]["iri"] in on_view(visit)
    visit.assert_clean()


def test_double_click_and_the_details_button_add_neighbours(visit, large):
    _, net, _, ids = large
    first = most_connected(net, VIEW_LIMIT)
    hub = next(n for n in sorted(first, key=lambda n: (-net.degree(n), n)) if len(hidden_neighbours(net, n, first)) > EXPAND_LIMIT)
    around = hidden_neighbours(net, hub, first)
    focus(visit, ids[hub])
    visit.page.mouse.dblclick(*visit.node_dom_position(ids[hub]))
    shown = first | set(around[:EXPAND_LIMIT])
    assert on_view(visit) == shown
    assert edges_on_view(visit) == edges_among(net, ids, shown)
    assert f"Added {EXPAND_LIMIT} of {len(around)} hidden neighbours" in visit.page.inner_text("#view-note")
    # The details of the entity offer the next ones.
    assert net.nodes[hub]["label"] in visit.page.inner_text("#details")
    rest = len(around) - EXPAND_LIMIT
    assert f"{rest} hidden neighbour" in visit.page.inner_text("#expand-node")
    visit.page.click("#expand-node")
    assert on_view(visit) == shown | set(around[EXPAND_LIMIT: 2 * EXPAND_LIMIT])
    visit.assert_clean()


def test_filters_apply_to_the_view_and_to_entities_added_later(visit, large):
    _, net, _, ids = large
    first = most_connected(net, VIEW_LIMIT)
    target = outsider(net, first, of_class="Company")
    relation = "memberOf"
    visit.page.uncheck("#class-filters input[data-key=Company]")
    visit.page.uncheck(f"#relation-filters input[data-key={relation}]")
    before = visit.js("kgData.nodes.get({filter: n => n.hidden}).length")
    assert before == sum(1 for n in first if net.nodes[n]["type"] == "Company") > 0
    search(visit, net.nodes[target]["label"])
    assert net.nodes[target]["iri"] in on_view(visit)
    hidden = set(visit.js("kgData.nodes.get({filter: n => n.hidden}).map(n => n.info.iri)"))
    companies = {n for n in on_view(visit) if net.nodes[n]["type"] == "Company"}
    assert hidden == companies and len(hidden) > before  # the added companies came in hidden
    edges = visit.js("kgData.edges.get().map(e => [e.relation, !!e.hidden])")
    assert all(hide for rel, hide in edges if rel == relation) and not any(hide for rel, hide in edges if rel != relation)
    visit.page.click("#classes-all")
    assert visit.js("kgData.nodes.get({filter: n => n.hidden}).length") == 0
    visit.assert_clean()


def test_the_time_control_applies_to_relations_added_later(visit, large):
    _, net, _, ids = large
    first = most_connected(net, VIEW_LIMIT)
    visit.js("() => { const r = document.getElementById('time-range'); r.value = r.min; r.dispatchEvent(new Event('input')); }")
    low = int(visit.js("document.getElementById('time-range').min"))
    search(visit, net.nodes[outsider(net, first)]["label"])
    edges = visit.js("kgData.edges.get().map(e => [e.years, !!e.hidden])")
    assert any(hide for _, hide in edges)
    assert all(hide == bool(years and years[0] > low) for years, hide in edges)
    visit.assert_clean()


def test_the_evidence_panel_opens_for_an_added_entity(visit, large):
    _, net, _, ids = large
    first = most_connected(net, VIEW_LIMIT)
    target = next(n for n in sorted(net) if n not in first and net.nodes[n]["figures"] and len(hidden_neighbours(net, n, first)) >= 1)
    data = net.nodes[target]
    search(visit, data["label"])
    visit.js("() => kgNetwork.unselectAll()")
    visit.page.fill("#search", "")
    focus(visit, ids[target])
    visit.page.mouse.click(*visit.node_dom_position(ids[target]))
    details = visit.page.inner_text("#details")
    assert data["label"] in details
    assert data["figures"][0]["display"] in details
    assert data["evidence"][0]["sentence"] in details
    visit.assert_clean()


def test_first_view_and_show_all(visit, large):
    _, net, _, ids = large
    first = most_connected(net, VIEW_LIMIT)
    search(visit, net.nodes[outsider(net, first)]["label"])
    assert len(on_view(visit)) > VIEW_LIMIT
    visit.page.click("#view-first")
    assert on_view(visit) == first
    assert edges_on_view(visit) == edges_among(net, ids, first)
    visit.page.click("#view-all")
    assert on_view(visit) == set(net)
    assert visit.js("kgData.edges.length") == net.number_of_edges()
    assert f"Showing all {SIZE:,} entities" in visit.page.inner_text("#view-note")
    visit.assert_clean()


@pytest.mark.slow
def test_ten_thousand_entities(browser, tmp_path):
    """The size of the issue: 10,000 entities open on VIEW_LIMIT of them, and search reaches any other."""
    net = synthetic_network(10_000)
    path = tmp_path / "graph.html"
    path.write_text(network_html(net), encoding="utf-8")
    visit = Visit(browser, path)
    try:
        first = most_connected(net, VIEW_LIMIT)
        assert on_view(visit) == first
        assert "Showing 400 of 10,000 entities" in visit.page.inner_text("#view-note")
        target = max(set(net) - first, key=lambda n: (net.degree(n) == 0, n))  # isolated: no neighbour comes with it
        search(visit, net.nodes[target]["label"])
        assert on_view(visit) == first | {target}
        visit.assert_clean()
    finally:
        visit.close()
