"""The network projection, the offline page, statistics and network export (no browser here)."""

from __future__ import annotations

import base64
import hashlib
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import networkx as nx
import pytest
from rdflib import Dataset, Graph, URIRef
from rdflib.namespace import DCTERMS, OWL, PROV, RDF, RDFS

from kg.cli import cli
from kg.gazetteer import ENTITY_TYPES
from kg.namespace import ITSRDF, JKT, NIF, SCHEMA
from kg.layout import layout
from kg.network import CLASS_STYLE, to_networkx
from kg.network_formats import export_network, flat_network
from kg.stats import graph_stats
from kg.viz import EXPAND_LIMIT, VIEW_LIMIT, network_html, render_html

ROOT = Path(__file__).resolve().parent.parent
SMALL = Path(__file__).parent / "data" / "viz" / "small.ttl"
ONTOLOGY = ROOT / "ontology" / "jkt.ttl"
PAYLOADS = ("<script>alert(1)</script>", "<img src=x onerror=alert(1)>", 'href="javascript:alert(1)"')


@pytest.fixture(scope="module")
def graph() -> Graph:
    return Graph().parse(SMALL)


@pytest.fixture(scope="module")
def nx_graph(graph) -> nx.MultiDiGraph:
    return to_networkx(graph)


@pytest.fixture(scope="module")
def page(graph) -> str:
    return render_html(graph)


def expected_entities(graph: Graph) -> set[str]:
    return {str(s) for name in ENTITY_TYPES for s in graph.subjects(RDF.type, JKT[name])}


def expected_relations(graph: Graph) -> set[tuple[str, str, str]]:
    """Relation triples between entities, with the relation properties read by SPARQL from the ontology."""
    ontology = Graph().parse(ONTOLOGY)
    rows = ontology.query("PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#> PREFIX jkt: <https://w3id.org/jk-tech/ontology#> "
                          "SELECT ?p WHERE { ?p rdfs:subPropertyOf* jkt:relatedTo }")
    props = {row.p for row in rows}
    entities = expected_entities(graph)
    return {(str(s), str(p), str(o)) for s, p, o in graph if p in props and str(s) in entities and str(o) in entities}


# --- projection ---------------------------------------------------------------------------------


def test_nodes_are_exactly_the_typed_entities(graph, nx_graph):
    assert set(nx_graph.nodes) == expected_entities(graph)
    assert "https://w3id.org/jk-tech/id/untyped" not in nx_graph


def test_edges_are_the_relation_triples_between_entities(graph, nx_graph):
    got = {(u, data["relation_iri"], v) for u, v, data in nx_graph.edges(data=True)}
    assert got == expected_relations(graph)
    # holdsDialogueWith is a sub-property of a sub-property of relatedTo; skos:broader is no relation
    assert ("https://w3id.org/jk-tech/id/japan", str(JKT.holdsDialogueWith), "https://w3id.org/jk-tech/id/south-korea") in got
    assert not nx_graph.has_edge("https://w3id.org/jk-tech/id/semiconductors", "https://w3id.org/jk-tech/id/electronics")


def test_edge_labels_come_from_the_ontology(nx_graph):
    ontology = Graph().parse(ONTOLOGY)
    for _, _, data in nx_graph.edges(data=True):
        assert data["label"] == str(ontology.value(URIRef(data["relation_iri"]), RDFS.label))


def test_parallel_relations_stay_separate_edges(nx_graph):
    keys = set(nx_graph["https://w3id.org/jk-tech/id/japan"]["https://w3id.org/jk-tech/id/south-korea"])
    assert keys == {"imposesExportControlsOn", "tradesWith", "holdsDialogueWith"}


