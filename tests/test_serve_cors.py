"""kg serve: opt-in CORS with a correct preflight, and the SPARQL 1.1 Service Description at GET /sparql."""

from __future__ import annotations

import json
import urllib.request
from urllib.parse import quote

import pytest
from rdflib import Dataset, Graph, Literal, Namespace, URIRef
from rdflib.namespace import RDF

from kg.cli import cli
from kg.errors import QueryError
from kg.query import load_store
from kg.serve import Endpoint, InlineExecutor, Limits, Request, parse_origins, server_process

from .conftest import DATA, ROOT

FIXTURE = DATA / "query_fixture.ttl"
SD = Namespace("http://www.w3.org/ns/sparql-service-description#")
FORMATS = Namespace("http://www.w3.org/ns/formats/")
VOID = Namespace("http://rdfs.org/ns/void#")
ALLOWED = "https://yasgui.example.org"
QUERY = "/sparql?query=" + quote("SELECT ?c WHERE { ?c a jkt:Initiative }")


@pytest.fixture(scope="module")
def store():
    return load_store(FIXTURE)


def endpoint(store, *cors: str, limits: Limits | None = None) -> Endpoint:
    limits = limits or Limits()
    return Endpoint(InlineExecutor(store, limits), limits, cors=cors)


def cors_keys(response) -> set[str]:
    return {k for k in response.headers if k.lower().startswith("access-control-")}


def preflight(origin: str) -> Request:
    return Request("OPTIONS", "/sparql", {"Origin": origin, "Access-Control-Request-Method": "POST", "Access-Control-Request-Headers": "content-type"})


# --------------------------------------------------------------------------- CORS


def test_no_cors_headers_at_all_unless_asked_for(store):
    plain = endpoint(store)
    for request in (Request("GET", QUERY, {"Origin": ALLOWED}), preflight(ALLOWED)):
        response = plain.handle(request)
        assert cors_keys(response) == set() and "Vary" not in response.headers
    assert plain.handle(preflight(ALLOWED)).status == 204


def test_preflight_from_an_allowed_origin(store):
    response = endpoint(store, ALLOWED, "http://localhost:3000").handle(preflight(ALLOWED))
    assert response.status == 204 and response.body == b""
    assert response.headers["Access-Control-Allow-Origin"] == ALLOWED
    assert response.headers["Access-Control-Allow-Methods"] == "GET, POST, OPTIONS"
    assert response.headers["Access-Control-Allow-Headers"] == "Content-Type, Accept"
    assert int(response.headers["Access-Control-Max-Age"]) > 0
    assert response.headers["Vary"] == "Origin"


def test_answers_to_an_allowed_origin_name_only_that_origin(store):
    served = endpoint(store, ALLOWED, "http://localhost:3000")
    response = served.handle(Request("GET", QUERY, {"Origin": "http://localhost:3000"}))
    assert response.status == 200
    assert response.headers["Access-Control-Allow-Origin"] == "http://localhost:3000"
    assert "X-KG-Truncated" in response.headers["Access-Control-Expose-Headers"]
    assert "Access-Control-Allow-Methods" not in response.headers  # only on the preflight


@pytest.mark.parametrize("origin", ["https://evil.example", "https://yasgui.example.org.evil.example", "null", ""])
def test_a_disallowed_origin_gets_no_cors_headers(store, origin):
    served = endpoint(store, ALLOWED)
    for request in (preflight(origin), Request("GET", QUERY, {"Origin": origin})):
        assert cors_keys(served.handle(request)) == set()


def test_star_only_when_given_explicitly(store):
    response = endpoint(store, "*").handle(preflight("https://anywhere.example"))
    assert response.headers["Access-Control-Allow-Origin"] == "*"


@pytest.mark.parametrize("bad", ["yasgui.org", "https://yasgui.org/path", "ftp://x.org", "https://a b"])
def test_bad_origins_are_refused_with_a_hint(bad):
    with pytest.raises(QueryError, match="not an origin"):
        parse_origins([bad])
    assert parse_origins(["https://YASGUI.org/"]) == ("https://yasgui.org",)


def test_cli_refuses_a_bad_cors_origin(runner):
    result = runner.invoke(cli, ["serve", "--graph", str(FIXTURE), "--cors", "yasgui.org", "--get", "/sparql"])
    assert result.exit_code == 2 and "not an origin" in result.output and "Traceback" not in result.output


# --------------------------------------------------------------------------- service description


def description(response) -> Graph:
    fmt = "json-ld" if response.content_type.startswith("application/ld+json") else "turtle"
    return Graph().parse(data=response.body, format=fmt)


