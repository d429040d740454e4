"""kg serve: the SPARQL protocol without a socket, then the real server over HTTP with SPARQLWrapper."""

from __future__ import annotations

import json
import os
import re
import time
import urllib.error
import urllib.request
from urllib.parse import quote, urlencode

import pytest

from kg.cli import cli
from kg.query import library, load_store
from kg.serve import Endpoint, InlineExecutor, Limits, Request, _Handler, negotiate, parse_networks, server_process

from .conftest import DATA, ROOT

FIXTURE = DATA / "query_fixture.ttl"
COUNTRIES = "SELECT ?c WHERE { ?c a jkt:Country } ORDER BY ?c"
JKE = "https://w3id.org/jk-tech/id/"


@pytest.fixture(scope="module")
def endpoint():
    limits = Limits(max_results=3)
    return Endpoint(InlineExecutor(load_store(FIXTURE), limits), limits, title="fixture <graph>")


def get(endpoint, target, **headers):
    return endpoint.handle(Request("GET", target, headers))


def post(endpoint, body, content_type, target="/sparql", **headers):
    return endpoint.handle(Request("POST", target, {"Content-Type": content_type, **headers}, body.encode("utf-8")))


def test_get_json_default(endpoint):
    response = get(endpoint, "/sparql?query=" + quote("SELECT ?who WHERE { ?who jkt:leads jke:chip-4 }"))
    assert response.status == 200
    assert response.content_type == "application/sparql-results+json"
    data = json.loads(response.body)
    assert data["results"]["bindings"] == [{"who": {"type": "uri", "value": JKE + "united-states"}}]


@pytest.mark.parametrize(
    "accept, content_type, start",
    [
        ("text/csv", "text/csv", "c\r\n"),
        ("text/tab-separated-values", "text/tab-separated-values", "?c\n"),
        ("application/sparql-results+xml", "application/sparql-results+xml", "<?xml"),
        ("text/html, text/csv;q=0.5, application/sparql-results+xml;q=0.9", "application/sparql-results+xml", "<?xml"),
        ("text/html", "application/sparql-results+json", "{"),
    ],
)
def test_content_negotiation_for_results(endpoint, accept, content_type, start):
    response = get(endpoint, "/sparql?query=" + quote("SELECT ?c WHERE { ?c a jkt:Initiative }"), Accept=accept)
    assert response.status == 200
    assert response.content_type.split(";")[0] == content_type
    assert response.text.startswith(start)


@pytest.mark.parametrize(
    "accept, content_type, marker",
    [
        ("text/turtle", "text/turtle", "jke:united-states jkt:leads jke:chip-4"),
        ("application/n-triples", "application/n-triples", f"<{JKE}united-states> <https://w3id.org/jk-tech/ontology#leads> <{JKE}chip-4> ."),
        ("application/ld+json", "application/ld+json", '"@id"'),
    ],
)
def test_content_negotiation_for_graphs(endpoint, accept, content_type, marker):
    response = get(endpoint, "/sparql?query=" + quote("CONSTRUCT WHERE { ?a jkt:leads ?b }"), Accept=accept)
    assert response.status == 200 and response.content_type.split(";")[0] == content_type
    assert marker in response.text


def test_format_parameter_overrides_accept(endpoint):
    response = get(endpoint, "/sparql?format=csv&query=" + quote("SELECT ?c WHERE { ?c a jkt:Initiative }"), Accept="application/sparql-results+json")
    assert response.content_type.startswith("text/csv")


def test_post_direct_and_form(endpoint):
    direct = post(endpoint, "ASK { jke:japan jkt:memberOf jke:chip-4 }", "application/sparql-query")
    assert json.loads(direct.body) == {"head": {}, "boolean": True}
    form = post(endpoint, urlencode({"query": "ASK { jke:japan jkt:leads jke:chip-4 }"}), "application/x-www-form-urlencoded")
    assert json.loads(form.body) == {"head": {}, "boolean": False}


def test_updates_are_refused(endpoint):
    assert post(endpoint, "INSERT DATA { jke:x a jkt:Country }", "application/sparql-update").status == 403
    assert post(endpoint, urlencode({"update": "DROP ALL"}), "application/x-www-form-urlencoded").status == 403
    assert get(endpoint, "/sparql?update=" + quote("CLEAR ALL")).status == 403
    smuggled = get(endpoint, "/sparql?query=" + quote("DELETE WHERE { ?s ?p ?o }"))
    assert smuggled.status == 403 and "read-only" in smuggled.text
    load = get(endpoint, "/sparql?query=" + quote("LOAD <http://127.0.0.1:9/x.ttl>"))
    assert load.status == 403
    assert json.loads(get(endpoint, "/sparql?query=" + quote("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")).body)["results"]["bindings"][0]["n"]["value"] == "301"


