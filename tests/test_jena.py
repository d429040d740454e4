"""The build in Apache Jena (Debian `libapache-jena-java` 4.5): riot validates every export, TDB2 answers every library query as kg does.

Debian ships Jena as jars only (no `riot` or `tdb2.*` scripts), so the commands are the classes the
distribution's scripts call: `java -cp "$JENA" riotcmd.riot`, `tdb2.tdbloader`, `tdb2.tdbquery`.
Debian's jena-core also moves the Xerces classes it bundles to `xerces.*` but leaves their message
files under `org/apache/jena/ext/xerces/`: without a copy where the classes look, every command
dies at start-up ("ExceptionInInitializerError ... internal error"). The README's recipe does both;
`test_the_readme_shows_these_commands` keeps the two the same.

Without `tdb2:unionDefaultGraph` a query sees only the default graph, which is empty: the data
is in the named graphs, each counted here as kg counts it. With it, each library query (the cases
of tests/library_cases.py, shared with the Oxigraph and Virtuoso tests) gives kg's rows.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest

from kg.cli import cli
from kg.query import load_store, run_query

from .conftest import ROOT
from .library_cases import CASES, IDS, expected, graph_counts, need, rows

pytestmark = pytest.mark.slow

JAVA_DIR = Path("/usr/share/java")
#: The jars the commands need (Debian's jars name their own dependencies in their manifests);
#: slf4j-simple prints Jena's errors, which without a logger vanish behind a bare exit status 1.
JARS = (
    "jena-arq jena-base jena-cmds jena-core jena-iri jena-tdb2 jena-dboe-base jena-dboe-index jena-dboe-storage "
    "jena-dboe-trans-data jena-dboe-transaction commons-compress commons-io guava httpclient-cache jackson-databind "
    "jsonld-java thrift slf4j-api slf4j-simple"
).split()
MESSAGES = "org/apache/jena/ext/xerces/"

#: What the README shows: `out/` is the build, `db` the TDB2 directory, `jena-res` the messages.
SETUP = [
    "sudo apt-get install libapache-jena-java",
    f"unzip -qo /usr/share/java/jena-core.jar '{MESSAGES}*' -d jena-res && cp -r jena-res/{MESSAGES.rstrip('/')} jena-res/",
    "JENA=$(printf '/usr/share/java/%s.jar:' " + " ".join(JARS) + ")jena-res",
]
EXPORTS = {"nt": "graph.nt", "nq": "graph.nq", "jsonld": "graph.jsonld", "xml": "graph.rdf"}
RIOT = ["riotcmd.riot", "--strict", "--validate", "out/graph.trig", "out/graph.ttl", "out/graph.nt", "out/graph.nq", "out/graph.rdf"]
RIOT_JSONLD = ["riotcmd.riot", "--syntax=jsonld10", "--strict", "--validate", "out/graph.jsonld"]
LOAD = ["tdb2.tdbloader", "--loc", "db", "out/graph.trig"]
QUERY = ["tdb2.tdbquery", "--loc", "db", "--results", "json", "--query"]
UNION = ["tdb2.tdbquery", "--loc", "db", "--set", "tdb2:unionDefaultGraph=true", "--results", "json", "--query"]
#: Quicker start-ups for short runs (the commands stay the README's; `java` reads this variable).
JVM = {"JDK_JAVA_OPTIONS": "-XX:TieredStopAtLevel=1 -XX:+UseSerialGC"}
PER_GRAPH = """SELECT ?g (COUNT(*) AS ?n)
WHERE {
  { GRAPH ?g { ?s ?p ?o } } UNION { ?s ?p ?o } UNION { GRAPH <urn:x-arq:UnionGraph> { ?s ?p ?o } BIND("union" AS ?g) }
}
GROUP BY ?g
"""


def shown(arguments: list[str]) -> str:
    return 'java -cp "$JENA" ' + " ".join(arguments)


@pytest.fixture(scope="module")
def jena(tmp_path_factory) -> str:
    """The class path of the README's recipe, with the Xerces messages copied as its unzip does."""
    need(shutil.which("java") is not None and all((JAVA_DIR / f"{jar}.jar").exists() for jar in JARS), "Apache Jena (Debian package libapache-jena-java)")
    resources = tmp_path_factory.mktemp("jena-res")
    with zipfile.ZipFile(JAVA_DIR / "jena-core.jar") as jar:
        for name in jar.namelist():
            if name.startswith(MESSAGES) and not name.endswith("/"):
                target = resources / "xerces" / name[len(MESSAGES):]
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_bytes(jar.read(name))
    return ":".join([*(str(JAVA_DIR / f"{jar}.jar") for jar in JARS), str(resources)])


