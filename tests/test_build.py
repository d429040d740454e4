"""End to end: kg build on the corpus and on bad input; determinism; atomic outputs."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from rdflib import Graph, URIRef
from rdflib.namespace import RDF

from kg.cli import cli
from kg.namespace import ENTITY, JKT

from .conftest import CORPUS, ROOT


@pytest.mark.slow
def test_build_writes_a_parseable_graph_with_one_node_per_country(built):
    _, out = built
    graph = Graph().parse(out / "graph.ttl")
    for entity_id, cls in [("japan", JKT.Country), ("south-korea", JKT.Country), ("china", JKT.Country),
                           ("united-states", JKT.Country), ("chip-4", JKT.Initiative)]:
        assert (ENTITY[entity_id], RDF.type, cls) in graph
    # exactly one node for each: no other entity carries the same label
    labels = [str(o) for s, o in graph.subject_objects(URIRef("http://www.w3.org/2000/01/rdf-schema#label")) if str(s).startswith(str(ENTITY))]
    for label in ["Japan", "South Korea", "China", "United States", "Chip 4"]:
        assert labels.count(label) == 1, label


@pytest.mark.slow
def test_no_spurious_entities(built):
    result, _ = built
    entity_ids = {e.id for d in result.documents for e in d.entities}
    texts = {m.text for d in result.documents for m in d.mentions}
    assert "comments" not in entity_ids and "Comments" not in texts
    assert not any(t.isdigit() for t in texts)
    dram = [e for d in result.documents for e in d.entities if e.id == "dram"]
    assert dram and dram[0].type == "Technology"


@pytest.mark.slow
def test_mention_and_sentence_offsets_slice_the_stored_text(built):
    result, _ = built
    for facts in result.documents:
        text = facts.article.text
        for sentence in facts.sentences:
            assert text[sentence.start : sentence.end] == sentence.text
        for mention in facts.mentions:
            assert text[mention.start : mention.end] == mention.text


@pytest.mark.slow
def test_two_builds_are_byte_identical(tmp_path, runner):
    a, b = tmp_path / "a", tmp_path / "b"
    assert runner.invoke(cli, ["build", str(CORPUS), "--out", str(a), "-q"]).exit_code == 0
    assert runner.invoke(cli, ["build", str(CORPUS), "--out", str(b), "-q"]).exit_code == 0
    for name in ("graph.ttl", "graph.trig"):
        assert (a / name).read_bytes() == (b / name).read_bytes()


@pytest.mark.slow
def test_cli_summary_line(runner, tiny_corpus, tmp_path):
    result = runner.invoke(cli, ["build", str(tiny_corpus), "--out", str(tmp_path / "o")])
    assert result.exit_code == 0, result.output
    assert result.output.startswith("Built 2 documents: ")
    for word in ("sentences", "entities", "figures", "relations", "triples", "graph.ttl"):
        assert word in result.output


@pytest.mark.parametrize(
    "setup, message",
    [
        ("missing", "no such file or directory"),
        ("empty", "No articles found"),
        ("latin1", "not valid UTF-8 at byte"),
    ],
)
def test_bad_input_gives_one_line_and_exit_2_and_keeps_old_output(runner, tmp_path, setup, message):
    out = tmp_path / "out"
    out.mkdir()
    (out / "graph.ttl").write_text("previous", encoding="utf-8")
    corpus = tmp_path / "corpus"
    if setup != "missing":
        corpus.mkdir()
    if setup == "latin1":
        (corpus / "x.txt").write_bytes(b"Title: x\n\nSeoul caf\xe9\n")
    result = runner.invoke(cli, ["build", str(corpus), "--out", str(out), "-q"])
    assert result.exit_code == 2
    assert message in result.output and "Traceback" not in result.output
    assert len(result.output.strip().splitlines()) == 1
    assert (out / "graph.ttl").read_text(encoding="utf-8") == "previous"


def test_python_dash_m_and_console_script_help():
    for cmd in ([sys.executable, "-m", "kg", "--help"], [os.path.join(os.path.dirname(sys.executable), "kg"), "build", "--help"]):
        proc = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT, check=False)
        assert proc.returncode == 0 and "Usage:" in proc.stdout


@pytest.mark.slow
@pytest.mark.slow
def test_builds_in_separate_processes_are_byte_identical(tmp_path):
    """Any PYTHONHASHSEED, any working directory, absolute or relative corpus path, any --jobs: the same bytes."""
    outputs = []
    for n, (seed, cwd, corpus, jobs) in enumerate([("1", ROOT, "corpus", "1"), ("4242", tmp_path, str(ROOT / "corpus"), "2")]):
        out = tmp_path / f"out{n}"
        env = {**os.environ, "PYTHONHASHSEED": seed, "PYTHONPATH": str(ROOT)}
        command = [sys.executable, "-m", "kg", "build", corpus, "--out", str(out), "--jobs", jobs]
        done = subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True, timeout=600)
        assert done.returncode == 0, done.stderr
        outputs.append(out)
    for name in ("graph.ttl", "graph.trig", "graph.html"):
        first, second = ((o / name).read_bytes() for o in outputs)
        assert first == second, f"{name} differs between processes"
        assert b"/work/" not in first and str(ROOT).encode() not in first and str(tmp_path).encode() not in first


@pytest.mark.slow
def test_entity_descriptions_live_once_in_their_own_graph(built):
    """A union default graph (Oxigraph, Fuseki) returns each entity once: descriptions are not repeated per document."""
    import pyoxigraph as ox

    from kg.graph import ENTITIES_GRAPH

    _, out = built
    store = ox.Store()
    store.load(path=str(out / "graph.trig"), format=ox.RdfFormat.TRIG)
    countries = "SELECT ?c WHERE { ?c a <https://w3id.org/jk-tech/ontology#Country> }"
    union = [row["c"].value for row in store.query(countries, use_default_graph_as_union=True)]
    assert union and len(union) == len(set(union))
    placed = store.query("SELECT DISTINCT ?g WHERE { GRAPH ?g { ?c a <https://w3id.org/jk-tech/ontology#Country> } }")
    assert [row["g"].value for row in placed] == [str(ENTITIES_GRAPH)]
    mentions = "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?m <http://www.w3.org/2005/11/its/rdf#taIdentRef> ?e } FILTER(?g != <%s>) }"
    assert int(next(iter(store.query(mentions % ENTITIES_GRAPH)))["n"].value) > 0  # mentions stay with their document