def test_service_and_from_are_refused(endpoint):
    service = get(endpoint, "/sparql?query=" + quote("SELECT * WHERE { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }"))
    assert service.status == 403 and "SERVICE" in service.text
    from_file = get(endpoint, "/sparql?query=" + quote("SELECT * FROM <file:///etc/passwd> WHERE { ?s ?p ?o }"))
    assert from_file.status == 403
    graph_uri = get(endpoint, "/sparql?default-graph-uri=" + quote("http://example.org/") + "&query=" + quote("SELECT * WHERE { ?s ?p ?o }"))
    assert graph_uri.status == 403


def test_bad_requests(endpoint):
    syntax = get(endpoint, "/sparql?query=" + quote("SELECT ?s WHERE { ?s ?p }"))
    assert syntax.status == 400 and "line 1, column" in syntax.text
    assert post(endpoint, "", "application/x-www-form-urlencoded").status == 400  # no query
    assert get(endpoint, "/elsewhere?query=x").status == 404
    assert endpoint.handle(Request("DELETE", "/sparql")).status == 405
    assert post(endpoint, "SELECT * {}", "text/plain").status == 415
    assert post(endpoint, "x" * 300_000, "application/sparql-query").status == 413
    two = get(endpoint, "/sparql?query=a&query=b")
    assert two.status == 400


def test_results_are_truncated_and_signalled(endpoint):
    response = get(endpoint, "/sparql?query=" + quote(COUNTRIES))
    assert response.headers["X-KG-Truncated"] == "true; max-results=3"
    assert len(json.loads(response.body)["results"]["bindings"]) == 3
    small = get(endpoint, "/sparql?query=" + quote("SELECT ?c WHERE { ?c a jkt:Initiative }"))
    assert "X-KG-Truncated" not in small.headers


def test_query_page_is_self_contained_and_escaped(endpoint, monkeypatch):
    from kg.serve import page as page_module

    hostile = "</script><script>alert(1)</script>"
    entries = dict(library())
    entries["x"] = entries["chip4"].__class__(name="x", question="q", text=hostile)
    monkeypatch.setattr(page_module, "library", lambda: entries)
    page = get(endpoint, "/")
    assert page.status == 200 and page.content_type.startswith("text/html")
    html_text = page.text
    assert hostile not in html_text and "\\u003c/script\\u003e" in html_text
    assert "fixture &lt;graph&gt;" in html_text
    loaded = re.findall(r"<(?:script|link|img)[^>]+(?:src|href)=\"([^\"]*)\"", html_text)
    assert loaded and all(url.startswith("static/") or url == "data:," for url in loaded), loaded  # nothing loaded from elsewhere
    assert "innerHTML" not in html_text
    assert "script-src 'self' 'sha256-" in page.headers["Content-Security-Policy"]


def test_the_page_s_yasgui_is_served_by_the_endpoint_and_nothing_else_under_static(endpoint):
    script = get(endpoint, "/static/yasgui.min.js")
    assert script.status == 200 and script.content_type.startswith("text/javascript") and len(script.body) > 500_000
    assert get(endpoint, "/static/yasgui.min.css").content_type.startswith("text/css")
    assert "MIT License" in get(endpoint, "/static/LICENSE.txt").text
    for path in ("/static/../page.py", "/static/yasgui/yasgui.min.js", "/static/", "/static/%2e%2e/errors.py"):
        assert get(endpoint, path).status == 404, path
    csp = get(endpoint, "/").headers["Content-Security-Policy"]
    assert "script-src 'self' 'sha256-" in csp and "connect-src 'self'" in csp and "default-src 'none'" in csp
    assert "http" not in csp  # no other origin


def test_negotiate():
    table = {"text/csv": "csv", "application/sparql-results+json": "json"}
    assert negotiate("", table, "json") == "json"
    assert negotiate("text/csv;q=0.2, application/sparql-results+json", table, "x") == "json"
    assert negotiate("text/csv;q=0, application/xml", table, "json") == "json"


def test_remote_clients_are_refused_unless_allowed():
    handler = object.__new__(_Handler)
    handler.networks = []
    handler.client_address = ("192.168.1.20", 5000)
    assert not handler._client_allowed()
    handler.client_address = ("127.0.0.1", 5000)
    assert handler._client_allowed()
    handler.networks = parse_networks(["192.168.1.0/24"])
    handler.client_address = ("192.168.1.20", 5000)
    assert handler._client_allowed()


