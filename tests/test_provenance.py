"""Provenance in the built corpus graph: SPARQL reaches, for every mention, figure and assertion,
its sentence (text and offsets that slice the stored document exactly), its document and the build
that produced it."""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import Literal
from rdflib.namespace import RDF, XSD

from kg import __version__
from kg.corpus import read_corpus
from kg.namespace import JKT, PREFIXES, document_iri
from kg.store import load_union

from .conftest import CORPUS


SPARQL_PREFIXES = "".join(f"PREFIX {p}: <{ns}>\n" for p, ns in PREFIXES.items())

#: Figures and assertions -> the sentence they were derived from -> its document.
EVIDENCE = SPARQL_PREFIXES + """
SELECT ?item ?text ?begin ?end ?doc ?id ?stored WHERE {
    VALUES ?class { jkt:Figure jkt:Assertion }
    ?item a ?class ;
          prov:wasDerivedFrom ?sentence .
    ?sentence a jkt:Sentence ;
              nif:anchorOf ?text ;
              nif:beginIndex ?begin ;
              nif:endIndex ?end ;
              nif:referenceContext ?doc .
    ?doc a jkt:Document ;
         dcterms:identifier ?id ;
         nif:isString ?stored .
}
"""

#: Mentions -> their own offsets, their sentence and their document.
MENTIONS = SPARQL_PREFIXES + """
SELECT ?mention ?text ?begin ?end ?sentenceText ?sentenceBegin ?sentenceEnd ?id ?stored WHERE {
    ?mention a jkt:Mention ;
             nif:anchorOf ?text ;
             nif:beginIndex ?begin ;
             nif:endIndex ?end ;
             nif:sentence ?sentence ;
             nif:referenceContext ?doc .
    ?sentence nif:anchorOf ?sentenceText ;
              nif:beginIndex ?sentenceBegin ;
              nif:endIndex ?sentenceEnd ;
              nif:referenceContext ?doc .
    ?doc dcterms:identifier ?id ;
         nif:isString ?stored .
}
"""

#: Anything the build generated -> the extraction -> the software, its version, the build time.
BUILD = SPARQL_PREFIXES + """
SELECT ?item ?name ?version ?time WHERE {
    VALUES ?class { jkt:Mention jkt:Figure jkt:Assertion }
    ?item a ?class ;
          prov:wasGeneratedBy ?activity .
    ?activity a jkt:Extraction ;
              prov:endedAtTime ?time ;
              prov:wasAssociatedWith ?software ;
              prov:used ?doc .
    ?software a prov:SoftwareAgent ;
              rdfs:label ?name ;
              schema:softwareVersion ?version .
    ?item (nif:referenceContext|prov:wasDerivedFrom/nif:referenceContext) ?doc .
}
"""

#: A document's metadata.
DOCUMENT = SPARQL_PREFIXES + """
SELECT ?doc ?title ?source ?publisher ?date ?license WHERE {
    ?doc a jkt:Document .
    OPTIONAL { ?doc dcterms:title ?title }
    OPTIONAL { ?doc dcterms:source ?source }
    OPTIONAL { ?doc dcterms:publisher ?publisher }
    OPTIONAL { ?doc dcterms:date ?date }
    OPTIONAL { ?doc dcterms:license ?license }
}
"""


@pytest.fixture(scope="module", params=["graph.trig", "graph.ttl"])
def graph(request, built):
    """The written corpus graph, read back from each output file."""
    _, out = built
    return load_union(out / request.param)


@pytest.fixture(scope="module")
def stored_files() -> dict[str, str]:
    """Document id -> the corpus file's text, decoded character for character."""
    return {article.id: Path(article.path).read_bytes().decode("utf-8") for article in read_corpus([CORPUS])}


def _check_slice(stored: str, file_text: str, begin: Literal, end: Literal, text: Literal) -> None:
    assert begin.datatype == XSD.nonNegativeInteger and end.datatype == XSD.nonNegativeInteger
    b, e = int(begin), int(end)
    assert 0 <= b < e <= len(file_text)
    assert file_text[b:e] == str(text)  # the corpus file itself
    assert str(stored)[b:e] == str(text)  # the copy stored in the graph (nif:isString)


