"""The build in a real store: loaded into the Oxigraph server (pip `oxigraph`), every library query gives kg's rows.

The recipe is the README's: `oxigraph load --location DB --file out/graph.trig`, then
`oxigraph serve-read-only --location DB --union-default-graph`. The `.rq` files carry their own
PREFIX lines, so they are sent to the server as they are.
"""

from __future__ import annotations

import json
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlencode

import pytest

from kg.query import library, load_store, run_query


OXIGRAPH = Path(sys.executable).parent / "oxigraph"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def concatenated(sparql: str) -> set[str]:
    """Variables bound by GROUP_CONCAT: SPARQL leaves the order of their parts to the engine."""
    return set(re.findall(r"GROUP_CONCAT\(.*?\)\s+AS\s+\?(\w+)", sparql, re.IGNORECASE | re.DOTALL))


def rows(answer: dict, unordered: set[str] = frozenset()) -> list[tuple]:
    """SPARQL JSON results as sorted rows of (variable, type, value, datatype or language)."""
    def term(name: str, binding: dict) -> tuple:
        value = binding["value"]
        if name in unordered:
            value = ", ".join(sorted(value.split(", ")))
        return (binding["type"].replace("typed-literal", "literal"), value, binding.get("datatype") or binding.get("xml:lang") or "")

    return sorted(tuple(sorted((name, *term(name, value)) for name, value in row.items())) for row in answer["results"]["bindings"])


@contextmanager
def oxigraph_server(*arguments: str):
    """Run `oxigraph ARGUMENTS --bind 127.0.0.1:PORT` until it answers; yield its base URL; stop it."""
    if not OXIGRAPH.exists():
        pytest.fail(f"{OXIGRAPH} missing: the oxigraph package is in requirements.lock; run make venv")
    port = free_port()
    process = subprocess.Popen([str(OXIGRAPH), *arguments, "--bind", f"127.0.0.1:{port}"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                urllib.request.urlopen(base + "/query?" + urlencode({"query": "ASK {}"}), timeout=5).read()
                break
            except (urllib.error.URLError, ConnectionError):
                if time.monotonic() > deadline or process.poll() is not None:
                    pytest.fail("the Oxigraph server did not start")
                time.sleep(0.2)
        yield base
    finally:
        process.terminate()
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()


@pytest.fixture(scope="module")
def server(built, tmp_path_factory):
    _, out = built
    location = tmp_path_factory.mktemp("oxigraph-db")
    subprocess.run([str(OXIGRAPH), "load", "--location", str(location), "--file", str(out / "graph.trig")], check=True, capture_output=True, timeout=300)
    with oxigraph_server("serve-read-only", "--location", str(location), "--union-default-graph", "--timeout-s", "30") as base:
        yield base + "/query"
    shutil.rmtree(location, ignore_errors=True)


def ask(url: str, sparql: str) -> dict:
    request = urllib.request.Request(
        url, data=urlencode({"query": sparql}).encode(), headers={"Accept": "application/sparql-results+json", "Content-Type": "application/x-www-form-urlencoded"}
    )
    with urllib.request.urlopen(request, timeout=60) as response:
        return json.loads(response.read())


QUERIES = sorted(name for name, entry in library().items() if not entry.parameters and "SERVICE" not in entry.text)
#: Library queries with no answer on corpus/: its real texts never report one figure twice with different values.
EMPTY_ON_CORPUS = {"conflicts"}


@pytest.mark.slow
@pytest.mark.parametrize("name", QUERIES)
def test_library_query_gives_the_same_rows_in_the_oxigraph_server(server, built, name):
    _, out = built
    entry = library()[name]
    unordered = concatenated(entry.text)
    expected = rows(json.loads(run_query(load_store(out / "graph.trig"), entry.text).serialize("json")), unordered)
    got = rows(ask(server, entry.text), unordered)
    assert got == expected, f"{name}: {len(got)} rows in the server, {len(expected)} with kg query"
    assert bool(expected) != (name in EMPTY_ON_CORPUS), f"{name}: {len(expected)} rows on the corpus"
