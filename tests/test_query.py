"""kg query: the library's exact answers on a hand-written graph, binding, safety, formats, Python API."""

from __future__ import annotations

import csv
import io
import json
import re
import shutil
from decimal import Decimal

import pyoxigraph as ox
import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.compare import isomorphic

import kg
from kg.cli import cli
from kg.errors import GraphError, QueryError
from kg.query import (
    PREFIXES,
    QueryRefused,
    check_query,
    compact,
    inspect_query,
    library,
    load_store,
    parse_binding,
    resolve_query,
    run_query,
)

from .conftest import DATA

FIXTURE = DATA / "query_fixture.ttl"
JKE = "https://w3id.org/jk-tech/id/"
JKT = "https://w3id.org/jk-tech/ontology#"
JKM = "https://w3id.org/jk-tech/measure/"
LIBRARY = sorted(library())
LOCAL_QUERIES = [name for name in LIBRARY if name != "wikidata-federated"]


@pytest.fixture(scope="module")
def store():
    return load_store(FIXTURE)


def rows(store, name, **bindings):
    entry = library()[name]
    return run_query(store, entry.text, bindings, parameters=entry.parameters).to_dicts()


def short(value):
    """IRIs as prefixed names, everything else unchanged."""
    return compact(str(value)) if isinstance(value, URIRef) else value


# --------------------------------------------------------------------------- the library


def test_library_has_every_question_with_its_header():
    expected = {
        "figures", "expectations-by-year", "market-positions", "trade-and-investment", "chip4",
        "cooperation-fields", "frictions", "entity-facts", "entities", "wikidata-federated",
    }
    assert expected <= set(LIBRARY)
    for entry in library().values():
        assert entry.text.startswith("# Question: "), entry.name
        assert entry.question.endswith((")", "?")), entry.name
    assert library()["entity-facts"].parameters == {"entity": "entity"}


def test_list_shows_every_library_query(runner):
    result = runner.invoke(cli, ["query", "--list"])
    assert result.exit_code == 0, result.output
    listed = [line.split()[0] for line in result.output.splitlines()]
    assert listed == LIBRARY
    assert "entity=<entity>" in result.output


def test_figures(store):
    got = [(short(r["figure"]), r["value"], short(r["unit"]), short(r["measure"]), sorted(r["subjects"].split(", ")) if r["subjects"] else [], r.get("period"), r["title"]) for r in rows(store, "figures")]
    assert got == [
        ("jkf:fixture/20-23", Decimal(16), "unit:PERCENT", "jkm:survey-share", ["Japan", "South Korea"], "2025", "Fixture article"),
        ("jkf:fixture/111-114", Decimal(44), "unit:PERCENT", "jkm:survey-share", ["Japan", "South Korea"], "2026-01", "Fixture article"),
        ("jkf:fixture/342-345", Decimal(70), "unit:PERCENT", "jkm:market-share", ["South Korea"], None, "Fixture article"),
        ("jkf:fixture/397-410", Decimal("77200000000"), "cur:USD", "jkm:bilateral-trade", ["Japan", "South Korea"], "2024", "Fixture article"),
    ]
    evidence = {short(r["figure"]): r["evidence"] for r in rows(store, "figures")}
    assert evidence["jkf:fixture/111-114"] == "In January 2026, 44% of executives expected better relations."


def test_expectations_by_year(store):
    got = [(r["period"], r["value"], r["population"]) for r in rows(store, "expectations-by-year")]
    assert got == [("2025", Decimal(16), "executives"), ("2026-01", Decimal(44), "executives")]


def test_market_positions(store):
    got = [(short(r["holder"]), short(r["technology"]), short(r["relation"]), r.get("value")) for r in rows(store, "market-positions")]
    assert got == [
        ("jke:south-korea", "jke:dram", "jkm:market-share", Decimal(70)),
        ("jke:south-korea", "jke:dram", "jkt:dominates", None),
    ]


def test_trade_and_investment(store):
    got = [(r["period"], short(r["measure"]), r["value"], short(r["unit"]), short(r["kind"])) for r in rows(store, "trade-and-investment")]
    assert got == [("2024", "jkm:bilateral-trade", Decimal("77200000000"), "cur:USD", "jkt:Level")]


