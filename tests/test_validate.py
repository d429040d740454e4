"""SHACL validation: the corpus graph conforms; small broken graphs are caught, with exit code 1."""

from __future__ import annotations

import shutil

import pytest
from rdflib import Graph

from kg.cli import cli
from kg.errors import GraphError
from kg.validate import SHAPES_PATH, ValidationReport, Violation, validate_graph

# A small graph that conforms: one document, two sentences, a mention, two entities, a figure, an
# assertion and the build's provenance. Each broken case below changes one part of it.
VALID = """
@prefix jkt: <https://w3id.org/jk-tech/ontology#> .
@prefix jke: <https://w3id.org/jk-tech/id/> .
@prefix jkd: <https://w3id.org/jk-tech/doc/> .
@prefix jkf: <https://w3id.org/jk-tech/figure/> .
@prefix jka: <https://w3id.org/jk-tech/assertion/> .
@prefix jkb: <https://w3id.org/jk-tech/build/> .
@prefix jkm: <https://w3id.org/jk-tech/measure/> .
@prefix rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix owl: <http://www.w3.org/2002/07/owl#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix prov: <http://www.w3.org/ns/prov#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix schema: <https://schema.org/> .
@prefix nif: <http://persistence.uni-leipzig.org/nlp2rdf/ontologies/nif-core#> .
@prefix itsrdf: <http://www.w3.org/2005/11/its/rdf#> .
@prefix qudt: <http://qudt.org/schema/qudt/> .
@prefix cur: <http://qudt.org/vocab/currency/> .
@prefix wd: <http://www.wikidata.org/entity/> .

jkd:t a jkt:Document ;
    dcterms:identifier "t" ;
    rdfs:label "Test" ;
    nif:isString "Japan joined the Chip 4 alliance. Trade reached $5 billion in 2025." .

<https://w3id.org/jk-tech/doc/t#char=0,33> a jkt:Sentence ;
    nif:anchorOf "Japan joined the Chip 4 alliance." ;
    nif:beginIndex "0"^^xsd:nonNegativeInteger ;
    nif:endIndex "33"^^xsd:nonNegativeInteger ;
    nif:referenceContext jkd:t .

<https://w3id.org/jk-tech/doc/t#char=34,67> a jkt:Sentence ;
    nif:anchorOf "Trade reached $5 billion in 2025." ;
    nif:beginIndex "34"^^xsd:nonNegativeInteger ;
    nif:endIndex "67"^^xsd:nonNegativeInteger ;
    nif:referenceContext jkd:t .

<https://w3id.org/jk-tech/doc/t#char=0,5> a jkt:Mention ;
    nif:anchorOf "Japan" ;
    nif:beginIndex "0"^^xsd:nonNegativeInteger ;
    nif:endIndex "5"^^xsd:nonNegativeInteger ;
    nif:referenceContext jkd:t ;
    nif:sentence <https://w3id.org/jk-tech/doc/t#char=0,33> ;
    itsrdf:taIdentRef jke:japan ;
    prov:wasGeneratedBy jkb:b1 .

jke:japan a jkt:Country ;
    rdfs:label "Japan"@en ;
    owl:sameAs wd:Q17 .

jke:chip-4 a jkt:Initiative ;
    rdfs:label "Chip 4"@en .

jke:japan jkt:memberOf jke:chip-4 .

jka:t1 a jkt:Assertion ;
    rdf:subject jke:japan ;
    rdf:predicate jkt:memberOf ;
    rdf:object jke:chip-4 ;
    jkt:confidence 0.9 ;
    jkt:modality jkt:Fact ;
    prov:wasDerivedFrom <https://w3id.org/jk-tech/doc/t#char=0,33> ;
    prov:wasGeneratedBy jkb:b1 .

<https://w3id.org/jk-tech/figure/t/48-58> a jkt:Figure ;
    rdfs:label "$5 billion (trade)" ;
    schema:value 5000000000.0 ;
    qudt:unit cur:USD ;
    schema:measuredProperty jkm:bilateral-trade ;
    jkt:figureKind jkt:Level ;
    jkt:confidence 0.8 ;
    jkt:modality jkt:Plan ;
    prov:wasDerivedFrom <https://w3id.org/jk-tech/doc/t#char=34,67> ;
    prov:wasGeneratedBy jkb:b1 .

jkb:b1 a jkt:Extraction ;
    prov:wasAssociatedWith <https://w3id.org/jk-tech/software/kg> ;
    prov:endedAtTime "2026-01-01T00:00:00Z"^^xsd:dateTime .

<https://w3id.org/jk-tech/software/kg> a prov:SoftwareAgent ;
    schema:softwareVersion "0.1.0" .
"""