def test_serve_get_without_socket(runner):
    result = runner.invoke(cli, ["serve", "--graph", str(FIXTURE), "--get", "/sparql?format=csv&query=" + quote("SELECT ?who WHERE { ?who jkt:leads ?x }")])
    assert result.exit_code == 0, result.output
    assert result.output.splitlines() == ["who", JKE + "united-states"]
    refused = runner.invoke(cli, ["serve", "--graph", str(FIXTURE), "--get", "/sparql?query=" + quote("DROP ALL")])
    assert refused.exit_code == 2


# --------------------------------------------------------------------------- the real server


@pytest.fixture()
def server():
    with server_process(FIXTURE, "--timeout", "2", "--max-results", "50", cwd=ROOT) as (url, process):
        yield url, process


def test_real_server_with_a_standard_client(server):
    from SPARQLWrapper import JSON, POST, SPARQLWrapper

    url, process = server
    client = SPARQLWrapper(url)
    client.setReturnFormat(JSON)
    client.setQuery("PREFIX jkt: <https://w3id.org/jk-tech/ontology#> SELECT ?c WHERE { ?c a jkt:Country } ORDER BY ?c")
    data = client.query().convert()
    assert [b["c"]["value"] for b in data["results"]["bindings"]] == [JKE + c for c in ("japan", "south-korea", "taiwan", "united-states")]

    update = SPARQLWrapper(url)
    update.setMethod(POST)
    update.setQuery("INSERT DATA { <urn:x> <urn:p> <urn:o> }")
    with pytest.raises(urllib.error.HTTPError) as refused:
        update.query()
    assert refused.value.code == 403

    federated = SPARQLWrapper(url)
    federated.setReturnFormat(JSON)
    federated.setQuery("SELECT * WHERE { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }")
    with pytest.raises(urllib.error.HTTPError) as refused:
        federated.query()
    assert refused.value.code == 403

    expensive = urllib.request.Request(
        url + "?query=" + quote("SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"),
        headers={"Accept": "application/sparql-results+json"},
    )
    started = time.monotonic()
    with pytest.raises(urllib.error.HTTPError) as timed_out:
        urllib.request.urlopen(expensive, timeout=30)
    assert timed_out.value.code == 503
    assert "timed out after 2 s" in timed_out.value.read().decode()
    assert time.monotonic() - started < 10

    # the server keeps answering (the other worker at once, the killed one after its restart)
    for _ in range(3):
        data = client.query().convert()
        assert len(data["results"]["bindings"]) == 4
    assert process.poll() is None

    page = urllib.request.urlopen(url.replace("/sparql", "/"), timeout=10)
    assert page.headers["Content-Type"].startswith("text/html")


def test_answers_are_cached_per_job_and_errors_never():
    class Counting:
        def __init__(self):
            self.inner = InlineExecutor(load_store(FIXTURE), Limits())
            self.calls = 0

        def run(self, job):
            self.calls += 1
            return self.inner.run(job)

    executor = Counting()
    endpoint = Endpoint(executor, Limits())
    target = "/sparql?query=" + quote(COUNTRIES)
    first, second = get(endpoint, target), get(endpoint, target)
    assert first.status == second.status == 200 and first.body == second.body and executor.calls == 1
    assert get(endpoint, target, Accept="text/csv").body.startswith(b"c\r\n") and executor.calls == 2  # another format, another job
    bad = "/sparql?query=" + quote("SELECT * WHERE {")
    assert get(endpoint, bad).status == 400 and get(endpoint, bad).status == 400 and executor.calls == 4


def test_identical_requests_in_flight_run_once():
    import threading as _threading

    class Slow:
        def __init__(self):
            self.inner = InlineExecutor(load_store(FIXTURE), Limits())
            self.calls = 0
            self.release = _threading.Event()

        def run(self, job):
            self.calls += 1
            self.release.wait(5)
            return self.inner.run(job)

    executor = Slow()
    endpoint = Endpoint(executor, Limits())
    target = "/sparql?query=" + quote(COUNTRIES)
    answers = []
    threads = [_threading.Thread(target=lambda: answers.append(get(endpoint, target))) for _ in range(5)]
    for thread in threads:
        thread.start()
    time.sleep(0.3)
    executor.release.set()
    for thread in threads:
        thread.join(10)
    assert executor.calls == 1 and len(answers) == 5 and len({a.body for a in answers}) == 1
