"""The build in Virtuoso (Debian `virtuoso-opensource-7-bin` 7.2.5): bulk-loaded with ld_dir, every library query gives kg's rows.

The recipe is the README's: its `virtuoso.ini` (ports and DirsAllowed set for the test), a new
database started with `virtuoso-t -f` on 127.0.0.1 (about 3 s), `ld_dir` with a graph IRI (with
`NULL` ld_dir skips the file: it then wants a `graph.trig.graph` file naming the graph) and
`rdf_loader_run()` through `isql-vt`, then the library queries POSTed to `/sparql`, the cases of
tests/library_cases.py shared with the Oxigraph and Jena tests.

Virtuoso queries the union of all its graphs when a request names none (its own system graphs
included, which no library query matches); `default-graph-uri` naming the empty graph the TriG's
default triples would go to gives the layout without a union: an empty default graph and each
named graph as kg counts it. Three differences in how Virtuoso writes answers are read as equal:
booleans as `1`/`0` (the same xsd:boolean values as `true`/`false`), the value of `EXISTS { … }`
as an xsd:integer `0`/`1` rather than an xsd:boolean, and a GROUP_CONCAT over nothing bound as
`""` where kg, Oxigraph and Jena leave it unbound.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import urlencode

import pytest

from .conftest import ROOT
from .library_cases import CASES, DOCUMENT, GRAPH, IDS, expected, graph_counts, need, rows
from .test_oxigraph_server import free_port

pytestmark = pytest.mark.slow

README = ROOT / "README.md"
LOAD = "ld_dir('/path/to/kg/out', 'graph.trig', 'https://w3id.org/jk-tech/graph'); rdf_loader_run(); checkpoint;"
BOOLEAN = "http://www.w3.org/2001/XMLSchema#boolean"
INTEGER = "http://www.w3.org/2001/XMLSchema#integer"
PER_GRAPH = "SELECT ?g (COUNT(*) AS ?n) WHERE { { GRAPH ?g { ?s ?p ?o } } UNION { ?s ?p ?o } } GROUP BY ?g"


def readme_ini() -> str:
    """The virtuoso.ini the README shows."""
    text = README.read_text(encoding="utf-8")
    found = re.search(r"\*\*Virtuoso\*\*.*?```ini\n(.*?)```", text, re.DOTALL)
    assert found, "the README shows a virtuoso.ini"
    return found[1]


@pytest.fixture(scope="module")
def virtuoso(request, tmp_path_factory):
    """The README's Virtuoso recipe on free ports; yields the /sparql URL."""
    need(shutil.which("virtuoso-t") is not None and shutil.which("isql-vt") is not None, "Virtuoso (Debian package virtuoso-opensource-7-bin)")
    _, out = request.getfixturevalue("built")  # only once Virtuoso is known to be there
    directory = tmp_path_factory.mktemp("virtuoso")
    sql, http = free_port(), free_port()
    ini = readme_ini().replace("127.0.0.1:1111", f"127.0.0.1:{sql}").replace("127.0.0.1:8890", f"127.0.0.1:{http}").replace("/path/to/kg/out", str(out))
    (directory / "virtuoso.ini").write_text(ini, encoding="utf-8")
    process = subprocess.Popen(["virtuoso-t", "-f", "-c", "virtuoso.ini"], cwd=directory, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{http}/sparql"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                urllib.request.urlopen(url + "?" + urlencode({"query": "ASK {}"}), timeout=5).read()
                break
            except (urllib.error.URLError, ConnectionError):
                if time.monotonic() > deadline or process.poll() is not None:
                    log = directory / "virtuoso.log"
                    pytest.fail("Virtuoso did not start: " + (log.read_text(errors="replace")[-2000:] if log.exists() else "no log"))
                time.sleep(0.25)
        load = LOAD.replace("/path/to/kg/out", str(out))
        done = subprocess.run(["isql-vt", f"127.0.0.1:{sql}", "dba", "dba", f"exec={load}"], capture_output=True, text=True, timeout=120)
        assert done.returncode == 0 and "Error" not in done.stdout + done.stderr, done.stdout + done.stderr
        yield url
    finally:
        process.terminate()
        try:
            process.wait(20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        shutil.rmtree(directory, ignore_errors=True)


def ask(url: str, sparql: str, **dataset: str) -> dict:
    body = urlencode({"query": sparql, **dataset}).encode()
    request = urllib.request.Request(url, data=body, headers={"Accept": "application/sparql-results+json", "Content-Type": "application/x-www-form-urlencoded"})
    with urllib.request.urlopen(request, timeout=60) as response:
        return json.loads(response.read())


def exists_variables(sparql: str) -> set[str]:
    """Variables bound to an EXISTS test, `BIND(EXISTS { … } AS ?v)`."""
    return set(re.findall(r"BIND\(\s*(?:NOT\s+)?EXISTS\b.*?\bAS\s+\?(\w+)\s*\)", sparql, re.IGNORECASE | re.DOTALL))


def as_kg_writes_it(answer: dict, concatenated: set[str], exists: set[str] = frozenset()) -> dict:
    """Virtuoso's xsd:boolean 1/0 as true/false, EXISTS as a boolean (Virtuoso: integer 0/1), its "" for a GROUP_CONCAT over nothing as unbound."""
    for row in answer["results"]["bindings"]:
        for name, term in list(row.items()):
            if name in exists and term.get("datatype") == INTEGER and term["value"] in ("0", "1"):
                term["datatype"] = BOOLEAN
            if term.get("datatype") == BOOLEAN and term["value"] in ("0", "1"):
                term["value"] = "true" if term["value"] == "1" else "false"
            if name in concatenated and term["value"] == "":
                del row[name]
    return answer


def test_without_a_union_each_named_graph_is_loaded_and_the_default_graph_is_empty(virtuoso, built):
    _, out = built
    answer = ask(virtuoso, PER_GRAPH, **{"default-graph-uri": GRAPH})
    got = {row["g"]["value"] if "g" in row else None: int(row["n"]["value"]) for row in answer["results"]["bindings"]}
    assert None not in got, f"{got.get(None)} triples in the default graph"
    ours = {graph: n for graph, n in got.items() if graph.startswith((GRAPH + "/", DOCUMENT))}  # not Virtuoso's own graphs
    assert ours == graph_counts(str(out / "graph.trig"))


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_library_query_gives_the_same_rows_in_virtuoso(virtuoso, built, case):
    _, out = built
    want = expected(out / "graph.trig", case)
    got = rows(as_kg_writes_it(ask(virtuoso, case.sparql), case.unordered, exists_variables(case.sparql)), case.unordered)
    assert got == want, f"{case.name}: {len(got)} rows in Virtuoso, {len(want)} with kg query"


def test_the_readme_shows_this_load():
    assert f'isql-vt 127.0.0.1:1111 dba dba exec="{LOAD}"' in README.read_text(encoding="utf-8")