FIGURE = "$5 billion (trade) (<https://w3id.org/jk-tech/figure/t/48-58>)"
SENTENCE_1 = '<https://w3id.org/jk-tech/doc/t#char=0,33> "Japan joined the Chip 4 alliance."'
SENTENCE_2 = '<https://w3id.org/jk-tech/doc/t#char=34,67> "Trade reached $5 billion in 2025."'
# (id, text to replace, replacement, expected focus, expected path, words of the message)
BROKEN = [
    ("figure-without-unit", "    qudt:unit cur:USD ;\n", "", FIGURE, "qudt:unit", "qudt:unit"),
    ("figure-with-two-values", "schema:value 5000000000.0 ;", "schema:value 5000000000.0, 5.0 ;", FIGURE, "schema:value", "exactly one schema:value"),
    ("figure-value-not-decimal", "schema:value 5000000000.0 ;", 'schema:value "five billion" ;', FIGURE, "schema:value", "xsd:decimal"),
    ("figure-without-measure", "    schema:measuredProperty jkm:bilateral-trade ;\n", "", FIGURE, "-", "what it measures"),
    ("figure-bad-kind", "jkt:figureKind jkt:Level", "jkt:figureKind jkt:Country", FIGURE, "jkt:figureKind", "jkt:Level or jkt:Change"),
    ("figure-without-sentence", "prov:wasDerivedFrom <https://w3id.org/jk-tech/doc/t#char=34,67>", "prov:wasDerivedFrom jkd:t", FIGURE, "prov:wasDerivedFrom", "jkt:Sentence"),
    ("country-without-wikidata", "    owl:sameAs wd:Q17 .\n", "    .\n", "Japan (jke:japan)", "owl:sameAs", "Wikidata"),
    ("country-linked-elsewhere", "owl:sameAs wd:Q17 .", "owl:sameAs <http://dbpedia.org/resource/Japan> .", "Japan (jke:japan)", "owl:sameAs", "Wikidata"),
    ("entity-without-label", '    rdfs:label "Chip 4"@en .\n', "    .\n", "jke:chip-4", "rdfs:label", "English"),
    ("entity-label-not-english", 'rdfs:label "Chip 4"@en .', 'rdfs:label "Chip 4"@ja .', "Chip 4 (jke:chip-4)", "rdfs:label", "English"),
    ("entity-two-english-labels", 'rdfs:label "Chip 4"@en .', 'rdfs:label "Chip 4"@en, "Chip Four"@en .', "Chip 4 (jke:chip-4)", "rdfs:label", "exactly one"),
    ("sentence-begin-after-end", '"34"^^xsd:nonNegativeInteger ;\n    nif:endIndex "67"', '"67"^^xsd:nonNegativeInteger ;\n    nif:endIndex "34"', SENTENCE_2, "nif:beginIndex", "smaller than its nif:endIndex"),
    ("sentence-negative-begin", 'nif:beginIndex "34"^^xsd:nonNegativeInteger', 'nif:beginIndex "-34"^^xsd:integer', SENTENCE_2, "nif:beginIndex", "xsd:nonNegativeInteger"),
    ("sentence-without-document", "    nif:endIndex \"33\"^^xsd:nonNegativeInteger ;\n    nif:referenceContext jkd:t .", "    nif:endIndex \"33\"^^xsd:nonNegativeInteger .", SENTENCE_1, "nif:referenceContext", "jkt:Document"),
    ("mention-text-off-its-offsets", 'nif:anchorOf "Japan" ;', 'nif:anchorOf "Korea" ;', "Test (jkd:t)", "-", "#char=0,5"),
    ("figure-without-modality", "    jkt:modality jkt:Plan ;\n", "", "$5 billion (trade) (<https://w3id.org/jk-tech/figure/t/48-58>)",
     "jkt:modality", "exactly one jkt:modality"),
    ("assertion-with-unknown-modality", "    jkt:modality jkt:Fact ;", "    jkt:modality jkt:Maybe ;", "jka:t1", "jkt:modality",
     "exactly one jkt:modality"),
    ("assertion-confidence-above-1", "jkt:confidence 0.9 ;", "jkt:confidence 1.5 ;", "jka:t1", "jkt:confidence", "between 0 and 1"),
    ("assertion-without-object", "    rdf:object jke:chip-4 ;\n", "", "jka:t1", "rdf:object", "rdf:object"),
    ("assertion-without-sentence", "    prov:wasDerivedFrom <https://w3id.org/jk-tech/doc/t#char=0,33> ;\n    prov:wasGeneratedBy jkb:b1 .\n\n<https", "    prov:wasGeneratedBy jkb:b1 .\n\n<https", "jka:t1", "prov:wasDerivedFrom", "jkt:Sentence"),
    ("document-without-text", '    rdfs:label "Test" ;\n    nif:isString "Japan joined the Chip 4 alliance. Trade reached $5 billion in 2025." .', '    rdfs:label "Test" .', "Test (jkd:t)", "nif:isString", "nif:isString"),
    ("software-without-version", '    schema:softwareVersion "0.1.0" .', "    .", "<https://w3id.org/jk-tech/software/kg>", "schema:softwareVersion", "schema:softwareVersion"),
]


def _graph(text: str) -> Graph:
    return Graph().parse(data=text, format="turtle")


def _broken(old: str, new: str) -> str:
    assert VALID.count(old) == 1, f"the case must change exactly one place of VALID: {old!r}"
    return VALID.replace(old, new)