def test_edge_evidence_is_the_assertion_sentence_with_its_document_title(graph, nx_graph):
    for assertion in graph.subjects(RDF.type, JKT.Assertion):
        s, p, o = (graph.value(assertion, x) for x in (RDF.subject, RDF.predicate, RDF.object))
        if str(s) not in nx_graph or str(o) not in nx_graph:
            continue
        sentence = graph.value(assertion, PROV.wasDerivedFrom)
        doc = graph.value(sentence, NIF.referenceContext)
        data = nx_graph.edges[str(s), str(o), p.split("#")[1]]
        assert {"sentence": str(graph.value(sentence, NIF.anchorOf)), "document": str(graph.value(doc, DCTERMS.title))} in [
            {"sentence": e["sentence"], "document": e["document"]} for e in data["evidence"]
        ]
        assert data["confidence"] == float(graph.value(assertion, JKT.confidence))
    no_assertion = nx_graph.edges["https://w3id.org/jk-tech/id/japan", "https://w3id.org/jk-tech/id/south-korea", "tradesWith"]
    assert no_assertion["evidence"] == [] and no_assertion["confidence"] is None


def test_figures_hang_on_their_subject(graph, nx_graph):
    for figure in graph.subjects(RDF.type, JKT.Figure):
        subject = str(graph.value(figure, SCHEMA.observationAbout))
        [item] = [f for f in nx_graph.nodes[subject]["figures"] if f["iri"] == str(figure)]
        assert item["value"] == str(int(graph.value(figure, SCHEMA.value).toPython()))
        assert item["period"] == str(graph.value(figure, JKT.period))
        assert item["unit"] == "%"
        assert item["measure"] == str(graph.value(figure, JKT.measureText))
        assert item["sentence"] == str(graph.value(graph.value(figure, PROV.wasDerivedFrom), NIF.anchorOf))
    assert sum(len(d["figures"]) for _, d in nx_graph.nodes(data=True)) == len(set(graph.subjects(RDF.type, JKT.Figure)))


def test_node_attributes(graph, nx_graph):
    japan = nx_graph.nodes["https://w3id.org/jk-tech/id/japan"]
    assert japan["label"] == "Japan"  # English label, not the Japanese prefLabel
    assert japan["type"] == "Country"
    assert japan["wikidata"] == str(graph.value(URIRef(japan["iri"]), OWL.sameAs))
    assert japan["degree"] == nx_graph.degree("https://w3id.org/jk-tech/id/japan") == 5
    assert japan["mentions"] == 2
    sentences = {graph.value(m, NIF.sentence) for m in graph.subjects(ITSRDF.taIdentRef, URIRef(japan["iri"]))}
    in_order = sorted(sentences, key=lambda s: int(graph.value(s, NIF.beginIndex)))
    assert [e["sentence"] for e in japan["evidence"]] == [str(graph.value(s, NIF.anchorOf)) for s in in_order]
    assert {e["document"] for e in japan["evidence"]} == {str(graph.value(URIRef("https://w3id.org/jk-tech/doc/d1"), DCTERMS.title))}
    # The most specific class wins for an entity typed twice.
    assert nx_graph.nodes["https://w3id.org/jk-tech/id/tokyo"]["type"] == "Country"


def test_only_http_iris_become_wikidata_links(nx_graph):
    evil = nx_graph.nodes["https://w3id.org/jk-tech/id/evil"]
    assert evil["wikidata"] == ""


def test_a_dataset_gives_the_same_network_as_its_union(graph, nx_graph):
    dataset = Dataset()
    named = dataset.graph(URIRef("https://w3id.org/jk-tech/doc/d1"))
    for triple in graph:
        named.add(triple)
    other = to_networkx(dataset)
    assert set(other.nodes) == set(nx_graph.nodes)
    assert set(other.edges(keys=True)) == set(nx_graph.edges(keys=True))


def test_every_entity_class_has_a_style():
    assert set(CLASS_STYLE) == set(ENTITY_TYPES)
    assert len({style for style in CLASS_STYLE.values()}) == len(CLASS_STYLE)


# --- layout -------------------------------------------------------------------------------------


def _random_network(n: int, seed: int = 3) -> nx.MultiDiGraph:
    base = nx.barabasi_albert_graph(n, 2, seed=seed)
    net = nx.MultiDiGraph()
    for node in base:
        net.add_node(f"n{node}", label=f"Entity {node}")
    for u, v in base.edges():
        net.add_edge(f"n{u}", f"n{v}", key="relatedTo")
    net.add_node("alone", label="alone")
    return net


