"""kg export: every RDF format round-trips through rdflib, pyoxigraph and Raptor, byte-stable.

The awkward graph below is hand-made: literals and IRIs with quotes, backslashes, newlines,
tabs, carriage returns, Unicode line separators, non-Latin scripts and emoji, and spaces, in
two named graphs. Graphs kg must not write (invalid IRIs, lone surrogates) are refused.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
import sys
from decimal import Decimal

import pyoxigraph as ox
import pytest
from rdflib import BNode, Dataset, Graph, Literal, URIRef
from rdflib.compare import graph_diff, isomorphic, to_isomorphic
from rdflib.graph import DATASET_DEFAULT_GRAPH_ID
from rdflib.namespace import DCTERMS, RDF, RDFS, SKOS, XSD

from kg.cli import EXPORT_FORMATS as CLI_FORMATS
from kg.cli import cli
from kg.errors import GraphError
from kg.export import export_graph
from kg.formats import EXPORT_FORMATS, RDF_FORMATS
from kg.jsonld import jsonld_context
from kg.serialize import check_graph, iri_problem, serialize
from kg.namespace import DOC, ENTITY, FIGURE, JKT, NIF, ONTOLOGY_VERSION, PREFIXES, SCHEMA
from kg.store import load_graph

from .conftest import DATA, ROOT

RDFLIB_PARSER = {"ttl": "turtle", "nt": "nt", "nq": "nquads", "trig": "trig", "jsonld": "json-ld", "xml": "xml"}
OXIGRAPH_FORMAT = {
    "ttl": ox.RdfFormat.TURTLE,
    "nt": ox.RdfFormat.N_TRIPLES,
    "nq": ox.RdfFormat.N_QUADS,
    "trig": ox.RdfFormat.TRIG,
    "jsonld": ox.RdfFormat.JSON_LD,
    "xml": ox.RdfFormat.RDF_XML,
}
QUAD_FORMATS = ("nq", "trig", "jsonld")
RAPPER_SYNTAX = {"ttl": "turtle", "nt": "ntriples", "nq": "nquads", "trig": "trig", "xml": "rdfxml"}

AWKWARD_STRINGS = [
    'She said "no" and left',
    "C:\\path\\to\\file and a trailing backslash \\",
    "line one\nline two\n    indented line three",
    "tab\tseparated\tvalues",
    "windows\r\nline end and a lone \r carriage return",
    "日本と韓国の半導体協力",
    "한국과 일본의 반도체 협력",
    "emoji 🤝🇯🇵🇰🇷 and 𝔘𝔫𝔦𝔠𝔬𝔡𝔢",
    "  leading and trailing spaces  ",
    '"""triple quotes""" and \'single\' and ends with a quote"',
    "Unicode line separator \u2028 paragraph separator \u2029 next line \x85 form feed-free",
    "@prefix jke: <https://example.org/> .\n<https://w3id.org/jk-tech/doc/a> {\n}",
    "",
]
AWKWARD_IRIS = [
    ENTITY["日本"],
    ENTITY["한국-🤝"],
    ENTITY["with%20encoded%20space"],
    URIRef("https://example.org/search?q=chips&lang=ko#frag"),
    URIRef("https://example.org/it's-(fine)~ok"),
    URIRef("urn:isbn:978-4-00-000000-0"),
    DOC["awkward#char=0,12"],
]


def awkward_dataset() -> Dataset:
    """A small dataset of awkward terms in two named graphs (one triple in both)."""
    dataset = Dataset()
    first, second = dataset.graph(DOC["awkward-1"]), dataset.graph(DOC["awkward-2"])
    doc = DOC["awkward-1"]
    first.add((doc, RDF.type, JKT.Document))
    for i, text in enumerate(AWKWARD_STRINGS):
        node = DOC[f"awkward-1#char={i},{i + 1}"]
        first.add((node, RDF.type, JKT.Sentence))
        first.add((node, NIF.anchorOf, Literal(text)))
        first.add((node, NIF.referenceContext, doc))
        second.add((ENTITY[f"thing-{i}"], SKOS.altLabel, Literal(text, lang="en")))
    for i, iri in enumerate(AWKWARD_IRIS):
        second.add((iri, RDF.type, JKT.Entity))
        second.add((iri, RDFS.label, Literal(f"awkward IRI {i}")))
        second.add((ENTITY["japan"], JKT.relatedTo, iri))
    second.add((ENTITY["japan"], SKOS.prefLabel, Literal("日本", lang="ja")))
    second.add((ENTITY["japan"], SKOS.prefLabel, Literal("일본", lang="ko")))
    second.add((ENTITY["japan"], JKT.inGazetteer, Literal(True)))
    figure = FIGURE["awkward-1/0-3"]
    second.add((figure, SCHEMA.value, Literal(Decimal("44.0"), datatype=XSD.decimal)))
    second.add((figure, SCHEMA.value, Literal(Decimal("2"), datatype=XSD.decimal)))  # Turtle's 2.0 would change it
    second.add((figure, SCHEMA.value, Literal("1.5E3", datatype=XSD.double)))
    second.add((figure, JKT.confidence, Literal("0.8", datatype=XSD.decimal)))
    second.add((figure, JKT.confidence, Literal("high")))  # not the datatype the context coerces
    second.add((figure, JKT.period, Literal("2025", datatype=XSD.gYear)))
    second.add((figure, JKT.rule, Literal("42", datatype=XSD.integer)))
    second.add((figure, DCTERMS.date, Literal("2025-03-01", datatype=XSD.date)))
    for graph in (first, second):  # the same triple in both graphs stays in both
        graph.add((ENTITY["japan"], RDFS.label, Literal("Japan", lang="en")))
    return dataset


# --- helpers -------------------------------------------------------------------------------------


def _named_graphs(dataset: Dataset) -> dict[str, Graph]:
    graphs = {}
    for context in dataset.graphs():
        if len(context):
            graph = Graph()
            for triple in context:
                graph.add(triple)
            graphs[str(context.identifier)] = graph
    return graphs


def _union(dataset: Dataset | Graph) -> Graph:
    graph = Graph()
    if isinstance(dataset, Dataset):
        for s, p, o, _ in dataset.quads((None, None, None, None)):
            graph.add((s, p, o))
    else:
        for triple in dataset:
            graph.add(triple)
    return graph


def _from_oxigraph(term):
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    if isinstance(term, ox.Literal):
        if term.language:
            return Literal(term.value, lang=term.language)
        datatype = term.datatype.value
        return Literal(term.value, datatype=None if datatype == str(XSD.string) else URIRef(datatype))
    raise AssertionError(f"unexpected term {term!r}")


def parse_rdflib(data: bytes, fmt: str) -> Dataset:
    dataset = Dataset()
    if fmt in QUAD_FORMATS:
        dataset.parse(data=data.decode("utf-8"), format=RDFLIB_PARSER[fmt])
    else:
        dataset.graph(DATASET_DEFAULT_GRAPH_ID).parse(data=data.decode("utf-8"), format=RDFLIB_PARSER[fmt])
    return dataset


def parse_oxigraph(data: bytes, fmt: str) -> Dataset:
    """Parse with pyoxigraph, an independent parser, and convert the quads to rdflib terms."""
    dataset = Dataset()
    for quad in ox.parse(data, OXIGRAPH_FORMAT[fmt]):
        name = DATASET_DEFAULT_GRAPH_ID if isinstance(quad.graph_name, ox.DefaultGraph) else _from_oxigraph(quad.graph_name)
        dataset.graph(name).add((_from_oxigraph(quad.subject), _from_oxigraph(quad.predicate), _from_oxigraph(quad.object)))
    return dataset


def assert_isomorphic(expected: Graph, actual: Graph, what: str) -> None:
    if not isomorphic(expected, actual):
        _, only_expected, only_actual = graph_diff(to_isomorphic(expected), to_isomorphic(actual))
        pytest.fail(
            f"{what} differs.\nonly in the original:\n{only_expected.serialize(format='nt')}\n"
            f"only in the parsed file:\n{only_actual.serialize(format='nt')}"
        )


def assert_round_trip(original: Dataset, data: bytes, fmt: str, parse) -> None:
    """The parsed file holds the original's triples; quad formats keep every named graph."""
    parsed = parse(data, fmt)
    if fmt in QUAD_FORMATS:
        expected, actual = _named_graphs(original), _named_graphs(parsed)
        assert sorted(actual) == sorted(expected), f"{fmt}: named graphs differ"
        for name, graph in expected.items():
            assert_isomorphic(graph, actual[name], f"{fmt} graph <{name}>")
    else:
        assert_isomorphic(_union(original), _union(parsed), fmt)


