"""SERVICE is refused on the parsed query, in every spelling, on every path: nothing reaches a listener.

A TCP listener on 127.0.0.1 stands where a federated query would go; each spelling is sent through
``run_query``, ``kg.query()``, ``kg query``, ``kg serve --get`` and the real ``kg serve`` over HTTP,
and afterwards the listener must have seen no connection.
"""

from __future__ import annotations

import socket
import threading
import urllib.error
import urllib.request
from urllib.parse import quote

import pytest

import kg
from kg.cli import cli
from kg.query import QueryRefused, inspect_query, load_store, run_query
from kg.serve import server_process

from .conftest import DATA, ROOT

FIXTURE = DATA / "query_fixture.ttl"


class Listener:
    """Accepts connections on 127.0.0.1 and counts them."""

    def __init__(self) -> None:
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.sock.settimeout(0.2)
        self.port = self.sock.getsockname()[1]
        self.connections = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self.sock.accept()
            except (TimeoutError, OSError):
                continue
            self.connections += 1
            conn.close()

    def close(self) -> None:
        self._stop.set()
        self._thread.join(2)
        self.sock.close()


@pytest.fixture(scope="module")
def listener():
    server = Listener()
    yield server
    server.close()


def spellings(port: int) -> list[str]:
    url = f"<http://127.0.0.1:{port}/sparql>"
    inner = "{ ?a ?b ?c }"
    return [
        f"SELECT * {{ ?a a jkt:Country .SERVICE {url} {inner} }}",
        f"SELECT * {{ ?a a jkt:Country.SERVICE {url} {inner} }}",
        f"SELECT * {{ SERVICE {url} {inner} }}",
        f"select * {{ service {url} {inner} }}",
        f"SELECT * {{ SeRvIcE {url} {inner} }}",
        f"SELECT * {{ SERVICE SILENT {url} {inner} }}",
        f"SELECT * {{ SERVICE#comment\n{url} {inner} }}",
        f"SELECT * {{ ?x ?y ?z }}#\n.SERVICE {url} {inner}",
        f"SELECT * {{ {{ {{ SERVICE {url} {inner} }} }} }}",
        f"SELECT * {{ ?a ?b ?c OPTIONAL {{ SERVICE {url} {inner} }} }}",
        f"SELECT * {{ ?a ?b ?c MINUS {{ SERVICE {url} {inner} }} }}",
        f"SELECT * {{ {{ ?a ?b ?c }} UNION {{ SERVICE {url} {inner} }} }}",
        f"SELECT * {{ ?a ?b ?c FILTER EXISTS {{ SERVICE {url} {inner} }} }}",
        f"SELECT * {{ {{ SELECT * {{ SERVICE {url} {inner} }} }} }}",
        f"SELECT * {{ BIND({url} AS ?endpoint) SERVICE ?endpoint {inner} }}",
        f"SELECT * {{ VALUES ?endpoint {{ {url} }} SERVICE SILENT ?endpoint {inner} }}",
        f"PREFIX l: <http://127.0.0.1:{port}/> SELECT * {{ SERVICE l:sparql {inner} }}",
        f"BASE <http://127.0.0.1:{port}/> SELECT * {{ SERVICE <sparql> {inner} }}",
        f"SELECT * {{ \\u0053ERVICE {url} {inner} }}",
        f"SELECT * {{ \\U00000053ERVICE {url} {inner} }}",
        f"ASK {{ SERVICE {url} {inner} }}",
        f"CONSTRUCT {{ ?a ?b ?c }} WHERE {{ SERVICE {url} {inner} }}",
        f"DESCRIBE ?a WHERE {{ SERVICE {url} {inner} }}",
        f"SELECT * {{ GRAPH ?g {{ SERVICE {url} {inner} }} }}",
        f"SELECT * {{ ?a ?b ?c }} ORDER BY ?a\n# SERVICE in a comment is harmless, but this one is not:\n; SERVICE {url} {inner}",
    ]


def test_every_spelling_is_found_in_the_parse(listener):
    for sparql in spellings(listener.port)[:-1]:  # the last is not valid SPARQL
        assert inspect_query(sparql).services, sparql


def test_run_query_and_kg_query_refuse_every_spelling(listener):
    store = load_store(FIXTURE)
    for sparql in spellings(listener.port):
        with pytest.raises(kg.QueryError):
            run_query(store, sparql)
        with pytest.raises(kg.QueryError):
            kg.query(store, sparql)
    assert listener.connections == 0


