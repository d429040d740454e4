"""The build's Oxigraph database (out/store): kg query opens it instead of parsing graph.trig."""

from __future__ import annotations

import os

import pytest

from kg.build import build_graph, write_outputs
from kg.query import run_query
from kg.query.library import resolve_query
from kg.query.stores import KGStore, load_store
from kg.store import load_oxigraph, persistent_store


@pytest.mark.slow
def test_query_opens_the_store_and_answers_as_the_file(tiny_corpus, tmp_path, nlp):
    out = tmp_path / "out"
    write_outputs(build_graph([tiny_corpus], nlp=nlp), out, html=False)
    assert persistent_store(out / "graph.trig") == out / "store" / "oxigraph"
    opened, parsed = load_store(out), KGStore(load_oxigraph(out)[1])
    assert opened.merged is opened.full  # the database, not a parse of the file
    assert len(opened) == len(parsed) and opened.graph_names == parsed.graph_names
    for name in ("chip4", "entity-facts"):
        entry = resolve_query(name)
        bindings = {"entity": "https://w3id.org/jk-tech/id/japan"} if "entity" in entry.parameters else {}
        answers = [run_query(store, sparql=entry.text, parameters=entry.parameters, bindings=bindings).serialize("csv") for store in (opened, parsed)]
        assert answers[0] == answers[1]
    # a graph file changed since the build: the store is ignored, the file parsed
    stat = (out / "graph.trig").stat()
    os.utime(out / "graph.trig", ns=(stat.st_atime_ns, stat.st_mtime_ns + 1))
    assert persistent_store(out / "graph.trig") is None
    reparsed = load_store(out)
    assert reparsed.merged is not reparsed.full and len(reparsed) == len(parsed)


@pytest.mark.slow
def test_a_rebuild_replaces_the_store(tiny_corpus, tmp_path, nlp):
    out = tmp_path / "out"
    write_outputs(build_graph([tiny_corpus], nlp=nlp), out, html=False)
    (tiny_corpus / "beta.md").unlink()
    write_outputs(build_graph([tiny_corpus], nlp=nlp), out, html=False)
    store = load_store(out)
    assert [g for g in sorted(store.graph_names) if "/doc/" in g] == ["https://w3id.org/jk-tech/doc/alpha"]
    assert not [p for p in out.iterdir() if p.name.endswith(".tmp")]