def test_chip4_members_and_leader(store):
    got = [(r["role"], short(r["entity"]), r["label"], r["sentences"]) for r in rows(store, "chip4")]
    assert got == [
        ("leader", "jke:united-states", "United States", 1),
        ("member", "jke:japan", "Japan", 1),
        ("member", "jke:south-korea", "South Korea", 1),
        ("member", "jke:taiwan", "Taiwan", 1),
    ]


def test_cooperation_fields(store):
    got = [(short(r["subject"]), short(r["relation"]), short(r["object"]), short(r["field"])) for r in rows(store, "cooperation-fields")]
    assert got == [
        ("jke:japan", "jkt:cooperatesWith", "jke:south-korea", "jke:hydrogen-energy"),
        ("jke:japan", "jkt:cooperatesWith", "jke:south-korea", "jke:semiconductors"),
    ]


def test_frictions(store):
    got = [(r["period"], short(r["subject"]), short(r["action"]), short(r["object"]), short(r["item"])) for r in rows(store, "frictions")]
    assert got == [("2019", "jke:japan", "jkt:imposesExportControlsOn", "jke:south-korea", "jke:photoresists")]
    assert rows(store, "frictions")[0]["evidence"].startswith("In 2019 Japan imposed export controls")


def test_entity_facts_bound_to_a_canonical_id(store):
    got = sorted((r["role"], short(r["predicate"]), short(r.get("other")), r.get("value")) for r in rows(store, "entity-facts", entity="japan"))
    assert got == [
        ("figure subject", "jkm:bilateral-trade", None, Decimal("77200000000")),
        ("figure subject", "jkm:survey-share", None, Decimal(16)),
        ("figure subject", "jkm:survey-share", None, Decimal(44)),
        ("subject", "jkt:cooperatesWith", "jke:south-korea", None),
        ("subject", "jkt:imposesExportControlsOn", "jke:south-korea", None),
        ("subject", "jkt:memberOf", "jke:chip-4", None),
    ]
    assert {short(r["entity"]) for r in rows(store, "entity-facts", entity="japan")} == {"jke:japan"}


@pytest.mark.parametrize("value", ["photoresists", "jke:photoresists", f"<{JKE}photoresists>", URIRef(JKE + "photoresists")])
def test_entity_facts_accepts_ids_prefixed_names_and_iris(store, value):
    got = [(r["role"], short(r["predicate"]), short(r["other"])) for r in rows(store, "entity-facts", entity=value)]
    assert got == [("item", "jkt:imposesExportControlsOn", "jke:japan")]


def test_entities(store):
    got = {short(r["entity"]): (short(r["type"]), r["label"], short(r.get("wikidata")), r["mentions"]) for r in rows(store, "entities")}
    assert len(got) == 9
    assert got["jke:japan"] == ("jkt:Country", "Japan", "wd:Q17", 4)
    assert got["jke:south-korea"] == ("jkt:Country", "South Korea", "wd:Q884", 5)
    assert got["jke:chip-4"] == ("jkt:Initiative", "Chip 4", None, 1)


def test_federated_example_is_refused_without_opt_in(store):
    entry = library()["wikidata-federated"]
    assert "SERVICE <https://query.wikidata.org/sparql>" in entry.text
    assert "--allow-service" in entry.text
    with pytest.raises(QueryRefused, match="SERVICE https://query.wikidata.org/sparql is refused"):
        run_query(store, entry.text)


# --------------------------------------------------------------------------- binding


def test_parse_binding_forms():
    assert parse_binding("<http://example.org/x>") == ox.NamedNode("http://example.org/x")
    assert parse_binding("jke:japan") == ox.NamedNode(JKE + "japan")
    assert parse_binding("japan", kind="entity") == ox.NamedNode(JKE + "japan")
    assert parse_binding("japan") == ox.Literal("japan")
    assert parse_binding('"Japan"@en') == ox.Literal("Japan", language="en")
    assert parse_binding('"2025"^^xsd:gYear') == ox.Literal("2025", datatype=ox.NamedNode(PREFIXES["xsd"] + "gYear"))
    assert parse_binding("unknownprefix:x") == ox.Literal("unknownprefix:x")
    assert parse_binding("Japan and Korea", kind="entity") == ox.Literal("Japan and Korea")
    with pytest.raises(QueryError, match="not a valid IRI"):
        parse_binding("<not an iri>")