def check_description(graph: Graph, endpoint_iri: str) -> None:
    service = graph.value(None, RDF.type, SD.Service)
    assert service is not None
    assert graph.value(service, SD.endpoint) == URIRef(endpoint_iri)
    assert (service, SD.supportedLanguage, SD.SPARQL11Query) in graph
    formats = set(graph.objects(service, SD.resultFormat))
    assert {FORMATS.SPARQL_Results_JSON, FORMATS.SPARQL_Results_XML, FORMATS.SPARQL_Results_CSV, FORMATS.SPARQL_Results_TSV, FORMATS.Turtle} <= formats
    assert (service, SD.feature, SD.UnionDefaultGraph) in graph
    assert (service, SD.feature, SD.BasicFederatedQuery) not in graph  # SERVICE is refused
    dataset = graph.value(service, SD.defaultDataset)
    assert (dataset, RDF.type, SD.Dataset) in graph
    default_graph = graph.value(dataset, SD.defaultGraph)
    assert (default_graph, RDF.type, SD.Graph) in graph
    assert int(graph.value(default_graph, VOID.triples)) == len(Graph().parse(FIXTURE))


def test_get_sparql_without_query_is_the_service_description_in_turtle(store):
    response = endpoint(store).handle(Request("GET", "/sparql", {"Host": "127.0.0.1:7878"}))
    assert response.status == 200 and response.content_type.startswith("text/turtle")
    assert "@prefix sd:" in response.text
    check_description(description(response), "http://127.0.0.1:7878/sparql")


@pytest.mark.parametrize("accept", ["application/ld+json", "text/html, application/ld+json;q=0.9"])
def test_service_description_in_json_ld_on_request(store, accept):
    response = endpoint(store).handle(Request("GET", "/sparql", {"Host": "localhost:9", "Accept": accept}))
    assert response.status == 200 and response.content_type == "application/ld+json"
    json.loads(response.body)
    check_description(description(response), "http://localhost:9/sparql")


def test_service_description_ignores_a_hostile_host_header_and_lists_federation_when_allowed(store):
    limits = Limits(allow_service=True)
    served = Endpoint(InlineExecutor(store, limits), limits, base_url="http://127.0.0.1:1")
    graph = description(served.handle(Request("GET", "/sparql", {"Host": "x> <y"})))
    service = graph.value(None, RDF.type, SD.Service)
    assert graph.value(service, SD.endpoint) == URIRef("http://127.0.0.1:1/sparql")
    assert (service, SD.feature, SD.BasicFederatedQuery) in graph


def test_service_description_lists_named_graphs(tmp_path):
    dataset = Dataset()
    for name in ("a", "b"):
        dataset.graph(URIRef(f"https://w3id.org/jk-tech/doc/{name}")).add((URIRef("urn:s"), URIRef("urn:p"), Literal(name)))
    path = tmp_path / "two.trig"
    dataset.serialize(path, format="trig")
    graph = description(endpoint(load_store(path)).handle(Request("GET", "/sparql")))
    names = {str(o) for o in graph.objects(None, SD.name)}
    assert names == {"https://w3id.org/jk-tech/doc/a", "https://w3id.org/jk-tech/doc/b"}


# --------------------------------------------------------------------------- over a socket


@pytest.fixture()
def server():
    with server_process(FIXTURE, "--workers", "1", "--cors", ALLOWED, cwd=ROOT) as (url, process):
        yield url


def test_preflight_and_service_description_over_a_socket(server):
    ask = urllib.request.Request(server, method="OPTIONS", headers={"Origin": ALLOWED, "Access-Control-Request-Method": "POST"})
    with urllib.request.urlopen(ask, timeout=30) as response:
        assert response.status == 204 and response.read() == b""
        assert response.headers["Access-Control-Allow-Origin"] == ALLOWED
        assert response.headers["Access-Control-Allow-Methods"] == "GET, POST, OPTIONS"
    other = urllib.request.Request(server, method="OPTIONS", headers={"Origin": "https://evil.example"})
    with urllib.request.urlopen(other, timeout=30) as response:
        assert "Access-Control-Allow-Origin" not in response.headers
    with urllib.request.urlopen(urllib.request.Request(server, headers={"Accept": "application/ld+json"}), timeout=30) as response:
        assert response.headers["Content-Type"] == "application/ld+json"
        check_description(Graph().parse(data=response.read(), format="json-ld"), server)
    with urllib.request.urlopen(server, timeout=30) as response:
        assert response.headers["Content-Type"].startswith("text/turtle")
        check_description(Graph().parse(data=response.read(), format="turtle"), server)