@pytest.fixture(scope="module")
def out(built, tmp_path_factory, runner_module) -> Path:
    """The build with every RDF export next to it, as `kg export` writes them."""
    _, built_out = built
    directory = tmp_path_factory.mktemp("jena-out")
    for name in ("graph.trig", "graph.ttl"):
        shutil.copy(built_out / name, directory / name)
    for fmt, name in EXPORTS.items():
        result = runner_module.invoke(cli, ["export", str(directory / "graph.trig"), "--format", fmt, "--out", str(directory / name)])
        assert result.exit_code == 0, result.output
    return directory


@pytest.fixture(scope="module")
def runner_module():
    from click.testing import CliRunner

    return CliRunner()


def java(classpath: str, arguments: list[str], out: Path, db: Path | None = None) -> subprocess.CompletedProcess:
    """Run one command of the recipe with `out/` and `db` pointing at the test's directories."""
    def place(argument: str) -> str:
        if argument.startswith("out/"):
            return str(out / argument[4:])
        return str(db) if argument == "db" and db is not None else argument

    command = ["java", "-cp", classpath, *map(place, arguments)]
    return subprocess.run(command, capture_output=True, text=True, timeout=300, env={**os.environ, **JVM})


@pytest.fixture(scope="module")
def tdb2(jena, out, tmp_path_factory) -> Path:
    db = tmp_path_factory.mktemp("tdb2") / "db"
    done = java(jena, LOAD, out, db)
    assert done.returncode == 0, done.stderr
    return db


def answer(jena: str, command: list[str], sparql_file: Path, out: Path, db: Path) -> dict:
    done = java(jena, [*command, str(sparql_file)], out, db)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def test_riot_validates_every_export_strictly(jena, out):
    for command in (RIOT, RIOT_JSONLD):
        done = java(jena, command, out)
        # INFO names each file read; the NOTE is java's about JDK_JAVA_OPTIONS
        complaints = [line for line in done.stderr.splitlines() if " INFO " not in line and not line.startswith("NOTE: Picked up JDK_JAVA_OPTIONS")]
        assert (done.returncode, done.stdout, complaints) == (0, "", []), f"{shown(command)}: {done.stderr[:2000]}"


def test_tdb2_without_a_union_default_graph_keeps_each_named_graph(jena, tdb2, out, tmp_path):
    query = tmp_path / "per-graph.rq"
    query.write_text(PER_GRAPH, encoding="utf-8")
    got = {row["g"]["value"] if "g" in row else None: int(row["n"]["value"]) for row in answer(jena, QUERY, query, out, tdb2)["results"]["bindings"]}
    assert None not in got, f"{got.get(None)} triples in the default graph: the build puts every triple in a named graph"
    union = got.pop("union")  # GRAPH <urn:x-arq:UnionGraph>: each triple once, however many documents state it
    assert got == graph_counts(str(out / "graph.trig"))
    assert union == distinct_triples(out / "graph.trig")


def distinct_triples(trig: Path) -> int:
    answer = run_query(load_store(trig), "SELECT (COUNT(*) AS ?n) WHERE { SELECT DISTINCT ?s ?p ?o WHERE { GRAPH ?g { ?s ?p ?o } } }")
    return int(json.loads(answer.serialize("json"))["results"]["bindings"][0]["n"]["value"])


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_library_query_gives_the_same_rows_in_tdb2_with_a_union_default_graph(jena, tdb2, out, case, tmp_path):
    want = expected(out / "graph.trig", case)
    query = ROOT / "kg" / "queries" / f"{case.name}.rq"
    if case.bindings:  # the README's recipe: the example binding appended as a VALUES clause
        query = tmp_path / f"{case.name}.rq"
        query.write_text(case.sparql, encoding="utf-8")
    got = rows(answer(jena, UNION, query, out, tdb2), case.unordered)
    assert got == want, f"{case.name}: {len(got)} rows in TDB2, {len(want)} with kg query"


def test_the_readme_shows_these_commands():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for line in [*SETUP, *(shown(c) for c in (RIOT, RIOT_JSONLD, LOAD)), shown(UNION[:-3]), shown(QUERY[:-3])]:
        assert line in readme, line


def test_the_readme_binds_a_parameter_as_the_tests_do():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    (case,) = [case for case in CASES if case.name == "entity-facts"]
    clause = case.sparql.split("\nWHERE { ", 1)[1].split("\n", 1)[0]  # VALUES ?entity { <...japan> }
    assert f"sed 's|^WHERE {{|WHERE {{ {clause}|' kg/queries/{case.name}.rq > " in readme