def test_bound_values_are_never_spliced_into_the_query(store):
    hostile = 'japan> } } DROP ALL ; SELECT * WHERE { ?s ?p ?o'
    assert run_query(store, "SELECT ?label WHERE { ?e rdfs:label ?label }", {"label": hostile}).rows == []
    result = run_query(store, 'SELECT ?label WHERE { ?e rdfs:label ?label }', {"label": '"Japan"@en'})
    assert [r["label"] for r in result.to_dicts()] == ["Japan"]
    assert len(store) > 0


def test_binding_errors(store):
    with pytest.raises(QueryError, match="has no variable \\?nope"):
        run_query(store, "SELECT ?s WHERE { ?s ?p ?o }", {"nope": "x"})
    with pytest.raises(QueryError, match="SELECT clause"):
        run_query(store, "SELECT ?s WHERE { ?s ?p ?o }", {"p": "rdfs:label"})


def test_cli_bind(runner):
    result = runner.invoke(cli, ["query", "entity-facts", "--graph", str(FIXTURE), "--bind", "entity=taiwan", "--format", "json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert [b["predicate"]["value"] for b in data["results"]["bindings"]] == [JKT + "memberOf"]
    bad = runner.invoke(cli, ["query", "entity-facts", "--graph", str(FIXTURE), "--bind", "entity"])
    assert bad.exit_code == 2 and "expected NAME=VALUE" in bad.output


# --------------------------------------------------------------------------- safety


@pytest.mark.parametrize(
    "sparql, fragment",
    [
        ("INSERT DATA { jke:x a jkt:Country }", "SPARQL Update (INSERT) is refused"),
        ("DELETE WHERE { ?s ?p ?o }", "SPARQL Update (DELETE) is refused"),
        ("LOAD <http://example.org/data.ttl>", "SPARQL Update (LOAD) is refused"),
        ("SELECT * WHERE { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }", "SERVICE http://127.0.0.1:9/sparql is refused"),
        ("SELECT * WHERE { ?s ?p ?o FILTER EXISTS { SERVICE SILENT ?x { ?s ?p ?o } } }", "SERVICE x is refused"),
        ("SELECT * WHERE { SERVICE:foo { ?s ?p ?o } }", "SERVICE"),
        ("SELECT * FROM <file:///etc/passwd> WHERE { ?s ?p ?o }", "FROM file:///etc/passwd is refused"),
        ("SELECT * FROM NAMED <http://example.org/g> WHERE { GRAPH ?g { ?s ?p ?o } }", "FROM http://example.org/g is refused"),
    ],
)
def test_refused_queries(store, sparql, fragment):
    with pytest.raises(QueryRefused, match=fragment.replace("(", "\\(").replace(")", "\\)")):
        run_query(store, sparql)


def test_keywords_in_strings_names_and_comments_are_not_refused(store):
    sparql = '# DELETE and SERVICE in a comment\nSELECT ?service WHERE { ?service rdfs:label "FROM LOAD" . ?service schema:Service ?x }'
    assert inspect_query(sparql).services == [] and not inspect_query(sparql).update_keywords
    assert run_query(store, sparql).rows == []


def test_service_allowed_on_request():
    info = check_query("SELECT * WHERE { SERVICE <http://example.org/sparql> { ?s ?p ?o } }", allow_service=True)
    assert info.services == ["http://example.org/sparql"]


def test_from_a_documents_graph_is_allowed_and_the_default_graph_is_a_set(tmp_path):
    trig = tmp_path / "graph.trig"
    trig.write_text(
        "@prefix jke: <https://w3id.org/jk-tech/id/> .\n@prefix jkt: <https://w3id.org/jk-tech/ontology#> .\n"
        "<https://w3id.org/jk-tech/doc/a> { jke:japan a jkt:Country . jke:chip-4 a jkt:Initiative . }\n"
        "<https://w3id.org/jk-tech/doc/b> { jke:japan a jkt:Country . }\n",
        encoding="utf-8",
    )
    store = load_store(trig)
    count = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
    assert run_query(store, count).to_dicts() == [{"n": 2}]  # each triple once, not once per graph
    assert run_query(store, "SELECT (COUNT(*) AS ?n) FROM jkd:b WHERE { ?s ?p ?o }").to_dicts() == [{"n": 1}]
    named = run_query(store, "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g ORDER BY ?g").to_dicts()
    assert [(compact(r["g"]), r["n"]) for r in named] == [("jkd:a", 2), ("jkd:b", 1)]


def test_syntax_error_gives_line_and_column(runner):
    result = runner.invoke(cli, ["query", "--graph", str(FIXTURE), "SELECT ?s\nWHERE { ?s ?p }"])
    assert result.exit_code == 2
    assert "SPARQL syntax error at line 2, column" in result.output
    assert "Traceback" not in result.output


# --------------------------------------------------------------------------- CLI and formats


def test_cli_table_by_default(runner):
    result = runner.invoke(cli, ["query", "chip4", "--graph", str(FIXTURE)])
    assert result.exit_code == 0, result.output
    assert "United States" in result.output and "4 rows" in result.output
    wide = runner.invoke(cli, ["query", "chip4", "--graph", str(FIXTURE), "--wide"])
    assert "jke:united-states" in wide.output


def test_cli_csv_tsv_xml(runner):
    sparql = "SELECT ?entity ?label WHERE { ?entity a jkt:Country ; rdfs:label ?label } ORDER BY ?label"
    out = runner.invoke(cli, ["query", sparql, "--graph", str(FIXTURE), "--format", "csv"])
    assert out.exit_code == 0, out.output
    table = list(csv.reader(io.StringIO(out.output)))
    assert table[0] == ["entity", "label"]
    assert table[1:] == [[JKE + "japan", "Japan"], [JKE + "south-korea", "South Korea"], [JKE + "taiwan", "Taiwan"], [JKE + "united-states", "United States"]]
    tsv = runner.invoke(cli, ["query", sparql, "--graph", str(FIXTURE), "--format", "tsv"]).output.splitlines()
    assert tsv[0] == "?entity\t?label" and tsv[1] == f'<{JKE}japan>\t"Japan"@en'
    xml = runner.invoke(cli, ["query", sparql, "--graph", str(FIXTURE), "--format", "xml"]).output
    assert xml.startswith("<?xml") and f"<uri>{JKE}japan</uri>" in xml and 'xml:lang="en"' in xml


def test_cli_json_is_w3c_results(runner):
    out = runner.invoke(cli, ["query", "expectations-by-year", "--graph", str(FIXTURE), "--format", "json"])
    data = json.loads(out.output)
    assert data["head"]["vars"][:2] == ["period", "value"]
    first = data["results"]["bindings"][0]
    assert first["period"] == {"type": "literal", "value": "2025", "datatype": PREFIXES["xsd"] + "gYear"}
    assert first["value"] == {"type": "literal", "value": "16", "datatype": PREFIXES["xsd"] + "decimal"}


def test_cli_construct_gives_turtle_nt_and_jsonld(runner):
    construct = "CONSTRUCT { ?e jkt:memberOf jke:chip-4 } WHERE { ?e jkt:memberOf jke:chip-4 }"
    expected = Graph()
    for member in ("japan", "south-korea", "taiwan"):
        expected.add((URIRef(JKE + member), URIRef(JKT + "memberOf"), URIRef(JKE + "chip-4")))
    for fmt, parser in (("table", "turtle"), ("ttl", "turtle"), ("nt", "nt"), ("jsonld", "json-ld")):
        out = runner.invoke(cli, ["query", construct, "--graph", str(FIXTURE), "--format", fmt])
        assert out.exit_code == 0, out.output
        assert isomorphic(Graph().parse(data=out.output, format=parser), expected), fmt
    turtle = runner.invoke(cli, ["query", construct, "--graph", str(FIXTURE)]).output
    assert "@prefix jke:" in turtle and "@prefix wd:" not in turtle
    wrong = runner.invoke(cli, ["query", construct, "--graph", str(FIXTURE), "--format", "csv"])
    assert wrong.exit_code == 2 and "gives a graph" in wrong.output


def test_cli_ask(runner):
    out = runner.invoke(cli, ["query", "ASK { jke:united-states jkt:leads jke:chip-4 }", "--graph", str(FIXTURE), "--format", "json"])
    assert json.loads(out.output) == {"head": {}, "boolean": True}


def test_cli_reads_rq_files_and_stdin(runner, tmp_path):
    path = tmp_path / "leaders.rq"
    path.write_text("# Question: Who leads what?\nSELECT ?who WHERE { ?who jkt:leads ?what }\n", encoding="utf-8")
    out = runner.invoke(cli, ["query", str(path), "--graph", str(FIXTURE), "--format", "csv"])
    assert out.exit_code == 0, out.output
    assert out.output.splitlines() == ["who", JKE + "united-states"]
    stdin = runner.invoke(cli, ["query", "-", "--graph", str(FIXTURE), "--format", "csv"], input="SELECT ?who WHERE { ?who jkt:leads ?what }")
    assert stdin.output.splitlines() == ["who", JKE + "united-states"]


def test_cli_defaults_to_out(runner, tmp_path, monkeypatch):
    (tmp_path / "out").mkdir()
    shutil.copy(FIXTURE, tmp_path / "out" / "graph.ttl")
    monkeypatch.chdir(tmp_path)
    out = runner.invoke(cli, ["query", "SELECT (COUNT(*) AS ?n) WHERE { ?f a jkt:Figure }", "--format", "csv"])
    assert out.exit_code == 0, out.output
    assert out.output.splitlines() == ["n", "4"]
    shutil.rmtree(tmp_path / "out")
    missing = runner.invoke(cli, ["query", "figures"])
    assert missing.exit_code == 2 and "run 'kg build' first" in missing.output


def test_cli_unknown_names_and_no_query(runner):
    out = runner.invoke(cli, ["query", "figurez", "--graph", str(FIXTURE)])
    assert out.exit_code == 2 and "no library query named 'figurez'" in out.output
    assert runner.invoke(cli, ["query"]).exit_code == 2


def test_resolve_query_file_errors(tmp_path):
    with pytest.raises(QueryError, match="no such query file"):
        resolve_query(str(tmp_path / "missing.rq"))
    assert resolve_query("x" * 5000 + " WHERE {}").name == ""


def test_max_results_truncates(store):
    result = run_query(store, "SELECT * WHERE { ?s ?p ?o }", max_results=5)
    assert len(result.rows) == 5 and result.truncated
    assert not run_query(store, "SELECT * WHERE { ?s a jkt:Figure }", max_results=5).truncated


# --------------------------------------------------------------------------- loading


def test_load_store_refuses_entity_declarations(tmp_path):
    path = tmp_path / "bomb.rdf"
    path.write_text('<?xml version="1.0"?><!DOCTYPE r [<!ENTITY a "aaaa">]><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"/>', encoding="utf-8")
    with pytest.raises(GraphError, match="DOCTYPE"):
        load_store(path)


def test_load_store_reports_syntax_errors(tmp_path):
    path = tmp_path / "bad.ttl"
    path.write_text("<a> <b> .\n", encoding="utf-8")
    with pytest.raises(GraphError, match="bad.ttl: not valid"):
        load_store(path)


# --------------------------------------------------------------------------- Python API


def test_python_api(tmp_path):
    graph = kg.load(FIXTURE)
    leaders = kg.query(graph, "SELECT ?who WHERE { ?who jkt:leads jke:chip-4 }")
    assert leaders == [{"who": URIRef(JKE + "united-states")}]
    assert kg.query(graph, "chip4")[0]["label"] == "United States"
    assert kg.query(graph, "entity-facts", entity="taiwan")[0]["predicate"] == URIRef(JKT + "memberOf")
    assert kg.query(graph, "ASK { jke:japan jkt:memberOf jke:chip-4 }") is True
    constructed = kg.query(graph, "CONSTRUCT WHERE { ?e jkt:leads ?i }")
    assert set(constructed) == {(URIRef(JKE + "united-states"), URIRef(JKT + "leads"), URIRef(JKE + "chip-4"))}
    # a graph built in Python is queried as it is now, not as it was loaded
    graph.add((URIRef(JKE + "india"), URIRef(JKT + "memberOf"), URIRef(JKE + "chip-4")))
    assert len(kg.query(graph, "SELECT ?m WHERE { ?m jkt:memberOf jke:chip-4 }")) == 4
    assert kg.query(str(FIXTURE), "SELECT (COUNT(*) AS ?n) WHERE { ?m jkt:memberOf jke:chip-4 }") == [{"n": 3}]
    plain = Graph()
    plain.add((URIRef(JKE + "x"), URIRef(JKT + "period"), Literal("2025", datatype=URIRef(PREFIXES["xsd"] + "gYear"))))
    assert kg.query(plain, "SELECT ?p WHERE { ?x jkt:period ?p }") == [{"p": "2025"}]


# --------------------------------------------------------------------------- the real corpus


@pytest.mark.slow
@pytest.mark.parametrize("name", LOCAL_QUERIES)
def test_every_library_query_runs_on_the_corpus(built, name):
    _, out = built
    entry = library()[name]
    examples = {"entity": "japan", "measure": "bilateral-trade", "literal": "2026-12-31"}
    bindings = {name: examples[kind] for name, kind in entry.parameters.items()} or None
    result = run_query(load_store(out / "graph.trig"), entry.text, bindings, parameters=entry.parameters)
    assert result.form == "select" and not result.truncated


@pytest.mark.slow
def test_corpus_entities_match_the_graph(built):
    _, out = built
    graph = kg.load(out / "graph.trig")
    expected = {str(s) for s in graph.subjects(URIRef(JKT + "inGazetteer"), None)}
    mentioned = {str(o) for o in graph.objects(None, URIRef("http://www.w3.org/2005/11/its/rdf#taIdentRef"))}
    got = [r["entity"] for r in kg.query(graph, "entities")]
    assert sorted(set(map(str, got))) == sorted(expected & mentioned)
    assert len(got) == len(set(got))  # one row per entity, though entities recur in several documents' graphs


def test_library_queries_use_only_known_terms():
    from kg.namespace import JKT as JKT_NS

    measures = set(re.findall(r"^jkm:([\w-]+) a jkt:Measure", (DATA.parent.parent / "ontology" / "measures.ttl").read_text(encoding="utf-8"), re.M))
    for entry in library().values():
        for term in re.findall(r"\bjkt:(\w+)", entry.text):
            assert term in JKT_NS.__annotations__, f"{entry.name}: jkt:{term} is not in the ontology"
        for term in re.findall(r"\bjkm:([\w-]+)", entry.text):
            assert term in measures, f"{entry.name}: jkm:{term} is not in ontology/measures.ttl"


def test_benchmark_smoke(tmp_path):
    import subprocess
    import sys

    script = DATA.parent.parent / "benchmarks" / "bench_query.py"
    done = subprocess.run(
        [sys.executable, str(script), "--triples", "3000", "--repeat", "1", "--rdflib-repeat", "1", "--timeout", "30", "--out", str(tmp_path)],
        capture_output=True, text=True, timeout=120,
    )
    assert done.returncode == 0, done.stderr
    report = json.loads((tmp_path / "bench-query-3000.json").read_text(encoding="utf-8"))
    assert report["triples"] >= 3000
    assert {q["query"] for q in report["queries"]} == set(LOCAL_QUERIES)
    for row in report["queries"]:
        assert row["oxigraph"]["rows"] == row["rdflib"]["rows"], row  # both engines give the same answers


def test_queries_without_graph_or_from_use_the_merged_store(tmp_path):
    trig = tmp_path / "g.trig"
    trig.write_text("<https://w3id.org/jk-tech/doc/a> { <urn:s> <urn:p> <urn:o> . }\n", encoding="utf-8")
    store = load_store(trig)
    assert store.for_query("SELECT * WHERE { ?s ?p ?o }") is store.merged
    assert store.for_query("SELECT * WHERE { GRAPH ?g { ?s ?p ?o } }") is store.full
    assert store.for_query("SELECT * WHERE { ?s ?p ?o }", dataset=True) is store.full
    assert list(store.merged.named_graphs()) == [] and len(store) == 1
    ttl = load_store(FIXTURE)
    assert ttl.for_query("SELECT * WHERE { GRAPH ?g { ?s ?p ?o } }") is ttl.merged  # no named graphs: one store


def test_table_cells_are_text_not_markup_and_never_raw_control_characters(runner, tmp_path):
    """rich would parse "[/b]" as a closing tag (and raise) and pass ESC sequences to the terminal."""
    text = FIXTURE.read_text(encoding="utf-8")
    sentence = "In the 2025 survey, 16% of executives in Japan and South Korea expected relations to improve."
    hostile = "[/b] closes nothing, [red]is not red[/red], \x1b[2J\x1b]0;owned\x07 and \u202egnp.exe"
    assert sentence in text
    graph = tmp_path / "markup.ttl"
    graph.write_text(text.replace(sentence, sentence + " " + hostile.replace("\x1b", "\\u001b").replace("\x07", "\\u0007")), encoding="utf-8")
    result = runner.invoke(cli, ["query", "figures", "--graph", str(graph), "--wide"], env={"COLUMNS": "400"})
    assert result.exit_code == 0, result.output
    assert "[/b] closes nothing" in result.output and "[red]is not red[/red]" in result.output
    assert "\x1b" not in result.output and "\x07" not in result.output and "\u202e" not in result.output
    assert "\\x1b[2J" in result.output and "\\u202e" in result.output
