"""Bad-input catalogue, SPARQL (cases 41-47): `kg query` and the endpoint refuse, bound or flag them."""

from __future__ import annotations

import json
import time
from urllib.parse import quote

import pytest

from kg.cli import cli
from kg.query import load_store, run_query
from kg.serve import Endpoint, InlineExecutor, Limits, OneShotExecutor, Request

from ..conftest import DATA

FIXTURE = DATA / "query_fixture.ttl"
CARTESIAN = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
COUNT = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"


@pytest.fixture()
def endpoint():
    limits = Limits(max_results=3)
    return Endpoint(InlineExecutor(load_store(FIXTURE), limits), limits)


def get(endpoint, sparql, **headers):
    return endpoint.handle(Request("GET", "/sparql?query=" + quote(sparql), headers))


def post(endpoint, body: bytes, content_type: str):
    return endpoint.handle(Request("POST", "/sparql", {"Content-Type": content_type}, body))


def triple_count(endpoint) -> str:
    return json.loads(get(endpoint, COUNT).body)["results"]["bindings"][0]["n"]["value"]


@pytest.mark.parametrize("where", ["cli", "http"], ids=["case-41-cli", "case-41-http"])
def test_case_41_syntax_error_carries_the_parser_message(runner, endpoint, where):
    sparql = "SELECT ?s\nWHERE { ?s ?p }"
    if where == "cli":
        result = runner.invoke(cli, ["query", "--graph", str(FIXTURE), sparql])
        assert result.exit_code == 2 and "SPARQL syntax error at line 2, column" in result.output
        assert "Traceback" not in result.output
    else:
        response = get(endpoint, sparql)
        assert response.status == 400 and "SPARQL syntax error at line 2" in response.text


def test_case_42_a_hostile_bound_value_does_not_widen_the_results(runner):
    sparql = "SELECT ?e ?name WHERE { ?e rdfs:label ?label FILTER(STR(?label) = ?name) }"
    hostile = 'Apple" || true || "'
    store = load_store(FIXTURE)
    assert run_query(store, sparql, {"name": hostile}).rows == []
    assert len(run_query(store, sparql, {"name": "Japan"}).rows) == 1
    result = runner.invoke(cli, ["query", "--graph", str(FIXTURE), sparql, "--bind", f"name={hostile}", "--format", "csv"])
    assert result.exit_code == 0 and result.output.splitlines() == ["e,name"]


@pytest.mark.parametrize(
    "sparql",
    [
        "SELECT * FROM <file:///etc/passwd> WHERE { ?s ?p ?o }",
        "SELECT * WHERE { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }",
        "SELECT * WHERE { ?s ?p ?o .SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }",
    ],
    ids=["case-43-from-file", "case-43-service", "case-43-service-no-space"],
)
def test_case_43_from_and_service_are_refused_before_any_io(endpoint, runner, sparql):
    """The endpoint answers 403 Forbidden rather than the catalogue's 400: the query is well formed,
    the server refuses to run it (the same status as updates, case 44)."""
    assert get(endpoint, sparql).status == 403
    result = runner.invoke(cli, ["query", "--graph", str(FIXTURE), sparql])
    assert result.exit_code == 2 and "refused" in result.output


@pytest.mark.parametrize(
    "body, content_type",
    [
        (b"LOAD <http://127.0.0.1:9/x.ttl>", "application/sparql-update"),
        (b"INSERT DATA { <urn:a> <urn:b> <urn:c> }", "application/sparql-update"),
        (b"update=DROP%20ALL", "application/x-www-form-urlencoded"),
        (b"DROP ALL", "application/sparql-query"),
    ],
    ids=["case-44-load", "case-44-insert", "case-44-drop-form", "case-44-drop-as-query"],
)
def test_case_44_updates_are_forbidden_and_the_store_is_unchanged(endpoint, body, content_type):
    before = triple_count(endpoint)
    assert post(endpoint, body, content_type).status == 403
    assert triple_count(endpoint) == before


def test_case_45_cartesian_query_times_out_cli(runner):
    started = time.monotonic()
    result = runner.invoke(cli, ["query", "--graph", str(FIXTURE), CARTESIAN, "--timeout", "1"])
    assert result.exit_code == 2
    assert result.output.startswith("Error: query timed out after 1 s") and len(result.output.splitlines()) == 1
    assert time.monotonic() - started < 10


def test_case_45_cartesian_query_times_out_http_and_the_endpoint_still_answers():
    limits = Limits(timeout=1)
    endpoint = Endpoint(OneShotExecutor(FIXTURE, limits), limits)
    started = time.monotonic()
    response = get(endpoint, CARTESIAN)
    assert response.status == 503 and "timed out after 1 s" in response.text
    assert time.monotonic() - started < 10
    assert get(endpoint, "ASK { ?s ?p ?o }").status == 200


def test_case_45_memory_stays_bounded(runner):
    """A sorted cartesian product would hold every row: the query process has a memory cap, so it
    is stopped (here with a tiny cap) rather than taking the machine's memory."""
    from kg.query import cli_query
    from kg.errors import QueryError

    sparql = "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i } ORDER BY ?a ?i"
    with pytest.raises(QueryError, match="died|memory|timed out"):
        cli_query(sparql, FIXTURE, fmt="csv", timeout=20, max_memory=64 * 2**20)


def test_case_46_cut_results_are_flagged(runner, endpoint):
    result = runner.invoke(cli, ["query", "--graph", str(FIXTURE), "SELECT * WHERE { ?s ?p ?o }", "--max-results", "5", "--format", "csv"])
    assert result.exit_code == 0
    assert len(result.stdout.splitlines()) == 6
    assert "truncated after 5 rows; use --max-results" in result.stderr
    whole = runner.invoke(cli, ["query", "--graph", str(FIXTURE), "chip4"])
    assert "truncated" not in whole.stderr
    response = get(endpoint, "SELECT * WHERE { ?s ?p ?o }")
    assert response.headers["X-KG-Truncated"] == "true; max-results=3"
    served = runner.invoke(cli, ["serve", "--graph", str(FIXTURE), "--max-results", "2", "--get", "/sparql?format=csv&query=" + quote("SELECT * WHERE { ?s ?p ?o }")])
    assert served.exit_code == 0 and "truncated after 2 rows" in served.stderr


@pytest.mark.parametrize(
    "body, content_type, status",
    [
        (b"SELECT * WHERE { ?s ?p ?o } #" + b"x" * 300_000, "application/sparql-query", 413),
        ("ASK { ?s ?p ?o }".encode("utf-16"), "application/sparql-query", 400),
        (b"ASK { ?s ?p ?o }", "text/plain", 415),
    ],
    ids=["case-47-oversized", "case-47-utf16", "case-47-content-type"],
)
def test_case_47_bad_bodies(endpoint, body, content_type, status):
    assert post(endpoint, body, content_type).status == status