@pytest.mark.parametrize("n", [12, 600], ids=["spring", "core-and-spread"])
def test_layout_is_seeded_complete_and_spread(n):
    net = _random_network(n)
    first, second = layout(net), layout(net)
    assert first == second
    assert set(first) == set(net.nodes)
    assert len(set(first.values())) == len(first), "two nodes share a position"
    assert layout(net, seed=7) != first


def _outputs_under_hash_seeds(code: str) -> set[str]:
    """What ``python -c code`` prints under two PYTHONHASHSEEDs (one element if it does not depend on the seed)."""
    outputs = set()
    for seed in ("1", "2"):
        done = subprocess.run([sys.executable, "-c", code], env={**os.environ, "PYTHONHASHSEED": seed}, capture_output=True, text=True, cwd=ROOT, timeout=120)
        assert done.returncode == 0, done.stderr
        outputs.add(done.stdout)
    return outputs


def test_layout_does_not_depend_on_the_hash_seed():
    """Set iteration order changes with PYTHONHASHSEED; positions must not."""
    code = (
        "import networkx as nx, json\n"
        "from kg.layout import layout\n"
        "net = nx.MultiDiGraph()\n"
        "for u, v in nx.barabasi_albert_graph(600, 2, seed=3).edges(): net.add_edge(f'n{u}', f'n{v}')\n"
        "for u, v in nx.path_graph(30).edges(): net.add_edge(f'p{u}', f'p{v}')\n"
        "print(json.dumps(sorted(layout(net).items())))\n"
    )
    assert len(_outputs_under_hash_seeds(code)) == 1


# --- the page -----------------------------------------------------------------------------------


def test_page_links_nothing_external(page):
    assert not re.search(r"<(link|img|iframe|object|embed|base)\b", page, re.IGNORECASE)
    assert not re.search(r"<script[^>]*\bsrc=", page, re.IGNORECASE)
    assert "@import" not in page
    assert all(url.startswith(("data:", '"data:', "'data:")) for url in re.findall(r"url\(\s*([^)]{0,10})", page))
    assert "cdn.jsdelivr" not in page and "cdnjs" not in page and "bootstrap" not in page.lower()


def _inline_scripts(page: str) -> list[str]:
    return re.findall(r"<script>(.*?)</script>", page, re.DOTALL)


def test_csp_allows_only_the_pages_own_scripts_and_no_requests(page):
    csp = re.search(r'http-equiv="Content-Security-Policy" content="([^"]*)"', page).group(1).replace("&#39;", "'")
    assert "default-src 'none'" in csp
    scripts = _inline_scripts(page)
    assert len(scripts) == 2  # vis-network and the page's own script; the data block is not executable
    for script in scripts:
        digest = base64.b64encode(hashlib.sha256(script.encode("utf-8")).digest()).decode()
        assert f"'sha256-{digest}'" in csp
    assert "unsafe-inline" not in csp.split("script-src", 1)[1].split(";")[0]


def test_untrusted_text_cannot_break_out_of_the_data_block(graph, page):
    for payload in PAYLOADS:
        assert payload in "".join(str(o) for o in graph.objects())  # the fixture does carry it
        assert payload not in page
    assert len(re.findall(r"^<script", page, re.MULTILINE)) == 3
    assert "sourceMappingURL" not in page
    data = json.loads(re.search(r'<script type="application/json" id="kg-data">(.*?)</script>', page, re.DOTALL).group(1))
    sentences = [e["sentence"] for node in data["nodes"] for e in node["info"]["evidence"]]
    sentences += [e["sentence"] for edge in data["edges"] for e in edge["info"]["evidence"]]
    assert any(PAYLOADS[0] in s for s in sentences)  # kept verbatim as data, shown as text by the page