def test_cli_query_and_serve_get_refuse_every_spelling(runner, listener):
    for sparql in spellings(listener.port):
        result = runner.invoke(cli, ["query", sparql, "--graph", str(FIXTURE), "--format", "json"])
        assert result.exit_code != 0, (sparql, result.output)
        assert "Traceback" not in result.output
        got = runner.invoke(cli, ["serve", "--graph", str(FIXTURE), "--get", "/sparql?query=" + quote(sparql)])
        assert got.exit_code != 0, (sparql, got.output)
    assert listener.connections == 0


def test_real_server_refuses_every_spelling(listener):
    with server_process(FIXTURE, "--timeout", "5", cwd=ROOT) as (url, _):
        for sparql in spellings(listener.port):
            request = urllib.request.Request(url + "?query=" + quote(sparql), headers={"Accept": "application/sparql-results+json"})
            with pytest.raises(urllib.error.HTTPError) as refused:
                urllib.request.urlopen(request, timeout=30)
            assert refused.value.code in (400, 403), sparql
    assert listener.connections == 0


def test_names_strings_and_comments_that_say_service_are_not_refused():
    store = load_store(FIXTURE)
    harmless = 'PREFIX service: <urn:x:> SELECT ?service { ?service rdfs:label "SERVICE <http://127.0.0.1:9/>" . ?service schema:Service ?x } # SERVICE'
    assert inspect_query(harmless).services == []
    assert run_query(store, harmless).rows == []


def test_service_runs_only_when_allowed(listener):
    sparql = f"SELECT * {{ ?a a jkt:Country .SERVICE SILENT <http://127.0.0.1:{listener.port}/sparql> {{ ?a ?b ?c }} }}"
    with pytest.raises(QueryRefused, match="--allow-service"):
        run_query(load_store(FIXTURE), sparql)
    before = listener.connections
    run_query(load_store(FIXTURE), sparql, allow_service=True)  # SILENT: the closed connection is no error
    assert listener.connections > before  # the listener does see a call that was allowed


def test_a_trailing_values_block_reuses_the_verdict_only_when_it_is_plain_data(listener):
    from kg.query.safety import _head_before_values, _inspect

    url = f"<http://127.0.0.1:{listener.port}/sparql>"
    head = "SELECT ?a ?b { ?a rdfs:label ?b } ORDER BY ?b"
    inspect_query(head)
    misses = _inspect.cache_info().misses
    for values in ['VALUES ?a { jke:japan }', 'VALUES (?a ?b) { (jke:japan "Japan"@en) (UNDEF "x"^^xsd:string) (<urn:x> 1.5) }']:
        assert inspect_query(f"{head}\n{values}").services == []
    assert _inspect.cache_info().misses == misses  # no second parse for the same head
    declined = [
        f'{head} VALUES ?a {{ "\\u0022 }} SERVICE {url} {{ ?a ?b ?c }} #" }}',  # an escape anywhere
        f"{head} # }}\n VALUES ?a {{ <urn:x> }}",  # the block would start in a comment
        f"{head} VALUES ?a {{ <urn:x> }} SERVICE {url} {{ ?a ?b ?c }}",  # not data
        f'SELECT * {{ ?a ?b "}} VALUES ?a {{ <urn:x> }}',  # the head opens a string
        f'{head} VALUES ?a {{ {"1" * 20000}x }}',  # refused in linear time
    ]
    for sparql in declined:
        assert _head_before_values(sparql) is None or not _inspect(_head_before_values(sparql), ()).parsed, sparql
    store, before = load_store(FIXTURE), listener.connections
    for sparql in [f"SELECT * {{ SERVICE {url} {{ ?a ?b ?c }} }} VALUES ?a {{ <urn:x> }}", declined[0]]:
        with pytest.raises(kg.QueryError):
            run_query(store, sparql)
    assert listener.connections == before


def test_the_library_is_judged_by_the_token_scan_as_by_the_parse():
    from kg.query import library
    from kg.query.safety import _inspect, scanned_query

    for name, entry in library().items():
        parsed, scanned = _inspect(entry.text.rstrip(), ()), scanned_query(entry.text)
        assert parsed.parsed, name
        assert (scanned.update_keywords, bool(scanned.services), bool(scanned.datasets), scanned.uses_graphs) == (
            parsed.update_keywords, bool(parsed.services), bool(parsed.datasets), parsed.uses_graphs), name
    federated = library()["wikidata-federated"].text
    assert inspect_query(federated).services  # the library's one SERVICE query is still refused without --allow-service