@pytest.mark.slow
def test_every_figure_and_assertion_reaches_its_sentence_and_document(graph, stored_files):
    rows = list(graph.query(EVIDENCE))
    items = set(graph.subjects(RDF.type, JKT.Figure)) | set(graph.subjects(RDF.type, JKT.Assertion))
    assert {row.item for row in rows} == items  # every one is reached, none twice over
    assert len(rows) == len(items)
    for row in rows:
        assert row.doc == document_iri(str(row.id))
        _check_slice(row.stored, stored_files[str(row.id)], row.begin, row.end, row.text)


@pytest.mark.slow
def test_every_mention_reaches_its_sentence_and_document(graph, stored_files):
    rows = list(graph.query(MENTIONS))
    mentions = set(graph.subjects(RDF.type, JKT.Mention))
    assert len(mentions) > 0
    assert {row.mention for row in rows} == mentions
    for row in rows:
        file_text = stored_files[str(row.id)]
        _check_slice(row.stored, file_text, row.begin, row.end, row.text)
        _check_slice(row.stored, file_text, row.sentenceBegin, row.sentenceEnd, row.sentenceText)
        assert int(row.sentenceBegin) <= int(row.begin) < int(row.end) <= int(row.sentenceEnd)


@pytest.mark.slow
def test_every_extracted_item_reaches_the_build_software_version_and_time(graph):
    rows = list(graph.query(BUILD))
    items = set()
    for cls in (JKT.Mention, JKT.Figure, JKT.Assertion):
        items |= set(graph.subjects(RDF.type, cls))
    assert items and {row.item for row in rows} == items
    for row in rows:
        assert str(row.name) == "kg"
        assert str(row.version) == __version__
        assert row.time.datatype == XSD.dateTime and row.time.value is not None


@pytest.mark.slow
def test_every_document_reaches_its_metadata(graph):
    articles = {document_iri(a.id): a for a in read_corpus([CORPUS])}
    rows = {row.doc: row for row in graph.query(DOCUMENT)}
    assert set(rows) == set(articles)
    for doc, article in articles.items():
        row = rows[doc]
        assert (str(row.title) if row.title else None) == article.title
        assert (str(row.source) if row.source else None) == article.source
        assert (str(row.publisher) if row.publisher else None) == article.publisher
        assert (str(row.license) if row.license else None) == article.license
        assert (str(row.date) if row.date else None) == article.date


def test_a_document_made_by_kg_add_records_its_original(tmp_path, nlp):
    from rdflib import Literal, URIRef
    from rdflib.namespace import DCTERMS, PROV

    from kg.build import build_graph

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "page.txt").write_text(
        "Id: page\nTitle: A page\nDate: 2024-05-01\nFormat: text/html\n"
        "Original: https://news.example.org/story#top\nHash: sha256:" + "ab" * 32 + "\nRetrieved: 2024-05-02T10:00:00Z\n\n"
        "Japan and South Korea held talks in Seoul.\n",
        encoding="utf-8",
    )
    (corpus / "report.txt").write_text(
        "Id: report\nTitle: A report\nFormat: application/pdf\nOriginal: report.pdf\nHash: sha256:" + "cd" * 32 + "\n\n"
        "Japan and South Korea held talks in Tokyo.\n",
        encoding="utf-8",
    )
    graph = build_graph([corpus], nlp=nlp).graph
    page = URIRef("https://w3id.org/jk-tech/doc/page")
    report = URIRef("https://w3id.org/jk-tech/doc/report")
    assert graph.value(page, PROV.wasDerivedFrom) == URIRef("https://news.example.org/story")
    assert graph.value(page, DCTERMS.format) == Literal("text/html")
    assert str(graph.value(report, PROV.wasDerivedFrom)).startswith("ni:///sha-256;")  # a local file: by its hash
    assert graph.value(report, DCTERMS.format) == Literal("application/pdf")
