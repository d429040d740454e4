"""kg push: the build sent to a real Oxigraph server by the Graph Store Protocol; a second push replaces."""

from __future__ import annotations

import json
import urllib.request
from urllib.parse import urlencode

import pytest

from kg.cli import cli
from kg.push import auth_header, graph_url, plan

from .test_oxigraph_server import free_port, oxigraph_server
from .test_service_guard import Listener


@pytest.fixture()
def store_server():
    with oxigraph_server("serve") as base:
        yield base


def counts(base: str) -> dict[str, int]:
    query = "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g"
    request = urllib.request.Request(base + "/query?" + urlencode({"query": query}), headers={"Accept": "application/sparql-results+json"})
    with urllib.request.urlopen(request, timeout=30) as response:
        rows = json.loads(response.read())["results"]["bindings"]
    return {row["g"]["value"]: int(row["n"]["value"]) for row in rows}


@pytest.mark.slow
def test_push_to_oxigraph_and_push_again_replaces(runner, built, store_server):
    _, out = built
    expected = {u.graph: u.triples for u in plan(out / "graph.trig", store_server + "/store")}
    assert "https://w3id.org/jk-tech/graph/entities" in expected and len(expected) >= 12
    for _ in range(2):
        result = runner.invoke(cli, ["push", store_server + "/store", "--graph", str(out / "graph.trig")])
        assert result.exit_code == 0, result.output
        assert counts(store_server) == expected  # the second push replaced every graph, duplicated nothing


def test_dry_run_sends_nothing(runner, built):
    _, out = built
    listener = Listener()
    try:
        result = runner.invoke(cli, ["push", f"http://127.0.0.1:{listener.port}/store", "--graph", str(out / "graph.trig"), "--dry-run"])
        assert result.exit_code == 0 and "would PUT https://w3id.org/jk-tech/graph/entities" in result.output
        assert listener.connections == 0
    finally:
        listener.close()


def test_errors_are_one_line(runner, built):
    _, out = built
    refused = runner.invoke(cli, ["push", f"http://127.0.0.1:{free_port()}/store", "--graph", str(out / "graph.trig")])
    assert refused.exit_code == 2 and "is the store running?" in refused.output and "Traceback" not in refused.output
    scheme = runner.invoke(cli, ["push", "file:///etc/passwd", "--graph", str(out / "graph.trig")])
    assert scheme.exit_code == 2 and "http:// or https://" in scheme.output


def test_credentials_come_from_the_environment_only(monkeypatch):
    monkeypatch.setenv("KG_STORE_AUTH", "alice:s3cret")
    assert auth_header("KG_STORE_AUTH") == "Basic YWxpY2U6czNjcmV0"
    monkeypatch.setenv("KG_STORE_AUTH", "Bearer abc")
    assert auth_header("KG_STORE_AUTH") == "Bearer abc"
    monkeypatch.delenv("KG_STORE_AUTH")
    with pytest.raises(Exception, match="not set"):
        auth_header("KG_STORE_AUTH")
    assert graph_url("http://h/store?x=1", None) == "http://h/store?x=1&default"