def rapper_count(path, syntax: str) -> int:
    """Raptor's rapper checks the file and counts its statements; fails on any error or warning."""
    proc = subprocess.run(["rapper", "-i", syntax, "-c", str(path)], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    assert "Error" not in proc.stderr and "Warning" not in proc.stderr, proc.stderr
    return int(proc.stderr.split("returned ")[1].split()[0])


needs_rapper = pytest.mark.skipif(shutil.which("rapper") is None, reason="rapper (Debian raptor2-utils) not installed; .ci/run installs it")


# --- round trips of the awkward graph ------------------------------------------------------------


@pytest.mark.parametrize("fmt", list(RDF_FORMATS))
@pytest.mark.parametrize("parse", [parse_rdflib, parse_oxigraph], ids=["rdflib", "oxigraph"])
def test_awkward_graph_round_trips(fmt, parse):
    original = awkward_dataset()
    assert_round_trip(original, serialize(original, fmt), fmt, parse)


@needs_rapper
@pytest.mark.parametrize("fmt", list(RAPPER_SYNTAX))
def test_rapper_validates_and_counts_every_triple(fmt, tmp_path):
    original = awkward_dataset()
    path = tmp_path / f"awkward.{fmt}"
    path.write_bytes(serialize(original, fmt))
    expected = len(list(original.quads((None, None, None, None)))) if fmt in QUAD_FORMATS else len(_union(original))
    assert rapper_count(path, RAPPER_SYNTAX[fmt]) == expected


@pytest.mark.parametrize("fmt", list(RDF_FORMATS))
def test_exporting_twice_gives_identical_bytes(fmt):
    assert serialize(awkward_dataset(), fmt) == serialize(awkward_dataset(), fmt)


def test_bytes_do_not_depend_on_hash_seed_or_insertion_order(tmp_path):
    source = tmp_path / "awkward.nq"
    source.write_bytes(serialize(awkward_dataset(), "nq"))
    script = (
        "import hashlib, json, sys\n"
        "from kg.store import load_graph\nfrom kg.formats import RDF_FORMATS\nfrom kg.serialize import serialize\n"
        "ds = load_graph(sys.argv[1])\n"
        "print(json.dumps({f: hashlib.sha256(serialize(ds, f)).hexdigest() for f in RDF_FORMATS}))\n"
    )
    digests = []
    for seed in ("1", "4242"):
        proc = subprocess.run([sys.executable, "-c", script, str(source)], capture_output=True, text=True,
                              env={"PYTHONHASHSEED": seed, "PATH": "/usr/bin:/bin"}, cwd=ROOT, timeout=120)
        assert proc.returncode == 0, proc.stderr
        digests.append(json.loads(proc.stdout))
    assert digests[0] == digests[1]
    in_process = {f: hashlib.sha256(serialize(awkward_dataset(), f)).hexdigest() for f in RDF_FORMATS}
    assert digests[0] == in_process  # parsed from N-Quads (another insertion order) or built in memory: same bytes


# --- what the files look like --------------------------------------------------------------------


def test_turtle_has_kg_prefixes_and_a_header_naming_corpus_and_ontology_version():
    graph = awkward_dataset()
    text = serialize(graph, "ttl", description="kg knowledge graph of tests/data (2 documents)").decode()
    lines = text.splitlines()
    assert lines[0] == "# kg knowledge graph of tests/data (2 documents)"
    assert f"version {ONTOLOGY_VERSION}" in lines[1]  # no provenance in this graph: no corpus line
    assert "@prefix jke: <https://w3id.org/jk-tech/id/> ." in text and "jke:japan" in text
    assert "ns1:" not in text and "@prefix ns" not in text


def test_description_names_the_corpus_from_the_build_provenance():
    from kg.graph import BuildInfo, facts_to_dataset

    dataset = facts_to_dataset([], BuildInfo(time="2025-01-01T00:00:00Z", corpus="my-corpus"))
    assert serialize(dataset, "ttl").decode().splitlines()[:2] == ["# kg knowledge graph of 0 documents", "# Corpus: my-corpus"]
    assert serialize(dataset, "trig").decode().splitlines()[1] == "# Corpus: my-corpus"
    # a caller's own description keeps the corpus line (kg build passes one)
    assert serialize(dataset, "ttl", description="built").decode().splitlines()[:2] == ["# built", "# Corpus: my-corpus"]


def test_trig_and_nquads_keep_one_named_graph_per_document():
    dataset = awkward_dataset()
    trig = serialize(dataset, "trig").decode()
    assert trig.count("<https://w3id.org/jk-tech/doc/awkward-1> {") == 1
    assert trig.count("<https://w3id.org/jk-tech/doc/awkward-2> {") == 1
    names = set(_named_graphs(parse_oxigraph(serialize(dataset, "nq"), "nq")))
    assert names == {str(DOC["awkward-1"]), str(DOC["awkward-2"])}


def test_default_graph_triples_stay_in_the_default_graph():
    graph = Graph().parse(data="<https://e.org/a> <https://e.org/p> 'x' .", format="turtle")
    dataset = Dataset()
    for triple in graph:
        dataset.add(triple)
    for fmt in QUAD_FORMATS:
        for parse in (parse_rdflib, parse_oxigraph):
            parsed = parse(serialize(dataset, fmt), fmt)
            assert list(_named_graphs(parsed)) == [str(DATASET_DEFAULT_GRAPH_ID)], (fmt, parse.__name__)


def test_jsonld_context_has_prefixes_and_every_ontology_term():
    context = jsonld_context()
    for prefix, namespace in PREFIXES.items():
        assert context[prefix] == namespace
    for name in JKT.__annotations__:
        definition = context[name]
        assert (definition if isinstance(definition, str) else definition["@id"]) == f"jkt:{name}"
    assert context["memberOf"] == {"@id": "jkt:memberOf", "@type": "@id"}  # object property
    assert context["confidence"] == {"@id": "jkt:confidence", "@type": "xsd:decimal"}  # range xsd:decimal
    assert context["Country"] == "jkt:Country"


def test_jsonld_is_compacted_with_the_context():
    document = json.loads(serialize(awkward_dataset(), "jsonld"))
    assert document["@context"] == jsonld_context()
    graphs = {g["@id"]: g["@graph"] for g in document["@graph"]}
    assert sorted(graphs) == ["jkd:awkward-1", "jkd:awkward-2"]
    japan = next(n for n in graphs["jkd:awkward-2"] if n["@id"] == "jke:japan")
    assert "jke:日本" in japan["relatedTo"]  # object property term, compact IRIs
    assert japan["inGazetteer"] == "true"  # coerced datatype: a bare string
    figure = next(n for n in graphs["jkd:awkward-2"] if n["@id"] == "jkf:awkward-1/0-3")
    assert figure["rule"] == {"@type": "xsd:integer", "@value": "42"}  # term without coercion: a value object
    assert figure["confidence"] == "0.8"  # coerced to xsd:decimal: a bare string
    assert figure["jkt:confidence"] == "high"  # not a decimal: the compact IRI key, not the coerced term
    sentence = next(n for n in graphs["jkd:awkward-1"] if n.get("@type") == "Sentence")
    assert sentence["@id"].startswith("jkd:awkward-1#char=")


def test_rdfxml_has_kg_prefixes():
    text = serialize(awkward_dataset(), "xml").decode()
    assert 'xmlns:jkt="https://w3id.org/jk-tech/ontology#"' in text and "ns1" not in text


# --- refusing what cannot be written faithfully ---------------------------------------------------

BAD_IRIS = {
    "space": "https://w3id.org/jk-tech/id/south korea",
    "newline": "https://w3id.org/jk-tech/id/south\nkorea",
    "tab": "https://w3id.org/jk-tech/id/south\tkorea",
    "less-than": "https://w3id.org/jk-tech/id/a<b",
    "greater-than": "https://w3id.org/jk-tech/id/a>b",
    "double-quote": 'https://w3id.org/jk-tech/id/a"b',
    "braces": "https://w3id.org/jk-tech/id/{a}",
    "pipe": "https://w3id.org/jk-tech/id/a|b",
    "caret": "https://w3id.org/jk-tech/id/a^b",
    "backtick": "https://w3id.org/jk-tech/id/a`b",
    "backslash": "https://w3id.org/jk-tech/id/a\\b",
    "lone-surrogate": "https://w3id.org/jk-tech/id/a\ud800b",
    "relative": "south-korea",
}


@pytest.mark.parametrize("iri", list(BAD_IRIS.values()), ids=list(BAD_IRIS))
@pytest.mark.parametrize("position", ["subject", "object", "graph"])
def test_invalid_iris_are_refused_in_every_format(iri, position):
    dataset = awkward_dataset()
    bad = URIRef(iri)
    if position == "subject":
        dataset.graph(DOC["awkward-1"]).add((bad, RDFS.label, Literal("x")))
    elif position == "object":
        dataset.graph(DOC["awkward-1"]).add((ENTITY["japan"], JKT.relatedTo, bad))
    else:
        dataset.graph(bad).add((ENTITY["japan"], RDFS.label, Literal("x")))
    for fmt in RDF_FORMATS:
        role = {"subject": "subject", "object": "object", "graph": "graph name"}[position]
        with pytest.raises(GraphError, match=f"(?s)the {role} IRI .* is not a valid absolute IRI: it (contains|has no scheme)"):
            serialize(dataset, fmt)


def test_iri_problem_names_the_character():
    assert iri_problem("https://w3id.org/jk-tech/id/a b") == "contains ' ' (U+0020) at position 29"
    assert iri_problem("https://w3id.org/jk-tech/id/日本-한국-🤝") is None


@pytest.mark.parametrize("fmt", list(RDF_FORMATS))
def test_a_lone_surrogate_in_a_literal_is_refused(fmt):
    dataset = awkward_dataset()
    dataset.graph(DOC["awkward-1"]).add((ENTITY["japan"], RDFS.comment, Literal("broken \ud83d text")))
    with pytest.raises(GraphError, match=r"lone surrogate, U\+D83D, at position 7"):
        serialize(dataset, fmt)


def test_rdfxml_refuses_characters_xml_cannot_carry_other_formats_keep_them():
    dataset = Dataset()
    dataset.graph(DOC["a"]).add((ENTITY["japan"], RDFS.comment, Literal("bell \x07 and vertical tab \x0b")))
    with pytest.raises(GraphError, match=r"XML 1.0 cannot represent, U\+0007"):
        serialize(dataset, "xml")
    for fmt in ("ttl", "nt", "nq", "trig", "jsonld"):
        for parse in (parse_rdflib, parse_oxigraph):
            assert_round_trip(dataset, serialize(dataset, fmt), fmt, parse)


def test_check_graph_accepts_the_awkward_graph():
    check_graph(awkward_dataset())
    check_graph(awkward_dataset(), xml=True)


# --- export_graph and the command line -------------------------------------------------------------


def test_cli_lists_the_library_formats():
    assert CLI_FORMATS == EXPORT_FORMATS


@pytest.fixture()
def awkward_file(tmp_path):
    path = tmp_path / "awkward.trig"
    path.write_bytes(serialize(awkward_dataset(), "trig"))
    return path


@pytest.mark.parametrize("fmt", list(RDF_FORMATS))
def test_kg_export_to_stdout_and_to_a_file(runner, awkward_file, tmp_path, fmt):
    result = runner.invoke(cli, ["export", str(awkward_file), "--format", fmt])
    assert result.exit_code == 0, result.output
    assert result.stdout_bytes == serialize(load_graph(awkward_file), fmt)
    out = tmp_path / "exported" / f"graph.{fmt}"
    result = runner.invoke(cli, ["export", str(awkward_file), "--format", fmt, "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert out.read_bytes() == serialize(load_graph(awkward_file), fmt)
    assert_round_trip(awkward_dataset(), out.read_bytes(), fmt, parse_oxigraph)


def test_kg_export_defaults_to_turtle_of_out(runner, awkward_file, tmp_path, monkeypatch):
    (tmp_path / "out").mkdir()
    shutil.copy(awkward_file, tmp_path / "out" / "graph.trig")
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(cli, ["export"])
    assert result.exit_code == 0, result.output
    assert result.stdout_bytes == serialize(awkward_dataset(), "ttl")


def test_export_graph_writes_atomically_and_returns_the_file(tmp_path):
    path = tmp_path / "deep" / "er" / "graph.nt"
    assert export_graph(awkward_dataset(), path, "nt") == [path]
    assert path.read_bytes() == serialize(awkward_dataset(), "nt")
    assert [p.name for p in path.parent.iterdir()] == ["graph.nt"]  # no temporary file left behind


def test_a_refused_export_leaves_the_previous_file_intact(tmp_path):
    path = tmp_path / "graph.ttl"
    path.write_text("previous")
    dataset = awkward_dataset()
    dataset.graph(DOC["a"]).add((URIRef("https://w3id.org/jk-tech/id/a b"), RDFS.label, Literal("x")))
    with pytest.raises(GraphError):
        export_graph(dataset, path, "ttl")
    assert path.read_text() == "previous"


@pytest.mark.parametrize(
    "args, message",
    [
        (["--format", "yaml"], "Invalid value for '--format'"),
        (["missing.trig"], "missing.trig: no such file or directory"),
    ],
    ids=["unknown-format", "missing-file"],
)
def test_kg_export_bad_input_exits_2_with_one_line(runner, args, message, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(cli, ["export", *args])
    assert result.exit_code == 2
    assert message in result.output


def test_kg_export_refuses_an_invalid_iri_with_one_line(runner, tmp_path):
    path = tmp_path / "bad.nt"
    # a "\u0020" escape decodes to a space, which no IRI may hold: the loader refuses it with its line
    path.write_text('<https://w3id.org/jk-tech/id/a\\u0020b> <http://www.w3.org/2000/01/rdf-schema#label> "x" .\n')
    result = runner.invoke(cli, ["export", str(path), "--format", "ttl"])
    assert result.exit_code == 2, result.output
    assert result.output.startswith(f"Error: {path}: not valid N-Triples (Parser error at line 1")
    assert "Invalid IRI code point ' '" in result.output and len(result.output.strip().splitlines()) == 1


# --- the real build ------------------------------------------------------------------------------------


def _check_all_formats(dataset: Dataset, tmp_path) -> None:
    for fmt in RDF_FORMATS:
        data = serialize(dataset, fmt)
        assert data == serialize(dataset, fmt), f"{fmt}: not deterministic"
        for parse in (parse_rdflib, parse_oxigraph):
            assert_round_trip(dataset, data, fmt, parse)
        if fmt in RAPPER_SYNTAX and shutil.which("rapper"):
            path = tmp_path / f"graph.{fmt}"
            path.write_bytes(data)
            expected = len(list(dataset.quads((None, None, None, None)))) if fmt in QUAD_FORMATS else len(_union(dataset))
            assert rapper_count(path, RAPPER_SYNTAX[fmt]) == expected


@pytest.mark.slow
def test_built_corpus_exports_round_trip_in_every_format(built, tmp_path):
    result, out = built
    _check_all_formats(result.dataset, tmp_path)
    # the files kg build wrote are the same bytes export writes
    assert (out / "graph.trig").read_bytes()[-1000:] == serialize(result.dataset, "trig")[-1000:]
    # and document texts survive TriG exactly (multi-line literals are not re-indented)
    parsed = _union(parse_oxigraph((out / "graph.trig").read_bytes(), "trig"))
    for facts in result.documents:
        assert str(parsed.value(DOC[facts.article.id], NIF.isString)) == facts.article.text


@pytest.mark.slow
def test_awkward_corpus_document_survives_the_real_build_and_every_format(tmp_path):
    from kg.build import build_graph, write_outputs

    corpus = DATA / "awkward_corpus"
    result = build_graph([corpus])
    write_outputs(result, tmp_path / "out")
    text = (corpus / "awkward-text.txt").read_text(encoding="utf-8")
    for needle in ('"Chip 4"', "C:\\reports", "日本", "한국", "🤝", "\t"):
        assert needle in text
    _check_all_formats(result.dataset, tmp_path)
    for fmt in RDF_FORMATS:
        parsed = _union(parse_oxigraph(serialize(result.dataset, fmt), fmt))
        assert str(parsed.value(DOC["awkward-text"], NIF.isString)) == text
        title = next(line for line in text.splitlines() if line.startswith("Title: ")).removeprefix("Title: ")
        assert str(parsed.value(DOC["awkward-text"], DCTERMS.title)) == title
        anchors = {str(o) for o in parsed.objects(None, NIF.anchorOf)}
        assert any("C:\\reports\\chips\\2025.txt" in a for a in anchors), fmt
        assert any("대한민국" in a for a in anchors), fmt


# --- network formats: GraphML, GEXF, CSV -------------------------------------------------------------


def network_dataset() -> Dataset:
    """Two countries and a company with awkward labels, one relation with its evidence sentence."""
    dataset = Dataset()
    graph = dataset.graph(DOC["net"])
    japan, korea, firm = ENTITY["japan"], ENTITY["south-korea"], ENTITY["awkward-firm"]
    labels = {japan: "Japan 日本", korea: 'South "Korea" 한국', firm: "=HYPERLINK(\"x\") Co.\nline two, with comma"}
    for node, cls in ((japan, JKT.Country), (korea, JKT.Country), (firm, JKT.Company)):
        graph.add((node, RDF.type, cls))
        graph.add((node, RDFS.label, Literal(labels[node], lang="en")))
        graph.add((node, JKT.inGazetteer, Literal(True)))
    graph.add((japan, URIRef("http://www.w3.org/2002/07/owl#sameAs"), URIRef("http://www.wikidata.org/entity/Q17")))
    graph.add((japan, JKT.cooperatesWith, korea))
    sentence = DOC["net#char=0,40"]
    graph.add((sentence, RDF.type, JKT.Sentence))
    graph.add((sentence, NIF.anchorOf, Literal('Japan and "Korea" agreed, \\ said 日本.')))
    graph.add((sentence, NIF.beginIndex, Literal(0, datatype=XSD.nonNegativeInteger)))
    graph.add((sentence, NIF.referenceContext, DOC["net"]))
    graph.add((DOC["net"], DCTERMS.title, Literal("A title, with \"quotes\"")))
    assertion = URIRef("https://w3id.org/jk-tech/assertion/net/1")
    for p, o in ((RDF.type, JKT.Assertion), (RDF.subject, japan), (RDF.predicate, JKT.cooperatesWith),
                 (RDF.object, korea), (JKT.confidence, Literal("0.7", datatype=XSD.decimal)),
                 (URIRef("http://www.w3.org/ns/prov#wasDerivedFrom"), sentence)):
        graph.add((assertion, p, o))
    return dataset


def test_csv_export_has_nodes_and_edges_with_labels_types_wikidata_and_evidence(tmp_path):
    import csv

    files = export_graph(network_dataset(), tmp_path / "csv", "csv")
    assert [f.name for f in files] == ["nodes.csv", "edges.csv"]
    with open(tmp_path / "csv" / "nodes.csv", newline="", encoding="utf-8") as handle:
        nodes = {row["id"]: row for row in csv.DictReader(handle)}
    assert set(nodes) == {str(ENTITY["japan"]), str(ENTITY["south-korea"]), str(ENTITY["awkward-firm"])}
    assert nodes[str(ENTITY["japan"])]["label"] == "Japan 日本"
    assert nodes[str(ENTITY["japan"])]["wikidata"] == "http://www.wikidata.org/entity/Q17"
    assert nodes[str(ENTITY["south-korea"])]["label"] == 'South "Korea" 한국' and nodes[str(ENTITY["south-korea"])]["type"] == "Country"
    # a label a spreadsheet would run as a formula is defused with a leading apostrophe
    assert nodes[str(ENTITY["awkward-firm"])]["label"] == "'=HYPERLINK(\"x\") Co.\nline two, with comma"
    with open(tmp_path / "csv" / "edges.csv", newline="", encoding="utf-8") as handle:
        edges = list(csv.DictReader(handle))
    assert len(edges) == 1
    edge = edges[0]
    assert (edge["source"], edge["target"], edge["relation"]) == (str(ENTITY["japan"]), str(ENTITY["south-korea"]), "cooperatesWith")
    assert edge["label"] and edge["evidence"] == 'Japan and "Korea" agreed, \\ said 日本.'
    assert edge["documents"] == 'A title, with "quotes"' and float(edge["confidence"]) == 0.7
    first = (tmp_path / "csv" / "edges.csv").read_bytes()
    export_graph(network_dataset(), tmp_path / "csv", "csv")
    assert (tmp_path / "csv" / "edges.csv").read_bytes() == first


@pytest.mark.parametrize("fmt", ["graphml", "gexf"])
def test_kg_export_network_formats_read_back_in_networkx(runner, tmp_path, fmt):
    import networkx as nx

    source = tmp_path / "net.trig"
    source.write_bytes(serialize(network_dataset(), "trig"))
    out = tmp_path / f"net.{fmt}"
    result = runner.invoke(cli, ["export", str(source), "--format", fmt, "--out", str(out)])
    assert result.exit_code == 0, result.output
    network = nx.read_graphml(out) if fmt == "graphml" else nx.read_gexf(out)
    labels = {str(node): data.get("label") for node, data in network.nodes(data=True)}
    assert labels[str(ENTITY["south-korea"])] == 'South "Korea" 한국'
    assert network.number_of_edges() == 1
    again = tmp_path / f"again.{fmt}"
    runner.invoke(cli, ["export", str(source), "--format", fmt, "--out", str(again)])
    assert again.read_bytes() == out.read_bytes()


def test_kg_export_csv_defaults_to_out(runner, tmp_path, monkeypatch):
    (tmp_path / "out").mkdir()
    (tmp_path / "out" / "graph.trig").write_bytes(serialize(network_dataset(), "trig"))
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(cli, ["export", "--format", "csv"])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "out" / "nodes.csv").is_file() and (tmp_path / "out" / "edges.csv").is_file()
    assert "Wrote out/nodes.csv, out/edges.csv" in result.output


def test_network_export_refuses_invalid_iris_too(tmp_path):
    dataset = network_dataset()
    dataset.graph(DOC["net"]).add((URIRef("https://w3id.org/jk-tech/id/a b"), RDF.type, JKT.Country))
    with pytest.raises(GraphError, match="not a valid absolute IRI"):
        export_graph(dataset, tmp_path / "csv", "csv")


def test_csv_has_no_byte_order_mark_by_default_and_one_with_bom(runner, tmp_path):
    source = tmp_path / "net.trig"
    source.write_bytes(serialize(network_dataset(), "trig"))
    plain, excel = tmp_path / "plain", tmp_path / "excel"
    assert runner.invoke(cli, ["export", str(source), "--format", "csv", "--out", str(plain)]).exit_code == 0
    result = runner.invoke(cli, ["export", str(source), "--format", "csv", "--out", str(excel), "--bom"])
    assert result.exit_code == 0, result.output
    for name in ("nodes.csv", "edges.csv"):
        without, with_bom = (plain / name).read_bytes(), (excel / name).read_bytes()
        assert not without.startswith(b"\xef\xbb\xbf")
        assert with_bom == b"\xef\xbb\xbf" + without
        assert with_bom.decode("utf-8-sig") == without.decode("utf-8")
    assert "日本" in (excel / "nodes.csv").read_bytes().decode("utf-8-sig")
    header = (plain / "edges.csv").read_text(encoding="utf-8").split("\n", 1)[0]
    assert "weight" in header.split(",")


def test_bom_is_refused_for_other_formats(runner, tmp_path):
    source = tmp_path / "net.trig"
    source.write_bytes(serialize(network_dataset(), "trig"))
    result = runner.invoke(cli, ["export", str(source), "--format", "gexf", "--out", str(tmp_path / "g.gexf"), "--bom"])
    assert result.exit_code == 2 and "--bom is for --format csv only" in result.output
    with pytest.raises(GraphError, match="csv only"):
        export_graph(network_dataset(), tmp_path / "g.ttl", "ttl", bom=True)
