"""The ontology's HTML page (pyLODE), and the README's worked example against the corpus."""

from __future__ import annotations

import logging
import re
from pathlib import Path

import pytest
from rdflib import Graph, URIRef
from rdflib.namespace import DCTERMS, RDF, XSD

from kg.cli import cli
from kg.docs import ontology_html, write_ontology_docs
from kg.errors import GraphError
from kg.namespace import JKT, NIF, PREFIXES, SCHEMA

from .conftest import ROOT

README = ROOT / "README.md"


@pytest.fixture(scope="module")
def page() -> str:
    return ontology_html()


def test_page_documents_classes_and_properties(page):
    assert "<title>Japan–South Korea technology relations ontology</title>" in page
    for term in ("memberOf", "Figure", "Country", "Assertion", "figureKind", "confidence"):
        assert f'id="{term}"' in page, term
    assert "0.1.0" in page  # the version


def test_page_needs_no_network(page):
    """CSS is inline and no script or stylesheet is fetched; only term IRIs are linked."""
    assert "<style>" in page
    assert not re.search(r'<script[^>]+src=', page)
    assert not re.search(r'<link[^>]+rel="stylesheet"', page)


def test_page_is_the_same_every_time(page):
    assert ontology_html() == page


def test_write_is_atomic_and_leaves_no_temporary_files(tmp_path):
    path = write_ontology_docs(tmp_path / "site" / "ontology.html")
    assert path.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    assert [p.name for p in path.parent.iterdir()] == ["ontology.html"]


def test_pylode_leaves_the_root_logger_alone(tmp_path):
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    ontology_html()
    assert root.handlers == handlers and root.level == level


def test_missing_or_broken_ontology_is_a_graph_error(tmp_path):
    with pytest.raises(GraphError, match="no such ontology file"):
        ontology_html(tmp_path / "missing.ttl")
    broken = tmp_path / "broken.ttl"
    broken.write_text("not turtle at all", encoding="utf-8")
    with pytest.raises(GraphError, match="not valid Turtle"):
        ontology_html(broken)


def test_cli_docs(runner, tmp_path):
    out = tmp_path / "ontology.html"
    result = runner.invoke(cli, ["docs", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert result.output.strip() == f"Wrote {out}"
    assert 'id="memberOf"' in out.read_text(encoding="utf-8")


def test_cli_docs_unwritable_target_exits_2(runner, tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("", encoding="utf-8")
    result = runner.invoke(cli, ["docs", "--out", str(blocker / "ontology.html")])
    assert result.exit_code == 2
    assert result.output.startswith("Error: ")


# ------------------------------------------------------------------------------------------------
# The README's worked example is real: its offsets slice the corpus file, its terms exist.
# ------------------------------------------------------------------------------------------------


def _readme_example() -> Graph:
    text = README.read_text(encoding="utf-8")
    section = text[text.index("## The model"):]
    blocks = re.findall(r"```turtle\n(.*?)```", section, re.DOTALL)
    assert blocks, "the README's model section has a ```turtle example"
    prefixes = "".join(f"@prefix {p}: <{ns}> .\n" for p, ns in PREFIXES.items())
    return Graph().parse(data=prefixes + blocks[0], format="turtle")


def test_readme_example_offsets_slice_the_corpus_file():
    graph = _readme_example()
    sentences = list(graph.subjects(RDF.type, JKT.Sentence))
    assert len(sentences) == 1
    sentence = sentences[0]
    doc = graph.value(sentence, NIF.referenceContext)
    identifier = str(graph.value(doc, DCTERMS.identifier))
    stored = (ROOT / "corpus" / f"{identifier}.txt").read_bytes().decode("utf-8")
    begin, end = int(graph.value(sentence, NIF.beginIndex)), int(graph.value(sentence, NIF.endIndex))
    assert stored[begin:end] == str(graph.value(sentence, NIF.anchorOf))
    assert "Bilateral trade reached $88.3 billion in 2025" in stored[begin:end]
    assert str(sentence).endswith(f"#char={begin},{end}")
    figure = next(graph.subjects(RDF.type, JKT.Figure))
    assert graph.value(figure, URIRef("http://www.w3.org/ns/prov#wasDerivedFrom")) == sentence
    assert graph.value(figure, SCHEMA.value).datatype == XSD.decimal
    figure_begin, figure_end = (int(n) for n in str(figure).rsplit("/", 1)[1].split("-"))
    assert stored[figure_begin:figure_end] == str(graph.value(figure, JKT.surfaceText))


def test_readme_example_uses_only_ontology_terms():
    graph = _readme_example()
    ns = str(JKT._NS)
    used = {str(t)[len(ns):] for triple in graph for t in triple if str(t).startswith(ns)}
    assert used <= set(JKT.__annotations__), used - set(JKT.__annotations__)


def test_readme_lists_the_validate_and_docs_commands():
    text = README.read_text(encoding="utf-8")
    for command in ("`kg validate", "`kg docs"):
        assert command in text
    assert Path(ROOT / "ontology" / "shapes.ttl").is_file()


@pytest.mark.slow
def test_readme_example_matches_the_built_graph(built):
    """The example's figure, sentence, mention and entity triples are what kg build writes."""
    from kg.store import load_union

    _, out = built
    graph = load_union(out / "graph.trig")
    example = _readme_example()
    prov_generated = URIRef("http://www.w3.org/ns/prov#wasGeneratedBy")
    checked = 0
    for cls in (JKT.Figure, JKT.Sentence, JKT.Mention, JKT.Country):
        for node in example.subjects(RDF.type, cls):
            for triple in example.triples((node, None, None)):
                if triple[1] == prov_generated:  # the build id is a hash of the corpus
                    continue
                assert triple in graph, f"README example out of date: {triple} is not in the built graph"
                checked += 1
    assert checked > 30
