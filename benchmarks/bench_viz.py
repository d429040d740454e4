"""Benchmark the network page on a synthetic graph: projection, layout, statistics, HTML, and in
headless Chromium the first draw, a pan and a search.

    .venv/bin/python benchmarks/bench_viz.py                          # 2,000 entities, Python side
    .venv/bin/python benchmarks/bench_viz.py --nodes 10000 --browser  # and the page in Chromium

Two synthetic graphs, neither with corpus text: one in kg's RDF model (typed entities, relation
triples with reified assertions and evidence sentences, figures) times the projection
(``to_networkx``); the page itself is drawn from tests/synthetic.py's network, which has the
projection's shape with aliases, dated and conflicting relations. Both grow by preferential
attachment like news graphs: a few hubs (countries, big firms) and many entities seen once.
Results go to benchmarks/results/viz-<nodes>.json.
"""

from __future__ import annotations

import argparse
import json
import platform
import random
import statistics
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

from rdflib import Graph, Literal
from rdflib.namespace import PROV, RDF, RDFS, XSD

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from kg.namespace import ASSERTION, FIGURE, JKT, NIF, SCHEMA, bind_prefixes, document_iri, entity_iri, span_iri  # noqa: E402
from kg.layout import layout  # noqa: E402
from kg.network import CLASS_STYLE, relation_labels, to_networkx  # noqa: E402
from kg.stats import graph_stats  # noqa: E402
from kg.viz import network_html  # noqa: E402
from tests.synthetic import synthetic_network  # noqa: E402

CHROMIUM = Path("/usr/bin/chromium")
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"]


def synthetic_graph(nodes: int, *, edges_per_node: int = 2, seed: int = 7) -> Graph:
    """A random graph in kg's RDF model with about ``nodes * edges_per_node`` relations."""
    rng = random.Random(seed)
    graph = bind_prefixes(Graph())
    classes = list(CLASS_STYLE)
    relations = sorted(relation_labels())
    doc = document_iri("synthetic")
    graph.add((doc, RDF.type, JKT.Document))
    graph.add((doc, RDFS.label, Literal("Synthetic document")))
    targets: list[int] = []
    for i in range(nodes):
        node = entity_iri(f"e{i}")
        graph.add((node, RDF.type, JKT[classes[i % len(classes)] if i > 10 else "Country"]))
        graph.add((node, RDFS.label, Literal(f"Entity {i} " + "x" * rng.randint(0, 12), lang="en")))
        picks = {rng.choice(targets) for _ in range(edges_per_node)} if targets else set()
        for j in sorted(picks):
            predicate = rng.choice(relations)
            obj = entity_iri(f"e{j}")
            graph.add((node, predicate, obj))
            sentence = span_iri("synthetic", i * 1000 + j, i * 1000 + j + 80)
            graph.add((sentence, RDF.type, JKT.Sentence))
            graph.add((sentence, NIF.anchorOf, Literal(f"Entity {i} and entity {j} are related in this sentence of about eighty chars.")))
            graph.add((sentence, NIF.referenceContext, doc))
            assertion = ASSERTION[f"synthetic/{i}-{j}"]
            graph.add((assertion, RDF.type, JKT.Assertion))
            graph.add((assertion, RDF.subject, node))
            graph.add((assertion, RDF.predicate, predicate))
            graph.add((assertion, RDF.object, obj))
            graph.add((assertion, JKT.confidence, Literal(Decimal("0.7"), datatype=XSD.decimal)))
            graph.add((assertion, PROV.wasDerivedFrom, sentence))
            targets.extend([i, j])
        targets.append(i)
        if i % 10 == 0:
            figure = FIGURE[f"synthetic/{i}"]
            graph.add((figure, RDF.type, JKT.Figure))
            graph.add((figure, SCHEMA.value, Literal(Decimal(i), datatype=XSD.decimal)))
            graph.add((figure, SCHEMA.observationAbout, node))
            graph.add((figure, PROV.wasDerivedFrom, span_iri("synthetic", i, i + 10)))
    return graph


