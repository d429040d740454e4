"""Benchmark the network page on a synthetic graph: projection, layout, HTML, and (optionally) first draw.

    .venv/bin/python benchmarks/bench_viz.py                 # 2,000 entities
    .venv/bin/python benchmarks/bench_viz.py --nodes 5000 --browser

The synthetic graph follows kg's RDF model (typed entities, relation triples with reified
assertions and evidence sentences, figures), with a preferential-attachment shape like news
graphs: a few hubs (countries, big firms) and many entities mentioned once.
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

from rdflib import Graph, Literal
from rdflib.namespace import PROV, RDF, RDFS, XSD

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from kg.namespace import ASSERTION, FIGURE, JKT, NIF, SCHEMA, bind_prefixes, document_iri, entity_iri, span_iri  # noqa: E402
from kg.layout import layout  # noqa: E402
from kg.network import CLASS_STYLE, relation_labels, to_networkx  # noqa: E402
from kg.viz import network_html  # noqa: E402


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


def first_draw_seconds(path: Path) -> float | None:
    """Seconds from navigation to the page's first drawing in headless Chromium, or None."""
    if not Path("/usr/bin/chromium").exists():
        return None
    from playwright.sync_api import sync_playwright

    args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"]
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=args)
        page = browser.new_page(viewport={"width": 1400, "height": 900})
        start = time.perf_counter()
        page.goto(path.resolve().as_uri())
        page.wait_for_selector("body[data-ready=true]", timeout=300_000)
        seconds = time.perf_counter() - start
        browser.close()
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--nodes", type=int, default=2000)
    parser.add_argument("--browser", action="store_true", help="also time the first draw in headless Chromium")
    args = parser.parse_args()

    graph = synthetic_graph(args.nodes)
    timings = {}
    start = time.perf_counter()
    nx_graph = to_networkx(graph)
    timings["to_networkx"] = time.perf_counter() - start
    start = time.perf_counter()
    layout(nx_graph)
    timings["layout"] = time.perf_counter() - start
    start = time.perf_counter()
    html = network_html(nx_graph)
    timings["network_html (layout included)"] = time.perf_counter() - start
    print(f"{nx_graph.number_of_nodes()} nodes, {nx_graph.number_of_edges()} edges, {len(graph)} triples; page {len(html) / 2**20:.1f} MiB")
    for name, seconds in timings.items():
        print(f"  {name:32s} {seconds:6.2f} s")
    if args.browser:
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "graph.html"
            path.write_text(html, encoding="utf-8")
            seconds = first_draw_seconds(path)
        print(f"  {'first draw in Chromium':32s} {seconds:6.2f} s" if seconds is not None else "  (no /usr/bin/chromium: first draw not timed)")


if __name__ == "__main__":
    main()
