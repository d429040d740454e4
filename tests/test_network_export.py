"""GraphML and GEXF for Gephi: unique edge ids, numeric weights, and in GEXF the viewer's look."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections import Counter
from pathlib import Path

import networkx as nx
import pytest
from rdflib import Graph

from kg.layout import layout
from kg.network import CLASS_STYLE, node_size, to_networkx
from kg.network_formats import edge_ids, export_network, hex_rgb
from kg.viz import to_pyvis

SMALL = Path(__file__).parent / "data" / "viz" / "small.ttl"
GEXF_VIZ = "{http://www.gexf.net/1.2draft/viz}"


@pytest.fixture(scope="module")
def nx_graph() -> nx.MultiDiGraph:
    return to_networkx(Graph().parse(SMALL))


def xml_edge_ids(path: Path) -> list[str]:
    return [e.get("id") for e in ET.parse(path).getroot().iter() if e.tag.rsplit("}", 1)[-1] == "edge"]


def test_the_fixture_has_parallel_edges_of_one_relation_between_different_pairs(nx_graph):
    relations = Counter(key for _, _, key in nx_graph.edges(keys=True))
    assert max(relations.values()) > 1  # the case where ids used to repeat


@pytest.mark.parametrize("fmt", ["graphml", "gexf"])
def test_every_edge_has_a_unique_id(tmp_path, nx_graph, fmt):
    path = export_network(nx_graph, tmp_path / f"g.{fmt}", fmt)
    ids = xml_edge_ids(path)
    assert len(ids) == nx_graph.number_of_edges() and len(set(ids)) == len(ids) and None not in ids
    assert ids == edge_ids(nx_graph)
    # the viewer names its edges the same way
    assert [edge["id"] for edge in to_pyvis(nx_graph).edges] == ids


@pytest.mark.parametrize("fmt,reader", [("graphml", nx.read_graphml), ("gexf", nx.read_gexf)])
def test_every_edge_has_a_numeric_weight_counting_its_assertions(tmp_path, nx_graph, fmt, reader):
    back = reader(export_network(nx_graph, tmp_path / f"g.{fmt}", fmt))
    assert back.number_of_edges() == nx_graph.number_of_edges()
    expected = Counter((u, v, data["relation"], max(1, data["assertions"])) for u, v, data in nx_graph.edges(data=True))
    found = Counter((u, v, data["relation"], data["weight"]) for u, v, data in back.edges(data=True))
    assert found == expected
    assert all(isinstance(data["weight"], float) for _, _, data in back.edges(data=True))


def test_gexf_nodes_carry_the_viewers_colour_size_and_position(tmp_path, nx_graph):
    back = nx.read_gexf(export_network(nx_graph, tmp_path / "g.gexf", "gexf"))
    positions = layout(nx_graph)
    assert set(back) == set(nx_graph)
    for node, data in back.nodes(data=True):
        viz, original = data["viz"], nx_graph.nodes[node]
        assert {k: viz["color"][k] for k in "rgb"} == hex_rgb(CLASS_STYLE[original["type"]][0])
        assert viz["size"] == node_size(original["degree"])
        x, y = positions[node]
        assert viz["position"]["x"] == pytest.approx(x) and viz["position"]["y"] == pytest.approx(-y)


def test_gexf_viz_elements_are_on_every_node(tmp_path, nx_graph):
    root = ET.parse(export_network(nx_graph, tmp_path / "g.gexf", "gexf")).getroot()
    nodes = [e for e in root.iter() if e.tag.endswith("}node")]
    assert len(nodes) == nx_graph.number_of_nodes()
    for node in nodes:
        assert {child.tag for child in node} >= {GEXF_VIZ + "color", GEXF_VIZ + "size", GEXF_VIZ + "position"}


@pytest.mark.parametrize("fmt", ["graphml", "gexf"])
def test_network_files_are_deterministic(tmp_path, nx_graph, fmt):
    first = export_network(nx_graph, tmp_path / f"a.{fmt}", fmt).read_bytes()
    assert export_network(to_networkx(Graph().parse(SMALL)), tmp_path / f"b.{fmt}", fmt).read_bytes() == first


@pytest.mark.slow
@pytest.mark.parametrize("fmt", ["graphml", "gexf"])
def test_corpus_network_has_unique_edge_ids(built, tmp_path, fmt):
    from kg.export import export_graph
    from kg.store import load_graph

    _, out = built
    nx_graph = to_networkx(load_graph(out / "graph.trig"))
    path = export_graph(load_graph(out / "graph.trig"), tmp_path / f"g.{fmt}", fmt)[0]
    ids = xml_edge_ids(path)
    assert len(ids) == len(set(ids)) == nx_graph.number_of_edges() > 30
    back = nx.read_graphml(path) if fmt == "graphml" else nx.read_gexf(path)
    weights = {(u, v, d["relation"]): d["weight"] for u, v, d in back.edges(data=True)}
    assert weights == {(u, v, d["relation"]): float(max(1, d["assertions"])) for u, v, d in nx_graph.edges(data=True)}
    assert max(weights.values()) > 1  # an edge several sentences support weighs more