# Runs before the page's scripts: every drawing of the network is stamped (performance.now(), ms
# since navigation started), and so is every pointer move, to measure how soon the canvas follows.
STAMPS = """
window.__draws = [];
window.__moves = [];
window.__moveLatency = [];
Object.defineProperty(window, "kgNetwork", {
  configurable: true,
  get() { return window.__kgNetwork; },
  set(network) {
    window.__kgNetwork = network;
    network.on("afterDrawing", () => {
      const now = performance.now();
      window.__draws.push(now);
      for (const t of window.__moves) window.__moveLatency.push(now - t);
      window.__moves = [];
    });
  },
});
document.addEventListener("pointermove", (event) => { if (event.buttons) window.__moves.push(event.timeStamp); }, true);
// Typing in the search field (its suggestion list holds every name): from the key's input event
// to the frame after it.
window.__typing = [];
document.addEventListener("input", (event) => {
  if (event.target.id !== "search") return;
  const t = event.timeStamp;
  requestAnimationFrame(() => setTimeout(() => window.__typing.push(performance.now() - t), 0));
}, true);
"""

# A programmatic pan: the time from moveTo to the end of the next drawing, ten times.
PAN = """
async () => {
  const network = kgNetwork, times = [];
  for (let k = 0; k < 10; k++) {
    const p = network.getViewPosition();
    const t0 = performance.now();
    await new Promise((done) => { network.once("afterDrawing", done); network.moveTo({ position: { x: p.x + 120, y: p.y + (k % 2 ? -90 : 90) }, animation: false }); });
    times.push(performance.now() - t0);
    await new Promise((done) => setTimeout(done, 30));
  }
  return times;
}
"""

# The search form submitted as Enter would: time to the end of the first drawing with the result
# selected (details shown), and to the end of the zoom animation towards it.
SEARCH = """
(label) => new Promise((done) => {
  const input = document.getElementById("search"), form = document.getElementById("search-form");
  input.value = label;
  let t0 = 0, drawn = 0, handled = 0;
  kgNetwork.once("animationFinished", () => done({ handled: handled - t0, drawn: drawn - t0, animated: performance.now() - t0, focused: window.kgFocused }));
  form.addEventListener("submit", () => { handled = performance.now(); kgNetwork.once("afterDrawing", () => { drawn = performance.now(); }); }, { once: true });
  t0 = performance.now();
  form.requestSubmit();
})
"""


def browser_timings(path: Path, search: str) -> dict[str, object]:
    """First draw, pan and search in headless Chromium (ms), or {} without /usr/bin/chromium."""
    if not CHROMIUM.exists():
        return {}
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        page = browser.new_page(viewport={"width": 1400, "height": 900})
        page.add_init_script(STAMPS)
        start = time.perf_counter()
        page.goto(path.resolve().as_uri())
        page.wait_for_selector("body[data-ready=true]", timeout=300_000)
        ready = time.perf_counter() - start
        page.wait_for_timeout(1000)  # the fit after the first drawing draws once more
        draws = page.evaluate("window.__draws")
        shown = page.evaluate("[kgData.nodes.length, kgData.edges.length]")
        pan = page.evaluate(PAN)
        box = page.locator("#network").bounding_box()
        x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
        page.mouse.move(x, y)
        page.mouse.down()
        for k in range(1, 31):
            page.mouse.move(x + 8 * k, y + 5 * k)
            page.wait_for_timeout(16)
        page.mouse.up()
        page.wait_for_timeout(200)
        drag = page.evaluate("window.__moveLatency")
        page.click("#search")
        page.keyboard.type(search[:8], delay=60)
        page.wait_for_timeout(200)
        typing = page.evaluate("window.__typing")
        page.keyboard.press("Escape")
        found = page.evaluate(SEARCH, search)
        after = page.evaluate("[kgData.nodes.length, kgData.edges.length]")
        browser.close()
    return {
        "ready_wall_s": round(ready, 3),
        "first_draw_ms": round(draws[1] if len(draws) > 1 else draws[0], 1),
        "draws_before_interaction": len(draws),
        "shown_nodes_edges": shown,
        "pan_moveTo_ms": {"median": round(statistics.median(pan), 1), "max": round(max(pan), 1)},
        "pan_drag_ms": {"median": round(statistics.median(drag), 1), "max": round(max(drag), 1), "events": len(drag)} if drag else None,
        "typing_ms": {"median": round(statistics.median(typing), 1), "max": round(max(typing), 1), "keys": len(typing)} if typing else None,
        "search": {"label": search, "handled_ms": round(found["handled"], 1), "drawn_ms": round(found["drawn"], 1),
                   "animation_end_ms": round(found["animated"], 1), "found": found["focused"] is not None},
        "shown_after_search": after,
    }