def test_page_data_matches_the_projection(page, nx_graph):
    data = json.loads(re.search(r'id="kg-data">(.*?)</script>', page, re.DOTALL).group(1))
    assert len(data["nodes"]) == nx_graph.number_of_nodes()
    assert len(data["edges"]) == nx_graph.number_of_edges()
    assert data["options"]["physics"]["enabled"] is False
    assert all("x" in n and "y" in n for n in data["nodes"])
    by_label = {n["label"]: n for n in data["nodes"]}
    assert by_label["Japan"]["size"] > by_label["lonely technology"]["size"]
    assert by_label["Japan"]["shape"] == CLASS_STYLE["Country"][1]
    assert sorted(r["label"] for r in data["relations"]) == sorted({d["label"] for _, _, d in nx_graph.edges(data=True)})
    assert {c["name"]: c["count"] for c in data["classes"]} == graph_stats(nx_graph)["classes"]


def test_page_is_deterministic(graph, page):
    assert render_html(graph) == page


def test_a_small_graph_is_drawn_whole(page):
    """Up to VIEW_LIMIT entities the page carries no partial view: no note, no buttons, no "view" data."""
    data = json.loads(re.search(r'id="kg-data">(.*?)</script>', page, re.DOTALL).group(1))
    assert "view" not in data
    assert 'id="view-note"' not in page and 'id="view-first"' not in page
    assert '<p id="summary">' + f"{len(data['nodes'])} entities, {len(data['edges'])} relations</p>\n  <form" in page


@pytest.mark.parametrize("size,partial", [(VIEW_LIMIT, False), (VIEW_LIMIT + 1, True)])
def test_a_graph_above_the_view_limit_opens_on_its_most_connected_entities(size, partial):
    from .synthetic import synthetic_network

    net = synthetic_network(size)
    html = network_html(net)
    data = json.loads(re.search(r'id="kg-data">(.*?)</script>', html, re.DOTALL).group(1))
    assert len(data["nodes"]) == size and len(data["edges"]) == net.number_of_edges()
    assert ('id="view-note"' in html) is partial and ("view" in data) is partial
    if partial:
        iris = {n["id"]: n["info"]["iri"] for n in data["nodes"]}
        first = sorted(net, key=lambda n: (-net.degree(n), n))[:VIEW_LIMIT]
        assert sorted(iris[i] for i in data["view"]["first"]) == sorted(first)
        assert data["view"]["expand"] == EXPAND_LIMIT
        assert f"Showing {VIEW_LIMIT} of {size} entities" in html
        assert len(_inline_scripts(html)) == 2 and len(re.findall(r"^<script", html, re.MULTILINE)) == 3


def test_a_large_page_does_not_depend_on_the_hash_seed():
    code = (
        "import hashlib\n"
        "from kg.viz import network_html\n"
        "from tests.synthetic import synthetic_network\n"
        "print(hashlib.sha256(network_html(synthetic_network(900)).encode()).hexdigest())\n"
    )
    assert len(_outputs_under_hash_seeds(code)) == 1


def test_page_escapes_its_title(nx_graph):
    html = network_html(nx_graph, title="<b>x</b>")
    assert "<b>x</b>" not in html and "&lt;b&gt;x&lt;/b&gt;" in html


# --- statistics ---------------------------------------------------------------------------------


def test_stats(graph, nx_graph):
    stats = graph_stats(nx_graph)
    assert stats["nodes"] == len(expected_entities(graph))
    assert stats["edges"] == len(expected_relations(graph))
    assert sum(stats["classes"].values()) == stats["nodes"]
    assert sum(stats["relations"].values()) == stats["edges"]
    assert stats["top_degree"][0]["label"] == "Japan"
    assert stats["top_betweenness"][0]["label"] == "Chip 4"  # every path between the two groups crosses it
    undirected = nx.Graph(nx_graph.to_undirected())
    assert stats["components"]["count"] == nx.number_connected_components(undirected)
    assert stats["components"]["isolated"] == sum(1 for n in undirected if undirected.degree(n) == 0)
    assert sum(c["size"] for c in stats["communities"]) <= stats["nodes"]
    assert graph_stats(nx_graph) == stats
    json.dumps(stats)


def test_stats_of_an_empty_graph():
    stats = graph_stats(to_networkx(Graph()))
    assert stats["nodes"] == 0 and stats["communities"] == [] and stats["top_degree"] == []


