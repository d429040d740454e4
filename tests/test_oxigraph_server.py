"""The build in a real store: loaded into the Oxigraph server (pip `oxigraph`), every library query gives kg's rows.

The recipe is the README's: `oxigraph load --location DB --file out/graph.trig`, then
`oxigraph serve-read-only --location DB --union-default-graph`. The `.rq` files carry their own
PREFIX lines, so they are sent to the server as they are; the cases (and the example binding of a
parameterised query) are tests/library_cases.py's, shared with the Jena and Virtuoso tests.
"""

from __future__ import annotations

import json
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

from .library_cases import CASES, IDS, expected, rows


OXIGRAPH = Path(sys.executable).parent / "oxigraph"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


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


@pytest.mark.slow
@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_library_query_gives_the_same_rows_in_the_oxigraph_server(server, built, case):
    _, out = built
    want = expected(out / "graph.trig", case)
    got = rows(ask(server, case.sparql), case.unordered)
    assert got == want, f"{case.name}: {len(got)} rows in the server, {len(want)} with kg query"