def least_connected_label(html: str) -> str:
    """The label of an entity with the fewest relations (outside the first view of a large graph)."""
    import re

    data = json.loads(re.search(r'id="kg-data">(.*?)</script>', html, re.S)[1])
    node = min(data["nodes"], key=lambda n: (n["info"]["degree"] == 0, n["info"]["degree"], n["id"]))
    return node["info"]["label"]


def timed(timings: dict[str, float], name: str, call):
    start = time.perf_counter()
    value = call()
    timings[name] = round(time.perf_counter() - start, 3)
    return value


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--nodes", type=int, default=2000)
    parser.add_argument("--browser", action="store_true", help="also time the first draw, a pan and a search in headless Chromium")
    parser.add_argument("--no-stats", action="store_true", help="skip kg stats' measures")
    parser.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "results", help="directory for the JSON results")
    args = parser.parse_args()

    timings: dict[str, float] = {}
    graph = timed(timings, "rdf synthetic graph", lambda: synthetic_graph(args.nodes))
    projected = timed(timings, "to_networkx", lambda: to_networkx(graph))
    del graph, projected
    nx_graph = timed(timings, "synthetic network", lambda: synthetic_network(args.nodes))
    timed(timings, "layout", lambda: layout(nx_graph))
    html = timed(timings, "network_html (layout included)", lambda: network_html(nx_graph))
    if not args.no_stats:
        timed(timings, "graph_stats", lambda: graph_stats(nx_graph))
    print(f"{nx_graph.number_of_nodes()} nodes, {nx_graph.number_of_edges()} edges; page {len(html) / 2**20:.1f} MiB")
    for name, seconds in timings.items():
        print(f"  {name:32s} {seconds:6.2f} s")
    result: dict[str, object] = {"nodes": nx_graph.number_of_nodes(), "edges": nx_graph.number_of_edges(), "page_mib": round(len(html) / 2**20, 2),
                                 "python_s": timings, "machine": platform.platform(), "python": platform.python_version()}
    if args.browser:
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "graph.html"
            path.write_text(html, encoding="utf-8")
            browser = browser_timings(path, least_connected_label(html))
        if browser:
            print(f"  {'first draw in Chromium':32s} {browser['first_draw_ms'] / 1000:6.2f} s  ({browser['shown_nodes_edges'][0]} nodes, {browser['shown_nodes_edges'][1]} edges drawn)")
            print(f"  {'pan (moveTo to drawn)':32s} {browser['pan_moveTo_ms']['median']:6.1f} ms median, {browser['pan_moveTo_ms']['max']:.1f} max")
            if browser["pan_drag_ms"]:
                print(f"  {'pan (pointer move to drawn)':32s} {browser['pan_drag_ms']['median']:6.1f} ms median, {browser['pan_drag_ms']['max']:.1f} max")
            if browser["typing_ms"]:
                print(f"  {'typing in the search field':32s} {browser['typing_ms']['median']:6.1f} ms median, {browser['typing_ms']['max']:.1f} max (key to next frame)")
            search = browser["search"]
            print(f"  {'search (submit to drawn)':32s} {search['drawn_ms']:6.1f} ms; zoom animation ends at {search['animation_end_ms']:.0f} ms; found: {search['found']}")
        else:
            print("  (no /usr/bin/chromium: the browser was not timed)")
        result["browser"] = browser
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / f"viz-{args.nodes}.json").write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