# --- export -------------------------------------------------------------------------------------


def test_flat_network_holds_only_strings_and_numbers(nx_graph):
    flat = flat_network(nx_graph)
    values = [v for _, d in flat.nodes(data=True) for v in d.values()] + [v for _, _, d in flat.edges(data=True) for v in d.values()]
    assert values and all(isinstance(v, (str, int, float)) for v in values)


@pytest.mark.parametrize("fmt,reader", [("graphml", nx.read_graphml), ("gexf", nx.read_gexf)])
def test_export_network_round_trips(tmp_path, nx_graph, fmt, reader):
    path = export_network(nx_graph, tmp_path / f"g.{fmt}", fmt)
    back = reader(path)
    assert back.number_of_nodes() == nx_graph.number_of_nodes()
    assert back.number_of_edges() == nx_graph.number_of_edges()
    label = back.nodes["https://w3id.org/jk-tech/id/south-korea"].get("label")
    assert label == "South Korea"
    again = export_network(nx_graph, tmp_path / f"h.{fmt}", fmt)
    assert again.read_bytes() == path.read_bytes()


# --- command line -------------------------------------------------------------------------------


def test_kg_viz_writes_the_page(runner, tmp_path, graph):
    out = tmp_path / "sub" / "graph.html"
    result = runner.invoke(cli, ["viz", str(SMALL), "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert out.read_text(encoding="utf-8") == render_html(graph)
    assert f"{len(expected_entities(graph))} entities, {len(expected_relations(graph))} relations" in result.output


def test_kg_stats_table_and_json(runner, nx_graph):
    table = runner.invoke(cli, ["stats", str(SMALL)])
    assert table.exit_code == 0, table.output
    assert "Top entities by betweenness centrality" in table.output and "member of" in table.output
    as_json = runner.invoke(cli, ["stats", str(SMALL), "--format", "json", "--top", "3"])
    assert as_json.exit_code == 0
    stats = json.loads(as_json.output)
    assert stats["nodes"] == nx_graph.number_of_nodes() and len(stats["top_degree"]) == 3


@pytest.mark.parametrize("command", ["viz", "stats"])
def test_missing_graph_is_a_one_line_error(runner, tmp_path, command):
    result = runner.invoke(cli, [command, str(tmp_path / "nope.ttl")])
    assert result.exit_code == 2
    assert "nope.ttl" in result.output and "Traceback" not in result.output


@pytest.mark.parametrize("fmt,reader", [("graphml", nx.read_graphml), ("gexf", nx.read_gexf)])
def test_kg_export_network_formats(runner, tmp_path, nx_graph, fmt, reader):
    out = tmp_path / f"graph.{fmt}"
    result = runner.invoke(cli, ["export", str(SMALL), "--format", fmt, "--out", str(out)])
    assert result.exit_code == 0, result.output
    back = reader(out)
    assert (back.number_of_nodes(), back.number_of_edges()) == (nx_graph.number_of_nodes(), nx_graph.number_of_edges())


@pytest.mark.slow
def test_build_writes_the_page_by_default(built):
    result, out = built
    page = (out / "graph.html").read_text(encoding="utf-8")
    data = json.loads(re.search(r'id="kg-data">(.*?)</script>', page, re.DOTALL).group(1))
    nx_graph = to_networkx(result.dataset)
    assert len(data["nodes"]) == nx_graph.number_of_nodes() > 0
    assert len(data["edges"]) == nx_graph.number_of_edges()


def test_readme_documents_the_network_commands_and_shows_the_screenshot():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Explore the graph", 1)[1].split("\n## ", 1)[0]
    for command in ("kg viz", "kg stats", "kg export --format graphml", "kg export --format gexf"):
        assert command in section
    for name in ("viz", "stats"):
        assert f"| `kg {name} " in readme  # the command table
    assert "](docs/graph.png)" in section
    screenshot = ROOT / "docs" / "graph.png"
    assert screenshot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert screenshot.stat().st_size < 300_000
