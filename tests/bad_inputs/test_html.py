"""Bad-input catalogue, HTML page (cases 48-51, and case 29's long label): article text stays inert."""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, PROV, RDF, RDFS

from kg.namespace import JKT, NIF
from kg.viz import MAX_LABEL, render_html

JKE = "https://w3id.org/jk-tech/id/"
DOC = URIRef("https://w3id.org/jk-tech/doc/d1")


def graph_with(label: str, sentence: str = "A sentence.", title: str = "A title") -> Graph:
    """Two typed entities in one relation whose evidence sentence and document title are given."""
    graph = Graph()
    a, b = URIRef(JKE + "a"), URIRef(JKE + "b")
    graph.add((a, RDF.type, JKT.Country))
    graph.add((a, RDFS.label, Literal(label, lang="en")))
    graph.add((b, RDF.type, JKT.Country))
    graph.add((b, RDFS.label, Literal("B", lang="en")))
    graph.add((a, JKT.cooperatesWith, b))
    span = URIRef(str(DOC) + "#char=0,10")
    graph.add((span, RDF.type, JKT.Sentence))
    graph.add((span, NIF.anchorOf, Literal(sentence)))
    graph.add((span, NIF.referenceContext, DOC))
    graph.add((DOC, DCTERMS.title, Literal(title)))
    assertion = URIRef("https://w3id.org/jk-tech/assertion/d1/0")
    for p, o in ((RDF.type, JKT.Assertion), (RDF.subject, a), (RDF.predicate, JKT.cooperatesWith), (RDF.object, b), (PROV.wasDerivedFrom, span)):
        graph.add((assertion, p, o))
    return graph


def page_data(page: str) -> dict:
    return json.loads(re.search(r'<script type="application/json" id="kg-data">(.*?)</script>', page, re.S)[1])


def scripts(page: str) -> list[str]:
    return re.findall(r"<script\b[^>]*>", page)


class _Check(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)


def test_case_48_script_end_tag_in_a_label_is_inert():
    hostile = "</script><script>alert(1)</script>"
    page = render_html(graph_with(hostile))
    assert hostile not in page
    assert len(scripts(page)) == len(scripts(render_html(graph_with("plain"))))
    assert hostile in [n["label"] for n in page_data(page)["nodes"]]


def test_case_49_href_and_img_onerror_are_escaped():
    hostile = '<a href="javascript:alert(1)">x</a><img src=x onerror=alert(1)>'
    page = render_html(graph_with(hostile, sentence=hostile))
    assert "<img" not in page and "onerror=alert" not in page.split('id="kg-data">')[0]
    parser = _Check()
    parser.feed(page)
    assert "img" not in parser.tags and "a" not in parser.tags
    data = page_data(page)
    assert [item["sentence"] for e in data["edges"] for item in e["info"]["evidence"]] == [hostile]


def test_case_50_markup_in_a_document_title_is_escaped():
    title = "<h1>Breaking</h1><b onmouseover=alert(1)>news</b>"
    page = render_html(graph_with("A", title=title))
    assert title not in page and "<b onmouseover" not in page
    assert title in json.dumps(page_data(page)["edges"], ensure_ascii=False)


@pytest.mark.parametrize("graph", [Graph(), None], ids=["case-51-empty", "case-51-edge-to-missing-node"])
def test_case_51_empty_graph_or_dangling_edge_gives_a_valid_page(graph):
    if graph is None:
        graph = graph_with("A")
        graph.remove((URIRef(JKE + "b"), None, None))  # the relation now points at an untyped node
    page = render_html(graph)
    assert page.startswith("<!DOCTYPE html>") and page.rstrip().endswith("</html>")
    data = page_data(page)
    assert all(e["to"] in {n["id"] for n in data["nodes"]} for e in data["edges"])


def test_case_29_a_10000_character_label_is_shortened_in_the_page_and_kept_whole_for_the_details():
    label = "Samsung " * 1250
    node = next(n for n in page_data(render_html(graph_with(label)))["nodes"] if n["info"]["iri"] == JKE + "a")
    assert len(node["label"]) == MAX_LABEL and node["label"].endswith("\u2026")
    assert node["info"]["label"] == label