def test_the_valid_example_conforms():
    report = validate_graph(_graph(VALID))
    assert isinstance(report, ValidationReport)
    assert report.conforms, [str(v) for v in report.violations]
    assert report.violations == []
    assert report.triples == len(_graph(VALID))


@pytest.mark.parametrize("case_id, old, new, focus, path, words", BROKEN, ids=[case[0] for case in BROKEN])
def test_broken_graph_is_caught(case_id, old, new, focus, path, words, runner, tmp_path):
    report = validate_graph(_graph(_broken(old, new)))
    assert not report.conforms
    matching = [v for v in report.violations if v.focus == focus and v.path == path]
    assert matching, [str(v) for v in report.violations]
    assert any(words in v.message for v in matching), [v.message for v in matching]
    assert all(v.severity == "Violation" for v in report.violations)
    # and the command line says so with exit code 1, one readable line per violation
    file = tmp_path / f"{case_id}.ttl"
    file.write_text(_broken(old, new), encoding="utf-8")
    result = runner.invoke(cli, ["validate", str(file)])
    assert result.exit_code == 1, result.output
    assert f"Violation: {focus} | {path} | " in result.output
    assert "does not conform" in result.output


def test_violation_reads_as_one_line():
    violation = Violation("Japan (jke:japan)", "owl:sameAs", "A country needs a link.", "Violation")
    assert str(violation) == "Violation: Japan (jke:japan) | owl:sameAs | A country needs a link."
    assert tuple(violation) == ("Japan (jke:japan)", "owl:sameAs", "A country needs a link.", "Violation")


def test_validation_leaves_the_callers_graph_alone():
    graph = _graph(_broken("owl:sameAs wd:Q17 .", "owl:sameAs <http://example.org/japan> ."))
    graph.bind("j", "https://w3id.org/jk-tech/id/", override=True, replace=True)
    before, triples = sorted(graph.namespaces()), set(graph)
    report = validate_graph(graph)
    assert not report.conforms
    assert sorted(graph.namespaces()) == before and set(graph) == triples
    assert report.violations[0].focus == "Japan (jke:japan)"  # shown with kg's prefixes


def test_every_shape_and_constraint_is_named_and_explained():
    from rdflib.namespace import RDF, SH

    shapes = Graph().parse(SHAPES_PATH)
    node_shapes = list(shapes.subjects(RDF.type, SH.NodeShape))
    assert len(node_shapes) >= 8
    for shape in node_shapes:
        assert shapes.value(shape, SH.name), shape
        for prop in shapes.objects(shape, SH.property):
            assert shapes.value(prop, SH.message), (shape, shapes.value(prop, SH.path))
            assert shapes.value(prop, SH.name), (shape, shapes.value(prop, SH.path))


def test_shapes_use_only_ontology_terms():
    """jkt: IRIs in the shapes exist in the closed namespace (a typo would silently match nothing)."""
    from kg.namespace import JKT

    shapes = Graph().parse(SHAPES_PATH)
    ns = str(JKT._NS)
    used = {str(t)[len(ns):] for triple in shapes for t in triple if str(t).startswith(ns)}
    assert used and used <= set(JKT.__annotations__), used - set(JKT.__annotations__)


def test_unreadable_graph_exits_2(runner, tmp_path):
    bad = tmp_path / "bad.ttl"
    bad.write_text("@prefix broken", encoding="utf-8")
    for args in (["validate", str(bad)], ["validate", str(tmp_path / "missing.ttl")], ["validate", str(tmp_path)]):
        result = runner.invoke(cli, args)
        assert result.exit_code == 2, (args, result.output)
        assert result.output.startswith("Error: ") and len(result.output.strip().splitlines()) == 1


def test_broken_shapes_file_is_a_graph_error(tmp_path):
    shapes = tmp_path / "shapes.ttl"
    shapes.write_text("this is not turtle", encoding="utf-8")
    with pytest.raises(GraphError, match="shapes.ttl: not valid Turtle"):
        validate_graph(_graph(VALID), shapes=shapes)


@pytest.mark.slow
def test_the_corpus_graph_conforms(built):
    result, out = built
    report = validate_graph(result.dataset)
    assert report.conforms, "\n".join(str(v) for v in report.violations)
    assert report.triples == result.counts["triples"]


@pytest.mark.slow
@pytest.mark.parametrize("name", [None, "graph.trig", "graph.ttl"])
def test_the_written_corpus_graph_conforms_on_the_command_line(built, runner, name):
    _, out = built
    target = out if name is None else out / name
    result = runner.invoke(cli, ["validate", str(target)])
    assert result.exit_code == 0, result.output
    assert "conforms" in result.output and "does not conform" not in result.output


@pytest.mark.slow
def test_validate_defaults_to_out(built, runner, monkeypatch, tmp_path):
    _, out = built
    (tmp_path / "out").mkdir()
    shutil.copy(out / "graph.trig", tmp_path / "out" / "graph.trig")
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(cli, ["validate"])
    assert result.exit_code == 0, result.output
    assert "out/graph.trig conforms" in result.output
